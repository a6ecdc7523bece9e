/* test-oauth2.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The browser sign-in and the token refresh against the test
 * authorization server (Microsoft's behaviour), with the real keyring of
 * tests/kabar-test-session.
 */

#include "config.h"

#include <libsoup/soup.h>

#include "kabar-oauth2-test.h"
#include "kabar-secrets.h"
#include "kabar-test-wait.h"

#define ADDRESS "someone@outlook.test"

typedef struct
{
  KabarOAuthServer *server;
  KabarAccount     *account;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = kabar_oauth_server_new (NULL, &error);
  g_assert_no_error (error);
  kabar_oauth_server_add_client (fixture->server, KABAR_OAUTH2_TEST_CLIENT_ID);
  fixture->account = kabar_oauth2_test_account (fixture->server, ADDRESS);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->account);
  kabar_oauth_server_free (fixture->server);
}

static void
test_sign_in (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;
  g_autofree char *token = kabar_oauth2_test_sign_in (fixture->account, &page, &error);
  g_autofree char *refresh_token = NULL;
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (token, "EwB"));
  g_assert_nonnull (strstr (page, "You can close this tab and go back to Kabar."));
  g_assert_null (strstr (page, "failed"));
  refresh_token = kabar_oauth2_test_lookup_refresh_token (fixture->account);
  g_assert_true (g_str_has_prefix (refresh_token, "M.C5_BAY"));
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->server, "authorization_code"), ==, 1);

  /* The services get the flow's token without a refresh. */
  again = kabar_oauth2_test_get_token (fixture->account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, token);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->server, "refresh_token"), ==, 0);
}

static void
assert_sign_in_fails (Fixture          *fixture,
                      int               code,
                      const char       *words)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;
  g_autofree char *token = kabar_oauth2_test_sign_in (fixture->account, &page, &error);
  g_autofree char *refresh_token = NULL;

  g_assert_error (error, KABAR_OAUTH2_ERROR, code);
  g_assert_null (token);
  g_assert_nonnull (strstr (error->message, words));
  /* The browser tab says what failed, in the server's words too. */
  g_assert_nonnull (strstr (page, "Signing in failed: "));
  g_assert_nonnull (strstr (page, words));
  refresh_token = kabar_oauth2_test_lookup_refresh_token (fixture->account);
  g_assert_null (refresh_token);
}

static void
test_denied (Fixture       *fixture,
             gconstpointer  data)
{
  kabar_oauth_server_set_denied (fixture->server, TRUE);
  assert_sign_in_fails (fixture, KABAR_OAUTH2_ERROR_DENIED, "AADSTS65004");
}

static void
test_unknown_client (Fixture       *fixture,
                     gconstpointer  data)
{
  kabar_account_set_oauth2_client_id (fixture->account, "not-registered");
  assert_sign_in_fails (fixture, KABAR_OAUTH2_ERROR_CLIENT_REFUSED, "AADSTS700016");
}

static void
test_no_client_id (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(KabarOAuth2Flow) flow = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  /* Test builds have no client ID of their own. */
  g_assert_null (kabar_oauth2_get_builtin_client_id ());
  kabar_account_set_oauth2_client_id (fixture->account, NULL);
  flow = kabar_oauth2_flow_new (fixture->account);
  uri = kabar_oauth2_flow_start (flow, &error);
  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_NO_CLIENT_ID);
  g_assert_null (uri);
}

static void
test_insecure_authority (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(KabarOAuth2Flow) flow = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  kabar_account_set_oauth2_authority (fixture->account, "http://login.example.com");
  flow = kabar_oauth2_flow_new (fixture->account);
  uri = kabar_oauth2_flow_start (flow, &error);
  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_INSECURE);
  g_assert_null (uri);
}

static void
test_authorization_uri (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(KabarOAuth2Flow) flow = kabar_oauth2_flow_new (fixture->account);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autofree char *prefix = NULL;
  const char *verifier_challenge;

  kabar_account_set_oauth2_tenant (fixture->account, "common");
  uri = kabar_oauth2_flow_start (flow, &error);
  g_assert_no_error (error);
  prefix = g_strdup_printf ("%s/common/oauth2/v2.0/authorize?", kabar_oauth_server_get_authority (fixture->server));
  g_assert_true (g_str_has_prefix (uri, prefix));
  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  query = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_WWW_FORM, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (query, "client_id"), ==, KABAR_OAUTH2_TEST_CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (query, "response_mode"), ==, "query");
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (query, "login_hint"), ==, ADDRESS);
  g_assert_true (g_str_has_prefix (g_hash_table_lookup (query, "redirect_uri"), "http://127.0.0.1:"));
  g_assert_nonnull (strstr (g_hash_table_lookup (query, "scope"), "https://outlook.office.com/SMTP.Send"));
  g_assert_nonnull (strstr (g_hash_table_lookup (query, "scope"), "offline_access"));
  verifier_challenge = g_hash_table_lookup (query, "code_challenge");
  /* base64url of SHA-256, without padding. */
  g_assert_cmpuint (strlen (verifier_challenge), ==, 43);
  g_assert_null (strpbrk (verifier_challenge, "+/="));
  g_assert_cmpuint (strlen (g_hash_table_lookup (query, "state")), >=, 16);
}

/* Plays the browser by hand: the authorization server's redirect is
 * read, not followed. */
static char *
get_redirect (const char *uri)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 302);
  return g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (message), "Location"));
}

typedef struct
{
  char  *uri;
  char  *page;
  gint   done;
} Visit;

static gpointer
visit (gpointer data)
{
  Visit *visit = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, visit->uri);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, message, NULL, NULL);

  visit->page = body != NULL ? g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)) : NULL;
  g_atomic_int_set (&visit->done, TRUE);
  return NULL;
}

/* The flow's answer to the browser coming back at uri. */
static char *
come_back (KabarOAuth2Flow  *flow,
           const char       *uri,
           char            **page,
           GError          **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Visit visitor = { (char *) uri, NULL, 0 };
  GThread *thread = g_thread_new ("browser", visit, &visitor);
  char *token;

  kabar_oauth2_flow_wait_async (flow, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  token = kabar_oauth2_flow_wait_finish (flow, result, error);
  while (!g_atomic_int_get (&visitor.done))
    kabar_test_spin (10);
  g_thread_join (thread);
  *page = visitor.page;
  return token;
}

static void
test_wrong_verifier (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(KabarOAuth2Flow) flow = kabar_oauth2_flow_new (fixture->account);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = kabar_oauth2_flow_start (flow, &error);
  g_autofree char *location = get_redirect (uri);
  g_autoptr(GUri) parsed = g_uri_parse (location, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_autofree char *token_uri = g_strdup_printf ("%s/consumers/oauth2/v2.0/token",
                                                kabar_oauth_server_get_authority (fixture->server));
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *form = NULL;
  g_autofree char *page = NULL;
  g_autofree char *token = NULL;
  g_autofree char *redirect_uri = g_strdup_printf ("http://%s:%d/", g_uri_get_host (parsed), g_uri_get_port (parsed));

  /* Someone who caught the code but not the verifier cannot use it. */
  form = soup_form_encode ("client_id", KABAR_OAUTH2_TEST_CLIENT_ID, "grant_type", "authorization_code",
                           "code", g_hash_table_lookup (params, "code"), "redirect_uri", redirect_uri,
                           "code_verifier", "a-verifier-that-is-not-the-one-the-challenge-was-made-of",
                           NULL);
  message = soup_message_new (SOUP_METHOD_POST, token_uri);
  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded",
                                            g_bytes_new_take (g_steal_pointer (&form), strlen (form)));
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 400);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "invalid_grant"));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "AADSTS501481"));

  /* The code was spent by that attempt: the app is told so. */
  token = come_back (flow, location, &page, &error);
  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "AADSTS70000"));
  g_assert_null (token);
  g_assert_nonnull (strstr (page, "Signing in failed"));
}

static void
test_state_mismatch (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(KabarOAuth2Flow) flow = kabar_oauth2_flow_new (fixture->account);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = kabar_oauth2_flow_start (flow, &error);
  g_autofree char *location = get_redirect (uri);
  g_autoptr(GUri) parsed = g_uri_parse (location, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_autofree char *forged = g_strdup_printf ("http://%s:%d/?code=%s&state=another-sign-in",
                                             g_uri_get_host (parsed), g_uri_get_port (parsed),
                                             (char *) g_hash_table_lookup (params, "code"));
  g_autofree char *page = NULL;
  g_autofree char *token = come_back (flow, forged, &page, &error);

  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_PROTOCOL);
  g_assert_null (token);
  g_assert_nonnull (strstr (page, "Signing in failed"));
  /* The code never went to the token endpoint. */
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->server, "authorization_code"), ==, 0);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(KabarOAuth2Flow) flow = kabar_oauth2_flow_new (fixture->account);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = kabar_oauth2_flow_start (flow, &error);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *token = NULL;
  g_autofree char *location = get_redirect (uri);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GUri) parsed = g_uri_parse (location, G_URI_FLAGS_NONE, NULL);

  kabar_oauth2_flow_wait_async (flow, cancellable, kabar_test_wait_done, &slot);
  kabar_test_spin (20);
  g_cancellable_cancel (cancellable);
  result = kabar_test_wait (&slot);
  token = kabar_oauth2_flow_wait_finish (flow, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (token);
  g_clear_error (&error);
  /* Nothing listens any more. */
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (parsed), g_uri_get_port (parsed),
                                                NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
sign_in (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;
  g_autofree char *token = kabar_oauth2_test_sign_in (fixture->account, &page, &error);

  g_assert_no_error (error);
}

static void
test_refresh_rotates (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *stored = NULL;

  sign_in (fixture);
  first = kabar_oauth2_test_lookup_refresh_token (fixture->account);
  kabar_oauth2_forget_access_token (fixture->account);
  second = kabar_oauth2_test_get_token (fixture->account, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (second, "EwB"));
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->server, "refresh_token"), ==, 1);
  stored = kabar_oauth2_test_lookup_refresh_token (fixture->account);
  g_assert_true (g_str_has_prefix (stored, "M.C5_BAY"));
  g_assert_cmpstr (stored, !=, first);
}

/* Revoked (a changed password) or expired (unused for 90 days): the
 * user is asked to sign in again, in Microsoft's words, and a new sign-in
 * gives a refresh token that works. */
typedef struct
{
  void        (*refuse) (KabarOAuthServer *server);
  const char   *code;
} Refusal;

static const Refusal revoked = { kabar_oauth_server_revoke_refresh_tokens, "AADSTS70000" };
static const Refusal expired = { kabar_oauth_server_expire_refresh_tokens, "AADSTS700082" };

static void
test_refresh_refused (Fixture       *fixture,
                      gconstpointer  data)
{
  const Refusal *refusal = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *again = NULL;

  sign_in (fixture);
  refusal->refuse (fixture->server);
  kabar_oauth2_forget_access_token (fixture->account);
  token = kabar_oauth2_test_get_token (fixture->account, &error);
  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED);
  g_assert_nonnull (strstr (error->message, ADDRESS));
  g_assert_nonnull (strstr (error->message, refusal->code));
  g_assert_null (token);

  g_clear_error (&error);
  sign_in (fixture);
  kabar_oauth2_forget_access_token (fixture->account);
  again = kabar_oauth2_test_get_token (fixture->account, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (again, "EwB"));
}

static void
test_never_signed_in (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = kabar_oauth2_test_get_token (fixture->account, &error);

  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED);
  g_assert_null (token);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->server, "refresh_token"), ==, 0);
}

/* A token is used until 5 minutes before its end: with an hour, never
 * refreshed; with a minute, refreshed for every use. */
static void
test_cache (Fixture       *fixture,
            gconstpointer  data)
{
  guint lifetime = GPOINTER_TO_UINT (data);
  guint expected = lifetime > 300 ? 0 : 3;

  kabar_oauth_server_set_token_lifetime (fixture->server, lifetime);
  sign_in (fixture);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *token = kabar_oauth2_test_get_token (fixture->account, &error);

      g_assert_no_error (error);
      g_assert_nonnull (token);
    }
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->server, "refresh_token"), ==, expected);
}

static void
add (const char    *path,
     gconstpointer  data,
     void         (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, fixture_set_up, test, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add ("/oauth2/flow/sign-in", NULL, test_sign_in);
  add ("/oauth2/flow/authorization-uri", NULL, test_authorization_uri);
  add ("/oauth2/flow/denied", NULL, test_denied);
  add ("/oauth2/flow/unknown-client", NULL, test_unknown_client);
  add ("/oauth2/flow/no-client-id", NULL, test_no_client_id);
  add ("/oauth2/flow/insecure-authority", NULL, test_insecure_authority);
  add ("/oauth2/flow/wrong-verifier", NULL, test_wrong_verifier);
  add ("/oauth2/flow/state-mismatch", NULL, test_state_mismatch);
  add ("/oauth2/flow/cancel", NULL, test_cancel);
  add ("/oauth2/refresh/rotates", NULL, test_refresh_rotates);
  add ("/oauth2/refresh/revoked", &revoked, test_refresh_refused);
  add ("/oauth2/refresh/expired", &expired, test_refresh_refused);
  add ("/oauth2/refresh/never-signed-in", NULL, test_never_signed_in);
  add ("/oauth2/refresh/cached-for-an-hour", GUINT_TO_POINTER (3600), test_cache);
  add ("/oauth2/refresh/short-lived", GUINT_TO_POINTER (60), test_cache);
  return g_test_run ();
}
