/* kabar-store-graph.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "kabar-store.h"

G_BEGIN_DECLS

/* A Graph account's store (version-010.sql): what Microsoft Graph names
 * the folders and messages by, and its delta links.
 *
 * Graph has no UIDs. Each message the sync stores gets a local uid, one
 * above any uid its folder ever had (as POP's local messages do), so what
 * names messages by uid (the list, flags, pending operations, undo) works
 * unchanged; the remote id (immutable: it survives moves) is kept beside
 * it. Folder paths are the display names joined with '/' under their
 * parents.
 *
 * Errors are in KABAR_STORE_ERROR. Any thread, never the UI thread. A
 * lookup that finds nothing returns NULL or 0 without an error. */

/* Named values: the folder tree's delta link, the well-known folders'
 * ids, and other layers' links (contacts, calendar, To Do). */
char      *kabar_store_graph_get_state             (KabarStore          *store,
                                                    const char          *name,
                                                    GError             **error);
/* value NULL deletes. */
gboolean   kabar_store_graph_set_state             (KabarStore          *store,
                                                    const char          *name,
                                                    const char          *value,
                                                    GError             **error);
/* The names that start with prefix (a NULL-terminated array, sorted). */
GStrv      kabar_store_graph_list_states           (KabarStore          *store,
                                                    const char          *prefix,
                                                    GError             **error);

/* Folders. */

/* One folder as Graph has it. */
typedef struct
{
  gint64  folder_id;
  char   *remote_id;
  /* NULL for a folder at the top (its parent is the mailbox's root, which
   * is never listed). */
  char   *parent_remote_id;
  char   *display_name;
} KabarGraphFolderRecord;

void       kabar_graph_folder_record_free          (KabarGraphFolderRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarGraphFolderRecord, kabar_graph_folder_record_free)

/* Every folder bound to a remote id (KabarGraphFolderRecord elements). */
GPtrArray *kabar_store_graph_list_folders          (KabarStore          *store,
                                                    GError             **error);
/* Binds the store's folder to the server's: after the folder tree sync
 * added it, or the replay created it. A remote id bound to another folder
 * moves to this one. */
gboolean   kabar_store_graph_bind_folder           (KabarStore          *store,
                                                    gint64               folder_id,
                                                    const char          *remote_id,
                                                    const char          *parent_remote_id,
                                                    const char          *display_name,
                                                    GError             **error);
char      *kabar_store_graph_get_folder_remote_id  (KabarStore          *store,
                                                    gint64               folder_id,
                                                    GError             **error);
/* The folder's id, 0 when no folder has that remote id. */
gint64     kabar_store_graph_find_folder           (KabarStore          *store,
                                                    const char          *remote_id,
                                                    GError             **error);
/* The folder's messages delta link; NULL when it has none (its next sync
 * is a full one). */
char      *kabar_store_graph_get_folder_delta_link (KabarStore          *store,
                                                    gint64               folder_id,
                                                    GError             **error);
gboolean   kabar_store_graph_set_folder_delta_link (KabarStore          *store,
                                                    gint64               folder_id,
                                                    const char          *delta_link,
                                                    GError             **error);

/* Messages. */

char      *kabar_store_graph_get_message_remote_id (KabarStore          *store,
                                                    gint64               message_id,
                                                    GError             **error);
char      *kabar_store_graph_get_uid_remote_id     (KabarStore          *store,
                                                    gint64               folder_id,
                                                    guint32              uid,
                                                    GError             **error);
/* The message's id, 0 when no message has that remote id. */
gint64     kabar_store_graph_find_message          (KabarStore          *store,
                                                    const char          *remote_id,
                                                    GError             **error);
/* After a move, copy or append on the server: the provisional row
 * (target_id of a pending message) becomes an ordinary one with the
 * server's remote id and the next local uid of its folder, and keeps its
 * id; the pending operation then completes without dropping it. When the
 * sync was faster (a row of that folder has the remote id already), the
 * provisional row goes instead. A remote id bound to a row of another
 * folder (the hidden source of a move: immutable ids) moves to this one. */
gboolean   kabar_store_graph_bind_message          (KabarStore          *store,
                                                    gint64               message_id,
                                                    const char          *remote_id,
                                                    GError             **error);

/* What one page of a folder's delta says, applied in one transaction.
 * remote_ids[i] (strings) is the remote id of summaries[i]
 * (KabarMessageSummary, uid and ids not read). A message the folder has
 * takes the server's flags (read, flagged, draft; unless the user's change
 * of them is pending) and its envelope; one bound to a row of another
 * folder (moved there by another device) moves with its row, keeping its
 * id; a new one is inserted with the folder's next local uid, for
 * kabar_store_index_pending(). removed (may be NULL): remote ids the
 * folder no longer has; their rows go when they are in this folder (a row
 * that moved already stays). new_ids (gint64, may be NULL) gets the ids of
 * the rows inserted. */
gboolean   kabar_store_graph_apply_messages        (KabarStore          *store,
                                                    gint64               folder_id,
                                                    GPtrArray           *remote_ids,
                                                    GPtrArray           *summaries,
                                                    GPtrArray           *removed,
                                                    GArray              *new_ids,
                                                    GError             **error);
/* A full sync of the folder (its first, or after a refused delta link)
 * starts by marking every message of the folder the server gave; what
 * kabar_store_graph_apply_messages() then sees loses the mark. */
gboolean   kabar_store_graph_begin_full_sync       (KabarStore          *store,
                                                    gint64               folder_id,
                                                    GError             **error);
/* ... and ends, once every page was applied: the messages still marked
 * (the server no longer has them) go, and delta_link is stored, in one
 * transaction. */
gboolean   kabar_store_graph_end_full_sync         (KabarStore          *store,
                                                    gint64               folder_id,
                                                    const char          *delta_link,
                                                    GError             **error);

G_END_DECLS
