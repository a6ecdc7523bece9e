/* test-mail-service.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KabarMailService end to end against the bed's Dovecot, as the window
 * uses it: an account with its password in the keyring, the service
 * started on this (the "UI") thread, and what it reports here. Each test
 * has a user of its own.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-imap-test-session.h"
#include "kabar-mail-service.h"
#include "kabar-net-error.h"
#include "kabar-secrets.h"
#include "kabar-service-test.h"
#include "kabar-sync-test-support.h"
#include "kabar-test-wait.h"

#define PASSWORD     "Sandi-123"
#define WAIT_SECONDS 30

/* Postfix: new mail arrives as it does from the internet. */
static KabarTestBed *
get_bed (void)
{
  return kabar_service_test_get_bed (KABAR_TEST_BED_DOVECOT | KABAR_TEST_BED_POSTFIX, NULL);
}

typedef struct
{
  char             *user;
  char             *directory;
  KabarAccount     *account;
  KabarMailService *service;
  GThread          *thread;
  /* What the signals said. */
  guint             folders_changed;
  GHashTable       *folder_changes;
  guint             progress_calls;
  guint             refusals;
  guint             last_refused_kind;
  gboolean          wrong_thread;
} Fixture;

static void
check_thread (Fixture *fixture)
{
  if (g_thread_self () != fixture->thread)
    fixture->wrong_thread = TRUE;
}

static void
on_folders_changed (KabarMailService *service,
                    Fixture          *fixture)
{
  check_thread (fixture);
  fixture->folders_changed++;
}

static void
on_folder_changed (KabarMailService *service,
                   gint64            folder_id,
                   Fixture          *fixture)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (fixture->folder_changes, &folder_id));

  check_thread (fixture);
  g_hash_table_replace (fixture->folder_changes, g_memdup2 (&folder_id, sizeof folder_id),
                        GUINT_TO_POINTER (n + 1));
}

static void
on_progress (KabarMailService *service,
             gint64            folder_id,
             guint             done,
             guint             total,
             Fixture          *fixture)
{
  check_thread (fixture);
  g_assert_cmpuint (done, <=, total);
  fixture->progress_calls++;
}

static void
on_change_refused (KabarMailService *service,
                   guint             kind,
                   gint64            folder_id,
                   GError           *error,
                   Fixture          *fixture)
{
  check_thread (fixture);
  g_assert_nonnull (error);
  fixture->refusals++;
  fixture->last_refused_kind = kind;
}

static KabarMailService *
new_service (Fixture *fixture)
{
  KabarMailService *service = kabar_service_test_new_service (fixture->account, fixture->directory);

  g_signal_connect (service, "folders-changed", G_CALLBACK (on_folders_changed), fixture);
  g_signal_connect (service, "folder-changed", G_CALLBACK (on_folder_changed), fixture);
  g_signal_connect (service, "sync-progress", G_CALLBACK (on_progress), fixture);
  g_signal_connect (service, "change-refused", G_CALLBACK (on_change_refused), fixture);
  return service;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint counter;

  fixture->thread = g_thread_self ();
  fixture->user = g_strdup_printf ("service%u@%s", ++counter, KABAR_TEST_BED_DOMAIN);
  fixture->directory = kabar_sync_test_make_directory ("kabar-service-XXXXXX");
  fixture->folder_changes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  fixture->account = kabar_service_test_add_account (get_bed (), "Dewi", fixture->user, PASSWORD);
  fixture->service = new_service (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  kabar_service_test_stop_service (&fixture->service);
  g_assert_false (fixture->wrong_thread);
  g_clear_object (&fixture->account);
  g_hash_table_unref (fixture->folder_changes);
  kabar_test_remove_directory (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->user);
}

/* --- waiting for what the user would see -------------------------------------------- */

typedef gboolean (*Condition) (Fixture *fixture, gconstpointer data);

static gboolean
wait_until (Fixture       *fixture,
            Condition      condition,
            gconstpointer  data,
            double         seconds)
{
  gint64 start = g_get_monotonic_time ();

  while (!condition (fixture, data))
    {
      if (kabar_test_seconds_since (start) > seconds)
        return FALSE;
      kabar_test_spin (20);
    }
  return TRUE;
}

static GPtrArray *
list_messages (Fixture *fixture,
               gint64   folder_id)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *messages;

  kabar_mail_service_list_messages_async (fixture->service, folder_id, 0, 1000, NULL,
                                          kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  messages = kabar_mail_service_list_messages_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  return messages;
}

static gboolean
folder_has_count (Fixture       *fixture,
                  gconstpointer  data)
{
  const struct { const char *path; guint count; } *want = data;
  g_autoptr(KabarStoreFolder) folder = NULL;

  if (kabar_mail_service_get_store (fixture->service) == NULL)
    return FALSE;
  folder = kabar_service_test_find_folder (fixture->service, want->path);
  return folder != NULL && folder->total_count == want->count && folder->sync.uidnext > 0;
}

static void
wait_for_count (Fixture    *fixture,
                const char *path,
                guint       count)
{
  struct { const char *path; guint count; } want = { path, count };

  if (!wait_until (fixture, folder_has_count, &want, WAIT_SECONDS))
    g_error ("%s never held %u messages (status %d)", path, count,
             kabar_mail_service_get_status (fixture->service));
}

static gboolean
is_status (Fixture       *fixture,
           gconstpointer  data)
{
  return (int) kabar_mail_service_get_status (fixture->service) == GPOINTER_TO_INT (data);
}

static void
wait_for_status (Fixture                *fixture,
                 KabarMailServiceStatus  status)
{
  if (!wait_until (fixture, is_status, GINT_TO_POINTER (status), WAIT_SECONDS))
    g_error ("The status never became %d (it is %d)", status,
             kabar_mail_service_get_status (fixture->service));
}

#define RUN_CHANGE(fixture, call, ...) \
  G_STMT_START { \
    GAsyncResult *slot_ = NULL; \
    g_autoptr(GAsyncResult) result_ = NULL; \
    call (fixture->service, __VA_ARGS__, NULL, kabar_test_wait_done, &slot_); \
    result_ = kabar_test_wait (&slot_); \
    kabar_service_test_finish_change (fixture->service, result_); \
  } G_STMT_END

/* What another device sees on the server. */
static GPtrArray *
server_messages (Fixture    *fixture,
                 const char *folder)
{
  g_autoptr(KabarImapSession) session = kabar_imap_test_open (get_bed (), fixture->user,
                                                              KABAR_TEST_BED_PORT_IMAPS);
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (session, folder);
  GPtrArray *messages = kabar_imap_mailbox_state_get_exists (state) > 0
                        ? kabar_imap_test_fetch (session, "1:*", KABAR_IMAP_FETCH_FLAGS)
                        : g_ptr_array_new ();

  kabar_imap_test_logout (session);
  return messages;
}

static gboolean
server_count_is (Fixture       *fixture,
                 gconstpointer  data)
{
  const struct { const char *path; guint count; } *want = data;
  g_autoptr(GPtrArray) messages = server_messages (fixture, want->path);

  return messages->len == want->count;
}

static gboolean
server_has_folder (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(KabarImapSession) session = kabar_imap_test_open (get_bed (), fixture->user,
                                                              KABAR_TEST_BED_PORT_IMAPS);
  g_autoptr(GPtrArray) folders = kabar_imap_test_list (session, "*", KABAR_IMAP_LIST_NONE);
  gboolean found = kabar_imap_test_find_folder (folders, data) != NULL;

  kabar_imap_test_logout (session);
  return found;
}

/* --- tests ----------------------------------------------------------------------------------- */

static void
test_starts_and_syncs_every_folder (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(GPtrArray) page = NULL;

  kabar_service_test_fill (get_bed (), fixture->user, "INBOX", 120);
  kabar_service_test_fill (get_bed (), fixture->user, "Projects", 30);
  g_assert_cmpint (kabar_mail_service_get_status (fixture->service), ==,
                   KABAR_MAIL_SERVICE_STATUS_STOPPED);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 120);
  wait_for_count (fixture, "Projects", 30);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  g_assert_cmpuint (fixture->folders_changed, >, 0);
  g_assert_cmpuint (fixture->progress_calls, >, 0);

  inbox = kabar_service_test_find_folder (fixture->service, "INBOX");
  g_assert_cmpint (inbox->role, ==, KABAR_FOLDER_ROLE_INBOX);
  g_assert_cmpuint (inbox->unread_count, ==, 120);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (fixture->folder_changes, &inbox->id)), >, 0);
  page = list_messages (fixture, inbox->id);
  g_assert_cmpstr (((KabarMessageSummary *) page->pdata[0])->subject, ==, "Message 120");
}

static void
add_raw_message (Fixture    *fixture,
                 const char *folder,
                 const char *text,
                 gint64      when)
{
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_message (get_bed (), fixture->user, folder, raw, "S", when, &error);
  g_assert_no_error (error);
}

/* A conversation spans folders: the question in INBOX, the answer filed
 * in Projects; an unrelated message stays out of it. */
static void
test_conversation_spans_folders (Fixture       *fixture,
                                 gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(KabarStoreFolder) projects = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) conversation = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  KabarMessageSummary *question = NULL;

  add_raw_message (fixture, "INBOX", "Subject: Rapat Jumat\r\nMessage-ID: <rapat@kabar.test>\r\n\r\nJam 9?\r\n",
               now - 300);
  add_raw_message (fixture, "INBOX", "Subject: Lain hal\r\nMessage-ID: <lain@kabar.test>\r\n\r\nHalo\r\n", now - 200);
  add_raw_message (fixture, "Projects", "Subject: Re: Rapat Jumat\r\nMessage-ID: <balas@kabar.test>\r\n"
               "In-Reply-To: <rapat@kabar.test>\r\n\r\nJam 10.\r\n", now - 100);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 2);
  wait_for_count (fixture, "Projects", 1);
  inbox = kabar_service_test_find_folder (fixture->service, "INBOX");
  projects = kabar_service_test_find_folder (fixture->service, "Projects");
  page = list_messages (fixture, inbox->id);
  for (guint i = 0; i < page->len; i++)
    if (g_strcmp0 (((KabarMessageSummary *) page->pdata[i])->subject, "Rapat Jumat") == 0)
      question = page->pdata[i];
  g_assert_nonnull (question);

  kabar_mail_service_list_conversation_async (fixture->service, question->id, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  conversation = kabar_mail_service_list_conversation_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conversation->len, ==, 2);
  g_assert_cmpstr (((KabarMessageSummary *) conversation->pdata[0])->subject, ==, "Rapat Jumat");
  g_assert_cmpint (((KabarMessageSummary *) conversation->pdata[0])->folder_id, ==, inbox->id);
  g_assert_cmpstr (((KabarMessageSummary *) conversation->pdata[1])->subject, ==, "Re: Rapat Jumat");
  g_assert_cmpint (((KabarMessageSummary *) conversation->pdata[1])->folder_id, ==, projects->id);
}

static void
test_new_mail_in_inbox_arrives_within_two_seconds (Fixture       *fixture,
                                                   gconstpointer  data)
{
  static const char text[] = "From: Budi <budi@kabar.test>\r\n"
                             "To: someone@kabar.test\r\n"
                             "Subject: Kabar baru\r\n"
                             "Message-ID: <baru@kabar.test>\r\n"
                             "\r\nHalo!\r\n";
  g_autoptr(GBytes) raw = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(GError) error = NULL;
  gint64 start;

  kabar_service_test_fill (get_bed (), fixture->user, "INBOX", 5);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 5);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  /* Let the watching connection settle into IDLE. */
  kabar_test_spin (300);

  start = g_get_monotonic_time ();
  kabar_test_bed_deliver (get_bed (), "budi@kabar.test", fixture->user, raw, &error);
  g_assert_no_error (error);
  wait_for_count (fixture, "INBOX", 6);
  g_test_message ("New mail listed %.2f s after delivery", kabar_test_seconds_since (start));
  g_assert_cmpfloat (kabar_test_seconds_since (start), <, 2.0);
}

static void
test_flag_change_shows_at_once_and_reaches_the_server (Fixture       *fixture,
                                                       gconstpointer  data)
{
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(KabarStoreFolder) after = NULL;
  guint32 uids[] = { 2, 3 };
  gint64 start;

  kabar_service_test_fill (get_bed (), fixture->user, "INBOX", 10);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 10);
  inbox = kabar_service_test_find_folder (fixture->service, "INBOX");

  RUN_CHANGE (fixture, kabar_mail_service_set_flags_async, inbox->id, uids, 2,
              KABAR_MESSAGE_FLAG_SEEN, 0);
  /* The store has it as soon as the call completes. */
  after = kabar_service_test_find_folder (fixture->service, "INBOX");
  g_assert_cmpuint (after->unread_count, ==, 8);

  start = g_get_monotonic_time ();
  for (;;)
    {
      g_autoptr(GPtrArray) messages = server_messages (fixture, "INBOX");
      guint seen = 0;

      for (guint i = 0; i < messages->len; i++)
        seen += kabar_imap_message_has_flag (messages->pdata[i], "\\Seen");
      if (seen == 2)
        break;
      g_assert_cmpfloat (kabar_test_seconds_since (start), <, WAIT_SECONDS);
      kabar_test_spin (50);
    }
}

static void
test_move_and_folders_reach_the_server (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(KabarStoreFolder) archive = NULL;
  g_autoptr(KabarStoreFolder) renamed = NULL;
  guint32 uids[] = { 1, 4, 5 };
  struct { const char *path; guint count; } want_archive = { "Arsip", 3 };

  kabar_service_test_fill (get_bed (), fixture->user, "INBOX", 6);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 6);
  inbox = kabar_service_test_find_folder (fixture->service, "INBOX");

  /* A folder made here appears on the server. */
  RUN_CHANGE (fixture, kabar_mail_service_create_folder_async, "Arsip");
  archive = kabar_service_test_find_folder (fixture->service, "Arsip");
  g_assert_nonnull (archive);
  g_assert_true (wait_until (fixture, server_has_folder, "Arsip", WAIT_SECONDS));

  RUN_CHANGE (fixture, kabar_mail_service_move_async, inbox->id, uids, 3, archive->id);
  g_assert_true (wait_until (fixture, server_count_is, &want_archive, WAIT_SECONDS));
  wait_for_count (fixture, "INBOX", 3);
  /* The moved messages come back from the server with their new UIDs. */
  wait_for_count (fixture, "Arsip", 3);

  RUN_CHANGE (fixture, kabar_mail_service_rename_folder_async, archive->id, "Arsip 2026");
  g_assert_true (wait_until (fixture, server_has_folder, "Arsip 2026", WAIT_SECONDS));
  renamed = kabar_service_test_find_folder (fixture->service, "Arsip 2026");
  g_assert_nonnull (renamed);
  g_assert_cmpint (renamed->id, ==, archive->id);

  RUN_CHANGE (fixture, kabar_mail_service_delete_folder_async, renamed->id);
  g_assert_null (kabar_service_test_find_folder (fixture->service, "Arsip 2026"));
  for (gint64 start = g_get_monotonic_time ();
       server_has_folder (fixture, "Arsip 2026");
       kabar_test_spin (50))
    g_assert_cmpfloat (kabar_test_seconds_since (start), <, WAIT_SECONDS);
}

static void
test_folder_made_elsewhere_appears_on_refresh (Fixture       *fixture,
                                               gconstpointer  data)
{
  g_autoptr(KabarStoreFolder) made = NULL;
  guint before;

  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 0);
  before = fixture->folders_changed;
  kabar_service_test_fill (get_bed (), fixture->user, "Perjalanan", 4);
  kabar_mail_service_refresh (fixture->service);
  wait_for_count (fixture, "Perjalanan", 4);
  g_assert_cmpuint (fixture->folders_changed, >, before);
}

static void
test_wrong_password_needs_the_user_then_retry_works (Fixture       *fixture,
                                                     gconstpointer  data)
{
  const GError *error;

  kabar_service_test_store_password (fixture->account, "not-the-password");
  kabar_mail_service_start (fixture->service);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ERROR);
  error = kabar_mail_service_get_error (fixture->service);
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED));

  /* No storm: it stays in ERROR without trying again. */
  kabar_test_spin (1500);
  g_assert_cmpint (kabar_mail_service_get_status (fixture->service), ==,
                   KABAR_MAIL_SERVICE_STATUS_ERROR);

  kabar_service_test_store_password (fixture->account, PASSWORD);
  kabar_mail_service_retry (fixture->service);
  wait_for_count (fixture, "INBOX", 0);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  g_assert_null (kabar_mail_service_get_error (fixture->service));
}

static void
test_untrusted_certificate_needs_the_user (Fixture       *fixture,
                                          gconstpointer  data)
{
  KabarCertificateProblem *problem;
  const GError *error;

  /* The user has not trusted the bed's self-signed certificate. */
  kabar_account_set_pinned_certificate (fixture->account, KABAR_SERVER_INCOMING, NULL);
  kabar_mail_service_start (fixture->service);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ERROR);
  error = kabar_mail_service_get_error (fixture->service);
  g_assert_true (g_error_matches (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE));
  problem = kabar_mail_service_get_certificate_problem (fixture->service);
  g_assert_nonnull (problem);
  g_assert_cmpstr (kabar_certificate_problem_get_host (problem), ==, KABAR_TEST_BED_HOST);
  g_assert_true (g_tls_certificate_is_same (kabar_certificate_problem_get_certificate (problem),
                                           kabar_test_bed_get_certificate (get_bed ())));
}

static void
test_changes_made_offline_go_at_next_start (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(KabarStoreFolder) inbox = NULL;
  guint32 uids[] = { 1 };
  struct { const char *path; guint count; } want = { "INBOX", 2 };

  kabar_service_test_fill (get_bed (), fixture->user, "INBOX", 3);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 3);
  inbox = kabar_service_test_find_folder (fixture->service, "INBOX");

  /* Offline: the change is made here and waits. */
  kabar_mail_service_set_network_available (fixture->service, FALSE);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_OFFLINE);
  RUN_CHANGE (fixture, kabar_mail_service_delete_async, inbox->id, uids, 1);
  wait_for_count (fixture, "INBOX", 2);
  kabar_mail_service_stop (fixture->service);
  g_clear_object (&fixture->service);
  kabar_test_spin (50);
  g_assert_true (server_count_is (fixture, &(struct { const char *path; guint count; }) { "INBOX", 3 }));

  /* Kabar starts again: the change reaches the server. */
  fixture->service = new_service (fixture);
  kabar_mail_service_start (fixture->service);
  g_assert_true (wait_until (fixture, server_count_is, &want, WAIT_SECONDS));
  wait_for_count (fixture, "INBOX", 2);
}

static void
test_refused_change_is_undone_and_reported (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(KabarImapSession) other = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GError) error = NULL;

  kabar_service_test_fill (get_bed (), fixture->user, "INBOX", 1);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 1);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);

  /* Another device makes "Catatan" meanwhile; creating it here too is
   * refused by the server. */
  other = kabar_imap_test_open (get_bed (), fixture->user, KABAR_TEST_BED_PORT_IMAPS);
  kabar_imap_session_create_async (other, "Catatan", NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_command_finish (other, result, &error);
  g_assert_no_error (error);
  kabar_imap_test_logout (other);

  RUN_CHANGE (fixture, kabar_mail_service_create_folder_async, "Catatan");
  for (gint64 start = g_get_monotonic_time (); fixture->refusals == 0; kabar_test_spin (20))
    g_assert_cmpfloat (kabar_test_seconds_since (start), <, WAIT_SECONDS);
  g_assert_cmpuint (fixture->last_refused_kind, ==, KABAR_PENDING_FOLDER_CREATE);
  /* The folder list sync brings the server's folder in all the same. */
  kabar_mail_service_refresh (fixture->service);
  wait_for_count (fixture, "Catatan", 0);
}

/* --- bodies ---------------------------------------------------------------------------------- */

#define DAY (24 * 60 * 60)

/* A message in folder received days_ago days ago (no Date header: the
 * list dates it by its arrival), its body's words in body. */
static GBytes *
add_message (Fixture    *fixture,
             const char *folder,
             const char *subject,
             const char *body,
             guint       days_ago)
{
  g_autofree char *text = g_strdup_printf ("From: Sita <sita@kabar.test>\r\n"
                                           "To: %s\r\n"
                                           "Subject: %s\r\n"
                                           "Message-ID: <%s.%u@kabar.test>\r\n"
                                           "MIME-Version: 1.0\r\n"
                                           "Content-Type: text/plain; charset=utf-8\r\n"
                                           "\r\n"
                                           "%s\r\n",
                                           fixture->user, subject, subject, days_ago, body);
  GBytes *raw = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_message (get_bed (), fixture->user, folder, raw, "",
                              g_get_real_time () / G_USEC_PER_SEC - (gint64) days_ago * DAY, &error);
  g_assert_no_error (error);
  return raw;
}

static guint
count_search (Fixture    *fixture,
              const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;

  /* The store straight from this thread: a test may wait on the disk. */
  ids = kabar_store_search (kabar_mail_service_get_store (fixture->service), query, 0, 100, &error);
  g_assert_no_error (error);
  return ids->len;
}

static gboolean
search_finds (Fixture       *fixture,
              gconstpointer  data)
{
  return count_search (fixture, data) > 0;
}

static void
wait_for_search (Fixture    *fixture,
                 const char *query)
{
  if (!wait_until (fixture, search_finds, query, WAIT_SECONDS))
    g_error ("The search never found \"%s\"", query);
}

static gint64
find_message (Fixture    *fixture,
              const char *folder,
              const char *subject)
{
  g_autoptr(KabarStoreFolder) found = kabar_service_test_find_folder (fixture->service, folder);
  g_autoptr(GPtrArray) messages = list_messages (fixture, found->id);

  for (guint i = 0; i < messages->len; i++)
    {
      KabarMessageSummary *summary = g_ptr_array_index (messages, i);

      if (g_strcmp0 (summary->subject, subject) == 0)
        return summary->id;
    }
  g_error ("No message \"%s\" in %s", subject, folder);
}

static GBytes *
stored_body (Fixture *fixture,
             gint64   message_id)
{
  g_autoptr(GError) error = NULL;
  GBytes *body = kabar_store_get_body (kabar_mail_service_get_store (fixture->service), message_id,
                                       &error);

  g_assert_no_error (error);
  return body;
}

static GBytes *
get_body (Fixture  *fixture,
          gint64    message_id,
          GError  **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_mail_service_get_body_async (fixture->service, message_id, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_mail_service_get_body_finish (fixture->service, result, error);
}

/* Whether a "folder-changed" came once the bodies were in the store: what
 * tells the UI that the search finds more now. */
static void
on_folder_changed_check_bodies (KabarMailService *service,
                                gint64            folder_id,
                                gboolean         *saw_bodies)
{
  if (count_search (g_object_get_data (G_OBJECT (service), "fixture"), "diliburkan") > 0)
    *saw_bodies = TRUE;
}

static void
test_recent_bodies_are_fetched_ahead (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GBytes) indonesian = add_message (fixture, "INBOX", "Pengumuman",
                                              "Besok sekolah diliburkan karena banjir.", 1);
  g_autoptr(GBytes) hindi = add_message (fixture, "INBOX", "Kabar", "इस साल मानसून जल्दी आएगा।", 2);
  g_autoptr(GBytes) old = add_message (fixture, "INBOX", "Lama", "Naskah purbakala ditemukan.", 90);
  g_autoptr(GBytes) project = add_message (fixture, "Proyek", "Rencana", "Anggaran jembatan gantung.", 3);
  g_autoptr(GBytes) junk = add_message (fixture, "Junk", "Promo", "Diskon sampahiklan besar.", 1);
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) old_stored = NULL;
  g_autoptr(GBytes) junk_stored = NULL;
  gboolean saw_bodies = FALSE;

  g_object_set_data (G_OBJECT (fixture->service), "fixture", fixture);
  g_signal_connect (fixture->service, "folder-changed", G_CALLBACK (on_folder_changed_check_bodies),
                    &saw_bodies);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 3);
  wait_for_count (fixture, "Junk", 1);

  /* No get_body: the prefetch brings them, and the search finds them. */
  wait_for_search (fixture, "diliburkan");
  wait_for_search (fixture, "मानसून");
  wait_for_search (fixture, "jembatan");
  stored = stored_body (fixture, find_message (fixture, "INBOX", "Pengumuman"));
  g_assert_true (g_bytes_equal (stored, indonesian));
  for (gint64 start = g_get_monotonic_time (); !saw_bodies; kabar_test_spin (20))
    g_assert_cmpfloat (kabar_test_seconds_since (start), <, WAIT_SECONDS);

  /* Old mail and Junk wait to be asked for. */
  kabar_test_spin (1000);
  old_stored = stored_body (fixture, find_message (fixture, "INBOX", "Lama"));
  junk_stored = stored_body (fixture, find_message (fixture, "Junk", "Promo"));
  g_assert_null (old_stored);
  g_assert_null (junk_stored);
  g_assert_cmpuint (count_search (fixture, "purbakala"), ==, 0);
  g_assert_cmpuint (count_search (fixture, "sampahiklan"), ==, 0);
  g_signal_handlers_disconnect_by_func (fixture->service, on_folder_changed_check_bodies, &saw_bodies);
}

static void
test_old_body_is_fetched_on_demand (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GBytes) old = add_message (fixture, "INBOX", "Lama", "Naskah purbakala ditemukan.", 90);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) unknown = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 1);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  id = find_message (fixture, "INBOX", "Lama");
  g_assert_cmpuint (count_search (fixture, "purbakala"), ==, 0);

  body = get_body (fixture, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (body, old));
  /* Stored and indexed: the next read needs no server. */
  g_assert_cmpuint (count_search (fixture, "purbakala"), ==, 1);
  kabar_mail_service_set_network_available (fixture->service, FALSE);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_OFFLINE);
  again = get_body (fixture, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (again, old));

  unknown = get_body (fixture, id + 1000, &error);
  g_assert_null (unknown);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

static void
test_missing_body_offline_says_so (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GBytes) old = add_message (fixture, "INBOX", "Lama", "Naskah purbakala ditemukan.", 90);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 1);
  kabar_mail_service_set_network_available (fixture->service, FALSE);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_OFFLINE);

  body = get_body (fixture, find_message (fixture, "INBOX", "Lama"), &error);
  g_assert_null (body);
  g_assert_error (error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_OFFLINE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not downloaded yet"));
  g_assert_nonnull (strstr (error->message, fixture->user));
  g_assert_nonnull (strstr (error->message, "offline"));
}

static void
test_body_gone_from_the_server_says_so (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GBytes) old = add_message (fixture, "Arsip", "Lama", "Naskah purbakala ditemukan.", 90);
  g_autoptr(KabarImapSession) other = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  gint64 id;

  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "Arsip", 1);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  id = find_message (fixture, "Arsip", "Lama");

  /* Another device deletes it before it is opened here (in a folder the
   * service does not watch, so no sync takes it away first). */
  other = kabar_imap_test_open (get_bed (), fixture->user, KABAR_TEST_BED_PORT_IMAPS);
  state = kabar_imap_test_select (other, "Arsip");
  kabar_imap_test_store (other, "1:*", KABAR_IMAP_STORE_ADD, "\\Deleted");
  kabar_imap_session_expunge_async (other, NULL, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_imap_test_try_command (other, result, &error));
  g_assert_no_error (error);
  kabar_imap_test_logout (other);

  body = get_body (fixture, id, &error);
  g_assert_null (body);
  g_assert_error (error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_NOT_ON_SERVER);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/service/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("starts-and-syncs-every-folder", test_starts_and_syncs_every_folder);
  ADD ("conversation-spans-folders", test_conversation_spans_folders);
  ADD ("new-mail-in-inbox-arrives-within-two-seconds", test_new_mail_in_inbox_arrives_within_two_seconds);
  ADD ("flag-change-shows-at-once-and-reaches-the-server", test_flag_change_shows_at_once_and_reaches_the_server);
  ADD ("move-and-folders-reach-the-server", test_move_and_folders_reach_the_server);
  ADD ("folder-made-elsewhere-appears-on-refresh", test_folder_made_elsewhere_appears_on_refresh);
  ADD ("wrong-password-needs-the-user-then-retry-works", test_wrong_password_needs_the_user_then_retry_works);
  ADD ("untrusted-certificate-needs-the-user", test_untrusted_certificate_needs_the_user);
  ADD ("changes-made-offline-go-at-next-start", test_changes_made_offline_go_at_next_start);
  ADD ("refused-change-is-undone-and-reported", test_refused_change_is_undone_and_reported);
  ADD ("recent-bodies-are-fetched-ahead", test_recent_bodies_are_fetched_ahead);
  ADD ("old-body-is-fetched-on-demand", test_old_body_is_fetched_on_demand);
  ADD ("missing-body-offline-says-so", test_missing_body_offline_says_so);
  ADD ("body-gone-from-the-server-says-so", test_body_gone_from_the_server_says_so);
#undef ADD

  status = g_test_run ();
  kabar_service_test_stop_bed ();
  return status;
}
