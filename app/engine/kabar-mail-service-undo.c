/* kabar-mail-service-undo.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Undoing the user's last changes, from the toast that follows each.
 *
 * A flag change is undone by a new one, each message getting its own
 * previous flags back: sent to the server after the first, so the server
 * ends where it was whatever the replay had done. A move or copy the
 * replay has not started is cancelled in the store, so the server never
 * sees it; the store makes that exclusive with the replay's marking it
 * started. A started one is waited for, then taken back by a new change:
 * the messages moved back from where the server put them, the copies
 * deleted. Changes are remembered in memory only: an undo is a moment's
 * second thought, not history.
 */

#include "config.h"

#include "kabar-mail-service-private.h"

/* How many changes can be undone: the toast shows the last one, and a
 * few quick actions in a row stay undoable. */
#define KEPT_CHANGES 20
/* The replay is asked again after this long, doubling up to a second. */
#define FIRST_WAIT_MS 20
#define LONGEST_WAIT_MS 1000
/* A message the server has moved but the store has not seen yet (no
 * COPYUID) comes with the destination's sync: asked for this often, and
 * waited for this long before undoing what was found. */
#define SYNC_AGAIN_US (5 * G_USEC_PER_SEC)
#define GIVE_UP_US (30 * G_USEC_PER_SEC)

typedef struct
{
  gatomicrefcount    ref_count;
  guint64            id;
  KabarPendingKind   kind;
  gint64             folder_id;
  gint64             to_folder_id;
  KabarMessageFlags  touched;
  gint64             operation_id;
  /* KabarChangedMessage elements. Written by the undo's thread only, one
   * step at a time. */
  GArray            *messages;
  gboolean           undone;
} Record;

struct _KabarMailServiceUndo
{
  /* Record, oldest first. */
  GQueue     records;
  guint64    last_id;
  /* The GTasks of undos waiting for the replay, with their timer. */
  GPtrArray *waiting;
};

static Record *
record_ref (Record *record)
{
  g_atomic_ref_count_inc (&record->ref_count);
  return record;
}

static void
record_unref (Record *record)
{
  if (!g_atomic_ref_count_dec (&record->ref_count))
    return;
  g_clear_pointer (&record->messages, g_array_unref);
  g_free (record);
}

static KabarMailServiceUndo *
undo_get (KabarMailService *self)
{
  if (self->undo == NULL)
    {
      self->undo = g_new0 (KabarMailServiceUndo, 1);
      g_queue_init (&self->undo->records);
      self->undo->waiting = g_ptr_array_new ();
    }
  return self->undo;
}

guint64
kabar_mail_service_undo_remember (KabarMailService  *self,
                                  KabarPendingKind   kind,
                                  gint64             folder_id,
                                  gint64             to_folder_id,
                                  KabarMessageFlags  touched,
                                  gint64             operation_id,
                                  GArray            *messages)
{
  KabarMailServiceUndo *undo = undo_get (self);
  Record *record = g_new0 (Record, 1);

  g_atomic_ref_count_init (&record->ref_count);
  record->id = ++undo->last_id;
  record->kind = kind;
  record->folder_id = folder_id;
  record->to_folder_id = to_folder_id;
  record->touched = touched;
  record->operation_id = operation_id;
  record->messages = messages;
  g_queue_push_tail (&undo->records, record);
  while (g_queue_get_length (&undo->records) > KEPT_CHANGES)
    record_unref (g_queue_pop_head (&undo->records));
  return record->id;
}

/* --- one step, on a thread ------------------------------------------------------ */

typedef enum
{
  STEP_DONE,
  /* The replay has the operation: ask again later. */
  STEP_WAIT_REPLAY,
  /* The server did it, but the store does not know where all the
   * messages went yet. */
  STEP_WAIT_SYNC,
} StepResult;

typedef struct
{
  Record       *record;
  /* Set on the service's thread before each step. */
  gboolean      give_up;
  /* On the service's thread, while waiting. */
  GSource      *timer;
  guint         delay_ms;
  gint64        gone_since;
  gint64        synced_at;
  /* The folders the undo changed, for the UI. */
  gint64        changed_from;
  gint64        changed_to;
} Undo;

static void
undo_free (Undo *undo)
{
  if (undo->timer != NULL)
    {
      g_source_destroy (undo->timer);
      g_source_unref (undo->timer);
    }
  record_unref (undo->record);
  g_free (undo);
}

static gboolean
set_cannot_undo (GError     **error,
                 const char  *why)
{
  g_set_error_literal (error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_CANNOT_UNDO, why);
  return FALSE;
}

/* The messages where the change put them, to take back: their UIDs
 * there. A moved message that shows in its folder again was not moved
 * (the server refused). */
static GArray *
collect_found (Record   *record,
               guint    *missing)
{
  GArray *uids = g_array_new (FALSE, FALSE, sizeof (guint32));

  *missing = 0;
  for (guint i = 0; i < record->messages->len; i++)
    {
      KabarChangedMessage *message = &g_array_index (record->messages, KabarChangedMessage, i);

      if (record->kind == KABAR_PENDING_MOVE && message->in_source)
        continue;
      if (message->found_uid != 0)
        g_array_append_val (uids, message->found_uid);
      else
        (*missing)++;
    }
  return uids;
}

static gboolean
take_back (KabarStore  *store,
           Undo        *undo,
           StepResult  *result,
           GError     **error)
{
  Record *record = undo->record;
  g_autoptr(GArray) uids = NULL;
  guint missing = 0;
  gint64 operation_id;

  if (!kabar_store_locate_transferred (store, record->folder_id, record->to_folder_id,
                                       (KabarChangedMessage *) record->messages->data,
                                       record->messages->len, error))
    return FALSE;
  uids = collect_found (record, &missing);
  if (missing > 0 && !undo->give_up)
    {
      *result = STEP_WAIT_SYNC;
      return TRUE;
    }
  *result = STEP_DONE;
  if (uids->len == 0)
    return missing == 0
           || set_cannot_undo (error, "The messages cannot be found where they were put");
  if (record->kind == KABAR_PENDING_MOVE)
    operation_id = kabar_store_change_move (store, record->to_folder_id,
                                            (const guint32 *) uids->data, uids->len,
                                            record->folder_id, error);
  else
    operation_id = kabar_store_change_delete (store, record->to_folder_id,
                                              (const guint32 *) uids->data, uids->len, error);
  return operation_id != 0;
}

static gboolean
undo_transfer (KabarStore  *store,
               Undo        *undo,
               StepResult  *result,
               GError     **error)
{
  KabarCancelOutcome outcome = KABAR_CANCEL_GONE;

  if (!kabar_store_cancel_pending_operation (store, undo->record->operation_id, &outcome, error))
    return FALSE;
  switch (outcome)
    {
    case KABAR_CANCEL_DONE:
      *result = STEP_DONE;
      return TRUE;
    case KABAR_CANCEL_STARTED:
      *result = STEP_WAIT_REPLAY;
      return TRUE;
    case KABAR_CANCEL_GONE:
    default:
      return take_back (store, undo, result, error);
    }
}

static gboolean
run_step (KabarStore  *store,
          Undo        *undo,
          StepResult  *result,
          GError     **error)
{
  Record *record = undo->record;

  switch (record->kind)
    {
    case KABAR_PENDING_FLAGS:
      *result = STEP_DONE;
      return kabar_store_restore_flags (store, record->folder_id,
                                        (const KabarChangedMessage *) record->messages->data,
                                        record->messages->len, record->touched, NULL, error);
    case KABAR_PENDING_MOVE:
    case KABAR_PENDING_COPY:
      return undo_transfer (store, undo, result, error);
    case KABAR_PENDING_DELETE:
    case KABAR_PENDING_APPEND:
    case KABAR_PENDING_FOLDER_CREATE:
    case KABAR_PENDING_FOLDER_RENAME:
    case KABAR_PENDING_FOLDER_DELETE:
    default:
      g_return_val_if_reached (FALSE);
    }
}

static void
step_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KabarMailService *self = source;
  StepResult result = STEP_DONE;
  GError *error = NULL;

  if (run_step (self->store, task_data, &result, &error))
    g_task_return_int (task, result);
  else
    g_task_return_error (task, error);
}

/* --- the undo, on the service's thread ----------------------------------------------- */

static void start_step (GTask *task);

static gboolean
on_timer (gpointer user_data)
{
  GTask *task = user_data;
  KabarMailService *self = g_task_get_source_object (task);
  Undo *undo = g_task_get_task_data (task);

  g_clear_pointer (&undo->timer, g_source_unref);
  g_ptr_array_remove (self->undo->waiting, task);
  start_step (task);
  return G_SOURCE_REMOVE;
}

static void
finish_undo (GTask *task)
{
  KabarMailService *self = g_task_get_source_object (task);
  Undo *undo = g_task_get_task_data (task);
  Record *record = undo->record;

  if (record->kind == KABAR_PENDING_FLAGS)
    kabar_mail_service_change_applied (self, record->kind, record->folder_id, 0);
  else
    kabar_mail_service_change_applied (self, KABAR_PENDING_MOVE, record->folder_id,
                                       record->to_folder_id);
  g_task_return_boolean (task, TRUE);
}

/* The step's GTask holds the service: waiting ends when it stops. */
static void
wait_and_step (GTask      *task,
               StepResult  result)
{
  KabarMailService *self = g_task_get_source_object (task);
  Undo *undo = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();

  if (!self->started)
    {
      g_task_return_new_error (task, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_CANNOT_UNDO,
                               "The mail of %s is stopped while the change reaches the server",
                               kabar_account_get_address (self->account));
      g_object_unref (task);
      return;
    }
  if (result == STEP_WAIT_SYNC)
    {
      if (undo->gone_since == 0)
        undo->gone_since = now;
      undo->give_up = now - undo->gone_since > GIVE_UP_US;
      if ((self->pool != NULL || self->graph != NULL)
          && (undo->synced_at == 0 || now - undo->synced_at > SYNC_AGAIN_US))
        {
          undo->synced_at = now;
          if (self->graph != NULL)
            kabar_mail_service_checker_check (self->checker);
          else
            kabar_mail_service_schedule_folder_sync (self, undo->record->to_folder_id);
        }
    }
  undo->delay_ms = undo->delay_ms == 0 ? FIRST_WAIT_MS : MIN (undo->delay_ms * 2, LONGEST_WAIT_MS);
  undo->timer = g_timeout_source_new (undo->delay_ms);
  g_source_set_static_name (undo->timer, "[kabar] undo");
  g_source_set_callback (undo->timer, on_timer, task, NULL);
  g_source_attach (undo->timer, g_task_get_context (task));
  g_ptr_array_add (self->undo->waiting, task);
}

static void
on_step_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Undo *undo = g_task_get_task_data (task);
  GError *error = NULL;
  gssize step = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL)
    {
      /* A store error (a full disk) leaves the change as it was: the user
       * may try again. */
      if (!g_error_matches (error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_CANNOT_UNDO))
        undo->record->undone = FALSE;
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (step == STEP_DONE)
    {
      finish_undo (task);
      g_object_unref (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      undo->record->undone = FALSE;
      g_object_unref (task);
      return;
    }
  wait_and_step (task, (StepResult) step);
}

/* task is owned by the step until it returns. */
static void
start_step (GTask *task)
{
  KabarMailService *self = g_task_get_source_object (task);
  g_autoptr(GTask) step = g_task_new (self, NULL, on_step_done, task);

  g_task_set_source_tag (step, start_step);
  g_task_set_task_data (step, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (step, step_in_thread);
}

static Record *
find_record (KabarMailService *self,
             guint64           change_id)
{
  if (self->undo == NULL)
    return NULL;
  for (GList *l = self->undo->records.head; l != NULL; l = l->next)
    if (((Record *) l->data)->id == change_id)
      return l->data;
  return NULL;
}

static const char *
why_not (Record *record)
{
  if (record == NULL)
    return "The change is unknown, or too old to be undone";
  if (record->undone)
    return "The change is undone already";
  switch (record->kind)
    {
    case KABAR_PENDING_FLAGS:
    case KABAR_PENDING_MOVE:
    case KABAR_PENDING_COPY:
      return record->messages != NULL ? NULL : "The change did not record its messages";
    case KABAR_PENDING_DELETE:
      return "Messages deleted for good cannot be brought back";
    case KABAR_PENDING_APPEND:
    case KABAR_PENDING_FOLDER_CREATE:
    case KABAR_PENDING_FOLDER_RENAME:
    case KABAR_PENDING_FOLDER_DELETE:
    default:
      return "Changes to folders cannot be undone";
    }
}

void
kabar_mail_service_undo_change_async (KabarMailService    *self,
                                      guint64              change_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;
  Record *record;
  const char *why;
  Undo *undo;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_mail_service_undo_change_async);
  record = find_record (self, change_id);
  why = self->store == NULL ? "The mail is not open" : why_not (record);
  if (why != NULL)
    {
      g_task_return_new_error (task, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_CANNOT_UNDO,
                               "%s", why);
      g_object_unref (task);
      return;
    }
  /* At once: a second undo of the same change, meanwhile, cannot. */
  record->undone = TRUE;
  undo = g_new0 (Undo, 1);
  undo->record = record_ref (record);
  g_task_set_task_data (task, undo, (GDestroyNotify) undo_free);
  start_step (task);
}

gboolean
kabar_mail_service_undo_change_finish (KabarMailService  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kabar_mail_service_undo_stop (KabarMailService *self)
{
  g_autoptr(GPtrArray) waiting = NULL;

  if (self->undo == NULL)
    return;
  waiting = g_steal_pointer (&self->undo->waiting);
  self->undo->waiting = g_ptr_array_new ();
  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = waiting->pdata[i];

      g_task_return_new_error (task, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_CANNOT_UNDO,
                               "The mail of %s was stopped while the change reached the server",
                               kabar_account_get_address (self->account));
      g_object_unref (task);
    }
}

void
kabar_mail_service_undo_free (KabarMailServiceUndo *undo)
{
  if (undo == NULL)
    return;
  g_queue_clear_full (&undo->records, (GDestroyNotify) record_unref);
  g_ptr_array_unref (undo->waiting);
  g_free (undo);
}
