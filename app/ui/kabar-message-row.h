/* kabar-message-row.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kabar-message-item.h"

G_BEGIN_DECLS

/* A row of the message list: sender, date, subject, the start of the
 * text (once the body is here), the marks of an unread (bold), flagged,
 * replied or attachment-bearing message, and a conversation's count of
 * messages. Its accessible label says all of it in words. It follows
 * its item's "notify::summary" until it is given another; a placeholder
 * item shows an empty row of the same height. */
#define KABAR_TYPE_MESSAGE_ROW (kabar_message_row_get_type ())

G_DECLARE_FINAL_TYPE (KabarMessageRow, kabar_message_row, KABAR, MESSAGE_ROW, GtkWidget)

GtkWidget        *kabar_message_row_new      (void);
/* twelve_hour: today's times as "3:05 PM" rather than "15:05". */
void              kabar_message_row_set_item (KabarMessageRow  *self,
                                              KabarMessageItem *item,
                                              gboolean          twelve_hour);
/* The same, but a row out of sight may wait: with shown FALSE it holds
 * the item (and follows it) but shows an empty row, as for a placeholder,
 * until it is mapped. Scrolling fast through a long list binds rows by
 * the hundred a frame, most of them out of sight. A row that shows an
 * item goes on showing it when given it again; a mapped row always shows
 * its item. */
void              kabar_message_row_set_item_full (KabarMessageRow  *self,
                                                   KabarMessageItem *item,
                                                   gboolean          twelve_hour,
                                                   gboolean          shown);
/* FALSE while it waits to show its item. */
gboolean          kabar_message_row_get_shown (KabarMessageRow *self);
KabarMessageItem *kabar_message_row_get_item (KabarMessageRow  *self);
/* What the row says to a screen reader ("Unread, flagged, from Ayu
 * Pratiwi, Rapat tim, 10:05, 3 messages"); NULL for a placeholder. */
const char       *kabar_message_row_get_accessible_label (KabarMessageRow *self);

/* How the list dates a message received at unix_time (UTC), seen at now:
 * the time for today's, the date for older ones, in the user's language. */
char             *kabar_message_row_format_date (gint64     unix_time,
                                                 GDateTime *now,
                                                 gboolean   twelve_hour);

G_END_DECLS
