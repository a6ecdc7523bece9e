/* kabar-store-messages.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Message summaries: the sync's batches in, the message list's pages out.
 */

#include "config.h"

#include "kabar-store-private.h"
#include "kabar-store-threads.h"

#define SUMMARY_COLUMNS \
  "id, folder_id, uid, flags, keywords, modseq, internal_date, date, size, " \
  "subject, from_name, from_address, to_list, cc_list, message_id, " \
  "in_reply_to, refs, thread_id, has_attachments, preview"

/* Whether the row has a flag change the server has not confirmed yet
 * (version-002.sql): the server's flags must not overwrite it. */
#define HAS_PENDING_FLAGS \
  "EXISTS (SELECT 1 FROM pending_messages " \
  "        WHERE source_id = messages.id AND old_flags IS NOT NULL)"

enum
{
  COLUMN_ID,
  COLUMN_FOLDER_ID,
  COLUMN_UID,
  COLUMN_FLAGS,
  COLUMN_KEYWORDS,
  COLUMN_MODSEQ,
  COLUMN_INTERNAL_DATE,
  COLUMN_DATE,
  COLUMN_SIZE,
  COLUMN_SUBJECT,
  COLUMN_FROM_NAME,
  COLUMN_FROM_ADDRESS,
  COLUMN_TO,
  COLUMN_CC,
  COLUMN_MESSAGE_ID,
  COLUMN_IN_REPLY_TO,
  COLUMN_REFERENCES,
  COLUMN_THREAD_ID,
  COLUMN_HAS_ATTACHMENTS,
  COLUMN_PREVIEW,
};

/* Insertion takes the same columns, id aside, as parameters 1 to 19, the
 * two Message-ID hashes and the two sort keys (given here, the schema's
 * trigger has nothing to do: computing them there cost an update of
 * every new row). */
static const char insert_sql[] =
  "INSERT INTO messages (folder_id, uid, flags, keywords, modseq, internal_date, "
  "  date, size, subject, from_name, from_address, to_list, cc_list, message_id, "
  "  in_reply_to, refs, thread_id, has_attachments, preview, message_id_hash, "
  "  in_reply_to_hash, sender_key, subject_key) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
  "  ?17, ?18, ?19, ?20, ?21, ?22, ?23) "
  "ON CONFLICT (folder_id, uid) DO NOTHING";

static KabarMessageSummary *
summary_from_row (sqlite3_stmt *stmt)
{
  KabarMessageSummary *summary = kabar_message_summary_new ();

  summary->id = sqlite3_column_int64 (stmt, COLUMN_ID);
  summary->folder_id = sqlite3_column_int64 (stmt, COLUMN_FOLDER_ID);
  /* A provisional row's negative uid is the store's own: the server has
   * given it none yet, and IMAP never uses 0. */
  summary->uid = (guint32) MAX (sqlite3_column_int64 (stmt, COLUMN_UID), 0);
  summary->flags = sqlite3_column_int (stmt, COLUMN_FLAGS);
  summary->keywords = kabar_store_column_dup (stmt, COLUMN_KEYWORDS);
  summary->modseq = sqlite3_column_int64 (stmt, COLUMN_MODSEQ);
  summary->internal_date = sqlite3_column_int64 (stmt, COLUMN_INTERNAL_DATE);
  summary->date = sqlite3_column_int64 (stmt, COLUMN_DATE);
  summary->size = sqlite3_column_int64 (stmt, COLUMN_SIZE);
  summary->subject = kabar_store_column_dup (stmt, COLUMN_SUBJECT);
  summary->from_name = kabar_store_column_dup (stmt, COLUMN_FROM_NAME);
  summary->from_address = kabar_store_column_dup (stmt, COLUMN_FROM_ADDRESS);
  summary->to = kabar_store_column_dup (stmt, COLUMN_TO);
  summary->cc = kabar_store_column_dup (stmt, COLUMN_CC);
  summary->message_id = kabar_store_column_dup (stmt, COLUMN_MESSAGE_ID);
  summary->in_reply_to = kabar_store_column_dup (stmt, COLUMN_IN_REPLY_TO);
  summary->references = kabar_store_column_dup (stmt, COLUMN_REFERENCES);
  summary->thread_id = sqlite3_column_int64 (stmt, COLUMN_THREAD_ID);
  summary->has_attachments = sqlite3_column_int (stmt, COLUMN_HAS_ATTACHMENTS) != 0;
  summary->preview = kabar_store_column_dup (stmt, COLUMN_PREVIEW);
  return summary;
}

/* Inserting a batch. */

typedef struct
{
  KabarStore *store;
  gint64 folder_id;
  GPtrArray *summaries;
  /* The new rows, and those of them unread as they went in: a later
   * change to their flags in the same batch (a UID given twice) is
   * counted by the schema's trigger, from those flags. */
  guint inserted;
  guint inserted_unread;
} InsertBatch;

void
kabar_store_row_keys_clear (KabarStoreRowKeys *keys)
{
  g_clear_pointer (&keys->message_id, g_free);
  g_clear_pointer (&keys->in_reply_to, g_free);
  g_clear_pointer (&keys->references, g_ptr_array_unref);
  g_clear_pointer (&keys->references_text, g_free);
  g_clear_pointer (&keys->sender_key, g_free);
  g_clear_pointer (&keys->subject_key, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KabarStoreRowKeys, kabar_store_row_keys_clear)

void
kabar_store_row_keys_init (KabarStoreRowKeys         *keys,
                           const KabarMessageSummary *summary)
{
  keys->message_id = kabar_store_parse_message_id (summary->message_id);
  keys->in_reply_to = kabar_store_parse_message_id (summary->in_reply_to);
  keys->references = kabar_store_parse_message_ids (summary->references);
  keys->references_text = kabar_store_format_references (keys->references);
  keys->sender_key = kabar_store_sender_key (summary->from_name, summary->from_address);
  keys->subject_key = kabar_store_subject_key (summary->subject);
}

KabarStoreRowKeys *
kabar_store_row_keys_new (const KabarMessageSummary *summary)
{
  KabarStoreRowKeys *keys = g_new0 (KabarStoreRowKeys, 1);

  kabar_store_row_keys_init (keys, summary);
  return keys;
}

void
kabar_store_row_keys_free (KabarStoreRowKeys *keys)
{
  if (keys == NULL)
    return;
  kabar_store_row_keys_clear (keys);
  g_free (keys);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           parameter,
           const char   *text)
{
  sqlite3_bind_text (stmt, parameter, text, -1, SQLITE_STATIC);
}

/* Every parameter is bound at every row: the statement keeps the last
 * row's values. */
static void
bind_hash (sqlite3_stmt *stmt,
           int           parameter,
           const char   *id)
{
  if (id != NULL)
    sqlite3_bind_int64 (stmt, parameter, kabar_store_hash_message_id (id));
  else
    sqlite3_bind_null (stmt, parameter);
}

static void
bind_summary (sqlite3_stmt              *stmt,
              gint64                     folder_id,
              const KabarMessageSummary *summary,
              const KabarStoreRowKeys   *ids,
              gint64                     thread_id)
{
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, summary->uid);
  sqlite3_bind_int (stmt, 3, summary->flags);
  bind_text (stmt, 4, summary->keywords);
  sqlite3_bind_int64 (stmt, 5, (sqlite3_int64) summary->modseq);
  sqlite3_bind_int64 (stmt, 6, summary->internal_date);
  sqlite3_bind_int64 (stmt, 7, summary->date != 0 ? summary->date : summary->internal_date);
  sqlite3_bind_int64 (stmt, 8, (sqlite3_int64) summary->size);
  bind_text (stmt, 9, summary->subject);
  bind_text (stmt, 10, summary->from_name);
  bind_text (stmt, 11, summary->from_address);
  bind_text (stmt, 12, summary->to);
  bind_text (stmt, 13, summary->cc);
  bind_text (stmt, 14, ids->message_id);
  bind_text (stmt, 15, ids->in_reply_to);
  bind_text (stmt, 16, ids->references_text);
  sqlite3_bind_int64 (stmt, 17, thread_id);
  sqlite3_bind_int (stmt, 18, summary->has_attachments ? 1 : 0);
  bind_text (stmt, 19, summary->preview);
  bind_hash (stmt, 20, ids->message_id);
  bind_hash (stmt, 21, ids->in_reply_to);
  bind_text (stmt, 22, ids->sender_key);
  bind_text (stmt, 23, ids->subject_key);
}

/* A UID the folder has: its envelope is the same, its flags are news,
 * unless the user's change of them is still pending. A hidden row stays
 * hidden: the move or delete that hid it is still pending. */
static gboolean
update_existing (KabarStoreConnection  *connection,
                 gint64                 folder_id,
                 KabarMessageSummary   *summary,
                 GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE messages "
                                    "SET flags = CASE WHEN " HAS_PENDING_FLAGS " THEN flags ELSE ?3 END, "
                                    "  keywords = ?4, modseq = ?5 "
                                    "WHERE folder_id = ?1 AND uid = ?2 "
                                    "RETURNING id, thread_id",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, summary->uid);
  sqlite3_bind_int (stmt, 3, summary->flags);
  bind_text (stmt, 4, summary->keywords);
  sqlite3_bind_int64 (stmt, 5, (sqlite3_int64) summary->modseq);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    return TRUE;
  summary->id = sqlite3_column_int64 (stmt, 0);
  summary->thread_id = sqlite3_column_int64 (stmt, 1);
  /* RETURNING's statement must run to its end before the next one. */
  return kabar_store_statement_run (stmt, error);
}

static gboolean
insert_summary (KabarStoreConnection  *connection,
                sqlite3_stmt          *insert,
                KabarStoreThreader    *threader,
                InsertBatch           *batch,
                KabarMessageSummary   *summary,
                GError               **error)
{
  gint64 folder_id = batch->folder_id;
  sqlite3 *db = kabar_store_connection_get_db (connection);
  g_auto(KabarStoreRowKeys) ids = { NULL, };
  gint64 thread_id;
  gboolean inserted;

  kabar_store_row_keys_init (&ids, summary);
  if (!kabar_store_threader_assign (threader, ids.message_id, ids.in_reply_to,
                                    ids.references, &thread_id, error))
    return FALSE;

  bind_summary (insert, folder_id, summary, &ids, thread_id);
  inserted = kabar_store_statement_run (insert, error);
  sqlite3_reset (insert);
  if (!inserted)
    return FALSE;

  summary->folder_id = folder_id;
  if (sqlite3_changes (db) == 0)
    return update_existing (connection, folder_id, summary, error);
  summary->id = sqlite3_last_insert_rowid (db);
  summary->thread_id = thread_id;
  batch->inserted++;
  if (!(summary->flags & KABAR_MESSAGE_FLAG_SEEN))
    batch->inserted_unread++;
  return TRUE;
}

/* Runs sql with the integers ?1 to ?3. */
static gboolean
run_with_ints (KabarStoreConnection  *connection,
               const char            *sql,
               gint64                 first,
               gint64                 second,
               gint64                 third,
               GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, second);
  sqlite3_bind_int64 (stmt, 3, third);
  return kabar_store_statement_run (stmt, error);
}

/* What triggers would do for each row, done once for the batch's new rows
 * (AUTOINCREMENT ids: they are those above the last id before it). The
 * rows are not indexed for search here: they are named in unindexed
 * (version-003.sql), for kabar_store_index_pending(), which the sync runs
 * while it waits for the network. Indexing was a quarter of the cost of a
 * batch; this insert appends to one B-tree. */
static gboolean
mark_and_count_new_rows (KabarStoreConnection  *connection,
                         InsertBatch           *batch,
                         gint64                 last_old_id,
                         GError               **error)
{
  if (batch->inserted == 0)
    return TRUE;
  return run_with_ints (connection,
                        "INSERT INTO unindexed (message_id) "
                        "SELECT id FROM messages WHERE id > ?1 ORDER BY id",
                        last_old_id, 0, 0, error)
         && run_with_ints (connection,
                           "UPDATE folders SET total_count = total_count + ?2, "
                           "  unread_count = unread_count + ?3 WHERE id = ?1",
                           batch->folder_id, batch->inserted, batch->inserted_unread, error);
}

static gboolean
insert_batch (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  InsertBatch *batch = data;
  g_autoptr(KabarStoreStatement) insert = kabar_store_connection_prepare (connection, insert_sql,
                                                                         error);
  KabarStoreThreader threader;
  gint64 last_old_id;
  gpointer hook_data;
  KabarStoreInsertHook hook = kabar_store_get_insert_hook (batch->store, &hook_data);

  if (insert == NULL
      || !kabar_store_read_folder_path (connection, batch->folder_id, NULL, error)
      || !kabar_store_threader_init (&threader, connection, error)
      || !kabar_store_connection_query_int (connection, "SELECT max (id) FROM messages",
                                            &last_old_id, error))
    return FALSE;
  for (guint i = 0; i < batch->summaries->len; i++)
    {
      if (hook != NULL)
        hook (i, hook_data);
      if (!insert_summary (connection, insert, &threader, batch,
                           g_ptr_array_index (batch->summaries, i), error))
        return FALSE;
    }
  return mark_and_count_new_rows (connection, batch, last_old_id, error);
}

gboolean
kabar_store_insert_summaries (KabarStore  *self,
                              gint64       folder_id,
                              GPtrArray   *summaries,
                              GError     **error)
{
  InsertBatch batch = { self, folder_id, summaries, 0, 0 };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (summaries != NULL, FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, insert_batch, &batch, error);
}

gboolean
kabar_store_insert_message_row_in (KabarStoreConnection       *connection,
                                   KabarStoreThreader         *threader,
                                   gboolean                    join_later,
                                   gint64                      folder_id,
                                   const KabarMessageSummary  *summary,
                                   const KabarStoreRowKeys    *keys,
                                   gint64                      uid,
                                   KabarMessageFlags           flags,
                                   gint64                     *message_id,
                                   GError                    **error)
{
  g_autoptr(KabarStoreStatement) insert = kabar_store_connection_prepare (connection, insert_sql,
                                                                         error);
  g_auto(KabarStoreRowKeys) own_keys = { NULL, };
  gint64 thread_id;

  if (insert == NULL)
    return FALSE;
  if (keys == NULL)
    {
      kabar_store_row_keys_init (&own_keys, summary);
      keys = &own_keys;
    }
  if (join_later)
    thread_id = kabar_store_threader_new_thread (threader);
  else if (!kabar_store_threader_assign (threader, keys->message_id, keys->in_reply_to,
                                         keys->references, &thread_id, error))
    return FALSE;
  bind_summary (insert, folder_id, summary, keys, thread_id);
  sqlite3_bind_int64 (insert, 2, uid);
  sqlite3_bind_int (insert, 3, flags);
  if (!kabar_store_statement_run (insert, error))
    return FALSE;
  *message_id = sqlite3_last_insert_rowid (kabar_store_connection_get_db (connection));
  return TRUE;
}

gboolean
kabar_store_insert_message_row (KabarStoreConnection       *connection,
                                gint64                      folder_id,
                                const KabarMessageSummary  *summary,
                                gint64                      uid,
                                KabarMessageFlags           flags,
                                gint64                     *message_id,
                                GError                    **error)
{
  KabarStoreThreader threader;

  return kabar_store_threader_init (&threader, connection, error)
         && kabar_store_insert_message_row_in (connection, &threader, FALSE, folder_id, summary,
                                               NULL, uid, flags, message_id, error);
}

/* Flags. */

typedef struct
{
  gint64 folder_id;
  const KabarFlagUpdate *updates;
  gsize n_updates;
} FlagBatch;

/* Unchanged rows are not written: a resync without CONDSTORE reports every
 * message, and most have not changed. A row whose flags the user changed
 * keeps them until the change is replayed; the server's are news from
 * before it. */
static gboolean
update_flags_batch (KabarStoreConnection  *connection,
                    gpointer               data,
                    GError               **error)
{
  FlagBatch *batch = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE messages "
                                    "SET flags = CASE WHEN " HAS_PENDING_FLAGS " THEN flags ELSE ?3 END, "
                                    "  keywords = ?4, modseq = ?5 "
                                    "WHERE folder_id = ?1 AND uid = ?2 "
                                    "  AND (flags != ?3 OR keywords IS NOT ?4 OR modseq != ?5)",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, batch->folder_id);
  for (gsize i = 0; i < batch->n_updates; i++)
    {
      const KabarFlagUpdate *update = &batch->updates[i];

      sqlite3_bind_int64 (stmt, 2, update->uid);
      sqlite3_bind_int (stmt, 3, update->flags);
      bind_text (stmt, 4, update->keywords);
      sqlite3_bind_int64 (stmt, 5, (sqlite3_int64) update->modseq);
      if (!kabar_store_statement_run (stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

gboolean
kabar_store_update_flags (KabarStore             *self,
                          gint64                  folder_id,
                          const KabarFlagUpdate  *updates,
                          gsize                   n_updates,
                          GError                **error)
{
  FlagBatch batch = { folder_id, updates, n_updates };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (updates != NULL || n_updates == 0, FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, update_flags_batch, &batch, error);
}

/* Deleting by UID. */

typedef struct
{
  gint64 folder_id;
  const KabarUidRange *ranges;
  gsize n_ranges;
} DeleteBatch;

static gboolean
delete_batch (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  DeleteBatch *batch = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "DELETE FROM messages "
                                    "WHERE folder_id = ?1 AND uid BETWEEN ?2 AND ?3",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, batch->folder_id);
  for (gsize i = 0; i < batch->n_ranges; i++)
    {
      sqlite3_bind_int64 (stmt, 2, MIN (batch->ranges[i].first, batch->ranges[i].last));
      sqlite3_bind_int64 (stmt, 3, MAX (batch->ranges[i].first, batch->ranges[i].last));
      if (!kabar_store_statement_run (stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

gboolean
kabar_store_delete_messages (KabarStore           *self,
                             gint64                folder_id,
                             const KabarUidRange  *ranges,
                             gsize                 n_ranges,
                             GError              **error)
{
  DeleteBatch batch = { folder_id, ranges, n_ranges };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (ranges != NULL || n_ranges == 0, FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, delete_batch, &batch, error);
}

/* Reading. */

typedef struct
{
  gint64 id;
  guint offset;
  guint limit;
  gpointer result;
} ReadQuery;

static gboolean
read_uid_flags (KabarStoreConnection  *connection,
                gpointer               data,
                GError               **error)
{
  ReadQuery *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT uid, flags FROM messages WHERE folder_id = ?1 "
                                    "  AND uid > 0 ORDER BY uid",
                                    error);
  GArray *map = query->result;
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, query->id);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      KabarUidFlags entry = {
        (guint32) sqlite3_column_int64 (stmt, 0),
        sqlite3_column_int (stmt, 1),
      };

      g_array_append_val (map, entry);
    }
  return stepped;
}

GArray *
kabar_store_get_uid_flags (KabarStore  *self,
                           gint64       folder_id,
                           GError     **error)
{
  g_autoptr(GArray) map = g_array_new (FALSE, FALSE, sizeof (KabarUidFlags));
  ReadQuery query = { folder_id, 0, 0, map };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_uid_flags, &query, error))
    return NULL;
  return g_steal_pointer (&map);
}

static gboolean
read_max_uid (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  ReadQuery *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT max (uid) FROM messages WHERE folder_id = ?1 AND uid > 0",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, query->id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  *(guint32 *) query->result = (guint32) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
kabar_store_get_max_uid (KabarStore  *self,
                         gint64       folder_id,
                         guint32     *max_uid,
                         GError     **error)
{
  ReadQuery query = { folder_id, 0, 0, max_uid };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (max_uid != NULL, FALSE);

  return kabar_store_read (self, read_max_uid, &query, error);
}

static gboolean
read_counts (KabarStoreConnection  *connection,
             gpointer               data,
             GError               **error)
{
  ReadQuery *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT total_count, unread_count FROM folders WHERE id = ?1",
                                    error);
  guint *counts = query->result;
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, query->id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                   "No folder with id %" G_GINT64_FORMAT, query->id);
      return FALSE;
    }
  counts[0] = (guint) sqlite3_column_int64 (stmt, 0);
  counts[1] = (guint) sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

gboolean
kabar_store_count_messages (KabarStore  *self,
                            gint64       folder_id,
                            guint       *total,
                            guint       *unread,
                            GError     **error)
{
  guint counts[2] = { 0, 0 };
  ReadQuery query = { folder_id, 0, 0, counts };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  if (!kabar_store_read (self, read_counts, &query, error))
    return FALSE;
  if (total != NULL)
    *total = counts[0];
  if (unread != NULL)
    *unread = counts[1];
  return TRUE;
}

/* Runs a summary query whose parameters are ?1 = query->id and, when the
 * SQL has them, ?2 = limit and ?3 = offset. */
static gboolean
read_summaries (KabarStoreConnection  *connection,
                const char            *sql,
                ReadQuery             *query,
                GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, sql, error);
  GPtrArray *summaries = query->result;
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, query->id);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    {
      sqlite3_bind_int64 (stmt, 2, query->limit);
      sqlite3_bind_int64 (stmt, 3, query->offset);
    }
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    g_ptr_array_add (summaries, summary_from_row (stmt));
  return stepped;
}

static gboolean
read_page (KabarStoreConnection  *connection,
           gpointer               data,
           GError               **error)
{
  /* The order of messages_folder_date: no sorting step. */
  return read_summaries (connection,
                         "SELECT " SUMMARY_COLUMNS " FROM messages "
                         "WHERE folder_id = ?1 AND local_state != 1 "
                         "ORDER BY date DESC, uid DESC LIMIT ?2 OFFSET ?3",
                         data, error);
}

GPtrArray *
kabar_store_list_messages (KabarStore  *self,
                           gint64       folder_id,
                           guint        offset,
                           guint        limit,
                           GError     **error)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  ReadQuery query = { folder_id, offset, limit, page };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_page, &query, error))
    return NULL;
  return g_steal_pointer (&page);
}

static gboolean
read_message (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  ReadQuery *query = data;

  if (!read_summaries (connection, "SELECT " SUMMARY_COLUMNS " FROM messages WHERE id = ?1",
                       query, error))
    return FALSE;
  if (((GPtrArray *) query->result)->len == 0)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                   "No message with id %" G_GINT64_FORMAT, query->id);
      return FALSE;
    }
  return TRUE;
}

KabarMessageSummary *
kabar_store_get_message (KabarStore  *self,
                         gint64       message_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  ReadQuery query = { message_id, 0, 0, found };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_message, &query, error))
    return NULL;
  return g_ptr_array_steal_index (found, 0);
}

typedef struct
{
  const char *message_id;
  GPtrArray *summaries;
} MessageIdQuery;

static gboolean
read_by_message_id (KabarStoreConnection  *connection,
                    gpointer               data,
                    GError               **error)
{
  MessageIdQuery *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT " SUMMARY_COLUMNS " FROM messages "
                                    "WHERE message_id_hash = ?1 AND message_id = ?2 "
                                    "  AND local_state != 1 ORDER BY id",
                                    error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, kabar_store_hash_message_id (query->message_id));
  bind_text (stmt, 2, query->message_id);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    g_ptr_array_add (query->summaries, summary_from_row (stmt));
  return stepped;
}

GPtrArray *
kabar_store_find_by_message_id (KabarStore  *self,
                                const char  *message_id,
                                GError     **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autofree char *normalized = NULL;
  MessageIdQuery query = { NULL, found };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);
  g_return_val_if_fail (message_id != NULL, NULL);

  normalized = kabar_store_parse_message_id (message_id);
  if (normalized == NULL)
    return g_steal_pointer (&found);
  query.message_id = normalized;
  if (!kabar_store_read (self, read_by_message_id, &query, error))
    return NULL;
  return g_steal_pointer (&found);
}

static gboolean
read_thread (KabarStoreConnection  *connection,
             gpointer               data,
             GError               **error)
{
  return read_summaries (connection,
                         "SELECT " SUMMARY_COLUMNS " FROM messages "
                         "WHERE thread_id = ?1 AND local_state != 1 ORDER BY date, id",
                         data, error);
}

GPtrArray *
kabar_store_list_thread (KabarStore  *self,
                         gint64       thread_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) thread = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  ReadQuery query = { thread_id, 0, 0, thread };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_thread, &query, error))
    return NULL;
  return g_steal_pointer (&thread);
}
