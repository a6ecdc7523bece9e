/* kabar-imap-connect.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-account.h"
#include "kabar-imap-session.h"

G_BEGIN_DECLS

/* How long a connection may make no progress before it counts as dead;
 * IDLE's silence is exempt (see kabar_imap_session_idle_async()). */
#define KABAR_IMAP_CONNECT_TIMEOUT_SECONDS 30

/* A session of the account, ready for work: connects to the account's
 * incoming server (host, port, security, the certificate the user pinned),
 * signs in with secret (the password, or for an OAuth2 account the access
 * token, sent as XOAUTH2 or OAUTHBEARER), sends ID where offered and
 * enables CONDSTORE and QRESYNC where offered.
 *
 * Sequential: runs the thread-default main context until done (see
 * kabar-sync-wait.h), so call it on a worker thread, never the UI's. The
 * session belongs to that thread.
 *
 * Errors are the session's, unchanged, so the caller can tell a wrong
 * password (KABAR_IMAP_ERROR_AUTHENTICATION_FAILED) from a provider that
 * refuses passwords (_BASIC_AUTH_DISABLED) and from an untrusted
 * certificate (KABAR_NET_ERROR_CERTIFICATE, with *problem set when problem
 * is not NULL). A server that refuses ID or ENABLE is not an error: the
 * session works without them (check kabar_imap_session_is_enabled()). */
KabarImapSession *kabar_imap_connect_account (KabarAccount             *account,
                                              const char               *secret,
                                              GCancellable             *cancellable,
                                              KabarCertificateProblem **problem,
                                              GError                  **error);

G_END_DECLS
