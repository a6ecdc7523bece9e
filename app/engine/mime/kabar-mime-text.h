/* kabar-mime-text.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gmime/gmime.h>

G_BEGIN_DECLS

/* The plain text of a message, for the search index: what a reader would
 * read in it, in UTF-8, its parts separated by line breaks.
 *
 *  - text/plain parts, their transfer encoding undone and their declared
 *    charset converted; without a charset, or when the text does not fit
 *    the one declared, UTF-8 when it is valid UTF-8, else windows-1252.
 *  - text/html only where no text/plain says the same: an HTML-only mail,
 *    or a multipart/alternative without a plain part. Tags, scripts,
 *    styles and comments go; entities are decoded. Not a renderer: just
 *    the words, for the index.
 *  - message/rfc822 parts (forwarded mail): their subject, sender and
 *    recipients and their text, in turn.
 *  - Attachments and other parts: only their file names. Encrypted parts:
 *    nothing.
 *
 * The message's own headers are not in it: the store indexes the
 * envelope itself. At most max_length bytes, cut on a character
 * boundary; a part is never decoded much beyond what fits, so a huge
 * message costs little more than a small one. Malformed mail gives what
 * can be read of it, or "", never NULL. Any thread. */
char *kabar_mime_extract_text             (GBytes      *raw,
                                           gsize        max_length);
/* The same from a stream (a file's: a message too large to hold in
 * memory); it must be seekable, and is read from its current position. */
char *kabar_mime_extract_text_from_stream (GMimeStream *stream,
                                           gsize        max_length);
/* The same from a message already parsed (one that was parsed for its
 * envelope too: parsing is most of the cost); NULL gives "". */
char *kabar_mime_extract_text_from_message (GMimeMessage *message,
                                            gsize         max_length);

G_END_DECLS
