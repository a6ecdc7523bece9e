/* kabar-display-calendar.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An invitation's events (text/calendar, RFC 5545) as a short summary:
 * what, when, where, from whom. Read by hand, simply: only the few
 * properties shown are looked at, and nothing in the text is trusted.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kabar-display-private.h"

/* Invitations hold a handful of events; a text with thousands is an
 * attack on the view. */
#define MAX_EVENTS 20

typedef struct
{
  char *summary;
  char *location;
  char *organizer;
  char *start;
  char *end;
} Event;

static void
event_clear (Event *event)
{
  g_clear_pointer (&event->summary, g_free);
  g_clear_pointer (&event->location, g_free);
  g_clear_pointer (&event->organizer, g_free);
  g_clear_pointer (&event->start, g_free);
  g_clear_pointer (&event->end, g_free);
}

/* Content lines: folded lines (a line break then a space or tab)
 * joined, line ends of any kind. */
static GPtrArray *
unfold (const char *ical)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) raw = g_strsplit (ical, "\n", -1);
  GString *current = NULL;

  for (guint i = 0; raw[i] != NULL; i++)
    {
      gsize length = strlen (raw[i]);

      if (length > 0 && raw[i][length - 1] == '\r')
        raw[i][--length] = '\0';
      if ((raw[i][0] == ' ' || raw[i][0] == '\t') && current != NULL)
        {
          g_string_append (current, raw[i] + 1);
          continue;
        }
      if (current != NULL)
        g_ptr_array_add (lines, g_string_free (current, FALSE));
      current = g_string_new (raw[i]);
    }
  if (current != NULL)
    g_ptr_array_add (lines, g_string_free (current, FALSE));
  return lines;
}

/* "\n", "\,", "\;" and "\\" undone (RFC 5545 3.3.11). */
static char *
unescape_text (const char *value)
{
  GString *out = g_string_new (NULL);

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          g_string_append_c (out, (*p == 'n' || *p == 'N') ? '\n' : *p);
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The line's name (upper case), parameters and value; FALSE when it has
 * no ':' outside quoted parameter values. */
static gboolean
split_line (const char  *line,
            char       **name,
            char       **params,
            const char **value)
{
  gboolean quoted = FALSE;
  const char *colon = NULL;
  const char *semicolon;

  for (const char *p = line; *p != '\0' && colon == NULL; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (*p == ':' && !quoted)
        colon = p;
    }
  if (colon == NULL)
    return FALSE;
  semicolon = memchr (line, ';', (gsize) (colon - line));
  *name = g_ascii_strup (line, (semicolon != NULL ? semicolon : colon) - line);
  *params = semicolon != NULL ? g_strndup (semicolon + 1, (gsize) (colon - semicolon - 1)) : g_strdup ("");
  *value = colon + 1;
  return TRUE;
}

/* The parameter's value (quotes removed), or NULL. */
static char *
get_param (const char *params,
           const char *wanted)
{
  g_auto(GStrv) pairs = g_strsplit (params, ";", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *equals = strchr (pairs[i], '=');
      gsize length;

      if (equals == NULL || g_ascii_strncasecmp (pairs[i], wanted, (gsize) (equals - pairs[i])) != 0
          || strlen (wanted) != (gsize) (equals - pairs[i]))
        continue;
      equals++;
      length = strlen (equals);
      if (length >= 2 && equals[0] == '"' && equals[length - 1] == '"')
        return g_strndup (equals + 1, length - 2);
      return g_strdup (equals);
    }
  return NULL;
}

static gboolean
read_digits (const char *text,
             guint       count,
             int        *number)
{
  *number = 0;
  for (guint i = 0; i < count; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      *number = *number * 10 + (text[i] - '0');
    }
  return TRUE;
}

/* A DATE or DATE-TIME as the reader should see it: UTC and zoned times
 * in the reader's zone, floating times and dates as written. */
static char *
format_time (const char *value,
             const char *params)
{
  int year, month, day, hour = 0, minute = 0, second = 0;
  g_autofree char *written = NULL;
  g_autofree char *tzid = get_param (params, "TZID");
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) local = NULL;
  gsize length = strlen (value);

  if (length < 8 || !read_digits (value, 4, &year) || !read_digits (value + 4, 2, &month)
      || !read_digits (value + 6, 2, &day))
    return g_strdup (value);
  if (length == 8)
    {
      written = g_strdup_printf ("%04d-%02d-%02d", year, month, day);
      /* Translators: %s is a date, 2026-11-22, of an event that lasts all day. */
      return g_strdup_printf (_("%s (all day)"), written);
    }
  if (length < 15 || value[8] != 'T' || !read_digits (value + 9, 2, &hour)
      || !read_digits (value + 11, 2, &minute) || !read_digits (value + 13, 2, &second))
    return g_strdup (value);
  if (value[15] == 'Z')
    zone = g_time_zone_new_utc ();
  else if (tzid != NULL)
    zone = g_time_zone_new_identifier (tzid);
  if (zone == NULL)
    {
      written = g_strdup_printf ("%04d-%02d-%02d %02d:%02d", year, month, day, hour, minute);
      if (tzid == NULL)
        {
          /* Translators: %s is a date and time, 2026-11-22 09:30, that the
           * event's calendar gives in no time zone: it holds wherever the
           * reader is. */
          return g_strdup_printf (_("%s (local time)"), written);
        }
      /* Translators: the first %s is a date and time, 2026-11-22 09:30, the
       * second the name of a time zone Kabar does not know, as the sender's
       * calendar wrote it. */
      return g_strdup_printf (_("%s (local time of %s)"), written, tzid);
    }
  time = g_date_time_new (zone, year, month, day, hour, minute, second);
  if (time == NULL)
    return g_strdup (value);
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M %Z");
}

/* ORGANIZER;CN=Name:mailto:address as "Name <address>". */
static char *
format_organizer (const char *value,
                  const char *params)
{
  g_autofree char *name = get_param (params, "CN");
  const char *address = g_ascii_strncasecmp (value, "mailto:", 7) == 0 ? value + 7 : value;

  if (name != NULL && *name != '\0')
    return g_strdup_printf ("%s <%s>", name, address);
  return g_strdup (address);
}

static void
read_property (Event      *event,
               const char *name,
               const char *params,
               const char *value)
{
  char **slot = NULL;
  char *text;

  if (g_str_equal (name, "SUMMARY"))
    text = unescape_text (value), slot = &event->summary;
  else if (g_str_equal (name, "LOCATION"))
    text = unescape_text (value), slot = &event->location;
  else if (g_str_equal (name, "ORGANIZER"))
    text = format_organizer (value, params), slot = &event->organizer;
  else if (g_str_equal (name, "DTSTART"))
    text = format_time (value, params), slot = &event->start;
  else if (g_str_equal (name, "DTEND"))
    text = format_time (value, params), slot = &event->end;
  else
    return;
  g_free (*slot);
  *slot = text;
}

static void
append_row (GString    *html,
            const char *label,
            const char *value)
{
  g_auto(GStrv) lines = NULL;

  if (value == NULL || *value == '\0')
    return;
  lines = g_strsplit (value, "\n", -1);
  g_string_append (html, "<dt>");
  kabar_display_append_escaped (html, label, -1);
  g_string_append (html, "</dt><dd>");
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (html, "<br>");
      kabar_display_append_escaped (html, lines[i], -1);
    }
  g_string_append (html, "</dd>");
}

static void
append_paragraph (GString    *html,
                  const char *text)
{
  g_string_append (html, "<p>");
  kabar_display_append_escaped (html, text, -1);
  g_string_append (html, "</p>");
}

static void
append_event (GString     *html,
              const Event *event,
              const char  *method)
{
  g_string_append (html, "<div class=\"kabar-event\">");
  if (method != NULL && g_ascii_strcasecmp (method, "CANCEL") == 0)
    append_paragraph (html, _("This event was cancelled."));
  else if (method != NULL && g_ascii_strcasecmp (method, "REQUEST") == 0)
    append_paragraph (html, _("An invitation to an event."));
  g_string_append (html, "<dl>");
  /* Translators: the labels of a calendar event's summary in a message:
   * its title, when it starts and ends, its place, who invites. */
  append_row (html, C_("calendar event", "Event"),
              /* Translators: in place of a calendar event's title, when
               * it has none. */
              event->summary != NULL ? event->summary : _("(no title)"));
  append_row (html, C_("calendar event", "Starts"), event->start);
  append_row (html, C_("calendar event", "Ends"), event->end);
  /* Translators: the place of a calendar event. */
  append_row (html, C_("calendar event", "Where"), event->location);
  /* Translators: who sends the invitation to a calendar event. */
  append_row (html, C_("calendar event", "Organizer"), event->organizer);
  g_string_append (html, "</dl></div>");
}

void
kabar_display_calendar_to_html (GString    *html,
                                const char *ical)
{
  g_autoptr(GPtrArray) lines = unfold (ical);
  g_autofree char *method = NULL;
  Event event = { NULL, };
  gboolean in_event = FALSE;
  guint n_events = 0;

  for (guint i = 0; i < lines->len && n_events < MAX_EVENTS; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *params = NULL;
      const char *value = NULL;

      if (!split_line (g_ptr_array_index (lines, i), &name, &params, &value))
        continue;
      if (g_str_equal (name, "BEGIN") && g_ascii_strcasecmp (value, "VEVENT") == 0)
        {
          event_clear (&event);
          in_event = TRUE;
        }
      else if (g_str_equal (name, "END") && g_ascii_strcasecmp (value, "VEVENT") == 0 && in_event)
        {
          append_event (html, &event, method);
          event_clear (&event);
          in_event = FALSE;
          n_events++;
        }
      else if (g_str_equal (name, "METHOD") && !in_event)
        {
          g_free (method);
          method = g_strdup (value);
        }
      else if (in_event)
        read_property (&event, name, params, value);
    }
  event_clear (&event);
  if (n_events == 0)
    {
      g_string_append (html, "<div class=\"kabar-event\">");
      append_paragraph (html, _("A calendar with no event."));
      g_string_append (html, "</div>");
    }
}
