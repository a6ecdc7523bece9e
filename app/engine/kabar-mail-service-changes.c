/* kabar-mail-service-changes.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The user's changes: written to the store on a thread (with the pending
 * operation that carries them to the server), then replayed on the pool.
 */

#include "config.h"

#include "kabar-mail-service-private.h"

typedef struct
{
  KabarPendingKind   kind;
  gint64             folder_id;
  gint64             to_folder_id;
  GArray            *uids;
  KabarMessageFlags  add;
  KabarMessageFlags  remove;
  char              *path;
  /* What the store made of it, for undo. */
  gint64             operation_id;
  GArray            *messages;
} Change;

static void
change_free (Change *change)
{
  g_clear_pointer (&change->uids, g_array_unref);
  g_clear_pointer (&change->messages, g_array_unref);
  g_free (change->path);
  g_free (change);
}

static Change *
change_new (KabarPendingKind  kind,
            gint64            folder_id,
            const guint32    *uids,
            gsize             n_uids)
{
  Change *change = g_new0 (Change, 1);

  change->kind = kind;
  change->folder_id = folder_id;
  if (uids != NULL)
    {
      change->uids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), (guint) n_uids);
      g_array_append_vals (change->uids, uids, (guint) n_uids);
    }
  return change;
}

/* The server's hierarchy delimiter, as its folders show it: a new
 * folder's path is written with it. */
static char
server_delimiter (KabarStore *store)
{
  g_autoptr(GPtrArray) folders = kabar_store_list_folders (store, NULL);

  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->delimiter != '\0')
        return folder->delimiter;
    }
  return '/';
}

static gint64
apply_change (KabarStore  *store,
              Change      *change,
              GError     **error)
{
  const guint32 *uids = change->uids != NULL ? (const guint32 *) change->uids->data : NULL;
  gsize n = change->uids != NULL ? change->uids->len : 0;

  switch (change->kind)
    {
    case KABAR_PENDING_FLAGS:
    case KABAR_PENDING_MOVE:
    case KABAR_PENDING_COPY:
      /* With what it did to each message, read in its transaction: the
       * replay may complete it, and drop that, at once. */
      return kabar_store_change_recorded (store, change->kind, change->folder_id, uids, n,
                                          change->add, change->remove, change->to_folder_id,
                                          &change->messages, error);
    case KABAR_PENDING_DELETE:
      return kabar_store_change_delete (store, change->folder_id, uids, n, error);
    case KABAR_PENDING_FOLDER_CREATE:
      return kabar_store_change_create_folder (store, change->path,
                                               server_delimiter (store), error);
    case KABAR_PENDING_FOLDER_RENAME:
      return kabar_store_change_rename_folder (store, change->folder_id, change->path, error);
    case KABAR_PENDING_FOLDER_DELETE:
      return kabar_store_change_delete_folder (store, change->folder_id, error);
    case KABAR_PENDING_APPEND:
    default:
      g_assert_not_reached ();
    }
}

static void
apply_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  KabarMailService *self = source;
  Change *change = task_data;
  GError *error = NULL;

  change->operation_id = apply_change (self->store, change, &error);
  if (change->operation_id == 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
is_folder_change (KabarPendingKind kind)
{
  return kind == KABAR_PENDING_FOLDER_CREATE || kind == KABAR_PENDING_FOLDER_RENAME
         || kind == KABAR_PENDING_FOLDER_DELETE;
}

static void
remember_changed_folder (KabarMailService *self,
                         gint64            folder_id)
{
  if (folder_id != 0)
    g_hash_table_add (self->changed_folders, g_memdup2 (&folder_id, sizeof folder_id));
}

void
kabar_mail_service_change_applied (KabarMailService *self,
                                   KabarPendingKind  kind,
                                   gint64            folder_id,
                                   gint64            to_folder_id)
{
  if (is_folder_change (kind))
    kabar_mail_service_emit_folders_changed (self);
  else
    {
      kabar_mail_service_emit_folder_changed (self, folder_id);
      if (to_folder_id != 0)
        kabar_mail_service_emit_folder_changed (self, to_folder_id);
      remember_changed_folder (self, folder_id);
      remember_changed_folder (self, to_folder_id);
    }
  if (self->pool != NULL)
    kabar_mail_service_schedule_replay (self);
  else if (self->pop != NULL)
    /* No server to replay to: done here, as a server would. */
    kabar_mail_service_pop_complete_changes (self);
  else if (self->graph != NULL)
    kabar_mail_service_graph_replay (self);
}

/* Where kabar_mail_service_change_finish_id() finds it: task data would
 * clash with the other calls finished by kabar_mail_service_change_finish(). */
#define CHANGE_ID_KEY "kabar-change-id"

/* Back on the service's thread, with the store written: tell the UI, and
 * take the change to the server. */
static void
on_applied (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  g_autoptr(GTask) outer = user_data;
  Change *change = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  guint64 change_id;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  change_id = kabar_mail_service_undo_remember (self, change->kind, change->folder_id,
                                                change->to_folder_id, change->add | change->remove,
                                                change->operation_id,
                                                g_steal_pointer (&change->messages));
  g_object_set_data_full (G_OBJECT (outer), CHANGE_ID_KEY,
                          g_memdup2 (&change_id, sizeof change_id), g_free);
  kabar_mail_service_change_applied (self, change->kind, change->folder_id, change->to_folder_id);
  g_task_return_boolean (outer, TRUE);
}

static void
start_change (KabarMailService    *self,
              Change              *change,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;

  g_task_set_source_tag (outer, kabar_mail_service_change_finish);
  if (self->store == NULL)
    {
      change_free (change);
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "The mail of %s is not open yet",
                               kabar_account_get_address (self->account));
      g_object_unref (outer);
      return;
    }
  /* Not cancellable: once asked for, a change is made or fails whole. */
  inner = g_task_new (self, NULL, on_applied, outer);
  g_task_set_task_data (inner, change, (GDestroyNotify) change_free);
  g_task_run_in_thread (inner, apply_in_thread);
}

void
kabar_mail_service_set_flags_async (KabarMailService    *self,
                                    gint64               folder_id,
                                    const guint32       *uids,
                                    gsize                n_uids,
                                    KabarMessageFlags    add,
                                    KabarMessageFlags    remove,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Change *change = change_new (KABAR_PENDING_FLAGS, folder_id, uids, n_uids);

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  change->add = add;
  change->remove = remove;
  start_change (self, change, cancellable, callback, user_data);
}

/* A move or a copy: the same but for what happens to the source. */
static void
start_transfer (KabarMailService    *self,
                KabarPendingKind     kind,
                gint64               folder_id,
                const guint32       *uids,
                gsize                n_uids,
                gint64               to_folder_id,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  Change *change = change_new (kind, folder_id, uids, n_uids);

  change->to_folder_id = to_folder_id;
  start_change (self, change, cancellable, callback, user_data);
}

void
kabar_mail_service_move_async (KabarMailService    *self,
                               gint64               folder_id,
                               const guint32       *uids,
                               gsize                n_uids,
                               gint64               to_folder_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  start_transfer (self, KABAR_PENDING_MOVE, folder_id, uids, n_uids, to_folder_id, cancellable,
                  callback, user_data);
}

void
kabar_mail_service_copy_async (KabarMailService    *self,
                               gint64               folder_id,
                               const guint32       *uids,
                               gsize                n_uids,
                               gint64               to_folder_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  start_transfer (self, KABAR_PENDING_COPY, folder_id, uids, n_uids, to_folder_id, cancellable,
                  callback, user_data);
}

void
kabar_mail_service_delete_async (KabarMailService    *self,
                                 gint64               folder_id,
                                 const guint32       *uids,
                                 gsize                n_uids,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  start_change (self, change_new (KABAR_PENDING_DELETE, folder_id, uids, n_uids), cancellable,
                callback, user_data);
}

void
kabar_mail_service_create_folder_async (KabarMailService    *self,
                                        const char          *path,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  Change *change = change_new (KABAR_PENDING_FOLDER_CREATE, 0, NULL, 0);

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  change->path = g_strdup (path);
  start_change (self, change, cancellable, callback, user_data);
}

void
kabar_mail_service_rename_folder_async (KabarMailService    *self,
                                        gint64               folder_id,
                                        const char          *new_path,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  Change *change = change_new (KABAR_PENDING_FOLDER_RENAME, folder_id, NULL, 0);

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  change->path = g_strdup (new_path);
  start_change (self, change, cancellable, callback, user_data);
}

void
kabar_mail_service_delete_folder_async (KabarMailService    *self,
                                        gint64               folder_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  start_change (self, change_new (KABAR_PENDING_FOLDER_DELETE, folder_id, NULL, 0), cancellable,
                callback, user_data);
}

gboolean
kabar_mail_service_change_finish (KabarMailService  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

guint64
kabar_mail_service_change_finish_id (KabarMailService  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  guint64 *change_id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return 0;
  change_id = g_object_get_data (G_OBJECT (result), CHANGE_ID_KEY);
  return change_id != NULL ? *change_id : 0;
}
