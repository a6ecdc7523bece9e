/* kabar-message-window.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-compose-actions.h"
#include "kabar-message-window.h"

struct _KabarMessageWindow
{
  AdwApplicationWindow  parent_instance;

  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkWidget            *spinner;
  AdwStatusPage        *error_page;
  KabarMessageView     *view;

  GFile                *file;
  GError               *error;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (KabarMessageWindow, kabar_message_window, ADW_TYPE_APPLICATION_WINDOW)

static void
show_error (KabarMessageWindow *self,
            GError             *error)
{
  g_clear_error (&self->error);
  self->error = error;
  adw_status_page_set_description (self->error_page, error->message);
  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
on_display_built (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KabarMessageWindow *self;
  GError *error = NULL;
  g_autoptr(KabarMessageDisplay) display = kabar_message_display_new_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      return;
    }
  self = KABAR_MESSAGE_WINDOW (user_data);
  if (display == NULL)
    {
      show_error (self, error);
      return;
    }
  if (*kabar_message_display_get_subject (display) != '\0')
    {
      gtk_window_set_title (GTK_WINDOW (self), kabar_message_display_get_subject (display));
      adw_window_title_set_title (self->window_title, kabar_message_display_get_subject (display));
    }
  kabar_message_view_set_display (self->view, display);
  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_stack_set_visible_child_name (self->stack, "message");
  kabar_compose_actions_set_message_enabled (GTK_APPLICATION_WINDOW (self), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (kabar_message_view_get_web_view (self->view)));
}

static void
on_file_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KabarMessageWindow *self;
  GError *error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      return;
    }
  self = KABAR_MESSAGE_WINDOW (user_data);
  if (bytes == NULL)
    {
      show_error (self, error);
      return;
    }
  /* The user's language helps read text whose charset is not declared. */
  kabar_message_display_new_async (bytes, KABAR_DISPLAY_PREFER_HTML, g_get_language_names ()[0],
                                   self->cancellable, on_display_built, self);
}

void
kabar_message_window_open (KabarMessageWindow *self,
                           GFile              *file)
{
  g_autofree char *name = NULL;

  g_return_if_fail (KABAR_IS_MESSAGE_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->file, file);
  g_clear_error (&self->error);

  name = g_file_get_basename (file);
  gtk_window_set_title (GTK_WINDOW (self), name);
  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, name);
  gtk_spinner_start (GTK_SPINNER (self->spinner));
  gtk_stack_set_visible_child_name (self->stack, "loading");
  kabar_compose_actions_set_message_enabled (GTK_APPLICATION_WINDOW (self), FALSE);
  g_file_load_bytes_async (file, self->cancellable, on_file_read, self);
}

KabarMessageView *
kabar_message_window_get_view (KabarMessageWindow *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_WINDOW (self), NULL);
  return self->view;
}

GFile *
kabar_message_window_get_file (KabarMessageWindow *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_WINDOW (self), NULL);
  return self->file;
}

const GError *
kabar_message_window_get_error (KabarMessageWindow *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_WINDOW (self), NULL);
  return self->error;
}

/* The file's message, as read: a reply needs no account's store. */
static gboolean
get_compose_source (GtkWindow          *window,
                    KabarComposeSource *source)
{
  KabarMessageWindow *self = KABAR_MESSAGE_WINDOW (window);
  KabarMessageDisplay *display = kabar_message_view_get_display (self->view);

  if (display == NULL || g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "message") != 0)
    return FALSE;
  source->raw = kabar_message_display_get_raw (display);
  source->web_view = kabar_message_view_get_web_view (self->view);
  return TRUE;
}

static void
kabar_message_window_dispose (GObject *object)
{
  KabarMessageWindow *self = KABAR_MESSAGE_WINDOW (object);

  /* The callbacks hold no reference: cancelled, they touch nothing. */
  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_MESSAGE_WINDOW);
  G_OBJECT_CLASS (kabar_message_window_parent_class)->dispose (object);
}

static void
kabar_message_window_finalize (GObject *object)
{
  KabarMessageWindow *self = KABAR_MESSAGE_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (kabar_message_window_parent_class)->finalize (object);
}

static void
kabar_message_window_class_init (KabarMessageWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_message_window_dispose;
  object_class->finalize = kabar_message_window_finalize;

  g_type_ensure (KABAR_TYPE_MESSAGE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-message-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarMessageWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageWindow, view);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.compose", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reply", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.reply-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.forward", NULL);
}

static void
kabar_message_window_init (KabarMessageWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  kabar_compose_actions_add (GTK_APPLICATION_WINDOW (self), get_compose_source);
}

KabarMessageWindow *
kabar_message_window_new (GtkApplication *application)
{
  return g_object_new (KABAR_TYPE_MESSAGE_WINDOW, "application", application, NULL);
}
