/* kabar-imap-worker.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The worker's thread runs a loop of steps: each looks at what is asked
 * of it (stop, network news, a retry, jobs, the watch) and does one thing:
 * connect, run a job, watch the mailbox for a while, or wait. Everything
 * in a step is sequential code that runs the worker's main context while
 * it waits, so the session's I/O, its signals and the worker's timers go
 * on meanwhile.
 *
 * The other threads never touch the session: they change the shared
 * fields under the mutex and poke the worker, an idle source on its
 * context. The poke ends whatever the current phase waits for when what
 * was asked needs it: DONE for an IDLE, the phase's cancellable for a
 * connection attempt, a job or a command.
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-worker.h"
#include "kabar-net-error.h"
#include "kabar-oauth2.h"
#include "kabar-sync-thread.h"
#include "kabar-sync-wait.h"

/* Changes of one burst ("* 3 EXISTS", "* 1 RECENT", a FETCH, ...) come in
 * one read or a few: one report for all of them. */
#define FLUSH_DELAY_MS 100
/* A session that lived this long proved the server fine: the back-off
 * starts over when it is lost. */
#define STABLE_SECONDS 60
/* A connection that does not answer DONE or NOOP this soon after the
 * network changed died with the old network. */
#define PROBE_SECONDS 10

/* What the loop is doing, for the poke to know what to end. */
typedef enum
{
  PHASE_NONE,
  PHASE_CONNECT,
  PHASE_JOB,
  PHASE_COMMAND,
  PHASE_IDLE,
  PHASE_LOGOUT,
} Phase;

/* What the other threads asked for. */
typedef enum
{
  WAKE_STOP    = 1 << 0,
  WAKE_NETWORK = 1 << 1,
  WAKE_RETRY   = 1 << 2,
  WAKE_JOB     = 1 << 3,
  WAKE_WATCH   = 1 << 4,
} Wake;

#define WAKE_ANY (WAKE_STOP | WAKE_NETWORK | WAKE_RETRY | WAKE_JOB | WAKE_WATCH)

struct _KabarImapWorkerStatus
{
  gatomicrefcount          ref_count;
  KabarImapWorkerState     state;
  GError                  *error;
  KabarCertificateProblem *problem;
  gint64                   next_attempt;
  guint                    delay;
};

typedef struct
{
  KabarImapJobFunc  func;
  gpointer          data;
  GDestroyNotify    data_free;
  GTask            *task;
  GSource          *cancel_source;  /* the caller's cancellable, on the worker's context */
  guint             losses;
} Job;

typedef struct
{
  char                 *mailbox;
  guint                 poll_seconds;
  KabarImapChangedFunc  changed;
  gpointer              data;
  GDestroyNotify        data_free;
} Watch;

struct _KabarImapWorker
{
  GObject                 parent_instance;

  char                   *name;
  KabarImapConnectFunc    connect;
  gpointer                connect_data;
  GDestroyNotify          connect_data_free;
  KabarImapStatusFunc     status_func;
  gpointer                status_data;
  GDestroyNotify          status_data_free;
  GMainContext           *context;
  GThread                *thread;
  gboolean                started;

  /* Shared with other threads, under the mutex. */
  GMutex                  mutex;
  GQueue                  jobs;
  Job                    *running;         /* taken off the queue, not over */
  KabarImapWorkerStatus  *status;
  Watch                  *next_watch;
  gboolean                watch_pending;
  gboolean                stopping;
  gboolean                stopped;         /* the thread ended, or never will start */
  gboolean                retry;
  gboolean                network_available;
  gboolean                network_event;

  /* The worker's thread's own. */
  KabarBackoff           *backoff;
  KabarImapSession       *session;
  gint64                  session_since;
  gboolean                idle_refused;    /* IDLE advertised, then refused */
  Watch                  *watch;
  KabarImapMailboxState  *watched;         /* what the last opening said */
  gboolean                change_pending;
  GSource                *flush_source;
  Phase                   phase;
  GCancellable           *phase_cancellable;
  Job                    *job;             /* == running */
  GError                 *error;           /* ERROR: why */
  KabarCertificateProblem *problem;
  gboolean                offline;
  GSource                *stop_timer;
  GSource                *probe_timer;
};

G_DEFINE_ENUM_TYPE (KabarImapWorkerState, kabar_imap_worker_state,
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_WORKER_STATE_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_WORKER_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_WORKER_STATE_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_WORKER_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_WORKER_STATE_BACKING_OFF, "backing-off"),
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_WORKER_STATE_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_WORKER_STATE_ERROR, "error"))

G_DEFINE_BOXED_TYPE (KabarImapWorkerStatus, kabar_imap_worker_status,
                     kabar_imap_worker_status_ref, kabar_imap_worker_status_unref)

G_DEFINE_FINAL_TYPE (KabarImapWorker, kabar_imap_worker, G_TYPE_OBJECT)

static void react (KabarImapWorker *self);

/* --- statuses ------------------------------------------------------------- */

static KabarImapWorkerStatus *
status_new (KabarImapWorkerState     state,
            const GError            *error,
            KabarCertificateProblem *problem,
            guint                    delay)
{
  KabarImapWorkerStatus *status = g_new0 (KabarImapWorkerStatus, 1);

  g_atomic_ref_count_init (&status->ref_count);
  status->state = state;
  status->error = error != NULL ? g_error_copy (error) : NULL;
  status->problem = problem != NULL ? kabar_certificate_problem_ref (problem) : NULL;
  if (state == KABAR_IMAP_WORKER_STATE_BACKING_OFF)
    {
      status->delay = delay;
      status->next_attempt = g_get_monotonic_time () + (gint64) delay * 1000;
    }
  return status;
}

KabarImapWorkerStatus *
kabar_imap_worker_status_ref (KabarImapWorkerStatus *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
kabar_imap_worker_status_unref (KabarImapWorkerStatus *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_error (&self->error);
  g_clear_pointer (&self->problem, kabar_certificate_problem_unref);
  g_free (self);
}

KabarImapWorkerState
kabar_imap_worker_status_get_state (KabarImapWorkerStatus *self)
{
  g_return_val_if_fail (self != NULL, KABAR_IMAP_WORKER_STATE_STOPPED);

  return self->state;
}

const GError *
kabar_imap_worker_status_get_error (KabarImapWorkerStatus *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->error;
}

KabarCertificateProblem *
kabar_imap_worker_status_get_certificate_problem (KabarImapWorkerStatus *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->problem;
}

gint64
kabar_imap_worker_status_get_next_attempt (KabarImapWorkerStatus *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->next_attempt;
}

guint
kabar_imap_worker_status_get_delay (KabarImapWorkerStatus *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->delay;
}

static const char *
state_name (KabarImapWorkerState state)
{
  switch (state)
    {
    case KABAR_IMAP_WORKER_STATE_STOPPED:
      return "stopped";
    case KABAR_IMAP_WORKER_STATE_CONNECTING:
      return "connecting";
    case KABAR_IMAP_WORKER_STATE_READY:
      return "ready";
    case KABAR_IMAP_WORKER_STATE_IDLE:
      return "idle";
    case KABAR_IMAP_WORKER_STATE_BACKING_OFF:
      return "backing off";
    case KABAR_IMAP_WORKER_STATE_OFFLINE:
      return "offline";
    case KABAR_IMAP_WORKER_STATE_ERROR:
      return "error";
    default:
      return "?";
    }
}

/* Worker's thread. A state that stays as it was is news only while
 * backing off (a new delay) or in ERROR (a new reason). */
static void
set_status (KabarImapWorker         *self,
            KabarImapWorkerState     state,
            const GError            *error,
            KabarCertificateProblem *problem,
            guint                    delay)
{
  g_autoptr(KabarImapWorkerStatus) status = NULL;
  g_autoptr(KabarImapWorkerStatus) old = NULL;

  g_mutex_lock (&self->mutex);
  if (self->status->state == state && state != KABAR_IMAP_WORKER_STATE_BACKING_OFF &&
      state != KABAR_IMAP_WORKER_STATE_ERROR)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  status = status_new (state, error, problem, delay);
  old = g_steal_pointer (&self->status);
  self->status = kabar_imap_worker_status_ref (status);
  g_mutex_unlock (&self->mutex);

  g_debug ("IMAP worker %s: %s%s%s", self->name, state_name (state),
           error != NULL ? ": " : "", error != NULL ? error->message : "");
  if (self->status_func != NULL)
    self->status_func (status, self->status_data);
}

/* --- jobs and watches ----------------------------------------------------- */

static void
job_free (Job *job)
{
  if (job->cancel_source != NULL)
    {
      g_source_destroy (job->cancel_source);
      g_source_unref (job->cancel_source);
    }
  if (job->data_free != NULL)
    job->data_free (job->data);
  g_clear_object (&job->task);
  g_free (job);
}

/* Takes error (NULL: success). */
static void
job_complete (Job    *job,
              GError *error)
{
  if (error != NULL)
    g_task_return_error (job->task, error);
  else
    g_task_return_boolean (job->task, TRUE);
  job_free (job);
}

static GError *
stopped_error (KabarImapWorker *self)
{
  return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The IMAP worker %s stopped", self->name);
}

static void
watch_free (Watch *watch)
{
  if (watch == NULL)
    return;
  if (watch->data_free != NULL)
    watch->data_free (watch->data);
  g_free (watch->mailbox);
  g_free (watch);
}

/* --- shared state --------------------------------------------------------- */

static gboolean
on_poke (gpointer user_data)
{
  react (user_data);
  return G_SOURCE_REMOVE;
}

/* Any thread: wakes the worker, which looks at what was asked. */
static void
poke (KabarImapWorker *self)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, on_poke, self, NULL);
  g_source_set_static_name (source, "[kabar] IMAP worker poke");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static Wake
peek_wakes (KabarImapWorker *self)
{
  Wake wakes = 0;

  g_mutex_lock (&self->mutex);
  if (self->stopping)
    wakes |= WAKE_STOP;
  if (self->network_event)
    wakes |= WAKE_NETWORK;
  if (self->retry)
    wakes |= WAKE_RETRY;
  if (!g_queue_is_empty (&self->jobs))
    wakes |= WAKE_JOB;
  if (self->watch_pending)
    wakes |= WAKE_WATCH;
  g_mutex_unlock (&self->mutex);
  return wakes;
}

static gboolean
is_stopping (KabarImapWorker *self)
{
  return (peek_wakes (self) & WAKE_STOP) != 0;
}

static gboolean
network_is_down (KabarImapWorker *self)
{
  gboolean down;

  g_mutex_lock (&self->mutex);
  down = !self->network_available;
  g_mutex_unlock (&self->mutex);
  return down;
}

/* --- the session ---------------------------------------------------------- */

static gboolean
is_connected (KabarImapWorker *self)
{
  return self->session != NULL &&
         kabar_imap_session_get_state (self->session) != KABAR_IMAP_SESSION_STATE_CLOSED;
}

static gboolean
same_mailbox (const char *a,
              const char *b)
{
  if (a == NULL || b == NULL)
    return FALSE;
  /* RFC 3501 §5.1: INBOX is INBOX in any case; other names are exact. */
  if (g_ascii_strcasecmp (a, "INBOX") == 0)
    return g_ascii_strcasecmp (b, "INBOX") == 0;
  return strcmp (a, b) == 0;
}

static gboolean
watched_is_selected (KabarImapWorker *self)
{
  return self->watch != NULL && self->session != NULL &&
         same_mailbox (kabar_imap_session_get_selected (self->session), self->watch->mailbox);
}

static void
flush_change (KabarImapWorker *self)
{
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
  if (!self->change_pending || self->watch == NULL)
    return;
  self->change_pending = FALSE;
  self->watch->changed (self->watch->mailbox, self->watch->data);
}

static gboolean
on_flush (gpointer user_data)
{
  KabarImapWorker *self = user_data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush_change (self);
  return G_SOURCE_REMOVE;
}

/* While idle the report goes out after a short pause that gathers the
 * burst; otherwise when the watch resumes (after the job, or the NOOP). */
static void
note_change (KabarImapWorker *self)
{
  if (!watched_is_selected (self))
    return;
  self->change_pending = TRUE;
  if (self->phase != PHASE_IDLE || self->flush_source != NULL)
    return;
  self->flush_source = g_timeout_source_new (FLUSH_DELAY_MS);
  g_source_set_callback (self->flush_source, on_flush, self, NULL);
  g_source_set_static_name (self->flush_source, "[kabar] IMAP worker change report");
  g_source_attach (self->flush_source, self->context);
}

static void
on_exists (KabarImapSession *session,
           guint             count,
           gpointer          user_data)
{
  note_change (user_data);
}

static void
on_expunged (KabarImapSession *session,
             guint             sequence,
             gpointer          user_data)
{
  note_change (user_data);
}

static void
on_vanished (KabarImapSession *session,
             KabarImapUidSet  *uids,
             gboolean          earlier,
             gpointer          user_data)
{
  note_change (user_data);
}

static void
on_flags_changed (KabarImapSession *session,
                  KabarImapMessage *message,
                  gpointer          user_data)
{
  note_change (user_data);
}

static void
adopt_session (KabarImapWorker  *self,
               KabarImapSession *session)
{
  self->session = session;
  self->session_since = g_get_monotonic_time ();
  self->idle_refused = FALSE;
  g_signal_connect (session, "exists", G_CALLBACK (on_exists), self);
  g_signal_connect (session, "expunged", G_CALLBACK (on_expunged), self);
  g_signal_connect (session, "vanished", G_CALLBACK (on_vanished), self);
  g_signal_connect (session, "flags-changed", G_CALLBACK (on_flags_changed), self);
}

static void
drop_session (KabarImapWorker *self)
{
  if (self->session == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->session, self);
  kabar_imap_session_close (self->session);
  g_clear_object (&self->session);
}

/* The connection failed us: connection-level errors, and anything once
 * the session is closed (the worker's own closing included). */
static gboolean
is_connection_lost (KabarImapWorker *self,
                    const GError    *error)
{
  return error->domain == KABAR_NET_ERROR ||
         g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BYE) ||
         !is_connected (self);
}

/* Refusals that a retry would only repeat. */
static gboolean
is_fatal (const GError *error)
{
  return g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED) ||
         g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BASIC_AUTH_DISABLED) ||
         g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_UNAVAILABLE) ||
         g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_LOGIN_DISABLED) ||
         g_error_matches (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE) ||
         kabar_oauth2_error_needs_user (error);
}

/* --- phases and waiting --------------------------------------------------- */

static void
clear_timer (GSource **timer)
{
  if (*timer == NULL)
    return;
  g_source_destroy (*timer);
  g_clear_pointer (timer, g_source_unref);
}

/* The session is closed: whatever waits on it fails at once. */
static gboolean
on_deadline (gpointer user_data)
{
  KabarImapWorker *self = user_data;

  if (self->session != NULL)
    kabar_imap_session_close (self->session);
  if (self->phase_cancellable != NULL)
    g_cancellable_cancel (self->phase_cancellable);
  return G_SOURCE_REMOVE;
}

/* Not _seconds: its coalescing may add a second to a wait of two. */
static GSource *
deadline_new (KabarImapWorker *self,
              guint            seconds,
              const char      *name)
{
  GSource *timer = g_timeout_source_new (seconds * 1000);

  g_source_set_callback (timer, on_deadline, self, NULL);
  g_source_set_static_name (timer, name);
  g_source_attach (timer, self->context);
  return timer;
}

static void
begin_phase (KabarImapWorker *self,
             Phase            phase)
{
  self->phase = phase;
  self->phase_cancellable = g_cancellable_new ();
  /* What was asked before this phase began ends it as well. */
  react (self);
}

static void
end_phase (KabarImapWorker *self)
{
  self->phase = PHASE_NONE;
  g_clear_object (&self->phase_cancellable);
  clear_timer (&self->probe_timer);
}

/* Worker's thread, from a poke or when a phase begins: ends what the
 * current phase waits for when that is what was asked. */
static void
react (KabarImapWorker *self)
{
  Wake wakes = peek_wakes (self);
  gboolean down = network_is_down (self);

  if ((wakes & WAKE_STOP) && self->stop_timer == NULL)
    self->stop_timer = deadline_new (self, KABAR_IMAP_WORKER_STOP_SECONDS, "[kabar] IMAP worker stop");
  switch (self->phase)
    {
    case PHASE_CONNECT:
    case PHASE_JOB:
    case PHASE_COMMAND:
      if ((wakes & WAKE_STOP) || down)
        g_cancellable_cancel (self->phase_cancellable);
      if (down && self->session != NULL)
        kabar_imap_session_close (self->session);
      break;
    case PHASE_IDLE:
      if (down)
        kabar_imap_session_close (self->session);
      else if (wakes & (WAKE_STOP | WAKE_NETWORK | WAKE_JOB | WAKE_WATCH))
        kabar_imap_session_idle_done (self->session);
      if ((wakes & WAKE_NETWORK) && self->probe_timer == NULL)
        self->probe_timer = deadline_new (self, PROBE_SECONDS, "[kabar] IMAP worker probe");
      break;
    case PHASE_NONE:
    case PHASE_LOGOUT:
    default:
      break;
    }
}

static gboolean
on_wait_over (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the context for up to ms (G_MAXUINT: no limit) or until one of
 * wakes is asked for; TRUE when asked. */
static gboolean
wait_for (KabarImapWorker *self,
          guint            ms,
          Wake             wakes)
{
  g_autoptr(GSource) timer = NULL;
  gboolean over = FALSE;
  gboolean woken;

  if (ms != G_MAXUINT)
    {
      timer = g_timeout_source_new (ms);
      g_source_set_callback (timer, on_wait_over, &over, NULL);
      g_source_attach (timer, self->context);
    }
  while (!(woken = (peek_wakes (self) & wakes) != 0) && !over)
    g_main_context_iteration (self->context, TRUE);
  if (timer != NULL)
    g_source_destroy (timer);
  return woken;
}

/* --- connecting ----------------------------------------------------------- */

static void
back_off (KabarImapWorker *self,
          const GError    *error)
{
  guint delay = kabar_backoff_next_delay (self->backoff);

  set_status (self, KABAR_IMAP_WORKER_STATE_BACKING_OFF, error, NULL, delay);
  wait_for (self, delay, WAKE_STOP | WAKE_NETWORK | WAKE_RETRY);
}

static void
fail_queued (KabarImapWorker *self,
             const GError    *error)
{
  Job *job;

  for (;;)
    {
      g_mutex_lock (&self->mutex);
      job = g_queue_pop_head (&self->jobs);
      g_mutex_unlock (&self->mutex);
      if (job == NULL)
        return;
      job_complete (job, g_error_copy (error));
    }
}

static void
enter_error (KabarImapWorker         *self,
             GError                  *error,
             KabarCertificateProblem *problem)
{
  g_clear_error (&self->error);
  g_clear_pointer (&self->problem, kabar_certificate_problem_unref);
  self->error = error;
  self->problem = problem;
  g_message ("IMAP worker %s stops trying: %s", self->name, error->message);
  set_status (self, KABAR_IMAP_WORKER_STATE_ERROR, error, problem, 0);
}

static void
connect_once (KabarImapWorker *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  KabarImapSession *session;

  set_status (self, KABAR_IMAP_WORKER_STATE_CONNECTING, NULL, NULL, 0);
  begin_phase (self, PHASE_CONNECT);
  session = self->connect (self->connect_data, self->phase_cancellable, &problem, &error);
  end_phase (self);
  if (session != NULL)
    {
      adopt_session (self, session);
      set_status (self, KABAR_IMAP_WORKER_STATE_READY, NULL, NULL, 0);
      return;
    }
  if (error == NULL)
    error = g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_FAILED, "Could not connect, for no known reason");
  /* Stopped, or the network went: the next step sees which. A connect
   * function cancelled by anything else waits like any failure. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      (is_stopping (self) || network_is_down (self)))
    return;
  if (is_fatal (error))
    {
      enter_error (self, g_steal_pointer (&error), g_steal_pointer (&problem));
      return;
    }
  g_debug ("IMAP worker %s could not connect: %s", self->name, error->message);
  back_off (self, error);
}

/* The connection is gone: wait, then connect again. */
static void
lose_session (KabarImapWorker *self,
              const GError    *error)
{
  if (g_get_monotonic_time () - self->session_since >= STABLE_SECONDS * G_USEC_PER_SEC)
    kabar_backoff_reset (self->backoff);
  g_debug ("IMAP worker %s lost its connection: %s", self->name, error->message);
  drop_session (self);
  back_off (self, error);
}

/* A command of the worker's own failed. TRUE when the step should end. */
static gboolean
after_failure (KabarImapWorker *self,
               const GError    *error)
{
  if (is_stopping (self) || network_is_down (self))
    return TRUE;
  if (is_connection_lost (self, error))
    {
      lose_session (self, error);
      return TRUE;
    }
  return FALSE;
}

/* --- jobs ----------------------------------------------------------------- */

static Job *
next_job (KabarImapWorker *self)
{
  if (self->job != NULL)
    return self->job;
  g_mutex_lock (&self->mutex);
  self->job = self->running = g_queue_pop_head (&self->jobs);
  g_mutex_unlock (&self->mutex);
  return self->job;
}

/* Takes error (NULL: success). */
static void
finish_job (KabarImapWorker *self,
            GError          *error)
{
  Job *job = g_steal_pointer (&self->job);

  g_mutex_lock (&self->mutex);
  self->running = NULL;
  g_mutex_unlock (&self->mutex);
  job_complete (job, error);
}

static gboolean
caller_cancelled (Job *job)
{
  return g_cancellable_is_cancelled (g_task_get_cancellable (job->task));
}

static void
run_job (KabarImapWorker *self,
         Job             *job)
{
  g_autoptr(GError) error = NULL;
  gboolean done;
  gboolean lost;

  set_status (self, KABAR_IMAP_WORKER_STATE_READY, NULL, NULL, 0);
  begin_phase (self, PHASE_JOB);
  done = job->func (self->session, job->data, self->phase_cancellable, &error);
  end_phase (self);
  if (done)
    {
      kabar_backoff_reset (self->backoff);
      finish_job (self, NULL);
      return;
    }
  if (error == NULL)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "An IMAP job failed without saying why");
  if (is_stopping (self) || caller_cancelled (job))
    {
      finish_job (self, g_steal_pointer (&error));
      return;
    }
  /* Cut by the worker itself: the job runs again once the network is
   * back, and that loss does not count against it. */
  if (network_is_down (self))
    return;
  lost = is_connection_lost (self, error);
  if (lost && ++job->losses < KABAR_IMAP_WORKER_MAX_JOB_LOSSES)
    {
      /* The job stays first in line for the next connection. */
      lose_session (self, error);
      return;
    }
  finish_job (self, g_error_copy (error));
  if (lost)
    lose_session (self, error);
}

/* Worker's thread: the caller cancelled a job before it ran, or while it
 * runs. */
static gboolean
on_job_cancelled (GCancellable *cancellable,
                  gpointer      user_data)
{
  Job *job = user_data;
  KabarImapWorker *self = g_task_get_task_data (job->task);
  gboolean queued;

  if (job == self->job)
    {
      if (self->phase == PHASE_JOB)
        g_cancellable_cancel (self->phase_cancellable);
      else
        finish_job (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The IMAP job was cancelled"));
      return G_SOURCE_REMOVE;
    }
  g_mutex_lock (&self->mutex);
  queued = g_queue_remove (&self->jobs, job);
  g_mutex_unlock (&self->mutex);
  if (queued)
    job_complete (job, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The IMAP job was cancelled"));
  return G_SOURCE_REMOVE;
}

/* --- watching ------------------------------------------------------------- */

static gboolean
state_differs (KabarImapMailboxState *a,
               KabarImapMailboxState *b)
{
  return kabar_imap_mailbox_state_get_uidvalidity (a) != kabar_imap_mailbox_state_get_uidvalidity (b) ||
         kabar_imap_mailbox_state_get_uidnext (a) != kabar_imap_mailbox_state_get_uidnext (b) ||
         kabar_imap_mailbox_state_get_exists (a) != kabar_imap_mailbox_state_get_exists (b) ||
         kabar_imap_mailbox_state_get_highest_modseq (a) != kabar_imap_mailbox_state_get_highest_modseq (b);
}

/* Something went wrong with the mailbox itself: try again later, without
 * hammering the server meanwhile. */
static void
watch_later (KabarImapWorker *self,
             const GError    *error)
{
  g_message ("IMAP worker %s cannot watch %s: %s", self->name, self->watch->mailbox, error->message);
  wait_for (self, self->watch->poll_seconds * 1000, WAKE_ANY);
}

static gboolean
open_watched (KabarImapWorker *self)
{
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  begin_phase (self, PHASE_COMMAND);
  /* EXAMINE: watching changes nothing (\Recent stays for other clients). */
  kabar_imap_session_select_async (self->session, self->watch->mailbox, TRUE, NULL, NULL, NULL,
                                   self->phase_cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  state = kabar_imap_session_select_finish (self->session, result, &error);
  end_phase (self);
  if (state == NULL)
    {
      if (!after_failure (self, error))
        watch_later (self, error);
      return FALSE;
    }
  if (self->watched != NULL && state_differs (self->watched, state))
    self->change_pending = TRUE;
  g_clear_pointer (&self->watched, kabar_imap_mailbox_state_unref);
  self->watched = g_steal_pointer (&state);
  return TRUE;
}

static gboolean
noop (KabarImapWorker  *self,
      GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  gboolean done;

  begin_phase (self, PHASE_COMMAND);
  kabar_imap_session_noop_async (self->session, self->phase_cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  done = kabar_imap_session_command_finish (self->session, result, error);
  end_phase (self);
  return done;
}

/* NOOP on its own: keeps the connection alive, asks for news, and finds a
 * dead connection. */
static void
noop_once (KabarImapWorker *self)
{
  g_autoptr(GError) error = NULL;

  if (!noop (self, &error) && !after_failure (self, error))
    g_debug ("IMAP worker %s: NOOP refused: %s", self->name, error->message);
}

static void
idle_once (KabarImapWorker *self)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  self->phase = PHASE_IDLE;
  kabar_imap_session_idle_async (self->session, 0, NULL, kabar_sync_wait_done, &slot);
  react (self);
  result = kabar_sync_wait (&slot);
  self->phase = PHASE_NONE;
  clear_timer (&self->probe_timer);
  kabar_imap_session_idle_finish (self->session, result, &error);
  flush_change (self);
  if (error == NULL || after_failure (self, error))
    return;
  /* Advertised but refused: this session polls instead. */
  g_debug ("IMAP worker %s: IDLE refused, polling: %s", self->name, error->message);
  self->idle_refused = TRUE;
}

static void
poll_once (KabarImapWorker *self)
{
  if (wait_for (self, self->watch->poll_seconds * 1000, WAKE_ANY))
    return;
  noop_once (self);
  flush_change (self);
}

static void
watch_once (KabarImapWorker *self)
{
  if (!watched_is_selected (self) && !open_watched (self))
    return;
  /* What came during a job, or the opening's news. */
  flush_change (self);
  set_status (self, KABAR_IMAP_WORKER_STATE_IDLE, NULL, NULL, 0);
  if (kabar_imap_session_has_capability (self->session, "IDLE") && !self->idle_refused)
    idle_once (self);
  else
    poll_once (self);
}

static void
keep_alive (KabarImapWorker *self)
{
  set_status (self, KABAR_IMAP_WORKER_STATE_READY, NULL, NULL, 0);
  if (!wait_for (self, KABAR_IMAP_WORKER_KEEPALIVE_SECONDS * 1000, WAKE_ANY))
    noop_once (self);
}

/* --- the loop ------------------------------------------------------------- */

static void
apply_watch (KabarImapWorker *self)
{
  Watch *watch;

  g_mutex_lock (&self->mutex);
  watch = g_steal_pointer (&self->next_watch);
  self->watch_pending = FALSE;
  g_mutex_unlock (&self->mutex);
  flush_change (self);
  watch_free (self->watch);
  self->watch = watch;
  g_clear_pointer (&self->watched, kabar_imap_mailbox_state_unref);
}

static void
apply_network (KabarImapWorker *self)
{
  gboolean available;

  g_mutex_lock (&self->mutex);
  available = self->network_available;
  self->network_event = FALSE;
  g_mutex_unlock (&self->mutex);
  if (!available)
    {
      self->offline = TRUE;
      drop_session (self);
      return;
    }
  kabar_backoff_reset (self->backoff);
  self->offline = FALSE;
  /* The old network may have taken the connection with it, silently. */
  if (is_connected (self))
    {
      clear_timer (&self->probe_timer);
      self->probe_timer = deadline_new (self, PROBE_SECONDS, "[kabar] IMAP worker probe");
      noop_once (self);
    }
}

static void
apply_retry (KabarImapWorker *self)
{
  g_mutex_lock (&self->mutex);
  self->retry = FALSE;
  g_mutex_unlock (&self->mutex);
  if (self->error == NULL)
    return;
  g_clear_error (&self->error);
  g_clear_pointer (&self->problem, kabar_certificate_problem_unref);
  kabar_backoff_reset (self->backoff);
}

/* Found closed between commands: through the back-off all the same, or a
 * server that closes every new session would be asked again at once. */
static void
lose_closed_session (KabarImapWorker *self)
{
  g_autoptr(GError) error = g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED,
                                         "The connection of IMAP worker %s was closed", self->name);

  lose_session (self, error);
}

/* One thing at a time; FALSE once stopping. */
static gboolean
step (KabarImapWorker *self)
{
  Wake wakes = peek_wakes (self);
  Job *job;

  if (wakes & WAKE_STOP)
    return FALSE;
  if (wakes & WAKE_WATCH)
    apply_watch (self);
  if (wakes & WAKE_NETWORK)
    apply_network (self);
  if (wakes & WAKE_RETRY)
    apply_retry (self);
  if (self->offline)
    {
      set_status (self, KABAR_IMAP_WORKER_STATE_OFFLINE, NULL, NULL, 0);
      wait_for (self, G_MAXUINT, WAKE_STOP | WAKE_NETWORK);
    }
  else if (self->error != NULL)
    wait_for (self, G_MAXUINT, WAKE_STOP | WAKE_NETWORK | WAKE_RETRY | WAKE_WATCH);
  else if (self->session != NULL && !is_connected (self))
    lose_closed_session (self);
  else if (self->session == NULL)
    connect_once (self);
  else if ((job = next_job (self)) != NULL)
    run_job (self, job);
  else if (self->watch != NULL)
    watch_once (self);
  else
    keep_alive (self);
  return TRUE;
}

static void
log_out (KabarImapWorker *self)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  if (!is_connected (self))
    return;
  /* Not cancellable: the stop timer closes the session if the server
   * takes too long. */
  self->phase = PHASE_LOGOUT;
  kabar_imap_session_logout_async (self->session, NULL, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  kabar_imap_session_command_finish (self->session, result, NULL);
  self->phase = PHASE_NONE;
}

static gboolean
on_drain_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* A read still in flight when the session closed holds the connection,
 * and with it GnuTLS's state (a few MB), until its cancelled callback
 * runs on this context: run it until the connection is gone, within a
 * bound, or every stop would leak them with the popped context. */
static void
drop_session_and_drain (KabarImapWorker *self)
{
  GWeakRef connection;
  gint64 deadline = g_get_monotonic_time () + KABAR_IMAP_WORKER_STOP_SECONDS * G_USEC_PER_SEC;
  GSource *tick;

  if (self->session == NULL)
    return;
  g_weak_ref_init (&connection, kabar_imap_session_get_connection (self->session));
  drop_session (self);
  tick = g_timeout_source_new (10);
  g_source_set_callback (tick, on_drain_tick, NULL, NULL);
  g_source_attach (tick, self->context);
  while (g_get_monotonic_time () < deadline)
    {
      GObject *alive = g_weak_ref_get (&connection);

      if (alive == NULL)
        break;
      g_object_unref (alive);
      g_main_context_iteration (self->context, TRUE);
    }
  g_source_destroy (tick);
  g_source_unref (tick);
  g_weak_ref_clear (&connection);
}

static void
wind_down (KabarImapWorker *self)
{
  g_autoptr(GError) error = stopped_error (self);
  Watch *next_watch;

  react (self);
  log_out (self);
  drop_session_and_drain (self);
  clear_timer (&self->stop_timer);
  clear_timer (&self->flush_source);
  if (self->job != NULL)
    finish_job (self, g_error_copy (error));
  g_mutex_lock (&self->mutex);
  self->stopped = TRUE;
  next_watch = g_steal_pointer (&self->next_watch);
  g_mutex_unlock (&self->mutex);
  fail_queued (self, error);
  watch_free (next_watch);
  g_clear_pointer (&self->watch, watch_free);
  g_clear_pointer (&self->watched, kabar_imap_mailbox_state_unref);
  set_status (self, KABAR_IMAP_WORKER_STATE_STOPPED, NULL, NULL, 0);
}

static gpointer
worker_thread (gpointer data)
{
  KabarImapWorker *self = data;

  kabar_sync_thread_lower_priority ();
  g_main_context_push_thread_default (self->context);
  while (step (self))
    ;
  wind_down (self);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* --- object --------------------------------------------------------------- */

static void
kabar_imap_worker_dispose (GObject *object)
{
  KabarImapWorker *self = KABAR_IMAP_WORKER (object);

  kabar_imap_worker_stop (self);

  G_OBJECT_CLASS (kabar_imap_worker_parent_class)->dispose (object);
}

static void
kabar_imap_worker_finalize (GObject *object)
{
  KabarImapWorker *self = KABAR_IMAP_WORKER (object);

  if (self->connect_data_free != NULL)
    self->connect_data_free (self->connect_data);
  if (self->status_data_free != NULL)
    self->status_data_free (self->status_data);
  watch_free (self->next_watch);
  g_clear_pointer (&self->status, kabar_imap_worker_status_unref);
  g_clear_pointer (&self->backoff, kabar_backoff_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->problem, kabar_certificate_problem_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->mutex);
  g_free (self->name);

  G_OBJECT_CLASS (kabar_imap_worker_parent_class)->finalize (object);
}

static void
kabar_imap_worker_class_init (KabarImapWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_imap_worker_dispose;
  object_class->finalize = kabar_imap_worker_finalize;
}

static void
kabar_imap_worker_init (KabarImapWorker *self)
{
  g_mutex_init (&self->mutex);
  g_queue_init (&self->jobs);
  self->context = g_main_context_new ();
  self->status = status_new (KABAR_IMAP_WORKER_STATE_STOPPED, NULL, NULL, 0);
  self->network_available = TRUE;
}

KabarImapWorker *
kabar_imap_worker_new (const char           *name,
                       KabarImapConnectFunc  connect,
                       gpointer              connect_data,
                       GDestroyNotify        connect_data_free)
{
  KabarImapWorker *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (connect != NULL, NULL);

  self = g_object_new (KABAR_TYPE_IMAP_WORKER, NULL);
  self->name = g_strdup (name);
  self->connect = connect;
  self->connect_data = connect_data;
  self->connect_data_free = connect_data_free;
  return self;
}

void
kabar_imap_worker_set_status_func (KabarImapWorker     *self,
                                   KabarImapStatusFunc  func,
                                   gpointer             data,
                                   GDestroyNotify       data_free)
{
  g_return_if_fail (KABAR_IS_IMAP_WORKER (self));
  g_return_if_fail (!self->started);

  if (self->status_data_free != NULL)
    self->status_data_free (self->status_data);
  self->status_func = func;
  self->status_data = data;
  self->status_data_free = data_free;
}

void
kabar_imap_worker_set_backoff (KabarImapWorker *self,
                               KabarBackoff    *backoff)
{
  g_return_if_fail (KABAR_IS_IMAP_WORKER (self));
  g_return_if_fail (backoff != NULL);
  g_return_if_fail (!self->started);

  g_clear_pointer (&self->backoff, kabar_backoff_free);
  self->backoff = backoff;
}

void
kabar_imap_worker_start (KabarImapWorker *self)
{
  g_return_if_fail (KABAR_IS_IMAP_WORKER (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  if (self->backoff == NULL)
    self->backoff = kabar_backoff_new ();
  self->thread = g_thread_new (self->name, worker_thread, self);
}

void
kabar_imap_worker_watch (KabarImapWorker      *self,
                         const char           *mailbox,
                         guint                 poll_seconds,
                         KabarImapChangedFunc  changed,
                         gpointer              data,
                         GDestroyNotify        data_free)
{
  Watch *watch = NULL;
  Watch *unused = NULL;

  g_return_if_fail (KABAR_IS_IMAP_WORKER (self));
  g_return_if_fail (mailbox == NULL || changed != NULL);

  if (mailbox != NULL)
    {
      watch = g_new0 (Watch, 1);
      watch->mailbox = g_strdup (mailbox);
      /* A day at most: the interval becomes milliseconds in a guint. */
      watch->poll_seconds = poll_seconds > 0 ? MIN (poll_seconds, 24 * 60 * 60)
                                             : KABAR_IMAP_WORKER_DEFAULT_POLL_SECONDS;
      watch->changed = changed;
      watch->data = data;
      watch->data_free = data_free;
    }
  g_mutex_lock (&self->mutex);
  if (self->stopped)
    unused = watch;
  else
    {
      /* Never seen by the worker: no other thread can be using it. */
      unused = g_steal_pointer (&self->next_watch);
      self->next_watch = watch;
      self->watch_pending = TRUE;
    }
  g_mutex_unlock (&self->mutex);
  watch_free (unused);
  poke (self);
}

void
kabar_imap_worker_queue_async (KabarImapWorker     *self,
                               KabarImapJobFunc     func,
                               gpointer             data,
                               GDestroyNotify       data_free,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Job *job;
  gboolean stopped;

  g_return_if_fail (KABAR_IS_IMAP_WORKER (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  /* No source object: the task's last reference may go on the worker's
   * thread, and the worker's must not. */
  job->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, kabar_imap_worker_queue_async);
  g_task_set_task_data (job->task, self, NULL);
  /* What the job did is what the caller is told, cancelled or not. */
  g_task_set_check_cancellable (job->task, FALSE);
  g_mutex_lock (&self->mutex);
  stopped = self->stopped || self->stopping;
  if (!stopped)
    {
      if (cancellable != NULL)
        {
          job->cancel_source = g_cancellable_source_new (cancellable);
          g_source_set_callback (job->cancel_source, G_SOURCE_FUNC (on_job_cancelled), job, NULL);
          g_source_attach (job->cancel_source, self->context);
        }
      g_queue_push_tail (&self->jobs, job);
    }
  g_mutex_unlock (&self->mutex);
  if (stopped)
    {
      job_complete (job, stopped_error (self));
      return;
    }
  poke (self);
}

gboolean
kabar_imap_worker_queue_finish (KabarImapWorker  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kabar_imap_worker_queue_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
kabar_imap_worker_get_n_jobs (KabarImapWorker *self)
{
  guint n;

  g_return_val_if_fail (KABAR_IS_IMAP_WORKER (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->jobs.length + (self->running != NULL ? 1 : 0);
  g_mutex_unlock (&self->mutex);
  return n;
}

void
kabar_imap_worker_network_changed (KabarImapWorker *self,
                                   gboolean         available)
{
  g_return_if_fail (KABAR_IS_IMAP_WORKER (self));

  g_mutex_lock (&self->mutex);
  self->network_available = available;
  self->network_event = TRUE;
  g_mutex_unlock (&self->mutex);
  poke (self);
}

void
kabar_imap_worker_retry (KabarImapWorker *self)
{
  g_return_if_fail (KABAR_IS_IMAP_WORKER (self));

  g_mutex_lock (&self->mutex);
  self->retry = TRUE;
  g_mutex_unlock (&self->mutex);
  poke (self);
}

KabarImapWorkerStatus *
kabar_imap_worker_dup_status (KabarImapWorker *self)
{
  KabarImapWorkerStatus *status;

  g_return_val_if_fail (KABAR_IS_IMAP_WORKER (self), NULL);

  g_mutex_lock (&self->mutex);
  status = kabar_imap_worker_status_ref (self->status);
  g_mutex_unlock (&self->mutex);
  return status;
}

KabarImapWorkerState
kabar_imap_worker_get_state (KabarImapWorker *self)
{
  g_autoptr(KabarImapWorkerStatus) status = NULL;

  g_return_val_if_fail (KABAR_IS_IMAP_WORKER (self), KABAR_IMAP_WORKER_STATE_STOPPED);

  status = kabar_imap_worker_dup_status (self);
  return status->state;
}

const char *
kabar_imap_worker_get_name (KabarImapWorker *self)
{
  g_return_val_if_fail (KABAR_IS_IMAP_WORKER (self), NULL);

  return self->name;
}

void
kabar_imap_worker_request_stop (KabarImapWorker *self)
{
  g_return_if_fail (KABAR_IS_IMAP_WORKER (self));

  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  g_mutex_unlock (&self->mutex);
  poke (self);
}

/* A worker that never started: its jobs end here. */
static void
stop_unstarted (KabarImapWorker *self)
{
  g_autoptr(GError) error = stopped_error (self);

  self->started = TRUE;
  g_mutex_lock (&self->mutex);
  self->stopped = TRUE;
  g_mutex_unlock (&self->mutex);
  fail_queued (self, error);
}

void
kabar_imap_worker_stop (KabarImapWorker *self)
{
  g_return_if_fail (KABAR_IS_IMAP_WORKER (self));
  g_return_if_fail (self->thread == NULL || self->thread != g_thread_self ());

  kabar_imap_worker_request_stop (self);
  if (!self->started)
    {
      stop_unstarted (self);
      return;
    }
  if (self->thread == NULL)
    return;
  g_thread_join (g_steal_pointer (&self->thread));
}
