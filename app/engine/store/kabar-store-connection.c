/* kabar-store-connection.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "kabar-store.h"
#include "kabar-store-connection.h"

/* A worker waits this long for another process (a second Kabar, a backup
 * tool) to let go of the database before the call fails with BUSY. */
#define BUSY_TIMEOUT_MS 5000

struct _KabarStoreConnection
{
  sqlite3 *db;
  GMutex lock;
  GHashTable *statements;
};

int
kabar_store_error_code_from_sqlite (int rc,
                                    int system_errno)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return KABAR_STORE_ERROR_DISK_FULL;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return KABAR_STORE_ERROR_CORRUPT;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return KABAR_STORE_ERROR_READ_ONLY;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return KABAR_STORE_ERROR_BUSY;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      /* These two only say that a system call failed: errno says why. */
      if (system_errno == ENOSPC || system_errno == EDQUOT)
        return KABAR_STORE_ERROR_DISK_FULL;
      if (system_errno == EACCES || system_errno == EPERM || system_errno == EROFS)
        return KABAR_STORE_ERROR_READ_ONLY;
      return KABAR_STORE_ERROR_FAILED;
    default:
      return KABAR_STORE_ERROR_FAILED;
    }
}

gboolean
kabar_store_set_sqlite_error (sqlite3  *db,
                              int       rc,
                              GError  **error)
{
  int code = kabar_store_error_code_from_sqlite (rc, db != NULL ? sqlite3_system_errno (db) : 0);
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  g_set_error_literal (error, KABAR_STORE_ERROR, code, message);
  return FALSE;
}

/* Mail is private: the file is made 0600 before SQLite creates it with the
 * umask's mode, and SQLite gives its -wal and -shm files the same mode. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  int fd = g_open (path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  int saved_errno = errno;

  if (fd >= 0)
    return g_close (fd, error);
  if (saved_errno == EEXIST)
    return TRUE;

  g_set_error (error, KABAR_STORE_ERROR,
               kabar_store_error_code_from_sqlite (SQLITE_CANTOPEN, saved_errno),
               "%s: %s", path, g_strerror (saved_errno));
  return FALSE;
}

/* SQLite counts every allocation for sqlite3_status() under one mutex
 * for the whole process, which Kabar never asks for: taking it and the
 * counting were a tenth of the POP download's store write. Only before
 * SQLite's first use; if another library was first, it stays on. */
static void
configure_sqlite_once (void)
{
  static gsize configured = 0;

  if (g_once_init_enter (&configured))
    {
      int rc = sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);

      if (rc != SQLITE_OK)
        g_debug ("SQLite keeps its memory statistics: %s", sqlite3_errstr (rc));
      g_once_init_leave (&configured, 1);
    }
}

KabarStoreConnection *
kabar_store_connection_open (const char  *path,
                             gboolean     read_only,
                             GError     **error)
{
  KabarStoreConnection *self;
  sqlite3 *db = NULL;
  /* NOMUTEX: each connection is used under its own GMutex. */
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
              | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc;

  configure_sqlite_once ();
  if (!read_only && !create_private_file (path, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      kabar_store_set_sqlite_error (db, rc, error);
      g_prefix_error (error, "%s: ", path);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  self = g_new0 (KabarStoreConnection, 1);
  self->db = db;
  g_mutex_init (&self->lock);
  /* By address, which names one text as the text outlives the
   * connection: hashing the text, hundreds of bytes for a message row's
   * insert, was 6% of the POP download's store write. */
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) sqlite3_finalize);
  return self;
}

void
kabar_store_connection_close (KabarStoreConnection *self)
{
  if (self == NULL)
    return;

  /* Statements first: sqlite3_close refuses a connection that has any. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (sqlite3_close (self->db) != SQLITE_OK)
    g_warning ("Closing the store: %s", sqlite3_errmsg (self->db));
  g_mutex_clear (&self->lock);
  g_free (self);
}

sqlite3 *
kabar_store_connection_get_db (KabarStoreConnection *self)
{
  return self->db;
}

void
kabar_store_connection_lock (KabarStoreConnection *self)
{
  g_mutex_lock (&self->lock);
}

void
kabar_store_connection_unlock (KabarStoreConnection *self)
{
  g_mutex_unlock (&self->lock);
}

gboolean
kabar_store_connection_exec (KabarStoreConnection  *self,
                             const char            *sql,
                             GError               **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return kabar_store_set_sqlite_error (self->db, rc, error);
  return TRUE;
}

void
kabar_store_connection_rollback (KabarStoreConnection *self)
{
  if (!sqlite3_get_autocommit (self->db)
      && sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("Rolling back a store transaction: %s", sqlite3_errmsg (self->db));
}

KabarStoreStatement *
kabar_store_connection_prepare (KabarStoreConnection  *self,
                                const char            *sql,
                                GError               **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      kabar_store_set_sqlite_error (self->db, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
kabar_store_connection_query_int (KabarStoreConnection  *self,
                                  const char            *sql,
                                  gint64                *value,
                                  GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (self, sql, error);
  gboolean has_row = FALSE;

  if (stmt == NULL || !kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  *value = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

gboolean
kabar_store_statement_step (KabarStoreStatement  *stmt,
                            gboolean             *has_row,
                            GError              **error)
{
  int rc = sqlite3_step (stmt);

  *has_row = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  return kabar_store_set_sqlite_error (sqlite3_db_handle (stmt), rc, error);
}

gboolean
kabar_store_statement_run (KabarStoreStatement  *stmt,
                           GError              **error)
{
  gboolean has_row;

  return kabar_store_statement_step (stmt, &has_row, error);
}

void
kabar_store_statement_release (KabarStoreStatement *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gboolean
kabar_store_statement_collect (KabarStoreStatement  *stmt,
                               KabarStoreRowFunc     row_func,
                               GPtrArray            *items,
                               GError              **error)
{
  gboolean has_row = FALSE;
  gboolean stepped;

  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    g_ptr_array_add (items, row_func (stmt));
  return stepped;
}

char *
kabar_store_column_dup (KabarStoreStatement *stmt,
                        int                  column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

gboolean
kabar_store_run_ints (KabarStoreConnection  *self,
                      const char            *sql,
                      gint64                 first,
                      gint64                 second,
                      GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, first);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, second);
  return kabar_store_statement_run (stmt, error);
}

gboolean
kabar_store_run_int_text (KabarStoreConnection  *self,
                          const char            *sql,
                          gint64                 number,
                          const char            *text,
                          GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, number);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  return kabar_store_statement_run (stmt, error);
}

int
kabar_store_connection_changes (KabarStoreConnection *self)
{
  return sqlite3_changes (self->db);
}
