/* kabar-graph-server.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kabar-oauth-server.h"

G_BEGIN_DECLS

/* A Microsoft Graph mailbox for tests, as documented: HTTPS with the given
 * certificate on 127.0.0.1, a free port, a SoupServer in a thread of its
 * own, the model behind a mutex (every call below may come from any
 * thread). The base is https://127.0.0.1:PORT/v1.0.
 *
 * Endpoints: GET /me; /me/mailFolders (GET, POST; /{id} or /{wellknown}:
 * GET, PATCH {displayName}, DELETE; /{id}/childFolders GET and POST;
 * /{id}/move {destinationId}); /me/mailFolders/delta;
 * /me/mailFolders/{id}/messages (GET, $filter=internetMessageId eq '<…>';
 * POST of the MIME in base64 as text/plain makes a draft) and
 * /messages/delta; /me/messages/{id} (GET, PATCH isRead/flag, DELETE),
 * /$value, /move and /copy {destinationId} (ids are immutable: a move
 * keeps the id, a copy gets a new one); POST /me/sendMail (the MIME in
 * base64 as text/plain: filed in Sent Items, and in the Inbox when the
 * user is a recipient); POST /$batch (at most 20 requests, else 400).
 *
 * Delta: nextLink …?$skiptoken=…, the last page's deltaLink …?$deltatoken=…;
 * since a token, an item that changed appears once with its current state,
 * one deleted or moved out as {"id":…,"@removed":{"reason":"deleted"}}.
 * Page size: 50, lowered by Prefer: odata.maxpagesize=N.
 *
 * Every request needs "Authorization: Bearer T": with an OAuth server, T
 * must be a current Graph token it issued (a mail token or an expired one
 * is 401 InvalidAuthenticationToken); without, T must have been added with
 * kabar_graph_server_add_token(). Errors are Graph's
 * {"error":{"code":…,"message":…}}. */
typedef struct _KabarGraphServer KabarGraphServer;

/* certificate: with its private key, e.g. the bed's
 * (kabar_test_bed_get_certificate()). */
KabarGraphServer *kabar_graph_server_new              (GTlsCertificate   *certificate,
                                                       KabarOAuthServer  *oauth,
                                                       GError           **error);
void              kabar_graph_server_free             (KabarGraphServer  *self);
guint16           kabar_graph_server_get_port         (KabarGraphServer  *self);
/* "https://127.0.0.1:PORT/v1.0" */
const char       *kabar_graph_server_get_base_uri     (KabarGraphServer  *self);
void              kabar_graph_server_add_token        (KabarGraphServer  *self,
                                                       const char        *token);
/* Whom /me answers for; "alice@kabar.test" unless set. */
void              kabar_graph_server_set_user         (KabarGraphServer  *self,
                                                       const char        *address,
                                                       const char        *display_name);

/* The mail model. "Another device" changes go through these too; each is
 * a change the next delta shows. Ids are opaque strings, newly allocated.
 * The well-known folders inbox, sentitems, drafts, deleteditems, junkemail
 * and archive exist from the start. */
char       *kabar_graph_server_add_folder      (KabarGraphServer *self,
                                                const char       *parent_id,
                                                const char       *name,
                                                const char       *well_known);
/* By well-known name ("inbox") or by path of display names ("Inbox/Lists");
 * NULL when there is none. */
char       *kabar_graph_server_find_folder     (KabarGraphServer *self,
                                                const char       *well_known_or_path);
gboolean    kabar_graph_server_rename_folder   (KabarGraphServer *self,
                                                const char       *folder_id,
                                                const char       *name);
/* With its messages and child folders. */
gboolean    kabar_graph_server_delete_folder   (KabarGraphServer *self,
                                                const char       *folder_id);
/* Folder ids, parents before children. */
GPtrArray  *kabar_graph_server_list_folders    (KabarGraphServer *self);
/* The folder's JSON (id, displayName, parentFolderId, totalItemCount,
 * unreadItemCount, childFolderCount), a new reference, or NULL. */
JsonObject *kabar_graph_server_get_folder      (KabarGraphServer *self,
                                                const char       *folder_id);

/* The props (subject, from, toRecipients, receivedDateTime, …) are read
 * from the MIME with GMime. NULL when the folder is not there. */
char       *kabar_graph_server_add_message     (KabarGraphServer *self,
                                                const char       *folder_id,
                                                GBytes           *mime,
                                                gboolean          is_read,
                                                gboolean          flagged);
/* Message ids in the folder, oldest first. */
GPtrArray  *kabar_graph_server_list_messages   (KabarGraphServer *self,
                                                const char       *folder_id);
/* A new reference to the message's JSON, or NULL when there is none. */
JsonObject *kabar_graph_server_get_message     (KabarGraphServer *self,
                                                const char       *message_id);
GBytes     *kabar_graph_server_get_mime        (KabarGraphServer *self,
                                                const char       *message_id);
gboolean    kabar_graph_server_move_message    (KabarGraphServer *self,
                                                const char       *id,
                                                const char       *folder_id);
gboolean    kabar_graph_server_delete_message  (KabarGraphServer *self,
                                                const char       *id);
gboolean    kabar_graph_server_set_read        (KabarGraphServer *self,
                                                const char       *id,
                                                gboolean          read);
gboolean    kabar_graph_server_set_flagged     (KabarGraphServer *self,
                                                const char       *id,
                                                gboolean          flagged);

/* Faults. */
void  kabar_graph_server_set_page_size        (KabarGraphServer *self,
                                               guint             n);
/* The next n requests (inside a $batch: each of its requests) are
 * answered status (429 or 503) with Retry-After. */
void  kabar_graph_server_throttle             (KabarGraphServer *self,
                                               guint             n_requests,
                                               guint             status,
                                               guint             retry_after_seconds);
/* A user without a mailbox Graph can reach (Microsoft's 403 or 404
 * MailboxNotEnabledForRESTAPI, "The mailbox is either inactive,
 * soft-deleted, or is hosted on-premise.", or an organisation's 403
 * ErrorAccessDenied): every mail request (/me/mailFolders…,
 * /me/messages…, /me/sendMail) is answered status with that code and
 * message; /me still answers. status 0 serves the mailbox again. */
void  kabar_graph_server_refuse_mailbox       (KabarGraphServer *self,
                                               guint             status,
                                               const char       *code,
                                               const char       *message);
/* Every access token used so far is refused from now on: 401
 * InvalidAuthenticationToken. */
void  kabar_graph_server_expire_access_tokens (KabarGraphServer *self);
/* Every delta and skip token issued so far: 410 syncStateNotFound. */
void  kabar_graph_server_refuse_delta_tokens  (KabarGraphServer *self);

typedef enum
{
  KABAR_GRAPH_FAULT_CUT,
  KABAR_GRAPH_FAULT_500,
  KABAR_GRAPH_FAULT_503,
} KabarGraphFault;

/* The next n requests of method (NULL: any) whose path (after /v1.0, no
 * query) starts with prefix ("/me/mailFolders/", "/$batch",
 * "/me/messages/") fail that way. CUT closes the connection before any
 * answer, after making the change when after_change (the change is made,
 * the reply lost). A request inside a $batch matches too: a 500 or 503 is
 * its own answer, a CUT cuts the whole batch (its earlier requests made). */
void  kabar_graph_server_add_fault            (KabarGraphServer *self,
                                               const char       *method,
                                               const char       *prefix,
                                               guint             n,
                                               KabarGraphFault   fault,
                                               gboolean          after_change);
/* nextLink and deltaLink point at another host, as a hostile server's. */
void  kabar_graph_server_set_foreign_next_links (KabarGraphServer *self,
                                                 gboolean          foreign);
/* Requests so far of method (NULL: any) whose path starts with prefix,
 * counting those inside a $batch (and the $batch itself under "/$batch"). */
guint kabar_graph_server_count_requests       (KabarGraphServer *self,
                                               const char       *method,
                                               const char       *prefix);
/* The most HTTP requests that were in progress at once. */
guint kabar_graph_server_get_max_in_flight    (KabarGraphServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarGraphServer, kabar_graph_server_free)

G_END_DECLS
