/* kabar-message-list.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kabar-folder-item.h"
#include "kabar-message-list-model.h"

G_BEGIN_DECLS

/* The messages of the folder the user looks at, newest first, read from
 * the store page by page as they scroll into view. New mail shows at the
 * top when the list is scrolled to the top, and otherwise leaves the rows
 * in view where they are. */
#define KABAR_TYPE_MESSAGE_LIST (kabar_message_list_get_type ())

G_DECLARE_FINAL_TYPE (KabarMessageList, kabar_message_list, KABAR, MESSAGE_LIST, GtkWidget)

GtkWidget             *kabar_message_list_new        (void);
/* NULL: no folder. The same folder again keeps the list as it is. */
void                   kabar_message_list_set_folder (KabarMessageList *self,
                                                      KabarFolderItem  *folder);
KabarFolderItem       *kabar_message_list_get_folder (KabarMessageList *self);
/* The folder's messages; NULL without a folder. */
KabarMessageListModel *kabar_message_list_get_model  (KabarMessageList *self);

G_END_DECLS
