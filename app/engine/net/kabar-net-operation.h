/* kabar-net-operation.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to net/: what every operation of a KabarConnection shares.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One network operation's stop conditions in one GCancellable: the
 * caller's cancellable, the connection being closed, and an inactivity
 * timeout that restarts whenever data moves. GIO reports all three as
 * G_IO_ERROR_CANCELLED; kabar_net_operation_take_error() tells them apart
 * again and maps everything else to KABAR_NET_ERROR.
 *
 * Create and free it on the thread whose main context runs the operation
 * (the timer is attached to the thread-default context). The cancellables
 * may be cancelled from any thread. */
typedef struct _KabarNetOperation KabarNetOperation;

/* timeout_seconds 0 means no timeout; peer ("host:port") names the other
 * end in the timeout's message. */
KabarNetOperation *kabar_net_operation_new             (GCancellable       *caller,
                                                        GCancellable       *connection,
                                                        guint               timeout_seconds,
                                                        const char         *peer);
void               kabar_net_operation_free            (KabarNetOperation  *self);

/* What the GIO calls of the operation take. */
GCancellable      *kabar_net_operation_get_cancellable (KabarNetOperation  *self);
/* Data moved: the inactivity timeout starts again. */
void               kabar_net_operation_progress        (KabarNetOperation  *self);

/* Takes a GIO, TLS or resolver error of the operation and returns the one
 * to report: TIMED_OUT when the timer stopped it, G_IO_ERROR_CANCELLED
 * when the caller or the connection's close did, else the KABAR_NET_ERROR
 * of kabar_net_error_new_from(). */
GError            *kabar_net_operation_take_error      (KabarNetOperation  *self,
                                                        GError             *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarNetOperation, kabar_net_operation_free)

G_END_DECLS
