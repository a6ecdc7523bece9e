/* kabar-imap-session-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to imap/: what the session's files share. kabar-imap-session.c
 * has the connection, the reader, dispatch and failures; the commands live
 * in kabar-imap-session-{auth,mailboxes,messages,idle}.c.
 */

#pragma once

#include "kabar-imap-command.h"
#include "kabar-imap-parser.h"
#include "kabar-imap-session.h"

G_BEGIN_DECLS

typedef struct _KabarImapIdle KabarImapIdle;

struct _KabarImapSession
{
  GObject               parent_instance;

  GMainContext         *context;
  KabarConnection      *connection;
  KabarImapParser      *parser;
  char                 *peer;              /* "host:port", for messages */
  KabarImapSessionState state;
  GStrv                 capabilities;      /* upper case; NULL until known */
  GHashTable           *enabled;           /* upper-case names */
  char                 *selected;          /* UTF-8 */
  gboolean              selected_read_only;
  guint                 next_tag;

  /* Commands: queued, then in flight until their tagged reply. */
  GQueue                pending;
  GQueue                in_flight;
  /* The command that owns the server's "+" (a synchronizing literal, SASL,
   * IDLE): nothing else is written until it lets go. */
  KabarImapCommand     *conversation;
  GTask                *greeting;

  /* Reading. */
  GCancellable         *cancellable;       /* cancelled when the session ends */
  gboolean              reading;
  gboolean              reader_paused;     /* STARTTLS: stopped at the reply */
  GByteArray           *line;              /* a line and its LF, for the parser */
  const char           *current_line;      /* the line being fed, for errors */
  gsize                 current_line_length;
  guint64               literal_remaining; /* bytes of a literal still to read */
  GBytes               *feeding;           /* the literal chunk being fed */
  GQueue                arrived;           /* what the parser gave during a feed */

  /* Streamed literals: where the current one goes, and the writes that
   * must finish before reading on. */
  KabarImapCommand     *stream_command;
  GOutputStream        *stream_output;
  GQueue                stream_writes;

  /* Writing. */
  guint                 writes_in_flight;
  void                (*drained)           (KabarImapSession *self,
                                            gpointer          data);
  gpointer              drained_data;

  gboolean              logging_out;
  GError               *close_error;       /* what ended the session, if it failed */
  KabarImapIdle        *idle;
};

/* A command to build, with the literal mode the server allows. */
KabarImapCommand *kabar_imap_session_new_command      (KabarImapSession      *self,
                                                       const char            *name,
                                                       KabarImapCommandFlags  flags);
/* Ends the command, queues it and sends it when its turn comes; takes the
 * command. Its task's source object is self. */
void              kabar_imap_session_submit           (KabarImapSession      *self,
                                                       KabarImapCommand      *command,
                                                       GCancellable          *cancellable,
                                                       GAsyncReadyCallback    callback,
                                                       gpointer               user_data,
                                                       gpointer               source_tag);
/* A failure without sending anything, through the callback. */
void              kabar_imap_session_report_error     (KabarImapSession      *self,
                                                       GAsyncReadyCallback    callback,
                                                       gpointer               user_data,
                                                       gpointer               source_tag,
                                                       GError                *error);
/* KABAR_IMAP_ERROR_UNSUPPORTED, saying what the server lacks. */
GError           *kabar_imap_session_unsupported      (KabarImapSession      *self,
                                                       const char            *what,
                                                       const char            *capability);

/* The error of a NO or BAD reply, quoting the server. */
GError           *kabar_imap_session_reply_error      (KabarImapSession      *self,
                                                       KabarImapCommand      *command,
                                                       KabarImapResponse     *tagged);
/* The done of commands that return nothing but success. */
void              kabar_imap_session_done_boolean     (KabarImapSession      *self,
                                                       KabarImapCommand      *command,
                                                       KabarImapResponse     *tagged);

void              kabar_imap_session_write            (KabarImapSession      *self,
                                                       GBytes                *bytes);
void              kabar_imap_session_pump             (KabarImapSession      *self);
void              kabar_imap_session_set_state        (KabarImapSession      *self,
                                                       KabarImapSessionState  state);
void              kabar_imap_session_set_selected     (KabarImapSession      *self,
                                                       const char            *mailbox);
void              kabar_imap_session_set_capabilities (KabarImapSession      *self,
                                                       const KabarImapValue  *list);
void              kabar_imap_session_forget_capabilities (KabarImapSession   *self);
gboolean          kabar_imap_session_has_capabilities (KabarImapSession      *self);
/* LOGOUT's end: closes the connection, "closed" without an error. */
void              kabar_imap_session_finish_logout    (KabarImapSession      *self);
/* Ends the session: commands fail with error, "closed" says it. */
void              kabar_imap_session_fail             (KabarImapSession      *self,
                                                       GError                *error);

/* The message a fetch or select builds from a FETCH, for the signals. */
void              kabar_imap_session_emit_flags_changed (KabarImapSession    *self,
                                                         KabarImapResponse   *response);

/* IDLE (kabar-imap-session-idle.c). */
/* The read timeout while the server may stay silent; 0 when not idle. */
guint             kabar_imap_session_idle_read_timeout (KabarImapSession     *self);
/* A command is waiting: end the IDLE so it can go. */
void              kabar_imap_session_idle_interrupt   (KabarImapSession      *self);
void              kabar_imap_session_idle_clear       (KabarImapSession      *self);

G_END_DECLS
