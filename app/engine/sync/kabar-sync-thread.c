/* kabar-sync-thread.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kabar-sync-thread.h"

#define SYNC_THREAD_NICENESS 10

void
kabar_sync_thread_lower_priority (void)
{
  /* On Linux a thread has a niceness of its own, named by its thread
   * id. Failing leaves it as it was, which is only slower to yield. */
  if (setpriority (PRIO_PROCESS, (id_t) gettid (), SYNC_THREAD_NICENESS) != 0)
    g_debug ("Could not lower a sync thread's priority: %s", g_strerror (errno));
}
