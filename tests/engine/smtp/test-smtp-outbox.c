/* test-smtp-outbox.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending and drafts through KabarMailService, as the composer uses it,
 * against the bed's Postfix and Dovecot: what the recipients get, what
 * the sender's Sent and Drafts hold on the server, and what the outbox
 * keeps when the server refuses or the network is away. Each test has
 * users of its own.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-mail-service.h"
#include "kabar-outbox-test-support.h"
#include "kabar-store-outbox.h"
#include "kabar-test-wait.h"
#include "kabar-test-files.h"

#define WAIT_SECONDS 60

typedef struct
{
  char             *user;
  char             *directory;
  KabarAccount     *account;
  KabarMailService *service;
  GThread          *thread;
  GPtrArray        *sent;
  guint             failures;
  GError           *last_failure;
  gboolean          wrong_thread;
} Fixture;

static void
check_thread (Fixture *fixture)
{
  if (g_thread_self () != fixture->thread)
    fixture->wrong_thread = TRUE;
}

static void
on_message_sent (KabarMailService *service,
                 const char       *message_id,
                 Fixture          *fixture)
{
  check_thread (fixture);
  g_ptr_array_add (fixture->sent, g_strdup (message_id));
}

static void
on_message_failed (KabarMailService *service,
                   gint64            id,
                   const GError     *error,
                   Fixture          *fixture)
{
  check_thread (fixture);
  fixture->failures++;
  g_clear_error (&fixture->last_failure);
  fixture->last_failure = g_error_copy (error);
}

static void
start_service (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->directory, "store.db", NULL);

  fixture->service = kabar_mail_service_new (fixture->account, path);
  g_signal_connect (fixture->service, "message-sent", G_CALLBACK (on_message_sent), fixture);
  g_signal_connect (fixture->service, "message-failed", G_CALLBACK (on_message_failed), fixture);
  kabar_mail_service_start (fixture->service);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KabarTestBedPort port = GPOINTER_TO_INT (data) != 0 ? GPOINTER_TO_INT (data)
                                                      : KABAR_TEST_BED_PORT_SUBMISSIONS;

  fixture->thread = g_thread_self ();
  fixture->user = kabar_outbox_test_new_user ("sender");
  fixture->directory = g_dir_make_tmp ("kabar-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->account = kabar_outbox_test_new_account (fixture->user, port);
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
  g_assert_false (fixture->wrong_thread);
  g_clear_object (&fixture->account);
  g_ptr_array_unref (fixture->sent);
  g_clear_error (&fixture->last_failure);
  kabar_test_remove_directory (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->user);
}

/* --- the service, as the UI calls it ---------------------------------------------- */

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
        g_error ("Waited in vain for %s (status %d)", what,
                 kabar_mail_service_get_status (fixture->service));
      kabar_test_spin (20);
    }
}

static GPtrArray *
list_folders (Fixture *fixture)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *folders;

  kabar_mail_service_list_folders_async (fixture->service, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  folders = kabar_mail_service_list_folders_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  return folders;
}

static gint64
folder_id_of_role (Fixture         *fixture,
                   KabarFolderRole  role)
{
  g_autoptr(GPtrArray) folders = NULL;

  if (kabar_mail_service_get_store (fixture->service) == NULL)
    return 0;
  folders = list_folders (fixture);
  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->role == role)
        return folder->id;
    }
  return 0;
}

static gboolean
has_sent_and_drafts (Fixture       *fixture,
                     gconstpointer  data)
{
  return folder_id_of_role (fixture, KABAR_FOLDER_ROLE_SENT) != 0 &&
         folder_id_of_role (fixture, KABAR_FOLDER_ROLE_DRAFTS) != 0;
}

/* Started, with the server's folders known: the composer is open. */
static void
start_and_wait (Fixture *fixture)
{
  start_service (fixture);
  wait_until (fixture, has_sent_and_drafts, NULL, "the Sent and Drafts folders");
}

static gboolean
outbox_is_empty (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = kabar_outbox_test_list_outbox (fixture->service);

  return entries->len == 0;
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

static gint64
save_draft (Fixture              *fixture,
            KabarOutgoingMessage *draft,
            gint64                replaces)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  kabar_mail_service_save_draft_async (fixture->service, draft, replaces, NULL,
                                       kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  id = kabar_mail_service_save_draft_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* The drafts the store shows, by subject. */
static GPtrArray *
local_draft_subjects (Fixture *fixture)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  GPtrArray *subjects = g_ptr_array_new_with_free_func (g_free);

  kabar_mail_service_list_messages_async (fixture->service,
                                          folder_id_of_role (fixture, KABAR_FOLDER_ROLE_DRAFTS),
                                          0, 100, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  messages = kabar_mail_service_list_messages_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (subjects, g_strdup (((KabarMessageSummary *) g_ptr_array_index (messages, i))->subject));
  return subjects;
}

/* Whether the server's Drafts hold exactly one message with the id, with
 * this subject. */
static gboolean
server_draft_is (Fixture       *fixture,
                 gconstpointer  data)
{
  const char * const *want = data;
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *text = NULL;

  if (kabar_outbox_test_count (fixture->user, "Drafts", want[0]) != 1)
    return FALSE;
  raw = kabar_outbox_test_fetch (fixture->user, "Drafts", want[0], NULL);
  text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  return strstr (text, want[1]) != NULL;
}

static gboolean
bytes_end_with (GBytes *whole,
                GBytes *end)
{
  gsize whole_size = g_bytes_get_size (whole);
  gsize end_size = g_bytes_get_size (end);

  return end_size <= whole_size &&
         memcmp ((const char *) g_bytes_get_data (whole, NULL) + whole_size - end_size,
                 g_bytes_get_data (end, NULL), end_size) == 0;
}

static gboolean
has_header (GBytes     *raw,
            const char *name)
{
  g_autofree char *text = g_ascii_strdown (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  char *end = strstr (text, "\r\n\r\n");
  g_autofree char *field = g_ascii_strdown (name, -1);
  g_autofree char *start = g_strconcat ("\r\n", field, ":", NULL);

  g_assert_nonnull (end);
  *end = '\0';
  return g_str_has_prefix (text, start + 2) || strstr (text, start) != NULL;
}

/* --- tests ---------------------------------------------------------------------------- */

static void
test_send_delivers_once_with_a_sent_copy (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autofree char *bob = kabar_outbox_test_new_user ("bob");
  g_autofree char *hidden = kabar_outbox_test_new_user ("hidden");
  g_autoptr(KabarOutgoingMessage) message =
    kabar_outbox_test_new_message (fixture->user, bob, "Laporan bulanan");
  g_autoptr(GBytes) attachment = g_bytes_new_static ("kolom,nilai\r\na,1\r\n", 18);
  g_autoptr(GBytes) delivered = NULL;
  g_autoptr(GBytes) hidden_copy = NULL;
  g_autoptr(GBytes) sent_copy = NULL;
  g_autoptr(KabarOutgoingMessage) read_back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *flags = NULL;
  g_autofree char *message_id = NULL;
  const char *name = NULL;

  start_and_wait (fixture);
  kabar_outgoing_message_add_address (message, KABAR_OUTGOING_BCC, NULL, hidden);
  kabar_outgoing_message_add_attachment (message, attachment, "laporan.csv", "text/csv");
  kabar_outbox_test_send (fixture->service, message, 0);
  message_id = g_strdup (kabar_outgoing_message_get_message_id (message));
  wait_until (fixture, was_sent, message_id, "the message to be sent");
  wait_until (fixture, outbox_is_empty, NULL, "an empty outbox");

  kabar_outbox_test_wait_count (bob, "INBOX", message_id, 1);
  kabar_outbox_test_wait_count (hidden, "INBOX", message_id, 1);
  kabar_outbox_test_wait_count (fixture->user, "Sent", message_id, 1);

  /* What went is what the Sent copy keeps, byte for byte; the servers
   * only put their trace headers on top. */
  sent_copy = kabar_outbox_test_fetch (fixture->user, "Sent", message_id, &flags);
  g_assert_nonnull (strstr (flags, "\\Seen"));
  delivered = kabar_outbox_test_fetch (bob, "INBOX", message_id, NULL);
  hidden_copy = kabar_outbox_test_fetch (hidden, "INBOX", message_id, NULL);
  g_assert_true (bytes_end_with (delivered, sent_copy));
  g_assert_true (bytes_end_with (hidden_copy, sent_copy));
  g_assert_false (has_header (delivered, "Bcc"));
  g_assert_false (has_header (sent_copy, "Bcc"));

  read_back = kabar_outgoing_message_new_from_bytes (delivered, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kabar_outgoing_message_get_subject (read_back), ==, "Laporan bulanan");
  g_assert_cmpstr (kabar_outgoing_message_get_text (read_back), ==, "Halo,\nsampai besok.\n");
  g_assert_cmpuint (kabar_outgoing_message_get_n_attachments (read_back), ==, 1);
  g_assert_true (g_bytes_equal (kabar_outgoing_message_get_attachment (read_back, 0, &name, NULL),
                                attachment));
  g_assert_cmpstr (name, ==, "laporan.csv");
  g_assert_cmpuint (fixture->sent->len, ==, 1);
  g_assert_cmpuint (fixture->failures, ==, 0);
  /* Still once, now that nothing is left to send. */
  g_assert_cmpint (kabar_outbox_test_count (bob, "INBOX", message_id), ==, 1);
}

static void
test_server_that_files_sent_gets_no_copy (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autofree char *bob = kabar_outbox_test_new_user ("bob");
  g_autoptr(KabarOutgoingMessage) message =
    kabar_outbox_test_new_message (fixture->user, bob, "Tanpa salinan");
  g_autoptr(GPtrArray) local = NULL;
  g_autofree char *message_id = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_set_server_files_sent (fixture->account, TRUE);
  start_and_wait (fixture);
  kabar_outbox_test_send (fixture->service, message, 0);
  message_id = g_strdup (kabar_outgoing_message_get_message_id (message));
  wait_until (fixture, was_sent, message_id, "the message to be sent");
  kabar_outbox_test_wait_count (bob, "INBOX", message_id, 1);
  /* Completing the send filed nothing here, so nothing can be replayed. */
  local = kabar_store_find_by_message_id (kabar_mail_service_get_store (fixture->service),
                                          message_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (local->len, ==, 0);
  g_assert_cmpint (kabar_outbox_test_count (fixture->user, "Sent", message_id), ==, 0);
}

static void
test_refused_recipient_fails_for_good (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autofree char *bob = kabar_outbox_test_new_user ("bob");
  g_autofree char *nobody = g_strdup_printf ("nobody-%d@%s", (int) getpid (), KABAR_TEST_BED_DOMAIN);
  g_autoptr(KabarOutgoingMessage) refused =
    kabar_outbox_test_new_message (fixture->user, nobody, "Tidak sampai");
  g_autoptr(KabarOutgoingMessage) later =
    kabar_outbox_test_new_message (fixture->user, bob, "Sesudahnya");
  g_autoptr(GPtrArray) entries = NULL;
  KabarOutboxEntry *entry;
  gint64 id;

  start_and_wait (fixture);
  id = kabar_outbox_test_send (fixture->service, refused, 0);
  wait_until (fixture, has_failed, NULL, "the refusal");
  g_assert_nonnull (strstr (fixture->last_failure->message, nobody));
  g_assert_nonnull (strstr (fixture->last_failure->message, "550"));

  /* Another message goes, and wakes the outbox: the refused one stays. */
  kabar_outbox_test_send (fixture->service, later, 0);
  wait_until (fixture, was_sent, kabar_outgoing_message_get_message_id (later), "the next message");
  entries = kabar_outbox_test_list_outbox (fixture->service);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->id, ==, id);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_FAILED);
  g_assert_cmpuint (entry->attempts, ==, 1);
  g_assert_nonnull (strstr (entry->last_error, "550"));
  g_assert_nonnull (strstr (entry->last_error, nobody));
  g_assert_cmpuint (fixture->failures, ==, 1);
}

static gboolean
is_error (Fixture       *fixture,
          gconstpointer  data)
{
  return kabar_mail_service_get_status (fixture->service) == KABAR_MAIL_SERVICE_STATUS_ERROR;
}

static gboolean
is_not_error (Fixture       *fixture,
              gconstpointer  data)
{
  return !is_error (fixture, data);
}

static void
test_refused_password_fails_and_says_so (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autofree char *bob = kabar_outbox_test_new_user ("bob");
  g_autoptr(KabarOutgoingMessage) message =
    kabar_outbox_test_new_message (fixture->user, bob, "Kata sandi salah");
  g_autoptr(GPtrArray) entries = NULL;
  const GError *error;
  KabarOutboxEntry *entry;
  gint64 id;

  kabar_outbox_test_set_smtp_password (fixture->account, "salah");
  start_and_wait (fixture);
  id = kabar_outbox_test_send (fixture->service, message, 0);
  wait_until (fixture, has_failed, NULL, "the refusal");
  wait_until (fixture, is_error, NULL, "the account's error");
  error = kabar_mail_service_get_error (fixture->service);
  /* Postfix's own words. */
  g_assert_nonnull (strstr (error->message, "535"));
  g_assert_nonnull (strstr (fixture->last_failure->message, "535"));
  entries = kabar_outbox_test_list_outbox (fixture->service);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_FAILED);

  /* The user fixes the password, retries, and asks for the message again. */
  kabar_outbox_test_set_smtp_password (fixture->account, KABAR_OUTBOX_TEST_PASSWORD);
  kabar_mail_service_retry (fixture->service);
  {
    GAsyncResult *slot = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) retry_error = NULL;

    kabar_mail_service_retry_outbox_message_async (fixture->service, id, NULL,
                                                   kabar_test_wait_done, &slot);
    result = kabar_test_wait (&slot);
    g_assert_true (kabar_mail_service_change_finish (fixture->service, result, &retry_error));
    g_assert_no_error (retry_error);
  }
  wait_until (fixture, was_sent, kabar_outgoing_message_get_message_id (message), "the message to be sent");
  wait_until (fixture, is_not_error, NULL, "the error to go");
  kabar_outbox_test_wait_count (bob, "INBOX", kabar_outgoing_message_get_message_id (message), 1);
}

static void
test_offline_waits_then_sends_once (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *bob = kabar_outbox_test_new_user ("bob");
  g_autoptr(KabarOutgoingMessage) message =
    kabar_outbox_test_new_message (fixture->user, bob, "Dari kereta");
  g_autoptr(GPtrArray) entries = NULL;
  KabarOutboxEntry *entry;
  g_autofree char *message_id = NULL;

  start_and_wait (fixture);
  kabar_mail_service_set_network_available (fixture->service, FALSE);
  kabar_outbox_test_send (fixture->service, message, 0);
  message_id = g_strdup (kabar_outgoing_message_get_message_id (message));
  /* Long enough for a send to have gone had the outbox tried. */
  kabar_test_spin (3000);
  entries = kabar_outbox_test_list_outbox (fixture->service);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_QUEUED);
  g_assert_cmpuint (entry->attempts, ==, 0);
  g_assert_cmpint (kabar_outbox_test_count (bob, "INBOX", message_id), ==, 0);

  kabar_mail_service_set_network_available (fixture->service, TRUE);
  wait_until (fixture, was_sent, message_id, "the message to be sent");
  wait_until (fixture, outbox_is_empty, NULL, "an empty outbox");
  kabar_outbox_test_wait_count (bob, "INBOX", message_id, 1);
  g_assert_cmpuint (fixture->sent->len, ==, 1);
}

static void
test_drafts_save_update_delete (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(KabarOutgoingMessage) draft =
    kabar_outbox_test_new_message (fixture->user, "budi@example.org", "Rencana v1");
  g_autoptr(GPtrArray) subjects = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *flags = NULL;
  const char *first[2];
  const char *second[2];
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  start_and_wait (fixture);
  /* Bcc stays in a draft, to be there when it is reopened. */
  kabar_outgoing_message_add_address (draft, KABAR_OUTGOING_BCC, NULL, "rahasia@example.org");
  id = save_draft (fixture, draft, 0);
  first[0] = second[0] = kabar_outgoing_message_get_message_id (draft);
  first[1] = "Rencana v1";
  wait_until (fixture, server_draft_is, first, "the draft on the server");
  raw = kabar_outbox_test_fetch (fixture->user, "Drafts", first[0], &flags);
  g_assert_nonnull (strstr (flags, "\\Draft"));
  g_assert_nonnull (strstr (flags, "\\Seen"));
  g_assert_true (has_header (raw, "Bcc"));

  kabar_outgoing_message_set_subject (draft, "Rencana v2");
  id = save_draft (fixture, draft, id);
  subjects = local_draft_subjects (fixture);
  g_assert_cmpuint (subjects->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (subjects, 0), ==, "Rencana v2");
  second[1] = "Rencana v2";
  wait_until (fixture, server_draft_is, second, "the new draft alone on the server");

  kabar_mail_service_delete_draft_async (fixture->service, id, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_mail_service_change_finish (fixture->service, result, &error));
  g_assert_no_error (error);
  g_clear_pointer (&subjects, g_ptr_array_unref);
  subjects = local_draft_subjects (fixture);
  g_assert_cmpuint (subjects->len, ==, 0);
  kabar_outbox_test_wait_count (fixture->user, "Drafts", first[0], 0);
}

static void
test_drafts_updated_offline_reach_the_server_once (Fixture       *fixture,
                                                   gconstpointer  data)
{
  g_autoptr(KabarOutgoingMessage) draft =
    kabar_outbox_test_new_message (fixture->user, "budi@example.org", "Luring v1");
  g_autoptr(GPtrArray) subjects = NULL;
  const char *last[2];
  gint64 id;

  start_and_wait (fixture);
  kabar_mail_service_set_network_available (fixture->service, FALSE);
  id = save_draft (fixture, draft, 0);
  kabar_outgoing_message_set_subject (draft, "Luring v2");
  id = save_draft (fixture, draft, id);
  kabar_outgoing_message_set_subject (draft, "Luring v3");
  id = save_draft (fixture, draft, id);
  subjects = local_draft_subjects (fixture);
  g_assert_cmpuint (subjects->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (subjects, 0), ==, "Luring v3");
  g_assert_cmpint (kabar_outbox_test_count (fixture->user, "Drafts",
                                            kabar_outgoing_message_get_message_id (draft)), ==, 0);

  kabar_mail_service_set_network_available (fixture->service, TRUE);
  last[0] = kabar_outgoing_message_get_message_id (draft);
  last[1] = "Luring v3";
  wait_until (fixture, server_draft_is, last, "the last draft alone on the server");
}

static void
test_sending_a_draft_deletes_it (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *bob = kabar_outbox_test_new_user ("bob");
  g_autoptr(KabarOutgoingMessage) draft =
    kabar_outbox_test_new_message (fixture->user, bob, "Jadi dikirim");
  g_autoptr(KabarOutgoingMessage) reopened = NULL;
  g_autoptr(GPtrArray) subjects = NULL;
  const char *saved[2];
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message_id = NULL;
  gint64 id;

  start_and_wait (fixture);
  id = save_draft (fixture, draft, 0);
  message_id = g_strdup (kabar_outgoing_message_get_message_id (draft));
  saved[0] = message_id;
  saved[1] = "Jadi dikirim";
  wait_until (fixture, server_draft_is, saved, "the draft on the server");

  /* The composer reopens it and sends it. */
  kabar_mail_service_open_draft_async (fixture->service, id, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  reopened = kabar_mail_service_open_draft_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kabar_outgoing_message_get_message_id (reopened), ==, message_id);
  kabar_outbox_test_send (fixture->service, reopened, id);
  subjects = local_draft_subjects (fixture);
  g_assert_cmpuint (subjects->len, ==, 0);
  wait_until (fixture, was_sent, message_id, "the message to be sent");
  kabar_outbox_test_wait_count (bob, "INBOX", message_id, 1);
  kabar_outbox_test_wait_count (fixture->user, "Drafts", message_id, 0);
  kabar_outbox_test_wait_count (fixture->user, "Sent", message_id, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, port, func) \
  g_test_add ("/smtp/outbox/" path, Fixture, GINT_TO_POINTER (port), fixture_set_up, func, fixture_tear_down)

  ADD ("send-delivers-once-with-a-sent-copy", KABAR_TEST_BED_PORT_SUBMISSIONS,
       test_send_delivers_once_with_a_sent_copy);
  ADD ("send-over-starttls", KABAR_TEST_BED_PORT_SUBMISSION, test_send_delivers_once_with_a_sent_copy);
  ADD ("server-that-files-sent-gets-no-copy", 0, test_server_that_files_sent_gets_no_copy);
  ADD ("refused-recipient-fails-for-good", 0, test_refused_recipient_fails_for_good);
  ADD ("refused-password-fails-and-says-so", 0, test_refused_password_fails_and_says_so);
  ADD ("offline-waits-then-sends-once", 0, test_offline_waits_then_sends_once);
  ADD ("drafts-save-update-delete", 0, test_drafts_save_update_delete);
  ADD ("drafts-updated-offline-reach-the-server-once", 0,
       test_drafts_updated_offline_reach_the_server_once);
  ADD ("sending-a-draft-deletes-it", 0, test_sending_a_draft_deletes_it);
#undef ADD

  return g_test_run ();
}
