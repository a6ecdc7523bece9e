/* kabar-store-threads.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kabar-store-threads.h"

/* Mailing lists grow References without end; the nearest ancestors are
 * the ones likely to be stored. */
#define MAX_REFERENCES_LOOKED_UP 32

static char *
strip_to_id (const char *start,
             gsize       length)
{
  g_autofree char *id = g_strstrip (g_strndup (start, length));

  return *id != '\0' ? g_steal_pointer (&id) : NULL;
}

/* Adds each <id> of text to ids; a text without brackets (sent by a few
 * broken clients) is taken as whitespace-separated ids. */
static void
scan_message_ids (const char *text,
                  gboolean    first_only,
                  GPtrArray  *ids)
{
  const char *p = text;

  if (text == NULL)
    return;
  if (strchr (text, '<') == NULL)
    {
      g_auto(GStrv) words = g_strsplit_set (text, " \t\r\n", -1);

      for (guint i = 0; words[i] != NULL && !(first_only && ids->len > 0); i++)
        if (*words[i] != '\0')
          g_ptr_array_add (ids, g_strdup (words[i]));
      return;
    }
  while ((p = strchr (p, '<')) != NULL && !(first_only && ids->len > 0))
    {
      const char *end = strchr (p, '>');
      char *id;

      if (end == NULL)
        break;
      id = strip_to_id (p + 1, end - p - 1);
      if (id != NULL)
        g_ptr_array_add (ids, id);
      p = end + 1;
    }
}

char *
kabar_store_parse_message_id (const char *text)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  scan_message_ids (text, TRUE, ids);
  return ids->len > 0 ? g_strdup (g_ptr_array_index (ids, 0)) : NULL;
}

GPtrArray *
kabar_store_parse_message_ids (const char *text)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  scan_message_ids (text, FALSE, ids);
  return ids;
}

char *
kabar_store_format_references (GPtrArray *ids)
{
  GString *text;

  if (ids == NULL || ids->len == 0)
    return NULL;
  text = g_string_new (NULL);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "%s<%s>", i > 0 ? " " : "",
                            (const char *) g_ptr_array_index (ids, i));
  return g_string_free (text, FALSE);
}

gint64
kabar_store_hash_message_id (const char *id)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const guchar *p = (const guchar *) id; *p != '\0'; p++)
    {
      hash ^= *p;
      hash *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return (gint64) hash;
}

gboolean
kabar_store_threader_init (KabarStoreThreader    *self,
                           KabarStoreConnection  *connection,
                           GError               **error)
{
  gint64 max_thread_id;

  self->connection = connection;
  if (!kabar_store_connection_query_int (connection, "SELECT max (thread_id) FROM messages",
                                         &max_thread_id, error))
    return FALSE;
  self->next_thread_id = max_thread_id + 1;
  return TRUE;
}

static void
add_thread (GArray *threads,
            gint64  thread_id)
{
  for (guint i = 0; i < threads->len; i++)
    if (g_array_index (threads, gint64, i) == thread_id)
      return;
  g_array_append_val (threads, thread_id);
}

static gboolean
collect_threads (KabarStoreConnection  *connection,
                 const char            *sql,
                 const char            *id,
                 GArray                *threads,
                 GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, sql, error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, kabar_store_hash_message_id (id));
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    add_thread (threads, sqlite3_column_int64 (stmt, 0));
  return stepped;
}

static gboolean
collect_by_message_id (KabarStoreConnection  *connection,
                       const char            *id,
                       GArray                *threads,
                       GError               **error)
{
  return collect_threads (connection,
                          "SELECT thread_id FROM messages "
                          "WHERE message_id_hash = ?1 AND message_id = ?2",
                          id, threads, error);
}

/* The message's copies, its parent and its nearest ancestors. */
static gboolean
collect_related_threads (KabarStoreConnection  *connection,
                         const char            *message_id,
                         const char            *in_reply_to,
                         GPtrArray             *references,
                         GArray                *threads,
                         GError               **error)
{
  guint n_references = references != NULL ? references->len : 0;
  guint looked_up = 0;

  if (message_id != NULL && !collect_by_message_id (connection, message_id, threads, error))
    return FALSE;
  if (in_reply_to != NULL && !collect_by_message_id (connection, in_reply_to, threads, error))
    return FALSE;
  for (guint i = n_references; i > 0 && looked_up < MAX_REFERENCES_LOOKED_UP; i--)
    {
      const char *id = g_ptr_array_index (references, i - 1);

      if (g_strcmp0 (id, message_id) == 0 || g_strcmp0 (id, in_reply_to) == 0)
        continue;
      looked_up++;
      if (!collect_by_message_id (connection, id, threads, error))
        return FALSE;
    }
  /* Replies stored before this message. */
  if (message_id != NULL
      && !collect_threads (connection,
                           "SELECT thread_id FROM messages "
                           "WHERE in_reply_to_hash = ?1 AND in_reply_to = ?2",
                           message_id, threads, error))
    return FALSE;
  return TRUE;
}

static gboolean
merge_thread (KabarStoreConnection  *connection,
              gint64                 from,
              gint64                 into,
              GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE messages SET thread_id = ?1 WHERE thread_id = ?2",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, into);
  sqlite3_bind_int64 (stmt, 2, from);
  return kabar_store_statement_run (stmt, error);
}

/* The oldest thread keeps its id: the others are usually a reply or two
 * that arrived before this message. */
static gboolean
merge_into_oldest (KabarStoreConnection  *connection,
                   GArray                *threads,
                   gint64                *oldest,
                   GError               **error)
{
  *oldest = g_array_index (threads, gint64, 0);
  for (guint i = 1; i < threads->len; i++)
    *oldest = MIN (*oldest, g_array_index (threads, gint64, i));
  for (guint i = 0; i < threads->len; i++)
    if (g_array_index (threads, gint64, i) != *oldest
        && !merge_thread (connection, g_array_index (threads, gint64, i), *oldest, error))
      return FALSE;
  return TRUE;
}

gboolean
kabar_store_threader_assign (KabarStoreThreader    *self,
                             const char            *message_id,
                             const char            *in_reply_to,
                             GPtrArray             *references,
                             gint64                *thread_id,
                             GError               **error)
{
  g_autoptr(GArray) threads = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!collect_related_threads (self->connection, message_id, in_reply_to, references,
                                threads, error))
    return FALSE;
  if (threads->len == 0)
    {
      *thread_id = kabar_store_threader_new_thread (self);
      return TRUE;
    }
  return merge_into_oldest (self->connection, threads, thread_id, error);
}

gint64
kabar_store_threader_new_thread (KabarStoreThreader *self)
{
  return self->next_thread_id++;
}

gboolean
kabar_store_thread_join (KabarStoreConnection  *connection,
                         const char            *message_id,
                         const char            *in_reply_to,
                         GPtrArray             *references,
                         gint64                 own_thread,
                         GError               **error)
{
  g_autoptr(GArray) threads = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 oldest;

  g_array_append_val (threads, own_thread);
  return collect_related_threads (connection, message_id, in_reply_to, references, threads,
                                  error)
         && merge_into_oldest (connection, threads, &oldest, error);
}
