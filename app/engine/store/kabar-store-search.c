/* kabar-store-search.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bodies, fetched on demand, and the full-text search over them and the
 * envelopes. The index itself is kept by the schema's triggers.
 */

#include "config.h"

#include "kabar-store-private.h"

static gboolean
set_message_not_found (GError **error,
                       gint64   message_id)
{
  g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
               "No message with id %" G_GINT64_FORMAT, message_id);
  return FALSE;
}

/* Storing a body. */

typedef struct
{
  gint64 message_id;
  GBytes *raw;
  const char *text;
} BodyWrite;

static gboolean
message_exists (KabarStoreConnection  *connection,
                gint64                 message_id,
                GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, "SELECT 1 FROM messages WHERE id = ?1", error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  return has_row || set_message_not_found (error, message_id);
}

/* An update or an insert, never an upsert: an upsert that meets a
 * conflict runs the insert triggers before the update ones, and the
 * search index would see the body removed twice. */
static gboolean
write_body_row (KabarStoreConnection  *connection,
                const char            *sql,
                BodyWrite             *body,
                GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, sql, error);
  gsize size = 0;
  gconstpointer raw = body->raw != NULL ? g_bytes_get_data (body->raw, &size) : NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, body->message_id);
  if (body->raw != NULL)
    sqlite3_bind_blob64 (stmt, 2, raw != NULL ? raw : "", size, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, body->text, -1, SQLITE_STATIC);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
write_body (KabarStoreConnection  *connection,
            gpointer               data,
            GError               **error)
{
  BodyWrite *body = data;

  if (!message_exists (connection, body->message_id, error)
      || !write_body_row (connection,
                          "UPDATE bodies SET raw = ?2, fetched = ?2 IS NOT NULL, text = ?3 "
                          "WHERE message_id = ?1",
                          body, error))
    return FALSE;
  if (sqlite3_changes (kabar_store_connection_get_db (connection)) > 0)
    return TRUE;
  return write_body_row (connection,
                         "INSERT INTO bodies (message_id, raw, fetched, text) "
                         "VALUES (?1, ?2, ?2 IS NOT NULL, ?3)",
                         body, error);
}

gboolean
kabar_store_set_body (KabarStore  *self,
                      gint64       message_id,
                      GBytes      *raw,
                      const char  *text,
                      GError     **error)
{
  BodyWrite body = { message_id, raw, text };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_body, &body, error);
}

typedef struct
{
  gint64 folder_id;
  guint32 uidvalidity;
  guint32 uid;
  BodyWrite body;
} BodyWriteByUid;

static gboolean
find_message_by_uid (KabarStoreConnection  *connection,
                     BodyWriteByUid        *write,
                     GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT m.id FROM messages AS m "
                                    "JOIN folders AS f ON f.id = m.folder_id "
                                    "WHERE m.folder_id = ?1 AND m.uid = ?2 "
                                    "  AND f.uidvalidity IN (?3, 0)",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, write->folder_id);
  sqlite3_bind_int64 (stmt, 2, write->uid);
  sqlite3_bind_int64 (stmt, 3, write->uidvalidity);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                   "Folder %" G_GINT64_FORMAT " has no message with UID %u under UIDVALIDITY %u",
                   write->folder_id, write->uid, write->uidvalidity);
      return FALSE;
    }
  write->body.message_id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
write_body_by_uid (KabarStoreConnection  *connection,
                   gpointer               data,
                   GError               **error)
{
  BodyWriteByUid *write = data;

  return find_message_by_uid (connection, write, error)
         && write_body (connection, &write->body, error);
}

gboolean
kabar_store_set_body_by_uid (KabarStore  *self,
                             gint64       folder_id,
                             guint32      uidvalidity,
                             guint32      uid,
                             GBytes      *raw,
                             const char  *text,
                             GError     **error)
{
  BodyWriteByUid write = { folder_id, uidvalidity, uid, { 0, raw, text } };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_body_by_uid, &write, error);
}

/* Reading a body. */

typedef struct
{
  gint64 message_id;
  GBytes *raw;
} BodyRead;

static gboolean
read_body (KabarStoreConnection  *connection,
           gpointer               data,
           GError               **error)
{
  BodyRead *body = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT b.raw FROM messages AS m "
                                    "LEFT JOIN bodies AS b ON b.message_id = m.id "
                                    "WHERE m.id = ?1",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, body->message_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    return set_message_not_found (error, body->message_id);
  if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    body->raw = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  return TRUE;
}

GBytes *
kabar_store_get_body (KabarStore  *self,
                      gint64       message_id,
                      GError     **error)
{
  BodyRead body = { message_id, NULL };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_body, &body, error))
    return NULL;
  return body.raw;
}

/* What the prefetch fetches. */

typedef struct
{
  gint64 folder_id;
  gint64 since_unix;
  guint limit;
  GArray *uids;
} MissingBodies;

/* Newest first, as the list shows them: the folder's date index gives
 * them in that order, and each body is one primary-key lookup. */
static gboolean
read_missing_bodies (KabarStoreConnection  *connection,
                     gpointer               data,
                     GError               **error)
{
  MissingBodies *missing = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT m.uid FROM messages AS m "
                                    "WHERE m.folder_id = ?1 AND m.date >= ?2 AND m.local_state = 0 "
                                    "  AND NOT EXISTS (SELECT 1 FROM bodies AS b "
                                    "                  WHERE b.message_id = m.id AND b.fetched) "
                                    "ORDER BY m.date DESC, m.uid DESC LIMIT ?3",
                                    error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, missing->folder_id);
  sqlite3_bind_int64 (stmt, 2, missing->since_unix);
  sqlite3_bind_int64 (stmt, 3, missing->limit);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      guint32 uid = (guint32) sqlite3_column_int64 (stmt, 0);

      g_array_append_val (missing->uids, uid);
    }
  return stepped;
}

GArray *
kabar_store_list_missing_bodies (KabarStore  *self,
                                 gint64       folder_id,
                                 gint64       since_unix,
                                 guint        limit,
                                 GError     **error)
{
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  MissingBodies missing = { folder_id, since_unix, limit, uids };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (limit == 0)
    return g_steal_pointer (&uids);
  if (!kabar_store_read (self, read_missing_bodies, &missing, error))
    return NULL;
  return g_steal_pointer (&uids);
}

/* Indexing what the sync inserted (version-003.sql). */

typedef struct
{
  guint limit;
  guint indexed;
} PendingIndex;

/* The oldest limit rows of unindexed, up to the highest id among them:
 * indexed from message_search_text, with the body they have by now, then
 * taken out of unindexed, which makes message_search_source (the index's
 * content) show them, in one transaction. A message deleted meanwhile
 * took its row of unindexed with it. */
static gboolean
index_pending (KabarStoreConnection  *connection,
               gpointer               data,
               GError               **error)
{
  PendingIndex *pending = data;
  g_autoptr(KabarStoreStatement) last =
    kabar_store_connection_prepare (connection,
                                    "SELECT max (message_id) FROM "
                                    "  (SELECT message_id FROM unindexed "
                                    "   ORDER BY message_id LIMIT ?1)",
                                    error);
  g_autoptr(KabarStoreStatement) index = NULL;
  g_autoptr(KabarStoreStatement) unmark = NULL;
  gboolean has_row = FALSE;
  gint64 last_id;

  if (last == NULL)
    return FALSE;
  sqlite3_bind_int64 (last, 1, pending->limit);
  if (!kabar_store_statement_step (last, &has_row, error))
    return FALSE;
  if (!has_row || sqlite3_column_type (last, 0) == SQLITE_NULL)
    return TRUE;
  last_id = sqlite3_column_int64 (last, 0);

  index = kabar_store_connection_prepare (connection,
                                          "INSERT INTO message_search (rowid, subject, sender, "
                                          "  recipients, body) "
                                          "SELECT id, subject, sender, recipients, body "
                                          "FROM message_search_text "
                                          "WHERE id IN (SELECT message_id FROM unindexed "
                                          "             WHERE message_id <= ?1)",
                                          error);
  if (index == NULL)
    return FALSE;
  sqlite3_bind_int64 (index, 1, last_id);
  if (!kabar_store_statement_run (index, error))
    return FALSE;

  unmark = kabar_store_connection_prepare (connection,
                                           "DELETE FROM unindexed WHERE message_id <= ?1",
                                           error);
  if (unmark == NULL)
    return FALSE;
  sqlite3_bind_int64 (unmark, 1, last_id);
  if (!kabar_store_statement_run (unmark, error))
    return FALSE;
  pending->indexed = (guint) sqlite3_changes (kabar_store_connection_get_db (connection));
  return TRUE;
}

gboolean
kabar_store_index_pending (KabarStore  *self,
                           guint        limit,
                           guint       *indexed,
                           GError     **error)
{
  PendingIndex pending = { limit, 0 };
  gboolean done;

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  if (limit == 0)
    done = TRUE;
  else
    done = kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, index_pending, &pending, error);
  if (indexed != NULL)
    *indexed = done ? pending.indexed : 0;
  return done;
}

/* Searching. */

/* Each word of the user's text becomes a quoted FTS5 string with a prefix
 * star: quotes keep FTS5's operators (AND, NOT, NEAR, -, :, ^, *)
 * literal, and the tokenizer still splits "alice@example.com" into the
 * phrase alice example com, as it did when indexing. */
static char *
build_fts_query (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\r\n", -1);
  GString *query = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *escaped = NULL;
      g_auto(GStrv) quote_parts = NULL;

      if (*words[i] == '\0')
        continue;
      quote_parts = g_strsplit (words[i], "\"", -1);
      escaped = g_strjoinv ("\"\"", quote_parts);
      g_string_append_printf (query, "%s\"%s\"*", query->len > 0 ? " " : "", escaped);
    }
  return g_string_free (query, query->len == 0);
}

typedef struct
{
  const char *fts_query;
  gint64 folder_id;
  guint limit;
  GArray *ids;
} SearchQuery;

/* In one folder, the folder's date index is walked newest first, each
 * row looked up in the matches (gathered once from the index, a few
 * milliseconds even for a word in every message), until limit are found:
 * a common word in 100,000 messages is found in a few milliseconds, where
 * joining every match to its row and sorting them all took 30 to 60. A
 * rare word walks the whole index, about 10 ms. Across folders there is
 * no such index: the matches are joined and sorted (20 to 40 ms for a
 * word in half of 100,000 messages). */
static const char *
search_sql (gint64 folder_id)
{
  if (folder_id != 0)
    return "SELECT m.id FROM messages AS m "
           "WHERE m.folder_id = ?2 AND m.local_state != 1 "
           "  AND m.id IN (SELECT rowid FROM message_search WHERE message_search MATCH ?1) "
           "ORDER BY m.date DESC, m.uid DESC LIMIT ?3";
  return "SELECT m.id FROM message_search AS s "
         "JOIN messages AS m ON m.id = s.rowid "
         "WHERE message_search MATCH ?1 AND ?2 = 0 AND m.local_state != 1 "
         "ORDER BY m.date DESC, m.id DESC LIMIT ?3";
}

static gboolean
read_search (KabarStoreConnection  *connection,
             gpointer               data,
             GError               **error)
{
  SearchQuery *search = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, search_sql (search->folder_id), error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, search->fts_query, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, search->folder_id);
  sqlite3_bind_int64 (stmt, 3, search->limit);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (search->ids, id);
    }
  return stepped;
}

GArray *
kabar_store_search (KabarStore  *self,
                    const char  *query,
                    gint64       folder_id,
                    guint        limit,
                    GError     **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *fts_query = NULL;
  SearchQuery search = { NULL, folder_id, limit, ids };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  fts_query = build_fts_query (query);
  if (fts_query == NULL || limit == 0)
    return g_steal_pointer (&ids);
  search.fts_query = fts_query;
  if (!kabar_store_read (self, read_search, &search, error))
    return NULL;
  return g_steal_pointer (&ids);
}
