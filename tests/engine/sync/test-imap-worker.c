/* test-imap-worker.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The account's long-lived connections: kabar_imap_connect_account(), the
 * worker (jobs, IDLE, reconnecting, back-off, ERROR, network changes,
 * stopping) and the pool, against the bed's Dovecot, the scripted server
 * (a cut in the middle of a job) and a closed port (a server that is
 * down).
 *
 * Built twice: as it is, and with KABAR_TEST_NO_IDLE against a Dovecot
 * that does not advertise IDLE, where only the watch tests run: there the
 * worker polls with NOOP.
 */

#include "config.h"

#include "kabar-imap-connect.h"
#include "kabar-imap-pool.h"
#include "kabar-imap-test-session.h"
#include "kabar-imap-worker.h"
#include "kabar-net-error.h"
#include "kabar-sync-wait.h"
#include "kabar-test-wait.h"

#define PASSWORD   "Sandi-123"
#define GOOD_TOKEN "ya29.worker-token"
#define TOKEN_USER "token@" KABAR_TEST_BED_DOMAIN
/* What a requirement allows, measured, not a benchmark. */
#define NEW_MAIL_SECONDS 2.0
/* Well above the worker's grace, well below "stuck". */
#define STOP_LIMIT_SECONDS (KABAR_IMAP_WORKER_STOP_SECONDS + 1.0)
#define WAIT_MS 20000

static KabarTestBed *shared_bed;

/* --- the bed -------------------------------------------------------------- */

static KabarTestBed *
get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
#ifdef KABAR_TEST_NO_IDLE
  kabar_test_bed_drop_imap_capability (shared_bed, "IDLE");
#else
  kabar_test_bed_enable_oauth2 (shared_bed);
  kabar_test_bed_add_oauth2_token (shared_bed, GOOD_TOKEN, TOKEN_USER);
#endif
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  return shared_bed;
}

static char *
new_user (const char *name)
{
  char *address = g_strdup_printf ("%s@%s", name, KABAR_TEST_BED_DOMAIN);

  kabar_test_bed_add_user (get_bed (), address, PASSWORD);
  return address;
}

static KabarAccount *
account_for (const char    *user,
             guint16        port,
             KabarSecurity  security)
{
  KabarAccount *account = kabar_account_new ();

  kabar_account_set_address (account, user);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST, port, security, user);
  if (shared_bed != NULL)
    kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING,
                                          kabar_test_bed_get_certificate (shared_bed));
  return account;
}

static KabarAccount *
bed_account (const char *user)
{
  return account_for (user, kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAPS),
                      KABAR_SECURITY_IMPLICIT_TLS);
}

/* A port where nothing listens: a server that is down. */
static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static void
deliver (const char *user,
         const char *subject)
{
  g_autofree char *text = g_strdup_printf ("Subject: %s\n\nIsi.\n", subject);

  kabar_imap_test_add_message (get_bed (), user, "INBOX", text, "");
}

/* --- what the worker reports, recorded on its threads --------------------- */

typedef struct
{
  GMutex        mutex;
  KabarAccount *account;
  char         *secret;
  guint         connects;
  GPtrArray    *statuses;
  guint         changes;
  gint64        changed_at;
  GMainContext *main_context;
} Harness;

static Harness *
harness_new (KabarAccount *account,
             const char   *secret)
{
  Harness *harness = g_new0 (Harness, 1);

  g_mutex_init (&harness->mutex);
  harness->account = account;
  harness->secret = g_strdup (secret);
  harness->statuses = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_imap_worker_status_unref);
  harness->main_context = g_main_context_ref (g_main_context_default ());
  return harness;
}

static void
harness_free (Harness *harness)
{
  g_clear_object (&harness->account);
  g_free (harness->secret);
  g_ptr_array_unref (harness->statuses);
  g_main_context_unref (harness->main_context);
  g_mutex_clear (&harness->mutex);
  g_free (harness);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Harness, harness_free)

static KabarImapSession *
connect_account (gpointer                  data,
                 GCancellable             *cancellable,
                 KabarCertificateProblem **problem,
                 GError                  **error)
{
  Harness *harness = data;
  g_autofree char *secret = NULL;

  g_mutex_lock (&harness->mutex);
  harness->connects++;
  secret = g_strdup (harness->secret);
  g_mutex_unlock (&harness->mutex);
  return kabar_imap_connect_account (harness->account, secret, cancellable, problem, error);
}

/* The user typed the right password. */
static void
set_secret (Harness    *harness,
            const char *secret)
{
  g_mutex_lock (&harness->mutex);
  g_free (harness->secret);
  harness->secret = g_strdup (secret);
  g_mutex_unlock (&harness->mutex);
}

static void
record_status (KabarImapWorkerStatus *status,
               gpointer               data)
{
  Harness *harness = data;

  g_mutex_lock (&harness->mutex);
  g_ptr_array_add (harness->statuses, kabar_imap_worker_status_ref (status));
  g_mutex_unlock (&harness->mutex);
  g_main_context_wakeup (harness->main_context);
}

static void
record_change (const char *mailbox,
               gpointer    data)
{
  Harness *harness = data;

  g_assert_cmpstr (mailbox, ==, "INBOX");
  g_mutex_lock (&harness->mutex);
  harness->changes++;
  harness->changed_at = g_get_monotonic_time ();
  g_mutex_unlock (&harness->mutex);
  g_main_context_wakeup (harness->main_context);
}

static guint
get_connects (Harness *harness)
{
  guint connects;

  g_mutex_lock (&harness->mutex);
  connects = harness->connects;
  g_mutex_unlock (&harness->mutex);
  return connects;
}

static guint
get_changes (Harness *harness)
{
  guint changes;

  g_mutex_lock (&harness->mutex);
  changes = harness->changes;
  g_mutex_unlock (&harness->mutex);
  return changes;
}

/* The index of the first status from index from on in that state, or -1. */
static int
find_status (Harness              *harness,
             guint                 from,
             KabarImapWorkerState  state)
{
  int found = -1;

  g_mutex_lock (&harness->mutex);
  for (guint i = from; i < harness->statuses->len && found < 0; i++)
    if (kabar_imap_worker_status_get_state (g_ptr_array_index (harness->statuses, i)) == state)
      found = (int) i;
  g_mutex_unlock (&harness->mutex);
  return found;
}

static KabarImapWorkerStatus *
dup_status (Harness *harness,
            guint    index)
{
  KabarImapWorkerStatus *status;

  g_mutex_lock (&harness->mutex);
  status = kabar_imap_worker_status_ref (g_ptr_array_index (harness->statuses, index));
  g_mutex_unlock (&harness->mutex);
  return status;
}

static gboolean
on_wait_over (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main context (job results and the bed's OAuth endpoint live
 * there) until check says so; FALSE after ms. The tick looks again at
 * what changed on other threads without waking this one. */
static gboolean
wait_until (gboolean (*check) (Harness *, gpointer),
            Harness   *harness,
            gpointer   data,
            guint      ms)
{
  g_autoptr(GSource) timer = g_timeout_source_new (ms);
  g_autoptr(GSource) tick = g_timeout_source_new (10);
  gboolean over = FALSE;
  gboolean done;

  g_source_set_callback (timer, on_wait_over, &over, NULL);
  g_source_attach (timer, NULL);
  g_source_set_callback (tick, on_tick, NULL, NULL);
  g_source_attach (tick, NULL);
  while (!(done = check (harness, data)) && !over)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (tick);
  g_source_destroy (timer);
  return done;
}

typedef struct
{
  guint                from;
  KabarImapWorkerState state;
  int                  found;
} StateWait;

static gboolean
check_state (Harness  *harness,
             gpointer  data)
{
  StateWait *wait = data;

  wait->found = find_status (harness, wait->from, wait->state);
  return wait->found >= 0;
}

/* The index of the first status in state from index from on. */
static guint
wait_for_state (Harness              *harness,
                guint                 from,
                KabarImapWorkerState  state)
{
  StateWait wait = { from, state, -1 };

  if (!wait_until (check_state, harness, &wait, WAIT_MS))
    g_error ("No %s status within %u ms",
             g_enum_get_value (g_type_class_ref (KABAR_TYPE_IMAP_WORKER_STATE), state)->value_nick, WAIT_MS);
  return (guint) wait.found;
}

static gboolean
check_changes (Harness  *harness,
               gpointer  data)
{
  return get_changes (harness) >= GPOINTER_TO_UINT (data);
}

static gboolean
wait_for_changes (Harness *harness,
                  guint    n,
                  guint    ms)
{
  return wait_until (check_changes, harness, GUINT_TO_POINTER (n), ms);
}

static gboolean
check_connects (Harness  *harness,
                gpointer  data)
{
  return get_connects (harness) >= GPOINTER_TO_UINT (data);
}

static gboolean
wait_for_connects (Harness *harness,
                   guint    n,
                   guint    ms)
{
  return wait_until (check_connects, harness, GUINT_TO_POINTER (n), ms);
}

static KabarImapWorker *
worker_new (Harness      *harness,
            KabarBackoff *backoff)
{
  KabarImapWorker *worker = kabar_imap_worker_new ("kabar-test", connect_account, harness, NULL);

  kabar_imap_worker_set_status_func (worker, record_status, harness, NULL);
  if (backoff != NULL)
    kabar_imap_worker_set_backoff (worker, backoff);
  return worker;
}

static KabarBackoff *
backoff_new (guint   initial_ms,
             guint   max_ms,
             guint32 seed)
{
  KabarBackoff *backoff = kabar_backoff_new_with_seed (seed);

  kabar_backoff_set_limits (backoff, initial_ms, max_ms);
  return backoff;
}

/* --- jobs ----------------------------------------------------------------- */

static gboolean
run_job (KabarImapWorker   *worker,
         KabarImapJobFunc   func,
         gpointer           data,
         GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_imap_worker_queue_async (worker, func, data, NULL, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_imap_worker_queue_finish (worker, result, error);
}

typedef struct
{
  GMainContext *main_context;
  GThread      *thread;
  guint         runs;
  gboolean      authenticated;
  gboolean      qresync;
  gboolean      idle_offered;
} Seen;

static gboolean
job_look (KabarImapSession  *session,
          gpointer           data,
          GCancellable      *cancellable,
          GError           **error)
{
  Seen *seen = data;

  seen->runs++;
  seen->thread = g_thread_self ();
  seen->main_context = g_main_context_get_thread_default ();
  seen->authenticated = kabar_imap_session_get_state (session) >= KABAR_IMAP_SESSION_STATE_AUTHENTICATED &&
                        kabar_imap_session_get_state (session) < KABAR_IMAP_SESSION_STATE_CLOSED;
  seen->qresync = kabar_imap_session_is_enabled (session, "QRESYNC");
  seen->idle_offered = kabar_imap_session_has_capability (session, "IDLE");
  return TRUE;
}

static gboolean
job_noop (KabarImapSession  *session,
          gpointer           data,
          GCancellable      *cancellable,
          GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (data != NULL)
    (*(guint *) data)++;
  kabar_imap_session_noop_async (session, cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_imap_session_command_finish (session, result, error);
}

/* Leaves another mailbox selected, as a folder sync does. */
static gboolean
job_select (KabarImapSession  *session,
            gpointer           data,
            GCancellable      *cancellable,
            GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;

  if (data != NULL)
    *(gint64 *) data = g_get_monotonic_time ();
  kabar_imap_session_select_async (session, "Sent", FALSE, NULL, NULL, NULL, cancellable,
                                   kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  state = kabar_imap_session_select_finish (session, result, error);
  return state != NULL;
}

static gboolean
job_select_missing (KabarImapSession  *session,
                    gpointer           data,
                    GCancellable      *cancellable,
                    GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;

  kabar_imap_session_select_async (session, "Tidak Ada", FALSE, NULL, NULL, NULL, cancellable,
                                   kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  state = kabar_imap_session_select_finish (session, result, error);
  return state != NULL;
}

/* A job that takes until it is cancelled, after saying it started. */
typedef struct
{
  GMutex   mutex;
  gboolean started;
} Blocker;

static gboolean
job_until_cancelled (KabarImapSession  *session,
                     gpointer           data,
                     GCancellable      *cancellable,
                     GError           **error)
{
  Blocker *blocker = data;

  g_mutex_lock (&blocker->mutex);
  blocker->started = TRUE;
  g_mutex_unlock (&blocker->mutex);
  g_main_context_wakeup (g_main_context_default ());
  while (!g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gboolean
check_started (Harness  *harness,
               gpointer  data)
{
  Blocker *blocker = data;
  gboolean started;

  g_mutex_lock (&blocker->mutex);
  started = blocker->started;
  g_mutex_unlock (&blocker->mutex);
  return started;
}

/* --- kabar_imap_connect_account() ----------------------------------------- */

static KabarImapSession *
try_connect_account (KabarAccount             *account,
                     const char               *secret,
                     KabarCertificateProblem **problem,
                     GError                  **error)
{
  return kabar_imap_connect_account (account, secret, NULL, problem, error);
}

static void
test_connect_signs_in_and_enables_qresync (void)
{
  g_autofree char *user = new_user ("connect");
  guint16 imap = kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_IMAP);
  g_autoptr(KabarAccount) implicit = bed_account (user);
  g_autoptr(KabarAccount) starttls = account_for (user, imap, KABAR_SECURITY_STARTTLS);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapSession) upgraded = NULL;
  g_autoptr(GError) error = NULL;

  session = try_connect_account (implicit, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
  g_assert_true (kabar_imap_session_is_enabled (session, "CONDSTORE"));
  g_assert_true (kabar_imap_session_is_enabled (session, "QRESYNC"));
  kabar_imap_test_logout (session);

  upgraded = try_connect_account (starttls, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_connection_is_tls (kabar_imap_session_get_connection (upgraded)));
  g_assert_cmpint (kabar_imap_session_get_state (upgraded), ==, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
  kabar_imap_test_logout (upgraded);
}

static void
test_connect_oauth2_account_signs_in_with_its_token (void)
{
  g_autoptr(KabarAccount) account = NULL;
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapSession) refused = NULL;
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_user (get_bed (), TOKEN_USER, "unused-password");
  account = bed_account (TOKEN_USER);
  kabar_account_set_auth_method (account, KABAR_AUTH_OAUTH2);
  session = try_connect_account (account, GOOD_TOKEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
  kabar_imap_test_logout (session);

  refused = try_connect_account (account, "ya29.expired", NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED);
}

static void
test_connect_errors_pass_through (void)
{
  g_autofree char *user = new_user ("connecterr");
  g_autoptr(KabarAccount) account = bed_account (user);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;

  session = try_connect_account (account, "bukan-sandinya", &problem, &error);
  g_assert_null (session);
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED);
  g_assert_null (problem);
  g_clear_error (&error);

  /* The certificate was never trusted. */
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING, NULL);
  session = try_connect_account (account, PASSWORD, &problem, &error);
  g_assert_null (session);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE);
  g_assert_nonnull (problem);
  g_clear_error (&error);

  kabar_account_set_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST, closed_port (),
                            KABAR_SECURITY_IMPLICIT_TLS, user);
  session = try_connect_account (account, PASSWORD, NULL, &error);
  g_assert_null (session);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CONNECTION_REFUSED);
}

/* --- the worker: jobs ----------------------------------------------------- */

static void
test_job_runs_on_the_worker_thread_with_a_signed_in_session (void)
{
  g_autofree char *user = new_user ("job");
  g_autoptr(Harness) harness = harness_new (bed_account (user), PASSWORD);
  g_autoptr(KabarImapWorker) worker = worker_new (harness, NULL);
  g_autoptr(GError) error = NULL;
  Seen seen = { 0 };
  Seen again = { 0 };

  kabar_imap_worker_start (worker);
  run_job (worker, job_look, &seen, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen.runs, ==, 1);
  g_assert_true (seen.authenticated);
  g_assert_true (seen.qresync);
  g_assert_true (seen.thread != g_thread_self ());
  g_assert_true (seen.main_context != NULL && seen.main_context != g_main_context_default ());

  run_job (worker, job_look, &again, &error);
  g_assert_no_error (error);
  g_assert_true (again.thread == seen.thread);
  g_assert_cmpuint (get_connects (harness), ==, 1);
  g_assert_cmpint (kabar_imap_worker_get_state (worker), ==, KABAR_IMAP_WORKER_STATE_READY);
  g_assert_cmpuint (kabar_imap_worker_get_n_jobs (worker), ==, 0);
  kabar_imap_worker_stop (worker);
  g_assert_cmpint (kabar_imap_worker_get_state (worker), ==, KABAR_IMAP_WORKER_STATE_STOPPED);
}

static void
test_job_failure_is_reported_without_reconnecting (void)
{
  g_autofree char *user = new_user ("jobfail");
  g_autoptr(Harness) harness = harness_new (bed_account (user), PASSWORD);
  g_autoptr(KabarImapWorker) worker = worker_new (harness, NULL);
  g_autoptr(GError) error = NULL;
  guint noops = 0;

  kabar_imap_worker_start (worker);
  g_assert_false (run_job (worker, job_select_missing, NULL, &error));
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_NO);
  g_clear_error (&error);
  run_job (worker, job_noop, &noops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (noops, ==, 1);
  g_assert_cmpuint (get_connects (harness), ==, 1);
}

static void
test_cancelled_job_leaves_the_queue_unrun (void)
{
  g_autofree char *user = new_user ("jobcancel");
  g_autoptr(Harness) harness = harness_new (bed_account (user), PASSWORD);
  g_autoptr(KabarImapWorker) worker = worker_new (harness, NULL);
  g_autoptr(GCancellable) first_cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) second_cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *first_slot = NULL;
  GAsyncResult *second_slot = NULL;
  Blocker blocker = { 0 };
  guint noops = 0;

  kabar_imap_worker_start (worker);
  kabar_imap_worker_queue_async (worker, job_until_cancelled, &blocker, NULL, first_cancellable,
                                 kabar_test_wait_done, &first_slot);
  kabar_imap_worker_queue_async (worker, job_noop, &noops, NULL, second_cancellable,
                                 kabar_test_wait_done, &second_slot);
  g_assert_true (wait_until (check_started, harness, &blocker, WAIT_MS));
  g_assert_cmpuint (kabar_imap_worker_get_n_jobs (worker), ==, 2);
  g_cancellable_cancel (second_cancellable);
  second = kabar_test_wait (&second_slot);
  g_assert_false (kabar_imap_worker_queue_finish (worker, second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (kabar_imap_worker_get_n_jobs (worker), ==, 1);

  /* The running one gets its cancellable cancelled. */
  g_cancellable_cancel (first_cancellable);
  first = kabar_test_wait (&first_slot);
  g_assert_false (kabar_imap_worker_queue_finish (worker, first, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (noops, ==, 0);
  g_assert_cmpuint (get_connects (harness), ==, 1);
}

/* --- the worker: watching ------------------------------------------------- */

static guint
watch_poll_seconds (void)
{
#ifdef KABAR_TEST_NO_IDLE
  return 1;
#else
  /* Must not matter with IDLE: a long interval shows it does not. */
  return 600;
#endif
}

static double
seconds_between (gint64 from,
                 gint64 to)
{
  return (to - from) / (double) G_USEC_PER_SEC;
}

/* Delivers a message and measures how soon the watch reported it. */
static void
assert_new_mail_reported (Harness    *harness,
                          const char *user,
                          const char *subject)
{
  guint before = get_changes (harness);
  gint64 delivered = g_get_monotonic_time ();
  double latency;

  deliver (user, subject);
  g_assert_true (wait_for_changes (harness, before + 1, WAIT_MS));
  g_mutex_lock (&harness->mutex);
  latency = seconds_between (delivered, harness->changed_at);
  g_mutex_unlock (&harness->mutex);
  g_test_message ("\"%s\" reported %.3f s after its delivery", subject, latency);
  g_assert_cmpfloat (latency, <, NEW_MAIL_SECONDS);
}

static void
test_watch_reports_new_mail_within_two_seconds (void)
{
  g_autofree char *user = new_user ("watch");
  g_autoptr(Harness) harness = harness_new (bed_account (user), PASSWORD);
  g_autoptr(KabarImapWorker) worker = worker_new (harness, NULL);
  g_autoptr(KabarImapSession) other = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { 0 };

  deliver (user, "lama");
  kabar_imap_worker_watch (worker, "INBOX", watch_poll_seconds (), record_change, harness, NULL);
  kabar_imap_worker_start (worker);
  wait_for_state (harness, 0, KABAR_IMAP_WORKER_STATE_IDLE);
  /* The first opening is the start, not a change. */
  kabar_test_spin (300);
  g_assert_cmpuint (get_changes (harness), ==, 0);

  assert_new_mail_reported (harness, user, "baru");
  /* "* 2 EXISTS" and "* 1 RECENT" are one burst. */
  kabar_test_spin (500);
  g_assert_cmpuint (get_changes (harness), ==, 1);

  /* Another client marks a message read: a FETCH of its flags. */
  other = kabar_imap_test_open (get_bed (), user, KABAR_TEST_BED_PORT_IMAPS);
  state = kabar_imap_test_select (other, "INBOX");
  kabar_imap_test_store (other, "1", KABAR_IMAP_STORE_ADD, "\\Seen");
  g_assert_true (wait_for_changes (harness, 2, WAIT_MS));
  kabar_imap_test_logout (other);

  run_job (worker, job_look, &seen, &error);
  g_assert_no_error (error);
#ifdef KABAR_TEST_NO_IDLE
  g_assert_false (seen.idle_offered);
#else
  g_assert_true (seen.idle_offered);
#endif
  g_assert_cmpuint (get_connects (harness), ==, 1);
}

static void
test_job_interrupts_the_watch_which_then_resumes (void)
{
  g_autofree char *user = new_user ("interrupt");
  g_autoptr(Harness) harness = harness_new (bed_account (user), PASSWORD);
  g_autoptr(KabarImapWorker) worker = worker_new (harness, NULL);
  g_autoptr(GError) error = NULL;
  gint64 queued;
  gint64 started = 0;
  guint idle;
  guint ready;

  kabar_imap_worker_watch (worker, "INBOX", watch_poll_seconds (), record_change, harness, NULL);
  kabar_imap_worker_start (worker);
  idle = wait_for_state (harness, 0, KABAR_IMAP_WORKER_STATE_IDLE);
  kabar_test_spin (300);

  queued = g_get_monotonic_time ();
  run_job (worker, job_select, &started, &error);
  g_assert_no_error (error);
  g_test_message ("the job started %.3f s after it was queued", seconds_between (queued, started));
  g_assert_cmpfloat (seconds_between (queued, started), <, 1.0);
  ready = wait_for_state (harness, idle + 1, KABAR_IMAP_WORKER_STATE_READY);
  wait_for_state (harness, ready + 1, KABAR_IMAP_WORKER_STATE_IDLE);
  kabar_test_spin (300);

  assert_new_mail_reported (harness, user, "setelah tugas");
  g_assert_cmpuint (get_connects (harness), ==, 1);
}

/* --- the worker: failures ------------------------------------------------- */

static void
test_wrong_password_stops_after_one_attempt_until_retry (void)
{
  g_autofree char *user = new_user ("wrongpw");
  g_autoptr(Harness) harness = harness_new (bed_account (user), "bukan-sandinya");
  g_autoptr(KabarImapWorker) worker = worker_new (harness, backoff_new (10, 100, 1));
  g_autoptr(KabarImapWorkerStatus) status = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  guint index;
  guint noops = 0;

  kabar_imap_worker_start (worker);
  index = wait_for_state (harness, 0, KABAR_IMAP_WORKER_STATE_ERROR);
  status = dup_status (harness, index);
  g_assert_error (kabar_imap_worker_status_get_error (status), KABAR_IMAP_ERROR,
                  KABAR_IMAP_ERROR_AUTHENTICATION_FAILED);
  g_assert_null (kabar_imap_worker_status_get_certificate_problem (status));
  /* With a back-off of 10 ms, a retrying worker would be at dozens. */
  kabar_test_spin (500);
  g_assert_cmpuint (get_connects (harness), ==, 1);
  g_assert_cmpint (kabar_imap_worker_get_state (worker), ==, KABAR_IMAP_WORKER_STATE_ERROR);

  /* A retry with the same password is refused the same way, once. */
  kabar_imap_worker_retry (worker);
  g_assert_true (wait_for_connects (harness, 2, WAIT_MS));
  index = wait_for_state (harness, index + 1, KABAR_IMAP_WORKER_STATE_ERROR);

  /* Jobs wait for the user. */
  kabar_imap_worker_queue_async (worker, job_noop, &noops, NULL, NULL, kabar_test_wait_done, &slot);
  kabar_test_spin (300);
  g_assert_null (slot);
  g_assert_cmpuint (get_connects (harness), ==, 2);
  g_assert_cmpuint (kabar_imap_worker_get_n_jobs (worker), ==, 1);

  set_secret (harness, PASSWORD);
  kabar_imap_worker_retry (worker);
  result = kabar_test_wait (&slot);
  kabar_imap_worker_queue_finish (worker, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (noops, ==, 1);
  g_assert_cmpuint (get_connects (harness), ==, 3);
  g_assert_cmpint (find_status (harness, index, KABAR_IMAP_WORKER_STATE_READY), >, (int) index);
}

static void
test_untrusted_certificate_stops_with_the_problem (void)
{
  g_autofree char *user = new_user ("untrusted");
  g_autoptr(KabarAccount) account = bed_account (user);
  g_autoptr(Harness) harness = NULL;
  g_autoptr(KabarImapWorker) worker = NULL;
  g_autoptr(KabarImapWorkerStatus) status = NULL;

  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING, NULL);
  harness = harness_new (g_steal_pointer (&account), PASSWORD);
  worker = worker_new (harness, backoff_new (10, 100, 1));
  kabar_imap_worker_start (worker);
  status = dup_status (harness, wait_for_state (harness, 0, KABAR_IMAP_WORKER_STATE_ERROR));
  g_assert_error (kabar_imap_worker_status_get_error (status), KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE);
  g_assert_nonnull (kabar_imap_worker_status_get_certificate_problem (status));
  kabar_test_spin (300);
  g_assert_cmpuint (get_connects (harness), ==, 1);
}

/* The scripted server hangs up in the middle of the job's NOOP; the
 * worker connects again and the same job runs again, to success. */
typedef struct
{
  KabarScriptedServer *server;
  guint                connects;
} Scripted;

static KabarImapSession *
connect_scripted (gpointer                  data,
                  GCancellable             *cancellable,
                  KabarCertificateProblem **problem,
                  GError                  **error)
{
  Scripted *scripted = data;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_atomic_int_inc (&scripted->connects);
  kabar_imap_session_connect_async ("127.0.0.1", kabar_scripted_server_get_port (scripted->server),
                                    KABAR_SECURITY_NONE, NULL, 10, cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_imap_session_connect_finish (result, problem, error);
}

static KabarImapWorker *
scripted_worker_new (Scripted *scripted,
                     Harness  *harness)
{
  KabarImapWorker *worker = kabar_imap_worker_new ("kabar-test", connect_scripted, scripted, NULL);

  kabar_imap_worker_set_status_func (worker, record_status, harness, NULL);
  kabar_imap_worker_set_backoff (worker, backoff_new (20, 100, 5));
  return worker;
}

static void
start_script (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
}

static void
test_cut_during_a_job_reconnects_and_runs_it_again (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Harness) harness = harness_new (NULL, "");
  g_autoptr(KabarImapWorker) worker = NULL;
  g_autoptr(KabarImapWorkerStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  Scripted scripted = { server, 0 };
  guint runs = 0;

  kabar_scripted_server_set_timeout (server, 10000);
  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 NOOP");
  kabar_scripted_server_cut (server);
  kabar_scripted_server_accept (server);
  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready again");
  kabar_scripted_server_expect (server, "a1 NOOP");
  kabar_scripted_server_send (server, "a1 OK NOOP completed.");
  kabar_scripted_server_expect (server, "a2 LOGOUT");
  kabar_scripted_server_send (server, "* BYE Logging out");
  kabar_scripted_server_send (server, "a2 OK Logout completed.");
  start_script (server);

  worker = scripted_worker_new (&scripted, harness);
  kabar_imap_worker_start (worker);
  run_job (worker, job_noop, &runs, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs, ==, 2);
  g_assert_cmpuint (g_atomic_int_get (&scripted.connects), ==, 2);
  status = dup_status (harness, find_status (harness, 0, KABAR_IMAP_WORKER_STATE_BACKING_OFF));
  g_assert_error (kabar_imap_worker_status_get_error (status), KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_cmpuint (kabar_imap_worker_status_get_delay (status), <=, 20);
  kabar_imap_worker_stop (worker);
  kabar_imap_test_assert_script (server);
}

typedef struct
{
  Scripted        *scripted;
  KabarImapWorker *worker;
} Reconnected;

static gboolean
check_reconnected (Harness  *harness,
                   gpointer  data)
{
  Reconnected *reconnected = data;

  return (guint) g_atomic_int_get (&reconnected->scripted->connects) == KABAR_IMAP_WORKER_MAX_JOB_LOSSES + 1 &&
         kabar_imap_worker_get_state (reconnected->worker) == KABAR_IMAP_WORKER_STATE_READY;
}

/* A job that makes the server hang up every time must not hold the
 * queue for ever. */
static void
test_job_that_keeps_losing_its_connection_fails_in_the_end (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Harness) harness = harness_new (NULL, "");
  g_autoptr(KabarImapWorker) worker = NULL;
  g_autoptr(GError) error = NULL;
  Scripted scripted = { server, 0 };
  Reconnected reconnected = { &scripted, NULL };
  guint runs = 0;

  kabar_scripted_server_set_timeout (server, 10000);
  for (guint i = 0; i < KABAR_IMAP_WORKER_MAX_JOB_LOSSES; i++)
    {
      if (i > 0)
        kabar_scripted_server_accept (server);
      kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
      kabar_scripted_server_expect (server, "a1 NOOP");
      kabar_scripted_server_cut (server);
    }
  kabar_scripted_server_accept (server);
  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 LOGOUT");
  kabar_scripted_server_send (server, "* BYE Logging out");
  kabar_scripted_server_send (server, "a1 OK Logout completed.");
  start_script (server);

  worker = scripted_worker_new (&scripted, harness);
  reconnected.worker = worker;
  kabar_imap_worker_start (worker);
  g_assert_false (run_job (worker, job_noop, &runs, &error));
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED);
  g_assert_cmpuint (runs, ==, KABAR_IMAP_WORKER_MAX_JOB_LOSSES);
  /* The worker itself goes on: connected again, waiting for work. */
  g_assert_true (wait_until (check_reconnected, harness, &reconnected, WAIT_MS));
  kabar_imap_worker_stop (worker);
  kabar_imap_test_assert_script (server);
}

/* After a change of network, an IDLE connection may be dead without a
 * word: the worker ends the IDLE and asks with NOOP, then idles again. */
static void
test_network_change_makes_an_idle_connection_prove_itself (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(Harness) harness = harness_new (NULL, "");
  g_autoptr(KabarImapWorker) worker = NULL;
  Scripted scripted = { server, 0 };
  guint idle;

  kabar_scripted_server_set_timeout (server, 10000);
  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready");
  kabar_scripted_server_expect (server, "a1 EXAMINE INBOX");
  kabar_scripted_server_send (server, "* 2 EXISTS");
  kabar_scripted_server_send (server, "* OK [UIDVALIDITY 7] UIDs valid");
  kabar_scripted_server_send (server, "* OK [UIDNEXT 3] Predicted next UID");
  kabar_scripted_server_send (server, "a1 OK [READ-ONLY] Examine completed.");
  kabar_scripted_server_expect (server, "a2 IDLE");
  kabar_scripted_server_send (server, "+ idling");
  kabar_scripted_server_expect (server, "DONE");
  kabar_scripted_server_send (server, "a2 OK Idle completed.");
  kabar_scripted_server_expect (server, "a3 NOOP");
  kabar_scripted_server_send (server, "* 3 EXISTS");
  kabar_scripted_server_send (server, "a3 OK NOOP completed.");
  kabar_scripted_server_expect (server, "a4 IDLE");
  kabar_scripted_server_send (server, "+ idling");
  kabar_scripted_server_expect (server, "DONE");
  kabar_scripted_server_send (server, "a4 OK Idle completed.");
  kabar_scripted_server_expect (server, "a5 LOGOUT");
  kabar_scripted_server_send (server, "* BYE Logging out");
  kabar_scripted_server_send (server, "a5 OK Logout completed.");
  start_script (server);

  worker = scripted_worker_new (&scripted, harness);
  kabar_imap_worker_watch (worker, "INBOX", 0, record_change, harness, NULL);
  kabar_imap_worker_start (worker);
  idle = wait_for_state (harness, 0, KABAR_IMAP_WORKER_STATE_IDLE);
  kabar_test_spin (300);
  kabar_imap_worker_network_changed (worker, TRUE);
  /* What the NOOP brought is reported too. */
  g_assert_true (wait_for_changes (harness, 1, WAIT_MS));
  kabar_test_spin (300);
  g_assert_cmpint (kabar_imap_worker_get_state (worker), ==, KABAR_IMAP_WORKER_STATE_IDLE);
  g_assert_cmpint (find_status (harness, idle + 1, KABAR_IMAP_WORKER_STATE_BACKING_OFF), <, 0);
  kabar_imap_worker_stop (worker);
  kabar_imap_test_assert_script (server);
  g_assert_cmpuint (g_atomic_int_get (&scripted.connects), ==, 1);
}

static void
test_reconnect_delays_grow_while_the_server_is_down (void)
{
  g_autoptr(Harness) harness = harness_new (account_for ("down@" KABAR_TEST_BED_DOMAIN, closed_port (),
                                                         KABAR_SECURITY_IMPLICIT_TLS), PASSWORD);
  g_autoptr(KabarImapWorker) worker = worker_new (harness, backoff_new (20, 60000, 2026));
  guint delays[6];
  guint from = 0;
  guint first_half = 0;
  guint second_half = 0;

  kabar_imap_worker_start (worker);
  for (guint i = 0; i < G_N_ELEMENTS (delays); i++)
    {
      g_autoptr(KabarImapWorkerStatus) status = NULL;
      guint index = wait_for_state (harness, from, KABAR_IMAP_WORKER_STATE_BACKING_OFF);

      status = dup_status (harness, index);
      g_assert_error (kabar_imap_worker_status_get_error (status), KABAR_NET_ERROR,
                      KABAR_NET_ERROR_CONNECTION_REFUSED);
      delays[i] = kabar_imap_worker_status_get_delay (status);
      g_test_message ("attempt %u failed; the next in %u ms", i + 1, delays[i]);
      g_assert_cmpuint (delays[i], <=, 20u << i);
      if (i < G_N_ELEMENTS (delays) / 2)
        first_half += delays[i];
      else
        second_half += delays[i];
      from = index + 1;
    }
  g_assert_cmpuint (second_half, >, first_half);
  kabar_imap_worker_stop (worker);
  /* One attempt per delay waited, none between. */
  g_assert_cmpuint (get_connects (harness), <=, G_N_ELEMENTS (delays) + 1);
}

static void
test_network_down_stops_attempts_and_up_connects_at_once (void)
{
  g_autoptr(Harness) harness = harness_new (account_for ("down@" KABAR_TEST_BED_DOMAIN, closed_port (),
                                                         KABAR_SECURITY_IMPLICIT_TLS), PASSWORD);
  g_autoptr(KabarImapWorker) worker = worker_new (harness, backoff_new (60000, 300000, 1));
  g_autoptr(KabarImapWorkerStatus) status = NULL;
  guint index;
  gint64 up;

  kabar_imap_worker_start (worker);
  index = wait_for_state (harness, 0, KABAR_IMAP_WORKER_STATE_BACKING_OFF);
  status = dup_status (harness, index);
  g_test_message ("next attempt in %u ms", kabar_imap_worker_status_get_delay (status));
  g_assert_cmpuint (kabar_imap_worker_status_get_delay (status), >, 5000);

  kabar_imap_worker_network_changed (worker, FALSE);
  index = wait_for_state (harness, index + 1, KABAR_IMAP_WORKER_STATE_OFFLINE);
  kabar_test_spin (300);
  g_assert_cmpuint (get_connects (harness), ==, 1);

  up = g_get_monotonic_time ();
  kabar_imap_worker_network_changed (worker, TRUE);
  g_assert_true (wait_for_connects (harness, 2, WAIT_MS));
  g_test_message ("connecting again %.3f s after the network came back", kabar_test_seconds_since (up));
  g_assert_cmpfloat (kabar_test_seconds_since (up), <, 1.0);
  g_clear_pointer (&status, kabar_imap_worker_status_unref);
  /* The back-off started over. */
  status = dup_status (harness, wait_for_state (harness, index + 1, KABAR_IMAP_WORKER_STATE_BACKING_OFF));
  g_assert_cmpuint (kabar_imap_worker_status_get_delay (status), <=, 60000);
}

static void
test_network_down_drops_the_connection_and_jobs_wait (void)
{
  g_autofree char *user = new_user ("offline");
  g_autoptr(Harness) harness = harness_new (bed_account (user), PASSWORD);
  g_autoptr(KabarImapWorker) worker = worker_new (harness, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  guint index;
  guint noops = 0;

  kabar_imap_worker_start (worker);
  index = wait_for_state (harness, 0, KABAR_IMAP_WORKER_STATE_READY);
  kabar_imap_worker_network_changed (worker, FALSE);
  index = wait_for_state (harness, index + 1, KABAR_IMAP_WORKER_STATE_OFFLINE);
  kabar_imap_worker_queue_async (worker, job_noop, &noops, NULL, NULL, kabar_test_wait_done, &slot);
  kabar_test_spin (300);
  g_assert_null (slot);
  g_assert_cmpuint (kabar_imap_worker_get_n_jobs (worker), ==, 1);
  g_assert_cmpuint (get_connects (harness), ==, 1);

  kabar_imap_worker_network_changed (worker, TRUE);
  result = kabar_test_wait (&slot);
  kabar_imap_worker_queue_finish (worker, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (noops, ==, 1);
  g_assert_cmpuint (get_connects (harness), ==, 2);
}

/* --- the worker: stopping ------------------------------------------------- */

static double
timed_stop (KabarImapWorker *worker)
{
  gint64 start = g_get_monotonic_time ();
  double took;

  kabar_imap_worker_stop (worker);
  took = kabar_test_seconds_since (start);
  g_test_message ("stop() took %.3f s", took);
  g_assert_cmpint (kabar_imap_worker_get_state (worker), ==, KABAR_IMAP_WORKER_STATE_STOPPED);
  /* Twice is harmless. */
  kabar_imap_worker_stop (worker);
  return took;
}

static void
test_stop_during_a_job_cancels_it_promptly (void)
{
  g_autofree char *user = new_user ("stopjob");
  g_autoptr(Harness) harness = harness_new (bed_account (user), PASSWORD);
  g_autoptr(KabarImapWorker) worker = worker_new (harness, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) late = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  GAsyncResult *late_slot = NULL;
  Blocker blocker = { 0 };
  guint noops = 0;

  kabar_imap_worker_start (worker);
  kabar_imap_worker_queue_async (worker, job_until_cancelled, &blocker, NULL, NULL, kabar_test_wait_done, &slot);
  kabar_imap_worker_queue_async (worker, job_noop, &noops, NULL, NULL, kabar_test_wait_done, &late_slot);
  g_assert_true (wait_until (check_started, harness, &blocker, WAIT_MS));
  g_assert_cmpfloat (timed_stop (worker), <, STOP_LIMIT_SECONDS);

  result = kabar_test_wait (&slot);
  g_assert_false (kabar_imap_worker_queue_finish (worker, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  late = kabar_test_wait (&late_slot);
  g_assert_false (kabar_imap_worker_queue_finish (worker, late, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (noops, ==, 0);

  /* A stopped worker takes no more work. */
  g_clear_error (&error);
  g_assert_false (run_job (worker, job_noop, &noops, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (noops, ==, 0);
}

static void
test_stop_during_idle_returns_promptly (void)
{
  g_autofree char *user = new_user ("stopidle");
  g_autoptr(Harness) harness = harness_new (bed_account (user), PASSWORD);
  g_autoptr(KabarImapWorker) worker = worker_new (harness, NULL);

  kabar_imap_worker_watch (worker, "INBOX", watch_poll_seconds (), record_change, harness, NULL);
  kabar_imap_worker_start (worker);
  wait_for_state (harness, 0, KABAR_IMAP_WORKER_STATE_IDLE);
  kabar_test_spin (300);
  g_assert_cmpfloat (timed_stop (worker), <, STOP_LIMIT_SECONDS);
}

static void
test_stop_during_back_off_returns_promptly (void)
{
  g_autoptr(Harness) harness = harness_new (account_for ("down@" KABAR_TEST_BED_DOMAIN, closed_port (),
                                                         KABAR_SECURITY_IMPLICIT_TLS), PASSWORD);
  g_autoptr(KabarImapWorker) worker = worker_new (harness, backoff_new (60000, 300000, 1));
  g_autoptr(KabarImapWorkerStatus) status = NULL;

  kabar_imap_worker_start (worker);
  status = dup_status (harness, wait_for_state (harness, 0, KABAR_IMAP_WORKER_STATE_BACKING_OFF));
  g_assert_cmpuint (kabar_imap_worker_status_get_delay (status), >, 5000);
  g_assert_cmpfloat (timed_stop (worker), <, 1.0);
  g_assert_cmpuint (get_connects (harness), ==, 1);
}

static void
test_worker_never_started_fails_its_jobs (void)
{
  g_autoptr(Harness) harness = harness_new (NULL, "");
  g_autoptr(KabarImapWorker) worker = worker_new (harness, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  kabar_imap_worker_queue_async (worker, job_noop, NULL, NULL, NULL, kabar_test_wait_done, &slot);
  kabar_imap_worker_watch (worker, "INBOX", 0, record_change, harness, NULL);
  kabar_imap_worker_stop (worker);
  result = kabar_test_wait (&slot);
  g_assert_false (kabar_imap_worker_queue_finish (worker, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (get_connects (harness), ==, 0);
}

/* --- the pool ------------------------------------------------------------- */

/* Jobs that hold their worker until the test lets them go. */
typedef struct
{
  GMutex            mutex;
  GCond             cond;
  gboolean          open;
  guint             started;
  GPtrArray        *sessions;
} Gate;

static gboolean
job_at_gate (KabarImapSession  *session,
             gpointer           data,
             GCancellable      *cancellable,
             GError           **error)
{
  Gate *gate = data;

  g_mutex_lock (&gate->mutex);
  gate->started++;
  g_ptr_array_add (gate->sessions, session);
  g_main_context_wakeup (g_main_context_default ());
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->mutex);
  g_mutex_unlock (&gate->mutex);
  return TRUE;
}

static gboolean
check_gate_started (Harness  *harness,
                    gpointer  data)
{
  Gate *gate = data;
  gboolean two;

  g_mutex_lock (&gate->mutex);
  two = gate->started >= 2;
  g_mutex_unlock (&gate->mutex);
  return two;
}

static gboolean
check_pool_ready (Harness  *harness,
                  gpointer  data)
{
  KabarImapPool *pool = data;

  if (kabar_imap_worker_get_state (kabar_imap_pool_get_worker (pool, 0)) != KABAR_IMAP_WORKER_STATE_IDLE)
    return FALSE;
  for (guint i = 1; i < kabar_imap_pool_get_size (pool); i++)
    if (kabar_imap_worker_get_state (kabar_imap_pool_get_worker (pool, i)) != KABAR_IMAP_WORKER_STATE_READY)
      return FALSE;
  return TRUE;
}

static guint
count_session (GPtrArray *sessions,
               gpointer   session)
{
  guint n = 0;

  for (guint i = 0; i < sessions->len; i++)
    if (g_ptr_array_index (sessions, i) == session)
      n++;
  return n;
}

static void
test_pool_of_three_watches_on_one_and_spreads_jobs_over_two (void)
{
  g_autofree char *user = new_user ("pool");
  g_autoptr(Harness) harness = harness_new (bed_account (user), PASSWORD);
  g_autoptr(KabarImapPool) pool = kabar_imap_pool_new ("kabar-pool", 0, connect_account, harness, NULL);
  g_autoptr(KabarImapWorkerStatus) status = NULL;
  Gate gate = { .sessions = g_ptr_array_new () };
  GAsyncResult *slots[4] = { NULL };

  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.cond);
  g_assert_cmpuint (kabar_imap_pool_get_size (pool), ==, KABAR_IMAP_POOL_DEFAULT_SIZE);
  kabar_imap_pool_set_status_func (pool, record_status, harness, NULL);
  kabar_imap_pool_watch (pool, "INBOX", 0, record_change, harness, NULL);
  kabar_imap_pool_start (pool);
  g_assert_true (wait_until (check_pool_ready, harness, pool, WAIT_MS));
  status = kabar_imap_pool_dup_status (pool);
  g_assert_cmpint (kabar_imap_worker_status_get_state (status), ==, KABAR_IMAP_WORKER_STATE_IDLE);

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    kabar_imap_pool_queue_async (pool, job_at_gate, &gate, NULL, NULL, kabar_test_wait_done, &slots[i]);
  g_assert_true (wait_until (check_gate_started, harness, &gate, WAIT_MS));
  g_assert_cmpuint (kabar_imap_worker_get_n_jobs (kabar_imap_pool_get_worker (pool, 0)), ==, 0);
  g_assert_cmpuint (kabar_imap_worker_get_n_jobs (kabar_imap_pool_get_worker (pool, 1)), ==, 2);
  g_assert_cmpuint (kabar_imap_worker_get_n_jobs (kabar_imap_pool_get_worker (pool, 2)), ==, 2);
  /* The watcher went on watching. */
  assert_new_mail_reported (harness, user, "selama tugas");

  g_mutex_lock (&gate.mutex);
  gate.open = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.mutex);
  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      g_autoptr(GAsyncResult) result = kabar_test_wait (&slots[i]);
      g_autoptr(GError) error = NULL;

      kabar_imap_pool_queue_finish (pool, result, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (gate.sessions->len, ==, 4);
  g_assert_cmpuint (count_session (gate.sessions, g_ptr_array_index (gate.sessions, 0)), ==, 2);
  g_assert_cmpuint (count_session (gate.sessions, g_ptr_array_index (gate.sessions, 1)), ==, 2);
  g_assert_true (g_ptr_array_index (gate.sessions, 0) != g_ptr_array_index (gate.sessions, 1));
  g_assert_cmpuint (get_connects (harness), ==, 3);

  kabar_imap_pool_stop (pool);
  g_clear_pointer (&status, kabar_imap_worker_status_unref);
  status = kabar_imap_pool_dup_status (pool);
  g_assert_cmpint (kabar_imap_worker_status_get_state (status), ==, KABAR_IMAP_WORKER_STATE_STOPPED);
  g_ptr_array_unref (gate.sessions);
  g_cond_clear (&gate.cond);
  g_mutex_clear (&gate.mutex);
}

static gboolean
check_pool_error (Harness  *harness,
                  gpointer  data)
{
  g_autoptr(KabarImapWorkerStatus) status = kabar_imap_pool_dup_status (data);

  return kabar_imap_worker_status_get_state (status) == KABAR_IMAP_WORKER_STATE_ERROR &&
         get_connects (harness) == 3;
}

static void
test_pool_with_a_wrong_password_is_in_error_after_one_attempt_each (void)
{
  g_autofree char *user = new_user ("poolpw");
  g_autoptr(Harness) harness = harness_new (bed_account (user), "bukan-sandinya");
  g_autoptr(KabarImapPool) pool = kabar_imap_pool_new ("kabar-pool", 3, connect_account, harness, NULL);

  kabar_imap_pool_set_backoff (pool, 10, 100);
  kabar_imap_pool_start (pool);
  g_assert_true (wait_until (check_pool_error, harness, pool, WAIT_MS));
  kabar_test_spin (500);
  g_assert_cmpuint (get_connects (harness), ==, 3);
  kabar_imap_pool_retry (pool);
  g_assert_true (wait_for_connects (harness, 6, WAIT_MS));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#ifndef KABAR_TEST_NO_IDLE
  g_test_add_func ("/sync/imap-connect/signs-in-and-enables-qresync", test_connect_signs_in_and_enables_qresync);
  g_test_add_func ("/sync/imap-connect/oauth2-account-signs-in-with-its-token",
                   test_connect_oauth2_account_signs_in_with_its_token);
  g_test_add_func ("/sync/imap-connect/errors-pass-through", test_connect_errors_pass_through);

  g_test_add_func ("/sync/imap-worker/job-runs-on-the-worker-thread-with-a-signed-in-session",
                   test_job_runs_on_the_worker_thread_with_a_signed_in_session);
  g_test_add_func ("/sync/imap-worker/job-failure-is-reported-without-reconnecting",
                   test_job_failure_is_reported_without_reconnecting);
  g_test_add_func ("/sync/imap-worker/cancelled-job-leaves-the-queue-unrun", test_cancelled_job_leaves_the_queue_unrun);
#endif
  g_test_add_func ("/sync/imap-worker/watch-reports-new-mail-within-two-seconds",
                   test_watch_reports_new_mail_within_two_seconds);
  g_test_add_func ("/sync/imap-worker/job-interrupts-the-watch-which-then-resumes",
                   test_job_interrupts_the_watch_which_then_resumes);
  g_test_add_func ("/sync/imap-worker/stop-during-idle-returns-promptly", test_stop_during_idle_returns_promptly);
#ifndef KABAR_TEST_NO_IDLE
  g_test_add_func ("/sync/imap-worker/wrong-password-stops-after-one-attempt-and-jobs-wait-for-retry",
                   test_wrong_password_stops_after_one_attempt_until_retry);
  g_test_add_func ("/sync/imap-worker/untrusted-certificate-stops-with-the-problem",
                   test_untrusted_certificate_stops_with_the_problem);
  g_test_add_func ("/sync/imap-worker/cut-during-a-job-reconnects-and-runs-it-again",
                   test_cut_during_a_job_reconnects_and_runs_it_again);
  g_test_add_func ("/sync/imap-worker/job-that-keeps-losing-its-connection-fails-in-the-end",
                   test_job_that_keeps_losing_its_connection_fails_in_the_end);
  g_test_add_func ("/sync/imap-worker/network-change-makes-an-idle-connection-prove-itself",
                   test_network_change_makes_an_idle_connection_prove_itself);
  g_test_add_func ("/sync/imap-worker/reconnect-delays-grow-while-the-server-is-down",
                   test_reconnect_delays_grow_while_the_server_is_down);
  g_test_add_func ("/sync/imap-worker/network-down-stops-attempts-and-up-connects-at-once",
                   test_network_down_stops_attempts_and_up_connects_at_once);
  g_test_add_func ("/sync/imap-worker/network-down-drops-the-connection-and-jobs-wait",
                   test_network_down_drops_the_connection_and_jobs_wait);
  g_test_add_func ("/sync/imap-worker/stop-during-a-job-cancels-it-promptly",
                   test_stop_during_a_job_cancels_it_promptly);
  g_test_add_func ("/sync/imap-worker/stop-during-back-off-returns-promptly",
                   test_stop_during_back_off_returns_promptly);
  g_test_add_func ("/sync/imap-worker/never-started-fails-its-jobs", test_worker_never_started_fails_its_jobs);

  g_test_add_func ("/sync/imap-pool/of-three-watches-on-one-and-spreads-jobs-over-two",
                   test_pool_of_three_watches_on_one_and_spreads_jobs_over_two);
  g_test_add_func ("/sync/imap-pool/with-a-wrong-password-is-in-error-after-one-attempt-each",
                   test_pool_with_a_wrong_password_is_in_error_after_one_attempt_each);
#endif

  status = g_test_run ();
  g_clear_object (&shared_bed);
  return status;
}
