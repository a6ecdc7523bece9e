/* kabar-oauth2-tokens.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Access tokens for the mail services, which run on worker threads of
 * their own: one process-wide cache, and one refresh at a time for an
 * account, whoever asks, since Microsoft rotates the refresh token and two
 * refreshes racing would each store a different one.
 */

#include "config.h"

#include "kabar-oauth2-private.h"
#include "kabar-secrets.h"
#include "kabar-sync-wait.h"

/* A token this close to its end may expire during a long sync. */
#define REFRESH_MARGIN_SECONDS (5 * 60)

typedef struct
{
  char      *access_token;
  gint64     expires_at;  /* monotonic, microseconds */
  /* The GTasks waiting for the refresh that runs; NULL when none runs. */
  GPtrArray *waiters;
} Entry;

static GMutex cache_lock;
static GHashTable *cache;  /* account id -> Entry */

static void
entry_free (Entry *entry)
{
  kabar_secrets_free (entry->access_token);
  g_clear_pointer (&entry->waiters, g_ptr_array_unref);
  g_free (entry);
}

/* With cache_lock held. */
static Entry *
get_entry (const char *account_id)
{
  Entry *entry;

  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  entry = g_hash_table_lookup (cache, account_id);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (cache, g_strdup (account_id), entry);
    }
  return entry;
}

static void
set_token (Entry      *entry,
           const char *access_token,
           gint64      expires_in)
{
  kabar_secrets_free (entry->access_token);
  entry->access_token = g_strdup (access_token);
  entry->expires_at = g_get_monotonic_time () + expires_in * G_USEC_PER_SEC;
}

void
kabar_oauth2_cache_access_token (const char *account_id,
                                 const char *access_token,
                                 gint64      expires_in)
{
  g_mutex_lock (&cache_lock);
  set_token (get_entry (account_id), access_token, expires_in);
  g_mutex_unlock (&cache_lock);
}

void
kabar_oauth2_forget_access_token (KabarAccount *account)
{
  Entry *entry;

  g_return_if_fail (KABAR_IS_ACCOUNT (account));

  g_mutex_lock (&cache_lock);
  entry = get_entry (kabar_account_get_id (account));
  g_clear_pointer (&entry->access_token, kabar_secrets_free);
  g_mutex_unlock (&cache_lock);
}

/* --- the refresh -------------------------------------------------------------- */

typedef struct
{
  KabarAccount      *account;
  char              *server_name;
  char              *refresh_token;
  KabarOAuth2Tokens *tokens;
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_object_unref (refresh->account);
  g_free (refresh->server_name);
  kabar_secrets_free (refresh->refresh_token);
  kabar_oauth2_tokens_free (refresh->tokens);
  g_free (refresh);
}

/* Hands the outcome to everyone who waited for it. */
static void
refresh_done (Refresh      *refresh,
              const GError *error)
{
  g_autoptr(GPtrArray) waiters = NULL;
  Entry *entry;

  g_mutex_lock (&cache_lock);
  entry = get_entry (kabar_account_get_id (refresh->account));
  waiters = g_steal_pointer (&entry->waiters);
  if (error == NULL)
    set_token (entry, refresh->tokens->access_token, refresh->tokens->expires_in);
  g_mutex_unlock (&cache_lock);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (g_task_return_error_if_cancelled (task))
        continue;
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_strdup (refresh->tokens->access_token),
                               (GDestroyNotify) kabar_secrets_free);
    }
  refresh_free (refresh);
}

static void
refresh_failed (Refresh *refresh,
                GError  *error)
{
  refresh_done (refresh, error);
  g_error_free (error);
}

static void
on_rotated_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(GError) error = NULL;

  /* The old refresh token stays good for a while: signing in again is not
   * needed yet, but the next start may need it. */
  if (!kabar_secrets_store_finish (result, &error))
    g_warning ("Could not store the new sign-in of %s in the keyring: %s",
               kabar_account_get_address (refresh->account), error->message);
  refresh_done (refresh, NULL);
}

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Refresh *refresh = user_data;
  GError *error = NULL;

  refresh->tokens = kabar_oauth2_request_tokens_finish (result, &error);
  if (refresh->tokens == NULL)
    {
      if (g_error_matches (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED))
        g_prefix_error (&error, "%s must sign in again: ", kabar_account_get_address (refresh->account));
      refresh_failed (refresh, error);
      return;
    }
  if (refresh->tokens->refresh_token == NULL ||
      g_strcmp0 (refresh->tokens->refresh_token, refresh->refresh_token) == 0)
    {
      refresh_done (refresh, NULL);
      return;
    }
  kabar_secrets_store_async (kabar_account_get_id (refresh->account), KABAR_SECRET_OAUTH2_REFRESH_TOKEN,
                             kabar_account_get_address (refresh->account), refresh->tokens->refresh_token,
                             NULL, on_rotated_stored, refresh);
}

static void
on_refresh_token (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Refresh *refresh = user_data;
  GError *error = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *token_uri = NULL;
  const char *client_id;

  refresh->refresh_token = kabar_secrets_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_prefix_error (&error, "Could not read the sign-in of %s from the keyring: ",
                      kabar_account_get_address (refresh->account));
      refresh_failed (refresh, error);
      return;
    }
  if (refresh->refresh_token == NULL)
    {
      refresh_failed (refresh, g_error_new (KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED,
                                            "%s must sign in again: the keyring holds no sign-in for it",
                                            kabar_account_get_address (refresh->account)));
      return;
    }
  client_id = kabar_oauth2_get_client_id (refresh->account, &error);
  token_uri = client_id != NULL ? kabar_oauth2_get_endpoint (refresh->account, "token", &error) : NULL;
  if (token_uri == NULL)
    {
      refresh_failed (refresh, error);
      return;
    }
  form = g_hash_table_new (g_str_hash, g_str_equal);
  kabar_oauth2_form_add (form, "client_id", client_id);
  kabar_oauth2_form_add (form, "grant_type", "refresh_token");
  kabar_oauth2_form_add (form, "refresh_token", refresh->refresh_token);
  kabar_oauth2_form_add (form, "scope", KABAR_OAUTH2_SCOPES);
  /* No cancellable: others may wait for this refresh too. The request has
   * its own time-out. */
  kabar_oauth2_request_tokens_async (token_uri, refresh->server_name, form, TRUE, NULL,
                                     on_refreshed, refresh);
}

static void
start_refresh (KabarAccount *account)
{
  Refresh *refresh = g_new0 (Refresh, 1);

  refresh->account = g_object_ref (account);
  refresh->server_name = kabar_oauth2_get_server_name (account);
  kabar_secrets_lookup_async (kabar_account_get_id (account), KABAR_SECRET_OAUTH2_REFRESH_TOKEN, NULL,
                              on_refresh_token, refresh);
}

void
kabar_oauth2_get_access_token_async (KabarAccount        *account,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Entry *entry;
  char *token = NULL;
  gboolean start = FALSE;

  g_return_if_fail (KABAR_IS_ACCOUNT (account));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_oauth2_get_access_token_async);

  g_mutex_lock (&cache_lock);
  entry = get_entry (kabar_account_get_id (account));
  if (entry->access_token != NULL &&
      entry->expires_at - g_get_monotonic_time () > REFRESH_MARGIN_SECONDS * G_USEC_PER_SEC)
    token = g_strdup (entry->access_token);
  else
    {
      start = entry->waiters == NULL;
      if (start)
        entry->waiters = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (entry->waiters, g_object_ref (task));
    }
  g_mutex_unlock (&cache_lock);

  if (token != NULL)
    g_task_return_pointer (task, token, (GDestroyNotify) kabar_secrets_free);
  else if (start)
    start_refresh (account);
}

char *
kabar_oauth2_get_access_token_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
kabar_oauth2_wait_for_access_token (KabarAccount  *account,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_oauth2_get_access_token_async (account, cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_oauth2_get_access_token_finish (result, error);
}
