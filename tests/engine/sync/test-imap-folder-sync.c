/* test-imap-folder-sync.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One folder's sync against the bed's real Dovecot. Built twice: with every
 * extension Dovecot has (QRESYNC, CONDSTORE, ESEARCH), and, with
 * KABAR_TEST_PLAIN_IMAP, with those three dropped from its capabilities,
 * as Outlook.com offers neither; each binary has a bed of its own. After
 * every sync the store must hold exactly the server's messages and flags.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "kabar-imap-folder-sync.h"
#include "kabar-imap-summary.h"
#include "kabar-imap-test-session.h"
#include "kabar-store-private.h"
#include "kabar-test-wait.h"

#define PASSWORD "Sandi-123"

static KabarTestBed *shared_bed;

static KabarTestBed *
get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
#ifdef KABAR_TEST_PLAIN_IMAP
  kabar_test_bed_drop_imap_capability (shared_bed, "QRESYNC");
  kabar_test_bed_drop_imap_capability (shared_bed, "CONDSTORE");
  kabar_test_bed_drop_imap_capability (shared_bed, "ESEARCH");
#endif
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  return shared_bed;
}

/* --- fixtures ------------------------------------------------------------------- */

typedef struct
{
  char       *user;
  char       *directory;
  KabarStore *store;
  KabarImapSession *session;
} Fixture;

static KabarImapSession *
open_session (const char *user)
{
  const char *wanted[] = { "CONDSTORE", "QRESYNC", NULL };
  KabarImapSession *session =
    kabar_imap_test_open (get_bed (), user, KABAR_TEST_BED_PORT_IMAPS);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) enabled = NULL;

  kabar_imap_session_enable_async (session, wanted, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  enabled = kabar_imap_session_enable_finish (session, result, &error);
  g_assert_no_error (error);
#ifdef KABAR_TEST_PLAIN_IMAP
  g_assert_cmpuint (g_strv_length (enabled), ==, 0);
#else
  g_assert_true (g_strv_contains ((const char * const *) enabled, "QRESYNC"));
#endif
  return session;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint counter;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->user = g_strdup_printf ("sync%u@%s", ++counter, KABAR_TEST_BED_DOMAIN);
  kabar_test_bed_add_user (get_bed (), fixture->user, PASSWORD);
  fixture->directory = g_dir_make_tmp ("kabar-sync-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->directory, "store.db", NULL);
  fixture->store = kabar_store_open (path, &error);
  g_assert_no_error (error);
  fixture->session = open_session (fixture->user);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->directory, "store.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  kabar_imap_session_close (fixture->session);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->store);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->user);
}

static gint64
add_folder (Fixture    *fixture,
            const char *path)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kabar_store_upsert_folder (fixture->store, path, '/', NULL,
                                         g_str_equal (path, "INBOX") ? KABAR_FOLDER_ROLE_INBOX
                                                                     : KABAR_FOLDER_ROLE_NONE,
                                         TRUE, &error);

  g_assert_no_error (error);
  return id;
}

static void
fill (Fixture    *fixture,
      const char *folder,
      guint       n)
{
  g_autoptr(GError) error = NULL;

  kabar_test_bed_fill_folder (get_bed (), fixture->user, folder, n, &error);
  g_assert_no_error (error);
}

static KabarImapSyncResult
sync_folder_with (Fixture                    *fixture,
                  KabarImapSession           *session,
                  gint64                      folder_id,
                  const KabarImapSyncOptions *options)
{
  KabarImapSyncResult result;
  g_autoptr(GError) error = NULL;

  kabar_imap_sync_folder (session, fixture->store, folder_id, options, &result, NULL, &error);
  g_assert_no_error (error);
  return result;
}

static KabarImapSyncResult
sync_folder (Fixture *fixture,
             gint64   folder_id)
{
  return sync_folder_with (fixture, fixture->session, folder_id, NULL);
}

static guint
count (Fixture *fixture,
       gint64   folder_id,
       guint   *unread)
{
  g_autoptr(GError) error = NULL;
  guint total = 0;

  kabar_store_count_messages (fixture->store, folder_id, &total, unread, &error);
  g_assert_no_error (error);
  return total;
}

/* The store holds exactly the server's UIDs, with the server's flags. */
static void
assert_store_matches_server (Fixture    *fixture,
                             const char *folder,
                             gint64      folder_id)
{
  g_autoptr(KabarImapSession) session = kabar_imap_test_open (get_bed (), fixture->user,
                                                              KABAR_TEST_BED_PORT_IMAPS);
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (session, folder);
  g_autoptr(GPtrArray) server = NULL;
  g_autoptr(GArray) local = NULL;
  g_autoptr(GError) error = NULL;

  server = kabar_imap_mailbox_state_get_exists (state) > 0
           ? kabar_imap_test_fetch (session, "1:*", KABAR_IMAP_FETCH_FLAGS)
           : g_ptr_array_new ();
  local = kabar_store_get_uid_flags (fixture->store, folder_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (local->len, ==, server->len);
  for (guint i = 0; i < server->len; i++)
    {
      KabarImapMessage *message = g_ptr_array_index (server, i);
      const KabarUidFlags *entry = &g_array_index (local, KabarUidFlags, i);
      g_autofree char *keywords = NULL;

      g_assert_cmpuint (entry->uid, ==, kabar_imap_message_get_uid (message));
      g_assert_cmpuint (entry->flags, ==,
                        kabar_imap_flags_parse (kabar_imap_message_get_flags (message), &keywords));
    }
  kabar_imap_test_logout (session);
}

/* Runs "UID STORE" or "UID EXPUNGE" style changes from another device. */
static KabarImapSession *
other_device (Fixture    *fixture,
              const char *folder)
{
  KabarImapSession *session = kabar_imap_test_open (get_bed (), fixture->user,
                                                    KABAR_TEST_BED_PORT_IMAPS);
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (session, folder);

  return session;
}

static void
store_flags (KabarImapSession   *session,
             const char         *uids,
             KabarImapStoreMode  mode,
             const char         *flag)
{
  const char *flags[] = { flag, NULL };
  g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_parse (uids, NULL);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_imap_session_uid_store_async (session, set, mode, flags, TRUE, 0, NULL,
                                      kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_uid_store_finish (session, result, NULL, &error);
  g_assert_no_error (error);
}

static void
expunge (KabarImapSession *session,
         const char       *uids)
{
  g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_parse (uids, NULL);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  store_flags (session, uids, KABAR_IMAP_STORE_ADD, "\\Deleted");
  kabar_imap_session_expunge_async (session, set, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_command_finish (session, result, &error);
  g_assert_no_error (error);
}

static void
run_mailbox_command (KabarImapSession *session,
                     void (*start) (KabarImapSession *, const char *, GCancellable *,
                                    GAsyncReadyCallback, gpointer),
                     const char       *mailbox)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  start (session, mailbox, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_command_finish (session, result, &error);
  g_assert_no_error (error);
}

/* --- tests ---------------------------------------------------------------------- */

/* The sync indexes what it stored before it returns (the store leaves
 * that to kabar_store_index_pending()): nothing is left to index, and
 * the index is whole. */
static void
assert_all_searchable (Fixture *fixture,
                       gint64   folder_id,
                       guint    expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) found = kabar_store_search (fixture->store, "message", folder_id, G_MAXUINT,
                                                &error);
  guint indexed = 1;

  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, expected);
  g_assert_true (kabar_store_index_pending (fixture->store, G_MAXUINT, &indexed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (indexed, ==, 0);
  kabar_store_exec_for_testing (fixture->store,
                                "INSERT INTO message_search (message_search) "
                                "VALUES ('integrity-check')",
                                &error);
  g_assert_no_error (error);
}

static void
test_first_sync_stores_every_message (Fixture       *fixture,
                                      gconstpointer  data)
{
  gint64 inbox = add_folder (fixture, "INBOX");
  KabarImapSyncResult result;
  g_autoptr(KabarStoreFolder) folder = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  guint unread = 0;

  fill (fixture, "INBOX", 2500);
  result = sync_folder (fixture, inbox);
  g_assert_cmpuint (result.added, ==, 2500);
  g_assert_cmpuint (result.removed, ==, 0);
  g_assert_false (result.reset);
  g_assert_cmpuint (count (fixture, inbox, &unread), ==, 2500);
  g_assert_cmpuint (unread, ==, 2500);
  assert_store_matches_server (fixture, "INBOX", inbox);

  /* Ready to list: newest first, with what the list shows. */
  page = kabar_store_list_messages (fixture->store, inbox, 0, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((KabarMessageSummary *) page->pdata[0])->subject, ==, "Message 2500");
  g_assert_cmpstr (((KabarMessageSummary *) page->pdata[2])->subject, ==, "Message 2498");
  assert_all_searchable (fixture, inbox, 2500);

  folder = kabar_store_get_folder (fixture->store, inbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (folder->sync.uidnext, ==, 2501);
  g_assert_cmpuint (folder->sync.uidvalidity, !=, 0);
#ifdef KABAR_TEST_PLAIN_IMAP
  g_assert_cmpuint (folder->sync.highestmodseq, ==, 0);
#else
  g_assert_cmpuint (folder->sync.highestmodseq, >, 0);
#endif
}

typedef struct
{
  KabarStore *store;
  gint64      folder_id;
  GArray     *first_uids;
  guint       calls;
  guint       last_done;
  guint       total;
  GCancellable *cancel_after_first;
} Progress;

static void
on_progress (gint64   folder_id,
             guint    done,
             guint    total,
             gpointer user_data)
{
  Progress *progress = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (folder_id, ==, progress->folder_id);
  g_assert_cmpuint (done, >, progress->last_done);
  progress->last_done = done;
  progress->total = total;
  if (progress->calls++ == 0)
    {
      progress->first_uids = kabar_store_get_uid_flags (progress->store, folder_id, &error);
      g_assert_no_error (error);
      if (progress->cancel_after_first != NULL)
        g_cancellable_cancel (progress->cancel_after_first);
    }
}

static void
test_new_mail_fills_the_list_from_the_top (Fixture       *fixture,
                                           gconstpointer  data)
{
  gint64 inbox = add_folder (fixture, "INBOX");
  Progress progress = { fixture->store, inbox };
  KabarImapSyncOptions options = { .batch_size = 500, .progress = on_progress,
                                   .progress_data = &progress };

  fill (fixture, "INBOX", 1200);
  sync_folder_with (fixture, fixture->session, inbox, &options);
  /* The first batch committed is the newest messages, and only those. */
  g_assert_nonnull (progress.first_uids);
  g_assert_cmpuint (progress.first_uids->len, >, 0);
  g_assert_cmpuint (progress.first_uids->len, <, 1200);
  g_assert_cmpuint (g_array_index (progress.first_uids, KabarUidFlags, 0).uid, ==,
                    1200 - progress.first_uids->len + 1);
  g_assert_cmpuint (progress.last_done, ==, 1200);
  g_assert_cmpuint (progress.total, ==, 1200);
  g_array_unref (progress.first_uids);
}

static void
test_resync_without_change_changes_nothing (Fixture       *fixture,
                                            gconstpointer  data)
{
  gint64 inbox = add_folder (fixture, "INBOX");
  KabarImapSyncResult result;

  fill (fixture, "INBOX", 300);
  sync_folder (fixture, inbox);
  result = sync_folder (fixture, inbox);
  g_assert_cmpuint (result.added, ==, 0);
  g_assert_cmpuint (result.removed, ==, 0);
  g_assert_cmpuint (result.flags_changed, ==, 0);
  assert_store_matches_server (fixture, "INBOX", inbox);
}

static void
test_resync_fetches_only_new_mail (Fixture       *fixture,
                                   gconstpointer  data)
{
  gint64 inbox = add_folder (fixture, "INBOX");
  KabarImapSyncResult result;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;

  fill (fixture, "INBOX", 200);
  sync_folder (fixture, inbox);
  fill (fixture, "INBOX", 7);
  result = sync_folder (fixture, inbox);
  g_assert_cmpuint (result.added, ==, 7);
  g_assert_cmpuint (count (fixture, inbox, NULL), ==, 207);
  assert_store_matches_server (fixture, "INBOX", inbox);
  page = kabar_store_list_messages (fixture->store, inbox, 0, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((KabarMessageSummary *) page->pdata[0])->uid, ==, 207);
}

static void
test_resync_takes_flag_changes_from_elsewhere (Fixture       *fixture,
                                               gconstpointer  data)
{
  gint64 inbox = add_folder (fixture, "INBOX");
  g_autoptr(KabarImapSession) other = NULL;
  KabarImapSyncResult result;
  guint unread = 0;

  fill (fixture, "INBOX", 400);
  sync_folder (fixture, inbox);
  other = other_device (fixture, "INBOX");
  store_flags (other, "10:14,300", KABAR_IMAP_STORE_ADD, "\\Seen");
  store_flags (other, "20:22", KABAR_IMAP_STORE_ADD, "\\Flagged");
  store_flags (other, "399", KABAR_IMAP_STORE_ADD, "$Forwarded");
  result = sync_folder (fixture, inbox);
  count (fixture, inbox, &unread);
  g_assert_cmpuint (unread, ==, 394);
  assert_store_matches_server (fixture, "INBOX", inbox);
#ifdef KABAR_TEST_PLAIN_IMAP
  /* Without CONDSTORE a keyword alone is no flag change. */
  g_assert_cmpuint (result.flags_changed, ==, 9);
#else
  g_assert_cmpuint (result.flags_changed, ==, 10);
#endif

  /* And back: unread again. */
  store_flags (other, "10:14", KABAR_IMAP_STORE_REMOVE, "\\Seen");
  sync_folder (fixture, inbox);
  count (fixture, inbox, &unread);
  g_assert_cmpuint (unread, ==, 399);
  assert_store_matches_server (fixture, "INBOX", inbox);
  kabar_imap_test_logout (other);
}

static void
test_resync_removes_what_was_expunged_elsewhere (Fixture       *fixture,
                                                 gconstpointer  data)
{
  gint64 inbox = add_folder (fixture, "INBOX");
  g_autoptr(KabarImapSession) other = NULL;
  KabarImapSyncResult result;

  fill (fixture, "INBOX", 300);
  sync_folder (fixture, inbox);
  other = other_device (fixture, "INBOX");
  expunge (other, "1:3,150,298:300");
  fill (fixture, "INBOX", 2);
  result = sync_folder (fixture, inbox);
  g_assert_cmpuint (result.removed, ==, 7);
  g_assert_cmpuint (result.added, ==, 2);
  g_assert_cmpuint (count (fixture, inbox, NULL), ==, 295);
  assert_store_matches_server (fixture, "INBOX", inbox);
  kabar_imap_test_logout (other);
}

static void
test_new_uidvalidity_resets_the_folder (Fixture       *fixture,
                                        gconstpointer  data)
{
  gint64 folder = add_folder (fixture, "Projects");
  g_autoptr(KabarImapSession) other = NULL;
  KabarImapSyncResult result;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;

  fill (fixture, "Projects", 20);
  sync_folder (fixture, folder);
  /* Another device deletes the folder and makes a new one of that name:
   * the same UIDs now name other messages. */
  kabar_imap_mailbox_state_unref (kabar_imap_test_select (fixture->session, "INBOX"));
  other = kabar_imap_test_open (get_bed (), fixture->user, KABAR_TEST_BED_PORT_IMAPS);
  run_mailbox_command (other, kabar_imap_session_delete_async, "Projects");
  run_mailbox_command (other, kabar_imap_session_create_async, "Projects");
  kabar_imap_test_logout (other);
  fill (fixture, "Projects", 15);

  result = sync_folder (fixture, folder);
  g_assert_true (result.reset);
  g_assert_cmpuint (result.added, ==, 15);
  g_assert_cmpuint (count (fixture, folder, NULL), ==, 15);
  assert_store_matches_server (fixture, "Projects", folder);
  page = kabar_store_list_messages (fixture->store, folder, 0, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((KabarMessageSummary *) page->pdata[0])->subject, ==, "Message 15");
}

static void
test_sync_cut_short_is_finished_by_the_next (Fixture       *fixture,
                                             gconstpointer  data)
{
  gint64 inbox = add_folder (fixture, "INBOX");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Progress progress = { fixture->store, inbox, .cancel_after_first = cancellable };
  KabarImapSyncOptions options = { .batch_size = 1000, .progress = on_progress,
                                   .progress_data = &progress };
  g_autoptr(KabarImapSession) second = NULL;
  g_autoptr(KabarStoreFolder) folder = NULL;
  g_autoptr(GError) error = NULL;
  KabarImapSyncResult result;
  guint partial;

  fill (fixture, "INBOX", 3000);
  g_assert_false (kabar_imap_sync_folder (fixture->session, fixture->store, inbox, &options,
                                          &result, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  partial = count (fixture, inbox, NULL);
  g_assert_cmpuint (partial, >, 0);
  g_assert_cmpuint (partial, <, 3000);
  folder = kabar_store_get_folder (fixture->store, inbox, &error);
  g_assert_no_error (error);
  /* Not marked as synced: the next sync must not take it for complete. */
  g_assert_cmpuint (folder->sync.uidnext, ==, 0);
  g_array_unref (progress.first_uids);

  /* A cancelled command leaves its connection unusable: a new one. */
  second = open_session (fixture->user);
  result = sync_folder_with (fixture, second, inbox, NULL);
  g_assert_cmpuint (result.added, ==, 3000 - partial);
  g_assert_cmpuint (count (fixture, inbox, NULL), ==, 3000);
  assert_store_matches_server (fixture, "INBOX", inbox);
  assert_all_searchable (fixture, inbox, 3000);
  kabar_imap_test_logout (second);
}

static void
test_empty_and_unselectable_folders (Fixture       *fixture,
                                     gconstpointer  data)
{
  gint64 inbox = add_folder (fixture, "INBOX");
  const char *noselect[] = { "\\Noselect", NULL };
  g_autoptr(GError) error = NULL;
  KabarImapSyncResult result;
  gint64 parent;

  result = sync_folder (fixture, inbox);
  g_assert_cmpuint (result.added, ==, 0);
  assert_store_matches_server (fixture, "INBOX", inbox);

  parent = kabar_store_upsert_folder (fixture->store, "Nowhere", '/', noselect,
                                      KABAR_FOLDER_ROLE_NONE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_imap_sync_folder (fixture->session, fixture->store, parent, NULL,
                                         &result, NULL, &error));
  g_assert_no_error (error);
}

static void
test_folder_gone_from_the_server_fails_clearly (Fixture       *fixture,
                                                gconstpointer  data)
{
  gint64 gone = add_folder (fixture, "Vanished");
  g_autoptr(GError) error = NULL;

  g_assert_false (kabar_imap_sync_folder (fixture->session, fixture->store, gone, NULL,
                                          NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (error->domain, ==, KABAR_IMAP_ERROR);
  g_assert_nonnull (strstr (error->message, "Vanished"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/folder/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("first-sync-stores-every-message", test_first_sync_stores_every_message);
  ADD ("new-mail-fills-the-list-from-the-top", test_new_mail_fills_the_list_from_the_top);
  ADD ("resync-without-change-changes-nothing", test_resync_without_change_changes_nothing);
  ADD ("resync-fetches-only-new-mail", test_resync_fetches_only_new_mail);
  ADD ("resync-takes-flag-changes-from-elsewhere", test_resync_takes_flag_changes_from_elsewhere);
  ADD ("resync-removes-what-was-expunged-elsewhere", test_resync_removes_what_was_expunged_elsewhere);
  ADD ("new-uidvalidity-resets-the-folder", test_new_uidvalidity_resets_the_folder);
  ADD ("sync-cut-short-is-finished-by-the-next", test_sync_cut_short_is_finished_by_the_next);
  ADD ("empty-and-unselectable-folders", test_empty_and_unselectable_folders);
  ADD ("folder-gone-from-the-server-fails-clearly", test_folder_gone_from_the_server_fails_clearly);
#undef ADD

  status = g_test_run ();
  if (shared_bed != NULL)
    kabar_test_bed_stop (shared_bed);
  g_clear_object (&shared_bed);
  return status;
}
