/* kabar-store-senders.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The senders allowed to load remote content (version-005.sql).
 */

#include "config.h"

#include "kabar-store-private.h"
#include "kabar-store-senders.h"

typedef struct
{
  char     *address;
  gboolean  allowed;
} SenderQuery;

static void
sender_query_free (SenderQuery *query)
{
  g_free (query->address);
  g_free (query);
}

/* The store's key: "Ann@Example.org" and "ann@example.org" are one
 * sender to every provider, and to the user. */
static SenderQuery *
sender_query_new (const char *address)
{
  SenderQuery *query = g_new0 (SenderQuery, 1);

  query->address = g_utf8_strdown (address, -1);
  return query;
}

static gboolean
insert_sender (KabarStoreConnection  *connection,
               gpointer               data,
               GError               **error)
{
  SenderQuery *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO remote_content_senders (address, allowed_at) "
                                    "VALUES (?1, ?2) ON CONFLICT (address) DO NOTHING",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, query->address, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
read_sender (KabarStoreConnection  *connection,
             gpointer               data,
             GError               **error)
{
  SenderQuery *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT 1 FROM remote_content_senders WHERE address = ?1",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, query->address, -1, SQLITE_TRANSIENT);
  return kabar_store_statement_step (stmt, &query->allowed, error);
}

static gboolean
check_address (const char  *address,
               GError     **error)
{
  if (address != NULL && *address != '\0')
    return TRUE;
  g_set_error_literal (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_FAILED,
                       "A sender without an address cannot be allowed remote content");
  return FALSE;
}

gboolean
kabar_store_allow_remote_content (KabarStore  *self,
                                  const char  *address,
                                  GError     **error)
{
  SenderQuery *query;
  gboolean ok;

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  if (!check_address (address, error))
    return FALSE;
  query = sender_query_new (address);
  ok = kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, insert_sender, query, error);
  sender_query_free (query);
  return ok;
}

gboolean
kabar_store_is_remote_content_allowed (KabarStore  *self,
                                       const char  *address,
                                       gboolean    *allowed,
                                       GError     **error)
{
  SenderQuery *query;
  gboolean ok;

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (allowed != NULL, FALSE);

  *allowed = FALSE;
  if (address == NULL || *address == '\0')
    return TRUE;
  query = sender_query_new (address);
  ok = kabar_store_read (self, read_sender, query, error);
  *allowed = ok && query->allowed;
  sender_query_free (query);
  return ok;
}

static void
allow_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (kabar_store_allow_remote_content (source, data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
kabar_store_allow_remote_content_async (KabarStore          *self,
                                        const char          *address,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (KABAR_IS_STORE (self));

  g_task_set_source_tag (task, kabar_store_allow_remote_content_async);
  g_task_set_task_data (task, g_strdup (address), g_free);
  g_task_run_in_thread (task, allow_thread);
}

gboolean
kabar_store_allow_remote_content_finish (KabarStore    *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
is_allowed_thread (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean allowed = FALSE;

  if (kabar_store_is_remote_content_allowed (source, data, &allowed, &error))
    g_task_return_boolean (task, allowed);
  else
    g_task_return_error (task, error);
}

void
kabar_store_is_remote_content_allowed_async (KabarStore          *self,
                                             const char          *address,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (KABAR_IS_STORE (self));

  g_task_set_source_tag (task, kabar_store_is_remote_content_allowed_async);
  g_task_set_task_data (task, g_strdup (address), g_free);
  g_task_run_in_thread (task, is_allowed_thread);
}

gboolean
kabar_store_is_remote_content_allowed_finish (KabarStore    *self,
                                              GAsyncResult  *result,
                                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
