/* kabar-test-wait.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-test-wait.h"

#define WAIT_LIMIT_MS (60 * 1000)

void
kabar_test_wait_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
on_limit (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

GAsyncResult *
kabar_test_wait (GAsyncResult **slot)
{
  gboolean expired = FALSE;
  g_autoptr(GSource) limit = g_timeout_source_new (WAIT_LIMIT_MS);

  g_source_set_callback (limit, on_limit, &expired, NULL);
  g_source_attach (limit, g_main_context_get_thread_default ());
  while (*slot == NULL && !expired)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  g_source_destroy (limit);
  if (*slot == NULL)
    g_error ("No asynchronous result within %u ms", WAIT_LIMIT_MS);
  return g_steal_pointer (slot);
}

void
kabar_test_spin (guint ms)
{
  gboolean expired = FALSE;
  g_autoptr(GSource) limit = g_timeout_source_new (ms);

  g_source_set_callback (limit, on_limit, &expired, NULL);
  g_source_attach (limit, g_main_context_get_thread_default ());
  while (!expired)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  g_source_destroy (limit);
}

double
kabar_test_seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}
