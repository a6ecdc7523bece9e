/* kabar-sync-wait.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Sync runs on worker threads, one a connection, each with its own main
 * context pushed as thread-default. There a sync step is plain sequential
 * code: start an asynchronous call with kabar_sync_wait_done as its
 * callback and the address of a NULL GAsyncResult pointer as its data,
 * then kabar_sync_wait() runs the thread's context (so the session's
 * signals and timeouts keep working) until the result is there.
 *
 * Never on the UI thread: it would stall a frame for a network round
 * trip. The calls waited on carry their own time-outs and cancellables,
 * so there is no limit here. */
void          kabar_sync_wait_done (GObject       *source,
                                    GAsyncResult  *result,
                                    gpointer       user_data);
/* Returns the result (transfer full) and clears *slot. */
GAsyncResult *kabar_sync_wait      (GAsyncResult **slot);

G_END_DECLS
