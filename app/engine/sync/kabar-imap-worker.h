/* kabar-imap-worker.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-backoff.h"
#include "kabar-imap-session.h"

G_BEGIN_DECLS

/* One long-lived IMAP connection of an account, on a thread of its own.
 *
 * Threads. The worker runs a GThread with its own GMainContext, pushed as
 * its thread-default: the session, every job, the connect function and
 * the worker's own timers live there, so no protocol or store work ever
 * runs on the UI thread. The owner (the thread that created the worker,
 * normally the UI's) calls the functions below; those marked "any thread"
 * may also be called from other threads, workers' included. Functions
 * given to the worker (connect, jobs, changed, status) are called on the
 * worker's thread: a caller that wants them on its own thread marshals
 * them there (g_main_context_invoke() on its context), and must not block
 * the worker waiting for the UI. Drop the last reference on the owner's
 * thread, never on the worker's (disposing stops and joins the thread).
 *
 * Connecting. The connect function makes an authenticated session (see
 * kabar_imap_connect_account(); the service's looks the secret up in the
 * keyring first). Network errors are retried after a back-off delay
 * (kabar-backoff.h), which starts over once a job succeeded, a session
 * lasted a minute or the network came back. Errors that no retry can fix stop the attempts: the
 * refusals of a sign-in (KABAR_IMAP_ERROR_AUTHENTICATION_FAILED,
 * _BASIC_AUTH_DISABLED, _AUTHENTICATION_UNAVAILABLE, _LOGIN_DISABLED, and
 * the OAuth2 errors of kabar_oauth2_error_needs_user()) and
 * an untrusted certificate (KABAR_NET_ERROR_CERTIFICATE): the worker is
 * then in ERROR until kabar_imap_worker_retry(), since a wrong password
 * tried again and again gets accounts locked (Outlook.com does).
 *
 * Jobs run one after the other, in the order queued, each with the
 * connected session. A job that fails because the connection was lost
 * (a KABAR_NET_ERROR, KABAR_IMAP_ERROR_BYE, or any error once the session
 * is closed) is run again on the next connection, so jobs must be
 * repeatable; after KABAR_IMAP_WORKER_MAX_JOB_LOSSES such losses it fails
 * with the last error, so one job that makes the server hang up cannot
 * hold the queue for ever. Any other error ends the job: it failed. A
 * G_IO_ERROR the job met while the session stays open (a body it streams
 * to a full disk) is its own failure, not the connection's: another
 * connection would not help.
 *
 * Queued jobs wait while the worker connects, backs off, is offline or in
 * ERROR, and run once it is connected again, as the requester would
 * otherwise have to queue them again: a job ends only by running (to
 * success or failure), by its cancellable, or when the worker stops. The
 * status tells the requester why they wait.
 *
 * Watching. With kabar_imap_worker_watch(), whenever no job is queued the
 * worker opens the mailbox (EXAMINE) and IDLEs (refreshed before 29
 * minutes by the session); without IDLE it sends NOOP every poll interval.
 * What the server reports for the mailbox (EXISTS, EXPUNGE, VANISHED,
 * FETCH) calls the changed function once per burst: within about 100 ms
 * while idle, after the NOOP when polling, and when the watch resumes for
 * what came while a job had the mailbox selected (a job's own changes may
 * be reported too: a sync that finds nothing new is cheap). A job queued
 * meanwhile ends the IDLE (DONE) and runs; then the worker
 * watches again. Reopening the mailbox after a job elsewhere or a
 * reconnection reports a change when its UIDVALIDITY, UIDNEXT, message
 * count or HIGHESTMODSEQ differ from what it saw last; the first opening
 * reports nothing (the caller syncs at start anyway).
 *
 * Without a watch, a worker with nothing to do stays connected and sends
 * NOOP every KABAR_IMAP_WORKER_KEEPALIVE_SECONDS, since servers and NAT
 * routers drop connections that stay silent.
 *
 * Statuses say what the worker does, for a status line; see
 * KabarImapWorkerState. */

/* Servers drop silent connections after 30 minutes (RFC 3501's minimum),
 * home and mobile NATs often after 5. */
#define KABAR_IMAP_WORKER_KEEPALIVE_SECONDS    (4 * 60)
/* NOOP polling, for a watch without IDLE, unless the watch says. */
#define KABAR_IMAP_WORKER_DEFAULT_POLL_SECONDS 60
#define KABAR_IMAP_WORKER_MAX_JOB_LOSSES       5
/* What stop() grants the running job and LOGOUT before it closes. */
#define KABAR_IMAP_WORKER_STOP_SECONDS         2

typedef enum
{
  KABAR_IMAP_WORKER_STATE_STOPPED,     /* not started yet, or stopped */
  KABAR_IMAP_WORKER_STATE_CONNECTING,  /* the connect function runs */
  KABAR_IMAP_WORKER_STATE_READY,       /* connected: running jobs, or waiting for one */
  KABAR_IMAP_WORKER_STATE_IDLE,        /* connected and watching (IDLE, or NOOP polling) */
  KABAR_IMAP_WORKER_STATE_BACKING_OFF, /* waiting to connect again after a failure */
  KABAR_IMAP_WORKER_STATE_OFFLINE,     /* told the network is gone: no attempts */
  KABAR_IMAP_WORKER_STATE_ERROR,       /* refused for good: waits for retry() */
} KabarImapWorkerState;

#define KABAR_TYPE_IMAP_WORKER_STATE (kabar_imap_worker_state_get_type ())
GType kabar_imap_worker_state_get_type (void) G_GNUC_CONST;

/* What a worker is doing, as of one moment. Immutable and reference
 * counted (atomically): safe to hand to another thread. */
typedef struct _KabarImapWorkerStatus KabarImapWorkerStatus;

#define KABAR_TYPE_IMAP_WORKER_STATUS (kabar_imap_worker_status_get_type ())
GType                    kabar_imap_worker_status_get_type                (void) G_GNUC_CONST;

KabarImapWorkerStatus   *kabar_imap_worker_status_ref                     (KabarImapWorkerStatus *self);
void                     kabar_imap_worker_status_unref                   (KabarImapWorkerStatus *self);
KabarImapWorkerState     kabar_imap_worker_status_get_state               (KabarImapWorkerStatus *self);
/* ERROR: why. BACKING_OFF: the failure that is being waited out. Else
 * NULL. */
const GError            *kabar_imap_worker_status_get_error               (KabarImapWorkerStatus *self);
/* ERROR with KABAR_NET_ERROR_CERTIFICATE: the certificate, for the UI to
 * show and the user to trust. Else NULL. */
KabarCertificateProblem *kabar_imap_worker_status_get_certificate_problem (KabarImapWorkerStatus *self);
/* BACKING_OFF: when the next attempt starts (g_get_monotonic_time() µs)
 * and the delay drawn (ms). Else 0. */
gint64                   kabar_imap_worker_status_get_next_attempt        (KabarImapWorkerStatus *self);
guint                    kabar_imap_worker_status_get_delay               (KabarImapWorkerStatus *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarImapWorkerStatus, kabar_imap_worker_status_unref)

/* Returns an authenticated session (transfer full) or NULL with an error
 * (and *problem for a certificate error). Sequential style (see
 * kabar-sync-wait.h); must return soon once cancellable is cancelled. */
typedef KabarImapSession *(*KabarImapConnectFunc) (gpointer                  data,
                                                   GCancellable             *cancellable,
                                                   KabarCertificateProblem **problem,
                                                   GError                  **error);

/* One piece of work on the server, sequential style. Returns TRUE when
 * done, else FALSE with error. It must be repeatable (see above), must
 * honour cancellable promptly (the worker's stop waits for it), and must
 * leave the session usable for the next job: it may select any mailbox,
 * but may not log out or close it. */
typedef gboolean (*KabarImapJobFunc) (KabarImapSession *session,
                                      gpointer          data,
                                      GCancellable     *cancellable,
                                      GError          **error);

/* The watched mailbox (UTF-8) may have changed on the server: sync it. */
typedef void (*KabarImapChangedFunc) (const char *mailbox,
                                      gpointer    data);

/* The status has changed (ERROR and BACKING_OFF: or the same state with
 * news). The status is borrowed: ref it to keep it. */
typedef void (*KabarImapStatusFunc) (KabarImapWorkerStatus *status,
                                     gpointer               data);

#define KABAR_TYPE_IMAP_WORKER (kabar_imap_worker_get_type ())
G_DECLARE_FINAL_TYPE (KabarImapWorker, kabar_imap_worker, KABAR, IMAP_WORKER, GObject)

/* name names the thread and the worker in the log. connect_data is freed
 * with connect_data_free when the worker is finalized, on the owner's
 * thread. Nothing runs until kabar_imap_worker_start(). */
KabarImapWorker       *kabar_imap_worker_new             (const char           *name,
                                                          KabarImapConnectFunc  connect,
                                                          gpointer              connect_data,
                                                          GDestroyNotify        connect_data_free);
/* Owner, before start: where statuses go (each on the worker's thread, in
 * order; STOPPED is the last). data is freed when the worker is. */
void                   kabar_imap_worker_set_status_func (KabarImapWorker      *self,
                                                          KabarImapStatusFunc   func,
                                                          gpointer              data,
                                                          GDestroyNotify        data_free);
/* Owner, before start: the delays between connection attempts (transfer
 * full); the default is kabar_backoff_new(). */
void                   kabar_imap_worker_set_backoff     (KabarImapWorker      *self,
                                                          KabarBackoff         *backoff);
/* Owner: starts the thread, which connects at once. Once only: a stopped
 * worker stays stopped. */
void                   kabar_imap_worker_start           (KabarImapWorker      *self);

/* Any thread: watch mailbox (UTF-8; NULL stops watching) as described
 * above, polling every poll_seconds (0: the default) without IDLE; changed
 * gets data. Replaces the watch before it; the old data is freed on the
 * worker's thread once nothing uses it. */
void                   kabar_imap_worker_watch           (KabarImapWorker      *self,
                                                          const char           *mailbox,
                                                          guint                 poll_seconds,
                                                          KabarImapChangedFunc  changed,
                                                          gpointer              data,
                                                          GDestroyNotify        data_free);

/* Any thread: queues func. data is freed with data_free on the worker's
 * thread once the job is over (on the calling thread for a worker that
 * is stopped). callback (may be NULL) runs on the thread-default main
 * context of the calling thread and gets the job's outcome from
 * kabar_imap_worker_queue_finish(): the requester learns it where it
 * lives, as with any GIO call; a job that wants to act on the worker's
 * thread when done does so itself, at its end. The callback's source
 * object is NULL: the result must not hold the worker, whose last
 * reference would otherwise risk going on its own thread.
 *
 * Cancelling cancellable takes a queued job out of the queue, and cancels
 * the one running (it gets the cancellable it runs with cancelled). A job
 * that completed before the cancellation reached it reports what it did.
 * A job still queued when the worker stops fails with
 * G_IO_ERROR_CANCELLED. */
void                   kabar_imap_worker_queue_async     (KabarImapWorker      *self,
                                                          KabarImapJobFunc      func,
                                                          gpointer              data,
                                                          GDestroyNotify        data_free,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean               kabar_imap_worker_queue_finish    (KabarImapWorker      *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
/* Any thread: jobs queued or running. */
guint                  kabar_imap_worker_get_n_jobs      (KabarImapWorker      *self);

/* Any thread: what GNetworkMonitor says. Unavailable: the connection is
 * dropped (a job running is cut, and runs again later) and no attempt is
 * made until the network is back (OFFLINE). Available: the back-off starts
 * over and a worker that is not connected connects at once; a connected
 * one checks its connection, which a change of network may have killed
 * silently. */
void                   kabar_imap_worker_network_changed (KabarImapWorker      *self,
                                                          gboolean              available);
/* Any thread: leaves ERROR and connects again (after the user fixed the
 * password or trusted the certificate); while backing off, connects now. */
void                   kabar_imap_worker_retry           (KabarImapWorker      *self);

/* Any thread (transfer full). */
KabarImapWorkerStatus *kabar_imap_worker_dup_status      (KabarImapWorker      *self);
KabarImapWorkerState   kabar_imap_worker_get_state       (KabarImapWorker      *self);
const char            *kabar_imap_worker_get_name        (KabarImapWorker      *self);

/* Any thread but the worker's: begins stopping and returns (the pool stops
 * its workers in parallel this way): the running job is cancelled, and
 * the worker logs out and closes the connection within
 * KABAR_IMAP_WORKER_STOP_SECONDS. */
void                   kabar_imap_worker_request_stop    (KabarImapWorker      *self);
/* Owner: request_stop() and waits for the thread to end. No callback of
 * the worker runs after it returns (but the completions of jobs may still
 * be waiting in the callers' main contexts). Safe to call twice; disposing
 * calls it. */
void                   kabar_imap_worker_stop            (KabarImapWorker      *self);

G_END_DECLS
