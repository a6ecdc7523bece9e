/* kabar-graph-server-impl.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the Graph server's own files only; route modules use
 * kabar-graph-server-private.h.
 */

#pragma once

#include "kabar-graph-server-private.h"
#include "kabar-test-http-thread.h"

G_BEGIN_DECLS

typedef struct _KabarGraphMail KabarGraphMail;

struct _KabarGraphServer
{
  GMutex            mutex;
  KabarTestHttpThread *http;
  guint16           port;
  char             *base_uri;

  GTlsCertificate  *certificate;
  KabarOAuthServer *oauth;
  GHashTable       *tokens;          /* added tokens: a set */
  GHashTable       *used_tokens;     /* every token presented: a set */
  GHashTable       *expired_tokens;  /* a set */
  char             *user;
  char             *user_name;

  GArray           *routes;          /* Route */
  GHashTable       *data;            /* key -> Data */
  guint64           next_id;
  guint64           sequence;        /* the change logs' clock */
  GHashTable       *deltas;          /* collection number -> KabarGraphDelta */
  guint             next_delta;
  GHashTable       *delta_states;    /* token -> DeltaState (delta file) */

  guint             page_size;
  guint             throttle_n;
  guint             throttle_status;
  guint             throttle_retry_after;
  GPtrArray        *faults;          /* Fault */
  gboolean          foreign_links;
  GPtrArray        *requests;        /* "METHOD path" of every request */
  guint             in_flight;
  guint             max_in_flight;

  KabarGraphMail   *mail;

  /* The mailbox refused (status 0: served): what mail requests answer. */
  guint             mailbox_status;
  char             *mailbox_code;
  char             *mailbox_message;
};

guint64 kabar_graph_server_tick           (KabarGraphServer *self);
/* https://127.0.0.1:PORT/v1.0, or a foreign host when set so. */
char   *kabar_graph_server_link_base      (KabarGraphServer *self);

/* The delta file: its token table. */
void    kabar_graph_server_delta_states_init  (KabarGraphServer *self);
void    kabar_graph_server_delta_states_free  (KabarGraphServer *self);
void    kabar_graph_server_delta_states_refuse (KabarGraphServer *self);

/* The mail file: model and routes. */
void    kabar_graph_mail_init             (KabarGraphServer *self);
void    kabar_graph_mail_free             (KabarGraphServer *self);

G_END_DECLS
