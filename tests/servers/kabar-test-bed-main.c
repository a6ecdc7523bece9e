/* kabar-test-bed-main.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kabar-test-bed [--sample-mailbox] [--user ADDRESS] [--password WORD]
 *                [--run-as UID:GID] [-- COMMAND [ARG...]]
 *
 * Starts the test bed's Dovecot and Postfix for a person rather than a test:
 * the demo runs Kabar as COMMAND and the servers stop when it quits. With no
 * COMMAND the servers run until Ctrl+C, for looking at the mailbox with any
 * other client.
 *
 * COMMAND gets the servers' facts in its environment, for setting up the
 * account (kabar-demo-account does):
 *
 *   KABAR_TEST_BED_HOST             127.0.0.1
 *   KABAR_TEST_BED_IMAPS_PORT       IMAP with implicit TLS
 *   KABAR_TEST_BED_SUBMISSION_PORT  SMTP submission, STARTTLS before AUTH
 *   KABAR_TEST_BED_USER             the mail user (--user)
 *   KABAR_TEST_BED_PASSWORD         its password (--password)
 *   KABAR_TEST_BED_CERTIFICATE      the servers' self-signed certificate, a
 *                                   PEM file that COMMAND's user can read
 */

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <grp.h>
#include <gmime/gmime.h>
#include <signal.h>
#include <unistd.h>

#include "kabar-sample-mailbox.h"
#include "kabar-test-bed.h"

/* The same mailbox every time, so the demo and its screenshots are stable. */
#define SAMPLE_SEED 20261121

typedef struct
{
  GMainLoop *loop;
  GSubprocess *child;
  int exit_status;
  uid_t run_as_uid;
  gid_t run_as_gid;
  gboolean run_as;
} Launcher;

static char *
maildir_flags (KabarSampleFlags flags)
{
  GString *letters = g_string_new (NULL);

  /* Maildir wants the info letters in ASCII order. */
  if (flags & KABAR_SAMPLE_DRAFT)
    g_string_append_c (letters, 'D');
  if (flags & KABAR_SAMPLE_FLAGGED)
    g_string_append_c (letters, 'F');
  if (flags & KABAR_SAMPLE_ANSWERED)
    g_string_append_c (letters, 'R');
  if (flags & KABAR_SAMPLE_SEEN)
    g_string_append_c (letters, 'S');
  return g_string_free (letters, FALSE);
}

typedef struct
{
  KabarTestBed *bed;
  const char *address;
  guint count;
} SampleWriter;

static gboolean
write_sample_message (const char        *folder,
                      GBytes            *message,
                      KabarSampleFlags   flags,
                      GDateTime         *received,
                      gpointer           user_data,
                      GError           **error)
{
  SampleWriter *writer = user_data;
  g_autofree char *letters = maildir_flags (flags);

  writer->count++;
  return kabar_test_bed_add_message (writer->bed, writer->address, folder, message, letters,
                                     g_date_time_to_unix (received), error);
}

static gboolean
fill_sample_mailbox (KabarTestBed  *bed,
                     const char    *address,
                     GError       **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  SampleWriter writer = { bed, address, 0 };

  if (!kabar_sample_mailbox_generate (address, "Demo", SAMPLE_SEED, now,
                                      write_sample_message, &writer, error))
    return FALSE;
  g_printerr ("kabar-test-bed: wrote %u sample messages for %s\n", writer.count, address);
  return TRUE;
}

static void
print_servers (KabarTestBed *bed,
               const char   *address)
{
  g_printerr ("\n"
              "  Kabar's demo mail server, on 127.0.0.1 (self-signed certificate)\n"
              "    user        %s\n"
              "    password    %s\n"
              "    IMAP        port %u with STARTTLS, port %u with TLS\n"
              "    POP3        port %u with STARTTLS, port %u with TLS\n"
              "    SMTP        port %u with STARTTLS (submission), port %u with TLS\n"
              "    certificate %s\n"
              "\n",
              address, kabar_test_bed_get_password (bed, address),
              kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAP),
              kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
              kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_POP3),
              kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_POP3S),
              kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_SUBMISSION),
              kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_SUBMISSIONS),
              kabar_test_bed_get_certificate_path (bed));
}

/* Runs in the child between fork and exec: only async-signal-safe calls. */
static void
drop_privileges (gpointer user_data)
{
  Launcher *launcher = user_data;

  if (setgroups (0, NULL) != 0 ||
      setgid (launcher->run_as_gid) != 0 ||
      setuid (launcher->run_as_uid) != 0)
    _exit (126);
}

static void
child_exited_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Launcher *launcher = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error))
    g_printerr ("kabar-test-bed: %s\n", error->message);
  if (g_subprocess_get_if_exited (launcher->child))
    launcher->exit_status = g_subprocess_get_exit_status (launcher->child);
  else
    launcher->exit_status = 128 + g_subprocess_get_term_sig (launcher->child);
  g_main_loop_quit (launcher->loop);
}

/* A copy of the certificate in the bed's folder (world-readable, as its
 * parents are), for a command run as another user than the bed's. */
static char *
write_readable_certificate (KabarTestBed  *bed,
                            GError       **error)
{
  g_autofree char *pem = NULL;
  g_autofree char *path = g_build_filename (kabar_test_bed_get_directory (bed), "demo-certificate.pem", NULL);

  g_object_get (kabar_test_bed_get_certificate (bed), "certificate-pem", &pem, NULL);
  if (!g_file_set_contents_full (path, pem, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    return NULL;
  return g_steal_pointer (&path);
}

static gboolean
set_bed_environment (GSubprocessLauncher  *subprocess_launcher,
                     KabarTestBed         *bed,
                     const char           *address,
                     GError              **error)
{
  g_autofree char *certificate = write_readable_certificate (bed, error);
  g_autofree char *imaps = g_strdup_printf ("%u", kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS));
  g_autofree char *submission = g_strdup_printf ("%u", kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_SUBMISSION));

  if (certificate == NULL)
    return FALSE;
  g_subprocess_launcher_setenv (subprocess_launcher, "KABAR_TEST_BED_HOST", KABAR_TEST_BED_HOST, TRUE);
  g_subprocess_launcher_setenv (subprocess_launcher, "KABAR_TEST_BED_IMAPS_PORT", imaps, TRUE);
  g_subprocess_launcher_setenv (subprocess_launcher, "KABAR_TEST_BED_SUBMISSION_PORT", submission, TRUE);
  g_subprocess_launcher_setenv (subprocess_launcher, "KABAR_TEST_BED_USER", address, TRUE);
  g_subprocess_launcher_setenv (subprocess_launcher, "KABAR_TEST_BED_PASSWORD",
                                kabar_test_bed_get_password (bed, address), TRUE);
  g_subprocess_launcher_setenv (subprocess_launcher, "KABAR_TEST_BED_CERTIFICATE", certificate, TRUE);
  return TRUE;
}

static gboolean
spawn_command (Launcher      *launcher,
               KabarTestBed  *bed,
               const char    *address,
               char         **argv,
               GError       **error)
{
  g_autoptr(GSubprocessLauncher) subprocess_launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  if (launcher->run_as)
    g_subprocess_launcher_set_child_setup (subprocess_launcher, drop_privileges, launcher, NULL);
  if (!set_bed_environment (subprocess_launcher, bed, address, error))
    return FALSE;

  launcher->child = g_subprocess_launcher_spawnv (subprocess_launcher, (const char * const *) argv, error);
  if (launcher->child == NULL)
    return FALSE;

  g_subprocess_wait_async (launcher->child, NULL, child_exited_cb, launcher);
  return TRUE;
}

static gboolean
stop_requested_cb (gpointer user_data)
{
  Launcher *launcher = user_data;

  /* Let the command quit on its own terms; the servers stop after it. */
  if (launcher->child != NULL)
    g_subprocess_send_signal (launcher->child, SIGTERM);
  else
    g_main_loop_quit (launcher->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_run_as (const char  *text,
              Launcher    *launcher,
              GError     **error)
{
  guint64 uid, gid;
  g_auto(GStrv) parts = g_strsplit (text, ":", 2);

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, G_MAXUINT32, &uid, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT32, &gid, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--run-as takes UID:GID, not “%s”", text);
      return FALSE;
    }
  launcher->run_as_uid = uid;
  launcher->run_as_gid = gid;
  launcher->run_as = TRUE;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  gboolean sample_mailbox = FALSE;
  g_autofree char *address = NULL;
  g_autofree char *password = NULL;
  g_autofree char *run_as = NULL;
  g_auto(GStrv) command = NULL;
  const GOptionEntry entries[] = {
    { "sample-mailbox", 0, 0, G_OPTION_ARG_NONE, &sample_mailbox, "Fill the user's mailbox with generated sample mail", NULL },
    { "user", 0, 0, G_OPTION_ARG_STRING, &address, "The mail user to set up (default demo@" KABAR_TEST_BED_DOMAIN ")", "ADDRESS" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, "Its password (default kabar-demo)", "WORD" },
    { "run-as", 0, 0, G_OPTION_ARG_STRING, &run_as, "Run COMMAND with this user and group ID", "UID:GID" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &command, NULL, "[-- COMMAND [ARG…]]" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(KabarTestBed) bed = NULL;
  g_autoptr(GError) error = NULL;
  Launcher launcher = { .exit_status = 0 };

  g_option_context_set_summary (context, "Runs Kabar's private Dovecot and Postfix on 127.0.0.1, and COMMAND while they run.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      (run_as != NULL && !parse_run_as (run_as, &launcher, &error)))
    {
      g_printerr ("kabar-test-bed: %s\n", error->message);
      return 2;
    }

  g_mime_init ();
  if (address == NULL)
    address = g_strdup ("demo@" KABAR_TEST_BED_DOMAIN);
  if (password == NULL)
    password = g_strdup ("kabar-demo");

  bed = kabar_test_bed_new (&error);
  if (bed != NULL)
    kabar_test_bed_add_user (bed, address, password);
  if (bed == NULL ||
      !kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT | KABAR_TEST_BED_POSTFIX, &error) ||
      (sample_mailbox && !fill_sample_mailbox (bed, address, &error)))
    {
      g_printerr ("kabar-test-bed: %s\n", error->message);
      return 1;
    }
  print_servers (bed, address);

  launcher.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, stop_requested_cb, &launcher);
  g_unix_signal_add (SIGTERM, stop_requested_cb, &launcher);

  if (command != NULL && !spawn_command (&launcher, bed, address, command, &error))
    {
      g_printerr ("kabar-test-bed: could not run %s: %s\n", command[0], error->message);
      launcher.exit_status = 127;
    }
  else
    {
      if (command == NULL)
        g_printerr ("kabar-test-bed: the servers run until Ctrl+C.\n");
      g_main_loop_run (launcher.loop);
    }

  kabar_test_bed_stop (bed);
  g_clear_object (&launcher.child);
  g_main_loop_unref (launcher.loop);
  g_mime_shutdown ();
  return launcher.exit_status;
}
