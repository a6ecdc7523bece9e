/* test-pop3-service.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A POP account through KabarMailService, as the window uses it: started
 * on this (the "UI") thread, mail brought in at start and on refresh, the
 * user's changes done in the local folders, a refused password in the
 * server's words.
 */

#include "config.h"

#include "kabar-pop3-download-test.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-mail-service.h"
#include "kabar-pop3-error.h"
#include "kabar-test-wait.h"

#define WAIT_SECONDS 30

typedef struct
{
  char             *user;
  KabarAccount     *account;
  KabarStore       *scratch;
  KabarMailService *service;
  guint             folder_changes;
  guint             folders_changes;
  guint             progress_calls;
} Fixture;

static void
on_folder_changed (KabarMailService *service,
                   gint64            folder_id,
                   Fixture          *fixture)
{
  fixture->folder_changes++;
}

static void
on_folders_changed (KabarMailService *service,
                    Fixture          *fixture)
{
  fixture->folders_changes++;
}

static void
on_progress (KabarMailService *service,
             gint64            folder_id,
             guint             done,
             guint             total,
             Fixture          *fixture)
{
  g_assert_cmpuint (done, <=, total);
  fixture->progress_calls++;
}

static void
fixture_set_up (Fixture *fixture)
{
  g_autofree char *directory = NULL;
  g_autofree char *path = NULL;

  fixture->user = kabar_pop3_download_test_new_user ();
  fixture->account = kabar_pop3_download_test_account (fixture->user, 0, KABAR_POP_LEAVE_ON_SERVER);
  /* Only for its folder: the service opens its own store there. */
  fixture->scratch = kabar_pop3_download_test_new_store ();
  directory = g_path_get_dirname (kabar_store_get_path (fixture->scratch));
  path = g_build_filename (directory, "service.db", NULL);
  fixture->service = kabar_mail_service_new (fixture->account, path);
  g_signal_connect (fixture->service, "folder-changed", G_CALLBACK (on_folder_changed), fixture);
  g_signal_connect (fixture->service, "folders-changed", G_CALLBACK (on_folders_changed), fixture);
  g_signal_connect (fixture->service, "sync-progress", G_CALLBACK (on_progress), fixture);
}

static void
fixture_tear_down (Fixture *fixture)
{
  kabar_mail_service_stop (fixture->service);
  g_clear_object (&fixture->service);
  /* Completions of the stopped check may still wait in the context. */
  kabar_test_spin (200);
  kabar_pop3_download_test_remove_store (fixture->scratch);
  g_clear_object (&fixture->account);
  g_free (fixture->user);
}

static GPtrArray *
list_folders (Fixture *fixture)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *folders;

  kabar_mail_service_list_folders_async (fixture->service, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  folders = kabar_mail_service_list_folders_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  return folders;
}

static KabarStoreFolder *
find_folder (Fixture    *fixture,
             const char *path)
{
  g_autoptr(GPtrArray) folders = NULL;

  if (kabar_mail_service_get_store (fixture->service) == NULL)
    return NULL;
  folders = list_folders (fixture);
  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (g_strcmp0 (folder->path, path) == 0)
        return kabar_store_folder_copy (folder);
    }
  return NULL;
}

static gboolean
has_count (Fixture    *fixture,
           const char *path,
           guint       total,
           guint       unread)
{
  g_autoptr(KabarStoreFolder) folder = find_folder (fixture, path);

  return folder != NULL && folder->total_count == total && folder->unread_count == unread;
}

static void
wait_for_count (Fixture    *fixture,
                const char *path,
                guint       total,
                guint       unread)
{
  gint64 start = g_get_monotonic_time ();

  while (!has_count (fixture, path, total, unread))
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("%s never held %u messages, %u unread (status %d)", path, total, unread,
                 kabar_mail_service_get_status (fixture->service));
      kabar_test_spin (20);
    }
}

static void
wait_for_status (Fixture                *fixture,
                 KabarMailServiceStatus  status)
{
  gint64 start = g_get_monotonic_time ();

  while (kabar_mail_service_get_status (fixture->service) != status)
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("The status never became %d (it is %d)", status,
                 kabar_mail_service_get_status (fixture->service));
      kabar_test_spin (20);
    }
}

static void
wait_for_no_folder (Fixture    *fixture,
                    const char *path)
{
  gint64 start = g_get_monotonic_time ();
  KabarStoreFolder *folder;

  while ((folder = find_folder (fixture, path)) != NULL)
    {
      kabar_store_folder_free (folder);
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("%s is still there", path);
      kabar_test_spin (20);
    }
}

static void
wait_change (Fixture       *fixture,
             GAsyncResult **slot)
{
  g_autoptr(GAsyncResult) result = kabar_test_wait (slot);
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_mail_service_change_finish (fixture->service, result, &error));
  g_assert_no_error (error);
}

static guint32
first_uid (Fixture *fixture,
           gint64   folder_id)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;

  kabar_mail_service_list_messages_async (fixture->service, folder_id, 0, 100, NULL,
                                          kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  messages = kabar_mail_service_list_messages_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, >, 0);
  return ((KabarMessageSummary *) g_ptr_array_index (messages, 0))->uid;
}

static gboolean
nothing_pending (Fixture *fixture)
{
  g_autoptr(GPtrArray) pending =
    kabar_store_list_pending_operations (kabar_mail_service_get_store (fixture->service), NULL);

  return pending != NULL && pending->len == 0;
}

static void
wait_for_nothing_pending (Fixture *fixture)
{
  gint64 start = g_get_monotonic_time ();

  while (!nothing_pending (fixture))
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("The changes were never completed locally");
      kabar_test_spin (20);
    }
}

static void
test_service (void)
{
  Fixture fixture = { 0 };
  GAsyncResult *slot = NULL;
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(KabarStoreFolder) work = NULL;
  g_autoptr(KabarStoreFolder) trash = NULL;
  guint32 uid;

  fixture_set_up (&fixture);
  kabar_pop3_download_test_add (fixture.user, "Rapat Senin", "Agenda terlampir.");
  kabar_pop3_download_test_add (fixture.user, "Tiket kereta", "Berangkat jam tujuh.");
  kabar_pop3_download_test_add (fixture.user, "Foto liburan", "Lihat lampiran.");

  /* Start: the local folders and a first check. */
  kabar_mail_service_start (fixture.service);
  wait_for_count (&fixture, "INBOX", 3, 3);
  wait_for_status (&fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  g_assert_null (kabar_mail_service_get_error (fixture.service));
  g_assert_cmpuint (fixture.folders_changes, >, 0);
  g_assert_cmpuint (fixture.folder_changes, >, 0);
  g_assert_cmpuint (fixture.progress_calls, >, 0);
  trash = find_folder (&fixture, "Trash");
  g_assert_nonnull (trash);
  g_assert_cmpint (trash->role, ==, KABAR_FOLDER_ROLE_TRASH);

  /* Mail arrives; refresh brings it once. */
  kabar_pop3_download_test_add (fixture.user, "Undangan", "Datang ya.");
  kabar_mail_service_refresh (fixture.service);
  wait_for_count (&fixture, "INBOX", 4, 4);
  kabar_mail_service_refresh (fixture.service);
  kabar_mail_service_refresh (fixture.service);
  wait_for_status (&fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  wait_for_count (&fixture, "INBOX", 4, 4);

  /* A folder made and renamed here, a message read, moved into it and
   * deleted, the folder deleted: done at once, completed locally. */
  kabar_mail_service_create_folder_async (fixture.service, "Proyek", NULL, kabar_test_wait_done, &slot);
  wait_change (&fixture, &slot);
  work = find_folder (&fixture, "Proyek");
  g_assert_nonnull (work);
  kabar_mail_service_rename_folder_async (fixture.service, work->id, "Kerja", NULL,
                                          kabar_test_wait_done, &slot);
  wait_change (&fixture, &slot);
  g_clear_pointer (&work, kabar_store_folder_free);
  work = find_folder (&fixture, "Kerja");
  g_assert_nonnull (work);
  wait_for_nothing_pending (&fixture);

  inbox = find_folder (&fixture, "INBOX");
  uid = first_uid (&fixture, inbox->id);
  kabar_mail_service_set_flags_async (fixture.service, inbox->id, &uid, 1, KABAR_MESSAGE_FLAG_SEEN, 0,
                                      NULL, kabar_test_wait_done, &slot);
  wait_change (&fixture, &slot);
  wait_for_count (&fixture, "INBOX", 4, 3);
  kabar_mail_service_move_async (fixture.service, inbox->id, &uid, 1, work->id, NULL,
                                 kabar_test_wait_done, &slot);
  wait_change (&fixture, &slot);
  wait_for_count (&fixture, "INBOX", 3, 3);
  wait_for_count (&fixture, "Kerja", 1, 0);
  wait_for_nothing_pending (&fixture);
  uid = first_uid (&fixture, work->id);
  g_assert_cmpuint (uid, >, 0);
  kabar_mail_service_delete_async (fixture.service, work->id, &uid, 1, NULL, kabar_test_wait_done, &slot);
  wait_change (&fixture, &slot);
  wait_for_count (&fixture, "Kerja", 0, 0);
  kabar_mail_service_delete_folder_async (fixture.service, work->id, NULL, kabar_test_wait_done, &slot);
  wait_change (&fixture, &slot);
  wait_for_no_folder (&fixture, "Kerja");
  wait_for_nothing_pending (&fixture);

  /* The server kept its copies (leave on server): a check brings none
   * back. */
  kabar_mail_service_refresh (fixture.service);
  wait_for_status (&fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  kabar_test_spin (100);
  wait_for_status (&fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  wait_for_count (&fixture, "INBOX", 3, 3);
  fixture_tear_down (&fixture);
}

static void
test_wrong_password (void)
{
  Fixture fixture = { 0 };
  const GError *error;

  fixture_set_up (&fixture);
  /* The keyring's password is another user's. */
  kabar_account_set_server (fixture.account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST,
                            kabar_account_get_port (fixture.account, KABAR_SERVER_INCOMING),
                            KABAR_SECURITY_IMPLICIT_TLS, "nobody-here@" KABAR_TEST_BED_DOMAIN);
  kabar_mail_service_start (fixture.service);
  wait_for_status (&fixture, KABAR_MAIL_SERVICE_STATUS_ERROR);
  error = kabar_mail_service_get_error (fixture.service);
  g_assert_nonnull (error);
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED);
  g_assert_nonnull (strstr (error->message, "Authentication failed"));
  /* The local folders are there all the same. */
  g_assert_true (has_count (&fixture, "INBOX", 0, 0));
  fixture_tear_down (&fixture);
}

/* The user shortens the check interval in the preferences: the next
 * check comes at the new interval from now, not at the end of the old
 * one (an hour here, far beyond the wait). */
static void
test_poll_interval_changed_at_once (void)
{
  Fixture fixture = { 0 };

  fixture_set_up (&fixture);
  kabar_pop3_download_test_add (fixture.user, "Pertama", "Yang pertama.");
  kabar_mail_service_set_poll_interval (fixture.service, 3600);
  kabar_mail_service_start (fixture.service);
  wait_for_count (&fixture, "INBOX", 1, 1);
  wait_for_status (&fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);

  kabar_pop3_download_test_add (fixture.user, "Kedua", "Datang kemudian.");
  kabar_mail_service_set_poll_interval (fixture.service, 1);
  wait_for_count (&fixture, "INBOX", 2, 2);

  /* And it keeps to it. */
  kabar_pop3_download_test_add (fixture.user, "Ketiga", "Lagi.");
  wait_for_count (&fixture, "INBOX", 3, 3);
  fixture_tear_down (&fixture);
}

/* What a client of the service sees: after each folder-changed of
 * INBOX, the list read again, as the message list does. */
typedef struct
{
  gint64 inbox;
  guint  reading;
  guint  listed;
  guint  with_snippet;
} ListWatch;

static void
on_list_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ListWatch *watch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages =
    kabar_mail_service_list_messages_finish (KABAR_MAIL_SERVICE (source), result, &error);

  g_assert_no_error (error);
  watch->reading--;
  watch->listed = messages->len;
  watch->with_snippet = 0;
  for (guint i = 0; i < messages->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (messages, i);

      if (summary->preview != NULL)
        {
          g_assert_true (g_str_has_prefix (summary->preview, "Isi pesan tertinggal "));
          watch->with_snippet++;
        }
    }
}

static void
on_list_changed (KabarMailService *service,
                 gint64            folder_id,
                 ListWatch        *watch)
{
  if (folder_id != watch->inbox)
    return;
  watch->reading++;
  kabar_mail_service_list_messages_async (service, folder_id, 0, 100, NULL, on_list_read, watch);
}

/* What a crash left in the store: downloads committed, no text read.
 * Returns the id of INBOX. */
static gint64
leave_unread_texts (const char *path,
                    guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (path, &error);
  g_autofree KabarPopDownload *downloads = g_new0 (KabarPopDownload, n);
  g_autoptr(GPtrArray) uidls = g_ptr_array_new_with_free_func (g_free);
  gint64 inbox;

  g_assert_no_error (error);
  g_assert_true (kabar_store_ensure_local_folders (store, &error));
  g_assert_no_error (error);
  inbox = kabar_pop3_download_test_folder (store, KABAR_FOLDER_ROLE_INBOX);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text =
        g_strdup_printf ("From: Sari <sari@example.co.id>\r\n"
                         "Subject: Tertinggal %u\r\n"
                         "Message-ID: <tertinggal-%u@example.co.id>\r\n"
                         "\r\n"
                         "Isi pesan tertinggal %u.\r\n",
                         i, i, i);

      g_ptr_array_add (uidls, g_strdup_printf ("gone-%u", i));
      downloads[i].uidl = g_ptr_array_index (uidls, i);
      downloads[i].raw = g_bytes_new (text, strlen (text));
    }
  g_assert_true (kabar_store_pop_add_messages (store, inbox, downloads, n, 0, 1700000000, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_bytes_unref (downloads[i].raw);
      kabar_store_pop_download_clear (&downloads[i]);
    }
  return inbox;
}

/* Mail downloaded before a crash is listed without its snippet; the next
 * check reads its text, with nothing new on the server, and the list
 * must be told: a client that reads INBOX again on "folder-changed"
 * shows every snippet without being asked. */
static void
test_snippets_told (void)
{
  Fixture fixture = { 0 };
  ListWatch watch = { 0 };
  g_autofree char *directory = NULL;
  g_autofree char *path = NULL;
  gint64 start;

  fixture_set_up (&fixture);
  directory = g_path_get_dirname (kabar_store_get_path (fixture.scratch));
  path = g_build_filename (directory, "service.db", NULL);
  watch.inbox = leave_unread_texts (path, 3);
  g_signal_connect (fixture.service, "folder-changed", G_CALLBACK (on_list_changed), &watch);

  kabar_mail_service_start (fixture.service);

  start = g_get_monotonic_time ();
  while (watch.reading > 0 || watch.with_snippet < 3)
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("The list was never told of the snippets: it shows %u of 3 (status %d)",
                 watch.with_snippet, kabar_mail_service_get_status (fixture.service));
      kabar_test_spin (20);
    }
  g_assert_cmpuint (watch.listed, ==, 3);
  g_signal_handlers_disconnect_by_func (fixture.service, on_list_changed, &watch);
  wait_for_status (&fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  fixture_tear_down (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/service/check-and-change", test_service);
  g_test_add_func ("/pop3/service/wrong-password", test_wrong_password);
  g_test_add_func ("/pop3/service/poll-interval-changed-at-once", test_poll_interval_changed_at_once);
  g_test_add_func ("/pop3/service/snippets-told", test_snippets_told);
  status = g_test_run ();
  kabar_pop3_download_test_stop_bed ();
  return status;
}
