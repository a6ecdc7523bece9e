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

G_END_DECLS
