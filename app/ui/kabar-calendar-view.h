/* kabar-calendar-view.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* An Exchange-style account's agenda: the coming 14 days from today, a
 * heading for each day with events (time, subject, location), the days
 * without any folded into one line each run. It follows the service's
 * "organizer-changed". */
#define KABAR_TYPE_CALENDAR_VIEW (kabar_calendar_view_get_type ())

G_DECLARE_FINAL_TYPE (KabarCalendarView, kabar_calendar_view, KABAR, CALENDAR_VIEW, AdwBin)

#define KABAR_CALENDAR_VIEW_DAYS 14

GtkWidget *kabar_calendar_view_new         (void);
/* NULL shows nothing. */
void       kabar_calendar_view_set_service (KabarCalendarView *self,
                                            KabarMailService  *service);
/* How many events the agenda shows (an event over two days counts twice),
 * and whether a load is under way: for tests. */
guint      kabar_calendar_view_get_n_shown (KabarCalendarView *self);
gboolean   kabar_calendar_view_is_loading  (KabarCalendarView *self);
void       kabar_calendar_view_focus       (KabarCalendarView *self);

G_END_DECLS
