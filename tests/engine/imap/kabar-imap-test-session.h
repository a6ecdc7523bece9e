/* kabar-imap-test-session.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-imap-session.h"
#include "kabar-scripted-server.h"
#include "kabar-test-bed.h"

G_BEGIN_DECLS

/* Blocking wrappers around a KabarImapSession for tests: each runs the
 * call and spins the thread-default main context until it completes (at
 * most 60 s, else the test fails). The try_ ones return the error; the
 * others assert success. */

KabarImapSession      *kabar_imap_test_try_connect      (const char               *host,
                                                         guint16                   port,
                                                         KabarSecurity             security,
                                                         GTlsCertificate          *pinned,
                                                         KabarCertificateProblem **problem,
                                                         GError                  **error);
gboolean               kabar_imap_test_try_authenticate (KabarImapSession         *session,
                                                         const char               *user,
                                                         const char               *secret,
                                                         KabarSaslCredential       credential,
                                                         GError                  **error);
/* Connected over implicit TLS (or STARTTLS) and signed in with the bed's
 * password for user. */
KabarImapSession      *kabar_imap_test_open             (KabarTestBed             *bed,
                                                         const char               *user,
                                                         KabarTestBedPort          port);
KabarImapSession      *kabar_imap_test_open_scripted    (KabarScriptedServer      *server,
                                                         KabarSecurity             security);

GPtrArray             *kabar_imap_test_list             (KabarImapSession         *session,
                                                         const char               *pattern,
                                                         KabarImapListFlags        flags);
KabarImapFolderInfo   *kabar_imap_test_find_folder      (GPtrArray                *folders,
                                                         const char               *name);
KabarImapMailboxState *kabar_imap_test_try_select       (KabarImapSession         *session,
                                                         const char               *mailbox,
                                                         gboolean                  read_only,
                                                         const KabarImapQresync   *qresync,
                                                         GError                  **error);
KabarImapMailboxState *kabar_imap_test_select           (KabarImapSession         *session,
                                                         const char               *mailbox);
/* Collects every message of the fetch (fine for tests of a few thousand). */
GPtrArray             *kabar_imap_test_try_fetch        (KabarImapSession         *session,
                                                         const KabarImapUidSet    *uids,
                                                         const KabarImapFetchRequest *request,
                                                         GError                  **error);
GPtrArray             *kabar_imap_test_fetch            (KabarImapSession         *session,
                                                         const char               *uids,
                                                         KabarImapFetchItems       items);
KabarImapUidSet       *kabar_imap_test_search           (KabarImapSession         *session,
                                                         const char               *criteria);
void                   kabar_imap_test_store            (KabarImapSession         *session,
                                                         const char               *uids,
                                                         KabarImapStoreMode        mode,
                                                         const char               *flag);
gboolean               kabar_imap_test_try_move         (KabarImapSession         *session,
                                                         const char               *uids,
                                                         const char               *mailbox,
                                                         gboolean                  copy,
                                                         KabarImapUidMap         **map,
                                                         GError                  **error);
gboolean               kabar_imap_test_try_append       (KabarImapSession         *session,
                                                         const char               *mailbox,
                                                         const char               *text,
                                                         const char * const       *flags,
                                                         guint32                  *uid,
                                                         GError                  **error);
/* create, delete, rename, subscribe, noop, expunge, close_mailbox and
 * logout: pass the _async call's result to this. */
gboolean               kabar_imap_test_try_command      (KabarImapSession         *session,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
void                   kabar_imap_test_logout           (KabarImapSession         *session);

/* A message with CRLF line ends from text with LF ones. */
GBytes                *kabar_imap_test_message          (const char               *text);
void                   kabar_imap_test_add_message      (KabarTestBed             *bed,
                                                         const char               *user,
                                                         const char               *folder,
                                                         const char               *text,
                                                         const char               *flags);
/* Waits for the script, printing the transcript if it diverged. */
void                   kabar_imap_test_assert_script    (KabarScriptedServer      *server);

G_END_DECLS
