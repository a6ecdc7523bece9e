/* kabar-composer-body.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The body being written: a GtkTextView with spelling-friendly wrapping, and
 * for rich text a format bar (bold, italic, bulleted and numbered lists,
 * link). Quoted lines ("> ") are shown as a quote.
 *
 * Signals:
 *  "changed" ()   the user changed the text or its formatting */
#define KABAR_TYPE_COMPOSER_BODY (kabar_composer_body_get_type ())

G_DECLARE_FINAL_TYPE (KabarComposerBody, kabar_composer_body, KABAR, COMPOSER_BODY, GtkWidget)

GtkWidget   *kabar_composer_body_new      (void);
void         kabar_composer_body_set_rich (KabarComposerBody *self,
                                           gboolean           rich);
gboolean     kabar_composer_body_get_rich (KabarComposerBody *self);
/* Replaces the text (plain; "> " lines are quotes); the cursor goes to
 * cursor_offset (characters; -1 for the end). */
void         kabar_composer_body_set_text (KabarComposerBody *self,
                                           const char        *text,
                                           int                cursor_offset);
/* Replaces the content with HTML (a reopened rich draft): the formatting
 * the editor knows is kept, the rest becomes text. Makes the body rich. */
void         kabar_composer_body_set_html (KabarComposerBody *self,
                                           const char        *html);
/* The text to send as text/plain (lists as "- "/"1. ", links as
 * "text <url>"). */
char        *kabar_composer_body_dup_text (KabarComposerBody *self);
/* The HTML fragment to send beside it; NULL when the body is not rich. */
char        *kabar_composer_body_dup_html (KabarComposerBody *self);
/* The text view, to focus it. */
GtkTextView *kabar_composer_body_get_view (KabarComposerBody *self);

G_END_DECLS
