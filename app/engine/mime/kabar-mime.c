/* kabar-mime.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-mime.h"

#include <string.h>

GMimeParserOptions *
kabar_mime_get_parser_options (void)
{
  static GMimeParserOptions *options;

  if (g_once_init_enter (&options))
    {
      const char *fallback_charsets[] = { "UTF-8", "windows-1252", NULL };
      GMimeParserOptions *created;

      g_mime_init ();
      created = g_mime_parser_options_new ();
      /* GMime's defaults, said here: the sync and the search rely on them. */
      g_mime_parser_options_set_address_compliance_mode (created, GMIME_RFC_COMPLIANCE_LOOSE);
      g_mime_parser_options_set_parameter_compliance_mode (created, GMIME_RFC_COMPLIANCE_LOOSE);
      g_mime_parser_options_set_rfc2047_compliance_mode (created, GMIME_RFC_COMPLIANCE_LOOSE);
      g_mime_parser_options_set_fallback_charsets (created, fallback_charsets);
      g_once_init_leave (&options, created);
    }
  return options;
}

/* --- encoded words ----------------------------------------------------------------------- */

/* RFC 2231's "charset*language" names the charset only. */
static char *
dup_charset (const char *start,
             gsize       length)
{
  const char *star = memchr (start, '*', length);

  return g_strndup (start, star != NULL ? (gsize) (star - start) : length);
}

static gboolean
decode_base64 (const char *text,
               gsize       length,
               GByteArray *into)
{
  gsize data = 0;
  gsize padding = 0;
  int state = 0;
  guint save = 0;
  gsize old_len = into->len;

  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '=')
        padding++;
      else if (padding > 0 || !(g_ascii_isalnum (text[i]) || text[i] == '+' || text[i] == '/'))
        return FALSE;
      else
        data++;
    }
  if (data % 4 == 1 || padding > 2)
    return FALSE;
  g_byte_array_set_size (into, old_len + (length / 4 + 1) * 3);
  old_len += g_base64_decode_step (text, length, into->data + old_len, &state, &save);
  g_byte_array_set_size (into, old_len);
  return TRUE;
}

static gboolean
decode_quoted (const char *text,
               gsize       length,
               GByteArray *into)
{
  for (gsize i = 0; i < length; i++)
    {
      guint8 byte = (guint8) text[i];

      if (text[i] == '_')
        byte = ' ';
      else if (text[i] == '=')
        {
          if (i + 2 >= length || !g_ascii_isxdigit (text[i + 1]) || !g_ascii_isxdigit (text[i + 2]))
            return FALSE;
          byte = (guint8) (g_ascii_xdigit_value (text[i + 1]) << 4 | g_ascii_xdigit_value (text[i + 2]));
          i += 2;
        }
      g_byte_array_append (into, &byte, 1);
    }
  return TRUE;
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The encoded word at p ("=?charset?B?text?="): its end, its charset and
 * its bytes appended to into; FALSE, and into as it was, when p holds
 * none or a malformed one. */
static gboolean
read_word (const char  *p,
           const char **end,
           char       **charset,
           GByteArray  *into)
{
  const char *charset_end;
  const char *text;
  const char *text_end;
  guint old_len = into->len;
  gboolean decoded;

  if (p[0] != '=' || p[1] != '?')
    return FALSE;
  for (charset_end = p + 2; *charset_end != '?'; charset_end++)
    if (*charset_end == '\0' || is_blank (*charset_end))
      return FALSE;
  if (charset_end == p + 2 || charset_end[1] == '\0' || charset_end[2] != '?'
      || strchr ("BbQq", charset_end[1]) == NULL)
    return FALSE;
  text = charset_end + 3;
  for (text_end = text; *text_end != '?'; text_end++)
    if (*text_end == '\0' || is_blank (*text_end))
      return FALSE;
  if (text_end[1] != '=')
    return FALSE;
  decoded = g_ascii_tolower (charset_end[1]) == 'b'
            ? decode_base64 (text, text_end - text, into)
            : decode_quoted (text, text_end - text, into);
  if (!decoded)
    {
      g_byte_array_set_size (into, old_len);
      return FALSE;
    }
  *charset = dup_charset (p + 2, charset_end - (p + 2));
  *end = text_end + 2;
  return TRUE;
}

/* Bytes in a charset, appended as UTF-8. What the charset does not
 * explain is taken as the parser options take 8-bit header text. */
static void
append_converted (GString            *out,
                  GMimeParserOptions *options,
                  const char         *charset,
                  const char         *bytes,
                  gsize               length)
{
  const char *name = charset != NULL ? g_mime_charset_iconv_name (charset) : NULL;
  g_autofree char *converted = NULL;
  gsize written = 0;

  if (length == 0)
    return;
  if (name != NULL && g_ascii_strcasecmp (name, "UTF-8") != 0)
    converted = g_convert (bytes, length, "UTF-8", name, NULL, &written, NULL);
  if (converted == NULL && !g_utf8_validate_len (bytes, length, NULL))
    {
      g_autofree char *copy = g_strndup (bytes, length);

      /* Raw 8-bit text outside encoded words holds no words to join, and
       * GMime reads it word by word in the fallback charsets. */
      converted = charset == NULL ? g_mime_utils_header_decode_text (options, copy)
                                  : g_mime_utils_decode_8bit (options, bytes, length);
      written = strlen (converted);
    }
  if (converted == NULL)
    {
      converted = g_utf8_make_valid (bytes, length);
      written = strlen (converted);
    }
  g_string_append_len (out, converted, written);
}

/* Each encoded word decoded on its own; the bytes of adjacent words of
 * one charset are joined before conversion, as a character split across
 * two words still reads whole. */
static void
append_decoded (GString            *out,
                GMimeParserOptions *options,
                const char         *text,
                gsize               length)
{
  g_autoptr(GByteArray) pending = g_byte_array_new ();
  g_autofree char *pending_charset = NULL;
  g_autofree char *copy = g_strndup (text, length);
  const char *plain = copy;
  const char *p = copy;

  while (*p != '\0')
    {
      const char *end = NULL;
      char *charset = NULL;
      gsize gap = p - plain;
      guint old_len = pending->len;
      gboolean adjacent = pending_charset != NULL && strspn (plain, " \t\r\n") >= gap;

      if (!read_word (p, &end, &charset, pending))
        {
          p++;
          continue;
        }
      if (!adjacent || g_ascii_strcasecmp (charset, pending_charset) != 0)
        {
          append_converted (out, options, pending_charset, (const char *) pending->data, old_len);
          g_byte_array_remove_range (pending, 0, old_len);
          if (!adjacent)
            append_converted (out, options, NULL, plain, gap);
          g_free (pending_charset);
          pending_charset = charset;
        }
      else
        g_free (charset);
      p = plain = end;
    }
  append_converted (out, options, pending_charset, (const char *) pending->data, pending->len);
  append_converted (out, options, NULL, plain, p - plain);
}

static char *
decode_header_text (GMimeParserOptions *options,
                    const char         *raw)
{
  g_autofree char *unfolded = NULL;
  GString *out;

  if (raw == NULL)
    return NULL;
  unfolded = g_mime_utils_header_unfold (raw);
  out = g_string_new (NULL);
  append_decoded (out, options, unfolded, strlen (unfolded));
  return g_strstrip (g_string_free (out, FALSE));
}

char *
kabar_mime_decode_header_text (const char *raw)
{
  return decode_header_text (kabar_mime_get_parser_options (), raw);
}

/* Each run of two or more adjacent encoded words made one UTF-8 word,
 * which GMime's address parser decodes whole; all else as it stands. */
static char *
join_adjacent_words (GMimeParserOptions *options,
                     const char         *text)
{
  g_autoptr(GByteArray) scratch = g_byte_array_new ();
  GString *out = g_string_new (NULL);
  const char *copied = text;
  const char *run = NULL;
  const char *run_end = NULL;
  guint words = 0;

  for (const char *p = text;; p++)
    {
      const char *end = NULL;
      g_autofree char *charset = NULL;
      gboolean word;

      if (run != NULL && is_blank (*p))
        continue;
      word = *p != '\0' && read_word (p, &end, &charset, scratch);
      g_byte_array_set_size (scratch, 0);
      if (word && run != NULL)
        {
          words++;
          run_end = end;
          p = end - 1;
          continue;
        }
      if (run != NULL && words >= 2)
        {
          GString *decoded = g_string_new (NULL);
          g_autofree char *base64 = NULL;

          append_decoded (decoded, options, run, run_end - run);
          base64 = g_base64_encode ((const guchar *) decoded->str, decoded->len);
          g_string_append_len (out, copied, run - copied);
          g_string_append_printf (out, "=?UTF-8?B?%s?=", base64);
          copied = run_end;
          g_string_free (decoded, TRUE);
        }
      run = NULL;
      if (*p == '\0')
        break;
      if (word)
        {
          run = p;
          run_end = end;
          words = 1;
          p = end - 1;
        }
    }
  g_string_append (out, copied);
  return g_string_free (out, FALSE);
}

InternetAddressList *
kabar_mime_parse_addresses (const char         *raw,
                            GMimeParserOptions *options)
{
  g_autofree char *unfolded = NULL;
  g_autofree char *joined = NULL;
  InternetAddressList *list;

  if (options == NULL)
    options = kabar_mime_get_parser_options ();
  if (raw == NULL)
    return internet_address_list_new ();
  unfolded = g_mime_utils_header_unfold (raw);
  joined = join_adjacent_words (options, unfolded);
  list = internet_address_list_parse (options, joined);
  return list != NULL ? list : internet_address_list_new ();
}

char *
kabar_mime_dup_subject (GMimeMessage       *message,
                        GMimeParserOptions *options)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
  GMimeHeader *header = g_mime_header_list_get_header (headers, "Subject");

  if (header == NULL)
    return NULL;
  return decode_header_text (options != NULL ? options : kabar_mime_get_parser_options (),
                             g_mime_header_get_raw_value (header));
}

InternetAddressList *
kabar_mime_dup_addresses (GMimeMessage       *message,
                          GMimeAddressType    type,
                          GMimeParserOptions *options)
{
  static const char *const names[] = {
    [GMIME_ADDRESS_TYPE_SENDER] = "Sender",
    [GMIME_ADDRESS_TYPE_FROM] = "From",
    [GMIME_ADDRESS_TYPE_REPLY_TO] = "Reply-To",
    [GMIME_ADDRESS_TYPE_TO] = "To",
    [GMIME_ADDRESS_TYPE_CC] = "Cc",
    [GMIME_ADDRESS_TYPE_BCC] = "Bcc",
  };
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
  InternetAddressList *list = internet_address_list_new ();
  int count = g_mime_header_list_get_count (headers);

  g_return_val_if_fail (type >= 0 && (gsize) type < G_N_ELEMENTS (names), list);
  for (int i = 0; i < count; i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);

      if (g_ascii_strcasecmp (g_mime_header_get_name (header), names[type]) == 0)
        {
          InternetAddressList *parsed = kabar_mime_parse_addresses (g_mime_header_get_raw_value (header), options);

          internet_address_list_append (list, parsed);
          g_object_unref (parsed);
        }
    }
  return list;
}
