/* test-mailbox.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window with mail, under Xvfb: two accounts on the bed's
 * Dovecot, set up as the demo sets up its own (settings written with the
 * account manager, passwords in the session's keyring), one of them with a
 * password the server refuses; then the real application, which reads the
 * accounts at start, and what its window shows.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-item.h"
#include "kabar-application.h"
#include "kabar-bed-account.h"
#include "kabar-folder-list.h"
#include "kabar-folder-row.h"
#include "kabar-message-list.h"
#include "kabar-message-row.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

#define DEWI          "dewi@" KABAR_TEST_BED_DOMAIN
#define BUDI          "budi@" KABAR_TEST_BED_DOMAIN
#define DEWI_PASSWORD "Sandi-Dewi-123"
#define BUDI_PASSWORD "Sandi-Budi-123"
#define BULK_COUNT    3000
#define WAIT_MS       60000

/* One bed, one application and one window for the whole run, as for a
 * user: the tests follow one another in that window. */
static KabarTestBed *bed;
static KabarApplication *app;
static GtkWidget *window;

/* --- the mailbox ----------------------------------------------------------------- */

typedef struct
{
  const char *folder;
  const char *from;
  const char *subject;
  guint       minutes_ago;
  const char *flags;
} Sample;

/* INBOX, newest first: two unread, one of them flagged. */
static const Sample samples[] = {
  { "INBOX", "Ayu Pratiwi <ayu@example.org>", "Rapat tim Jumat pagi", 5, "" },
  { "INBOX", "Rahul Sharma <rahul@example.in>", "Slides for the GNOME meetup", 90, "F" },
  { "INBOX", "सुनीता शर्मा <sunita@example.in>", "दिवाली की शुभकामनाएँ", 60 * 26, "S" },
  { "INBOX", "Lukas Becker <lukas@example.de>", "Re: Kabar 0.5 release plan", 60 * 24 * 3, "S" },
  { "INBOX", "Bank Nusantara <noreply@example.co.id>", "Your monthly statement", 60 * 24 * 400, "S" },
  { "Projects", "Priya Nair <priya@example.in>", "Translation status", 60 * 5, "" },
  { "Projects", "Kenji Watanabe <kenji@example.jp>", "Folder list on narrow screens", 60 * 7, "" },
  { "Projects/Kabar", "Ayu Pratiwi <ayu@example.org>", "Release notes draft", 60 * 8, "" },
  { "Sent", "Dewi Lestari <" DEWI ">", "Re: Slides for the GNOME meetup", 80, "S" },
};

static GBytes *
make_message (const char *from,
              const char *subject,
              gint64      unix_time)
{
  return kabar_ui_bed_message_new (from, "Dewi Lestari <" DEWI ">", subject, "Hello.", unix_time, NULL);
}

static void
fill_mailbox (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      gint64 when = now - (gint64) samples[i].minutes_ago * 60;
      g_autoptr(GBytes) message = make_message (samples[i].from, samples[i].subject, when);

      kabar_test_bed_add_message (bed, DEWI, samples[i].folder, message, samples[i].flags, when, &error);
      g_assert_no_error (error);
    }
  /* Older than all of the above: the fill ends a minute ago. */
  kabar_test_bed_fill_folder (bed, DEWI, "Bulk", BULK_COUNT, &error);
  g_assert_no_error (error);
}

/* Both accounts as the demo writes its own; Dewi's first in the list (the
 * manager lists them by file name, which is the random id). */
static void
write_accounts (void)
{
  g_autoptr(KabarAccount) dewi = NULL;
  g_autoptr(KabarAccount) budi = NULL;
  g_autoptr(GError) error = NULL;

  do
    {
      g_clear_object (&dewi);
      g_clear_object (&budi);
      dewi = kabar_ui_bed_account_new (bed, "Dewi Lestari", DEWI);
      budi = kabar_ui_bed_account_new (bed, "Budi Santoso", BUDI);
    }
  while (strcmp (kabar_account_get_id (dewi), kabar_account_get_id (budi)) > 0);

  g_assert_true (kabar_bed_account_save (dewi, DEWI_PASSWORD, &error));
  g_assert_no_error (error);
  /* Not the password Dovecot has for Budi. */
  g_assert_true (kabar_bed_account_save (budi, "a-wrong-password", &error));
  g_assert_no_error (error);
}

/* --- finding what the user sees ------------------------------------------------------ */

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

static KabarAccountItem *
account_item (const char *address)
{
  return kabar_ui_test_find_account (window, address);
}

/* The folder as the sidebar shows it (in its tree), or NULL. */
static KabarFolderItem *
folder_item (const char *address,
             const char *path)
{
  return kabar_ui_test_find_folder (window, address, path);
}

static GtkWidget *
row_showing (GtkWidget *root,
             GType      row_type,
             gpointer   item)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (root, row_type);

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      gpointer shown = row_type == KABAR_TYPE_FOLDER_ROW
                       ? (gpointer) kabar_folder_row_get_item (KABAR_FOLDER_ROW (row))
                       : (gpointer) kabar_message_row_get_item (KABAR_MESSAGE_ROW (row));

      if (shown == item && gtk_widget_is_drawable (row))
        return row;
    }
  return NULL;
}

static const char *
subject_at (guint position)
{
  KabarMessageListModel *model = kabar_message_list_get_model (message_list ());
  g_autoptr(KabarMessageItem) item = NULL;

  if (model == NULL || position >= g_list_model_get_n_items (G_LIST_MODEL (model)))
    return NULL;
  item = g_list_model_get_item (G_LIST_MODEL (model), position);
  /* The model keeps the item: the summary outlives this reference. */
  return kabar_message_item_get_summary (item) != NULL ? kabar_message_item_get_summary (item)->subject
                                                        : NULL;
}

static GtkScrolledWindow *
message_scroller (void)
{
  return GTK_SCROLLED_WINDOW (kabar_ui_test_find_widget (GTK_WIDGET (message_list ()),
                                                         GTK_TYPE_SCROLLED_WINDOW));
}

/* The message row at the top edge of the list, as the user sees it: the
 * highest whose bottom is below the edge. */
static KabarMessageRow *
top_row (void)
{
  GtkWidget *scroller = GTK_WIDGET (message_scroller ());
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (scroller, KABAR_TYPE_MESSAGE_ROW);
  KabarMessageRow *top = NULL;
  float top_y = G_MAXFLOAT;

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      graphene_point_t origin;

      if (!gtk_widget_is_drawable (row) ||
          !gtk_widget_compute_point (row, scroller, &GRAPHENE_POINT_INIT (0, 0), &origin))
        continue;
      if (origin.y + gtk_widget_get_height (row) > 0 && origin.y < top_y)
        {
          top = KABAR_MESSAGE_ROW (row);
          top_y = origin.y;
        }
    }
  return top;
}

static const char *
top_subject (void)
{
  KabarMessageRow *row = top_row ();
  KabarMessageItem *item = row != NULL ? kabar_message_row_get_item (row) : NULL;

  if (item == NULL || kabar_message_item_get_summary (item) == NULL)
    return NULL;
  return kabar_message_item_get_summary (item)->subject;
}

/* --- waiting -------------------------------------------------------------------------- */

static void
show_window (void)
{
  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  kabar_ui_test_wait_for_frame (window);
}

static gboolean
folders_synced (gpointer data)
{
  KabarFolderItem *inbox = folder_item (DEWI, "INBOX");
  KabarFolderItem *bulk = folder_item (DEWI, "Bulk");
  KabarFolderItem *kabar = folder_item (DEWI, "Projects/Kabar");

  return inbox != NULL && kabar_folder_item_get_unread_count (inbox) == 2 &&
         bulk != NULL && kabar_folder_item_get_unread_count (bulk) == BULK_COUNT &&
         kabar != NULL && kabar_folder_item_get_unread_count (kabar) == 1;
}

static gboolean
model_settled (gpointer data)
{
  const char *subject = data;
  KabarMessageListModel *model = kabar_message_list_get_model (message_list ());

  return model != NULL && !kabar_message_list_model_get_loading (model) &&
         g_strcmp0 (subject_at (0), subject) == 0;
}

static gboolean
top_row_shows (gpointer data)
{
  return g_strcmp0 (top_subject (), data) == 0;
}

static void
wait_for_subject_on_top (const char *subject)
{
  g_assert_true (kabar_ui_test_wait_for (model_settled, (gpointer) subject, WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
  g_assert_true (kabar_ui_test_wait_for (top_row_shows, (gpointer) subject, 5000));
}

static void
scroll_messages_to (double value)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (message_scroller ());

  gtk_adjustment_set_value (adjustment, value);
  kabar_ui_test_wait_for_frame (window);
}

static gboolean
top_row_loaded (gpointer data)
{
  KabarMessageListModel *model = kabar_message_list_get_model (message_list ());

  return model != NULL && !kabar_message_list_model_get_loading (model) && top_subject () != NULL;
}

static gboolean
has_error_detail (gpointer data)
{
  return kabar_account_item_get_status_detail (data) != NULL;
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

/* --- the tests ------------------------------------------------------------------------- */

static void
test_sidebar_lists_folders_with_unread_counts (void)
{
  KabarAccountItem *dewi;
  GListModel *top;
  const char *expected[] = {
    _("Inbox"), _("Drafts"), _("Sent"), _("Archive"), _("Junk"), _("Trash"), "Bulk", "Projects",
  };
  KabarFolderItem *inbox;
  KabarFolderItem *projects;
  GtkWidget *row;

  show_window ();
  g_assert_true (kabar_ui_test_wait_for (folders_synced, NULL, WAIT_MS));
  kabar_ui_test_wait_for_frame (window);

  dewi = account_item (DEWI);
  g_assert_cmpstr (kabar_account_item_get_title (dewi), ==, "Dewi Lestari");
  top = kabar_account_item_get_folders (dewi);
  g_assert_cmpuint (g_list_model_get_n_items (top), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(KabarFolderItem) folder = g_list_model_get_item (top, i);

      g_assert_cmpstr (kabar_folder_item_get_display_name (folder), ==, expected[i]);
    }
  if (g_strcmp0 (kabar_ui_test_language (), "en") != 0)
    g_assert_cmpstr (_("Inbox"), !=, "Inbox");

  projects = folder_item (DEWI, "Projects");
  g_assert_cmpuint (kabar_folder_item_get_unread_count (projects), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (kabar_folder_item_get_children (projects)), ==, 1);

  /* On screen: the Inbox by its name and unread count, and the folder in
   * the folder. */
  inbox = folder_item (DEWI, "INBOX");
  row = row_showing (GTK_WIDGET (folder_list ()), KABAR_TYPE_FOLDER_ROW, inbox);
  g_assert_nonnull (row);
  g_assert_nonnull (kabar_ui_test_find_label (row, _("Inbox")));
  g_assert_nonnull (kabar_ui_test_find_label (row, "2"));
  row = row_showing (GTK_WIDGET (folder_list ()), KABAR_TYPE_FOLDER_ROW, folder_item (DEWI, "Bulk"));
  g_assert_nonnull (row);
  g_assert_nonnull (kabar_ui_test_find_label (row, G_STRINGIFY (BULK_COUNT)));
  row = row_showing (GTK_WIDGET (folder_list ()), KABAR_TYPE_FOLDER_ROW, folder_item (DEWI, "Projects/Kabar"));
  g_assert_nonnull (row);
  g_assert_nonnull (kabar_ui_test_find_label (row, "Kabar"));
  g_assert_nonnull (kabar_ui_test_find_label (row, "1"));
}

static void
test_message_list_shows_newest_first (void)
{
  KabarMessageListModel *model;
  g_autoptr(KabarMessageItem) newest = NULL;
  g_autoptr(KabarMessageItem) flagged = NULL;
  g_autoptr(KabarMessageItem) read = NULL;
  GtkWidget *row;

  show_window ();
  /* The first account's Inbox is open without the user choosing it. */
  g_assert_true (kabar_folder_list_get_selected (folder_list ()) == folder_item (DEWI, "INBOX"));
  wait_for_subject_on_top ("Rapat tim Jumat pagi");

  model = kabar_message_list_get_model (message_list ());
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 5);
  g_assert_cmpstr (subject_at (1), ==, "Slides for the GNOME meetup");
  g_assert_cmpstr (subject_at (2), ==, "दिवाली की शुभकामनाएँ");
  g_assert_cmpstr (subject_at (4), ==, "Your monthly statement");

  /* Unread in bold, flagged with its star, read plain. */
  newest = g_list_model_get_item (G_LIST_MODEL (model), 0);
  row = row_showing (GTK_WIDGET (message_list ()), KABAR_TYPE_MESSAGE_ROW, newest);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_has_css_class (row, "unread"));
  g_assert_nonnull (kabar_ui_test_find_label (row, "Ayu Pratiwi"));
  g_assert_nonnull (kabar_ui_test_find_label (row, "Rapat tim Jumat pagi"));

  flagged = g_list_model_get_item (G_LIST_MODEL (model), 1);
  row = row_showing (GTK_WIDGET (message_list ()), KABAR_TYPE_MESSAGE_ROW, flagged);
  g_assert_nonnull (row);
  {
    g_autoptr(GPtrArray) images = kabar_ui_test_find_widgets (row, GTK_TYPE_IMAGE);
    gboolean star = FALSE;

    for (guint i = 0; i < images->len; i++)
      star |= gtk_widget_is_drawable (g_ptr_array_index (images, i)) &&
              g_strcmp0 (gtk_image_get_icon_name (g_ptr_array_index (images, i)), "starred-symbolic") == 0;
    g_assert_true (star);
  }

  read = g_list_model_get_item (G_LIST_MODEL (model), 2);
  row = row_showing (GTK_WIDGET (message_list ()), KABAR_TYPE_MESSAGE_ROW, read);
  g_assert_nonnull (row);
  g_assert_false (gtk_widget_has_css_class (row, "unread"));
  g_assert_nonnull (kabar_ui_test_find_label (row, "सुनीता शर्मा"));
}

static gboolean
inbox_unread_is (gpointer data)
{
  KabarFolderItem *inbox = folder_item (DEWI, "INBOX");

  return inbox != NULL && kabar_folder_item_get_unread_count (inbox) == GPOINTER_TO_UINT (data);
}

static void
test_new_mail_appears_at_the_top (void)
{
  g_autoptr(GBytes) message = make_message ("Priya Nair <priya@example.in>", "Kabar 0.6 is out",
                                            g_get_real_time () / G_USEC_PER_SEC);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) shot = NULL;

  show_window ();
  wait_for_subject_on_top ("Rapat tim Jumat pagi");

  /* As from the internet, through Postfix: the server tells the watching
   * connection, and the list follows. */
  g_assert_true (kabar_test_bed_deliver (bed, "priya@example.in", DEWI, message, &error));
  g_assert_no_error (error);
  wait_for_subject_on_top ("Kabar 0.6 is out");
  g_assert_cmpstr (subject_at (1), ==, "Rapat tim Jumat pagi");
  g_assert_true (kabar_ui_test_wait_for (inbox_unread_is, GUINT_TO_POINTER (3), WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
  g_assert_nonnull (kabar_ui_test_find_label (row_showing (GTK_WIDGET (folder_list ()), KABAR_TYPE_FOLDER_ROW,
                                                           folder_item (DEWI, "INBOX")), "3"));

  shot = kabar_ui_test_screenshot (window, "mailbox");
  g_assert_cmpuint (kabar_ui_test_count_colours (shot), >, 50);
}

static void
test_wrong_password_shows_the_error (void)
{
  KabarAccountItem *budi;
  GtkWidget *row;

  show_window ();
  budi = account_item (BUDI);
  g_assert_nonnull (budi);
  g_assert_true (kabar_ui_test_wait_for (has_error_detail, budi, WAIT_MS));
  g_assert_cmpint (kabar_account_item_get_state (budi), ==, KABAR_ACCOUNT_ITEM_STATE_ERROR);
  g_assert_cmpstr (kabar_account_item_get_status_text (budi), ==, _("The server refused the password."));
  /* And what the server said, in its words. */
  g_assert_nonnull (strstr (kabar_account_item_get_status_detail (budi), "refused the sign-in"));

  kabar_ui_test_wait_for_frame (window);
  row = row_showing (GTK_WIDGET (folder_list ()), KABAR_TYPE_FOLDER_ROW, budi);
  g_assert_nonnull (row);
  g_assert_nonnull (kabar_ui_test_find_label (row, "Budi Santoso"));
  g_assert_nonnull (kabar_ui_test_find_label (row, _("The server refused the password.")));
  g_assert_nonnull (kabar_ui_test_find_label (row, kabar_account_item_get_status_detail (budi)));
  /* The account whose password works says nothing. */
  g_assert_null (kabar_account_item_get_status_text (account_item (DEWI)));
}

static gboolean
bulk_shown (gpointer data)
{
  KabarMessageListModel *model = kabar_message_list_get_model (message_list ());

  return model != NULL && g_list_model_get_n_items (G_LIST_MODEL (model)) == GPOINTER_TO_UINT (data) &&
         top_row_loaded (NULL);
}

static gboolean
bulk_synced (gpointer data)
{
  KabarFolderItem *bulk = folder_item (DEWI, "Bulk");

  return bulk != NULL && kabar_folder_item_get_total_count (bulk) >= BULK_COUNT;
}

static void
open_bulk (void)
{
  KabarFolderItem *bulk;

  g_assert_true (kabar_ui_test_wait_for (bulk_synced, NULL, WAIT_MS));
  bulk = folder_item (DEWI, "Bulk");
  if (kabar_message_list_get_folder (message_list ()) != bulk)
    g_assert_true (kabar_folder_list_select_folder (folder_list (), bulk));
  g_assert_true (kabar_message_list_get_folder (message_list ()) == bulk);
}

static void
test_message_list_reads_only_the_rows_in_view (void)
{
  KabarMessageListModel *model;
  GtkAdjustment *adjustment;
  double end;

  show_window ();
  open_bulk ();
  model = kabar_message_list_get_model (message_list ());
  /* The count is known at once, from the folder... */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, BULK_COUNT);
  g_assert_true (kabar_ui_test_wait_for (bulk_shown, GUINT_TO_POINTER (BULK_COUNT), WAIT_MS));
  g_assert_cmpstr (top_subject (), ==, "Message " G_STRINGIFY (BULK_COUNT));
  /* ...and only the pages of the rows the view made (the rows in view and
   * some around them) are read. */
  g_assert_cmpuint (kabar_message_list_model_get_n_loaded (model), <=, 2 * KABAR_MESSAGE_LIST_MODEL_PAGE_SIZE);

  /* To the end and back, page by page: far pages are let go. */
  adjustment = gtk_scrolled_window_get_vadjustment (message_scroller ());
  for (double value = 0;
       value < gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
       value += gtk_adjustment_get_page_size (adjustment) * 20)
    {
      scroll_messages_to (value);
      g_assert_true (kabar_ui_test_wait_for (top_row_loaded, NULL, WAIT_MS));
      g_assert_cmpuint (kabar_message_list_model_get_n_loaded (model), <=,
                        10 * KABAR_MESSAGE_LIST_MODEL_PAGE_SIZE);
    }
  end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
  scroll_messages_to (end);
  g_assert_true (kabar_ui_test_wait_for (top_row_loaded, NULL, WAIT_MS));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (message_list ()), "Message 1"));
  g_assert_cmpuint (kabar_message_list_model_get_n_loaded (model), <, BULK_COUNT);
  scroll_messages_to (0);
  g_assert_true (kabar_ui_test_wait_for (top_row_loaded, NULL, WAIT_MS));
  g_assert_cmpstr (top_subject (), ==, "Message " G_STRINGIFY (BULK_COUNT));
}

static void
test_new_mail_keeps_the_scroll_position (void)
{
  KabarMessageListModel *model;
  KabarMessageRow *row;
  g_autofree char *subject = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  show_window ();
  open_bulk ();
  model = kabar_message_list_get_model (message_list ());
  g_assert_true (kabar_ui_test_wait_for (bulk_shown, GUINT_TO_POINTER (BULK_COUNT), WAIT_MS));

  /* A hundred rows down. */
  row = top_row ();
  g_assert_nonnull (row);
  scroll_messages_to (100.5 * gtk_widget_get_height (gtk_widget_get_parent (GTK_WIDGET (row))));
  g_assert_true (kabar_ui_test_wait_for (top_row_loaded, NULL, WAIT_MS));
  subject = g_strdup (top_subject ());
  g_assert_nonnull (subject);
  g_assert_cmpstr (subject, !=, "Message " G_STRINGIFY (BULK_COUNT));

  /* Mail that comes in while the user reads there goes on top, out of
   * view: what they read stays where it is. */
  message = make_message ("Budi Santoso <budi@example.org>", "Arrived while scrolled", now);
  g_assert_true (kabar_test_bed_add_message (bed, DEWI, "Bulk", message, "", now, &error));
  g_assert_no_error (error);
  kabar_mail_service_refresh_folder (kabar_message_list_model_get_service (model),
                                     kabar_message_list_model_get_folder_id (model));
  g_assert_true (kabar_ui_test_wait_for (bulk_shown, GUINT_TO_POINTER (BULK_COUNT + 1), WAIT_MS));
  g_assert_cmpstr (subject_at (0), ==, "Arrived while scrolled");
  kabar_ui_test_wait_for_frame (window);
  g_assert_cmpstr (top_subject (), ==, subject);

  /* Back at the top, it is there. */
  scroll_messages_to (0);
  g_assert_true (kabar_ui_test_wait_for (top_row_shows, (gpointer) "Arrived while scrolled", 5000));
}

static gboolean
leaflet_is_folded (gpointer data)
{
  return adw_leaflet_get_folded (data) == GPOINTER_TO_INT (g_object_get_data (data, "want-folded"));
}

static void
test_narrow_window_shows_one_pane (void)
{
  AdwLeaflet *leaflet;
  GtkWidget *back = NULL;
  g_autoptr(GPtrArray) buttons = NULL;
  g_autoptr(GdkTexture) messages = NULL;
  g_autoptr(GdkTexture) folders = NULL;
  KabarFolderItem *inbox;

  show_window ();
  inbox = folder_item (DEWI, "INBOX");
  g_assert_true (kabar_folder_list_select_folder (folder_list (), inbox));
  leaflet = ADW_LEAFLET (kabar_ui_test_find_widget (window, ADW_TYPE_LEAFLET));
  g_assert_false (adw_leaflet_get_folded (leaflet));

  gtk_window_set_default_size (GTK_WINDOW (window), 400, 720);
  g_object_set_data (G_OBJECT (leaflet), "want-folded", GINT_TO_POINTER (TRUE));
  g_assert_true (kabar_ui_test_wait_for (leaflet_is_folded, leaflet, 5000));
  kabar_ui_test_wait_for_frame (window);

  /* The messages first, with the way back to the folders. */
  g_assert_true (kabar_ui_test_wait_for (is_hidden, folder_list (), 5000));
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (message_list ())));
  wait_for_subject_on_top ("Kabar 0.6 is out");
  messages = kabar_ui_test_screenshot (window, "mailbox-narrow");

  buttons = kabar_ui_test_find_widgets (window, GTK_TYPE_BUTTON);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_widget_is_drawable (g_ptr_array_index (buttons, i)) &&
        g_strcmp0 (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, i)), _("Back")) == 0)
      back = g_ptr_array_index (buttons, i);
  g_assert_nonnull (back);
  g_signal_emit_by_name (back, "clicked");
  kabar_ui_test_wait_for_frame (window);
  /* The leaflet slides: wait for it to settle. */
  g_assert_true (kabar_ui_test_wait_for (is_drawable, folder_list (), 5000));
  g_assert_true (kabar_ui_test_wait_for (is_hidden, message_list (), 5000));
  kabar_ui_test_wait_for_frame (window);
  folders = kabar_ui_test_screenshot (window, "mailbox-narrow-folders");
  g_assert_cmpuint (kabar_ui_test_count_colours (folders), >, 50);

  /* Choosing a folder goes to its messages. */
  g_assert_true (kabar_folder_list_select_folder (folder_list (), inbox));
  g_signal_emit_by_name (folder_list (), "folder-activated", inbox);
  g_assert_true (kabar_ui_test_wait_for (is_drawable, message_list (), 5000));
  g_assert_true (kabar_ui_test_wait_for (is_hidden, folder_list (), 5000));

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  g_object_set_data (G_OBJECT (leaflet), "want-folded", GINT_TO_POINTER (FALSE));
  g_assert_true (kabar_ui_test_wait_for (leaflet_is_folded, leaflet, 5000));
}

static void
test_message_dates_are_times_today_and_dates_before (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  g_autoptr(GDateTime) now = g_date_time_new (zone, 2026, 11, 21, 15, 30, 0);
  g_autoptr(GDateTime) morning = g_date_time_new (zone, 2026, 11, 21, 9, 5, 0);
  g_autoptr(GDateTime) summer = g_date_time_new (zone, 2026, 6, 2, 9, 5, 0);
  g_autoptr(GDateTime) last_year = g_date_time_new (zone, 2025, 12, 30, 9, 5, 0);
  g_autofree char *today = kabar_message_row_format_date (g_date_time_to_unix (morning), now, FALSE);
  g_autofree char *today_12 = kabar_message_row_format_date (g_date_time_to_unix (morning), now, TRUE);
  g_autofree char *this_year = kabar_message_row_format_date (g_date_time_to_unix (summer), now, FALSE);
  g_autofree char *other_year = kabar_message_row_format_date (g_date_time_to_unix (last_year), now, FALSE);

  g_test_message ("today %s / %s, this year %s, another year %s", today, today_12, this_year, other_year);
  g_assert_nonnull (strstr (today, "09"));
  g_assert_nonnull (strstr (today, "05"));
  g_assert_null (strstr (today_12, "09"));
  g_assert_nonnull (strstr (today_12, "9"));
  /* A date names the day, and the year only when it is another. */
  g_assert_nonnull (strstr (this_year, "2"));
  g_assert_null (strstr (this_year, "2026"));
  g_assert_nonnull (strstr (other_year, "30"));
  g_assert_nonnull (strstr (other_year, "2025"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kabar_ui_test_init (&argc, &argv);

  g_test_add_func ("/mailbox/message-dates-are-times-today-and-dates-before",
                   test_message_dates_are_times_today_and_dates_before);
  g_test_add_func ("/mailbox/sidebar-lists-folders-with-unread-counts",
                   test_sidebar_lists_folders_with_unread_counts);
  g_test_add_func ("/mailbox/message-list-shows-newest-first", test_message_list_shows_newest_first);
  g_test_add_func ("/mailbox/new-mail-appears-at-the-top", test_new_mail_appears_at_the_top);
  g_test_add_func ("/mailbox/wrong-password-shows-the-error", test_wrong_password_shows_the_error);
  g_test_add_func ("/mailbox/narrow-window-shows-one-pane", test_narrow_window_shows_one_pane);
  g_test_add_func ("/mailbox/message-list-reads-only-the-rows-in-view",
                   test_message_list_reads_only_the_rows_in_view);
  g_test_add_func ("/mailbox/new-mail-keeps-the-scroll-position", test_new_mail_keeps_the_scroll_position);

  /* Postfix too: new mail comes in as from the internet. */
  bed = kabar_ui_bed_start (DEWI, DEWI_PASSWORD, BUDI, BUDI_PASSWORD, NULL);
  fill_mailbox ();
  write_accounts ();

  /* Registering starts it: it reads the accounts written above. */
  app = kabar_ui_test_new_application ();

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_object (&bed);
  return status;
}
