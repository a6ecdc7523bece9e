/* kabar-pop3-child.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: the process test-pop3-kill.c starts and kills in the middle
 * of a POP download. It reads a POP account from a key file (its password
 * is in the session's keyring, under the account's id), opens a store and
 * runs one check of the server into it, saying on stdout how far it got
 * each time a batch is committed:
 *
 *   kabar-pop3-child ACCOUNT STORE BATCH_SIZE [--step]
 *
 *   progress DONE TOTAL     a batch is in the store: DONE of TOTAL new
 *   done DOWNLOADED DELETED the check finished
 *   error MESSAGE           it failed (exit status 1)
 *
 * With --step, each progress line waits for a line on stdin before the
 * download goes on, so the test can kill it with exactly the batches it
 * saw in the store (the next batch arrives meanwhile, and is lost).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kabar-account.h"
#include "kabar-store-local.h"
#include "kabar-pop3-download.h"

typedef struct
{
  const char *account_path;
  const char *store_path;
  guint       batch_size;
  gboolean    step;
} Arguments;

/* On the store's thread: one line a commit, out at once, since the test
 * decides when to kill from these. Waiting here holds the download
 * before its next commit, never inside one. */
static void
on_progress (gint64   folder_id,
             guint    done,
             guint    total,
             gpointer user_data)
{
  const Arguments *arguments = user_data;
  char go[16];

  printf ("progress %u %u\n", done, total);
  fflush (stdout);
  if (arguments->step && fgets (go, sizeof go, stdin) == NULL)
    /* The test went away: nothing is waiting for this download. */
    exit (3);
}

static KabarAccount *
load_account (const char  *path,
              GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, error))
    return NULL;
  return kabar_account_new_from_key_file (key_file, error);
}

static gboolean
run (const Arguments  *arguments,
     GError          **error)
{
  g_autoptr(KabarAccount) account = load_account (arguments->account_path, error);
  g_autoptr(KabarStore) store = NULL;
  KabarPop3DownloadOptions options = {
    .batch_size = arguments->batch_size,
    .progress = on_progress,
    .progress_data = (gpointer) arguments,
  };
  KabarPop3DownloadResult result = { 0 };

  if (account == NULL)
    return FALSE;
  store = kabar_store_open (arguments->store_path, error);
  if (store == NULL
      || !kabar_pop3_download_run (account, store, &options, &result, NULL, NULL, error))
    return FALSE;
  printf ("done %u %u\n", result.downloaded, result.deleted);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  Arguments arguments;
  g_autoptr(GError) error = NULL;
  guint64 batch_size = 0;

  if (argc < 4 || argc > 5
      || !g_ascii_string_to_unsigned (argv[3], 10, 1, G_MAXUINT, &batch_size, NULL)
      || (argc == 5 && strcmp (argv[4], "--step") != 0))
    {
      fprintf (stderr, "usage: %s ACCOUNT STORE BATCH_SIZE [--step]\n", argv[0]);
      return 2;
    }
  arguments = (Arguments) {
    .account_path = argv[1],
    .store_path = argv[2],
    .batch_size = (guint) batch_size,
    .step = argc == 5,
  };
  if (!run (&arguments, &error))
    {
      printf ("error %s\n", error->message);
      return 1;
    }
  return 0;
}
