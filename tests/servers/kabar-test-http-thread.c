/* kabar-test-http-thread.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-test-http-thread.h"

struct _KabarTestHttpThread
{
  GMutex              mutex;
  GCond               cond;
  GThread            *thread;
  GMainContext       *context;
  GMainLoop          *loop;
  SoupServer         *server;
  char               *name;
  GTlsCertificate    *certificate;
  SoupServerCallback  handler;
  gpointer            handler_data;
  gboolean          (*busy) (gpointer data);
  gpointer            busy_data;
  guint16             port;
  GError             *start_error;
  gboolean            started;
};

static gboolean
listen_here (KabarTestHttpThread  *self,
             GError              **error)
{
  SoupServerListenOptions options = SOUP_SERVER_LISTEN_IPV4_ONLY;
  g_autofree char *header = g_strconcat (self->name, " ", NULL);
  GSList *uris;

  self->server = soup_server_new ("server-header", header,
                                  "tls-certificate", self->certificate, NULL);
  soup_server_add_handler (self->server, NULL, self->handler, self->handler_data, NULL);
  if (self->certificate != NULL)
    options |= SOUP_SERVER_LISTEN_HTTPS;
  if (!soup_server_listen_local (self->server, 0, options, error))
    return FALSE;
  uris = soup_server_get_uris (self->server);
  self->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

static gpointer
run (gpointer data)
{
  KabarTestHttpThread *self = data;
  GError *error = NULL;

  g_main_context_push_thread_default (self->context);
  listen_here (self, &error);
  g_mutex_lock (&self->mutex);
  self->start_error = error;
  self->started = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (error == NULL)
    g_main_loop_run (self->loop);
  while (self->busy != NULL && self->busy (self->busy_data))
    g_main_context_iteration (self->context, TRUE);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Let the closed connections' last callbacks run. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
free_thread (KabarTestHttpThread *self)
{
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_clear_error (&self->start_error);
  g_clear_object (&self->certificate);
  g_free (self->name);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

KabarTestHttpThread *
kabar_test_http_thread_start (const char          *name,
                              GTlsCertificate     *certificate,
                              SoupServerCallback   handler,
                              gpointer             handler_data,
                              GError             **error)
{
  KabarTestHttpThread *self = g_new0 (KabarTestHttpThread, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->name = g_strdup (name);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->handler = handler;
  self->handler_data = handler_data;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new (name, run, self);

  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
  if (self->start_error == NULL)
    return self;
  g_propagate_prefixed_error (error, g_steal_pointer (&self->start_error),
                              "The test server %s could not listen: ", name);
  g_thread_join (self->thread);
  free_thread (self);
  return NULL;
}

guint16
kabar_test_http_thread_get_port (KabarTestHttpThread *self)
{
  return self->port;
}

GMainContext *
kabar_test_http_thread_get_context (KabarTestHttpThread *self)
{
  return self->context;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
kabar_test_http_thread_stop (KabarTestHttpThread  *self,
                             gboolean            (*busy) (gpointer data),
                             gpointer              busy_data)
{
  if (self == NULL)
    return;
  self->busy = busy;
  self->busy_data = busy_data;
  /* From inside the loop: a quit before the thread runs it would be lost. */
  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (self->thread);
  free_thread (self);
}
