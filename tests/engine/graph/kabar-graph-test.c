/* kabar-graph-test.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kabar-graph-test.h"
#include "kabar-service-test.h"
#include "kabar-test-bed.h"

static KabarTestBed *bed;
static KabarOAuthServer *oauth;

void
kabar_graph_test_init (void)
{
  g_autoptr(GError) error = NULL;

  bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  oauth = kabar_graph_test_new_oauth ();
}

void
kabar_graph_test_shutdown (void)
{
  g_clear_pointer (&oauth, kabar_oauth_server_free);
  g_clear_object (&bed);
}

KabarOAuthServer *
kabar_graph_test_get_oauth (void)
{
  return oauth;
}

GTlsCertificate *
kabar_graph_test_get_certificate (void)
{
  return kabar_test_bed_get_certificate (bed);
}

KabarOAuthServer *
kabar_graph_test_new_oauth (void)
{
  g_autoptr(GError) error = NULL;
  KabarOAuthServer *server = kabar_oauth_server_new (NULL, &error);

  g_assert_no_error (error);
  kabar_oauth_server_add_client (server, KABAR_OAUTH2_TEST_CLIENT_ID);
  return server;
}

KabarGraphServer *
kabar_graph_test_new_server (KabarOAuthServer *oauth_server)
{
  g_autoptr(GError) error = NULL;
  KabarGraphServer *server = kabar_graph_server_new (kabar_graph_test_get_certificate (), oauth_server, &error);

  g_assert_no_error (error);
  return server;
}

KabarAccount *
kabar_graph_test_new_account (KabarOAuthServer *oauth_server,
                              KabarGraphServer *server,
                              const char       *address,
                              gboolean          pinned)
{
  KabarAccount *account = kabar_oauth2_test_account (oauth_server, address);

  kabar_account_set_incoming_kind (account, KABAR_INCOMING_GRAPH);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, "127.0.0.1", kabar_graph_server_get_port (server),
                            KABAR_SECURITY_IMPLICIT_TLS, address);
  /* As the assistant makes it: Graph files what it sends in Sent Items. */
  kabar_account_set_server_files_sent (account, TRUE);
  if (pinned)
    kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING, kabar_graph_test_get_certificate ());
  return account;
}

void
kabar_graph_test_sign_in (KabarAccount *account)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;
  g_autofree char *token = kabar_oauth2_test_sign_in (account, &page, &error);

  g_assert_no_error (error);
  g_assert_nonnull (token);
}

char *
kabar_graph_test_new_directory (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strconcat (name, "-XXXXXX", NULL);
  char *directory = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  return directory;
}

void
kabar_graph_test_fixture_set_up (KabarGraphTestFixture *fixture,
                                 gconstpointer          data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->server = kabar_graph_test_new_server (oauth);
  fixture->directory = kabar_graph_test_new_directory ("kabar-graph-test");
  fixture->account = kabar_graph_test_new_account (oauth, fixture->server, KABAR_GRAPH_TEST_ADDRESS, TRUE);
  kabar_graph_test_sign_in (fixture->account);
  path = g_build_filename (fixture->directory, "store.db", NULL);
  fixture->store = kabar_store_open (path, &error);
  g_assert_no_error (error);
  fixture->client = kabar_graph_client_new (fixture->account);
  fixture->refusals = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  fixture->refused_kinds = g_array_new (FALSE, FALSE, sizeof (KabarPendingKind));
}

void
kabar_graph_test_fixture_tear_down (KabarGraphTestFixture *fixture,
                                    gconstpointer          data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->account);
  kabar_test_remove_directory (fixture->directory);
  g_clear_pointer (&fixture->directory, g_free);
  g_clear_pointer (&fixture->server, kabar_graph_server_free);
  g_clear_pointer (&fixture->refusals, g_ptr_array_unref);
  g_clear_pointer (&fixture->refused_kinds, g_array_unref);
}

void
kabar_graph_test_on_refused (KabarPendingKind  kind,
                             gint64            folder_id,
                             const GError     *error,
                             gpointer          data)
{
  KabarGraphTestFixture *fixture = data;

  g_array_append_val (fixture->refused_kinds, kind);
  g_ptr_array_add (fixture->refusals, g_error_copy (error));
}

GBytes *
kabar_graph_test_mime (const char *subject,
                       const char *message_id)
{
  char *text = g_strdup_printf ("From: Budi <budi@example.org>\r\n"
                                "To: <" KABAR_GRAPH_TEST_ADDRESS ">\r\n"
                                "Subject: %s\r\nMessage-ID: <%s>\r\n"
                                "Date: Mon, 2 Mar 2026 10:00:00 +0700\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                                "Apa kabar?\r\n", subject, message_id);

  return g_bytes_new_take (text, strlen (text));
}

void
kabar_graph_test_fill (KabarGraphServer *server,
                       const char       *folder_id,
                       const char       *name,
                       guint             n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("%s %u", name, i);
      g_autofree char *message_id = g_strdup_printf ("%s-%u@example.org", name, i);
      g_autoptr(GBytes) mime = kabar_graph_test_mime (subject, message_id);
      g_autofree char *id = kabar_graph_server_add_message (server, folder_id, mime, FALSE, FALSE);

      g_assert_nonnull (id);
    }
}

static gboolean
has_message_id (JsonObject *message,
                const char *message_id)
{
  g_autofree char *wanted = g_strdup_printf ("<%s>", message_id);

  return g_strcmp0 (json_object_get_string_member_with_default (message, "internetMessageId", NULL),
                    wanted) == 0;
}

guint
kabar_graph_test_count (KabarGraphServer *server,
                        const char       *folder_id,
                        const char       *message_id)
{
  g_autoptr(GPtrArray) ids = kabar_graph_server_list_messages (server, folder_id);
  guint count = 0;

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      g_autoptr(JsonObject) message = kabar_graph_server_get_message (server, ids->pdata[i]);

      count += message != NULL && has_message_id (message, message_id);
    }
  return count;
}

JsonObject *
kabar_graph_test_find (KabarGraphServer *server,
                       const char       *folder_id,
                       const char       *message_id)
{
  g_autoptr(GPtrArray) ids = kabar_graph_server_list_messages (server, folder_id);

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      g_autoptr(JsonObject) message = kabar_graph_server_get_message (server, ids->pdata[i]);

      if (message != NULL && has_message_id (message, message_id))
        return g_steal_pointer (&message);
    }
  return NULL;
}

const KabarMessageSummary *
kabar_graph_test_find_summary (GPtrArray  *messages,
                               const char *message_id)
{
  for (guint i = 0; i < messages->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (messages, i);

      if (g_strcmp0 (summary->message_id, message_id) == 0)
        return summary;
    }
  return NULL;
}

gboolean
kabar_graph_test_is_flagged (JsonObject *message)
{
  JsonObject *flag = json_object_has_member (message, "flag")
                     ? json_object_get_object_member (message, "flag") : NULL;

  return flag != NULL
         && g_strcmp0 (json_object_get_string_member_with_default (flag, "flagStatus", ""), "flagged") == 0;
}
