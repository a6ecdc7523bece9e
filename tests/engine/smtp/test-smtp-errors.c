/* test-smtp-errors.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SMTP client against the scripted server: providers' replies (real
 * texts of Outlook.com, Gmail, Postfix), refusals at every step, what goes
 * on the wire (pipelining, dot-stuffing, line ends) and faults.
 */

#include "config.h"

#include <string.h>

#include "kabar-net-error.h"
#include "kabar-smtp-test-client.h"
#include "kabar-test-wait.h"

#define USER  "someone@outlook.com"
#define TOKEN "EwBwA8l6BAAUbDba3x2OMJElkF7gJ4z"

static const char *const one_recipient[] = { "bob@example.org", NULL };

static KabarScriptedServer *
new_server (void)
{
  KabarScriptedServer *server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);

  kabar_scripted_server_set_timeout (server, 10000);
  return server;
}

/* Greeting and EHLO; extensions is the EHLO reply's lines after the first. */
static void
script_hello (KabarScriptedServer *server,
              const char          *extensions)
{
  g_auto(GStrv) lines = g_strsplit (extensions, "\n", -1);
  guint n = g_strv_length (lines);

  kabar_scripted_server_send (server, "220 smtp.example.com ESMTP ready");
  kabar_scripted_server_expect (server, "EHLO client.kabar.test");
  if (n == 0 || *extensions == '\0')
    {
      kabar_scripted_server_send (server, "250 smtp.example.com");
      return;
    }
  kabar_scripted_server_send (server, "250-smtp.example.com Hello");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = g_strdup_printf ("250%c%s", i + 1 < n ? '-' : ' ', lines[i]);

      kabar_scripted_server_send (server, line);
    }
}

static KabarSmtpClient *
start_and_connect (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;
  KabarSmtpClient *client;

  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
  client = kabar_smtp_test_try_connect_scripted (server, KABAR_SECURITY_NONE, &error);
  g_assert_no_error (error);
  return client;
}

static GBytes *
text_message (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static const char *small_message = "From: a@example.org\r\nTo: bob@example.org\r\nSubject: Hi\r\n\r\nHello\r\n";

/* --- greeting, EHLO, STARTTLS ---------------------------------------------- */

static void
test_multi_line_greeting_and_ehlo_keep_every_capability (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  const char * const *mechanisms;

  kabar_scripted_server_send (server, "220-smtp.example.com ESMTP");
  kabar_scripted_server_send (server, "220-No unsolicited mail");
  kabar_scripted_server_send (server, "220 ready");
  kabar_scripted_server_expect (server, "EHLO client.kabar.test");
  kabar_scripted_server_send (server, "250-smtp.example.com Hello [127.0.0.1]");
  kabar_scripted_server_send (server, "250-SIZE 35882577");
  kabar_scripted_server_send (server, "250-8BITMIME");
  kabar_scripted_server_send (server, "250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER");
  kabar_scripted_server_send (server, "250-ENHANCEDSTATUSCODES");
  kabar_scripted_server_send (server, "250-pipelining");
  kabar_scripted_server_send (server, "250-CHUNKING");
  kabar_scripted_server_send (server, "250 SMTPUTF8");
  kabar_scripted_server_expect (server, "QUIT");
  kabar_scripted_server_send (server, "221 2.0.0 closing connection");
  client = start_and_connect (server);

  g_assert_cmpuint (kabar_smtp_client_get_max_size (client), ==, 35882577);
  g_assert_true (kabar_smtp_client_has_capability (client, "PIPELINING"));
  g_assert_true (kabar_smtp_client_has_capability (client, "8bitmime"));
  g_assert_true (kabar_smtp_client_has_capability (client, "SMTPUTF8"));
  g_assert_true (kabar_smtp_client_has_capability (client, "ENHANCEDSTATUSCODES"));
  g_assert_false (kabar_smtp_client_has_capability (client, "STARTTLS"));
  g_assert_false (kabar_smtp_client_has_capability (client, "8BIT"));
  mechanisms = kabar_smtp_client_get_auth_mechanisms (client);
  g_assert_cmpuint (g_strv_length ((GStrv) mechanisms), ==, 5);
  g_assert_true (g_strv_contains (mechanisms, "XOAUTH2"));
  g_assert_true (g_strv_contains (mechanisms, "LOGIN"));
  kabar_smtp_test_quit (client);
  kabar_smtp_test_assert_script (server);
}

static void
test_refused_ehlo_falls_back_to_helo (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;

  kabar_scripted_server_send (server, "220 old.example.com SMTP");
  kabar_scripted_server_expect (server, "EHLO client.kabar.test");
  kabar_scripted_server_send (server, "502 5.5.2 Error: command not recognized");
  kabar_scripted_server_expect (server, "HELO client.kabar.test");
  kabar_scripted_server_send (server, "250 old.example.com");
  kabar_scripted_server_expect (server, "QUIT");
  kabar_scripted_server_send (server, "221 bye");
  client = start_and_connect (server);
  g_assert_cmpuint (g_strv_length ((GStrv) kabar_smtp_client_get_capabilities (client)), ==, 0);
  g_assert_false (kabar_smtp_client_has_capability (client, "PIPELINING"));
  kabar_smtp_test_quit (client);
  kabar_smtp_test_assert_script (server);
}

static void
test_starttls_not_offered_is_refused_before_anything_else (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  script_hello (server, "AUTH PLAIN LOGIN\nPIPELINING");
  kabar_scripted_server_expect_eof (server);
  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
  client = kabar_smtp_test_try_connect_scripted (server, KABAR_SECURITY_STARTTLS, &error);
  g_assert_null (client);
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_NOT_OFFERED);
  g_assert_false (kabar_smtp_error_is_temporary (error));
  kabar_smtp_test_assert_script (server);
}

static void
test_starttls_reply_with_injected_data_is_refused (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  const char *injected = "220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 AUTH PLAIN\r\n";
  g_autoptr(GBytes) reply = g_bytes_new_static (injected, strlen (injected));
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  script_hello (server, "STARTTLS");
  kabar_scripted_server_expect (server, "STARTTLS");
  kabar_scripted_server_send_raw (server, reply);
  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
  client = kabar_smtp_test_try_connect_scripted (server, KABAR_SECURITY_STARTTLS, &error);
  g_assert_null (client);
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_INJECTION);
}

static void
test_starttls_says_ehlo_again_and_forgets_the_plain_text_list (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  script_hello (server, "STARTTLS\nAUTH FAKE\nSIZE 10");
  kabar_scripted_server_expect (server, "STARTTLS");
  kabar_scripted_server_send (server, "220 2.0.0 Ready to start TLS");
  kabar_scripted_server_start_tls (server);
  kabar_scripted_server_expect (server, "EHLO client.kabar.test");
  kabar_scripted_server_send (server, "250-smtp.example.com");
  kabar_scripted_server_send (server, "250 AUTH PLAIN");
  kabar_scripted_server_expect (server, "QUIT");
  kabar_scripted_server_send (server, "221 bye");
  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
  client = kabar_smtp_test_try_connect_scripted (server, KABAR_SECURITY_STARTTLS, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_connection_is_tls (kabar_smtp_client_get_connection (client)));
  g_assert_false (kabar_smtp_client_has_capability (client, "STARTTLS"));
  g_assert_cmpuint (kabar_smtp_client_get_max_size (client), ==, 0);
  g_assert_cmpstrv (kabar_smtp_client_get_auth_mechanisms (client), ((const char *const[]) { "PLAIN", NULL }));
  kabar_smtp_test_quit (client);
  kabar_smtp_test_assert_script (server);
}

static void
test_greeting_refusal_keeps_the_servers_words (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked");
  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
  client = kabar_smtp_test_try_connect_scripted (server, KABAR_SECURITY_NONE, &error);
  g_assert_null (client);
  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_PERMANENT);
  g_assert_nonnull (strstr (error->message, "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked"));
  g_assert_cmpuint (kabar_smtp_error_get_reply (error)->code, ==, 554);
}

static void
test_unparseable_reply_is_a_protocol_error (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "220 smtp.example.com ESMTP");
  kabar_scripted_server_expect (server, "EHLO client.kabar.test");
  kabar_scripted_server_send (server, "250-smtp.example.com");
  kabar_scripted_server_send (server, "hello there");
  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
  client = kabar_smtp_test_try_connect_scripted (server, KABAR_SECURITY_NONE, &error);
  g_assert_null (client);
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "hello there"));
}

/* --- signing in ------------------------------------------------------------ */

static GError *
authenticate_against (const char          *extensions,
                      const char          *expected_auth,
                      const char          *reply,
                      KabarSaslCredential  credential,
                      const char          *secret)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  GError *error = NULL;

  script_hello (server, extensions);
  if (expected_auth != NULL)
    {
      kabar_scripted_server_expect (server, expected_auth);
      kabar_scripted_server_send (server, reply);
    }
  kabar_scripted_server_expect (server, "QUIT");
  kabar_scripted_server_send (server, "221 bye");
  client = start_and_connect (server);
  g_assert_false (kabar_smtp_test_try_authenticate (client, credential, USER, secret, &error));
  g_assert_false (kabar_smtp_client_is_authenticated (client));
  g_test_message ("%s", error->message);
  kabar_smtp_test_quit (client);
  kabar_smtp_test_assert_script (server);
  return error;
}

static void
test_outlook_basic_auth_disabled_is_not_a_wrong_password (void)
{
  g_autofree char *plain = kabar_sasl_plain_response (USER, "app-password");
  g_autofree char *line = g_strdup_printf ("AUTH PLAIN %s", plain);
  const char *said = "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. "
                     "[BN9PR03CA0123.namprd03.prod.outlook.com 2026-01-01T10:00:00.000Z 08DC8A1B2C3D4E5F]";
  g_autoptr(GError) error = authenticate_against ("SIZE 157286400\nPIPELINING\nAUTH LOGIN XOAUTH2\nAUTH PLAIN",
                                                  line, said, KABAR_SASL_CREDENTIAL_PASSWORD, "app-password");
  const KabarSmtpReply *reply;

  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_BASIC_AUTH_DISABLED);
  g_assert_nonnull (strstr (error->message, said));
  reply = kabar_smtp_error_get_reply (error);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->code, ==, 535);
  g_assert_cmpstr (reply->enhanced, ==, "5.7.139");
  g_assert_false (kabar_smtp_error_is_temporary (error));
}

static void
test_wrong_password_is_authentication_failed (void)
{
  g_autofree char *plain = kabar_sasl_plain_response (USER, "wrong");
  g_autofree char *line = g_strdup_printf ("AUTH PLAIN %s", plain);
  g_autoptr(GError) error = authenticate_against ("AUTH PLAIN LOGIN", line,
                                                  "535 5.7.8 Error: authentication failed: authentication failure",
                                                  KABAR_SASL_CREDENTIAL_PASSWORD, "wrong");
  g_autofree char *text = NULL;

  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_FAILED);
  text = kabar_smtp_reply_dup_text (kabar_smtp_error_get_reply (error));
  g_assert_cmpstr (text, ==, "Error: authentication failed: authentication failure");
}

static void
test_temporary_auth_failure_is_temporary (void)
{
  g_autofree char *plain = kabar_sasl_plain_response (USER, "secret");
  g_autofree char *line = g_strdup_printf ("AUTH PLAIN %s", plain);
  g_autoptr(GError) error = authenticate_against ("AUTH PLAIN", line,
                                                  "454 4.7.0 Temporary authentication failure",
                                                  KABAR_SASL_CREDENTIAL_PASSWORD, "secret");

  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_TEMPORARY);
  g_assert_true (kabar_smtp_error_is_temporary (error));
}

static void
test_no_usable_mechanism_sends_nothing (void)
{
  g_autoptr(GError) error = authenticate_against ("AUTH XOAUTH2 CRAM-MD5", NULL, NULL,
                                                  KABAR_SASL_CREDENTIAL_PASSWORD, "secret");

  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_UNAVAILABLE);
  g_assert_null (kabar_smtp_error_get_reply (error));
  g_clear_error (&error);
  error = authenticate_against ("PIPELINING", NULL, NULL, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, TOKEN);
  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_UNAVAILABLE);
}

static void
test_login_answers_both_prompts (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  script_hello (server, "AUTH LOGIN");
  kabar_scripted_server_expect (server, "AUTH LOGIN");
  kabar_scripted_server_send (server, "334 VXNlcm5hbWU6");
  kabar_scripted_server_expect (server, "c29tZW9uZUBvdXRsb29rLmNvbQ==");
  kabar_scripted_server_send (server, "334 UGFzc3dvcmQ6");
  kabar_scripted_server_expect (server, "c8OpY3JldA==");
  kabar_scripted_server_send (server, "235 2.7.0 Authentication successful");
  client = start_and_connect (server);
  g_assert_true (kabar_smtp_test_try_authenticate (client, KABAR_SASL_CREDENTIAL_PASSWORD, USER, "sécret", &error));
  g_assert_no_error (error);
  g_assert_true (kabar_smtp_client_is_authenticated (client));
  kabar_smtp_test_assert_script (server);
}

static void
test_xoauth2_refused_token_is_answered_with_an_empty_line (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = kabar_sasl_xoauth2_response (USER, TOKEN);
  g_autofree char *line = g_strdup_printf ("AUTH XOAUTH2 %s", response);

  script_hello (server, "AUTH LOGIN XOAUTH2");
  kabar_scripted_server_expect (server, line);
  /* {"status":"401","schemes":"bearer","scope":"https://mail.google.com/"} */
  kabar_scripted_server_send (server, "334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==");
  kabar_scripted_server_expect (server, "");
  kabar_scripted_server_send (server, "535-5.7.8 Username and Password not accepted. For more information, go to");
  kabar_scripted_server_send (server, "535 5.7.8  https://support.google.com/mail/?p=BadCredentials");
  client = start_and_connect (server);
  g_assert_false (kabar_smtp_test_try_authenticate (client, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, USER, TOKEN, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_FAILED);
  g_assert_nonnull (strstr (error->message, "401"));
  g_assert_nonnull (strstr (error->message, "Username and Password not accepted"));
  kabar_smtp_test_assert_script (server);
}

static void
test_long_xoauth2_token_goes_after_the_prompt (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = g_strnfill (2000, 'T');
  g_autofree char *response = kabar_sasl_xoauth2_response (USER, token);

  script_hello (server, "AUTH XOAUTH2");
  kabar_scripted_server_expect (server, "AUTH XOAUTH2");
  kabar_scripted_server_send (server, "334 ");
  kabar_scripted_server_expect (server, response);
  kabar_scripted_server_send (server, "235 2.7.0 Authentication successful");
  client = start_and_connect (server);
  g_assert_true (kabar_smtp_test_try_authenticate (client, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, USER, token, &error));
  g_assert_no_error (error);
  kabar_smtp_test_assert_script (server);
}

/* --- the envelope ---------------------------------------------------------- */

static void
test_pipelining_sends_the_envelope_in_one_go (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GBytes) message = text_message (small_message);
  const char *const recipients[] = { "bob@example.org", "carol@example.org", NULL };
  KabarSmtpDeliveryState state;
  g_autoptr(GError) error = NULL;

  script_hello (server, "PIPELINING\nSIZE 1000000");
  /* Every command arrives before any reply is sent: a client that waited
   * for the 250 would stall the script. */
  kabar_scripted_server_expect (server, "MAIL FROM:<a@example.org> SIZE=64");
  kabar_scripted_server_expect (server, "RCPT TO:<bob@example.org>");
  kabar_scripted_server_expect (server, "RCPT TO:<carol@example.org>");
  kabar_scripted_server_expect (server, "DATA");
  kabar_scripted_server_send (server, "250 2.1.0 Ok");
  kabar_scripted_server_send (server, "250 2.1.5 Ok");
  kabar_scripted_server_send (server, "250 2.1.5 Ok");
  kabar_scripted_server_send (server, "354 End data with <CR><LF>.<CR><LF>");
  kabar_scripted_server_expect (server, "From: a@example.org");
  kabar_scripted_server_expect (server, "To: bob@example.org");
  kabar_scripted_server_expect (server, "Subject: Hi");
  kabar_scripted_server_expect (server, "");
  kabar_scripted_server_expect (server, "Hello");
  kabar_scripted_server_expect (server, ".");
  kabar_scripted_server_send (server, "250 2.0.0 Ok: queued as 4XyZ1");
  client = start_and_connect (server);
  g_assert_true (kabar_smtp_test_try_send (client, "a@example.org", recipients, message, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, KABAR_SMTP_DELIVERY_SENT);
  g_assert_cmpint (kabar_smtp_client_get_delivery_state (client), ==, KABAR_SMTP_DELIVERY_SENT);
  kabar_smtp_test_assert_script (server);
}

static void
test_without_pipelining_each_command_waits_for_its_reply (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GBytes) message = text_message (small_message);
  g_autoptr(GError) error = NULL;

  script_hello (server, "8BITMIME");
  kabar_scripted_server_expect (server, "MAIL FROM:<a@example.org>");
  kabar_scripted_server_send (server, "250 2.1.0 Ok");
  kabar_scripted_server_expect (server, "RCPT TO:<bob@example.org>");
  kabar_scripted_server_send (server, "250 2.1.5 Ok");
  kabar_scripted_server_expect (server, "DATA");
  kabar_scripted_server_send (server, "354 go ahead");
  kabar_scripted_server_expect (server, "From: a@example.org");
  kabar_scripted_server_expect (server, "To: bob@example.org");
  kabar_scripted_server_expect (server, "Subject: Hi");
  kabar_scripted_server_expect (server, "");
  kabar_scripted_server_expect (server, "Hello");
  kabar_scripted_server_expect (server, ".");
  kabar_scripted_server_send (server, "250 2.0.0 Ok: queued");
  client = start_and_connect (server);
  g_assert_true (kabar_smtp_test_try_send (client, "a@example.org", one_recipient, message, NULL, &error));
  g_assert_no_error (error);
  kabar_smtp_test_assert_script (server);
}

static void
assert_refusal (GPtrArray  *refusals,
                guint       index,
                const char *address,
                guint       code,
                const char *enhanced)
{
  KabarSmtpRefusal *refusal = g_ptr_array_index (refusals, index);

  g_assert_cmpstr (refusal->address, ==, address);
  g_assert_cmpuint (refusal->reply->code, ==, code);
  g_assert_cmpstr (refusal->reply->enhanced, ==, enhanced);
}

/* Pipelined: the server already said 354, and only "." would end the
 * data, sending the message to the others: the client hangs up instead. */
static void
test_refused_recipient_among_accepted_ones_sends_to_nobody (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GBytes) message = text_message (small_message);
  const char *const recipients[] = { "bob@example.org", "nobody@example.org", "carol@example.org",
                                     "gone@example.org", NULL };
  GPtrArray *refusals;
  g_autoptr(GError) error = NULL;

  script_hello (server, "PIPELINING\nENHANCEDSTATUSCODES");
  kabar_scripted_server_expect (server, "MAIL FROM:<a@example.org>");
  kabar_scripted_server_expect (server, "RCPT TO:<bob@example.org>");
  kabar_scripted_server_expect (server, "RCPT TO:<nobody@example.org>");
  kabar_scripted_server_expect (server, "RCPT TO:<carol@example.org>");
  kabar_scripted_server_expect (server, "RCPT TO:<gone@example.org>");
  kabar_scripted_server_expect (server, "DATA");
  kabar_scripted_server_send (server, "250 2.1.0 Ok");
  kabar_scripted_server_send (server, "250 2.1.5 Ok");
  kabar_scripted_server_send (server, "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table");
  kabar_scripted_server_send (server, "250 2.1.5 Ok");
  kabar_scripted_server_send (server, "450 4.2.1 The user you are trying to contact is receiving mail too quickly.");
  kabar_scripted_server_send (server, "354 End data with <CR><LF>.<CR><LF>");
  kabar_scripted_server_expect_eof (server);
  client = start_and_connect (server);
  g_assert_false (kabar_smtp_test_try_send (client, "a@example.org", recipients, message, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_RECIPIENT_REFUSED);
  g_assert_nonnull (strstr (error->message, "nobody@example.org (550 5.1.1 <nobody@example.org>: Recipient address rejected"));
  g_assert_nonnull (strstr (error->message, "gone@example.org (450 4.2.1"));
  refusals = kabar_smtp_error_get_refusals (error);
  g_assert_cmpuint (refusals->len, ==, 2);
  assert_refusal (refusals, 0, "nobody@example.org", 550, "5.1.1");
  assert_refusal (refusals, 1, "gone@example.org", 450, "4.2.1");
  /* One refusal is for good: retrying the same send does not help. */
  g_assert_false (kabar_smtp_error_is_temporary (error));
  g_assert_cmpint (kabar_smtp_client_get_delivery_state (client), ==, KABAR_SMTP_DELIVERY_NOT_SENT);
  kabar_smtp_test_assert_script (server);
}

/* Unpipelined, DATA is never sent: RSET, and the client stays usable. */
static void
test_refused_recipient_without_pipelining_resets (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GBytes) message = text_message (small_message);
  const char *const recipients[] = { "nobody@example.org", "bob@example.org", NULL };
  g_autoptr(GError) error = NULL;

  script_hello (server, "SIZE 100000");
  kabar_scripted_server_expect (server, "MAIL FROM:<a@example.org> SIZE=64");
  kabar_scripted_server_send (server, "250 2.1.0 Ok");
  kabar_scripted_server_expect (server, "RCPT TO:<nobody@example.org>");
  kabar_scripted_server_send (server, "452 4.5.3 Domain policy size per transaction exceeded, please try this recipient in a separate transaction");
  kabar_scripted_server_expect (server, "RCPT TO:<bob@example.org>");
  kabar_scripted_server_send (server, "250 2.1.5 Ok");
  kabar_scripted_server_expect (server, "RSET");
  kabar_scripted_server_send (server, "250 2.0.0 Ok");
  kabar_scripted_server_expect (server, "QUIT");
  kabar_scripted_server_send (server, "221 bye");
  client = start_and_connect (server);
  g_assert_false (kabar_smtp_test_try_send (client, "a@example.org", recipients, message, NULL, &error));
  g_test_message ("%s", error->message);
  /* Too many recipients is a sending limit; the refusal is kept too. */
  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_SENDING_LIMIT);
  g_assert_true (kabar_smtp_error_is_temporary (error));
  g_assert_cmpuint (kabar_smtp_error_get_refusals (error)->len, ==, 1);
  kabar_smtp_test_quit (client);
  kabar_smtp_test_assert_script (server);
}

/* A refusal at stage MAIL, DATA or END (after the "."), with the code it
 * must give. */
typedef enum
{
  STAGE_MAIL,
  STAGE_DATA,
  STAGE_END,
} Stage;

typedef struct
{
  const char     *name;
  Stage  stage;
  const char     *reply;
  KabarSmtpError  code;
  gboolean        temporary;
} RefusalCase;

static const RefusalCase refusal_cases[] = {
  { "mail-4xx", STAGE_MAIL, "451 4.3.0 <a@example.org>: Temporary lookup failure",
    KABAR_SMTP_ERROR_TEMPORARY, TRUE },
  { "mail-5xx", STAGE_MAIL, "553 5.7.1 <a@example.org>: Sender address rejected: not owned by user someone@outlook.com",
    KABAR_SMTP_ERROR_SENDER_REFUSED, FALSE },
  { "mail-gmail-daily-limit", STAGE_MAIL, "550 5.4.5 Daily user sending limit exceeded. For more information on Gmail sending limits go to https://support.google.com/a/answer/166852",
    KABAR_SMTP_ERROR_SENDING_LIMIT, FALSE },
  { "mail-size", STAGE_MAIL, "552 5.3.4 Message size exceeds fixed limit",
    KABAR_SMTP_ERROR_MESSAGE_TOO_LARGE, FALSE },
  { "mail-ses-quota", STAGE_MAIL, "454 Throttling failure: Daily message quota exceeded.",
    KABAR_SMTP_ERROR_SENDING_LIMIT, TRUE },
  { "data-4xx", STAGE_DATA, "451 4.3.0 Error: queue file write error",
    KABAR_SMTP_ERROR_TEMPORARY, TRUE },
  { "data-5xx", STAGE_DATA, "554 5.5.1 Error: no valid recipients",
    KABAR_SMTP_ERROR_PERMANENT, FALSE },
  { "end-4xx", STAGE_END, "451 4.7.1 Please try again later",
    KABAR_SMTP_ERROR_TEMPORARY, TRUE },
  { "end-5xx", STAGE_END, "554 5.7.1 Message rejected as spam",
    KABAR_SMTP_ERROR_PERMANENT, FALSE },
  { "end-too-large", STAGE_END, "552 5.2.3 Your message exceeded Google's message size limits.",
    KABAR_SMTP_ERROR_MESSAGE_TOO_LARGE, FALSE },
  { "end-outlook-quota", STAGE_END,
    "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Cannot submit message.",
    KABAR_SMTP_ERROR_SENDING_LIMIT, FALSE },
};

static void
test_refusal (gconstpointer data)
{
  const RefusalCase *c = data;
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GBytes) message = text_message ("Subject: x\r\n\r\nbody\r\n");
  KabarSmtpDeliveryState state = KABAR_SMTP_DELIVERY_SENT;
  g_autofree char *said = NULL;
  g_autoptr(GError) error = NULL;

  script_hello (server, "ENHANCEDSTATUSCODES");
  kabar_scripted_server_expect (server, "MAIL FROM:<a@example.org>");
  kabar_scripted_server_send (server, c->stage == STAGE_MAIL ? c->reply : "250 2.1.0 Ok");
  if (c->stage != STAGE_MAIL)
    {
      kabar_scripted_server_expect (server, "RCPT TO:<bob@example.org>");
      kabar_scripted_server_send (server, "250 2.1.5 Ok");
      kabar_scripted_server_expect (server, "DATA");
      kabar_scripted_server_send (server, c->stage == STAGE_DATA ? c->reply : "354 go ahead");
    }
  if (c->stage == STAGE_END)
    {
      kabar_scripted_server_expect (server, "Subject: x");
      kabar_scripted_server_expect (server, "");
      kabar_scripted_server_expect (server, "body");
      kabar_scripted_server_expect (server, ".");
      kabar_scripted_server_send (server, c->reply);
    }
  else
    {
      kabar_scripted_server_expect (server, "RSET");
      kabar_scripted_server_send (server, "250 2.0.0 Ok");
    }
  kabar_scripted_server_expect (server, "QUIT");
  kabar_scripted_server_send (server, "221 bye");
  client = start_and_connect (server);
  g_assert_false (kabar_smtp_test_try_send (client, "a@example.org", one_recipient, message, &state, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_SMTP_ERROR, (gint) c->code);
  g_assert_nonnull (strstr (error->message, c->reply));
  said = kabar_smtp_reply_to_string (kabar_smtp_error_get_reply (error));
  g_assert_cmpstr (said, ==, c->reply);
  g_assert_cmpint (kabar_smtp_error_is_temporary (error), ==, c->temporary);
  g_assert_cmpint (state, ==, KABAR_SMTP_DELIVERY_NOT_SENT);
  g_assert_cmpint (kabar_smtp_client_get_delivery_state (client), ==, KABAR_SMTP_DELIVERY_NOT_SENT);
  kabar_smtp_test_quit (client);
  kabar_smtp_test_assert_script (server);
}

/* --- checks before anything is sent ---------------------------------------- */

static GError *
refused_before_sending (const char *extensions,
                        const char *from,
                        const char *text)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GBytes) message = text_message (text);
  GError *error = NULL;

  script_hello (server, extensions);
  /* The next line the server sees is QUIT: nothing of the message. */
  kabar_scripted_server_expect (server, "QUIT");
  kabar_scripted_server_send (server, "221 bye");
  client = start_and_connect (server);
  g_assert_false (kabar_smtp_test_try_send (client, from, one_recipient, message, NULL, &error));
  g_test_message ("%s", error->message);
  kabar_smtp_test_quit (client);
  kabar_smtp_test_assert_script (server);
  return error;
}

static void
test_message_over_size_is_refused_before_sending (void)
{
  g_autofree char *line = g_strnfill (2000, 'x');
  g_autofree char *big = g_strdup_printf ("Subject: big\r\n\r\n%s\r\n", line);
  g_autoptr(GError) error = refused_before_sending ("SIZE 1000\n8BITMIME", "a@example.org", big);

  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_MESSAGE_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "at most 1000"));
  g_assert_false (kabar_smtp_error_is_temporary (error));
}

static void
test_eight_bit_body_needs_8bitmime (void)
{
  g_autoptr(GError) error = refused_before_sending ("SIZE 100000\nSMTPUTF8", "a@example.org",
                                                    "Subject: x\r\n\r\nTerima kasih, café\r\n");

  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_NEEDS_8BITMIME);
}

static void
test_utf8_address_needs_smtputf8 (void)
{
  g_autoptr(GError) error = refused_before_sending ("8BITMIME", "अनु@example.org", "Subject: x\r\n\r\nhi\r\n");

  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_NEEDS_SMTPUTF8);
}

static void
test_utf8_header_needs_smtputf8 (void)
{
  g_autoptr(GError) error = refused_before_sending ("8BITMIME", "a@example.org", "Subject: café\r\n\r\nhi\r\n");

  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_NEEDS_SMTPUTF8);
}

static void
test_mail_from_names_body_and_smtputf8 (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  const char *text = "Subject: x\r\n\r\ncafé\r\n";
  g_autoptr(GBytes) message = text_message (text);
  const char *const recipients[] = { "अनु@example.org", NULL };
  g_autoptr(GError) error = NULL;

  script_hello (server, "SIZE 1000\n8BITMIME\nSMTPUTF8");
  kabar_scripted_server_expect (server, "MAIL FROM:<a@example.org> SIZE=21 BODY=8BITMIME SMTPUTF8");
  kabar_scripted_server_send (server, "250 2.1.0 Ok");
  kabar_scripted_server_expect (server, "RCPT TO:<अनु@example.org>");
  kabar_scripted_server_send (server, "250 2.1.5 Ok");
  kabar_scripted_server_expect (server, "DATA");
  kabar_scripted_server_send (server, "354 go ahead");
  kabar_scripted_server_expect (server, "Subject: x");
  kabar_scripted_server_expect (server, "");
  kabar_scripted_server_expect (server, "café");
  kabar_scripted_server_expect (server, ".");
  kabar_scripted_server_send (server, "250 2.0.0 Ok");
  client = start_and_connect (server);
  g_assert_true (kabar_smtp_test_try_send (client, "a@example.org", recipients, message, NULL, &error));
  g_assert_no_error (error);
  kabar_smtp_test_assert_script (server);
}

/* --- faults and the delivery state ----------------------------------------- */

static void
script_until_data (KabarScriptedServer *server)
{
  script_hello (server, "8BITMIME");
  kabar_scripted_server_expect (server, "MAIL FROM:<a@example.org>");
  kabar_scripted_server_send (server, "250 2.1.0 Ok");
  kabar_scripted_server_expect (server, "RCPT TO:<bob@example.org>");
  kabar_scripted_server_send (server, "250 2.1.5 Ok");
  kabar_scripted_server_expect (server, "DATA");
}

static void
test_cut_before_the_dot_is_not_sent (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GBytes) message = text_message (small_message);
  KabarSmtpDeliveryState state = KABAR_SMTP_DELIVERY_SENT;
  g_autoptr(GError) error = NULL;

  script_until_data (server);
  kabar_scripted_server_cut (server);
  client = start_and_connect (server);
  g_assert_false (kabar_smtp_test_try_send (client, "a@example.org", one_recipient, message, &state, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_true (kabar_smtp_error_is_temporary (error));
  g_assert_cmpint (state, ==, KABAR_SMTP_DELIVERY_NOT_SENT);
  g_assert_cmpint (kabar_smtp_client_get_delivery_state (client), ==, KABAR_SMTP_DELIVERY_NOT_SENT);
}

static void
test_cut_inside_the_data_is_not_sent (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GString) text = g_string_new ("Subject: big\r\n\r\n");
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;

  while (text->len < 16 * 1024 * 1024)
    g_string_append (text, "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n");
  message = g_bytes_new (text->str, text->len);
  script_until_data (server);
  kabar_scripted_server_send (server, "354 go ahead");
  kabar_scripted_server_expect (server, "Subject: big");
  kabar_scripted_server_reset (server);
  client = start_and_connect (server);
  g_assert_false (kabar_smtp_test_try_send_data (client, "a@example.org", one_recipient, message, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_cmpint (kabar_smtp_client_get_delivery_state (client), ==, KABAR_SMTP_DELIVERY_NOT_SENT);
}

static void
test_cut_after_the_dot_may_have_been_sent (void)
{
  g_autoptr(KabarScriptedServer) server = new_server ();
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GBytes) message = text_message ("Subject: x\r\n\r\nno line end at the end");
  KabarSmtpDeliveryState state = KABAR_SMTP_DELIVERY_SENT;
  g_autoptr(GError) error = NULL;

  script_until_data (server);
  kabar_scripted_server_send (server, "354 go ahead");
  kabar_scripted_server_expect (server, "Subject: x");
  kabar_scripted_server_expect (server, "");
  kabar_scripted_server_expect (server, "no line end at the end");
  kabar_scripted_server_expect (server, ".");
  kabar_scripted_server_cut (server);
  client = start_and_connect (server);
  g_assert_true (kabar_smtp_test_try_send_data (client, "a@example.org", one_recipient, message, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kabar_smtp_client_get_delivery_state (client), ==, KABAR_SMTP_DELIVERY_NOT_SENT);
  g_assert_false (kabar_smtp_test_try_finish_data (client, &state, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_cmpint (state, ==, KABAR_SMTP_DELIVERY_MAYBE_SENT);
  g_assert_cmpint (kabar_smtp_client_get_delivery_state (client), ==, KABAR_SMTP_DELIVERY_MAYBE_SENT);
  kabar_smtp_test_assert_script (server);
}

/* --- the exact bytes of the data ------------------------------------------- */

/* The scripted server compares lines without their ends, so this one
 * keeps every byte: a blocking one-client SMTP server in a thread. */
typedef struct
{
  GSocketListener *listener;
  GByteArray      *data;   /* between 354 and the final "." line, inclusive */
} RawServer;

static char *
raw_read_line (GDataInputStream *input)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line (input, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static gpointer
raw_server_run (gpointer user_data)
{
  RawServer *raw = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = g_socket_listener_accept (raw->listener, NULL, NULL, &error);
  GOutputStream *output;
  g_autoptr(GDataInputStream) input = NULL;
  const char *replies[] = { "250-raw\r\n250 8BITMIME\r\n", "250 ok\r\n", "250 ok\r\n", "354 go\r\n" };

  g_assert_no_error (error);
  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (input, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_output_stream_write_all (output, "220 raw\r\n", 9, NULL, NULL, &error);
  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autofree char *line = raw_read_line (input);

      g_output_stream_write_all (output, replies[i], strlen (replies[i]), NULL, NULL, &error);
      g_assert_no_error (error);
    }
  while (raw->data->len < 5 || memcmp (raw->data->data + raw->data->len - 5, "\r\n.\r\n", 5) != 0)
    {
      guint8 byte;

      g_assert_cmpint (g_input_stream_read (G_INPUT_STREAM (input), &byte, 1, NULL, &error), ==, 1);
      g_byte_array_append (raw->data, &byte, 1);
    }
  g_output_stream_write_all (output, "250 queued\r\n", 12, NULL, NULL, &error);
  g_assert_no_error (error);
  g_free (raw_read_line (input));
  g_output_stream_write_all (output, "221 bye\r\n", 9, NULL, NULL, &error);
  return NULL;
}

static void
test_data_is_dot_stuffed_with_crlf_line_ends (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  RawServer raw = { listener, g_byte_array_new () };
  g_autoptr(GThread) thread = NULL;
  g_autoptr(KabarSmtpClient) client = NULL;
  /* Bare LF, bare CR, CRLF, dots at line starts (also right after a bare
   * LF and at the very start), and a line that is only a dot. */
  const char *text = ".starts with a dot\nbare LF\rbare CR\r\n..two dots\n.\nmid.dle . dot\r\n.";
  const char *wire = "..starts with a dot\r\nbare LF\r\nbare CR\r\n...two dots\r\n..\r\nmid.dle . dot\r\n..\r\n.\r\n";
  g_autoptr(GBytes) message = text_message (text);
  KabarSmtpDeliveryState state;
  g_autoptr(GError) error = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  thread = g_thread_new ("raw-smtp", raw_server_run, &raw);
  client = kabar_smtp_test_try_connect ("127.0.0.1", port, KABAR_SECURITY_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_smtp_test_try_send (client, "a@example.org", one_recipient, message, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, KABAR_SMTP_DELIVERY_SENT);
  kabar_smtp_test_quit (client);
  g_thread_join (g_steal_pointer (&thread));
  g_assert_cmpmem (raw.data->data, raw.data->len, wire, strlen (wire));
  g_byte_array_unref (raw.data);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/smtp/errors/multi-line-greeting-and-ehlo-keep-every-capability",
                   test_multi_line_greeting_and_ehlo_keep_every_capability);
  g_test_add_func ("/smtp/errors/refused-ehlo-falls-back-to-helo", test_refused_ehlo_falls_back_to_helo);
  g_test_add_func ("/smtp/errors/starttls-not-offered-is-refused-before-anything-else",
                   test_starttls_not_offered_is_refused_before_anything_else);
  g_test_add_func ("/smtp/errors/starttls-reply-with-injected-data-is-refused",
                   test_starttls_reply_with_injected_data_is_refused);
  g_test_add_func ("/smtp/errors/starttls-says-ehlo-again-and-forgets-the-plain-text-list",
                   test_starttls_says_ehlo_again_and_forgets_the_plain_text_list);
  g_test_add_func ("/smtp/errors/greeting-refusal-keeps-the-servers-words", test_greeting_refusal_keeps_the_servers_words);
  g_test_add_func ("/smtp/errors/unparseable-reply-is-a-protocol-error", test_unparseable_reply_is_a_protocol_error);
  g_test_add_func ("/smtp/errors/outlook-basic-auth-disabled-is-not-a-wrong-password",
                   test_outlook_basic_auth_disabled_is_not_a_wrong_password);
  g_test_add_func ("/smtp/errors/wrong-password-is-authentication-failed", test_wrong_password_is_authentication_failed);
  g_test_add_func ("/smtp/errors/temporary-auth-failure-is-temporary", test_temporary_auth_failure_is_temporary);
  g_test_add_func ("/smtp/errors/no-usable-mechanism-sends-nothing", test_no_usable_mechanism_sends_nothing);
  g_test_add_func ("/smtp/errors/login-answers-both-prompts", test_login_answers_both_prompts);
  g_test_add_func ("/smtp/errors/xoauth2-refused-token-is-answered-with-an-empty-line",
                   test_xoauth2_refused_token_is_answered_with_an_empty_line);
  g_test_add_func ("/smtp/errors/long-xoauth2-token-goes-after-the-prompt", test_long_xoauth2_token_goes_after_the_prompt);
  g_test_add_func ("/smtp/errors/pipelining-sends-the-envelope-in-one-go", test_pipelining_sends_the_envelope_in_one_go);
  g_test_add_func ("/smtp/errors/without-pipelining-each-command-waits-for-its-reply",
                   test_without_pipelining_each_command_waits_for_its_reply);
  g_test_add_func ("/smtp/errors/refused-recipient-among-accepted-ones-sends-to-nobody",
                   test_refused_recipient_among_accepted_ones_sends_to_nobody);
  g_test_add_func ("/smtp/errors/refused-recipient-without-pipelining-resets",
                   test_refused_recipient_without_pipelining_resets);
  for (guint i = 0; i < G_N_ELEMENTS (refusal_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/smtp/errors/refusal/%s", refusal_cases[i].name);

      g_test_add_data_func (path, &refusal_cases[i], test_refusal);
    }
  g_test_add_func ("/smtp/errors/message-over-size-is-refused-before-sending",
                   test_message_over_size_is_refused_before_sending);
  g_test_add_func ("/smtp/errors/eight-bit-body-needs-8bitmime", test_eight_bit_body_needs_8bitmime);
  g_test_add_func ("/smtp/errors/utf8-address-needs-smtputf8", test_utf8_address_needs_smtputf8);
  g_test_add_func ("/smtp/errors/utf8-header-needs-smtputf8", test_utf8_header_needs_smtputf8);
  g_test_add_func ("/smtp/errors/mail-from-names-body-and-smtputf8", test_mail_from_names_body_and_smtputf8);
  g_test_add_func ("/smtp/errors/cut-before-the-dot-is-not-sent", test_cut_before_the_dot_is_not_sent);
  g_test_add_func ("/smtp/errors/cut-inside-the-data-is-not-sent", test_cut_inside_the_data_is_not_sent);
  g_test_add_func ("/smtp/errors/cut-after-the-dot-may-have-been-sent", test_cut_after_the_dot_may_have_been_sent);
  g_test_add_func ("/smtp/errors/data-is-dot-stuffed-with-crlf-line-ends", test_data_is_dot_stuffed_with_crlf_line_ends);

  return g_test_run ();
}
