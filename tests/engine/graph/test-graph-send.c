/* test-graph-send.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending from a Graph account: the outbox hands the message to sendMail,
 * and the server files it in Sent Items, exactly once, also when the
 * connection is cut before or after the server took it, or the server
 * answers 500.
 */

#include "config.h"

#include "kabar-graph-service-test.h"
#include "kabar-outbox-test-support.h"
#include "kabar-outgoing-message.h"
#include "kabar-store-outbox.h"
#include "kabar-test-wait.h"

typedef KabarGraphServiceFixture Fixture;

typedef struct
{
  gboolean        fault;
  KabarGraphFault kind;
  gboolean        after_change;
} Case;

static const Case plain = { FALSE, KABAR_GRAPH_FAULT_CUT, FALSE };
static const Case cut_before = { TRUE, KABAR_GRAPH_FAULT_CUT, FALSE };
static const Case cut_after = { TRUE, KABAR_GRAPH_FAULT_CUT, TRUE };
static const Case error_500 = { TRUE, KABAR_GRAPH_FAULT_500, FALSE };

static gboolean
was_sent (Fixture       *fixture,
          gconstpointer  data)
{
  for (guint i = 0; i < fixture->sent->len; i++)
    if (g_strcmp0 (g_ptr_array_index (fixture->sent, i), data) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
outbox_empty (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = kabar_outbox_test_list_outbox (fixture->service);

  return entries->len == 0;
}

static void
test_send (Fixture       *fixture,
           gconstpointer  data)
{
  const Case *what = data;
  g_autofree char *sent_id = kabar_graph_server_find_folder (fixture->server, "sentitems");
  g_autofree char *inbox_id = kabar_graph_server_find_folder (fixture->server, "inbox");
  g_autoptr(KabarOutgoingMessage) message = NULL;
  const char *message_id;
  guint sends;

  kabar_graph_service_test_start (fixture);
  kabar_graph_service_test_wait_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  /* To the user too: the server puts it in the Inbox as well. */
  message = kabar_outbox_test_new_message (KABAR_GRAPH_TEST_ADDRESS,
                                           KABAR_GRAPH_TEST_ADDRESS, "Lewat Graph");
  if (what->fault)
    kabar_graph_server_add_fault (fixture->server, "POST", "/me/sendMail", 1, what->kind,
                                  what->after_change);
  sends = kabar_graph_server_count_requests (fixture->server, "POST", "/me/sendMail");
  kabar_outbox_test_send (fixture->service, message, 0);
  /* Given when it was queued. */
  message_id = kabar_outgoing_message_get_message_id (message);
  kabar_graph_service_test_wait (fixture, was_sent, message_id, "the message to be sent");
  kabar_graph_service_test_wait (fixture, outbox_empty, NULL, "the outbox to be empty");

  g_assert_cmpuint (kabar_graph_test_count (fixture->server, sent_id, message_id), ==, 1);
  g_assert_cmpuint (kabar_graph_test_count (fixture->server, inbox_id, message_id), ==, 1);
  /* Sent again only when the server had not taken it. */
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "POST", "/me/sendMail") - sends,
                    ==, what->fault && !what->after_change ? 2 : 1);
  g_assert_cmpuint (fixture->failures, ==, 0);
  g_assert_null (kabar_mail_service_get_error (fixture->service));
}

static void
add (const char    *path,
     const Case    *data)
{
  g_test_add (path, Fixture, data, kabar_graph_service_fixture_set_up, test_send,
              kabar_graph_service_fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  kabar_graph_test_init ();

  add ("/graph/send/plain", &plain);
  add ("/graph/send/cut-before", &cut_before);
  add ("/graph/send/cut-after", &cut_after);
  add ("/graph/send/500", &error_500);
  status = g_test_run ();

  kabar_graph_test_shutdown ();
  return status;
}
