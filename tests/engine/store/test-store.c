/* test-store.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The local store against real SQLite files in a temporary folder: schema
 * upgrades, folders, messages, threads, search, pending operations, and
 * what happens when the disk is full, the file is damaged, another writer
 * holds the database or Kabar is killed in the middle of a batch.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kabar-store.h"
#include "kabar-store-private.h"
#include "kabar-test-files.h"

typedef struct
{
  char *dir;
  char *path;
  KabarStore *store;
} Fixture;

/* Setup and helpers. */

static void
fixture_set_up_paths (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = g_build_filename (base != NULL ? base : g_get_tmp_dir (),
                                                "store-XXXXXX", NULL);

  fixture->dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "store.sqlite3", NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_set_up_paths (fixture, data);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
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

static KabarMessageSummary *
summary_new (guint32     uid,
             gint64      date,
             const char *subject)
{
  KabarMessageSummary *summary = kabar_message_summary_new ();

  summary->uid = uid;
  summary->date = date;
  summary->internal_date = date + 30;
  summary->subject = g_strdup (subject);
  summary->from_name = g_strdup ("Budi Santoso");
  summary->from_address = g_strdup ("budi.santoso@example.co.id");
  summary->to = g_strdup ("Dewi Lestari <dewi@example.in>");
  summary->message_id = g_strdup_printf ("<msg-%u-%" G_GINT64_FORMAT "@example.co.id>", uid, date);
  summary->size = 1000 + uid;
  return summary;
}

static GPtrArray *
summaries_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
}

/* uids first..last, one a minute, every other one read. */
static GPtrArray *
make_batch (guint32     first,
            guint32     last,
            const char *subject_prefix)
{
  GPtrArray *batch = summaries_new ();

  for (guint32 uid = first; uid <= last; uid++)
    {
      g_autofree char *subject = g_strdup_printf ("%s %u", subject_prefix, uid);
      KabarMessageSummary *summary = summary_new (uid, 1700000000 + uid * 60, subject);

      summary->flags = uid % 2 == 0 ? KABAR_MESSAGE_FLAG_SEEN : 0;
      g_ptr_array_add (batch, summary);
    }
  return batch;
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

static void
insert (KabarStore *store,
        gint64      folder_id,
        GPtrArray  *summaries)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_store_insert_summaries (store, folder_id, summaries, &error));
  g_assert_no_error (error);
  /* As the sync does before it returns. */
  g_assert_true (kabar_store_index_pending (store, G_MAXUINT, NULL, &error));
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

static guint
count_listed (KabarStore *store,
              gint64      folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = kabar_store_list_messages (store, folder_id, 0, G_MAXUINT, &error);

  g_assert_no_error (error);
  return all->len;
}

static GArray *
search (KabarStore *store,
        const char *query,
        gint64      folder_id)
{
  g_autoptr(GError) error = NULL;
  GArray *ids = kabar_store_search (store, query, folder_id, 1000, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ids);
  return ids;
}

static gboolean
ids_contain (GArray *ids,
             gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

/* FTS5 compares its index with the content it was built from: a row
 * indexed twice, or deleted with other words than it was indexed with,
 * fails here. */
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

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
raw_query_int (sqlite3    *db,
               const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
raw_query_text (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

/* Opening and the schema. */

static void
test_open_creates_private_wal_database (Fixture       *fixture,
                                        gconstpointer  data)
{
  GStatBuf buf;
  sqlite3 *db;
  g_autofree char *mode = NULL;

  g_assert_cmpint (g_stat (fixture->path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);

  db = raw_open (fixture->path);
  mode = raw_query_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (raw_query_int (db, "PRAGMA user_version"), ==,
                   kabar_store_schema_latest_version ());
  sqlite3_close (db);
  g_assert_cmpstr (kabar_store_get_path (fixture->store), ==, fixture->path);
}

static char *
version_file (guint version)
{
  const char *root = g_getenv ("KABAR_SOURCE_ROOT");
  g_autofree char *name = g_strdup_printf ("version-%03u.sql", version);

  g_assert_nonnull (root);
  return g_build_filename (root, "app", "engine", "store", "sql", name, NULL);
}

static guint
count_version_files (void)
{
  guint count = 0;

  for (;;)
    {
      g_autofree char *file = version_file (count + 1);

      if (!g_file_test (file, G_FILE_TEST_EXISTS))
        return count;
      count++;
    }
}

/* Rows written by the Kabar of each version, in that version's schema,
 * right after its file is applied: seeds[k] for version k, NULL when a
 * version adds nothing to seed. Add one with each version that adds a
 * table. */
static const char * const seeds[] = {
  NULL,
  "INSERT INTO folders (id, path, name, role, uidvalidity, total_count, unread_count) "
  "  VALUES (1, 'INBOX', 'INBOX', 'inbox', 77, 2, 1);"
  "INSERT INTO messages (id, folder_id, uid, flags, date, subject, from_name, from_address, "
  "    message_id, thread_id) "
  "  VALUES (1, 1, 10, 1, 1700000000, 'Upgrade keeps me', 'Old Kabar', 'old@example.com', "
  "    'old-1@example.com', 1), "
  "  (2, 1, 11, 0, 1700000100, 'Re: Upgrade keeps me', 'Budi', 'budi@example.co.id', "
  "    'old-2@example.com', 1);"
  "INSERT INTO message_search (rowid, subject, sender, recipients, body) "
  "  SELECT id, subject, sender, recipients, body FROM message_search_source;"
  "INSERT INTO bodies (message_id, raw, fetched, text) VALUES (1, x'4869', 1, 'hello upgrades');"
  "INSERT INTO pending_operations (kind, folder_id, uid_set, payload, created_at) "
  "  VALUES ('flags', 1, '10', '{\"add\":[\"\\\\Seen\"]}', 1700000000);",
};

static void
build_database_at_version (const char *path,
                           guint       version)
{
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  raw_exec (db, "PRAGMA journal_mode = WAL");
  for (guint k = 1; k <= version; k++)
    {
      g_autofree char *file = version_file (k);
      g_autofree char *sql = NULL;
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", k);
      g_autoptr(GError) error = NULL;

      g_file_get_contents (file, &sql, NULL, &error);
      g_assert_no_error (error);
      raw_exec (db, "BEGIN");
      raw_exec (db, sql);
      raw_exec (db, set_version);
      raw_exec (db, "COMMIT");
      if (k < G_N_ELEMENTS (seeds) && seeds[k] != NULL)
        raw_exec (db, seeds[k]);
    }
  sqlite3_close (db);
}

static void
assert_seed_kept (KabarStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) inbox = kabar_store_get_folder_by_path (store, "INBOX", &error);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GBytes) body = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (inbox->role, ==, KABAR_FOLDER_ROLE_INBOX);
  g_assert_cmpuint (inbox->sync.uidvalidity, ==, 77);
  assert_counts (store, inbox->id, 2, 1);
  messages = kabar_store_list_messages (store, inbox->id, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (((KabarMessageSummary *) messages->pdata[0])->subject, ==, "Re: Upgrade keeps me");
  found = search (store, "upgrade", 0);
  g_assert_cmpuint (found->len, ==, 2);
  body = kabar_store_get_body (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "Hi", 2);
  pending = kabar_store_list_pending_operations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 1);
  assert_search_index_consistent (store);

  /* The upgraded store indexes new messages later, as a new one does, and
   * its old ones still leave the index whole. */
  {
    g_autoptr(GPtrArray) batch = make_batch (20, 21, "Upgrade arrived");
    KabarUidRange old_one = { 10, 10 };
    g_autoptr(GArray) after = NULL;
    guint indexed = 0;

    g_assert_true (kabar_store_insert_summaries (store, inbox->id, batch, &error));
    g_assert_no_error (error);
    g_assert_true (kabar_store_delete_messages (store, inbox->id, &old_one, 1, &error));
    g_assert_no_error (error);
    assert_search_index_consistent (store);
    g_assert_true (kabar_store_index_pending (store, 100, &indexed, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (indexed, ==, 2);
    after = search (store, "upgrade", 0);
    g_assert_cmpuint (after->len, ==, 3);
    assert_search_index_consistent (store);
  }
}

static void
test_schema_upgrades_from_every_version (Fixture       *fixture,
                                         gconstpointer  data)
{
  guint latest = kabar_store_schema_latest_version ();

  /* The files compiled in are the files in the tree. */
  g_assert_cmpuint (latest, >=, 1);
  g_assert_cmpuint (count_version_files (), ==, latest);

  for (guint version = 1; version <= latest; version++)
    {
      g_autofree char *name = g_strdup_printf ("at-version-%u.sqlite3", version);
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_autoptr(KabarStore) store = NULL;
      g_autoptr(GError) error = NULL;
      sqlite3 *db;

      g_test_message ("Upgrading a store of version %u to %u", version, latest);
      build_database_at_version (path, version);
      store = kabar_store_open (path, &error);
      g_assert_no_error (error);
      assert_seed_kept (store);
      g_clear_object (&store);

      db = raw_open (path);
      g_assert_cmpint (raw_query_int (db, "PRAGMA user_version"), ==, latest);
      sqlite3_close (db);
    }
}

static char *
checksum_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
test_schema_refuses_newer_version (Fixture       *fixture,
                                   gconstpointer  data)
{
  guint newer = kabar_store_schema_latest_version () + 1;
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", newer);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(KabarStore) store = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  g_clear_object (&fixture->store);
  db = raw_open (fixture->path);
  raw_exec (db, set_version);
  raw_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close (db);
  before = checksum_file (fixture->path);

  store = kabar_store_open (fixture->path, &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_TOO_NEW);
  g_assert_null (store);
  g_test_message ("%s", error->message);

  after = checksum_file (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_open_corrupt_file_is_corrupt (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GByteArray) garbage = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = NULL;

  for (guint i = 0; i < 64 * 1024; i++)
    {
      guint8 byte = (guint8) g_rand_int_range (rand, 0, 256);

      g_byte_array_append (garbage, &byte, 1);
    }
  g_file_set_contents (fixture->path, (const char *) garbage->data, garbage->len, &error);
  g_assert_no_error (error);

  store = kabar_store_open (fixture->path, &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_CORRUPT);
  g_assert_null (store);
  g_test_message ("%s", error->message);
}

static void
test_open_other_database_is_not_a_store (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = NULL;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  raw_exec (db, "CREATE TABLE notes (text TEXT); PRAGMA user_version = 1");
  sqlite3_close (db);

  store = kabar_store_open (fixture->path, &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_CORRUPT);
  g_assert_null (store);
}

/* Errors. */

static void
test_errors_codes_say_what_happened (void)
{
  static const struct
  {
    int rc;
    int system_errno;
    KabarStoreError code;
  } cases[] = {
    { SQLITE_FULL, 0, KABAR_STORE_ERROR_DISK_FULL },
    { SQLITE_IOERR_WRITE, ENOSPC, KABAR_STORE_ERROR_DISK_FULL },
    { SQLITE_IOERR_FSYNC, EDQUOT, KABAR_STORE_ERROR_DISK_FULL },
    { SQLITE_CORRUPT, 0, KABAR_STORE_ERROR_CORRUPT },
    { SQLITE_CORRUPT_INDEX, 0, KABAR_STORE_ERROR_CORRUPT },
    { SQLITE_NOTADB, 0, KABAR_STORE_ERROR_CORRUPT },
    { SQLITE_READONLY, 0, KABAR_STORE_ERROR_READ_ONLY },
    { SQLITE_READONLY_DBMOVED, 0, KABAR_STORE_ERROR_READ_ONLY },
    { SQLITE_PERM, 0, KABAR_STORE_ERROR_READ_ONLY },
    { SQLITE_CANTOPEN, EACCES, KABAR_STORE_ERROR_READ_ONLY },
    { SQLITE_IOERR_WRITE, EROFS, KABAR_STORE_ERROR_READ_ONLY },
    { SQLITE_BUSY, 0, KABAR_STORE_ERROR_BUSY },
    { SQLITE_BUSY_SNAPSHOT, 0, KABAR_STORE_ERROR_BUSY },
    { SQLITE_LOCKED, 0, KABAR_STORE_ERROR_BUSY },
    { SQLITE_CANTOPEN, ENOENT, KABAR_STORE_ERROR_FAILED },
    { SQLITE_IOERR_READ, EIO, KABAR_STORE_ERROR_FAILED },
    { SQLITE_CONSTRAINT_UNIQUE, 0, KABAR_STORE_ERROR_FAILED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (kabar_store_error_code_from_sqlite (cases[i].rc, cases[i].system_errno),
                     ==, cases[i].code);
}

static void
test_errors_full_disk_writes_nothing (Fixture       *fixture,
                                      gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) first = make_batch (1, 100, "Before the disk filled");
  g_autoptr(GPtrArray) second = make_batch (101, 3000, "Too much");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) found = NULL;
  g_autofree char *limit = NULL;
  guint32 max_uid = 0;
  sqlite3 *db;

  insert (fixture->store, folder, first);
  db = raw_open (fixture->path);
  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                           raw_query_int (db, "PRAGMA page_count") + 8);
  sqlite3_close (db);

  /* SQLite answers as a full disk would, from the store's own connection. */
  kabar_store_exec_for_testing (fixture->store, limit, &error);
  g_assert_no_error (error);
  g_assert_false (kabar_store_insert_summaries (fixture->store, folder, second, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_DISK_FULL);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  assert_counts (fixture->store, folder, 100, 50);
  g_assert_cmpuint (count_listed (fixture->store, folder), ==, 100);
  g_assert_true (kabar_store_get_max_uid (fixture->store, folder, &max_uid, &error));
  g_assert_cmpuint (max_uid, ==, 100);
  found = search (fixture->store, "much", 0);
  g_assert_cmpuint (found->len, ==, 0);
  assert_search_index_consistent (fixture->store);

  /* Room again: the same batch goes in whole. */
  kabar_store_exec_for_testing (fixture->store, "PRAGMA max_page_count = 1073741823", &error);
  g_assert_no_error (error);
  insert (fixture->store, folder, second);
  assert_counts (fixture->store, folder, 3000, 1500);
}

static void
test_errors_busy_when_another_process_writes (Fixture       *fixture,
                                              gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) batch = make_batch (1, 10, "Waiting");
  g_autoptr(GError) error = NULL;
  sqlite3 *other = raw_open (fixture->path);

  kabar_store_exec_for_testing (fixture->store, "PRAGMA busy_timeout = 50", &error);
  g_assert_no_error (error);
  raw_exec (other, "BEGIN IMMEDIATE");

  g_assert_false (kabar_store_insert_summaries (fixture->store, folder, batch, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_BUSY);
  g_clear_error (&error);

  raw_exec (other, "COMMIT");
  sqlite3_close (other);
  insert (fixture->store, folder, batch);
  assert_counts (fixture->store, folder, 10, 5);
}

/* Folder roles. */

typedef struct
{
  const char *path;
  char delimiter;
  const char *attributes;
  KabarFolderRole role;
} RoleCase;

static void
check_roles (const RoleCase *cases,
             gsize           n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      g_auto(GStrv) attributes = g_strsplit (cases[i].attributes, " ", -1);
      KabarFolderRole role = kabar_folder_role_derive (cases[i].path, cases[i].delimiter,
                                                       (const char * const *) attributes);

      if (role != cases[i].role)
        g_error ("%s (%s): %s, expected %s", cases[i].path, cases[i].attributes,
                 kabar_folder_role_to_string (role), kabar_folder_role_to_string (cases[i].role));
    }
}

static void
test_roles_from_special_use_attributes (void)
{
  static const RoleCase cases[] = {
    { "Gesendet", '/', "\\HasNoChildren \\Sent", KABAR_FOLDER_ROLE_SENT },
    { "Entwürfe", '/', "\\Drafts", KABAR_FOLDER_ROLE_DRAFTS },
    { "Papierkorb", '/', "\\Trash \\HasNoChildren", KABAR_FOLDER_ROLE_TRASH },
    { "Pourriel", '/', "\\Junk", KABAR_FOLDER_ROLE_JUNK },
    { "Arsip", '/', "\\Archive", KABAR_FOLDER_ROLE_ARCHIVE },
    { "Semua", '/', "\\All", KABAR_FOLDER_ROLE_ALL },
    { "Berbintang", '/', "\\Flagged", KABAR_FOLDER_ROLE_FLAGGED },
    /* IMAP flags have no case. */
    { "Terkirim", '/', "\\sent", KABAR_FOLDER_ROLE_SENT },
    /* The attribute wins over the name. */
    { "Trash", '/', "\\Archive", KABAR_FOLDER_ROLE_ARCHIVE },
    { "Projects/Old", '/', "\\Trash", KABAR_FOLDER_ROLE_TRASH },
    { "Lists", '/', "\\HasChildren \\Noselect", KABAR_FOLDER_ROLE_NONE },
  };

  check_roles (cases, G_N_ELEMENTS (cases));
}

static void
test_roles_inbox_any_case (void)
{
  static const RoleCase cases[] = {
    { "INBOX", '/', "", KABAR_FOLDER_ROLE_INBOX },
    { "Inbox", '/', "\\HasNoChildren", KABAR_FOLDER_ROLE_INBOX },
    { "inbox", '.', "", KABAR_FOLDER_ROLE_INBOX },
    { "Projects/Inbox", '/', "", KABAR_FOLDER_ROLE_NONE },
  };

  check_roles (cases, G_N_ELEMENTS (cases));
}

static void
test_roles_outlook_consumer_names (void)
{
  /* outlook.office365.com does not advertise SPECIAL-USE; its Archive has
   * no attribute at all. */
  static const RoleCase cases[] = {
    { "Sent", '/', "\\HasNoChildren", KABAR_FOLDER_ROLE_SENT },
    { "Drafts", '/', "\\HasNoChildren", KABAR_FOLDER_ROLE_DRAFTS },
    { "Deleted", '/', "\\HasNoChildren", KABAR_FOLDER_ROLE_TRASH },
    { "Junk", '/', "\\HasNoChildren", KABAR_FOLDER_ROLE_JUNK },
    { "Archive", '/', "\\HasNoChildren", KABAR_FOLDER_ROLE_ARCHIVE },
    { "Notes", '/', "\\HasNoChildren", KABAR_FOLDER_ROLE_NONE },
    { "Outbox", '/', "\\HasNoChildren", KABAR_FOLDER_ROLE_NONE },
  };

  check_roles (cases, G_N_ELEMENTS (cases));
}

static void
test_roles_outlook_business_names (void)
{
  static const RoleCase cases[] = {
    { "Sent Items", '/', "", KABAR_FOLDER_ROLE_SENT },
    { "Deleted Items", '/', "", KABAR_FOLDER_ROLE_TRASH },
    { "Junk Email", '/', "", KABAR_FOLDER_ROLE_JUNK },
    { "Junk E-mail", '/', "", KABAR_FOLDER_ROLE_JUNK },
  };

  check_roles (cases, G_N_ELEMENTS (cases));
}

static void
test_roles_usual_english_names (void)
{
  static const RoleCase cases[] = {
    { "Sent Messages", '/', "", KABAR_FOLDER_ROLE_SENT },
    { "Sent Mail", '/', "", KABAR_FOLDER_ROLE_SENT },
    { "Trash", '/', "", KABAR_FOLDER_ROLE_TRASH },
    { "Deleted Messages", '/', "", KABAR_FOLDER_ROLE_TRASH },
    { "Spam", '/', "", KABAR_FOLDER_ROLE_JUNK },
    { "Bulk Mail", '/', "", KABAR_FOLDER_ROLE_JUNK },
    { "DRAFTS", '/', "", KABAR_FOLDER_ROLE_DRAFTS },
    /* Servers that keep every folder under INBOX. */
    { "INBOX.Trash", '.', "", KABAR_FOLDER_ROLE_TRASH },
    { "INBOX/Sent", '/', "", KABAR_FOLDER_ROLE_SENT },
    /* The user's own folders that happen to have such a name. */
    { "Projects/Trash", '/', "", KABAR_FOLDER_ROLE_NONE },
    { "Clients.Spam", '.', "", KABAR_FOLDER_ROLE_NONE },
    { "Sent Items Old", '/', "", KABAR_FOLDER_ROLE_NONE },
    /* A flat namespace: the whole name counts. */
    { "Trash", '\0', "", KABAR_FOLDER_ROLE_TRASH },
  };

  check_roles (cases, G_N_ELEMENTS (cases));
}

static void
test_roles_gmail_folders (void)
{
  static const RoleCase cases[] = {
    { "[Gmail]/Sent Mail", '/', "\\HasNoChildren \\Sent", KABAR_FOLDER_ROLE_SENT },
    { "[Gmail]/All Mail", '/', "\\All \\HasNoChildren", KABAR_FOLDER_ROLE_ALL },
    { "[Gmail]/Starred", '/', "\\Flagged \\HasNoChildren", KABAR_FOLDER_ROLE_FLAGGED },
    { "[Gmail]/Spam", '/', "\\HasNoChildren \\Junk", KABAR_FOLDER_ROLE_JUNK },
    { "[Gmail]/Bin", '/', "\\HasNoChildren \\Trash", KABAR_FOLDER_ROLE_TRASH },
    { "[Gmail]/Important", '/', "\\HasNoChildren \\Important", KABAR_FOLDER_ROLE_NONE },
    { "[Gmail]", '/', "\\HasChildren \\Noselect", KABAR_FOLDER_ROLE_NONE },
    /* Localised: only the attributes tell. */
    { "[Gmail]/Alle Nachrichten", '/', "\\All \\HasNoChildren", KABAR_FOLDER_ROLE_ALL },
    { "[Gmail]/Messages envoyés", '/', "\\HasNoChildren \\Sent", KABAR_FOLDER_ROLE_SENT },
    /* Gmail's XLIST, before SPECIAL-USE. */
    { "[Google Mail]/Pourriel", '/', "\\Spam", KABAR_FOLDER_ROLE_JUNK },
    { "[Gmail]/Alle Nachrichten", '/', "\\AllMail", KABAR_FOLDER_ROLE_ALL },
    { "[Gmail]/Markiert", '/', "\\Starred", KABAR_FOLDER_ROLE_FLAGGED },
    /* Without attributes, its names still count under [Gmail]. */
    { "[Gmail]/Drafts", '/', "", KABAR_FOLDER_ROLE_DRAFTS },
  };

  check_roles (cases, G_N_ELEMENTS (cases));
}

/* The schema's CHECK names the roles a database may hold: every role
 * goes in and comes back. */
static void
test_roles_stored_as_text (Fixture       *fixture,
                           gconstpointer  data)
{
  for (KabarFolderRole role = KABAR_FOLDER_ROLE_NONE; role <= KABAR_FOLDER_ROLE_FLAGGED; role++)
    {
      g_autofree char *path = g_strdup_printf ("Folder %d", role);
      g_autoptr(KabarStoreFolder) folder = NULL;
      g_autoptr(GError) error = NULL;
      gint64 id = kabar_store_upsert_folder (fixture->store, path, '/', NULL, role, TRUE, &error);

      g_assert_no_error (error);
      folder = kabar_store_get_folder (fixture->store, id, &error);
      g_assert_no_error (error);
      g_assert_cmpint (folder->role, ==, role);
    }
  g_assert_cmpstr (kabar_folder_role_to_string (KABAR_FOLDER_ROLE_FLAGGED), ==, "flagged");
  g_assert_cmpint (kabar_folder_role_from_string ("outbox"), ==, KABAR_FOLDER_ROLE_NONE);
}

/* Folders. */

static void
test_folders_upsert_list_and_get (Fixture       *fixture,
                                  gconstpointer  data)
{
  const char * const sent_attributes[] = { "\\HasNoChildren", "\\Sent", NULL };
  const char * const new_attributes[] = { "\\HasChildren", "\\Sent", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(KabarStoreFolder) sent = NULL;
  g_autoptr(KabarStoreFolder) year = NULL;
  g_autoptr(KabarStoreFolder) missing = NULL;
  KabarFolderSyncState state = { 12345, 678, G_GUINT64_CONSTANT (9000000000), 1700000000 };
  gint64 archive_year, archive, sent_id, again;

  /* A child listed before its parent finds it when it comes. */
  archive_year = add_folder (fixture->store, "Archive/2024");
  archive = add_folder (fixture->store, "Archive");
  sent_id = kabar_store_upsert_folder (fixture->store, "Sent Items", '/', sent_attributes,
                                       KABAR_FOLDER_ROLE_SENT, TRUE, &error);
  g_assert_no_error (error);
  again = kabar_store_upsert_folder (fixture->store, "Sent Items", '/', new_attributes,
                                     KABAR_FOLDER_ROLE_SENT, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, sent_id);

  folders = kabar_store_list_folders (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (folders->len, ==, 3);
  g_assert_cmpstr (((KabarStoreFolder *) folders->pdata[0])->path, ==, "Archive");
  g_assert_cmpstr (((KabarStoreFolder *) folders->pdata[1])->path, ==, "Archive/2024");
  g_assert_cmpstr (((KabarStoreFolder *) folders->pdata[2])->path, ==, "Sent Items");

  year = kabar_store_get_folder (fixture->store, archive_year, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (year->name, ==, "2024");
  g_assert_cmpint (year->parent_id, ==, archive);
  g_assert_cmpint (year->delimiter, ==, '/');

  g_assert_true (kabar_store_set_folder_sync_state (fixture->store, sent_id, &state, &error));
  sent = kabar_store_get_folder_by_path (fixture->store, "Sent Items", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sent->id, ==, sent_id);
  g_assert_cmpint (sent->role, ==, KABAR_FOLDER_ROLE_SENT);
  g_assert_false (sent->subscribed);
  g_assert_cmpstrv (sent->attributes, new_attributes);
  g_assert_cmpuint (sent->sync.uidvalidity, ==, 12345);
  g_assert_cmpuint (sent->sync.uidnext, ==, 678);
  g_assert_cmpuint (sent->sync.highestmodseq, ==, G_GUINT64_CONSTANT (9000000000));
  g_assert_cmpint (sent->sync.last_flag_sync, ==, 1700000000);

  missing = kabar_store_get_folder_by_path (fixture->store, "Nowhere", &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);
  g_assert_false (kabar_store_set_folder_sync_state (fixture->store, 999, &state, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

static void
test_folders_rename_keeps_messages (Fixture       *fixture,
                                    gconstpointer  data)
{
  gint64 projects = add_folder (fixture->store, "Projects");
  gint64 kabar = add_folder (fixture->store, "Projects/Kabar");
  gint64 work = add_folder (fixture->store, "Work");
  g_autoptr(GPtrArray) in_projects = make_batch (1, 20, "Roadmap");
  g_autoptr(GPtrArray) in_kabar = make_batch (1, 10, "Release");
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) renamed = NULL;
  g_autoptr(KabarStoreFolder) child = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GPtrArray) pending = NULL;

  insert (fixture->store, projects, in_projects);
  insert (fixture->store, kabar, in_kabar);
  kabar_store_add_pending_operation (fixture->store, KABAR_PENDING_FLAGS, projects, "3",
                                     "{}", &error);
  g_assert_no_error (error);

  g_assert_true (kabar_store_rename_folder (fixture->store, projects, "Work/Projects", &error));
  g_assert_no_error (error);

  renamed = kabar_store_get_folder (fixture->store, projects, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (renamed->path, ==, "Work/Projects");
  g_assert_cmpstr (renamed->name, ==, "Projects");
  g_assert_cmpint (renamed->parent_id, ==, work);
  child = kabar_store_get_folder (fixture->store, kabar, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (child->path, ==, "Work/Projects/Kabar");
  g_assert_cmpint (child->parent_id, ==, projects);

  assert_counts (fixture->store, projects, 20, 10);
  g_assert_cmpuint (count_listed (fixture->store, projects), ==, 20);
  g_assert_cmpuint (count_listed (fixture->store, kabar), ==, 10);
  found = search (fixture->store, "roadmap", projects);
  g_assert_cmpuint (found->len, ==, 20);
  pending = kabar_store_list_pending_operations (fixture->store, &error);
  g_assert_cmpuint (pending->len, ==, 1);

  g_assert_false (kabar_store_rename_folder (fixture->store, 999, "Elsewhere", &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

static void
test_folders_delete_cascades (Fixture       *fixture,
                              gconstpointer  data)
{
  gint64 doomed = add_folder (fixture->store, "Doomed");
  gint64 below = add_folder (fixture->store, "Doomed/Below");
  gint64 kept = add_folder (fixture->store, "Kept");
  g_autoptr(GPtrArray) doomed_batch = make_batch (1, 30, "Doomed words");
  g_autoptr(GPtrArray) kept_batch = make_batch (1, 5, "Kept words");
  g_autoptr(GBytes) raw = g_bytes_new_static ("Subject: x\r\n\r\nbody", 19);
  KabarMessageSummary *first = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(KabarStoreFolder) orphan = NULL;
  g_autoptr(KabarMessageSummary) gone = NULL;

  insert (fixture->store, doomed, doomed_batch);
  insert (fixture->store, kept, kept_batch);
  first = doomed_batch->pdata[0];
  g_assert_true (kabar_store_set_body (fixture->store, first->id, raw, "zanzibar", &error));
  kabar_store_add_pending_operation (fixture->store, KABAR_PENDING_FLAGS, doomed, "1:5", NULL, &error);
  g_assert_no_error (error);

  g_assert_true (kabar_store_delete_folder (fixture->store, doomed, &error));
  g_assert_no_error (error);

  gone = kabar_store_get_message (fixture->store, first->id, &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  found = search (fixture->store, "zanzibar", 0);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_array_unref);
  found = search (fixture->store, "words", 0);
  g_assert_cmpuint (found->len, ==, 5);
  pending = kabar_store_list_pending_operations (fixture->store, &error);
  g_assert_cmpuint (pending->len, ==, 0);
  assert_search_index_consistent (fixture->store);

  /* IMAP's DELETE leaves the folders below: so does the store. */
  orphan = kabar_store_get_folder (fixture->store, below, &error);
  g_assert_no_error (error);
  g_assert_cmpint (orphan->parent_id, ==, 0);
  assert_counts (fixture->store, kept, 5, 3);

  g_assert_false (kabar_store_delete_folder (fixture->store, doomed, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

static void
test_folders_reset_on_uidvalidity_change (Fixture       *fixture,
                                          gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) batch = make_batch (1, 50, "Old world");
  KabarFolderSyncState state = { 100, 51, 7000, 1700000000 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) reset = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GArray) found = NULL;
  guint32 max_uid = 99;

  insert (fixture->store, folder, batch);
  kabar_store_set_folder_sync_state (fixture->store, folder, &state, &error);
  kabar_store_add_pending_operation (fixture->store, KABAR_PENDING_FLAGS, folder, "1:3", NULL, &error);
  kabar_store_add_pending_operation (fixture->store, KABAR_PENDING_APPEND, folder, NULL,
                                     "{\"draft\":1}", &error);
  kabar_store_add_pending_operation (fixture->store, KABAR_PENDING_MOVE, folder, "4", NULL, &error);
  g_assert_no_error (error);

  g_assert_true (kabar_store_reset_folder (fixture->store, folder, 200, &error));
  g_assert_no_error (error);

  reset = kabar_store_get_folder (fixture->store, folder, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reset->sync.uidvalidity, ==, 200);
  g_assert_cmpuint (reset->sync.uidnext, ==, 0);
  g_assert_cmpuint (reset->sync.highestmodseq, ==, 0);
  g_assert_cmpint (reset->sync.last_flag_sync, ==, 0);
  assert_counts (fixture->store, folder, 0, 0);
  g_assert_true (kabar_store_get_max_uid (fixture->store, folder, &max_uid, &error));
  g_assert_cmpuint (max_uid, ==, 0);
  found = search (fixture->store, "world", 0);
  g_assert_cmpuint (found->len, ==, 0);
  assert_search_index_consistent (fixture->store);

  /* UIDs of the old UIDVALIDITY would now name other messages. */
  pending = kabar_store_list_pending_operations (fixture->store, &error);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpint (((KabarPendingOperation *) pending->pdata[0])->kind, ==, KABAR_PENDING_APPEND);

  /* The new UIDs go in. */
  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = make_batch (1, 5, "New world");
  insert (fixture->store, folder, batch);
  assert_counts (fixture->store, folder, 5, 3);
}

/* More messages than one chunk of the deletion holds. */
static void
test_folders_reset_empties_large_folder (Fixture       *fixture,
                                         gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  gint64 other = add_folder (fixture->store, "Other");
  g_autoptr(GPtrArray) batch = make_batch (1, 12001, "Many");
  g_autoptr(GPtrArray) kept = make_batch (1, 10, "Kept");
  g_autoptr(GError) error = NULL;

  insert (fixture->store, folder, batch);
  insert (fixture->store, other, kept);
  g_assert_true (kabar_store_reset_folder (fixture->store, folder, 5, &error));
  g_assert_no_error (error);
  assert_counts (fixture->store, folder, 0, 0);
  g_assert_cmpuint (count_listed (fixture->store, folder), ==, 0);
  assert_counts (fixture->store, other, 10, 5);
  assert_search_index_consistent (fixture->store);

  g_assert_true (kabar_store_delete_folder (fixture->store, other, &error));
  g_assert_no_error (error);
  assert_search_index_consistent (fixture->store);
}

/* Messages. */

static gint
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const KabarMessageSummary *x = *(KabarMessageSummary **) a;
  const KabarMessageSummary *y = *(KabarMessageSummary **) b;

  if (x->date != y->date)
    return x->date > y->date ? -1 : 1;
  return x->uid > y->uid ? -1 : 1;
}

static void
test_messages_batch_lists_newest_first (Fixture       *fixture,
                                        gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) batch = summaries_new ();
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GError) error = NULL;
  guint listed = 0;

  for (guint32 uid = 1; uid <= 500; uid++)
    {
      /* Dates out of UID order, some equal, one without a Date header. */
      KabarMessageSummary *summary = summary_new (uid, 1700000000 + g_rand_int_range (rand, 0, 400) * 60,
                                                  "Agenda");

      if (uid == 250)
        summary->date = 0;
      summary->flags = uid <= 100 ? 0 : KABAR_MESSAGE_FLAG_SEEN;
      g_ptr_array_add (batch, summary);
    }
  insert (fixture->store, folder, batch);
  assert_counts (fixture->store, folder, 500, 100);

  for (guint i = 0; i < batch->len; i++)
    {
      KabarMessageSummary *summary = batch->pdata[i];

      if (summary->date == 0)
        summary->date = summary->internal_date;
      g_ptr_array_add (expected, summary);
    }
  g_ptr_array_sort (expected, compare_newest_first);

  for (guint offset = 0; offset < 500; offset += 100)
    {
      g_autoptr(GPtrArray) page = kabar_store_list_messages (fixture->store, folder, offset, 100, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (page->len, ==, 100);
      for (guint i = 0; i < page->len; i++, listed++)
        {
          KabarMessageSummary *got = page->pdata[i];
          KabarMessageSummary *want = expected->pdata[listed];

          g_assert_cmpuint (got->uid, ==, want->uid);
          g_assert_cmpint (got->id, ==, want->id);
          g_assert_cmpint (got->date, ==, want->date);
        }
    }
  g_assert_cmpuint (listed, ==, 500);
}

static void
test_messages_keep_every_field (Fixture       *fixture,
                                gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) batch = summaries_new ();
  KabarMessageSummary *summary = summary_new (42, 1700000000, "Laporan keuangan — समाचार");
  g_autoptr(KabarMessageSummary) got = NULL;
  g_autoptr(GError) error = NULL;

  summary->flags = KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_ANSWERED | KABAR_MESSAGE_FLAG_DRAFT;
  summary->keywords = g_strdup ("$Forwarded $MDNSent");
  summary->modseq = G_GUINT64_CONSTANT (12345678901);
  summary->size = 123456;
  summary->cc = g_strdup ("\"Doe, Jane\" <jane@example.com>, raj@example.in");
  g_free (summary->message_id);
  summary->message_id = g_strdup ("  <abc@example.com>  ");
  summary->in_reply_to = g_strdup ("<parent@example.com> (comment)");
  summary->references = g_strdup ("<root@example.com>\r\n <parent@example.com>");
  summary->has_attachments = TRUE;
  summary->preview = g_strdup ("Mohon kirimkan laporan…");
  g_ptr_array_add (batch, summary);
  insert (fixture->store, folder, batch);

  got = kabar_store_get_message (fixture->store, summary->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->folder_id, ==, folder);
  g_assert_cmpuint (got->uid, ==, 42);
  g_assert_cmpint (got->flags, ==, summary->flags);
  g_assert_cmpstr (got->keywords, ==, "$Forwarded $MDNSent");
  g_assert_cmpuint (got->modseq, ==, G_GUINT64_CONSTANT (12345678901));
  g_assert_cmpint (got->date, ==, 1700000000);
  g_assert_cmpint (got->internal_date, ==, 1700000030);
  g_assert_cmpuint (got->size, ==, 123456);
  g_assert_cmpstr (got->subject, ==, "Laporan keuangan — समाचार");
  g_assert_cmpstr (got->from_name, ==, "Budi Santoso");
  g_assert_cmpstr (got->from_address, ==, "budi.santoso@example.co.id");
  g_assert_cmpstr (got->to, ==, "Dewi Lestari <dewi@example.in>");
  g_assert_cmpstr (got->cc, ==, "\"Doe, Jane\" <jane@example.com>, raj@example.in");
  g_assert_cmpstr (got->message_id, ==, "abc@example.com");
  g_assert_cmpstr (got->in_reply_to, ==, "parent@example.com");
  g_assert_cmpstr (got->references, ==, "<root@example.com> <parent@example.com>");
  g_assert_cmpint (got->thread_id, ==, summary->thread_id);
  g_assert_true (got->has_attachments);
  g_assert_cmpstr (got->preview, ==, "Mohon kirimkan laporan…");
}

static void
test_messages_known_uid_takes_new_flags (Fixture       *fixture,
                                         gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) first = make_batch (1, 3, "Original");
  g_autoptr(GPtrArray) again = make_batch (3, 4, "Changed envelope");
  g_autoptr(KabarMessageSummary) got = NULL;
  g_autoptr(GError) error = NULL;
  KabarMessageSummary *three;

  insert (fixture->store, folder, first);
  assert_counts (fixture->store, folder, 3, 2);
  three = again->pdata[0];
  three->flags = KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED;
  insert (fixture->store, folder, again);

  assert_counts (fixture->store, folder, 4, 1);
  g_assert_cmpint (three->id, ==, ((KabarMessageSummary *) first->pdata[2])->id);
  got = kabar_store_get_message (fixture->store, three->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->subject, ==, "Original 3");
  g_assert_cmpint (got->flags, ==, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED);
  assert_search_index_consistent (fixture->store);
}

/* Overlapping FETCH responses can name a UID twice in one batch. */
static void
test_messages_uid_twice_in_a_batch (Fixture       *fixture,
                                    gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) batch = summaries_new ();
  KabarMessageSummary *unread = summary_new (7, 1700000000, "Twice");
  KabarMessageSummary *read = summary_new (7, 1700000000, "Twice");
  g_autoptr(GPtrArray) missing_folder = make_batch (1, 2, "Nowhere");
  g_autoptr(GError) error = NULL;

  read->flags = KABAR_MESSAGE_FLAG_SEEN;
  g_ptr_array_add (batch, unread);
  g_ptr_array_add (batch, read);
  insert (fixture->store, folder, batch);
  assert_counts (fixture->store, folder, 1, 0);
  g_assert_cmpint (read->id, ==, unread->id);
  assert_search_index_consistent (fixture->store);

  g_assert_false (kabar_store_insert_summaries (fixture->store, 999, missing_folder, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

static void
test_messages_flag_updates (Fixture       *fixture,
                            gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) batch = make_batch (1, 10, "Flags");
  KabarFlagUpdate updates[] = {
    { 1, KABAR_MESSAGE_FLAG_SEEN, NULL, 501 },
    { 3, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED, "$Forwarded", 502 },
    { 2, 0, NULL, 503 },
    { 4, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_DELETED, NULL, 504 },
    { 999, KABAR_MESSAGE_FLAG_SEEN, NULL, 505 },
  };
  g_autoptr(GArray) map = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  KabarMessageSummary *three = NULL;

  insert (fixture->store, folder, batch);
  assert_counts (fixture->store, folder, 10, 5);
  g_assert_true (kabar_store_update_flags (fixture->store, folder, updates, G_N_ELEMENTS (updates),
                                           &error));
  g_assert_no_error (error);

  /* 1 and 3 read, 2 unread again, 4 stays read. */
  assert_counts (fixture->store, folder, 10, 4);
  map = kabar_store_get_uid_flags (fixture->store, folder, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (map->len, ==, 10);
  g_assert_cmpint (g_array_index (map, KabarUidFlags, 0).flags, ==, KABAR_MESSAGE_FLAG_SEEN);
  g_assert_cmpint (g_array_index (map, KabarUidFlags, 1).flags, ==, 0);
  g_assert_cmpint (g_array_index (map, KabarUidFlags, 2).flags, ==,
                   KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED);
  g_assert_cmpint (g_array_index (map, KabarUidFlags, 3).flags, ==,
                   KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_DELETED);

  page = kabar_store_list_messages (fixture->store, folder, 0, 100, &error);
  for (guint i = 0; i < page->len; i++)
    if (((KabarMessageSummary *) page->pdata[i])->uid == 3)
      three = page->pdata[i];
  g_assert_nonnull (three);
  g_assert_cmpstr (three->keywords, ==, "$Forwarded");
  g_assert_cmpuint (three->modseq, ==, 502);
}

static void
test_messages_delete_by_uid_ranges (Fixture       *fixture,
                                    gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) batch = make_batch (1, 100, "Numbered");
  KabarUidRange ranges[] = { { 5, 9 }, { 50, 50 }, { 200, 90 } };
  g_autoptr(GBytes) raw = g_bytes_new_static ("x", 1);
  KabarMessageSummary *five = batch->pdata[4];
  g_autoptr(GArray) map = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint32 max_uid = 0;

  insert (fixture->store, folder, batch);
  g_assert_true (kabar_store_set_body (fixture->store, five->id, raw, "quokka", &error));
  g_assert_true (kabar_store_delete_messages (fixture->store, folder, ranges, G_N_ELEMENTS (ranges),
                                              &error));
  g_assert_no_error (error);

  /* 5-9 (3 unread), 50 (read), 90-100 (5 unread: 91 ... 99). */
  assert_counts (fixture->store, folder, 83, 42);
  map = kabar_store_get_uid_flags (fixture->store, folder, &error);
  g_assert_cmpuint (map->len, ==, 83);
  for (guint i = 0; i < map->len; i++)
    {
      guint32 uid = g_array_index (map, KabarUidFlags, i).uid;

      g_assert_false ((uid >= 5 && uid <= 9) || uid == 50 || uid >= 90);
    }
  g_assert_true (kabar_store_get_max_uid (fixture->store, folder, &max_uid, &error));
  g_assert_cmpuint (max_uid, ==, 89);
  body = kabar_store_get_body (fixture->store, five->id, &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  assert_search_index_consistent (fixture->store);
}

static void
test_messages_uid_flags_map_sorted (Fixture       *fixture,
                                    gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) batch = make_batch (1, 1000, "Shuffled");
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GArray) map = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = batch->len - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      gpointer swap = batch->pdata[i];

      batch->pdata[i] = batch->pdata[j];
      batch->pdata[j] = swap;
    }
  insert (fixture->store, folder, batch);

  map = kabar_store_get_uid_flags (fixture->store, folder, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (map->len, ==, 1000);
  for (guint i = 0; i < map->len; i++)
    {
      KabarUidFlags *entry = &g_array_index (map, KabarUidFlags, i);

      g_assert_cmpuint (entry->uid, ==, i + 1);
      g_assert_cmpint (entry->flags, ==, entry->uid % 2 == 0 ? KABAR_MESSAGE_FLAG_SEEN : 0);
    }
}

/* Threads. */

static gint64
insert_threaded (Fixture    *fixture,
                 gint64      folder,
                 guint32     uid,
                 const char *message_id,
                 const char *in_reply_to,
                 const char *references)
{
  g_autoptr(GPtrArray) batch = summaries_new ();
  KabarMessageSummary *summary = summary_new (uid, 1700000000 + uid, "Thread");

  g_free (summary->message_id);
  summary->message_id = g_strdup (message_id);
  summary->in_reply_to = g_strdup (in_reply_to);
  summary->references = g_strdup (references);
  g_ptr_array_add (batch, summary);
  insert (fixture->store, folder, batch);
  return summary->id;
}

static gint64
thread_of (Fixture *fixture,
           gint64   message_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageSummary) summary = kabar_store_get_message (fixture->store, message_id, &error);

  g_assert_no_error (error);
  return summary->thread_id;
}

static void
test_threads_reply_joins_parent (Fixture       *fixture,
                                 gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "INBOX");
  gint64 root = insert_threaded (fixture, folder, 1, "<a@x>", NULL, NULL);
  gint64 reply = insert_threaded (fixture, folder, 2, "<b@x>", "<a@x>", "<a@x>");
  gint64 reply2 = insert_threaded (fixture, folder, 3, "<c@x>", "<b@x>", "<a@x> <b@x>");
  gint64 other = insert_threaded (fixture, folder, 4, "<z@x>", NULL, NULL);
  g_autoptr(GPtrArray) thread = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (thread_of (fixture, reply), ==, thread_of (fixture, root));
  g_assert_cmpint (thread_of (fixture, reply2), ==, thread_of (fixture, root));
  g_assert_cmpint (thread_of (fixture, other), !=, thread_of (fixture, root));

  thread = kabar_store_list_thread (fixture->store, thread_of (fixture, root), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (thread->len, ==, 3);
  g_assert_cmpint (((KabarMessageSummary *) thread->pdata[0])->id, ==, root);
  g_assert_cmpint (((KabarMessageSummary *) thread->pdata[2])->id, ==, reply2);
}

/* Syncing newest first, or INBOX before Sent, stores replies before the
 * message they answer. */
static void
test_threads_reply_before_parent_merges (Fixture       *fixture,
                                         gconstpointer  data)
{
  gint64 inbox = add_folder (fixture->store, "INBOX");
  gint64 sent = add_folder (fixture->store, "Sent");
  gint64 reply2 = insert_threaded (fixture, inbox, 1, "<c@x>", "<b@x>", "<a@x> <b@x>");
  gint64 reply1 = insert_threaded (fixture, inbox, 2, "<b2@x>", "<a@x>", "<a@x>");
  gint64 middle, root;

  /* Two answers to a message the store does not have yet. */
  g_assert_cmpint (thread_of (fixture, reply1), !=, thread_of (fixture, reply2));
  middle = insert_threaded (fixture, sent, 1, "<b@x>", "<a@x>", "<a@x>");
  g_assert_cmpint (thread_of (fixture, middle), ==, thread_of (fixture, reply2));
  root = insert_threaded (fixture, sent, 2, "<a@x>", NULL, NULL);
  g_assert_cmpint (thread_of (fixture, root), ==, thread_of (fixture, reply2));
  g_assert_cmpint (thread_of (fixture, root), ==, thread_of (fixture, reply1));
  g_assert_cmpint (thread_of (fixture, root), ==, thread_of (fixture, middle));
}

/* Outlook names only the parent in References. */
static void
test_threads_outlook_chain (Fixture       *fixture,
                            gconstpointer  data)
{
  gint64 folder = add_folder (fixture->store, "Inbox");
  gint64 a = insert_threaded (fixture, folder, 1, "<A@outlook.com>", NULL, NULL);
  gint64 b = insert_threaded (fixture, folder, 2, "<B@outlook.com>", "<A@outlook.com>", "<A@outlook.com>");
  gint64 c = insert_threaded (fixture, folder, 3, "<C@outlook.com>", "<B@outlook.com>", "<B@outlook.com>");

  g_assert_cmpint (thread_of (fixture, b), ==, thread_of (fixture, a));
  g_assert_cmpint (thread_of (fixture, c), ==, thread_of (fixture, a));
}

static void
test_threads_copies_share_thread (Fixture       *fixture,
                                  gconstpointer  data)
{
  gint64 inbox = add_folder (fixture->store, "INBOX");
  gint64 archive = add_folder (fixture->store, "Archive");
  gint64 original = insert_threaded (fixture, inbox, 7, "<same@x>", NULL, NULL);
  gint64 copy = insert_threaded (fixture, archive, 1, "same@x", NULL, NULL);
  gint64 lookalike = insert_threaded (fixture, archive, 2, "<same@y>", NULL, NULL);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (copy, !=, original);
  g_assert_cmpint (thread_of (fixture, copy), ==, thread_of (fixture, original));
  g_assert_cmpint (thread_of (fixture, lookalike), !=, thread_of (fixture, original));

  found = kabar_store_find_by_message_id (fixture->store, "<same@x>", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpint (((KabarMessageSummary *) found->pdata[0])->id, ==, original);
  g_assert_cmpint (((KabarMessageSummary *) found->pdata[1])->id, ==, copy);
}

/* Bodies and search. */

static gint64
insert_searchable (Fixture    *fixture,
                   gint64      folder,
                   guint32     uid,
                   const char *subject,
                   const char *from_name,
                   const char *from_address,
                   const char *to,
                   const char *body)
{
  g_autoptr(GPtrArray) batch = summaries_new ();
  KabarMessageSummary *summary = summary_new (uid, 1700000000 + uid, subject);
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_free (summary->from_name);
  g_free (summary->from_address);
  g_free (summary->to);
  summary->from_name = g_strdup (from_name);
  summary->from_address = g_strdup (from_address);
  summary->to = g_strdup (to);
  g_ptr_array_add (batch, summary);
  insert (fixture->store, folder, batch);
  id = summary->id;
  if (body != NULL)
    {
      g_autoptr(GBytes) raw = g_bytes_new (body, strlen (body));

      g_assert_true (kabar_store_set_body (fixture->store, id, raw, body, &error));
      g_assert_no_error (error);
    }
  return id;
}

static void
assert_search_finds (Fixture    *fixture,
                     const char *query,
                     gint64      folder,
                     gint64      expected_id,
                     guint       expected_count)
{
  g_autoptr(GArray) found = search (fixture->store, query, folder);

  if (found->len != expected_count || (expected_id != 0 && !ids_contain (found, expected_id)))
    g_error ("Searching \"%s\" found %u messages, expected %u with id %" G_GINT64_FORMAT,
             query, found->len, expected_count, expected_id);
}

static void
test_search_finds_by_subject_sender_recipient_and_body (Fixture       *fixture,
                                                        gconstpointer  data)
{
  gint64 inbox = add_folder (fixture->store, "INBOX");
  gint64 other = add_folder (fixture->store, "Other");
  gint64 invoice = insert_searchable (fixture, inbox, 1, "Invoice for October", "Ana Costa",
                                      "ana@example.pt", "Raj Kumar <raj@example.in>",
                                      "Please find the attached payment details.");
  gint64 lunch = insert_searchable (fixture, other, 1, "Lunch on Friday?", "Émile Zola",
                                    "emile@example.fr", "team@example.org", NULL);

  assert_search_finds (fixture, "invoice", 0, invoice, 1);
  assert_search_finds (fixture, "INVO", 0, invoice, 1);
  assert_search_finds (fixture, "costa", 0, invoice, 1);
  assert_search_finds (fixture, "ana@example.pt", 0, invoice, 1);
  assert_search_finds (fixture, "raj", 0, invoice, 1);
  assert_search_finds (fixture, "payment", 0, invoice, 1);
  assert_search_finds (fixture, "costa payment", 0, invoice, 1);
  assert_search_finds (fixture, "costa friday", 0, 0, 0);
  assert_search_finds (fixture, "emile", 0, lunch, 1);
  assert_search_finds (fixture, "Émile", 0, lunch, 1);
  assert_search_finds (fixture, "friday", inbox, 0, 0);
  assert_search_finds (fixture, "friday", other, lunch, 1);
  assert_search_finds (fixture, "example", 0, 0, 2);
  assert_search_finds (fixture, "   ", 0, 0, 0);
}

static void
test_search_indonesian_and_hindi (Fixture       *fixture,
                                  gconstpointer  data)
{
  gint64 inbox = add_folder (fixture->store, "INBOX");
  gint64 rapat = insert_searchable (fixture, inbox, 1, "Rapat anggaran minggu depan",
                                    "Siti Rahayu", "siti@example.co.id", "tim@example.co.id",
                                    "Mohon kirimkan laporan keuangan sebelum hari Jumat.");
  gint64 news = insert_searchable (fixture, inbox, 2, "आज का समाचार", "राहुल शर्मा",
                                   "rahul@example.in", "priya@example.in",
                                   "कबार में हिंदी ईमेल पढ़ें।");
  gint64 meeting_time = insert_searchable (fixture, inbox, 3, "बैठक का समय", "Priya", "priya@example.in",
                                   "rahul@example.in", NULL);

  assert_search_finds (fixture, "anggaran", 0, rapat, 1);
  assert_search_finds (fixture, "laporan keuangan", 0, rapat, 1);
  assert_search_finds (fixture, "keuang", 0, rapat, 1);
  assert_search_finds (fixture, "समाचार", 0, news, 1);
  assert_search_finds (fixture, "पढ़ें", 0, news, 1);
  assert_search_finds (fixture, "हिंदी", 0, news, 1);
  assert_search_finds (fixture, "शर्मा", 0, news, 1);
  assert_search_finds (fixture, "समय", 0, meeting_time, 1);
  /* Words stay whole: with unicode61's default categories "समा" was cut
   * at its vowel sign to "सम", a prefix of "समय" (time) too. */
  assert_search_finds (fixture, "समा", 0, news, 1);
}

static void
test_search_query_is_text_not_syntax (Fixture       *fixture,
                                      gconstpointer  data)
{
  gint64 inbox = add_folder (fixture->store, "INBOX");
  gint64 quoted = insert_searchable (fixture, inbox, 1, "Re: \"AND\" NOT (or) x-ray: *new*",
                                     "Ops", "ops@example.com", "all@example.com", NULL);
  static const char * const queries[] = {
    "\"AND\"", "NOT", "(or)", "x-ray:", "*new*", "\"", "-", "AND OR NOT", "subject:ray", "^x",
    "NEAR(a b)", "a\"b",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GArray) found = search (fixture->store, queries[i], 0);

      g_test_message ("\"%s\": %u found", queries[i], found->len);
    }
  assert_search_finds (fixture, "x-ray", 0, quoted, 1);
  assert_search_finds (fixture, "\"AND\" not", 0, quoted, 1);
}

static void
test_search_index_follows_changes (Fixture       *fixture,
                                   gconstpointer  data)
{
  gint64 inbox = add_folder (fixture->store, "INBOX");
  gint64 id = insert_searchable (fixture, inbox, 1, "Subject words", "Ana", "ana@example.pt",
                                 "raj@example.in", "first body pelican");
  g_autoptr(GBytes) raw = g_bytes_new_static ("raw", 3);
  KabarUidRange range = { 1, 1 };
  g_autoptr(GError) error = NULL;

  assert_search_finds (fixture, "pelican", 0, id, 1);
  g_assert_true (kabar_store_set_body (fixture->store, id, raw, "second body albatross", &error));
  g_assert_no_error (error);
  assert_search_finds (fixture, "pelican", 0, 0, 0);
  assert_search_finds (fixture, "albatross", 0, id, 1);
  assert_search_finds (fixture, "subject albatross", 0, id, 1);
  assert_search_index_consistent (fixture->store);

  g_assert_true (kabar_store_delete_messages (fixture->store, inbox, &range, 1, &error));
  assert_search_finds (fixture, "albatross", 0, 0, 0);
  assert_search_finds (fixture, "subject", 0, 0, 0);
  assert_search_index_consistent (fixture->store);
}

/* The sync's inserts leave indexing to kabar_store_index_pending(),
 * oldest first, a bounded number a call. */
static void
test_search_finds_new_messages_once_indexed (Fixture       *fixture,
                                             gconstpointer  data)
{
  gint64 inbox = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) batch = make_batch (1, 1200, "Kuartal");
  g_autoptr(GArray) found = NULL;
  g_autoptr(GError) error = NULL;
  guint indexed = 99;

  g_assert_true (kabar_store_insert_summaries (fixture->store, inbox, batch, &error));
  g_assert_no_error (error);
  assert_counts (fixture->store, inbox, 1200, 600);
  assert_search_finds (fixture, "kuartal", 0, 0, 0);
  assert_search_index_consistent (fixture->store);

  g_assert_true (kabar_store_index_pending (fixture->store, 0, &indexed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (indexed, ==, 0);

  g_assert_true (kabar_store_index_pending (fixture->store, 500, &indexed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (indexed, ==, 500);
  assert_search_index_consistent (fixture->store);
  /* The oldest first: UIDs 1 to 500, the ids the batch got first. */
  found = search (fixture->store, "kuartal", 0);
  g_assert_cmpuint (found->len, ==, 500);
  g_assert_true (ids_contain (found, ((KabarMessageSummary *) batch->pdata[0])->id));
  g_assert_false (ids_contain (found, ((KabarMessageSummary *) batch->pdata[500])->id));

  g_assert_true (kabar_store_index_pending (fixture->store, 5000, &indexed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (indexed, ==, 700);
  g_assert_true (kabar_store_index_pending (fixture->store, 5000, &indexed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (indexed, ==, 0);
  assert_search_finds (fixture, "kuartal 1199", 0, ((KabarMessageSummary *) batch->pdata[1198])->id, 1);
  assert_search_index_consistent (fixture->store);

  /* A batch giving known UIDs again adds nothing to index. */
  g_assert_true (kabar_store_insert_summaries (fixture->store, inbox, batch, &error));
  g_assert_no_error (error);
  g_assert_true (kabar_store_index_pending (fixture->store, 5000, &indexed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (indexed, ==, 0);
  assert_search_index_consistent (fixture->store);
}

static void
test_bodies_stored_on_demand (Fixture       *fixture,
                              gconstpointer  data)
{
  gint64 inbox = add_folder (fixture->store, "INBOX");
  gint64 id = insert_searchable (fixture, inbox, 1, "Body later", "Ana", "ana@example.pt",
                                 "raj@example.in", NULL);
  static const char message[] = "From: ana@example.pt\r\nSubject: Body later\r\n\r\nHalo!\r\n";
  g_autoptr(GBytes) raw = g_bytes_new_static (message, sizeof message - 1);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GBytes) missing = NULL;
  g_autoptr(GError) error = NULL;

  before = kabar_store_get_body (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_null (before);

  g_assert_true (kabar_store_set_body (fixture->store, id, raw, "Halo!", &error));
  after = kabar_store_get_body (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (after, raw));

  g_assert_false (kabar_store_set_body (fixture->store, 9999, raw, "x", &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  missing = kabar_store_get_body (fixture->store, 9999, &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

/* Pending operations. */

static void
test_pending_survive_reopening_in_order (Fixture       *fixture,
                                         gconstpointer  data)
{
  gint64 inbox = add_folder (fixture->store, "INBOX");
  g_autoptr(GPtrArray) operations = NULL;
  g_autoptr(GError) error = NULL;
  gint64 flags, move, delete_folder;
  KabarPendingOperation *operation;

  flags = kabar_store_add_pending_operation (fixture->store, KABAR_PENDING_FLAGS, inbox, "1:3,7",
                                             "{\"add\":[\"\\\\Seen\"]}", &error);
  move = kabar_store_add_pending_operation (fixture->store, KABAR_PENDING_MOVE, inbox, "9",
                                            "{\"to\":\"Archive\"}", &error);
  delete_folder = kabar_store_add_pending_operation (fixture->store, KABAR_PENDING_FOLDER_DELETE, 0,
                                                     NULL, "{\"path\":\"Old\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (flags, <, move);
  g_assert_cmpint (move, <, delete_folder);
  g_assert_true (kabar_store_record_pending_failure (fixture->store, move,
                                                     "NO [TRYCREATE] No such mailbox", &error));
  g_assert_true (kabar_store_remove_pending_operation (fixture->store, flags, &error));
  g_assert_no_error (error);

  reopen (fixture);

  operations = kabar_store_list_pending_operations (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (operations->len, ==, 2);
  operation = operations->pdata[0];
  g_assert_cmpint (operation->id, ==, move);
  g_assert_cmpint (operation->kind, ==, KABAR_PENDING_MOVE);
  g_assert_cmpint (operation->folder_id, ==, inbox);
  g_assert_cmpstr (operation->uid_set, ==, "9");
  g_assert_cmpstr (operation->payload, ==, "{\"to\":\"Archive\"}");
  g_assert_cmpuint (operation->attempts, ==, 1);
  g_assert_cmpstr (operation->last_error, ==, "NO [TRYCREATE] No such mailbox");
  g_assert_cmpint (operation->created_at, >, 0);
  operation = operations->pdata[1];
  g_assert_cmpint (operation->kind, ==, KABAR_PENDING_FOLDER_DELETE);
  g_assert_cmpint (operation->folder_id, ==, 0);
  g_assert_null (operation->uid_set);
  g_assert_cmpuint (operation->attempts, ==, 0);

  g_assert_false (kabar_store_remove_pending_operation (fixture->store, flags, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

/* The schema's CHECK names the kinds a database may hold. */
static void
test_pending_every_kind_stored (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) operations = NULL;
  g_autoptr(GError) error = NULL;

  for (KabarPendingKind kind = KABAR_PENDING_FLAGS; kind <= KABAR_PENDING_FOLDER_DELETE; kind++)
    {
      kabar_store_add_pending_operation (fixture->store, kind, 0, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  operations = kabar_store_list_pending_operations (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (operations->len, ==, KABAR_PENDING_FOLDER_DELETE + 1);
  for (guint i = 0; i < operations->len; i++)
    g_assert_cmpint (((KabarPendingOperation *) operations->pdata[i])->kind, ==, i);
}

/* Crashes and concurrency. */

static void
die_at_row (guint    row,
            gpointer data)
{
  if (row == GPOINTER_TO_UINT (data))
    _exit (42);
}

/* The child's own process: no assertion here, an exit status says what
 * went wrong. */
static void
insert_then_die (const char *path)
{
  g_autoptr(GPtrArray) committed = make_batch (1, 100, "Committed");
  g_autoptr(GPtrArray) killed = make_batch (101, 3100, "Killed");
  KabarStore *store = kabar_store_open (path, NULL);
  gint64 folder;

  if (store == NULL)
    _exit (2);
  folder = kabar_store_upsert_folder (store, "INBOX", '/', NULL, KABAR_FOLDER_ROLE_INBOX, TRUE, NULL);
  if (folder == 0 || !kabar_store_insert_summaries (store, folder, committed, NULL))
    _exit (3);
  /* A tiny cache spills the unfinished batch into the log before death. */
  kabar_store_exec_for_testing (store, "PRAGMA cache_size = 10", NULL);
  kabar_store_set_insert_hook_for_testing (store, die_at_row, GUINT_TO_POINTER (2500));
  kabar_store_insert_summaries (store, folder, killed, NULL);
  _exit (4);
}

static void
test_durability_killed_writer_keeps_whole_batches (Fixture       *fixture,
                                                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *integrity = NULL;
  GStatBuf buf;
  int status = 0;
  pid_t child;
  sqlite3 *db;

  g_clear_object (&fixture->store);
  fflush (stdout);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    insert_then_die (fixture->path);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 42);
  /* The dead batch reached the log, uncommitted. */
  g_assert_cmpint (g_stat (wal, &buf), ==, 0);
  g_test_message ("Log left by the killed writer: %" G_GINT64_FORMAT " bytes", (gint64) buf.st_size);
  g_assert_cmpint (buf.st_size, >, 100 * 1024);

  reopen (fixture);
  inbox = kabar_store_get_folder_by_path (fixture->store, "INBOX", &error);
  g_assert_no_error (error);
  assert_counts (fixture->store, inbox->id, 100, 50);
  g_assert_cmpuint (count_listed (fixture->store, inbox->id), ==, 100);
  assert_search_index_consistent (fixture->store);
  db = raw_open (fixture->path);
  integrity = raw_query_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  sqlite3_close (db);

  after = make_batch (101, 200, "After");
  insert (fixture->store, inbox->id, after);
  assert_counts (fixture->store, inbox->id, 200, 100);
}

#define CONCURRENT_BATCHES 40
#define CONCURRENT_BATCH_SIZE 250

typedef struct
{
  KabarStore *store;
  gint64 folder;
  gint done;
  guint snapshots;
  guint distinct_totals;
  char *violation;
} Concurrency;

static gpointer
write_batches (gpointer data)
{
  Concurrency *concurrency = data;

  for (guint i = 0; i < CONCURRENT_BATCHES; i++)
    {
      guint32 first = i * CONCURRENT_BATCH_SIZE + 1;
      g_autoptr(GPtrArray) batch = make_batch (first, first + CONCURRENT_BATCH_SIZE - 1, "Concurrent");
      g_autoptr(GError) error = NULL;

      if (!kabar_store_insert_summaries (concurrency->store, concurrency->folder, batch, &error))
        g_error ("Writer: %s", error->message);
    }
  g_atomic_int_set (&concurrency->done, 1);
  return NULL;
}

/* What one read call returns must be a state some commit left. */
static char *
check_snapshot (Concurrency *concurrency,
                guint       *last_total)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) map = NULL;
  guint total = 0, unread = 0;

  if (!kabar_store_count_messages (concurrency->store, concurrency->folder, &total, &unread, &error))
    return g_strdup (error->message);
  if (total % CONCURRENT_BATCH_SIZE != 0 || unread * 2 != total || total < *last_total)
    return g_strdup_printf ("counts %u total, %u unread after %u", total, unread, *last_total);
  if (total != *last_total)
    concurrency->distinct_totals++;
  *last_total = total;

  map = kabar_store_get_uid_flags (concurrency->store, concurrency->folder, &error);
  if (map == NULL)
    return g_strdup (error->message);
  if (map->len % CONCURRENT_BATCH_SIZE != 0 || map->len < total)
    return g_strdup_printf ("a map of %u messages", map->len);
  for (guint i = 0; i < map->len; i++)
    if (g_array_index (map, KabarUidFlags, i).uid != i + 1)
      return g_strdup_printf ("UID %u at %u", g_array_index (map, KabarUidFlags, i).uid, i);
  return NULL;
}

static gpointer
read_snapshots (gpointer data)
{
  Concurrency *concurrency = data;
  guint last_total = 0;

  while (concurrency->violation == NULL)
    {
      gboolean writer_done = g_atomic_int_get (&concurrency->done);

      concurrency->violation = check_snapshot (concurrency, &last_total);
      concurrency->snapshots++;
      if (writer_done)
        break;
    }
  return NULL;
}

static void
test_concurrency_reader_sees_whole_batches (Fixture       *fixture,
                                            gconstpointer  data)
{
  Concurrency concurrency = { fixture->store, add_folder (fixture->store, "INBOX"), 0, 0, 0, NULL };
  GThread *writer, *reader;

  reader = g_thread_new ("reader", read_snapshots, &concurrency);
  writer = g_thread_new ("writer", write_batches, &concurrency);
  g_thread_join (writer);
  g_thread_join (reader);

  g_test_message ("%u snapshots read, %u different", concurrency.snapshots,
                  concurrency.distinct_totals);
  if (concurrency.violation != NULL)
    g_error ("The reader saw a half-written state: %s", concurrency.violation);
  g_assert_cmpuint (concurrency.distinct_totals, >=, 2);
  assert_counts (fixture->store, concurrency.folder, CONCURRENT_BATCHES * CONCURRENT_BATCH_SIZE,
                 CONCURRENT_BATCHES * CONCURRENT_BATCH_SIZE / 2);
}

#define ADD(path, function) \
  g_test_add (path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)
#define ADD_WITHOUT_STORE(path, function) \
  g_test_add (path, Fixture, NULL, fixture_set_up_paths, function, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/store/open/creates-private-wal-database", test_open_creates_private_wal_database);
  ADD_WITHOUT_STORE ("/store/schema/upgrades-from-every-version", test_schema_upgrades_from_every_version);
  ADD ("/store/schema/refuses-newer-version", test_schema_refuses_newer_version);
  ADD_WITHOUT_STORE ("/store/open/corrupt-file-is-corrupt", test_open_corrupt_file_is_corrupt);
  ADD_WITHOUT_STORE ("/store/open/other-database-is-not-a-store", test_open_other_database_is_not_a_store);

  g_test_add_func ("/store/errors/codes-say-what-happened", test_errors_codes_say_what_happened);
  ADD ("/store/errors/full-disk-writes-nothing", test_errors_full_disk_writes_nothing);
  ADD ("/store/errors/busy-when-another-process-writes", test_errors_busy_when_another_process_writes);

  g_test_add_func ("/store/roles/special-use-attributes", test_roles_from_special_use_attributes);
  g_test_add_func ("/store/roles/inbox-in-any-case", test_roles_inbox_any_case);
  g_test_add_func ("/store/roles/outlook-consumer-names", test_roles_outlook_consumer_names);
  g_test_add_func ("/store/roles/outlook-business-names", test_roles_outlook_business_names);
  g_test_add_func ("/store/roles/usual-english-names", test_roles_usual_english_names);
  g_test_add_func ("/store/roles/gmail-folders", test_roles_gmail_folders);
  ADD ("/store/roles/stored-as-text", test_roles_stored_as_text);

  ADD ("/store/folders/upsert-list-and-get", test_folders_upsert_list_and_get);
  ADD ("/store/folders/rename-keeps-messages", test_folders_rename_keeps_messages);
  ADD ("/store/folders/delete-cascades", test_folders_delete_cascades);
  ADD ("/store/folders/reset-on-uidvalidity-change", test_folders_reset_on_uidvalidity_change);
  ADD ("/store/folders/reset-empties-large-folder", test_folders_reset_empties_large_folder);

  ADD ("/store/messages/batch-lists-newest-first", test_messages_batch_lists_newest_first);
  ADD ("/store/messages/keep-every-field", test_messages_keep_every_field);
  ADD ("/store/messages/known-uid-takes-new-flags", test_messages_known_uid_takes_new_flags);
  ADD ("/store/messages/uid-twice-in-a-batch", test_messages_uid_twice_in_a_batch);
  ADD ("/store/messages/flag-updates", test_messages_flag_updates);
  ADD ("/store/messages/delete-by-uid-ranges", test_messages_delete_by_uid_ranges);
  ADD ("/store/messages/uid-flags-map-sorted", test_messages_uid_flags_map_sorted);

  ADD ("/store/threads/reply-joins-parent", test_threads_reply_joins_parent);
  ADD ("/store/threads/reply-before-parent-merges", test_threads_reply_before_parent_merges);
  ADD ("/store/threads/outlook-chain", test_threads_outlook_chain);
  ADD ("/store/threads/copies-share-thread", test_threads_copies_share_thread);

  ADD ("/store/search/finds-by-subject-sender-recipient-and-body",
       test_search_finds_by_subject_sender_recipient_and_body);
  ADD ("/store/search/indonesian-and-hindi", test_search_indonesian_and_hindi);
  ADD ("/store/search/query-is-text-not-syntax", test_search_query_is_text_not_syntax);
  ADD ("/store/search/index-follows-changes", test_search_index_follows_changes);
  ADD ("/store/search/finds-new-messages-once-indexed", test_search_finds_new_messages_once_indexed);
  ADD ("/store/bodies/stored-on-demand", test_bodies_stored_on_demand);

  ADD ("/store/pending/survive-reopening-in-order", test_pending_survive_reopening_in_order);
  ADD ("/store/pending/every-kind-stored", test_pending_every_kind_stored);
  ADD ("/store/durability/killed-writer-keeps-whole-batches",
       test_durability_killed_writer_keeps_whole_batches);
  ADD ("/store/concurrency/reader-sees-whole-batches", test_concurrency_reader_sees_whole_batches);

  return g_test_run ();
}
