/* test-undo.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Undoing the user's changes with KabarMailService against the bed's
 * Dovecot: before the replay (the server never sees the change), after it
 * (the server is put back), racing it, and what cannot be undone. Each
 * check compares what the store lists with what another device sees on
 * the server: subjects with their \Seen and \Flagged, each once.
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
#define RACE_ROUNDS  200

static KabarTestBed *
get_bed (void)
{
  return kabar_service_test_get_bed (KABAR_TEST_BED_DOVECOT, NULL);
}

typedef struct
{
  char             *user;
  char             *directory;
  KabarAccount     *account;
  KabarMailService *service;
  gint64            inbox;
  gint64            archive;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint counter;

  fixture->user = g_strdup_printf ("undo%u@%s", ++counter, KABAR_TEST_BED_DOMAIN);
  fixture->directory = kabar_sync_test_make_directory ("kabar-undo-XXXXXX");
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

/* --- waiting ------------------------------------------------------------------------- */

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
      kabar_test_spin (10);
    }
}

/* The folder at path once synced, else NULL. */
static KabarStoreFolder *
find_synced_folder (Fixture    *fixture,
                    const char *path)
{
  g_autoptr(GPtrArray) folders = NULL;

  if (kabar_mail_service_get_store (fixture->service) == NULL)
    return NULL;
  folders = kabar_service_test_list_folders (fixture->service);
  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (g_strcmp0 (folder->path, path) == 0 && folder->sync.uidnext > 0)
        return kabar_store_folder_copy (folder);
    }
  return NULL;
}

static gboolean
folder_synced (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(KabarStoreFolder) folder = find_synced_folder (fixture, data);

  return folder != NULL;
}

static gboolean
is_status (Fixture       *fixture,
           gconstpointer  data)
{
  return (int) kabar_mail_service_get_status (fixture->service) == GPOINTER_TO_INT (data);
}

static gboolean
nothing_pending (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations =
    kabar_store_list_pending_operations (kabar_mail_service_get_store (fixture->service), &error);

  g_assert_no_error (error);
  return operations->len == 0;
}

/* n messages in INBOX, one in Archive (a message of its own, older than
 * the undo), the service started and synced. */
static void
start_with (Fixture *fixture,
            guint    n)
{
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(KabarStoreFolder) archive = NULL;

  kabar_service_test_fill (get_bed (), fixture->user, "INBOX", n);
  kabar_service_test_fill (get_bed (), fixture->user, "Archive", 1);
  kabar_mail_service_start (fixture->service);
  wait_until (fixture, folder_synced, "INBOX", "INBOX");
  wait_until (fixture, folder_synced, "Archive", "Archive");
  wait_until (fixture, is_status, GINT_TO_POINTER (KABAR_MAIL_SERVICE_STATUS_ONLINE), "online");
  inbox = find_synced_folder (fixture, "INBOX");
  archive = find_synced_folder (fixture, "Archive");
  fixture->inbox = inbox->id;
  fixture->archive = archive->id;
}

static void
go_offline (Fixture *fixture)
{
  kabar_mail_service_set_network_available (fixture->service, FALSE);
  wait_until (fixture, is_status, GINT_TO_POINTER (KABAR_MAIL_SERVICE_STATUS_OFFLINE), "offline");
}

/* --- what the user sees, and what the server holds ------------------------------------- */

static char *
describe (const char        *subject,
          KabarMessageFlags  flags)
{
  return g_strdup_printf ("%s%s%s", subject,
                          (flags & KABAR_MESSAGE_FLAG_SEEN) ? " seen" : "",
                          (flags & KABAR_MESSAGE_FLAG_FLAGGED) ? " flagged" : "");
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* "Message 1 seen, Message 2, ...", sorted. */
static char *
join_sorted (GPtrArray *items)
{
  g_ptr_array_sort (items, compare_strings);
  g_ptr_array_add (items, NULL);
  return g_strjoinv (", ", (char **) items->pdata);
}

static char *
store_state (Fixture *fixture,
             gint64   folder_id)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  kabar_mail_service_list_messages_async (fixture->service, folder_id, 0, 1000, NULL,
                                          kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  messages = kabar_mail_service_list_messages_finish (fixture->service, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    {
      KabarMessageSummary *summary = messages->pdata[i];

      g_ptr_array_add (items, describe (summary->subject, summary->flags));
    }
  return join_sorted (items);
}

static KabarMessageFlags
server_flags (KabarImapMessage *message)
{
  return (kabar_imap_message_has_flag (message, "\\Seen") ? KABAR_MESSAGE_FLAG_SEEN : 0)
         | (kabar_imap_message_has_flag (message, "\\Flagged") ? KABAR_MESSAGE_FLAG_FLAGGED : 0);
}

/* What another device sees; with uids, each message's UID into it. */
static char *
server_state (Fixture    *fixture,
              const char *folder,
              GArray     *uids)
{
  g_autoptr(KabarImapSession) session = kabar_imap_test_open (get_bed (), fixture->user,
                                                              KABAR_TEST_BED_PORT_IMAPS);
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (session, folder);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  messages = kabar_imap_mailbox_state_get_exists (state) > 0
             ? kabar_imap_test_fetch (session, "1:*", KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_ENVELOPE)
             : g_ptr_array_new ();
  kabar_imap_test_logout (session);
  for (guint i = 0; i < messages->len; i++)
    {
      KabarImapMessage *message = messages->pdata[i];
      guint32 uid = kabar_imap_message_get_uid (message);

      g_ptr_array_add (items, describe (kabar_imap_message_get_envelope (message)->subject,
                                        server_flags (message)));
      if (uids != NULL)
        g_array_append_val (uids, uid);
    }
  return join_sorted (items);
}

typedef struct
{
  const char *folder;
  const char *expected;
} ServerWant;

static gboolean
server_is (Fixture       *fixture,
           gconstpointer  data)
{
  const ServerWant *want = data;
  g_autofree char *state = server_state (fixture, want->folder, NULL);

  return g_strcmp0 (state, want->expected) == 0;
}

/* The store lists it, and the server comes to hold the same. */
static void
assert_folder (Fixture    *fixture,
               const char *folder,
               gint64      folder_id,
               const char *expected)
{
  g_autofree char *listed = store_state (fixture, folder_id);
  ServerWant want = { folder, expected };

  g_assert_cmpstr (listed, ==, expected);
  wait_until (fixture, server_is, &want, folder);
}

/* The UID the store gives the message of that subject in the folder. */
static guint32
uid_of (Fixture    *fixture,
        gint64      folder_id,
        const char *subject)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  kabar_mail_service_list_messages_async (fixture->service, folder_id, 0, 1000, NULL,
                                          kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  messages = kabar_mail_service_list_messages_finish (fixture->service, result, NULL);
  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      KabarMessageSummary *summary = messages->pdata[i];

      if (g_strcmp0 (summary->subject, subject) == 0)
        return summary->uid;
    }
  g_error ("No %s in folder %" G_GINT64_FORMAT, subject, folder_id);
}

/* --- changes and undo ------------------------------------------------------------------- */

static guint64
finish_id (Fixture  *fixture,
           GAsyncResult **slot)
{
  g_autoptr(GAsyncResult) result = kabar_test_wait (slot);
  g_autoptr(GError) error = NULL;
  guint64 change_id = kabar_mail_service_change_finish_id (fixture->service, result, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (change_id, >, 0);
  return change_id;
}

static guint64
set_flags (Fixture           *fixture,
           const guint32     *uids,
           gsize              n_uids,
           KabarMessageFlags  add,
           KabarMessageFlags  remove)
{
  GAsyncResult *slot = NULL;

  kabar_mail_service_set_flags_async (fixture->service, fixture->inbox, uids, n_uids, add, remove,
                                      NULL, kabar_test_wait_done, &slot);
  return finish_id (fixture, &slot);
}

static guint64
transfer (Fixture       *fixture,
          gboolean       move,
          const guint32 *uids,
          gsize          n_uids)
{
  GAsyncResult *slot = NULL;

  if (move)
    kabar_mail_service_move_async (fixture->service, fixture->inbox, uids, n_uids, fixture->archive,
                                   NULL, kabar_test_wait_done, &slot);
  else
    kabar_mail_service_copy_async (fixture->service, fixture->inbox, uids, n_uids, fixture->archive,
                                   NULL, kabar_test_wait_done, &slot);
  return finish_id (fixture, &slot);
}

static gboolean
try_undo (Fixture   *fixture,
          guint64    change_id,
          GError   **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_mail_service_undo_change_async (fixture->service, change_id, NULL, kabar_test_wait_done,
                                        &slot);
  result = kabar_test_wait (&slot);
  return kabar_mail_service_undo_change_finish (fixture->service, result, error);
}

static void
undo (Fixture *fixture,
      guint64  change_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (try_undo (fixture, change_id, &error));
  g_assert_no_error (error);
}

static void
assert_cannot_undo (Fixture *fixture,
                    guint64  change_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (try_undo (fixture, change_id, &error));
  g_assert_error (error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_CANNOT_UNDO);
}

static char *
uids_string (GArray *uids)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < uids->len; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? "," : "", g_array_index (uids, guint32, i));
  return g_string_free (text, FALSE);
}

/* --- tests ----------------------------------------------------------------------------------- */

#define INBOX_3 "Message 1, Message 2, Message 3"

static void
test_move_undone_before_the_replay (Fixture       *fixture,
                                    gconstpointer  data)
{
  static const guint32 uids[] = { 1, 2 };
  g_autoptr(GArray) server_uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree char *inbox = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *uid_list = NULL;
  guint64 change_id;

  start_with (fixture, 3);
  go_offline (fixture);
  change_id = transfer (fixture, TRUE, uids, G_N_ELEMENTS (uids));
  listed = store_state (fixture, fixture->inbox);
  g_assert_cmpstr (listed, ==, "Message 3");

  undo (fixture, change_id);
  g_assert_true (nothing_pending (fixture, NULL));
  g_clear_pointer (&listed, g_free);
  listed = store_state (fixture, fixture->inbox);
  g_assert_cmpstr (listed, ==, INBOX_3);
  listed = (g_free (listed), store_state (fixture, fixture->archive));
  g_assert_cmpstr (listed, ==, "Message 1");

  /* Online again: the server never saw the move, the messages keep
   * their UIDs. */
  kabar_mail_service_set_network_available (fixture->service, TRUE);
  wait_until (fixture, is_status, GINT_TO_POINTER (KABAR_MAIL_SERVICE_STATUS_ONLINE), "online");
  inbox = server_state (fixture, "INBOX", server_uids);
  g_assert_cmpstr (inbox, ==, INBOX_3);
  uid_list = uids_string (server_uids);
  g_assert_cmpstr (uid_list, ==, "1,2,3");
  assert_folder (fixture, "Archive", fixture->archive, "Message 1");
  /* And undoing it again cannot. */
  assert_cannot_undo (fixture, change_id);
}

static void
test_move_undone_after_the_replay (Fixture       *fixture,
                                   gconstpointer  data)
{
  static const guint32 first[] = { 1 };
  static const guint32 uids[] = { 1, 2 };
  ServerWant moved = { "Archive", "Message 1, Message 1 seen flagged, Message 2" };
  guint64 change_id;

  start_with (fixture, 3);
  set_flags (fixture, first, 1, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED, 0);
  change_id = transfer (fixture, TRUE, uids, G_N_ELEMENTS (uids));
  wait_until (fixture, nothing_pending, NULL, "the replay");
  wait_until (fixture, server_is, &moved, "the move on the server");

  undo (fixture, change_id);
  /* Moved back by the replay, with their flags, each once. */
  wait_until (fixture, nothing_pending, NULL, "the undo's replay");
  kabar_mail_service_refresh (fixture->service);
  assert_folder (fixture, "INBOX", fixture->inbox, "Message 1 seen flagged, Message 2, Message 3");
  assert_folder (fixture, "Archive", fixture->archive, "Message 1");
  /* Moved back, not kept: the server gave them new UIDs. */
  g_assert_cmpuint (uid_of (fixture, fixture->inbox, "Message 1"), >, 3);
  g_assert_cmpuint (uid_of (fixture, fixture->inbox, "Message 2"), >, 3);
}

static void
test_flags_undone_each_to_its_own (Fixture       *fixture,
                                   gconstpointer  data)
{
  static const guint32 second[] = { 2 };
  static const guint32 all[] = { 1, 2, 3 };
  static const guint32 some[] = { 1, 3 };
  guint64 read_all, unflag;

  start_with (fixture, 3);
  set_flags (fixture, second, 1, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED, 0);
  set_flags (fixture, some, 2, KABAR_MESSAGE_FLAG_FLAGGED, 0);
  wait_until (fixture, nothing_pending, NULL, "the replay");

  /* Marking the three read, of which one was read already: undo leaves
   * that one read. Undone at once, before the replay, and again once the
   * server has it. */
  read_all = set_flags (fixture, all, 3, KABAR_MESSAGE_FLAG_SEEN, 0);
  undo (fixture, read_all);
  assert_folder (fixture, "INBOX", fixture->inbox,
                 "Message 1 flagged, Message 2 seen flagged, Message 3 flagged");

  read_all = set_flags (fixture, all, 3, KABAR_MESSAGE_FLAG_SEEN, 0);
  wait_until (fixture, nothing_pending, NULL, "the replay");
  assert_folder (fixture, "INBOX", fixture->inbox,
                 "Message 1 seen flagged, Message 2 seen flagged, Message 3 seen flagged");
  undo (fixture, read_all);
  assert_folder (fixture, "INBOX", fixture->inbox,
                 "Message 1 flagged, Message 2 seen flagged, Message 3 flagged");

  /* Removing: only those that had it get it back. */
  unflag = set_flags (fixture, second, 1, KABAR_MESSAGE_FLAG_SEEN, KABAR_MESSAGE_FLAG_FLAGGED);
  assert_folder (fixture, "INBOX", fixture->inbox,
                 "Message 1 flagged, Message 2 seen, Message 3 flagged");
  undo (fixture, unflag);
  assert_folder (fixture, "INBOX", fixture->inbox,
                 "Message 1 flagged, Message 2 seen flagged, Message 3 flagged");
}

static void
test_copy_undone (Fixture       *fixture,
                  gconstpointer  data)
{
  static const guint32 uids[] = { 2, 3 };
  ServerWant copied = { "Archive", "Message 1, Message 2, Message 3" };
  g_autofree char *listed = NULL;
  guint64 change_id;

  start_with (fixture, 3);

  /* Before the replay: the copies go, the server never gets them. */
  go_offline (fixture);
  change_id = transfer (fixture, FALSE, uids, G_N_ELEMENTS (uids));
  listed = store_state (fixture, fixture->archive);
  g_assert_cmpstr (listed, ==, "Message 1, Message 2, Message 3");
  undo (fixture, change_id);
  g_assert_true (nothing_pending (fixture, NULL));
  g_clear_pointer (&listed, g_free);
  listed = store_state (fixture, fixture->archive);
  g_assert_cmpstr (listed, ==, "Message 1");
  kabar_mail_service_set_network_available (fixture->service, TRUE);
  wait_until (fixture, is_status, GINT_TO_POINTER (KABAR_MAIL_SERVICE_STATUS_ONLINE), "online");
  assert_folder (fixture, "Archive", fixture->archive, "Message 1");

  /* After it: the server's copies are deleted, the originals stay. */
  change_id = transfer (fixture, FALSE, uids, G_N_ELEMENTS (uids));
  wait_until (fixture, nothing_pending, NULL, "the replay");
  wait_until (fixture, server_is, &copied, "the copies on the server");
  undo (fixture, change_id);
  wait_until (fixture, nothing_pending, NULL, "the undo's replay");
  assert_folder (fixture, "Archive", fixture->archive, "Message 1");
  assert_folder (fixture, "INBOX", fixture->inbox, INBOX_3);
}

static void
test_what_cannot_be_undone (Fixture       *fixture,
                            gconstpointer  data)
{
  static const guint32 first[] = { 1 };
  GAsyncResult *slot = NULL;
  guint64 deleted, created, oldest, latest = 0;

  start_with (fixture, 3);

  assert_cannot_undo (fixture, 0);
  assert_cannot_undo (fixture, 4242);

  kabar_mail_service_delete_async (fixture->service, fixture->inbox, first, 1, NULL,
                                   kabar_test_wait_done, &slot);
  deleted = finish_id (fixture, &slot);
  assert_cannot_undo (fixture, deleted);
  kabar_mail_service_create_folder_async (fixture->service, "Catatan", NULL, kabar_test_wait_done,
                                          &slot);
  created = finish_id (fixture, &slot);
  assert_cannot_undo (fixture, created);
  wait_until (fixture, nothing_pending, NULL, "the replay");
  assert_folder (fixture, "INBOX", fixture->inbox, "Message 2, Message 3");

  /* The last 20 changes can be undone, not older ones. */
  oldest = set_flags (fixture, (const guint32[]) { 2 }, 1, KABAR_MESSAGE_FLAG_FLAGGED, 0);
  for (guint i = 0; i < 20; i++)
    latest = set_flags (fixture, (const guint32[]) { 3 }, 1,
                        i % 2 == 0 ? KABAR_MESSAGE_FLAG_FLAGGED : 0,
                        i % 2 == 0 ? 0 : KABAR_MESSAGE_FLAG_FLAGGED);
  assert_cannot_undo (fixture, oldest);
  /* The last one unflagged Message 3: undoing flags it again. */
  undo (fixture, latest);
  assert_cannot_undo (fixture, latest);
  assert_folder (fixture, "INBOX", fixture->inbox, "Message 2 flagged, Message 3 flagged");
}

/* The replay marked the move started, then lost its connection: whether
 * the MOVE reached the server is not known. The undo cannot cancel it
 * and waits for the replay to finish it, then moves the messages back,
 * found by the server's COPYUID or, when the server moved them unseen
 * (server_moved: the command did arrive), by their Message-ID once the
 * destination's sync has them. */
static void
undo_started_move (Fixture  *fixture,
                   gboolean  server_moved)
{
  static const guint32 uids[] = { 1, 2 };
  KabarStore *store = NULL;
  g_autoptr(GPtrArray) operations = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listed = NULL;
  GAsyncResult *slot = NULL;
  guint64 change_id;

  start_with (fixture, 3);
  go_offline (fixture);
  change_id = transfer (fixture, TRUE, uids, G_N_ELEMENTS (uids));
  store = kabar_mail_service_get_store (fixture->service);
  operations = kabar_store_list_pending_operations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (operations->len, ==, 1);
  g_assert_true (kabar_store_mark_pending_started (
    store, ((KabarPendingOperation *) operations->pdata[0])->id, &error));
  g_assert_no_error (error);
  if (server_moved)
    {
      g_autoptr(KabarImapSession) other = kabar_imap_test_open (get_bed (), fixture->user,
                                                                KABAR_TEST_BED_PORT_IMAPS);
      g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (other, "INBOX");

      g_assert_true (kabar_imap_test_try_move (other, "1:2", "Archive", FALSE, NULL, &error));
      g_assert_no_error (error);
      kabar_imap_test_logout (other);
    }

  kabar_mail_service_undo_change_async (fixture->service, change_id, NULL, kabar_test_wait_done,
                                        &slot);
  /* Offline, the replay cannot finish it: the undo waits, nothing moves. */
  kabar_test_spin (300);
  g_assert_null (slot);
  listed = store_state (fixture, fixture->inbox);
  g_assert_cmpstr (listed, ==, "Message 3");

  kabar_mail_service_set_network_available (fixture->service, TRUE);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_mail_service_undo_change_finish (fixture->service, result, &error));
  g_assert_no_error (error);
  wait_until (fixture, nothing_pending, NULL, "the undo's replay");
  assert_folder (fixture, "INBOX", fixture->inbox, INBOX_3);
  assert_folder (fixture, "Archive", fixture->archive, "Message 1");
  g_assert_cmpuint (uid_of (fixture, fixture->inbox, "Message 1"), >, 3);
}

static void
test_undo_waits_for_a_started_move (Fixture       *fixture,
                                    gconstpointer  data)
{
  undo_started_move (fixture, FALSE);
}

static void
test_undo_finds_what_the_server_moved_unseen (Fixture       *fixture,
                                              gconstpointer  data)
{
  undo_started_move (fixture, TRUE);
}

/* The undo at every point of the replay: before it starts, while its
 * MOVE is out, after it. Whatever the point, the message ends in INBOX
 * once, on the server and in the store. Both ways of undoing must have
 * been taken, or the race was not run. */
static void
test_undo_races_the_replay (Fixture       *fixture,
                            gconstpointer  data)
{
  static const guint delays[] = { 0, 0, 1, 2, 3, 5, 8, 12, 20, 40 };
  guint cancelled = 0, taken_back = 0;

  start_with (fixture, 3);
  for (guint round = 0; round < RACE_ROUNDS; round++)
    {
      const char *subject = round % 2 == 0 ? "Message 2" : "Message 3";
      guint32 uid = uid_of (fixture, fixture->inbox, subject);
      guint64 change_id = transfer (fixture, TRUE, &uid, 1);
      g_autofree char *listed = NULL;
      g_autofree char *archive = NULL;

      if (delays[round % G_N_ELEMENTS (delays)] > 0)
        kabar_test_spin (delays[round % G_N_ELEMENTS (delays)]);
      undo (fixture, change_id);
      listed = store_state (fixture, fixture->inbox);
      g_assert_cmpstr (listed, ==, INBOX_3);
      wait_until (fixture, nothing_pending, NULL, "the replay");
      if (uid_of (fixture, fixture->inbox, subject) == uid)
        cancelled++;
      else
        taken_back++;
      archive = server_state (fixture, "Archive", NULL);
      g_assert_cmpstr (archive, ==, "Message 1");
      g_clear_pointer (&listed, g_free);
      listed = server_state (fixture, "INBOX", NULL);
      g_assert_cmpstr (listed, ==, INBOX_3);
    }
  g_test_message ("%u undos cancelled the move, %u took it back", cancelled, taken_back);
  g_assert_cmpuint (cancelled, >, 0);
  g_assert_cmpuint (taken_back, >, 0);
  assert_folder (fixture, "Archive", fixture->archive, "Message 1");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/undo/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("move-undone-before-the-replay", test_move_undone_before_the_replay);
  ADD ("move-undone-after-the-replay", test_move_undone_after_the_replay);
  ADD ("flags-undone-each-to-its-own", test_flags_undone_each_to_its_own);
  ADD ("copy-undone", test_copy_undone);
  ADD ("what-cannot-be-undone", test_what_cannot_be_undone);
  ADD ("undo-waits-for-a-started-move", test_undo_waits_for_a_started_move);
  ADD ("undo-finds-what-the-server-moved-unseen", test_undo_finds_what_the_server_moved_unseen);
  ADD ("undo-races-the-replay", test_undo_races_the_replay);
#undef ADD

  status = g_test_run ();
  kabar_service_test_stop_bed ();
  return status;
}
