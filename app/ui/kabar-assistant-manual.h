/* kabar-assistant-manual.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-account.h"

G_BEGIN_DECLS

/* The account assistant's manual settings: the incoming server (IMAP or
 * POP, host, port, security, user name, password or OAuth2 with
 * Microsoft) and the outgoing one (host, port, security, user name). Each
 * field is checked as typed: a wrong one is marked, and a line under its
 * group says why. The ports follow the kind and the security (993/143,
 * 995/110, 465/587) until the user types one. No security at all needs
 * the user's tick on a line that says what it means.
 *
 * An AdwPreferencesPage inside: it scrolls by itself, so pack it as it is.
 *
 * Properties:
 *  "valid" (gboolean, read-only)  every field is right: apply may be called */
#define KABAR_TYPE_ASSISTANT_MANUAL (kabar_assistant_manual_get_type ())

G_DECLARE_FINAL_TYPE (KabarAssistantManual, kabar_assistant_manual, KABAR, ASSISTANT_MANUAL, AdwBin)

GtkWidget *kabar_assistant_manual_new      (void);
/* Shows the account's servers (a Graph account's as IMAP). */
void       kabar_assistant_manual_load     (KabarAssistantManual *self,
                                            KabarAccount         *account);
gboolean   kabar_assistant_manual_is_valid (KabarAssistantManual *self);
/* The first thing wrong, translated, or NULL when valid: for the tooltip
 * of the button that goes on. */
const char *kabar_assistant_manual_get_problem (KabarAssistantManual *self);
/* Writes what is shown into the account: incoming kind, both servers (a
 * pinned certificate stays only where the host did not change), the
 * authentication. Only when valid. */
void       kabar_assistant_manual_apply    (KabarAssistantManual *self,
                                            KabarAccount         *account);

G_END_DECLS
