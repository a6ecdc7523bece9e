/* kabar-graph-replay.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-graph-client.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* Called on the replaying thread for an operation the server refused, once
 * it has been undone in the store and removed: kind says what failed,
 * folder_id where (0 for a folder the store no longer has), error why (in
 * KABAR_GRAPH_ERROR with the server's code and words, or
 * G_IO_ERROR_INVALID_DATA for an operation that could not be read). */
typedef void (*KabarGraphRefusedFunc) (KabarPendingKind  kind,
                                       gint64            folder_id,
                                       const GError     *error,
                                       gpointer          data);

/* Replays every pending operation of the store on Microsoft Graph, in id
 * order, until none is left. Runs on a sync worker thread
 * (kabar-sync-wait.h), on the client's thread.
 *
 *  - flags: PATCH {isRead, flag: {flagStatus}} for each message, the
 *    flag changes in a row of operations together in $batch;
 *  - move and copy: POST /me/messages/{id}/move or /copy {destinationId};
 *  - delete: DELETE /me/messages/{id} (one already gone is deleted);
 *  - append: POST /me/mailFolders/{id}/messages with the MIME message,
 *    base64, as text/plain;
 *  - folder create: POST /me/mailFolders[/{parent}/childFolders]; rename:
 *    PATCH {displayName}, and POST .../move for a new parent; delete:
 *    DELETE.
 *
 * The store is told as kabar-imap-replay.h does: a change the server made
 * is completed (moved, copied and appended messages come in with the next
 * sync of their folder); one it refused (any 4xx: a message deleted
 * meanwhile, a folder name taken) is undone, removed and reported to
 * refused. Anything else (the network, a 5xx, still throttled, a refused
 * sign-in, the cancellable, the store) stops the replay: FALSE with the
 * error, the operation left pending for the next run.
 *
 * Safe to run again after a cut at any point. Immutable ids make flags,
 * moves and deletes idempotent. Copies, appends and folder changes are
 * marked started, durably, before they are sent; a started copy or append
 * first looks in the destination for the message by internetMessageId and
 * is done for those it finds; a started folder create looks for the folder
 * by name first, a started delete that finds it gone is done. */
gboolean kabar_graph_replay (KabarGraphClient       *client,
                             KabarStore             *store,
                             KabarGraphRefusedFunc   refused,
                             gpointer                refused_data,
                             GCancellable           *cancellable,
                             GError                **error);

G_END_DECLS
