/* test-message-display-summary.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libxml/HTMLparser.h>

#include "kabar-message-display.h"

G_BEGIN_DECLS

/* The display model as a person would describe it: the header decoded,
 * the structure, the security label, the remote content count, the
 * attachments with sizes, the text a reader sees in the body (quotes
 * marked with ">", folded quotes with "[folded]") and every URL left in
 * the HTML, with remote content off and then on. Read from the HTML with
 * libxml2 here, independently of the model's own code. */
char      *kabar_display_summary            (KabarMessageDisplay *display);

/* The model's HTML parsed as a browser would read it. */
htmlDocPtr kabar_display_summary_parse_html (const char          *html);

G_END_DECLS
