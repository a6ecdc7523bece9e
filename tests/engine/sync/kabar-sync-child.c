/* kabar-sync-child.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: the process test-imap-sync-kill.c starts and kills in the
 * middle of a sync. It opens a store, signs in to the bed's Dovecot over
 * implicit TLS as the account's connection does (CONDSTORE and QRESYNC
 * enabled), and syncs one folder, saying on stdout how far it got each
 * time a batch is committed:
 *
 *   kabar-sync-child STORE PORT USER PASSWORD CERTIFICATE [FOLDER]
 *
 *   progress DONE TOTAL     a batch is in the store: DONE of TOTAL new
 *   done ADDED              the sync finished
 *   error MESSAGE           it failed (exit status 1)
 *
 * Everything runs on the main thread's context, in the sequential style
 * of kabar-sync-wait.h, as on a sync worker.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "kabar-imap-folder-sync.h"
#include "kabar-sync-wait.h"

#define TIMEOUT_SECONDS 30

typedef struct
{
  const char *store_path;
  guint16     port;
  const char *user;
  const char *password;
  const char *certificate_path;
  const char *folder;
} Arguments;

/* On the store's thread: one line a commit, out at once, since the test
 * decides when to kill from these. */
static void
on_progress (gint64   folder_id,
             guint    done,
             guint    total,
             gpointer user_data)
{
  printf ("progress %u %u\n", done, total);
  fflush (stdout);
}

static KabarImapSession *
connect_session (const Arguments  *arguments,
                 GError          **error)
{
  g_autoptr(GTlsCertificate) certificate =
    g_tls_certificate_new_from_file (arguments->certificate_path, error);
  g_autoptr(KabarImapSession) session = NULL;
  const char *wanted[] = { "CONDSTORE", "QRESYNC", NULL };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) authenticated = NULL;
  g_autoptr(GAsyncResult) enabled_result = NULL;
  g_auto(GStrv) enabled = NULL;

  if (certificate == NULL)
    return NULL;
  kabar_imap_session_connect_async ("127.0.0.1", arguments->port, KABAR_SECURITY_IMPLICIT_TLS,
                                    certificate, TIMEOUT_SECONDS, NULL, kabar_sync_wait_done, &slot);
  connected = kabar_sync_wait (&slot);
  session = kabar_imap_session_connect_finish (connected, NULL, error);
  if (session == NULL)
    return NULL;
  kabar_imap_session_authenticate_async (session, arguments->user, arguments->password,
                                         KABAR_SASL_CREDENTIAL_PASSWORD, NULL,
                                         kabar_sync_wait_done, &slot);
  authenticated = kabar_sync_wait (&slot);
  if (!kabar_imap_session_authenticate_finish (session, authenticated, error))
    return NULL;
  kabar_imap_session_enable_async (session, wanted, NULL, kabar_sync_wait_done, &slot);
  enabled_result = kabar_sync_wait (&slot);
  enabled = kabar_imap_session_enable_finish (session, enabled_result, error);
  if (enabled == NULL)
    return NULL;
  return g_steal_pointer (&session);
}

static gboolean
run (const Arguments  *arguments,
     GError          **error)
{
  g_autoptr(KabarStore) store = kabar_store_open (arguments->store_path, error);
  g_autoptr(KabarImapSession) session = NULL;
  KabarImapSyncOptions options = { .progress = on_progress };
  KabarImapSyncResult result;
  gint64 folder_id;

  if (store == NULL)
    return FALSE;
  folder_id = kabar_store_upsert_folder (store, arguments->folder, '/', NULL,
                                         g_str_equal (arguments->folder, "INBOX")
                                         ? KABAR_FOLDER_ROLE_INBOX : KABAR_FOLDER_ROLE_NONE,
                                         TRUE, error);
  if (folder_id == 0)
    return FALSE;
  session = connect_session (arguments, error);
  if (session == NULL
      || !kabar_imap_sync_folder (session, store, folder_id, &options, &result, NULL, error))
    return FALSE;
  kabar_imap_session_close (session);
  printf ("done %u\n", result.added);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  Arguments arguments;
  g_autoptr(GError) error = NULL;
  guint64 port = 0;

  if (argc < 6 || argc > 7
      || !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXUINT16, &port, NULL))
    {
      fprintf (stderr, "usage: %s STORE PORT USER PASSWORD CERTIFICATE [FOLDER]\n", argv[0]);
      return 2;
    }
  arguments = (Arguments) {
    .store_path = argv[1],
    .port = (guint16) port,
    .user = argv[3],
    .password = argv[4],
    .certificate_path = argv[5],
    .folder = argc == 7 ? argv[6] : "INBOX",
  };
  if (!run (&arguments, &error))
    {
      printf ("error %s\n", error->message);
      return 1;
    }
  return 0;
}
