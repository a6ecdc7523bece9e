/* test-account-check.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account check against the test bed's real Dovecot and Postfix: IMAP
 * and POP3 accounts with SMTP, over STARTTLS and implicit TLS, and every
 * way a connection fails that a real network can show (a name that does
 * not resolve, a closed port, a silent server, plain text on a TLS port,
 * an untrusted certificate, a refused password or token).
 */

#include "config.h"

#include <string.h>

#include "kabar-fake-resolver.h"
#include "kabar-test-bed.h"
#include "kabar-test-wait.h"
#include "test-account-check-support.h"

#define ALICE "alice@kabar.test"
#define BOB "bob@kabar.test"
#define TOKEN "ya29.a-token-the-bed-knows"
#define UNKNOWN_HOST "mail.nowhere.kabar.test"

/* One bed for the whole binary: starting Postfix takes seconds. */
static KabarTestBed *bed;

static guint16
port_of (KabarTestBedPort port)
{
  return kabar_test_bed_get_port (bed, port);
}

static guint16
incoming_port (KabarIncomingKind kind,
               KabarSecurity     security)
{
  if (kind == KABAR_INCOMING_POP3)
    return port_of (security == KABAR_SECURITY_IMPLICIT_TLS ? KABAR_TEST_BED_PORT_POP3S : KABAR_TEST_BED_PORT_POP3);
  return port_of (security == KABAR_SECURITY_IMPLICIT_TLS ? KABAR_TEST_BED_PORT_IMAPS : KABAR_TEST_BED_PORT_IMAP);
}

static guint16
outgoing_port (KabarSecurity security)
{
  return port_of (security == KABAR_SECURITY_IMPLICIT_TLS ? KABAR_TEST_BED_PORT_SUBMISSIONS
                                                          : KABAR_TEST_BED_PORT_SUBMISSION);
}

/* Alice as a person would set her up, with the bed's certificate trusted
 * for both servers. */
static KabarAccount *
bed_account (KabarIncomingKind kind,
             KabarSecurity     incoming,
             KabarSecurity     outgoing)
{
  KabarAccount *account = kabar_account_new ();
  GTlsCertificate *certificate = kabar_test_bed_get_certificate (bed);

  kabar_account_set_display_name (account, "Alice");
  kabar_account_set_address (account, ALICE);
  kabar_account_set_incoming_kind (account, kind);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST,
                            incoming_port (kind, incoming), incoming, ALICE);
  kabar_account_set_server (account, KABAR_SERVER_OUTGOING, KABAR_TEST_BED_HOST,
                            outgoing_port (outgoing), outgoing, ALICE);
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING, certificate);
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_OUTGOING, certificate);
  return account;
}

static KabarAccount *
imap_account (void)
{
  return bed_account (KABAR_INCOMING_IMAP, KABAR_SECURITY_IMPLICIT_TLS, KABAR_SECURITY_STARTTLS);
}

static const char *
alice_password (void)
{
  return kabar_test_bed_get_password (bed, ALICE);
}

/* Moves one server of the account elsewhere, keeping the rest. */
static void
move_server (KabarAccount    *account,
             KabarServerRole  role,
             const char      *host,
             guint16          port,
             KabarSecurity    security)
{
  kabar_account_set_server (account, role, host, port, security, kabar_account_get_user_name (account, role));
}

static GSocketListener *
listen_on_loopback (guint16 *port)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return g_steal_pointer (&listener);
}

/* A port where nothing listens (any more). */
static guint16
closed_port (void)
{
  guint16 port = 0;
  g_autoptr(GSocketListener) listener = listen_on_loopback (&port);

  g_socket_listener_close (listener);
  return port;
}

/* --- every step passes ------------------------------------------------------------ */

typedef struct
{
  const char        *path;
  KabarIncomingKind  kind;
  KabarSecurity      incoming;
  KabarSecurity      outgoing;
} Combination;

static const Combination combinations[] = {
  { "/setup/check/passes/imap-tls-smtp-starttls", KABAR_INCOMING_IMAP, KABAR_SECURITY_IMPLICIT_TLS,
    KABAR_SECURITY_STARTTLS },
  { "/setup/check/passes/imap-starttls-smtp-tls", KABAR_INCOMING_IMAP, KABAR_SECURITY_STARTTLS,
    KABAR_SECURITY_IMPLICIT_TLS },
  { "/setup/check/passes/pop3-tls-smtp-starttls", KABAR_INCOMING_POP3, KABAR_SECURITY_IMPLICIT_TLS,
    KABAR_SECURITY_STARTTLS },
  { "/setup/check/passes/pop3-starttls-smtp-tls", KABAR_INCOMING_POP3, KABAR_SECURITY_STARTTLS,
    KABAR_SECURITY_IMPLICIT_TLS },
};

static void
test_every_step_passes (gconstpointer data)
{
  const Combination *combination = data;
  g_autoptr(KabarAccount) account = bed_account (combination->kind, combination->incoming, combination->outgoing);
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  check = kabar_account_check_test_run (account, alice_password (), 0, &error);
  g_assert_no_error (error);
  kabar_account_check_test_assert_states (check, "PPPP PPP");
}

static void
test_oauth2_account_passes_with_a_good_token (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_set_auth_method (account, KABAR_AUTH_OAUTH2);
  check = kabar_account_check_test_run (account, TOKEN, 0, &error);
  g_assert_no_error (error);
  kabar_account_check_test_assert_states (check, "PPPP PPP");
}

/* --- certificates and TLS ----------------------------------------------------------- */

static void
assert_localhost_certificate (KabarAccountCheck *check,
                              guint16            port)
{
  KabarCertificateProblem *problem = kabar_account_check_get_certificate_problem (check);
  g_autofree char *subject = NULL;

  g_assert_nonnull (problem);
  subject = kabar_certificate_problem_dup_subject (problem);
  g_assert_cmpstr (subject, ==, "CN=localhost");
  g_assert_cmpstr (kabar_certificate_problem_get_host (problem), ==, KABAR_TEST_BED_HOST);
  g_assert_cmpuint (kabar_certificate_problem_get_port (problem), ==, port);
  g_assert_true (g_tls_certificate_is_same (kabar_certificate_problem_get_certificate (problem),
                                            kabar_test_bed_get_certificate (bed)));
}

static void
test_untrusted_incoming_certificate (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = kabar_account_get_port (account, KABAR_SERVER_INCOMING);

  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING, NULL);
  check = kabar_account_check_test_run (account, alice_password (), 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_CERTIFICATE,
                                          KABAR_ACCOUNT_CHECK_INCOMING_SECURE, KABAR_TEST_BED_HOST, port);
  kabar_account_check_test_assert_states (check, "PF-- ---");
  assert_localhost_certificate (check, port);
}

/* The certificate comes after STLS here, on a connection that began plain. */
static void
test_untrusted_certificate_after_stls (void)
{
  g_autoptr(KabarAccount) account = bed_account (KABAR_INCOMING_POP3, KABAR_SECURITY_STARTTLS,
                                                 KABAR_SECURITY_STARTTLS);
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = kabar_account_get_port (account, KABAR_SERVER_INCOMING);

  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING, NULL);
  check = kabar_account_check_test_run (account, alice_password (), 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_CERTIFICATE,
                                          KABAR_ACCOUNT_CHECK_INCOMING_SECURE, KABAR_TEST_BED_HOST, port);
  kabar_account_check_test_assert_states (check, "PF-- ---");
  assert_localhost_certificate (check, port);
}

static void
test_untrusted_outgoing_certificate (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = kabar_account_get_port (account, KABAR_SERVER_OUTGOING);

  kabar_account_set_pinned_certificate (account, KABAR_SERVER_OUTGOING, NULL);
  check = kabar_account_check_test_run (account, alice_password (), 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_CERTIFICATE,
                                          KABAR_ACCOUNT_CHECK_OUTGOING_SECURE, KABAR_TEST_BED_HOST, port);
  kabar_account_check_test_assert_states (check, "PPPP PF-");
  assert_localhost_certificate (check, port);
}

/* Implicit TLS pointed at the port where Dovecot greets in plain text. */
static void
test_plain_text_on_a_tls_port_incoming (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = port_of (KABAR_TEST_BED_PORT_IMAP);

  move_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST, port, KABAR_SECURITY_IMPLICIT_TLS);
  check = kabar_account_check_test_run (account, alice_password (), 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_SECURITY,
                                          KABAR_ACCOUNT_CHECK_INCOMING_SECURE, KABAR_TEST_BED_HOST, port);
  kabar_account_check_test_assert_states (check, "PF-- ---");
}

static void
test_plain_text_on_a_tls_port_outgoing (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = port_of (KABAR_TEST_BED_PORT_SUBMISSION);

  move_server (account, KABAR_SERVER_OUTGOING, KABAR_TEST_BED_HOST, port, KABAR_SECURITY_IMPLICIT_TLS);
  check = kabar_account_check_test_run (account, alice_password (), 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_SECURITY,
                                          KABAR_ACCOUNT_CHECK_OUTGOING_SECURE, KABAR_TEST_BED_HOST, port);
  kabar_account_check_test_assert_states (check, "PPPP PF-");
}

/* --- signing in ------------------------------------------------------------------- */

static void
test_wrong_imap_password (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  check = kabar_account_check_test_run (account, "not-alices-password", 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_WRONG_PASSWORD,
                                          KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, KABAR_TEST_BED_HOST,
                                          kabar_account_get_port (account, KABAR_SERVER_INCOMING));
  /* Dovecot's own words. */
  g_assert_nonnull (strstr (error->message, "Authentication failed."));
  kabar_account_check_test_assert_states (check, "PPF- ---");
}

static void
test_wrong_pop3_password (void)
{
  g_autoptr(KabarAccount) account = bed_account (KABAR_INCOMING_POP3, KABAR_SECURITY_IMPLICIT_TLS,
                                                 KABAR_SECURITY_STARTTLS);
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  check = kabar_account_check_test_run (account, "not-alices-password", 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_WRONG_PASSWORD,
                                          KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, KABAR_TEST_BED_HOST,
                                          kabar_account_get_port (account, KABAR_SERVER_INCOMING));
  g_assert_nonnull (strstr (error->message, "Authentication failed."));
  kabar_account_check_test_assert_states (check, "PPF- ---");
}

/* Alice's password under Bob's name: only the outgoing server refuses. */
static void
test_wrong_smtp_password_alone (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_set_server (account, KABAR_SERVER_OUTGOING, KABAR_TEST_BED_HOST,
                            outgoing_port (KABAR_SECURITY_STARTTLS), KABAR_SECURITY_STARTTLS, BOB);
  check = kabar_account_check_test_run (account, alice_password (), 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_WRONG_PASSWORD,
                                          KABAR_ACCOUNT_CHECK_OUTGOING_SIGN_IN, KABAR_TEST_BED_HOST,
                                          outgoing_port (KABAR_SECURITY_STARTTLS));
  /* Postfix's own words. */
  g_assert_nonnull (strstr (error->message, "535 5.7.8"));
  kabar_account_check_test_assert_states (check, "PPPP PPF");
}

/* A token just issued for this mailbox that IMAP refuses: IMAP is off. */
static void
test_refused_token_means_imap_is_off (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_set_auth_method (account, KABAR_AUTH_OAUTH2);
  check = kabar_account_check_test_run (account, "ya29.a-token-nobody-issued", 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_ACCESS_DISABLED,
                                          KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, KABAR_TEST_BED_HOST,
                                          kabar_account_get_port (account, KABAR_SERVER_INCOMING));
  g_assert_nonnull (strstr (error->message, "Authentication failed."));
  kabar_account_check_test_assert_states (check, "PPF- ---");
}

static void
test_refused_token_over_pop3_needs_a_new_sign_in (void)
{
  g_autoptr(KabarAccount) account = bed_account (KABAR_INCOMING_POP3, KABAR_SECURITY_IMPLICIT_TLS,
                                                 KABAR_SECURITY_STARTTLS);
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_set_auth_method (account, KABAR_AUTH_OAUTH2);
  check = kabar_account_check_test_run (account, "ya29.a-token-nobody-issued", 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_SIGN_IN_REQUIRED,
                                          KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, KABAR_TEST_BED_HOST,
                                          kabar_account_get_port (account, KABAR_SERVER_INCOMING));
  kabar_account_check_test_assert_states (check, "PPF- ---");
}

/* --- reaching the server ------------------------------------------------------------ */

static void
test_host_not_found_incoming (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  move_server (account, KABAR_SERVER_INCOMING, UNKNOWN_HOST, 993, KABAR_SECURITY_IMPLICIT_TLS);
  check = kabar_account_check_test_run (account, alice_password (), 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_HOST_NOT_FOUND,
                                          KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, UNKNOWN_HOST, 993);
  kabar_account_check_test_assert_states (check, "F--- ---");
}

static void
test_host_not_found_outgoing (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  move_server (account, KABAR_SERVER_OUTGOING, UNKNOWN_HOST, 587, KABAR_SECURITY_STARTTLS);
  check = kabar_account_check_test_run (account, alice_password (), 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_HOST_NOT_FOUND,
                                          KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT, UNKNOWN_HOST, 587);
  kabar_account_check_test_assert_states (check, "PPPP F--");
}

static void
test_connection_refused (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = closed_port ();

  move_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST, port, KABAR_SECURITY_IMPLICIT_TLS);
  check = kabar_account_check_test_run (account, alice_password (), 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_CONNECTION_REFUSED,
                                          KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, KABAR_TEST_BED_HOST, port);
  kabar_account_check_test_assert_states (check, "F--- ---");
}

/* A listener that takes connections and never says a word: the TLS
 * handshake gets no answer. */
static void
test_silent_incoming_server_times_out (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  g_autoptr(GSocketListener) silent = listen_on_loopback (&port);

  move_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST, port, KABAR_SECURITY_IMPLICIT_TLS);
  check = kabar_account_check_test_run (account, alice_password (), 1, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_TIMED_OUT,
                                          KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, KABAR_TEST_BED_HOST, port);
  kabar_account_check_test_assert_states (check, "F--- ---");
  g_socket_listener_close (silent);
}

/* No greeting on a STARTTLS port. */
static void
test_silent_outgoing_server_times_out (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  g_autoptr(GSocketListener) silent = listen_on_loopback (&port);

  move_server (account, KABAR_SERVER_OUTGOING, KABAR_TEST_BED_HOST, port, KABAR_SECURITY_STARTTLS);
  check = kabar_account_check_test_run (account, alice_password (), 1, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_TIMED_OUT,
                                          KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT, KABAR_TEST_BED_HOST, port);
  kabar_account_check_test_assert_states (check, "PPPP F--");
  g_socket_listener_close (silent);
}

/* --- stopping ----------------------------------------------------------------------- */

static void
test_cancel_is_no_failure (void)
{
  g_autoptr(KabarAccount) account = imap_account ();
  g_autoptr(KabarAccountCheck) check = kabar_account_check_new (account, alice_password ());
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_check_run_async (check, cancellable, kabar_test_wait_done, &slot);
  g_cancellable_cancel (cancellable);
  result = kabar_test_wait (&slot);
  g_assert_false (kabar_account_check_run_finish (check, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  kabar_account_check_test_assert_states (check, "---- ---");
  g_assert_cmpint (kabar_account_check_get_failed_step (check), ==, KABAR_ACCOUNT_CHECK_N_STEPS);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KabarFakeResolver) resolver = kabar_fake_resolver_new ();
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Names never leave the process: UNKNOWN_HOST is not found at once. */
  g_resolver_set_default (G_RESOLVER (resolver));

  bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_enable_oauth2 (bed);
  kabar_test_bed_start (bed, KABAR_TEST_BED_POSTFIX, &error);
  g_assert_no_error (error);
  kabar_test_bed_add_oauth2_token (bed, TOKEN, ALICE);

  for (gsize i = 0; i < G_N_ELEMENTS (combinations); i++)
    g_test_add_data_func (combinations[i].path, &combinations[i], test_every_step_passes);
  g_test_add_func ("/setup/check/passes/oauth2-with-a-good-token", test_oauth2_account_passes_with_a_good_token);
  g_test_add_func ("/setup/check/certificate/untrusted-incoming", test_untrusted_incoming_certificate);
  g_test_add_func ("/setup/check/certificate/untrusted-after-stls", test_untrusted_certificate_after_stls);
  g_test_add_func ("/setup/check/certificate/untrusted-outgoing", test_untrusted_outgoing_certificate);
  g_test_add_func ("/setup/check/security/plain-text-on-a-tls-port-incoming",
                   test_plain_text_on_a_tls_port_incoming);
  g_test_add_func ("/setup/check/security/plain-text-on-a-tls-port-outgoing",
                   test_plain_text_on_a_tls_port_outgoing);
  g_test_add_func ("/setup/check/sign-in/wrong-imap-password", test_wrong_imap_password);
  g_test_add_func ("/setup/check/sign-in/wrong-pop3-password", test_wrong_pop3_password);
  g_test_add_func ("/setup/check/sign-in/wrong-smtp-password-alone", test_wrong_smtp_password_alone);
  g_test_add_func ("/setup/check/sign-in/refused-token-means-imap-is-off", test_refused_token_means_imap_is_off);
  g_test_add_func ("/setup/check/sign-in/refused-token-over-pop3-needs-a-new-sign-in",
                   test_refused_token_over_pop3_needs_a_new_sign_in);
  g_test_add_func ("/setup/check/connect/host-not-found-incoming", test_host_not_found_incoming);
  g_test_add_func ("/setup/check/connect/host-not-found-outgoing", test_host_not_found_outgoing);
  g_test_add_func ("/setup/check/connect/connection-refused", test_connection_refused);
  g_test_add_func ("/setup/check/connect/silent-incoming-server-times-out", test_silent_incoming_server_times_out);
  g_test_add_func ("/setup/check/connect/silent-outgoing-server-times-out", test_silent_outgoing_server_times_out);
  g_test_add_func ("/setup/check/cancel-is-no-failure", test_cancel_is_no_failure);

  status = g_test_run ();
  g_clear_object (&bed);
  return status;
}
