/* test-secrets.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs against the unlocked gnome-keyring of tests/kabar-test-session: the
 * secrets go through the real Secret Service, as they do for a user.
 */

#include "config.h"

#include "kabar-secrets.h"
#include "kabar-test-wait.h"

static void
store (const char      *account,
       KabarSecretKind  kind,
       const char      *secret)
{
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_secrets_store_async (account, kind, "Kabar test secret", secret, NULL,
                             kabar_test_wait_done, &pending);
  result = kabar_test_wait (&pending);
  g_assert_true (kabar_secrets_store_finish (result, &error));
  g_assert_no_error (error);
}

static char *
lookup (const char      *account,
        KabarSecretKind  kind)
{
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  kabar_secrets_lookup_async (account, kind, NULL, kabar_test_wait_done, &pending);
  result = kabar_test_wait (&pending);
  secret = kabar_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
  return secret;
}

static void
clear (const char *account)
{
  g_autoptr(GAsyncResult) pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_secrets_clear_async (account, NULL, kabar_test_wait_done, &pending);
  result = kabar_test_wait (&pending);
  g_assert_true (kabar_secrets_clear_finish (result, &error));
  g_assert_no_error (error);
}

static void
assert_secret (const char      *account,
               KabarSecretKind  kind,
               const char      *expected)
{
  char *secret = lookup (account, kind);

  g_assert_cmpstr (secret, ==, expected);
  kabar_secrets_free (secret);
}

static void
test_secrets_store_then_lookup_returns_it (void)
{
  store ("account-1", KABAR_SECRET_IMAP, "correct horse battery staple");
  assert_secret ("account-1", KABAR_SECRET_IMAP, "correct horse battery staple");
  clear ("account-1");
}

static void
test_secrets_are_kept_apart_by_kind_and_account (void)
{
  store ("account-1", KABAR_SECRET_IMAP, "imap-password");
  store ("account-1", KABAR_SECRET_SMTP, "smtp-password");
  store ("account-2", KABAR_SECRET_IMAP, "other-account");

  assert_secret ("account-1", KABAR_SECRET_IMAP, "imap-password");
  assert_secret ("account-1", KABAR_SECRET_SMTP, "smtp-password");
  assert_secret ("account-1", KABAR_SECRET_POP3, NULL);
  assert_secret ("account-2", KABAR_SECRET_IMAP, "other-account");

  clear ("account-1");
  clear ("account-2");
}

static void
test_secrets_store_again_replaces (void)
{
  store ("account-1", KABAR_SECRET_OAUTH2_REFRESH_TOKEN, "first-token");
  store ("account-1", KABAR_SECRET_OAUTH2_REFRESH_TOKEN, "refreshed-token");
  assert_secret ("account-1", KABAR_SECRET_OAUTH2_REFRESH_TOKEN, "refreshed-token");
  clear ("account-1");
}

static void
test_secrets_clear_removes_every_kind_of_one_account_only (void)
{
  store ("account-1", KABAR_SECRET_IMAP, "imap-password");
  store ("account-1", KABAR_SECRET_OAUTH2_REFRESH_TOKEN, "token");
  store ("account-2", KABAR_SECRET_IMAP, "stays");

  clear ("account-1");

  assert_secret ("account-1", KABAR_SECRET_IMAP, NULL);
  assert_secret ("account-1", KABAR_SECRET_OAUTH2_REFRESH_TOKEN, NULL);
  assert_secret ("account-2", KABAR_SECRET_IMAP, "stays");

  /* Clearing an account with nothing left is not an error. */
  clear ("account-1");
  clear ("account-2");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/store-then-lookup-returns-it",
                   test_secrets_store_then_lookup_returns_it);
  g_test_add_func ("/secrets/kept-apart-by-kind-and-account",
                   test_secrets_are_kept_apart_by_kind_and_account);
  g_test_add_func ("/secrets/store-again-replaces",
                   test_secrets_store_again_replaces);
  g_test_add_func ("/secrets/clear-removes-every-kind-of-one-account-only",
                   test_secrets_clear_removes_every_kind_of_one_account_only);

  return g_test_run ();
}
