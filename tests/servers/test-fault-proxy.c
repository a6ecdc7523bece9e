/* test-fault-proxy.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fault proxy in front of the scripted server: what passes, what is
 * counted, and that each cut lets through exactly the bytes it was given.
 * The client is a blocking socket on the test's thread; the script and the
 * proxy run on threads of their own.
 */

#include <string.h>

#include "kabar-fault-proxy.h"
#include "kabar-scripted-server.h"

#define CLOSE_WAIT_MS 5000
#define STORE_LINE    "A1 STORE 1 +FLAGS (\\Seen)\r\n"

typedef struct
{
  KabarScriptedServer *server;
  KabarFaultProxy     *proxy;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  kabar_scripted_server_set_timeout (fixture->server, 10000);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->proxy, kabar_fault_proxy_free);
  g_clear_pointer (&fixture->server, kabar_scripted_server_free);
}

/* Starts the script, then the proxy in front of it. */
static void
start (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_start (fixture->server, &error);
  g_assert_no_error (error);
  fixture->proxy = kabar_fault_proxy_new (kabar_scripted_server_get_port (fixture->server));
  kabar_fault_proxy_start (fixture->proxy, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kabar_fault_proxy_get_port (fixture->proxy), !=, 0);
}

static GSocket *
connect_client (Fixture *fixture)
{
  g_autoptr(GSocketAddress) address =
    g_inet_socket_address_new_from_string ("127.0.0.1", kabar_fault_proxy_get_port (fixture->proxy));
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_set_timeout (socket, 10);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  return socket;
}

static void
send_text (GSocket    *socket,
           const char *text)
{
  g_autoptr(GError) error = NULL;
  gssize sent = g_socket_send (socket, text, strlen (text), NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sent, ==, strlen (text));
}

/* Reads until exactly length bytes came, or until the end when length
 * is -1. */
static char *
receive (GSocket *socket,
         gssize   length)
{
  GString *received = g_string_new (NULL);

  while (length < 0 || (gssize) received->len < length)
    {
      char buffer[1024];
      g_autoptr(GError) error = NULL;
      gsize want = length < 0 ? sizeof buffer : MIN (sizeof buffer, length - received->len);
      gssize n = g_socket_receive (socket, buffer, want, NULL, &error);

      g_assert_no_error (error);
      if (n == 0)
        break;
      g_string_append_len (received, buffer, n);
    }
  return g_string_free (received, FALSE);
}

static void
assert_script (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  if (!kabar_scripted_server_wait (fixture->server, &error))
    {
      g_autofree char *transcript = kabar_scripted_server_dup_transcript (fixture->server);

      g_test_message ("transcript:\n%s", transcript);
    }
  g_assert_no_error (error);
}

static void
test_passes_through_and_counts (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GSocket) client = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *rest = NULL;
  g_autoptr(GArray) ends = NULL;

  kabar_scripted_server_send (fixture->server, "* OK hello");
  kabar_scripted_server_expect (fixture->server, "A1 NOOP");
  kabar_scripted_server_send (fixture->server, "A1 OK done");
  kabar_scripted_server_close (fixture->server);
  start (fixture);

  client = connect_client (fixture);
  greeting = receive (client, 12);
  g_assert_cmpstr (greeting, ==, "* OK hello\r\n");
  send_text (client, "A1 NOOP\r\n");
  rest = receive (client, -1);
  g_assert_cmpstr (rest, ==, "A1 OK done\r\n");
  g_socket_close (client, NULL);
  assert_script (fixture);

  g_assert_true (kabar_fault_proxy_wait_closed (fixture->proxy, 0, CLOSE_WAIT_MS));
  g_assert_cmpuint (kabar_fault_proxy_get_n_connections (fixture->proxy), ==, 1);
  g_assert_false (kabar_fault_proxy_was_cut (fixture->proxy, 0));
  g_assert_cmpuint (kabar_fault_proxy_get_bytes (fixture->proxy, 0, KABAR_FAULT_SERVER_TO_CLIENT), ==, 24);
  g_assert_cmpuint (kabar_fault_proxy_get_bytes (fixture->proxy, 0, KABAR_FAULT_CLIENT_TO_SERVER), ==, 9);
  /* Plain text is not TLS: no records. */
  ends = kabar_fault_proxy_dup_record_ends (fixture->proxy, 0, KABAR_FAULT_SERVER_TO_CLIENT);
  g_assert_cmpuint (ends->len, ==, 0);
}

static void
test_server_to_client_cut_is_exact_and_once (Fixture       *fixture,
                                             gconstpointer  data)
{
  g_autoptr(GSocket) first = NULL;
  g_autoptr(GSocket) second = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *whole = NULL;

  /* No expect_eof after a cut: the proxy closes the server's socket with
   * the rest of the greeting unread, which may be a reset. */
  kabar_scripted_server_send (fixture->server, "* OK a greeting long enough to be cut");
  kabar_scripted_server_accept (fixture->server);
  kabar_scripted_server_send (fixture->server, "* OK again");
  kabar_scripted_server_close (fixture->server);
  start (fixture);

  kabar_fault_proxy_cut_after (fixture->proxy, KABAR_FAULT_SERVER_TO_CLIENT, 7);
  first = connect_client (fixture);
  cut = receive (first, -1);
  g_assert_cmpstr (cut, ==, "* OK a ");
  g_assert_true (kabar_fault_proxy_wait_closed (fixture->proxy, 0, CLOSE_WAIT_MS));
  g_assert_true (kabar_fault_proxy_was_cut (fixture->proxy, 0));
  g_assert_cmpuint (kabar_fault_proxy_get_bytes (fixture->proxy, 0, KABAR_FAULT_SERVER_TO_CLIENT), ==, 7);

  /* The cut was for one connection: the next passes whole. */
  second = connect_client (fixture);
  whole = receive (second, -1);
  g_assert_cmpstr (whole, ==, "* OK again\r\n");
  g_socket_close (second, NULL);
  assert_script (fixture);
  g_assert_true (kabar_fault_proxy_wait_closed (fixture->proxy, 1, CLOSE_WAIT_MS));
  g_assert_false (kabar_fault_proxy_was_cut (fixture->proxy, 1));
}

static void
test_cut_before_anything (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GSocket) client = NULL;
  g_autofree char *received = NULL;

  kabar_scripted_server_send (fixture->server, "* OK never seen");
  start (fixture);

  kabar_fault_proxy_cut_after (fixture->proxy, KABAR_FAULT_SERVER_TO_CLIENT, 0);
  client = connect_client (fixture);
  received = receive (client, -1);
  g_assert_cmpstr (received, ==, "");
  assert_script (fixture);
  g_assert_true (kabar_fault_proxy_wait_closed (fixture->proxy, 0, CLOSE_WAIT_MS));
  g_assert_true (kabar_fault_proxy_was_cut (fixture->proxy, 0));
}

/* The command reaches the server whole, is answered, and the answer is
 * lost; what the client sent after it never arrives. */
static void
test_client_to_server_cut_loses_the_reply (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(GSocket) client = NULL;
  g_autofree char *received = NULL;
  g_auto(GStrv) lines = NULL;

  kabar_scripted_server_expect (fixture->server, "A1 STORE 1 +FLAGS (\\Seen)");
  kabar_scripted_server_send (fixture->server, "* 1 FETCH (FLAGS (\\Seen))");
  kabar_scripted_server_send (fixture->server, "A1 OK done");
  kabar_scripted_server_expect_eof (fixture->server);
  start (fixture);

  kabar_fault_proxy_cut_after (fixture->proxy, KABAR_FAULT_CLIENT_TO_SERVER, strlen (STORE_LINE));
  client = connect_client (fixture);
  send_text (client, STORE_LINE "A2 NOOP\r\n");
  received = receive (client, -1);
  g_assert_cmpstr (received, ==, "");
  assert_script (fixture);
  lines = kabar_scripted_server_dup_client_lines (fixture->server);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_true (kabar_fault_proxy_wait_closed (fixture->proxy, 0, CLOSE_WAIT_MS));
  g_assert_true (kabar_fault_proxy_was_cut (fixture->proxy, 0));
  g_assert_cmpuint (kabar_fault_proxy_get_bytes (fixture->proxy, 0, KABAR_FAULT_CLIENT_TO_SERVER), ==,
                    strlen (STORE_LINE));
  g_assert_cmpuint (kabar_fault_proxy_get_bytes (fixture->proxy, 0, KABAR_FAULT_SERVER_TO_CLIENT), ==, 0);
}

static void
test_tls_records_are_found (Fixture       *fixture,
                            gconstpointer  data)
{
  /* Three records: 3 bytes of application data, an empty one, one byte
   * of handshake; a real TLS stream frames the same way. */
  static const guint8 records[] = {
    0x17, 0x03, 0x03, 0x00, 0x03, 'a', 'b', 'c',
    0x17, 0x03, 0x03, 0x00, 0x00,
    0x16, 0x03, 0x03, 0x00, 0x01, 'x',
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (records, sizeof records);
  g_autoptr(GSocket) client = NULL;
  g_autofree char *received = NULL;
  g_autoptr(GArray) ends = NULL;

  kabar_scripted_server_send_raw (fixture->server, bytes);
  kabar_scripted_server_close (fixture->server);
  start (fixture);

  client = connect_client (fixture);
  received = receive (client, sizeof records);
  g_assert_cmpmem (received, sizeof records, records, sizeof records);
  g_socket_close (client, NULL);
  assert_script (fixture);
  g_assert_true (kabar_fault_proxy_wait_closed (fixture->proxy, 0, CLOSE_WAIT_MS));
  ends = kabar_fault_proxy_dup_record_ends (fixture->proxy, 0, KABAR_FAULT_SERVER_TO_CLIENT);
  g_assert_cmpuint (ends->len, ==, 3);
  g_assert_cmpuint (g_array_index (ends, guint64, 0), ==, 8);
  g_assert_cmpuint (g_array_index (ends, guint64, 1), ==, 13);
  g_assert_cmpuint (g_array_index (ends, guint64, 2), ==, 19);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/fault-proxy/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("passes-through-and-counts", test_passes_through_and_counts);
  ADD ("server-to-client-cut-is-exact-and-once", test_server_to_client_cut_is_exact_and_once);
  ADD ("cut-before-anything", test_cut_before_anything);
  ADD ("client-to-server-cut-loses-the-reply", test_client_to_server_cut_loses_the_reply);
  ADD ("tls-records-are-found", test_tls_records_are_found);
#undef ADD

  return g_test_run ();
}
