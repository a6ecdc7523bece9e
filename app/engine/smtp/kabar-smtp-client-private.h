/* kabar-smtp-client-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to smtp/: what the client's files share.
 */

#pragma once

#include "kabar-smtp-client.h"

G_BEGIN_DECLS

struct _KabarSmtpClient
{
  GObject                 parent_instance;

  KabarConnection        *connection;
  char                   *peer;           /* "host:port", for messages and the log */
  char                   *helo_name;
  GStrv                   capabilities;
  GStrv                   mechanisms;
  guint64                 max_size;
  gboolean                authenticated;
  gboolean                busy;           /* an operation runs */
  gboolean                in_data;        /* between send_data and finish_data */
  gboolean                at_line_start;  /* where the data written so far ends */
  KabarSmtpDeliveryState  delivery_state;
};

/* Where in the dialogue a reply came: the same code means different
 * things at MAIL and after the data. */
typedef enum
{
  KABAR_SMTP_STAGE_MAIL,
  KABAR_SMTP_STAGE_RCPT,
  KABAR_SMTP_STAGE_DATA,
  KABAR_SMTP_STAGE_END,
} KabarSmtpStage;

/* Starts an operation: FALSE (and task returned with the error) when
 * another runs or the connection is closed. Takes no reference. */
gboolean        kabar_smtp_client_begin           (KabarSmtpClient     *self,
                                                   GTask               *task);
/* Ends it: returns task's result. Takes task. */
void            kabar_smtp_client_return_boolean  (KabarSmtpClient     *self,
                                                   GTask               *task);
void            kabar_smtp_client_return_error    (KabarSmtpClient     *self,
                                                   GTask               *task,
                                                   GError              *error);
/* Ends it with the caller's mistake: the connection stays as it was. */
void            kabar_smtp_client_refuse          (KabarSmtpClient     *self,
                                                   GTask               *task,
                                                   GError              *error);

/* Writes bytes (a command line with its CRLF, or data); log is what
 * g_debug shows, NULL for nothing. */
void            kabar_smtp_client_write_async     (KabarSmtpClient     *self,
                                                   GBytes              *bytes,
                                                   const char          *log,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean        kabar_smtp_client_write_finish    (KabarSmtpClient     *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* One whole reply, multi-line ones joined. */
void            kabar_smtp_client_read_reply_async (KabarSmtpClient    *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
KabarSmtpReply *kabar_smtp_client_read_reply_finish (KabarSmtpClient   *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* Writes line and CRLF, then reads the reply. */
void            kabar_smtp_client_command_async   (KabarSmtpClient     *self,
                                                   const char          *line,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
KabarSmtpReply *kabar_smtp_client_command_finish  (KabarSmtpClient     *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Closes the connection in the background: after a cut, a cancel or a
 * reply that leaves the dialogue in an unknown place. */
void            kabar_smtp_client_drop            (KabarSmtpClient     *self);

/* The error a refusal at stage means, quoting the server. */
GError         *kabar_smtp_client_reply_error     (KabarSmtpClient     *self,
                                                   const KabarSmtpReply *reply,
                                                   KabarSmtpStage       stage,
                                                   const char          *subject);
gboolean        kabar_smtp_reply_says_sending_limit (const KabarSmtpReply *reply);

G_END_DECLS
