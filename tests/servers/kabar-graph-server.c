/* kabar-graph-server.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The HTTP side of the Graph test server: the thread, authentication,
 * faults, $batch and the routes' dispatch. Each request is held a few
 * milliseconds before it is answered, so requests a client sends at once
 * are seen in progress together (get_max_in_flight).
 */

#include <string.h>

#include "kabar-graph-server-impl.h"

#define DEFAULT_PAGE_SIZE 50
#define MAX_BATCH         20
#define HOLD_MS           5

typedef struct
{
  KabarGraphRouteFunc func;
  gpointer            data;
} Route;

typedef struct
{
  gpointer       data;
  GDestroyNotify destroy;
} Data;

typedef struct
{
  char            *method;
  char            *prefix;
  guint            n;
  KabarGraphFault  fault;
  gboolean         after_change;
} Fault;

/* What a request's fault check decided. */
typedef enum
{
  VERDICT_ANSWER,
  VERDICT_FAIL,       /* answered with the fault's status, no change */
  VERDICT_FAIL_AFTER, /* the change made, then the fault's status */
  VERDICT_CUT,        /* cut before the change */
  VERDICT_CUT_AFTER,  /* cut after the change */
} Verdict;

static void
data_free (Data *data)
{
  if (data->destroy != NULL)
    data->destroy (data->data);
  g_free (data);
}

static void
fault_free (Fault *fault)
{
  g_free (fault->method);
  g_free (fault->prefix);
  g_free (fault);
}

/* --- responses ----------------------------------------------------------------- */

void
kabar_graph_response_clear (KabarGraphResponse *response)
{
  g_clear_pointer (&response->headers, g_hash_table_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_clear_pointer (&response->bytes, g_bytes_unref);
  g_clear_pointer (&response->content_type, g_free);
  response->status = 0;
}

static void
response_reset_body (KabarGraphResponse *response)
{
  g_clear_pointer (&response->json, json_node_unref);
  g_clear_pointer (&response->bytes, g_bytes_unref);
  g_clear_pointer (&response->content_type, g_free);
}

void
kabar_graph_response_set_json (KabarGraphResponse *response,
                               guint               status,
                               JsonNode           *json)
{
  response_reset_body (response);
  response->status = status;
  response->json = json;
}

void
kabar_graph_response_set_object (KabarGraphResponse *response,
                                 guint               status,
                                 JsonObject         *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  kabar_graph_response_set_json (response, status, node);
}

void
kabar_graph_response_set_bytes (KabarGraphResponse *response,
                                guint               status,
                                const char         *content_type,
                                GBytes             *bytes)
{
  response_reset_body (response);
  response->status = status;
  response->bytes = bytes;
  response->content_type = g_strdup (content_type);
}

void
kabar_graph_response_set_empty (KabarGraphResponse *response,
                                guint               status)
{
  response_reset_body (response);
  response->status = status;
}

void
kabar_graph_response_set_header (KabarGraphResponse *response,
                                 const char         *name,
                                 const char         *value)
{
  if (response->headers == NULL)
    response->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (response->headers, g_strdup (name), g_strdup (value));
}

void
kabar_graph_response_set_error (KabarGraphResponse *response,
                                guint               status,
                                const char         *code,
                                const char         *message)
{
  JsonObject *object = json_object_new ();
  JsonObject *error = json_object_new ();
  JsonObject *inner = json_object_new ();
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  /* As Graph words it: the client must read code and message and ignore
   * the rest. */
  json_object_set_string_member (inner, "date", date);
  json_object_set_string_member (inner, "request-id", id);
  json_object_set_string_member (inner, "client-request-id", id);
  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_object_member (error, "innerError", inner);
  json_object_set_object_member (object, "error", error);
  kabar_graph_response_set_object (response, status, object);
}

char *
kabar_graph_format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* --- the model's machinery ------------------------------------------------------- */

void
kabar_graph_server_lock (KabarGraphServer *self)
{
  g_mutex_lock (&self->mutex);
}

void
kabar_graph_server_unlock (KabarGraphServer *self)
{
  g_mutex_unlock (&self->mutex);
}

void
kabar_graph_server_add_route (KabarGraphServer    *self,
                              KabarGraphRouteFunc  func,
                              gpointer             data)
{
  Route route = { func, data };

  g_array_append_val (self->routes, route);
}

void
kabar_graph_server_set_data (KabarGraphServer *self,
                             const char       *key,
                             gpointer          data,
                             GDestroyNotify    destroy)
{
  Data *entry = g_new0 (Data, 1);

  entry->data = data;
  entry->destroy = destroy;
  g_hash_table_replace (self->data, g_strdup (key), entry);
}

gpointer
kabar_graph_server_get_data (KabarGraphServer *self,
                             const char       *key)
{
  Data *entry = g_hash_table_lookup (self->data, key);

  return entry != NULL ? entry->data : NULL;
}

char *
kabar_graph_server_new_id (KabarGraphServer *self)
{
  guint8 bytes[40];
  g_autofree char *text = NULL;
  guint64 number = ++self->next_id;

  /* Graph's ids are long base64: a fixed mailbox part, then the item's. */
  for (gsize i = 0; i < sizeof bytes; i++)
    bytes[i] = (i < 8) ? (guint8) (0x30 + i) : (guint8) g_random_int_range (0, 256);
  for (gsize i = 0; i < 8; i++)
    bytes[8 + i] = (guint8) (number >> (8 * i));
  text = g_base64_encode (bytes, sizeof bytes);
  /* Ids go in URL paths unescaped, as Graph's do: no '/'. */
  g_strdelimit (text, "/", '-');
  g_strdelimit (text, "+", '_');
  return g_strconcat ("AAMkAD", text, NULL);
}

guint64
kabar_graph_server_tick (KabarGraphServer *self)
{
  return ++self->sequence;
}

char *
kabar_graph_server_link_base (KabarGraphServer *self)
{
  if (self->foreign_links)
    return g_strdup ("https://graph.example.net/v1.0");
  return g_strdup (self->base_uri);
}

void
kabar_graph_server_answer_collection (KabarGraphServer        *self,
                                      const KabarGraphRequest *request,
                                      GPtrArray               *items,
                                      KabarGraphResponse      *response)
{
  const char *skip = g_hash_table_lookup (request->query, "$skiptoken");
  guint64 start = skip != NULL ? g_ascii_strtoull (skip, NULL, 10) : 0;
  JsonObject *object = json_object_new ();
  JsonArray *value = json_array_new ();
  g_autofree char *context = g_strdup_printf ("%s/$metadata#%s", self->base_uri, request->path + 1);
  guint i;

  for (i = (guint) MIN (start, items->len); i < items->len && i < start + request->page_size; i++)
    json_array_add_object_element (value, json_object_ref (g_ptr_array_index (items, i)));
  json_object_set_string_member (object, "@odata.context", context);
  if (i < items->len)
    {
      g_autofree char *base = kabar_graph_server_link_base (self);
      GString *link = g_string_new (NULL);
      GHashTableIter iter;
      gpointer key, value_text;

      /* The next page keeps the request's $filter and the rest; "$" stays
       * as Graph writes it. */
      g_string_append_printf (link, "%s%s?$skiptoken=%u", base, request->path, i);
      g_hash_table_iter_init (&iter, request->query);
      while (g_hash_table_iter_next (&iter, &key, &value_text))
        if (!g_str_equal (key, "$skiptoken"))
          {
            g_string_append_c (link, '&');
            g_string_append_uri_escaped (link, key, "$", FALSE);
            g_string_append_c (link, '=');
            g_string_append_uri_escaped (link, value_text, NULL, FALSE);
          }

      json_object_set_string_member (object, "@odata.nextLink", link->str);
      g_string_free (link, TRUE);
    }
  json_object_set_array_member (object, "value", value);
  kabar_graph_response_set_object (response, 200, object);
  g_ptr_array_unref (items);
}

/* --- requests ------------------------------------------------------------------ */

static guint
preferred_page_size (KabarGraphServer   *self,
                     SoupMessageHeaders *headers)
{
  const char *prefer = headers != NULL ? soup_message_headers_get_list (headers, "Prefer") : NULL;
  g_auto(GStrv) parts = prefer != NULL ? g_strsplit (prefer, ",", -1) : NULL;
  guint size = self->page_size;

  for (guint i = 0; parts != NULL && parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);

      if (g_str_has_prefix (part, "odata.maxpagesize="))
        {
          guint64 wanted = g_ascii_strtoull (part + strlen ("odata.maxpagesize="), NULL, 10);

          if (wanted > 0 && wanted < size)
            size = (guint) wanted;
        }
    }
  return size;
}

typedef struct
{
  KabarGraphRequest request;
  char             *method;
  char             *path;
  char             *content_type;
} OwnedRequest;

static void
owned_request_clear (OwnedRequest *owned)
{
  g_free (owned->method);
  g_free (owned->path);
  g_free (owned->content_type);
  g_strfreev (owned->request.segments);
  g_clear_pointer (&owned->request.query, g_hash_table_unref);
  g_clear_pointer (&owned->request.headers, soup_message_headers_unref);
  g_clear_pointer (&owned->request.body, g_bytes_unref);
  g_clear_pointer (&owned->request.json, json_node_unref);
}

/* path: after /v1.0, may start without '/'; query: decoded, taken. */
static void
owned_request_init (KabarGraphServer   *self,
                    OwnedRequest       *owned,
                    const char         *method,
                    const char         *path,
                    GHashTable         *query,
                    SoupMessageHeaders *headers,
                    GBytes             *body)
{
  const char *content_type = soup_message_headers_get_one (headers, "Content-Type");
  g_autoptr(JsonParser) parser = json_parser_new ();

  memset (owned, 0, sizeof *owned);
  owned->method = g_strdup (method);
  owned->path = *path == '/' ? g_strdup (path) : g_strconcat ("/", path, NULL);
  owned->content_type = g_strdup (content_type);
  owned->request.method = owned->method;
  owned->request.path = owned->path;
  owned->request.segments = g_strsplit (owned->path + 1, "/", -1);
  owned->request.n_segments = g_strv_length (owned->request.segments);
  owned->request.query = query != NULL ? query : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  owned->request.headers = soup_message_headers_ref (headers);
  owned->request.content_type = owned->content_type;
  owned->request.body = g_bytes_ref (body);
  if (content_type != NULL && g_str_has_prefix (content_type, "application/json") &&
      g_bytes_get_size (body) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL))
    owned->request.json = json_node_ref (json_parser_get_root (parser));
  owned->request.page_size = preferred_page_size (self, headers);
}

static void
count_request (KabarGraphServer        *self,
               const KabarGraphRequest *request)
{
  g_ptr_array_add (self->requests, g_strdup_printf ("%s %s", request->method, request->path));
}

/* FALSE (answered 401) unless the bearer token is good. */
static gboolean
authenticate (KabarGraphServer   *self,
              SoupMessageHeaders *headers,
              KabarGraphResponse *response)
{
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char *token = NULL;
  gboolean good;

  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    token = authorization + 7;
  if (token == NULL || *token == '\0')
    {
      kabar_graph_response_set_error (response, 401, "InvalidAuthenticationToken",
                                       "Access token is empty.");
      return FALSE;
    }
  if (self->oauth != NULL)
    {
      g_autofree char *resource = kabar_oauth_server_get_token_resource (self->oauth, token);

      good = g_strcmp0 (resource, "graph") == 0;
    }
  else
    good = g_hash_table_contains (self->tokens, token);
  if (good && g_hash_table_contains (self->expired_tokens, token))
    {
      kabar_graph_response_set_error (response, 401, "InvalidAuthenticationToken",
                                      "Lifetime validation failed, the token is expired.");
      return FALSE;
    }
  if (!good)
    {
      kabar_graph_response_set_error (response, 401, "InvalidAuthenticationToken",
                                      "IDX14100: JWT is not well formed, there are no dots (.).");
      return FALSE;
    }
  g_hash_table_add (self->used_tokens, g_strdup (token));
  return TRUE;
}

static Verdict
check_faults (KabarGraphServer        *self,
              const KabarGraphRequest *request,
              KabarGraphResponse      *response)
{
  for (guint i = 0; i < self->faults->len; i++)
    {
      Fault *fault = g_ptr_array_index (self->faults, i);
      KabarGraphFault kind = fault->fault;
      gboolean after_change = fault->after_change;

      if ((fault->method != NULL && g_strcmp0 (fault->method, request->method) != 0) ||
          !g_str_has_prefix (request->path, fault->prefix))
        continue;
      if (--fault->n == 0)
        g_ptr_array_remove_index (self->faults, i);
      if (kind == KABAR_GRAPH_FAULT_CUT)
        return after_change ? VERDICT_CUT_AFTER : VERDICT_CUT;
      if (kind == KABAR_GRAPH_FAULT_500)
        kabar_graph_response_set_error (response, 500, "InternalServerError",
                                        "An internal server error occurred. The operation failed.");
      else
        {
          kabar_graph_response_set_error (response, 503, "ServiceUnavailable",
                                          "Service Unavailable. Please retry after some time.");
          kabar_graph_response_set_header (response, "Retry-After", "1");
        }
      return after_change ? VERDICT_FAIL_AFTER : VERDICT_FAIL;
    }
  return VERDICT_ANSWER;
}

static gboolean
check_throttle (KabarGraphServer   *self,
                KabarGraphResponse *response)
{
  g_autofree char *after = NULL;

  if (self->throttle_n == 0)
    return FALSE;
  self->throttle_n--;
  after = g_strdup_printf ("%u", self->throttle_retry_after);
  if (self->throttle_status == 503)
    kabar_graph_response_set_error (response, 503, "ServiceUnavailable",
                                    "Service Unavailable. Please retry after some time.");
  else
    kabar_graph_response_set_error (response, 429, "ApplicationThrottled",
                                    "Application is over its MailboxConcurrency limit.");
  kabar_graph_response_set_header (response, "Retry-After", after);
  return TRUE;
}

static void
route (KabarGraphServer        *self,
       const KabarGraphRequest *request,
       KabarGraphResponse      *response)
{
  g_autofree char *message = NULL;

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *entry = &g_array_index (self->routes, Route, i);

      if (entry->func (self, request, response, entry->data))
        {
          if (response->status == 0)
            kabar_graph_response_set_empty (response, 204);
          return;
        }
    }
  message = g_strdup_printf ("Resource not found for the segment '%s'.",
                             request->n_segments > 0 ? request->segments[request->n_segments - 1] : "");
  kabar_graph_response_set_error (response, 400, "BadRequest", message);
}

/* Graph answers for the user (/me) whether or not there is a mailbox
 * behind it: only the mail requests are refused. */
static gboolean
is_mail_request (const KabarGraphRequest *request)
{
  return request->n_segments >= 2 && g_str_equal (request->segments[0], "me") &&
         (g_str_equal (request->segments[1], "mailFolders") || g_str_equal (request->segments[1], "messages") ||
          g_str_equal (request->segments[1], "sendMail"));
}

static gboolean
refuse_mailbox (KabarGraphServer        *self,
                const KabarGraphRequest *request,
                KabarGraphResponse      *response)
{
  if (self->mailbox_status == 0 || !is_mail_request (request))
    return FALSE;
  kabar_graph_response_set_error (response, self->mailbox_status, self->mailbox_code, self->mailbox_message);
  return TRUE;
}

/* Faults, throttling and the routes for one request (plain or in a batch).
 * Returns TRUE to cut the connection. */
static gboolean
serve (KabarGraphServer        *self,
       const KabarGraphRequest *request,
       KabarGraphResponse      *response)
{
  g_auto(KabarGraphResponse) discarded = { 0, };

  count_request (self, request);
  switch (check_faults (self, request, response))
    {
    case VERDICT_CUT:
      return TRUE;
    case VERDICT_CUT_AFTER:
      route (self, request, &discarded);
      return TRUE;
    case VERDICT_FAIL:
      return FALSE;
    case VERDICT_FAIL_AFTER:
      route (self, request, &discarded);
      return FALSE;
    case VERDICT_ANSWER:
    default:
      break;
    }
  if (check_throttle (self, response))
    return FALSE;
  if (refuse_mailbox (self, request, response))
    return FALSE;
  route (self, request, response);
  return FALSE;
}

/* --- $batch -------------------------------------------------------------------- */

static GBytes *
batch_body_json (JsonObject         *entry,
                 SoupMessageHeaders *headers)
{
  JsonNode *body = json_object_get_member (entry, "body");
  const char *content_type;
  char *text;

  if (body == NULL || JSON_NODE_HOLDS_NULL (body))
    return g_bytes_new (NULL, 0);
  content_type = soup_message_headers_get_one (headers, "Content-Type");
  if (content_type == NULL)
    {
      soup_message_headers_replace (headers, "Content-Type", "application/json");
      content_type = "application/json";
    }
  if (!g_str_has_prefix (content_type, "application/json") && JSON_NODE_HOLDS_VALUE (body) &&
      json_node_get_value_type (body) == G_TYPE_STRING)
    return g_bytes_new (json_node_get_string (body), strlen (json_node_get_string (body)));
  text = json_to_string (body, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

static JsonObject *
batch_answer (const char         *id,
              KabarGraphResponse *response)
{
  JsonObject *answer = json_object_new ();
  JsonObject *headers = json_object_new ();
  GHashTableIter iter;
  gpointer name, value;

  json_object_set_string_member (answer, "id", id);
  json_object_set_int_member (answer, "status", response->status);
  if (response->headers != NULL)
    {
      g_hash_table_iter_init (&iter, response->headers);
      while (g_hash_table_iter_next (&iter, &name, &value))
        json_object_set_string_member (headers, name, value);
    }
  if (response->json != NULL)
    {
      json_object_set_string_member (headers, "Content-Type", "application/json");
      json_object_set_member (answer, "body", json_node_ref (response->json));
    }
  else if (response->bytes != NULL)
    {
      /* Graph gives a non-JSON body base64 encoded inside a batch. */
      g_autofree char *text = g_base64_encode (g_bytes_get_data (response->bytes, NULL),
                                                g_bytes_get_size (response->bytes));

      json_object_set_string_member (headers, "Content-Type", response->content_type);
      json_object_set_string_member (answer, "body", text);
    }
  json_object_set_object_member (answer, "headers", headers);
  return answer;
}

static gboolean
batch_request (KabarGraphServer *self,
               JsonObject       *entry,
               JsonArray        *answers)
{
  const char *id = json_object_get_string_member_with_default (entry, "id", "");
  const char *method = json_object_get_string_member_with_default (entry, "method", "GET");
  const char *url = json_object_get_string_member_with_default (entry, "url", "");
  JsonNode *given_node = json_object_get_member (entry, "headers");
  JsonObject *given = given_node != NULL && JSON_NODE_HOLDS_OBJECT (given_node) ? json_node_get_object (given_node) : NULL;
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_auto(KabarGraphResponse) response = { 0, };
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  const char *query_text;
  OwnedRequest owned;
  gboolean cut;

  if (given != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (given);

      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *header = json_object_get_member (given, l->data);

          if (JSON_NODE_HOLDS_VALUE (header) && json_node_get_value_type (header) == G_TYPE_STRING)
            soup_message_headers_replace (headers, l->data, json_node_get_string (header));
        }
    }
  body = batch_body_json (entry, headers);
  query_text = strchr (url, '?');
  path = query_text != NULL ? g_strndup (url, query_text - url) : g_strdup (url);
  owned_request_init (self, &owned, method, path,
                      query_text != NULL ? soup_form_decode (query_text + 1) : NULL, headers, body);
  cut = serve (self, &owned.request, &response);
  owned_request_clear (&owned);
  if (!cut)
    json_array_add_object_element (answers, batch_answer (id, &response));
  return !cut;
}

/* TRUE to cut the connection. */
static gboolean
run_batch (KabarGraphServer   *self,
           JsonArray          *requests,
           KabarGraphResponse *response)
{
  JsonObject *object;
  JsonArray *answers;

  if (requests == NULL)
    {
      kabar_graph_response_set_error (response, 400, "BadRequest", "Invalid batch payload format.");
      return FALSE;
    }
  if (json_array_get_length (requests) > MAX_BATCH)
    {
      kabar_graph_response_set_error (response, 400, "BadRequest",
                                      "Number of batch request steps exceeds the maximum of 20.");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (requests); i++)
    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (requests, i)))
      {
        kabar_graph_response_set_error (response, 400, "BadRequest", "Invalid batch payload format.");
        return FALSE;
      }
  answers = json_array_new ();
  for (guint i = 0; i < json_array_get_length (requests); i++)
    if (!batch_request (self, json_array_get_object_element (requests, i), answers))
      {
        json_array_unref (answers);
        return TRUE;
      }
  object = json_object_new ();
  json_object_set_array_member (object, "responses", answers);
  kabar_graph_response_set_object (response, 200, object);
  return FALSE;
}

/* TRUE to cut the connection. */
static gboolean
batch (KabarGraphServer        *self,
       const KabarGraphRequest *request,
       KabarGraphResponse      *response)
{
  JsonObject *body = request->json != NULL && JSON_NODE_HOLDS_OBJECT (request->json)
                       ? json_node_get_object (request->json) : NULL;
  JsonNode *member = body != NULL ? json_object_get_member (body, "requests") : NULL;
  JsonArray *requests = member != NULL && JSON_NODE_HOLDS_ARRAY (member) ? json_node_get_array (member) : NULL;
  g_auto(KabarGraphResponse) discarded = { 0, };
  Verdict verdict;

  count_request (self, request);
  verdict = check_faults (self, request, response);
  if (verdict == VERDICT_CUT)
    return TRUE;
  if (verdict == VERDICT_FAIL)
    return FALSE;
  if (verdict == VERDICT_ANSWER)
    return run_batch (self, requests, response);
  /* The batch is run, its answer lost. */
  return run_batch (self, requests, &discarded) || verdict == VERDICT_CUT_AFTER;
}

/* --- HTTP ---------------------------------------------------------------------- */

static void
write_response (SoupServerMessage  *message,
                KabarGraphResponse *response)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  GHashTableIter iter;
  gpointer name, value;

  soup_server_message_set_status (message, response->status, NULL);
  soup_message_headers_replace (headers, "request-id", "00000000-0000-0000-0000-000000000000");
  if (response->headers != NULL)
    {
      g_hash_table_iter_init (&iter, response->headers);
      while (g_hash_table_iter_next (&iter, &name, &value))
        soup_message_headers_replace (headers, name, value);
    }
  if (response->json != NULL)
    {
      gsize length;
      char *text = json_to_string (response->json, FALSE);

      length = strlen (text);
      soup_server_message_set_response (message, "application/json;odata.metadata=minimal;charset=utf-8",
                                        SOUP_MEMORY_TAKE, text, length);
    }
  else if (response->bytes != NULL)
    soup_server_message_set_response (message, response->content_type, SOUP_MEMORY_COPY,
                                      g_bytes_get_data (response->bytes, NULL),
                                      g_bytes_get_size (response->bytes));
}

static void
cut (SoupServerMessage *message)
{
  GSocket *socket = soup_server_message_get_socket (message);

  /* Shut down, not closed: libsoup still owns the descriptor. */
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  soup_server_message_set_status (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
}

static void
handle (KabarGraphServer  *self,
        SoupServerMessage *message)
{
  GUri *uri = soup_server_message_get_uri (message);
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  g_auto(KabarGraphResponse) response = { 0, };
  gboolean cut_it = FALSE;
  OwnedRequest owned;

  if (!g_str_has_prefix (path, "/v1.0/"))
    {
      kabar_graph_response_set_error (&response, 400, "BadRequest", "Invalid version.");
      write_response (message, &response);
      return;
    }
  owned_request_init (self, &owned, soup_server_message_get_method (message), path + strlen ("/v1.0"),
                      query != NULL ? soup_form_decode (query) : NULL, headers, bytes);
  if (!authenticate (self, headers, &response))
    count_request (self, &owned.request);
  else if (g_str_equal (owned.request.path, "/$batch") && g_str_equal (owned.request.method, "POST"))
    cut_it = batch (self, &owned.request, &response);
  else
    cut_it = serve (self, &owned.request, &response);
  owned_request_clear (&owned);
  if (cut_it)
    cut (message);
  else
    write_response (message, &response);
}

typedef struct
{
  KabarGraphServer  *self;
  SoupServerMessage *message;
} Held;

static gboolean
answer_held (gpointer data)
{
  Held *held = data;
  KabarGraphServer *self = held->self;

  g_mutex_lock (&self->mutex);
  handle (self, held->message);
  self->in_flight--;
  g_mutex_unlock (&self->mutex);
  soup_server_message_unpause (held->message);
  g_object_unref (held->message);
  g_free (held);
  return G_SOURCE_REMOVE;
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  KabarGraphServer *self = user_data;
  Held *held = g_new0 (Held, 1);
  GSource *source;

  g_mutex_lock (&self->mutex);
  self->in_flight++;
  self->max_in_flight = MAX (self->max_in_flight, self->in_flight);
  g_mutex_unlock (&self->mutex);
  held->self = self;
  held->message = g_object_ref (message);
  soup_server_message_pause (message);
  source = g_timeout_source_new (HOLD_MS);
  g_source_set_callback (source, answer_held, held, NULL);
  g_source_attach (source, kabar_test_http_thread_get_context (self->http));
  g_source_unref (source);
}

/* --- the thread ------------------------------------------------------------------ */

/* Requests held for a later answer keep the server's thread running at
 * its stop: their messages and holds are theirs to free. */
static gboolean
has_held_requests (gpointer data)
{
  KabarGraphServer *self = data;
  gboolean held;

  g_mutex_lock (&self->mutex);
  held = self->in_flight > 0;
  g_mutex_unlock (&self->mutex);
  return held;
}

KabarGraphServer *
kabar_graph_server_new (GTlsCertificate   *certificate,
                        KabarOAuthServer  *oauth,
                        GError           **error)
{
  KabarGraphServer *self = g_new0 (KabarGraphServer, 1);

  g_mutex_init (&self->mutex);
  self->certificate = g_object_ref (certificate);
  self->oauth = oauth;
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->used_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->expired_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->user = g_strdup ("alice@kabar.test");
  self->user_name = g_strdup ("Alice");
  self->routes = g_array_new (FALSE, FALSE, sizeof (Route));
  self->data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) data_free);
  self->deltas = g_hash_table_new (NULL, NULL);
  self->page_size = DEFAULT_PAGE_SIZE;
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) fault_free);
  self->requests = g_ptr_array_new_with_free_func (g_free);
  kabar_graph_server_delta_states_init (self);

  g_mutex_lock (&self->mutex);
  kabar_graph_mail_init (self);
  kabar_graph_server_organizer_init (self);
  g_mutex_unlock (&self->mutex);

  self->http = kabar_test_http_thread_start ("kabar-graph-server", certificate, on_request, self, error);
  if (self->http == NULL)
    {
      kabar_graph_server_free (self);
      return NULL;
    }
  self->port = kabar_test_http_thread_get_port (self->http);
  self->base_uri = g_strdup_printf ("https://127.0.0.1:%u/v1.0", self->port);
  return self;
}

void
kabar_graph_server_free (KabarGraphServer *self)
{
  if (self == NULL)
    return;
  kabar_test_http_thread_stop (self->http, has_held_requests, self);
  /* Route modules' state first: it may hold delta collections. */
  g_hash_table_unref (self->data);
  kabar_graph_mail_free (self);
  kabar_graph_server_delta_states_free (self);
  g_hash_table_unref (self->deltas);
  g_array_unref (self->routes);
  g_ptr_array_unref (self->faults);
  g_ptr_array_unref (self->requests);
  g_hash_table_unref (self->tokens);
  g_hash_table_unref (self->used_tokens);
  g_hash_table_unref (self->expired_tokens);
  g_object_unref (self->certificate);
  g_free (self->user);
  g_free (self->user_name);
  g_free (self->mailbox_code);
  g_free (self->mailbox_message);
  g_free (self->base_uri);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

guint16
kabar_graph_server_get_port (KabarGraphServer *self)
{
  return self->port;
}

const char *
kabar_graph_server_get_base_uri (KabarGraphServer *self)
{
  return self->base_uri;
}

void
kabar_graph_server_add_token (KabarGraphServer *self,
                              const char       *token)
{
  g_mutex_lock (&self->mutex);
  g_hash_table_add (self->tokens, g_strdup (token));
  g_mutex_unlock (&self->mutex);
}

void
kabar_graph_server_set_user (KabarGraphServer *self,
                             const char       *address,
                             const char       *display_name)
{
  g_mutex_lock (&self->mutex);
  g_free (self->user);
  g_free (self->user_name);
  self->user = g_strdup (address);
  self->user_name = g_strdup (display_name);
  g_mutex_unlock (&self->mutex);
}

/* --- faults ---------------------------------------------------------------------- */

void
kabar_graph_server_set_page_size (KabarGraphServer *self,
                                  guint             n)
{
  g_return_if_fail (n > 0);
  g_mutex_lock (&self->mutex);
  self->page_size = n;
  g_mutex_unlock (&self->mutex);
}

void
kabar_graph_server_throttle (KabarGraphServer *self,
                             guint             n_requests,
                             guint             status,
                             guint             retry_after_seconds)
{
  g_return_if_fail (status == 429 || status == 503);
  g_mutex_lock (&self->mutex);
  self->throttle_n = n_requests;
  self->throttle_status = status;
  self->throttle_retry_after = retry_after_seconds;
  g_mutex_unlock (&self->mutex);
}

void
kabar_graph_server_refuse_mailbox (KabarGraphServer *self,
                                   guint             status,
                                   const char       *code,
                                   const char       *message)
{
  g_return_if_fail (status == 0 || (code != NULL && message != NULL));
  g_mutex_lock (&self->mutex);
  self->mailbox_status = status;
  g_free (self->mailbox_code);
  g_free (self->mailbox_message);
  self->mailbox_code = g_strdup (code);
  self->mailbox_message = g_strdup (message);
  g_mutex_unlock (&self->mutex);
}

void
kabar_graph_server_expire_access_tokens (KabarGraphServer *self)
{
  GHashTableIter iter;
  gpointer token;

  g_mutex_lock (&self->mutex);
  g_hash_table_iter_init (&iter, self->used_tokens);
  while (g_hash_table_iter_next (&iter, &token, NULL))
    g_hash_table_add (self->expired_tokens, g_strdup (token));
  g_hash_table_iter_init (&iter, self->tokens);
  while (g_hash_table_iter_next (&iter, &token, NULL))
    g_hash_table_add (self->expired_tokens, g_strdup (token));
  g_mutex_unlock (&self->mutex);
}

void
kabar_graph_server_refuse_delta_tokens (KabarGraphServer *self)
{
  g_mutex_lock (&self->mutex);
  kabar_graph_server_delta_states_refuse (self);
  g_mutex_unlock (&self->mutex);
}

void
kabar_graph_server_add_fault (KabarGraphServer *self,
                              const char       *method,
                              const char       *prefix,
                              guint             n,
                              KabarGraphFault   kind,
                              gboolean          after_change)
{
  Fault *fault = g_new0 (Fault, 1);

  fault->method = g_strdup (method);
  fault->prefix = g_strdup (prefix);
  fault->n = n;
  fault->fault = kind;
  fault->after_change = after_change;
  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->faults, fault);
  g_mutex_unlock (&self->mutex);
}

void
kabar_graph_server_set_foreign_next_links (KabarGraphServer *self,
                                           gboolean          foreign)
{
  g_mutex_lock (&self->mutex);
  self->foreign_links = foreign;
  g_mutex_unlock (&self->mutex);
}

guint
kabar_graph_server_count_requests (KabarGraphServer *self,
                                   const char       *method,
                                   const char       *prefix)
{
  guint count = 0;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->requests->len; i++)
    {
      const char *entry = g_ptr_array_index (self->requests, i);
      const char *path = strchr (entry, ' ') + 1;

      if ((method == NULL || (strncmp (entry, method, path - 1 - entry) == 0 &&
                              strlen (method) == (gsize) (path - 1 - entry))) &&
          g_str_has_prefix (path, prefix != NULL ? prefix : ""))
        count++;
    }
  g_mutex_unlock (&self->mutex);
  return count;
}

guint
kabar_graph_server_get_max_in_flight (KabarGraphServer *self)
{
  guint max;

  g_mutex_lock (&self->mutex);
  max = self->max_in_flight;
  g_mutex_unlock (&self->mutex);
  return max;
}
