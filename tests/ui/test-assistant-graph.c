/* test-assistant-graph.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account assistant's check of an Exchange-style (Microsoft Graph)
 * account, under Xvfb and offline: Microsoft's sign-in and Graph are the
 * loopback test servers (kabar-ui-graph.h), the browser a stand-in. The
 * user signs in, trusts the Graph server's certificate on the check page,
 * and learns there that Microsoft has no mailbox for the address, and
 * what to do; once the mailbox is there, Try Again passes and the account
 * is saved. And Set Up Manually from the check: mail servers to edit,
 * Outlook.com's IMAP ones, not Graph's.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kabar-account-assistant.h"
#include "kabar-assistant-check.h"
#include "kabar-assistant-choice.h"
#include "kabar-assistant-manual.h"
#include "kabar-assistant-sign-in.h"
#include "kabar-ui-assistant.h"
#include "kabar-ui-graph.h"
#include "kabar-ui-test.h"

#define ALICE       "alice@outlook.com"
#define ALICE_NAME  "Alice Example"
/* The user's own registration: test builds have no client ID of Kabar's. */
#define CLIENT_ID   "5b1d7e20-3c4a-4f8e-9a61-2d7c8e0f4b19"
#define NOT_ENABLED "The mailbox is either inactive, soft-deleted, or is hosted on-premise."
#define WAIT_MS     60000

static KabarUiGraph *graph;
static KabarApplication *app;
static GtkWidget *window;

/* --- what the user sees ---------------------------------------------------------------------- */

static KabarAssistantCheck *
check_page (void)
{
  return KABAR_ASSISTANT_CHECK (kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_CHECK));
}

/* The states shown, one letter a step in KabarAccountCheckStep order:
 * "-" waiting, "~" running, "+" passed, "x" failed. */
static void
assert_states (const char *expected)
{
  static const char letters[] = "-~+x";
  g_autoptr(GString) shown = g_string_new (NULL);

  for (guint step = 0; step < KABAR_ACCOUNT_CHECK_N_STEPS; step++)
    g_string_append_c (shown, letters[kabar_assistant_check_get_state (check_page (), step)]);
  g_assert_cmpstr (shown->str, ==, expected);
}

static void
wait_for_words (const char *words)
{
  if (!kabar_ui_test_wait_for_label (kabar_ui_assistant_get (), words, WAIT_MS))
    g_error ("“%s” never showed", words);
}

static gboolean
button_shown (const char *label)
{
  return kabar_ui_test_find_shown_button (kabar_ui_assistant_get (), label) != NULL;
}

/* The choice page's Exchange-style way (made only for Microsoft's
 * addresses). */
static GtkWidget *
graph_check (GtkWidget *choice)
{
  g_autoptr(GPtrArray) checks = kabar_ui_test_find_widgets (choice, GTK_TYPE_CHECK_BUTTON);

  for (guint i = 0; i < checks->len; i++)
    if (g_strcmp0 (gtk_widget_get_name (g_ptr_array_index (checks, i)), "graph_check") == 0)
      return g_ptr_array_index (checks, i);
  g_error ("The choice page has no Exchange-style way");
}

static GtkWidget *
client_id_row (GtkWidget *page)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (page, ADW_TYPE_ENTRY_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), _("Client ID")) == 0)
      return g_ptr_array_index (rows, i);
  g_error ("The sign-in page has no Client ID row");
}

/* --- the way in ------------------------------------------------------------------------------ */

/* Add Account, the address, Exchange-style, Sign In with Microsoft: the
 * browser signs in at once, and the check starts. */
static GtkWidget *
sign_in (void)
{
  GtkWidget *assistant;
  GtkWidget *choice;
  GtkWidget *page;

  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  assistant = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT));
  kabar_ui_assistant_enter_identity (ALICE_NAME, ALICE, NULL);
  kabar_ui_test_wait_for_frame (assistant);
  kabar_ui_test_press (assistant, _("_Next"));

  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHOICE);
  choice = kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_CHOICE);
  kabar_ui_test_click (graph_check (choice));
  kabar_ui_test_press (assistant, _("_Next"));

  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_SIGN_IN);
  page = kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_SIGN_IN);
  gtk_editable_set_text (GTK_EDITABLE (client_id_row (page)), CLIENT_ID);
  kabar_ui_test_press (page, _("_Sign In with Microsoft"));
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHECK);
  return assistant;
}

/* --- tests ----------------------------------------------------------------------------------- */

/* The manual page is for mail servers: it starts from Outlook.com's. */
static void
test_set_up_manually (void)
{
  g_autoptr(KabarAccount) typed = kabar_account_new ();
  GtkWidget *assistant;

  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  assistant = sign_in ();
  wait_for_words (_("Untrusted Certificate"));
  kabar_ui_assistant_click (_("Set Up _Manually"));
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_MANUAL);
  kabar_account_set_address (typed, ALICE);
  kabar_assistant_manual_apply (KABAR_ASSISTANT_MANUAL (kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_MANUAL)),
                                typed);
  g_assert_cmpint (kabar_account_get_incoming_kind (typed), ==, KABAR_INCOMING_IMAP);
  g_assert_cmpstr (kabar_account_get_host (typed, KABAR_SERVER_INCOMING), ==, "outlook.office365.com");
  g_assert_cmpstr (kabar_account_get_host (typed, KABAR_SERVER_OUTGOING), ==, "smtp-mail.outlook.com");

  kabar_ui_test_press (assistant, _("_Cancel"));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_assistant_gone, NULL, WAIT_MS));
  g_assert_cmpuint (kabar_ui_assistant_count_account_files (app), ==, 0);
}

static void
test_mailbox_not_enabled (void)
{
  KabarGraphServer *server = kabar_ui_graph_get_server (graph);
  g_autofree char *connecting = NULL;
  g_autofree char *advice = NULL;
  const char *detail;
  GtkWidget *assistant;
  KabarAccount *saved;

  kabar_graph_server_refuse_mailbox (server, 403, "MailboxNotEnabledForRESTAPI", NOT_ENABLED);
  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  assistant = sign_in ();

  /* One server, named; nothing about an outgoing one. */
  connecting = g_strdup_printf (_("Connecting to %s"), "127.0.0.1");
  g_assert_nonnull (kabar_ui_test_find_label (assistant, connecting));
  g_assert_false (gtk_widget_get_visible (kabar_ui_test_find_by_id (GTK_WIDGET (check_page ()), "outgoing_group")));

  /* The Graph server's certificate is the bed's: the user looks at it and
   * trusts it, and the check goes on from the start. */
  wait_for_words (_("Untrusted Certificate"));
  assert_states ("+x-----");
  kabar_ui_assistant_trust_certificate (NULL);

  wait_for_words (_("Mailbox Not Available"));
  assert_states ("+++x---");
  /* What to do, and Microsoft's own words below it. */
  advice = g_strdup_printf (_("Microsoft signed you in, but has no mailbox for %s that mail programs may use. Open Outlook on the web once with this account, then try again. For a work or school account, ask its administrator."),
                            ALICE);
  g_assert_nonnull (kabar_ui_test_find_label (assistant, advice));
  detail = gtk_label_get_text (GTK_LABEL (kabar_ui_test_find_by_id (GTK_WIDGET (check_page ()), "failure_detail")));
  g_assert_nonnull (strstr (detail, "MailboxNotEnabledForRESTAPI"));
  g_assert_nonnull (strstr (detail, NOT_ENABLED));
  /* Trying again is the way on: no settings to change for Microsoft's
   * server, no sign-in that was refused. */
  g_assert_true (button_shown (_("_Try Again")));
  g_assert_false (button_shown (_("Change _Settings")));
  g_assert_false (button_shown (_("Sign _In Again")));
  g_assert_false (button_shown (_("Show _Certificate…")));
  kabar_ui_test_save_screenshot (assistant, "assistant-graph-mailbox-not-enabled", 50);
  g_assert_cmpuint (kabar_ui_assistant_count_account_files (app), ==, 0);

  /* The user opened Outlook on the web: the mailbox is there now. */
  kabar_graph_server_refuse_mailbox (server, 0, NULL, NULL);
  kabar_ui_assistant_click (_("_Try Again"));
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_DONE);
  assert_states ("++++---");
  kabar_ui_test_press (assistant, _("_Done"));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_assistant_gone, NULL, WAIT_MS));

  g_assert_cmpuint (kabar_ui_assistant_count_account_files (app), ==, 1);
  saved = kabar_ui_test_find_saved_account (app, ALICE);
  g_assert_nonnull (saved);
  g_assert_cmpint (kabar_account_get_incoming_kind (saved), ==, KABAR_INCOMING_GRAPH);
  g_assert_true (g_tls_certificate_is_same (kabar_account_get_pinned_certificate (saved, KABAR_SERVER_INCOMING),
                                            kabar_ui_graph_get_certificate (graph)));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kabar_ui_test_init (&argc, &argv);
  g_test_add_func ("/assistant-graph/set-up-manually", test_set_up_manually);
  g_test_add_func ("/assistant-graph/mailbox-not-enabled", test_mailbox_not_enabled);

  kabar_ui_graph_install_browser ();
  graph = kabar_ui_graph_start (ALICE, ALICE_NAME, CLIENT_ID);
  {
    g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);

    /* Outlook.com is known without the network; the session has no
     * notification server. */
    g_settings_set_string (settings, "ispdb-url", "");
    g_settings_set_boolean (settings, "notifications", FALSE);
  }
  app = kabar_ui_test_new_application ();
  /* The picture shows the buttons as they end, not on their way there. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_pointer (&graph, kabar_ui_graph_free);
  return status;
}
