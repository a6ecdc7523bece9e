/* kabar-message-drag.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-message-drag.h"

struct _KabarMessageDrag
{
  GObject           parent_instance;

  KabarMailService *service;
  gint64            folder_id;
  GArray           *uids;
};

G_DEFINE_FINAL_TYPE (KabarMessageDrag, kabar_message_drag, G_TYPE_OBJECT)

KabarMessageDrag *
kabar_message_drag_new (KabarMailService *service,
                        gint64            folder_id,
                        const guint32    *uids,
                        gsize             n_uids)
{
  KabarMessageDrag *self;

  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (service), NULL);
  g_return_val_if_fail (uids != NULL || n_uids == 0, NULL);

  self = g_object_new (KABAR_TYPE_MESSAGE_DRAG, NULL);
  self->service = g_object_ref (service);
  self->folder_id = folder_id;
  g_array_append_vals (self->uids, uids, n_uids);
  return self;
}

KabarMailService *
kabar_message_drag_get_service (KabarMessageDrag *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_DRAG (self), NULL);
  return self->service;
}

gint64
kabar_message_drag_get_folder_id (KabarMessageDrag *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_DRAG (self), 0);
  return self->folder_id;
}

const guint32 *
kabar_message_drag_get_uids (KabarMessageDrag *self,
                             gsize            *n_uids)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_DRAG (self), NULL);
  if (n_uids != NULL)
    *n_uids = self->uids->len;
  return (const guint32 *) (gpointer) self->uids->data;
}

static void
kabar_message_drag_finalize (GObject *object)
{
  KabarMessageDrag *self = KABAR_MESSAGE_DRAG (object);

  g_clear_object (&self->service);
  g_array_unref (self->uids);
  G_OBJECT_CLASS (kabar_message_drag_parent_class)->finalize (object);
}

static void
kabar_message_drag_class_init (KabarMessageDragClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kabar_message_drag_finalize;
}

static void
kabar_message_drag_init (KabarMessageDrag *self)
{
  self->uids = g_array_new (FALSE, FALSE, sizeof (guint32));
}
