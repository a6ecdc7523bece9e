/* test-graph-tokens.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tokens for Microsoft Graph and for the mail protocols from the one
 * sign-in: the browser flow's scopes by account kind, a token request of
 * its own for each resource, the refresh token rotated between them, and
 * the Graph server taking only the Graph token.
 */

#include "config.h"

#include <libsoup/soup.h>

#include "kabar-graph-test.h"
#include "kabar-test-wait.h"

#define ADDRESS "alice@outlook.test"

#define GRAPH_SCOPES \
  "https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Mail.Send " \
  "https://graph.microsoft.com/Contacts.Read https://graph.microsoft.com/Calendars.Read " \
  "https://graph.microsoft.com/Tasks.ReadWrite https://graph.microsoft.com/User.Read offline_access"
#define MAIL_SCOPES \
  "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All " \
  "https://outlook.office.com/SMTP.Send offline_access"

/* The test's own OAuth server: the tests count its requests and revoke
 * its tokens. */
typedef struct
{
  KabarOAuthServer *oauth;
  KabarGraphServer *server;
  KabarAccount     *account;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->oauth = kabar_graph_test_new_oauth ();
  fixture->server = kabar_graph_test_new_server (fixture->oauth);
  fixture->account = kabar_graph_test_new_account (fixture->oauth, fixture->server, ADDRESS, FALSE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->account);
  kabar_graph_server_free (fixture->server);
  kabar_oauth_server_free (fixture->oauth);
}

static char *
flow_scope (KabarAccount *account)
{
  g_autoptr(KabarOAuth2Flow) flow = kabar_oauth2_flow_new (account);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = kabar_oauth2_flow_start (flow, &error);
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GHashTable) query = NULL;

  g_assert_no_error (error);
  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, &error);
  g_assert_no_error (error);
  query = soup_form_decode (g_uri_get_query (parsed));
  return g_strdup (g_hash_table_lookup (query, "scope"));
}

static char *
get_token (KabarAccount        *account,
           KabarOAuth2Resource  resource,
           GError             **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_oauth2_get_resource_token_async (account, resource, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_oauth2_get_resource_token_finish (result, error);
}

static gboolean
accept_any (SoupMessage          *message,
            GTlsCertificate      *certificate,
            GTlsCertificateFlags  errors,
            gpointer              user_data)
{
  return TRUE;
}

/* The status the Graph server answers GET /me with for the token. */
static guint
graph_status_for (Fixture    *fixture,
                  const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strdup_printf ("https://127.0.0.1:%u/v1.0/me",
                                          kabar_graph_server_get_port (fixture->server));
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_any), NULL);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  body = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  return soup_message_get_status (message);
}

/* Which scopes the token was asked with, as the authorization server
 * saw them. */
static void
assert_resource (Fixture    *fixture,
                 const char *token,
                 const char *resource)
{
  g_autofree char *got = kabar_oauth_server_get_token_resource (fixture->oauth, token);

  g_assert_cmpstr (got, ==, resource);
}

static void
test_flow_scopes (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *graph = flow_scope (fixture->account);
  g_autofree char *mail = NULL;

  g_assert_cmpstr (graph, ==, GRAPH_SCOPES);
  kabar_account_set_incoming_kind (fixture->account, KABAR_INCOMING_IMAP);
  mail = flow_scope (fixture->account);
  g_assert_cmpstr (mail, ==, MAIL_SCOPES);
}

static char *
sign_in (KabarAccount *account)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;
  char *token = kabar_oauth2_test_sign_in (account, &page, &error);

  g_assert_no_error (error);
  g_assert_nonnull (token);
  return token;
}

/* A resource the sign-in did not ask for: the user has to consent, so
 * signing in again is the way, and the server's words say why. */
static void
assert_not_consented (Fixture             *fixture,
                      KabarOAuth2Resource  resource)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = get_token (fixture->account, resource, &error);

  g_assert_null (token);
  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED);
  g_assert_nonnull (strstr (error->message, "AADSTS65001"));
}

static void
test_graph_sign_in (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *signed_in = sign_in (fixture->account);
  g_autofree char *first_refresh = kabar_oauth2_test_lookup_refresh_token (fixture->account);
  g_autofree char *second_refresh = NULL;
  g_autofree char *graph = NULL;
  g_autofree char *again = NULL;

  /* The sign-in's token is the Graph one: no refresh for it. */
  graph = get_token (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graph, ==, signed_in);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 0);
  assert_resource (fixture, graph, "graph");
  g_assert_cmpuint (graph_status_for (fixture, graph), ==, 200);

  /* A fresh one from the refresh token asks for the Graph scopes again
   * (a request without them would get a mail token); the rotated refresh
   * token is stored. */
  kabar_oauth2_forget_resource_token (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH);
  again = get_token (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, !=, graph);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 1);
  assert_resource (fixture, again, "graph");
  g_assert_cmpuint (graph_status_for (fixture, again), ==, 200);
  second_refresh = kabar_oauth2_test_lookup_refresh_token (fixture->account);
  g_assert_cmpstr (second_refresh, !=, first_refresh);

  /* The mail protocols' token is a request of its own, for their scopes,
   * which this sign-in did not cover; the Graph token stays. */
  assert_not_consented (fixture, KABAR_OAUTH2_RESOURCE_MAIL);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 2);
  g_clear_pointer (&graph, g_free);
  graph = get_token (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (graph, ==, again);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 2);
}

static void
test_mail_sign_in (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *signed_in = NULL;
  g_autofree char *mail = NULL;

  kabar_account_set_incoming_kind (fixture->account, KABAR_INCOMING_IMAP);
  signed_in = sign_in (fixture->account);
  assert_resource (fixture, signed_in, "mail");
  g_assert_cmpuint (graph_status_for (fixture, signed_in), ==, 401);

  /* The mail token is the sign-in's; Graph's needs a request of its own,
   * for the Graph scopes, which this sign-in did not cover. */
  mail = get_token (fixture->account, KABAR_OAUTH2_RESOURCE_MAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mail, ==, signed_in);
  assert_not_consented (fixture, KABAR_OAUTH2_RESOURCE_GRAPH);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 1);
  kabar_oauth2_forget_access_token (fixture->account);
  g_clear_pointer (&mail, g_free);
  mail = kabar_oauth2_test_get_token (fixture->account, &error);
  g_assert_no_error (error);
  assert_resource (fixture, mail, "mail");
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 2);
}

typedef struct
{
  char     *token;
  GError   *error;
  gboolean  done;
} Got;

static void
on_got (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Got *got = user_data;

  got->token = kabar_oauth2_get_resource_token_finish (result, &got->error);
  got->done = TRUE;
}

static void
test_both_at_once (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *signed_in = sign_in (fixture->account);
  Got graph = { NULL, }, mail = { NULL, }, graph2 = { NULL, };

  kabar_oauth2_forget_resource_token (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH);
  /* Refreshes asked for together go one after the other, the later one
   * with the refresh token the earlier one rotated; the Graph ones share
   * one request. */
  kabar_oauth2_get_resource_token_async (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH, NULL, on_got, &graph);
  kabar_oauth2_get_resource_token_async (fixture->account, KABAR_OAUTH2_RESOURCE_MAIL, NULL, on_got, &mail);
  kabar_oauth2_get_resource_token_async (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH, NULL, on_got, &graph2);
  while (!graph.done || !mail.done || !graph2.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (graph.error);
  g_assert_no_error (graph2.error);
  g_assert_cmpstr (graph.token, ==, graph2.token);
  g_assert_cmpstr (graph.token, !=, signed_in);
  assert_resource (fixture, graph.token, "graph");
  g_assert_error (mail.error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED);
  g_assert_null (mail.token);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 2);
  g_free (graph.token);
  g_free (graph2.token);
  g_error_free (mail.error);
}

typedef struct
{
  KabarAccount *account;
  gint          asked;
  char         *token;
  GError       *error;
} Worker;

static gpointer
ask_for_mail (gpointer data)
{
  Worker *worker = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_main_context_push_thread_default (context);
  kabar_oauth2_get_resource_token_async (worker->account, KABAR_OAUTH2_RESOURCE_MAIL, NULL, kabar_test_wait_done,
                                         &slot);
  g_atomic_int_set (&worker->asked, TRUE);
  result = kabar_test_wait (&slot);
  worker->token = kabar_oauth2_get_resource_token_finish (result, &worker->error);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_other_thread (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *signed_in = sign_in (fixture->account);
  Worker worker = { fixture->account, FALSE, NULL, NULL };
  Got graph = { NULL, };
  GThread *thread;

  /* A service thread asks for the mail token while this one's Graph
   * refresh runs. Once its own token is there this thread stops running
   * its context: the mail refresh must go on on the worker's. */
  kabar_oauth2_forget_resource_token (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH);
  kabar_oauth2_get_resource_token_async (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH, NULL, on_got, &graph);
  thread = g_thread_new ("service", ask_for_mail, &worker);
  while (!g_atomic_int_get (&worker.asked))
    g_usleep (1000);
  while (!graph.done)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);

  g_assert_no_error (graph.error);
  assert_resource (fixture, graph.token, "graph");
  /* The Graph sign-in did not cover the mail scopes. */
  g_assert_error (worker.error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 2);
  g_free (graph.token);
  g_error_free (worker.error);
}

static void
test_revoked (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *signed_in = sign_in (fixture->account);
  g_autofree char *token = NULL;

  kabar_oauth_server_revoke_refresh_tokens (fixture->oauth);
  kabar_oauth2_forget_resource_token (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH);
  token = get_token (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH, &error);
  g_assert_null (token);
  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED);
  g_clear_error (&error);
  token = get_token (fixture->account, KABAR_OAUTH2_RESOURCE_MAIL, &error);
  g_assert_null (token);
  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  kabar_graph_test_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/graph/tokens/flow-scopes", test_flow_scopes);
  ADD ("/graph/tokens/graph-sign-in", test_graph_sign_in);
  ADD ("/graph/tokens/mail-sign-in", test_mail_sign_in);
  ADD ("/graph/tokens/both-at-once", test_both_at_once);
  ADD ("/graph/tokens/other-thread", test_other_thread);
  ADD ("/graph/tokens/revoked", test_revoked);
#undef ADD

  status = g_test_run ();
  kabar_graph_test_shutdown ();
  return status;
}
