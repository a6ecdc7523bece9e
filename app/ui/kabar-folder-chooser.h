/* kabar-folder-chooser.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-account-item.h"
#include "kabar-folder-item.h"

G_BEGIN_DECLS

/* A modal dialog to pick one of an account's folders: the folder tree as
 * a flat, indented list that a search entry filters as the user types.
 * Arrows move through what is shown, Enter picks, Escape cancels.
 *
 * Signals:
 *  "folder-chosen" (KabarFolderItem *folder)   emitted once; then the dialog
 *                                               closes */
#define KABAR_TYPE_FOLDER_CHOOSER (kabar_folder_chooser_get_type ())

G_DECLARE_FINAL_TYPE (KabarFolderChooser, kabar_folder_chooser, KABAR, FOLDER_CHOOSER, AdwWindow)

/* exclude_folder_id: a folder that is not offered (where the messages
 * already are), 0 for none. Folders that hold no messages (\Noselect)
 * are shown, for the tree, but cannot be picked. */
GtkWidget *kabar_folder_chooser_new             (GtkWindow          *parent,
                                                 KabarAccountItem   *account,
                                                 const char         *title,
                                                 const char         *accept_label,
                                                 gint64              exclude_folder_id);
/* For choosing where a folder goes rather than messages: folders that
 * only hold folders can be picked, and neither the excluded folder nor
 * any folder below it is offered. */
void       kabar_folder_chooser_set_for_folders (KabarFolderChooser *self,
                                                 gboolean            for_folders);
/* The search entry and the folders shown now (KabarFolderItem), for
 * tests. */
GtkEditable *kabar_folder_chooser_get_search_entry (KabarFolderChooser *self);
GListModel  *kabar_folder_chooser_get_shown        (KabarFolderChooser *self);
/* The folder Enter would pick, or NULL. */
KabarFolderItem *kabar_folder_chooser_get_selected (KabarFolderChooser *self);

G_END_DECLS
