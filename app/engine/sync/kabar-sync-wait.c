/* kabar-sync-wait.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kabar-sync-wait.h"

#define SYNC_THREAD_NICENESS 10

void
kabar_sync_wait_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_return_if_fail (*slot == NULL);
  *slot = g_object_ref (result);
}

GAsyncResult *
kabar_sync_wait (GAsyncResult **slot)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);
  return g_steal_pointer (slot);
}

void
kabar_sync_thread_lower_priority (void)
{
  /* On Linux a thread has a niceness of its own, named by its thread
   * id. Failing leaves it as it was, which is only slower to yield. */
  if (setpriority (PRIO_PROCESS, (id_t) gettid (), SYNC_THREAD_NICENESS) != 0)
    g_debug ("Could not lower a sync thread's priority: %s", g_strerror (errno));
}
