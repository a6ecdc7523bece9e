/* kabar-mail-service-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

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

/* kabar-mail-service-pop.c: a POP account's checks (NULL for IMAP). */
typedef struct _KabarMailServicePop KabarMailServicePop;
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
void kabar_mail_service_pop_stop             (KabarMailService *self);
void kabar_mail_service_pop_check            (KabarMailService *self);
void kabar_mail_service_pop_retry            (KabarMailService *self);
void kabar_mail_service_pop_network_changed  (KabarMailService *self,
                                              gboolean          available);
void kabar_mail_service_pop_complete_changes (KabarMailService *self);
KabarMailServiceStatus kabar_mail_service_pop_get_status (KabarMailService         *self,
                                                          const GError            **error,
                                                          KabarCertificateProblem **problem);
void kabar_mail_service_pop_free             (KabarMailServicePop *pop);

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
