/* test-pop3-outlook.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The POP3 session against the scripted server: Outlook.com's replies
 * (outlook.office365.com:995, as seen in client logs) and the faults no
 * real server makes on demand.
 */

#include "config.h"

#include <string.h>

#include "kabar-net-error.h"
#include "kabar-pop3-test.h"

#define USER "someone@outlook.com"
#define TOKEN "EwBoA8l6BAAUbDba3x2OMJElkF7gJ4z"
#define GREETING "+OK The Microsoft Exchange POP3 service is ready. [UwBJADIAUABSADAAMQBDAEEAMAAwADQAMgA=]"

static void
outlook_capa (KabarScriptedServer *server)
{
  kabar_scripted_server_expect (server, "CAPA");
  kabar_scripted_server_send (server, "+OK");
  kabar_scripted_server_send (server, "TOP");
  kabar_scripted_server_send (server, "UIDL");
  kabar_scripted_server_send (server, "SASL PLAIN XOAUTH2");
  kabar_scripted_server_send (server, "USER");
  kabar_scripted_server_send (server, ".");
}

static KabarScriptedServer *
outlook_server (void)
{
  KabarScriptedServer *server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_IMPLICIT);

  kabar_scripted_server_send (server, GREETING);
  outlook_capa (server);
  return server;
}

static KabarPop3Session *
connect_scripted (KabarScriptedServer *server,
                  KabarSecurity        security,
                  GError             **error)
{
  g_autoptr(GError) start_error = NULL;

  kabar_scripted_server_start (server, &start_error);
  g_assert_no_error (start_error);
  return kabar_pop3_test_connect ("127.0.0.1", kabar_scripted_server_get_port (server), security,
                                  kabar_scripted_server_get_certificate (server), error);
}

static KabarPop3Session *
open_scripted (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;
  KabarPop3Session *session = connect_scripted (server, KABAR_SECURITY_IMPLICIT_TLS, &error);

  g_assert_no_error (error);
  return session;
}

static void
expect_xoauth2 (KabarScriptedServer *server)
{
  g_autofree char *response = kabar_sasl_xoauth2_response (USER, TOKEN);

  kabar_scripted_server_expect (server, "AUTH XOAUTH2");
  kabar_scripted_server_send (server, "+ ");
  kabar_scripted_server_expect (server, response);
}

/* --- Outlook.com ------------------------------------------------------------- */

static void
test_xoauth2_the_outlook_way (void)
{
  g_autoptr(KabarScriptedServer) server = outlook_server ();
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;
  guint64 size = 0;

  expect_xoauth2 (server);
  kabar_scripted_server_send (server, "+OK User successfully authenticated.");
  outlook_capa (server);
  kabar_scripted_server_expect (server, "STAT");
  kabar_scripted_server_send (server, "+OK 2 10240");
  kabar_scripted_server_expect (server, "QUIT");
  kabar_scripted_server_send (server, "+OK Microsoft Exchange Server POP3 server signing off.");
  kabar_scripted_server_expect_eof (server);

  session = open_scripted (server);
  g_assert_true (g_strv_contains (kabar_pop3_session_get_capabilities (session), "SASL PLAIN XOAUTH2"));
  g_assert_false (kabar_pop3_session_has_capability (session, "PIPELINING"));
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, USER, TOKEN, &error);
  g_assert_no_error (error);
  kabar_pop3_test_stat (session, &count, &size, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 2);
  g_assert_cmpuint (size, ==, 10240);
  kabar_pop3_test_command (session, kabar_pop3_session_quit_async, &error);
  g_assert_no_error (error);
  kabar_pop3_test_assert_script (server);
}

static void
test_refused_token_answers_the_json_challenge (void)
{
  g_autoptr(KabarScriptedServer) server = outlook_server ();
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  const char *json = "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://outlook.office.com/POP.AccessAsUser.All\"}";
  g_autofree char *challenge = g_base64_encode ((const guchar *) json, strlen (json));
  g_autofree char *line = g_strdup_printf ("+ %s", challenge);

  expect_xoauth2 (server);
  kabar_scripted_server_send (server, line);
  kabar_scripted_server_expect (server, "");
  kabar_scripted_server_send (server, "-ERR Authentication failure: unknown user name or bad password.");

  session = open_scripted (server);
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, USER, TOKEN, &error);
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED);
  g_assert_nonnull (strstr (error->message, "Authentication failure: unknown user name or bad password."));
  g_assert_nonnull (strstr (error->message, "401"));
  kabar_pop3_test_assert_script (server);
}

static void
test_password_logon_failure_keeps_outlooks_words (void)
{
  g_autoptr(KabarScriptedServer) server = outlook_server ();
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = kabar_sasl_plain_response (USER, "hunter2");
  g_autofree char *auth = g_strdup_printf ("AUTH PLAIN %s", plain);

  kabar_scripted_server_expect (server, auth);
  kabar_scripted_server_send (server, "-ERR Logon failure: unknown user name or bad password.");

  session = open_scripted (server);
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_PASSWORD, USER, "hunter2", &error);
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED);
  g_assert_nonnull (strstr (error->message, "Logon failure: unknown user name or bad password."));
  kabar_pop3_test_assert_script (server);
}

static void
test_basic_auth_disabled_is_not_a_wrong_password (void)
{
  g_autoptr(KabarScriptedServer) server = outlook_server ();
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = kabar_sasl_plain_response (USER, "hunter2");
  g_autofree char *auth = g_strdup_printf ("AUTH PLAIN %s", plain);

  kabar_scripted_server_expect (server, auth);
  kabar_scripted_server_send (server, "-ERR Authentication failure: basic authentication is disabled.");

  session = open_scripted (server);
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_PASSWORD, USER, "hunter2", &error);
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_BASIC_AUTH_DISABLED);
  g_assert_nonnull (strstr (error->message, "basic authentication is disabled."));
  kabar_pop3_test_assert_script (server);
}

static void
test_pop_disabled_after_sign_in (void)
{
  g_autoptr(KabarScriptedServer) server = outlook_server ();
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;

  expect_xoauth2 (server);
  kabar_scripted_server_send (server, "+OK User successfully authenticated.");
  outlook_capa (server);
  kabar_scripted_server_expect (server, "STAT");
  kabar_scripted_server_send (server, "-ERR User is authenticated but not connected.");

  session = open_scripted (server);
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, USER, TOKEN, &error);
  g_assert_no_error (error);
  kabar_pop3_test_stat (session, NULL, NULL, &error);
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_POP_DISABLED);
  g_assert_nonnull (strstr (error->message, "User is authenticated but not connected."));
  kabar_pop3_test_assert_script (server);
}

/* --- response codes ---------------------------------------------------------- */

static void
sign_in_refused_with (const char *reply,
                      int         code)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_IMPLICIT);
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "+OK ready");
  kabar_scripted_server_expect (server, "CAPA");
  kabar_scripted_server_send (server, "+OK");
  kabar_scripted_server_send (server, "USER");
  kabar_scripted_server_send (server, "RESP-CODES");
  kabar_scripted_server_send (server, ".");
  kabar_scripted_server_expect (server, "USER " USER);
  kabar_scripted_server_send (server, "+OK");
  kabar_scripted_server_expect (server, "PASS hunter2");
  kabar_scripted_server_send (server, reply);

  session = open_scripted (server);
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_PASSWORD, USER, "hunter2", &error);
  g_assert_error (error, KABAR_POP3_ERROR, code);
  g_assert_nonnull (strstr (error->message, strchr (reply, ']') + 2));
  kabar_pop3_test_assert_script (server);
}

static void
test_response_codes_are_told_apart (void)
{
  sign_in_refused_with ("-ERR [IN-USE] Mailbox is locked by another POP3 session.", KABAR_POP3_ERROR_IN_USE);
  sign_in_refused_with ("-ERR [SYS/TEMP] Mailbox storage is not responding.", KABAR_POP3_ERROR_TEMPORARY);
  sign_in_refused_with ("-ERR [SYS/PERM] Your mailbox is damaged.", KABAR_POP3_ERROR_SYSTEM);
  sign_in_refused_with ("-ERR [LOGIN-DELAY] Wait 5 minutes between sign-ins.", KABAR_POP3_ERROR_LOGIN_DELAY);
  sign_in_refused_with ("-ERR [AUTH] Authentication failed.", KABAR_POP3_ERROR_AUTHENTICATION_FAILED);
}

/* --- faults ------------------------------------------------------------------ */

static void
test_no_capa_falls_back_to_user_and_pass (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_IMPLICIT);
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  kabar_scripted_server_send (server, "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>");
  kabar_scripted_server_expect (server, "CAPA");
  kabar_scripted_server_send (server, "-ERR unknown command");
  kabar_scripted_server_expect (server, "USER " USER);
  kabar_scripted_server_send (server, "+OK");
  kabar_scripted_server_expect (server, "PASS hunter2");
  kabar_scripted_server_send (server, "+OK maildrop has 1 message (369 octets)");
  kabar_scripted_server_expect (server, "CAPA");
  kabar_scripted_server_send (server, "-ERR unknown command");
  kabar_scripted_server_expect (server, "STAT");
  kabar_scripted_server_send (server, "+OK 1 369");

  session = open_scripted (server);
  g_assert_null (kabar_pop3_session_get_capabilities (session)[0]);
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_PASSWORD, USER, "hunter2", &error);
  g_assert_no_error (error);
  kabar_pop3_test_stat (session, &count, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 1);
  kabar_pop3_test_assert_script (server);
}

static void
test_cut_in_the_middle_of_retr (void)
{
  g_autoptr(KabarScriptedServer) server = outlook_server ();
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;

  expect_xoauth2 (server);
  kabar_scripted_server_send (server, "+OK User successfully authenticated.");
  outlook_capa (server);
  kabar_scripted_server_expect (server, "RETR 1");
  kabar_scripted_server_send (server, "+OK");
  kabar_scripted_server_send (server, "From: a@example.org");
  kabar_scripted_server_send (server, "Subject: cut");
  kabar_scripted_server_send (server, "");
  kabar_scripted_server_send_partial (server, "half a li");
  kabar_scripted_server_cut (server);

  session = open_scripted (server);
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, USER, TOKEN, &error);
  g_assert_no_error (error);
  message = kabar_pop3_test_retr (session, 1, FALSE, 0, &error);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_null (message);
  g_assert_true (kabar_pop3_session_is_closed (session));
  kabar_pop3_test_assert_script (server);
}

static void
test_stls_not_offered_sends_nothing_in_plain_text (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  kabar_scripted_server_send (server, "+OK ready");
  kabar_scripted_server_expect (server, "CAPA");
  kabar_scripted_server_send (server, "+OK");
  kabar_scripted_server_send (server, "USER");
  kabar_scripted_server_send (server, "SASL PLAIN");
  kabar_scripted_server_send (server, ".");
  kabar_scripted_server_expect_eof (server);

  session = connect_scripted (server, KABAR_SECURITY_STARTTLS, &error);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_NOT_OFFERED);
  g_assert_null (session);
  kabar_pop3_test_assert_script (server);
  lines = kabar_scripted_server_dup_client_lines (server);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_cmpstr (lines[0], ==, "CAPA");
}

static void
test_stls_refused (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "+OK ready");
  kabar_scripted_server_expect (server, "CAPA");
  kabar_scripted_server_send (server, "+OK");
  kabar_scripted_server_send (server, "STLS");
  kabar_scripted_server_send (server, ".");
  kabar_scripted_server_expect (server, "STLS");
  kabar_scripted_server_send (server, "-ERR TLS is not available right now");
  kabar_scripted_server_expect_eof (server);

  session = connect_scripted (server, KABAR_SECURITY_STARTTLS, &error);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_FAILED);
  g_assert_nonnull (strstr (error->message, "TLS is not available right now"));
  kabar_pop3_test_assert_script (server);
}

static void
test_stls_injection_is_refused (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GBytes) injected = g_bytes_new_static ("+OK Begin TLS\r\n+OK injected\r\n", 30);
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "+OK ready");
  kabar_scripted_server_expect (server, "CAPA");
  kabar_scripted_server_send (server, "+OK");
  kabar_scripted_server_send (server, "STLS");
  kabar_scripted_server_send (server, ".");
  kabar_scripted_server_expect (server, "STLS");
  kabar_scripted_server_send_raw (server, injected);
  kabar_scripted_server_expect_eof (server);

  session = connect_scripted (server, KABAR_SECURITY_STARTTLS, &error);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_INJECTION);
  g_assert_null (session);
  kabar_pop3_test_assert_script (server);
}

static void
test_malformed_uidl_line_fails_only_that_command (void)
{
  g_autoptr(KabarScriptedServer) server = outlook_server ();
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GArray) uidl = NULL;
  g_autofree char *one = NULL;
  g_autoptr(GError) error = NULL;

  expect_xoauth2 (server);
  kabar_scripted_server_send (server, "+OK User successfully authenticated.");
  outlook_capa (server);
  kabar_scripted_server_expect (server, "UIDL");
  kabar_scripted_server_send (server, "+OK");
  kabar_scripted_server_send (server, "1 AAMkADAwATM0MDAAMS1iNDg3LTI0");
  kabar_scripted_server_send (server, "2");
  kabar_scripted_server_send (server, "3 AAMkADAwATM0MDAAMS1iNDg3LTI2");
  kabar_scripted_server_send (server, ".");
  kabar_scripted_server_expect (server, "UIDL 3");
  kabar_scripted_server_send (server, "+OK 3 AAMkADAwATM0MDAAMS1iNDg3LTI2");

  session = open_scripted (server);
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, USER, TOKEN, &error);
  g_assert_no_error (error);
  uidl = kabar_pop3_test_list (session, TRUE, &error);
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "“2”"));
  g_assert_null (uidl);
  g_clear_error (&error);
  /* Read to the ".": the next reply is the next command's. */
  one = kabar_pop3_test_uidl_one (session, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (one, ==, "AAMkADAwATM0MDAAMS1iNDg3LTI2");
  kabar_pop3_test_assert_script (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pop3/outlook/xoauth2-the-outlook-way", test_xoauth2_the_outlook_way);
  g_test_add_func ("/pop3/outlook/refused-token-answers-the-json-challenge",
                   test_refused_token_answers_the_json_challenge);
  g_test_add_func ("/pop3/outlook/password-logon-failure-keeps-outlooks-words",
                   test_password_logon_failure_keeps_outlooks_words);
  g_test_add_func ("/pop3/outlook/basic-auth-disabled-is-not-a-wrong-password",
                   test_basic_auth_disabled_is_not_a_wrong_password);
  g_test_add_func ("/pop3/outlook/pop-disabled-after-sign-in", test_pop_disabled_after_sign_in);
  g_test_add_func ("/pop3/faults/response-codes-are-told-apart", test_response_codes_are_told_apart);
  g_test_add_func ("/pop3/faults/no-capa-falls-back-to-user-and-pass", test_no_capa_falls_back_to_user_and_pass);
  g_test_add_func ("/pop3/faults/cut-in-the-middle-of-retr", test_cut_in_the_middle_of_retr);
  g_test_add_func ("/pop3/faults/stls-not-offered-sends-nothing-in-plain-text",
                   test_stls_not_offered_sends_nothing_in_plain_text);
  g_test_add_func ("/pop3/faults/stls-refused", test_stls_refused);
  g_test_add_func ("/pop3/faults/stls-injection-is-refused", test_stls_injection_is_refused);
  g_test_add_func ("/pop3/faults/malformed-uidl-line-fails-only-that-command",
                   test_malformed_uidl_line_fails_only_that_command);

  return g_test_run ();
}
