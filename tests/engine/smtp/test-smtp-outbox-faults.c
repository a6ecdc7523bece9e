/* test-smtp-outbox-faults.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The outbox with the fault proxy between it and Postfix's submissions
 * port, the connection cut at every whole command and reply of a send, in
 * both directions, and inside the message's data; then the proxy lets
 * everything through and a new outbox (as after a restart) runs again.
 * Every message must be delivered exactly once, or be left UNCONFIRMED
 * for the user (then delivered at most once): never lost, never twice.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-fault-proxy.h"
#include "kabar-outbox-test-support.h"
#include "kabar-outbox.h"
#include "kabar-store-outbox.h"
#include "kabar-test-wait.h"

#define WAIT_SECONDS 60
/* Enough data for the DATA to span many TLS records. */
#define ATTACHMENT_SIZE (256 * 1024)

typedef struct
{
  char            *sender;
  char            *recipient;
  char            *directory;
  KabarAccount    *account;
  KabarStore      *store;
  KabarFaultProxy *proxy;
  guint            connections;
} Fixture;

static void
fixture_set_up (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  KabarTestBed *bed = kabar_outbox_test_get_bed ();

  fixture->sender = kabar_outbox_test_new_user ("faulty");
  fixture->recipient = kabar_outbox_test_new_user ("rcpt");
  fixture->directory = g_dir_make_tmp ("kabar-outbox-faults-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->directory, "store.db", NULL);
  fixture->store = kabar_store_open (path, &error);
  g_assert_no_error (error);
  fixture->proxy = kabar_fault_proxy_new (kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_SUBMISSIONS));
  g_assert_true (kabar_fault_proxy_start (fixture->proxy, &error));
  g_assert_no_error (error);
  fixture->account = kabar_outbox_test_new_account (fixture->sender, KABAR_TEST_BED_PORT_SUBMISSIONS);
  /* The outbox talks to the proxy. */
  kabar_account_set_server (fixture->account, KABAR_SERVER_OUTGOING, KABAR_TEST_BED_HOST,
                            kabar_fault_proxy_get_port (fixture->proxy),
                            KABAR_SECURITY_IMPLICIT_TLS, fixture->sender);
}

static void
fixture_tear_down (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->directory, "store.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_clear_pointer (&fixture->proxy, kabar_fault_proxy_free);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->account);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->sender);
  g_free (fixture->recipient);
}

/* A new message in the outbox; its Message-ID in *message_id. */
static gint64
queue_message (Fixture  *fixture,
               char    **message_id)
{
  g_autofree char *subject = g_strdup_printf ("Uji %u", g_random_int ());
  g_autoptr(KabarOutgoingMessage) message =
    kabar_outbox_test_new_message (fixture->sender, fixture->recipient, subject);
  g_autoptr(GBytes) attachment = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sender = NULL;
  g_auto(GStrv) recipients = NULL;
  char *data = g_malloc (ATTACHMENT_SIZE);
  gint64 id;

  for (guint i = 0; i < ATTACHMENT_SIZE; i++)
    data[i] = (char) g_random_int_range (0, 256);
  attachment = g_bytes_new_take (data, ATTACHMENT_SIZE);
  kabar_outgoing_message_add_attachment (message, attachment, "data.bin", NULL);
  raw = kabar_outgoing_message_to_bytes (message, KABAR_OUTGOING_FORM_SEND, &error);
  g_assert_no_error (error);
  sender = kabar_outgoing_message_dup_envelope_sender (message);
  recipients = kabar_outgoing_message_dup_envelope_recipients (message);
  id = kabar_store_outbox_add (fixture->store, kabar_outgoing_message_get_message_id (message),
                               sender, (const char * const *) recipients, raw, 0, &error);
  g_assert_no_error (error);
  *message_id = g_strdup (kabar_outgoing_message_get_message_id (message));
  return id;
}

/* Gone (sent), or in a state only the user changes; with with_retries,
 * a temporary failure (queued again, tried once) counts too. */
static gboolean
is_settled (Fixture  *fixture,
            gint64    id,
            gboolean  with_retries)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutboxEntry) entry = kabar_store_outbox_get (fixture->store, id, &error);

  if (entry == NULL)
    {
      g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
      return TRUE;
    }
  return entry->state == KABAR_OUTBOX_UNCONFIRMED || entry->state == KABAR_OUTBOX_FAILED ||
         (with_retries && entry->state == KABAR_OUTBOX_QUEUED && entry->attempts > 0);
}

/* Runs an outbox, as a new start of Kabar does, until the message is
 * settled, and stops it. */
static void
run_outbox (Fixture  *fixture,
            gint64    id,
            gboolean  with_retries)
{
  g_autoptr(KabarOutbox) outbox = kabar_outbox_new (fixture->account, fixture->store);
  gint64 start = g_get_monotonic_time ();

  kabar_outbox_set_retry_limits (outbox, 100, 200);
  kabar_outbox_start (outbox);
  kabar_outbox_wake (outbox);
  while (!is_settled (fixture, id, with_retries))
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("Outbox message %" G_GINT64_FORMAT " never settled", id);
      kabar_test_spin (20);
    }
  kabar_outbox_stop (outbox);
  /* Its last signals. */
  kabar_test_spin (20);
}

/* Sends one message through the proxy with a cut, then again without;
 * checks what the recipient got. */
static void
send_with_cut (Fixture             *fixture,
               KabarFaultDirection  direction,
               guint64              bytes)
{
  g_autofree char *message_id = NULL;
  g_autoptr(KabarOutboxEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = queue_message (fixture, &message_id);
  int count;

  kabar_fault_proxy_cut_after (fixture->proxy, direction, bytes);
  run_outbox (fixture, id, TRUE);
  kabar_fault_proxy_clear_cuts (fixture->proxy);
  run_outbox (fixture, id, FALSE);

  entry = kabar_store_outbox_get (fixture->store, id, &error);
  if (entry == NULL)
    {
      /* Sent: exactly once. */
      kabar_outbox_test_wait_count (fixture->recipient, "INBOX", message_id, 1);
      return;
    }
  g_test_message ("Cut %s after %" G_GUINT64_FORMAT " bytes: left %s (%s)",
                  direction == KABAR_FAULT_CLIENT_TO_SERVER ? "client to server" : "server to client",
                  bytes, kabar_outbox_state_to_string (entry->state), entry->last_error);
  /* Never FAILED: a cut is no refusal. */
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_UNCONFIRMED);
  g_assert_nonnull (entry->last_error);
  count = kabar_outbox_test_count (fixture->recipient, "INBOX", message_id);
  g_assert_cmpint (count, <=, 1);
}

/* The points to cut at: where whole writes of the other side ended, and
 * some within them. */
static GArray *
cut_points (Fixture             *fixture,
            guint                connection,
            KabarFaultDirection  direction)
{
  g_autoptr(GArray) ends = kabar_fault_proxy_dup_record_ends (fixture->proxy, connection, direction);
  GArray *points = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 zero = 0;

  g_assert_cmpuint (ends->len, >, 4);
  g_array_append_val (points, zero);
  for (guint i = 0; i < ends->len; i++)
    {
      guint64 end = g_array_index (ends, guint64, i);
      guint64 inside = end - 1;

      /* The data goes in many records: the first few, some in the middle
       * and the last few cover every stage. */
      if (ends->len > 24 && i >= 8 && i + 8 < ends->len && i % (ends->len / 4) != 0)
        continue;
      g_array_append_val (points, end);
      /* Every reply also cut one byte short: the 250 after the "." among
       * them. */
      if (direction == KABAR_FAULT_SERVER_TO_CLIENT || i + 1 == ends->len || i % 3 == 0)
        g_array_append_val (points, inside);
    }
  return points;
}

static void
test_cuts (KabarFaultDirection direction)
{
  Fixture fixture = { 0 };
  g_autofree char *message_id = NULL;
  g_autoptr(GArray) points = NULL;
  gint64 id;

  fixture_set_up (&fixture);
  /* A clean run measures the conversation. */
  id = queue_message (&fixture, &message_id);
  run_outbox (&fixture, id, FALSE);
  kabar_outbox_test_wait_count (fixture.recipient, "INBOX", message_id, 1);
  g_assert_cmpuint (kabar_fault_proxy_get_n_connections (fixture.proxy), ==, 1);
  g_assert_true (kabar_fault_proxy_wait_closed (fixture.proxy, 0, 5000));
  points = cut_points (&fixture, 0, direction);
  g_test_message ("%u cut points", points->len);
  for (guint i = 0; i < points->len; i++)
    send_with_cut (&fixture, direction, g_array_index (points, guint64, i));
  fixture_tear_down (&fixture);
}

static void
test_cuts_from_the_server (void)
{
  test_cuts (KABAR_FAULT_SERVER_TO_CLIENT);
}

static void
test_cuts_from_the_client (void)
{
  test_cuts (KABAR_FAULT_CLIENT_TO_SERVER);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/smtp/outbox-faults/cut-from-the-server", test_cuts_from_the_server);
  g_test_add_func ("/smtp/outbox-faults/cut-from-the-client", test_cuts_from_the_client);

  return g_test_run ();
}
