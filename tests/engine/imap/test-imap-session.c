/* test-imap-session.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The IMAP session against the bed's real Dovecot with every extension it
 * has (CONDSTORE, QRESYNC, ESEARCH, SPECIAL-USE, LIST-STATUS, MOVE,
 * UIDPLUS, LITERAL+, IDLE) and an oauth2 passdb for XOAUTH2. Each test
 * signs in as a user of its own, so mailboxes start empty.
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-test-session.h"
#include "kabar-net-error.h"
#include "kabar-test-client.h"
#include "kabar-test-wait.h"

#define GOOD_TOKEN "ya29.good-token"
#define TOKEN_USER "token@" KABAR_TEST_BED_DOMAIN

static KabarTestBed *shared_bed;

/* --- the bed --------------------------------------------------------------- */

static KabarTestBed *
get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_enable_oauth2 (shared_bed);
  kabar_test_bed_add_oauth2_token (shared_bed, GOOD_TOKEN, TOKEN_USER);
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  return shared_bed;
}

/* A user of the test's own: "<name>@kabar.test". */
static char *
new_user (const char *name)
{
  char *address = g_strdup_printf ("%s@%s", name, KABAR_TEST_BED_DOMAIN);

  kabar_test_bed_add_user (get_bed (), address, "Sandi-123");
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
enable_qresync (KabarImapSession *session)
{
  const char *wanted[] = { "CONDSTORE", "QRESYNC", NULL };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) enabled = NULL;

  kabar_imap_session_enable_async (session, wanted, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  enabled = kabar_imap_session_enable_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) enabled, "QRESYNC"));
}

static void
run_command (KabarImapSession *session,
             void (*start) (KabarImapSession *, const char *, GCancellable *, GAsyncReadyCallback, gpointer),
             const char       *mailbox)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  start (session, mailbox, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_test_try_command (session, result, &error);
  g_assert_no_error (error);
}

static guint32
uid_of (GPtrArray *messages,
        guint      index)
{
  return kabar_imap_message_get_uid (g_ptr_array_index (messages, index));
}

/* --- connecting and signing in --------------------------------------------- */

static void
test_connects_over_implicit_tls_and_signs_in_with_plain (void)
{
  g_autofree char *user = new_user ("tls");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = kabar_imap_test_try_connect (KABAR_TEST_BED_HOST,
                                         kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAPS),
                                         KABAR_SECURITY_IMPLICIT_TLS, kabar_test_bed_get_certificate (get_bed ()),
                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_connection_is_tls (kabar_imap_session_get_connection (session)));
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_NOT_AUTHENTICATED);
  g_assert_true (kabar_imap_session_has_capability (session, "AUTH=PLAIN"));
  g_assert_false (kabar_imap_session_has_capability (session, "MOVE"));

  kabar_imap_test_try_authenticate (session, user, "Sandi-123", KABAR_SASL_CREDENTIAL_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
  /* Dovecot's list after login (in its OK) replaced the one from before. */
  g_assert_true (kabar_imap_session_has_capability (session, "MOVE"));
  g_assert_true (kabar_imap_session_has_capability (session, "QRESYNC"));
  g_assert_false (kabar_imap_session_has_capability (session, "AUTH=PLAIN"));
  kabar_imap_test_logout (session);
}

static void
test_starttls_upgrades_and_reads_the_capabilities_again (void)
{
  g_autofree char *user = new_user ("starttls");
  guint16 port = kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAP);
  g_autoptr(KabarTestClient) raw = NULL;
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  const char *greeting;

  /* What Dovecot says in plain text (127.0.0.1 counts as secure to it, so
   * it offers passwords before TLS too). */
  raw = kabar_test_client_connect (KABAR_TEST_BED_HOST, port, KABAR_TEST_CLIENT_PLAIN, NULL, &error);
  g_assert_no_error (error);
  greeting = kabar_test_client_get_greeting (raw);
  g_test_message ("before TLS: %s", greeting);
  g_assert_nonnull (strstr (greeting, " STARTTLS"));
  kabar_test_client_close (raw, NULL);

  session = kabar_imap_test_try_connect (KABAR_TEST_BED_HOST, port, KABAR_SECURITY_STARTTLS,
                                         kabar_test_bed_get_certificate (get_bed ()), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_connection_is_tls (kabar_imap_session_get_connection (session)));
  g_assert_false (kabar_imap_session_has_capability (session, "STARTTLS"));
  g_assert_false (kabar_imap_session_has_capability (session, "LOGINDISABLED"));
  g_assert_true (kabar_imap_session_has_capability (session, "AUTH=PLAIN"));
  kabar_imap_test_try_authenticate (session, user, "Sandi-123", KABAR_SASL_CREDENTIAL_PASSWORD, &error);
  g_assert_no_error (error);
  kabar_imap_test_logout (session);
}

static void
test_unpinned_certificate_comes_back_as_a_problem (void)
{
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;

  session = kabar_imap_test_try_connect (KABAR_TEST_BED_HOST,
                                         kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAP),
                                         KABAR_SECURITY_STARTTLS, NULL, &problem, &error);
  g_assert_null (session);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE);
  g_assert_nonnull (problem);
  g_assert_true (g_tls_certificate_is_same (kabar_certificate_problem_get_certificate (problem),
                                            kabar_test_bed_get_certificate (get_bed ())));
}

static void
test_wrong_password_is_refused (void)
{
  g_autofree char *user = new_user ("wrong");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = kabar_imap_test_try_connect (KABAR_TEST_BED_HOST,
                                         kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAPS),
                                         KABAR_SECURITY_IMPLICIT_TLS, kabar_test_bed_get_certificate (get_bed ()),
                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_false (kabar_imap_test_try_authenticate (session, user, "not-the-password",
                                                    KABAR_SASL_CREDENTIAL_PASSWORD, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED);
  g_assert_nonnull (strstr (error->message, "Authentication failed"));
  g_assert_null (strstr (error->message, "not-the-password"));
  /* A refusal leaves the session usable: sign in again. */
  g_clear_error (&error);
  kabar_imap_test_try_authenticate (session, user, "Sandi-123", KABAR_SASL_CREDENTIAL_PASSWORD, &error);
  g_assert_no_error (error);
  kabar_imap_test_logout (session);
}

static void
test_xoauth2_token_is_accepted_and_a_bad_one_refused (void)
{
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapSession) refused = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAPS);

  kabar_test_bed_add_user (get_bed (), TOKEN_USER, "unused-password");
  session = kabar_imap_test_try_connect (KABAR_TEST_BED_HOST, port, KABAR_SECURITY_IMPLICIT_TLS,
                                         kabar_test_bed_get_certificate (get_bed ()), NULL, &error);
  g_assert_no_error (error);
  kabar_imap_test_try_authenticate (session, TOKEN_USER, GOOD_TOKEN, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, &error);
  g_assert_no_error (error);
  kabar_imap_test_logout (session);

  refused = kabar_imap_test_try_connect (KABAR_TEST_BED_HOST, port, KABAR_SECURITY_IMPLICIT_TLS,
                                         kabar_test_bed_get_certificate (get_bed ()), NULL, &error);
  g_assert_no_error (error);
  /* Dovecot sends its JSON challenge first; without our empty answer this
   * would hang until the timeout. */
  g_assert_false (kabar_imap_test_try_authenticate (refused, TOKEN_USER, "ya29.revoked",
                                                    KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED);
}

static void
test_id_namespace_and_enable (void)
{
  g_autofree char *user = new_user ("id");
  g_autoptr(KabarImapSession) session = open_user (user);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) id_result = NULL;
  g_autoptr(GAsyncResult) namespace_result = NULL;
  g_autoptr(GHashTable) id = NULL;
  g_autoptr(GPtrArray) personal = NULL;
  g_autoptr(GError) error = NULL;

  kabar_imap_session_id_async (session, NULL, kabar_test_wait_done, &slot);
  id_result = kabar_test_wait (&slot);
  id = kabar_imap_session_id_finish (session, id_result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (id, "name"), ==, "Dovecot");

  kabar_imap_session_namespace_async (session, NULL, kabar_test_wait_done, &slot);
  namespace_result = kabar_test_wait (&slot);
  kabar_imap_session_namespace_finish (session, namespace_result, &personal, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (personal->len, ==, 1);
  g_assert_cmpint (((KabarImapNamespace *) g_ptr_array_index (personal, 0))->delimiter, ==, '/');

  enable_qresync (session);
  g_assert_true (kabar_imap_session_is_enabled (session, "QRESYNC"));
  g_assert_true (kabar_imap_session_is_enabled (session, "CONDSTORE"));
  kabar_imap_test_logout (session);
}

/* --- folders --------------------------------------------------------------- */

static void
test_lists_special_use_and_status_in_one_command (void)
{
  g_autofree char *user = new_user ("list");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  KabarImapFolderInfo *inbox;
  KabarImapFolderInfo *sent;

  fill (user, "INBOX", 3);
  session = open_user (user);
  folders = kabar_imap_test_list (session, "*", KABAR_IMAP_LIST_STATUS | KABAR_IMAP_LIST_SUBSCRIPTION);
  sent = kabar_imap_test_find_folder (folders, "Sent");
  g_assert_nonnull (sent);
  g_assert_true (kabar_imap_folder_info_get_attributes (sent) & KABAR_IMAP_FOLDER_SENT);
  g_assert_true (kabar_imap_folder_info_get_attributes (sent) & KABAR_IMAP_FOLDER_SUBSCRIBED);
  g_assert_true (kabar_imap_folder_info_get_attributes (kabar_imap_test_find_folder (folders, "Trash")) &
                 KABAR_IMAP_FOLDER_TRASH);
  g_assert_true (kabar_imap_folder_info_get_attributes (kabar_imap_test_find_folder (folders, "Archive")) &
                 KABAR_IMAP_FOLDER_ARCHIVE);
  inbox = kabar_imap_test_find_folder (folders, "INBOX");
  g_assert_nonnull (inbox);
  g_assert_cmphex (kabar_imap_folder_info_get_status_items (inbox), ==, KABAR_IMAP_STATUS_ITEMS_ALL);
  g_assert_cmpuint (kabar_imap_folder_info_get_messages (inbox), ==, 3);
  g_assert_cmpuint (kabar_imap_folder_info_get_unseen (inbox), ==, 3);
  g_assert_cmpuint (kabar_imap_folder_info_get_uidnext (inbox), ==, 4);
  g_assert_cmpuint (kabar_imap_folder_info_get_uidvalidity (inbox), >, 0);
  g_assert_cmpuint (kabar_imap_folder_info_get_highest_modseq (inbox), >, 0);
  g_assert_cmpint (kabar_imap_folder_info_get_delimiter (inbox), ==, '/');
  kabar_imap_test_logout (session);
}

static void
test_non_ascii_folder_round_trips (void)
{
  g_autofree char *user = new_user ("utf7");
  g_autoptr(KabarImapSession) session = open_user (user);
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapFolderInfo) status = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = "Kotak Surat/Pekerjaan é";
  KabarImapFolderInfo *info;
  guint32 uid = 0;

  run_command (session, kabar_imap_session_create_async, name);
  folders = kabar_imap_test_list (session, "*", KABAR_IMAP_LIST_NONE);
  info = kabar_imap_test_find_folder (folders, name);
  g_assert_nonnull (info);
  g_assert_cmpstr (kabar_imap_folder_info_get_wire_name (info), ==, "Kotak Surat/Pekerjaan &AOk-");
  g_assert_nonnull (kabar_imap_test_find_folder (folders, "Kotak Surat"));

  kabar_imap_test_try_append (session, name, "Subject: é\n\nIsi.\n", NULL, &uid, &error);
  g_assert_no_error (error);
  kabar_imap_session_status_async (session, name, KABAR_IMAP_STATUS_ITEM_MESSAGES, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  status = kabar_imap_session_status_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kabar_imap_folder_info_get_messages (status), ==, 1);
  state = kabar_imap_test_select (session, name);
  g_assert_cmpuint (kabar_imap_mailbox_state_get_exists (state), ==, 1);
  g_assert_cmpstr (kabar_imap_session_get_selected (session), ==, name);
  kabar_imap_test_logout (session);
}

static void
rename_folder (KabarImapSession *session,
               const char       *from,
               const char       *to)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_imap_session_rename_async (session, from, to, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_test_try_command (session, result, &error);
  g_assert_no_error (error);
}

static void
subscribe (KabarImapSession *session,
           const char       *mailbox,
           gboolean          yes)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_imap_session_subscribe_async (session, mailbox, yes, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_test_try_command (session, result, &error);
  g_assert_no_error (error);
}

static void
test_create_rename_delete_and_subscribe (void)
{
  g_autofree char *user = new_user ("folders");
  g_autoptr(KabarImapSession) session = open_user (user);
  g_autoptr(GPtrArray) subscribed = NULL;
  g_autoptr(GPtrArray) unsubscribed = NULL;
  g_autoptr(GPtrArray) after = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  run_command (session, kabar_imap_session_create_async, "Proyek");
  subscribe (session, "Proyek", TRUE);
  subscribed = kabar_imap_test_list (session, "*", KABAR_IMAP_LIST_SUBSCRIBED_ONLY);
  g_assert_nonnull (kabar_imap_test_find_folder (subscribed, "Proyek"));
  subscribe (session, "Proyek", FALSE);
  unsubscribed = kabar_imap_test_list (session, "*", KABAR_IMAP_LIST_SUBSCRIBED_ONLY);
  g_assert_null (kabar_imap_test_find_folder (unsubscribed, "Proyek"));

  rename_folder (session, "Proyek", "Proyek Lama");
  run_command (session, kabar_imap_session_delete_async, "Proyek Lama");
  after = kabar_imap_test_list (session, "*", KABAR_IMAP_LIST_NONE);
  g_assert_null (kabar_imap_test_find_folder (after, "Proyek"));
  g_assert_null (kabar_imap_test_find_folder (after, "Proyek Lama"));

  /* Dovecot says [NONEXISTENT]; the error says so too. */
  kabar_imap_session_delete_async (session, "Proyek Lama", NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_false (kabar_imap_test_try_command (session, result, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_NONEXISTENT);
  kabar_imap_test_logout (session);
}

/* --- SELECT, CONDSTORE and QRESYNC ------------------------------------------ */

static void
test_select_with_condstore_reports_the_mailbox (void)
{
  g_autofree char *user = new_user ("select");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapMailboxState) examined = NULL;
  g_autoptr(GError) error = NULL;

  fill (user, "INBOX", 5);
  session = open_user (user);
  state = kabar_imap_test_select (session, "INBOX");
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_SELECTED);
  g_assert_cmpuint (kabar_imap_mailbox_state_get_exists (state), ==, 5);
  g_assert_cmpuint (kabar_imap_mailbox_state_get_uidnext (state), ==, 6);
  g_assert_cmpuint (kabar_imap_mailbox_state_get_uidvalidity (state), >, 0);
  g_assert_cmpuint (kabar_imap_mailbox_state_get_highest_modseq (state), >, 0);
  g_assert_false (kabar_imap_mailbox_state_get_nomodseq (state));
  g_assert_false (kabar_imap_mailbox_state_is_read_only (state));
  g_assert_true (g_strv_contains (kabar_imap_mailbox_state_get_permanent_flags (state), "\\Seen"));
  g_assert_true (kabar_imap_mailbox_state_get_allows_keywords (state));

  examined = kabar_imap_test_try_select (session, "INBOX", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_imap_mailbox_state_is_read_only (examined));

  g_clear_pointer (&examined, kabar_imap_mailbox_state_unref);
  /* Dovecot 2.3 gives no [NONEXISTENT] here, only words. */
  examined = kabar_imap_test_try_select (session, "Nowhere", FALSE, NULL, &error);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_NO);
  g_assert_nonnull (strstr (error->message, "Mailbox doesn't exist"));
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
  g_assert_null (kabar_imap_session_get_selected (session));
  kabar_imap_test_logout (session);
}

static void
expunge_uids (KabarImapSession *session,
              const char       *uids)
{
  g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_parse (uids, NULL);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_imap_session_expunge_async (session, set, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_test_try_command (session, result, &error);
  g_assert_no_error (error);
}

static void
test_select_with_qresync_sees_changes_and_vanished (void)
{
  g_autofree char *user = new_user ("qresync");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapSession) other = NULL;
  g_autoptr(KabarImapMailboxState) first = NULL;
  g_autoptr(KabarImapMailboxState) second = NULL;
  g_autoptr(KabarImapUidSet) known = kabar_imap_uid_set_new_range (1, 5);
  g_autoptr(GError) error = NULL;
  KabarImapQresync qresync = { 0 };
  GPtrArray *changed;
  KabarImapMessage *message;

  fill (user, "INBOX", 5);
  session = open_user (user);
  enable_qresync (session);
  first = kabar_imap_test_select (session, "INBOX");
  qresync.uidvalidity = kabar_imap_mailbox_state_get_uidvalidity (first);
  qresync.highest_modseq = kabar_imap_mailbox_state_get_highest_modseq (first);
  qresync.known_uids = known;

  /* Another client flags 2 and removes 4. */
  other = open_user (user);
  second = kabar_imap_test_select (other, "INBOX");
  kabar_imap_test_store (other, "2", KABAR_IMAP_STORE_ADD, "\\Flagged");
  kabar_imap_test_store (other, "4", KABAR_IMAP_STORE_ADD, "\\Deleted");
  expunge_uids (other, "4");
  kabar_imap_test_logout (other);

  g_clear_pointer (&second, kabar_imap_mailbox_state_unref);
  second = kabar_imap_test_try_select (session, "INBOX", FALSE, &qresync, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kabar_imap_mailbox_state_get_exists (second), ==, 4);
  g_assert_nonnull (kabar_imap_mailbox_state_get_vanished (second));
  g_assert_true (kabar_imap_uid_set_contains (kabar_imap_mailbox_state_get_vanished (second), 4));
  g_assert_cmpuint (kabar_imap_uid_set_get_count (kabar_imap_mailbox_state_get_vanished (second)), ==, 1);
  changed = kabar_imap_mailbox_state_get_changed (second);
  g_assert_cmpuint (changed->len, ==, 1);
  message = g_ptr_array_index (changed, 0);
  g_assert_cmpuint (kabar_imap_message_get_uid (message), ==, 2);
  g_assert_true (kabar_imap_message_has_flag (message, "\\Flagged"));
  g_assert_cmpuint (kabar_imap_message_get_modseq (message), >, qresync.highest_modseq);
  g_assert_cmpuint (kabar_imap_mailbox_state_get_highest_modseq (second), >, qresync.highest_modseq);
  kabar_imap_test_logout (session);
}

/* --- FETCH ----------------------------------------------------------------- */

typedef struct
{
  guint   count;
  guint32 last_uid;
  gboolean ordered;
  gboolean complete;
} FetchCount;

static void
check_message (KabarImapSession *session,
               KabarImapMessage *message,
               gpointer          user_data)
{
  FetchCount *count = user_data;
  const KabarImapEnvelope *envelope = kabar_imap_message_get_envelope (message);
  g_autofree char *subject = NULL;

  count->count++;
  count->ordered = count->ordered && kabar_imap_message_get_uid (message) > count->last_uid;
  count->last_uid = kabar_imap_message_get_uid (message);
  subject = g_strdup_printf ("Message %u", kabar_imap_message_get_uid (message));
  count->complete = count->complete && kabar_imap_message_get_flags (message) != NULL && envelope != NULL &&
                    g_strcmp0 (envelope->subject, subject) == 0 && envelope->from->len == 1;
}

static double
fetch_envelopes (KabarImapSession *session,
                 FetchCount       *count)
{
  g_autoptr(KabarImapUidSet) all = kabar_imap_uid_set_new_range (1, KABAR_IMAP_UID_STAR);
  KabarImapFetchRequest request = { .items = KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_ENVELOPE };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  *count = (FetchCount) { 0, 0, TRUE, TRUE };
  kabar_imap_session_uid_fetch_async (session, all, &request, check_message, NULL, count, NULL, NULL,
                                      kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_uid_fetch_finish (session, result, &error);
  g_assert_no_error (error);
  return kabar_test_seconds_since (start);
}

static void
test_fetch_of_2000_messages_calls_back_once_each (void)
{
  g_autofree char *user = new_user ("fetch2000");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  FetchCount count;

  fill (user, "INBOX", 2000);
  session = open_user (user);
  state = kabar_imap_test_select (session, "INBOX");
  fetch_envelopes (session, &count);
  g_assert_cmpuint (count.count, ==, 2000);
  g_assert_true (count.ordered);
  g_assert_true (count.complete);
  g_assert_cmpuint (count.last_uid, ==, 2000);
  kabar_imap_test_logout (session);
}

static void
test_fetch_throughput_of_10000_envelopes (void)
{
  g_autofree char *user = new_user ("throughput");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  FetchCount count;
  double cold;
  double warm;

  fill (user, "INBOX", 10000);
  session = open_user (user);
  state = kabar_imap_test_select (session, "INBOX");
  cold = fetch_envelopes (session, &count);
  g_assert_cmpuint (count.count, ==, 10000);
  warm = fetch_envelopes (session, &count);
  g_assert_cmpuint (count.count, ==, 10000);
  g_assert_true (count.complete);
  g_test_message ("UID FETCH 1:* (UID FLAGS ENVELOPE) of 10,000: %.3f s cold (%.0f messages/s), "
                  "%.3f s warm (%.0f messages/s)", cold, 10000 / cold, warm, 10000 / warm);
  kabar_imap_test_logout (session);
}

static void
test_fetch_changedsince_returns_only_the_changed (void)
{
  g_autofree char *user = new_user ("changedsince");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapUidSet) all = kabar_imap_uid_set_new_range (1, KABAR_IMAP_UID_STAR);
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GError) error = NULL;
  KabarImapFetchRequest request = { .items = KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_MODSEQ };

  fill (user, "INBOX", 20);
  session = open_user (user);
  state = kabar_imap_test_select (session, "INBOX");
  kabar_imap_test_store (session, "3,17", KABAR_IMAP_STORE_ADD, "\\Seen");
  request.changed_since = kabar_imap_mailbox_state_get_highest_modseq (state);
  changed = kabar_imap_test_try_fetch (session, all, &request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changed->len, ==, 2);
  g_assert_cmpuint (uid_of (changed, 0), ==, 3);
  g_assert_cmpuint (uid_of (changed, 1), ==, 17);
  for (guint i = 0; i < changed->len; i++)
    {
      g_assert_true (kabar_imap_message_has_flag (g_ptr_array_index (changed, i), "\\Seen"));
      g_assert_cmpuint (kabar_imap_message_get_modseq (g_ptr_array_index (changed, i)), >, request.changed_since);
    }

  /* UNCHANGEDSINCE the same modseq: 3 changed since, so it is left alone. */
  {
    g_autoptr(KabarImapUidSet) some = kabar_imap_uid_set_new_range (1, 5);
    g_autoptr(KabarImapUidSet) modified = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree char *text = NULL;
    const char *answered[] = { "\\Answered", NULL };
    GAsyncResult *slot = NULL;

    kabar_imap_session_uid_store_async (session, some, KABAR_IMAP_STORE_ADD, answered, TRUE, request.changed_since,
                                        NULL, kabar_test_wait_done, &slot);
    result = kabar_test_wait (&slot);
    kabar_imap_session_uid_store_finish (session, result, &modified, &error);
    g_assert_no_error (error);
    g_assert_nonnull (modified);
    text = kabar_imap_uid_set_to_string (modified);
    g_assert_cmpstr (text, ==, "3");
  }
  kabar_imap_test_logout (session);
}

typedef struct
{
  GOutputStream *output;
  guint32        uid;
  guint64        announced;
  GBytes        *small_body;
  gboolean       streamed;
  guint64        streamed_size;
} Stream;

static GOutputStream *
give_stream (KabarImapSession *session,
             guint32           uid,
             const char       *key,
             guint64           size,
             gpointer          user_data)
{
  Stream *stream = user_data;

  g_assert_cmpstr (key, ==, "BODY[]");
  stream->uid = uid;
  stream->announced = size;
  return g_object_ref (stream->output);
}

static void
take_streamed_message (KabarImapSession *session,
                       KabarImapMessage *message,
                       gpointer          user_data)
{
  Stream *stream = user_data;

  stream->streamed = kabar_imap_message_body_was_streamed (message, "", &stream->streamed_size);
  stream->small_body = kabar_imap_message_dup_body (message, "", NULL);
}

static GBytes *
big_message (gsize size)
{
  GString *text = g_string_new ("From: Big <big@kabar.test>\r\nSubject: Big\r\n\r\n");
  guint line = 0;

  while (text->len < size)
    g_string_append_printf (text, "Line %08u of a big body, with enough words to look like text.\r\n", line++);
  g_string_truncate (text, size - 2);
  g_string_append (text, "\r\n");
  return g_string_free_to_bytes (text);
}

static void
test_5mb_body_is_streamed_to_an_output_stream (void)
{
  g_autofree char *user = new_user ("stream");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(GBytes) raw = big_message (5 * 1024 * 1024);
  g_autoptr(GBytes) written = NULL;
  g_autoptr(KabarImapUidSet) uids = kabar_imap_uid_set_new_range (1, 1);
  g_autoptr(GPtrArray) partial = NULL;
  g_autoptr(GBytes) head = NULL;
  const char *fields[] = { "Subject", "From", NULL };
  KabarImapFetchRequest request = { .items = KABAR_IMAP_FETCH_BODY | KABAR_IMAP_FETCH_RFC822_SIZE };
  Stream stream = { 0 };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint64 origin = 0;

  kabar_test_bed_add_message (get_bed (), user, "INBOX", raw, "S", 1767225600, &error);
  g_assert_no_error (error);
  session = open_user (user);
  state = kabar_imap_test_select (session, "INBOX");
  stream.output = g_memory_output_stream_new_resizable ();
  kabar_imap_session_uid_fetch_async (session, uids, &request, take_streamed_message, give_stream, &stream, NULL,
                                      NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_uid_fetch_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_true (stream.streamed);
  g_assert_null (stream.small_body);
  g_assert_cmpuint (stream.uid, ==, 1);
  g_assert_cmpuint (stream.announced, ==, g_bytes_get_size (raw));
  g_assert_cmpuint (stream.streamed_size, ==, g_bytes_get_size (raw));
  g_output_stream_close (stream.output, NULL, NULL);
  written = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream.output));
  g_assert_true (g_bytes_equal (written, raw));
  g_object_unref (stream.output);

  /* A partial body and header fields stay in memory. */
  request = (KabarImapFetchRequest) { .items = KABAR_IMAP_FETCH_BODY, .body_offset = 0, .body_length = 100,
                                      .header_fields = fields };
  partial = kabar_imap_test_try_fetch (session, uids, &request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (partial->len, ==, 1);
  head = kabar_imap_message_dup_body (g_ptr_array_index (partial, 0), "", &origin);
  g_assert_nonnull (head);
  g_assert_cmpuint (g_bytes_get_size (head), ==, 100);
  g_assert_cmpmem (g_bytes_get_data (head, NULL), 100, g_bytes_get_data (raw, NULL), 100);
  g_clear_pointer (&head, g_bytes_unref);
  head = kabar_imap_message_dup_body (g_ptr_array_index (partial, 0), "header.fields (subject from)", NULL);
  g_assert_nonnull (head);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (head, NULL), (gssize) g_bytes_get_size (head), "Subject: Big"));
  kabar_imap_test_logout (session);
}

/* --- SEARCH, STORE, COPY, MOVE, APPEND -------------------------------------- */

static void
test_search_uses_esearch (void)
{
  g_autofree char *user = new_user ("search");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapUidSet) unseen = NULL;
  g_autoptr(KabarImapUidSet) none = NULL;
  g_autofree char *text = NULL;

  fill (user, "INBOX", 10);
  session = open_user (user);
  g_assert_true (kabar_imap_session_has_capability (session, "ESEARCH"));
  state = kabar_imap_test_select (session, "INBOX");
  kabar_imap_test_store (session, "2:4,9", KABAR_IMAP_STORE_ADD, "\\Seen");
  unseen = kabar_imap_test_search (session, "UNSEEN");
  text = kabar_imap_uid_set_to_string (unseen);
  g_assert_cmpstr (text, ==, "1,5:8,10");
  none = kabar_imap_test_search (session, "SUBJECT \"no such message\"");
  g_assert_true (kabar_imap_uid_set_is_empty (none));
  kabar_imap_test_logout (session);
}

static void
count_expunged (KabarImapSession *session,
                guint             sequence,
                gpointer          user_data)
{
  (*(guint *) user_data)++;
}

static void
count_vanished (KabarImapSession *session,
                KabarImapUidSet  *uids,
                gboolean          earlier,
                gpointer          user_data)
{
  *(guint *) user_data += (guint) kabar_imap_uid_set_get_count (uids);
}

static void
test_store_copy_and_move (void)
{
  g_autofree char *user = new_user ("move");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapMailboxState) archive = NULL;
  g_autoptr(KabarImapUidMap) copied = NULL;
  g_autoptr(KabarImapUidMap) moved = NULL;
  g_autoptr(KabarImapUidSet) left = NULL;
  g_autoptr(GPtrArray) flags = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *left_text = NULL;
  guint expunged = 0;

  fill (user, "INBOX", 5);
  session = open_user (user);
  state = kabar_imap_test_select (session, "INBOX");
  g_signal_connect (session, "expunged", G_CALLBACK (count_expunged), &expunged);
  g_signal_connect (session, "vanished", G_CALLBACK (count_vanished), &expunged);

  kabar_imap_test_store (session, "1", KABAR_IMAP_STORE_ADD, "\\Seen");
  flags = kabar_imap_test_fetch (session, "1:2", KABAR_IMAP_FETCH_FLAGS);
  g_assert_true (kabar_imap_message_has_flag (g_ptr_array_index (flags, 0), "\\Seen"));
  g_assert_false (kabar_imap_message_has_flag (g_ptr_array_index (flags, 1), "\\Seen"));

  kabar_imap_test_try_move (session, "1:2", "Archive", TRUE, &copied, &error);
  g_assert_no_error (error);
  g_assert_nonnull (copied);
  g_assert_cmpuint (copied->source->len, ==, 2);
  g_assert_cmpuint (kabar_imap_uid_map_lookup (copied, 1), ==, 1);
  g_assert_cmpuint (kabar_imap_uid_map_lookup (copied, 2), ==, 2);

  kabar_imap_test_try_move (session, "3", "Archive", FALSE, &moved, &error);
  g_assert_no_error (error);
  g_assert_nonnull (moved);
  g_assert_cmpuint (kabar_imap_uid_map_lookup (moved, 3), ==, 3);
  g_assert_cmpuint (moved->uidvalidity, ==, copied->uidvalidity);
  g_assert_cmpuint (expunged, ==, 1);
  left = kabar_imap_test_search (session, "ALL");
  left_text = kabar_imap_uid_set_to_string (left);
  g_assert_cmpstr (left_text, ==, "1:2,4:5");
  archive = kabar_imap_test_select (session, "Archive");
  g_assert_cmpuint (kabar_imap_mailbox_state_get_exists (archive), ==, 3);
  kabar_imap_test_logout (session);
}

static void
test_append_with_literal_plus_returns_appenduid (void)
{
  g_autofree char *user = new_user ("append");
  g_autoptr(KabarImapSession) session = open_user (user);
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(GPtrArray) fetched = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) expected = kabar_imap_test_message ("Subject: Draf\n\nBelum selesai.\n");
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GError) error = NULL;
  const char *flags[] = { "\\Draft", "\\Seen", NULL };
  KabarImapMessage *message;
  g_autofree char *uids = NULL;
  guint32 uid = 0;

  g_assert_true (kabar_imap_session_has_capability (session, "LITERAL+"));
  kabar_imap_test_try_append (session, "Drafts", "Subject: Draf\n\nBelum selesai.\n", flags, &uid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uid, ==, 1);
  state = kabar_imap_test_select (session, "Drafts");
  uids = g_strdup_printf ("%u", uid);
  fetched = kabar_imap_test_fetch (session, uids, KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_BODY |
                                                  KABAR_IMAP_FETCH_INTERNALDATE | KABAR_IMAP_FETCH_RFC822_SIZE |
                                                  KABAR_IMAP_FETCH_BODYSTRUCTURE);
  g_assert_cmpuint (fetched->len, ==, 1);
  message = g_ptr_array_index (fetched, 0);
  body = kabar_imap_message_dup_body (message, "", NULL);
  g_assert_true (g_bytes_equal (body, expected));
  g_assert_cmpint (kabar_imap_message_get_size (message), ==, (gint64) g_bytes_get_size (expected));
  g_assert_true (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (kabar_imap_message_get_bodystructure (message), 0),
                                           "TEXT") ||
                 g_ascii_strcasecmp (kabar_imap_value_get_string (kabar_imap_value_get_list_item (
                                       kabar_imap_message_get_bodystructure (message), 0), NULL), "text") == 0);
  g_assert_true (kabar_imap_message_has_flag (message, "\\Draft"));
  date = g_date_time_new_utc (2026, 3, 14, 15, 9, 26);
  g_assert_nonnull (kabar_imap_message_get_internal_date (message));
  g_assert_true (g_date_time_equal (kabar_imap_message_get_internal_date (message), date));
  kabar_imap_test_logout (session);
}

/* --- IDLE and pipelining ---------------------------------------------------- */

typedef struct
{
  guint  exists;
  gint64 when;
} Exists;

static void
on_exists (KabarImapSession *session,
           guint             count,
           gpointer          user_data)
{
  Exists *exists = user_data;

  exists->exists = count;
  exists->when = g_get_monotonic_time ();
  kabar_imap_session_idle_done (session);
}

static void
test_idle_sees_a_message_delivered_meanwhile (void)
{
  g_autofree char *user = new_user ("idle");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Exists exists = { 0 };
  gint64 delivered;

  fill (user, "INBOX", 2);
  session = open_user (user);
  state = kabar_imap_test_select (session, "INBOX");
  g_signal_connect (session, "exists", G_CALLBACK (on_exists), &exists);
  kabar_imap_session_idle_async (session, 0, NULL, kabar_test_wait_done, &slot);
  while (!kabar_imap_session_is_idle (session))
    g_main_context_iteration (NULL, TRUE);
  delivered = g_get_monotonic_time ();
  kabar_imap_test_add_message (get_bed (), user, "INBOX", "Subject: baru\n\nPesan baru.\n", "");
  result = kabar_test_wait (&slot);
  kabar_imap_session_idle_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exists.exists, ==, 3);
  g_test_message ("EXISTS came %.2f s after the delivery", (exists.when - delivered) / (double) G_USEC_PER_SEC);
  g_assert_cmpfloat ((exists.when - delivered) / (double) G_USEC_PER_SEC, <, 3.0);
  g_assert_false (kabar_imap_session_is_idle (session));
  kabar_imap_test_logout (session);
}

static void
test_idle_cancelled_leaves_the_session_usable (void)
{
  g_autofree char *user = new_user ("idlecancel");
  g_autoptr(KabarImapSession) session = open_user (user);
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (session, "INBOX");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) folders = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_imap_session_idle_async (session, 0, cancellable, kabar_test_wait_done, &slot);
  while (!kabar_imap_session_is_idle (session))
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  result = kabar_test_wait (&slot);
  g_assert_false (kabar_imap_session_idle_finish (session, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  folders = kabar_imap_test_list (session, "INBOX", KABAR_IMAP_LIST_NONE);
  g_assert_cmpuint (folders->len, ==, 1);
  kabar_imap_test_logout (session);
}

static void
count_flags_changed (KabarImapSession *session,
                     KabarImapMessage *message,
                     gpointer          user_data)
{
  if (kabar_imap_message_has_flag (message, "\\Flagged"))
    (*(guint *) user_data)++;
}

static void
test_pipelined_fetch_and_store_complete_correctly (void)
{
  g_autofree char *user = new_user ("pipeline");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapUidSet) all = kabar_imap_uid_set_new_range (1, 300);
  KabarImapFetchRequest request = { .items = KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_ENVELOPE };
  const char *flagged[] = { "\\Flagged", NULL };
  GAsyncResult *fetch_slot = NULL;
  GAsyncResult *store_slot = NULL;
  GAsyncResult *search_slot = NULL;
  g_autoptr(GAsyncResult) fetch_result = NULL;
  g_autoptr(GAsyncResult) store_result = NULL;
  g_autoptr(GAsyncResult) search_result = NULL;
  g_autoptr(KabarImapUidSet) found = NULL;
  g_autoptr(GError) error = NULL;
  FetchCount count = { 0, 0, TRUE, TRUE };
  guint changed = 0;

  fill (user, "INBOX", 300);
  session = open_user (user);
  state = kabar_imap_test_select (session, "INBOX");
  g_signal_connect (session, "flags-changed", G_CALLBACK (count_flags_changed), &changed);
  kabar_imap_session_uid_fetch_async (session, all, &request, check_message, NULL, &count, NULL, NULL,
                                      kabar_test_wait_done, &fetch_slot);
  kabar_imap_session_uid_store_async (session, all, KABAR_IMAP_STORE_ADD, flagged, FALSE, 0, NULL,
                                      kabar_test_wait_done, &store_slot);
  kabar_imap_session_uid_search_async (session, "FLAGGED", NULL, kabar_test_wait_done, &search_slot);

  fetch_result = kabar_test_wait (&fetch_slot);
  kabar_imap_session_uid_fetch_finish (session, fetch_result, &error);
  g_assert_no_error (error);
  store_result = kabar_test_wait (&store_slot);
  kabar_imap_session_uid_store_finish (session, store_result, NULL, &error);
  g_assert_no_error (error);
  search_result = kabar_test_wait (&search_slot);
  found = kabar_imap_session_uid_search_finish (session, search_result, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (count.count, ==, 300);
  g_assert_true (count.complete);
  g_assert_true (count.ordered);
  /* The STORE's FETCH replies are not the fetch's: they are signals. */
  g_assert_cmpuint (changed, ==, 300);
  g_assert_cmpuint (kabar_imap_uid_set_get_count (found), ==, 300);
  kabar_imap_test_logout (session);
}

static void
test_cancelled_fetch_returns_at_once_and_the_session_goes_on (void)
{
  g_autofree char *user = new_user ("cancel");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapUidSet) all = kabar_imap_uid_set_new_range (1, KABAR_IMAP_UID_STAR);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) after = NULL;
  KabarImapFetchRequest request = { .items = KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_ENVELOPE };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FetchCount count = { 0, 0, TRUE, TRUE };

  fill (user, "INBOX", 3000);
  session = open_user (user);
  state = kabar_imap_test_select (session, "INBOX");
  kabar_imap_session_uid_fetch_async (session, all, &request, check_message, NULL, &count, NULL, cancellable,
                                      kabar_test_wait_done, &slot);
  g_cancellable_cancel (cancellable);
  result = kabar_test_wait (&slot);
  g_assert_false (kabar_imap_session_uid_fetch_finish (session, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count.count, <, 3000);
  /* The replies still come, and are dropped; the next command is fine. */
  after = kabar_imap_test_fetch (session, "2999:3000", KABAR_IMAP_FETCH_FLAGS);
  g_assert_cmpuint (after->len, ==, 2);
  g_assert_cmpuint (count.count, <, 3000);
  kabar_imap_test_logout (session);
}

/* --- threads --------------------------------------------------------------- */

typedef struct
{
  const char   *user;
  GMainContext *context;
  guint         count;
  gboolean      right_context;
} Worker;

static void
check_context (KabarImapSession *session,
               KabarImapMessage *message,
               gpointer          user_data)
{
  Worker *worker = user_data;

  worker->count++;
  worker->right_context = worker->right_context && g_main_context_is_owner (worker->context) &&
                          g_main_context_get_thread_default () == worker->context;
}

static gpointer
run_worker (gpointer data)
{
  Worker *worker = data;
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(KabarImapUidSet) all = kabar_imap_uid_set_new_range (1, KABAR_IMAP_UID_STAR);
  KabarImapFetchRequest request = { .items = KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_ENVELOPE };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (worker->context);
  session = open_user (worker->user);
  state = kabar_imap_test_select (session, "INBOX");
  kabar_imap_session_uid_fetch_async (session, all, &request, check_context, NULL, worker, NULL, NULL,
                                      kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_uid_fetch_finish (session, result, &error);
  g_assert_no_error (error);

  /* Cancelling is watched on the session's context, the worker's: only
   * from there does a cancelled IDLE send its DONE. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GAsyncResult) cancelled = NULL;

    kabar_imap_session_idle_async (session, 0, cancellable, kabar_test_wait_done, &slot);
    while (!kabar_imap_session_is_idle (session))
      g_main_context_iteration (worker->context, TRUE);
    g_cancellable_cancel (cancellable);
    cancelled = kabar_test_wait (&slot);
    g_assert_false (kabar_imap_session_idle_finish (session, cancelled, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
  kabar_imap_test_logout (session);
  g_clear_object (&session);
  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

/* The sync runs sessions on a worker with a context of its own: nothing
 * may reach the main context. */
static void
test_runs_on_a_worker_thread_with_its_own_context (void)
{
  g_autofree char *user = new_user ("worker");
  Worker worker = { user, g_main_context_new (), 0, TRUE };
  GThread *thread;

  fill (user, "INBOX", 50);
  get_bed ();
  /* What earlier tests left (closes in the background) runs first. */
  kabar_test_spin (200);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  thread = g_thread_new ("imap-worker", run_worker, &worker);
  g_thread_join (thread);
  g_assert_cmpuint (worker.count, ==, 50);
  g_assert_true (worker.right_context);
  /* Nothing was left for the main context to run. */
  g_assert_false (g_main_context_pending (NULL));
  g_main_context_unref (worker.context);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/session/connects-over-implicit-tls-and-signs-in-with-plain",
                   test_connects_over_implicit_tls_and_signs_in_with_plain);
  g_test_add_func ("/imap/session/starttls-upgrades-and-reads-the-capabilities-again",
                   test_starttls_upgrades_and_reads_the_capabilities_again);
  g_test_add_func ("/imap/session/unpinned-certificate-comes-back-as-a-problem",
                   test_unpinned_certificate_comes_back_as_a_problem);
  g_test_add_func ("/imap/session/wrong-password-is-refused", test_wrong_password_is_refused);
  g_test_add_func ("/imap/session/xoauth2-token-is-accepted-and-a-bad-one-refused",
                   test_xoauth2_token_is_accepted_and_a_bad_one_refused);
  g_test_add_func ("/imap/session/id-namespace-and-enable", test_id_namespace_and_enable);
  g_test_add_func ("/imap/session/lists-special-use-and-status-in-one-command",
                   test_lists_special_use_and_status_in_one_command);
  g_test_add_func ("/imap/session/non-ascii-folder-round-trips", test_non_ascii_folder_round_trips);
  g_test_add_func ("/imap/session/create-rename-delete-and-subscribe", test_create_rename_delete_and_subscribe);
  g_test_add_func ("/imap/session/select-with-condstore-reports-the-mailbox",
                   test_select_with_condstore_reports_the_mailbox);
  g_test_add_func ("/imap/session/select-with-qresync-sees-changes-and-vanished",
                   test_select_with_qresync_sees_changes_and_vanished);
  g_test_add_func ("/imap/session/fetch-of-2000-messages-calls-back-once-each",
                   test_fetch_of_2000_messages_calls_back_once_each);
  g_test_add_func ("/imap/session/fetch-throughput-of-10000-envelopes", test_fetch_throughput_of_10000_envelopes);
  g_test_add_func ("/imap/session/fetch-changedsince-returns-only-the-changed",
                   test_fetch_changedsince_returns_only_the_changed);
  g_test_add_func ("/imap/session/5mb-body-is-streamed-to-an-output-stream",
                   test_5mb_body_is_streamed_to_an_output_stream);
  g_test_add_func ("/imap/session/search-uses-esearch", test_search_uses_esearch);
  g_test_add_func ("/imap/session/store-copy-and-move", test_store_copy_and_move);
  g_test_add_func ("/imap/session/append-with-literal-plus-returns-appenduid",
                   test_append_with_literal_plus_returns_appenduid);
  g_test_add_func ("/imap/session/idle-sees-a-message-delivered-meanwhile",
                   test_idle_sees_a_message_delivered_meanwhile);
  g_test_add_func ("/imap/session/idle-cancelled-leaves-the-session-usable",
                   test_idle_cancelled_leaves_the_session_usable);
  g_test_add_func ("/imap/session/pipelined-fetch-and-store-complete-correctly",
                   test_pipelined_fetch_and_store_complete_correctly);
  g_test_add_func ("/imap/session/runs-on-a-worker-thread-with-its-own-context",
                   test_runs_on_a_worker_thread_with_its_own_context);
  g_test_add_func ("/imap/session/cancelled-fetch-returns-at-once-and-the-session-goes-on",
                   test_cancelled_fetch_returns_at_once_and_the_session_goes_on);

  status = g_test_run ();
  g_clear_object (&shared_bed);
  return status;
}
