/* kabar-folder-role.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a folder is for. The store keeps it as text (the names below), so
 * the order of this enum may change without touching a database. */
typedef enum
{
  KABAR_FOLDER_ROLE_NONE,
  KABAR_FOLDER_ROLE_INBOX,
  KABAR_FOLDER_ROLE_SENT,
  KABAR_FOLDER_ROLE_DRAFTS,
  KABAR_FOLDER_ROLE_TRASH,
  KABAR_FOLDER_ROLE_JUNK,
  KABAR_FOLDER_ROLE_ARCHIVE,
  KABAR_FOLDER_ROLE_ALL,
  KABAR_FOLDER_ROLE_FLAGGED,
} KabarFolderRole;

const char      *kabar_folder_role_to_string     (KabarFolderRole     role);
/* Unknown strings give KABAR_FOLDER_ROLE_NONE. */
KabarFolderRole  kabar_folder_role_from_string   (const char         *string);

/* The role a server gave a folder with RFC 6154 SPECIAL-USE attributes (or
 * Gmail's older XLIST ones), or NONE. Attributes are matched without case,
 * as IMAP flags are. */
KabarFolderRole  kabar_folder_role_from_attributes (const char * const *attributes);

/* The role of a folder from LIST: its attributes first, then the names
 * providers give their folders (Outlook.com's "Deleted" and "Junk",
 * Microsoft 365's "Sent Items", "Trash", "Spam"...). Names count only at
 * the top level, under INBOX (servers that keep every folder there) and
 * under Gmail's "[Gmail]": "Projects/Trash" is the user's own folder.
 * delimiter is '\0' for a flat namespace. */
KabarFolderRole  kabar_folder_role_derive        (const char         *path,
                                                  char                delimiter,
                                                  const char * const *attributes);

G_END_DECLS
