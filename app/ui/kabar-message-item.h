/* kabar-message-item.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kabar-message-summary.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* One row of the message list: a message's summary, a conversation (the
 * summary of its newest message in the folder, with the flags of the
 * whole: see KabarMessageListEntry), or a placeholder for a row whose
 * page is still being read from the store. The same object stands for
 * the same message or conversation while the list keeps it: when the
 * store says it changed (flags, or a conversation's new message), it
 * takes the new summary and notifies "summary". A placeholder becomes its
 * row's message the same way, when its page arrives. */
#define KABAR_TYPE_MESSAGE_ITEM (kabar_message_item_get_type ())

G_DECLARE_FINAL_TYPE (KabarMessageItem, kabar_message_item, KABAR, MESSAGE_ITEM, GObject)

/* summary NULL: a placeholder. */
KabarMessageItem          *kabar_message_item_new         (const KabarMessageSummary *summary);
/* NULL for a placeholder. */
const KabarMessageSummary *kabar_message_item_get_summary (KabarMessageItem          *self);
/* The store's id of the message; 0 for a placeholder. */
gint64                     kabar_message_item_get_id      (KabarMessageItem          *self);
/* The same message's summary as read again. */
void                       kabar_message_item_update      (KabarMessageItem          *self,
                                                           const KabarMessageSummary *summary);

/* A row of kabar_store_list_entries(). */
KabarMessageItem          *kabar_message_item_new_from_entry    (const KabarMessageListEntry *entry);
/* The same message or conversation as read again. */
void                       kabar_message_item_update_from_entry (KabarMessageItem            *self,
                                                                 const KabarMessageListEntry *entry);
/* The server UIDs of every message the row stands for in its folder,
 * ascending: one for a message, none for a placeholder or a message not
 * yet on the server (uid 0). What actions and drags act on. */
const guint32             *kabar_message_item_get_uids          (KabarMessageItem            *self,
                                                                 gsize                       *n_uids);
/* How many messages the row stands for in its folder: 1 for a message,
 * 0 for a placeholder. */
guint                      kabar_message_item_get_thread_count  (KabarMessageItem            *self);

G_END_DECLS
