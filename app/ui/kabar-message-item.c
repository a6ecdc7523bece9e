/* kabar-message-item.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kabar-message-item.h"

struct _KabarMessageItem
{
  GObject              parent_instance;

  KabarMessageSummary *summary;
  guint                thread_count;
  guint32             *uids;
  gsize                n_uids;
};

enum
{
  PROP_0,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KabarMessageItem, kabar_message_item, G_TYPE_OBJECT)

/* Takes summary. */
static void
set_row (KabarMessageItem    *self,
         KabarMessageSummary *summary,
         guint                thread_count,
         const guint32       *uids,
         gsize                n_uids)
{
  g_clear_pointer (&self->summary, kabar_message_summary_free);
  g_clear_pointer (&self->uids, g_free);
  self->summary = summary;
  self->thread_count = thread_count;
  self->uids = n_uids > 0 ? g_memdup2 (uids, n_uids * sizeof (guint32)) : NULL;
  self->n_uids = n_uids;
}

static void
set_message (KabarMessageItem          *self,
             const KabarMessageSummary *summary)
{
  set_row (self, kabar_message_summary_copy (summary), 1, &summary->uid, summary->uid != 0 ? 1 : 0);
}

KabarMessageItem *
kabar_message_item_new (const KabarMessageSummary *summary)
{
  KabarMessageItem *self = g_object_new (KABAR_TYPE_MESSAGE_ITEM, NULL);

  if (summary != NULL)
    set_message (self, summary);
  return self;
}

KabarMessageItem *
kabar_message_item_new_from_entry (const KabarMessageListEntry *entry)
{
  KabarMessageItem *self = g_object_new (KABAR_TYPE_MESSAGE_ITEM, NULL);

  g_return_val_if_fail (entry != NULL, self);

  set_row (self, kabar_message_summary_copy (entry->summary), entry->n_messages, entry->uids,
           entry->n_uids);
  return self;
}

const KabarMessageSummary *
kabar_message_item_get_summary (KabarMessageItem *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_ITEM (self), NULL);
  return self->summary;
}

gint64
kabar_message_item_get_id (KabarMessageItem *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_ITEM (self), 0);
  return self->summary != NULL ? self->summary->id : 0;
}

/* What the list shows of a message: all else cannot change for a message
 * the store keeps (its envelope is fixed). */
static gboolean
shows_the_same (const KabarMessageSummary *a,
                const KabarMessageSummary *b)
{
  return a->flags == b->flags &&
         a->has_attachments == b->has_attachments &&
         g_strcmp0 (a->keywords, b->keywords) == 0 &&
         g_strcmp0 (a->preview, b->preview) == 0;
}

void
kabar_message_item_update (KabarMessageItem          *self,
                           const KabarMessageSummary *summary)
{
  g_return_if_fail (KABAR_IS_MESSAGE_ITEM (self));
  g_return_if_fail (summary != NULL);

  if (self->summary != NULL && shows_the_same (self->summary, summary))
    return;
  set_message (self, summary);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

/* A conversation's newest message may be another one now, and its count
 * and UIDs other ones. */
static gboolean
stands_for_the_same (KabarMessageItem            *self,
                     const KabarMessageListEntry *entry)
{
  return self->summary != NULL &&
         self->summary->id == entry->summary->id &&
         shows_the_same (self->summary, entry->summary) &&
         self->thread_count == entry->n_messages &&
         self->n_uids == entry->n_uids &&
         (entry->n_uids == 0 || memcmp (self->uids, entry->uids, entry->n_uids * sizeof (guint32)) == 0);
}

void
kabar_message_item_update_from_entry (KabarMessageItem            *self,
                                      const KabarMessageListEntry *entry)
{
  g_return_if_fail (KABAR_IS_MESSAGE_ITEM (self));
  g_return_if_fail (entry != NULL);

  if (stands_for_the_same (self, entry))
    return;
  set_row (self, kabar_message_summary_copy (entry->summary), entry->n_messages, entry->uids,
           entry->n_uids);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

const guint32 *
kabar_message_item_get_uids (KabarMessageItem *self,
                             gsize            *n_uids)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_ITEM (self), NULL);
  g_return_val_if_fail (n_uids != NULL, NULL);

  *n_uids = self->n_uids;
  return self->uids;
}

guint
kabar_message_item_get_thread_count (KabarMessageItem *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_ITEM (self), 0);
  return self->thread_count;
}

static void
kabar_message_item_finalize (GObject *object)
{
  KabarMessageItem *self = KABAR_MESSAGE_ITEM (object);

  g_clear_pointer (&self->summary, kabar_message_summary_free);
  g_clear_pointer (&self->uids, g_free);
  G_OBJECT_CLASS (kabar_message_item_parent_class)->finalize (object);
}

static void
kabar_message_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KabarMessageItem *self = KABAR_MESSAGE_ITEM (object);

  switch (prop_id)
    {
    case PROP_SUMMARY:
      g_value_set_boxed (value, self->summary);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_message_item_class_init (KabarMessageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kabar_message_item_finalize;
  object_class->get_property = kabar_message_item_get_property;

  properties[PROP_SUMMARY] =
    g_param_spec_boxed ("summary", NULL, NULL, KABAR_TYPE_MESSAGE_SUMMARY,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kabar_message_item_init (KabarMessageItem *self)
{
}
