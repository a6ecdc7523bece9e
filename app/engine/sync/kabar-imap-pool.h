/* kabar-imap-pool.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-imap-worker.h"

G_BEGIN_DECLS

/* The long-lived IMAP connections of one account: a few workers
 * (kabar-imap-worker.h), each a connection on a thread of its own.
 * Worker 0 watches the mailbox given to kabar_imap_pool_watch() (INBOX:
 * new mail within a second or two); the others take the jobs, each to the
 * one with the fewest jobs that is connected or connecting. A pool of one
 * does both with its single worker.
 *
 * Threads as for the worker: the owner creates, starts and stops the
 * pool; the functions marked "any thread" may be called from anywhere.
 * Connect, job, changed and status functions run on the workers' threads;
 * the connect function on several at once, so it must be thread-safe.
 *
 * The pool's status is one of its workers' statuses, as a status line
 * wants it: ERROR when any worker is in ERROR (the user must act: a
 * password or a certificate, the same for every connection); otherwise
 * the best of them, in the order IDLE (new mail is watched for), READY,
 * CONNECTING, BACKING_OFF (the one that tries again soonest), OFFLINE,
 * STOPPED. */

/* Outlook.com draws "User is authenticated but not connected" above about
 * 5 connections per account. */
#define KABAR_IMAP_POOL_DEFAULT_SIZE 3

#define KABAR_TYPE_IMAP_POOL (kabar_imap_pool_get_type ())
G_DECLARE_FINAL_TYPE (KabarImapPool, kabar_imap_pool, KABAR, IMAP_POOL, GObject)

/* size workers (0: the default), named "<name>-0"...; connect_data is
 * freed once all of them are. Nothing runs until start. */
KabarImapPool         *kabar_imap_pool_new               (const char           *name,
                                                          guint                 size,
                                                          KabarImapConnectFunc  connect,
                                                          gpointer              connect_data,
                                                          GDestroyNotify        connect_data_free);
/* Owner, before start: where the pool's status goes whenever it changes,
 * on the thread of the worker whose change made it (one call at a time).
 * It may call the pool's "any thread" functions; never stop from it. */
void                   kabar_imap_pool_set_status_func   (KabarImapPool        *self,
                                                          KabarImapStatusFunc   func,
                                                          gpointer              data,
                                                          GDestroyNotify        data_free);
/* Owner, before start: the workers' back-off limits (kabar-backoff.h). */
void                   kabar_imap_pool_set_backoff       (KabarImapPool        *self,
                                                          guint                 initial_ms,
                                                          guint                 max_ms);
void                   kabar_imap_pool_start             (KabarImapPool        *self);

/* Any thread: kabar_imap_worker_watch() of worker 0. */
void                   kabar_imap_pool_watch             (KabarImapPool        *self,
                                                          const char           *mailbox,
                                                          guint                 poll_seconds,
                                                          KabarImapChangedFunc  changed,
                                                          gpointer              data,
                                                          GDestroyNotify        data_free);
/* Any thread: kabar_imap_worker_queue_async() to the worker chosen as
 * above. */
void                   kabar_imap_pool_queue_async       (KabarImapPool        *self,
                                                          KabarImapJobFunc      func,
                                                          gpointer              data,
                                                          GDestroyNotify        data_free,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean               kabar_imap_pool_queue_finish      (KabarImapPool        *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

/* Any thread: to every worker. */
void                   kabar_imap_pool_network_changed   (KabarImapPool        *self,
                                                          gboolean              available);
void                   kabar_imap_pool_retry             (KabarImapPool        *self);

/* Any thread (transfer full). */
KabarImapWorkerStatus *kabar_imap_pool_dup_status        (KabarImapPool        *self);
guint                  kabar_imap_pool_get_size          (KabarImapPool        *self);
/* Any thread (transfer none; lives as long as the pool). */
KabarImapWorker       *kabar_imap_pool_get_worker        (KabarImapPool        *self,
                                                          guint                 index);

/* Owner: stops every worker, all at once, and waits for them. Safe to
 * call twice; disposing calls it. */
void                   kabar_imap_pool_stop              (KabarImapPool        *self);

G_END_DECLS
