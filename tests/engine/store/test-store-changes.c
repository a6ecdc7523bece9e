/* test-store-changes.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The user's changes in the store: each shows at once, is queued as a
 * pending operation, survives a restart, is completed with the server's
 * UIDs or undone exactly, and is not reverted by the sync's news from the
 * server while it is pending. And the upgrade from schema version 1.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "kabar-store.h"
#include "kabar-store-private.h"
#include "kabar-test-files.h"

typedef struct
{
  char *dir;
  char *path;
  KabarStore *store;
  gint64 inbox;
  gint64 archive;
} Fixture;

/* Setup and helpers. */

static void
fixture_set_up_paths (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = g_build_filename (base != NULL ? base : g_get_tmp_dir (),
                                                "store-changes-XXXXXX", NULL);

  fixture->dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "store.sqlite3", NULL);
}

static gint64
add_folder (KabarStore *store,
            const char *path)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kabar_store_upsert_folder (store, path, '/', NULL, KABAR_FOLDER_ROLE_NONE, TRUE,
                                         &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static KabarMessageSummary *
summary_new (guint32 uid)
{
  KabarMessageSummary *summary = kabar_message_summary_new ();

  summary->uid = uid;
  summary->date = 1700000000 + uid * 60;
  summary->internal_date = summary->date + 30;
  summary->subject = g_strdup_printf ("Laporan bulanan %u", uid);
  summary->from_name = g_strdup ("Budi Santoso");
  summary->from_address = g_strdup ("budi.santoso@example.co.id");
  summary->to = g_strdup ("Dewi Lestari <dewi@example.in>");
  summary->message_id = g_strdup_printf ("<laporan-%u@example.co.id>", uid);
  summary->flags = uid % 2 == 0 ? KABAR_MESSAGE_FLAG_SEEN : 0;
  return summary;
}

/* UIDs 1..n in the folder, the even ones read, each with a body. */
static void
fill (KabarStore *store,
      gint64      folder_id,
      guint32     n)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(GError) error = NULL;

  for (guint32 uid = 1; uid <= n; uid++)
    g_ptr_array_add (batch, summary_new (uid));
  g_assert_true (kabar_store_insert_summaries (store, folder_id, batch, &error));
  g_assert_no_error (error);
  /* As the sync does before it returns. */
  g_assert_true (kabar_store_index_pending (store, G_MAXUINT, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < batch->len; i++)
    {
      KabarMessageSummary *summary = batch->pdata[i];
      g_autofree char *text = g_strdup_printf ("isi laporan %u", summary->uid);
      g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));

      kabar_store_set_body (store, summary->id, raw, text, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_set_up_paths (fixture, data);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  fixture->inbox = add_folder (fixture->store, "INBOX");
  fixture->archive = add_folder (fixture->store, "Archive");
  fill (fixture->store, fixture->inbox, 6);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  kabar_test_remove_directory (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

static void
reopen (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->store);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
assert_counts (KabarStore *store,
               gint64      folder_id,
               guint       expected_total,
               guint       expected_unread)
{
  g_autoptr(GError) error = NULL;
  guint total = 0, unread = 0;

  g_assert_true (kabar_store_count_messages (store, folder_id, &total, &unread, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, expected_total);
  g_assert_cmpuint (unread, ==, expected_unread);
}

/* The counters the store keeps must be what counting the list gives. */
static void
assert_counts_match_list (KabarStore *store,
                          gint64      folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = kabar_store_list_messages (store, folder_id, 0, G_MAXUINT, &error);
  guint unread = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    if (!(((KabarMessageSummary *) all->pdata[i])->flags & KABAR_MESSAGE_FLAG_SEEN))
      unread++;
  assert_counts (store, folder_id, all->len, unread);
}

static GPtrArray *
list (KabarStore *store,
      gint64      folder_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *all = kabar_store_list_messages (store, folder_id, 0, G_MAXUINT, &error);

  g_assert_no_error (error);
  return all;
}

/* The listed UIDs, newest first, as "6 5 0 0": provisional rows are 0. */
static char *
listed_uids (KabarStore *store,
             gint64      folder_id)
{
  g_autoptr(GPtrArray) all = list (store, folder_id);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < all->len; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? " " : "",
                            ((KabarMessageSummary *) all->pdata[i])->uid);
  return g_string_free (text, FALSE);
}

static KabarMessageSummary *
find_listed (KabarStore *store,
             gint64      folder_id,
             const char *subject)
{
  g_autoptr(GPtrArray) all = list (store, folder_id);

  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (((KabarMessageSummary *) all->pdata[i])->subject, subject) == 0)
      return kabar_message_summary_copy (all->pdata[i]);
  return NULL;
}

/* The UID to flags map as "1:0 2:1 ...". */
static char *
uid_flags (KabarStore *store,
           gint64      folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) map = kabar_store_get_uid_flags (store, folder_id, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < map->len; i++)
    {
      KabarUidFlags *entry = &g_array_index (map, KabarUidFlags, i);

      g_string_append_printf (text, "%s%u:%u", i > 0 ? " " : "", entry->uid, entry->flags);
    }
  return g_string_free (text, FALSE);
}

static guint
count_search (KabarStore *store,
              const char *query,
              gint64      folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = kabar_store_search (store, query, folder_id, 1000, &error);

  g_assert_no_error (error);
  return ids->len;
}

static void
assert_search_index_consistent (KabarStore *store)
{
  g_autoptr(GError) error = NULL;

  kabar_store_exec_for_testing (store,
                                "INSERT INTO message_search (message_search, rank) "
                                "VALUES ('integrity-check', 1)",
                                &error);
  g_assert_no_error (error);
}

static GPtrArray *
pending (KabarStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *operations = kabar_store_list_pending_operations (store, &error);

  g_assert_no_error (error);
  return operations;
}

static KabarPendingOperation *
only_pending (KabarStore *store)
{
  g_autoptr(GPtrArray) operations = pending (store);

  g_assert_cmpuint (operations->len, ==, 1);
  return kabar_pending_operation_copy (operations->pdata[0]);
}

static void
undo (KabarStore *store,
      gint64      operation_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_store_undo_pending_operation (store, operation_id, "NO refused", &error));
  g_assert_no_error (error);
}

static void
complete (KabarStore *store,
          gint64      operation_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_store_complete_pending_operation (store, operation_id, &error));
  g_assert_no_error (error);
}

static gint64
move (KabarStore    *store,
      gint64         from,
      const guint32 *uids,
      gsize          n_uids,
      gint64         to,
      gboolean       copy)
{
  g_autoptr(GError) error = NULL;
  gint64 operation = copy
                     ? kabar_store_change_copy (store, from, uids, n_uids, to, &error)
                     : kabar_store_change_move (store, from, uids, n_uids, to, &error);

  g_assert_no_error (error);
  g_assert_cmpint (operation, >, 0);
  return operation;
}

static void
assert_text (char       *text,
             const char *expected)
{
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

/* Flags. */

static void
test_flags_show_at_once_and_are_queued (Fixture       *fixture,
                                        gconstpointer  data)
{
  const guint32 uids[] = { 3, 1, 3, 99 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarPendingOperation) operation = NULL;
  g_autoptr(GArray) messages = NULL;
  gint64 id;

  assert_counts (fixture->store, fixture->inbox, 6, 3);
  id = kabar_store_change_flags (fixture->store, fixture->inbox, uids, G_N_ELEMENTS (uids),
                                 KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED,
                                 KABAR_MESSAGE_FLAG_FLAGGED, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  /* Remove wins over add; UID 99 is not there, 3 counts once. */
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:1 2:1 3:1 4:1 5:0 6:1");
  assert_counts (fixture->store, fixture->inbox, 6, 1);
  assert_counts_match_list (fixture->store, fixture->inbox);

  operation = only_pending (fixture->store);
  g_assert_cmpint (operation->id, ==, id);
  g_assert_cmpint (operation->kind, ==, KABAR_PENDING_FLAGS);
  g_assert_cmpint (operation->folder_id, ==, fixture->inbox);
  g_assert_cmpstr (operation->uid_set, ==, "1,3");
  g_assert_false (operation->started);
  g_assert_cmpstr (operation->payload, ==,
                   "{\"path\":\"INBOX\",\"add\":[\"\\\\Seen\"],\"remove\":[\"\\\\Flagged\"]}");

  messages = kabar_store_list_pending_messages (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpuint (g_array_index (messages, KabarPendingMessage, 0).uid, ==, 1);
  g_assert_cmpstr (g_array_index (messages, KabarPendingMessage, 1).message_id, ==,
                   "laporan-3@example.co.id");
}

static void
test_flags_unknown_uids_are_not_found (Fixture       *fixture,
                                       gconstpointer  data)
{
  const guint32 uids[] = { 42 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations = NULL;

  g_assert_cmpint (kabar_store_change_flags (fixture->store, fixture->inbox, uids, 1,
                                             KABAR_MESSAGE_FLAG_SEEN, 0, &error), ==, 0);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  operations = pending (fixture->store);
  g_assert_cmpuint (operations->len, ==, 0);
}

static void
test_flags_server_updates_do_not_revert_pending_change (Fixture       *fixture,
                                                        gconstpointer  data)
{
  const guint32 uids[] = { 1 };
  /* What the server still says of 1 and 2, before the replay. */
  KabarFlagUpdate updates[] = {
    { 1, 0, NULL, 700 },
    { 2, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_ANSWERED, NULL, 701 },
  };
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = kabar_store_change_flags (fixture->store, fixture->inbox, uids, 1, KABAR_MESSAGE_FLAG_SEEN, 0,
                                 &error);
  g_assert_no_error (error);

  g_assert_true (kabar_store_update_flags (fixture->store, fixture->inbox, updates,
                                           G_N_ELEMENTS (updates), &error));
  g_assert_no_error (error);
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:1 2:3 3:0 4:1 5:0 6:1");

  /* A resync fetching the summary again does not revert it either. */
  g_ptr_array_add (again, summary_new (1));
  g_assert_true (kabar_store_insert_summaries (fixture->store, fixture->inbox, again, &error));
  g_assert_no_error (error);
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:1 2:3 3:0 4:1 5:0 6:1");
  assert_counts_match_list (fixture->store, fixture->inbox);

  /* Once confirmed, the server's word counts again. */
  complete (fixture->store, id);
  g_assert_true (kabar_store_update_flags (fixture->store, fixture->inbox, updates, 1, &error));
  g_assert_no_error (error);
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:0 2:3 3:0 4:1 5:0 6:1");
  assert_counts_match_list (fixture->store, fixture->inbox);
}

static void
test_flags_undo_restores_exactly (Fixture       *fixture,
                                  gconstpointer  data)
{
  const guint32 uids[] = { 1, 2, 3, 4 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations = NULL;
  g_autofree char *before = uid_flags (fixture->store, fixture->inbox);
  g_autofree char *after = NULL;
  gint64 id;

  id = kabar_store_change_flags (fixture->store, fixture->inbox, uids, G_N_ELEMENTS (uids),
                                 KABAR_MESSAGE_FLAG_FLAGGED, KABAR_MESSAGE_FLAG_SEEN, &error);
  g_assert_no_error (error);
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:4 2:4 3:4 4:4 5:0 6:1");
  assert_counts (fixture->store, fixture->inbox, 6, 5);

  undo (fixture->store, id);
  after = uid_flags (fixture->store, fixture->inbox);
  g_assert_cmpstr (after, ==, before);
  assert_counts (fixture->store, fixture->inbox, 6, 3);
  operations = pending (fixture->store);
  g_assert_cmpuint (operations->len, ==, 0);
}

static void
test_flags_undo_keeps_a_later_change_of_other_flags (Fixture       *fixture,
                                                     gconstpointer  data)
{
  const guint32 uids[] = { 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations = NULL;
  gint64 read, flagged;

  read = kabar_store_change_flags (fixture->store, fixture->inbox, uids, 1, KABAR_MESSAGE_FLAG_SEEN, 0,
                                   &error);
  flagged = kabar_store_change_flags (fixture->store, fixture->inbox, uids, 1, KABAR_MESSAGE_FLAG_FLAGGED,
                                      0, &error);
  g_assert_no_error (error);
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:5 2:1 3:0 4:1 5:0 6:1");

  undo (fixture->store, read);
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:4 2:1 3:0 4:1 5:0 6:1");
  operations = pending (fixture->store);
  g_assert_cmpuint (operations->len, ==, 1);
  g_assert_cmpint (((KabarPendingOperation *) operations->pdata[0])->id, ==, flagged);
}

/* Moves and copies. */

static void
test_move_hides_source_and_shows_provisional_copy (Fixture       *fixture,
                                                   gconstpointer  data)
{
  const guint32 uids[] = { 2, 3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarPendingOperation) operation = NULL;
  g_autoptr(KabarMessageSummary) moved = NULL;
  g_autoptr(GBytes) body = NULL;
  guint32 max_uid = 0;
  gint64 id;

  id = move (fixture->store, fixture->inbox, uids, 2, fixture->archive, FALSE);

  assert_text (listed_uids (fixture->store, fixture->inbox), "6 5 4 1");
  assert_counts (fixture->store, fixture->inbox, 4, 2);
  assert_text (listed_uids (fixture->store, fixture->archive), "0 0");
  assert_counts (fixture->store, fixture->archive, 2, 1);

  /* The server still has them in INBOX, none yet in Archive. */
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:0 2:1 3:0 4:1 5:0 6:1");
  assert_text (uid_flags (fixture->store, fixture->archive), "");
  g_assert_true (kabar_store_get_max_uid (fixture->store, fixture->archive, &max_uid, &error));
  g_assert_cmpuint (max_uid, ==, 0);
  g_assert_true (kabar_store_get_max_uid (fixture->store, fixture->inbox, &max_uid, &error));
  g_assert_cmpuint (max_uid, ==, 6);

  /* Search and threads find the copy, not the hidden original. */
  g_assert_cmpuint (count_search (fixture->store, "laporan", 0), ==, 6);
  g_assert_cmpuint (count_search (fixture->store, "laporan", fixture->inbox), ==, 4);
  g_assert_cmpuint (count_search (fixture->store, "isi", fixture->archive), ==, 2);

  moved = find_listed (fixture->store, fixture->archive, "Laporan bulanan 3");
  g_assert_nonnull (moved);
  g_assert_cmpuint (moved->uid, ==, 0);
  g_assert_cmpstr (moved->message_id, ==, "laporan-3@example.co.id");
  body = kabar_store_get_body (fixture->store, moved->id, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "isi laporan 3", 13);

  operation = only_pending (fixture->store);
  g_assert_cmpint (operation->id, ==, id);
  g_assert_cmpint (operation->kind, ==, KABAR_PENDING_MOVE);
  g_assert_cmpstr (operation->uid_set, ==, "2:3");
  g_assert_cmpstr (operation->payload, ==, "{\"path\":\"INBOX\",\"to\":\"Archive\"}");
  assert_search_index_consistent (fixture->store);
}

static void
test_move_undo_brings_messages_back (Fixture       *fixture,
                                     gconstpointer  data)
{
  const guint32 uids[] = { 2, 3 };
  gint64 id = move (fixture->store, fixture->inbox, uids, 2, fixture->archive, FALSE);

  undo (fixture->store, id);
  assert_text (listed_uids (fixture->store, fixture->inbox), "6 5 4 3 2 1");
  assert_counts (fixture->store, fixture->inbox, 6, 3);
  assert_text (listed_uids (fixture->store, fixture->archive), "");
  assert_counts (fixture->store, fixture->archive, 0, 0);
  g_assert_cmpuint (count_search (fixture->store, "laporan", 0), ==, 6);
  assert_search_index_consistent (fixture->store);
}

static void
test_move_completes_with_the_servers_uids (Fixture       *fixture,
                                           gconstpointer  data)
{
  const guint32 uids[] = { 2, 3 };
  const guint32 source[] = { 3, 2 };
  const guint32 destination[] = { 31, 30 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) archive = NULL;
  g_autoptr(GPtrArray) operations = NULL;
  gint64 id = move (fixture->store, fixture->inbox, uids, 2, fixture->archive, FALSE);

  g_assert_true (kabar_store_complete_pending_copy (fixture->store, id, 777, source, destination, 2,
                                                    &error));
  g_assert_no_error (error);

  assert_text (listed_uids (fixture->store, fixture->archive), "31 30");
  assert_text (uid_flags (fixture->store, fixture->archive), "30:1 31:0");
  assert_counts (fixture->store, fixture->archive, 2, 1);
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:0 4:1 5:0 6:1");
  assert_counts (fixture->store, fixture->inbox, 4, 2);
  archive = kabar_store_get_folder (fixture->store, fixture->archive, &error);
  g_assert_cmpuint (archive->sync.uidvalidity, ==, 777);
  operations = pending (fixture->store);
  g_assert_cmpuint (operations->len, ==, 0);
  assert_search_index_consistent (fixture->store);
}

static void
test_move_without_uids_leaves_the_copy_to_the_sync (Fixture       *fixture,
                                                    gconstpointer  data)
{
  const guint32 uids[] = { 2, 3 };
  gint64 id = move (fixture->store, fixture->inbox, uids, 2, fixture->archive, FALSE);

  complete (fixture->store, id);
  assert_text (listed_uids (fixture->store, fixture->archive), "");
  assert_counts (fixture->store, fixture->archive, 0, 0);
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:0 4:1 5:0 6:1");
  assert_search_index_consistent (fixture->store);
}

static void
test_move_other_uidvalidity_drops_the_copy (Fixture       *fixture,
                                            gconstpointer  data)
{
  const guint32 uids[] = { 2 };
  const guint32 destination[] = { 40 };
  KabarFolderSyncState state = { 5, 40, 0, 0 };
  g_autoptr(GError) error = NULL;
  gint64 id;

  kabar_store_set_folder_sync_state (fixture->store, fixture->archive, &state, &error);
  id = move (fixture->store, fixture->inbox, uids, 1, fixture->archive, FALSE);
  g_assert_true (kabar_store_complete_pending_copy (fixture->store, id, 6, uids, destination, 1, &error));
  g_assert_no_error (error);
  assert_text (listed_uids (fixture->store, fixture->archive), "");
}

static void
test_move_completed_after_the_sync_keeps_one_row (Fixture       *fixture,
                                                  gconstpointer  data)
{
  const guint32 uids[] = { 2 };
  const guint32 destination[] = { 20 };
  g_autoptr(GPtrArray) synced = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(GError) error = NULL;
  KabarMessageSummary *summary = summary_new (2);
  gint64 id = move (fixture->store, fixture->inbox, uids, 1, fixture->archive, FALSE);

  /* The sync of Archive saw the moved message before the replay heard. */
  summary->uid = 20;
  g_ptr_array_add (synced, summary);
  g_assert_true (kabar_store_insert_summaries (fixture->store, fixture->archive, synced, &error));
  assert_text (listed_uids (fixture->store, fixture->archive), "20 0");

  g_assert_true (kabar_store_complete_pending_copy (fixture->store, id, 9, uids, destination, 1, &error));
  g_assert_no_error (error);
  assert_text (listed_uids (fixture->store, fixture->archive), "20");
  assert_counts_match_list (fixture->store, fixture->archive);
}

static void
test_copy_keeps_the_source (Fixture       *fixture,
                            gconstpointer  data)
{
  const guint32 uids[] = { 5 };
  const guint32 destination[] = { 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarPendingOperation) operation = NULL;
  gint64 id = move (fixture->store, fixture->inbox, uids, 1, fixture->archive, TRUE);

  assert_text (listed_uids (fixture->store, fixture->inbox), "6 5 4 3 2 1");
  assert_text (listed_uids (fixture->store, fixture->archive), "0");
  assert_counts (fixture->store, fixture->archive, 1, 1);
  operation = only_pending (fixture->store);
  g_assert_cmpint (operation->kind, ==, KABAR_PENDING_COPY);

  g_assert_true (kabar_store_complete_pending_copy (fixture->store, id, 3, uids, destination, 1, &error));
  g_assert_no_error (error);
  assert_text (listed_uids (fixture->store, fixture->inbox), "6 5 4 3 2 1");
  assert_text (listed_uids (fixture->store, fixture->archive), "1");
}

static void
test_copy_undo_drops_the_copy (Fixture       *fixture,
                               gconstpointer  data)
{
  const guint32 uids[] = { 5 };
  gint64 id = move (fixture->store, fixture->inbox, uids, 1, fixture->archive, TRUE);

  undo (fixture->store, id);
  assert_text (listed_uids (fixture->store, fixture->inbox), "6 5 4 3 2 1");
  assert_text (listed_uids (fixture->store, fixture->archive), "");
  assert_counts (fixture->store, fixture->archive, 0, 0);
  assert_search_index_consistent (fixture->store);
}

/* Deleting for good. */

static void
test_delete_hides_until_the_server_confirms (Fixture       *fixture,
                                             gconstpointer  data)
{
  const guint32 uids[] = { 1, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarPendingOperation) operation = NULL;
  gint64 id = kabar_store_change_delete (fixture->store, fixture->inbox, uids, 2, &error);

  g_assert_no_error (error);
  assert_text (listed_uids (fixture->store, fixture->inbox), "5 4 3 2");
  assert_counts (fixture->store, fixture->inbox, 4, 2);
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:0 2:1 3:0 4:1 5:0 6:1");
  operation = only_pending (fixture->store);
  g_assert_cmpint (operation->kind, ==, KABAR_PENDING_DELETE);
  g_assert_cmpstr (operation->payload, ==, "{\"path\":\"INBOX\"}");
  g_assert_cmpstr (operation->uid_set, ==, "1,6");

  complete (fixture->store, id);
  assert_text (uid_flags (fixture->store, fixture->inbox), "2:1 3:0 4:1 5:0");
  assert_counts (fixture->store, fixture->inbox, 4, 2);
  assert_search_index_consistent (fixture->store);
}

static void
test_delete_undo_brings_messages_back (Fixture       *fixture,
                                       gconstpointer  data)
{
  const guint32 uids[] = { 1, 6 };
  g_autoptr(GError) error = NULL;
  gint64 id = kabar_store_change_delete (fixture->store, fixture->inbox, uids, 2, &error);

  g_assert_no_error (error);
  undo (fixture->store, id);
  assert_text (listed_uids (fixture->store, fixture->inbox), "6 5 4 3 2 1");
  assert_counts (fixture->store, fixture->inbox, 6, 3);
}

static void
test_expunge_of_hidden_message_keeps_the_operation (Fixture       *fixture,
                                                    gconstpointer  data)
{
  const guint32 uids[] = { 3 };
  const KabarUidRange expunged = { 3, 3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) messages = NULL;
  gint64 id = move (fixture->store, fixture->inbox, uids, 1, fixture->archive, FALSE);

  /* Another client expunged it: the store follows the server, and the
   * replay still knows which UID it was. */
  g_assert_true (kabar_store_delete_messages (fixture->store, fixture->inbox, &expunged, 1, &error));
  g_assert_no_error (error);
  assert_counts (fixture->store, fixture->inbox, 5, 2);
  messages = kabar_store_list_pending_messages (fixture->store, id, &error);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpuint (g_array_index (messages, KabarPendingMessage, 0).uid, ==, 3);
  assert_text (listed_uids (fixture->store, fixture->archive), "0");
}

/* Appending. */

static GBytes *
draft_raw (void)
{
  static const char text[] = "Message-ID: <draft-1@example.co.id>\r\nSubject: Rencana\r\n\r\nHalo\r\n";

  return g_bytes_new_static (text, sizeof text - 1);
}

static gint64
append_draft (KabarStore *store,
              gint64      folder_id)
{
  g_autoptr(KabarMessageSummary) summary = summary_new (0);
  g_autoptr(GBytes) raw = draft_raw ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_free (summary->subject);
  summary->subject = g_strdup ("Rencana");
  g_free (summary->message_id);
  summary->message_id = g_strdup ("<draft-1@example.co.id>");
  summary->internal_date = 1767225600;
  id = kabar_store_change_append (store, folder_id, raw,
                                  KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_DRAFT, summary, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_append_shows_with_its_body (Fixture       *fixture,
                                 gconstpointer  data)
{
  gint64 drafts = add_folder (fixture->store, "Drafts");
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageSummary) draft = NULL;
  g_autoptr(KabarPendingOperation) operation = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) kept = NULL;
  g_autoptr(GBytes) raw = draft_raw ();
  gint64 id = append_draft (fixture->store, drafts);

  draft = find_listed (fixture->store, drafts, "Rencana");
  g_assert_nonnull (draft);
  g_assert_cmpuint (draft->uid, ==, 0);
  g_assert_cmpuint (draft->flags, ==, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_DRAFT);
  assert_counts (fixture->store, drafts, 1, 0);
  g_assert_cmpuint (count_search (fixture->store, "rencana", drafts), ==, 1);
  body = kabar_store_get_body (fixture->store, draft->id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                   g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));

  operation = only_pending (fixture->store);
  g_assert_cmpint (operation->kind, ==, KABAR_PENDING_APPEND);
  g_assert_cmpint (operation->folder_id, ==, drafts);
  g_assert_null (operation->uid_set);
  g_assert_cmpstr (operation->payload, ==,
                   "{\"path\":\"Drafts\",\"flags\":[\"\\\\Seen\",\"\\\\Draft\"],"
                   "\"internal_date\":1767225600,\"message_id\":\"draft-1@example.co.id\"}");
  kept = kabar_store_get_pending_data (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (kept, raw));

  g_assert_true (kabar_store_complete_pending_append (fixture->store, id, 12, 7, &error));
  g_assert_no_error (error);
  assert_text (listed_uids (fixture->store, drafts), "7");
  assert_text (uid_flags (fixture->store, drafts), "7:17");
  assert_search_index_consistent (fixture->store);
}

static void
test_append_undo_drops_the_row (Fixture       *fixture,
                                gconstpointer  data)
{
  gint64 drafts = add_folder (fixture->store, "Drafts");
  gint64 id = append_draft (fixture->store, drafts);

  undo (fixture->store, id);
  assert_text (listed_uids (fixture->store, drafts), "");
  assert_counts (fixture->store, drafts, 0, 0);
  g_assert_cmpuint (count_search (fixture->store, "rencana", 0), ==, 0);
  assert_search_index_consistent (fixture->store);
}

static void
test_append_survives_its_folder_being_reset (Fixture       *fixture,
                                             gconstpointer  data)
{
  gint64 drafts = add_folder (fixture->store, "Drafts");
  gint64 id = append_draft (fixture->store, drafts);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) kept = NULL;
  g_autoptr(GBytes) raw = draft_raw ();
  g_autoptr(KabarPendingOperation) operation = NULL;

  g_assert_true (kabar_store_reset_folder (fixture->store, drafts, 99, &error));
  g_assert_no_error (error);
  operation = only_pending (fixture->store);
  g_assert_cmpint (operation->id, ==, id);
  kept = kabar_store_get_pending_data (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (kept, raw));
  complete (fixture->store, id);
}

/* Folders. */

static void
test_folder_create_shows_and_undo_removes (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarPendingOperation) operation = NULL;
  g_autoptr(KabarStoreFolder) created = NULL;
  g_autoptr(KabarStoreFolder) gone = NULL;
  gint64 id = kabar_store_change_create_folder (fixture->store, "Archive/2026", '/', &error);

  g_assert_no_error (error);
  created = kabar_store_get_folder_by_path (fixture->store, "Archive/2026", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (created->name, ==, "2026");
  g_assert_cmpint (created->parent_id, ==, fixture->archive);
  operation = only_pending (fixture->store);
  g_assert_cmpint (operation->kind, ==, KABAR_PENDING_FOLDER_CREATE);
  g_assert_cmpint (operation->folder_id, ==, 0);
  g_assert_cmpstr (operation->payload, ==, "{\"path\":\"Archive/2026\"}");

  g_assert_cmpint (kabar_store_change_create_folder (fixture->store, "Archive/2026", '/', &error), ==, 0);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  undo (fixture->store, id);
  gone = kabar_store_get_folder_by_path (fixture->store, "Archive/2026", &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_assert_null (gone);
}

static void
test_folder_rename_and_undo (Fixture       *fixture,
                             gconstpointer  data)
{
  gint64 child = add_folder (fixture->store, "Archive/Old");
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarPendingOperation) operation = NULL;
  g_autoptr(KabarStoreFolder) renamed = NULL;
  g_autoptr(KabarStoreFolder) back = NULL;
  g_autoptr(KabarStoreFolder) child_back = NULL;
  gint64 id = kabar_store_change_rename_folder (fixture->store, fixture->archive, "Arsip", &error);

  g_assert_no_error (error);
  renamed = kabar_store_get_folder (fixture->store, child, &error);
  g_assert_cmpstr (renamed->path, ==, "Arsip/Old");
  operation = only_pending (fixture->store);
  g_assert_cmpint (operation->kind, ==, KABAR_PENDING_FOLDER_RENAME);
  g_assert_cmpint (operation->folder_id, ==, fixture->archive);
  g_assert_cmpstr (operation->payload, ==, "{\"from\":\"Archive\",\"to\":\"Arsip\"}");

  undo (fixture->store, id);
  back = kabar_store_get_folder (fixture->store, fixture->archive, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->path, ==, "Archive");
  child_back = kabar_store_get_folder (fixture->store, child, &error);
  g_assert_cmpstr (child_back->path, ==, "Archive/Old");
}

static void
test_folder_delete_keeps_what_was_moved_out (Fixture       *fixture,
                                             gconstpointer  data)
{
  const guint32 uids[] = { 4 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations = NULL;
  g_autoptr(KabarStoreFolder) gone = NULL;
  KabarPendingOperation *moved, *deleted;
  gint64 delete_id;

  move (fixture->store, fixture->inbox, uids, 1, fixture->archive, FALSE);
  delete_id = kabar_store_change_delete_folder (fixture->store, fixture->inbox, &error);
  g_assert_no_error (error);
  gone = kabar_store_get_folder (fixture->store, fixture->inbox, &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  operations = pending (fixture->store);
  g_assert_cmpuint (operations->len, ==, 2);
  moved = operations->pdata[0];
  deleted = operations->pdata[1];
  g_assert_cmpint (moved->kind, ==, KABAR_PENDING_MOVE);
  g_assert_cmpint (moved->folder_id, ==, 0);
  g_assert_cmpint (deleted->id, ==, delete_id);
  g_assert_cmpint (deleted->folder_id, ==, 0);
  g_assert_cmpstr (deleted->payload, ==, "{\"path\":\"INBOX\"}");
  assert_text (listed_uids (fixture->store, fixture->archive), "0");
  g_assert_cmpuint (count_search (fixture->store, "laporan", 0), ==, 1);

  /* Refused: the folder list sync brings the folder back; nothing here. */
  undo (fixture->store, delete_id);
  assert_text (listed_uids (fixture->store, fixture->archive), "0");
  assert_search_index_consistent (fixture->store);
}

/* What the store does for the sync's resets. */

static void
test_reset_of_the_source_releases_the_copies (Fixture       *fixture,
                                              gconstpointer  data)
{
  const guint32 uids[] = { 1, 2 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations = NULL;

  move (fixture->store, fixture->inbox, uids, 2, fixture->archive, FALSE);
  g_assert_true (kabar_store_reset_folder (fixture->store, fixture->inbox, 4242, &error));
  g_assert_no_error (error);
  operations = pending (fixture->store);
  g_assert_cmpuint (operations->len, ==, 0);
  assert_text (listed_uids (fixture->store, fixture->archive), "");
  assert_counts (fixture->store, fixture->archive, 0, 0);
  assert_search_index_consistent (fixture->store);
}

static void
test_removed_operation_releases_its_rows (Fixture       *fixture,
                                          gconstpointer  data)
{
  const guint32 uids[] = { 1, 2 };
  g_autoptr(GError) error = NULL;
  gint64 id = move (fixture->store, fixture->inbox, uids, 2, fixture->archive, FALSE);

  /* Without undo: the server's state wins at the next sync. */
  g_assert_true (kabar_store_remove_pending_operation (fixture->store, id, &error));
  g_assert_no_error (error);
  assert_text (listed_uids (fixture->store, fixture->inbox), "6 5 4 3 2 1");
  assert_text (listed_uids (fixture->store, fixture->archive), "");
  assert_counts (fixture->store, fixture->inbox, 6, 3);
  assert_counts (fixture->store, fixture->archive, 0, 0);
}

/* Restarts. */

static void
test_every_change_survives_a_restart (Fixture       *fixture,
                                      gconstpointer  data)
{
  const guint32 read[] = { 1 };
  const guint32 moved[] = { 3 };
  const guint32 copied[] = { 4 };
  const guint32 deleted[] = { 5 };
  gint64 drafts = add_folder (fixture->store, "Drafts");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *inbox = NULL;
  g_autofree char *archive = NULL;
  gint64 started;

  kabar_store_change_flags (fixture->store, fixture->inbox, read, 1, KABAR_MESSAGE_FLAG_SEEN, 0, &error);
  move (fixture->store, fixture->inbox, moved, 1, fixture->archive, FALSE);
  started = move (fixture->store, fixture->inbox, copied, 1, fixture->archive, TRUE);
  kabar_store_change_delete (fixture->store, fixture->inbox, deleted, 1, &error);
  append_draft (fixture->store, drafts);
  kabar_store_change_create_folder (fixture->store, "Projects", '/', &error);
  kabar_store_change_rename_folder (fixture->store, drafts, "Konsep", &error);
  g_assert_no_error (error);
  g_assert_true (kabar_store_mark_pending_started (fixture->store, started, &error));
  g_assert_no_error (error);

  before = pending (fixture->store);
  inbox = listed_uids (fixture->store, fixture->inbox);
  archive = listed_uids (fixture->store, fixture->archive);
  reopen (fixture);

  after = pending (fixture->store);
  g_assert_cmpuint (after->len, ==, 7);
  for (guint i = 0; i < after->len; i++)
    {
      KabarPendingOperation *a = before->pdata[i], *b = after->pdata[i];

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpint (a->kind, ==, b->kind);
      g_assert_cmpstr (a->payload, ==, b->payload);
      g_assert_cmpint (b->started, ==, b->id == started);
    }
  assert_text (listed_uids (fixture->store, fixture->inbox), inbox);
  assert_text (listed_uids (fixture->store, fixture->archive), archive);
  assert_text (uid_flags (fixture->store, fixture->inbox), "1:1 2:1 3:0 4:1 5:0 6:1");
  assert_counts_match_list (fixture->store, fixture->inbox);
  assert_counts_match_list (fixture->store, fixture->archive);
  assert_counts_match_list (fixture->store, drafts);
  assert_search_index_consistent (fixture->store);
}

/* Schema version 1 upgraded. */

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* A store as the Kabar of schema version 1 left it. */
static void
build_version_1 (const char *path)
{
  const char *root = g_getenv ("KABAR_SOURCE_ROOT");
  g_autofree char *file = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  g_assert_nonnull (root);
  file = g_build_filename (root, "app", "engine", "store", "sql", "version-001.sql", NULL);
  g_file_get_contents (file, &sql, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  raw_exec (db, "PRAGMA journal_mode = WAL; BEGIN");
  raw_exec (db, sql);
  raw_exec (db,
            "PRAGMA user_version = 1;"
            "INSERT INTO folders (id, path, name, role, uidvalidity) VALUES (1, 'INBOX', 'INBOX', 'inbox', 5);"
            "INSERT INTO messages (id, folder_id, uid, flags, date, subject, message_id, thread_id) "
            "  VALUES (1, 1, 7, 0, 1700000000, 'Versi satu', 'v1-7@example.com', 1), "
            "         (2, 1, 8, 1, 1700000100, 'Versi satu lagi', 'v1-8@example.com', 1);"
            "UPDATE folders SET total_count = 2, unread_count = 1 WHERE id = 1;"
            "INSERT INTO message_search (rowid, subject, sender, recipients, body) "
            "  SELECT id, subject, sender, recipients, body FROM message_search_source;"
            "COMMIT");
  sqlite3_close (db);
}

static void
test_schema_upgrade_from_version_1_keeps_data (Fixture       *fixture,
                                               gconstpointer  data)
{
  const guint32 uids[] = { 7 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) inbox = NULL;
  gint64 id;

  build_version_1 (fixture->path);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kabar_store_schema_latest_version (), >=, 2);

  inbox = kabar_store_get_folder_by_path (fixture->store, "INBOX", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inbox->sync.uidvalidity, ==, 5);
  assert_counts (fixture->store, inbox->id, 2, 1);
  assert_text (listed_uids (fixture->store, inbox->id), "8 7");
  assert_text (uid_flags (fixture->store, inbox->id), "7:0 8:1");
  g_assert_cmpuint (count_search (fixture->store, "versi", 0), ==, 2);

  /* The new columns and triggers work on the old rows. */
  id = kabar_store_change_delete (fixture->store, inbox->id, uids, 1, &error);
  g_assert_no_error (error);
  assert_counts (fixture->store, inbox->id, 1, 0);
  undo (fixture->store, id);
  assert_counts (fixture->store, inbox->id, 2, 1);
  assert_search_index_consistent (fixture->store);
}

/* Messages the sync inserted are not indexed until
 * kabar_store_index_pending(): nothing done to them before must give the
 * index a 'delete' for them, which would corrupt it. */

static void
insert_unindexed (KabarStore *store,
                  gint64      folder_id,
                  guint32     first,
                  guint32     last)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(GError) error = NULL;

  for (guint32 uid = first; uid <= last; uid++)
    g_ptr_array_add (batch, summary_new (uid));
  g_assert_true (kabar_store_insert_summaries (store, folder_id, batch, &error));
  g_assert_no_error (error);
}

static guint
index_all (KabarStore *store,
           guint       step)
{
  guint total = 0, indexed;

  do
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (kabar_store_index_pending (store, step, &indexed, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (indexed, <=, step);
      total += indexed;
      assert_search_index_consistent (store);
    }
  while (indexed > 0);
  return total;
}

static gint64
id_of_uid (KabarStore *store,
           gint64      folder_id,
           guint32     uid)
{
  g_autoptr(GPtrArray) all = list (store, folder_id);

  for (guint i = 0; i < all->len; i++)
    if (((KabarMessageSummary *) all->pdata[i])->uid == uid)
      return ((KabarMessageSummary *) all->pdata[i])->id;
  g_assert_not_reached ();
}

static void
test_unindexed_messages_keep_the_index_whole (Fixture       *fixture,
                                              gconstpointer  data)
{
  const guint32 flagged[] = { 12 }, moved[] = { 13 }, copied[] = { 14 }, deleted[] = { 15 };
  KabarUidRange expunged = { 16, 16 };
  g_autoptr(GBytes) raw = g_bytes_new_static ("raw", 3);
  g_autoptr(GError) error = NULL;
  gint64 move_id;

  /* The fixture's six are indexed; 11 to 20 are not yet. */
  insert_unindexed (fixture->store, fixture->inbox, 11, 20);
  g_assert_cmpuint (count_search (fixture->store, "bulanan", 0), ==, 6);
  assert_search_index_consistent (fixture->store);

  /* A body of an unindexed message waits for it. */
  g_assert_true (kabar_store_set_body (fixture->store, id_of_uid (fixture->store, fixture->inbox, 11),
                                       raw, "isi istimewa", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_search (fixture->store, "istimewa", 0), ==, 0);
  assert_search_index_consistent (fixture->store);
  g_assert_true (kabar_store_set_body (fixture->store, id_of_uid (fixture->store, fixture->inbox, 11),
                                       raw, "isi istimewa sekali", &error));
  g_assert_no_error (error);
  assert_search_index_consistent (fixture->store);

  g_assert_cmpint (kabar_store_change_flags (fixture->store, fixture->inbox, flagged, 1,
                                             KABAR_MESSAGE_FLAG_FLAGGED, 0, &error), >, 0);
  g_assert_no_error (error);
  assert_search_index_consistent (fixture->store);

  /* The provisional copies are indexed at once, their sources are not. */
  move_id = move (fixture->store, fixture->inbox, moved, 1, fixture->archive, FALSE);
  assert_search_index_consistent (fixture->store);
  move (fixture->store, fixture->inbox, copied, 1, fixture->archive, TRUE);
  assert_search_index_consistent (fixture->store);
  g_assert_cmpuint (count_search (fixture->store, "bulanan", fixture->archive), ==, 2);

  g_assert_cmpint (kabar_store_change_delete (fixture->store, fixture->inbox, deleted, 1, &error), >, 0);
  g_assert_no_error (error);
  assert_search_index_consistent (fixture->store);

  g_assert_true (kabar_store_delete_messages (fixture->store, fixture->inbox, &expunged, 1, &error));
  g_assert_no_error (error);
  assert_search_index_consistent (fixture->store);

  /* Nothing the store does changes an envelope, but the triggers are
   * there for it: one indexed message, one not. */
  kabar_store_exec_for_testing (fixture->store,
                                "UPDATE messages SET subject = 'Diubah sekali' "
                                "WHERE uid IN (1, 17) AND local_state = 0",
                                &error);
  g_assert_no_error (error);
  assert_search_index_consistent (fixture->store);
  g_assert_cmpuint (count_search (fixture->store, "diubah", 0), ==, 1);

  /* 11 to 20 but 16, which went, are left to index, in steps of three;
   * 13 and 15, hidden by their move and delete, too, for their undo. */
  g_assert_cmpuint (index_all (fixture->store, 3), ==, 9);
  g_assert_cmpuint (count_search (fixture->store, "istimewa sekali", 0), ==, 1);
  g_assert_cmpuint (count_search (fixture->store, "diubah", 0), ==, 2);
  /* 2 to 6, 11, 12, 14 and 18 to 20 (not 17, renamed; nor the hidden 13
   * and 15), and the two copies. */
  g_assert_cmpuint (count_search (fixture->store, "bulanan", 0), ==, 5 + 6 + 2);

  /* Completing the move deletes its hidden source, now indexed. */
  complete (fixture->store, move_id);
  assert_search_index_consistent (fixture->store);

  /* Resetting and deleting folders with unindexed messages in them. */
  insert_unindexed (fixture->store, fixture->inbox, 21, 30);
  insert_unindexed (fixture->store, fixture->archive, 31, 40);
  g_assert_true (kabar_store_reset_folder (fixture->store, fixture->inbox, 99, &error));
  g_assert_no_error (error);
  assert_search_index_consistent (fixture->store);
  g_assert_true (kabar_store_delete_folder (fixture->store, fixture->archive, &error));
  g_assert_no_error (error);
  assert_search_index_consistent (fixture->store);
  g_assert_cmpuint (index_all (fixture->store, 100), ==, 0);
  g_assert_cmpuint (count_search (fixture->store, "bulanan", 0), ==, 0);
}

#define ADD(path, function) \
  g_test_add (path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/store/changes/flags/show-at-once-and-are-queued", test_flags_show_at_once_and_are_queued);
  ADD ("/store/changes/flags/unknown-uids-are-not-found", test_flags_unknown_uids_are_not_found);
  ADD ("/store/changes/flags/server-updates-do-not-revert-pending-change",
       test_flags_server_updates_do_not_revert_pending_change);
  ADD ("/store/changes/flags/undo-restores-exactly", test_flags_undo_restores_exactly);
  ADD ("/store/changes/flags/undo-keeps-a-later-change-of-other-flags",
       test_flags_undo_keeps_a_later_change_of_other_flags);

  ADD ("/store/changes/move/hides-source-and-shows-provisional-copy",
       test_move_hides_source_and_shows_provisional_copy);
  ADD ("/store/changes/move/undo-brings-messages-back", test_move_undo_brings_messages_back);
  ADD ("/store/changes/move/completes-with-the-servers-uids", test_move_completes_with_the_servers_uids);
  ADD ("/store/changes/move/without-uids-leaves-the-copy-to-the-sync",
       test_move_without_uids_leaves_the_copy_to_the_sync);
  ADD ("/store/changes/move/other-uidvalidity-drops-the-copy", test_move_other_uidvalidity_drops_the_copy);
  ADD ("/store/changes/move/completed-after-the-sync-keeps-one-row",
       test_move_completed_after_the_sync_keeps_one_row);
  ADD ("/store/changes/move/expunge-of-hidden-message-keeps-the-operation",
       test_expunge_of_hidden_message_keeps_the_operation);
  ADD ("/store/changes/copy/keeps-the-source", test_copy_keeps_the_source);
  ADD ("/store/changes/copy/undo-drops-the-copy", test_copy_undo_drops_the_copy);

  ADD ("/store/changes/delete/hides-until-the-server-confirms", test_delete_hides_until_the_server_confirms);
  ADD ("/store/changes/delete/undo-brings-messages-back", test_delete_undo_brings_messages_back);

  ADD ("/store/changes/append/shows-with-its-body", test_append_shows_with_its_body);
  ADD ("/store/changes/append/undo-drops-the-row", test_append_undo_drops_the_row);
  ADD ("/store/changes/append/survives-its-folder-being-reset", test_append_survives_its_folder_being_reset);

  ADD ("/store/changes/folder/create-shows-and-undo-removes", test_folder_create_shows_and_undo_removes);
  ADD ("/store/changes/folder/rename-and-undo", test_folder_rename_and_undo);
  ADD ("/store/changes/folder/delete-keeps-what-was-moved-out", test_folder_delete_keeps_what_was_moved_out);

  ADD ("/store/changes/reset-of-the-source-releases-the-copies", test_reset_of_the_source_releases_the_copies);
  ADD ("/store/changes/removed-operation-releases-its-rows", test_removed_operation_releases_its_rows);
  ADD ("/store/changes/every-change-survives-a-restart", test_every_change_survives_a_restart);

  ADD ("/store/changes/unindexed-messages-keep-the-index-whole",
       test_unindexed_messages_keep_the_index_whole);

  g_test_add ("/store/changes/schema/upgrade-from-version-1-keeps-data", Fixture, NULL,
              fixture_set_up_paths, test_schema_upgrade_from_version_1_keeps_data, fixture_tear_down);

  return g_test_run ();
}
