/* kabar-preferences-window.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-application.h"

G_BEGIN_DECLS

/* The preferences: the accounts (each opens a KabarAccountEditor), and
 * reading, composing and notification settings, each bound to its
 * GSettings key, so a change applies at once and there is nothing to
 * save. */
#define KABAR_TYPE_PREFERENCES_WINDOW (kabar_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (KabarPreferencesWindow, kabar_preferences_window, KABAR, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* Transient for the application's active window. */
GtkWidget *kabar_preferences_window_new          (KabarApplication       *application);
/* Shows the editor of the account with this id, as its Edit button does;
 * FALSE when there is no such account. */
gboolean   kabar_preferences_window_edit_account (KabarPreferencesWindow *self,
                                                  const char             *account_id);

G_END_DECLS
