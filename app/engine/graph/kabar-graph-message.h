/* kabar-graph-message.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kabar-message-summary.h"

G_BEGIN_DECLS

/* The properties every message request selects: what a summary needs. */
#define KABAR_GRAPH_MESSAGE_SELECT \
  "id,subject,from,toRecipients,ccRecipients,receivedDateTime,sentDateTime," \
  "isRead,isDraft,flag,internetMessageId,hasAttachments,bodyPreview,parentFolderId"

/* Remote ids longer than this are refused: Graph's are under 200. */
#define KABAR_GRAPH_MESSAGE_ID_MAX 1024

/* One Graph message (a JSON object from a delta or a GET) as a summary:
 * subject, from, to, cc, receivedDateTime (internal date) and sentDateTime
 * (date), isRead, flag.flagStatus and isDraft as flags, internetMessageId,
 * hasAttachments, bodyPreview, and size when given. A property missing or
 * of the wrong type is left out; over-long text is cut (at a character).
 * Never NULL. */
KabarMessageSummary *kabar_graph_message_to_summary (JsonObject *message);

/* The message's "id": NULL when it has none, it is not a string, or it is
 * empty or longer than KABAR_GRAPH_MESSAGE_ID_MAX. */
const char          *kabar_graph_message_get_id     (JsonObject *message);

/* Whether the object is a delta's "@removed" entry. */
gboolean             kabar_graph_message_is_removed (JsonObject *message);

G_END_DECLS
