/* test-graph-service.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Graph account's KabarMailService, as the window runs it, against the
 * loopback Graph server: its folders and mail come in, the user's changes
 * reach the server (or come back, refused), a message's body is read from
 * $value, an access token that ran out is renewed, and a sign-in that
 * Microsoft ended asks the user to sign in again.
 */

#include "config.h"

#include <gmime/gmime.h>
#include <string.h>

#include "kabar-graph-error.h"
#include "kabar-graph-service-test.h"
#include "kabar-service-test.h"
#include "kabar-test-wait.h"

typedef KabarGraphServiceFixture Fixture;

/* --- helpers ------------------------------------------------------------------- */

static KabarStoreFolder *
find_role (Fixture         *fixture,
           KabarFolderRole  role)
{
  g_autoptr(GPtrArray) folders = kabar_service_test_list_folders (fixture->service);

  for (guint i = 0; i < folders->len; i++)
    {
      const KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->role == role)
        return kabar_store_folder_copy (folder);
    }
  return NULL;
}

typedef struct
{
  const char *path;
  guint       total;
} Count;

/* The folder (a path, or NULL for the inbox) lists total messages. */
static gboolean
folder_holds (Fixture       *fixture,
              gconstpointer  data)
{
  const Count *count = data;
  g_autoptr(KabarStoreFolder) folder = count->path != NULL
                                       ? kabar_service_test_find_folder (fixture->service, count->path)
                                       : find_role (fixture, KABAR_FOLDER_ROLE_INBOX);

  return folder != NULL && folder->total_count == count->total;
}

static void
wait_for_folder (Fixture    *fixture,
                 const char *path,
                 guint       total)
{
  Count count = { path, total };
  g_autofree char *what = g_strdup_printf ("%u messages in %s", total, path != NULL ? path : "the inbox");

  kabar_graph_service_test_wait (fixture, folder_holds, &count, what);
}

static GPtrArray *
list_messages (Fixture *fixture,
               gint64   folder_id)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GPtrArray *messages;

  kabar_mail_service_list_messages_async (fixture->service, folder_id, 0, 1000, NULL,
                                          kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  messages = kabar_mail_service_list_messages_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  return messages;
}

static KabarMessageSummary *
find_message (Fixture    *fixture,
              gint64      folder_id,
              const char *message_id)
{
  g_autoptr(GPtrArray) messages = list_messages (fixture, folder_id);
  const KabarMessageSummary *summary = kabar_graph_test_find_summary (messages, message_id);

  return summary != NULL ? kabar_message_summary_copy (summary) : NULL;
}

static void
finish_change (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  kabar_service_test_finish_change (KABAR_MAIL_SERVICE (source), result);
  *(gboolean *) user_data = TRUE;
}

static void
wait_change (gboolean *done)
{
  while (!*done)
    kabar_test_spin (10);
}

typedef struct
{
  const char *folder_id;
  const char *message_id;
  gboolean    read;
  gboolean    flagged;
} ServerMarks;

static gboolean
server_has_marks (Fixture       *fixture,
                  gconstpointer  data)
{
  const ServerMarks *marks = data;
  g_autoptr(JsonObject) message = kabar_graph_test_find (fixture->server, marks->folder_id,
                                                                 marks->message_id);

  return message != NULL
         && json_object_get_boolean_member_with_default (message, "isRead", FALSE) == marks->read
         && kabar_graph_test_is_flagged (message) == marks->flagged;
}

typedef struct
{
  const char *folder_id;
  const char *message_id;
  guint       count;
} ServerCount;

static gboolean
server_counts (Fixture       *fixture,
               gconstpointer  data)
{
  const ServerCount *count = data;

  return kabar_graph_test_count (fixture->server, count->folder_id, count->message_id)
         == count->count;
}

static void
wait_on_server (Fixture    *fixture,
                const char *folder_id,
                const char *message_id,
                guint       want)
{
  ServerCount count = { folder_id, message_id, want };
  g_autofree char *what = g_strdup_printf ("%u of <%s> on the server", want, message_id);

  kabar_graph_service_test_wait (fixture, server_counts, &count, what);
}

static gboolean
server_has_folder (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *id = kabar_graph_server_find_folder (fixture->server, data);

  return id != NULL;
}

static gboolean
server_lacks_folder (Fixture       *fixture,
                     gconstpointer  data)
{
  return !server_has_folder (fixture, data);
}

static void
start_online (Fixture *fixture)
{
  kabar_graph_service_test_start (fixture);
  kabar_graph_service_test_wait_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
}

/* --- the tests ------------------------------------------------------------------ */

static void
test_lists_mail (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *inbox_id = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autofree char *project_id = kabar_graph_server_add_folder (fixture->server, NULL, "Projek", NULL);
  g_autofree char *child_id = kabar_graph_server_add_folder (fixture->server, project_id, "Rapat", NULL);
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(KabarStoreFolder) sent = NULL;
  g_autoptr(KabarStoreFolder) child = NULL;
  g_autoptr(KabarMessageSummary) summary = NULL;

  kabar_graph_test_fill (fixture->server, inbox_id, "masuk", 3);
  kabar_graph_test_fill (fixture->server, child_id, "rapat", 2);
  start_online (fixture);
  wait_for_folder (fixture, NULL, 3);
  wait_for_folder (fixture, "Projek/Rapat", 2);

  inbox = find_role (fixture, KABAR_FOLDER_ROLE_INBOX);
  sent = find_role (fixture, KABAR_FOLDER_ROLE_SENT);
  g_assert_nonnull (sent);
  child = kabar_service_test_find_folder (fixture->service, "Projek/Rapat");
  g_assert_nonnull (child);
  summary = find_message (fixture, inbox->id, "masuk-1@example.org");
  g_assert_nonnull (summary);
  g_assert_cmpstr (summary->subject, ==, "masuk 1");
  g_assert_cmpstr (summary->from_address, ==, "budi@example.org");
  g_assert_false (summary->flags & KABAR_MESSAGE_FLAG_SEEN);
  g_assert_null (kabar_mail_service_get_error (fixture->service));

  /* Mail from another device comes with the next check. */
  kabar_graph_test_fill (fixture->server, inbox_id, "baru", 1);
  kabar_mail_service_refresh (fixture->service);
  wait_for_folder (fixture, NULL, 4);
}

/* Read, flag, move, copy, delete, and folders made, renamed and deleted
 * here reach the server. */
static void
test_changes (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *inbox_id = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autofree char *project_id = kabar_graph_server_add_folder (fixture->server, NULL, "Projek", NULL);
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(KabarStoreFolder) project = NULL;
  g_autoptr(KabarStoreFolder) made = NULL;
  g_autoptr(KabarMessageSummary) first = NULL;
  g_autoptr(KabarMessageSummary) second = NULL;
  g_autoptr(KabarMessageSummary) third = NULL;
  g_autoptr(KabarMessageSummary) fourth = NULL;
  ServerMarks marks = { inbox_id, "ubah-0@example.org", TRUE, TRUE };
  gboolean done = FALSE;

  kabar_graph_test_fill (fixture->server, inbox_id, "ubah", 4);
  start_online (fixture);
  wait_for_folder (fixture, NULL, 4);
  inbox = find_role (fixture, KABAR_FOLDER_ROLE_INBOX);
  project = kabar_service_test_find_folder (fixture->service, "Projek");
  first = find_message (fixture, inbox->id, "ubah-0@example.org");
  second = find_message (fixture, inbox->id, "ubah-1@example.org");
  third = find_message (fixture, inbox->id, "ubah-2@example.org");
  fourth = find_message (fixture, inbox->id, "ubah-3@example.org");

  kabar_mail_service_set_flags_async (fixture->service, inbox->id, &first->uid, 1,
                                      KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED, 0, NULL,
                                      finish_change, &done);
  wait_change (&done);
  kabar_graph_service_test_wait (fixture, server_has_marks, &marks, "read and flagged on the server");

  done = FALSE;
  kabar_mail_service_move_async (fixture->service, inbox->id, &second->uid, 1, project->id, NULL,
                                 finish_change, &done);
  wait_change (&done);
  done = FALSE;
  kabar_mail_service_copy_async (fixture->service, inbox->id, &third->uid, 1, project->id, NULL,
                                 finish_change, &done);
  wait_change (&done);
  done = FALSE;
  kabar_mail_service_delete_async (fixture->service, inbox->id, &fourth->uid, 1, NULL, finish_change, &done);
  wait_change (&done);
  wait_on_server (fixture, project_id, "ubah-1@example.org", 1);
  wait_on_server (fixture, inbox_id, "ubah-1@example.org", 0);
  wait_on_server (fixture, project_id, "ubah-2@example.org", 1);
  wait_on_server (fixture, inbox_id, "ubah-2@example.org", 1);
  wait_on_server (fixture, inbox_id, "ubah-3@example.org", 0);
  /* And the store, after the sync that follows, agrees. */
  wait_for_folder (fixture, "Projek", 2);
  wait_for_folder (fixture, NULL, 2);

  done = FALSE;
  kabar_mail_service_create_folder_async (fixture->service, "Liburan", NULL, finish_change, &done);
  wait_change (&done);
  kabar_graph_service_test_wait (fixture, server_has_folder, "Liburan", "the new folder on the server");
  made = kabar_service_test_find_folder (fixture->service, "Liburan");
  g_assert_nonnull (made);
  done = FALSE;
  kabar_mail_service_rename_folder_async (fixture->service, made->id, "Cuti", NULL, finish_change, &done);
  wait_change (&done);
  kabar_graph_service_test_wait (fixture, server_has_folder, "Cuti", "the renamed folder on the server");
  done = FALSE;
  kabar_mail_service_delete_folder_async (fixture->service, project->id, NULL, finish_change, &done);
  wait_change (&done);
  kabar_graph_service_test_wait (fixture, server_lacks_folder, "Projek", "the folder gone from the server");
  kabar_graph_service_test_wait_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  g_assert_cmpuint (fixture->refusals->len, ==, 0);
  g_assert_null (kabar_service_test_find_folder (fixture->service, "Projek"));
}

static gboolean
was_refused (Fixture       *fixture,
             gconstpointer  data)
{
  return fixture->refusals->len > 0;
}

/* Flagged here, deleted on another device meanwhile: the flag comes back
 * off, and the UI hears why. */
static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *inbox_id = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(KabarMessageSummary) summary = NULL;
  g_autoptr(KabarMessageSummary) after = NULL;
  g_autoptr(JsonObject) message = NULL;
  const GError *refusal;
  gboolean done = FALSE;

  kabar_graph_test_fill (fixture->server, inbox_id, "tolak", 1);
  start_online (fixture);
  wait_for_folder (fixture, NULL, 1);
  inbox = find_role (fixture, KABAR_FOLDER_ROLE_INBOX);
  summary = find_message (fixture, inbox->id, "tolak-0@example.org");
  message = kabar_graph_test_find (fixture->server, inbox_id, "tolak-0@example.org");
  g_assert_true (kabar_graph_server_delete_message (fixture->server,
                                                    json_object_get_string_member (message, "id")));

  kabar_mail_service_set_flags_async (fixture->service, inbox->id, &summary->uid, 1,
                                      KABAR_MESSAGE_FLAG_FLAGGED, 0, NULL, finish_change, &done);
  wait_change (&done);
  kabar_graph_service_test_wait (fixture, was_refused, NULL, "the change to be refused");
  refusal = g_ptr_array_index (fixture->refusals, 0);
  g_assert_error (refusal, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND);
  /* The message is gone from the list with the sync after it. */
  wait_for_folder (fixture, NULL, 0);
  after = find_message (fixture, inbox->id, "tolak-0@example.org");
  g_assert_null (after);
}

/* The reader asks for a message's body: $value, stored for offline. */
static void
test_body (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *inbox_id = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(KabarMessageSummary) summary = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  guint fetches;

  kabar_graph_test_fill (fixture->server, inbox_id, "isi", 1);
  start_online (fixture);
  wait_for_folder (fixture, NULL, 1);
  inbox = find_role (fixture, KABAR_FOLDER_ROLE_INBOX);
  summary = find_message (fixture, inbox->id, "isi-0@example.org");
  message = kabar_graph_test_find (fixture->server, inbox_id, "isi-0@example.org");
  expected = kabar_graph_server_get_mime (fixture->server, json_object_get_string_member (message, "id"));

  fetches = kabar_graph_server_count_requests (fixture->server, "GET", "/me/messages/");
  kabar_mail_service_get_body_async (fixture->service, summary->id, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  body = kabar_mail_service_get_body_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (body, expected));
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me/messages/"), >, fetches);

  /* Now from the store, without the server. */
  fetches = kabar_graph_server_count_requests (fixture->server, "GET", "/me/messages/");
  g_clear_object (&result);
  kabar_mail_service_get_body_async (fixture->service, summary->id, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  again = kabar_mail_service_get_body_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (again, expected));
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me/messages/"), ==, fetches);
}

/* A message of days ago <message_id>, the text its body. */
static GBytes *
dated_mime (const char *message_id,
            const char *text,
            guint       days_ago)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, -(gint) days_ago);
  g_autofree char *date = g_mime_utils_header_format_date (then);
  char *mime = g_strdup_printf ("From: Budi <budi@example.org>\r\n"
                                "To: <" KABAR_GRAPH_TEST_ADDRESS ">\r\n"
                                "Subject: %s\r\nMessage-ID: <%s>\r\nDate: %s\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
                                message_id, message_id, date, text);

  return g_bytes_new_take (mime, strlen (mime));
}

static gint64
message_row (Fixture          *fixture,
             KabarFolderRole   role,
             const char       *message_id)
{
  g_autoptr(KabarStoreFolder) folder = find_role (fixture, role);
  g_autoptr(KabarMessageSummary) summary = NULL;

  g_assert_nonnull (folder);
  summary = find_message (fixture, folder->id, message_id);
  g_assert_nonnull (summary);
  return summary->id;
}

static GBytes *
stored_body (Fixture *fixture,
             gint64   message_id)
{
  g_autoptr(GError) error = NULL;
  GBytes *body = kabar_store_get_body (kabar_mail_service_get_store (fixture->service), message_id,
                                       &error);

  g_assert_no_error (error);
  return body;
}

/* The rows (gint64) all have their bodies in the store. */
static gboolean
bodies_stored (Fixture       *fixture,
               gconstpointer  data)
{
  const GArray *rows = data;

  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(GBytes) body = stored_body (fixture, g_array_index (rows, gint64, i));

      if (body == NULL)
        return FALSE;
    }
  return TRUE;
}

/* After a sync, recent mail's bodies come ahead of time, as an IMAP
 * account's do: readable once the server is gone. Old mail and Junk wait
 * to be asked for. */
static void
test_bodies_ahead (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *inbox_id = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autofree char *junk_id = kabar_graph_server_find_folder (fixture->server, "junkemail");
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GBytes) old = dated_mime ("lama@example.org", "Naskah purbakala.", 90);
  g_autoptr(GBytes) junk = dated_mime ("iklan@example.org", "Diskon besar.", 1);
  g_autoptr(GBytes) old_stored = NULL;
  g_autoptr(GBytes) junk_stored = NULL;
  g_autoptr(GBytes) unread = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  const guint n = 10;

  g_assert_nonnull (junk_id);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message_id = g_strdup_printf ("baru-%u@example.org", i);
      g_autofree char *text = g_strdup_printf ("Kabar nomor %u.", i);
      GBytes *mime = dated_mime (message_id, text, 1 + i);
      g_autofree char *id = kabar_graph_server_add_message (fixture->server, inbox_id, mime, FALSE, FALSE);

      g_assert_nonnull (id);
      g_ptr_array_add (expected, mime);
    }
  g_free (kabar_graph_server_add_message (fixture->server, inbox_id, old, FALSE, FALSE));
  g_free (kabar_graph_server_add_message (fixture->server, junk_id, junk, FALSE, FALSE));
  start_online (fixture);
  wait_for_folder (fixture, NULL, n + 1);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message_id = g_strdup_printf ("baru-%u@example.org", i);
      gint64 row = message_row (fixture, KABAR_FOLDER_ROLE_INBOX, message_id);

      g_array_append_val (rows, row);
    }

  /* No get_body: the prefetch brings them. */
  kabar_graph_service_test_wait (fixture, bodies_stored, rows, "the recent bodies in the store");
  g_assert_cmpuint (kabar_graph_server_get_max_in_flight (fixture->server), <=, 4);
  g_clear_pointer (&fixture->server, kabar_graph_server_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) body = NULL;

      g_clear_object (&result);
      kabar_mail_service_get_body_async (fixture->service, g_array_index (rows, gint64, i), NULL,
                                         kabar_test_wait_done, &slot);
      result = kabar_test_wait (&slot);
      body = kabar_mail_service_get_body_finish (fixture->service, result, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (body, g_ptr_array_index (expected, i)));
    }
  old_stored = stored_body (fixture, message_row (fixture, KABAR_FOLDER_ROLE_INBOX, "lama@example.org"));
  g_assert_null (old_stored);
  junk_stored = stored_body (fixture, message_row (fixture, KABAR_FOLDER_ROLE_JUNK, "iklan@example.org"));
  g_assert_null (junk_stored);

  /* Not fetched ahead, and the server gone: the reader hears why. */
  g_clear_object (&result);
  kabar_mail_service_get_body_async (fixture->service,
                                     message_row (fixture, KABAR_FOLDER_ROLE_INBOX, "lama@example.org"),
                                     NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  unread = kabar_mail_service_get_body_finish (fixture->service, result, &error);
  g_assert_null (unread);
  g_assert_nonnull (error);
}

static void
on_organizer_changed (KabarMailService *service,
                      guint             parts,
                      GArray           *heard)
{
  g_array_append_val (heard, parts);
}

static gboolean
heard_any (Fixture       *fixture,
           gconstpointer  data)
{
  const GArray *heard = data;

  return heard->len > 0;
}

/* The views ask before the store is open, and are told once it is: every
 * part changed, each readable now. */
static void
test_organizer_store_opened (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GArray) heard = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  kabar_graph_service_test_start (fixture);
  g_signal_connect (fixture->service, "organizer-changed", G_CALLBACK (on_organizer_changed), heard);
  kabar_mail_service_list_contacts_async (fixture->service, NULL, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  contacts = kabar_mail_service_list_contacts_finish (fixture->service, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_assert_null (contacts);
  g_clear_error (&error);

  kabar_graph_service_test_wait (fixture, heard_any, heard, "\"organizer-changed\"");
  g_assert_cmpuint (g_array_index (heard, guint, 0), ==,
                    KABAR_ORGANIZER_CONTACTS | KABAR_ORGANIZER_CALENDAR | KABAR_ORGANIZER_TASKS);
  g_clear_object (&result);
  kabar_mail_service_list_contacts_async (fixture->service, NULL, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  contacts = kabar_mail_service_list_contacts_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (contacts);
  g_signal_handlers_disconnect_by_func (fixture->service, on_organizer_changed, heard);
}

/* The access token runs out between checks: the next check gets a new
 * one from the refresh token and goes on. */
static void
test_expired_token (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *inbox_id = kabar_graph_server_find_folder (fixture->server, "inbox");
  KabarOAuthServer *oauth = kabar_graph_test_get_oauth ();
  guint refreshes;

  kabar_graph_test_fill (fixture->server, inbox_id, "lama", 2);
  start_online (fixture);
  wait_for_folder (fixture, NULL, 2);
  refreshes = kabar_oauth_server_count_requests (oauth, "refresh_token");

  kabar_graph_server_expire_access_tokens (fixture->server);
  kabar_graph_test_fill (fixture->server, inbox_id, "segar", 1);
  kabar_mail_service_refresh (fixture->service);
  wait_for_folder (fixture, NULL, 3);
  kabar_graph_service_test_wait_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  g_assert_cmpuint (kabar_oauth_server_count_requests (oauth, "refresh_token"), >, refreshes);
  g_assert_null (kabar_mail_service_get_error (fixture->service));
}

/* Microsoft ended the sign-in: the account asks for Sign In Again. */
static void
test_revoked (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *inbox_id = kabar_graph_server_find_folder (fixture->server, "inbox");
  KabarOAuthServer *oauth = kabar_graph_test_get_oauth ();
  const GError *error;

  kabar_graph_test_fill (fixture->server, inbox_id, "cabut", 1);
  start_online (fixture);
  wait_for_folder (fixture, NULL, 1);

  kabar_oauth_server_revoke_refresh_tokens (oauth);
  kabar_graph_server_expire_access_tokens (fixture->server);
  kabar_mail_service_refresh (fixture->service);
  kabar_graph_service_test_wait_status (fixture, KABAR_MAIL_SERVICE_STATUS_ERROR);
  error = kabar_mail_service_get_error (fixture->service);
  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED);
  g_assert_nonnull (strstr (error->message, "AADSTS70000"));
  /* What the store had stays. */
  wait_for_folder (fixture, NULL, 1);
}

static void
add (const char    *path,
     void         (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, kabar_graph_service_fixture_set_up, test,
              kabar_graph_service_fixture_tear_down);
}

/* A check beside the bodies ahead of time: each has a client of its own,
 * on a thread of its own, and the server still sees no more than the
 * account's 4 requests at once. */
static void
test_check_beside_prefetch (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *inbox_id = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  const guint n = 40;
  guint checks;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message_id = g_strdup_printf ("serentak-%u@example.org", i);
      g_autoptr(GBytes) mime = dated_mime (message_id, "Kabar serentak.", 1);

      g_free (kabar_graph_server_add_message (fixture->server, inbox_id, mime, FALSE, FALSE));
    }
  start_online (fixture);
  wait_for_folder (fixture, NULL, n);
  checks = kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders/delta");
  /* The first check's end started the prefetch; this one runs beside it. */
  kabar_mail_service_refresh (fixture->service);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message_id = g_strdup_printf ("serentak-%u@example.org", i);
      gint64 row = message_row (fixture, KABAR_FOLDER_ROLE_INBOX, message_id);

      g_array_append_val (rows, row);
    }
  kabar_graph_service_test_wait (fixture, bodies_stored, rows, "the recent bodies in the store");
  kabar_graph_service_test_wait_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me/mailFolders/delta"), >,
                    checks);
  g_assert_cmpuint (kabar_graph_server_get_max_in_flight (fixture->server), <=, 4);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  kabar_graph_test_init ();

  add ("/graph/service/lists-mail", test_lists_mail);
  add ("/graph/service/changes", test_changes);
  add ("/graph/service/refused", test_refused);
  add ("/graph/service/body", test_body);
  add ("/graph/service/bodies-ahead", test_bodies_ahead);
  add ("/graph/service/organizer-store-opened", test_organizer_store_opened);
  add ("/graph/service/expired-token", test_expired_token);
  add ("/graph/service/revoked", test_revoked);
  add ("/graph/service/check-beside-prefetch", test_check_beside_prefetch);
  status = g_test_run ();

  kabar_graph_test_shutdown ();
  return status;
}
