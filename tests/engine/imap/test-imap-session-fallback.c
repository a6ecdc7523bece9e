/* test-imap-session-fallback.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The IMAP session's plain paths against a Dovecot that, like Outlook.com,
 * lacks CONDSTORE, QRESYNC, ESEARCH, SPECIAL-USE, LIST-STATUS and
 * LIST-EXTENDED, and here also MOVE and LITERAL+, and offers only the
 * SASL LOGIN mechanism. UIDPLUS stays.
 *
 * The LOGIN command itself cannot be staged here: Dovecot runs it through
 * its PLAIN mechanism, and without PLAIN it says LOGINDISABLED. Its wire
 * format is tested against the scripted server.
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-test-session.h"
#include "kabar-test-wait.h"

/* Passwords that break naive quoting, and 8-bit text. */
#define TRICKY_PASSWORD "kata \"sandi\\ é"
#define QUOTED_PASSWORD "pa\"ss\\word"

static KabarTestBed *shared_bed;

static KabarTestBed *
get_bed (void)
{
  static const char *const dropped[] = {
    "CONDSTORE", "QRESYNC", "ESEARCH", "SPECIAL-USE", "LIST-STATUS", "LIST-EXTENDED", "MOVE", "LITERAL+",
  };
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (dropped); i++)
    kabar_test_bed_drop_imap_capability (shared_bed, dropped[i]);
  /* PLAIN gone: the two-step LOGIN mechanism it is. */
  kabar_test_bed_add_dovecot_config (shared_bed, "auth_mechanisms = login\n");
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  return shared_bed;
}

static char *
new_user (const char *name,
          const char *password)
{
  char *address = g_strdup_printf ("%s@%s", name, KABAR_TEST_BED_DOMAIN);

  kabar_test_bed_add_user (get_bed (), address, password);
  return address;
}

static KabarImapSession *
open_user (const char *address)
{
  return kabar_imap_test_open (get_bed (), address, KABAR_TEST_BED_PORT_IMAPS);
}

static void
fill (const char *user,
      const char *folder,
      guint       n)
{
  g_autoptr(GError) error = NULL;

  kabar_test_bed_fill_folder (get_bed (), user, folder, n, &error);
  g_assert_no_error (error);
}

static void
test_sasl_login_takes_quotes_backslashes_and_non_ascii (void)
{
  g_autofree char *tricky = new_user ("tricky", TRICKY_PASSWORD);
  g_autofree char *quoted = new_user ("quoted", QUOTED_PASSWORD);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapSession) second = NULL;
  g_autoptr(KabarImapSession) refused = NULL;
  g_autoptr(GError) error = NULL;

  session = kabar_imap_test_try_connect (KABAR_TEST_BED_HOST,
                                         kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAPS),
                                         KABAR_SECURITY_IMPLICIT_TLS, kabar_test_bed_get_certificate (get_bed ()),
                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_false (kabar_imap_session_has_capability (session, "AUTH=PLAIN"));
  g_assert_true (kabar_imap_session_has_capability (session, "AUTH=LOGIN"));
  g_assert_false (kabar_imap_session_has_capability (session, "LITERAL+"));
  kabar_imap_test_try_authenticate (session, tricky, TRICKY_PASSWORD, KABAR_SASL_CREDENTIAL_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
  kabar_imap_test_logout (session);

  second = open_user (quoted);
  kabar_imap_test_logout (second);

  refused = kabar_imap_test_try_connect (KABAR_TEST_BED_HOST,
                                         kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAPS),
                                         KABAR_SECURITY_IMPLICIT_TLS, kabar_test_bed_get_certificate (get_bed ()),
                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_false (kabar_imap_test_try_authenticate (refused, tricky, "kata \"sandi\\ e",
                                                    KABAR_SASL_CREDENTIAL_PASSWORD, &error));
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED);
}

static void
test_token_without_oauth_mechanism_is_refused_before_sending (void)
{
  g_autofree char *user = new_user ("token", "Sandi-123");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = kabar_imap_test_try_connect (KABAR_TEST_BED_HOST,
                                         kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAPS),
                                         KABAR_SECURITY_IMPLICIT_TLS, kabar_test_bed_get_certificate (get_bed ()),
                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_false (kabar_imap_test_try_authenticate (session, user, "ya29.token",
                                                    KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, &error));
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_LOGIN_DISABLED);
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_NOT_AUTHENTICATED);
}

static void
test_list_without_special_use_or_list_status_is_plain (void)
{
  g_autofree char *user = new_user ("list", "Sandi-123");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  KabarImapFolderInfo *sent;
  KabarImapFolderInfo *inbox;

  fill (user, "INBOX", 2);
  session = open_user (user);
  g_assert_false (kabar_imap_session_has_capability (session, "LIST-EXTENDED"));
  folders = kabar_imap_test_list (session, "*", KABAR_IMAP_LIST_STATUS | KABAR_IMAP_LIST_SUBSCRIPTION);
  sent = kabar_imap_test_find_folder (folders, "Sent");
  g_assert_nonnull (sent);
  /* This Dovecot marks nothing without SPECIAL-USE: the name is all. */
  g_assert_cmphex (kabar_imap_folder_info_get_attributes (sent) & KABAR_IMAP_FOLDER_SPECIAL_USE, ==, 0);
  /* Subscribed by the bed, found through LSUB. */
  g_assert_true (kabar_imap_folder_info_get_attributes (sent) & KABAR_IMAP_FOLDER_SUBSCRIBED);
  inbox = kabar_imap_test_find_folder (folders, "INBOX");
  g_assert_nonnull (inbox);
  g_assert_cmphex (kabar_imap_folder_info_get_status_items (inbox), ==, 0);
  kabar_imap_test_logout (session);
}

static void
test_select_without_condstore_has_no_modseq (void)
{
  g_autofree char *user = new_user ("nomodseq", "Sandi-123");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapUidSet) all = kabar_imap_uid_set_new_range (1, KABAR_IMAP_UID_STAR);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) enabled = NULL;
  const char *wanted[] = { "CONDSTORE", "QRESYNC", NULL };
  KabarImapFetchRequest request = { .items = KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_MODSEQ,
                                    .changed_since = 1 };
  GAsyncResult *slot = NULL;

  fill (user, "INBOX", 3);
  session = open_user (user);
  kabar_imap_session_enable_async (session, wanted, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  enabled = kabar_imap_session_enable_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (enabled), ==, 0);

  state = kabar_imap_test_select (session, "INBOX");
  g_assert_cmpuint (kabar_imap_mailbox_state_get_exists (state), ==, 3);
  g_assert_cmpuint (kabar_imap_mailbox_state_get_highest_modseq (state), ==, 0);
  messages = kabar_imap_test_try_fetch (session, all, &request, &error);
  g_assert_null (messages);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_UNSUPPORTED);
  /* The full flag fetch the sync falls back to. */
  g_clear_error (&error);
  request.changed_since = 0;
  messages = kabar_imap_test_try_fetch (session, all, &request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_cmpuint (kabar_imap_message_get_modseq (g_ptr_array_index (messages, 0)), ==, 0);
  kabar_imap_test_logout (session);
}

static void
test_search_without_esearch_uses_search (void)
{
  g_autofree char *user = new_user ("search", "Sandi-123");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapUidSet) seen = NULL;
  g_autoptr(KabarImapUidSet) none = NULL;
  g_autofree char *text = NULL;

  fill (user, "INBOX", 6);
  session = open_user (user);
  state = kabar_imap_test_select (session, "INBOX");
  kabar_imap_test_store (session, "1,4:5", KABAR_IMAP_STORE_ADD, "\\Seen");
  seen = kabar_imap_test_search (session, "SEEN");
  text = kabar_imap_uid_set_to_string (seen);
  g_assert_cmpstr (text, ==, "1,4:5");
  none = kabar_imap_test_search (session, "FLAGGED");
  g_assert_true (kabar_imap_uid_set_is_empty (none));
  kabar_imap_test_logout (session);
}

static void
test_move_falls_back_to_copy_store_expunge (void)
{
  g_autofree char *user = new_user ("move", "Sandi-123");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapMailboxState) trash = NULL;
  g_autoptr(KabarImapUidMap) map = NULL;
  g_autoptr(KabarImapUidSet) left = NULL;
  g_autoptr(GPtrArray) moved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *left_text = NULL;
  const KabarImapEnvelope *envelope;

  fill (user, "INBOX", 4);
  session = open_user (user);
  g_assert_false (kabar_imap_session_has_capability (session, "MOVE"));
  state = kabar_imap_test_select (session, "INBOX");
  /* Marked for deletion by someone, not to be expunged by our move. */
  kabar_imap_test_store (session, "4", KABAR_IMAP_STORE_ADD, "\\Deleted");

  kabar_imap_test_try_move (session, "2", "Trash", FALSE, &map, &error);
  g_assert_no_error (error);
  g_assert_nonnull (map);
  g_assert_cmpuint (kabar_imap_uid_map_lookup (map, 2), ==, 1);
  left = kabar_imap_test_search (session, "ALL");
  left_text = kabar_imap_uid_set_to_string (left);
  g_assert_cmpstr (left_text, ==, "1,3:4");

  trash = kabar_imap_test_select (session, "Trash");
  g_assert_cmpuint (kabar_imap_mailbox_state_get_exists (trash), ==, 1);
  moved = kabar_imap_test_fetch (session, "1", KABAR_IMAP_FETCH_ENVELOPE | KABAR_IMAP_FETCH_FLAGS);
  envelope = kabar_imap_message_get_envelope (g_ptr_array_index (moved, 0));
  g_assert_cmpstr (envelope->subject, ==, "Message 2");
  /* The copy does not carry the original's \Deleted. */
  g_assert_false (kabar_imap_message_has_flag (g_ptr_array_index (moved, 0), "\\Deleted"));
  kabar_imap_test_logout (session);
}

static void
test_append_without_literal_plus_waits_for_the_continuation (void)
{
  g_autofree char *user = new_user ("append", "Sandi-123");
  g_autoptr(KabarImapSession) session = open_user (user);
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(GPtrArray) fetched = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) expected = kabar_imap_test_message ("Subject: tanpa LITERAL+\n\nIsi.\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *uids = NULL;
  guint32 uid = 0;

  kabar_imap_test_try_append (session, "INBOX", "Subject: tanpa LITERAL+\n\nIsi.\n", NULL, &uid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uid, ==, 1);
  state = kabar_imap_test_select (session, "INBOX");
  uids = g_strdup_printf ("%u", uid);
  fetched = kabar_imap_test_fetch (session, uids, KABAR_IMAP_FETCH_BODY);
  body = kabar_imap_message_dup_body (g_ptr_array_index (fetched, 0), "", NULL);
  g_assert_true (g_bytes_equal (body, expected));
  kabar_imap_test_logout (session);
}

static void
test_leaving_a_mailbox_unselects_without_expunging (void)
{
  g_autofree char *user = new_user ("unselect", "Sandi-123");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapMailboxState) again = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fill (user, "INBOX", 2);
  session = open_user (user);
  state = kabar_imap_test_select (session, "INBOX");
  kabar_imap_test_store (session, "1", KABAR_IMAP_STORE_ADD, "\\Deleted");
  kabar_imap_session_close_mailbox_async (session, FALSE, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_test_try_command (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
  again = kabar_imap_test_select (session, "INBOX");
  g_assert_cmpuint (kabar_imap_mailbox_state_get_exists (again), ==, 2);
  kabar_imap_test_logout (session);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/session/sasl-login-takes-quotes-backslashes-and-non-ascii",
                   test_sasl_login_takes_quotes_backslashes_and_non_ascii);
  g_test_add_func ("/imap/session/token-without-oauth-mechanism-is-refused-before-sending",
                   test_token_without_oauth_mechanism_is_refused_before_sending);
  g_test_add_func ("/imap/session/list-without-special-use-or-list-status-is-plain",
                   test_list_without_special_use_or_list_status_is_plain);
  g_test_add_func ("/imap/session/select-without-condstore-has-no-modseq",
                   test_select_without_condstore_has_no_modseq);
  g_test_add_func ("/imap/session/search-without-esearch-uses-search", test_search_without_esearch_uses_search);
  g_test_add_func ("/imap/session/move-falls-back-to-copy-store-expunge",
                   test_move_falls_back_to_copy_store_expunge);
  g_test_add_func ("/imap/session/append-without-literal-plus-waits-for-the-continuation",
                   test_append_without_literal_plus_waits_for_the_continuation);
  g_test_add_func ("/imap/session/leaving-a-mailbox-unselects-without-expunging",
                   test_leaving_a_mailbox_unselects_without_expunging);

  status = g_test_run ();
  g_clear_object (&shared_bed);
  return status;
}
