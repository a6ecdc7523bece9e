/* kabar-address-entry.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gmime/gmime.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A recipient field: addresses as tokens (name or address shown, full
 * address in the tooltip, a remove button), typing with completion from
 * every account's store, invalid addresses marked (error style, tooltip
 * saying why) as soon as they become tokens. Comma, semicolon, Enter, Tab
 * or leaving the field turns the typed text into tokens; a paste of
 * several addresses makes several; Backspace at the start selects, then
 * removes, the last token. Left at the start of the text walks the
 * tokens; Delete or Backspace removes the one with the focus.
 *
 * Signals:
 *  "changed" ()   tokens or typed text changed */
#define KABAR_TYPE_ADDRESS_ENTRY (kabar_address_entry_get_type ())

G_DECLARE_FINAL_TYPE (KabarAddressEntry, kabar_address_entry, KABAR, ADDRESS_ENTRY, GtkWidget)

GtkWidget           *kabar_address_entry_new           (void);
/* KabarMailService items (kabar_application_get_services()); NULL for no
 * completion. */
void                 kabar_address_entry_set_services  (KabarAddressEntry   *self,
                                                        GListModel          *services);
/* Replaces the tokens and clears the typed text; NULL for none. */
void                 kabar_address_entry_set_addresses (KabarAddressEntry   *self,
                                                        InternetAddressList *list);
/* Every token and the text still typed, parsed; never NULL. An invalid
 * address is in it as typed, as a mailbox without a name. */
InternetAddressList *kabar_address_entry_dup_addresses (KabarAddressEntry   *self);
/* The first invalid address (tokens or typed text) as the user wrote it,
 * or NULL when all are valid. */
char                *kabar_address_entry_dup_invalid   (KabarAddressEntry   *self);
gboolean             kabar_address_entry_is_empty      (KabarAddressEntry   *self);
/* The field's name for assistive technologies ("To", "Cc", "Bcc"). */
void                 kabar_address_entry_set_label     (KabarAddressEntry   *self,
                                                        const char          *label);

/* For tests: the text being typed; the token widgets in order (a new
 * array that does not own them); the addresses of the completions shown
 * now, in order (empty when the list is closed). */
GtkEditable         *kabar_address_entry_get_text      (KabarAddressEntry   *self);
GPtrArray           *kabar_address_entry_get_tokens    (KabarAddressEntry   *self);
GStrv                kabar_address_entry_dup_completions (KabarAddressEntry *self);

G_END_DECLS
