/* kabar-message-window.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-message-view.h"

G_BEGIN_DECLS

/* A window of its own for one message from a file (an .eml opened from
 * the file manager or given as `kabar FILE.eml`). The file is read and
 * its display model built off the UI thread; until then the window shows
 * that it is opening it, and if it cannot, says why. */
#define KABAR_TYPE_MESSAGE_WINDOW (kabar_message_window_get_type ())

G_DECLARE_FINAL_TYPE (KabarMessageWindow, kabar_message_window, KABAR, MESSAGE_WINDOW, AdwApplicationWindow)

KabarMessageWindow *kabar_message_window_new      (GtkApplication     *application);
void                kabar_message_window_open     (KabarMessageWindow *self,
                                                   GFile              *file);
KabarMessageView   *kabar_message_window_get_view (KabarMessageWindow *self);
/* The file shown, or NULL. */
GFile              *kabar_message_window_get_file (KabarMessageWindow *self);
/* Why the file could not be shown, or NULL. */
const GError       *kabar_message_window_get_error (KabarMessageWindow *self);

G_END_DECLS
