/* kabar-attachment-reminder.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether the text the user wrote (UTF-8; quoted lines starting with ">"
 * and everything after a forwarded-message marker line left out) speaks
 * of an attachment, in English, Indonesian or Hindi: whole words, without
 * case or accents. The composer asks before sending a message that says
 * so and has none. */
gboolean kabar_attachment_reminder_mentions_attachment (const char *text);

G_END_DECLS
