/* kabar-store-pending.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pending operations: the user's work that exists nowhere else until the
 * server confirms it, so every write here is flushed to disk.
 */

#include "config.h"

#include "kabar-store-private.h"

typedef struct
{
  KabarPendingKind kind;
  gint64 folder_id;
  const char *uid_set;
  const char *payload;
  const char *last_error;
  gint64 id;
} PendingChange;

static gboolean
set_operation_not_found (GError **error,
                         gint64   operation_id)
{
  g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
               "No pending operation with id %" G_GINT64_FORMAT, operation_id);
  return FALSE;
}

static gboolean
insert_operation (KabarStoreConnection  *connection,
                  gpointer               data,
                  GError               **error)
{
  PendingChange *change = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO pending_operations (kind, folder_id, uid_set, "
                                    "  payload, created_at) "
                                    "VALUES (?1, nullif (?2, 0), ?3, ?4, ?5)",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kabar_pending_kind_to_string (change->kind), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, change->folder_id);
  sqlite3_bind_text (stmt, 3, change->uid_set, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, change->payload, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  change->id = sqlite3_last_insert_rowid (kabar_store_connection_get_db (connection));
  return TRUE;
}

gint64
kabar_store_add_pending_operation (KabarStore        *self,
                                   KabarPendingKind   kind,
                                   gint64             folder_id,
                                   const char        *uid_set,
                                   const char        *payload,
                                   GError           **error)
{
  PendingChange change = { kind, folder_id, uid_set, payload, NULL, 0 };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);
  g_return_val_if_fail (kabar_pending_kind_to_string (kind) != NULL, 0);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, insert_operation, &change, error))
    return 0;
  return change.id;
}

static KabarPendingOperation *
operation_from_row (sqlite3_stmt *stmt)
{
  KabarPendingOperation *operation = g_new0 (KabarPendingOperation, 1);

  operation->id = sqlite3_column_int64 (stmt, 0);
  /* The schema's CHECK admits only the kinds there are. */
  kabar_pending_kind_from_string ((const char *) sqlite3_column_text (stmt, 1), &operation->kind);
  operation->folder_id = sqlite3_column_int64 (stmt, 2);
  operation->uid_set = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  operation->payload = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  operation->created_at = sqlite3_column_int64 (stmt, 5);
  operation->attempts = (guint) sqlite3_column_int64 (stmt, 6);
  operation->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  operation->started = sqlite3_column_int (stmt, 8) != 0;
  return operation;
}

GPtrArray *
kabar_store_list_pending_operations (KabarStore  *self,
                                     GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  return kabar_store_read_rows (self,
                                "SELECT id, kind, folder_id, uid_set, payload, created_at, "
                                "  attempts, last_error, started "
                                "FROM pending_operations ORDER BY id",
                                (KabarStoreRowFunc) operation_from_row,
                                (GDestroyNotify) kabar_pending_operation_free, error);
}

static gboolean
change_operation (KabarStoreConnection  *connection,
                  const char            *sql,
                  PendingChange         *change,
                  GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, change->id);
  if (sqlite3_bind_parameter_count (stmt) > 1)
    sqlite3_bind_text (stmt, 2, change->last_error, -1, SQLITE_STATIC);
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  if (kabar_store_connection_changes (connection) == 0)
    return set_operation_not_found (error, change->id);
  return TRUE;
}

static gboolean
delete_operation (KabarStoreConnection  *connection,
                  gpointer               data,
                  GError               **error)
{
  return change_operation (connection, "DELETE FROM pending_operations WHERE id = ?1",
                           data, error);
}

gboolean
kabar_store_remove_pending_operation (KabarStore  *self,
                                      gint64       operation_id,
                                      GError     **error)
{
  PendingChange change = { 0, 0, NULL, NULL, NULL, operation_id };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, delete_operation, &change, error);
}

static gboolean
count_failure (KabarStoreConnection  *connection,
               gpointer               data,
               GError               **error)
{
  return change_operation (connection,
                           "UPDATE pending_operations "
                           "SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                           data, error);
}

gboolean
kabar_store_record_pending_failure (KabarStore  *self,
                                    gint64       operation_id,
                                    const char  *last_error,
                                    GError     **error)
{
  PendingChange change = { 0, 0, NULL, NULL, last_error, operation_id };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, count_failure, &change, error);
}
