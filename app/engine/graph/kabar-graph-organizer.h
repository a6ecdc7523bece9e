/* kabar-graph-organizer.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-graph-client.h"
#include "kabar-organizer.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* Contacts, calendar and To Do of a Graph account into the store
 * (kabar-store-organizer.h). Worker thread (the check's): sequential,
 * each request awaited with kabar_sync_wait().
 *
 * The user's task changes go first: an added task by POST (a retry after
 * a lost answer looks for it by title among the list's tasks created
 * since it was first tried, before adding it again), a status by PATCH.
 * A cut or a 5xx leaves a change pending and fails the sync with that
 * error; a refusal (4xx) drops it. Then contacts by
 * /me/contactFolders/{id}/contacts/delta for every folder of
 * /me/contactFolders plus /me/contacts/delta for the default one; the
 * calendar by /me/calendarView/delta from today 00:00 (local time) for 28
 * days (a new day, or a refused token, resyncs the window); To Do by
 * /me/todo/lists/delta and each list's tasks/delta. A refused delta token
 * is dropped and its part synced again from scratch, keeping what the
 * server still has and removing the rest. A delta link is stored only
 * after every page of its round is stored.
 *
 * changed (may be NULL): the parts that changed in the store. */
gboolean kabar_graph_sync_organizer (KabarGraphClient     *client,
                                     KabarStore           *store,
                                     KabarOrganizerParts  *changed,
                                     GCancellable         *cancellable,
                                     GError              **error);

/* The calendar's window days (from today 00:00 local). */
#define KABAR_GRAPH_CALENDAR_DAYS 28

/* Tests: the sync's idea of now (unix seconds; 0: the clock). */
void     kabar_graph_organizer_set_now_for_testing (gint64 now);

G_END_DECLS
