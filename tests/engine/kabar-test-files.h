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
void kabar_test_remove_directory (const char *directory);

G_END_DECLS
