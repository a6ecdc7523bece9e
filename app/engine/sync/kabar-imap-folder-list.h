/* kabar-imap-folder-list.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-imap-session.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* Brings the store's folders in line with the server's LIST: each folder
 * with its delimiter, attributes, role (special-use attributes, then the
 * names providers use) and subscription. INBOX is always there. A
 * \NonExistent folder is left out (its children are not); a \Noselect
 * one is kept, as a node of the tree.
 *
 * Folders the server no longer lists go from the store, with their
 * messages, except where the user's pending operations say otherwise:
 * a folder still to be created on the server (folder-create), or the new
 * name of a pending folder-rename, stays with what is below it; a folder
 * still to be deleted (folder-delete), or the old name of a pending
 * rename, is not brought back, nor what is below it.
 *
 * Sequential style (kabar-sync-wait.h): on a worker thread, the session's.
 * *changed (may be NULL) is TRUE when a folder was added, removed or
 * changed, so the folder list knows to read it again. */
gboolean kabar_imap_sync_folder_list      (KabarImapSession        *session,
                                           KabarStore              *store,
                                           gboolean                *changed,
                                           GCancellable            *cancellable,
                                           GError                 **error);

/* Whether the folder holds messages: neither \Noselect nor \NonExistent. */
gboolean kabar_imap_folder_is_selectable  (const KabarStoreFolder  *folder);

G_END_DECLS
