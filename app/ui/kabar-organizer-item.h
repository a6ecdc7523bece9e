/* kabar-organizer-item.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* One of an Exchange-style account's sidebar rows beside its folders:
 * Contacts, Calendar or To Do, each shown in a view of its own. */
#define KABAR_TYPE_ORGANIZER_ITEM (kabar_organizer_item_get_type ())

G_DECLARE_FINAL_TYPE (KabarOrganizerItem, kabar_organizer_item, KABAR, ORGANIZER_ITEM, GObject)

/* part: one of KABAR_ORGANIZER_CONTACTS, _CALENDAR, _TASKS. */
KabarOrganizerItem  *kabar_organizer_item_new           (KabarMailService   *service,
                                                         KabarOrganizerParts part);
KabarMailService    *kabar_organizer_item_get_service   (KabarOrganizerItem *self);
KabarOrganizerParts  kabar_organizer_item_get_part      (KabarOrganizerItem *self);
/* "Contacts", "Calendar", "To Do", translated. */
const char          *kabar_organizer_item_get_title     (KabarOrganizerItem *self);
const char          *kabar_organizer_item_get_icon_name (KabarOrganizerItem *self);
/* The three rows of service, in the sidebar's order. */
GListModel          *kabar_organizer_item_list_new      (KabarMailService   *service);

G_END_DECLS
