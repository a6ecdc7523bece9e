/* test-graph-server.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Graph test server checked from the outside with a plain libsoup
 * client, as Microsoft documents Graph: the engine's tests trust it.
 */

#include <libsoup/soup.h>
#include <string.h>

#include "kabar-graph-server.h"

#define TOKEN "EwBgraph-test-token"

typedef struct
{
  KabarTestBed     *bed;
  KabarGraphServer *server;
  SoupSession      *session;
  char             *token;
} Fixture;

typedef struct
{
  guint               status;
  JsonNode           *json;
  GBytes             *body;
  SoupMessageHeaders *headers;
  GError             *error;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->json, json_node_unref);
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_clear_pointer (&answer->headers, soup_message_headers_unref);
  g_clear_error (&answer->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static gboolean
accept_bed_certificate (SoupMessage          *message,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors,
                        gpointer              data)
{
  Fixture *fixture = data;

  return g_tls_certificate_is_same (certificate, kabar_test_bed_get_certificate (fixture->bed));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  fixture->server = kabar_graph_server_new (kabar_test_bed_get_certificate (fixture->bed), NULL, &error);
  g_assert_no_error (error);
  kabar_graph_server_add_token (fixture->server, TOKEN);
  fixture->token = g_strdup (TOKEN);
  fixture->session = soup_session_new_with_options ("max-conns-per-host", 8, "timeout", 30, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->server, kabar_graph_server_free);
  g_clear_object (&fixture->bed);
  g_free (fixture->token);
}

static char *
url_of (Fixture    *fixture,
        const char *path)
{
  if (g_str_has_prefix (path, "https://"))
    return g_strdup (path);
  return g_strconcat (kabar_graph_server_get_base_uri (fixture->server), path, NULL);
}

static SoupMessage *
new_message (Fixture    *fixture,
             const char *method,
             const char *path,
             const char *content_type,
             const char *body,
             const char *prefer)
{
  g_autofree char *url = url_of (fixture, path);
  SoupMessage *message = soup_message_new (method, url);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", fixture->token);

  g_assert_nonnull (message);
  g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_bed_certificate), fixture);
  if (fixture->token != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  if (prefer != NULL)
    soup_message_headers_append (soup_message_get_request_headers (message), "Prefer", prefer);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, content_type, bytes);
    }
  return message;
}

static void
read_answer (SoupMessage *message,
             GBytes      *body,
             Answer      *answer)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (message), NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  answer->status = soup_message_get_status (message);
  answer->headers = soup_message_headers_ref (soup_message_get_response_headers (message));
  answer->body = body;
  if (type != NULL && g_str_equal (type, "application/json"))
    {
      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                                 g_bytes_get_size (body), NULL));
      answer->json = json_node_ref (json_parser_get_root (parser));
    }
}

/* Blocking: the server answers from its own thread. */
static void
send_full (Fixture    *fixture,
           const char *method,
           const char *path,
           const char *content_type,
           const char *body,
           const char *prefer,
           Answer     *answer)
{
  g_autoptr(SoupMessage) message = new_message (fixture, method, path, content_type, body, prefer);
  GBytes *bytes = soup_session_send_and_read (fixture->session, message, NULL, &answer->error);

  if (bytes != NULL)
    read_answer (message, bytes, answer);
}

static void
send_json (Fixture    *fixture,
           const char *method,
           const char *path,
           const char *json,
           Answer     *answer)
{
  send_full (fixture, method, path, json != NULL ? "application/json" : NULL, json, NULL, answer);
  g_assert_no_error (answer->error);
}

static JsonObject *
answer_object (Answer *answer)
{
  g_assert_nonnull (answer->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer->json));
  return json_node_get_object (answer->json);
}

static const char *
error_code (Answer *answer)
{
  JsonObject *error = json_object_get_object_member (answer_object (answer), "error");

  g_assert_nonnull (error);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
  return json_object_get_string_member (error, "code");
}

static GBytes *
make_mime (const char *subject,
           const char *to,
           const char *message_id)
{
  g_autofree char *text = g_strdup_printf ("From: Bob Example <bob@kabar.test>\r\n"
                                           "To: %s\r\n"
                                           "Subject: %s\r\n"
                                           "Date: Tue, 03 Nov 2026 10:20:30 +0100\r\n"
                                           "Message-ID: <%s>\r\n"
                                           "MIME-Version: 1.0\r\n"
                                           "Content-Type: text/plain; charset=utf-8\r\n"
                                           "\r\n"
                                           "Hello   there,\r\nsee you\r\n",
                                           to, subject, message_id);

  return g_bytes_new (text, strlen (text));
}

static char *
add_message (Fixture    *fixture,
             const char *folder,
             const char *subject)
{
  g_autofree char *folder_id = kabar_graph_server_find_folder (fixture->server, folder);
  g_autofree char *message_id = g_strdup_printf ("%s@kabar.test", subject);
  g_autoptr(GBytes) mime = make_mime (subject, "Alice <alice@kabar.test>", message_id);
  char *id = kabar_graph_server_add_message (fixture->server, folder_id, mime, FALSE, FALSE);

  g_assert_nonnull (id);
  return id;
}

/* One delta round from path: every page followed. Returns the deltaLink;
 * items (id -> object) and removed (ids) collect what the pages said. */
static char *
delta_round (Fixture    *fixture,
             const char *path,
             guint       page_size,
             GHashTable *items,
             GPtrArray  *removed,
             guint      *n_pages)
{
  g_autofree char *prefer = page_size > 0 ? g_strdup_printf ("odata.maxpagesize=%u", page_size) : NULL;
  g_autofree char *next = g_strdup (path);
  g_autofree char *base = g_strconcat (kabar_graph_server_get_base_uri (fixture->server), "/", NULL);

  *n_pages = 0;
  for (;;)
    {
      g_auto(Answer) answer = { 0, };
      JsonObject *page;
      JsonArray *value;

      send_full (fixture, "GET", next, NULL, NULL, prefer, &answer);
      g_assert_no_error (answer.error);
      g_assert_cmpuint (answer.status, ==, 200);
      page = answer_object (&answer);
      value = json_object_get_array_member (page, "value");
      (*n_pages)++;
      if (page_size > 0)
        g_assert_cmpuint (json_array_get_length (value), <=, page_size);
      for (guint i = 0; i < json_array_get_length (value); i++)
        {
          JsonObject *item = json_array_get_object_element (value, i);
          const char *id = json_object_get_string_member (item, "id");

          /* Once a round. */
          g_assert_false (g_hash_table_contains (items, id));
          g_assert_false (g_ptr_array_find_with_equal_func (removed, id, g_str_equal, NULL));
          if (json_object_has_member (item, "@removed"))
            {
              g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "@removed"),
                                                              "reason"), ==, "deleted");
              g_ptr_array_add (removed, g_strdup (id));
            }
          else
            g_hash_table_insert (items, g_strdup (id), json_object_ref (item));
        }
      g_free (next);
      next = NULL;
      if (json_object_has_member (page, "@odata.nextLink"))
        {
          next = g_strdup (json_object_get_string_member (page, "@odata.nextLink"));
          g_assert_true (g_str_has_prefix (next, base));
          g_assert_nonnull (strstr (next, "$skiptoken="));
          g_assert_false (json_object_has_member (page, "@odata.deltaLink"));
          continue;
        }
      next = g_strdup (json_object_get_string_member (page, "@odata.deltaLink"));
      g_assert_nonnull (next);
      g_assert_true (g_str_has_prefix (next, base));
      g_assert_nonnull (strstr (next, "$deltatoken="));
      return g_steal_pointer (&next);
    }
}

static GHashTable *
new_items (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
}

/* --- tests ----------------------------------------------------------------- */

static void
test_me_and_tokens (Fixture       *fixture,
                    gconstpointer  data)
{
  g_auto(Answer) me = { 0, };
  g_auto(Answer) none = { 0, };
  g_auto(Answer) wrong = { 0, };
  g_auto(Answer) expired = { 0, };

  send_json (fixture, "GET", "/me", NULL, &me);
  g_assert_cmpuint (me.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer_object (&me), "mail"), ==, "alice@kabar.test");

  g_clear_pointer (&fixture->token, g_free);
  send_json (fixture, "GET", "/me", NULL, &none);
  g_assert_cmpuint (none.status, ==, 401);
  g_assert_cmpstr (error_code (&none), ==, "InvalidAuthenticationToken");

  fixture->token = g_strdup ("EwBnot-issued");
  send_json (fixture, "GET", "/me", NULL, &wrong);
  g_assert_cmpuint (wrong.status, ==, 401);

  g_free (fixture->token);
  fixture->token = g_strdup (TOKEN);
  kabar_graph_server_expire_access_tokens (fixture->server);
  send_json (fixture, "GET", "/me/mailFolders", NULL, &expired);
  g_assert_cmpuint (expired.status, ==, 401);
  g_assert_cmpstr (error_code (&expired), ==, "InvalidAuthenticationToken");
}

static guint
count_messages (Fixture    *fixture,
                const char *folder_id)
{
  g_autoptr(GPtrArray) ids = kabar_graph_server_list_messages (fixture->server, folder_id);

  return ids->len;
}

static void
test_folders (Fixture       *fixture,
              gconstpointer  data)
{
  static const char *const names[] = { "Inbox", "Sent Items", "Drafts", "Deleted Items", "Junk Email", "Archive" };
  g_autoptr(GHashTable) items = new_items ();
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *inbox = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autofree char *link = NULL;
  g_autofree char *path = NULL;
  g_autofree char *lists = NULL;
  g_auto(Answer) created = { 0, };
  g_auto(Answer) clash = { 0, };
  g_auto(Answer) renamed = { 0, };
  g_auto(Answer) well_known = { 0, };
  g_auto(Answer) gone = { 0, };
  g_auto(Answer) distinguished = { 0, };
  guint pages;
  const char *lists_id;

  link = delta_round (fixture, "/me/mailFolders/delta", 0, items, removed, &pages);
  g_assert_cmpuint (g_hash_table_size (items), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = kabar_graph_server_find_folder (fixture->server, names[i]);
      JsonObject *folder = g_hash_table_lookup (items, id);

      g_assert_nonnull (folder);
      g_assert_cmpstr (json_object_get_string_member (folder, "displayName"), ==, names[i]);
    }

  /* Made by the client, under the Inbox; a second of that name refused. */
  path = g_strdup_printf ("/me/mailFolders/%s/childFolders", inbox);
  send_json (fixture, "POST", path, "{\"displayName\": \"Lists\"}", &created);
  g_assert_cmpuint (created.status, ==, 201);
  lists_id = json_object_get_string_member (answer_object (&created), "id");
  lists = kabar_graph_server_find_folder (fixture->server, "Inbox/Lists");
  g_assert_cmpstr (lists, ==, lists_id);
  send_json (fixture, "POST", path, "{\"displayName\": \"Lists\"}", &clash);
  g_assert_cmpuint (clash.status, ==, 409);
  g_assert_cmpstr (error_code (&clash), ==, "ErrorFolderExists");

  g_hash_table_remove_all (items);
  g_free (link);
  link = delta_round (fixture, "/me/mailFolders/delta", 0, items, removed, &pages);
  g_assert_true (g_hash_table_contains (items, lists));
  g_assert_cmpstr (json_object_get_string_member (g_hash_table_lookup (items, lists), "parentFolderId"), ==, inbox);

  g_free (path);
  path = g_strdup_printf ("/me/mailFolders/%s", lists);
  send_json (fixture, "PATCH", path, "{\"displayName\": \"Mailing lists\"}", &renamed);
  g_assert_cmpuint (renamed.status, ==, 200);
  send_json (fixture, "GET", "/me/mailFolders/SentItems", NULL, &well_known);
  g_assert_cmpuint (well_known.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer_object (&well_known), "displayName"), ==, "Sent Items");

  g_hash_table_remove_all (items);
  {
    g_autofree char *next = delta_round (fixture, link, 0, items, removed, &pages);

    g_assert_cmpuint (g_hash_table_size (items), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (g_hash_table_lookup (items, lists), "displayName"), ==,
                     "Mailing lists");
    g_free (link);
    link = g_steal_pointer (&next);
  }

  g_free (path);
  path = g_strdup_printf ("/me/mailFolders/%s", inbox);
  send_json (fixture, "DELETE", path, NULL, &distinguished);
  g_assert_cmpuint (distinguished.status, ==, 403);
  kabar_graph_server_delete_folder (fixture->server, lists);
  g_free (path);
  path = g_strdup_printf ("/me/mailFolders/%s", lists);
  send_json (fixture, "GET", path, NULL, &gone);
  g_assert_cmpuint (gone.status, ==, 404);
  g_assert_cmpstr (error_code (&gone), ==, "ErrorItemNotFound");
  g_hash_table_remove_all (items);
  {
    g_autofree char *next = delta_round (fixture, link, 0, items, removed, &pages);
  }
  g_assert_true (g_ptr_array_find_with_equal_func (removed, lists, g_str_equal, NULL));
}

static void
test_delta_paging (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *inbox = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autofree char *archive = kabar_graph_server_find_folder (fixture->server, "archive");
  g_autofree char *path = g_strdup_printf ("/me/mailFolders/%s/messages/delta", inbox);
  g_autofree char *archive_path = g_strdup_printf ("/me/mailFolders/%s/messages/delta", archive);
  g_autoptr(GHashTable) items = new_items ();
  g_autoptr(GHashTable) archived = new_items ();
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) listed = NULL;
  g_autofree char *link = NULL;
  g_autofree char *archive_link = NULL;
  g_autofree char *fresh = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *deleted = NULL;
  g_autofree char *read = NULL;
  guint pages;

  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *subject = g_strdup_printf ("m%u", i);
      g_autofree char *id = add_message (fixture, "inbox", subject);
    }
  archive_link = delta_round (fixture, archive_path, 0, archived, removed, &pages);
  g_assert_cmpuint (g_hash_table_size (archived), ==, 0);

  link = delta_round (fixture, path, 3, items, removed, &pages);
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (removed->len, ==, 0);
  listed = kabar_graph_server_list_messages (fixture->server, inbox);
  g_assert_cmpuint (listed->len, ==, 7);
  for (guint i = 0; i < listed->len; i++)
    {
      JsonObject *item = g_hash_table_lookup (items, g_ptr_array_index (listed, i));

      g_assert_nonnull (item);
      g_assert_cmpstr (json_object_get_string_member (item, "parentFolderId"), ==, inbox);
    }

  /* Nothing changed: an empty round. */
  g_hash_table_remove_all (items);
  {
    g_autofree char *same = delta_round (fixture, link, 3, items, removed, &pages);

    g_assert_cmpuint (g_hash_table_size (items), ==, 0);
    g_assert_cmpuint (pages, ==, 1);
  }

  /* Another device: one read twice (shown once, as it is now), one
   * deleted, one moved to the Archive, one new. */
  read = g_strdup (g_ptr_array_index (listed, 0));
  deleted = g_strdup (g_ptr_array_index (listed, 1));
  moved = g_strdup (g_ptr_array_index (listed, 2));
  g_assert_true (kabar_graph_server_set_read (fixture->server, read, TRUE));
  g_assert_true (kabar_graph_server_set_flagged (fixture->server, read, TRUE));
  g_assert_true (kabar_graph_server_delete_message (fixture->server, deleted));
  g_assert_true (kabar_graph_server_move_message (fixture->server, moved, archive));
  fresh = add_message (fixture, "inbox", "m7");
  {
    g_autofree char *next = delta_round (fixture, link, 2, items, removed, &pages);
    JsonObject *item = g_hash_table_lookup (items, read);

    g_assert_cmpuint (g_hash_table_size (items), ==, 2);
    g_assert_nonnull (item);
    g_assert_true (json_object_get_boolean_member (item, "isRead"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "flag"), "flagStatus"),
                     ==, "flagged");
    g_assert_true (g_hash_table_contains (items, fresh));
    g_assert_cmpuint (removed->len, ==, 2);
    g_assert_true (g_ptr_array_find_with_equal_func (removed, deleted, g_str_equal, NULL));
    g_assert_true (g_ptr_array_find_with_equal_func (removed, moved, g_str_equal, NULL));
  }
  /* The move keeps the id: the Archive's delta shows it. */
  g_ptr_array_set_size (removed, 0);
  {
    g_autofree char *next = delta_round (fixture, archive_link, 0, archived, removed, &pages);
  }
  g_assert_cmpuint (g_hash_table_size (archived), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_hash_table_lookup (archived, moved), "parentFolderId"),
                   ==, archive);
  g_assert_cmpuint (removed->len, ==, 0);
}

static void
test_delta_refused (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *inbox = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autofree char *path = g_strdup_printf ("/me/mailFolders/%s/messages/delta", inbox);
  g_autoptr(GHashTable) items = new_items ();
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *link = NULL;
  g_autofree char *again = NULL;
  g_autofree char *first = add_message (fixture, "inbox", "first");
  g_autofree char *second = add_message (fixture, "inbox", "second");
  g_auto(Answer) page = { 0, };
  g_auto(Answer) refused = { 0, };
  g_auto(Answer) skip_refused = { 0, };
  const char *next;
  guint pages;

  link = delta_round (fixture, path, 0, items, removed, &pages);
  send_full (fixture, "GET", path, NULL, NULL, "odata.maxpagesize=1", &page);
  g_assert_no_error (page.error);
  next = json_object_get_string_member (answer_object (&page), "@odata.nextLink");
  g_assert_nonnull (next);

  kabar_graph_server_refuse_delta_tokens (fixture->server);
  send_json (fixture, "GET", link, NULL, &refused);
  g_assert_cmpuint (refused.status, ==, 410);
  g_assert_cmpstr (error_code (&refused), ==, "syncStateNotFound");
  send_json (fixture, "GET", next, NULL, &skip_refused);
  g_assert_cmpuint (skip_refused.status, ==, 410);

  /* Starting over works, and its tokens are good. */
  g_hash_table_remove_all (items);
  again = delta_round (fixture, path, 0, items, removed, &pages);
  g_assert_cmpuint (g_hash_table_size (items), ==, 2);
  g_hash_table_remove_all (items);
  {
    g_autofree char *next_link = delta_round (fixture, again, 0, items, removed, &pages);

    g_assert_cmpuint (g_hash_table_size (items), ==, 0);
  }
}

static void
test_messages (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *inbox = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autofree char *archive = kabar_graph_server_find_folder (fixture->server, "archive");
  g_autofree char *id = add_message (fixture, "inbox", "Lunch");
  g_autofree char *path = g_strdup_printf ("/me/messages/%s", id);
  g_autofree char *value_path = g_strdup_printf ("/me/messages/%s/$value", id);
  g_autofree char *move_path = g_strdup_printf ("/me/messages/%s/move", id);
  g_autofree char *copy_path = g_strdup_printf ("/me/messages/%s/copy", id);
  g_autofree char *destination = g_strdup_printf ("{\"destinationId\": \"%s\"}", archive);
  g_autoptr(GBytes) mime = kabar_graph_server_get_mime (fixture->server, id);
  g_auto(Answer) got = { 0, };
  g_auto(Answer) value = { 0, };
  g_auto(Answer) patched = { 0, };
  g_auto(Answer) moved = { 0, };
  g_auto(Answer) copied = { 0, };
  g_auto(Answer) deleted = { 0, };
  g_auto(Answer) gone = { 0, };
  g_autoptr(JsonObject) stored = NULL;
  JsonObject *message;
  JsonObject *from;
  JsonArray *to;

  send_json (fixture, "GET", path, NULL, &got);
  g_assert_cmpuint (got.status, ==, 200);
  message = answer_object (&got);
  g_assert_cmpstr (json_object_get_string_member (message, "subject"), ==, "Lunch");
  from = json_object_get_object_member (json_object_get_object_member (message, "from"), "emailAddress");
  g_assert_cmpstr (json_object_get_string_member (from, "name"), ==, "Bob Example");
  g_assert_cmpstr (json_object_get_string_member (from, "address"), ==, "bob@kabar.test");
  to = json_object_get_array_member (message, "toRecipients");
  g_assert_cmpuint (json_array_get_length (to), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (to, 0),
                                                                                 "emailAddress"), "address"),
                   ==, "alice@kabar.test");
  g_assert_cmpstr (json_object_get_string_member (message, "receivedDateTime"), ==, "2026-11-03T09:20:30Z");
  g_assert_cmpstr (json_object_get_string_member (message, "internetMessageId"), ==, "<Lunch@kabar.test>");
  g_assert_cmpstr (json_object_get_string_member (message, "bodyPreview"), ==, "Hello there, see you");
  g_assert_false (json_object_get_boolean_member (message, "isRead"));
  g_assert_false (json_object_get_boolean_member (message, "hasAttachments"));
  g_assert_cmpstr (json_object_get_string_member (message, "parentFolderId"), ==, inbox);

  send_json (fixture, "GET", value_path, NULL, &value);
  g_assert_cmpuint (value.status, ==, 200);
  g_assert_true (g_bytes_equal (value.body, mime));

  send_json (fixture, "PATCH", path, "{\"isRead\": true, \"flag\": {\"flagStatus\": \"flagged\"}}", &patched);
  g_assert_cmpuint (patched.status, ==, 200);
  stored = kabar_graph_server_get_message (fixture->server, id);
  g_assert_true (json_object_get_boolean_member (stored, "isRead"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (stored, "flag"), "flagStatus"),
                   ==, "flagged");
  g_assert_cmpstr (json_object_get_string_member (stored, "changeKey"), !=,
                   json_object_get_string_member (message, "changeKey"));

  /* Immutable ids: a move keeps it, a copy has its own. */
  send_json (fixture, "POST", move_path, destination, &moved);
  g_assert_cmpuint (moved.status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (answer_object (&moved), "id"), ==, id);
  g_assert_cmpuint (count_messages (fixture, inbox), ==, 0);
  send_json (fixture, "POST", copy_path, "{\"destinationId\": \"inbox\"}", &copied);
  g_assert_cmpuint (copied.status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (answer_object (&copied), "id"), !=, id);
  g_assert_cmpstr (json_object_get_string_member (answer_object (&copied), "parentFolderId"), ==, inbox);

  /* Both have the Message-ID: a filtered collection, one a page, keeps
   * its filter on the next page. */
  {
    g_autoptr(GHashTable) items = new_items ();
    g_autofree char *next = NULL;

    for (guint page = 0; page < 2; page++)
      {
        g_auto(Answer) filtered = { 0, };
        JsonArray *found;

        send_full (fixture, "GET", page == 0 ? "/me/messages?$filter=internetMessageId%20eq%20'%3CLunch@kabar.test%3E'" : next,
                   NULL, NULL, "odata.maxpagesize=1", &filtered);
        g_assert_cmpuint (filtered.status, ==, 200);
        found = json_object_get_array_member (answer_object (&filtered), "value");
        g_assert_cmpuint (json_array_get_length (found), ==, 1);
        g_hash_table_insert (items, g_strdup (json_object_get_string_member (json_array_get_object_element (found, 0), "id")),
                             json_object_ref (json_array_get_object_element (found, 0)));
        if (page == 0)
          {
            next = g_strdup (json_object_get_string_member (answer_object (&filtered), "@odata.nextLink"));
            g_assert_nonnull (next);
            g_assert_nonnull (strstr (next, "$skiptoken="));
          }
        else
          g_assert_false (json_object_has_member (answer_object (&filtered), "@odata.nextLink"));
      }
    g_assert_cmpuint (g_hash_table_size (items), ==, 2);
    g_assert_true (g_hash_table_contains (items, id));
  }

  send_json (fixture, "DELETE", path, NULL, &deleted);
  g_assert_cmpuint (deleted.status, ==, 204);
  g_assert_null (kabar_graph_server_get_message (fixture->server, id));
  send_json (fixture, "GET", path, NULL, &gone);
  g_assert_cmpuint (gone.status, ==, 404);
  g_assert_cmpstr (error_code (&gone), ==, "ErrorItemNotFound");
}

static void
test_send_and_create (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *sent = kabar_graph_server_find_folder (fixture->server, "sentitems");
  g_autofree char *inbox = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autofree char *drafts = kabar_graph_server_find_folder (fixture->server, "drafts");
  g_autoptr(GBytes) to_self = make_mime ("Note to self", "alice@kabar.test", "self@kabar.test");
  g_autoptr(GBytes) to_bob = make_mime ("For Bob", "bob@kabar.test", "bob-1@kabar.test");
  g_autofree char *self_text = g_base64_encode (g_bytes_get_data (to_self, NULL), g_bytes_get_size (to_self));
  g_autofree char *bob_text = g_base64_encode (g_bytes_get_data (to_bob, NULL), g_bytes_get_size (to_bob));
  g_autofree char *drafts_path = g_strdup_printf ("/me/mailFolders/%s/messages", drafts);
  g_auto(Answer) first = { 0, };
  g_auto(Answer) second = { 0, };
  g_auto(Answer) as_json = { 0, };
  g_auto(Answer) found = { 0, };
  g_auto(Answer) draft = { 0, };
  g_autoptr(GPtrArray) sent_ids = NULL;
  g_autoptr(GPtrArray) inbox_ids = NULL;
  g_autoptr(GBytes) stored = NULL;
  JsonArray *value;

  send_full (fixture, "POST", "/me/sendMail", "text/plain", self_text, NULL, &first);
  g_assert_no_error (first.error);
  g_assert_cmpuint (first.status, ==, 202);
  send_full (fixture, "POST", "/me/sendMail", "text/plain", bob_text, NULL, &second);
  g_assert_cmpuint (second.status, ==, 202);
  sent_ids = kabar_graph_server_list_messages (fixture->server, sent);
  inbox_ids = kabar_graph_server_list_messages (fixture->server, inbox);
  g_assert_cmpuint (sent_ids->len, ==, 2);
  g_assert_cmpuint (inbox_ids->len, ==, 1);
  stored = kabar_graph_server_get_mime (fixture->server, g_ptr_array_index (inbox_ids, 0));
  g_assert_true (g_bytes_equal (stored, to_self));

  /* Not base64 MIME as text/plain: refused. */
  send_json (fixture, "POST", "/me/sendMail", "{\"message\": {}}", &as_json);
  g_assert_cmpuint (as_json.status, >=, 400);
  g_assert_cmpuint (count_messages (fixture, sent), ==, 2);

  send_json (fixture, "GET", "/me/mailFolders/sentitems/messages?$filter=internetMessageId%20eq%20'%3Cbob-1@kabar.test%3E'",
             NULL, &found);
  g_assert_cmpuint (found.status, ==, 200);
  value = json_object_get_array_member (answer_object (&found), "value");
  g_assert_cmpuint (json_array_get_length (value), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (value, 0), "subject"), ==, "For Bob");

  send_full (fixture, "POST", drafts_path, "text/plain", bob_text, NULL, &draft);
  g_assert_cmpuint (draft.status, ==, 201);
  g_assert_true (json_object_get_boolean_member (answer_object (&draft), "isDraft"));
  g_assert_cmpuint (count_messages (fixture, drafts), ==, 1);
}

static char *
batch_of (guint        n,
          const char  *first_path)
{
  g_autoptr(GString) json = g_string_new ("{\"requests\": [");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (json, "%s{\"id\": \"%u\", \"method\": \"GET\", \"url\": \"%s\"}",
                            i > 0 ? ", " : "", i + 1, i == 0 && first_path != NULL ? first_path : "/me");
  g_string_append (json, "]}");
  return g_string_free (g_steal_pointer (&json), FALSE);
}

static JsonObject *
batch_response (Answer     *answer,
                const char *id)
{
  JsonArray *responses = json_object_get_array_member (answer_object (answer), "responses");

  for (guint i = 0; i < json_array_get_length (responses); i++)
    {
      JsonObject *response = json_array_get_object_element (responses, i);

      if (g_str_equal (json_object_get_string_member (response, "id"), id))
        return response;
    }
  g_assert_not_reached ();
}

static void
test_batch (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *id = add_message (fixture, "inbox", "Batched");
  g_autofree char *patch = g_strdup_printf ("{\"requests\": ["
                                            "{\"id\": \"a\", \"method\": \"PATCH\", \"url\": \"/me/messages/%s\", "
                                            " \"headers\": {\"Content-Type\": \"application/json\"}, "
                                            " \"body\": {\"isRead\": true}},"
                                            "{\"id\": \"b\", \"method\": \"GET\", \"url\": \"/me/messages/AAMkADnone\"},"
                                            "{\"id\": \"c\", \"method\": \"GET\", \"url\": \"me/mailFolders/inbox\"}]}",
                                            id);
  g_autofree char *twenty = batch_of (20, NULL);
  g_autofree char *too_many = batch_of (21, NULL);
  g_auto(Answer) mixed = { 0, };
  g_auto(Answer) full = { 0, };
  g_auto(Answer) refused = { 0, };
  g_auto(Answer) throttled = { 0, };
  g_autoptr(JsonObject) stored = NULL;
  JsonObject *headers;

  send_json (fixture, "POST", "/$batch", patch, &mixed);
  g_assert_cmpuint (mixed.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (batch_response (&mixed, "a"), "status"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (batch_response (&mixed, "b"), "status"), ==, 404);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_object_get_object_member (batch_response (&mixed, "b"), "body"), "error"), "code"),
                   ==, "ErrorItemNotFound");
  g_assert_cmpint (json_object_get_int_member (batch_response (&mixed, "c"), "status"), ==, 200);
  stored = kabar_graph_server_get_message (fixture->server, id);
  g_assert_true (json_object_get_boolean_member (stored, "isRead"));

  send_json (fixture, "POST", "/$batch", twenty, &full);
  g_assert_cmpuint (full.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer_object (&full), "responses")), ==, 20);
  send_json (fixture, "POST", "/$batch", too_many, &refused);
  g_assert_cmpuint (refused.status, ==, 400);
  g_assert_cmpstr (error_code (&refused), ==, "BadRequest");
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "POST", "/$batch"), ==, 3);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me"), ==, 1 + 1 + 20);

  /* Throttled inside a batch: that request's own 429 and Retry-After. */
  kabar_graph_server_throttle (fixture->server, 1, 429, 7);
  g_free (twenty);
  twenty = batch_of (2, NULL);
  send_json (fixture, "POST", "/$batch", twenty, &throttled);
  g_assert_cmpuint (throttled.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (batch_response (&throttled, "1"), "status"), ==, 429);
  headers = json_object_get_object_member (batch_response (&throttled, "1"), "headers");
  g_assert_cmpstr (json_object_get_string_member (headers, "Retry-After"), ==, "7");
  g_assert_cmpint (json_object_get_int_member (batch_response (&throttled, "2"), "status"), ==, 200);
}

static void
test_throttle (Fixture       *fixture,
               gconstpointer  data)
{
  g_auto(Answer) first = { 0, };
  g_auto(Answer) second = { 0, };
  g_auto(Answer) third = { 0, };

  kabar_graph_server_throttle (fixture->server, 2, 503, 1);
  send_json (fixture, "GET", "/me", NULL, &first);
  g_assert_cmpuint (first.status, ==, 503);
  g_assert_cmpstr (soup_message_headers_get_one (first.headers, "Retry-After"), ==, "1");
  send_json (fixture, "GET", "/me", NULL, &second);
  g_assert_cmpuint (second.status, ==, 503);
  send_json (fixture, "GET", "/me", NULL, &third);
  g_assert_cmpuint (third.status, ==, 200);
}

static void
test_faults (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *lost = add_message (fixture, "inbox", "Lost reply");
  g_autofree char *kept = add_message (fixture, "inbox", "Kept");
  g_autofree char *lost_path = g_strdup_printf ("/me/messages/%s", lost);
  g_autofree char *kept_path = g_strdup_printf ("/me/messages/%s", kept);
  g_auto(Answer) cut_after = { 0, };
  g_auto(Answer) cut_before = { 0, };
  g_auto(Answer) failed = { 0, };
  g_auto(Answer) retried = { 0, };
  g_autoptr(JsonObject) lost_now = NULL;
  g_autoptr(JsonObject) kept_now = NULL;

  /* The change made, the reply lost. */
  kabar_graph_server_add_fault (fixture->server, "PATCH", "/me/messages/", 1, KABAR_GRAPH_FAULT_CUT, TRUE);
  send_full (fixture, "PATCH", lost_path, "application/json", "{\"isRead\": true}", NULL, &cut_after);
  g_assert_nonnull (cut_after.error);
  lost_now = kabar_graph_server_get_message (fixture->server, lost);
  g_assert_true (json_object_get_boolean_member (lost_now, "isRead"));

  /* Cut before: nothing changed; a 500 neither. */
  kabar_graph_server_add_fault (fixture->server, NULL, "/me/messages/", 1, KABAR_GRAPH_FAULT_CUT, FALSE);
  kabar_graph_server_add_fault (fixture->server, "PATCH", "/me/messages/", 1, KABAR_GRAPH_FAULT_500, FALSE);
  send_full (fixture, "PATCH", kept_path, "application/json", "{\"isRead\": true}", NULL, &cut_before);
  g_assert_nonnull (cut_before.error);
  send_json (fixture, "PATCH", kept_path, "{\"isRead\": true}", &failed);
  g_assert_cmpuint (failed.status, ==, 500);
  kept_now = kabar_graph_server_get_message (fixture->server, kept);
  g_assert_false (json_object_get_boolean_member (kept_now, "isRead"));
  send_json (fixture, "PATCH", kept_path, "{\"isRead\": true}", &retried);
  g_assert_cmpuint (retried.status, ==, 200);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "PATCH", "/me/messages/"), ==, 4);
}

static void
test_foreign_links (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *a = add_message (fixture, "inbox", "a");
  g_autofree char *b = add_message (fixture, "inbox", "b");
  g_auto(Answer) page = { 0, };
  const char *next;

  kabar_graph_server_set_foreign_next_links (fixture->server, TRUE);
  send_full (fixture, "GET", "/me/mailFolders/inbox/messages/delta", NULL, NULL, "odata.maxpagesize=1", &page);
  g_assert_no_error (page.error);
  next = json_object_get_string_member (answer_object (&page), "@odata.nextLink");
  g_assert_nonnull (next);
  g_assert_false (g_str_has_prefix (next, kabar_graph_server_get_base_uri (fixture->server)));
  g_assert_true (g_str_has_prefix (next, "https://"));
}

typedef struct
{
  guint      pending;
  GMainLoop *loop;
  guint      ok;
} Concurrent;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Concurrent *concurrent = data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (body != NULL && soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source), result)) == 200)
    concurrent->ok++;
  if (--concurrent->pending == 0)
    g_main_loop_quit (concurrent->loop);
}

static void
test_in_flight (Fixture       *fixture,
                gconstpointer  data)
{
  Concurrent concurrent = { 0, g_main_loop_new (NULL, FALSE), 0 };

  g_assert_cmpuint (kabar_graph_server_get_max_in_flight (fixture->server), ==, 0);
  /* Twice: the second round has its connections open already. */
  for (guint round = 0; round < 2; round++)
    {
      for (guint i = 0; i < 6; i++)
        {
          g_autoptr(SoupMessage) message = new_message (fixture, "GET", "/me", NULL, NULL, NULL);

          concurrent.pending++;
          soup_session_send_and_read_async (fixture->session, message, G_PRIORITY_DEFAULT, NULL, on_sent,
                                            &concurrent);
        }
      g_main_loop_run (concurrent.loop);
    }
  g_assert_cmpuint (concurrent.ok, ==, 12);
  g_assert_cmpuint (kabar_graph_server_get_max_in_flight (fixture->server), >=, 2);
  g_assert_cmpuint (kabar_graph_server_get_max_in_flight (fixture->server), <=, 6);
  g_main_loop_unref (concurrent.loop);
}

static void
on_cancelled_sent (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *(gboolean *) data = TRUE;
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* A client that gives up while its request is held. */
static void
test_client_gone (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SoupMessage) message = new_message (fixture, "GET", "/me", NULL, NULL, NULL);
  g_auto(Answer) after = { 0, };
  gboolean done = FALSE;

  soup_session_send_and_read_async (fixture->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    on_cancelled_sent, &done);
  /* Once the server holds it. */
  while (kabar_graph_server_count_requests (fixture->server, NULL, "/me") == 0 &&
         kabar_graph_server_get_max_in_flight (fixture->server) == 0)
    g_main_context_iteration (NULL, FALSE);
  g_idle_add (cancel_soon, cancellable);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  send_json (fixture, "GET", "/me", NULL, &after);
  g_assert_cmpuint (after.status, ==, 200);
}

/* --- with the OAuth server -------------------------------------------------- */

static void
form_set (GHashTable *form,
          const char *name,
          const char *value)
{
  g_hash_table_insert (form, (gpointer) name, (gpointer) value);
}

#define CLIENT_ID    "kabar-graph-test"
#define REDIRECT     "http://127.0.0.1:9/"
#define VERIFIER     "a-verifier-long-enough-for-pkce-0123456789-abcdefghijklmnop"
#define GRAPH_SCOPES "https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Mail.Send " \
                     "https://graph.microsoft.com/User.Read offline_access"
#define MAIL_SCOPES  "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"

static JsonObject *
token_request (SoupSession *session,
               const char  *authority,
               GHashTable  *form)
{
  g_autofree char *url = g_strconcat (authority, "/consumers/oauth2/v2.0/token", NULL);
  g_autoptr(SoupMessage) message = soup_message_new_from_encoded_form (SOUP_METHOD_POST, url,
                                                                       soup_form_encode_hash (form));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read (session, message, NULL, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A browser sign-in with those scopes: the token answer. */
static JsonObject *
sign_in (SoupSession      *session,
         KabarOAuthServer *oauth,
         const char       *scopes)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autofree char *challenge = NULL;
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *url = NULL;
  g_autofree char *encoded = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GUri) location = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  g_checksum_update (checksum, (const guchar *) VERIFIER, strlen (VERIFIER));
  g_checksum_get_digest (checksum, digest, &length);
  challenge = g_base64_encode (digest, length);
  g_strdelimit (challenge, "+", '-');
  g_strdelimit (challenge, "/", '_');
  *strchr (challenge, '=') = '\0';
  form_set (query, "client_id", CLIENT_ID);
  form_set (query, "response_type", "code");
  form_set (query, "redirect_uri", REDIRECT);
  form_set (query, "scope", scopes);
  form_set (query, "state", "s1");
  form_set (query, "code_challenge", challenge);
  form_set (query, "code_challenge_method", "S256");
  encoded = soup_form_encode_hash (query);
  url = g_strdup_printf ("%s/consumers/oauth2/v2.0/authorize?%s", kabar_oauth_server_get_authority (oauth), encoded);
  message = soup_message_new (SOUP_METHOD_GET, url);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 302);
  location = g_uri_parse (soup_message_headers_get_one (soup_message_get_response_headers (message), "Location"),
                          G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  params = soup_form_decode (g_uri_get_query (location));
  g_assert_nonnull (g_hash_table_lookup (params, "code"));
  form_set (form, "grant_type", "authorization_code");
  form_set (form, "client_id", CLIENT_ID);
  form_set (form, "code", g_hash_table_lookup (params, "code"));
  form_set (form, "redirect_uri", REDIRECT);
  form_set (form, "code_verifier", VERIFIER);
  form_set (form, "scope", scopes);
  return token_request (session, kabar_oauth_server_get_authority (oauth), form);
}

static JsonObject *
refresh (SoupSession      *session,
         KabarOAuthServer *oauth,
         const char       *refresh_token,
         const char       *scopes)
{
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  form_set (form, "grant_type", "refresh_token");
  form_set (form, "client_id", CLIENT_ID);
  form_set (form, "refresh_token", refresh_token);
  form_set (form, "scope", scopes);
  return token_request (session, kabar_oauth_server_get_authority (oauth), form);
}

static guint
me_status (Fixture    *fixture,
           const char *token)
{
  g_auto(Answer) answer = { 0, };

  g_free (fixture->token);
  fixture->token = g_strdup (token);
  send_json (fixture, "GET", "/me", NULL, &answer);
  if (answer.status == 401)
    g_assert_cmpstr (error_code (&answer), ==, "InvalidAuthenticationToken");
  return answer.status;
}

static void
test_oauth_tokens (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOAuthServer) oauth = kabar_oauth_server_new (NULL, &error);
  g_autoptr(JsonObject) graph = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) mail = NULL;
  g_autoptr(JsonObject) mail_sign_in = NULL;
  g_autoptr(JsonObject) not_consented = NULL;
  g_autoptr(JsonObject) short_lived = NULL;
  g_autofree char *resource = NULL;
  const char *graph_token;
  const char *mail_token;

  g_assert_no_error (error);
  kabar_oauth_server_add_client (oauth, CLIENT_ID);
  kabar_oauth_server_set_user (oauth, "alice@kabar.test");
  kabar_graph_server_free (fixture->server);
  fixture->server = kabar_graph_server_new (kabar_test_bed_get_certificate (fixture->bed), oauth, &error);
  g_assert_no_error (error);

  graph = sign_in (fixture->session, oauth, GRAPH_SCOPES);
  graph_token = json_object_get_string_member (graph, "access_token");
  g_assert_nonnull (strstr (json_object_get_string_member (graph, "scope"), "https://graph.microsoft.com/Mail.ReadWrite"));
  resource = kabar_oauth_server_get_token_resource (oauth, graph_token);
  g_assert_cmpstr (resource, ==, "graph");
  g_assert_cmpuint (me_status (fixture, graph_token), ==, 200);
  /* One the server never issued is no good, even with the OAuth server. */
  g_assert_cmpuint (me_status (fixture, "EwBnot-issued"), ==, 401);

  /* A mail-protocol token from a mail sign-in's refresh token: not for
   * Graph. */
  mail_sign_in = sign_in (fixture->session, oauth, MAIL_SCOPES);
  mail = refresh (fixture->session, oauth, json_object_get_string_member (mail_sign_in, "refresh_token"), MAIL_SCOPES);
  mail_token = json_object_get_string_member (mail, "access_token");
  g_assert_nonnull (mail_token);
  g_free (resource);
  resource = kabar_oauth_server_get_token_resource (oauth, mail_token);
  g_assert_cmpstr (resource, ==, "mail");
  g_assert_cmpuint (me_status (fixture, mail_token), ==, 401);
  /* Nor may it get a Graph token: the user consented to mail only. */
  not_consented = refresh (fixture->session, oauth, json_object_get_string_member (mail, "refresh_token"),
                           GRAPH_SCOPES);
  g_assert_cmpstr (json_object_get_string_member (not_consented, "error"), ==, "invalid_grant");

  /* The Graph sign-in's refresh token gives a fresh Graph token. */
  again = refresh (fixture->session, oauth, json_object_get_string_member (graph, "refresh_token"), GRAPH_SCOPES);
  g_assert_cmpuint (me_status (fixture, json_object_get_string_member (again, "access_token")), ==, 200);

  /* Expired by its lifetime. */
  kabar_oauth_server_set_token_lifetime (oauth, 0);
  short_lived = refresh (fixture->session, oauth, json_object_get_string_member (again, "refresh_token"), GRAPH_SCOPES);
  g_assert_cmpuint (me_status (fixture, json_object_get_string_member (short_lived, "access_token")), ==, 401);
  g_assert_null (kabar_oauth_server_get_token_resource (oauth, json_object_get_string_member (short_lived, "access_token")));

  /* Expired by the Graph server's fault: every token used so far. */
  kabar_graph_server_expire_access_tokens (fixture->server);
  g_assert_cmpuint (me_status (fixture, graph_token), ==, 401);
  kabar_graph_server_free (g_steal_pointer (&fixture->server));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/graph-server/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("me-and-tokens", test_me_and_tokens);
  ADD ("folders", test_folders);
  ADD ("delta-paging-and-changes", test_delta_paging);
  ADD ("delta-token-refused", test_delta_refused);
  ADD ("messages", test_messages);
  ADD ("send-and-create", test_send_and_create);
  ADD ("batch", test_batch);
  ADD ("throttle", test_throttle);
  ADD ("faults", test_faults);
  ADD ("foreign-links", test_foreign_links);
  ADD ("in-flight", test_in_flight);
  ADD ("client-gone", test_client_gone);
  ADD ("oauth-graph-tokens", test_oauth_tokens);
#undef ADD
  return g_test_run ();
}
