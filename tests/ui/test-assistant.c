/* test-assistant.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account assistant under Xvfb, on the real application, walked as a
 * user walks it: Kabar starts with no account and opens it; an IMAP
 * account is found through DNS service records (a fake resolver points
 * kabar.test at the bed's Dovecot and Postfix as mail.kabar.test), its
 * certificate, which names another host, is trusted from the dialog, and
 * the account's mail shows in the window; a POP account, opened from the
 * preferences, downloads its mail and deletes the server's copies as
 * chosen. Servers under another domain's name need the user's word, an
 * address nothing is known of leads to the manual settings, and Cancel
 * leaves no file and no secret. At the end, no password is in any file of
 * the profile: they are in the keyring only.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kabar-account-assistant.h"
#include "kabar-application.h"
#include "kabar-assistant-check.h"
#include "kabar-assistant-choice.h"
#include "kabar-assistant-discovery.h"
#include "kabar-assistant-identity.h"
#include "kabar-assistant-manual.h"
#include "kabar-assistant-sign-in.h"
#include "kabar-fake-resolver.h"
#include "kabar-folder-list.h"
#include "kabar-message-list.h"
#include "kabar-preferences-window.h"
#include "kabar-secrets.h"
#include "kabar-ui-assistant.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

#define ALICE          "alice@" KABAR_TEST_BED_DOMAIN
#define BOB            "bob@" KABAR_TEST_BED_DOMAIN
#define ALICE_PASSWORD "Sandi-Alice-4821"
#define BOB_PASSWORD   "Sandi-Bob-7390"
/* Whose servers are named under another domain. */
#define CAROL          "carol@other.test"
/* A domain nothing knows of. */
#define DEWI           "dewi@nowhere.test"
#define MAIL_HOST      "mail." KABAR_TEST_BED_DOMAIN
#define WAIT_MS        60000

static KabarTestBed *bed;
static KabarApplication *app;
static GtkWidget *window;
static KabarFakeResolver *resolver;

static const char *const alice_subjects[] = { "Rapat tim Jumat pagi", "Slides for the meetup", "दिवाली की शुभकामनाएँ" };
static const char *const bob_subjects[] = { "Tiket 1042: printer", "Tiket 1043: VPN" };

/* --- the servers and the names that lead to them ---------------------------------------- */

static void
add_srv_records (const char *domain,
                 const char *host)
{
  static const struct { const char *service; KabarTestBedPort port; } services[] = {
    { "_imaps._tcp", KABAR_TEST_BED_PORT_IMAPS },
    { "_pop3s._tcp", KABAR_TEST_BED_PORT_POP3S },
    { "_submission._tcp", KABAR_TEST_BED_PORT_SUBMISSION },
  };

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      g_autofree char *rrname = g_strdup_printf ("%s.%s", services[i].service, domain);

      kabar_fake_resolver_add_srv (resolver, rrname, host, kabar_test_bed_get_port (bed, services[i].port), 0, 1);
    }
}

/* kabar.test's SRV records name mail.kabar.test, the bed on 127.0.0.1,
 * whose certificate is for localhost: trusted by the user, not the
 * system. Its own autoconfig host never answers, so the discovery shows
 * for a while. other.test's records name a host outside it. */
static void
install_resolver (void)
{
  resolver = kabar_fake_resolver_new ();
  kabar_fake_resolver_add (resolver, MAIL_HOST, KABAR_TEST_BED_HOST);
  kabar_fake_resolver_add_silent (resolver, "autoconfig." KABAR_TEST_BED_DOMAIN);
  add_srv_records (KABAR_TEST_BED_DOMAIN, MAIL_HOST);
  kabar_fake_resolver_add (resolver, "mail.elsewhere.test", KABAR_TEST_BED_HOST);
  add_srv_records ("other.test", "mail.elsewhere.test");
  g_resolver_set_default (G_RESOLVER (resolver));
}

/* --- finding what the user sees ------------------------------------------------------------ */

static GtkWidget *
forward_button (void)
{
  return kabar_ui_assistant_button (_("_Next"));
}

static void
type_into (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* Fills in the first page and goes on with Enter, as the user would. */
static void
enter_identity (const char *name,
                const char *address,
                const char *password)
{
  kabar_ui_assistant_enter_identity (name, address, password != NULL ? password : "");
  g_assert_true (gtk_widget_is_sensitive (forward_button ()));
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (kabar_ui_assistant_get ())) == forward_button ());
  gtk_widget_grab_focus (GTK_WIDGET (kabar_ui_assistant_identity_row (password != NULL ? 2 : 1)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (kabar_ui_assistant_identity_row (1)), "default.activate",
                                             NULL));
}

/* --- what the keyring and the disk hold -------------------------------------------------- */

/* The account ids of every Kabar secret in the keyring, asked of the
 * Secret Service over D-Bus as any program could. */
static GPtrArray *
list_secret_accounts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GVariantBuilder query;
  g_autoptr(GVariant) found = NULL;
  g_autoptr(GVariantIter) unlocked = NULL;
  g_autoptr(GVariantIter) locked = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  const char *path;

  g_assert_no_error (error);
  g_variant_builder_init (&query, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&query, "{ss}", "xdg:schema", "io.github.kabar.Kabar.Secret");
  found = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "SearchItems",
                                       g_variant_new ("(a{ss})", &query), G_VARIANT_TYPE ("(aoao)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (found, "(aoao)", &unlocked, &locked);
  /* The session's keyring is unlocked: every item is in the first list. */
  g_assert_cmpuint (g_variant_iter_n_children (locked), ==, 0);
  while (g_variant_iter_next (unlocked, "&o", &path))
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) attributes = NULL;
      const char *account = NULL;

      reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", path, "org.freedesktop.DBus.Properties",
                                           "Get", g_variant_new ("(ss)", "org.freedesktop.Secret.Item", "Attributes"),
                                           G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
      g_assert_no_error (error);
      g_variant_get (reply, "(v)", &attributes);
      g_assert_true (g_variant_lookup (attributes, "account", "&s", &account));
      g_ptr_array_add (ids, g_strdup (account));
    }
  return ids;
}

static gboolean
secrets_only_of_accounts (gpointer data)
{
  g_autoptr(GPtrArray) ids = list_secret_accounts ();

  for (guint i = 0; i < ids->len; i++)
    if (kabar_account_manager_lookup (kabar_application_get_account_manager (app),
                                      g_ptr_array_index (ids, i)) == NULL)
      return FALSE;
  return TRUE;
}

/* --- the tests --------------------------------------------------------------------------------- */

static void
test_assistant_opens_on_first_start (void)
{
  GtkWidget *shown = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT));
  const char *real_name = g_get_real_name ();

  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (shown)) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (shown)));
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_IDENTITY);

  /* The name is the user's, as the system knows it. */
  if (g_strcmp0 (real_name, "Unknown") != 0)
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kabar_ui_assistant_identity_row (0))), ==, real_name);
  /* Nothing to look up yet, and no password to ask for. */
  g_assert_false (gtk_widget_is_sensitive (forward_button ()));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (kabar_ui_assistant_identity_row (2))));
  g_assert_nonnull (kabar_ui_test_find_shown_button (shown, _("_Cancel")));
  g_assert_nonnull (kabar_ui_test_find_shown_button (shown, _("Set Up _Manually")));

  /* Checked as typed. */
  type_into (kabar_ui_assistant_identity_row (0), "Alice Example");
  type_into (kabar_ui_assistant_identity_row (1), "alice@");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (kabar_ui_assistant_identity_row (1)), "error"));
  g_assert_nonnull (kabar_ui_test_find_label (shown, _("An address looks like name@example.com.")));
  g_assert_false (gtk_widget_is_sensitive (forward_button ()));

  /* Outlook.com signs in in the browser: no password here. */
  type_into (kabar_ui_assistant_identity_row (1), "someone@outlook.com");
  kabar_ui_test_wait_for_frame (shown);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (kabar_ui_assistant_identity_row (1)), "error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (kabar_ui_assistant_identity_row (2))));
  g_assert_nonnull (kabar_ui_test_find_label (shown, _("You will sign in with Microsoft in your browser.")));
  g_assert_true (gtk_widget_is_sensitive (forward_button ()));

  type_into (kabar_ui_assistant_identity_row (1), ALICE);
  kabar_ui_test_wait_for_frame (shown);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (kabar_ui_assistant_identity_row (2))));
  g_assert_null (kabar_ui_test_find_label (shown, _("You will sign in with Microsoft in your browser.")));
  kabar_ui_test_save_screenshot (shown, "assistant-identity", 50);

  /* Cancel: nothing saved. */
  kabar_ui_assistant_click (_("_Cancel"));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_assistant_gone, NULL, WAIT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (kabar_application_get_account_manager (app))), ==, 0);
  g_assert_cmpuint (kabar_ui_assistant_count_account_files (app), ==, 0);
}

static gboolean
label_shown_in_assistant (gpointer text)
{
  GtkWindow *shown = kabar_ui_test_find_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT);

  return shown != NULL && kabar_ui_test_find_label (GTK_WIDGET (shown), text) != NULL;
}

static void
assert_secret (KabarAccount    *account,
               KabarSecretKind  kind,
               const char      *expected)
{
  g_autofree char *secret = kabar_ui_test_lookup_secret (kabar_account_get_id (account), kind);

  g_assert_cmpstr (secret, ==, expected);
}

/* From the window's "no account" page: found by DNS, IMAP, the
 * certificate trusted, and the mail in the window. */
static void
test_assistant_sets_up_imap_account (void)
{
  GtkWidget *button = kabar_ui_test_find_button (window, _("_Add Account…"));
  GtkWidget *shown;
  KabarAssistantChoice *choice;
  KabarAccount *account;
  g_autofree char *title = NULL;

  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "app.add-account");
  kabar_ui_test_click (button);
  shown = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (shown)) == GTK_WINDOW (window));
  enter_identity ("Alice Example", ALICE, ALICE_PASSWORD);

  /* Each source in words; the service records found while the
   * provider's own server does not answer. */
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_DISCOVERY);
  for (guint i = 0; i < KABAR_DISCOVERY_N_SOURCES; i++)
    g_assert_nonnull (kabar_ui_test_find_label (shown, kabar_assistant_discovery_describe_source (i)));
  g_assert_true (kabar_ui_test_wait_for (label_shown_in_assistant,
                                         (gpointer) kabar_assistant_discovery_describe_state (KABAR_DISCOVERY_STEP_FOUND),
                                         WAIT_MS));
  g_assert_nonnull (kabar_ui_test_find_label (shown, kabar_assistant_discovery_describe_state (KABAR_DISCOVERY_STEP_RUNNING)));
  kabar_ui_test_save_screenshot (shown, "assistant-discovery", 50);

  /* Both kinds found; IMAP first. */
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHOICE);
  choice = KABAR_ASSISTANT_CHOICE (kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_CHOICE));
  g_assert_cmpuint (kabar_assistant_choice_get_n_kinds (choice), ==, 2);
  g_assert_cmpint (kabar_assistant_choice_get_kind (choice), ==, KABAR_INCOMING_IMAP);
  kabar_ui_test_save_screenshot (shown, "assistant-choice", 50);
  kabar_ui_test_click (forward_button ());

  /* The password was given: straight to the check. */
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHECK);
  g_assert_cmpuint (kabar_ui_assistant_pass_check ("assistant-check", "assistant-certificate"), ==, 2);
  title = g_strdup_printf (_("%s is ready"), ALICE);
  g_assert_nonnull (kabar_ui_test_find_label (shown, title));
  kabar_ui_test_save_screenshot (shown, "assistant-done", 50);

  account = kabar_ui_test_find_saved_account (app, ALICE);
  g_assert_nonnull (account);
  g_assert_cmpint (kabar_account_get_incoming_kind (account), ==, KABAR_INCOMING_IMAP);
  g_assert_cmpstr (kabar_account_get_host (account, KABAR_SERVER_INCOMING), ==, MAIL_HOST);
  g_assert_cmpstr (kabar_account_get_display_name (account), ==, "Alice Example");
  g_assert_nonnull (kabar_account_get_pinned_certificate (account, KABAR_SERVER_INCOMING));
  g_assert_nonnull (kabar_account_get_pinned_certificate (account, KABAR_SERVER_OUTGOING));
  g_assert_cmpuint (kabar_ui_assistant_count_account_files (app), ==, 1);
  assert_secret (account, KABAR_SECRET_IMAP, ALICE_PASSWORD);
  assert_secret (account, KABAR_SECRET_SMTP, ALICE_PASSWORD);

  kabar_ui_assistant_click (_("_Done"));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_assistant_gone, NULL, WAIT_MS));

  /* In the sidebar, and its INBOX in the list, as the server holds it. */
  kabar_ui_test_wait_for_inbox (window, ALICE, alice_subjects, G_N_ELEMENTS (alice_subjects), WAIT_MS);
  kabar_ui_test_save_screenshot (window, "assistant-imap-window", 50);
}

/* From the preferences, with the password given on the sign-in page:
 * POP, the server's copies deleted once downloaded. */
static void
test_assistant_sets_up_pop_account (void)
{
  GtkWidget *preferences = kabar_preferences_window_new (app);
  GtkWidget *row;
  GtkWidget *shown;
  g_autoptr(GPtrArray) checks = NULL;
  KabarAssistantChoice *choice;
  GtkWidget *sign_in;
  AdwEntryRow *password_row;
  KabarAccount *account;
  guint n_files = kabar_ui_assistant_count_account_files (app);

  gtk_window_present (GTK_WINDOW (preferences));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_widget_shown, preferences, WAIT_MS));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "accounts");
  row = kabar_ui_test_find_by_id (preferences, "add_account_row");
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_widget_shown, row, WAIT_MS));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, _("_Add Account…"));
  kabar_ui_test_click (row);
  shown = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (shown)) == GTK_WINDOW (preferences));

  enter_identity ("Bob Example", BOB, NULL);
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHOICE);
  choice = KABAR_ASSISTANT_CHOICE (kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_CHOICE));
  checks = kabar_ui_test_find_widgets (GTK_WIDGET (choice), GTK_TYPE_CHECK_BUTTON);
  g_assert_cmpuint (checks->len, ==, 2);
  /* What becomes of the server's copies is asked for POP only. */
  g_assert_null (kabar_ui_test_find_label (shown, _("Leave on the server")));
  kabar_ui_test_click (g_ptr_array_index (checks, 1));
  kabar_ui_test_wait_for_frame (shown);
  g_assert_nonnull (kabar_ui_test_find_label (shown, _("Leave on the server")));
  g_assert_cmpint (kabar_assistant_choice_get_kind (choice), ==, KABAR_INCOMING_POP3);
  g_assert_cmpint (kabar_assistant_choice_get_server_copies (choice), ==, KABAR_POP_LEAVE_ON_SERVER);
  adw_combo_row_set_selected (ADW_COMBO_ROW (kabar_ui_test_find_widget (GTK_WIDGET (choice), ADW_TYPE_COMBO_ROW)),
                              KABAR_POP_DELETE_AFTER_DOWNLOAD);
  g_assert_nonnull (kabar_ui_test_find_label (shown, _("Delete once downloaded")));
  kabar_ui_test_save_screenshot (shown, "assistant-choice-pop", 50);
  kabar_ui_test_click (forward_button ());

  /* No password yet: asked for on the sign-in page. */
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_SIGN_IN);
  sign_in = kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_SIGN_IN);
  g_assert_cmpstr (kabar_assistant_sign_in_get_state (KABAR_ASSISTANT_SIGN_IN (sign_in)), ==, "password");
  password_row = ADW_ENTRY_ROW (kabar_ui_test_find_widget (sign_in, ADW_TYPE_PASSWORD_ENTRY_ROW));
  type_into (password_row, BOB_PASSWORD);
  kabar_ui_test_save_screenshot (shown, "assistant-sign-in", 50);
  kabar_ui_assistant_click (_("C_ontinue"));

  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHECK);
  g_assert_cmpuint (kabar_ui_assistant_pass_check ("assistant-check", "assistant-certificate"), ==, 2);
  account = kabar_ui_test_find_saved_account (app, BOB);
  g_assert_nonnull (account);
  g_assert_cmpint (kabar_account_get_incoming_kind (account), ==, KABAR_INCOMING_POP3);
  g_assert_cmpint (kabar_account_get_pop_server_copies (account), ==, KABAR_POP_DELETE_AFTER_DOWNLOAD);
  assert_secret (account, KABAR_SECRET_POP3, BOB_PASSWORD);
  assert_secret (account, KABAR_SECRET_SMTP, BOB_PASSWORD);
  g_assert_cmpuint (kabar_ui_assistant_count_account_files (app), ==, n_files + 1);
  kabar_ui_assistant_click (_("_Done"));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_assistant_gone, NULL, WAIT_MS));
  gtk_window_destroy (GTK_WINDOW (preferences));

  /* Downloaded, then deleted from the server as chosen. */
  kabar_ui_test_wait_for_inbox (window, BOB, bob_subjects, G_N_ELEMENTS (bob_subjects), WAIT_MS);
  kabar_ui_bed_wait_server_count (bed, BOB, "INBOX", "ALL", 0, WAIT_MS);
}

/* Servers named under another domain need the user's word; Cancel then
 * leaves nothing behind. */
static void
test_assistant_asks_about_foreign_servers (void)
{
  GtkWidget *shown;
  AdwMessageDialog *dialog;
  guint n_accounts = g_list_model_get_n_items (G_LIST_MODEL (kabar_application_get_account_manager (app)));

  /* Where a GNOME user looks: the main menu. */
  g_assert_true (gtk_widget_activate_action (window, "app.add-account", NULL));
  shown = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT));
  enter_identity ("Carol", CAROL, "Sandi-Carol-1");

  dialog = ADW_MESSAGE_DIALOG (kabar_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("Use settings from another domain?"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "mail.elsewhere.test"));
  kabar_ui_test_save_screenshot (GTK_WIDGET (dialog), "assistant-foreign-hosts", 50);
  kabar_ui_test_click (kabar_ui_test_find_button (GTK_WIDGET (dialog), _("_Use These Servers")));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG),
                                         WAIT_MS));
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHOICE);

  /* Back goes to the address, past the look-up. */
  kabar_ui_test_click (kabar_ui_test_find_by_id (shown, "back_button"));
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_IDENTITY);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kabar_ui_assistant_identity_row (1))), ==, CAROL);

  /* Again, on to the check, and Cancel while it runs or waits. */
  enter_identity ("Carol", CAROL, "Sandi-Carol-1");
  dialog = ADW_MESSAGE_DIALOG (kabar_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  kabar_ui_test_click (kabar_ui_test_find_button (GTK_WIDGET (dialog), _("_Use These Servers")));
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHOICE);
  kabar_ui_test_click (forward_button ());
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHECK);
  kabar_ui_assistant_click (_("_Cancel"));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_assistant_gone, NULL, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (secrets_only_of_accounts, NULL, WAIT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (kabar_application_get_account_manager (app))), ==,
                    n_accounts);
  g_assert_cmpuint (kabar_ui_assistant_count_account_files (app), ==, n_accounts);
  g_assert_null (kabar_ui_test_find_saved_account (app, CAROL));
}

/* Nothing found: the manual settings, saying so. Cancel on the check
 * leaves nothing either. */
static void
test_assistant_falls_back_to_manual_settings (void)
{
  GtkWidget *shown;
  g_autofree char *note = NULL;
  guint n_accounts = g_list_model_get_n_items (G_LIST_MODEL (kabar_application_get_account_manager (app)));
  GtkWidget *sidebar_button = kabar_ui_test_find_by_id (window, "sidebar_add_account_button");

  /* The sidebar's own button, below the accounts. */
  g_assert_true (gtk_widget_is_drawable (sidebar_button));
  kabar_ui_test_click (sidebar_button);
  shown = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT));
  enter_identity ("Dewi", DEWI, "Sandi-Dewi-1");
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_MANUAL);
  note = g_strdup_printf (_("Kabar found no settings for %s. Your provider’s help pages give them: enter them below."),
                          "nowhere.test");
  g_assert_nonnull (kabar_ui_test_find_label (shown, note));
  kabar_ui_test_save_screenshot (shown, "assistant-manual", 50);

  kabar_ui_assistant_click (_("_Cancel"));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_assistant_gone, NULL, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (secrets_only_of_accounts, NULL, WAIT_MS));
  g_assert_cmpuint (kabar_ui_assistant_count_account_files (app), ==, n_accounts);
  g_assert_null (kabar_ui_test_find_saved_account (app, DEWI));
}

/* --- no secret on disk ---------------------------------------------------------------------- */

static void
test_assistant_writes_no_password_to_disk (void)
{
  const char *passwords[] = { ALICE_PASSWORD, BOB_PASSWORD, "Sandi-Carol-1", "Sandi-Dewi-1", NULL };
  guint n_files = 0;
  g_autoptr(GPtrArray) found = kabar_ui_test_grep_profile (passwords, &n_files);

  for (guint i = 0; i < found->len; i++)
    g_test_message ("A password is in %s", (const char *) g_ptr_array_index (found, i));
  g_assert_cmpuint (found->len, ==, 0);
  /* The search saw the account files and the mail stores. */
  g_assert_cmpuint (n_files, >=, 4);
}

/* --- the run ------------------------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSettings) settings = NULL;
  int status;

  /* The search for passwords sees all of the profile. */
  kabar_ui_test_use_private_home ();
  kabar_ui_test_init (&argc, &argv);

  bed = kabar_ui_bed_start (ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, NULL);
  kabar_ui_assistant_fill_inbox (bed, ALICE, "Ayu Pratiwi <ayu@example.org>", alice_subjects,
                                 G_N_ELEMENTS (alice_subjects));
  kabar_ui_assistant_fill_inbox (bed, BOB, "Helpdesk <help@example.org>", bob_subjects, G_N_ELEMENTS (bob_subjects));
  install_resolver ();
  settings = g_settings_new (KABAR_APPLICATION_ID);
  /* The tests never leave the machine. */
  g_settings_set_string (settings, "ispdb-url", "");

  app = kabar_ui_test_new_application ();
  window = kabar_ui_test_present_window (GTK_APPLICATION (app));

  g_test_add_func ("/assistant/opens-on-first-start", test_assistant_opens_on_first_start);
  g_test_add_func ("/assistant/sets-up-imap-account", test_assistant_sets_up_imap_account);
  g_test_add_func ("/assistant/sets-up-pop-account", test_assistant_sets_up_pop_account);
  g_test_add_func ("/assistant/asks-about-foreign-servers", test_assistant_asks_about_foreign_servers);
  g_test_add_func ("/assistant/falls-back-to-manual-settings", test_assistant_falls_back_to_manual_settings);
  g_test_add_func ("/assistant/writes-no-password-to-disk", test_assistant_writes_no_password_to_disk);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_object (&resolver);
  g_clear_object (&bed);
  return status;
}
