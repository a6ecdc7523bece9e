/* kabar-pop3-download-test.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-account.h"
#include "kabar-store-local.h"
#include "kabar-pop3-download.h"
#include "kabar-test-bed.h"

G_BEGIN_DECLS

#define KABAR_POP3_TEST_PASSWORD "Sandi-Pop-123"

/* The bed shared by a test program: Dovecot, started on first use. */
KabarTestBed *kabar_pop3_download_test_get_bed      (void);
/* At the end of main: stops the bed. */
void          kabar_pop3_download_test_stop_bed     (void);
/* A new user of the bed, with KABAR_POP3_TEST_PASSWORD. */
char         *kabar_pop3_download_test_new_user     (void);
/* A POP account of user on the bed's POP3S port (or port, when not 0),
 * the bed's certificate pinned, password in the keyring. */
KabarAccount *kabar_pop3_download_test_account      (const char            *user,
                                                     guint16                port,
                                                     KabarPopServerCopies   copies);
/* A new store in a new folder (removed with the store's folder by
 * kabar_pop3_download_test_remove_store()). */
KabarStore   *kabar_pop3_download_test_new_store    (void);
void          kabar_pop3_download_test_remove_store (KabarStore            *store);
/* Subject -> how many times (GUINT_TO_POINTER): what the server holds
 * for user, read over POP3 (nothing deleted), and what the store holds
 * in folder_id (0: every folder). */
GHashTable   *kabar_pop3_download_test_server_subjects (const char         *user);
GHashTable   *kabar_pop3_download_test_store_subjects  (KabarStore         *store,
                                                        gint64              folder_id);
/* Every subject of expected once in actual, and nothing else. */
void          kabar_pop3_download_test_assert_same   (GHashTable           *expected,
                                                      GHashTable           *actual);
/* Puts a small message with this subject and body in user's INBOX. */
void          kabar_pop3_download_test_add          (const char            *user,
                                                     const char            *subject,
                                                     const char            *body);
/* The folder of the store with role. */
gint64        kabar_pop3_download_test_folder       (KabarStore            *store,
                                                     KabarFolderRole        role);

G_END_DECLS
