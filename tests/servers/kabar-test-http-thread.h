/* kabar-test-http-thread.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A test's HTTP server (the OAuth2 and Graph stand-ins): a SoupServer on
 * 127.0.0.1, a free port, answering in a thread of its own so a test may
 * block on the client side while it answers. */
typedef struct _KabarTestHttpThread KabarTestHttpThread;

/* Returns once the server listens, or NULL with error. certificate: NULL
 * for http, else https with it (it must hold its key). handler runs on
 * the server's thread for every path. */
KabarTestHttpThread *kabar_test_http_thread_start       (const char           *name,
                                                         GTlsCertificate      *certificate,
                                                         SoupServerCallback    handler,
                                                         gpointer              handler_data,
                                                         GError              **error);
guint16              kabar_test_http_thread_get_port    (KabarTestHttpThread  *self);
/* The server thread's context: what a handler that answers later
 * (soup_server_message_pause) attaches its sources to. */
GMainContext        *kabar_test_http_thread_get_context (KabarTestHttpThread  *self);
/* Stops the server and joins its thread. While busy (may be NULL) returns
 * TRUE, the thread's context keeps running first: requests held for a
 * later answer are answered, and theirs to free. */
void                 kabar_test_http_thread_stop        (KabarTestHttpThread  *self,
                                                         gboolean            (*busy) (gpointer data),
                                                         gpointer              busy_data);

G_END_DECLS
