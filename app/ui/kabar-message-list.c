/* kabar-message-list.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kabar-message-list.h"
#include "kabar-message-row.h"

struct _KabarMessageList
{
  GtkWidget              parent_instance;

  GtkStack              *stack;
  GtkScrolledWindow     *scrolled_window;
  GtkListView           *list_view;

  KabarFolderItem       *folder;
  KabarMessageListModel *model;
  GtkSingleSelection    *selection;

  /* GNOME's clock setting, if GNOME's schemas are installed. */
  GSettings             *interface_settings;
};

G_DEFINE_FINAL_TYPE (KabarMessageList, kabar_message_list, GTK_TYPE_WIDGET)

static gboolean
twelve_hour_clock (KabarMessageList *self)
{
  g_autofree char *format = NULL;

  if (self->interface_settings == NULL)
    return FALSE;
  format = g_settings_get_string (self->interface_settings, "clock-format");
  return g_strcmp0 (format, "12h") == 0;
}

/* --- rows ------------------------------------------------------------------------- */

static void
on_setup_row (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              KabarMessageList         *self)
{
  gtk_list_item_set_child (list_item, kabar_message_row_new ());
}

static void
on_bind_row (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             KabarMessageList         *self)
{
  kabar_message_row_set_item (KABAR_MESSAGE_ROW (gtk_list_item_get_child (list_item)),
                              gtk_list_item_get_item (list_item), twelve_hour_clock (self));
}

static void
on_unbind_row (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               KabarMessageList         *self)
{
  kabar_message_row_set_item (KABAR_MESSAGE_ROW (gtk_list_item_get_child (list_item)), NULL,
                              twelve_hour_clock (self));
}

/* --- the folder ----------------------------------------------------------------------- */

static void
update_page (KabarMessageList *self)
{
  const char *page = "none";

  if (self->model != NULL)
    page = g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0 ? "messages" : "empty";
  gtk_stack_set_visible_child_name (self->stack, page);
}

/* Rows are alike in height: the share of the list scrolled by is the
 * share of the rows above. */
static void
update_view_position (KabarMessageList *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  double upper = gtk_adjustment_get_upper (adjustment);
  guint n_items;

  if (self->model == NULL)
    return;
  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  if (n_items == 0 || upper <= 0)
    return;
  kabar_message_list_model_set_view_position (self->model,
                                              MIN (n_items - 1, gtk_adjustment_get_value (adjustment) / upper * n_items));
}

static void
on_scrolled (GtkAdjustment    *adjustment,
             KabarMessageList *self)
{
  update_view_position (self);
}

static void
on_items_changed (GListModel       *model,
                  guint             position,
                  guint             removed,
                  guint             added,
                  KabarMessageList *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  /* The view has not moved yet: at the top, the user sees the newest
   * mail, and new mail on top of it should come into view rather than be
   * put above it. */
  if (position == 0 && added > removed && gtk_adjustment_get_value (adjustment) <= 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
  update_page (self);
}

static void
clear_model (KabarMessageList *self)
{
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
}

GtkWidget *
kabar_message_list_new (void)
{
  return g_object_new (KABAR_TYPE_MESSAGE_LIST, NULL);
}

void
kabar_message_list_set_folder (KabarMessageList *self,
                               KabarFolderItem  *folder)
{
  KabarMailService *service;

  g_return_if_fail (KABAR_IS_MESSAGE_LIST (self));
  g_return_if_fail (folder == NULL || KABAR_IS_FOLDER_ITEM (folder));

  if (self->folder == folder)
    return;
  clear_model (self);
  g_set_object (&self->folder, folder);

  if (folder != NULL)
    {
      service = kabar_folder_item_get_service (folder);
      self->model = kabar_message_list_model_new (service, kabar_folder_item_get_id (folder),
                                                  kabar_folder_item_get_total_count (folder));
      self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
      gtk_single_selection_set_autoselect (self->selection, FALSE);
      gtk_single_selection_set_can_unselect (self->selection, TRUE);
      /* After the selection's own handler, so the view has the change. */
      g_signal_connect (self->model, "items-changed", G_CALLBACK (on_items_changed), self);
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
      /* The user looks at it: bring it up to date now, not at the next
       * round. */
      kabar_mail_service_refresh_folder (service, kabar_folder_item_get_id (folder));
    }
  update_page (self);
}

KabarFolderItem *
kabar_message_list_get_folder (KabarMessageList *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST (self), NULL);
  return self->folder;
}

KabarMessageListModel *
kabar_message_list_get_model (KabarMessageList *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST (self), NULL);
  return self->model;
}

static void
kabar_message_list_dispose (GObject *object)
{
  KabarMessageList *self = KABAR_MESSAGE_LIST (object);

  clear_model (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_MESSAGE_LIST);
  g_clear_object (&self->folder);
  g_clear_object (&self->interface_settings);
  G_OBJECT_CLASS (kabar_message_list_parent_class)->dispose (object);
}

static void
kabar_message_list_class_init (KabarMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_message_list_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-message-list.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarMessageList, stack);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageList, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_row);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_row);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_row);
  gtk_widget_class_set_css_name (widget_class, "messagelist");
}

static void
kabar_message_list_init (KabarMessageList *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scrolled_window), "value-changed",
                           G_CALLBACK (on_scrolled), self, 0);

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "clock-format"))
    self->interface_settings = g_settings_new_full (schema, NULL, NULL);
  update_page (self);
}
