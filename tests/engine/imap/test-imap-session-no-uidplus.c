/* test-imap-session-no-uidplus.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Dovecot without MOVE and without UIDPLUS: a move would need a plain
 * EXPUNGE, which takes every \Deleted message, so the session refuses it
 * before sending anything.
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-test-session.h"
#include "kabar-test-wait.h"

#define USER "nouidplus@" KABAR_TEST_BED_DOMAIN

static KabarTestBed *shared_bed;

static KabarTestBed *
get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_drop_imap_capability (shared_bed, "MOVE");
  kabar_test_bed_drop_imap_capability (shared_bed, "UIDPLUS");
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  kabar_test_bed_add_user (shared_bed, USER, "Sandi-123");
  kabar_test_bed_fill_folder (shared_bed, USER, "INBOX", 4, &error);
  g_assert_no_error (error);
  return shared_bed;
}

static KabarImapSession *
open_inbox (KabarImapMailboxState **state)
{
  KabarImapSession *session = kabar_imap_test_open (get_bed (), USER, KABAR_TEST_BED_PORT_IMAPS);

  *state = kabar_imap_test_select (session, "INBOX");
  return session;
}

static void
test_move_without_move_or_uidplus_is_refused (void)
{
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapSession) session = open_inbox (&state);
  g_autoptr(KabarImapMailboxState) trash = NULL;
  g_autoptr(KabarImapUidMap) map = NULL;
  g_autoptr(GPtrArray) flags = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (kabar_imap_session_has_capability (session, "UIDPLUS"));
  g_assert_false (kabar_imap_test_try_move (session, "2", "Trash", FALSE, &map, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "\\Deleted"));
  g_assert_null (map);

  /* Nothing happened: no copy, no flag, nothing expunged. */
  flags = kabar_imap_test_fetch (session, "1:*", KABAR_IMAP_FETCH_FLAGS);
  g_assert_cmpuint (flags->len, ==, 4);
  g_assert_false (kabar_imap_message_has_flag (g_ptr_array_index (flags, 1), "\\Deleted"));
  trash = kabar_imap_test_select (session, "Trash");
  g_assert_cmpuint (kabar_imap_mailbox_state_get_exists (trash), ==, 0);
  kabar_imap_test_logout (session);
}

/* Dovecot still says COPYUID with UIDPLUS hidden; the copy works either
 * way, and a map is only taken when the server gives one. */
static void
test_copy_without_uidplus_still_copies (void)
{
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapSession) session = open_inbox (&state);
  g_autoptr(KabarImapMailboxState) archive = NULL;
  g_autoptr(KabarImapUidMap) map = NULL;
  g_autoptr(GError) error = NULL;

  kabar_imap_test_try_move (session, "1", "Archive", TRUE, &map, &error);
  g_assert_no_error (error);
  archive = kabar_imap_test_select (session, "Archive");
  g_assert_cmpuint (kabar_imap_mailbox_state_get_exists (archive), ==, 1);
  kabar_imap_test_logout (session);
}

static void
test_uid_expunge_without_uidplus_is_refused (void)
{
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapSession) session = open_inbox (&state);
  g_autoptr(KabarImapUidSet) uids = kabar_imap_uid_set_new_range (3, 3);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_imap_session_expunge_async (session, uids, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_false (kabar_imap_test_try_command (session, result, &error));
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_UNSUPPORTED);
  kabar_imap_test_logout (session);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/session/move-without-move-or-uidplus-is-refused",
                   test_move_without_move_or_uidplus_is_refused);
  g_test_add_func ("/imap/session/copy-without-uidplus-still-copies", test_copy_without_uidplus_still_copies);
  g_test_add_func ("/imap/session/uid-expunge-without-uidplus-is-refused",
                   test_uid_expunge_without_uidplus_is_refused);

  status = g_test_run ();
  g_clear_object (&shared_bed);
  return status;
}
