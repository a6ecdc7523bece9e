/* kabar-mail-service-checker.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the services without a pool (POP, Graph) share about their checks:
 * one at a time, started by the poll timer, the network's return and the
 * user's retry; the status a check leaves; and after a failure the user
 * cannot fix, another try after a growing pause.
 */

#include "config.h"

#include "kabar-backoff.h"
#include "kabar-mail-service-private.h"
#include "kabar-net-error.h"
#include "kabar-oauth2.h"

KabarMailServiceChecker *
kabar_mail_service_checker_new (KabarMailService              *self,
                                KabarMailServiceCheckFunc      check,
                                KabarMailServiceNeedsUserFunc  needs_user)
{
  KabarMailServiceChecker *checker = g_new0 (KabarMailServiceChecker, 1);

  checker->service = self;
  checker->check = check;
  checker->needs_user = needs_user;
  checker->backoff = kabar_backoff_new ();
  checker->network_available = TRUE;
  return checker;
}

void
kabar_mail_service_checker_free (KabarMailServiceChecker *checker)
{
  if (checker == NULL)
    return;
  g_clear_error (&checker->error);
  g_clear_pointer (&checker->problem, kabar_certificate_problem_unref);
  kabar_backoff_free (checker->backoff);
  g_free (checker);
}

KabarMailServiceStatus
kabar_mail_service_checker_get_status (KabarMailServiceChecker  *checker,
                                       const GError            **error,
                                       KabarCertificateProblem **problem)
{
  *error = checker->error;
  *problem = checker->problem;
  if (!checker->network_available)
    return KABAR_MAIL_SERVICE_STATUS_OFFLINE;
  if (checker->running && checker->status != KABAR_MAIL_SERVICE_STATUS_CONNECTING)
    return KABAR_MAIL_SERVICE_STATUS_SYNCING;
  return checker->status;
}

void
kabar_mail_service_checker_set_state (KabarMailServiceChecker *checker,
                                      KabarMailServiceStatus   status,
                                      const GError            *error,
                                      KabarCertificateProblem *problem)
{
  checker->status = status;
  g_clear_error (&checker->error);
  checker->error = error != NULL ? g_error_copy (error) : NULL;
  g_clear_pointer (&checker->problem, kabar_certificate_problem_unref);
  checker->problem = problem != NULL ? kabar_certificate_problem_ref (problem) : NULL;
  kabar_mail_service_update_status (checker->service);
}

/* --- retries ---------------------------------------------------------------------------- */

static gboolean
on_retry (gpointer user_data)
{
  KabarMailServiceChecker *checker = user_data;

  checker->retry_source = 0;
  checker->check (checker->service);
  return G_SOURCE_REMOVE;
}

static void
clear_retry (KabarMailServiceChecker *checker)
{
  GSource *source;

  if (checker->retry_source == 0)
    return;
  source = g_main_context_find_source_by_id (checker->service->shared->owner, checker->retry_source);
  if (source != NULL)
    g_source_destroy (source);
  checker->retry_source = 0;
}

static void
retry_later (KabarMailServiceChecker *checker)
{
  g_autoptr(GSource) source = g_timeout_source_new (kabar_backoff_next_delay (checker->backoff));

  clear_retry (checker);
  g_source_set_callback (source, on_retry, checker, NULL);
  checker->retry_source = g_source_attach (source, checker->service->shared->owner);
}

/* --- checks ------------------------------------------------------------------------------ */

gboolean
kabar_mail_service_checker_begin (KabarMailServiceChecker *checker)
{
  KabarMailService *self = checker->service;

  if (!self->started || self->store == NULL || !checker->network_available)
    return FALSE;
  if (checker->running)
    {
      checker->again = TRUE;
      return FALSE;
    }
  clear_retry (checker);
  checker->running = TRUE;
  return TRUE;
}

gboolean
kabar_mail_service_checker_end (KabarMailServiceChecker *checker,
                                guint                    run)
{
  if (run != checker->run)
    return FALSE;
  checker->running = FALSE;
  return TRUE;
}

/* A sign-in to do again, a certificate to trust and a store that cannot
 * be written wait for the user whatever the service; the rest is its own. */
static gboolean
needs_user (KabarMailServiceChecker *checker,
            const GError            *error)
{
  return kabar_oauth2_error_needs_user (error)
         || g_error_matches (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE)
         || error->domain == KABAR_STORE_ERROR
         || checker->needs_user (error);
}

gboolean
kabar_mail_service_checker_report (KabarMailServiceChecker *checker,
                                   const GError            *error,
                                   KabarCertificateProblem *problem)
{
  if (error == NULL)
    {
      kabar_backoff_reset (checker->backoff);
      checker->checked = TRUE;
      kabar_mail_service_checker_set_state (checker, KABAR_MAIL_SERVICE_STATUS_ONLINE, NULL, NULL);
      return TRUE;
    }
  /* The service stopped: it says so itself. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  checker->again = FALSE;
  if (needs_user (checker, error))
    kabar_mail_service_checker_set_state (checker, KABAR_MAIL_SERVICE_STATUS_ERROR, error, problem);
  else
    {
      kabar_mail_service_checker_set_state (checker, KABAR_MAIL_SERVICE_STATUS_OFFLINE, error, NULL);
      retry_later (checker);
    }
  return FALSE;
}

gboolean
kabar_mail_service_checker_take_again (KabarMailServiceChecker *checker)
{
  gboolean again = checker->again;

  checker->again = FALSE;
  return again;
}

void
kabar_mail_service_checker_run (KabarMailServiceChecker *checker,
                                KabarMailServiceCheck   *check,
                                GDestroyNotify           check_free,
                                GTaskThreadFunc          func,
                                GAsyncReadyCallback      callback)
{
  KabarMailService *self = checker->service;
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, callback, NULL);

  check->shared = kabar_mail_service_shared_ref (self->shared);
  check->run = checker->run;
  check->announce = checker->checked;
  g_task_set_source_tag (task, kabar_mail_service_checker_run);
  g_task_set_task_data (task, check, check_free);
  g_task_run_in_thread (task, func);
  kabar_mail_service_update_status (self);
}

void
kabar_mail_service_check_clear (KabarMailServiceCheck *check)
{
  g_clear_pointer (&check->shared, kabar_mail_service_shared_unref);
  g_clear_pointer (&check->problem, kabar_certificate_problem_unref);
}

/* --- starting and stopping ----------------------------------------------------------- */

static gboolean
on_poll (gpointer user_data)
{
  KabarMailService *self = user_data;

  self->checker->check (self);
  return G_SOURCE_CONTINUE;
}

/* A server on this machine (the demo, the tests) is reachable whatever
 * GNetworkMonitor says of the network. */
static gboolean
server_is_local (KabarMailService *self)
{
  const char *host = kabar_account_get_host (self->account, KABAR_SERVER_INCOMING);
  g_autoptr(GInetAddress) address = host != NULL ? g_inet_address_new_from_string (host) : NULL;

  return g_strcmp0 (host, "localhost") == 0
         || (address != NULL && g_inet_address_get_is_loopback (address));
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  KabarMailService *self = user_data;

  if (!server_is_local (self))
    kabar_mail_service_checker_network_changed (self->checker, available);
}

void
kabar_mail_service_checker_start (KabarMailServiceChecker *checker)
{
  KabarMailService *self = checker->service;

  /* Through the service's own fields, which its stop clears. */
  self->network_monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_handler = g_signal_connect (self->network_monitor, "network-changed",
                                            G_CALLBACK (on_network_changed), self);
  checker->network_available =
    server_is_local (self) || g_network_monitor_get_network_available (self->network_monitor);
  kabar_mail_service_arm_poll (self, on_poll);

  checker->run++;
  checker->running = checker->again = FALSE;
  kabar_mail_service_checker_set_state (checker, KABAR_MAIL_SERVICE_STATUS_CONNECTING, NULL, NULL);
}

void
kabar_mail_service_checker_stop (KabarMailServiceChecker *checker)
{
  if (checker == NULL)
    return;
  checker->run++;
  checker->running = checker->again = FALSE;
  clear_retry (checker);
  kabar_backoff_reset (checker->backoff);
}

void
kabar_mail_service_checker_check (KabarMailServiceChecker *checker)
{
  checker->check (checker->service);
}

void
kabar_mail_service_checker_retry (KabarMailServiceChecker *checker)
{
  kabar_backoff_reset (checker->backoff);
  kabar_mail_service_checker_set_state (checker, KABAR_MAIL_SERVICE_STATUS_CONNECTING, NULL, NULL);
  checker->check (checker->service);
}

void
kabar_mail_service_checker_network_changed (KabarMailServiceChecker *checker,
                                            gboolean                 available)
{
  if (checker->network_available == available)
    return;
  checker->network_available = available;
  kabar_mail_service_update_status (checker->service);
  if (available)
    checker->check (checker->service);
}
