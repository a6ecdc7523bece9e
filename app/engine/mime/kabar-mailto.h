/* kabar-mailto.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-outgoing-message.h"

G_BEGIN_DECLS

/* A mailto: URI (RFC 6068) as a message to edit: to (the path and every
 * "to" field), cc, bcc, subject, body (CRLF made LF) and in-reply-to,
 * percent-decoded as UTF-8; other header fields ("from" above all) are
 * ignored, and "+" stays a plus. Fails with G_URI_ERROR or
 * G_IO_ERROR_INVALID_ARGUMENT, naming the URI, when it is no mailto: URI
 * or not valid UTF-8 once decoded. Any thread. */
KabarOutgoingMessage *kabar_mailto_parse (const char  *uri,
                                          GError     **error);

G_END_DECLS
