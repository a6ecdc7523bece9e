/* kabar-attachment-reminder.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "I attach the report" and no report attached: the words that say a
 * file goes with the message, in the languages Kabar ships.
 */

#include "config.h"

#include <string.h>

#include "kabar-attachment-reminder.h"

#define SIGNATURE_SEPARATOR "-- "

/* Whole words only: "attachable" and "lampu" (a lamp) say nothing of a
 * file. */
static const char * const words[] = {
  /* English */
  "attach", "attached", "attaching", "attachment", "attachments", "enclosed",
  /* Indonesian; -nya ("its") is how the word is most often written. */
  "lampir", "lampiran", "lampirannya", "terlampir", "melampirkan", "dilampirkan", "lampirkan",
  "kulampirkan",
  /* Hindi */
  "संलग्न", "संलग्नक", "अटैच", "अटैचमेंट", "नत्थी",
  NULL,
};

/* text in the form words are compared in: case folded, decomposed, the
 * accents on Latin letters dropped ("Attachés" and "attaches" alike).
 * Marks on other scripts stay: a Devanagari vowel sign or virama is part
 * of the word, and dropping it would make other words of it. */
static char *
comparable (const char *text,
            gssize      length)
{
  g_autofree char *folded = g_utf8_casefold (text, length);
  g_autofree char *decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFD);
  GString *out = g_string_sized_new (strlen (decomposed) + 1);
  GUnicodeScript base_script = G_UNICODE_SCRIPT_COMMON;

  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_ismark (c))
        base_script = g_unichar_get_script (c);
      else if (base_script == G_UNICODE_SCRIPT_LATIN)
        continue;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static GHashTable *
word_set (void)
{
  static gsize set;

  /* Built once and kept for the life of the process. */
  if (g_once_init_enter (&set))
    {
      GHashTable *built = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint i = 0; words[i] != NULL; i++)
        g_hash_table_add (built, comparable (words[i], -1));
      g_once_init_leave (&set, (gsize) built);
    }
  return (GHashTable *) set;
}

/* Letters, digits and the marks that belong to them make words; spaces
 * and punctuation part them. */
static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

static gboolean
line_mentions (const char *line,
               GHashTable *set)
{
  g_autofree char *text = comparable (line, -1);
  const char *p = text;

  while (*p != '\0')
    {
      const char *start;

      while (*p != '\0' && !is_word_char (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && is_word_char (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p > start)
        {
          g_autofree char *word = g_strndup (start, (gsize) (p - start));

          if (g_hash_table_contains (set, word))
            return TRUE;
        }
    }
  return FALSE;
}

/* "---------- Forwarded message ----------" in any language, Outlook's
 * "-----Original Message-----", Apple Mail's "Begin forwarded message:":
 * what follows is someone else's text. */
static gboolean
is_forward_marker (const char *line)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (line));
  gsize length = strlen (trimmed);

  if (g_str_equal (trimmed, "Begin forwarded message:"))
    return TRUE;
  return length > 10 && g_str_has_prefix (trimmed, "-----") && g_str_has_suffix (trimmed, "-----")
         && strspn (trimmed, "-") < length;
}

static gboolean
is_quoted (const char *line)
{
  while (*line == ' ' || *line == '\t')
    line++;
  return *line == '>';
}

gboolean
kabar_attachment_reminder_mentions_attachment (const char *text)
{
  g_autofree char *valid = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *set = word_set ();
  gboolean in_signature = FALSE;

  if (text == NULL)
    return FALSE;
  valid = g_utf8_make_valid (text, -1);
  lines = g_strsplit (valid, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize length = strlen (line);

      if (length > 0 && line[length - 1] == '\r')
        line[--length] = '\0';
      if (is_forward_marker (line))
        break;
      /* The signature is the same on every message; a reply's own text
       * may follow the quote, below it. */
      if (g_str_equal (line, SIGNATURE_SEPARATOR))
        in_signature = TRUE;
      else if (is_quoted (line))
        in_signature = FALSE;
      else if (!in_signature && line_mentions (line, set))
        return TRUE;
    }
  return FALSE;
}
