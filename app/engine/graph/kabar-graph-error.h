/* kabar-graph-error.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KABAR_GRAPH_ERROR (kabar_graph_error_quark ())

/* How Microsoft Graph refused a request. Network failures are not here:
 * they come as G_IO_ERROR / KABAR_NET_ERROR, and a refused sign-in as
 * KABAR_OAUTH2_ERROR. Messages keep the server's code and words. */
typedef enum
{
  KABAR_GRAPH_ERROR_UNAUTHORIZED,   /* 401 again after a fresh token */
  KABAR_GRAPH_ERROR_FORBIDDEN,      /* 403 (e.g. ErrorAccessDenied, mailbox not enabled) */
  KABAR_GRAPH_ERROR_NOT_FOUND,      /* 404 ErrorItemNotFound: the item is gone */
  KABAR_GRAPH_ERROR_DELTA_REFUSED,  /* 410, or code syncStateNotFound / syncStateInvalid /
                                       resyncRequired: drop the delta token and resync */
  KABAR_GRAPH_ERROR_THROTTLED,      /* still 429/503 after the retries */
  KABAR_GRAPH_ERROR_SERVER,         /* 5xx */
  KABAR_GRAPH_ERROR_REFUSED,        /* any other 4xx; message = "<what>: <code>: <server message>" */
  KABAR_GRAPH_ERROR_PROTOCOL,       /* unreadable JSON, a nextLink/deltaLink off the Graph host */
} KabarGraphError;

GQuark kabar_graph_error_quark (void);

G_END_DECLS
