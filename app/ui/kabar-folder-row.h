/* kabar-folder-row.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A row of the sidebar: an account (its name, address and state) or one
 * of its folders (icon, name, unread count). It follows the item it shows
 * until it is given another. */
#define KABAR_TYPE_FOLDER_ROW (kabar_folder_row_get_type ())

G_DECLARE_FINAL_TYPE (KabarFolderRow, kabar_folder_row, KABAR, FOLDER_ROW, GtkWidget)

GtkWidget *kabar_folder_row_new      (void);
/* A KabarAccountItem, a KabarFolderItem, or NULL. */
void       kabar_folder_row_set_item (KabarFolderRow *self,
                                      GObject        *item);
GObject   *kabar_folder_row_get_item (KabarFolderRow *self);

G_END_DECLS
