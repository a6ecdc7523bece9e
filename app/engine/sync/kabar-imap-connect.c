/* kabar-imap-connect.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-imap-connect.h"
#include "kabar-sync-wait.h"

/* Takes local_error. A NO or BAD to an optional command is no failure:
 * the session goes on without what it would have given. */
static gboolean
unless_refused (GError      *local_error,
                const char  *what,
                GError     **error)
{
  if (local_error == NULL)
    return TRUE;
  if (g_error_matches (local_error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_NO) ||
      g_error_matches (local_error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BAD))
    {
      g_debug ("Going on without %s: %s", what, local_error->message);
      g_error_free (local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

static KabarImapSession *
open_session (KabarAccount             *account,
              GCancellable             *cancellable,
              KabarCertificateProblem **problem,
              GError                  **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_imap_session_connect_async (kabar_account_get_host (account, KABAR_SERVER_INCOMING),
                                    kabar_account_get_port (account, KABAR_SERVER_INCOMING),
                                    kabar_account_get_security (account, KABAR_SERVER_INCOMING),
                                    kabar_account_get_pinned_certificate (account, KABAR_SERVER_INCOMING),
                                    KABAR_IMAP_CONNECT_TIMEOUT_SECONDS, cancellable,
                                    kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_imap_session_connect_finish (result, problem, error);
}

static gboolean
sign_in (KabarImapSession  *session,
         KabarAccount      *account,
         const char        *secret,
         GCancellable      *cancellable,
         GError           **error)
{
  KabarSaslCredential credential = kabar_account_get_auth_method (account) == KABAR_AUTH_OAUTH2
                                   ? KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN
                                   : KABAR_SASL_CREDENTIAL_PASSWORD;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_imap_session_authenticate_async (session, kabar_account_get_user_name (account, KABAR_SERVER_INCOMING),
                                         secret, credential, cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_imap_session_authenticate_finish (session, result, error);
}

/* Some providers refuse to open mailboxes for a client that did not say
 * who it is (NetEase's "Unsafe Login"); the answer itself is of no use
 * here. */
static gboolean
send_id (KabarImapSession  *session,
         GCancellable      *cancellable,
         GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) fields = NULL;
  GError *local_error = NULL;

  kabar_imap_session_id_async (session, cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  fields = kabar_imap_session_id_finish (session, result, &local_error);
  return unless_refused (local_error, "ID", error);
}

static gboolean
enable_resync (KabarImapSession  *session,
               GCancellable      *cancellable,
               GError           **error)
{
  static const char *const wanted[] = { "CONDSTORE", "QRESYNC", NULL };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GStrv) enabled = NULL;
  GError *local_error = NULL;

  kabar_imap_session_enable_async (session, wanted, cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  enabled = kabar_imap_session_enable_finish (session, result, &local_error);
  /* Without them the sync falls back to UID ranges and full flag fetches. */
  return unless_refused (local_error, "CONDSTORE and QRESYNC", error);
}

KabarImapSession *
kabar_imap_connect_account (KabarAccount             *account,
                            const char               *secret,
                            GCancellable             *cancellable,
                            KabarCertificateProblem **problem,
                            GError                  **error)
{
  g_autoptr(KabarImapSession) session = NULL;

  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  session = open_session (account, cancellable, problem, error);
  if (session == NULL)
    return NULL;
  if (!sign_in (session, account, secret, cancellable, error) ||
      !send_id (session, cancellable, error) ||
      !enable_resync (session, cancellable, error))
    {
      /* Nothing was started that LOGOUT would need to wind down. */
      kabar_imap_session_close (session);
      return NULL;
    }
  return g_steal_pointer (&session);
}
