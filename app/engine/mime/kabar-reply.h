/* kabar-reply.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-outgoing-message.h"

G_BEGIN_DECLS

typedef enum
{
  KABAR_REPLY_SENDER,
  KABAR_REPLY_ALL,
  KABAR_FORWARD_INLINE,
  KABAR_FORWARD_ATTACHMENT,
} KabarReplyKind;

/* The reply or forward of original (raw RFC 5322 bytes), as a message to
 * edit: recipients (none for a forward), subject with one "Re: "/"Fwd: "
 * prefix, threading headers, and as its text only the quote block: for a
 * reply the attribution line ("On <date>, <name> wrote:", translated) and
 * the quoted lines ("> "), of selected_text alone when it is non-NULL and
 * not empty; for an inline forward the "Forwarded message" header block
 * and the original text, with the original's attachments; for a forward
 * as attachment no text and the original as a message/rfc822 attachment.
 * own_addresses (every address of the user, NULL-terminated, may be NULL)
 * are left out of Reply All, and a message the user sent is replied to
 * its recipients. From is not set. Fails with
 * KABAR_OUTGOING_ERROR_NOT_A_MESSAGE when original is no message at all.
 * Any thread. */
KabarOutgoingMessage *kabar_reply_new                (GBytes              *original,
                                                      KabarReplyKind       kind,
                                                      const char * const  *own_addresses,
                                                      const char          *selected_text,
                                                      GError             **error);

/* Which of own_addresses the original was sent to (To, Cc, then
 * Delivered-To and X-Original-To), compared without case, for the From of
 * the reply; NULL when none. */
char                 *kabar_reply_find_own_address   (GBytes              *original,
                                                      const char * const  *own_addresses);

G_END_DECLS
