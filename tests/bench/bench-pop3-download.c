/* bench-pop3-download.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A POP account's first download against a bare RETR loop, on the test
 * bed's Dovecot with --count messages (10,000 by default) in INBOX:
 *
 *   bare:  one TLS connection, USER/PASS, then RETR 1..n pipelined (a
 *          window of commands ahead of the replies), each reply read to
 *          its terminating line and dropped;
 *   Kabar: kabar_pop3_download_run() into a new store, until every
 *          message is committed, searchable and its UIDL remembered.
 *
 * --size gives the messages a plain text body of about that many bytes
 * (half to one and a half times it, so sizes vary as in a mailbox); the
 * default, 0, keeps the bed's one-line messages, where the server has
 * least to send and the client's parsing and storing weigh the most.
 *
 * Run in turn, --runs times; prints each, the ratio to the bare loop of
 * the same run, and the goal (1.5x). It needs a keyring for the account's
 * password: run it inside tests/kabar-test-session. Signing in is timed
 * in both.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-account.h"
#include "kabar-store-local.h"

#include "kabar-pop3-download.h"
#include "kabar-secrets.h"
#include "kabar-sync-wait.h"
#include "kabar-test-bed.h"

#define USER     "bench@" KABAR_TEST_BED_DOMAIN
#define PASSWORD "bench-password"
#define WINDOW   64
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

static double
bare_loop (KabarTestBed *bed,
           guint         count)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;
  GInputStream *input;
  GOutputStream *output;
  char tail[8] = { 0 };
  gint64 start = g_get_monotonic_time ();
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

static double
kabar_download (KabarAccount *account,
                const char   *directory,
                guint         count,
                guint         run)
{
  g_autofree char *name = g_strdup_printf ("store-%u.db", run);
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (path, &error);
  KabarPop3DownloadResult result = { 0 };
  gint64 start;
  double seconds;

  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  if (!kabar_pop3_download_run (account, store, NULL, &result, NULL, NULL, &error))
    g_error ("The download failed: %s", error->message);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  if (result.downloaded != count)
    g_error ("Downloaded %u of %u", result.downloaded, count);
  return seconds;
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
  g_string_append (body, "\r\n");
  return g_string_free (body, FALSE);
}

static void
fill_sized (KabarTestBed *bed,
            guint         count,
            guint         size)
{
  for (guint i = 1; i <= count; i++)
    {
      g_autofree char *body = make_body (size / 2 + (i * 7919u) % (size + 1), i);
      g_autofree char *text = g_strdup_printf ("From: Sender %u <sender%u@example.org>\r\n"
                                               "To: " USER "\r\n"
                                               "Subject: Message %u\r\n"
                                               "Date: Sat, 21 Nov 2026 10:%02u:00 +0700\r\n"
                                               "Message-ID: <bench-%u@example.org>\r\n"
                                               "MIME-Version: 1.0\r\n"
                                               "Content-Type: text/plain; charset=utf-8\r\n"
                                               "\r\n%s",
                                               i % 50, i % 50, i, i % 60, i, body);
      g_autoptr(GBytes) raw = g_bytes_new_take (text, strlen (text));
      g_autoptr(GError) error = NULL;

      text = NULL;
      if (!kabar_test_bed_add_message (bed, USER, "INBOX", raw, "", 1795000000 + i, &error))
        g_error ("%s", error->message);
    }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  int count = 10000;
  int runs = 3;
  int size = 0;
  GOptionEntry entries[] = {
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

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || count < 1 || runs < 1 || size < 0)
    g_error ("%s", error != NULL ? error->message : "--count and --runs must be positive, --size not negative");
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
  bare_loop (bed, count);
  if (size > 0)
    g_print ("%d messages of about %d bytes of text, leave on server, %d runs\n", count, size, runs);
  else
    g_print ("%d one-line messages, leave on server, %d runs\n", count, runs);
  for (int run = 0; run < runs; run++)
    {
      double bare = bare_loop (bed, count);
      double kabar = kabar_download (account, directory, count, run);
      double ratio = kabar / bare;

      g_array_append_val (ratios, ratio);
      g_print ("run %d: bare RETR loop %.3f s, Kabar's download into a new store %.3f s, ratio %.2fx\n",
               run + 1, bare, kabar, ratio);
    }
  g_array_sort (ratios, compare_doubles);
  g_print ("ratio min / median / max: %.2fx / %.2fx / %.2fx; goal %.1fx: %s\n",
           g_array_index (ratios, double, 0), g_array_index (ratios, double, ratios->len / 2),
           g_array_index (ratios, double, ratios->len - 1), GOAL,
           g_array_index (ratios, double, ratios->len / 2) <= GOAL ? "met" : "not met");
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
  return 0;
}
