/* kabar-sync-cancel.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Work on a thread's own main context (kabar-sync-wait.h) is cancelled by
 * the UI thread. GLib 2.74 leaks a GCancellableSource that is dropped on
 * one thread while g_cancellable_cancel() runs on another: the dispose
 * keeps it alive for a "cancelled" handler it then disconnects. Such
 * sources are made under every GIO and libsoup call that takes a
 * cancellable, so the work gets one of its own instead, cancelled on its
 * thread's context when the caller's is: everything that watches it is
 * then made, woken and dropped on that one thread. */
typedef struct
{
  GCancellable *outer;
  GCancellable *local;
  gulong        handler;
} KabarSyncCancel;

/* From any thread: cancellable is cancelled on the thread that runs
 * context, at its next iteration. For work that owns its cancellable. */
void          kabar_sync_cancel_on_context (GCancellable *cancellable,
                                            GMainContext *context);

/* On the work's thread, with its context pushed as thread-default.
 * outer may be NULL. */
void          kabar_sync_cancel_init       (KabarSyncCancel *self,
                                            GCancellable    *outer);
/* The cancellable to hand to the work (transfer none). */
GCancellable *kabar_sync_cancel_get        (KabarSyncCancel *self);
/* On the same thread, when the work is over. */
void          kabar_sync_cancel_clear      (KabarSyncCancel *self);

G_END_DECLS
