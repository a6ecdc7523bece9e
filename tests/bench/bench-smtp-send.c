/* bench-smtp-send.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending a large message, against the goal of 1.5 times a bare client:
 * the test bed's Postfix (as root), over implicit TLS, run after run in
 * turn,
 *  - the bare send: a blocking line client (tests/servers/) writes MAIL,
 *    RCPT, DATA, the bytes and "." and reads the 250;
 *  - Kabar's SMTP client: send_data and finish_data on the same bytes;
 *  - the outbox: from kabar_store_outbox_add() (flushed to disk) to the
 *    outbox's "sent", its own connection and sign-in included, with the
 *    store's SENDING and completion.
 * Signing in is not timed for the two clients; for the outbox it is, and
 * it is compared with the bare client's whole conversation. Not a test:
 * it prints figures. Needs a keyring (the outbox reads its password
 * there): run it inside tests/kabar-test-session.
 *
 *   bench-smtp-send [--size MB] [--runs N]
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kabar-outbox.h"
#include "kabar-outgoing-message.h"
#include "kabar-secrets.h"
#include "kabar-smtp-client.h"
#include "kabar-store-outbox.h"
#include "kabar-test-bed.h"
#include "kabar-test-client.h"

#define SENDER    "alice@kabar.test"
#define RECIPIENT "bob@kabar.test"

static gint size_mb = 10;
static gint runs = 3;

static GOptionEntry entries[] = {
  { "size", 0, 0, G_OPTION_ARG_INT, &size_mb, "Message size in MB (default 10)", "MB" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs (default 3)", "N" },
  { NULL },
};

static void
check (GError *error,
       const char *what)
{
  if (error == NULL)
    return;
  g_printerr ("%s: %s\n", what, error->message);
  exit (1);
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* Waits on the default context, as kabar-sync-wait.h does on a thread. */
static void
done (GObject      *source,
      GAsyncResult *result,
      gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (slot);
}

/* A message of about size_mb MB: a line of text and random data, base64. */
static GBytes *
make_message (char **message_id)
{
  gsize attachment_size = (gsize) size_mb * 1024 * 1024 / 4 * 3;
  g_autoptr(KabarOutgoingMessage) message = kabar_outgoing_message_new ();
  g_autoptr(GError) error = NULL;
  char *data = g_malloc (attachment_size);
  g_autoptr(GBytes) attachment = NULL;
  GBytes *raw;

  for (gsize i = 0; i < attachment_size; i++)
    data[i] = (char) g_random_int_range (0, 256);
  attachment = g_bytes_new_take (data, attachment_size);
  kabar_outgoing_message_set_from (message, "Alice", SENDER);
  kabar_outgoing_message_add_address (message, KABAR_OUTGOING_TO, NULL, RECIPIENT);
  kabar_outgoing_message_set_subject (message, "Benchmark");
  kabar_outgoing_message_set_text (message, "The figures are attached.\n");
  kabar_outgoing_message_add_attachment (message, attachment, "data.bin",
                                         "application/octet-stream");
  raw = kabar_outgoing_message_to_bytes (message, KABAR_OUTGOING_FORM_SEND, &error);
  check (error, "Building the message");
  *message_id = g_strdup (kabar_outgoing_message_get_message_id (message));
  return raw;
}

/* --- the bare client ------------------------------------------------------------------ */

static void
expect (KabarTestClient *client,
        guint            want)
{
  g_autoptr(GError) error = NULL;
  guint code = 0;
  g_auto(GStrv) lines = kabar_test_client_read_smtp_reply (client, &code, &error);

  check (error, "Reading a reply");
  if (code != want)
    {
      g_printerr ("Expected %u, got %u %s\n", want, code, lines[0]);
      exit (1);
    }
}

static void
bare_send (KabarTestBed *bed,
           GBytes       *raw,
           double       *send_seconds,
           double       *whole_seconds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = g_strdup_printf ("%c%s%c%s", 0, SENDER, 0,
                                            kabar_test_bed_get_password (bed, SENDER));
  g_autofree char *auth = g_base64_encode ((const guchar *) plain,
                                           2 + strlen (SENDER) + strlen (kabar_test_bed_get_password (bed, SENDER)));
  g_autoptr(KabarTestClient) client = NULL;
  gint64 whole = g_get_monotonic_time ();
  gint64 start;

  client = kabar_test_client_connect (KABAR_TEST_BED_HOST,
                                      kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_SUBMISSIONS),
                                      KABAR_TEST_CLIENT_IMPLICIT_TLS,
                                      kabar_test_bed_get_certificate (bed), &error);
  check (error, "Connecting the bare client");
  kabar_test_client_send_line (client, "EHLO localhost", &error);
  expect (client, 250);
  kabar_test_client_send_linef (client, &error, "AUTH PLAIN %s", auth);
  expect (client, 235);
  start = g_get_monotonic_time ();
  kabar_test_client_send_linef (client, &error, "MAIL FROM:<%s> SIZE=%" G_GSIZE_FORMAT, SENDER,
                                g_bytes_get_size (raw));
  kabar_test_client_send_linef (client, &error, "RCPT TO:<%s>", RECIPIENT);
  kabar_test_client_send_line (client, "DATA", &error);
  expect (client, 250);
  expect (client, 250);
  expect (client, 354);
  /* The message has no line starting with ".": nothing to stuff. */
  kabar_test_client_send_data (client, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), &error);
  kabar_test_client_send_line (client, ".", &error);
  check (error, "Sending with the bare client");
  expect (client, 250);
  *send_seconds = seconds_since (start);
  kabar_test_client_send_line (client, "QUIT", &error);
  expect (client, 221);
  kabar_test_client_close (client, NULL);
  *whole_seconds = seconds_since (whole);
}

/* --- Kabar's client ----------------------------------------------------------------- */

static double
kabar_send (KabarTestBed *bed,
            GBytes       *raw)
{
  const char *recipients[] = { RECIPIENT, NULL };
  GAsyncResult *slot = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarSmtpClient) client = NULL;
  KabarSmtpDeliveryState state;
  GAsyncResult *result;
  gint64 start;

  kabar_smtp_client_connect_async (KABAR_TEST_BED_HOST,
                                   kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_SUBMISSIONS),
                                   KABAR_SECURITY_IMPLICIT_TLS, kabar_test_bed_get_certificate (bed),
                                   60, NULL, NULL, done, &slot);
  result = wait_for (&slot);
  client = kabar_smtp_client_connect_finish (result, NULL, &error);
  g_object_unref (result);
  check (error, "Connecting Kabar's client");
  kabar_smtp_client_authenticate_async (client, KABAR_SASL_CREDENTIAL_PASSWORD, SENDER,
                                        kabar_test_bed_get_password (bed, SENDER), NULL, done, &slot);
  result = wait_for (&slot);
  kabar_smtp_client_authenticate_finish (client, result, &error);
  g_object_unref (result);
  check (error, "Signing in with Kabar's client");

  start = g_get_monotonic_time ();
  kabar_smtp_client_send_data_async (client, SENDER, recipients, raw, NULL, done, &slot);
  result = wait_for (&slot);
  kabar_smtp_client_send_data_finish (client, result, &error);
  g_object_unref (result);
  check (error, "Sending with Kabar's client");
  kabar_smtp_client_finish_data_async (client, NULL, done, &slot);
  result = wait_for (&slot);
  kabar_smtp_client_finish_data_finish (client, result, &state, &error);
  g_object_unref (result);
  check (error, "Ending the data with Kabar's client");
  return seconds_since (start);
}

/* --- the outbox ------------------------------------------------------------------------ */

static void
on_sent (KabarOutbox *outbox,
         gint64       id,
         const char  *message_id,
         gint64       folder_id,
         gboolean    *sent)
{
  *sent = TRUE;
}

static double
outbox_send (KabarAccount *account,
             KabarStore   *store,
             GBytes       *raw,
             const char   *message_id,
             double       *queue_seconds)
{
  const char *recipients[] = { RECIPIENT, NULL };
  g_autoptr(KabarOutbox) outbox = kabar_outbox_new (account, store);
  g_autoptr(GError) error = NULL;
  gboolean sent = FALSE;
  gint64 start;

  g_signal_connect (outbox, "sent", G_CALLBACK (on_sent), &sent);
  kabar_outbox_start (outbox);
  start = g_get_monotonic_time ();
  kabar_store_outbox_add (store, message_id, SENDER, recipients, raw, 0, &error);
  check (error, "Queuing the message");
  *queue_seconds = seconds_since (start);
  kabar_outbox_wake (outbox);
  while (!sent)
    g_main_context_iteration (NULL, TRUE);
  return seconds_since (start);
}

static KabarAccount *
make_account (KabarTestBed *bed)
{
  KabarAccount *account = kabar_account_new ();
  GAsyncResult *slot = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result;

  kabar_account_set_address (account, SENDER);
  kabar_account_set_incoming_kind (account, KABAR_INCOMING_IMAP);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST,
                            kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                            KABAR_SECURITY_IMPLICIT_TLS, SENDER);
  kabar_account_set_server (account, KABAR_SERVER_OUTGOING, KABAR_TEST_BED_HOST,
                            kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_SUBMISSIONS),
                            KABAR_SECURITY_IMPLICIT_TLS, SENDER);
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_OUTGOING,
                                        kabar_test_bed_get_certificate (bed));
  kabar_secrets_store_async (kabar_account_get_id (account), KABAR_SECRET_SMTP, "Kabar benchmark",
                             kabar_test_bed_get_password (bed, SENDER), NULL, done, &slot);
  result = wait_for (&slot);
  kabar_secrets_store_finish (result, &error);
  g_object_unref (result);
  check (error, "Storing the password in the keyring");
  return account;
}

/* --- figures ----------------------------------------------------------------------------- */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
print_row (const char *name,
           GArray     *values,
           const char *unit)
{
  g_array_sort (values, compare_doubles);
  printf ("%-46s %7.3f%s / %7.3f%s / %7.3f%s\n", name, g_array_index (values, double, 0), unit,
          g_array_index (values, double, values->len / 2), unit,
          g_array_index (values, double, values->len - 1), unit);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) options = g_option_context_new ("- time a large SMTP send");
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarTestBed) bed = NULL;
  g_autoptr(KabarAccount) account = NULL;
  g_autoptr(KabarStore) store = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *store_path = NULL;
  g_autoptr(GArray) bare = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_whole = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) client = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) outbox = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) queue = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) client_ratio = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) outbox_ratio = g_array_new (FALSE, FALSE, sizeof (double));
  double client_median;
  double outbox_median;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    check (error, "Options");
  if (size_mb < 1 || runs < 1)
    return 2;

  bed = kabar_test_bed_new (&error);
  check (error, "Making the test bed");
  kabar_test_bed_start (bed, KABAR_TEST_BED_POSTFIX, &error);
  check (error, "Starting Postfix");
  account = make_account (bed);
  directory = g_dir_make_tmp ("kabar-bench-smtp-XXXXXX", &error);
  check (error, "Making a folder");
  store_path = g_build_filename (directory, "store.db", NULL);
  store = kabar_store_open (store_path, &error);
  check (error, "Opening the store");
  raw = make_message (&message_id);
  printf ("Message of %.1f MB to Postfix's submissions port over TLS, %d runs\n",
          g_bytes_get_size (raw) / 1e6, runs);

  for (int run = 0; run < runs; run++)
    {
      double send_seconds;
      double whole_seconds;
      double client_seconds;
      double outbox_seconds;
      double queue_seconds;
      double ratio;

      bare_send (bed, raw, &send_seconds, &whole_seconds);
      client_seconds = kabar_send (bed, raw);
      outbox_seconds = outbox_send (account, store, raw, message_id, &queue_seconds);
      printf ("run %d: bare %.3f s (%.3f s with sign-in), Kabar's client %.3f s (%.2fx), "
              "outbox %.3f s (%.2fx; queuing %.3f s of it)\n", run + 1, send_seconds, whole_seconds,
              client_seconds, client_seconds / send_seconds, outbox_seconds,
              outbox_seconds / whole_seconds, queue_seconds);
      g_array_append_val (queue, queue_seconds);
      g_array_append_val (bare, send_seconds);
      g_array_append_val (bare_whole, whole_seconds);
      g_array_append_val (client, client_seconds);
      g_array_append_val (outbox, outbox_seconds);
      ratio = client_seconds / send_seconds;
      g_array_append_val (client_ratio, ratio);
      ratio = outbox_seconds / whole_seconds;
      g_array_append_val (outbox_ratio, ratio);
    }

  printf ("\n%-46s %s\n", "", "   min    /  median  /   max");
  print_row ("bare client, MAIL to 250", bare, " s");
  print_row ("bare client, connect to QUIT", bare_whole, " s");
  print_row ("Kabar's client, MAIL to 250", client, " s");
  print_row ("outbox, queued to sent (sign-in, store)", outbox, " s");
  print_row ("  of which queuing (store, flushed to disk)", queue, " s");
  print_row ("Kabar's client / bare", client_ratio, "x");
  print_row ("outbox / bare with sign-in", outbox_ratio, "x");
  client_median = g_array_index (client_ratio, double, client_ratio->len / 2);
  outbox_median = g_array_index (outbox_ratio, double, outbox_ratio->len / 2);
  printf ("goal 1.5x: Kabar's client %s (median %.2fx), outbox %s (median %.2fx)\n",
          client_median <= 1.5 ? "met" : "not met", client_median,
          outbox_median <= 1.5 ? "met" : "not met", outbox_median);

  g_clear_object (&store);
  for (const char *suffix = ""; suffix != NULL;
       suffix = g_str_equal (suffix, "") ? "-wal" : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *path = g_strconcat (store_path, suffix, NULL);

      g_remove (path);
    }
  g_rmdir (directory);
  return 0;
}
