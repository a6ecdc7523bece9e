/* test-notify.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * New-mail notifications, end to end: an account on the bed's Dovecot,
 * mail delivered through Postfix, the real application, and a stand-in
 * for the desktop's notification server (org.gtk.Notifications, which
 * GApplication's "gtk" backend talks to) on the session's private bus that
 * records what Kabar sends: title, body, action and target, one id an
 * account, withdrawn once read.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-application.h"
#include "kabar-bed-account.h"
#include "kabar-folder-list.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-notifications.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

#define DEWI          "dewi@" KABAR_TEST_BED_DOMAIN
#define DEWI_PASSWORD "Sandi-Dewi-123"
#define WAIT_MS       60000

static KabarTestBed *bed;
static KabarApplication *app;
static GtkWidget *window;
static char *account_id;

/* What the stand-in notification server recorded (kabar-ui-notifications.h). */
static GPtrArray *added;
static GPtrArray *removed;

/* --- the mailbox and the application ------------------------------------------------------ */

static void
deliver (const char *from,
         const char *subject)
{
  g_autoptr(GBytes) message = kabar_ui_bed_message_new (from, "Dewi Lestari <" DEWI ">", subject, "Halo.",
                                                        g_get_real_time () / G_USEC_PER_SEC, NULL);
  g_autoptr(GError) error = NULL;

  kabar_test_bed_deliver (bed, "someone@example.org", DEWI, message, &error);
  g_assert_no_error (error);
}

static KabarFolderList *
folder_list (void)
{
  return KABAR_FOLDER_LIST (kabar_ui_test_find_widget (window, KABAR_TYPE_FOLDER_LIST));
}

static KabarFolderItem *
folder_item (const char *path)
{
  return kabar_ui_test_find_folder (window, NULL, path);
}

static KabarMailService *
service (void)
{
  g_autoptr(KabarMailService) first =
    g_list_model_get_item (kabar_application_get_services (app), 0);

  return first;
}

static gboolean
window_is_mapped (gpointer data)
{
  window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
  return window != NULL && gtk_widget_get_mapped (window);
}

static gboolean
inbox_holds (gpointer data)
{
  KabarFolderItem *inbox = folder_item ("INBOX");

  return inbox != NULL && kabar_folder_item_get_total_count (inbox) == GPOINTER_TO_UINT (data)
         && kabar_mail_service_get_status (service ()) == KABAR_MAIL_SERVICE_STATUS_ONLINE;
}

static void
wait_for_inbox (guint count)
{
  g_assert_true (kabar_ui_test_wait_for (inbox_holds, GUINT_TO_POINTER (count), WAIT_MS));
}

static gboolean
has_at_least (gpointer data)
{
  GPtrArray **calls = data;

  return calls[0]->len >= GPOINTER_TO_UINT (calls[1]);
}

static void
wait_for_calls (GPtrArray *calls,
                guint      n)
{
  gpointer want[] = { calls, GUINT_TO_POINTER (n) };

  g_assert_true (kabar_ui_test_wait_for (has_at_least, want, WAIT_MS));
}

/* The user looks at another folder: INBOX's news is worth a notification. */
static void
show_other_folder (void)
{
  KabarFolderItem *projects = folder_item ("Projects");

  g_assert_nonnull (projects);
  g_assert_true (kabar_folder_list_select_folder (folder_list (), projects));
}

/* The message the notification's action names, from the store. */
static KabarMessageSummary *
target_message (GVariant *notification,
                gint64   *folder_id)
{
  g_autoptr(GVariant) target = g_variant_lookup_value (notification, "default-action-target",
                                                        NULL);
  const char *target_account = NULL;
  gint64 message_id = 0;
  g_autoptr(GError) error = NULL;
  KabarMessageSummary *summary;

  g_assert_nonnull (target);
  g_assert_true (g_variant_is_of_type (target, G_VARIANT_TYPE ("(sxx)")));
  g_variant_get (target, "(&sxx)", &target_account, folder_id, &message_id);
  g_assert_cmpstr (target_account, ==, account_id);
  summary = kabar_store_get_message (kabar_mail_service_get_store (service ()), message_id, &error);
  g_assert_no_error (error);
  return summary;
}

/* --- tests ---------------------------------------------------------------------------- */

static void
test_one_message_shows_sender_and_subject (void)
{
  g_autofree char *id = g_strconcat ("new-mail-", account_id, NULL);
  g_autoptr(KabarMessageSummary) summary = NULL;
  KabarFolderItem *inbox = folder_item ("INBOX");
  guint before = added->len;
  gint64 folder_id = 0;
  KabarUiNotification *call;

  show_other_folder ();
  deliver ("Ayu Pratiwi <ayu@example.org>", "Rapat tim Jumat pagi");
  wait_for_calls (added, before + 1);
  wait_for_inbox (4);

  call = g_ptr_array_index (added, before);
  g_assert_cmpstr (call->app_id, ==, KABAR_APPLICATION_ID);
  g_assert_cmpstr (call->id, ==, id);
  g_assert_cmpstr (kabar_ui_notification_lookup (call, "title"), ==, "Ayu Pratiwi");
  g_assert_cmpstr (kabar_ui_notification_lookup (call, "body"), ==, "Rapat tim Jumat pagi");
  g_assert_cmpstr (kabar_ui_notification_lookup (call, "default-action"), ==, "app.show-message");
  summary = target_message (call->notification, &folder_id);
  g_assert_cmpint (folder_id, ==, kabar_folder_item_get_id (inbox));
  g_assert_cmpstr (summary->subject, ==, "Rapat tim Jumat pagi");
}

static void
test_several_messages_are_one_notification (void)
{
  g_autofree char *id = g_strconcat ("new-mail-", account_id, NULL);
  g_autofree char *title = g_strdup_printf (ngettext ("%u new message", "%u new messages", 3), 3);
  g_autofree char *senders = g_strjoin (_(", "), "Rahul Sharma", "Priya Nair", NULL);
  g_autofree char *body = g_strdup_printf (_("In %s, from %s"), DEWI, senders);
  g_autoptr(KabarMessageSummary) summary = NULL;
  guint before = added->len;
  gint64 folder_id = 0;
  KabarUiNotification *call;

  show_other_folder ();
  /* Offline while three arrive: the next sync brings them in one batch. */
  kabar_mail_service_set_network_available (service (), FALSE);
  deliver ("Rahul Sharma <rahul@example.in>", "Slides for the meetup");
  deliver ("Priya Nair <priya@example.in>", "Translation status");
  deliver ("Rahul Sharma <rahul@example.in>", "Updated slides");
  kabar_mail_service_set_network_available (service (), TRUE);
  wait_for_inbox (7);
  wait_for_calls (added, before + 1);

  call = g_ptr_array_index (added, before);
  g_assert_cmpuint (added->len, ==, before + 1);
  g_assert_cmpstr (call->id, ==, id);
  g_assert_cmpstr (kabar_ui_notification_lookup (call, "title"), ==, title);
  g_assert_cmpstr (kabar_ui_notification_lookup (call, "body"), ==, body);
  summary = target_message (call->notification, &folder_id);
  /* Delivered last, the newest. */
  g_assert_cmpstr (summary->subject, ==, "Updated slides");
}

static void
test_nothing_when_notifications_are_off (void)
{
  g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);
  guint before = added->len;
  KabarUiNotification *call;

  show_other_folder ();
  g_settings_set_boolean (settings, "notifications", FALSE);
  deliver ("Lukas Becker <lukas@example.de>", "Not announced");
  wait_for_inbox (8);
  g_settings_set_boolean (settings, "notifications", TRUE);
  deliver ("Kenji Watanabe <kenji@example.jp>", "Announced again");
  wait_for_inbox (9);
  wait_for_calls (added, before + 1);
  call = g_ptr_array_index (added, before);
  g_assert_cmpstr (kabar_ui_notification_lookup (call, "body"), ==, "Announced again");
}

static void
test_nothing_while_the_inbox_is_shown (void)
{
  KabarFolderItem *inbox = folder_item ("INBOX");
  guint total = kabar_folder_item_get_total_count (inbox);
  guint before = added->len;
  KabarUiNotification *call;

  /* The user reads the inbox in the window in front: the list shows it. */
  g_assert_true (kabar_folder_list_select_folder (folder_list (), inbox));
  gtk_window_present (GTK_WINDOW (window));
  kabar_ui_test_wait_for_frame (window);
  g_assert_true (gtk_window_is_active (GTK_WINDOW (window)));
  deliver ("Ayu Pratiwi <ayu@example.org>", "Seen in the list");
  wait_for_inbox (total + 1);
  show_other_folder ();
  deliver ("Ayu Pratiwi <ayu@example.org>", "Announced in Projects");
  wait_for_inbox (total + 2);
  wait_for_calls (added, before + 1);
  call = g_ptr_array_index (added, before);
  g_assert_cmpstr (kabar_ui_notification_lookup (call, "body"), ==, "Announced in Projects");
}

static void
on_flags_set (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_mail_service_change_finish (KABAR_MAIL_SERVICE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_read_mail_withdraws_its_notification (void)
{
  g_autofree char *id = g_strconcat ("new-mail-", account_id, NULL);
  g_autoptr(KabarMessageSummary) summary = NULL;
  guint before = added->len;
  guint removed_before = removed->len;
  gboolean done = FALSE;
  gint64 folder_id = 0;
  KabarUiNotification *call;

  show_other_folder ();
  deliver ("Sunita Sharma <sunita@example.in>", "Read me");
  wait_for_calls (added, before + 1);
  call = g_ptr_array_index (added, before);
  summary = target_message (call->notification, &folder_id);
  g_assert_cmpuint (removed->len, ==, removed_before);

  /* Read (here, or on another device: the sync brings the flag). */
  kabar_mail_service_set_flags_async (service (), folder_id, &summary->uid, 1,
                                      KABAR_MESSAGE_FLAG_SEEN, 0, NULL, on_flags_set, &done);
  g_assert_true (kabar_ui_test_wait_for (is_true, &done, WAIT_MS));
  wait_for_calls (removed, removed_before + 1);
  call = g_ptr_array_index (removed, removed_before);
  g_assert_cmpstr (call->app_id, ==, KABAR_APPLICATION_ID);
  g_assert_cmpstr (call->id, ==, id);
}

static void
test_action_presents_the_window (void)
{
  KabarFolderItem *inbox = folder_item ("INBOX");
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (app), "show-message");

  g_assert_nonnull (action);
  g_assert_true (g_variant_type_equal (g_action_get_parameter_type (action), G_VARIANT_TYPE ("(sxx)")));
  gtk_widget_set_visible (window, FALSE);
  g_action_activate (action, g_variant_new ("(sxx)", account_id, kabar_folder_item_get_id (inbox),
                                            (gint64) 1));
  g_assert_true (kabar_ui_test_wait_for (window_is_mapped, NULL, 10000));
  kabar_ui_test_wait_for_frame (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarAccount) dewi = NULL;
  int status;

  kabar_ui_test_init (&argc, &argv);

  g_test_add_func ("/notify/one-message-shows-sender-and-subject",
                   test_one_message_shows_sender_and_subject);
  g_test_add_func ("/notify/several-messages-are-one-notification",
                   test_several_messages_are_one_notification);
  g_test_add_func ("/notify/nothing-when-notifications-are-off", test_nothing_when_notifications_are_off);
  g_test_add_func ("/notify/nothing-while-the-inbox-is-shown", test_nothing_while_the_inbox_is_shown);
  g_test_add_func ("/notify/read-mail-withdraws-its-notification",
                   test_read_mail_withdraws_its_notification);
  g_test_add_func ("/notify/action-presents-the-window", test_action_presents_the_window);

  bed = kabar_ui_bed_start (DEWI, DEWI_PASSWORD, NULL);
  kabar_test_bed_fill_folder (bed, DEWI, "INBOX", 3, &error);
  g_assert_no_error (error);
  kabar_test_bed_fill_folder (bed, DEWI, "Projects", 2, &error);
  g_assert_no_error (error);
  dewi = kabar_ui_bed_account_new (bed, "Dewi Lestari", DEWI);
  g_assert_true (kabar_bed_account_save (dewi, DEWI_PASSWORD, &error));
  g_assert_no_error (error);
  account_id = g_strdup (kabar_account_get_id (dewi));

  /* Before the application sends anything: GApplication picks the backend
   * whose server is there. */
  kabar_ui_notifications_start ();
  added = kabar_ui_notifications_get_added ();
  removed = kabar_ui_notifications_get_removed ();
  app = kabar_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  /* The first sync brings the mailbox, not news. */
  wait_for_inbox (3);
  g_assert_cmpuint (added->len, ==, 0);

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_object (&bed);
  kabar_ui_notifications_stop ();
  g_free (account_id);
  return status;
}
