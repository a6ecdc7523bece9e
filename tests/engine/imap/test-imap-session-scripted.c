/* test-imap-session-scripted.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The IMAP session against the scripted server: what no real server here
 * does on demand. Outlook.com's replies (tests/data/transcripts), BYE and
 * cuts in the middle of a FETCH, refused tokens, malformed replies, and the
 * exact bytes of literals and SASL.
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-test-session.h"
#include "kabar-net-error.h"
#include "kabar-test-wait.h"

#define OUTLOOK_USER "someone@outlook.com"
#define TOKEN        "EwBwA8l6BAAUbDba3x2OMJElkF7gJ4z"

static KabarScriptedServer *
new_server (KabarScriptedTls tls)
{
  KabarScriptedServer *server = kabar_scripted_server_new (tls);

  kabar_scripted_server_set_timeout (server, 10000);
  return server;
}

static void
start (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
}

static void
load (KabarScriptedServer *server,
      const char          *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "transcripts", name, NULL);
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_load_transcript (server, path, &error);
  g_assert_no_error (error);
}

static KabarImapSession *
open_plain (KabarScriptedServer *server)
{
  return kabar_imap_test_open_scripted (server, KABAR_SECURITY_NONE);
}

static void
on_closed (KabarImapSession *session,
           const GError     *error,
           gpointer          user_data)
{
  GError **slot = user_data;

  g_assert_null (*slot);
  *slot = error != NULL ? g_error_copy (error) : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "none");
}

/* --- Outlook.com ----------------------------------------------------------- */

static void
test_outlook_basic_auth_disabled_is_not_a_wrong_password (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_IMPLICIT);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;

  load (server, "imap-outlook-basic-auth-disabled.txt");
  start (server);
  session = kabar_imap_test_open_scripted (server, KABAR_SECURITY_IMPLICIT_TLS);
  g_assert_false (kabar_imap_test_try_authenticate (session, OUTLOOK_USER, TOKEN,
                                                    KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BASIC_AUTH_DISABLED);
  /* The server's own words stay in the message. */
  g_assert_nonnull (strstr (error->message, "Basic authentication is disabled."));
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_NOT_AUTHENTICATED);
  kabar_imap_test_assert_script (server);
}

static void
test_outlook_basic_auth_disabled_for_a_password_too (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autofree char *plain = kabar_sasl_plain_response (OUTLOOK_USER, "app-password");
  g_autofree char *expected = g_strdup_printf ("(\\S+) AUTHENTICATE PLAIN %s", plain);
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=XOAUTH2] ready");
  kabar_scripted_server_expect_regex (server, expected);
  kabar_scripted_server_send (server, "$1 NO Basic Authentication is disabled for this account");
  start (server);
  session = open_plain (server);
  g_assert_false (kabar_imap_test_try_authenticate (session, OUTLOOK_USER, "app-password",
                                                    KABAR_SASL_CREDENTIAL_PASSWORD, &error));
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BASIC_AUTH_DISABLED);
  kabar_imap_test_assert_script (server);
}

static void
test_outlook_list_keeps_special_use_attributes_and_never_enables_imap4rev2 (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_IMPLICIT);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) personal = NULL;
  g_auto(GStrv) enabled = NULL;
  const char *wanted[] = { "CONDSTORE", "QRESYNC", "IMAP4rev2", NULL };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) namespace_result = NULL;
  g_autoptr(GError) error = NULL;
  KabarImapFolderInfo *info;

  load (server, "imap-outlook-list.txt");
  start (server);
  session = kabar_imap_test_open_scripted (server, KABAR_SECURITY_IMPLICIT_TLS);
  kabar_imap_test_try_authenticate (session, OUTLOOK_USER, TOKEN, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_imap_session_has_capability (session, "IMAP4rev2"));

  /* Nothing is sent: the script's next step is NAMESPACE. */
  kabar_imap_session_enable_async (session, wanted, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  enabled = kabar_imap_session_enable_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (enabled), ==, 0);
  g_assert_false (kabar_imap_session_is_enabled (session, "IMAP4rev2"));

  kabar_imap_session_namespace_async (session, NULL, kabar_test_wait_done, &slot);
  namespace_result = kabar_test_wait (&slot);
  kabar_imap_session_namespace_finish (session, namespace_result, &personal, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (personal->len, ==, 1);
  g_assert_cmpstr (((KabarImapNamespace *) g_ptr_array_index (personal, 0))->prefix, ==, "");
  g_assert_cmpint (((KabarImapNamespace *) g_ptr_array_index (personal, 0))->delimiter, ==, '/');

  folders = kabar_imap_test_list (session, "*", KABAR_IMAP_LIST_STATUS | KABAR_IMAP_LIST_SUBSCRIPTION);
  g_assert_cmpuint (folders->len, ==, 9);
  g_assert_cmphex (kabar_imap_folder_info_get_attributes (kabar_imap_test_find_folder (folders, "Sent")) &
                   KABAR_IMAP_FOLDER_SPECIAL_USE, ==, KABAR_IMAP_FOLDER_SENT);
  g_assert_cmphex (kabar_imap_folder_info_get_attributes (kabar_imap_test_find_folder (folders, "Deleted")) &
                   KABAR_IMAP_FOLDER_SPECIAL_USE, ==, KABAR_IMAP_FOLDER_TRASH);
  g_assert_cmphex (kabar_imap_folder_info_get_attributes (kabar_imap_test_find_folder (folders, "Drafts")) &
                   KABAR_IMAP_FOLDER_SPECIAL_USE, ==, KABAR_IMAP_FOLDER_DRAFTS);
  g_assert_cmphex (kabar_imap_folder_info_get_attributes (kabar_imap_test_find_folder (folders, "Junk")) &
                   KABAR_IMAP_FOLDER_SPECIAL_USE, ==, KABAR_IMAP_FOLDER_JUNK);
  /* Outlook.com's Archive has no \Archive: the name is for the sync. */
  g_assert_cmphex (kabar_imap_folder_info_get_attributes (kabar_imap_test_find_folder (folders, "Archive")) &
                   KABAR_IMAP_FOLDER_SPECIAL_USE, ==, 0);
  info = kabar_imap_test_find_folder (folders, "INBOX");
  g_assert_true (kabar_imap_folder_info_get_attributes (info) & KABAR_IMAP_FOLDER_INBOX);
  g_assert_true (kabar_imap_folder_info_get_attributes (info) & KABAR_IMAP_FOLDER_SUBSCRIBED);
  g_assert_cmpint (kabar_imap_folder_info_get_delimiter (info), ==, '/');
  /* No LIST-STATUS: no status was made up. */
  g_assert_cmpuint (kabar_imap_folder_info_get_status_items (info), ==, 0);
  g_assert_true (kabar_imap_folder_info_get_attributes (kabar_imap_test_find_folder (folders, "Sent")) &
                 KABAR_IMAP_FOLDER_SUBSCRIBED);
  g_assert_false (kabar_imap_folder_info_get_attributes (kabar_imap_test_find_folder (folders, "Junk")) &
                  KABAR_IMAP_FOLDER_SUBSCRIBED);
  info = kabar_imap_test_find_folder (folders, "Kotak Masuk/Pekerjaan é");
  g_assert_nonnull (info);
  g_assert_cmpstr (kabar_imap_folder_info_get_wire_name (info), ==, "Kotak Masuk/Pekerjaan &AOk-");

  kabar_imap_test_logout (session);
  kabar_imap_test_assert_script (server);
}

/* --- STARTTLS -------------------------------------------------------------- */

static void
test_starttls_not_offered_fails_without_sending_anything (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] plain text only");
  kabar_scripted_server_expect_eof (server);
  start (server);
  session = kabar_imap_test_try_connect ("127.0.0.1", kabar_scripted_server_get_port (server),
                                         KABAR_SECURITY_STARTTLS, NULL, NULL, &error);
  g_assert_null (session);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_NOT_OFFERED);
  kabar_imap_test_assert_script (server);
  lines = kabar_scripted_server_dup_client_lines (server);
  g_assert_cmpuint (g_strv_length (lines), ==, 0);
}

static void
test_starttls_forgets_the_capabilities_from_before_tls (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;

  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready");
  kabar_scripted_server_expect_regex (server, "(\\S+) STARTTLS");
  /* A list in the reply is as untrustworthy as the greeting's. */
  kabar_scripted_server_send (server, "$1 OK [CAPABILITY IMAP4rev1 AUTH=INJECTED] Begin TLS negotiation now.");
  kabar_scripted_server_start_tls (server);
  kabar_scripted_server_expect_regex (server, "(\\S+) CAPABILITY");
  kabar_scripted_server_send (server, "* CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE");
  kabar_scripted_server_send (server, "$1 OK done");
  start (server);
  session = kabar_imap_test_open_scripted (server, KABAR_SECURITY_STARTTLS);
  g_assert_true (kabar_connection_is_tls (kabar_imap_session_get_connection (session)));
  g_assert_true (kabar_imap_session_has_capability (session, "AUTH=PLAIN"));
  g_assert_false (kabar_imap_session_has_capability (session, "STARTTLS"));
  g_assert_false (kabar_imap_session_has_capability (session, "LOGINDISABLED"));
  g_assert_false (kabar_imap_session_has_capability (session, "AUTH=INJECTED"));
  kabar_imap_test_assert_script (server);
}

static void
test_starttls_reply_with_injected_data_is_refused (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  const char *injected = "a1 OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN]\r\n";
  g_autoptr(GBytes) reply = g_bytes_new_static (injected, strlen (injected));
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready");
  kabar_scripted_server_expect (server, "a1 STARTTLS");
  kabar_scripted_server_send_raw (server, reply);
  start (server);
  session = kabar_imap_test_try_connect ("127.0.0.1", kabar_scripted_server_get_port (server),
                                         KABAR_SECURITY_STARTTLS, NULL, NULL, &error);
  g_assert_null (session);
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_INJECTION);
}

/* A server that lists nothing after TLS leaves the session with nothing,
 * not with what it said in plain text. */
static void
test_starttls_never_keeps_the_plain_text_capabilities (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;

  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready");
  kabar_scripted_server_expect (server, "a1 STARTTLS");
  kabar_scripted_server_send (server, "a1 OK Begin TLS negotiation now.");
  kabar_scripted_server_start_tls (server);
  kabar_scripted_server_expect (server, "a2 CAPABILITY");
  kabar_scripted_server_send (server, "a2 OK nothing to say");
  start (server);
  session = kabar_imap_test_open_scripted (server, KABAR_SECURITY_STARTTLS);
  g_assert_cmpuint (g_strv_length ((GStrv) kabar_imap_session_get_capabilities (session)), ==, 0);
  g_assert_false (kabar_imap_session_has_capability (session, "AUTH=PLAIN"));
  kabar_imap_test_assert_script (server);
}

/* --- signing in ------------------------------------------------------------ */

static void
test_xoauth2_error_challenge_is_answered_with_an_empty_line (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autofree char *initial = kabar_sasl_xoauth2_response (OUTLOOK_USER, TOKEN);
  g_autofree char *expected = g_strdup_printf ("(\\S+) AUTHENTICATE XOAUTH2 %s", initial);
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=PLAIN] ready");
  kabar_scripted_server_expect_regex (server, expected);
  /* {"status":"401","schemes":"bearer","scope":"https://mail.google.com/"} */
  kabar_scripted_server_send (server, "+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==");
  kabar_scripted_server_expect (server, "");
  kabar_scripted_server_send (server, "$1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)");
  start (server);
  session = open_plain (server);
  g_assert_false (kabar_imap_test_try_authenticate (session, OUTLOOK_USER, TOKEN,
                                                    KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED);
  g_assert_nonnull (strstr (error->message, "Invalid credentials"));
  g_assert_nonnull (strstr (error->message, "401"));
  /* The token is a secret: never in a message. */
  g_assert_null (strstr (error->message, TOKEN));
  kabar_imap_test_assert_script (server);
}

static void
test_plain_without_sasl_ir_waits_for_the_continuation (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autofree char *plain = kabar_sasl_plain_response ("user", "secret");
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready");
  kabar_scripted_server_expect (server, "a1 AUTHENTICATE PLAIN");
  kabar_scripted_server_send (server, "+ ");
  kabar_scripted_server_expect (server, plain);
  kabar_scripted_server_send (server, "a1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in");
  start (server);
  session = open_plain (server);
  kabar_imap_test_try_authenticate (session, "user", "secret", KABAR_SASL_CREDENTIAL_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
  /* The list in the OK replaced the one from before. */
  g_assert_true (kabar_imap_session_has_capability (session, "IDLE"));
  g_assert_false (kabar_imap_session_has_capability (session, "AUTH=PLAIN"));
  kabar_imap_test_assert_script (server);
}

/* Quotes and backslashes go quoted and escaped; 8-bit text goes as a
 * literal, which without LITERAL+ waits for the server's "+". */
static void
test_login_fallback_quotes_and_sends_literals (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapSession) second = NULL;
  const char *ascii = "pa\"ss\\word";
  const char *utf8 = "kata \"sandi\\\" é";
  g_autofree char *literal = g_strdup_printf ("a1 LOGIN \"user@kabar.test\" {%" G_GSIZE_FORMAT "}", strlen (utf8));
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] ready");
  kabar_scripted_server_expect (server, "a1 LOGIN \"user@kabar.test\" \"pa\\\"ss\\\\word\"");
  kabar_scripted_server_send (server, "a1 OK [CAPABILITY IMAP4rev1] Logged in");
  kabar_scripted_server_accept (server);
  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] ready");
  kabar_scripted_server_expect (server, literal);
  kabar_scripted_server_send (server, "+ Ready for literal data");
  kabar_scripted_server_expect (server, utf8);
  kabar_scripted_server_send (server, "a1 NO [AUTHENTICATIONFAILED] Authentication failed.");
  start (server);

  session = open_plain (server);
  kabar_imap_test_try_authenticate (session, "user@kabar.test", ascii, KABAR_SASL_CREDENTIAL_PASSWORD, &error);
  g_assert_no_error (error);
  second = open_plain (server);
  g_assert_false (kabar_imap_test_try_authenticate (second, "user@kabar.test", utf8,
                                                    KABAR_SASL_CREDENTIAL_PASSWORD, &error));
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED);
  g_assert_null (strstr (error->message, "sandi"));
  kabar_imap_test_assert_script (server);
}

static void
test_logindisabled_without_mechanism_refuses_to_sign_in (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "* OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=GSSAPI] ready");
  kabar_scripted_server_expect_eof (server);
  start (server);
  session = open_plain (server);
  g_assert_false (kabar_imap_test_try_authenticate (session, "user", "secret",
                                                    KABAR_SASL_CREDENTIAL_PASSWORD, &error));
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_LOGIN_DISABLED);
  kabar_imap_session_close (session);
  kabar_imap_test_assert_script (server);
}

/* --- faults in the middle of a command -------------------------------------- */

static void
count_message (KabarImapSession *session,
               KabarImapMessage *message,
               gpointer          user_data)
{
  (*(guint *) user_data)++;
}

static gboolean
fetch_counting (KabarImapSession *session,
                const char       *uids,
                KabarImapFetchItems items,
                guint            *count,
                GError          **error)
{
  g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_parse (uids, NULL);
  KabarImapFetchRequest request = { .items = items };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_imap_session_uid_fetch_async (session, set, &request, count_message, NULL, count, NULL, NULL,
                                      kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_imap_session_uid_fetch_finish (session, result, error);
}

static void
test_bye_in_the_middle_of_a_fetch_fails_it (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) closed = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint count = 0;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 UID FETCH 1:3 (UID FLAGS)");
  kabar_scripted_server_send (server, "* 1 FETCH (UID 1 FLAGS (\\Seen))");
  kabar_scripted_server_send (server, "* BYE Server shutting down for maintenance");
  kabar_scripted_server_close (server);
  start (server);
  session = open_plain (server);
  g_signal_connect (session, "closed", G_CALLBACK (on_closed), &closed);
  g_assert_false (fetch_counting (session, "1:3", KABAR_IMAP_FETCH_FLAGS, &count, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BYE);
  g_assert_nonnull (strstr (error->message, "Server shutting down for maintenance"));
  g_assert_cmpuint (count, ==, 1);
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_CLOSED);
  g_assert_error (closed, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BYE);
  /* Unusable from now on. */
  g_clear_error (&error);
  kabar_imap_session_noop_async (session, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_false (kabar_imap_session_command_finish (session, result, &error));
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BYE);
  kabar_imap_test_assert_script (server);
}

static void
test_cut_in_a_fetch_literal_fails_with_closed (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_IMPLICIT);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapUidSet) uids = kabar_imap_uid_set_new_range (7, 7);
  KabarImapFetchRequest request = { .items = KABAR_IMAP_FETCH_BODY };
  g_autoptr(GError) error = NULL;
  GAsyncResult *fetch_slot = NULL;
  GAsyncResult *noop_slot = NULL;
  g_autoptr(GAsyncResult) fetch_result = NULL;
  g_autoptr(GAsyncResult) noop_result = NULL;
  guint count = 0;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 UID FETCH 7 (UID BODY.PEEK[])");
  kabar_scripted_server_expect (server, "a2 NOOP");
  kabar_scripted_server_send (server, "* 1 FETCH (UID 7 BODY[] {1000}");
  kabar_scripted_server_send_partial (server, "Subject: cut short\r\n\r\nThe first");
  kabar_scripted_server_cut (server);
  start (server);
  session = kabar_imap_test_open_scripted (server, KABAR_SECURITY_IMPLICIT_TLS);
  /* Both in flight: a cut fails every command, not only the reader's. */
  kabar_imap_session_uid_fetch_async (session, uids, &request, count_message, NULL, &count, NULL, NULL,
                                      kabar_test_wait_done, &fetch_slot);
  kabar_imap_session_noop_async (session, NULL, kabar_test_wait_done, &noop_slot);
  fetch_result = kabar_test_wait (&fetch_slot);
  g_assert_false (kabar_imap_session_uid_fetch_finish (session, fetch_result, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_cmpuint (count, ==, 0);
  noop_result = kabar_test_wait (&noop_slot);
  g_clear_error (&error);
  g_assert_false (kabar_imap_session_command_finish (session, noop_result, &error));
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_CLOSED);
  kabar_imap_test_assert_script (server);
}

static void
test_malformed_reply_fails_the_fetch_but_not_the_session (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint count = 0;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 UID FETCH 1:3 (UID FLAGS)");
  kabar_scripted_server_send (server, "* 1 FETCH (UID 1 FLAGS (\\Seen))");
  kabar_scripted_server_send (server, "* 2 FETCH (UID 2 FLAGS (\\Seen)");
  kabar_scripted_server_send (server, "* 3 FETCH (UID 3 FLAGS ())");
  kabar_scripted_server_send (server, "a1 OK Fetch completed.");
  kabar_scripted_server_expect (server, "a2 NOOP");
  kabar_scripted_server_send (server, "a2 OK NOOP completed.");
  start (server);
  session = open_plain (server);
  g_assert_false (fetch_counting (session, "1:3", KABAR_IMAP_FETCH_FLAGS, &count, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_PARSE);
  g_assert_cmpuint (count, ==, 2);
  kabar_imap_session_noop_async (session, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_clear_error (&error);
  kabar_imap_session_command_finish (session, result, &error);
  g_assert_no_error (error);
  kabar_imap_test_assert_script (server);
}

/* --- literals and pipelining ------------------------------------------------ */

static void
test_append_without_literal_plus_waits_for_the_continuation (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  const char *flags[] = { "\\Seen", NULL };
  g_autoptr(GError) error = NULL;
  guint32 uid = 0;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] ready");
  kabar_scripted_server_expect (server, "a1 APPEND \"Sent\" (\\Seen) \"14-Mar-2026 15:09:26 +0000\" {23}");
  kabar_scripted_server_send (server, "+ Ready for literal data");
  kabar_scripted_server_expect (server, "Subject: hi");
  kabar_scripted_server_expect (server, "");
  kabar_scripted_server_expect (server, "Hello.");
  kabar_scripted_server_expect (server, "");
  kabar_scripted_server_send (server, "a1 OK [APPENDUID 1795299046 42] Append completed.");
  start (server);
  session = open_plain (server);
  kabar_imap_test_try_append (session, "Sent", "Subject: hi\n\nHello.\n", flags, &uid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uid, ==, 42);
  kabar_imap_test_assert_script (server);
}

static void
test_refused_literal_frees_the_wire (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GBytes) message = kabar_imap_test_message ("Subject: hi\n\nHello.\n");
  GAsyncResult *append_slot = NULL;
  GAsyncResult *noop_slot = NULL;
  g_autoptr(GAsyncResult) append_result = NULL;
  g_autoptr(GAsyncResult) noop_result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 APPEND \"Sent\" {23}");
  kabar_scripted_server_send (server, "a1 NO [OVERQUOTA] Quota exceeded");
  kabar_scripted_server_expect (server, "a2 NOOP");
  kabar_scripted_server_send (server, "a2 OK done");
  start (server);
  session = open_plain (server);
  kabar_imap_session_append_async (session, "Sent", message, NULL, NULL, NULL, kabar_test_wait_done, &append_slot);
  /* Queued behind the APPEND's literal: it goes once the NO frees the wire. */
  kabar_imap_session_noop_async (session, NULL, kabar_test_wait_done, &noop_slot);
  append_result = kabar_test_wait (&append_slot);
  g_assert_false (kabar_imap_session_append_finish (session, append_result, NULL, NULL, &error));
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_OVER_QUOTA);
  noop_result = kabar_test_wait (&noop_slot);
  g_clear_error (&error);
  kabar_imap_session_command_finish (session, noop_result, &error);
  g_assert_no_error (error);
  kabar_imap_test_assert_script (server);
}

static void
on_exists (KabarImapSession *session,
           guint             count,
           gpointer          user_data)
{
  *(guint *) user_data = count;
  kabar_imap_session_idle_done (session);
}

static void
test_idle_is_reissued_after_the_refresh_interval (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint exists = 0;
  gint64 start_time;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready");
  kabar_scripted_server_expect (server, "a1 IDLE");
  kabar_scripted_server_send (server, "+ idling");
  kabar_scripted_server_expect (server, "DONE");
  kabar_scripted_server_send (server, "a1 OK Idle completed.");
  kabar_scripted_server_expect (server, "a2 IDLE");
  kabar_scripted_server_send (server, "+ idling");
  kabar_scripted_server_send (server, "* 4 EXISTS");
  kabar_scripted_server_expect (server, "DONE");
  kabar_scripted_server_send (server, "a2 OK Idle completed.");
  start (server);
  session = open_plain (server);
  g_signal_connect (session, "exists", G_CALLBACK (on_exists), &exists);
  start_time = g_get_monotonic_time ();
  kabar_imap_session_idle_async (session, 1, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_idle_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exists, ==, 4);
  g_assert_cmpfloat (kabar_test_seconds_since (start_time), >=, 0.9);
  g_assert_false (kabar_imap_session_is_idle (session));
  kabar_imap_test_assert_script (server);
}

static void
test_a_command_ends_idle_and_goes_after_it (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  GAsyncResult *idle_slot = NULL;
  GAsyncResult *noop_slot = NULL;
  g_autoptr(GAsyncResult) idle_result = NULL;
  g_autoptr(GAsyncResult) noop_result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready");
  kabar_scripted_server_expect (server, "a1 IDLE");
  kabar_scripted_server_send (server, "+ idling");
  kabar_scripted_server_expect (server, "DONE");
  kabar_scripted_server_send (server, "a1 OK Idle completed.");
  kabar_scripted_server_expect (server, "a2 NOOP");
  kabar_scripted_server_send (server, "a2 OK NOOP completed.");
  start (server);
  session = open_plain (server);
  kabar_imap_session_idle_async (session, 0, NULL, kabar_test_wait_done, &idle_slot);
  while (!kabar_imap_session_is_idle (session))
    g_main_context_iteration (NULL, TRUE);
  kabar_imap_session_noop_async (session, NULL, kabar_test_wait_done, &noop_slot);
  idle_result = kabar_test_wait (&idle_slot);
  kabar_imap_session_idle_finish (session, idle_result, &error);
  g_assert_no_error (error);
  noop_result = kabar_test_wait (&noop_slot);
  kabar_imap_session_command_finish (session, noop_result, &error);
  g_assert_no_error (error);
  kabar_imap_test_assert_script (server);
}

/* Two NOOPs go out before either is answered; a SELECT waits for both. */
static void
test_commands_are_pipelined_and_select_waits (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  GAsyncResult *slots[3] = { NULL, NULL, NULL };
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 NOOP");
  kabar_scripted_server_expect (server, "a2 NOOP");
  kabar_scripted_server_send (server, "a2 OK second");
  kabar_scripted_server_send (server, "a1 OK first");
  kabar_scripted_server_expect (server, "a3 SELECT INBOX");
  kabar_scripted_server_send (server, "* 3 EXISTS");
  kabar_scripted_server_send (server, "* OK [UIDVALIDITY 7] UIDs valid");
  kabar_scripted_server_send (server, "a3 OK [READ-WRITE] Select completed.");
  start (server);
  session = open_plain (server);
  kabar_imap_session_noop_async (session, NULL, kabar_test_wait_done, &slots[0]);
  kabar_imap_session_noop_async (session, NULL, kabar_test_wait_done, &slots[1]);
  kabar_imap_session_select_async (session, "INBOX", FALSE, NULL, NULL, NULL, NULL, kabar_test_wait_done, &slots[2]);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GAsyncResult) result = kabar_test_wait (&slots[i]);

      kabar_imap_session_command_finish (session, result, &error);
      g_assert_no_error (error);
    }
  {
    g_autoptr(GAsyncResult) result = kabar_test_wait (&slots[2]);
    g_autoptr(KabarImapMailboxState) state = kabar_imap_session_select_finish (session, result, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (kabar_imap_mailbox_state_get_exists (state), ==, 3);
    g_assert_cmpuint (kabar_imap_mailbox_state_get_uidvalidity (state), ==, 7);
    g_assert_cmpstr (kabar_imap_session_get_selected (session), ==, "INBOX");
  }
  kabar_imap_test_assert_script (server);
}

static void
wait_failed (KabarImapSession *session,
             GAsyncResult    **slot)
{
  g_autoptr(GAsyncResult) result = kabar_test_wait (slot);
  g_autoptr(GError) error = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == kabar_imap_session_select_async)
    g_assert_null (kabar_imap_session_select_finish (session, result, &error));
  else
    g_assert_false (kabar_imap_session_command_finish (session, result, &error));
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
}

/* A SELECT goes only once what is before it is done, and nothing goes
 * while it is in flight: the server here never answers, and the client's
 * lines show what it dared to send. */
static void
test_select_is_never_pipelined (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) first = NULL;
  g_autoptr(KabarImapSession) second = NULL;
  GAsyncResult *slots[4] = { NULL, NULL, NULL, NULL };
  g_auto(GStrv) lines = NULL;
  g_autofree char *joined = NULL;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 NOOP");
  kabar_scripted_server_wait_ms (server, 300);
  kabar_scripted_server_close (server);
  kabar_scripted_server_accept (server);
  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 SELECT INBOX");
  kabar_scripted_server_wait_ms (server, 300);
  start (server);

  first = open_plain (server);
  kabar_imap_session_noop_async (first, NULL, kabar_test_wait_done, &slots[0]);
  kabar_imap_session_select_async (first, "INBOX", FALSE, NULL, NULL, NULL, NULL, kabar_test_wait_done, &slots[1]);
  wait_failed (first, &slots[0]);
  wait_failed (first, &slots[1]);
  second = open_plain (server);
  kabar_imap_session_select_async (second, "INBOX", FALSE, NULL, NULL, NULL, NULL, kabar_test_wait_done, &slots[2]);
  kabar_imap_session_noop_async (second, NULL, kabar_test_wait_done, &slots[3]);
  kabar_imap_test_assert_script (server);
  wait_failed (second, &slots[2]);
  wait_failed (second, &slots[3]);
  lines = kabar_scripted_server_dup_client_lines (server);
  joined = g_strjoinv (" | ", lines);
  g_assert_cmpstr (joined, ==, "a1 NOOP | a1 SELECT INBOX");
}

static void
count_any (KabarImapSession *session,
           KabarImapMessage *message,
           gpointer          user_data)
{
  (*(guint *) user_data)++;
}

/* RFC 3501 §5.5 lets a server interleave the replies of pipelined
 * commands: a STORE's FETCH must not pass for the fetch's message. */
static void
test_interleaved_store_replies_are_not_the_fetchs (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapUidSet) uids = kabar_imap_uid_set_new_range (1, 2);
  KabarImapFetchRequest request = { .items = KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_ENVELOPE };
  const char *flagged[] = { "\\Flagged", NULL };
  GAsyncResult *fetch_slot = NULL;
  GAsyncResult *store_slot = NULL;
  g_autoptr(GAsyncResult) fetch_result = NULL;
  g_autoptr(GAsyncResult) store_result = NULL;
  g_autoptr(GError) error = NULL;
  guint fetched = 0;
  guint changed = 0;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 UID FETCH 1:2 (UID FLAGS ENVELOPE)");
  kabar_scripted_server_expect (server, "a2 UID STORE 1:2 +FLAGS (\\Flagged)");
  kabar_scripted_server_send (server, "* 1 FETCH (UID 1 FLAGS (\\Flagged))");
  kabar_scripted_server_send (server, "* 1 FETCH (UID 1 FLAGS (\\Flagged) ENVELOPE (NIL \"One\" NIL NIL NIL NIL NIL NIL NIL NIL))");
  kabar_scripted_server_send (server, "* 2 FETCH (UID 2 FLAGS (\\Flagged))");
  kabar_scripted_server_send (server, "* 2 FETCH (UID 2 FLAGS (\\Flagged) ENVELOPE (NIL \"Two\" NIL NIL NIL NIL NIL NIL NIL NIL))");
  kabar_scripted_server_send (server, "a1 OK Fetch completed.");
  kabar_scripted_server_send (server, "a2 OK Store completed.");
  start (server);
  session = open_plain (server);
  g_signal_connect (session, "flags-changed", G_CALLBACK (count_any), &changed);
  kabar_imap_session_uid_fetch_async (session, uids, &request, count_any, NULL, &fetched, NULL, NULL,
                                      kabar_test_wait_done, &fetch_slot);
  kabar_imap_session_uid_store_async (session, uids, KABAR_IMAP_STORE_ADD, flagged, FALSE, 0, NULL,
                                      kabar_test_wait_done, &store_slot);
  fetch_result = kabar_test_wait (&fetch_slot);
  kabar_imap_session_uid_fetch_finish (session, fetch_result, &error);
  g_assert_no_error (error);
  store_result = kabar_test_wait (&store_slot);
  kabar_imap_session_uid_store_finish (session, store_result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fetched, ==, 2);
  g_assert_cmpuint (changed, ==, 2);
  kabar_imap_test_assert_script (server);
}

/* --- unsolicited data and timeouts ----------------------------------------- */

typedef struct
{
  char     *alert;
  guint     exists;
  guint     expunged;
  guint     flagged_sequence;
  gboolean  flagged_seen;
  guint64   vanished;
  gboolean  earlier;
} News;

static void
on_alert (KabarImapSession *session,
          const char       *text,
          News             *news)
{
  news->alert = g_strdup (text);
}

static void
on_news_exists (KabarImapSession *session,
                guint             count,
                News             *news)
{
  news->exists = count;
}

static void
on_news_expunged (KabarImapSession *session,
                  guint             sequence,
                  News             *news)
{
  news->expunged = sequence;
}

static void
on_news_flags (KabarImapSession *session,
               KabarImapMessage *message,
               News             *news)
{
  news->flagged_sequence = kabar_imap_message_get_sequence (message);
  news->flagged_seen = kabar_imap_message_has_flag (message, "\\Seen");
}

static void
on_news_vanished (KabarImapSession *session,
                  KabarImapUidSet  *uids,
                  gboolean          earlier,
                  News             *news)
{
  news->vanished = kabar_imap_uid_set_get_count (uids);
  news->earlier = earlier;
}

static void
test_unsolicited_data_comes_as_signals (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  News news = { 0 };

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 NOOP");
  kabar_scripted_server_send (server, "* OK [ALERT] Your mailbox is almost full");
  kabar_scripted_server_send (server, "* 5 EXISTS");
  kabar_scripted_server_send (server, "* 2 EXPUNGE");
  kabar_scripted_server_send (server, "* 3 FETCH (FLAGS (\\Seen))");
  kabar_scripted_server_send (server, "* VANISHED 7:8");
  kabar_scripted_server_send (server, "a1 OK NOOP completed.");
  start (server);
  session = open_plain (server);
  g_signal_connect (session, "alert", G_CALLBACK (on_alert), &news);
  g_signal_connect (session, "exists", G_CALLBACK (on_news_exists), &news);
  g_signal_connect (session, "expunged", G_CALLBACK (on_news_expunged), &news);
  g_signal_connect (session, "flags-changed", G_CALLBACK (on_news_flags), &news);
  g_signal_connect (session, "vanished", G_CALLBACK (on_news_vanished), &news);
  kabar_imap_session_noop_async (session, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_command_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (news.alert, ==, "Your mailbox is almost full");
  g_assert_cmpuint (news.exists, ==, 5);
  g_assert_cmpuint (news.expunged, ==, 2);
  g_assert_cmpuint (news.flagged_sequence, ==, 3);
  g_assert_true (news.flagged_seen);
  g_assert_cmpuint (news.vanished, ==, 2);
  g_assert_false (news.earlier);
  g_free (news.alert);
  kabar_imap_test_assert_script (server);
}

static void
test_silent_server_times_out_and_closes_the_session (void)
{
  g_autoptr(KabarScriptedServer) server = new_server (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start_time;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 NOOP");
  kabar_scripted_server_wait_ms (server, 2500);
  start (server);
  kabar_imap_session_connect_async ("127.0.0.1", kabar_scripted_server_get_port (server), KABAR_SECURITY_NONE,
                                    NULL, 1, NULL, kabar_test_wait_done, &slot);
  connected = kabar_test_wait (&slot);
  session = kabar_imap_session_connect_finish (connected, NULL, &error);
  g_assert_no_error (error);
  start_time = g_get_monotonic_time ();
  kabar_imap_session_noop_async (session, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_false (kabar_imap_session_command_finish (session, result, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_TIMED_OUT);
  g_assert_cmpfloat (kabar_test_seconds_since (start_time), <, 2.0);
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_CLOSED);
  kabar_imap_test_assert_script (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/session/outlook-basic-auth-disabled-is-not-a-wrong-password",
                   test_outlook_basic_auth_disabled_is_not_a_wrong_password);
  g_test_add_func ("/imap/session/outlook-basic-auth-disabled-for-a-password-too",
                   test_outlook_basic_auth_disabled_for_a_password_too);
  g_test_add_func ("/imap/session/outlook-list-keeps-special-use-attributes-and-never-enables-imap4rev2",
                   test_outlook_list_keeps_special_use_attributes_and_never_enables_imap4rev2);
  g_test_add_func ("/imap/session/starttls-not-offered-fails-without-sending-anything",
                   test_starttls_not_offered_fails_without_sending_anything);
  g_test_add_func ("/imap/session/starttls-forgets-the-capabilities-from-before-tls",
                   test_starttls_forgets_the_capabilities_from_before_tls);
  g_test_add_func ("/imap/session/starttls-never-keeps-the-plain-text-capabilities",
                   test_starttls_never_keeps_the_plain_text_capabilities);
  g_test_add_func ("/imap/session/starttls-reply-with-injected-data-is-refused",
                   test_starttls_reply_with_injected_data_is_refused);
  g_test_add_func ("/imap/session/xoauth2-error-challenge-is-answered-with-an-empty-line",
                   test_xoauth2_error_challenge_is_answered_with_an_empty_line);
  g_test_add_func ("/imap/session/plain-without-sasl-ir-waits-for-the-continuation",
                   test_plain_without_sasl_ir_waits_for_the_continuation);
  g_test_add_func ("/imap/session/login-fallback-quotes-and-sends-literals",
                   test_login_fallback_quotes_and_sends_literals);
  g_test_add_func ("/imap/session/logindisabled-without-mechanism-refuses-to-sign-in",
                   test_logindisabled_without_mechanism_refuses_to_sign_in);
  g_test_add_func ("/imap/session/bye-in-the-middle-of-a-fetch-fails-it",
                   test_bye_in_the_middle_of_a_fetch_fails_it);
  g_test_add_func ("/imap/session/cut-in-a-fetch-literal-fails-with-closed",
                   test_cut_in_a_fetch_literal_fails_with_closed);
  g_test_add_func ("/imap/session/malformed-reply-fails-the-fetch-but-not-the-session",
                   test_malformed_reply_fails_the_fetch_but_not_the_session);
  g_test_add_func ("/imap/session/append-without-literal-plus-waits-for-the-continuation",
                   test_append_without_literal_plus_waits_for_the_continuation);
  g_test_add_func ("/imap/session/refused-literal-frees-the-wire",
                   test_refused_literal_frees_the_wire);
  g_test_add_func ("/imap/session/idle-is-reissued-after-the-refresh-interval",
                   test_idle_is_reissued_after_the_refresh_interval);
  g_test_add_func ("/imap/session/a-command-ends-idle-and-goes-after-it",
                   test_a_command_ends_idle_and_goes_after_it);
  g_test_add_func ("/imap/session/commands-are-pipelined-and-select-waits",
                   test_commands_are_pipelined_and_select_waits);
  g_test_add_func ("/imap/session/select-is-never-pipelined", test_select_is_never_pipelined);
  g_test_add_func ("/imap/session/interleaved-store-replies-are-not-the-fetchs",
                   test_interleaved_store_replies_are_not_the_fetchs);
  g_test_add_func ("/imap/session/unsolicited-data-comes-as-signals", test_unsolicited_data_comes_as_signals);
  g_test_add_func ("/imap/session/silent-server-times-out-and-closes-the-session",
                   test_silent_server_times_out_and_closes_the_session);

  return g_test_run ();
}
