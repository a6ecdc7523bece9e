/* kabar-pop3-session-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to pop3/: the session's commands and what the files of the
 * session share.
 */

#pragma once

#include "kabar-pop3-session.h"

G_BEGIN_DECLS

typedef struct _KabarPop3Command KabarPop3Command;

typedef enum
{
  KABAR_POP3_COMMAND_MULTILINE    = 1 << 0,  /* +OK is followed by lines and "." */
  /* Sent only when nothing is in flight, and nothing is sent after it
   * until its reply: STLS, USER, PASS, AUTH, QUIT. */
  KABAR_POP3_COMMAND_BARRIER      = 1 << 1,
  KABAR_POP3_COMMAND_SECRET       = 1 << 2,  /* logged as its first word */
  KABAR_POP3_COMMAND_CONVERSATION = 1 << 3,  /* "+ " lines are SASL challenges */
} KabarPop3CommandFlags;

/* What a -ERR to the command means. */
typedef enum
{
  KABAR_POP3_REFUSAL_COMMAND,   /* COMMAND_REFUSED */
  KABAR_POP3_REFUSAL_MESSAGE,   /* NO_SUCH_MESSAGE */
  KABAR_POP3_REFUSAL_SIGN_IN,   /* AUTHENTICATION_FAILED and the like */
} KabarPop3Refusal;

struct _KabarPop3Command
{
  KabarPop3Session      *session;    /* set by submit */
  char                  *line;       /* without CRLF; NULL for the greeting */
  KabarPop3CommandFlags  flags;
  KabarPop3Refusal       refusal;
  GTask                 *task;       /* the caller's, or NULL */
  gpointer               owner;      /* an internal caller's (a batch) */
  GDestroyNotify         owner_free;
  gpointer               data;
  GDestroyNotify         data_free;
  char                  *text;       /* the text of the +OK */
  GError                *error;      /* kept until "." (a malformed line) */
  gboolean               in_body;
  GSource               *cancel_source;

  /* A line of a multi-line reply, dot-stuffing removed, without CRLF.
   * FALSE stops the reader until kabar_pop3_session_resume_reading(). */
  gboolean (*body_line)    (KabarPop3Session *self,
                            KabarPop3Command *command,
                            const char       *data,
                            gsize             length);
  /* The ".": FALSE when the command completes later itself, with
   * kabar_pop3_session_complete(). */
  gboolean (*body_end)     (KabarPop3Session *self,
                            KabarPop3Command *command);
  /* A SASL challenge (what follows "+ "). */
  void     (*continuation) (KabarPop3Session *self,
                            KabarPop3Command *command,
                            const char       *challenge);
  /* The reply is complete: error (taken) is the -ERR or the kept error,
   * NULL after +OK. Not called when the session ends first: the task gets
   * the session's error instead. */
  void     (*done)         (KabarPop3Session *self,
                            KabarPop3Command *command,
                            GError           *error);
};

KabarPop3Command *kabar_pop3_command_new          (const char           *line,
                                                   KabarPop3CommandFlags flags);
void              kabar_pop3_command_free         (KabarPop3Command     *command);

/* Queues the command; it is sent when the rules of the header allow. The
 * command's task gets cancellable. Takes command. */
void              kabar_pop3_session_submit       (KabarPop3Session     *self,
                                                   KabarPop3Command     *command,
                                                   GCancellable         *cancellable);
/* The same in two steps, for a batch of commands sent in one write. */
void              kabar_pop3_session_queue        (KabarPop3Session     *self,
                                                   KabarPop3Command     *command,
                                                   GCancellable         *cancellable);
void              kabar_pop3_session_pump         (KabarPop3Session     *self);
/* Ends the reply of the command at the head (see body_end). */
void              kabar_pop3_session_complete     (KabarPop3Session     *self,
                                                   GError               *error);
void              kabar_pop3_session_resume_reading (KabarPop3Session   *self);
/* Writes a line (a SASL response) now, and wipes it once written. Takes
 * line, which has no CRLF. */
void              kabar_pop3_session_write_secret (KabarPop3Session     *self,
                                                   char                 *line);
/* Ends the session: every command fails with error (taken). */
void              kabar_pop3_session_fail         (KabarPop3Session     *self,
                                                   GError               *error);

const char       *kabar_pop3_session_get_peer     (KabarPop3Session     *self);
void              kabar_pop3_session_set_authenticated (KabarPop3Session *self);
/* Reads CAPA; the task's result is TRUE (an -ERR leaves no
 * capabilities). */
void              kabar_pop3_session_read_capabilities (KabarPop3Session *self,
                                                        GTask            *task);
/* What a -ERR means for a command. Takes nothing. */
GError           *kabar_pop3_session_refusal_error (KabarPop3Session    *self,
                                                    KabarPop3Command    *command,
                                                    const char          *text);

void              kabar_pop3_wipe_string          (char                 *text);

G_END_DECLS
