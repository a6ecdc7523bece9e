/* kabar-service-test.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "kabar-secrets.h"
#include "kabar-service-test.h"
#include "kabar-test-wait.h"

static KabarTestBed *shared_bed;

KabarTestBed *
kabar_service_test_get_bed (KabarTestBedServers  servers,
                            const char * const  *without)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  for (guint i = 0; without != NULL && without[i] != NULL; i++)
    kabar_test_bed_drop_imap_capability (shared_bed, without[i]);
  kabar_test_bed_start (shared_bed, servers, &error);
  g_assert_no_error (error);
  return shared_bed;
}

void
kabar_service_test_stop_bed (void)
{
  if (shared_bed != NULL)
    kabar_test_bed_stop (shared_bed);
  g_clear_object (&shared_bed);
}

void
kabar_service_test_store_password (KabarAccount *account,
                                   const char   *password)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_secrets_store_async (kabar_account_get_id (account), KABAR_SECRET_IMAP, "Kabar test", password, NULL,
                             kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_secrets_store_finish (result, &error));
  g_assert_no_error (error);
}

KabarAccount *
kabar_service_test_add_account (KabarTestBed *bed,
                                const char   *display_name,
                                const char   *user,
                                const char   *password)
{
  KabarAccount *account = kabar_account_new ();

  kabar_test_bed_add_user (bed, user, password);
  kabar_account_set_display_name (account, display_name);
  kabar_account_set_address (account, user);
  kabar_account_set_incoming_kind (account, KABAR_INCOMING_IMAP);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST,
                            kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                            KABAR_SECURITY_IMPLICIT_TLS, user);
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING, kabar_test_bed_get_certificate (bed));
  kabar_service_test_store_password (account, password);
  return account;
}

KabarMailService *
kabar_service_test_new_service (KabarAccount *account,
                                const char   *directory)
{
  g_autofree char *path = g_build_filename (directory, "store.db", NULL);

  return kabar_mail_service_new (account, path);
}

void
kabar_service_test_stop_service (KabarMailService **service)
{
  kabar_mail_service_stop (*service);
  g_clear_object (service);
  kabar_test_spin (50);
}

void
kabar_service_test_fill (KabarTestBed *bed,
                         const char   *user,
                         const char   *folder,
                         guint         n)
{
  g_autoptr(GError) error = NULL;

  kabar_test_bed_fill_folder (bed, user, folder, n, &error);
  g_assert_no_error (error);
}

GPtrArray *
kabar_service_test_list_folders (KabarMailService *service)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *folders;

  kabar_mail_service_list_folders_async (service, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  folders = kabar_mail_service_list_folders_finish (service, result, &error);
  g_assert_no_error (error);
  return folders;
}

KabarStoreFolder *
kabar_service_test_find_folder (KabarMailService *service,
                                const char       *path)
{
  g_autoptr(GPtrArray) folders = NULL;

  if (kabar_mail_service_get_store (service) == NULL)
    return NULL;
  folders = kabar_service_test_list_folders (service);
  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (g_strcmp0 (folder->path, path) == 0)
        return kabar_store_folder_copy (folder);
    }
  return NULL;
}

void
kabar_service_test_finish_change (KabarMailService *service,
                                  GAsyncResult     *result)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_mail_service_change_finish (service, result, &error));
  g_assert_no_error (error);
}
