/* kabar-mail-service-organizer.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Contacts, calendar and To Do of a Graph account for the UI: the store
 * read on a thread, and the user's task changes written to it at once,
 * then taken to the server by a check (kabar_graph_sync_organizer()).
 */

#include "config.h"

#include "kabar-mail-service-private.h"
#include "kabar-store-organizer.h"

enum
{
  ORGANIZER_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
kabar_mail_service_organizer_class_init (GObjectClass *klass)
{
  signals[ORGANIZER_CHANGED] =
    g_signal_new ("organizer-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

void
kabar_mail_service_emit_organizer_changed (KabarMailService    *self,
                                           KabarOrganizerParts  parts)
{
  if (parts != 0)
    g_signal_emit (self, signals[ORGANIZER_CHANGED], 0, (guint) parts);
}

gboolean
kabar_mail_service_has_organizer (KabarMailService *self)
{
  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (self), FALSE);

  return kabar_account_get_incoming_kind (self->account) == KABAR_INCOMING_GRAPH;
}

/* --- one store call on a thread ----------------------------------------------------------- */

typedef enum
{
  CALL_LIST_CONTACTS,
  CALL_LIST_EVENTS,
  CALL_LIST_TASK_LISTS,
  CALL_LIST_TASKS,
  CALL_SET_TASK_COMPLETED,
  CALL_ADD_TASK,
} CallKind;

typedef struct
{
  CallKind    kind;
  KabarStore *store;
  char       *text;
  char       *id;
  gint64      from;
  gint64      to;
  gboolean    completed;
  /* A change's caller, called after the service noted the change. */
  GAsyncReadyCallback callback;
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->store);
  g_free (call->text);
  g_free (call->id);
  g_free (call);
}

static void
ptr_array_unref (gpointer array)
{
  g_ptr_array_unref (array);
}

static void
call_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Call *call = task_data;
  GError *error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gpointer result = NULL;
  GDestroyNotify result_free = ptr_array_unref;

  switch (call->kind)
    {
    case CALL_LIST_CONTACTS:
      result = kabar_store_organizer_list_contacts (call->store, call->text, &error);
      break;
    case CALL_LIST_EVENTS:
      result = kabar_store_organizer_list_events (call->store, call->from, call->to, &error);
      break;
    case CALL_LIST_TASK_LISTS:
      result = kabar_store_organizer_list_task_lists (call->store, &error);
      break;
    case CALL_LIST_TASKS:
      result = kabar_store_organizer_list_tasks (call->store, call->id, &error);
      break;
    case CALL_SET_TASK_COMPLETED:
      if (kabar_store_organizer_set_task_completed (call->store, call->id, call->completed, now, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      return;
    case CALL_ADD_TASK:
      result = kabar_store_organizer_add_task (call->store, call->id, call->text, now, &error);
      result_free = (GDestroyNotify) kabar_task_free;
      break;
    default:
      g_assert_not_reached ();
    }
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, result_free);
}

/* A task change is in the store: the UI shows it, the server gets it with
 * the check started now. */
static void
task_changed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  GTask *task = G_TASK (result);
  Call *call = g_task_get_task_data (task);

  if (!g_task_had_error (task))
    {
      kabar_mail_service_emit_organizer_changed (self, KABAR_ORGANIZER_TASKS);
      if (self->started)
        kabar_mail_service_refresh (self);
    }
  if (call->callback != NULL)
    call->callback (source, result, user_data);
}

static void
run_call (KabarMailService    *self,
          Call                *call,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gboolean changes = call->kind == CALL_SET_TASK_COMPLETED || call->kind == CALL_ADD_TASK;

  task = g_task_new (self, cancellable, changes ? task_changed : callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  if (changes)
    call->callback = callback;
  if (!kabar_mail_service_has_organizer (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "%s has no contacts, calendar or To Do lists on its server",
                               kabar_account_get_address (self->account));
      return;
    }
  if (self->store == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "The mail of %s is not open yet",
                               kabar_account_get_address (self->account));
      return;
    }
  call->store = g_object_ref (self->store);
  g_task_run_in_thread (task, call_in_thread);
}

static Call *
call_new (CallKind    kind,
          const char *id,
          const char *text)
{
  Call *call = g_new0 (Call, 1);

  call->kind = kind;
  call->id = g_strdup (id);
  call->text = g_strdup (text);
  return call;
}

static gpointer
finish_pointer (KabarMailService  *self,
                GAsyncResult      *result,
                gpointer           source_tag,
                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the calls ----------------------------------------------------------------------------- */

void
kabar_mail_service_list_contacts_async (KabarMailService    *self,
                                        const char          *query,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  run_call (self, call_new (CALL_LIST_CONTACTS, NULL, query), kabar_mail_service_list_contacts_async,
            cancellable, callback, user_data);
}

GPtrArray *
kabar_mail_service_list_contacts_finish (KabarMailService  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  return finish_pointer (self, result, kabar_mail_service_list_contacts_async, error);
}

void
kabar_mail_service_list_events_async (KabarMailService    *self,
                                      gint64               from,
                                      gint64               to,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  Call *call;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  call = call_new (CALL_LIST_EVENTS, NULL, NULL);
  call->from = from;
  call->to = to;
  run_call (self, call, kabar_mail_service_list_events_async, cancellable, callback, user_data);
}

GPtrArray *
kabar_mail_service_list_events_finish (KabarMailService  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  return finish_pointer (self, result, kabar_mail_service_list_events_async, error);
}

void
kabar_mail_service_list_task_lists_async (KabarMailService    *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  run_call (self, call_new (CALL_LIST_TASK_LISTS, NULL, NULL), kabar_mail_service_list_task_lists_async,
            cancellable, callback, user_data);
}

GPtrArray *
kabar_mail_service_list_task_lists_finish (KabarMailService  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  return finish_pointer (self, result, kabar_mail_service_list_task_lists_async, error);
}

void
kabar_mail_service_list_tasks_async (KabarMailService    *self,
                                     const char          *list_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));
  g_return_if_fail (list_id != NULL);

  run_call (self, call_new (CALL_LIST_TASKS, list_id, NULL), kabar_mail_service_list_tasks_async,
            cancellable, callback, user_data);
}

GPtrArray *
kabar_mail_service_list_tasks_finish (KabarMailService  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  return finish_pointer (self, result, kabar_mail_service_list_tasks_async, error);
}

void
kabar_mail_service_set_task_completed_async (KabarMailService    *self,
                                             const char          *task_id,
                                             gboolean             completed,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  Call *call;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));
  g_return_if_fail (task_id != NULL);

  call = call_new (CALL_SET_TASK_COMPLETED, task_id, NULL);
  call->completed = completed;
  run_call (self, call, kabar_mail_service_set_task_completed_async, cancellable, callback, user_data);
}

gboolean
kabar_mail_service_set_task_completed_finish (KabarMailService  *self,
                                              GAsyncResult      *result,
                                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kabar_mail_service_add_task_async (KabarMailService    *self,
                                   const char          *list_id,
                                   const char          *title,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));
  g_return_if_fail (list_id != NULL);
  g_return_if_fail (title != NULL);

  run_call (self, call_new (CALL_ADD_TASK, list_id, title), kabar_mail_service_add_task_async,
            cancellable, callback, user_data);
}

KabarTask *
kabar_mail_service_add_task_finish (KabarMailService  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  return finish_pointer (self, result, kabar_mail_service_add_task_async, error);
}
