/* kabar-graph-send.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-graph-client.h"

G_BEGIN_DECLS

/* Worker thread (kabar-sync-wait.h), on the client's thread. Sends mime,
 * the whole RFC 5322 message, by POST /me/sendMail with its base64 as
 * text/plain; the server files the copy in Sent Items. FALSE with the
 * error: a KABAR_GRAPH_ERROR (REFUSED, FORBIDDEN, ... with the server's
 * words) when the server said no, a network error when the answer did not
 * come (the message may have gone: look in "sentitems" with
 * kabar_graph_find_message()). */
gboolean kabar_graph_send_message (KabarGraphClient  *client,
                                   GBytes            *mime,
                                   GCancellable      *cancellable,
                                   GError           **error);

/* Worker thread. The id of a message of this internetMessageId (without
 * angle brackets) in the folder (its id, or a well-known name such as
 * "sentitems"): *found_id set to it, or to NULL when the folder has none;
 * FALSE with the error when the server could not be asked. Used to learn
 * whether a change whose answer was lost (a send, a copy, an append) was
 * made. */
gboolean kabar_graph_find_message (KabarGraphClient  *client,
                                   const char        *folder,
                                   const char        *message_id,
                                   char             **found_id,
                                   GCancellable      *cancellable,
                                   GError           **error);

G_END_DECLS
