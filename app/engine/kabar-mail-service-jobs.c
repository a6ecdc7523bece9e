/* kabar-mail-service-jobs.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The service's work on its connections, and when to do it: the folder
 * list, each folder, and the replay of the user's changes. Scheduling
 * lives on the service's thread; the jobs run on the pool's workers and
 * report back through KabarMailServiceShared.
 */

#include "config.h"

#include "kabar-imap-connect.h"
#include "kabar-imap-error.h"
#include "kabar-imap-folder-list.h"
#include "kabar-imap-folder-sync.h"
#include "kabar-imap-replay.h"
#include "kabar-mail-service-private.h"
#include "kabar-oauth2.h"
#include "kabar-secrets.h"
#include "kabar-sync-wait.h"

/* --- connecting (on a worker) -------------------------------------------------- */

static char *
lookup_secret (KabarAccount  *account,
               GCancellable  *cancellable,
               GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GError *lookup_error = NULL;
  char *secret;

  kabar_secrets_lookup_async (kabar_account_get_id (account), KABAR_SECRET_IMAP, cancellable,
                              kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  secret = kabar_secrets_lookup_finish (result, &lookup_error);
  if (lookup_error != NULL)
    {
      g_propagate_prefixed_error (error, lookup_error, "Could not read the password of %s from the keyring: ",
                                  kabar_account_get_address (account));
      return NULL;
    }
  if (secret == NULL)
    /* A sign-in failure: retrying cannot help until the user gives one. */
    g_set_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED,
                 "The keyring holds no password for %s", kabar_account_get_address (account));
  return secret;
}

/* A token the server refuses may have been revoked or cut short before
 * its time: a fresh one is tried once before the sign-in counts as
 * refused. */
static KabarImapSession *
connect_with_token (KabarAccount             *account,
                    GCancellable             *cancellable,
                    KabarCertificateProblem **problem,
                    GError                  **error)
{
  for (guint attempt = 0;; attempt++)
    {
      GError *connect_error = NULL;
      KabarImapSession *session;
      char *token = kabar_oauth2_wait_for_access_token (account, cancellable, error);

      if (token == NULL)
        return NULL;
      session = kabar_imap_connect_account (account, token, cancellable, problem, &connect_error);
      kabar_secrets_free (token);
      if (session != NULL)
        return session;
      if (attempt > 0 ||
          !g_error_matches (connect_error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED))
        {
          g_propagate_error (error, connect_error);
          return NULL;
        }
      g_error_free (connect_error);
      kabar_oauth2_forget_access_token (account);
    }
}

KabarImapSession *
kabar_mail_service_connect (gpointer                  data,
                            GCancellable             *cancellable,
                            KabarCertificateProblem **problem,
                            GError                  **error)
{
  KabarMailServiceShared *shared = data;
  KabarImapSession *session;
  char *secret;

  if (kabar_account_get_auth_method (shared->account) == KABAR_AUTH_OAUTH2)
    return connect_with_token (shared->account, cancellable, problem, error);
  secret = lookup_secret (shared->account, cancellable, error);
  if (secret == NULL)
    return NULL;
  session = kabar_imap_connect_account (shared->account, secret, cancellable, problem, error);
  kabar_secrets_free (secret);
  return session;
}

/* --- jobs ---------------------------------------------------------------------------- */

typedef enum
{
  JOB_FOLDER_LIST,
  JOB_FOLDER,
  JOB_REPLAY,
} JobKind;

/* Shared by the job on its worker and its completion on the service's
 * thread: the worker fills the results, the completion reads them. */
typedef struct
{
  gatomicrefcount         ref_count;
  KabarMailServiceShared *shared;
  JobKind                 kind;
  gint64                  folder_id;
  /* Results. */
  gboolean                folders_changed;
  /* Selectable folders, INBOX first (gint64), and every path -> id. */
  GArray                  *folder_ids;
  GHashTable              *paths;
  KabarImapSyncResult      sync_result;
  /* New mail of a folder's sync, over its attempts (gint64). */
  GArray                  *new_mail;
} Job;

static Job *
job_new (KabarMailService *self,
         JobKind           kind,
         gint64            folder_id)
{
  Job *job = g_new0 (Job, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->shared = kabar_mail_service_shared_ref (self->shared);
  job->kind = kind;
  job->folder_id = folder_id;
  return job;
}

static Job *
job_ref (Job *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
job_unref (Job *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  g_clear_pointer (&job->folder_ids, g_array_unref);
  g_clear_pointer (&job->paths, g_hash_table_unref);
  g_clear_pointer (&job->new_mail, g_array_unref);
  kabar_mail_service_shared_unref (job->shared);
  g_free (job);
}

/* INBOX first, then the folders people look at most. */
static int
role_rank (KabarFolderRole role)
{
  switch (role)
    {
    case KABAR_FOLDER_ROLE_INBOX:   return 0;
    case KABAR_FOLDER_ROLE_SENT:    return 1;
    case KABAR_FOLDER_ROLE_DRAFTS:  return 2;
    case KABAR_FOLDER_ROLE_NONE:    return 3;
    case KABAR_FOLDER_ROLE_ARCHIVE: return 4;
    case KABAR_FOLDER_ROLE_ALL:
    case KABAR_FOLDER_ROLE_FLAGGED:
    case KABAR_FOLDER_ROLE_JUNK:
    case KABAR_FOLDER_ROLE_TRASH:
    default:                        return 5;
    }
}

static int
compare_folders (gconstpointer a,
                 gconstpointer b)
{
  const KabarStoreFolder *x = *(KabarStoreFolder * const *) a;
  const KabarStoreFolder *y = *(KabarStoreFolder * const *) b;
  int rank = role_rank (x->role) - role_rank (y->role);

  return rank != 0 ? rank : g_strcmp0 (x->path, y->path);
}

static gboolean
collect_folders (Job     *job,
                 GError **error)
{
  g_autoptr(GPtrArray) folders = kabar_store_list_folders (job->shared->store, error);

  if (folders == NULL)
    return FALSE;
  g_ptr_array_sort (folders, compare_folders);
  job->folder_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  job->paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      g_hash_table_insert (job->paths, g_strdup (folder->path), g_memdup2 (&folder->id, sizeof (gint64)));
      if (kabar_imap_folder_is_selectable (folder))
        g_array_append_val (job->folder_ids, folder->id);
    }
  return TRUE;
}

static gboolean
run_folder_list (KabarImapSession  *session,
                 gpointer           data,
                 GCancellable      *cancellable,
                 GError           **error)
{
  Job *job = data;
  gboolean changed = FALSE;

  g_clear_pointer (&job->folder_ids, g_array_unref);
  g_clear_pointer (&job->paths, g_hash_table_unref);
  if (!kabar_imap_sync_folder_list (session, job->shared->store, &changed, cancellable, error))
    {
      job->folders_changed |= changed;
      return FALSE;
    }
  job->folders_changed |= changed;
  return collect_folders (job, error);
}

/* On the sync's store thread. */
static void
on_sync_progress (gint64   folder_id,
                  guint    done,
                  guint    total,
                  gpointer user_data)
{
  Job *job = user_data;

  kabar_mail_service_shared_progress (job->shared, folder_id, done, total);
}

/* On the job's worker: a cut sync is tried again, and its second attempt
 * does not fetch what the first stored, so both add up to one batch. */
static void
on_new_mail (gint64   folder_id,
             GArray  *message_ids,
             gpointer user_data)
{
  Job *job = user_data;

  if (job->new_mail == NULL)
    job->new_mail = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_vals (job->new_mail, message_ids->data, message_ids->len);
  g_array_unref (message_ids);
}

static gboolean
run_folder (KabarImapSession  *session,
            gpointer           data,
            GCancellable      *cancellable,
            GError           **error)
{
  Job *job = data;
  KabarImapSyncOptions options = {
    .progress = on_sync_progress,
    .progress_data = job,
    .new_mail = on_new_mail,
    .new_mail_data = job,
  };
  KabarImapSyncResult result = { 0 };
  gboolean ok;

  ok = kabar_imap_sync_folder (session, job->shared->store, job->folder_id, &options, &result,
                               cancellable, error);
  /* A sync cut short still stored what it stored: add it up. */
  job->sync_result.reset |= result.reset;
  job->sync_result.added += result.added;
  job->sync_result.removed += result.removed;
  job->sync_result.flags_changed += result.flags_changed;
  return ok;
}

typedef struct
{
  guint   kind;
  gint64  folder_id;
  GError *error;
} Refusal;

static void
refusal_free (gpointer data)
{
  Refusal *refusal = data;

  g_clear_error (&refusal->error);
  g_free (refusal);
}

static void
refusal_here (KabarMailService *self,
              gpointer          data)
{
  Refusal *refusal = data;

  g_message ("The server of %s refused a change: %s", kabar_account_get_address (self->account),
             refusal->error->message);
  kabar_mail_service_emit_change_refused (self, refusal->kind, refusal->folder_id, refusal->error);
  if (refusal->folder_id != 0)
    kabar_mail_service_emit_folder_changed (self, refusal->folder_id);
  else
    kabar_mail_service_emit_folders_changed (self);
}

static void
on_refused (const KabarPendingOperation *operation,
            const GError                *server_error,
            gpointer                     data)
{
  Job *job = data;
  Refusal *refusal = g_new0 (Refusal, 1);

  refusal->kind = operation->kind;
  refusal->folder_id = operation->folder_id;
  refusal->error = g_error_copy (server_error);
  kabar_mail_service_shared_invoke (job->shared, refusal_here, refusal, refusal_free);
}

static gboolean
run_replay (KabarImapSession  *session,
            gpointer           data,
            GCancellable      *cancellable,
            GError           **error)
{
  Job *job = data;

  return kabar_imap_replay_pending (session, job->shared->store, on_refused, job, cancellable,
                                    error);
}

/* --- scheduling (on the service's thread) ------------------------------------------------ */

typedef struct
{
  /* Asked again while it ran: run once more when it ends. */
  gboolean again;
} FolderSyncEntry;

static void on_job_done (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data);

static void
queue_job (KabarMailService *self,
           Job              *job)
{
  static const KabarImapJobFunc funcs[] = {
    [JOB_FOLDER_LIST] = run_folder_list,
    [JOB_FOLDER] = run_folder,
    [JOB_REPLAY] = run_replay,
  };

  self->jobs_running++;
  /* No cancellable: stopping the pool cancels its jobs, and a
   * cancellable cancelled here while a worker drops the job there leaked
   * its source (GLib 2.74). */
  kabar_imap_pool_queue_async (self->pool, funcs[job->kind], job_ref (job),
                               (GDestroyNotify) job_unref, NULL, on_job_done, job);
  kabar_mail_service_update_status (self);
}

void
kabar_mail_service_schedule_list_sync (KabarMailService *self)
{
  if (self->list_sync_running)
    {
      self->list_sync_again = TRUE;
      return;
    }
  self->list_sync_running = TRUE;
  queue_job (self, job_new (self, JOB_FOLDER_LIST, 0));
}

void
kabar_mail_service_schedule_folder_sync (KabarMailService *self,
                                         gint64            folder_id)
{
  FolderSyncEntry *entry = g_hash_table_lookup (self->folder_syncs, &folder_id);

  if (entry != NULL)
    {
      entry->again = TRUE;
      return;
    }
  g_hash_table_insert (self->folder_syncs, g_memdup2 (&folder_id, sizeof folder_id),
                       g_new0 (FolderSyncEntry, 1));
  queue_job (self, job_new (self, JOB_FOLDER, folder_id));
}

void
kabar_mail_service_schedule_replay (KabarMailService *self)
{
  if (self->replay_running)
    {
      self->replay_again = TRUE;
      return;
    }
  self->replay_running = TRUE;
  queue_job (self, job_new (self, JOB_REPLAY, 0));
}

static gboolean
move_path (gpointer key,
           gpointer value,
           gpointer user_data)
{
  g_hash_table_replace (user_data, key, value);
  return TRUE;
}

static void
folder_list_done (KabarMailService *self,
                  Job              *job)
{
  if (job->paths != NULL)
    {
      g_hash_table_remove_all (self->folder_ids);
      g_hash_table_foreach_steal (job->paths, move_path, self->folder_ids);
    }
  if (job->folders_changed)
    kabar_mail_service_emit_folders_changed (self);
  for (guint i = 0; job->folder_ids != NULL && i < job->folder_ids->len; i++)
    kabar_mail_service_schedule_folder_sync (self, g_array_index (job->folder_ids, gint64, i));
  self->list_sync_running = FALSE;
  if (self->list_sync_again)
    {
      self->list_sync_again = FALSE;
      kabar_mail_service_schedule_list_sync (self);
    }
}

static void
folder_done (KabarMailService *self,
             Job              *job,
             const GError     *error)
{
  FolderSyncEntry *entry = g_hash_table_lookup (self->folder_syncs, &job->folder_id);
  gboolean again = entry != NULL && entry->again;
  const KabarImapSyncResult *result = &job->sync_result;

  g_hash_table_remove (self->folder_syncs, &job->folder_id);
  if (result->reset || result->added > 0 || result->removed > 0 || result->flags_changed > 0)
    kabar_mail_service_emit_folder_changed (self, job->folder_id);
  /* After folder-changed: whoever shows the news can list it. */
  if (job->new_mail != NULL && job->new_mail->len > 0)
    kabar_mail_service_emit_new_mail (self, job->folder_id, job->new_mail);
  /* Its recent mail's bodies, once the other syncs are done. */
  if (error == NULL)
    kabar_mail_service_queue_prefetch (self, job->folder_id);
  /* Gone from the server since the last folder list: the list fixes it. */
  if (g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_NONEXISTENT))
    kabar_mail_service_schedule_list_sync (self);
  else if (again)
    kabar_mail_service_schedule_folder_sync (self, job->folder_id);
}

static void
sync_changed_folder (gpointer key,
                     gpointer value,
                     gpointer user_data)
{
  kabar_mail_service_schedule_folder_sync (user_data, *(gint64 *) key);
}

static void
replay_done (KabarMailService *self,
             const GError     *error)
{
  self->replay_running = FALSE;
  if (self->replay_again)
    {
      self->replay_again = FALSE;
      kabar_mail_service_schedule_replay (self);
      return;
    }
  if (error != NULL)
    return;
  /* The server made new UIDs for what was moved, copied or appended:
   * the folders' syncs fetch them. */
  g_hash_table_foreach (self->changed_folders, sync_changed_folder, self);
  g_hash_table_remove_all (self->changed_folders);
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(KabarMailService) self = g_weak_ref_get (&job->shared->service);
  g_autoptr(GError) error = NULL;

  kabar_imap_worker_queue_finish (KABAR_IMAP_WORKER (source), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      job_unref (job);
      return;
    }
  if (error != NULL)
    {
      g_message ("%s: %s", kabar_account_get_address (self->account), error->message);
      self->resync_when_online = TRUE;
    }
  self->jobs_running--;
  switch (job->kind)
    {
    case JOB_FOLDER_LIST:
      folder_list_done (self, job);
      break;
    case JOB_FOLDER:
      folder_done (self, job, error);
      break;
    case JOB_REPLAY:
      replay_done (self, error);
      break;
    default:
      g_assert_not_reached ();
    }
  kabar_mail_service_update_status (self);
  kabar_mail_service_run_prefetch (self);
  job_unref (job);
}

/* --- the watch --------------------------------------------------------------------------- */

static void
inbox_changed_here (KabarMailService *self,
                    gpointer          data)
{
  gint64 *folder_id = g_hash_table_lookup (self->folder_ids, data);

  if (folder_id != NULL)
    kabar_mail_service_schedule_folder_sync (self, *folder_id);
  else
    kabar_mail_service_schedule_list_sync (self);
}

/* On the watching worker's thread. */
static void
on_inbox_changed (const char *mailbox,
                  gpointer    data)
{
  kabar_mail_service_shared_invoke (data, inbox_changed_here, g_strdup (mailbox), g_free);
}

void
kabar_mail_service_watch_inbox (KabarMailService *self)
{
  kabar_imap_pool_watch (self->pool, "INBOX", 0, on_inbox_changed,
                         kabar_mail_service_shared_ref (self->shared),
                         (GDestroyNotify) kabar_mail_service_shared_unref);
}
