/* kabar-store-changes.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The user's changes: applied to the messages and folders at once and
 * queued for the server in the same transaction, then completed or undone
 * when the replay hears from the server. version-002.sql says how rows
 * wait for the server (hidden, provisional, with old flags).
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "kabar-store-private.h"

enum
{
  LOCAL_STATE_SERVER = 0,
  LOCAL_STATE_HIDDEN = 1,
  LOCAL_STATE_PROVISIONAL = 2,
};

/* The uid of a provisional row between its insert and the update that
 * gives it -id, in the same statement sequence: no two rows hold it at
 * once, and no server UID is negative. */
#define UNNUMBERED_UID G_MININT64

/* IMAP's names, for the payloads. The store does not depend on the IMAP
 * layer, which reads these names back when it replays. */
static const struct
{
  KabarMessageFlags flag;
  const char *name;
} flag_names[] = {
  { KABAR_MESSAGE_FLAG_SEEN, "\\Seen" },
  { KABAR_MESSAGE_FLAG_ANSWERED, "\\Answered" },
  { KABAR_MESSAGE_FLAG_FLAGGED, "\\Flagged" },
  { KABAR_MESSAGE_FLAG_DELETED, "\\Deleted" },
  { KABAR_MESSAGE_FLAG_DRAFT, "\\Draft" },
};

/* A change as the public calls describe it, and what came of it. */
typedef struct
{
  KabarPendingKind kind;
  gint64 folder_id;
  const guint32 *uids;
  gsize n_uids;
  KabarMessageFlags add;
  KabarMessageFlags remove;
  gint64 to_folder_id;
  GBytes *raw;
  KabarMessageFlags flags;
  const KabarMessageSummary *summary;
  const char *path;
  char delimiter;
  gint64 operation_id;
} Change;

/* A visible message a change acts on. */
typedef struct
{
  gint64 id;
  guint32 uid;
  KabarMessageFlags flags;
  char *message_id;
} Row;

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_free (row->message_id);
}

static gboolean
set_operation_not_found (GError **error,
                         gint64   operation_id)
{
  g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
               "No pending operation with id %" G_GINT64_FORMAT, operation_id);
  return FALSE;
}

/* Payloads. */

static void
add_flag_names (JsonBuilder       *builder,
                const char        *member,
                KabarMessageFlags  flags)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flags & flag_names[i].flag)
      json_builder_add_string_value (builder, flag_names[i].name);
  json_builder_end_array (builder);
}

static KabarMessageFlags
flags_from_names (JsonObject *object,
                  const char *member)
{
  JsonArray *names = json_object_has_member (object, member)
                     ? json_object_get_array_member (object, member) : NULL;
  KabarMessageFlags flags = 0;

  for (guint i = 0; names != NULL && i < json_array_get_length (names); i++)
    for (guint k = 0; k < G_N_ELEMENTS (flag_names); k++)
      if (g_strcmp0 (json_array_get_string_element (names, i), flag_names[k].name) == 0)
        flags |= flag_names[k].flag;
  return flags;
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static char *
finish_payload (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* A payload of one or two path members ({"path"}, {"from", "to"}...). */
static char *
build_path_payload (const char *member,
                    const char *path,
                    const char *other_member,
                    const char *other_path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, member, path);
  if (other_member != NULL)
    add_string (builder, other_member, other_path);
  return finish_payload (builder);
}

static char *
build_flags_payload (const char        *path,
                     KabarMessageFlags  add,
                     KabarMessageFlags  remove)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "path", path);
  add_flag_names (builder, "add", add & ~remove);
  add_flag_names (builder, "remove", remove);
  return finish_payload (builder);
}

static char *
build_append_payload (const char                *path,
                      KabarMessageFlags          flags,
                      const KabarMessageSummary *summary,
                      const char                *message_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "path", path);
  add_flag_names (builder, "flags", flags);
  if (summary->internal_date != 0)
    {
      json_builder_set_member_name (builder, "internal_date");
      json_builder_add_int_value (builder, summary->internal_date);
    }
  if (message_id != NULL)
    add_string (builder, "message_id", message_id);
  return finish_payload (builder);
}

static JsonObject *
parse_payload (const char  *payload,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, payload != NULL ? payload : "", -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_CORRUPT,
                   "A pending operation's payload is not a JSON object: %s", payload);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static const char *
payload_string (JsonObject *payload,
                const char *member)
{
  return json_object_has_member (payload, member)
         ? json_object_get_string_member (payload, member) : NULL;
}

/* "4,7:9": what the operation's uid_set column says, for its readers. */
static char *
format_uid_set (GArray *rows)
{
  GString *set = g_string_new (NULL);

  for (guint i = 0; i < rows->len; )
    {
      guint32 first = g_array_index (rows, Row, i).uid;
      guint k = i;

      while (k + 1 < rows->len && g_array_index (rows, Row, k + 1).uid == g_array_index (rows, Row, k).uid + 1)
        k++;
      g_string_append_printf (set, "%s%u", set->len > 0 ? "," : "", first);
      if (k > i)
        g_string_append_printf (set, ":%u", g_array_index (rows, Row, k).uid);
      i = k + 1;
    }
  return g_string_free (set, FALSE);
}

/* Reading what a change acts on. */

static gboolean
find_folder_by_path (KabarStoreConnection  *connection,
                     const char            *path,
                     gint64                *folder_id,
                     GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, "SELECT id FROM folders WHERE path = ?1", error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, path, -1, SQLITE_STATIC);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  *folder_id = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

static gboolean
check_path_free (KabarStoreConnection  *connection,
                 const char            *path,
                 GError               **error)
{
  gint64 existing;

  if (!find_folder_by_path (connection, path, &existing, error))
    return FALSE;
  if (existing == 0)
    return TRUE;
  g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_EXISTS, "The folder %s exists already", path);
  return FALSE;
}

static int
compare_uids (gconstpointer a,
              gconstpointer b)
{
  guint32 first = *(const guint32 *) a;
  guint32 second = *(const guint32 *) b;

  return first < second ? -1 : first > second;
}

/* The visible rows of the UIDs, ascending, each once: what the user saw
 * and acted on. */
static gboolean
read_rows (KabarStoreConnection  *connection,
           const Change          *change,
           GArray                *rows,
           GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT id, flags, message_id FROM messages "
                                    "WHERE folder_id = ?1 AND uid = ?2 AND local_state = 0",
                                    error);
  g_autofree guint32 *uids = g_memdup2 (change->uids, change->n_uids * sizeof (guint32));
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  if (uids != NULL)
    qsort (uids, change->n_uids, sizeof (guint32), compare_uids);
  sqlite3_bind_int64 (stmt, 1, change->folder_id);
  for (gsize i = 0; i < change->n_uids; i++)
    {
      Row row = { 0, uids[i], 0, NULL };

      if (i > 0 && uids[i] == uids[i - 1])
        continue;
      sqlite3_bind_int64 (stmt, 2, uids[i]);
      if (!kabar_store_statement_step (stmt, &has_row, error))
        return FALSE;
      if (has_row)
        {
          row.id = sqlite3_column_int64 (stmt, 0);
          row.flags = sqlite3_column_int (stmt, 1);
          row.message_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          g_array_append_val (rows, row);
        }
      sqlite3_reset (stmt);
    }
  if (rows->len > 0)
    return TRUE;
  g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
               "None of the messages is in folder %" G_GINT64_FORMAT, change->folder_id);
  return FALSE;
}

/* Writing. */

static gboolean
insert_operation (KabarStoreConnection  *connection,
                  Change                *change,
                  const char            *uid_set,
                  const char            *payload,
                  GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO pending_operations (kind, folder_id, uid_set, "
                                    "  payload, created_at, data) "
                                    "VALUES (?1, nullif (?2, 0), ?3, ?4, ?5, ?6)",
                                    error);
  gsize size = 0;
  gconstpointer data = change->raw != NULL ? g_bytes_get_data (change->raw, &size) : NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kabar_pending_kind_to_string (change->kind), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, change->folder_id);
  sqlite3_bind_text (stmt, 3, uid_set, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, payload, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  if (change->raw != NULL)
    sqlite3_bind_blob64 (stmt, 6, data != NULL ? data : "", size, SQLITE_STATIC);
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  change->operation_id = sqlite3_last_insert_rowid (kabar_store_connection_get_db (connection));
  return TRUE;
}

static gboolean
insert_pending_message (KabarStoreConnection  *connection,
                        const Change          *change,
                        const Row             *source,
                        gint64                 target_id,
                        gboolean               keeps_old_flags,
                        gboolean               hides,
                        GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO pending_messages (operation_id, source_id, target_id, "
                                    "  uid, message_id, old_flags, hides) "
                                    "VALUES (?1, nullif (?2, 0), nullif (?3, 0), ?4, ?5, ?6, ?7)",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, change->operation_id);
  sqlite3_bind_int64 (stmt, 2, source->id);
  sqlite3_bind_int64 (stmt, 3, target_id);
  sqlite3_bind_int64 (stmt, 4, source->uid);
  sqlite3_bind_text (stmt, 5, source->message_id, -1, SQLITE_STATIC);
  if (keeps_old_flags)
    sqlite3_bind_int (stmt, 6, source->flags);
  sqlite3_bind_int (stmt, 7, hides ? 1 : 0);
  return kabar_store_statement_run (stmt, error);
}

/* A row just inserted becomes provisional: numbered -id, indexed for
 * search and counted in its folder, as kabar_store_insert_summaries() does
 * for a batch. */
static gboolean
make_provisional (KabarStoreConnection  *connection,
                  gint64                 message_id,
                  GError               **error)
{
  return kabar_store_run_ints (connection,
                               "UPDATE messages SET uid = -id, local_state = 2 WHERE id = ?1",
                               message_id, 0, error)
         && kabar_store_run_ints (connection,
                                  "INSERT INTO message_search (rowid, subject, sender, recipients, body) "
                                  "SELECT id, subject, sender, recipients, body "
                                  "FROM message_search_source WHERE id = ?1",
                                  message_id, 0, error)
         && kabar_store_run_ints (connection,
                                  "UPDATE folders SET total_count = total_count + 1, "
                                  "  unread_count = unread_count + ((m.flags & 1) = 0) "
                                  "FROM (SELECT folder_id, flags FROM messages WHERE id = ?1) AS m "
                                  "WHERE folders.id = m.folder_id",
                                  message_id, 0, error);
}

/* The provisional copy of a message in another folder, with its body
 * when it has one: the server's copy cannot be fetched before the replay.
 * The body goes in after the row is indexed, so that its triggers find
 * the index as they expect it. A POP download whose text is not read yet
 * (version-008.sql) leaves its copy waiting for it too: nothing else
 * would ever read the copy's. */
static gboolean
copy_row (KabarStoreConnection  *connection,
          gint64                 source_id,
          gint64                 to_folder_id,
          gint64                *target_id,
          GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO messages (folder_id, uid, flags, keywords, "
                                    "  internal_date, date, size, subject, from_name, from_address, "
                                    "  to_list, cc_list, message_id, in_reply_to, refs, "
                                    "  message_id_hash, in_reply_to_hash, thread_id, has_attachments, "
                                    "  preview, sender_key, subject_key) "
                                    "SELECT ?2, ?3, flags, keywords, internal_date, date, size, "
                                    "  subject, from_name, from_address, to_list, cc_list, message_id, "
                                    "  in_reply_to, refs, message_id_hash, in_reply_to_hash, thread_id, "
                                    "  has_attachments, preview, sender_key, subject_key "
                                    "FROM messages WHERE id = ?1",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_int64 (stmt, 2, to_folder_id);
  sqlite3_bind_int64 (stmt, 3, UNNUMBERED_UID);
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  *target_id = sqlite3_last_insert_rowid (kabar_store_connection_get_db (connection));
  return make_provisional (connection, *target_id, error)
         && kabar_store_run_ints (connection,
                                  "INSERT INTO bodies (message_id, raw, fetched, text) "
                                  "SELECT ?2, raw, fetched, text FROM bodies WHERE message_id = ?1",
                                  source_id, *target_id, error)
         && kabar_store_run_ints (connection,
                                  "INSERT INTO text_pending (message_id) "
                                  "SELECT ?2 FROM text_pending WHERE message_id = ?1",
                                  source_id, *target_id, error);
}

static gboolean
hide_row (KabarStoreConnection  *connection,
          gint64                 message_id,
          GError               **error)
{
  return kabar_store_run_ints (connection, "UPDATE messages SET local_state = 1 WHERE id = ?1",
                               message_id, 0, error);
}

static gboolean
change_row_flags (KabarStoreConnection  *connection,
                  const Change          *change,
                  const Row             *row,
                  GError               **error)
{
  KabarMessageFlags flags = (row->flags | change->add) & ~change->remove;

  return kabar_store_run_ints (connection, "UPDATE messages SET flags = ?2 WHERE id = ?1",
                               row->id, flags, error)
         && insert_pending_message (connection, change, row, 0, TRUE, FALSE, error);
}

static gboolean
apply_to_row (KabarStoreConnection  *connection,
              const Change          *change,
              const Row             *row,
              GError               **error)
{
  gint64 target_id = 0;

  switch (change->kind)
    {
    case KABAR_PENDING_FLAGS:
      return change_row_flags (connection, change, row, error);
    case KABAR_PENDING_MOVE:
      return copy_row (connection, row->id, change->to_folder_id, &target_id, error)
             && hide_row (connection, row->id, error)
             && insert_pending_message (connection, change, row, target_id, FALSE, TRUE, error);
    case KABAR_PENDING_COPY:
      return copy_row (connection, row->id, change->to_folder_id, &target_id, error)
             && insert_pending_message (connection, change, row, target_id, FALSE, FALSE, error);
    case KABAR_PENDING_DELETE:
      return hide_row (connection, row->id, error)
             && insert_pending_message (connection, change, row, 0, FALSE, TRUE, error);
    case KABAR_PENDING_APPEND:
    case KABAR_PENDING_FOLDER_CREATE:
    case KABAR_PENDING_FOLDER_RENAME:
    case KABAR_PENDING_FOLDER_DELETE:
    default:
      g_return_val_if_reached (FALSE);
    }
}

static char *
build_message_payload (KabarStoreConnection  *connection,
                       const Change          *change,
                       const char            *path,
                       GError               **error)
{
  g_autofree char *to_path = NULL;

  switch (change->kind)
    {
    case KABAR_PENDING_FLAGS:
      return build_flags_payload (path, change->add, change->remove);
    case KABAR_PENDING_MOVE:
    case KABAR_PENDING_COPY:
      if (!kabar_store_read_folder_path (connection, change->to_folder_id, &to_path, error))
        return NULL;
      return build_path_payload ("path", path, "to", to_path);
    case KABAR_PENDING_DELETE:
      return build_path_payload ("path", path, NULL, NULL);
    case KABAR_PENDING_APPEND:
    case KABAR_PENDING_FOLDER_CREATE:
    case KABAR_PENDING_FOLDER_RENAME:
    case KABAR_PENDING_FOLDER_DELETE:
    default:
      g_return_val_if_reached (NULL);
    }
}

static gboolean
apply_message_change (KabarStoreConnection  *connection,
                      gpointer               data,
                      GError               **error)
{
  Change *change = data;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  g_autofree char *path = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *uid_set = NULL;

  g_array_set_clear_func (rows, row_clear);
  if (!kabar_store_read_folder_path (connection, change->folder_id, &path, error)
      || (payload = build_message_payload (connection, change, path, error)) == NULL
      || !read_rows (connection, change, rows, error))
    return FALSE;
  uid_set = format_uid_set (rows);
  if (!insert_operation (connection, change, uid_set, payload, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    if (!apply_to_row (connection, change, &g_array_index (rows, Row, i), error))
      return FALSE;
  return TRUE;
}

static gint64
write_change (KabarStore      *self,
              KabarStoreWork   work,
              Change          *change,
              GError         **error)
{
  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, work, change, error))
    return 0;
  return change->operation_id;
}

gint64
kabar_store_change_flags (KabarStore         *self,
                          gint64              folder_id,
                          const guint32      *uids,
                          gsize               n_uids,
                          KabarMessageFlags   add,
                          KabarMessageFlags   remove,
                          GError            **error)
{
  Change change = { .kind = KABAR_PENDING_FLAGS, .folder_id = folder_id, .uids = uids,
                    .n_uids = n_uids, .add = add, .remove = remove };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);
  g_return_val_if_fail (uids != NULL || n_uids == 0, 0);

  return write_change (self, apply_message_change, &change, error);
}

static gint64
change_to_folder (KabarStore        *self,
                  KabarPendingKind   kind,
                  gint64             folder_id,
                  const guint32     *uids,
                  gsize              n_uids,
                  gint64             to_folder_id,
                  GError           **error)
{
  Change change = { .kind = kind, .folder_id = folder_id, .uids = uids, .n_uids = n_uids,
                    .to_folder_id = to_folder_id };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);
  g_return_val_if_fail (uids != NULL || n_uids == 0, 0);
  g_return_val_if_fail (to_folder_id != folder_id, 0);

  return write_change (self, apply_message_change, &change, error);
}

gint64
kabar_store_change_move (KabarStore     *self,
                         gint64          folder_id,
                         const guint32  *uids,
                         gsize           n_uids,
                         gint64          to_folder_id,
                         GError        **error)
{
  return change_to_folder (self, KABAR_PENDING_MOVE, folder_id, uids, n_uids, to_folder_id, error);
}

gint64
kabar_store_change_copy (KabarStore     *self,
                         gint64          folder_id,
                         const guint32  *uids,
                         gsize           n_uids,
                         gint64          to_folder_id,
                         GError        **error)
{
  return change_to_folder (self, KABAR_PENDING_COPY, folder_id, uids, n_uids, to_folder_id, error);
}

gint64
kabar_store_change_delete (KabarStore     *self,
                           gint64          folder_id,
                           const guint32  *uids,
                           gsize           n_uids,
                           GError        **error)
{
  Change change = { .kind = KABAR_PENDING_DELETE, .folder_id = folder_id, .uids = uids,
                    .n_uids = n_uids };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);
  g_return_val_if_fail (uids != NULL || n_uids == 0, 0);

  return write_change (self, apply_message_change, &change, error);
}

gboolean
kabar_store_change_messages_in (KabarStoreConnection  *connection,
                                KabarPendingKind       kind,
                                gint64                 folder_id,
                                const guint32         *uids,
                                gsize                  n_uids,
                                KabarMessageFlags      add,
                                KabarMessageFlags      remove,
                                gint64                 to_folder_id,
                                gint64                *operation_id,
                                GError               **error)
{
  Change change = { .kind = kind, .folder_id = folder_id, .uids = uids, .n_uids = n_uids,
                    .add = add, .remove = remove, .to_folder_id = to_folder_id };

  g_return_val_if_fail (kind == KABAR_PENDING_FLAGS || kind == KABAR_PENDING_MOVE
                        || kind == KABAR_PENDING_COPY || kind == KABAR_PENDING_DELETE, FALSE);
  g_return_val_if_fail (to_folder_id != folder_id, FALSE);

  if (!apply_message_change (connection, &change, error))
    return FALSE;
  *operation_id = change.operation_id;
  return TRUE;
}

/* Appending. */

static gboolean
read_message_id (KabarStoreConnection  *connection,
                 gint64                 message_id,
                 char                 **id,
                 GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, "SELECT message_id FROM messages WHERE id = ?1",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  *id = has_row ? g_strdup ((const char *) sqlite3_column_text (stmt, 0)) : NULL;
  return TRUE;
}

static gboolean
insert_body (KabarStoreConnection  *connection,
             gint64                 message_id,
             GBytes                *raw,
             GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO bodies (message_id, raw, fetched) VALUES (?1, ?2, 1)",
                                    error);
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (raw, &size);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_blob64 (stmt, 2, data != NULL ? data : "", size, SQLITE_STATIC);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
apply_append (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  Change *change = data;
  g_autofree char *path = NULL;
  g_autofree char *payload = NULL;
  Row appended = { 0, 0, change->flags, NULL };
  gint64 target_id = 0;
  gboolean done;

  if (!kabar_store_read_folder_path (connection, change->folder_id, &path, error)
      || !kabar_store_insert_message_row (connection, change->folder_id, change->summary,
                                          UNNUMBERED_UID, change->flags, &target_id, error)
      || !make_provisional (connection, target_id, error)
      || !insert_body (connection, target_id, change->raw, error)
      || !read_message_id (connection, target_id, &appended.message_id, error))
    return FALSE;
  payload = build_append_payload (path, change->flags, change->summary, appended.message_id);
  done = insert_operation (connection, change, NULL, payload, error)
         && insert_pending_message (connection, change, &appended, target_id, FALSE, FALSE, error);
  g_free (appended.message_id);
  return done;
}

gint64
kabar_store_change_append (KabarStore                 *self,
                           gint64                      folder_id,
                           GBytes                     *raw,
                           KabarMessageFlags           flags,
                           const KabarMessageSummary  *summary,
                           GError                    **error)
{
  Change change = { .kind = KABAR_PENDING_APPEND, .folder_id = folder_id, .raw = raw,
                    .flags = flags, .summary = summary };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);
  g_return_val_if_fail (raw != NULL, 0);
  g_return_val_if_fail (summary != NULL, 0);

  return write_change (self, apply_append, &change, error);
}

gboolean
kabar_store_change_append_in (KabarStoreConnection       *connection,
                              gint64                      folder_id,
                              GBytes                     *raw,
                              KabarMessageFlags           flags,
                              const KabarMessageSummary  *summary,
                              gint64                     *operation_id,
                              GError                    **error)
{
  Change change = { .kind = KABAR_PENDING_APPEND, .folder_id = folder_id, .raw = raw,
                    .flags = flags, .summary = summary };

  if (!apply_append (connection, &change, error))
    return FALSE;
  *operation_id = change.operation_id;
  return TRUE;
}

/* Folders. */

static gboolean
apply_create_folder (KabarStoreConnection  *connection,
                     gpointer               data,
                     GError               **error)
{
  Change *change = data;
  g_autofree char *payload = build_path_payload ("path", change->path, NULL, NULL);
  gint64 folder_id;

  return check_path_free (connection, change->path, error)
         && kabar_store_upsert_folder_in (connection, change->path, change->delimiter, TRUE,
                                          &folder_id, error)
         && insert_operation (connection, change, NULL, payload, error);
}

gint64
kabar_store_change_create_folder (KabarStore  *self,
                                  const char  *path,
                                  char         delimiter,
                                  GError     **error)
{
  Change change = { .kind = KABAR_PENDING_FOLDER_CREATE, .path = path, .delimiter = delimiter };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);
  g_return_val_if_fail (path != NULL && *path != '\0', 0);

  return write_change (self, apply_create_folder, &change, error);
}

static gboolean
apply_rename_folder (KabarStoreConnection  *connection,
                     gpointer               data,
                     GError               **error)
{
  Change *change = data;
  g_autofree char *old_path = NULL;
  g_autofree char *payload = NULL;

  if (!kabar_store_read_folder_path (connection, change->folder_id, &old_path, error)
      || !check_path_free (connection, change->path, error))
    return FALSE;
  payload = build_path_payload ("from", old_path, "to", change->path);
  return kabar_store_rename_folder_in (connection, change->folder_id, change->path, error)
         && insert_operation (connection, change, NULL, payload, error);
}

gint64
kabar_store_change_rename_folder (KabarStore  *self,
                                  gint64       folder_id,
                                  const char  *new_path,
                                  GError     **error)
{
  Change change = { .kind = KABAR_PENDING_FOLDER_RENAME, .folder_id = folder_id, .path = new_path };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);
  g_return_val_if_fail (new_path != NULL && *new_path != '\0', 0);

  return write_change (self, apply_rename_folder, &change, error);
}

/* The operations still pending on the folder are replayed before its
 * DELETE and name it by path: unlinked from the row, they do not go with
 * it (a message moved out of it must still arrive where it was moved). */
static gboolean
apply_delete_folder (KabarStoreConnection  *connection,
                     gpointer               data,
                     GError               **error)
{
  Change *change = data;
  gint64 folder_id = change->folder_id;
  g_autofree char *path = NULL;
  g_autofree char *payload = NULL;

  if (!kabar_store_read_folder_path (connection, folder_id, &path, error))
    return FALSE;
  payload = build_path_payload ("path", path, NULL, NULL);
  change->folder_id = 0;
  return kabar_store_run_ints (connection,
                               "UPDATE pending_operations SET folder_id = NULL WHERE folder_id = ?1",
                               folder_id, 0, error)
         && insert_operation (connection, change, NULL, payload, error)
         && kabar_store_run_ints (connection, "DELETE FROM folders WHERE id = ?1", folder_id, 0, error);
}

gint64
kabar_store_change_delete_folder (KabarStore  *self,
                                  gint64       folder_id,
                                  GError     **error)
{
  Change change = { .kind = KABAR_PENDING_FOLDER_DELETE, .folder_id = folder_id };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);

  return write_change (self, apply_delete_folder, &change, error);
}

/* Reading an operation's parts. */

typedef struct
{
  gint64 operation_id;
  GArray *messages;
  GBytes *data;
} OperationRead;

static void
pending_message_clear (gpointer data)
{
  KabarPendingMessage *message = data;

  g_free (message->message_id);
}

static gboolean
read_pending_messages (KabarStoreConnection  *connection,
                       gpointer               data,
                       GError               **error)
{
  OperationRead *read = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT p.uid, p.message_id, t.id FROM pending_messages AS p "
                                    "LEFT JOIN messages AS t ON t.id = p.target_id "
                                    "WHERE p.operation_id = ?1 ORDER BY p.uid",
                                    error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, read->operation_id);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      KabarPendingMessage message = {
        (guint32) sqlite3_column_int64 (stmt, 0),
        g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
        sqlite3_column_int64 (stmt, 2),
      };

      g_array_append_val (read->messages, message);
    }
  return stepped;
}

GArray *
kabar_store_list_pending_messages (KabarStore  *self,
                                   gint64       operation_id,
                                   GError     **error)
{
  g_autoptr(GArray) messages = g_array_new (FALSE, FALSE, sizeof (KabarPendingMessage));
  OperationRead read = { operation_id, messages, NULL };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  g_array_set_clear_func (messages, pending_message_clear);
  if (!kabar_store_read (self, read_pending_messages, &read, error))
    return NULL;
  return g_steal_pointer (&messages);
}

static gboolean
read_pending_data (KabarStoreConnection  *connection,
                   gpointer               data,
                   GError               **error)
{
  OperationRead *read = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT data FROM pending_operations WHERE id = ?1", error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, read->operation_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return set_operation_not_found (error, read->operation_id);
  read->data = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  return TRUE;
}

GBytes *
kabar_store_get_pending_data (KabarStore  *self,
                              gint64       operation_id,
                              GError     **error)
{
  OperationRead read = { operation_id, NULL, NULL };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_pending_data, &read, error))
    return NULL;
  return read.data;
}

static gboolean
mark_started (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  gint64 operation_id = *(gint64 *) data;

  if (!kabar_store_run_ints (connection, "UPDATE pending_operations SET started = 1 WHERE id = ?1",
                             operation_id, 0, error))
    return FALSE;
  return kabar_store_connection_changes (connection) > 0 || set_operation_not_found (error, operation_id);
}

gboolean
kabar_store_mark_pending_started (KabarStore  *self,
                                  gint64       operation_id,
                                  GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, mark_started, &operation_id, error);
}

/* Completing. */

typedef struct
{
  gint64 operation_id;
  guint32 uidvalidity;
  const guint32 *source_uids;
  const guint32 *destination_uids;
  gsize n_uids;
} Completion;

/* The rows the operation hid are gone from the server now. Its
 * provisional rows left provisional go with it, by the schema's trigger. */
static gboolean
complete_operation (KabarStoreConnection  *connection,
                    gpointer               data,
                    GError               **error)
{
  Completion *completion = data;

  if (!kabar_store_run_ints (connection,
                             "DELETE FROM messages WHERE local_state = 1 AND id IN "
                             "  (SELECT source_id FROM pending_messages WHERE operation_id = ?1 AND hides)",
                             completion->operation_id, 0, error)
      || !kabar_store_run_ints (connection, "DELETE FROM pending_operations WHERE id = ?1",
                                completion->operation_id, 0, error))
    return FALSE;
  return kabar_store_connection_changes (connection) > 0
         || set_operation_not_found (error, completion->operation_id);
}

gboolean
kabar_store_complete_pending_operation (KabarStore  *self,
                                        gint64       operation_id,
                                        GError     **error)
{
  Completion completion = { .operation_id = operation_id };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, complete_operation, &completion,
                            error);
}

/* New UIDs are UIDs of the destination only while its UIDVALIDITY is the
 * one the server gave with them. A folder never selected has none yet: it
 * takes this one, and the sync resets it if the server changes it. */
static gboolean
mapping_applies (KabarStoreConnection  *connection,
                 const Completion      *completion,
                 gboolean              *applies,
                 GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT f.id, f.uidvalidity FROM pending_messages AS p "
                                    "JOIN messages AS m ON m.id = p.target_id "
                                    "JOIN folders AS f ON f.id = m.folder_id "
                                    "WHERE p.operation_id = ?1 LIMIT 1",
                                    error);
  gboolean has_row = FALSE;
  gint64 folder_id, uidvalidity;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, completion->operation_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  *applies = has_row && completion->uidvalidity != 0;
  if (!*applies)
    return TRUE;
  folder_id = sqlite3_column_int64 (stmt, 0);
  uidvalidity = sqlite3_column_int64 (stmt, 1);
  *applies = uidvalidity == 0 || uidvalidity == completion->uidvalidity;
  if (uidvalidity != 0)
    return TRUE;
  return kabar_store_run_ints (connection, "UPDATE folders SET uidvalidity = ?2 WHERE id = ?1",
                               folder_id, completion->uidvalidity, error);
}

/* A UID the destination already has is the sync's row of the same
 * message: the provisional one is left to go with the operation. */
static gboolean
number_target (KabarStoreConnection  *connection,
               gint64                 operation_id,
               guint32                source_uid,
               guint32                destination_uid,
               GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE messages SET uid = ?3, local_state = 0 "
                                    "WHERE local_state = 2 AND id = "
                                    "    (SELECT target_id FROM pending_messages "
                                    "     WHERE operation_id = ?1 AND uid = ?2) "
                                    "  AND NOT EXISTS (SELECT 1 FROM messages AS other "
                                    "                  WHERE other.folder_id = messages.folder_id "
                                    "                    AND other.uid = ?3)",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, operation_id);
  sqlite3_bind_int64 (stmt, 2, source_uid);
  sqlite3_bind_int64 (stmt, 3, destination_uid);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
complete_with_uids (KabarStoreConnection  *connection,
                    gpointer               data,
                    GError               **error)
{
  Completion *completion = data;
  gboolean applies = FALSE;

  if (!mapping_applies (connection, completion, &applies, error))
    return FALSE;
  for (gsize i = 0; applies && i < completion->n_uids; i++)
    if (completion->destination_uids[i] != 0
        && !number_target (connection, completion->operation_id,
                           completion->source_uids != NULL ? completion->source_uids[i] : 0,
                           completion->destination_uids[i], error))
      return FALSE;
  return complete_operation (connection, completion, error);
}

gboolean
kabar_store_complete_pending_copy (KabarStore     *self,
                                   gint64          operation_id,
                                   guint32         uidvalidity,
                                   const guint32  *source_uids,
                                   const guint32  *destination_uids,
                                   gsize           n_uids,
                                   GError        **error)
{
  Completion completion = { operation_id, uidvalidity, source_uids, destination_uids, n_uids };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (n_uids == 0 || (source_uids != NULL && destination_uids != NULL), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, complete_with_uids, &completion,
                            error);
}

gboolean
kabar_store_complete_pending_append (KabarStore  *self,
                                     gint64       operation_id,
                                     guint32      uidvalidity,
                                     guint32      uid,
                                     GError     **error)
{
  /* An append's one message has UID 0 as its source. */
  Completion completion = { operation_id, uidvalidity, NULL, &uid, 1 };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, complete_with_uids, &completion,
                            error);
}

/* Undoing. */

static gboolean
read_operation (KabarStoreConnection  *connection,
                gint64                 operation_id,
                KabarPendingKind      *kind,
                JsonObject           **payload,
                GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT kind, payload FROM pending_operations WHERE id = ?1",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, operation_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    return set_operation_not_found (error, operation_id);
  /* The schema's CHECK admits only the kinds there are. */
  kabar_pending_kind_from_string ((const char *) sqlite3_column_text (stmt, 0), kind);
  /* Only folder operations need theirs, and a flag change its names: an
   * unreadable payload of another operation (a version 1 one) must not
   * stop its undo. */
  *payload = parse_payload ((const char *) sqlite3_column_text (stmt, 1), NULL);
  return TRUE;
}

/* Only the bits this change touched go back: a later change of other
 * flags, still pending, stays. */
static gboolean
restore_flags (KabarStoreConnection  *connection,
               gint64                 operation_id,
               JsonObject            *payload,
               GError               **error)
{
  KabarMessageFlags touched = payload != NULL
                              ? flags_from_names (payload, "add") | flags_from_names (payload, "remove")
                              : 0;

  return kabar_store_run_ints (connection,
                               "UPDATE messages "
                               "SET flags = (messages.flags & ~?2) | (p.old_flags & ?2) "
                               "FROM pending_messages AS p "
                               "WHERE p.operation_id = ?1 AND p.source_id = messages.id "
                               "  AND p.old_flags IS NOT NULL",
                               operation_id, touched, error);
}

static gboolean
delete_folder_at (KabarStoreConnection  *connection,
                  const char            *path,
                  GError               **error)
{
  gint64 folder_id = 0;

  if (path == NULL)
    return TRUE;
  if (!find_folder_by_path (connection, path, &folder_id, error))
    return FALSE;
  return folder_id == 0
         || kabar_store_run_ints (connection, "DELETE FROM folders WHERE id = ?1", folder_id, 0, error);
}

/* The folder takes its old path back. Should the folder list sync have
 * added the server's folder there meanwhile, that one is the server's
 * state, and the renamed row goes instead. */
static gboolean
rename_back (KabarStoreConnection  *connection,
             JsonObject            *payload,
             GError               **error)
{
  const char *from = payload != NULL ? payload_string (payload, "from") : NULL;
  const char *to = payload != NULL ? payload_string (payload, "to") : NULL;
  gint64 renamed = 0, existing = 0;

  if (from == NULL || to == NULL)
    return TRUE;
  if (!find_folder_by_path (connection, to, &renamed, error)
      || !find_folder_by_path (connection, from, &existing, error))
    return FALSE;
  if (renamed == 0)
    return TRUE;
  if (existing != 0)
    return kabar_store_run_ints (connection, "DELETE FROM folders WHERE id = ?1", renamed, 0, error);
  return kabar_store_rename_folder_in (connection, renamed, from, error);
}

static gboolean
undo_locally (KabarStoreConnection  *connection,
              gint64                 operation_id,
              KabarPendingKind       kind,
              JsonObject            *payload,
              GError               **error)
{
  switch (kind)
    {
    case KABAR_PENDING_FLAGS:
      return restore_flags (connection, operation_id, payload, error);
    case KABAR_PENDING_FOLDER_CREATE:
      return delete_folder_at (connection, payload != NULL ? payload_string (payload, "path") : NULL,
                               error);
    case KABAR_PENDING_FOLDER_RENAME:
      return rename_back (connection, payload, error);
    case KABAR_PENDING_MOVE:
    case KABAR_PENDING_COPY:
    case KABAR_PENDING_DELETE:
    case KABAR_PENDING_APPEND:
    case KABAR_PENDING_FOLDER_DELETE:
    default:
      /* Hidden rows show again and provisional ones go with the
       * operation, by the schema's trigger; a deleted folder comes back
       * with the folder list sync. */
      return TRUE;
    }
}

static gboolean
undo_operation (KabarStoreConnection  *connection,
                gpointer               data,
                GError               **error)
{
  Completion *completion = data;
  g_autoptr(JsonObject) payload = NULL;
  KabarPendingKind kind;

  return read_operation (connection, completion->operation_id, &kind, &payload, error)
         && undo_locally (connection, completion->operation_id, kind, payload, error)
         && kabar_store_run_ints (connection, "DELETE FROM pending_operations WHERE id = ?1",
                                  completion->operation_id, 0, error);
}

gboolean
kabar_store_undo_pending_operation (KabarStore  *self,
                                    gint64       operation_id,
                                    const char  *server_text,
                                    GError     **error)
{
  Completion completion = { .operation_id = operation_id };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, undo_operation, &completion, error))
    return FALSE;
  /* The user is told by whoever called this; the log keeps what was lost. */
  g_message ("Undid pending operation %" G_GINT64_FORMAT ", refused by the server: %s",
             operation_id, server_text != NULL ? server_text : "(no reason given)");
  return TRUE;
}

gboolean
kabar_store_undo_pending_in (KabarStoreConnection  *connection,
                             gint64                 operation_id,
                             GError               **error)
{
  Completion completion = { .operation_id = operation_id };

  return undo_operation (connection, &completion, error);
}
