/* kabar-account-manager.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-account.h"

G_BEGIN_DECLS

/* The accounts, as a GListModel of KabarAccount in the order they were
 * added. Each is a key file "<id>.account" (mode 0600, no secrets) in the
 * manager's folder; file work runs in a worker thread and every callback
 * and items-changed comes on the thread that made the manager. */
#define KABAR_TYPE_ACCOUNT_MANAGER (kabar_account_manager_get_type ())
G_DECLARE_FINAL_TYPE (KabarAccountManager, kabar_account_manager, KABAR, ACCOUNT_MANAGER, GObject)

/* directory NULL: $XDG_CONFIG_HOME/kabar/accounts. */
KabarAccountManager *kabar_account_manager_new            (const char           *directory);
const char          *kabar_account_manager_get_directory  (KabarAccountManager  *self);

/* Reads every account file. One that cannot be read or makes no valid
 * account is left on disk untouched and reported by get_problems(); the
 * load itself fails only when the folder cannot be read. */
void                 kabar_account_manager_load_async     (KabarAccountManager  *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean             kabar_account_manager_load_finish    (KabarAccountManager  *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
/* GErrors naming each account file the last load could not use. */
GPtrArray           *kabar_account_manager_get_problems   (KabarAccountManager  *self);

KabarAccount        *kabar_account_manager_lookup         (KabarAccountManager  *self,
                                                           const char           *id);

/* Writes the account's file, durably, and adds the account to the list if
 * it is new. An invalid account is refused and nothing is written.
 *
 * To change an account's settings, save an edited copy
 * (kabar_account_dup()): it takes the listed account's place, as a
 * removal and an addition at its position, so whoever runs a service with
 * the old settings sees that they changed. Saving the listed object itself
 * writes it and changes nothing in the list. */
void                 kabar_account_manager_save_async     (KabarAccountManager  *self,
                                                           KabarAccount         *account,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean             kabar_account_manager_save_finish    (KabarAccountManager  *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* Deletes the account's mail store (kabar_mail_service_dup_default_store_path(),
 * with its -wal and -shm files: stop its service first), its file and its
 * secrets, then drops it from the list. A file that cannot be deleted is
 * an error naming it; one that does not exist is none. */
void                 kabar_account_manager_remove_async   (KabarAccountManager  *self,
                                                           KabarAccount         *account,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean             kabar_account_manager_remove_finish  (KabarAccountManager  *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
