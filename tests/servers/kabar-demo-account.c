/* kabar-demo-account.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kabar-demo-account [-- COMMAND [ARG...]]
 *
 * Run by kabar-test-bed as the user who will run Kabar, inside the demo's
 * session (its own XDG folders and unlocked keyring): sets up the demo
 * mailbox as Kabar's account from the facts the bed passes in its
 * environment, then replaces itself with COMMAND (Kabar), which opens on
 * that mail.
 *
 *   KABAR_TEST_BED_HOST             the servers' address
 *   KABAR_TEST_BED_IMAPS_PORT       IMAP with implicit TLS
 *   KABAR_TEST_BED_SUBMISSION_PORT  SMTP submission with STARTTLS
 *   KABAR_TEST_BED_USER             the mail user, an address
 *   KABAR_TEST_BED_PASSWORD         its password
 *   KABAR_TEST_BED_CERTIFICATE      the servers' self-signed certificate (PEM)
 */

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "kabar-bed-account.h"

/* The name the sample mailbox gives its owner. */
#define DEMO_NAME "Demo"

static const char *
require (const char  *name,
         GError     **error)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "%s is not set: run me from kabar-test-bed", name);
  return value;
}

static gboolean
require_port (const char  *name,
              guint16     *port,
              GError     **error)
{
  const char *value = require (name, error);
  guint64 number;

  if (value == NULL)
    return FALSE;
  if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT16, &number, error))
    {
      g_prefix_error (error, "%s: ", name);
      return FALSE;
    }
  *port = number;
  return TRUE;
}

static gboolean
write_account (GError **error)
{
  const char *host;
  const char *user;
  const char *password;
  const char *certificate_path;
  guint16 imaps_port;
  guint16 submission_port;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(KabarAccount) account = NULL;

  if ((host = require ("KABAR_TEST_BED_HOST", error)) == NULL ||
      (user = require ("KABAR_TEST_BED_USER", error)) == NULL ||
      (password = require ("KABAR_TEST_BED_PASSWORD", error)) == NULL ||
      (certificate_path = require ("KABAR_TEST_BED_CERTIFICATE", error)) == NULL ||
      !require_port ("KABAR_TEST_BED_IMAPS_PORT", &imaps_port, error) ||
      !require_port ("KABAR_TEST_BED_SUBMISSION_PORT", &submission_port, error))
    return FALSE;

  certificate = g_tls_certificate_new_from_file (certificate_path, error);
  if (certificate == NULL)
    return FALSE;

  account = kabar_bed_account_new (DEMO_NAME, user, host, imaps_port, submission_port, certificate);
  if (!kabar_bed_account_save (account, password, error))
    return FALSE;
  g_printerr ("kabar-demo-account: %s is set up as Kabar's account\n", user);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int first = 1;

  if (argc > 1 && g_strcmp0 (argv[1], "--") == 0)
    first = 2;

  if (!write_account (&error))
    {
      g_printerr ("kabar-demo-account: %s\n", error->message);
      return 1;
    }
  if (first >= argc)
    return 0;

  /* The password stays out of Kabar's environment. */
  g_unsetenv ("KABAR_TEST_BED_PASSWORD");
  execvp (argv[first], argv + first);
  g_printerr ("kabar-demo-account: could not run %s: %s\n", argv[first], g_strerror (errno));
  return 127;
}
