/* test-imap-sync-faults.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The folder sync against the bed's Dovecot through the fault proxy, the
 * connection cut at many points of the conversation, from the TLS
 * handshake to the last reply. A clean run first measures the
 * conversation; then, for each cut point, a store in the same state as
 * before the clean run syncs through a connection cut there, which must
 * fail with a connection error (never crash, never claim success) and
 * leave the folder's sync state as it was; a second sync over a new
 * connection must then bring the store to exactly the server's state,
 * nothing lost and nothing twice.
 *
 * The same for the replay of a pending operation (a flag change, a move,
 * a copy, an append): after the cut, a clean replay and the sync of both
 * folders, the server holds each message exactly once where it should be
 * and the store equals the server.
 *
 * Cuts from server to client lose the rest of a reply; cuts from client
 * to server after a whole TLS record let the command reach the server and
 * lose its reply. Each test path runs as a meson test of its own (they
 * share nothing but the bed's start-up), which keeps each under a minute.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "kabar-fault-proxy.h"
#include "kabar-imap-folder-sync.h"
#include "kabar-imap-replay.h"
#include "kabar-imap-test-session.h"
#include "kabar-sync-test-support.h"
#include "kabar-test-wait.h"

#define PASSWORD        "Sandi-123"
#define INITIAL_COUNT   1500
#define NEW_MAIL        20
/* Cut points spread evenly over a conversation, on top of those at the
 * ends of its first records (the handshake, the greeting, the sign-in). */
#define SPREAD_POINTS   16
#define EARLY_RECORDS   8
#define CLOSE_WAIT_MS   10000
/* A run's replies may differ from the measured ones by a few bytes (a
 * UIDVALIDITY, a MODSEQ): no cut from the server lies this close to the
 * end, so that every cut falls inside the conversation. */
#define END_MARGIN      32

static KabarTestBed    *shared_bed;
static KabarFaultProxy *shared_proxy;

static KabarTestBed *
get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  shared_proxy = kabar_fault_proxy_new (kabar_test_bed_get_port (shared_bed,
                                                                 KABAR_TEST_BED_PORT_IMAPS));
  kabar_fault_proxy_start (shared_proxy, &error);
  g_assert_no_error (error);
  return shared_bed;
}

/* --- fixtures ---------------------------------------------------------------- */

typedef struct
{
  char *user;
  char *directory;
  /* The store as it was before the sync under test. */
  char *template_path;
  guint runs;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint counter;

  fixture->user = g_strdup_printf ("faults%u@%s", ++counter, KABAR_TEST_BED_DOMAIN);
  kabar_test_bed_add_user (get_bed (), fixture->user, PASSWORD);
  fixture->directory = kabar_sync_test_make_directory ("kabar-faults-XXXXXX");
  fixture->template_path = g_build_filename (fixture->directory, "template.db", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  kabar_sync_test_remove_store (fixture->template_path);
  g_rmdir (fixture->directory);
  g_free (fixture->template_path);
  g_free (fixture->directory);
  g_free (fixture->user);
}

/* A store for one run: a copy of the template, or a new one without it. */
static char *
new_run_path (Fixture *fixture)
{
  g_autofree char *name = g_strdup_printf ("run%u.db", ++fixture->runs);
  char *path = g_build_filename (fixture->directory, name, NULL);

  if (g_file_test (fixture->template_path, G_FILE_TEST_EXISTS))
    kabar_sync_test_copy_store (fixture->template_path, path);
  return path;
}

/* What a sync under test is: whose folder, and how the session is set. */
typedef struct
{
  Fixture  *fixture;
  gboolean  qresync;
} Scenario;

static guint
count_uids (KabarStore *store,
            gint64      folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) uids = kabar_store_get_uid_flags (store, folder_id, &error);

  g_assert_no_error (error);
  return uids->len;
}

/* A sync that must succeed; it fetches nothing the store already had:
 * what it added and removed accounts for every change in the store. */
static void
sync_clean (const Scenario *scenario,
            KabarStore     *store,
            gint64          folder_id,
            guint16         port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarImapSession) session =
    kabar_sync_test_try_open (get_bed (), port, scenario->fixture->user, scenario->qresync, &error);
  guint before = count_uids (store, folder_id);
  KabarImapSyncResult result;

  g_assert_no_error (error);
  kabar_imap_sync_folder (session, store, folder_id, NULL, &result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before + result.added - result.removed, ==, count_uids (store, folder_id));
  kabar_imap_test_logout (session);
}

/* --- measuring and choosing cut points --------------------------------------- */

typedef struct
{
  KabarFaultDirection direction;
  guint64             bytes;
} CutPoint;

typedef struct
{
  /* Where the sign-in ended (0 when not measured), and the whole. */
  guint64  start[2];
  guint64  total[2];
  GArray  *record_ends[2];
} Conversation;

static void
conversation_clear (Conversation *conversation)
{
  g_clear_pointer (&conversation->record_ends[0], g_array_unref);
  g_clear_pointer (&conversation->record_ends[1], g_array_unref);
}

/* A clean sync through the proxy, from a copy of the template: what a cut
 * run would see, had it not been cut. */
static Conversation
measure (const Scenario *scenario)
{
  Conversation conversation = { 0 };
  g_autofree char *path = new_run_path (scenario->fixture);
  g_autoptr(KabarStore) store = kabar_sync_test_open_store (path);
  gint64 inbox = kabar_sync_test_add_folder (store, "INBOX");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  guint connection = kabar_fault_proxy_get_n_connections (shared_proxy);

  session = kabar_sync_test_try_open (get_bed (), kabar_fault_proxy_get_port (shared_proxy),
                                      scenario->fixture->user, scenario->qresync, &error);
  g_assert_no_error (error);
  kabar_imap_sync_folder (session, store, inbox, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* Before LOGOUT: the conversation is the sign-in and the sync. */
  for (guint d = 0; d < 2; d++)
    {
      conversation.total[d] = kabar_fault_proxy_get_bytes (shared_proxy, connection, d);
      conversation.record_ends[d] = kabar_fault_proxy_dup_record_ends (shared_proxy, connection, d);
    }
  kabar_imap_test_logout (session);
  g_test_message ("clean run: %" G_GUINT64_FORMAT " bytes from the server in %u records, "
                  "%" G_GUINT64_FORMAT " from the client in %u",
                  conversation.total[KABAR_FAULT_SERVER_TO_CLIENT],
                  conversation.record_ends[KABAR_FAULT_SERVER_TO_CLIENT]->len,
                  conversation.total[KABAR_FAULT_CLIENT_TO_SERVER],
                  conversation.record_ends[KABAR_FAULT_CLIENT_TO_SERVER]->len);
  kabar_sync_test_assert_matches_server (get_bed (), scenario->fixture->user, store, "INBOX", inbox);
  g_clear_object (&store);
  kabar_sync_test_remove_store (path);
  return conversation;
}

static void
add_point (GArray              *points,
           KabarFaultDirection  direction,
           guint64              bytes)
{
  for (guint i = 0; i < points->len; i++)
    {
      const CutPoint *point = &g_array_index (points, CutPoint, i);

      if (point->direction == direction && point->bytes == bytes)
        return;
    }
  g_array_append_vals (points, &(CutPoint) { direction, bytes }, 1);
}

/* From the server: before anything, after each of the first n_early
 * records (whole handshake flights and replies) and one byte short of it
 * (a record cut in two), and evenly over the rest. Every point lies inside
 * the conversation, so every cut run must fail. */
static GArray *
server_cut_points (const Conversation *conversation,
                   guint               n_early,
                   guint               n_spread)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (CutPoint));
  GArray *ends = conversation->record_ends[KABAR_FAULT_SERVER_TO_CLIENT];
  guint64 total = conversation->total[KABAR_FAULT_SERVER_TO_CLIENT];

  add_point (points, KABAR_FAULT_SERVER_TO_CLIENT, 0);
  for (guint i = 0; i < MIN (ends->len, n_early); i++)
    {
      guint64 end = g_array_index (ends, guint64, i);

      if (end + END_MARGIN > total)
        break;
      add_point (points, KABAR_FAULT_SERVER_TO_CLIENT, end - 1);
      add_point (points, KABAR_FAULT_SERVER_TO_CLIENT, end);
    }
  for (guint i = 0; i < n_spread; i++)
    add_point (points, KABAR_FAULT_SERVER_TO_CLIENT, total * (2 * i + 1) / (2 * n_spread));
  return points;
}

/* From the client: after each whole record, so each command in turn
 * reaches the server and its reply is lost, and once inside a record. */
static GArray *
client_cut_points (const Conversation *conversation)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (CutPoint));
  GArray *ends = conversation->record_ends[KABAR_FAULT_CLIENT_TO_SERVER];

  add_point (points, KABAR_FAULT_CLIENT_TO_SERVER, 0);
  for (guint i = 0; i < ends->len; i++)
    add_point (points, KABAR_FAULT_CLIENT_TO_SERVER, g_array_index (ends, guint64, i));
  if (ends->len > 0)
    add_point (points, KABAR_FAULT_CLIENT_TO_SERVER, g_array_index (ends, guint64, ends->len - 1) - 2);
  return points;
}

/* --- one cut ---------------------------------------------------------------------- */

static const char *
direction_name (KabarFaultDirection direction)
{
  return direction == KABAR_FAULT_SERVER_TO_CLIENT ? "server-to-client" : "client-to-server";
}

/* Syncs through a connection cut at point: a connection error, and the
 * folder's sync state as it was, so the next sync does not take what was
 * stored for complete. */
static void
sync_cut (const Scenario *scenario,
          KabarStore     *store,
          gint64          folder_id,
          const CutPoint *point)
{
  g_autofree char *what = g_strdup_printf ("%s cut after %" G_GUINT64_FORMAT " bytes",
                                           direction_name (point->direction), point->bytes);
  guint connection = kabar_fault_proxy_get_n_connections (shared_proxy);
  KabarFolderSyncState before = kabar_sync_test_get_state (store, folder_id);
  KabarFolderSyncState after;
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gboolean synced = FALSE;

  kabar_fault_proxy_cut_after (shared_proxy, point->direction, point->bytes);
  session = kabar_sync_test_try_open (get_bed (), kabar_fault_proxy_get_port (shared_proxy),
                                      scenario->fixture->user, scenario->qresync, &error);
  if (session != NULL)
    synced = kabar_imap_sync_folder (session, store, folder_id, NULL, NULL, NULL, &error);
  if (synced)
    g_error ("%s: the sync claimed success", what);
  kabar_sync_test_assert_connection_error (error, what);
  g_assert_true (kabar_fault_proxy_wait_closed (shared_proxy, connection, CLOSE_WAIT_MS));
  g_assert_true (kabar_fault_proxy_was_cut (shared_proxy, connection));
  if (session != NULL)
    kabar_imap_session_close (session);

  g_test_message ("%s: %u messages stored, %s", what, count_uids (store, folder_id), error->message);
  after = kabar_sync_test_get_state (store, folder_id);
  g_assert_cmpuint (after.uidnext, ==, before.uidnext);
  g_assert_cmpuint (after.highestmodseq, ==, before.highestmodseq);
}

/* From the template's state: the cut sync, then a clean one. */
static void
run_cut (const Scenario *scenario,
         const CutPoint *point)
{
  Fixture *fixture = scenario->fixture;
  g_autofree char *path = new_run_path (fixture);
  g_autoptr(KabarStore) store = kabar_sync_test_open_store (path);
  gint64 inbox = kabar_sync_test_add_folder (store, "INBOX");

  sync_cut (scenario, store, inbox, point);
  sync_clean (scenario, store, inbox, kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAPS));
  kabar_sync_test_assert_matches_server (get_bed (), fixture->user, store, "INBOX", inbox);
  g_clear_object (&store);
  kabar_sync_test_remove_store (path);
}

static void
run_cuts (const Scenario *scenario,
          GArray         *points)
{
  g_test_message ("%u cut points", points->len);
  for (guint i = 0; i < points->len; i++)
    run_cut (scenario, &g_array_index (points, CutPoint, i));
}

/* --- the server's side ------------------------------------------------------------ */

/* SELECT takes \Recent away: a session that came before makes every run's
 * replies the same size as the measured one's. */
static void
touch_inbox (Fixture *fixture)
{
  g_autoptr(KabarImapSession) session = kabar_imap_test_open (get_bed (), fixture->user,
                                                              KABAR_TEST_BED_PORT_IMAPS);
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (session, "INBOX");

  kabar_imap_test_logout (session);
}

/* What another device did since the template's sync: new mail, read and
 * unread, flagged, and messages expunged here and there. */
static void
change_elsewhere (Fixture *fixture)
{
  g_autoptr(KabarImapSession) session = kabar_imap_test_open (get_bed (), fixture->user,
                                                              KABAR_TEST_BED_PORT_IMAPS);
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (session, "INBOX");
  g_autoptr(KabarImapUidSet) gone = kabar_imap_uid_set_parse ("3,17:19,640,900:903,1499", NULL);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_test_bed_fill_folder (get_bed (), fixture->user, "INBOX", NEW_MAIL, &error);
  g_assert_no_error (error);
  kabar_imap_test_store (session, "1000:1010,1200", KABAR_IMAP_STORE_ADD, "\\Seen");
  kabar_imap_test_store (session, "10:14", KABAR_IMAP_STORE_REMOVE, "\\Seen");
  kabar_imap_test_store (session, "700:705", KABAR_IMAP_STORE_ADD, "\\Flagged");
  kabar_imap_test_store (session, "3,17:19,640,900:903,1499", KABAR_IMAP_STORE_ADD, "\\Deleted");
  kabar_imap_session_expunge_async (session, gone, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_command_finish (session, result, &error);
  g_assert_no_error (error);
  kabar_imap_test_logout (session);
}

/* The store before the resync: the whole folder, synced. */
static void
make_synced_template (const Scenario *scenario)
{
  Fixture *fixture = scenario->fixture;
  g_autoptr(KabarStore) store = kabar_sync_test_open_store (fixture->template_path);
  gint64 inbox = kabar_sync_test_add_folder (store, "INBOX");

  sync_clean (scenario, store, inbox, kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAPS));
  g_assert_cmpuint (kabar_sync_test_count (store, inbox), ==, INITIAL_COUNT);
}

/* --- tests -------------------------------------------------------------------------- */

static void
initial_sync_cut (Fixture             *fixture,
                  KabarFaultDirection  direction)
{
  Scenario scenario = { fixture, TRUE };
  Conversation conversation;
  g_autoptr(GArray) points = NULL;

  kabar_sync_test_fill_mixed (get_bed (), fixture->user, "INBOX", INITIAL_COUNT);
  touch_inbox (fixture);
  conversation = measure (&scenario);
  points = direction == KABAR_FAULT_SERVER_TO_CLIENT
           ? server_cut_points (&conversation, EARLY_RECORDS, SPREAD_POINTS)
           : client_cut_points (&conversation);
  run_cuts (&scenario, points);
  conversation_clear (&conversation);
}

static void
test_initial_sync_cut_from_the_server (Fixture       *fixture,
                                       gconstpointer  data)
{
  initial_sync_cut (fixture, KABAR_FAULT_SERVER_TO_CLIENT);
}

static void
test_initial_sync_cut_from_the_client (Fixture       *fixture,
                                       gconstpointer  data)
{
  initial_sync_cut (fixture, KABAR_FAULT_CLIENT_TO_SERVER);
}

static void
test_resync_cut (Fixture       *fixture,
                 gconstpointer  data)
{
  Scenario scenario = { fixture, GPOINTER_TO_INT (data) };
  Conversation conversation;
  g_autoptr(GArray) points = NULL;
  g_autoptr(GArray) client_points = NULL;

  kabar_sync_test_fill_mixed (get_bed (), fixture->user, "INBOX", INITIAL_COUNT);
  make_synced_template (&scenario);
  change_elsewhere (fixture);
  touch_inbox (fixture);
  conversation = measure (&scenario);
  points = server_cut_points (&conversation, EARLY_RECORDS, SPREAD_POINTS);
  client_points = client_cut_points (&conversation);
  g_array_append_vals (points, client_points->data, client_points->len);
  run_cuts (&scenario, points);
  conversation_clear (&conversation);
}

/* --- pending operations ------------------------------------------------------------ */

#define REPLAY_INBOX    30
#define REPLAY_ARCHIVE  5
#define APPENDED_ID     "faults-append@example.in"
#define REPLAY_SPREAD_POINTS 8

typedef enum
{
  REPLAY_FLAGS,
  REPLAY_MOVE,
  REPLAY_COPY,
  REPLAY_APPEND,
} ReplayKind;

/* One run of a replay case: a user of its own, since the replay changes
 * what the server holds, and a store with the change pending. */
typedef struct
{
  ReplayKind  kind;
  char       *user;
  char       *path;
  KabarStore *store;
  gint64      inbox;
  gint64      archive;
} ReplayRun;

static const guint32 flagged_uids[] = { 2, 5, 7, 9 };
static const guint32 moved_uids[] = { 3, 4, 10 };
static const guint32 copied_uids[] = { 6, 11 };

static void
on_refused (const KabarPendingOperation *operation,
            const GError                *server_error,
            gpointer                     user_data)
{
  g_error ("The server refused a %s: %s", kabar_pending_kind_to_string (operation->kind),
           server_error->message);
}

/* Both folders, over one connection. */
static void
sync_folders (ReplayRun *run)
{
  g_autoptr(KabarImapSession) session = kabar_sync_test_open (get_bed (), run->user, TRUE);
  g_autoptr(GError) error = NULL;

  kabar_imap_sync_folder (session, run->store, run->inbox, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  kabar_imap_sync_folder (session, run->store, run->archive, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  kabar_imap_test_logout (session);
}

static GBytes *
appended_raw (void)
{
  return kabar_imap_test_message ("From: Dewi Lestari <dewi@example.in>\n"
                                  "To: Budi Santoso <budi@example.co.id>\n"
                                  "Subject: Catatan rapat\n"
                                  "Date: Fri, 02 Jan 2026 09:00:00 +0700\n"
                                  "Message-ID: <" APPENDED_ID ">\n"
                                  "\n"
                                  "Catatan.\n");
}

static void
change_locally (ReplayRun *run)
{
  g_autoptr(KabarMessageSummary) summary = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  switch (run->kind)
    {
    case REPLAY_FLAGS:
      id = kabar_store_change_flags (run->store, run->inbox, flagged_uids, G_N_ELEMENTS (flagged_uids),
                                     KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED, 0, &error);
      break;
    case REPLAY_MOVE:
      id = kabar_store_change_move (run->store, run->inbox, moved_uids, G_N_ELEMENTS (moved_uids),
                                    run->archive, &error);
      break;
    case REPLAY_COPY:
      id = kabar_store_change_copy (run->store, run->inbox, copied_uids, G_N_ELEMENTS (copied_uids),
                                    run->archive, &error);
      break;
    case REPLAY_APPEND:
      summary = kabar_message_summary_new ();
      summary->subject = g_strdup ("Catatan rapat");
      summary->message_id = g_strdup (APPENDED_ID);
      summary->internal_date = 1767319200;
      raw = appended_raw ();
      id = kabar_store_change_append (run->store, run->archive, raw, KABAR_MESSAGE_FLAG_SEEN,
                                      summary, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
}

/* The server with INBOX and Archive, the store synced with both, and the
 * change made in the store, pending. */
static void
replay_run_start (Fixture    *fixture,
                  ReplayRun  *run,
                  ReplayKind  kind)
{
  static guint counter;
  g_autoptr(GError) error = NULL;

  run->kind = kind;
  /* Of one length: the runs' conversations keep the measured offsets. */
  run->user = g_strdup_printf ("replay%04u@%s", ++counter, KABAR_TEST_BED_DOMAIN);
  kabar_test_bed_add_user (get_bed (), run->user, PASSWORD);
  kabar_test_bed_fill_folder (get_bed (), run->user, "INBOX", REPLAY_INBOX, &error);
  g_assert_no_error (error);
  kabar_test_bed_fill_folder (get_bed (), run->user, "Archive", REPLAY_ARCHIVE, &error);
  g_assert_no_error (error);
  run->path = new_run_path (fixture);
  run->store = kabar_sync_test_open_store (run->path);
  run->inbox = kabar_sync_test_add_folder (run->store, "INBOX");
  run->archive = kabar_sync_test_add_folder (run->store, "Archive");
  sync_folders (run);
  change_locally (run);
}

static void
replay_run_clear (ReplayRun *run)
{
  g_clear_object (&run->store);
  kabar_sync_test_remove_store (run->path);
  g_clear_pointer (&run->path, g_free);
  g_clear_pointer (&run->user, g_free);
}

static gboolean
replay_through (ReplayRun  *run,
                guint16     port,
                GError    **error)
{
  g_autoptr(KabarImapSession) session =
    kabar_sync_test_try_open (get_bed (), port, run->user, TRUE, error);
  gboolean ok;

  if (session == NULL)
    return FALSE;
  ok = kabar_imap_replay_pending (session, run->store, on_refused, NULL, NULL, error);
  /* No LOGOUT: a cut meant for the replay must not hit it instead. */
  kabar_imap_session_close (session);
  return ok;
}

static guint
count_pending (KabarStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations = kabar_store_list_pending_operations (store, &error);

  g_assert_no_error (error);
  return operations->len;
}

/* Message-ID to how many times the folder holds it, on the server. */
static GHashTable *
server_message_ids (KabarImapSession *session,
                    const char       *folder)
{
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (session, folder);
  g_autoptr(GPtrArray) messages = kabar_imap_test_fetch (session, "1:*", KABAR_IMAP_FETCH_ENVELOPE);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      const char *id = kabar_imap_message_get_envelope (messages->pdata[i])->message_id;
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (ids, id));

      g_hash_table_insert (ids, g_strdup (id), GUINT_TO_POINTER (n + 1));
    }
  return ids;
}

static void
assert_each_once (GHashTable *ids,
                  guint       expected)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) != 1)
      g_error ("%s is on the server %u times", (const char *) key, GPOINTER_TO_UINT (value));
  g_assert_cmpuint (g_hash_table_size (ids), ==, expected);
}

/* What the change must have made of the server: each message once, in
 * the folder it belongs in, flags as asked; and the store as the server. */
static void
assert_server_after (ReplayRun        *run,
                     KabarImapSession *session)
{
  g_autoptr(GHashTable) inbox = server_message_ids (session, "INBOX");
  g_autoptr(KabarImapUidSet) flagged = kabar_imap_test_search (session, "SEEN FLAGGED");
  g_autoptr(GHashTable) archive = server_message_ids (session, "Archive");
  guint moved = run->kind == REPLAY_MOVE ? G_N_ELEMENTS (moved_uids) : 0;
  guint copied = run->kind == REPLAY_COPY ? G_N_ELEMENTS (copied_uids) : 0;
  guint appended = run->kind == REPLAY_APPEND ? 1 : 0;

  assert_each_once (inbox, REPLAY_INBOX - moved);
  assert_each_once (archive, REPLAY_ARCHIVE + moved + copied + appended);
  if (appended > 0)
    g_assert_true (g_hash_table_contains (archive, "<" APPENDED_ID ">"));
  g_assert_cmpuint (kabar_imap_uid_set_get_count (flagged), ==,
                    run->kind == REPLAY_FLAGS ? G_N_ELEMENTS (flagged_uids) : 0);
}

/* A clean replay, then the folder syncs: nothing left pending, the
 * server as the change wants it, the store as the server is. */
static void
replay_run_finish (ReplayRun *run)
{
  g_autoptr(KabarImapSession) checker = NULL;
  g_autoptr(GError) error = NULL;

  replay_through (run, kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAPS), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_pending (run->store), ==, 0);
  sync_folders (run);
  checker = kabar_imap_test_open (get_bed (), run->user, KABAR_TEST_BED_PORT_IMAPS);
  assert_server_after (run, checker);
  kabar_sync_test_assert_session_matches (checker, run->store, "INBOX", run->inbox);
  kabar_sync_test_assert_session_matches (checker, run->store, "Archive", run->archive);
  kabar_imap_test_logout (checker);
}

static Conversation
measure_replay (Fixture    *fixture,
                ReplayKind  kind)
{
  Conversation conversation = { 0 };
  ReplayRun run = { 0 };
  guint connection = kabar_fault_proxy_get_n_connections (shared_proxy);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;

  replay_run_start (fixture, &run, kind);
  session = kabar_sync_test_try_open (get_bed (), kabar_fault_proxy_get_port (shared_proxy),
                                      run.user, TRUE, &error);
  g_assert_no_error (error);
  for (guint d = 0; d < 2; d++)
    conversation.start[d] = kabar_fault_proxy_get_bytes (shared_proxy, connection, d);
  kabar_imap_replay_pending (session, run.store, on_refused, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint d = 0; d < 2; d++)
    {
      conversation.total[d] = kabar_fault_proxy_get_bytes (shared_proxy, connection, d);
      conversation.record_ends[d] = kabar_fault_proxy_dup_record_ends (shared_proxy, connection, d);
    }
  kabar_imap_test_logout (session);
  g_test_message ("clean replay: %" G_GUINT64_FORMAT " bytes from the server, "
                  "%" G_GUINT64_FORMAT " from the client",
                  conversation.total[KABAR_FAULT_SERVER_TO_CLIENT],
                  conversation.total[KABAR_FAULT_CLIENT_TO_SERVER]);
  /* Nothing to do the second time. */
  replay_run_finish (&run);
  replay_run_clear (&run);
  return conversation;
}

static void
replay_cut (Fixture        *fixture,
            ReplayKind      kind,
            const CutPoint *point)
{
  g_autofree char *what = g_strdup_printf ("replay %s cut after %" G_GUINT64_FORMAT " bytes",
                                           direction_name (point->direction), point->bytes);
  guint connection = kabar_fault_proxy_get_n_connections (shared_proxy);
  ReplayRun run = { 0 };
  g_autoptr(GError) error = NULL;

  replay_run_start (fixture, &run, kind);
  kabar_fault_proxy_cut_after (shared_proxy, point->direction, point->bytes);
  if (replay_through (&run, kabar_fault_proxy_get_port (shared_proxy), &error))
    g_error ("%s: the replay claimed success", what);
  kabar_sync_test_assert_connection_error (error, what);
  g_test_message ("%s: %s", what, error->message);
  g_assert_true (kabar_fault_proxy_wait_closed (shared_proxy, connection, CLOSE_WAIT_MS));
  g_assert_true (kabar_fault_proxy_was_cut (shared_proxy, connection));
  /* What exists only here is not lost to a cut. */
  g_assert_cmpuint (count_pending (run.store), ==, 1);

  replay_run_finish (&run);
  replay_run_clear (&run);
}

/* Cuts of the connection and the sign-in are the sync tests' business:
 * here, from the end of the sign-in on, each record of the replay's short
 * conversation both ways is cut after its end, one byte short of it, and
 * in its middle. */
static void
add_record_points (GArray              *points,
                   const Conversation  *conversation,
                   KabarFaultDirection  direction,
                   guint64              limit)
{
  GArray *ends = conversation->record_ends[direction];
  guint64 previous = 0;

  for (guint i = 0; i < ends->len; i++)
    {
      guint64 end = g_array_index (ends, guint64, i);

      if (previous >= conversation->start[direction] && end <= limit)
        {
          add_point (points, direction, (previous + end) / 2);
          add_point (points, direction, end - 1);
          add_point (points, direction, end);
        }
      previous = end;
    }
}

/* The replies are few: evenly between the sign-in and the end too. */
static GArray *
replay_cut_points (const Conversation *conversation)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (CutPoint));
  guint64 start = conversation->start[KABAR_FAULT_SERVER_TO_CLIENT];
  guint64 last;

  g_assert_cmpuint (conversation->total[KABAR_FAULT_SERVER_TO_CLIENT], >, start + END_MARGIN);
  last = conversation->total[KABAR_FAULT_SERVER_TO_CLIENT] - END_MARGIN;
  add_record_points (points, conversation, KABAR_FAULT_SERVER_TO_CLIENT, last);
  for (guint i = 1; i <= REPLAY_SPREAD_POINTS; i++)
    add_point (points, KABAR_FAULT_SERVER_TO_CLIENT,
               start + (last - start) * i / REPLAY_SPREAD_POINTS);
  add_record_points (points, conversation, KABAR_FAULT_CLIENT_TO_SERVER,
                     conversation->total[KABAR_FAULT_CLIENT_TO_SERVER]);
  return points;
}

static void
test_replay_cut (Fixture       *fixture,
                 gconstpointer  data)
{
  ReplayKind kind = GPOINTER_TO_INT (data);
  Conversation conversation = measure_replay (fixture, kind);
  g_autoptr(GArray) points = replay_cut_points (&conversation);

  g_test_message ("%u cut points", points->len);
  for (guint i = 0; i < points->len; i++)
    replay_cut (fixture, kind, &g_array_index (points, CutPoint, i));
  conversation_clear (&conversation);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, data, func) \
  g_test_add ("/sync/faults/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("initial-sync-cut-from-the-server", NULL, test_initial_sync_cut_from_the_server);
  ADD ("initial-sync-cut-from-the-client", NULL, test_initial_sync_cut_from_the_client);
  ADD ("resync-cut-with-qresync", GINT_TO_POINTER (TRUE), test_resync_cut);
  ADD ("resync-cut-without-condstore", GINT_TO_POINTER (FALSE), test_resync_cut);
  ADD ("replay-flags-cut", GINT_TO_POINTER (REPLAY_FLAGS), test_replay_cut);
  ADD ("replay-move-cut", GINT_TO_POINTER (REPLAY_MOVE), test_replay_cut);
  ADD ("replay-copy-cut", GINT_TO_POINTER (REPLAY_COPY), test_replay_cut);
  ADD ("replay-append-cut", GINT_TO_POINTER (REPLAY_APPEND), test_replay_cut);
#undef ADD

  status = g_test_run ();
  g_clear_pointer (&shared_proxy, kabar_fault_proxy_free);
  if (shared_bed != NULL)
    kabar_test_bed_stop (shared_bed);
  g_clear_object (&shared_bed);
  return status;
}
