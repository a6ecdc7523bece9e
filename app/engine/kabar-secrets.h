/* kabar-secrets.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a secret opens: a password for one protocol of an account, or the
 * OAuth2 refresh token that stands for the account's sign-in. */
typedef enum
{
  KABAR_SECRET_IMAP,
  KABAR_SECRET_POP3,
  KABAR_SECRET_SMTP,
  KABAR_SECRET_OAUTH2_REFRESH_TOKEN,
} KabarSecretKind;

const char *kabar_secret_kind_to_string (KabarSecretKind      kind);

void        kabar_secrets_store_async   (const char          *account_id,
                                         KabarSecretKind      kind,
                                         const char          *label,
                                         const char          *secret,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    kabar_secrets_store_finish  (GAsyncResult        *result,
                                         GError             **error);

void        kabar_secrets_lookup_async  (const char          *account_id,
                                         KabarSecretKind      kind,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* Returns NULL with no error when there is no such secret. Free the result
 * with kabar_secrets_free(), which wipes it. */
char       *kabar_secrets_lookup_finish (GAsyncResult        *result,
                                         GError             **error);

/* Removes every secret of the account, whatever its kind. */
void        kabar_secrets_clear_async   (const char          *account_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    kabar_secrets_clear_finish  (GAsyncResult        *result,
                                         GError             **error);

void        kabar_secrets_free          (char                *secret);

G_END_DECLS
