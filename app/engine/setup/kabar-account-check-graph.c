/* kabar-account-check-graph.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The check of a Microsoft Graph account: the token the mail service will
 * use (from the keyring's refresh token), GET /me with it, then one folder
 * of the mailbox. Through the service's own client, so that what passes
 * here is what the service will do: its certificate pinning, its one
 * retry with a fresh token after a 401.
 *
 * HTTPS connects, secures and signs in within one request: the error says
 * which step it was, as for the mail protocols.
 */

#include "config.h"

#include "kabar-account-check-private.h"
#include "kabar-graph-client.h"
#include "kabar-net-error.h"
#include "kabar-oauth2.h"
#include "kabar-secrets.h"

static KabarAccountCheck *
check_of (GTask *task)
{
  return g_task_get_source_object (task);
}

static void
on_folders (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarGraphClient *client = KABAR_GRAPH_CLIENT (source);
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  node = kabar_graph_client_request_finish (client, result, &error);
  if (node != NULL && (!JSON_NODE_HOLDS_OBJECT (node) ||
                       !json_object_has_member (json_node_get_object (node), "value")))
    error = g_error_new (KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
                         "GET /me/mailFolders on %s: an answer without a list of folders",
                         kabar_graph_client_get_base_uri (client));
  if (error != NULL)
    {
      kabar_account_check_fail (task, KABAR_ACCOUNT_CHECK_FOLDERS, error, NULL);
      return;
    }
  kabar_account_check_set_step (check_of (task), KABAR_ACCOUNT_CHECK_FOLDERS, KABAR_ACCOUNT_CHECK_PASSED);
  /* Graph sends with the mailbox: there is no outgoing server to check. */
  g_task_return_boolean (task, TRUE);
}

/* Takes error. A refusal of the request (Graph's or the sign-in's) came
 * over a connection made and secured; anything else did not get that
 * far, or failed securing it. */
static void
fail_me (GTask            *task,
         KabarGraphClient *client,
         GError           *error)
{
  KabarAccountCheck *self = check_of (task);
  KabarCertificateProblem *problem = kabar_graph_client_get_certificate_problem (client);

  if (error->domain == KABAR_NET_ERROR)
    {
      kabar_account_check_fail_connect (task, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, error,
                                        problem != NULL ? kabar_certificate_problem_ref (problem) : NULL);
      return;
    }
  if (error->domain != KABAR_GRAPH_ERROR && error->domain != KABAR_OAUTH2_ERROR)
    {
      kabar_account_check_fail (task, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, error, NULL);
      return;
    }
  kabar_account_check_set_step (self, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, KABAR_ACCOUNT_CHECK_PASSED);
  kabar_account_check_set_step (self, KABAR_ACCOUNT_CHECK_INCOMING_SECURE, KABAR_ACCOUNT_CHECK_PASSED);
  kabar_account_check_fail (task, KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, error, NULL);
}

static void
on_me (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarAccountCheck *self = check_of (task);
  KabarGraphClient *client = KABAR_GRAPH_CLIENT (source);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(JsonNode) me = NULL;
  GError *error = NULL;

  me = kabar_graph_client_request_finish (client, result, &error);
  if (me == NULL)
    {
      fail_me (task, client, error);
      return;
    }
  kabar_account_check_set_step (self, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, KABAR_ACCOUNT_CHECK_PASSED);
  kabar_account_check_set_step (self, KABAR_ACCOUNT_CHECK_INCOMING_SECURE, KABAR_ACCOUNT_CHECK_PASSED);
  kabar_account_check_set_step (self, KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, KABAR_ACCOUNT_CHECK_PASSED);
  kabar_account_check_set_step (self, KABAR_ACCOUNT_CHECK_FOLDERS, KABAR_ACCOUNT_CHECK_RUNNING);
  /* Signed in is not yet a mailbox: Graph answers /me for a user whose
   * mailbox it cannot reach. One folder proves it. */
  kabar_graph_client_request_async (client, "GET", "/me/mailFolders?$top=1", NULL, cancellable, on_folders,
                                    g_steal_pointer (&task));
}

static void
on_token (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarAccountCheck *self = check_of (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(KabarGraphClient) client = NULL;
  GError *error = NULL;
  char *token = kabar_oauth2_get_resource_token_finish (result, &error);

  if (token == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          kabar_account_check_fail (task, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, error, NULL);
          return;
        }
      /* The sign-in's server refused, or could not be reached: nothing
       * was tried with the Graph host yet. */
      kabar_account_check_set_step (self, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, KABAR_ACCOUNT_CHECK_PENDING);
      if (error->domain == KABAR_OAUTH2_ERROR)
        kabar_account_check_fail (task, KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, error, NULL);
      else
        kabar_account_check_fail_as (task, KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, KABAR_ACCOUNT_CHECK_ERROR_FAILED,
                                     error);
      return;
    }
  /* Cached for the client, which asks again. */
  kabar_secrets_free (token);
  client = kabar_graph_client_new (kabar_account_check_get_account (self));
  kabar_graph_client_set_timeout (client, kabar_account_check_get_timeout (self));
  kabar_graph_client_request_async (client, "GET", "/me", NULL, cancellable, on_me, g_steal_pointer (&task));
}

void
kabar_account_check_graph (GTask *task)
{
  KabarAccountCheck *self = check_of (task);

  kabar_account_check_set_step (self, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, KABAR_ACCOUNT_CHECK_RUNNING);
  /* Apart from the requests: a sign-in server out of reach is no
   * trouble with the Graph host. */
  kabar_oauth2_get_resource_token_async (kabar_account_check_get_account (self), KABAR_OAUTH2_RESOURCE_GRAPH,
                                         g_task_get_cancellable (task), on_token, task);
}
