/* kabar-outgoing-flowed.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * format=flowed (RFC 3676) both ways: what the composer writes, wrapped
 * for the wire, and a saved draft's text, unwrapped for the composer.
 */

#include "config.h"

#include <string.h>

#include "kabar-outgoing-flowed.h"

#define SIGNATURE_SEPARATOR "-- "

/* The text's lines without their ends; *ends_with_newline says whether
 * the last one had one. */
static GStrv
split_lines (const char *text,
             gboolean   *ends_with_newline)
{
  gsize length = strlen (text);
  GStrv lines;

  *ends_with_newline = length > 0 && text[length - 1] == '\n';
  lines = g_strsplit (text, "\n", -1);
  if (*ends_with_newline)
    {
      guint n = g_strv_length (lines);

      g_free (lines[n - 1]);
      lines[n - 1] = NULL;
    }
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize line_length = strlen (lines[i]);

      if (line_length > 0 && lines[i][line_length - 1] == '\r')
        lines[i][line_length - 1] = '\0';
    }
  return lines;
}

/* A reader takes a line starting with a space for stuffing, and
 * mailboxes in mbox format mangle "From ". A line starting with ">" is a
 * quote (the composer's "> " prefix), handled by its depth instead. */
static gboolean
needs_stuffing (const char *line,
                gsize       length)
{
  return (length > 0 && line[0] == ' ')
         || (length >= 5 && strncmp (line, "From ", 5) == 0);
}

/* prefix is the quote marks and the space after them (RFC 3676 4.5),
 * empty for unquoted text: every piece of a wrapped quote carries it, so
 * a reader that does not know flowed text still sees a quote. */
static void
append_line (GString    *out,
             const char *prefix,
             const char *line,
             gsize       length)
{
  g_string_append (out, prefix);
  if (*prefix == '\0' && needs_stuffing (line, length))
    g_string_append_c (out, ' ');
  g_string_append_len (out, line, (gssize) length);
  g_string_append_c (out, '\n');
}

/* A break before p is allowed after a space, where the next line does not
 * start with one, and where the piece would not read as a signature
 * separator. */
static gboolean
can_break_at (const char *start,
              const char *p)
{
  return p > start && p[-1] == ' ' && *p != ' ' && *p != '\0'
         && !((gsize) (p - start) == strlen (SIGNATURE_SEPARATOR)
              && strncmp (start, SIGNATURE_SEPARATOR, strlen (SIGNATURE_SEPARATOR)) == 0);
}

/* Where to cut a line that starts at start: the last allowed break within
 * width, else the first one after it (a long word stays whole), else
 * NULL. */
static const char *
find_break (const char *start,
            glong       width)
{
  const char *found = NULL;
  glong chars = 0;

  for (const char *p = start; *p != '\0'; p = g_utf8_next_char (p), chars++)
    {
      if (!can_break_at (start, p))
        continue;
      if (chars <= width)
        found = p;
      else
        return found != NULL ? found : p;
    }
  return g_utf8_strlen (start, -1) > width ? found : NULL;
}

/* A quoted line keeps at least this much room for its text, however deep
 * the quote. */
#define MIN_QUOTED_WIDTH 20

static void
wrap_line (GString    *out,
           const char *line)
{
  guint depth = (guint) strspn (line, ">");
  g_autofree char *prefix = NULL;
  const char *start = line + depth;
  const char *cut;
  glong width;

  if (depth > 0 && *start == ' ')
    start++;
  prefix = depth > 0 ? g_strnfill (depth, '>') : g_strdup ("");
  if (depth > 0)
    {
      char *spaced = g_strconcat (prefix, " ", NULL);

      g_free (prefix);
      prefix = spaced;
    }
  width = MAX (KABAR_FLOWED_WIDTH - (glong) strlen (prefix), MIN_QUOTED_WIDTH);

  while ((cut = find_break (start, width)) != NULL)
    {
      append_line (out, prefix, start, (gsize) (cut - start));
      start = cut;
    }
  append_line (out, prefix, start, strlen (start));
}

char *
kabar_flowed_encode (const char *text)
{
  gboolean ends_with_newline;
  g_auto(GStrv) lines = split_lines (text, &ends_with_newline);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strcmp (lines[i], SIGNATURE_SEPARATOR) == 0)
        {
          g_string_append (out, SIGNATURE_SEPARATOR "\n");
          continue;
        }
      g_strchomp (lines[i]);
      wrap_line (out, lines[i]);
    }
  /* A last line without a newline is still one: the body ends in a line
   * break either way, and decoding gives the text back without it. */
  if (!ends_with_newline && out->len > 0)
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/* --- decoding ----------------------------------------------------------------------------- */

typedef struct
{
  GString *out;
  GString *paragraph;   /* the logical line being joined, or NULL */
  guint    depth;       /* its quote depth */
} Unflow;

static void
end_paragraph (Unflow *unflow)
{
  if (unflow->paragraph == NULL)
    return;
  g_string_append_len (unflow->out, unflow->paragraph->str, (gssize) unflow->paragraph->len);
  g_string_append_c (unflow->out, '\n');
  g_string_free (unflow->paragraph, TRUE);
  unflow->paragraph = NULL;
}

static void
add_line (Unflow     *unflow,
          const char *line,
          gboolean    delsp)
{
  guint depth = (guint) strspn (line, ">");
  const char *content = line + depth;
  gsize length;
  gboolean soft;

  if (*content == ' ')
    content++;
  length = strlen (content);
  soft = length > 0 && content[length - 1] == ' ' && strcmp (content, SIGNATURE_SEPARATOR) != 0;
  if (unflow->paragraph != NULL && depth != unflow->depth)
    end_paragraph (unflow);
  if (unflow->paragraph == NULL)
    {
      unflow->paragraph = g_string_new (NULL);
      unflow->depth = depth;
      for (guint i = 0; i < depth; i++)
        g_string_append_c (unflow->paragraph, '>');
      if (depth > 0)
        g_string_append_c (unflow->paragraph, ' ');
    }
  g_string_append_len (unflow->paragraph, content, (gssize) (soft && delsp ? length - 1 : length));
  if (!soft)
    end_paragraph (unflow);
}

char *
kabar_flowed_decode (const char *flowed,
                     gboolean    delsp)
{
  gboolean ends_with_newline;
  g_auto(GStrv) lines = split_lines (flowed, &ends_with_newline);
  Unflow unflow = { g_string_new (NULL), NULL, 0 };

  for (guint i = 0; lines[i] != NULL; i++)
    add_line (&unflow, lines[i], delsp);
  end_paragraph (&unflow);
  if (!ends_with_newline && unflow.out->len > 0)
    g_string_truncate (unflow.out, unflow.out->len - 1);
  return g_string_free (unflow.out, FALSE);
}
