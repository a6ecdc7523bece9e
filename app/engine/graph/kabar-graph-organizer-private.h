/* kabar-graph-organizer-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kabar-organizer.h"

G_BEGIN_DECLS

/* Graph's JSON (documented shapes) as the store's items: NULL for an
 * object without an id. */
KabarContact  *kabar_graph_organizer_read_contact   (JsonObject *object);
KabarEvent    *kabar_graph_organizer_read_event     (JsonObject *object);
KabarTaskList *kabar_graph_organizer_read_task_list (JsonObject *object);
/* created (may be NULL): createdDateTime, unix seconds (0 when none). */
KabarTask     *kabar_graph_organizer_read_task      (JsonObject *object,
                                                     const char *list_id,
                                                     gint64     *created);

/* {"dateTime":"2026-11-23T09:00:00.0000000","timeZone":"UTC"} or an
 * ISO 8601 string with its zone: unix seconds, 0 when none. date_only:
 * 00:00 UTC of its day. */
gint64         kabar_graph_organizer_read_time      (JsonNode   *node,
                                                     gboolean    date_only);

G_END_DECLS
