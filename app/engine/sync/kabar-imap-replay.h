/* kabar-imap-replay.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-imap-session.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* Called on the replaying thread for an operation the server refused,
 * once it has been undone in the store and removed: the UI says what
 * failed (operation->kind and payload) and why (server_error, in the
 * KABAR_IMAP_ERROR domain with the server's words, or
 * G_IO_ERROR_INVALID_DATA for an operation that could not be read). */
typedef void (*KabarImapRefusedFunc) (const KabarPendingOperation *operation,
                                      const GError                *server_error,
                                      gpointer                     user_data);

/* Replays every pending operation of the store, in id order, over an
 * authenticated session, until none is left (operations the user adds
 * meanwhile included). Runs on a sync worker thread (kabar-sync-wait.h).
 *
 * Each operation, once the server did what it asks, is completed in the
 * store (kabar_store_complete_pending_*()); once the server refused it
 * (NO, BAD, a missing mailbox, a full quota, or a server lacking what the
 * operation needs), it is undone and removed, and refused is called.
 * Anything else (the connection cut, a timeout, a BYE, the cancellable, a
 * store error) stops the replay: FALSE with the error, the operation left
 * pending. Connect again and call this again: every operation is safe to
 * replay after a cut at any point, whether its command reached the server
 * or not.
 *  - Flags and deletes for good are idempotent, sent again as they are.
 *  - Copies, moves, appends and folder commands are marked started in the
 *    store, durably, before they are sent. A started copy, or a started
 *    move on a server without MOVE (whose fallback copies first), looks in
 *    the destination for each message by Message-ID and copies only those
 *    it does not find there; a started append does the same. A message
 *    without Message-ID is copied or appended again: rarely, a duplicate.
 *    A message of the same Message-ID that was in the destination before
 *    is taken for the copy: then the destination ends with one copy.
 *    MOVE is atomic: a started one is sent again for what is left.
 *  - A started folder create that finds the folder exists, and a started
 *    rename or delete that finds the folder gone, are done.
 * An operation that goes from the store while it is replayed (the user
 * undid it: kabar_store_cancel_pending_operation() takes only one not
 * marked started, so nothing of it was sent) is skipped.
 * Moving needs MOVE or UIDPLUS, deleting for good UIDPLUS (a plain
 * EXPUNGE would remove what others marked \Deleted too): without them the
 * operation is refused, nothing sent.
 *
 * Replay before the folder sync after connecting: a provisional row whose
 * message the sync fetched first is dropped when the replay completes,
 * but would show twice meanwhile. The session is left with whichever
 * mailbox the last operation selected. */
gboolean kabar_imap_replay_pending (KabarImapSession      *session,
                                    KabarStore            *store,
                                    KabarImapRefusedFunc   refused,
                                    gpointer               user_data,
                                    GCancellable          *cancellable,
                                    GError               **error);

G_END_DECLS
