/* kabar-store-folder.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kabar-folder-role.h"

G_BEGIN_DECLS

/* What the IMAP sync remembers of a folder between connections; 0 means
 * not known yet. */
typedef struct
{
  guint32 uidvalidity;
  guint32 uidnext;
  guint64 highestmodseq;
  /* When the flags of every message were last fetched (unix seconds): the
   * sync without CONDSTORE does that only now and then. */
  gint64  last_flag_sync;
} KabarFolderSyncState;

/* One folder as the store keeps it. */
typedef struct
{
  gint64                id;
  /* The full server name, UTF-8, and its last component. */
  char                 *path;
  char                 *name;
  /* 0 when the folder is at the top or its parent is not known. */
  gint64                parent_id;
  /* '\0' for a flat namespace. */
  char                  delimiter;
  KabarFolderRole       role;
  /* The LIST attributes, as the server spelled them. */
  char                **attributes;
  gboolean              subscribed;
  KabarFolderSyncState  sync;
  /* Counted in the store: the messages it holds, and those not \Seen. */
  guint                 total_count;
  guint                 unread_count;
} KabarStoreFolder;

#define KABAR_TYPE_STORE_FOLDER (kabar_store_folder_get_type ())

GType             kabar_store_folder_get_type (void) G_GNUC_CONST;
KabarStoreFolder *kabar_store_folder_copy     (const KabarStoreFolder *self);
void              kabar_store_folder_free     (KabarStoreFolder       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarStoreFolder, kabar_store_folder_free)

G_END_DECLS
