/* test-smtp-outbox-kill.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A process killed with SIGKILL while its outbox sends: kabar-outbox-child
 * queues a message and sends it through the fault proxy (which only
 * watches) to Postfix, and dies at a stage of the send; then this process
 * opens the store it left and runs the outbox, as Kabar's next start
 * would. What was queued must be delivered exactly once, or be left
 * UNCONFIRMED (once the end of the data may have gone) and delivered at
 * most once: never lost, never twice.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "kabar-fault-proxy.h"
#include "kabar-outbox-test-support.h"
#include "kabar-outbox.h"
#include "kabar-store-outbox.h"
#include "kabar-test-wait.h"

#define WAIT_SECONDS 60
#define ATTACHMENT_SIZE (1024 * 1024)

typedef struct
{
  char            *sender;
  char            *recipient;
  char            *directory;
  char            *store_path;
  char            *account_path;
  char            *message_path;
  char            *message_id;
  guint64          message_size;
  KabarAccount    *account;
  KabarFaultProxy *proxy;
} Fixture;

static void
write_account (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) key_file = kabar_account_to_key_file (fixture->account, &error);

  g_assert_no_error (error);
  g_assert_true (g_key_file_save_to_file (key_file, fixture->account_path, &error));
  g_assert_no_error (error);
}

static void
write_message (Fixture *fixture)
{
  g_autoptr(KabarOutgoingMessage) message =
    kabar_outbox_test_new_message (fixture->sender, fixture->recipient, "Sebelum mati");
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) attachment = NULL;
  g_autoptr(GError) error = NULL;
  char *data = g_malloc (ATTACHMENT_SIZE);

  for (guint i = 0; i < ATTACHMENT_SIZE; i++)
    data[i] = (char) g_random_int_range (0, 256);
  attachment = g_bytes_new_take (data, ATTACHMENT_SIZE);
  kabar_outgoing_message_add_attachment (message, attachment, "data.bin", NULL);
  raw = kabar_outgoing_message_to_bytes (message, KABAR_OUTGOING_FORM_SEND, &error);
  g_assert_no_error (error);
  fixture->message_id = g_strdup (kabar_outgoing_message_get_message_id (message));
  fixture->message_size = g_bytes_get_size (raw);
  g_assert_true (g_file_set_contents (fixture->message_path, g_bytes_get_data (raw, NULL),
                                      g_bytes_get_size (raw), &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KabarTestBed *bed = kabar_outbox_test_get_bed ();

  fixture->sender = kabar_outbox_test_new_user ("killed");
  fixture->recipient = kabar_outbox_test_new_user ("rcpt");
  fixture->directory = g_dir_make_tmp ("kabar-outbox-kill-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store_path = g_build_filename (fixture->directory, "store.db", NULL);
  fixture->account_path = g_build_filename (fixture->directory, "account.ini", NULL);
  fixture->message_path = g_build_filename (fixture->directory, "message.eml", NULL);
  fixture->proxy = kabar_fault_proxy_new (kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_SUBMISSIONS));
  g_assert_true (kabar_fault_proxy_start (fixture->proxy, &error));
  g_assert_no_error (error);
  fixture->account = kabar_outbox_test_new_account (fixture->sender, KABAR_TEST_BED_PORT_SUBMISSIONS);
  kabar_account_set_server (fixture->account, KABAR_SERVER_OUTGOING, KABAR_TEST_BED_HOST,
                            kabar_fault_proxy_get_port (fixture->proxy),
                            KABAR_SECURITY_IMPLICIT_TLS, fixture->sender);
  kabar_account_set_pinned_certificate (fixture->account, KABAR_SERVER_OUTGOING,
                                        kabar_test_bed_get_certificate (bed));
  write_account (fixture);
  write_message (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->directory, name, NULL);

      g_remove (path);
    }
  g_rmdir (fixture->directory);
  g_clear_pointer (&fixture->proxy, kabar_fault_proxy_free);
  g_clear_object (&fixture->account);
  g_free (fixture->directory);
  g_free (fixture->store_path);
  g_free (fixture->account_path);
  g_free (fixture->message_path);
  g_free (fixture->message_id);
  g_free (fixture->sender);
  g_free (fixture->recipient);
}

/* --- the child -------------------------------------------------------------------- */

static GSubprocess *
spawn_child (Fixture    *fixture,
             const char *stage)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, KABAR_OUTBOX_CHILD,
                                         fixture->store_path, fixture->account_path,
                                         fixture->message_path, stage, NULL);

  g_assert_no_error (error);
  return child;
}

static void
wait_killed (GSubprocess *child)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;

  g_subprocess_communicate (child, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_signaled (child))
    g_error ("The child was not killed: %.*s", (int) g_bytes_get_size (out),
             (const char *) g_bytes_get_data (out, NULL));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
}

/* The child kills itself at a stage of its outbox. */
static void
kill_at_stage (Fixture    *fixture,
               const char *stage)
{
  g_autoptr(GSubprocess) child = spawn_child (fixture, stage);

  wait_killed (child);
}

/* Killed from here once a quarter of the message's data went through the
 * proxy. */
static void
kill_during_data (Fixture *fixture)
{
  g_autoptr(GSubprocess) child = spawn_child (fixture, "none");
  gint64 start = g_get_monotonic_time ();

  while (kabar_fault_proxy_get_n_connections (fixture->proxy) == 0 ||
         kabar_fault_proxy_get_bytes (fixture->proxy, 0, KABAR_FAULT_CLIENT_TO_SERVER) <
           fixture->message_size / 4)
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("The child never sent half its message");
      g_usleep (1000);
    }
  g_subprocess_send_signal (child, SIGKILL);
  wait_killed (child);
}

/* --- the next start ----------------------------------------------------------------- */

static gboolean
is_settled (KabarStore *store,
            gint64      id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutboxEntry) entry = kabar_store_outbox_get (store, id, &error);

  if (entry == NULL)
    {
      g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
      return TRUE;
    }
  return entry->state == KABAR_OUTBOX_UNCONFIRMED || entry->state == KABAR_OUTBOX_FAILED;
}

/* The one message the child queued, or 0 when it queued none. */
static gint64
queued_id (KabarStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = kabar_store_outbox_list (store, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, <=, 1);
  return entries->len == 1 ? ((KabarOutboxEntry *) g_ptr_array_index (entries, 0))->id : 0;
}

/* Runs the outbox on what the child left; whether the message went. */
static gboolean
restart (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (fixture->store_path, &error);
  g_autoptr(KabarOutbox) outbox = NULL;
  g_autoptr(KabarOutboxEntry) entry = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 id;

  g_assert_no_error (error);
  id = queued_id (store);
  g_assert_cmpint (id, >, 0);
  outbox = kabar_outbox_new (fixture->account, store);
  kabar_outbox_start (outbox);
  while (!is_settled (store, id))
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("Outbox message %" G_GINT64_FORMAT " never settled", id);
      kabar_test_spin (20);
    }
  kabar_outbox_stop (outbox);
  kabar_test_spin (20);
  entry = kabar_store_outbox_get (store, id, NULL);
  if (entry == NULL)
    return TRUE;
  g_test_message ("Left %s: %s", kabar_outbox_state_to_string (entry->state), entry->last_error);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_UNCONFIRMED);
  return FALSE;
}

/* Before SENDING was on disk nothing can have been delivered: the next
 * start sends it, once. */
static void
check_sent_once (Fixture *fixture)
{
  g_assert_true (restart (fixture));
  kabar_outbox_test_wait_count (fixture->recipient, "INBOX", fixture->message_id, 1);
}

/* After it, the next start never sends it again. */
static void
check_unconfirmed (Fixture *fixture)
{
  g_assert_false (restart (fixture));
  g_assert_cmpint (kabar_outbox_test_count (fixture->recipient, "INBOX", fixture->message_id), <=, 1);
}

static void
test_killed_after_add (Fixture       *fixture,
                       gconstpointer  data)
{
  kill_at_stage (fixture, "added");
  check_sent_once (fixture);
}

static void
test_killed_signed_in (Fixture       *fixture,
                       gconstpointer  data)
{
  kill_at_stage (fixture, "signed-in");
  check_sent_once (fixture);
}

static void
test_killed_during_data (Fixture       *fixture,
                         gconstpointer  data)
{
  kill_during_data (fixture);
  if (!restart (fixture))
    {
      /* The child wrote the rest of its data and recorded SENDING before
       * the signal landed (the parent polls, and a loaded machine lets the
       * child run on): the message waits for the user, sent at most once. */
      g_test_message ("The kill landed after SENDING was recorded");
      g_assert_cmpint (kabar_outbox_test_count (fixture->recipient, "INBOX", fixture->message_id), <=, 1);
      return;
    }
  kabar_outbox_test_wait_count (fixture->recipient, "INBOX", fixture->message_id, 1);
}

static void
test_killed_with_data_written (Fixture       *fixture,
                               gconstpointer  data)
{
  kill_at_stage (fixture, "data-written");
  check_sent_once (fixture);
}

static void
test_killed_marked_sending (Fixture       *fixture,
                            gconstpointer  data)
{
  kill_at_stage (fixture, "marked-sending");
  check_unconfirmed (fixture);
  /* The "." never went: the server dropped the data. */
  g_assert_cmpint (kabar_outbox_test_count (fixture->recipient, "INBOX", fixture->message_id), ==, 0);
}

static void
test_killed_after_250 (Fixture       *fixture,
                       gconstpointer  data)
{
  kill_at_stage (fixture, "accepted");
  check_unconfirmed (fixture);
  /* It went, once, and is never sent again. */
  kabar_outbox_test_wait_count (fixture->recipient, "INBOX", fixture->message_id, 1);
}

/* --- a store that cannot record a step ------------------------------------------------ */

#define PAUSE_MS 8000

/* Another connection holds the store's write lock from the moment the
 * data is written, as a full disk would refuse the write: SENDING cannot
 * be recorded, so the "." must not go. */
typedef struct
{
  const char *store_path;
  sqlite3    *blocker;
  guint       data_written;
  /* When the data was written, the first time and the second. */
  gint64      written_at[2];
} Blocking;

static void
block_store_at_data (KabarOutboxStage stage,
                     gint64           id,
                     gpointer         data)
{
  Blocking *blocking = data;

  guint n;

  if (stage != KABAR_OUTBOX_STAGE_DATA_WRITTEN)
    return;
  n = (guint) g_atomic_int_add (&blocking->data_written, 1);
  if (n < G_N_ELEMENTS (blocking->written_at))
    blocking->written_at[n] = g_get_monotonic_time ();
  if (blocking->blocker != NULL)
    return;
  g_assert_cmpint (sqlite3_open (blocking->store_path, &blocking->blocker), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (blocking->blocker, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
on_failed (KabarOutbox  *outbox,
           gint64        id,
           const GError *error,
           GError      **failure)
{
  if (*failure == NULL)
    *failure = g_error_copy (error);
}

static void
test_store_cannot_record_sending (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) failure = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (fixture->store_path, &error);
  g_autoptr(KabarOutgoingMessage) message = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (fixture->message_path, FALSE, &error);
  g_autoptr(GBytes) raw = g_mapped_file_get_bytes (file);
  g_autoptr(KabarOutbox) outbox = NULL;
  g_autofree char *sender = NULL;
  g_auto(GStrv) recipients = NULL;
  Blocking blocking = { fixture->store_path, NULL, 0 };
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  message = kabar_outgoing_message_new_from_bytes (raw, &error);
  g_assert_no_error (error);
  sender = kabar_outgoing_message_dup_envelope_sender (message);
  recipients = kabar_outgoing_message_dup_envelope_recipients (message);
  g_assert_cmpint (kabar_store_outbox_add (store, fixture->message_id, sender,
                                           (const char * const *) recipients, raw, 0, &error), >, 0);
  outbox = kabar_outbox_new (fixture->account, store);
  kabar_outbox_set_retry_limits (outbox, PAUSE_MS, PAUSE_MS);
  kabar_outbox_set_hook_for_testing (outbox, block_store_at_data, &blocking);
  g_signal_connect (outbox, "failed", G_CALLBACK (on_failed), &failure);
  kabar_outbox_start (outbox);

  /* The user hears what failed, in the store's words. */
  while (failure == NULL)
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("The outbox never said it could not record the send");
      kabar_test_spin (20);
    }
  g_assert_nonnull (strstr (failure->message, "could not record"));
  g_assert_nonnull (strstr (failure->message, "locked"));
  /* Nothing went. */
  g_assert_cmpint (kabar_outbox_test_count (fixture->recipient, "INBOX", fixture->message_id), ==, 0);

  /* The disk has room again: after the pause it goes, once. */
  sqlite3_exec (blocking.blocker, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (blocking.blocker);
  kabar_outbox_test_wait_count (fixture->recipient, "INBOX", fixture->message_id, 1);
  kabar_outbox_stop (outbox);
  g_assert_cmpuint (g_atomic_int_get (&blocking.data_written), ==, 2);
  /* It was not sent again at once: the outbox waited out its pause
   * after the failure, which came after the first data. */
  g_assert_cmpint (blocking.written_at[1] - blocking.written_at[0], >=, (gint64) PAUSE_MS * 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/smtp/outbox-kill/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("after-add", test_killed_after_add);
  ADD ("signed-in", test_killed_signed_in);
  ADD ("during-data", test_killed_during_data);
  ADD ("data-written", test_killed_with_data_written);
  ADD ("marked-sending", test_killed_marked_sending);
  ADD ("after-250", test_killed_after_250);
  ADD ("store-cannot-record-sending", test_store_cannot_record_sending);
#undef ADD

  return g_test_run ();
}
