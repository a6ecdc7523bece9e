/* kabar-application.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>

#include "kabar-account-assistant.h"
#include "kabar-account-manager.h"
#include "kabar-application.h"
#include "kabar-compose-actions.h"
#include "kabar-mail-service.h"
#include "kabar-message-window.h"
#include "kabar-new-mail-notification.h"
#include "kabar-preferences-window.h"
#include "kabar-window.h"

struct _KabarApplication
{
  AdwApplication       parent_instance;

  KabarAccountManager *accounts;
  GCancellable        *cancellable;
  /* KabarMailService, in the order of the accounts. */
  GListStore          *services;
  gboolean             accounts_loaded;
  /* The window waits for the accounts, so it never shows "no account"
   * for a moment to someone who has one. */
  gboolean             present_when_loaded;
  GSettings           *settings;
  /* Account id -> Announced: what each account's notification shows. */
  GHashTable          *announced;
  /* Actions asked for before the accounts were read ("(sv)": name and
   * parameter), each holding the application. */
  GPtrArray           *pending_actions;
};

G_DEFINE_FINAL_TYPE (KabarApplication, kabar_application, ADW_TYPE_APPLICATION)

KabarApplication *
kabar_application_new (void)
{
  return g_object_new (KABAR_TYPE_APPLICATION,
                       "application-id", KABAR_APPLICATION_ID,
                       /* `kabar FILE.eml`, and .eml files opened from the file
                        * manager. */
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/kabar/Kabar",
                       NULL);
}

GListModel *
kabar_application_get_services (KabarApplication *self)
{
  g_return_val_if_fail (KABAR_IS_APPLICATION (self), NULL);
  return G_LIST_MODEL (self->services);
}

KabarAccountManager *
kabar_application_get_account_manager (KabarApplication *self)
{
  g_return_val_if_fail (KABAR_IS_APPLICATION (self), NULL);
  return self->accounts;
}

/* --- accounts and their mail services -------------------------------------------------- */

static KabarMailService *
find_service (KabarApplication *self,
              KabarAccount     *account)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->services));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      /* A new account object is new settings: the service reads them
       * only when it starts. */
      if (kabar_mail_service_get_account (service) == account)
        return service;
    }
  return NULL;
}

static void on_new_mail       (KabarMailService *service,
                               gint64            folder_id,
                               GArray           *message_ids,
                               KabarApplication *self);
static void on_folder_changed (KabarMailService *service,
                               gint64            folder_id,
                               KabarApplication *self);
static void on_message_failed (KabarMailService *service,
                               gint64            outbox_id,
                               GError           *error,
                               KabarApplication *self);

/* The user's settings, for a service new or running. */
static void
apply_settings (KabarApplication *self,
                KabarMailService *service)
{
  kabar_mail_service_set_poll_interval (service, g_settings_get_uint (self->settings, "check-interval") * 60);
  kabar_mail_service_set_send_delay (service, g_settings_get_uint (self->settings, "send-delay"));
}

static void
on_service_setting_changed (KabarApplication *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->services));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      apply_settings (self, service);
    }
}

static KabarMailService *
start_service (KabarApplication *self,
               KabarAccount     *account)
{
  g_autofree char *path = kabar_mail_service_dup_default_store_path (account);
  g_autofree char *directory = g_path_get_dirname (path);
  KabarMailService *service;

  /* The mail is the user's alone. If the folder cannot be made, the
   * service says so: it cannot open its store. */
  if (g_mkdir_with_parents (directory, 0700) != 0)
    g_warning ("Could not make the folder %s for the mail of %s: %s", directory,
               kabar_account_get_address (account), g_strerror (errno));
  service = kabar_mail_service_new (account, path);
  g_signal_connect_object (service, "new-mail", G_CALLBACK (on_new_mail), self, 0);
  g_signal_connect_object (service, "folder-changed", G_CALLBACK (on_folder_changed), self, 0);
  g_signal_connect_object (service, "message-failed", G_CALLBACK (on_message_failed), self, 0);
  apply_settings (self, service);
  kabar_mail_service_start (service);
  return service;
}

static void
stop_services (KabarApplication *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->services));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      kabar_mail_service_stop (service);
    }
  g_list_store_remove_all (self->services);
}

/* One started service for each account (IMAP, POP3 or Microsoft Graph:
 * the service runs the account's kind), in the accounts' order. */
static void
sync_services (KabarApplication *self)
{
  GListModel *accounts = G_LIST_MODEL (self->accounts);
  guint n_accounts = g_list_model_get_n_items (accounts);
  guint n_services = g_list_model_get_n_items (G_LIST_MODEL (self->services));
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean same;

  for (guint i = 0; i < n_accounts; i++)
    {
      g_autoptr(KabarAccount) account = g_list_model_get_item (accounts, i);
      KabarMailService *service;

      service = find_service (self, account);
      g_ptr_array_add (wanted, service != NULL ? g_object_ref (service)
                                                : start_service (self, account));
    }

  same = wanted->len == n_services;
  for (guint i = 0; same && i < n_services; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      same = service == g_ptr_array_index (wanted, i);
    }
  if (same)
    return;

  for (guint i = 0; i < n_services; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      if (!g_ptr_array_find (wanted, service, NULL))
        kabar_mail_service_stop (service);
    }
  g_list_store_splice (self->services, 0, n_services, wanted->pdata, wanted->len);
}

/* --- trusting a certificate ---------------------------------------------------------------- */

/* Which of the account's servers sent the certificate. */
static gboolean
find_server_role (KabarAccount            *account,
                  KabarCertificateProblem *problem,
                  KabarServerRole         *role)
{
  static const KabarServerRole roles[] = { KABAR_SERVER_INCOMING, KABAR_SERVER_OUTGOING };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_ascii_strcasecmp (kabar_account_get_host (account, roles[i]) ? kabar_account_get_host (account, roles[i]) : "",
                            kabar_certificate_problem_get_host (problem)) == 0
        && kabar_account_get_port (account, roles[i]) == kabar_certificate_problem_get_port (problem))
      {
        *role = roles[i];
        return TRUE;
      }
  return FALSE;
}

static void
on_trusted_account_saved (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* Saved, the copy took the account's place in the list, and
   * sync_services() started its new service. */
  if (!kabar_account_manager_save_finish (KABAR_ACCOUNT_MANAGER (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
kabar_application_trust_certificate_async (KabarApplication    *self,
                                           KabarMailService    *service,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(KabarAccount) edited = NULL;
  KabarCertificateProblem *problem;
  KabarAccount *account;
  KabarServerRole role;

  g_return_if_fail (KABAR_IS_APPLICATION (self));
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (service));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_application_trust_certificate_async);
  problem = kabar_mail_service_get_certificate_problem (service);
  account = kabar_mail_service_get_account (service);
  if (problem == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The account %s has no certificate to trust."),
                               kabar_account_get_address (account));
      return;
    }
  if (!find_server_role (account, problem, &role))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The certificate of %s is not from a server of the account %s."),
                               kabar_certificate_problem_get_host (problem),
                               kabar_account_get_address (account));
      return;
    }
  edited = kabar_account_dup (account);
  kabar_account_set_pinned_certificate (edited, role, kabar_certificate_problem_get_certificate (problem));
  kabar_account_manager_save_async (self->accounts, edited, cancellable, on_trusted_account_saved,
                                    g_steal_pointer (&task));
}

gboolean
kabar_application_trust_certificate_finish (KabarApplication  *self,
                                            GAsyncResult      *result,
                                            GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_accounts_changed (GListModel       *accounts,
                     guint             position,
                     guint             removed,
                     guint             added,
                     KabarApplication *self)
{
  if (self->accounts_loaded)
    sync_services (self);
}

/* An action that needs the accounts, asked for before they are read
 * (a mailto: link that started Kabar): it waits for them. */
static gboolean
wait_for_accounts (KabarApplication *self,
                   const char       *name,
                   GVariant         *parameter)
{
  if (self->accounts_loaded)
    return FALSE;
  g_ptr_array_add (self->pending_actions, g_variant_ref_sink (g_variant_new ("(sv)", name, parameter)));
  g_application_hold (G_APPLICATION (self));
  return TRUE;
}

static void
run_pending_actions (KabarApplication *self)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending_actions);

  self->pending_actions = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  for (guint i = 0; i < pending->len; i++)
    {
      const char *name = NULL;
      g_autoptr(GVariant) parameter = NULL;

      g_variant_get (g_ptr_array_index (pending, i), "(&sv)", &name, &parameter);
      g_action_group_activate_action (G_ACTION_GROUP (self), name, parameter);
      g_application_release (G_APPLICATION (self));
    }
}

static void
on_accounts_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  KabarApplication *self;
  g_autoptr(GError) error = NULL;

  if (!kabar_account_manager_load_finish (KABAR_ACCOUNT_MANAGER (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not read the accounts: %s", error->message);
    }

  self = KABAR_APPLICATION (user_data);
  {
    GPtrArray *problems = kabar_account_manager_get_problems (KABAR_ACCOUNT_MANAGER (source));

    for (guint i = 0; i < problems->len; i++)
      g_warning ("%s", ((GError *) g_ptr_array_index (problems, i))->message);
  }

  self->accounts_loaded = TRUE;
  sync_services (self);
  run_pending_actions (self);

  if (self->present_when_loaded)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

      self->present_when_loaded = FALSE;
      if (windows != NULL)
        gtk_window_present (windows->data);
      /* The first start: what there is to do is to set up an account. */
      if (windows != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->accounts)) == 0)
        g_action_group_activate_action (G_ACTION_GROUP (self), "add-account", NULL);
    }
}

/* --- new mail -------------------------------------------------------------------------------- */

/* What an account's notification shows, to withdraw it once it is read. */
typedef struct
{
  KabarMailService *service;
  gint64            folder_id;
  GArray           *message_ids;
} Announced;

static void
announced_free (gpointer data)
{
  Announced *announced = data;

  g_object_unref (announced->service);
  g_array_unref (announced->message_ids);
  g_free (announced);
}

/* A batch on its way to a notification: read off the UI thread. */
typedef struct
{
  KabarStore *store;
  gint64      folder_id;
  GArray     *message_ids;
} Batch;

static void
batch_free (gpointer data)
{
  Batch *batch = data;

  g_object_unref (batch->store);
  g_array_unref (batch->message_ids);
  g_free (batch);
}

/* The batch's messages still unread (KabarMessageSummary elements); none
 * when the folder is not the INBOX. */
static void
read_unread_in_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  Batch *batch = task_data;
  GPtrArray *unread = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(KabarStoreFolder) folder = kabar_store_get_folder (batch->store, batch->folder_id, NULL);

  for (guint i = 0; folder != NULL && folder->role == KABAR_FOLDER_ROLE_INBOX
                    && i < batch->message_ids->len; i++)
    {
      gint64 id = g_array_index (batch->message_ids, gint64, i);
      /* Gone meanwhile (moved, deleted): nothing to announce. */
      KabarMessageSummary *summary = kabar_store_get_message (batch->store, id, NULL);

      if (summary != NULL && (summary->flags & KABAR_MESSAGE_FLAG_SEEN) == 0)
        g_ptr_array_add (unread, summary);
      else
        g_clear_pointer (&summary, kabar_message_summary_free);
    }
  g_task_return_pointer (task, unread, (GDestroyNotify) g_ptr_array_unref);
}

static void
read_unread_async (KabarMailService    *service,
                   gint64               folder_id,
                   GArray              *message_ids,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (service, NULL, callback, user_data);
  Batch *batch = g_new0 (Batch, 1);

  batch->store = g_object_ref (kabar_mail_service_get_store (service));
  batch->folder_id = folder_id;
  batch->message_ids = g_array_ref (message_ids);
  g_task_set_source_tag (task, read_unread_async);
  g_task_set_task_data (task, batch, batch_free);
  g_task_run_in_thread (task, read_unread_in_thread);
}

/* The user is looking at the folder already: the list shows the news. */
static gboolean
window_shows_folder (KabarApplication *self,
                     KabarMailService *service,
                     gint64            folder_id)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  KabarFolderItem *folder;

  if (!KABAR_IS_WINDOW (window) || !gtk_window_is_active (window)
      || !gtk_widget_get_mapped (GTK_WIDGET (window)))
    return FALSE;
  folder = kabar_window_get_folder (KABAR_WINDOW (window));
  return folder != NULL && kabar_folder_item_get_service (folder) == service
         && kabar_folder_item_get_id (folder) == folder_id;
}

static void
on_unread_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KabarApplication) self = user_data;
  KabarMailService *service = KABAR_MAIL_SERVICE (source);
  KabarAccount *account = kabar_mail_service_get_account (service);
  g_autoptr(GPtrArray) unread = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;
  Announced *announced;
  gint64 folder_id = ((Batch *) g_task_get_task_data (G_TASK (result)))->folder_id;

  /* Shut down meanwhile: announced is gone. */
  if (self->announced == NULL || unread == NULL || unread->len == 0
      || window_shows_folder (self, service, folder_id)
      || !g_settings_get_boolean (self->settings, "notifications"))
    return;
  notification = kabar_new_mail_notification_new (account, folder_id, unread);
  id = kabar_new_mail_notification_dup_id (account);
  g_application_send_notification (G_APPLICATION (self), id, notification);

  announced = g_new0 (Announced, 1);
  announced->service = g_object_ref (service);
  announced->folder_id = folder_id;
  announced->message_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), unread->len);
  for (guint i = 0; i < unread->len; i++)
    g_array_append_val (announced->message_ids,
                        ((KabarMessageSummary *) g_ptr_array_index (unread, i))->id);
  g_hash_table_replace (self->announced, g_strdup (kabar_account_get_id (account)), announced);
}

static void
on_new_mail (KabarMailService *service,
             gint64            folder_id,
             GArray           *message_ids,
             KabarApplication *self)
{
  /* Shown as it arrived: the user saw it come in. */
  if (self->settings == NULL || !g_settings_get_boolean (self->settings, "notifications")
      || kabar_mail_service_get_store (service) == NULL
      || window_shows_folder (self, service, folder_id))
    return;
  read_unread_async (service, folder_id, message_ids, on_unread_read, g_object_ref (self));
}

static void
withdraw (KabarApplication *self,
          KabarAccount     *account)
{
  g_autofree char *id = kabar_new_mail_notification_dup_id (account);

  g_application_withdraw_notification (G_APPLICATION (self), id);
  g_hash_table_remove (self->announced, kabar_account_get_id (account));
}

static void
on_announced_reread (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KabarApplication) self = user_data;
  KabarAccount *account = kabar_mail_service_get_account (KABAR_MAIL_SERVICE (source));
  g_autoptr(GPtrArray) unread = g_task_propagate_pointer (G_TASK (result), NULL);
  Batch *batch = g_task_get_task_data (G_TASK (result));
  Announced *announced = self->announced != NULL
                         ? g_hash_table_lookup (self->announced, kabar_account_get_id (account))
                         : NULL;

  /* Still the same notification, and everything in it read or gone. */
  if (announced != NULL && announced->message_ids == batch->message_ids
      && unread != NULL && unread->len == 0)
    withdraw (self, account);
}

/* Read here or elsewhere: the notification has nothing left to say. */
static void
on_folder_changed (KabarMailService *service,
                   gint64            folder_id,
                   KabarApplication *self)
{
  KabarAccount *account = kabar_mail_service_get_account (service);
  Announced *announced = self->announced != NULL
                         ? g_hash_table_lookup (self->announced, kabar_account_get_id (account))
                         : NULL;

  if (announced == NULL || announced->service != service || announced->folder_id != folder_id)
    return;
  read_unread_async (service, folder_id, announced->message_ids, on_announced_reread,
                     g_object_ref (self));
}

static KabarMailService *
find_service_by_id (KabarApplication *self,
                    const char       *account_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->services));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      if (g_strcmp0 (kabar_account_get_id (kabar_mail_service_get_account (service)), account_id) == 0)
        return service;
    }
  return NULL;
}

/* A notification clicked: the window, on that message. */
static void
kabar_application_show_message_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  KabarApplication *self = KABAR_APPLICATION (user_data);
  const char *account_id = NULL;
  gint64 folder_id = 0;
  gint64 message_id = 0;
  KabarMailService *service;
  GtkWindow *window;

  g_variant_get (parameter, "(&sxx)", &account_id, &folder_id, &message_id);
  g_application_activate (G_APPLICATION (self));
  service = find_service_by_id (self, account_id);
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (service == NULL || !KABAR_IS_WINDOW (window))
    return;
  kabar_window_show_message (KABAR_WINDOW (window), service, folder_id, message_id);
}

/* --- mail that could not be sent ------------------------------------------------------------ */

/* A message the server refused, on its way to Drafts and a notification. */
typedef struct
{
  KabarApplication     *self;
  KabarMailService     *service;
  gint64                outbox_id;
  GError               *error;
  KabarOutgoingMessage *message;
} Failure;

static void
failure_free (Failure *failure)
{
  g_object_unref (failure->self);
  g_object_unref (failure->service);
  g_error_free (failure->error);
  g_clear_object (&failure->message);
  g_free (failure);
}

/* The server's words and the subject; clicking it opens the draft, when
 * the message became one. */
static void
notify_failure (Failure *failure,
                gint64   draft_id)
{
  KabarAccount *account = kabar_mail_service_get_account (failure->service);
  const char *subject = failure->message != NULL ? kabar_outgoing_message_get_subject (failure->message) : NULL;
  g_autoptr(GNotification) notification = g_notification_new (_("Message not sent"));
  g_autofree char *id = g_strdup_printf ("message-failed-%s-%" G_GINT64_FORMAT, kabar_account_get_id (account),
                                         failure->outbox_id);
  g_autofree char *body = NULL;

  if (subject == NULL || *subject == '\0')
    subject = _("(no subject)");
  if (draft_id > 0)
    /* Translators: a message the server refused: its subject, then the
     * server's words. */
    body = g_strdup_printf (_("“%s” is kept in Drafts. %s"), subject, failure->error->message);
  else
    body = g_strdup_printf (_("“%s”: %s"), subject, failure->error->message);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  if (draft_id > 0)
    g_notification_set_default_action_and_target (notification, "app.open-draft", "(sx)",
                                                   kabar_account_get_id (account), draft_id);
  g_application_send_notification (G_APPLICATION (failure->self), id, notification);
}

static void
on_failed_message_saved (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Failure *failure = user_data;
  g_autoptr(GError) error = NULL;
  gint64 draft_id = kabar_mail_service_save_draft_finish (KABAR_MAIL_SERVICE (source), result, &error);

  if (draft_id <= 0)
    g_warning ("Could not keep a message that was not sent as a draft: %s", error->message);
  notify_failure (failure, draft_id);
  failure_free (failure);
}

static void
on_failed_message_taken_back (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  Failure *failure = user_data;
  g_autoptr(GError) error = NULL;

  failure->message = kabar_mail_service_take_back_finish (KABAR_MAIL_SERVICE (source), result, &error);
  if (failure->message == NULL)
    {
      g_warning ("Could not take back a message that was not sent: %s", error->message);
      notify_failure (failure, 0);
      failure_free (failure);
      return;
    }
  kabar_mail_service_save_draft_async (failure->service, failure->message, 0, NULL, on_failed_message_saved,
                                       failure);
}

/* Out of the outbox and into Drafts: the user finds it where unfinished
 * mail is, fixes it, and sends it again. */
static void
on_message_failed (KabarMailService *service,
                   gint64            outbox_id,
                   GError           *error,
                   KabarApplication *self)
{
  Failure *failure = g_new0 (Failure, 1);

  failure->self = g_object_ref (self);
  failure->service = g_object_ref (service);
  failure->outbox_id = outbox_id;
  failure->error = g_error_copy (error);
  kabar_mail_service_take_back_async (service, outbox_id, NULL, on_failed_message_taken_back, failure);
}

/* The notification of a message not sent clicked: its draft. */
static void
kabar_application_open_draft_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  KabarApplication *self = KABAR_APPLICATION (user_data);
  const char *account_id = NULL;
  gint64 message_id = 0;
  KabarMailService *service;

  if (wait_for_accounts (self, g_action_get_name (G_ACTION (action)), parameter))
    return;
  g_variant_get (parameter, "(&sx)", &account_id, &message_id);
  service = find_service_by_id (self, account_id);
  if (service != NULL && message_id > 0)
    kabar_compose_actions_open_draft (gtk_application_get_active_window (GTK_APPLICATION (self)), self,
                                      service, message_id);
}

/* --- writing ------------------------------------------------------------------------------------- */

static void
kabar_application_open_mailto_action (GSimpleAction *action,
                                      GVariant      *parameter,
                                      gpointer       user_data)
{
  KabarApplication *self = KABAR_APPLICATION (user_data);

  if (wait_for_accounts (self, g_action_get_name (G_ACTION (action)), parameter))
    return;
  kabar_compose_actions_open_mailto (gtk_application_get_active_window (GTK_APPLICATION (self)), self,
                                     g_variant_get_string (parameter, NULL));
}

static void
kabar_application_preferences_action (GSimpleAction *action,
                                      GVariant      *parameter,
                                      gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (kabar_preferences_window_new (KABAR_APPLICATION (user_data))));
}

/* The account assistant, over the window it was asked from (the main
 * window, the preferences); the one already open, if any. */
static void
kabar_application_add_account_action (GSimpleAction *action,
                                      GVariant      *parameter,
                                      gpointer       user_data)
{
  KabarApplication *self = KABAR_APPLICATION (user_data);
  GListModel *toplevels = gtk_window_get_toplevels ();
  KabarAccountAssistant *assistant;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (KABAR_IS_ACCOUNT_ASSISTANT (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          gtk_window_present (window);
          return;
        }
    }
  assistant = kabar_account_assistant_new (self, gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (assistant));
}

/* --- the application --------------------------------------------------------------------- */

static int
kabar_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", "Kabar", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  /* Go on: register with the running instance, or become it. */
  return -1;
}

static void
kabar_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  KabarApplication *self = KABAR_APPLICATION (app);

  /* Single instance: a second launch raises the window it already has. */
  if (window == NULL)
    window = GTK_WINDOW (kabar_window_new (self));

  if (self->accounts_loaded)
    gtk_window_present (window);
  else
    self->present_when_loaded = TRUE;
}

/* Each file in a window of its own, without the main window: someone
 * who opened a saved message wants to read that message. */
static void
kabar_application_open (GApplication  *app,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      KabarMessageWindow *window;

      /* `kabar mailto:...`, and the desktop file's mailto: links. */
      if (g_file_has_uri_scheme (files[i], "mailto"))
        {
          g_autofree char *uri = g_file_get_uri (files[i]);

          g_action_group_activate_action (G_ACTION_GROUP (app), "open-mailto", g_variant_new_string (uri));
          continue;
        }
      window = kabar_message_window_new (GTK_APPLICATION (app));

      kabar_message_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
kabar_application_about_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  static const char *developers[] = { "The Kabar developers", NULL };
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", "Kabar",
                        "application-icon", KABAR_APPLICATION_ID,
                        "comments", _("Read, search, organise and write your mail"),
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Kabar developers"),
                        "developers", developers,
                        /* Translators: put your names here, one a line. */
                        "translator-credits", _("translator-credits"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Kabar developers",
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
kabar_application_quit_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  /* Held: closing a window also destroys the dialogs it has. */
  GList *windows = g_list_copy_deep (gtk_application_get_windows (GTK_APPLICATION (user_data)),
                                     (GCopyFunc) g_object_ref, NULL);

  /* Closed, not torn down: a composer saves its draft as it closes, and
   * holds the application until the draft is on disk. The application
   * ends when the last window and the last hold are gone. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = kabar_application_about_action },
  { .name = "quit", .activate = kabar_application_quit_action },
  { .name = "show-message", .activate = kabar_application_show_message_action,
    .parameter_type = KABAR_NEW_MAIL_TARGET_TYPE },
  { .name = "open-draft", .activate = kabar_application_open_draft_action, .parameter_type = "(sx)" },
  { .name = "open-mailto", .activate = kabar_application_open_mailto_action, .parameter_type = "s" },
  { .name = "preferences", .activate = kabar_application_preferences_action },
  { .name = "add-account", .activate = kabar_application_add_account_action },
};

static void
kabar_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  KabarApplication *self = KABAR_APPLICATION (app);

  G_APPLICATION_CLASS (kabar_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
  g_signal_connect_swapped (self->settings, "changed::check-interval", G_CALLBACK (on_service_setting_changed), self);
  g_signal_connect_swapped (self->settings, "changed::send-delay", G_CALLBACK (on_service_setting_changed), self);
  /* GSettings tells of changes only to keys read since connecting. */
  g_settings_get_uint (self->settings, "check-interval");
  g_settings_get_uint (self->settings, "send-delay");

  /* $XDG_CONFIG_HOME/kabar/accounts */
  self->accounts = kabar_account_manager_new (NULL);
  g_signal_connect (self->accounts, "items-changed", G_CALLBACK (on_accounts_changed), self);
  kabar_account_manager_load_async (self->accounts, self->cancellable, on_accounts_loaded, self);
}

static void
kabar_application_shutdown (GApplication *app)
{
  KabarApplication *self = KABAR_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  stop_services (self);
  G_APPLICATION_CLASS (kabar_application_parent_class)->shutdown (app);
}

static void
kabar_application_dispose (GObject *object)
{
  KabarApplication *self = KABAR_APPLICATION (object);

  /* Also for an application that was registered but never run. */
  g_cancellable_cancel (self->cancellable);
  if (self->services != NULL)
    stop_services (self);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_clear_object (&self->accounts);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->announced, g_hash_table_unref);
  G_OBJECT_CLASS (kabar_application_parent_class)->dispose (object);
}

static void
kabar_application_finalize (GObject *object)
{
  KabarApplication *self = KABAR_APPLICATION (object);

  g_clear_object (&self->services);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_actions, g_ptr_array_unref);
  G_OBJECT_CLASS (kabar_application_parent_class)->finalize (object);
}

static void
kabar_application_class_init (KabarApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kabar_application_dispose;
  object_class->finalize = kabar_application_finalize;

  app_class->activate = kabar_application_activate;
  app_class->open = kabar_application_open;
  app_class->startup = kabar_application_startup;
  app_class->shutdown = kabar_application_shutdown;
  app_class->handle_local_options = kabar_application_handle_local_options;
}

static void
kabar_application_init (KabarApplication *self)
{
  static const GOptionEntry entries[] = {
    { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Show the version of Kabar and quit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  self->cancellable = g_cancellable_new ();
  self->services = g_list_store_new (KABAR_TYPE_MAIL_SERVICE);
  self->settings = g_settings_new (KABAR_APPLICATION_ID);
  self->announced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, announced_free);
  self->pending_actions = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
}
