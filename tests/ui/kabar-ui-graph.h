/* kabar-ui-graph.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kabar-graph-server.h"
#include "kabar-graph-server-organizer.h"
#include "kabar-oauth-server.h"
#include "kabar-test-bed.h"

G_BEGIN_DECLS

/* Microsoft for the UI tests of an Exchange-style account, on loopback:
 * the OAuth test server for signing in, the Graph test server for the
 * mailbox, contacts, calendar and To Do, serving the bed's certificate
 * (the system does not trust it: the user trusts it, and the account pins
 * it), the settings that send new accounts there, and a stand-in browser
 * registered as the session's. The calls fail the test on an unexpected
 * error. */
typedef struct _KabarUiGraph KabarUiGraph;

/* Both servers for address (shown as display_name by /me), client_id a
 * registration the OAuth server knows; the "microsoft-authority" and
 * "microsoft-graph-server" settings point at them. */
KabarUiGraph     *kabar_ui_graph_start          (const char   *address,
                                                 const char   *display_name,
                                                 const char   *client_id);
void              kabar_ui_graph_free           (KabarUiGraph *self);
KabarGraphServer *kabar_ui_graph_get_server     (KabarUiGraph *self);
KabarOAuthServer *kabar_ui_graph_get_oauth      (KabarUiGraph *self);
/* The certificate the Graph server shows. */
GTlsCertificate  *kabar_ui_graph_get_certificate (KabarUiGraph *self);

/* The stand-in browser (tests/servers/kabar-test-browser) as a desktop
 * registers one: a desktop file for http and https, the user's choice of
 * it in mimeapps.list. Each address it is given is noted. */
void              kabar_ui_graph_install_browser   (void);
/* The last address the browser was given, or NULL; a new string. */
char             *kabar_ui_graph_browser_last_uri  (void);
/* What the browser printed (its pages and errors), for a failure's
 * message; a new string. */
char             *kabar_ui_graph_browser_output    (void);

/* A message of kabar_ui_bed_message_new() put in the server's folder
 * (well-known name or path), received minutes_ago; its Graph id. */
char             *kabar_ui_graph_add_message    (KabarUiGraph *self,
                                                 const char   *folder,
                                                 const char   *from,
                                                 const char   *to,
                                                 const char   *subject,
                                                 const char   *body,
                                                 guint         minutes_ago,
                                                 gboolean      is_read);

/* The ids of the server's messages in folder with exactly that subject,
 * oldest first; empty when the folder is not there. */
GPtrArray        *kabar_ui_graph_find_messages  (KabarUiGraph *self,
                                                 const char   *folder,
                                                 const char   *subject);
/* Waits, running the thread-default main context, until the folder holds
 * expected messages of that subject; fails the test after timeout_ms. */
void              kabar_ui_graph_wait_count     (KabarUiGraph *self,
                                                 const char   *folder,
                                                 const char   *subject,
                                                 guint         expected,
                                                 guint         timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarUiGraph, kabar_ui_graph_free)

/* An Exchange-style account of address as the assistant saves it (Graph
 * on the Graph server, OAuth2 at the OAuth server with client_id, no
 * outgoing server) with the Graph server's certificate pinned, signed in
 * for real: the browser's part played by kabar_oauth_server_browse(), the
 * refresh token in the keyring. Written into the default folder, for an
 * application started after; its id, a new string. */
char             *kabar_ui_graph_write_account  (KabarUiGraph *self,
                                                 const char   *address,
                                                 const char   *display_name,
                                                 const char   *client_id);

G_END_DECLS
