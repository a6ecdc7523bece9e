/* test-mail-service-search.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Search through KabarMailService against the bed's Dovecot: the local
 * index for what the store holds, the server for bodies it never
 * downloaded, and both together. Each test has a user of its own. Built
 * again with KABAR_TEST_PLAIN_IMAP, against a Dovecot without ESEARCH
 * (plain SEARCH replies) nor LITERAL+ (a word in Hindi goes as a literal
 * that waits for the server's "+"), as on Outlook.com.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-imap-test-session.h"
#include "kabar-mail-service.h"
#include "kabar-service-test.h"
#include "kabar-sync-test-support.h"
#include "kabar-test-wait.h"

#define PASSWORD     "Sandi-123"
#define WAIT_SECONDS 30
#define DAY          (24 * 60 * 60)

/* The plain variant: as a server without ESEARCH and LITERAL+. */
static KabarTestBed *
get_bed (void)
{
#ifdef KABAR_TEST_PLAIN_IMAP
  static const char * const without[] = { "ESEARCH", "LITERAL+", NULL };
#else
  static const char * const without[] = { NULL };
#endif

  return kabar_service_test_get_bed (KABAR_TEST_BED_DOVECOT, without);
}

typedef struct
{
  char             *user;
  char             *directory;
  KabarAccount     *account;
  KabarMailService *service;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint counter;

  fixture->user = g_strdup_printf ("search%u@%s", ++counter, KABAR_TEST_BED_DOMAIN);
  fixture->directory = kabar_sync_test_make_directory ("kabar-search-XXXXXX");
  fixture->account = kabar_service_test_add_account (get_bed (), "Dewi", fixture->user, PASSWORD);
  fixture->service = kabar_service_test_new_service (fixture->account, fixture->directory);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  kabar_service_test_stop_service (&fixture->service);
  g_clear_object (&fixture->account);
  kabar_test_remove_directory (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->user);
}

/* --- the mailbox ------------------------------------------------------------------------ */

typedef struct
{
  const char *folder;
  const char *from;
  const char *to;
  const char *cc;
  const char *subject;
  const char *body;
  guint       days_ago;
} Mail;

/* Received days_ago days ago (no Date header: the list dates it by its
 * arrival, and so does the order of the results). */
static void
add_mail (Fixture    *fixture,
          const Mail *mail)
{
  g_autofree char *text = g_strdup_printf ("From: %s\r\n"
                                           "To: %s\r\n"
                                           "%s%s%s"
                                           "Subject: %s\r\n"
                                           "Message-ID: <%u.%s@kabar.test>\r\n"
                                           "MIME-Version: 1.0\r\n"
                                           "Content-Type: text/plain; charset=utf-8\r\n"
                                           "Content-Transfer-Encoding: 8bit\r\n"
                                           "\r\n"
                                           "%s\r\n",
                                           mail->from != NULL ? mail->from : "Sita <sita@kabar.test>",
                                           mail->to != NULL ? mail->to : fixture->user,
                                           mail->cc != NULL ? "Cc: " : "",
                                           mail->cc != NULL ? mail->cc : "",
                                           mail->cc != NULL ? "\r\n" : "",
                                           mail->subject, g_str_hash (mail->subject), fixture->user,
                                           mail->body);
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_message (get_bed (), fixture->user, mail->folder != NULL ? mail->folder : "INBOX",
                              raw, "", g_get_real_time () / G_USEC_PER_SEC - (gint64) mail->days_ago * DAY,
                              &error);
  g_assert_no_error (error);
}

/* Started, the folder synced with count messages, and online. */
static gint64
start_and_sync (Fixture    *fixture,
                const char *path,
                guint       count)
{
  gint64 start = g_get_monotonic_time ();

  kabar_mail_service_start (fixture->service);
  for (;;)
    {
      g_autoptr(KabarStoreFolder) folder = kabar_service_test_find_folder (fixture->service, path);

      if (folder != NULL && folder->total_count == count && folder->sync.uidnext > 0
          && kabar_mail_service_get_status (fixture->service) == KABAR_MAIL_SERVICE_STATUS_ONLINE)
        return folder->id;
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("%s never held %u messages (status %d)", path, count,
                 kabar_mail_service_get_status (fixture->service));
      kabar_test_spin (20);
    }
}

static gboolean
has_body (Fixture *fixture,
          gint64   message_id)
{
  g_autoptr(GError) error = NULL;
  /* The store straight from this thread: a test may wait on the disk. */
  g_autoptr(GBytes) body = kabar_store_get_body (kabar_mail_service_get_store (fixture->service),
                                                 message_id, &error);

  g_assert_no_error (error);
  return body != NULL;
}

/* --- searching ------------------------------------------------------------------------- */

typedef enum
{
  STAGE_LOCAL,
  STAGE_SERVER,
  STAGE_BOTH,
} Stage;

static GPtrArray *
try_search (Fixture       *fixture,
            Stage          stage,
            gint64         folder_id,
            const char    *query,
            GCancellable  *cancellable,
            GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  switch (stage)
    {
    case STAGE_LOCAL:
      kabar_mail_service_search_local_async (fixture->service, folder_id, query, cancellable,
                                             kabar_test_wait_done, &slot);
      result = kabar_test_wait (&slot);
      return kabar_mail_service_search_local_finish (fixture->service, result, error);
    case STAGE_SERVER:
      kabar_mail_service_search_server_async (fixture->service, folder_id, query, cancellable,
                                              kabar_test_wait_done, &slot);
      result = kabar_test_wait (&slot);
      return kabar_mail_service_search_server_finish (fixture->service, result, error);
    case STAGE_BOTH:
    default:
      kabar_mail_service_search_async (fixture->service, folder_id, query, cancellable,
                                       kabar_test_wait_done, &slot);
      result = kabar_test_wait (&slot);
      return kabar_mail_service_search_finish (fixture->service, result, error);
    }
}

/* The subjects found, in order, comma-separated: what the list shows. */
static char *
search (Fixture    *fixture,
        Stage       stage,
        gint64      folder_id,
        const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = try_search (fixture, stage, folder_id, query, NULL, &error);
  GString *subjects = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  for (guint i = 0; i < found->len; i++)
    {
      KabarMessageSummary *summary = g_ptr_array_index (found, i);

      g_string_append_printf (subjects, "%s%s", i > 0 ? "," : "", summary->subject);
      if (folder_id != 0)
        g_assert_cmpint (summary->folder_id, ==, folder_id);
    }
  return g_string_free (subjects, FALSE);
}

#define ASSERT_SEARCH(fixture, stage, folder_id, query, expected) \
  G_STMT_START { \
    g_autofree char *found_ = search (fixture, stage, folder_id, query); \
    g_assert_cmpstr (found_, ==, expected); \
  } G_STMT_END

static gint64
message_id_of (Fixture    *fixture,
               gint64      folder_id,
               const char *subject)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  kabar_mail_service_list_messages_async (fixture->service, folder_id, 0, 1000, NULL,
                                          kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  messages = kabar_mail_service_list_messages_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    {
      KabarMessageSummary *summary = g_ptr_array_index (messages, i);

      if (g_strcmp0 (summary->subject, subject) == 0)
        return summary->id;
    }
  g_error ("No message \"%s\"", subject);
}

/* The sync indexes what it stored before long; wait for it. */
static void
wait_for_local (Fixture    *fixture,
                gint64      folder_id,
                const char *query)
{
  gint64 start = g_get_monotonic_time ();

  for (;;)
    {
      g_autofree char *found = search (fixture, STAGE_LOCAL, folder_id, query);

      if (*found != '\0')
        return;
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("The local search never found \"%s\"", query);
      kabar_test_spin (20);
    }
}

/* --- tests ------------------------------------------------------------------------------- */

static const Mail envelope_mail[] = {
  { .from = "Wulandari Pertiwi <wulan@desa.test>", .subject = "Undangan arisan", .body = "Datang ya.",
    .days_ago = 95 },
  { .to = "Ratnasari <ratna@kota.test>", .cc = "Bagus <bagus@kota.test>", .subject = "Catatan rapat",
    .body = "Terlampir.", .days_ago = 96 },
  { .subject = "Laporan keuangan triwulan", .body = "Angka sementara.", .days_ago = 97 },
};

static void
test_envelope_words_are_found_locally (Fixture       *fixture,
                                       gconstpointer  data)
{
  gint64 inbox;

  for (guint i = 0; i < G_N_ELEMENTS (envelope_mail); i++)
    add_mail (fixture, &envelope_mail[i]);
  inbox = start_and_sync (fixture, "INBOX", 3);
  wait_for_local (fixture, inbox, "triwulan");

  /* Subject, sender (name and address), recipients (To and Cc). */
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "keuangan", "Laporan keuangan triwulan");
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "Wulandari", "Undangan arisan");
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "wulan@desa.test", "Undangan arisan");
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "ratnasari", "Catatan rapat");
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "bagus", "Catatan rapat");
  /* Prefixes, any case, every word. */
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "WULAN", "Undangan arisan");
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "lapor triw", "Laporan keuangan triwulan");
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "laporan arisan", "");
  /* Every folder. */
  ASSERT_SEARCH (fixture, STAGE_LOCAL, 0, "rapat", "Catatan rapat");
  /* The server agrees, and adds nothing the index gave. */
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "keuangan", "");
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "keuangan", "Laporan keuangan triwulan");
}

static void
test_downloaded_body_is_found_locally (Fixture       *fixture,
                                       gconstpointer  data)
{
  /* Recent: its body comes ahead of time, and is indexed. */
  static const Mail recent = { .subject = "Pengumuman", .body = "Besok sekolah diliburkan karena banjir.",
                               .days_ago = 1 };
  gint64 inbox;

  add_mail (fixture, &recent);
  inbox = start_and_sync (fixture, "INBOX", 1);
  wait_for_local (fixture, inbox, "diliburkan");
  g_assert_true (has_body (fixture, message_id_of (fixture, inbox, "Pengumuman")));

  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "banjir", "Pengumuman");
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "dilibur", "Pengumuman");
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "banjir", "");
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "banjir", "Pengumuman");
}

static const Mail old_mail[] = {
  { .subject = "Arsip satu", .body = "Naskah purbakala ditemukan di perpustakaan.", .days_ago = 90 },
  { .subject = "Arsip dua", .body = "Koleksi perpustakaan daerah bertambah.", .days_ago = 120 },
  { .subject = "Arsip tiga", .body = "पुस्तकालय में नई किताबें आईं।", .days_ago = 100 },
  { .subject = "Arsip empat", .body = "Tidak ada yang penting.", .days_ago = 110 },
};

static void
test_body_never_downloaded_is_found_by_the_server (Fixture       *fixture,
                                                   gconstpointer  data)
{
  gint64 inbox;

  for (guint i = 0; i < G_N_ELEMENTS (old_mail); i++)
    add_mail (fixture, &old_mail[i]);
  inbox = start_and_sync (fixture, "INBOX", 4);
  wait_for_local (fixture, inbox, "arsip");
  /* Old mail is not fetched ahead of time: only the server knows its words. */
  for (guint i = 0; i < G_N_ELEMENTS (old_mail); i++)
    g_assert_false (has_body (fixture, message_id_of (fixture, inbox, old_mail[i].subject)));
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "perpustakaan", "");

  /* Newest first. */
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "perpustakaan", "Arsip satu,Arsip dua");
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "perpustakaan", "Arsip satu,Arsip dua");
  /* Every word, each anywhere (TEXT: header or body). */
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "perpustakaan purbakala", "Arsip satu");
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "perpustakaan Sita", "Arsip satu,Arsip dua");
  /* A prefix, and any case. */
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "PURBA", "Arsip satu");
  /* Hindi: CHARSET UTF-8, the word as a literal. */
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "पुस्तकालय", "Arsip tiga");
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "किताबें", "Arsip tiga");
  /* Searching downloads nothing. */
  for (guint i = 0; i < G_N_ELEMENTS (old_mail); i++)
    g_assert_false (has_body (fixture, message_id_of (fixture, inbox, old_mail[i].subject)));
  /* Every folder: the index only. */
  ASSERT_SEARCH (fixture, STAGE_SERVER, 0, "perpustakaan", "");
  ASSERT_SEARCH (fixture, STAGE_BOTH, 0, "perpustakaan", "");
}

static void
test_local_and_server_results_merge_newest_first (Fixture       *fixture,
                                                  gconstpointer  data)
{
  static const Mail mail[] = {
    /* Found by the index (its subject), three ages. */
    { .subject = "Jadwal ronda malam", .body = "Giliran pertama.", .days_ago = 91 },
    { .subject = "Jadwal ronda pagi", .body = "Giliran kedua.", .days_ago = 130 },
    /* Found by the server only (its body, never downloaded). */
    { .subject = "Pos kamling", .body = "Jadwal ronda sudah dibagikan.", .days_ago = 100 },
    { .subject = "Lain", .body = "Tidak ada.", .days_ago = 92 },
  };
  gint64 inbox;

  for (guint i = 0; i < G_N_ELEMENTS (mail); i++)
    add_mail (fixture, &mail[i]);
  inbox = start_and_sync (fixture, "INBOX", 4);
  wait_for_local (fixture, inbox, "ronda");

  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "jadwal ronda", "Jadwal ronda malam,Jadwal ronda pagi");
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "jadwal ronda", "Pos kamling");
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "jadwal ronda",
                 "Jadwal ronda malam,Pos kamling,Jadwal ronda pagi");
}

static const Mail special_mail[] = {
  { .subject = "Jalur berkas", .body = "Simpan di C:\\Temp\\laporan ya.", .days_ago = 90 },
  { .subject = "Kutipan", .body = "Dia bilang kata\"kutip lalu pergi.", .days_ago = 91 },
  { .subject = "Kode", .body = "Isinya kode{5}rahasia dan 100%*ok (tanda] kurung).", .days_ago = 92 },
};

static void
test_quotes_backslashes_and_imap_specials_are_words (Fixture       *fixture,
                                                     gconstpointer  data)
{
  gint64 inbox;

  for (guint i = 0; i < G_N_ELEMENTS (special_mail); i++)
    add_mail (fixture, &special_mail[i]);
  inbox = start_and_sync (fixture, "INBOX", 3);
  wait_for_local (fixture, inbox, "kutipan");

  /* Each goes to the server as it was typed, escaped: found only when it
   * arrived whole. */
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "C:\\Temp\\laporan", "Jalur berkas");
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "C:\\Temp\\laporanX", "");
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "kata\"kutip", "Kutipan");
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "kode{5}rahasia 100%*ok", "Kode");
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "(tanda]", "Kode");
  /* Punctuation around a word is not part of it, as in the index. */
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "\"rahasia\"", "Kode");
  /* What would break a command built carelessly: a closing parenthesis,
   * a literal's announcement, a quote left open, a NUL-free control, a
   * search key. Nothing matches, nothing fails. */
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, ") {5}\r\nUID 1:* \"", "");
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "ALL", "");
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "x\\\" OR ALL", "");
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "\"\" \\ * % ( ) ] {", "");
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "AND OR NOT NEAR : ^ - *", "");
  /* And the connection still searches. */
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "rahasia", "Kode");
}

static void
test_cancelled_search_stops (Fixture       *fixture,
                             gconstpointer  data)
{
  static const Mail mail = { .subject = "Arsip", .body = "Gudang beras penuh.", .days_ago = 90 };
  g_autoptr(GError) error = NULL;
  gint64 inbox;

  add_mail (fixture, &mail);
  inbox = start_and_sync (fixture, "INBOX", 1);
  wait_for_local (fixture, inbox, "arsip");

  for (Stage stage = STAGE_LOCAL; stage <= STAGE_BOTH; stage++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      GAsyncResult *slot = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) found = NULL;

      g_clear_error (&error);
      switch (stage)
        {
        case STAGE_LOCAL:
          kabar_mail_service_search_local_async (fixture->service, inbox, "gudang", cancellable,
                                                 kabar_test_wait_done, &slot);
          break;
        case STAGE_SERVER:
          kabar_mail_service_search_server_async (fixture->service, inbox, "gudang", cancellable,
                                                  kabar_test_wait_done, &slot);
          break;
        case STAGE_BOTH:
        default:
          kabar_mail_service_search_async (fixture->service, inbox, "gudang", cancellable,
                                           kabar_test_wait_done, &slot);
          break;
        }
      /* Under way (on a thread, or queued to a connection): cancelled. */
      g_assert_null (slot);
      g_cancellable_cancel (cancellable);
      result = kabar_test_wait (&slot);
      switch (stage)
        {
        case STAGE_LOCAL:
          found = kabar_mail_service_search_local_finish (fixture->service, result, &error);
          break;
        case STAGE_SERVER:
          found = kabar_mail_service_search_server_finish (fixture->service, result, &error);
          break;
        case STAGE_BOTH:
        default:
          found = kabar_mail_service_search_finish (fixture->service, result, &error);
          break;
        }
      g_assert_null (found);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    }

  /* A search cancelled before it started is not sent at all. */
  {
    g_autoptr(GCancellable) cancelled = g_cancellable_new ();
    g_autoptr(GPtrArray) found = NULL;

    g_clear_error (&error);
    g_cancellable_cancel (cancelled);
    found = try_search (fixture, STAGE_SERVER, inbox, "gudang", cancelled, &error);
    g_assert_null (found);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  /* The next search is not disturbed by what was left on the wire. */
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "gudang", "Arsip");
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "gudang", "Arsip");
}

static void
test_offline_searches_the_index_only (Fixture       *fixture,
                                      gconstpointer  data)
{
  static const Mail mail[] = {
    { .subject = "Panen raya", .body = "Sawah menguning.", .days_ago = 90 },
    { .subject = "Lumbung", .body = "Hasil panen disimpan.", .days_ago = 91 },
  };
  gint64 inbox;

  for (guint i = 0; i < G_N_ELEMENTS (mail); i++)
    add_mail (fixture, &mail[i]);
  inbox = start_and_sync (fixture, "INBOX", 2);
  wait_for_local (fixture, inbox, "panen");
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "panen", "Panen raya,Lumbung");

  kabar_mail_service_set_network_available (fixture->service, FALSE);
  for (gint64 start = g_get_monotonic_time ();
       kabar_mail_service_get_status (fixture->service) != KABAR_MAIL_SERVICE_STATUS_OFFLINE;
       kabar_test_spin (20))
    g_assert_cmpfloat (kabar_test_seconds_since (start), <, WAIT_SECONDS);

  /* No error, no wait for the network: what the index knows. */
  ASSERT_SEARCH (fixture, STAGE_LOCAL, inbox, "panen", "Panen raya");
  ASSERT_SEARCH (fixture, STAGE_SERVER, inbox, "panen", "");
  ASSERT_SEARCH (fixture, STAGE_BOTH, inbox, "panen", "Panen raya");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/search/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("envelope-words-are-found-locally", test_envelope_words_are_found_locally);
  ADD ("downloaded-body-is-found-locally", test_downloaded_body_is_found_locally);
  ADD ("body-never-downloaded-is-found-by-the-server", test_body_never_downloaded_is_found_by_the_server);
  ADD ("local-and-server-results-merge-newest-first", test_local_and_server_results_merge_newest_first);
  ADD ("quotes-backslashes-and-imap-specials-are-words", test_quotes_backslashes_and_imap_specials_are_words);
  ADD ("cancelled-search-stops", test_cancelled_search_stops);
  ADD ("offline-searches-the-index-only", test_offline_searches_the_index_only);
#undef ADD

  status = g_test_run ();
  kabar_service_test_stop_bed ();
  return status;
}
