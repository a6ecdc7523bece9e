/* kabar-store-local.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A POP account's store: local folders, the user's changes completed here
 * as a server would, and the UIDLs of what was downloaded
 * (version-004.sql).
 */

#include "config.h"

#include <string.h>

#include "kabar-mime.h"
#include "kabar-mime-text.h"
#include "kabar-store-local.h"
#include "kabar-store-private.h"

#define SECONDS_PER_DAY 86400

/* The summary of a raw message. */

static char *
format_addresses (InternetAddressList *list)
{
  if (list == NULL || internet_address_list_length (list) == 0)
    return NULL;
  return internet_address_list_to_string (list, NULL, FALSE);
}

static void
fill_from (KabarMessageSummary *summary,
           InternetAddressList *from)
{
  InternetAddress *first;

  if (from == NULL || internet_address_list_length (from) == 0)
    return;
  first = internet_address_list_get_address (from, 0);
  if (internet_address_get_name (first) != NULL && *internet_address_get_name (first) != '\0')
    summary->from_name = g_strdup (internet_address_get_name (first));
  if (INTERNET_ADDRESS_IS_MAILBOX (first))
    summary->from_address = g_strdup (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (first)));
}

char *
kabar_store_format_message_ids (const char *value,
                                gboolean    first_only)
{
  GMimeReferences *references;
  GString *text;

  if (value == NULL)
    return NULL;
  references = g_mime_references_parse (kabar_mime_get_parser_options (), value);
  text = g_string_new (NULL);
  for (int i = 0; references != NULL && i < g_mime_references_length (references); i++)
    {
      const char *id = g_mime_references_get_message_id (references, i);

      if (id != NULL && *id != '\0')
        g_string_append_printf (text, "%s<%s>", text->len > 0 ? " " : "", id);
      if (first_only && text->len > 0)
        break;
    }
  g_clear_pointer (&references, g_mime_references_free);
  if (text->len == 0)
    return g_string_free (text, TRUE);
  return g_string_free (text, FALSE);
}

static void
find_attachment (GMimeObject *parent,
                 GMimeObject *part,
                 gpointer     data)
{
  gboolean *has_attachments = data;

  if (GMIME_IS_PART (part) && g_mime_part_is_attachment (GMIME_PART (part)))
    *has_attachments = TRUE;
}

static void
fill_summary (KabarMessageSummary *summary,
              GMimeMessage        *message)
{
  GMimeObject *object = GMIME_OBJECT (message);
  GDateTime *date = g_mime_message_get_date (message);

  InternetAddressList *from = kabar_mime_dup_addresses (message, GMIME_ADDRESS_TYPE_FROM, NULL);
  InternetAddressList *to = kabar_mime_dup_addresses (message, GMIME_ADDRESS_TYPE_TO, NULL);
  InternetAddressList *cc = kabar_mime_dup_addresses (message, GMIME_ADDRESS_TYPE_CC, NULL);

  summary->subject = kabar_mime_dup_subject (message, NULL);
  summary->date = date != NULL ? g_date_time_to_unix (date) : 0;
  fill_from (summary, from);
  summary->to = format_addresses (to);
  summary->cc = format_addresses (cc);
  g_object_unref (from);
  g_object_unref (to);
  g_object_unref (cc);
  summary->message_id = g_strdup (g_mime_message_get_message_id (message));
  summary->in_reply_to = kabar_store_format_message_ids (g_mime_object_get_header (object, "In-Reply-To"),
                                                        TRUE);
  summary->references = kabar_store_format_message_ids (g_mime_object_get_header (object, "References"),
                                                       FALSE);
  g_mime_message_foreach (message, find_attachment, &summary->has_attachments);
}

KabarMessageSummary *
kabar_store_parse_raw (GBytes  *raw,
                       gsize    text_max,
                       char   **text)
{
  KabarMessageSummary *summary = kabar_message_summary_new ();
  GMimeParserOptions *options = kabar_mime_get_parser_options ();
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (raw, &size);
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (data != NULL ? data : "", size);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, options);

  summary->size = size;
  if (message != NULL)
    fill_summary (summary, message);
  if (text != NULL)
    *text = kabar_mime_extract_text_from_message (message, text_max);
  g_clear_object (&message);
  g_object_unref (parser);
  g_object_unref (stream);
  return summary;
}

KabarMessageSummary *
kabar_store_summary_from_raw (GBytes *raw)
{
  return kabar_store_parse_raw (raw, 0, NULL);
}

/* Local uids. */

/* Provisional rows' uids are negative and count for nothing. */
gboolean
kabar_store_take_local_uid_in (KabarStoreConnection  *connection,
                               gint64                 folder_id,
                               gint64                *uid,
                               GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT max (uidnext, 1 + coalesce ("
                                    "  (SELECT max (uid) FROM messages "
                                    "   WHERE folder_id = ?1 AND uid > 0), 0)) "
                                    "FROM folders WHERE id = ?1",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    return kabar_store_read_folder_path (connection, folder_id, NULL, error);
  *uid = sqlite3_column_int64 (stmt, 0);
  return kabar_store_run_ints (connection, "UPDATE folders SET uidnext = ?2 + 1 WHERE id = ?1",
                               folder_id, *uid, error);
}

/* Local folders. */

static const struct
{
  const char *path;
  KabarFolderRole role;
} local_folders[] = {
  { "INBOX", KABAR_FOLDER_ROLE_INBOX },
  { "Drafts", KABAR_FOLDER_ROLE_DRAFTS },
  { "Sent", KABAR_FOLDER_ROLE_SENT },
  { "Trash", KABAR_FOLDER_ROLE_TRASH },
  { "Junk", KABAR_FOLDER_ROLE_JUNK },
  { "Archive", KABAR_FOLDER_ROLE_ARCHIVE },
};

static gboolean
role_taken (KabarStoreConnection  *connection,
            KabarFolderRole        role,
            gboolean              *taken,
            GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, "SELECT 1 FROM folders WHERE role = ?1 LIMIT 1",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kabar_folder_role_to_string (role), -1, SQLITE_STATIC);
  return kabar_store_statement_step (stmt, taken, error);
}

static gboolean
set_role (KabarStoreConnection  *connection,
          gint64                 folder_id,
          KabarFolderRole        role,
          GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, "UPDATE folders SET role = ?2 WHERE id = ?1",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_text (stmt, 2, kabar_folder_role_to_string (role), -1, SQLITE_STATIC);
  return kabar_store_statement_run (stmt, error);
}

/* A folder the user made at one of these paths before takes the role: a
 * second "Trash" cannot be made beside it. */
static gboolean
add_local_folders (KabarStoreConnection  *connection,
                   gpointer               data,
                   GError               **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (local_folders); i++)
    {
      gboolean taken = FALSE;
      gint64 folder_id = 0;

      if (!role_taken (connection, local_folders[i].role, &taken, error))
        return FALSE;
      if (taken)
        continue;
      if (!kabar_store_upsert_folder_in (connection, local_folders[i].path, '/', TRUE,
                                         &folder_id, error)
          || !set_role (connection, folder_id, local_folders[i].role, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
kabar_store_ensure_local_folders (KabarStore  *self,
                                  GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, add_local_folders, NULL, error);
}

/* Completing the user's changes locally. */

/* One message of an operation: the row it acted on and the provisional
 * row it made, each 0 when it is gone (or never was). */
typedef struct
{
  gint64 source_id;
  gint64 target_id;
  gint64 target_folder_id;
} LocalMessage;

static gboolean
read_local_messages (KabarStoreConnection  *connection,
                     gint64                 operation_id,
                     GArray                *messages,
                     GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT s.id, t.id, t.folder_id FROM pending_messages AS p "
                                    "LEFT JOIN messages AS s ON s.id = p.source_id AND s.local_state = 1 "
                                    "LEFT JOIN messages AS t ON t.id = p.target_id AND t.local_state = 2 "
                                    "WHERE p.operation_id = ?1",
                                    error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, operation_id);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      LocalMessage message = {
        sqlite3_column_int64 (stmt, 0),
        sqlite3_column_int64 (stmt, 1),
        sqlite3_column_int64 (stmt, 2),
      };

      g_array_append_val (messages, message);
    }
  return stepped;
}

/* The provisional row becomes an ordinary one, as a server's COPYUID or
 * APPENDUID would have made it. */
static gboolean
number_target (KabarStoreConnection  *connection,
               const LocalMessage    *message,
               GError               **error)
{
  gint64 uid = 0;

  return kabar_store_take_local_uid_in (connection, message->target_folder_id, &uid, error)
         && kabar_store_run_ints (connection,
                                  "UPDATE messages SET uid = ?2, local_state = 0 WHERE id = ?1",
                                  message->target_id, uid, error);
}

/* The moved row itself goes to the destination, keeping its id, and the
 * provisional copy goes. The schema's triggers count it out of nothing
 * (it was hidden) and into the destination, and the copy out of it. */
static gboolean
move_source (KabarStoreConnection  *connection,
             const LocalMessage    *message,
             GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = NULL;
  gint64 uid = 0;

  if (!kabar_store_run_ints (connection, "DELETE FROM messages WHERE id = ?1",
                             message->target_id, 0, error)
      || !kabar_store_take_local_uid_in (connection, message->target_folder_id, &uid, error))
    return FALSE;
  stmt = kabar_store_connection_prepare (connection,
                                         "UPDATE messages SET folder_id = ?2, uid = ?3, local_state = 0 "
                                         "WHERE id = ?1",
                                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message->source_id);
  sqlite3_bind_int64 (stmt, 2, message->target_folder_id);
  sqlite3_bind_int64 (stmt, 3, uid);
  return kabar_store_statement_run (stmt, error);
}

/* A source that went meanwhile (with its folder) leaves the copy to stand
 * for it; a destination that went took the message with it. */
static gboolean
complete_move (KabarStoreConnection  *connection,
               const LocalMessage    *message,
               GError               **error)
{
  if (message->source_id != 0 && message->target_id != 0)
    return move_source (connection, message, error);
  if (message->target_id != 0)
    return number_target (connection, message, error);
  if (message->source_id != 0)
    return kabar_store_run_ints (connection, "DELETE FROM messages WHERE id = ?1",
                                 message->source_id, 0, error);
  return TRUE;
}

static gboolean
complete_message (KabarStoreConnection  *connection,
                  KabarPendingKind       kind,
                  const LocalMessage    *message,
                  GError               **error)
{
  switch (kind)
    {
    case KABAR_PENDING_MOVE:
      return complete_move (connection, message, error);
    case KABAR_PENDING_COPY:
    case KABAR_PENDING_APPEND:
      return message->target_id == 0 || number_target (connection, message, error);
    case KABAR_PENDING_DELETE:
      return message->source_id == 0
             || kabar_store_run_ints (connection, "DELETE FROM messages WHERE id = ?1",
                                      message->source_id, 0, error);
    case KABAR_PENDING_FLAGS:
    case KABAR_PENDING_FOLDER_CREATE:
    case KABAR_PENDING_FOLDER_RENAME:
    case KABAR_PENDING_FOLDER_DELETE:
    default:
      /* Done when the user did it: only the operation is left. */
      return TRUE;
    }
}

typedef struct
{
  gint64 id;
  KabarPendingKind kind;
} LocalOperation;

static gboolean
complete_operation_locally (KabarStoreConnection  *connection,
                            gpointer               data,
                            GError               **error)
{
  LocalOperation *operation = data;
  g_autoptr(GArray) messages = g_array_new (FALSE, FALSE, sizeof (LocalMessage));

  if (!read_local_messages (connection, operation->id, messages, error))
    return FALSE;
  for (guint i = 0; i < messages->len; i++)
    if (!complete_message (connection, operation->kind,
                           &g_array_index (messages, LocalMessage, i), error))
      return FALSE;
  /* Its messages' rows go with it; what they still name is settled. */
  return kabar_store_run_ints (connection, "DELETE FROM pending_operations WHERE id = ?1",
                               operation->id, 0, error);
}

gboolean
kabar_store_complete_pending_locally (KabarStore  *self,
                                      GError     **error)
{
  g_autoptr(GPtrArray) operations = NULL;

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  operations = kabar_store_list_pending_operations (self, error);
  if (operations == NULL)
    return FALSE;
  for (guint i = 0; i < operations->len; i++)
    {
      const KabarPendingOperation *pending = g_ptr_array_index (operations, i);
      LocalOperation operation = { pending->id, pending->kind };

      if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, complete_operation_locally,
                              &operation, error))
        {
          g_prefix_error (error, "Completing the %s of pending operation %" G_GINT64_FORMAT ": ",
                          kabar_pending_kind_to_string (pending->kind), pending->id);
          return FALSE;
        }
    }
  return TRUE;
}

/* POP bookkeeping. */

/* What the transaction writes of one message; the summary is the
 * download's. */
typedef struct
{
  const char *uidl;
  GBytes *raw;
  KabarMessageSummary *summary;
  const KabarStoreRowKeys *keys;
  gint64 message_id;
} PopAddition;

/* A batch: its messages take the folder's next local uids in turn, and
 * the folder's counts and uidnext are written once, at the end. */
typedef struct
{
  gint64 folder_id;
  KabarMessageFlags flags;
  PopAddition *additions;
  guint n;
  gint64 next_uid;
  guint added;
  KabarStoreThreader threader;
  /* The rows this transaction adds are those above it (AUTOINCREMENT). */
  gint64 last_old_id;
  /* The id the next row will take: AUTOINCREMENT gives one above both
   * the largest id and the largest ever given, and the transaction is
   * the only writer. */
  gint64 next_id;
} PopBatch;

static gboolean
first_new_id (KabarStoreConnection  *connection,
              PopBatch              *batch,
              GError               **error)
{
  gint64 last_given = 0;

  if (!kabar_store_connection_query_int (connection, "SELECT max (id) FROM messages",
                                         &batch->last_old_id, error)
      || !kabar_store_connection_query_int (connection,
                                            "SELECT seq FROM sqlite_sequence "
                                            "WHERE name = 'messages'",
                                            &last_given, error))
    return FALSE;
  batch->next_id = MAX (batch->last_old_id, last_given) + 1;
  return TRUE;
}

/* Neither indexed nor read for its text here: both need the whole
 * message parsed, which costs more than the server takes to send a small
 * one. kabar_store_read_pending_texts() does both later, outside the
 * flushed transaction (version-008.sql). Marked for the whole batch at
 * once. */
static gboolean
leave_for_later (KabarStoreConnection  *connection,
                 const PopBatch        *batch,
                 GError               **error)
{
  return batch->added == 0
         || (kabar_store_run_ints (connection,
                                   "INSERT INTO unindexed (message_id) "
                                   "SELECT id FROM messages WHERE id > ?1 ORDER BY id",
                                   batch->last_old_id, 0, error)
             && kabar_store_run_ints (connection,
                                      "INSERT INTO text_pending (message_id) "
                                      "SELECT id FROM messages WHERE id > ?1 ORDER BY id",
                                      batch->last_old_id, 0, error));
}

/* The raw message alone: its text comes later, and writing it then
 * rewrites the row once. */
static gboolean
insert_raw_body (KabarStoreConnection  *connection,
                 const PopAddition     *addition,
                 GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO bodies (message_id, raw, fetched) "
                                    "VALUES (?1, ?2, 1)",
                                    error);
  gsize size = 0;
  gconstpointer raw = g_bytes_get_data (addition->raw, &size);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, addition->message_id);
  sqlite3_bind_blob64 (stmt, 2, raw != NULL ? raw : "", size, SQLITE_STATIC);
  return kabar_store_statement_run (stmt, error);
}

/* The UIDL with the id its row is about to take, unless it is known:
 * one statement where a lookup and an insert were two (the lookup was a
 * twentieth of the download's store write). */
static gboolean
remember_uidl (KabarStoreConnection  *connection,
               const char            *uidl,
               gint64                 message_id,
               gboolean              *added,
               GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO pop_messages (uidl, message_row, downloaded_at) "
                                    "VALUES (?1, ?2, ?3) ON CONFLICT (uidl) DO NOTHING",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uidl, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, message_id);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  *added = kabar_store_connection_changes (connection) > 0;
  return TRUE;
}

/* The UIDL and the row first; the body once the batch's rows are marked
 * (leave_for_later()). A message already stored keeps message_id 0. */
static gboolean
add_pop_row (KabarStoreConnection  *connection,
             PopBatch              *batch,
             PopAddition           *addition,
             GError               **error)
{
  gboolean added = FALSE;

  addition->message_id = 0;
  if (!remember_uidl (connection, addition->uidl, batch->next_id, &added, error))
    return FALSE;
  if (!added)
    return TRUE;
  /* Its conversation is looked up with its text, later (version-008.sql):
   * the lookups were a tenth of the download's store write. */
  if (!kabar_store_insert_message_row_in (connection, &batch->threader, TRUE, batch->folder_id,
                                          addition->summary, addition->keys, batch->next_uid, batch->flags,
                                          &addition->message_id, error))
    return FALSE;
  if (addition->message_id != batch->next_id)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_FAILED,
                   "The message was stored as row %" G_GINT64_FORMAT
                   ", its UIDL names row %" G_GINT64_FORMAT,
                   addition->message_id, batch->next_id);
      return FALSE;
    }
  batch->next_id++;
  batch->next_uid++;
  batch->added++;
  return TRUE;
}

/* Bodies go in by BODIES_A_STATEMENT a statement: the search index joins
 * the transaction with the first body (a trigger of bodies may write to
 * it), and from then on every statement opens and closes a savepoint in
 * it. A statement a body, that was a tenth of the download's write. */
#define BODIES_A_STATEMENT 32

static const char *
bodies_insert_sql (void)
{
  static gsize sql = 0;

  if (g_once_init_enter (&sql))
    {
      GString *text = g_string_new ("INSERT INTO bodies (message_id, raw, fetched) VALUES ");

      for (guint i = 0; i < BODIES_A_STATEMENT; i++)
        g_string_append_printf (text, "%s(?%u, ?%u, 1)", i > 0 ? ", " : "", 2 * i + 1, 2 * i + 2);
      g_once_init_leave (&sql, (gsize) g_string_free (text, FALSE));
    }
  return (const char *) sql;
}

static gboolean
insert_raw_bodies (KabarStoreConnection  *connection,
                   const PopAddition    **additions,
                   GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, bodies_insert_sql (),
                                                                        error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < BODIES_A_STATEMENT; i++)
    {
      gsize size = 0;
      gconstpointer raw = g_bytes_get_data (additions[i]->raw, &size);

      sqlite3_bind_int64 (stmt, 2 * i + 1, additions[i]->message_id);
      sqlite3_bind_blob64 (stmt, 2 * i + 2, raw != NULL ? raw : "", size, SQLITE_STATIC);
    }
  return kabar_store_statement_run (stmt, error);
}

/* The bodies of the rows the batch added (message_id 0: none). */
static gboolean
add_pop_bodies (KabarStoreConnection  *connection,
                const PopBatch        *batch,
                GError               **error)
{
  const PopAddition *chunk[BODIES_A_STATEMENT];
  guint filled = 0;

  for (guint i = 0; i < batch->n; i++)
    {
      if (batch->additions[i].message_id == 0)
        continue;
      chunk[filled++] = &batch->additions[i];
      if (filled < BODIES_A_STATEMENT)
        continue;
      if (!insert_raw_bodies (connection, chunk, error))
        return FALSE;
      filled = 0;
    }
  for (guint i = 0; i < filled; i++)
    if (!insert_raw_body (connection, chunk[i], error))
      return FALSE;
  return TRUE;
}

/* The first uid of the batch, as kabar_store_take_local_uid_in() would give it. */
static gboolean
first_local_uid (KabarStoreConnection  *connection,
                 PopBatch              *batch,
                 GError               **error)
{
  gint64 uid = 0;

  if (!kabar_store_take_local_uid_in (connection, batch->folder_id, &uid, error))
    return FALSE;
  batch->next_uid = uid;
  return TRUE;
}

/* Counted as kabar_store_insert_summaries() counts a batch: once. */
static gboolean
count_batch (KabarStoreConnection  *connection,
             const PopBatch        *batch,
             GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE folders SET uidnext = ?2, "
                                    "  total_count = total_count + ?3, "
                                    "  unread_count = unread_count + ?4 "
                                    "WHERE id = ?1",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, batch->folder_id);
  sqlite3_bind_int64 (stmt, 2, batch->next_uid);
  sqlite3_bind_int64 (stmt, 3, batch->added);
  sqlite3_bind_int64 (stmt, 4, (batch->flags & KABAR_MESSAGE_FLAG_SEEN) ? 0 : batch->added);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
add_pop_messages (KabarStoreConnection  *connection,
                  gpointer               data,
                  GError               **error)
{
  PopBatch *batch = data;
  guint i;

  batch->added = 0;
  if (!first_local_uid (connection, batch, error)
      || !kabar_store_threader_init (&batch->threader, connection, error)
      || !first_new_id (connection, batch, error))
    return FALSE;
  for (i = 0; i < batch->n; i++)
    if (!add_pop_row (connection, batch, &batch->additions[i], error))
      goto failed;
  if (!leave_for_later (connection, batch, error))
    return FALSE;
  if (!add_pop_bodies (connection, batch, error))
    {
      g_prefix_error (error, "Storing the downloaded messages: ");
      return FALSE;
    }
  return count_batch (connection, batch, error);

failed:
  g_prefix_error (error, "Storing the downloaded message %s: ", batch->additions[i].uidl);
  return FALSE;
}

void
kabar_store_pop_prepare (KabarPopDownload *messages,
                         guint             n)
{
  g_return_if_fail (messages != NULL || n == 0);

  for (guint i = 0; i < n; i++)
    {
      if (messages[i].summary == NULL)
        messages[i].summary = kabar_store_summary_from_header_block (messages[i].raw);
      if (messages[i].keys == NULL)
        messages[i].keys = kabar_store_row_keys_new (messages[i].summary);
    }
}

void
kabar_store_pop_download_clear (KabarPopDownload *message)
{
  g_clear_pointer (&message->summary, kabar_message_summary_free);
  g_clear_pointer (&message->keys, kabar_store_row_keys_free);
}

gboolean
kabar_store_pop_add_messages (KabarStore       *self,
                              gint64            folder_id,
                              KabarPopDownload *messages,
                              guint             n,
                              KabarMessageFlags flags,
                              gint64            internal_date,
                              GError          **error)
{
  g_autofree PopAddition *additions = g_new0 (PopAddition, n);
  PopBatch batch = { folder_id, flags, additions, n };
  gboolean stored;

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (messages != NULL || n == 0, FALSE);

  /* Read before the writer is taken: the other writers need not wait. */
  kabar_store_pop_prepare (messages, n);
  for (guint i = 0; i < n; i++)
    {
      g_return_val_if_fail (messages[i].uidl != NULL && messages[i].raw != NULL, FALSE);
      additions[i].uidl = messages[i].uidl;
      additions[i].raw = messages[i].raw;
      additions[i].summary = messages[i].summary;
      additions[i].keys = messages[i].keys;
      additions[i].summary->internal_date = internal_date;
    }
  /* No flush: a download that was lost with the power is downloaded
   * again, its UIDLs having gone with it, and the server deletes nothing
   * before kabar_store_pop_list_to_delete() flushed. A flush a batch made
   * a download a tenth slower on a fast disk, and far slower on a slow one. */
  stored = n == 0 || kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, add_pop_messages,
                                        &batch, error);
  for (guint i = 0; stored && i < n; i++)
    messages[i].summary->id = additions[i].message_id;
  return stored;
}

/* One message, searchable on return: the texts pending, its own among
 * them, are read at once. */
gboolean
kabar_store_pop_add_message (KabarStore          *self,
                             gint64               folder_id,
                             const char          *uidl,
                             GBytes              *raw,
                             KabarMessageFlags    flags,
                             gint64               internal_date,
                             GError             **error)
{
  KabarPopDownload message = { uidl, raw, NULL };
  g_autoptr(GError) text_error = NULL;
  gboolean stored;
  guint read = 0;

  g_return_val_if_fail (uidl != NULL, FALSE);
  g_return_val_if_fail (raw != NULL, FALSE);

  stored = kabar_store_pop_add_messages (self, folder_id, &message, 1, flags, internal_date, error);
  kabar_store_pop_download_clear (&message);
  if (!stored)
    return FALSE;
  do
    if (!kabar_store_read_pending_texts (self, G_MAXUINT, &read, NULL, &text_error))
      {
        /* Stored is stored: the next call reads what is left. */
        g_warning ("Downloaded mail stays out of the search index for now: %s",
                   text_error->message);
        break;
      }
  while (read > 0);
  return TRUE;
}
typedef struct
{
  GHashTable *known;
  GPtrArray *uidls;
  KabarPopServerCopies policy;
  gint64 before;
  const char * const *deleted;
  GHashTable *server_uidls;
} PopQuery;

static gboolean
read_known (KabarStoreConnection  *connection,
            gpointer               data,
            GError               **error)
{
  PopQuery *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, "SELECT uidl FROM pop_messages", error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    g_hash_table_add (query->known, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  return stepped;
}

GHashTable *
kabar_store_pop_list_known (KabarStore  *self,
                            GError     **error)
{
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  PopQuery query = { .known = known };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_known, &query, error))
    return NULL;
  return g_steal_pointer (&known);
}

/* pop_messages.deleted_on_server: 0 not asked, 2 once a DELE may have
 * gone out (the server may or may not have removed it: it is asked again
 * until a QUIT confirms it), 1 removed. */
static const char *
to_delete_sql (KabarPopServerCopies policy)
{
  switch (policy)
    {
    case KABAR_POP_DELETE_AFTER_DAYS:
      return "SELECT uidl FROM pop_messages "
             "WHERE deleted_on_server != 1 AND downloaded_at < ?1 "
             "ORDER BY downloaded_at, uidl";
    case KABAR_POP_DELETE_WHEN_DELETED:
      return "SELECT uidl FROM pop_messages "
             "WHERE deleted_on_server != 1 AND deleted_locally "
             "ORDER BY downloaded_at, uidl";
    case KABAR_POP_DELETE_AFTER_DOWNLOAD:
      return "SELECT uidl FROM pop_messages "
             "WHERE deleted_on_server != 1 "
             "ORDER BY downloaded_at, uidl";
    case KABAR_POP_LEAVE_ON_SERVER:
    default:
      return NULL;
    }
}

/* For a policy that deletes (to_delete_sql() has a query for it). */
static gboolean
read_to_delete (KabarStoreConnection  *connection,
                PopQuery              *query,
                GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, to_delete_sql (query->policy), error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_bind_parameter_count (stmt) >= 1)
    sqlite3_bind_int64 (stmt, 1, query->before);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    g_ptr_array_add (query->uidls, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  return stepped;
}

/* Each one asked for, in the commit that is flushed: the first time, the
 * change makes the commit write, and with a write-ahead log its flush
 * keeps every commit before it on disk, the download's among them (they
 * are not flushed, kabar_store_pop_add_messages()). One asked for before
 * was on disk when it was asked for. */
static gboolean
mark_asked (KabarStoreConnection  *connection,
            PopQuery              *query,
            GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE pop_messages SET deleted_on_server = 2 "
                                    "WHERE uidl = ?1 AND deleted_on_server = 0",
                                    error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < query->uidls->len; i++)
    {
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (query->uidls, i), -1, SQLITE_STATIC);
      if (!kabar_store_statement_run (stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

static gboolean
take_to_delete (KabarStoreConnection  *connection,
                gpointer               data,
                GError               **error)
{
  return read_to_delete (connection, data, error) && mark_asked (connection, data, error);
}

GPtrArray *
kabar_store_pop_list_to_delete (KabarStore            *self,
                                KabarPopServerCopies   policy,
                                guint                  days,
                                gint64                 now,
                                GError               **error)
{
  g_autoptr(GPtrArray) uidls = g_ptr_array_new_with_free_func (g_free);
  PopQuery query = { .uidls = uidls, .policy = policy,
                     .before = now - (gint64) days * SECONDS_PER_DAY };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (to_delete_sql (policy) == NULL)
    return g_steal_pointer (&uidls);
  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, take_to_delete, &query, error))
    return NULL;
  return g_steal_pointer (&uidls);
}

static gboolean
mark_deleted (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  PopQuery *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE pop_messages SET deleted_on_server = 1 WHERE uidl = ?1",
                                    error);

  if (stmt == NULL)
    return FALSE;
  for (gsize i = 0; query->deleted[i] != NULL; i++)
    {
      sqlite3_bind_text (stmt, 1, query->deleted[i], -1, SQLITE_STATIC);
      if (!kabar_store_statement_run (stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

/* NORMAL is enough: should the commit be lost, the server no longer lists
 * those UIDLs, and kabar_store_pop_forget_missing() drops them. */
gboolean
kabar_store_pop_mark_deleted_on_server (KabarStore          *self,
                                        const char * const  *uidls,
                                        GError             **error)
{
  PopQuery query = { .deleted = uidls };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (uidls != NULL, FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, mark_deleted, &query, error);
}

static gboolean
forget_missing (KabarStoreConnection  *connection,
                gpointer               data,
                GError               **error)
{
  PopQuery *query = data;
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(KabarStoreStatement) forget = NULL;
  PopQuery known = { .known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  GHashTableIter iter;
  gpointer uidl;
  gboolean read;

  read = read_known (connection, &known, error);
  g_hash_table_iter_init (&iter, known.known);
  while (read && g_hash_table_iter_next (&iter, &uidl, NULL))
    if (!g_hash_table_contains (query->server_uidls, uidl))
      g_ptr_array_add (missing, g_strdup (uidl));
  g_hash_table_unref (known.known);
  if (!read)
    return FALSE;
  forget = kabar_store_connection_prepare (connection, "DELETE FROM pop_messages WHERE uidl = ?1",
                                           error);
  if (forget == NULL)
    return FALSE;
  for (guint i = 0; i < missing->len; i++)
    {
      sqlite3_bind_text (forget, 1, g_ptr_array_index (missing, i), -1, SQLITE_STATIC);
      if (!kabar_store_statement_run (forget, error))
        return FALSE;
      sqlite3_reset (forget);
    }
  return TRUE;
}

gboolean
kabar_store_pop_forget_missing (KabarStore  *self,
                                GHashTable  *server_uidls,
                                GError     **error)
{
  PopQuery query = { .server_uidls = server_uidls };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (server_uidls != NULL, FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, forget_missing, &query, error);
}
