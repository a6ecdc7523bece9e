/* test-graph-replay.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The user's changes of a Graph account replayed on the loopback Graph
 * server (kabar_graph_replay()): what the server holds afterwards, what
 * the store shows after the next sync, and faults on the way (a cut before
 * and after the server made the change, 500, 503 with Retry-After) that
 * must leave both equal, nothing lost or duplicated.
 */

#include "config.h"

#include <string.h>

#include "kabar-graph-mail-sync.h"
#include "kabar-graph-test.h"
#include "kabar-store-graph.h"

typedef KabarGraphTestFixture Fixture;

/* --- helpers ------------------------------------------------------------------- */

static char *
server_folder (Fixture    *fixture,
               const char *well_known_or_path)
{
  char *id = kabar_graph_server_find_folder (fixture->server, well_known_or_path);

  g_assert_nonnull (id);
  return id;
}

/* The folder tree and every folder, as a check does. */
static void
sync_all (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  gboolean done = kabar_graph_sync_folder_tree (fixture->client, fixture->store, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (done);
  folders = kabar_store_list_folders (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    {
      const KabarStoreFolder *folder = g_ptr_array_index (folders, i);
      g_autofree char *remote = kabar_store_graph_get_folder_remote_id (fixture->store, folder->id, &error);

      g_assert_no_error (error);
      if (remote == NULL)
        continue;
      done = kabar_graph_sync_messages (fixture->client, fixture->store, folder->id, NULL, NULL, NULL,
                                        NULL, &error);
      g_assert_no_error (error);
      g_assert_true (done);
    }
}

static gboolean
replay (Fixture  *fixture,
        GError  **error)
{
  return kabar_graph_replay (fixture->client, fixture->store, kabar_graph_test_on_refused, fixture, NULL, error);
}

static void
replay_ok (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  gboolean done = replay (fixture, &error);

  g_assert_no_error (error);
  g_assert_true (done);
}

static guint
count_pending (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations = kabar_store_list_pending_operations (fixture->store, &error);

  g_assert_no_error (error);
  return operations->len;
}

static KabarStoreFolder *
store_folder (Fixture    *fixture,
              const char *path)
{
  return kabar_store_get_folder_by_path (fixture->store, path, NULL);
}

static KabarStoreFolder *
store_role (Fixture         *fixture,
            KabarFolderRole  role)
{
  g_autoptr(GPtrArray) folders = kabar_store_list_folders (fixture->store, NULL);

  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      const KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->role == role)
        return kabar_store_folder_copy (folder);
    }
  g_error ("The store has no folder of role %d", role);
}

static GPtrArray *
store_messages (Fixture *fixture,
                gint64   folder_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *messages = kabar_store_list_messages (fixture->store, folder_id, 0, 10000, &error);

  g_assert_no_error (error);
  return messages;
}

/* The store's uid of the message <message_id> in the folder. */
static guint32
uid_of (Fixture    *fixture,
        gint64      folder_id,
        const char *message_id)
{
  g_autoptr(GPtrArray) messages = store_messages (fixture, folder_id);
  const KabarMessageSummary *summary = kabar_graph_test_find_summary (messages, message_id);

  if (summary == NULL)
    g_error ("The store's folder %" G_GINT64_FORMAT " has no <%s>", folder_id, message_id);
  return summary->uid;
}

static char *
internet_id (JsonObject *message)
{
  const char *id = json_object_get_string_member_with_default (message, "internetMessageId", "");
  gsize length = strlen (id);

  if (length >= 2 && id[0] == '<' && id[length - 1] == '>')
    return g_strndup (id + 1, length - 2);
  return g_strdup (id);
}

/* The server's message of that Message-ID in the folder. */
static JsonObject *
server_message (Fixture    *fixture,
                const char *folder_id,
                const char *message_id)
{
  JsonObject *message = kabar_graph_test_find (fixture->server, folder_id, message_id);

  if (message == NULL)
    g_error ("The server's folder has no <%s>", message_id);
  return message;
}

/* After a sync, the store's folder holds what the server's does: the same
 * messages, once each, with the same read and flagged marks. */
static void
assert_same (Fixture    *fixture,
             const char *path,
             const char *server_id)
{
  g_autoptr(KabarStoreFolder) folder = store_folder (fixture, path);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) ids = kabar_graph_server_list_messages (fixture->server, server_id);

  g_assert_nonnull (folder);
  messages = store_messages (fixture, folder->id);
  g_assert_cmpuint (messages->len, ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) message = kabar_graph_server_get_message (fixture->server, ids->pdata[i]);
      g_autofree char *id = internet_id (message);
      const KabarMessageSummary *summary = kabar_graph_test_find_summary (messages, id);

      g_assert_nonnull (summary);
      g_assert_cmpuint (summary->uid, >, 0);
      g_assert_cmpint (!!(summary->flags & KABAR_MESSAGE_FLAG_SEEN), ==,
                       json_object_get_boolean_member_with_default (message, "isRead", FALSE));
      g_assert_cmpint (!!(summary->flags & KABAR_MESSAGE_FLAG_FLAGGED), ==, kabar_graph_test_is_flagged (message));
      g_assert_cmpuint (kabar_graph_test_count (fixture->server, server_id, id), ==, 1);
    }
}

/* Before any sync: the store's folder lists what the replay put in the
 * server's, each message once and as the server's (a uid, its id bound).
 * Returns the rows' ids. */
static GArray *
assert_bound (Fixture    *fixture,
              const char *path,
              const char *server_id)
{
  g_autoptr(KabarStoreFolder) folder = store_folder (fixture, path);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) ids = kabar_graph_server_list_messages (fixture->server, server_id);
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_nonnull (folder);
  messages = store_messages (fixture, folder->id);
  g_assert_cmpuint (messages->len, ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) message = kabar_graph_server_get_message (fixture->server, ids->pdata[i]);
      g_autofree char *id = internet_id (message);
      const KabarMessageSummary *summary = kabar_graph_test_find_summary (messages, id);
      g_autofree char *remote_id = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (summary);
      g_assert_cmpuint (summary->uid, >, 0);
      remote_id = kabar_store_graph_get_message_remote_id (fixture->store, summary->id, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (remote_id, ==, ids->pdata[i]);
      g_array_append_val (rows, summary->id);
    }
  return rows;
}

/* After the sync: the same rows, no second copy of any. */
static void
assert_rows_kept (Fixture    *fixture,
                  const char *path,
                  GArray     *rows)
{
  g_autoptr(KabarStoreFolder) folder = store_folder (fixture, path);
  g_autoptr(GPtrArray) messages = store_messages (fixture, folder->id);

  g_assert_cmpuint (messages->len, ==, rows->len);
  for (guint i = 0; i < messages->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (messages, i);
      gboolean kept = FALSE;

      for (guint j = 0; j < rows->len; j++)
        kept = kept || g_array_index (rows, gint64, j) == summary->id;
      g_assert_true (kept);
    }
}

static void
assert_inbox_same (Fixture *fixture)
{
  g_autoptr(KabarStoreFolder) inbox = store_role (fixture, KABAR_FOLDER_ROLE_INBOX);
  g_autofree char *id = server_folder (fixture, "inbox");

  assert_same (fixture, inbox->path, id);
}

/* A folder "Projek" with its Graph id, both synced. */
static char *
add_project_folder (Fixture *fixture)
{
  char *id = kabar_graph_server_add_folder (fixture->server, NULL, "Projek", NULL);

  g_assert_nonnull (id);
  return id;
}

static gint64
change_flags (Fixture           *fixture,
              gint64             folder_id,
              const guint32     *uids,
              gsize              n_uids,
              KabarMessageFlags  add,
              KabarMessageFlags  remove)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kabar_store_change_flags (fixture->store, folder_id, uids, n_uids, add, remove, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

typedef gint64 (*ChangeTo) (KabarStore     *store,
                            gint64          folder_id,
                            const guint32  *uids,
                            gsize           n_uids,
                            gint64          to_folder_id,
                            GError        **error);

/* kabar_store_change_move() or _copy(), which must be taken. */
static void
change_to (Fixture       *fixture,
           ChangeTo       change,
           gint64         folder_id,
           const guint32 *uids,
           gsize          n_uids,
           gint64         to_folder_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (change (fixture->store, folder_id, uids, n_uids, to_folder_id, &error), >, 0);
  g_assert_no_error (error);
}

static void
change_delete (Fixture       *fixture,
               gint64         folder_id,
               const guint32 *uids,
               gsize          n_uids)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (kabar_store_change_delete (fixture->store, folder_id, uids, n_uids, &error), >, 0);
  g_assert_no_error (error);
}

/* A draft "Konsep" <message_id> saved here; returns the store's Drafts. */
static KabarStoreFolder *
change_append_draft (Fixture           *fixture,
                     const char        *message_id,
                     KabarMessageFlags  flags)
{
  KabarStoreFolder *drafts = store_role (fixture, KABAR_FOLDER_ROLE_DRAFTS);
  g_autoptr(KabarMessageSummary) summary = kabar_message_summary_new ();
  g_autoptr(GBytes) mime = kabar_graph_test_mime ("Konsep", message_id);
  g_autoptr(GError) error = NULL;

  summary->subject = g_strdup ("Konsep");
  summary->message_id = g_strdup (message_id);
  g_assert_cmpint (kabar_store_change_append (fixture->store, drafts->id, mime, flags, summary, &error), >, 0);
  g_assert_no_error (error);
  return drafts;
}

/* The server's inbox with n messages <name-i@example.org> and a folder
 * "Projek", both synced. */
typedef struct
{
  char             *inbox_id;
  char             *project_id;
  KabarStoreFolder *inbox;
  KabarStoreFolder *project;
} Folders;

static void
folders_set_up (Fixture    *fixture,
                const char *name,
                guint       n,
                Folders    *folders)
{
  folders->inbox_id = server_folder (fixture, "inbox");
  folders->project_id = add_project_folder (fixture);
  kabar_graph_test_fill (fixture->server, folders->inbox_id, name, n);
  sync_all (fixture);
  folders->inbox = store_role (fixture, KABAR_FOLDER_ROLE_INBOX);
  folders->project = store_folder (fixture, "Projek");
  g_assert_nonnull (folders->project);
}

static void
folders_clear (Folders *folders)
{
  g_free (folders->inbox_id);
  g_free (folders->project_id);
  g_clear_pointer (&folders->inbox, kabar_store_folder_free);
  g_clear_pointer (&folders->project, kabar_store_folder_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Folders, folders_clear)

/* After the sync, the inbox and Projek hold what the server's do, Projek
 * in the rows that the replay bound. */
static void
assert_synced_with_project (Fixture       *fixture,
                            const Folders *folders,
                            GArray        *rows)
{
  sync_all (fixture);
  assert_inbox_same (fixture);
  assert_same (fixture, "Projek", folders->project_id);
  assert_rows_kept (fixture, "Projek", rows);
}

/* --- flags ------------------------------------------------------------------------- */

static void
test_flags (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *inbox_id = server_folder (fixture, "inbox");
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(JsonObject) read = NULL;
  g_autoptr(JsonObject) flagged = NULL;
  g_autoptr(JsonObject) untouched = NULL;
  guint32 uid;

  kabar_graph_test_fill (fixture->server, inbox_id, "surat", 3);
  sync_all (fixture);
  inbox = store_role (fixture, KABAR_FOLDER_ROLE_INBOX);
  uid = uid_of (fixture, inbox->id, "surat-0@example.org");
  change_flags (fixture, inbox->id, &uid, 1, KABAR_MESSAGE_FLAG_SEEN, 0);
  uid = uid_of (fixture, inbox->id, "surat-1@example.org");
  change_flags (fixture, inbox->id, &uid, 1, KABAR_MESSAGE_FLAG_FLAGGED, 0);
  replay_ok (fixture);

  g_assert_cmpuint (count_pending (fixture), ==, 0);
  read = server_message (fixture, inbox_id, "surat-0@example.org");
  flagged = server_message (fixture, inbox_id, "surat-1@example.org");
  untouched = server_message (fixture, inbox_id, "surat-2@example.org");
  g_assert_true (json_object_get_boolean_member (read, "isRead"));
  g_assert_false (kabar_graph_test_is_flagged (read));
  g_assert_false (json_object_get_boolean_member (flagged, "isRead"));
  g_assert_true (kabar_graph_test_is_flagged (flagged));
  g_assert_false (json_object_get_boolean_member (untouched, "isRead"));
  g_assert_cmpuint (fixture->refusals->len, ==, 0);

  /* And back. */
  uid = uid_of (fixture, inbox->id, "surat-0@example.org");
  change_flags (fixture, inbox->id, &uid, 1, 0, KABAR_MESSAGE_FLAG_SEEN);
  replay_ok (fixture);
  g_clear_pointer (&read, json_object_unref);
  read = server_message (fixture, inbox_id, "surat-0@example.org");
  g_assert_false (json_object_get_boolean_member (read, "isRead"));
  sync_all (fixture);
  assert_inbox_same (fixture);
}

/* Thirty messages marked read, one change each: two $batch requests (20
 * and 10), no PATCH alone. */
static void
test_flags_batched (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *inbox_id = server_folder (fixture, "inbox");
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  guint batches, patches;

  kabar_graph_test_fill (fixture->server, inbox_id, "banyak", 30);
  sync_all (fixture);
  inbox = store_role (fixture, KABAR_FOLDER_ROLE_INBOX);
  messages = store_messages (fixture, inbox->id);
  g_assert_cmpuint (messages->len, ==, 30);
  for (guint i = 0; i < messages->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (messages, i);

      change_flags (fixture, inbox->id, &summary->uid, 1, KABAR_MESSAGE_FLAG_SEEN, 0);
    }
  batches = kabar_graph_server_count_requests (fixture->server, "POST", "/$batch");
  patches = kabar_graph_server_count_requests (fixture->server, "PATCH", "/me/messages/");
  replay_ok (fixture);

  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "POST", "/$batch") - batches, ==, 2);
  /* Each PATCH went inside a batch, and is counted once. */
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "PATCH", "/me/messages/") - patches,
                    ==, 30);
  g_assert_cmpuint (count_pending (fixture), ==, 0);
  sync_all (fixture);
  assert_inbox_same (fixture);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("banyak-%u@example.org", i);
      g_autoptr(JsonObject) message = server_message (fixture, inbox_id, id);

      g_assert_true (json_object_get_boolean_member (message, "isRead"));
    }
}

/* --- messages -------------------------------------------------------------------------- */

static void
test_move_copy_delete (Fixture       *fixture,
                       gconstpointer  data)
{
  g_auto(Folders) folders = { NULL, };
  g_autoptr(GArray) rows = NULL;
  gint64 inbox;
  guint32 uid;

  folders_set_up (fixture, "pesan", 4, &folders);
  inbox = folders.inbox->id;
  uid = uid_of (fixture, inbox, "pesan-0@example.org");
  change_to (fixture, kabar_store_change_move, inbox, &uid, 1, folders.project->id);
  uid = uid_of (fixture, inbox, "pesan-1@example.org");
  change_to (fixture, kabar_store_change_copy, inbox, &uid, 1, folders.project->id);
  uid = uid_of (fixture, inbox, "pesan-2@example.org");
  change_delete (fixture, inbox, &uid, 1);
  replay_ok (fixture);

  g_assert_cmpuint (count_pending (fixture), ==, 0);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.inbox_id, "pesan-0@example.org"), ==, 0);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.project_id, "pesan-0@example.org"), ==, 1);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.inbox_id, "pesan-1@example.org"), ==, 1);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.project_id, "pesan-1@example.org"), ==, 1);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.inbox_id, "pesan-2@example.org"), ==, 0);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.inbox_id, "pesan-3@example.org"), ==, 1);
  /* Moved and copied, they stay in the list until the sync. */
  rows = assert_bound (fixture, "Projek", folders.project_id);
  g_assert_cmpuint (rows->len, ==, 2);
  assert_synced_with_project (fixture, &folders, rows);
}

static void
test_append (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *drafts_id = server_folder (fixture, "drafts");
  g_autoptr(KabarStoreFolder) drafts = NULL;

  sync_all (fixture);
  drafts = change_append_draft (fixture, "konsep-1@example.org",
                                KABAR_MESSAGE_FLAG_DRAFT | KABAR_MESSAGE_FLAG_SEEN);
  replay_ok (fixture);

  g_assert_cmpuint (kabar_graph_test_count (fixture->server, drafts_id, "konsep-1@example.org"), ==, 1);
  sync_all (fixture);
  assert_same (fixture, drafts->path, drafts_id);
}

/* The message was deleted on another device before the change reached
 * the server: 404, the change undone here and reported. */
static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *inbox_id = server_folder (fixture, "inbox");
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(JsonObject) gone = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *gone_id = NULL;
  const KabarMessageSummary *summary;
  guint32 uid;
  const GError *refusal;

  kabar_graph_test_fill (fixture->server, inbox_id, "hilang", 2);
  sync_all (fixture);
  inbox = store_role (fixture, KABAR_FOLDER_ROLE_INBOX);
  gone = server_message (fixture, inbox_id, "hilang-0@example.org");
  gone_id = g_strdup (json_object_get_string_member (gone, "id"));
  g_assert_true (kabar_graph_server_delete_message (fixture->server, gone_id));

  uid = uid_of (fixture, inbox->id, "hilang-0@example.org");
  change_flags (fixture, inbox->id, &uid, 1, KABAR_MESSAGE_FLAG_FLAGGED, 0);
  uid = uid_of (fixture, inbox->id, "hilang-1@example.org");
  change_flags (fixture, inbox->id, &uid, 1, KABAR_MESSAGE_FLAG_SEEN, 0);
  replay_ok (fixture);

  g_assert_cmpuint (count_pending (fixture), ==, 0);
  g_assert_cmpuint (fixture->refusals->len, ==, 1);
  g_assert_cmpint (g_array_index (fixture->refused_kinds, KabarPendingKind, 0), ==, KABAR_PENDING_FLAGS);
  refusal = g_ptr_array_index (fixture->refusals, 0);
  g_assert_error (refusal, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND);
  /* Undone here: not flagged any more. */
  messages = store_messages (fixture, inbox->id);
  summary = kabar_graph_test_find_summary (messages, "hilang-0@example.org");
  g_assert_nonnull (summary);
  g_assert_false (summary->flags & KABAR_MESSAGE_FLAG_FLAGGED);
  /* The other change went. */
  {
    g_autoptr(JsonObject) other = server_message (fixture, inbox_id, "hilang-1@example.org");

    g_assert_true (json_object_get_boolean_member (other, "isRead"));
  }
  sync_all (fixture);
  assert_inbox_same (fixture);
}

/* --- folders -------------------------------------------------------------------------- */

static void
test_folders (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) created = NULL;
  g_autoptr(KabarStoreFolder) child = NULL;
  g_autofree char *created_id = NULL;
  g_autofree char *renamed_id = NULL;
  g_autofree char *child_id = NULL;
  g_autofree char *old_id = add_project_folder (fixture);
  g_autoptr(KabarStoreFolder) old = NULL;
  g_autoptr(KabarStoreFolder) renamed = NULL;

  sync_all (fixture);
  g_assert_cmpint (kabar_store_change_create_folder (fixture->store, "Liburan", '/', &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_store_change_create_folder (fixture->store, "Liburan/Bali", '/', &error), >, 0);
  g_assert_no_error (error);
  replay_ok (fixture);

  created_id = kabar_graph_server_find_folder (fixture->server, "Liburan");
  child_id = kabar_graph_server_find_folder (fixture->server, "Liburan/Bali");
  g_assert_nonnull (created_id);
  g_assert_nonnull (child_id);
  created = store_folder (fixture, "Liburan");
  {
    g_autofree char *bound = kabar_store_graph_get_folder_remote_id (fixture->store, created->id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (bound, ==, created_id);
  }

  /* Renamed, and deleted. */
  child = store_folder (fixture, "Liburan/Bali");
  g_assert_cmpint (kabar_store_change_rename_folder (fixture->store, child->id, "Liburan/Lombok", &error),
                   >, 0);
  g_assert_no_error (error);
  old = store_folder (fixture, "Projek");
  g_assert_cmpint (kabar_store_change_delete_folder (fixture->store, old->id, &error), >, 0);
  g_assert_no_error (error);
  replay_ok (fixture);

  g_assert_null (kabar_graph_server_find_folder (fixture->server, "Liburan/Bali"));
  renamed_id = kabar_graph_server_find_folder (fixture->server, "Liburan/Lombok");
  g_assert_cmpstr (renamed_id, ==, child_id);
  g_assert_null (kabar_graph_server_find_folder (fixture->server, "Projek"));
  g_assert_cmpuint (count_pending (fixture), ==, 0);

  /* The tree sync agrees: nothing added twice, nothing back. */
  sync_all (fixture);
  renamed = store_folder (fixture, "Liburan/Lombok");
  g_assert_nonnull (renamed);
  g_assert_null (store_folder (fixture, "Liburan/Bali"));
  g_assert_null (store_folder (fixture, "Projek"));
  {
    g_autoptr(GPtrArray) folders = kabar_store_list_folders (fixture->store, &error);
    g_autoptr(GPtrArray) on_server = kabar_graph_server_list_folders (fixture->server);

    g_assert_no_error (error);
    g_assert_cmpuint (folders->len, ==, on_server->len);
  }
}

/* --- a folder deleted while the tree syncs ------------------------------------ */

typedef struct
{
  Fixture  *fixture;
  gboolean  synced;
  GError   *error;
} TreeSync;

/* As a check does: on a thread, with a client of its own. */
static gpointer
sync_tree_in_thread (gpointer data)
{
  TreeSync *sync = data;
  GMainContext *context = g_main_context_new ();
  KabarGraphClient *client;

  g_main_context_push_thread_default (context);
  client = kabar_graph_client_new (sync->fixture->account);
  sync->synced = kabar_graph_sync_folder_tree (client, sync->fixture->store, NULL, &sync->error);
  g_object_unref (client);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

/* The user deletes a folder while the folder tree syncs: the sync goes on,
 * the folder is not brought back, and the user's delete reaches the
 * server. */
static void
test_folder_deleted_during_sync (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *project_id = add_project_folder (fixture);
  g_autofree char *child_id = kabar_graph_server_add_folder (fixture->server, project_id, "Rapat", NULL);
  g_autofree char *other_id = kabar_graph_server_add_folder (fixture->server, NULL, "Liburan", NULL);
  g_autoptr(KabarStoreFolder) project = NULL;
  g_autoptr(KabarStoreFolder) gone = NULL;
  g_autoptr(KabarStoreFolder) child = NULL;
  g_autoptr(KabarStoreFolder) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_project = NULL;
  g_autofree char *server_other = NULL;
  TreeSync sync = { fixture, FALSE, NULL };
  GThread *thread;
  guint asked;

  kabar_graph_test_fill (fixture->server, child_id, "rapat", 2);
  sync_all (fixture);
  project = store_folder (fixture, "Projek");
  g_assert_nonnull (project);

  /* The tree's request waits out a Retry-After: the sync has read the
   * store's folders, not yet written them. */
  asked = kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders/delta");
  kabar_graph_server_throttle (fixture->server, 1, 429, 2);
  thread = g_thread_new ("tree-sync", sync_tree_in_thread, &sync);
  while (kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders/delta") == asked)
    g_usleep (10 * 1000);
  g_assert_cmpint (kabar_store_change_delete_folder (fixture->store, project->id, &error), >, 0);
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_no_error (sync.error);
  g_assert_true (sync.synced);

  gone = store_folder (fixture, "Projek");
  g_assert_null (gone);
  other = store_folder (fixture, "Liburan");
  g_assert_nonnull (other);
  g_assert_cmpuint (count_pending (fixture), ==, 1);

  replay_ok (fixture);
  sync_all (fixture);
  server_project = kabar_graph_server_find_folder (fixture->server, "Projek");
  g_assert_null (server_project);
  g_clear_pointer (&gone, kabar_store_folder_free);
  gone = store_folder (fixture, "Projek");
  g_assert_null (gone);
  /* The server deleted what was below it, and so does the store. */
  child = store_folder (fixture, "Projek/Rapat");
  g_assert_null (child);
  server_other = kabar_graph_server_find_folder (fixture->server, "Liburan");
  g_assert_cmpstr (server_other, ==, other_id);
  g_assert_cmpuint (fixture->refusals->len, ==, 0);
}

/* --- faults ---------------------------------------------------------------------------- */

typedef struct
{
  const char      *method;
  const char      *prefix;
  KabarGraphFault  fault;
  gboolean         after_change;
} Fault;

static const Fault cut_before = { "POST", "/me/messages/", KABAR_GRAPH_FAULT_CUT, FALSE };
static const Fault cut_after = { "POST", "/me/messages/", KABAR_GRAPH_FAULT_CUT, TRUE };
static const Fault error_500 = { "POST", "/me/messages/", KABAR_GRAPH_FAULT_500, FALSE };
static const Fault busy_503 = { "POST", "/me/messages/", KABAR_GRAPH_FAULT_503, FALSE };

/* Replays until nothing is pending: the first run may fail (the fault),
 * never the second. */
static void
replay_through_fault (Fixture     *fixture,
                      const Fault *fault)
{
  g_autoptr(GError) error = NULL;

  kabar_graph_server_add_fault (fixture->server, fault->method, fault->prefix, 1, fault->fault,
                                fault->after_change);
  if (!replay (fixture, &error))
    {
      g_test_message ("The first replay failed: %s", error->message);
      /* A fault is no refusal: nothing undone. */
      g_assert_false (g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND));
      g_assert_cmpuint (count_pending (fixture), >, 0);
      g_clear_error (&error);
    }
  replay_ok (fixture);
  g_assert_cmpuint (count_pending (fixture), ==, 0);
  g_assert_cmpuint (fixture->refusals->len, ==, 0);
}

static void
test_copy_fault (Fixture       *fixture,
                 gconstpointer  data)
{
  const Fault *fault = data;
  g_auto(Folders) folders = { NULL, };
  g_autoptr(GArray) rows = NULL;
  guint32 uids[2];

  folders_set_up (fixture, "salin", 3, &folders);
  uids[0] = uid_of (fixture, folders.inbox->id, "salin-0@example.org");
  uids[1] = uid_of (fixture, folders.inbox->id, "salin-1@example.org");
  change_to (fixture, kabar_store_change_copy, folders.inbox->id, uids, 2, folders.project->id);
  replay_through_fault (fixture, fault);

  /* One copy each, whatever the cut did. */
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.project_id, "salin-0@example.org"), ==, 1);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.project_id, "salin-1@example.org"), ==, 1);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.inbox_id, "salin-0@example.org"), ==, 1);
  rows = assert_bound (fixture, "Projek", folders.project_id);
  assert_synced_with_project (fixture, &folders, rows);
}

static void
test_move_fault (Fixture       *fixture,
                 gconstpointer  data)
{
  const Fault *fault = data;
  g_auto(Folders) folders = { NULL, };
  g_autoptr(GArray) rows = NULL;
  guint32 uid;

  folders_set_up (fixture, "pindah", 2, &folders);
  uid = uid_of (fixture, folders.inbox->id, "pindah-0@example.org");
  change_to (fixture, kabar_store_change_move, folders.inbox->id, &uid, 1, folders.project->id);
  replay_through_fault (fixture, fault);

  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.project_id, "pindah-0@example.org"), ==, 1);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.inbox_id, "pindah-0@example.org"), ==, 0);
  rows = assert_bound (fixture, "Projek", folders.project_id);
  assert_synced_with_project (fixture, &folders, rows);
}

/* Faults inside a $batch of flag changes. */
static void
test_flags_fault (Fixture       *fixture,
                  gconstpointer  data)
{
  const Fault *fault = data;
  Fault batch_fault = { NULL, "/me/messages/", fault->fault, fault->after_change };
  g_autofree char *inbox_id = server_folder (fixture, "inbox");
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  kabar_graph_test_fill (fixture->server, inbox_id, "tanda", 5);
  sync_all (fixture);
  inbox = store_role (fixture, KABAR_FOLDER_ROLE_INBOX);
  messages = store_messages (fixture, inbox->id);
  for (guint i = 0; i < messages->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (messages, i);

      change_flags (fixture, inbox->id, &summary->uid, 1,
                    KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED, 0);
    }
  replay_through_fault (fixture, &batch_fault);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("tanda-%u@example.org", i);
      g_autoptr(JsonObject) message = server_message (fixture, inbox_id, id);

      g_assert_true (json_object_get_boolean_member (message, "isRead"));
      g_assert_true (kabar_graph_test_is_flagged (message));
    }
  sync_all (fixture);
  assert_inbox_same (fixture);
}

static void
test_create_folder_fault (Fixture       *fixture,
                          gconstpointer  data)
{
  const Fault *fault = data;
  Fault folder_fault = { "POST", "/me/mailFolders", fault->fault, fault->after_change };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *made = NULL;

  sync_all (fixture);
  before = kabar_graph_server_list_folders (fixture->server);
  g_assert_cmpint (kabar_store_change_create_folder (fixture->store, "Arsip Lama", '/', &error), >, 0);
  g_assert_no_error (error);
  replay_through_fault (fixture, &folder_fault);

  /* Made once. */
  after = kabar_graph_server_list_folders (fixture->server);
  g_assert_cmpuint (after->len, ==, before->len + 1);
  made = kabar_graph_server_find_folder (fixture->server, "Arsip Lama");
  g_assert_nonnull (made);
  sync_all (fixture);
  {
    g_autoptr(GPtrArray) folders = kabar_store_list_folders (fixture->store, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (folders->len, ==, after->len);
  }
}

/* A draft saved here: one copy on the server, whatever the cut did. */
static void
test_append_fault (Fixture       *fixture,
                   gconstpointer  data)
{
  const Fault *fault = data;
  Fault append_fault = { "POST", "/me/mailFolders/", fault->fault, fault->after_change };
  g_autofree char *drafts_id = server_folder (fixture, "drafts");
  g_autoptr(KabarStoreFolder) drafts = NULL;

  sync_all (fixture);
  drafts = change_append_draft (fixture, "konsep-2@example.org", KABAR_MESSAGE_FLAG_DRAFT);
  replay_through_fault (fixture, &append_fault);

  g_assert_cmpuint (kabar_graph_test_count (fixture->server, drafts_id, "konsep-2@example.org"), ==, 1);
  sync_all (fixture);
  assert_same (fixture, drafts->path, drafts_id);
}

/* Deleting for good: a message the cut already deleted is as good as
 * deleted. */
static void
test_delete_fault (Fixture       *fixture,
                   gconstpointer  data)
{
  const Fault *fault = data;
  Fault delete_fault = { NULL, "/me/messages/", fault->fault, fault->after_change };
  g_autofree char *inbox_id = server_folder (fixture, "inbox");
  g_autoptr(KabarStoreFolder) inbox = NULL;
  guint32 uids[2];

  kabar_graph_test_fill (fixture->server, inbox_id, "buang", 3);
  sync_all (fixture);
  inbox = store_role (fixture, KABAR_FOLDER_ROLE_INBOX);
  uids[0] = uid_of (fixture, inbox->id, "buang-0@example.org");
  uids[1] = uid_of (fixture, inbox->id, "buang-1@example.org");
  change_delete (fixture, inbox->id, uids, 2);
  replay_through_fault (fixture, &delete_fault);

  g_assert_cmpuint (kabar_graph_test_count (fixture->server, inbox_id, "buang-0@example.org"), ==, 0);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, inbox_id, "buang-1@example.org"), ==, 0);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, inbox_id, "buang-2@example.org"), ==, 1);
  sync_all (fixture);
  assert_inbox_same (fixture);
}

/* 503 with Retry-After: the client waits and retries; the replay ends
 * done in one run. */
static void
test_throttled (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(Folders) folders = { NULL, };
  guint32 uid;

  folders_set_up (fixture, "sibuk", 2, &folders);
  uid = uid_of (fixture, folders.inbox->id, "sibuk-0@example.org");
  change_to (fixture, kabar_store_change_move, folders.inbox->id, &uid, 1, folders.project->id);
  uid = uid_of (fixture, folders.inbox->id, "sibuk-1@example.org");
  change_flags (fixture, folders.inbox->id, &uid, 1, KABAR_MESSAGE_FLAG_SEEN, 0);
  kabar_graph_server_throttle (fixture->server, 2, 503, 1);
  replay_ok (fixture);

  g_assert_cmpuint (count_pending (fixture), ==, 0);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, folders.project_id, "sibuk-0@example.org"), ==, 1);
  sync_all (fixture);
  assert_inbox_same (fixture);
  assert_same (fixture, "Projek", folders.project_id);
}

static void
add (const char    *path,
     gconstpointer  data,
     void         (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, kabar_graph_test_fixture_set_up, test, kabar_graph_test_fixture_tear_down);
}

/* --- a folder delete the server refuses ------------------------------------------- */

/* The store's folder of the server's folder id, or NULL. */
static KabarStoreFolder *
store_folder_of (Fixture    *fixture,
                 const char *server_id)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kabar_store_graph_find_folder (fixture->store, server_id, &error);

  g_assert_no_error (error);
  return id > 0 ? kabar_store_get_folder (fixture->store, id, NULL) : NULL;
}

/* Outlook does not delete its own folders (403): the Archive comes back
 * with its mail, though the folder tree's delta had nothing new to say. */
static void
test_folder_delete_refused (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *archive_id = server_folder (fixture, "archive");
  g_autoptr(KabarStoreFolder) archive = NULL;
  g_autoptr(KabarStoreFolder) back = NULL;
  g_autoptr(GError) error = NULL;
  const GError *refusal;

  kabar_graph_test_fill (fixture->server, archive_id, "arsip", 3);
  sync_all (fixture);
  archive = store_folder_of (fixture, archive_id);
  g_assert_nonnull (archive);
  g_assert_cmpint (archive->role, ==, KABAR_FOLDER_ROLE_ARCHIVE);
  assert_same (fixture, archive->path, archive_id);
  g_assert_cmpint (kabar_store_change_delete_folder (fixture->store, archive->id, &error), >, 0);
  g_assert_no_error (error);
  g_assert_null (store_folder (fixture, archive->path));

  replay_ok (fixture);
  g_assert_cmpuint (count_pending (fixture), ==, 0);
  g_assert_cmpuint (fixture->refusals->len, ==, 1);
  g_assert_cmpint (g_array_index (fixture->refused_kinds, KabarPendingKind, 0), ==, KABAR_PENDING_FOLDER_DELETE);
  refusal = g_ptr_array_index (fixture->refusals, 0);
  g_assert_error (refusal, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (refusal->message, "ErrorDeleteDistinguishedFolder"));
  {
    g_autoptr(JsonObject) kept = kabar_graph_server_get_folder (fixture->server, archive_id);

    g_assert_nonnull (kept);
  }

  sync_all (fixture);
  back = store_folder_of (fixture, archive_id);
  g_assert_nonnull (back);
  g_assert_cmpint (back->role, ==, KABAR_FOLDER_ROLE_ARCHIVE);
  g_assert_cmpstr (back->path, ==, archive->path);
  assert_same (fixture, back->path, archive_id);
  /* And the next check's delta keeps it. */
  sync_all (fixture);
  assert_same (fixture, archive->path, archive_id);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  kabar_graph_test_init ();

  add ("/graph/replay/flags", NULL, test_flags);
  add ("/graph/replay/flags-batched", NULL, test_flags_batched);
  add ("/graph/replay/move-copy-delete", NULL, test_move_copy_delete);
  add ("/graph/replay/append", NULL, test_append);
  add ("/graph/replay/refused", NULL, test_refused);
  add ("/graph/replay/folders", NULL, test_folders);
  add ("/graph/replay/folder-deleted-during-sync", NULL, test_folder_deleted_during_sync);
  add ("/graph/replay/throttled", NULL, test_throttled);
  add ("/graph/replay/copy/cut-before", &cut_before, test_copy_fault);
  add ("/graph/replay/copy/cut-after", &cut_after, test_copy_fault);
  add ("/graph/replay/copy/500", &error_500, test_copy_fault);
  add ("/graph/replay/copy/503", &busy_503, test_copy_fault);
  add ("/graph/replay/move/cut-before", &cut_before, test_move_fault);
  add ("/graph/replay/move/cut-after", &cut_after, test_move_fault);
  add ("/graph/replay/move/500", &error_500, test_move_fault);
  add ("/graph/replay/flags/cut-before", &cut_before, test_flags_fault);
  add ("/graph/replay/flags/cut-after", &cut_after, test_flags_fault);
  add ("/graph/replay/flags/500", &error_500, test_flags_fault);
  add ("/graph/replay/append/cut-before", &cut_before, test_append_fault);
  add ("/graph/replay/append/cut-after", &cut_after, test_append_fault);
  add ("/graph/replay/append/500", &error_500, test_append_fault);
  add ("/graph/replay/delete/cut-before", &cut_before, test_delete_fault);
  add ("/graph/replay/delete/cut-after", &cut_after, test_delete_fault);
  add ("/graph/replay/delete/500", &error_500, test_delete_fault);
  add ("/graph/replay/create-folder/cut-before", &cut_before, test_create_folder_fault);
  add ("/graph/replay/create-folder/cut-after", &cut_after, test_create_folder_fault);
  add ("/graph/replay/create-folder/500", &error_500, test_create_folder_fault);
  add ("/graph/replay/folder-delete-refused", NULL, test_folder_delete_refused);
  status = g_test_run ();

  kabar_graph_test_shutdown ();
  return status;
}
