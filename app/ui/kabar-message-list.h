/* kabar-message-list.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kabar-folder-item.h"
#include "kabar-message-drag.h"
#include "kabar-message-list-model.h"

G_BEGIN_DECLS

/* The messages of the folder the user looks at, newest first, read from
 * the store page by page as they scroll into view. New mail shows at the
 * top when the list is scrolled to the top, and otherwise leaves the rows
 * in view where they are.
 *
 * Several rows can be selected (Shift and Ctrl with a click or the
 * arrows); a row's context menu (right click, Menu, Shift+F10) shows
 * "menu-model"; rows are dragged as a KabarMessageDrag (the selection if
 * the row is in it, else the row). Above the rows, a search bar: while
 * it has a query, results set with kabar_message_list_set_search_model()
 * are shown instead of the folder.
 *
 * Signals:
 *  "selection-changed" ()                      the messages selected changed
 *  "message-activated" (KabarMessageItem *)    the user opened a message: Enter, a
 *                                              double click, or a click on it
 *  "search-changed" (const char *query)        the search entry's text changed;
 *                                              "" when the search ended */
#define KABAR_TYPE_MESSAGE_LIST (kabar_message_list_get_type ())

G_DECLARE_FINAL_TYPE (KabarMessageList, kabar_message_list, KABAR, MESSAGE_LIST, GtkWidget)

GtkWidget             *kabar_message_list_new        (void);
/* NULL: no folder. The same folder again keeps the list as it is. */
void                   kabar_message_list_set_folder (KabarMessageList *self,
                                                      KabarFolderItem  *folder);
KabarFolderItem       *kabar_message_list_get_folder (KabarMessageList *self);
/* The folder's messages; NULL without a folder. */
KabarMessageListModel *kabar_message_list_get_model  (KabarMessageList *self);
/* What the list shows: the search results, or else the folder's model. */
GListModel            *kabar_message_list_get_shown_model (KabarMessageList *self);

/* The selected messages whose rows are read (KabarMessageItem, with a
 * summary), in list order; a new array. */
GPtrArray             *kabar_message_list_get_selected_items (KabarMessageList *self);
guint                  kabar_message_list_get_n_selected     (KabarMessageList *self);
void                   kabar_message_list_select_all         (KabarMessageList *self);
/* Selects that message alone, if its row is read; FALSE if not. */
gboolean               kabar_message_list_select_message     (KabarMessageList *self,
                                                              gint64            message_id);
/* The server UIDs the items stand for (every message of a conversation),
 * appended to uids (guint32); provisional messages (uid 0) are left out. */
void                   kabar_message_list_collect_uids       (GPtrArray        *items,
                                                              GArray           *uids);
/* What a drag of items carries; NULL when none of them has a UID. */
KabarMessageDrag      *kabar_message_list_make_drag          (KabarMessageList *self,
                                                              GPtrArray        *items);
/* Moves the keyboard focus to the rows. */
void                   kabar_message_list_focus_rows         (KabarMessageList *self);

/* Opens the search bar and focuses its entry. */
void                   kabar_message_list_start_search       (KabarMessageList *self);
/* Shows results (a GListModel of KabarMessageItem) instead of the folder;
 * NULL shows the folder again. */
void                   kabar_message_list_set_search_model   (KabarMessageList *self,
                                                              GListModel       *results);

G_END_DECLS
