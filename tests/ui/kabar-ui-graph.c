/* kabar-ui-graph.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "kabar-account-manager.h"
#include "kabar-application.h"
#include "kabar-oauth2.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-graph.h"
#include "kabar-ui-test.h"

struct _KabarUiGraph
{
  /* Never started: it gives the certificate and its key. */
  KabarTestBed     *bed;
  GTlsCertificate  *certificate;
  KabarOAuthServer *oauth;
  KabarGraphServer *server;
};

KabarUiGraph *
kabar_ui_graph_start (const char *address,
                      const char *display_name,
                      const char *client_id)
{
  KabarUiGraph *self = g_new0 (KabarUiGraph, 1);
  g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);
  g_autoptr(GError) error = NULL;
  g_autofree char *graph_server = NULL;

  self->bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  self->certificate = g_object_ref (kabar_test_bed_get_certificate (self->bed));
  self->oauth = kabar_oauth_server_new (NULL, &error);
  g_assert_no_error (error);
  kabar_oauth_server_add_client (self->oauth, client_id);
  kabar_oauth_server_set_user (self->oauth, address);
  self->server = kabar_graph_server_new (self->certificate, self->oauth, &error);
  g_assert_no_error (error);
  kabar_graph_server_set_user (self->server, address, display_name);

  graph_server = g_strdup_printf ("127.0.0.1:%u", kabar_graph_server_get_port (self->server));
  g_settings_set_string (settings, "microsoft-authority", kabar_oauth_server_get_authority (self->oauth));
  g_settings_set_string (settings, "microsoft-graph-server", graph_server);
  return self;
}

void
kabar_ui_graph_free (KabarUiGraph *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->server, kabar_graph_server_free);
  g_clear_pointer (&self->oauth, kabar_oauth_server_free);
  g_clear_object (&self->certificate);
  g_clear_object (&self->bed);
  g_free (self);
}

KabarGraphServer *
kabar_ui_graph_get_server (KabarUiGraph *self)
{
  return self->server;
}

KabarOAuthServer *
kabar_ui_graph_get_oauth (KabarUiGraph *self)
{
  return self->oauth;
}

GTlsCertificate *
kabar_ui_graph_get_certificate (KabarUiGraph *self)
{
  return self->certificate;
}

/* --- the session's browser ------------------------------------------------------------- */

static char *
browser_path (const char *name)
{
  return g_build_filename (g_getenv ("KABAR_TEST_TMPDIR"), "browser", name, NULL);
}

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

void
kabar_ui_graph_install_browser (void)
{
  g_autofree char *browser = g_build_filename (g_getenv ("KABAR_BUILD_ROOT"), "tests", "servers",
                                               "kabar-test-browser", NULL);
  g_autofree char *wrapper = browser_path ("kabar-test-browser-wrapper");
  g_autofree char *log = browser_path ("opened.log");
  g_autofree char *output = browser_path ("output.log");
  g_autofree char *desktop_path = g_build_filename (g_get_user_data_dir (), "applications",
                                                    "kabar-test-browser.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (g_get_user_config_dir (), "mimeapps.list", NULL);
  g_autofree char *script = NULL;
  g_autofree char *desktop = NULL;

  g_assert_true (g_file_test (browser, G_FILE_TEST_IS_EXECUTABLE));
  script = g_strdup_printf ("#!/bin/sh\n"
                            "printf '%%s\\n' \"$1\" >> '%s'\n"
                            "exec '%s' \"$1\" >> '%s' 2>&1\n",
                            log, browser, output);
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

char *
kabar_ui_graph_browser_last_uri (void)
{
  g_autofree char *log_path = browser_path ("opened.log");
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  guint n;

  if (!g_file_get_contents (log_path, &log, NULL, NULL))
    return NULL;
  lines = g_strsplit (g_strchomp (log), "\n", -1);
  n = g_strv_length (lines);
  return n > 0 && *lines[n - 1] != '\0' ? g_strdup (lines[n - 1]) : NULL;
}

char *
kabar_ui_graph_browser_output (void)
{
  g_autofree char *path = browser_path ("output.log");
  char *output = NULL;

  if (!g_file_get_contents (path, &output, NULL, NULL))
    return g_strdup ("");
  return output;
}

/* --- the mailbox ------------------------------------------------------------------------ */

char *
kabar_ui_graph_add_message (KabarUiGraph *self,
                            const char   *folder,
                            const char   *from,
                            const char   *to,
                            const char   *subject,
                            const char   *body,
                            guint         minutes_ago,
                            gboolean      is_read)
{
  g_autofree char *folder_id = kabar_graph_server_find_folder (self->server, folder);
  g_autoptr(GBytes) mime = NULL;
  char *id;

  g_assert_nonnull (folder_id);
  mime = kabar_ui_bed_message_new (from, to, subject, body,
                                   g_get_real_time () / G_USEC_PER_SEC - (gint64) minutes_ago * 60, NULL);
  id = kabar_graph_server_add_message (self->server, folder_id, mime, is_read, FALSE);
  g_assert_nonnull (id);
  return id;
}

GPtrArray *
kabar_ui_graph_find_messages (KabarUiGraph *self,
                              const char   *folder,
                              const char   *subject)
{
  g_autofree char *folder_id = kabar_graph_server_find_folder (self->server, folder);
  g_autoptr(GPtrArray) ids = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  if (folder_id == NULL)
    return found;
  ids = kabar_graph_server_list_messages (self->server, folder_id);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) message = kabar_graph_server_get_message (self->server, g_ptr_array_index (ids, i));

      if (message != NULL && g_strcmp0 (json_object_get_string_member_with_default (message, "subject", NULL),
                                        subject) == 0)
        g_ptr_array_add (found, g_strdup (g_ptr_array_index (ids, i)));
    }
  return found;
}

typedef struct
{
  KabarUiGraph *self;
  const char   *folder;
  const char   *subject;
  guint         expected;
} Count;

static gboolean
count_is (gpointer data)
{
  Count *count = data;
  g_autoptr(GPtrArray) found = kabar_ui_graph_find_messages (count->self, count->folder, count->subject);

  return found->len == count->expected;
}

void
kabar_ui_graph_wait_count (KabarUiGraph *self,
                           const char   *folder,
                           const char   *subject,
                           guint         expected,
                           guint         timeout_ms)
{
  Count count = { self, folder, subject, expected };
  g_autoptr(GPtrArray) found = NULL;

  if (kabar_ui_test_wait_for (count_is, &count, timeout_ms))
    return;
  found = kabar_ui_graph_find_messages (self, folder, subject);
  g_test_message ("The server's %s holds %u messages “%s”", folder, found->len, subject);
  g_assert_cmpuint (found->len, ==, expected);
}

/* --- a signed-in account ---------------------------------------------------------------------- */

typedef struct
{
  char   *uri;
  char   *page;
  GError *error;
  gint    done;
} Browsing;

static gpointer
browse (gpointer data)
{
  Browsing *browsing = data;

  browsing->page = kabar_oauth_server_browse (NULL, browsing->uri, &browsing->error);
  g_atomic_int_set (&browsing->done, TRUE);
  /* The waiting thread sleeps in its main context until something wakes it. */
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static gboolean
browsed (gpointer data)
{
  return g_atomic_int_get (&((Browsing *) data)->done);
}

/* The flow the assistant's sign-in page runs, with the browser on a
 * thread of its own: the flow answers it on this thread's context. */
static void
sign_in (KabarAccount *account)
{
  g_autoptr(KabarOAuth2Flow) flow = kabar_oauth2_flow_new (account);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Browsing browsing = { NULL, };
  GThread *thread;
  char *token;

  browsing.uri = kabar_oauth2_flow_start (flow, &error);
  g_assert_no_error (error);
  thread = g_thread_new ("browser", browse, &browsing);
  kabar_oauth2_flow_wait_async (flow, NULL, keep_result, &result);
  g_assert_true (kabar_ui_test_wait_for (has_result, &result, 60000));
  token = kabar_oauth2_flow_wait_finish (flow, result, &error);
  g_assert_true (kabar_ui_test_wait_for (browsed, &browsing, 60000));
  g_thread_join (thread);
  g_assert_no_error (browsing.error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  kabar_secrets_free (token);
  g_free (browsing.page);
  g_free (browsing.uri);
}

char *
kabar_ui_graph_write_account (KabarUiGraph *self,
                              const char   *address,
                              const char   *display_name,
                              const char   *client_id)
{
  g_autoptr(KabarAccount) account = kabar_account_new ();
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (NULL);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_set_identity (account, 0, display_name, address, NULL);
  kabar_account_set_incoming_kind (account, KABAR_INCOMING_GRAPH);
  kabar_account_set_auth_method (account, KABAR_AUTH_OAUTH2);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, "127.0.0.1", kabar_graph_server_get_port (self->server),
                            KABAR_SECURITY_IMPLICIT_TLS, address);
  kabar_account_set_server (account, KABAR_SERVER_OUTGOING, NULL, 0, KABAR_SECURITY_IMPLICIT_TLS, NULL);
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING, self->certificate);
  kabar_account_set_server_files_sent (account, TRUE);
  kabar_account_set_oauth2_client_id (account, client_id);
  kabar_account_set_oauth2_authority (account, kabar_oauth_server_get_authority (self->oauth));
  sign_in (account);

  kabar_account_manager_load_async (manager, NULL, keep_result, &loaded);
  g_assert_true (kabar_ui_test_wait_for (has_result, &loaded, 60000));
  g_assert_true (kabar_account_manager_load_finish (manager, loaded, &error));
  g_assert_no_error (error);
  kabar_account_manager_save_async (manager, account, NULL, keep_result, &saved);
  g_assert_true (kabar_ui_test_wait_for (has_result, &saved, 60000));
  g_assert_true (kabar_account_manager_save_finish (manager, saved, &error));
  g_assert_no_error (error);
  return g_strdup (kabar_account_get_id (account));
}
