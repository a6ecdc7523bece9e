/* kabar-display-charset.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Text in whatever charset it came in, as UTF-8: the declared charset
 * when it is right, else guesses, helped by the user's language.
 */

#include "config.h"

#include <string.h>

#include "kabar-display-private.h"

/* Undeclared 8-bit text is, in practice, what the sender's own system
 * wrote: the legacy charsets of the user's language are the best guesses,
 * since the user's correspondents mostly write in it. */
static const char * const japanese[] = { "Shift_JIS", "EUC-JP", "windows-1252", NULL };
static const char * const chinese[] = { "GB18030", "windows-1252", NULL };
static const char * const chinese_traditional[] = { "Big5", "GB18030", "windows-1252", NULL };
static const char * const korean[] = { "EUC-KR", "windows-1252", NULL };
static const char * const russian[] = { "KOI8-R", "windows-1251", "windows-1252", NULL };
static const char * const ukrainian[] = { "KOI8-U", "windows-1251", "windows-1252", NULL };
static const char * const western[] = { "windows-1252", NULL };

const char * const *
kabar_display_fallback_charsets (const char *language)
{
  if (language == NULL)
    return western;
  if (g_str_has_prefix (language, "ja"))
    return japanese;
  if (g_str_has_prefix (language, "zh_TW") || g_str_has_prefix (language, "zh_HK"))
    return chinese_traditional;
  if (g_str_has_prefix (language, "zh"))
    return chinese;
  if (g_str_has_prefix (language, "ko"))
    return korean;
  if (g_str_has_prefix (language, "ru") || g_str_has_prefix (language, "be"))
    return russian;
  if (g_str_has_prefix (language, "uk"))
    return ukrainian;
  return western;
}

/* Valid UTF-8 but for NULs, which end strings early: they become
 * U+FFFD. */
static char *
replace_nuls (const char *text,
              gsize       length)
{
  GString *out;

  if (memchr (text, '\0', length) == NULL)
    return g_strndup (text, length);
  out = g_string_sized_new (length + 16);
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '\0')
        g_string_append (out, "\xEF\xBF\xBD");
      else
        g_string_append_c (out, text[i]);
    }
  return g_string_free (out, FALSE);
}

/* NULL when data is not text in charset (or iconv knows no such
 * charset). */
static char *
convert (const char *data,
         gsize       length,
         const char *charset)
{
  gsize bytes_written = 0;
  g_autofree char *converted = g_convert (data, (gssize) length, "UTF-8", charset, NULL,
                                          &bytes_written, NULL);

  if (converted == NULL || !g_utf8_validate_len (converted, bytes_written, NULL))
    return NULL;
  return replace_nuls (converted, bytes_written);
}

static gboolean
is_utf8 (const char *charset)
{
  return g_ascii_strcasecmp (charset, "UTF-8") == 0 || g_ascii_strcasecmp (charset, "UTF8") == 0;
}

/* ISO-2022-JP is 7-bit, so it is valid UTF-8 too: only its escape
 * sequences tell it, and ASCII text never has them. */
static gboolean
looks_like_iso_2022_jp (const char *data,
                        gsize       length)
{
  for (gsize i = 0; i + 2 < length; i++)
    if (data[i] == '\x1b' && (data[i + 1] == '$' || data[i + 1] == '(')
        && strchr ("B@J", data[i + 2]) != NULL)
      return TRUE;
  return FALSE;
}

static char *
from_declared (const char *data,
               gsize       length,
               const char *charset)
{
  const char *iconv_name;

  if (charset == NULL || *charset == '\0')
    return NULL;
  iconv_name = g_mime_charset_iconv_name (charset);
  if (iconv_name == NULL || is_utf8 (iconv_name))
    return NULL;
  /* Mail says ISO-8859-1 or US-ASCII and writes windows-1252's quotes
   * and dashes; the superset reads both right. */
  if (g_ascii_strcasecmp (iconv_name, "iso-8859-1") == 0 || g_ascii_strcasecmp (iconv_name, "us-ascii") == 0
      || g_ascii_strcasecmp (iconv_name, "ascii") == 0)
    iconv_name = "windows-1252";
  return convert (data, length, iconv_name);
}

char *
kabar_display_to_utf8 (const char         *data,
                       gsize               length,
                       const char         *charset,
                       const char * const *fallbacks)
{
  char *converted;

  if (length == 0)
    return g_strdup ("");
  if ((converted = from_declared (data, length, charset)) != NULL)
    return converted;
  if (looks_like_iso_2022_jp (data, length) && (converted = convert (data, length, "ISO-2022-JP")) != NULL)
    return converted;
  if (g_utf8_validate_len (data, length, NULL))
    return replace_nuls (data, length);
  for (guint i = 0; fallbacks != NULL && fallbacks[i] != NULL; i++)
    if ((converted = convert (data, length, fallbacks[i])) != NULL)
      return converted;
  if ((converted = convert (data, length, "windows-1252")) != NULL)
    return converted;
  converted = convert (data, length, "ISO-8859-1");
  return converted != NULL ? converted : g_utf8_make_valid (data, (gssize) length);
}
