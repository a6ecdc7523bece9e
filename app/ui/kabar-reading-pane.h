/* kabar-reading-pane.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kabar-mail-service.h"
#include "kabar-message-view.h"

G_BEGIN_DECLS

/* The main window's third pane: the message selected in the list, read
 * from the store (or the server) and built for display off the UI thread;
 * or what there is instead: nothing selected, several selected, the
 * message loading, or why it could not be shown, with a way to try again.
 * Its header bar carries the window's message actions (win.*), and a
 * Back button (win.go-back) while "folded" (one pane at a time).
 *
 * Signals:
 *  "message-shown" (gint64 message_id)   the message's body is on screen */
#define KABAR_TYPE_READING_PANE (kabar_reading_pane_get_type ())

G_DECLARE_FINAL_TYPE (KabarReadingPane, kabar_reading_pane, KABAR, READING_PANE, GtkWidget)

GtkWidget        *kabar_reading_pane_new            (void);
/* Reads and shows the message, unless it is the one shown already. */
void              kabar_reading_pane_show_message   (KabarReadingPane *self,
                                                     KabarMailService *service,
                                                     gint64            message_id);
/* No message: 0 is "nothing selected", more than one says how many are. */
void              kabar_reading_pane_show_selection (KabarReadingPane *self,
                                                     guint             n_selected);
/* Reads the message shown again (after an error). */
void              kabar_reading_pane_retry          (KabarReadingPane *self);

/* The message shown, loading or failed; 0 for none. */
gint64            kabar_reading_pane_get_message_id (KabarReadingPane *self);
KabarMailService *kabar_reading_pane_get_service    (KabarReadingPane *self);
/* "empty", "several", "loading", "error" or "message". */
const char       *kabar_reading_pane_get_page       (KabarReadingPane *self);
/* Why the message could not be shown; NULL unless the page is "error". */
const GError     *kabar_reading_pane_get_error      (KabarReadingPane *self);
KabarMessageView *kabar_reading_pane_get_view       (KabarReadingPane *self);
/* Whether the message shown is a draft: Edit (win.edit-draft) shows
 * instead of Reply, Reply All and Forward. */
void              kabar_reading_pane_set_draft      (KabarReadingPane *self,
                                                     gboolean          draft);

G_END_DECLS
