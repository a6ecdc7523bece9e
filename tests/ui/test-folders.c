/* test-folders.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sidebar's folder work, under Xvfb, against the bed's Dovecot: the
 * folder chooser, folders created, renamed, moved and deleted from the
 * context menu's actions and by drops (each checked in the sidebar and on
 * the server, with a client of the test's own), messages dropped on a
 * folder, and an account whose password the server refuses signed in
 * again.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-fix.h"
#include "kabar-account-item.h"
#include "kabar-account-manager.h"
#include "kabar-application.h"
#include "kabar-bed-account.h"
#include "kabar-folder-chooser.h"
#include "kabar-folder-list.h"
#include "kabar-folder-name-dialog.h"
#include "kabar-folder-row.h"
#include "kabar-message-drag.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

#define DEWI          "dewi@" KABAR_TEST_BED_DOMAIN
#define BUDI          "budi@" KABAR_TEST_BED_DOMAIN
#define DEWI_PASSWORD "Sandi-Dewi-123"
#define SARI          "sari@" KABAR_TEST_BED_DOMAIN
#define SARI_PASSWORD "Sandi-Sari-123"
#define BUDI_PASSWORD "Sandi-Budi-123"
#define WAIT_MS       60000

static KabarTestBed *bed;
static KabarApplication *app;
static GtkWidget *window;

/* --- the mailbox ----------------------------------------------------------------- */

/* Folder, and how many messages it gets. */
static const struct
{
  const char *folder;
  guint       count;
} folders[] = {
  { "INBOX", 2 },
  { "Projects", 2 },
  { "Projects/Kabar", 1 },
  { "Clients", 1 },
  { "Old", 3 },
  { "Old/2019", 2 },
};

static void
fill_mailbox (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    for (guint j = 0; j < folders[i].count; j++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *subject = g_strdup_printf ("Message %u in %s", j + 1, folders[i].folder);
        gint64 when = now - ++n * 60;
        g_autoptr(GBytes) message = kabar_ui_bed_message_new ("Ayu Pratiwi <ayu@example.org>", "<" DEWI ">",
                                                              subject, "Hello.", when, NULL);

        kabar_test_bed_add_message (bed, DEWI, folders[i].folder, message, "S", when, &error);
        g_assert_no_error (error);
      }
}

static void
write_accounts (void)
{
  g_autoptr(KabarAccount) budi = kabar_ui_bed_account_new (bed, "Budi Santoso", BUDI);
  g_autoptr(KabarAccount) sari = NULL;
  g_autoptr(GError) error = NULL;

  kabar_ui_bed_write_account (bed, "Dewi Lestari", DEWI);
  /* Not the password Dovecot has for Budi. */
  kabar_bed_account_save (budi, "a-wrong-password", &error);
  g_assert_no_error (error);
  /* The bed's certificate is its own: without the pin the user gave it,
   * Sari's account does not trust it. */
  sari = kabar_bed_account_new ("Sari Wulandari", SARI, KABAR_TEST_BED_HOST,
                                kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                                kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_SUBMISSION), NULL);
  kabar_bed_account_save (sari, SARI_PASSWORD, &error);
  g_assert_no_error (error);
}

static gboolean
server_has (const char *path)
{
  return kabar_ui_bed_server_has_folder (bed, DEWI, path);
}

/* --- what the user sees --------------------------------------------------------------- */

static KabarFolderList *
folder_list (void)
{
  return KABAR_FOLDER_LIST (kabar_ui_test_find_widget (window, KABAR_TYPE_FOLDER_LIST));
}

static KabarAccountItem *
account_item (const char *address)
{
  return kabar_ui_test_find_account (window, address);
}

/* The folder as the sidebar's tree shows it, or NULL. */
static KabarFolderItem *
folder_item (const char *path)
{
  return kabar_ui_test_find_folder (window, DEWI, path);
}

static GtkWidget *
row_showing (gpointer item)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (GTK_WIDGET (folder_list ()), KABAR_TYPE_FOLDER_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      if ((gpointer) kabar_folder_row_get_item (KABAR_FOLDER_ROW (row)) == item && gtk_widget_is_drawable (row))
        return row;
    }
  return NULL;
}

static GtkWidget *
wait_for_window (GType type)
{
  return GTK_WIDGET (kabar_ui_test_wait_for_toplevel (type));
}

static gboolean
row_shows (gpointer item)
{
  return row_showing (item) != NULL;
}

/* As a user does: scrolls the sidebar to the item's row. */
static GtkWidget *
scroll_to_row (GObject *item)
{
  GtkWidget *list_view = kabar_ui_test_find_widget (GTK_WIDGET (folder_list ()), GTK_TYPE_LIST_VIEW);
  GListModel *rows = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));

  for (guint i = 0; row_showing (item) == NULL && i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) shown = GTK_IS_TREE_LIST_ROW (row) ? gtk_tree_list_row_get_item (GTK_TREE_LIST_ROW (row))
                                                            : g_object_ref (row);

      if (shown != item)
        continue;
      gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", i);
      g_assert_true (kabar_ui_test_wait_for (row_shows, item, 10000));
    }
  return row_showing (item);
}

static gboolean
popup_menu_of (GObject *item)
{
  g_assert_nonnull (scroll_to_row (item));
  return kabar_folder_list_popup_menu (folder_list (), item);
}

/* A menu item's label as it shows: without its mnemonic's underscore. */
static char *
shown_text (const char *label)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    if (*p != '_' || p[1] == '_')
      g_string_append_c (text, *p);
    else if (p[1] == '\0')
      break;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The item of a menu under root whose label (a msgid with its mnemonic)
 * shows in the user's language. */
static GtkWidget *
find_menu_item (GtkWidget  *root,
                const char *msgid)
{
  g_autofree char *text = shown_text (_(msgid));

  return kabar_ui_test_find_label (root, text);
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
}

/* The widget in light and in dark: NAME and NAME-dark. */
static void
screenshots (GtkWidget  *widget,
             const char *name)
{
  g_autofree char *dark_name = g_strdup_printf ("%s-dark", name);

  kabar_ui_test_wait_for_frame (widget);
  g_object_unref (kabar_ui_test_screenshot (widget, name));
  set_dark (TRUE);
  kabar_ui_test_wait_for_frame (widget);
  g_object_unref (kabar_ui_test_screenshot (widget, dark_name));
  set_dark (FALSE);
  kabar_ui_test_wait_for_frame (widget);
}

/* --- waiting ------------------------------------------------------------------------- */

static gboolean
folders_synced (gpointer data)
{
  KabarFolderItem *inbox = folder_item ("INBOX");
  KabarFolderItem *old = folder_item ("Old/2019");

  return inbox != NULL && kabar_folder_item_get_total_count (inbox) == 2 &&
         old != NULL && kabar_folder_item_get_total_count (old) == 2 &&
         folder_item ("Clients") != NULL && folder_item ("Projects/Kabar") != NULL;
}

/* On a screen too narrow for every pane, the window shows one: the
 * sidebar is what these tests are about. */
static void
show_sidebar (void)
{
  GtkWidget *child = GTK_WIDGET (folder_list ());

  for (GtkWidget *parent = gtk_widget_get_parent (child); parent != NULL;
       child = parent, parent = gtk_widget_get_parent (parent))
    if (ADW_IS_LEAFLET (parent))
      adw_leaflet_set_visible_child (ADW_LEAFLET (parent), child);
}

static void
show_window (void)
{
  static gboolean synced;

  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  show_sidebar ();
  /* The mailbox as filled, before the tests change it. */
  if (!synced)
    g_assert_true (kabar_ui_test_wait_for (folders_synced, NULL, WAIT_MS));
  synced = TRUE;
  kabar_ui_test_wait_for_frame (window);
}

typedef struct
{
  const char *present;
  const char *absent;
} Expected;

/* In the sidebar and on the server: one path there, one not (either
 * NULL). */
static gboolean
folders_are (gpointer data)
{
  const Expected *expected = data;

  if (expected->present != NULL && folder_item (expected->present) == NULL)
    return FALSE;
  if (expected->absent != NULL && folder_item (expected->absent) != NULL)
    return FALSE;
  return (expected->present == NULL || server_has (expected->present)) &&
         (expected->absent == NULL || !server_has (expected->absent));
}

static void
wait_for_folders (const char *present,
                  const char *absent)
{
  Expected expected = { present, absent };

  g_assert_true (kabar_ui_test_wait_for (folders_are, &expected, WAIT_MS));
}

/* --- the chooser ----------------------------------------------------------------------- */

static void
on_folder_chosen (KabarFolderChooser *chooser,
                  KabarFolderItem    *folder,
                  gpointer            data)
{
  KabarFolderItem **chosen = data;

  g_assert_null (*chosen);
  *chosen = folder;
}

static gboolean
shown_contains (KabarFolderChooser *chooser,
                KabarFolderItem    *folder)
{
  GListModel *shown = kabar_folder_chooser_get_shown (chooser);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(KabarFolderItem) item = g_list_model_get_item (shown, i);

      if (item == folder)
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  KabarFolderChooser *chooser;
  guint               count;
} Shown;

static gboolean
shown_count_is (gpointer data)
{
  Shown *shown = data;

  return g_list_model_get_n_items (kabar_folder_chooser_get_shown (shown->chooser)) == shown->count;
}

/* As the user types: the entry says so once typing pauses. */
static void
type_search (GtkWidget  *chooser,
             const char *text,
             guint       expected)
{
  Shown shown = { KABAR_FOLDER_CHOOSER (chooser), expected };

  gtk_editable_set_text (kabar_folder_chooser_get_search_entry (KABAR_FOLDER_CHOOSER (chooser)), text);
  g_assert_true (kabar_ui_test_wait_for (shown_count_is, &shown, 10000));
}

static void
test_chooser_filters_as_you_type (void)
{
  KabarFolderItem *inbox;
  KabarFolderItem *kabar;
  KabarFolderItem *chosen = NULL;
  GtkWidget *chooser;

  show_window ();
  inbox = folder_item ("INBOX");
  kabar = folder_item ("Projects/Kabar");
  chooser = kabar_folder_chooser_new (GTK_WINDOW (window), account_item (DEWI), _("Move To"), _("_Move"),
                                      kabar_folder_item_get_id (inbox));
  g_object_add_weak_pointer (G_OBJECT (chooser), (gpointer *) &chooser);
  g_signal_connect (chooser, "folder-chosen", G_CALLBACK (on_folder_chosen), &chosen);
  gtk_window_present (GTK_WINDOW (chooser));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_shown, GSIZE_TO_POINTER (KABAR_TYPE_FOLDER_CHOOSER), 10000));

  /* Every folder but the one the messages are in, in the tree's order,
   * the first selected. */
  g_assert_false (shown_contains (KABAR_FOLDER_CHOOSER (chooser), inbox));
  g_assert_true (shown_contains (KABAR_FOLDER_CHOOSER (chooser), kabar));
  g_assert_true (shown_contains (KABAR_FOLDER_CHOOSER (chooser), folder_item ("Old/2019")));
  g_assert_nonnull (kabar_folder_chooser_get_selected (KABAR_FOLDER_CHOOSER (chooser)));
  g_assert_nonnull (kabar_ui_test_find_label (chooser, "Kabar"));
  screenshots (chooser, "folders-chooser");

  /* Typing filters, whatever the case: only the match is left, and it is
   * what Enter picks. */
  type_search (chooser, "kAB", 1);
  g_assert_true (shown_contains (KABAR_FOLDER_CHOOSER (chooser), kabar));
  g_assert_true (kabar_folder_chooser_get_selected (KABAR_FOLDER_CHOOSER (chooser)) == kabar);
  kabar_ui_test_wait_for_frame (chooser);
  /* Searching, a match shows where it is. */
  g_assert_nonnull (kabar_ui_test_find_label (chooser, "Projects/Kabar"));
  g_object_unref (kabar_ui_test_screenshot (chooser, "folders-chooser-search"));

  /* Nothing matches: it says so. */
  type_search (chooser, "zzz", 0);
  kabar_ui_test_wait_for_frame (chooser);
  g_assert_nonnull (kabar_ui_test_find_label (chooser, _("No Matching Folders")));
  g_assert_false (gtk_widget_get_sensitive (kabar_ui_test_find_shown_button (chooser, _("_Move"))));

  type_search (chooser, "kab", 1);
  /* Enter in the entry. */
  g_signal_emit_by_name (kabar_folder_chooser_get_search_entry (KABAR_FOLDER_CHOOSER (chooser)), "activate");
  g_assert_true (chosen == kabar);
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone, GSIZE_TO_POINTER (KABAR_TYPE_FOLDER_CHOOSER), 10000));
}

/* --- creating, renaming, moving, deleting ---------------------------------------------- */

static KabarFolderNameDialog *
name_dialog_for (const char *action,
                 GObject    *item)
{
  g_assert_true (popup_menu_of (item));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (folder_list ()), action, NULL));
  return KABAR_FOLDER_NAME_DIALOG (wait_for_window (KABAR_TYPE_FOLDER_NAME_DIALOG));
}

static GtkPopover *
shown_popover (void)
{
  g_autoptr(GPtrArray) popovers = kabar_ui_test_find_widgets (GTK_WIDGET (folder_list ()), GTK_TYPE_POPOVER_MENU);

  for (guint i = 0; i < popovers->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (popovers, i)))
      return g_ptr_array_index (popovers, i);
  return NULL;
}

static gboolean
popover_shown (gpointer data)
{
  return shown_popover () != NULL;
}

static void
test_create_folder_from_the_context_menu (void)
{
  KabarFolderItem *projects;
  KabarFolderNameDialog *dialog;
  GtkEditable *entry;
  GtkPopover *menu;

  show_window ();
  projects = folder_item ("Projects");

  /* The menu as the user sees it on the folder's row. */
  g_assert_true (popup_menu_of (G_OBJECT (projects)));
  g_assert_true (kabar_ui_test_wait_for (popover_shown, NULL, 10000));
  menu = shown_popover ();
  kabar_ui_test_wait_for_frame (GTK_WIDGET (menu));
  g_assert_nonnull (find_menu_item (GTK_WIDGET (menu), N_("_Rename…")));
  screenshots (GTK_WIDGET (menu), "folders-menu");
  g_object_unref (kabar_ui_test_screenshot (window, "folders-window-menu"));
  gtk_popover_popdown (menu);

  dialog = name_dialog_for ("sidebar.new-folder", G_OBJECT (projects));
  entry = kabar_folder_name_dialog_get_entry (dialog);
  /* Checked as it is typed: nothing, a sibling's name, the delimiter. */
  g_assert_false (gtk_widget_get_sensitive (kabar_ui_test_find_shown_button (GTK_WIDGET (dialog), _("_Create"))));
  gtk_editable_set_text (entry, "Kabar");
  g_assert_nonnull (kabar_folder_name_dialog_get_problem (dialog));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (dialog), kabar_folder_name_dialog_get_problem (dialog)));
  g_assert_false (gtk_widget_get_sensitive (kabar_ui_test_find_shown_button (GTK_WIDGET (dialog), _("_Create"))));
  gtk_editable_set_text (entry, "Reports/2026");
  g_assert_nonnull (kabar_folder_name_dialog_get_problem (dialog));
  g_assert_false (gtk_widget_get_sensitive (kabar_ui_test_find_shown_button (GTK_WIDGET (dialog), _("_Create"))));
  kabar_ui_test_wait_for_frame (GTK_WIDGET (dialog));
  g_object_unref (kabar_ui_test_screenshot (GTK_WIDGET (dialog), "folders-new-refused"));
  gtk_editable_set_text (entry, "Reports");
  g_assert_null (kabar_folder_name_dialog_get_problem (dialog));
  screenshots (GTK_WIDGET (dialog), "folders-new");
  kabar_ui_test_press (GTK_WIDGET (dialog), _("_Create"));

  wait_for_folders ("Projects/Reports", NULL);
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone, GSIZE_TO_POINTER (KABAR_TYPE_FOLDER_NAME_DIALOG), 10000));

  /* From the account's row: at the top. */
  dialog = name_dialog_for ("sidebar.new-folder", G_OBJECT (account_item (DEWI)));
  gtk_editable_set_text (kabar_folder_name_dialog_get_entry (dialog), "Clients");
  g_assert_nonnull (kabar_folder_name_dialog_get_problem (dialog));
  gtk_editable_set_text (kabar_folder_name_dialog_get_entry (dialog), "Travel");
  kabar_ui_test_press (GTK_WIDGET (dialog), _("_Create"));
  wait_for_folders ("Travel", NULL);
}

static void
test_rename_folder (void)
{
  KabarFolderNameDialog *dialog;

  show_window ();
  dialog = name_dialog_for ("sidebar.rename-folder", G_OBJECT (folder_item ("Projects/Reports")));
  /* It starts from the name it has, which is no change. */
  g_assert_cmpstr (gtk_editable_get_text (kabar_folder_name_dialog_get_entry (dialog)), ==, "Reports");
  g_assert_false (gtk_widget_get_sensitive (kabar_ui_test_find_shown_button (GTK_WIDGET (dialog), _("_Rename"))));
  gtk_editable_set_text (kabar_folder_name_dialog_get_entry (dialog), "Reports 2026");
  kabar_ui_test_press (GTK_WIDGET (dialog), _("_Rename"));
  wait_for_folders ("Projects/Reports 2026", "Projects/Reports");
}

static void
test_role_folders_stay (void)
{
  KabarFolderItem *inbox;
  GtkWidget *menu;

  show_window ();
  inbox = folder_item ("INBOX");
  g_assert_true (popup_menu_of (G_OBJECT (inbox)));
  g_assert_true (kabar_ui_test_wait_for (popover_shown, NULL, 10000));
  menu = GTK_WIDGET (shown_popover ());
  kabar_ui_test_wait_for_frame (menu);
  /* Off in the menu; a new folder inside is fine. */
  g_assert_false (gtk_widget_is_sensitive (find_menu_item (menu, N_("_Rename…"))));
  g_assert_false (gtk_widget_is_sensitive (find_menu_item (menu, N_("_Move To…"))));
  g_assert_false (gtk_widget_is_sensitive (find_menu_item (menu, N_("_Delete…"))));
  g_assert_true (gtk_widget_is_sensitive (find_menu_item (menu, N_("_New Folder…"))));
  /* And their actions do nothing. */
  gtk_widget_activate_action (GTK_WIDGET (folder_list ()), "sidebar.rename-folder", NULL);
  gtk_widget_activate_action (GTK_WIDGET (folder_list ()), "sidebar.delete-folder", NULL);
  gtk_widget_activate_action (GTK_WIDGET (folder_list ()), "sidebar.move-folder", NULL);
  kabar_ui_test_wait_for_frame (window);
  g_assert_null (kabar_ui_test_find_toplevel (KABAR_TYPE_FOLDER_NAME_DIALOG));
  g_assert_null (kabar_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_null (kabar_ui_test_find_toplevel (KABAR_TYPE_FOLDER_CHOOSER));
  gtk_popover_popdown (GTK_POPOVER (menu));
}

static gboolean
drop (gpointer  dropped,
      GObject  *target)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_OBJECT_TYPE (dropped));
  g_value_set_object (&value, dropped);
  return kabar_folder_list_drop (folder_list (), &value, target, GDK_ACTION_MOVE);
}

static void
test_move_folder_by_drop (void)
{
  KabarFolderItem *clients;
  KabarFolderItem *reports;
  GtkWidget *chooser;

  show_window ();
  clients = folder_item ("Clients");
  reports = folder_item ("Projects/Reports 2026");

  /* Refused: into itself, a role folder anywhere. */
  g_assert_false (drop (clients, G_OBJECT (clients)));
  g_assert_false (drop (folder_item ("INBOX"), G_OBJECT (clients)));
  g_assert_false (drop (folder_item ("Projects"), G_OBJECT (folder_item ("Projects/Kabar"))));

  g_assert_true (drop (reports, G_OBJECT (clients)));
  wait_for_folders ("Clients/Reports 2026", "Projects/Reports 2026");

  /* On the account's row: to the top. */
  g_assert_true (drop (folder_item ("Clients/Reports 2026"), G_OBJECT (account_item (DEWI))));
  wait_for_folders ("Reports 2026", "Clients/Reports 2026");

  /* And back by the menu's chooser. */
  g_assert_true (popup_menu_of (G_OBJECT (folder_item ("Reports 2026"))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (folder_list ()), "sidebar.move-folder", NULL));
  chooser = wait_for_window (KABAR_TYPE_FOLDER_CHOOSER);
  /* The folder itself is not offered. */
  g_assert_false (shown_contains (KABAR_FOLDER_CHOOSER (chooser), folder_item ("Reports 2026")));
  type_search (chooser, "clie", 1);
  g_assert_true (kabar_folder_chooser_get_selected (KABAR_FOLDER_CHOOSER (chooser)) == folder_item ("Clients"));
  kabar_ui_test_press (chooser, _("_Move"));
  wait_for_folders ("Clients/Reports 2026", "Reports 2026");
}

static void
test_delete_folder_says_what_it_holds (void)
{
  AdwMessageDialog *dialog;
  g_autofree char *holds = NULL;
  g_autofree char *inside = NULL;

  show_window ();
  g_assert_true (popup_menu_of (G_OBJECT (folder_item ("Old"))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (folder_list ()), "sidebar.delete-folder", NULL));
  dialog = ADW_MESSAGE_DIALOG (wait_for_window (ADW_TYPE_MESSAGE_DIALOG));

  /* Its own three messages, and the folder inside it. */
  holds = g_strdup_printf (ngettext ("It holds %u message, which will be deleted with it.",
                                     "It holds %u messages, which will be deleted with it.", 3), 3);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), holds));
  inside = g_strdup_printf (ngettext ("%s The %u folder inside it and its messages will be deleted too.",
                                      "%s The %u folders inside it and their messages will be deleted too.", 1),
                            holds, 1);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, inside);
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (dialog), inside));
  screenshots (GTK_WIDGET (dialog), "folders-delete");

  kabar_ui_test_press (GTK_WIDGET (dialog), _("_Delete"));
  wait_for_folders (NULL, "Old/2019");
  wait_for_folders (NULL, "Old");
  g_assert_nonnull (folder_item ("Clients"));
  g_assert_true (server_has ("Clients"));
}

/* --- messages dropped on a folder ---------------------------------------------------------- */

typedef struct
{
  guint            count;
  KabarFolderItem *target;
  GdkDragAction    action;
} Dropped;

static void
on_messages_dropped (KabarFolderList  *list,
                     KabarMessageDrag *drag,
                     KabarFolderItem  *target,
                     GdkDragAction     action,
                     Dropped          *dropped)
{
  dropped->count++;
  dropped->target = target;
  dropped->action = action;
}

/* What GTK does on a drop on the row: the row's own drop target. */
static gboolean
drop_on_row (KabarMessageDrag *drag,
             gpointer          target)
{
  GtkWidget *row = row_showing (target);
  GtkWidget *expander = gtk_widget_get_parent (row);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (expander);
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean taken = FALSE;

  g_value_init (&value, KABAR_TYPE_MESSAGE_DRAG);
  g_value_set_object (&value, drag);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        {
          g_signal_emit_by_name (controller, "drop", &value, 10.0, 10.0, &taken);
          return taken;
        }
    }
  g_assert_not_reached ();
}

static void
test_message_drop_names_the_folder (void)
{
  KabarFolderItem *inbox;
  KabarFolderItem *clients;
  KabarMailService *service;
  guint32 uids[] = { 1, 2 };
  g_autoptr(KabarMessageDrag) drag = NULL;
  Dropped dropped = { 0 };
  gulong handler;

  show_window ();
  inbox = folder_item ("INBOX");
  clients = folder_item ("Clients");
  service = kabar_folder_item_get_service (inbox);
  drag = kabar_message_drag_new (service, kabar_folder_item_get_id (inbox), uids, G_N_ELEMENTS (uids));
  handler = g_signal_connect (folder_list (), "messages-dropped", G_CALLBACK (on_messages_dropped), &dropped);

  g_assert_true (drop_on_row (drag, clients));
  g_assert_cmpuint (dropped.count, ==, 1);
  g_assert_true (dropped.target == clients);
  g_assert_cmpint (dropped.action, ==, GDK_ACTION_MOVE);

  /* Not onto the folder they are in, nor onto an account. */
  g_assert_false (drop_on_row (drag, inbox));
  g_assert_false (drop_on_row (drag, account_item (DEWI)));
  g_assert_cmpuint (dropped.count, ==, 1);
  g_signal_handler_disconnect (folder_list (), handler);
}

/* --- an account that needs the user ---------------------------------------------------------- */

static gboolean
is_error (gpointer data)
{
  return kabar_account_item_get_state (data) == KABAR_ACCOUNT_ITEM_STATE_ERROR;
}

static gboolean
is_online (gpointer data)
{
  KabarAccountItem *account = data;

  return kabar_mail_service_get_status (kabar_account_item_get_service (account)) == KABAR_MAIL_SERVICE_STATUS_ONLINE &&
         kabar_account_item_get_state (account) == KABAR_ACCOUNT_ITEM_STATE_IDLE &&
         kabar_account_item_find_inbox (account) != NULL;
}

static void
test_wrong_password_signs_in_again (void)
{
  KabarAccountItem *budi;
  GtkWidget *row;
  GtkWidget *dialog;
  GtkWidget *entry;

  show_window ();
  budi = account_item (BUDI);
  g_assert_true (kabar_ui_test_wait_for (is_error, budi, WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
  row = scroll_to_row (G_OBJECT (budi));
  g_assert_nonnull (row);
  g_assert_nonnull (kabar_ui_test_find_label (row, _("The server refused the password.")));
  g_assert_nonnull (kabar_ui_test_find_shown_button (row, _("Sign In Again")));
  screenshots (window, "folders-sign-in-again");

  kabar_ui_test_press (row, _("Sign In Again"));
  dialog = wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  entry = kabar_ui_test_find_widget (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW);
  g_assert_nonnull (entry);
  g_assert_false (gtk_widget_get_sensitive (kabar_ui_test_find_shown_button (dialog, _("_Sign In"))));
  gtk_editable_set_text (GTK_EDITABLE (entry), BUDI_PASSWORD);
  screenshots (dialog, "folders-sign-in");
  kabar_ui_test_press (dialog, _("_Sign In"));

  g_assert_true (kabar_ui_test_wait_for (is_online, budi, WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
  g_assert_null (kabar_ui_test_find_shown_button (scroll_to_row (G_OBJECT (budi)), _("Sign In Again")));
  g_assert_null (kabar_account_item_get_status_text (budi));
}

static gboolean
sari_is (gpointer data)
{
  KabarAccountItem *sari = account_item (SARI);

  return sari != NULL && (GPOINTER_TO_INT (data) == KABAR_ACCOUNT_ITEM_STATE_ERROR ? is_error (sari) : is_online (sari));
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_came (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* The certificate's details, then "Trust": the account is saved with the
 * certificate pinned and starts again, online. */
static void
test_untrusted_certificate_can_be_trusted (void)
{
  const char *label = kabar_account_fix_get_label (KABAR_ACCOUNT_FIX_CERTIFICATE);
  g_autoptr(KabarAccountManager) saved = kabar_account_manager_new (NULL);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  KabarAccountItem *sari;
  KabarAccount *account;
  GtkWidget *dialog;
  GtkWidget *row;

  show_window ();
  g_assert_true (kabar_ui_test_wait_for (sari_is, GINT_TO_POINTER (KABAR_ACCOUNT_ITEM_STATE_ERROR), WAIT_MS));
  sari = account_item (SARI);
  g_assert_nonnull (kabar_mail_service_get_certificate_problem (kabar_account_item_get_service (sari)));
  certificate = g_object_ref (kabar_certificate_problem_get_certificate (
    kabar_mail_service_get_certificate_problem (kabar_account_item_get_service (sari))));
  id = g_strdup (kabar_account_get_id (kabar_mail_service_get_account (kabar_account_item_get_service (sari))));
  kabar_ui_test_wait_for_frame (window);
  row = scroll_to_row (G_OBJECT (sari));
  g_assert_nonnull (row);
  kabar_ui_test_press (row, label);

  dialog = wait_for_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (kabar_ui_test_find_label (dialog, _("Issued to")));
  g_assert_nonnull (kabar_ui_test_find_label (dialog, _("SHA-256 fingerprint")));
  screenshots (dialog, "folders-certificate");
  kabar_ui_test_press (dialog, _("T_rust for This Server"));

  g_assert_true (kabar_ui_test_wait_for (sari_is, GINT_TO_POINTER (KABAR_ACCOUNT_ITEM_STATE_IDLE), WAIT_MS));

  /* Kept for the next start: the settings on disk have the pin. */
  kabar_account_manager_load_async (saved, NULL, on_result, &loaded);
  g_assert_true (kabar_ui_test_wait_for (result_came, &loaded, 10000));
  g_assert_true (kabar_account_manager_load_finish (saved, loaded, &error));
  g_assert_no_error (error);
  account = kabar_account_manager_lookup (saved, id);
  g_assert_nonnull (account);
  g_assert_true (g_tls_certificate_is_same (kabar_account_get_pinned_certificate (account, KABAR_SERVER_INCOMING),
                                            certificate));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  kabar_ui_test_init (&argc, &argv);

  g_test_add_func ("/folders/chooser-filters-as-you-type", test_chooser_filters_as_you_type);
  g_test_add_func ("/folders/create-folder-from-the-context-menu", test_create_folder_from_the_context_menu);
  g_test_add_func ("/folders/rename-folder", test_rename_folder);
  g_test_add_func ("/folders/role-folders-stay", test_role_folders_stay);
  g_test_add_func ("/folders/move-folder-by-drop", test_move_folder_by_drop);
  g_test_add_func ("/folders/delete-folder-says-what-it-holds", test_delete_folder_says_what_it_holds);
  g_test_add_func ("/folders/message-drop-names-the-folder", test_message_drop_names_the_folder);
  g_test_add_func ("/folders/wrong-password-signs-in-again", test_wrong_password_signs_in_again);
  g_test_add_func ("/folders/untrusted-certificate-can-be-trusted", test_untrusted_certificate_can_be_trusted);

  /* Postfix for the accounts' outgoing server, which they must have. */
  bed = kabar_ui_bed_start (DEWI, DEWI_PASSWORD, BUDI, BUDI_PASSWORD, SARI, SARI_PASSWORD, NULL);
  fill_mailbox ();
  write_accounts ();

  app = kabar_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_object (&bed);
  return status;
}
