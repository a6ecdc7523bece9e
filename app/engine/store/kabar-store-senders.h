/* kabar-store-senders.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-store.h"

G_BEGIN_DECLS

/* The senders whose messages load remote content without asking: the
 * user's "Always for this sender" in the message view (version-005.sql).
 * Addresses are matched without regard to case.
 *
 * The synchronous calls may wait on the disk: any thread but the UI's,
 * which uses the _async ones (run on a worker thread, reported on the
 * caller's thread-default main context). Errors are in
 * KABAR_STORE_ERROR. */

gboolean kabar_store_allow_remote_content          (KabarStore           *self,
                                                     const char           *address,
                                                     GError              **error);
/* FALSE in allowed, and TRUE returned, for an address never allowed. */
gboolean kabar_store_is_remote_content_allowed     (KabarStore           *self,
                                                     const char           *address,
                                                     gboolean             *allowed,
                                                     GError              **error);

void     kabar_store_allow_remote_content_async     (KabarStore           *self,
                                                     const char           *address,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean kabar_store_allow_remote_content_finish    (KabarStore           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void     kabar_store_is_remote_content_allowed_async  (KabarStore         *self,
                                                       const char         *address,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
/* Whether the address is allowed; FALSE with error set on failure. */
gboolean kabar_store_is_remote_content_allowed_finish (KabarStore         *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);

G_END_DECLS
