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

#include "kabar-imap-error.h"
#include "kabar-mail-service-private.h"
#include "kabar-pop3-download.h"
#include "kabar-pop3-error.h"
#include "kabar-store-local.h"
#include "kabar-sync-cancel.h"

/* Plain fields: the service frees it with g_free(). */
struct _KabarMailServicePop
{
  gboolean completing;
  gboolean complete_again;
};

typedef struct
{
  KabarMailServiceCheck   head;
  KabarPop3DownloadResult result;
  /* What this check downloaded (gint64): news when head.announce. */
  GArray                 *new_mail;
} Check;

static void
check_free (Check *check)
{
  kabar_mail_service_check_clear (&check->head);
  g_clear_pointer (&check->new_mail, g_array_unref);
  g_free (check);
}

static void     start_check (KabarMailService *self);
static gboolean needs_user  (const GError     *error);

static KabarMailServicePop *
pop_get (KabarMailService *self)
{
  if (self->pop == NULL)
    {
      self->pop = g_new0 (KabarMailServicePop, 1);
      self->checker = kabar_mail_service_checker_new (self, start_check, needs_user);
    }
  return self->pop;
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

/* On the store's thread, after each batch. */
static void
on_progress (gint64   folder_id,
             guint    done,
             guint    total,
             gpointer user_data)
{
  kabar_mail_service_shared_progress (user_data, folder_id, done, total);
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
    .progress_data = check->head.shared,
    .stored = on_stored,
    .stored_data = check,
    .texts_read = on_texts_read,
    .texts_read_data = check->head.shared,
  };
  KabarSyncCancel cancel;
  GError *error = NULL;
  gboolean done;

  check->head.announce = check->head.announce || inbox_had_mail (check->head.shared->store);

  /* The download waits on its own context (kabar-sync-wait.h). */
  g_main_context_push_thread_default (context);
  kabar_sync_cancel_init (&cancel, cancellable);
  done = kabar_pop3_download_run (check->head.shared->account, check->head.shared->store, &options,
                                  &check->result, kabar_sync_cancel_get (&cancel), &check->head.problem, &error);
  kabar_sync_cancel_clear (&cancel);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  if (done)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* What only the user can fix, beyond what every service's is (the
 * checker's); anything else is tried again later. */
static gboolean
needs_user (const GError *error)
{
  if (error->domain == KABAR_POP3_ERROR)
    return error->code == KABAR_POP3_ERROR_AUTHENTICATION_FAILED
           || error->code == KABAR_POP3_ERROR_BASIC_AUTH_DISABLED
           || error->code == KABAR_POP3_ERROR_POP_DISABLED
           || error->code == KABAR_POP3_ERROR_LOGIN_DISABLED
           || error->code == KABAR_POP3_ERROR_SYSTEM;
  return g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_UNAVAILABLE);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  KabarMailServiceChecker *checker = self->checker;
  Check *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!kabar_mail_service_checker_end (checker, check->head.run))
    return;
  /* What was stored before an error is news too (when the check's is). */
  if (check->new_mail->len > 0)
    {
      kabar_mail_service_emit_folder_changed (self, check->result.folder_id);
      if (check->head.announce)
        kabar_mail_service_emit_new_mail (self, check->result.folder_id, check->new_mail);
    }
  g_task_propagate_boolean (G_TASK (result), &error);
  if (kabar_mail_service_checker_report (checker, error, check->head.problem)
      && kabar_mail_service_checker_take_again (checker))
    start_check (self);
}

static void
start_check (KabarMailService *self)
{
  Check *check;

  if (!kabar_mail_service_checker_begin (self->checker))
    return;
  check = g_new0 (Check, 1);
  check->new_mail = g_array_new (FALSE, FALSE, sizeof (gint64));
  kabar_mail_service_checker_run (self->checker, &check->head, (GDestroyNotify) check_free, check_in_thread,
                                  on_checked);
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
        kabar_mail_service_checker_set_state (self->checker, KABAR_MAIL_SERVICE_STATUS_ERROR, error, NULL);
      return;
    }
  kabar_mail_service_emit_folders_changed (self);
  /* What the user did last time and was not completed goes first. */
  kabar_mail_service_pop_complete_changes (self);
  start_check (self);
}

void
kabar_mail_service_pop_start (KabarMailService *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_folders_ensured, NULL);

  pop_get (self);
  kabar_mail_service_checker_start (self->checker);
  g_task_set_source_tag (task, kabar_mail_service_pop_start);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, ensure_folders_in_thread);
}
