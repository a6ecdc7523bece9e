/* kabar-store.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening the database, its two connections and the transactions every
 * other part of the store runs its statements in.
 */

#include "config.h"

#include "kabar-store.h"
#include "kabar-store-private.h"
#include "kabar-store-schema.h"

struct _KabarStore
{
  GObject parent_instance;

  char *path;
  KabarStoreConnection *writer;
  KabarStoreConnection *reader;

  KabarStoreInsertHook insert_hook;
  gpointer insert_hook_data;
};

G_DEFINE_FINAL_TYPE (KabarStore, kabar_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (kabar-store-error-quark, kabar_store_error)

/* Writer settings. NORMAL flushes the log at checkpoints only (see the
 * header on durability). A 16 MiB page cache keeps a batch's index pages
 * in memory, and so does temp_store the statement journals: in files they
 * cost a write each. Checkpoints every 32 MiB of log rather than SQLite's
 * 4 MiB: each one costs two flushes to disk, and a sync's batches, whose
 * random index keys rewrite much the same pages, wrote 3 MiB a batch;
 * this made a 100,000-message sync a third faster. journal_size_limit
 * gives the disk back after a larger transaction. */
static const char writer_pragmas[] =
  "PRAGMA synchronous = NORMAL;"
  "PRAGMA foreign_keys = ON;"
  "PRAGMA cache_size = -16384;"
  "PRAGMA temp_store = MEMORY;"
  "PRAGMA wal_autocheckpoint = 8192;"
  "PRAGMA journal_size_limit = 67108864;";

static void
kabar_store_finalize (GObject *object)
{
  KabarStore *self = (KabarStore *) object;

  /* The reader first: the writer's close then checkpoints the log into
   * the database and removes it. */
  g_clear_pointer (&self->reader, kabar_store_connection_close);
  g_clear_pointer (&self->writer, kabar_store_connection_close);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (kabar_store_parent_class)->finalize (object);
}

static void
kabar_store_class_init (KabarStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kabar_store_finalize;
}

static void
kabar_store_init (KabarStore *self)
{
}

static gboolean
enable_wal (KabarStoreConnection  *writer,
            GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (writer,
                                                                       "PRAGMA journal_mode = WAL",
                                                                       error);
  gboolean has_row = FALSE;

  if (stmt == NULL || !kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  /* A file system without shared memory (some network ones) keeps the
   * rollback journal: the store still works, readers just wait more. */
  if (!has_row || g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
    g_warning ("The store at %s cannot use a write-ahead log",
               sqlite3_db_filename (sqlite3_db_handle (stmt), "main"));
  return TRUE;
}

/* Checks the version before anything is written, so a newer Kabar's file
 * is left exactly as it was. */
static KabarStoreConnection *
open_writer (const char  *path,
             GError     **error)
{
  KabarStoreConnection *writer = kabar_store_connection_open (path, FALSE, error);

  if (writer == NULL)
    return NULL;
  if (!kabar_store_schema_check (writer, error)
      || !enable_wal (writer, error)
      || !kabar_store_connection_exec (writer, writer_pragmas, error)
      || !kabar_store_list_init_connection (writer, error)
      || !kabar_store_schema_upgrade (writer, error)
      || !kabar_store_list_fill_keys (writer, error))
    {
      g_prefix_error (error, "%s: ", path);
      kabar_store_connection_close (writer);
      return NULL;
    }
  return writer;
}

KabarStore *
kabar_store_open (const char  *path,
                  GError     **error)
{
  g_autoptr(KabarStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (KABAR_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->writer = open_writer (path, error);
  if (self->writer == NULL)
    return NULL;
  /* Opened after the writer has made the log and its index, which a
   * read-only connection cannot create. */
  self->reader = kabar_store_connection_open (path, TRUE, error);
  if (self->reader == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

const char *
kabar_store_get_path (KabarStore *self)
{
  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  return self->path;
}

static gboolean
set_synchronous (KabarStoreConnection  *connection,
                 KabarStoreDurability   durability,
                 GError               **error)
{
  /* SQLite refuses to change this inside a transaction. */
  return kabar_store_connection_exec (connection,
                                      durability == KABAR_STORE_DURABILITY_FULL
                                      ? "PRAGMA synchronous = FULL"
                                      : "PRAGMA synchronous = NORMAL",
                                      error);
}

static gboolean
run_transaction (KabarStoreConnection  *connection,
                 const char            *begin,
                 KabarStoreWork         work,
                 gpointer               data,
                 GError               **error)
{
  if (!kabar_store_connection_exec (connection, begin, error))
    return FALSE;
  if (work (connection, data, error)
      && kabar_store_connection_exec (connection, "COMMIT", error))
    return TRUE;
  kabar_store_connection_rollback (connection);
  return FALSE;
}

static gboolean
write_locked (KabarStoreConnection  *writer,
              KabarStoreDurability   durability,
              KabarStoreWork         work,
              gpointer               data,
              GError               **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean done;

  if (durability == KABAR_STORE_DURABILITY_NORMAL)
    return run_transaction (writer, "BEGIN IMMEDIATE", work, data, error);

  if (!set_synchronous (writer, durability, error))
    return FALSE;
  done = run_transaction (writer, "BEGIN IMMEDIATE", work, data, error);
  if (!set_synchronous (writer, KABAR_STORE_DURABILITY_NORMAL, &local_error))
    g_warning ("The store stays in synchronous=FULL mode: %s", local_error->message);
  return done;
}

gboolean
kabar_store_write (KabarStore            *self,
                   KabarStoreDurability   durability,
                   KabarStoreWork         work,
                   gpointer               data,
                   GError               **error)
{
  gboolean done;

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  kabar_store_connection_lock (self->writer);
  done = write_locked (self->writer, durability, work, data, error);
  kabar_store_connection_unlock (self->writer);
  return done;
}

gboolean
kabar_store_read (KabarStore      *self,
                  KabarStoreWork   work,
                  gpointer         data,
                  GError         **error)
{
  gboolean done;

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  kabar_store_connection_lock (self->reader);
  done = run_transaction (self->reader, "BEGIN", work, data, error);
  kabar_store_connection_unlock (self->reader);
  return done;
}

typedef struct
{
  const char *sql;
  KabarStoreRowFunc row_func;
  GPtrArray *items;
} RowsRead;

static gboolean
read_rows (KabarStoreConnection  *connection,
           gpointer               data,
           GError               **error)
{
  RowsRead *read = data;
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, read->sql, error);

  return stmt != NULL && kabar_store_statement_collect (stmt, read->row_func, read->items, error);
}

GPtrArray *
kabar_store_read_rows (KabarStore         *self,
                       const char         *sql,
                       KabarStoreRowFunc   row_func,
                       GDestroyNotify      free_func,
                       GError            **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (free_func);
  RowsRead read = { sql, row_func, items };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_rows, &read, error))
    return NULL;
  return g_steal_pointer (&items);
}

gboolean
kabar_store_exec_for_testing (KabarStore  *self,
                              const char  *sql,
                              GError     **error)
{
  gboolean done;

  kabar_store_connection_lock (self->writer);
  done = kabar_store_connection_exec (self->writer, sql, error);
  kabar_store_connection_unlock (self->writer);
  return done;
}

void
kabar_store_set_insert_hook_for_testing (KabarStore           *self,
                                         KabarStoreInsertHook  hook,
                                         gpointer              data)
{
  self->insert_hook = hook;
  self->insert_hook_data = data;
}

KabarStoreInsertHook
kabar_store_get_insert_hook (KabarStore *self,
                             gpointer   *data)
{
  *data = self->insert_hook_data;
  return self->insert_hook;
}
