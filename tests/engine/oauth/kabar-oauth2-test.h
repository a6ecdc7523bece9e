/* kabar-oauth2-test.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sign-in as a test does it: the app's flow on this thread, the
 * user's browser (kabar_oauth_server_browse()) on another.
 */

#pragma once

#include "kabar-oauth-server.h"
#include "kabar-oauth2.h"

G_BEGIN_DECLS

#define KABAR_OAUTH2_TEST_CLIENT_ID "0f5e3a7c-kabar-test-client"

/* An account of address that signs in at server with the test client. */
KabarAccount *kabar_oauth2_test_account  (KabarOAuthServer  *server,
                                          const char        *address);
/* The whole sign-in; returns the access token or NULL with error, and
 * the page the browser ended on in *page (or what the browser met). */
char         *kabar_oauth2_test_sign_in  (KabarAccount      *account,
                                          char             **page,
                                          GError           **error);
char         *kabar_oauth2_test_lookup_refresh_token (KabarAccount *account);
char         *kabar_oauth2_test_get_token (KabarAccount     *account,
                                           GError          **error);

G_END_DECLS
