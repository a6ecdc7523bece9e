/* kabar-store-texts.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The text of the messages stored without it (version-008.sql): read
 * from their raw bodies with GMime on the caller's thread, then written
 * and indexed for search in one transaction.
 */

#include "config.h"

#include "kabar-mime-text.h"
#include "kabar-store-local.h"
#include "kabar-store-private.h"

/* As much text of a message as the IMAP body fetch indexes. */
#define BODY_TEXT_MAX   ((gsize) 256 * 1024)
/* A call holds this much mail at most, whatever its limit. */
#define READ_BYTES_MAX  ((gsize) 16 * 1024 * 1024)

typedef struct
{
  gint64 message_id;
  GBytes *raw;
  char *text;
  gboolean has_attachments;
} PendingText;

static void
pending_text_clear (gpointer data)
{
  PendingText *pending = data;

  g_clear_pointer (&pending->raw, g_bytes_unref);
  g_clear_pointer (&pending->text, g_free);
}

typedef struct
{
  guint limit;
  GArray *texts;
  /* Where they are (gint64, each once), for the caller to tell the lists
   * that show them. */
  GArray *folder_ids;
} PendingTexts;

static void
add_folder (GArray *folder_ids,
            gint64  folder_id)
{
  for (guint i = 0; i < folder_ids->len; i++)
    if (g_array_index (folder_ids, gint64, i) == folder_id)
      return;
  g_array_append_val (folder_ids, folder_id);
}

static gboolean
read_raw_bodies (KabarStoreConnection  *connection,
                 gpointer               data,
                 GError               **error)
{
  PendingTexts *pending = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT t.message_id, b.raw, m.folder_id FROM text_pending AS t "
                                    "LEFT JOIN bodies AS b ON b.message_id = t.message_id "
                                    "LEFT JOIN messages AS m ON m.id = t.message_id "
                                    "ORDER BY t.message_id LIMIT ?1",
                                    error);
  gboolean has_row = FALSE;
  gboolean stepped = TRUE;
  gsize bytes = 0;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, pending->limit);
  while (bytes < READ_BYTES_MAX
         && (stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      PendingText text = { sqlite3_column_int64 (stmt, 0) };

      /* No body (it went with its message's folder meanwhile): only the
       * mark is left to drop. */
      if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        text.raw = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
      bytes += sqlite3_column_bytes (stmt, 1);
      if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
        add_folder (pending->folder_ids, sqlite3_column_int64 (stmt, 2));
      g_array_append_val (pending->texts, text);
    }
  return bytes >= READ_BYTES_MAX || stepped;
}

/* The whole GMime parse the download left out: the text for search, and
 * whether a part is an attachment. */
static void
parse_texts (GArray *texts)
{
  for (guint i = 0; i < texts->len; i++)
    {
      PendingText *text = &g_array_index (texts, PendingText, i);
      KabarMessageSummary *summary;

      if (text->raw == NULL)
        continue;
      summary = kabar_store_parse_raw (text->raw, BODY_TEXT_MAX, &text->text);
      text->has_attachments = summary->has_attachments;
      kabar_message_summary_free (summary);
    }
}

static gboolean
run_statement (KabarStoreConnection  *connection,
               const char            *sql,
               gint64                 id,
               GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return kabar_store_statement_run (stmt, error);
}

/* The download gave the message a thread of its own: it joins its
 * conversation with its text, so a crash between the two leaves both for
 * the next call. A copy made meanwhile shares its thread, and so joins
 * with it. */
static gboolean
join_thread (KabarStoreConnection  *connection,
             gint64                 message_id,
             GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT message_id, in_reply_to, refs, thread_id "
                                    "FROM messages WHERE id = ?1",
                                    error);
  g_autofree char *id = NULL;
  g_autofree char *in_reply_to = NULL;
  g_autoptr(GPtrArray) references = NULL;
  gint64 thread_id;
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  /* Deleted meanwhile. */
  if (!has_row)
    return TRUE;
  id = kabar_store_parse_message_id ((const char *) sqlite3_column_text (stmt, 0));
  in_reply_to = kabar_store_parse_message_id ((const char *) sqlite3_column_text (stmt, 1));
  references = kabar_store_parse_message_ids ((const char *) sqlite3_column_text (stmt, 2));
  thread_id = sqlite3_column_int64 (stmt, 3);
  kabar_store_statement_release (g_steal_pointer (&stmt));
  return kabar_store_thread_join (connection, id, in_reply_to, references, thread_id, error);
}

/* The snippet follows the text (bodies_preview_update, version-006.sql). */
static gboolean
write_text (KabarStoreConnection  *connection,
            const PendingText     *text,
            GError               **error)
{
  g_autoptr(KabarStoreStatement) body =
    kabar_store_connection_prepare (connection,
                                    "UPDATE bodies SET text = ?2 WHERE message_id = ?1",
                                    error);
  g_autoptr(KabarStoreStatement) mark = NULL;

  if (body == NULL || !join_thread (connection, text->message_id, error))
    return FALSE;
  sqlite3_bind_int64 (body, 1, text->message_id);
  sqlite3_bind_text (body, 2, text->text, -1, SQLITE_STATIC);
  if (text->text != NULL && !kabar_store_statement_run (body, error))
    return FALSE;
  mark = kabar_store_connection_prepare (connection,
                                         "UPDATE messages SET has_attachments = ?2 "
                                         "WHERE id = ?1 AND has_attachments != ?2",
                                         error);
  if (mark == NULL)
    return FALSE;
  sqlite3_bind_int64 (mark, 1, text->message_id);
  sqlite3_bind_int (mark, 2, text->has_attachments ? 1 : 0);
  return kabar_store_statement_run (mark, error)
         && run_statement (connection, "DELETE FROM text_pending WHERE message_id = ?1",
                           text->message_id, error);
}

/* Every message waiting in unindexed up to last_id whose text is here
 * goes into the index, as kabar_store_index_pending() puts it there. */
static gboolean
index_read (KabarStoreConnection  *connection,
            gint64                 last_id,
            GError               **error)
{
  return run_statement (connection,
                        "INSERT INTO message_search (rowid, subject, sender, recipients, body) "
                        "SELECT id, subject, sender, recipients, body FROM message_search_text "
                        "WHERE id IN (SELECT message_id FROM unindexed AS u "
                        "             WHERE u.message_id <= ?1 AND NOT EXISTS "
                        "               (SELECT 1 FROM text_pending AS t "
                        "                WHERE t.message_id = u.message_id))",
                        last_id, error)
         && run_statement (connection,
                           "DELETE FROM unindexed WHERE message_id <= ?1 "
                           "  AND message_id NOT IN (SELECT message_id FROM text_pending)",
                           last_id, error);
}

static gboolean
write_texts (KabarStoreConnection  *connection,
             gpointer               data,
             GError               **error)
{
  GArray *texts = data;

  for (guint i = 0; i < texts->len; i++)
    {
      const PendingText *text = &g_array_index (texts, PendingText, i);

      if (!write_text (connection, text, error))
        {
          g_prefix_error (error, "Storing the text of message %" G_GINT64_FORMAT ": ",
                          text->message_id);
          return FALSE;
        }
    }
  return index_read (connection, g_array_index (texts, PendingText, texts->len - 1).message_id,
                     error);
}

gboolean
kabar_store_read_pending_texts (KabarStore  *self,
                                guint        limit,
                                guint       *read,
                                GArray      *folder_ids,
                                GError     **error)
{
  g_autoptr(GArray) texts = g_array_new (FALSE, FALSE, sizeof (PendingText));
  g_autoptr(GArray) folders = g_array_new (FALSE, FALSE, sizeof (gint64));
  PendingTexts pending = { limit, texts, folders };
  gboolean done;

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (folder_ids == NULL
                        || g_array_get_element_size (folder_ids) == sizeof (gint64), FALSE);

  g_array_set_clear_func (texts, pending_text_clear);
  if (read != NULL)
    *read = 0;
  if (limit == 0)
    return TRUE;
  if (!kabar_store_read (self, read_raw_bodies, &pending, error))
    return FALSE;
  if (texts->len == 0)
    return TRUE;
  parse_texts (texts);
  done = kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_texts, texts, error);
  if (!done)
    return FALSE;
  if (read != NULL)
    *read = texts->len;
  for (guint i = 0; folder_ids != NULL && i < folders->len; i++)
    add_folder (folder_ids, g_array_index (folders, gint64, i));
  return TRUE;
}
