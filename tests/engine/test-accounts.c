/* test-accounts.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Accounts as the user keeps them: files in a private folder, passwords in
 * the keyring of tests/kabar-test-session, nothing lost on a bad file.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "kabar-account-manager.h"
#include "kabar-mail-service.h"
#include "kabar-secrets.h"
#include "kabar-test-wait.h"

/* A self-signed certificate for imap.example.co.id, as a user would pin. */
static const char test_certificate[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBkjCCATegAwIBAgIUbI06YoegMVtMUDRTYeBWxXQfuL4wCgYIKoZIzj0EAwIw\n"
  "HTEbMBkGA1UEAwwSaW1hcC5leGFtcGxlLmNvLmlkMCAXDTI2MTEyMTIyMTAyOFoY\n"
  "DzIxMjYxMDI4MjIxMDI4WjAdMRswGQYDVQQDDBJpbWFwLmV4YW1wbGUuY28uaWQw\n"
  "WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARNho8gAMmJ3EqTIUhyeztV6QERs9E3\n"
  "X/JHKE05B/VL8W28ogvdewKWqU9AR/LbWAGzR/2JAxNy4uRM6EZkcfc3o1MwUTAd\n"
  "BgNVHQ4EFgQUf/cOCO3k7BCrBsz9k9sS92hx4J4wHwYDVR0jBBgwFoAUf/cOCO3k\n"
  "7BCrBsz9k9sS92hx4J4wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBG\n"
  "AiEAiRMMx/GaN21hFVTXFgjbg32LSkUEmn5rDAtDL7N1Dx4CIQDxQORfGA+Xajd5\n"
  "EwbNY22AS48BoBuiPOiI20yQVPojsg==\n"
  "-----END CERTIFICATE-----\n";

static char *
make_directory (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("kabar-accounts-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static KabarAccount *
make_imap_account (const char *address)
{
  KabarAccount *account = kabar_account_new ();

  kabar_account_set_display_name (account, "Dewi Lestari");
  kabar_account_set_address (account, address);
  kabar_account_set_incoming_kind (account, KABAR_INCOMING_IMAP);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, "imap.example.co.id", 993,
                            KABAR_SECURITY_IMPLICIT_TLS, NULL);
  kabar_account_set_server (account, KABAR_SERVER_OUTGOING, "smtp.example.co.id", 587,
                            KABAR_SECURITY_STARTTLS, "dewi");
  return account;
}

static gboolean
load (KabarAccountManager  *manager,
      GError              **error)
{
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_account_manager_load_async (manager, NULL, kabar_test_wait_done, &pending);
  result = kabar_test_wait (&pending);
  return kabar_account_manager_load_finish (manager, result, error);
}

static gboolean
save (KabarAccountManager  *manager,
      KabarAccount         *account,
      GError              **error)
{
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_account_manager_save_async (manager, account, NULL, kabar_test_wait_done, &pending);
  result = kabar_test_wait (&pending);
  return kabar_account_manager_save_finish (manager, result, error);
}

static gboolean
remove_account (KabarAccountManager  *manager,
                KabarAccount         *account,
                GError              **error)
{
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_account_manager_remove_async (manager, account, NULL, kabar_test_wait_done, &pending);
  result = kabar_test_wait (&pending);
  return kabar_account_manager_remove_finish (manager, result, error);
}

static void
store_secret (const char *account_id,
              const char *secret)
{
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_secrets_store_async (account_id, KABAR_SECRET_IMAP, "test", secret, NULL, kabar_test_wait_done, &pending);
  result = kabar_test_wait (&pending);
  g_assert_true (kabar_secrets_store_finish (result, &error));
  g_assert_no_error (error);
}

static char *
lookup_secret (const char *account_id)
{
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  kabar_secrets_lookup_async (account_id, KABAR_SECRET_IMAP, NULL, kabar_test_wait_done, &pending);
  result = kabar_test_wait (&pending);
  secret = kabar_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
  return secret;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The sidebar shows accounts in the order they load: the same order on
 * every start. */
static void
test_accounts_load_in_a_stable_order (void)
{
  g_autofree char *dir = make_directory ();
  g_autoptr(KabarAccountManager) writer = kabar_account_manager_new (dir);
  g_autoptr(KabarAccountManager) reader = kabar_account_manager_new (dir);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *address = g_strdup_printf ("user%u@example.co.id", i);
      g_autoptr(KabarAccount) account = make_imap_account (address);

      g_assert_true (save (writer, account, &error));
      g_ptr_array_add (ids, g_strdup (kabar_account_get_id (account)));
    }
  g_ptr_array_sort (ids, compare_ids);
  g_assert_true (load (reader, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reader)), ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(KabarAccount) loaded = g_list_model_get_item (G_LIST_MODEL (reader), i);

      g_assert_cmpstr (kabar_account_get_id (loaded), ==, g_ptr_array_index (ids, i));
    }
}

/* POP deletes act on the real inbox: an account that never chose keeps its
 * mail on the server, also when its file predates the setting. */
static void
test_accounts_pop_leaves_mail_on_the_server_by_default (void)
{
  g_autofree char *dir = make_directory ();
  g_autoptr(KabarAccountManager) writer = kabar_account_manager_new (dir);
  g_autoptr(KabarAccountManager) reader = kabar_account_manager_new (dir);
  g_autoptr(KabarAccount) account = make_imap_account ("dewi@example.co.id");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  KabarAccount *loaded;

  g_assert_cmpint (kabar_account_get_pop_server_copies (account), ==, KABAR_POP_LEAVE_ON_SERVER);
  kabar_account_set_incoming_kind (account, KABAR_INCOMING_POP3);
  g_assert_true (save (writer, account, &error));
  g_assert_no_error (error);

  path = g_strdup_printf ("%s/%s.account", dir, kabar_account_get_id (account));
  g_assert_true (g_key_file_load_from_file (key_file, path, G_KEY_FILE_KEEP_COMMENTS, &error));
  g_assert_no_error (error);
  g_assert_true (g_key_file_remove_key (key_file, "Account", "PopServerCopies", NULL));
  g_assert_true (g_key_file_remove_key (key_file, "Account", "PopDeleteAfterDays", NULL));
  g_assert_true (g_key_file_save_to_file (key_file, path, &error));
  g_assert_no_error (error);

  g_assert_true (load (reader, &error));
  g_assert_no_error (error);
  loaded = kabar_account_manager_lookup (reader, kabar_account_get_id (account));
  g_assert_nonnull (loaded);
  g_assert_cmpint (kabar_account_get_pop_server_copies (loaded), ==, KABAR_POP_LEAVE_ON_SERVER);
  g_assert_cmpuint (kabar_account_get_pop_delete_after_days (loaded), ==, 14);
}

static void
test_accounts_saved_then_loaded_keep_every_setting (void)
{
  g_autofree char *dir = make_directory ();
  g_autoptr(KabarAccountManager) writer = kabar_account_manager_new (dir);
  g_autoptr(KabarAccountManager) reader = kabar_account_manager_new (dir);
  g_autoptr(KabarAccount) account = make_imap_account ("dewi@example.co.id");
  g_autoptr(GTlsCertificate) pin = NULL;
  g_autoptr(GError) error = NULL;
  KabarAccount *loaded;

  kabar_account_set_server_files_sent (account, TRUE);
  kabar_account_set_auth_method (account, KABAR_AUTH_OAUTH2);
  kabar_account_set_pop_server_copies (account, KABAR_POP_DELETE_AFTER_DAYS);
  kabar_account_set_pop_delete_after_days (account, 30);
  pin = g_tls_certificate_new_from_pem (test_certificate, -1, &error);
  g_assert_no_error (error);
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING, pin);

  g_assert_true (save (writer, account, &error));
  g_assert_no_error (error);
  g_assert_true (load (reader, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reader)), ==, 1);
  loaded = kabar_account_manager_lookup (reader, kabar_account_get_id (account));
  g_assert_nonnull (loaded);
  g_assert_cmpstr (kabar_account_get_display_name (loaded), ==, "Dewi Lestari");
  g_assert_cmpstr (kabar_account_get_address (loaded), ==, "dewi@example.co.id");
  g_assert_cmpint (kabar_account_get_incoming_kind (loaded), ==, KABAR_INCOMING_IMAP);
  g_assert_cmpint (kabar_account_get_auth_method (loaded), ==, KABAR_AUTH_OAUTH2);
  g_assert_true (kabar_account_get_server_files_sent (loaded));
  g_assert_cmpint (kabar_account_get_pop_server_copies (loaded), ==, KABAR_POP_DELETE_AFTER_DAYS);
  g_assert_cmpuint (kabar_account_get_pop_delete_after_days (loaded), ==, 30);
  g_assert_cmpstr (kabar_account_get_host (loaded, KABAR_SERVER_INCOMING), ==, "imap.example.co.id");
  g_assert_cmpuint (kabar_account_get_port (loaded, KABAR_SERVER_INCOMING), ==, 993);
  g_assert_cmpint (kabar_account_get_security (loaded, KABAR_SERVER_INCOMING), ==, KABAR_SECURITY_IMPLICIT_TLS);
  g_assert_cmpstr (kabar_account_get_user_name (loaded, KABAR_SERVER_INCOMING), ==, "dewi@example.co.id");
  g_assert_cmpstr (kabar_account_get_host (loaded, KABAR_SERVER_OUTGOING), ==, "smtp.example.co.id");
  g_assert_cmpuint (kabar_account_get_port (loaded, KABAR_SERVER_OUTGOING), ==, 587);
  g_assert_cmpint (kabar_account_get_security (loaded, KABAR_SERVER_OUTGOING), ==, KABAR_SECURITY_STARTTLS);
  g_assert_cmpstr (kabar_account_get_user_name (loaded, KABAR_SERVER_OUTGOING), ==, "dewi");
  g_assert_true (g_tls_certificate_is_same (kabar_account_get_pinned_certificate (loaded, KABAR_SERVER_INCOMING), pin));
  g_assert_null (kabar_account_get_pinned_certificate (loaded, KABAR_SERVER_OUTGOING));
}

static void
test_accounts_files_are_private_and_hold_no_secret (void)
{
  g_autofree char *dir = make_directory ();
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (dir);
  g_autoptr(KabarAccount) account = make_imap_account ("rahul@example.in");
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  struct stat info;

  g_assert_true (save (manager, account, &error));
  g_assert_no_error (error);
  store_secret (kabar_account_get_id (account), "s3cret-Passw0rd");

  path = g_strdup_printf ("%s/%s.account", dir, kabar_account_get_id (account));
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0077, ==, 0);

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_nonnull (strstr (contents, "rahul@example.in"));
  g_assert_null (strstr (contents, "s3cret-Passw0rd"));

  g_assert_true (remove_account (manager, account, &error));
  g_assert_no_error (error);
}

static void
test_accounts_invalid_account_is_not_written (void)
{
  g_autofree char *dir = make_directory ();
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (dir);
  g_autoptr(KabarAccount) no_address = make_imap_account ("not-an-address");
  g_autoptr(KabarAccount) no_host = make_imap_account ("ayu@example.co.id");
  g_autoptr(GError) error = NULL;

  g_assert_false (save (manager, no_address, &error));
  g_assert_error (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_INVALID);
  g_clear_error (&error);

  kabar_account_set_server (no_host, KABAR_SERVER_OUTGOING, "", 587, KABAR_SECURITY_STARTTLS, NULL);
  g_assert_false (save (manager, no_host, &error));
  g_assert_error (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "outgoing"));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
}

static void
test_accounts_unreadable_file_is_reported_and_kept (void)
{
  g_autofree char *dir = make_directory ();
  g_autofree char *broken = g_build_filename (dir, "broken.account", NULL);
  g_autoptr(KabarAccountManager) writer = kabar_account_manager_new (dir);
  g_autoptr(KabarAccountManager) reader = kabar_account_manager_new (dir);
  g_autoptr(KabarAccount) good = make_imap_account ("good@example.org");
  g_autoptr(GError) error = NULL;
  GPtrArray *problems;
  const GError *problem;

  g_assert_true (save (writer, good, &error));
  g_assert_true (g_file_set_contents (broken, "[Account]\nId=x\nAddress=\xff\xfe not utf-8\n", -1, &error));

  g_assert_true (load (reader, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reader)), ==, 1);

  problems = kabar_account_manager_get_problems (reader);
  g_assert_cmpuint (problems->len, ==, 1);
  problem = g_ptr_array_index (problems, 0);
  g_assert_nonnull (strstr (problem->message, "broken.account"));
  g_assert_true (g_file_test (broken, G_FILE_TEST_EXISTS));
}

static void
test_accounts_unknown_settings_survive_a_save (void)
{
  g_autofree char *dir = make_directory ();
  g_autoptr(KabarAccountManager) writer = kabar_account_manager_new (dir);
  g_autoptr(KabarAccountManager) reader = kabar_account_manager_new (dir);
  g_autoptr(KabarAccount) account = make_imap_account ("budi@example.co.id");
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *path = NULL;
  g_autofree char *future = NULL;
  g_autoptr(GError) error = NULL;
  KabarAccount *loaded;

  g_assert_true (save (writer, account, &error));
  path = g_strdup_printf ("%s/%s.account", dir, kabar_account_get_id (account));

  /* A newer Kabar added a setting this one does not know. */
  g_assert_true (g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error));
  g_key_file_set_string (key_file, "Account", "FutureSetting", "kept");
  g_assert_true (g_key_file_save_to_file (key_file, path, &error));

  g_assert_true (load (reader, &error));
  loaded = kabar_account_manager_lookup (reader, kabar_account_get_id (account));
  kabar_account_set_display_name (loaded, "Budi Santoso");
  g_assert_true (save (reader, loaded, &error));
  g_assert_no_error (error);

  g_clear_pointer (&key_file, g_key_file_unref);
  key_file = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error));
  future = g_key_file_get_string (key_file, "Account", "FutureSetting", NULL);
  g_assert_cmpstr (future, ==, "kept");
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  GString *log = user_data;

  g_string_append_printf (log, "%u-%u+%u;", position, removed, added);
}

static void
test_accounts_remove_deletes_file_and_secrets_and_tells_the_list (void)
{
  g_autofree char *dir = make_directory ();
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (dir);
  g_autoptr(KabarAccount) first = make_imap_account ("first@example.com");
  g_autoptr(KabarAccount) second = make_imap_account ("second@example.com");
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  g_signal_connect (manager, "items-changed", G_CALLBACK (items_changed_cb), log);
  g_assert_true (save (manager, first, &error));
  g_assert_true (save (manager, second, &error));
  g_assert_true (save (manager, first, &error));  /* saving again adds nothing */
  store_secret (kabar_account_get_id (first), "first-password");
  store_secret (kabar_account_get_id (second), "second-password");

  g_assert_true (remove_account (manager, first, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (log->str, ==, "0-0+1;1-0+1;0-1+0;");
  path = g_strdup_printf ("%s/%s.account", dir, kabar_account_get_id (first));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (lookup_secret (kabar_account_get_id (first)));

  secret = lookup_secret (kabar_account_get_id (second));
  g_assert_cmpstr (secret, ==, "second-password");
  kabar_secrets_free (secret);
  g_assert_true (remove_account (manager, second, &error));
}

/* What an account leaves in the user's data folder: its mail store, with
 * the write-ahead log and shared memory files SQLite keeps beside it. */
static char *
make_store_files (KabarAccount *account)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = NULL;
  char *path = kabar_mail_service_dup_default_store_path (account);
  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  store = kabar_store_open (path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *side = g_strconcat (path, i == 0 ? "-wal" : "-shm", NULL);

      g_assert_true (g_file_set_contents (side, "left by SQLite", -1, &error));
      g_assert_no_error (error);
    }
  return path;
}

static gboolean
store_file_exists (const char *store_path,
                   const char *suffix)
{
  g_autofree char *path = g_strconcat (store_path, suffix, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Removing an account takes its mail with it: nothing of it is left on
 * the disk, and an account whose store was never made removes too. */
static void
test_accounts_remove_deletes_the_mail_store (void)
{
  g_autofree char *dir = make_directory ();
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (dir);
  g_autoptr(KabarAccount) account = make_imap_account ("store@example.com");
  g_autoptr(KabarAccount) never_synced = make_imap_account ("new@example.com");
  g_autoptr(KabarAccount) other = make_imap_account ("other@example.com");
  g_autofree char *store_path = NULL;
  g_autofree char *other_path = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (save (manager, account, &error));
  g_assert_true (save (manager, never_synced, &error));
  g_assert_true (save (manager, other, &error));
  store_path = make_store_files (account);
  other_path = make_store_files (other);

  g_assert_true (remove_account (manager, account, &error));
  g_assert_no_error (error);
  g_assert_false (store_file_exists (store_path, ""));
  g_assert_false (store_file_exists (store_path, "-wal"));
  g_assert_false (store_file_exists (store_path, "-shm"));
  /* Another account's mail is its own. */
  g_assert_true (store_file_exists (other_path, ""));
  g_assert_true (store_file_exists (other_path, "-wal"));

  g_assert_true (remove_account (manager, never_synced, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  g_assert_true (remove_account (manager, other, &error));
  g_assert_false (store_file_exists (other_path, ""));
}

/* A store that cannot be deleted (here a folder in its place, as a file
 * in a read-only folder would be) fails the removal, naming it, and the
 * account stays, to be removed again. */
static void
test_accounts_undeletable_store_is_an_error_naming_it (void)
{
  g_autofree char *dir = make_directory ();
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (dir);
  g_autoptr(KabarAccount) account = make_imap_account ("stuck@example.com");
  g_autofree char *store_path = NULL;
  g_autofree char *wal_path = NULL;
  g_autofree char *inside = NULL;
  g_autofree char *account_file = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (save (manager, account, &error));
  store_path = make_store_files (account);
  wal_path = g_strconcat (store_path, "-wal", NULL);
  g_assert_cmpint (g_unlink (wal_path), ==, 0);
  g_assert_cmpint (g_mkdir (wal_path, 0700), ==, 0);
  inside = g_build_filename (wal_path, "something", NULL);
  g_assert_true (g_file_set_contents (inside, "x", -1, &error));

  g_assert_false (remove_account (manager, account, &error));
  g_assert_error (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, wal_path));
  g_clear_error (&error);
  account_file = g_strdup_printf ("%s/%s.account", dir, kabar_account_get_id (account));
  g_assert_true (g_file_test (account_file, G_FILE_TEST_EXISTS));
  g_assert_nonnull (kabar_account_manager_lookup (manager, kabar_account_get_id (account)));

  g_assert_cmpint (g_unlink (inside), ==, 0);
  g_assert_cmpint (g_rmdir (wal_path), ==, 0);
  g_assert_true (remove_account (manager, account, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (account_file, G_FILE_TEST_EXISTS));
  g_assert_null (kabar_account_manager_lookup (manager, kabar_account_get_id (account)));
}

/* Signatures as people write them: several lines, blank ones, spaces at
 * either end, other scripts, characters key files escape. */
static const char signature_dewi[] =
  "  Dewi Lestari  \n"
  "Redaksi — Kabar Nusantara\n"
  "\n"
  "\tTel. +62 21 555 0100 ; # not a comment\n"
  "C:\\Users\\dewi\n";
static const char signature_hindi[] = "समाचार संपादक\nसुश्री देवी\r\n";

static void
set_identities (KabarAccount *account)
{
  kabar_account_set_identity (account, 0, "Dewi Lestari", "dewi@example.co.id", signature_dewi);
  kabar_account_set_identity (account, 1, "Redaksi Kabar", "redaksi@example.co.id", signature_hindi);
  kabar_account_set_identity (account, 2, NULL, "dewi.l@example.co.id", NULL);
  kabar_account_set_identity (account, 3, "Élodie Ünver", "elodie@example.co.id", "");
}

static void
assert_identities (KabarAccount *account)
{
  g_assert_cmpuint (kabar_account_get_n_identities (account), ==, 4);
  g_assert_cmpstr (kabar_account_get_identity_name (account, 0), ==, "Dewi Lestari");
  g_assert_cmpstr (kabar_account_get_display_name (account), ==, "Dewi Lestari");
  g_assert_cmpstr (kabar_account_get_identity_address (account, 0), ==, "dewi@example.co.id");
  g_assert_cmpstr (kabar_account_get_address (account), ==, "dewi@example.co.id");
  g_assert_cmpstr (kabar_account_get_identity_signature (account, 0), ==, signature_dewi);
  g_assert_cmpstr (kabar_account_get_identity_name (account, 1), ==, "Redaksi Kabar");
  g_assert_cmpstr (kabar_account_get_identity_address (account, 1), ==, "redaksi@example.co.id");
  g_assert_cmpstr (kabar_account_get_identity_signature (account, 1), ==, signature_hindi);
  g_assert_cmpstr (kabar_account_get_identity_address (account, 2), ==, "dewi.l@example.co.id");
  g_assert_null (kabar_account_get_identity_signature (account, 2));
  g_assert_cmpstr (kabar_account_get_identity_name (account, 3), ==, "Élodie Ünver");
  g_assert_null (kabar_account_get_identity_signature (account, 3));
}

/* Identities and their signatures come back exactly through the file, the
 * manager and a copy; removing one keeps the others' order. */
static void
test_accounts_identities_survive_save_load_and_copy (void)
{
  g_autofree char *dir = make_directory ();
  g_autoptr(KabarAccountManager) writer = kabar_account_manager_new (dir);
  g_autoptr(KabarAccountManager) reader = kabar_account_manager_new (dir);
  g_autoptr(KabarAccountManager) again = kabar_account_manager_new (dir);
  g_autoptr(KabarAccount) account = make_imap_account ("dewi@example.co.id");
  g_autoptr(KabarAccount) copy = NULL;
  g_autoptr(GError) error = NULL;
  KabarAccount *loaded;

  g_assert_cmpuint (kabar_account_get_n_identities (account), ==, 1);
  g_assert_null (kabar_account_get_identity_signature (account, 0));
  set_identities (account);
  assert_identities (account);

  g_assert_true (save (writer, account, &error));
  g_assert_no_error (error);
  g_assert_true (load (reader, &error));
  g_assert_no_error (error);
  loaded = kabar_account_manager_lookup (reader, kabar_account_get_id (account));
  assert_identities (loaded);

  copy = kabar_account_dup (loaded);
  assert_identities (copy);
  /* The copy is a copy: editing it leaves the listed account alone. */
  kabar_account_set_identity (copy, 1, "Redaksi", "redaksi@example.co.id", "Salam");
  g_assert_cmpstr (kabar_account_get_identity_signature (loaded, 1), ==, signature_hindi);

  kabar_account_remove_identity (copy, 2);
  g_assert_true (save (reader, copy, &error));
  g_assert_no_error (error);
  g_assert_true (load (again, &error));
  loaded = kabar_account_manager_lookup (again, kabar_account_get_id (account));
  g_assert_cmpuint (kabar_account_get_n_identities (loaded), ==, 3);
  g_assert_cmpstr (kabar_account_get_identity_signature (loaded, 0), ==, signature_dewi);
  g_assert_cmpstr (kabar_account_get_identity_signature (loaded, 1), ==, "Salam");
  g_assert_cmpstr (kabar_account_get_identity_address (loaded, 2), ==, "elodie@example.co.id");
  g_assert_cmpstr (kabar_account_get_identity_name (loaded, 2), ==, "Élodie Ünver");
}

/* A newer Kabar's keys in an identity's group stay with that identity,
 * even when an identity before it is removed; so do the account's. */
static void
test_accounts_unknown_identity_settings_survive_a_save (void)
{
  g_autoptr(KabarAccount) account = make_imap_account ("dewi@example.co.id");
  g_autoptr(KabarAccount) loaded = NULL;
  g_autoptr(KabarAccount) reloaded = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GKeyFile) written = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *kept = NULL;

  kabar_account_set_identity (account, 1, "One", "one@example.co.id", NULL);
  kabar_account_set_identity (account, 2, "Two", "two@example.co.id", NULL);
  key_file = kabar_account_to_key_file (account, &error);
  g_assert_no_error (error);
  g_key_file_set_string (key_file, "Identity 2", "ReplyTo", "two-replies@example.co.id");
  g_key_file_set_string (key_file, "Account", "FutureSetting", "kept");
  text = g_key_file_to_data (key_file, NULL, NULL);
  g_clear_pointer (&key_file, g_key_file_unref);
  key_file = g_key_file_new ();
  g_assert_true (g_key_file_load_from_data (key_file, text, -1, G_KEY_FILE_NONE, &error));

  loaded = kabar_account_new_from_key_file (key_file, &error);
  g_assert_no_error (error);
  kabar_account_remove_identity (loaded, 1);
  written = kabar_account_to_key_file (loaded, &error);
  g_assert_no_error (error);

  reloaded = kabar_account_new_from_key_file (written, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kabar_account_get_n_identities (reloaded), ==, 2);
  g_assert_cmpstr (kabar_account_get_identity_address (reloaded, 1), ==, "two@example.co.id");
  kept = g_key_file_get_string (written, "Identity 1", "ReplyTo", NULL);
  g_assert_cmpstr (kept, ==, "two-replies@example.co.id");
  g_assert_false (g_key_file_has_group (written, "Identity 2"));
  g_clear_pointer (&kept, g_free);
  kept = g_key_file_get_string (written, "Account", "FutureSetting", NULL);
  g_assert_cmpstr (kept, ==, "kept");
}

/* An identity without a valid address is refused like the account's own. */
static void
test_accounts_identity_needs_a_valid_address (void)
{
  g_autoptr(KabarAccount) account = make_imap_account ("dewi@example.co.id");
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) key_file = NULL;

  kabar_account_set_identity (account, 1, "Nobody", "not an address", NULL);
  key_file = kabar_account_to_key_file (account, &error);
  g_assert_null (key_file);
  g_assert_error (error, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not an address"));
}

static char *
settings_text (KabarAccount *account)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) key_file = kabar_account_to_key_file (account, &error);

  g_assert_no_error (error);
  return g_key_file_to_data (key_file, NULL, NULL);
}

/* Editing settings: a copy, edited, takes the listed account's place, so
 * a service running on the old object sees that its settings changed; the
 * listed object itself is not touched until then. */
static void
test_accounts_edited_copy_replaces_the_account (void)
{
  g_autofree char *dir = make_directory ();
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (dir);
  g_autoptr(KabarAccountManager) reloaded = kabar_account_manager_new (dir);
  g_autoptr(KabarAccount) first = make_imap_account ("first@example.com");
  g_autoptr(KabarAccount) second = make_imap_account ("second@example.com");
  g_autoptr(KabarAccount) copy = NULL;
  g_autoptr(KabarAccount) listed = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *before = NULL;
  g_autofree char *copied = NULL;
  g_autoptr(GError) error = NULL;

  certificate = g_tls_certificate_new_from_pem (test_certificate, -1, &error);
  g_assert_no_error (error);
  g_assert_true (save (manager, first, &error));
  g_assert_true (save (manager, second, &error));
  g_signal_connect (manager, "items-changed", G_CALLBACK (items_changed_cb), log);

  copy = kabar_account_dup (first);
  g_assert_true (copy != first);
  before = settings_text (first);
  copied = settings_text (copy);
  g_assert_cmpstr (copied, ==, before);

  kabar_account_set_pinned_certificate (copy, KABAR_SERVER_INCOMING, certificate);
  kabar_account_set_display_name (copy, "Dewi L.");
  g_assert_null (kabar_account_get_pinned_certificate (first, KABAR_SERVER_INCOMING));
  g_assert_cmpstr (kabar_account_get_display_name (first), ==, "Dewi Lestari");

  g_assert_true (save (manager, copy, &error));
  g_assert_cmpstr (log->str, ==, "0-1+1;");
  listed = g_list_model_get_item (G_LIST_MODEL (manager), 0);
  g_assert_true (listed == copy);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);

  /* Saving the listed object again writes it and leaves the list be. */
  g_assert_true (save (manager, copy, &error));
  g_assert_cmpstr (log->str, ==, "0-1+1;");

  g_assert_true (load (reloaded, &error));
  g_clear_object (&listed);
  listed = g_object_ref (kabar_account_manager_lookup (reloaded, kabar_account_get_id (first)));
  g_assert_cmpstr (kabar_account_get_display_name (listed), ==, "Dewi L.");
  g_assert_true (g_tls_certificate_is_same (kabar_account_get_pinned_certificate (listed, KABAR_SERVER_INCOMING),
                                            certificate));
}

static void
test_accounts_no_folder_is_no_account (void)
{
  g_autofree char *dir = make_directory ();
  g_autofree char *missing = g_build_filename (dir, "not", "there", NULL);
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (missing);
  g_autoptr(GError) error = NULL;

  g_assert_true (load (manager, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_assert_cmpuint (kabar_account_manager_get_problems (manager)->len, ==, 0);
}

static void
test_accounts_default_folder_is_in_the_user_config (void)
{
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (NULL);
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "kabar", "accounts", NULL);

  g_assert_cmpstr (kabar_account_manager_get_directory (manager), ==, expected);
}

/* The OAuth2 settings a user or organisation gives (their own client,
 * tenant and sign-in server) come back from the file; unset, they are
 * Kabar's defaults and the file holds none of them. */
static void
test_accounts_oauth2_settings_round_trip (void)
{
  g_autoptr(KabarAccount) account = kabar_account_new ();
  g_autoptr(KabarAccount) loaded = NULL;
  g_autoptr(KabarAccount) defaults = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_set_address (account, "someone@outlook.com");
  kabar_account_set_auth_method (account, KABAR_AUTH_OAUTH2);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, "outlook.office365.com", 993,
                            KABAR_SECURITY_IMPLICIT_TLS, NULL);
  kabar_account_set_server (account, KABAR_SERVER_OUTGOING, "smtp-mail.outlook.com", 587,
                            KABAR_SECURITY_STARTTLS, NULL);
  g_assert_null (kabar_account_get_oauth2_client_id (account));
  g_assert_cmpstr (kabar_account_get_oauth2_tenant (account), ==, "consumers");
  g_assert_cmpstr (kabar_account_get_oauth2_authority (account), ==, "https://login.microsoftonline.com");

  key_file = kabar_account_to_key_file (account, &error);
  g_assert_no_error (error);
  g_assert_false (g_key_file_has_key (key_file, "Account", "OAuth2ClientId", NULL));
  defaults = kabar_account_new_from_key_file (key_file, &error);
  g_assert_no_error (error);
  g_assert_null (kabar_account_get_oauth2_client_id (defaults));
  g_assert_cmpstr (kabar_account_get_oauth2_tenant (defaults), ==, "consumers");
  g_clear_pointer (&key_file, g_key_file_unref);

  kabar_account_set_oauth2_client_id (account, "11111111-2222-3333-4444-555555555555");
  kabar_account_set_oauth2_tenant (account, "common");
  kabar_account_set_oauth2_authority (account, "https://login.example.org");
  key_file = kabar_account_to_key_file (account, &error);
  g_assert_no_error (error);
  loaded = kabar_account_new_from_key_file (key_file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kabar_account_get_oauth2_client_id (loaded), ==, "11111111-2222-3333-4444-555555555555");
  g_assert_cmpstr (kabar_account_get_oauth2_tenant (loaded), ==, "common");
  g_assert_cmpstr (kabar_account_get_oauth2_authority (loaded), ==, "https://login.example.org");

  /* "" is the default again, as in the assistant's emptied field. */
  kabar_account_set_oauth2_client_id (loaded, "");
  kabar_account_set_oauth2_tenant (loaded, "");
  g_assert_null (kabar_account_get_oauth2_client_id (loaded));
  g_assert_cmpstr (kabar_account_get_oauth2_tenant (loaded), ==, "consumers");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/accounts/load-in-a-stable-order", test_accounts_load_in_a_stable_order);
  g_test_add_func ("/accounts/oauth2-settings-round-trip", test_accounts_oauth2_settings_round_trip);
  g_test_add_func ("/accounts/pop-leaves-mail-on-the-server-by-default",
                   test_accounts_pop_leaves_mail_on_the_server_by_default);
  g_test_add_func ("/accounts/saved-then-loaded-keep-every-setting",
                   test_accounts_saved_then_loaded_keep_every_setting);
  g_test_add_func ("/accounts/files-are-private-and-hold-no-secret",
                   test_accounts_files_are_private_and_hold_no_secret);
  g_test_add_func ("/accounts/invalid-account-is-not-written",
                   test_accounts_invalid_account_is_not_written);
  g_test_add_func ("/accounts/unreadable-file-is-reported-and-kept",
                   test_accounts_unreadable_file_is_reported_and_kept);
  g_test_add_func ("/accounts/unknown-settings-survive-a-save",
                   test_accounts_unknown_settings_survive_a_save);
  g_test_add_func ("/accounts/remove-deletes-file-and-secrets-and-tells-the-list",
                   test_accounts_remove_deletes_file_and_secrets_and_tells_the_list);
  g_test_add_func ("/accounts/edited-copy-replaces-the-account", test_accounts_edited_copy_replaces_the_account);
  g_test_add_func ("/accounts/remove-deletes-the-mail-store",
                   test_accounts_remove_deletes_the_mail_store);
  g_test_add_func ("/accounts/undeletable-store-is-an-error-naming-it",
                   test_accounts_undeletable_store_is_an_error_naming_it);
  g_test_add_func ("/accounts/identities-survive-save-load-and-copy",
                   test_accounts_identities_survive_save_load_and_copy);
  g_test_add_func ("/accounts/unknown-identity-settings-survive-a-save",
                   test_accounts_unknown_identity_settings_survive_a_save);
  g_test_add_func ("/accounts/identity-needs-a-valid-address",
                   test_accounts_identity_needs_a_valid_address);
  g_test_add_func ("/accounts/no-folder-is-no-account",
                   test_accounts_no_folder_is_no_account);
  g_test_add_func ("/accounts/default-folder-is-in-the-user-config",
                   test_accounts_default_folder_is_in_the_user_config);

  return g_test_run ();
}
