/* kabar-store-connection.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to the store: one SQLite connection, its lock and its cache of
 * prepared statements.
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef struct _KabarStoreConnection KabarStoreConnection;

/* A prepared statement from a connection's cache. Releasing it resets it
 * for its next use instead of finalizing it; a statement left unreset would
 * keep its read transaction, and its old snapshot, open. */
typedef sqlite3_stmt KabarStoreStatement;

KabarStoreConnection *kabar_store_connection_open     (const char            *path,
                                                       gboolean               read_only,
                                                       GError               **error);
void                  kabar_store_connection_close    (KabarStoreConnection  *self);

sqlite3              *kabar_store_connection_get_db   (KabarStoreConnection  *self);
void                  kabar_store_connection_lock     (KabarStoreConnection  *self);
void                  kabar_store_connection_unlock   (KabarStoreConnection  *self);

gboolean              kabar_store_connection_exec     (KabarStoreConnection  *self,
                                                       const char            *sql,
                                                       GError               **error);
/* Rolls back the open transaction, if SQLite has not already done so
 * (it does itself after a full disk, for one). */
void                  kabar_store_connection_rollback (KabarStoreConnection  *self);
/* sql must be a string that outlives the connection (a literal): its
 * address is the cache's key, so the same text at two addresses is two
 * statements. */
KabarStoreStatement  *kabar_store_connection_prepare  (KabarStoreConnection  *self,
                                                       const char            *sql,
                                                       GError               **error);
gboolean              kabar_store_connection_query_int (KabarStoreConnection *self,
                                                        const char           *sql,
                                                        gint64               *value,
                                                        GError              **error);

/* Steps once: TRUE with *has_row telling whether a row came. */
gboolean              kabar_store_statement_step      (KabarStoreStatement   *stmt,
                                                       gboolean              *has_row,
                                                       GError               **error);
/* Steps a statement that returns no rows. */
gboolean              kabar_store_statement_run       (KabarStoreStatement   *stmt,
                                                       GError               **error);
void                  kabar_store_statement_release   (KabarStoreStatement   *stmt);
/* One item made from the statement's current row. */
typedef gpointer (*KabarStoreRowFunc) (KabarStoreStatement *stmt);
/* Steps stmt to its end, adding the item row_func makes of each row to
 * items. */
gboolean              kabar_store_statement_collect   (KabarStoreStatement   *stmt,
                                                       KabarStoreRowFunc      row_func,
                                                       GPtrArray             *items,
                                                       GError               **error);
/* The column's text, copied; NULL for NULL. */
char                 *kabar_store_column_dup          (KabarStoreStatement   *stmt,
                                                       int                    column);
/* Runs sql (no rows) with the integers ?1 and, when it has it, ?2. */
gboolean              kabar_store_run_ints            (KabarStoreConnection  *self,
                                                       const char            *sql,
                                                       gint64                 first,
                                                       gint64                 second,
                                                       GError               **error);
/* Runs sql (no rows) with the integer ?1 and the text ?2. */
gboolean              kabar_store_run_int_text        (KabarStoreConnection  *self,
                                                       const char            *sql,
                                                       gint64                 number,
                                                       const char            *text,
                                                       GError               **error);
/* How many rows the last statement changed. */
int                   kabar_store_connection_changes  (KabarStoreConnection  *self);

/* Sets error from the connection's last error and returns FALSE. */
gboolean              kabar_store_set_sqlite_error    (sqlite3               *db,
                                                       int                    rc,
                                                       GError               **error);
int                   kabar_store_error_code_from_sqlite (int                  rc,
                                                          int                  system_errno);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarStoreStatement, kabar_store_statement_release)

G_END_DECLS
