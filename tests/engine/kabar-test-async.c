/* kabar-test-async.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-test-async.h"

void
kabar_test_async_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  KabarTestAsync *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

GAsyncResult *
kabar_test_async_wait (KabarTestAsync *wait)
{
  g_main_loop_run (wait->loop);
  g_clear_pointer (&wait->loop, g_main_loop_unref);
  return g_steal_pointer (&wait->result);
}
