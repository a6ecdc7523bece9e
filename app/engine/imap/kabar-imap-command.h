/* kabar-imap-command.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to imap/: one command of a session, from its words to its
 * completion.
 */

#pragma once

#include <gio/gio.h>

#include "kabar-imap-parser.h"
#include "kabar-imap-response.h"

G_BEGIN_DECLS

typedef struct _KabarImapSession KabarImapSession;
typedef struct _KabarImapCommand KabarImapCommand;

/* How literals go on the wire (RFC 7888). */
typedef enum
{
  KABAR_IMAP_LITERAL_SYNC,    /* "{n}", then wait for the server's "+" */
  KABAR_IMAP_LITERAL_PLUS,    /* LITERAL+: "{n+}" and the data at once */
  KABAR_IMAP_LITERAL_MINUS,   /* LITERAL-: "{n+}" up to 4096 bytes */
} KabarImapLiteralMode;

typedef enum
{
  /* Alone on the wire: sent when nothing else is in flight, and nothing
   * goes after it until it is done. */
  KABAR_IMAP_COMMAND_BARRIER       = 1 << 0,
  /* Carries a secret: logged by name only. */
  KABAR_IMAP_COMMAND_SECRET        = 1 << 1,
  /* Answers the server's "+" itself (AUTHENTICATE, IDLE): the wire is its
   * own until it completes. */
  KABAR_IMAP_COMMAND_CONVERSATION  = 1 << 2,
  /* The reader stops at its tagged reply (STARTTLS): what follows is not
   * IMAP text, or not to be trusted. */
  KABAR_IMAP_COMMAND_PAUSE_READER  = 1 << 3,
} KabarImapCommandFlags;

/* An untagged response while the command is in flight: TRUE if it is the
 * command's. */
typedef gboolean (*KabarImapCommandUntaggedFunc)     (KabarImapSession  *session,
                                                      KabarImapCommand  *command,
                                                      KabarImapResponse *response);
/* A "+" for a conversation command. */
typedef void     (*KabarImapCommandContinuationFunc) (KabarImapSession  *session,
                                                      KabarImapCommand  *command,
                                                      KabarImapResponse *response);
/* The tagged reply: returns the command's task. */
typedef void     (*KabarImapCommandDoneFunc)         (KabarImapSession  *session,
                                                      KabarImapCommand  *command,
                                                      KabarImapResponse *tagged);
/* The caller cancelled while the command was on the wire. */
typedef void     (*KabarImapCommandCancelledFunc)    (KabarImapSession  *session,
                                                      KabarImapCommand  *command);

/* A literal above the stream threshold begins: TRUE if it is the command's,
 * with *output where its data goes (transfer full; NULL drops it). */
typedef gboolean (*KabarImapCommandStreamFunc)       (KabarImapSession            *session,
                                                      KabarImapCommand            *command,
                                                      const KabarImapLiteralInfo  *info,
                                                      GOutputStream              **output);

typedef struct
{
  GBytes   *bytes;
  gboolean  wait;     /* wait for "+" after writing it */
} KabarImapSegment;

struct _KabarImapCommand
{
  grefcount                         ref_count;
  KabarImapSession                 *session;   /* not owned */
  char                             *name;      /* "UID FETCH", for messages */
  char                             *tag;       /* set when sent */
  KabarImapCommandFlags             flags;
  KabarImapLiteralMode              literal_mode;
  GString                          *text;      /* the segment being built */
  GPtrArray                        *segments;  /* KabarImapSegment */
  guint                             next_segment;
  gboolean                          sent;      /* every segment is on the wire */

  GTask                            *task;      /* NULL once returned */
  GSource                          *cancel_source;

  KabarImapCommandUntaggedFunc      untagged;
  KabarImapCommandContinuationFunc  continuation;
  KabarImapCommandDoneFunc          done;
  KabarImapCommandCancelledFunc     cancelled;
  KabarImapCommandStreamFunc        stream;
  gpointer                          data;
  GDestroyNotify                    data_free;

  /* What went wrong while it was in flight (a malformed response, a stream
   * that could not be written): reported instead of success. */
  GError                           *error;
};

KabarImapCommand *kabar_imap_command_new          (const char            *name,
                                                   KabarImapLiteralMode   literal_mode);
KabarImapCommand *kabar_imap_command_ref          (KabarImapCommand      *command);
void              kabar_imap_command_unref        (KabarImapCommand      *command);

/* Building, in order: each adds a space and then its argument. */
void              kabar_imap_command_add_atom     (KabarImapCommand      *command,
                                                   const char            *atom);
void              kabar_imap_command_add_printf   (KabarImapCommand      *command,
                                                   const char            *format,
                                                   ...) G_GNUC_PRINTF (2, 3);
/* An astring: quoted when it can be (\ and " escaped), else a literal
 * (8-bit bytes, CR, LF). */
void              kabar_imap_command_add_string   (KabarImapCommand      *command,
                                                   const char            *text);
/* A UTF-8 mailbox name, encoded in modified UTF-7. */
void              kabar_imap_command_add_mailbox  (KabarImapCommand      *command,
                                                   const char            *mailbox);
void              kabar_imap_command_add_literal  (KabarImapCommand      *command,
                                                   GBytes                *data);
/* "(\Seen \Flagged)". */
void              kabar_imap_command_add_flags    (KabarImapCommand      *command,
                                                   const char * const    *flags);
/* Ends the command line; after this the segments are final. */
void              kabar_imap_command_end          (KabarImapCommand      *command);

/* What a log may show: the name and, unless secret, the first segment. */
char             *kabar_imap_command_describe     (KabarImapCommand      *command);

void              kabar_imap_command_set_data     (KabarImapCommand      *command,
                                                   gpointer               data,
                                                   GDestroyNotify         data_free);

/* Completion. A command with an error recorded fails with it instead of
 * succeeding. Each is a no-op once the task returned (cancelled). */
void              kabar_imap_command_return_boolean (KabarImapCommand    *command);
void              kabar_imap_command_return_pointer (KabarImapCommand    *command,
                                                     gpointer             result,
                                                     GDestroyNotify       result_free);
void              kabar_imap_command_return_error   (KabarImapCommand    *command,
                                                     GError              *error);
/* Records a problem to report at completion; the first one wins. */
void              kabar_imap_command_take_error     (KabarImapCommand    *command,
                                                     GError              *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarImapCommand, kabar_imap_command_unref)

G_END_DECLS
