/* kabar-test-async.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Waiting for one async call in a test: pass kabar_test_async_done and the
 * wait as the callback and its data, then take the result.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} KabarTestAsync;

#define KABAR_TEST_ASYNC_INIT { .loop = g_main_loop_new (NULL, FALSE) }

void          kabar_test_async_done (GObject        *source,
                                     GAsyncResult   *result,
                                     gpointer        user_data);
/* Runs the main loop until the callback came; the caller owns the result. */
GAsyncResult *kabar_test_async_wait (KabarTestAsync *wait);

G_END_DECLS
