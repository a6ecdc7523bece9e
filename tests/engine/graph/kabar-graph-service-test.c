/* kabar-graph-service-test.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-graph-service-test.h"
#include "kabar-service-test.h"
#include "kabar-test-wait.h"

#define WAIT_SECONDS 60

static void
on_change_refused (KabarMailService         *service,
                   guint                     kind,
                   gint64                    folder_id,
                   const GError             *error,
                   KabarGraphServiceFixture *fixture)
{
  g_ptr_array_add (fixture->refusals, g_error_copy (error));
}

static void
on_message_sent (KabarMailService         *service,
                 const char               *message_id,
                 KabarGraphServiceFixture *fixture)
{
  g_ptr_array_add (fixture->sent, g_strdup (message_id));
}

static void
on_message_failed (KabarMailService         *service,
                   gint64                    id,
                   const GError             *error,
                   KabarGraphServiceFixture *fixture)
{
  g_test_message ("Outbox message %" G_GINT64_FORMAT " failed: %s", id, error->message);
  fixture->failures++;
}

void
kabar_graph_service_fixture_set_up (KabarGraphServiceFixture *fixture,
                                    gconstpointer             data)
{
  KabarOAuthServer *oauth = kabar_graph_test_get_oauth ();

  fixture->server = kabar_graph_test_new_server (oauth);
  fixture->directory = kabar_graph_test_new_directory ("kabar-graph-service");
  fixture->account = kabar_graph_test_new_account (oauth, fixture->server, KABAR_GRAPH_TEST_ADDRESS, TRUE);
  fixture->refusals = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  fixture->sent = g_ptr_array_new_with_free_func (g_free);
}

void
kabar_graph_service_fixture_tear_down (KabarGraphServiceFixture *fixture,
                                       gconstpointer             data)
{
  if (fixture->service != NULL)
    kabar_service_test_stop_service (&fixture->service);
  g_clear_object (&fixture->account);
  kabar_test_remove_directory (fixture->directory);
  g_free (fixture->directory);
  g_ptr_array_unref (fixture->refusals);
  g_ptr_array_unref (fixture->sent);
  kabar_graph_server_free (fixture->server);
}

void
kabar_graph_service_test_start (KabarGraphServiceFixture *fixture)
{
  kabar_graph_test_sign_in (fixture->account);
  fixture->service = kabar_service_test_new_service (fixture->account, fixture->directory);
  g_signal_connect (fixture->service, "change-refused", G_CALLBACK (on_change_refused), fixture);
  g_signal_connect (fixture->service, "message-sent", G_CALLBACK (on_message_sent), fixture);
  g_signal_connect (fixture->service, "message-failed", G_CALLBACK (on_message_failed), fixture);
  kabar_mail_service_start (fixture->service);
}

void
kabar_graph_service_test_wait (KabarGraphServiceFixture   *fixture,
                               KabarGraphServiceCondition  condition,
                               gconstpointer               data,
                               const char                 *what)
{
  gint64 start = g_get_monotonic_time ();

  while (!condition (fixture, data))
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        {
          const GError *error = kabar_mail_service_get_error (fixture->service);

          g_error ("Waited in vain for %s (status %d: %s)", what,
                   kabar_mail_service_get_status (fixture->service),
                   error != NULL ? error->message : "no error");
        }
      kabar_test_spin (20);
    }
}

static gboolean
has_status (KabarGraphServiceFixture *fixture,
            gconstpointer             data)
{
  return kabar_mail_service_get_status (fixture->service) == (KabarMailServiceStatus) GPOINTER_TO_INT (data);
}

void
kabar_graph_service_test_wait_status (KabarGraphServiceFixture *fixture,
                                      KabarMailServiceStatus    status)
{
  g_autofree char *what = g_strdup_printf ("status %d", status);

  kabar_graph_service_test_wait (fixture, has_status, GINT_TO_POINTER (status), what);
}
