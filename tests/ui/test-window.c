/* test-window.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window a person sees when Kabar starts with no account, driven through
 * the real application object under Xvfb.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-assistant.h"
#include "kabar-application.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

typedef struct
{
  KabarApplication *app;
  GtkWindow *window;
} Fixture;

/* One application per process, as for a user: it owns its name on the bus
 * for as long as the process lives. */
static KabarApplication *test_app;

static gboolean
window_is_mapped (gpointer data)
{
  Fixture *fixture = data;

  fixture->window = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));
  return fixture->window != NULL && gtk_widget_get_mapped (GTK_WIDGET (fixture->window));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->app = test_app;
  g_application_activate (G_APPLICATION (fixture->app));
  g_assert_true (kabar_ui_test_wait_for (window_is_mapped, fixture, 10000));
  kabar_ui_test_wait_for_frame (GTK_WIDGET (fixture->window));
}

static gboolean
no_window_left (gpointer data)
{
  return g_list_model_get_n_items (gtk_window_get_toplevels ()) == 0;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  g_assert_true (kabar_ui_test_wait_for (no_window_left, fixture->app, 5000));
}

/* Kabar's first start: no account, so the assistant opens over the
 * window; closed, the window offers it again. */
static void
test_window_first_start_opens_the_assistant (Fixture       *fixture,
                                             gconstpointer  data)
{
  GtkWindow *assistant = kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT);
  GtkWidget *button;

  g_assert_true (gtk_window_get_transient_for (assistant) == fixture->window);
  g_assert_true (gtk_window_get_modal (assistant));
  g_assert_cmpint (kabar_account_assistant_get_page (KABAR_ACCOUNT_ASSISTANT (assistant)), ==,
                   KABAR_ASSISTANT_PAGE_IDENTITY);
  g_assert_cmpstr (gtk_window_get_title (assistant), ==, _("Add Account"));
  /* One window of the application still: the assistant is its dialog. */
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (fixture->app))), ==, 1);

  gtk_window_close (assistant);
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone,
                                         GSIZE_TO_POINTER (KABAR_TYPE_ACCOUNT_ASSISTANT), 5000));

  button = kabar_ui_test_find_button (GTK_WIDGET (fixture->window), _("_Add Account…"));
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_drawable (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "app.add-account");
  gtk_widget_activate (button);
  assistant = kabar_ui_test_wait_for_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT);
  g_assert_true (gtk_window_get_transient_for (assistant) == fixture->window);
}

static void
test_window_without_account_shows_status_page (Fixture       *fixture,
                                               gconstpointer  data)
{
  GtkWidget *page = kabar_ui_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_STATUS_PAGE);
  g_autoptr(GdkTexture) shot = NULL;

  g_assert_true (KABAR_IS_WINDOW (fixture->window));
  g_assert_cmpstr (gtk_window_get_title (fixture->window), ==, "Kabar");

  g_assert_nonnull (page);
  g_assert_true (gtk_widget_is_drawable (page));
  g_assert_cmpint (gtk_widget_get_height (page), >, 200);
  /* Without it the page would show GTK's "missing image" icon. */
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (page)),
                                          adw_status_page_get_icon_name (ADW_STATUS_PAGE (page))));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (page)), ==, _("No Mail Account"));
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)), ==,
                   _("Kabar has no mail account set up yet."));

  /* In Indonesian and Hindi the words on screen must be translated ones. */
  if (g_strcmp0 (kabar_ui_test_language (), "en") != 0)
    g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (page)), !=, "No Mail Account");

  shot = kabar_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-no-account");
  /* A blank or failed render has a handful of colours; text and an icon on
   * Adwaita's background have many (anti-aliasing). */
  g_assert_cmpuint (kabar_ui_test_count_colours (shot), >, 50);
}

static void
test_window_primary_menu_offers_preferences_shortcuts_and_about (Fixture       *fixture,
                                                                 gconstpointer  data)
{
  GtkWidget *button = kabar_ui_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_MENU_BUTTON);
  GMenuModel *menu;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_drawable (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, _("Main Menu"));

  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_nonnull (menu);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);
  /* Adding an account first, on its own. */
  {
    g_autoptr(GMenuModel) accounts = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
    g_autofree char *action = NULL;

    g_assert_cmpint (g_menu_model_get_n_items (accounts), ==, 1);
    g_menu_model_get_item_attribute (accounts, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action);
    g_assert_cmpstr (action, ==, "app.add-account");
  }
  menu = g_menu_model_get_item_link (menu, 1, G_MENU_LINK_SECTION);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 3);
  g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_ACTION, "s", &first);
  g_menu_model_get_item_attribute (menu, 1, G_MENU_ATTRIBUTE_ACTION, "s", &second);
  g_menu_model_get_item_attribute (menu, 2, G_MENU_ATTRIBUTE_ACTION, "s", &third);
  g_assert_cmpstr (first, ==, "app.preferences");
  g_assert_cmpstr (second, ==, "win.show-help-overlay");
  g_assert_cmpstr (third, ==, "app.about");
  g_object_unref (menu);
}

typedef struct
{
  KabarApplication *app;
  GType type;
} WindowOfType;

static gboolean
window_of_type_is_shown (gpointer data)
{
  WindowOfType *wanted = data;

  GListModel *toplevels = gtk_window_get_toplevels ();

  /* Dialogs are toplevels of their own, not windows of the application. */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, wanted->type) && gtk_widget_get_mapped (window))
        return TRUE;
    }
  return FALSE;
}

static void
test_window_about_opens_about_window (Fixture       *fixture,
                                      gconstpointer  data)
{
  WindowOfType wanted = { fixture->app, ADW_TYPE_ABOUT_WINDOW };

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "about", NULL);
  g_assert_true (kabar_ui_test_wait_for (window_of_type_is_shown, &wanted, 5000));
}

static void
test_window_shortcuts_window_opens (Fixture       *fixture,
                                    gconstpointer  data)
{
  WindowOfType wanted = { fixture->app, GTK_TYPE_SHORTCUTS_WINDOW };
  GtkWidget *shortcuts;

  /* GtkApplication adds this action only when it found gtk/help-overlay.ui. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-help-overlay", NULL));
  g_assert_true (kabar_ui_test_wait_for (window_of_type_is_shown, &wanted, 5000));
  /* Every group fits, none cut, in each language. */
  shortcuts = GTK_WIDGET (kabar_ui_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));
  kabar_ui_test_wait_for_frame (shortcuts);
  g_object_unref (kabar_ui_test_screenshot (shortcuts, "shortcuts"));
}

static void
test_window_ctrl_q_quits (Fixture       *fixture,
                          gconstpointer  data)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->app), "app.quit");

  g_assert_cmpstrv (accels, ((const char *[]) { "<Control>q", NULL }));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->app), "quit"));
}

static void
test_window_second_activation_raises_the_same_window (Fixture       *fixture,
                                                      gconstpointer  data)
{
  g_application_activate (G_APPLICATION (fixture->app));
  g_main_context_iteration (NULL, FALSE);

  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (fixture->app))), ==, 1);
  g_assert_true (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)) == fixture->window);
}

int
main (int   argc,
      char *argv[])
{
  kabar_ui_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/window/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("first-start-opens-the-assistant", test_window_first_start_opens_the_assistant);
  ADD ("without-account-shows-status-page", test_window_without_account_shows_status_page);
  ADD ("primary-menu-offers-accounts-preferences-shortcuts-and-about", test_window_primary_menu_offers_preferences_shortcuts_and_about);
  ADD ("about-opens-about-window", test_window_about_opens_about_window);
  ADD ("shortcuts-window-opens", test_window_shortcuts_window_opens);
  ADD ("ctrl-q-quits", test_window_ctrl_q_quits);
  ADD ("second-activation-raises-the-same-window", test_window_second_activation_raises_the_same_window);

#undef ADD

  {
    g_autoptr(GError) error = NULL;
    int status;

    test_app = kabar_application_new ();
    g_assert_true (g_application_register (G_APPLICATION (test_app), NULL, &error));
    g_assert_no_error (error);
    status = g_test_run ();
    g_clear_object (&test_app);
    return status;
  }
}
