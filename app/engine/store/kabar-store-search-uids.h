/* kabar-store-search-uids.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-store.h"

G_BEGIN_DECLS

/* What a server's search found, in the store: the ids (gint64) of
 * folder_id's messages with these UIDs (the server's UID SEARCH, under
 * the folder's UIDVALIDITY: the caller checks it), leaving out those in
 * exclude_ids (what the local search showed already), newest first as
 * kabar_store_search() orders a folder (date, then UID), at most limit. Only messages the
 * lists show: not those hidden by a pending move or delete, nor
 * provisional ones (the server has not given them a UID yet). The
 * server's order and duplicates do not matter. Any thread but the UI's. */
GArray *kabar_store_search_by_uids (KabarStore     *self,
                                    gint64          folder_id,
                                    const guint32  *uids,
                                    gsize           n_uids,
                                    const gint64   *exclude_ids,
                                    gsize           n_exclude,
                                    guint           limit,
                                    GError        **error);

G_END_DECLS
