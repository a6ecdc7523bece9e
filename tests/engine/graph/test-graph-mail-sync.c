/* test-graph-mail-sync.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Graph account's mail into its store from the loopback Graph server:
 * the folder tree and each folder by delta, what another device changes,
 * refused delta tokens, faults in the middle of a delta's pages, a hostile
 * server's links and JSON, and message bodies kept for offline reading.
 * After each, the store must list what the server holds: every folder by
 * path, every message by subject with its read and flagged state, none
 * twice.
 */

#include "config.h"

#include <string.h>

#include "kabar-graph-mail-sync.h"
#include "kabar-graph-server-private.h"
#include "kabar-graph-test.h"
#include "kabar-store-graph.h"

typedef KabarGraphTestFixture Fixture;

/* --- the server's side ---------------------------------------------------------------- */

static GBytes *
new_mime (const char *subject,
          const char *body)
{
  char *text = g_strdup_printf ("From: Budi Santoso <budi@example.org>\r\n"
                                "To: <" KABAR_GRAPH_TEST_ADDRESS ">\r\n"
                                "Subject: %s\r\n"
                                "Message-ID: <%s@example.org>\r\n"
                                "Date: Mon, 2 Mar 2026 10:00:00 +0700\r\n"
                                "MIME-Version: 1.0\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                                "%s\r\n", subject, subject, body);

  return g_bytes_new_take (text, strlen (text));
}

static char *
add_message (Fixture    *fixture,
             const char *folder_id,
             const char *subject,
             gboolean    read,
             gboolean    flagged)
{
  g_autoptr(GBytes) mime = new_mime (subject, "Apa kabar?");
  char *id = kabar_graph_server_add_message (fixture->server, folder_id, mime, read, flagged);

  g_assert_nonnull (id);
  return id;
}

/* n messages "name-i", read and flagged in a pattern. */
static void
fill (Fixture    *fixture,
      const char *folder_id,
      const char *name,
      guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("%s-%03u", name, i);
      g_autofree char *id = add_message (fixture, folder_id, subject, i % 3 == 0, i % 7 == 0);
    }
}

static char *
server_folder (Fixture    *fixture,
               const char *well_known_or_path)
{
  char *id = kabar_graph_server_find_folder (fixture->server, well_known_or_path);

  g_assert_nonnull (id);
  return id;
}

static char *
add_server_folder (Fixture    *fixture,
                   const char *parent_id,
                   const char *name)
{
  char *id = kabar_graph_server_add_folder (fixture->server, parent_id, name, NULL);

  g_assert_nonnull (id);
  return id;
}

static const char *
json_string (JsonObject *object,
             const char *name)
{
  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  return json_object_get_string_member (object, name);
}

/* A folder's path of display names, from the server's own JSON; a '/'
 * in a name shows as U+2215, as kabar-graph-mail-sync.h says. */
static char *
server_path (Fixture    *fixture,
             GHashTable *listed,
             const char *folder_id)
{
  g_autoptr(JsonObject) folder = kabar_graph_server_get_folder (fixture->server, folder_id);
  const char *parent = json_string (folder, "parentFolderId");
  g_autoptr(GString) name = NULL;
  g_autofree char *parent_path = NULL;

  g_assert_nonnull (folder);
  name = g_string_new (json_string (folder, "displayName"));
  g_string_replace (name, "/", "\342\210\225", 0);
  if (parent == NULL || !g_hash_table_contains (listed, parent))
    return g_strdup (name->str);
  parent_path = server_path (fixture, listed, parent);
  return g_strconcat (parent_path, "/", name->str, NULL);
}

static char *
line (const char *path,
      const char *subject,
      gboolean    read,
      gboolean    flagged)
{
  if (subject == NULL)
    return g_strdup_printf ("%s:", path);
  return g_strdup_printf ("%s: %s %s%s", path, subject, read ? "R" : "-", flagged ? "F" : "-");
}

static gint
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static char *
join_sorted (GPtrArray *lines)
{
  g_ptr_array_sort (lines, compare_lines);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

/* "path:" for each folder and "path: subject RF" for each message. */
static char *
describe_server (Fixture *fixture)
{
  g_autoptr(GPtrArray) folders = kabar_graph_server_list_folders (fixture->server);
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < folders->len; i++)
    g_hash_table_add (listed, g_ptr_array_index (folders, i));
  for (guint i = 0; i < folders->len; i++)
    {
      const char *folder_id = g_ptr_array_index (folders, i);
      g_autofree char *path = server_path (fixture, listed, folder_id);
      g_autoptr(GPtrArray) messages = kabar_graph_server_list_messages (fixture->server, folder_id);

      g_ptr_array_add (lines, line (path, NULL, FALSE, FALSE));
      for (guint j = 0; j < messages->len; j++)
        {
          g_autoptr(JsonObject) message =
            kabar_graph_server_get_message (fixture->server, g_ptr_array_index (messages, j));
          JsonObject *flag = json_object_get_object_member (message, "flag");

          g_ptr_array_add (lines, line (path, json_string (message, "subject"),
                                        json_object_get_boolean_member (message, "isRead"),
                                        g_strcmp0 (json_string (flag, "flagStatus"),
                                                   "flagged") == 0));
        }
    }
  return join_sorted (lines);
}

/* The same from the store, as the folder list and message list show it. */
static char *
describe_store (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = kabar_store_list_folders (fixture->store, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);
      g_autoptr(GPtrArray) messages = kabar_store_list_messages (fixture->store, folder->id, 0,
                                                                  100000, &error);
      guint total = 0, unread = 0, listed_unread = 0;

      g_assert_no_error (error);
      g_ptr_array_add (lines, line (folder->path, NULL, FALSE, FALSE));
      for (guint j = 0; j < messages->len; j++)
        {
          KabarMessageSummary *summary = g_ptr_array_index (messages, j);

          g_ptr_array_add (lines, line (folder->path, summary->subject,
                                        summary->flags & KABAR_MESSAGE_FLAG_SEEN,
                                        summary->flags & KABAR_MESSAGE_FLAG_FLAGGED));
          listed_unread += !(summary->flags & KABAR_MESSAGE_FLAG_SEEN);
        }
      /* The folder list's counts agree with the message list. */
      g_assert_true (kabar_store_count_messages (fixture->store, folder->id, &total, &unread,
                                                 &error));
      g_assert_cmpuint (total, ==, messages->len);
      g_assert_cmpuint (unread, ==, listed_unread);
    }
  return join_sorted (lines);
}

static void
assert_store_equals_server (Fixture *fixture)
{
  g_autofree char *server = describe_server (fixture);
  g_autofree char *store = describe_store (fixture);

  g_assert_cmpstr (store, ==, server);
}

/* The error first: its message says what failed. */
#define ASSERT_OK(call) \
  G_STMT_START { gboolean ok_ = (call); g_assert_no_error (error); g_assert_true (ok_); } G_STMT_END

/* --- syncing --------------------------------------------------------------------------- */

typedef struct
{
  Fixture *fixture;
  guint pages;
  guint last_done;
  /* After this many pages, the next request meets fault (0: never). */
  guint fault_after;
  KabarGraphFault fault;
} Progress;

static void
on_progress (gint64    folder_id,
             guint     done,
             guint     total,
             gpointer  data)
{
  Progress *progress = data;

  g_assert_cmpuint (done, >, progress->last_done);
  progress->last_done = done;
  progress->pages++;
  /* libsoup sends a request again, once, when a connection it reused
   * closes before answering: the second cut is the one the sync meets. */
  if (progress->fault_after != 0 && progress->pages == progress->fault_after)
    kabar_graph_server_add_fault (progress->fixture->server, "GET", "/me/mailFolders/",
                                  progress->fault == KABAR_GRAPH_FAULT_CUT ? 2 : 1,
                                  progress->fault, FALSE);
}

static gint64
store_folder (Fixture    *fixture,
              const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) folder = kabar_store_get_folder_by_path (fixture->store, path,
                                                                        &error);

  g_assert_no_error (error);
  g_assert_nonnull (folder);
  return folder->id;
}

static gboolean
sync_folder (Fixture   *fixture,
             gint64     folder_id,
             Progress  *progress,
             GArray    *new_ids,
             GError   **error)
{
  if (progress != NULL)
    progress->last_done = 0;
  return kabar_graph_sync_messages (fixture->client, fixture->store, folder_id,
                                    progress != NULL ? on_progress : NULL, progress, new_ids,
                                    NULL, error);
}

/* The folder tree and every folder, as a check does. */
static void
sync_all (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;

  ASSERT_OK (kabar_graph_sync_folder_tree (fixture->client, fixture->store, NULL, &error));
  g_assert_no_error (error);
  folders = kabar_store_list_folders (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      ASSERT_OK (sync_folder (fixture, folder->id, NULL, NULL, &error));
      g_assert_no_error (error);
    }
}

/* Remote id → local id of every message the store has. */
static GHashTable *
local_ids (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = kabar_store_list_folders (fixture->store, &error);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);
      g_autoptr(GPtrArray) messages = kabar_store_list_messages (fixture->store, folder->id, 0,
                                                                  100000, &error);

      for (guint j = 0; j < messages->len; j++)
        {
          KabarMessageSummary *summary = g_ptr_array_index (messages, j);
          char *remote = kabar_store_graph_get_message_remote_id (fixture->store, summary->id,
                                                                  &error);

          g_assert_no_error (error);
          g_assert_nonnull (remote);
          g_assert_false (g_hash_table_contains (ids, remote));
          g_hash_table_insert (ids, remote, GINT_TO_POINTER ((gint) summary->id));
        }
    }
  return ids;
}

/* Every message that is in both kept its local id. */
static void
assert_ids_kept (GHashTable *before,
                 GHashTable *after,
                 guint       at_least)
{
  GHashTableIter iter;
  gpointer remote, id;
  guint kept = 0;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &remote, &id))
    if (g_hash_table_contains (after, remote))
      {
        g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (after, remote)), ==,
                         GPOINTER_TO_INT (id));
        kept++;
      }
  g_assert_cmpuint (kept, >=, at_least);
}

/* --- tests ----------------------------------------------------------------------------- */

/* Nested folders and 120 messages over several pages. */
static void
test_first_sync (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox = server_folder (fixture, "inbox");
  g_autofree char *lists = add_server_folder (fixture, inbox, "Lists");
  g_autofree char *projects = add_server_folder (fixture, NULL, "Projek");
  g_autofree char *year = add_server_folder (fixture, projects, "2026");
  g_autofree char *slash = add_server_folder (fixture, year, "Q1/Q2");
  g_autoptr(GArray) new_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(KabarStoreFolder) inbox_folder = NULL;
  g_autoptr(KabarStoreFolder) sent_folder = NULL;
  g_autoptr(KabarStoreFolder) trash_folder = NULL;
  g_autoptr(GArray) found = NULL;
  Progress progress = { fixture, 0, 0, 0, 0 };
  guint delta_requests;

  fill (fixture, inbox, "Kabar", 120);
  fill (fixture, lists, "Milis", 5);
  fill (fixture, year, "Anggaran", 3);
  fill (fixture, slash, "Kuartal", 2);
  kabar_graph_server_set_page_size (fixture->server, 25);

  ASSERT_OK (kabar_graph_sync_folder_tree (fixture->client, fixture->store, NULL, &error));
  g_assert_no_error (error);
  inbox_folder = kabar_store_get_folder_by_path (fixture->store, "Inbox", &error);
  sent_folder = kabar_store_get_folder_by_path (fixture->store, "Sent Items", &error);
  trash_folder = kabar_store_get_folder_by_path (fixture->store, "Deleted Items", &error);
  g_assert_no_error (error);
  g_assert_cmpint (inbox_folder->role, ==, KABAR_FOLDER_ROLE_INBOX);
  g_assert_cmpint (sent_folder->role, ==, KABAR_FOLDER_ROLE_SENT);
  g_assert_cmpint (trash_folder->role, ==, KABAR_FOLDER_ROLE_TRASH);
  g_assert_cmpint (store_folder (fixture, "Projek/2026/Q1\342\210\225Q2"), >, 0);
  g_assert_cmpint (store_folder (fixture, "Inbox/Lists"), >, 0);

  delta_requests = kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders/");
  ASSERT_OK (sync_folder (fixture, inbox_folder->id, &progress, new_ids, &error));
  g_assert_no_error (error);
  /* 120 messages at 25 a page. */
  g_assert_cmpuint (progress.pages, >=, 5);
  g_assert_cmpuint (progress.last_done, ==, 120);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders/")
                    - delta_requests, >=, 5);
  g_assert_cmpuint (new_ids->len, ==, 120);

  sync_all (fixture);
  assert_store_equals_server (fixture);

  /* Searchable once the sync returned. */
  found = kabar_store_search (fixture->store, "kabar 042", 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
}

/* Another device adds, reads, flags, moves and deletes messages, adds,
 * renames and deletes folders. */
static void
test_incremental (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox = server_folder (fixture, "inbox");
  g_autofree char *archive = server_folder (fixture, "archive");
  g_autofree char *projects = add_server_folder (fixture, NULL, "Projek");
  g_autofree char *old = add_server_folder (fixture, projects, "Lama");
  g_autofree char *doomed = add_server_folder (fixture, NULL, "Sementara");
  g_autofree char *doomed_child = add_server_folder (fixture, doomed, "Anak");
  g_autofree char *fresh = NULL;
  g_autofree char *added = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GArray) new_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 projects_id, old_id, moved_id;
  const char *read_id, *flag_id, *move_id, *delete_id;

  fill (fixture, inbox, "Kabar", 30);
  fill (fixture, old, "Arsip", 4);
  fill (fixture, doomed, "Sampah", 3);
  fill (fixture, doomed_child, "Sisa", 2);
  sync_all (fixture);
  assert_store_equals_server (fixture);
  before = local_ids (fixture);
  projects_id = store_folder (fixture, "Projek");
  old_id = store_folder (fixture, "Projek/Lama");

  messages = kabar_graph_server_list_messages (fixture->server, inbox);
  read_id = g_ptr_array_index (messages, 1);
  flag_id = g_ptr_array_index (messages, 2);
  move_id = g_ptr_array_index (messages, 4);
  delete_id = g_ptr_array_index (messages, 5);
  moved_id = GPOINTER_TO_INT (g_hash_table_lookup (before, move_id));
  g_assert_true (kabar_graph_server_set_read (fixture->server, read_id, TRUE));
  g_assert_true (kabar_graph_server_set_flagged (fixture->server, flag_id, TRUE));
  g_assert_true (kabar_graph_server_move_message (fixture->server, move_id, archive));
  g_assert_true (kabar_graph_server_delete_message (fixture->server, delete_id));
  added = add_message (fixture, inbox, "Baru", FALSE, TRUE);
  fresh = add_server_folder (fixture, projects, "Baru");
  fill (fixture, fresh, "Segar", 2);
  g_assert_true (kabar_graph_server_rename_folder (fixture->server, projects, "Proyek"));
  g_assert_true (kabar_graph_server_rename_folder (fixture->server, old, "Kuno"));
  g_assert_true (kabar_graph_server_delete_folder (fixture->server, doomed));

  /* The tree first, then the archive before the inbox: the moved message
   * arrives in its new folder before it leaves the old. */
  ASSERT_OK (kabar_graph_sync_folder_tree (fixture->client, fixture->store, NULL, &error));
  g_assert_no_error (error);
  ASSERT_OK (sync_folder (fixture, store_folder (fixture, "Archive"), NULL, new_ids, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (new_ids->len, ==, 0);
  ASSERT_OK (sync_folder (fixture, store_folder (fixture, "Inbox"), NULL, new_ids, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (new_ids->len, ==, 1);
  sync_all (fixture);
  assert_store_equals_server (fixture);

  /* Renamed folders kept their ids (and so their messages' ids), the
   * moved message its id, the deleted one is gone. */
  g_assert_cmpint (store_folder (fixture, "Proyek"), ==, projects_id);
  g_assert_cmpint (store_folder (fixture, "Proyek/Kuno"), ==, old_id);
  after = local_ids (fixture);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (after, move_id)), ==, moved_id);
  g_assert_false (g_hash_table_contains (after, delete_id));
  g_assert_true (g_hash_table_contains (after, added));
  assert_ids_kept (before, after, 30 + 4 - 1);
  g_assert_null (kabar_store_get_folder_by_path (fixture->store, "Sementara", NULL));
  g_assert_null (kabar_store_get_folder_by_path (fixture->store, "Sementara/Anak", NULL));
}

/* Deleted and moved-out messages come as @removed: the store drops
 * them, and a message moved away and back is there once. */
static void
test_removed (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox = server_folder (fixture, "inbox");
  g_autofree char *junk = server_folder (fixture, "junkemail");
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GHashTable) ids = NULL;
  gint64 inbox_id;

  fill (fixture, inbox, "Kabar", 6);
  sync_all (fixture);
  inbox_id = store_folder (fixture, "Inbox");
  messages = kabar_graph_server_list_messages (fixture->server, inbox);
  g_assert_true (kabar_graph_server_delete_message (fixture->server, g_ptr_array_index (messages, 0)));
  g_assert_true (kabar_graph_server_move_message (fixture->server, g_ptr_array_index (messages, 1),
                                                  junk));
  g_assert_true (kabar_graph_server_move_message (fixture->server, g_ptr_array_index (messages, 2),
                                                  junk));
  g_assert_true (kabar_graph_server_move_message (fixture->server, g_ptr_array_index (messages, 2),
                                                  inbox));

  /* The inbox alone first: the moved message is not anywhere until the
   * junk folder syncs. */
  ASSERT_OK (sync_folder (fixture, inbox_id, NULL, NULL, &error));
  g_assert_no_error (error);
  ids = local_ids (fixture);
  g_assert_false (g_hash_table_contains (ids, g_ptr_array_index (messages, 0)));
  g_assert_false (g_hash_table_contains (ids, g_ptr_array_index (messages, 1)));
  g_assert_true (g_hash_table_contains (ids, g_ptr_array_index (messages, 2)));
  g_assert_cmpuint (g_hash_table_size (ids), ==, 4);
  sync_all (fixture);
  assert_store_equals_server (fixture);
}

/* A refused delta token: the folder and the tree are read again whole,
 * nothing lost or duplicated, every message keeps its local id. */
static void
test_refused_token (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox = server_folder (fixture, "inbox");
  g_autofree char *projects = add_server_folder (fixture, NULL, "Projek");
  g_autofree char *added = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GArray) new_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint refusals_before;

  fill (fixture, inbox, "Kabar", 60);
  kabar_graph_server_set_page_size (fixture->server, 20);
  sync_all (fixture);
  before = local_ids (fixture);
  messages = kabar_graph_server_list_messages (fixture->server, inbox);
  g_assert_true (kabar_graph_server_delete_message (fixture->server, g_ptr_array_index (messages, 7)));
  g_assert_true (kabar_graph_server_set_read (fixture->server, g_ptr_array_index (messages, 8), TRUE));
  g_assert_true (kabar_graph_server_rename_folder (fixture->server, projects, "Proyek"));
  added = add_message (fixture, inbox, "Sesudah", FALSE, FALSE);
  kabar_graph_server_refuse_delta_tokens (fixture->server);

  refusals_before = kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders/");
  ASSERT_OK (kabar_graph_sync_folder_tree (fixture->client, fixture->store, NULL, &error));
  g_assert_no_error (error);
  ASSERT_OK (sync_folder (fixture, store_folder (fixture, "Inbox"), NULL, new_ids, &error));
  g_assert_no_error (error);
  /* The refused link was asked, then the whole folder over pages. */
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders/")
                    - refusals_before, >=, 4);
  g_assert_cmpuint (new_ids->len, ==, 1);
  sync_all (fixture);
  assert_store_equals_server (fixture);
  after = local_ids (fixture);
  assert_ids_kept (before, after, 59);
  g_assert_false (g_hash_table_contains (after, g_ptr_array_index (messages, 7)));
  g_assert_true (g_hash_table_contains (after, added));

  /* The links stored since work. */
  sync_all (fixture);
  assert_store_equals_server (fixture);
}

/* A cut connection or a 500 in the middle of a delta's pages: the sync
 * fails, the store holds what came (no duplicate, nothing the server does
 * not have), and the next sync ends equal to the server. */
static void
test_fault_mid_delta (Fixture       *fixture,
                      gconstpointer  data)
{
  KabarGraphFault fault = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox = server_folder (fixture, "inbox");
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) cut = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  Progress progress = { fixture, 0, 0, 2, fault };
  gint64 inbox_id;

  fill (fixture, inbox, "Kabar", 40);
  kabar_graph_server_set_page_size (fixture->server, 10);
  /* The first sync itself is cut after two pages. */
  ASSERT_OK (kabar_graph_sync_folder_tree (fixture->client, fixture->store, NULL, &error));
  g_assert_no_error (error);
  inbox_id = store_folder (fixture, "Inbox");
  g_assert_false (sync_folder (fixture, inbox_id, &progress, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  cut = local_ids (fixture);
  g_assert_cmpuint (g_hash_table_size (cut), ==, 20);
  sync_all (fixture);
  assert_store_equals_server (fixture);
  before = local_ids (fixture);
  assert_ids_kept (cut, before, 20);

  /* Then an incremental delta of several pages, cut in the middle. */
  messages = kabar_graph_server_list_messages (fixture->server, inbox);
  for (guint i = 0; i < 15; i++)
    g_assert_true (kabar_graph_server_set_read (fixture->server, g_ptr_array_index (messages, i),
                                                TRUE));
  g_assert_true (kabar_graph_server_delete_message (fixture->server,
                                                    g_ptr_array_index (messages, 20)));
  fill (fixture, inbox, "Lagi", 12);
  progress = (Progress) { fixture, 0, 0, 1, fault };
  g_assert_false (sync_folder (fixture, inbox_id, &progress, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_pointer (&cut, g_hash_table_unref);
  cut = local_ids (fixture);
  assert_ids_kept (before, cut, 39);

  sync_all (fixture);
  assert_store_equals_server (fixture);
  after = local_ids (fixture);
  assert_ids_kept (before, after, 39);
  g_assert_cmpuint (g_hash_table_size (after), ==, 40 - 1 + 12);
}

/* A hostile server's nextLink points elsewhere: refused, the store keeps
 * what the Graph host gave, and the honest server's next sync mends it. */
static void
test_foreign_links (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox = server_folder (fixture, "inbox");
  gint64 inbox_id;

  fill (fixture, inbox, "Kabar", 30);
  kabar_graph_server_set_page_size (fixture->server, 10);
  ASSERT_OK (kabar_graph_sync_folder_tree (fixture->client, fixture->store, NULL, &error));
  g_assert_no_error (error);
  inbox_id = store_folder (fixture, "Inbox");
  kabar_graph_server_set_foreign_next_links (fixture->server, TRUE);
  g_assert_false (sync_folder (fixture, inbox_id, NULL, NULL, &error));
  g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL);
  g_clear_error (&error);
  kabar_graph_server_set_foreign_next_links (fixture->server, FALSE);
  sync_all (fixture);
  assert_store_equals_server (fixture);
}

/* A hostile server's delta pages, served at /hostile/... on the Graph
 * host: the folder's delta link is pointed there. */
static gboolean
answer_hostile (KabarGraphServer         *server,
                const KabarGraphRequest  *request,
                KabarGraphResponse       *response,
                gpointer                  data)
{
  const char *after = data;
  g_autoptr(GString) huge = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!g_str_has_prefix (request->path, "/hostile/"))
    return FALSE;
  /* Twelve megabytes of a subject, a name and a preview. */
  for (guint i = 0; g_str_equal (request->path, "/hostile/safe") && i < 2000000; i++)
    g_string_append (huge, "kabar ");
  if (g_str_equal (request->path, "/hostile/safe"))
    text = g_strdup_printf ("{\"value\":["
                            "{\"id\":\"h1\",\"subject\":12,\"isRead\":\"yes\",\"from\":\"x\","
                            " \"flag\":[],\"toRecipients\":[1,null,{\"emailAddress\":"
                            "{\"address\":\"a@example.org\"}}],\"receivedDateTime\":false},"
                            "{\"id\":\"h2\",\"subject\":\"%s\",\"bodyPreview\":\"%s\","
                            " \"from\":{\"emailAddress\":{\"name\":\"%s\"}}},"
                            "{\"id\":\"h3\"},"
                            "{\"id\":\"gone\",\"@removed\":7}],"
                            "\"@odata.deltaLink\":\"%s\"}",
                            huge->str, huge->str, huge->str, after);
  else
    text = g_strdup_printf ("{\"value\":[{\"id\":\"n1\",\"subject\":\"Satu\"},"
                            "{\"subject\":\"Tanpa id\"}],"
                            "\"@odata.nextLink\":\"%s\"}", after);
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  kabar_graph_response_set_json (response, 200, json_node_copy (json_parser_get_root (parser)));
  return TRUE;
}

/* Hostile JSON (wrong types, missing fields, huge strings) is stored
 * safely; a message without an id is refused with a clear error, and the
 * folder keeps its state. */
static void
test_hostile_json (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox = server_folder (fixture, "inbox");
  g_autofree char *base = g_strdup (kabar_graph_server_get_base_uri (fixture->server));
  g_autofree char *safe = g_strconcat (base, "/hostile/safe", NULL);
  g_autofree char *no_id = g_strconcat (base, "/hostile/no-id", NULL);
  g_autofree char *after = g_strconcat (base, "/hostile/after", NULL);
  g_autofree char *link = NULL;
  g_autofree char *kept_link = NULL;
  g_autoptr(KabarMessageSummary) h1 = NULL;
  g_autoptr(KabarMessageSummary) h2 = NULL;
  gint64 inbox_id;
  guint total = 0, unread = 0;

  fill (fixture, inbox, "Kabar", 2);
  sync_all (fixture);
  inbox_id = store_folder (fixture, "Inbox");
  kabar_graph_server_lock (fixture->server);
  kabar_graph_server_add_route (fixture->server, answer_hostile, after);
  kabar_graph_server_unlock (fixture->server);

  g_assert_true (kabar_store_graph_set_folder_delta_link (fixture->store, inbox_id, safe, &error));
  ASSERT_OK (sync_folder (fixture, inbox_id, NULL, NULL, &error));
  h1 = kabar_store_get_message (fixture->store,
                                kabar_store_graph_find_message (fixture->store, "h1", &error),
                                &error);
  h2 = kabar_store_get_message (fixture->store,
                                kabar_store_graph_find_message (fixture->store, "h2", &error),
                                &error);
  g_assert_no_error (error);
  g_assert_null (h1->subject);
  g_assert_cmpint (h1->flags, ==, 0);
  g_assert_null (h1->from_address);
  g_assert_cmpstr (h1->to, ==, "a@example.org");
  g_assert_cmpuint (strlen (h2->subject), <=, 4096);
  g_assert_cmpuint (strlen (h2->from_name), <=, 4096);
  g_assert_cmpuint (strlen (h2->preview), <=, 1024);
  g_assert_true (kabar_store_count_messages (fixture->store, inbox_id, &total, &unread, &error));
  g_assert_cmpuint (total, ==, 5);
  link = kabar_store_graph_get_folder_delta_link (fixture->store, inbox_id, &error);
  g_assert_cmpstr (link, ==, after);

  g_assert_true (kabar_store_graph_set_folder_delta_link (fixture->store, inbox_id, no_id, &error));
  g_assert_false (sync_folder (fixture, inbox_id, NULL, NULL, &error));
  g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "no usable id"));
  g_assert_nonnull (strstr (error->message, "Inbox"));
  g_clear_error (&error);
  g_assert_cmpint (kabar_store_graph_find_message (fixture->store, "n1", &error), ==, 0);
  kept_link = kabar_store_graph_get_folder_delta_link (fixture->store, inbox_id, &error);
  g_assert_cmpstr (kept_link, ==, no_id);
}

/* $value into the store, readable with the server gone, and searchable. */
static void
test_bodies (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox = server_folder (fixture, "inbox");
  g_autoptr(GBytes) mime = new_mime ("Undangan", "Rapat anggaran hari Kamis di Jakarta");
  g_autofree char *remote = kabar_graph_server_add_message (fixture->server, inbox, mime, FALSE,
                                                            FALSE);
  g_autofree char *other = add_message (fixture, inbox, "Lain", FALSE, FALSE);
  g_autoptr(GBytes) fetched = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) gone = NULL;
  g_autoptr(GArray) found = NULL;
  g_autofree char *store_path = g_build_filename (fixture->directory, "store.db", NULL);
  gint64 message_id, other_id;

  sync_all (fixture);
  message_id = kabar_store_graph_find_message (fixture->store, remote, &error);
  other_id = kabar_store_graph_find_message (fixture->store, other, &error);
  g_assert_no_error (error);
  g_assert_cmpint (message_id, >, 0);
  stored = kabar_store_get_body (fixture->store, message_id, &error);
  g_assert_no_error (error);
  g_assert_null (stored);

  fetched = kabar_graph_fetch_body (fixture->client, fixture->store, message_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (fetched, mime));

  /* A message deleted on the server meanwhile: its body cannot come. */
  g_assert_true (kabar_graph_server_delete_message (fixture->server, other));
  gone = kabar_graph_fetch_body (fixture->client, fixture->store, other_id, NULL, &error);
  g_assert_null (gone);
  g_assert_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Offline: the server gone, the store opened again. */
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, kabar_graph_server_free);
  g_clear_object (&fixture->store);
  fixture->store = kabar_store_open (store_path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&stored, g_bytes_unref);
  stored = kabar_store_get_body (fixture->store, message_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_true (g_bytes_equal (stored, mime));
  found = kabar_store_search (fixture->store, "anggaran kamis", 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (g_array_index (found, gint64, 0), ==, message_id);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  kabar_graph_test_init ();

#define ADD(path, data, func) \
  g_test_add ("/graph/mail-sync/" path, Fixture, data, kabar_graph_test_fixture_set_up, func, \
              kabar_graph_test_fixture_tear_down)
  ADD ("first-sync", NULL, test_first_sync);
  ADD ("incremental", NULL, test_incremental);
  ADD ("removed", NULL, test_removed);
  ADD ("refused-token", NULL, test_refused_token);
  ADD ("fault/cut", GINT_TO_POINTER (KABAR_GRAPH_FAULT_CUT), test_fault_mid_delta);
  ADD ("fault/500", GINT_TO_POINTER (KABAR_GRAPH_FAULT_500), test_fault_mid_delta);
  ADD ("foreign-links", NULL, test_foreign_links);
  ADD ("bodies", NULL, test_bodies);
  ADD ("hostile-json", NULL, test_hostile_json);
#undef ADD
  status = g_test_run ();

  kabar_graph_test_shutdown ();
  return status;
}
