/* kabar-sample-mailbox.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A realistic mailbox, generated rather than copied, for the demo and for
 * tests that need more than a handful of messages: 320 to 340 messages over
 * INBOX (the last three months), Archive (the three months before),
 * Archive/<year> (older mail, by year), Sent, Drafts, Projects,
 * Projects/Kabar (reviews, bug reports, CI), Travel and Receipts; threads
 * with In-Reply-To and References that span INBOX and Sent; plain, HTML,
 * multipart/alternative and multipart/related mail with cid: images; PDF,
 * text, CSV, calendar and PNG attachments (one with a Devanagari file name);
 * English, Indonesian and Hindi text.
 *
 * Every byte is a function of the seed, the address, the display name and
 * `now`: the same arguments give the same messages, Message-IDs and MIME
 * boundaries. Messages are built with GMime 3 and end lines with LF, as
 * Dovecot's maildir stores them. They are handed to `func` oldest first.
 */

typedef enum {
  KABAR_SAMPLE_SEEN     = 1 << 0,
  KABAR_SAMPLE_FLAGGED  = 1 << 1,
  KABAR_SAMPLE_ANSWERED = 1 << 2,
  KABAR_SAMPLE_DRAFT    = 1 << 3,
} KabarSampleFlags;

/* folder uses '/' as the hierarchy separator: "INBOX", "Sent", "Drafts", "Archive", "Archive/2025", ... */
typedef gboolean (*KabarSampleMessageFunc) (const char *folder, GBytes *message, KabarSampleFlags flags,
                                            GDateTime *received, gpointer user_data, GError **error);

/* Generates the whole mailbox of `address` (e.g. "demo@kabar.test", the owner: the To of incoming and the From of sent mail),
 * deterministic for a seed, with dates ending at `now`. Stops at the first error func returns. */
gboolean kabar_sample_mailbox_generate (const char *address, const char *display_name, guint32 seed,
                                        GDateTime *now, KabarSampleMessageFunc func, gpointer user_data, GError **error);

G_END_DECLS
