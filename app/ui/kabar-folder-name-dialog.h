/* kabar-folder-name-dialog.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Asks for a folder's name, checked as it is typed: not empty, without
 * the server's delimiter, and not the name of a folder beside it. The
 * accept button is "accept" and stays off until the name is good.
 *
 * Signals:
 *  "name-chosen" (const char *name)   the user accepted this name (trimmed) */
#define KABAR_TYPE_FOLDER_NAME_DIALOG (kabar_folder_name_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KabarFolderNameDialog, kabar_folder_name_dialog, KABAR, FOLDER_NAME_DIALOG,
                      AdwMessageDialog)

/* taken: the names of the folders beside it (compared as the server
 * does, exactly; "INBOX" in any case); delimiter '\0' for none. */
GtkWidget   *kabar_folder_name_dialog_new       (GtkWindow             *parent,
                                                 const char            *heading,
                                                 const char            *accept_label,
                                                 const char            *name,
                                                 const char * const    *taken,
                                                 char                   delimiter);
GtkEditable *kabar_folder_name_dialog_get_entry (KabarFolderNameDialog *self);
/* Why the name cannot be used, or NULL when it can. */
const char  *kabar_folder_name_dialog_get_problem (KabarFolderNameDialog *self);

G_END_DECLS
