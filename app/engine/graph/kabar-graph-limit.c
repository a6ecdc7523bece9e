/* kabar-graph-limit.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Slots are handed over, not given back and taken again: a freed slot goes
 * straight to the first waiter, so a client on a busy thread cannot
 * overtake one that has waited longer.
 */

#include "config.h"

#include "kabar-graph-limit.h"

struct _KabarGraphLimit
{
  char   *key;
  gint    refs;           /* under limits_lock */
  GMutex  mutex;
  guint   in_flight;
  GQueue  waiters;
};

struct _KabarGraphWaiter
{
  GMainContext *context;
  GSourceFunc   func;
  gpointer      data;
};

static GMutex      limits_lock;
static GHashTable *limits;  /* account id → KabarGraphLimit */

KabarGraphLimit *
kabar_graph_limit_get (KabarAccount *account)
{
  const char *id = kabar_account_get_id (account);
  const char *key = id != NULL ? id : kabar_account_get_address (account);
  KabarGraphLimit *limit;

  g_mutex_lock (&limits_lock);
  if (limits == NULL)
    limits = g_hash_table_new (g_str_hash, g_str_equal);
  limit = g_hash_table_lookup (limits, key);
  if (limit == NULL)
    {
      limit = g_new0 (KabarGraphLimit, 1);
      limit->key = g_strdup (key);
      g_mutex_init (&limit->mutex);
      g_queue_init (&limit->waiters);
      g_hash_table_insert (limits, limit->key, limit);
    }
  limit->refs++;
  g_mutex_unlock (&limits_lock);
  return limit;
}

void
kabar_graph_limit_unref (KabarGraphLimit *limit)
{
  gboolean last;

  g_mutex_lock (&limits_lock);
  last = --limit->refs == 0;
  if (last)
    g_hash_table_remove (limits, limit->key);
  g_mutex_unlock (&limits_lock);
  if (!last)
    return;
  /* Every waiter's call holds a reference to its client, and so to this. */
  g_assert (g_queue_is_empty (&limit->waiters));
  g_mutex_clear (&limit->mutex);
  g_free (limit->key);
  g_free (limit);
}

KabarGraphWaiter *
kabar_graph_limit_take (KabarGraphLimit *limit,
                        GMainContext    *context,
                        GSourceFunc      func,
                        gpointer         data)
{
  KabarGraphWaiter *waiter = NULL;

  g_mutex_lock (&limit->mutex);
  if (limit->in_flight < KABAR_GRAPH_MAX_IN_FLIGHT)
    limit->in_flight++;
  else
    {
      waiter = g_new0 (KabarGraphWaiter, 1);
      waiter->context = g_main_context_ref (context);
      waiter->func = func;
      waiter->data = data;
      g_queue_push_tail (&limit->waiters, waiter);
    }
  g_mutex_unlock (&limit->mutex);
  return waiter;
}

static void
waiter_free (KabarGraphWaiter *waiter)
{
  g_main_context_unref (waiter->context);
  g_free (waiter);
}

gboolean
kabar_graph_limit_withdraw (KabarGraphLimit  *limit,
                            KabarGraphWaiter *waiter)
{
  gboolean queued;

  g_mutex_lock (&limit->mutex);
  queued = g_queue_remove (&limit->waiters, waiter);
  g_mutex_unlock (&limit->mutex);
  if (queued)
    waiter_free (waiter);
  return queued;
}

void
kabar_graph_limit_release (KabarGraphLimit *limit)
{
  KabarGraphWaiter *next;
  g_autoptr(GSource) source = NULL;

  g_mutex_lock (&limit->mutex);
  next = g_queue_pop_head (&limit->waiters);
  if (next == NULL)
    limit->in_flight--;
  g_mutex_unlock (&limit->mutex);
  if (next == NULL)
    return;
  /* The waiter's client lives on its own thread: it resumes there. */
  source = g_idle_source_new ();
  g_source_set_callback (source, next->func, next->data, NULL);
  g_source_attach (source, next->context);
  waiter_free (next);
}
