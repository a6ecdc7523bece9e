/* kabar-graph-wait.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-graph-wait.h"
#include "kabar-sync-wait.h"

JsonNode *
kabar_graph_wait_request (KabarGraphClient  *client,
                          const char        *method,
                          const char        *path,
                          JsonNode          *body,
                          GCancellable      *cancellable,
                          GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  kabar_graph_client_request_async (client, method, path, body, cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_graph_client_request_finish (client, result, error);
}

JsonNode *
kabar_graph_wait_post_bytes (KabarGraphClient  *client,
                             const char        *path,
                             const char        *content_type,
                             GBytes            *bytes,
                             GCancellable      *cancellable,
                             GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  kabar_graph_client_post_bytes_async (client, path, content_type, bytes, cancellable, kabar_sync_wait_done,
                                       &slot);
  result = kabar_sync_wait (&slot);
  return kabar_graph_client_request_finish (client, result, error);
}

GBytes *
kabar_graph_wait_get_bytes (KabarGraphClient  *client,
                            const char        *path,
                            GCancellable      *cancellable,
                            GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  kabar_graph_client_get_bytes_async (client, path, cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_graph_client_get_bytes_finish (client, result, error);
}

char *
kabar_graph_wait_pages (KabarGraphClient    *client,
                        const char          *path,
                        guint                page_size,
                        KabarGraphPageFunc   page_func,
                        gpointer             page_data,
                        GCancellable        *cancellable,
                        GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  kabar_graph_client_get_pages_async (client, path, page_size, page_func, page_data, cancellable,
                                      kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_graph_client_get_pages_finish (client, result, error);
}

static gboolean
collect_objects (JsonArray  *items,
                 gpointer    data,
                 GError    **error)
{
  GPtrArray *objects = data;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (objects, json_object_ref (json_node_get_object (node)));
    }
  return TRUE;
}

GPtrArray *
kabar_graph_wait_list_all (KabarGraphClient  *client,
                           const char        *path,
                           guint              page_size,
                           GCancellable      *cancellable,
                           GError           **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  GError *local_error = NULL;
  g_autofree char *link = kabar_graph_wait_pages (client, path, page_size, collect_objects, objects,
                                                  cancellable, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&objects);
}

gboolean
kabar_graph_wait_batch (KabarGraphClient  *client,
                        KabarGraphBatch   *batch,
                        GCancellable      *cancellable,
                        GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  kabar_graph_client_run_batch_async (client, batch, cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_graph_client_run_batch_finish (client, result, error);
}
