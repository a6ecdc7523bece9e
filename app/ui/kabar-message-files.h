/* kabar-message-files.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kabar-message-display.h"

G_BEGIN_DECLS

/* A message's bytes out to files: the message itself or its attachments
 * saved where the user chooses, or an attachment opened in the default
 * application. UI thread; the files are written off it. What cannot be
 * written is logged with the system's words. The calls hold their own
 * reference to display, so a view may go on to another message. */

/* Writes bytes to file, readable by the user alone, replacing what is
 * there; the GTask has source_object and source_tag. */
void     kabar_message_files_write_async     (gpointer              source_object,
                                              gpointer              source_tag,
                                              GBytes               *bytes,
                                              GFile                *file,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean kabar_message_files_write_finish    (GAsyncResult         *result,
                                              GError              **error);

/* Each asks the user with a file chooser transient for parent's window. */
void     kabar_message_files_save_message    (GtkWidget            *parent,
                                              KabarMessageDisplay  *display);
void     kabar_message_files_save_attachment (GtkWidget            *parent,
                                              KabarMessageDisplay  *display,
                                              guint                 index);
/* Every attachment into a folder; a name already there gets " (2)",
 * nothing is overwritten. */
void     kabar_message_files_save_all        (GtkWidget            *parent,
                                              KabarMessageDisplay  *display);
/* A copy in a folder only the user can read, then the default
 * application for its type. */
void     kabar_message_files_open_attachment (GtkWidget            *parent,
                                              KabarMessageDisplay  *display,
                                              guint                 index);

G_END_DECLS
