/* kabar-sync-wait.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-sync-wait.h"

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
