/* kabar-pop3-download.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-account.h"
#include "kabar-certificate-problem.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* How long a POP3 connection may make no progress before it counts as
 * dead. */
#define KABAR_POP3_DOWNLOAD_TIMEOUT_SECONDS 30

/* Called after each batch of new messages is committed to the store, on
 * the store's thread (not the caller's): done of total new messages are
 * now in the store. */
typedef void (*KabarPop3DownloadProgressFunc) (gint64   folder_id,
                                               guint    done,
                                               guint    total,
                                               gpointer user_data);

/* Called after each batch is committed, on the store's thread, with the
 * ids (gint64) of the messages it stored, in the local INBOX (folder_id).
 * The array is the callee's. */
typedef void (*KabarPop3DownloadStoredFunc)   (gint64   folder_id,
                                               GArray  *message_ids,
                                               gpointer user_data);

/* Called after each part of the text pass is committed, on the
 * download's thread, with the folders (gint64, each once) whose messages
 * got their text, snippet and attachment mark: what lists them is out of
 * date. The array is the callee's. */
typedef void (*KabarPop3DownloadTextsFunc)    (GArray  *folder_ids,
                                               gpointer user_data);

typedef struct
{
  /* Messages a batch holds once the first, small one is in; 0 for the
   * default (500). A batch also ends at 16 MiB of mail. */
  guint                         batch_size;
  /* Unix seconds, for the "after some days" policy; 0 for the clock. */
  gint64                        now;
  KabarPop3DownloadProgressFunc progress;
  gpointer                      progress_data;
  KabarPop3DownloadStoredFunc   stored;
  gpointer                      stored_data;
  KabarPop3DownloadTextsFunc    texts_read;
  gpointer                      texts_read_data;
} KabarPop3DownloadOptions;

/* What one check of the server did. */
typedef struct
{
  /* The local folder the mail went to (INBOX). */
  gint64 folder_id;
  /* Messages the server listed, and of them downloaded now. */
  guint  listed;
  guint  downloaded;
  /* New messages the server would not give (another client deleted
   * them meanwhile). */
  guint  skipped;
  /* Messages the server confirmed deleting. */
  guint  deleted;
} KabarPop3DownloadResult;

/* One check of a POP account's server, into its store:
 *
 * - connects to the account's incoming server (security, port, the
 *   certificate the user pinned) and signs in with the password from the
 *   keyring (an OAuth2 account fails with
 *   KABAR_IMAP_ERROR_AUTHENTICATION_UNAVAILABLE until Kabar can get
 *   tokens);
 * - downloads what the store does not know by UIDL into the local INBOX
 *   (made with the other local folders when missing), unread, newest
 *   first (highest message number first), a small first batch so the top
 *   of the list fills at once, each batch committed in one durable
 *   transaction with its UIDLs while the next one arrives: after a cut or
 *   a crash at any point the next check downloads nothing twice. A
 *   message the server refuses to give (deleted meanwhile) is skipped;
 * - forgets the UIDLs the server no longer lists;
 * - deletes on the server what the account's policy says (only what is
 *   durably stored), and marks it deleted only once QUIT's +OK says the
 *   server did it.
 * - then, the session closed, reads the text of what was stored without
 *   it, this check's mail and any a crash or a cut left before
 *   (kabar_store_read_pending_texts()): a message is listed once its
 *   batch is committed, and found by search, with its snippet, once its
 *   text is read (options->texts_read says where). This is done
 *   whatever ended the session, and stops early when cancelled; a
 *   failure here fails nothing (the next check reads what is left).
 *
 * Sequential: runs the thread-default main context until done (see
 * kabar-sync-wait.h), so call it on a worker thread, never the UI's.
 * options and result may be NULL. Errors are the session's, unchanged (a
 * wrong password is KABAR_POP3_ERROR_AUTHENTICATION_FAILED with the
 * server's words, an untrusted certificate KABAR_NET_ERROR_CERTIFICATE with
 * *problem set when problem is not NULL), or the store's. What was
 * committed before an error stays. */
gboolean kabar_pop3_download_run (KabarAccount                   *account,
                                  KabarStore                     *store,
                                  const KabarPop3DownloadOptions *options,
                                  KabarPop3DownloadResult        *result,
                                  GCancellable                   *cancellable,
                                  KabarCertificateProblem       **problem,
                                  GError                        **error);

G_END_DECLS
