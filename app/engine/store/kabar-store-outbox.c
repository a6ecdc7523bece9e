/* kabar-store-outbox.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The outbox: messages waiting to be sent, and the states that keep one
 * from being lost or sent twice (version-004.sql).
 */

#include "config.h"

#include "kabar-store-outbox.h"
#include "kabar-store-private.h"

/* The schema's names, in the enum's order. */
static const char * const state_names[] = {
  [KABAR_OUTBOX_QUEUED] = "queued",
  [KABAR_OUTBOX_SENDING] = "sending",
  [KABAR_OUTBOX_UNCONFIRMED] = "unconfirmed",
  [KABAR_OUTBOX_FAILED] = "failed",
};

const char *
kabar_outbox_state_to_string (KabarOutboxState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);

  return state_names[state];
}

static KabarOutboxState
state_from_string (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (name, state_names[i]) == 0)
      return i;
  /* The schema's CHECK admits no other. */
  g_return_val_if_reached (KABAR_OUTBOX_FAILED);
}

KabarOutboxEntry *
kabar_outbox_entry_copy (const KabarOutboxEntry *self)
{
  KabarOutboxEntry *copy = g_memdup2 (self, sizeof *self);

  copy->message_id = g_strdup (self->message_id);
  copy->sender = g_strdup (self->sender);
  copy->recipients = g_strdupv (self->recipients);
  copy->last_error = g_strdup (self->last_error);
  return copy;
}

void
kabar_outbox_entry_free (KabarOutboxEntry *self)
{
  if (self == NULL)
    return;
  g_free (self->message_id);
  g_free (self->sender);
  g_strfreev (self->recipients);
  g_free (self->last_error);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (KabarOutboxEntry, kabar_outbox_entry,
                     kabar_outbox_entry_copy, kabar_outbox_entry_free)

static gboolean
set_not_found (GError **error,
               gint64   id)
{
  g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
               "The outbox has no message with id %" G_GINT64_FORMAT, id);
  return FALSE;
}

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Adding. */

typedef struct
{
  const char *message_id;
  const char *sender;
  const char * const *recipients;
  GBytes *raw;
  gint64 sent_folder_id;
  gint64 not_before;
  gint64 id;
} Addition;

/* A message id given with its angle brackets loses them, as the
 * messages table keeps them. */
static char *
strip_brackets (const char *message_id)
{
  gsize length;

  if (message_id == NULL)
    return NULL;
  length = strlen (message_id);
  if (length >= 2 && message_id[0] == '<' && message_id[length - 1] == '>')
    return g_strndup (message_id + 1, length - 2);
  return g_strdup (message_id);
}

static gboolean
insert_message (KabarStoreConnection  *connection,
                gint64                 id,
                GBytes                *bytes,
                GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO outbox_messages (outbox_id, raw) VALUES (?1, ?2)",
                                    error);
  gsize size = 0;
  gconstpointer raw = g_bytes_get_data (bytes, &size);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_blob64 (stmt, 2, raw != NULL ? raw : "", size, SQLITE_STATIC);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
insert_entry (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  Addition *addition = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO outbox (message_id, sender, recipients, size, "
                                    "  created_at, sent_folder_id, next_attempt, not_before) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, nullif (?6, 0), ?7, ?7)",
                                    error);
  g_autofree char *message_id = strip_brackets (addition->message_id);
  g_autofree char *recipients = g_strjoinv ("\n", (char **) addition->recipients);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, message_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, addition->sender, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, recipients, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_bytes_get_size (addition->raw));
  sqlite3_bind_int64 (stmt, 5, now_unix ());
  sqlite3_bind_int64 (stmt, 6, addition->sent_folder_id);
  sqlite3_bind_int64 (stmt, 7, addition->not_before);
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  addition->id = sqlite3_last_insert_rowid (kabar_store_connection_get_db (connection));
  return insert_message (connection, addition->id, addition->raw, error);
}

gint64
kabar_store_outbox_add (KabarStore          *self,
                        const char          *message_id,
                        const char          *sender,
                        const char * const  *recipients,
                        GBytes              *raw,
                        gint64               sent_folder_id,
                        GError             **error)
{
  return kabar_store_outbox_add_delayed (self, message_id, sender, recipients, raw,
                                         sent_folder_id, 0, error);
}

gint64
kabar_store_outbox_add_delayed (KabarStore          *self,
                                const char          *message_id,
                                const char          *sender,
                                const char * const  *recipients,
                                GBytes              *raw,
                                gint64               sent_folder_id,
                                gint64               not_before,
                                GError             **error)
{
  Addition addition = { message_id, sender, recipients, raw, sent_folder_id, MAX (not_before, 0), 0 };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);
  g_return_val_if_fail (sender != NULL, 0);
  g_return_val_if_fail (recipients != NULL && recipients[0] != NULL, 0);
  g_return_val_if_fail (raw != NULL, 0);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, insert_entry, &addition, error))
    return 0;
  return addition.id;
}

/* Reading. */

#define ENTRY_COLUMNS \
  "id, message_id, sender, recipients, size, state, attempts, next_attempt, " \
  "last_error, created_at, sent_folder_id"

static KabarOutboxEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  KabarOutboxEntry *entry = g_new0 (KabarOutboxEntry, 1);
  const char *recipients = (const char *) sqlite3_column_text (stmt, 3);

  entry->id = sqlite3_column_int64 (stmt, 0);
  entry->message_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  entry->sender = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  entry->recipients = g_strsplit (recipients != NULL ? recipients : "", "\n", -1);
  entry->size = sqlite3_column_int64 (stmt, 4);
  entry->state = state_from_string ((const char *) sqlite3_column_text (stmt, 5));
  entry->attempts = sqlite3_column_int (stmt, 6);
  entry->next_attempt = sqlite3_column_int64 (stmt, 7);
  entry->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  entry->created_at = sqlite3_column_int64 (stmt, 9);
  entry->sent_folder_id = sqlite3_column_int64 (stmt, 10);
  return entry;
}

typedef struct
{
  gint64 id;
  GPtrArray *entries;
  GBytes *raw;
  gint64 now;
  gint64 due;
  gint64 earliest;
} Query;

static gboolean
read_entries (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  Query *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT " ENTRY_COLUMNS " FROM outbox ORDER BY id", error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    g_ptr_array_add (query->entries, entry_from_row (stmt));
  return stepped;
}

GPtrArray *
kabar_store_outbox_list (KabarStore  *self,
                         GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_outbox_entry_free);
  Query query = { .entries = entries };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_entries, &query, error))
    return NULL;
  return g_steal_pointer (&entries);
}

static gboolean
read_entry (KabarStoreConnection  *connection,
            gpointer               data,
            GError               **error)
{
  Query *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT " ENTRY_COLUMNS " FROM outbox WHERE id = ?1", error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, query->id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    return set_not_found (error, query->id);
  g_ptr_array_add (query->entries, entry_from_row (stmt));
  return TRUE;
}

KabarOutboxEntry *
kabar_store_outbox_get (KabarStore  *self,
                        gint64       id,
                        GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_outbox_entry_free);
  Query query = { .id = id, .entries = entries };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_entry, &query, error))
    return NULL;
  return g_ptr_array_steal_index (entries, 0);
}

static gboolean
read_raw (KabarStoreConnection  *connection,
          gpointer               data,
          GError               **error)
{
  Query *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, "SELECT raw FROM outbox_messages WHERE outbox_id = ?1", error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, query->id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    return set_not_found (error, query->id);
  query->raw = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  return TRUE;
}

GBytes *
kabar_store_outbox_get_raw (KabarStore  *self,
                            gint64       id,
                            GError     **error)
{
  Query query = { .id = id };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_raw, &query, error))
    return NULL;
  return query.raw;
}

static gboolean
read_due (KabarStoreConnection  *connection,
          gpointer               data,
          GError               **error)
{
  Query *query = data;
  g_autoptr(KabarStoreStatement) due =
    kabar_store_connection_prepare (connection,
                                    "SELECT id FROM outbox "
                                    "WHERE state = 'queued' AND next_attempt <= ?1 "
                                    "  AND not_before <= min (?1, ?2) "
                                    "ORDER BY id LIMIT 1",
                                    error);
  gboolean has_row = FALSE;

  if (due == NULL)
    return FALSE;
  sqlite3_bind_int64 (due, 1, query->now);
  sqlite3_bind_int64 (due, 2, now_unix ());
  if (!kabar_store_statement_step (due, &has_row, error))
    return FALSE;
  query->due = has_row ? sqlite3_column_int64 (due, 0) : 0;
  return kabar_store_connection_query_int (connection,
                                           "SELECT coalesce (min (max (next_attempt, not_before)), 0) "
                                           "FROM outbox WHERE state = 'queued'",
                                           &query->earliest, error);
}

gint64
kabar_store_outbox_next_due (KabarStore  *self,
                             gint64       now,
                             gint64      *earliest,
                             GError     **error)
{
  Query query = { .now = now };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);

  if (earliest != NULL)
    *earliest = 0;
  if (!kabar_store_read (self, read_due, &query, error))
    return 0;
  if (earliest != NULL)
    *earliest = query.earliest;
  return query.due;
}

/* Changing a message's state. */

typedef struct
{
  gint64 id;
  const char *sql;
  const char *text;
  gint64 number;
  /* What the refusal says when the message is in a state the change does
   * not start from: "is not queued". */
  const char *refusal;
} Transition;

static gboolean
read_state (KabarStoreConnection  *connection,
            gint64                 id,
            KabarOutboxState      *state,
            GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, "SELECT state FROM outbox WHERE id = ?1", error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    return set_not_found (error, id);
  *state = state_from_string ((const char *) sqlite3_column_text (stmt, 0));
  return TRUE;
}

/* The statement names the states it starts from: changing nothing means
 * the message is in another one, or gone. */
static gboolean
explain_no_change (KabarStoreConnection  *connection,
                   const Transition      *transition,
                   GError               **error)
{
  KabarOutboxState state;

  if (!read_state (connection, transition->id, &state, error))
    return FALSE;
  g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_FAILED,
               "Outbox message %" G_GINT64_FORMAT " %s (it is %s)",
               transition->id, transition->refusal, kabar_outbox_state_to_string (state));
  return FALSE;
}

static gboolean
run_transition (KabarStoreConnection  *connection,
                gpointer               data,
                GError               **error)
{
  Transition *transition = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, transition->sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, transition->id);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_text (stmt, 2, transition->text, -1, SQLITE_STATIC);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    sqlite3_bind_int64 (stmt, 3, transition->number);
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  if (sqlite3_changes (kabar_store_connection_get_db (connection)) > 0)
    return TRUE;
  return explain_no_change (connection, transition, error);
}

static gboolean
transition (KabarStore  *self,
            Transition  *transition,
            GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, run_transition, transition, error);
}

gboolean
kabar_store_outbox_mark_sending (KabarStore  *self,
                                 gint64       id,
                                 GError     **error)
{
  Transition change = {
    id,
    "UPDATE outbox SET state = 'sending' WHERE id = ?1 AND state = 'queued'",
    NULL, 0, "is not queued",
  };

  return transition (self, &change, error);
}

gboolean
kabar_store_outbox_defer (KabarStore  *self,
                          gint64       id,
                          const char  *error_text,
                          gint64       next_attempt,
                          GError     **error)
{
  Transition change = {
    id,
    "UPDATE outbox SET state = 'queued', attempts = attempts + 1, last_error = ?2, "
    "  next_attempt = ?3 "
    "WHERE id = ?1 AND state IN ('queued', 'sending')",
    error_text, next_attempt, "is not being sent",
  };

  return transition (self, &change, error);
}

gboolean
kabar_store_outbox_fail (KabarStore  *self,
                         gint64       id,
                         const char  *error_text,
                         GError     **error)
{
  Transition change = {
    id,
    "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?2 "
    "WHERE id = ?1 AND state IN ('queued', 'sending')",
    error_text, 0, "is not being sent",
  };

  return transition (self, &change, error);
}

/* A fresh start: the back-off counts again from the first attempt. */
gboolean
kabar_store_outbox_requeue (KabarStore  *self,
                            gint64       id,
                            GError     **error)
{
  Transition change = {
    id,
    "UPDATE outbox SET state = 'queued', attempts = 0, next_attempt = 0, last_error = NULL "
    "WHERE id = ?1 AND state IN ('failed', 'unconfirmed')",
    NULL, 0, "has not failed nor been left unconfirmed",
  };

  return transition (self, &change, error);
}

/* Not while it is being sent: the sender would complete a message the
 * user thinks was discarded. */
gboolean
kabar_store_outbox_remove (KabarStore  *self,
                           gint64       id,
                           GError     **error)
{
  Transition change = {
    id,
    "DELETE FROM outbox WHERE id = ?1 AND state != 'sending'",
    NULL, 0, "is being sent",
  };

  return transition (self, &change, error);
}

typedef struct
{
  gint64 id;
  KabarOutboxEntry *entry;
  GBytes *raw;
} TakeBack;

/* In one write transaction with mark_sending()'s: one of the two wins. */
static gboolean
take_back_entry (KabarStoreConnection  *connection,
                 gpointer               data,
                 GError               **error)
{
  TakeBack *take = data;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_outbox_entry_free);
  Query query = { .id = take->id, .entries = entries };
  g_autoptr(KabarStoreStatement) delete = NULL;

  if (!read_entry (connection, &query, error))
    return FALSE;
  take->entry = g_ptr_array_steal_index (entries, 0);
  if (take->entry->state == KABAR_OUTBOX_SENDING)
    return TRUE;
  if (!read_raw (connection, &query, error))
    return FALSE;
  take->raw = query.raw;
  delete = kabar_store_connection_prepare (connection, "DELETE FROM outbox WHERE id = ?1", error);
  if (delete == NULL)
    return FALSE;
  sqlite3_bind_int64 (delete, 1, take->id);
  return kabar_store_statement_run (delete, error);
}

gboolean
kabar_store_outbox_take_back (KabarStore         *self,
                              gint64              id,
                              KabarOutboxEntry  **entry,
                              GBytes            **raw,
                              GError            **error)
{
  TakeBack take = { .id = id };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL && raw != NULL, FALSE);

  *entry = NULL;
  *raw = NULL;
  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, take_back_entry, &take, error))
    {
      g_clear_pointer (&take.entry, kabar_outbox_entry_free);
      g_clear_pointer (&take.raw, g_bytes_unref);
      return FALSE;
    }
  *entry = take.entry;
  *raw = take.raw;
  return TRUE;
}

gboolean
kabar_store_outbox_mark_unconfirmed (KabarStore  *self,
                                     gint64       id,
                                     const char  *error_text,
                                     GError     **error)
{
  Transition change = {
    id,
    "UPDATE outbox SET state = 'unconfirmed', attempts = attempts + 1, last_error = ?2 "
    "WHERE id = ?1 AND state = 'sending'",
    error_text, 0, "is not being sent",
  };

  return transition (self, &change, error);
}

static gboolean
recover_sending (KabarStoreConnection  *connection,
                 gpointer               data,
                 GError               **error)
{
  return kabar_store_connection_exec (connection,
                                      "UPDATE outbox SET state = 'unconfirmed' "
                                      "WHERE state = 'sending'",
                                      error);
}

gboolean
kabar_store_outbox_recover (KabarStore  *self,
                            GError     **error)
{
  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, recover_sending, NULL, error);
}

/* Completing. */

static gboolean
read_sent_copy (KabarStoreConnection  *connection,
                gint64                 id,
                gint64                *sent_folder_id,
                GBytes               **raw,
                GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT o.sent_folder_id, m.raw FROM outbox AS o "
                                    "JOIN outbox_messages AS m ON m.outbox_id = o.id WHERE o.id = ?1", error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    return set_not_found (error, id);
  *sent_folder_id = sqlite3_column_int64 (stmt, 0);
  *raw = g_bytes_new (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1));
  return TRUE;
}

/* The copy is a pending append as if the user had filed it: an IMAP
 * account's replay uploads it, a POP account's is completed locally. */
static gboolean
file_sent_copy (KabarStoreConnection  *connection,
                gint64                 folder_id,
                GBytes                *raw,
                GError               **error)
{
  g_autoptr(KabarMessageSummary) summary = kabar_store_summary_from_raw (raw);
  gint64 operation_id = 0;

  summary->internal_date = now_unix ();
  if (!kabar_store_change_append_in (connection, folder_id, raw, KABAR_MESSAGE_FLAG_SEEN,
                                     summary, &operation_id, error))
    {
      g_prefix_error (error, "Filing the sent message in folder %" G_GINT64_FORMAT ": ",
                      folder_id);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gint64   id;
  gboolean find_sent_folder;
  gint64   sent_folder_id;
} Completion;

/* A message queued before the account's folders were first listed had no
 * Sent folder to name: it takes the one the store knows now. */
static gboolean
find_sent_folder (KabarStoreConnection  *connection,
                  gint64                *folder_id,
                  GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT id FROM folders WHERE role = 'sent' ORDER BY id LIMIT 1",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL || !kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (has_row)
    *folder_id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
complete_entry (KabarStoreConnection  *connection,
                gpointer               data,
                GError               **error)
{
  Completion *completion = data;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(KabarStoreStatement) delete = NULL;

  completion->sent_folder_id = 0;
  if (!read_sent_copy (connection, completion->id, &completion->sent_folder_id, &raw, error))
    return FALSE;
  if (completion->sent_folder_id == 0 && completion->find_sent_folder
      && !find_sent_folder (connection, &completion->sent_folder_id, error))
    return FALSE;
  if (completion->sent_folder_id != 0
      && !file_sent_copy (connection, completion->sent_folder_id, raw, error))
    return FALSE;
  delete = kabar_store_connection_prepare (connection, "DELETE FROM outbox WHERE id = ?1", error);
  if (delete == NULL)
    return FALSE;
  sqlite3_bind_int64 (delete, 1, completion->id);
  return kabar_store_statement_run (delete, error);
}

gboolean
kabar_store_outbox_complete (KabarStore  *self,
                             gint64       id,
                             gboolean     find_sent_folder,
                             gint64      *sent_folder_id,
                             GError     **error)
{
  Completion completion = { id, find_sent_folder, 0 };
  gboolean done;

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  done = kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, complete_entry, &completion, error);
  if (sent_folder_id != NULL)
    *sent_folder_id = done ? completion.sent_folder_id : 0;
  return done;
}

/* Drafts. */

typedef struct
{
  gint64 folder_id;
  GBytes *raw;
  gint64 message_row_id;
  gint64 operation_id;
  gboolean started;
} Draft;

static gboolean
insert_draft (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  Draft *draft = data;
  g_autoptr(KabarMessageSummary) summary = kabar_store_summary_from_raw (draft->raw);
  g_autoptr(KabarStoreStatement) target = NULL;
  gint64 operation_id = 0;
  gboolean has_row = FALSE;

  summary->internal_date = now_unix ();
  if (!kabar_store_change_append_in (connection, draft->folder_id, draft->raw,
                                     KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_DRAFT,
                                     summary, &operation_id, error))
    {
      g_prefix_error (error, "Saving the draft in folder %" G_GINT64_FORMAT ": ", draft->folder_id);
      return FALSE;
    }
  target = kabar_store_connection_prepare (connection,
                                           "SELECT target_id FROM pending_messages "
                                           "WHERE operation_id = ?1",
                                           error);
  if (target == NULL)
    return FALSE;
  sqlite3_bind_int64 (target, 1, operation_id);
  if (!kabar_store_statement_step (target, &has_row, error))
    return FALSE;
  draft->message_row_id = has_row ? sqlite3_column_int64 (target, 0) : 0;
  return TRUE;
}

gint64
kabar_store_draft_add (KabarStore  *self,
                       gint64       folder_id,
                       GBytes      *raw,
                       GError     **error)
{
  Draft draft = { .folder_id = folder_id, .raw = raw };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);
  g_return_val_if_fail (raw != NULL, 0);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, insert_draft, &draft, error))
    return 0;
  return draft.message_row_id;
}

static gboolean
read_draft_append (KabarStoreConnection  *connection,
                   gpointer               data,
                   GError               **error)
{
  Draft *draft = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT o.id, o.started FROM pending_messages AS m "
                                    "JOIN pending_operations AS o ON o.id = m.operation_id "
                                    "WHERE m.target_id = ?1 AND o.kind = 'append'",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, draft->message_row_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (has_row)
    {
      draft->operation_id = sqlite3_column_int64 (stmt, 0);
      draft->started = sqlite3_column_int (stmt, 1) != 0;
    }
  return TRUE;
}

gint64
kabar_store_draft_find_append (KabarStore  *self,
                               gint64       message_row_id,
                               gboolean    *started,
                               GError     **error)
{
  Draft draft = { .message_row_id = message_row_id };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);

  if (started != NULL)
    *started = FALSE;
  if (!kabar_store_read (self, read_draft_append, &draft, error))
    return 0;
  if (started != NULL)
    *started = draft.started;
  return draft.operation_id;
}
