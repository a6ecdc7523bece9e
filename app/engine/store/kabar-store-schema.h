/* kabar-store-schema.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to the store: the numbered SQL files of sql/, compiled in as a
 * GResource, applied in order by PRAGMA user_version.
 */

#pragma once

#include "kabar-store-connection.h"

G_BEGIN_DECLS

/* Fails with TOO_NEW for a database of a newer Kabar, and with CORRUPT for
 * an SQLite database that is not a Kabar store. Writes nothing. */
gboolean kabar_store_schema_check   (KabarStoreConnection  *connection,
                                     GError               **error);
/* Applies each missing version in a transaction of its own. */
gboolean kabar_store_schema_upgrade (KabarStoreConnection  *connection,
                                     GError               **error);

G_END_DECLS
