/* kabar-window.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-application.h"

G_BEGIN_DECLS

#define KABAR_TYPE_WINDOW (kabar_window_get_type ())

G_DECLARE_FINAL_TYPE (KabarWindow, kabar_window, KABAR, WINDOW, AdwApplicationWindow)

KabarWindow *kabar_window_new (KabarApplication *application);

G_END_DECLS
