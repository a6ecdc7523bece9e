/* kabar-assistant-choice.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-account.h"
#include "kabar-discovery.h"

G_BEGIN_DECLS

/* The account assistant's choice of how to connect, in plain words: IMAP
 * (recommended) or POP, with what happens to the server's copies of mail
 * POP downloaded, and for Outlook.com Exchange-style (Microsoft Graph:
 * mail, contacts, calendar and To Do). Only the kinds the discovery found
 * are offered. */
#define KABAR_TYPE_ASSISTANT_CHOICE (kabar_assistant_choice_get_type ())

G_DECLARE_FINAL_TYPE (KabarAssistantChoice, kabar_assistant_choice, KABAR, ASSISTANT_CHOICE, AdwBin)

GtkWidget           *kabar_assistant_choice_new               (void);
/* Offers what result found, IMAP chosen when there is one. */
void                 kabar_assistant_choice_set_result        (KabarAssistantChoice *self,
                                                               KabarDiscoveryResult *result);
/* How many kinds are offered: with one, there is nothing to choose. */
guint                kabar_assistant_choice_get_n_kinds       (KabarAssistantChoice *self);
KabarIncomingKind    kabar_assistant_choice_get_kind          (KabarAssistantChoice *self);
KabarPopServerCopies kabar_assistant_choice_get_server_copies (KabarAssistantChoice *self);
void                 kabar_assistant_choice_focus             (KabarAssistantChoice *self);

G_END_DECLS
