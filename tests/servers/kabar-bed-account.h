/* kabar-bed-account.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-account.h"

G_BEGIN_DECLS

/* A user of the test bed's servers set up as Kabar's account, the way a
 * person would: IMAP over implicit TLS, SMTP submission with STARTTLS, the
 * same user name for both, and the bed's self-signed certificate trusted
 * (pinned) for both servers. The demo and the UI tests use it. */
KabarAccount *kabar_bed_account_new  (const char       *display_name,
                                      const char       *user,
                                      const char       *host,
                                      guint16           imaps_port,
                                      guint16           submission_port,
                                      GTlsCertificate  *certificate);

/* Writes the account with KabarAccountManager into its default folder
 * ($XDG_CONFIG_HOME/kabar/accounts), in place of any account of the same
 * address there, and stores the password in the keyring for IMAP and
 * SMTP. Runs the thread-default main context until both are done. */
gboolean      kabar_bed_account_save (KabarAccount     *account,
                                      const char       *password,
                                      GError          **error);

G_END_DECLS
