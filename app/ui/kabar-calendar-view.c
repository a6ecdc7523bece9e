/* kabar-calendar-view.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-calendar-view.h"
#include "kabar-organizer-feed.h"

struct _KabarCalendarView
{
  AdwBin            parent_instance;

  GtkStack         *stack;
  GtkBox           *agenda_box;

  KabarOrganizerFeed feed;
  /* The load under way (the feed's slot). */
  GCancellable     *cancellable;
  guint             n_shown;
};

G_DEFINE_FINAL_TYPE (KabarCalendarView, kabar_calendar_view, ADW_TYPE_BIN)

/* Local midnight of today. */
static GDateTime *
today_start (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                g_date_time_get_day_of_month (now), 0, 0, 0);
}

/* An all-day event keeps Graph's dates (00:00 UTC): it is on the local
 * day of the same date, whatever the time zone. */
static gboolean
event_on_day (const KabarEvent *event,
              GDateTime        *day)
{
  if (event->all_day)
    {
      g_autoptr(GDateTime) date = g_date_time_new_utc (g_date_time_get_year (day), g_date_time_get_month (day),
                                                       g_date_time_get_day_of_month (day), 0, 0, 0);
      gint64 at = g_date_time_to_unix (date);

      return event->start <= at && at < event->end;
    }
  else
    {
      g_autoptr(GDateTime) next = g_date_time_add_days (day, 1);
      gint64 from = g_date_time_to_unix (day);
      gint64 to = g_date_time_to_unix (next);

      /* An event of no length is still on its day. */
      return event->start < to && (event->end > from || event->start >= from);
    }
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  return g_date_time_format (time, "%R");
}

static char *
describe_time (const KabarEvent *event,
               GDateTime        *day)
{
  g_autoptr(GDateTime) next = g_date_time_add_days (day, 1);
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;

  if (event->all_day)
    return g_strdup (_("All day"));
  /* Outside the day, its edge: an event from yesterday evening begins at
   * 00:00 here. */
  start = event->start < g_date_time_to_unix (day) ? g_strdup ("00:00") : format_time (event->start);
  end = event->end >= g_date_time_to_unix (next) ? g_strdup ("24:00") : format_time (event->end);
  if (event->end <= event->start)
    return g_steal_pointer (&start);
  /* Translators: an event's start and end times, such as 09:00 – 10:30. */
  return g_strdup_printf (_("%s – %s"), start, end);
}

static GtkWidget *
event_row_new (const KabarEvent *event,
               GDateTime        *day)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *time = describe_time (event, day);
  GtkWidget *time_label = gtk_label_new (time);
  g_autoptr(GString) below = g_string_new (NULL);
  const char *subject = event->subject != NULL && *event->subject != '\0' ? event->subject : _("(No subject)");

  gtk_label_set_xalign (GTK_LABEL (time_label), 0);
  gtk_label_set_width_chars (GTK_LABEL (time_label), 13);
  gtk_widget_add_css_class (time_label, "numeric");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), time_label);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), subject);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (event->cancelled)
    g_string_append (below, _("Cancelled"));
  if (event->location != NULL && *event->location != '\0')
    {
      if (below->len > 0)
        g_string_append (below, " · ");
      g_string_append (below, event->location);
    }
  if (below->len > 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), below->str);
  if (event->cancelled)
    gtk_widget_add_css_class (row, "dim-label");
  return row;
}

static char *
day_title (GDateTime *day,
           guint      index)
{
  /* Translators: a day as g_date_time_format() writes it: "Monday, 23 November". */
  g_autofree char *date = g_date_time_format (day, _("%A, %-e %B"));

  g_strstrip (date);
  if (index == 0)
    /* Translators: %s is today's date, such as "Monday, 23 November". */
    return g_strdup_printf (_("Today, %s"), date);
  if (index == 1)
    /* Translators: %s is tomorrow's date. */
    return g_strdup_printf (_("Tomorrow, %s"), date);
  return g_steal_pointer (&date);
}

static GtkWidget *
heading_new (const char *text,
             gboolean    quiet)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_add_css_class (label, quiet ? "dim-label" : "heading");
  return label;
}

/* Days first..last (indexes) had nothing: one line says so. */
static void
add_quiet_days (KabarCalendarView *self,
                GDateTime         *start,
                guint              first,
                guint              last)
{
  g_autoptr(GDateTime) from = g_date_time_add_days (start, first);
  g_autoptr(GDateTime) to = g_date_time_add_days (start, last);
  g_autofree char *from_title = day_title (from, first);
  g_autofree char *text = NULL;

  if (first == last)
    /* Translators: %s is a day, such as "Tomorrow, 24 November". */
    text = g_strdup_printf (_("%s: no events"), from_title);
  else
    {
      g_autofree char *to_title = day_title (to, last);

      /* Translators: a run of days without events; each %s is a day. */
      text = g_strdup_printf (_("%s to %s: no events"), from_title, to_title);
    }
  gtk_box_append (self->agenda_box, heading_new (text, TRUE));
}

static void
clear (KabarCalendarView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->agenda_box))) != NULL)
    gtk_box_remove (self->agenda_box, child);
  self->n_shown = 0;
}

static void
show_agenda (KabarCalendarView *self,
             GPtrArray         *events)
{
  g_autoptr(GDateTime) start = today_start ();
  int quiet_from = -1;

  clear (self);
  for (guint i = 0; i < KABAR_CALENDAR_VIEW_DAYS; i++)
    {
      g_autoptr(GDateTime) day = g_date_time_add_days (start, i);
      g_autofree char *title = NULL;
      GtkWidget *list = NULL;

      for (guint j = 0; j < events->len; j++)
        {
          const KabarEvent *event = g_ptr_array_index (events, j);

          if (!event_on_day (event, day))
            continue;
          if (list == NULL)
            {
              if (quiet_from >= 0)
                add_quiet_days (self, start, quiet_from, i - 1);
              quiet_from = -1;
              title = day_title (day, i);
              gtk_box_append (self->agenda_box, heading_new (title, FALSE));
              list = gtk_list_box_new ();
              gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
              gtk_widget_add_css_class (list, "boxed-list");
              gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
              gtk_box_append (self->agenda_box, list);
            }
          gtk_list_box_append (GTK_LIST_BOX (list), event_row_new (event, day));
          self->n_shown++;
        }
      if (list == NULL && quiet_from < 0)
        quiet_from = i;
    }
  if (quiet_from >= 0 && self->n_shown > 0)
    add_quiet_days (self, start, quiet_from, KABAR_CALENDAR_VIEW_DAYS - 1);
  gtk_stack_set_visible_child_name (self->stack, self->n_shown > 0 ? "agenda" : "none");
}

static void
on_events_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KabarCalendarView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = kabar_mail_service_list_events_finish (KABAR_MAIL_SERVICE (source), result,
                                                                       &error);

  if (kabar_organizer_feed_finish (&self->feed, &self->cancellable, "the calendar", error, &events))
    show_agenda (self, events);
}

static void
load (KabarCalendarView *self)
{
  g_autoptr(GDateTime) start = today_start ();
  g_autoptr(GDateTime) end = g_date_time_add_days (start, KABAR_CALENDAR_VIEW_DAYS);
  GCancellable *cancellable = kabar_organizer_feed_start (&self->feed, &self->cancellable);

  if (cancellable == NULL)
    return;
  /* A day wider on each side: all-day events are UTC dates. */
  kabar_mail_service_list_events_async (self->feed.service, g_date_time_to_unix (start) - 86400,
                                        g_date_time_to_unix (end) + 86400, cancellable,
                                        on_events_listed, g_object_ref (self));
}

GtkWidget *
kabar_calendar_view_new (void)
{
  return g_object_new (KABAR_TYPE_CALENDAR_VIEW, NULL);
}

void
kabar_calendar_view_set_service (KabarCalendarView *self,
                                 KabarMailService  *service)
{
  g_return_if_fail (KABAR_IS_CALENDAR_VIEW (self));
  g_return_if_fail (service == NULL || KABAR_IS_MAIL_SERVICE (service));

  /* Shown again, it is read again: today may be another day. */
  kabar_organizer_feed_set_service (&self->feed, service);
  clear (self);
  load (self);
}

guint
kabar_calendar_view_get_n_shown (KabarCalendarView *self)
{
  g_return_val_if_fail (KABAR_IS_CALENDAR_VIEW (self), 0);
  return self->n_shown;
}

gboolean
kabar_calendar_view_is_loading (KabarCalendarView *self)
{
  g_return_val_if_fail (KABAR_IS_CALENDAR_VIEW (self), FALSE);
  return self->cancellable != NULL || self->feed.waiting;
}

void
kabar_calendar_view_focus (KabarCalendarView *self)
{
  g_return_if_fail (KABAR_IS_CALENDAR_VIEW (self));
  gtk_widget_child_focus (GTK_WIDGET (self->stack), GTK_DIR_TAB_FORWARD);
}

static void
kabar_calendar_view_dispose (GObject *object)
{
  KabarCalendarView *self = KABAR_CALENDAR_VIEW (object);

  kabar_organizer_feed_cancel (&self->cancellable);
  kabar_organizer_feed_clear (&self->feed);
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_CALENDAR_VIEW);
  G_OBJECT_CLASS (kabar_calendar_view_parent_class)->dispose (object);
}

static void
kabar_calendar_view_class_init (KabarCalendarViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_calendar_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-calendar-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarCalendarView, stack);
  gtk_widget_class_bind_template_child (widget_class, KabarCalendarView, agenda_box);
}

static void
kabar_calendar_view_init (KabarCalendarView *self)
{
  kabar_organizer_feed_init (&self->feed, self, KABAR_ORGANIZER_CALENDAR, (KabarOrganizerReload) load);
  gtk_widget_init_template (GTK_WIDGET (self));
}
