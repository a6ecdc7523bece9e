/* kabar-sync-test-support.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "kabar-imap-summary.h"
#include "kabar-imap-test-session.h"
#include "kabar-net-error.h"
#include "kabar-sync-test-support.h"
#include "kabar-test-wait.h"

#define TIMEOUT_SECONDS 20

static const char * const store_suffixes[] = { "", "-wal", "-shm" };

/* --- sessions -------------------------------------------------------------- */

static gboolean
try_enable (KabarImapSession  *session,
            GError           **error)
{
  const char *wanted[] = { "CONDSTORE", "QRESYNC", NULL };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GStrv) enabled = NULL;

  kabar_imap_session_enable_async (session, wanted, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  enabled = kabar_imap_session_enable_finish (session, result, error);
  return enabled != NULL;
}

KabarImapSession *
kabar_sync_test_try_open (KabarTestBed  *bed,
                          guint16        port,
                          const char    *user,
                          gboolean       qresync,
                          GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarImapSession) session = NULL;

  kabar_imap_session_connect_async (KABAR_TEST_BED_HOST, port, KABAR_SECURITY_IMPLICIT_TLS,
                                    kabar_test_bed_get_certificate (bed), TIMEOUT_SECONDS,
                                    NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  session = kabar_imap_session_connect_finish (result, NULL, error);
  if (session == NULL)
    return NULL;
  if (!kabar_imap_test_try_authenticate (session, user, kabar_test_bed_get_password (bed, user),
                                         KABAR_SASL_CREDENTIAL_PASSWORD, error)
      || (qresync && !try_enable (session, error)))
    {
      kabar_imap_session_close (session);
      return NULL;
    }
  return g_steal_pointer (&session);
}

KabarImapSession *
kabar_sync_test_open (KabarTestBed *bed,
                      const char   *user,
                      gboolean      qresync)
{
  g_autoptr(GError) error = NULL;
  KabarImapSession *session =
    kabar_sync_test_try_open (bed, kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                              user, qresync, &error);

  g_assert_no_error (error);
  g_assert_cmpint (kabar_imap_session_is_enabled (session, "QRESYNC"), ==, qresync);
  return session;
}

/* --- store files ---------------------------------------------------------------- */

char *
kabar_sync_test_make_directory (const char *template)
{
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  char *path = g_build_filename (base != NULL ? base : g_get_tmp_dir (), template, NULL);

  if (g_mkdtemp (path) == NULL)
    g_error ("Cannot make %s: %s", path, g_strerror (errno));
  return path;
}

KabarStore *
kabar_sync_test_open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  KabarStore *store = kabar_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

void
kabar_sync_test_copy_store (const char *from,
                            const char *to)
{
  for (gsize i = 0; i < G_N_ELEMENTS (store_suffixes); i++)
    {
      g_autofree char *source_path = g_strconcat (from, store_suffixes[i], NULL);
      g_autofree char *target_path = g_strconcat (to, store_suffixes[i], NULL);
      g_autoptr(GFile) source = g_file_new_for_path (source_path);
      g_autoptr(GFile) target = g_file_new_for_path (target_path);
      g_autoptr(GError) error = NULL;

      /* The companions exist only while the log holds something. */
      if (!g_file_test (source_path, G_FILE_TEST_EXISTS))
        continue;
      g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
}

void
kabar_sync_test_remove_store (const char *path)
{
  for (gsize i = 0; i < G_N_ELEMENTS (store_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, store_suffixes[i], NULL);

      g_remove (file);
    }
}

gint64
kabar_sync_test_add_folder (KabarStore *store,
                            const char *path)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kabar_store_upsert_folder (store, path, '/', NULL,
                                         g_str_equal (path, "INBOX") ? KABAR_FOLDER_ROLE_INBOX
                                                                     : KABAR_FOLDER_ROLE_NONE,
                                         TRUE, &error);

  g_assert_no_error (error);
  return id;
}

guint
kabar_sync_test_count (KabarStore *store,
                       gint64      folder_id)
{
  g_autoptr(GError) error = NULL;
  guint total = 0;

  kabar_store_count_messages (store, folder_id, &total, NULL, &error);
  g_assert_no_error (error);
  return total;
}

KabarFolderSyncState
kabar_sync_test_get_state (KabarStore *store,
                           gint64      folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStoreFolder) folder = kabar_store_get_folder (store, folder_id, &error);

  g_assert_no_error (error);
  return folder->sync;
}

/* --- the store against the server ----------------------------------------------- */

static void
assert_same_messages (GPtrArray *server,
                      GArray    *local)
{
  g_assert_cmpuint (local->len, ==, server->len);
  for (guint i = 0; i < server->len; i++)
    {
      KabarImapMessage *message = g_ptr_array_index (server, i);
      const KabarUidFlags *entry = &g_array_index (local, KabarUidFlags, i);
      g_autofree char *keywords = NULL;

      g_assert_cmpuint (entry->uid, ==, kabar_imap_message_get_uid (message));
      g_assert_cmpuint (entry->flags, ==,
                        kabar_imap_flags_parse (kabar_imap_message_get_flags (message), &keywords));
    }
}

void
kabar_sync_test_assert_session_matches (KabarImapSession *session,
                                        KabarStore       *store,
                                        const char       *folder,
                                        gint64            folder_id)
{
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (session, folder);
  guint exists = kabar_imap_mailbox_state_get_exists (state);
  g_autoptr(GPtrArray) server = NULL;
  g_autoptr(GArray) local = NULL;
  g_autoptr(GError) error = NULL;
  KabarFolderSyncState sync;

  server = exists > 0 ? kabar_imap_test_fetch (session, "1:*", KABAR_IMAP_FETCH_FLAGS)
                      : g_ptr_array_new ();
  local = kabar_store_get_uid_flags (store, folder_id, &error);
  g_assert_no_error (error);
  assert_same_messages (server, local);
  /* What the user sees: every message once. */
  g_assert_cmpuint (kabar_sync_test_count (store, folder_id), ==, exists);
  sync = kabar_sync_test_get_state (store, folder_id);
  g_assert_cmpuint (sync.uidvalidity, ==, kabar_imap_mailbox_state_get_uidvalidity (state));
  g_assert_cmpuint (sync.uidnext, ==, kabar_imap_mailbox_state_get_uidnext (state));
}

void
kabar_sync_test_assert_matches_server (KabarTestBed *bed,
                                       const char   *user,
                                       KabarStore   *store,
                                       const char   *folder,
                                       gint64        folder_id)
{
  g_autoptr(KabarImapSession) session = kabar_imap_test_open (bed, user, KABAR_TEST_BED_PORT_IMAPS);

  kabar_sync_test_assert_session_matches (session, store, folder, folder_id);
  kabar_imap_test_logout (session);
}

/* --- server content ----------------------------------------------------------------- */

void
kabar_sync_test_fill_mixed (KabarTestBed *bed,
                            const char   *user,
                            const char   *folder,
                            guint         n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autofree char *seen = g_strdup_printf ("1:%u", n * 2 / 5);
  g_autofree char *flagged = g_strdup_printf ("%u:%u,%u", n / 10, n / 5, n);
  g_autofree char *answered = g_strdup_printf ("%u:%u", n / 3, n / 3 + n / 30);
  g_autofree char *keyword = g_strdup_printf ("%u:%u", n / 2, n / 2 + 9);

  kabar_test_bed_fill_folder (bed, user, folder, n, &error);
  g_assert_no_error (error);
  session = kabar_imap_test_open (bed, user, KABAR_TEST_BED_PORT_IMAPS);
  state = kabar_imap_test_select (session, folder);
  g_assert_cmpuint (kabar_imap_mailbox_state_get_exists (state), ==, n);
  kabar_imap_test_store (session, seen, KABAR_IMAP_STORE_ADD, "\\Seen");
  kabar_imap_test_store (session, flagged, KABAR_IMAP_STORE_ADD, "\\Flagged");
  kabar_imap_test_store (session, answered, KABAR_IMAP_STORE_ADD, "\\Answered");
  kabar_imap_test_store (session, "2,5,7", KABAR_IMAP_STORE_ADD, "\\Draft");
  kabar_imap_test_store (session, keyword, KABAR_IMAP_STORE_ADD, "$Forwarded");
  kabar_imap_test_logout (session);
}

void
kabar_sync_test_assert_connection_error (const GError *error,
                                         const char   *what)
{
  g_assert_nonnull (error);
  if (error->domain != KABAR_NET_ERROR && error->domain != G_IO_ERROR)
    g_error ("%s: not a connection error: %s (%s, %d)", what, error->message,
             g_quark_to_string (error->domain), error->code);
}
