/* kabar-compose-actions.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-compose-actions.h"
#include "kabar-composer.h"
#include "kabar-mailto.h"
#include "kabar-window.h"

/* Pages' scripts never run (kabar-message-web.c); a world of Kabar's own
 * still reads the DOM's selection. */
#define SELECTION_WORLD  "kabar-selection"
#define SELECTION_SCRIPT "window.getSelection().toString()"

/* --- saying what went wrong -------------------------------------------------------------- */

static void
show_dialog (GtkWindow  *parent,
             const char *heading,
             const char *text)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, text);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  /* Alone (a mailto: link opened Kabar), it keeps Kabar running. */
  if (parent == NULL)
    gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (g_application_get_default ()));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_error (GtkWindow  *parent,
            const char *heading,
            const char *text)
{
  /* The main window says it in a toast, as for its other actions. */
  if (KABAR_IS_WINDOW (parent) && gtk_widget_get_mapped (GTK_WIDGET (parent)))
    {
      g_autofree char *both = g_strdup_printf ("%s: %s", heading, text);
      g_autofree char *escaped = g_markup_escape_text (both, -1);
      g_autoptr(AdwToast) toast = adw_toast_new (escaped);

      kabar_window_add_toast (KABAR_WINDOW (parent), toast, FALSE);
      return;
    }
  show_dialog (parent, heading, text);
}

static gboolean
has_account (KabarApplication *application)
{
  return g_list_model_get_n_items (kabar_application_get_services (application)) > 0;
}

static void
say_account_needed (GtkWindow *parent)
{
  show_dialog (parent, _("No Mail Account"), _("Writing a message needs a mail account. Kabar has none set up yet."));
}

static void
present_composer (KabarApplication     *application,
                  KabarMailService     *service,
                  KabarOutgoingMessage *message,
                  KabarComposerStart    start,
                  gint64                draft_message_id)
{
  GtkWidget *composer = kabar_composer_new (application, service, message, start, draft_message_id);

  gtk_window_present (GTK_WINDOW (composer));
}

/* --- who the user is ----------------------------------------------------------------------- */

char **
kabar_compose_actions_dup_own_addresses (KabarApplication *application)
{
  GListModel *accounts = G_LIST_MODEL (kabar_application_get_account_manager (application));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; accounts != NULL && i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(KabarAccount) account = g_list_model_get_item (accounts, i);

      for (guint j = 0; j < kabar_account_get_n_identities (account); j++)
        g_strv_builder_add (builder, kabar_account_get_identity_address (account, j));
    }
  return g_strv_builder_end (builder);
}

/* The service whose account sends as address, and which identity. */
static KabarMailService *
find_identity (KabarApplication *application,
               const char       *address,
               guint            *index)
{
  GListModel *services = kabar_application_get_services (application);

  for (guint i = 0; address != NULL && i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (services, i);
      KabarAccount *account = kabar_mail_service_get_account (service);

      for (guint j = 0; j < kabar_account_get_n_identities (account); j++)
        if (g_ascii_strcasecmp (kabar_account_get_identity_address (account, j), address) == 0)
          {
            *index = j;
            return service;
          }
    }
  return NULL;
}

/* --- replies and forwards -------------------------------------------------------------------- */

typedef struct
{
  GWeakRef          parent;
  KabarApplication *application;
  KabarMailService *service;
  gint64            message_id;
  GBytes           *raw;
  KabarReplyKind    kind;
  char             *selected_text;
  char            **own_addresses;
  /* Set by the worker: which of own_addresses the message came to. */
  char             *own_address;
} Reply;

static void
reply_free (Reply *reply)
{
  g_weak_ref_clear (&reply->parent);
  g_clear_object (&reply->application);
  g_clear_object (&reply->service);
  g_clear_pointer (&reply->raw, g_bytes_unref);
  g_free (reply->selected_text);
  g_strfreev (reply->own_addresses);
  g_free (reply->own_address);
  g_free (reply);
}

static void
reply_fail (Reply        *reply,
            const GError *error)
{
  g_autoptr(GtkWindow) parent = g_weak_ref_get (&reply->parent);
  const char *heading = reply->kind == KABAR_REPLY_SENDER || reply->kind == KABAR_REPLY_ALL
                        ? _("Could not reply") : _("Could not forward");

  show_error (parent, heading, error->message);
  reply_free (reply);
}

static void
build_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Reply *reply = task_data;
  GError *error = NULL;
  KabarOutgoingMessage *message = kabar_reply_new (reply->raw, reply->kind,
                                                   (const char * const *) reply->own_addresses,
                                                   reply->selected_text, &error);

  if (message == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  reply->own_address = kabar_reply_find_own_address (reply->raw, (const char * const *) reply->own_addresses);
  g_task_return_pointer (task, message, g_object_unref);
}

/* From: the address the message came to, else the account's own. */
static KabarMailService *
choose_sender (Reply                *reply,
               KabarOutgoingMessage *message)
{
  guint index = 0;
  KabarMailService *service = find_identity (reply->application, reply->own_address, &index);
  KabarAccount *account;

  if (service == NULL)
    {
      service = reply->service;
      index = 0;
    }
  if (service == NULL)
    return NULL;
  account = kabar_mail_service_get_account (service);
  kabar_outgoing_message_set_from (message, kabar_account_get_identity_name (account, index),
                                   kabar_account_get_identity_address (account, index));
  return service;
}

static void
on_built (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Reply *reply = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutgoingMessage) message = g_task_propagate_pointer (G_TASK (result), &error);

  if (message == NULL)
    {
      g_autoptr(GtkWindow) parent = g_weak_ref_get (&reply->parent);

      show_error (parent, reply->kind == KABAR_REPLY_SENDER || reply->kind == KABAR_REPLY_ALL
                          ? _("Could not reply") : _("Could not forward"), error->message);
      return;
    }
  present_composer (reply->application, choose_sender (reply, message), message, KABAR_COMPOSER_REPLY, 0);
}

static void
build (Reply *reply)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_built, NULL);

  /* A forward copies every attachment: not on the UI thread. */
  g_task_set_source_tag (task, build);
  g_task_set_task_data (task, reply, (GDestroyNotify) reply_free);
  g_task_run_in_thread (task, build_in_thread);
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GError) error = NULL;

  reply->raw = kabar_mail_service_get_body_finish (KABAR_MAIL_SERVICE (source), result, &error);
  if (reply->raw == NULL)
    {
      reply_fail (reply, error);
      return;
    }
  build (reply);
}

static void
read_body (Reply *reply)
{
  if (reply->raw != NULL)
    build (reply);
  else
    kabar_mail_service_get_body_async (reply->service, reply->message_id, NULL, on_body_read, reply);
}

static void
on_selection_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result,
                                                                          &error);

  /* No selection to be read is no selection: the whole message. */
  if (value == NULL)
    g_debug ("Could not read the selected text: %s", error->message);
  else if (jsc_value_is_string (value))
    reply->selected_text = jsc_value_to_string (value);
  if (reply->selected_text != NULL && g_strstrip (reply->selected_text)[0] == '\0')
    g_clear_pointer (&reply->selected_text, g_free);
  read_body (reply);
}

void
kabar_compose_actions_reply (GtkWindow                *parent,
                             const KabarComposeSource *source,
                             KabarReplyKind            kind)
{
  GtkApplication *application;
  Reply *reply;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (source != NULL);
  g_return_if_fail (source->raw != NULL || (source->service != NULL && source->message_id > 0));

  application = gtk_window_get_application (parent);
  g_return_if_fail (KABAR_IS_APPLICATION (application));
  if (!has_account (KABAR_APPLICATION (application)))
    {
      say_account_needed (parent);
      return;
    }
  reply = g_new0 (Reply, 1);
  g_weak_ref_init (&reply->parent, parent);
  reply->application = g_object_ref (KABAR_APPLICATION (application));
  reply->service = source->service != NULL ? g_object_ref (source->service) : NULL;
  reply->message_id = source->message_id;
  reply->raw = source->raw != NULL ? g_bytes_ref (source->raw) : NULL;
  reply->kind = kind;
  reply->own_addresses = kabar_compose_actions_dup_own_addresses (reply->application);
  /* A forward sends the whole message: only a reply quotes a part. */
  if (source->web_view != NULL && (kind == KABAR_REPLY_SENDER || kind == KABAR_REPLY_ALL))
    webkit_web_view_evaluate_javascript (source->web_view, SELECTION_SCRIPT, -1, SELECTION_WORLD, NULL, NULL,
                                         on_selection_read, reply);
  else
    read_body (reply);
}

/* --- new messages, drafts, mailto: ------------------------------------------------------------ */

void
kabar_compose_actions_compose (GtkWindow        *parent,
                               KabarApplication *application,
                               KabarMailService *service)
{
  g_return_if_fail (KABAR_IS_APPLICATION (application));

  if (!has_account (application))
    {
      say_account_needed (parent);
      return;
    }
  present_composer (application, service, NULL, KABAR_COMPOSER_NEW, 0);
}

typedef struct
{
  GWeakRef          parent;
  KabarApplication *application;
  gint64            message_id;
} Draft;

static void
on_draft_opened (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Draft *draft = user_data;
  KabarMailService *service = KABAR_MAIL_SERVICE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutgoingMessage) message = kabar_mail_service_open_draft_finish (service, result, &error);

  if (message != NULL)
    present_composer (draft->application, service, message, KABAR_COMPOSER_DRAFT, draft->message_id);
  else
    {
      g_autoptr(GtkWindow) parent = g_weak_ref_get (&draft->parent);

      show_error (parent, _("Could not open the draft"), error->message);
    }
  g_weak_ref_clear (&draft->parent);
  g_object_unref (draft->application);
  g_free (draft);
}

void
kabar_compose_actions_open_draft (GtkWindow        *parent,
                                  KabarApplication *application,
                                  KabarMailService *service,
                                  gint64            message_id)
{
  Draft *draft;

  g_return_if_fail (KABAR_IS_APPLICATION (application));
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (service));
  g_return_if_fail (message_id > 0);

  draft = g_new0 (Draft, 1);
  g_weak_ref_init (&draft->parent, parent);
  draft->application = g_object_ref (application);
  draft->message_id = message_id;
  kabar_mail_service_open_draft_async (service, message_id, NULL, on_draft_opened, draft);
}

void
kabar_compose_actions_open_mailto (GtkWindow        *parent,
                                   KabarApplication *application,
                                   const char       *uri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutgoingMessage) message = NULL;

  g_return_if_fail (KABAR_IS_APPLICATION (application));
  g_return_if_fail (uri != NULL);

  message = kabar_mailto_parse (uri, &error);
  if (message == NULL)
    {
      show_dialog (parent, _("Not a Mail Link"), error->message);
      return;
    }
  if (!has_account (application))
    {
      say_account_needed (parent);
      return;
    }
  present_composer (application, NULL, message, KABAR_COMPOSER_NEW, 0);
}

/* --- the actions ---------------------------------------------------------------------------------- */

#define SOURCE_FUNC_KEY "kabar-compose-source-func"

typedef struct
{
  KabarComposeSourceFunc func;
} SourceFunc;

static gboolean
get_source (GtkWindow          *window,
            KabarComposeSource *source)
{
  SourceFunc *source_func = g_object_get_data (G_OBJECT (window), SOURCE_FUNC_KEY);

  *source = (KabarComposeSource) { 0 };
  return source_func != NULL && source_func->func (window, source);
}

static void
reply_with (GtkWindow      *window,
            KabarReplyKind  kind)
{
  KabarComposeSource source;

  if (get_source (window, &source))
    kabar_compose_actions_reply (window, &source, kind);
}

static void
compose_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  GtkWindow *window = user_data;
  KabarComposeSource source;

  /* From the account whose mail the window shows. */
  get_source (window, &source);
  kabar_compose_actions_compose (window, KABAR_APPLICATION (gtk_window_get_application (window)),
                                 source.service);
}

static void
reply_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  reply_with (user_data, KABAR_REPLY_SENDER);
}

static void
reply_all_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  reply_with (user_data, KABAR_REPLY_ALL);
}

static void
forward_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  reply_with (user_data, KABAR_FORWARD_INLINE);
}

static void
forward_as_attachment_activated (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  reply_with (user_data, KABAR_FORWARD_ATTACHMENT);
}

static const GActionEntry compose_actions[] = {
  { .name = "compose", .activate = compose_activated },
  { .name = "reply", .activate = reply_activated },
  { .name = "reply-all", .activate = reply_all_activated },
  { .name = "forward", .activate = forward_activated },
  { .name = "forward-as-attachment", .activate = forward_as_attachment_activated },
};

void
kabar_compose_actions_add (GtkApplicationWindow   *window,
                           KabarComposeSourceFunc  source_func)
{
  SourceFunc *stored;

  g_return_if_fail (GTK_IS_APPLICATION_WINDOW (window));
  g_return_if_fail (source_func != NULL);

  stored = g_new0 (SourceFunc, 1);
  stored->func = source_func;
  g_object_set_data_full (G_OBJECT (window), SOURCE_FUNC_KEY, stored, g_free);
  g_action_map_add_action_entries (G_ACTION_MAP (window), compose_actions, G_N_ELEMENTS (compose_actions), window);
  kabar_compose_actions_set_message_enabled (window, FALSE);
}

void
kabar_compose_actions_set_message_enabled (GtkApplicationWindow *window,
                                           gboolean              enabled)
{
  g_return_if_fail (GTK_IS_APPLICATION_WINDOW (window));

  /* compose (index 0) needs no message. */
  for (guint i = 1; i < G_N_ELEMENTS (compose_actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), compose_actions[i].name);

      if (action != NULL)
        g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
    }
}
