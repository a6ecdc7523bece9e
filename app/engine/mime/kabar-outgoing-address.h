/* kabar-outgoing-address.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gmime/gmime.h>

G_BEGIN_DECLS

/* The addresses of outgoing mail: what the user typed, checked, and the
 * forms SMTP's envelope needs. Addresses are addr-specs in UTF-8
 * ("local@domain"), domains as typed (Unicode or punycode). */

/* A local part and a domain that a server can take: a dot-atom or quoted
 * local part, a domain whose labels are valid (an IDN domain when its
 * punycode form is), or an address literal. */
gboolean             kabar_outgoing_address_is_valid              (const char  *address);

/* Whether the local part has non-ASCII characters, which only a server
 * with SMTPUTF8 can take (a domain can always go as punycode). */
gboolean             kabar_outgoing_address_has_utf8_local_part   (const char  *address);

/* The address for MAIL FROM and RCPT TO: the domain as punycode, or as
 * typed when the message goes with SMTPUTF8 anyway. */
char                *kabar_outgoing_address_to_envelope           (const char  *address,
                                                                   gboolean     smtputf8);

/* What two addresses share when they reach the same mailbox: the local
 * part as is (it is the receiving server's to interpret), the domain
 * without case, and an IDN domain the same in Unicode or punycode. */
char                *kabar_outgoing_address_mailbox_key           (const char  *address);

/* The addresses in what the user typed ("Dewi <dewi@kabar.test>, budi@
 * kabar.test", groups too), each one checked: a piece that is not an
 * address fails the whole list with KABAR_OUTGOING_ERROR_INVALID_ADDRESS
 * naming that piece. Empty pieces ("a@b.test, ,") are skipped. */
InternetAddressList *kabar_outgoing_address_parse_list            (const char  *text,
                                                                   GError     **error);

/* Calls func on each mailbox of list, group members included, in order. */
void                 kabar_outgoing_address_foreach_mailbox       (InternetAddressList *list,
                                                                   GFunc                func,
                                                                   gpointer             user_data);

G_END_DECLS
