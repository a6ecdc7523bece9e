/* kabar-mail-service-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-backoff.h"
#include "kabar-graph-client.h"
#include "kabar-imap-pool.h"
#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* What the service's jobs share with it across threads. The jobs outlive
 * neither the pool nor this, but may outlive the service's last reference
 * by a moment: they reach the service by a weak reference, on its own
 * thread only. */
typedef struct
{
  gatomicrefcount  ref_count;
  KabarAccount    *account;
  /* Set before the pool starts, then never changed. */
  KabarStore      *store;
  GMainContext    *owner;
  GWeakRef         service;
} KabarMailServiceShared;

KabarMailServiceShared *kabar_mail_service_shared_ref    (KabarMailServiceShared *shared);
void                    kabar_mail_service_shared_unref  (KabarMailServiceShared *shared);

typedef void (*KabarMailServiceFunc) (KabarMailService *self,
                                      gpointer          data);

/* Any thread: runs func on the service's thread, if the service still
 * exists then; data is freed with data_free there in any case. */
void                    kabar_mail_service_shared_invoke (KabarMailServiceShared *shared,
                                                          KabarMailServiceFunc    func,
                                                          gpointer                data,
                                                          GDestroyNotify          data_free);
/* Any thread, from a sync's progress: the service tells of it (progress,
 * the folder changed) on its thread. */
void                    kabar_mail_service_shared_progress (KabarMailServiceShared *shared,
                                                            gint64                  folder_id,
                                                            guint                   done,
                                                            guint                   total);

/* kabar-mail-service-checker.c: the checks of a service without a pool
 * (POP, Graph), one at a time on a thread of their own. check starts one
 * (the poll, the network back, a retry call it); needs_user tells a
 * failure only the user can fix (ERROR, no retry) from one tried again
 * after a pause (OFFLINE), beyond the sign-in, certificate and store
 * failures the checker knows for every service. On the service's thread
 * only. */
typedef void     (*KabarMailServiceCheckFunc)     (KabarMailService *self);
typedef gboolean (*KabarMailServiceNeedsUserFunc) (const GError     *error);
typedef struct
{
  KabarMailService              *service;  /* not a reference: it owns this */
  KabarMailServiceCheckFunc      check;
  KabarMailServiceNeedsUserFunc  needs_user;
  /* Counts starts and stops: a check of an earlier run reports nothing. */
  guint                          run;
  gboolean                       running;
  /* Another check was asked for while one ran. */
  gboolean                       again;
  gboolean                       network_available;
  /* A check ran to its end in this run: new mail after it is news. */
  gboolean                       checked;
  KabarMailServiceStatus         status;
  GError                        *error;
  KabarCertificateProblem       *problem;
  KabarBackoff                  *backoff;
  guint                          retry_source;
} KabarMailServiceChecker;

/* Owned by the service (self->checker), freed in its finalize. */
KabarMailServiceChecker *kabar_mail_service_checker_new (KabarMailService              *self,
                                                         KabarMailServiceCheckFunc      check,
                                                         KabarMailServiceNeedsUserFunc  needs_user);
void     kabar_mail_service_checker_free       (KabarMailServiceChecker  *checker);
KabarMailServiceStatus kabar_mail_service_checker_get_status (KabarMailServiceChecker  *checker,
                                                              const GError            **error,
                                                              KabarCertificateProblem **problem);
void     kabar_mail_service_checker_set_state  (KabarMailServiceChecker  *checker,
                                                KabarMailServiceStatus    status,
                                                const GError             *error,
                                                KabarCertificateProblem  *problem);
/* A new run: watches the network and arms the poll, status CONNECTING.
 * Starts no check. */
void     kabar_mail_service_checker_start      (KabarMailServiceChecker  *checker);
void     kabar_mail_service_checker_stop       (KabarMailServiceChecker  *checker);
/* A check now, or once the running one ends (the refresh). */
void     kabar_mail_service_checker_check      (KabarMailServiceChecker  *checker);
/* The user's retry: the pause starts over, and a check now. */
void     kabar_mail_service_checker_retry      (KabarMailServiceChecker  *checker);
void     kabar_mail_service_checker_network_changed (KabarMailServiceChecker *checker,
                                                     gboolean                 available);
/* TRUE: the caller starts its check now (it is running). FALSE: none can
 * run, or one runs (then another follows it: again). */
gboolean kabar_mail_service_checker_begin      (KabarMailServiceChecker  *checker);
/* A check of run ended: FALSE when of an earlier run (it reports nothing). */
gboolean kabar_mail_service_checker_end        (KabarMailServiceChecker  *checker,
                                                guint                     run);
/* Its outcome (error NULL: it went through) as the status; TRUE when it
 * went through. */
gboolean kabar_mail_service_checker_report     (KabarMailServiceChecker  *checker,
                                                const GError             *error,
                                                KabarCertificateProblem  *problem);
/* Whether another check was asked for meanwhile; clears it. */
gboolean kabar_mail_service_checker_take_again (KabarMailServiceChecker  *checker);

/* The first member of a service's own check: what its thread reads and
 * its end needs. */
typedef struct
{
  KabarMailServiceShared  *shared;
  /* The checker's run it belongs to. */
  guint                    run;
  /* A check ran to its end before it in this run: new mail is news. */
  gboolean                 announce;
  /* Set on the check's thread. */
  KabarCertificateProblem *problem;
} KabarMailServiceCheck;

/* After begin() said TRUE: fills check's head and runs func on a thread
 * of its own with the service's cancellable, check as task data (freed
 * with check_free); callback gets the task on the service's thread. */
void     kabar_mail_service_checker_run        (KabarMailServiceChecker  *checker,
                                                KabarMailServiceCheck    *check,
                                                GDestroyNotify            check_free,
                                                GTaskThreadFunc           func,
                                                GAsyncReadyCallback       callback);
/* Frees what the head holds (a check_free's part). */
void     kabar_mail_service_check_clear        (KabarMailServiceCheck    *check);

/* kabar-mail-service-pop.c: a POP account's state beside its checker (NULL otherwise). */
typedef struct _KabarMailServicePop KabarMailServicePop;
/* kabar-mail-service-graph.c: a Graph account's state beside its checker (NULL otherwise). */
typedef struct _KabarMailServiceGraph KabarMailServiceGraph;
/* kabar-mail-service-sending.c: the outbox, while started. */
typedef struct _KabarMailServiceSending KabarMailServiceSending;
/* kabar-mail-service-undo.c: the changes that can be undone. */
typedef struct _KabarMailServiceUndo KabarMailServiceUndo;

struct _KabarMailService
{
  GObject                  parent_instance;

  KabarAccount            *account;
  char                    *store_path;
  guint                    connections;
  guint                    poll_interval;
  /* Seconds a message queued by send_async() waits (kabar-mail-service-sending.c). */
  guint                    send_delay;

  KabarMailServiceShared  *shared;
  KabarStore              *store;
  KabarImapPool           *pool;
  GCancellable            *cancellable;
  gboolean                 started;

  KabarMailServiceStatus   status;
  GError                  *error;
  KabarCertificateProblem *certificate_problem;
  KabarImapWorkerStatus   *pool_status;

  /* Scheduling, on the service's thread. Folder id -> FolderSyncEntry. */
  GHashTable              *folder_syncs;
  /* Folder path -> id, from the last folder list sync, for the watch. */
  GHashTable              *folder_ids;
  guint                    jobs_running;
  gboolean                 list_sync_running;
  gboolean                 list_sync_again;
  gboolean                 replay_running;
  gboolean                 replay_again;
  /* A job failed (offline, refused sign-in): sync everything once the
   * connections work again. */
  gboolean                 resync_when_online;
  /* Folders with changes being replayed: synced after the replay. */
  GHashTable              *changed_folders;
  guint                    poll_source;
  /* What the poll runs (IMAP's or POP's), to re-arm it at a new interval. */
  GSourceFunc              poll_func;
  GNetworkMonitor         *network_monitor;
  gulong                   network_handler;
  /* Folders whose recent mail waits for its bodies, in turn, and whether
   * a prefetch job is out (kabar-mail-service-bodies.c). */
  GQueue                   prefetch_queue;
  gboolean                 prefetch_running;
  KabarMailServicePop     *pop;
  KabarMailServiceGraph   *graph;
  /* POP's or Graph's checks, made with self->pop or self->graph (NULL for IMAP). */
  KabarMailServiceChecker *checker;
  KabarMailServiceSending *sending;
  KabarMailServiceUndo    *undo;
};

/* kabar-mail-service-jobs.c: the work on the pool. */
void kabar_mail_service_schedule_list_sync   (KabarMailService *self);
void kabar_mail_service_schedule_folder_sync (KabarMailService *self,
                                              gint64            folder_id);
void kabar_mail_service_schedule_replay      (KabarMailService *self);
void kabar_mail_service_watch_inbox          (KabarMailService *self);
KabarImapSession *kabar_mail_service_connect (gpointer                  data,
                                              GCancellable             *cancellable,
                                              KabarCertificateProblem **problem,
                                              GError                  **error);

/* kabar-mail-service-bodies.c: bodies ahead of time. A folder synced is
 * queued; the queue runs, a job at a time, once no other job is out. */
void kabar_mail_service_queue_prefetch       (KabarMailService *self,
                                              gint64            folder_id);
void kabar_mail_service_run_prefetch         (KabarMailService *self);
void kabar_mail_service_clear_prefetch       (KabarMailService *self);

/* kabar-mail-service-pop.c: in place of the pool for a POP account. */
void kabar_mail_service_pop_start            (KabarMailService *self);
void kabar_mail_service_pop_complete_changes (KabarMailService *self);

/* kabar-mail-service-graph.c: in place of the pool for a Graph account.
 * Its checker's check is a full one. fetch_body returns the body (GBytes)
 * through task. */
void kabar_mail_service_graph_start          (KabarMailService *self);
/* After the user's changes: the replay, the folder tree and the folders
 * changed (changed_folders). */
void kabar_mail_service_graph_replay         (KabarMailService *self);
void kabar_mail_service_graph_fetch_body     (KabarMailService *self,
                                              gint64            message_id,
                                              GTask            *task);
/* Work on a thread of its own with a Graph client of its own, beside the
 * checks (the bodies ahead of time); cancelled when the service stops. */
typedef gboolean (*KabarMailServiceGraphFunc) (KabarGraphClient  *client,
                                               gpointer           data,
                                               GCancellable      *cancellable,
                                               GError           **error);
void kabar_mail_service_graph_queue_async    (KabarMailService          *self,
                                              KabarMailServiceGraphFunc  func,
                                              gpointer                   data,
                                              GDestroyNotify             data_free,
                                              GAsyncReadyCallback        callback,
                                              gpointer                   user_data);
gboolean kabar_mail_service_graph_queue_finish (KabarMailService  *self,
                                                GAsyncResult      *result,
                                                GError           **error);
/* A check runs, or none can: bodies ahead of time wait. */
gboolean kabar_mail_service_graph_is_busy    (KabarMailService *self);

/* kabar-mail-service-sending.c: the outbox runs from start to stop. */
void kabar_mail_service_sending_class_init   (GObjectClass     *klass);
void kabar_mail_service_sending_start        (KabarMailService *self);
void kabar_mail_service_sending_stop         (KabarMailService *self);
void kabar_mail_service_sending_network_changed (KabarMailService *self,
                                                 gboolean          available);
void kabar_mail_service_sending_retry        (KabarMailService *self);
/* A refused sign-in to the outgoing server makes the status ERROR. */
void kabar_mail_service_sending_apply_status (KabarMailService       *self,
                                              KabarMailServiceStatus *status);

/* kabar-mail-service-organizer.c: "organizer-changed" (parts: KabarOrganizerParts). */
void kabar_mail_service_organizer_class_init (GObjectClass     *klass);
void kabar_mail_service_emit_organizer_changed (KabarMailService    *self,
                                                KabarOrganizerParts  parts);

/* kabar-mail-service-changes.c: a change is in the store; tell the UI
 * and take it to the server. */
void kabar_mail_service_change_applied       (KabarMailService *self,
                                              KabarPendingKind  kind,
                                              gint64            folder_id,
                                              gint64            to_folder_id);

/* kabar-mail-service-undo.c. Remembers a change the store made (messages,
 * KabarChangedMessage elements, is taken) and returns its id for undo. */
guint64 kabar_mail_service_undo_remember     (KabarMailService  *self,
                                              KabarPendingKind   kind,
                                              gint64             folder_id,
                                              gint64             to_folder_id,
                                              KabarMessageFlags  touched,
                                              gint64             operation_id,
                                              GArray            *messages);
/* Undos waiting for the replay end: the service stops. */
void kabar_mail_service_undo_stop            (KabarMailService *self);
void kabar_mail_service_undo_free            (KabarMailServiceUndo *undo);

/* kabar-mail-service.c */
/* Runs func every poll_interval from now on, in place of any earlier poll. */
void kabar_mail_service_arm_poll             (KabarMailService *self,
                                              GSourceFunc       func);
void kabar_mail_service_update_status        (KabarMailService *self);
void kabar_mail_service_emit_folder_changed  (KabarMailService *self,
                                              gint64            folder_id);
void kabar_mail_service_emit_folders_changed (KabarMailService *self);
void kabar_mail_service_emit_progress        (KabarMailService *self,
                                              gint64            folder_id,
                                              guint             done,
                                              guint             total);
void kabar_mail_service_emit_change_refused  (KabarMailService *self,
                                              guint             kind,
                                              gint64            folder_id,
                                              const GError     *error);
void kabar_mail_service_emit_new_mail        (KabarMailService *self,
                                              gint64            folder_id,
                                              GArray           *message_ids);

G_END_DECLS
