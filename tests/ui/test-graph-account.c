/* test-graph-account.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An Exchange-style account end to end in the real window, under Xvfb and
 * offline: Microsoft's sign-in and Microsoft Graph are the loopback test
 * servers (kabar-ui-graph.h), the browser a stand-in registered as the
 * session's. The user adds an outlook.com address through the assistant,
 * choosing Exchange-style, signing in and trusting the Graph server's
 * certificate in the check; sees the Graph inbox's messages, opens one
 * (its body fetched by $value), moves it to another folder with the move
 * action; writes a message, finding its recipient among the account's
 * Graph contacts by part of the name, and sends it; completes a task and
 * adds one in To Do. Each step checks what the window shows and what the
 * Graph server holds.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gmime/gmime.h>

#include "kabar-account-assistant.h"
#include "kabar-account-fix.h"
#include "kabar-account-item.h"
#include "kabar-address-entry.h"
#include "kabar-application.h"
#include "kabar-assistant-choice.h"
#include "kabar-assistant-sign-in.h"
#include "kabar-composer.h"
#include "kabar-composer-body.h"
#include "kabar-folder-chooser.h"
#include "kabar-folder-list.h"
#include "kabar-folder-row.h"
#include "kabar-message-list.h"
#include "kabar-reading-pane.h"
#include "kabar-todo-view.h"
#include "kabar-ui-assistant.h"
#include "kabar-ui-graph.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

#define ALICE      "alice@outlook.com"
#define ALICE_NAME "Alice Example"
/* The user's own registration: test builds have no client ID of Kabar's. */
#define CLIENT_ID  "0f3c9a52-7d1e-4b6a-9c2f-5e8d1a4b7c30"
/* A contact's address that no message holds: only Graph's contacts know it. */
#define WULAN      "wulan.sari@example.net"
#define WAIT_MS    60000

typedef struct
{
  const char *from;
  const char *subject;
  const char *body;
  guint       minutes_ago;
} Sample;

/* The Graph inbox, newest first. */
static const Sample inbox[] = {
  { "Ayu Pratiwi <ayu@example.org>", "Laporan kuartal", "Angka kuartal ini sudah siap dibaca.", 5 },
  { "Budi Santoso <budi@example.org>", "Move me to Projects", "This one belongs with the projects.", 15 },
  { "Citra Dewi <citra@example.com>", "Lunch on Friday?", "Shall we try the new place?", 30 },
};

static KabarUiGraph *graph;
static char *task_list_id;
static char *report_task_id;
static KabarApplication *app;
static GtkWidget *window;

/* --- what the user sees ------------------------------------------------------------------- */

static KabarAccountItem *
alice (void)
{
  return kabar_ui_test_find_account (window, ALICE);
}

static KabarMailService *
alice_service (void)
{
  KabarAccountItem *account = alice ();

  return account != NULL ? kabar_account_item_get_service (account) : NULL;
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

static KabarReadingPane *
reading_pane (void)
{
  return KABAR_READING_PANE (kabar_ui_test_find_widget (window, KABAR_TYPE_READING_PANE));
}

/* The account's row in the sidebar, drawn, or NULL. */
static GtkWidget *
account_row (void)
{
  KabarAccountItem *account = alice ();
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (GTK_WIDGET (folder_list ()), KABAR_TYPE_FOLDER_ROW);

  for (guint i = 0; account != NULL && i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      if ((gpointer) kabar_folder_row_get_item (KABAR_FOLDER_ROW (row)) == (gpointer) account &&
          gtk_widget_is_drawable (row))
        return row;
    }
  return NULL;
}

/* The row's position in the shown list, or -1 while it is not read yet. */
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

static guint
n_summaries (void)
{
  GListModel *model = kabar_message_list_get_shown_model (message_list ());
  guint n = 0;

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KabarMessageItem) item = g_list_model_get_item (model, i);

      n += kabar_message_item_get_summary (item) != NULL;
    }
  return n;
}

/* The account's inbox (by its role: Graph names it "Inbox") chosen, its
 * rows all read, data of them. */
static gboolean
inbox_shows (gpointer data)
{
  KabarAccountItem *account = alice ();
  KabarFolderItem *folder = account != NULL ? kabar_account_item_find_inbox (account) : NULL;
  KabarMessageListModel *model;

  if (folder == NULL)
    return FALSE;
  if (kabar_message_list_get_folder (message_list ()) != folder)
    {
      kabar_folder_list_select_folder (folder_list (), folder);
      g_signal_emit_by_name (folder_list (), "folder-activated", folder);
    }
  model = kabar_message_list_get_model (message_list ());
  return model != NULL && !kabar_message_list_model_get_loading (model) &&
         kabar_message_list_get_folder (message_list ()) == folder && n_summaries () == GPOINTER_TO_UINT (data);
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
view_loaded (gpointer data)
{
  KabarReadingPane *pane = reading_pane ();

  return g_strcmp0 (kabar_reading_pane_get_page (pane), "message") == 0 &&
         kabar_message_view_is_loaded (kabar_reading_pane_get_view (pane));
}

static void
open_message (const char *subject)
{
  GtkWidget *view = kabar_ui_test_find_widget (GTK_WIDGET (message_list ()), GTK_TYPE_LIST_VIEW);
  GtkSelectionModel *selection = gtk_list_view_get_model (GTK_LIST_VIEW (view));

  g_assert_cmpint (position_of (subject), >=, 0);
  g_assert_true (gtk_selection_model_select_item (selection, position_of (subject), TRUE));
  g_assert_true (kabar_ui_test_wait_for (view_loaded, NULL, WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (reading_pane ()), subject));
}

static void
on_page_shot (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GdkTexture **texture = user_data;
  g_autoptr(GError) error = NULL;

  *texture = webkit_web_view_get_snapshot_finish (WEBKIT_WEB_VIEW (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer location)
{
  return *(gpointer *) location != NULL;
}

/* GTK paints the window, WebKit the message's page: both, as on screen. */
static void
screenshot_with_message (const char *name)
{
  WebKitWebView *web_view = kabar_message_view_get_web_view (kabar_reading_pane_get_view (reading_pane ()));
  g_autoptr(GdkTexture) page = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  kabar_ui_test_wait_for_frame (window);
  webkit_web_view_get_snapshot (web_view, WEBKIT_SNAPSHOT_REGION_VISIBLE, WEBKIT_SNAPSHOT_OPTIONS_NONE, NULL,
                                on_page_shot, &page);
  g_assert_true (kabar_ui_test_wait_for (is_set, &page, 10000));
  texture = kabar_ui_test_screenshot_with_inset (window, name, GTK_WIDGET (web_view), page);
  g_assert_cmpuint (kabar_ui_test_count_colours (texture), >, 50);
}

/* --- the assistant ------------------------------------------------------------------------- */

static void
on_signed_in (KabarAssistantSignIn *page,
              const char           *secret,
              gboolean             *signed_in)
{
  *signed_in = TRUE;
}

static GtkWidget *
client_id_row (GtkWidget *page)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (page, ADW_TYPE_ENTRY_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), _("Client ID")) == 0)
      return g_ptr_array_index (rows, i);
  return NULL;
}

/* The choice page's Exchange-style check box, by its name or its id in
 * the template (the row may be made only for Microsoft's addresses). */
static GtkWidget *
graph_check (GtkWidget *choice)
{
  g_autoptr(GPtrArray) checks = kabar_ui_test_find_widgets (choice, GTK_TYPE_CHECK_BUTTON);

  for (guint i = 0; i < checks->len; i++)
    {
      GtkWidget *check = g_ptr_array_index (checks, i);

      if (g_strcmp0 (gtk_widget_get_name (check), "graph_check") == 0 ||
          g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (check)), "graph_check") == 0)
        return check;
    }
  g_error ("The choice page has no Exchange-style check box");
}

static gboolean
page_or_gone (gpointer data)
{
  GtkWindow *assistant = kabar_ui_test_find_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT);

  return assistant == NULL || kabar_account_assistant_get_page (KABAR_ACCOUNT_ASSISTANT (assistant)) ==
                              (KabarAssistantPage) GPOINTER_TO_INT (data);
}

/* The address, the choice page's Exchange-style way, the sign-in in the
 * browser: done, with no check of mail servers (Graph has none). */
static void
test_add_account (void)
{
  GtkWidget *assistant;
  GtkWidget *choice;
  GtkWidget *page;
  gboolean signed_in = FALSE;
  g_autofree char *uri = NULL;

  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  assistant = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT));
  kabar_ui_assistant_enter_identity (ALICE_NAME, ALICE, NULL);
  kabar_ui_test_wait_for_frame (assistant);
  kabar_ui_test_press (assistant, _("_Next"));

  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHOICE);
  choice = kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_CHOICE);
  kabar_ui_test_click (graph_check (choice));
  g_assert_cmpint (kabar_assistant_choice_get_kind (KABAR_ASSISTANT_CHOICE (choice)), ==, KABAR_INCOMING_GRAPH);
  kabar_ui_test_press (assistant, _("_Next"));

  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_SIGN_IN);
  page = kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_SIGN_IN);
  g_signal_connect (page, "signed-in", G_CALLBACK (on_signed_in), &signed_in);
  g_assert_nonnull (client_id_row (page));
  gtk_editable_set_text (GTK_EDITABLE (client_id_row (page)), CLIENT_ID);
  kabar_ui_test_press (page, _("_Sign In with Microsoft"));
  /* The browser signs in as soon as it is given the page; the check
   * reaches Graph, whose certificate is the bed's own: trusted there. */
  if (!kabar_ui_test_wait_for (page_or_gone, GINT_TO_POINTER (KABAR_ASSISTANT_PAGE_CHECK), WAIT_MS))
    {
      g_autofree char *output = kabar_ui_graph_browser_output ();

      g_test_message ("The sign-in page is %s; the browser said: %s",
                      kabar_assistant_sign_in_get_state (KABAR_ASSISTANT_SIGN_IN (page)), output);
    }
  g_assert_cmpuint (kabar_ui_assistant_pass_check ("graph-account-check", "graph-account-check-certificate"), ==, 1);
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_DONE);
  g_assert_true (signed_in);
  /* Microsoft's page, asking for Graph's scopes, not the mail protocols'. */
  uri = kabar_ui_graph_browser_last_uri ();
  g_assert_nonnull (uri);
  g_assert_true (g_str_has_prefix (uri, kabar_oauth_server_get_authority (kabar_ui_graph_get_oauth (graph))));
  g_assert_nonnull (strstr (uri, "client_id=" CLIENT_ID));
  g_assert_nonnull (strstr (uri, "Mail.ReadWrite"));
  g_assert_nonnull (strstr (uri, "Contacts.Read"));
  g_assert_null (strstr (uri, "IMAP"));
  g_assert_cmpuint (kabar_oauth_server_count_requests (kabar_ui_graph_get_oauth (graph), "authorization_code"),
                    ==, 1);
  kabar_ui_test_save_screenshot (assistant, "graph-account-done", 0);
  kabar_ui_test_press (assistant, _("_Done"));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_assistant_gone, NULL, WAIT_MS));

  {
    KabarAccount *saved = kabar_ui_test_find_saved_account (app, ALICE);

    g_assert_nonnull (saved);
    g_assert_cmpint (kabar_account_get_incoming_kind (saved), ==, KABAR_INCOMING_GRAPH);
    g_assert_cmpint (kabar_account_get_port (saved, KABAR_SERVER_INCOMING), ==,
                     kabar_graph_server_get_port (kabar_ui_graph_get_server (graph)));
  }
}

/* --- the certificate ---------------------------------------------------------------------- */

static gboolean
alice_is (gpointer data)
{
  KabarAccountItem *account = alice ();

  return account != NULL && kabar_account_item_get_state (account) == (KabarAccountItemState) GPOINTER_TO_INT (data);
}

typedef struct
{
  guint before;
} Check;

/* Each check ends with To Do's lists and tasks. */
static guint
count_checks (void)
{
  return kabar_graph_server_count_requests (kabar_ui_graph_get_server (graph), "GET", "/me/todo/lists/delta");
}

static gboolean
checked (gpointer data)
{
  return count_checks () > ((Check *) data)->before && alice_is (GINT_TO_POINTER (KABAR_ACCOUNT_ITEM_STATE_IDLE));
}

/* A check of the account, as Refresh starts one, waited for to its end. */
static void
check_once (void)
{
  Check check = { count_checks () };

  kabar_mail_service_refresh (alice_service ());
  g_assert_true (kabar_ui_test_wait_for (checked, &check, WAIT_MS));
}

/* Saved with the certificate trusted in the assistant pinned, the account
 * syncs: no error in the sidebar. */
static void
test_account_online (void)
{
  KabarAccount *saved = kabar_ui_test_find_saved_account (app, ALICE);

  g_assert_nonnull (saved);
  g_assert_true (g_tls_certificate_is_same (kabar_account_get_pinned_certificate (saved, KABAR_SERVER_INCOMING),
                                            kabar_ui_graph_get_certificate (graph)));
  if (!kabar_ui_test_wait_for (alice_is, GINT_TO_POINTER (KABAR_ACCOUNT_ITEM_STATE_IDLE), WAIT_MS))
    g_test_message ("The account is %s",
                    alice () != NULL ? kabar_account_item_get_status_text (alice ()) : "not listed");
  g_assert_true (alice_is (GINT_TO_POINTER (KABAR_ACCOUNT_ITEM_STATE_IDLE)));
  g_assert_null (kabar_mail_service_get_error (alice_service ()));
  g_assert_nonnull (account_row ());
  g_assert_null (kabar_ui_test_find_shown_button (account_row (),
                                                 kabar_account_fix_get_label (KABAR_ACCOUNT_FIX_CERTIFICATE)));
}

/* --- mail ---------------------------------------------------------------------------------- */

static void
test_inbox_lists_graph_mail (void)
{
  if (!kabar_ui_test_wait_for (inbox_shows, GUINT_TO_POINTER (G_N_ELEMENTS (inbox)), WAIT_MS))
    g_test_message ("The inbox shows %u messages", n_summaries ());
  g_assert_true (inbox_shows (GUINT_TO_POINTER (G_N_ELEMENTS (inbox))));
  /* Newest first, as on the server. */
  for (guint i = 0; i < G_N_ELEMENTS (inbox); i++)
    g_assert_cmpint (position_of (inbox[i].subject), ==, i);
  kabar_ui_test_wait_for_frame (window);
  kabar_ui_test_save_screenshot (window, "graph-account-inbox", 0);
}

static void
test_open_message_fetches_body (void)
{
  g_autoptr(GPtrArray) ids = kabar_ui_graph_find_messages (graph, "inbox", inbox[0].subject);
  g_autofree char *value_path = NULL;
  KabarMessageView *view;
  const char *html;

  g_assert_cmpuint (ids->len, ==, 1);
  value_path = g_strdup_printf ("/me/messages/%s/$value", (const char *) g_ptr_array_index (ids, 0));
  open_message (inbox[0].subject);
  view = kabar_reading_pane_get_view (reading_pane ());
  html = kabar_message_display_get_html (kabar_message_view_get_display (view), FALSE);
  g_assert_nonnull (strstr (html, inbox[0].body));
  g_assert_cmpuint (kabar_graph_server_count_requests (kabar_ui_graph_get_server (graph), "GET", value_path), >=, 1);
  screenshot_with_message ("graph-account-message");
}

static gboolean
chooser_picks (gpointer data)
{
  KabarFolderChooser *chooser = KABAR_FOLDER_CHOOSER (kabar_ui_test_find_toplevel (KABAR_TYPE_FOLDER_CHOOSER));
  KabarFolderItem *selected = chooser != NULL ? kabar_folder_chooser_get_selected (chooser) : NULL;

  return selected != NULL && g_strcmp0 (kabar_folder_item_get_folder (selected)->path, data) == 0;
}

/* The move action and its folder chooser: the server's message (the same
 * id: Graph's ids are immutable) ends in Projects. */
static void
test_move_message (void)
{
  const char *subject = inbox[1].subject;
  g_autoptr(GPtrArray) before = kabar_ui_graph_find_messages (graph, "inbox", subject);
  g_autoptr(GPtrArray) after = NULL;
  KabarFolderChooser *chooser;
  KabarFolderItem *projects;
  g_autofree char *moved = NULL;

  g_assert_cmpuint (before->len, ==, 1);
  open_message (subject);
  g_assert_true (gtk_widget_activate_action (window, "win.move-to", NULL));
  chooser = KABAR_FOLDER_CHOOSER (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_FOLDER_CHOOSER));
  gtk_editable_set_text (kabar_folder_chooser_get_search_entry (chooser), "Proj");
  g_assert_true (kabar_ui_test_wait_for (chooser_picks, (gpointer) "Projects", 10000));
  g_signal_emit_by_name (kabar_folder_chooser_get_search_entry (chooser), "activate");
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone, GSIZE_TO_POINTER (KABAR_TYPE_FOLDER_CHOOSER),
                                         10000));

  moved = g_strdup_printf (ngettext ("Moved %u message to %s", "Moved %u messages to %s", 1), 1, "Projects");
  g_assert_true (kabar_ui_test_wait_for_label (window, moved, 10000));
  g_assert_true (kabar_ui_test_wait_for (row_gone, (gpointer) subject, WAIT_MS));
  kabar_ui_graph_wait_count (graph, "Projects", subject, 1, WAIT_MS);
  kabar_ui_graph_wait_count (graph, "inbox", subject, 0, WAIT_MS);
  after = kabar_ui_graph_find_messages (graph, "Projects", subject);
  g_assert_cmpstr (g_ptr_array_index (after, 0), ==, g_ptr_array_index (before, 0));

  /* And the window's Projects lists it. */
  projects = kabar_ui_test_find_folder (window, ALICE, "Projects");
  g_assert_nonnull (projects);
  g_assert_true (kabar_folder_list_select_folder (folder_list (), projects));
  g_signal_emit_by_name (folder_list (), "folder-activated", projects);
  g_assert_true (kabar_ui_test_wait_for (row_listed, (gpointer) subject, WAIT_MS));
}

/* --- writing -------------------------------------------------------------------------------- */

static gpointer
composer_child (GtkWidget  *composer,
                const char *name)
{
  GObject *object = gtk_widget_get_template_child (composer, KABAR_TYPE_COMPOSER, name);

  g_assert_nonnull (object);
  return object;
}

static char *
completions (KabarAddressEntry *entry)
{
  g_auto(GStrv) shown = kabar_address_entry_dup_completions (entry);

  return g_strjoinv ("|", shown);
}

static gboolean
completions_are (gpointer data)
{
  gpointer *args = data;
  g_autofree char *shown = completions (args[0]);

  return g_str_equal (shown, args[1]);
}

static char *
addresses_of (KabarAddressEntry *entry)
{
  InternetAddressList *list = kabar_address_entry_dup_addresses (entry);
  char *text = internet_address_list_to_string (list, NULL, FALSE);

  g_object_unref (list);
  return text;
}

static gboolean
outbox_sent (gpointer data)
{
  g_autoptr(GPtrArray) sent = kabar_ui_graph_find_messages (graph, "sentitems", data);

  return sent->len > 0 && kabar_ui_test_find_label (window, _("Sending…")) == NULL;
}

#define SENT_SUBJECT "Rapat hari Senin"
#define SENT_TEXT    "Sampai jumpa di rapat hari Senin."

/* Part of a contact's name in To offers the contact's address, known
 * from Graph's contacts only; sent, the message is in the server's Sent
 * Items once, and the window's Sent Items shows it. */
static void
test_compose_and_send (void)
{
  GtkWidget *composer;
  KabarAddressEntry *to;
  GtkWidget *popover;
  gpointer args[2];
  g_autofree char *shown = NULL;
  g_autofree char *recipients = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  GtkTextBuffer *buffer;

  kabar_mail_service_set_send_delay (alice_service (), 0);
  g_assert_true (gtk_widget_activate_action (window, "win.compose", NULL));
  composer = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_COMPOSER));
  to = composer_child (composer, "to_entry");
  gtk_widget_grab_focus (GTK_WIDGET (kabar_address_entry_get_text (to)));
  gtk_editable_set_text (kabar_address_entry_get_text (to), "wula");
  args[0] = to;
  args[1] = (gpointer) WULAN;
  if (!kabar_ui_test_wait_for (completions_are, args, WAIT_MS))
    {
      shown = completions (to);
      g_assert_cmpstr (shown, ==, WULAN);
    }
  popover = kabar_ui_test_find_widget (GTK_WIDGET (to), GTK_TYPE_POPOVER);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_mapped (popover));
  kabar_ui_test_wait_for_frame (popover);
  g_assert_nonnull (kabar_ui_test_find_label (popover, "Wulan Sari — " WULAN));
  kabar_ui_test_save_screenshot_with_popover (composer, popover, "graph-account-completion");
  /* Taken from the list, as a click on its row does. */
  g_signal_emit_by_name (kabar_ui_test_find_widget (popover, GTK_TYPE_LIST_BOX), "row-activated",
                         gtk_list_box_get_row_at_index (GTK_LIST_BOX (kabar_ui_test_find_widget (popover,
                                                                                                GTK_TYPE_LIST_BOX)),
                                                        0));
  recipients = addresses_of (to);
  g_assert_cmpstr (recipients, ==, "Wulan Sari <" WULAN ">");

  gtk_editable_set_text (GTK_EDITABLE (composer_child (composer, "subject_entry")), SENT_SUBJECT);
  buffer = gtk_text_view_get_buffer (kabar_composer_body_get_view (composer_child (composer, "body")));
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert_interactive_at_cursor (buffer, SENT_TEXT, -1, TRUE);
  gtk_text_buffer_end_user_action (buffer);
  kabar_ui_test_wait_for_frame (composer);
  kabar_ui_test_save_screenshot (composer, "graph-account-composer", 0);
  g_assert_true (gtk_widget_activate_action (composer, "composer.send", NULL));

  g_assert_true (kabar_ui_test_wait_for (outbox_sent, (gpointer) SENT_SUBJECT, WAIT_MS));
  kabar_ui_graph_wait_count (graph, "sentitems", SENT_SUBJECT, 1, WAIT_MS);
  g_assert_cmpuint (kabar_graph_server_count_requests (kabar_ui_graph_get_server (graph), "POST", "/me/sendMail"),
                    ==, 1);
  sent = kabar_ui_graph_find_messages (graph, "sentitems", SENT_SUBJECT);
  {
    g_autoptr(GBytes) mime = kabar_graph_server_get_mime (kabar_ui_graph_get_server (graph),
                                                          g_ptr_array_index (sent, 0));
    g_autofree char *text = g_strndup (g_bytes_get_data (mime, NULL), g_bytes_get_size (mime));

    g_assert_nonnull (strstr (text, WULAN));
    g_assert_nonnull (strstr (text, SENT_TEXT));
  }

  /* A check after it files nothing twice. */
  check_once ();
  kabar_ui_graph_wait_count (graph, "sentitems", SENT_SUBJECT, 1, WAIT_MS);
  g_assert_cmpuint (kabar_graph_server_count_requests (kabar_ui_graph_get_server (graph), "POST", "/me/sendMail"),
                    ==, 1);
}

/* --- To Do ------------------------------------------------------------------------------------- */

static gboolean
tasks_are (gpointer data)
{
  KabarTodoView *view = KABAR_TODO_VIEW (kabar_ui_test_find_widget (window, KABAR_TYPE_TODO_VIEW));
  guint wanted = GPOINTER_TO_UINT (data);

  return view != NULL && !kabar_todo_view_is_loading (view) && gtk_widget_is_drawable (GTK_WIDGET (view)) &&
         kabar_todo_view_get_n_open (view) == wanted / 10 && kabar_todo_view_get_n_done (view) == wanted % 10;
}

static gboolean
server_task_completed (gpointer id)
{
  g_autoptr(JsonObject) task = kabar_graph_server_get_task (kabar_ui_graph_get_server (graph), id);

  return task != NULL && g_strcmp0 (json_object_get_string_member_with_default (task, "status", NULL),
                                    "completed") == 0;
}

static gboolean
server_has_task (gpointer title)
{
  return kabar_graph_server_count_tasks_titled (kabar_ui_graph_get_server (graph), task_list_id, title) > 0;
}

/* Completed by its check box and added from the entry in the To Do view:
 * both reach the server's list, the new task once. */
static void
test_tasks (void)
{
  KabarOrganizerItem *item = kabar_folder_list_find_organizer (folder_list (), alice_service (),
                                                                KABAR_ORGANIZER_TASKS);
  KabarTodoView *view;
  GtkWidget *open;
  GtkWidget *entry;
  GtkWidget *label;
  GtkWidget *check;

  g_assert_nonnull (item);
  /* A message selected in the list (the one moved, in Projects) stays
   * out of reach behind To Do. */
  open_message (inbox[1].subject);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "delete"));
  g_assert_true (kabar_folder_list_select_organizer (folder_list (), item));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "delete"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "move-to"));
  if (!kabar_ui_test_wait_for (tasks_are, GUINT_TO_POINTER (20), WAIT_MS))
    g_test_message ("The To Do view is not showing the two open tasks");
  g_assert_true (tasks_are (GUINT_TO_POINTER (20)));
  view = KABAR_TODO_VIEW (kabar_ui_test_find_widget (window, KABAR_TYPE_TODO_VIEW));
  open = kabar_ui_test_find_by_id (GTK_WIDGET (view), "open_list");
  entry = kabar_ui_test_find_by_id (GTK_WIDGET (view), "add_entry");
  g_assert_nonnull (kabar_ui_test_find_label (open, "Call Budi"));

  label = kabar_ui_test_find_label (open, "Write the report");
  g_assert_nonnull (label);
  check = kabar_ui_test_find_widget (gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW), GTK_TYPE_CHECK_BUTTON);
  g_assert_nonnull (check);
  kabar_ui_test_click (check);
  g_assert_true (kabar_ui_test_wait_for (tasks_are, GUINT_TO_POINTER (11), WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (server_task_completed, report_task_id, WAIT_MS));

  gtk_editable_set_text (GTK_EDITABLE (entry), "Buy stamps");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (kabar_ui_test_wait_for (tasks_are, GUINT_TO_POINTER (21), WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (server_has_task, (gpointer) "Buy stamps", WAIT_MS));
  kabar_ui_test_save_screenshot (window, "graph-account-todo", 0);
  /* Once, after the check that carried it and the next. */
  check_once ();
  g_assert_cmpuint (kabar_graph_server_count_tasks_titled (kabar_ui_graph_get_server (graph), task_list_id,
                                                           "Buy stamps"), ==, 1);
  g_assert_true (tasks_are (GUINT_TO_POINTER (21)));
}

/* --- the test's world --------------------------------------------------------------------- */

static void
fill_mailbox (void)
{
  KabarGraphServer *server = kabar_ui_graph_get_server (graph);
  static const char * const wulan[] = { WULAN, NULL };
  static const char * const ayu[] = { "ayu@example.org", NULL };
  g_autofree char *projects = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *other = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (inbox); i++)
    {
      g_autofree char *id = kabar_ui_graph_add_message (graph, "inbox", inbox[i].from, ALICE_NAME " <" ALICE ">",
                                                        inbox[i].subject, inbox[i].body, inbox[i].minutes_ago,
                                                        FALSE);
    }
  projects = kabar_graph_server_add_folder (server, NULL, "Projects", NULL);
  g_assert_nonnull (projects);
  contact = kabar_graph_server_add_contact (server, NULL, "Wulan Sari", "Kabar Ltd", wulan, NULL);
  other = kabar_graph_server_add_contact (server, NULL, "Ayu Pratiwi", NULL, ayu, NULL);
  g_assert_nonnull (contact);
  g_assert_nonnull (other);

  task_list_id = kabar_graph_server_add_task_list (server, "Tasks", TRUE);
  report_task_id = kabar_graph_server_add_task (server, task_list_id, "Write the report", FALSE, FALSE, 0);
  g_free (kabar_graph_server_add_task (server, task_list_id, "Call Budi", FALSE, TRUE, 0));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kabar_ui_test_init (&argc, &argv);
  g_mime_init ();

  g_test_add_func ("/graph-account/add-account", test_add_account);
  g_test_add_func ("/graph-account/account-online", test_account_online);
  g_test_add_func ("/graph-account/inbox-lists-graph-mail", test_inbox_lists_graph_mail);
  g_test_add_func ("/graph-account/open-message-fetches-body", test_open_message_fetches_body);
  g_test_add_func ("/graph-account/move-message", test_move_message);
  g_test_add_func ("/graph-account/compose-and-send", test_compose_and_send);
  g_test_add_func ("/graph-account/tasks", test_tasks);

  kabar_ui_graph_install_browser ();
  graph = kabar_ui_graph_start (ALICE, ALICE_NAME, CLIENT_ID);
  fill_mailbox ();
  {
    g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);

    /* Outlook.com is known without the network; the session has no
     * notification server. */
    g_settings_set_string (settings, "ispdb-url", "");
    g_settings_set_boolean (settings, "notifications", FALSE);
  }
  app = kabar_ui_test_new_application ();

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_pointer (&graph, kabar_ui_graph_free);
  g_free (task_list_id);
  g_free (report_task_id);
  return status;
}
