/* kabar-mail-service.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The service's life: starting, stopping, its status and its signals, and
 * reading the store for the UI.
 */

#include "config.h"

#include "kabar-engine-enums.h"
#include "kabar-mail-service-private.h"

#define DEFAULT_POLL_SECONDS 300

enum
{
  PROP_0,
  PROP_STATUS,
  N_PROPS
};

enum
{
  FOLDERS_CHANGED,
  FOLDER_CHANGED,
  SYNC_PROGRESS,
  CHANGE_REFUSED,
  NEW_MAIL,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarMailService, kabar_mail_service, G_TYPE_OBJECT)

/* --- what the jobs share ------------------------------------------------------ */

KabarMailServiceShared *
kabar_mail_service_shared_ref (KabarMailServiceShared *shared)
{
  g_atomic_ref_count_inc (&shared->ref_count);
  return shared;
}

void
kabar_mail_service_shared_unref (KabarMailServiceShared *shared)
{
  if (!g_atomic_ref_count_dec (&shared->ref_count))
    return;
  g_clear_object (&shared->account);
  g_clear_object (&shared->store);
  g_main_context_unref (shared->owner);
  g_weak_ref_clear (&shared->service);
  g_free (shared);
}

typedef struct
{
  KabarMailServiceShared *shared;
  KabarMailServiceFunc    func;
  gpointer                data;
  GDestroyNotify          data_free;
} Invocation;

static gboolean
invocation_run (gpointer user_data)
{
  Invocation *invocation = user_data;
  g_autoptr(KabarMailService) self = g_weak_ref_get (&invocation->shared->service);

  if (self != NULL)
    invocation->func (self, invocation->data);
  return G_SOURCE_REMOVE;
}

static void
invocation_free (gpointer user_data)
{
  Invocation *invocation = user_data;

  if (invocation->data_free != NULL)
    invocation->data_free (invocation->data);
  kabar_mail_service_shared_unref (invocation->shared);
  g_free (invocation);
}

void
kabar_mail_service_shared_invoke (KabarMailServiceShared *shared,
                                  KabarMailServiceFunc    func,
                                  gpointer                data,
                                  GDestroyNotify          data_free)
{
  Invocation *invocation = g_new0 (Invocation, 1);
  GSource *source;

  invocation->shared = kabar_mail_service_shared_ref (shared);
  invocation->func = func;
  invocation->data = data;
  invocation->data_free = data_free;
  /* Always through a source: g_main_context_invoke() would run it right
   * here on a thread without a context of its own (the store's) when the
   * owner is the global default context and happens to be free. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, invocation_run, invocation, invocation_free);
  g_source_set_static_name (source, "[kabar] mail service");
  g_source_attach (source, shared->owner);
  g_source_unref (source);
}

typedef struct
{
  gint64 folder_id;
  guint  done;
  guint  total;
} Progress;

static void
progress_here (KabarMailService *self,
               gpointer          data)
{
  Progress *progress = data;

  kabar_mail_service_emit_progress (self, progress->folder_id, progress->done, progress->total);
  /* What the sync stored so far shows in the list. */
  kabar_mail_service_emit_folder_changed (self, progress->folder_id);
}

void
kabar_mail_service_shared_progress (KabarMailServiceShared *shared,
                                    gint64                  folder_id,
                                    guint                   done,
                                    guint                   total)
{
  Progress *progress = g_new (Progress, 1);

  *progress = (Progress) { folder_id, done, total };
  kabar_mail_service_shared_invoke (shared, progress_here, progress, g_free);
}

/* --- status ----------------------------------------------------------------------- */

static KabarMailServiceStatus
status_from_pool (KabarMailService *self)
{
  if (self->pool_status == NULL)
    return KABAR_MAIL_SERVICE_STATUS_CONNECTING;
  switch (kabar_imap_worker_status_get_state (self->pool_status))
    {
    case KABAR_IMAP_WORKER_STATE_STOPPED:
    case KABAR_IMAP_WORKER_STATE_CONNECTING:
      return KABAR_MAIL_SERVICE_STATUS_CONNECTING;
    case KABAR_IMAP_WORKER_STATE_READY:
    case KABAR_IMAP_WORKER_STATE_IDLE:
      return self->jobs_running > 0 ? KABAR_MAIL_SERVICE_STATUS_SYNCING
                                    : KABAR_MAIL_SERVICE_STATUS_ONLINE;
    case KABAR_IMAP_WORKER_STATE_BACKING_OFF:
    case KABAR_IMAP_WORKER_STATE_OFFLINE:
      return KABAR_MAIL_SERVICE_STATUS_OFFLINE;
    case KABAR_IMAP_WORKER_STATE_ERROR:
    default:
      return KABAR_MAIL_SERVICE_STATUS_ERROR;
    }
}

void
kabar_mail_service_update_status (KabarMailService *self)
{
  KabarMailServiceStatus status;
  const GError *error = NULL;
  KabarCertificateProblem *problem = NULL;

  if (!self->started)
    status = self->error != NULL ? KABAR_MAIL_SERVICE_STATUS_ERROR
                                 : KABAR_MAIL_SERVICE_STATUS_STOPPED;
  else if (self->store == NULL)
    status = KABAR_MAIL_SERVICE_STATUS_CONNECTING;
  else if (self->checker != NULL)
    {
      status = kabar_mail_service_checker_get_status (self->checker, &error, &problem);
      if (error != self->error)
        {
          g_clear_error (&self->error);
          self->error = error != NULL ? g_error_copy (error) : NULL;
        }
      g_clear_pointer (&self->certificate_problem, kabar_certificate_problem_unref);
      self->certificate_problem = problem != NULL ? kabar_certificate_problem_ref (problem) : NULL;
    }
  else
    {
      status = status_from_pool (self);
      if (self->pool_status != NULL)
        {
          error = kabar_imap_worker_status_get_error (self->pool_status);
          problem = kabar_imap_worker_status_get_certificate_problem (self->pool_status);
        }
      /* Mail that came while no connection was signed in is news to the
       * watching one only if it had looked before: all is synced once
       * online again. */
      if (status == KABAR_MAIL_SERVICE_STATUS_ERROR || status == KABAR_MAIL_SERVICE_STATUS_OFFLINE)
        self->resync_when_online = TRUE;
      else
        error = NULL;
      if (error != self->error)
        {
          g_clear_error (&self->error);
          self->error = error != NULL ? g_error_copy (error) : NULL;
        }
      g_clear_pointer (&self->certificate_problem, kabar_certificate_problem_unref);
      self->certificate_problem = problem != NULL ? kabar_certificate_problem_ref (problem) : NULL;
    }
  kabar_mail_service_sending_apply_status (self, &status);
  if (status == KABAR_MAIL_SERVICE_STATUS_ONLINE && self->resync_when_online)
    {
      self->resync_when_online = FALSE;
      kabar_mail_service_schedule_replay (self);
      kabar_mail_service_schedule_list_sync (self);
      /* Which made it SYNCING. */
      return;
    }
  if (status == self->status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
on_pool_status_here (KabarMailService *self,
                     gpointer          data)
{
  g_clear_pointer (&self->pool_status, kabar_imap_worker_status_unref);
  self->pool_status = kabar_imap_worker_status_ref (data);
  /* A status with news (a new error) is worth a notify too. */
  g_clear_error (&self->error);
  self->status = (KabarMailServiceStatus) -1;
  kabar_mail_service_update_status (self);
}

/* On a worker's thread. */
static void
on_pool_status (KabarImapWorkerStatus *status,
                gpointer               data)
{
  kabar_mail_service_shared_invoke (data, on_pool_status_here, kabar_imap_worker_status_ref (status),
                                    (GDestroyNotify) kabar_imap_worker_status_unref);
}

/* --- signals ----------------------------------------------------------------------- */

void
kabar_mail_service_emit_folder_changed (KabarMailService *self,
                                        gint64            folder_id)
{
  g_signal_emit (self, signals[FOLDER_CHANGED], 0, folder_id);
}

void
kabar_mail_service_emit_folders_changed (KabarMailService *self)
{
  g_signal_emit (self, signals[FOLDERS_CHANGED], 0);
}

void
kabar_mail_service_emit_progress (KabarMailService *self,
                                  gint64            folder_id,
                                  guint             done,
                                  guint             total)
{
  g_signal_emit (self, signals[SYNC_PROGRESS], 0, folder_id, done, total);
}

void
kabar_mail_service_emit_change_refused (KabarMailService *self,
                                        guint             kind,
                                        gint64            folder_id,
                                        const GError     *error)
{
  g_signal_emit (self, signals[CHANGE_REFUSED], 0, kind, folder_id, error);
}

void
kabar_mail_service_emit_new_mail (KabarMailService *self,
                                  gint64            folder_id,
                                  GArray           *message_ids)
{
  g_signal_emit (self, signals[NEW_MAIL], 0, folder_id, message_ids);
}

/* --- network --------------------------------------------------------------------------- */

/* A server on this machine (the demo, the tests) is reachable whatever
 * GNetworkMonitor says of the network. */
static gboolean
server_is_local (KabarMailService *self)
{
  const char *host = kabar_account_get_host (self->account, KABAR_SERVER_INCOMING);
  g_autoptr(GInetAddress) address = host != NULL ? g_inet_address_new_from_string (host) : NULL;

  if (g_strcmp0 (host, "localhost") == 0)
    return TRUE;
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  KabarMailService *self = user_data;

  if (self->pool != NULL && !server_is_local (self))
    kabar_imap_pool_network_changed (self->pool, available);
}

void
kabar_mail_service_set_network_available (KabarMailService *self,
                                          gboolean          available)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  if (self->pool != NULL)
    kabar_imap_pool_network_changed (self->pool, available);
  else if (self->checker != NULL)
    kabar_mail_service_checker_network_changed (self->checker, available);
  kabar_mail_service_sending_network_changed (self, available);
}

/* --- starting and stopping --------------------------------------------------------------- */

static void
clear_poll (KabarMailService *self)
{
  if (self->poll_source != 0)
    {
      GSource *poll = g_main_context_find_source_by_id (self->shared->owner, self->poll_source);

      if (poll != NULL)
        g_source_destroy (poll);
      self->poll_source = 0;
    }
}

void
kabar_mail_service_arm_poll (KabarMailService *self,
                             GSourceFunc       func)
{
  g_autoptr(GSource) poll = g_timeout_source_new_seconds (self->poll_interval);

  clear_poll (self);
  self->poll_func = func;
  g_source_set_callback (poll, func, self, NULL);
  self->poll_source = g_source_attach (poll, self->shared->owner);
}

static gboolean
on_poll (gpointer user_data)
{
  kabar_mail_service_schedule_list_sync (user_data);
  return G_SOURCE_CONTINUE;
}

static void
start_pool (KabarMailService *self)
{
  g_autofree char *name = g_strdup_printf ("imap-%s", kabar_account_get_id (self->account));

  kabar_mail_service_sending_start (self);
  if (kabar_account_get_incoming_kind (self->account) == KABAR_INCOMING_POP3)
    {
      kabar_mail_service_pop_start (self);
      return;
    }
  if (kabar_account_get_incoming_kind (self->account) == KABAR_INCOMING_GRAPH)
    {
      kabar_mail_service_graph_start (self);
      return;
    }
  self->pool = kabar_imap_pool_new (name, self->connections, kabar_mail_service_connect,
                                    kabar_mail_service_shared_ref (self->shared),
                                    (GDestroyNotify) kabar_mail_service_shared_unref);
  kabar_imap_pool_set_status_func (self->pool, on_pool_status,
                                   kabar_mail_service_shared_ref (self->shared),
                                   (GDestroyNotify) kabar_mail_service_shared_unref);
  kabar_imap_pool_start (self->pool);
  kabar_mail_service_watch_inbox (self);

  self->network_monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_handler = g_signal_connect (self->network_monitor, "network-changed",
                                            G_CALLBACK (on_network_changed), self);
  if (!server_is_local (self) && !g_network_monitor_get_network_available (self->network_monitor))
    kabar_imap_pool_network_changed (self->pool, FALSE);

  kabar_mail_service_arm_poll (self, on_poll);

  /* What the user did last time and the server has not seen goes first. */
  kabar_mail_service_schedule_replay (self);
  kabar_mail_service_schedule_list_sync (self);
}

static void
open_store_in_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  KabarStore *store = kabar_store_open (task_data, &error);

  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

static void
on_store_opened (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  g_autoptr(GError) error = NULL;
  KabarStore *store = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (store == NULL)
    {
      /* Nothing can work without it: say so, and stay stopped. */
      g_warning ("Could not open the mail store %s: %s", self->store_path, error->message);
      self->started = FALSE;
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
      kabar_mail_service_update_status (self);
      return;
    }
  self->store = store;
  self->shared->store = g_object_ref (store);
  start_pool (self);
  kabar_mail_service_update_status (self);
  kabar_mail_service_emit_folders_changed (self);
  /* The organizer's views asked before the store opened: they can read it
   * now. */
  if (kabar_mail_service_has_organizer (self))
    kabar_mail_service_emit_organizer_changed (self, KABAR_ORGANIZER_CONTACTS
                                                     | KABAR_ORGANIZER_CALENDAR
                                                     | KABAR_ORGANIZER_TASKS);
}

void
kabar_mail_service_start (KabarMailService *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  if (self->started)
    return;
  self->started = TRUE;
  g_clear_error (&self->error);
  self->cancellable = g_cancellable_new ();
  kabar_mail_service_update_status (self);
  if (self->store != NULL)
    {
      /* Started again after a stop: the store is still open. */
      self->shared->store = self->shared->store != NULL ? self->shared->store
                                                        : g_object_ref (self->store);
      start_pool (self);
      kabar_mail_service_update_status (self);
      return;
    }
  task = g_task_new (self, self->cancellable, on_store_opened, NULL);
  g_task_set_source_tag (task, kabar_mail_service_start);
  g_task_set_task_data (task, g_strdup (self->store_path), g_free);
  g_task_run_in_thread (task, open_store_in_thread);
}

void
kabar_mail_service_stop (KabarMailService *self)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  if (!self->started)
    return;
  self->started = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_poll (self);
  g_clear_signal_handler (&self->network_handler, self->network_monitor);
  g_clear_object (&self->network_monitor);
  if (self->pool != NULL)
    kabar_imap_pool_stop (self->pool);
  g_clear_object (&self->pool);
  kabar_mail_service_checker_stop (self->checker);
  kabar_mail_service_sending_stop (self);
  g_clear_pointer (&self->pool_status, kabar_imap_worker_status_unref);
  g_hash_table_remove_all (self->folder_syncs);
  kabar_mail_service_clear_prefetch (self);
  kabar_mail_service_undo_stop (self);
  self->jobs_running = 0;
  self->list_sync_running = self->list_sync_again = FALSE;
  self->replay_running = self->replay_again = FALSE;
  self->resync_when_online = FALSE;
  kabar_mail_service_update_status (self);
}

void
kabar_mail_service_refresh (KabarMailService *self)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  if (self->pool != NULL)
    kabar_mail_service_schedule_list_sync (self);
  else if (self->checker != NULL)
    kabar_mail_service_checker_check (self->checker);
}

void
kabar_mail_service_refresh_folder (KabarMailService *self,
                                   gint64            folder_id)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  if (self->pool != NULL)
    kabar_mail_service_schedule_folder_sync (self, folder_id);
  else if (self->checker != NULL)
    kabar_mail_service_checker_check (self->checker);
}

void
kabar_mail_service_retry (KabarMailService *self)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  if (!self->started)
    kabar_mail_service_start (self);
  else if (self->pool != NULL)
    kabar_imap_pool_retry (self->pool);
  else if (self->checker != NULL)
    kabar_mail_service_checker_retry (self->checker);
  kabar_mail_service_sending_retry (self);
}

/* --- reading the store ----------------------------------------------------------------- */

typedef struct
{
  gint64 folder_id;
  guint  offset;
  guint  limit;
} PageRequest;

static void
list_folders_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *folders = kabar_store_list_folders (task_data, &error);

  if (folders == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, folders, (GDestroyNotify) g_ptr_array_unref);
}

static gboolean
check_store (KabarMailService *self,
             GTask            *task)
{
  if (self->store != NULL)
    return TRUE;
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "The mail of %s is not open yet",
                           kabar_account_get_address (self->account));
  return FALSE;
}

void
kabar_mail_service_list_folders_async (KabarMailService    *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  g_task_set_source_tag (task, kabar_mail_service_list_folders_async);
  if (!check_store (self, task))
    return;
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, list_folders_in_thread);
}

GPtrArray *
kabar_mail_service_list_folders_finish (KabarMailService  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_messages_in_thread (GTask        *task,
                         gpointer      source,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  KabarMailService *self = source;
  PageRequest *page = task_data;
  GError *error = NULL;
  GPtrArray *messages = kabar_store_list_messages (self->store, page->folder_id, page->offset,
                                                   page->limit, &error);

  if (messages == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, messages, (GDestroyNotify) g_ptr_array_unref);
}

void
kabar_mail_service_list_messages_async (KabarMailService    *self,
                                        gint64               folder_id,
                                        guint                offset,
                                        guint                limit,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PageRequest *page = g_new0 (PageRequest, 1);

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  g_task_set_source_tag (task, kabar_mail_service_list_messages_async);
  page->folder_id = folder_id;
  page->offset = offset;
  page->limit = limit;
  g_task_set_task_data (task, page, g_free);
  if (!check_store (self, task))
    return;
  g_task_run_in_thread (task, list_messages_in_thread);
}

GPtrArray *
kabar_mail_service_list_messages_finish (KabarMailService  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_conversation_in_thread (GTask        *task,
                             gpointer      source,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  KabarMailService *self = source;
  gint64 *message_id = task_data;
  GError *error = NULL;
  g_autoptr(KabarMessageSummary) message = kabar_store_get_message (self->store, *message_id, &error);
  GPtrArray *conversation;

  if (message == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  conversation = kabar_store_list_thread (self->store, message->thread_id, &error);
  if (conversation == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, conversation, (GDestroyNotify) g_ptr_array_unref);
}

void
kabar_mail_service_list_conversation_async (KabarMailService    *self,
                                            gint64               message_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  g_task_set_source_tag (task, kabar_mail_service_list_conversation_async);
  g_task_set_task_data (task, g_memdup2 (&message_id, sizeof message_id), g_free);
  if (!check_store (self, task))
    return;
  g_task_run_in_thread (task, list_conversation_in_thread);
}

GPtrArray *
kabar_mail_service_list_conversation_finish (KabarMailService  *self,
                                             GAsyncResult      *result,
                                             GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  gint64           folder_id;
  KabarMessageSort sort;
  gboolean         conversations;
  guint            offset;
  guint            limit;
} EntriesRequest;

typedef struct
{
  GPtrArray *entries;
  guint      n_rows;
} EntriesPage;

static void
entries_page_free (EntriesPage *page)
{
  g_ptr_array_unref (page->entries);
  g_free (page);
}

static void
list_entries_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  KabarMailService *self = source;
  EntriesRequest *request = task_data;
  GError *error = NULL;
  guint n_rows = 0;
  GPtrArray *entries = kabar_store_list_entries (self->store, request->folder_id, request->sort,
                                                 request->conversations, request->offset,
                                                 request->limit, &n_rows, &error);
  EntriesPage *page;

  if (entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  page = g_new0 (EntriesPage, 1);
  page->entries = entries;
  page->n_rows = n_rows;
  g_task_return_pointer (task, page, (GDestroyNotify) entries_page_free);
}

void
kabar_mail_service_list_entries_async (KabarMailService    *self,
                                       gint64               folder_id,
                                       KabarMessageSort     sort,
                                       gboolean             conversations,
                                       guint                offset,
                                       guint                limit,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  EntriesRequest *request = g_new0 (EntriesRequest, 1);

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  g_task_set_source_tag (task, kabar_mail_service_list_entries_async);
  request->folder_id = folder_id;
  request->sort = sort;
  request->conversations = conversations;
  request->offset = offset;
  request->limit = limit;
  g_task_set_task_data (task, request, g_free);
  if (!check_store (self, task))
    return;
  g_task_run_in_thread (task, list_entries_in_thread);
}

GPtrArray *
kabar_mail_service_list_entries_finish (KabarMailService  *self,
                                        GAsyncResult      *result,
                                        guint             *n_rows,
                                        GError           **error)
{
  EntriesPage *page;
  GPtrArray *entries;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  page = g_task_propagate_pointer (G_TASK (result), error);
  if (page == NULL)
    return NULL;
  if (n_rows != NULL)
    *n_rows = page->n_rows;
  entries = g_steal_pointer (&page->entries);
  g_free (page);
  return entries;
}

/* --- the object ------------------------------------------------------------------------- */

KabarMailService *
kabar_mail_service_new (KabarAccount *account,
                        const char   *store_path)
{
  KabarMailService *self;

  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (store_path != NULL, NULL);

  self = g_object_new (KABAR_TYPE_MAIL_SERVICE, NULL);
  self->account = g_object_ref (account);
  self->store_path = g_strdup (store_path);
  self->shared->account = g_object_ref (account);
  return self;
}

char *
kabar_mail_service_dup_default_store_path (KabarAccount *account)
{
  g_autofree char *name = g_strconcat (kabar_account_get_id (account), ".db", NULL);

  return g_build_filename (g_get_user_data_dir (), "kabar", name, NULL);
}

KabarAccount *
kabar_mail_service_get_account (KabarMailService *self)
{
  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (self), NULL);
  return self->account;
}

KabarMailServiceStatus
kabar_mail_service_get_status (KabarMailService *self)
{
  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (self), KABAR_MAIL_SERVICE_STATUS_STOPPED);
  return self->status;
}

const GError *
kabar_mail_service_get_error (KabarMailService *self)
{
  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (self), NULL);
  return self->error;
}

KabarCertificateProblem *
kabar_mail_service_get_certificate_problem (KabarMailService *self)
{
  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (self), NULL);
  return self->certificate_problem;
}

KabarStore *
kabar_mail_service_get_store (KabarMailService *self)
{
  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (self), NULL);
  return self->store;
}

void
kabar_mail_service_set_connections (KabarMailService *self,
                                    guint             connections)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));
  g_return_if_fail (connections > 0);
  self->connections = connections;
}

void
kabar_mail_service_set_poll_interval (KabarMailService *self,
                                      guint             seconds)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));
  g_return_if_fail (seconds > 0);
  if (self->poll_interval == seconds)
    return;
  self->poll_interval = seconds;
  /* A user who shortens an hour to a minute expects mail within the minute. */
  if (self->started && self->poll_source != 0)
    kabar_mail_service_arm_poll (self, self->poll_func);
}

static void
kabar_mail_service_dispose (GObject *object)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (object);

  kabar_mail_service_stop (self);
  G_OBJECT_CLASS (kabar_mail_service_parent_class)->dispose (object);
}

static void
kabar_mail_service_finalize (GObject *object)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (object);

  g_weak_ref_set (&self->shared->service, NULL);
  kabar_mail_service_shared_unref (self->shared);
  g_clear_object (&self->account);
  g_clear_object (&self->store);
  g_clear_error (&self->error);
  g_clear_pointer (&self->certificate_problem, kabar_certificate_problem_unref);
  /* The workers' last status (STOPPED) may come after stop(), while a
   * task still holds the service. */
  g_clear_pointer (&self->pool_status, kabar_imap_worker_status_unref);
  g_hash_table_unref (self->folder_syncs);
  g_hash_table_unref (self->folder_ids);
  g_hash_table_unref (self->changed_folders);
  kabar_mail_service_clear_prefetch (self);
  kabar_mail_service_checker_free (self->checker);
  g_free (self->pop);
  g_free (self->graph);
  kabar_mail_service_undo_free (self->undo);
  g_free (self->store_path);
  G_OBJECT_CLASS (kabar_mail_service_parent_class)->finalize (object);
}

static void
kabar_mail_service_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_mail_service_class_init (KabarMailServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_mail_service_dispose;
  object_class->finalize = kabar_mail_service_finalize;
  object_class->get_property = kabar_mail_service_get_property;

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, KABAR_TYPE_MAIL_SERVICE_STATUS,
                       KABAR_MAIL_SERVICE_STATUS_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FOLDERS_CHANGED] =
    g_signal_new ("folders-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  signals[FOLDER_CHANGED] =
    g_signal_new ("folder-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SYNC_PROGRESS] =
    g_signal_new ("sync-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_UINT, G_TYPE_UINT);
  signals[CHANGE_REFUSED] =
    g_signal_new ("change-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_INT64,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[NEW_MAIL] =
    g_signal_new ("new-mail", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
  kabar_mail_service_sending_class_init (object_class);
  kabar_mail_service_organizer_class_init (object_class);
}

static void
kabar_mail_service_init (KabarMailService *self)
{
  self->connections = KABAR_IMAP_POOL_DEFAULT_SIZE;
  self->poll_interval = DEFAULT_POLL_SECONDS;
  self->folder_syncs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->folder_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->changed_folders = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->shared = g_new0 (KabarMailServiceShared, 1);
  g_atomic_ref_count_init (&self->shared->ref_count);
  self->shared->owner = g_main_context_ref_thread_default ();
  g_weak_ref_init (&self->shared->service, self);
}
