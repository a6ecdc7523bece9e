/* kabar-graph-service-test.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-graph-test.h"
#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* What the tests of a Graph account's KabarMailService share, over
 * kabar-graph-test.h (whose init and shutdown the run calls): the Graph
 * test server (a new one a test), the account of KABAR_GRAPH_TEST_ADDRESS
 * and its service. */

typedef struct
{
  KabarGraphServer *server;
  char             *directory;
  KabarAccount     *account;
  KabarMailService *service;
  /* What the service said: "change-refused" errors, "message-sent" ids,
   * "message-failed" count. */
  GPtrArray        *refusals;
  GPtrArray        *sent;
  guint             failures;
} KabarGraphServiceFixture;

void              kabar_graph_service_fixture_set_up    (KabarGraphServiceFixture *fixture,
                                                         gconstpointer             data);
void              kabar_graph_service_fixture_tear_down (KabarGraphServiceFixture *fixture,
                                                         gconstpointer             data);
/* The account signs in and its service starts (not waited for). */
void              kabar_graph_service_test_start    (KabarGraphServiceFixture *fixture);

typedef gboolean (*KabarGraphServiceCondition) (KabarGraphServiceFixture *fixture,
                                                gconstpointer             data);
/* Spins until condition holds, failing the test after a minute. */
void              kabar_graph_service_test_wait     (KabarGraphServiceFixture   *fixture,
                                                     KabarGraphServiceCondition  condition,
                                                     gconstpointer               data,
                                                     const char                 *what);
void              kabar_graph_service_test_wait_status (KabarGraphServiceFixture *fixture,
                                                        KabarMailServiceStatus    status);

G_END_DECLS
