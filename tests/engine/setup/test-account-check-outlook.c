/* test-account-check-outlook.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account check against Outlook.com's replies, played by the scripted
 * server (outlook.office365.com:993 and :995, smtp-mail.outlook.com:587 as
 * outlook.md and client logs show them): password sign-in turned off, POP
 * turned off for the mailbox, SMTP's 5.7.139, and refused tokens. Each
 * must reach the user as what to do about it, not as a wrong password.
 */

#include "config.h"

#include <string.h>

#include "kabar-sasl.h"
#include "kabar-scripted-server.h"
#include "test-account-check-support.h"

#define USER "someone@outlook.com"
#define TOKEN "EwBoA8l6BAAUbDba3x2OMJElkF7gJ4z"
#define PASSWORD "app-password"
#define HOST "127.0.0.1"

/* --- Outlook.com's servers, up to signing in ------------------------------------ */

static KabarScriptedServer *
outlook_imap (void)
{
  KabarScriptedServer *server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_IMPLICIT);

  kabar_scripted_server_send (server, "* OK The Microsoft Exchange IMAP4 service is ready. "
                                      "[TQBOADIAUABSADEAMQBDAEEAMAAwADQAMQAuAG4AYQBtAHAAcgBkADEAMQAuAHAAcgBvAGQA]");
  kabar_scripted_server_expect_regex (server, "(\\S+) CAPABILITY");
  kabar_scripted_server_send (server, "* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS "
                                      "MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+");
  kabar_scripted_server_send (server, "$1 OK CAPABILITY completed.");
  return server;
}

/* AUTHENTICATE with the initial response this credential must give. */
static void
expect_imap_authenticate (KabarScriptedServer *server,
                          KabarAuthMethod      auth)
{
  g_autofree char *response = auth == KABAR_AUTH_OAUTH2 ? kabar_sasl_xoauth2_response (USER, TOKEN)
                                                        : kabar_sasl_plain_response (USER, PASSWORD);
  g_autofree char *escaped = g_regex_escape_string (response, -1);
  g_autofree char *pattern = g_strdup_printf ("(\\S+) AUTHENTICATE %s %s",
                                              auth == KABAR_AUTH_OAUTH2 ? "XOAUTH2" : "PLAIN", escaped);

  kabar_scripted_server_expect_regex (server, pattern);
}

/* Signed in, the folders listed, logged out. */
static void
imap_passes (KabarScriptedServer *server)
{
  kabar_scripted_server_send (server, "$1 OK AUTHENTICATE completed.");
  kabar_scripted_server_expect_regex (server, "(\\S+) CAPABILITY");
  kabar_scripted_server_send (server, "* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS "
                                      "MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+");
  kabar_scripted_server_send (server, "$1 OK CAPABILITY completed.");
  kabar_scripted_server_expect_regex (server, "(\\S+) LIST \"\" \"?\\*\"?");
  kabar_scripted_server_send (server, "* LIST (\\Marked \\HasNoChildren) \"/\" INBOX");
  kabar_scripted_server_send (server, "* LIST (\\HasNoChildren \\Sent) \"/\" Sent");
  kabar_scripted_server_send (server, "* LIST (\\HasNoChildren \\Trash) \"/\" Deleted");
  kabar_scripted_server_send (server, "$1 OK LIST completed.");
  kabar_scripted_server_expect_regex (server, "(\\S+) LOGOUT");
  kabar_scripted_server_send (server, "* BYE Microsoft Exchange Server IMAP4 server signing off.");
  kabar_scripted_server_send (server, "$1 OK LOGOUT completed.");
}

static KabarScriptedServer *
outlook_pop3 (void)
{
  KabarScriptedServer *server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_IMPLICIT);

  kabar_scripted_server_send (server, "+OK The Microsoft Exchange POP3 service is ready. "
                                      "[UwBJADIAUABSADAAMQBDAEEAMAAwADQAMgA=]");
  kabar_scripted_server_expect (server, "CAPA");
  kabar_scripted_server_send (server, "+OK");
  kabar_scripted_server_send (server, "TOP");
  kabar_scripted_server_send (server, "UIDL");
  kabar_scripted_server_send (server, "SASL PLAIN XOAUTH2");
  kabar_scripted_server_send (server, "USER");
  kabar_scripted_server_send (server, ".");
  return server;
}

static void
smtp_ehlo (KabarScriptedServer *server,
           const char          *last)
{
  kabar_scripted_server_expect (server, "EHLO localhost");
  kabar_scripted_server_send (server, "250-BN9PR03CA0123.outlook.office365.com Hello [203.0.113.5]");
  kabar_scripted_server_send (server, "250-SIZE 157286400");
  kabar_scripted_server_send (server, "250-PIPELINING");
  kabar_scripted_server_send (server, "250-DSN");
  kabar_scripted_server_send (server, "250-ENHANCEDSTATUSCODES");
  kabar_scripted_server_send (server, "250-8BITMIME");
  kabar_scripted_server_send (server, "250-BINARYMIME");
  kabar_scripted_server_send (server, "250-CHUNKING");
  kabar_scripted_server_send (server, last);
}

/* smtp-mail.outlook.com:587 up to the EHLO over TLS. */
static KabarScriptedServer *
outlook_smtp (void)
{
  KabarScriptedServer *server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);

  kabar_scripted_server_send (server, "220 BN9PR03CA0123.outlook.office365.com Microsoft ESMTP MAIL Service "
                                      "ready at Thu, 1 Jan 2026 10:00:00 +0000");
  smtp_ehlo (server, "250-STARTTLS");
  kabar_scripted_server_send (server, "250 SMTPUTF8");
  kabar_scripted_server_expect (server, "STARTTLS");
  kabar_scripted_server_send (server, "220 2.0.0 SMTP server ready");
  kabar_scripted_server_start_tls (server);
  smtp_ehlo (server, "250-AUTH LOGIN XOAUTH2");
  kabar_scripted_server_send (server, "250 SMTPUTF8");
  return server;
}

/* --- the account ------------------------------------------------------------------- */

static void
start (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
}

/* A port where nothing listens: the outgoing server of a check that must
 * stop before it, which would fail there if it went on. */
static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The account the assistant makes for Outlook.com, pointed at the scripted
 * servers (started here) with their certificates trusted; outgoing NULL
 * for a closed port. */
static KabarAccount *
outlook_account (KabarIncomingKind    kind,
                 KabarAuthMethod      auth,
                 KabarScriptedServer *incoming,
                 KabarScriptedServer *outgoing)
{
  KabarAccount *account = kabar_account_new ();

  start (incoming);
  if (outgoing != NULL)
    start (outgoing);
  kabar_account_set_display_name (account, "Someone");
  kabar_account_set_address (account, USER);
  kabar_account_set_incoming_kind (account, kind);
  kabar_account_set_auth_method (account, auth);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, HOST, kabar_scripted_server_get_port (incoming),
                            KABAR_SECURITY_IMPLICIT_TLS, USER);
  kabar_account_set_server (account, KABAR_SERVER_OUTGOING, HOST,
                            outgoing != NULL ? kabar_scripted_server_get_port (outgoing) : closed_port (),
                            KABAR_SECURITY_STARTTLS, USER);
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING,
                                        kabar_scripted_server_get_certificate (incoming));
  if (outgoing != NULL)
    kabar_account_set_pinned_certificate (account, KABAR_SERVER_OUTGOING,
                                          kabar_scripted_server_get_certificate (outgoing));
  return account;
}

static void
assert_script (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  if (!kabar_scripted_server_wait (server, &error))
    {
      g_autofree char *transcript = kabar_scripted_server_dup_transcript (server);

      g_test_message ("%s", transcript);
    }
  g_assert_no_error (error);
}

/* --- the tests ----------------------------------------------------------------------- */

static void
test_imap_basic_authentication_disabled (void)
{
  g_autoptr(KabarScriptedServer) imap = outlook_imap ();
  g_autoptr(KabarAccount) account = NULL;
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  expect_imap_authenticate (imap, KABAR_AUTH_PASSWORD);
  kabar_scripted_server_send (imap, "$1 NO Basic authentication is disabled.");
  account = outlook_account (KABAR_INCOMING_IMAP, KABAR_AUTH_PASSWORD, imap, NULL);

  check = kabar_account_check_test_run (account, PASSWORD, 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_PASSWORD_DISABLED,
                                          KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, HOST,
                                          kabar_scripted_server_get_port (imap));
  g_assert_nonnull (strstr (error->message, "Basic authentication is disabled."));
  kabar_account_check_test_assert_states (check, "PPF- ---");
  assert_script (imap);
}

/* outlook.md: IMAP refuses a freshly issued token while IMAP is off in
 * the mailbox's settings. */
static void
test_imap_refuses_a_fresh_token (void)
{
  g_autoptr(KabarScriptedServer) imap = outlook_imap ();
  g_autoptr(KabarAccount) account = NULL;
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  expect_imap_authenticate (imap, KABAR_AUTH_OAUTH2);
  kabar_scripted_server_send (imap, "$1 NO AUTHENTICATE failed.");
  account = outlook_account (KABAR_INCOMING_IMAP, KABAR_AUTH_OAUTH2, imap, NULL);

  check = kabar_account_check_test_run (account, TOKEN, 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_ACCESS_DISABLED,
                                          KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, HOST,
                                          kabar_scripted_server_get_port (imap));
  g_assert_nonnull (strstr (error->message, "AUTHENTICATE failed."));
  kabar_account_check_test_assert_states (check, "PPF- ---");
  assert_script (imap);
}

/* POP is off: the token is taken, the mailbox is not opened. */
static void
test_pop3_disabled (void)
{
  g_autoptr(KabarScriptedServer) pop3 = outlook_pop3 ();
  g_autofree char *response = kabar_sasl_xoauth2_response (USER, TOKEN);
  g_autoptr(KabarAccount) account = NULL;
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_expect (pop3, "AUTH XOAUTH2");
  kabar_scripted_server_send (pop3, "+ ");
  kabar_scripted_server_expect (pop3, response);
  kabar_scripted_server_send (pop3, "+OK User successfully authenticated.");
  kabar_scripted_server_expect (pop3, "CAPA");
  kabar_scripted_server_send (pop3, "+OK");
  kabar_scripted_server_send (pop3, "TOP");
  kabar_scripted_server_send (pop3, "UIDL");
  kabar_scripted_server_send (pop3, ".");
  kabar_scripted_server_expect (pop3, "STAT");
  kabar_scripted_server_send (pop3, "-ERR User is authenticated but not connected.");
  account = outlook_account (KABAR_INCOMING_POP3, KABAR_AUTH_OAUTH2, pop3, NULL);

  check = kabar_account_check_test_run (account, TOKEN, 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_ACCESS_DISABLED,
                                          KABAR_ACCOUNT_CHECK_FOLDERS, HOST, kabar_scripted_server_get_port (pop3));
  g_assert_nonnull (strstr (error->message, "User is authenticated but not connected."));
  kabar_account_check_test_assert_states (check, "PPPF ---");
  assert_script (pop3);
}

/* An account whose IMAP still takes the password (an old app password,
 * say) while SMTP refuses it with said. */
static void
smtp_refuses_the_password (const char             *said,
                           KabarAccountCheckError  expected)
{
  g_autoptr(KabarScriptedServer) imap = outlook_imap ();
  g_autoptr(KabarScriptedServer) smtp = outlook_smtp ();
  g_autofree char *user = kabar_sasl_login_response (0, USER, PASSWORD);
  g_autofree char *password = kabar_sasl_login_response (1, USER, PASSWORD);
  g_autoptr(KabarAccount) account = NULL;
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  expect_imap_authenticate (imap, KABAR_AUTH_PASSWORD);
  imap_passes (imap);
  kabar_scripted_server_expect (smtp, "AUTH LOGIN");
  kabar_scripted_server_send (smtp, "334 VXNlcm5hbWU6");
  kabar_scripted_server_expect (smtp, user);
  kabar_scripted_server_send (smtp, "334 UGFzc3dvcmQ6");
  kabar_scripted_server_expect (smtp, password);
  kabar_scripted_server_send (smtp, said);
  account = outlook_account (KABAR_INCOMING_IMAP, KABAR_AUTH_PASSWORD, imap, smtp);

  check = kabar_account_check_test_run (account, PASSWORD, 0, &error);
  kabar_account_check_test_assert_failed (check, error, expected, KABAR_ACCOUNT_CHECK_OUTGOING_SIGN_IN, HOST,
                                          kabar_scripted_server_get_port (smtp));
  g_assert_nonnull (strstr (error->message, said));
  kabar_account_check_test_assert_states (check, "PPPP PPF");
  assert_script (imap);
  assert_script (smtp);
}

static void
test_smtp_basic_authentication_disabled (void)
{
  smtp_refuses_the_password ("535 5.7.139 Authentication unsuccessful, basic authentication is disabled. "
                             "[BN9PR03CA0123.namprd03.prod.outlook.com 2026-01-01T10:00:00.000Z 08DC8A1B2C3D4E5F]",
                             KABAR_ACCOUNT_CHECK_ERROR_PASSWORD_DISABLED);
}

/* The same code for passwords that security defaults turned off, in
 * other words. */
static void
test_smtp_security_defaults (void)
{
  smtp_refuses_the_password ("535 5.7.139 Authentication unsuccessful, user is locked by your organization's "
                             "security defaults policy. Contact your administrator. "
                             "[BN9PR03CA0123.namprd03.prod.outlook.com]",
                             KABAR_ACCOUNT_CHECK_ERROR_PASSWORD_DISABLED);
}

/* SMTP AUTH itself is off: no other credential would do either. */
static void
test_smtp_client_authentication_disabled (void)
{
  smtp_refuses_the_password ("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
                             "for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information. "
                             "[BN9PR03CA0123.namprd03.prod.outlook.com]",
                             KABAR_ACCOUNT_CHECK_ERROR_ACCESS_DISABLED);
}

/* Both servers with a token: IMAP takes it, SMTP refuses it. */
static void
test_smtp_refuses_the_token (void)
{
  g_autoptr(KabarScriptedServer) imap = outlook_imap ();
  g_autoptr(KabarScriptedServer) smtp = outlook_smtp ();
  g_autofree char *response = kabar_sasl_xoauth2_response (USER, TOKEN);
  g_autofree char *line = g_strdup_printf ("AUTH XOAUTH2 %s", response);
  g_autoptr(KabarAccount) account = NULL;
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  expect_imap_authenticate (imap, KABAR_AUTH_OAUTH2);
  imap_passes (imap);
  kabar_scripted_server_expect (smtp, line);
  kabar_scripted_server_send (smtp, "535 5.7.3 Authentication unsuccessful "
                                    "[BN9PR03CA0123.namprd03.prod.outlook.com]");
  account = outlook_account (KABAR_INCOMING_IMAP, KABAR_AUTH_OAUTH2, imap, smtp);

  check = kabar_account_check_test_run (account, TOKEN, 0, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_SIGN_IN_REQUIRED,
                                          KABAR_ACCOUNT_CHECK_OUTGOING_SIGN_IN, HOST,
                                          kabar_scripted_server_get_port (smtp));
  g_assert_nonnull (strstr (error->message, "535 5.7.3 Authentication unsuccessful"));
  kabar_account_check_test_assert_states (check, "PPPP PPF");
  assert_script (imap);
  assert_script (smtp);
}

/* The whole way through with a token, ending with QUIT. */
static void
test_oauth2_account_passes (void)
{
  g_autoptr(KabarScriptedServer) imap = outlook_imap ();
  g_autoptr(KabarScriptedServer) smtp = outlook_smtp ();
  g_autofree char *response = kabar_sasl_xoauth2_response (USER, TOKEN);
  g_autofree char *line = g_strdup_printf ("AUTH XOAUTH2 %s", response);
  g_autoptr(KabarAccount) account = NULL;
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  expect_imap_authenticate (imap, KABAR_AUTH_OAUTH2);
  imap_passes (imap);
  kabar_scripted_server_expect (smtp, line);
  kabar_scripted_server_send (smtp, "235 2.7.0 Authentication successful");
  kabar_scripted_server_expect (smtp, "QUIT");
  kabar_scripted_server_send (smtp, "221 2.0.0 Service closing transmission channel");
  account = outlook_account (KABAR_INCOMING_IMAP, KABAR_AUTH_OAUTH2, imap, smtp);

  check = kabar_account_check_test_run (account, TOKEN, 0, &error);
  g_assert_no_error (error);
  kabar_account_check_test_assert_states (check, "PPPP PPP");
  assert_script (imap);
  assert_script (smtp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/setup/check/outlook/imap-basic-authentication-disabled",
                   test_imap_basic_authentication_disabled);
  g_test_add_func ("/setup/check/outlook/imap-refuses-a-fresh-token", test_imap_refuses_a_fresh_token);
  g_test_add_func ("/setup/check/outlook/pop3-disabled", test_pop3_disabled);
  g_test_add_func ("/setup/check/outlook/smtp-basic-authentication-disabled",
                   test_smtp_basic_authentication_disabled);
  g_test_add_func ("/setup/check/outlook/smtp-security-defaults", test_smtp_security_defaults);
  g_test_add_func ("/setup/check/outlook/smtp-client-authentication-disabled",
                   test_smtp_client_authentication_disabled);
  g_test_add_func ("/setup/check/outlook/smtp-refuses-the-token", test_smtp_refuses_the_token);
  g_test_add_func ("/setup/check/outlook/oauth2-account-passes", test_oauth2_account_passes);

  return g_test_run ();
}
