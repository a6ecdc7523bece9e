/* kabar-account-editor.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-application.h"

G_BEGIN_DECLS

/* One account's settings, in a dialog window of their own: its identities
 * (name, address, signature; aliases added and removed), its servers,
 * checked as they are typed, Save (an edited copy, saved through the
 * account manager: the application replaces its mail service), Sign In
 * Again for a password account, and Remove, which asks first. Saved or
 * removed, it closes; Cancel and Escape close it without saving.
 *
 * Signals:
 *  "done" ()   saved or removed, just before it closes */
#define KABAR_TYPE_ACCOUNT_EDITOR (kabar_account_editor_get_type ())

G_DECLARE_FINAL_TYPE (KabarAccountEditor, kabar_account_editor, KABAR, ACCOUNT_EDITOR, AdwWindow)

/* Modal, transient for parent; not shown yet. */
GtkWidget    *kabar_account_editor_new         (KabarApplication   *application,
                                                KabarAccount       *account,
                                                GtkWindow          *parent);
KabarAccount *kabar_account_editor_get_account (KabarAccountEditor *self);
/* Why Save is off (the first problem found), or NULL when it is on. */
const char   *kabar_account_editor_get_problem (KabarAccountEditor *self);

G_END_DECLS
