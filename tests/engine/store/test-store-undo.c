/* test-store-undo.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What undo needs of the store (kabar-store-undo.c): a change recorded in
 * its own transaction, a cancel that the replay's start excludes, flags
 * given back message by message, and a moved message found where it went.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-store.h"

typedef struct
{
  char *dir;
  char *path;
  KabarStore *store;
  gint64 inbox;
  gint64 archive;
} Fixture;

static gint64
add_folder (KabarStore *store,
            const char *path)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kabar_store_upsert_folder (store, path, '/', NULL, KABAR_FOLDER_ROLE_NONE, TRUE,
                                         &error);

  g_assert_no_error (error);
  return id;
}

/* UID uid, Message-ID <report-<number>@example.co.id>, read when even. */
static void
insert (KabarStore *store,
        gint64      folder_id,
        guint32     uid,
        guint       number)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(GError) error = NULL;
  KabarMessageSummary *summary = kabar_message_summary_new ();

  summary->uid = uid;
  summary->date = 1700000000 + number * 60;
  summary->subject = g_strdup_printf ("Laporan %u", number);
  summary->message_id = g_strdup_printf ("<report-%u@example.co.id>", number);
  summary->flags = number % 2 == 0 ? KABAR_MESSAGE_FLAG_SEEN : 0;
  g_ptr_array_add (batch, summary);
  g_assert_true (kabar_store_insert_summaries (store, folder_id, batch, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = g_build_filename (base != NULL ? base : g_get_tmp_dir (),
                                                "store-undo-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;

  fixture->dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "store.sqlite3", NULL);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  fixture->inbox = add_folder (fixture->store, "INBOX");
  fixture->archive = add_folder (fixture->store, "Archive");
  for (guint32 uid = 1; uid <= 4; uid++)
    insert (fixture->store, fixture->inbox, uid, uid);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&fixture->store);
  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static gint64
record (Fixture           *fixture,
        KabarPendingKind   kind,
        const guint32     *uids,
        gsize              n_uids,
        KabarMessageFlags  add,
        GArray           **messages)
{
  g_autoptr(GError) error = NULL;
  gint64 operation_id = kabar_store_change_recorded (fixture->store, kind, fixture->inbox, uids,
                                                     n_uids, add, 0,
                                                     kind == KABAR_PENDING_FLAGS ? 0 : fixture->archive,
                                                     messages, &error);

  g_assert_no_error (error);
  g_assert_cmpint (operation_id, >, 0);
  return operation_id;
}

/* "1 2r 4" (r: read) of what the folder lists, UIDs ascending. */
static char *
listed (Fixture *fixture,
        gint64   folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = kabar_store_list_messages (fixture->store, folder_id, 0, 100, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = messages->len; i > 0; i--)
    {
      KabarMessageSummary *summary = messages->pdata[i - 1];

      g_string_append_printf (text, "%s%u%s", text->len > 0 ? " " : "", summary->uid,
                              (summary->flags & KABAR_MESSAGE_FLAG_SEEN) ? "r" : "");
    }
  return g_string_free (text, FALSE);
}

static void
assert_listed (Fixture    *fixture,
               gint64      folder_id,
               const char *expected)
{
  g_autofree char *text = listed (fixture, folder_id);

  g_assert_cmpstr (text, ==, expected);
}

static KabarCancelOutcome
cancel (Fixture *fixture,
        gint64   operation_id)
{
  g_autoptr(GError) error = NULL;
  KabarCancelOutcome outcome = KABAR_CANCEL_GONE;

  g_assert_true (kabar_store_cancel_pending_operation (fixture->store, operation_id, &outcome,
                                                       &error));
  g_assert_no_error (error);
  return outcome;
}

static gboolean
is_pending (Fixture *fixture,
            gint64   operation_id)
{
  g_autoptr(GError) error = NULL;
  gboolean pending = FALSE;

  g_assert_true (kabar_store_has_pending_operation (fixture->store, operation_id, &pending, &error));
  g_assert_no_error (error);
  return pending;
}

static void
test_records_what_the_change_did (Fixture       *fixture,
                                  gconstpointer  data)
{
  const guint32 uids[] = { 3, 2, 99 };
  g_autoptr(GArray) messages = NULL;
  KabarChangedMessage *first, *second;

  record (fixture, KABAR_PENDING_MOVE, uids, G_N_ELEMENTS (uids), 0, &messages);
  g_assert_cmpuint (messages->len, ==, 2);
  first = &g_array_index (messages, KabarChangedMessage, 0);
  second = &g_array_index (messages, KabarChangedMessage, 1);
  g_assert_cmpuint (first->uid, ==, 2);
  g_assert_cmpuint (second->uid, ==, 3);
  g_assert_cmpstr (first->message_id, ==, "report-2@example.co.id");
  g_assert_cmpint (first->source_id, >, 0);
  g_assert_cmpint (first->target_id, >, 0);
  g_assert_cmpint (first->target_id, !=, second->target_id);
  assert_listed (fixture, fixture->inbox, "1 4r");
}

/* The replay's mark and the cancel, in either order: one of them wins,
 * the other sees it. */
static void
test_cancel_and_the_replays_start_exclude_each_other (Fixture       *fixture,
                                                      gconstpointer  data)
{
  const guint32 uids[] = { 2, 3 };
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) second = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = record (fixture, KABAR_PENDING_MOVE, uids, 2, 0, &first);
  gint64 cancelled;

  /* Started first: the cancel leaves it alone. */
  g_assert_true (kabar_store_mark_pending_started (fixture->store, started, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cancel (fixture, started), ==, KABAR_CANCEL_STARTED);
  g_assert_true (is_pending (fixture, started));
  assert_listed (fixture, fixture->inbox, "1 4r");
  g_assert_true (kabar_store_undo_pending_operation (fixture->store, started, "test", &error));
  g_assert_no_error (error);

  /* Cancelled first: the messages are back, and the replay's start
   * finds nothing to start. */
  cancelled = record (fixture, KABAR_PENDING_COPY, uids, 2, 0, &second);
  assert_listed (fixture, fixture->archive, "0r 0");
  g_assert_cmpint (cancel (fixture, cancelled), ==, KABAR_CANCEL_DONE);
  g_assert_false (is_pending (fixture, cancelled));
  assert_listed (fixture, fixture->inbox, "1 2r 3 4r");
  assert_listed (fixture, fixture->archive, "");
  g_assert_false (kabar_store_mark_pending_started (fixture->store, cancelled, &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (cancel (fixture, cancelled), ==, KABAR_CANCEL_GONE);
}

/* Three marked read, one of them read before: only the other two go
 * back to unread, in one new flag change. */
static void
test_flags_go_back_each_to_its_own (Fixture       *fixture,
                                    gconstpointer  data)
{
  const guint32 uids[] = { 1, 2, 3 };
  g_autoptr(GArray) messages = NULL;
  g_autoptr(GPtrArray) operations = NULL;
  g_autoptr(GError) error = NULL;
  guint restored = 0;

  record (fixture, KABAR_PENDING_FLAGS, uids, 3, KABAR_MESSAGE_FLAG_SEEN, &messages);
  assert_listed (fixture, fixture->inbox, "1r 2r 3r 4r");
  g_assert_true (kabar_store_restore_flags (fixture->store, fixture->inbox,
                                            (const KabarChangedMessage *) messages->data,
                                            messages->len, KABAR_MESSAGE_FLAG_SEEN, &restored,
                                            &error));
  g_assert_no_error (error);
  g_assert_cmpuint (restored, ==, 2);
  assert_listed (fixture, fixture->inbox, "1 2r 3 4r");
  operations = kabar_store_list_pending_operations (fixture->store, &error);
  g_assert_cmpuint (operations->len, ==, 2);
  g_assert_cmpstr (((KabarPendingOperation *) operations->pdata[1])->uid_set, ==, "1,3");
  g_assert_cmpstr (((KabarPendingOperation *) operations->pdata[1])->payload, ==,
                   "{\"path\":\"INBOX\",\"add\":[],\"remove\":[\"\\\\Seen\"]}");
}

/* The server numbered one copy (COPYUID); the sync brought the other.
 * A message of the same Message-ID the destination had before is never
 * taken for it. */
static void
test_moved_messages_are_found_where_they_went (Fixture       *fixture,
                                               gconstpointer  data)
{
  const guint32 uids[] = { 2, 3 };
  const guint32 source[] = { 3 };
  const guint32 destination[] = { 31 };
  g_autoptr(GArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  gint64 operation_id;
  KabarChangedMessage *two, *three;

  insert (fixture->store, fixture->archive, 20, 2);
  operation_id = record (fixture, KABAR_PENDING_MOVE, uids, 2, 0, &messages);
  g_assert_true (kabar_store_complete_pending_copy (fixture->store, operation_id, 7, source,
                                                    destination, 1, &error));
  g_assert_no_error (error);
  two = &g_array_index (messages, KabarChangedMessage, 0);
  three = &g_array_index (messages, KabarChangedMessage, 1);

  g_assert_true (kabar_store_locate_transferred (fixture->store, fixture->inbox, fixture->archive,
                                                 (KabarChangedMessage *) messages->data,
                                                 messages->len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (three->found_uid, ==, 31);
  g_assert_cmpuint (two->found_uid, ==, 0);
  g_assert_false (two->in_source);

  insert (fixture->store, fixture->archive, 32, 2);
  g_assert_true (kabar_store_locate_transferred (fixture->store, fixture->inbox, fixture->archive,
                                                 (KabarChangedMessage *) messages->data,
                                                 messages->len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (two->found_uid, ==, 32);
  g_assert_cmpuint (three->found_uid, ==, 31);
}

/* Refused by the server: the messages show in their folder again. */
static void
test_refused_move_shows_in_the_source (Fixture       *fixture,
                                       gconstpointer  data)
{
  const guint32 uids[] = { 4 };
  g_autoptr(GArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  gint64 operation_id = record (fixture, KABAR_PENDING_MOVE, uids, 1, 0, &messages);

  g_assert_true (kabar_store_undo_pending_operation (fixture->store, operation_id, "NO", &error));
  g_assert_true (kabar_store_locate_transferred (fixture->store, fixture->inbox, fixture->archive,
                                                 (KabarChangedMessage *) messages->data,
                                                 messages->len, &error));
  g_assert_no_error (error);
  g_assert_true (g_array_index (messages, KabarChangedMessage, 0).in_source);
  g_assert_cmpuint (g_array_index (messages, KabarChangedMessage, 0).found_uid, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, function) \
  g_test_add ("/store/undo/" path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)
  ADD ("records-what-the-change-did", test_records_what_the_change_did);
  ADD ("cancel-and-the-replays-start-exclude-each-other",
       test_cancel_and_the_replays_start_exclude_each_other);
  ADD ("flags-go-back-each-to-its-own", test_flags_go_back_each_to_its_own);
  ADD ("moved-messages-are-found-where-they-went", test_moved_messages_are_found_where_they_went);
  ADD ("refused-move-shows-in-the-source", test_refused_move_shows_in_the_source);
#undef ADD

  return g_test_run ();
}
