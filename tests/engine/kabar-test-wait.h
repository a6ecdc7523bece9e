/* kabar-test-wait.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Waiting for asynchronous results in a test: pass kabar_test_wait_done
 * as the callback and the address of a NULL GAsyncResult pointer as its
 * data, then kabar_test_wait() spins the thread-default main context until
 * the result is there. A result that does not come within 60 s fails the
 * test instead of hanging it. */
void          kabar_test_wait_done     (GObject       *source,
                                        GAsyncResult  *result,
                                        gpointer       user_data);
/* Returns the result (transfer full) and clears *slot. */
GAsyncResult *kabar_test_wait          (GAsyncResult **slot);

/* Spins the thread-default main context for ms milliseconds. */
void          kabar_test_spin          (guint          ms);
/* Seconds since an instant of g_get_monotonic_time(). */
double        kabar_test_seconds_since (gint64         start);

G_END_DECLS
