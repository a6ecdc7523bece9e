/* kabar-sync-test-support.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-imap-session.h"
#include "kabar-store.h"
#include "kabar-test-bed.h"

G_BEGIN_DECLS

/* What the fault and kill tests of the sync share: sessions that may fail
 * anywhere (a cut can come during the handshake or the sign-in as well as
 * during the sync), store files to copy and remove, and the one check that
 * matters: the store equals the server. Sequential, on the test's thread,
 * as kabar-imap-test-session.h. */

/* Connects over implicit TLS to 127.0.0.1:port (the bed's IMAPS port, or a
 * proxy in front of it) trusting the bed's certificate, signs in as user
 * with the bed's password and, with qresync, enables CONDSTORE and
 * QRESYNC as the account's connection does. NULL with error set when any
 * of it fails; the session is then closed. */
KabarImapSession *kabar_sync_test_try_open     (KabarTestBed  *bed,
                                                guint16        port,
                                                const char    *user,
                                                gboolean       qresync,
                                                GError       **error);
/* The same, straight to the bed, asserting success. */
KabarImapSession *kabar_sync_test_open         (KabarTestBed  *bed,
                                                const char    *user,
                                                gboolean       qresync);

/* A new folder for stores, named after template ("kabar-faults-XXXXXX"),
 * below $KABAR_TEST_TMPDIR when set (kabar-test-session puts it on a
 * tmpfs, where the store's flushes to disk cost nothing), else below
 * g_get_tmp_dir(). */
char             *kabar_sync_test_make_directory (const char  *template);

/* Store files: the database and its -wal and -shm companions. */
KabarStore       *kabar_sync_test_open_store   (const char    *path);
void              kabar_sync_test_copy_store   (const char    *from,
                                                const char    *to);
void              kabar_sync_test_remove_store (const char    *path);

/* Adds or updates the folder, INBOX with its role. */
gint64            kabar_sync_test_add_folder   (KabarStore    *store,
                                                const char    *path);
guint             kabar_sync_test_count        (KabarStore    *store,
                                                gint64         folder_id);
KabarFolderSyncState kabar_sync_test_get_state (KabarStore    *store,
                                                gint64         folder_id);

/* Through a session of its own: the store holds exactly the server's UIDs
 * with the server's flags, lists and counts as many messages as the
 * server has (nothing shown twice), and remembers the folder as synced
 * to the server's UIDVALIDITY and UIDNEXT. */
void              kabar_sync_test_assert_matches_server (KabarTestBed *bed,
                                                         const char   *user,
                                                         KabarStore   *store,
                                                         const char   *folder,
                                                         gint64        folder_id);
/* The same over a session the caller opened (it selects folder). */
void              kabar_sync_test_assert_session_matches (KabarImapSession *session,
                                                          KabarStore       *store,
                                                          const char       *folder,
                                                          gint64            folder_id);

/* Fills the folder with n messages and gives them a mix of flags: read,
 * flagged, answered, drafts, a keyword, and some left unread. */
void              kabar_sync_test_fill_mixed   (KabarTestBed  *bed,
                                                const char    *user,
                                                const char    *folder,
                                                guint          n);

/* A KABAR_NET_ERROR or G_IO_ERROR: what a lost connection may give,
 * never the server's words nor a TLS error leaking through. */
void              kabar_sync_test_assert_connection_error (const GError *error,
                                                           const char   *what);

G_END_DECLS
