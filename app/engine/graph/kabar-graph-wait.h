/* kabar-graph-wait.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client's calls as plain sequential code for the sync's worker
 * threads (kabar-sync-wait.h): each starts the asynchronous call and runs
 * the thread's context until it finished. Never on the UI thread.
 */

#pragma once

#include "kabar-graph-client.h"

G_BEGIN_DECLS

/* body: NULL or JSON, not taken. As kabar_graph_client_request_finish(). */
JsonNode  *kabar_graph_wait_request    (KabarGraphClient    *client,
                                        const char          *method,
                                        const char          *path,
                                        JsonNode            *body,
                                        GCancellable        *cancellable,
                                        GError             **error);
JsonNode  *kabar_graph_wait_post_bytes (KabarGraphClient    *client,
                                        const char          *path,
                                        const char          *content_type,
                                        GBytes              *bytes,
                                        GCancellable        *cancellable,
                                        GError             **error);
GBytes    *kabar_graph_wait_get_bytes  (KabarGraphClient    *client,
                                        const char          *path,
                                        GCancellable        *cancellable,
                                        GError             **error);
/* The delta link, or NULL: with *error set only on failure. */
char      *kabar_graph_wait_pages      (KabarGraphClient    *client,
                                        const char          *path,
                                        guint                page_size,
                                        KabarGraphPageFunc   page_func,
                                        gpointer             page_data,
                                        GCancellable        *cancellable,
                                        GError             **error);
/* Every item of every page of a collection (JsonObject elements). */
GPtrArray *kabar_graph_wait_list_all   (KabarGraphClient    *client,
                                        const char          *path,
                                        guint                page_size,
                                        GCancellable        *cancellable,
                                        GError             **error);
gboolean   kabar_graph_wait_batch      (KabarGraphClient    *client,
                                        KabarGraphBatch     *batch,
                                        GCancellable        *cancellable,
                                        GError             **error);

G_END_DECLS
