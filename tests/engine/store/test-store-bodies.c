/* test-store-bodies.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the body fetcher asks of the store: which recent messages still
 * lack their body, and storing a body by the server's UID, safely across
 * a folder's reset.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-store.h"
#include "kabar-test-files.h"

#define UIDVALIDITY 777
#define BASE_DATE   1700000000

typedef struct
{
  char       *dir;
  KabarStore *store;
  gint64      inbox;
  gint64      archive;
} Fixture;

static gint64
add_folder (KabarStore *store,
            const char *path,
            guint32     uidvalidity)
{
  g_autoptr(GError) error = NULL;
  KabarFolderSyncState state = { .uidvalidity = uidvalidity, .uidnext = 1000 };
  gint64 id = kabar_store_upsert_folder (store, path, '/', NULL, KABAR_FOLDER_ROLE_NONE, TRUE,
                                         &error);

  g_assert_no_error (error);
  g_assert_true (kabar_store_set_folder_sync_state (store, id, &state, &error));
  g_assert_no_error (error);
  return id;
}

/* Messages uid first..last, uid n dated BASE_DATE + n hours. */
static void
add_messages (KabarStore *store,
              gint64      folder_id,
              guint32     first,
              guint32     last)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(GError) error = NULL;

  for (guint32 uid = first; uid <= last; uid++)
    {
      KabarMessageSummary *summary = kabar_message_summary_new ();

      summary->uid = uid;
      summary->date = BASE_DATE + (gint64) uid * 3600;
      summary->internal_date = summary->date;
      summary->subject = g_strdup_printf ("Pesan %u", uid);
      summary->from_address = g_strdup ("budi@example.co.id");
      summary->message_id = g_strdup_printf ("<%u.%" G_GINT64_FORMAT "@example.co.id>", uid, folder_id);
      g_ptr_array_add (batch, summary);
    }
  g_assert_true (kabar_store_insert_summaries (store, folder_id, batch, &error));
  g_assert_no_error (error);
  /* As the sync does before it returns. */
  g_assert_true (kabar_store_index_pending (store, G_MAXUINT, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = g_build_filename (base != NULL ? base : g_get_tmp_dir (),
                                                "store-bodies-XXXXXX", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (fixture->dir);
  path = g_build_filename (fixture->dir, "store.sqlite3", NULL);
  fixture->store = kabar_store_open (path, &error);
  g_assert_no_error (error);
  fixture->inbox = add_folder (fixture->store, "INBOX", UIDVALIDITY);
  fixture->archive = add_folder (fixture->store, "Arsip", UIDVALIDITY + 1);
  add_messages (fixture->store, fixture->inbox, 1, 10);
  add_messages (fixture->store, fixture->archive, 1, 3);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  kabar_test_remove_directory (fixture->dir);
  g_free (fixture->dir);
}

static GArray *
list_missing (Fixture *fixture,
              gint64   folder_id,
              gint64   since,
              guint    limit)
{
  g_autoptr(GError) error = NULL;
  GArray *uids = kabar_store_list_missing_bodies (fixture->store, folder_id, since, limit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (uids);
  return uids;
}

static void
assert_uids (GArray        *uids,
             const guint32 *expected,
             guint          n)
{
  g_assert_cmpuint (uids->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (uids, guint32, i), ==, expected[i]);
}

static GBytes *
message_bytes (const char *body)
{
  g_autofree char *text = g_strdup_printf ("Subject: x\r\n\r\n%s\r\n", body);

  return g_bytes_new (text, strlen (text));
}

static void
set_body (Fixture    *fixture,
          gint64      folder_id,
          guint32     uidvalidity,
          guint32     uid,
          const char *text)
{
  g_autoptr(GBytes) raw = message_bytes (text);
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_store_set_body_by_uid (fixture->store, folder_id, uidvalidity, uid, raw,
                                              text, &error));
  g_assert_no_error (error);
}

static guint
count_search (Fixture    *fixture,
              const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = kabar_store_search (fixture->store, query, 0, 100, &error);

  g_assert_no_error (error);
  return ids->len;
}

/* --- tests ------------------------------------------------------------------------------------ */

static void
test_missing_newest_first_since_and_limited (Fixture       *fixture,
                                             gconstpointer  data)
{
  g_autoptr(GArray) all = list_missing (fixture, fixture->inbox, 0, 100);
  g_autoptr(GArray) recent = list_missing (fixture, fixture->inbox, BASE_DATE + 7 * 3600, 100);
  g_autoptr(GArray) limited = list_missing (fixture, fixture->inbox, 0, 3);
  g_autoptr(GArray) none = list_missing (fixture, fixture->inbox, 0, 0);

  assert_uids (all, (const guint32[]) { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 }, 10);
  assert_uids (recent, (const guint32[]) { 10, 9, 8, 7 }, 4);
  assert_uids (limited, (const guint32[]) { 10, 9, 8 }, 3);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_fetched_bodies_are_not_missing (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GArray) after = NULL;
  g_autoptr(GArray) archive = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;

  set_body (fixture, fixture->inbox, UIDVALIDITY, 9, "sembilan");
  set_body (fixture, fixture->inbox, UIDVALIDITY, 2, "dua");
  /* Text without the raw message (dropped to save space) is not fetched. */
  page = kabar_store_list_messages (fixture->store, fixture->inbox, 0, 1, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_store_set_body (fixture->store, ((KabarMessageSummary *) page->pdata[0])->id,
                                       NULL, "sepuluh", &error));
  g_assert_no_error (error);

  after = list_missing (fixture, fixture->inbox, 0, 100);
  assert_uids (after, (const guint32[]) { 10, 8, 7, 6, 5, 4, 3, 1 }, 8);
  /* Another folder's messages are its own. */
  archive = list_missing (fixture, fixture->archive, 0, 100);
  assert_uids (archive, (const guint32[]) { 3, 2, 1 }, 3);
}

static void
test_hidden_and_provisional_are_not_listed (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(GArray) inbox = NULL;
  g_autoptr(GArray) archive = NULL;
  g_autoptr(GError) error = NULL;
  const guint32 moved[] = { 10, 4 };

  /* Moved to Arsip, not yet replayed: hidden here, provisional there. */
  g_assert_cmpint (kabar_store_change_move (fixture->store, fixture->inbox, moved, 2,
                                            fixture->archive, &error), >, 0);
  g_assert_no_error (error);
  inbox = list_missing (fixture, fixture->inbox, 0, 100);
  archive = list_missing (fixture, fixture->archive, 0, 100);
  assert_uids (inbox, (const guint32[]) { 9, 8, 7, 6, 5, 3, 2, 1 }, 8);
  assert_uids (archive, (const guint32[]) { 3, 2, 1 }, 3);
}

static void
test_set_by_uid_stores_and_indexes (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GBytes) raw = message_bytes ("Banjir di Jakarta, समाचार");
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  KabarMessageSummary *five = NULL;

  g_assert_true (kabar_store_set_body_by_uid (fixture->store, fixture->inbox, UIDVALIDITY, 5, raw,
                                              "Banjir di Jakarta, समाचार", &error));
  g_assert_no_error (error);
  page = kabar_store_list_messages (fixture->store, fixture->inbox, 0, 100, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < page->len; i++)
    if (((KabarMessageSummary *) page->pdata[i])->uid == 5)
      five = page->pdata[i];
  g_assert_nonnull (five);
  stored = kabar_store_get_body (fixture->store, five->id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (stored, raw));
  g_assert_cmpuint (count_search (fixture, "banjir"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "समाचार"), ==, 1);

  /* Storing it again (a job run twice) changes nothing. */
  g_assert_true (kabar_store_set_body_by_uid (fixture->store, fixture->inbox, UIDVALIDITY, 5, raw,
                                              "Banjir di Jakarta, समाचार", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_search (fixture, "banjir"), ==, 1);
}

static void
test_set_by_uid_refuses_unknown_uid_and_old_uidvalidity (Fixture       *fixture,
                                                         gconstpointer  data)
{
  g_autoptr(GBytes) raw = message_bytes ("kadaluwarsa");
  g_autoptr(GError) error = NULL;

  /* Expunged meanwhile. */
  g_assert_false (kabar_store_set_body_by_uid (fixture->store, fixture->inbox, UIDVALIDITY, 42, raw,
                                               "kadaluwarsa", &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Fetched before the folder was reset: UID 3 is another message now. */
  g_assert_true (kabar_store_reset_folder (fixture->store, fixture->inbox, UIDVALIDITY + 5, &error));
  g_assert_no_error (error);
  add_messages (fixture->store, fixture->inbox, 1, 3);
  g_assert_false (kabar_store_set_body_by_uid (fixture->store, fixture->inbox, UIDVALIDITY, 3, raw,
                                               "kadaluwarsa", &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (count_search (fixture, "kadaluwarsa"), ==, 0);
}

static void
test_set_by_uid_into_a_folder_without_uidvalidity_yet (Fixture       *fixture,
                                                      gconstpointer  data)
{
  /* Its first sync was cut short: it has messages, not yet its state. */
  gint64 folder = add_folder (fixture->store, "Baru", 0);

  add_messages (fixture->store, folder, 1, 2);
  set_body (fixture, folder, 4242, 2, "pertama kali");
  g_assert_cmpuint (count_search (fixture, "pertama"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/bodies/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("missing-newest-first-since-and-limited", test_missing_newest_first_since_and_limited);
  ADD ("fetched-bodies-are-not-missing", test_fetched_bodies_are_not_missing);
  ADD ("hidden-and-provisional-are-not-listed", test_hidden_and_provisional_are_not_listed);
  ADD ("set-by-uid-stores-and-indexes", test_set_by_uid_stores_and_indexes);
  ADD ("set-by-uid-refuses-unknown-uid-and-old-uidvalidity", test_set_by_uid_refuses_unknown_uid_and_old_uidvalidity);
  ADD ("set-by-uid-into-a-folder-without-uidvalidity-yet", test_set_by_uid_into_a_folder_without_uidvalidity_yet);
#undef ADD

  return g_test_run ();
}
