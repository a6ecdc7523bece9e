/* kabar-folder-role.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kabar-folder-role.h"

typedef struct
{
  const char *text;
  KabarFolderRole role;
} RoleName;

static const RoleName role_strings[] = {
  { "none", KABAR_FOLDER_ROLE_NONE },
  { "inbox", KABAR_FOLDER_ROLE_INBOX },
  { "sent", KABAR_FOLDER_ROLE_SENT },
  { "drafts", KABAR_FOLDER_ROLE_DRAFTS },
  { "trash", KABAR_FOLDER_ROLE_TRASH },
  { "junk", KABAR_FOLDER_ROLE_JUNK },
  { "archive", KABAR_FOLDER_ROLE_ARCHIVE },
  { "all", KABAR_FOLDER_ROLE_ALL },
  { "flagged", KABAR_FOLDER_ROLE_FLAGGED },
};

/* RFC 6154, then the XLIST names Gmail used before it (\Inbox, \Spam,
 * \AllMail, \Starred), which some servers still send. */
static const RoleName role_attributes[] = {
  { "\\Sent", KABAR_FOLDER_ROLE_SENT },
  { "\\Drafts", KABAR_FOLDER_ROLE_DRAFTS },
  { "\\Trash", KABAR_FOLDER_ROLE_TRASH },
  { "\\Junk", KABAR_FOLDER_ROLE_JUNK },
  { "\\Archive", KABAR_FOLDER_ROLE_ARCHIVE },
  { "\\All", KABAR_FOLDER_ROLE_ALL },
  { "\\Flagged", KABAR_FOLDER_ROLE_FLAGGED },
  { "\\Inbox", KABAR_FOLDER_ROLE_INBOX },
  { "\\Spam", KABAR_FOLDER_ROLE_JUNK },
  { "\\AllMail", KABAR_FOLDER_ROLE_ALL },
  { "\\Starred", KABAR_FOLDER_ROLE_FLAGGED },
};

/* Outlook.com consumer (Sent, Deleted, Junk, Archive), Microsoft 365
 * (Sent Items, Deleted Items, Junk Email), Apple (Sent Messages, Deleted
 * Messages), Yahoo (Bulk Mail) and the common English names. */
static const RoleName role_folder_names[] = {
  { "Sent", KABAR_FOLDER_ROLE_SENT },
  { "Sent Items", KABAR_FOLDER_ROLE_SENT },
  { "Sent Messages", KABAR_FOLDER_ROLE_SENT },
  { "Sent Mail", KABAR_FOLDER_ROLE_SENT },
  { "Drafts", KABAR_FOLDER_ROLE_DRAFTS },
  { "Draft", KABAR_FOLDER_ROLE_DRAFTS },
  { "Trash", KABAR_FOLDER_ROLE_TRASH },
  { "Deleted", KABAR_FOLDER_ROLE_TRASH },
  { "Deleted Items", KABAR_FOLDER_ROLE_TRASH },
  { "Deleted Messages", KABAR_FOLDER_ROLE_TRASH },
  { "Bin", KABAR_FOLDER_ROLE_TRASH },
  { "Junk", KABAR_FOLDER_ROLE_JUNK },
  { "Junk Email", KABAR_FOLDER_ROLE_JUNK },
  { "Junk E-mail", KABAR_FOLDER_ROLE_JUNK },
  { "Junk Mail", KABAR_FOLDER_ROLE_JUNK },
  { "Spam", KABAR_FOLDER_ROLE_JUNK },
  { "Bulk Mail", KABAR_FOLDER_ROLE_JUNK },
  { "Archive", KABAR_FOLDER_ROLE_ARCHIVE },
  { "Archives", KABAR_FOLDER_ROLE_ARCHIVE },
  { "All Mail", KABAR_FOLDER_ROLE_ALL },
  { "Starred", KABAR_FOLDER_ROLE_FLAGGED },
};

/* Parents under which a provider's own folder names still count. */
static const char * const role_parents[] = { "INBOX", "[Gmail]", "[Google Mail]" };

const char *
kabar_folder_role_to_string (KabarFolderRole role)
{
  for (gsize i = 0; i < G_N_ELEMENTS (role_strings); i++)
    if (role_strings[i].role == role)
      return role_strings[i].text;
  g_return_val_if_reached ("none");
}

KabarFolderRole
kabar_folder_role_from_string (const char *string)
{
  for (gsize i = 0; string != NULL && i < G_N_ELEMENTS (role_strings); i++)
    if (g_str_equal (role_strings[i].text, string))
      return role_strings[i].role;
  return KABAR_FOLDER_ROLE_NONE;
}

static KabarFolderRole
role_lookup (const RoleName *table,
             gsize           n_entries,
             const char     *text)
{
  for (gsize i = 0; i < n_entries; i++)
    if (g_ascii_strcasecmp (table[i].text, text) == 0)
      return table[i].role;
  return KABAR_FOLDER_ROLE_NONE;
}

KabarFolderRole
kabar_folder_role_from_attributes (const char * const *attributes)
{
  for (gsize i = 0; attributes != NULL && attributes[i] != NULL; i++)
    {
      KabarFolderRole role = role_lookup (role_attributes, G_N_ELEMENTS (role_attributes),
                                          attributes[i]);

      if (role != KABAR_FOLDER_ROLE_NONE)
        return role;
    }
  return KABAR_FOLDER_ROLE_NONE;
}

static gboolean
is_role_parent (const char *parent,
                gsize       length)
{
  for (gsize i = 0; i < G_N_ELEMENTS (role_parents); i++)
    if (strlen (role_parents[i]) == length
        && g_ascii_strncasecmp (role_parents[i], parent, length) == 0)
      return TRUE;
  return FALSE;
}

KabarFolderRole
kabar_folder_role_derive (const char         *path,
                          char                delimiter,
                          const char * const *attributes)
{
  KabarFolderRole role = kabar_folder_role_from_attributes (attributes);
  const char *last;

  g_return_val_if_fail (path != NULL, KABAR_FOLDER_ROLE_NONE);

  if (role != KABAR_FOLDER_ROLE_NONE)
    return role;
  /* RFC 3501: INBOX is case-insensitive, and only at the top. */
  if (g_ascii_strcasecmp (path, "INBOX") == 0)
    return KABAR_FOLDER_ROLE_INBOX;

  last = delimiter != '\0' ? strrchr (path, delimiter) : NULL;
  if (last != NULL && !is_role_parent (path, last - path))
    return KABAR_FOLDER_ROLE_NONE;
  return role_lookup (role_folder_names, G_N_ELEMENTS (role_folder_names),
                      last != NULL ? last + 1 : path);
}
