/* kabar-store-folders.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The folder tree and each folder's sync state.
 */

#include "config.h"

#include <string.h>

#include "kabar-store-private.h"

#define FOLDER_COLUMNS \
  "id, path, name, parent_id, delimiter, role, attributes, subscribed, " \
  "uidvalidity, uidnext, highestmodseq, last_flag_sync, total_count, unread_count"

static KabarStoreFolder *
folder_from_row (sqlite3_stmt *stmt)
{
  KabarStoreFolder *folder = g_new0 (KabarStoreFolder, 1);
  const char *delimiter = (const char *) sqlite3_column_text (stmt, 4);
  const char *attributes = (const char *) sqlite3_column_text (stmt, 6);

  folder->id = sqlite3_column_int64 (stmt, 0);
  folder->path = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  folder->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  folder->parent_id = sqlite3_column_int64 (stmt, 3);
  folder->delimiter = delimiter != NULL ? delimiter[0] : '\0';
  folder->role = kabar_folder_role_from_string ((const char *) sqlite3_column_text (stmt, 5));
  folder->attributes = g_strsplit (attributes != NULL ? attributes : "", " ", -1);
  folder->subscribed = sqlite3_column_int (stmt, 7) != 0;
  folder->sync.uidvalidity = (guint32) sqlite3_column_int64 (stmt, 8);
  folder->sync.uidnext = (guint32) sqlite3_column_int64 (stmt, 9);
  folder->sync.highestmodseq = (guint64) sqlite3_column_int64 (stmt, 10);
  folder->sync.last_flag_sync = sqlite3_column_int64 (stmt, 11);
  folder->total_count = (guint) sqlite3_column_int64 (stmt, 12);
  folder->unread_count = (guint) sqlite3_column_int64 (stmt, 13);
  return folder;
}

/* The last component of path, and what comes before it (NULL at the top). */
static char *
split_path (const char  *path,
            char         delimiter,
            char       **parent_path)
{
  const char *last = delimiter != '\0' ? strrchr (path, delimiter) : NULL;

  if (last == NULL)
    {
      *parent_path = NULL;
      return g_strdup (path);
    }
  *parent_path = g_strndup (path, last - path);
  return g_strdup (last + 1);
}

static gboolean
set_not_found (GError **error,
               gint64   folder_id)
{
  g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
               "No folder with id %" G_GINT64_FORMAT, folder_id);
  return FALSE;
}

/* Children listed before their parent, or left without one by a rename,
 * find it when it comes. */
static gboolean
adopt_children (KabarStoreConnection  *connection,
                gint64                 folder_id,
                const char            *path,
                char                   delimiter,
                GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE folders SET parent_id = ?1 "
                                    "WHERE parent_id IS NULL AND id != ?1 AND delimiter = ?3 "
                                    "  AND substr (path, 1, length (?2)) = ?2 "
                                    "  AND instr (substr (path, length (?2) + 1), ?3) = 0",
                                    error);
  char delimiter_text[2] = { delimiter, '\0' };
  g_autofree char *prefix = g_strconcat (path, delimiter_text, NULL);

  if (delimiter == '\0')
    return TRUE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_text (stmt, 2, prefix, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, delimiter_text, -1, SQLITE_STATIC);
  return kabar_store_statement_run (stmt, error);
}

/* Upserting. */

typedef struct
{
  const char *path;
  char delimiter;
  const char * const *attributes;
  KabarFolderRole role;
  gboolean subscribed;
  gint64 id;
} FolderUpsert;

static gboolean
upsert_folder (KabarStoreConnection  *connection,
               gpointer               data,
               GError               **error)
{
  FolderUpsert *upsert = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO folders (path, name, parent_id, delimiter, role, "
                                    "  attributes, subscribed) "
                                    "VALUES (?1, ?2, (SELECT id FROM folders WHERE path = ?3), "
                                    "  ?4, ?5, ?6, ?7) "
                                    "ON CONFLICT (path) DO UPDATE SET name = excluded.name, "
                                    "  parent_id = excluded.parent_id, delimiter = excluded.delimiter, "
                                    "  role = excluded.role, attributes = excluded.attributes, "
                                    "  subscribed = excluded.subscribed "
                                    "RETURNING id",
                                    error);
  g_autofree char *parent_path = NULL;
  g_autofree char *name = split_path (upsert->path, upsert->delimiter, &parent_path);
  g_autofree char *attributes = g_strjoinv (" ", (char **) upsert->attributes);
  char delimiter_text[2] = { upsert->delimiter, '\0' };
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, upsert->path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, parent_path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, upsert->delimiter != '\0' ? delimiter_text : NULL, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, kabar_folder_role_to_string (upsert->role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, attributes, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 7, upsert->subscribed ? 1 : 0);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  upsert->id = sqlite3_column_int64 (stmt, 0);
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  return adopt_children (connection, upsert->id, upsert->path, upsert->delimiter, error);
}

gint64
kabar_store_upsert_folder (KabarStore          *self,
                           const char          *path,
                           char                 delimiter,
                           const char * const  *attributes,
                           KabarFolderRole      role,
                           gboolean             subscribed,
                           GError             **error)
{
  const char * const no_attributes[] = { NULL };
  FolderUpsert upsert = {
    path, delimiter, attributes != NULL ? attributes : no_attributes, role, subscribed, 0,
  };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);
  g_return_val_if_fail (path != NULL && *path != '\0', 0);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, upsert_folder, &upsert, error))
    return 0;
  return upsert.id;
}

gboolean
kabar_store_upsert_folder_in (KabarStoreConnection  *connection,
                              const char            *path,
                              char                   delimiter,
                              gboolean               subscribed,
                              gint64                *folder_id,
                              GError               **error)
{
  const char * const no_attributes[] = { NULL };
  FolderUpsert upsert = { path, delimiter, no_attributes, KABAR_FOLDER_ROLE_NONE, subscribed, 0 };

  if (!upsert_folder (connection, &upsert, error))
    return FALSE;
  *folder_id = upsert.id;
  return TRUE;
}

/* Reading. */

typedef struct
{
  gint64 id;
  const char *path;
  GPtrArray *folders;
} FolderQuery;

static gboolean
read_folders (KabarStoreConnection  *connection,
              const char            *sql,
              FolderQuery           *query,
              GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, sql, error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_bind_parameter_count (stmt) > 0)
    {
      if (query->path != NULL)
        sqlite3_bind_text (stmt, 1, query->path, -1, SQLITE_STATIC);
      else
        sqlite3_bind_int64 (stmt, 1, query->id);
    }
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    g_ptr_array_add (query->folders, folder_from_row (stmt));
  return stepped;
}

static gboolean
read_all_folders (KabarStoreConnection  *connection,
                  gpointer               data,
                  GError               **error)
{
  return read_folders (connection, "SELECT " FOLDER_COLUMNS " FROM folders ORDER BY path",
                       data, error);
}

static gboolean
read_one_folder (KabarStoreConnection  *connection,
                 gpointer               data,
                 GError               **error)
{
  FolderQuery *query = data;

  if (!read_folders (connection,
                     query->path != NULL
                     ? "SELECT " FOLDER_COLUMNS " FROM folders WHERE path = ?1"
                     : "SELECT " FOLDER_COLUMNS " FROM folders WHERE id = ?1",
                     query, error))
    return FALSE;
  if (query->folders->len > 0)
    return TRUE;
  if (query->path == NULL)
    return set_not_found (error, query->id);
  g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
               "No folder %s", query->path);
  return FALSE;
}

static GPtrArray *
new_folder_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_store_folder_free);
}

GPtrArray *
kabar_store_list_folders (KabarStore  *self,
                          GError     **error)
{
  g_autoptr(GPtrArray) folders = new_folder_array ();
  FolderQuery query = { 0, NULL, folders };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_all_folders, &query, error))
    return NULL;
  return g_steal_pointer (&folders);
}

KabarStoreFolder *
kabar_store_get_folder (KabarStore  *self,
                        gint64       folder_id,
                        GError     **error)
{
  g_autoptr(GPtrArray) folders = new_folder_array ();
  FolderQuery query = { folder_id, NULL, folders };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_one_folder, &query, error))
    return NULL;
  return g_ptr_array_steal_index (folders, 0);
}

KabarStoreFolder *
kabar_store_get_folder_by_path (KabarStore  *self,
                                const char  *path,
                                GError     **error)
{
  g_autoptr(GPtrArray) folders = new_folder_array ();
  FolderQuery query = { 0, path, folders };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (!kabar_store_read (self, read_one_folder, &query, error))
    return NULL;
  return g_ptr_array_steal_index (folders, 0);
}

/* Renaming. */

typedef struct
{
  gint64 id;
  const char *new_path;
} FolderRename;

static gboolean
read_path (KabarStoreConnection  *connection,
           gint64                 folder_id,
           char                 **path,
           char                  *delimiter,
           GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT path, delimiter FROM folders WHERE id = ?1", error);
  gboolean has_row = FALSE;
  const char *delimiter_text;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    return set_not_found (error, folder_id);
  delimiter_text = (const char *) sqlite3_column_text (stmt, 1);
  *path = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  *delimiter = delimiter_text != NULL ? delimiter_text[0] : '\0';
  return TRUE;
}

static gboolean
move_folder_row (KabarStoreConnection  *connection,
                 gint64                 folder_id,
                 const char            *new_path,
                 char                   delimiter,
                 GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE folders SET path = ?2, name = ?3, "
                                    "  parent_id = (SELECT id FROM folders WHERE path = ?4) "
                                    "WHERE id = ?1",
                                    error);
  g_autofree char *parent_path = NULL;
  g_autofree char *name = split_path (new_path, delimiter, &parent_path);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_text (stmt, 2, new_path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, parent_path, -1, SQLITE_STATIC);
  return kabar_store_statement_run (stmt, error);
}

/* "A/x" becomes "B/x" when "A" becomes "B"; ids, and so parents, stay. */
static gboolean
move_descendants (KabarStoreConnection  *connection,
                  const char            *old_path,
                  const char            *new_path,
                  char                   delimiter,
                  GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE folders SET path = ?2 || substr (path, length (?1) + 1) "
                                    "WHERE substr (path, 1, length (?1)) = ?1",
                                    error);
  char delimiter_text[2] = { delimiter, '\0' };
  g_autofree char *old_prefix = g_strconcat (old_path, delimiter_text, NULL);
  g_autofree char *new_prefix = g_strconcat (new_path, delimiter_text, NULL);

  if (delimiter == '\0')
    return TRUE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, old_prefix, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, new_prefix, -1, SQLITE_STATIC);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
rename_folder (KabarStoreConnection  *connection,
               gpointer               data,
               GError               **error)
{
  FolderRename *rename = data;
  g_autofree char *old_path = NULL;
  char delimiter;

  return read_path (connection, rename->id, &old_path, &delimiter, error)
         && move_folder_row (connection, rename->id, rename->new_path, delimiter, error)
         && move_descendants (connection, old_path, rename->new_path, delimiter, error)
         && adopt_children (connection, rename->id, rename->new_path, delimiter, error);
}

gboolean
kabar_store_rename_folder (KabarStore  *self,
                           gint64       folder_id,
                           const char  *new_path,
                           GError     **error)
{
  FolderRename rename = { folder_id, new_path };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (new_path != NULL && *new_path != '\0', FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, rename_folder, &rename, error);
}

gboolean
kabar_store_rename_folder_in (KabarStoreConnection  *connection,
                              gint64                 folder_id,
                              const char            *new_path,
                              GError               **error)
{
  FolderRename rename = { folder_id, new_path };

  return rename_folder (connection, &rename, error);
}

/* Statements on one folder by id. */

typedef struct
{
  gint64 id;
  const KabarFolderSyncState *state;
} FolderChange;

static gboolean
run_on_folder (KabarStoreConnection  *connection,
               const char            *sql,
               const FolderChange    *change,
               gboolean               must_change,
               GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, change->id);
  if (change->state != NULL)
    {
      sqlite3_bind_int64 (stmt, 2, change->state->uidvalidity);
      sqlite3_bind_int64 (stmt, 3, change->state->uidnext);
      sqlite3_bind_int64 (stmt, 4, (sqlite3_int64) change->state->highestmodseq);
      sqlite3_bind_int64 (stmt, 5, change->state->last_flag_sync);
    }
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  if (must_change && kabar_store_connection_changes (connection) == 0)
    return set_not_found (error, change->id);
  return TRUE;
}

/* Emptying a folder. Each message's row costs its search entry, body and
 * count through the triggers: a 100,000-message folder took a second, too
 * long to hold the writer. So the messages go in chunks, a transaction
 * each, and the folder's new state is written last: a folder left half
 * emptied by a crash still has its old state, and the caller's retry
 * finishes the work. */

#define DELETE_CHUNK_SIZE 5000

typedef struct
{
  gint64 folder_id;
  gboolean more;
} ChunkDelete;

static gboolean
delete_message_chunk (KabarStoreConnection  *connection,
                      gpointer               data,
                      GError               **error)
{
  ChunkDelete *chunk = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "DELETE FROM messages WHERE id IN "
                                    "  (SELECT id FROM messages WHERE folder_id = ?1 LIMIT ?2)",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, chunk->folder_id);
  sqlite3_bind_int (stmt, 2, DELETE_CHUNK_SIZE);
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  chunk->more = kabar_store_connection_changes (connection) == DELETE_CHUNK_SIZE;
  return TRUE;
}

static gboolean
delete_messages_in_chunks (KabarStore  *self,
                           gint64       folder_id,
                           GError     **error)
{
  ChunkDelete chunk = { folder_id, TRUE };

  while (chunk.more)
    if (!kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, delete_message_chunk, &chunk, error))
      return FALSE;
  return TRUE;
}

static gboolean
delete_folder (KabarStoreConnection  *connection,
               gpointer               data,
               GError               **error)
{
  /* What the chunks left (a message inserted meanwhile), bodies, search
   * entries and pending operations go by the schema's cascades. */
  return run_on_folder (connection, "DELETE FROM folders WHERE id = ?1", data, TRUE, error);
}

gboolean
kabar_store_delete_folder (KabarStore  *self,
                           gint64       folder_id,
                           GError     **error)
{
  FolderChange change = { folder_id, NULL };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return delete_messages_in_chunks (self, folder_id, error)
         && kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, delete_folder, &change, error);
}

static gboolean
set_sync_state (KabarStoreConnection  *connection,
                gpointer               data,
                GError               **error)
{
  return run_on_folder (connection,
                        "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4, "
                        "  last_flag_sync = ?5 WHERE id = ?1",
                        data, TRUE, error);
}

gboolean
kabar_store_set_folder_sync_state (KabarStore                  *self,
                                   gint64                       folder_id,
                                   const KabarFolderSyncState  *state,
                                   GError                     **error)
{
  FolderChange change = { folder_id, state };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, set_sync_state, &change, error);
}

/* Operations naming the old UIDs would act on other messages now. */
static gboolean
delete_pending_by_uid (KabarStoreConnection  *connection,
                       gint64                 folder_id,
                       GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "DELETE FROM pending_operations WHERE folder_id = ?1 AND kind = ?2",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  for (KabarPendingKind kind = 0; kind <= KABAR_PENDING_FOLDER_DELETE; kind++)
    {
      if (!kabar_pending_kind_uses_uids (kind))
        continue;
      sqlite3_bind_text (stmt, 2, kabar_pending_kind_to_string (kind), -1, SQLITE_STATIC);
      if (!kabar_store_statement_run (stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

static gboolean
reset_folder (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  FolderChange *change = data;

  return run_on_folder (connection,
                        "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4, "
                        "  last_flag_sync = ?5 WHERE id = ?1",
                        change, TRUE, error)
         && run_on_folder (connection, "DELETE FROM messages WHERE folder_id = ?1",
                           &(FolderChange) { change->id, NULL }, FALSE, error)
         && delete_pending_by_uid (connection, change->id, error);
}

gboolean
kabar_store_reset_folder (KabarStore  *self,
                          gint64       folder_id,
                          guint32      uidvalidity,
                          GError     **error)
{
  KabarFolderSyncState state = { uidvalidity, 0, 0, 0 };
  FolderChange change = { folder_id, &state };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return delete_messages_in_chunks (self, folder_id, error)
         && kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, reset_folder, &change, error);
}

gboolean
kabar_store_read_folder_path (KabarStoreConnection  *connection,
                              gint64                 folder_id,
                              char                 **path,
                              GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, "SELECT path FROM folders WHERE id = ?1", error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                   "No folder with id %" G_GINT64_FORMAT, folder_id);
      return FALSE;
    }
  if (path != NULL)
    *path = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  return TRUE;
}
