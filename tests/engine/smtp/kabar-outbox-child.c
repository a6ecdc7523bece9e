/* kabar-outbox-child.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: the process test-smtp-outbox-kill.c starts and kills while
 * it sends. It opens a store, queues the message in a file and runs the
 * account's outbox on it:
 *
 *   kabar-outbox-child STORE ACCOUNT_KEY_FILE MESSAGE_FILE STAGE
 *
 * STAGE is where it kills itself with SIGKILL: "added" (once the message
 * is in the outbox), "signed-in", "data-written", "marked-sending",
 * "accepted" (the outbox's stages, kabar-outbox.h), or "none" (the test
 * kills it from outside, watching the proxy). It says on stdout:
 *
 *   queued ID               the message is in the outbox
 *   sent                    the outbox completed it
 *   error MESSAGE           something failed (exit status 1)
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "kabar-outbox.h"
#include "kabar-outgoing-message.h"
#include "kabar-store-outbox.h"

static const char * const stage_names[] = {
  [KABAR_OUTBOX_STAGE_SIGNED_IN] = "signed-in",
  [KABAR_OUTBOX_STAGE_DATA_WRITTEN] = "data-written",
  [KABAR_OUTBOX_STAGE_MARKED_SENDING] = "marked-sending",
  [KABAR_OUTBOX_STAGE_ACCEPTED] = "accepted",
};

static void
die_at (KabarOutboxStage stage,
        gint64           id,
        gpointer         data)
{
  if (g_strcmp0 (stage_names[stage], data) == 0)
    raise (SIGKILL);
}

static int
fail (const GError *error)
{
  printf ("error %s\n", error->message);
  return 1;
}

static void
on_sent (KabarOutbox *outbox,
         gint64       id,
         const char  *message_id,
         gint64       folder_id,
         gboolean    *sent)
{
  *sent = TRUE;
}

static gint64
queue (KabarStore  *store,
       const char  *message_path,
       GError     **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (message_path, FALSE, error);
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(KabarOutgoingMessage) message = NULL;
  g_autofree char *sender = NULL;
  g_auto(GStrv) recipients = NULL;

  if (file == NULL)
    return 0;
  raw = g_mapped_file_get_bytes (file);
  message = kabar_outgoing_message_new_from_bytes (raw, error);
  if (message == NULL)
    return 0;
  sender = kabar_outgoing_message_dup_envelope_sender (message);
  recipients = kabar_outgoing_message_dup_envelope_recipients (message);
  return kabar_store_outbox_add (store, kabar_outgoing_message_get_message_id (message), sender,
                                 (const char * const *) recipients, raw, 0, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(KabarAccount) account = NULL;
  g_autoptr(KabarOutbox) outbox = NULL;
  gboolean sent = FALSE;
  gint64 id;

  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc != 5)
    {
      fprintf (stderr, "usage: %s STORE ACCOUNT_KEY_FILE MESSAGE_FILE STAGE\n", argv[0]);
      return 2;
    }
  store = kabar_store_open (argv[1], &error);
  if (store == NULL)
    return fail (error);
  if (!g_key_file_load_from_file (key_file, argv[2], G_KEY_FILE_NONE, &error))
    return fail (error);
  account = kabar_account_new_from_key_file (key_file, &error);
  if (account == NULL)
    return fail (error);
  id = queue (store, argv[3], &error);
  if (id == 0)
    return fail (error);
  printf ("queued %" G_GINT64_FORMAT "\n", id);
  if (g_strcmp0 (argv[4], "added") == 0)
    raise (SIGKILL);

  outbox = kabar_outbox_new (account, store);
  kabar_outbox_set_hook_for_testing (outbox, die_at, argv[4]);
  g_signal_connect (outbox, "sent", G_CALLBACK (on_sent), &sent);
  kabar_outbox_start (outbox);
  while (!sent)
    g_main_context_iteration (NULL, TRUE);
  kabar_outbox_stop (outbox);
  printf ("sent\n");
  return 0;
}
