/* test-reading.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading and organising mail in the main window, under Xvfb, against the
 * bed's Dovecot: a message opened from the list shows in the reading pane
 * and becomes \Seen on the server; flag, mark unread, move by the folder
 * chooser, delete to Trash and Undo, delete for good from Trash, three
 * messages archived at once, messages dropped on a folder; the narrow
 * window's list, message and Back; the keyboard shortcuts. Each checks
 * what the window shows and what the server holds, by a client of its own.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-application.h"
#include "kabar-folder-chooser.h"
#include "kabar-folder-list.h"
#include "kabar-message-drag.h"
#include "kabar-message-list.h"
#include "kabar-message-row.h"
#include "kabar-reading-pane.h"
#include "kabar-search-model.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

#define DEWI          "dewi@" KABAR_TEST_BED_DOMAIN
#define DEWI_PASSWORD "Sandi-Dewi-123"
#define WAIT_MS       60000

static KabarTestBed *bed;
static KabarApplication *app;
static GtkWidget *window;

/* --- the mailbox ------------------------------------------------------------------ */

typedef struct
{
  const char *folder;
  const char *subject;
  guint       minutes_ago;
  const char *flags;
} Sample;

/* INBOX newest first. */
static const Sample samples[] = {
  { "INBOX", "Read me first", 5, "" },
  { "INBOX", "Flag this one", 10, "" },
  { "INBOX", "Move me by the chooser", 20, "S" },
  { "INBOX", "Trash and undo", 30, "S" },
  { "INBOX", "Three at once A", 40, "S" },
  { "INBOX", "Three at once B", 41, "S" },
  { "INBOX", "Three at once C", 42, "S" },
  { "INBOX", "Drag me to Projects", 50, "S" },
  { "INBOX", "Copy me to Projects", 60, "S" },
  { "INBOX", "Read on a small screen", 70, "S" },
  { "Trash", "Old news in the trash", 80, "S" },
  { "Projects", "Already in Projects", 90, "S" },
};

static GBytes *
make_message (const char *subject,
              gint64      unix_time)
{
  g_autofree char *body = g_strdup_printf ("Halo Dewi,\r\n\r\nThe body of \"%s\": the quarterly numbers are ready.",
                                           subject);

  return kabar_ui_bed_message_new ("Ayu Pratiwi <ayu@example.org>", "Dewi Lestari <" DEWI ">", subject, body,
                                   unix_time, NULL);
}

static void
fill_mailbox (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      gint64 when = now - (gint64) samples[i].minutes_ago * 60;
      g_autoptr(GBytes) message = make_message (samples[i].subject, when);

      kabar_test_bed_add_message (bed, DEWI, samples[i].folder, message, samples[i].flags, when, &error);
      g_assert_no_error (error);
    }
}

/* How many messages of folder with the subject (any, when NULL) match
 * flags, once the replay has reached the server. */
static void
assert_server_count (const char *folder,
                     const char *subject,
                     const char *flags,
                     guint       expected)
{
  g_autofree char *criteria = subject != NULL
                              ? g_strdup_printf ("SUBJECT \"%s\"%s%s", subject, *flags ? " " : "", flags)
                              : g_strdup (*flags ? flags : "ALL");

  kabar_ui_bed_wait_server_count (bed, DEWI, folder, criteria, expected, WAIT_MS);
}

/* --- what the user sees -------------------------------------------------------------- */

static KabarFolderList *
folder_list (void)
{
  return KABAR_FOLDER_LIST (kabar_ui_test_find_widget (window, KABAR_TYPE_FOLDER_LIST));
}

static KabarMessageList *
message_list (void)
{
  return KABAR_MESSAGE_LIST (kabar_ui_test_find_widget (window, KABAR_TYPE_MESSAGE_LIST));
}

static KabarReadingPane *
reading_pane (void)
{
  return KABAR_READING_PANE (kabar_ui_test_find_widget (window, KABAR_TYPE_READING_PANE));
}

static GtkSelectionModel *
list_selection (void)
{
  GtkWidget *view = kabar_ui_test_find_widget (GTK_WIDGET (message_list ()), GTK_TYPE_LIST_VIEW);

  return gtk_list_view_get_model (GTK_LIST_VIEW (view));
}

static KabarFolderItem *
folder_item (const char *path)
{
  return kabar_ui_test_find_folder (window, NULL, path);
}

/* The row's position in the list, or -1 while it is not read yet. */
static int
position_of (const char *subject)
{
  GListModel *model = kabar_message_list_get_shown_model (message_list ());

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KabarMessageItem) item = g_list_model_get_item (model, i);
      const KabarMessageSummary *summary = kabar_message_item_get_summary (item);

      if (summary != NULL && g_strcmp0 (summary->subject, subject) == 0)
        return (int) i;
    }
  return -1;
}

static gboolean
row_listed (gpointer data)
{
  return position_of (data) >= 0;
}

static gboolean
row_gone (gpointer data)
{
  KabarMessageListModel *model = kabar_message_list_get_model (message_list ());

  return model != NULL && !kabar_message_list_model_get_loading (model) && position_of (data) < 0;
}

static gboolean
folders_loaded (gpointer data)
{
  return folder_item ("INBOX") != NULL && folder_item ("Projects") != NULL && folder_item ("Archive") != NULL &&
         folder_item ("Trash") != NULL && folder_item ("Junk") != NULL;
}

static void
show_window (void)
{
  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  g_assert_true (kabar_ui_test_wait_for (folders_loaded, NULL, WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
}

static void
open_folder (const char *path)
{
  KabarFolderItem *folder = folder_item (path);

  g_assert_nonnull (folder);
  if (kabar_message_list_get_folder (message_list ()) != folder)
    {
      g_assert_true (kabar_folder_list_select_folder (folder_list (), folder));
      g_signal_emit_by_name (folder_list (), "folder-activated", folder);
    }
  g_assert_true (kabar_message_list_get_folder (message_list ()) == folder);
}

/* As a click on the row does: that row alone, or added (Ctrl). */
static void
click_row (const char *subject,
           gboolean    add)
{
  g_assert_true (kabar_ui_test_wait_for (row_listed, (gpointer) subject, WAIT_MS));
  g_assert_true (gtk_selection_model_select_item (list_selection (), position_of (subject), !add));
}

static gboolean
pane_shows (gpointer data)
{
  KabarReadingPane *pane = reading_pane ();

  return g_strcmp0 (kabar_reading_pane_get_page (pane), data) == 0;
}

static gboolean
view_loaded (gpointer data)
{
  return pane_shows ((gpointer) "message") && kabar_message_view_is_loaded (kabar_reading_pane_get_view (reading_pane ()));
}

static void
open_message (const char *subject)
{
  click_row (subject, FALSE);
  g_assert_true (kabar_ui_test_wait_for (view_loaded, NULL, WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (reading_pane ()), subject));
}

static void
activate (const char *action)
{
  g_assert_true (gtk_widget_activate_action (window, action, NULL));
}

static gboolean
action_enabled (const char *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), name);
}

static void
assert_toast (const char *text)
{
  if (!kabar_ui_test_wait_for_label (window, text, 10000))
    g_error ("No toast says “%s”", text);
}

static GtkWidget *
undo_button_of (const char *text)
{
  return kabar_ui_test_find_toast_button (window, text, _("_Undo"));
}

static gboolean
row_is_unread (gpointer data)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (GTK_WIDGET (message_list ()), KABAR_TYPE_MESSAGE_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      KabarMessageItem *item = kabar_message_row_get_item (g_ptr_array_index (rows, i));

      if (item != NULL && kabar_message_item_get_summary (item) != NULL &&
          g_strcmp0 (kabar_message_item_get_summary (item)->subject, data) == 0)
        return gtk_widget_has_css_class (g_ptr_array_index (rows, i), "unread");
    }
  return FALSE;
}

static gboolean
row_is_read (gpointer data)
{
  return row_listed (data) && !row_is_unread (data);
}

/* --- screenshots --------------------------------------------------------------------- */

typedef struct
{
  gboolean    done;
  GdkTexture *texture;
} PageShot;

static void
on_page_shot (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PageShot *shot = user_data;
  g_autoptr(GError) error = NULL;

  shot->texture = webkit_web_view_get_snapshot_finish (WEBKIT_WEB_VIEW (source), result, &error);
  g_assert_no_error (error);
  shot->done = TRUE;
}

static gboolean
page_shot_done (gpointer data)
{
  return ((PageShot *) data)->done;
}

/* GTK paints the window, WebKit the message's page: both, as on screen. */
static void
screenshot_window (const char *name)
{
  WebKitWebView *web_view = kabar_message_view_get_web_view (kabar_reading_pane_get_view (reading_pane ()));
  PageShot shot = { FALSE, NULL };
  g_autoptr(GdkTexture) texture = NULL;

  g_assert_true (kabar_ui_test_wait_for (view_loaded, NULL, 20000));
  kabar_ui_test_wait_for_frame (window);
  webkit_web_view_get_snapshot (web_view, WEBKIT_SNAPSHOT_REGION_VISIBLE, WEBKIT_SNAPSHOT_OPTIONS_NONE,
                                NULL, on_page_shot, &shot);
  g_assert_true (kabar_ui_test_wait_for (page_shot_done, &shot, 10000));
  texture = kabar_ui_test_screenshot_with_inset (window, name, GTK_WIDGET (web_view), shot.texture);
  g_object_unref (shot.texture);
  g_assert_cmpuint (kabar_ui_test_count_colours (texture), >, 50);
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
}

static void
screenshot_both (const char *name)
{
  g_autofree char *light = g_strdup_printf ("%s-light", name);
  g_autofree char *dark = g_strdup_printf ("%s-dark", name);

  set_dark (FALSE);
  screenshot_window (light);
  set_dark (TRUE);
  screenshot_window (dark);
  set_dark (FALSE);
}

/* --- the tests ------------------------------------------------------------------------- */

static void
test_opening_a_message_reads_it (void)
{
  KabarMessageView *view;
  const char *html;
  g_autofree char *date_text = NULL;

  show_window ();
  open_folder ("INBOX");
  /* Nothing chosen yet: the pane says so. */
  g_assert_true (kabar_ui_test_wait_for (row_listed, (gpointer) "Read me first", WAIT_MS));
  g_assert_cmpstr (kabar_reading_pane_get_page (reading_pane ()), ==, "empty");
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (reading_pane ()), _("No Message Selected")));
  g_assert_false (action_enabled ("delete"));
  g_assert_true (kabar_ui_test_wait_for (row_is_unread, (gpointer) "Read me first", 10000));
  assert_server_count ("INBOX", "Read me first", "UNSEEN", 1);

  open_message ("Read me first");
  view = kabar_reading_pane_get_view (reading_pane ());
  html = kabar_message_display_get_html (kabar_message_view_get_display (view), FALSE);
  g_assert_nonnull (strstr (html, "the quarterly numbers are ready"));
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (kabar_message_view_get_web_view (view))));
  /* Its date in the header, as the user's language writes it. */
  date_text = kabar_display_format_date (kabar_message_display_get_date (kabar_message_view_get_display (view)), NULL);
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), date_text));

  /* Read at once (the delay is 0 unless the user sets one): in the
   * list, and on the server. */
  g_assert_true (kabar_ui_test_wait_for (row_is_read, (gpointer) "Read me first", WAIT_MS));
  assert_server_count ("INBOX", "Read me first", "SEEN", 1);
  g_assert_true (action_enabled ("mark-unread"));
  g_assert_false (action_enabled ("mark-read"));

  screenshot_both ("window-wide");
}

static void
test_flag_and_mark_unread (void)
{
  show_window ();
  open_folder ("INBOX");
  open_message ("Flag this one");
  assert_server_count ("INBOX", "Flag this one", "SEEN", 1);

  activate ("win.toggle-flag");
  assert_toast (_("Flagged"));
  assert_server_count ("INBOX", "Flag this one", "FLAGGED", 1);

  /* Shown and unread: the pane does not read it again. */
  activate ("win.mark-unread");
  assert_toast (_("Marked as unread"));
  assert_server_count ("INBOX", "Flag this one", "UNSEEN", 1);
  g_assert_true (kabar_ui_test_wait_for (row_is_unread, (gpointer) "Flag this one", WAIT_MS));
  g_assert_cmpstr (kabar_reading_pane_get_page (reading_pane ()), ==, "message");

  /* And the flag off again: all selected were flagged. */
  activate ("win.toggle-flag");
  assert_toast (_("Flag removed"));
  assert_server_count ("INBOX", "Flag this one", "UNFLAGGED", 1);
}

static gboolean
chooser_picks (gpointer data)
{
  KabarFolderChooser *chooser = KABAR_FOLDER_CHOOSER (kabar_ui_test_find_toplevel (KABAR_TYPE_FOLDER_CHOOSER));
  KabarFolderItem *selected = chooser != NULL ? kabar_folder_chooser_get_selected (chooser) : NULL;

  return selected != NULL && g_strcmp0 (kabar_folder_item_get_folder (selected)->path, data) == 0;
}

static void
test_move_by_the_chooser (void)
{
  KabarFolderChooser *chooser;
  g_autofree char *moved = NULL;

  show_window ();
  open_folder ("INBOX");
  open_message ("Move me by the chooser");
  activate ("win.move-to");
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_shown, GSIZE_TO_POINTER (KABAR_TYPE_FOLDER_CHOOSER), 10000));
  chooser = KABAR_FOLDER_CHOOSER (kabar_ui_test_find_toplevel (KABAR_TYPE_FOLDER_CHOOSER));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (chooser)) == GTK_WINDOW (window));

  /* Typed, then Enter. */
  gtk_editable_set_text (kabar_folder_chooser_get_search_entry (chooser), "Proj");
  g_assert_true (kabar_ui_test_wait_for (chooser_picks, (gpointer) "Projects", 10000));
  g_signal_emit_by_name (kabar_folder_chooser_get_search_entry (chooser), "activate");
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone, GSIZE_TO_POINTER (KABAR_TYPE_FOLDER_CHOOSER), 10000));

  moved = g_strdup_printf (ngettext ("Moved %u message to %s", "Moved %u messages to %s", 1), 1, "Projects");
  assert_toast (moved);
  g_assert_true (kabar_ui_test_wait_for (row_gone, (gpointer) "Move me by the chooser", WAIT_MS));
  assert_server_count ("Projects", "Move me by the chooser", "", 1);
  assert_server_count ("INBOX", "Move me by the chooser", "", 0);
  /* The message went: so did the pane's. */
  g_assert_true (kabar_ui_test_wait_for (pane_shows, (gpointer) "empty", 10000));
}

static void
test_delete_to_trash_and_undo (void)
{
  g_autofree char *moved = NULL;
  GtkWidget *undo;

  show_window ();
  open_folder ("INBOX");
  open_message ("Trash and undo");
  activate ("win.delete");

  moved = g_strdup_printf (ngettext ("Moved %u message to %s", "Moved %u messages to %s", 1), 1, _("Trash"));
  assert_toast (moved);
  g_assert_true (kabar_ui_test_wait_for (row_gone, (gpointer) "Trash and undo", WAIT_MS));
  assert_server_count ("Trash", "Trash and undo", "", 1);
  assert_server_count ("INBOX", "Trash and undo", "", 0);

  undo = undo_button_of (moved);
  g_assert_nonnull (undo);
  g_assert_true (gtk_widget_is_drawable (undo));
  g_signal_emit_by_name (undo, "clicked");
  g_assert_true (kabar_ui_test_wait_for (row_listed, (gpointer) "Trash and undo", WAIT_MS));
  assert_server_count ("INBOX", "Trash and undo", "", 1);
  assert_server_count ("Trash", "Trash and undo", "", 0);
}

static void
test_delete_for_good_from_trash (void)
{
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *deleted = NULL;

  show_window ();
  open_folder ("Trash");
  open_message ("Old news in the trash");
  activate ("win.delete");
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10000));
  dialog = ADW_MESSAGE_DIALOG (kabar_ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  heading = g_strdup_printf (ngettext ("Delete %u Message for Good?", "Delete %u Messages for Good?", 1), 1);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  /* Nothing is gone while the user decides. */
  assert_server_count ("Trash", "Old news in the trash", "", 1);

  /* The dialog's own button, as the user presses it. */
  {
    g_autoptr(GPtrArray) buttons = kabar_ui_test_find_widgets (GTK_WIDGET (dialog), GTK_TYPE_BUTTON);
    GtkWidget *delete = NULL;

    for (guint i = 0; i < buttons->len; i++)
      if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), _("_Delete")) == 0)
        delete = g_ptr_array_index (buttons, i);
    g_assert_nonnull (delete);
    g_signal_emit_by_name (delete, "clicked");
  }
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10000));
  deleted = g_strdup_printf (ngettext ("Deleted %u message for good", "Deleted %u messages for good", 1), 1);
  assert_toast (deleted);
  g_assert_true (kabar_ui_test_wait_for (row_gone, (gpointer) "Old news in the trash", WAIT_MS));
  assert_server_count ("Trash", "Old news in the trash", "", 0);
  assert_server_count ("INBOX", "Old news in the trash", "", 0);
  /* No undo for what is gone for good. */
  g_assert_null (undo_button_of (deleted));
}

static void
test_archive_three_at_once (void)
{
  g_autofree char *title = NULL;
  g_autofree char *moved = NULL;

  show_window ();
  open_folder ("INBOX");
  click_row ("Three at once A", FALSE);
  click_row ("Three at once B", TRUE);
  click_row ("Three at once C", TRUE);
  title = g_strdup_printf (ngettext ("%u Message Selected", "%u Messages Selected", 3), 3);
  g_assert_true (kabar_ui_test_wait_for (pane_shows, (gpointer) "several", 10000));
  kabar_ui_test_wait_for_frame (window);
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (reading_pane ()), title));
  g_assert_true (action_enabled ("archive"));

  activate ("win.archive");
  moved = g_strdup_printf (ngettext ("Moved %u message to %s", "Moved %u messages to %s", 3), 3, _("Archive"));
  assert_toast (moved);
  assert_server_count ("Archive", "Three at once", "", 3);
  assert_server_count ("INBOX", "Three at once", "", 0);
  g_assert_true (kabar_ui_test_wait_for (row_gone, (gpointer) "Three at once B", WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (pane_shows, (gpointer) "empty", 10000));
}

/* Xvfb has no pointer to drag with: what the list's drag source gives
 * is dropped as the folder list says it was. */
static void
drop_selection_on (const char    *path,
                   GdkDragAction  action)
{
  g_autoptr(GPtrArray) items = kabar_message_list_get_selected_items (message_list ());
  g_autoptr(KabarMessageDrag) drag = kabar_message_list_make_drag (message_list (), items);

  g_assert_nonnull (drag);
  g_signal_emit_by_name (folder_list (), "messages-dropped", drag, folder_item (path), action);
}

static void
test_drop_on_a_folder (void)
{
  g_autofree char *moved = NULL;
  g_autofree char *copied = NULL;

  show_window ();
  open_folder ("INBOX");
  open_message ("Drag me to Projects");
  drop_selection_on ("Projects", GDK_ACTION_MOVE);
  moved = g_strdup_printf (ngettext ("Moved %u message to %s", "Moved %u messages to %s", 1), 1, "Projects");
  assert_toast (moved);
  assert_server_count ("Projects", "Drag me to Projects", "", 1);
  assert_server_count ("INBOX", "Drag me to Projects", "", 0);

  open_message ("Copy me to Projects");
  drop_selection_on ("Projects", GDK_ACTION_COPY);
  copied = g_strdup_printf (ngettext ("Copied %u message to %s", "Copied %u messages to %s", 1), 1, "Projects");
  assert_toast (copied);
  assert_server_count ("Projects", "Copy me to Projects", "", 1);
  assert_server_count ("INBOX", "Copy me to Projects", "", 1);
}

static gboolean
leaflet_folded (gpointer data)
{
  return adw_leaflet_get_folded (data) == GPOINTER_TO_INT (g_object_get_data (data, "want-folded"));
}

static gboolean
is_drawable (gpointer data)
{
  return gtk_widget_is_drawable (data);
}

static gboolean
is_hidden (gpointer data)
{
  return !gtk_widget_is_drawable (data);
}

static void
test_narrow_window_list_message_back (void)
{
  AdwLeaflet *leaflet;

  show_window ();
  open_folder ("INBOX");
  leaflet = ADW_LEAFLET (kabar_ui_test_find_widget (window, ADW_TYPE_LEAFLET));
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 720);
  g_object_set_data (G_OBJECT (leaflet), "want-folded", GINT_TO_POINTER (TRUE));
  g_assert_true (kabar_ui_test_wait_for (leaflet_folded, leaflet, 5000));

  /* The list... */
  g_assert_true (kabar_ui_test_wait_for (is_drawable, message_list (), 5000));
  g_assert_true (kabar_ui_test_wait_for (is_hidden, reading_pane (), 5000));
  g_assert_true (action_enabled ("go-back"));

  /* ...then the message, as Enter opens it... */
  click_row ("Read on a small screen", FALSE);
  activate ("win.open-message");
  g_assert_true (kabar_ui_test_wait_for (is_drawable, reading_pane (), 5000));
  g_assert_true (kabar_ui_test_wait_for (is_hidden, message_list (), 5000));
  g_assert_true (kabar_ui_test_wait_for (view_loaded, NULL, WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (reading_pane ()), "Read on a small screen"));
  screenshot_both ("window-narrow");

  /* ...and Back (Escape) to the list. */
  activate ("win.go-back");
  g_assert_true (kabar_ui_test_wait_for (is_drawable, message_list (), 5000));
  g_assert_true (kabar_ui_test_wait_for (is_hidden, reading_pane (), 5000));

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  g_object_set_data (G_OBJECT (leaflet), "want-folded", GINT_TO_POINTER (FALSE));
  g_assert_true (kabar_ui_test_wait_for (leaflet_folded, leaflet, 5000));
  g_assert_false (action_enabled ("go-back"));
}

/* Which action the window's shortcut for trigger runs, or NULL. */
static char *
shortcut_action (const char *trigger)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (window);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (trigger);

  g_assert_nonnull (wanted);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted) &&
              GTK_IS_NAMED_ACTION (action))
            return g_strdup (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));
        }
    }
  return NULL;
}

static gboolean
first_row_is (gpointer data)
{
  return position_of (data) == 0;
}

static void
test_keyboard_shortcuts (void)
{
  static const struct
  {
    const char *trigger;
    const char *action;
  } shortcuts[] = {
    { "Delete", "win.delete" },
    { "<Control>i", "win.mark-read" },
    { "<Control><Shift>i", "win.mark-unread" },
    { "<Control>d", "win.toggle-flag" },
    { "<Control>e", "win.archive" },
    { "<Control>j", "win.junk" },
    { "<Control>m", "win.move-to" },
    { "<Control><Shift>m", "win.copy-to" },
    { "F5", "win.check-mail" },
    { "<Control>a", "win.select-all" },
    { "<Control>f", "win.search" },
    { "Escape", "win.go-back" },
    { "<Alt>Left", "win.go-back" },
  };
  GListModel *shown;

  show_window ();
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    {
      g_autofree char *action = shortcut_action (shortcuts[i].trigger);

      if (g_strcmp0 (action, shortcuts[i].action) != 0)
        g_error ("%s runs %s, not %s", shortcuts[i].trigger, action, shortcuts[i].action);
      g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), shortcuts[i].action + 4));
    }

  /* What they run, by keyboard alone. */
  open_folder ("INBOX");
  g_assert_true (kabar_ui_test_wait_for (row_listed, (gpointer) "Read me first", WAIT_MS));
  activate ("win.select-all");
  shown = kabar_message_list_get_shown_model (message_list ());
  g_assert_cmpuint (kabar_message_list_get_n_selected (message_list ()), ==, g_list_model_get_n_items (shown));
  g_assert_true (kabar_ui_test_wait_for (pane_shows, (gpointer) "several", 5000));
  activate ("win.mark-read");
  assert_server_count ("INBOX", "Flag this one", "SEEN", 1);
  assert_server_count ("INBOX", NULL, "UNSEEN", 0);

  /* The list's menu: oldest first, then back. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "message-sort", g_variant_new_string ("date-oldest"));
  g_assert_true (kabar_ui_test_wait_for (first_row_is, (gpointer) "Read on a small screen", WAIT_MS));
  g_action_group_activate_action (G_ACTION_GROUP (window), "message-sort", g_variant_new_string ("date-newest"));
  g_assert_true (kabar_ui_test_wait_for (first_row_is, (gpointer) "Read me first", WAIT_MS));

  activate ("win.search");
  g_assert_true (kabar_ui_test_wait_for (is_drawable,
                                         kabar_ui_test_find_widget (GTK_WIDGET (message_list ()),
                                                                    GTK_TYPE_SEARCH_ENTRY), 5000));
}

static GBytes *
make_thread_message (const char *subject,
                     const char *message_id,
                     const char *in_reply_to,
                     gint64      unix_time)
{
  g_autofree char *reply = in_reply_to != NULL ? g_strdup_printf ("In-Reply-To: <%s>\r\n"
                                                                  "References: <%s>\r\n",
                                                                  in_reply_to, in_reply_to)
                                                : NULL;

  return kabar_ui_bed_message_new_with_headers ("Ayu Pratiwi <ayu@example.org>", "Dewi Lestari <" DEWI ">",
                                                subject, "Makan siang Jumat?", unix_time, message_id, reply);
}

/* The reading pane lists a conversation of n messages, shown. */
static gboolean
conversation_listed (gpointer data)
{
  GtkWidget *list = kabar_ui_test_find_widget (GTK_WIDGET (reading_pane ()), GTK_TYPE_LIST_BOX);
  guint n = 0;

  if (list == NULL || !gtk_widget_is_drawable (list))
    return FALSE;
  while (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), n) != NULL)
    n++;
  return n == GPOINTER_TO_UINT (data);
}

static gboolean
view_shows_subject (gpointer data)
{
  KabarMessageView *view = kabar_reading_pane_get_view (reading_pane ());
  KabarMessageDisplay *display = kabar_message_view_get_display (view);

  return view_loaded (NULL) && display != NULL
         && g_strcmp0 (kabar_message_display_get_subject (display), data) == 0;
}

/* A conversation's row stands for all of its messages: opening it reads
 * them all, on the server too, and the row is read. */
static void
test_opening_a_conversation_reads_it_all (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GBytes) first = make_thread_message ("Lunch on Friday", "lunch-1@kabar.test", NULL, now - 120);
  g_autoptr(GBytes) reply = make_thread_message ("Re: Lunch on Friday", "lunch-2@kabar.test",
                                                 "lunch-1@kabar.test", now - 60);
  g_autoptr(GError) error = NULL;
  GtkListBox *conversation;

  show_window ();
  g_action_group_activate_action (G_ACTION_GROUP (window), "conversations", g_variant_new_boolean (TRUE));
  open_folder ("INBOX");
  kabar_test_bed_add_message (bed, DEWI, "INBOX", first, "", now - 120, &error);
  g_assert_no_error (error);
  kabar_test_bed_add_message (bed, DEWI, "INBOX", reply, "", now - 60, &error);
  g_assert_no_error (error);
  activate ("win.check-mail");
  g_assert_true (kabar_ui_test_wait_for (row_listed, (gpointer) "Re: Lunch on Friday", WAIT_MS));
  g_assert_cmpint (position_of ("Lunch on Friday"), <, 0);
  assert_server_count ("INBOX", "Lunch on Friday", "UNSEEN", 2);

  open_message ("Re: Lunch on Friday");
  assert_server_count ("INBOX", "Lunch on Friday", "SEEN", 2);
  g_assert_true (kabar_ui_test_wait_for (row_is_read, (gpointer) "Re: Lunch on Friday", WAIT_MS));

  /* Above the message, its conversation: the first message opens from
   * there, and the list stays. */
  g_assert_true (kabar_ui_test_wait_for (conversation_listed, GUINT_TO_POINTER (2), WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
  screenshot_window ("window-conversation");
  conversation = GTK_LIST_BOX (kabar_ui_test_find_widget (GTK_WIDGET (reading_pane ()), GTK_TYPE_LIST_BOX));
  g_signal_emit_by_name (conversation, "row-activated", gtk_list_box_get_row_at_index (conversation, 0));
  g_assert_true (kabar_ui_test_wait_for (view_shows_subject, (gpointer) "Lunch on Friday", WAIT_MS));
  g_assert_true (gtk_list_box_get_selected_row (conversation) == gtk_list_box_get_row_at_index (conversation, 0));
  g_assert_true (kabar_ui_test_wait_for (conversation_listed, GUINT_TO_POINTER (2), WAIT_MS));
}

static gboolean
search_found_only (gpointer data)
{
  GListModel *shown = kabar_message_list_get_shown_model (message_list ());

  return KABAR_IS_SEARCH_MODEL (shown) && !kabar_search_model_get_searching (KABAR_SEARCH_MODEL (shown))
         && g_list_model_get_n_items (shown) == 1 && position_of (data) == 0;
}

static gboolean
folder_shown_again (gpointer data)
{
  GListModel *shown = kabar_message_list_get_shown_model (message_list ());

  return shown == G_LIST_MODEL (kabar_message_list_get_model (message_list ())) && position_of (data) >= 0;
}

/* Typed as a user types: words as prefixes, any case; the result opens
 * like any message, and an empty query brings the folder back. */
static void
test_search_and_open_a_result (void)
{
  GtkEditable *entry;

  show_window ();
  open_folder ("INBOX");
  g_assert_true (kabar_ui_test_wait_for (row_listed, (gpointer) "Read me first", WAIT_MS));
  activate ("win.search");
  entry = GTK_EDITABLE (kabar_ui_test_find_widget (GTK_WIDGET (message_list ()), GTK_TYPE_SEARCH_ENTRY));
  g_assert_nonnull (entry);
  gtk_editable_set_text (entry, "SMALL scr");
  g_assert_true (kabar_ui_test_wait_for (search_found_only, (gpointer) "Read on a small screen", WAIT_MS));
  open_message ("Read on a small screen");
  kabar_ui_test_wait_for_frame (window);
  screenshot_window ("window-search");

  gtk_editable_set_text (entry, "");
  g_assert_true (kabar_ui_test_wait_for (folder_shown_again, (gpointer) "Read me first", WAIT_MS));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  kabar_ui_test_init (&argc, &argv);

  g_test_add_func ("/reading/opening-a-message-reads-it", test_opening_a_message_reads_it);
  g_test_add_func ("/reading/flag-and-mark-unread", test_flag_and_mark_unread);
  g_test_add_func ("/reading/move-by-the-chooser", test_move_by_the_chooser);
  g_test_add_func ("/reading/delete-to-trash-and-undo", test_delete_to_trash_and_undo);
  g_test_add_func ("/reading/delete-for-good-from-trash", test_delete_for_good_from_trash);
  g_test_add_func ("/reading/archive-three-at-once", test_archive_three_at_once);
  g_test_add_func ("/reading/drop-on-a-folder", test_drop_on_a_folder);
  g_test_add_func ("/reading/narrow-window-list-message-back", test_narrow_window_list_message_back);
  g_test_add_func ("/reading/keyboard-shortcuts", test_keyboard_shortcuts);
  g_test_add_func ("/reading/search-and-open-a-result", test_search_and_open_a_result);
  g_test_add_func ("/reading/opening-a-conversation-reads-it-all", test_opening_a_conversation_reads_it_all);

  bed = kabar_ui_bed_start (DEWI, DEWI_PASSWORD, NULL);
  fill_mailbox ();
  kabar_ui_bed_write_account (bed, "Dewi Lestari", DEWI);

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
