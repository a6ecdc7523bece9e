/* kabar-window.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-folder-list.h"
#include "kabar-message-list.h"
#include "kabar-window.h"

struct _KabarWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  GListModel           *services;
  GBinding             *title_binding;

  GtkStack             *main_stack;
  AdwStatusPage        *no_account_page;
  AdwLeaflet           *leaflet;
  GtkWidget            *content_pane;
  KabarFolderList      *folder_list;
  AdwWindowTitle       *folder_title;
  KabarMessageList     *message_list;
};

G_DEFINE_FINAL_TYPE (KabarWindow, kabar_window, ADW_TYPE_APPLICATION_WINDOW)

KabarWindow *
kabar_window_new (KabarApplication *application)
{
  return g_object_new (KABAR_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static void
clear_title_binding (KabarWindow *self)
{
  if (self->title_binding == NULL)
    return;
  g_binding_unbind (self->title_binding);
  g_clear_object (&self->title_binding);
}

static void
update_page (KabarWindow *self)
{
  gboolean has_accounts = self->services != NULL && g_list_model_get_n_items (self->services) > 0;

  gtk_stack_set_visible_child_name (self->main_stack, has_accounts ? "mail" : "no-account");
}

static void
on_services_changed (GListModel  *services,
                     guint        position,
                     guint        removed,
                     guint        added,
                     KabarWindow *self)
{
  update_page (self);
}

static void
on_folder_selected (KabarWindow *self)
{
  KabarFolderItem *folder = kabar_folder_list_get_selected (self->folder_list);

  clear_title_binding (self);
  kabar_message_list_set_folder (self->message_list, folder);
  if (folder == NULL)
    {
      adw_window_title_set_title (self->folder_title, "");
      adw_window_title_set_subtitle (self->folder_title, "");
      return;
    }
  self->title_binding = g_object_ref (g_object_bind_property (folder, "display-name",
                                                              self->folder_title, "title",
                                                              G_BINDING_SYNC_CREATE));
  /* Which account's Inbox, when there are several. */
  if (g_list_model_get_n_items (self->services) > 1)
    {
      KabarAccount *account = kabar_mail_service_get_account (kabar_folder_item_get_service (folder));

      adw_window_title_set_subtitle (self->folder_title, kabar_account_get_address (account));
    }
  else
    adw_window_title_set_subtitle (self->folder_title, "");
}

static void
on_folder_activated (KabarWindow     *self,
                     KabarFolderItem *folder)
{
  /* Narrow, the user chose where to go: go there. */
  adw_leaflet_set_visible_child (self->leaflet, self->content_pane);
}

static void
on_back_clicked (KabarWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* "application" is set after construction: the accounts come with it. */
static void
on_application_changed (KabarWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  GListModel *services = KABAR_IS_APPLICATION (application)
                         ? kabar_application_get_services (KABAR_APPLICATION (application))
                         : NULL;

  if (services == self->services)
    return;
  if (self->services != NULL)
    g_signal_handlers_disconnect_by_func (self->services, on_services_changed, self);
  g_set_object (&self->services, services);
  if (services != NULL)
    g_signal_connect (services, "items-changed", G_CALLBACK (on_services_changed), self);
  kabar_folder_list_set_services (self->folder_list, services);
  update_page (self);
}

static void
kabar_window_dispose (GObject *object)
{
  KabarWindow *self = KABAR_WINDOW (object);

  clear_title_binding (self);
  if (self->services != NULL)
    g_signal_handlers_disconnect_by_func (self->services, on_services_changed, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_WINDOW);
  g_clear_object (&self->services);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kabar_window_parent_class)->dispose (object);
}

static void
kabar_window_class_init (KabarWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_window_dispose;

  g_type_ensure (KABAR_TYPE_FOLDER_LIST);
  g_type_ensure (KABAR_TYPE_MESSAGE_LIST);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, no_account_page);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, content_pane);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, folder_list);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, folder_title);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, message_list);
  gtk_widget_class_bind_template_callback (widget_class, on_folder_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_folder_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
kabar_window_init (KabarWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Narrow, the window opens on the messages; Back leads to the folders. */
  adw_leaflet_set_visible_child (self->leaflet, self->content_pane);
  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_changed), NULL);
  update_page (self);

  /* The size is bound, not saved on close, so a session that ends without
   * closing the window still keeps it. */
  self->settings = g_settings_new (KABAR_APPLICATION_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}
