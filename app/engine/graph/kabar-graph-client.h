/* kabar-graph-client.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kabar-account.h"
#include "kabar-certificate-problem.h"
#include "kabar-graph-error.h"

G_BEGIN_DECLS

/* Microsoft Graph over HTTPS for one account, whose incoming server is the
 * Graph host: base URI https://HOST[:PORT]/v1.0. Every request carries a
 * bearer token of KABAR_OAUTH2_RESOURCE_GRAPH (a 401 gets one fresh token
 * and one retry) and Prefer: IdType="ImmutableId"; 429 and 503 wait for
 * their Retry-After and retry; at most 4 requests are in flight, the rest
 * queue. A certificate the system does not trust is taken only when it is
 * the account's pinned one.
 *
 * Made and used on one thread (its thread-default context at creation):
 * every call is asynchronous and reports there. */
#define KABAR_TYPE_GRAPH_CLIENT (kabar_graph_client_get_type ())
G_DECLARE_FINAL_TYPE (KabarGraphClient, kabar_graph_client, KABAR, GRAPH_CLIENT, GObject)

KabarGraphClient        *kabar_graph_client_new                      (KabarAccount        *account);
/* https://HOST[:PORT]/v1.0, the port left out when 443. */
const char              *kabar_graph_client_get_base_uri             (KabarGraphClient    *self);
/* The certificate problem of the last TLS failure, or NULL. */
KabarCertificateProblem *kabar_graph_client_get_certificate_problem  (KabarGraphClient    *self);
/* Seconds a request may go without progress (connecting, securing, the
 * answer's next bytes) before it fails with KABAR_NET_ERROR_TIMED_OUT;
 * 60 unless set. Before the first request: connections made earlier keep
 * theirs. */
void                     kabar_graph_client_set_timeout              (KabarGraphClient    *self,
                                                                      guint                timeout_seconds);
/* Retry-After waits are capped (at most 60 s a wait, 5 retries) for a
 * request; tests shorten. */
void                     kabar_graph_client_set_max_retries          (KabarGraphClient    *self,
                                                                      guint                retries);

/* path: "/me/mailFolders" (relative to the base, may hold a query) or a
 * full URL, which must be on the Graph host (else PROTOCOL). body: NULL or
 * JSON (taken as given, not freed). 2xx with a JSON body → that node; 2xx
 * without one (202, 204) → a JSON null node. */
void                     kabar_graph_client_request_async            (KabarGraphClient    *self,
                                                                      const char          *method,
                                                                      const char          *path,
                                                                      JsonNode            *body,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);
JsonNode                *kabar_graph_client_request_finish           (KabarGraphClient    *self,
                                                                      GAsyncResult        *result,
                                                                      GError             **error);

/* GET returning the raw body (a message's $value). */
void                     kabar_graph_client_get_bytes_async          (KabarGraphClient    *self,
                                                                      const char          *path,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);
GBytes                  *kabar_graph_client_get_bytes_finish         (KabarGraphClient    *self,
                                                                      GAsyncResult        *result,
                                                                      GError             **error);

/* POST of raw bytes with a content type (sendMail with base64 MIME as
 * text/plain; a draft from MIME). Finish with
 * kabar_graph_client_request_finish(). */
void                     kabar_graph_client_post_bytes_async         (KabarGraphClient    *self,
                                                                      const char          *path,
                                                                      const char          *content_type,
                                                                      GBytes              *bytes,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);

/* A delta (or any paged collection): GETs path, then each
 * @odata.nextLink (on the Graph host only), calling page_func with each
 * page's "value" array on the caller's context, in order; a FALSE from
 * page_func stops with its error. Finishes with the @odata.deltaLink
 * (full URL, checked to be on the Graph host), or NULL for a collection
 * without one. page_size > 0 sends Prefer: odata.maxpagesize=N. */
typedef gboolean (*KabarGraphPageFunc) (JsonArray  *items,
                                        gpointer    user_data,
                                        GError    **error);

void                     kabar_graph_client_get_pages_async          (KabarGraphClient    *self,
                                                                      const char          *path,
                                                                      guint                page_size,
                                                                      KabarGraphPageFunc   page_func,
                                                                      gpointer             page_data,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);
char                    *kabar_graph_client_get_pages_finish         (KabarGraphClient    *self,
                                                                      GAsyncResult        *result,
                                                                      GError             **error);

/* Bulk changes: requests added to a batch go in POST /$batch, at most 20 a
 * request (more are split), 429/503 answers inside a batch retried after
 * their Retry-After. */
typedef struct _KabarGraphBatch KabarGraphBatch;

KabarGraphBatch         *kabar_graph_batch_new                       (void);
void                     kabar_graph_batch_free                      (KabarGraphBatch     *batch);
/* Returns the request's index. path relative ("/me/messages/ID"); body
 * NULL or JSON (copied). */
guint                    kabar_graph_batch_add                       (KabarGraphBatch     *batch,
                                                                      const char          *method,
                                                                      const char          *path,
                                                                      JsonNode            *body);
guint                    kabar_graph_batch_get_size                  (KabarGraphBatch     *batch);
/* After the batch ran: TRUE when request index succeeded (2xx); else
 * FALSE with its error (the same KABAR_GRAPH_ERROR codes as a single
 * request). body (may be NULL): the answer's JSON or NULL, owned by the
 * caller. */
gboolean                 kabar_graph_batch_get_result                (KabarGraphBatch     *batch,
                                                                      guint                index,
                                                                      JsonNode           **body,
                                                                      GError             **error);

void                     kabar_graph_client_run_batch_async          (KabarGraphClient    *self,
                                                                      KabarGraphBatch     *batch,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);
/* FALSE only when the batch as a whole failed (network, auth); per-request
 * results above. */
gboolean                 kabar_graph_client_run_batch_finish         (KabarGraphClient    *self,
                                                                      GAsyncResult        *result,
                                                                      GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarGraphBatch, kabar_graph_batch_free)

G_END_DECLS
