/* test-store-senders.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Always for this sender": the store keeps which senders may load remote
 * content, by address without regard to case, across a restart, and
 * answers the UI thread through the _async calls.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "kabar-store.h"
#include "kabar-store-senders.h"

typedef struct
{
  char       *dir;
  char       *path;
  KabarStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = g_build_filename (base != NULL ? base : g_get_tmp_dir (),
                                                "store-senders-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;

  fixture->dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "store.sqlite3", NULL);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char *suffixes[] = { "", "-wal", "-shm" };

  g_clear_object (&fixture->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (fixture->path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static gboolean
is_allowed (KabarStore *store,
            const char *address)
{
  g_autoptr(GError) error = NULL;
  gboolean allowed = TRUE;

  g_assert_true (kabar_store_is_remote_content_allowed (store, address, &allowed, &error));
  g_assert_no_error (error);
  return allowed;
}

static void
test_senders_allowed_kept_across_restart (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (is_allowed (fixture->store, "news@kebun.example"));
  g_assert_true (kabar_store_allow_remote_content (fixture->store, "News@Kebun.Example", &error));
  g_assert_no_error (error);
  /* Twice is the same as once. */
  g_assert_true (kabar_store_allow_remote_content (fixture->store, "news@kebun.example", &error));
  g_assert_no_error (error);

  g_assert_true (is_allowed (fixture->store, "news@kebun.example"));
  g_assert_true (is_allowed (fixture->store, "NEWS@KEBUN.EXAMPLE"));
  g_assert_false (is_allowed (fixture->store, "other@kebun.example"));
  /* No address: nobody to allow. */
  g_assert_false (is_allowed (fixture->store, ""));
  g_assert_false (is_allowed (fixture->store, NULL));

  g_clear_object (&fixture->store);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (is_allowed (fixture->store, "news@kebun.example"));
}

static void
test_senders_empty_address_refused (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (kabar_store_allow_remote_content (fixture->store, "", &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "without an address"));
}

typedef struct
{
  GMainLoop *loop;
  gboolean   result;
  GError    *error;
  GThread   *thread;
} AsyncResult;

static void
on_allowed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncResult *async = user_data;

  async->thread = g_thread_self ();
  async->result = kabar_store_allow_remote_content_finish (KABAR_STORE (source), result, &async->error);
  g_main_loop_quit (async->loop);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncResult *async = user_data;

  async->thread = g_thread_self ();
  async->result = kabar_store_is_remote_content_allowed_finish (KABAR_STORE (source), result, &async->error);
  g_main_loop_quit (async->loop);
}

static void
test_senders_async_on_caller_thread (Fixture       *fixture,
                                     gconstpointer  data)
{
  AsyncResult async = { g_main_loop_new (NULL, FALSE), FALSE, NULL, NULL };

  kabar_store_is_remote_content_allowed_async (fixture->store, "ana@example.org", NULL, on_checked, &async);
  g_main_loop_run (async.loop);
  g_assert_no_error (async.error);
  g_assert_false (async.result);
  g_assert_true (async.thread == g_thread_self ());

  kabar_store_allow_remote_content_async (fixture->store, "Ana@Example.org", NULL, on_allowed, &async);
  g_main_loop_run (async.loop);
  g_assert_no_error (async.error);
  g_assert_true (async.result);

  kabar_store_is_remote_content_allowed_async (fixture->store, "ana@example.org", NULL, on_checked, &async);
  g_main_loop_run (async.loop);
  g_assert_no_error (async.error);
  g_assert_true (async.result);
  g_assert_true (async.thread == g_thread_self ());
  g_main_loop_unref (async.loop);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store-senders/allowed-kept-across-restart", Fixture, NULL,
              fixture_set_up, test_senders_allowed_kept_across_restart, fixture_tear_down);
  g_test_add ("/store-senders/empty-address-refused", Fixture, NULL,
              fixture_set_up, test_senders_empty_address_refused, fixture_tear_down);
  g_test_add ("/store-senders/async-on-caller-thread", Fixture, NULL,
              fixture_set_up, test_senders_async_on_caller_thread, fixture_tear_down);
  return g_test_run ();
}
