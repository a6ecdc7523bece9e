/* test-imap-sync-kill.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A process killed in the middle of a folder's first sync: the store it
 * leaves must open (SQLite recovers its write-ahead log), hold part of
 * the folder and no sync state, and a sync in another process must finish
 * the work, fetching only what is missing. The sync runs in
 * kabar-sync-child, which says how far it got after each commit; the test
 * reads that and sends SIGKILL, early, half way and late, on a folder of
 * 20,000 messages in the bed's Dovecot.
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "kabar-imap-folder-sync.h"
#include "kabar-imap-test-session.h"
#include "kabar-sync-test-support.h"
#include "kabar-test-wait.h"

#define PASSWORD    "Sandi-123"
#define FOLDER_SIZE 20000

static KabarTestBed *shared_bed;
static char         *shared_user;

/* One folder for every test: the kills only read it. */
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
  shared_user = g_strdup_printf ("killed@%s", KABAR_TEST_BED_DOMAIN);
  kabar_test_bed_add_user (shared_bed, shared_user, PASSWORD);
  kabar_test_bed_fill_folder (shared_bed, shared_user, "INBOX", FOLDER_SIZE, &error);
  g_assert_no_error (error);
  return shared_bed;
}

typedef struct
{
  char *directory;
  char *store_path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  get_bed ();
  fixture->directory = kabar_sync_test_make_directory ("kabar-kill-XXXXXX");
  fixture->store_path = g_build_filename (fixture->directory, "store.db", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  kabar_sync_test_remove_store (fixture->store_path);
  g_rmdir (fixture->directory);
  g_free (fixture->store_path);
  g_free (fixture->directory);
}

/* --- the child ------------------------------------------------------------ */

static GSubprocess *
spawn_child (Fixture *fixture)
{
  g_autofree char *port = g_strdup_printf ("%u", kabar_test_bed_get_port (get_bed (),
                                                                          KABAR_TEST_BED_PORT_IMAPS));
  g_autoptr(GError) error = NULL;
  GSubprocess *child;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            KABAR_SYNC_CHILD, fixture->store_path, port, shared_user, PASSWORD,
                            kabar_test_bed_get_certificate_path (get_bed ()), "INBOX", NULL);
  g_assert_no_error (error);
  return child;
}

static char *
read_line (GDataInputStream *lines)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  line = g_data_input_stream_read_line_finish (lines, result, NULL, &error);
  g_assert_no_error (error);
  return line;
}

/* Runs the child until a batch is committed with at least fraction of
 * the folder's new messages done, then kills it; returns what it said it
 * had done. */
static guint
kill_child_after (Fixture *fixture,
                  double   fraction)
{
  g_autoptr(GSubprocess) child = spawn_child (fixture);
  g_autoptr(GDataInputStream) lines =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  g_autoptr(GError) error = NULL;
  guint done = 0, total = 0;

  for (;;)
    {
      g_autofree char *line = read_line (lines);

      if (line == NULL || !g_str_has_prefix (line, "progress "))
        g_error ("the child ended its sync before it was killed: %s", line);
      g_assert_cmpint (sscanf (line, "progress %u %u", &done, &total), ==, 2);
      if (done >= fraction * total)
        break;
    }
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
  g_test_message ("killed at %u of %u", done, total);
  return done;
}

/* --- after the kill ------------------------------------------------------------ */

/* The store opens, holds at least what the child reported and less than
 * the folder, and is not taken for synced. Returns what it holds. */
static guint
assert_left_partial (Fixture *fixture,
                     guint    reported)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (fixture->store_path, &error);
  g_autoptr(KabarStoreFolder) folder = NULL;
  guint stored;

  g_assert_no_error (error);
  folder = kabar_store_get_folder_by_path (store, "INBOX", &error);
  g_assert_no_error (error);
  stored = kabar_sync_test_count (store, folder->id);
  g_assert_cmpuint (stored, >=, reported);
  g_assert_cmpuint (stored, >, 0);
  g_assert_cmpuint (stored, <, FOLDER_SIZE);
  g_assert_cmpuint (folder->sync.uidnext, ==, 0);
  return stored;
}

static void
finish_sync (Fixture *fixture,
             guint    stored)
{
  g_autoptr(KabarStore) store = kabar_sync_test_open_store (fixture->store_path);
  gint64 inbox = kabar_sync_test_add_folder (store, "INBOX");
  g_autoptr(KabarImapSession) session = kabar_sync_test_open (get_bed (), shared_user, TRUE);
  g_autoptr(GError) error = NULL;
  KabarImapSyncResult result;

  kabar_imap_sync_folder (session, store, inbox, NULL, &result, NULL, &error);
  g_assert_no_error (error);
  /* Only what was missing came. */
  g_assert_cmpuint (result.added, ==, FOLDER_SIZE - stored);
  kabar_imap_test_logout (session);
  kabar_sync_test_assert_matches_server (get_bed (), shared_user, store, "INBOX", inbox);
}

static void
test_killed_mid_sync (Fixture       *fixture,
                      gconstpointer  data)
{
  double fraction = *(const double *) data;
  guint reported = kill_child_after (fixture, fraction);

  finish_sync (fixture, assert_left_partial (fixture, reported));
}

/* Killed, started again on what it left, killed again in the sync that
 * picks up the work, then finished. */
static void
test_killed_twice (Fixture       *fixture,
                   gconstpointer  data)
{
  guint first = assert_left_partial (fixture, kill_child_after (fixture, 0.2));
  guint second = assert_left_partial (fixture, kill_child_after (fixture, 0.5));

  g_assert_cmpuint (second, >, first);
  finish_sync (fixture, second);
}

int
main (int   argc,
      char *argv[])
{
  static const double early = 0.0, half_way = 0.5, late = 0.85;
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, data, func) \
  g_test_add ("/sync/kill/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("at-the-first-commit", &early, test_killed_mid_sync);
  ADD ("half-way", &half_way, test_killed_mid_sync);
  ADD ("near-the-end", &late, test_killed_mid_sync);
  ADD ("twice-in-a-row", NULL, test_killed_twice);
#undef ADD

  status = g_test_run ();
  if (shared_bed != NULL)
    kabar_test_bed_stop (shared_bed);
  g_clear_object (&shared_bed);
  g_free (shared_user);
  return status;
}
