/* kabar-message-item.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kabar-message-summary.h"

G_BEGIN_DECLS

/* One row of the message list: a message's summary, or a placeholder for
 * a row whose page is still being read from the store. The same object
 * stands for the same message while the list keeps it: when the store
 * says its flags changed, it takes the new summary and notifies
 * "summary". */
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

G_END_DECLS
