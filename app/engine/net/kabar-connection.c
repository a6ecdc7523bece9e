/* kabar-connection.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kabar-connection.h"
#include "kabar-net-error.h"
#include "kabar-net-operation.h"

/* Big enough that a FETCH stream is read in few system calls, and that
 * most lines are found in one buffer without copying. */
#define INPUT_BUFFER_SIZE (64 * 1024)
/* Literals and writes move in pieces of this size, so the inactivity
 * timeout sees progress on a slow link. */
#define CHUNK_SIZE (64 * 1024)
/* read_bytes reserves at most this much before the data is there. */
#define MAX_RESERVE (16 * 1024 * 1024)

struct _KabarConnection
{
  GObject parent_instance;

  char *host;
  guint16 port;
  char *peer;                 /* "host:port", for messages */
  KabarSecurity security;
  GTlsCertificate *pinned_certificate;
  guint timeout;
  gsize max_line_length;

  GSocketConnection *socket_connection;
  GIOStream *stream;          /* socket_connection, or TLS over it */
  GBufferedInputStream *input;
  gsize peeked;               /* the lent line's bytes, LF included */
  KabarCertificateProblem *certificate_problem;

  GCancellable *closing;      /* cancelled on close: ends what is in flight */
  guint busy;                 /* operations in flight */
  gboolean reading;
  gboolean handshaking;
  gboolean is_tls;
  GQueue writes;              /* GTasks, in order; the head one is next */
  gboolean writing;           /* a write of the head one is in flight */
  GError *write_error;
  GTask *close_task;          /* waits for busy to drop to 0 */
  gboolean closed;
};

G_DEFINE_FINAL_TYPE (KabarConnection, kabar_connection, G_TYPE_OBJECT)

static void finish_close (KabarConnection *self);

/* --- lifecycle -------------------------------------------------------------- */

static void
kabar_connection_dispose (GObject *object)
{
  KabarConnection *self = KABAR_CONNECTION (object);

  /* Nothing is in flight (each operation holds a reference), so the
   * stream can close in the background rather than block here. */
  if (self->stream != NULL && !self->closed)
    {
      self->closed = TRUE;
      g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
    }
  g_clear_object (&self->input);
  g_clear_object (&self->stream);
  g_clear_object (&self->socket_connection);

  G_OBJECT_CLASS (kabar_connection_parent_class)->dispose (object);
}

static void
kabar_connection_finalize (GObject *object)
{
  KabarConnection *self = KABAR_CONNECTION (object);

  g_free (self->host);
  g_free (self->peer);
  g_clear_object (&self->pinned_certificate);
  g_clear_pointer (&self->certificate_problem, kabar_certificate_problem_unref);
  g_clear_object (&self->closing);
  g_clear_error (&self->write_error);

  G_OBJECT_CLASS (kabar_connection_parent_class)->finalize (object);
}

static void
kabar_connection_class_init (KabarConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_connection_dispose;
  object_class->finalize = kabar_connection_finalize;
}

static void
kabar_connection_init (KabarConnection *self)
{
  self->closing = g_cancellable_new ();
  self->max_line_length = KABAR_CONNECTION_DEFAULT_MAX_LINE_LENGTH;
  g_queue_init (&self->writes);
}

/* Reads go through one buffer over whichever stream is current. */
static void
set_stream (KabarConnection *self,
            GIOStream       *stream)
{
  g_set_object (&self->stream, stream);
  g_clear_object (&self->input);
  self->input = G_BUFFERED_INPUT_STREAM (
    g_buffered_input_stream_new_sized (g_io_stream_get_input_stream (stream), INPUT_BUFFER_SIZE));
  /* The GIOStream owns its halves and closes them; dropping the buffer
   * after STARTTLS must not close the socket under the TLS layer. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (self->input), FALSE);
}

static KabarNetOperation *
new_operation (KabarConnection *self,
               GCancellable    *cancellable)
{
  return kabar_net_operation_new (cancellable, self->closing, self->timeout, self->peer);
}

/* Every operation in flight counts, so that close waits for them. */
static void
begin_operation (KabarConnection *self)
{
  self->busy++;
}

static void
end_operation (KabarConnection *self)
{
  g_assert (self->busy > 0);
  self->busy--;
  if (self->busy == 0 && self->close_task != NULL)
    finish_close (self);
}

static gboolean
check_open (KabarConnection  *self,
            GError          **error)
{
  if (!self->closed)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "The connection to %s is closed", self->peer);
  return FALSE;
}

/* After a failed handshake or a refused STARTTLS nothing more may be
 * said on this connection. outermost is the layer to close, which closes
 * those below it: a TLS layer even when its handshake failed. Nothing else
 * is in flight then: reads and writes wait for handshakes and STARTTLS for
 * them. */
static void
abandon (KabarConnection *self,
         GIOStream       *outermost)
{
  g_set_object (&self->stream, outermost);
  /* A close in waiting closes it, once the handshake has ended: two
   * closes at once would race on the socket. */
  if (self->close_task != NULL)
    return;
  self->closed = TRUE;
  g_io_stream_close_async (outermost, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
}

/* --- TLS ------------------------------------------------------------------- */

static gboolean
on_accept_certificate (GTlsConnection       *tls,
                       GTlsCertificate      *peer_certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  KabarConnection *self = user_data;

  /* The user's own decision for this host, and nothing looser: not a
   * certificate of the same subject, not any certificate after an
   * "accept once". */
  if (self->pinned_certificate != NULL &&
      g_tls_certificate_is_same (peer_certificate, self->pinned_certificate))
    return TRUE;

  g_clear_pointer (&self->certificate_problem, kabar_certificate_problem_unref);
  self->certificate_problem = kabar_certificate_problem_new (self->host, self->port,
                                                             peer_certificate, errors);
  return FALSE;
}

/* glib-networking 2.74 does not say G_TLS_ERROR_NOT_TLS when a plain-text
 * server greets us: GnuTLS takes the greeting's first five bytes for a
 * record header and reports "An unexpected TLS packet was received"
 * (G_TLS_ERROR_MISC). The rest of the greeting is still in the socket, and
 * it is text. */
static gboolean
peer_sent_plain_text (KabarConnection *self)
{
  GSocket *socket = g_socket_connection_get_socket (self->socket_connection);
  char buffer[128];
  GInputVector vector = { buffer, sizeof buffer };
  int flags = G_SOCKET_MSG_PEEK;
  gssize n;

  /* Only what has arrived: peeking at it cannot block. */
  if (g_socket_get_available_bytes (socket) <= 0)
    return FALSE;
  n = g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL, &flags, NULL, NULL);
  if (n <= 0)
    return FALSE;
  for (gssize i = 0; i < n; i++)
    if (!g_ascii_isprint (buffer[i]) && buffer[i] != '\r' && buffer[i] != '\n' && buffer[i] != '\t')
      return FALSE;
  return TRUE;
}

/* The other way round, glib-networking says G_TLS_ERROR_NOT_TLS for a
 * connection lost before the first handshake completed (GnuTLS's
 * premature termination, a record cut short, a broken pipe): without
 * plain text from the peer, that is a failed handshake, not a server
 * without TLS. */
static GError *
recognise_plain_text (KabarConnection *self,
                      GError          *error)
{
  gboolean plain;
  GError *mapped;

  if (error->domain != G_TLS_ERROR ||
      (error->code != G_TLS_ERROR_MISC && error->code != G_TLS_ERROR_HANDSHAKE &&
       error->code != G_TLS_ERROR_NOT_TLS))
    return error;
  plain = peer_sent_plain_text (self);
  if (plain == (error->code == G_TLS_ERROR_NOT_TLS))
    return error;
  if (plain)
    mapped = g_error_new (G_TLS_ERROR, G_TLS_ERROR_NOT_TLS,
                          "%s (the server answered in plain text)", error->message);
  else
    mapped = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE, error->message);
  g_error_free (error);
  return mapped;
}

static void
on_handshake_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarConnection *self = g_task_get_source_object (task);
  GIOStream *tls = G_IO_STREAM (source);
  GError *error = NULL;

  self->handshaking = FALSE;
  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (tls), result, &error))
    {
      error = recognise_plain_text (self, error);
      /* Closing the TLS layer closes the socket under it. */
      abandon (self, tls);
      g_task_return_error (task, error);
      return;
    }
  set_stream (self, tls);
  self->is_tls = TRUE;
  g_task_return_boolean (task, TRUE);
}

/* The handshake of both implicit TLS and STARTTLS: one set of rules. */
static void
handshake_async (KabarConnection     *self,
                 KabarNetOperation   *operation,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GSocketConnectable) identity = g_network_address_new (self->host, self->port);
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  g_clear_pointer (&self->certificate_problem, kabar_certificate_problem_unref);
  tls = g_tls_client_connection_new (G_IO_STREAM (self->socket_connection), identity, &error);
  if (tls == NULL)
    {
      abandon (self, self->stream);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, tls, g_object_unref);
  /* Kept for the connection's life: a renegotiation meets the same rules. */
  g_signal_connect_object (tls, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);
  self->handshaking = TRUE;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    kabar_net_operation_get_cancellable (operation),
                                    on_handshake_done, g_steal_pointer (&task));
}

/* Says which handshake failure it was: the certificate (with what was
 * wrong), a plain-text server, or TLS itself. */
static GError *
handshake_error (KabarConnection   *self,
                 KabarNetOperation *operation,
                 GError            *error)
{
  g_autoptr(GError) mapped = kabar_net_operation_take_error (operation, error);
  g_auto(GStrv) descriptions = NULL;
  g_autofree char *joined = NULL;

  if (mapped->domain != KABAR_NET_ERROR)
    return g_steal_pointer (&mapped);
  switch (mapped->code)
    {
    case KABAR_NET_ERROR_CERTIFICATE:
      if (self->certificate_problem == NULL)
        return g_steal_pointer (&mapped);
      descriptions = kabar_certificate_problem_dup_descriptions (self->certificate_problem);
      joined = g_strjoinv (" ", descriptions);
      return g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE,
                          "The certificate of %s is not trusted. %s (%s)",
                          self->peer, joined, mapped->message);
    case KABAR_NET_ERROR_NOT_TLS:
      return g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_NOT_TLS,
                          "%s does not use TLS on this port: %s", self->peer, mapped->message);
    /* An end of the stream or an unnamed failure in the middle of a
     * handshake is the server giving up on TLS. */
    case KABAR_NET_ERROR_FAILED:
    case KABAR_NET_ERROR_CLOSED:
    case KABAR_NET_ERROR_TLS_HANDSHAKE:
      return g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_TLS_HANDSHAKE,
                          "TLS handshake with %s failed: %s", self->peer, mapped->message);
    default:
      return g_steal_pointer (&mapped);
    }
}

static gboolean
handshake_finish (KabarConnection    *self,
                  GAsyncResult       *result,
                  KabarNetOperation  *operation,
                  GError            **error)
{
  GError *local_error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &local_error))
    return TRUE;
  g_propagate_error (error, handshake_error (self, operation, local_error));
  return FALSE;
}

/* --- connect --------------------------------------------------------------- */

typedef struct
{
  KabarConnection *connection;
  KabarNetOperation *operation;
} Connect;

static void
connect_free (Connect *connect)
{
  g_clear_object (&connect->connection);
  g_clear_pointer (&connect->operation, kabar_net_operation_free);
  g_free (connect);
}

static void
on_implicit_handshake_done (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *connect = g_task_get_task_data (task);
  GError *error = NULL;

  if (!handshake_finish (connect->connection, result, connect->operation, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (connect->connection), g_object_unref);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *connect = g_task_get_task_data (task);
  KabarConnection *self = connect->connection;
  GError *error = NULL;

  self->socket_connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (self->socket_connection == NULL)
    {
      g_task_return_error (task, kabar_net_operation_take_error (connect->operation, error));
      return;
    }
  /* An IDLE connection may be silent for half an hour: keepalives find a
   * peer that vanished (a suspended laptop, a NAT that forgot us). */
  g_socket_set_keepalive (g_socket_connection_get_socket (self->socket_connection), TRUE);
  set_stream (self, G_IO_STREAM (self->socket_connection));

  if (self->security != KABAR_SECURITY_IMPLICIT_TLS)
    {
      g_task_return_pointer (task, g_object_ref (self), g_object_unref);
      return;
    }
  kabar_net_operation_progress (connect->operation);
  handshake_async (self, connect->operation, on_implicit_handshake_done, g_steal_pointer (&task));
}

void
kabar_connection_connect_async (const char          *host,
                                guint16              port,
                                KabarSecurity        security,
                                GTlsCertificate     *pinned_certificate,
                                guint                timeout_seconds,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  KabarConnection *self;
  Connect *connect;

  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (port > 0);
  g_return_if_fail (pinned_certificate == NULL || G_IS_TLS_CERTIFICATE (pinned_certificate));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  self = g_object_new (KABAR_TYPE_CONNECTION, NULL);
  self->host = g_strdup (host);
  self->port = port;
  /* An IPv6 address needs brackets before a port. */
  self->peer = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, port)
                                          : g_strdup_printf ("%s:%u", host, port);
  self->security = security;
  self->timeout = timeout_seconds;
  g_set_object (&self->pinned_certificate, pinned_certificate);

  connect = g_new0 (Connect, 1);
  connect->connection = self;
  connect->operation = kabar_net_operation_new (cancellable, NULL, timeout_seconds, self->peer);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_connection_connect_async);
  g_task_set_task_data (task, connect, (GDestroyNotify) connect_free);

  /* The timeout is ours (the operation's timer): GSocketClient's would
   * stay on the socket and end a long IDLE. TLS is ours too, so that both
   * kinds of TLS meet the same certificate rules. */
  client = g_socket_client_new ();
  address = g_network_address_new (host, port);
  g_socket_client_connect_async (client, address, kabar_net_operation_get_cancellable (connect->operation),
                                 on_connected, g_steal_pointer (&task));
}

KabarConnection *
kabar_connection_connect_finish (GAsyncResult             *result,
                                 KabarCertificateProblem **problem,
                                 GError                  **error)
{
  Connect *connect;
  KabarConnection *self;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kabar_connection_connect_async, NULL);

  connect = g_task_get_task_data (G_TASK (result));
  self = g_task_propagate_pointer (G_TASK (result), error);
  if (problem != NULL)
    *problem = NULL;
  if (self == NULL && problem != NULL && connect->connection->certificate_problem != NULL)
    *problem = kabar_certificate_problem_ref (connect->connection->certificate_problem);
  return self;
}

/* --- STARTTLS -------------------------------------------------------------- */

/* Whether the server has sent anything we have not read: in our buffer, or
 * still in the socket's. */
static gsize
count_unread (KabarConnection *self)
{
  GSocket *socket = g_socket_connection_get_socket (self->socket_connection);
  gssize in_socket = g_socket_get_available_bytes (socket);

  return g_buffered_input_stream_get_available (self->input) + MAX (in_socket, 0);
}

static void
on_start_tls_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarConnection *self = g_task_get_source_object (task);
  KabarNetOperation *operation = g_task_get_task_data (task);
  GError *error = NULL;

  end_operation (self);
  if (!handshake_finish (self, result, operation, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
kabar_connection_start_tls_async (KabarConnection     *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  KabarNetOperation *operation;
  GError *error = NULL;
  gsize unread;

  g_return_if_fail (KABAR_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_connection_start_tls_async);
  if (!check_open (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->reading || self->handshaking || !g_queue_is_empty (&self->writes))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "STARTTLS on %s while reading or writing", self->peer);
      return;
    }
  if (self->is_tls)
    {
      g_task_return_new_error (task, KABAR_NET_ERROR, KABAR_NET_ERROR_FAILED,
                               "The connection to %s already uses TLS", self->peer);
      return;
    }
  unread = count_unread (self);
  if (unread > 0)
    {
      abandon (self, self->stream);
      g_task_return_new_error (task, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_INJECTION,
                               "%s sent %" G_GSIZE_FORMAT " bytes after its STARTTLS reply, "
                               "before the TLS handshake", self->peer, unread);
      return;
    }

  operation = new_operation (self, cancellable);
  g_task_set_task_data (task, operation, (GDestroyNotify) kabar_net_operation_free);
  begin_operation (self);
  handshake_async (self, operation, on_start_tls_done, g_steal_pointer (&task));
}

gboolean
kabar_connection_start_tls_finish (KabarConnection          *self,
                                   GAsyncResult             *result,
                                   KabarCertificateProblem **problem,
                                   GError                  **error)
{
  gboolean ok;

  g_return_val_if_fail (KABAR_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  ok = g_task_propagate_boolean (G_TASK (result), error);
  if (problem != NULL)
    *problem = !ok && self->certificate_problem != NULL
               ? kabar_certificate_problem_ref (self->certificate_problem) : NULL;
  return ok;
}

KabarCertificateProblem *
kabar_connection_get_certificate_problem (KabarConnection *self)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), NULL);

  return self->certificate_problem;
}

/* --- reading: common ------------------------------------------------------- */

/* A GTask for a read, or NULL after reporting why none can start. */
static GTask *
begin_read (KabarConnection     *self,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  if (!check_open (self, &error))
    {
      g_task_return_error (task, error);
      return NULL;
    }
  if (self->reading || self->handshaking)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "Another read on %s is in flight", self->peer);
      return NULL;
    }
  self->reading = TRUE;
  begin_operation (self);
  return g_steal_pointer (&task);
}

/* Before returning the result: the callback may start the next read. */
static void
end_read (KabarConnection *self)
{
  self->reading = FALSE;
  end_operation (self);
}

static void
return_read_error (GTask  *task,
                   GError *error)
{
  end_read (g_task_get_source_object (task));
  g_task_return_error (task, error);
}

/* Takes bytes that are already in the buffer: the buffered stream copies
 * them without I/O, so these synchronous calls cannot block. */
static void
consume (KabarConnection *self,
         gsize            count)
{
  g_input_stream_skip (G_INPUT_STREAM (self->input), count, NULL, NULL);
}

static GError *
closed_error (KabarConnection *self,
              gboolean         mid_way)
{
  return g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED,
                      mid_way ? "%s closed the connection in the middle of a reply"
                              : "%s closed the connection", self->peer);
}

/* --- reading lines --------------------------------------------------------- */

typedef struct
{
  KabarNetOperation *operation;  /* made when the buffer runs dry */
  GByteArray *head;              /* the start of a line longer than the buffer */
  gsize scanned;                 /* buffered bytes known to hold no LF */
} LineRead;

static void
line_read_free (LineRead *read)
{
  g_clear_pointer (&read->operation, kabar_net_operation_free);
  g_clear_pointer (&read->head, g_byte_array_unref);
  g_free (read);
}

static GError *
line_too_long_error (KabarConnection *self)
{
  return g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_LINE_TOO_LONG,
                      "%s sent a line longer than %" G_GSIZE_FORMAT " bytes",
                      self->peer, self->max_line_length);
}

/* Takes head, then length bytes of the buffer and its LF, as one line. */
static GBytes *
take_line (KabarConnection  *self,
           GByteArray       *head,
           gsize             length,
           GError          **error)
{
  const char *buffered = g_buffered_input_stream_peek_buffer (self->input, NULL);
  gsize head_length = head != NULL ? head->len : 0;
  gsize total = head_length + length;
  char *line;

  if (total > 0 && (length > 0 ? buffered[length - 1] : (char) head->data[head_length - 1]) == '\r')
    total--;
  if (total > self->max_line_length)
    {
      g_propagate_error (error, line_too_long_error (self));
      return NULL;
    }
  line = g_malloc (total + 1);
  if (head_length > 0)
    memcpy (line, head->data, MIN (head_length, total));
  if (total > head_length)
    memcpy (line + head_length, buffered, total - head_length);
  line[total] = '\0';
  consume (self, length + 1);
  return g_bytes_new_take (line, total);
}

/* The length of the buffered line, without its LF, when a whole one is
 * there, searching from the offset before which there is none. */
static gboolean
find_line (KabarConnection *self,
           gsize            from,
           gsize           *length)
{
  gsize available;
  const char *buffered = g_buffered_input_stream_peek_buffer (self->input, &available);
  const char *lf;

  if (available <= from)
    return FALSE;
  lf = memchr (buffered + from, '\n', available - from);
  if (lf == NULL)
    return FALSE;
  *length = lf - buffered;
  return TRUE;
}

GBytes *
kabar_connection_read_buffered_line (KabarConnection  *self,
                                     GError          **error)
{
  gsize length;

  g_return_val_if_fail (KABAR_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (!self->reading, NULL);

  if (self->closed || !find_line (self, 0, &length))
    return NULL;
  return take_line (self, NULL, length, error);
}

const char *
kabar_connection_peek_buffered_line (KabarConnection  *self,
                                     gsize            *length,
                                     GError          **error)
{
  const char *buffered;
  gsize through_lf;

  g_return_val_if_fail (KABAR_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (!self->reading, NULL);
  g_return_val_if_fail (length != NULL, NULL);

  self->peeked = 0;
  if (self->closed || !find_line (self, 0, &through_lf))
    return NULL;
  buffered = g_buffered_input_stream_peek_buffer (self->input, NULL);
  *length = through_lf > 0 && buffered[through_lf - 1] == '\r' ? through_lf - 1 : through_lf;
  if (*length > self->max_line_length)
    {
      g_propagate_error (error, line_too_long_error (self));
      return NULL;
    }
  self->peeked = through_lf + 1;
  return buffered;
}

void
kabar_connection_skip_buffered_line (KabarConnection *self)
{
  g_return_if_fail (KABAR_IS_CONNECTION (self));
  g_return_if_fail (self->peeked > 0);

  consume (self, self->peeked);
  self->peeked = 0;
}

static void line_read_step (GTask *task);

static void
on_line_filled (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  KabarConnection *self = g_task_get_source_object (task);
  LineRead *read = g_task_get_task_data (task);
  GError *error = NULL;
  gssize filled;

  filled = g_buffered_input_stream_fill_finish (G_BUFFERED_INPUT_STREAM (source), result, &error);
  if (filled < 0)
    return_read_error (task, kabar_net_operation_take_error (read->operation, error));
  else if (filled == 0)
    return_read_error (task, closed_error (self, read->scanned > 0 || read->head != NULL));
  else
    {
      kabar_net_operation_progress (read->operation);
      line_read_step (task);
      return;
    }
  g_object_unref (task);
}

/* Moves a buffer full of one line's start aside, to make room. */
static void
set_aside_full_buffer (KabarConnection *self,
                       LineRead        *read)
{
  gsize available;
  const char *buffered = g_buffered_input_stream_peek_buffer (self->input, &available);

  if (available < g_buffered_input_stream_get_buffer_size (self->input))
    return;
  if (read->head == NULL)
    read->head = g_byte_array_new ();
  g_byte_array_append (read->head, (const guint8 *) buffered, available);
  consume (self, available);
  read->scanned = 0;
}

/* Owns a reference to task until it returns. */
static void
line_read_step (GTask *task)
{
  KabarConnection *self = g_task_get_source_object (task);
  LineRead *read = g_task_get_task_data (task);
  GError *error = NULL;
  GBytes *line;
  gsize length;

  if (find_line (self, read->scanned, &length))
    {
      line = take_line (self, read->head, length, &error);
      end_read (self);
      if (line == NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, line, (GDestroyNotify) g_bytes_unref);
      g_object_unref (task);
      return;
    }
  read->scanned = g_buffered_input_stream_get_available (self->input);
  /* Without waiting for the LF: one byte more than the limit may be the
   * CR before it, any more is too long already. */
  if ((read->head != NULL ? read->head->len : 0) + read->scanned > self->max_line_length + 1)
    {
      return_read_error (task, line_too_long_error (self));
      g_object_unref (task);
      return;
    }
  set_aside_full_buffer (self, read);
  /* A line that is already buffered needs no timer: make it only now. */
  if (read->operation == NULL)
    read->operation = new_operation (self, g_task_get_cancellable (task));
  g_buffered_input_stream_fill_async (self->input, -1, G_PRIORITY_DEFAULT,
                                      kabar_net_operation_get_cancellable (read->operation),
                                      on_line_filled, task);
}

void
kabar_connection_read_line_async (KabarConnection     *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (KABAR_IS_CONNECTION (self));

  task = begin_read (self, cancellable, callback, user_data, kabar_connection_read_line_async);
  if (task == NULL)
    return;
  g_task_set_task_data (task, g_new0 (LineRead, 1), (GDestroyNotify) line_read_free);
  line_read_step (task);
}

GBytes *
kabar_connection_read_line_finish (KabarConnection  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- reading counted bytes ------------------------------------------------- */

typedef struct
{
  KabarNetOperation *operation;
  GByteArray *bytes;
  gsize count;
} BytesRead;

static void
bytes_read_free (BytesRead *read)
{
  g_clear_pointer (&read->operation, kabar_net_operation_free);
  g_clear_pointer (&read->bytes, g_byte_array_unref);
  g_free (read);
}

static void bytes_read_step (GTask *task);

static void
on_bytes_filled (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  KabarConnection *self = g_task_get_source_object (task);
  BytesRead *read = g_task_get_task_data (task);
  GError *error = NULL;
  gssize filled;

  filled = g_buffered_input_stream_fill_finish (G_BUFFERED_INPUT_STREAM (source), result, &error);
  if (filled > 0)
    {
      kabar_net_operation_progress (read->operation);
      bytes_read_step (task);
      return;
    }
  if (filled < 0)
    return_read_error (task, kabar_net_operation_take_error (read->operation, error));
  else
    return_read_error (task, closed_error (self, TRUE));
  g_object_unref (task);
}

/* Copies up to max buffered bytes to the end of bytes; how many. */
static gsize
take_buffered (KabarConnection *self,
               GByteArray      *bytes,
               gsize            max)
{
  gsize available;
  const char *buffered = g_buffered_input_stream_peek_buffer (self->input, &available);
  gsize n = MIN (available, max);

  if (n > 0)
    {
      g_byte_array_append (bytes, (const guint8 *) buffered, (guint) n);
      consume (self, n);
    }
  return n;
}

/* Owns a reference to task until it returns. The data goes through the
 * stream's buffer: filling it reads the TLS stream, which is pollable,
 * where a read of the buffered stream itself would go to a thread. */
static void
bytes_read_step (GTask *task)
{
  KabarConnection *self = g_task_get_source_object (task);
  BytesRead *read = g_task_get_task_data (task);

  take_buffered (self, read->bytes, read->count - read->bytes->len);
  if (read->bytes->len == read->count)
    {
      end_read (self);
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&read->bytes)),
                             (GDestroyNotify) g_bytes_unref);
      g_object_unref (task);
      return;
    }
  g_buffered_input_stream_fill_async (self->input, -1, G_PRIORITY_DEFAULT,
                                      kabar_net_operation_get_cancellable (read->operation),
                                      on_bytes_filled, task);
}

GBytes *
kabar_connection_read_buffered_bytes (KabarConnection *self,
                                      gsize            max)
{
  GByteArray *bytes;

  g_return_val_if_fail (KABAR_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (!self->reading, NULL);

  if (self->closed || max == 0 || g_buffered_input_stream_get_available (self->input) == 0)
    return NULL;
  bytes = g_byte_array_sized_new ((guint) MIN (max, g_buffered_input_stream_get_available (self->input)));
  take_buffered (self, bytes, max);
  return g_byte_array_free_to_bytes (bytes);
}

void
kabar_connection_read_bytes_async (KabarConnection     *self,
                                   gsize                count,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  BytesRead *read;

  g_return_if_fail (KABAR_IS_CONNECTION (self));
  g_return_if_fail (count <= G_MAXUINT);

  task = begin_read (self, cancellable, callback, user_data, kabar_connection_read_bytes_async);
  if (task == NULL)
    return;
  read = g_new0 (BytesRead, 1);
  read->count = count;
  read->bytes = g_byte_array_sized_new (MIN (count, MAX_RESERVE));
  read->operation = new_operation (self, cancellable);
  g_task_set_task_data (task, read, (GDestroyNotify) bytes_read_free);
  bytes_read_step (task);
}

GBytes *
kabar_connection_read_bytes_finish (KabarConnection  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- reading into a stream ------------------------------------------------- */

typedef struct
{
  KabarNetOperation *operation;
  GOutputStream *output;
  guint64 remaining;
  guint8 *chunk;
} StreamRead;

static void
stream_read_free (StreamRead *read)
{
  g_clear_pointer (&read->operation, kabar_net_operation_free);
  g_clear_object (&read->output);
  g_free (read->chunk);
  g_free (read);
}

static void stream_read_step (GTask *task);

static void
on_chunk_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  StreamRead *read = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      /* Not the network's fault: say what the output said. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        error = kabar_net_operation_take_error (read->operation, error);
      return_read_error (task, error);
      g_object_unref (task);
      return;
    }
  kabar_net_operation_progress (read->operation);
  stream_read_step (task);
}

static void
on_chunk_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  KabarConnection *self = g_task_get_source_object (task);
  StreamRead *read = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n > 0)
    {
      read->remaining -= n;
      kabar_net_operation_progress (read->operation);
      g_output_stream_write_all_async (read->output, read->chunk, n, G_PRIORITY_DEFAULT,
                                       kabar_net_operation_get_cancellable (read->operation),
                                       on_chunk_written, task);
      return;
    }
  if (n < 0)
    return_read_error (task, kabar_net_operation_take_error (read->operation, error));
  else
    return_read_error (task, closed_error (self, TRUE));
  g_object_unref (task);
}

/* Owns a reference to task until it returns. */
static void
stream_read_step (GTask *task)
{
  KabarConnection *self = g_task_get_source_object (task);
  StreamRead *read = g_task_get_task_data (task);

  if (read->remaining == 0)
    {
      end_read (self);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (self->input), read->chunk,
                             MIN (read->remaining, CHUNK_SIZE), G_PRIORITY_DEFAULT,
                             kabar_net_operation_get_cancellable (read->operation),
                             on_chunk_read, task);
}

void
kabar_connection_read_to_stream_async (KabarConnection     *self,
                                       guint64              count,
                                       GOutputStream       *output,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;
  StreamRead *read;

  g_return_if_fail (KABAR_IS_CONNECTION (self));
  g_return_if_fail (G_IS_OUTPUT_STREAM (output));

  task = begin_read (self, cancellable, callback, user_data, kabar_connection_read_to_stream_async);
  if (task == NULL)
    return;
  read = g_new0 (StreamRead, 1);
  read->output = g_object_ref (output);
  read->remaining = count;
  read->chunk = g_malloc (CHUNK_SIZE);
  read->operation = new_operation (self, cancellable);
  g_task_set_task_data (task, read, (GDestroyNotify) stream_read_free);
  stream_read_step (task);
}

gboolean
kabar_connection_read_to_stream_finish (KabarConnection  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- writing --------------------------------------------------------------- */

typedef struct
{
  GBytes *bytes;
  gsize written;
  KabarNetOperation *operation;  /* made when the write's turn comes */
} Write;

static void
write_free (Write *write)
{
  g_clear_pointer (&write->bytes, g_bytes_unref);
  g_clear_pointer (&write->operation, kabar_net_operation_free);
  g_free (write);
}

static void pump_writes (KabarConnection *self);

/* Reports the head write. Once one failed, the stream is cut in the middle
 * of a command and the rest must not follow it. */
static void
complete_write (KabarConnection *self,
                GError          *error)
{
  g_autoptr(GTask) task = g_queue_pop_head (&self->writes);

  if (error != NULL && self->write_error == NULL && !self->closed)
    self->write_error = g_error_copy (error);
  end_operation (self);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KabarConnection) self = user_data;
  Write *write = g_task_get_task_data (g_queue_peek_head (&self->writes));
  GError *error = NULL;
  gssize n;

  self->writing = FALSE;
  n = g_output_stream_write_finish (G_OUTPUT_STREAM (source), result, &error);
  if (n < 0)
    complete_write (self, kabar_net_operation_take_error (write->operation, error));
  else
    {
      write->written += n;
      kabar_net_operation_progress (write->operation);
    }
  pump_writes (self);
}

/* Starts the next piece of the head write, ending the writes that are
 * done. A callback run from here may queue a write and pump too: the
 * writing flag keeps one piece in flight. */
static void
pump_writes (KabarConnection *self)
{
  while (!self->writing && !g_queue_is_empty (&self->writes))
    {
      GTask *task = g_queue_peek_head (&self->writes);
      Write *write = g_task_get_task_data (task);
      gsize size;
      const guint8 *data = g_bytes_get_data (write->bytes, &size);

      if (write->written == size)
        complete_write (self, NULL);
      else if (self->closed)
        complete_write (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           "The connection to %s was closed", self->peer));
      else if (self->write_error != NULL)
        complete_write (self, g_error_copy (self->write_error));
      else
        {
          if (write->operation == NULL)
            write->operation = new_operation (self, g_task_get_cancellable (task));
          self->writing = TRUE;
          g_output_stream_write_async (g_io_stream_get_output_stream (self->stream),
                                       data + write->written, MIN (size - write->written, CHUNK_SIZE),
                                       G_PRIORITY_DEFAULT,
                                       kabar_net_operation_get_cancellable (write->operation),
                                       on_written, g_object_ref (self));
        }
    }
}

void
kabar_connection_write_async (KabarConnection     *self,
                              GBytes              *bytes,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Write *write;
  GError *error = NULL;

  g_return_if_fail (KABAR_IS_CONNECTION (self));
  g_return_if_fail (bytes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_connection_write_async);
  if (!check_open (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->write_error != NULL || self->handshaking)
    {
      g_task_return_error (task, self->write_error != NULL
                                 ? g_error_copy (self->write_error)
                                 : g_error_new (G_IO_ERROR, G_IO_ERROR_PENDING,
                                                "Writing to %s during a TLS handshake", self->peer));
      return;
    }
  write = g_new0 (Write, 1);
  write->bytes = g_bytes_ref (bytes);
  g_task_set_task_data (task, write, (GDestroyNotify) write_free);
  begin_operation (self);
  g_queue_push_tail (&self->writes, g_steal_pointer (&task));
  pump_writes (self);
}

gboolean
kabar_connection_write_finish (KabarConnection  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- closing --------------------------------------------------------------- */

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarNetOperation *operation = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_task_return_error (task, kabar_net_operation_take_error (operation, error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish_close (KabarConnection *self)
{
  GTask *task = g_steal_pointer (&self->close_task);
  KabarNetOperation *operation;

  /* Not the connection's closing cancellable: that one is cancelled. */
  operation = kabar_net_operation_new (g_task_get_cancellable (task), NULL, self->timeout, self->peer);
  g_task_set_task_data (task, operation, (GDestroyNotify) kabar_net_operation_free);
  g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT,
                           kabar_net_operation_get_cancellable (operation), on_closed, task);
}

void
kabar_connection_close_async (KabarConnection     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_connection_close_async);
  if (self->closed)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->closed = TRUE;
  self->close_task = g_steal_pointer (&task);
  g_cancellable_cancel (self->closing);
  if (self->busy == 0)
    finish_close (self);
}

gboolean
kabar_connection_close_finish (KabarConnection  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
kabar_connection_is_closed (KabarConnection *self)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), TRUE);

  return self->closed;
}

/* --- accessors ------------------------------------------------------------- */

const char *
kabar_connection_get_host (KabarConnection *self)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), NULL);

  return self->host;
}

guint16
kabar_connection_get_port (KabarConnection *self)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), 0);

  return self->port;
}

KabarSecurity
kabar_connection_get_security (KabarConnection *self)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), KABAR_SECURITY_NONE);

  return self->security;
}

gboolean
kabar_connection_is_tls (KabarConnection *self)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), FALSE);

  return self->is_tls;
}

GTlsCertificate *
kabar_connection_get_peer_certificate (KabarConnection *self)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), NULL);

  if (!self->is_tls)
    return NULL;
  return g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (self->stream));
}

GTlsCertificateFlags
kabar_connection_get_peer_certificate_errors (KabarConnection *self)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), 0);

  if (!self->is_tls)
    return 0;
  return g_tls_connection_get_peer_certificate_errors (G_TLS_CONNECTION (self->stream));
}

guint
kabar_connection_get_timeout (KabarConnection *self)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), 0);

  return self->timeout;
}

void
kabar_connection_set_timeout (KabarConnection *self,
                              guint            timeout_seconds)
{
  g_return_if_fail (KABAR_IS_CONNECTION (self));

  self->timeout = timeout_seconds;
}

gsize
kabar_connection_get_max_line_length (KabarConnection *self)
{
  g_return_val_if_fail (KABAR_IS_CONNECTION (self), 0);

  return self->max_line_length;
}

void
kabar_connection_set_max_line_length (KabarConnection *self,
                                      gsize            max_line_length)
{
  g_return_if_fail (KABAR_IS_CONNECTION (self));
  g_return_if_fail (max_line_length > 0);

  self->max_line_length = max_line_length;
}
