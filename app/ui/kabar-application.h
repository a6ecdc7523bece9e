/* kabar-application.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KABAR_TYPE_APPLICATION (kabar_application_get_type ())

G_DECLARE_FINAL_TYPE (KabarApplication, kabar_application, KABAR, APPLICATION, AdwApplication)

KabarApplication *kabar_application_new          (void);
/* A KabarMailService for each IMAP account, started when the accounts are
 * read at startup and stopped at shutdown; changes as accounts do. */
GListModel       *kabar_application_get_services (KabarApplication *self);

G_END_DECLS
