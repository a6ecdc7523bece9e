/* test-pop3-new-mail.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "new-mail" of a POP account: the first download into a new store is
 * the mailbox, not news; what later checks download into INBOX is
 * announced once per check, with exactly those messages, also after
 * Kabar starts again.
 */

#include "config.h"

#include "kabar-pop3-download-test.h"

#include "kabar-mail-service.h"
#include "kabar-test-wait.h"

#define WAIT_SECONDS 30

typedef struct
{
  char             *user;
  KabarAccount     *account;
  KabarStore       *scratch;
  char             *path;
  KabarMailService *service;
  /* One array of ids (gint64) per emission, and their folders. */
  GPtrArray        *emissions;
  GArray           *folders;
} Fixture;

static void
on_new_mail (KabarMailService *service,
             gint64            folder_id,
             GArray           *message_ids,
             Fixture          *fixture)
{
  g_ptr_array_add (fixture->emissions, g_array_copy (message_ids));
  g_array_append_val (fixture->folders, folder_id);
}

static void
start_service (Fixture *fixture)
{
  fixture->service = kabar_mail_service_new (fixture->account, fixture->path);
  g_signal_connect (fixture->service, "new-mail", G_CALLBACK (on_new_mail), fixture);
  kabar_mail_service_start (fixture->service);
}

static void
stop_service (Fixture *fixture)
{
  kabar_mail_service_stop (fixture->service);
  g_clear_object (&fixture->service);
  kabar_test_spin (200);
}

static gint64
inbox_total (Fixture *fixture,
             gint64  *folder_id)
{
  KabarStore *store = kabar_mail_service_get_store (fixture->service);
  g_autoptr(GPtrArray) folders = store != NULL ? kabar_store_list_folders (store, NULL) : NULL;

  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->role == KABAR_FOLDER_ROLE_INBOX)
        {
          *folder_id = folder->id;
          return folder->total_count;
        }
    }
  return -1;
}

/* INBOX holds total and the check is over. */
static gint64
wait_for_inbox (Fixture *fixture,
                guint    total)
{
  gint64 start = g_get_monotonic_time ();
  gint64 folder_id = 0;

  while (inbox_total (fixture, &folder_id) != total
         || kabar_mail_service_get_status (fixture->service) != KABAR_MAIL_SERVICE_STATUS_ONLINE)
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("INBOX never held %u messages", total);
      kabar_test_spin (20);
    }
  kabar_test_spin (100);
  return folder_id;
}

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

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KabarMessageSummary) summary =
        kabar_store_get_message (kabar_mail_service_get_store (fixture->service),
                                 g_array_index (ids, gint64, i), &error);

      g_assert_no_error (error);
      g_ptr_array_add (subjects, g_strdup (summary->subject));
    }
  g_ptr_array_sort (subjects, compare_strings);
  g_ptr_array_add (subjects, NULL);
  return g_strjoinv ("|", (char **) subjects->pdata);
}

static void
test_pop_new_mail (void)
{
  Fixture fixture = { 0 };
  g_autofree char *directory = NULL;
  g_autofree char *subjects = NULL;
  gint64 inbox;

  fixture.user = kabar_pop3_download_test_new_user ();
  fixture.account = kabar_pop3_download_test_account (fixture.user, 0, KABAR_POP_LEAVE_ON_SERVER);
  fixture.scratch = kabar_pop3_download_test_new_store ();
  directory = g_path_get_dirname (kabar_store_get_path (fixture.scratch));
  fixture.path = g_build_filename (directory, "service.db", NULL);
  fixture.emissions = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  fixture.folders = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* The first download: the mailbox. */
  kabar_pop3_download_test_add (fixture.user, "Rapat Senin", "Agenda terlampir.");
  kabar_pop3_download_test_add (fixture.user, "Tiket kereta", "Berangkat jam tujuh.");
  start_service (&fixture);
  wait_for_inbox (&fixture, 2);
  g_assert_cmpuint (fixture.emissions->len, ==, 0);

  /* Two more, one check: one emission with both. */
  kabar_pop3_download_test_add (fixture.user, "Foto liburan", "Lihat lampiran.");
  kabar_pop3_download_test_add (fixture.user, "Undangan", "Sabtu malam.");
  kabar_mail_service_refresh (fixture.service);
  inbox = wait_for_inbox (&fixture, 4);
  g_assert_cmpuint (fixture.emissions->len, ==, 1);
  g_assert_cmpint (g_array_index (fixture.folders, gint64, 0), ==, inbox);
  subjects = subjects_of (&fixture, g_ptr_array_index (fixture.emissions, 0));
  g_assert_cmpstr (subjects, ==, "Foto liburan|Undangan");

  /* A check with nothing new says nothing. */
  kabar_mail_service_refresh (fixture.service);
  kabar_test_spin (500);
  wait_for_inbox (&fixture, 4);
  g_assert_cmpuint (fixture.emissions->len, ==, 1);

  /* Kabar starts again: what came meanwhile is news. */
  stop_service (&fixture);
  kabar_pop3_download_test_add (fixture.user, "Laporan", "Terlampir.");
  start_service (&fixture);
  wait_for_inbox (&fixture, 5);
  g_assert_cmpuint (fixture.emissions->len, ==, 2);
  g_clear_pointer (&subjects, g_free);
  subjects = subjects_of (&fixture, g_ptr_array_index (fixture.emissions, 1));
  g_assert_cmpstr (subjects, ==, "Laporan");

  stop_service (&fixture);
  kabar_pop3_download_test_remove_store (fixture.scratch);
  g_clear_object (&fixture.account);
  g_ptr_array_unref (fixture.emissions);
  g_array_unref (fixture.folders);
  g_free (fixture.path);
  g_free (fixture.user);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/new-mail", test_pop_new_mail);
  status = g_test_run ();
  kabar_pop3_download_test_stop_bed ();
  return status;
}
