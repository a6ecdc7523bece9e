/* kabar-discovery.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The race between the sources and who wins it. The sources themselves
 * are in kabar-discovery-http.c (autoconfig, ISPDB), -dns.c (SRV, MX)
 * and -guess.c.
 */

#include "config.h"

#include <string.h>

#include "kabar-discovery-private.h"
#include "kabar-engine-enums.h"

#define DEFAULT_TIMEOUT_MS 10000

G_DEFINE_QUARK (kabar-discovery-error-quark, kabar_discovery_error)

enum
{
  SIGNAL_STEP_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarDiscovery, kabar_discovery, G_TYPE_OBJECT)

static void
kabar_discovery_finalize (GObject *object)
{
  KabarDiscovery *self = KABAR_DISCOVERY (object);

  for (guint i = 0; i < KABAR_DISCOVERY_N_SOURCES; i++)
    {
      g_clear_object (&self->cancellables[i]);
      g_clear_object (&self->results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (self->srv_targets); i++)
    g_list_free_full (self->srv_targets[i], (GDestroyNotify) g_srv_target_free);
  g_clear_pointer (&self->probes, g_ptr_array_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->tls_database);
  g_free (self->address);
  g_free (self->domain);
  g_free (self->ispdb_url);

  G_OBJECT_CLASS (kabar_discovery_parent_class)->finalize (object);
}

static void
kabar_discovery_class_init (KabarDiscoveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kabar_discovery_finalize;

  signals[SIGNAL_STEP_CHANGED] =
    g_signal_new ("step-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2,
                  KABAR_TYPE_DISCOVERY_SOURCE, KABAR_TYPE_DISCOVERY_STEP_STATE);
}

static void
kabar_discovery_init (KabarDiscovery *self)
{
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
}

/* The domain as DNS takes it; NULL when the address has none a lookup
 * could use. */
static char *
dup_ascii_domain (const char *address)
{
  g_autofree char *domain = kabar_provider_dup_domain (address);
  g_autofree char *ascii = NULL;

  if (domain == NULL)
    return NULL;
  ascii = g_hostname_to_ascii (domain);
  if (ascii == NULL || g_hostname_is_ip_address (ascii) || strchr (ascii, '.') == NULL)
    return NULL;
  for (const char *p = ascii; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
      return NULL;
  return g_ascii_strdown (ascii, -1);
}

KabarDiscovery *
kabar_discovery_new (const char *address)
{
  KabarDiscovery *self;

  g_return_val_if_fail (address != NULL, NULL);

  self = g_object_new (KABAR_TYPE_DISCOVERY, NULL);
  self->address = g_strdup (address);
  self->domain = dup_ascii_domain (address);
  return self;
}

void
kabar_discovery_set_ispdb_url (KabarDiscovery *self,
                               const char     *url)
{
  g_return_if_fail (KABAR_IS_DISCOVERY (self));
  g_free (self->ispdb_url);
  self->ispdb_url = url != NULL && *url != '\0' ? g_strdup (url) : NULL;
}

void
kabar_discovery_set_tls_database (KabarDiscovery *self,
                                  GTlsDatabase   *database)
{
  g_return_if_fail (KABAR_IS_DISCOVERY (self));
  g_set_object (&self->tls_database, database);
}

void
kabar_discovery_set_timeout (KabarDiscovery *self,
                             guint           milliseconds)
{
  g_return_if_fail (KABAR_IS_DISCOVERY (self));
  self->timeout_ms = MAX (milliseconds, 1);
}

KabarDiscoveryStepState
kabar_discovery_get_step_state (KabarDiscovery       *self,
                                KabarDiscoverySource  source)
{
  g_return_val_if_fail (KABAR_IS_DISCOVERY (self), KABAR_DISCOVERY_STEP_WAITING);
  g_return_val_if_fail (source < KABAR_DISCOVERY_N_SOURCES, KABAR_DISCOVERY_STEP_WAITING);
  return self->states[source];
}

GPtrArray *
kabar_discovery_servers_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_server_settings_free);
}

/* --- steps ------------------------------------------------------------------- */

static void
set_state (KabarDiscovery          *self,
           KabarDiscoverySource     source,
           KabarDiscoveryStepState  state)
{
  if (self->states[source] == state)
    return;
  self->states[source] = state;
  g_signal_emit (self, signals[SIGNAL_STEP_CHANGED], 0, source, state);
}

static void
stop_timer (KabarDiscovery       *self,
            KabarDiscoverySource  source)
{
  if (self->timers[source] != NULL)
    {
      g_source_destroy (self->timers[source]);
      g_clear_pointer (&self->timers[source], g_source_unref);
    }
}

/* Stops a running source for good, with the state the user is shown. */
static void
stop_source (KabarDiscovery          *self,
             KabarDiscoverySource     source,
             KabarDiscoveryStepState  state)
{
  stop_timer (self, source);
  if (self->cancellables[source] != NULL)
    g_cancellable_cancel (self->cancellables[source]);
  set_state (self, source, state);
}

gboolean
kabar_discovery_source_running (KabarDiscovery       *self,
                                KabarDiscoverySource  source)
{
  return self->states[source] == KABAR_DISCOVERY_STEP_RUNNING;
}

static void
finish (KabarDiscovery *self)
{
  g_autoptr(GTask) task = NULL;
  GCancellable *cancellable;

  if (self->task == NULL || self->pending > 0)
    return;
  cancellable = g_task_get_cancellable (self->task);
  if (!self->decided && (cancellable == NULL || !g_cancellable_is_cancelled (cancellable)))
    return;

  task = g_steal_pointer (&self->task);
  for (guint i = 0; i < KABAR_DISCOVERY_N_SOURCES; i++)
    stop_timer (self, i);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, self->cancelled_id);
  self->cancelled_id = 0;

  if (g_task_return_error_if_cancelled (task))
    return;
  for (guint i = 0; i < KABAR_DISCOVERY_N_SOURCES; i++)
    if (self->states[i] == KABAR_DISCOVERY_STEP_FOUND)
      {
        g_task_return_pointer (task, g_object_ref (self->results[i]), g_object_unref);
        return;
      }
  g_task_return_new_error (task, KABAR_DISCOVERY_ERROR, KABAR_DISCOVERY_ERROR_NOT_FOUND,
                           "No settings were found for %s", self->address);
}

/* The most authoritative answer wins once every source above it has
 * given up; those below it are no longer needed. */
static void
decide (KabarDiscovery *self)
{
  int winner = -1;

  if (self->decided)
    return;
  for (guint i = 0; i < KABAR_DISCOVERY_N_SOURCES && winner < 0; i++)
    {
      if (self->states[i] == KABAR_DISCOVERY_STEP_FOUND)
        winner = i;
      else if (self->states[i] == KABAR_DISCOVERY_STEP_WAITING
               || self->states[i] == KABAR_DISCOVERY_STEP_RUNNING)
        return;
    }
  self->decided = TRUE;
  for (guint i = winner + 1; winner >= 0 && i < KABAR_DISCOVERY_N_SOURCES; i++)
    if (self->states[i] == KABAR_DISCOVERY_STEP_RUNNING
        || self->states[i] == KABAR_DISCOVERY_STEP_WAITING)
      stop_source (self, i, KABAR_DISCOVERY_STEP_SKIPPED);
  finish (self);
}

void
kabar_discovery_source_done (KabarDiscovery       *self,
                             KabarDiscoverySource  source,
                             KabarDiscoveryResult *result)
{
  if (!kabar_discovery_source_running (self, source))
    {
      g_clear_object (&result);
      return;
    }
  stop_timer (self, source);
  g_clear_object (&self->results[source]);
  self->results[source] = result;
  set_state (self, source, result != NULL ? KABAR_DISCOVERY_STEP_FOUND
                                          : KABAR_DISCOVERY_STEP_NOT_FOUND);
  decide (self);
}

void
kabar_discovery_source_off (KabarDiscovery       *self,
                            KabarDiscoverySource  source)
{
  if (kabar_discovery_source_running (self, source))
    {
      stop_source (self, source, KABAR_DISCOVERY_STEP_SKIPPED);
      decide (self);
    }
}

void
kabar_discovery_op_begin (KabarDiscovery *self)
{
  g_object_ref (self);
  self->pending++;
}

void
kabar_discovery_op_end (KabarDiscovery *self)
{
  g_assert (self->pending > 0);
  self->pending--;
  finish (self);
  g_object_unref (self);
}

typedef struct
{
  KabarDiscovery       *self;   /* weak: the timer is destroyed before it goes */
  KabarDiscoverySource  source;
} Timer;

static gboolean
on_source_timeout (gpointer user_data)
{
  Timer *timer = user_data;
  KabarDiscovery *self = timer->self;

  g_clear_pointer (&self->timers[timer->source], g_source_unref);
  g_debug ("discovery of %s: source %d timed out", self->domain, timer->source);
  stop_source (self, timer->source, KABAR_DISCOVERY_STEP_TIMED_OUT);
  decide (self);
  return G_SOURCE_REMOVE;
}

static void
start_timer (KabarDiscovery       *self,
             KabarDiscoverySource  source)
{
  Timer *timer = g_new (Timer, 1);

  timer->self = self;
  timer->source = source;
  self->timers[source] = g_timeout_source_new (self->timeout_ms);
  g_source_set_callback (self->timers[source], on_source_timeout, timer, g_free);
  g_source_attach (self->timers[source], g_main_context_get_thread_default ());
}

/* From any thread: the sources' operations end on the discovery's main
 * context, which finishes with G_IO_ERROR_CANCELLED once all are back. */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  KabarDiscovery *self = user_data;

  for (guint i = 0; i < KABAR_DISCOVERY_N_SOURCES; i++)
    if (self->cancellables[i] != NULL)
      g_cancellable_cancel (self->cancellables[i]);
}

/* --- built-in ---------------------------------------------------------------- */

static KabarDiscoveryResult *
look_up_built_in (KabarDiscovery *self)
{
  KabarProvider provider = kabar_provider_for_domain (self->domain);
  g_autoptr(GPtrArray) incoming = NULL, outgoing = NULL;

  if (provider == KABAR_PROVIDER_NONE)
    return NULL;
  incoming = kabar_discovery_servers_new ();
  outgoing = kabar_discovery_servers_new ();
  kabar_provider_add_servers (provider, self->address, incoming, outgoing);
  return kabar_discovery_result_new (KABAR_DISCOVERY_SOURCE_BUILT_IN, provider, NULL,
                                     self->domain, incoming, outgoing);
}

/* --- running ----------------------------------------------------------------- */

typedef void (*StartFunc) (KabarDiscovery *self);

static const StartFunc start_funcs[KABAR_DISCOVERY_N_SOURCES] = {
  [KABAR_DISCOVERY_SOURCE_AUTOCONFIG] = kabar_discovery_start_autoconfig,
  [KABAR_DISCOVERY_SOURCE_ISPDB] = kabar_discovery_start_ispdb,
  [KABAR_DISCOVERY_SOURCE_SRV] = kabar_discovery_start_srv,
  [KABAR_DISCOVERY_SOURCE_MX] = kabar_discovery_start_mx,
  [KABAR_DISCOVERY_SOURCE_GUESS] = kabar_discovery_start_guess,
};

void
kabar_discovery_run_async (KabarDiscovery      *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_DISCOVERY (self));
  g_return_if_fail (self->task == NULL && !self->decided);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, kabar_discovery_run_async);

  /* Kabar's own knowledge needs no network: when it answers, nothing else
   * is asked. */
  set_state (self, KABAR_DISCOVERY_SOURCE_BUILT_IN, KABAR_DISCOVERY_STEP_RUNNING);
  kabar_discovery_source_done (self, KABAR_DISCOVERY_SOURCE_BUILT_IN, look_up_built_in (self));
  if (self->decided || self->domain == NULL)
    {
      for (guint i = KABAR_DISCOVERY_SOURCE_AUTOCONFIG; i < KABAR_DISCOVERY_N_SOURCES; i++)
        if (!self->decided)
          set_state (self, i, KABAR_DISCOVERY_STEP_NOT_FOUND);
      decide (self);
      return;
    }

  for (guint i = KABAR_DISCOVERY_SOURCE_AUTOCONFIG; i < KABAR_DISCOVERY_N_SOURCES; i++)
    {
      self->cancellables[i] = g_cancellable_new ();
      set_state (self, i, KABAR_DISCOVERY_STEP_RUNNING);
      start_timer (self, i);
    }
  if (cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);

  /* Held across the starts: a source that is done at once must not
   * finish the task while the others are being started. */
  kabar_discovery_op_begin (self);
  for (guint i = KABAR_DISCOVERY_SOURCE_AUTOCONFIG; i < KABAR_DISCOVERY_N_SOURCES; i++)
    if (kabar_discovery_source_running (self, i))
      start_funcs[i] (self);
  kabar_discovery_op_end (self);
}

KabarDiscoveryResult *
kabar_discovery_run_finish (KabarDiscovery  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
