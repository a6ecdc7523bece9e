/* kabar-sync-cancel.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-sync-cancel.h"

typedef struct
{
  GMainContext *context;
  GCancellable *local;
} Follow;

static void
follow_free (gpointer data)
{
  Follow *follow = data;

  g_main_context_unref (follow->context);
  g_object_unref (follow->local);
  g_free (follow);
}

static gboolean
cancel_now (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* An idle, not a cancellable source: nothing is left on the calling thread
 * for the other one to drop. */
void
kabar_sync_cancel_on_context (GCancellable *cancellable,
                              GMainContext *context)
{
  GSource *idle = g_idle_source_new ();

  g_source_set_priority (idle, G_PRIORITY_HIGH);
  g_source_set_callback (idle, cancel_now, g_object_ref (cancellable), g_object_unref);
  g_source_set_static_name (idle, "[kabar] cancel on the work's thread");
  g_source_attach (idle, context);
  g_source_unref (idle);
}

/* On the cancelling thread. */
static void
on_outer_cancelled (GCancellable *outer,
                    gpointer      data)
{
  Follow *follow = data;

  kabar_sync_cancel_on_context (follow->local, follow->context);
}

void
kabar_sync_cancel_init (KabarSyncCancel *self,
                        GCancellable    *outer)
{
  Follow *follow;

  self->outer = outer != NULL ? g_object_ref (outer) : NULL;
  self->local = g_cancellable_new ();
  self->handler = 0;
  if (outer == NULL)
    return;
  /* Already cancelled: seen at once, not one iteration later. */
  if (g_cancellable_is_cancelled (outer))
    {
      g_cancellable_cancel (self->local);
      return;
    }
  follow = g_new0 (Follow, 1);
  follow->context = g_main_context_ref_thread_default ();
  follow->local = g_object_ref (self->local);
  self->handler = g_cancellable_connect (outer, G_CALLBACK (on_outer_cancelled), follow, follow_free);
}

GCancellable *
kabar_sync_cancel_get (KabarSyncCancel *self)
{
  return self->local;
}

void
kabar_sync_cancel_clear (KabarSyncCancel *self)
{
  /* Waits for a handler running on the cancelling thread. */
  if (self->handler != 0)
    g_cancellable_disconnect (self->outer, self->handler);
  self->handler = 0;
  g_clear_object (&self->outer);
  g_clear_object (&self->local);
}
