/* kabar-imap-summary.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "kabar-imap-message.h"
#include "kabar-imap-session.h"
#include "kabar-message-summary.h"

G_BEGIN_DECLS

/* What the sync asks of a new message, and how the answer becomes the
 * summary the store keeps. A request is
 *
 *   KabarImapFetchRequest request = {
 *     .items = kabar_imap_summary_fetch_items (condstore),
 *     .header_fields = kabar_imap_summary_header_fields (),
 *   };
 */

/* The headers fetched besides ENVELOPE: References, for threading. */
const char * const  *kabar_imap_summary_header_fields (void);
/* FLAGS, ENVELOPE, INTERNALDATE, RFC822.SIZE and BODYSTRUCTURE, and MODSEQ
 * when condstore. */
KabarImapFetchItems  kabar_imap_summary_fetch_items   (gboolean             condstore);

/* The summary of one FETCH response, its text decoded to UTF-8; NULL when
 * the response carries no UID. What is missing or malformed stays NULL
 * (or 0): a message the server describes badly is still listed. A Date
 * header that is missing or unreadable gives the internal date. */
KabarMessageSummary *kabar_imap_summary_new           (KabarImapMessage    *message);

/* IMAP flags as the store keeps them: the system flags (without case) as
 * bits, everything else but \Recent into *keywords, space separated, or
 * NULL when there is nothing else (keywords may be NULL). */
KabarMessageFlags    kabar_imap_flags_parse           (const char * const  *flags,
                                                       char               **keywords);
/* The reverse, for STORE and APPEND: the flags and the keywords (space
 * separated, may be NULL) as IMAP flags. */
GStrv                kabar_imap_flags_build           (KabarMessageFlags    flags,
                                                       const char          *keywords);

G_END_DECLS
