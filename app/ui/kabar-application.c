/* kabar-application.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-application.h"
#include "kabar-window.h"

struct _KabarApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (KabarApplication, kabar_application, ADW_TYPE_APPLICATION)

KabarApplication *
kabar_application_new (void)
{
  return g_object_new (KABAR_TYPE_APPLICATION,
                       "application-id", KABAR_APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/kabar/Kabar",
                       NULL);
}

static int
kabar_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", "Kabar", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  /* Go on: register with the running instance, or become it. */
  return -1;
}

static void
kabar_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  /* Single instance: a second launch raises the window it already has. */
  if (window == NULL)
    window = GTK_WINDOW (kabar_window_new (KABAR_APPLICATION (app)));

  gtk_window_present (window);
}

static void
kabar_application_about_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  static const char *developers[] = { "The Kabar developers", NULL };
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", "Kabar",
                        "application-icon", KABAR_APPLICATION_ID,
                        "comments", _("Read, search, organise and write your mail"),
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Kabar developers"),
                        "developers", developers,
                        /* Translators: put your names here, one a line. */
                        "translator-credits", _("translator-credits"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Kabar developers",
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
kabar_application_quit_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = kabar_application_about_action },
  { .name = "quit", .activate = kabar_application_quit_action },
};

static void
kabar_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (kabar_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
kabar_application_class_init (KabarApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = kabar_application_activate;
  app_class->startup = kabar_application_startup;
  app_class->handle_local_options = kabar_application_handle_local_options;
}

static void
kabar_application_init (KabarApplication *self)
{
  static const GOptionEntry entries[] = {
    { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Show the version of Kabar and quit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}
