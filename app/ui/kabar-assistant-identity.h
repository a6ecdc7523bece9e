/* kabar-assistant-identity.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The account assistant's first page: the user's name and address, and
 * the password for a provider that takes one. The address is checked as
 * it is typed; the password row shows only once the domain is known not
 * to be one of Microsoft's, whose accounts sign in in the browser.
 *
 * Properties:
 *  "valid" (gboolean)   a name and a well-formed address are given
 *
 * Enter in any row activates the window's default widget. */
#define KABAR_TYPE_ASSISTANT_IDENTITY (kabar_assistant_identity_get_type ())

G_DECLARE_FINAL_TYPE (KabarAssistantIdentity, kabar_assistant_identity, KABAR, ASSISTANT_IDENTITY, AdwBin)

GtkWidget  *kabar_assistant_identity_new          (void);
gboolean    kabar_assistant_identity_is_valid     (KabarAssistantIdentity *self);
/* Trimmed. */
const char *kabar_assistant_identity_get_name     (KabarAssistantIdentity *self);
/* Trimmed; NULL while the address is not well formed. */
const char *kabar_assistant_identity_get_address  (KabarAssistantIdentity *self);
/* The password typed, or NULL when none was (or the row is hidden). */
const char *kabar_assistant_identity_get_password (KabarAssistantIdentity *self);
/* A domain of Microsoft's consumer accounts (Outlook.com). */
gboolean    kabar_assistant_identity_is_microsoft (KabarAssistantIdentity *self);
/* Puts the keyboard focus where the user goes on: the first empty row. */
void        kabar_assistant_identity_focus        (KabarAssistantIdentity *self);

G_END_DECLS
