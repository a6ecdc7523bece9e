/* test-conversations.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The message list's rows, sorts and conversations, under Xvfb, against
 * the bed's Dovecot: the real application syncs an INBOX that holds a
 * thread of three, and a list view of its model with Kabar's rows shows
 * it as the settings would ask (conversations on and off, each sort).
 * What the rows show is checked on screen, their UIDs against the
 * server's.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kabar-application.h"
#include "kabar-message-list.h"
#include "kabar-message-list-model.h"
#include "kabar-message-row.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"

#define DEWI          "dewi@" KABAR_TEST_BED_DOMAIN
#define DEWI_PASSWORD "Sandi-Dewi-123"
#define WAIT_MS       60000

static KabarTestBed *bed;
static KabarApplication *app;
static KabarMailService *service;
static gint64 inbox_id;

/* The window of the test's own list, and its model. */
static GtkWidget *list_window;
static GtkListView *list_view;
static KabarMessageListModel *model;

/* --- the mailbox ------------------------------------------------------------------- */

typedef struct
{
  const char *id;
  const char *from;
  const char *subject;
  const char *answers;
  const char *text;
  guint       minutes_ago;
  const char *flags;
} Sample;

/* INBOX: Ayu's "Rapat tim", answered by Budi and Chandra (Ayu's answered
 * by Dewi, R), and two messages alone. */
static const Sample samples[] = {
  { "rapat-1", "Ayu Pratiwi <ayu@example.org>", "Rapat tim", NULL,
    "Halo semua, rapat tim hari Jumat jam sembilan.", 300, "RS" },
  { "slides", "Rahul Sharma <rahul@example.in>", "Slides for the meetup", NULL,
    "The slides are attached.", 240, "S" },
  { "rapat-2", "Budi Santoso <budi@example.org>", "Re: Rapat tim", "rapat-1",
    "Saya bisa datang.", 120, "S" },
  { "anggaran", "सुनीता शर्मा <sunita@example.in>", "Anggaran 2027", NULL,
    "बजट की पहली रूपरेखा।", 60, "" },
  { "rapat-3", "Chandra Wijaya <chandra@example.org>", "Balas: Re: Rapat tim", "rapat-2",
    "Saya juga, sampai jumpa.", 5, "" },
};

/* Every name in encoded words, ASCII too, as some mail programs write. */
static GBytes *
make_message (const Sample *sample,
              gint64        unix_time)
{
  const char *angle = strchr (sample->from, '<');
  g_autofree char *name = g_strstrip (g_strndup (sample->from, angle - sample->from));
  g_autofree char *name64 = g_base64_encode ((const guchar *) name, strlen (name));
  g_autofree char *from = g_strdup_printf ("=?UTF-8?B?%s?= %s", name64, angle);
  g_autofree char *id = g_strdup_printf ("%s@kabar.test", sample->id);
  g_autofree char *answers = NULL;

  if (sample->answers != NULL)
    answers = g_strdup_printf ("In-Reply-To: <%s@kabar.test>\r\nReferences: <%s@kabar.test>\r\n",
                               sample->answers, sample->answers);
  return kabar_ui_bed_message_new_with_headers (from, "Dewi Lestari <" DEWI ">", sample->subject, sample->text,
                                                unix_time, id, answers);
}

static void
fill_mailbox (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      gint64 when = now - (gint64) samples[i].minutes_ago * 60;
      g_autoptr(GBytes) message = make_message (&samples[i], when);

      kabar_test_bed_add_message (bed, DEWI, "INBOX", message, samples[i].flags, when, &error);
      g_assert_no_error (error);
    }
}

/* The UIDs the server gives the messages whose subject has text. */
static GArray *
server_uids (const char *text)
{
  g_autofree char *criteria = g_strdup_printf ("SUBJECT \"%s\"", text);

  return kabar_ui_bed_server_uids (bed, DEWI, "INBOX", criteria);
}

/* --- the list ---------------------------------------------------------------------- */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  data)
{
  gtk_list_item_set_child (list_item, kabar_message_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  data)
{
  kabar_message_row_set_item (KABAR_MESSAGE_ROW (gtk_list_item_get_child (list_item)),
                              gtk_list_item_get_item (list_item), FALSE);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  data)
{
  kabar_message_row_set_item (KABAR_MESSAGE_ROW (gtk_list_item_get_child (list_item)), NULL, FALSE);
}

static void
show_list (void)
{
  GtkListItemFactory *factory;
  GtkWidget *scroller;

  if (list_window != NULL)
    return;
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  list_view = GTK_LIST_VIEW (gtk_list_view_new (NULL, factory));
  gtk_widget_add_css_class (GTK_WIDGET (list_view), "navigation-sidebar");
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (list_view));
  list_window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (list_window), "Kabar");
  gtk_window_set_default_size (GTK_WINDOW (list_window), 380, 420);
  adw_window_set_content (ADW_WINDOW (list_window), scroller);
  gtk_application_add_window (GTK_APPLICATION (app), GTK_WINDOW (list_window));
  gtk_window_present (GTK_WINDOW (list_window));
}

static gboolean
model_settled (gpointer data)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

  if (kabar_message_list_model_get_loading (model) || n != GPOINTER_TO_UINT (data))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarMessageItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (kabar_message_item_get_summary (item) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* The list as the settings would make it: a new model for each. */
static void
use_model (KabarMessageSort sort,
           gboolean         conversations,
           guint            n_rows)
{
  GtkNoSelection *selection;

  show_list ();
  g_clear_object (&model);
  model = kabar_message_list_model_new_full (service, inbox_id, G_N_ELEMENTS (samples), sort, conversations);
  g_assert_cmpint (kabar_message_list_model_get_sort (model), ==, sort);
  g_assert_cmpint (kabar_message_list_model_get_conversations (model), ==, conversations);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (model)));
  gtk_list_view_set_model (list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  g_assert_true (kabar_ui_test_wait_for (model_settled, GUINT_TO_POINTER (n_rows), WAIT_MS));
  kabar_ui_test_wait_for_frame (list_window);
}

static KabarMessageItem *
item_at (guint position)
{
  g_autoptr(KabarMessageItem) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  /* The model keeps it. */
  return item;
}

static const char *
subject_at (guint position)
{
  return kabar_message_item_get_summary (item_at (position))->subject;
}

static const char *
sender_at (guint position)
{
  return kabar_message_item_get_summary (item_at (position))->from_name;
}

/* The row on screen that shows item. */
static GtkWidget *
row_showing (KabarMessageItem *item)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (list_window, KABAR_TYPE_MESSAGE_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      if (kabar_message_row_get_item (KABAR_MESSAGE_ROW (row)) == item && gtk_widget_is_drawable (row))
        return row;
    }
  return NULL;
}

static gboolean
shows_icon (GtkWidget  *row,
            const char *icon_name)
{
  g_autoptr(GPtrArray) images = kabar_ui_test_find_widgets (row, GTK_TYPE_IMAGE);

  for (guint i = 0; i < images->len; i++)
    if (gtk_widget_is_drawable (g_ptr_array_index (images, i)) &&
        g_strcmp0 (gtk_image_get_icon_name (g_ptr_array_index (images, i)), icon_name) == 0)
      return TRUE;
  return FALSE;
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  kabar_ui_test_wait_for_frame (list_window);
}

static void
screenshots (const char *name)
{
  g_autofree char *dark_name = g_strdup_printf ("%s-dark", name);
  g_autoptr(GdkTexture) light = NULL;
  g_autoptr(GdkTexture) dark = NULL;

  set_dark (FALSE);
  light = kabar_ui_test_screenshot (list_window, name);
  g_assert_cmpuint (kabar_ui_test_count_colours (light), >, 20);
  set_dark (TRUE);
  dark = kabar_ui_test_screenshot (list_window, dark_name);
  g_assert_cmpuint (kabar_ui_test_count_colours (dark), >, 20);
  set_dark (FALSE);
}

/* --- waiting for the sync ---------------------------------------------------------- */

static gboolean
inbox_synced (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  KabarMessageList *list = window != NULL
    ? KABAR_MESSAGE_LIST (kabar_ui_test_find_widget (GTK_WIDGET (window), KABAR_TYPE_MESSAGE_LIST))
    : NULL;
  KabarMessageListModel *shown = list != NULL ? kabar_message_list_get_model (list) : NULL;

  /* Whatever the window's list shows: this test makes its own. */
  if (shown == NULL || g_list_model_get_n_items (G_LIST_MODEL (shown)) == 0)
    return FALSE;
  service = kabar_message_list_model_get_service (shown);
  inbox_id = kabar_message_list_model_get_folder_id (shown);
  return TRUE;
}

static void
start (void)
{
  GtkWindow *window;

  if (service != NULL)
    return;
  g_application_activate (G_APPLICATION (app));
  g_assert_true (kabar_ui_test_wait_for (inbox_synced, NULL, WAIT_MS));
  /* The service is the application's: it outlives the window, whose
   * list would only follow the same folder. */
  g_object_ref (service);
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  gtk_window_destroy (window);
}

/* --- the tests --------------------------------------------------------------------- */

static gboolean
snippets_shown (gpointer data)
{
  return kabar_ui_test_find_label (list_window, data) != NULL;
}

static void
test_thread_is_one_row_with_its_count (void)
{
  KabarMessageItem *thread;
  const guint32 *uids;
  gsize n_uids = 0;
  g_autoptr(GArray) server = NULL;
  g_autofree char *count_words = NULL;
  GtkWidget *row;
  const char *label;

  start ();
  use_model (KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, 3);

  /* Newest first, the thread by its newest message, Chandra's. */
  g_assert_cmpstr (subject_at (0), ==, "Balas: Re: Rapat tim");
  g_assert_cmpstr (subject_at (1), ==, "Anggaran 2027");
  g_assert_cmpstr (subject_at (2), ==, "Slides for the meetup");
  thread = item_at (0);
  g_assert_cmpuint (kabar_message_item_get_thread_count (thread), ==, 3);
  g_assert_cmpuint (kabar_message_item_get_thread_count (item_at (1)), ==, 1);

  /* The UIDs it stands for are the server's three. */
  uids = kabar_message_item_get_uids (thread, &n_uids);
  server = server_uids ("Rapat tim");
  g_assert_cmpuint (server->len, ==, 3);
  g_assert_cmpuint (n_uids, ==, 3);
  for (guint i = 0; i < n_uids; i++)
    g_assert_cmpuint (uids[i], ==, g_array_index (server, guint32, i));

  /* On screen: one row with "3", unread (Chandra's is), replied (Ayu's
   * was answered). */
  row = row_showing (thread);
  g_assert_nonnull (row);
  g_assert_nonnull (kabar_ui_test_find_label (row, "3"));
  g_assert_nonnull (kabar_ui_test_find_label (row, "Chandra Wijaya"));
  g_assert_true (gtk_widget_has_css_class (row, "unread"));
  g_assert_true (shows_icon (row, "mail-replied-symbolic"));
  /* And in words. */
  label = kabar_message_row_get_accessible_label (KABAR_MESSAGE_ROW (row));
  count_words = g_strdup_printf (ngettext ("%u message", "%u messages", 3), 3);
  g_assert_nonnull (strstr (label, C_("message row", "Unread")));
  g_assert_nonnull (strstr (label, "Chandra Wijaya"));
  g_assert_nonnull (strstr (label, "Balas: Re: Rapat tim"));
  g_assert_nonnull (strstr (label, count_words));
  g_assert_null (kabar_ui_test_find_label (row_showing (item_at (1)), "1"));

  /* The snippet, once the bodies are fetched ahead of time. */
  g_assert_true (kabar_ui_test_wait_for (snippets_shown, (gpointer) "Saya juga, sampai jumpa.", WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (snippets_shown, (gpointer) "बजट की पहली रूपरेखा।", WAIT_MS));
  kabar_ui_test_wait_for_frame (list_window);
  screenshots ("conversations");
}

static void
test_without_conversations_three_rows (void)
{
  GtkWidget *row;

  start ();
  use_model (KABAR_MESSAGE_SORT_DATE_NEWEST, FALSE, G_N_ELEMENTS (samples));
  g_assert_cmpstr (subject_at (0), ==, "Balas: Re: Rapat tim");
  g_assert_cmpstr (subject_at (1), ==, "Anggaran 2027");
  g_assert_cmpstr (subject_at (2), ==, "Re: Rapat tim");
  g_assert_cmpstr (subject_at (3), ==, "Slides for the meetup");
  g_assert_cmpstr (subject_at (4), ==, "Rapat tim");
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    g_assert_cmpuint (kabar_message_item_get_thread_count (item_at (i)), ==, 1);

  /* Only Ayu's was answered; no row shows a count. */
  row = row_showing (item_at (4));
  g_assert_nonnull (row);
  g_assert_true (shows_icon (row, "mail-replied-symbolic"));
  g_assert_false (shows_icon (row_showing (item_at (2)), "mail-replied-symbolic"));
  g_assert_null (kabar_ui_test_find_label (row_showing (item_at (0)), "3"));
  g_assert_true (kabar_ui_test_wait_for (snippets_shown, (gpointer) "Saya bisa datang.", WAIT_MS));
  screenshots ("conversations-off");
}

static void
test_sort_by_sender (void)
{
  start ();
  use_model (KABAR_MESSAGE_SORT_SENDER, FALSE, G_N_ELEMENTS (samples));
  /* Names as a person reads them, Latin before Devanagari. */
  g_assert_cmpstr (sender_at (0), ==, "Ayu Pratiwi");
  g_assert_cmpstr (sender_at (1), ==, "Budi Santoso");
  g_assert_cmpstr (sender_at (2), ==, "Chandra Wijaya");
  g_assert_cmpstr (sender_at (3), ==, "Rahul Sharma");
  g_assert_cmpstr (sender_at (4), ==, "सुनीता शर्मा");

  /* Conversations by their newest message's sender. */
  use_model (KABAR_MESSAGE_SORT_SENDER, TRUE, 3);
  g_assert_cmpstr (sender_at (0), ==, "Chandra Wijaya");
  g_assert_cmpstr (sender_at (1), ==, "Rahul Sharma");
  g_assert_cmpstr (sender_at (2), ==, "सुनीता शर्मा");
  screenshots ("conversations-by-sender");
}

static void
test_sort_by_subject (void)
{
  start ();
  use_model (KABAR_MESSAGE_SORT_SUBJECT, FALSE, G_N_ELEMENTS (samples));
  /* "Re:" and "Balas:" do not count: the thread's three together, newest
   * first. */
  g_assert_cmpstr (subject_at (0), ==, "Anggaran 2027");
  g_assert_cmpstr (subject_at (1), ==, "Balas: Re: Rapat tim");
  g_assert_cmpstr (subject_at (2), ==, "Re: Rapat tim");
  g_assert_cmpstr (subject_at (3), ==, "Rapat tim");
  g_assert_cmpstr (subject_at (4), ==, "Slides for the meetup");

  use_model (KABAR_MESSAGE_SORT_DATE_OLDEST, TRUE, 3);
  g_assert_cmpstr (subject_at (0), ==, "Slides for the meetup");
  g_assert_cmpstr (subject_at (2), ==, "Balas: Re: Rapat tim");
}

static gboolean
thread_grew (gpointer data)
{
  return model_settled (GUINT_TO_POINTER (3)) && kabar_message_item_get_thread_count (item_at (1)) == 4;
}

/* New mail in the thread moves its row to the top, with the new count. */
static void
test_new_mail_moves_the_conversation (void)
{
  const Sample answer = { "rapat-4", "Dewi Lestari <" DEWI ">", "Re: Rapat tim", "rapat-1",
                          "Baik, saya siapkan ruangannya.", 0, "" };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GBytes) message = make_message (&answer, now);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageItem) slides = NULL;

  start ();
  use_model (KABAR_MESSAGE_SORT_SUBJECT, TRUE, 3);
  g_assert_cmpstr (subject_at (1), ==, "Balas: Re: Rapat tim");
  slides = g_object_ref (item_at (2));

  g_assert_true (kabar_test_bed_add_message (bed, DEWI, "INBOX", message, "", now, &error));
  g_assert_no_error (error);
  kabar_mail_service_refresh_folder (service, inbox_id);
  g_assert_true (kabar_ui_test_wait_for (thread_grew, NULL, WAIT_MS));
  /* The thread's row stands for its newest message now; the rows around
   * it are the same items, where they were. */
  g_assert_cmpstr (subject_at (0), ==, "Anggaran 2027");
  g_assert_cmpstr (sender_at (1), ==, "Dewi Lestari");
  g_assert_true (item_at (2) == slides);

  use_model (KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, 3);
  g_assert_cmpstr (subject_at (0), ==, "Re: Rapat tim");
  g_assert_cmpstr (sender_at (0), ==, "Dewi Lestari");
  g_assert_cmpuint (kabar_message_item_get_thread_count (item_at (0)), ==, 4);
  kabar_ui_test_wait_for_frame (list_window);
  g_assert_nonnull (kabar_ui_test_find_label (row_showing (item_at (0)), "4"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  kabar_ui_test_init (&argc, &argv);

  g_test_add_func ("/conversations/thread-is-one-row-with-its-count", test_thread_is_one_row_with_its_count);
  g_test_add_func ("/conversations/without-conversations-three-rows", test_without_conversations_three_rows);
  g_test_add_func ("/conversations/sort-by-sender", test_sort_by_sender);
  g_test_add_func ("/conversations/sort-by-subject", test_sort_by_subject);
  g_test_add_func ("/conversations/new-mail-moves-the-conversation", test_new_mail_moves_the_conversation);

  bed = kabar_ui_bed_start (DEWI, DEWI_PASSWORD, NULL);
  fill_mailbox ();
  kabar_ui_bed_write_account (bed, "Dewi Lestari", DEWI);

  /* The test's window is not the application's: new mail would be
   * announced, and the session has no notification server. */
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.kabar.Kabar");
    g_autoptr(GSettingsSchema) schema = NULL;

    g_object_get (settings, "settings-schema", &schema, NULL);
    if (g_settings_schema_has_key (schema, "notifications"))
      g_settings_set_boolean (settings, "notifications", FALSE);
  }

  app = kabar_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  status = g_test_run ();

  g_clear_object (&model);
  g_clear_object (&service);
  if (list_window != NULL)
    gtk_window_destroy (GTK_WINDOW (list_window));
  g_clear_object (&app);
  g_clear_object (&bed);
  return status;
}
