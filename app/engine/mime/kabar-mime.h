/* kabar-mime.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gmime/gmime.h>

G_BEGIN_DECLS

/* The one way into GMime for the engine. GMime's tables must be set up
 * before any of its calls and the engine has no start-up of its own, so
 * the first call sets them up, once per process, on any thread: call this
 * before any other GMime function, even one that takes no options.
 *
 * The options are lenient, as mail in the wild needs: addresses,
 * parameters and encoded words that break the RFCs are read as the
 * sender meant them where that can be guessed. Raw 8-bit header text that
 * is not UTF-8 is taken as windows-1252, what such mail almost always is
 * (a superset of ISO-8859-1). Shared and never changed: do not modify. */
GMimeParserOptions *kabar_mime_get_parser_options (void);

/* Read header text, not GMime's decoders: GMime 3.2 decodes adjacent
 * encoded words of one charset as one base64 stream and stops at the
 * first word's padding, losing the rest of any long subject or name
 * (GMime's own encoder writes such words). */

/* An unstructured header's raw value (a Subject) as UTF-8: folding
 * undone, each encoded word decoded, the blanks between adjacent ones
 * dropped, and the ends trimmed. Malformed words are left as they stand. */
char                *kabar_mime_decode_header_text (const char          *raw);

/* An address list's raw value, parsed with GMime after each run of
 * adjacent encoded words is made one word GMime reads whole. Never NULL.
 * Here and below, options are those the message was parsed with, for
 * 8-bit text outside encoded words; NULL for Kabar's. */
InternetAddressList *kabar_mime_parse_addresses    (const char          *raw,
                                                    GMimeParserOptions  *options);

/* The message's Subject read from its raw header as above, NULL when it
 * has none; and the addresses of every header of the given type in one
 * new list, empty when it has none. */
char                *kabar_mime_dup_subject        (GMimeMessage        *message,
                                                    GMimeParserOptions  *options);
InternetAddressList *kabar_mime_dup_addresses      (GMimeMessage        *message,
                                                    GMimeAddressType     type,
                                                    GMimeParserOptions  *options);

G_END_DECLS
