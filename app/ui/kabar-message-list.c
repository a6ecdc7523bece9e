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
#include "kabar-search-model.h"

struct _KabarMessageList
{
  GtkWidget              parent_instance;

  GtkSearchBar          *search_bar;
  GtkSearchEntry        *search_entry;
  GtkStack              *stack;
  GtkScrolledWindow     *scrolled_window;
  GtkListView           *list_view;
  GtkWidget             *context_menu;

  KabarFolderItem       *folder;
  KabarMessageListModel *model;
  GListModel            *search_results;
  GtkMultiSelection     *selection;
  GMenuModel            *menu_model;
  guint                  scroll_to_top_id;

  GSettings             *settings;
  /* GNOME's clock setting, if GNOME's schemas are installed. */
  GSettings             *interface_settings;
  /* That setting as last read: rows are bound by the hundred while
   * scrolling. */
  gboolean               twelve_hour;
};

G_DEFINE_FINAL_TYPE (KabarMessageList, kabar_message_list, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_MENU_MODEL,
  N_PROPS
};

enum
{
  SELECTION_CHANGED,
  MESSAGE_ACTIVATED,
  SEARCH_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
read_clock_format (KabarMessageList *self)
{
  g_autofree char *format = NULL;

  if (self->interface_settings == NULL)
    return;
  format = g_settings_get_string (self->interface_settings, "clock-format");
  self->twelve_hour = g_strcmp0 (format, "12h") == 0;
}

static gboolean
twelve_hour_clock (KabarMessageList *self)
{
  return self->twelve_hour;
}

static gboolean
is_read (KabarMessageItem *item)
{
  return item != NULL && kabar_message_item_get_summary (item) != NULL;
}

/* --- selection -------------------------------------------------------------------- */

GPtrArray *
kabar_message_list_get_selected_items (KabarMessageList *self)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST (self), items);

  if (self->selection == NULL)
    return items;
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      KabarMessageItem *item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

      if (is_read (item))
        g_ptr_array_add (items, item);
      else
        g_clear_object (&item);
    }
  return items;
}

guint
kabar_message_list_get_n_selected (KabarMessageList *self)
{
  g_autoptr(GtkBitset) selected = NULL;

  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST (self), 0);

  if (self->selection == NULL)
    return 0;
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  return (guint) MIN (gtk_bitset_get_size (selected), G_MAXUINT);
}

void
kabar_message_list_select_all (KabarMessageList *self)
{
  g_return_if_fail (KABAR_IS_MESSAGE_LIST (self));

  if (self->selection != NULL)
    gtk_selection_model_select_all (GTK_SELECTION_MODEL (self->selection));
}

/* Only the rows read so far: asking for the others would read the whole
 * folder. */
static guint
find_loaded (KabarMessageList *self,
             gint64            message_id)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < MIN (n, KABAR_MESSAGE_LIST_MODEL_PAGE_SIZE); i++)
    {
      g_autoptr(KabarMessageItem) item = g_list_model_get_item (model, i);

      if (kabar_message_item_get_id (item) == message_id)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

gboolean
kabar_message_list_select_message (KabarMessageList *self,
                                   gint64            message_id)
{
  guint position;

  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST (self), FALSE);

  if (self->selection == NULL)
    return FALSE;
  position = find_loaded (self, message_id);
  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  return TRUE;
}

void
kabar_message_list_collect_uids (GPtrArray *items,
                                 GArray    *uids)
{
  for (guint i = 0; i < items->len; i++)
    {
      gsize n_uids = 0;
      const guint32 *item_uids = kabar_message_item_get_uids (g_ptr_array_index (items, i), &n_uids);

      g_array_append_vals (uids, item_uids, n_uids);
    }
}

KabarMessageDrag *
kabar_message_list_make_drag (KabarMessageList *self,
                              GPtrArray        *items)
{
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  const KabarMessageSummary *first;

  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST (self), NULL);

  kabar_message_list_collect_uids (items, uids);
  if (self->folder == NULL || uids->len == 0)
    return NULL;
  first = kabar_message_item_get_summary (g_ptr_array_index (items, 0));
  return kabar_message_drag_new (kabar_folder_item_get_service (self->folder), first->folder_id,
                                 (const guint32 *) uids->data, uids->len);
}

void
kabar_message_list_focus_rows (KabarMessageList *self)
{
  g_return_if_fail (KABAR_IS_MESSAGE_LIST (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
on_selection_changed (GtkSelectionModel *selection,
                      guint              position,
                      guint              n_items,
                      KabarMessageList  *self)
{
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* The row's own item and whether the user's selection holds it. */
static GtkListItem *
row_list_item (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "kabar-list-item");
}

static GtkWidget *
row_at (KabarMessageList *self,
        GtkWidget        *widget)
{
  for (; widget != NULL && widget != GTK_WIDGET (self); widget = gtk_widget_get_parent (widget))
    if (KABAR_IS_MESSAGE_ROW (widget))
      return widget;
  return NULL;
}

/* The focus is on the list's own row widget, around the message row. */
static GtkWidget *
row_below (GtkWidget *widget)
{
  if (KABAR_IS_MESSAGE_ROW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = row_below (child);

      if (row != NULL)
        return row;
    }
  return NULL;
}

/* The row a context menu or a drag is about joins the selection's fate:
 * in it, the selection; else that row, selected alone. */
static void
select_row_for_action (KabarMessageList *self,
                       GtkWidget        *row)
{
  GtkListItem *list_item = row_list_item (row);

  if (list_item == NULL || gtk_list_item_get_selected (list_item))
    return;
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection),
                                   gtk_list_item_get_position (list_item), TRUE);
}

/* --- context menu ----------------------------------------------------------------- */

static void
popup_menu_at (KabarMessageList *self,
               GtkWidget        *row,
               double            x,
               double            y)
{
  if (self->menu_model == NULL || self->selection == NULL)
    return;
  select_row_for_action (self, row);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
on_secondary_pressed (GtkGestureClick  *gesture,
                      int               n_press,
                      double            x,
                      double            y,
                      KabarMessageList *self)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *row = row_at (self, gtk_widget_pick (list, x, y, GTK_PICK_DEFAULT));
  graphene_point_t point;

  if (row == NULL || !gtk_widget_compute_point (list, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_menu_at (self, row, point.x, point.y);
}

/* Menu or Shift+F10: the menu of the row with the keyboard focus. */
static gboolean
popup_menu_for_focus (GtkWidget *widget,
                      GVariant  *args,
                      gpointer   user_data)
{
  KabarMessageList *self = KABAR_MESSAGE_LIST (widget);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  GtkWidget *row = NULL;
  graphene_point_t origin;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    {
      row = row_at (self, focus);
      if (row == NULL)
        row = row_below (focus);
    }
  if (row == NULL ||
      !gtk_widget_compute_point (row, widget, &GRAPHENE_POINT_INIT (0, 0), &origin))
    return FALSE;
  popup_menu_at (self, row, origin.x + 24, origin.y + gtk_widget_get_height (row) / 2.0);
  return TRUE;
}

/* --- rows ------------------------------------------------------------------------- */

static GdkContentProvider *
on_drag_prepare (GtkDragSource    *source,
                 double            x,
                 double            y,
                 KabarMessageList *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(KabarMessageDrag) drag = NULL;
  g_autoptr(GdkPaintable) icon = NULL;

  if (!is_read (kabar_message_row_get_item (KABAR_MESSAGE_ROW (row))))
    return NULL;
  select_row_for_action (self, row);
  items = kabar_message_list_get_selected_items (self);
  drag = kabar_message_list_make_drag (self, items);
  if (drag == NULL)
    return NULL;
  icon = gtk_widget_paintable_new (row);
  gtk_drag_source_set_icon (source, icon, (int) x, (int) y);
  return gdk_content_provider_new_typed (KABAR_TYPE_MESSAGE_DRAG, drag);
}

static gboolean
emit_activated_if_alone (gpointer data)
{
  KabarMessageList *self = KABAR_MESSAGE_LIST (g_object_get_data (data, "kabar-list"));
  KabarMessageItem *item = kabar_message_row_get_item (data);
  GtkListItem *list_item = row_list_item (data);

  /* By now the list has handled the click: a plain click selects the row
   * alone. */
  if (self != NULL && is_read (item) && list_item != NULL && gtk_list_item_get_selected (list_item) &&
      kabar_message_list_get_n_selected (self) == 1)
    g_signal_emit (self, signals[MESSAGE_ACTIVATED], 0, item);
  return G_SOURCE_REMOVE;
}

static void
on_row_pressed (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                gpointer         user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  if (n_press != 1 || (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0)
    return;
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, emit_activated_if_alone, g_object_ref (row), g_object_unref);
}

static void
on_setup_row (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              KabarMessageList         *self)
{
  GtkWidget *row = kabar_message_row_new ();
  GtkDragSource *drag_source = gtk_drag_source_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  /* The list item owns the row: it outlives it. */
  g_object_set_data (G_OBJECT (row), "kabar-list-item", list_item);
  g_object_set_data (G_OBJECT (row), "kabar-list", self);
  gtk_drag_source_set_actions (drag_source, GDK_ACTION_MOVE | GDK_ACTION_COPY);
  g_signal_connect (drag_source, "prepare", G_CALLBACK (on_drag_prepare), self);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drag_source));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_row_pressed), NULL);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));
  gtk_list_item_set_child (list_item, row);
}

/* GTK 4.8's list view keeps 200 rows bound around what is in view
 * whatever its height, and binds them all anew at each jump of a fast
 * scroll: a row out of sight waits to show its item until it is mapped,
 * as the list view maps the rows it draws. */
static void
on_bind_row (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             KabarMessageList         *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);

  kabar_message_row_set_item_full (KABAR_MESSAGE_ROW (row), gtk_list_item_get_item (list_item),
                                   twelve_hour_clock (self), gtk_widget_get_mapped (row));
}

/* The row keeps its item until it is bound to another or destroyed: GTK
 * 4.8's factory unbinds and binds each row again when rows above it come
 * or go or the selection changes, and a row given back the item it shows
 * has nothing to do. */
static void
on_unbind_row (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               KabarMessageList         *self)
{
}

static void
on_list_activate (GtkListView      *list_view,
                  guint             position,
                  KabarMessageList *self)
{
  g_autoptr(KabarMessageItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (is_read (item))
    g_signal_emit (self, signals[MESSAGE_ACTIVATED], 0, item);
}

/* --- the folder ----------------------------------------------------------------------- */

static void
update_page (KabarMessageList *self)
{
  const char *page = "none";

  if (self->selection != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    page = "messages";
  else if (KABAR_IS_SEARCH_MODEL (self->search_results)
           && kabar_search_model_get_searching (KABAR_SEARCH_MODEL (self->search_results)))
    page = "none";
  else if (self->search_results != NULL)
    page = "no-results";
  else if (self->selection != NULL)
    page = "empty";
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

  if (self->model == NULL || self->search_results != NULL)
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

/* Not from inside items-changed: the view is still taking the change in,
 * and GTK 4.8's list item manager fails when asked to scroll then. */
static gboolean
scroll_to_top_cb (gpointer user_data)
{
  KabarMessageList *self = user_data;

  self->scroll_to_top_id = 0;
  if (self->selection != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
  return G_SOURCE_REMOVE;
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
  if (position == 0 && added > removed && gtk_adjustment_get_value (adjustment) <= 0
      && self->scroll_to_top_id == 0)
    self->scroll_to_top_id = g_idle_add (scroll_to_top_cb, self);
  update_page (self);
  /* Rows that went took their selection with them. */
  if (removed > 0)
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* Shows model (the folder's or the search's) in the list, none selected. */
static void
show_model (KabarMessageList *self,
            GListModel       *model)
{
  guint had_selected = kabar_message_list_get_n_selected (self);

  if (self->selection != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->selection, on_items_changed, self);
      g_signal_handlers_disconnect_by_func (self->selection, on_selection_changed, self);
    }
  gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  if (model != NULL)
    {
      self->selection = gtk_multi_selection_new (g_object_ref (model));
      /* After the view's own handler, so the view has the change. */
      g_signal_connect_after (self->selection, "items-changed", G_CALLBACK (on_items_changed), self);
      g_signal_connect (self->selection, "selection-changed", G_CALLBACK (on_selection_changed), self);
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
    }
  update_page (self);
  if (had_selected > 0)
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
clear_model (KabarMessageList *self)
{
  show_model (self, NULL);
  g_clear_object (&self->model);
}

/* In the user's order, grouped or not as they chose. */
static KabarMessageListModel *
create_model (KabarMessageList *self,
              KabarFolderItem  *folder)
{
  g_autofree char *sort = g_settings_get_string (self->settings, "message-sort");

  return kabar_message_list_model_new_full (kabar_folder_item_get_service (folder), kabar_folder_item_get_id (folder),
                                            kabar_folder_item_get_total_count (folder),
                                            kabar_message_sort_from_string (sort),
                                            g_settings_get_boolean (self->settings, "conversations"));
}

static void
load_folder (KabarMessageList *self)
{
  KabarMailService *service = kabar_folder_item_get_service (self->folder);

  self->model = create_model (self, self->folder);
  if (self->search_results == NULL)
    show_model (self, G_LIST_MODEL (self->model));
  /* The user looks at it: bring it up to date now, not at the next
   * round. */
  kabar_mail_service_refresh_folder (service, kabar_folder_item_get_id (self->folder));
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
  g_return_if_fail (KABAR_IS_MESSAGE_LIST (self));
  g_return_if_fail (folder == NULL || KABAR_IS_FOLDER_ITEM (folder));

  if (self->folder == folder)
    return;
  /* Another folder ends the search in this one. */
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  g_clear_object (&self->search_results);
  clear_model (self);
  g_set_object (&self->folder, folder);
  if (folder != NULL)
    load_folder (self);
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

GListModel *
kabar_message_list_get_shown_model (KabarMessageList *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST (self), NULL);
  return self->search_results != NULL ? self->search_results : G_LIST_MODEL (self->model);
}

/* The sort or the grouping changed: the same folder, read again. */
static void
on_list_settings_changed (GSettings        *settings,
                          const char       *key,
                          KabarMessageList *self)
{
  if (self->folder == NULL)
    return;
  clear_model (self);
  load_folder (self);
}

/* --- search ------------------------------------------------------------------------ */

void
kabar_message_list_start_search (KabarMessageList *self)
{
  g_return_if_fail (KABAR_IS_MESSAGE_LIST (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
kabar_message_list_set_search_model (KabarMessageList *self,
                                     GListModel       *results)
{
  g_return_if_fail (KABAR_IS_MESSAGE_LIST (self));
  g_return_if_fail (results == NULL || G_IS_LIST_MODEL (results));

  if (self->search_results == results)
    return;
  g_set_object (&self->search_results, results);
  show_model (self, results != NULL ? results : G_LIST_MODEL (self->model));
}

static void
on_search_changed (GtkSearchEntry   *entry,
                   KabarMessageList *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (entry));

  /* No query, no results: the folder comes back. */
  if (*query == '\0' || self->folder == NULL)
    kabar_message_list_set_search_model (self, NULL);
  else if (KABAR_IS_SEARCH_MODEL (self->search_results))
    kabar_search_model_set_query (KABAR_SEARCH_MODEL (self->search_results), query);
  else
    {
      g_autoptr(KabarSearchModel) results = kabar_search_model_new (kabar_folder_item_get_service (self->folder),
                                                                    kabar_folder_item_get_id (self->folder),
                                                                    query);

      g_signal_connect_object (results, "notify::searching", G_CALLBACK (update_page), self,
                               G_CONNECT_SWAPPED);
      kabar_message_list_set_search_model (self, G_LIST_MODEL (results));
    }
  g_signal_emit (self, signals[SEARCH_CHANGED], 0, query);
}

static void
on_search_mode_changed (KabarMessageList *self)
{
  if (!gtk_search_bar_get_search_mode (self->search_bar))
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* --- the object ---------------------------------------------------------------------- */

static void
kabar_message_list_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KabarMessageList *self = KABAR_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_MENU_MODEL:
      g_value_set_object (value, self->menu_model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_message_list_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KabarMessageList *self = KABAR_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_MENU_MODEL:
      if (g_set_object (&self->menu_model, g_value_get_object (value)))
        {
          gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->context_menu), self->menu_model);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_message_list_dispose (GObject *object)
{
  KabarMessageList *self = KABAR_MESSAGE_LIST (object);

  g_clear_handle_id (&self->scroll_to_top_id, g_source_remove);
  /* Gone, the list selects nothing anyone needs to hear of. */
  g_signal_handlers_destroy (self);
  if (self->list_view != NULL)
    clear_model (self);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_MESSAGE_LIST);
  /* The box around the template's children has no name to be disposed by. */
  while (gtk_widget_get_first_child (GTK_WIDGET (self)) != NULL)
    gtk_widget_unparent (gtk_widget_get_first_child (GTK_WIDGET (self)));
  g_clear_object (&self->folder);
  g_clear_object (&self->search_results);
  g_clear_object (&self->menu_model);
  g_clear_object (&self->settings);
  g_clear_object (&self->interface_settings);
  G_OBJECT_CLASS (kabar_message_list_parent_class)->dispose (object);
}

static void
kabar_message_list_class_init (KabarMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_message_list_dispose;
  object_class->get_property = kabar_message_list_get_property;
  object_class->set_property = kabar_message_list_set_property;

  properties[PROP_MENU_MODEL] =
    g_param_spec_object ("menu-model", NULL, NULL, G_TYPE_MENU_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  signals[MESSAGE_ACTIVATED] =
    g_signal_new ("message-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, KABAR_TYPE_MESSAGE_ITEM);
  signals[SEARCH_CHANGED] =
    g_signal_new ("search-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-message-list.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarMessageList, search_bar);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageList, stack);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageList, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_row);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_row);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_row);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_mode_changed);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Menu, 0, popup_menu_for_focus, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, popup_menu_for_focus, NULL);
  gtk_widget_class_set_css_name (widget_class, "messagelist");
}

static void
follow_list_settings (KabarMessageList *self)
{
  self->settings = g_settings_new (KABAR_APPLICATION_ID);
  g_signal_connect (self->settings, "changed::message-sort", G_CALLBACK (on_list_settings_changed), self);
  g_signal_connect (self->settings, "changed::conversations", G_CALLBACK (on_list_settings_changed), self);
}

static void
kabar_message_list_init (KabarMessageList *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  GtkGesture *secondary = gtk_gesture_click_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scrolled_window), "value-changed",
                           G_CALLBACK (on_scrolled), self, 0);

  self->context_menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (secondary));

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "clock-format"))
    {
      self->interface_settings = g_settings_new_full (schema, NULL, NULL);
      g_signal_connect_swapped (self->interface_settings, "changed::clock-format",
                                G_CALLBACK (read_clock_format), self);
      read_clock_format (self);
    }
  follow_list_settings (self);
  update_page (self);
}
