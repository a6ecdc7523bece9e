/* kabar-account-item.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-folder-item.h"
#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* What the sidebar shows of an account's state. */
typedef enum
{
  /* Up to date, or stopped: nothing to say. */
  KABAR_ACCOUNT_ITEM_STATE_IDLE,
  /* Connecting or bringing mail in. */
  KABAR_ACCOUNT_ITEM_STATE_BUSY,
  KABAR_ACCOUNT_ITEM_STATE_OFFLINE,
  /* Needs the user: the status text says why. */
  KABAR_ACCOUNT_ITEM_STATE_ERROR,
} KabarAccountItemState;

/* One account of the sidebar, following its mail service: its name, its
 * state in words, and its folders as a tree (role folders at the top),
 * read again from the store whenever the service says they changed. */
#define KABAR_TYPE_ACCOUNT_ITEM (kabar_account_item_get_type ())

G_DECLARE_FINAL_TYPE (KabarAccountItem, kabar_account_item, KABAR, ACCOUNT_ITEM, GObject)

KabarAccountItem      *kabar_account_item_new               (KabarMailService *service);

KabarMailService      *kabar_account_item_get_service       (KabarAccountItem *self);
/* The account's name, or its address when it has none. */
const char            *kabar_account_item_get_title         (KabarAccountItem *self);
const char            *kabar_account_item_get_address       (KabarAccountItem *self);
KabarAccountItemState  kabar_account_item_get_state         (KabarAccountItem *self);
/* A sentence for the user ("Receiving 40 of 120 messages", "The server
 * refused the password."), or NULL when there is nothing to say. */
const char            *kabar_account_item_get_status_text   (KabarAccountItem *self);
/* What the engine said, server's words included, for an error; or NULL. */
const char            *kabar_account_item_get_status_detail (KabarAccountItem *self);

/* The top-level folders (KabarFolderItem), each with its children. */
GListModel            *kabar_account_item_get_folders       (KabarAccountItem *self);
/* TRUE once the folders were read from the store. */
gboolean               kabar_account_item_get_folders_loaded (KabarAccountItem *self);
/* Any folder of the account, shown or not; NULL if it has none. */
KabarFolderItem       *kabar_account_item_find_folder       (KabarAccountItem *self,
                                                             gint64            folder_id);
KabarFolderItem       *kabar_account_item_find_inbox        (KabarAccountItem *self);

G_END_DECLS
