/* kabar-organizer-feed.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-organizer-feed.h"

void
kabar_organizer_feed_init (KabarOrganizerFeed   *feed,
                           gpointer              view,
                           KabarOrganizerParts   parts,
                           KabarOrganizerReload  reload)
{
  *feed = (KabarOrganizerFeed) { NULL, parts, reload, view, FALSE };
}

static void
on_organizer_changed (KabarMailService   *service,
                      guint               parts,
                      KabarOrganizerFeed *feed)
{
  if (!(parts & feed->parts))
    return;
  feed->waiting = FALSE;
  feed->reload (feed->view);
}

void
kabar_organizer_feed_set_service (KabarOrganizerFeed *feed,
                                  KabarMailService   *service)
{
  if (feed->service != NULL)
    g_signal_handlers_disconnect_by_func (feed->service, on_organizer_changed, feed);
  g_set_object (&feed->service, service);
  feed->waiting = FALSE;
  if (service != NULL)
    g_signal_connect (service, "organizer-changed", G_CALLBACK (on_organizer_changed), feed);
}

void
kabar_organizer_feed_clear (KabarOrganizerFeed *feed)
{
  kabar_organizer_feed_set_service (feed, NULL);
}

void
kabar_organizer_feed_cancel (GCancellable **slot)
{
  if (*slot != NULL)
    g_cancellable_cancel (*slot);
  g_clear_object (slot);
}

GCancellable *
kabar_organizer_feed_start (KabarOrganizerFeed  *feed,
                            GCancellable       **slot)
{
  kabar_organizer_feed_cancel (slot);
  if (feed->service == NULL)
    return NULL;
  *slot = g_cancellable_new ();
  return *slot;
}

gboolean
kabar_organizer_feed_finish (KabarOrganizerFeed  *feed,
                             GCancellable       **slot,
                             const char          *what,
                             const GError        *error,
                             GPtrArray          **items)
{
  /* The slot is the newer load's now. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  g_clear_object (slot);
  /* Asked again once the store is open (on_organizer_changed). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED))
    {
      feed->waiting = TRUE;
      return FALSE;
    }
  if (*items == NULL)
    {
      g_warning ("Could not read %s: %s", what, error->message);
      *items = g_ptr_array_new ();
    }
  return TRUE;
}
