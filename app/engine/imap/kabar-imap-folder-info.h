/* kabar-imap-folder-info.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kabar-imap-response.h"

G_BEGIN_DECLS

/* The attributes of a LIST reply (RFC 3501, 3348, 5258, 6154). Special-use
 * attributes are taken whether or not the server advertises SPECIAL-USE:
 * Outlook.com sends \Sent, \Drafts, \Trash and \Junk without it. */
typedef enum
{
  KABAR_IMAP_FOLDER_NOSELECT        = 1 << 0,   /* \Noselect: a name, not a mailbox */
  KABAR_IMAP_FOLDER_NOINFERIORS     = 1 << 1,
  KABAR_IMAP_FOLDER_HAS_CHILDREN    = 1 << 2,
  KABAR_IMAP_FOLDER_HAS_NO_CHILDREN = 1 << 3,
  KABAR_IMAP_FOLDER_MARKED          = 1 << 4,
  KABAR_IMAP_FOLDER_UNMARKED        = 1 << 5,
  KABAR_IMAP_FOLDER_NONEXISTENT     = 1 << 6,   /* also sets NOSELECT */
  KABAR_IMAP_FOLDER_SUBSCRIBED      = 1 << 7,
  KABAR_IMAP_FOLDER_REMOTE          = 1 << 8,
  KABAR_IMAP_FOLDER_ALL             = 1 << 9,
  KABAR_IMAP_FOLDER_ARCHIVE         = 1 << 10,
  KABAR_IMAP_FOLDER_DRAFTS          = 1 << 11,
  KABAR_IMAP_FOLDER_FLAGGED         = 1 << 12,
  KABAR_IMAP_FOLDER_JUNK            = 1 << 13,
  KABAR_IMAP_FOLDER_SENT            = 1 << 14,
  KABAR_IMAP_FOLDER_TRASH           = 1 << 15,
  KABAR_IMAP_FOLDER_IMPORTANT       = 1 << 16,
  KABAR_IMAP_FOLDER_INBOX           = 1 << 17,  /* the name is INBOX, in any case */
} KabarImapFolderAttributes;

#define KABAR_IMAP_FOLDER_SPECIAL_USE (KABAR_IMAP_FOLDER_ALL | KABAR_IMAP_FOLDER_ARCHIVE |     \
                                       KABAR_IMAP_FOLDER_DRAFTS | KABAR_IMAP_FOLDER_FLAGGED |  \
                                       KABAR_IMAP_FOLDER_JUNK | KABAR_IMAP_FOLDER_SENT |       \
                                       KABAR_IMAP_FOLDER_TRASH | KABAR_IMAP_FOLDER_IMPORTANT)

/* What a STATUS reply (or LIST-STATUS) gave. */
typedef enum
{
  KABAR_IMAP_STATUS_ITEM_MESSAGES      = 1 << 0,
  KABAR_IMAP_STATUS_ITEM_UIDNEXT       = 1 << 1,
  KABAR_IMAP_STATUS_ITEM_UIDVALIDITY   = 1 << 2,
  KABAR_IMAP_STATUS_ITEM_UNSEEN        = 1 << 3,
  KABAR_IMAP_STATUS_ITEM_HIGHESTMODSEQ = 1 << 4,  /* only from CONDSTORE servers */
} KabarImapStatusItems;

#define KABAR_IMAP_STATUS_ITEMS_ALL (KABAR_IMAP_STATUS_ITEM_MESSAGES | KABAR_IMAP_STATUS_ITEM_UIDNEXT |     \
                                     KABAR_IMAP_STATUS_ITEM_UIDVALIDITY | KABAR_IMAP_STATUS_ITEM_UNSEEN | \
                                     KABAR_IMAP_STATUS_ITEM_HIGHESTMODSEQ)

/* One folder as LIST and STATUS describe it. Immutable once the session
 * hands it out; reference counted (atomically). */
typedef struct _KabarImapFolderInfo KabarImapFolderInfo;

#define KABAR_TYPE_IMAP_FOLDER_INFO (kabar_imap_folder_info_get_type ())
GType                     kabar_imap_folder_info_get_type            (void) G_GNUC_CONST;

KabarImapFolderInfo      *kabar_imap_folder_info_ref                 (KabarImapFolderInfo *self);
void                      kabar_imap_folder_info_unref               (KabarImapFolderInfo *self);

/* The name in UTF-8, decoded from modified UTF-7, with the server's
 * delimiter: "Kotak Surat/Pekerjaan é". A name that is not valid modified
 * UTF-7 is shown as the server sent it. "INBOX" in any case is "INBOX". */
const char               *kabar_imap_folder_info_get_name            (KabarImapFolderInfo *self);
/* The name as the server sent it (modified UTF-7): what to send back. */
const char               *kabar_imap_folder_info_get_wire_name       (KabarImapFolderInfo *self);
/* The hierarchy delimiter, '\0' for a flat namespace (NIL). */
char                      kabar_imap_folder_info_get_delimiter       (KabarImapFolderInfo *self);
KabarImapFolderAttributes kabar_imap_folder_info_get_attributes      (KabarImapFolderInfo *self);
/* Every attribute as the server sent it, known or not ("\Sent",
 * "\X-Custom"). */
const char * const       *kabar_imap_folder_info_get_attribute_names (KabarImapFolderInfo *self);

/* The STATUS items the server gave; the getters below return 0 for the
 * others. */
KabarImapStatusItems      kabar_imap_folder_info_get_status_items    (KabarImapFolderInfo *self);
guint32                   kabar_imap_folder_info_get_messages        (KabarImapFolderInfo *self);
guint32                   kabar_imap_folder_info_get_unseen          (KabarImapFolderInfo *self);
guint32                   kabar_imap_folder_info_get_uidnext         (KabarImapFolderInfo *self);
guint32                   kabar_imap_folder_info_get_uidvalidity     (KabarImapFolderInfo *self);
guint64                   kabar_imap_folder_info_get_highest_modseq  (KabarImapFolderInfo *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarImapFolderInfo, kabar_imap_folder_info_unref)

G_END_DECLS
