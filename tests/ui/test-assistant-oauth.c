/* test-assistant-oauth.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An Outlook.com account set up with the assistant, offline and for real:
 * the bed's Dovecot and Postfix on Outlook.com's ports of 127.0.0.1, a
 * resolver that sends Outlook.com's server names there, a Microsoft-like
 * authorization server on loopback whose tokens Dovecot and Postfix take,
 * and a stand-in browser registered as the session's http and https
 * handler, reached through gtk_show_uri as a real one would be. The walk:
 * the address (no password row), the built-in settings, the choice, the
 * sign-in (no client ID, then the user's own, a refusal in the browser,
 * Cancel, then the sign-in), the check (the certificate trusted), done and
 * the INBOX synced; no token anywhere in the profile's files; then the
 * refresh token refused: the account says Sign In Again, which opens only
 * the sign-in page, and after it the account syncs again.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kabar-account-assistant.h"
#include "kabar-account-fix.h"
#include "kabar-account-item.h"
#include "kabar-application.h"
#include "kabar-assistant-check.h"
#include "kabar-assistant-sign-in.h"
#include "kabar-fake-resolver.h"
#include "kabar-folder-list.h"
#include "kabar-folder-row.h"
#include "kabar-oauth-server.h"
#include "kabar-oauth2.h"
#include "kabar-secrets.h"
#include "kabar-ui-assistant.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

#define ALICE          "alice@outlook.com"
#define ALICE_PASSWORD "Sandi-Alice-123"
#define ALICE_NAME     "Alice Example"
/* The user's own registration, as an organisation would enter it. */
#define CLIENT_ID      "6731de76-14a6-49ae-97bc-6eba6914391e"
#define WAIT_MS        60000

static const guint16 outlook_ports[] = { 993, 995, 587, 0 };

static KabarTestBed *bed;
static KabarOAuthServer *oauth;
static KabarApplication *app;
static GtkWidget *window;
/* The stand-in browser's wrapper notes each address it is given here,
 * and waits while the hold file exists: the page can be seen waiting. */
static char *browser_log;
static char *browser_hold;
/* What the sign-in gave the assistant, and the keyring's refresh token. */
static char *access_token;

/* --- the session's browser ---------------------------------------------------------- */

static void
write_file (const char *path,
            const char *contents,
            int         mode)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

/* As a desktop registers its browser: a desktop file for the http and
 * https schemes, and the user's choice of it in mimeapps.list. */
static void
install_browser (void)
{
  const char *tmp = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *browser = g_build_filename (g_getenv ("KABAR_BUILD_ROOT"), "tests", "servers",
                                               "kabar-test-browser", NULL);
  g_autofree char *wrapper = g_build_filename (tmp, "browser", "kabar-test-browser-wrapper", NULL);
  g_autofree char *script = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *desktop_path = g_build_filename (g_get_user_data_dir (), "applications",
                                                    "kabar-test-browser.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (g_get_user_config_dir (), "mimeapps.list", NULL);

  g_assert_true (g_file_test (browser, G_FILE_TEST_IS_EXECUTABLE));
  browser_log = g_build_filename (tmp, "browser", "opened.log", NULL);
  browser_hold = g_build_filename (tmp, "browser", "hold", NULL);
  script = g_strdup_printf ("#!/bin/sh\n"
                            "printf '%%s\\n' \"$1\" >> '%s'\n"
                            "while [ -e '%s' ]; do sleep 0.05; done\n"
                            "exec '%s' \"$1\" >> '%s.pages' 2>&1\n",
                            browser_log, browser_hold, browser, browser_log);
  write_file (wrapper, script, 0755);
  desktop = g_strdup_printf ("[Desktop Entry]\n"
                             "Type=Application\n"
                             "Name=Kabar Test Browser\n"
                             "Exec=%s %%u\n"
                             "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n"
                             "NoDisplay=true\n",
                             wrapper);
  write_file (desktop_path, desktop, 0644);
  write_file (mimeapps,
              "[Default Applications]\n"
              "x-scheme-handler/http=kabar-test-browser.desktop\n"
              "x-scheme-handler/https=kabar-test-browser.desktop\n",
              0644);
}

static void
hold_browser (gboolean hold)
{
  if (hold)
    write_file (browser_hold, "", 0644);
  else
    g_assert_cmpint (g_unlink (browser_hold), ==, 0);
}

static gboolean
browser_was_given (gpointer data)
{
  g_autofree char *log = NULL;
  g_autofree char *line = g_strdup_printf ("%s\n", (const char *) data);

  return g_file_get_contents (browser_log, &log, NULL, NULL) && strstr (log, line) != NULL;
}

/* --- finding things ------------------------------------------------------------------- */

/* The entry row titled title under root, shown or not. */
static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (root, ADW_TYPE_ENTRY_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      return g_ptr_array_index (rows, i);
  return NULL;
}

static KabarAssistantSignIn *
sign_in_page (GtkWidget *assistant)
{
  GtkWidget *page = kabar_ui_test_find_widget (assistant, KABAR_TYPE_ASSISTANT_SIGN_IN);

  g_assert_nonnull (page);
  return KABAR_ASSISTANT_SIGN_IN (page);
}

/* In that state, and done crossfading into it. */
static gboolean
sign_in_state_is (gpointer data)
{
  GtkWidget **args = data;
  GtkWidget *stack = kabar_ui_test_find_widget (args[0], GTK_TYPE_STACK);

  return g_strcmp0 (kabar_assistant_sign_in_get_state (KABAR_ASSISTANT_SIGN_IN (args[0])),
                    (const char *) args[1]) == 0 &&
         !gtk_stack_get_transition_running (GTK_STACK (stack));
}

static void
wait_for_sign_in_state (KabarAssistantSignIn *page,
                        const char           *state)
{
  gpointer args[] = { page, (gpointer) state };

  if (!kabar_ui_test_wait_for (sign_in_state_is, args, WAIT_MS))
    {
      g_autofree char *pages_path = g_strdup_printf ("%s.pages", browser_log);
      g_autofree char *pages = NULL;

      g_file_get_contents (pages_path, &pages, NULL, NULL);
      g_test_message ("The browser said: %s", pages);
    }
  g_assert_true (sign_in_state_is (args));
  kabar_ui_test_wait_for_frame (GTK_WIDGET (page));
}

static void
on_signed_in (KabarAssistantSignIn *page,
              const char           *secret)
{
  g_free (access_token);
  access_token = g_strdup (secret);
}

/* --- the sign-in page -------------------------------------------------------------------- */

static const char *
no_client_id_words (void)
{
  return _("This copy of Kabar has no Microsoft client ID. Enter one under Advanced; README explains how to "
           "register one.");
}

/* Clicks "Sign in with Microsoft" with the browser held: the page waits,
 * and the browser was given the page's address by the desktop. */
static void
start_sign_in (KabarAssistantSignIn *page)
{
  g_autofree char *uri = NULL;

  hold_browser (TRUE);
  kabar_ui_test_press (GTK_WIDGET (page), _("_Sign In with Microsoft"));
  wait_for_sign_in_state (page, "waiting");
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (page), _("Waiting for you to sign in in your browser…")));
  g_assert_nonnull (kabar_ui_test_find_shown_button (GTK_WIDGET (page), _("_Cancel")));
  g_assert_nonnull (kabar_ui_test_find_shown_button (GTK_WIDGET (page), _("C_opy Link")));
  uri = g_strdup (kabar_assistant_sign_in_get_uri (page));
  g_assert_true (g_str_has_prefix (uri, kabar_oauth_server_get_authority (oauth)));
  g_assert_nonnull (strstr (uri, "client_id=" CLIENT_ID));
  g_assert_true (kabar_ui_test_wait_for (browser_was_given, uri, WAIT_MS));
}

static GtkWidget *
open_assistant (void)
{
  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  return GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT));
}

/* The address of an Outlook.com account: no password row, the built-in
 * settings, IMAP, then the sign-in page. */
static GtkWidget *
walk_to_sign_in (void)
{
  GtkWidget *assistant = open_assistant ();

  kabar_ui_assistant_enter_identity (ALICE_NAME, ALICE, NULL);
  kabar_ui_test_wait_for_frame (assistant);
  g_assert_false (gtk_widget_is_drawable (GTK_WIDGET (kabar_ui_assistant_identity_row (2))));
  g_assert_nonnull (kabar_ui_test_find_label (assistant, _("You will sign in with Microsoft in your browser.")));
  kabar_ui_test_press (assistant, _("_Next"));

  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHOICE);
  kabar_ui_test_press (assistant, _("_Next"));
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_SIGN_IN);
  return assistant;
}

static void
test_sign_in_page (void)
{
  GtkWidget *assistant = walk_to_sign_in ();
  KabarAssistantSignIn *page = sign_in_page (assistant);
  GtkWidget *microsoft = kabar_ui_test_find_shown_button (GTK_WIDGET (page), _("_Sign In with Microsoft"));
  GtkWidget *client_id = find_row (GTK_WIDGET (page), _("Client ID"));

  g_signal_connect (page, "signed-in", G_CALLBACK (on_signed_in), NULL);
  g_assert_cmpstr (kabar_assistant_sign_in_get_state (page), ==, "oauth2");

  /* Built as every test build is, without a client ID of Kabar's. */
  g_assert_nonnull (microsoft);
  g_assert_false (gtk_widget_is_sensitive (microsoft));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (page), no_client_id_words ()));
  g_assert_nonnull (client_id);
  g_assert_true (gtk_widget_is_drawable (client_id));
  kabar_ui_test_save_screenshot (assistant, "assistant-sign-in-no-client-id", 0);

  gtk_editable_set_text (GTK_EDITABLE (client_id), " " CLIENT_ID " ");
  g_assert_true (gtk_widget_is_sensitive (microsoft));
  kabar_ui_test_wait_for_frame (assistant);
  g_assert_null (kabar_ui_test_find_label (GTK_WIDGET (page), no_client_id_words ()));
  kabar_ui_test_save_screenshot (assistant, "assistant-sign-in-ready", 0);

  /* The user says no in the browser. */
  kabar_oauth_server_set_denied (oauth, TRUE);
  start_sign_in (page);
  kabar_ui_test_save_screenshot (assistant, "assistant-sign-in-waiting", 0);
  hold_browser (FALSE);
  wait_for_sign_in_state (page, "oauth2");
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (page),
                                              _("You did not allow Kabar to use your Microsoft account, so it "
                                                "cannot read or send your mail. To add the account, sign in "
                                                "again and accept.")));
  g_assert_null (access_token);
  g_assert_cmpuint (kabar_oauth_server_count_requests (oauth, "authorization_code"), ==, 0);
  kabar_ui_test_save_screenshot (assistant, "assistant-sign-in-denied", 0);
  kabar_oauth_server_set_denied (oauth, FALSE);

  /* Cancel while the browser is out: back to the button, nothing signed
   * in, whatever the browser does later. */
  start_sign_in (page);
  kabar_ui_test_press (GTK_WIDGET (page), _("_Cancel"));
  wait_for_sign_in_state (page, "oauth2");
  g_assert_null (kabar_assistant_sign_in_get_uri (page));
  hold_browser (FALSE);
  g_assert_cmpint (kabar_account_assistant_get_page (KABAR_ACCOUNT_ASSISTANT (assistant)), ==,
                   KABAR_ASSISTANT_PAGE_SIGN_IN);
  g_assert_null (access_token);
}

static gboolean
account_online (gpointer data)
{
  KabarAccountItem *account = kabar_ui_test_find_account (window, ALICE);
  KabarFolderItem *inbox = account != NULL ? kabar_account_item_find_inbox (account) : NULL;

  return inbox != NULL && kabar_account_item_get_state (account) == KABAR_ACCOUNT_ITEM_STATE_IDLE &&
         kabar_folder_item_get_total_count (inbox) == GPOINTER_TO_UINT (data);
}

static void
test_sign_in_and_sync (void)
{
  GtkWidget *assistant = GTK_WIDGET (kabar_ui_test_find_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT));
  KabarAssistantSignIn *page;

  g_assert_nonnull (assistant);
  page = sign_in_page (assistant);
  start_sign_in (page);
  hold_browser (FALSE);
  /* Outlook.com's names on the bed's own certificate: not trusted until
   * the user says so. */
  g_assert_cmpuint (kabar_ui_assistant_pass_check ("assistant-oauth-check-certificate", NULL), >=, 1);
  g_assert_nonnull (access_token);
  g_assert_cmpuint (kabar_oauth_server_count_requests (oauth, "authorization_code"), ==, 1);

  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_DONE);
  kabar_ui_test_save_screenshot (assistant, "assistant-oauth-done", 0);
  kabar_ui_test_press (assistant, _("_Done"));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_assistant_gone, NULL, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (account_online, GUINT_TO_POINTER (1), WAIT_MS));
}

/* --- nothing secret in files ---------------------------------------------------------------- */

static char *
lookup_refresh_token (void)
{
  KabarAccountItem *account = kabar_ui_test_find_account (window, ALICE);
  KabarAccount *settings = kabar_mail_service_get_account (kabar_account_item_get_service (account));
  char *token = kabar_ui_test_lookup_secret (kabar_account_get_id (settings), KABAR_SECRET_OAUTH2_REFRESH_TOKEN);

  g_assert_nonnull (token);
  return token;
}

static void
test_no_token_in_files (void)
{
  g_autofree char *refresh_token = lookup_refresh_token ();
  const char *secrets[] = { access_token, refresh_token, NULL };
  const char *client_id[] = { CLIENT_ID, NULL };
  g_autoptr(GPtrArray) with_client_id = NULL;
  g_autoptr(GPtrArray) found = NULL;

  g_assert_nonnull (access_token);
  g_assert_cmpuint (strlen (access_token), >=, 16);
  g_assert_cmpuint (strlen (refresh_token), >=, 16);
  g_assert_cmpstr (access_token, !=, refresh_token);
  /* The search finds what is in the files: the account's settings have
   * the client ID the user typed. */
  with_client_id = kabar_ui_test_grep_profile (client_id, NULL);
  g_assert_cmpuint (with_client_id->len, >=, 1);
  found = kabar_ui_test_grep_profile (secrets, NULL);
  for (guint i = 0; i < found->len; i++)
    g_test_message ("A token is in %s", (const char *) g_ptr_array_index (found, i));
  g_assert_cmpuint (found->len, ==, 0);
}

/* --- signing in again ----------------------------------------------------------------------- */

static GtkWidget *
account_row (void)
{
  KabarAccountItem *account = kabar_ui_test_find_account (window, ALICE);
  GtkWidget *folder_list = kabar_ui_test_find_widget (window, KABAR_TYPE_FOLDER_LIST);
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (folder_list, KABAR_TYPE_FOLDER_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      if ((gpointer) kabar_folder_row_get_item (KABAR_FOLDER_ROW (row)) == (gpointer) account &&
          gtk_widget_is_drawable (row))
        return row;
    }
  return NULL;
}

static gboolean
asks_to_sign_in_again (gpointer data)
{
  KabarAccountItem *account = kabar_ui_test_find_account (window, ALICE);
  GtkWidget *row = account_row ();

  return kabar_account_item_get_state (account) == KABAR_ACCOUNT_ITEM_STATE_ERROR && row != NULL &&
         kabar_ui_test_find_shown_button (row, _("Sign In Again")) != NULL;
}

static gboolean
service_offline (gpointer data)
{
  return kabar_mail_service_get_status (data) == KABAR_MAIL_SERVICE_STATUS_OFFLINE;
}

static void
test_refused_refresh_token_signs_in_again (void)
{
  KabarAccountItem *account = kabar_ui_test_find_account (window, ALICE);
  KabarMailService *service = kabar_account_item_get_service (account);
  guint refreshes;
  g_autoptr(GBytes) message = kabar_ui_bed_message_new ("Budi <budi@example.org>", "<" ALICE ">",
                                                        "After signing in again", "Hello again.",
                                                        g_get_real_time () / G_USEC_PER_SEC, NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *assistant;
  KabarAssistantSignIn *page;

  /* Microsoft revokes the sign-in, and the access token in hand runs
   * out: the next connection asks for a new one. */
  refreshes = kabar_oauth_server_count_requests (oauth, "refresh_token");
  kabar_oauth_server_revoke_refresh_tokens (oauth);
  kabar_oauth2_forget_access_token (kabar_mail_service_get_account (service));
  kabar_mail_service_set_network_available (service, FALSE);
  g_assert_true (kabar_ui_test_wait_for (service_offline, service, WAIT_MS));
  kabar_mail_service_set_network_available (service, TRUE);
  if (!kabar_ui_test_wait_for (asks_to_sign_in_again, NULL, WAIT_MS))
    g_test_message ("The account is %d, %s: %s", kabar_mail_service_get_status (service),
                    kabar_account_item_get_status_text (account),
                    kabar_mail_service_get_error (service) != NULL ? kabar_mail_service_get_error (service)->message : "");
  g_assert_true (asks_to_sign_in_again (NULL));
  g_assert_cmpuint (kabar_oauth_server_count_requests (oauth, "refresh_token"), >, refreshes);
  g_assert_cmpint (kabar_account_fix_for (service), ==, KABAR_ACCOUNT_FIX_SIGN_IN);
  g_assert_nonnull (kabar_ui_test_find_label (account_row (), _("Microsoft asks you to sign in again.")));
  kabar_ui_test_save_screenshot (window, "assistant-sign-in-again-account", 0);

  kabar_test_bed_add_message (bed, ALICE, "INBOX", message, "", g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  /* Revoking ends the sign-ins so far; the new one's tokens work. */
  kabar_ui_test_press (account_row (), _("Sign In Again"));
  assistant = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT));
  g_assert_cmpint (kabar_account_assistant_get_page (KABAR_ACCOUNT_ASSISTANT (assistant)), ==,
                   KABAR_ASSISTANT_PAGE_SIGN_IN);
  page = sign_in_page (assistant);
  g_signal_connect (page, "signed-in", G_CALLBACK (on_signed_in), NULL);
  /* Only this page: not the address, not the servers. */
  g_assert_true (find_row (assistant, _("Email Address")) == NULL ||
                 !gtk_widget_is_drawable (find_row (assistant, _("Email Address"))));
  g_assert_cmpstr (kabar_assistant_sign_in_get_state (page), ==, "oauth2");
  g_assert_null (kabar_ui_test_find_label (GTK_WIDGET (page), no_client_id_words ()));
  kabar_ui_test_save_screenshot (assistant, "assistant-sign-in-again", 0);

  start_sign_in (page);
  hold_browser (FALSE);
  /* The certificate trusted at setup is pinned in the account. */
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHECK);
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_DONE);
  kabar_ui_test_press (assistant, _("_Done"));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_assistant_gone, NULL, WAIT_MS));
  g_assert_cmpuint (kabar_oauth_server_count_requests (oauth, "authorization_code"), ==, 2);
  g_assert_true (kabar_ui_test_wait_for (account_online, GUINT_TO_POINTER (2), WAIT_MS));
  g_assert_null (kabar_ui_test_find_shown_button (account_row (), _("Sign In Again")));
}

/* --- a password account ---------------------------------------------------------------------- */

static void
count_signed_in (KabarAssistantSignIn *page,
                 const char           *secret,
                 GPtrArray            *secrets)
{
  g_ptr_array_add (secrets, g_strdup (secret));
}

static gboolean
has_two (gpointer data)
{
  return ((GPtrArray *) data)->len == 2;
}

/* The same page for a provider that takes passwords: asked again after
 * the check, it says why; Enter and Continue give the password. */
static void
test_password_page (void)
{
  g_autoptr(KabarAccount) account = kabar_account_new ();
  g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *host = adw_window_new ();
  GtkWidget *page = kabar_assistant_sign_in_new ();
  GtkWidget *entry;
  GtkWidget *button;

  kabar_account_set_address (account, "dewi@" KABAR_TEST_BED_DOMAIN);
  kabar_account_set_auth_method (account, KABAR_AUTH_PASSWORD);
  gtk_window_set_default_size (GTK_WINDOW (host), 640, 560);
  adw_window_set_content (ADW_WINDOW (host), page);
  g_signal_connect (page, "signed-in", G_CALLBACK (count_signed_in), secrets);
  kabar_assistant_sign_in_set_account (KABAR_ASSISTANT_SIGN_IN (page), account);
  kabar_assistant_sign_in_set_problem (KABAR_ASSISTANT_SIGN_IN (page), _("The server refused the password."));
  gtk_window_present (GTK_WINDOW (host));
  kabar_ui_test_wait_for_frame (host);

  g_assert_cmpstr (kabar_assistant_sign_in_get_state (KABAR_ASSISTANT_SIGN_IN (page)), ==, "password");
  g_assert_null (kabar_ui_test_find_shown_button (page, _("_Sign In with Microsoft")));
  g_assert_nonnull (kabar_ui_test_find_label (page, _("The server refused the password.")));
  entry = kabar_ui_test_find_widget (page, ADW_TYPE_PASSWORD_ENTRY_ROW);
  button = kabar_ui_test_find_shown_button (page, _("C_ontinue"));
  g_assert_nonnull (entry);
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_is_sensitive (button));
  gtk_widget_grab_focus (page);
  g_assert_true (gtk_widget_has_focus (gtk_root_get_focus (GTK_ROOT (host))) &&
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (host)), entry));

  gtk_editable_set_text (GTK_EDITABLE (entry), "Sandi-Dewi-123");
  g_assert_true (gtk_widget_is_sensitive (button));
  kabar_ui_test_save_screenshot (host, "assistant-sign-in-password", 0);
  g_signal_emit_by_name (entry, "entry-activated");
  kabar_ui_test_press (page, _("C_ontinue"));
  g_assert_true (kabar_ui_test_wait_for (has_two, secrets, WAIT_MS));
  g_assert_cmpstr (g_ptr_array_index (secrets, 0), ==, "Sandi-Dewi-123");
  g_assert_cmpstr (g_ptr_array_index (secrets, 1), ==, "Sandi-Dewi-123");

  kabar_assistant_sign_in_set_problem (KABAR_ASSISTANT_SIGN_IN (page), NULL);
  kabar_ui_test_wait_for_frame (host);
  g_assert_null (kabar_ui_test_find_label (page, _("The server refused the password.")));
  gtk_window_destroy (GTK_WINDOW (host));
}

/* --- the test's world ------------------------------------------------------------------------ */

static gboolean
ports_free (gpointer data)
{
  const guint16 *ports = data;

  for (guint i = 0; ports[i] != 0; i++)
    {
      g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL);
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, ports[i]);

      if (socket == NULL || !g_socket_bind (socket, address, TRUE, NULL))
        return FALSE;
    }
  return TRUE;
}

/* Outlook.com's servers, on their ports, are the bed's. */
static void
start_servers (void)
{
  g_autoptr(KabarFakeResolver) resolver = kabar_fake_resolver_new ();
  g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);
  g_autoptr(GBytes) message = kabar_ui_bed_message_new ("Ayu Pratiwi <ayu@example.org>", "<" ALICE ">",
                                                        "Welcome to Outlook.com", "Hello.",
                                                        g_get_real_time () / G_USEC_PER_SEC - 3600, NULL);
  g_autoptr(GError) error = NULL;

  kabar_fake_resolver_add (resolver, "outlook.office365.com", "127.0.0.1");
  kabar_fake_resolver_add (resolver, "smtp-mail.outlook.com", "127.0.0.1");
  g_resolver_set_default (G_RESOLVER (resolver));

  bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_add_user (bed, ALICE, ALICE_PASSWORD);
  kabar_test_bed_enable_oauth2 (bed);
  kabar_test_bed_set_port (bed, KABAR_TEST_BED_PORT_IMAPS, 993);
  kabar_test_bed_set_port (bed, KABAR_TEST_BED_PORT_POP3S, 995);
  kabar_test_bed_set_port (bed, KABAR_TEST_BED_PORT_SUBMISSION, 587);
  /* The run before this one (another language) may still be stopping its
   * servers on these ports. */
  g_assert_true (kabar_ui_test_wait_for (ports_free, (gpointer) outlook_ports, WAIT_MS));
  g_assert_true (kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT | KABAR_TEST_BED_POSTFIX, &error));
  g_assert_no_error (error);
  kabar_test_bed_add_message (bed, ALICE, "INBOX", message, "", g_get_real_time () / G_USEC_PER_SEC - 3600,
                              &error);
  g_assert_no_error (error);

  oauth = kabar_oauth_server_new (bed, &error);
  g_assert_no_error (error);
  kabar_oauth_server_add_client (oauth, CLIENT_ID);
  kabar_oauth_server_set_user (oauth, ALICE);
  g_settings_set_string (settings, "microsoft-authority", kabar_oauth_server_get_authority (oauth));
  g_settings_set_string (settings, "ispdb-url", "");
  /* The session has no notification server (test-notify has one). */
  g_settings_set_boolean (settings, "notifications", FALSE);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* What is written in the profile can all be read back. */
  kabar_ui_test_use_private_home ();
  kabar_ui_test_init (&argc, &argv);

  g_test_add_func ("/assistant-oauth/password-page", test_password_page);
  g_test_add_func ("/assistant-oauth/sign-in-page", test_sign_in_page);
  g_test_add_func ("/assistant-oauth/sign-in-and-sync", test_sign_in_and_sync);
  g_test_add_func ("/assistant-oauth/no-token-in-files", test_no_token_in_files);
  g_test_add_func ("/assistant-oauth/refused-refresh-token-signs-in-again",
                   test_refused_refresh_token_signs_in_again);

  install_browser ();
  start_servers ();

  app = kabar_ui_test_new_application ();

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_pointer (&oauth, kabar_oauth_server_free);
  g_clear_object (&bed);
  g_clear_pointer (&access_token, g_free);
  g_free (browser_log);
  g_free (browser_hold);
  return status;
}
