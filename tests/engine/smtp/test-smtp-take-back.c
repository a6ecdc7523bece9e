/* test-smtp-take-back.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending with a moment to take the message back ("Undo" after Send),
 * through KabarMailService against the bed's Postfix and Dovecot: a
 * message taken back within the delay never arrives and comes back as it
 * was written, Bcc included; one already sent cannot be; one the server
 * refused comes back to be fixed; one taken back while the sender was
 * writing its data never gets its end. And completion from the addresses
 * written to. Each test has users of its own.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-mail-service.h"
#include "kabar-outbox-test-support.h"
#include "kabar-outbox.h"
#include "kabar-store-outbox.h"
#include "kabar-test-wait.h"
#include "kabar-test-files.h"

#define WAIT_SECONDS 60
#define DELAY_SECONDS 3

typedef struct
{
  char             *user;
  char             *directory;
  KabarAccount     *account;
  KabarMailService *service;
  GPtrArray        *sent;
  guint             failures;
  GError           *last_failure;
} Fixture;

static void
on_message_sent (KabarMailService *service,
                 const char       *message_id,
                 Fixture          *fixture)
{
  g_ptr_array_add (fixture->sent, g_strdup (message_id));
}

static void
on_message_failed (KabarMailService *service,
                   gint64            id,
                   const GError     *error,
                   Fixture          *fixture)
{
  fixture->failures++;
  g_clear_error (&fixture->last_failure);
  fixture->last_failure = g_error_copy (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->user = kabar_outbox_test_new_user ("sender");
  fixture->directory = g_dir_make_tmp ("kabar-take-back-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->account = kabar_outbox_test_new_account (fixture->user, KABAR_TEST_BED_PORT_SUBMISSIONS);
  fixture->sent = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->service != NULL)
    kabar_mail_service_stop (fixture->service);
  g_clear_object (&fixture->service);
  kabar_test_spin (50);
  g_clear_object (&fixture->account);
  g_ptr_array_unref (fixture->sent);
  g_clear_error (&fixture->last_failure);
  kabar_test_remove_directory (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->user);
}

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
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("Waited in vain for %s", what);
      kabar_test_spin (20);
    }
}

static gboolean
has_sent_folder (Fixture       *fixture,
                 gconstpointer  data)
{
  KabarStore *store = kabar_mail_service_get_store (fixture->service);
  g_autoptr(GPtrArray) folders = NULL;

  if (store == NULL)
    return FALSE;
  folders = kabar_store_list_folders (store, NULL);
  for (guint i = 0; folders != NULL && i < folders->len; i++)
    if (((KabarStoreFolder *) g_ptr_array_index (folders, i))->role == KABAR_FOLDER_ROLE_SENT)
      return TRUE;
  return FALSE;
}

static void
start_and_wait (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->directory, "store.db", NULL);

  fixture->service = kabar_mail_service_new (fixture->account, path);
  g_signal_connect (fixture->service, "message-sent", G_CALLBACK (on_message_sent), fixture);
  g_signal_connect (fixture->service, "message-failed", G_CALLBACK (on_message_failed), fixture);
  kabar_mail_service_start (fixture->service);
  wait_until (fixture, has_sent_folder, NULL, "the Sent folder");
}

static KabarOutgoingMessage *
take_back (Fixture  *fixture,
           gint64    id,
           GError  **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_mail_service_take_back_async (fixture->service, id, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_mail_service_take_back_finish (fixture->service, result, error);
}

static gboolean
was_sent (Fixture       *fixture,
          gconstpointer  data)
{
  for (guint i = 0; i < fixture->sent->len; i++)
    if (g_strcmp0 (g_ptr_array_index (fixture->sent, i), data) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
has_failed (Fixture       *fixture,
            gconstpointer  data)
{
  return fixture->failures > 0;
}

static char *
list_text (KabarOutgoingMessage *message,
           KabarOutgoingField    field)
{
  return internet_address_list_to_string (kabar_outgoing_message_get_addresses (message, field),
                                          NULL, FALSE);
}

/* Taken back within the delay: it never goes (another message queued with
 * it goes, so the outbox did run past the delay), and the message comes
 * back as written, its Bcc restored. */
static void
test_take_back_within_the_delay (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *bob = kabar_outbox_test_new_user ("bob");
  g_autofree char *hidden = kabar_outbox_test_new_user ("hidden");
  g_autoptr(KabarOutgoingMessage) message =
    kabar_outbox_test_new_message (fixture->user, bob, "Salah kirim");
  g_autoptr(KabarOutgoingMessage) control =
    kabar_outbox_test_new_message (fixture->user, bob, "Yang ini boleh");
  g_autoptr(KabarOutgoingMessage) back = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *to = NULL;
  g_autofree char *bcc = NULL;
  KabarOutboxEntry *entry;
  gint64 id;

  start_and_wait (fixture);
  kabar_mail_service_set_send_delay (fixture->service, DELAY_SECONDS);
  kabar_outgoing_message_add_address (message, KABAR_OUTGOING_BCC, "Rahasia", hidden);
  id = kabar_outbox_test_send (fixture->service, message, 0);
  message_id = g_strdup (kabar_outgoing_message_get_message_id (message));
  kabar_outbox_test_send (fixture->service, control, 0);

  back = take_back (fixture, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (kabar_outgoing_message_get_subject (back), ==, "Salah kirim");
  g_assert_cmpstr (kabar_outgoing_message_get_text (back), ==, "Halo,\nsampai besok.\n");
  g_assert_cmpstr (kabar_outgoing_message_get_message_id (back), ==, message_id);
  to = list_text (back, KABAR_OUTGOING_TO);
  bcc = list_text (back, KABAR_OUTGOING_BCC);
  g_assert_nonnull (strstr (to, bob));
  g_assert_null (strstr (to, hidden));
  g_assert_cmpstr (bcc, ==, hidden);

  /* The other one waits for its delay, then goes; the one taken back is
   * in the outbox no more, and reaches nobody. */
  entries = kabar_outbox_test_list_outbox (fixture->service);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->next_attempt, >=, entry->created_at + DELAY_SECONDS);
  wait_until (fixture, was_sent, kabar_outgoing_message_get_message_id (control), "the other message");
  kabar_outbox_test_wait_count (bob, "INBOX", kabar_outgoing_message_get_message_id (control), 1);
  g_assert_cmpint (kabar_outbox_test_count (bob, "INBOX", message_id), ==, 0);
  g_assert_cmpint (kabar_outbox_test_count (hidden, "INBOX", message_id), ==, 0);
  g_assert_cmpint (kabar_outbox_test_count (fixture->user, "Sent", message_id), ==, 0);
  g_assert_false (was_sent (fixture, message_id));

  /* Taken back once is taken back: the second time it is not there. */
  g_clear_object (&back);
  back = take_back (fixture, id, &error);
  g_assert_null (back);
  g_assert_error (error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_ALREADY_SENT);
}

/* Too late: the message went. */
static void
test_take_back_after_it_went (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *bob = kabar_outbox_test_new_user ("bob");
  g_autoptr(KabarOutgoingMessage) message =
    kabar_outbox_test_new_message (fixture->user, bob, "Sudah terkirim");
  g_autoptr(KabarOutgoingMessage) back = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  start_and_wait (fixture);
  id = kabar_outbox_test_send (fixture->service, message, 0);
  wait_until (fixture, was_sent, kabar_outgoing_message_get_message_id (message), "the message to go");

  back = take_back (fixture, id, &error);
  g_assert_null (back);
  g_assert_error (error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_ALREADY_SENT);
  g_assert_nonnull (strstr (error->message, fixture->user));
  kabar_outbox_test_wait_count (bob, "INBOX", kabar_outgoing_message_get_message_id (message), 1);
}

/* Postfix refused a recipient for good: the message comes back to be
 * fixed, and leaves the outbox. */
static void
test_take_back_a_refused_message (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *nobody = g_strdup_printf ("nobody-%d@%s", (int) getpid (), KABAR_TEST_BED_DOMAIN);
  g_autoptr(KabarOutgoingMessage) message =
    kabar_outbox_test_new_message (fixture->user, nobody, "Alamat salah");
  g_autoptr(KabarOutgoingMessage) back = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *to = NULL;
  gint64 id;

  start_and_wait (fixture);
  id = kabar_outbox_test_send (fixture->service, message, 0);
  wait_until (fixture, has_failed, NULL, "the refusal");
  g_assert_nonnull (strstr (fixture->last_failure->message, "550"));

  back = take_back (fixture, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kabar_outgoing_message_get_subject (back), ==, "Alamat salah");
  to = list_text (back, KABAR_OUTGOING_TO);
  g_assert_cmpstr (to, ==, nobody);
  g_assert_cmpuint (internet_address_list_length (kabar_outgoing_message_get_addresses (back, KABAR_OUTGOING_BCC)), ==, 0);
  entries = kabar_outbox_test_list_outbox (fixture->service);
  g_assert_cmpuint (entries->len, ==, 0);
}

/* Those the user writes to complete first, as soon as the message is
 * queued, before people who merely wrote more often. */
static gboolean
completes_first (Fixture       *fixture,
                 gconstpointer  data)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = NULL;

  kabar_mail_service_complete_address_async (fixture->service, "BOB", 5, NULL,
                                             kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  matches = kabar_mail_service_complete_address_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  return matches->len > 0
         && g_strcmp0 (((KabarAddressMatch *) g_ptr_array_index (matches, 0))->address, data) == 0;
}

static void
test_written_to_completes_first (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *bob = kabar_outbox_test_new_user ("bob");
  g_autoptr(KabarOutgoingMessage) message =
    kabar_outbox_test_new_message (fixture->user, bob, "Untuk Bob");

  start_and_wait (fixture);
  g_assert_false (completes_first (fixture, bob));
  kabar_outbox_test_send (fixture->service, message, 0);
  g_assert_true (completes_first (fixture, bob));
}

/* The user takes the message back while the sender is writing its data:
 * the sender finds it gone before the end of the data and sends nothing;
 * the next message goes as usual. */
typedef struct
{
  KabarStore *store;
  gint64      victim;
  gboolean    taken;
} Race;

static void
take_back_at_data (KabarOutboxStage stage,
                   gint64           id,
                   gpointer         data)
{
  Race *race = data;
  g_autoptr(KabarOutboxEntry) entry = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) error = NULL;

  if (stage != KABAR_OUTBOX_STAGE_DATA_WRITTEN || id != race->victim)
    return;
  g_assert_true (kabar_store_outbox_take_back (race->store, id, &entry, &raw, &error));
  g_assert_no_error (error);
  g_assert_nonnull (raw);
  g_atomic_int_set (&race->taken, TRUE);
}

static gint64
queue (KabarStore           *store,
       KabarOutgoingMessage *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = kabar_outgoing_message_to_bytes (message, KABAR_OUTGOING_FORM_SEND, &error);
  g_autofree char *sender = kabar_outgoing_message_dup_envelope_sender (message);
  g_auto(GStrv) recipients = kabar_outgoing_message_dup_envelope_recipients (message);
  gint64 id = kabar_store_outbox_add (store, kabar_outgoing_message_get_message_id (message), sender,
                                      (const char * const *) recipients, raw, 0, &error);

  g_assert_no_error (error);
  return id;
}

static void
test_taken_back_while_its_data_goes (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autofree char *bob = kabar_outbox_test_new_user ("bob");
  g_autofree char *path = g_build_filename (fixture->directory, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (path, &error);
  g_autoptr(KabarOutgoingMessage) victim =
    kabar_outbox_test_new_message (fixture->user, bob, "Ditarik di tengah jalan");
  g_autoptr(KabarOutgoingMessage) next =
    kabar_outbox_test_new_message (fixture->user, bob, "Berikutnya");
  g_autoptr(KabarOutbox) outbox = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  Race race = { store, 0, FALSE };

  g_assert_no_error (error);
  race.victim = queue (store, victim);
  queue (store, next);
  outbox = kabar_outbox_new (fixture->account, store);
  kabar_outbox_set_hook_for_testing (outbox, take_back_at_data, &race);
  kabar_outbox_start (outbox);

  kabar_outbox_test_wait_count (bob, "INBOX", kabar_outgoing_message_get_message_id (next), 1);
  kabar_outbox_stop (outbox);
  g_assert_true (g_atomic_int_get (&race.taken));
  g_assert_cmpint (kabar_outbox_test_count (bob, "INBOX", kabar_outgoing_message_get_message_id (victim)), ==, 0);
  entries = kabar_store_outbox_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/smtp/take-back/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("within-the-delay", test_take_back_within_the_delay);
  ADD ("after-it-went", test_take_back_after_it_went);
  ADD ("a-refused-message", test_take_back_a_refused_message);
  ADD ("taken-back-while-its-data-goes", test_taken_back_while_its_data_goes);
  ADD ("written-to-completes-first", test_written_to_completes_first);
#undef ADD

  return g_test_run ();
}
