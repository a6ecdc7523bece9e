/* kabar-imap-folder-sync.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-imap-session.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* Called after each batch of new messages is committed to the store, on
 * the sync's store thread (not the caller's): done of total new messages
 * are now listed. */
typedef void (*KabarImapSyncProgressFunc) (gint64   folder_id,
                                           guint    done,
                                           guint    total,
                                           gpointer user_data);

/* Called once a sync after the folder's first has stored new mail (also
 * when an error cut it short), on the caller's thread, with the store's
 * ids (gint64, in no particular order) of the messages it stored unread:
 * mail to announce. A first sync, or one after a new UIDVALIDITY, brings
 * the mailbox, not news, and calls it not. The array is the callee's. */
typedef void (*KabarImapSyncNewMailFunc) (gint64   folder_id,
                                          GArray  *message_ids,
                                          gpointer user_data);

typedef struct
{
  /* Messages a FETCH asks for once the first screenful is in; 0 for the
   * default (2000). */
  guint                     batch_size;
  KabarImapSyncProgressFunc progress;
  gpointer                  progress_data;
  KabarImapSyncNewMailFunc  new_mail;
  gpointer                  new_mail_data;
} KabarImapSyncOptions;

/* What one sync of a folder changed in the store. */
typedef struct
{
  /* The server's UIDVALIDITY changed: everything was fetched anew. */
  gboolean reset;
  guint    added;
  guint    removed;
  guint    flags_changed;
} KabarImapSyncResult;

/* Brings the store's copy of the folder up to the server's state, over an
 * authenticated session, on a worker thread (it waits in the sequential
 * style of kabar-sync-wait.h). The folder is left selected.
 *
 * - A new UIDVALIDITY resets the folder first.
 * - New mail is fetched newest first, a small first batch so the top of
 *   the list fills at once, while the previous batch is being written to
 *   the store on a thread of its own.
 * - Expunges and flag changes: from QRESYNC's VANISHED and changed
 *   messages, or CONDSTORE's CHANGEDSINCE; without them (Outlook.com), by
 *   a full flag fetch in chunks and a UID SEARCH ALL difference, the
 *   search skipped when the counts show nothing went.
 * - The folder's sync state (UIDNEXT, HIGHESTMODSEQ) is written last, once
 *   everything before it is committed: a sync cut short, by a lost
 *   connection or a killed process, leaves the old state, and the next
 *   sync compares the server's UIDs with the store's and finishes the
 *   work, fetching nothing twice.
 *
 * result may be NULL. A folder that cannot be selected (\Noselect) is left
 * alone and succeeds. */
gboolean kabar_imap_sync_folder (KabarImapSession           *session,
                                 KabarStore                 *store,
                                 gint64                      folder_id,
                                 const KabarImapSyncOptions *options,
                                 KabarImapSyncResult        *result,
                                 GCancellable               *cancellable,
                                 GError                    **error);

G_END_DECLS
