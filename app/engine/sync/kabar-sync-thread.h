/* kabar-sync-thread.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called first on each of sync's threads: they take a lower scheduling
 * priority than the UI thread (nice 10), so that on a busy machine the
 * window gets a CPU first and never stalls a frame behind a sync; the
 * sync waits on the server most of the time anyway. */
void kabar_sync_thread_lower_priority (void);

G_END_DECLS
