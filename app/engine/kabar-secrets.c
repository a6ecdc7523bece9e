/* kabar-secrets.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsecret/secret.h>

#include "kabar-secrets.h"

/* Every secret carries both attributes, so one account's secrets can be
 * found, and removed, together, and SECRET_SCHEMA_NONE keeps other
 * applications' items with look-alike attributes out of our matches. */
static const SecretSchema *
kabar_secrets_get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.kabar.Kabar.Secret", SECRET_SCHEMA_NONE,
    {
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

const char *
kabar_secret_kind_to_string (KabarSecretKind kind)
{
  switch (kind)
    {
    case KABAR_SECRET_IMAP:
      return "imap";
    case KABAR_SECRET_POP3:
      return "pop3";
    case KABAR_SECRET_SMTP:
      return "smtp";
    case KABAR_SECRET_OAUTH2_REFRESH_TOKEN:
      return "oauth2-refresh-token";
    default:
      g_return_val_if_reached (NULL);
    }
}

static GHashTable *
kabar_secrets_attributes (const char      *account_id,
                          KabarSecretKind  kind,
                          gboolean         with_kind)
{
  /* libsecret keeps a reference to the table until the call completes,
   * so the table owns its copy of the id: a caller may free its own. */
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) "account", g_strdup (account_id));
  if (with_kind)
    g_hash_table_insert (attributes, (gpointer) "kind", g_strdup (kabar_secret_kind_to_string (kind)));
  return attributes;
}

void
kabar_secrets_store_async (const char          *account_id,
                           KabarSecretKind      kind,
                           const char          *label,
                           const char          *secret,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (label != NULL);
  g_return_if_fail (secret != NULL);

  attributes = kabar_secrets_attributes (account_id, kind, TRUE);
  secret_password_storev (kabar_secrets_get_schema (), attributes,
                          SECRET_COLLECTION_DEFAULT, label, secret,
                          cancellable, callback, user_data);
}

gboolean
kabar_secrets_store_finish (GAsyncResult  *result,
                            GError       **error)
{
  return secret_password_store_finish (result, error);
}

void
kabar_secrets_lookup_async (const char          *account_id,
                            KabarSecretKind      kind,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (account_id != NULL && *account_id != '\0');

  attributes = kabar_secrets_attributes (account_id, kind, TRUE);
  secret_password_lookupv (kabar_secrets_get_schema (), attributes,
                           cancellable, callback, user_data);
}

char *
kabar_secrets_lookup_finish (GAsyncResult  *result,
                             GError       **error)
{
  return secret_password_lookup_finish (result, error);
}

void
kabar_secrets_clear_async (const char          *account_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (account_id != NULL && *account_id != '\0');

  attributes = kabar_secrets_attributes (account_id, 0, FALSE);
  secret_password_clearv (kabar_secrets_get_schema (), attributes,
                          cancellable, callback, user_data);
}

gboolean
kabar_secrets_clear_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  /* libsecret says FALSE without an error when nothing matched: for the
   * caller that is a success, the account has no secrets left. */
  if (!secret_password_clear_finish (result, &local_error) && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

void
kabar_secrets_free (char *secret)
{
  secret_password_free (secret);
}
