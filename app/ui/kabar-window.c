/* kabar-window.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-window.h"

struct _KabarWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  AdwStatusPage        *no_account_page;
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
kabar_window_dispose (GObject *object)
{
  KabarWindow *self = KABAR_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kabar_window_parent_class)->dispose (object);
}

static void
kabar_window_class_init (KabarWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, no_account_page);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
kabar_window_init (KabarWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The size is bound, not saved on close, so a session that ends without
   * closing the window still keeps it. */
  self->settings = g_settings_new (KABAR_APPLICATION_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}
