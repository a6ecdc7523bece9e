/* kabar-graph-client-batch.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JSON batching: Graph takes at most 20 requests in one POST /$batch and
 * answers each on its own, throttling included, so a batch runs in rounds
 * of the requests not yet answered, waiting for the longest Retry-After
 * of a round's throttled ones before the next.
 */

#include "config.h"

#include <libsoup/soup.h>

#include "kabar-graph-client-private.h"

#define MAX_BATCH 20

typedef struct
{
  char     *method;
  char     *path;
  JsonNode *body;
  gboolean  done;
  JsonNode *answer;
  GError   *error;
  guint     attempt;
  guint     answered;  /* the last round that answered it */
} Item;

struct _KabarGraphBatch
{
  GPtrArray *items;
};

static void
item_free (Item *item)
{
  g_free (item->method);
  g_free (item->path);
  g_clear_pointer (&item->body, json_node_unref);
  g_clear_pointer (&item->answer, json_node_unref);
  g_clear_error (&item->error);
  g_free (item);
}

KabarGraphBatch *
kabar_graph_batch_new (void)
{
  KabarGraphBatch *batch = g_new0 (KabarGraphBatch, 1);

  batch->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  return batch;
}

void
kabar_graph_batch_free (KabarGraphBatch *batch)
{
  if (batch == NULL)
    return;
  g_ptr_array_unref (batch->items);
  g_free (batch);
}

guint
kabar_graph_batch_add (KabarGraphBatch *batch,
                       const char      *method,
                       const char      *path,
                       JsonNode        *body)
{
  Item *item;

  g_return_val_if_fail (batch != NULL, 0);
  g_return_val_if_fail (method != NULL && path != NULL && path[0] == '/', 0);

  item = g_new0 (Item, 1);
  item->method = g_strdup (method);
  item->path = g_strdup (path);
  item->body = body != NULL ? json_node_copy (body) : NULL;
  g_ptr_array_add (batch->items, item);
  return batch->items->len - 1;
}

guint
kabar_graph_batch_get_size (KabarGraphBatch *batch)
{
  g_return_val_if_fail (batch != NULL, 0);
  return batch->items->len;
}

gboolean
kabar_graph_batch_get_result (KabarGraphBatch  *batch,
                              guint             index,
                              JsonNode        **body,
                              GError          **error)
{
  Item *item;

  g_return_val_if_fail (batch != NULL && index < batch->items->len, FALSE);

  item = g_ptr_array_index (batch->items, index);
  if (body != NULL)
    *body = item->answer != NULL ? json_node_ref (item->answer) : NULL;
  if (!item->done)
    {
      g_set_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
                   "%s %s was not run", item->method, item->path);
      return FALSE;
    }
  if (item->error != NULL)
    {
      g_propagate_error (error, g_error_copy (item->error));
      return FALSE;
    }
  return TRUE;
}

/* --- running ----------------------------------------------------------------- */

typedef struct
{
  KabarGraphBatch *batch;
  GArray          *round;   /* guint indexes of the requests sent */
  guint            round_number;
  guint            delay;   /* the round's longest Retry-After */
  gboolean         throttled;
} Run;

static void
run_free (Run *run)
{
  g_array_unref (run->round);
  g_free (run);
}

static void send_round (GTask *task);

static JsonNode *
build_round (Run *run)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requests");
  json_builder_begin_array (builder);
  for (guint i = 0; i < run->round->len; i++)
    {
      guint index = g_array_index (run->round, guint, i);
      Item *item = g_ptr_array_index (run->batch->items, index);
      g_autofree char *id = g_strdup_printf ("%u", index);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, id);
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, item->method);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, item->path);
      json_builder_set_member_name (builder, "headers");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "Prefer");
      json_builder_add_string_value (builder, "IdType=\"ImmutableId\"");
      if (item->body != NULL)
        {
          json_builder_set_member_name (builder, "Content-Type");
          json_builder_add_string_value (builder, "application/json");
        }
      json_builder_end_object (builder);
      if (item->body != NULL)
        {
          json_builder_set_member_name (builder, "body");
          json_builder_add_value (builder, json_node_copy (item->body));
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static const char *
get_header (JsonObject *response,
            const char *name)
{
  JsonNode *node = json_object_get_member (response, "headers");
  JsonObject *headers;
  g_autoptr(GList) names = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  headers = json_node_get_object (node);
  names = json_object_get_members (headers);
  for (GList *l = names; l != NULL; l = l->next)
    if (g_ascii_strcasecmp (l->data, name) == 0 &&
        JSON_NODE_HOLDS_VALUE (json_object_get_member (headers, l->data)))
      return json_object_get_string_member_with_default (headers, l->data, NULL);
  return NULL;
}

/* The index of a request of this round, or -1. */
static int
find_in_round (Run        *run,
               const char *id)
{
  guint64 index;

  if (id == NULL || !g_ascii_string_to_unsigned (id, 10, 0, G_MAXUINT, &index, NULL))
    return -1;
  for (guint i = 0; i < run->round->len; i++)
    if (g_array_index (run->round, guint, i) == index)
      return index;
  return -1;
}

static void
take_response (GTask      *task,
               JsonObject *response)
{
  KabarGraphClient *client = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  int index = find_in_round (run, json_object_get_string_member_with_default (response, "id", NULL));
  guint status = json_object_get_int_member_with_default (response, "status", 0);
  JsonNode *body = json_object_get_member (response, "body");
  Item *item;

  if (index < 0)
    return;
  item = g_ptr_array_index (run->batch->items, index);
  if (item->done || item->answered == run->round_number)
    return;
  item->answered = run->round_number;
  if ((status == KABAR_GRAPH_STATUS_TOO_MANY_REQUESTS || status == SOUP_STATUS_SERVICE_UNAVAILABLE) &&
      item->attempt < kabar_graph_client_get_max_retries (client))
    {
      run->delay = MAX (run->delay, kabar_graph_retry_delay (get_header (response, "Retry-After"), item->attempt));
      run->throttled = TRUE;
      item->attempt++;
      return;
    }
  item->done = TRUE;
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    item->answer = body != NULL && !JSON_NODE_HOLDS_NULL (body) ? json_node_copy (body) : NULL;
  else
    {
      g_autofree char *what = g_strdup_printf ("%s %s on %s", item->method, item->path,
                                               kabar_graph_client_get_server_name (client));

      item->error = kabar_graph_error_new_for_status (status, body, what);
    }
}

/* Requests the server left out of its answer: a broken batch. */
static void
fail_unanswered (GTask *task)
{
  KabarGraphClient *client = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  for (guint i = 0; i < run->round->len; i++)
    {
      Item *item = g_ptr_array_index (run->batch->items, g_array_index (run->round, guint, i));

      if (item->done || item->answered == run->round_number)
        continue;
      item->done = TRUE;
      item->error = g_error_new (KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
                                 "%s %s on %s: no answer in the batch", item->method, item->path,
                                 kabar_graph_client_get_server_name (client));
    }
}

static gboolean
on_wait_done (gpointer user_data)
{
  send_round (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_round (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  KabarGraphClient *client = KABAR_GRAPH_CLIENT (source);
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) node = kabar_graph_client_request_finish (client, result, &error);
  JsonNode *responses;

  if (node == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  responses = JSON_NODE_HOLDS_OBJECT (node) ? json_object_get_member (json_node_get_object (node), "responses")
                                            : NULL;
  if (responses == NULL || !JSON_NODE_HOLDS_ARRAY (responses))
    {
      g_task_return_new_error (task, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
                               "Microsoft Graph at %s answered a batch without responses",
                               kabar_graph_client_get_server_name (client));
      g_object_unref (task);
      return;
    }
  run->delay = 0;
  run->throttled = FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (responses)); i++)
    {
      JsonNode *response = json_array_get_element (json_node_get_array (responses), i);

      if (JSON_NODE_HOLDS_OBJECT (response))
        take_response (task, json_node_get_object (response));
    }
  fail_unanswered (task);
  if (run->throttled)
    kabar_graph_client_wait (client, run->delay, g_task_get_cancellable (task), on_wait_done, task);
  else
    send_round (task);
}

static void
send_round (GTask *task)
{
  KabarGraphClient *client = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(JsonNode) body = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  g_array_set_size (run->round, 0);
  run->round_number++;
  for (guint i = 0; i < run->batch->items->len && run->round->len < MAX_BATCH; i++)
    if (!((Item *) g_ptr_array_index (run->batch->items, i))->done)
      g_array_append_val (run->round, i);
  if (run->round->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  body = build_round (run);
  kabar_graph_client_request_async (client, SOUP_METHOD_POST, "/$batch", body, g_task_get_cancellable (task),
                                    on_round, task);
}

void
kabar_graph_client_run_batch_async (KabarGraphClient    *self,
                                    KabarGraphBatch     *batch,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  Run *run;

  g_return_if_fail (KABAR_IS_GRAPH_CLIENT (self));
  g_return_if_fail (batch != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_graph_client_run_batch_async);
  run = g_new0 (Run, 1);
  run->batch = batch;
  run->round = g_array_new (FALSE, FALSE, sizeof (guint));
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  send_round (task);
}

gboolean
kabar_graph_client_run_batch_finish (KabarGraphClient  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
