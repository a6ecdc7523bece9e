/* kabar-mail-service-bodies.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Message bodies: fetched ahead of time for recent mail, once the folder
 * syncs are done, and on demand for the message the user opens.
 */

#include "config.h"

#include "kabar-graph-mail-sync.h"
#include "kabar-imap-body-fetch.h"
#include "kabar-imap-folder-list.h"
#include "kabar-mail-service-private.h"

/* Recent mail: what is read offline is what came lately. */
#define PREFETCH_DAYS          30
/* Bodies a folder gets ahead of time after each of its syncs. */
#define PREFETCH_PER_SYNC      200
/* Bodies a prefetch job fetches: on a pool of one job connection, a sync
 * asked for meanwhile waits for one such job at most. */
#define PREFETCH_PER_JOB       50

G_DEFINE_QUARK (kabar-mail-service-error-quark, kabar_mail_service_error)

/* --- jobs (on a worker) -------------------------------------------------------- */

typedef struct
{
  gatomicrefcount         ref_count;
  KabarMailServiceShared *shared;
  gint64                  folder_id;
  /* A prefetch picks its UIDs itself, when it runs: a run again after a
   * lost connection skips what the first one stored. */
  gboolean                prefetch;
  /* What its folder may still fetch in this round, and this job. */
  guint                   budget;
  guint                   limit;
  GArray                 *uids;
  /* Results. */
  guint                   listed;
  guint                   stored;
} BodyJob;

static BodyJob *
body_job_new (KabarMailService *self,
              gint64            folder_id)
{
  BodyJob *job = g_new0 (BodyJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->shared = kabar_mail_service_shared_ref (self->shared);
  job->folder_id = folder_id;
  job->uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  return job;
}

static BodyJob *
body_job_ref (BodyJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
body_job_unref (BodyJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  g_array_unref (job->uids);
  kabar_mail_service_shared_unref (job->shared);
  g_free (job);
}

/* Junk and Trash are not read offline; All Mail and Flagged (Gmail's) hold
 * copies of what the other folders have. */
static gboolean
is_prefetched (KabarFolderRole role)
{
  switch (role)
    {
    case KABAR_FOLDER_ROLE_NONE:
    case KABAR_FOLDER_ROLE_INBOX:
    case KABAR_FOLDER_ROLE_SENT:
    case KABAR_FOLDER_ROLE_DRAFTS:
    case KABAR_FOLDER_ROLE_ARCHIVE:
      return TRUE;
    case KABAR_FOLDER_ROLE_TRASH:
    case KABAR_FOLDER_ROLE_JUNK:
    case KABAR_FOLDER_ROLE_ALL:
    case KABAR_FOLDER_ROLE_FLAGGED:
    default:
      return FALSE;
    }
}

static gboolean
list_recent_missing (BodyJob  *job,
                     GError  **error)
{
  KabarStore *store = job->shared->store;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KabarStoreFolder) folder = kabar_store_get_folder (store, job->folder_id, &local_error);
  g_autoptr(GArray) uids = NULL;
  gint64 since = g_get_real_time () / G_USEC_PER_SEC - (gint64) PREFETCH_DAYS * 24 * 60 * 60;

  g_array_set_size (job->uids, 0);
  job->listed = 0;
  /* Deleted since it was synced: nothing to fetch. */
  if (g_error_matches (local_error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    return TRUE;
  if (folder == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!is_prefetched (folder->role) || !kabar_imap_folder_is_selectable (folder))
    return TRUE;
  uids = kabar_store_list_missing_bodies (store, job->folder_id, since, job->limit, error);
  if (uids == NULL)
    return FALSE;
  g_array_append_vals (job->uids, uids->data, uids->len);
  job->listed = uids->len;
  return TRUE;
}

static gboolean
run_body_job (KabarImapSession  *session,
              gpointer           data,
              GCancellable      *cancellable,
              GError           **error)
{
  BodyJob *job = data;
  guint stored = 0;
  gboolean ok;

  if (job->prefetch && !list_recent_missing (job, error))
    return FALSE;
  ok = kabar_imap_fetch_bodies (session, job->shared->store, job->folder_id,
                                (const guint32 *) job->uids->data, job->uids->len, &stored,
                                cancellable, error);
  /* A run cut short still stored what it stored. */
  job->stored += stored;
  return ok;
}

/* A Graph account's: on a thread of its own, by $value. */
static gboolean
run_graph_body_job (KabarGraphClient  *client,
                    gpointer           data,
                    GCancellable      *cancellable,
                    GError           **error)
{
  BodyJob *job = data;
  guint stored = 0;
  gboolean ok;

  if (!list_recent_missing (job, error))
    return FALSE;
  ok = kabar_graph_fetch_bodies (client, job->shared->store, job->folder_id,
                                 (const guint32 *) job->uids->data, job->uids->len, &stored,
                                 cancellable, error);
  job->stored += stored;
  return ok;
}

/* --- prefetch (on the service's thread) -------------------------------------------- */

typedef struct
{
  gint64 folder_id;
  /* What the folder may still fetch since its last sync. */
  guint  budget;
} PrefetchEntry;

static PrefetchEntry *
find_prefetch (KabarMailService *self,
               gint64            folder_id)
{
  for (GList *l = self->prefetch_queue.head; l != NULL; l = l->next)
    {
      PrefetchEntry *entry = l->data;

      if (entry->folder_id == folder_id)
        return entry;
    }
  return NULL;
}

void
kabar_mail_service_queue_prefetch (KabarMailService *self,
                                   gint64            folder_id)
{
  PrefetchEntry *entry = find_prefetch (self, folder_id);

  if (entry == NULL)
    {
      entry = g_new0 (PrefetchEntry, 1);
      entry->folder_id = folder_id;
      g_queue_push_tail (&self->prefetch_queue, entry);
    }
  entry->budget = PREFETCH_PER_SYNC;
}

static void
prefetch_done (KabarMailService *self,
               BodyJob          *job,
               const GError     *error)
{
  guint budget = job->budget - MIN (job->listed, job->budget);

  self->prefetch_running = FALSE;
  if (job->stored > 0)
    kabar_mail_service_emit_folder_changed (self, job->folder_id);
  if (error != NULL)
    g_message ("%s: could not fetch message bodies ahead of time: %s",
               kabar_account_get_address (self->account), error->message);
  /* A full job may have left more: the folder goes to the back, so that
   * every folder gets its turn. */
  else if (job->listed == job->limit && budget > 0 && find_prefetch (self, job->folder_id) == NULL)
    {
      PrefetchEntry *entry = g_new0 (PrefetchEntry, 1);

      entry->folder_id = job->folder_id;
      entry->budget = budget;
      g_queue_push_tail (&self->prefetch_queue, entry);
    }
  kabar_mail_service_run_prefetch (self);
}

static void
on_prefetch_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  BodyJob *job = user_data;
  g_autoptr(KabarMailService) self = g_weak_ref_get (&job->shared->service);
  g_autoptr(GError) error = NULL;

  kabar_imap_worker_queue_finish (NULL, result, &error);
  /* Cancelled: the service stopped, and forgot its prefetch. */
  if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    prefetch_done (self, job, error);
  body_job_unref (job);
}

static void
on_graph_prefetch_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  BodyJob *job = user_data;
  g_autoptr(GError) error = NULL;

  kabar_mail_service_graph_queue_finish (KABAR_MAIL_SERVICE (source), result, &error);
  /* Cancelled: the service stopped, and forgot its prefetch. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    prefetch_done (KABAR_MAIL_SERVICE (source), job, error);
  body_job_unref (job);
}

/* Headers first: bodies wait until every sync and replay is done. */
static gboolean
can_prefetch (KabarMailService *self)
{
  if (self->prefetch_running)
    return FALSE;
  if (self->graph != NULL)
    return !kabar_mail_service_graph_is_busy (self);
  return self->pool != NULL && self->jobs_running == 0;
}

void
kabar_mail_service_run_prefetch (KabarMailService *self)
{
  g_autofree PrefetchEntry *entry = NULL;
  BodyJob *job;

  if (!can_prefetch (self))
    return;
  entry = g_queue_pop_head (&self->prefetch_queue);
  if (entry == NULL)
    return;
  job = body_job_new (self, entry->folder_id);
  job->prefetch = TRUE;
  job->budget = entry->budget;
  job->limit = MIN (entry->budget, PREFETCH_PER_JOB);
  self->prefetch_running = TRUE;
  if (self->graph != NULL)
    {
      kabar_mail_service_graph_queue_async (self, run_graph_body_job, body_job_ref (job),
                                            (GDestroyNotify) body_job_unref, on_graph_prefetch_done,
                                            job);
      return;
    }
  /* No cancellable: stopping the pool cancels its jobs already, and
   * GLib 2.74 leaks a cancellable's source when it is cancelled on one
   * thread while a worker drops the job on another. */
  kabar_imap_pool_queue_async (self->pool, run_body_job, body_job_ref (job),
                               (GDestroyNotify) body_job_unref, NULL, on_prefetch_done, job);
}

void
kabar_mail_service_clear_prefetch (KabarMailService *self)
{
  g_queue_clear_full (&self->prefetch_queue, g_free);
  self->prefetch_running = FALSE;
}

/* --- on demand ---------------------------------------------------------------------------- */

typedef struct
{
  gint64      message_id;
  KabarStore *store;
  /* Where to fetch it from, read with the missing body. */
  gint64      folder_id;
  guint32     uid;
  /* The second read, after the fetch. */
  gboolean    fetched;
} BodyRequest;

static void
body_request_free (BodyRequest *request)
{
  g_object_unref (request->store);
  g_free (request);
}

/* On a thread: the body, or NULL (and where to fetch it) when the store
 * has none. */
static void
read_body_in_thread (GTask        *read,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  BodyRequest *request = g_task_get_task_data (task_data);
  g_autoptr(KabarMessageSummary) summary = NULL;
  GError *error = NULL;
  GBytes *raw = kabar_store_get_body (request->store, request->message_id, &error);

  if (raw == NULL && error == NULL)
    summary = kabar_store_get_message (request->store, request->message_id, &error);
  if (error != NULL)
    {
      g_task_return_error (read, error);
      return;
    }
  if (summary != NULL)
    {
      request->folder_id = summary->folder_id;
      request->uid = summary->uid;
    }
  g_task_return_pointer (read, raw, (GDestroyNotify) g_bytes_unref);
}

static void on_body_read (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
read_body (GTask *task)
{
  g_autoptr(GTask) read = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task),
                                      on_body_read, g_object_ref (task));

  g_task_set_source_tag (read, read_body);
  g_task_set_task_data (read, g_object_ref (task), g_object_unref);
  g_task_run_in_thread (read, read_body_in_thread);
}

/* Whether a job could fetch it now: one queued while offline would wait
 * for the network, and the user for it. A job queued while connecting
 * waits for the connection. */
static gboolean
check_can_download (KabarMailService  *self,
                    GError           **error)
{
  const char *address = kabar_account_get_address (self->account);
  const char *why = self->error != NULL ? self->error->message : NULL;

  if (self->pool == NULL)
    {
      g_set_error (error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_OFFLINE,
                   "This message is not downloaded yet, and %s is not connected", address);
      return FALSE;
    }
  switch (self->status)
    {
    case KABAR_MAIL_SERVICE_STATUS_CONNECTING:
    case KABAR_MAIL_SERVICE_STATUS_SYNCING:
    case KABAR_MAIL_SERVICE_STATUS_ONLINE:
      return TRUE;
    case KABAR_MAIL_SERVICE_STATUS_OFFLINE:
    case KABAR_MAIL_SERVICE_STATUS_ERROR:
    case KABAR_MAIL_SERVICE_STATUS_STOPPED:
    default:
      g_set_error (error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_OFFLINE,
                   "This message is not downloaded yet, and %s is offline%s%s", address,
                   why != NULL ? ": " : "", why != NULL ? why : "");
      return FALSE;
    }
}

static void
on_body_fetched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarMailService *self = g_task_get_source_object (task);
  BodyRequest *request = g_task_get_task_data (task);
  GError *error = NULL;

  if (!kabar_imap_worker_queue_finish (NULL, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (&error, "Could not download the message from the server of %s: ",
                        kabar_account_get_address (self->account));
      g_task_return_error (task, error);
      return;
    }
  request->fetched = TRUE;
  read_body (task);
}

/* Straight to the pool, not behind the prefetch: the pool gives it the
 * connection with the fewest jobs, and a prefetch holds one at a time. */
static void
fetch_body (KabarMailService *self,
            GTask            *task)
{
  BodyRequest *request = g_task_get_task_data (task);
  BodyJob *job = body_job_new (self, request->folder_id);

  g_array_append_val (job->uids, request->uid);
  kabar_imap_pool_queue_async (self->pool, run_body_job, job, (GDestroyNotify) body_job_unref,
                               g_task_get_cancellable (task), on_body_fetched, g_object_ref (task));
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarMailService *self = g_task_get_source_object (task);
  BodyRequest *request = g_task_get_task_data (task);
  GError *error = NULL;
  GBytes *raw = g_task_propagate_pointer (G_TASK (result), &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else if (raw != NULL)
    g_task_return_pointer (task, raw, (GDestroyNotify) g_bytes_unref);
  else if (request->uid == 0)
    g_task_return_new_error (task, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_NOT_ON_SERVER,
                             "This message is not on the server of %s yet",
                             kabar_account_get_address (self->account));
  else if (request->fetched)
    g_task_return_new_error (task, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_NOT_ON_SERVER,
                             "The server of %s no longer has this message",
                             kabar_account_get_address (self->account));
  else if (self->graph != NULL)
    kabar_mail_service_graph_fetch_body (self, request->message_id, task);
  else if (!check_can_download (self, &error))
    g_task_return_error (task, error);
  else
    fetch_body (self, task);
}

void
kabar_mail_service_get_body_async (KabarMailService    *self,
                                   gint64               message_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  BodyRequest *request;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  g_task_set_source_tag (task, kabar_mail_service_get_body_async);
  if (self->store == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "The mail of %s is not open yet",
                               kabar_account_get_address (self->account));
      return;
    }
  request = g_new0 (BodyRequest, 1);
  request->message_id = message_id;
  request->store = g_object_ref (self->store);
  g_task_set_task_data (task, request, (GDestroyNotify) body_request_free);
  read_body (task);
}

GBytes *
kabar_mail_service_get_body_finish (KabarMailService  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
