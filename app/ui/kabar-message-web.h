/* kabar-message-web.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <webkit/webkit.h>

G_BEGIN_DECLS

/* What every message view shares: one web process context with Kabar's
 * URI schemes, one network session that keeps nothing, the settings that
 * keep a message from running or fetching anything, and the compiled
 * content filter that blocks every load from the network. UI thread
 * only. */

/* The base URI of a message document: relative URLs in a message resolve
 * here, and are served nothing. */
#define KABAR_MESSAGE_WEB_BASE_URI "kabar-message://message/"

/* Serves a cid: URL of the message a web view shows: the bytes and their
 * "type/subtype" (set *content_type, to be freed), or NULL with error. */
typedef GBytes *(*KabarMessageWebCidFunc) (gpointer     data,
                                           const char  *content_id,
                                           char       **content_type,
                                           GError     **error);

WebKitWebContext        *kabar_message_web_get_context          (void);
WebKitNetworkSession    *kabar_message_web_get_network_session  (void);
WebKitSettings          *kabar_message_web_new_settings         (void);
/* Which function serves the cid: URLs of web_view (NULL: none). */
void                     kabar_message_web_set_cid_func         (WebKitWebView          *web_view,
                                                                 KabarMessageWebCidFunc  func,
                                                                 gpointer                data);

/* The filter blocking every network load, compiled once per process. */
void                     kabar_message_web_get_filter_async     (GCancellable           *cancellable,
                                                                 GAsyncReadyCallback     callback,
                                                                 gpointer                user_data);
WebKitUserContentFilter *kabar_message_web_get_filter_finish    (GAsyncResult           *result,
                                                                 GError                **error);

/* Whether the user may be sent to uri outside Kabar: http, https and
 * mailto only. */
gboolean                 kabar_message_web_is_openable_link     (const char             *uri);

G_END_DECLS
