/* kabar-display-text.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain text as HTML for the view: the text itself escaped, with what a
 * mail reader adds on top of it: links, quote levels, the signature, and
 * uuencoded files taken out of the text.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kabar-display-private.h"
#include "kabar-outgoing-flowed.h"

/* A quote longer than this is folded: replies that quote a whole thread
 * would otherwise bury the few new lines. */
#define FOLD_LINES 10
/* Quotes deeper than this are text: each level is a nested element, and
 * a line of thousands of ">" would nest the document that deep. */
#define MAX_QUOTE_LEVEL 16

typedef struct
{
  const char *text;   /* the line without its quote marks */
  guint       level;  /* how many ">" */
} Line;

void
kabar_display_uu_file_free (KabarDisplayUuFile *file)
{
  g_free (file->file_name);
  g_bytes_unref (file->data);
  g_free (file);
}

void
kabar_display_append_escaped (GString    *html,
                              const char *text,
                              gssize      length)
{
  gsize size = length < 0 ? strlen (text) : (gsize) length;
  g_autofree char *valid = NULL;
  const char *end;

  /* Header values from GMime can hold bytes that are no UTF-8; the view
   * gets UTF-8 only. */
  if (!g_utf8_validate_len (text, size, NULL))
    {
      valid = g_utf8_make_valid (text, (gssize) size);
      text = valid;
      size = strlen (valid);
    }
  end = text + size;

  for (const char *p = text; p < end; p++)
    {
      switch (*p)
        {
        case '&': g_string_append (html, "&amp;"); break;
        case '<': g_string_append (html, "&lt;"); break;
        case '>': g_string_append (html, "&gt;"); break;
        case '"': g_string_append (html, "&quot;"); break;
        default: g_string_append_c (html, *p); break;
        }
    }
}

/* --- uuencode ------------------------------------------------------------------------ */

static guint
uu_value (char c)
{
  return ((guint) (guchar) c - 32) & 63;
}

/* One line of a uuencoded block into data; FALSE on the block's last
 * (empty) line. */
static gboolean
uu_decode_line (const char *line,
                GByteArray *data)
{
  gsize length = strlen (line);
  guint count;
  const char *p = line + 1;

  if (length == 0 || (count = uu_value (line[0])) == 0)
    return FALSE;
  while (count > 0 && p < line + length)
    {
      guint8 group[3];
      guint values[4] = { 0, 0, 0, 0 };

      for (guint i = 0; i < 4; i++)
        values[i] = p + i < line + length ? uu_value (p[i]) : 0;
      group[0] = (guint8) (values[0] << 2 | values[1] >> 4);
      group[1] = (guint8) (values[1] << 4 | values[2] >> 2);
      group[2] = (guint8) (values[2] << 6 | values[3]);
      g_byte_array_append (data, group, MIN (count, 3u));
      count -= MIN (count, 3u);
      p += 4;
    }
  return TRUE;
}

/* "begin 644 name": the name, or NULL when line starts no block. */
static char *
uu_begin_name (const char *line)
{
  const char *p;
  guint digits = 0;

  if (!g_str_has_prefix (line, "begin "))
    return NULL;
  for (p = line + 6; *p >= '0' && *p <= '7'; p++)
    digits++;
  if (digits < 3 || digits > 4 || *p != ' ' || p[1] == '\0')
    return NULL;
  return g_strdup (p + 1);
}

/* Takes a uuencoded block starting at lines[*index] out into uu_files;
 * *index is left on the block's "end" line. FALSE when it is no block.
 * *no_end_after is where a search for "end" already failed: later
 * "begin" lines need not search again, so that many of them cost no
 * more than one. */
static gboolean
take_uu_block (GStrv      lines,
               guint     *index,
               guint     *no_end_after,
               GPtrArray *uu_files)
{
  g_autofree char *name = NULL;
  g_autoptr(GByteArray) data = NULL;
  KabarDisplayUuFile *file;
  guint i;

  if (*index >= *no_end_after || (name = uu_begin_name (lines[*index])) == NULL)
    return FALSE;
  /* Only a block that ends is one: "begin 644 ..." can be prose. */
  for (i = *index + 1; lines[i] != NULL && !g_str_equal (lines[i], "end"); i++)
    ;
  if (lines[i] == NULL)
    {
      *no_end_after = *index;
      return FALSE;
    }
  data = g_byte_array_new ();
  for (guint j = *index + 1; j < i; j++)
    if (!uu_decode_line (lines[j], data))
      break;
  file = g_new0 (KabarDisplayUuFile, 1);
  file->file_name = g_strstrip (g_steal_pointer (&name));
  file->data = g_byte_array_free_to_bytes (g_steal_pointer (&data));
  g_ptr_array_add (uu_files, file);
  *index = i;
  return TRUE;
}

/* --- links ----------------------------------------------------------------------------- */

static gsize
link_prefix (const char *p)
{
  static const char * const prefixes[] = { "https://", "http://", "mailto:", "www.", NULL };

  for (guint i = 0; prefixes[i] != NULL; i++)
    if (g_ascii_strncasecmp (p, prefixes[i], strlen (prefixes[i])) == 0)
      return strlen (prefixes[i]);
  return 0;
}

/* Where the link that starts at p ends: at white space or what cannot be
 * in a URL, without trailing punctuation (a sentence's full stop) or a
 * closing parenthesis that has no opening one in the link. */
static const char *
link_end (const char *p)
{
  const char *end = p;
  int balance = 0;

  while (*end != '\0' && !g_ascii_isspace (*end) && strchr ("<>\"", *end) == NULL)
    end++;
  for (const char *q = p; q < end; q++)
    balance += *q == '(' ? 1 : *q == ')' ? -1 : 0;
  while (end > p)
    {
      char last = end[-1];

      if (strchr (".,;:!?'*", last) != NULL)
        end--;
      else if (last == ')' && balance < 0)
        {
          end--;
          balance++;
        }
      else
        break;
    }
  return end;
}

static void
append_link (GString    *html,
             const char *start,
             const char *end)
{
  g_string_append (html, "<a href=\"");
  if (g_ascii_strncasecmp (start, "www.", 4) == 0)
    g_string_append (html, "http://");
  kabar_display_append_escaped (html, start, end - start);
  g_string_append (html, "\">");
  kabar_display_append_escaped (html, start, end - start);
  g_string_append (html, "</a>");
}

static void
append_linkified (GString    *html,
                  const char *text)
{
  const char *plain = text;
  const char *p = text;

  while (*p != '\0')
    {
      gsize prefix = (p == text || !g_ascii_isalnum (p[-1])) ? link_prefix (p) : 0;
      const char *end = prefix > 0 ? link_end (p) : NULL;

      if (end == NULL || (gsize) (end - p) <= prefix)
        {
          p++;
          continue;
        }
      kabar_display_append_escaped (html, plain, p - plain);
      append_link (html, p, end);
      plain = p = end;
    }
  kabar_display_append_escaped (html, plain, -1);
}

/* --- quotes ---------------------------------------------------------------------------- */

/* "> > text" is level 2, text "text": the marks, the spaces between
 * them and one space after the last. */
static Line
read_quote (const char *line)
{
  Line read = { line, 0 };
  const char *p = line;

  while (TRUE)
    {
      const char *q = p;

      while (*q == ' ')
        q++;
      if (*q != '>' || (q - p > 1 && read.level == 0) || read.level == MAX_QUOTE_LEVEL)
        break;
      read.level++;
      p = q + 1;
    }
  if (read.level > 0 && *p == ' ')
    p++;
  if (read.level > 0)
    read.text = p;
  return read;
}

static void emit_lines (GString *html, const Line *lines, guint start, guint end, guint level);

static void
emit_quote (GString    *html,
            const Line *lines,
            guint       start,
            guint       end,
            guint       level)
{
  gboolean fold = level == 1 && end - start > FOLD_LINES;

  if (fold)
    {
      g_string_append_printf (html, "<details class=\"kabar-quote-fold\"><summary data-kabar-lines=\"%u\">",
                              end - start);
      /* Translators: the button that unfolds a long quote in a message. */
      g_string_append_printf (html, g_dngettext (GETTEXT_PACKAGE, "%u quoted line", "%u quoted lines", end - start),
                              end - start);
      g_string_append (html, "</summary>");
    }
  g_string_append_printf (html, "<blockquote class=\"kabar-quote\" data-kabar-level=\"%u\">", level);
  emit_lines (html, lines, start, end, level);
  g_string_append (html, "</blockquote>");
  if (fold)
    g_string_append (html, "</details>");
}

/* Lines start to end at level as text, deeper runs as quotes in them. */
static void
emit_lines (GString    *html,
            const Line *lines,
            guint       start,
            guint       end,
            guint       level)
{
  guint i = start;

  while (i < end)
    {
      if (lines[i].level > level)
        {
          guint run_end = i;

          while (run_end < end && lines[run_end].level > level)
            run_end++;
          emit_quote (html, lines, i, run_end, level + 1);
          i = run_end;
          continue;
        }
      append_linkified (html, lines[i].text);
      /* A block (a quote) ends the line itself; but an empty line before
       * one, or at the end, needs a line break of its own to be seen. */
      if ((i + 1 < end && lines[i + 1].level <= level)
          || (lines[i].text[0] == '\0' && (i + 1 == end || lines[i + 1].level > level)))
        g_string_append_c (html, '\n');
      i++;
    }
}

/* Where the signature starts: the first unquoted "-- " line; it runs to
 * the next quoted line (a top-posted reply's quote is not signature). */
static void
find_signature (const Line *lines,
                guint       n_lines,
                guint      *start,
                guint      *end)
{
  *start = *end = n_lines;
  for (guint i = 0; i < n_lines; i++)
    if (lines[i].level == 0 && g_str_equal (lines[i].text, "-- "))
      {
        *start = i;
        break;
      }
  for (*end = *start; *end < n_lines && lines[*end].level == 0; (*end)++)
    ;
}

static void
emit_text (GString    *html,
           const Line *lines,
           guint       n_lines)
{
  guint signature_start;
  guint signature_end;

  find_signature (lines, n_lines, &signature_start, &signature_end);
  emit_lines (html, lines, 0, signature_start, 0);
  if (signature_start == n_lines)
    return;
  if (signature_start > 0 && lines[signature_start - 1].level == 0)
    g_string_append_c (html, '\n');
  g_string_append (html, "<div class=\"kabar-signature\">");
  emit_lines (html, lines, signature_start, signature_end, 0);
  g_string_append (html, "</div>");
  emit_lines (html, lines, signature_end, n_lines, 0);
}

/* CRLF and lone CR as LF. */
static char *
normalise_line_ends (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r')
        {
          g_string_append_c (out, '\n');
          if (p[1] == '\n')
            p++;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

void
kabar_display_text_to_html (GString    *html,
                            const char *text,
                            gboolean    flowed,
                            gboolean    delsp,
                            GPtrArray  *uu_files)
{
  g_autofree char *normal = normalise_line_ends (text);
  g_autofree char *unflowed = flowed ? kabar_flowed_decode (normal, delsp) : NULL;
  const char *body = unflowed != NULL ? unflowed : normal;
  g_auto(GStrv) raw_lines = g_strsplit (body, "\n", -1);
  guint n_raw = g_strv_length (raw_lines);
  g_autofree Line *lines = g_new0 (Line, n_raw + 1);
  guint n_lines = 0;
  guint no_end_after = G_MAXUINT;

  /* The text's last line end is no empty line. */
  if (n_raw > 0 && raw_lines[n_raw - 1][0] == '\0')
    n_raw--;
  for (guint i = 0; i < n_raw; i++)
    {
      if (take_uu_block (raw_lines, &i, &no_end_after, uu_files))
        continue;
      lines[n_lines++] = read_quote (raw_lines[i]);
    }
  emit_text (html, lines, n_lines);
}
