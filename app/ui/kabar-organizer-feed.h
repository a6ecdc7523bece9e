/* kabar-organizer-feed.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* What the contacts, calendar and To Do views share: they read their
 * part of an account's organizer from its service, and read it again
 * when "organizer-changed" names that part. The service opens its store
 * as it starts: a read asked before fails with G_IO_ERROR_NOT_INITIALIZED
 * and the feed waits for the signal. Each load of a view has a slot (a
 * GCancellable *, NULL when no load is under way): a new load cancels
 * the one in its slot. Embedded in the view, which outlives it. */

/* Loads what the view shows again. */
typedef void (*KabarOrganizerReload) (gpointer view);

typedef struct
{
  KabarMailService     *service;
  KabarOrganizerParts   parts;
  KabarOrganizerReload  reload;
  gpointer              view;
  /* A read failed as the store was not open yet: the view is loading
   * until "organizer-changed" comes. */
  gboolean              waiting;
} KabarOrganizerFeed;

void          kabar_organizer_feed_init        (KabarOrganizerFeed    *feed,
                                                gpointer               view,
                                                KabarOrganizerParts    parts,
                                                KabarOrganizerReload   reload);
/* Follows service's "organizer-changed" (NULL: none) instead of the
 * previous one's; the view then clears what it shows and loads. */
void          kabar_organizer_feed_set_service (KabarOrganizerFeed    *feed,
                                                KabarMailService      *service);
/* In the view's dispose, after cancelling its slots. */
void          kabar_organizer_feed_clear       (KabarOrganizerFeed    *feed);

/* Cancels the load in slot, if any. */
void          kabar_organizer_feed_cancel      (GCancellable         **slot);
/* Cancels the load in slot and starts another: its cancellable (owned
 * by slot), or NULL without a service (nothing to load). */
GCancellable *kabar_organizer_feed_start       (KabarOrganizerFeed    *feed,
                                                GCancellable         **slot);
/* The end of slot's load, which read items or failed with error: FALSE
 * when the view shows nothing new (cancelled by a newer load, or the
 * store is not open yet). Otherwise *items is what to show: items, or an
 * empty array after an error, which is logged as a failure to read what
 * ("the contacts"). */
gboolean      kabar_organizer_feed_finish      (KabarOrganizerFeed    *feed,
                                                GCancellable         **slot,
                                                const char            *what,
                                                const GError          *error,
                                                GPtrArray            **items);

G_END_DECLS
