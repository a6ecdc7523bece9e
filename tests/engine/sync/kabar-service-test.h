/* kabar-service-test.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-mail-service.h"
#include "kabar-test-bed.h"
#include "kabar-test-files.h"

G_BEGIN_DECLS

/* What the tests of KabarMailService share: an account on the bed as the
 * window has it, a folder for its store, and the service's answers waited
 * for on the test's thread (the "UI" thread), failing the test on an
 * unexpected error. */

/* The bed of the whole run, started with servers at the first call, its
 * Dovecot without the IMAP capabilities in without (NULL-terminated, or
 * NULL); later calls must ask for the same. */
KabarTestBed     *kabar_service_test_get_bed       (KabarTestBedServers  servers,
                                                    const char * const  *without);
/* Stops the bed of the run, if it was started. */
void              kabar_service_test_stop_bed      (void);

/* Adds user to bed with password and makes its IMAP account: implicit
 * TLS, the bed's self-signed certificate pinned (the user trusted it),
 * the password in the keyring. */
KabarAccount     *kabar_service_test_add_account   (KabarTestBed        *bed,
                                                    const char          *display_name,
                                                    const char          *user,
                                                    const char          *password);
/* Puts password in the keyring for the account's incoming server. */
void              kabar_service_test_store_password (KabarAccount       *account,
                                                     const char         *password);
/* A service for the account over a store in directory (store.db). */
KabarMailService *kabar_service_test_new_service   (KabarAccount        *account,
                                                    const char          *directory);
/* Stops and drops the service; completions of the stopped jobs that still
 * wait in the context run first. */
void              kabar_service_test_stop_service  (KabarMailService   **service);

/* Gives user's folder n messages on the server. */
void              kabar_service_test_fill          (KabarTestBed        *bed,
                                                    const char          *user,
                                                    const char          *folder,
                                                    guint                n);

/* The store's folders, as the window lists them. */
GPtrArray        *kabar_service_test_list_folders  (KabarMailService    *service);
/* A copy of the folder at path, or NULL (also while the store is not
 * open yet). */
KabarStoreFolder *kabar_service_test_find_folder   (KabarMailService    *service,
                                                    const char          *path);
/* Asserts that a change (flags, move, copy, folders) succeeded. */
void              kabar_service_test_finish_change (KabarMailService    *service,
                                                    GAsyncResult        *result);

G_END_DECLS
