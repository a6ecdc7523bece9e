/* kabar-account-assistant.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-account.h"
#include "kabar-application.h"

G_BEGIN_DECLS

/* The assistant's pages, in the order of the flow (the sign-in and check
 * pages' widgets come from kabar-assistant-sign-in.h, -manual.h, -check.h,
 * whose "go-to" signals name a page with this enum). */
typedef enum
{
  KABAR_ASSISTANT_PAGE_IDENTITY,
  KABAR_ASSISTANT_PAGE_DISCOVERY,
  KABAR_ASSISTANT_PAGE_CHOICE,
  KABAR_ASSISTANT_PAGE_SIGN_IN,
  KABAR_ASSISTANT_PAGE_MANUAL,
  KABAR_ASSISTANT_PAGE_CHECK,
  KABAR_ASSISTANT_PAGE_DONE,
} KabarAssistantPage;

/* The window that sets up a new account: name and address, discovery of
 * the servers, IMAP or POP, sign in, the check against the servers, and
 * only then the account is saved (with its secrets in the keyring) and
 * its service started. Cancel at any point leaves nothing behind. */
#define KABAR_TYPE_ACCOUNT_ASSISTANT (kabar_account_assistant_get_type ())

G_DECLARE_FINAL_TYPE (KabarAccountAssistant, kabar_account_assistant, KABAR, ACCOUNT_ASSISTANT,
                      AdwWindow)

/* Modal, transient for parent (may be NULL). Not yet shown. */
KabarAccountAssistant *kabar_account_assistant_new         (KabarApplication *application,
                                                            GtkWindow        *parent);
/* Only the sign-in step (then the check), for an existing account whose
 * sign-in was refused: Sign In Again of an OAuth2 account. Saves the
 * account's new secret, retries its service. */
KabarAccountAssistant *kabar_account_assistant_new_sign_in (KabarApplication *application,
                                                            GtkWindow        *parent,
                                                            KabarAccount     *account);
KabarAssistantPage     kabar_account_assistant_get_page    (KabarAccountAssistant *self);

G_END_DECLS
