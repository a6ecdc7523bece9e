/* kabar-store-graph.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Graph account's store: remote ids beside local uids, delta links and
 * named state (version-010.sql).
 */

#include "config.h"

#include "kabar-store-graph.h"
#include "kabar-store-private.h"

/* The flags Graph reports; the others (answered, deleted) are the store's. */
#define GRAPH_FLAGS (KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED | KABAR_MESSAGE_FLAG_DRAFT)

/* As kabar-store-messages.c: the user's flag change not yet replayed wins. */
#define HAS_PENDING_FLAGS \
  "EXISTS (SELECT 1 FROM pending_messages " \
  "        WHERE source_id = messages.id AND old_flags IS NOT NULL)"

/* Local states (version-002.sql). */
enum
{
  STATE_SERVER = 0,
  STATE_HIDDEN = 1,
  STATE_PROVISIONAL = 2,
};

/* Reads one value: sql takes ?1 as text when key is not NULL, else the
 * integers ?1 and (when it has it) ?2. */
typedef struct
{
  const char *sql;
  const char *key;
  gint64 number;
  gint64 second;
  char *text;
  gint64 result;
} Lookup;

static gboolean
read_lookup (KabarStoreConnection  *connection,
             gpointer               data,
             GError               **error)
{
  Lookup *lookup = data;
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, lookup->sql,
                                                                       error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  if (lookup->key != NULL)
    sqlite3_bind_text (stmt, 1, lookup->key, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 1, lookup->number);
  if (lookup->key == NULL && sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, lookup->second);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (has_row && sqlite3_column_type (stmt, 0) == SQLITE_TEXT)
    lookup->text = kabar_store_column_dup (stmt, 0);
  else if (has_row)
    lookup->result = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static char *
lookup_text (KabarStore   *store,
             const char   *sql,
             const char   *key,
             gint64        number,
             guint32       second,
             GError      **error)
{
  Lookup lookup = { sql, key, number, second, NULL, 0 };

  if (!kabar_store_read (store, read_lookup, &lookup, error))
    return NULL;
  return lookup.text;
}

static gint64
lookup_id (KabarStore   *store,
           const char   *sql,
           const char   *key,
           GError      **error)
{
  Lookup lookup = { sql, key, 0, 0, NULL, 0 };

  if (!kabar_store_read (store, read_lookup, &lookup, error))
    return 0;
  g_free (lookup.text);
  return lookup.result;
}

/* State. */

char *
kabar_store_graph_get_state (KabarStore  *store,
                             const char  *name,
                             GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (store), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return lookup_text (store, "SELECT value FROM graph_state WHERE name = ?1", name, 0, 0, error);
}

typedef struct
{
  const char *name;
  const char *value;
} StateWrite;

static gboolean
write_state (KabarStoreConnection  *connection,
             gpointer               data,
             GError               **error)
{
  StateWrite *state = data;
  g_autoptr(KabarStoreStatement) stmt = NULL;

  if (state->value == NULL)
    stmt = kabar_store_connection_prepare (connection, "DELETE FROM graph_state WHERE name = ?1",
                                           error);
  else
    stmt = kabar_store_connection_prepare (connection,
                                           "INSERT INTO graph_state (name, value) VALUES (?1, ?2) "
                                           "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, state->name, -1, SQLITE_STATIC);
  if (state->value != NULL)
    sqlite3_bind_text (stmt, 2, state->value, -1, SQLITE_STATIC);
  return kabar_store_statement_run (stmt, error);
}

gboolean
kabar_store_graph_set_state (KabarStore  *store,
                             const char  *name,
                             const char  *value,
                             GError     **error)
{
  StateWrite state = { name, value };

  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return kabar_store_write (store, KABAR_STORE_DURABILITY_NORMAL, write_state, &state, error);
}

typedef struct
{
  const char *prefix;
  GPtrArray *names;
} StateNames;

static gpointer
name_from_row (KabarStoreStatement *stmt)
{
  return kabar_store_column_dup (stmt, 0);
}

static gboolean
read_state_names (KabarStoreConnection  *connection,
                  gpointer               data,
                  GError               **error)
{
  StateNames *state = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT name FROM graph_state "
                                    "WHERE substr (name, 1, length (?1)) = ?1 ORDER BY name",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, state->prefix, -1, SQLITE_STATIC);
  return kabar_store_statement_collect (stmt, name_from_row, state->names, error);
}

GStrv
kabar_store_graph_list_states (KabarStore  *store,
                               const char  *prefix,
                               GError     **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  StateNames state = { prefix, names };

  g_return_val_if_fail (KABAR_IS_STORE (store), NULL);
  g_return_val_if_fail (prefix != NULL, NULL);

  if (!kabar_store_read (store, read_state_names, &state, error))
    return NULL;
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* Folders. */

void
kabar_graph_folder_record_free (KabarGraphFolderRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->remote_id);
  g_free (record->parent_remote_id);
  g_free (record->display_name);
  g_free (record);
}

static gpointer
folder_record_from_row (KabarStoreStatement *stmt)
{
  KabarGraphFolderRecord *record = g_new0 (KabarGraphFolderRecord, 1);

  record->folder_id = sqlite3_column_int64 (stmt, 0);
  record->remote_id = kabar_store_column_dup (stmt, 1);
  record->parent_remote_id = kabar_store_column_dup (stmt, 2);
  record->display_name = kabar_store_column_dup (stmt, 3);
  return record;
}

GPtrArray *
kabar_store_graph_list_folders (KabarStore  *store,
                                GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (store), NULL);

  return kabar_store_read_rows (store,
                                "SELECT folder_id, remote_id, parent_remote_id, display_name "
                                "FROM graph_folders ORDER BY folder_id",
                                folder_record_from_row,
                                (GDestroyNotify) kabar_graph_folder_record_free, error);
}

typedef struct
{
  gint64 folder_id;
  const char *remote_id;
  const char *parent_remote_id;
  const char *display_name;
} FolderBinding;

static gboolean
write_folder_binding (KabarStoreConnection  *connection,
                      gpointer               data,
                      GError               **error)
{
  FolderBinding *binding = data;
  g_autoptr(KabarStoreStatement) stmt = NULL;

  if (!kabar_store_read_folder_path (connection, binding->folder_id, NULL, error)
      || !kabar_store_run_int_text (connection,
                                    "DELETE FROM graph_folders WHERE folder_id != ?1 AND remote_id = ?2",
                                    binding->folder_id, binding->remote_id, error))
    return FALSE;
  /* Another remote id is another folder: its delta link means nothing. */
  stmt = kabar_store_connection_prepare (connection,
                                         "INSERT INTO graph_folders (folder_id, remote_id, "
                                         "  parent_remote_id, display_name) VALUES (?1, ?2, ?3, ?4) "
                                         "ON CONFLICT (folder_id) DO UPDATE SET "
                                         "  delta_link = CASE WHEN remote_id = excluded.remote_id "
                                         "               THEN delta_link END, "
                                         "  remote_id = excluded.remote_id, "
                                         "  parent_remote_id = excluded.parent_remote_id, "
                                         "  display_name = excluded.display_name",
                                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, binding->folder_id);
  sqlite3_bind_text (stmt, 2, binding->remote_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, binding->parent_remote_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, binding->display_name, -1, SQLITE_STATIC);
  return kabar_store_statement_run (stmt, error);
}

gboolean
kabar_store_graph_bind_folder (KabarStore  *store,
                               gint64       folder_id,
                               const char  *remote_id,
                               const char  *parent_remote_id,
                               const char  *display_name,
                               GError     **error)
{
  FolderBinding binding = { folder_id, remote_id, parent_remote_id, display_name };

  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (remote_id != NULL && display_name != NULL, FALSE);

  return kabar_store_write (store, KABAR_STORE_DURABILITY_NORMAL, write_folder_binding, &binding,
                            error);
}

char *
kabar_store_graph_get_folder_remote_id (KabarStore  *store,
                                        gint64       folder_id,
                                        GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (store), NULL);

  return lookup_text (store, "SELECT remote_id FROM graph_folders WHERE folder_id = ?1",
                      NULL, folder_id, 0, error);
}

gint64
kabar_store_graph_find_folder (KabarStore  *store,
                               const char  *remote_id,
                               GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (store), 0);
  g_return_val_if_fail (remote_id != NULL, 0);

  return lookup_id (store, "SELECT folder_id FROM graph_folders WHERE remote_id = ?1",
                    remote_id, error);
}

char *
kabar_store_graph_get_folder_delta_link (KabarStore  *store,
                                         gint64       folder_id,
                                         GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (store), NULL);

  return lookup_text (store, "SELECT delta_link FROM graph_folders WHERE folder_id = ?1",
                      NULL, folder_id, 0, error);
}

typedef struct
{
  gint64 folder_id;
  const char *delta_link;
} DeltaLinkWrite;

static gboolean
write_delta_link_in (KabarStoreConnection  *connection,
                     gint64                 folder_id,
                     const char            *delta_link,
                     GError               **error)
{
  if (!kabar_store_run_int_text (connection, "UPDATE graph_folders SET delta_link = ?2 WHERE folder_id = ?1",
                                 folder_id, delta_link, error))
    return FALSE;
  if (kabar_store_connection_changes (connection) == 0)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                   "Folder %" G_GINT64_FORMAT " is not a Graph folder", folder_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_delta_link (KabarStoreConnection  *connection,
                  gpointer               data,
                  GError               **error)
{
  DeltaLinkWrite *write = data;

  return write_delta_link_in (connection, write->folder_id, write->delta_link, error);
}

gboolean
kabar_store_graph_set_folder_delta_link (KabarStore  *store,
                                         gint64       folder_id,
                                         const char  *delta_link,
                                         GError     **error)
{
  DeltaLinkWrite write = { folder_id, delta_link };

  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);

  return kabar_store_write (store, KABAR_STORE_DURABILITY_NORMAL, write_delta_link, &write, error);
}

/* Messages. */

char *
kabar_store_graph_get_message_remote_id (KabarStore  *store,
                                         gint64       message_id,
                                         GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (store), NULL);

  return lookup_text (store, "SELECT remote_id FROM graph_messages WHERE message_row = ?1",
                      NULL, message_id, 0, error);
}

char *
kabar_store_graph_get_uid_remote_id (KabarStore  *store,
                                     gint64       folder_id,
                                     guint32      uid,
                                     GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (store), NULL);

  return lookup_text (store,
                      "SELECT g.remote_id FROM messages AS m "
                      "JOIN graph_messages AS g ON g.message_row = m.id "
                      "WHERE m.folder_id = ?1 AND m.uid = ?2",
                      NULL, folder_id, uid, error);
}

gint64
kabar_store_graph_find_message (KabarStore  *store,
                                const char  *remote_id,
                                GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (store), 0);
  g_return_val_if_fail (remote_id != NULL, 0);

  return lookup_id (store, "SELECT message_row FROM graph_messages WHERE remote_id = ?1",
                    remote_id, error);
}

/* The row bound to a remote id, if any. */
typedef struct
{
  gint64 id;
  gint64 folder_id;
  int local_state;
} BoundRow;

static gboolean
find_bound_row (KabarStoreConnection  *connection,
                const char            *remote_id,
                BoundRow              *row,
                GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT m.id, m.folder_id, m.local_state "
                                    "FROM graph_messages AS g JOIN messages AS m "
                                    "  ON m.id = g.message_row WHERE g.remote_id = ?1",
                                    error);
  gboolean has_row = FALSE;

  *row = (BoundRow) { 0, };
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, remote_id, -1, SQLITE_STATIC);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (has_row)
    {
      row->id = sqlite3_column_int64 (stmt, 0);
      row->folder_id = sqlite3_column_int64 (stmt, 1);
      row->local_state = sqlite3_column_int (stmt, 2);
    }
  return TRUE;
}

static gboolean
bind_row (KabarStoreConnection  *connection,
          gint64                 message_id,
          const char            *remote_id,
          GError               **error)
{
  return kabar_store_run_int_text (connection,
                                   "DELETE FROM graph_messages WHERE message_row != ?1 AND remote_id = ?2",
                                   message_id, remote_id, error)
         && kabar_store_run_int_text (connection,
                                      "INSERT INTO graph_messages (message_row, remote_id) VALUES (?1, ?2) "
                                      "ON CONFLICT (message_row) DO UPDATE SET remote_id = excluded.remote_id, "
                                      "  unconfirmed = 0",
                                      message_id, remote_id, error);
}

typedef struct
{
  gint64 message_id;
  const char *remote_id;
} MessageBinding;

static gboolean
write_message_binding (KabarStoreConnection  *connection,
                       gpointer               data,
                       GError               **error)
{
  MessageBinding *binding = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT folder_id, local_state FROM messages WHERE id = ?1",
                                    error);
  gboolean has_row = FALSE;
  gint64 folder_id, uid;
  int local_state;
  BoundRow bound;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, binding->message_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                   "No message %" G_GINT64_FORMAT " to bind to %s",
                   binding->message_id, binding->remote_id);
      return FALSE;
    }
  folder_id = sqlite3_column_int64 (stmt, 0);
  local_state = sqlite3_column_int (stmt, 1);
  kabar_store_statement_release (g_steal_pointer (&stmt));

  if (!find_bound_row (connection, binding->remote_id, &bound, error))
    return FALSE;
  if (bound.id == binding->message_id)
    return TRUE;
  /* The sync was faster: the folder shows the server's row already. */
  if (bound.id != 0 && bound.folder_id == folder_id && bound.local_state != STATE_HIDDEN)
    return local_state != STATE_PROVISIONAL
           || kabar_store_run_ints (connection, "DELETE FROM messages WHERE id = ?1",
                                    binding->message_id, 0, error);
  if (local_state == STATE_PROVISIONAL
      && (!kabar_store_take_local_uid_in (connection, folder_id, &uid, error)
          || !kabar_store_run_ints (connection,
                                    "UPDATE messages SET uid = ?2, local_state = 0 WHERE id = ?1",
                                    binding->message_id, uid, error)))
    return FALSE;
  return bind_row (connection, binding->message_id, binding->remote_id, error);
}

gboolean
kabar_store_graph_bind_message (KabarStore  *store,
                                gint64       message_id,
                                const char  *remote_id,
                                GError     **error)
{
  MessageBinding binding = { message_id, remote_id };

  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (remote_id != NULL, FALSE);

  return kabar_store_write (store, KABAR_STORE_DURABILITY_FULL, write_message_binding, &binding,
                            error);
}

/* Applying a delta page. */

typedef struct
{
  gint64 folder_id;
  GPtrArray *remote_ids;
  GPtrArray *summaries;
  GPtrArray *removed;
  GArray *new_ids;
  guint n_new_ids;
} DeltaPage;

/* The server's news about a row the folder has: its flags (unless the
 * user's change is pending) and what another device may change. */
static gboolean
update_row (KabarStoreConnection       *connection,
            gint64                      message_id,
            const KabarMessageSummary  *summary,
            GError                    **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE messages SET "
                                    "  flags = CASE WHEN " HAS_PENDING_FLAGS " THEN flags "
                                    "          ELSE (flags & ~?3) | ?2 END, "
                                    "  subject = ?4, has_attachments = ?5, "
                                    "  preview = coalesce (?6, preview) "
                                    "WHERE id = ?1",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int (stmt, 2, summary->flags & GRAPH_FLAGS);
  sqlite3_bind_int (stmt, 3, GRAPH_FLAGS);
  sqlite3_bind_text (stmt, 4, summary->subject, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, summary->has_attachments);
  sqlite3_bind_text (stmt, 6, summary->preview, -1, SQLITE_STATIC);
  return kabar_store_statement_run (stmt, error)
         && kabar_store_run_ints (connection,
                                  "UPDATE graph_messages SET unconfirmed = 0 WHERE message_row = ?1",
                                  message_id, 0, error);
}

/* Moved here by another device: the row follows, keeping its id. */
static gboolean
move_row (KabarStoreConnection  *connection,
          gint64                 message_id,
          gint64                 folder_id,
          GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE messages SET folder_id = ?2, uid = ?3 WHERE id = ?1",
                                    error);
  gint64 uid;

  if (stmt == NULL || !kabar_store_take_local_uid_in (connection, folder_id, &uid, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, folder_id);
  sqlite3_bind_int64 (stmt, 3, uid);
  return kabar_store_statement_run (stmt, error);
}

/* A new row, counted and waiting for the search index as a sync batch's
 * rows are (kabar-store-messages.c). */
static gboolean
insert_row (KabarStoreConnection  *connection,
            KabarStoreThreader    *threader,
            DeltaPage             *page,
            KabarMessageSummary   *summary,
            const char            *remote_id,
            GError               **error)
{
  gint64 uid, message_id;

  if (!kabar_store_take_local_uid_in (connection, page->folder_id, &uid, error)
      || !kabar_store_insert_message_row_in (connection, threader, FALSE, page->folder_id,
                                             summary, NULL, uid, summary->flags, &message_id, error)
      || !kabar_store_run_ints (connection, "INSERT INTO unindexed (message_id) VALUES (?1)",
                                message_id, 0, error)
      || !kabar_store_run_ints (connection,
                                "UPDATE folders SET total_count = total_count + 1, "
                                "  unread_count = unread_count + ?2 WHERE id = ?1",
                                page->folder_id, !(summary->flags & KABAR_MESSAGE_FLAG_SEEN), error)
      || !bind_row (connection, message_id, remote_id, error))
    return FALSE;
  summary->id = message_id;
  summary->folder_id = page->folder_id;
  summary->uid = (guint32) uid;
  if (page->new_ids != NULL)
    {
      g_array_append_val (page->new_ids, message_id);
      page->n_new_ids++;
    }
  return TRUE;
}

static gboolean
apply_one (KabarStoreConnection  *connection,
           KabarStoreThreader    *threader,
           DeltaPage             *page,
           KabarMessageSummary   *summary,
           const char            *remote_id,
           GError               **error)
{
  BoundRow bound;

  if (!find_bound_row (connection, remote_id, &bound, error))
    return FALSE;
  if (bound.id != 0 && bound.folder_id == page->folder_id)
    return update_row (connection, bound.id, summary, error);
  if (bound.id != 0 && bound.local_state == STATE_SERVER)
    return move_row (connection, bound.id, page->folder_id, error)
           && update_row (connection, bound.id, summary, error);
  /* Hidden in another folder by the user's pending move or delete: that
   * row stays for the operation, and this folder gets its own. */
  return insert_row (connection, threader, page, summary, remote_id, error);
}

static gboolean
remove_one (KabarStoreConnection  *connection,
            gint64                 folder_id,
            const char            *remote_id,
            GError               **error)
{
  BoundRow bound;

  if (!find_bound_row (connection, remote_id, &bound, error))
    return FALSE;
  if (bound.id == 0 || bound.folder_id != folder_id || bound.local_state == STATE_PROVISIONAL)
    return TRUE;
  return kabar_store_run_ints (connection, "DELETE FROM messages WHERE id = ?1", bound.id, 0, error);
}

static gboolean
write_delta_page (KabarStoreConnection  *connection,
                  gpointer               data,
                  GError               **error)
{
  DeltaPage *page = data;
  KabarStoreThreader threader;

  if (!kabar_store_read_folder_path (connection, page->folder_id, NULL, error)
      || !kabar_store_threader_init (&threader, connection, error))
    return FALSE;
  for (guint i = 0; page->summaries != NULL && i < page->summaries->len; i++)
    if (!apply_one (connection, &threader, page, g_ptr_array_index (page->summaries, i),
                    g_ptr_array_index (page->remote_ids, i), error))
      return FALSE;
  for (guint i = 0; page->removed != NULL && i < page->removed->len; i++)
    if (!remove_one (connection, page->folder_id, g_ptr_array_index (page->removed, i), error))
      return FALSE;
  return TRUE;
}

gboolean
kabar_store_graph_apply_messages (KabarStore  *store,
                                  gint64       folder_id,
                                  GPtrArray   *remote_ids,
                                  GPtrArray   *summaries,
                                  GPtrArray   *removed,
                                  GArray      *new_ids,
                                  GError     **error)
{
  DeltaPage page = { folder_id, remote_ids, summaries, removed, new_ids, 0 };

  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);
  g_return_val_if_fail ((remote_ids == NULL && summaries == NULL)
                        || (remote_ids != NULL && summaries != NULL
                            && remote_ids->len == summaries->len), FALSE);

  if (kabar_store_write (store, KABAR_STORE_DURABILITY_NORMAL, write_delta_page, &page, error))
    return TRUE;
  /* A rolled back page added nothing. */
  if (new_ids != NULL)
    g_array_set_size (new_ids, new_ids->len - page.n_new_ids);
  return FALSE;
}

static gboolean
write_begin_full_sync (KabarStoreConnection  *connection,
                       gpointer               data,
                       GError               **error)
{
  gint64 *folder_id = data;

  return kabar_store_read_folder_path (connection, *folder_id, NULL, error)
         && kabar_store_run_ints (connection,
                                  "UPDATE graph_messages SET unconfirmed = 1 WHERE message_row IN "
                                  "  (SELECT id FROM messages WHERE folder_id = ?1)",
                                  *folder_id, 0, error);
}

gboolean
kabar_store_graph_begin_full_sync (KabarStore  *store,
                                   gint64       folder_id,
                                   GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);

  return kabar_store_write (store, KABAR_STORE_DURABILITY_NORMAL, write_begin_full_sync,
                            &folder_id, error);
}

static gboolean
write_end_full_sync (KabarStoreConnection  *connection,
                     gpointer               data,
                     GError               **error)
{
  DeltaLinkWrite *write = data;

  return kabar_store_run_ints (connection,
                               "DELETE FROM messages WHERE folder_id = ?1 AND local_state != 2 "
                               "  AND id IN (SELECT message_row FROM graph_messages WHERE unconfirmed)",
                               write->folder_id, 0, error)
         && write_delta_link_in (connection, write->folder_id, write->delta_link, error);
}

gboolean
kabar_store_graph_end_full_sync (KabarStore  *store,
                                 gint64       folder_id,
                                 const char  *delta_link,
                                 GError     **error)
{
  DeltaLinkWrite write = { folder_id, delta_link };

  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);

  return kabar_store_write (store, KABAR_STORE_DURABILITY_NORMAL, write_end_full_sync, &write,
                            error);
}
