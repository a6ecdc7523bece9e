/* test-preferences.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The preferences window under Xvfb, on the real application with two
 * accounts on the bed's servers (Budi's with a password the server
 * refuses): each setting changes its key and back, the message view
 * follows prefer-plain-text and remote-content at once (a loopback HTTP
 * server counts what a message fetches), an edited account is saved and
 * its service replaced, signing in again stores the password, and a
 * removed account leaves no file, store or secret behind.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kabar-account-editor.h"
#include "kabar-application.h"
#include "kabar-bed-account.h"
#include "kabar-message-view.h"
#include "kabar-preferences-window.h"
#include "kabar-secrets.h"
#include "kabar-store-senders.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"

#define DEWI          "dewi@" KABAR_TEST_BED_DOMAIN
#define BUDI          "budi@" KABAR_TEST_BED_DOMAIN
#define DEWI_PASSWORD "Sandi-Dewi-123"
#define BUDI_PASSWORD "Sandi-Budi-123"
#define WAIT_MS       60000

static KabarTestBed *bed;
static KabarApplication *app;
static GtkWidget *window;
static GtkWidget *preferences;
static GSettings *settings;

/* --- finding what the user sees ------------------------------------------------------------ */

static gboolean
never (gpointer data)
{
  return FALSE;
}

static KabarPreferencesWindow *
open_preferences (void)
{
  if (preferences == NULL)
    {
      preferences = kabar_preferences_window_new (app);
      g_object_add_weak_pointer (G_OBJECT (preferences), (gpointer *) &preferences);
      g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preferences)) == GTK_WINDOW (window));
    }
  gtk_window_present (GTK_WINDOW (preferences));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_widget_shown, preferences, WAIT_MS));
  return KABAR_PREFERENCES_WINDOW (preferences);
}

static void
show_page (const char *name)
{
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (open_preferences ()), name);
  kabar_ui_test_wait_for_frame (preferences);
}

/* The button under root whose label (with its mnemonic) is label. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  GtkWidget *button = kabar_ui_test_find_button (root, label);

  if (button == NULL)
    g_error ("No button “%s”", label);
  return button;
}

static KabarMailService *
find_service (const char *account_id)
{
  GListModel *services = kabar_application_get_services (app);

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (services, i);

      if (g_strcmp0 (kabar_account_get_id (kabar_mail_service_get_account (service)), account_id) == 0)
        return service;
    }
  return NULL;
}

/* The accounts page's row of the account. */
static AdwActionRow *
find_account_row (const char *address)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (kabar_ui_test_find_by_id (preferences, "accounts_list"),
                                                          ADW_TYPE_ACTION_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      const char *subtitle = adw_action_row_get_subtitle (g_ptr_array_index (rows, i));

      if (subtitle != NULL && g_str_has_prefix (subtitle, address))
        return g_ptr_array_index (rows, i);
    }
  return NULL;
}

static gboolean
editor_gone (gpointer data)
{
  return kabar_ui_test_toplevel_gone (GSIZE_TO_POINTER (KABAR_TYPE_ACCOUNT_EDITOR));
}

/* Clicks the account's Edit button; the editor, shown. */
static GtkWidget *
open_editor (const char *address)
{
  AdwActionRow *row;
  g_autoptr(GPtrArray) buttons = NULL;
  GtkWidget *editor;

  show_page ("accounts");
  row = find_account_row (address);
  g_assert_nonnull (row);
  buttons = kabar_ui_test_find_widgets (GTK_WIDGET (row), GTK_TYPE_BUTTON);
  g_assert_cmpuint (buttons->len, ==, 1);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, 0)), address));
  kabar_ui_test_click (g_ptr_array_index (buttons, 0));
  editor = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_EDITOR));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (editor)) == GTK_WINDOW (preferences));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (editor)));
  return editor;
}

/* --- the settings -------------------------------------------------------------------------- */

typedef struct
{
  const char *key;
  gboolean    value;
} Key;

static gboolean
key_is (gpointer data)
{
  Key *key = data;

  return g_settings_get_boolean (settings, key->key) == key->value;
}

/* The switch moves to its new place before it changes. */
static void
flip (GtkWidget  *toggle,
      const char *key,
      gboolean    expected)
{
  Key wanted = { key, expected };

  kabar_ui_test_click (toggle);
  g_assert_true (kabar_ui_test_wait_for (key_is, &wanted, WAIT_MS));
}

static void
check_switch (const char *id,
              const char *key)
{
  GtkWidget *toggle = kabar_ui_test_find_by_id (preferences, id);
  gboolean before = g_settings_get_boolean (settings, key);

  g_assert_cmpint (gtk_switch_get_active (GTK_SWITCH (toggle)), ==, before);
  flip (toggle, key, !before);
  flip (toggle, key, before);
  /* And the other way: a change from elsewhere shows. */
  g_settings_set_boolean (settings, key, !before);
  g_assert_cmpint (gtk_switch_get_active (GTK_SWITCH (toggle)), ==, !before);
  g_settings_set_boolean (settings, key, before);
}

static void
check_spin (const char *id,
            const char *key)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (kabar_ui_test_find_by_id (preferences, id));
  guint before = g_settings_get_uint (settings, key);

  g_assert_cmpuint ((guint) gtk_spin_button_get_value (spin), ==, before);
  gtk_spin_button_spin (spin, GTK_SPIN_STEP_FORWARD, 1);
  g_assert_cmpuint (g_settings_get_uint (settings, key), ==, before + 1);
  gtk_spin_button_spin (spin, GTK_SPIN_STEP_BACKWARD, 1);
  g_assert_cmpuint (g_settings_get_uint (settings, key), ==, before);
}

static void
check_choice (const char         *id,
              const char         *key,
              const char * const *values)
{
  AdwComboRow *row = ADW_COMBO_ROW (kabar_ui_test_find_by_id (preferences, id));
  g_autofree char *before = g_settings_get_string (settings, key);

  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (row)), ==, g_strv_length ((char **) values));
  for (guint i = 0; values[i] != NULL; i++)
    {
      g_autofree char *value = NULL;

      adw_combo_row_set_selected (row, i);
      value = g_settings_get_string (settings, key);
      g_assert_cmpstr (value, ==, values[i]);
    }
  g_settings_set_string (settings, key, before);
  g_assert_cmpstr (values[adw_combo_row_get_selected (row)], ==, before);
}

static void
test_settings_change_their_keys (void)
{
  static const char * const remote[] = { "never", "senders", "always", NULL };
  static const char * const reply[] = { "above", "below", NULL };
  static const char * const pages[] = { "accounts", "reading", "composing", "notifications" };

  show_page ("reading");
  check_switch ("prefer_plain_switch", "prefer-plain-text");
  check_switch ("conversations_switch", "conversations");
  check_spin ("mark_read_spin", "mark-read-delay");
  check_choice ("remote_content_row", "remote-content", remote);
  show_page ("composing");
  check_switch ("rich_text_switch", "compose-rich-text");
  check_choice ("reply_position_row", "reply-position", reply);
  show_page ("notifications");
  check_switch ("notifications_switch", "notifications");
  check_spin ("check_interval_spin", "check-interval");

  /* Every control has a name for assistive technologies, and the spell
   * checker Debian 12 lacks is not offered. */
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("preferences-%s", pages[i]);

      show_page (pages[i]);
      /* The switcher's buttons fade to their new state; nothing to wait
       * on but the time it takes. */
      kabar_ui_test_wait_for (never, NULL, 400);
      kabar_ui_test_save_screenshot (preferences, name, 0);
    }
  g_assert_null (kabar_ui_test_find_label (preferences, _("Spell Checking")));
}

/* --- reading: plain text ------------------------------------------------------------------- */

static GBytes *
alternative_message (void)
{
  static const char raw[] =
    "From: Ayu Pratiwi <ayu@example.org>\r\n"
    "To: " DEWI "\r\n"
    "Subject: Both kinds\r\n"
    "Date: Sun, 22 Nov 2026 09:00:00 +0000\r\n"
    "Message-ID: <both@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/alternative; boundary=\"b\"\r\n"
    "\r\n"
    "--b\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Words of the plain part.\r\n"
    "--b\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<html><body><p>Words of the <b>HTML</b> part.</p></body></html>\r\n"
    "--b--\r\n";

  return g_bytes_new_static (raw, sizeof raw - 1);
}

typedef struct
{
  gboolean  done;
  char     *result;
} Evaluation;

static void
on_evaluated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Evaluation *evaluation = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result, &error);

  g_assert_no_error (error);
  evaluation->result = jsc_value_to_string (value);
  evaluation->done = TRUE;
}

static gboolean
evaluation_done (gpointer data)
{
  return ((Evaluation *) data)->done;
}

/* The text the page shows, asked by Kabar's own script. */
static char *
shown_text (KabarMessageView *view)
{
  Evaluation evaluation = { FALSE, NULL };

  webkit_web_view_evaluate_javascript (kabar_message_view_get_web_view (view), "document.body.innerText", -1,
                                       NULL, NULL, NULL, on_evaluated, &evaluation);
  g_assert_true (kabar_ui_test_wait_for (evaluation_done, &evaluation, WAIT_MS));
  return evaluation.result;
}

static gboolean
view_loaded (gpointer view)
{
  return kabar_message_view_is_loaded (view) && gtk_widget_get_mapped (view);
}

typedef struct
{
  KabarMessageView    *view;
  KabarMessageDisplay *before;
} Rebuilt;

static gboolean
view_rebuilt (gpointer data)
{
  Rebuilt *rebuilt = data;

  return kabar_message_view_get_display (rebuilt->view) != rebuilt->before && view_loaded (rebuilt->view);
}

static GtkWidget *
show_in_window (GtkWidget *view)
{
  GtkWidget *view_window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (view_window), 700, 500);
  gtk_window_set_child (GTK_WINDOW (view_window), view);
  gtk_window_present (GTK_WINDOW (view_window));
  return view_window;
}

/* Flips the switch in the preferences, as the user does, and waits for
 * the view to show the message again. */
static void
flip_prefer_plain (KabarMessageView *view)
{
  Rebuilt rebuilt = { view, kabar_message_view_get_display (view) };

  show_page ("reading");
  flip (kabar_ui_test_find_by_id (preferences, "prefer_plain_switch"), "prefer-plain-text",
        !g_settings_get_boolean (settings, "prefer-plain-text"));
  g_assert_true (kabar_ui_test_wait_for (view_rebuilt, &rebuilt, WAIT_MS));
}

static void
assert_shows (KabarMessageView *view,
              const char       *part)
{
  g_autofree char *text = shown_text (view);
  g_autofree char *wanted = g_strdup_printf ("Words of the %s part.", part);

  g_assert_nonnull (strstr (text, wanted));
  g_assert_null (strstr (text, g_str_equal (part, "plain") ? "HTML" : "plain"));
}

static void
test_prefer_plain_text_shows_the_text_part (void)
{
  GtkWidget *view = kabar_message_view_new ();
  GtkWidget *view_window = show_in_window (view);
  g_autoptr(GError) error = NULL;
  /* As the reading pane and the message window build it. */
  g_autoptr(KabarMessageDisplay) display = kabar_message_display_new (alternative_message (),
                                                                       KABAR_DISPLAY_PREFER_HTML, "en", &error);

  g_assert_no_error (error);
  g_assert_false (g_settings_get_boolean (settings, "prefer-plain-text"));
  kabar_message_view_set_display (KABAR_MESSAGE_VIEW (view), display);
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view, WAIT_MS));
  assert_shows (KABAR_MESSAGE_VIEW (view), "HTML");

  /* At once, for the message shown. */
  flip_prefer_plain (KABAR_MESSAGE_VIEW (view));
  g_assert_true (g_settings_get_boolean (settings, "prefer-plain-text"));
  assert_shows (KABAR_MESSAGE_VIEW (view), "plain");

  /* And for the next message, built as before. */
  kabar_message_view_set_display (KABAR_MESSAGE_VIEW (view), NULL);
  kabar_message_view_set_display (KABAR_MESSAGE_VIEW (view), display);
  {
    Rebuilt rebuilt = { KABAR_MESSAGE_VIEW (view), display };

    g_assert_true (kabar_ui_test_wait_for (view_rebuilt, &rebuilt, WAIT_MS));
  }
  assert_shows (KABAR_MESSAGE_VIEW (view), "plain");

  flip_prefer_plain (KABAR_MESSAGE_VIEW (view));
  g_assert_false (g_settings_get_boolean (settings, "prefer-plain-text"));
  assert_shows (KABAR_MESSAGE_VIEW (view), "HTML");
  gtk_window_destroy (GTK_WINDOW (view_window));
}

/* --- reading: remote content --------------------------------------------------------------- */

/* Counts the requests for each path, as test-message-privacy's tracker. */
typedef struct
{
  GSocketService *service;
  guint16         port;
  GHashTable     *requests;
} Tracker;

static void
on_request_line (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GSocketConnection) connection = user_data;
  Tracker *tracker = g_object_get_data (G_OBJECT (connection), "tracker");
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  g_auto(GStrv) words = line != NULL ? g_strsplit (line, " ", 3) : NULL;
  static const char response[] =
    "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: 43\r\nConnection: close\r\n\r\n"
    "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\x21\xf9\x04\x01\x00\x00\x00\x00"
    "\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b";

  if (words != NULL && g_strv_length (words) >= 2)
    g_hash_table_insert (tracker->requests, g_strdup (words[1]),
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (tracker->requests, words[1])) + 1));
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), response,
                             sizeof response - 1, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  GDataInputStream *input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));

  g_object_set_data (G_OBJECT (connection), "tracker", user_data);
  g_object_set_data_full (G_OBJECT (connection), "input", input, g_object_unref);
  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, on_request_line, g_object_ref (connection));
  return TRUE;
}

static Tracker *
tracker_start (void)
{
  Tracker *tracker = g_new0 (Tracker, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  tracker->service = g_socket_service_new ();
  tracker->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (tracker->service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                                &bound, &error));
  g_assert_no_error (error);
  tracker->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (tracker->service, "incoming", G_CALLBACK (on_incoming), tracker);
  g_socket_service_start (tracker->service);
  return tracker;
}

static void
tracker_free (Tracker *tracker)
{
  g_socket_service_stop (tracker->service);
  g_socket_listener_close (G_SOCKET_LISTENER (tracker->service));
  g_object_unref (tracker->service);
  g_hash_table_unref (tracker->requests);
  g_free (tracker);
}

typedef struct
{
  Tracker    *tracker;
  const char *path;
} Awaited;

static gboolean
path_requested (gpointer data)
{
  Awaited *awaited = data;

  return g_hash_table_lookup (awaited->tracker->requests, awaited->path) != NULL;
}

/* An HTML message from a friend with one remote image, at /NAME.gif. */
static KabarMessageDisplay *
image_message (Tracker    *tracker,
               const char *name)
{
  g_autofree char *raw = g_strdup_printf ("From: Friend <friend@example.org>\r\n"
                                          "To: " DEWI "\r\n"
                                          "Subject: A picture\r\n"
                                          "Date: Sun, 22 Nov 2026 09:00:00 +0000\r\n"
                                          "Message-ID: <%s@example.org>\r\n"
                                          "MIME-Version: 1.0\r\n"
                                          "Content-Type: text/html; charset=utf-8\r\n"
                                          "\r\n"
                                          "<html><body><p>Look:</p>"
                                          "<img src=\"http://127.0.0.1:%u/%s.gif\" width=\"8\" height=\"8\">"
                                          "</body></html>\r\n", name, tracker->port, name);
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&raw), strlen (raw));
  g_autoptr(GError) error = NULL;
  KabarMessageDisplay *display = kabar_message_display_new (bytes, KABAR_DISPLAY_PREFER_HTML, "en", &error);

  g_assert_no_error (error);
  return display;
}

static void
choose_remote_content (guint choice)
{
  show_page ("reading");
  adw_combo_row_set_selected (ADW_COMBO_ROW (kabar_ui_test_find_by_id (preferences, "remote_content_row")), choice);
}

static void
show_message (KabarMessageView *view,
              Tracker          *tracker,
              const char       *name)
{
  g_autoptr(KabarMessageDisplay) display = image_message (tracker, name);

  kabar_message_view_set_display (view, display);
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view, WAIT_MS));
}

static void
test_remote_content_never_and_always (void)
{
  Tracker *tracker = tracker_start ();
  g_autofree char *directory = g_dir_make_tmp ("kabar-preferences-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (directory, "store.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (path, &error);
  GtkWidget *view = kabar_message_view_new ();
  GtkWidget *view_window = show_in_window (view);
  GtkWidget *revealer;
  Awaited always = { tracker, "/always.gif" };
  Awaited once = { tracker, "/never.gif" };
  Awaited friend = { tracker, "/senders.gif" };

  g_assert_no_error (error);
  /* The friend was chosen before: only "Never" may hold it back. */
  g_assert_true (kabar_store_allow_remote_content (store, "friend@example.org", &error));
  g_assert_no_error (error);
  kabar_message_view_set_store (KABAR_MESSAGE_VIEW (view), store);
  /* The bar that says remote content was blocked. */
  revealer = gtk_widget_get_ancestor (find_button (view, _("Show Once")), GTK_TYPE_REVEALER);

  /* Always: loaded without asking, no bar. */
  choose_remote_content (2);
  show_message (KABAR_MESSAGE_VIEW (view), tracker, "always");
  g_assert_true (kabar_ui_test_wait_for (path_requested, &always, WAIT_MS));
  g_assert_true (kabar_message_view_get_remote_content_shown (KABAR_MESSAGE_VIEW (view)));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));

  /* Never: nothing, even from the chosen friend, until Show Once; the bar
   * offers nothing else. */
  choose_remote_content (0);
  show_message (KABAR_MESSAGE_VIEW (view), tracker, "never");
  kabar_ui_test_wait_for (never, NULL, 1500);
  g_assert_false (path_requested (&once));
  g_assert_false (kabar_message_view_get_remote_content_shown (KABAR_MESSAGE_VIEW (view)));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  kabar_ui_test_wait_for_frame (view);
  g_assert_false (gtk_widget_is_drawable (find_button (view, _("Always for This Sender"))));
  /* Off, not only out of sight: its key does nothing. */
  gtk_widget_activate_action (view, "message.always-for-sender", NULL);
  g_assert_false (kabar_message_view_get_remote_content_shown (KABAR_MESSAGE_VIEW (view)));
  kabar_ui_test_save_screenshot (view_window, "preferences-remote-never", 0);
  kabar_ui_test_click (find_button (view, _("Show Once")));
  g_assert_true (kabar_ui_test_wait_for (path_requested, &once, WAIT_MS));

  /* From chosen senders (the default): the friend's loads. */
  choose_remote_content (1);
  show_message (KABAR_MESSAGE_VIEW (view), tracker, "senders");
  g_assert_true (kabar_ui_test_wait_for (path_requested, &friend, WAIT_MS));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));

  gtk_window_destroy (GTK_WINDOW (view_window));
  g_clear_object (&store);
  tracker_free (tracker);
  {
    g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (directory, name, NULL);

        g_unlink (file);
      }
  }
  g_rmdir (directory);
}

/* --- accounts ------------------------------------------------------------------------------ */

typedef struct
{
  const char   *id;
  gpointer      before;
} Replaced;

static gboolean
account_replaced (gpointer data)
{
  Replaced *replaced = data;
  KabarAccount *account = kabar_account_manager_lookup (kabar_application_get_account_manager (app), replaced->id);

  return account != NULL && account != replaced->before;
}

static gboolean
service_replaced (gpointer data)
{
  Replaced *replaced = data;
  KabarMailService *service = find_service (replaced->id);

  return service != NULL && service != replaced->before;
}

static gboolean
loaded (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_manager_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_account_manager_load_finish (KABAR_ACCOUNT_MANAGER (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* The account as its file says, through a manager of its own. */
static KabarAccount *
read_back (const char *id)
{
  KabarAccountManager *listed = kabar_application_get_account_manager (app);
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (kabar_account_manager_get_directory (listed));
  gboolean done = FALSE;
  KabarAccount *account;

  kabar_account_manager_load_async (manager, NULL, on_manager_loaded, &done);
  g_assert_true (kabar_ui_test_wait_for (loaded, &done, WAIT_MS));
  account = kabar_account_manager_lookup (manager, id);
  return account != NULL ? g_object_ref (account) : NULL;
}

static GtkWidget *
identity_entry (GtkWidget *editor,
                guint      identity,
                guint      entry)
{
  g_autoptr(GPtrArray) expanders = kabar_ui_test_find_widgets (editor, ADW_TYPE_EXPANDER_ROW);
  g_autoptr(GPtrArray) entries = NULL;

  g_assert_cmpuint (identity, <, expanders->len);
  entries = kabar_ui_test_find_widgets (g_ptr_array_index (expanders, identity), ADW_TYPE_ENTRY_ROW);
  g_assert_cmpuint (entries->len, ==, 2);
  return g_ptr_array_index (entries, entry);
}

static GtkTextBuffer *
identity_signature (GtkWidget *editor,
                    guint      identity)
{
  g_autoptr(GPtrArray) expanders = kabar_ui_test_find_widgets (editor, ADW_TYPE_EXPANDER_ROW);

  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (kabar_ui_test_find_widget (g_ptr_array_index (expanders, identity),
                                                                             GTK_TYPE_TEXT_VIEW)));
}

/* A bad value marks its row and turns Save off; the good one back, on. */
static void
check_refused (GtkWidget  *editor,
               const char *id,
               const char *bad)
{
  GtkWidget *row = kabar_ui_test_find_by_id (editor, id);
  GtkWidget *save = kabar_ui_test_find_by_id (editor, "save_button");
  g_autofree char *good = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  g_assert_true (gtk_widget_is_sensitive (save));
  gtk_editable_set_text (GTK_EDITABLE (row), bad);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_is_sensitive (save));
  g_assert_nonnull (kabar_account_editor_get_problem (KABAR_ACCOUNT_EDITOR (editor)));
  gtk_editable_set_text (GTK_EDITABLE (row), good);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_is_sensitive (save));
}

static gboolean
sidebar_title_is (gpointer title)
{
  KabarAccountItem *item = kabar_ui_test_find_account (window, DEWI);

  return item != NULL && g_strcmp0 (kabar_account_item_get_title (item), title) == 0;
}

static void
test_editing_an_account_saves_it (void)
{
  KabarAccount *account = kabar_ui_test_find_saved_account (app, DEWI);
  g_autofree char *id = g_strdup (kabar_account_get_id (account));
  Replaced replaced_account = { id, account };
  Replaced replaced_service = { id, find_service (id) };
  g_autofree char *alias = g_strdup ("dewi.lestari@" KABAR_TEST_BED_DOMAIN);
  g_autoptr(KabarAccount) saved = NULL;
  guint16 port = kabar_account_get_port (account, KABAR_SERVER_INCOMING);
  GtkWidget *editor;

  g_assert_nonnull (replaced_service.before);
  editor = open_editor (DEWI);
  kabar_ui_test_save_screenshot (editor, "preferences-account-editor", 0);
  {
    GtkAdjustment *scroll = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (kabar_ui_test_find_widget (editor, GTK_TYPE_SCROLLED_WINDOW)));

    /* The servers, the password and Remove, further down. */
    gtk_adjustment_set_value (scroll, gtk_adjustment_get_upper (scroll));
    kabar_ui_test_save_screenshot (editor, "preferences-account-editor-servers", 0);
    gtk_adjustment_set_value (scroll, 0);
  }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (identity_entry (editor, 0, 0))), ==, "Dewi Lestari");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (identity_entry (editor, 0, 1))), ==, DEWI);

  /* Checked as typed. */
  check_refused (editor, "incoming_port_row", "99999");
  check_refused (editor, "incoming_port_row", "imap");
  check_refused (editor, "outgoing_port_row", "0");
  check_refused (editor, "incoming_host_row", "");
  check_refused (editor, "outgoing_host_row", " ");
  check_refused (editor, "incoming_port_row", "");

  /* A new name, a signature, and an alias with its own. */
  gtk_editable_set_text (GTK_EDITABLE (identity_entry (editor, 0, 0)), "Dewi Lestari Putri");
  gtk_text_buffer_set_text (identity_signature (editor, 0), "Dewi\nTim Kabar", -1);
  kabar_ui_test_click (kabar_ui_test_find_by_id (editor, "add_alias_button"));
  g_assert_false (gtk_widget_is_sensitive (kabar_ui_test_find_by_id (editor, "save_button")));
  gtk_editable_set_text (GTK_EDITABLE (identity_entry (editor, 1, 1)), alias);
  gtk_text_buffer_set_text (identity_signature (editor, 1), "Dewi (pribadi)", -1);
  kabar_ui_test_save_screenshot (editor, "preferences-account-editor-alias", 0);
  kabar_ui_test_click (kabar_ui_test_find_by_id (editor, "save_button"));

  /* Saved, the copy took the account's place, the editor closed, and the
   * application runs a new service with the new settings. */
  g_assert_true (kabar_ui_test_wait_for (account_replaced, &replaced_account, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (editor_gone, NULL, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (service_replaced, &replaced_service, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (sidebar_title_is, (gpointer) "Dewi Lestari Putri", WAIT_MS));
  g_assert_nonnull (find_account_row (DEWI));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (find_account_row (DEWI))), ==,
                   "Dewi Lestari Putri");

  saved = read_back (id);
  g_assert_nonnull (saved);
  g_assert_cmpstr (kabar_account_get_display_name (saved), ==, "Dewi Lestari Putri");
  g_assert_cmpuint (kabar_account_get_n_identities (saved), ==, 2);
  g_assert_cmpstr (kabar_account_get_identity_signature (saved, 0), ==, "Dewi\nTim Kabar");
  g_assert_cmpstr (kabar_account_get_identity_name (saved, 1), ==, "Dewi Lestari Putri");
  g_assert_cmpstr (kabar_account_get_identity_address (saved, 1), ==, alias);
  g_assert_cmpstr (kabar_account_get_identity_signature (saved, 1), ==, "Dewi (pribadi)");
  /* What the user put back is as it was. */
  g_assert_cmpuint (kabar_account_get_port (saved, KABAR_SERVER_INCOMING), ==, port);

  /* The alias removed again. */
  editor = open_editor (DEWI);
  {
    g_autoptr(GPtrArray) expanders = kabar_ui_test_find_widgets (editor, ADW_TYPE_EXPANDER_ROW);

    /* The alias folded, the account's own open. */
    g_assert_cmpuint (expanders->len, ==, 2);
    g_assert_true (adw_expander_row_get_expanded (g_ptr_array_index (expanders, 0)));
    g_assert_false (adw_expander_row_get_expanded (g_ptr_array_index (expanders, 1)));
    adw_expander_row_set_expanded (g_ptr_array_index (expanders, 1), TRUE);
    g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_widget_shown, find_button (editor, _("_Remove Alias")),
                                           WAIT_MS));
  }
  kabar_ui_test_click (find_button (editor, _("_Remove Alias")));
  {
    g_autoptr(GPtrArray) expanders = kabar_ui_test_find_widgets (editor, ADW_TYPE_EXPANDER_ROW);

    g_assert_cmpuint (expanders->len, ==, 1);
  }
  replaced_account.before = kabar_ui_test_find_saved_account (app, DEWI);
  kabar_ui_test_click (kabar_ui_test_find_by_id (editor, "save_button"));
  g_assert_true (kabar_ui_test_wait_for (account_replaced, &replaced_account, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (editor_gone, NULL, WAIT_MS));
  g_clear_object (&saved);
  saved = read_back (id);
  g_assert_cmpuint (kabar_account_get_n_identities (saved), ==, 1);
  g_assert_cmpstr (kabar_account_get_identity_signature (saved, 0), ==, "Dewi\nTim Kabar");
}

static gboolean
service_online (gpointer address)
{
  KabarAccount *account = kabar_ui_test_find_saved_account (app, address);
  KabarMailService *service = account != NULL ? find_service (kabar_account_get_id (account)) : NULL;

  return service != NULL && kabar_mail_service_get_status (service) == KABAR_MAIL_SERVICE_STATUS_ONLINE;
}

static gboolean
service_refused (gpointer address)
{
  KabarAccount *account = kabar_ui_test_find_saved_account (app, address);
  KabarMailService *service = account != NULL ? find_service (kabar_account_get_id (account)) : NULL;

  return service != NULL && kabar_mail_service_get_status (service) == KABAR_MAIL_SERVICE_STATUS_ERROR;
}

static void
test_signing_in_again_stores_the_password (void)
{
  const char *id = kabar_account_get_id (kabar_ui_test_find_saved_account (app, BUDI));
  GtkWidget *editor;
  GtkWindow *dialog;
  g_autofree char *imap = NULL;
  g_autofree char *smtp = NULL;

  g_assert_true (kabar_ui_test_wait_for (service_refused, (gpointer) BUDI, WAIT_MS));
  open_preferences ();
  show_page ("accounts");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (find_account_row (BUDI)),
                            _("The server refused the password.")));
  editor = open_editor (BUDI);
  kabar_ui_test_click (kabar_ui_test_find_by_id (editor, "sign_in_button"));
  dialog = kabar_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  gtk_editable_set_text (GTK_EDITABLE (kabar_ui_test_find_widget (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW)),
                         BUDI_PASSWORD);
  kabar_ui_test_save_screenshot (GTK_WIDGET (dialog), "preferences-sign-in", 0);
  kabar_ui_test_click (find_button (GTK_WIDGET (dialog), _("_Sign In")));

  g_assert_true (kabar_ui_test_wait_for (service_online, (gpointer) BUDI, WAIT_MS));
  imap = kabar_ui_test_lookup_secret (id, KABAR_SECRET_IMAP);
  smtp = kabar_ui_test_lookup_secret (id, KABAR_SECRET_SMTP);
  g_assert_cmpstr (imap, ==, BUDI_PASSWORD);
  g_assert_cmpstr (smtp, ==, BUDI_PASSWORD);
  kabar_ui_test_click (kabar_ui_test_find_by_id (editor, "sign_in_button"));
  dialog = kabar_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  kabar_ui_test_click (find_button (GTK_WIDGET (dialog), _("_Cancel")));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG),
                                         WAIT_MS));
  kabar_ui_test_click (kabar_ui_test_find_by_id (editor, "cancel_button"));
  g_assert_true (kabar_ui_test_wait_for (editor_gone, NULL, WAIT_MS));
}

static gboolean
account_gone (gpointer address)
{
  return kabar_ui_test_find_saved_account (app, address) == NULL && kabar_ui_test_find_account (window, address) == NULL
         && find_account_row (address) == NULL;
}

static void
test_removing_an_account_asks_then_removes_everything (void)
{
  KabarAccount *account = kabar_ui_test_find_saved_account (app, BUDI);
  g_autofree char *id = g_strdup (kabar_account_get_id (account));
  g_autofree char *store = kabar_mail_service_dup_default_store_path (account);
  g_autofree char *file_name = g_strdup_printf ("%s.account", id);
  g_autofree char *file = g_build_filename (kabar_account_manager_get_directory (kabar_application_get_account_manager (app)),
                                            file_name, NULL);
  g_autofree char *imap = NULL;
  g_autofree char *smtp = NULL;
  GtkWidget *editor;
  GtkWindow *dialog;

  g_assert_true (g_file_test (store, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_nonnull (kabar_ui_test_find_account (window, BUDI));

  /* Asked, and the answer is no: nothing changes. */
  editor = open_editor (BUDI);
  kabar_ui_test_click (kabar_ui_test_find_by_id (editor, "remove_button"));
  dialog = kabar_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (editor));
  kabar_ui_test_save_screenshot (GTK_WIDGET (dialog), "preferences-remove-account", 0);
  kabar_ui_test_click (find_button (GTK_WIDGET (dialog), _("_Cancel")));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG),
                                         WAIT_MS));
  g_assert_true (kabar_ui_test_find_saved_account (app, BUDI) == account);

  kabar_ui_test_click (kabar_ui_test_find_by_id (editor, "remove_button"));
  dialog = kabar_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  kabar_ui_test_click (find_button (GTK_WIDGET (dialog), _("_Remove")));
  g_assert_true (kabar_ui_test_wait_for (account_gone, (gpointer) BUDI, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (editor_gone, NULL, WAIT_MS));
  g_assert_null (find_service (id));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (store, G_FILE_TEST_EXISTS));
  imap = kabar_ui_test_lookup_secret (id, KABAR_SECRET_IMAP);
  smtp = kabar_ui_test_lookup_secret (id, KABAR_SECRET_SMTP);
  g_assert_null (imap);
  g_assert_null (smtp);
  /* Dewi's stays. */
  g_assert_nonnull (kabar_ui_test_find_saved_account (app, DEWI));
  g_assert_true (kabar_ui_test_wait_for (service_online, (gpointer) DEWI, WAIT_MS));
  kabar_ui_test_save_screenshot (preferences, "preferences-accounts-after-removal", 0);
}

/* --- the run ------------------------------------------------------------------------------- */

static void
write_accounts (void)
{
  g_autoptr(KabarAccount) dewi = NULL;
  g_autoptr(KabarAccount) budi = NULL;
  g_autoptr(GError) error = NULL;

  /* Dewi's first in the list, which is by file name, the random id. */
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

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  kabar_ui_test_init (&argc, &argv);

  g_test_add_func ("/preferences/settings-change-their-keys", test_settings_change_their_keys);
  g_test_add_func ("/preferences/prefer-plain-text-shows-the-text-part", test_prefer_plain_text_shows_the_text_part);
  g_test_add_func ("/preferences/remote-content-never-and-always", test_remote_content_never_and_always);
  g_test_add_func ("/preferences/editing-an-account-saves-it", test_editing_an_account_saves_it);
  g_test_add_func ("/preferences/signing-in-again-stores-the-password", test_signing_in_again_stores_the_password);
  g_test_add_func ("/preferences/removing-an-account-asks-then-removes-everything",
                   test_removing_an_account_asks_then_removes_everything);

  bed = kabar_ui_bed_start (DEWI, DEWI_PASSWORD, BUDI, BUDI_PASSWORD, NULL);
  write_accounts ();
  settings = g_settings_new (KABAR_APPLICATION_ID);

  app = kabar_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  window = kabar_ui_test_present_window (GTK_APPLICATION (app));

  status = g_test_run ();

  if (preferences != NULL)
    gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&settings);
  g_clear_object (&app);
  g_clear_object (&bed);
  return status;
}
