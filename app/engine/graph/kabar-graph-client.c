/* kabar-graph-client.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One request's life: a slot among the few in flight, a token, the
 * exchange, and the answers that ask for another go (401 once with a fresh
 * token, 429 and 503 after their Retry-After).
 */

#include "config.h"

#include <libsoup/soup.h>

#include "kabar-graph-client-private.h"
#include "kabar-graph-limit.h"
#include "kabar-net-error.h"
#include "kabar-oauth2.h"
#include "kabar-secrets.h"

#define DEFAULT_TIMEOUT_SECONDS 60

struct _KabarGraphClient
{
  GObject                  parent_instance;

  KabarAccount            *account;
  GMainContext            *context;
  SoupSession             *session;
  char                    *host;
  guint16                  port;
  char                    *base_uri;
  char                    *server_name;  /* host[:port], for messages */
  KabarCertificateProblem *certificate_problem;
  guint                    max_retries;
  KabarGraphLimit         *limit;        /* the account's, shared */
};

G_DEFINE_FINAL_TYPE (KabarGraphClient, kabar_graph_client, G_TYPE_OBJECT)

typedef enum
{
  ANSWER_JSON,
  ANSWER_BYTES,
} Answer;

typedef struct
{
  char   *method;
  char   *uri;
  char   *what;           /* "GET /me/mailFolders on HOST" */
  GBytes *body;
  char   *content_type;
  guint   page_size;
  Answer  answer;
  guint   attempt;        /* retries after throttling so far */
  gboolean fresh_token;   /* the 401 retry is spent */
  gboolean holds_slot;
  KabarGraphWaiter *waiter; /* while it waits for a slot */
  GSource *queued;        /* while queued: fires when cancelled */
} Call;

static void
call_free (Call *call)
{
  g_free (call->method);
  g_free (call->uri);
  g_free (call->what);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call->content_type);
  if (call->queued != NULL)
    {
      g_source_destroy (call->queued);
      g_source_unref (call->queued);
    }
  g_free (call);
}

static void
kabar_graph_client_finalize (GObject *object)
{
  KabarGraphClient *self = KABAR_GRAPH_CLIENT (object);

  g_clear_pointer (&self->limit, kabar_graph_limit_unref);
  g_clear_object (&self->account);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->session);
  g_free (self->host);
  g_free (self->base_uri);
  g_free (self->server_name);
  g_clear_pointer (&self->certificate_problem, kabar_certificate_problem_unref);

  G_OBJECT_CLASS (kabar_graph_client_parent_class)->finalize (object);
}

static void
kabar_graph_client_class_init (KabarGraphClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kabar_graph_client_finalize;
}

static void
kabar_graph_client_init (KabarGraphClient *self)
{
  self->max_retries = KABAR_GRAPH_DEFAULT_RETRIES;
}

KabarGraphClient *
kabar_graph_client_new (KabarAccount *account)
{
  KabarGraphClient *self;

  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), NULL);

  self = g_object_new (KABAR_TYPE_GRAPH_CLIENT, NULL);
  self->account = g_object_ref (account);
  self->context = g_main_context_ref_thread_default ();
  self->limit = kabar_graph_limit_get (account);
  self->host = g_strdup (kabar_account_get_host (account, KABAR_SERVER_INCOMING));
  self->port = kabar_account_get_port (account, KABAR_SERVER_INCOMING);
  if (self->port == 0)
    self->port = 443;
  if (self->port == 443)
    self->server_name = g_strdup (self->host);
  else
    self->server_name = g_strdup_printf ("%s:%u", self->host, self->port);
  self->base_uri = g_strdup_printf ("https://%s/v1.0", self->server_name);
  self->session = soup_session_new_with_options ("user-agent", "Kabar/" PACKAGE_VERSION,
                                                 "timeout", DEFAULT_TIMEOUT_SECONDS,
                                                 "max-conns-per-host", KABAR_GRAPH_MAX_IN_FLIGHT,
                                                 NULL);
  return self;
}

const char *
kabar_graph_client_get_base_uri (KabarGraphClient *self)
{
  g_return_val_if_fail (KABAR_IS_GRAPH_CLIENT (self), NULL);
  return self->base_uri;
}

KabarCertificateProblem *
kabar_graph_client_get_certificate_problem (KabarGraphClient *self)
{
  g_return_val_if_fail (KABAR_IS_GRAPH_CLIENT (self), NULL);
  return self->certificate_problem;
}

void
kabar_graph_client_set_max_retries (KabarGraphClient *self,
                                    guint             retries)
{
  g_return_if_fail (KABAR_IS_GRAPH_CLIENT (self));
  self->max_retries = retries;
}

void
kabar_graph_client_set_timeout (KabarGraphClient *self,
                                guint             timeout_seconds)
{
  g_return_if_fail (KABAR_IS_GRAPH_CLIENT (self));
  g_return_if_fail (timeout_seconds > 0);
  soup_session_set_timeout (self->session, timeout_seconds);
}

guint
kabar_graph_client_get_max_retries (KabarGraphClient *self)
{
  return self->max_retries;
}

GMainContext *
kabar_graph_client_get_context (KabarGraphClient *self)
{
  return self->context;
}

const char *
kabar_graph_client_get_server_name (KabarGraphClient *self)
{
  return self->server_name;
}

/* --- waiting ----------------------------------------------------------------- */

typedef struct
{
  GSource     *timeout;
  GSource     *cancelled;
  GSourceFunc  func;
  gpointer     data;
} Wait;

static void
wait_fire (Wait *wait)
{
  g_source_destroy (wait->timeout);
  g_source_unref (wait->timeout);
  if (wait->cancelled != NULL)
    {
      g_source_destroy (wait->cancelled);
      g_source_unref (wait->cancelled);
    }
  wait->func (wait->data);
  g_free (wait);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  wait_fire (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_wait_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  wait_fire (user_data);
  return G_SOURCE_REMOVE;
}

void
kabar_graph_client_wait (KabarGraphClient *self,
                         guint             seconds,
                         GCancellable     *cancellable,
                         GSourceFunc       func,
                         gpointer          data)
{
  Wait *wait = g_new0 (Wait, 1);

  wait->func = func;
  wait->data = data;
  wait->timeout = seconds > 0 ? g_timeout_source_new_seconds (seconds) : g_idle_source_new ();
  g_source_set_callback (wait->timeout, on_wait_timeout, wait, NULL);
  if (cancellable != NULL)
    {
      wait->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (wait->cancelled, G_SOURCE_FUNC (on_wait_cancelled), wait, NULL);
      g_source_attach (wait->cancelled, self->context);
    }
  g_source_attach (wait->timeout, self->context);
}

guint
kabar_graph_retry_delay (const char *retry_after,
                         guint       attempt)
{
  g_autofree char *stripped = retry_after != NULL ? g_strstrip (g_strdup (retry_after)) : NULL;
  guint64 seconds;

  /* Without a usable Retry-After: back off 1, 2, 4… seconds. Graph sends
   * seconds; an HTTP date is not worth trusting a skewed clock for. */
  if (stripped == NULL || !g_ascii_string_to_unsigned (stripped, 10, 0, G_MAXUINT, &seconds, NULL))
    seconds = (guint64) 1 << MIN (attempt, 6);
  return MIN (seconds, KABAR_GRAPH_MAX_WAIT_SECONDS);
}

/* --- errors ------------------------------------------------------------------ */

static gboolean
is_delta_refusal (const char *code)
{
  return g_strcmp0 (code, "syncStateNotFound") == 0 ||
         g_strcmp0 (code, "syncStateInvalid") == 0 ||
         g_strcmp0 (code, "resyncRequired") == 0;
}

static KabarGraphError
error_code_for_status (guint       status,
                       const char *code)
{
  if (status == 410 || is_delta_refusal (code))
    return KABAR_GRAPH_ERROR_DELTA_REFUSED;
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      return KABAR_GRAPH_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return KABAR_GRAPH_ERROR_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND:
      return KABAR_GRAPH_ERROR_NOT_FOUND;
    case KABAR_GRAPH_STATUS_TOO_MANY_REQUESTS:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      return KABAR_GRAPH_ERROR_THROTTLED;
    default:
      return status >= 500 ? KABAR_GRAPH_ERROR_SERVER : KABAR_GRAPH_ERROR_REFUSED;
    }
}

GError *
kabar_graph_error_new_for_status (guint       status,
                                  JsonNode   *body,
                                  const char *what)
{
  JsonObject *error = NULL;
  const char *code = NULL;
  const char *message = NULL;

  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    {
      JsonObject *object = json_node_get_object (body);

      if (json_object_has_member (object, "error") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "error")))
        error = json_object_get_object_member (object, "error");
    }
  if (error != NULL)
    {
      code = json_object_get_string_member_with_default (error, "code", NULL);
      message = json_object_get_string_member_with_default (error, "message", NULL);
    }
  if (code != NULL)
    return g_error_new (KABAR_GRAPH_ERROR, error_code_for_status (status, code), "%s: %s: %s",
                        what, code, message != NULL ? message : soup_status_get_phrase (status));
  return g_error_new (KABAR_GRAPH_ERROR, error_code_for_status (status, NULL), "%s: HTTP %u %s",
                      what, status, soup_status_get_phrase (status));
}

/* --- URIs -------------------------------------------------------------------- */

/* Leaves what is already escaped, and every delimiter, as it is. */
static char *
escape_uri (const char *uri)
{
  return g_uri_escape_string (uri, ":/?#[]@!$&'()*+,;=%", FALSE);
}

static gboolean
is_on_graph_host (KabarGraphClient *self,
                  const char       *uri_string)
{
  g_autoptr(GUri) uri = g_uri_parse (uri_string, SOUP_HTTP_URI_FLAGS, NULL);
  int port;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_host (uri) == NULL)
    return FALSE;
  port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 443;
  return g_ascii_strcasecmp (g_uri_get_host (uri), self->host) == 0 && port == self->port &&
         g_str_has_prefix (g_uri_get_path (uri), "/v1.0/");
}

/* A relative path on the base, or a full URL that must be on the Graph
 * host: a server's link elsewhere would get our token. */
static char *
resolve (KabarGraphClient  *self,
         const char        *path,
         GError           **error)
{
  g_autofree char *escaped = escape_uri (path);

  if (path[0] == '/')
    return g_strconcat (self->base_uri, escaped, NULL);
  if (is_on_graph_host (self, escaped))
    return g_steal_pointer (&escaped);
  g_set_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
               "Microsoft Graph at %s was asked for a link to another server: %s", self->server_name, path);
  return NULL;
}

/* "GET /me/mailFolders on HOST": the path under the base, no query. */
static char *
describe (KabarGraphClient *self,
          const char       *method,
          const char       *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  const char *path = parsed != NULL ? g_uri_get_path (parsed) : uri;

  if (g_str_has_prefix (path, "/v1.0/"))
    path += strlen ("/v1.0");
  return g_strdup_printf ("%s %s on %s", method, path, self->server_name);
}

/* --- the exchange ------------------------------------------------------------ */

static void get_token (GTask *task);

static void
finish_call (GTask  *task,
             GError *error,
             gpointer result,
             GDestroyNotify result_free)
{
  Call *call = g_task_get_task_data (task);

  if (call->holds_slot)
    {
      call->holds_slot = FALSE;
      kabar_graph_limit_release (((KabarGraphClient *) g_task_get_source_object (task))->limit);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, result_free);
  g_object_unref (task);
}

static void
stop_watching (Call *call)
{
  if (call->queued == NULL)
    return;
  g_source_destroy (call->queued);
  g_clear_pointer (&call->queued, g_source_unref);
}

/* A slot freed by any client of the account, on this client's context. */
static gboolean
on_slot (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;

  stop_watching (call);
  call->waiter = NULL;
  call->holds_slot = TRUE;
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    finish_call (task, error, NULL, NULL);
  else
    get_token (task);
  return G_SOURCE_REMOVE;
}

/* A call cancelled while it waits for a slot ends at once, unless the
 * slot is already on its way (on_slot then ends it). */
static gboolean
on_queued_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  KabarGraphClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  g_clear_pointer (&call->queued, g_source_unref);
  if (!kabar_graph_limit_withdraw (self->limit, call->waiter))
    return G_SOURCE_REMOVE;
  call->waiter = NULL;
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* The task's reference goes with the slot, or with the wait for one. */
static void
take_slot (KabarGraphClient *self,
           GTask            *task)
{
  Call *call = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  call->waiter = kabar_graph_limit_take (self->limit, self->context, on_slot, task);
  if (call->waiter == NULL)
    {
      call->holds_slot = TRUE;
      get_token (task);
      return;
    }
  if (cancellable == NULL)
    return;
  call->queued = g_cancellable_source_new (cancellable);
  g_source_set_callback (call->queued, G_SOURCE_FUNC (on_queued_cancelled), task, NULL);
  g_source_attach (call->queued, self->context);
}

static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *peer_certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  KabarGraphClient *self = user_data;
  GTlsCertificate *pinned = kabar_account_get_pinned_certificate (self->account, KABAR_SERVER_INCOMING);

  /* The user's own decision for this host, and nothing looser, as the
   * mail protocols' connections do. */
  if (pinned != NULL && g_tls_certificate_is_same (peer_certificate, pinned))
    return TRUE;
  g_clear_pointer (&self->certificate_problem, kabar_certificate_problem_unref);
  self->certificate_problem = kabar_certificate_problem_new (self->host, self->port, peer_certificate, errors);
  return FALSE;
}

static GError *
network_error (KabarGraphClient *self,
               const Call       *call,
               const GError     *error)
{
  g_autoptr(GError) mapped = kabar_net_error_new_from (error);
  g_auto(GStrv) descriptions = NULL;
  g_autofree char *joined = NULL;

  if (g_error_matches (mapped, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&mapped);
  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) && self->certificate_problem != NULL)
    {
      descriptions = kabar_certificate_problem_dup_descriptions (self->certificate_problem);
      joined = g_strjoinv (" ", descriptions);
      return g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE,
                          "The certificate of %s is not trusted. %s (%s)",
                          self->server_name, joined, error->message);
    }
  g_prefix_error (&mapped, "%s: ", call->what);
  return g_steal_pointer (&mapped);
}

static JsonNode *
parse_json (GBytes   *bytes,
            GError  **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (size == 0)
    return json_node_new (JSON_NODE_NULL);
  if (!json_parser_load_from_data (parser, data, size, error))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static void
answer (GTask   *task,
        guint    status,
        GBytes  *bytes)
{
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  JsonNode *node;

  if (SOUP_STATUS_IS_SUCCESSFUL (status) && call->answer == ANSWER_BYTES)
    {
      finish_call (task, NULL, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
      return;
    }
  node = parse_json (bytes, &error);
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      GError *unreadable = NULL;

      if (node == NULL)
        unreadable = g_error_new (KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL, "%s: an unreadable answer: %s",
                                  call->what, error->message);
      g_clear_error (&error);
      finish_call (task, unreadable, node, (GDestroyNotify) json_node_unref);
      return;
    }
  g_clear_error (&error);
  error = kabar_graph_error_new_for_status (status, node, call->what);
  g_clear_pointer (&node, json_node_unref);
  finish_call (task, error, NULL, NULL);
}

static gboolean
on_retry (gpointer user_data)
{
  GTask *task = user_data;

  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    finish_call (task, error, NULL, NULL);
  else
    get_token (task);
  return G_SOURCE_REMOVE;
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  KabarGraphClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = g_object_ref (soup_session_get_async_result_message (SOUP_SESSION (source),
                                                                                        result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status = soup_message_get_status (message);

  if (bytes == NULL)
    {
      finish_call (task, network_error (self, call, error), NULL, NULL);
      return;
    }
  if (status == SOUP_STATUS_UNAUTHORIZED && !call->fresh_token)
    {
      /* Expired or revoked before its time: one fresh token, one retry. */
      call->fresh_token = TRUE;
      kabar_oauth2_forget_resource_token (self->account, KABAR_OAUTH2_RESOURCE_GRAPH);
      get_token (task);
      return;
    }
  if ((status == KABAR_GRAPH_STATUS_TOO_MANY_REQUESTS || status == SOUP_STATUS_SERVICE_UNAVAILABLE) &&
      call->attempt < self->max_retries)
    {
      const char *retry_after = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                              "Retry-After");

      kabar_graph_client_wait (self, kabar_graph_retry_delay (retry_after, call->attempt),
                               g_task_get_cancellable (task), on_retry, task);
      call->attempt++;
      return;
    }
  answer (task, status, bytes);
}

static void
send (GTask      *task,
      const char *token)
{
  KabarGraphClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = soup_message_new (call->method, call->uri);
  SoupMessageHeaders *headers;
  g_autofree char *authorization = NULL;

  if (message == NULL)
    {
      finish_call (task, g_error_new (KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
                                      "%s: not a usable address: %s", call->what, call->uri),
                   NULL, NULL);
      return;
    }
  headers = soup_message_get_request_headers (message);
  authorization = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_append (headers, "Prefer", "IdType=\"ImmutableId\"");
  if (call->page_size > 0)
    {
      g_autofree char *prefer = g_strdup_printf ("odata.maxpagesize=%u", call->page_size);

      soup_message_headers_append (headers, "Prefer", prefer);
    }
  if (call->answer == ANSWER_JSON)
    soup_message_headers_replace (headers, "Accept", "application/json");
  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (message, call->content_type, call->body);
  g_signal_connect_object (message, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                    on_sent, task);
  memset (authorization, 0, strlen (authorization));
}

static void
on_token (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  char *token = kabar_oauth2_get_resource_token_finish (result, &error);

  if (token == NULL)
    {
      finish_call (task, error, NULL, NULL);
      return;
    }
  send (task, token);
  kabar_secrets_free (token);
}

static void
get_token (GTask *task)
{
  KabarGraphClient *self = g_task_get_source_object (task);

  kabar_oauth2_get_resource_token_async (self->account, KABAR_OAUTH2_RESOURCE_GRAPH, g_task_get_cancellable (task),
                                         on_token, task);
}

/* Takes body. */
static void
start_call (KabarGraphClient    *self,
            const char          *method,
            const char          *path,
            GBytes              *body,
            const char          *content_type,
            guint                page_size,
            Answer               kind,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  call->method = g_strdup (method);
  call->body = body;
  call->content_type = g_strdup (content_type);
  call->page_size = page_size;
  call->answer = kind;
  call->uri = resolve (self, path, &error);
  if (call->uri == NULL)
    {
      finish_call (task, error, NULL, NULL);
      return;
    }
  call->what = describe (self, method, call->uri);
  take_slot (self, task);
}

static GBytes *
json_bytes (JsonNode *body)
{
  g_autoptr(JsonGenerator) generator = NULL;
  gsize length;
  char *data;

  if (body == NULL)
    return NULL;
  generator = json_generator_new ();
  json_generator_set_root (generator, body);
  data = json_generator_to_data (generator, &length);
  return g_bytes_new_take (data, length);
}

void
kabar_graph_client_request_async (KabarGraphClient    *self,
                                  const char          *method,
                                  const char          *path,
                                  JsonNode            *body,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_GRAPH_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL);

  start_call (self, method, path, json_bytes (body), "application/json", 0, ANSWER_JSON, cancellable,
              callback, user_data, kabar_graph_client_request_async);
}

JsonNode *
kabar_graph_client_request_finish (KabarGraphClient  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kabar_graph_client_get_bytes_async (KabarGraphClient    *self,
                                    const char          *path,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_GRAPH_CLIENT (self));
  g_return_if_fail (path != NULL);

  start_call (self, SOUP_METHOD_GET, path, NULL, NULL, 0, ANSWER_BYTES, cancellable, callback, user_data,
              kabar_graph_client_get_bytes_async);
}

GBytes *
kabar_graph_client_get_bytes_finish (KabarGraphClient  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kabar_graph_client_post_bytes_async (KabarGraphClient    *self,
                                     const char          *path,
                                     const char          *content_type,
                                     GBytes              *bytes,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_GRAPH_CLIENT (self));
  g_return_if_fail (path != NULL && content_type != NULL && bytes != NULL);

  start_call (self, SOUP_METHOD_POST, path, g_bytes_ref (bytes), content_type, 0, ANSWER_JSON, cancellable,
              callback, user_data, kabar_graph_client_request_async);
}

/* --- pages ------------------------------------------------------------------- */

typedef struct
{
  KabarGraphPageFunc  page_func;
  gpointer            page_data;
  guint               page_size;
} Pages;

static void get_page (GTask *task, const char *uri);

/* A link the server gave: it must lead back to the Graph host. */
static gboolean
check_link (KabarGraphClient  *self,
            const char        *name,
            const char        *link,
            GError           **error)
{
  if (is_on_graph_host (self, link))
    return TRUE;
  g_set_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
               "Microsoft Graph at %s sent an %s to another server: %s", self->server_name, name, link);
  return FALSE;
}

static void
on_page (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarGraphClient *self = KABAR_GRAPH_CLIENT (source);
  Pages *pages = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) node = kabar_graph_client_request_finish (self, result, &error);
  JsonObject *object;
  JsonNode *value;
  const char *next_link;
  const char *delta_link;

  if (node == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  value = object != NULL ? json_object_get_member (object, "value") : NULL;
  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    {
      g_task_return_new_error (task, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
                               "Microsoft Graph at %s sent a page without a list of items",
                               self->server_name);
      return;
    }
  next_link = json_object_get_string_member_with_default (object, "@odata.nextLink", NULL);
  delta_link = json_object_get_string_member_with_default (object, "@odata.deltaLink", NULL);
  /* Checked before the page is used: a hostile server's page is not
   * taken either. */
  if ((next_link != NULL && !check_link (self, "@odata.nextLink", next_link, &error)) ||
      (next_link == NULL && delta_link != NULL && !check_link (self, "@odata.deltaLink", delta_link, &error)) ||
      !pages->page_func (json_node_get_array (value), pages->page_data, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (next_link != NULL)
    get_page (g_steal_pointer (&task), next_link);
  else
    g_task_return_pointer (task, g_strdup (delta_link), g_free);
}

static void
get_page (GTask      *task,
          const char *uri)
{
  KabarGraphClient *self = g_task_get_source_object (task);
  Pages *pages = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  start_call (self, SOUP_METHOD_GET, uri, NULL, NULL, pages->page_size, ANSWER_JSON,
              g_task_get_cancellable (task), on_page, task, kabar_graph_client_request_async);
}

void
kabar_graph_client_get_pages_async (KabarGraphClient    *self,
                                    const char          *path,
                                    guint                page_size,
                                    KabarGraphPageFunc   page_func,
                                    gpointer             page_data,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  Pages *pages;

  g_return_if_fail (KABAR_IS_GRAPH_CLIENT (self));
  g_return_if_fail (path != NULL && page_func != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_graph_client_get_pages_async);
  pages = g_new0 (Pages, 1);
  pages->page_func = page_func;
  pages->page_data = page_data;
  pages->page_size = page_size;
  g_task_set_task_data (task, pages, g_free);
  get_page (task, path);
}

char *
kabar_graph_client_get_pages_finish (KabarGraphClient  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
