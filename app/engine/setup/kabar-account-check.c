/* kabar-account-check.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The check is a chain of callbacks on the caller's main context, one a
 * protocol command: every client it drives is asynchronous already, and
 * a worker thread would only add a context to drain of closing TLS
 * connections when the check ends.
 *
 * Each callback owns the task and hands it on to the next command with
 * g_steal_pointer(), so what it needs of the task (the run, the
 * cancellable) is read into locals first: the order in which a call's
 * arguments are evaluated is unspecified.
 */

#include "config.h"

#include <string.h>

#include "kabar-account-check-private.h"
#include "kabar-engine-enums.h"
#include "kabar-graph-error.h"
#include "kabar-imap-session.h"
#include "kabar-net-error.h"
#include "kabar-oauth2.h"
#include "kabar-pop3-session.h"
#include "kabar-secrets.h"
#include "kabar-smtp-client.h"

G_DEFINE_QUARK (kabar-account-check-error-quark, kabar_account_check_error)

enum
{
  STEP_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _KabarAccountCheck
{
  GObject                  parent_instance;

  KabarAccount            *account;
  char                    *secret;
  guint                    timeout;
  gboolean                 started;

  KabarAccountCheckState   states[KABAR_ACCOUNT_CHECK_N_STEPS];
  KabarAccountCheckStep    failed_step;
  KabarServerRole          failed_role;
  KabarCertificateProblem *problem;
};

G_DEFINE_FINAL_TYPE (KabarAccountCheck, kabar_account_check, G_TYPE_OBJECT)

/* One run: the clients it has open. The task's source object is the check. */
typedef struct
{
  KabarImapSession *imap;
  KabarPop3Session *pop3;
  KabarSmtpClient  *smtp;
} Run;

static void
run_free (Run *run)
{
  if (run->imap != NULL)
    kabar_imap_session_close (run->imap);
  if (run->pop3 != NULL)
    kabar_pop3_session_close (run->pop3);
  g_clear_object (&run->imap);
  g_clear_object (&run->pop3);
  g_clear_object (&run->smtp);
  g_free (run);
}

static KabarAccountCheck *
check_of (GTask *task)
{
  return g_task_get_source_object (task);
}

static Run *
run_of (GTask *task)
{
  return g_task_get_task_data (task);
}

static gboolean
is_oauth2 (KabarAccountCheck *self)
{
  return kabar_account_get_auth_method (self->account) == KABAR_AUTH_OAUTH2;
}

static KabarSaslCredential
credential_of (KabarAccountCheck *self)
{
  return is_oauth2 (self) ? KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN : KABAR_SASL_CREDENTIAL_PASSWORD;
}

static KabarServerRole
role_of (KabarAccountCheckStep step)
{
  return step >= KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT ? KABAR_SERVER_OUTGOING : KABAR_SERVER_INCOMING;
}

static void
set_state (KabarAccountCheck      *self,
           KabarAccountCheckStep   step,
           KabarAccountCheckState  state)
{
  if (self->states[step] == state)
    return;
  self->states[step] = state;
  g_signal_emit (self, signals[STEP_CHANGED], 0, step, state);
}

static void
pass (KabarAccountCheck     *self,
      KabarAccountCheckStep  step)
{
  set_state (self, step, KABAR_ACCOUNT_CHECK_PASSED);
}

static void
start (KabarAccountCheck     *self,
       KabarAccountCheckStep  step)
{
  set_state (self, step, KABAR_ACCOUNT_CHECK_RUNNING);
}

KabarAccount *
kabar_account_check_get_account (KabarAccountCheck *self)
{
  return self->account;
}

guint
kabar_account_check_get_timeout (KabarAccountCheck *self)
{
  return self->timeout;
}

void
kabar_account_check_set_step (KabarAccountCheck      *self,
                              KabarAccountCheckStep   step,
                              KabarAccountCheckState  state)
{
  set_state (self, step, state);
}

/* --- what a failure means to the user ------------------------------------------ */

static KabarAccountCheckError
code_for_net (const GError *error)
{
  switch ((KabarNetError) error->code)
    {
    case KABAR_NET_ERROR_HOST_NOT_FOUND:
      return KABAR_ACCOUNT_CHECK_ERROR_HOST_NOT_FOUND;
    case KABAR_NET_ERROR_CONNECTION_REFUSED:
      return KABAR_ACCOUNT_CHECK_ERROR_CONNECTION_REFUSED;
    case KABAR_NET_ERROR_TIMED_OUT:
      return KABAR_ACCOUNT_CHECK_ERROR_TIMED_OUT;
    case KABAR_NET_ERROR_CERTIFICATE:
      return KABAR_ACCOUNT_CHECK_ERROR_CERTIFICATE;
    case KABAR_NET_ERROR_STARTTLS_NOT_OFFERED:
    case KABAR_NET_ERROR_STARTTLS_FAILED:
    case KABAR_NET_ERROR_STARTTLS_INJECTION:
    case KABAR_NET_ERROR_TLS_HANDSHAKE:
    case KABAR_NET_ERROR_NOT_TLS:
      return KABAR_ACCOUNT_CHECK_ERROR_SECURITY;
    case KABAR_NET_ERROR_FAILED:
    case KABAR_NET_ERROR_NETWORK_UNREACHABLE:
    case KABAR_NET_ERROR_CLOSED:
    case KABAR_NET_ERROR_LINE_TOO_LONG:
    case KABAR_NET_ERROR_PROTOCOL:
    default:
      return KABAR_ACCOUNT_CHECK_ERROR_FAILED;
    }
}

/* A check's token was issued moments ago, for this very mailbox: when
 * IMAP refuses it, IMAP is off for the mailbox (Outlook.com's answer when
 * the user has not turned it on), not a token to renew. */
static KabarAccountCheckError
code_for_imap (const GError *error,
               gboolean      oauth2)
{
  if (g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED))
    return oauth2 ? KABAR_ACCOUNT_CHECK_ERROR_ACCESS_DISABLED : KABAR_ACCOUNT_CHECK_ERROR_WRONG_PASSWORD;
  if (g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BASIC_AUTH_DISABLED))
    return KABAR_ACCOUNT_CHECK_ERROR_PASSWORD_DISABLED;
  return KABAR_ACCOUNT_CHECK_ERROR_FAILED;
}

/* Outlook.com says that POP is off only once signed in ("User is
 * authenticated but not connected."), so a refused token is a token. */
static KabarAccountCheckError
code_for_pop3 (const GError *error,
               gboolean      oauth2)
{
  if (g_error_matches (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED))
    return oauth2 ? KABAR_ACCOUNT_CHECK_ERROR_SIGN_IN_REQUIRED : KABAR_ACCOUNT_CHECK_ERROR_WRONG_PASSWORD;
  if (g_error_matches (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_BASIC_AUTH_DISABLED))
    return KABAR_ACCOUNT_CHECK_ERROR_PASSWORD_DISABLED;
  if (g_error_matches (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_POP_DISABLED))
    return KABAR_ACCOUNT_CHECK_ERROR_ACCESS_DISABLED;
  return KABAR_ACCOUNT_CHECK_ERROR_FAILED;
}

/* Microsoft's "SmtpClientAuthentication is disabled for the Mailbox" (or
 * the Tenant): SMTP AUTH is off whatever the credential. */
static gboolean
says_smtp_auth_disabled (const KabarSmtpReply *reply)
{
  g_autofree char *text = kabar_smtp_reply_dup_text (reply);

  return strstr (text, "SmtpClientAuthentication") != NULL;
}

/* Outlook.com gives 5.7.139 to the passwords it will not take whatever
 * their worth (basic authentication disabled, security defaults): a
 * password will not do there. */
static KabarAccountCheckError
code_for_smtp (const GError *error,
               gboolean      oauth2)
{
  const KabarSmtpReply *reply = kabar_smtp_error_get_reply (error);

  if (reply != NULL && g_strcmp0 (reply->enhanced, "5.7.139") == 0 && says_smtp_auth_disabled (reply))
    return KABAR_ACCOUNT_CHECK_ERROR_ACCESS_DISABLED;
  if (g_error_matches (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_BASIC_AUTH_DISABLED))
    return KABAR_ACCOUNT_CHECK_ERROR_PASSWORD_DISABLED;
  if (!g_error_matches (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_FAILED))
    return KABAR_ACCOUNT_CHECK_ERROR_FAILED;
  if (oauth2)
    return KABAR_ACCOUNT_CHECK_ERROR_SIGN_IN_REQUIRED;
  if (reply != NULL && g_strcmp0 (reply->enhanced, "5.7.139") == 0)
    return KABAR_ACCOUNT_CHECK_ERROR_PASSWORD_DISABLED;
  return KABAR_ACCOUNT_CHECK_ERROR_WRONG_PASSWORD;
}

/* Microsoft answers 403 MailboxNotEnabledForRESTAPI (404 on some
 * tenants) for a user whose mailbox Graph cannot reach, and 403
 * ErrorAccessDenied where an organisation keeps apps out: signed in, but
 * no mail. The client's message carries the server's code. */
static KabarAccountCheckError
code_for_graph (const GError *error)
{
  if (g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_FORBIDDEN) ||
      strstr (error->message, ": MailboxNotEnabledForRESTAPI:") != NULL)
    return KABAR_ACCOUNT_CHECK_ERROR_ACCESS_DISABLED;
  /* A 401 again with a token fetched for the retry. */
  if (g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_UNAUTHORIZED))
    return KABAR_ACCOUNT_CHECK_ERROR_SIGN_IN_REQUIRED;
  return KABAR_ACCOUNT_CHECK_ERROR_FAILED;
}

static KabarAccountCheckError
code_for (const GError *error,
          gboolean      oauth2)
{
  if (g_error_matches (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED))
    return KABAR_ACCOUNT_CHECK_ERROR_SIGN_IN_REQUIRED;
  if (error->domain == KABAR_GRAPH_ERROR)
    return code_for_graph (error);
  if (error->domain == KABAR_NET_ERROR)
    return code_for_net (error);
  if (error->domain == KABAR_IMAP_ERROR)
    return code_for_imap (error, oauth2);
  if (error->domain == KABAR_POP3_ERROR)
    return code_for_pop3 (error, oauth2);
  if (error->domain == KABAR_SMTP_ERROR)
    return code_for_smtp (error, oauth2);
  return KABAR_ACCOUNT_CHECK_ERROR_FAILED;
}

/* host:port, as the connections name their peer. */
static char *
dup_peer (KabarAccount    *account,
          KabarServerRole  role)
{
  const char *host = kabar_account_get_host (account, role);
  guint16 port = kabar_account_get_port (account, role);

  return strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, port)
                                    : g_strdup_printf ("%s:%u", host, port);
}

static const char *
doing (KabarAccountCheckStep step,
       KabarIncomingKind     kind)
{
  switch (step)
    {
    case KABAR_ACCOUNT_CHECK_INCOMING_CONNECT:
    case KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT:
      return "Connecting to";
    case KABAR_ACCOUNT_CHECK_INCOMING_SECURE:
    case KABAR_ACCOUNT_CHECK_OUTGOING_SECURE:
      return "Securing the connection to";
    case KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN:
    case KABAR_ACCOUNT_CHECK_OUTGOING_SIGN_IN:
      return "Signing in to";
    case KABAR_ACCOUNT_CHECK_FOLDERS:
      /* POP has one mailbox and no folders: STAT opens it. */
      return kind == KABAR_INCOMING_POP3 ? "Opening the mailbox of" : "Listing the folders of";
    case KABAR_ACCOUNT_CHECK_N_STEPS:
    default:
      g_assert_not_reached ();
    }
}

/* Takes error and problem. The step fails; a cancel is no failure, and
 * leaves the step as if it had not started. */
static void
fail_with (GTask                   *task,
           KabarAccountCheckStep    step,
           KabarAccountCheckError   code,
           GError                  *error,
           KabarCertificateProblem *problem)
{
  KabarAccountCheck *self = check_of (task);
  g_autofree char *peer = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_state (self, step, KABAR_ACCOUNT_CHECK_PENDING);
      g_clear_pointer (&problem, kabar_certificate_problem_unref);
      g_task_return_error (task, error);
      return;
    }
  self->failed_step = step;
  self->failed_role = role_of (step);
  if (code == KABAR_ACCOUNT_CHECK_ERROR_CERTIFICATE)
    self->problem = g_steal_pointer (&problem);
  g_clear_pointer (&problem, kabar_certificate_problem_unref);
  set_state (self, step, KABAR_ACCOUNT_CHECK_FAILED);

  peer = dup_peer (self->account, self->failed_role);
  g_task_return_new_error (task, KABAR_ACCOUNT_CHECK_ERROR, code, "%s %s failed: %s",
                           doing (step, kabar_account_get_incoming_kind (self->account)), peer,
                           error->message);
  g_error_free (error);
}

void
kabar_account_check_fail_as (GTask                  *task,
                             KabarAccountCheckStep   step,
                             KabarAccountCheckError  code,
                             GError                 *error)
{
  fail_with (task, step, code, error, NULL);
}

static void
fail (GTask                   *task,
      KabarAccountCheckStep    step,
      GError                  *error,
      KabarCertificateProblem *problem)
{
  fail_with (task, step, code_for (error, is_oauth2 (check_of (task))), error, problem);
}

void
kabar_account_check_fail (GTask                   *task,
                          KabarAccountCheckStep    step,
                          GError                  *error,
                          KabarCertificateProblem *problem)
{
  fail (task, step, error, problem);
}

/* Connecting includes the TLS handshake (implicit TLS) or STARTTLS: what
 * went wrong says which of the two steps it was. */
static gboolean
is_security_failure (const GError *error)
{
  return error->domain == KABAR_NET_ERROR &&
         (code_for_net (error) == KABAR_ACCOUNT_CHECK_ERROR_CERTIFICATE ||
          code_for_net (error) == KABAR_ACCOUNT_CHECK_ERROR_SECURITY);
}

/* Takes error and problem. */
static void
fail_connect (GTask                   *task,
              KabarAccountCheckStep    connect,
              GError                  *error,
              KabarCertificateProblem *problem)
{
  KabarAccountCheck *self = check_of (task);

  if (!is_security_failure (error))
    {
      fail (task, connect, error, problem);
      return;
    }
  pass (self, connect);
  fail (task, connect + 1, error, problem);
}

void
kabar_account_check_fail_connect (GTask                   *task,
                                  KabarAccountCheckStep    connect,
                                  GError                  *error,
                                  KabarCertificateProblem *problem)
{
  fail_connect (task, connect, error, problem);
}

static void
pass_connect (KabarAccountCheck     *self,
              KabarAccountCheckStep  connect)
{
  pass (self, connect);
  if (kabar_account_get_security (self->account, role_of (connect)) != KABAR_SECURITY_NONE)
    pass (self, connect + 1);
}

/* --- outgoing: SMTP -------------------------------------------------------------- */

static void
on_smtp_quit (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  /* Signed in is what was to be proved; a server that hangs up on QUIT
   * has still proved it. */
  kabar_smtp_client_quit_finish (KABAR_SMTP_CLIENT (source), result, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
on_smtp_signed_in (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarAccountCheck *self = check_of (task);
  Run *run = run_of (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!kabar_smtp_client_authenticate_finish (KABAR_SMTP_CLIENT (source), result, &error))
    {
      fail (task, KABAR_ACCOUNT_CHECK_OUTGOING_SIGN_IN, error, NULL);
      return;
    }
  pass (self, KABAR_ACCOUNT_CHECK_OUTGOING_SIGN_IN);
  kabar_smtp_client_quit_async (run->smtp, cancellable, on_smtp_quit, g_steal_pointer (&task));
}

static void
on_smtp_connected (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarAccountCheck *self = check_of (task);
  Run *run = run_of (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  KabarCertificateProblem *problem = NULL;
  GError *error = NULL;

  run->smtp = kabar_smtp_client_connect_finish (result, &problem, &error);
  if (run->smtp == NULL)
    {
      fail_connect (task, KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT, error, problem);
      return;
    }
  pass_connect (self, KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT);
  start (self, KABAR_ACCOUNT_CHECK_OUTGOING_SIGN_IN);
  kabar_smtp_client_authenticate_async (run->smtp, credential_of (self),
                                        kabar_account_get_user_name (self->account, KABAR_SERVER_OUTGOING),
                                        self->secret, cancellable, on_smtp_signed_in, g_steal_pointer (&task));
}

/* Takes task. */
static void
check_outgoing (GTask *task)
{
  KabarAccountCheck *self = check_of (task);
  KabarAccount *account = self->account;

  start (self, KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT);
  kabar_smtp_client_connect_async (kabar_account_get_host (account, KABAR_SERVER_OUTGOING),
                                   kabar_account_get_port (account, KABAR_SERVER_OUTGOING),
                                   kabar_account_get_security (account, KABAR_SERVER_OUTGOING),
                                   kabar_account_get_pinned_certificate (account, KABAR_SERVER_OUTGOING),
                                   self->timeout, NULL, g_task_get_cancellable (task),
                                   on_smtp_connected, task);
}

/* --- incoming: IMAP -------------------------------------------------------------- */

static void
on_imap_logged_out (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;

  /* As for SMTP's QUIT: what mattered has been proved. */
  kabar_imap_session_command_finish (KABAR_IMAP_SESSION (source), result, NULL);
  g_clear_object (&run_of (task)->imap);
  check_outgoing (task);
}

static void
on_imap_listed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = run_of (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GPtrArray) folders = NULL;
  GError *error = NULL;

  folders = kabar_imap_session_list_finish (KABAR_IMAP_SESSION (source), result, &error);
  if (folders == NULL)
    {
      fail (task, KABAR_ACCOUNT_CHECK_FOLDERS, error, NULL);
      return;
    }
  pass (check_of (task), KABAR_ACCOUNT_CHECK_FOLDERS);
  kabar_imap_session_logout_async (run->imap, cancellable, on_imap_logged_out, g_steal_pointer (&task));
}

static void
on_imap_signed_in (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarAccountCheck *self = check_of (task);
  Run *run = run_of (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!kabar_imap_session_authenticate_finish (KABAR_IMAP_SESSION (source), result, &error))
    {
      fail (task, KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, error, NULL);
      return;
    }
  pass (self, KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN);
  start (self, KABAR_ACCOUNT_CHECK_FOLDERS);
  kabar_imap_session_list_async (run->imap, "*", KABAR_IMAP_LIST_NONE, cancellable, on_imap_listed,
                                 g_steal_pointer (&task));
}

static void
on_imap_connected (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarAccountCheck *self = check_of (task);
  Run *run = run_of (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  KabarCertificateProblem *problem = NULL;
  GError *error = NULL;

  run->imap = kabar_imap_session_connect_finish (result, &problem, &error);
  if (run->imap == NULL)
    {
      fail_connect (task, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, error, problem);
      return;
    }
  pass_connect (self, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT);
  start (self, KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN);
  kabar_imap_session_authenticate_async (run->imap,
                                         kabar_account_get_user_name (self->account, KABAR_SERVER_INCOMING),
                                         self->secret, credential_of (self), cancellable, on_imap_signed_in,
                                         g_steal_pointer (&task));
}

/* --- incoming: POP3 -------------------------------------------------------------- */

static void
on_pop3_quit (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;

  kabar_pop3_session_command_finish (KABAR_POP3_SESSION (source), result, NULL);
  g_clear_object (&run_of (task)->pop3);
  check_outgoing (task);
}

static void
on_pop3_stat (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = run_of (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!kabar_pop3_session_stat_finish (KABAR_POP3_SESSION (source), result, NULL, NULL, &error))
    {
      fail (task, KABAR_ACCOUNT_CHECK_FOLDERS, error, NULL);
      return;
    }
  pass (check_of (task), KABAR_ACCOUNT_CHECK_FOLDERS);
  /* No DELE was sent, so QUIT removes nothing. */
  kabar_pop3_session_quit_async (run->pop3, cancellable, on_pop3_quit, g_steal_pointer (&task));
}

static void
on_pop3_signed_in (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarAccountCheck *self = check_of (task);
  Run *run = run_of (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!kabar_pop3_session_authenticate_finish (KABAR_POP3_SESSION (source), result, &error))
    {
      fail (task, KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN, error, NULL);
      return;
    }
  pass (self, KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN);
  start (self, KABAR_ACCOUNT_CHECK_FOLDERS);
  kabar_pop3_session_stat_async (run->pop3, cancellable, on_pop3_stat, g_steal_pointer (&task));
}

static void
on_pop3_connected (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarAccountCheck *self = check_of (task);
  Run *run = run_of (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  KabarCertificateProblem *problem = NULL;
  GError *error = NULL;

  run->pop3 = kabar_pop3_session_connect_finish (result, &problem, &error);
  if (run->pop3 == NULL)
    {
      fail_connect (task, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT, error, problem);
      return;
    }
  pass_connect (self, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT);
  start (self, KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN);
  kabar_pop3_session_authenticate_async (run->pop3, credential_of (self),
                                         kabar_account_get_user_name (self->account, KABAR_SERVER_INCOMING),
                                         self->secret, cancellable, on_pop3_signed_in, g_steal_pointer (&task));
}

/* Takes task. */
static void
check_incoming (GTask *task)
{
  KabarAccountCheck *self = check_of (task);
  KabarAccount *account = self->account;
  const char *host = kabar_account_get_host (account, KABAR_SERVER_INCOMING);
  guint16 port = kabar_account_get_port (account, KABAR_SERVER_INCOMING);
  KabarSecurity security = kabar_account_get_security (account, KABAR_SERVER_INCOMING);
  GTlsCertificate *pinned = kabar_account_get_pinned_certificate (account, KABAR_SERVER_INCOMING);

  start (self, KABAR_ACCOUNT_CHECK_INCOMING_CONNECT);
  if (kabar_account_get_incoming_kind (account) == KABAR_INCOMING_POP3)
    kabar_pop3_session_connect_async (host, port, security, pinned, self->timeout,
                                      g_task_get_cancellable (task), on_pop3_connected, task);
  else
    kabar_imap_session_connect_async (host, port, security, pinned, self->timeout,
                                      g_task_get_cancellable (task), on_imap_connected, task);
}

/* --- the object ------------------------------------------------------------------ */

static void
kabar_account_check_finalize (GObject *object)
{
  KabarAccountCheck *self = KABAR_ACCOUNT_CHECK (object);

  g_clear_object (&self->account);
  g_clear_pointer (&self->secret, kabar_secrets_free);
  g_clear_pointer (&self->problem, kabar_certificate_problem_unref);

  G_OBJECT_CLASS (kabar_account_check_parent_class)->finalize (object);
}

static void
kabar_account_check_class_init (KabarAccountCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kabar_account_check_finalize;

  signals[STEP_CHANGED] =
    g_signal_new ("step-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, KABAR_TYPE_ACCOUNT_CHECK_STEP, KABAR_TYPE_ACCOUNT_CHECK_STATE);
}

static void
kabar_account_check_init (KabarAccountCheck *self)
{
  self->timeout = KABAR_ACCOUNT_CHECK_DEFAULT_TIMEOUT_SECONDS;
  self->failed_step = KABAR_ACCOUNT_CHECK_N_STEPS;
  self->failed_role = KABAR_SERVER_INCOMING;
}

KabarAccountCheck *
kabar_account_check_new (KabarAccount *account,
                         const char   *secret)
{
  KabarAccountCheck *self;

  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  self = g_object_new (KABAR_TYPE_ACCOUNT_CHECK, NULL);
  self->account = g_object_ref (account);
  self->secret = g_strdup (secret);
  return self;
}

void
kabar_account_check_set_timeout (KabarAccountCheck *self,
                                 guint              timeout_seconds)
{
  g_return_if_fail (KABAR_IS_ACCOUNT_CHECK (self));
  g_return_if_fail (!self->started);
  g_return_if_fail (timeout_seconds > 0);

  self->timeout = timeout_seconds;
}

KabarAccountCheckState
kabar_account_check_get_state (KabarAccountCheck     *self,
                               KabarAccountCheckStep  step)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_CHECK (self), KABAR_ACCOUNT_CHECK_PENDING);
  g_return_val_if_fail (step < KABAR_ACCOUNT_CHECK_N_STEPS, KABAR_ACCOUNT_CHECK_PENDING);

  return self->states[step];
}

void
kabar_account_check_run_async (KabarAccountCheck   *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_ACCOUNT_CHECK (self));
  g_return_if_fail (!self->started);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  self->started = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_account_check_run_async);
  g_task_set_task_data (task, g_new0 (Run, 1), (GDestroyNotify) run_free);

  if (kabar_account_get_incoming_kind (self->account) == KABAR_INCOMING_GRAPH)
    kabar_account_check_graph (g_steal_pointer (&task));
  else
    check_incoming (g_steal_pointer (&task));
}

gboolean
kabar_account_check_run_finish (KabarAccountCheck  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_CHECK (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kabar_account_check_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

KabarAccountCheckStep
kabar_account_check_get_failed_step (KabarAccountCheck *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_CHECK (self), KABAR_ACCOUNT_CHECK_N_STEPS);

  return self->failed_step;
}

KabarServerRole
kabar_account_check_get_failed_role (KabarAccountCheck *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_CHECK (self), KABAR_SERVER_INCOMING);

  return self->failed_role;
}

KabarCertificateProblem *
kabar_account_check_get_certificate_problem (KabarAccountCheck *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_CHECK (self), NULL);

  return self->problem;
}
