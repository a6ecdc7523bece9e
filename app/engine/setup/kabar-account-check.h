/* kabar-account-check.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-account.h"
#include "kabar-certificate-problem.h"

G_BEGIN_DECLS

/* What the check does, in the order it does it. */
typedef enum
{
  KABAR_ACCOUNT_CHECK_INCOMING_CONNECT,
  KABAR_ACCOUNT_CHECK_INCOMING_SECURE,
  KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN,
  KABAR_ACCOUNT_CHECK_FOLDERS,           /* IMAP LIST; POP3 STAT */
  KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT,
  KABAR_ACCOUNT_CHECK_OUTGOING_SECURE,
  KABAR_ACCOUNT_CHECK_OUTGOING_SIGN_IN,
  KABAR_ACCOUNT_CHECK_N_STEPS,
} KabarAccountCheckStep;

typedef enum
{
  KABAR_ACCOUNT_CHECK_PENDING,           /* has not run (yet) */
  KABAR_ACCOUNT_CHECK_RUNNING,
  KABAR_ACCOUNT_CHECK_PASSED,
  KABAR_ACCOUNT_CHECK_FAILED,
} KabarAccountCheckState;

/* Why a check failed; what the user must do differs for each. The message
 * names the server (host:port) and keeps the words of whoever reported
 * the failure (the server, the TLS library, the resolver). */
#define KABAR_ACCOUNT_CHECK_ERROR (kabar_account_check_error_quark ())

typedef enum
{
  KABAR_ACCOUNT_CHECK_ERROR_HOST_NOT_FOUND,
  KABAR_ACCOUNT_CHECK_ERROR_CONNECTION_REFUSED,
  KABAR_ACCOUNT_CHECK_ERROR_TIMED_OUT,
  KABAR_ACCOUNT_CHECK_ERROR_CERTIFICATE,       /* kabar_account_check_get_certificate_problem() */
  KABAR_ACCOUNT_CHECK_ERROR_SECURITY,          /* no TLS on that port, STARTTLS not offered, handshake */
  KABAR_ACCOUNT_CHECK_ERROR_WRONG_PASSWORD,
  KABAR_ACCOUNT_CHECK_ERROR_PASSWORD_DISABLED, /* the provider refuses passwords: OAuth2 only */
  KABAR_ACCOUNT_CHECK_ERROR_ACCESS_DISABLED,   /* IMAP or POP is turned off for this mailbox
                                                * (Outlook.com: turn it on in the web settings);
                                                * for the outgoing server, SMTP AUTH is (Microsoft
                                                * 365's "SmtpClientAuthentication is disabled") */
  KABAR_ACCOUNT_CHECK_ERROR_SIGN_IN_REQUIRED,  /* the OAuth2 token was refused */
  KABAR_ACCOUNT_CHECK_ERROR_FAILED,            /* anything else; the server's words */
} KabarAccountCheckError;

GQuark kabar_account_check_error_quark (void);

/* How long a server may make no progress before the check gives up on it. */
#define KABAR_ACCOUNT_CHECK_DEFAULT_TIMEOUT_SECONDS 30

/* Proves that an account's settings work before it is saved: connects to
 * the incoming server (IMAP or POP3), secures the connection, signs in and
 * lists the folders (POP3: STAT), says LOGOUT (QUIT), then does the same
 * for the outgoing server up to AUTH and QUIT. Nothing is changed on
 * either server.
 *
 * The steps run in order and the check stops at the first failure: the
 * steps after it stay PENDING. Connecting and securing are one call of the
 * protocol clients, so they are told apart by what failed: a certificate,
 * a TLS or a STARTTLS failure is the "secure" step (connecting passed),
 * anything before it (the name, the port, a silent server) the "connect"
 * step. With KABAR_SECURITY_NONE nothing is secured and the "secure" step
 * stays PENDING.
 *
 * A Microsoft Graph account (KABAR_INCOMING_GRAPH) has one HTTPS server
 * for everything: the check gets the account's Graph token (from the
 * keyring's refresh token, as its mail service will), asks GET /me
 * (connect, secure, sign in) and one folder of the mailbox (folders);
 * there is no outgoing server, and the outgoing steps stay PENDING. A
 * refused token or a 401 after a fresh one is SIGN_IN_REQUIRED; a mailbox
 * Graph cannot reach (403, MailboxNotEnabledForRESTAPI, ErrorAccessDenied)
 * is ACCESS_DISABLED; a refusal by the sign-in server leaves connect and
 * secure PENDING.
 *
 * Everything runs asynchronously on the thread-default main context of the
 * caller of run_async(), which is never blocked; "step-changed" is emitted
 * there. A check runs once: make a new one to check again. */
#define KABAR_TYPE_ACCOUNT_CHECK (kabar_account_check_get_type ())
G_DECLARE_FINAL_TYPE (KabarAccountCheck, kabar_account_check, KABAR, ACCOUNT_CHECK, GObject)

/* secret: the password, or for an OAuth2 account the access token (both
 * servers); a Graph account's check gets its own token and ignores it.
 * The account's settings are read as each server's turn comes: leave the
 * account alone while the check runs. */
KabarAccountCheck       *kabar_account_check_new                     (KabarAccount          *account,
                                                                      const char            *secret);
/* Before run_async(); KABAR_ACCOUNT_CHECK_DEFAULT_TIMEOUT_SECONDS unless
 * set. */
void                     kabar_account_check_set_timeout             (KabarAccountCheck     *self,
                                                                      guint                  timeout_seconds);
KabarAccountCheckState   kabar_account_check_get_state               (KabarAccountCheck     *self,
                                                                      KabarAccountCheckStep  step);

/* signal "step-changed" (KabarAccountCheckStep step, KabarAccountCheckState state) */
void                     kabar_account_check_run_async               (KabarAccountCheck     *self,
                                                                      GCancellable          *cancellable,
                                                                      GAsyncReadyCallback    callback,
                                                                      gpointer               user_data);
/* FALSE with a KABAR_ACCOUNT_CHECK_ERROR whose message names the server
 * and keeps its words, or G_IO_ERROR_CANCELLED (the running step goes
 * back to PENDING). */
gboolean                 kabar_account_check_run_finish              (KabarAccountCheck     *self,
                                                                      GAsyncResult          *result,
                                                                      GError               **error);

/* After a failure: the step that failed (KABAR_ACCOUNT_CHECK_N_STEPS
 * before, or when none did) and its server. */
KabarAccountCheckStep    kabar_account_check_get_failed_step         (KabarAccountCheck     *self);
KabarServerRole          kabar_account_check_get_failed_role         (KabarAccountCheck     *self);
/* After KABAR_ACCOUNT_CHECK_ERROR_CERTIFICATE: the certificate and what is
 * wrong with it, for the dialog that lets the user trust it (the host and
 * port are the failed server's); NULL otherwise. */
KabarCertificateProblem *kabar_account_check_get_certificate_problem (KabarAccountCheck     *self);

G_END_DECLS
