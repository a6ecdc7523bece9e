/* test-search.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KabarSearchModel, what the message list shows for a search, on a mail
 * service of a bed account: its items and their order (the index's
 * results, then the server's additions), "searching", a query replacing
 * another, the cap, and the results following the folder's changes. No
 * widget: it needs no display.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-search-model.h"
#include "kabar-service-test.h"
#include "kabar-sync-test-support.h"
#include "kabar-test-wait.h"

#define PASSWORD     "Sandi-123"
#define WAIT_SECONDS 60
#define DAY          (24 * 60 * 60)

static KabarTestBed *
get_bed (void)
{
  return kabar_service_test_get_bed (KABAR_TEST_BED_DOVECOT, NULL);
}

typedef struct
{
  char             *user;
  char             *directory;
  KabarAccount     *account;
  KabarMailService *service;
  KabarSearchModel *model;
  /* What the model said. */
  GString          *changes;
  GString          *searching;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint counter;

  fixture->user = g_strdup_printf ("finder%u@%s", ++counter, KABAR_TEST_BED_DOMAIN);
  fixture->account = kabar_service_test_add_account (get_bed (), "Dewi", fixture->user, PASSWORD);
  fixture->directory = kabar_sync_test_make_directory ("kabar-search-model-XXXXXX");
  fixture->service = kabar_service_test_new_service (fixture->account, fixture->directory);
  fixture->changes = g_string_new (NULL);
  fixture->searching = g_string_new (NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->model);
  kabar_service_test_stop_service (&fixture->service);
  g_clear_object (&fixture->account);
  kabar_test_remove_directory (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->user);
  g_string_free (fixture->changes, TRUE);
  g_string_free (fixture->searching, TRUE);
}

/* --- waiting ----------------------------------------------------------------------------- */

typedef gboolean (*Condition) (Fixture *fixture, gconstpointer data);

static void
wait_until (Fixture       *fixture,
            Condition      condition,
            gconstpointer  data,
            const char    *what)
{
  gint64 start = g_get_monotonic_time ();

  while (!condition (fixture, data))
    {
      if (g_get_monotonic_time () - start > (gint64) WAIT_SECONDS * G_USEC_PER_SEC)
        g_error ("Waited in vain for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* --- the mailbox ------------------------------------------------------------------------- */

static void
add_mail (Fixture    *fixture,
          const char *subject,
          const char *body,
          guint       days_ago)
{
  g_autofree char *text = g_strdup_printf ("From: Sita <sita@kabar.test>\r\n"
                                           "To: %s\r\n"
                                           "Subject: %s\r\n"
                                           "Message-ID: <%u@kabar.test>\r\n"
                                           "Content-Type: text/plain; charset=utf-8\r\n"
                                           "\r\n%s\r\n",
                                           fixture->user, subject, g_str_hash (subject), body);
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_message (get_bed (), fixture->user, "INBOX", raw, "",
                              g_get_real_time () / G_USEC_PER_SEC - (gint64) days_ago * DAY, &error);
  g_assert_no_error (error);
}

static gboolean
is_synced (Fixture       *fixture,
           gconstpointer  data)
{
  const struct { const char *path; guint count; } *want = data;
  g_autoptr(KabarStoreFolder) folder = kabar_service_test_find_folder (fixture->service, want->path);

  return folder != NULL && folder->total_count == want->count && folder->sync.uidnext > 0
         && kabar_mail_service_get_status (fixture->service) == KABAR_MAIL_SERVICE_STATUS_ONLINE;
}

static gint64
start_and_sync (Fixture    *fixture,
                const char *path,
                guint       count)
{
  struct { const char *path; guint count; } want = { path, count };
  g_autoptr(KabarStoreFolder) folder = NULL;

  kabar_mail_service_start (fixture->service);
  wait_until (fixture, is_synced, &want, "the sync");
  folder = kabar_service_test_find_folder (fixture->service, path);
  return folder->id;
}

/* --- the model ----------------------------------------------------------------------------- */

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *fixture)
{
  g_assert_cmpuint (kabar_search_model_get_n_results (KABAR_SEARCH_MODEL (model)), ==,
                    g_list_model_get_n_items (model));
  g_string_append_printf (fixture->changes, "%s%u-%u+%u", fixture->changes->len > 0 ? " " : "",
                          position, removed, added);
}

static void
on_searching (KabarSearchModel *model,
              GParamSpec       *pspec,
              Fixture          *fixture)
{
  g_string_append_c (fixture->searching, kabar_search_model_get_searching (model) ? '1' : '0');
}

static void
watch_model (Fixture *fixture)
{
  g_signal_connect (fixture->model, "items-changed", G_CALLBACK (on_items_changed), fixture);
  g_signal_connect (fixture->model, "notify::searching", G_CALLBACK (on_searching), fixture);
}

static gboolean
is_idle (Fixture       *fixture,
         gconstpointer  data)
{
  return !kabar_search_model_get_searching (fixture->model);
}

static void
wait_for_search (Fixture *fixture)
{
  wait_until (fixture, is_idle, NULL, "the search to end");
}

/* The subjects listed, in order. */
static char *
listed (Fixture *fixture)
{
  GListModel *model = G_LIST_MODEL (fixture->model);
  GString *subjects = g_string_new (NULL);

  g_assert_true (g_list_model_get_item_type (model) == KABAR_TYPE_MESSAGE_ITEM);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KabarMessageItem) item = g_list_model_get_item (model, i);
      const KabarMessageSummary *summary = kabar_message_item_get_summary (item);

      g_assert_nonnull (summary);
      g_assert_cmpint (kabar_message_item_get_id (item), ==, summary->id);
      g_string_append_printf (subjects, "%s%s", i > 0 ? "," : "", summary->subject);
    }
  g_assert_null (g_list_model_get_item (model, g_list_model_get_n_items (model)));
  return g_string_free (subjects, FALSE);
}

#define ASSERT_LISTED(fixture, expected) \
  G_STMT_START { \
    g_autofree char *listed_ = listed (fixture); \
    g_assert_cmpstr (listed_, ==, expected); \
  } G_STMT_END

/* The sync indexes what it stored before long. */
static gboolean
index_finds (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = kabar_store_search (kabar_mail_service_get_store (fixture->service), data, 0, 1,
                                              &error);

  g_assert_no_error (error);
  return ids->len > 0;
}

/* --- tests --------------------------------------------------------------------------------- */

static void
test_index_results_then_server_additions (Fixture       *fixture,
                                          gconstpointer  data)
{
  gint64 inbox;

  /* Old mail: no body ahead of time, so its body's words are the
   * server's to find. */
  add_mail (fixture, "Rapat warga pertama", "Di balai desa.", 100);
  add_mail (fixture, "Rapat warga kedua", "Di masjid.", 95);
  add_mail (fixture, "Balai", "Ada rapat warga lagi besok.", 97);
  add_mail (fixture, "Kerja bakti", "Rapat warga batal.", 120);
  add_mail (fixture, "Lain", "Tidak ada apa-apa.", 90);
  inbox = start_and_sync (fixture, "INBOX", 5);
  wait_until (fixture, index_finds, "kedua", "the index");

  fixture->model = kabar_search_model_new (fixture->service, inbox, "rapat warga");
  watch_model (fixture);
  g_assert_true (kabar_search_model_get_searching (fixture->model));
  g_assert_cmpstr (kabar_search_model_get_query (fixture->model), ==, "rapat warga");
  g_assert_cmpint (kabar_search_model_get_folder_id (fixture->model), ==, inbox);
  g_assert_true (kabar_search_model_get_service (fixture->model) == fixture->service);
  wait_for_search (fixture);

  /* The index's two, newest first, at once; then the server's two,
   * appended, newest first among themselves. */
  ASSERT_LISTED (fixture, "Rapat warga kedua,Rapat warga pertama,Balai,Kerja bakti");
  g_assert_cmpstr (fixture->changes->str, ==, "0-0+2 2-0+2");
  g_assert_cmpstr (fixture->searching->str, ==, "0");
  g_assert_cmpuint (kabar_search_model_get_n_results (fixture->model), ==, 4);
  /* Its own search changes nothing in the folder: no search again. */
  kabar_test_spin (1500);
  g_assert_cmpstr (fixture->searching->str, ==, "0");

  /* Every folder: the index only. */
  g_clear_object (&fixture->model);
  fixture->model = kabar_search_model_new (fixture->service, 0, "rapat warga");
  wait_for_search (fixture);
  ASSERT_LISTED (fixture, "Rapat warga kedua,Rapat warga pertama");
}

static void
test_new_query_replaces_the_old (Fixture       *fixture,
                                 gconstpointer  data)
{
  gint64 inbox;

  add_mail (fixture, "Pisang goreng", "Enak.", 91);
  add_mail (fixture, "Singkong rebus", "Gurih.", 92);
  add_mail (fixture, "Resep", "Pisang dan singkong.", 93);
  inbox = start_and_sync (fixture, "INBOX", 3);
  wait_until (fixture, index_finds, "singkong", "the index");

  fixture->model = kabar_search_model_new (fixture->service, inbox, NULL);
  watch_model (fixture);
  g_assert_false (kabar_search_model_get_searching (fixture->model));
  ASSERT_LISTED (fixture, "");

  /* Typed on before the first answer came: only the last query's
   * results show. */
  kabar_search_model_set_query (fixture->model, "pisang");
  kabar_search_model_set_query (fixture->model, "singkong");
  g_assert_true (kabar_search_model_get_searching (fixture->model));
  wait_for_search (fixture);
  ASSERT_LISTED (fixture, "Singkong rebus,Resep");
  g_assert_cmpstr (fixture->changes->str, ==, "0-0+1 1-0+1");
  g_assert_cmpstr (fixture->searching->str, ==, "10");

  /* A new query empties the list first. */
  g_string_truncate (fixture->changes, 0);
  g_object_set (fixture->model, "query", "pisang", NULL);
  wait_for_search (fixture);
  ASSERT_LISTED (fixture, "Pisang goreng,Resep");
  g_assert_cmpstr (fixture->changes->str, ==, "0-2+0 0-0+1 1-0+1");

  /* Spaces are no query. */
  kabar_search_model_set_query (fixture->model, "   ");
  g_assert_false (kabar_search_model_get_searching (fixture->model));
  ASSERT_LISTED (fixture, "");
}

static void
test_results_are_capped (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  gint64 inbox;

  /* "Message 1" ... "Message 600". */
  kabar_test_bed_fill_folder (get_bed (), fixture->user, "INBOX", 600, &error);
  g_assert_no_error (error);
  inbox = start_and_sync (fixture, "INBOX", 600);
  wait_until (fixture, index_finds, "message", "the index");

  fixture->model = kabar_search_model_new (fixture->service, inbox, "message");
  watch_model (fixture);
  wait_for_search (fixture);
  /* The index gives its newest 500 at once; the server adds the 100 the
   * cap left out, as the cap of its own stage allows. */
  first = g_strdup_printf ("0-0+%u", KABAR_MAIL_SERVICE_SEARCH_LIMIT);
  g_assert_true (g_str_has_prefix (fixture->changes->str, first));
  g_assert_cmpstr (fixture->changes->str, ==, "0-0+500 500-0+100");
  {
    g_autoptr(KabarMessageItem) newest = g_list_model_get_item (G_LIST_MODEL (fixture->model), 0);
    g_autoptr(KabarMessageItem) last_local = g_list_model_get_item (G_LIST_MODEL (fixture->model), 499);

    g_assert_cmpstr (kabar_message_item_get_summary (newest)->subject, ==, "Message 600");
    g_assert_cmpstr (kabar_message_item_get_summary (last_local)->subject, ==, "Message 101");
  }
}

static gboolean
item_is_read (Fixture       *fixture,
              gconstpointer  data)
{
  return (kabar_message_item_get_summary ((KabarMessageItem *) data)->flags & KABAR_MESSAGE_FLAG_SEEN) != 0;
}

static gboolean
lists_two (Fixture       *fixture,
           gconstpointer  data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (fixture->model)) == 2 && !kabar_search_model_get_searching (fixture->model);
}

static void
on_summary (KabarMessageItem *item,
            GParamSpec       *pspec,
            guint            *notified)
{
  (*notified)++;
}

static void
test_results_follow_the_folder (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(KabarMessageItem) item = NULL;
  g_autoptr(KabarMessageItem) after = NULL;
  g_autoptr(KabarStoreFolder) archive = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) moved = NULL;
  guint32 uid;
  guint notified = 0;
  gint64 inbox;

  add_mail (fixture, "Sepeda baru", "Warna merah.", 91);
  add_mail (fixture, "Sepeda lama", "Dijual murah.", 92);
  add_mail (fixture, "Bengkel", "Servis sepeda.", 93);
  add_mail (fixture, "Arsip", "Simpan.", 94);
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *text = g_strdup_printf ("Subject: Mulai\r\nTo: %s\r\n\r\nArsip dibuat.\r\n", fixture->user);
    g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));

    /* A folder to move to. */
    kabar_test_bed_add_message (get_bed (), fixture->user, "Archive", raw, "S",
                                g_get_real_time () / G_USEC_PER_SEC, &error);
    g_assert_no_error (error);
  }
  inbox = start_and_sync (fixture, "INBOX", 4);
  archive = kabar_service_test_find_folder (fixture->service, "Archive");
  g_assert_nonnull (archive);
  wait_until (fixture, index_finds, "sepeda", "the index");

  fixture->model = kabar_search_model_new (fixture->service, inbox, "sepeda");
  watch_model (fixture);
  wait_for_search (fixture);
  ASSERT_LISTED (fixture, "Sepeda baru,Sepeda lama,Bengkel");

  /* Read here (as the reading pane does): the same item shows it. */
  item = g_list_model_get_item (G_LIST_MODEL (fixture->model), 0);
  g_signal_connect (item, "notify::summary", G_CALLBACK (on_summary), &notified);
  g_assert_false (item_is_read (fixture, item));
  g_string_truncate (fixture->changes, 0);
  uid = kabar_message_item_get_summary (item)->uid;
  kabar_mail_service_set_flags_async (fixture->service, inbox, &uid, 1, KABAR_MESSAGE_FLAG_SEEN, 0, NULL,
                                      kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_service_test_finish_change (fixture->service, result);
  wait_until (fixture, item_is_read, item, "the item to show it read");
  g_assert_cmpuint (notified, >, 0);
  after = g_list_model_get_item (G_LIST_MODEL (fixture->model), 0);
  g_assert_true (after == item);
  /* Nothing moved in the list: the view keeps its place. */
  g_assert_cmpstr (fixture->changes->str, ==, "");

  /* Moved away: it leaves the results. */
  uid = kabar_message_item_get_summary (after)->uid;
  kabar_mail_service_move_async (fixture->service, inbox, &uid, 1, archive->id, NULL, kabar_test_wait_done, &slot);
  moved = kabar_test_wait (&slot);
  kabar_service_test_finish_change (fixture->service, moved);
  wait_until (fixture, lists_two, NULL, "the moved message to leave");
  ASSERT_LISTED (fixture, "Sepeda lama,Bengkel");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/search/model/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("index-results-then-server-additions", test_index_results_then_server_additions);
  ADD ("new-query-replaces-the-old", test_new_query_replaces_the_old);
  ADD ("results-are-capped", test_results_are_capped);
  ADD ("results-follow-the-folder", test_results_follow_the_folder);
#undef ADD

  status = g_test_run ();
  kabar_service_test_stop_bed ();
  return status;
}
