/* test-account-check-graph.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The check of an Exchange-style (Microsoft Graph) account against the
 * loopback Graph server, signed in at the test authorization server: what
 * the user sees for a mailbox that works, an untrusted certificate then
 * trusted, a sign-in that no longer works, a mailbox Graph cannot reach,
 * a server that is not there and one that never answers.
 */

#include "config.h"

#include <string.h>

#include "kabar-graph-test.h"
#include "test-account-check-support.h"

#define ADDRESS "alice@outlook.test"
#define NOT_ENABLED "The mailbox is either inactive, soft-deleted, or is hosted on-premise."

typedef struct
{
  KabarOAuthServer *oauth;
  KabarGraphServer *server;
  KabarAccount     *account;
} Fixture;

/* As the assistant makes it, with no outgoing server. */
static KabarAccount *
graph_account (KabarOAuthServer *oauth,
               KabarGraphServer *server,
               gboolean          pinned)
{
  KabarAccount *account = kabar_graph_test_new_account (oauth, server, ADDRESS, pinned);

  kabar_account_set_server (account, KABAR_SERVER_OUTGOING, NULL, 0, KABAR_SECURITY_IMPLICIT_TLS, NULL);
  return account;
}

/* foreign_tokens: a Graph server that knows nothing of the authorization
 * server's tokens, as when Graph refuses what Microsoft signed. */
static void
set_up (Fixture  *fixture,
        gboolean  foreign_tokens)
{
  fixture->oauth = kabar_graph_test_new_oauth ();
  fixture->server = kabar_graph_test_new_server (foreign_tokens ? NULL : fixture->oauth);
  kabar_graph_server_set_user (fixture->server, ADDRESS, "Alice Example");
  fixture->account = graph_account (fixture->oauth, fixture->server, TRUE);
  kabar_graph_test_sign_in (fixture->account);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  set_up (fixture, FALSE);
}

static void
fixture_set_up_foreign_tokens (Fixture       *fixture,
                               gconstpointer  data)
{
  set_up (fixture, TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->account);
  kabar_graph_server_free (fixture->server);
  kabar_oauth_server_free (fixture->oauth);
}

static KabarAccountCheck *
run_check (KabarAccount  *account,
           GError       **error)
{
  /* The secret is the mail sign-in's; Graph's token is the check's own. */
  return kabar_account_check_test_run (account, "not-a-graph-token", 0, error);
}

static void
assert_failed (Fixture                *fixture,
               KabarAccountCheck      *check,
               const GError           *error,
               KabarAccountCheckError  code,
               KabarAccountCheckStep   step)
{
  kabar_account_check_test_assert_failed (check, error, code, step, "127.0.0.1",
                                          kabar_graph_server_get_port (fixture->server));
}

/* --- tests ---------------------------------------------------------------------- */

static void
test_passes (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  check = run_check (fixture->account, &error);
  g_assert_no_error (error);
  /* No outgoing server: Graph sends with the mailbox. */
  kabar_account_check_test_assert_states (check, "PPPP ---");
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me"), ==, 2);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders"), ==, 1);
  /* Looking changed nothing. */
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "POST", "/"), ==, 0);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "PATCH", "/"), ==, 0);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "DELETE", "/"), ==, 0);
}

static void
test_certificate_then_trusted (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(KabarAccount) account = graph_account (fixture->oauth, fixture->server, FALSE);
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(KabarAccountCheck) again = NULL;
  g_autoptr(GError) error = NULL;
  KabarCertificateProblem *problem;

  kabar_graph_test_sign_in (account);
  check = run_check (account, &error);
  assert_failed (fixture, check, error, KABAR_ACCOUNT_CHECK_ERROR_CERTIFICATE, KABAR_ACCOUNT_CHECK_INCOMING_SECURE);
  kabar_account_check_test_assert_states (check, "PF-- ---");
  problem = kabar_account_check_get_certificate_problem (check);
  g_assert_nonnull (problem);
  g_assert_cmpstr (kabar_certificate_problem_get_host (problem), ==, "127.0.0.1");
  g_assert_cmpuint (kabar_certificate_problem_get_port (problem), ==, kabar_graph_server_get_port (fixture->server));
  g_assert_true (g_tls_certificate_is_same (kabar_certificate_problem_get_certificate (problem),
                                            kabar_graph_test_get_certificate ()));
  /* Nothing reached the server: the token stayed on this side. */
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, NULL, "/"), ==, 0);

  /* The user trusts it for this server, as the assistant's dialog does. */
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING,
                                        kabar_certificate_problem_get_certificate (problem));
  g_clear_error (&error);
  again = run_check (account, &error);
  g_assert_no_error (error);
  kabar_account_check_test_assert_states (again, "PPPP ---");
}

/* No token left to ask Graph with: the sign-in's own server refused. */
static void
test_revoked_refresh_token (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  kabar_oauth2_forget_resource_token (fixture->account, KABAR_OAUTH2_RESOURCE_GRAPH);
  kabar_oauth_server_revoke_refresh_tokens (fixture->oauth);
  check = run_check (fixture->account, &error);
  assert_failed (fixture, check, error, KABAR_ACCOUNT_CHECK_ERROR_SIGN_IN_REQUIRED,
                 KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN);
  /* The Graph host was never asked. */
  kabar_account_check_test_assert_states (check, "--F- ---");
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, NULL, "/"), ==, 0);
}

/* Graph refused the token it had, and a fresh one could not be had. */
static void
test_expired_and_revoked (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(KabarAccountCheck) first = NULL;
  g_autoptr(GError) error = NULL;

  first = run_check (fixture->account, &error);
  g_assert_no_error (error);
  kabar_graph_server_expire_access_tokens (fixture->server);
  kabar_oauth_server_revoke_refresh_tokens (fixture->oauth);
  check = run_check (fixture->account, &error);
  assert_failed (fixture, check, error, KABAR_ACCOUNT_CHECK_ERROR_SIGN_IN_REQUIRED,
                 KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN);
  kabar_account_check_test_assert_states (check, "PPF- ---");
  g_assert_nonnull (strstr (error->message, ADDRESS));
}

/* A fresh token is refused too (fixture: a Graph server that takes none
 * of them). */
static void
test_unauthorized_after_fresh_token (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  check = run_check (fixture->account, &error);
  assert_failed (fixture, check, error, KABAR_ACCOUNT_CHECK_ERROR_SIGN_IN_REQUIRED,
                 KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN);
  kabar_account_check_test_assert_states (check, "PPF- ---");
  /* The server's words. */
  g_assert_nonnull (strstr (error->message, "InvalidAuthenticationToken"));
  /* One retry, with a token fetched for it. */
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me"), ==, 2);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 1);
}

typedef struct
{
  guint       status;
  const char *code;
  const char *message;
} Refusal;

static const Refusal not_enabled_403 = { 403, "MailboxNotEnabledForRESTAPI", NOT_ENABLED };
static const Refusal not_enabled_404 = { 404, "MailboxNotEnabledForRESTAPI", NOT_ENABLED };
static const Refusal access_denied = { 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again." };

/* Signed in, but no mailbox behind it: the user learns it here, not from
 * an empty window. */
static void
test_mailbox_refused (Fixture       *fixture,
                      gconstpointer  data)
{
  const Refusal *refusal = data;
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  kabar_graph_server_refuse_mailbox (fixture->server, refusal->status, refusal->code, refusal->message);
  check = run_check (fixture->account, &error);
  assert_failed (fixture, check, error, KABAR_ACCOUNT_CHECK_ERROR_ACCESS_DISABLED, KABAR_ACCOUNT_CHECK_FOLDERS);
  kabar_account_check_test_assert_states (check, "PPPF ---");
  g_assert_nonnull (strstr (error->message, refusal->code));
  g_assert_nonnull (strstr (error->message, refusal->message));

  /* Once the mailbox is there, the same account passes. */
  kabar_graph_server_refuse_mailbox (fixture->server, 0, NULL, NULL);
  g_clear_object (&check);
  g_clear_error (&error);
  check = run_check (fixture->account, &error);
  g_assert_no_error (error);
  kabar_account_check_test_assert_states (check, "PPPP ---");
}

/* Not the mailbox, some other refusal: the server's words, as they came. */
static void
test_folders_failed (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  kabar_graph_server_add_fault (fixture->server, "GET", "/me/mailFolders", 1, KABAR_GRAPH_FAULT_500, FALSE);
  check = run_check (fixture->account, &error);
  assert_failed (fixture, check, error, KABAR_ACCOUNT_CHECK_ERROR_FAILED, KABAR_ACCOUNT_CHECK_FOLDERS);
  kabar_account_check_test_assert_states (check, "PPPF ---");
  g_assert_nonnull (strstr (error->message, "InternalServerError"));
}

static GSocketListener *
listen_on_loopback (guint16 *port)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                 &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return g_steal_pointer (&listener);
}

/* The account, signed in, with its Graph host moved to port. */
static KabarAccount *
account_on_port (Fixture *fixture,
                 guint16  port)
{
  KabarAccount *account = graph_account (fixture->oauth, fixture->server, TRUE);

  kabar_account_set_server (account, KABAR_SERVER_INCOMING, "127.0.0.1", port, KABAR_SECURITY_IMPLICIT_TLS,
                            ADDRESS);
  kabar_graph_test_sign_in (account);
  return account;
}

static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  guint16 port = 0;
  g_autoptr(GSocketListener) closed = listen_on_loopback (&port);
  g_autoptr(KabarAccount) account = NULL;
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  /* A port where nothing listens any more. */
  g_socket_listener_close (closed);
  account = account_on_port (fixture, port);
  check = run_check (account, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_CONNECTION_REFUSED,
                                          KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, "127.0.0.1", port);
  kabar_account_check_test_assert_states (check, "F--- ---");
}

/* A listener that takes connections and never says a word: the TLS
 * handshake gets no answer, and the check's time-out, not the client's
 * own, ends it. */
static void
test_silent_server_times_out (Fixture       *fixture,
                              gconstpointer  data)
{
  guint16 port = 0;
  g_autoptr(GSocketListener) silent = listen_on_loopback (&port);
  g_autoptr(KabarAccount) account = account_on_port (fixture, port);
  g_autoptr(KabarAccountCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  check = kabar_account_check_test_run (account, "not-a-graph-token", 2, &error);
  kabar_account_check_test_assert_failed (check, error, KABAR_ACCOUNT_CHECK_ERROR_TIMED_OUT,
                                          KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, "127.0.0.1", port);
  kabar_account_check_test_assert_states (check, "F--- ---");
  g_socket_listener_close (silent);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  kabar_graph_test_init ();

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/setup/check/graph/passes", test_passes, NULL);
  ADD ("/setup/check/graph/certificate-then-trusted", test_certificate_then_trusted, NULL);
  ADD ("/setup/check/graph/revoked-refresh-token", test_revoked_refresh_token, NULL);
  ADD ("/setup/check/graph/expired-and-revoked", test_expired_and_revoked, NULL);
  g_test_add ("/setup/check/graph/unauthorized-after-fresh-token", Fixture, NULL, fixture_set_up_foreign_tokens,
              test_unauthorized_after_fresh_token, fixture_tear_down);
  ADD ("/setup/check/graph/mailbox-not-enabled-403", test_mailbox_refused, &not_enabled_403);
  ADD ("/setup/check/graph/mailbox-not-enabled-404", test_mailbox_refused, &not_enabled_404);
  ADD ("/setup/check/graph/access-denied", test_mailbox_refused, &access_denied);
  ADD ("/setup/check/graph/folders-failed", test_folders_failed, NULL);
  ADD ("/setup/check/graph/connection-refused", test_connection_refused, NULL);
  ADD ("/setup/check/graph/silent-server-times-out", test_silent_server_times_out, NULL);
#undef ADD

  status = g_test_run ();
  kabar_graph_test_shutdown ();
  return status;
}
