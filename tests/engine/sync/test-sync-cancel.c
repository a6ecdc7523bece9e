/* test-sync-cancel.c: work on a thread of its own, cancelled by another.
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-sync-cancel.h"

#define ROUNDS 200

typedef struct
{
  GCancellable *outer;
  GMutex        mutex;
  GCond         cond;
  gboolean      following;
  GThread      *cancelled_on;
  gboolean      source_fired;
} Work;

static void
on_local_cancelled (GCancellable *local,
                    gpointer      data)
{
  Work *work = data;

  work->cancelled_on = g_thread_self ();
}

static gboolean
on_source (GCancellable *cancellable,
           gpointer      data)
{
  Work *work = data;

  work->source_fired = TRUE;
  return G_SOURCE_REMOVE;
}

/* What GIO does under a call that takes a cancellable: a source that
 * wakes the call, made and dropped on the work's thread. */
static gpointer
work_thread (gpointer data)
{
  Work *work = data;
  GMainContext *context = g_main_context_new ();
  KabarSyncCancel cancel;
  GSource *source;

  g_main_context_push_thread_default (context);
  kabar_sync_cancel_init (&cancel, work->outer);
  g_signal_connect (kabar_sync_cancel_get (&cancel), "cancelled", G_CALLBACK (on_local_cancelled), work);
  source = g_cancellable_source_new (kabar_sync_cancel_get (&cancel));
  g_source_set_callback (source, G_SOURCE_FUNC (on_source), work, NULL);
  g_source_attach (source, context);
  g_mutex_lock (&work->mutex);
  work->following = TRUE;
  g_cond_signal (&work->cond);
  g_mutex_unlock (&work->mutex);
  while (!work->source_fired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (source);
  g_source_unref (source);
  kabar_sync_cancel_clear (&cancel);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

/* A second watcher keeps the cancelling thread inside the cancel a while,
 * the window in which GLib 2.74 loses a cancellable source dropped on
 * another thread (the sanitizer build's leak check sees it). */
static void
on_outer_cancelled_slowly (GCancellable *outer,
                           gpointer      data)
{
  g_usleep (200);
}

static void
test_on_the_work_thread (void)
{
  for (guint round = 0; round < ROUNDS; round++)
    {
      Work work = { .outer = g_cancellable_new () };
      GThread *thread;

      g_mutex_init (&work.mutex);
      g_cond_init (&work.cond);
      thread = g_thread_new ("kabar-test-work", work_thread, &work);
      g_mutex_lock (&work.mutex);
      while (!work.following)
        g_cond_wait (&work.cond, &work.mutex);
      g_mutex_unlock (&work.mutex);
      g_signal_connect (work.outer, "cancelled", G_CALLBACK (on_outer_cancelled_slowly), NULL);
      g_cancellable_cancel (work.outer);
      g_thread_join (thread);

      g_assert_true (work.source_fired);
      g_assert_true (work.cancelled_on == thread);
      g_object_unref (work.outer);
      g_mutex_clear (&work.mutex);
      g_cond_clear (&work.cond);
    }
}

static void
test_already_cancelled (void)
{
  g_autoptr(GCancellable) outer = g_cancellable_new ();
  KabarSyncCancel cancel;

  g_cancellable_cancel (outer);
  kabar_sync_cancel_init (&cancel, outer);
  /* Without an iteration: the work's first step must not start. */
  g_assert_true (g_cancellable_is_cancelled (kabar_sync_cancel_get (&cancel)));
  kabar_sync_cancel_clear (&cancel);
}

static void
test_cleared (void)
{
  g_autoptr(GCancellable) outer = g_cancellable_new ();
  g_autoptr(GCancellable) local = NULL;
  KabarSyncCancel cancel;

  kabar_sync_cancel_init (&cancel, outer);
  local = g_object_ref (kabar_sync_cancel_get (&cancel));
  kabar_sync_cancel_clear (&cancel);
  g_assert_false (g_signal_has_handler_pending (outer, g_signal_lookup ("cancelled", G_TYPE_CANCELLABLE), 0, TRUE));
  g_cancellable_cancel (outer);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (g_cancellable_is_cancelled (local));
}

static void
test_no_outer (void)
{
  KabarSyncCancel cancel;

  kabar_sync_cancel_init (&cancel, NULL);
  g_assert_true (G_IS_CANCELLABLE (kabar_sync_cancel_get (&cancel)));
  g_assert_false (g_cancellable_is_cancelled (kabar_sync_cancel_get (&cancel)));
  kabar_sync_cancel_clear (&cancel);
}

/* The outbox's way: its own cancellable, cancelled from the UI thread on
 * the outbox thread's context. */
static void
test_on_context (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GMainContext *context = g_main_context_new ();

  kabar_sync_cancel_on_context (cancellable, context);
  g_assert_false (g_cancellable_is_cancelled (cancellable));
  g_assert_true (g_main_context_iteration (context, FALSE));
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_main_context_unref (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/cancel/on-the-work-thread", test_on_the_work_thread);
  g_test_add_func ("/sync/cancel/already-cancelled", test_already_cancelled);
  g_test_add_func ("/sync/cancel/cleared", test_cleared);
  g_test_add_func ("/sync/cancel/no-outer", test_no_outer);
  g_test_add_func ("/sync/cancel/on-context", test_on_context);
  return g_test_run ();
}
