/* test-net-tls.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TLS and STARTTLS against the test bed's real Dovecot, whose self-signed
 * certificate no system trusts, and against the scripted server for what
 * Dovecot never does (data injected before the handshake, cuts without
 * close_notify, silence).
 */

#include "config.h"

#include <string.h>

#include "kabar-connection.h"
#include "kabar-fake-resolver.h"
#include "kabar-net-error.h"
#include "kabar-scripted-server.h"
#include "kabar-test-bed.h"
#include "kabar-test-connection.h"
#include "kabar-test-wait.h"

/* One bed for the whole binary: it starts in a blink, stopping takes a
 * second. */
static KabarTestBed *shared_bed;
static GTlsCertificate *other_certificate;

static KabarTestBed *
get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  return shared_bed;
}

static guint16
bed_port (KabarTestBedPort port)
{
  return kabar_test_bed_get_port (get_bed (), port);
}

static GTlsCertificate *
bed_certificate (void)
{
  return kabar_test_bed_get_certificate (get_bed ());
}

/* A self-signed certificate for the same names that is not the bed's. */
static GTlsCertificate *
get_other_certificate (void)
{
  g_autoptr(GError) error = NULL;

  if (other_certificate == NULL)
    other_certificate = kabar_scripted_server_generate_certificate (&error);
  g_assert_no_error (error);
  return other_certificate;
}

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

static gboolean
strv_has (GStrv       strv,
          const char *word)
{
  return g_strv_contains ((const char * const *) strv, word);
}

/* Static text without its NUL. */
static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new_static (text, strlen (text));
}

/* What openssl says, to check our fingerprint against another tool. */
static char *
openssl_fingerprint (const char *certificate_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GString) hex = g_string_new (NULL);
  const char *argv[] = { "openssl", "x509", "-in", certificate_path, "-noout", "-fingerprint", "-sha256", NULL };
  const char *equals;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &output, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  equals = strchr (output, '=');
  g_assert_nonnull (equals);
  for (const char *p = equals + 1; *p != '\0' && *p != '\n'; p++)
    if (*p != ':')
      g_string_append_c (hex, g_ascii_tolower (*p));
  return g_string_free (g_steal_pointer (&hex), FALSE);
}

/* --- implicit TLS against Dovecot ------------------------------------------ */

static void
test_pinned_certificate_is_accepted (void)
{
  g_autoptr(KabarConnection) connection = NULL;
  g_autofree char *greeting = NULL;
  g_autoptr(GError) error = NULL;

  connection = kabar_test_connect (KABAR_TEST_BED_HOST, bed_port (KABAR_TEST_BED_PORT_IMAPS),
                                   KABAR_SECURITY_IMPLICIT_TLS, bed_certificate (), 10);
  g_assert_true (kabar_connection_is_tls (connection));
  g_assert_true (g_tls_certificate_is_same (kabar_connection_get_peer_certificate (connection),
                                            bed_certificate ()));
  /* Accepted for the pin, not because anyone vouches for it. */
  g_assert_true (kabar_connection_get_peer_certificate_errors (connection) & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_null (kabar_connection_get_certificate_problem (connection));
  greeting = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (greeting, "* OK "));
  g_assert_nonnull (strstr (greeting, "Dovecot"));
  kabar_test_write (connection, "z LOGOUT\r\n");
  g_ptr_array_unref (kabar_test_read_until (connection, "z OK"));
  kabar_test_close (connection);
}

static void
test_unpinned_certificate_is_refused_with_its_problem (void)
{
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *expected_fingerprint = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autoptr(GDateTime) not_before = NULL;
  g_autoptr(GDateTime) not_after = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_auto(GStrv) descriptions = NULL;
  guint16 port = bed_port (KABAR_TEST_BED_PORT_IMAPS);

  connection = kabar_test_try_connect (KABAR_TEST_BED_HOST, port, KABAR_SECURITY_IMPLICIT_TLS,
                                       NULL, 10, NULL, &problem, &error);
  g_assert_null (connection);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (problem);

  g_assert_true (g_tls_certificate_is_same (kabar_certificate_problem_get_certificate (problem),
                                            bed_certificate ()));
  g_assert_true (kabar_certificate_problem_get_errors (problem) & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_cmpstr (kabar_certificate_problem_get_host (problem), ==, KABAR_TEST_BED_HOST);
  g_assert_cmpuint (kabar_certificate_problem_get_port (problem), ==, port);

  fingerprint = kabar_certificate_problem_dup_fingerprint (problem);
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  for (const char *p = fingerprint; *p != '\0'; p++)
    g_assert_true (g_ascii_isxdigit (*p) && !g_ascii_isupper (*p));
  expected_fingerprint = openssl_fingerprint (kabar_test_bed_get_certificate_path (get_bed ()));
  g_assert_cmpstr (fingerprint, ==, expected_fingerprint);

  subject = kabar_certificate_problem_dup_subject (problem);
  g_assert_nonnull (strstr (subject, "CN=localhost"));
  /* Self-signed: it is its own issuer. */
  issuer = kabar_certificate_problem_dup_issuer (problem);
  g_assert_cmpstr (issuer, ==, subject);
  not_before = kabar_certificate_problem_dup_not_valid_before (problem);
  not_after = kabar_certificate_problem_dup_not_valid_after (problem);
  g_assert_cmpint (g_date_time_compare (not_before, now), <=, 0);
  g_assert_cmpint (g_date_time_compare (now, not_after), <, 0);
  descriptions = kabar_certificate_problem_dup_descriptions (problem);
  g_assert_cmpstr (descriptions[0], ==, "It is not signed by a certificate authority this computer trusts.");
  /* The error says it too, for the logs. */
  g_assert_nonnull (strstr (error->message, descriptions[0]));
}

static void
test_pin_of_another_certificate_is_refused (void)
{
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (g_tls_certificate_is_same (get_other_certificate (), bed_certificate ()));
  connection = kabar_test_try_connect (KABAR_TEST_BED_HOST, bed_port (KABAR_TEST_BED_PORT_IMAPS),
                                       KABAR_SECURITY_IMPLICIT_TLS, get_other_certificate (), 10,
                                       NULL, &problem, &error);
  g_assert_null (connection);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE);
  g_assert_nonnull (problem);
  g_assert_true (g_tls_certificate_is_same (kabar_certificate_problem_get_certificate (problem),
                                            bed_certificate ()));
}

static void
test_implicit_tls_on_a_plain_port_is_not_tls (void)
{
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;

  connection = kabar_test_try_connect (KABAR_TEST_BED_HOST, bed_port (KABAR_TEST_BED_PORT_IMAP),
                                       KABAR_SECURITY_IMPLICIT_TLS, bed_certificate (), 10,
                                       NULL, &problem, &error);
  g_assert_null (connection);
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_NOT_TLS);
  g_assert_null (problem);
}

/* --- STARTTLS against Dovecot ---------------------------------------------- */

/* Connected to the STARTTLS port and just told to begin TLS. */
static KabarConnection *
imap_before_starttls (GTlsCertificate *pinned_certificate)
{
  KabarConnection *connection;
  g_autofree char *greeting = NULL;
  g_autoptr(GError) error = NULL;

  connection = kabar_test_connect (KABAR_TEST_BED_HOST, bed_port (KABAR_TEST_BED_PORT_IMAP),
                                   KABAR_SECURITY_STARTTLS, pinned_certificate, 10);
  greeting = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (greeting, " STARTTLS "));
  kabar_test_write (connection, "a STARTTLS\r\n");
  kabar_test_assert_reads (connection, "a OK Begin TLS negotiation now.");
  return connection;
}

static GStrv
imap_capabilities (KabarConnection *connection)
{
  g_autoptr(GPtrArray) lines = NULL;
  const char *line;

  kabar_test_write (connection, "b CAPABILITY\r\n");
  lines = kabar_test_read_until (connection, "b ");
  g_assert_cmpuint (lines->len, ==, 2);
  line = g_ptr_array_index (lines, 0);
  g_assert_true (g_str_has_prefix (line, "* CAPABILITY "));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (lines, 1), "b OK"));
  return g_strsplit (line + strlen ("* CAPABILITY "), " ", -1);
}

static void
test_starttls_upgrades_and_capability_works (void)
{
  g_autoptr(KabarConnection) connection = imap_before_starttls (bed_certificate ());
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) capabilities = NULL;

  g_assert_false (kabar_connection_is_tls (connection));
  g_assert_true (kabar_test_try_start_tls (connection, &problem, &error));
  g_assert_no_error (error);
  g_assert_null (problem);
  g_assert_true (kabar_connection_is_tls (connection));
  g_assert_true (g_tls_certificate_is_same (kabar_connection_get_peer_certificate (connection),
                                            bed_certificate ()));
  /* Dovecot itself sees TLS: it no longer offers STARTTLS. */
  capabilities = imap_capabilities (connection);
  g_assert_true (strv_has (capabilities, "IMAP4rev1"));
  g_assert_false (strv_has (capabilities, "STARTTLS"));
  kabar_test_close (connection);
}

static void
test_starttls_certificate_problem_is_kept_by_the_connection (void)
{
  g_autoptr(KabarConnection) connection = imap_before_starttls (NULL);
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_assert_false (kabar_test_try_start_tls (connection, &problem, &error));
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE);
  g_assert_nonnull (problem);
  g_assert_true (kabar_connection_get_certificate_problem (connection) == problem);
  g_assert_true (g_tls_certificate_is_same (kabar_certificate_problem_get_certificate (problem),
                                            bed_certificate ()));
  /* Nothing more goes over a connection whose upgrade failed. */
  g_assert_true (kabar_connection_is_closed (connection));
  g_assert_false (kabar_connection_is_tls (connection));
  g_clear_error (&error);
  line = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  kabar_test_close (connection);
}

/* --- scripted faults ------------------------------------------------------- */

static void
test_data_after_the_starttls_reply_is_refused (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(GBytes) reply = text_bytes ("a OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN]\r\n");
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_set_certificate (server, get_other_certificate ());
  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready");
  kabar_scripted_server_expect (server, "a STARTTLS");
  /* One write: the injected line travels with the reply. */
  kabar_scripted_server_send_raw (server, reply);
  kabar_scripted_server_start_tls (server);
  start (server);

  connection = kabar_test_connect ("127.0.0.1", kabar_scripted_server_get_port (server),
                                   KABAR_SECURITY_STARTTLS, get_other_certificate (), 10);
  kabar_test_assert_reads (connection, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready");
  kabar_test_write (connection, "a STARTTLS\r\n");
  kabar_test_assert_reads (connection, "a OK Begin TLS");
  g_assert_false (kabar_test_try_start_tls (connection, &problem, &error));
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_INJECTION);
  g_test_message ("%s", error->message);
  g_assert_null (problem);
  g_assert_true (kabar_connection_is_closed (connection));
  g_assert_false (kabar_connection_is_tls (connection));
}

static void
test_starttls_with_nothing_pending_upgrades (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_set_certificate (server, get_other_certificate ());
  kabar_scripted_server_send (server, "220 mx.kabar.test ESMTP");
  kabar_scripted_server_expect (server, "STARTTLS");
  kabar_scripted_server_send (server, "220 2.0.0 Ready to start TLS");
  kabar_scripted_server_start_tls (server);
  kabar_scripted_server_expect (server, "EHLO kabar.test");
  kabar_scripted_server_send (server, "250 mx.kabar.test");
  start (server);

  connection = kabar_test_connect ("127.0.0.1", kabar_scripted_server_get_port (server),
                                   KABAR_SECURITY_STARTTLS, get_other_certificate (), 10);
  kabar_test_assert_reads (connection, "220 mx.kabar.test ESMTP");
  kabar_test_write (connection, "STARTTLS\r\n");
  kabar_test_assert_reads (connection, "220 2.0.0 Ready to start TLS");
  g_assert_true (kabar_test_try_start_tls (connection, &problem, &error));
  g_assert_no_error (error);
  kabar_test_write (connection, "EHLO kabar.test\r\n");
  kabar_test_assert_reads (connection, "250 mx.kabar.test");

  assert_completed (server);
  kabar_test_close (connection);
}

static void
test_cut_without_close_notify_is_closed (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_IMPLICIT);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  kabar_scripted_server_set_certificate (server, get_other_certificate ());
  kabar_scripted_server_send (server, "* OK secure");
  kabar_scripted_server_send_partial (server, "* 1 FETCH (UID 7");
  kabar_scripted_server_cut (server);
  start (server);

  connection = kabar_test_connect ("127.0.0.1", kabar_scripted_server_get_port (server),
                                   KABAR_SECURITY_IMPLICIT_TLS, get_other_certificate (), 10);
  kabar_test_assert_reads (connection, "* OK secure");
  line = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_null (line);
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);

  assert_completed (server);
}

static void
test_close_notify_between_lines_is_closed (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_IMPLICIT);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  kabar_scripted_server_set_certificate (server, get_other_certificate ());
  kabar_scripted_server_send (server, "* BYE secure and gone");
  kabar_scripted_server_close (server);
  start (server);

  connection = kabar_test_connect ("127.0.0.1", kabar_scripted_server_get_port (server),
                                   KABAR_SECURITY_IMPLICIT_TLS, get_other_certificate (), 10);
  kabar_test_assert_reads (connection, "* BYE secure and gone");
  line = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_null (strstr (error->message, "middle"));

  assert_completed (server);
}

static void
test_server_silent_in_the_handshake_times_out (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started;

  kabar_scripted_server_set_step_timeout (server, 10000);
  kabar_scripted_server_wait_ms (server, 3000);
  start (server);

  started = g_get_monotonic_time ();
  connection = kabar_test_try_connect ("127.0.0.1", kabar_scripted_server_get_port (server),
                                       KABAR_SECURITY_IMPLICIT_TLS, NULL, 1, NULL, &problem, &error);
  g_assert_null (connection);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_TIMED_OUT);
  g_assert_cmpfloat (kabar_test_seconds_since (started), <, 2.0);
  g_assert_null (problem);
}

/* The certificate is for localhost and 127.0.0.1; reached by another name
 * it fails on its identity too. */
static void
test_certificate_for_another_name_is_refused (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_IMPLICIT);
  g_autoptr(KabarConnection) connection = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificateFlags errors;

  kabar_scripted_server_set_certificate (server, get_other_certificate ());
  kabar_scripted_server_send (server, "* OK hello");
  start (server);

  connection = kabar_test_try_connect ("mail.kabar.test", kabar_scripted_server_get_port (server),
                                       KABAR_SECURITY_IMPLICIT_TLS, NULL, 10, NULL, &problem, &error);
  g_assert_null (connection);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE);
  g_test_message ("%s", error->message);
  errors = kabar_certificate_problem_get_errors (problem);
  g_assert_cmpstr (kabar_certificate_problem_get_host (problem), ==, "mail.kabar.test");
  g_assert_true (errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_true (errors & G_TLS_CERTIFICATE_BAD_IDENTITY);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KabarFakeResolver) resolver = kabar_fake_resolver_new ();
  int status;

  g_test_init (&argc, &argv, NULL);

  kabar_fake_resolver_add (resolver, "mail.kabar.test", "127.0.0.1");
  g_resolver_set_default (G_RESOLVER (resolver));

  g_test_add_func ("/net/tls/pinned-certificate-is-accepted", test_pinned_certificate_is_accepted);
  g_test_add_func ("/net/tls/unpinned-certificate-is-refused-with-its-problem",
                   test_unpinned_certificate_is_refused_with_its_problem);
  g_test_add_func ("/net/tls/pin-of-another-certificate-is-refused", test_pin_of_another_certificate_is_refused);
  g_test_add_func ("/net/tls/implicit-tls-on-a-plain-port-is-not-tls",
                   test_implicit_tls_on_a_plain_port_is_not_tls);
  g_test_add_func ("/net/tls/starttls-upgrades-and-capability-works",
                   test_starttls_upgrades_and_capability_works);
  g_test_add_func ("/net/tls/starttls-certificate-problem-is-kept-by-the-connection",
                   test_starttls_certificate_problem_is_kept_by_the_connection);
  g_test_add_func ("/net/tls/data-after-the-starttls-reply-is-refused",
                   test_data_after_the_starttls_reply_is_refused);
  g_test_add_func ("/net/tls/starttls-with-nothing-pending-upgrades",
                   test_starttls_with_nothing_pending_upgrades);
  g_test_add_func ("/net/tls/cut-without-close-notify-is-closed", test_cut_without_close_notify_is_closed);
  g_test_add_func ("/net/tls/close-notify-between-lines-is-closed", test_close_notify_between_lines_is_closed);
  g_test_add_func ("/net/tls/server-silent-in-the-handshake-times-out",
                   test_server_silent_in_the_handshake_times_out);
  g_test_add_func ("/net/tls/certificate-for-another-name-is-refused",
                   test_certificate_for_another_name_is_refused);

  status = g_test_run ();
  g_clear_object (&shared_bed);
  g_clear_object (&other_certificate);
  return status;
}
