/* kabar-imap-utf7.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Mailbox names on the wire are in modified UTF-7 (RFC 3501 §5.1.3):
 * printable ASCII stands for itself, "&-" for "&", and anything else is
 * UTF-16 in a base64 run between "&" and "-", with "," for "/".
 *
 * "Entw&APw-rfe" is "Entwürfe", "&ZeVnLIqe-" is "日本語". */

/* Strict: the name must be what a correct server sends, or the error
 * (KABAR_IMAP_ERROR_MAILBOX_NAME) says what is wrong and where. Use this
 * before sending a name back to the server, so that a name is never
 * changed on the way. Returns newly allocated UTF-8. */
char *kabar_imap_utf7_decode             (const char  *name,
                                          GError     **error);

/* For showing a name to the user: never fails. A name that is not valid
 * modified UTF-7 (some servers send raw UTF-8 or Latin-1) is shown as it
 * is, with invalid UTF-8 replaced. */
char *kabar_imap_utf7_decode_for_display (const char  *name);

/* utf8 must be valid UTF-8 (what a user typed). The result is plain ASCII
 * and always decodes back to utf8. */
char *kabar_imap_utf7_encode             (const char  *utf8);

G_END_DECLS
