/* kabar-imap-test-session.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-imap-test-session.h"
#include "kabar-test-wait.h"

#include <string.h>

#define TIMEOUT_SECONDS 20

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  return kabar_test_wait (slot);
}

KabarImapSession *
kabar_imap_test_try_connect (const char               *host,
                             guint16                   port,
                             KabarSecurity             security,
                             GTlsCertificate          *pinned,
                             KabarCertificateProblem **problem,
                             GError                  **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_imap_session_connect_async (host, port, security, pinned, TIMEOUT_SECONDS, NULL,
                                    kabar_test_wait_done, &slot);
  result = wait_result (&slot);
  return kabar_imap_session_connect_finish (result, problem, error);
}

gboolean
kabar_imap_test_try_authenticate (KabarImapSession     *session,
                                  const char           *user,
                                  const char           *secret,
                                  KabarSaslCredential   credential,
                                  GError              **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_imap_session_authenticate_async (session, user, secret, credential, NULL, kabar_test_wait_done, &slot);
  result = wait_result (&slot);
  return kabar_imap_session_authenticate_finish (session, result, error);
}

KabarImapSession *
kabar_imap_test_open (KabarTestBed     *bed,
                      const char       *user,
                      KabarTestBedPort  port)
{
  g_autoptr(GError) error = NULL;
  KabarImapSession *session;

  session = kabar_imap_test_try_connect (KABAR_TEST_BED_HOST, kabar_test_bed_get_port (bed, port),
                                         port == KABAR_TEST_BED_PORT_IMAP ? KABAR_SECURITY_STARTTLS
                                                                          : KABAR_SECURITY_IMPLICIT_TLS,
                                         kabar_test_bed_get_certificate (bed), NULL, &error);
  g_assert_no_error (error);
  kabar_imap_test_try_authenticate (session, user, kabar_test_bed_get_password (bed, user),
                                    KABAR_SASL_CREDENTIAL_PASSWORD, &error);
  g_assert_no_error (error);
  return session;
}

KabarImapSession *
kabar_imap_test_open_scripted (KabarScriptedServer *server,
                               KabarSecurity        security)
{
  g_autoptr(GError) error = NULL;
  KabarImapSession *session;

  session = kabar_imap_test_try_connect ("127.0.0.1", kabar_scripted_server_get_port (server), security,
                                         kabar_scripted_server_get_certificate (server), NULL, &error);
  g_assert_no_error (error);
  return session;
}

GPtrArray *
kabar_imap_test_list (KabarImapSession   *session,
                      const char         *pattern,
                      KabarImapListFlags  flags)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *folders;

  kabar_imap_session_list_async (session, pattern, flags, NULL, kabar_test_wait_done, &slot);
  result = wait_result (&slot);
  folders = kabar_imap_session_list_finish (session, result, &error);
  g_assert_no_error (error);
  return folders;
}

KabarImapFolderInfo *
kabar_imap_test_find_folder (GPtrArray  *folders,
                             const char *name)
{
  for (guint i = 0; i < folders->len; i++)
    if (strcmp (kabar_imap_folder_info_get_name (g_ptr_array_index (folders, i)), name) == 0)
      return g_ptr_array_index (folders, i);
  return NULL;
}

KabarImapMailboxState *
kabar_imap_test_try_select (KabarImapSession        *session,
                            const char              *mailbox,
                            gboolean                 read_only,
                            const KabarImapQresync  *qresync,
                            GError                 **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_imap_session_select_async (session, mailbox, read_only, qresync, NULL, NULL, NULL,
                                   kabar_test_wait_done, &slot);
  result = wait_result (&slot);
  return kabar_imap_session_select_finish (session, result, error);
}

KabarImapMailboxState *
kabar_imap_test_select (KabarImapSession *session,
                        const char       *mailbox)
{
  g_autoptr(GError) error = NULL;
  KabarImapMailboxState *state = kabar_imap_test_try_select (session, mailbox, FALSE, NULL, &error);

  g_assert_no_error (error);
  return state;
}

static void
collect_message (KabarImapSession *session,
                 KabarImapMessage *message,
                 gpointer          user_data)
{
  g_ptr_array_add (user_data, kabar_imap_message_ref (message));
}

GPtrArray *
kabar_imap_test_try_fetch (KabarImapSession            *session,
                           const KabarImapUidSet       *uids,
                           const KabarImapFetchRequest *request,
                           GError                     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_imap_message_unref);

  kabar_imap_session_uid_fetch_async (session, uids, request, collect_message, NULL, messages, NULL, NULL,
                                      kabar_test_wait_done, &slot);
  result = wait_result (&slot);
  if (!kabar_imap_session_uid_fetch_finish (session, result, error))
    return NULL;
  return g_steal_pointer (&messages);
}

GPtrArray *
kabar_imap_test_fetch (KabarImapSession    *session,
                       const char          *uids,
                       KabarImapFetchItems  items)
{
  g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_parse (uids, NULL);
  KabarImapFetchRequest request = { .items = items };
  g_autoptr(GError) error = NULL;
  GPtrArray *messages;

  g_assert_nonnull (set);
  messages = kabar_imap_test_try_fetch (session, set, &request, &error);
  g_assert_no_error (error);
  return messages;
}

KabarImapUidSet *
kabar_imap_test_search (KabarImapSession *session,
                        const char       *criteria)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KabarImapUidSet *uids;

  kabar_imap_session_uid_search_async (session, criteria, NULL, kabar_test_wait_done, &slot);
  result = wait_result (&slot);
  uids = kabar_imap_session_uid_search_finish (session, result, &error);
  g_assert_no_error (error);
  return uids;
}

void
kabar_imap_test_store (KabarImapSession   *session,
                       const char         *uids,
                       KabarImapStoreMode  mode,
                       const char         *flag)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_parse (uids, NULL);
  const char *flags[] = { flag, NULL };

  kabar_imap_session_uid_store_async (session, set, mode, flags, TRUE, 0, NULL, kabar_test_wait_done, &slot);
  result = wait_result (&slot);
  kabar_imap_session_uid_store_finish (session, result, NULL, &error);
  g_assert_no_error (error);
}

gboolean
kabar_imap_test_try_move (KabarImapSession  *session,
                          const char        *uids,
                          const char        *mailbox,
                          gboolean           copy,
                          KabarImapUidMap  **map,
                          GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_parse (uids, NULL);

  if (copy)
    kabar_imap_session_uid_copy_async (session, set, mailbox, NULL, kabar_test_wait_done, &slot);
  else
    kabar_imap_session_uid_move_async (session, set, mailbox, NULL, kabar_test_wait_done, &slot);
  result = wait_result (&slot);
  return kabar_imap_session_uid_copy_finish (session, result, map, error);
}

GBytes *
kabar_imap_test_message (const char *text)
{
  GString *crlf = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append_c (crlf, '\r');
      g_string_append_c (crlf, *p);
    }
  return g_string_free_to_bytes (crlf);
}

gboolean
kabar_imap_test_try_append (KabarImapSession    *session,
                            const char          *mailbox,
                            const char          *text,
                            const char * const  *flags,
                            guint32             *uid,
                            GError             **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) message = kabar_imap_test_message (text);
  g_autoptr(GDateTime) date = g_date_time_new_utc (2026, 3, 14, 15, 9, 26);

  kabar_imap_session_append_async (session, mailbox, message, flags, date, NULL, kabar_test_wait_done, &slot);
  result = wait_result (&slot);
  return kabar_imap_session_append_finish (session, result, NULL, uid, error);
}

gboolean
kabar_imap_test_try_command (KabarImapSession  *session,
                             GAsyncResult      *result,
                             GError           **error)
{
  return kabar_imap_session_command_finish (session, result, error);
}

void
kabar_imap_test_logout (KabarImapSession *session)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_imap_session_logout_async (session, NULL, kabar_test_wait_done, &slot);
  result = wait_result (&slot);
  kabar_imap_session_command_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_imap_session_get_state (session), ==, KABAR_IMAP_SESSION_STATE_CLOSED);
}

void
kabar_imap_test_add_message (KabarTestBed *bed,
                             const char   *user,
                             const char   *folder,
                             const char   *text,
                             const char   *flags)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = kabar_imap_test_message (text);

  kabar_test_bed_add_message (bed, user, folder, raw, flags, 1767225600, &error);
  g_assert_no_error (error);
}

void
kabar_imap_test_assert_script (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  if (!kabar_scripted_server_wait (server, &error))
    {
      g_autofree char *transcript = kabar_scripted_server_dup_transcript (server);

      g_test_message ("transcript:\n%s", transcript);
    }
  g_assert_no_error (error);
}
