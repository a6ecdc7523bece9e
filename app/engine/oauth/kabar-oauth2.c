/* kabar-oauth2.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account's client and endpoints, and the token request that both the
 * browser flow and the refresh make.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kabar-oauth2-private.h"
#include "kabar-secrets.h"

/* A token endpoint that does not answer in this long is down. */
#define REQUEST_TIMEOUT_SECONDS 30

G_DEFINE_QUARK (kabar-oauth2-error-quark, kabar_oauth2_error)

gboolean
kabar_oauth2_error_needs_user (const GError *error)
{
  return error != NULL && error->domain == KABAR_OAUTH2_ERROR &&
         error->code != KABAR_OAUTH2_ERROR_SERVER && error->code != KABAR_OAUTH2_ERROR_PROTOCOL;
}

const char *
kabar_oauth2_get_builtin_client_id (void)
{
  return KABAR_MICROSOFT_CLIENT_ID[0] != '\0' ? KABAR_MICROSOFT_CLIENT_ID : NULL;
}

const char *
kabar_oauth2_get_client_id (KabarAccount  *account,
                            GError       **error)
{
  const char *client_id = kabar_account_get_oauth2_client_id (account);

  if (client_id == NULL)
    client_id = kabar_oauth2_get_builtin_client_id ();
  if (client_id == NULL)
    g_set_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_NO_CLIENT_ID,
                 "%s signs in with Microsoft, and there is no client ID to sign in with: "
                 "this Kabar was built without one and the account names none",
                 kabar_account_get_address (account));
  return client_id;
}

static gboolean
is_loopback (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0 ||
         g_strcmp0 (host, "[::1]") == 0 || g_ascii_strcasecmp (host, "localhost") == 0;
}

/* Tokens must not cross the network in the clear: plain http only where
 * it never leaves the machine (tests, local services). */
static gboolean
check_authority (const char  *authority,
                 GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (authority, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_PROTOCOL,
                   "The sign-in server “%s” is not a web address", authority);
      return FALSE;
    }
  if (g_ascii_strcasecmp (scheme, "https") == 0 ||
      (g_ascii_strcasecmp (scheme, "http") == 0 && is_loopback (g_uri_get_host (uri))))
    return TRUE;
  g_set_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_INSECURE,
               "The sign-in server “%s” is not secure: it must use https", authority);
  return FALSE;
}

char *
kabar_oauth2_get_endpoint (KabarAccount  *account,
                           const char    *name,
                           GError       **error)
{
  const char *authority = kabar_account_get_oauth2_authority (account);
  g_autofree char *base = NULL;

  if (!check_authority (authority, error))
    return NULL;
  base = g_strdup (authority);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return g_strdup_printf ("%s/%s/oauth2/v2.0/%s", base,
                          kabar_account_get_oauth2_tenant (account), name);
}

const char *
kabar_oauth2_get_resource_scopes (KabarOAuth2Resource resource)
{
  return resource == KABAR_OAUTH2_RESOURCE_GRAPH ? KABAR_OAUTH2_GRAPH_SCOPES : KABAR_OAUTH2_SCOPES;
}

KabarOAuth2Resource
kabar_oauth2_get_sign_in_resource (KabarAccount *account)
{
  return kabar_account_get_incoming_kind (account) == KABAR_INCOMING_GRAPH ? KABAR_OAUTH2_RESOURCE_GRAPH
                                                                            : KABAR_OAUTH2_RESOURCE_MAIL;
}

char *
kabar_oauth2_get_server_name (KabarAccount *account)
{
  const char *authority = kabar_account_get_oauth2_authority (account);
  g_autoptr(GUri) uri = g_uri_parse (authority, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (authority);
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup (g_uri_get_host (uri));
}

void
kabar_oauth2_tokens_free (KabarOAuth2Tokens *tokens)
{
  if (tokens == NULL)
    return;
  kabar_secrets_free (tokens->access_token);
  kabar_secrets_free (tokens->refresh_token);
  g_free (tokens);
}

KabarOAuth2Error
kabar_oauth2_error_from_code (const char *code,
                              gboolean    refreshing)
{
  if (g_strcmp0 (code, "access_denied") == 0)
    return KABAR_OAUTH2_ERROR_DENIED;
  if (g_strcmp0 (code, "invalid_client") == 0 || g_strcmp0 (code, "unauthorized_client") == 0)
    return KABAR_OAUTH2_ERROR_CLIENT_REFUSED;
  if (refreshing && g_strcmp0 (code, "invalid_grant") == 0)
    return KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED;
  return KABAR_OAUTH2_ERROR_SERVER;
}

/* --- the token request -------------------------------------------------------- */

typedef struct
{
  SoupSession *session;
  char        *server_name;
  gboolean     refreshing;
  guint        status;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->session);
  g_free (request->server_name);
  g_free (request);
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

/* Microsoft sends a number; some servers send it as a string. */
static gint64
get_expires_in (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "expires_in");

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
  return json_node_get_int (node);
}

static JsonObject *
parse_object (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static void
return_refusal (GTask      *task,
                Request    *request,
                JsonObject *object)
{
  g_autofree char *code = object != NULL ? dup_member (object, "error") : NULL;
  g_autofree char *description = object != NULL ? dup_member (object, "error_description") : NULL;

  if (code == NULL)
    {
      g_task_return_new_error (task, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SERVER,
                               "%s answered the token request with HTTP status %u",
                               request->server_name, request->status);
      return;
    }
  g_task_return_new_error (task, KABAR_OAUTH2_ERROR,
                           kabar_oauth2_error_from_code (code, request->refreshing),
                           "%s refused the sign-in: %s (%s)", request->server_name,
                           description != NULL ? description : code, code);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonObject) object = NULL;
  KabarOAuth2Tokens *tokens;

  if (body == NULL)
    {
      g_prefix_error (&error, "Could not reach the sign-in server %s: ", request->server_name);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  request->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source), result));
  object = parse_object (body);
  if (request->status != SOUP_STATUS_OK)
    {
      return_refusal (task, request, object);
      return;
    }
  tokens = g_new0 (KabarOAuth2Tokens, 1);
  if (object != NULL)
    {
      tokens->access_token = dup_member (object, "access_token");
      tokens->refresh_token = dup_member (object, "refresh_token");
      tokens->expires_in = get_expires_in (object);
    }
  if (tokens->access_token == NULL || *tokens->access_token == '\0')
    {
      kabar_oauth2_tokens_free (tokens);
      g_task_return_new_error (task, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_PROTOCOL,
                               "%s answered the token request without an access token",
                               request->server_name);
      return;
    }
  g_task_return_pointer (task, tokens, (GDestroyNotify) kabar_oauth2_tokens_free);
}

void
kabar_oauth2_request_tokens_async (const char          *token_uri,
                                   const char          *server_name,
                                   GHashTable          *form,
                                   gboolean             refreshing,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);
  g_autoptr(SoupMessage) message = NULL;
  char *encoded = soup_form_encode_hash (form);
  gsize length = strlen (encoded);
  g_autoptr(GBytes) body = g_bytes_new_take (encoded, length);

  g_task_set_source_tag (task, kabar_oauth2_request_tokens_async);
  request->server_name = g_strdup (server_name);
  request->refreshing = refreshing;
  /* One session a request: the caller may be on any thread. */
  request->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_SECONDS,
                                                    "user-agent", "Kabar/" PACKAGE_VERSION " ",
                                                    NULL);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  message = soup_message_new (SOUP_METHOD_POST, token_uri);
  if (message == NULL)
    {
      g_task_return_new_error (task, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_PROTOCOL,
                               "The token endpoint “%s” is not a web address", token_uri);
      return;
    }
  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", body);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  soup_session_send_and_read_async (request->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    on_sent, g_steal_pointer (&task));
}

KabarOAuth2Tokens *
kabar_oauth2_request_tokens_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
