/* test-store-local.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A POP account's store: its local folders, the user's changes completed
 * here as a server would (with the counts the folder list shows), and
 * the UIDLs that decide what is downloaded and what the server deletes.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-store.h"
#include "kabar-store-local.h"
#include "kabar-test-files.h"

typedef struct
{
  char *dir;
  char *path;
  KabarStore *store;
  gint64 inbox;
  gint64 drafts;
  gint64 trash;
  gint64 archive;
} Fixture;

static GBytes *
message_bytes (const char *uidl)
{
  g_autofree char *text =
    g_strdup_printf ("From: Budi Santoso <budi.santoso@example.co.id>\r\n"
                     "To: Dewi Lestari <dewi@example.in>\r\n"
                     "Cc: \"Sharma, Rahul\" <rahul@example.in>\r\n"
                     "Subject: Laporan %s\r\n"
                     "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
                     "Message-ID: <%s@example.co.id>\r\n"
                     "In-Reply-To: <awal@example.co.id>\r\n"
                     "References: <awal@example.co.id>\r\n"
                     "MIME-Version: 1.0\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n"
                     "\r\n"
                     "Anggaran kuartal %s terlampir.\r\n",
                     uidl, uidl, uidl);

  return g_bytes_new (text, strlen (text));
}

static gint64
folder_with_role (KabarStore      *store,
                  KabarFolderRole  role)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = kabar_store_list_folders (store, &error);
  gint64 id = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    if (((KabarStoreFolder *) folders->pdata[i])->role == role)
      {
        g_assert_cmpint (id, ==, 0);
        id = ((KabarStoreFolder *) folders->pdata[i])->id;
      }
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = g_build_filename (base != NULL ? base : g_get_tmp_dir (),
                                                "store-local-XXXXXX", NULL);

  fixture->dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "store.sqlite3", NULL);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_store_ensure_local_folders (fixture->store, &error));
  g_assert_no_error (error);
  fixture->inbox = folder_with_role (fixture->store, KABAR_FOLDER_ROLE_INBOX);
  fixture->drafts = folder_with_role (fixture->store, KABAR_FOLDER_ROLE_DRAFTS);
  fixture->trash = folder_with_role (fixture->store, KABAR_FOLDER_ROLE_TRASH);
  fixture->archive = folder_with_role (fixture->store, KABAR_FOLDER_ROLE_ARCHIVE);
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
pop_add (Fixture           *fixture,
         const char        *uidl,
         KabarMessageFlags  flags)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = message_bytes (uidl);

  g_assert_true (kabar_store_pop_add_message (fixture->store, fixture->inbox, uidl, raw, flags,
                                              1700000100, &error));
  g_assert_no_error (error);
}

static void
complete (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations = NULL;

  g_assert_true (kabar_store_complete_pending_locally (fixture->store, &error));
  g_assert_no_error (error);
  operations = kabar_store_list_pending_operations (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (operations->len, ==, 0);
}

/* g_ptr_array_sort() passes pointers to the elements. */
static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
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

/* "Laporan u2:2" for each message, ascending by uid. */
static char *
listed (KabarStore *store,
        gint64      folder_id)
{
  g_autoptr(GPtrArray) all = list (store, folder_id);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = all->len; i > 0; i--)
    {
      KabarMessageSummary *summary = all->pdata[i - 1];

      g_ptr_array_add (texts, g_strdup_printf ("%s:%u", summary->subject, summary->uid));
    }
  g_ptr_array_sort (texts, compare_strings);
  g_ptr_array_add (texts, NULL);
  return g_strjoinv (", ", (char **) texts->pdata);
}

static void
assert_counts (KabarStore *store,
               gint64      folder_id,
               guint       expected_total,
               guint       expected_unread)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = list (store, folder_id);
  guint total = 0, unread = 0, listed_unread = 0;

  g_assert_true (kabar_store_count_messages (store, folder_id, &total, &unread, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, expected_total);
  g_assert_cmpuint (unread, ==, expected_unread);
  /* What the folder list says is what the message list shows. */
  for (guint i = 0; i < all->len; i++)
    if (!(((KabarMessageSummary *) all->pdata[i])->flags & KABAR_MESSAGE_FLAG_SEEN))
      listed_unread++;
  g_assert_cmpuint (all->len, ==, total);
  g_assert_cmpuint (listed_unread, ==, unread);
}

static gint64
message_row (KabarStore *store,
             gint64      folder_id,
             guint32     uid)
{
  g_autoptr(GPtrArray) all = list (store, folder_id);

  for (guint i = 0; i < all->len; i++)
    if (((KabarMessageSummary *) all->pdata[i])->uid == uid)
      return ((KabarMessageSummary *) all->pdata[i])->id;
  g_assert_not_reached ();
}

static char *
joined (GPtrArray *strings)
{
  g_ptr_array_sort (strings, compare_strings);
  g_ptr_array_add (strings, NULL);
  return g_strjoinv (" ", (char **) strings->pdata);
}

static char *
to_delete (KabarStore           *store,
           KabarPopServerCopies  policy,
           guint                 days,
           gint64                now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uidls = kabar_store_pop_list_to_delete (store, policy, days, now, &error);

  g_assert_no_error (error);
  return joined (uidls);
}

static char *
known (KabarStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) set = kabar_store_pop_list_known (store, &error);
  g_autoptr(GPtrArray) uidls = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer uidl;

  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &uidl, NULL))
    g_ptr_array_add (uidls, uidl);
  return joined (uidls);
}

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Local folders. */

static void
test_ensure_local_folders_is_idempotent (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);

  g_assert_true (kabar_store_ensure_local_folders (fixture->store, &error));
  g_assert_no_error (error);
  reopen (fixture);
  g_assert_true (kabar_store_ensure_local_folders (fixture->store, &error));
  g_assert_no_error (error);
  folders = kabar_store_list_folders (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = folders->pdata[i];

      g_string_append_printf (seen, "%s%s=%s", i > 0 ? " " : "", folder->path,
                              kabar_folder_role_to_string (folder->role));
      g_assert_cmpint (folder->delimiter, ==, '/');
      g_assert_true (folder->subscribed);
      g_assert_cmpuint (folder->total_count, ==, 0);
    }
  g_assert_cmpstr (seen->str, ==,
                   "Archive=archive Drafts=drafts INBOX=inbox Junk=junk Sent=sent Trash=trash");
  g_assert_cmpint (folder_with_role (fixture->store, KABAR_FOLDER_ROLE_INBOX), ==, fixture->inbox);
  g_assert_cmpint (folder_with_role (fixture->store, KABAR_FOLDER_ROLE_TRASH), ==, fixture->trash);
}

/* A folder the user made where a role folder goes takes the role, with
 * its messages: no second "Sent" beside it. */
static void
test_ensure_local_folders_adopts_existing (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(KabarStore) other = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "other.sqlite3", NULL);
  gint64 sent;

  other = kabar_store_open (path, &error);
  g_assert_no_error (error);
  sent = kabar_store_upsert_folder (other, "Sent", '/', NULL, KABAR_FOLDER_ROLE_NONE, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_store_ensure_local_folders (other, &error));
  g_assert_no_error (error);
  g_assert_cmpint (folder_with_role (other, KABAR_FOLDER_ROLE_SENT), ==, sent);
  folders = kabar_store_list_folders (other, &error);
  g_assert_cmpuint (folders->len, ==, 6);
  g_clear_object (&other);
  g_unlink (path);
}

static void
test_local_flags_and_delete (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox = NULL;
  guint32 first = 1, second = 2;
  g_autoptr(GArray) uid_flags = NULL;

  pop_add (fixture, "u1", 0);
  pop_add (fixture, "u2", 0);
  pop_add (fixture, "u3", KABAR_MESSAGE_FLAG_SEEN);
  assert_counts (fixture->store, fixture->inbox, 3, 2);

  g_assert_cmpint (kabar_store_change_flags (fixture->store, fixture->inbox, &first, 1,
                                             KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED,
                                             0, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_store_change_delete (fixture->store, fixture->inbox, &second, 1, &error), >, 0);
  g_assert_no_error (error);
  complete (fixture);
  reopen (fixture);

  inbox = listed (fixture->store, fixture->inbox);
  g_assert_cmpstr (inbox, ==, "Laporan u1:1, Laporan u3:3");
  assert_counts (fixture->store, fixture->inbox, 2, 0);
  /* Deleted for good: gone from the folder, not only hidden. */
  uid_flags = kabar_store_get_uid_flags (fixture->store, fixture->inbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uid_flags->len, ==, 2);
  g_assert_cmpuint (g_array_index (uid_flags, KabarUidFlags, 0).uid, ==, 1);
  g_assert_cmpint (g_array_index (uid_flags, KabarUidFlags, 0).flags, ==,
                   KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED);
  g_assert_cmpuint (g_array_index (uid_flags, KabarUidFlags, 1).uid, ==, 3);
}

static void
test_local_move_keeps_row_ids (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox = NULL;
  g_autofree char *archive = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) expected = message_bytes ("u2");
  g_autoptr(GArray) found = NULL;
  g_autoptr(GArray) uid_flags = NULL;
  guint32 uids[] = { 2, 3 };
  gint64 second, third;
  guint32 max_uid = 0;

  pop_add (fixture, "u1", 0);
  pop_add (fixture, "u2", 0);
  pop_add (fixture, "u3", KABAR_MESSAGE_FLAG_SEEN);
  second = message_row (fixture->store, fixture->inbox, 2);
  third = message_row (fixture->store, fixture->inbox, 3);

  g_assert_cmpint (kabar_store_change_move (fixture->store, fixture->inbox, uids, 2,
                                            fixture->archive, &error), >, 0);
  g_assert_no_error (error);
  complete (fixture);
  reopen (fixture);

  inbox = listed (fixture->store, fixture->inbox);
  archive = listed (fixture->store, fixture->archive);
  g_assert_cmpstr (inbox, ==, "Laporan u1:1");
  g_assert_cmpstr (archive, ==, "Laporan u2:1, Laporan u3:2");
  g_assert_cmpint (message_row (fixture->store, fixture->archive, 1), ==, second);
  g_assert_cmpint (message_row (fixture->store, fixture->archive, 2), ==, third);
  assert_counts (fixture->store, fixture->inbox, 1, 1);
  assert_counts (fixture->store, fixture->archive, 2, 1);
  uid_flags = kabar_store_get_uid_flags (fixture->store, fixture->inbox, &error);
  g_assert_cmpuint (uid_flags->len, ==, 1);
  g_assert_true (kabar_store_get_max_uid (fixture->store, fixture->inbox, &max_uid, &error));
  g_assert_cmpuint (max_uid, ==, 1);

  /* Its body and its place in the search index went with it. */
  body = kabar_store_get_body (fixture->store, second, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (body, expected));
  found = kabar_store_search (fixture->store, "anggaran u2", fixture->archive, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (g_array_index (found, gint64, 0), ==, second);
}

/* A folder's uids are never given twice, as a server's are not. */
static void
test_local_copy_and_append_take_new_uids (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageSummary) draft = kabar_message_summary_new ();
  g_autoptr(GBytes) draft_raw = message_bytes ("draf");
  g_autoptr(GBytes) body = NULL;
  g_autofree char *inbox = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *drafts = NULL;
  guint32 uid = 1;
  gint64 original;

  pop_add (fixture, "u1", 0);
  pop_add (fixture, "u2", KABAR_MESSAGE_FLAG_SEEN);
  original = message_row (fixture->store, fixture->inbox, 1);

  /* Archive already had a uid 1, deleted since. */
  g_assert_cmpint (kabar_store_change_copy (fixture->store, fixture->inbox, &uid, 1,
                                            fixture->archive, &error), >, 0);
  complete (fixture);
  g_assert_cmpint (kabar_store_change_delete (fixture->store, fixture->archive, &uid, 1, &error), >, 0);
  complete (fixture);
  g_assert_cmpint (kabar_store_change_copy (fixture->store, fixture->inbox, &uid, 1,
                                            fixture->archive, &error), >, 0);
  uid = 2;
  g_assert_cmpint (kabar_store_change_copy (fixture->store, fixture->inbox, &uid, 1,
                                            fixture->archive, &error), >, 0);
  draft->subject = g_strdup ("Laporan draf");
  g_assert_cmpint (kabar_store_change_append (fixture->store, fixture->drafts, draft_raw,
                                              KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_DRAFT,
                                              draft, &error), >, 0);
  g_assert_no_error (error);
  complete (fixture);
  reopen (fixture);

  inbox = listed (fixture->store, fixture->inbox);
  archive = listed (fixture->store, fixture->archive);
  drafts = listed (fixture->store, fixture->drafts);
  g_assert_cmpstr (inbox, ==, "Laporan u1:1, Laporan u2:2");
  g_assert_cmpstr (archive, ==, "Laporan u1:2, Laporan u2:3");
  g_assert_cmpstr (drafts, ==, "Laporan draf:1");
  g_assert_cmpint (message_row (fixture->store, fixture->inbox, 1), ==, original);
  assert_counts (fixture->store, fixture->inbox, 2, 1);
  assert_counts (fixture->store, fixture->archive, 2, 1);
  assert_counts (fixture->store, fixture->drafts, 1, 0);
  body = kabar_store_get_body (fixture->store, message_row (fixture->store, fixture->drafts, 1),
                               &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (body, draft_raw));
}

static void
test_local_folder_operations (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) created = NULL;
  g_autoptr(KabarStoreFolder) renamed = NULL;
  g_autoptr(KabarStoreFolder) gone = NULL;
  g_autoptr(GHashTable) uidls = NULL;
  g_autofree char *projects = NULL;
  g_autofree char *deleted = NULL;
  guint32 uid = 1;
  gint64 folder;

  pop_add (fixture, "u1", 0);
  g_assert_cmpint (kabar_store_change_create_folder (fixture->store, "Proyek", '/', &error), >, 0);
  g_assert_no_error (error);
  complete (fixture);
  created = kabar_store_get_folder_by_path (fixture->store, "Proyek", &error);
  g_assert_no_error (error);
  folder = created->id;
  g_assert_cmpint (kabar_store_change_rename_folder (fixture->store, folder, "Proyek 2026", &error), >, 0);
  g_assert_cmpint (kabar_store_change_move (fixture->store, fixture->inbox, &uid, 1, folder, &error), >, 0);
  g_assert_no_error (error);
  complete (fixture);

  renamed = kabar_store_get_folder_by_path (fixture->store, "Proyek 2026", &error);
  g_assert_no_error (error);
  g_assert_cmpint (renamed->id, ==, folder);
  projects = listed (fixture->store, folder);
  g_assert_cmpstr (projects, ==, "Laporan u1:1");
  assert_counts (fixture->store, folder, 1, 1);
  assert_counts (fixture->store, fixture->inbox, 0, 0);

  /* Its message goes with it: that is a local delete for the server. */
  g_assert_cmpint (kabar_store_change_delete_folder (fixture->store, folder, &error), >, 0);
  complete (fixture);
  reopen (fixture);
  gone = kabar_store_get_folder (fixture->store, folder, &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_assert_null (gone);
  deleted = to_delete (fixture->store, KABAR_POP_DELETE_WHEN_DELETED, 0, now ());
  g_assert_cmpstr (deleted, ==, "u1");
}

/* A move whose destination the user deleted before it was completed: the
 * message went with the folder. */
static void
test_local_move_into_deleted_folder (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inbox = NULL;
  guint32 uid = 1;
  gint64 folder;

  pop_add (fixture, "u1", 0);
  pop_add (fixture, "u2", 0);
  folder = kabar_store_upsert_folder (fixture->store, "Lama", '/', NULL, KABAR_FOLDER_ROLE_NONE,
                                      TRUE, &error);
  g_assert_cmpint (kabar_store_change_move (fixture->store, fixture->inbox, &uid, 1, folder, &error), >, 0);
  g_assert_cmpint (kabar_store_change_delete_folder (fixture->store, folder, &error), >, 0);
  g_assert_no_error (error);
  complete (fixture);
  inbox = listed (fixture->store, fixture->inbox);
  g_assert_cmpstr (inbox, ==, "Laporan u2:2");
  assert_counts (fixture->store, fixture->inbox, 1, 1);
}

/* POP bookkeeping. */

static void
test_pop_add_is_idempotent (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GBytes) expected = message_bytes ("u1");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) other = message_bytes ("lain");
  g_autoptr(GArray) found = NULL;
  g_autofree char *uidls = NULL;
  g_autofree char *inbox = NULL;
  KabarMessageSummary *summary;

  pop_add (fixture, "u1", 0);
  /* The same UIDL again, even with other bytes: nothing changes. */
  g_assert_true (kabar_store_pop_add_message (fixture->store, fixture->inbox, "u1", other, 0,
                                              1700000200, &error));
  g_assert_no_error (error);
  pop_add (fixture, "u2", KABAR_MESSAGE_FLAG_SEEN);
  reopen (fixture);
  pop_add (fixture, "u2", 0);

  inbox = listed (fixture->store, fixture->inbox);
  g_assert_cmpstr (inbox, ==, "Laporan u1:1, Laporan u2:2");
  assert_counts (fixture->store, fixture->inbox, 2, 1);
  uidls = known (fixture->store);
  g_assert_cmpstr (uidls, ==, "u1 u2");

  all = list (fixture->store, fixture->inbox);
  summary = all->pdata[all->len - 1];
  g_assert_cmpuint (summary->uid, ==, 1);
  g_assert_cmpstr (summary->from_name, ==, "Budi Santoso");
  g_assert_cmpstr (summary->from_address, ==, "budi.santoso@example.co.id");
  g_assert_cmpstr (summary->to, ==, "Dewi Lestari <dewi@example.in>");
  g_assert_cmpstr (summary->cc, ==, "\"Sharma, Rahul\" <rahul@example.in>");
  g_assert_cmpstr (summary->message_id, ==, "u1@example.co.id");
  g_assert_cmpstr (summary->in_reply_to, ==, "awal@example.co.id");
  g_assert_cmpint (summary->date, ==, 1700000000);
  g_assert_cmpint (summary->internal_date, ==, 1700000100);
  g_assert_cmpuint (summary->size, ==, g_bytes_get_size (expected));
  body = kabar_store_get_body (fixture->store, summary->id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (body, expected));

  /* Searchable at once, by its body's words. */
  found = kabar_store_search (fixture->store, "anggaran kuartal u1", 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (g_array_index (found, gint64, 0), ==, summary->id);
}

static void
test_pop_list_to_delete_by_policy (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char * const confirmed[] = { "u1", NULL };
  guint32 uid;
  char *uidls;
  gint64 t = now ();

  pop_add (fixture, "u1", 0);
  pop_add (fixture, "u2", 0);
  pop_add (fixture, "u3", 0);
  pop_add (fixture, "u4", 0);
  /* u1 to the trash, u2 to the archive, u3 deleted for good, u4 left. */
  uid = 1;
  g_assert_cmpint (kabar_store_change_move (fixture->store, fixture->inbox, &uid, 1, fixture->trash, &error), >, 0);
  uid = 2;
  g_assert_cmpint (kabar_store_change_move (fixture->store, fixture->inbox, &uid, 1, fixture->archive, &error), >, 0);
  uid = 3;
  g_assert_cmpint (kabar_store_change_delete (fixture->store, fixture->inbox, &uid, 1, &error), >, 0);
  g_assert_no_error (error);
  complete (fixture);
  reopen (fixture);

  uidls = to_delete (fixture->store, KABAR_POP_LEAVE_ON_SERVER, 0, t);
  g_assert_cmpstr (uidls, ==, "");
  g_free (uidls);
  uidls = to_delete (fixture->store, KABAR_POP_DELETE_WHEN_DELETED, 0, t);
  g_assert_cmpstr (uidls, ==, "u1 u3");
  g_free (uidls);
  uidls = to_delete (fixture->store, KABAR_POP_DELETE_AFTER_DOWNLOAD, 0, t);
  g_assert_cmpstr (uidls, ==, "u1 u2 u3 u4");
  g_free (uidls);
  uidls = to_delete (fixture->store, KABAR_POP_DELETE_AFTER_DAYS, 7, t);
  g_assert_cmpstr (uidls, ==, "");
  g_free (uidls);
  uidls = to_delete (fixture->store, KABAR_POP_DELETE_AFTER_DAYS, 7, t + 6 * 86400);
  g_assert_cmpstr (uidls, ==, "");
  g_free (uidls);
  uidls = to_delete (fixture->store, KABAR_POP_DELETE_AFTER_DAYS, 7, t + 8 * 86400);
  g_assert_cmpstr (uidls, ==, "u1 u2 u3 u4");
  g_free (uidls);

  /* Deleted on the server: never asked again. */
  g_assert_true (kabar_store_pop_mark_deleted_on_server (fixture->store, confirmed, &error));
  g_assert_no_error (error);
  uidls = to_delete (fixture->store, KABAR_POP_DELETE_WHEN_DELETED, 0, t);
  g_assert_cmpstr (uidls, ==, "u3");
  g_free (uidls);
  uidls = to_delete (fixture->store, KABAR_POP_DELETE_AFTER_DOWNLOAD, 0, t);
  g_assert_cmpstr (uidls, ==, "u2 u3 u4");
  g_free (uidls);
  /* Still known: it must not be downloaded again while the server lists it. */
  uidls = known (fixture->store);
  g_assert_cmpstr (uidls, ==, "u1 u2 u3 u4");
  g_free (uidls);

  /* u1 taken out of the trash again (uid 1 there), u2 put in it (uid 1 in
   * the archive). */
  uid = 1;
  g_assert_cmpint (kabar_store_change_move (fixture->store, fixture->trash, &uid, 1, fixture->inbox, &error), >, 0);
  g_assert_cmpint (kabar_store_change_move (fixture->store, fixture->archive, &uid, 1, fixture->trash, &error), >, 0);
  g_assert_no_error (error);
  complete (fixture);
  g_assert_true (kabar_store_pop_mark_deleted_on_server (fixture->store, (const char *[]) { "u3", NULL }, &error));
  uidls = to_delete (fixture->store, KABAR_POP_DELETE_WHEN_DELETED, 0, t);
  g_assert_cmpstr (uidls, ==, "u2");
  g_free (uidls);
}

/* What the store file says of a UIDL's copy on the server, read past the
 * store: what a restart after a power cut would find, once flushed. */
static int
deleted_on_server (Fixture    *fixture,
                   const char *uidl)
{
  return (int) kabar_test_store_file_int (fixture->path,
                                          "SELECT deleted_on_server FROM pop_messages WHERE uidl = ?1",
                                          uidl);
}

/* The downloads are committed without a flush; the listing of what the
 * server may delete is the commit that flushes them, so it must write:
 * it notes each UIDL as asked for, and it is asked again until a QUIT
 * confirms it. */
static void
test_pop_listing_to_delete_notes_each_as_asked (Fixture       *fixture,
                                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char *uidls;

  pop_add (fixture, "u1", 0);
  pop_add (fixture, "u2", 0);
  g_assert_cmpint (deleted_on_server (fixture, "u1"), ==, 0);
  uidls = to_delete (fixture->store, KABAR_POP_LEAVE_ON_SERVER, 0, now ());
  g_assert_cmpstr (uidls, ==, "");
  g_free (uidls);
  g_assert_cmpint (deleted_on_server (fixture, "u1"), ==, 0);

  uidls = to_delete (fixture->store, KABAR_POP_DELETE_AFTER_DOWNLOAD, 0, now ());
  g_assert_cmpstr (uidls, ==, "u1 u2");
  g_free (uidls);
  g_assert_cmpint (deleted_on_server (fixture, "u1"), ==, 2);
  g_assert_cmpint (deleted_on_server (fixture, "u2"), ==, 2);
  /* No QUIT confirmed them (a cut): the next check asks again. */
  uidls = to_delete (fixture->store, KABAR_POP_DELETE_AFTER_DOWNLOAD, 0, now ());
  g_assert_cmpstr (uidls, ==, "u1 u2");
  g_free (uidls);
  g_assert_true (kabar_store_pop_mark_deleted_on_server (fixture->store, (const char *[]) { "u1", NULL }, &error));
  g_assert_no_error (error);
  g_assert_cmpint (deleted_on_server (fixture, "u1"), ==, 1);
  uidls = to_delete (fixture->store, KABAR_POP_DELETE_AFTER_DOWNLOAD, 0, now ());
  g_assert_cmpstr (uidls, ==, "u2");
  g_free (uidls);
  g_assert_cmpint (deleted_on_server (fixture, "u1"), ==, 1);
}

/* A batch may hold a UIDL stored before, or one twice (a server that
 * lists it twice): each is stored once, with its first bytes, and every
 * UIDL names its own message, also after the newest message went. */
static void
test_pop_batch_stores_each_uidl_once (Fixture       *fixture,
                                      gconstpointer  data)
{
  const char *uidls[] = { "u3", "u1", "u3", "u4" };
  const char *bytes_of[] = { "u3", "lain", "lain", "u4" };
  KabarPopDownload batch[G_N_ELEMENTS (uidls)] = { { NULL, } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first_u3 = message_bytes ("u3");
  g_autoptr(GBytes) stored = NULL;
  g_autofree char *inbox = NULL;
  g_autofree char *uidls_known = NULL;
  g_autofree char *deleted = NULL;
  guint32 uid = 2;

  pop_add (fixture, "u1", 0);
  pop_add (fixture, "u2", 0);
  g_assert_cmpint (kabar_store_change_delete (fixture->store, fixture->inbox, &uid, 1, &error), >, 0);
  g_assert_no_error (error);
  complete (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (uidls); i++)
    {
      batch[i].uidl = uidls[i];
      batch[i].raw = message_bytes (bytes_of[i]);
    }
  g_assert_true (kabar_store_pop_add_messages (fixture->store, fixture->inbox, batch,
                                               G_N_ELEMENTS (batch), 0, 1700000100, &error));
  g_assert_no_error (error);
  g_assert_cmpint (batch[0].summary->id, !=, 0);
  g_assert_cmpint (batch[1].summary->id, ==, 0);
  g_assert_cmpint (batch[2].summary->id, ==, 0);
  g_assert_cmpint (batch[3].summary->id, !=, 0);
  stored = kabar_store_get_body (fixture->store, batch[0].summary->id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (stored, first_u3));

  inbox = listed (fixture->store, fixture->inbox);
  g_assert_cmpstr (inbox, ==, "Laporan u1:1, Laporan u3:3, Laporan u4:4");
  assert_counts (fixture->store, fixture->inbox, 3, 3);
  uidls_known = known (fixture->store);
  g_assert_cmpstr (uidls_known, ==, "u1 u2 u3 u4");

  /* u4 deleted here: the server is asked to delete u4, not another. */
  uid = 4;
  g_assert_cmpint (kabar_store_change_delete (fixture->store, fixture->inbox, &uid, 1, &error), >, 0);
  g_assert_no_error (error);
  complete (fixture);
  deleted = to_delete (fixture->store, KABAR_POP_DELETE_WHEN_DELETED, 0, now ());
  g_assert_cmpstr (deleted, ==, "u2 u4");

  for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
    {
      g_bytes_unref (batch[i].raw);
      kabar_store_pop_download_clear (&batch[i]);
    }
}

/* A batch's bodies go in by several a statement: in a batch of 100 whose
 * every seventh UIDL (14) is known already, each new message gets its own
 * bytes, the known ones add none, and nothing is left out at the end. */
static void
test_pop_batch_bodies_each_reach_their_message (Fixture       *fixture,
                                                gconstpointer  data)
{
  KabarPopDownload batch[100] = { { NULL, } };
  g_autoptr(GPtrArray) uidls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint added = 0;

  for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
    {
      g_ptr_array_add (uidls, g_strdup_printf ("m%03u", i));
      if (i % 7 == 3)
        pop_add (fixture, g_ptr_array_index (uidls, i), 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
    {
      batch[i].uidl = g_ptr_array_index (uidls, i);
      batch[i].raw = message_bytes (batch[i].uidl);
    }
  g_assert_true (kabar_store_pop_add_messages (fixture->store, fixture->inbox, batch,
                                               G_N_ELEMENTS (batch), 0, 1700000100, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
    {
      g_autoptr(GBytes) stored = NULL;

      if (i % 7 == 3)
        {
          g_assert_cmpint (batch[i].summary->id, ==, 0);
          continue;
        }
      g_assert_cmpint (batch[i].summary->id, !=, 0);
      stored = kabar_store_get_body (fixture->store, batch[i].summary->id, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (stored, batch[i].raw));
      added++;
    }
  g_assert_cmpuint (added, ==, 86);
  assert_counts (fixture->store, fixture->inbox, 100, 100);
  for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
    {
      g_bytes_unref (batch[i].raw);
      kabar_store_pop_download_clear (&batch[i]);
    }
}

static void
test_pop_forget_missing (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) server = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *uidls = NULL;
  g_autofree char *inbox = NULL;

  pop_add (fixture, "u1", 0);
  pop_add (fixture, "u2", 0);
  pop_add (fixture, "u3", 0);
  g_hash_table_add (server, (gpointer) "u2");
  g_hash_table_add (server, (gpointer) "u9");
  g_assert_true (kabar_store_pop_forget_missing (fixture->store, server, &error));
  g_assert_no_error (error);
  reopen (fixture);

  uidls = known (fixture->store);
  g_assert_cmpstr (uidls, ==, "u2");
  /* The messages themselves stay. */
  inbox = listed (fixture->store, fixture->inbox);
  g_assert_cmpstr (inbox, ==, "Laporan u1:1, Laporan u2:2, Laporan u3:3");
  g_clear_pointer (&uidls, g_free);
  uidls = to_delete (fixture->store, KABAR_POP_DELETE_AFTER_DOWNLOAD, 0, now ());
  g_assert_cmpstr (uidls, ==, "u2");
}

#define ADD(path, function) \
  g_test_add (path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/store/local/folders/ensure-is-idempotent", test_ensure_local_folders_is_idempotent);
  ADD ("/store/local/folders/ensure-adopts-existing", test_ensure_local_folders_adopts_existing);
  ADD ("/store/local/complete/flags-and-delete", test_local_flags_and_delete);
  ADD ("/store/local/complete/move-keeps-row-ids", test_local_move_keeps_row_ids);
  ADD ("/store/local/complete/copy-and-append-take-new-uids", test_local_copy_and_append_take_new_uids);
  ADD ("/store/local/complete/folder-operations", test_local_folder_operations);
  ADD ("/store/local/complete/move-into-deleted-folder", test_local_move_into_deleted_folder);
  ADD ("/store/local/pop/add-is-idempotent", test_pop_add_is_idempotent);
  ADD ("/store/local/pop/list-to-delete-by-policy", test_pop_list_to_delete_by_policy);
  ADD ("/store/local/pop/listing-to-delete-notes-each-as-asked", test_pop_listing_to_delete_notes_each_as_asked);
  ADD ("/store/local/pop/batch-stores-each-uidl-once", test_pop_batch_stores_each_uidl_once);
  ADD ("/store/local/pop/batch-bodies-each-reach-their-message", test_pop_batch_bodies_each_reach_their_message);
  ADD ("/store/local/pop/forget-missing", test_pop_forget_missing);

  return g_test_run ();
}
