/* kabar-fault-proxy.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Non-blocking sockets on the proxy's own main context: each direction of
 * a connection is a pipe that either waits to read (its buffer empty) or
 * waits to write (its buffer not yet passed on), never both, so a slow
 * reader on one side holds back only what it has not read, and neither
 * peer can deadlock the other through the proxy.
 */

#include "kabar-fault-proxy.h"

#define BUFFER_SIZE   16384
#define NO_CUT        G_MAXUINT64
/* After a client-to-server cut the server finishes the command it got:
 * the cut comes once it has sent nothing for QUIET_MS, or after
 * LINGER_MS in any case (a server that never stops talking). */
#define QUIET_MS      150
#define LINGER_MS     3000
/* A TLS record: content type, version, length, then the body. */
#define TLS_HEADER    5

typedef struct _Connection Connection;

typedef struct
{
  Connection          *connection;
  KabarFaultDirection  direction;
  GSocket             *from;
  GSocket             *to;
  GSource             *source;
  guint8               buffer[BUFFER_SIZE];
  gsize                length;
  gsize                offset;
  gboolean             eof;
  guint64              forwarded;
  guint64              limit;
  /* Where the stream is in its TLS framing. */
  gboolean             not_tls;
  guint8               header[TLS_HEADER];
  guint                header_fill;
  guint64              body_left;
} Pipe;

/* What the other threads read of a connection, under the proxy's lock;
 * it outlives the connection. */
typedef struct
{
  guint64   bytes[2];
  GArray   *record_ends[2];
  gboolean  cut;
  gboolean  closed;
} Record;

struct _Connection
{
  KabarFaultProxy *proxy;
  Record          *record;
  GSocket         *client;
  GSocket         *server;
  Pipe             pipes[2];
  /* After a client-to-server cut: the server's replies are dropped. */
  gboolean         swallowing;
  GSource         *quiet;
  GSource         *linger;
};

typedef struct
{
  KabarFaultDirection direction;
  guint64             bytes;
} Cut;

struct _KabarFaultProxy
{
  guint16       target_port;
  GSocket      *listener;
  guint16       port;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  /* The proxy thread's alone. */
  GList        *live;

  GMutex        lock;
  GCond         changed;
  GQueue        planned;
  GPtrArray    *records;
};

static void connection_close (Connection *connection,
                              gboolean    cut);
static void pipe_watch       (Pipe       *pipe);

static void
record_free (gpointer data)
{
  Record *record = data;

  g_array_unref (record->record_ends[0]);
  g_array_unref (record->record_ends[1]);
  g_free (record);
}

/* --- counting --------------------------------------------------------------- */

/* Follows the TLS framing of what was just forwarded; a stream whose
 * first byte is no TLS content type is left alone. */
static void
track_records (Pipe         *pipe,
               const guint8 *data,
               gsize         length,
               GArray       *ends)
{
  guint64 position = pipe->forwarded;
  gsize i = 0;

  while (i < length && !pipe->not_tls)
    {
      if (pipe->header_fill < TLS_HEADER)
        {
          pipe->header[pipe->header_fill++] = data[i++];
          position++;
          if (pipe->header_fill == 1 && (pipe->header[0] < 20 || pipe->header[0] > 24))
            pipe->not_tls = TRUE;
          if (pipe->header_fill == TLS_HEADER)
            pipe->body_left = ((guint64) pipe->header[3] << 8) | pipe->header[4];
        }
      else
        {
          gsize take = MIN (pipe->body_left, length - i);

          i += take;
          position += take;
          pipe->body_left -= take;
        }
      if (pipe->header_fill == TLS_HEADER && pipe->body_left == 0)
        {
          g_array_append_val (ends, position);
          pipe->header_fill = 0;
        }
    }
}

/* With the proxy's lock held. */
static void
count_forwarded (Pipe         *pipe,
                 const guint8 *data,
                 gsize         length)
{
  Record *record = pipe->connection->record;

  track_records (pipe, data, length, record->record_ends[pipe->direction]);
  record->bytes[pipe->direction] += length;
  pipe->forwarded += length;
}

/* --- cutting ------------------------------------------------------------------ */

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Reads and drops what the peer sent and the proxy did not pass on, so
 * that closing the socket sends a FIN rather than a reset. Bounded: a
 * peer still sending gets the reset, and still reads every byte it was
 * sent before it. */
static void
drain (GSocket *socket)
{
  char scratch[4096];

  for (guint i = 0; i < 16; i++)
    if (g_socket_receive (socket, scratch, sizeof scratch, NULL, NULL) <= 0)
      break;
}

static void
connection_close (Connection *connection,
                  gboolean    cut)
{
  KabarFaultProxy *proxy = connection->proxy;

  for (guint i = 0; i < G_N_ELEMENTS (connection->pipes); i++)
    clear_source (&connection->pipes[i].source);
  clear_source (&connection->quiet);
  clear_source (&connection->linger);
  /* Marked before the peers can see it, so a client that saw its
   * connection end finds it counted as cut. */
  g_mutex_lock (&proxy->lock);
  connection->record->cut = cut;
  g_mutex_unlock (&proxy->lock);
  drain (connection->client);
  drain (connection->server);
  g_socket_close (connection->client, NULL);
  g_socket_close (connection->server, NULL);

  g_mutex_lock (&proxy->lock);
  connection->record->closed = TRUE;
  g_cond_broadcast (&proxy->changed);
  g_mutex_unlock (&proxy->lock);

  proxy->live = g_list_remove (proxy->live, connection);
  g_object_unref (connection->client);
  g_object_unref (connection->server);
  g_free (connection);
}

static gboolean
on_silent_server (gpointer data)
{
  connection_close (data, TRUE);
  return G_SOURCE_REMOVE;
}

static GSource *
add_timeout (Connection *connection,
             guint       ms)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, on_silent_server, connection, NULL);
  g_source_attach (source, connection->proxy->context);
  return source;
}

static void
restart_quiet (Connection *connection)
{
  clear_source (&connection->quiet);
  connection->quiet = add_timeout (connection, QUIET_MS);
}

/* The client's bytes up to the cut went to the server: nothing more goes
 * either way, and the server may finish what it was given. */
static void
start_swallowing (Connection *connection)
{
  Pipe *replies = &connection->pipes[KABAR_FAULT_SERVER_TO_CLIENT];

  connection->swallowing = TRUE;
  replies->length = replies->offset = 0;
  pipe_watch (replies);
  restart_quiet (connection);
  connection->linger = add_timeout (connection, LINGER_MS);
}

/* Returns FALSE when the connection is gone. */
static gboolean
check_limit (Pipe *pipe)
{
  if (pipe->forwarded < pipe->limit)
    return TRUE;
  if (pipe->direction == KABAR_FAULT_SERVER_TO_CLIENT)
    {
      connection_close (pipe->connection, TRUE);
      return FALSE;
    }
  start_swallowing (pipe->connection);
  return TRUE;
}

/* --- forwarding ---------------------------------------------------------------- */

static gboolean
would_block (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
}

static void
pipe_end (Pipe *pipe)
{
  Connection *connection = pipe->connection;
  Pipe *other = &connection->pipes[1 - pipe->direction];

  pipe->eof = TRUE;
  if (connection->swallowing && pipe->direction == KABAR_FAULT_SERVER_TO_CLIENT)
    {
      connection_close (connection, TRUE);
      return;
    }
  /* Half-close, as the peer did: the other direction may go on. */
  g_socket_shutdown (pipe->to, FALSE, TRUE, NULL);
  if (other->eof)
    connection_close (connection, FALSE);
}

static void
pipe_read (Pipe *pipe)
{
  Connection *connection = pipe->connection;
  guint64 room = pipe->limit - pipe->forwarded;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_socket_receive (pipe->from, (char *) pipe->buffer, MIN (room, sizeof pipe->buffer),
                        NULL, &error);
  if (n < 0 && would_block (error))
    pipe_watch (pipe);
  else if (n < 0)
    connection_close (connection, FALSE);
  else if (n == 0)
    pipe_end (pipe);
  else if (connection->swallowing && pipe->direction == KABAR_FAULT_SERVER_TO_CLIENT)
    {
      restart_quiet (connection);
      pipe_watch (pipe);
    }
  else
    {
      pipe->length = n;
      pipe->offset = 0;
      pipe_watch (pipe);
    }
}

static void
pipe_write (Pipe *pipe)
{
  KabarFaultProxy *proxy = pipe->connection->proxy;
  g_autoptr(GError) error = NULL;
  gssize n;

  /* Sent and counted under the lock: whatever a peer has received is in
   * the counts by the time a test can read them. */
  g_mutex_lock (&proxy->lock);
  n = g_socket_send (pipe->to, (const char *) pipe->buffer + pipe->offset,
                     pipe->length - pipe->offset, NULL, &error);
  if (n > 0)
    count_forwarded (pipe, pipe->buffer + pipe->offset, n);
  g_mutex_unlock (&proxy->lock);
  if (n < 0 && would_block (error))
    {
      pipe_watch (pipe);
      return;
    }
  if (n < 0)
    {
      connection_close (pipe->connection, FALSE);
      return;
    }
  pipe->offset += n;
  if (pipe->offset == pipe->length)
    pipe->length = pipe->offset = 0;
  if (check_limit (pipe))
    pipe_watch (pipe);
}

static gboolean
on_pipe_ready (GSocket      *socket,
               GIOCondition  condition,
               gpointer      data)
{
  Pipe *pipe = data;

  /* Returning REMOVE destroys it; the next wait gets a source of its own. */
  g_clear_pointer (&pipe->source, g_source_unref);
  if (pipe->length > pipe->offset)
    pipe_write (pipe);
  else
    pipe_read (pipe);
  return G_SOURCE_REMOVE;
}

/* Waits to write what the buffer holds, else to read more, unless the
 * direction is done. */
static void
pipe_watch (Pipe *pipe)
{
  GSource *source;

  clear_source (&pipe->source);
  if (pipe->length > pipe->offset)
    source = g_socket_create_source (pipe->to, G_IO_OUT, NULL);
  else if (!pipe->eof && pipe->forwarded < pipe->limit)
    source = g_socket_create_source (pipe->from, G_IO_IN, NULL);
  else
    return;
  g_source_set_callback (source, G_SOURCE_FUNC (on_pipe_ready), pipe, NULL);
  g_source_attach (source, pipe->connection->proxy->context);
  pipe->source = source;
}

/* --- accepting --------------------------------------------------------------------- */

static GSocket *
connect_target (KabarFaultProxy *self)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1",
                                                                             self->target_port);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);

  /* Loopback: connecting blocks the proxy's thread for microseconds. */
  if (socket == NULL || !g_socket_connect (socket, address, NULL, NULL))
    return NULL;
  g_socket_set_blocking (socket, FALSE);
  return g_steal_pointer (&socket);
}

static void
pipe_init (Pipe                *pipe,
           Connection          *connection,
           KabarFaultDirection  direction,
           const Cut           *cut)
{
  pipe->connection = connection;
  pipe->direction = direction;
  pipe->from = direction == KABAR_FAULT_SERVER_TO_CLIENT ? connection->server : connection->client;
  pipe->to = direction == KABAR_FAULT_SERVER_TO_CLIENT ? connection->client : connection->server;
  pipe->limit = cut != NULL && cut->direction == direction ? cut->bytes : NO_CUT;
}

static void
connection_start (KabarFaultProxy *self,
                  GSocket         *client,
                  GSocket         *server)
{
  Connection *connection = g_new0 (Connection, 1);
  Record *record = g_new0 (Record, 1);
  g_autofree Cut *cut = NULL;

  record->record_ends[0] = g_array_new (FALSE, FALSE, sizeof (guint64));
  record->record_ends[1] = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_mutex_lock (&self->lock);
  cut = g_queue_pop_head (&self->planned);
  g_ptr_array_add (self->records, record);
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);

  connection->proxy = self;
  connection->record = record;
  connection->client = client;
  connection->server = server;
  self->live = g_list_prepend (self->live, connection);
  pipe_init (&connection->pipes[KABAR_FAULT_SERVER_TO_CLIENT], connection,
             KABAR_FAULT_SERVER_TO_CLIENT, cut);
  pipe_init (&connection->pipes[KABAR_FAULT_CLIENT_TO_SERVER], connection,
             KABAR_FAULT_CLIENT_TO_SERVER, cut);
  /* A cut after 0 bytes comes before anything is forwarded. */
  for (guint i = 0; i < G_N_ELEMENTS (connection->pipes); i++)
    if (!check_limit (&connection->pipes[i]))
      return;
  pipe_watch (&connection->pipes[KABAR_FAULT_SERVER_TO_CLIENT]);
  pipe_watch (&connection->pipes[KABAR_FAULT_CLIENT_TO_SERVER]);
}

static gboolean
on_accept (GSocket      *listener,
           GIOCondition  condition,
           gpointer      data)
{
  KabarFaultProxy *self = data;
  GSocket *client = g_socket_accept (listener, NULL, NULL);
  GSocket *server;

  if (client == NULL)
    return G_SOURCE_CONTINUE;
  server = connect_target (self);
  if (server == NULL)
    {
      /* Nothing behind: the client sees its connection closed. */
      g_socket_close (client, NULL);
      g_object_unref (client);
      return G_SOURCE_CONTINUE;
    }
  g_socket_set_blocking (client, FALSE);
  connection_start (self, client, server);
  return G_SOURCE_CONTINUE;
}

static gpointer
proxy_thread (gpointer data)
{
  KabarFaultProxy *self = data;
  GSource *accept = g_socket_create_source (self->listener, G_IO_IN, NULL);

  g_main_context_push_thread_default (self->context);
  g_source_set_callback (accept, G_SOURCE_FUNC (on_accept), self, NULL);
  g_source_attach (accept, self->context);
  g_main_loop_run (self->loop);
  g_source_destroy (accept);
  g_source_unref (accept);
  while (self->live != NULL)
    connection_close (self->live->data, FALSE);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* --- the public side --------------------------------------------------------------- */

KabarFaultProxy *
kabar_fault_proxy_new (guint16 target_port)
{
  KabarFaultProxy *self = g_new0 (KabarFaultProxy, 1);

  self->target_port = target_port;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_mutex_init (&self->lock);
  g_cond_init (&self->changed);
  g_queue_init (&self->planned);
  self->records = g_ptr_array_new_with_free_func (record_free);
  return self;
}

void
kabar_fault_proxy_free (KabarFaultProxy *self)
{
  if (self == NULL)
    return;

  if (self->thread != NULL)
    {
      g_main_loop_quit (self->loop);
      g_thread_join (self->thread);
    }
  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
  g_clear_object (&self->listener);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_queue_clear_full (&self->planned, g_free);
  g_ptr_array_unref (self->records);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->changed);
  g_free (self);
}

static gboolean
listen_on_loopback (KabarFaultProxy  *self,
                    GError          **error)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) bound = NULL;

  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, error);
  if (self->listener == NULL
      || !g_socket_bind (self->listener, address, TRUE, error)
      || !g_socket_listen (self->listener, error))
    return FALSE;
  bound = g_socket_get_local_address (self->listener, error);
  if (bound == NULL)
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_set_blocking (self->listener, FALSE);
  return TRUE;
}

gboolean
kabar_fault_proxy_start (KabarFaultProxy  *self,
                         GError          **error)
{
  g_return_val_if_fail (self->thread == NULL, FALSE);

  if (!listen_on_loopback (self, error))
    return FALSE;
  self->thread = g_thread_new ("kabar-fault-proxy", proxy_thread, self);
  return TRUE;
}

guint16
kabar_fault_proxy_get_port (KabarFaultProxy *self)
{
  return self->port;
}

void
kabar_fault_proxy_cut_after (KabarFaultProxy     *self,
                             KabarFaultDirection  direction,
                             guint64              bytes)
{
  Cut *cut = g_new0 (Cut, 1);

  cut->direction = direction;
  cut->bytes = bytes;
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->planned, cut);
  g_mutex_unlock (&self->lock);
}

void
kabar_fault_proxy_clear_cuts (KabarFaultProxy *self)
{
  g_mutex_lock (&self->lock);
  g_queue_clear_full (&self->planned, g_free);
  g_queue_init (&self->planned);
  g_mutex_unlock (&self->lock);
}

guint
kabar_fault_proxy_get_n_connections (KabarFaultProxy *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->records->len;
  g_mutex_unlock (&self->lock);
  return n;
}

/* Called with the lock held. */
static Record *
get_record (KabarFaultProxy *self,
            guint            connection)
{
  if (connection >= self->records->len)
    g_error ("The fault proxy has no connection %u (it accepted %u)",
             connection, self->records->len);
  return g_ptr_array_index (self->records, connection);
}

guint64
kabar_fault_proxy_get_bytes (KabarFaultProxy     *self,
                             guint                connection,
                             KabarFaultDirection  direction)
{
  guint64 bytes;

  g_mutex_lock (&self->lock);
  bytes = get_record (self, connection)->bytes[direction];
  g_mutex_unlock (&self->lock);
  return bytes;
}

GArray *
kabar_fault_proxy_dup_record_ends (KabarFaultProxy     *self,
                                   guint                connection,
                                   KabarFaultDirection  direction)
{
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (guint64));
  GArray *source;

  g_mutex_lock (&self->lock);
  source = get_record (self, connection)->record_ends[direction];
  g_array_append_vals (ends, source->data, source->len);
  g_mutex_unlock (&self->lock);
  return ends;
}

gboolean
kabar_fault_proxy_was_cut (KabarFaultProxy *self,
                           guint            connection)
{
  gboolean cut;

  g_mutex_lock (&self->lock);
  cut = get_record (self, connection)->cut;
  g_mutex_unlock (&self->lock);
  return cut;
}

/* Called with the lock held. */
static gboolean
is_closed (KabarFaultProxy *self,
           guint            connection)
{
  return connection < self->records->len
         && ((Record *) g_ptr_array_index (self->records, connection))->closed;
}

gboolean
kabar_fault_proxy_wait_closed (KabarFaultProxy *self,
                               guint            connection,
                               guint            timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean closed;

  g_mutex_lock (&self->lock);
  while (!(closed = is_closed (self, connection)))
    {
      if (!g_cond_wait_until (&self->changed, &self->lock, end))
        {
          closed = is_closed (self, connection);
          break;
        }
    }
  g_mutex_unlock (&self->lock);
  return closed;
}
