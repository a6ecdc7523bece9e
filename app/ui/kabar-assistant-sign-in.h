/* kabar-assistant-sign-in.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-account.h"

G_BEGIN_DECLS

/* The account assistant's sign-in page. For an OAuth2 account, "Sign in
 * with Microsoft": the system browser opens at the authorization page
 * (KabarOAuth2Flow) while the page waits, with Cancel and Copy Link for
 * when no browser opened; what went wrong in words; and an Advanced
 * section for the user's own client ID and tenant, written into the
 * account. For a password account, the password (Enter or Continue).
 *
 * Signals:
 *  "signed-in" (const char *secret)   the password, or the access token
 *                                     (the refresh token is already in the
 *                                     keyring); valid only during the
 *                                     emission */
#define KABAR_TYPE_ASSISTANT_SIGN_IN (kabar_assistant_sign_in_get_type ())

G_DECLARE_FINAL_TYPE (KabarAssistantSignIn, kabar_assistant_sign_in, KABAR, ASSISTANT_SIGN_IN, AdwBin)

GtkWidget  *kabar_assistant_sign_in_new          (void);
/* Shows what this account signs in with; a flow under way stops. The
 * page keeps a reference, and writes the client ID, tenant and (when it
 * has none) authority into it. */
void        kabar_assistant_sign_in_set_account  (KabarAssistantSignIn *self,
                                                  KabarAccount         *account);
/* Fills in the password entry (the one typed on the identity page). */
void        kabar_assistant_sign_in_set_password (KabarAssistantSignIn *self,
                                                  const char           *password);
/* A word from the check, shown above ("The password was refused."); NULL
 * clears it. */
void        kabar_assistant_sign_in_set_problem  (KabarAssistantSignIn *self,
                                                  const char           *problem);
/* "oauth2" (the Microsoft button), "waiting" (for the browser) or
 * "password": for the assistant's keyboard focus and for tests. */
const char *kabar_assistant_sign_in_get_state    (KabarAssistantSignIn *self);
/* The authorization page's address while waiting, else NULL: what Copy
 * Link copies. */
const char *kabar_assistant_sign_in_get_uri      (KabarAssistantSignIn *self);

G_END_DECLS
