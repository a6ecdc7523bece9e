/* kabar-mail-service-sending.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending and drafts: the account's outbox (smtp/kabar-outbox.c) run by
 * the service, messages queued in it, drafts saved, replaced and deleted.
 * Building a message and every store write run on a thread; the service's
 * thread only starts them and reports.
 */

#include "config.h"

#include "kabar-mail-service-private.h"
#include "kabar-outbox.h"
#include "kabar-outgoing-address.h"
#include "kabar-outgoing-message.h"
#include "kabar-store-outbox.h"

enum
{
  OUTBOX_CHANGED,
  MESSAGE_SENT,
  MESSAGE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _KabarMailServiceSending
{
  KabarOutbox     *outbox;
  GNetworkMonitor *monitor;
  gulong           monitor_handler;
  /* Why signing in to the outgoing server failed, until it works again. */
  GError          *error;
};

/* --- what the store holds, on a thread -------------------------------------------- */

/* The folder with role, 0 (without error) when there is none. */
static gint64
find_role_folder (KabarStore       *store,
                  KabarFolderRole   role,
                  GError          **error)
{
  g_autoptr(GPtrArray) folders = kabar_store_list_folders (store, error);

  if (folders == NULL)
    return 0;
  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->role == role)
        return folder->id;
    }
  return 0;
}

/* A draft that has not reached the server yet (saved offline, say) never
 * will: its append is undone. One the server has is deleted there. */
static gboolean
discard_draft (KabarStore  *store,
               gint64       message_row_id,
               gint64      *folder_id,
               GError     **error)
{
  g_autoptr(KabarMessageSummary) draft = kabar_store_get_message (store, message_row_id, error);
  gboolean started = FALSE;
  gint64 operation_id;

  if (draft == NULL)
    return FALSE;
  *folder_id = draft->folder_id;
  if (draft->uid != 0)
    return kabar_store_change_delete (store, draft->folder_id, &draft->uid, 1, error) != 0;
  operation_id = kabar_store_draft_find_append (store, message_row_id, &started, error);
  if (operation_id == 0)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                     "Draft %" G_GINT64_FORMAT " is neither on the server nor waiting to go there",
                     message_row_id);
      return FALSE;
    }
  if (started)
    {
      /* Its APPEND may be on the server already: undoing it here would
       * leave that copy there for good. */
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_FAILED,
                   "Draft %" G_GINT64_FORMAT " is being saved to the server right now",
                   message_row_id);
      return FALSE;
    }
  return kabar_store_undo_pending_operation (store, operation_id, "replaced by a newer draft", error);
}

/* What the calls below take to their thread and bring back. */
typedef struct
{
  KabarStore           *store;
  KabarAccount         *account;
  KabarOutgoingMessage *message;
  gint64                id;
  /* The draft to delete, or the one to replace. */
  gint64                draft_id;
  /* The draft just saved, which older saves must not take along. */
  gint64                keep_row_id;
  /* Unix seconds before which the message must not go; 0 for at once. */
  gint64                not_before;
  /* Results: the folder whose messages changed, 0 for none. */
  gint64                changed_folder_id;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->store);
  g_clear_object (&request->account);
  g_clear_object (&request->message);
  g_free (request);
}

/* NULL (the task returned the error) when the store is not open. */
static GTask *
request_task (KabarMailService     *self,
              gpointer              source_tag,
              gint64                id,
              KabarOutgoingMessage *message,
              GCancellable         *cancellable,
              GAsyncReadyCallback   callback,
              gpointer              user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *request;

  g_task_set_source_tag (task, source_tag);
  if (self->store == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "The mail of %s is not open yet",
                               kabar_account_get_address (self->account));
      g_object_unref (task);
      return NULL;
    }
  request = g_new0 (Request, 1);
  request->store = g_object_ref (self->store);
  request->account = g_object_ref (self->account);
  request->message = message != NULL ? g_object_ref (message) : NULL;
  request->id = id;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  return task;
}

static void
warn_draft_stays (Request      *request,
                  gint64        message_row_id,
                  const GError *error)
{
  g_warning ("The draft %" G_GINT64_FORMAT " of %s stays: %s", message_row_id,
             kabar_account_get_address (request->account), error->message);
}

/* A draft keeps its Message-ID from save to save: older saves the sync
 * brought back from the server under another row (it may be faster than
 * the replay's APPENDUID) go too. */
static void
discard_older_saves (Request *request)
{
  const char *message_id = kabar_outgoing_message_get_message_id (request->message);
  g_autoptr(GPtrArray) copies = NULL;
  g_autoptr(GError) error = NULL;
  gint64 drafts_id;

  if (message_id == NULL)
    return;
  drafts_id = find_role_folder (request->store, KABAR_FOLDER_ROLE_DRAFTS, &error);
  if (drafts_id != 0)
    copies = kabar_store_find_by_message_id (request->store, message_id, &error);
  for (guint i = 0; copies != NULL && i < copies->len; i++)
    {
      KabarMessageSummary *copy = g_ptr_array_index (copies, i);
      gint64 folder_id = 0;

      if (copy->folder_id != drafts_id || copy->id == request->keep_row_id)
        continue;
      if (!discard_draft (request->store, copy->id, &folder_id, &error) &&
          !g_error_matches (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
        warn_draft_stays (request, copy->id, error);
      g_clear_error (&error);
    }
  if (error != NULL)
    warn_draft_stays (request, 0, error);
}

/* Deleting the draft a message came from must not fail what was done:
 * the message is queued (or saved) whatever became of the old draft. */
static void
discard_draft_after (Request *request)
{
  g_autoptr(GError) error = NULL;

  if (request->draft_id == 0)
    return;
  if (!discard_draft (request->store, request->draft_id, &request->changed_folder_id, &error) &&
      !g_error_matches (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    warn_draft_stays (request, request->draft_id, error);
  discard_older_saves (request);
}

/* --- after a change, on the service's thread --------------------------------------- */

/* A change to the store that the server must hear of: the replay for
 * IMAP, done at once here for POP. */
static void
replay_change (KabarMailService *self,
               gint64            folder_id)
{
  if (folder_id == 0)
    return;
  kabar_mail_service_emit_folder_changed (self, folder_id);
  if (self->pool != NULL)
    kabar_mail_service_schedule_replay (self);
  else if (self->pop != NULL)
    kabar_mail_service_pop_complete_changes (self);
  else if (self->graph != NULL)
    kabar_mail_service_graph_replay (self);
}

static void
wake_outbox (KabarMailService *self)
{
  if (self->sending != NULL)
    kabar_outbox_wake (self->sending->outbox);
  g_signal_emit (self, signals[OUTBOX_CHANGED], 0);
}

/* --- sending -------------------------------------------------------------------------- */

/* For completion: those the user writes to come first, from now on. */
static void
note_recipients (Request *request)
{
  InternetAddressList *recipients = internet_address_list_new ();
  g_autoptr(GError) error = NULL;

  for (KabarOutgoingField field = KABAR_OUTGOING_TO; field <= KABAR_OUTGOING_BCC; field++)
    internet_address_list_append (recipients,
                                  kabar_outgoing_message_get_addresses (request->message, field));
  if (!kabar_store_address_book_note_written (request->store, recipients,
                                              g_get_real_time () / G_USEC_PER_SEC, &error))
    g_warning ("The address book of %s did not note the recipients: %s",
               kabar_account_get_address (request->account), error->message);
  g_object_unref (recipients);
}

static void
queue_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  g_autoptr(GBytes) raw = kabar_outgoing_message_to_bytes (request->message,
                                                           KABAR_OUTGOING_FORM_SEND, &error);
  g_autofree char *sender = NULL;
  g_auto(GStrv) recipients = NULL;
  gint64 sent_folder_id = 0;

  if (raw == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sender = kabar_outgoing_message_dup_envelope_sender (request->message);
  recipients = kabar_outgoing_message_dup_envelope_recipients (request->message);
  /* Outlook.com files what it sends itself: a copy of ours would be a
   * duplicate. */
  if (!kabar_account_get_server_files_sent (request->account))
    sent_folder_id = find_role_folder (request->store, KABAR_FOLDER_ROLE_SENT, &error);
  if (error == NULL)
    request->id = kabar_store_outbox_add_delayed (request->store,
                                                  kabar_outgoing_message_get_message_id (request->message),
                                                  sender, (const char * const *) recipients, raw,
                                                  sent_folder_id, request->not_before, &error);
  if (error != NULL)
    {
      g_prefix_error (&error, "Could not put the message in the outbox of %s: ",
                      kabar_account_get_address (request->account));
      g_task_return_error (task, error);
      return;
    }
  note_recipients (request);
  discard_draft_after (request);
  g_task_return_boolean (task, TRUE);
}

static void
on_queued (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  g_autoptr(GTask) outer = user_data;
  Request *request = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  wake_outbox (self);
  replay_change (self, request->changed_folder_id);
  g_task_return_int (outer, request->id);
}

/* The caller's task finishes after the outbox was woken, on this thread;
 * the inner one carries the work to a thread and is not cancellable: once
 * the message is in the outbox, it is. */
static void
run_request (KabarMailService    *self,
             GTask               *outer,
             GTaskThreadFunc      func,
             GAsyncReadyCallback  done)
{
  g_autoptr(GTask) inner = g_task_new (self, NULL, done, g_object_ref (outer));
  Request *request = g_task_get_task_data (outer);

  g_task_set_task_data (inner, g_steal_pointer (&request), NULL);
  g_task_run_in_thread (inner, func);
}

void
kabar_mail_service_send_async (KabarMailService     *self,
                               KabarOutgoingMessage *message,
                               gint64                draft_to_delete,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (message));

  task = request_task (self, kabar_mail_service_send_async, 0, message, cancellable,
                       callback, user_data);
  if (task == NULL)
    return;
  ((Request *) g_task_get_task_data (task))->draft_id = draft_to_delete;
  if (self->send_delay > 0)
    ((Request *) g_task_get_task_data (task))->not_before =
      g_get_real_time () / G_USEC_PER_SEC + self->send_delay;
  run_request (self, task, queue_in_thread, on_queued);
}

gint64
kabar_mail_service_send_finish (KabarMailService  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  return g_task_propagate_int (G_TASK (result), error);
}

void
kabar_mail_service_set_send_delay (KabarMailService *self,
                                   guint             seconds)
{
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  self->send_delay = seconds;
}

/* --- taking a message back ---------------------------------------------------------- */

static void
add_mailbox_key (gpointer mailbox,
                 gpointer user_data)
{
  g_hash_table_add (user_data,
                    kabar_outgoing_address_mailbox_key (internet_address_mailbox_get_addr (mailbox)));
}

/* The envelope's recipients in neither To nor Cc were the Bcc, which the
 * message as sent does not show. */
static void
restore_bcc (KabarOutgoingMessage   *message,
             const KabarOutboxEntry *entry)
{
  g_autoptr(GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (KabarOutgoingField field = KABAR_OUTGOING_TO; field <= KABAR_OUTGOING_BCC; field++)
    kabar_outgoing_address_foreach_mailbox (kabar_outgoing_message_get_addresses (message, field),
                                            add_mailbox_key, shown);
  for (guint i = 0; entry->recipients != NULL && entry->recipients[i] != NULL; i++)
    {
      char *key = kabar_outgoing_address_mailbox_key (entry->recipients[i]);

      if (g_hash_table_add (shown, key))
        kabar_outgoing_message_add_address (message, KABAR_OUTGOING_BCC, NULL, entry->recipients[i]);
    }
}

/* The store's "not found": the sender completed it meanwhile. */
static void
return_take_back_error (GTask   *task,
                        Request *request,
                        GError  *error)
{
  if (g_error_matches (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      g_set_error (&error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_ALREADY_SENT,
                   "The message is no longer in the outbox of %s: it was sent",
                   kabar_account_get_address (request->account));
    }
  else
    g_prefix_error (&error, "Could not take the message back from the outbox of %s: ",
                    kabar_account_get_address (request->account));
  g_task_return_error (task, error);
}

/* Read before it leaves the outbox: a message that could not be reopened
 * stays there rather than be lost. Its bytes never change. */
static void
take_back_in_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Request *request = task_data;
  g_autoptr(KabarOutboxEntry) entry = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) taken = NULL;
  g_autoptr(KabarOutgoingMessage) message = NULL;
  GError *error = NULL;

  raw = kabar_store_outbox_get_raw (request->store, request->id, &error);
  if (raw == NULL)
    {
      return_take_back_error (task, request, error);
      return;
    }
  message = kabar_outgoing_message_new_from_bytes (raw, &error);
  if (message == NULL)
    {
      g_prefix_error (&error, "The message in the outbox of %s cannot be reopened: ",
                      kabar_account_get_address (request->account));
      g_task_return_error (task, error);
      return;
    }
  if (!kabar_store_outbox_take_back (request->store, request->id, &entry, &taken, &error))
    {
      return_take_back_error (task, request, error);
      return;
    }
  if (taken == NULL)
    {
      g_task_return_new_error (task, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_ALREADY_SENT,
                               "The message is being sent by %s: it is too late to take it back",
                               kabar_account_get_address (request->account));
      return;
    }
  restore_bcc (message, entry);
  request->message = g_steal_pointer (&message);
  g_task_return_boolean (task, TRUE);
}

static void
on_taken_back (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  g_autoptr(GTask) outer = user_data;
  Request *request = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  g_signal_emit (self, signals[OUTBOX_CHANGED], 0);
  g_task_return_pointer (outer, g_steal_pointer (&request->message), g_object_unref);
}

void
kabar_mail_service_take_back_async (KabarMailService    *self,
                                    gint64               outbox_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  task = request_task (self, kabar_mail_service_take_back_async, outbox_id, NULL, cancellable,
                       callback, user_data);
  if (task != NULL)
    run_request (self, task, take_back_in_thread, on_taken_back);
}

KabarOutgoingMessage *
kabar_mail_service_take_back_finish (KabarMailService  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the outbox's list -------------------------------------------------------------- */

static void
list_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  GPtrArray *entries = kabar_store_outbox_list (request->store, &error);

  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

void
kabar_mail_service_list_outbox_async (KabarMailService    *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  task = request_task (self, kabar_mail_service_list_outbox_async, 0, NULL, cancellable,
                       callback, user_data);
  if (task != NULL)
    g_task_run_in_thread (task, list_in_thread);
}

GPtrArray *
kabar_mail_service_list_outbox_finish (KabarMailService  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
requeue_in_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;

  if (kabar_store_outbox_requeue (request->store, request->id, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
remove_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;

  if (kabar_store_outbox_remove (request->store, request->id, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_outbox_changed_by_user (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  wake_outbox (self);
  g_task_return_boolean (outer, TRUE);
}

void
kabar_mail_service_retry_outbox_message_async (KabarMailService    *self,
                                               gint64               id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  task = request_task (self, kabar_mail_service_change_finish, id, NULL, cancellable,
                       callback, user_data);
  if (task != NULL)
    run_request (self, task, requeue_in_thread, on_outbox_changed_by_user);
}

void
kabar_mail_service_discard_outbox_message_async (KabarMailService    *self,
                                                 gint64               id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  task = request_task (self, kabar_mail_service_change_finish, id, NULL, cancellable,
                       callback, user_data);
  if (task != NULL)
    run_request (self, task, remove_in_thread, on_outbox_changed_by_user);
}

/* --- drafts ----------------------------------------------------------------------------- */

static void
save_draft_in_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  g_autoptr(GBytes) raw = kabar_outgoing_message_to_bytes (request->message,
                                                           KABAR_OUTGOING_FORM_DRAFT, &error);
  gint64 folder_id = 0;

  if (raw != NULL)
    folder_id = find_role_folder (request->store, KABAR_FOLDER_ROLE_DRAFTS, &error);
  if (raw != NULL && folder_id == 0 && error == NULL)
    g_set_error (&error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                 "%s has no Drafts folder", kabar_account_get_address (request->account));
  if (error == NULL)
    request->id = kabar_store_draft_add (request->store, folder_id, raw, &error);
  if (error != NULL)
    {
      g_prefix_error (&error, "Could not save the draft: ");
      g_task_return_error (task, error);
      return;
    }
  request->keep_row_id = request->id;
  discard_draft_after (request);
  /* The same folder, normally; a replaced draft elsewhere is announced
   * by the replay's sync. */
  request->changed_folder_id = folder_id;
  g_task_return_boolean (task, TRUE);
}

static void
on_draft_changed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  g_autoptr(GTask) outer = user_data;
  Request *request = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  replay_change (self, request->changed_folder_id);
  g_task_return_int (outer, request->id);
}

void
kabar_mail_service_save_draft_async (KabarMailService     *self,
                                     KabarOutgoingMessage *draft,
                                     gint64                replaces_message_id,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (draft));

  task = request_task (self, kabar_mail_service_save_draft_async, 0, draft, cancellable,
                       callback, user_data);
  if (task == NULL)
    return;
  ((Request *) g_task_get_task_data (task))->draft_id = replaces_message_id;
  run_request (self, task, save_draft_in_thread, on_draft_changed);
}

gint64
kabar_mail_service_save_draft_finish (KabarMailService  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  return g_task_propagate_int (G_TASK (result), error);
}

static void
delete_draft_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;

  if (discard_draft (request->store, request->id, &request->changed_folder_id, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_draft_deleted (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KabarMailService *self = KABAR_MAIL_SERVICE (source);
  g_autoptr(GTask) outer = user_data;
  Request *request = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  replay_change (self, request->changed_folder_id);
  g_task_return_boolean (outer, TRUE);
}

void
kabar_mail_service_delete_draft_async (KabarMailService    *self,
                                       gint64               message_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  task = request_task (self, kabar_mail_service_change_finish, message_id, NULL, cancellable,
                       callback, user_data);
  if (task != NULL)
    run_request (self, task, delete_draft_in_thread, on_draft_deleted);
}

static void
parse_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  KabarOutgoingMessage *message = kabar_outgoing_message_new_from_bytes (task_data, &error);

  if (message == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, message, g_object_unref);
}

static void
on_draft_body (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  GBytes *body = kabar_mail_service_get_body_finish (KABAR_MAIL_SERVICE (source), result, &error);

  if (body == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, body, (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, parse_in_thread);
  g_object_unref (task);
}

void
kabar_mail_service_open_draft_async (KabarMailService    *self,
                                     gint64               message_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_mail_service_open_draft_async);
  kabar_mail_service_get_body_async (self, message_id, cancellable, on_draft_body, task);
}

KabarOutgoingMessage *
kabar_mail_service_open_draft_finish (KabarMailService  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the outbox's life ------------------------------------------------------------------ */

static void
on_outbox_changed (KabarOutbox      *outbox,
                   KabarMailService *self)
{
  g_signal_emit (self, signals[OUTBOX_CHANGED], 0);
}

static void
on_outbox_sent (KabarOutbox      *outbox,
                gint64            id,
                const char       *message_id,
                gint64            sent_folder_id,
                KabarMailService *self)
{
  g_signal_emit (self, signals[MESSAGE_SENT], 0, message_id);
  replay_change (self, sent_folder_id);
}

static void
on_outbox_failed (KabarOutbox      *outbox,
                  gint64            id,
                  const GError     *error,
                  KabarMailService *self)
{
  g_signal_emit (self, signals[MESSAGE_FAILED], 0, id, error);
}

static void
on_account_error (KabarOutbox      *outbox,
                  const GError     *error,
                  KabarMailService *self)
{
  if (self->sending == NULL)
    return;
  g_clear_error (&self->sending->error);
  self->sending->error = error != NULL ? g_error_copy (error) : NULL;
  /* A new error is news even when the status stays ERROR. */
  self->status = (KabarMailServiceStatus) -1;
  kabar_mail_service_update_status (self);
}

/* A Graph account sends through its incoming server, the Graph host. */
static gboolean
sends_by_graph (KabarMailService *self)
{
  return kabar_account_get_incoming_kind (self->account) == KABAR_INCOMING_GRAPH;
}

/* A server on this machine (the demo, the tests) is reachable whatever
 * GNetworkMonitor says. */
static gboolean
outgoing_is_local (KabarMailService *self)
{
  const char *host = kabar_account_get_host (self->account, sends_by_graph (self)
                                                            ? KABAR_SERVER_INCOMING
                                                            : KABAR_SERVER_OUTGOING);
  g_autoptr(GInetAddress) address = host != NULL ? g_inet_address_new_from_string (host) : NULL;

  if (g_strcmp0 (host, "localhost") == 0)
    return TRUE;
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static void
on_network_changed (GNetworkMonitor  *monitor,
                    gboolean          available,
                    KabarMailService *self)
{
  if (self->sending != NULL && !outgoing_is_local (self))
    kabar_outbox_set_network_available (self->sending->outbox, available);
}

void
kabar_mail_service_sending_start (KabarMailService *self)
{
  KabarMailServiceSending *sending;

  if (self->sending != NULL || self->store == NULL ||
      (kabar_account_get_host (self->account, KABAR_SERVER_OUTGOING) == NULL
       && !sends_by_graph (self)))
    return;
  sending = g_new0 (KabarMailServiceSending, 1);
  sending->outbox = kabar_outbox_new (self->account, self->store);
  g_signal_connect (sending->outbox, "changed", G_CALLBACK (on_outbox_changed), self);
  g_signal_connect (sending->outbox, "sent", G_CALLBACK (on_outbox_sent), self);
  g_signal_connect (sending->outbox, "failed", G_CALLBACK (on_outbox_failed), self);
  g_signal_connect (sending->outbox, "account-error", G_CALLBACK (on_account_error), self);
  sending->monitor = g_object_ref (g_network_monitor_get_default ());
  sending->monitor_handler = g_signal_connect (sending->monitor, "network-changed",
                                               G_CALLBACK (on_network_changed), self);
  self->sending = sending;
  if (!outgoing_is_local (self) && !g_network_monitor_get_network_available (sending->monitor))
    kabar_outbox_set_network_available (sending->outbox, FALSE);
  kabar_outbox_start (sending->outbox);
}

void
kabar_mail_service_sending_stop (KabarMailService *self)
{
  KabarMailServiceSending *sending = g_steal_pointer (&self->sending);

  if (sending == NULL)
    return;
  g_clear_signal_handler (&sending->monitor_handler, sending->monitor);
  g_clear_object (&sending->monitor);
  kabar_outbox_stop (sending->outbox);
  g_signal_handlers_disconnect_by_data (sending->outbox, self);
  g_clear_object (&sending->outbox);
  g_clear_error (&sending->error);
  g_free (sending);
}

void
kabar_mail_service_sending_network_changed (KabarMailService *self,
                                            gboolean          available)
{
  if (self->sending != NULL)
    kabar_outbox_set_network_available (self->sending->outbox, available);
}

void
kabar_mail_service_sending_retry (KabarMailService *self)
{
  if (self->sending == NULL)
    return;
  g_clear_error (&self->sending->error);
  kabar_outbox_wake (self->sending->outbox);
  kabar_mail_service_update_status (self);
}

void
kabar_mail_service_sending_apply_status (KabarMailService       *self,
                                         KabarMailServiceStatus *status)
{
  if (self->sending == NULL || self->sending->error == NULL || !self->started)
    return;
  if (*status == KABAR_MAIL_SERVICE_STATUS_ERROR && self->error != NULL)
    return;
  *status = KABAR_MAIL_SERVICE_STATUS_ERROR;
  g_clear_error (&self->error);
  self->error = g_error_copy (self->sending->error);
}

void
kabar_mail_service_sending_class_init (GObjectClass *klass)
{
  signals[OUTBOX_CHANGED] =
    g_signal_new ("outbox-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  signals[MESSAGE_SENT] =
    g_signal_new ("message-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[MESSAGE_FAILED] =
    g_signal_new ("message-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}
