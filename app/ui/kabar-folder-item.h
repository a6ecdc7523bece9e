/* kabar-folder-item.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-mail-service.h"
#include "kabar-store-folder.h"

G_BEGIN_DECLS

/* One folder of the sidebar: the store's folder as the user sees it (a
 * role folder by its translated name and icon), with the folders shown
 * below it. Its account (KabarAccountItem) keeps it up to date: the same
 * object stands for the same folder for as long as the folder exists, so
 * selections and bindings survive a refresh. */
#define KABAR_TYPE_FOLDER_ITEM (kabar_folder_item_get_type ())

G_DECLARE_FINAL_TYPE (KabarFolderItem, kabar_folder_item, KABAR, FOLDER_ITEM, GObject)

KabarFolderItem        *kabar_folder_item_new              (KabarMailService       *service,
                                                            const KabarStoreFolder *folder);

KabarMailService       *kabar_folder_item_get_service      (KabarFolderItem        *self);
const KabarStoreFolder *kabar_folder_item_get_folder       (KabarFolderItem        *self);
gint64                  kabar_folder_item_get_id           (KabarFolderItem        *self);
KabarFolderRole         kabar_folder_item_get_role         (KabarFolderItem        *self);
/* "Inbox", "Sent"... translated for a role folder; the folder's own name
 * otherwise. */
const char             *kabar_folder_item_get_display_name (KabarFolderItem        *self);
const char             *kabar_folder_item_get_icon_name    (KabarFolderItem        *self);
guint                   kabar_folder_item_get_unread_count (KabarFolderItem        *self);
guint                   kabar_folder_item_get_total_count  (KabarFolderItem        *self);
/* FALSE for a folder that only holds other folders (\Noselect). */
gboolean                kabar_folder_item_get_selectable   (KabarFolderItem        *self);
/* The folders shown below this one (KabarFolderItem); never NULL. */
GListModel             *kabar_folder_item_get_children     (KabarFolderItem        *self);

/* For the account item. The store's new state of the same folder: changed
 * properties are notified. */
void                    kabar_folder_item_update           (KabarFolderItem        *self,
                                                            const KabarStoreFolder *folder);
/* Makes the children exactly these items, in this order; returns TRUE if
 * that changed anything. */
gboolean                kabar_folder_item_set_children     (KabarFolderItem        *self,
                                                            GPtrArray              *children);

/* Sidebar order: role folders first (Inbox, Drafts, Sent, Archive, All
 * Mail, Flagged, Junk, Trash), then the others by path. */
int                     kabar_folder_item_compare          (gconstpointer           a,
                                                            gconstpointer           b);

/* Shared with the account item, which sets several lists the same way:
 * makes store hold exactly items (KabarFolderItem), in order, replacing
 * its contents only when they differ; returns TRUE if they did. */
gboolean                kabar_folder_item_sync_store       (GListStore             *store,
                                                            GPtrArray              *items);

G_END_DECLS
