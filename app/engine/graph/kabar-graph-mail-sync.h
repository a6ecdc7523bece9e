/* kabar-graph-mail-sync.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-graph-client.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* Mail of a Graph account into its store (kabar-store-graph.h).
 *
 * Every call runs on the sync's worker thread, whose own main context is
 * pushed (kabar-sync-wait.h): sequential code that waits for the client's
 * asynchronous calls. Errors are the client's (KABAR_GRAPH_ERROR, network
 * errors), the store's (KABAR_STORE_ERROR), or G_IO_ERROR_CANCELLED. */

/* The states kabar_store_graph_get_state() keeps for mail. */
#define KABAR_GRAPH_STATE_FOLDER_DELTA "mail-folders-delta"
/* "well-known/inbox"... : the remote id of each well-known folder. */
#define KABAR_GRAPH_STATE_WELL_KNOWN   "well-known/"

typedef void (*KabarGraphProgressFunc) (gint64   folder_id,
                                        guint    done,
                                        guint    total,
                                        gpointer data);

/* The folder tree by /me/mailFolders/delta from its stored link. Roles
 * come from the well-known names (inbox, sentitems, drafts, deleteditems,
 * junkemail, archive), asked once in one $batch. Paths are the display
 * names joined with '/' under their parents ('/' in a name is written
 * U+2215); a renamed or moved folder keeps its id and messages. Folders
 * removed on the server go, with what is below them. The new link is
 * stored once the whole tree is. */
gboolean kabar_graph_sync_folder_tree (KabarGraphClient       *client,
                                       KabarStore             *store,
                                       GCancellable           *cancellable,
                                       GError                **error);

/* One folder by /me/mailFolders/{id}/messages/delta ($select, page size
 * 200) from its stored delta link; each page is stored as it comes, the
 * new link only after the last. A refused delta link is dropped and the
 * folder resynced from scratch, keeping every message the server still
 * has (by remote id, with its local id) and deleting the others: nothing
 * lost or duplicated, and a sync cut short leaves what the next one
 * mends. progress (may be NULL) after each page: total is 0 (Graph does
 * not say). new_ids (gint64, may be NULL): messages new to the store. */
gboolean kabar_graph_sync_messages    (KabarGraphClient       *client,
                                       KabarStore             *store,
                                       gint64                  folder_id,
                                       KabarGraphProgressFunc  progress,
                                       gpointer                progress_data,
                                       GArray                 *new_ids,
                                       GCancellable           *cancellable,
                                       GError                **error);

/* GET /me/messages/{id}/$value, stored with kabar_store_set_body() (with
 * its text for search), and returned. */
GBytes  *kabar_graph_fetch_body       (KabarGraphClient       *client,
                                       KabarStore             *store,
                                       gint64                  message_id,
                                       GCancellable           *cancellable,
                                       GError                **error);

/* Bodies ahead of time: the folder's messages of those uids by $value, at
 * most KABAR_GRAPH_BODIES_IN_FLIGHT requests at once, each stored with
 * kabar_store_set_body_by_uid() as it comes. A message the server or the
 * folder no longer has is skipped. *n_stored (may be NULL) counts the
 * bodies stored, also on failure. */
#define KABAR_GRAPH_BODIES_IN_FLIGHT 4
gboolean kabar_graph_fetch_bodies     (KabarGraphClient       *client,
                                       KabarStore             *store,
                                       gint64                  folder_id,
                                       const guint32          *uids,
                                       guint                   n_uids,
                                       guint                  *n_stored,
                                       GCancellable           *cancellable,
                                       GError                **error);

G_END_DECLS
