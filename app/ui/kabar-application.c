/* kabar-application.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>

#include "kabar-account-manager.h"
#include "kabar-application.h"
#include "kabar-mail-service.h"
#include "kabar-message-window.h"
#include "kabar-window.h"

struct _KabarApplication
{
  AdwApplication       parent_instance;

  KabarAccountManager *accounts;
  GCancellable        *cancellable;
  /* KabarMailService, in the order of the accounts. */
  GListStore          *services;
  gboolean             accounts_loaded;
  /* The window waits for the accounts, so it never shows "no account"
   * for a moment to someone who has one. */
  gboolean             present_when_loaded;
};

G_DEFINE_FINAL_TYPE (KabarApplication, kabar_application, ADW_TYPE_APPLICATION)

KabarApplication *
kabar_application_new (void)
{
  return g_object_new (KABAR_TYPE_APPLICATION,
                       "application-id", KABAR_APPLICATION_ID,
                       /* `kabar FILE.eml`, and .eml files opened from the file
                        * manager. */
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/kabar/Kabar",
                       NULL);
}

GListModel *
kabar_application_get_services (KabarApplication *self)
{
  g_return_val_if_fail (KABAR_IS_APPLICATION (self), NULL);
  return G_LIST_MODEL (self->services);
}

/* --- accounts and their mail services -------------------------------------------------- */

static KabarMailService *
find_service (KabarApplication *self,
              KabarAccount     *account)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->services));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      /* A new account object is new settings: the service reads them
       * only when it starts. */
      if (kabar_mail_service_get_account (service) == account)
        return service;
    }
  return NULL;
}

static KabarMailService *
start_service (KabarAccount *account)
{
  g_autofree char *path = kabar_mail_service_dup_default_store_path (account);
  g_autofree char *directory = g_path_get_dirname (path);
  KabarMailService *service;

  /* The mail is the user's alone. If the folder cannot be made, the
   * service says so: it cannot open its store. */
  if (g_mkdir_with_parents (directory, 0700) != 0)
    g_warning ("Could not make the folder %s for the mail of %s: %s", directory,
               kabar_account_get_address (account), g_strerror (errno));
  service = kabar_mail_service_new (account, path);
  kabar_mail_service_start (service);
  return service;
}

static void
stop_services (KabarApplication *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->services));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      kabar_mail_service_stop (service);
    }
  g_list_store_remove_all (self->services);
}

/* One started service for each IMAP and POP3 account (Microsoft Graph
 * accounts get theirs with their engine), in the accounts' order. */
static void
sync_services (KabarApplication *self)
{
  GListModel *accounts = G_LIST_MODEL (self->accounts);
  guint n_accounts = g_list_model_get_n_items (accounts);
  guint n_services = g_list_model_get_n_items (G_LIST_MODEL (self->services));
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean same;

  for (guint i = 0; i < n_accounts; i++)
    {
      g_autoptr(KabarAccount) account = g_list_model_get_item (accounts, i);
      KabarMailService *service;

      if (kabar_account_get_incoming_kind (account) != KABAR_INCOMING_IMAP
          && kabar_account_get_incoming_kind (account) != KABAR_INCOMING_POP3)
        continue;
      service = find_service (self, account);
      g_ptr_array_add (wanted, service != NULL ? g_object_ref (service) : start_service (account));
    }

  same = wanted->len == n_services;
  for (guint i = 0; same && i < n_services; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      same = service == g_ptr_array_index (wanted, i);
    }
  if (same)
    return;

  for (guint i = 0; i < n_services; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i);

      if (!g_ptr_array_find (wanted, service, NULL))
        kabar_mail_service_stop (service);
    }
  g_list_store_splice (self->services, 0, n_services, wanted->pdata, wanted->len);
}

static void
on_accounts_changed (GListModel       *accounts,
                     guint             position,
                     guint             removed,
                     guint             added,
                     KabarApplication *self)
{
  if (self->accounts_loaded)
    sync_services (self);
}

static void
on_accounts_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  KabarApplication *self;
  g_autoptr(GError) error = NULL;

  if (!kabar_account_manager_load_finish (KABAR_ACCOUNT_MANAGER (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not read the accounts: %s", error->message);
    }

  self = KABAR_APPLICATION (user_data);
  {
    GPtrArray *problems = kabar_account_manager_get_problems (KABAR_ACCOUNT_MANAGER (source));

    for (guint i = 0; i < problems->len; i++)
      g_warning ("%s", ((GError *) g_ptr_array_index (problems, i))->message);
  }

  self->accounts_loaded = TRUE;
  sync_services (self);

  if (self->present_when_loaded)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

      self->present_when_loaded = FALSE;
      if (windows != NULL)
        gtk_window_present (windows->data);
    }
}

/* --- the application --------------------------------------------------------------------- */

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

  KabarApplication *self = KABAR_APPLICATION (app);

  /* Single instance: a second launch raises the window it already has. */
  if (window == NULL)
    window = GTK_WINDOW (kabar_window_new (self));

  if (self->accounts_loaded)
    gtk_window_present (window);
  else
    self->present_when_loaded = TRUE;
}

/* Each file in a window of its own, without the main window: someone
 * who opened a saved message wants to read that message. */
static void
kabar_application_open (GApplication  *app,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      KabarMessageWindow *window;

      /* The desktop file also takes mailto: links; until the composer
       * comes they open Kabar itself. */
      if (g_file_has_uri_scheme (files[i], "mailto"))
        {
          g_application_activate (app);
          continue;
        }
      window = kabar_message_window_new (GTK_APPLICATION (app));

      kabar_message_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
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
  KabarApplication *self = KABAR_APPLICATION (app);

  G_APPLICATION_CLASS (kabar_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);

  /* $XDG_CONFIG_HOME/kabar/accounts */
  self->accounts = kabar_account_manager_new (NULL);
  g_signal_connect (self->accounts, "items-changed", G_CALLBACK (on_accounts_changed), self);
  kabar_account_manager_load_async (self->accounts, self->cancellable, on_accounts_loaded, self);
}

static void
kabar_application_shutdown (GApplication *app)
{
  KabarApplication *self = KABAR_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  stop_services (self);
  G_APPLICATION_CLASS (kabar_application_parent_class)->shutdown (app);
}

static void
kabar_application_dispose (GObject *object)
{
  KabarApplication *self = KABAR_APPLICATION (object);

  /* Also for an application that was registered but never run. */
  g_cancellable_cancel (self->cancellable);
  if (self->services != NULL)
    stop_services (self);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_clear_object (&self->accounts);
  G_OBJECT_CLASS (kabar_application_parent_class)->dispose (object);
}

static void
kabar_application_finalize (GObject *object)
{
  KabarApplication *self = KABAR_APPLICATION (object);

  g_clear_object (&self->services);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (kabar_application_parent_class)->finalize (object);
}

static void
kabar_application_class_init (KabarApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kabar_application_dispose;
  object_class->finalize = kabar_application_finalize;

  app_class->activate = kabar_application_activate;
  app_class->open = kabar_application_open;
  app_class->startup = kabar_application_startup;
  app_class->shutdown = kabar_application_shutdown;
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
  self->cancellable = g_cancellable_new ();
  self->services = g_list_store_new (KABAR_TYPE_MAIL_SERVICE);
}
