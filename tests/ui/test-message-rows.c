/* test-message-rows.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The message list's rows while a long folder pages in, in the real
 * window on the bed's Dovecot: a page that arrives fills its placeholders
 * in place (the items stay, and no row is said to be replaced), rows out
 * of sight hold their items without showing them, every row drawn shows
 * its message,
 * and the marks' tooltips are made when asked for. What the engine's
 * speed goals rest on; the times themselves are bench-main-window's.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-application.h"
#include "kabar-folder-list.h"
#include "kabar-message-list.h"
#include "kabar-message-row.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"

#define DEWI          "dewi@" KABAR_TEST_BED_DOMAIN
#define DEWI_PASSWORD "Sandi-Dewi-123"
#define FILL_COUNT    1000
#define COUNT         (FILL_COUNT + 1)
#define FLAGGED       "Flagged, newest of all"
#define WAIT_MS       60000

static KabarTestBed *bed;
static KabarApplication *app;
static GtkWidget *window;

/* --- the mailbox and the window --------------------------------------------------------- */

/* "Message 1" to "Message 1000", a minute apart up to now, and a flagged
 * message newer than all of them. */
static void
fill_mailbox (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC + 60;
  g_autoptr(GBytes) message = kabar_ui_bed_message_new ("Ayu Pratiwi <ayu@example.org>", "Dewi Lestari <" DEWI ">",
                                                        FLAGGED, "Hello.", now, "rows-flagged@kabar.test");
  g_autoptr(GError) error = NULL;

  kabar_test_bed_fill_folder (bed, DEWI, "INBOX", FILL_COUNT, &error);
  g_assert_no_error (error);
  kabar_test_bed_add_message (bed, DEWI, "INBOX", message, "F", now, &error);
  g_assert_no_error (error);
}

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

static KabarFolderItem *
inbox (void)
{
  return kabar_ui_test_find_folder (window, NULL, "INBOX");
}

static gboolean
inbox_synced (gpointer data)
{
  KabarFolderItem *folder = inbox ();

  return folder != NULL && kabar_folder_item_get_total_count (folder) == COUNT;
}

static GtkScrolledWindow *
message_scroller (void)
{
  return GTK_SCROLLED_WINDOW (kabar_ui_test_find_widget (GTK_WIDGET (message_list ()),
                                                         GTK_TYPE_SCROLLED_WINDOW));
}

/* The window, INBOX synced and shown, at its top. */
static void
open_inbox (void)
{
  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  g_assert_true (kabar_ui_test_wait_for (inbox_synced, NULL, WAIT_MS));
  if (kabar_message_list_get_folder (message_list ()) != inbox ())
    g_assert_true (kabar_folder_list_select_folder (folder_list (), inbox ()));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (message_scroller ()), 0);
  kabar_ui_test_wait_for_frame (window);
}

/* The subject the row at position has: the flagged message on top, then
 * the fill's, newest first. */
static char *
subject_for (guint position)
{
  return position == 0 ? g_strdup (FLAGGED) : g_strdup_printf ("Message %u", COUNT - position);
}

/* --- rows ------------------------------------------------------------------------------- */

static gboolean
is_loaded (KabarMessageItem *item)
{
  return item != NULL && kabar_message_item_get_summary (item) != NULL;
}

/* Every row the list draws shows the message of its item in its labels. */
static void
assert_drawn_rows_show_their_messages (guint *n_drawn)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (GTK_WIDGET (message_list ()), KABAR_TYPE_MESSAGE_ROW);

  *n_drawn = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      KabarMessageItem *item = kabar_message_row_get_item (KABAR_MESSAGE_ROW (row));

      if (!gtk_widget_is_drawable (row) || !is_loaded (item))
        continue;
      (*n_drawn)++;
      g_assert_true (kabar_message_row_get_shown (KABAR_MESSAGE_ROW (row)));
      g_assert_nonnull (kabar_ui_test_find_label (row, kabar_message_item_get_summary (item)->subject));
      g_assert_nonnull (kabar_message_row_get_accessible_label (KABAR_MESSAGE_ROW (row)));
    }
}

/* The first page is read after the list is shown: wait for its rows. */
static gboolean
first_rows_drawn (gpointer data)
{
  guint n_drawn = 0;

  assert_drawn_rows_show_their_messages (&n_drawn);
  return n_drawn > 3;
}

static gboolean
item_loaded (gpointer data)
{
  return is_loaded (data);
}

typedef struct
{
  guint changes;
  guint notifies;
} Counts;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Counts     *counts)
{
  counts->changes++;
}

static void
on_summary (KabarMessageItem *item,
            GParamSpec       *pspec,
            Counts           *counts)
{
  counts->notifies++;
}

/* A page read from the store fills the placeholders it was read for:
 * the same items take their summaries, and the model says nothing of
 * rows replaced (a list view would make new row widgets for them). */
static void
test_page_fills_placeholders_in_place (void)
{
  const gboolean conversations[] = { FALSE, TRUE };

  open_inbox ();
  for (guint i = 0; i < G_N_ELEMENTS (conversations); i++)
    {
      KabarFolderItem *folder = inbox ();
      g_autoptr(KabarMessageListModel) model =
        kabar_message_list_model_new_full (kabar_folder_item_get_service (folder), kabar_folder_item_get_id (folder),
                                           COUNT, KABAR_MESSAGE_SORT_DATE_NEWEST, conversations[i]);
      g_autoptr(KabarMessageItem) item = NULL;
      g_autoptr(KabarMessageItem) again = NULL;
      g_autofree char *subject = subject_for (700);
      Counts counts = { 0, 0 };

      /* About a page arriving: the refreshes of the folder that the sync
       * may start at any time (and that read the rows again) wait. */
      g_signal_handlers_block_matched (kabar_folder_item_get_service (folder), G_SIGNAL_MATCH_DATA,
                                       0, 0, NULL, NULL, model);
      g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &counts);
      item = g_list_model_get_item (G_LIST_MODEL (model), 700);
      g_assert_false (is_loaded (item));
      g_signal_connect (item, "notify::summary", G_CALLBACK (on_summary), &counts);

      g_assert_true (kabar_ui_test_wait_for (item_loaded, item, WAIT_MS));
      g_assert_cmpstr (kabar_message_item_get_summary (item)->subject, ==, subject);
      g_assert_cmpuint (counts.notifies, ==, 1);
      g_assert_cmpuint (counts.changes, ==, 0);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, COUNT);
      again = g_list_model_get_item (G_LIST_MODEL (model), 700);
      g_assert_true (again == item);
      g_signal_handlers_disconnect_by_data (item, &counts);
      g_signal_handlers_disconnect_by_data (model, &counts);
    }
}

static KabarMessageRow *
drawn_row_at (guint position)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (GTK_WIDGET (message_list ()), KABAR_TYPE_MESSAGE_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      GtkListItem *list_item = g_object_get_data (G_OBJECT (row), "kabar-list-item");

      if (gtk_widget_is_drawable (row) && list_item != NULL && gtk_list_item_get_position (list_item) == position)
        return KABAR_MESSAGE_ROW (row);
    }
  return NULL;
}

static gboolean
row_shows_subject (gpointer data)
{
  KabarMessageRow *row = data;
  KabarMessageItem *item = kabar_message_row_get_item (row);

  return is_loaded (item) && kabar_ui_test_find_label (GTK_WIDGET (row), kabar_message_item_get_summary (item)->subject);
}

static gboolean
row_at_shows_subject (gpointer data)
{
  KabarMessageRow *row = drawn_row_at (GPOINTER_TO_UINT (data));

  return row != NULL && row_shows_subject (row);
}

/* The rows that hold an item but do not show it; none of them shows the
 * subject of a message it holds. */
static guint
count_waiting_rows (void)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (GTK_WIDGET (message_list ()), KABAR_TYPE_MESSAGE_ROW);
  guint n_waiting = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      KabarMessageRow *row = g_ptr_array_index (rows, i);
      KabarMessageItem *item = kabar_message_row_get_item (row);

      if (item == NULL || kabar_message_row_get_shown (row))
        continue;
      n_waiting++;
      if (is_loaded (item))
        g_assert_null (kabar_ui_test_find_label (GTK_WIDGET (row), kabar_message_item_get_summary (item)->subject));
    }
  return n_waiting;
}

/* Scrolled to rows whose page is not read yet, the rows drawn wait as
 * placeholders and show their messages when the page comes. Rows out of
 * sight hold their items without drawing them; every row drawn shows its
 * own. */
static void
test_drawn_rows_show_their_messages (void)
{
  KabarMessageListModel *model;
  GtkAdjustment *adjustment;
  KabarMessageRow *row;
  g_autofree char *subject = NULL;
  guint position;
  guint n_drawn = 0;
  guint n_waiting = 0;

  open_inbox ();
  model = kabar_message_list_get_model (message_list ());
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, COUNT);
  kabar_ui_test_wait_for (first_rows_drawn, NULL, WAIT_MS);
  assert_drawn_rows_show_their_messages (&n_drawn);
  g_assert_cmpuint (n_drawn, >, 3);

  /* Far down, past the pages read: the jump binds the rows anew at once.
   * The list view keeps many more rows than it draws: those out of sight
   * hold their items (placeholders here) without showing them. */
  adjustment = gtk_scrolled_window_get_vadjustment (message_scroller ());
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) * 0.8);
  n_waiting = count_waiting_rows ();
  g_assert_cmpuint (n_waiting, >, 0);
  kabar_ui_test_wait_for_frame (window);
  position = (guint) (gtk_adjustment_get_value (adjustment) / gtk_adjustment_get_upper (adjustment) * COUNT) + 2;
  row = drawn_row_at (position);
  g_assert_nonnull (row);

  /* The page comes: the row there shows its message. (That the model
   * fills the placeholder in place is checked above: a refresh of the
   * folder, which the sync may start at any time, may still make the
   * list view bind a new row here.) */
  g_assert_true (kabar_ui_test_wait_for (row_at_shows_subject, GUINT_TO_POINTER (position), WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
  subject = subject_for (position);
  g_assert_true (kabar_ui_test_wait_for (row_at_shows_subject, GUINT_TO_POINTER (position), WAIT_MS));
  row = drawn_row_at (position);
  g_assert_cmpstr (kabar_message_item_get_summary (kabar_message_row_get_item (row))->subject, ==, subject);
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (row), subject));

  assert_drawn_rows_show_their_messages (&n_drawn);
  g_assert_cmpuint (n_drawn, >, 3);
}

/* Whether the widget gives a tooltip when GTK asks, as it does when the
 * pointer rests on it. */
static gboolean
answers_tooltip (GtkWidget *widget)
{
  g_autoptr(GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  gboolean answered = FALSE;

  g_signal_emit_by_name (widget, "query-tooltip", 1, 1, FALSE, tooltip, &answered);
  return answered;
}

/* The mark icons say what they mean when the pointer rests on them: made
 * then, not for each row bound (setting a tooltip asks the X server where
 * the pointer is). */
static void
test_marks_tooltips_on_demand (void)
{
  KabarMessageRow *row;
  g_autoptr(GPtrArray) images = NULL;
  GtkWidget *flag = NULL;

  open_inbox ();
  g_assert_true (kabar_ui_test_wait_for (row_at_shows_subject, GUINT_TO_POINTER (0), WAIT_MS));
  row = drawn_row_at (0);
  images = kabar_ui_test_find_widgets (GTK_WIDGET (row), GTK_TYPE_IMAGE);
  for (guint i = 0; i < images->len; i++)
    {
      GtkWidget *image = g_ptr_array_index (images, i);

      g_assert_true (gtk_widget_get_has_tooltip (image));
      g_assert_null (gtk_widget_get_tooltip_text (image));
      if (g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (image)), "starred-symbolic") == 0)
        flag = image;
    }
  g_assert_nonnull (flag);
  g_assert_true (gtk_widget_is_drawable (flag));
  g_assert_true (answers_tooltip (flag));
  kabar_ui_test_screenshot (window, "message-rows");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  kabar_ui_test_init (&argc, &argv);

  g_test_add_func ("/message-rows/page-fills-placeholders-in-place", test_page_fills_placeholders_in_place);
  g_test_add_func ("/message-rows/drawn-rows-show-their-messages", test_drawn_rows_show_their_messages);
  g_test_add_func ("/message-rows/marks-tooltips-on-demand", test_marks_tooltips_on_demand);

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
