/* test-pop3-faults.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The POP download through the fault proxy (kabar-fault-proxy.h), cut at
 * many points in either direction (during UIDL, mid-RETR, during DELE,
 * before and after QUIT's reply), each followed by a check that is not
 * cut: every server message is then in the store exactly once, and with
 * "delete after download" the server is empty and nothing was lost.
 */

#include "config.h"

#include "kabar-pop3-download-test.h"

#include "kabar-fault-proxy.h"

#define MESSAGES 30
#define CUTS     24

static KabarFaultProxy *proxy;

static KabarFaultProxy *
get_proxy (void)
{
  g_autoptr(GError) error = NULL;

  if (proxy != NULL)
    return proxy;
  proxy = kabar_fault_proxy_new (kabar_test_bed_get_port (kabar_pop3_download_test_get_bed (),
                                                          KABAR_TEST_BED_PORT_POP3S));
  g_assert_true (kabar_fault_proxy_start (proxy, &error));
  g_assert_no_error (error);
  return proxy;
}

typedef struct
{
  char         *user;
  KabarAccount *account;
  KabarStore   *store;
} Mailbox;

static void
mailbox_init (Mailbox              *mailbox,
              KabarPopServerCopies  copies)
{
  g_autoptr(GError) error = NULL;

  mailbox->user = kabar_pop3_download_test_new_user ();
  kabar_test_bed_fill_folder (kabar_pop3_download_test_get_bed (), mailbox->user, "INBOX",
                              MESSAGES, &error);
  g_assert_no_error (error);
  mailbox->account = kabar_pop3_download_test_account (mailbox->user,
                                                       kabar_fault_proxy_get_port (get_proxy ()),
                                                       copies);
  mailbox->store = kabar_pop3_download_test_new_store ();
}

static void
mailbox_clear (Mailbox *mailbox)
{
  kabar_pop3_download_test_remove_store (mailbox->store);
  g_clear_object (&mailbox->account);
  g_free (mailbox->user);
}

/* Batches of 7: the cuts fall between commits and inside them. */
static gboolean
check (Mailbox  *mailbox,
       GError  **error)
{
  KabarPop3DownloadOptions options = { .batch_size = 7 };

  return kabar_pop3_download_run (mailbox->account, mailbox->store, &options, NULL, NULL, NULL,
                                  error);
}

static GHashTable *
all_messages (void)
{
  GHashTable *subjects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 1; i <= MESSAGES; i++)
    g_hash_table_add (subjects, g_strdup_printf ("Message %u", i));
  return subjects;
}

/* A clean check through the proxy: where its TLS records end. */
static GArray *
measure (KabarFaultDirection   direction,
         KabarPopServerCopies  copies)
{
  Mailbox mailbox = { 0 };
  guint connection = kabar_fault_proxy_get_n_connections (get_proxy ());
  g_autoptr(GError) error = NULL;
  GArray *ends;

  mailbox_init (&mailbox, copies);
  g_assert_true (check (&mailbox, &error));
  g_assert_no_error (error);
  g_assert_true (kabar_fault_proxy_wait_closed (get_proxy (), connection, 5000));
  ends = kabar_fault_proxy_dup_record_ends (get_proxy (), connection, direction);
  g_assert_cmpuint (ends->len, >, 4);
  mailbox_clear (&mailbox);
  return ends;
}

static void
cut_and_check (KabarFaultDirection   direction,
               KabarPopServerCopies  copies,
               guint64               offset)
{
  Mailbox mailbox = { 0 };
  g_autoptr(GHashTable) expected = all_messages ();
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GError) error = NULL;
  GError *cut_error = NULL;

  mailbox_init (&mailbox, copies);
  kabar_fault_proxy_cut_after (get_proxy (), direction, offset);
  if (!check (&mailbox, &cut_error))
    g_test_message ("Cut at %" G_GUINT64_FORMAT ": %s", offset, cut_error->message);
  g_clear_error (&cut_error);
  kabar_fault_proxy_clear_cuts (get_proxy ());

  g_assert_true (check (&mailbox, &error));
  g_assert_no_error (error);
  local = kabar_pop3_download_test_store_subjects (mailbox.store, 0);
  server = kabar_pop3_download_test_server_subjects (mailbox.user);
  /* Nothing lost, nothing twice. */
  kabar_pop3_download_test_assert_same (expected, local);
  if (copies == KABAR_POP_DELETE_AFTER_DOWNLOAD)
    g_assert_cmpuint (g_hash_table_size (server), ==, 0);
  else
    kabar_pop3_download_test_assert_same (expected, server);
  mailbox_clear (&mailbox);
}

/* Cuts at record ends spread over the whole conversation, the last ones
 * (QUIT and its reply) always, and a few bytes into a record (mid-RETR). */
static void
run_cuts (KabarFaultDirection   direction,
          KabarPopServerCopies  copies)
{
  g_autoptr(GArray) ends = measure (direction, copies);
  guint step = MAX (1, ends->len / CUTS);

  for (guint i = 0; i < ends->len; i += step)
    {
      guint64 offset = g_array_index (ends, guint64, i);

      cut_and_check (direction, copies, offset);
      cut_and_check (direction, copies, offset + 9);
    }
  for (guint i = ends->len > 3 ? ends->len - 3 : 0; i < ends->len; i++)
    cut_and_check (direction, copies, g_array_index (ends, guint64, i));
  cut_and_check (direction, copies, 0);
}

static void
test_leave_from_server (void)
{
  run_cuts (KABAR_FAULT_SERVER_TO_CLIENT, KABAR_POP_LEAVE_ON_SERVER);
}

static void
test_leave_from_client (void)
{
  run_cuts (KABAR_FAULT_CLIENT_TO_SERVER, KABAR_POP_LEAVE_ON_SERVER);
}

static void
test_delete_from_server (void)
{
  run_cuts (KABAR_FAULT_SERVER_TO_CLIENT, KABAR_POP_DELETE_AFTER_DOWNLOAD);
}

static void
test_delete_from_client (void)
{
  run_cuts (KABAR_FAULT_CLIENT_TO_SERVER, KABAR_POP_DELETE_AFTER_DOWNLOAD);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pop3/faults/leave-cut-from-the-server", test_leave_from_server);
  g_test_add_func ("/pop3/faults/leave-cut-from-the-client", test_leave_from_client);
  g_test_add_func ("/pop3/faults/delete-cut-from-the-server", test_delete_from_server);
  g_test_add_func ("/pop3/faults/delete-cut-from-the-client", test_delete_from_client);
  status = g_test_run ();
  g_clear_pointer (&proxy, kabar_fault_proxy_free);
  kabar_pop3_download_test_stop_bed ();
  return status;
}
