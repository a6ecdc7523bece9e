/* test-scripted-server.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-scripted-server.h"

#include <string.h>

/* A small blocking client: the tests may block, the server has its thread. */
typedef struct {
  GSocketConnection *connection;
  GIOStream *stream;
  GDataInputStream *input;
} Client;

static void
client_free (Client *client)
{
  g_clear_object (&client->input);
  if (client->stream != G_IO_STREAM (client->connection))
    g_clear_object (&client->stream);
  g_clear_object (&client->connection);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static void
client_set_stream (Client    *client,
                   GIOStream *stream)
{
  g_clear_object (&client->input);
  client->stream = stream;
  client->input = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  g_data_input_stream_set_newline_type (client->input, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  /* The stream outlives this reader when STARTTLS replaces it. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (client->input), FALSE);
}

static Client *
client_connect (KabarScriptedServer *server)
{
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  Client *client = g_new0 (Client, 1);

  client->connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1",
                                                        kabar_scripted_server_get_port (server),
                                                        NULL, &error);
  g_assert_no_error (error);
  /* A server bug must fail the test, not hang it. */
  g_socket_set_timeout (g_socket_connection_get_socket (client->connection), 10);
  client_set_stream (client, G_IO_STREAM (client->connection));
  return client;
}

static gboolean
on_accept_certificate (GTlsConnection       *connection,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       gpointer              trusted)
{
  return g_tls_certificate_is_same (peer, trusted);
}

/* Trusts exactly the server's certificate, as Kabar does after the user
 * accepts one. */
static void
client_start_tls (Client          *client,
                  GTlsCertificate *trusted)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new ("localhost", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) peer = NULL;
  GIOStream *tls;

  g_assert_nonnull (trusted);
  tls = g_tls_client_connection_new (client->stream, identity, &error);
  g_assert_no_error (error);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_accept_certificate), trusted);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);
  g_object_get (tls, "peer-certificate", &peer, NULL);
  g_assert_true (g_tls_certificate_is_same (peer, trusted));
  client_set_stream (client, tls);
}

static void
client_send_raw (Client     *client,
                 const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (client->stream), text, strlen (text),
                             NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
client_send (Client     *client,
             const char *line)
{
  g_autofree char *text = g_strconcat (line, "\r\n", NULL);

  client_send_raw (client, text);
}

/* NULL at the end of the stream. */
static char *
client_read_line (Client *client)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line (client->input, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

static void
assert_reads (Client     *client,
              const char *expected)
{
  g_autofree char *line = client_read_line (client);

  g_assert_cmpstr (line, ==, expected);
}

/* Everything until the end of the stream or an error, which GDataInputStream
 * would drop with the partial line it buffered. */
static GString *
client_read_rest (Client  *client,
                  GError **error)
{
  GString *rest = g_string_new (NULL);
  char buffer[256];
  gssize n;

  while ((n = g_input_stream_read (G_INPUT_STREAM (client->input), buffer, sizeof buffer,
                                   NULL, error)) > 0)
    g_string_append_len (rest, buffer, n);
  return rest;
}

static void
assert_eof (Client *client)
{
  g_autofree char *line = client_read_line (client);

  g_assert_null (line);
}

static void
start (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kabar_scripted_server_get_port (server), >, 0);
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
  g_assert_cmpint (kabar_scripted_server_get_failed_step (server), ==, -1);
}

static GTlsCertificate *shared_certificate;

/* openssl takes a while: the TLS tests share one certificate. */
static GTlsCertificate *
get_certificate (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_certificate == NULL)
    shared_certificate = kabar_scripted_server_generate_certificate (&error);
  g_assert_no_error (error);
  return shared_certificate;
}

static void
test_plain_lines_both_ways (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *transcript = NULL;

  kabar_scripted_server_send (server, "* OK hello");
  kabar_scripted_server_expect (server, "A1 NOOP");
  kabar_scripted_server_send (server, "A1 OK \\Seen costs $$5");
  kabar_scripted_server_expect (server, "A2 LOGOUT");
  start (server);

  client = client_connect (server);
  assert_reads (client, "* OK hello");
  client_send (client, "A1 NOOP");
  assert_reads (client, "A1 OK \\Seen costs $5");
  /* A bare LF ends a line too. */
  client_send_raw (client, "A2 LOGOUT\n");
  assert_eof (client);

  assert_completed (server);
  lines = kabar_scripted_server_dup_client_lines (server);
  g_assert_cmpstrv (lines, ((const char * const[]) { "A1 NOOP", "A2 LOGOUT", NULL }));
  transcript = kabar_scripted_server_dup_transcript (server);
  g_assert_cmpstr (transcript, ==,
                   "S: * OK hello\n"
                   "C: A1 NOOP\n"
                   "S: A1 OK \\Seen costs $$5\n"
                   "C: A2 LOGOUT\n");
}

static void
test_regex_tag_capture_reused_in_reply (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;

  kabar_scripted_server_send (server, "* OK ready");
  kabar_scripted_server_expect_regex (server, "(\\S+) LOGIN (?<user>\\S+) \\S+");
  kabar_scripted_server_send (server, "$1 OK ${user} logged in, $$1 is not a capture");
  kabar_scripted_server_expect_regex (server, "(\\S+) SELECT INBOX");
  kabar_scripted_server_send (server, "$1 OK [READ-WRITE] $0");
  start (server);

  client = client_connect (server);
  assert_reads (client, "* OK ready");
  client_send (client, "xq7 LOGIN alice s3cret");
  assert_reads (client, "xq7 OK alice logged in, $1 is not a capture");
  client_send (client, "xq8 SELECT INBOX");
  assert_reads (client, "xq8 OK [READ-WRITE] xq8 SELECT INBOX");

  assert_completed (server);
}

static void
test_regex_must_match_whole_line (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_expect_regex (server, "\\S+ NOOP");
  start (server);

  client = client_connect (server);
  client_send (client, "A1 NOOPX");

  g_assert_false (kabar_scripted_server_wait (server, &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_DIVERGED);
}

static void
test_unknown_capture_fails_the_step (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "$2 OK");
  start (server);

  client = client_connect (server);
  assert_eof (client);
  g_assert_false (kabar_scripted_server_wait (server, &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_SCRIPT);
  g_assert_cmpint (kabar_scripted_server_get_failed_step (server), ==, 1);
}

static void
test_tls_implicit_handshake_then_lines (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_IMPLICIT);
  g_autoptr(Client) client = NULL;

  kabar_scripted_server_set_certificate (server, get_certificate ());
  kabar_scripted_server_send (server, "* OK secure hello");
  kabar_scripted_server_expect (server, "A1 CAPABILITY");
  kabar_scripted_server_send (server, "* CAPABILITY IMAP4rev1");
  kabar_scripted_server_send (server, "A1 OK done");
  start (server);

  client = client_connect (server);
  client_start_tls (client, kabar_scripted_server_get_certificate (server));
  assert_reads (client, "* OK secure hello");
  client_send (client, "A1 CAPABILITY");
  assert_reads (client, "* CAPABILITY IMAP4rev1");
  assert_reads (client, "A1 OK done");
  assert_eof (client);

  assert_completed (server);
}

static void
test_tls_generated_certificate_is_exposed (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_IMPLICIT);
  g_autoptr(Client) client = NULL;
  GTlsCertificate *certificate;

  kabar_scripted_server_send (server, "220 hello");
  g_assert_null (kabar_scripted_server_get_certificate (server));
  start (server);
  certificate = kabar_scripted_server_get_certificate (server);
  g_assert_nonnull (certificate);

  client = client_connect (server);
  client_start_tls (client, certificate);
  assert_reads (client, "220 hello");

  assert_completed (server);
}

static void
test_tls_starttls_mid_script (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;
  g_autofree char *transcript = NULL;

  kabar_scripted_server_set_certificate (server, get_certificate ());
  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi");
  kabar_scripted_server_expect_regex (server, "(\\S+) STARTTLS");
  kabar_scripted_server_send (server, "$1 OK Begin TLS negotiation now");
  kabar_scripted_server_start_tls (server);
  kabar_scripted_server_expect_regex (server, "(\\S+) NOOP");
  kabar_scripted_server_send (server, "$1 OK over TLS");
  start (server);

  client = client_connect (server);
  assert_reads (client, "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi");
  client_send (client, "a STARTTLS");
  assert_reads (client, "a OK Begin TLS negotiation now");
  client_start_tls (client, get_certificate ());
  g_assert_true (G_IS_TLS_CONNECTION (client->stream));
  client_send (client, "b NOOP");
  assert_reads (client, "b OK over TLS");

  assert_completed (server);
  transcript = kabar_scripted_server_dup_transcript (server);
  g_assert_nonnull (strstr (transcript, "S: a OK Begin TLS negotiation now\n! starttls\nC: b NOOP\n"));
}

static void
test_tls_data_before_handshake_is_reported (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_set_certificate (server, get_certificate ());
  kabar_scripted_server_expect (server, "A1 STARTTLS");
  kabar_scripted_server_wait_ms (server, 100);
  kabar_scripted_server_send (server, "A1 OK Begin TLS");
  kabar_scripted_server_start_tls (server);
  start (server);

  /* Pipelining a command behind STARTTLS is the command injection clients
   * must not allow: the server must not take it as sent through TLS. */
  client = client_connect (server);
  client_send_raw (client, "A1 STARTTLS\r\nA2 LOGIN alice s3cret\r\n");

  g_assert_false (kabar_scripted_server_wait (server, &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_DIVERGED);
  g_assert_nonnull (strstr (error->message, "step 4"));
  g_assert_nonnull (strstr (error->message, "A2 LOGIN alice s3cret"));
}

static void
test_cut_mid_line_client_sees_eof (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *partial = NULL;
  gsize len;

  kabar_scripted_server_expect (server, "A5 FETCH 1 BODY[]");
  kabar_scripted_server_send (server, "* 1 FETCH (BODY[] {40}");
  kabar_scripted_server_send_partial (server, "From: Ayu");
  kabar_scripted_server_cut (server);
  start (server);

  client = client_connect (server);
  client_send (client, "A5 FETCH 1 BODY[]");
  assert_reads (client, "* 1 FETCH (BODY[] {40}");
  partial = g_data_input_stream_read_line (client->input, &len, NULL, &error);
  g_assert_no_error (error);
  /* No line end came: what the reader returns is the part before the cut. */
  g_assert_cmpstr (partial, ==, "From: Ayu");
  assert_eof (client);

  assert_completed (server);
}

static void
test_cut_reset_client_sees_error (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *transcript = NULL;

  kabar_scripted_server_expect (server, "A1 NOOP");
  kabar_scripted_server_reset (server);
  start (server);

  client = client_connect (server);
  client_send (client, "A1 NOOP");
  line = g_data_input_stream_read_line (client->input, NULL, NULL, &error);
  g_assert_null (line);
  /* A RST is an error, not the clean end of stream a close gives. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);

  assert_completed (server);
  transcript = kabar_scripted_server_dup_transcript (server);
  g_assert_cmpstr (transcript, ==, "C: A1 NOOP\n! reset\n");
}

static void
test_divergence_reports_step_and_both_lines (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  kabar_scripted_server_send (server, "* OK ready");
  kabar_scripted_server_expect (server, "A1 CAPABILITY");
  kabar_scripted_server_send (server, "A1 OK done");
  kabar_scripted_server_expect (server, "A2 LOGIN alice s3cret");
  kabar_scripted_server_send (server, "A2 OK logged in");
  start (server);

  client = client_connect (server);
  assert_reads (client, "* OK ready");
  client_send (client, "A1 CAPABILITY");
  assert_reads (client, "A1 OK done");
  client_send (client, "A2 LIST \"\" *");
  /* A diverged script hangs up rather than leave the client waiting. */
  assert_eof (client);

  g_assert_false (kabar_scripted_server_wait (server, &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_DIVERGED);
  g_assert_cmpstr (error->message, ==,
                   "step 4: expected `A2 LOGIN alice s3cret`, got `A2 LIST \"\" *`");
  g_assert_cmpint (kabar_scripted_server_get_failed_step (server), ==, 4);
  lines = kabar_scripted_server_dup_client_lines (server);
  g_assert_cmpstrv (lines, ((const char * const[]) { "A1 CAPABILITY", "A2 LIST \"\" *", NULL }));
}

static void
test_divergence_client_closes_early (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_expect (server, "QUIT");
  start (server);

  client = client_connect (server);
  client_send_raw (client, "QU");
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);

  g_assert_false (kabar_scripted_server_wait (server, &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_CLOSED);
  g_assert_cmpstr (error->message, ==, "step 1: expected `QUIT`, got `QU` and then end of stream");
}

static char *
transcript_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "transcripts", name, NULL);
}

static void
test_transcript_file_parsed_and_played (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autofree char *path = transcript_path ("imap-login-list.txt");
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_load_transcript (server, path, &error);
  g_assert_no_error (error);
  start (server);

  client = client_connect (server);
  assert_reads (client, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Scripted IMAP ready");
  client_send (client, "k1 LOGIN demo@kabar.test \"hunter2\"");
  assert_reads (client, "k1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in");
  client_send (client, "k2 LIST \"\" \"*\"");
  assert_reads (client, "* LIST (\\HasNoChildren) \"/\" INBOX");
  assert_reads (client, "* LIST (\\HasNoChildren \\Sent) \"/\" Sent");
  assert_reads (client, "k2 OK List completed (0.001 + 0.000 secs).");
  client_send (client, "k3 LOGOUT");
  assert_reads (client, "* BYE Logging out");
  assert_reads (client, "k3 OK Logout completed.");
  assert_eof (client);

  assert_completed (server);
}

static void
test_transcript_divergence_names_file_line (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autofree char *path = transcript_path ("imap-login-list.txt");
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_load_transcript (server, path, &error);
  g_assert_no_error (error);
  start (server);

  client = client_connect (server);
  assert_reads (client, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Scripted IMAP ready");
  client_send (client, "k1 AUTHENTICATE PLAIN");

  g_assert_false (kabar_scripted_server_wait (server, &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_DIVERGED);
  g_assert_true (g_str_has_prefix (error->message, "step 2 (imap-login-list.txt:4): expected a line matching"));
  g_assert_nonnull (strstr (error->message, "got `k1 AUTHENTICATE PLAIN`"));
}

static void
test_transcript_bad_line_reports_position (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_false (kabar_scripted_server_add_transcript (server,
                                                       "# fine\nS: * OK\n\nX: nonsense\n",
                                                       "inline", &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_SCRIPT);
  g_assert_true (g_str_has_prefix (error->message, "inline:4: "));
  g_clear_error (&error);

  g_assert_false (kabar_scripted_server_add_transcript (server, "C~ (unclosed\n", "inline", &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_SCRIPT);
  g_clear_error (&error);

  g_assert_false (kabar_scripted_server_add_transcript (server, "! wait soon\n", "inline", &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_SCRIPT);
}

static void
test_transcript_starttls_cut_and_reconnect (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autofree char *path = transcript_path ("smtp-starttls-cut.txt");
  g_autoptr(Client) first = NULL;
  g_autoptr(Client) second = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_set_certificate (server, get_certificate ());
  kabar_scripted_server_load_transcript (server, path, &error);
  g_assert_no_error (error);
  start (server);

  first = client_connect (server);
  assert_reads (first, "220 mx.kabar.test ESMTP Scripted");
  client_send (first, "EHLO [127.0.0.1]");
  assert_reads (first, "250-mx.kabar.test");
  assert_reads (first, "250-STARTTLS");
  assert_reads (first, "250 8BITMIME");
  client_send (first, "STARTTLS");
  assert_reads (first, "220 2.0.0 Ready to start TLS");
  client_start_tls (first, get_certificate ());
  client_send (first, "EHLO [127.0.0.1]");
  assert_reads (first, "250-mx.kabar.test");
  assert_reads (first, "250 AUTH PLAIN");
  client_send (first, "MAIL FROM:<demo@kabar.test>");
  {
    g_autoptr(GString) rest = client_read_rest (first, &error);

    /* A cut has no TLS close_notify: the client gets the part before the
     * cut, then the error that tells a truncation from a clean end. */
    g_assert_cmpstr (rest->str, ==, "250 2.1.0 O");
    g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_EOF);
    g_clear_error (&error);
  }

  second = client_connect (server);
  assert_reads (second, "220 mx.kabar.test ESMTP Scripted again");
  client_send (second, "EHLO [127.0.0.1]");
  assert_reads (second, "250 mx.kabar.test");
  client_send (second, "QUIT");
  assert_reads (second, "221 2.0.0 Bye");

  assert_completed (server);
}

static void
test_accept_two_connections_in_one_script (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) first = NULL;
  g_autoptr(Client) second = NULL;
  g_auto(GStrv) lines = NULL;

  kabar_scripted_server_send (server, "* OK first");
  kabar_scripted_server_expect (server, "A1 IDLE");
  kabar_scripted_server_send (server, "* BYE server shutting down");
  kabar_scripted_server_close (server);
  kabar_scripted_server_accept (server);
  kabar_scripted_server_send (server, "* OK second");
  kabar_scripted_server_expect (server, "B1 NOOP");
  kabar_scripted_server_send (server, "B1 OK");
  kabar_scripted_server_expect_eof (server);
  start (server);

  first = client_connect (server);
  assert_reads (first, "* OK first");
  client_send (first, "A1 IDLE");
  assert_reads (first, "* BYE server shutting down");
  assert_eof (first);

  second = client_connect (server);
  assert_reads (second, "* OK second");
  client_send (second, "B1 NOOP");
  assert_reads (second, "B1 OK");
  g_io_stream_close (G_IO_STREAM (second->connection), NULL, NULL);

  assert_completed (server);
  lines = kabar_scripted_server_dup_client_lines (server);
  g_assert_cmpstrv (lines, ((const char * const[]) { "A1 IDLE", "B1 NOOP", NULL }));
}

static void
test_timeout_silent_client_is_reported (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started;

  kabar_scripted_server_set_timeout (server, 300);
  kabar_scripted_server_send (server, "* OK ready");
  kabar_scripted_server_expect (server, "A1 NOOP");
  start (server);

  started = g_get_monotonic_time ();
  client = client_connect (server);
  assert_reads (client, "* OK ready");
  client_send_raw (client, "A1 NO");

  g_assert_false (kabar_scripted_server_wait (server, &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_TIMED_OUT);
  g_assert_cmpstr (error->message, ==,
                   "step 2: expected `A1 NOOP`, got `A1 NO` and then nothing in 300 ms");
  g_assert_cmpint (g_get_monotonic_time () - started, <, 3 * G_USEC_PER_SEC);
}

static void
test_timeout_per_step_overrides_default (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_set_timeout (server, 200);
  kabar_scripted_server_set_step_timeout (server, 2000);
  kabar_scripted_server_expect (server, "slow");
  kabar_scripted_server_set_step_timeout (server, 0);
  kabar_scripted_server_expect (server, "never");
  start (server);

  client = client_connect (server);
  g_usleep (600 * 1000);
  client_send (client, "slow");

  g_assert_false (kabar_scripted_server_wait (server, &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_TIMED_OUT);
  g_assert_cmpint (kabar_scripted_server_get_failed_step (server), ==, 2);
}

static void
test_timeout_no_connection (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_set_timeout (server, 200);
  kabar_scripted_server_send (server, "* OK nobody hears this");
  start (server);

  g_assert_false (kabar_scripted_server_wait (server, &error));
  g_assert_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_TIMED_OUT);
  g_assert_cmpstr (error->message, ==, "waiting for the first connection: no connection: nothing in 200 ms");
  g_assert_cmpint (kabar_scripted_server_get_failed_step (server), ==, 0);
}

static gboolean
connect_from_main_loop (gpointer data)
{
  GMainLoop *loop = data;

  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  GSocketConnection **connection = data;
  g_autoptr(GError) error = NULL;

  *connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

/* An asynchronous client on the main context keeps running while the test
 * waits for the script. */
static void
test_wait_iterates_the_main_context (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  kabar_scripted_server_expect_eof (server);
  start (server);

  g_idle_add (connect_from_main_loop, loop);
  g_main_loop_run (loop);
  g_socket_client_connect_to_host_async (socket_client, "127.0.0.1",
                                         kabar_scripted_server_get_port (server),
                                         NULL, on_connected, &connection);
  while (connection == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  assert_completed (server);
}

static void
test_free_while_running_returns (void)
{
  KabarScriptedServer *server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  gint64 started = g_get_monotonic_time ();

  kabar_scripted_server_set_timeout (server, 30000);
  kabar_scripted_server_expect (server, "never sent");
  start (server);
  kabar_scripted_server_free (server);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 2 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scripted/plain/lines-both-ways", test_plain_lines_both_ways);
  g_test_add_func ("/scripted/regex/tag-capture-reused-in-reply", test_regex_tag_capture_reused_in_reply);
  g_test_add_func ("/scripted/regex/must-match-whole-line", test_regex_must_match_whole_line);
  g_test_add_func ("/scripted/regex/unknown-capture-fails-the-step", test_unknown_capture_fails_the_step);
  g_test_add_func ("/scripted/tls/implicit-handshake-then-lines", test_tls_implicit_handshake_then_lines);
  g_test_add_func ("/scripted/tls/generated-certificate-is-exposed", test_tls_generated_certificate_is_exposed);
  g_test_add_func ("/scripted/tls/starttls-mid-script", test_tls_starttls_mid_script);
  g_test_add_func ("/scripted/tls/data-before-handshake-is-reported", test_tls_data_before_handshake_is_reported);
  g_test_add_func ("/scripted/cut/mid-line-client-sees-eof", test_cut_mid_line_client_sees_eof);
  g_test_add_func ("/scripted/cut/reset-client-sees-error", test_cut_reset_client_sees_error);
  g_test_add_func ("/scripted/divergence/reports-step-and-both-lines", test_divergence_reports_step_and_both_lines);
  g_test_add_func ("/scripted/divergence/client-closes-early", test_divergence_client_closes_early);
  g_test_add_func ("/scripted/transcript/file-parsed-and-played", test_transcript_file_parsed_and_played);
  g_test_add_func ("/scripted/transcript/divergence-names-file-line", test_transcript_divergence_names_file_line);
  g_test_add_func ("/scripted/transcript/bad-line-reports-position", test_transcript_bad_line_reports_position);
  g_test_add_func ("/scripted/transcript/starttls-cut-and-reconnect", test_transcript_starttls_cut_and_reconnect);
  g_test_add_func ("/scripted/accept/two-connections-in-one-script", test_accept_two_connections_in_one_script);
  g_test_add_func ("/scripted/timeout/silent-client-is-reported", test_timeout_silent_client_is_reported);
  g_test_add_func ("/scripted/timeout/per-step-overrides-default", test_timeout_per_step_overrides_default);
  g_test_add_func ("/scripted/timeout/no-connection", test_timeout_no_connection);
  g_test_add_func ("/scripted/wait/iterates-the-main-context", test_wait_iterates_the_main_context);
  g_test_add_func ("/scripted/free/while-running-returns", test_free_while_running_returns);

  result = g_test_run ();
  g_clear_object (&shared_certificate);
  return result;
}
