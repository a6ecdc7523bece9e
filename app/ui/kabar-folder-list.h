/* kabar-folder-list.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kabar-folder-item.h"

G_BEGIN_DECLS

/* The sidebar: every account with its state and its folder tree, and the
 * folder the user is looking at. Until the user picks one, the first
 * account's Inbox is selected as soon as it is known.
 *
 * Signals:
 *  "folder-activated" (KabarFolderItem *folder)   the user chose a folder
 *  "notify::selected"                             the selected folder changed
 *                                                 (by the user or not) */
#define KABAR_TYPE_FOLDER_LIST (kabar_folder_list_get_type ())

G_DECLARE_FINAL_TYPE (KabarFolderList, kabar_folder_list, KABAR, FOLDER_LIST, GtkWidget)

GtkWidget       *kabar_folder_list_new            (void);
/* A list of KabarMailService, followed as it changes. */
void             kabar_folder_list_set_services   (KabarFolderList *self,
                                                   GListModel      *services);
/* The accounts shown (KabarAccountItem), in the order of the services. */
GListModel      *kabar_folder_list_get_accounts   (KabarFolderList *self);
KabarFolderItem *kabar_folder_list_get_selected   (KabarFolderList *self);
/* Selects the folder if the tree shows it (its parents are expanded). */
gboolean         kabar_folder_list_select_folder  (KabarFolderList *self,
                                                   KabarFolderItem *folder);

G_END_DECLS
