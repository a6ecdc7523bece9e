/* test-net-sasl.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SASL: the published examples byte for byte, the OAuth2 error challenge,
 * the choice of mechanism, and then the same responses sent to the test
 * bed's real Dovecot, whose XOAUTH2 and OAUTHBEARER check tokens with the
 * bed's introspection endpoint.
 */

#include "config.h"

#include <string.h>


#include "kabar-net-error.h"
#include "kabar-sasl.h"
#include "kabar-test-bed.h"
#include "kabar-test-connection.h"

#define ALICE "alice@" KABAR_TEST_BED_DOMAIN
#define GOOD_TOKEN "ya29.good-token-for-alice"

/* --- known answers --------------------------------------------------------- */

static void
test_plain_matches_rfc_4616 (void)
{
  /* RFC 4616, section 4: "\0tim\0tanstaaftanstaaf". */
  g_autofree char *response = kabar_sasl_plain_response ("tim", "tanstaaftanstaaf");

  g_assert_cmpstr (response, ==, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
}

static void
test_login_sends_user_then_password (void)
{
  g_autofree char *user = kabar_sasl_login_response (0, "tim", "tanstaaf");
  g_autofree char *password = kabar_sasl_login_response (1, "tim", "tanstaaf");

  g_assert_cmpstr (user, ==, "dGlt");
  g_assert_cmpstr (password, ==, "dGFuc3RhYWY=");
}

static void
test_xoauth2_matches_google_example (void)
{
  /* developers.google.com/gmail/imap/xoauth2-protocol */
  g_autofree char *response = kabar_sasl_xoauth2_response ("someuser@example.com",
                                                           "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg");

  g_assert_cmpstr (response, ==,
                   "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==");
}

static void
test_xoauth2_matches_microsoft_example (void)
{
  /* learn.microsoft.com, "Authenticate an IMAP, POP or SMTP connection
   * using OAuth". */
  g_autofree char *response = kabar_sasl_xoauth2_response ("test@contoso.onmicrosoft.com",
                                                           "EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA");

  g_assert_cmpstr (response, ==,
                   "dXNlcj10ZXN0QGNvbnRvc28ub25taWNyb3NvZnQuY29tAWF1dGg9QmVhcmVyIEV3QkFBbDNCQUFVRkZwVUFvN0ozVmUwYmpMQldaV0NjbFJDM0VvQUEBAQ==");
}

static void
test_oauthbearer_matches_rfc_7628 (void)
{
  /* RFC 7628, section 4.1. */
  g_autofree char *response = kabar_sasl_oauthbearer_response ("user@example.com", "server.example.com", 143,
                                                               "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==");
  g_autofree char *escaped = kabar_sasl_oauthbearer_response ("a,b=c", NULL, 0, "t");
  g_autofree guchar *decoded = NULL;
  gsize length;

  g_assert_cmpstr (response, ==,
                   "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB");
  /* The GS2 header escapes its separators (RFC 5801). */
  decoded = g_base64_decode (escaped, &length);
  g_assert_cmpmem (decoded, length, "n,a=a=2Cb=3Dc,\001auth=Bearer t\001\001", 30);
}

static void
test_response_free_accepts_null (void)
{
  kabar_sasl_response_free (NULL);
  kabar_sasl_response_free (kabar_sasl_plain_response ("tim", "secret"));
}

/* --- the OAuth2 error challenge -------------------------------------------- */

static void
test_oauth_error_challenge_is_parsed (void)
{
  g_autoptr(KabarSaslOauthError) google = NULL;
  g_autoptr(KabarSaslOauthError) numeric = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *numeric_json = g_base64_encode ((const guchar *) "{\"status\":400}", 14);
  g_autoptr(KabarSaslOauthError) unpadded = NULL;

  /* Google's example: {"status":"401","schemes":"bearer mac","scope":"https://mail.google.com/"}\n */
  google = kabar_sasl_oauth_error_parse ("eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIG1hYyIsInNjb3BlIjoiaHR0cHM6Ly9tYWlsLmdvb2dsZS5jb20vIn0K",
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpstr (google->status, ==, "401");
  g_assert_cmpstr (google->schemes, ==, "bearer mac");
  g_assert_cmpstr (google->scope, ==, "https://mail.google.com/");

  numeric = kabar_sasl_oauth_error_parse (numeric_json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (numeric->status, ==, "400");
  g_assert_null (numeric->schemes);
  g_assert_null (numeric->scope);

  /* {"status":"401"} without its base64 padding. */
  unpadded = kabar_sasl_oauth_error_parse ("eyJzdGF0dXMiOiI0MDEifQ", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unpadded->status, ==, "401");
}

static void
test_malformed_oauth_error_challenge_is_a_protocol_error (void)
{
  const char *bad[] = {
    "",                       /* nothing */
    "not base64!",            /* not base64 */
    "eyJzdGF0dXMi",           /* base64 of a cut JSON text */
    "WzEsMl0=",               /* [1,2]: JSON, not an object */
    "AAAA",                   /* NUL bytes */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KabarSaslOauthError) parsed = kabar_sasl_oauth_error_parse (bad[i], &error);

      g_test_message ("challenge \"%s\"", bad[i]);
      g_assert_null (parsed);
      g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_PROTOCOL);
    }
}

/* --- choosing a mechanism -------------------------------------------------- */

static void
test_password_prefers_plain_then_login (void)
{
  const char *all[] = { "LOGIN", "XOAUTH2", "PLAIN", "CRAM-MD5", NULL };
  const char *login_only[] = { "CRAM-MD5", "login", NULL };
  const char *oauth_only[] = { "XOAUTH2", "OAUTHBEARER", NULL };

  g_assert_cmpint (kabar_sasl_choose_mechanism (all, KABAR_SASL_CREDENTIAL_PASSWORD), ==,
                   KABAR_SASL_MECHANISM_PLAIN);
  g_assert_cmpint (kabar_sasl_choose_mechanism (login_only, KABAR_SASL_CREDENTIAL_PASSWORD), ==,
                   KABAR_SASL_MECHANISM_LOGIN);
  /* A password never goes to a token mechanism. */
  g_assert_cmpint (kabar_sasl_choose_mechanism (oauth_only, KABAR_SASL_CREDENTIAL_PASSWORD), ==,
                   KABAR_SASL_MECHANISM_NONE);
}

static void
test_token_prefers_xoauth2_then_oauthbearer (void)
{
  const char *outlook[] = { "XOAUTH2", NULL };
  const char *both[] = { "OAUTHBEARER", "xoauth2", "PLAIN", NULL };
  const char *bearer_only[] = { "PLAIN", "OAUTHBEARER", NULL };
  const char *passwords_only[] = { "PLAIN", "LOGIN", NULL };
  const char *none[] = { NULL };

  g_assert_cmpint (kabar_sasl_choose_mechanism (outlook, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN), ==,
                   KABAR_SASL_MECHANISM_XOAUTH2);
  g_assert_cmpint (kabar_sasl_choose_mechanism (both, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN), ==,
                   KABAR_SASL_MECHANISM_XOAUTH2);
  g_assert_cmpint (kabar_sasl_choose_mechanism (bearer_only, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN), ==,
                   KABAR_SASL_MECHANISM_OAUTHBEARER);
  /* A token is not a password. */
  g_assert_cmpint (kabar_sasl_choose_mechanism (passwords_only, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN), ==,
                   KABAR_SASL_MECHANISM_NONE);
  g_assert_cmpint (kabar_sasl_choose_mechanism (none, KABAR_SASL_CREDENTIAL_PASSWORD), ==,
                   KABAR_SASL_MECHANISM_NONE);
}

static void
test_mechanism_names_round_trip (void)
{
  for (KabarSaslMechanism m = KABAR_SASL_MECHANISM_PLAIN; m <= KABAR_SASL_MECHANISM_OAUTHBEARER; m++)
    {
      const char *name = kabar_sasl_mechanism_to_string (m);
      g_autofree char *lower = g_ascii_strdown (name, -1);

      g_assert_cmpint (kabar_sasl_mechanism_from_string (name), ==, m);
      g_assert_cmpint (kabar_sasl_mechanism_from_string (lower), ==, m);
    }
  g_assert_null (kabar_sasl_mechanism_to_string (KABAR_SASL_MECHANISM_NONE));
  g_assert_cmpint (kabar_sasl_mechanism_from_string ("SCRAM-SHA-256"), ==, KABAR_SASL_MECHANISM_NONE);
}

/* --- against Dovecot ------------------------------------------------------- */

static KabarTestBed *shared_bed;

/* Dovecot with its passwords and, for XOAUTH2 and OAUTHBEARER, the bed's
 * oauth2 passdb, which knows one good token for Alice. */
static KabarTestBed *
get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_enable_oauth2 (shared_bed);
  kabar_test_bed_add_oauth2_token (shared_bed, GOOD_TOKEN, ALICE);
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  return shared_bed;
}

static KabarConnection *
imaps_connect (void)
{
  KabarTestBed *bed = get_bed ();
  KabarConnection *connection;
  g_autofree char *greeting = NULL;
  g_autoptr(GError) error = NULL;

  connection = kabar_test_connect (KABAR_TEST_BED_HOST, kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                                   KABAR_SECURITY_IMPLICIT_TLS, kabar_test_bed_get_certificate (bed), 10);
  greeting = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (greeting, "* OK "));
  return connection;
}

static const char *
last_line (GPtrArray *lines)
{
  return g_ptr_array_index (lines, lines->len - 1);
}

/* The advertised mechanisms, without IMAP's AUTH= prefix. */
static GStrv
imap_mechanisms (KabarConnection *connection)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GStrvBuilder) mechanisms = g_strv_builder_new ();
  g_auto(GStrv) words = NULL;

  kabar_test_write (connection, "c CAPABILITY\r\n");
  lines = kabar_test_read_until (connection, "c ");
  words = g_strsplit (g_ptr_array_index (lines, 0), " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_has_prefix (words[i], "AUTH="))
      g_strv_builder_add (mechanisms, words[i] + strlen ("AUTH="));
  return g_strv_builder_end (mechanisms);
}

static void
test_dovecot_offers_plain_for_a_password_and_xoauth2_for_a_token (void)
{
  g_autoptr(KabarConnection) connection = imaps_connect ();
  g_auto(GStrv) mechanisms = imap_mechanisms (connection);

  g_assert_cmpint (kabar_sasl_choose_mechanism ((const char * const *) mechanisms,
                                                KABAR_SASL_CREDENTIAL_PASSWORD), ==,
                   KABAR_SASL_MECHANISM_PLAIN);
  g_assert_cmpint (kabar_sasl_choose_mechanism ((const char * const *) mechanisms,
                                                KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN), ==,
                   KABAR_SASL_MECHANISM_XOAUTH2);
  kabar_test_close (connection);
}

static void
test_dovecot_accepts_plain (void)
{
  g_autoptr(KabarConnection) connection = imaps_connect ();
  g_autofree char *response = kabar_sasl_plain_response (ALICE, kabar_test_bed_get_password (get_bed (), ALICE));
  g_autofree char *command = g_strdup_printf ("p AUTHENTICATE PLAIN %s\r\n", response);
  g_autoptr(GPtrArray) lines = NULL;

  kabar_test_write (connection, command);
  lines = kabar_test_read_until (connection, "p ");
  g_assert_true (g_str_has_prefix (last_line (lines), "p OK "));
  kabar_test_close (connection);
}

static void
test_dovecot_accepts_login (void)
{
  g_autoptr(KabarConnection) connection = imaps_connect ();
  const char *password = kabar_test_bed_get_password (get_bed (), ALICE);
  g_autofree char *user_step = kabar_sasl_login_response (0, ALICE, password);
  g_autofree char *password_step = kabar_sasl_login_response (1, ALICE, password);
  g_autoptr(GPtrArray) lines = NULL;

  kabar_test_write (connection, "l AUTHENTICATE LOGIN\r\n");
  kabar_test_assert_reads (connection, "+ VXNlcm5hbWU6");
  kabar_test_write (connection, user_step);
  kabar_test_write (connection, "\r\n");
  kabar_test_assert_reads (connection, "+ UGFzc3dvcmQ6");
  kabar_test_write (connection, password_step);
  kabar_test_write (connection, "\r\n");
  lines = kabar_test_read_until (connection, "l ");
  g_assert_true (g_str_has_prefix (last_line (lines), "l OK "));
  kabar_test_close (connection);
}

static void
test_dovecot_accepts_xoauth2_with_a_good_token (void)
{
  g_autoptr(KabarConnection) connection = imaps_connect ();
  g_autofree char *response = kabar_sasl_xoauth2_response (ALICE, GOOD_TOKEN);
  g_autofree char *command = g_strdup_printf ("x AUTHENTICATE XOAUTH2 %s\r\n", response);
  g_autoptr(GPtrArray) lines = NULL;

  kabar_test_write (connection, command);
  lines = kabar_test_read_until (connection, "x ");
  g_assert_true (g_str_has_prefix (last_line (lines), "x OK "));
  kabar_test_close (connection);
}

static void
test_dovecot_accepts_oauthbearer_with_a_good_token (void)
{
  g_autoptr(KabarConnection) connection = imaps_connect ();
  g_autofree char *response = kabar_sasl_oauthbearer_response (ALICE, KABAR_TEST_BED_HOST,
                                                               kabar_connection_get_port (connection),
                                                               GOOD_TOKEN);
  g_autofree char *command = g_strdup_printf ("o AUTHENTICATE OAUTHBEARER %s\r\n", response);
  g_autoptr(GPtrArray) lines = NULL;

  kabar_test_write (connection, command);
  lines = kabar_test_read_until (connection, "o ");
  g_assert_true (g_str_has_prefix (last_line (lines), "o OK "));
  kabar_test_close (connection);
}

/* The refused token's JSON challenge, as a real server words it, then the
 * refusal once the client has answered it. */
static void
test_dovecot_refuses_a_bad_token_with_a_parsable_challenge (void)
{
  g_autoptr(KabarConnection) connection = imaps_connect ();
  g_autofree char *response = kabar_sasl_xoauth2_response (ALICE, "ya29.revoked");
  g_autofree char *command = g_strdup_printf ("x AUTHENTICATE XOAUTH2 %s\r\n", response);
  g_autofree char *challenge = NULL;
  g_autoptr(KabarSaslOauthError) oauth_error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;

  kabar_test_write (connection, command);
  challenge = kabar_test_try_read_line (connection, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (challenge, "+ "));
  oauth_error = kabar_sasl_oauth_error_parse (challenge + 2, &error);
  g_assert_no_error (error);
  g_test_message ("status %s, schemes %s, scope %s", oauth_error->status, oauth_error->schemes,
                  oauth_error->scope);
  g_assert_nonnull (oauth_error->status);
  g_assert_cmpstr (oauth_error->schemes, ==, "bearer");

  kabar_test_write (connection, "\r\n");
  lines = kabar_test_read_until (connection, "x ");
  g_assert_cmpstr (last_line (lines), ==, "x NO [AUTHENTICATIONFAILED] Authentication failed.");
  kabar_test_close (connection);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/net/sasl/plain-matches-rfc-4616", test_plain_matches_rfc_4616);
  g_test_add_func ("/net/sasl/login-sends-user-then-password", test_login_sends_user_then_password);
  g_test_add_func ("/net/sasl/xoauth2-matches-google-example", test_xoauth2_matches_google_example);
  g_test_add_func ("/net/sasl/xoauth2-matches-microsoft-example", test_xoauth2_matches_microsoft_example);
  g_test_add_func ("/net/sasl/oauthbearer-matches-rfc-7628", test_oauthbearer_matches_rfc_7628);
  g_test_add_func ("/net/sasl/response-free-accepts-null", test_response_free_accepts_null);
  g_test_add_func ("/net/sasl/oauth-error-challenge-is-parsed", test_oauth_error_challenge_is_parsed);
  g_test_add_func ("/net/sasl/malformed-oauth-error-challenge-is-a-protocol-error",
                   test_malformed_oauth_error_challenge_is_a_protocol_error);
  g_test_add_func ("/net/sasl/password-prefers-plain-then-login", test_password_prefers_plain_then_login);
  g_test_add_func ("/net/sasl/token-prefers-xoauth2-then-oauthbearer",
                   test_token_prefers_xoauth2_then_oauthbearer);
  g_test_add_func ("/net/sasl/mechanism-names-round-trip", test_mechanism_names_round_trip);
  g_test_add_func ("/net/sasl/dovecot-offers-plain-for-a-password-and-xoauth2-for-a-token",
                   test_dovecot_offers_plain_for_a_password_and_xoauth2_for_a_token);
  g_test_add_func ("/net/sasl/dovecot-accepts-plain", test_dovecot_accepts_plain);
  g_test_add_func ("/net/sasl/dovecot-accepts-login", test_dovecot_accepts_login);
  g_test_add_func ("/net/sasl/dovecot-accepts-xoauth2-with-a-good-token",
                   test_dovecot_accepts_xoauth2_with_a_good_token);
  g_test_add_func ("/net/sasl/dovecot-accepts-oauthbearer-with-a-good-token",
                   test_dovecot_accepts_oauthbearer_with_a_good_token);
  g_test_add_func ("/net/sasl/dovecot-refuses-a-bad-token-with-a-parsable-challenge",
                   test_dovecot_refuses_a_bad_token_with_a_parsable_challenge);

  status = g_test_run ();
  g_clear_object (&shared_bed);
  return status;
}
