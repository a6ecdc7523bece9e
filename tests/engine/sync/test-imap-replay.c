/* test-imap-replay.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Replaying pending operations against the bed's real Dovecot (MOVE,
 * UIDPLUS): every kind reaches the server, refusals are undone and told,
 * a replay survives a restart, a second one changes nothing, and a copy or
 * append that reached the server before the connection was lost is not
 * made twice. After each replay the store must hold exactly what a second
 * session sees on the server, UIDs included. And against the scripted
 * server: a cut right after the command went, and a server without
 * UIDPLUS.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "kabar-imap-replay.h"
#include "kabar-imap-summary.h"
#include "kabar-imap-test-session.h"
#include "kabar-net-error.h"
#include "kabar-test-wait.h"

#define PASSWORD "Sandi-123"

static KabarTestBed *shared_bed;

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
  return shared_bed;
}

/* --- fixtures ------------------------------------------------------------------- */

typedef struct
{
  char *user;
  char *directory;
  char *path;
  KabarStore *store;
  KabarImapSession *session;
  /* Another client of the same account: what the server holds. */
  KabarImapSession *checker;
  /* "kind: message" of each refusal reported. */
  GPtrArray *refusals;
  GPtrArray *refusal_errors;
} Fixture;

static void
open_store (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up_store (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->directory = g_dir_make_tmp ("kabar-replay-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->directory, "store.db", NULL);
  open_store (fixture);
  fixture->refusals = g_ptr_array_new_with_free_func (g_free);
  fixture->refusal_errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint counter;

  fixture->user = g_strdup_printf ("replay%u@%s", ++counter, KABAR_TEST_BED_DOMAIN);
  kabar_test_bed_add_user (get_bed (), fixture->user, PASSWORD);
  fixture_set_up_store (fixture, data);
  fixture->session = kabar_imap_test_open (get_bed (), fixture->user, KABAR_TEST_BED_PORT_IMAPS);
  fixture->checker = kabar_imap_test_open (get_bed (), fixture->user, KABAR_TEST_BED_PORT_IMAPS);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  if (fixture->session != NULL)
    kabar_imap_session_close (fixture->session);
  if (fixture->checker != NULL)
    kabar_imap_session_close (fixture->checker);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->checker);
  g_clear_object (&fixture->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (fixture->path, suffixes[i], NULL);

      g_remove (file);
    }
  g_rmdir (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->path);
  g_free (fixture->user);
  g_ptr_array_unref (fixture->refusals);
  g_ptr_array_unref (fixture->refusal_errors);
}

/* --- the server ---------------------------------------------------------------- */

static char *
message_text (guint n)
{
  return g_strdup_printf ("From: Budi Santoso <budi@example.co.id>\n"
                          "To: Dewi Lestari <dewi@example.in>\n"
                          "Subject: Laporan %u\n"
                          "Date: Thu, 01 Jan 2026 10:%02u:00 +0700\n"
                          "Message-ID: <laporan-%u@example.co.id>\n"
                          "\n"
                          "Isi laporan %u.\n",
                          n, n, n, n);
}

/* Laporan first..last into the folder, in that UID order. */
static void
server_add (Fixture    *fixture,
            const char *folder,
            guint       first,
            guint       last)
{
  for (guint n = first; n <= last; n++)
    {
      g_autofree char *text = message_text (n);

      kabar_imap_test_add_message (get_bed (), fixture->user, folder, text, "");
    }
}

static gboolean
try_folder_command (KabarImapSession *session,
                    void (*start) (KabarImapSession *, const char *, GCancellable *, GAsyncReadyCallback, gpointer),
                    const char       *mailbox,
                    GError          **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  start (session, mailbox, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_imap_test_try_command (session, result, error);
}

static void
server_create (Fixture    *fixture,
               const char *mailbox)
{
  g_autoptr(GError) error = NULL;

  try_folder_command (fixture->checker, kabar_imap_session_create_async, mailbox, &error);
  g_assert_no_error (error);
}

/* "uid subject flags" a line, UIDs ascending: what the server has. */
static char *
server_state (Fixture    *fixture,
              const char *folder)
{
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (fixture->checker, folder);
  g_autoptr(GPtrArray) messages = NULL;
  GString *text = g_string_new (NULL);

  if (kabar_imap_mailbox_state_get_exists (state) == 0)
    return g_string_free (text, FALSE);
  messages = kabar_imap_test_fetch (fixture->checker, "1:*",
                                    KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_ENVELOPE);
  for (guint i = 0; i < messages->len; i++)
    {
      KabarImapMessage *message = messages->pdata[i];
      KabarMessageFlags flags = kabar_imap_flags_parse (kabar_imap_message_get_flags (message), NULL);

      g_string_append_printf (text, "%u %s %u\n", kabar_imap_message_get_uid (message),
                              kabar_imap_message_get_envelope (message)->subject, flags);
    }
  return g_string_free (text, FALSE);
}

static void
assert_server_state (Fixture    *fixture,
                     const char *folder,
                     const char *expected)
{
  g_autofree char *on_server = server_state (fixture, folder);

  g_assert_cmpstr (on_server, ==, expected);
}

static guint
server_count (Fixture    *fixture,
              const char *folder)
{
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (fixture->checker, folder);

  return kabar_imap_mailbox_state_get_exists (state);
}

static gboolean
server_has_folder (Fixture    *fixture,
                   const char *name)
{
  g_autoptr(GPtrArray) folders = kabar_imap_test_list (fixture->checker, "*", KABAR_IMAP_LIST_NONE);

  return kabar_imap_test_find_folder (folders, name) != NULL;
}

/* --- the store ------------------------------------------------------------------ */

/* What the folder sync would do on a first sync: the folder and every
 * message the server has, with the server's UIDVALIDITY. */
static gint64
sync_folder (Fixture    *fixture,
             const char *folder)
{
  KabarImapFetchRequest request = {
    .items = kabar_imap_summary_fetch_items (FALSE),
    .header_fields = kabar_imap_summary_header_fields (),
  };
  g_autoptr(KabarImapUidSet) all = kabar_imap_uid_set_new_range (1, KABAR_IMAP_UID_STAR);
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (fixture->session, folder);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  KabarFolderSyncState sync = { kabar_imap_mailbox_state_get_uidvalidity (state), 0, 0, 0 };
  g_autoptr(GError) error = NULL;
  gint64 folder_id = kabar_store_upsert_folder (fixture->store, folder, '/', NULL, KABAR_FOLDER_ROLE_NONE,
                                                TRUE, &error);

  g_assert_no_error (error);
  kabar_store_set_folder_sync_state (fixture->store, folder_id, &sync, &error);
  g_assert_no_error (error);
  if (kabar_imap_mailbox_state_get_exists (state) == 0)
    return folder_id;
  messages = kabar_imap_test_try_fetch (fixture->session, all, &request, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (summaries, kabar_imap_summary_new (messages->pdata[i]));
  kabar_store_insert_summaries (fixture->store, folder_id, summaries, &error);
  g_assert_no_error (error);
  return folder_id;
}

static gint64
folder_id (Fixture    *fixture,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) folder = kabar_store_get_folder_by_path (fixture->store, path, &error);

  g_assert_no_error (error);
  return folder->id;
}

static int
compare_by_uid (gconstpointer a,
                gconstpointer b)
{
  const KabarMessageSummary *first = *(KabarMessageSummary * const *) a;
  const KabarMessageSummary *second = *(KabarMessageSummary * const *) b;

  return first->uid < second->uid ? -1 : first->uid > second->uid;
}

/* The same lines from the store; counts checked on the way. */
static char *
store_state (Fixture    *fixture,
             const char *folder)
{
  g_autoptr(GError) error = NULL;
  gint64 id = folder_id (fixture, folder);
  g_autoptr(GPtrArray) messages = kabar_store_list_messages (fixture->store, id, 0, G_MAXUINT, &error);
  GString *text = g_string_new (NULL);
  guint total = 0;

  g_assert_no_error (error);
  g_assert_true (kabar_store_count_messages (fixture->store, id, &total, NULL, &error));
  g_assert_cmpuint (total, ==, messages->len);
  g_ptr_array_sort (messages, compare_by_uid);
  for (guint i = 0; i < messages->len; i++)
    {
      KabarMessageSummary *summary = messages->pdata[i];

      g_string_append_printf (text, "%u %s %u\n", summary->uid, summary->subject, summary->flags);
    }
  return g_string_free (text, FALSE);
}

static void
assert_store_state (Fixture    *fixture,
                    const char *folder,
                    const char *expected)
{
  g_autofree char *in_store = store_state (fixture, folder);

  g_assert_cmpstr (in_store, ==, expected);
}

static void
assert_store_is_server (Fixture    *fixture,
                        const char *folder)
{
  g_autofree char *on_server = server_state (fixture, folder);
  g_autofree char *in_store = store_state (fixture, folder);

  g_test_message ("%s on the server:\n%s", folder, on_server);
  g_assert_cmpstr (in_store, ==, on_server);
}

static guint
count_pending (KabarStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations = kabar_store_list_pending_operations (store, &error);

  g_assert_no_error (error);
  return operations->len;
}

/* --- replaying ------------------------------------------------------------------ */

static void
on_refused (const KabarPendingOperation *operation,
            const GError                *server_error,
            gpointer                     user_data)
{
  Fixture *fixture = user_data;

  g_test_message ("refused: %s", server_error->message);
  g_ptr_array_add (fixture->refusals,
                   g_strdup_printf ("%s: %s", kabar_pending_kind_to_string (operation->kind),
                                    server_error->message));
  g_ptr_array_add (fixture->refusal_errors, g_error_copy (server_error));
}

static gboolean
try_replay (Fixture           *fixture,
            KabarImapSession  *session,
            GError           **error)
{
  return kabar_imap_replay_pending (session, fixture->store, on_refused, fixture, NULL, error);
}

static void
replay (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (try_replay (fixture, fixture->session, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_pending (fixture->store), ==, 0);
}

static const guint32 *
uids (guint32 first,
      ...)
{
  static guint32 list[16];
  va_list args;
  guint n = 0;

  va_start (args, first);
  for (guint32 uid = first; uid != 0 && n < G_N_ELEMENTS (list); uid = va_arg (args, guint32))
    list[n++] = uid;
  va_end (args);
  return list;
}

static void
change_flags (Fixture           *fixture,
              const char        *folder,
              const guint32     *list,
              gsize              n,
              KabarMessageFlags  add,
              KabarMessageFlags  remove)
{
  g_autoptr(GError) error = NULL;

  kabar_store_change_flags (fixture->store, folder_id (fixture, folder), list, n, add, remove, &error);
  g_assert_no_error (error);
}

static gint64
change_move (Fixture       *fixture,
             const char    *from,
             const guint32 *list,
             gsize          n,
             const char    *to,
             gboolean       copy)
{
  g_autoptr(GError) error = NULL;
  gint64 id = copy
              ? kabar_store_change_copy (fixture->store, folder_id (fixture, from), list, n,
                                         folder_id (fixture, to), &error)
              : kabar_store_change_move (fixture->store, folder_id (fixture, from), list, n,
                                         folder_id (fixture, to), &error);

  g_assert_no_error (error);
  return id;
}

static GBytes *
draft_raw (void)
{
  return kabar_imap_test_message ("From: Dewi Lestari <dewi@example.in>\n"
                                  "To: Budi Santoso <budi@example.co.id>\n"
                                  "Subject: Rencana rapat\n"
                                  "Date: Fri, 02 Jan 2026 09:00:00 +0700\n"
                                  "Message-ID: <rencana-1@example.in>\n"
                                  "\n"
                                  "Draf.\n");
}

static gint64
change_append (Fixture    *fixture,
               const char *folder)
{
  g_autoptr(KabarMessageSummary) summary = kabar_message_summary_new ();
  g_autoptr(GBytes) raw = draft_raw ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  summary->subject = g_strdup ("Rencana rapat");
  summary->message_id = g_strdup ("<rencana-1@example.in>");
  summary->internal_date = 1767319200;
  id = kabar_store_change_append (fixture->store, folder_id (fixture, folder), raw,
                                  KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_DRAFT, summary, &error);
  g_assert_no_error (error);
  return id;
}

/* --- every kind reaches the server ------------------------------------------------ */

static void
test_flags_reach_the_server (Fixture       *fixture,
                             gconstpointer  data)
{
  server_add (fixture, "INBOX", 1, 4);
  sync_folder (fixture, "INBOX");

  change_flags (fixture, "INBOX", uids (1, 3, 0), 2, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED, 0);
  change_flags (fixture, "INBOX", uids (3, 0), 1, 0, KABAR_MESSAGE_FLAG_FLAGGED);
  replay (fixture);

  g_assert_cmpuint (fixture->refusals->len, ==, 0);
  assert_store_is_server (fixture, "INBOX");
  assert_server_state (fixture, "INBOX", "1 Laporan 1 5\n2 Laporan 2 0\n3 Laporan 3 1\n4 Laporan 4 0\n");
}

static void
test_move_reaches_the_server_with_its_new_uids (Fixture       *fixture,
                                                gconstpointer  data)
{
  server_add (fixture, "INBOX", 1, 3);
  server_add (fixture, "Archive", 9, 9);
  sync_folder (fixture, "INBOX");
  sync_folder (fixture, "Archive");

  change_move (fixture, "INBOX", uids (1, 2, 0), 2, "Archive", FALSE);
  replay (fixture);

  g_assert_cmpuint (fixture->refusals->len, ==, 0);
  assert_store_is_server (fixture, "INBOX");
  assert_store_is_server (fixture, "Archive");
  g_assert_cmpuint (server_count (fixture, "INBOX"), ==, 1);
  g_assert_cmpuint (server_count (fixture, "Archive"), ==, 3);
}

static void
test_copy_reaches_the_server_with_its_new_uids (Fixture       *fixture,
                                                gconstpointer  data)
{
  server_add (fixture, "INBOX", 1, 3);
  server_create (fixture, "Archive");
  sync_folder (fixture, "INBOX");
  sync_folder (fixture, "Archive");

  change_move (fixture, "INBOX", uids (2, 0), 1, "Archive", TRUE);
  replay (fixture);

  assert_store_is_server (fixture, "INBOX");
  assert_store_is_server (fixture, "Archive");
  g_assert_cmpuint (server_count (fixture, "INBOX"), ==, 3);
  g_assert_cmpuint (server_count (fixture, "Archive"), ==, 1);
}

static void
test_delete_expunges_exactly_those_messages (Fixture       *fixture,
                                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;

  server_add (fixture, "INBOX", 1, 3);
  /* Another client marked 3 \Deleted and means to keep it for now. */
  state = kabar_imap_test_select (fixture->checker, "INBOX");
  kabar_imap_test_store (fixture->checker, "3", KABAR_IMAP_STORE_ADD, "\\Deleted");
  sync_folder (fixture, "INBOX");

  kabar_store_change_delete (fixture->store, folder_id (fixture, "INBOX"), uids (1, 0), 1, &error);
  g_assert_no_error (error);
  replay (fixture);

  assert_store_is_server (fixture, "INBOX");
  assert_server_state (fixture, "INBOX", "2 Laporan 2 0\n3 Laporan 3 8\n");
}

static void
test_append_reaches_the_server_with_its_uid (Fixture       *fixture,
                                             gconstpointer  data)
{
  server_create (fixture, "Drafts");
  sync_folder (fixture, "Drafts");

  change_append (fixture, "Drafts");
  replay (fixture);

  assert_store_is_server (fixture, "Drafts");
  assert_server_state (fixture, "Drafts", "1 Rencana rapat 17\n");
}

static void
test_folder_changes_reach_the_server (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) subscribed = NULL;
  gint64 temporary;

  kabar_store_change_create_folder (fixture->store, "Projects", '/', &error);
  kabar_store_change_rename_folder (fixture->store, folder_id (fixture, "Projects"), "Projekte", &error);
  kabar_store_change_create_folder (fixture->store, "Sementara", '/', &error);
  g_assert_no_error (error);
  temporary = folder_id (fixture, "Sementara");
  kabar_store_change_delete_folder (fixture->store, temporary, &error);
  g_assert_no_error (error);
  replay (fixture);

  g_assert_cmpuint (fixture->refusals->len, ==, 0);
  g_assert_true (server_has_folder (fixture, "Projekte"));
  g_assert_false (server_has_folder (fixture, "Projects"));
  g_assert_false (server_has_folder (fixture, "Sementara"));
  subscribed = kabar_imap_test_list (fixture->checker, "*", KABAR_IMAP_LIST_SUBSCRIBED_ONLY);
  g_assert_null (kabar_imap_test_find_folder (subscribed, "Sementara"));
}

/* --- refusals --------------------------------------------------------------------- */

static void
test_move_to_a_missing_folder_is_undone_and_told (Fixture       *fixture,
                                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GError *refusal;

  server_add (fixture, "INBOX", 1, 2);
  sync_folder (fixture, "INBOX");
  /* The store has a folder the server does not. */
  kabar_store_upsert_folder (fixture->store, "Hantu", '/', NULL, KABAR_FOLDER_ROLE_NONE, TRUE, &error);
  g_assert_no_error (error);

  change_move (fixture, "INBOX", uids (1, 0), 1, "Hantu", FALSE);
  replay (fixture);

  g_assert_cmpuint (fixture->refusals->len, ==, 1);
  refusal = fixture->refusal_errors->pdata[0];
  g_assert_error (refusal, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_NONEXISTENT);
  g_assert_true (g_str_has_prefix (fixture->refusals->pdata[0], "move: "));
  assert_store_is_server (fixture, "INBOX");
  assert_store_state (fixture, "Hantu", "");
}

static void
test_folder_name_the_server_refuses_is_undone_and_told (Fixture       *fixture,
                                                        gconstpointer  data)
{
  /* Longer than a mailbox name may be on Dovecot (a file name). */
  g_autofree char *padding = g_strnfill (300, 'x');
  g_autofree char *name = g_strconcat ("Laporan ", padding, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) gone = NULL;

  kabar_store_change_create_folder (fixture->store, name, '/', &error);
  g_assert_no_error (error);
  replay (fixture);

  g_assert_cmpuint (fixture->refusals->len, ==, 1);
  g_assert_true (g_str_has_prefix (fixture->refusals->pdata[0], "folder-create: "));
  g_assert_true (((GError *) fixture->refusal_errors->pdata[0])->domain == KABAR_IMAP_ERROR);
  gone = kabar_store_get_folder_by_path (fixture->store, name, &error);
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_assert_false (server_has_folder (fixture, name));
}

/* --- restarts and repeats --------------------------------------------------------- */

static void
queue_one_of_each (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  change_flags (fixture, "INBOX", uids (1, 0), 1, KABAR_MESSAGE_FLAG_SEEN, 0);
  change_move (fixture, "INBOX", uids (2, 0), 1, "Archive", FALSE);
  change_move (fixture, "INBOX", uids (3, 0), 1, "Archive", TRUE);
  kabar_store_change_delete (fixture->store, folder_id (fixture, "INBOX"), uids (4, 0), 1, &error);
  g_assert_no_error (error);
  change_append (fixture, "Archive");
  kabar_store_change_create_folder (fixture->store, "Baru", '/', &error);
  g_assert_no_error (error);
}

static void
test_replay_survives_a_restart (Fixture       *fixture,
                                gconstpointer  data)
{
  server_add (fixture, "INBOX", 1, 5);
  server_create (fixture, "Archive");
  sync_folder (fixture, "INBOX");
  sync_folder (fixture, "Archive");
  queue_one_of_each (fixture);

  /* Kabar quits before it could replay anything, and starts again. */
  kabar_imap_session_close (fixture->session);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->store);
  open_store (fixture);
  g_assert_cmpuint (count_pending (fixture->store), ==, 6);
  fixture->session = kabar_imap_test_open (get_bed (), fixture->user, KABAR_TEST_BED_PORT_IMAPS);
  replay (fixture);

  g_assert_cmpuint (fixture->refusals->len, ==, 0);
  assert_store_is_server (fixture, "INBOX");
  assert_store_is_server (fixture, "Archive");
  assert_server_state (fixture, "INBOX", "1 Laporan 1 1\n3 Laporan 3 0\n5 Laporan 5 0\n");
  g_assert_cmpuint (server_count (fixture, "Archive"), ==, 3);
  g_assert_true (server_has_folder (fixture, "Baru"));
}

static void
test_second_replay_changes_nothing (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *inbox = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *inbox_again = NULL;
  g_autofree char *archive_again = NULL;

  server_add (fixture, "INBOX", 1, 5);
  server_create (fixture, "Archive");
  sync_folder (fixture, "INBOX");
  sync_folder (fixture, "Archive");
  queue_one_of_each (fixture);
  replay (fixture);
  inbox = server_state (fixture, "INBOX");
  archive = server_state (fixture, "Archive");

  replay (fixture);
  inbox_again = server_state (fixture, "INBOX");
  archive_again = server_state (fixture, "Archive");
  g_assert_cmpstr (inbox_again, ==, inbox);
  g_assert_cmpstr (archive_again, ==, archive);
  g_assert_cmpuint (fixture->refusals->len, ==, 0);
  assert_store_is_server (fixture, "INBOX");
  assert_store_is_server (fixture, "Archive");
}

/* --- what a lost connection may have left done -------------------------------------- */

static void
test_started_copy_that_reached_the_server_is_not_made_twice (Fixture       *fixture,
                                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  gint64 id;

  server_add (fixture, "INBOX", 1, 2);
  server_create (fixture, "Archive");
  sync_folder (fixture, "INBOX");
  sync_folder (fixture, "Archive");
  id = change_move (fixture, "INBOX", uids (1, 2, 0), 2, "Archive", TRUE);

  /* The first replay sent UID COPY 1 and lost the connection before the
   * answer: the server did copy it. */
  kabar_store_mark_pending_started (fixture->store, id, &error);
  g_assert_no_error (error);
  state = kabar_imap_test_select (fixture->checker, "INBOX");
  kabar_imap_test_try_move (fixture->checker, "1", "Archive", TRUE, NULL, &error);
  g_assert_no_error (error);

  replay (fixture);
  assert_server_state (fixture, "Archive", "1 Laporan 1 0\n2 Laporan 2 0\n");
  assert_store_is_server (fixture, "Archive");
  assert_store_is_server (fixture, "INBOX");
}

static void
test_started_append_that_reached_the_server_is_not_made_twice (Fixture       *fixture,
                                                                gconstpointer  data)
{
  g_autoptr(GBytes) raw = draft_raw ();
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *flags[] = { "\\Seen", "\\Draft", NULL };
  gint64 id;

  server_create (fixture, "Drafts");
  sync_folder (fixture, "Drafts");
  id = change_append (fixture, "Drafts");
  kabar_store_mark_pending_started (fixture->store, id, &error);
  g_assert_no_error (error);
  kabar_imap_session_append_async (fixture->checker, "Drafts", raw, flags, NULL, NULL,
                                   kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_append_finish (fixture->checker, result, NULL, NULL, &error);
  g_assert_no_error (error);

  replay (fixture);
  assert_server_state (fixture, "Drafts", "1 Rencana rapat 17\n");
  assert_store_is_server (fixture, "Drafts");
}

static void
test_started_move_whose_messages_are_gone_is_done (Fixture       *fixture,
                                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  gint64 id;

  server_add (fixture, "INBOX", 1, 2);
  server_create (fixture, "Archive");
  sync_folder (fixture, "INBOX");
  sync_folder (fixture, "Archive");
  id = change_move (fixture, "INBOX", uids (1, 0), 1, "Archive", FALSE);
  kabar_store_mark_pending_started (fixture->store, id, &error);
  g_assert_no_error (error);
  state = kabar_imap_test_select (fixture->checker, "INBOX");
  kabar_imap_test_try_move (fixture->checker, "1", "Archive", FALSE, NULL, &error);
  g_assert_no_error (error);

  replay (fixture);
  assert_store_is_server (fixture, "INBOX");
  g_assert_cmpuint (server_count (fixture, "Archive"), ==, 1);
  /* The server gave no UID this time: the sync of Archive fetches it. */
  assert_store_state (fixture, "Archive", "");
  sync_folder (fixture, "Archive");
  assert_store_is_server (fixture, "Archive");
}

/* --- the scripted server ------------------------------------------------------------ */

static KabarScriptedServer *
start_script (const char *name)
{
  KabarScriptedServer *server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "transcripts", name, NULL);
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_load_transcript (server, path, &error);
  g_assert_no_error (error);
  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
  return server;
}

/* INBOX with Laporan 1 to 3 as UIDs 1 to 3, and an empty Archive, as a
 * sync would have left them. */
static void
fill_store_locally (Fixture *fixture)
{
  g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(GError) error = NULL;
  gint64 inbox = kabar_store_upsert_folder (fixture->store, "INBOX", '/', NULL, KABAR_FOLDER_ROLE_INBOX,
                                            TRUE, &error);

  kabar_store_upsert_folder (fixture->store, "Archive", '/', NULL, KABAR_FOLDER_ROLE_ARCHIVE, TRUE, &error);
  g_assert_no_error (error);
  for (guint32 uid = 1; uid <= 3; uid++)
    {
      KabarMessageSummary *summary = kabar_message_summary_new ();

      summary->uid = uid;
      summary->subject = g_strdup_printf ("Laporan %u", uid);
      summary->message_id = g_strdup_printf ("<laporan-%u@example.co.id>", uid);
      summary->date = 1767236400 + uid * 60;
      g_ptr_array_add (summaries, summary);
    }
  kabar_store_insert_summaries (fixture->store, inbox, summaries, &error);
  g_assert_no_error (error);
}

static guint
count_client_lines (KabarScriptedServer *server,
                    const char          *part)
{
  g_auto(GStrv) lines = kabar_scripted_server_dup_client_lines (server);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], part) != NULL)
      count++;
  return count;
}

static void
test_cut_after_copy_then_second_connection_finds_the_copy (Fixture       *fixture,
                                                           gconstpointer  data)
{
  g_autoptr(KabarScriptedServer) server = start_script ("imap-replay-copy-cut.txt");
  g_autoptr(KabarImapSession) first = NULL;
  g_autoptr(KabarImapSession) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operations = NULL;

  fill_store_locally (fixture);
  change_move (fixture, "INBOX", uids (1, 0), 1, "Archive", TRUE);

  first = kabar_imap_test_open_scripted (server, KABAR_SECURITY_NONE);
  g_assert_false (try_replay (fixture, first, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_clear_error (&error);
  operations = kabar_store_list_pending_operations (fixture->store, &error);
  g_assert_cmpuint (operations->len, ==, 1);
  g_assert_true (((KabarPendingOperation *) operations->pdata[0])->started);
  assert_store_state (fixture, "Archive", "0 Laporan 1 0\n");

  second = kabar_imap_test_open_scripted (server, KABAR_SECURITY_NONE);
  g_assert_true (try_replay (fixture, second, &error));
  g_assert_no_error (error);
  kabar_imap_test_assert_script (server);

  g_assert_cmpuint (count_client_lines (server, "UID COPY"), ==, 1);
  g_assert_cmpuint (count_pending (fixture->store), ==, 0);
  assert_store_state (fixture, "Archive", "5 Laporan 1 0\n");
  g_assert_cmpuint (fixture->refusals->len, ==, 0);
}

static void
test_without_uidplus_delete_and_move_are_refused_before_sending (Fixture       *fixture,
                                                                 gconstpointer  data)
{
  g_autoptr(KabarScriptedServer) server = start_script ("imap-replay-no-uidplus.txt");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;

  fill_store_locally (fixture);
  kabar_store_change_delete (fixture->store, folder_id (fixture, "INBOX"), uids (1, 0), 1, &error);
  g_assert_no_error (error);
  change_move (fixture, "INBOX", uids (2, 0), 1, "Archive", FALSE);

  session = kabar_imap_test_open_scripted (server, KABAR_SECURITY_NONE);
  g_assert_true (try_replay (fixture, session, &error));
  g_assert_no_error (error);
  kabar_imap_test_assert_script (server);

  g_assert_cmpuint (fixture->refusals->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_error ((GError *) fixture->refusal_errors->pdata[i], KABAR_IMAP_ERROR,
                    KABAR_IMAP_ERROR_UNSUPPORTED);
  g_assert_cmpuint (count_client_lines (server, "STORE"), ==, 0);
  g_assert_cmpuint (count_client_lines (server, "COPY"), ==, 0);
  assert_store_state (fixture, "INBOX", "1 Laporan 1 0\n2 Laporan 2 0\n3 Laporan 3 0\n");
  assert_store_state (fixture, "Archive", "");
}

#define ADD(path, function) \
  g_test_add (path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)
#define ADD_SCRIPTED(path, function) \
  g_test_add (path, Fixture, NULL, fixture_set_up_store, function, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  ADD ("/imap/replay/flags-reach-the-server", test_flags_reach_the_server);
  ADD ("/imap/replay/move-reaches-the-server-with-its-new-uids", test_move_reaches_the_server_with_its_new_uids);
  ADD ("/imap/replay/copy-reaches-the-server-with-its-new-uids", test_copy_reaches_the_server_with_its_new_uids);
  ADD ("/imap/replay/delete-expunges-exactly-those-messages", test_delete_expunges_exactly_those_messages);
  ADD ("/imap/replay/append-reaches-the-server-with-its-uid", test_append_reaches_the_server_with_its_uid);
  ADD ("/imap/replay/folder-changes-reach-the-server", test_folder_changes_reach_the_server);

  ADD ("/imap/replay/refused/move-to-a-missing-folder-is-undone-and-told",
       test_move_to_a_missing_folder_is_undone_and_told);
  ADD ("/imap/replay/refused/folder-name-the-server-refuses-is-undone-and-told",
       test_folder_name_the_server_refuses_is_undone_and_told);

  ADD ("/imap/replay/survives-a-restart", test_replay_survives_a_restart);
  ADD ("/imap/replay/second-replay-changes-nothing", test_second_replay_changes_nothing);

  ADD ("/imap/replay/started/copy-that-reached-the-server-is-not-made-twice",
       test_started_copy_that_reached_the_server_is_not_made_twice);
  ADD ("/imap/replay/started/append-that-reached-the-server-is-not-made-twice",
       test_started_append_that_reached_the_server_is_not_made_twice);
  ADD ("/imap/replay/started/move-whose-messages-are-gone-is-done",
       test_started_move_whose_messages_are_gone_is_done);

  ADD_SCRIPTED ("/imap/replay/scripted/cut-after-copy-then-second-connection-finds-the-copy",
                test_cut_after_copy_then_second_connection_finds_the_copy);
  ADD_SCRIPTED ("/imap/replay/scripted/without-uidplus-delete-and-move-are-refused-before-sending",
                test_without_uidplus_delete_and_move_are_refused_before_sending);

  status = g_test_run ();
  g_clear_object (&shared_bed);
  return status;
}
