/* kabar-folder-item.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-folder-item.h"

struct _KabarFolderItem
{
  GObject           parent_instance;

  KabarMailService *service;
  KabarStoreFolder *folder;
  char             *sort_key;
  GListStore       *children;
  /* Whether it had children when it was last put into its parent's list:
   * the tree asks only then whether a row can be expanded. */
  gboolean          placed_expandable;
};

enum
{
  PROP_0,
  PROP_DISPLAY_NAME,
  PROP_ICON_NAME,
  PROP_UNREAD_COUNT,
  PROP_SELECTABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KabarFolderItem, kabar_folder_item, G_TYPE_OBJECT)

/* --- what a role looks like ------------------------------------------------------- */

static const struct
{
  KabarFolderRole  role;
  const char      *name;
  const char      *icon_name;
} roles[] = {
  /* In the order the sidebar lists them. */
  { KABAR_FOLDER_ROLE_INBOX, N_("Inbox"), "mail-inbox-symbolic" },
  { KABAR_FOLDER_ROLE_DRAFTS, N_("Drafts"), "document-edit-symbolic" },
  { KABAR_FOLDER_ROLE_SENT, N_("Sent"), "mail-send-symbolic" },
  { KABAR_FOLDER_ROLE_ARCHIVE, N_("Archive"), "package-x-generic-symbolic" },
  { KABAR_FOLDER_ROLE_ALL, N_("All Mail"), "mail-read-symbolic" },
  { KABAR_FOLDER_ROLE_FLAGGED, N_("Flagged"), "starred-symbolic" },
  { KABAR_FOLDER_ROLE_JUNK, N_("Junk"), "mail-mark-junk-symbolic" },
  { KABAR_FOLDER_ROLE_TRASH, N_("Trash"), "user-trash-symbolic" },
};

static int
role_rank (KabarFolderRole role)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (roles[i].role == role)
      return (int) i;
  return G_N_ELEMENTS (roles);
}

static gboolean
is_selectable (const KabarStoreFolder *folder)
{
  for (guint i = 0; folder->attributes != NULL && folder->attributes[i] != NULL; i++)
    if (g_ascii_strcasecmp (folder->attributes[i], "\\Noselect") == 0 ||
        g_ascii_strcasecmp (folder->attributes[i], "\\NonExistent") == 0)
      return FALSE;
  return TRUE;
}

/* --- the object --------------------------------------------------------------------- */

KabarFolderItem *
kabar_folder_item_new (KabarMailService       *service,
                       const KabarStoreFolder *folder)
{
  KabarFolderItem *self;

  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (service), NULL);
  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (KABAR_TYPE_FOLDER_ITEM, NULL);
  self->service = g_object_ref (service);
  self->folder = kabar_store_folder_copy (folder);
  self->sort_key = g_utf8_collate_key_for_filename (folder->path != NULL ? folder->path : "", -1);
  return self;
}

KabarMailService *
kabar_folder_item_get_service (KabarFolderItem *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (self), NULL);
  return self->service;
}

const KabarStoreFolder *
kabar_folder_item_get_folder (KabarFolderItem *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (self), NULL);
  return self->folder;
}

gint64
kabar_folder_item_get_id (KabarFolderItem *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (self), 0);
  return self->folder->id;
}

KabarFolderRole
kabar_folder_item_get_role (KabarFolderItem *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (self), KABAR_FOLDER_ROLE_NONE);
  return self->folder->role;
}

const char *
kabar_folder_item_get_display_name (KabarFolderItem *self)
{
  int rank;

  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (self), NULL);

  rank = role_rank (self->folder->role);
  if (rank < (int) G_N_ELEMENTS (roles))
    return gettext (roles[rank].name);
  if (self->folder->name != NULL && *self->folder->name != '\0')
    return self->folder->name;
  return self->folder->path;
}

const char *
kabar_folder_item_get_icon_name (KabarFolderItem *self)
{
  int rank;

  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (self), NULL);

  rank = role_rank (self->folder->role);
  return rank < (int) G_N_ELEMENTS (roles) ? roles[rank].icon_name : "folder-symbolic";
}

guint
kabar_folder_item_get_unread_count (KabarFolderItem *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (self), 0);
  return self->folder->unread_count;
}

guint
kabar_folder_item_get_total_count (KabarFolderItem *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (self), 0);
  return self->folder->total_count;
}

gboolean
kabar_folder_item_get_selectable (KabarFolderItem *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (self), FALSE);
  return is_selectable (self->folder);
}

GListModel *
kabar_folder_item_get_children (KabarFolderItem *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (self), NULL);
  return G_LIST_MODEL (self->children);
}

void
kabar_folder_item_update (KabarFolderItem        *self,
                          const KabarStoreFolder *folder)
{
  KabarStoreFolder *old;

  g_return_if_fail (KABAR_IS_FOLDER_ITEM (self));
  g_return_if_fail (folder != NULL && folder->id == self->folder->id);

  old = g_steal_pointer (&self->folder);
  self->folder = kabar_store_folder_copy (folder);
  if (g_strcmp0 (old->path, folder->path) != 0)
    {
      g_free (self->sort_key);
      self->sort_key = g_utf8_collate_key_for_filename (folder->path != NULL ? folder->path : "", -1);
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (old->role != folder->role || g_strcmp0 (old->name, folder->name) != 0 ||
      g_strcmp0 (old->path, folder->path) != 0)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICON_NAME]);
    }
  if (old->unread_count != folder->unread_count)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD_COUNT]);
  if (is_selectable (old) != is_selectable (folder))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTABLE]);
  g_object_thaw_notify (G_OBJECT (self));

  kabar_store_folder_free (old);
}

gboolean
kabar_folder_item_sync_store (GListStore *store,
                              GPtrArray  *items)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  gboolean same = n == items->len;

  for (guint i = 0; same && i < n; i++)
    {
      g_autoptr(KabarFolderItem) current = g_list_model_get_item (G_LIST_MODEL (store), i);
      KabarFolderItem *wanted = g_ptr_array_index (items, i);

      /* A row whose expandability changed must be put in again, for the
       * tree to ask about its children anew. */
      same = current == wanted &&
             wanted->placed_expandable == (g_list_model_get_n_items (G_LIST_MODEL (wanted->children)) > 0);
    }
  if (same)
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      KabarFolderItem *item = g_ptr_array_index (items, i);

      item->placed_expandable = g_list_model_get_n_items (G_LIST_MODEL (item->children)) > 0;
    }
  g_list_store_splice (store, 0, n, items->pdata, items->len);
  return TRUE;
}

gboolean
kabar_folder_item_set_children (KabarFolderItem *self,
                                GPtrArray       *children)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (self), FALSE);
  return kabar_folder_item_sync_store (self->children, children);
}

int
kabar_folder_item_compare (gconstpointer a,
                           gconstpointer b)
{
  KabarFolderItem *first = *(KabarFolderItem **) a;
  KabarFolderItem *second = *(KabarFolderItem **) b;
  int first_rank = role_rank (first->folder->role);
  int second_rank = role_rank (second->folder->role);

  if (first_rank != second_rank)
    return first_rank < second_rank ? -1 : 1;
  return strcmp (first->sort_key, second->sort_key);
}

static void
kabar_folder_item_dispose (GObject *object)
{
  KabarFolderItem *self = KABAR_FOLDER_ITEM (object);

  g_list_store_remove_all (self->children);
  G_OBJECT_CLASS (kabar_folder_item_parent_class)->dispose (object);
}

static void
kabar_folder_item_finalize (GObject *object)
{
  KabarFolderItem *self = KABAR_FOLDER_ITEM (object);

  g_clear_object (&self->children);
  g_clear_object (&self->service);
  g_clear_pointer (&self->folder, kabar_store_folder_free);
  g_free (self->sort_key);
  G_OBJECT_CLASS (kabar_folder_item_parent_class)->finalize (object);
}

static void
kabar_folder_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KabarFolderItem *self = KABAR_FOLDER_ITEM (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, kabar_folder_item_get_display_name (self));
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, kabar_folder_item_get_icon_name (self));
      break;
    case PROP_UNREAD_COUNT:
      g_value_set_uint (value, self->folder->unread_count);
      break;
    case PROP_SELECTABLE:
      g_value_set_boolean (value, kabar_folder_item_get_selectable (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_folder_item_class_init (KabarFolderItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_folder_item_dispose;
  object_class->finalize = kabar_folder_item_finalize;
  object_class->get_property = kabar_folder_item_get_property;

  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNREAD_COUNT] =
    g_param_spec_uint ("unread-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTABLE] =
    g_param_spec_boolean ("selectable", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kabar_folder_item_init (KabarFolderItem *self)
{
  self->children = g_list_store_new (KABAR_TYPE_FOLDER_ITEM);
}
