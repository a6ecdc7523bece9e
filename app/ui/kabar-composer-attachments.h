/* kabar-composer-attachments.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kabar-outgoing-message.h"

G_BEGIN_DECLS

/* The composer's attachments: a row for each (icon, name, size, a remove
 * button), files read without blocking the window.
 *
 * Signals:
 *  "changed" ()          an attachment came or went, or a read began or ended
 *  "failed" (GError *)   a file could not be read */
#define KABAR_TYPE_COMPOSER_ATTACHMENTS (kabar_composer_attachments_get_type ())

G_DECLARE_FINAL_TYPE (KabarComposerAttachments, kabar_composer_attachments, KABAR, COMPOSER_ATTACHMENTS, GtkWidget)

GtkWidget *kabar_composer_attachments_new        (void);
/* Reads the file off the UI thread and adds it once read. */
void       kabar_composer_attachments_add_file   (KabarComposerAttachments *self,
                                                  GFile                    *file);
/* The attachments of message (a draft or forward reopened). */
void       kabar_composer_attachments_add_from   (KabarComposerAttachments *self,
                                                  KabarOutgoingMessage     *message);
/* Adds every attachment to message, in order. */
void       kabar_composer_attachments_add_to     (KabarComposerAttachments *self,
                                                  KabarOutgoingMessage     *message);
guint      kabar_composer_attachments_get_n_items (KabarComposerAttachments *self);
/* The size they add to the message as sent (base64). */
guint64    kabar_composer_attachments_get_sent_size (KabarComposerAttachments *self);
/* Whether files are still being read. */
gboolean   kabar_composer_attachments_is_loading (KabarComposerAttachments *self);
void       kabar_composer_attachments_remove     (KabarComposerAttachments *self,
                                                  guint                     index);

G_END_DECLS
