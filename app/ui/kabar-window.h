/* kabar-window.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-application.h"
#include "kabar-folder-item.h"
#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* The main window: the folders, the folder's messages and the message
 * selected, side by side, or one at a time on a narrow window (list,
 * then message, then Back).
 *
 * Actions (group "win"), each enabled only where it applies, on the
 * messages selected: mark-read, mark-unread, toggle-flag, move-to,
 * copy-to (both ask for the folder), archive, junk, delete (to Trash; in
 * Trash, for good after asking). And select-all, open-message, go-back,
 * check-mail, search; message-sort and conversations (the settings). A
 * change says what it did in a toast, with Undo. */
#define KABAR_TYPE_WINDOW (kabar_window_get_type ())

G_DECLARE_FINAL_TYPE (KabarWindow, kabar_window, KABAR, WINDOW, AdwApplicationWindow)

KabarWindow *kabar_window_new          (KabarApplication *application);
/* Opens the folder, shows the message in the reading pane (narrow: goes
 * there), and selects its row once the list has read it. */
void         kabar_window_show_message (KabarWindow      *self,
                                        KabarMailService *service,
                                        gint64            folder_id,
                                        gint64            message_id);

/* Shows a toast made elsewhere (a sent message's Undo, from a composer
 * already closed). With ctrl_z_presses_button, Ctrl+Z in the window
 * presses the toast's button while it shows, as for the window's own
 * changes. */
void         kabar_window_add_toast    (KabarWindow      *self,
                                        AdwToast         *toast,
                                        gboolean          ctrl_z_presses_button);

/* The folder whose messages the list shows, or NULL. */
KabarFolderItem *kabar_window_get_folder (KabarWindow *self);

G_END_DECLS
