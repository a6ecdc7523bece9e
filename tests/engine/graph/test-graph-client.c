/* test-graph-client.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Microsoft Graph client against the loopback Graph server, signed in
 * at the test authorization server: paging, links off the host, $batch,
 * throttling, expired and revoked sign-ins, the requests in flight and the
 * server's certificate.
 */

#include "config.h"

#include "kabar-graph-test.h"
#include "kabar-net-error.h"
#include "kabar-test-wait.h"

#define ADDRESS "alice@outlook.test"

/* The test's own OAuth server: the tests count its requests and revoke
 * its tokens. */
typedef struct
{
  KabarOAuthServer *oauth;
  KabarGraphServer *server;
  KabarAccount     *account;
  KabarGraphClient *client;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->oauth = kabar_graph_test_new_oauth ();
  fixture->server = kabar_graph_test_new_server (fixture->oauth);
  kabar_graph_server_set_user (fixture->server, ADDRESS, "Alice Example");
  fixture->account = kabar_graph_test_new_account (fixture->oauth, fixture->server, ADDRESS, TRUE);
  kabar_graph_test_sign_in (fixture->account);
  fixture->client = kabar_graph_client_new (fixture->account);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->account);
  kabar_graph_server_free (fixture->server);
  kabar_oauth_server_free (fixture->oauth);
}

/* --- helpers ---------------------------------------------------------------- */

static JsonNode *
request (KabarGraphClient  *client,
         const char        *method,
         const char        *path,
         JsonNode          *body,
         GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_graph_client_request_async (client, method, path, body, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_graph_client_request_finish (client, result, error);
}

static JsonObject *
get_me (KabarGraphClient  *client,
        GError           **error)
{
  g_autoptr(JsonNode) node = request (client, "GET", "/me", NULL, error);

  if (node == NULL)
    return NULL;
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_dup_object (node);
}

static void
assert_me (KabarGraphClient *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = get_me (client, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (me, "mail"), ==, ADDRESS);
  g_assert_cmpstr (json_object_get_string_member (me, "displayName"), ==, "Alice Example");
}

typedef struct
{
  GPtrArray *ids;
  GArray    *sizes;
  guint      stop_after;  /* 0: never */
} Collected;

static gboolean
collect (JsonArray  *items,
         gpointer    user_data,
         GError    **error)
{
  Collected *collected = user_data;
  guint n = json_array_get_length (items);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (collected->ids,
                     g_strdup (json_object_get_string_member (json_array_get_object_element (items, i), "id")));
  g_array_append_val (collected->sizes, n);
  if (collected->stop_after > 0 && collected->sizes->len == collected->stop_after)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "The store is full");
      return FALSE;
    }
  return TRUE;
}

static void
collected_init (Collected *collected)
{
  collected->ids = g_ptr_array_new_with_free_func (g_free);
  collected->sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  collected->stop_after = 0;
}

static void
collected_clear (Collected *collected)
{
  g_ptr_array_unref (collected->ids);
  g_array_unref (collected->sizes);
}

static char *
get_pages (KabarGraphClient  *client,
           const char        *path,
           guint              page_size,
           Collected         *collected,
           GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_graph_client_get_pages_async (client, path, page_size, collect, collected, NULL,
                                      kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_graph_client_get_pages_finish (client, result, error);
}

static gboolean
run_batch (KabarGraphClient  *client,
           KabarGraphBatch   *batch,
           GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_graph_client_run_batch_async (client, batch, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_graph_client_run_batch_finish (client, result, error);
}

static GPtrArray *
add_messages (Fixture    *fixture,
              const char *folder_id,
              guint       n)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("From: Bob <bob@example.test>\r\n"
                                               "To: Alice <" ADDRESS ">\r\n"
                                               "Subject: Message %u\r\n"
                                               "Date: Sun, 22 Nov 2026 10:%02u:00 +0000\r\n"
                                               "Message-ID: <m%u@example.test>\r\n"
                                               "\r\n"
                                               "Body %u\r\n", i, i % 60, i, i);
      g_autoptr(GBytes) mime = g_bytes_new (text, strlen (text));
      char *id = kabar_graph_server_add_message (fixture->server, folder_id, mime, FALSE, FALSE);

      g_assert_nonnull (id);
      g_ptr_array_add (ids, id);
    }
  return ids;
}

static void
assert_same_ids (GPtrArray *got,
                 GPtrArray *expected)
{
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_true (g_ptr_array_find_with_equal_func (got, g_ptr_array_index (expected, i), g_str_equal, NULL));
}

/* --- tests -------------------------------------------------------------------- */

static void
test_me (Fixture       *fixture,
         gconstpointer  data)
{
  g_autofree char *base = g_strdup_printf ("https://127.0.0.1:%u/v1.0", kabar_graph_server_get_port (fixture->server));

  g_assert_cmpstr (kabar_graph_client_get_base_uri (fixture->client), ==, base);
  assert_me (fixture->client);
  g_assert_null (kabar_graph_client_get_certificate_problem (fixture->client));
  /* The token the sign-in got served: no refresh was needed. */
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 0);
}

static void
test_base_uri_default_port (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(KabarAccount) account = kabar_account_new ();
  g_autoptr(KabarGraphClient) client = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_set_address (account, ADDRESS);
  kabar_account_set_incoming_kind (account, KABAR_INCOMING_GRAPH);
  kabar_account_set_auth_method (account, KABAR_AUTH_OAUTH2);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, "graph.microsoft.com", 443,
                            KABAR_SECURITY_IMPLICIT_TLS, ADDRESS);
  /* No outgoing server: Graph sends the mail. */
  g_assert_true (kabar_account_validate (account, &error));
  g_assert_no_error (error);
  client = kabar_graph_client_new (account);
  g_assert_cmpstr (kabar_graph_client_get_base_uri (client), ==, "https://graph.microsoft.com/v1.0");

  /* But it still needs the Graph host. */
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, NULL, 0, KABAR_SECURITY_IMPLICIT_TLS, NULL);
  g_assert_false (kabar_account_validate (account, &error));
  g_assert_error (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_INVALID);
}

static void
test_pages (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *inbox = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autoptr(GPtrArray) ids = add_messages (fixture, inbox, 7);
  g_autofree char *path = g_strdup_printf ("/me/mailFolders/%s/messages/delta", inbox);
  g_autoptr(GError) error = NULL;
  g_autofree char *delta_link = NULL;
  g_autofree char *base = NULL;
  Collected collected;

  collected_init (&collected);
  delta_link = get_pages (fixture->client, path, 3, &collected, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (collected.sizes->len, ==, 3);
  g_assert_cmpuint (g_array_index (collected.sizes, guint, 0), ==, 3);
  g_assert_cmpuint (g_array_index (collected.sizes, guint, 1), ==, 3);
  g_assert_cmpuint (g_array_index (collected.sizes, guint, 2), ==, 1);
  assert_same_ids (collected.ids, ids);
  base = g_strconcat (kabar_graph_client_get_base_uri (fixture->client), "/", NULL);
  g_assert_true (g_str_has_prefix (delta_link, base));
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders/"), ==, 3);
  collected_clear (&collected);
}

static void
test_pages_delta_link (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *inbox = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autoptr(GPtrArray) ids = add_messages (fixture, inbox, 4);
  g_autofree char *path = g_strdup_printf ("/me/mailFolders/%s/messages/delta", inbox);
  g_autoptr(GError) error = NULL;
  g_autofree char *delta_link = NULL;
  g_autofree char *next_link = NULL;
  Collected collected;

  collected_init (&collected);
  delta_link = get_pages (fixture->client, path, 0, &collected, &error);
  g_assert_no_error (error);
  assert_same_ids (collected.ids, ids);
  collected_clear (&collected);

  /* Only what changed since the link. */
  kabar_graph_server_set_read (fixture->server, g_ptr_array_index (ids, 2), TRUE);
  collected_init (&collected);
  next_link = get_pages (fixture->client, delta_link, 0, &collected, &error);
  g_assert_no_error (error);
  g_assert_nonnull (next_link);
  g_assert_cmpuint (collected.ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (collected.ids, 0), ==, g_ptr_array_index (ids, 2));
  collected_clear (&collected);
}

static void
test_collection (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *delta_link = NULL;
  Collected collected;

  /* The six well-known folders, two a page; no delta link. */
  collected_init (&collected);
  delta_link = get_pages (fixture->client, "/me/mailFolders", 2, &collected, &error);
  g_assert_no_error (error);
  g_assert_null (delta_link);
  g_assert_cmpuint (collected.ids->len, ==, 6);
  g_assert_cmpuint (collected.sizes->len, ==, 3);
  collected_clear (&collected);

  /* The page function stops it with its error. */
  collected_init (&collected);
  collected.stop_after = 1;
  delta_link = get_pages (fixture->client, "/me/mailFolders", 2, &collected, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_null (delta_link);
  g_assert_cmpuint (collected.sizes->len, ==, 1);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders"), ==, 4);
  collected_clear (&collected);
}

static void
test_foreign_links (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *inbox = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autoptr(GPtrArray) ids = add_messages (fixture, inbox, 5);
  g_autofree char *path = g_strdup_printf ("/me/mailFolders/%s/messages/delta", inbox);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *link = NULL;
  Collected collected;

  kabar_graph_server_set_foreign_next_links (fixture->server, TRUE);

  /* A nextLink elsewhere: refused before anything of that page is used. */
  collected_init (&collected);
  link = get_pages (fixture->client, path, 2, &collected, &error);
  g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL);
  g_assert_null (link);
  g_assert_cmpuint (collected.ids->len, ==, 0);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders/"), ==, 1);
  g_clear_error (&error);
  collected_clear (&collected);

  /* A deltaLink elsewhere, on a single page. */
  collected_init (&collected);
  link = get_pages (fixture->client, path, 0, &collected, &error);
  g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL);
  g_assert_null (link);
  g_assert_cmpuint (collected.ids->len, ==, 0);
  g_clear_error (&error);
  collected_clear (&collected);

  /* A full URL elsewhere never gets the token. */
  node = request (fixture->client, "GET", "https://graph.example.test/v1.0/me", NULL, &error);
  g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL);
  g_assert_null (node);
  g_clear_error (&error);
  node = request (fixture->client, "GET", "http://127.0.0.1:1/v1.0/me", NULL, &error);
  g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, NULL, "/me"), ==, 2);
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = request (fixture->client, "GET", "/me/messages/AAMkAGone", NULL, &error);

  g_assert_null (node);
  g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND);
  /* What failed, and the server's own code. */
  g_assert_nonnull (strstr (error->message, "GET /me/messages/AAMkAGone"));
  g_assert_nonnull (strstr (error->message, "ErrorItemNotFound"));
}

static void
test_batch (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *inbox = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autoptr(GPtrArray) ids = add_messages (fixture, inbox, 44);
  g_autoptr(KabarGraphBatch) batch = kabar_graph_batch_new ();
  g_autoptr(JsonNode) read = json_from_string ("{\"isRead\": true}", NULL);
  g_autoptr(GError) error = NULL;
  guint gone = 0;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/me/messages/%s", (char *) g_ptr_array_index (ids, i));

      /* One of them was deleted on another device. */
      if (i == 30)
        gone = kabar_graph_batch_add (batch, "PATCH", "/me/messages/AAMkAGone", read);
      g_assert_cmpuint (kabar_graph_batch_add (batch, "PATCH", path, read), ==, i + (i >= 30));
    }
  g_assert_cmpuint (kabar_graph_batch_get_size (batch), ==, 45);

  g_assert_true (run_batch (fixture->client, batch, &error));
  g_assert_no_error (error);
  /* 20 + 20 + 5, each sent once. */
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "POST", "/$batch"), ==, 3);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "PATCH", "/me/messages/"), ==, 45);
  for (guint i = 0; i < 45; i++)
    {
      g_autoptr(JsonNode) body = NULL;
      gboolean ok = kabar_graph_batch_get_result (batch, i, &body, &error);

      if (i == gone)
        {
          g_assert_false (ok);
          g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND);
          g_assert_nonnull (strstr (error->message, "ErrorItemNotFound"));
          g_clear_error (&error);
          continue;
        }
      g_assert_no_error (error);
      g_assert_true (ok);
      /* The answer is the message as it is now. */
      g_assert_nonnull (body);
      g_assert_true (json_object_get_boolean_member (json_node_get_object (body), "isRead"));
    }
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) message = kabar_graph_server_get_message (fixture->server, g_ptr_array_index (ids, i));

      g_assert_true (json_object_get_boolean_member (message, "isRead"));
    }
}

static void
test_batch_throttled (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *inbox = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autoptr(GPtrArray) ids = add_messages (fixture, inbox, 5);
  g_autoptr(KabarGraphBatch) batch = kabar_graph_batch_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) left = NULL;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/me/messages/%s", (char *) g_ptr_array_index (ids, i));

      kabar_graph_batch_add (batch, "DELETE", path, NULL);
    }
  kabar_graph_server_throttle (fixture->server, 2, 429, 1);
  g_assert_true (run_batch (fixture->client, batch, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    {
      g_assert_true (kabar_graph_batch_get_result (batch, i, NULL, &error));
      g_assert_no_error (error);
    }
  left = kabar_graph_server_list_messages (fixture->server, inbox);
  g_assert_cmpuint (left->len, ==, 0);
  /* The throttled ones went again, after their Retry-After. */
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "POST", "/$batch"), ==, 2);
}

static void
test_batch_throttled_out (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *inbox = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autoptr(GPtrArray) ids = add_messages (fixture, inbox, 1);
  g_autofree char *path = g_strdup_printf ("/me/messages/%s", (char *) g_ptr_array_index (ids, 0));
  g_autoptr(KabarGraphBatch) batch = kabar_graph_batch_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) left = NULL;
  JsonNode *body = NULL;

  /* Still throttled after the retries: that request fails, not the batch. */
  kabar_graph_client_set_max_retries (fixture->client, 1);
  kabar_graph_batch_add (batch, "DELETE", path, NULL);
  kabar_graph_server_throttle (fixture->server, 2, 503, 0);
  g_assert_true (run_batch (fixture->client, batch, &error));
  g_assert_no_error (error);
  g_assert_false (kabar_graph_batch_get_result (batch, 0, &body, &error));
  g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_THROTTLED);
  g_assert_nonnull (strstr (error->message, "DELETE /me/messages/"));
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "POST", "/$batch"), ==, 2);
  left = kabar_graph_server_list_messages (fixture->server, inbox);
  g_assert_cmpuint (left->len, ==, 1);
  g_clear_pointer (&body, json_node_unref);
}

static void
test_throttled (Fixture       *fixture,
                gconstpointer  data)
{
  guint status = GPOINTER_TO_UINT (data);

  kabar_graph_server_throttle (fixture->server, 1, status, 1);
  assert_me (fixture->client);
  /* Once refused, once again after the wait. */
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me"), ==, 2);
}

static void
test_throttled_out (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = NULL;

  kabar_graph_client_set_max_retries (fixture->client, 2);
  kabar_graph_server_throttle (fixture->server, 3, 429, 0);
  me = get_me (fixture->client, &error);
  g_assert_null (me);
  g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_THROTTLED);
  g_assert_nonnull (strstr (error->message, "GET /me"));
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me"), ==, 3);
  /* The server let go: the next one goes through. */
  assert_me (fixture->client);
}

static void
test_expired_token (Fixture       *fixture,
                    gconstpointer  data)
{
  assert_me (fixture->client);
  kabar_graph_server_expire_access_tokens (fixture->server);
  assert_me (fixture->client);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me"), ==, 3);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 1);
  /* The fresh one is kept. */
  assert_me (fixture->client);
  g_assert_cmpuint (kabar_oauth_server_count_requests (fixture->oauth, "refresh_token"), ==, 1);
}

static void
test_revoked (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = NULL;

  assert_me (fixture->client);
  kabar_graph_server_expire_access_tokens (fixture->server);
  kabar_oauth_server_revoke_refresh_tokens (fixture->oauth);
  me = get_me (fixture->client, &error);
  g_assert_null (me);
  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED);
  g_assert_nonnull (strstr (error->message, ADDRESS));
}

typedef struct
{
  guint done;
  guint failed;
} Many;

static void
on_me (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  Many *many = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kabar_graph_client_request_finish (KABAR_GRAPH_CLIENT (source), result, &error);

  if (node == NULL)
    {
      g_test_message ("GET /me failed: %s", error->message);
      many->failed++;
    }
  many->done++;
}

static void
test_in_flight (Fixture       *fixture,
                gconstpointer  data)
{
  Many many = { 0, };

  for (guint i = 0; i < 12; i++)
    kabar_graph_client_request_async (fixture->client, "GET", "/me", NULL, NULL, on_me, &many);
  while (many.done < 12)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (many.failed, ==, 0);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me"), ==, 12);
  g_assert_cmpuint (kabar_graph_server_get_max_in_flight (fixture->server), <=, 4);
}

static void
test_cancel_waiting (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  /* Cancelled while it waits out a Retry-After: it ends without going
   * again. */
  kabar_graph_server_throttle (fixture->server, 1, 429, 30);
  kabar_graph_client_request_async (fixture->client, "GET", "/me", NULL, cancellable, kabar_test_wait_done, &slot);
  while (kabar_graph_server_count_requests (fixture->server, "GET", "/me") == 0)
    kabar_test_spin (10);
  /* The 429 is answered and read before the wait begins. */
  kabar_test_spin (100);
  g_cancellable_cancel (cancellable);
  result = kabar_test_wait (&slot);
  node = kabar_graph_client_request_finish (fixture->client, result, &error);
  g_assert_null (node);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me"), ==, 1);
}

typedef struct
{
  guint   done;
  guint   cancelled;
} Counted;

static void
on_counted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Counted *counted = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kabar_graph_client_request_finish (KABAR_GRAPH_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    counted->cancelled++;
  else
    g_assert_no_error (error);
  counted->done++;
}

static void
test_cancel_queued (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Counted counted = { 0, };

  /* Four take the slots; the four queued behind them are cancelled before
   * they get one, and never reach the server. */
  for (guint i = 0; i < 4; i++)
    kabar_graph_client_request_async (fixture->client, "GET", "/me", NULL, NULL, on_counted, &counted);
  for (guint i = 0; i < 4; i++)
    kabar_graph_client_request_async (fixture->client, "GET", "/me/mailFolders", NULL, cancellable, on_counted,
                                      &counted);
  g_cancellable_cancel (cancellable);
  while (counted.done < 8)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (counted.cancelled, ==, 4);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders"), ==, 0);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me"), ==, 4);
}

static void
test_server_faults (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(JsonNode) folder = NULL;
  g_autoptr(JsonNode) node = NULL;

  kabar_graph_server_add_fault (fixture->server, "GET", "/me", 1, KABAR_GRAPH_FAULT_500, FALSE);
  me = get_me (fixture->client, &error);
  g_assert_null (me);
  g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "GET /me on 127.0.0.1"));
  g_clear_error (&error);

  /* A cut connection is the network's usual error. (libsoup sends a GET
   * cut on a kept-alive connection again by itself: a POST it does not.) */
  assert_me (fixture->client);
  kabar_graph_server_add_fault (fixture->server, "POST", "/me/mailFolders", 1, KABAR_GRAPH_FAULT_CUT, FALSE);
  folder = json_from_string ("{\"displayName\": \"Projects\"}", NULL);
  node = request (fixture->client, "POST", "/me/mailFolders", folder, &error);
  g_assert_null (node);
  g_assert_nonnull (error);
  g_assert_true (error->domain == KABAR_NET_ERROR);
  g_assert_nonnull (strstr (error->message, "POST /me/mailFolders on 127.0.0.1"));
  g_assert_null (kabar_graph_server_find_folder (fixture->server, "Projects"));
  g_clear_error (&error);

  assert_me (fixture->client);
}

static void
test_certificate (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(KabarAccount) account = kabar_graph_test_new_account (fixture->oauth, fixture->server, ADDRESS,
                                                                 FALSE);
  g_autoptr(KabarGraphClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = NULL;
  KabarCertificateProblem *problem;

  kabar_graph_test_sign_in (account);
  client = kabar_graph_client_new (account);
  me = get_me (client, &error);
  g_assert_null (me);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE);
  problem = kabar_graph_client_get_certificate_problem (client);
  g_assert_nonnull (problem);
  g_assert_cmpstr (kabar_certificate_problem_get_host (problem), ==, "127.0.0.1");
  g_assert_cmpuint (kabar_certificate_problem_get_port (problem), ==, kabar_graph_server_get_port (fixture->server));
  g_assert_true (g_tls_certificate_is_same (kabar_certificate_problem_get_certificate (problem),
                                            kabar_graph_test_get_certificate ()));
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, NULL, "/me"), ==, 0);

  /* The user trusts it for this server. */
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING,
                                        kabar_certificate_problem_get_certificate (problem));
  assert_me (client);
}

/* A client of the account on a thread of its own (as the service's check
 * and its body prefetch have), sending requests all at once. */
static gpointer
send_many_in_thread (gpointer data)
{
  KabarAccount *account = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  KabarGraphClient *client;
  Many many = { 0, };

  g_main_context_push_thread_default (context);
  client = kabar_graph_client_new (account);
  for (guint i = 0; i < 8; i++)
    kabar_graph_client_request_async (client, "GET", "/me", NULL, NULL, on_me, &many);
  while (many.done < 8)
    g_main_context_iteration (context, TRUE);
  g_object_unref (client);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  return GUINT_TO_POINTER (many.failed);
}

static void
test_in_flight_account (Fixture       *fixture,
                        gconstpointer  data)
{
  GThread *threads[3];

  /* Microsoft counts the requests of a mailbox, whichever connection
   * they come on. */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("graph-client", send_many_in_thread, fixture->account);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 0);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me"), ==, 24);
  g_assert_cmpuint (kabar_graph_server_get_max_in_flight (fixture->server), <=, 4);
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
  ADD ("/graph/client/me", test_me, NULL);
  ADD ("/graph/client/base-uri", test_base_uri_default_port, NULL);
  ADD ("/graph/client/pages", test_pages, NULL);
  ADD ("/graph/client/pages-delta-link", test_pages_delta_link, NULL);
  ADD ("/graph/client/collection", test_collection, NULL);
  ADD ("/graph/client/foreign-links", test_foreign_links, NULL);
  ADD ("/graph/client/not-found", test_not_found, NULL);
  ADD ("/graph/client/batch", test_batch, NULL);
  ADD ("/graph/client/batch-throttled", test_batch_throttled, NULL);
  ADD ("/graph/client/batch-throttled-out", test_batch_throttled_out, NULL);
  ADD ("/graph/client/throttled-429", test_throttled, GUINT_TO_POINTER (429));
  ADD ("/graph/client/throttled-503", test_throttled, GUINT_TO_POINTER (503));
  ADD ("/graph/client/throttled-out", test_throttled_out, NULL);
  ADD ("/graph/client/expired-token", test_expired_token, NULL);
  ADD ("/graph/client/revoked", test_revoked, NULL);
  ADD ("/graph/client/in-flight", test_in_flight, NULL);
  ADD ("/graph/client/certificate", test_certificate, NULL);
  ADD ("/graph/client/cancel-waiting", test_cancel_waiting, NULL);
  ADD ("/graph/client/cancel-queued", test_cancel_queued, NULL);
  ADD ("/graph/client/server-faults", test_server_faults, NULL);
  ADD ("/graph/client/in-flight-account", test_in_flight_account, NULL);
#undef ADD

  status = g_test_run ();
  kabar_graph_test_shutdown ();
  return status;
}
