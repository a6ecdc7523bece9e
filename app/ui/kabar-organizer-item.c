/* kabar-organizer-item.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-organizer-item.h"

struct _KabarOrganizerItem
{
  GObject              parent_instance;

  KabarMailService    *service;
  KabarOrganizerParts  part;
};

G_DEFINE_FINAL_TYPE (KabarOrganizerItem, kabar_organizer_item, G_TYPE_OBJECT)

KabarOrganizerItem *
kabar_organizer_item_new (KabarMailService    *service,
                          KabarOrganizerParts  part)
{
  KabarOrganizerItem *self;

  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (service), NULL);
  g_return_val_if_fail (part == KABAR_ORGANIZER_CONTACTS || part == KABAR_ORGANIZER_CALENDAR ||
                        part == KABAR_ORGANIZER_TASKS, NULL);

  self = g_object_new (KABAR_TYPE_ORGANIZER_ITEM, NULL);
  self->service = g_object_ref (service);
  self->part = part;
  return self;
}

KabarMailService *
kabar_organizer_item_get_service (KabarOrganizerItem *self)
{
  g_return_val_if_fail (KABAR_IS_ORGANIZER_ITEM (self), NULL);
  return self->service;
}

KabarOrganizerParts
kabar_organizer_item_get_part (KabarOrganizerItem *self)
{
  g_return_val_if_fail (KABAR_IS_ORGANIZER_ITEM (self), KABAR_ORGANIZER_CONTACTS);
  return self->part;
}

const char *
kabar_organizer_item_get_title (KabarOrganizerItem *self)
{
  g_return_val_if_fail (KABAR_IS_ORGANIZER_ITEM (self), NULL);

  switch (self->part)
    {
    case KABAR_ORGANIZER_CALENDAR:
      return _("Calendar");
    case KABAR_ORGANIZER_TASKS:
      /* Translators: Microsoft's task app; keep the name its translation uses. */
      return _("To Do");
    case KABAR_ORGANIZER_CONTACTS:
    default:
      return _("Contacts");
    }
}

const char *
kabar_organizer_item_get_icon_name (KabarOrganizerItem *self)
{
  g_return_val_if_fail (KABAR_IS_ORGANIZER_ITEM (self), NULL);

  switch (self->part)
    {
    case KABAR_ORGANIZER_CALENDAR:
      return "x-office-calendar-symbolic";
    case KABAR_ORGANIZER_TASKS:
      return "checkbox-checked-symbolic";
    case KABAR_ORGANIZER_CONTACTS:
    default:
      return "x-office-address-book-symbolic";
    }
}

GListModel *
kabar_organizer_item_list_new (KabarMailService *service)
{
  static const KabarOrganizerParts parts[] = {
    KABAR_ORGANIZER_CONTACTS, KABAR_ORGANIZER_CALENDAR, KABAR_ORGANIZER_TASKS,
  };
  GListStore *items;

  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (service), NULL);

  items = g_list_store_new (KABAR_TYPE_ORGANIZER_ITEM);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autoptr(KabarOrganizerItem) item = kabar_organizer_item_new (service, parts[i]);

      g_list_store_append (items, item);
    }
  return G_LIST_MODEL (items);
}

static void
kabar_organizer_item_dispose (GObject *object)
{
  KabarOrganizerItem *self = KABAR_ORGANIZER_ITEM (object);

  g_clear_object (&self->service);
  G_OBJECT_CLASS (kabar_organizer_item_parent_class)->dispose (object);
}

static void
kabar_organizer_item_class_init (KabarOrganizerItemClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kabar_organizer_item_dispose;
}

static void
kabar_organizer_item_init (KabarOrganizerItem *self)
{
}
