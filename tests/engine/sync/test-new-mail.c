/* test-new-mail.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KabarMailService's "new-mail" against the bed's Dovecot and Postfix:
 * what a folder's first sync brings is the mailbox, not news; what
 * arrives after it, unread, is announced once per sync with the ids of
 * exactly those messages, in the folder they arrived in.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-imap-test-session.h"
#include "kabar-mail-service.h"
#include "kabar-service-test.h"
#include "kabar-sync-test-support.h"
#include "kabar-test-wait.h"

#define PASSWORD     "Sandi-Baru-123"
#define WAIT_SECONDS 30

static KabarTestBed *
get_bed (void)
{
  return kabar_service_test_get_bed (KABAR_TEST_BED_DOVECOT | KABAR_TEST_BED_POSTFIX, NULL);
}

/* One "new-mail" emission. */
typedef struct
{
  gint64  folder_id;
  GArray *message_ids;
} Emission;

static void
emission_free (gpointer data)
{
  Emission *emission = data;

  g_array_unref (emission->message_ids);
  g_free (emission);
}

typedef struct
{
  char             *user;
  char             *directory;
  KabarAccount     *account;
  KabarMailService *service;
  GThread          *thread;
  GPtrArray        *emissions;
  gboolean          wrong_thread;
} Fixture;

static void
on_new_mail (KabarMailService *service,
             gint64            folder_id,
             GArray           *message_ids,
             Fixture          *fixture)
{
  Emission *emission = g_new0 (Emission, 1);

  if (g_thread_self () != fixture->thread)
    fixture->wrong_thread = TRUE;
  emission->folder_id = folder_id;
  emission->message_ids = g_array_copy (message_ids);
  g_ptr_array_add (fixture->emissions, emission);
}

static KabarMailService *
new_service (Fixture *fixture)
{
  KabarMailService *service = kabar_service_test_new_service (fixture->account, fixture->directory);

  g_signal_connect (service, "new-mail", G_CALLBACK (on_new_mail), fixture);
  return service;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint counter;

  fixture->thread = g_thread_self ();
  fixture->user = g_strdup_printf ("news%u@%s", ++counter, KABAR_TEST_BED_DOMAIN);
  fixture->directory = kabar_sync_test_make_directory ("kabar-new-mail-XXXXXX");
  fixture->emissions = g_ptr_array_new_with_free_func (emission_free);
  fixture->account = kabar_service_test_add_account (get_bed (), "Sari", fixture->user, PASSWORD);
  fixture->service = new_service (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  kabar_service_test_stop_service (&fixture->service);
  g_assert_false (fixture->wrong_thread);
  g_clear_object (&fixture->account);
  g_ptr_array_unref (fixture->emissions);
  kabar_test_remove_directory (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->user);
}

/* --- the service and the server -------------------------------------------------- */

/* Synced, with count messages, and the service is idle again. */
static void
wait_for_count (Fixture    *fixture,
                const char *path,
                guint       count)
{
  gint64 start = g_get_monotonic_time ();

  for (;;)
    {
      g_autoptr(KabarStoreFolder) folder = kabar_service_test_find_folder (fixture->service, path);

      if (folder != NULL && folder->total_count == count && folder->sync.uidnext > 0
          && kabar_mail_service_get_status (fixture->service) == KABAR_MAIL_SERVICE_STATUS_ONLINE)
        return;
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("%s never held %u messages (status %d)", path, count,
                 kabar_mail_service_get_status (fixture->service));
      kabar_test_spin (20);
    }
}

static void
wait_for_emissions (Fixture *fixture,
                    guint    n)
{
  gint64 start = g_get_monotonic_time ();

  while (fixture->emissions->len < n)
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("%u \"new-mail\" emissions, never %u", fixture->emissions->len, n);
      kabar_test_spin (20);
    }
}

static void
restart (Fixture *fixture)
{
  kabar_service_test_stop_service (&fixture->service);
  fixture->service = new_service (fixture);
  kabar_mail_service_start (fixture->service);
}

static GBytes *
make_message (const char *from,
              const char *subject)
{
  g_autofree char *id = g_strdelimit (g_strdup (subject), " ", '-');
  char *text = g_strdup_printf ("From: %s\r\n"
                                "To: someone@kabar.test\r\n"
                                "Subject: %s\r\n"
                                "Date: Sat, 21 Nov 2026 10:00:00 +0000\r\n"
                                "Message-ID: <%s@kabar.test>\r\n"
                                "\r\nIsi pesan.\r\n",
                                from, subject, id);

  return g_bytes_new_take (text, strlen (text));
}

static void
add_message (Fixture    *fixture,
             const char *folder,
             const char *subject,
             const char *maildir_flags)
{
  g_autoptr(GBytes) raw = make_message ("Budi <budi@kabar.test>", subject);
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_message (get_bed (), fixture->user, folder, raw, maildir_flags,
                              g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
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

/* The subjects of the messages the ids name, sorted, joined by "|". */
static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static char *
subjects_of (Fixture      *fixture,
             const GArray *ids)
{
  g_autoptr(GPtrArray) subjects = g_ptr_array_new_with_free_func (g_free);
  KabarStore *store = kabar_mail_service_get_store (fixture->service);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KabarMessageSummary) summary =
        kabar_store_get_message (store, g_array_index (ids, gint64, i), &error);

      g_assert_no_error (error);
      g_ptr_array_add (subjects, g_strdup (summary->subject));
    }
  g_ptr_array_sort (subjects, compare_strings);
  g_ptr_array_add (subjects, NULL);
  return g_strjoinv ("|", (char **) subjects->pdata);
}

/* --- tests ---------------------------------------------------------------------------- */

static void
test_first_sync_is_not_news (Fixture       *fixture,
                             gconstpointer  data)
{
  fill (fixture, "INBOX", 40);
  fill (fixture, "Projects", 10);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 40);
  wait_for_count (fixture, "Projects", 10);
  /* A folder made on the server later: its first sync brings no news either. */
  fill (fixture, "Later", 5);
  kabar_mail_service_refresh (fixture->service);
  wait_for_count (fixture, "Later", 5);
  kabar_test_spin (200);
  g_assert_cmpuint (fixture->emissions->len, ==, 0);
}

static void
test_arrivals_are_announced_once_without_seen (Fixture       *fixture,
                                               gconstpointer  data)
{
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(KabarStoreFolder) projects = NULL;
  g_autofree char *subjects = NULL;
  Emission *inbox_news = NULL;
  Emission *projects_news = NULL;

  fill (fixture, "INBOX", 5);
  fill (fixture, "Projects", 2);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 5);
  wait_for_count (fixture, "Projects", 2);
  g_assert_cmpuint (fixture->emissions->len, ==, 0);

  /* While Kabar is closed: three unread and one read elsewhere arrive in
   * INBOX, one in Projects. The next start syncs each folder once. */
  kabar_mail_service_stop (fixture->service);
  add_message (fixture, "INBOX", "Rapat Senin", "");
  add_message (fixture, "INBOX", "Laporan bulanan", "");
  add_message (fixture, "INBOX", "Sudah dibaca", "S");
  add_message (fixture, "INBOX", "Undangan makan", "F");
  add_message (fixture, "Projects", "Proyek baru", "");
  restart (fixture);
  wait_for_count (fixture, "INBOX", 9);
  wait_for_count (fixture, "Projects", 3);
  kabar_test_spin (200);

  inbox = kabar_service_test_find_folder (fixture->service, "INBOX");
  projects = kabar_service_test_find_folder (fixture->service, "Projects");
  g_assert_cmpuint (fixture->emissions->len, ==, 2);
  for (guint i = 0; i < fixture->emissions->len; i++)
    {
      Emission *emission = g_ptr_array_index (fixture->emissions, i);

      if (emission->folder_id == inbox->id)
        inbox_news = emission;
      else if (emission->folder_id == projects->id)
        projects_news = emission;
    }
  g_assert_nonnull (inbox_news);
  g_assert_nonnull (projects_news);
  g_assert_cmpuint (inbox_news->message_ids->len, ==, 3);
  subjects = subjects_of (fixture, inbox_news->message_ids);
  g_assert_cmpstr (subjects, ==, "Laporan bulanan|Rapat Senin|Undangan makan");
  g_clear_pointer (&subjects, g_free);
  subjects = subjects_of (fixture, projects_news->message_ids);
  g_assert_cmpstr (subjects, ==, "Proyek baru");
}

static void
test_delivered_mail_is_announced (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GBytes) raw = make_message ("Ani <ani@kabar.test>", "Kabar dari Ani");
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subjects = NULL;
  Emission *emission;

  fill (fixture, "INBOX", 3);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 3);
  /* Let the watching connection settle into IDLE. */
  kabar_test_spin (300);

  /* Through Postfix and LMTP, as from the internet, while Kabar runs. */
  kabar_test_bed_deliver (get_bed (), "ani@kabar.test", fixture->user, raw, &error);
  g_assert_no_error (error);
  wait_for_emissions (fixture, 1);
  wait_for_count (fixture, "INBOX", 4);
  inbox = kabar_service_test_find_folder (fixture->service, "INBOX");
  emission = g_ptr_array_index (fixture->emissions, 0);
  g_assert_cmpint (emission->folder_id, ==, inbox->id);
  subjects = subjects_of (fixture, emission->message_ids);
  g_assert_cmpstr (subjects, ==, "Kabar dari Ani");

  /* A sync with nothing new says nothing. */
  kabar_mail_service_refresh (fixture->service);
  kabar_test_spin (500);
  wait_for_count (fixture, "INBOX", 4);
  g_assert_cmpuint (fixture->emissions->len, ==, 1);
}

static void
test_only_seen_arrivals_are_not_news (Fixture       *fixture,
                                      gconstpointer  data)
{
  fill (fixture, "INBOX", 2);
  kabar_mail_service_start (fixture->service);
  wait_for_count (fixture, "INBOX", 2);
  kabar_mail_service_stop (fixture->service);
  add_message (fixture, "INBOX", "Dibaca di ponsel", "S");
  add_message (fixture, "INBOX", "Dibaca juga", "RS");
  restart (fixture);
  wait_for_count (fixture, "INBOX", 4);
  kabar_test_spin (200);
  g_assert_cmpuint (fixture->emissions->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/new-mail/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("first-sync-is-not-news", test_first_sync_is_not_news);
  ADD ("arrivals-are-announced-once-without-seen", test_arrivals_are_announced_once_without_seen);
  ADD ("delivered-mail-is-announced", test_delivered_mail_is_announced);
  ADD ("only-seen-arrivals-are-not-news", test_only_seen_arrivals_are_not_news);
#undef ADD

  status = g_test_run ();
  kabar_service_test_stop_bed ();
  return status;
}
