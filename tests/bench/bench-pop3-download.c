/* bench-pop3-download.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A POP account's first download against a bare RETR loop, on the test
 * bed's Dovecot with --count messages (10,000 by default) in INBOX:
 *
 *   bare:  one TLS connection, USER/PASS, then RETR 1..n pipelined (a
 *          window of commands ahead of the replies, as wide as Kabar's,
 *          so that the server is kept as busy), each reply read to its
 *          terminating line and dropped;
 *   Kabar: kabar_pop3_download_run() into a new store, timed twice:
 *          "download", until the last batch is committed with its
 *          UIDLs (every message in the list, as the progress callback
 *          tells the mail service), and "indexed", until the call
 *          returns, when every message's text is read and searchable.
 *          Search is then checked to find a word of every body.
 *
 * --size gives the messages a plain text body of about that many bytes
 * (half to one and a half times it, so sizes vary as in a mailbox); the
 * default, 0, keeps the bed's one-line messages, where the server has
 * least to send and the client's parsing and storing weigh the most.
 *
 * --store-only times the store's part alone, without the bed: the
 * download's batches of these messages written into a new store, in
 * microseconds a message, wall and CPU.
 *
 * Run in turn, --runs times; prints each, the ratio to the bare loop of
 * the same run, and the goal (1.5x). It needs a keyring for the account's
 * password: run it inside tests/kabar-test-session. Signing in is timed
 * in both.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "kabar-account.h"
#include "kabar-store-local.h"

#include "kabar-pop3-download.h"
#include "kabar-secrets.h"
#include "kabar-sync-wait.h"
#include "kabar-test-bed.h"

#define USER     "bench@" KABAR_TEST_BED_DOMAIN
#define PASSWORD "bench-password"
/* The window of kabar-pop3-session-commands.c. */
#define WINDOW   256
#define GOAL     1.5

static gboolean
accept_bed (GTlsConnection       *connection,
            GTlsCertificate      *certificate,
            GTlsCertificateFlags  errors,
            gpointer              user_data)
{
  return g_tls_certificate_is_same (certificate, user_data);
}

static void
send_text (GOutputStream *output,
           const char    *text)
{
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all (output, text, strlen (text), NULL, NULL, &error))
    g_error ("Writing to Dovecot: %s", error->message);
}

/* Reads until at least count replies of kind ended: a single line (+OK)
 * or a multi-line one (ends with CRLF . CRLF); returns how many did. tail
 * keeps the last bytes across reads. */
static guint
read_replies (GInputStream *input,
              guint         count,
              gboolean      multi,
              char         *tail)
{
  static char buffer[256 * 1024];
  const char *end_mark = multi ? "\r\n.\r\n" : "\r\n";
  gsize mark = strlen (end_mark);
  guint seen = 0;

  while (seen < count)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (input, buffer + 8, sizeof buffer - 8, NULL, &error);

      if (n <= 0)
        g_error ("Reading from Dovecot: %s", error != NULL ? error->message : "closed");
      memcpy (buffer, tail, 8);
      for (gssize i = 8 - (gssize) mark + 1; i + (gssize) mark <= n + 8; i++)
        if (memcmp (buffer + i, end_mark, mark) == 0)
          seen++;
      memcpy (tail, buffer + n, 8);
    }
  return seen;
}

/* The CPU this process used so far, all its threads, in seconds. */
static double
process_cpu (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double
bare_loop (KabarTestBed *bed,
           guint         count,
           double       *cpu)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;
  GInputStream *input;
  GOutputStream *output;
  char tail[8] = { 0 };
  gint64 start = g_get_monotonic_time ();
  double cpu_start = process_cpu ();
  guint sent = 0;
  guint done = 0;

  tcp = g_socket_client_connect_to_host (client, KABAR_TEST_BED_HOST,
                                         kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_POP3S),
                                         NULL, &error);
  g_assert_no_error (error);
  tls = g_tls_client_connection_new (G_IO_STREAM (tcp), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_bed),
                    kabar_test_bed_get_certificate (bed));
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);
  input = g_io_stream_get_input_stream (tls);
  output = g_io_stream_get_output_stream (tls);
  read_replies (input, 1, FALSE, tail);
  send_text (output, "USER " USER "\r\nPASS " PASSWORD "\r\n");
  read_replies (input, 2, FALSE, tail);
  memset (tail, 0, sizeof tail);
  while (done < count)
    {
      g_autoptr(GString) commands = g_string_new (NULL);

      while (sent < count && sent < done + WINDOW)
        g_string_append_printf (commands, "RETR %u\r\n", ++sent);
      if (commands->len > 0)
        send_text (output, commands->str);
      done += read_replies (input, MIN (WINDOW / 2, count - done), TRUE, tail);
    }
  send_text (output, "QUIT\r\n");
  g_io_stream_close (tls, NULL, NULL);
  if (cpu != NULL)
    *cpu = process_cpu () - cpu_start;
  return (g_get_monotonic_time () - start) / 1e6;
}

static KabarAccount *
new_account (KabarTestBed *bed)
{
  KabarAccount *account = kabar_account_new ();
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_set_address (account, USER);
  kabar_account_set_incoming_kind (account, KABAR_INCOMING_POP3);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST,
                            kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_POP3S),
                            KABAR_SECURITY_IMPLICIT_TLS, USER);
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING,
                                        kabar_test_bed_get_certificate (bed));
  kabar_secrets_store_async (kabar_account_get_id (account), KABAR_SECRET_POP3, "Kabar bench",
                             PASSWORD, NULL, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  if (!kabar_secrets_store_finish (result, &error))
    g_error ("No keyring (run inside tests/kabar-test-session): %s", error->message);
  return account;
}

/* The moment the last batch is in, and the process's CPU then. */
typedef struct
{
  gint64 time;
  double cpu;
} LastCommit;

/* On the store's thread, the download's waiting for it. */
static void
on_progress (gint64   folder_id,
             guint    done,
             guint    total,
             gpointer user_data)
{
  LastCommit *last = user_data;

  if (done == total)
    {
      last->time = g_get_monotonic_time ();
      last->cpu = process_cpu ();
    }
}

/* Not timed: every message is found by a word of its body. */
static void
assert_searchable (KabarStore *store,
                   const char *word,
                   guint       count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) found = kabar_store_search (store, word, 0, count + 1, &error);

  g_assert_no_error (error);
  if (found->len != count)
    g_error ("Search for \"%s\" found %u of %u messages", word, found->len, count);
}

typedef struct
{
  double download;
  double indexed;
  /* The process's CPU, all threads, until the last commit. */
  double download_cpu;
} KabarTimes;

static KabarTimes
kabar_download (KabarAccount *account,
                const char   *directory,
                guint         count,
                const char   *body_word,
                guint         run)
{
  g_autofree char *name = g_strdup_printf ("store-%u.db", run);
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (path, &error);
  KabarPop3DownloadResult result = { 0 };
  LastCommit last_commit = { 0 };
  KabarPop3DownloadOptions options = { .progress = on_progress, .progress_data = &last_commit };
  KabarTimes times;
  gint64 start;
  double cpu_start;

  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  cpu_start = process_cpu ();
  if (!kabar_pop3_download_run (account, store, &options, &result, NULL, NULL, &error))
    g_error ("The download failed: %s", error->message);
  times.indexed = (g_get_monotonic_time () - start) / 1e6;
  if (result.downloaded != count)
    g_error ("Downloaded %u of %u", result.downloaded, count);
  /* The download returned after the last commit: no race on it. */
  times.download = (last_commit.time - start) / 1e6;
  times.download_cpu = last_commit.cpu - cpu_start;
  assert_searchable (store, body_word, count);
  return times;
}

/* Words, so the body is text a search index takes in, not one token. */
static char *
make_body (guint size,
           guint seed)
{
  static const char *words[] = { "kabar", "surat", "pesan", "rapat", "laporan", "minggu",
                                 "besok", "terima", "kasih", "proyek", "jadwal", "anggaran" };
  GString *body = g_string_sized_new (size + 80);
  guint line = 0;

  while (body->len < size)
    {
      g_string_append (body, words[(seed + body->len / 7) % G_N_ELEMENTS (words)]);
      g_string_append_c (body, ' ');
      if (body->len - line > 70)
        {
          g_string_append (body, "\r\n");
          line = body->len;
        }
    }
  /* A word every body has, for the check that search finds them all. */
  g_string_append (body, "\r\n-- \r\nTim Anggaran\r\n");
  return g_string_free (body, FALSE);
}

/* Message i of count: --size's text, or with size 0 one line of it, as
 * in the messages kabar_test_bed_fill_folder() writes. */
static GBytes *
make_message (guint i,
              guint count,
              guint size)
{
  g_autofree char *body = size > 0 ? make_body (size / 2 + (i * 7919u) % (size + 1), i)
                                   : g_strdup_printf ("This is message %u of %u in INBOX.\r\n",
                                                      i, count);
  char *text = g_strdup_printf ("From: Sender %u <sender%u@example.org>\r\n"
                                "To: " USER "\r\n"
                                "Subject: Message %u\r\n"
                                "Date: Sat, 21 Nov 2026 10:%02u:00 +0700\r\n"
                                "Message-ID: <bench-%u@example.org>\r\n"
                                "MIME-Version: 1.0\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n"
                                "\r\n%s",
                                i % 50, i % 50, i, i % 60, i, body);

  return g_bytes_new_take (text, strlen (text));
}

static void
fill_sized (KabarTestBed *bed,
            guint         count,
            guint         size)
{
  for (guint i = 1; i <= count; i++)
    {
      g_autoptr(GBytes) raw = make_message (i, count, size);
      g_autoptr(GError) error = NULL;

      if (!kabar_test_bed_add_message (bed, USER, "INBOX", raw, "", 1795000000 + i, &error))
        g_error ("%s", error->message);
    }
}

static gint64
find_inbox (KabarStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;

  if (!kabar_store_ensure_local_folders (store, &error))
    g_error ("%s", error->message);
  folders = kabar_store_list_folders (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    {
      const KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->role == KABAR_FOLDER_ROLE_INBOX)
        return folder->id;
    }
  g_error ("The new store has no INBOX");
}

/* The download's store write alone, without the server, whose time
 * swings with whatever else runs: the header summaries are read first
 * (the download reads them on another thread while the batch before is
 * committed), then the download's batches, 50 messages and then 1,000,
 * go into a new store. Returns the wall time, *cpu the process's CPU. */
static double
store_write (const char        *directory,
             KabarPopDownload  *messages,
             guint              count,
             guint              run,
             double            *cpu)
{
  g_autofree char *name = g_strdup_printf ("store-%u.db", run);
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (path, &error);
  gint64 inbox;
  gint64 start;
  double cpu_start;
  guint n = 50;

  g_assert_no_error (error);
  inbox = find_inbox (store);
  for (guint i = 0; i < count; i++)
    kabar_store_pop_download_clear (&messages[i]);
  kabar_store_pop_prepare (messages, count);
  start = g_get_monotonic_time ();
  cpu_start = process_cpu ();
  for (guint done = 0; done < count; done += n, n = 1000)
    {
      n = MIN (n, count - done);
      if (!kabar_store_pop_add_messages (store, inbox, messages + done, n, 0, 1795000000, &error))
        g_error ("Storing the batch at %u: %s", done, error->message);
    }
  *cpu = process_cpu () - cpu_start;
  return (g_get_monotonic_time () - start) / 1e6;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Sorts values. */
static void
print_spread (const char *what,
              GArray     *values,
              const char *unit)
{
  g_array_sort (values, compare_doubles);
  g_print ("%s min / median / max: %.3f%s / %.3f%s / %.3f%s\n", what,
           g_array_index (values, double, 0), unit,
           g_array_index (values, double, values->len / 2), unit,
           g_array_index (values, double, values->len - 1), unit);
}

static void
remove_stores (const char *directory,
               int         runs)
{
  for (int run = 0; run < runs; run++)
    {
      g_autofree char *name = g_strdup_printf ("store-%d.db", run);
      g_autofree char *path = g_build_filename (directory, name, NULL);
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_remove (path);
      g_remove (wal);
      g_remove (shm);
    }
  g_rmdir (directory);
}

/* --store-only: store_write() run after run, per message. */
static int
run_store_only (guint count,
                guint size,
                int   runs)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("kabar-bench-pop3-XXXXXX", &error);
  g_autofree KabarPopDownload *messages = g_new0 (KabarPopDownload, count);
  g_autoptr(GPtrArray) uidls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) walls = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpus = g_array_new (FALSE, FALSE, sizeof (double));

  g_assert_no_error (error);
  for (guint i = 0; i < count; i++)
    {
      /* Dovecot's form: the UID, then UIDVALIDITY. */
      g_ptr_array_add (uidls, g_strdup_printf ("%08x%08x", i + 1, 1795000000u));
      messages[i].uidl = g_ptr_array_index (uidls, i);
      messages[i].raw = make_message (i + 1, count, size);
    }
  g_print ("the store's write alone, %u messages%s, in %s, %d runs\n", count,
           size > 0 ? " of text" : " of one line", directory, runs);
  for (int run = 0; run < runs; run++)
    {
      double cpu = 0;
      double wall = store_write (directory, messages, count, run, &cpu) * 1e6 / count;

      cpu *= 1e6 / count;
      g_array_append_val (walls, wall);
      g_array_append_val (cpus, cpu);
      g_print ("run %d: %.1f us a message (CPU %.1f us)\n", run + 1, wall, cpu);
    }
  print_spread ("store write a message", walls, " us");
  print_spread ("its CPU", cpus, " us");
  for (guint i = 0; i < count; i++)
    {
      kabar_store_pop_download_clear (&messages[i]);
      g_bytes_unref (messages[i].raw);
    }
  remove_stores (directory, runs);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  int count = 10000;
  int runs = 3;
  int size = 0;
  gboolean store_only = FALSE;
  GOptionEntry entries[] = {
    { "store-only", 0, 0, G_OPTION_ARG_NONE, &store_only,
      "Time the store's write of the messages alone, without the server", NULL },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "Body bytes of each message, about (0: one line)", "N" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Messages in INBOX (10000)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each (3)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- POP download against a bare RETR loop");
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarTestBed) bed = NULL;
  g_autoptr(KabarAccount) account = NULL;
  g_autofree char *directory = NULL;
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) indexed_ratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bares = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) downloads = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) indexeds = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_cpus = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) download_cpus = g_array_new (FALSE, FALSE, sizeof (double));

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || count < 1 || runs < 1 || size < 0)
    g_error ("%s", error != NULL ? error->message : "--count and --runs must be positive, --size not negative");
  if (store_only)
    return run_store_only (count, size, runs);
  bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_add_user (bed, USER, PASSWORD);
  if (!kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT, &error))
    g_error ("%s", error->message);
  if (size == 0 && !kabar_test_bed_fill_folder (bed, USER, "INBOX", count, &error))
    g_error ("%s", error->message);
  if (size > 0)
    fill_sized (bed, count, size);
  account = new_account (bed);
  directory = g_dir_make_tmp ("kabar-bench-pop3-XXXXXX", &error);
  g_assert_no_error (error);

  /* Warms Dovecot's index and the page cache: not counted. */
  bare_loop (bed, count, NULL);
  if (size > 0)
    g_print ("%d messages of about %d bytes of text, leave on server, %d runs\n", count, size, runs);
  else
    g_print ("%d one-line messages, leave on server, %d runs\n", count, runs);
  for (int run = 0; run < runs; run++)
    {
      double bare_cpu = 0;
      double bare = bare_loop (bed, count, &bare_cpu);
      KabarTimes kabar = kabar_download (account, directory, count,
                                         size > 0 ? "anggaran" : "inbox", run);
      double ratio = kabar.download / bare;
      double indexed_ratio = kabar.indexed / bare;

      g_array_append_val (bares, bare);
      g_array_append_val (downloads, kabar.download);
      g_array_append_val (indexeds, kabar.indexed);
      g_array_append_val (ratios, ratio);
      g_array_append_val (indexed_ratios, indexed_ratio);
      g_array_append_val (bare_cpus, bare_cpu);
      g_array_append_val (download_cpus, kabar.download_cpu);
      g_print ("run %d: bare RETR loop %.3f s (CPU %.3f s); Kabar into a new store: download "
               "(every message listed) %.3f s (CPU %.3f s), ratio %.2fx; indexed (every message "
               "searchable) %.3f s, %.2fx\n",
               run + 1, bare, bare_cpu, kabar.download, kabar.download_cpu, ratio, kabar.indexed,
               indexed_ratio);
    }
  print_spread ("bare RETR loop", bares, " s");
  print_spread ("bare RETR loop's CPU (this process)", bare_cpus, " s");
  print_spread ("Kabar's download", downloads, " s");
  print_spread ("Kabar's download's CPU (this process, every thread)", download_cpus, " s");
  print_spread ("Kabar's download and indexing", indexeds, " s");
  print_spread ("indexed ratio (reported, no goal)", indexed_ratios, "x");
  print_spread ("download ratio", ratios, "x");
  g_print ("download ratio goal %.1fx (median): %s\n", GOAL,
           g_array_index (ratios, double, ratios->len / 2) <= GOAL ? "met" : "not met");
  remove_stores (directory, runs);
  return 0;
}
