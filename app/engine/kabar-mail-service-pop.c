/* kabar-mail-service-pop.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The service for a POP account: no pool and no replay. A check of the
 * server (kabar-pop3-download.h) runs at start, on the poll timer and on
 * refresh, one at a time on a thread of its own; the user's changes are
 * completed in the store as a server would have.
 */

#include "config.h"

#include "kabar-backoff.h"
#include "kabar-imap-error.h"
#include "kabar-mail-service-private.h"
#include "kabar-net-error.h"
#include "kabar-oauth2.h"
#include "kabar-pop3-download.h"
#include "kabar-pop3-error.h"
#include "kabar-store-local.h"

struct _KabarMailServicePop
{
  /* Counts starts and stops: a check of an earlier run reports nothing. */
  guint                   run;
  gboolean                running;
  gboolean                again;
  gboolean                completing;
  gboolean                complete_again;
  gboolean                network_available;
  /* A check ran to its end in this run: what comes next is news,
   * whatever the store says. */
  gboolean                checked;
  KabarMailServiceStatus  status;
  GError                 *error;
  KabarCertificateProblem *problem;
  KabarBackoff           *backoff;
  guint                   retry_source;
};

typedef struct
{
  KabarMailServiceShared  *shared;
  guint                    run;
  KabarPop3DownloadResult  result;
  KabarCertificateProblem *problem;
  /* Whether what this check downloads is news, and what it is (gint64). */
  gboolean                 announce;
  GArray                  *new_mail;
} Check;

static void
check_free (Check *check)
{
  kabar_mail_service_shared_unref (check->shared);
  g_clear_pointer (&check->problem, kabar_certificate_problem_unref);
  g_clear_pointer (&check->new_mail, g_array_unref);
  g_free (check);
}

static void start_check (KabarMailService *self);

static KabarMailServicePop *
pop_get (KabarMailService *self)
{
  if (self->pop == NULL)
    {
      self->pop = g_new0 (KabarMailServicePop, 1);
      self->pop->backoff = kabar_backoff_new ();
      self->pop->network_available = TRUE;
    }
  return self->pop;
}

void
kabar_mail_service_pop_free (KabarMailServicePop *pop)
{
  if (pop == NULL)
    return;
  g_clear_error (&pop->error);
  g_clear_pointer (&pop->problem, kabar_certificate_problem_unref);
  kabar_backoff_free (pop->backoff);
  g_free (pop);
}

KabarMailServiceStatus
kabar_mail_service_pop_get_status (KabarMailService         *self,
                                   const GError            **error,
                                   KabarCertificateProblem **problem)
{
  KabarMailServicePop *pop = pop_get (self);

  *error = pop->error;
  *problem = pop->problem;
  if (!pop->network_available)
    return KABAR_MAIL_SERVICE_STATUS_OFFLINE;
  if (pop->running && pop->status != KABAR_MAIL_SERVICE_STATUS_CONNECTING)
    return KABAR_MAIL_SERVICE_STATUS_SYNCING;
  return pop->status;
}

static void
set_state (KabarMailService       *self,
           KabarMailServiceStatus  status,
           const GError           *error,
           KabarCertificateProblem *problem)
{
  KabarMailServicePop *pop = pop_get (self);

  pop->status = status;
  g_clear_error (&pop->error);
  pop->error = error != NULL ? g_error_copy (error) : NULL;
  g_clear_pointer (&pop->problem, kabar_certificate_problem_unref);
  pop->problem = problem != NULL ? kabar_certificate_problem_ref (problem) : NULL;
  kabar_mail_service_update_status (self);
}

/* --- the user's changes, completed here ----------------------------------------------- */

static void
complete_in_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;

  if (!kabar_store_complete_pending_locally (task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_completed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  KabarMailServicePop *pop = pop_get (self);
  g_autoptr(GError) error = NULL;

  pop->completing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    /* The change stays pending in the store and is done next time. */
    g_warning ("Could not complete the changes to the mail of %s: %s",
               kabar_account_get_address (self->account), error->message);
  else
    /* A moved message got its uid in its new folder. */
    kabar_mail_service_emit_folders_changed (self);
  if (pop->complete_again)
    {
      pop->complete_again = FALSE;
      kabar_mail_service_pop_complete_changes (self);
    }
}

void
kabar_mail_service_pop_complete_changes (KabarMailService *self)
{
  KabarMailServicePop *pop = pop_get (self);
  g_autoptr(GTask) task = NULL;

  if (self->store == NULL)
    return;
  if (pop->completing)
    {
      pop->complete_again = TRUE;
      return;
    }
  pop->completing = TRUE;
  task = g_task_new (self, NULL, on_completed, NULL);
  g_task_set_source_tag (task, kabar_mail_service_pop_complete_changes);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, complete_in_thread);
}

/* --- checks ------------------------------------------------------------------------- */

typedef struct
{
  gint64 folder_id;
  guint  done;
  guint  total;
} Progress;

static void
on_progress_here (KabarMailService *self,
                  gpointer          data)
{
  Progress *progress = data;

  kabar_mail_service_emit_progress (self, progress->folder_id, progress->done, progress->total);
  kabar_mail_service_emit_folder_changed (self, progress->folder_id);
}

/* On the store's thread, after each batch. */
static void
on_progress (gint64   folder_id,
             guint    done,
             guint    total,
             gpointer user_data)
{
  Progress *progress = g_new0 (Progress, 1);

  progress->folder_id = folder_id;
  progress->done = done;
  progress->total = total;
  kabar_mail_service_shared_invoke (user_data, on_progress_here, progress, g_free);
}

/* On the store's thread, after each batch; the download waits for it, so
 * the batches never touch the array at once. */
static void
on_stored (gint64   folder_id,
           GArray  *message_ids,
           gpointer user_data)
{
  Check *check = user_data;

  g_array_append_vals (check->new_mail, message_ids->data, message_ids->len);
  g_array_unref (message_ids);
}

static void
on_texts_read_here (KabarMailService *self,
                    gpointer          data)
{
  GArray *folder_ids = data;

  for (guint i = 0; i < folder_ids->len; i++)
    kabar_mail_service_emit_folder_changed (self, g_array_index (folder_ids, gint64, i));
}

/* On the download's thread, after each part of the text pass: the
 * snippets and attachment marks of those folders' lists changed. */
static void
on_texts_read (GArray   *folder_ids,
               gpointer  user_data)
{
  kabar_mail_service_shared_invoke (user_data, on_texts_read_here, folder_ids,
                                    (GDestroyNotify) g_array_unref);
}

/* Like an IMAP folder's first sync, the first download into a new store
 * brings the mailbox, not news: the local INBOX has never numbered a
 * message (its uidnext counts every uid it gave, deleted or not). */
static gboolean
inbox_had_mail (KabarStore *store)
{
  g_autoptr(GPtrArray) folders = kabar_store_list_folders (store, NULL);

  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      const KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->role == KABAR_FOLDER_ROLE_INBOX)
        return folder->sync.uidnext > 1;
    }
  return FALSE;
}

static void
check_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Check *check = task_data;
  GMainContext *context = g_main_context_new ();
  KabarPop3DownloadOptions options = {
    .progress = on_progress,
    .progress_data = check->shared,
    .stored = on_stored,
    .stored_data = check,
    .texts_read = on_texts_read,
    .texts_read_data = check->shared,
  };
  GError *error = NULL;
  gboolean done;

  check->announce = check->announce || inbox_had_mail (check->shared->store);

  /* The download waits on its own context (kabar-sync-wait.h). */
  g_main_context_push_thread_default (context);
  done = kabar_pop3_download_run (check->shared->account, check->shared->store, &options,
                                  &check->result, cancellable, &check->problem, &error);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  if (done)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* What only the user can fix; anything else is tried again later. */
static gboolean
needs_user (const GError *error)
{
  if (error->domain == KABAR_POP3_ERROR)
    return error->code == KABAR_POP3_ERROR_AUTHENTICATION_FAILED
           || error->code == KABAR_POP3_ERROR_BASIC_AUTH_DISABLED
           || error->code == KABAR_POP3_ERROR_POP_DISABLED
           || error->code == KABAR_POP3_ERROR_LOGIN_DISABLED
           || error->code == KABAR_POP3_ERROR_SYSTEM;
  return g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_UNAVAILABLE)
         || kabar_oauth2_error_needs_user (error)
         || g_error_matches (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE)
         || error->domain == KABAR_STORE_ERROR;
}

static gboolean
on_retry (gpointer user_data)
{
  KabarMailService *self = user_data;

  self->pop->retry_source = 0;
  start_check (self);
  return G_SOURCE_REMOVE;
}

static void
clear_retry (KabarMailService *self)
{
  KabarMailServicePop *pop = pop_get (self);
  GSource *source;

  if (pop->retry_source == 0)
    return;
  source = g_main_context_find_source_by_id (self->shared->owner, pop->retry_source);
  if (source != NULL)
    g_source_destroy (source);
  pop->retry_source = 0;
}

static void
retry_later (KabarMailService *self)
{
  KabarMailServicePop *pop = pop_get (self);
  g_autoptr(GSource) source = g_timeout_source_new (kabar_backoff_next_delay (pop->backoff));

  g_source_set_callback (source, on_retry, self, NULL);
  pop->retry_source = g_source_attach (source, self->shared->owner);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  KabarMailServicePop *pop = pop_get (self);
  Check *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (check->run != pop->run)
    return;
  pop->running = FALSE;
  /* What was stored before an error is news too (when the check's is). */
  if (check->new_mail->len > 0)
    {
      kabar_mail_service_emit_folder_changed (self, check->result.folder_id);
      if (check->announce)
        kabar_mail_service_emit_new_mail (self, check->result.folder_id, check->new_mail);
    }
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      pop->again = FALSE;
      if (needs_user (error))
        set_state (self, KABAR_MAIL_SERVICE_STATUS_ERROR, error, check->problem);
      else
        {
          set_state (self, KABAR_MAIL_SERVICE_STATUS_OFFLINE, error, NULL);
          retry_later (self);
        }
      return;
    }
  kabar_backoff_reset (pop->backoff);
  pop->checked = TRUE;
  set_state (self, KABAR_MAIL_SERVICE_STATUS_ONLINE, NULL, NULL);
  if (pop->again)
    {
      pop->again = FALSE;
      start_check (self);
    }
}

static void
start_check (KabarMailService *self)
{
  KabarMailServicePop *pop = pop_get (self);
  g_autoptr(GTask) task = NULL;
  Check *check;

  if (!self->started || self->store == NULL || !pop->network_available)
    return;
  if (pop->running)
    {
      pop->again = TRUE;
      return;
    }
  clear_retry (self);
  pop->running = TRUE;
  check = g_new0 (Check, 1);
  check->shared = kabar_mail_service_shared_ref (self->shared);
  check->run = pop->run;
  check->announce = pop->checked;
  check->new_mail = g_array_new (FALSE, FALSE, sizeof (gint64));
  task = g_task_new (self, self->cancellable, on_checked, NULL);
  g_task_set_source_tag (task, start_check);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  g_task_run_in_thread (task, check_in_thread);
  kabar_mail_service_update_status (self);
}

void
kabar_mail_service_pop_check (KabarMailService *self)
{
  start_check (self);
}

/* --- starting and stopping ------------------------------------------------------------ */

static void
ensure_folders_in_thread (GTask        *task,
                          gpointer      source,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GError *error = NULL;

  if (!kabar_store_ensure_local_folders (task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_folders_ensured (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_state (self, KABAR_MAIL_SERVICE_STATUS_ERROR, error, NULL);
      return;
    }
  kabar_mail_service_emit_folders_changed (self);
  /* What the user did last time and was not completed goes first. */
  kabar_mail_service_pop_complete_changes (self);
  start_check (self);
}

static gboolean
on_poll (gpointer user_data)
{
  start_check (user_data);
  return G_SOURCE_CONTINUE;
}

/* A server on this machine (the demo, the tests) is reachable whatever
 * GNetworkMonitor says of the network. */
static gboolean
server_is_local (KabarMailService *self)
{
  const char *host = kabar_account_get_host (self->account, KABAR_SERVER_INCOMING);
  g_autoptr(GInetAddress) address = host != NULL ? g_inet_address_new_from_string (host) : NULL;

  return g_strcmp0 (host, "localhost") == 0
         || (address != NULL && g_inet_address_get_is_loopback (address));
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  if (!server_is_local (user_data))
    kabar_mail_service_pop_network_changed (user_data, available);
}

/* Through the service's own fields, which its stop clears. */
static void
watch_network_and_time (KabarMailService *self)
{
  self->network_monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_handler = g_signal_connect (self->network_monitor, "network-changed",
                                            G_CALLBACK (on_network_changed), self);
  pop_get (self)->network_available =
    server_is_local (self) || g_network_monitor_get_network_available (self->network_monitor);
  kabar_mail_service_arm_poll (self, on_poll);
}

void
kabar_mail_service_pop_start (KabarMailService *self)
{
  KabarMailServicePop *pop = pop_get (self);
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_folders_ensured, NULL);

  watch_network_and_time (self);

  pop->run++;
  pop->running = pop->again = FALSE;
  set_state (self, KABAR_MAIL_SERVICE_STATUS_CONNECTING, NULL, NULL);
  g_task_set_source_tag (task, kabar_mail_service_pop_start);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, ensure_folders_in_thread);
}

void
kabar_mail_service_pop_stop (KabarMailService *self)
{
  KabarMailServicePop *pop = self->pop;

  if (pop == NULL)
    return;
  pop->run++;
  pop->running = pop->again = FALSE;
  clear_retry (self);
  kabar_backoff_reset (pop->backoff);
}

void
kabar_mail_service_pop_retry (KabarMailService *self)
{
  kabar_backoff_reset (pop_get (self)->backoff);
  set_state (self, KABAR_MAIL_SERVICE_STATUS_CONNECTING, NULL, NULL);
  start_check (self);
}

void
kabar_mail_service_pop_network_changed (KabarMailService *self,
                                        gboolean          available)
{
  KabarMailServicePop *pop = pop_get (self);

  if (pop->network_available == available)
    return;
  pop->network_available = available;
  kabar_mail_service_update_status (self);
  if (available)
    start_check (self);
}
