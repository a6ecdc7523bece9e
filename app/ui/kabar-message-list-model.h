/* kabar-message-list-model.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-mail-service.h"
#include "kabar-message-item.h"

G_BEGIN_DECLS

/* The messages of one folder, newest first, as a GListModel of
 * KabarMessageItem that never reads the whole folder: it knows the count
 * from the folder, and reads the rows from the store in pages of
 * KABAR_MESSAGE_LIST_MODEL_PAGE_SIZE when they are asked for (the first
 * page at once, with the count). Until its page arrives a row is a
 * placeholder item; the page then fills the placeholders in place
 * ("notify::summary", no items-changed), so a list view keeps the rows it
 * made for them. The pages asked for longest ago are let go again, so a
 * long scroll does not fill the memory.
 *
 * When the service says the folder changed, the model reads the count and
 * the rows around where the user looks again, and says what changed as
 * insertions and removals where they happened (new mail above the rows in
 * view is inserted above them), so a list view keeps its place. Flags
 * that changed update the items in place ("notify::summary"). */
#define KABAR_MESSAGE_LIST_MODEL_PAGE_SIZE 200

#define KABAR_TYPE_MESSAGE_LIST_MODEL (kabar_message_list_model_get_type ())

G_DECLARE_FINAL_TYPE (KabarMessageListModel, kabar_message_list_model, KABAR, MESSAGE_LIST_MODEL, GObject)

/* n_messages: the folder's count as last read (KabarStoreFolder's
 * total_count); the model corrects it if the store says otherwise. The
 * messages newest first, one row each. */
KabarMessageListModel *kabar_message_list_model_new          (KabarMailService      *service,
                                                              gint64                 folder_id,
                                                              guint                  n_messages);
/* The same in the order sort gives, and with conversations, one row per
 * thread in the folder (kabar_store_list_entries()): its newest message
 * stands for it, the item gives the UIDs of all of them. New mail in a
 * conversation moves its row as the sort says (to the top, newest first)
 * the way new mail comes in: rows in view keep their place. To change
 * either, make a new model. */
KabarMessageListModel *kabar_message_list_model_new_full     (KabarMailService      *service,
                                                              gint64                 folder_id,
                                                              guint                  n_messages,
                                                              KabarMessageSort       sort,
                                                              gboolean               conversations);
KabarMessageSort       kabar_message_list_model_get_sort     (KabarMessageListModel *self);
gboolean               kabar_message_list_model_get_conversations (KabarMessageListModel *self);
KabarMailService      *kabar_message_list_model_get_service  (KabarMessageListModel *self);
gint64                 kabar_message_list_model_get_folder_id (KabarMessageListModel *self);
/* Reads the count and the rows in view again; the model does it by itself
 * on the service's "folder-changed". */
void                   kabar_message_list_model_refresh      (KabarMessageListModel *self);
/* The row the user looks at (the list's top row, roughly): a refresh reads
 * the rows around it again and keeps them in place. Without it, the last
 * row asked for. */
void                   kabar_message_list_model_set_view_position (KabarMessageListModel *self,
                                                                   guint                  position);
/* TRUE while pages or a refresh are being read ("notify::loading"). */
gboolean               kabar_message_list_model_get_loading  (KabarMessageListModel *self);
/* How many rows read from the store the model holds now. */
guint                  kabar_message_list_model_get_n_loaded (KabarMessageListModel *self);

G_END_DECLS
