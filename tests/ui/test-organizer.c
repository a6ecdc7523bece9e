/* test-organizer.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An Exchange-style account's Contacts, Calendar and To Do in the main
 * window, under Xvfb and offline: Microsoft's sign-in and Microsoft Graph
 * are the loopback test servers (kabar-ui-graph.h). The account is
 * signed in (its refresh token in the keyring) with the Graph server's
 * certificate pinned; the server holds contacts, events, task lists and
 * tasks, and the views show them once the account's service synced. The
 * tests look at what the user sees (rows, words, screenshots of a healthy
 * account) and at what the server holds after the user completed and
 * added a task; a contact's address opens the composer to it.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-fix.h"
#include "kabar-account-item.h"
#include "kabar-application.h"
#include "kabar-assistant-choice.h"
#include "kabar-assistant-sign-in.h"
#include "kabar-calendar-view.h"
#include "kabar-composer.h"
#include "kabar-contacts-view.h"
#include "kabar-folder-list.h"
#include "kabar-todo-view.h"
#include "kabar-ui-assistant.h"
#include "kabar-ui-graph.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

#define ALICE      "alice@outlook.com"
#define ALICE_NAME "Alice Example"
/* The user's own registration: test builds have no client ID of Kabar's. */
#define CLIENT_ID  "0f3c9a52-7d1e-4b6a-9c2f-5e8d1a4b7c30"
#define WAIT_MS    60000

static KabarUiGraph *graph;
static KabarApplication *app;
static GtkWidget *window;
/* The server's ids of what the tests look for. */
static char *tasks_list_id;
static char *report_task_id;

/* --- what the server holds ---------------------------------------------------------------------- */

static gint64
local_day_at (int days,
              int hour,
              int minute)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) day = g_date_time_add_days (midnight, days);
  g_autoptr(GDateTime) at = g_date_time_add_full (day, 0, 0, 0, hour, minute, 0);

  return g_date_time_to_unix (at);
}

/* 00:00 UTC of the local date days from today: Graph's all-day dates. */
static gint64
utc_date (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_utc (g_date_time_get_year (now), g_date_time_get_month (now),
                                                    g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) day = g_date_time_add_days (today, days);

  return g_date_time_to_unix (day);
}

static void
add_contacts (KabarGraphServer *server)
{
  static const char * const ayu[] = { "ayu@example.org", NULL };
  static const char * const ayu_phones[] = { "+62 21 555 0100", NULL };
  static const char * const budi[] = { "budi@example.org", "budi.home@example.net", NULL };
  static const char * const citra[] = { "citra@example.com", NULL };
  g_autofree char *work = kabar_graph_server_add_contact_folder (server, "Work");
  g_autofree char *ayu_id = NULL;
  g_autofree char *budi_id = NULL;
  g_autofree char *citra_id = NULL;

  /* One of them in a folder of its own: the view shows every folder's. */
  g_assert_nonnull (work);
  ayu_id = kabar_graph_server_add_contact (server, work, "Ayu Pratiwi", "Kabar Ltd", ayu, ayu_phones);
  budi_id = kabar_graph_server_add_contact (server, NULL, "Budi Santoso", NULL, budi, NULL);
  citra_id = kabar_graph_server_add_contact (server, NULL, "Citra Dewi", "Example Co", citra, NULL);
  g_assert_nonnull (ayu_id);
  g_assert_nonnull (budi_id);
  g_assert_nonnull (citra_id);
}

static void
add_events (KabarGraphServer *server)
{
  g_autofree char *team = kabar_graph_server_add_event (server, "Team meeting", "Room 2", "Ayu Pratiwi",
                                                        "ayu@example.org", local_day_at (0, 9, 0),
                                                        local_day_at (0, 10, 0), FALSE);
  g_autofree char *holiday = kabar_graph_server_add_event (server, "Public holiday", NULL, NULL, NULL,
                                                           utc_date (1), utc_date (2), TRUE);
  g_autofree char *dentist = kabar_graph_server_add_event (server, "Dentist", "Jl. Sudirman 5", "Ayu Pratiwi",
                                                           "ayu@example.org", local_day_at (3, 14, 0),
                                                           local_day_at (3, 15, 30), FALSE);
  /* Beyond the agenda's two weeks: not shown. */
  g_autofree char *later = kabar_graph_server_add_event (server, "Far away", NULL, NULL, NULL,
                                                         local_day_at (20, 11, 0), local_day_at (20, 12, 0), FALSE);

  g_assert_nonnull (team);
  g_assert_nonnull (holiday);
  g_assert_nonnull (dentist);
  g_assert_nonnull (later);
}

static void
add_tasks (KabarGraphServer *server)
{
  g_autofree char *shopping = kabar_graph_server_add_task_list (server, "Shopping", FALSE);
  g_autofree char *call = NULL;
  g_autofree char *bills = NULL;
  g_autofree char *rice = NULL;

  tasks_list_id = kabar_graph_server_add_task_list (server, "Tasks", TRUE);
  g_assert_nonnull (tasks_list_id);
  g_assert_nonnull (shopping);
  report_task_id = kabar_graph_server_add_task (server, tasks_list_id, "Write the report", FALSE, FALSE, 0);
  call = kabar_graph_server_add_task (server, tasks_list_id, "Call Budi", FALSE, TRUE, utc_date (1));
  bills = kabar_graph_server_add_task (server, tasks_list_id, "Pay the bills", TRUE, FALSE, 0);
  rice = kabar_graph_server_add_task (server, shopping, "Rice", FALSE, FALSE, 0);
  g_assert_nonnull (report_task_id);
  g_assert_nonnull (call);
  g_assert_nonnull (bills);
  g_assert_nonnull (rice);
}

/* --- helpers ------------------------------------------------------------------------------------ */

static KabarFolderList *
folder_list (void)
{
  return KABAR_FOLDER_LIST (kabar_ui_test_find_widget (window, KABAR_TYPE_FOLDER_LIST));
}

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

static gboolean
alice_is (gpointer data)
{
  KabarAccountItem *account = alice ();

  return account != NULL && kabar_account_item_get_state (account) == (KabarAccountItemState) GPOINTER_TO_INT (data);
}

/* Each check of the account ends with To Do's task lists. */
static guint
count_checks (void)
{
  return kabar_graph_server_count_requests (kabar_ui_graph_get_server (graph), "GET", "/me/todo/lists/delta");
}

static gboolean
checked (gpointer data)
{
  return count_checks () > GPOINTER_TO_UINT (data) && alice_is (GINT_TO_POINTER (KABAR_ACCOUNT_ITEM_STATE_IDLE));
}

/* A check, as Refresh starts one, waited for to its end. */
static void
check_once (void)
{
  guint before = count_checks ();

  kabar_mail_service_refresh (alice_service ());
  g_assert_true (kabar_ui_test_wait_for (checked, GUINT_TO_POINTER (before), WAIT_MS));
}

/* The account is signed in and synced, with nothing to fix: what the
 * screenshots show. */
static void
assert_healthy (void)
{
  if (!kabar_ui_test_wait_for (alice_is, GINT_TO_POINTER (KABAR_ACCOUNT_ITEM_STATE_IDLE), WAIT_MS))
    g_test_message ("The account is %s", alice () != NULL ? kabar_account_item_get_status_text (alice ())
                                                          : "not listed");
  g_assert_true (alice_is (GINT_TO_POINTER (KABAR_ACCOUNT_ITEM_STATE_IDLE)));
  g_assert_cmpint (kabar_account_fix_for (alice_service ()), ==, KABAR_ACCOUNT_FIX_NONE);
  for (KabarAccountFix fix = KABAR_ACCOUNT_FIX_SIGN_IN; fix <= KABAR_ACCOUNT_FIX_RETRY; fix++)
    g_assert_null (kabar_ui_test_find_shown_button (GTK_WIDGET (folder_list ()), kabar_account_fix_get_label (fix)));
}

static void
healthy_screenshot (const char *name)
{
  assert_healthy ();
  kabar_ui_test_save_screenshot (window, name, 0);
}

static gboolean
organizer_rows_shown (gpointer data)
{
  KabarMailService *service = alice_service ();

  return service != NULL &&
         kabar_folder_list_find_organizer (folder_list (), service, KABAR_ORGANIZER_TASKS) != NULL &&
         kabar_ui_test_find_label (window, _("To Do")) != NULL;
}

static void
open_part (KabarOrganizerParts part)
{
  KabarOrganizerItem *item = kabar_folder_list_find_organizer (folder_list (), alice_service (), part);

  g_assert_nonnull (item);
  g_assert_true (kabar_folder_list_select_organizer (folder_list (), item));
  g_assert_true (kabar_folder_list_get_organizer (folder_list ()) == item);
  g_assert_null (kabar_folder_list_get_selected (folder_list ()));
}

static GtkListBoxRow *
row_of_label (GtkWidget  *root,
              const char *text)
{
  GtkWidget *label = kabar_ui_test_find_label (root, text);

  g_assert_nonnull (label);
  return GTK_LIST_BOX_ROW (gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW));
}

/* --- the tests ---------------------------------------------------------------------------------- */

/* The account signs in with its refresh token and syncs from the Graph
 * server (its certificate pinned): no error, and the organizer's rows. */
static void
test_sidebar_rows (void)
{
  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  g_assert_true (kabar_ui_test_wait_for (organizer_rows_shown, NULL, WAIT_MS));
  g_assert_nonnull (kabar_ui_test_find_label (window, _("Contacts")));
  g_assert_nonnull (kabar_ui_test_find_label (window, _("Calendar")));
  g_assert_true (kabar_mail_service_has_organizer (alice_service ()));
  if (!kabar_ui_test_wait_for (checked, GUINT_TO_POINTER (0), WAIT_MS))
    g_test_message ("The account is %s", kabar_account_item_get_status_text (alice ()));
  assert_healthy ();
}

static gboolean
contacts_shown (gpointer data)
{
  KabarContactsView *view = KABAR_CONTACTS_VIEW (kabar_ui_test_find_widget (window, KABAR_TYPE_CONTACTS_VIEW));

  return view != NULL && !kabar_contacts_view_is_loading (view) && gtk_widget_is_drawable (GTK_WIDGET (view)) &&
         kabar_contacts_view_get_n_shown (view) == GPOINTER_TO_UINT (data);
}

static void
test_contacts (void)
{
  KabarContactsView *view;
  GtkWidget *search;
  GtkListBox *people;
  GtkWindow *composer;

  open_part (KABAR_ORGANIZER_CONTACTS);
  /* The server's three, from both its contact folders. */
  g_assert_true (kabar_ui_test_wait_for (contacts_shown, GUINT_TO_POINTER (3), WAIT_MS));
  view = KABAR_CONTACTS_VIEW (kabar_ui_test_find_widget (window, KABAR_TYPE_CONTACTS_VIEW));
  search = kabar_ui_test_find_by_id (GTK_WIDGET (view), "search_entry");
  people = GTK_LIST_BOX (kabar_ui_test_find_by_id (GTK_WIDGET (view), "people_list"));
  /* By name. */
  g_assert_true (gtk_list_box_get_row_at_index (people, 0) == row_of_label (GTK_WIDGET (people), "Ayu Pratiwi"));
  g_assert_true (gtk_list_box_get_row_at_index (people, 1) == row_of_label (GTK_WIDGET (people), "Budi Santoso"));
  g_assert_true (gtk_list_box_get_row_at_index (people, 2) == row_of_label (GTK_WIDGET (people), "Citra Dewi"));
  g_assert_nonnull (kabar_ui_test_find_label (window, _("No Contact Selected")));

  gtk_list_box_select_row (people, row_of_label (GTK_WIDGET (people), "Ayu Pratiwi"));
  g_assert_true (kabar_ui_test_wait_for_label (GTK_WIDGET (view), "+62 21 555 0100", WAIT_MS));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), "Kabar Ltd"));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), "ayu@example.org"));
  healthy_screenshot ("organizer-contacts");

  /* Looked up by a word of the name. */
  gtk_editable_set_text (GTK_EDITABLE (search), "budi");
  g_assert_true (kabar_ui_test_wait_for (contacts_shown, GUINT_TO_POINTER (1), WAIT_MS));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (people), "Budi Santoso"));
  gtk_list_box_select_row (people, gtk_list_box_get_row_at_index (people, 0));
  g_assert_true (kabar_ui_test_wait_for_label (GTK_WIDGET (view), "budi.home@example.net", WAIT_MS));

  /* A click on an address writes to it. */
  kabar_ui_test_click (GTK_WIDGET (row_of_label (GTK_WIDGET (view), "budi.home@example.net")));
  composer = kabar_ui_test_wait_for_toplevel (KABAR_TYPE_COMPOSER);
  g_assert_true (kabar_ui_test_wait_for_label (GTK_WIDGET (composer), "budi.home@example.net", WAIT_MS));
  gtk_window_destroy (composer);
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone, GSIZE_TO_POINTER (KABAR_TYPE_COMPOSER),
                                         WAIT_MS));

  gtk_editable_set_text (GTK_EDITABLE (search), "zzz");
  g_assert_true (kabar_ui_test_wait_for_label (GTK_WIDGET (view), _("No Matches"), WAIT_MS));
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  g_assert_true (kabar_ui_test_wait_for (contacts_shown, GUINT_TO_POINTER (3), WAIT_MS));
}

static gboolean
calendar_shown (gpointer data)
{
  KabarCalendarView *view = KABAR_CALENDAR_VIEW (kabar_ui_test_find_widget (window, KABAR_TYPE_CALENDAR_VIEW));

  return view != NULL && !kabar_calendar_view_is_loading (view) && gtk_widget_is_drawable (GTK_WIDGET (view)) &&
         kabar_calendar_view_get_n_shown (view) == GPOINTER_TO_UINT (data);
}

static void
test_calendar (void)
{
  KabarCalendarView *view;

  open_part (KABAR_ORGANIZER_CALENDAR);
  /* The server's events of the coming two weeks; the one after is not. */
  g_assert_true (kabar_ui_test_wait_for (calendar_shown, GUINT_TO_POINTER (3), WAIT_MS));
  view = KABAR_CALENDAR_VIEW (kabar_ui_test_find_widget (window, KABAR_TYPE_CALENDAR_VIEW));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), "Team meeting"));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), "Room 2"));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), "09:00 – 10:00"));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), "Public holiday"));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), _("All day")));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), "Dentist"));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), "14:00 – 15:30"));
  g_assert_null (kabar_ui_test_find_label (GTK_WIDGET (view), "Far away"));
  healthy_screenshot ("organizer-calendar");
}

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
  return kabar_graph_server_count_tasks_titled (kabar_ui_graph_get_server (graph), tasks_list_id, title) > 0;
}

static void
test_todo (void)
{
  KabarTodoView *view;
  GtkWidget *entry;
  GtkListBox *open;
  GtkWidget *check;

  open_part (KABAR_ORGANIZER_TASKS);
  /* The default list, its two open tasks and the completed one folded. */
  g_assert_true (kabar_ui_test_wait_for (tasks_are, GUINT_TO_POINTER (21), WAIT_MS));
  view = KABAR_TODO_VIEW (kabar_ui_test_find_widget (window, KABAR_TYPE_TODO_VIEW));
  entry = kabar_ui_test_find_by_id (GTK_WIDGET (view), "add_entry");
  open = GTK_LIST_BOX (kabar_ui_test_find_by_id (GTK_WIDGET (view), "open_list"));
  g_assert_cmpstr (kabar_todo_view_get_list_id (view), ==, tasks_list_id);
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), "Write the report"));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), "Call Budi"));
  g_assert_null (kabar_ui_test_find_label (GTK_WIDGET (view), "Pay the bills"));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (view), "Shopping"));
  healthy_screenshot ("organizer-todo");

  /* Ticked: the server's task ends completed. */
  g_assert_false (server_task_completed (report_task_id));
  check = kabar_ui_test_find_widget (GTK_WIDGET (row_of_label (GTK_WIDGET (open), "Write the report")),
                                     GTK_TYPE_CHECK_BUTTON);
  g_assert_nonnull (check);
  kabar_ui_test_click (check);
  g_assert_true (kabar_ui_test_wait_for (tasks_are, GUINT_TO_POINTER (12), WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (server_task_completed, report_task_id, WAIT_MS));

  /* Added from the entry: on the server once, also after the next check. */
  g_assert_false (server_has_task ((gpointer) "Buy stamps"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Buy stamps");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (kabar_ui_test_wait_for (tasks_are, GUINT_TO_POINTER (22), WAIT_MS));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (open), "Buy stamps"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_true (kabar_ui_test_wait_for (server_has_task, (gpointer) "Buy stamps", WAIT_MS));
  check_once ();
  g_assert_cmpuint (kabar_graph_server_count_tasks_titled (kabar_ui_graph_get_server (graph), tasks_list_id,
                                                           "Buy stamps"), ==, 1);
  g_assert_true (server_task_completed (report_task_id));
  g_assert_true (tasks_are (GUINT_TO_POINTER (22)));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (open), "Buy stamps"));
  healthy_screenshot ("organizer-todo-changed");
}

/* The assistant offers Outlook.com's third way, and it signs in with
 * Microsoft (the Graph scopes are the flow's business). */
static void
test_assistant_choice (void)
{
  GtkWidget *assistant;
  GtkWidget *choice;
  KabarAssistantSignIn *sign_in;

  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  assistant = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT));
  kabar_ui_assistant_enter_identity ("Bima Example", "bima@outlook.com", NULL);
  kabar_ui_test_wait_for_frame (assistant);
  kabar_ui_test_press (assistant, _("_Next"));
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHOICE);
  choice = kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_CHOICE);
  g_assert_cmpuint (kabar_assistant_choice_get_n_kinds (KABAR_ASSISTANT_CHOICE (choice)), ==, 3);
  g_assert_nonnull (kabar_ui_test_find_label (choice, _("Mail, contacts, calendar and To Do, as in Outlook’s own "
                                                        "apps. Changes sync both ways.")));
  {
    g_autoptr(GPtrArray) checks = kabar_ui_test_find_widgets (choice, GTK_TYPE_CHECK_BUTTON);

    /* IMAP, POP, then Exchange-style. */
    g_assert_cmpuint (checks->len, ==, 3);
    kabar_ui_test_click (g_ptr_array_index (checks, 2));
  }
  g_assert_cmpint (kabar_assistant_choice_get_kind (KABAR_ASSISTANT_CHOICE (choice)), ==, KABAR_INCOMING_GRAPH);
  kabar_ui_test_save_screenshot (assistant, "organizer-assistant-choice", 0);

  kabar_ui_test_press (assistant, _("_Next"));
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_SIGN_IN);
  sign_in = KABAR_ASSISTANT_SIGN_IN (kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_SIGN_IN));
  g_assert_cmpstr (kabar_assistant_sign_in_get_state (sign_in), ==, "oauth2");
  /* Back leads to the choice, still Exchange-style. */
  kabar_ui_test_click (kabar_ui_test_find_by_id (assistant, "back_button"));
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHOICE);
  g_assert_cmpint (kabar_assistant_choice_get_kind (KABAR_ASSISTANT_CHOICE (choice)), ==, KABAR_INCOMING_GRAPH);
  gtk_window_close (GTK_WINDOW (assistant));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_assistant_gone, NULL, WAIT_MS));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kabar_ui_test_init (&argc, &argv);

  g_test_add_func ("/organizer/sidebar-rows", test_sidebar_rows);
  g_test_add_func ("/organizer/contacts", test_contacts);
  g_test_add_func ("/organizer/calendar", test_calendar);
  g_test_add_func ("/organizer/todo", test_todo);
  g_test_add_func ("/organizer/assistant-choice", test_assistant_choice);

  graph = kabar_ui_graph_start (ALICE, ALICE_NAME, CLIENT_ID);
  add_contacts (kabar_ui_graph_get_server (graph));
  add_events (kabar_ui_graph_get_server (graph));
  add_tasks (kabar_ui_graph_get_server (graph));
  g_free (kabar_ui_graph_write_account (graph, ALICE, ALICE_NAME, CLIENT_ID));
  {
    g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);

    g_settings_set_boolean (settings, "notifications", FALSE);
    /* Outlook.com is known without the network. */
    g_settings_set_string (settings, "ispdb-url", "");
  }
  app = kabar_ui_test_new_application ();

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_pointer (&graph, kabar_ui_graph_free);
  g_free (tasks_list_id);
  g_free (report_task_id);
  return status;
}
