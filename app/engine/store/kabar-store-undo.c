/* kabar-store-undo.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What undoing the user's changes needs from the store: what a change
 * did, recorded in its own transaction (its operation's rows go once the
 * server has it), a cancel that cannot cross the replay, and where a
 * moved or copied message went.
 */

#include "config.h"

#include "kabar-store-private.h"

void
kabar_changed_message_clear (gpointer message)
{
  g_clear_pointer (&((KabarChangedMessage *) message)->message_id, g_free);
}

/* --- recording a change ------------------------------------------------------- */

typedef struct
{
  KabarPendingKind kind;
  gint64 folder_id;
  const guint32 *uids;
  gsize n_uids;
  KabarMessageFlags add;
  KabarMessageFlags remove;
  gint64 to_folder_id;
  gint64 operation_id;
  GArray *messages;
} Recording;

static gboolean
read_changed_messages (KabarStoreConnection  *connection,
                       Recording             *recording,
                       GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT uid, source_id, target_id, message_id, old_flags "
                                    "FROM pending_messages WHERE operation_id = ?1 ORDER BY uid",
                                    error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, recording->operation_id);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      KabarChangedMessage message = {
        .uid = (guint32) sqlite3_column_int64 (stmt, 0),
        .source_id = sqlite3_column_int64 (stmt, 1),
        .target_id = sqlite3_column_int64 (stmt, 2),
        .message_id = g_strdup ((const char *) sqlite3_column_text (stmt, 3)),
        .old_flags = sqlite3_column_int (stmt, 4),
      };

      g_array_append_val (recording->messages, message);
    }
  return stepped;
}

static gboolean
record_change (KabarStoreConnection  *connection,
               gpointer               data,
               GError               **error)
{
  Recording *recording = data;

  return kabar_store_change_messages_in (connection, recording->kind, recording->folder_id,
                                         recording->uids, recording->n_uids, recording->add,
                                         recording->remove, recording->to_folder_id,
                                         &recording->operation_id, error)
         && read_changed_messages (connection, recording, error);
}

gint64
kabar_store_change_recorded (KabarStore         *self,
                             KabarPendingKind    kind,
                             gint64              folder_id,
                             const guint32      *uids,
                             gsize               n_uids,
                             KabarMessageFlags   add,
                             KabarMessageFlags   remove,
                             gint64              to_folder_id,
                             GArray            **messages,
                             GError            **error)
{
  g_autoptr(GArray) recorded = g_array_new (FALSE, FALSE, sizeof (KabarChangedMessage));
  Recording recording = { kind, folder_id, uids, n_uids, add, remove, to_folder_id, 0, recorded };

  g_return_val_if_fail (KABAR_IS_STORE (self), 0);
  g_return_val_if_fail (uids != NULL || n_uids == 0, 0);
  g_return_val_if_fail (messages != NULL, 0);

  g_array_set_clear_func (recorded, kabar_changed_message_clear);
  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, record_change, &recording, error))
    return 0;
  *messages = g_steal_pointer (&recorded);
  return recording.operation_id;
}

/* --- cancelling ----------------------------------------------------------------- */

typedef struct
{
  gint64 operation_id;
  KabarCancelOutcome outcome;
} Cancel;

/* started as the operation has it, or -1 when there is none. */
static gboolean
read_started (KabarStoreConnection  *connection,
              gint64                 operation_id,
              int                   *started,
              GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT started FROM pending_operations WHERE id = ?1", error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, operation_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  *started = has_row ? sqlite3_column_int (stmt, 0) : -1;
  return TRUE;
}

/* Under the writer's lock, as the replay's mark_started is: whichever
 * commits first, the other sees it. */
static gboolean
cancel_operation (KabarStoreConnection  *connection,
                  gpointer               data,
                  GError               **error)
{
  Cancel *cancel = data;
  int started = -1;

  if (!read_started (connection, cancel->operation_id, &started, error))
    return FALSE;
  if (started < 0)
    cancel->outcome = KABAR_CANCEL_GONE;
  else if (started > 0)
    cancel->outcome = KABAR_CANCEL_STARTED;
  else
    {
      cancel->outcome = KABAR_CANCEL_DONE;
      return kabar_store_undo_pending_in (connection, cancel->operation_id, error);
    }
  return TRUE;
}

gboolean
kabar_store_cancel_pending_operation (KabarStore          *self,
                                      gint64               operation_id,
                                      KabarCancelOutcome  *outcome,
                                      GError             **error)
{
  Cancel cancel = { operation_id, KABAR_CANCEL_GONE };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (outcome != NULL, FALSE);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, cancel_operation, &cancel, error))
    return FALSE;
  *outcome = cancel.outcome;
  return TRUE;
}

static gboolean
read_pending (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  Cancel *cancel = data;
  int started = -1;

  if (!read_started (connection, cancel->operation_id, &started, error))
    return FALSE;
  cancel->outcome = started < 0 ? KABAR_CANCEL_GONE : KABAR_CANCEL_STARTED;
  return TRUE;
}

gboolean
kabar_store_has_pending_operation (KabarStore  *self,
                                   gint64       operation_id,
                                   gboolean    *pending,
                                   GError     **error)
{
  Cancel read = { operation_id, KABAR_CANCEL_GONE };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (pending != NULL, FALSE);

  if (!kabar_store_read (self, read_pending, &read, error))
    return FALSE;
  *pending = read.outcome != KABAR_CANCEL_GONE;
  return TRUE;
}

/* --- flags back ----------------------------------------------------------------- */

typedef struct
{
  gint64 folder_id;
  const KabarChangedMessage *messages;
  gsize n_messages;
  KabarMessageFlags touched;
  guint restored;
} Restore;

/* The flags of the visible row of uid, or -1 when the folder does not
 * show it. */
static gboolean
read_flags (KabarStoreConnection  *connection,
            gint64                 folder_id,
            guint32                uid,
            gint64                *flags,
            GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT flags FROM messages "
                                    "WHERE folder_id = ?1 AND uid = ?2 AND local_state = 0",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  *flags = has_row ? sqlite3_column_int64 (stmt, 0) : -1;
  return TRUE;
}

/* Messages to give the same bits back are one flag change: with the
 * usual mix (some read, some not) that is two, not one per message. */
static gboolean
restore_flags (KabarStoreConnection  *connection,
               gpointer               data,
               GError               **error)
{
  Restore *restore = data;
  g_autoptr(GHashTable) groups = g_hash_table_new_full (NULL, NULL, NULL,
                                                        (GDestroyNotify) g_array_unref);
  GHashTableIter iter;
  gpointer key, value;

  for (gsize i = 0; i < restore->n_messages; i++)
    {
      const KabarChangedMessage *message = &restore->messages[i];
      KabarMessageFlags wanted = message->old_flags & restore->touched;
      gint64 flags = -1;
      GArray *uids;

      if (!read_flags (connection, restore->folder_id, message->uid, &flags, error))
        return FALSE;
      if (flags < 0 || ((KabarMessageFlags) flags & restore->touched) == wanted)
        continue;
      uids = g_hash_table_lookup (groups, GUINT_TO_POINTER (wanted + 1));
      if (uids == NULL)
        {
          uids = g_array_new (FALSE, FALSE, sizeof (guint32));
          g_hash_table_insert (groups, GUINT_TO_POINTER (wanted + 1), uids);
        }
      g_array_append_val (uids, message->uid);
      restore->restored++;
    }
  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KabarMessageFlags wanted = GPOINTER_TO_UINT (key) - 1;
      GArray *uids = value;
      gint64 operation_id = 0;

      if (!kabar_store_change_messages_in (connection, KABAR_PENDING_FLAGS, restore->folder_id,
                                           (const guint32 *) uids->data, uids->len, wanted,
                                           restore->touched & ~wanted, 0, &operation_id, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
kabar_store_restore_flags (KabarStore                 *self,
                           gint64                      folder_id,
                           const KabarChangedMessage  *messages,
                           gsize                       n_messages,
                           KabarMessageFlags           touched,
                           guint                      *n_restored,
                           GError                    **error)
{
  Restore restore = { folder_id, messages, n_messages, touched, 0 };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (messages != NULL || n_messages == 0, FALSE);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, restore_flags, &restore, error))
    return FALSE;
  if (n_restored != NULL)
    *n_restored = restore.restored;
  return TRUE;
}

/* --- where a moved or copied message went ----------------------------------------- */

typedef struct
{
  gint64 folder_id;
  gint64 to_folder_id;
  KabarChangedMessage *messages;
  gsize n_messages;
} Locate;

static gboolean
shows_in_source (KabarStoreConnection  *connection,
                 const Locate          *locate,
                 KabarChangedMessage   *message,
                 GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT 1 FROM messages "
                                    "WHERE id = ?1 AND folder_id = ?2 AND local_state = 0",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message->source_id);
  sqlite3_bind_int64 (stmt, 2, locate->folder_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  message->in_source = has_row;
  return TRUE;
}

/* Rows made after the change have larger ids than its provisional row
 * (AUTOINCREMENT): one of those with the Message-ID is the server's copy
 * the sync fetched; an older one is a message the destination had
 * before, never taken for the copy. A UID another message of the change
 * took already is skipped (the same message copied twice). */
static gboolean
find_in_destination (KabarStoreConnection  *connection,
                     const Locate          *locate,
                     KabarChangedMessage   *message,
                     GHashTable            *taken,
                     GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT uid FROM messages "
                                    "WHERE folder_id = ?1 AND local_state = 0 AND uid > 0 "
                                    "  AND (id = ?2 OR (?3 IS NOT NULL AND message_id = ?3 "
                                    "                   AND id > ?2)) "
                                    "ORDER BY id != ?2, id",
                                    error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  message->found_uid = 0;
  if (message->target_id == 0)
    return TRUE;
  sqlite3_bind_int64 (stmt, 1, locate->to_folder_id);
  sqlite3_bind_int64 (stmt, 2, message->target_id);
  sqlite3_bind_text (stmt, 3, message->message_id, -1, SQLITE_STATIC);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      guint32 uid = (guint32) sqlite3_column_int64 (stmt, 0);

      if (g_hash_table_contains (taken, GUINT_TO_POINTER (uid)))
        continue;
      g_hash_table_add (taken, GUINT_TO_POINTER (uid));
      message->found_uid = uid;
      break;
    }
  return stepped;
}

static gboolean
locate_transferred (KabarStoreConnection  *connection,
                    gpointer               data,
                    GError               **error)
{
  Locate *locate = data;
  g_autoptr(GHashTable) taken = g_hash_table_new (NULL, NULL);

  for (gsize i = 0; i < locate->n_messages; i++)
    if (!shows_in_source (connection, locate, &locate->messages[i], error)
        || !find_in_destination (connection, locate, &locate->messages[i], taken, error))
      return FALSE;
  return TRUE;
}

gboolean
kabar_store_locate_transferred (KabarStore           *self,
                                gint64                folder_id,
                                gint64                to_folder_id,
                                KabarChangedMessage  *messages,
                                gsize                 n_messages,
                                GError              **error)
{
  Locate locate = { folder_id, to_folder_id, messages, n_messages };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (messages != NULL || n_messages == 0, FALSE);

  return kabar_store_read (self, locate_transferred, &locate, error);
}
