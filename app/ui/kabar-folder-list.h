/* kabar-folder-list.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kabar-folder-item.h"
#include "kabar-organizer-item.h"

G_BEGIN_DECLS

/* The sidebar: every account with its state and its folder tree, and the
 * folder the user is looking at. Until the user picks one, the first
 * account's Inbox is selected as soon as it is known. Below the folders
 * of an account whose service has_organizer(): Contacts, Calendar and To
 * Do rows (KabarOrganizerItem), selected as folders are; while one is,
 * no folder is ("selected" is NULL).
 *
 * Signals:
 *  "folder-activated" (KabarFolderItem *folder)   the user chose a folder
 *  "notify::selected"                             the selected folder changed
 *                                                 (by the user or not)
 *  "organizer-activated" (KabarOrganizerItem *item)
 *                                                 the user chose Contacts,
 *                                                 Calendar or To Do
 *  "notify::organizer"                            the selected one of those
 *                                                 changed (NULL: a folder or
 *                                                 nothing is selected)
 *  "messages-dropped" (KabarMessageDrag *drag, KabarFolderItem *target,
 *                      GdkDragAction action)
 *                                                 messages were dropped on a
 *                                                 folder of their account; the
 *                                                 list does nothing else
 *  "error" (const char *message)                  a folder change failed, in
 *                                                 the server's words; with no
 *                                                 handler, the list shows it in
 *                                                 a dialog
 *
 * Each row has a context menu (right click, Menu, Shift+F10): New Folder
 * on an account; New Folder, Rename, Move To, Move to Top Level and
 * Delete on a folder, the last four off for role folders. Its actions
 * ("sidebar.new-folder", "sidebar.rename-folder", "sidebar.move-folder",
 * "sidebar.move-folder-to-top", "sidebar.delete-folder") act on the row
 * the menu was opened for. "sidebar.fix-account" (s: an account id) does
 * what the account's error asks for (kabar-account-fix.h). Folder rows
 * take dropped messages and folders; a folder dropped on a folder of its
 * account moves into it, on the account's row to the top level. */
#define KABAR_TYPE_FOLDER_LIST (kabar_folder_list_get_type ())

G_DECLARE_FINAL_TYPE (KabarFolderList, kabar_folder_list, KABAR, FOLDER_LIST, GtkWidget)

GtkWidget       *kabar_folder_list_new            (void);
/* A list of KabarMailService, followed as it changes. */
void             kabar_folder_list_set_services   (KabarFolderList *self,
                                                   GListModel      *services);
/* The accounts shown (KabarAccountItem), in the order of the services. */
GListModel      *kabar_folder_list_get_accounts   (KabarFolderList *self);
KabarFolderItem *kabar_folder_list_get_selected   (KabarFolderList *self);
KabarOrganizerItem *kabar_folder_list_get_organizer  (KabarFolderList     *self);
/* The row of service's part (KABAR_ORGANIZER_*), or NULL. */
KabarOrganizerItem *kabar_folder_list_find_organizer (KabarFolderList     *self,
                                                      KabarMailService    *service,
                                                      KabarOrganizerParts  part);
gboolean         kabar_folder_list_select_organizer (KabarFolderList    *self,
                                                     KabarOrganizerItem *organizer);
/* Selects the folder if the tree shows it (its parents are expanded). */
gboolean         kabar_folder_list_select_folder  (KabarFolderList *self,
                                                   KabarFolderItem *folder);
/* Opens the context menu of the row showing item (a KabarAccountItem or
 * KabarFolderItem) and points the "sidebar.*-folder" actions at it;
 * FALSE if no row shows it. */
gboolean         kabar_folder_list_popup_menu     (KabarFolderList *self,
                                                   GObject         *item);
/* What a drop of value (a KabarMessageDrag or a KabarFolderItem) on the
 * row of target does; FALSE, doing nothing, where it is refused (onto the
 * messages' own folder, a folder that holds no messages, another account,
 * a folder into itself). */
gboolean         kabar_folder_list_drop           (KabarFolderList *self,
                                                   const GValue    *value,
                                                   GObject         *target,
                                                   GdkDragAction    action);

G_END_DECLS
