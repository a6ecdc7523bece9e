/* kabar-graph-test.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-graph-client.h"
#include "kabar-graph-replay.h"
#include "kabar-graph-server.h"
#include "kabar-oauth2-test.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* What the tests of a Graph account share: the bed's certificate (the
 * bed is never started; the system does not trust it, the account pins
 * it), the OAuth test server of the run, a Graph test server a test, and
 * an account of ADDRESS signed in at the OAuth server. */

#define KABAR_GRAPH_TEST_ADDRESS "alice@kabar.test"

/* Once a run, before and after the tests. */
void              kabar_graph_test_init            (void);
void              kabar_graph_test_shutdown        (void);
KabarOAuthServer *kabar_graph_test_get_oauth       (void);
/* The bed's certificate with its key, for a Graph server to serve. */
GTlsCertificate  *kabar_graph_test_get_certificate (void);

/* An OAuth server of the test's own, knowing the test client. */
KabarOAuthServer *kabar_graph_test_new_oauth       (void);
/* A Graph server taking oauth's tokens (none with NULL). */
KabarGraphServer *kabar_graph_test_new_server      (KabarOAuthServer *oauth);
/* A Graph account of address at server, signing in at oauth, its
 * certificate pinned or not. */
KabarAccount     *kabar_graph_test_new_account     (KabarOAuthServer *oauth,
                                                    KabarGraphServer *server,
                                                    const char       *address,
                                                    gboolean          pinned);
/* The whole browser sign-in, which must succeed. */
void              kabar_graph_test_sign_in         (KabarAccount     *account);
/* A new empty folder of the temporary directory. */
char             *kabar_graph_test_new_directory   (const char       *name);

/* A test of the engine's Graph code: the server, the account (pinned,
 * signed in), a store (store.db in directory) and a client. */
typedef struct
{
  KabarGraphServer *server;
  char             *directory;
  KabarAccount     *account;
  KabarStore       *store;
  KabarGraphClient *client;
  /* What kabar_graph_test_on_refused() was told. */
  GPtrArray        *refusals;
  GArray           *refused_kinds;
} KabarGraphTestFixture;

void              kabar_graph_test_fixture_set_up    (KabarGraphTestFixture *fixture,
                                                      gconstpointer          data);
void              kabar_graph_test_fixture_tear_down (KabarGraphTestFixture *fixture,
                                                      gconstpointer          data);
/* A KabarGraphRefusedFunc for kabar_graph_replay(), its data the
 * fixture. */
void              kabar_graph_test_on_refused        (KabarPendingKind       kind,
                                                      gint64                 folder_id,
                                                      const GError          *error,
                                                      gpointer               data);

/* A small text message <message_id> (without angle brackets). */
GBytes           *kabar_graph_test_mime            (const char       *subject,
                                                    const char       *message_id);
/* n messages <name-i@example.org>, subject "name i", in the server's
 * folder. */
void              kabar_graph_test_fill            (KabarGraphServer *server,
                                                    const char       *folder_id,
                                                    const char       *name,
                                                    guint             n);
/* How many of the server's messages in the folder have the Message-ID
 * (without angle brackets). */
guint             kabar_graph_test_count           (KabarGraphServer *server,
                                                    const char       *folder_id,
                                                    const char       *message_id);
/* The server's message of that Message-ID in the folder (a new
 * reference), or NULL. */
JsonObject       *kabar_graph_test_find            (KabarGraphServer *server,
                                                    const char       *folder_id,
                                                    const char       *message_id);
/* The summary of that Message-ID among messages (KabarMessageSummary),
 * or NULL. */
const KabarMessageSummary *kabar_graph_test_find_summary (GPtrArray  *messages,
                                                          const char *message_id);

/* Whether a Graph message's flag is "flagged". */
gboolean          kabar_graph_test_is_flagged      (JsonObject       *message);

G_END_DECLS
