/* kabar-mail-service-graph.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The service for an Exchange-style account (Microsoft Graph): no pool. A
 * check runs at start, on the poll timer, on refresh, after each change of
 * the user and when the network comes back, one at a time on a thread of
 * its own with its own Graph client: the user's changes go first, then the
 * folder tree, the folders (the inbox first), then contacts, calendar and
 * To Do.
 */

#include "config.h"

#include "kabar-graph-client.h"
#include "kabar-graph-mail-sync.h"
#include "kabar-graph-organizer.h"
#include "kabar-graph-replay.h"
#include "kabar-mail-service-private.h"
#include "kabar-store-graph.h"
#include "kabar-sync-cancel.h"

/* Messages a check indexes for search after each folder. */
#define INDEX_BATCH 500

/* Plain fields: the service frees it with g_free(). */
struct _KabarMailServiceGraph
{
  /* The check to follow the running one must be a full one. */
  gboolean again_full;
};

typedef struct
{
  KabarMailServiceCheck  head;
  /* Every folder and the organizer, or (after the user's changes) the
   * replay, the folder tree and the folders changed (gint64 ids). */
  gboolean               full;
  GArray                *folders;
} Check;

static void
check_free (Check *check)
{
  kabar_mail_service_check_clear (&check->head);
  g_clear_pointer (&check->folders, g_array_unref);
  g_free (check);
}

static void     start       (KabarMailService *self,
                             gboolean          full);
static void     start_check (KabarMailService *self);
static gboolean needs_user  (const GError     *error);

static KabarMailServiceGraph *
graph_get (KabarMailService *self)
{
  if (self->graph == NULL)
    {
      self->graph = g_new0 (KabarMailServiceGraph, 1);
      self->checker = kabar_mail_service_checker_new (self, start_check, needs_user);
    }
  return self->graph;
}

/* --- what a check tells the service, on its thread ------------------------------------ */

typedef struct
{
  guint   kind;
  gint64  folder_id;
  GError *error;
} Refusal;

static void
refusal_free (Refusal *refusal)
{
  g_clear_error (&refusal->error);
  g_free (refusal);
}

static void
on_refused_here (KabarMailService *self,
                 gpointer          data)
{
  Refusal *refusal = data;

  /* Undone in the store: the lists show it as it was. */
  if (refusal->kind >= KABAR_PENDING_FOLDER_CREATE || refusal->folder_id == 0)
    kabar_mail_service_emit_folders_changed (self);
  else
    kabar_mail_service_emit_folder_changed (self, refusal->folder_id);
  kabar_mail_service_emit_change_refused (self, refusal->kind, refusal->folder_id, refusal->error);
}

static void
on_refused (KabarPendingKind  kind,
            gint64            folder_id,
            const GError     *error,
            gpointer          data)
{
  Refusal *refusal = g_new0 (Refusal, 1);

  refusal->kind = kind;
  refusal->folder_id = folder_id;
  refusal->error = g_error_copy (error);
  kabar_mail_service_shared_invoke (data, on_refused_here, refusal, (GDestroyNotify) refusal_free);
}

typedef struct
{
  gint64  folder_id;
  GArray *new_mail;
} FolderNews;

static void
folder_news_free (FolderNews *news)
{
  g_clear_pointer (&news->new_mail, g_array_unref);
  g_free (news);
}

/* On the check's thread, after each page. */
static void
on_progress (gint64   folder_id,
             guint    done,
             guint    total,
             gpointer user_data)
{
  kabar_mail_service_shared_progress (user_data, folder_id, done, total);
}

static void
on_folder_synced_here (KabarMailService *self,
                       gpointer          data)
{
  FolderNews *news = data;

  kabar_mail_service_emit_folder_changed (self, news->folder_id);
  if (news->new_mail != NULL && news->new_mail->len > 0)
    kabar_mail_service_emit_new_mail (self, news->folder_id, news->new_mail);
  /* Its recent bodies, once the check is done. */
  kabar_mail_service_queue_prefetch (self, news->folder_id);
}

static void
on_folders_synced_here (KabarMailService *self,
                        gpointer          data)
{
  kabar_mail_service_emit_folders_changed (self);
}

static void
on_organizer_synced_here (KabarMailService *self,
                          gpointer          data)
{
  kabar_mail_service_emit_organizer_changed (self, GPOINTER_TO_UINT (data));
}

/* --- a check, on its thread ---------------------------------------------------------- */

/* The inbox first: it is what the user waits for. */
static gint
compare_inbox_first (gconstpointer a,
                     gconstpointer b)
{
  const KabarStoreFolder *x = *(const KabarStoreFolder * const *) a;
  const KabarStoreFolder *y = *(const KabarStoreFolder * const *) b;
  gboolean x_inbox = x->role == KABAR_FOLDER_ROLE_INBOX;
  gboolean y_inbox = y->role == KABAR_FOLDER_ROLE_INBOX;

  if (x_inbox != y_inbox)
    return x_inbox ? -1 : 1;
  return g_strcmp0 (x->path, y->path);
}

static gboolean
sync_folder (Check                  *check,
             KabarGraphClient       *client,
             const KabarStoreFolder *folder,
             GCancellable           *cancellable,
             GError                **error)
{
  KabarStore *store = check->head.shared->store;
  g_autoptr(GArray) new_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  FolderNews *news;
  guint indexed = 0;

  if (!kabar_graph_sync_messages (client, store, folder->id, on_progress, check->head.shared, new_ids,
                                  cancellable, error))
    return FALSE;
  /* New mail is found by search at once. */
  do
    {
      if (!kabar_store_index_pending (store, INDEX_BATCH, &indexed, error))
        return FALSE;
    }
  while (indexed == INDEX_BATCH);
  news = g_new0 (FolderNews, 1);
  news->folder_id = folder->id;
  /* A folder's first sync brings the mailbox, not news. */
  if (check->head.announce && folder->role == KABAR_FOLDER_ROLE_INBOX)
    news->new_mail = g_steal_pointer (&new_ids);
  kabar_mail_service_shared_invoke (check->head.shared, on_folder_synced_here, news,
                                    (GDestroyNotify) folder_news_free);
  return TRUE;
}

/* The user deleted the folder while its sync ran: nothing is wrong. */
static gboolean
folder_went (KabarStore   *store,
             gint64        folder_id,
             const GError *error)
{
  g_autoptr(KabarStoreFolder) folder = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_error_matches (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    return FALSE;
  folder = kabar_store_get_folder (store, folder_id, &local_error);
  return folder == NULL && g_error_matches (local_error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

/* A folder of the server's, unless the user deleted it meanwhile. */
static gboolean
sync_known_folder (Check                   *check,
                   KabarGraphClient        *client,
                   const KabarStoreFolder  *folder,
                   GCancellable            *cancellable,
                   GError                 **error)
{
  KabarStore *store = check->head.shared->store;
  GError *local_error = NULL;
  g_autofree char *remote_id = kabar_store_graph_get_folder_remote_id (store, folder->id, &local_error);

  /* Made here, not on the server yet: the replay makes it. */
  if (remote_id == NULL && local_error == NULL)
    return TRUE;
  if (local_error == NULL && sync_folder (check, client, folder, cancellable, &local_error))
    return TRUE;
  if (folder_went (store, folder->id, local_error))
    {
      g_error_free (local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

static gboolean
sync_folders (Check             *check,
              KabarGraphClient  *client,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(GPtrArray) folders = kabar_store_list_folders (check->head.shared->store, error);

  if (folders == NULL)
    return FALSE;
  g_ptr_array_sort (folders, compare_inbox_first);
  for (guint i = 0; i < folders->len; i++)
    if (!sync_known_folder (check, client, g_ptr_array_index (folders, i), cancellable, error))
      return FALSE;
  return TRUE;
}

/* Those the user's changes touched: they show what the server made of
 * them (a moved message's new place). */
static gboolean
sync_changed_folders (Check             *check,
                      KabarGraphClient  *client,
                      GCancellable      *cancellable,
                      GError           **error)
{
  for (guint i = 0; check->folders != NULL && i < check->folders->len; i++)
    {
      GError *local_error = NULL;
      g_autoptr(KabarStoreFolder) folder = kabar_store_get_folder (check->head.shared->store,
                                                                   g_array_index (check->folders, gint64, i),
                                                                   &local_error);

      if (folder == NULL)
        {
          if (g_error_matches (local_error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
            {
              g_error_free (local_error);
              continue;
            }
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (!sync_known_folder (check, client, folder, cancellable, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
run_check (KabarGraphClient  *client,
           gpointer           data,
           GCancellable      *cancellable,
           GError           **error)
{
  Check *check = data;
  KabarStore *store = check->head.shared->store;
  KabarOrganizerParts changed = 0;

  /* What the user did last time and the server has not seen goes first. */
  if (!kabar_graph_replay (client, store, on_refused, check->head.shared, cancellable, error)
      || !kabar_graph_sync_folder_tree (client, store, cancellable, error))
    return FALSE;
  kabar_mail_service_shared_invoke (check->head.shared, on_folders_synced_here, NULL, NULL);
  if (!check->full)
    return sync_changed_folders (check, client, cancellable, error);
  if (!sync_folders (check, client, cancellable, error)
      || !kabar_graph_sync_organizer (client, store, &changed, cancellable, error))
    return FALSE;
  if (changed != 0)
    kabar_mail_service_shared_invoke (check->head.shared, on_organizer_synced_here,
                                      GUINT_TO_POINTER (changed), NULL);
  return TRUE;
}

/* On a thread of its own: func with a Graph client of its own on a main
 * context of its own (kabar-sync-wait.h). problem (may be NULL): the
 * certificate the client could not trust when func failed. */
static gboolean
run_with_client (KabarAccount               *account,
                 KabarMailServiceGraphFunc   func,
                 gpointer                    data,
                 GCancellable               *cancellable,
                 KabarCertificateProblem   **problem,
                 GError                    **error)
{
  GMainContext *context = g_main_context_new ();
  KabarSyncCancel cancel;
  KabarGraphClient *client;
  gboolean done;

  g_main_context_push_thread_default (context);
  kabar_sync_cancel_init (&cancel, cancellable);
  client = kabar_graph_client_new (account);
  done = func (client, data, kabar_sync_cancel_get (&cancel), error);
  if (!done && problem != NULL && kabar_graph_client_get_certificate_problem (client) != NULL)
    *problem = kabar_certificate_problem_ref (kabar_graph_client_get_certificate_problem (client));
  g_object_unref (client);
  kabar_sync_cancel_clear (&cancel);
  /* Until the client's last sources (a closed connection) ran. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return done;
}

static void
check_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Check *check = task_data;
  GError *error = NULL;

  if (run_with_client (check->head.shared->account, run_check, check, cancellable, &check->head.problem, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* What only the user can fix, beyond what every service's is (the
 * checker's); anything else is tried again later. */
static gboolean
needs_user (const GError *error)
{
  return g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_UNAUTHORIZED)
         || g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_FORBIDDEN);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  KabarMailServiceGraph *graph = graph_get (self);
  Check *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean full = graph->again_full;

  if (!kabar_mail_service_checker_end (self->checker, check->head.run))
    return;
  g_task_propagate_boolean (G_TASK (result), &error);
  if (!kabar_mail_service_checker_report (self->checker, error, check->head.problem))
    {
      if (!self->checker->again)
        graph->again_full = FALSE;
      return;
    }
  graph->again_full = FALSE;
  if (kabar_mail_service_checker_take_again (self->checker))
    start (self, full);
  kabar_mail_service_run_prefetch (self);
}

/* The changed folders the service noted, taken. */
static GArray *
take_changed_folders (KabarMailService *self)
{
  GArray *folders = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->changed_folders);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (folders, *(gint64 *) key);
  g_hash_table_remove_all (self->changed_folders);
  return folders;
}

static void
start (KabarMailService *self,
       gboolean          full)
{
  KabarMailServiceGraph *graph = graph_get (self);
  Check *check;

  if (self->checker->running)
    graph->again_full = graph->again_full || full;
  if (!kabar_mail_service_checker_begin (self->checker))
    return;
  check = g_new0 (Check, 1);
  check->full = full;
  check->folders = take_changed_folders (self);
  kabar_mail_service_checker_run (self->checker, &check->head, (GDestroyNotify) check_free, check_in_thread,
                                  on_checked);
}

static void
start_check (KabarMailService *self)
{
  start (self, TRUE);
}

void
kabar_mail_service_graph_replay (KabarMailService *self)
{
  start (self, FALSE);
}

/* --- work beside the checks -------------------------------------------------------- */

typedef struct
{
  KabarMailServiceShared   *shared;
  KabarMailServiceGraphFunc func;
  gpointer                  data;
  GDestroyNotify            data_free;
} GraphJob;

static void
graph_job_free (GraphJob *job)
{
  if (job->data_free != NULL)
    job->data_free (job->data);
  kabar_mail_service_shared_unref (job->shared);
  g_free (job);
}

static void
run_job_in_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GraphJob *job = task_data;
  GError *error = NULL;

  if (run_with_client (job->shared->account, job->func, job->data, cancellable, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

gboolean
kabar_mail_service_graph_is_busy (KabarMailService *self)
{
  KabarMailServiceChecker *checker = self->checker;

  return !self->started || !checker->network_available || checker->running;
}

void
kabar_mail_service_graph_queue_async (KabarMailService          *self,
                                      KabarMailServiceGraphFunc  func,
                                      gpointer                   data,
                                      GDestroyNotify             data_free,
                                      GAsyncReadyCallback        callback,
                                      gpointer                   user_data)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, callback, user_data);
  GraphJob *job = g_new0 (GraphJob, 1);

  job->shared = kabar_mail_service_shared_ref (self->shared);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  g_task_set_source_tag (task, kabar_mail_service_graph_queue_async);
  g_task_set_task_data (task, job, (GDestroyNotify) graph_job_free);
  g_task_run_in_thread (task, run_job_in_thread);
}

gboolean
kabar_mail_service_graph_queue_finish (KabarMailService  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- bodies ------------------------------------------------------------------------------ */

typedef struct
{
  KabarMailServiceShared *shared;
  gint64                  message_id;
  GBytes                 *body;
} BodyFetch;

static void
body_fetch_free (BodyFetch *fetch)
{
  kabar_mail_service_shared_unref (fetch->shared);
  g_clear_pointer (&fetch->body, g_bytes_unref);
  g_free (fetch);
}

static gboolean
fetch_body (KabarGraphClient  *client,
            gpointer           data,
            GCancellable      *cancellable,
            GError           **error)
{
  BodyFetch *fetch = data;

  fetch->body = kabar_graph_fetch_body (client, fetch->shared->store, fetch->message_id, cancellable, error);
  return fetch->body != NULL;
}

/* A client of its own: the check's may be busy for a while, and the user
 * waits for this one. */
static void
fetch_body_in_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  BodyFetch *fetch = task_data;
  KabarMailServiceShared *shared = fetch->shared;
  GError *error = NULL;

  if (!run_with_client (shared->account, fetch_body, fetch, cancellable, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, "Could not download the message from the server of %s: ",
                        kabar_account_get_address (shared->account));
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, g_steal_pointer (&fetch->body), (GDestroyNotify) g_bytes_unref);
}

static void
on_body_fetched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *body = g_task_propagate_pointer (G_TASK (result), &error);

  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
}

void
kabar_mail_service_graph_fetch_body (KabarMailService *self,
                                     gint64            message_id,
                                     GTask            *task)
{
  const char *address = kabar_account_get_address (self->account);
  g_autoptr(GTask) fetch = NULL;
  BodyFetch *data;

  /* One asked for while offline would wait for the network, and the user
   * for it. */
  if (!self->started || !self->checker->network_available
      || self->status == KABAR_MAIL_SERVICE_STATUS_OFFLINE
      || self->status == KABAR_MAIL_SERVICE_STATUS_ERROR)
    {
      const char *why = self->error != NULL ? self->error->message : NULL;

      g_task_return_new_error (task, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_OFFLINE,
                               "This message is not downloaded yet, and %s is offline%s%s", address,
                               why != NULL ? ": " : "", why != NULL ? why : "");
      return;
    }
  fetch = g_task_new (self, g_task_get_cancellable (task), on_body_fetched, g_object_ref (task));
  g_task_set_source_tag (fetch, kabar_mail_service_graph_fetch_body);
  data = g_new0 (BodyFetch, 1);
  data->shared = kabar_mail_service_shared_ref (self->shared);
  data->message_id = message_id;
  g_task_set_task_data (fetch, data, (GDestroyNotify) body_fetch_free);
  g_task_run_in_thread (fetch, fetch_body_in_thread);
}

/* --- starting and stopping ---------------------------------------------------------------- */

void
kabar_mail_service_graph_start (KabarMailService *self)
{
  KabarMailServiceGraph *graph = graph_get (self);

  graph->again_full = FALSE;
  kabar_mail_service_checker_start (self->checker);
  start_check (self);
}
