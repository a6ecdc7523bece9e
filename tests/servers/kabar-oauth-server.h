/* kabar-oauth-server.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-test-bed.h"

G_BEGIN_DECLS

/* An authorization server that behaves like Microsoft's, for tests: plain
 * http on 127.0.0.1, a free port, in a thread of its own. With a bed,
 * every access token it issues is registered with
 * kabar_test_bed_add_oauth2_token() before the client gets it (the bed
 * must have enable_oauth2 before start, and the main context of the
 * thread that enabled it must run, for Dovecot's introspection), so
 * Dovecot's IMAP/POP3 and Postfix take it.
 *
 * Endpoints: /{tenant}/oauth2/v2.0/authorize (checks client_id,
 * redirect_uri on loopback, code_challenge_method=S256, scope, state;
 * answers 302 to the redirect with code and state, as for a user already
 * signed in who consents; the scope must have the IMAP or the Graph
 * Mail.ReadWrite scope, and offline_access) and /{tenant}/oauth2/v2.0/token
 * (authorization_code with code_verifier checked; refresh_token,
 * rotated). Refusals carry Microsoft's AADSTS words. */
typedef struct _KabarOAuthServer KabarOAuthServer;

KabarOAuthServer *kabar_oauth_server_new                   (KabarTestBed     *bed,
                                                            GError          **error);
void              kabar_oauth_server_free                  (KabarOAuthServer *self);
/* "http://127.0.0.1:PORT" */
const char       *kabar_oauth_server_get_authority         (KabarOAuthServer *self);
void              kabar_oauth_server_add_client            (KabarOAuthServer *self,
                                                            const char       *client_id);
/* Whom the tokens sign in as; the login_hint when none is set. */
void              kabar_oauth_server_set_user              (KabarOAuthServer *self,
                                                            const char       *address);
/* The user declines: the redirect carries error=access_denied. */
void              kabar_oauth_server_set_denied            (KabarOAuthServer *self,
                                                            gboolean          denied);
/* Of the access tokens issued from now on; 3600 unless set. */
void              kabar_oauth_server_set_token_lifetime    (KabarOAuthServer *self,
                                                            guint             seconds);
/* Every refresh token issued so far is refused (invalid_grant) from now
 * on; a new sign-in's work. */
void              kabar_oauth_server_revoke_refresh_tokens (KabarOAuthServer *self);
/* The refresh tokens issued so far have expired (unused for 90 days):
 * refused with AADSTS700082, invalid_grant. */
void              kabar_oauth_server_expire_refresh_tokens (KabarOAuthServer *self);
/* Token requests of that grant_type so far, refused ones included. */
guint             kabar_oauth_server_count_requests        (KabarOAuthServer *self,
                                                            const char       *grant_type);
/* Acts as the signed-in user's browser: GETs uri, follows the redirect to
 * the app's loopback listener, returns the page the app answered with.
 * Blocking; call it off the app's main context. self may be NULL (it is
 * not needed: kabar-test-browser has none). */
char             *kabar_oauth_server_browse                (KabarOAuthServer *self,
                                                            const char       *uri,
                                                            GError          **error);

/* "graph" or "mail" for an access token issued and not yet expired, else
 * NULL. A token request's scope decides its resource (Graph scopes:
 * "graph"; none: what the sign-in was for). */
char             *kabar_oauth_server_get_token_resource    (KabarOAuthServer *self,
                                                            const char       *token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarOAuthServer, kabar_oauth_server_free)

G_END_DECLS
