/* kabar-folder-list.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <adwaita.h>

#include "kabar-account-fix.h"
#include "kabar-account-item.h"
#include "kabar-folder-chooser.h"
#include "kabar-folder-list.h"
#include "kabar-folder-name-dialog.h"
#include "kabar-folder-row.h"
#include "kabar-message-drag.h"
#include "kabar-organizer-item.h"
#include "kabar-pending-operation.h"

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
  /* Contacts, Calendar or To Do, when one of them is selected rather than
   * a folder (selected is NULL then). */
  KabarOrganizerItem *organizer;
  /* Set while the list selects by itself rather than for the user. */
  gboolean            selecting;

  /* The context menu and the row it was opened for. */
  GMenuModel         *folder_menu;
  GMenuModel         *account_menu;
  GtkWidget          *menu;
  GObject            *menu_item;
  /* Folder changes under way end with the list. */
  GCancellable       *cancellable;
};

enum
{
  PROP_0,
  PROP_SELECTED,
  PROP_ORGANIZER,
  N_PROPS
};

enum
{
  FOLDER_ACTIVATED,
  MESSAGES_DROPPED,
  ERROR,
  ORGANIZER_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarFolderList, kabar_folder_list, GTK_TYPE_WIDGET)

/* --- folders as the server names them ---------------------------------------------- */

static KabarAccountItem *
account_of (KabarFolderList *self,
            GObject         *item)
{
  KabarMailService *service;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  if (KABAR_IS_ACCOUNT_ITEM (item))
    return KABAR_ACCOUNT_ITEM (item);
  if (!KABAR_IS_FOLDER_ITEM (item))
    return NULL;
  service = kabar_folder_item_get_service (KABAR_FOLDER_ITEM (item));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarAccountItem) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      if (kabar_account_item_get_service (account) == service)
        return account;
    }
  return NULL;
}

static void
collect_folders (GListModel *folders,
                 GPtrArray  *all)
{
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      KabarFolderItem *folder = g_list_model_get_item (folders, i);

      g_ptr_array_add (all, folder);
      collect_folders (kabar_folder_item_get_children (folder), all);
    }
}

/* Every folder of the account the sidebar shows. */
static GPtrArray *
all_folders (KabarAccountItem *account)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);

  collect_folders (kabar_account_item_get_folders (account), all);
  return all;
}

static char
account_delimiter (KabarAccountItem *account)
{
  g_autoptr(GPtrArray) folders = all_folders (account);

  for (guint i = 0; i < folders->len; i++)
    {
      char delimiter = kabar_folder_item_get_folder (g_ptr_array_index (folders, i))->delimiter;

      if (delimiter != '\0')
        return delimiter;
    }
  /* The engine's own guess for a store with no folder yet. */
  return '/';
}

/* "Projects" for "Projects/Kabar"; NULL at the top. */
static char *
parent_path (const KabarStoreFolder *folder)
{
  const char *last;

  if (folder->delimiter == '\0' || folder->path == NULL)
    return NULL;
  last = strrchr (folder->path, folder->delimiter);
  return last != NULL ? g_strndup (folder->path, last - folder->path) : NULL;
}

static char *
child_path (const char *parent,
            char        delimiter,
            const char *name)
{
  return parent != NULL ? g_strdup_printf ("%s%c%s", parent, delimiter, name) : g_strdup (name);
}

/* The names of the folders directly inside parent (NULL: the top). */
static GStrv
names_inside (KabarAccountItem *account,
              const char       *parent)
{
  g_autoptr(GPtrArray) folders = all_folders (account);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; i < folders->len; i++)
    {
      const KabarStoreFolder *folder = kabar_folder_item_get_folder (g_ptr_array_index (folders, i));
      g_autofree char *above = parent_path (folder);

      if (g_strcmp0 (above, parent) == 0)
        g_strv_builder_add (names, folder->name != NULL ? folder->name : folder->path);
    }
  return g_strv_builder_end (names);
}

static gboolean
has_attribute (KabarFolderItem *folder,
               const char      *attribute)
{
  char **attributes = kabar_folder_item_get_folder (folder)->attributes;

  for (guint i = 0; attributes != NULL && attributes[i] != NULL; i++)
    if (g_ascii_strcasecmp (attributes[i], attribute) == 0)
      return TRUE;
  return FALSE;
}

/* Inbox, Sent, Trash...: other programs and the server count on them. */
static gboolean
is_fixed (KabarFolderItem *folder)
{
  return kabar_folder_item_get_role (folder) != KABAR_FOLDER_ROLE_NONE ||
         g_ascii_strcasecmp (kabar_folder_item_get_folder (folder)->path, "INBOX") == 0;
}

static gboolean
can_hold_folders (KabarFolderItem *folder)
{
  return !has_attribute (folder, "\\Noinferiors") && !has_attribute (folder, "\\NoInferiors");
}

/* folder itself or a folder below it. */
static gboolean
is_within (KabarFolderItem *folder,
           KabarFolderItem *ancestor)
{
  const KabarStoreFolder *inner = kabar_folder_item_get_folder (folder);
  const KabarStoreFolder *outer = kabar_folder_item_get_folder (ancestor);
  g_autofree char *prefix = NULL;

  if (inner->id == outer->id)
    return TRUE;
  if (outer->delimiter == '\0')
    return FALSE;
  prefix = g_strdup_printf ("%s%c", outer->path, outer->delimiter);
  return g_str_has_prefix (inner->path, prefix);
}

static void
report_error (KabarFolderList *self,
              const char      *message)
{
  GtkWidget *dialog;

  if (g_signal_has_handler_pending (self, signals[ERROR], 0, FALSE))
    {
      g_signal_emit (self, signals[ERROR], 0, message);
      return;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), NULL, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWindow *
parent_window (KabarFolderList *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* --- changing folders --------------------------------------------------------------- */

static void
on_change_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KabarFolderList) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Only the store's own failures come here; the server's come as
   * "change-refused". */
  if (!kabar_mail_service_change_finish (KABAR_MAIL_SERVICE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    report_error (self, error->message);
}

static void
on_change_refused (KabarMailService *service,
                   guint             kind,
                   gint64            folder_id,
                   const GError     *error,
                   KabarFolderList  *self)
{
  g_autofree char *message = NULL;

  /* Translators: each %s is what the server said, in its words. */
  if (kind == KABAR_PENDING_FOLDER_CREATE)
    message = g_strdup_printf (_("The folder could not be created: %s"), error->message);
  else if (kind == KABAR_PENDING_FOLDER_RENAME)
    message = g_strdup_printf (_("The folder could not be renamed or moved: %s"), error->message);
  else if (kind == KABAR_PENDING_FOLDER_DELETE)
    message = g_strdup_printf (_("The folder could not be deleted: %s"), error->message);
  else
    /* The window speaks for refused changes to messages. */
    return;
  report_error (self, message);
}

static void
move_folder (KabarFolderList *self,
             KabarFolderItem *folder,
             KabarFolderItem *into)
{
  KabarAccountItem *account = account_of (self, G_OBJECT (folder));
  const KabarStoreFolder *moved = kabar_folder_item_get_folder (folder);
  char delimiter = moved->delimiter != '\0' ? moved->delimiter : account_delimiter (account);
  const char *parent = into != NULL ? kabar_folder_item_get_folder (into)->path : NULL;
  g_autofree char *current_parent = parent_path (moved);
  g_auto(GStrv) taken = NULL;
  g_autofree char *path = NULL;

  if (g_strcmp0 (current_parent, parent) == 0)
    return;
  taken = names_inside (account, parent);
  if (g_strv_contains ((const char * const *) taken, moved->name))
    {
      g_autofree char *message = NULL;

      /* Translators: the first %s is a folder's name, the second where it was to go. */
      message = g_strdup_printf (_("There is already a folder named “%s” in “%s”."), moved->name,
                                 into != NULL ? kabar_folder_item_get_display_name (into)
                                              : kabar_account_item_get_title (account));
      report_error (self, message);
      return;
    }
  path = child_path (parent, delimiter, moved->name);
  kabar_mail_service_rename_folder_async (kabar_folder_item_get_service (folder), moved->id, path,
                                          self->cancellable, on_change_done, g_object_ref (self));
}

typedef struct
{
  KabarFolderList  *self;
  KabarMailService *service;
  /* Deepest first: a server will not delete a folder that holds others. */
  GArray           *ids;
  guint             next;
} Deletion;

static void
deletion_free (Deletion *deletion)
{
  g_object_unref (deletion->self);
  g_object_unref (deletion->service);
  g_array_unref (deletion->ids);
  g_free (deletion);
}

static void delete_next (Deletion *deletion);

static void
on_deleted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Deletion *deletion = user_data;
  g_autoptr(GError) error = NULL;

  if (!kabar_mail_service_change_finish (KABAR_MAIL_SERVICE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report_error (deletion->self, error->message);
      deletion_free (deletion);
      return;
    }
  delete_next (deletion);
}

static void
delete_next (Deletion *deletion)
{
  gint64 id;

  if (deletion->next >= deletion->ids->len)
    {
      deletion_free (deletion);
      return;
    }
  id = g_array_index (deletion->ids, gint64, deletion->next++);
  kabar_mail_service_delete_folder_async (deletion->service, id, deletion->self->cancellable,
                                          on_deleted, deletion);
}

static void
add_deepest_first (GArray          *ids,
                   KabarFolderItem *folder)
{
  GListModel *children = kabar_folder_item_get_children (folder);
  gint64 id = kabar_folder_item_get_id (folder);

  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(KabarFolderItem) child = g_list_model_get_item (children, i);

      add_deepest_first (ids, child);
    }
  g_array_append_val (ids, id);
}

static void
delete_folder (KabarFolderList *self,
               KabarFolderItem *folder)
{
  Deletion *deletion = g_new0 (Deletion, 1);

  deletion->self = g_object_ref (self);
  deletion->service = g_object_ref (kabar_folder_item_get_service (folder));
  deletion->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  add_deepest_first (deletion->ids, folder);
  delete_next (deletion);
}

/* --- the dialogs -------------------------------------------------------------------- */

typedef struct
{
  KabarFolderList *self;
  GObject         *item;
} Target;

static Target *
target_new (KabarFolderList *self,
            GObject         *item)
{
  Target *target = g_new0 (Target, 1);

  target->self = g_object_ref (self);
  target->item = g_object_ref (item);
  return target;
}

static void
target_free (gpointer data,
             GClosure *closure)
{
  Target *target = data;

  g_object_unref (target->self);
  g_object_unref (target->item);
  g_free (target);
}

static void
on_new_folder_named (KabarFolderNameDialog *dialog,
                     const char            *name,
                     Target                *target)
{
  KabarAccountItem *account = account_of (target->self, target->item);
  g_autofree char *path = NULL;

  if (account == NULL)
    return;
  if (KABAR_IS_FOLDER_ITEM (target->item))
    {
      const KabarStoreFolder *parent = kabar_folder_item_get_folder (KABAR_FOLDER_ITEM (target->item));

      path = child_path (parent->path, parent->delimiter != '\0' ? parent->delimiter : account_delimiter (account),
                         name);
    }
  else
    path = g_strdup (name);
  kabar_mail_service_create_folder_async (kabar_account_item_get_service (account), path,
                                          target->self->cancellable, on_change_done,
                                          g_object_ref (target->self));
}

static void
on_folder_renamed (KabarFolderNameDialog *dialog,
                   const char            *name,
                   Target                *target)
{
  KabarFolderItem *folder = KABAR_FOLDER_ITEM (target->item);
  const KabarStoreFolder *store_folder = kabar_folder_item_get_folder (folder);
  g_autofree char *parent = parent_path (store_folder);
  g_autofree char *path = child_path (parent, store_folder->delimiter, name);

  kabar_mail_service_rename_folder_async (kabar_folder_item_get_service (folder), store_folder->id, path,
                                          target->self->cancellable, on_change_done,
                                          g_object_ref (target->self));
}

static void
on_move_folder_chosen (KabarFolderChooser *chooser,
                       KabarFolderItem    *into,
                       Target             *target)
{
  move_folder (target->self, KABAR_FOLDER_ITEM (target->item), into);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    Target           *target)
{
  if (g_strcmp0 (response, "delete") == 0)
    delete_folder (target->self, KABAR_FOLDER_ITEM (target->item));
}

static void
new_folder (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  KabarFolderList *self = KABAR_FOLDER_LIST (widget);
  KabarAccountItem *account = account_of (self, self->menu_item);
  g_autofree char *parent = NULL;
  g_auto(GStrv) taken = NULL;
  GtkWidget *dialog;

  if (account == NULL)
    return;
  if (KABAR_IS_FOLDER_ITEM (self->menu_item))
    parent = g_strdup (kabar_folder_item_get_folder (KABAR_FOLDER_ITEM (self->menu_item))->path);
  taken = names_inside (account, parent);
  dialog = kabar_folder_name_dialog_new (parent_window (self), _("New Folder"), _("_Create"), NULL,
                                         (const char * const *) taken, account_delimiter (account));
  g_signal_connect_data (dialog, "name-chosen", G_CALLBACK (on_new_folder_named),
                         target_new (self, self->menu_item), target_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rename_folder (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KabarFolderList *self = KABAR_FOLDER_LIST (widget);
  KabarAccountItem *account = account_of (self, self->menu_item);
  const KabarStoreFolder *folder;
  g_autofree char *parent = NULL;
  g_auto(GStrv) taken = NULL;
  GtkWidget *dialog;

  if (account == NULL || !KABAR_IS_FOLDER_ITEM (self->menu_item) || is_fixed (KABAR_FOLDER_ITEM (self->menu_item)))
    return;
  folder = kabar_folder_item_get_folder (KABAR_FOLDER_ITEM (self->menu_item));
  parent = parent_path (folder);
  taken = names_inside (account, parent);
  dialog = kabar_folder_name_dialog_new (parent_window (self), _("Rename Folder"), _("_Rename"), folder->name,
                                         (const char * const *) taken, account_delimiter (account));
  g_signal_connect_data (dialog, "name-chosen", G_CALLBACK (on_folder_renamed),
                         target_new (self, self->menu_item), target_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
move_folder_to (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KabarFolderList *self = KABAR_FOLDER_LIST (widget);
  KabarAccountItem *account = account_of (self, self->menu_item);
  GtkWidget *chooser;

  if (account == NULL || !KABAR_IS_FOLDER_ITEM (self->menu_item) || is_fixed (KABAR_FOLDER_ITEM (self->menu_item)))
    return;
  chooser = kabar_folder_chooser_new (parent_window (self), account, _("Move Folder"), _("_Move"),
                                      kabar_folder_item_get_id (KABAR_FOLDER_ITEM (self->menu_item)));
  kabar_folder_chooser_set_for_folders (KABAR_FOLDER_CHOOSER (chooser), TRUE);
  g_signal_connect_data (chooser, "folder-chosen", G_CALLBACK (on_move_folder_chosen),
                         target_new (self, self->menu_item), target_free, 0);
  gtk_window_present (GTK_WINDOW (chooser));
}

static void
move_folder_to_top (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KabarFolderList *self = KABAR_FOLDER_LIST (widget);

  if (KABAR_IS_FOLDER_ITEM (self->menu_item) && !is_fixed (KABAR_FOLDER_ITEM (self->menu_item)))
    move_folder (self, KABAR_FOLDER_ITEM (self->menu_item), NULL);
}

static guint
count_below (KabarFolderItem *folder)
{
  GListModel *children = kabar_folder_item_get_children (folder);
  guint n = g_list_model_get_n_items (children);
  guint count = n;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarFolderItem) child = g_list_model_get_item (children, i);

      count += count_below (child);
    }
  return count;
}

static char *
describe_deletion (KabarFolderItem *folder)
{
  guint messages = kabar_folder_item_get_total_count (folder);
  guint folders = count_below (folder);
  g_autofree char *holds = NULL;

  /* Translators: %u is a number of messages. */
  holds = g_strdup_printf (ngettext ("It holds %u message, which will be deleted with it.",
                                     "It holds %u messages, which will be deleted with it.", messages),
                           messages);
  if (folders == 0)
    return g_steal_pointer (&holds);
  /* Translators: the first %s says how many messages a folder holds; %u
   * is a number of folders inside it. */
  return g_strdup_printf (ngettext ("%s The %u folder inside it and its messages will be deleted too.",
                                    "%s The %u folders inside it and their messages will be deleted too.",
                                    folders),
                          holds, folders);
}

static void
delete_folder_asked (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KabarFolderList *self = KABAR_FOLDER_LIST (widget);
  KabarFolderItem *folder;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (!KABAR_IS_FOLDER_ITEM (self->menu_item) || is_fixed (KABAR_FOLDER_ITEM (self->menu_item)))
    return;
  folder = KABAR_FOLDER_ITEM (self->menu_item);
  body = describe_deletion (folder);
  dialog = adw_message_dialog_new (parent_window (self), NULL, body);
  /* Translators: %s is a folder's name. */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"),
                                     kabar_folder_item_get_display_name (folder));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_response),
                         target_new (self, self->menu_item), target_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
fix_account (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KabarFolderList *self = KABAR_FOLDER_LIST (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarAccountItem) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      KabarMailService *service = kabar_account_item_get_service (account);

      if (g_strcmp0 (kabar_account_get_id (kabar_mail_service_get_account (service)), id) == 0)
        kabar_account_fix_run (parent_window (self), service);
    }
}

/* --- the context menu ----------------------------------------------------------------- */

static void
point_actions_at (KabarFolderList *self,
                  GObject         *item)
{
  KabarFolderItem *folder = KABAR_IS_FOLDER_ITEM (item) ? KABAR_FOLDER_ITEM (item) : NULL;
  gboolean movable = folder != NULL && !is_fixed (folder);
  g_autofree char *parent = folder != NULL ? parent_path (kabar_folder_item_get_folder (folder)) : NULL;

  g_set_object (&self->menu_item, item);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sidebar.new-folder",
                                 item != NULL && (folder == NULL || can_hold_folders (folder)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sidebar.rename-folder", movable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sidebar.move-folder", movable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sidebar.move-folder-to-top", movable && parent != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sidebar.delete-folder", movable);
}

/* The row inside a list item's widget. */
static KabarFolderRow *
row_below (GtkWidget *widget)
{
  if (KABAR_IS_FOLDER_ROW (widget))
    return KABAR_FOLDER_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      KabarFolderRow *row = row_below (child);

      if (row != NULL)
        return row;
    }
  return NULL;
}

/* The row of the list item that widget is in, or NULL. */
static KabarFolderRow *
row_around (KabarFolderList *self,
            GtkWidget       *widget)
{
  while (widget != NULL && gtk_widget_get_parent (widget) != GTK_WIDGET (self->list_view))
    {
      if (KABAR_IS_FOLDER_ROW (widget))
        return KABAR_FOLDER_ROW (widget);
      widget = gtk_widget_get_parent (widget);
    }
  return widget != NULL ? row_below (widget) : NULL;
}

static KabarFolderRow *
row_showing (KabarFolderList *self,
             GObject         *item)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      KabarFolderRow *row = row_below (child);

      if (row != NULL && kabar_folder_row_get_item (row) == item && gtk_widget_get_mapped (GTK_WIDGET (row)))
        return row;
    }
  return NULL;
}

static void
popup_at (KabarFolderList *self,
          KabarFolderRow  *row,
          double           x,
          double           y)
{
  GObject *item = kabar_folder_row_get_item (row);
  graphene_rect_t bounds;
  GdkRectangle rectangle;

  /* Contacts, Calendar and To Do have nothing to change from here. */
  if (item == NULL || KABAR_IS_ORGANIZER_ITEM (item) ||
      !gtk_widget_compute_bounds (GTK_WIDGET (row), GTK_WIDGET (self), &bounds))
    return;
  point_actions_at (self, item);
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->menu),
                                   KABAR_IS_ACCOUNT_ITEM (item) ? self->account_menu : self->folder_menu);
  if (x < 0)
    rectangle = (GdkRectangle) { (int) bounds.origin.x, (int) bounds.origin.y,
                                 (int) bounds.size.width, (int) bounds.size.height };
  else
    rectangle = (GdkRectangle) { (int) (bounds.origin.x + x), (int) (bounds.origin.y + y), 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &rectangle);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

gboolean
kabar_folder_list_popup_menu (KabarFolderList *self,
                              GObject         *item)
{
  KabarFolderRow *row;

  g_return_val_if_fail (KABAR_IS_FOLDER_LIST (self), FALSE);

  row = row_showing (self, item);
  if (row == NULL)
    return FALSE;
  popup_at (self, row, -1, -1);
  return TRUE;
}

static void
on_secondary_click (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    KabarFolderList *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->list_view), x, y, GTK_PICK_DEFAULT);
  KabarFolderRow *row = picked != NULL ? row_around (self, picked) : NULL;
  graphene_point_t point;

  if (row == NULL ||
      !gtk_widget_compute_point (GTK_WIDGET (self->list_view), GTK_WIDGET (row), &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_at (self, row, point.x, point.y);
}

static gboolean
on_menu_key (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  KabarFolderList *self = KABAR_FOLDER_LIST (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  KabarFolderRow *row = focus != NULL ? row_around (self, focus) : NULL;

  if (row == NULL)
    return FALSE;
  popup_at (self, row, -1, -1);
  return TRUE;
}

/* --- drag and drop ---------------------------------------------------------------------- */

static gboolean
can_drop_messages (KabarMessageDrag *drag,
                   GObject          *target)
{
  KabarFolderItem *folder;

  if (!KABAR_IS_FOLDER_ITEM (target))
    return FALSE;
  folder = KABAR_FOLDER_ITEM (target);
  return kabar_folder_item_get_service (folder) == kabar_message_drag_get_service (drag) &&
         kabar_folder_item_get_id (folder) != kabar_message_drag_get_folder_id (drag) &&
         kabar_folder_item_get_selectable (folder);
}

static gboolean
can_drop_folder (KabarFolderList *self,
                 KabarFolderItem *folder,
                 GObject         *target)
{
  g_autofree char *parent = parent_path (kabar_folder_item_get_folder (folder));

  if (is_fixed (folder) || account_of (self, target) != account_of (self, G_OBJECT (folder)))
    return FALSE;
  if (KABAR_IS_ACCOUNT_ITEM (target))
    return parent != NULL;
  return KABAR_IS_FOLDER_ITEM (target) &&
         !is_within (KABAR_FOLDER_ITEM (target), folder) &&
         can_hold_folders (KABAR_FOLDER_ITEM (target)) &&
         g_strcmp0 (parent, kabar_folder_item_get_folder (KABAR_FOLDER_ITEM (target))->path) != 0;
}

static gboolean
can_drop (KabarFolderList *self,
          const GValue    *value,
          GObject         *target)
{
  GObject *dropped = value != NULL && G_VALUE_HOLDS_OBJECT (value) ? g_value_get_object (value) : NULL;

  if (target == NULL)
    return FALSE;
  if (KABAR_IS_MESSAGE_DRAG (dropped))
    return can_drop_messages (KABAR_MESSAGE_DRAG (dropped), target);
  if (KABAR_IS_FOLDER_ITEM (dropped))
    return can_drop_folder (self, KABAR_FOLDER_ITEM (dropped), target);
  return FALSE;
}

gboolean
kabar_folder_list_drop (KabarFolderList *self,
                        const GValue    *value,
                        GObject         *target,
                        GdkDragAction    action)
{
  GObject *dropped;

  g_return_val_if_fail (KABAR_IS_FOLDER_LIST (self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!can_drop (self, value, target))
    return FALSE;
  dropped = g_value_get_object (value);
  if (KABAR_IS_MESSAGE_DRAG (dropped))
    g_signal_emit (self, signals[MESSAGES_DROPPED], 0, dropped, target,
                   action == GDK_ACTION_COPY ? GDK_ACTION_COPY : GDK_ACTION_MOVE);
  else
    move_folder (self, KABAR_FOLDER_ITEM (dropped),
                 KABAR_IS_FOLDER_ITEM (target) ? KABAR_FOLDER_ITEM (target) : NULL);
  return TRUE;
}

static GObject *
drop_target_item (GtkDropTarget *target)
{
  GtkWidget *expander = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));

  return kabar_folder_row_get_item (KABAR_FOLDER_ROW (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander))));
}

/* Messages move unless the drag offers only a copy (Ctrl held); a folder
 * always moves. */
static GdkDragAction
drop_action (GtkDropTarget *target)
{
  const GValue *value = gtk_drop_target_get_value (target);
  GdkDrop *drop = gtk_drop_target_get_current_drop (target);
  GdkDragAction offered = drop != NULL ? gdk_drop_get_actions (drop) : GDK_ACTION_MOVE;

  if (value != NULL && G_VALUE_HOLDS_OBJECT (value) && KABAR_IS_FOLDER_ITEM (g_value_get_object (value)))
    return GDK_ACTION_MOVE;
  return (offered & GDK_ACTION_MOVE) != 0 ? GDK_ACTION_MOVE : GDK_ACTION_COPY;
}

static GdkDragAction
on_drop_motion (GtkDropTarget   *target,
                double           x,
                double           y,
                KabarFolderList *self)
{
  /* Until the value is read, nothing is promised: the row lights up only
   * where the drop would be taken. */
  return can_drop (self, gtk_drop_target_get_value (target), drop_target_item (target))
         ? drop_action (target) : 0;
}

static gboolean
on_drop (GtkDropTarget   *target,
         const GValue    *value,
         double           x,
         double           y,
         KabarFolderList *self)
{
  return kabar_folder_list_drop (self, value, drop_target_item (target), drop_action (target));
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource   *source,
                 double           x,
                 double           y,
                 KabarFolderList *self)
{
  GtkWidget *expander = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  GObject *item = kabar_folder_row_get_item (KABAR_FOLDER_ROW (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander))));

  /* Role folders stay where they are. */
  if (!KABAR_IS_FOLDER_ITEM (item) || is_fixed (KABAR_FOLDER_ITEM (item)))
    return NULL;
  return gdk_content_provider_new_typed (KABAR_TYPE_FOLDER_ITEM, item);
}

static void
on_drag_begin (GtkDragSource   *source,
               GdkDrag         *drag,
               KabarFolderList *self)
{
  GtkWidget *expander = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander)));

  gtk_drag_source_set_icon (source, icon, 0, 0);
}

static void
add_drag_and_drop (KabarFolderList *self,
                   GtkWidget       *expander)
{
  GType types[] = { KABAR_TYPE_MESSAGE_DRAG, KABAR_TYPE_FOLDER_ITEM, G_TYPE_OBJECT };
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_MOVE | GDK_ACTION_COPY);
  GtkDragSource *source = gtk_drag_source_new ();

  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  gtk_drop_target_set_preload (target, TRUE);
  g_signal_connect (target, "enter", G_CALLBACK (on_drop_motion), self);
  g_signal_connect (target, "motion", G_CALLBACK (on_drop_motion), self);
  g_signal_connect (target, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (expander, GTK_EVENT_CONTROLLER (target));

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), self);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), self);
  gtk_widget_add_controller (expander, GTK_EVENT_CONTROLLER (source));
}

/* --- rows -------------------------------------------------------------------------- */

/* An Exchange-style account's folders, then its Contacts, Calendar and To
 * Do. The rows are made once per account and kept on it, so that a row
 * put in again is the same item and stays selected. */
static GListModel *
account_children (KabarAccountItem *account)
{
  KabarMailService *service = kabar_account_item_get_service (account);
  GListModel *children = g_object_get_data (G_OBJECT (account), "kabar-sidebar-children");
  GListStore *parts;

  if (children != NULL)
    return g_object_ref (children);
  if (!kabar_mail_service_has_organizer (service))
    return g_object_ref (kabar_account_item_get_folders (account));
  parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (parts, kabar_account_item_get_folders (account));
  g_list_store_append (parts, g_object_get_data (G_OBJECT (account), "kabar-organizer-items"));
  children = G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (parts)));
  g_object_set_data_full (G_OBJECT (account), "kabar-sidebar-children", children, g_object_unref);
  return g_object_ref (children);
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  if (KABAR_IS_ACCOUNT_ITEM (item))
    return account_children (item);
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
  add_drag_and_drop (self, expander);
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
  gboolean selectable = KABAR_IS_ORGANIZER_ITEM (item) ||
                        (KABAR_IS_FOLDER_ITEM (item) && kabar_folder_item_get_selectable (KABAR_FOLDER_ITEM (item)));

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

/* The organizer first, then the folder: a window follows both, and
 * leaves a view before the next one comes. */
static void
set_organizer (KabarFolderList    *self,
               KabarOrganizerItem *organizer)
{
  if (self->organizer == organizer)
    return;
  g_set_object (&self->organizer, organizer);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORGANIZER]);
}

static gboolean
select_position (KabarFolderList *self,
                 guint            position)
{
  gboolean was_selecting = self->selecting;

  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->selecting = was_selecting;
  return TRUE;
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

  if (KABAR_IS_ORGANIZER_ITEM (item))
    {
      if (item == self->organizer)
        return;
      set_selected (self, NULL);
      set_organizer (self, item);
      if (!self->selecting)
        g_signal_emit (self, signals[ORGANIZER_ACTIVATED], 0, item);
      return;
    }
  if (KABAR_IS_FOLDER_ITEM (item))
    {
      if (item == self->selected)
        return;
      set_organizer (self, NULL);
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
  if (self->organizer != NULL && select_position (self, find_position (self, self->organizer)))
    return;
  set_organizer (self, NULL);
  if (!select_default (self))
    set_selected (self, NULL);
}

/* The arrows choose a folder already; Enter goes into it, on to its
 * messages (the window's next pane, as F6 does). */
static void
on_list_activate (KabarFolderList *self,
                  guint            position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (KABAR_IS_ORGANIZER_ITEM (item))
    {
      select_position (self, position);
      g_signal_emit (self, signals[ORGANIZER_ACTIVATED], 0, item);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.next-pane", NULL);
      return;
    }
  if (!KABAR_IS_FOLDER_ITEM (item) || !kabar_folder_list_select_folder (self, KABAR_FOLDER_ITEM (item)))
    return;
  g_signal_emit (self, signals[FOLDER_ACTIVATED], 0, item);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.next-pane", NULL);
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
  if (self->selected == NULL && self->organizer == NULL)
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
      g_signal_handlers_disconnect_by_data (kabar_account_item_get_service (account), self);
    }
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (services, position + i);
      KabarAccountItem *account = kabar_account_item_new (service);

      if (kabar_mail_service_has_organizer (service))
        g_object_set_data_full (G_OBJECT (account), "kabar-organizer-items",
                                kabar_organizer_item_list_new (service), g_object_unref);
      g_ptr_array_add (accounts, account);
    }
  g_list_store_splice (self->accounts, position, removed, accounts->pdata, accounts->len);
  if (self->organizer != NULL && find_position (self, self->organizer) == GTK_INVALID_LIST_POSITION)
    set_organizer (self, NULL);
  for (guint i = 0; i < accounts->len; i++)
    {
      KabarAccountItem *account = g_ptr_array_index (accounts, i);

      g_signal_connect_after (kabar_account_item_get_folders (account),
                              "items-changed", G_CALLBACK (on_account_folders_changed), self);
      g_signal_connect (kabar_account_item_get_service (account), "change-refused",
                        G_CALLBACK (on_change_refused), self);
    }
  if (self->selected == NULL && self->organizer == NULL)
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

KabarOrganizerItem *
kabar_folder_list_get_organizer (KabarFolderList *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_LIST (self), NULL);
  return self->organizer;
}

KabarOrganizerItem *
kabar_folder_list_find_organizer (KabarFolderList     *self,
                                  KabarMailService    *service,
                                  KabarOrganizerParts  part)
{
  guint n;

  g_return_val_if_fail (KABAR_IS_FOLDER_LIST (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarAccountItem) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      GListModel *items = g_object_get_data (G_OBJECT (account), "kabar-organizer-items");

      if (kabar_account_item_get_service (account) != service || items == NULL)
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (items); j++)
        {
          g_autoptr(KabarOrganizerItem) item = g_list_model_get_item (items, j);

          if (kabar_organizer_item_get_part (item) == part)
            return item;
        }
    }
  return NULL;
}

gboolean
kabar_folder_list_select_organizer (KabarFolderList    *self,
                                    KabarOrganizerItem *organizer)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_LIST (self), FALSE);
  g_return_val_if_fail (KABAR_IS_ORGANIZER_ITEM (organizer), FALSE);

  return select_position (self, find_position (self, organizer));
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
      g_signal_handlers_disconnect_by_data (kabar_account_item_get_service (account), self);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_object (&self->menu_item);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_FOLDER_LIST);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_list_store_remove_all (self->accounts);
  g_clear_object (&self->selected);
  g_clear_object (&self->organizer);
  G_OBJECT_CLASS (kabar_folder_list_parent_class)->dispose (object);
}

static void
kabar_folder_list_finalize (GObject *object)
{
  KabarFolderList *self = KABAR_FOLDER_LIST (object);

  g_clear_object (&self->accounts);
  g_clear_object (&self->cancellable);
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
    case PROP_ORGANIZER:
      g_value_set_object (value, self->organizer);
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
  properties[PROP_ORGANIZER] =
    g_param_spec_object ("organizer", NULL, NULL, KABAR_TYPE_ORGANIZER_ITEM,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FOLDER_ACTIVATED] =
    g_signal_new ("folder-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, KABAR_TYPE_FOLDER_ITEM);
  signals[MESSAGES_DROPPED] =
    g_signal_new ("messages-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, KABAR_TYPE_MESSAGE_DRAG, KABAR_TYPE_FOLDER_ITEM, GDK_TYPE_DRAG_ACTION);
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[ORGANIZER_ACTIVATED] =
    g_signal_new ("organizer-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, KABAR_TYPE_ORGANIZER_ITEM);

  gtk_widget_class_install_action (widget_class, "sidebar.new-folder", NULL, new_folder);
  gtk_widget_class_install_action (widget_class, "sidebar.rename-folder", NULL, rename_folder);
  gtk_widget_class_install_action (widget_class, "sidebar.move-folder", NULL, move_folder_to);
  gtk_widget_class_install_action (widget_class, "sidebar.move-folder-to-top", NULL, move_folder_to_top);
  gtk_widget_class_install_action (widget_class, "sidebar.delete-folder", NULL, delete_folder_asked);
  gtk_widget_class_install_action (widget_class, "sidebar.fix-account", "s", fix_account);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Menu, 0, on_menu_key, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, on_menu_key, NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-folder-list.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarFolderList, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderList, list_view);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderList, folder_menu);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderList, account_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_row);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_row);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_row);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
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

  self->cancellable = g_cancellable_new ();
  self->menu = gtk_popover_menu_new_from_model (self->folder_menu);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
  point_actions_at (self, NULL);
  {
    GtkGesture *click = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
    g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_click), self);
    gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (click));
  }
}
