/* kabar-contacts-view.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* An Exchange-style account's contacts: a search entry, the people by
 * name, and the one selected with its company, addresses and phone
 * numbers. A click (or Enter) on an address opens the composer to it
 * ("app.open-mailto"). It follows the service's "organizer-changed". */
#define KABAR_TYPE_CONTACTS_VIEW (kabar_contacts_view_get_type ())

G_DECLARE_FINAL_TYPE (KabarContactsView, kabar_contacts_view, KABAR, CONTACTS_VIEW, AdwBin)

GtkWidget *kabar_contacts_view_new         (void);
/* NULL shows nothing. */
void       kabar_contacts_view_set_service (KabarContactsView *self,
                                            KabarMailService  *service);
/* How many people the list shows (for tests), and whether a load is under way. */
guint      kabar_contacts_view_get_n_shown (KabarContactsView *self);
gboolean   kabar_contacts_view_is_loading  (KabarContactsView *self);
void       kabar_contacts_view_focus       (KabarContactsView *self);

G_END_DECLS
