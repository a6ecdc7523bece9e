/* kabar-outgoing-flowed.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lines of flowed text are cut at this many characters, as RFC 3676
 * advises, so that readers that do not know format=flowed still show
 * short lines. */
#define KABAR_FLOWED_WIDTH 72

/* text (UTF-8, lines ending in LF or CRLF) as format=flowed, DelSp=no:
 * long lines wrapped after a space, which stays at the end of the line as
 * the mark of a soft break; trailing spaces of the user's own lines
 * dropped, since they would read as soft breaks; lines that start with a
 * space, ">" or "From " stuffed with one space. The signature separator
 * "-- " is kept as it is. Lines end in LF. */
char *kabar_flowed_encode (const char *text);

/* The text of a format=flowed body (lines ending in LF or CRLF): stuffing
 * undone and soft breaks joined, with delsp as the part's DelSp parameter
 * says. Quote marks are kept as they are, on each line. Lines end in LF. */
char *kabar_flowed_decode (const char *flowed,
                           gboolean    delsp);

G_END_DECLS
