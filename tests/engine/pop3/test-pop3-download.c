/* test-pop3-download.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A POP account's check of the bed's Dovecot, in each of the ways the
 * user can choose for the server's copies: after each check the store
 * and the server hold what they should, and nothing comes twice.
 */

#include "config.h"

#include "kabar-pop3-download-test.h"

#include <string.h>

#include "kabar-oauth2.h"
#include "kabar-pop3-error.h"
#include "kabar-store-private.h"
#include "kabar-test-files.h"

#define SECONDS_PER_DAY 86400

typedef struct
{
  char         *user;
  KabarAccount *account;
  KabarStore   *store;
} Fixture;

static void
fixture_set_up (Fixture              *fixture,
                KabarPopServerCopies  copies)
{
  fixture->user = kabar_pop3_download_test_new_user ();
  fixture->account = kabar_pop3_download_test_account (fixture->user, 0, copies);
  fixture->store = kabar_pop3_download_test_new_store ();
}

static void
fixture_tear_down (Fixture *fixture)
{
  kabar_pop3_download_test_remove_store (fixture->store);
  g_clear_object (&fixture->account);
  g_free (fixture->user);
}

static KabarPop3DownloadResult
check_at (Fixture *fixture,
          gint64   now)
{
  KabarPop3DownloadOptions options = { .batch_size = 40, .now = now };
  KabarPop3DownloadResult result = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_pop3_download_run (fixture->account, fixture->store, &options, &result,
                                          NULL, NULL, &error));
  g_assert_no_error (error);
  return result;
}

static KabarPop3DownloadResult
check (Fixture *fixture)
{
  return check_at (fixture, 0);
}

static void
assert_store_equals_server (Fixture *fixture)
{
  g_autoptr(GHashTable) server = kabar_pop3_download_test_server_subjects (fixture->user);
  g_autoptr(GHashTable) local = kabar_pop3_download_test_store_subjects (fixture->store, 0);

  kabar_pop3_download_test_assert_same (server, local);
}

static guint
server_count (Fixture *fixture)
{
  g_autoptr(GHashTable) server = kabar_pop3_download_test_server_subjects (fixture->user);

  return g_hash_table_size (server);
}

static void
assert_counts (Fixture *fixture,
               gint64   folder_id,
               guint    total,
               guint    unread)
{
  guint store_total = 0;
  guint store_unread = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_store_count_messages (fixture->store, folder_id, &store_total,
                                             &store_unread, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (store_total, ==, total);
  g_assert_cmpuint (store_unread, ==, unread);
}

static guint32
uid_of (Fixture    *fixture,
        gint64      folder_id,
        const char *subject)
{
  g_autoptr(GPtrArray) messages = kabar_store_list_messages (fixture->store, folder_id, 0,
                                                             G_MAXINT, NULL);

  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (messages, i);

      if (g_strcmp0 (summary->subject, subject) == 0)
        return summary->uid;
    }
  g_error ("No message \"%s\" in the store", subject);
  return 0;
}

static gint64
id_of (Fixture    *fixture,
       gint64      folder_id,
       const char *subject)
{
  g_autoptr(GPtrArray) messages = kabar_store_list_messages (fixture->store, folder_id, 0,
                                                             G_MAXINT, NULL);

  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (messages, i);

      if (g_strcmp0 (summary->subject, subject) == 0)
        return summary->id;
    }
  g_error ("No message \"%s\" in the store", subject);
  return 0;
}

/* Leave on the server: everything is downloaded once, newest first,
 * unread, readable and found by search; the server keeps it all. */
static void
test_leave_on_server (void)
{
  Fixture fixture = { 0 };
  KabarPop3DownloadResult result;
  gint64 inbox;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GError) error = NULL;

  fixture_set_up (&fixture, KABAR_POP_LEAVE_ON_SERVER);
  kabar_test_bed_fill_folder (kabar_pop3_download_test_get_bed (), fixture.user, "INBOX", 120, &error);
  g_assert_no_error (error);

  result = check (&fixture);
  inbox = kabar_pop3_download_test_folder (fixture.store, KABAR_FOLDER_ROLE_INBOX);
  g_assert_cmpint (result.folder_id, ==, inbox);
  g_assert_cmpuint (result.listed, ==, 120);
  g_assert_cmpuint (result.downloaded, ==, 120);
  g_assert_cmpuint (result.deleted, ==, 0);
  assert_store_equals_server (&fixture);
  g_assert_cmpuint (server_count (&fixture), ==, 120);
  assert_counts (&fixture, inbox, 120, 120);
  /* Newest first: the last message the server has came in first. */
  g_assert_cmpuint (uid_of (&fixture, inbox, "Message 120"), ==, 1);
  g_assert_cmpuint (uid_of (&fixture, inbox, "Message 1"), ==, 120);

  /* A second check brings nothing new. */
  result = check (&fixture);
  g_assert_cmpuint (result.downloaded, ==, 0);
  assert_counts (&fixture, inbox, 120, 120);

  /* New mail between checks comes once, readable and searchable. */
  kabar_pop3_download_test_add (fixture.user, "Durian season", "The rambutan are ripe too.");
  result = check (&fixture);
  g_assert_cmpuint (result.downloaded, ==, 1);
  result = check (&fixture);
  g_assert_cmpuint (result.downloaded, ==, 0);
  assert_store_equals_server (&fixture);
  assert_counts (&fixture, inbox, 121, 121);
  body = kabar_store_get_body (fixture.store, id_of (&fixture, inbox, "Durian season"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  "The rambutan are ripe too."));
  found = kabar_store_search (fixture.store, "rambutan", 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (g_array_index (found, gint64, 0), ==, id_of (&fixture, inbox, "Durian season"));
  fixture_tear_down (&fixture);
}

/* Delete after download: the server is emptied of what is stored here. */
static void
test_delete_after_download (void)
{
  Fixture fixture = { 0 };
  KabarPop3DownloadResult result;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(GError) error = NULL;

  fixture_set_up (&fixture, KABAR_POP_DELETE_AFTER_DOWNLOAD);
  kabar_test_bed_fill_folder (kabar_pop3_download_test_get_bed (), fixture.user, "INBOX", 60, &error);
  g_assert_no_error (error);
  before = kabar_pop3_download_test_server_subjects (fixture.user);

  result = check (&fixture);
  g_assert_cmpuint (result.downloaded, ==, 60);
  g_assert_cmpuint (result.deleted, ==, 60);
  g_assert_cmpuint (server_count (&fixture), ==, 0);
  local = kabar_pop3_download_test_store_subjects (fixture.store, 0);
  kabar_pop3_download_test_assert_same (before, local);

  result = check (&fixture);
  g_assert_cmpuint (result.listed, ==, 0);
  g_assert_cmpuint (result.downloaded, ==, 0);

  kabar_pop3_download_test_add (fixture.user, "Late arrival", "Sorry.");
  result = check (&fixture);
  g_assert_cmpuint (result.downloaded, ==, 1);
  g_assert_cmpuint (result.deleted, ==, 1);
  g_assert_cmpuint (server_count (&fixture), ==, 0);
  g_clear_pointer (&local, g_hash_table_unref);
  local = kabar_pop3_download_test_store_subjects (fixture.store, 0);
  g_hash_table_add (before, g_strdup ("Late arrival"));
  kabar_pop3_download_test_assert_same (before, local);
  fixture_tear_down (&fixture);
}

/* After some days: nothing goes the day it came; all of it once the days
 * have passed ("now" moved on, not slept). */
static void
test_delete_after_days (void)
{
  Fixture fixture = { 0 };
  KabarPop3DownloadResult result;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  fixture_set_up (&fixture, KABAR_POP_DELETE_AFTER_DAYS);
  kabar_account_set_pop_delete_after_days (fixture.account, 3);
  kabar_test_bed_fill_folder (kabar_pop3_download_test_get_bed (), fixture.user, "INBOX", 10, &error);
  g_assert_no_error (error);

  result = check_at (&fixture, now);
  g_assert_cmpuint (result.downloaded, ==, 10);
  g_assert_cmpuint (result.deleted, ==, 0);
  result = check_at (&fixture, now + 2 * SECONDS_PER_DAY);
  g_assert_cmpuint (result.deleted, ==, 0);
  assert_store_equals_server (&fixture);

  result = check_at (&fixture, now + 4 * SECONDS_PER_DAY);
  g_assert_cmpuint (result.downloaded, ==, 0);
  g_assert_cmpuint (result.deleted, ==, 10);
  g_assert_cmpuint (server_count (&fixture), ==, 0);
  assert_counts (&fixture, kabar_pop3_download_test_folder (fixture.store, KABAR_FOLDER_ROLE_INBOX),
                 10, 10);
  fixture_tear_down (&fixture);
}

static void
complete_locally (Fixture *fixture,
                  gint64   operation)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (operation, >, 0);
  g_assert_true (kabar_store_complete_pending_locally (fixture->store, &error));
  g_assert_no_error (error);
}

/* When deleted in Kabar: deleting for good and moving to Trash delete
 * the server's copy; moving to another folder does not. */
static void
test_delete_when_deleted (void)
{
  Fixture fixture = { 0 };
  KabarPop3DownloadResult result;
  gint64 inbox;
  gint64 trash;
  gint64 archive;
  guint32 uid;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GError) error = NULL;

  fixture_set_up (&fixture, KABAR_POP_DELETE_WHEN_DELETED);
  kabar_test_bed_fill_folder (kabar_pop3_download_test_get_bed (), fixture.user, "INBOX", 5, &error);
  g_assert_no_error (error);
  result = check (&fixture);
  g_assert_cmpuint (result.downloaded, ==, 5);
  g_assert_cmpuint (result.deleted, ==, 0);
  inbox = kabar_pop3_download_test_folder (fixture.store, KABAR_FOLDER_ROLE_INBOX);
  trash = kabar_pop3_download_test_folder (fixture.store, KABAR_FOLDER_ROLE_TRASH);
  archive = kabar_pop3_download_test_folder (fixture.store, KABAR_FOLDER_ROLE_ARCHIVE);

  uid = uid_of (&fixture, inbox, "Message 1");
  complete_locally (&fixture, kabar_store_change_delete (fixture.store, inbox, &uid, 1, &error));
  uid = uid_of (&fixture, inbox, "Message 2");
  complete_locally (&fixture, kabar_store_change_move (fixture.store, inbox, &uid, 1, trash, &error));
  uid = uid_of (&fixture, inbox, "Message 3");
  complete_locally (&fixture, kabar_store_change_move (fixture.store, inbox, &uid, 1, archive, &error));
  g_assert_no_error (error);

  result = check (&fixture);
  g_assert_cmpuint (result.downloaded, ==, 0);
  g_assert_cmpuint (result.deleted, ==, 2);
  server = kabar_pop3_download_test_server_subjects (fixture.user);
  g_assert_cmpuint (g_hash_table_size (server), ==, 3);
  g_assert_false (g_hash_table_contains (server, "Message 1"));
  g_assert_false (g_hash_table_contains (server, "Message 2"));
  g_assert_true (g_hash_table_contains (server, "Message 3"));
  assert_counts (&fixture, inbox, 2, 2);
  assert_counts (&fixture, trash, 1, 1);
  assert_counts (&fixture, archive, 1, 1);

  /* Nothing comes back, and nothing more goes. */
  result = check (&fixture);
  g_assert_cmpuint (result.downloaded, ==, 0);
  g_assert_cmpuint (result.deleted, ==, 0);
  g_assert_cmpuint (server_count (&fixture), ==, 3);
  fixture_tear_down (&fixture);
}

static gint64
page_count (KabarStore *store)
{
  return kabar_test_store_file_int (kabar_store_get_path (store), "PRAGMA page_count", NULL);
}

/* The disk fills in the middle of a download: the check says so, what
 * was stored before stays, each message once, and none of it is deleted
 * on the server; with room again, the next check brings the rest. */
static void
test_full_disk_keeps_what_was_stored (void)
{
  Fixture fixture = { 0 };
  KabarPop3DownloadOptions options = { .batch_size = 40 };
  KabarPop3DownloadResult result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GHashTable) local = NULL;
  g_autofree char *limit = NULL;
  GHashTableIter iter;
  gpointer subject;
  gint64 inbox;

  fixture_set_up (&fixture, KABAR_POP_DELETE_AFTER_DOWNLOAD);
  kabar_test_bed_fill_folder (kabar_pop3_download_test_get_bed (), fixture.user, "INBOX", 400, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_store_ensure_local_folders (fixture.store, &error));
  g_assert_no_error (error);
  inbox = kabar_pop3_download_test_folder (fixture.store, KABAR_FOLDER_ROLE_INBOX);
  /* SQLite answers as a full disk would, on the store's own writer: room
   * for a few batches of the ten. */
  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, page_count (fixture.store) + 40);
  g_assert_true (kabar_store_exec_for_testing (fixture.store, limit, &error));
  g_assert_no_error (error);

  /* The texts of what was stored cannot be indexed either: said, not fatal. */
  g_test_expect_message ("kabar-engine", G_LOG_LEVEL_WARNING,
                         "*stays out of the search index*disk is full*");
  g_assert_false (kabar_pop3_download_run (fixture.account, fixture.store, &options, &result,
                                           NULL, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_DISK_FULL);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  server = kabar_pop3_download_test_server_subjects (fixture.user);
  local = kabar_pop3_download_test_store_subjects (fixture.store, inbox);
  g_test_message ("stored before the disk filled: %u of 400", g_hash_table_size (local));
  g_assert_cmpuint (g_hash_table_size (server), ==, 400);
  g_assert_cmpuint (g_hash_table_size (local), >, 0);
  g_assert_cmpuint (g_hash_table_size (local), <, 400);
  g_assert_cmpuint (result.downloaded, ==, g_hash_table_size (local));
  g_assert_cmpuint (result.deleted, ==, 0);
  g_hash_table_iter_init (&iter, local);
  while (g_hash_table_iter_next (&iter, &subject, NULL))
    g_assert_true (g_hash_table_contains (server, subject));
  assert_counts (&fixture, inbox, g_hash_table_size (local), g_hash_table_size (local));

  g_assert_true (kabar_store_exec_for_testing (fixture.store, "PRAGMA max_page_count = 1073741823", &error));
  g_assert_no_error (error);
  g_clear_pointer (&local, g_hash_table_unref);
  result = check (&fixture);
  local = kabar_pop3_download_test_store_subjects (fixture.store, inbox);
  kabar_pop3_download_test_assert_same (server, local);
  assert_counts (&fixture, inbox, 400, 400);
  g_assert_cmpuint (server_count (&fixture), ==, 0);
  fixture_tear_down (&fixture);
}

/* The server's words reach the user. */
static void
test_wrong_password (void)
{
  g_autofree char *user = kabar_pop3_download_test_new_user ();
  g_autoptr(KabarAccount) account = kabar_pop3_download_test_account (user, 0, KABAR_POP_LEAVE_ON_SERVER);
  KabarStore *store = kabar_pop3_download_test_new_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(GHashTable) server = NULL;

  kabar_pop3_download_test_add (user, "Masih di server", "Belum diunduh.\n");
  /* Signs in as another user with this user's password. */
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST,
                            kabar_account_get_port (account, KABAR_SERVER_INCOMING),
                            KABAR_SECURITY_IMPLICIT_TLS, "nobody-here@" KABAR_TEST_BED_DOMAIN);
  g_assert_false (kabar_pop3_download_run (account, store, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED);
  g_assert_nonnull (strstr (error->message, "Authentication failed"));
  g_clear_error (&error);

  /* An OAuth2 account never signed in: the keyring holds no refresh
   * token, so no token is asked of the server and the user is told to
   * sign in. */
  kabar_account_set_auth_method (account, KABAR_AUTH_OAUTH2);
  g_assert_false (kabar_pop3_download_run (account, store, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED);
  g_assert_nonnull (strstr (error->message, user));
  g_assert_true (kabar_oauth2_error_needs_user (error));
  local = kabar_pop3_download_test_store_subjects (store, 0);
  g_assert_cmpuint (g_hash_table_size (local), ==, 0);
  server = kabar_pop3_download_test_server_subjects (user);
  g_assert_true (g_hash_table_contains (server, "Masih di server"));
  kabar_pop3_download_test_remove_store (store);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/download/leave-on-server", test_leave_on_server);
  g_test_add_func ("/pop3/download/delete-after-download", test_delete_after_download);
  g_test_add_func ("/pop3/download/delete-after-days", test_delete_after_days);
  g_test_add_func ("/pop3/download/delete-when-deleted", test_delete_when_deleted);
  g_test_add_func ("/pop3/download/full-disk-keeps-what-was-stored", test_full_disk_keeps_what_was_stored);
  g_test_add_func ("/pop3/download/wrong-password", test_wrong_password);
  status = g_test_run ();
  kabar_pop3_download_test_stop_bed ();
  return status;
}
