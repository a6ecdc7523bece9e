/* kabar-ui-assistant.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-account-assistant.h"
#include "kabar-application.h"
#include "kabar-test-bed.h"

G_BEGIN_DECLS

/* The account assistant as the UI tests walk it: the shown assistant, its
 * pages and buttons, the identity typed in, the certificates trusted from
 * the dialog. The calls wait at most a minute and fail the test on what
 * the user would not see. */

/* The shown assistant; fails the test when there is none. */
GtkWidget   *kabar_ui_assistant_get               (void);
/* A condition for kabar_ui_test_wait_for(): no assistant is shown. */
gboolean     kabar_ui_assistant_gone              (gpointer            unused);
/* The assistant's page of that type (KABAR_TYPE_ASSISTANT_CHECK...). */
GtkWidget   *kabar_ui_assistant_page              (GType               type);
/* Waits until the assistant shows page, its pages done sliding, and
 * drawn. */
void         kabar_ui_assistant_wait_for_page     (KabarAssistantPage  page);
/* The assistant's shown button labelled label (with its mnemonic); fails
 * the test when there is none. */
GtkWidget   *kabar_ui_assistant_button            (const char         *label);
void         kabar_ui_assistant_click             (const char         *label);

/* The identity page's rows: 0 the name, 1 the address, 2 the password. */
AdwEntryRow *kabar_ui_assistant_identity_row      (guint               index);
/* Waits for the identity page and types the name and the address, and
 * the password into its row, which must show (NULL: the row untouched). */
void         kabar_ui_assistant_enter_identity    (const char         *name,
                                                   const char         *address,
                                                   const char         *password);

/* Shows the certificate the check stopped at, in its dialog, and trusts
 * it from there; screenshot names the dialog's picture (NULL: none). */
void         kabar_ui_assistant_trust_certificate (const char         *screenshot);
/* Waits on the check page until it passes, trusting each certificate it
 * asks about; the first time, check_shot and dialog_shot name pictures of
 * the page and of the dialog (NULL: none). How many were trusted. */
guint        kabar_ui_assistant_pass_check        (const char         *check_shot,
                                                   const char         *dialog_shot);

/* How many account files app's account manager holds. */
guint        kabar_ui_assistant_count_account_files (KabarApplication *app);
/* Puts a message a subject in address's INBOX on the bed, from from, ten
 * minutes apart, the first newest. */
void         kabar_ui_assistant_fill_inbox        (KabarTestBed       *bed,
                                                   const char         *address,
                                                   const char         *from,
                                                   const char *const  *subjects,
                                                   guint               n);

G_END_DECLS
