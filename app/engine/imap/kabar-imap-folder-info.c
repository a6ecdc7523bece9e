/* kabar-imap-folder-info.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-imap-folder-info.h"
#include "kabar-imap-results-private.h"
#include "kabar-imap-utf7.h"

struct _KabarImapFolderInfo
{
  gatomicrefcount           ref_count;
  char                     *name;
  char                     *wire_name;
  char                      delimiter;
  KabarImapFolderAttributes attributes;
  GStrv                     attribute_names;
  KabarImapStatusItems      status_items;
  guint32                   messages;
  guint32                   unseen;
  guint32                   uidnext;
  guint32                   uidvalidity;
  guint64                   highest_modseq;
};

G_DEFINE_BOXED_TYPE (KabarImapFolderInfo, kabar_imap_folder_info,
                     kabar_imap_folder_info_ref, kabar_imap_folder_info_unref)

static const struct
{
  const char                *name;
  KabarImapFolderAttributes  attribute;
} attribute_names[] = {
  { "\\Noselect", KABAR_IMAP_FOLDER_NOSELECT },
  { "\\NoInferiors", KABAR_IMAP_FOLDER_NOINFERIORS },
  { "\\HasChildren", KABAR_IMAP_FOLDER_HAS_CHILDREN },
  { "\\HasNoChildren", KABAR_IMAP_FOLDER_HAS_NO_CHILDREN },
  { "\\Marked", KABAR_IMAP_FOLDER_MARKED },
  { "\\Unmarked", KABAR_IMAP_FOLDER_UNMARKED },
  { "\\NonExistent", KABAR_IMAP_FOLDER_NONEXISTENT | KABAR_IMAP_FOLDER_NOSELECT },
  { "\\Subscribed", KABAR_IMAP_FOLDER_SUBSCRIBED },
  { "\\Remote", KABAR_IMAP_FOLDER_REMOTE },
  { "\\All", KABAR_IMAP_FOLDER_ALL },
  { "\\Archive", KABAR_IMAP_FOLDER_ARCHIVE },
  { "\\Drafts", KABAR_IMAP_FOLDER_DRAFTS },
  { "\\Flagged", KABAR_IMAP_FOLDER_FLAGGED },
  { "\\Junk", KABAR_IMAP_FOLDER_JUNK },
  { "\\Sent", KABAR_IMAP_FOLDER_SENT },
  { "\\Trash", KABAR_IMAP_FOLDER_TRASH },
  { "\\Important", KABAR_IMAP_FOLDER_IMPORTANT },
};

KabarImapFolderInfo *
kabar_imap_folder_info_ref (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
kabar_imap_folder_info_unref (KabarImapFolderInfo *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->name);
  g_free (self->wire_name);
  g_strfreev (self->attribute_names);
  g_free (self);
}

static KabarImapFolderAttributes
attribute_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (attribute_names); i++)
    if (g_ascii_strcasecmp (attribute_names[i].name, name) == 0)
      return attribute_names[i].attribute;
  return 0;
}

/* Names come as modified UTF-7; a server that sends raw UTF-8 or Latin-1
 * still gets a readable name, and its wire name is kept for commands. */
static char *
decode_name (const char *wire_name)
{
  g_autoptr(GError) error = NULL;
  char *name = kabar_imap_utf7_decode (wire_name, &error);

  if (name != NULL)
    return name;
  g_debug ("Showing a mailbox name as sent: %s", error->message);
  return kabar_imap_utf7_decode_for_display (wire_name);
}

KabarImapFolderInfo *
kabar_imap_folder_info_new (const char *wire_name,
                            char        delimiter)
{
  KabarImapFolderInfo *self = g_new0 (KabarImapFolderInfo, 1);

  g_atomic_ref_count_init (&self->ref_count);
  /* INBOX is case-insensitive (RFC 3501 §5.1): one spelling for callers. */
  if (g_ascii_strcasecmp (wire_name, "INBOX") == 0)
    {
      self->wire_name = g_strdup ("INBOX");
      self->attributes |= KABAR_IMAP_FOLDER_INBOX;
    }
  else
    self->wire_name = g_strdup (wire_name);
  self->name = decode_name (self->wire_name);
  self->delimiter = delimiter;
  self->attribute_names = g_new0 (char *, 1);
  return self;
}

KabarImapFolderInfo *
kabar_imap_folder_info_new_from_list (KabarImapResponse *response)
{
  const KabarImapValue *args = kabar_imap_response_get_args (response);
  const KabarImapValue *attributes = kabar_imap_value_get_list_item (args, 0);
  const KabarImapValue *delimiter = kabar_imap_value_get_list_item (args, 1);
  const char *wire_name = kabar_imap_value_get_text (kabar_imap_value_get_list_item (args, 2));
  const char *delimiter_text = kabar_imap_value_get_string (delimiter, NULL);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  KabarImapFolderInfo *self;

  if (kabar_imap_value_get_kind (attributes) != KABAR_IMAP_VALUE_LIST || wire_name == NULL ||
      (!kabar_imap_value_is_nil (delimiter) && delimiter_text == NULL))
    return NULL;

  self = kabar_imap_folder_info_new (wire_name, delimiter_text != NULL ? delimiter_text[0] : '\0');
  for (guint i = 0; i < kabar_imap_value_get_list_length (attributes); i++)
    {
      const char *attribute = kabar_imap_value_get_atom (kabar_imap_value_get_list_item (attributes, i));

      if (attribute == NULL)
        continue;
      g_strv_builder_add (names, attribute);
      self->attributes |= attribute_from_name (attribute);
    }
  g_strfreev (self->attribute_names);
  self->attribute_names = g_strv_builder_end (names);
  return self;
}

void
kabar_imap_folder_info_set_subscribed (KabarImapFolderInfo *self)
{
  self->attributes |= KABAR_IMAP_FOLDER_SUBSCRIBED;
}

static const struct
{
  const char           *name;
  KabarImapStatusItems  item;
} status_items[] = {
  { "MESSAGES", KABAR_IMAP_STATUS_ITEM_MESSAGES },
  { "UIDNEXT", KABAR_IMAP_STATUS_ITEM_UIDNEXT },
  { "UIDVALIDITY", KABAR_IMAP_STATUS_ITEM_UIDVALIDITY },
  { "UNSEEN", KABAR_IMAP_STATUS_ITEM_UNSEEN },
  { "HIGHESTMODSEQ", KABAR_IMAP_STATUS_ITEM_HIGHESTMODSEQ },
};

static void
set_status_item (KabarImapFolderInfo  *self,
                 KabarImapStatusItems  item,
                 guint64               value)
{
  self->status_items |= item;
  switch (item)
    {
    case KABAR_IMAP_STATUS_ITEM_MESSAGES:
      self->messages = (guint32) MIN (value, G_MAXUINT32);
      break;
    case KABAR_IMAP_STATUS_ITEM_UIDNEXT:
      self->uidnext = (guint32) MIN (value, G_MAXUINT32);
      break;
    case KABAR_IMAP_STATUS_ITEM_UIDVALIDITY:
      self->uidvalidity = (guint32) MIN (value, G_MAXUINT32);
      break;
    case KABAR_IMAP_STATUS_ITEM_UNSEEN:
      self->unseen = (guint32) MIN (value, G_MAXUINT32);
      break;
    case KABAR_IMAP_STATUS_ITEM_HIGHESTMODSEQ:
      self->highest_modseq = value;
      break;
    default:
      g_assert_not_reached ();
    }
}

/* "* STATUS name (MESSAGES 3 UIDNEXT 7 ...)"; unknown items are skipped. */
void
kabar_imap_folder_info_apply_status (KabarImapFolderInfo *self,
                                     KabarImapResponse   *response)
{
  const KabarImapValue *items = kabar_imap_value_get_list_item (kabar_imap_response_get_args (response), 1);

  for (guint i = 0; i + 1 < kabar_imap_value_get_list_length (items); i += 2)
    {
      const char *key = kabar_imap_value_get_atom (kabar_imap_value_get_list_item (items, i));
      guint64 value;

      if (key == NULL || !kabar_imap_value_get_number (kabar_imap_value_get_list_item (items, i + 1), &value))
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (status_items); k++)
        if (g_ascii_strcasecmp (status_items[k].name, key) == 0)
          set_status_item (self, status_items[k].item, value);
    }
}

const char *
kabar_imap_status_response_get_wire_name (KabarImapResponse *response)
{
  const char *name = kabar_imap_value_get_text (kabar_imap_value_get_list_item (kabar_imap_response_get_args (response), 0));

  if (name != NULL && g_ascii_strcasecmp (name, "INBOX") == 0)
    return "INBOX";
  return name;
}

const char *
kabar_imap_folder_info_get_name (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

const char *
kabar_imap_folder_info_get_wire_name (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->wire_name;
}

char
kabar_imap_folder_info_get_delimiter (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, '\0');
  return self->delimiter;
}

KabarImapFolderAttributes
kabar_imap_folder_info_get_attributes (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->attributes;
}

const char * const *
kabar_imap_folder_info_get_attribute_names (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->attribute_names;
}

KabarImapStatusItems
kabar_imap_folder_info_get_status_items (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->status_items;
}

guint32
kabar_imap_folder_info_get_messages (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->messages;
}

guint32
kabar_imap_folder_info_get_unseen (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->unseen;
}

guint32
kabar_imap_folder_info_get_uidnext (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->uidnext;
}

guint32
kabar_imap_folder_info_get_uidvalidity (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->uidvalidity;
}

guint64
kabar_imap_folder_info_get_highest_modseq (KabarImapFolderInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->highest_modseq;
}
