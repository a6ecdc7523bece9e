/* kabar-imap-pool.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-imap-pool.h"

/* A worker that is not connected only takes a job when every other one
 * has this many more. */
#define DISCONNECTED_PENALTY 1000

typedef struct
{
  KabarImapPool *pool;
  guint          index;
} Slot;

struct _KabarImapPool
{
  GObject                 parent_instance;

  GPtrArray              *workers;
  Slot                   *slots;
  gpointer                connect_data;
  GDestroyNotify          connect_data_free;
  KabarImapStatusFunc     status_func;
  gpointer                status_data;
  GDestroyNotify          status_data_free;
  gboolean                started;

  /* Held while a status is worked out and reported, so reports go out in
   * the order they were made. */
  GMutex                  report_mutex;
  /* The workers' last statuses, the pool's, and the job rotation. */
  GMutex                  mutex;
  KabarImapWorkerStatus **statuses;
  KabarImapWorkerStatus  *status;
  guint                   next;
};

G_DEFINE_FINAL_TYPE (KabarImapPool, kabar_imap_pool, G_TYPE_OBJECT)

/* --- status --------------------------------------------------------------- */

/* Higher is better for a status line. */
static int
rank (KabarImapWorkerStatus *status)
{
  switch (kabar_imap_worker_status_get_state (status))
    {
    case KABAR_IMAP_WORKER_STATE_IDLE:
      return 6;
    case KABAR_IMAP_WORKER_STATE_READY:
      return 5;
    case KABAR_IMAP_WORKER_STATE_CONNECTING:
      return 4;
    case KABAR_IMAP_WORKER_STATE_BACKING_OFF:
      return 3;
    case KABAR_IMAP_WORKER_STATE_OFFLINE:
      return 2;
    case KABAR_IMAP_WORKER_STATE_STOPPED:
      return 1;
    case KABAR_IMAP_WORKER_STATE_ERROR:
    default:
      return 0;
    }
}

static gboolean
is_better (KabarImapWorkerStatus *status,
           KabarImapWorkerStatus *than)
{
  if (kabar_imap_worker_status_get_state (status) == KABAR_IMAP_WORKER_STATE_ERROR)
    return kabar_imap_worker_status_get_state (than) != KABAR_IMAP_WORKER_STATE_ERROR;
  if (kabar_imap_worker_status_get_state (than) == KABAR_IMAP_WORKER_STATE_ERROR)
    return FALSE;
  if (rank (status) != rank (than))
    return rank (status) > rank (than);
  return kabar_imap_worker_status_get_state (status) == KABAR_IMAP_WORKER_STATE_BACKING_OFF &&
         kabar_imap_worker_status_get_next_attempt (status) < kabar_imap_worker_status_get_next_attempt (than);
}

/* Under the mutex. */
static KabarImapWorkerStatus *
summarize (KabarImapPool *self)
{
  KabarImapWorkerStatus *best = self->statuses[0];

  for (guint i = 1; i < self->workers->len; i++)
    if (is_better (self->statuses[i], best))
      best = self->statuses[i];
  return best;
}

static void
on_worker_status (KabarImapWorkerStatus *status,
                  gpointer               data)
{
  Slot *slot = data;
  KabarImapPool *self = slot->pool;
  g_autoptr(KabarImapWorkerStatus) report = NULL;

  g_mutex_lock (&self->report_mutex);
  g_mutex_lock (&self->mutex);
  kabar_imap_worker_status_unref (self->statuses[slot->index]);
  self->statuses[slot->index] = kabar_imap_worker_status_ref (status);
  if (summarize (self) != self->status)
    {
      kabar_imap_worker_status_unref (self->status);
      self->status = kabar_imap_worker_status_ref (summarize (self));
      report = kabar_imap_worker_status_ref (self->status);
    }
  g_mutex_unlock (&self->mutex);
  if (report != NULL && self->status_func != NULL)
    self->status_func (report, self->status_data);
  g_mutex_unlock (&self->report_mutex);
}

/* --- jobs ----------------------------------------------------------------- */

static guint
load (KabarImapWorker *worker)
{
  guint jobs = kabar_imap_worker_get_n_jobs (worker);

  switch (kabar_imap_worker_get_state (worker))
    {
    case KABAR_IMAP_WORKER_STATE_READY:
    case KABAR_IMAP_WORKER_STATE_IDLE:
    case KABAR_IMAP_WORKER_STATE_CONNECTING:
      return jobs;
    case KABAR_IMAP_WORKER_STATE_STOPPED:
    case KABAR_IMAP_WORKER_STATE_BACKING_OFF:
    case KABAR_IMAP_WORKER_STATE_OFFLINE:
    case KABAR_IMAP_WORKER_STATE_ERROR:
    default:
      return jobs + DISCONNECTED_PENALTY;
    }
}

/* The fewest jobs among the workers but the watcher; ties go round, so
 * equal workers share the work. */
static KabarImapWorker *
choose_worker (KabarImapPool *self)
{
  guint n = self->workers->len - 1;
  guint start;
  guint best = 0;
  guint best_load = G_MAXUINT;

  if (n == 0)
    return g_ptr_array_index (self->workers, 0);
  g_mutex_lock (&self->mutex);
  start = self->next;
  self->next = (self->next + 1) % n;
  g_mutex_unlock (&self->mutex);
  for (guint k = 0; k < n; k++)
    {
      guint i = 1 + (start + k) % n;
      guint worker_load = load (g_ptr_array_index (self->workers, i));

      if (worker_load < best_load)
        {
          best = i;
          best_load = worker_load;
        }
    }
  return g_ptr_array_index (self->workers, best);
}

/* --- object --------------------------------------------------------------- */

static void
kabar_imap_pool_dispose (GObject *object)
{
  KabarImapPool *self = KABAR_IMAP_POOL (object);

  if (self->workers != NULL)
    kabar_imap_pool_stop (self);
  g_clear_pointer (&self->workers, g_ptr_array_unref);

  G_OBJECT_CLASS (kabar_imap_pool_parent_class)->dispose (object);
}

static void
kabar_imap_pool_finalize (GObject *object)
{
  KabarImapPool *self = KABAR_IMAP_POOL (object);

  for (guint i = 0; self->statuses != NULL && self->statuses[i] != NULL; i++)
    kabar_imap_worker_status_unref (self->statuses[i]);
  g_free (self->statuses);
  g_clear_pointer (&self->status, kabar_imap_worker_status_unref);
  g_free (self->slots);
  if (self->connect_data_free != NULL)
    self->connect_data_free (self->connect_data);
  if (self->status_data_free != NULL)
    self->status_data_free (self->status_data);
  g_mutex_clear (&self->mutex);
  g_mutex_clear (&self->report_mutex);

  G_OBJECT_CLASS (kabar_imap_pool_parent_class)->finalize (object);
}

static void
kabar_imap_pool_class_init (KabarImapPoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_imap_pool_dispose;
  object_class->finalize = kabar_imap_pool_finalize;
}

static void
kabar_imap_pool_init (KabarImapPool *self)
{
  g_mutex_init (&self->mutex);
  g_mutex_init (&self->report_mutex);
}

KabarImapPool *
kabar_imap_pool_new (const char           *name,
                     guint                 size,
                     KabarImapConnectFunc  connect,
                     gpointer              connect_data,
                     GDestroyNotify        connect_data_free)
{
  KabarImapPool *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (connect != NULL, NULL);

  if (size == 0)
    size = KABAR_IMAP_POOL_DEFAULT_SIZE;
  self = g_object_new (KABAR_TYPE_IMAP_POOL, NULL);
  self->connect_data = connect_data;
  self->connect_data_free = connect_data_free;
  self->workers = g_ptr_array_new_with_free_func (g_object_unref);
  self->slots = g_new0 (Slot, size);
  /* NULL-terminated, for finalize. */
  self->statuses = g_new0 (KabarImapWorkerStatus *, size + 1);
  for (guint i = 0; i < size; i++)
    {
      g_autofree char *worker_name = g_strdup_printf ("%s-%u", name, i);
      KabarImapWorker *worker = kabar_imap_worker_new (worker_name, connect, connect_data, NULL);

      self->slots[i] = (Slot) { self, i };
      kabar_imap_worker_set_status_func (worker, on_worker_status, &self->slots[i], NULL);
      self->statuses[i] = kabar_imap_worker_dup_status (worker);
      g_ptr_array_add (self->workers, worker);
    }
  self->status = kabar_imap_worker_status_ref (self->statuses[0]);
  return self;
}

void
kabar_imap_pool_set_status_func (KabarImapPool       *self,
                                 KabarImapStatusFunc  func,
                                 gpointer             data,
                                 GDestroyNotify       data_free)
{
  g_return_if_fail (KABAR_IS_IMAP_POOL (self));
  g_return_if_fail (!self->started);

  if (self->status_data_free != NULL)
    self->status_data_free (self->status_data);
  self->status_func = func;
  self->status_data = data;
  self->status_data_free = data_free;
}

void
kabar_imap_pool_set_backoff (KabarImapPool *self,
                             guint          initial_ms,
                             guint          max_ms)
{
  g_return_if_fail (KABAR_IS_IMAP_POOL (self));
  g_return_if_fail (!self->started);
  g_return_if_fail (initial_ms > 0 && initial_ms <= max_ms);

  for (guint i = 0; i < self->workers->len; i++)
    {
      KabarBackoff *backoff = kabar_backoff_new ();

      kabar_backoff_set_limits (backoff, initial_ms, max_ms);
      kabar_imap_worker_set_backoff (g_ptr_array_index (self->workers, i), backoff);
    }
}

void
kabar_imap_pool_start (KabarImapPool *self)
{
  g_return_if_fail (KABAR_IS_IMAP_POOL (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  for (guint i = 0; i < self->workers->len; i++)
    kabar_imap_worker_start (g_ptr_array_index (self->workers, i));
}

void
kabar_imap_pool_watch (KabarImapPool        *self,
                       const char           *mailbox,
                       guint                 poll_seconds,
                       KabarImapChangedFunc  changed,
                       gpointer              data,
                       GDestroyNotify        data_free)
{
  g_return_if_fail (KABAR_IS_IMAP_POOL (self));

  kabar_imap_worker_watch (g_ptr_array_index (self->workers, 0), mailbox, poll_seconds, changed, data,
                           data_free);
}

void
kabar_imap_pool_queue_async (KabarImapPool       *self,
                             KabarImapJobFunc     func,
                             gpointer             data,
                             GDestroyNotify       data_free,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_IMAP_POOL (self));

  kabar_imap_worker_queue_async (choose_worker (self), func, data, data_free, cancellable, callback, user_data);
}

gboolean
kabar_imap_pool_queue_finish (KabarImapPool  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_POOL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kabar_imap_worker_queue_async, FALSE);

  /* The worker's task: its source object is NULL, as the worker's header
   * says, so the pool cannot be asked to check it is its own. */
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kabar_imap_pool_network_changed (KabarImapPool *self,
                                 gboolean       available)
{
  g_return_if_fail (KABAR_IS_IMAP_POOL (self));

  for (guint i = 0; i < self->workers->len; i++)
    kabar_imap_worker_network_changed (g_ptr_array_index (self->workers, i), available);
}

void
kabar_imap_pool_retry (KabarImapPool *self)
{
  g_return_if_fail (KABAR_IS_IMAP_POOL (self));

  for (guint i = 0; i < self->workers->len; i++)
    kabar_imap_worker_retry (g_ptr_array_index (self->workers, i));
}

KabarImapWorkerStatus *
kabar_imap_pool_dup_status (KabarImapPool *self)
{
  KabarImapWorkerStatus *status;

  g_return_val_if_fail (KABAR_IS_IMAP_POOL (self), NULL);

  g_mutex_lock (&self->mutex);
  status = kabar_imap_worker_status_ref (self->status);
  g_mutex_unlock (&self->mutex);
  return status;
}

guint
kabar_imap_pool_get_size (KabarImapPool *self)
{
  g_return_val_if_fail (KABAR_IS_IMAP_POOL (self), 0);

  return self->workers->len;
}

KabarImapWorker *
kabar_imap_pool_get_worker (KabarImapPool *self,
                            guint          index)
{
  g_return_val_if_fail (KABAR_IS_IMAP_POOL (self), NULL);
  g_return_val_if_fail (index < self->workers->len, NULL);

  return g_ptr_array_index (self->workers, index);
}

void
kabar_imap_pool_stop (KabarImapPool *self)
{
  g_return_if_fail (KABAR_IS_IMAP_POOL (self));

  /* Each worker's LOGOUT may take its grace period: all at once, the pool
   * takes one, not one per worker. */
  for (guint i = 0; i < self->workers->len; i++)
    kabar_imap_worker_request_stop (g_ptr_array_index (self->workers, i));
  for (guint i = 0; i < self->workers->len; i++)
    kabar_imap_worker_stop (g_ptr_array_index (self->workers, i));
}
