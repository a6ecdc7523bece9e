/* kabar-assistant-check.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-account-check.h"
#include "kabar-account.h"

G_BEGIN_DECLS

/* The account assistant's check: a row per step of KabarAccountCheck
 * ("Connecting to imap.example.com", "Securing the connection", "Signing
 * in", "Listing folders", then the outgoing server's), each waiting,
 * running (a spinner), passed (a check) or failed (a cross). On failure it
 * says what went wrong and what to do, in words, with the button that does
 * it: Show Certificate… (the certificate dialog; trusting pins the
 * certificate in the account and checks again), Change Password and Sign
 * In Again ("go-to" SIGN_IN), Sign In with Microsoft (the account switched
 * to OAuth2, then "go-to" SIGN_IN); and always Change Settings ("go-to"
 * MANUAL) and Try Again. An Exchange-style (Microsoft Graph) account has
 * one server: no outgoing rows, and no Change Settings (the settings page
 * is for mail servers).
 *
 * Signals:
 *  "passed" ()                           every step passed
 *  "go-to" (KabarAssistantPage page)     the user chose a fix on that page */
#define KABAR_TYPE_ASSISTANT_CHECK (kabar_assistant_check_get_type ())

G_DECLARE_FINAL_TYPE (KabarAssistantCheck, kabar_assistant_check, KABAR, ASSISTANT_CHECK, AdwBin)

GtkWidget *kabar_assistant_check_new         (void);
/* Checks the account (kept: a trusted certificate is pinned in it) with
 * secret (the password, or an OAuth2 access token), from the start;
 * a check still running is cancelled. */
void       kabar_assistant_check_run         (KabarAssistantCheck *self,
                                              KabarAccount        *account,
                                              const char          *secret);
void       kabar_assistant_check_cancel      (KabarAssistantCheck *self);
/* How long a silent server is waited for; 0 (the default) is the
 * check's own. */
void       kabar_assistant_check_set_timeout (KabarAssistantCheck *self,
                                              guint                timeout_seconds);
/* What the page shows for the step (for tests and the assistant). */
KabarAccountCheckState kabar_assistant_check_get_state (KabarAssistantCheck   *self,
                                                        KabarAccountCheckStep  step);

G_END_DECLS
