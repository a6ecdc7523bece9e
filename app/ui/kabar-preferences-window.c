/* kabar-preferences-window.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-editor.h"
#include "kabar-account-fix.h"
#include "kabar-preferences-window.h"

struct _KabarPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkStack             *accounts_stack;
  GtkListBox           *accounts_list;
  GtkSwitch            *prefer_plain_switch;
  AdwComboRow          *remote_content_row;
  GtkSpinButton        *mark_read_spin;
  GtkSwitch            *conversations_switch;
  GtkSwitch            *rich_text_switch;
  AdwComboRow          *reply_position_row;
  GtkSwitch            *notifications_switch;
  GtkSpinButton        *check_interval_spin;

  KabarApplication     *application;
  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (KabarPreferencesWindow, kabar_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* --- choices kept as strings ------------------------------------------------------------- */

/* The combo rows' items, in order, as the keys spell them. */
static const char * const remote_content_values[] = { "never", "senders", "always", NULL };
static const char * const reply_position_values[] = { "above", "below", NULL };

static gboolean
get_choice (GValue   *value,
            GVariant *variant,
            gpointer  user_data)
{
  const char * const *values = user_data;
  const char *chosen = g_variant_get_string (variant, NULL);

  for (guint i = 0; values[i] != NULL; i++)
    if (g_strcmp0 (values[i], chosen) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
set_choice (const GValue       *value,
            const GVariantType *expected_type,
            gpointer            user_data)
{
  const char * const *values = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) values))
    return NULL;
  return g_variant_new_string (values[selected]);
}

static void
bind_choice (KabarPreferencesWindow *self,
             const char             *key,
             AdwComboRow            *row,
             const char * const     *values)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                get_choice, set_choice, (gpointer) values, NULL);
}

static void
bind_settings (KabarPreferencesWindow *self)
{
  g_settings_bind (self->settings, "prefer-plain-text", self->prefer_plain_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  bind_choice (self, "remote-content", self->remote_content_row, remote_content_values);
  g_settings_bind (self->settings, "mark-read-delay", self->mark_read_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "conversations", self->conversations_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "compose-rich-text", self->rich_text_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  bind_choice (self, "reply-position", self->reply_position_row, reply_position_values);
  g_settings_bind (self->settings, "notifications", self->notifications_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "check-interval", self->check_interval_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
}

/* --- the accounts ------------------------------------------------------------------------ */

static KabarMailService *
find_service (KabarPreferencesWindow *self,
              KabarAccount           *account)
{
  GListModel *services = kabar_application_get_services (self->application);
  guint n = g_list_model_get_n_items (services);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (services, i);

      if (kabar_mail_service_get_account (service) == account)
        return service;
    }
  return NULL;
}

static const char *
describe_kind (KabarAccount *account)
{
  switch (kabar_account_get_incoming_kind (account))
    {
    case KABAR_INCOMING_POP3:
      return _("POP");
    case KABAR_INCOMING_GRAPH:
      return _("Outlook.com");
    case KABAR_INCOMING_IMAP:
    default:
      return _("IMAP");
    }
}

/* The words of the sidebar, shorter: the sidebar says the details. */
static const char *
describe_status (KabarMailService *service)
{
  if (service == NULL)
    return _("Not running");
  switch (kabar_mail_service_get_status (service))
    {
    case KABAR_MAIL_SERVICE_STATUS_CONNECTING:
      return _("Connecting…");
    case KABAR_MAIL_SERVICE_STATUS_SYNCING:
    case KABAR_MAIL_SERVICE_STATUS_ONLINE:
      return _("Connected");
    case KABAR_MAIL_SERVICE_STATUS_OFFLINE:
      return _("Offline");
    case KABAR_MAIL_SERVICE_STATUS_ERROR:
      switch (kabar_account_fix_for (service))
        {
        case KABAR_ACCOUNT_FIX_SIGN_IN:
          return kabar_account_get_auth_method (kabar_mail_service_get_account (service)) == KABAR_AUTH_OAUTH2
                 ? _("Microsoft asks you to sign in again.")
                 : _("The server refused the password.");
        case KABAR_ACCOUNT_FIX_CERTIFICATE:
          return _("The server’s certificate is not trusted.");
        case KABAR_ACCOUNT_FIX_RETRY:
        case KABAR_ACCOUNT_FIX_NONE:
        default:
          return _("Kabar could not connect to this account.");
        }
    case KABAR_MAIL_SERVICE_STATUS_STOPPED:
    default:
      return _("Stopped");
    }
}

static void
update_account_row (AdwActionRow     *row,
                    KabarMailService *service)
{
  KabarAccount *account = g_object_get_data (G_OBJECT (row), "kabar-account");
  g_autofree char *subtitle = NULL;

  /* Translators: an account's address, its kind ("IMAP") and its state. */
  subtitle = g_strdup_printf (_("%s · %s · %s"), kabar_account_get_address (account),
                              describe_kind (account), describe_status (service));
  adw_action_row_set_subtitle (row, subtitle);
}

static void
on_service_status (KabarMailService *service,
                   GParamSpec       *pspec,
                   AdwActionRow     *row)
{
  update_account_row (row, service);
}

static void
on_edit_clicked (GtkButton              *button,
                 KabarPreferencesWindow *self)
{
  KabarAccount *account = g_object_get_data (G_OBJECT (button), "kabar-account");

  kabar_preferences_window_edit_account (self, kabar_account_get_id (account));
}

static GtkWidget *
create_account_row (gpointer item,
                    gpointer user_data)
{
  KabarPreferencesWindow *self = user_data;
  KabarAccount *account = item;
  KabarMailService *service = find_service (self, account);
  const char *name = kabar_account_get_display_name (account);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
  g_autofree char *edit_label = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 name != NULL && *name != '\0' ? name : kabar_account_get_address (account));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "kabar-account", g_object_ref (account), g_object_unref);
  update_account_row (ADW_ACTION_ROW (row), service);
  if (service != NULL)
    g_signal_connect_object (service, "notify::status", G_CALLBACK (on_service_status), row, 0);

  /* Translators: the tooltip of the button that edits the account %s. */
  edit_label = g_strdup_printf (_("Edit %s"), kabar_account_get_address (account));
  gtk_widget_set_tooltip_text (edit, edit_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (edit), GTK_ACCESSIBLE_PROPERTY_LABEL, edit_label, -1);
  gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (edit, "flat");
  g_object_set_data_full (G_OBJECT (edit), "kabar-account", g_object_ref (account), g_object_unref);
  g_signal_connect_object (edit, "clicked", G_CALLBACK (on_edit_clicked), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), edit);
  return row;
}

static void
show_accounts (KabarPreferencesWindow *self)
{
  GListModel *accounts = G_LIST_MODEL (kabar_application_get_account_manager (self->application));

  /* Bound again, the rows find the services that run now. */
  gtk_list_box_bind_model (self->accounts_list, accounts, create_account_row, self, NULL);
  gtk_stack_set_visible_child_name (self->accounts_stack,
                                    g_list_model_get_n_items (accounts) > 0 ? "list" : "none");
}

static void
on_accounts_changed (KabarPreferencesWindow *self)
{
  GListModel *accounts = G_LIST_MODEL (kabar_application_get_account_manager (self->application));

  gtk_stack_set_visible_child_name (self->accounts_stack,
                                    g_list_model_get_n_items (accounts) > 0 ? "list" : "none");
}

gboolean
kabar_preferences_window_edit_account (KabarPreferencesWindow *self,
                                       const char             *account_id)
{
  KabarAccount *account;
  GtkWidget *editor;

  g_return_val_if_fail (KABAR_IS_PREFERENCES_WINDOW (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);

  account = kabar_account_manager_lookup (kabar_application_get_account_manager (self->application), account_id);
  if (account == NULL)
    return FALSE;
  /* A window of its own, not a subpage: libadwaita 1.2's subpages break
   * when one opens while the last one's closing slide still runs. */
  editor = kabar_account_editor_new (self->application, account, GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (editor));
  return TRUE;
}

/* --- the window -------------------------------------------------------------------------- */

GtkWidget *
kabar_preferences_window_new (KabarApplication *application)
{
  KabarPreferencesWindow *self;

  g_return_val_if_fail (KABAR_IS_APPLICATION (application), NULL);

  self = g_object_new (KABAR_TYPE_PREFERENCES_WINDOW,
                       "application", application,
                       "transient-for", gtk_application_get_active_window (GTK_APPLICATION (application)),
                       NULL);
  self->application = g_object_ref (application);
  g_signal_connect_object (kabar_application_get_account_manager (application), "items-changed",
                           G_CALLBACK (on_accounts_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (kabar_application_get_services (application), "items-changed",
                           G_CALLBACK (show_accounts), self, G_CONNECT_SWAPPED);
  show_accounts (self);
  return GTK_WIDGET (self);
}

static void
kabar_preferences_window_dispose (GObject *object)
{
  KabarPreferencesWindow *self = KABAR_PREFERENCES_WINDOW (object);

  if (self->accounts_list != NULL)
    gtk_list_box_bind_model (self->accounts_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->application);
  G_OBJECT_CLASS (kabar_preferences_window_parent_class)->dispose (object);
}

static void
kabar_preferences_window_class_init (KabarPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kabar/Kabar/kabar-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarPreferencesWindow, accounts_stack);
  gtk_widget_class_bind_template_child (widget_class, KabarPreferencesWindow, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, KabarPreferencesWindow, prefer_plain_switch);
  gtk_widget_class_bind_template_child (widget_class, KabarPreferencesWindow, remote_content_row);
  gtk_widget_class_bind_template_child (widget_class, KabarPreferencesWindow, mark_read_spin);
  gtk_widget_class_bind_template_child (widget_class, KabarPreferencesWindow, conversations_switch);
  gtk_widget_class_bind_template_child (widget_class, KabarPreferencesWindow, rich_text_switch);
  gtk_widget_class_bind_template_child (widget_class, KabarPreferencesWindow, reply_position_row);
  gtk_widget_class_bind_template_child (widget_class, KabarPreferencesWindow, notifications_switch);
  gtk_widget_class_bind_template_child (widget_class, KabarPreferencesWindow, check_interval_spin);
}

static void
kabar_preferences_window_init (KabarPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (KABAR_APPLICATION_ID);
  bind_settings (self);
}
