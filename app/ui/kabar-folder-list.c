/* kabar-folder-list.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-item.h"
#include "kabar-folder-list.h"
#include "kabar-folder-row.h"

struct _KabarFolderList
{
  GtkWidget           parent_instance;

  GtkWidget          *scrolled_window;
  GtkListView        *list_view;

  GListModel         *services;
  /* KabarAccountItem, one for each service. */
  GListStore         *accounts;
  /* Accounts at the top, folders below them; the items themselves, not
   * GtkTreeListRows, so that a row put in again stays selected. */
  GtkTreeListModel   *tree;
  GtkSingleSelection *selection;

  KabarFolderItem    *selected;
  /* Set while the list selects by itself rather than for the user. */
  gboolean            selecting;
};

enum
{
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

enum
{
  FOLDER_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarFolderList, kabar_folder_list, GTK_TYPE_WIDGET)

/* --- rows -------------------------------------------------------------------------- */

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  if (KABAR_IS_ACCOUNT_ITEM (item))
    return g_object_ref (kabar_account_item_get_folders (item));
  if (KABAR_IS_FOLDER_ITEM (item))
    {
      GListModel *children = kabar_folder_item_get_children (item);

      /* No model, no expander: a folder without folders is a leaf. */
      if (g_list_model_get_n_items (children) > 0)
        return g_object_ref (children);
    }
  return NULL;
}

static void
on_setup_row (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              KabarFolderList          *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *row = kabar_folder_row_new ();

  gtk_widget_set_hexpand (row, TRUE);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), row);
  gtk_list_item_set_child (list_item, expander);
}

static void
on_bind_row (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             KabarFolderList          *self)
{
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item));
  GObject *item = gtk_list_item_get_item (list_item);
  g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree,
                                                               gtk_list_item_get_position (list_item));
  gboolean selectable = KABAR_IS_FOLDER_ITEM (item) &&
                        kabar_folder_item_get_selectable (KABAR_FOLDER_ITEM (item));

  /* An account is a heading: no arrow to fold it away, and its folders
   * one step in. */
  gtk_tree_expander_set_list_row (expander, KABAR_IS_ACCOUNT_ITEM (item) ? NULL : row);
  kabar_folder_row_set_item (KABAR_FOLDER_ROW (gtk_tree_expander_get_child (expander)), item);
  /* An account's row is its heading, not a place to go. */
  gtk_list_item_set_selectable (list_item, selectable);
  gtk_list_item_set_activatable (list_item, selectable);
}

static void
on_unbind_row (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               KabarFolderList          *self)
{
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item));

  gtk_tree_expander_set_list_row (expander, NULL);
  kabar_folder_row_set_item (KABAR_FOLDER_ROW (gtk_tree_expander_get_child (expander)), NULL);
}

/* --- selection ----------------------------------------------------------------------- */

static guint
find_position (KabarFolderList *self,
               gpointer         item)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) candidate = g_list_model_get_item (G_LIST_MODEL (self->tree), i);

      if ((gpointer) candidate == item)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
set_selected (KabarFolderList *self,
              KabarFolderItem *folder)
{
  if (self->selected == folder)
    return;
  g_set_object (&self->selected, folder);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

gboolean
kabar_folder_list_select_folder (KabarFolderList *self,
                                 KabarFolderItem *folder)
{
  guint position;
  gboolean was_selecting;

  g_return_val_if_fail (KABAR_IS_FOLDER_LIST (self), FALSE);
  g_return_val_if_fail (KABAR_IS_FOLDER_ITEM (folder), FALSE);

  position = find_position (self, folder);
  if (position == GTK_INVALID_LIST_POSITION || !kabar_folder_item_get_selectable (folder))
    return FALSE;
  was_selecting = self->selecting;
  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->selecting = was_selecting;
  return TRUE;
}

/* The first account's Inbox, or the first Inbox there is. */
static gboolean
select_default (KabarFolderList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarAccountItem) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      KabarFolderItem *inbox = kabar_account_item_find_inbox (account);

      if (inbox != NULL && kabar_folder_list_select_folder (self, inbox))
        return TRUE;
    }
  return FALSE;
}

static void
on_selection_changed (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      KabarFolderList    *self)
{
  gpointer item = gtk_single_selection_get_selected_item (selection);

  if (KABAR_IS_FOLDER_ITEM (item))
    {
      if (item == self->selected)
        return;
      set_selected (self, item);
      if (!self->selecting)
        g_signal_emit (self, signals[FOLDER_ACTIVATED], 0, item);
      return;
    }

  /* The selected folder left the tree: a parent was collapsed, or the
   * folder is gone. Keep it if it is still shown, else go back to an
   * Inbox. */
  if (self->selected != NULL && kabar_folder_list_select_folder (self, self->selected))
    return;
  if (!select_default (self))
    set_selected (self, NULL);
}

/* After the tree's own handler (connected after), so the new folders are
 * rows already. */
static void
on_account_folders_changed (GListModel      *folders,
                            guint            position,
                            guint            removed,
                            guint            added,
                            KabarFolderList *self)
{
  if (self->selected == NULL)
    select_default (self);
}

/* --- accounts ------------------------------------------------------------------------ */

static void
on_services_changed (GListModel      *services,
                     guint            position,
                     guint            removed,
                     guint            added,
                     KabarFolderList *self)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < removed; i++)
    {
      g_autoptr(KabarAccountItem) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), position + i);

      g_signal_handlers_disconnect_by_data (kabar_account_item_get_folders (account), self);
    }
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (services, position + i);

      g_ptr_array_add (accounts, kabar_account_item_new (service));
    }
  g_list_store_splice (self->accounts, position, removed, accounts->pdata, accounts->len);
  for (guint i = 0; i < accounts->len; i++)
    g_signal_connect_after (kabar_account_item_get_folders (g_ptr_array_index (accounts, i)),
                            "items-changed", G_CALLBACK (on_account_folders_changed), self);
  if (self->selected == NULL)
    select_default (self);
}

GtkWidget *
kabar_folder_list_new (void)
{
  return g_object_new (KABAR_TYPE_FOLDER_LIST, NULL);
}

void
kabar_folder_list_set_services (KabarFolderList *self,
                                GListModel      *services)
{
  guint removed;

  g_return_if_fail (KABAR_IS_FOLDER_LIST (self));
  g_return_if_fail (services == NULL || G_IS_LIST_MODEL (services));

  if (self->services == services)
    return;
  if (self->services != NULL)
    g_signal_handlers_disconnect_by_func (self->services, on_services_changed, self);
  removed = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));
  g_set_object (&self->services, services);
  if (services != NULL)
    g_signal_connect (services, "items-changed", G_CALLBACK (on_services_changed), self);
  on_services_changed (services, 0, removed,
                       services != NULL ? g_list_model_get_n_items (services) : 0, self);
}

GListModel *
kabar_folder_list_get_accounts (KabarFolderList *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_LIST (self), NULL);
  return G_LIST_MODEL (self->accounts);
}

KabarFolderItem *
kabar_folder_list_get_selected (KabarFolderList *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_LIST (self), NULL);
  return self->selected;
}

static void
kabar_folder_list_dispose (GObject *object)
{
  KabarFolderList *self = KABAR_FOLDER_LIST (object);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  if (self->services != NULL)
    g_signal_handlers_disconnect_by_func (self->services, on_services_changed, self);
  g_clear_object (&self->services);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarAccountItem) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      g_signal_handlers_disconnect_by_data (kabar_account_item_get_folders (account), self);
    }
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_FOLDER_LIST);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_list_store_remove_all (self->accounts);
  g_clear_object (&self->selected);
  G_OBJECT_CLASS (kabar_folder_list_parent_class)->dispose (object);
}

static void
kabar_folder_list_finalize (GObject *object)
{
  KabarFolderList *self = KABAR_FOLDER_LIST (object);

  g_clear_object (&self->accounts);
  G_OBJECT_CLASS (kabar_folder_list_parent_class)->finalize (object);
}

static void
kabar_folder_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KabarFolderList *self = KABAR_FOLDER_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_object (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_folder_list_class_init (KabarFolderListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_folder_list_dispose;
  object_class->finalize = kabar_folder_list_finalize;
  object_class->get_property = kabar_folder_list_get_property;

  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, KABAR_TYPE_FOLDER_ITEM,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FOLDER_ACTIVATED] =
    g_signal_new ("folder-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, KABAR_TYPE_FOLDER_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-folder-list.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarFolderList, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_row);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_row);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_row);
  gtk_widget_class_set_css_name (widget_class, "folderlist");
}

static void
kabar_folder_list_init (KabarFolderList *self)
{
  g_type_ensure (KABAR_TYPE_FOLDER_ROW);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->accounts = g_list_store_new (KABAR_TYPE_ACCOUNT_ITEM);
  self->tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->accounts)), TRUE, TRUE,
                                        create_children, NULL, NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tree)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
}
