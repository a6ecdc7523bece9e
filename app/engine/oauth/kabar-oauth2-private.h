/* kabar-oauth2-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the flow and the token source share: the account's client and
 * endpoints, and the token request.
 */

#pragma once

#include "kabar-oauth2.h"

G_BEGIN_DECLS

/* The mail protocols' scopes and a refresh token, space-separated. */
#define KABAR_OAUTH2_SCOPES \
  "https://outlook.office.com/IMAP.AccessAsUser.All " \
  "https://outlook.office.com/POP.AccessAsUser.All " \
  "https://outlook.office.com/SMTP.Send offline_access"

/* Microsoft Graph's: mail, contacts, calendar and To Do, and the user. */
#define KABAR_OAUTH2_GRAPH_SCOPES \
  "https://graph.microsoft.com/Mail.ReadWrite " \
  "https://graph.microsoft.com/Mail.Send " \
  "https://graph.microsoft.com/Contacts.Read " \
  "https://graph.microsoft.com/Calendars.Read " \
  "https://graph.microsoft.com/Tasks.ReadWrite " \
  "https://graph.microsoft.com/User.Read offline_access"

/* What the account signs in for: Graph when its incoming kind is GRAPH. */
KabarOAuth2Resource kabar_oauth2_get_sign_in_resource (KabarAccount *account);

/* Forms and queries hold borrowed strings (g_str_hash tables). */
static inline void
kabar_oauth2_form_add (GHashTable *form,
                       const char *name,
                       const char *value)
{
  g_hash_table_insert (form, (gpointer) name, (gpointer) value);
}

/* The account's client ID, else Kabar's; NO_CLIENT_ID when neither. */
const char *kabar_oauth2_get_client_id   (KabarAccount  *account,
                                          GError       **error);
/* AUTHORITY/TENANT/oauth2/v2.0/NAME; INSECURE for an http authority off
 * loopback (or any other scheme), PROTOCOL when it is no URI. */
char       *kabar_oauth2_get_endpoint    (KabarAccount  *account,
                                          const char    *name,
                                          GError       **error);
/* The authority's host[:port], to name it in messages. */
char       *kabar_oauth2_get_server_name (KabarAccount  *account);

typedef struct
{
  char   *access_token;
  char   *refresh_token;   /* NULL when the server sent none */
  gint64  expires_in;      /* seconds */
} KabarOAuth2Tokens;

void        kabar_oauth2_tokens_free     (KabarOAuth2Tokens *tokens);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarOAuth2Tokens, kabar_oauth2_tokens_free)

/* POSTs form (application/x-www-form-urlencoded) to the token endpoint
 * and reads its JSON. Refusals become KABAR_OAUTH2_ERRORs naming
 * server_name and keeping the server's error_description; invalid_grant
 * is SIGN_IN_REQUIRED when refreshing, SERVER for a code. */
void               kabar_oauth2_request_tokens_async  (const char          *token_uri,
                                                       const char          *server_name,
                                                       GHashTable          *form,
                                                       gboolean             refreshing,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
KabarOAuth2Tokens *kabar_oauth2_request_tokens_finish (GAsyncResult        *result,
                                                       GError             **error);

/* An OAuth2 error code (from a redirect or a token answer) as our error. */
KabarOAuth2Error   kabar_oauth2_error_from_code       (const char          *code,
                                                       gboolean             refreshing);

/* The flow's fresh access token, so the services need not refresh at once. */
void               kabar_oauth2_cache_access_token    (const char          *account_id,
                                                       KabarOAuth2Resource  resource,
                                                       const char          *access_token,
                                                       gint64               expires_in);

G_END_DECLS
