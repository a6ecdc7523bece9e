/* kabar-oauth2-tokens.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Access tokens for the mail services, which run on worker threads of
 * their own: one process-wide cache with a token per resource (the mail
 * protocols, Microsoft Graph), and one refresh at a time for an account,
 * whoever asks and for whichever resource, since all come from the one
 * refresh token, Microsoft rotates it and two refreshes racing would each
 * store a different one.
 */

#include "config.h"

#include "kabar-oauth2-private.h"
#include "kabar-secrets.h"
#include "kabar-sync-wait.h"

/* A token this close to its end may expire during a long sync. */
#define REFRESH_MARGIN_SECONDS (5 * 60)

#define N_RESOURCES (KABAR_OAUTH2_RESOURCE_GRAPH + 1)

typedef struct
{
  char      *access_token;
  gint64     expires_at;  /* monotonic, microseconds */
  /* The GTasks waiting for a refresh of this resource; NULL when none. */
  GPtrArray *waiters;
} Slot;

typedef struct
{
  Slot     slots[N_RESOURCES];
  gboolean refreshing;
} Entry;

static GMutex cache_lock;
static GHashTable *cache;  /* account id -> Entry */

static void
entry_free (Entry *entry)
{
  for (guint i = 0; i < N_RESOURCES; i++)
    {
      kabar_secrets_free (entry->slots[i].access_token);
      g_clear_pointer (&entry->slots[i].waiters, g_ptr_array_unref);
    }
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

static Slot *
get_slot (const char          *account_id,
          KabarOAuth2Resource  resource)
{
  return &get_entry (account_id)->slots[resource];
}

static void
set_token (Slot       *slot,
           const char *access_token,
           gint64      expires_in)
{
  kabar_secrets_free (slot->access_token);
  slot->access_token = g_strdup (access_token);
  slot->expires_at = g_get_monotonic_time () + expires_in * G_USEC_PER_SEC;
}

void
kabar_oauth2_cache_access_token (const char          *account_id,
                                 KabarOAuth2Resource  resource,
                                 const char          *access_token,
                                 gint64               expires_in)
{
  g_return_if_fail (resource < N_RESOURCES);

  g_mutex_lock (&cache_lock);
  set_token (get_slot (account_id, resource), access_token, expires_in);
  g_mutex_unlock (&cache_lock);
}

void
kabar_oauth2_forget_resource_token (KabarAccount        *account,
                                    KabarOAuth2Resource  resource)
{
  g_return_if_fail (KABAR_IS_ACCOUNT (account));
  g_return_if_fail (resource < N_RESOURCES);

  g_mutex_lock (&cache_lock);
  g_clear_pointer (&get_slot (kabar_account_get_id (account), resource)->access_token, kabar_secrets_free);
  g_mutex_unlock (&cache_lock);
}

void
kabar_oauth2_forget_access_token (KabarAccount *account)
{
  kabar_oauth2_forget_resource_token (account, KABAR_OAUTH2_RESOURCE_MAIL);
}

/* --- the refresh -------------------------------------------------------------- */

typedef struct
{
  KabarAccount        *account;
  KabarOAuth2Resource  resource;
  char                *server_name;
  char                *refresh_token;
  KabarOAuth2Tokens   *tokens;
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

static void start_refresh (KabarAccount        *account,
                           KabarOAuth2Resource  resource);

/* With cache_lock held: a resource someone waits for, or -1. */
static int
find_waited_for (Entry *entry)
{
  for (guint i = 0; i < N_RESOURCES; i++)
    if (entry->slots[i].waiters != NULL)
      return i;
  return -1;
}

typedef struct
{
  KabarAccount        *account;
  KabarOAuth2Resource  resource;
} Next;

static gboolean
start_next (gpointer data)
{
  Next *next = data;

  start_refresh (next->account, next->resource);
  return G_SOURCE_REMOVE;
}

static void
next_free (gpointer data)
{
  Next *next = data;

  g_object_unref (next->account);
  g_free (next);
}

/* Hands the outcome to everyone who waited for it, then refreshes for
 * whoever came for another resource meanwhile: after this refresh, so that
 * it reads the refresh token this one may have rotated, and on the
 * context of one who waits for it, which runs while it waits (this one's
 * may not run again soon). */
static void
refresh_done (Refresh      *refresh,
              const GError *error)
{
  g_autoptr(GPtrArray) waiters = NULL;
  g_autoptr(GMainContext) next_context = NULL;
  Entry *entry;
  Slot *slot;
  int next;

  g_mutex_lock (&cache_lock);
  entry = get_entry (kabar_account_get_id (refresh->account));
  slot = &entry->slots[refresh->resource];
  waiters = g_steal_pointer (&slot->waiters);
  if (error == NULL)
    set_token (slot, refresh->tokens->access_token, refresh->tokens->expires_in);
  next = find_waited_for (entry);
  entry->refreshing = next >= 0;
  if (next >= 0)
    next_context = g_main_context_ref (g_task_get_context (g_ptr_array_index (entry->slots[next].waiters, 0)));
  g_mutex_unlock (&cache_lock);

  if (next >= 0)
    {
      Next *data = g_new0 (Next, 1);

      data->account = g_object_ref (refresh->account);
      data->resource = next;
      g_main_context_invoke_full (next_context, G_PRIORITY_DEFAULT, start_next, data, next_free);
    }

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
  kabar_oauth2_form_add (form, "scope", kabar_oauth2_get_resource_scopes (refresh->resource));
  /* No cancellable: others may wait for this refresh too. The request has
   * its own time-out. */
  kabar_oauth2_request_tokens_async (token_uri, refresh->server_name, form, TRUE, NULL,
                                     on_refreshed, refresh);
}

static void
start_refresh (KabarAccount        *account,
               KabarOAuth2Resource  resource)
{
  Refresh *refresh = g_new0 (Refresh, 1);

  refresh->account = g_object_ref (account);
  refresh->resource = resource;
  refresh->server_name = kabar_oauth2_get_server_name (account);
  kabar_secrets_lookup_async (kabar_account_get_id (account), KABAR_SECRET_OAUTH2_REFRESH_TOKEN, NULL,
                              on_refresh_token, refresh);
}

void
kabar_oauth2_get_resource_token_async (KabarAccount        *account,
                                       KabarOAuth2Resource  resource,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Entry *entry;
  Slot *slot;
  char *token = NULL;
  gboolean start = FALSE;

  g_return_if_fail (KABAR_IS_ACCOUNT (account));
  g_return_if_fail (resource < N_RESOURCES);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_oauth2_get_resource_token_async);

  g_mutex_lock (&cache_lock);
  entry = get_entry (kabar_account_get_id (account));
  slot = &entry->slots[resource];
  if (slot->access_token != NULL &&
      slot->expires_at - g_get_monotonic_time () > REFRESH_MARGIN_SECONDS * G_USEC_PER_SEC)
    token = g_strdup (slot->access_token);
  else
    {
      if (slot->waiters == NULL)
        slot->waiters = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (slot->waiters, g_object_ref (task));
      start = !entry->refreshing;
      entry->refreshing = TRUE;
    }
  g_mutex_unlock (&cache_lock);

  if (token != NULL)
    g_task_return_pointer (task, token, (GDestroyNotify) kabar_secrets_free);
  else if (start)
    start_refresh (account, resource);
}

char *
kabar_oauth2_get_resource_token_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kabar_oauth2_get_access_token_async (KabarAccount        *account,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  kabar_oauth2_get_resource_token_async (account, KABAR_OAUTH2_RESOURCE_MAIL, cancellable, callback,
                                         user_data);
}

char *
kabar_oauth2_get_access_token_finish (GAsyncResult  *result,
                                      GError       **error)
{
  return kabar_oauth2_get_resource_token_finish (result, error);
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
