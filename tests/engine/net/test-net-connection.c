/* test-net-connection.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KabarConnection on plain connections against the scripted server: lines,
 * literals, pipelined writes, and the faults no real server makes on
 * demand (cuts, silence, overlong lines).
 */

#include "config.h"

#include <string.h>

#include "kabar-connection.h"
#include "kabar-fake-resolver.h"
#include "kabar-net-error.h"
#include "kabar-scripted-server.h"
#include "kabar-test-connection.h"
#include "kabar-test-wait.h"

#define LITERAL_SIZE (5 * 1024 * 1024)

/* --- helpers --------------------------------------------------------------- */

static void
start (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
}

static void
assert_completed (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  if (!kabar_scripted_server_wait (server, &error))
    {
      g_autofree char *transcript = kabar_scripted_server_dup_transcript (server);

      g_test_message ("transcript:\n%s", transcript);
    }
  g_assert_no_error (error);
}

static KabarConnection *
try_connect (const char    *host,
             guint16        port,
             guint          timeout,
             GCancellable  *cancellable,
             GError       **error)
{
  return kabar_test_try_connect (host, port, KABAR_SECURITY_NONE, NULL, timeout, cancellable, NULL, error);
}

static KabarConnection *
connect_to (KabarScriptedServer *server,
            guint                timeout)
{
  return kabar_test_connect ("127.0.0.1", kabar_scripted_server_get_port (server),
                             KABAR_SECURITY_NONE, NULL, timeout);
}

static GBytes *
read_line_bytes (KabarConnection  *connection,
                 GCancellable     *cancellable,
                 GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  kabar_connection_read_line_async (connection, cancellable, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_connection_read_line_finish (connection, result, error);
}

/* Static text without its NUL. */
static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new_static (text, strlen (text));
}

/* Different bytes at every offset, CR and LF included, so a lost or
 * repeated chunk shows. */
static GBytes *
make_payload (gsize size)
{
  guint8 *data = g_malloc (size);
  guint32 state = 2166136261u;

  for (gsize i = 0; i < size; i++)
    {
      state = (state ^ (guint32) i) * 16777619u;
      data[i] = (guint8) (state >> 13);
    }
  return g_bytes_new_take (data, size);
}

static char *
make_line (gsize length,
           char  fill)
{
  char *line = g_malloc (length + 1);

  memset (line, fill, length);
  line[length] = '\0';
  return line;
}

/* --- lines ----------------------------------------------------------------- */

static void
test_lines_end_with_crlf_or_bare_lf (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(GBytes) raw = text_bytes ("* OK one\r\n* two\n\r\n* three\r\n");
  g_autoptr(KabarConnection) connection = NULL;

  kabar_scripted_server_send_raw (server, raw);
  kabar_scripted_server_expect (server, "a LOGOUT");
  kabar_scripted_server_send (server, "a OK bye");
  start (server);

  connection = connect_to (server, 10);
  kabar_test_assert_reads (connection, "* OK one");
  kabar_test_assert_reads (connection, "* two");
  kabar_test_assert_reads (connection, "");
  kabar_test_assert_reads (connection, "* three");
  kabar_test_write (connection, "a LOGOUT\r\n");
  kabar_test_assert_reads (connection, "a OK bye");

  assert_completed (server);
  kabar_test_close (connection);
}

static void
test_buffered_lines_are_taken_without_waiting (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(GBytes) raw = text_bytes ("* 1 EXISTS\r\n* 2 EXISTS\r\n* 3 EXI");
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GBytes) none = NULL;

  kabar_scripted_server_send_raw (server, raw);
  kabar_scripted_server_wait_ms (server, 200);
  kabar_scripted_server_send (server, "STS");
  start (server);

  connection = connect_to (server, 10);
  /* No whole line has arrived before the first read. */
  none = kabar_connection_read_buffered_line (connection, &error);
  g_assert_no_error (error);
  g_assert_null (none);
  kabar_test_assert_reads (connection, "* 1 EXISTS");
  second = kabar_connection_read_buffered_line (connection, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
  g_assert_cmpstr (g_bytes_get_data (second, NULL), ==, "* 2 EXISTS");
  /* Only part of the third line is there. */
  g_assert_null (kabar_connection_read_buffered_line (connection, &error));
  g_assert_no_error (error);
  kabar_test_assert_reads (connection, "* 3 EXISTS");

  assert_completed (server);
}

/* What the POP reader takes a message's lines with: each as it came,
 * without its line end, and nothing that is not whole or is too long. */
static void
test_lent_lines_are_the_buffered_lines (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autofree char *over_limit = make_line (65, 'b');
  g_autofree char *later = g_strdup_printf ("next\r\n%s\r\n", over_limit);
  g_autoptr(GBytes) first = text_bytes ("+OK\r\nSubject: crlf\r\nbare lf\n\r\n..stuffed\r\n");
  g_autoptr(GBytes) second = text_bytes (later);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  const char *lent;
  gsize length = 0;

  kabar_scripted_server_send_raw (server, first);
  kabar_scripted_server_wait_ms (server, 200);
  kabar_scripted_server_send_raw (server, second);
  start (server);

  connection = connect_to (server, 10);
  kabar_connection_set_max_line_length (connection, 64);
  kabar_test_assert_reads (connection, "+OK");
  lent = kabar_connection_peek_buffered_line (connection, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (lent, length, "Subject: crlf", 13);
  /* Lent, not taken: a second look sees the same line. */
  g_assert_true (kabar_connection_peek_buffered_line (connection, &length, &error) == lent);
  kabar_connection_skip_buffered_line (connection);
  lent = kabar_connection_peek_buffered_line (connection, &length, &error);
  g_assert_cmpmem (lent, length, "bare lf", 7);
  kabar_connection_skip_buffered_line (connection);
  lent = kabar_connection_peek_buffered_line (connection, &length, &error);
  g_assert_nonnull (lent);
  g_assert_cmpuint (length, ==, 0);
  kabar_connection_skip_buffered_line (connection);
  lent = kabar_connection_peek_buffered_line (connection, &length, &error);
  g_assert_cmpmem (lent, length, "..stuffed", 9);
  kabar_connection_skip_buffered_line (connection);
  g_assert_no_error (error);
  /* The rest comes later: nothing is lent until a read waits for it. */
  g_assert_null (kabar_connection_peek_buffered_line (connection, &length, &error));
  g_assert_no_error (error);
  kabar_test_assert_reads (connection, "next");
  /* A line over the limit is refused as the line reader refuses it. */
  g_assert_null (kabar_connection_peek_buffered_line (connection, &length, &error));
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_LINE_TOO_LONG);

  assert_completed (server);
}

static void
test_end_of_stream_between_lines_is_closed (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  kabar_scripted_server_send (server, "* BYE going away");
  kabar_scripted_server_close (server);
  start (server);

  connection = connect_to (server, 10);
  kabar_test_assert_reads (connection, "* BYE going away");
  line = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_null (strstr (error->message, "middle"));

  assert_completed (server);
}

static void
test_cut_mid_line_is_closed (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  kabar_scripted_server_expect (server, "a5 FETCH 1 BODY[]");
  kabar_scripted_server_send (server, "* 1 FETCH (FLAGS (\\Seen)");
  kabar_scripted_server_send_partial (server, "* 1 FETCH (BODY[] {40}");
  kabar_scripted_server_cut (server);
  start (server);

  connection = connect_to (server, 10);
  kabar_test_write (connection, "a5 FETCH 1 BODY[]\r\n");
  kabar_test_assert_reads (connection, "* 1 FETCH (FLAGS (\\Seen)");
  /* Not a short line: the end of the stream with no line end. */
  line = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_nonnull (strstr (error->message, "in the middle of a reply"));
  g_assert_nonnull (strstr (error->message, "127.0.0.1:"));

  assert_completed (server);
}

static void
test_line_over_maximum_is_line_too_long (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *at_limit = make_line (64, 'a');
  g_autofree char *over_limit = make_line (65, 'b');
  g_autofree char *line = NULL;

  kabar_scripted_server_send (server, at_limit);
  kabar_scripted_server_send (server, over_limit);
  start (server);

  connection = connect_to (server, 10);
  kabar_connection_set_max_line_length (connection, 64);
  g_assert_cmpuint (kabar_connection_get_max_line_length (connection), ==, 64);
  /* The limit counts the line, not its CRLF. */
  kabar_test_assert_reads (connection, at_limit);
  line = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_LINE_TOO_LONG);

  assert_completed (server);
}

static void
test_endless_line_fails_without_waiting_for_its_end (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *start_of_line = make_line (300 * 1024, 'x');
  g_autofree char *line = NULL;
  gint64 started;

  kabar_scripted_server_send_partial (server, start_of_line);
  kabar_scripted_server_set_step_timeout (server, 10000);
  kabar_scripted_server_wait_ms (server, 2500);
  start (server);

  connection = connect_to (server, 30);
  /* More than the read buffer holds, so the start is set aside first. */
  kabar_connection_set_max_line_length (connection, 100 * 1024);
  started = g_get_monotonic_time ();
  line = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_LINE_TOO_LONG);
  g_assert_cmpfloat (kabar_test_seconds_since (started), <, 2.0);
}

/* Lines beyond the 64 KiB read buffer are put together from several fills,
 * with their CR possibly the last byte of a full buffer. */
static void
test_lines_longer_than_the_buffer_are_read_whole (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_line = make_line (200 * 1024, 'L');
  g_autofree char *cr_at_edge = make_line (64 * 1024 - 1, 'E');
  g_autofree char *too_long = make_line (300 * 1024, 'T');
  g_autofree char *line = NULL;

  kabar_scripted_server_send (server, long_line);
  kabar_scripted_server_send (server, "short");
  kabar_scripted_server_send (server, cr_at_edge);
  kabar_scripted_server_send (server, too_long);
  start (server);

  connection = connect_to (server, 10);
  kabar_connection_set_max_line_length (connection, 256 * 1024);
  kabar_test_assert_reads (connection, long_line);
  kabar_test_assert_reads (connection, "short");
  kabar_test_assert_reads (connection, cr_at_edge);
  line = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_LINE_TOO_LONG);

  assert_completed (server);
}

/* --- timeouts and cancellation --------------------------------------------- */

static void
test_silent_server_times_out (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gint64 started;
  double elapsed;

  kabar_scripted_server_send (server, "* OK hello");
  kabar_scripted_server_set_step_timeout (server, 10000);
  kabar_scripted_server_wait_ms (server, 2500);
  start (server);

  connection = connect_to (server, 1);
  g_assert_cmpuint (kabar_connection_get_timeout (connection), ==, 1);
  kabar_test_assert_reads (connection, "* OK hello");
  started = g_get_monotonic_time ();
  line = kabar_test_try_read_line (connection, NULL, &error);
  elapsed = kabar_test_seconds_since (started);
  g_assert_null (line);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_TIMED_OUT);
  g_test_message ("timed out after %.3f s: %s", elapsed, error->message);
  g_assert_cmpfloat (elapsed, >=, 0.95);
  g_assert_cmpfloat (elapsed, <, 2.0);
}

/* The timeout is one of inactivity: a slow reply that keeps coming is not
 * cut off. */
static void
test_trickling_reply_does_not_time_out (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  gint64 started;

  kabar_scripted_server_send_partial (server, "* OK ");
  kabar_scripted_server_wait_ms (server, 600);
  kabar_scripted_server_send_partial (server, "still ");
  kabar_scripted_server_wait_ms (server, 600);
  kabar_scripted_server_send_partial (server, "here");
  kabar_scripted_server_wait_ms (server, 600);
  kabar_scripted_server_send (server, "");
  start (server);

  connection = connect_to (server, 1);
  started = g_get_monotonic_time ();
  kabar_test_assert_reads (connection, "* OK still here");
  g_assert_cmpfloat (kabar_test_seconds_since (started), >, 1.5);

  assert_completed (server);
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static void
test_cancelled_read_reports_cancelled (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) line = NULL;
  gint64 started;

  kabar_scripted_server_set_step_timeout (server, 10000);
  kabar_scripted_server_wait_ms (server, 3000);
  start (server);

  connection = connect_to (server, 10);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 100, cancel_later, g_object_ref (cancellable), g_object_unref);
  started = g_get_monotonic_time ();
  line = read_line_bytes (connection, cancellable, &error);
  g_assert_null (line);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (kabar_test_seconds_since (started), <, 1.0);
  kabar_test_close (connection);
}

static void
test_close_ends_the_read_in_flight (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GAsyncResult) read_result = NULL;
  g_autoptr(GAsyncResult) close_result = NULL;
  g_autoptr(GAsyncResult) write_result = NULL;
  g_autoptr(GBytes) line = NULL;
  g_autoptr(GBytes) bytes = text_bytes ("a NOOP\r\n");
  g_autoptr(GError) error = NULL;
  GAsyncResult *read_slot = NULL;
  GAsyncResult *close_slot = NULL;
  GAsyncResult *write_slot = NULL;

  kabar_scripted_server_set_step_timeout (server, 10000);
  kabar_scripted_server_wait_ms (server, 3000);
  start (server);

  connection = connect_to (server, 10);
  kabar_connection_read_line_async (connection, NULL, kabar_test_wait_done, &read_slot);
  kabar_connection_close_async (connection, NULL, kabar_test_wait_done, &close_slot);
  read_result = kabar_test_wait (&read_slot);
  line = kabar_connection_read_line_finish (connection, read_result, &error);
  g_assert_null (line);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  close_result = kabar_test_wait (&close_slot);
  g_assert_true (kabar_connection_close_finish (connection, close_result, &error));
  g_assert_no_error (error);

  kabar_connection_write_async (connection, bytes, NULL, kabar_test_wait_done, &write_slot);
  write_result = kabar_test_wait (&write_slot);
  g_assert_false (kabar_connection_write_finish (connection, write_result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

static void
test_second_read_in_flight_is_refused (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GBytes) line = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *first_slot = NULL;
  GAsyncResult *second_slot = NULL;

  kabar_scripted_server_wait_ms (server, 200);
  kabar_scripted_server_send (server, "* OK late");
  start (server);

  connection = connect_to (server, 10);
  kabar_connection_read_line_async (connection, NULL, kabar_test_wait_done, &first_slot);
  kabar_connection_read_bytes_async (connection, 4, NULL, kabar_test_wait_done, &second_slot);
  second = kabar_test_wait (&second_slot);
  g_assert_null (kabar_connection_read_bytes_finish (connection, second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  first = kabar_test_wait (&first_slot);
  line = kabar_connection_read_line_finish (connection, first, NULL);
  g_assert_cmpstr (g_bytes_get_data (line, NULL), ==, "* OK late");

  assert_completed (server);
}

/* --- connecting ------------------------------------------------------------ */

/* A port that nothing listens on: bound once by us, then freed. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_closed_port_is_connection_refused (void)
{
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = try_connect ("127.0.0.1", closed_port (), 10, NULL, &error);
  g_assert_null (connection);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CONNECTION_REFUSED);
  g_test_message ("%s", error->message);
}

static void
test_unknown_host_is_host_not_found (void)
{
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = try_connect ("imap.unknown.test", 993, 10, NULL, &error);
  g_assert_null (connection);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_HOST_NOT_FOUND);
  /* The resolver's own words stay in the message. */
  g_assert_nonnull (strstr (error->message, "imap.unknown.test"));
}

static void
test_connect_to_a_silent_resolver_times_out (void)
{
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  connection = try_connect ("dns-is-down.test", 993, 1, NULL, &error);
  g_assert_null (connection);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_TIMED_OUT);
  g_assert_cmpfloat (kabar_test_seconds_since (started), <, 2.0);
  g_assert_nonnull (strstr (error->message, "dns-is-down.test:993"));
}

static void
test_cancelled_connect_reports_cancelled (void)
{
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_timeout_add_full (G_PRIORITY_DEFAULT, 100, cancel_later, g_object_ref (cancellable), g_object_unref);
  connection = try_connect ("dns-is-down.test", 993, 10, cancellable, &error);
  g_assert_null (connection);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_connect_by_name_reaches_the_server (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "+OK POP3 ready");
  start (server);

  connection = try_connect ("pop.kabar.test", kabar_scripted_server_get_port (server), 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kabar_connection_get_host (connection), ==, "pop.kabar.test");
  g_assert_cmpuint (kabar_connection_get_port (connection), ==, kabar_scripted_server_get_port (server));
  g_assert_cmpint (kabar_connection_get_security (connection), ==, KABAR_SECURITY_NONE);
  g_assert_null (kabar_connection_get_peer_certificate (connection));
  kabar_test_assert_reads (connection, "+OK POP3 ready");

  assert_completed (server);
}

/* --- writing --------------------------------------------------------------- */

typedef struct
{
  GArray *order;
  guint expected;
} WriteLog;

typedef struct
{
  WriteLog *log;
  guint index;
} WriteTag;

static void
on_pipelined_write (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  WriteTag *tag = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_connection_write_finish (KABAR_CONNECTION (source), result, &error));
  g_assert_no_error (error);
  g_array_append_val (tag->log->order, tag->index);
  g_free (tag);
}

static void
test_pipelined_writes_arrive_in_order (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *big = make_line (300 * 1024, 'B');
  WriteLog log = { order, 200 };

  for (guint i = 0; i < log.expected; i++)
    {
      g_autofree char *line = g_strdup_printf ("a%03u NOOP", i);

      kabar_scripted_server_expect (server, i == 100 ? big : line);
    }
  kabar_scripted_server_send (server, "* OK all in order");
  start (server);

  connection = connect_to (server, 10);
  /* All queued at once; one of them needs many writes of its own. */
  for (guint i = 0; i < log.expected; i++)
    {
      g_autofree char *text = i == 100 ? g_strdup_printf ("%s\r\n", big)
                                       : g_strdup_printf ("a%03u NOOP\r\n", i);
      g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
      WriteTag *tag = g_new0 (WriteTag, 1);

      tag->log = &log;
      tag->index = i;
      kabar_connection_write_async (connection, bytes, NULL, on_pipelined_write, tag);
    }
  kabar_test_assert_reads (connection, "* OK all in order");
  g_assert_cmpuint (order->len, ==, log.expected);
  for (guint i = 0; i < log.expected; i++)
    g_assert_cmpuint (g_array_index (order, guint, i), ==, i);

  assert_completed (server);
}

typedef struct
{
  GError *error;
  gboolean done;
} WriteOutcome;

static void
on_write_outcome (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  WriteOutcome *outcome = user_data;

  kabar_connection_write_finish (KABAR_CONNECTION (source), result, &outcome->error);
  outcome->done = TRUE;
}

/* A write that failed leaves half a command on the wire: what was queued
 * behind it must not follow. */
static void
test_writes_behind_a_failed_write_fail_too (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GBytes) big = make_payload (16 * 1024 * 1024);
  g_autoptr(GBytes) small = text_bytes ("b NOOP\r\n");
  g_autoptr(GAsyncResult) later_result = NULL;
  g_autoptr(GError) later_error = NULL;
  WriteOutcome first = { NULL, FALSE };
  WriteOutcome second = { NULL, FALSE };
  GAsyncResult *slot = NULL;

  kabar_scripted_server_expect (server, "a NOOP");
  kabar_scripted_server_reset (server);
  start (server);

  connection = connect_to (server, 10);
  kabar_test_write (connection, "a NOOP\r\n");
  assert_completed (server);
  kabar_connection_write_async (connection, big, NULL, on_write_outcome, &first);
  kabar_connection_write_async (connection, small, NULL, on_write_outcome, &second);
  while (!second.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (first.done);
  g_assert_error (first.error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_test_message ("%s", first.error->message);
  /* Not tried: it fails for the same reason, with the same words. */
  g_assert_error (second.error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_cmpstr (second.error->message, ==, first.error->message);
  g_clear_error (&first.error);
  g_clear_error (&second.error);

  kabar_connection_write_async (connection, small, NULL, kabar_test_wait_done, &slot);
  later_result = kabar_test_wait (&slot);
  g_assert_false (kabar_connection_write_finish (connection, later_result, &later_error));
  g_assert_error (later_error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  kabar_test_close (connection);
}

/* --- literals -------------------------------------------------------------- */

static void
script_literal (KabarScriptedServer *server,
                GBytes              *payload)
{
  g_autofree char *header = g_strdup_printf ("* 1 FETCH (BODY[] {%" G_GSIZE_FORMAT "}",
                                             g_bytes_get_size (payload));

  kabar_scripted_server_expect (server, "a1 FETCH 1 BODY[]");
  kabar_scripted_server_send (server, header);
  kabar_scripted_server_send_raw (server, payload);
  kabar_scripted_server_send (server, ")");
  kabar_scripted_server_send (server, "a1 OK done");
}

static void
test_read_bytes_returns_exactly_the_literal (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(GBytes) payload = make_payload (LITERAL_SIZE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) literal = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  script_literal (server, payload);
  start (server);

  /* The scripted server records what it sends, slowly under ASan. */
  connection = connect_to (server, 60);
  kabar_test_write (connection, "a1 FETCH 1 BODY[]\r\n");
  kabar_test_assert_reads (connection, "* 1 FETCH (BODY[] {5242880}");
  kabar_connection_read_bytes_async (connection, LITERAL_SIZE, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  literal = kabar_connection_read_bytes_finish (connection, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (literal, payload));
  kabar_test_assert_reads (connection, ")");
  kabar_test_assert_reads (connection, "a1 OK done");

  assert_completed (server);
}

static void
test_read_bytes_of_zero_is_empty (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) literal = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  kabar_scripted_server_send (server, "* 1 FETCH (BODY[] {0}");
  kabar_scripted_server_send (server, ")");
  start (server);

  connection = connect_to (server, 10);
  kabar_test_assert_reads (connection, "* 1 FETCH (BODY[] {0}");
  kabar_connection_read_bytes_async (connection, 0, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  literal = kabar_connection_read_bytes_finish (connection, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (literal), ==, 0);
  kabar_test_assert_reads (connection, ")");

  assert_completed (server);
}

/* An output stream that keeps only a checksum and the biggest write it
 * was given: what went through, and that it went in pieces. */
#define TEST_TYPE_CHECKSUM_STREAM (test_checksum_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestChecksumStream, test_checksum_stream, TEST, CHECKSUM_STREAM, GOutputStream)

struct _TestChecksumStream
{
  GOutputStream parent_instance;
  GChecksum *checksum;
  gsize total;
  gsize biggest_write;
};

G_DEFINE_FINAL_TYPE (TestChecksumStream, test_checksum_stream, G_TYPE_OUTPUT_STREAM)

static gssize
test_checksum_stream_write (GOutputStream  *stream,
                            const void     *buffer,
                            gsize           count,
                            GCancellable   *cancellable,
                            GError        **error)
{
  TestChecksumStream *self = TEST_CHECKSUM_STREAM (stream);

  g_checksum_update (self->checksum, buffer, count);
  self->total += count;
  self->biggest_write = MAX (self->biggest_write, count);
  return count;
}

static void
test_checksum_stream_finalize (GObject *object)
{
  g_checksum_free (TEST_CHECKSUM_STREAM (object)->checksum);
  G_OBJECT_CLASS (test_checksum_stream_parent_class)->finalize (object);
}

static void
test_checksum_stream_class_init (TestChecksumStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_checksum_stream_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = test_checksum_stream_write;
}

static void
test_checksum_stream_init (TestChecksumStream *self)
{
  self->checksum = g_checksum_new (G_CHECKSUM_SHA256);
}

static void
test_read_to_stream_writes_exactly_the_literal_in_pieces (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(GBytes) payload = make_payload (LITERAL_SIZE);
  g_autofree char *expected = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, payload);
  g_autoptr(TestChecksumStream) output = g_object_new (TEST_TYPE_CHECKSUM_STREAM, NULL);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  script_literal (server, payload);
  start (server);

  /* The scripted server records what it sends, slowly under ASan. */
  connection = connect_to (server, 60);
  kabar_test_write (connection, "a1 FETCH 1 BODY[]\r\n");
  kabar_test_assert_reads (connection, "* 1 FETCH (BODY[] {5242880}");
  kabar_connection_read_to_stream_async (connection, LITERAL_SIZE, G_OUTPUT_STREAM (output), NULL,
                                         kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_connection_read_to_stream_finish (connection, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (output->total, ==, LITERAL_SIZE);
  g_assert_cmpstr (g_checksum_get_string (output->checksum), ==, expected);
  g_assert_cmpuint (output->biggest_write, <=, 64 * 1024);
  g_assert_false (g_output_stream_is_closed (G_OUTPUT_STREAM (output)));
  kabar_test_assert_reads (connection, ")");
  kabar_test_assert_reads (connection, "a1 OK done");

  assert_completed (server);
}

static void
script_cut_literal (KabarScriptedServer *server)
{
  g_autoptr(GBytes) half = make_payload (50);

  kabar_scripted_server_send (server, "* 1 FETCH (BODY[] {100}");
  kabar_scripted_server_send_raw (server, half);
  kabar_scripted_server_cut (server);
}

static void
test_end_of_stream_inside_a_literal_is_closed (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarScriptedServer) streamed = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(KabarConnection) streaming = NULL;
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) streamed_result = NULL;
  g_autoptr(GBytes) literal = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  script_cut_literal (server);
  start (server);
  script_cut_literal (streamed);
  start (streamed);

  connection = connect_to (server, 10);
  kabar_test_assert_reads (connection, "* 1 FETCH (BODY[] {100}");
  kabar_connection_read_bytes_async (connection, 100, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  literal = kabar_connection_read_bytes_finish (connection, result, &error);
  g_assert_null (literal);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_clear_error (&error);

  streaming = connect_to (streamed, 10);
  kabar_test_assert_reads (streaming, "* 1 FETCH (BODY[] {100}");
  kabar_connection_read_to_stream_async (streaming, 100, output, NULL, kabar_test_wait_done, &slot);
  streamed_result = kabar_test_wait (&slot);
  g_assert_false (kabar_connection_read_to_stream_finish (streaming, streamed_result, &error));
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);

  assert_completed (server);
  assert_completed (streamed);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KabarFakeResolver) resolver = kabar_fake_resolver_new ();

  g_test_init (&argc, &argv, NULL);

  /* Names never leave the process: the machine may have no DNS at all. */
  kabar_fake_resolver_add (resolver, "pop.kabar.test", "127.0.0.1");
  kabar_fake_resolver_add_silent (resolver, "dns-is-down.test");
  g_resolver_set_default (G_RESOLVER (resolver));

  g_test_add_func ("/net/connection/lines-end-with-crlf-or-bare-lf", test_lines_end_with_crlf_or_bare_lf);
  g_test_add_func ("/net/connection/buffered-lines-are-taken-without-waiting",
                   test_buffered_lines_are_taken_without_waiting);
  g_test_add_func ("/net/connection/lent-lines-are-the-buffered-lines", test_lent_lines_are_the_buffered_lines);
  g_test_add_func ("/net/connection/end-of-stream-between-lines-is-closed",
                   test_end_of_stream_between_lines_is_closed);
  g_test_add_func ("/net/connection/cut-mid-line-is-closed", test_cut_mid_line_is_closed);
  g_test_add_func ("/net/connection/line-over-maximum-is-line-too-long",
                   test_line_over_maximum_is_line_too_long);
  g_test_add_func ("/net/connection/endless-line-fails-without-waiting-for-its-end",
                   test_endless_line_fails_without_waiting_for_its_end);
  g_test_add_func ("/net/connection/lines-longer-than-the-buffer-are-read-whole",
                   test_lines_longer_than_the_buffer_are_read_whole);
  g_test_add_func ("/net/connection/silent-server-times-out", test_silent_server_times_out);
  g_test_add_func ("/net/connection/trickling-reply-does-not-time-out", test_trickling_reply_does_not_time_out);
  g_test_add_func ("/net/connection/cancelled-read-reports-cancelled", test_cancelled_read_reports_cancelled);
  g_test_add_func ("/net/connection/close-ends-the-read-in-flight", test_close_ends_the_read_in_flight);
  g_test_add_func ("/net/connection/second-read-in-flight-is-refused", test_second_read_in_flight_is_refused);
  g_test_add_func ("/net/connection/closed-port-is-connection-refused", test_closed_port_is_connection_refused);
  g_test_add_func ("/net/connection/unknown-host-is-host-not-found", test_unknown_host_is_host_not_found);
  g_test_add_func ("/net/connection/connect-to-a-silent-resolver-times-out",
                   test_connect_to_a_silent_resolver_times_out);
  g_test_add_func ("/net/connection/cancelled-connect-reports-cancelled",
                   test_cancelled_connect_reports_cancelled);
  g_test_add_func ("/net/connection/connect-by-name-reaches-the-server", test_connect_by_name_reaches_the_server);
  g_test_add_func ("/net/connection/pipelined-writes-arrive-in-order", test_pipelined_writes_arrive_in_order);
  g_test_add_func ("/net/connection/writes-behind-a-failed-write-fail-too",
                   test_writes_behind_a_failed_write_fail_too);
  g_test_add_func ("/net/connection/read-bytes-returns-exactly-the-literal",
                   test_read_bytes_returns_exactly_the_literal);
  g_test_add_func ("/net/connection/read-bytes-of-zero-is-empty", test_read_bytes_of_zero_is_empty);
  g_test_add_func ("/net/connection/read-to-stream-writes-exactly-the-literal-in-pieces",
                   test_read_to_stream_writes_exactly_the_literal_in_pieces);
  g_test_add_func ("/net/connection/end-of-stream-inside-a-literal-is-closed",
                   test_end_of_stream_inside_a_literal_is_closed);

  return g_test_run ();
}
