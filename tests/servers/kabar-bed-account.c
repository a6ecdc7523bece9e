/* kabar-bed-account.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-account-manager.h"
#include "kabar-bed-account.h"
#include "kabar-secrets.h"

KabarAccount *
kabar_bed_account_new (const char      *display_name,
                       const char      *user,
                       const char      *host,
                       guint16          imaps_port,
                       guint16          submission_port,
                       GTlsCertificate *certificate)
{
  KabarAccount *account = kabar_account_new ();

  kabar_account_set_display_name (account, display_name);
  kabar_account_set_address (account, user);
  kabar_account_set_incoming_kind (account, KABAR_INCOMING_IMAP);
  kabar_account_set_auth_method (account, KABAR_AUTH_PASSWORD);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, host, imaps_port,
                            KABAR_SECURITY_IMPLICIT_TLS, user);
  kabar_account_set_server (account, KABAR_SERVER_OUTGOING, host, submission_port,
                            KABAR_SECURITY_STARTTLS, user);
  /* Self-signed: trusted for these servers only, as the user would choose
   * to on Kabar's certificate question. */
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING, certificate);
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_OUTGOING, certificate);
  return account;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  GMainContext *context = g_main_context_get_thread_default ();

  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);
  return g_steal_pointer (slot);
}

static gboolean
store_password (KabarAccount     *account,
                KabarSecretKind   kind,
                const char       *password,
                GError          **error)
{
  g_autofree char *label = g_strdup_printf ("Kabar: %s (%s)", kabar_account_get_address (account),
                                            kabar_secret_kind_to_string (kind));
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_secrets_store_async (kabar_account_get_id (account), kind, label, password, NULL,
                             store_result, &slot);
  result = wait_for (&slot);
  return kabar_secrets_store_finish (result, error);
}

gboolean
kabar_bed_account_save (KabarAccount  *account,
                        const char    *password,
                        GError       **error)
{
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (NULL);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) written = NULL;

  kabar_account_manager_load_async (manager, NULL, store_result, &slot);
  loaded = wait_for (&slot);
  if (!kabar_account_manager_load_finish (manager, loaded, error))
    return FALSE;

  /* Run again on the same profile: the old account of the address goes
   * (file and passwords), the new one has the servers' new ports. */
  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (manager)); i > 0; i--)
    {
      g_autoptr(KabarAccount) existing = g_list_model_get_item (G_LIST_MODEL (manager), i - 1);
      g_autoptr(GAsyncResult) removed = NULL;

      if (g_strcmp0 (kabar_account_get_address (existing), kabar_account_get_address (account)) != 0)
        continue;
      kabar_account_manager_remove_async (manager, existing, NULL, store_result, &slot);
      removed = wait_for (&slot);
      if (!kabar_account_manager_remove_finish (manager, removed, error))
        return FALSE;
    }

  kabar_account_manager_save_async (manager, account, NULL, store_result, &slot);
  written = wait_for (&slot);
  return kabar_account_manager_save_finish (manager, written, error) &&
         store_password (account, KABAR_SECRET_IMAP, password, error) &&
         store_password (account, KABAR_SECRET_SMTP, password, error);
}
