/* kabar-message-row.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-message-row.h"

struct _KabarMessageRow
{
  GtkWidget         parent_instance;

  KabarMessageItem *item;
  gboolean          twelve_hour;
  /* FALSE while the row waits, out of sight, to show its item. */
  gboolean          shown;
  /* What the row's accessible label says, kept for tests: GTK 4.8 has no
   * way to read it back. */
  char             *accessible_label;

  GtkWidget        *unread_mark;
  GtkWidget        *text_box;
  GtkLabel         *sender;
  GtkLabel         *date;
  GtkLabel         *subject;
  GtkLabel         *snippet;
  GtkLabel         *thread_count;
  GtkWidget        *replied;
  GtkWidget        *attachment;
  GtkWidget        *flag;
};

G_DEFINE_FINAL_TYPE (KabarMessageRow, kabar_message_row, GTK_TYPE_WIDGET)

char *
kabar_message_row_format_date (gint64     unix_time,
                               GDateTime *now,
                               gboolean   twelve_hour)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) date = NULL;
  const char *format;

  if (utc == NULL)
    return g_strdup ("");
  /* In now's time zone, which the caller has at hand: GLib 2.74 reads the
   * local zone's file again for each g_date_time_new_from_unix_local(). */
  date = g_date_time_to_timezone (utc, g_date_time_get_timezone (now));
  if (date == NULL)
    return g_strdup ("");

  if (g_date_time_get_year (date) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (date) == g_date_time_get_day_of_year (now))
    format = twelve_hour
      /* Translators: the time of a message received today, for a 12-hour
       * clock, as g_date_time_format() takes it: "3:05 PM". */
      ? C_("message list", "%-l:%M %p")
      /* Translators: the time of a message received today, for a 24-hour
       * clock, as g_date_time_format() takes it: "15:05". */
      : C_("message list", "%H:%M");
  else if (g_date_time_get_year (date) == g_date_time_get_year (now))
    /* Translators: the date of a message received earlier this year, as
     * g_date_time_format() takes it: "Nov 21". */
    format = C_("message list", "%b %-e");
  else
    /* Translators: the date of a message received in another year, as
     * g_date_time_format() takes it: "Nov 21, 2025". */
    format = C_("message list", "%b %-e, %Y");

  return g_date_time_format (date, format);
}

/* Now in the local time zone. The zone is read again once a minute, not
 * for each row bound while scrolling (GLib 2.74 reads its file each time
 * when TZ is unset), and still follows a change of the system's zone. */
static GDateTime *
now_local (void)
{
  static GTimeZone *zone;
  static gint64 zone_read_at;
  gint64 time = g_get_monotonic_time ();

  if (zone == NULL || time - zone_read_at > 60 * G_USEC_PER_SEC)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      zone = g_time_zone_new_local ();
      zone_read_at = time;
    }
  return g_date_time_new_now (zone);
}

/* The preview on one line: line breaks and runs of spaces as one space. */
static char *
one_line (const char *text)
{
  GString *line = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        space = line->len > 0;
      else
        {
          if (space)
            g_string_append_c (line, ' ');
          g_string_append_c (line, *p);
          space = FALSE;
        }
    }
  return g_string_free (line, FALSE);
}

static void
add_part (GString    *label,
          const char *part)
{
  if (label->len > 0)
    /* Translators: between the parts of what a screen reader says of a
     * message in the list: "Unread, flagged, from Ayu, Meeting, 10:05". */
    g_string_append (label, C_("message row", ", "));
  g_string_append (label, part);
}

/* All the row shows, in words, for a screen reader: "Unread, flagged,
 * from Ayu Pratiwi, Rapat tim, 10:05, 3 messages". */
static char *
describe (const KabarMessageSummary *summary,
          const char                *sender,
          const char                *subject,
          const char                *date,
          guint                      thread_count)
{
  GString *label = g_string_new (NULL);
  g_autofree char *from = NULL;

  if ((summary->flags & KABAR_MESSAGE_FLAG_SEEN) == 0)
    add_part (label, C_("message row", "Unread"));
  if (summary->flags & KABAR_MESSAGE_FLAG_FLAGGED)
    add_part (label, C_("message row", "flagged"));
  if (summary->flags & KABAR_MESSAGE_FLAG_ANSWERED)
    add_part (label, C_("message row", "replied"));
  if (summary->has_attachments)
    add_part (label, C_("message row", "with attachments"));
  /* Translators: the sender of a message in the list, for a screen
   * reader: "from Ayu Pratiwi". */
  from = g_strdup_printf (C_("message row", "from %s"), sender);
  add_part (label, from);
  add_part (label, subject);
  add_part (label, date);
  if (thread_count > 1)
    {
      g_autofree char *count = g_strdup_printf (ngettext ("%u message", "%u messages", thread_count),
                                                thread_count);

      add_part (label, count);
    }
  /* The first part starts the sentence. */
  if (label->len > 0 && !g_unichar_isupper (g_utf8_get_char (label->str)))
    {
      gunichar first = g_unichar_toupper (g_utf8_get_char (label->str));
      char buffer[6];
      gint length = g_unichar_to_utf8 (first, buffer);
      const char *rest = g_utf8_next_char (label->str);

      g_string_erase (label, 0, rest - label->str);
      g_string_prepend_len (label, buffer, length);
    }
  return g_string_free (label, FALSE);
}

static char *
describe_thread_count (guint thread_count)
{
  return g_strdup_printf (ngettext ("%u message", "%u messages", thread_count), thread_count);
}

static void
show_thread_count (KabarMessageRow *self,
                   guint            thread_count)
{
  g_autofree char *text = NULL;
  g_autofree char *words = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->thread_count), thread_count > 1);
  if (thread_count <= 1)
    return;
  text = g_strdup_printf ("%u", thread_count);
  words = describe_thread_count (thread_count);
  gtk_label_set_text (self->thread_count, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->thread_count),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, words, -1);
}

/* The marks' tooltips are made when asked for: gtk_widget_set_tooltip_text()
 * asks the display where the pointer is (a round trip to the X server),
 * and the list sets up and binds rows by the hundred while scrolling. */
static gboolean
on_mark_query_tooltip (GtkWidget       *mark,
                       int              x,
                       int              y,
                       gboolean         keyboard,
                       GtkTooltip      *tooltip,
                       KabarMessageRow *self)
{
  g_autofree char *count = NULL;

  if (mark == self->replied)
    gtk_tooltip_set_text (tooltip, _("Replied"));
  else if (mark == self->attachment)
    gtk_tooltip_set_text (tooltip, _("Has attachments"));
  else if (mark == self->flag)
    gtk_tooltip_set_text (tooltip, _("Flagged"));
  else if (self->item != NULL && kabar_message_item_get_thread_count (self->item) > 1)
    {
      count = describe_thread_count (kabar_message_item_get_thread_count (self->item));
      gtk_tooltip_set_text (tooltip, count);
    }
  else
    return FALSE;
  return TRUE;
}

static void
update (KabarMessageRow *self)
{
  const KabarMessageSummary *summary = self->item != NULL && self->shown
                                      ? kabar_message_item_get_summary (self->item) : NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *date = NULL;
  g_autofree char *snippet = NULL;
  g_autofree char *label = NULL;
  const char *sender;
  const char *subject;
  gboolean unread;
  guint thread_count;

  if (summary == NULL)
    {
      /* Not read yet, or out of sight: an empty row, as tall as the
       * others. */
      gtk_label_set_text (self->sender, "");
      gtk_label_set_text (self->date, "");
      gtk_label_set_text (self->subject, "");
      gtk_label_set_text (self->snippet, "");
      gtk_widget_set_visible (GTK_WIDGET (self->thread_count), FALSE);
      gtk_widget_set_visible (self->replied, FALSE);
      gtk_widget_set_visible (self->attachment, FALSE);
      gtk_widget_set_visible (self->flag, FALSE);
      gtk_widget_set_opacity (self->unread_mark, 0);
      gtk_widget_remove_css_class (GTK_WIDGET (self), "unread");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Loading"), -1);
      g_clear_pointer (&self->accessible_label, g_free);
      return;
    }

  if (summary->from_name != NULL && *summary->from_name != '\0')
    sender = summary->from_name;
  else if (summary->from_address != NULL && *summary->from_address != '\0')
    sender = summary->from_address;
  else
    sender = _("Unknown sender");
  subject = summary->subject != NULL && *summary->subject != '\0' ? summary->subject
                                                                  : _("(No subject)");
  now = now_local ();
  date = kabar_message_row_format_date (summary->date != 0 ? summary->date : summary->internal_date,
                                        now, self->twelve_hour);
  unread = (summary->flags & KABAR_MESSAGE_FLAG_SEEN) == 0;
  thread_count = kabar_message_item_get_thread_count (self->item);
  snippet = summary->preview != NULL ? one_line (summary->preview) : NULL;

  gtk_label_set_text (self->sender, sender);
  gtk_label_set_text (self->date, date);
  gtk_label_set_text (self->subject, subject);
  /* Shown even empty (a body not downloaded yet): rows alike in height
   * let the list find its place by arithmetic, and do not jump when the
   * snippet comes. */
  gtk_label_set_text (self->snippet, snippet != NULL ? snippet : "");
  show_thread_count (self, thread_count);
  gtk_widget_set_visible (self->replied, (summary->flags & KABAR_MESSAGE_FLAG_ANSWERED) != 0);
  gtk_widget_set_visible (self->attachment, summary->has_attachments);
  gtk_widget_set_visible (self->flag, (summary->flags & KABAR_MESSAGE_FLAG_FLAGGED) != 0);
  /* The mark keeps its room when read, so the text does not move. */
  gtk_widget_set_opacity (self->unread_mark, unread ? 1 : 0);
  if (unread)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->unread_mark), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    C_("message row", "Unread"), -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->unread_mark), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  if (unread)
    gtk_widget_add_css_class (GTK_WIDGET (self), "unread");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "unread");

  label = describe (summary, sender, subject, date, thread_count);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_free (self->accessible_label);
  self->accessible_label = g_steal_pointer (&label);
}

const char *
kabar_message_row_get_accessible_label (KabarMessageRow *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_ROW (self), NULL);
  return self->accessible_label;
}

static void
on_summary_changed (KabarMessageItem *item,
                    GParamSpec       *pspec,
                    KabarMessageRow  *self)
{
  /* A page read arrives for rows in view and far from it alike. */
  if (self->shown)
    update (self);
}

GtkWidget *
kabar_message_row_new (void)
{
  return g_object_new (KABAR_TYPE_MESSAGE_ROW, NULL);
}

void
kabar_message_row_set_item (KabarMessageRow  *self,
                            KabarMessageItem *item,
                            gboolean          twelve_hour)
{
  kabar_message_row_set_item_full (self, item, twelve_hour, TRUE);
}

void
kabar_message_row_set_item_full (KabarMessageRow  *self,
                                 KabarMessageItem *item,
                                 gboolean          twelve_hour,
                                 gboolean          shown)
{
  g_return_if_fail (KABAR_IS_MESSAGE_ROW (self));
  g_return_if_fail (item == NULL || KABAR_IS_MESSAGE_ITEM (item));

  /* What the row shows of an item stays until it has another. */
  if (self->item == item && self->shown)
    shown = TRUE;
  /* It follows the item's changes already: GTK 4.8 binds a row again to
   * the same item whenever rows above it come or go. */
  if (self->item == item && self->twelve_hour == twelve_hour && self->shown == shown && item != NULL)
    return;
  self->twelve_hour = twelve_hour;
  self->shown = shown;
  if (self->item != item)
    {
      if (self->item != NULL)
        g_signal_handlers_disconnect_by_func (self->item, on_summary_changed, self);
      g_set_object (&self->item, item);
      if (item != NULL)
        g_signal_connect (item, "notify::summary", G_CALLBACK (on_summary_changed), self);
    }
  update (self);
}

gboolean
kabar_message_row_get_shown (KabarMessageRow *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_ROW (self), FALSE);
  return self->shown;
}

KabarMessageItem *
kabar_message_row_get_item (KabarMessageRow *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_ROW (self), NULL);
  return self->item;
}

/* Coming into view, it shows what it waited to show. */
static void
kabar_message_row_map (GtkWidget *widget)
{
  KabarMessageRow *self = KABAR_MESSAGE_ROW (widget);

  if (!self->shown)
    {
      self->shown = TRUE;
      update (self);
    }
  GTK_WIDGET_CLASS (kabar_message_row_parent_class)->map (widget);
}

static void
kabar_message_row_dispose (GObject *object)
{
  KabarMessageRow *self = KABAR_MESSAGE_ROW (object);

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, on_summary_changed, self);
  g_clear_object (&self->item);
  g_clear_pointer (&self->accessible_label, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_MESSAGE_ROW);
  G_OBJECT_CLASS (kabar_message_row_parent_class)->dispose (object);
}

static void
kabar_message_row_class_init (KabarMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_message_row_dispose;
  widget_class->map = kabar_message_row_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarMessageRow, unread_mark);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageRow, text_box);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageRow, sender);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageRow, date);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageRow, subject);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageRow, snippet);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageRow, thread_count);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageRow, replied);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageRow, attachment);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageRow, flag);
  gtk_widget_class_bind_template_callback (widget_class, on_mark_query_tooltip);
  gtk_widget_class_set_css_name (widget_class, "messagerow");
}

static void
kabar_message_row_init (KabarMessageRow *self)
{
  self->shown = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
}
