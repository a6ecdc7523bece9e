/* kabar-oauth2.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-account.h"

G_BEGIN_DECLS

#define KABAR_OAUTH2_ERROR (kabar_oauth2_error_quark ())

typedef enum
{
  KABAR_OAUTH2_ERROR_NO_CLIENT_ID,     /* no client ID: neither Kabar's build option nor the account's */
  KABAR_OAUTH2_ERROR_DENIED,           /* the user declined in the browser (error=access_denied) */
  KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED, /* no refresh token, or it was refused (invalid_grant):
                                          the user must sign in again */
  KABAR_OAUTH2_ERROR_CLIENT_REFUSED,   /* invalid_client / unauthorized_client / unknown app */
  KABAR_OAUTH2_ERROR_SERVER,           /* any other refusal; the message keeps the server's words */
  KABAR_OAUTH2_ERROR_PROTOCOL,         /* a redirect with the wrong state, an unreadable answer */
  KABAR_OAUTH2_ERROR_INSECURE,         /* an authority that is http but not loopback */
} KabarOAuth2Error;

GQuark      kabar_oauth2_error_quark             (void);

/* The errors that trying again cannot fix: the user must sign in again or
 * change the account (a server's passing refusal and a garbled answer may
 * go away). */
gboolean    kabar_oauth2_error_needs_user        (const GError *error);

#define KABAR_OAUTH2_MICROSOFT_AUTHORITY "https://login.microsoftonline.com"

/* Kabar's own client ID (the build option), or NULL when built without one. */
const char *kabar_oauth2_get_builtin_client_id   (void);

/* The browser sign-in: authorization code with PKCE (S256), loopback
 * redirect http://127.0.0.1:PORT/, the scopes of the mail protocols (of
 * Microsoft Graph for an account whose incoming kind is GRAPH) and
 * offline_access, login_hint = the account's address; for the account's
 * authority, tenant and client ID. */
#define KABAR_TYPE_OAUTH2_FLOW (kabar_oauth2_flow_get_type ())
G_DECLARE_FINAL_TYPE (KabarOAuth2Flow, kabar_oauth2_flow, KABAR, OAUTH2_FLOW, GObject)

KabarOAuth2Flow *kabar_oauth2_flow_new         (KabarAccount        *account);
/* Listens on 127.0.0.1 (a free port) and returns the authorization URI to
 * open in the browser. NO_CLIENT_ID, INSECURE. */
char            *kabar_oauth2_flow_start       (KabarOAuth2Flow     *self,
                                                GError             **error);
/* Waits for the browser to come back to the redirect, exchanges the code
 * for tokens, answers the browser with a small page (translated) saying
 * the tab can be closed or what failed, stores the refresh token in the
 * keyring (KABAR_SECRET_OAUTH2_REFRESH_TOKEN of the account's id) and
 * returns the access token (free with kabar_secrets_free). Cancelling
 * closes the listener. */
void             kabar_oauth2_flow_wait_async  (KabarOAuth2Flow     *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
char            *kabar_oauth2_flow_wait_finish (KabarOAuth2Flow     *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* An access token for the account's mail protocols: the one cached in
 * memory while it has more than 5 minutes left, else a new one from the
 * keyring's refresh token (a rotated refresh token is stored).
 * SIGN_IN_REQUIRED when there is none or it is refused. Any thread with a
 * main context; the result is free with kabar_secrets_free. */
void        kabar_oauth2_get_access_token_async  (KabarAccount        *account,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
char       *kabar_oauth2_get_access_token_finish (GAsyncResult        *result,
                                                  GError             **error);
/* The same, sequential: runs the thread-default main context until done
 * (kabar-sync-wait.h), for the services' worker threads only. */
char       *kabar_oauth2_wait_for_access_token   (KabarAccount        *account,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
/* After a server refused the token: the next call refreshes. */
void        kabar_oauth2_forget_access_token     (KabarAccount        *account);

/* What a token is for: the mail protocols (IMAP, POP, SMTP; the calls
 * above) or Microsoft Graph. Each has its own token and cache, both got
 * from the account's one refresh token by a request of their own. */
typedef enum
{
  KABAR_OAUTH2_RESOURCE_MAIL,
  KABAR_OAUTH2_RESOURCE_GRAPH,
} KabarOAuth2Resource;

/* The scopes a token of the resource asks for (with offline_access). */
const char *kabar_oauth2_get_resource_scopes       (KabarOAuth2Resource  resource);
/* As kabar_oauth2_get_access_token_async() for the resource. */
void        kabar_oauth2_get_resource_token_async  (KabarAccount        *account,
                                                    KabarOAuth2Resource  resource,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
char       *kabar_oauth2_get_resource_token_finish (GAsyncResult        *result,
                                                    GError             **error);
void        kabar_oauth2_forget_resource_token     (KabarAccount        *account,
                                                    KabarOAuth2Resource  resource);

G_END_DECLS
