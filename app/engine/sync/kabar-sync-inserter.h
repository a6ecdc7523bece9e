/* kabar-sync-inserter.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-imap-folder-sync.h"

G_BEGIN_DECLS

/* Writes the summaries a FETCH brings into the store on a thread of its
 * own, a batch a transaction, so that the next batch is read from the
 * network while the last one is written: the sync costs the longer of the
 * two instead of their sum. When the writing falls behind, add() waits,
 * so memory stays bounded however large the folder. The store leaves
 * indexing them for search to kabar_store_index_pending(): the thread
 * runs it while it waits for the next batch, and finish() until nothing
 * is left. */
typedef struct _KabarSyncInserter KabarSyncInserter;

KabarSyncInserter *kabar_sync_inserter_new        (KabarStore                *store,
                                                   gint64                     folder_id,
                                                   KabarImapSyncProgressFunc  progress,
                                                   gpointer                   progress_data);
/* How many summaries the progress function is told to expect, in all. */
void               kabar_sync_inserter_expect     (KabarSyncInserter         *self,
                                                   guint                      total);
/* Takes the summary. After an error, summaries are dropped: finish()
 * reports it. */
void               kabar_sync_inserter_add        (KabarSyncInserter         *self,
                                                   KabarMessageSummary       *summary);
/* Sends what add() gathered to be written now, without waiting. */
void               kabar_sync_inserter_flush      (KabarSyncInserter         *self);
/* Writes what is left, indexes every message the store has not indexed
 * yet (this folder's and any other's), and waits for it; the first error
 * of any batch or of the indexing. The inserter may be used again
 * afterwards. */
gboolean           kabar_sync_inserter_finish     (KabarSyncInserter         *self,
                                                   GError                   **error);
/* Summaries committed so far. */
guint              kabar_sync_inserter_get_stored (KabarSyncInserter         *self);
/* From now on, keeps the store's ids (gint64) of the committed summaries
 * that are not \Seen, in the order committed: new mail to announce. */
void               kabar_sync_inserter_keep_unread (KabarSyncInserter        *self);
/* What kabar_sync_inserter_keep_unread() kept since the last call (NULL
 * when it was not asked for); call after finish(). */
GArray            *kabar_sync_inserter_steal_unread (KabarSyncInserter       *self);
void               kabar_sync_inserter_free       (KabarSyncInserter         *self);

G_END_DECLS
