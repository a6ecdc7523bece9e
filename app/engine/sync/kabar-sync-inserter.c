/* kabar-sync-inserter.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-sync-inserter.h"
#include "kabar-sync-thread.h"

/* A transaction of a thousand summaries takes about 15 ms: short enough
 * that the other workers' writes wait little for the writer lock. */
#define BATCH_SIZE  1000
/* Batches read but not yet written before add() waits: enough to ride out
 * a slow commit, few enough to bound memory (a batch is about 1 MB). */
#define MAX_QUEUED  4
/* The summaries are indexed for search after they are stored
 * (kabar_store_index_pending()): while the queue is empty, that is while
 * the sync waits for the network, a few hundred at a time, so a batch
 * that arrives waits little; at finish(), what is left, in bigger
 * transactions. */
#define IDLE_INDEX_SIZE    500
#define FINISH_INDEX_SIZE  5000

struct _KabarSyncInserter
{
  KabarStore                *store;
  gint64                     folder_id;
  KabarImapSyncProgressFunc  progress;
  gpointer                   progress_data;
  GThreadPool               *pool;
  GPtrArray                 *batch;

  GMutex                     lock;
  GCond                      written;
  guint                      queued;
  guint                      stored;
  guint                      total;
  GError                    *error;
  /* NULL unless kabar_sync_inserter_keep_unread() was called. */
  GArray                    *unread;
};

static void
set_failure (KabarSyncInserter  *self,
             GError            **error)
{
  g_mutex_lock (&self->lock);
  if (self->error == NULL)
    self->error = g_steal_pointer (error);
  g_mutex_unlock (&self->lock);
  g_clear_error (error);
}

/* Indexes until nothing is left or, when idle, until a batch is queued. */
static void
index_pending (KabarSyncInserter *self,
               gboolean           idle)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gboolean stop;
      guint indexed = 0;

      g_mutex_lock (&self->lock);
      stop = self->error != NULL || (idle && self->queued > 0);
      g_mutex_unlock (&self->lock);
      if (stop)
        return;
      if (!kabar_store_index_pending (self->store, idle ? IDLE_INDEX_SIZE : FINISH_INDEX_SIZE,
                                      &indexed, &error))
        {
          set_failure (self, &error);
          return;
        }
      if (indexed == 0)
        return;
    }
}

/* With the lock held. */
static void
keep_unread (KabarSyncInserter *self,
             GPtrArray         *batch)
{
  if (self->unread == NULL)
    return;
  for (guint i = 0; i < batch->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (batch, i);

      if ((summary->flags & KABAR_MESSAGE_FLAG_SEEN) == 0 && summary->id != 0)
        g_array_append_val (self->unread, summary->id);
    }
}

/* An empty batch is finish()'s: it indexes what is left. */
static void
write_batch (gpointer data,
             gpointer user_data)
{
  g_autoptr(GPtrArray) batch = data;
  KabarSyncInserter *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean failed;
  guint stored, total;

  /* The pool's thread is its own (exclusive): lowering it again is a
   * harmless call. */
  kabar_sync_thread_lower_priority ();
  if (batch->len == 0)
    {
      index_pending (self, FALSE);
      g_mutex_lock (&self->lock);
      self->queued--;
      g_cond_broadcast (&self->written);
      g_mutex_unlock (&self->lock);
      return;
    }

  g_mutex_lock (&self->lock);
  failed = self->error != NULL;
  g_mutex_unlock (&self->lock);
  /* After a failure (a full disk) the rest would fail the same way. */
  if (!failed)
    kabar_store_insert_summaries (self->store, self->folder_id, batch, &error);

  g_mutex_lock (&self->lock);
  if (error != NULL && self->error == NULL)
    self->error = g_steal_pointer (&error);
  else if (!failed && error == NULL)
    {
      self->stored += batch->len;
      keep_unread (self, batch);
    }
  stored = self->stored;
  total = MAX (self->total, stored);
  self->queued--;
  g_cond_broadcast (&self->written);
  g_mutex_unlock (&self->lock);

  if (!failed && self->progress != NULL)
    self->progress (self->folder_id, stored, total, self->progress_data);
  /* The next batch is still on the network: the thread would be idle. */
  if (!failed)
    index_pending (self, TRUE);
}

static GPtrArray *
new_batch (void)
{
  return g_ptr_array_new_full (BATCH_SIZE, (GDestroyNotify) kabar_message_summary_free);
}

KabarSyncInserter *
kabar_sync_inserter_new (KabarStore                *store,
                         gint64                     folder_id,
                         KabarImapSyncProgressFunc  progress,
                         gpointer                   progress_data)
{
  KabarSyncInserter *self = g_new0 (KabarSyncInserter, 1);
  g_autoptr(GError) error = NULL;

  self->store = g_object_ref (store);
  self->folder_id = folder_id;
  self->progress = progress;
  self->progress_data = progress_data;
  self->batch = new_batch ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->written);
  /* One thread: the store has one writer connection anyway, and batches
   * must commit in the order they were read. Exclusive, as its priority
   * is lowered: a shared pool thread would keep that for other work. */
  self->pool = g_thread_pool_new (write_batch, self, 1, TRUE, &error);
  if (self->pool == NULL)
    g_error ("Could not start a thread to write mail to the store: %s", error->message);
  return self;
}

void
kabar_sync_inserter_expect (KabarSyncInserter *self,
                            guint              total)
{
  g_mutex_lock (&self->lock);
  self->total = self->stored + total;
  g_mutex_unlock (&self->lock);
}

void
kabar_sync_inserter_flush (KabarSyncInserter *self)
{
  if (self->batch->len == 0)
    return;
  g_mutex_lock (&self->lock);
  while (self->queued >= MAX_QUEUED)
    g_cond_wait (&self->written, &self->lock);
  self->queued++;
  g_mutex_unlock (&self->lock);
  g_thread_pool_push (self->pool, g_steal_pointer (&self->batch), NULL);
  self->batch = new_batch ();
}

void
kabar_sync_inserter_add (KabarSyncInserter   *self,
                         KabarMessageSummary *summary)
{
  g_ptr_array_add (self->batch, summary);
  if (self->batch->len >= BATCH_SIZE)
    kabar_sync_inserter_flush (self);
}

gboolean
kabar_sync_inserter_finish (KabarSyncInserter  *self,
                            GError            **error)
{
  GError *failure;

  kabar_sync_inserter_flush (self);
  /* Everything the sync stored is searchable when it returns: the store
   * thread indexes what it could not while it waited. */
  g_mutex_lock (&self->lock);
  self->queued++;
  g_mutex_unlock (&self->lock);
  g_thread_pool_push (self->pool, new_batch (), NULL);
  g_mutex_lock (&self->lock);
  while (self->queued > 0)
    g_cond_wait (&self->written, &self->lock);
  failure = g_steal_pointer (&self->error);
  g_mutex_unlock (&self->lock);
  if (failure != NULL)
    {
      g_propagate_error (error, failure);
      return FALSE;
    }
  return TRUE;
}

guint
kabar_sync_inserter_get_stored (KabarSyncInserter *self)
{
  guint stored;

  g_mutex_lock (&self->lock);
  stored = self->stored;
  g_mutex_unlock (&self->lock);
  return stored;
}

void
kabar_sync_inserter_keep_unread (KabarSyncInserter *self)
{
  g_mutex_lock (&self->lock);
  if (self->unread == NULL)
    self->unread = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_mutex_unlock (&self->lock);
}

GArray *
kabar_sync_inserter_steal_unread (KabarSyncInserter *self)
{
  GArray *unread;

  g_mutex_lock (&self->lock);
  unread = g_steal_pointer (&self->unread);
  g_mutex_unlock (&self->lock);
  return unread;
}

void
kabar_sync_inserter_free (KabarSyncInserter *self)
{
  g_clear_pointer (&self->unread, g_array_unref);
  g_thread_pool_free (self->pool, FALSE, TRUE);
  g_ptr_array_unref (self->batch);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->written);
  g_object_unref (self->store);
  g_free (self);
}
