/* test-imap-outlook-sync.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sync against the scripted server playing Outlook.com
 * (tests/data/transcripts/imap-outlook-sync.txt): the account's connection
 * (token sign-in, ID, nothing enabled), the folder list without
 * SPECIAL-USE, the first sync of an INBOX and, on a later connection, the
 * resync without CONDSTORE that finds a message deleted and another read;
 * last, a password account refused with "Basic authentication is
 * disabled". Everything runs on the test's main thread, which the
 * sequential sync code waits on as it would on a worker's.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "kabar-imap-connect.h"
#include "kabar-imap-folder-list.h"
#include "kabar-imap-folder-sync.h"
#include "kabar-imap-test-session.h"
#include "kabar-sync-test-support.h"

#define OUTLOOK_USER "someone@outlook.com"
#define TOKEN        "EwBwA8l6BAAUbDba3x2OMJElkF7gJ4z"

typedef struct
{
  KabarScriptedServer *server;
  char                *directory;
  char                *store_path;
  KabarStore          *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *transcript = g_test_build_filename (G_TEST_DIST, "data", "transcripts",
                                                       "imap-outlook-sync.txt", NULL);
  g_autoptr(GError) error = NULL;

  fixture->server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_IMPLICIT);
  kabar_scripted_server_set_timeout (fixture->server, 10000);
  kabar_scripted_server_load_transcript (fixture->server, transcript, &error);
  g_assert_no_error (error);
  kabar_scripted_server_start (fixture->server, &error);
  g_assert_no_error (error);
  fixture->directory = kabar_sync_test_make_directory ("kabar-outlook-XXXXXX");
  fixture->store_path = g_build_filename (fixture->directory, "store.db", NULL);
  fixture->store = kabar_sync_test_open_store (fixture->store_path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  kabar_sync_test_remove_store (fixture->store_path);
  g_rmdir (fixture->directory);
  g_free (fixture->store_path);
  g_free (fixture->directory);
  kabar_scripted_server_free (fixture->server);
}

static KabarAccount *
new_account (Fixture         *fixture,
             KabarAuthMethod  method)
{
  KabarAccount *account = kabar_account_new ();

  kabar_account_set_address (account, OUTLOOK_USER);
  kabar_account_set_incoming_kind (account, KABAR_INCOMING_IMAP);
  kabar_account_set_auth_method (account, method);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, "127.0.0.1",
                            kabar_scripted_server_get_port (fixture->server),
                            KABAR_SECURITY_IMPLICIT_TLS, NULL);
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING,
                                        kabar_scripted_server_get_certificate (fixture->server));
  return account;
}

static KabarImapSession *
connect_with_token (Fixture *fixture)
{
  g_autoptr(KabarAccount) account = new_account (fixture, KABAR_AUTH_OAUTH2);
  g_autoptr(GError) error = NULL;
  KabarImapSession *session = kabar_imap_connect_account (account, TOKEN, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_false (kabar_imap_session_is_enabled (session, "CONDSTORE"));
  g_assert_false (kabar_imap_session_is_enabled (session, "IMAP4rev2"));
  return session;
}

static KabarImapSyncResult
sync_inbox (Fixture          *fixture,
            KabarImapSession *session,
            gint64            inbox)
{
  KabarImapSyncResult result;
  g_autoptr(GError) error = NULL;

  kabar_imap_sync_folder (session, fixture->store, inbox, NULL, &result, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (result.reset);
  return result;
}

/* --- what the store holds ----------------------------------------------------- */

static void
assert_role (Fixture         *fixture,
             const char      *path,
             KabarFolderRole  role)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) folder = kabar_store_get_folder_by_path (fixture->store, path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (folder->role, ==, role);
}

static GPtrArray *
list_inbox (Fixture *fixture,
            gint64   inbox,
            guint    expected)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *page = kabar_store_list_messages (fixture->store, inbox, 0, 10, &error);
  guint total = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, expected);
  kabar_store_count_messages (fixture->store, inbox, &total, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, expected);
  return page;
}

static const KabarMessageSummary *
message_at (GPtrArray *page,
            guint      index,
            guint32    uid)
{
  const KabarMessageSummary *summary = g_ptr_array_index (page, index);

  g_assert_cmpuint (summary->uid, ==, uid);
  return summary;
}

static guint
unread (Fixture *fixture,
        gint64   inbox)
{
  g_autoptr(GError) error = NULL;
  guint count = 0;

  kabar_store_count_messages (fixture->store, inbox, NULL, &count, &error);
  g_assert_no_error (error);
  return count;
}

/* The first sync: newest first, text decoded from RFC 2047 in whatever
 * charset, flags, the attachment, and the reply in its thread. */
static void
assert_first_sync (Fixture *fixture,
                   gint64   inbox)
{
  g_autoptr(GPtrArray) page = list_inbox (fixture, inbox, 4);
  const KabarMessageSummary *reply = message_at (page, 0, 309);
  const KabarMessageSummary *cafe = message_at (page, 1, 306);
  const KabarMessageSummary *hindi = message_at (page, 2, 305);
  const KabarMessageSummary *meeting = message_at (page, 3, 301);
  KabarFolderSyncState state = kabar_sync_test_get_state (fixture->store, inbox);

  g_assert_cmpstr (reply->subject, ==, "Re: Rapat minggu depan");
  g_assert_cmpstr (reply->from_name, ==, "Budi Santoso");
  g_assert_cmpstr (reply->in_reply_to, ==, "DB9PR01MB0001@eurprd01.prod.outlook.com");
  g_assert_cmpint (reply->thread_id, ==, meeting->thread_id);
  g_assert_cmpuint (reply->flags, ==, KABAR_MESSAGE_FLAG_NONE);

  g_assert_cmpstr (cafe->subject, ==, "Café au lait");
  g_assert_true (cafe->has_attachments);
  g_assert_cmpuint (cafe->flags, ==, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_ANSWERED);

  g_assert_cmpstr (hindi->subject, ==, "नमस्ते दुनिया");
  g_assert_cmpstr (hindi->from_name, ==, "राहुल शर्मा");
  g_assert_cmpstr (hindi->from_address, ==, "rahul@hotmail.co.in");
  g_assert_false (hindi->has_attachments);

  g_assert_cmpstr (meeting->subject, ==, "Rapat minggu depan");
  g_assert_cmpstr (meeting->message_id, ==, "DB9PR01MB0001@eurprd01.prod.outlook.com");
  g_assert_cmpuint (meeting->flags, ==, KABAR_MESSAGE_FLAG_SEEN);

  g_assert_cmpuint (unread (fixture, inbox), ==, 2);
  g_assert_cmpuint (state.uidvalidity, ==, 14);
  g_assert_cmpuint (state.uidnext, ==, 310);
  g_assert_cmpuint (state.highestmodseq, ==, 0);
}

/* --- the test ------------------------------------------------------------------ */

static void
test_outlook_sync_and_resync (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(KabarImapSession) first = connect_with_token (fixture);
  g_autoptr(KabarImapSession) second = NULL;
  g_autoptr(KabarAccount) password_account = new_account (fixture, KABAR_AUTH_PASSWORD);
  g_autoptr(KabarStoreFolder) folder = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  KabarImapSyncResult result;
  gboolean changed = FALSE;

  /* Roles from LIST's attributes without SPECIAL-USE, Archive by name. */
  kabar_imap_sync_folder_list (first, fixture->store, &changed, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (changed);
  assert_role (fixture, "INBOX", KABAR_FOLDER_ROLE_INBOX);
  assert_role (fixture, "Sent", KABAR_FOLDER_ROLE_SENT);
  assert_role (fixture, "Deleted", KABAR_FOLDER_ROLE_TRASH);
  assert_role (fixture, "Junk", KABAR_FOLDER_ROLE_JUNK);
  assert_role (fixture, "Archive", KABAR_FOLDER_ROLE_ARCHIVE);
  folder = kabar_store_get_folder_by_path (fixture->store, "INBOX", &error);
  g_assert_no_error (error);

  result = sync_inbox (fixture, first, folder->id);
  g_assert_cmpuint (result.added, ==, 4);
  assert_first_sync (fixture, folder->id);
  kabar_imap_test_logout (first);

  second = connect_with_token (fixture);
  result = sync_inbox (fixture, second, folder->id);
  g_assert_cmpuint (result.added, ==, 0);
  g_assert_cmpuint (result.removed, ==, 1);
  g_assert_cmpuint (result.flags_changed, ==, 1);
  page = list_inbox (fixture, folder->id, 3);
  g_assert_cmpuint (message_at (page, 0, 309)->flags, ==, KABAR_MESSAGE_FLAG_SEEN);
  message_at (page, 1, 306);
  message_at (page, 2, 301);
  g_assert_cmpuint (unread (fixture, folder->id), ==, 0);
  g_assert_cmpuint (kabar_sync_test_get_state (fixture->store, folder->id).uidnext, ==, 310);
  kabar_imap_test_logout (second);

  g_assert_null (kabar_imap_connect_account (password_account, "app-password", NULL, NULL, &error));
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BASIC_AUTH_DISABLED);
  g_assert_true (strstr (error->message, "Basic authentication is disabled.") != NULL);
  kabar_imap_test_assert_script (fixture->server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync/outlook/sync-and-resync", Fixture, NULL,
              fixture_set_up, test_outlook_sync_and_resync, fixture_tear_down);

  return g_test_run ();
}
