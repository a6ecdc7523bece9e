/* kabar-oauth2-test.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-oauth2-test.h"
#include "kabar-secrets.h"
#include "kabar-test-wait.h"

KabarAccount *
kabar_oauth2_test_account (KabarOAuthServer *server,
                           const char       *address)
{
  KabarAccount *account = kabar_account_new ();

  kabar_account_set_display_name (account, "OAuth Test");
  kabar_account_set_address (account, address);
  kabar_account_set_auth_method (account, KABAR_AUTH_OAUTH2);
  kabar_account_set_oauth2_client_id (account, KABAR_OAUTH2_TEST_CLIENT_ID);
  kabar_account_set_oauth2_authority (account, kabar_oauth_server_get_authority (server));
  return account;
}

typedef struct
{
  char   *uri;
  char   *page;
  GError *error;
  gint    done;
} Browser;

static gpointer
browse (gpointer data)
{
  Browser *browser = data;

  browser->page = kabar_oauth_server_browse (NULL, browser->uri, &browser->error);
  g_atomic_int_set (&browser->done, TRUE);
  return NULL;
}

char *
kabar_oauth2_test_sign_in (KabarAccount  *account,
                           char         **page,
                           GError       **error)
{
  g_autoptr(KabarOAuth2Flow) flow = kabar_oauth2_flow_new (account);
  g_autoptr(GError) start_error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Browser browser = { NULL, };
  GThread *thread;
  char *token;

  browser.uri = kabar_oauth2_flow_start (flow, &start_error);
  g_assert_no_error (start_error);
  thread = g_thread_new ("browser", browse, &browser);
  kabar_oauth2_flow_wait_async (flow, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  token = kabar_oauth2_flow_wait_finish (flow, result, error);
  /* The page goes out on this thread's context. */
  while (!g_atomic_int_get (&browser.done))
    kabar_test_spin (10);
  g_thread_join (thread);
  *page = browser.page != NULL ? browser.page : g_strdup (browser.error->message);
  g_clear_error (&browser.error);
  g_free (browser.uri);
  return token;
}

char *
kabar_oauth2_test_lookup_refresh_token (KabarAccount *account)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  kabar_secrets_lookup_async (kabar_account_get_id (account), KABAR_SECRET_OAUTH2_REFRESH_TOKEN, NULL,
                              kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  token = kabar_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
  return token;
}

char *
kabar_oauth2_test_get_token (KabarAccount  *account,
                             GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_oauth2_get_access_token_async (account, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_oauth2_get_access_token_finish (result, error);
}
