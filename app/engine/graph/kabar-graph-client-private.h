/* kabar-graph-client-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the client's parts (requests, pages, batches) share.
 */

#pragma once

#include "kabar-graph-client.h"

G_BEGIN_DECLS

/* The longest Retry-After honoured, and the retries of a request. */
#define KABAR_GRAPH_MAX_WAIT_SECONDS 60
#define KABAR_GRAPH_DEFAULT_RETRIES  5
/* libsoup 3.2 has no name for it. */
#define KABAR_GRAPH_STATUS_TOO_MANY_REQUESTS 429

guint         kabar_graph_client_get_max_retries (KabarGraphClient *self);
GMainContext *kabar_graph_client_get_context     (KabarGraphClient *self);
/* host[:port], to name the server in messages. */
const char   *kabar_graph_client_get_server_name (KabarGraphClient *self);

/* The error for a refusal: status, and the Graph error object's code and
 * message when body holds one; what names the request. */
GError       *kabar_graph_error_new_for_status   (guint             status,
                                                  JsonNode         *body,
                                                  const char       *what);
/* Seconds to wait before retry number attempt (from 0) of a throttled
 * request, from its Retry-After (NULL when missing). */
guint         kabar_graph_retry_delay            (const char       *retry_after,
                                                  guint             attempt);
/* A source on the client's context that calls func after seconds, or at
 * once when cancellable is cancelled (func then finds it cancelled). */
void          kabar_graph_client_wait            (KabarGraphClient *self,
                                                  guint             seconds,
                                                  GCancellable     *cancellable,
                                                  GSourceFunc       func,
                                                  gpointer          data);

G_END_DECLS
