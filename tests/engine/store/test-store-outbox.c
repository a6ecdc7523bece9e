/* test-store-outbox.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The outbox in the store: a message queued is never lost (not by a
 * restart, not by a SIGKILL right after it was queued), one that may have
 * gone is never sent again on its own, retries wait their time, and a sent
 * message leaves a \Seen copy in the Sent folder for the replay.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kabar-store.h"
#include "kabar-store-outbox.h"
#include "kabar-test-files.h"

typedef struct
{
  char *dir;
  char *path;
  KabarStore *store;
  gint64 sent;
} Fixture;

static const char * const recipients[] = {
  "dewi@example.in", "rahul@example.in", "rahasia@example.co.id", NULL,
};

static GBytes *
message_bytes (guint n)
{
  g_autofree char *text =
    g_strdup_printf ("From: Budi Santoso <budi.santoso@example.co.id>\r\n"
                     "To: Dewi Lestari <dewi@example.in>, rahul@example.in\r\n"
                     "Subject: Laporan bulanan %u\r\n"
                     "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
                     "Message-ID: <laporan-%u@example.co.id>\r\n"
                     "MIME-Version: 1.0\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n"
                     "\r\n"
                     "Terlampir laporan bulan ini.\r\n",
                     n, n);

  return g_bytes_new (text, strlen (text));
}

static void
fixture_set_up_paths (Fixture *fixture)
{
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = g_build_filename (base != NULL ? base : g_get_tmp_dir (),
                                                "store-outbox-XXXXXX", NULL);

  fixture->dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "store.sqlite3", NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_set_up_paths (fixture);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  fixture->sent = kabar_store_upsert_folder (fixture->store, "Sent", '/', NULL,
                                             KABAR_FOLDER_ROLE_SENT, TRUE, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  kabar_test_remove_directory (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

static void
reopen (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->store);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
}

static gint64
add (KabarStore *store,
     guint       n,
     gint64      sent_folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = message_bytes (n);
  g_autofree char *message_id = g_strdup_printf ("<laporan-%u@example.co.id>", n);
  gint64 id = kabar_store_outbox_add (store, message_id, "budi.santoso@example.co.id",
                                      recipients, raw, sent_folder_id, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static KabarOutboxEntry *
get (KabarStore *store,
     gint64      id)
{
  g_autoptr(GError) error = NULL;
  KabarOutboxEntry *entry = kabar_store_outbox_get (store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entry);
  return entry;
}

static gint64
next_due (KabarStore *store,
          gint64      now,
          gint64     *earliest)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kabar_store_outbox_next_due (store, now, earliest, &error);

  g_assert_no_error (error);
  return id;
}

static void
assert_raw (KabarStore *store,
            gint64      id,
            guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = message_bytes (n);
  g_autoptr(GBytes) raw = kabar_store_outbox_get_raw (store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (raw);
  g_assert_true (g_bytes_equal (raw, expected));
}

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
test_add_survives_reopening (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) expected = message_bytes (1);
  gint64 before = now ();
  gint64 id = add (fixture->store, 1, fixture->sent);
  KabarOutboxEntry *entry;

  reopen (fixture);
  entries = kabar_store_outbox_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = entries->pdata[0];
  g_assert_cmpint (entry->id, ==, id);
  g_assert_cmpstr (entry->message_id, ==, "laporan-1@example.co.id");
  g_assert_cmpstr (entry->sender, ==, "budi.santoso@example.co.id");
  g_assert_cmpstrv (entry->recipients, recipients);
  g_assert_cmpuint (entry->size, ==, g_bytes_get_size (expected));
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_QUEUED);
  g_assert_cmpuint (entry->attempts, ==, 0);
  g_assert_null (entry->last_error);
  g_assert_cmpint (entry->created_at, >=, before);
  g_assert_cmpint (entry->created_at, <=, now ());
  g_assert_cmpint (entry->sent_folder_id, ==, fixture->sent);
  assert_raw (fixture->store, id, 1);
  /* Queued now, due now. */
  g_assert_cmpint (next_due (fixture->store, now (), NULL), ==, id);
}

static void
test_unknown_id_is_not_found (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutboxEntry) entry = NULL;
  g_autoptr(GBytes) raw = NULL;

  entry = kabar_store_outbox_get (fixture->store, 42, &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_assert_null (entry);
  g_clear_error (&error);
  raw = kabar_store_outbox_get_raw (fixture->store, 42, &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_assert_null (raw);
  g_clear_error (&error);
  g_assert_false (kabar_store_outbox_mark_sending (fixture->store, 42, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (kabar_store_outbox_complete (fixture->store, 42, FALSE, NULL, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (kabar_store_outbox_remove (fixture->store, 42, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

static void
test_defer_waits_for_next_attempt (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutboxEntry) deferred = NULL;
  gint64 t = now ();
  gint64 first = add (fixture->store, 1, 0);
  gint64 second = add (fixture->store, 2, 0);
  gint64 earliest = -1;

  /* Oldest first. */
  g_assert_cmpint (next_due (fixture->store, t, &earliest), ==, first);
  g_assert_cmpint (earliest, ==, 0);

  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (next_due (fixture->store, t, NULL), ==, second);
  g_assert_true (kabar_store_outbox_defer (fixture->store, first,
                                           "451 4.3.0 Temporary lookup failure",
                                           t + 60, &error));
  g_assert_no_error (error);
  deferred = get (fixture->store, first);
  g_assert_cmpint (deferred->state, ==, KABAR_OUTBOX_QUEUED);
  g_assert_cmpuint (deferred->attempts, ==, 1);
  g_assert_cmpint (deferred->next_attempt, ==, t + 60);
  g_assert_cmpstr (deferred->last_error, ==, "451 4.3.0 Temporary lookup failure");

  /* The deferred one waits its minute; the other goes meanwhile. */
  g_assert_cmpint (next_due (fixture->store, t, &earliest), ==, second);
  g_assert_cmpint (earliest, ==, 0);
  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, second, &error));
  g_assert_true (kabar_store_outbox_complete (fixture->store, second, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (next_due (fixture->store, t, &earliest), ==, 0);
  g_assert_cmpint (earliest, ==, t + 60);
  g_assert_cmpint (next_due (fixture->store, t + 59, NULL), ==, 0);
  g_assert_cmpint (next_due (fixture->store, t + 60, NULL), ==, first);

  /* A second deferral counts a second attempt. */
  g_assert_true (kabar_store_outbox_defer (fixture->store, first, "421 4.7.0 Try again later",
                                           t + 300, &error));
  g_assert_no_error (error);
  g_clear_pointer (&deferred, kabar_outbox_entry_free);
  deferred = get (fixture->store, first);
  g_assert_cmpuint (deferred->attempts, ==, 2);
  g_assert_cmpstr (deferred->last_error, ==, "421 4.7.0 Try again later");
  g_assert_cmpint (next_due (fixture->store, t + 299, &earliest), ==, 0);
  g_assert_cmpint (earliest, ==, t + 300);
  g_assert_cmpint (next_due (fixture->store, t + 300, NULL), ==, first);
}

static void
test_recover_leaves_sending_unconfirmed (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutboxEntry) entry = NULL;
  gint64 id = add (fixture->store, 1, fixture->sent);
  gint64 queued = add (fixture->store, 2, fixture->sent);
  gint64 earliest = -1;

  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, id, &error));
  g_assert_no_error (error);
  /* Kabar stops with the end of the data perhaps sent. */
  reopen (fixture);
  g_assert_true (kabar_store_outbox_recover (fixture->store, &error));
  g_assert_no_error (error);

  entry = get (fixture->store, id);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_UNCONFIRMED);
  g_clear_pointer (&entry, kabar_outbox_entry_free);
  entry = get (fixture->store, queued);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_QUEUED);

  /* Never again on its own: not now, not in a year, not after another
   * restart. */
  g_assert_cmpint (next_due (fixture->store, now (), NULL), ==, queued);
  g_assert_true (kabar_store_outbox_remove (fixture->store, queued, &error));
  g_assert_no_error (error);
  g_assert_cmpint (next_due (fixture->store, now () + 365 * 86400, &earliest), ==, 0);
  g_assert_cmpint (earliest, ==, 0);
  reopen (fixture);
  g_assert_true (kabar_store_outbox_recover (fixture->store, &error));
  g_assert_cmpint (next_due (fixture->store, now () + 365 * 86400, NULL), ==, 0);
  g_assert_false (kabar_store_outbox_mark_sending (fixture->store, id, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "unconfirmed"));
  g_clear_error (&error);

  /* The user asks for it again. */
  g_assert_true (kabar_store_outbox_requeue (fixture->store, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (next_due (fixture->store, now (), NULL), ==, id);
  g_clear_pointer (&entry, kabar_outbox_entry_free);
  entry = get (fixture->store, id);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_QUEUED);
}

static void
test_fail_keeps_it_for_the_user (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutboxEntry) entry = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gint64 id = add (fixture->store, 1, fixture->sent);

  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, id, &error));
  g_assert_true (kabar_store_outbox_fail (fixture->store, id,
                                          "550 5.1.1 <rahul@example.in>: Recipient address rejected",
                                          &error));
  g_assert_no_error (error);
  reopen (fixture);
  entry = get (fixture->store, id);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_FAILED);
  g_assert_cmpuint (entry->attempts, ==, 1);
  g_assert_cmpstr (entry->last_error, ==,
                   "550 5.1.1 <rahul@example.in>: Recipient address rejected");
  g_assert_cmpint (next_due (fixture->store, now () + 86400, NULL), ==, 0);
  assert_raw (fixture->store, id, 1);

  /* Only a queued one can be requeued from failing... */
  g_assert_false (kabar_store_outbox_defer (fixture->store, id, "451", now (), &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (kabar_store_outbox_requeue (fixture->store, id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&entry, kabar_outbox_entry_free);
  entry = get (fixture->store, id);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_QUEUED);
  g_assert_cmpint (next_due (fixture->store, now (), NULL), ==, id);
  /* ...and a queued one is not requeued. */
  g_assert_false (kabar_store_outbox_requeue (fixture->store, id, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_FAILED);
  g_clear_error (&error);

  /* One being sent cannot be discarded; a queued one can. */
  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, id, &error));
  g_assert_false (kabar_store_outbox_remove (fixture->store, id, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (kabar_store_outbox_defer (fixture->store, id, "451", now (), &error));
  g_assert_true (kabar_store_outbox_remove (fixture->store, id, &error));
  g_assert_no_error (error);
  entries = kabar_store_outbox_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
}

static void
test_complete_files_a_seen_copy_in_sent (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) operations = NULL;
  g_autoptr(GBytes) expected = message_bytes (7);
  g_autoptr(GBytes) data_sent = NULL;
  g_autoptr(GBytes) body = NULL;
  KabarMessageSummary *copy;
  KabarPendingOperation *append;
  gint64 id = add (fixture->store, 7, fixture->sent);
  guint total = 0, unread = 0;

  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, id, &error));
  g_assert_true (kabar_store_outbox_complete (fixture->store, id, FALSE, NULL, &error));
  g_assert_no_error (error);
  reopen (fixture);

  entries = kabar_store_outbox_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);

  messages = kabar_store_list_messages (fixture->store, fixture->sent, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 1);
  copy = messages->pdata[0];
  g_assert_cmpuint (copy->uid, ==, 0);
  g_assert_cmpint (copy->flags, ==, KABAR_MESSAGE_FLAG_SEEN);
  g_assert_cmpstr (copy->subject, ==, "Laporan bulanan 7");
  g_assert_cmpstr (copy->from_name, ==, "Budi Santoso");
  g_assert_cmpstr (copy->from_address, ==, "budi.santoso@example.co.id");
  g_assert_cmpstr (copy->message_id, ==, "laporan-7@example.co.id");
  g_assert_cmpint (copy->date, ==, 1700000000);
  g_assert_cmpuint (copy->size, ==, g_bytes_get_size (expected));
  g_assert_true (kabar_store_count_messages (fixture->store, fixture->sent, &total, &unread, &error));
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpuint (unread, ==, 0);
  body = kabar_store_get_body (fixture->store, copy->id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (body, expected));

  operations = kabar_store_list_pending_operations (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (operations->len, ==, 1);
  append = operations->pdata[0];
  g_assert_cmpint (append->kind, ==, KABAR_PENDING_APPEND);
  g_assert_cmpint (append->folder_id, ==, fixture->sent);
  g_assert_nonnull (strstr (append->payload, "\\\\Seen"));
  data_sent = kabar_store_get_pending_data (fixture->store, append->id, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (data_sent, expected));
}

static void
test_complete_without_sent_folder (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) operations = NULL;
  gint64 id = add (fixture->store, 3, 0);
  gint64 other = add (fixture->store, 4, 0);
  guint total = 0, unread = 0;

  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, id, &error));
  g_assert_true (kabar_store_outbox_complete (fixture->store, id, FALSE, NULL, &error));
  g_assert_no_error (error);
  entries = kabar_store_outbox_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpint (((KabarOutboxEntry *) entries->pdata[0])->id, ==, other);
  operations = kabar_store_list_pending_operations (fixture->store, &error);
  g_assert_cmpuint (operations->len, ==, 0);
  g_assert_true (kabar_store_count_messages (fixture->store, fixture->sent, &total, &unread, &error));
  g_assert_cmpuint (total, ==, 0);
}

/* Queued before the account's folders were first listed: the Sent folder
 * known when it is sent takes the copy, unless the provider files sent
 * mail itself. */
static void
test_complete_finds_sent_folder_later (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations = NULL;
  gint64 filed = add (fixture->store, 6, 0);
  gint64 provider_files = add (fixture->store, 7, 0);
  gint64 folder_id = -1;
  guint total = 0, unread = 0;

  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, filed, &error));
  g_assert_true (kabar_store_outbox_complete (fixture->store, filed, TRUE, &folder_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (folder_id, ==, fixture->sent);
  g_assert_true (kabar_store_count_messages (fixture->store, fixture->sent, &total, &unread, &error));
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpuint (unread, ==, 0);

  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, provider_files, &error));
  g_assert_true (kabar_store_outbox_complete (fixture->store, provider_files, FALSE, &folder_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (folder_id, ==, 0);
  g_assert_true (kabar_store_count_messages (fixture->store, fixture->sent, &total, &unread, &error));
  g_assert_cmpuint (total, ==, 1);
  operations = kabar_store_list_pending_operations (fixture->store, &error);
  g_assert_cmpuint (operations->len, ==, 1);
}

/* The sent folder goes (the user deleted it): the message is still sent,
 * with no copy anywhere. */
static void
test_sent_folder_deleted_meanwhile (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutboxEntry) entry = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gint64 id = add (fixture->store, 5, fixture->sent);

  g_assert_true (kabar_store_delete_folder (fixture->store, fixture->sent, &error));
  g_assert_no_error (error);
  entry = get (fixture->store, id);
  g_assert_cmpint (entry->sent_folder_id, ==, 0);
  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, id, &error));
  g_assert_true (kabar_store_outbox_complete (fixture->store, id, FALSE, NULL, &error));
  g_assert_no_error (error);
  entries = kabar_store_outbox_list (fixture->store, &error);
  g_assert_cmpuint (entries->len, ==, 0);
}

/* The child queues a message and is killed the moment the call returns;
 * the parent opens the store only afterwards. */
static void
test_add_survives_sigkill (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int fds[2];
  gint64 id = 0;
  pid_t pid;
  int status = 0;

  g_clear_object (&fixture->store);
  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      KabarStore *store;

      close (fds[0]);
      store = kabar_store_open (fixture->path, NULL);
      if (store == NULL)
        _exit (1);
      id = add (store, 9, 0);
      if (write (fds[1], &id, sizeof id) != sizeof id)
        _exit (1);
      for (;;)
        pause ();
    }
  close (fds[1]);
  g_assert_cmpint (read (fds[0], &id, sizeof id), ==, sizeof id);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  close (fds[0]);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  entries = kabar_store_outbox_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpint (((KabarOutboxEntry *) entries->pdata[0])->id, ==, id);
  assert_raw (fixture->store, id, 9);
  g_assert_cmpint (next_due (fixture->store, now (), NULL), ==, id);
}

/* A message queued with a delay waits for it, even when the sender is
 * told to send everything now (the network came back); a retry's wait
 * does not hold it beyond its own. */
static void
test_delayed_waits_even_when_all_go_now (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = message_bytes (1);
  gint64 start = now ();
  gint64 earliest = 0;
  gint64 id;
  gint64 retry;

  id = kabar_store_outbox_add_delayed (fixture->store, "<laporan-1@example.co.id>",
                                       "budi.santoso@example.co.id", recipients, raw, 0,
                                       start + 3600, &error);
  g_assert_no_error (error);
  g_assert_cmpint (next_due (fixture->store, start, &earliest), ==, 0);
  g_assert_cmpint (earliest, ==, start + 3600);
  g_assert_cmpint (next_due (fixture->store, G_MAXINT64, &earliest), ==, 0);

  /* A failed attempt's retry, due at once when all go now. */
  retry = add (fixture->store, 2, 0);
  g_assert_true (kabar_store_outbox_defer (fixture->store, retry, "421 busy", start + 600, &error));
  g_assert_cmpint (next_due (fixture->store, start, &earliest), ==, 0);
  g_assert_cmpint (earliest, ==, start + 600);
  g_assert_cmpint (next_due (fixture->store, G_MAXINT64, NULL), ==, retry);
  g_assert_true (kabar_store_outbox_remove (fixture->store, retry, &error));

  /* The moment came (a message queued with a delay already past). */
  g_assert_true (kabar_store_outbox_remove (fixture->store, id, &error));
  id = kabar_store_outbox_add_delayed (fixture->store, "<laporan-1@example.co.id>",
                                       "budi.santoso@example.co.id", recipients, raw, 0,
                                       start - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (next_due (fixture->store, now (), NULL), ==, id);
}

static void
assert_taken_back (KabarStore *store,
                   gint64      id,
                   guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutboxEntry) entry = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) expected = message_bytes (n);

  g_assert_true (kabar_store_outbox_take_back (store, id, &entry, &raw, &error));
  g_assert_no_error (error);
  g_assert_nonnull (raw);
  g_assert_true (g_bytes_equal (raw, expected));
  g_assert_cmpstrv (entry->recipients, recipients);
  g_assert_null (kabar_store_outbox_get (store, id, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

/* Queued, failed or unconfirmed: taken back whole, and gone from the
 * outbox. Being sent: left alone. Not there: not found. A sender that
 * wrote the data of a message taken back cannot mark it SENDING, so it
 * never sends the end of it. */
static void
test_take_back (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutboxEntry) entry = NULL;
  g_autoptr(GBytes) raw = NULL;
  gint64 queued = add (fixture->store, 1, fixture->sent);
  gint64 failed = add (fixture->store, 2, fixture->sent);
  gint64 unconfirmed = add (fixture->store, 3, fixture->sent);
  gint64 sending = add (fixture->store, 4, fixture->sent);
  gint64 racing = add (fixture->store, 5, fixture->sent);

  g_assert_true (kabar_store_outbox_fail (fixture->store, failed, "550 no such user", &error));
  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, unconfirmed, &error));
  g_assert_true (kabar_store_outbox_mark_unconfirmed (fixture->store, unconfirmed, "cut", &error));
  g_assert_true (kabar_store_outbox_mark_sending (fixture->store, sending, &error));
  g_assert_no_error (error);

  assert_taken_back (fixture->store, queued, 1);
  assert_taken_back (fixture->store, failed, 2);
  assert_taken_back (fixture->store, unconfirmed, 3);

  g_assert_true (kabar_store_outbox_take_back (fixture->store, sending, &entry, &raw, &error));
  g_assert_no_error (error);
  g_assert_null (raw);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_SENDING);
  g_clear_pointer (&entry, kabar_outbox_entry_free);
  entry = get (fixture->store, sending);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_SENDING);
  g_clear_pointer (&entry, kabar_outbox_entry_free);

  g_assert_false (kabar_store_outbox_take_back (fixture->store, queued, &entry, &raw, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_assert_null (entry);
  g_assert_null (raw);
  g_clear_error (&error);

  /* The sender wrote its data; the user took it back before SENDING. */
  g_assert_cmpint (next_due (fixture->store, now (), NULL), ==, racing);
  assert_taken_back (fixture->store, racing, 5);
  g_assert_false (kabar_store_outbox_mark_sending (fixture->store, racing, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

#define ADD(path, function) \
  g_test_add (path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/store/outbox/add-survives-reopening", test_add_survives_reopening);
  ADD ("/store/outbox/add-survives-sigkill", test_add_survives_sigkill);
  ADD ("/store/outbox/unknown-id-is-not-found", test_unknown_id_is_not_found);
  ADD ("/store/outbox/defer-waits-for-next-attempt", test_defer_waits_for_next_attempt);
  ADD ("/store/outbox/recover-leaves-sending-unconfirmed", test_recover_leaves_sending_unconfirmed);
  ADD ("/store/outbox/fail-keeps-it-for-the-user", test_fail_keeps_it_for_the_user);
  ADD ("/store/outbox/complete-files-a-seen-copy-in-sent", test_complete_files_a_seen_copy_in_sent);
  ADD ("/store/outbox/complete-without-sent-folder", test_complete_without_sent_folder);
  ADD ("/store/outbox/complete-finds-sent-folder-later", test_complete_finds_sent_folder_later);
  ADD ("/store/outbox/sent-folder-deleted-meanwhile", test_sent_folder_deleted_meanwhile);
  ADD ("/store/outbox/delayed-waits-even-when-all-go-now", test_delayed_waits_even_when_all_go_now);
  ADD ("/store/outbox/take-back", test_take_back);

  return g_test_run ();
}
