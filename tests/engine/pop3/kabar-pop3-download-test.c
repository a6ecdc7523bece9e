/* kabar-pop3-download-test.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-pop3-download-test.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-pop3-test.h"
#include "kabar-secrets.h"
#include "kabar-test-wait.h"

static KabarTestBed *shared_bed;

KabarTestBed *
kabar_pop3_download_test_get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  return shared_bed;
}

void
kabar_pop3_download_test_stop_bed (void)
{
  g_clear_object (&shared_bed);
}

char *
kabar_pop3_download_test_new_user (void)
{
  static guint counter;
  char *user = g_strdup_printf ("pop%u@%s", ++counter, KABAR_TEST_BED_DOMAIN);

  kabar_test_bed_add_user (kabar_pop3_download_test_get_bed (), user, KABAR_POP3_TEST_PASSWORD);
  return user;
}

KabarAccount *
kabar_pop3_download_test_account (const char           *user,
                                  guint16               port,
                                  KabarPopServerCopies  copies)
{
  KabarTestBed *bed = kabar_pop3_download_test_get_bed ();
  KabarAccount *account = kabar_account_new ();
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_set_display_name (account, "Dewi");
  kabar_account_set_address (account, user);
  kabar_account_set_incoming_kind (account, KABAR_INCOMING_POP3);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST,
                            port != 0 ? port : kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_POP3S),
                            KABAR_SECURITY_IMPLICIT_TLS, user);
  /* The bed's certificate is self-signed: the user trusted it. */
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING,
                                        kabar_test_bed_get_certificate (bed));
  kabar_account_set_pop_server_copies (account, copies);
  kabar_secrets_store_async (kabar_account_get_id (account), KABAR_SECRET_POP3, "Kabar test",
                             KABAR_POP3_TEST_PASSWORD, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_secrets_store_finish (result, &error));
  g_assert_no_error (error);
  return account;
}

KabarStore *
kabar_pop3_download_test_new_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("kabar-pop3-XXXXXX", &error);
  g_autofree char *path = NULL;
  KabarStore *store;

  g_assert_no_error (error);
  path = g_build_filename (directory, "store.db", NULL);
  store = kabar_store_open (path, &error);
  g_assert_no_error (error);
  return store;
}

void
kabar_pop3_download_test_remove_store (KabarStore *store)
{
  g_autofree char *directory = g_path_get_dirname (kabar_store_get_path (store));
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_object_unref (store);
  dir = g_dir_open (directory, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      g_remove (path);
    }
  g_rmdir (directory);
}

static void
count (GHashTable *subjects,
       const char *subject)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (subjects, subject));

  g_hash_table_replace (subjects, g_strdup (subject), GUINT_TO_POINTER (n + 1));
}

/* The first Subject line of the header, as the fixtures write it. */
static char *
subject_of (GBytes *raw)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  const char *start = g_str_has_prefix (text, "Subject: ") ? text : strstr (text, "\nSubject: ");
  const char *end;

  if (start == NULL)
    return g_strdup ("");
  start = strchr (start, ':') + 2;
  end = strpbrk (start, "\r\n");
  return end != NULL ? g_strndup (start, end - start) : g_strdup (start);
}

GHashTable *
kabar_pop3_download_test_server_subjects (const char *user)
{
  KabarTestBed *bed = kabar_pop3_download_test_get_bed ();
  GHashTable *subjects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarPop3Session) session =
    kabar_pop3_test_connect (KABAR_TEST_BED_HOST, kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_POP3S),
                             KABAR_SECURITY_IMPLICIT_TLS, kabar_test_bed_get_certificate (bed), &error);
  g_autoptr(GArray) listing = NULL;
  g_autoptr(GArray) msgnos = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) messages = NULL;

  g_assert_no_error (error);
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_PASSWORD, user,
                                KABAR_POP3_TEST_PASSWORD, &error);
  g_assert_no_error (error);
  listing = kabar_pop3_test_list (session, FALSE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < listing->len; i++)
    g_array_append_val (msgnos, g_array_index (listing, KabarPop3Message, i).msgno);
  messages = kabar_pop3_test_retrieve (session, (const guint *) (gpointer) msgnos->data, msgnos->len,
                                       NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    {
      g_autofree char *subject = NULL;

      g_assert_nonnull (g_ptr_array_index (messages, i));
      subject = subject_of (g_ptr_array_index (messages, i));
      count (subjects, subject);
    }
  /* Ends without QUIT: nothing is changed on the server. */
  kabar_pop3_session_close (session);
  return subjects;
}

GHashTable *
kabar_pop3_download_test_store_subjects (KabarStore *store,
                                         gint64      folder_id)
{
  GHashTable *subjects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GError) error = NULL;

  folders = kabar_store_list_folders (store, &error);
  g_assert_no_error (error);
  for (guint f = 0; f < folders->len; f++)
    {
      const KabarStoreFolder *folder = g_ptr_array_index (folders, f);
      g_autoptr(GPtrArray) messages = NULL;

      if (folder_id != 0 && folder->id != folder_id)
        continue;
      messages = kabar_store_list_messages (store, folder->id, 0, G_MAXINT, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < messages->len; i++)
        {
          const KabarMessageSummary *summary = g_ptr_array_index (messages, i);

          count (subjects, summary->subject != NULL ? summary->subject : "");
        }
    }
  return subjects;
}

void
kabar_pop3_download_test_assert_same (GHashTable *expected,
                                      GHashTable *actual)
{
  GHashTableIter iter;
  gpointer subject;

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &subject, NULL))
    {
      if (GPOINTER_TO_UINT (g_hash_table_lookup (actual, subject)) != 1)
        g_error ("\"%s\" is there %u times, not once", (const char *) subject,
                 GPOINTER_TO_UINT (g_hash_table_lookup (actual, subject)));
    }
  g_hash_table_iter_init (&iter, actual);
  while (g_hash_table_iter_next (&iter, &subject, NULL))
    if (!g_hash_table_contains (expected, subject))
      g_error ("\"%s\" should not be there", (const char *) subject);
}

void
kabar_pop3_download_test_add (const char *user,
                              const char *subject,
                              const char *body)
{
  g_autofree char *text =
    g_strdup_printf ("From: Budi <budi@kabar.test>\r\nTo: %s\r\nSubject: %s\r\n"
                     "Date: Tue, 3 Nov 2026 10:00:00 +0700\r\n"
                     "Message-ID: <%s-%u@kabar.test>\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
                     user, subject, user, g_random_int (), body);
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_message (kabar_pop3_download_test_get_bed (), user, "INBOX", raw, "",
                              g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
}

gint64
kabar_pop3_download_test_folder (KabarStore      *store,
                                 KabarFolderRole  role)
{
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GError) error = NULL;

  folders = kabar_store_list_folders (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    {
      const KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->role == role)
        return folder->id;
    }
  g_error ("The store has no folder with the role %s", kabar_folder_role_to_string (role));
  return 0;
}
