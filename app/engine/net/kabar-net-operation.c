/* kabar-net-operation.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-net-error.h"
#include "kabar-net-operation.h"

struct _KabarNetOperation
{
  GCancellable *cancellable;
  GCancellable *caller;
  gulong caller_handler;
  GCancellable *connection;
  gulong connection_handler;
  char *peer;
  guint timeout_seconds;
  GSource *timer;
  gint64 last_progress;
  gboolean timed_out;
};

/* May run on any thread: cancelling is thread-safe. */
static void
forward_cancel (GCancellable *source,
                gpointer      target)
{
  g_cancellable_cancel (G_CANCELLABLE (target));
}

static gulong
chain (GCancellable *source,
       GCancellable *target)
{
  if (source == NULL)
    return 0;
  return g_cancellable_connect (source, G_CALLBACK (forward_cancel),
                                g_object_ref (target), g_object_unref);
}

static void arm_timer (KabarNetOperation *self,
                       gint64             delay_us);

static gboolean
on_timer (gpointer user_data)
{
  KabarNetOperation *self = user_data;
  gint64 deadline = self->last_progress + self->timeout_seconds * G_USEC_PER_SEC;
  gint64 now = g_get_monotonic_time ();

  g_clear_pointer (&self->timer, g_source_unref);
  /* Progress only stamps the time, which is cheap on every read; the timer
   * catches up with it here. */
  if (now < deadline)
    {
      arm_timer (self, deadline - now);
      return G_SOURCE_REMOVE;
    }
  self->timed_out = TRUE;
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
}

static void
arm_timer (KabarNetOperation *self,
           gint64             delay_us)
{
  self->timer = g_timeout_source_new ((guint) ((delay_us + 999) / 1000));
  g_source_set_callback (self->timer, on_timer, self, NULL);
  g_source_set_static_name (self->timer, "[kabar] network inactivity timeout");
  g_source_attach (self->timer, g_main_context_get_thread_default ());
}

KabarNetOperation *
kabar_net_operation_new (GCancellable *caller,
                         GCancellable *connection,
                         guint         timeout_seconds,
                         const char   *peer)
{
  KabarNetOperation *self = g_new0 (KabarNetOperation, 1);

  self->cancellable = g_cancellable_new ();
  self->peer = g_strdup (peer);
  self->timeout_seconds = timeout_seconds;
  if (caller != NULL)
    self->caller = g_object_ref (caller);
  if (connection != NULL)
    self->connection = g_object_ref (connection);
  self->caller_handler = chain (caller, self->cancellable);
  self->connection_handler = chain (connection, self->cancellable);
  self->last_progress = g_get_monotonic_time ();
  if (timeout_seconds > 0)
    arm_timer (self, timeout_seconds * G_USEC_PER_SEC);
  return self;
}

void
kabar_net_operation_free (KabarNetOperation *self)
{
  if (self == NULL)
    return;
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_source_unref (self->timer);
    }
  if (self->caller != NULL)
    g_cancellable_disconnect (self->caller, self->caller_handler);
  if (self->connection != NULL)
    g_cancellable_disconnect (self->connection, self->connection_handler);
  g_clear_object (&self->caller);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_free (self->peer);
  g_free (self);
}

GCancellable *
kabar_net_operation_get_cancellable (KabarNetOperation *self)
{
  return self->cancellable;
}

void
kabar_net_operation_progress (KabarNetOperation *self)
{
  if (self->timer != NULL)
    self->last_progress = g_get_monotonic_time ();
}

GError *
kabar_net_operation_take_error (KabarNetOperation *self,
                                GError            *error)
{
  g_autoptr(GError) taken = error;

  if (g_cancellable_is_cancelled (self->caller) || g_cancellable_is_cancelled (self->connection))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                g_error_matches (taken, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                  ? taken->message : "Operation was cancelled");
  /* Whatever the stopped operation said (the TLS library may not call it
   * a cancellation), the reason is the silence. */
  if (self->timed_out)
    return g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_TIMED_OUT,
                        "%s sent nothing within the timeout of %u s", self->peer, self->timeout_seconds);
  return kabar_net_error_new_from (taken);
}
