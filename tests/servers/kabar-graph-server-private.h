/* kabar-graph-server-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "kabar-graph-server.h"

G_BEGIN_DECLS

/* The machinery behind the Graph test server, for more routes (contacts,
 * calendar, To Do in kabar-graph-server-organizer.c).
 *
 * A route sees an abstract request, so the same code answers a plain HTTP
 * request and one inside a $batch. Routes run on the server's thread with
 * the model lock held; public model calls take it with
 * kabar_graph_server_lock()/unlock(). */

typedef struct
{
  const char         *method;        /* "GET" */
  const char         *path;          /* after /v1.0, no query: "/me/contacts/delta" */
  char              **segments;      /* path split at '/', without the leading "": {"me","contacts","delta",NULL} */
  guint               n_segments;
  GHashTable         *query;         /* decoded; never NULL ("$deltatoken", "startDateTime", …) */
  SoupMessageHeaders *headers;       /* the request's (a batch request's own headers) */
  const char         *content_type;  /* NULL when none */
  GBytes             *body;          /* never NULL (empty) */
  JsonNode           *json;          /* the body when it is JSON, else NULL */
  guint               page_size;     /* 50, or the server's, lowered by Prefer: odata.maxpagesize */
} KabarGraphRequest;

typedef struct
{
  guint       status;        /* 0 until answered */
  GHashTable *headers;       /* name -> value, owned */
  JsonNode   *json;          /* owned, or NULL */
  GBytes     *bytes;         /* owned, or NULL (with content_type) */
  char       *content_type;
} KabarGraphResponse;

void        kabar_graph_response_clear     (KabarGraphResponse *response);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KabarGraphResponse, kabar_graph_response_clear)

/* TRUE when the route took the request (answered, error included); FALSE
 * to let the next route try. */
typedef gboolean (*KabarGraphRouteFunc) (KabarGraphServer         *server,
                                         const KabarGraphRequest  *request,
                                         KabarGraphResponse       *response,
                                         gpointer                  data);

void        kabar_graph_server_add_route   (KabarGraphServer    *self,
                                            KabarGraphRouteFunc  func,
                                            gpointer             data);

void        kabar_graph_server_lock        (KabarGraphServer *self);
void        kabar_graph_server_unlock      (KabarGraphServer *self);

/* Extra model state of a route module, freed with the server (by destroy,
 * before the mail model). Under the lock. */
void        kabar_graph_server_set_data    (KabarGraphServer *self,
                                            const char       *key,
                                            gpointer          data,
                                            GDestroyNotify    destroy);
gpointer    kabar_graph_server_get_data    (KabarGraphServer *self,
                                            const char       *key);

/* A new Graph-looking opaque id ("AAMkAD…"), unique in the server. Under
 * the lock. */
char       *kabar_graph_server_new_id      (KabarGraphServer *self);
/* "YYYY-MM-DDTHH:MM:SSZ" */
char       *kabar_graph_format_time        (gint64            unix_time);

/* Answers. json and bytes are taken. */
void        kabar_graph_response_set_json  (KabarGraphResponse *response,
                                            guint               status,
                                            JsonNode           *json);
void        kabar_graph_response_set_object(KabarGraphResponse *response,
                                            guint               status,
                                            JsonObject         *object);
void        kabar_graph_response_set_bytes (KabarGraphResponse *response,
                                            guint               status,
                                            const char         *content_type,
                                            GBytes             *bytes);
/* 204 or 202 without a body. */
void        kabar_graph_response_set_empty (KabarGraphResponse *response,
                                            guint               status);
void        kabar_graph_response_set_header(KabarGraphResponse *response,
                                            const char         *name,
                                            const char         *value);
/* {"error":{"code":code,"message":message,"innerError":{…}}} */
void        kabar_graph_response_set_error (KabarGraphResponse *response,
                                            guint               status,
                                            const char         *code,
                                            const char         *message);
/* A collection without delta: {"@odata.context":…,"value":[items]}, paged
 * by $skiptoken at the request's page size. items: JsonObject, taken. */
void        kabar_graph_server_answer_collection (KabarGraphServer        *self,
                                                  const KabarGraphRequest *request,
                                                  GPtrArray               *items,
                                                  KabarGraphResponse      *response);

/* --- Delta collections ----------------------------------------------------------
 *
 * Items (JSON objects with an "id") with a change log on the server's
 * global sequence: put and remove are changes. A delta answer starts from
 * the token in the request's $deltatoken (none: every item), pages by
 * $skiptoken (the ids of the round are fixed at its first page; each item
 * is shown as it is when its page is served) and ends with a deltaLink.
 * An id changed since the token appears once: its current state, or
 * {"id":…,"@removed":{"reason":"deleted"}} when gone or outside the filter.
 * Tokens carry the first request's query (e.g. startDateTime) and the
 * collection; kabar_graph_server_refuse_delta_tokens() makes the ones so
 * far 410 syncStateNotFound. All under the lock. */
typedef struct _KabarGraphDelta KabarGraphDelta;

KabarGraphDelta *kabar_graph_delta_new     (KabarGraphServer *server);
/* Its tokens die with it (a route answers 404 for what is gone). */
void             kabar_graph_delta_free    (KabarGraphDelta  *delta);
/* Adds or replaces (the object is taken): a change. */
void             kabar_graph_delta_put     (KabarGraphDelta  *delta,
                                            JsonObject       *item);
/* A change that the item is gone (deleted or moved out). */
gboolean         kabar_graph_delta_remove  (KabarGraphDelta  *delta,
                                            const char       *id);
/* Borrowed, or NULL. */
JsonObject      *kabar_graph_delta_get     (KabarGraphDelta  *delta,
                                            const char       *id);
/* Ids of the present items in the order first put; the array is new, the
 * strings borrowed. */
GPtrArray       *kabar_graph_delta_list    (KabarGraphDelta  *delta);
guint            kabar_graph_delta_size    (KabarGraphDelta  *delta);

/* Which items a delta shows (e.g. the calendar window from the token's
 * query); FALSE counts as not there. query: the round's first request's. */
typedef gboolean (*KabarGraphDeltaFilter) (JsonObject *item,
                                           GHashTable *query,
                                           gpointer    data);
/* A whole delta answer: the first page, or the page of a $skiptoken, or a
 * round from a $deltatoken; errors for a refused or unknown token.
 * filter may be NULL. */
void             kabar_graph_delta_answer  (KabarGraphDelta         *delta,
                                            const KabarGraphRequest *request,
                                            KabarGraphDeltaFilter    filter,
                                            gpointer                 filter_data,
                                            KabarGraphResponse      *response);

/* kabar-graph-server-organizer.c: called by kabar_graph_server_new, under
 * the lock, after the mail routes, to add its routes and state. */
void             kabar_graph_server_organizer_init (KabarGraphServer *self);

G_END_DECLS
