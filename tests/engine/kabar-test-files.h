/* kabar-test-files.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes a test's flat folder (a store with its -wal and -shm files,
 * messages written out) and what is in it. */
void   kabar_test_remove_directory (const char *directory);

/* One number read straight from a store's file, past the store (what a
 * restart would find): the first column of sql's first row, its one
 * parameter, if any, bound to text. Fails the test without a row. */
gint64 kabar_test_store_file_int   (const char *path,
                                    const char *sql,
                                    const char *text);

G_END_DECLS
