/* kabar-account-fix.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* What puts right an account that needs the user (status ERROR): the
 * sidebar offers it under the error, in words (get_label). */
typedef enum
{
  /* Nothing to do: the account is fine, or fixes itself (offline). */
  KABAR_ACCOUNT_FIX_NONE,
  /* The server refused the password: ask for it again. For an OAuth2
   * account, Microsoft refused the sign-in: sign in with Microsoft again. */
  KABAR_ACCOUNT_FIX_SIGN_IN,
  /* The server's certificate is not trusted: show it. */
  KABAR_ACCOUNT_FIX_CERTIFICATE,
  /* Anything else: try again. */
  KABAR_ACCOUNT_FIX_RETRY,
} KabarAccountFix;

KabarAccountFix  kabar_account_fix_for       (KabarMailService *service);
/* "Sign In Again", "Show Certificate…", "Try Again"; NULL for none. */
const char      *kabar_account_fix_get_label (KabarAccountFix   fix);
/* Does it: a dialog for a password or a certificate, or for an OAuth2
 * account the assistant's sign-in page (returned, shown, modal to
 * parent), or a retry at once (NULL). A password or a sign-in the user
 * gives goes to the keyring, then the service tries again. */
GtkWidget       *kabar_account_fix_run       (GtkWindow        *parent,
                                              KabarMailService *service);
/* Asks for the account's password whatever its state (the preferences'
 * Sign In Again), or for an OAuth2 account opens the assistant's sign-in
 * page: given, the secret goes to the keyring (for both the incoming and
 * the outgoing server), then the service tries again. The window is
 * returned, shown. */
GtkWidget       *kabar_account_fix_sign_in   (GtkWindow        *parent,
                                              KabarMailService *service);

G_END_DECLS
