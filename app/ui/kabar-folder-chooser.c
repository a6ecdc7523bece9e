/* kabar-folder-chooser.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-folder-chooser.h"

/* Each step of the tree, in pixels: the same as the sidebar's. */
#define INDENT 18

struct _KabarFolderChooser
{
  AdwWindow           parent_instance;

  AdwWindowTitle     *window_title;
  GtkButton          *accept_button;
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list_view;

  /* Every folder in tree order; its depth in the tree. */
  GListStore         *folders;
  GHashTable         *depths;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;

  gint64              exclude_folder_id;
  /* The excluded folder's path and delimiter, to leave out what is below
   * it when a folder is moved. */
  char               *exclude_prefix;
  gboolean            for_folders;
  /* Casefolded, normalised; NULL when the entry is empty. */
  char               *query;
  gboolean            chosen;
};

enum
{
  FOLDER_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarFolderChooser, kabar_folder_chooser, ADW_TYPE_WINDOW)

/* --- what is offered ----------------------------------------------------------------- */

static char *
fold (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normal != NULL ? normal : "", -1);
}

static gboolean
is_pickable (KabarFolderChooser *self,
             KabarFolderItem    *folder)
{
  return self->for_folders || kabar_folder_item_get_selectable (folder);
}

static gboolean
is_excluded (KabarFolderChooser *self,
             KabarFolderItem    *folder)
{
  const char *path = kabar_folder_item_get_folder (folder)->path;

  if (kabar_folder_item_get_id (folder) == self->exclude_folder_id)
    return TRUE;
  return self->exclude_prefix != NULL && path != NULL && g_str_has_prefix (path, self->exclude_prefix);
}

static gboolean
matches (gpointer item,
         gpointer user_data)
{
  KabarFolderChooser *self = user_data;
  KabarFolderItem *folder = item;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (is_excluded (self, folder))
    return FALSE;
  if (self->query == NULL)
    return TRUE;
  /* Found by what the user sees and by the server's name: "Kotak Masuk"
   * and "INBOX" both find the Inbox. */
  name = fold (kabar_folder_item_get_display_name (folder));
  path = fold (kabar_folder_item_get_folder (folder)->path);
  return strstr (name, self->query) != NULL || strstr (path, self->query) != NULL;
}

/* Into all with their depths known: the list binds rows as soon as
 * they are in it. */
static void
add_tree (KabarFolderChooser *self,
          GListModel         *folders,
          guint               depth,
          GPtrArray          *all)
{
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      KabarFolderItem *folder = g_list_model_get_item (folders, i);

      g_ptr_array_add (all, folder);
      g_hash_table_insert (self->depths, folder, GUINT_TO_POINTER (depth));
      add_tree (self, kabar_folder_item_get_children (folder), depth + 1, all);
    }
}

KabarFolderItem *
kabar_folder_chooser_get_selected (KabarFolderChooser *self)
{
  gpointer item;

  g_return_val_if_fail (KABAR_IS_FOLDER_CHOOSER (self), NULL);

  item = gtk_single_selection_get_selected_item (self->selection);
  return item != NULL && is_pickable (self, item) ? item : NULL;
}

/* The first folder from position on, going by step, that can be picked. */
static void
select_pickable (KabarFolderChooser *self,
                 guint               position,
                 int                 step)
{
  GListModel *shown = G_LIST_MODEL (self->filtered);
  guint n = g_list_model_get_n_items (shown);

  for (guint i = position; i < n; i += step)
    {
      g_autoptr(KabarFolderItem) folder = g_list_model_get_item (shown, i);

      if (is_pickable (self, folder))
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", i);
          return;
        }
    }
}

static void
update_state (KabarFolderChooser *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "folders");
  gtk_widget_set_sensitive (GTK_WIDGET (self->accept_button),
                            kabar_folder_chooser_get_selected (self) != NULL);
}

static void
refilter (KabarFolderChooser *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  select_pickable (self, 0, 1);
  update_state (self);
}

/* --- rows ------------------------------------------------------------------------------ */

static void
on_setup_row (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *path = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (path), 0);
  gtk_label_set_ellipsize (GTK_LABEL (path), PANGO_ELLIPSIZE_START);
  gtk_widget_add_css_class (path, "caption");
  gtk_widget_add_css_class (path, "dim-label");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), path);
  gtk_box_append (GTK_BOX (box), g_object_new (GTK_TYPE_IMAGE, "valign", GTK_ALIGN_CENTER, NULL));
  gtk_box_append (GTK_BOX (box), labels);
  gtk_list_item_set_child (list_item, box);
}

static void
on_bind_row (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             KabarFolderChooser       *self)
{
  KabarFolderItem *folder = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *labels = gtk_widget_get_next_sibling (icon);
  GtkWidget *name = gtk_widget_get_first_child (labels);
  GtkWidget *path = gtk_widget_get_next_sibling (name);
  guint depth = GPOINTER_TO_UINT (g_hash_table_lookup (self->depths, folder));
  gboolean pickable = is_pickable (self, folder);
  /* Searching, the tree is gone: the path says where a match is. */
  gboolean show_path = self->query != NULL && depth > 0;

  gtk_image_set_from_icon_name (GTK_IMAGE (icon), kabar_folder_item_get_icon_name (folder));
  gtk_label_set_text (GTK_LABEL (name), kabar_folder_item_get_display_name (folder));
  gtk_label_set_text (GTK_LABEL (path), show_path ? kabar_folder_item_get_folder (folder)->path : "");
  gtk_widget_set_visible (path, show_path);
  gtk_widget_set_margin_start (box, self->query == NULL ? (int) depth * INDENT : 0);
  gtk_widget_set_sensitive (box, pickable);
  gtk_list_item_set_selectable (list_item, pickable);
  gtk_list_item_set_activatable (list_item, pickable);
}

/* --- picking ----------------------------------------------------------------------------- */

static void
choose (KabarFolderChooser *self,
        KabarFolderItem    *folder)
{
  if (self->chosen || folder == NULL || !is_pickable (self, folder))
    return;
  self->chosen = TRUE;
  g_object_ref (self);
  g_signal_emit (self, signals[FOLDER_CHOSEN], 0, folder);
  gtk_window_close (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
on_accept_clicked (KabarFolderChooser *self)
{
  choose (self, kabar_folder_chooser_get_selected (self));
}

static void
on_search_activate (KabarFolderChooser *self)
{
  choose (self, kabar_folder_chooser_get_selected (self));
}

static void
on_list_activate (KabarFolderChooser *self,
                  guint               position)
{
  g_autoptr(KabarFolderItem) folder = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  choose (self, folder);
}

static void
on_stop_search (KabarFolderChooser *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_search_changed (KabarFolderChooser *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  gboolean was_searching = self->query != NULL;

  g_clear_pointer (&self->query, g_free);
  if (*stripped != '\0')
    self->query = fold (stripped);
  /* Rows already shown are drawn again with or without their paths. */
  if (was_searching != (self->query != NULL))
    {
      gtk_list_view_set_model (self->list_view, NULL);
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
    }
  refilter (self);
}

/* The focus stays in the entry, so typing always searches: the arrows
 * move through the list from there. */
static gboolean
on_search_key_pressed (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       KabarFolderChooser    *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    {
      if (selected == GTK_INVALID_LIST_POSITION)
        select_pickable (self, 0, 1);
      else if (selected + 1 < n)
        select_pickable (self, selected + 1, 1);
      update_state (self);
      return TRUE;
    }
  if (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up)
    {
      /* Backwards: the unsigned index wraps past 0 and stops the loop. */
      if (selected != GTK_INVALID_LIST_POSITION && selected > 0)
        select_pickable (self, selected - 1, -1);
      update_state (self);
      return TRUE;
    }
  return FALSE;
}

static void
on_selection_changed (KabarFolderChooser *self)
{
  update_state (self);
}

/* --- the object ------------------------------------------------------------------------- */

GtkWidget *
kabar_folder_chooser_new (GtkWindow        *parent,
                          KabarAccountItem *account,
                          const char       *title,
                          const char       *accept_label,
                          gint64            exclude_folder_id)
{
  KabarFolderChooser *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KABAR_IS_ACCOUNT_ITEM (account), NULL);
  g_return_val_if_fail (title != NULL && accept_label != NULL, NULL);

  self = g_object_new (KABAR_TYPE_FOLDER_CHOOSER, "transient-for", parent, "title", title, NULL);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, kabar_account_item_get_title (account));
  gtk_button_set_label (self->accept_button, accept_label);
  self->exclude_folder_id = exclude_folder_id;
  {
    g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

    add_tree (self, kabar_account_item_get_folders (account), 0, all);
    g_list_store_splice (self->folders, 0, 0, all->pdata, all->len);
  }
  refilter (self);
  return GTK_WIDGET (self);
}

void
kabar_folder_chooser_set_for_folders (KabarFolderChooser *self,
                                      gboolean            for_folders)
{
  g_return_if_fail (KABAR_IS_FOLDER_CHOOSER (self));

  self->for_folders = for_folders;
  g_clear_pointer (&self->exclude_prefix, g_free);
  for (guint i = 0; for_folders && i < g_list_model_get_n_items (G_LIST_MODEL (self->folders)); i++)
    {
      g_autoptr(KabarFolderItem) folder = g_list_model_get_item (G_LIST_MODEL (self->folders), i);
      const KabarStoreFolder *store_folder = kabar_folder_item_get_folder (folder);

      if (store_folder->id == self->exclude_folder_id && store_folder->delimiter != '\0')
        self->exclude_prefix = g_strdup_printf ("%s%c", store_folder->path, store_folder->delimiter);
    }
  gtk_list_view_set_model (self->list_view, NULL);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  refilter (self);
}

GtkEditable *
kabar_folder_chooser_get_search_entry (KabarFolderChooser *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_CHOOSER (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

GListModel *
kabar_folder_chooser_get_shown (KabarFolderChooser *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_CHOOSER (self), NULL);
  return G_LIST_MODEL (self->filtered);
}

static void
kabar_folder_chooser_dispose (GObject *object)
{
  KabarFolderChooser *self = KABAR_FOLDER_CHOOSER (object);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_FOLDER_CHOOSER);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  if (self->depths != NULL)
    g_hash_table_remove_all (self->depths);
  if (self->folders != NULL)
    g_list_store_remove_all (self->folders);
  G_OBJECT_CLASS (kabar_folder_chooser_parent_class)->dispose (object);
}

static void
kabar_folder_chooser_finalize (GObject *object)
{
  KabarFolderChooser *self = KABAR_FOLDER_CHOOSER (object);

  g_clear_object (&self->folders);
  g_clear_pointer (&self->depths, g_hash_table_unref);
  g_free (self->exclude_prefix);
  g_free (self->query);
  G_OBJECT_CLASS (kabar_folder_chooser_parent_class)->finalize (object);
}

static void
kabar_folder_chooser_class_init (KabarFolderChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_folder_chooser_dispose;
  object_class->finalize = kabar_folder_chooser_finalize;

  signals[FOLDER_CHOSEN] =
    g_signal_new ("folder-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, KABAR_TYPE_FOLDER_ITEM);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-folder-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarFolderChooser, window_title);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderChooser, accept_button);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderChooser, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderChooser, stack);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderChooser, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
}

static void
kabar_folder_chooser_init (KabarFolderChooser *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->folders = g_list_store_new (KABAR_TYPE_FOLDER_ITEM);
  self->depths = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->filter = gtk_custom_filter_new (matches, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->folders)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);

  g_signal_connect (factory, "setup", G_CALLBACK (on_setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_search_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}
