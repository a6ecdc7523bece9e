/* kabar-graph-limit.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The few requests an account may have in flight, shared by every Graph
 * client of the account (the check's, the bodies', on threads of their
 * own): Microsoft counts them per mailbox, not per connection.
 */

#pragma once

#include "kabar-account.h"

G_BEGIN_DECLS

#define KABAR_GRAPH_MAX_IN_FLIGHT 4

typedef struct _KabarGraphLimit  KabarGraphLimit;
typedef struct _KabarGraphWaiter KabarGraphWaiter;

/* The account's limit (one for every KabarAccount with its id). */
KabarGraphLimit  *kabar_graph_limit_get      (KabarAccount     *account);
void              kabar_graph_limit_unref    (KabarGraphLimit  *limit);
/* NULL when a slot is the caller's at once. Else the caller waits: func
 * runs with data on context (as an idle source there) once a slot is its,
 * whatever thread freed it. */
KabarGraphWaiter *kabar_graph_limit_take     (KabarGraphLimit  *limit,
                                              GMainContext     *context,
                                              GSourceFunc       func,
                                              gpointer          data);
/* TRUE when the waiter left the queue before it got a slot; FALSE when
 * it got one meanwhile (its func will still run: it releases the slot). */
gboolean          kabar_graph_limit_withdraw (KabarGraphLimit  *limit,
                                              KabarGraphWaiter *waiter);
/* Hands the slot to the next waiter, if any. */
void              kabar_graph_limit_release  (KabarGraphLimit  *limit);

G_END_DECLS
