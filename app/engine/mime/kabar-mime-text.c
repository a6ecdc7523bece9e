/* kabar-mime-text.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A message's plain text for the search index: the MIME tree walked, text
 * parts decoded to UTF-8, HTML stripped to its words.
 */

#include "config.h"

#include <string.h>

#include "kabar-mime.h"
#include "kabar-mime-text.h"

/* Deeper trees are made to hurt, not to be read: stop there. */
#define MAX_DEPTH        32
/* Bytes of one character at most, in any charset mail uses (UTF-32). */
#define MAX_CHAR_BYTES   4
/* HTML is mostly markup: read this many times more of it than the text
 * still wanted. */
#define HTML_READ_FACTOR 8
#define READ_BLOCK       4096

typedef struct
{
  GString *text;
  gsize    max_length;
} Extract;

static gsize
room_left (Extract *extract)
{
  return extract->text->len < extract->max_length ? extract->max_length - extract->text->len : 0;
}

/* The longest prefix of length bytes or fewer of text (valid UTF-8) that
 * ends on a character boundary. */
static gsize
utf8_boundary (const char *text,
               gsize       length)
{
  while (length > 0 && ((guchar) text[length] & 0xC0) == 0x80)
    length--;
  return length;
}

/* Appends text (valid UTF-8) as far as it fits, on a line of its own. */
static void
append_text (Extract    *extract,
             const char *text,
             gsize       length)
{
  gsize room;

  while (length > 0 && g_ascii_isspace (*text))
    {
      text++;
      length--;
    }
  if (length == 0)
    return;
  if (extract->text->len > 0)
    {
      /* The line break and at least one byte of text, or nothing. */
      if (room_left (extract) < 2)
        return;
      g_string_append_c (extract->text, '\n');
    }
  room = room_left (extract);
  if (length > room)
    length = utf8_boundary (text, room);
  g_string_append_len (extract->text, text, (gssize) length);
}

/* --- charsets ------------------------------------------------------------------ */

static gboolean
is_utf8_name (const char *iconv_name)
{
  return g_ascii_strcasecmp (iconv_name, "UTF-8") == 0 || g_ascii_strcasecmp (iconv_name, "UTF8") == 0;
}

/* NUL bytes would end the text early in SQLite: they become spaces. */
static char *
replace_nuls (char  *text,
              gsize  length)
{
  for (gsize i = 0; i < length; i++)
    if (text[i] == '\0')
      text[i] = ' ';
  return text;
}

/* NULL when data is not text in charset. An incomplete character at the
 * end (the read was cut there) is dropped, not an error. */
static char *
convert (const guint8 *data,
         gsize         length,
         const char   *charset)
{
  gsize bytes_read = 0;
  gsize bytes_written = 0;
  char *converted = g_convert ((const char *) data, (gssize) length, "UTF-8", charset,
                               &bytes_read, &bytes_written, NULL);

  return converted != NULL ? replace_nuls (converted, bytes_written) : NULL;
}

/* Valid UTF-8, but for an incomplete character at the end when truncated:
 * *valid_length is then where the whole characters end. */
static gboolean
is_utf8 (const guint8 *data,
         gsize         length,
         gboolean      truncated,
         gsize        *valid_length)
{
  const char *end = NULL;

  if (g_utf8_validate_len ((const char *) data, length, &end))
    {
      *valid_length = length;
      return TRUE;
    }
  *valid_length = (gsize) ((const guint8 *) end - data);
  return truncated && length - *valid_length < MAX_CHAR_BYTES
         && (data[*valid_length] & 0xC0) == 0xC0;
}

/* The declared charset when the text fits it, else UTF-8 when it is, else
 * windows-1252, else ISO-8859-1, which takes any byte: every sequence of
 * bytes gives some text. */
static char *
to_utf8 (const guint8 *data,
         gsize         length,
         const char   *charset,
         gboolean      truncated)
{
  const char *iconv_name = charset != NULL ? g_mime_charset_iconv_name (charset) : NULL;
  gsize valid_length = 0;
  char *converted = NULL;

  if (length == 0)
    return g_strdup ("");
  if (iconv_name != NULL && !is_utf8_name (iconv_name))
    converted = convert (data, length, iconv_name);
  if (converted == NULL && is_utf8 (data, length, truncated, &valid_length))
    {
      /* Valid UTF-8 may still hold NULs (g_utf8_validate stops at one). */
      converted = replace_nuls (g_strndup ((const char *) data, valid_length), valid_length);
    }
  if (converted == NULL)
    converted = convert (data, length, "WINDOWS-1252");
  if (converted == NULL)
    converted = convert (data, length, "ISO-8859-1");
  return converted != NULL ? converted : g_strdup ("");
}

/* --- reading a part ----------------------------------------------------------------- */

static gboolean
needs_decoding (GMimeContentEncoding encoding)
{
  return encoding == GMIME_CONTENT_ENCODING_BASE64
         || encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
         || encoding == GMIME_CONTENT_ENCODING_UUENCODE;
}

/* The part's content with its transfer encoding undone, at most limit
 * bytes of it; *truncated says whether there was more. */
static GByteArray *
read_decoded (GMimePart *part,
              gsize      limit,
              gboolean  *truncated)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GByteArray *bytes = g_byte_array_new ();
  GMimeStream *source;
  GMimeStream *filtered;
  guint8 block[READ_BLOCK];

  *truncated = FALSE;
  if (content == NULL || (source = g_mime_data_wrapper_get_stream (content)) == NULL)
    return bytes;
  g_mime_stream_reset (source);
  filtered = g_mime_stream_filter_new (source);
  if (needs_decoding (g_mime_data_wrapper_get_encoding (content)))
    {
      GMimeFilter *decoder = g_mime_filter_basic_new (g_mime_data_wrapper_get_encoding (content), FALSE);

      g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), decoder);
      g_object_unref (decoder);
    }
  while (bytes->len < limit)
    {
      ssize_t n = g_mime_stream_read (filtered, (char *) block, MIN (sizeof block, limit - bytes->len));

      if (n <= 0)
        break;
      g_byte_array_append (bytes, block, (guint) n);
    }
  if (bytes->len >= limit)
    *truncated = !g_mime_stream_eos (filtered);
  g_object_unref (filtered);
  return bytes;
}

/* The part's text in UTF-8, reading at most limit bytes of its content. */
static char *
read_text (GMimePart *part,
           gsize      limit)
{
  GMimeContentType *type = g_mime_object_get_content_type (GMIME_OBJECT (part));
  const char *charset = type != NULL ? g_mime_content_type_get_parameter (type, "charset") : NULL;
  gboolean truncated = FALSE;
  g_autoptr(GByteArray) bytes = read_decoded (part, limit, &truncated);

  return to_utf8 (bytes->data, bytes->len, charset, truncated);
}

/* --- HTML ------------------------------------------------------------------------------- */

static const struct
{
  const char *name;
  const char *text;
} named_entities[] = {
  { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
  { "nbsp", " " }, { "shy", "" }, { "zwnj", "" }, { "zwj", "" },
  { "copy", "©" }, { "reg", "®" }, { "trade", "™" }, { "euro", "€" }, { "pound", "£" },
  { "yen", "¥" }, { "cent", "¢" }, { "deg", "°" }, { "sect", "§" }, { "para", "¶" },
  { "hellip", "…" }, { "ndash", "–" }, { "mdash", "—" }, { "bull", "•" }, { "middot", "·" },
  { "lsquo", "‘" }, { "rsquo", "’" }, { "ldquo", "“" }, { "rdquo", "”" },
  { "laquo", "«" }, { "raquo", "»" }, { "times", "×" }, { "divide", "÷" },
  { "eacute", "é" }, { "egrave", "è" }, { "aacute", "á" }, { "agrave", "à" },
  { "uuml", "ü" }, { "ouml", "ö" }, { "auml", "ä" }, { "szlig", "ß" }, { "ccedil", "ç" },
};

/* Tags that separate words; the others (b, span, a...) may sit inside one. */
static const char * const breaking_tags[] = {
  "br", "p", "div", "td", "th", "tr", "li", "ul", "ol", "dd", "dt", "table", "thead",
  "tbody", "tfoot", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "title",
  "section", "article", "header", "footer", "center", "img", "option", NULL,
};

static void
append_space (GString *out)
{
  if (out->len > 0 && out->str[out->len - 1] != ' ')
    g_string_append_c (out, ' ');
}

/* The entity at p ("&amp;", "&#233;", "&#xE9;") into out; returns what
 * follows it, or NULL when p is no entity (the '&' is then text). */
static const char *
decode_entity (const char *p,
               const char *end,
               GString    *out)
{
  const char *semicolon = memchr (p, ';', MIN ((gsize) (end - p), 12));
  g_autofree char *name = NULL;

  if (semicolon == NULL || semicolon - p < 2)
    return NULL;
  name = g_strndup (p + 1, (gsize) (semicolon - p - 1));
  if (name[0] == '#')
    {
      gboolean hex = name[1] == 'x' || name[1] == 'X';
      char *digits_end = NULL;
      guint64 code = g_ascii_strtoull (name + (hex ? 2 : 1), &digits_end, hex ? 16 : 10);

      if (digits_end == name + (hex ? 2 : 1) || *digits_end != '\0'
          || code == 0 || code > G_MAXUINT32 || !g_unichar_validate ((gunichar) code))
        return NULL;
      if (g_unichar_isspace ((gunichar) code))
        append_space (out);
      else
        g_string_append_unichar (out, (gunichar) code);
      return semicolon + 1;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (named_entities); i++)
    {
      if (strcmp (name, named_entities[i].name) != 0)
        continue;
      if (g_str_equal (named_entities[i].text, " "))
        append_space (out);
      else
        g_string_append (out, named_entities[i].text);
      return semicolon + 1;
    }
  return NULL;
}

static gboolean
has_prefix_ascii_case (const char *p,
                       const char *end,
                       const char *prefix)
{
  gsize length = strlen (prefix);

  return (gsize) (end - p) >= length && g_ascii_strncasecmp (p, prefix, length) == 0;
}

/* The first case-insensitive needle at or after p, or NULL. */
static const char *
find_ascii_case (const char *p,
                 const char *end,
                 const char *needle)
{
  for (; p < end; p++)
    if (has_prefix_ascii_case (p, end, needle))
      return p;
  return NULL;
}

/* The tag's name (after '<' and any '/'), lower case, into name. */
static void
read_tag_name (const char *p,
               const char *end,
               char       *name,
               gsize       size)
{
  gsize n = 0;

  if (p < end && *p == '/')
    p++;
  while (p < end && n + 1 < size && g_ascii_isalnum (*p))
    name[n++] = g_ascii_tolower (*p++);
  name[n] = '\0';
}

/* Past the tag that starts at p ('<'): quoted attribute values may hold
 * '>'. */
static const char *
skip_tag (const char *p,
          const char *end)
{
  char quote = '\0';

  for (p++; p < end; p++)
    {
      if (quote != '\0')
        quote = *p == quote ? '\0' : quote;
      else if (*p == '"' || *p == '\'')
        quote = *p;
      else if (*p == '>')
        return p + 1;
    }
  return end;
}

/* Whether p ('<') starts markup; "a < b" in sloppy HTML is text. */
static gboolean
is_markup (const char *p,
           const char *end)
{
  return p + 1 < end && (g_ascii_isalpha (p[1]) || p[1] == '/' || p[1] == '!' || p[1] == '?');
}

/* The tag, comment, script or style at p ('<'): what follows it. */
static const char *
strip_markup (const char *p,
              const char *end,
              GString    *out)
{
  char name[16];

  if (has_prefix_ascii_case (p, end, "<!--"))
    {
      const char *close = find_ascii_case (p + 4, end, "-->");

      return close != NULL ? close + 3 : end;
    }
  read_tag_name (p + 1, end, name, sizeof name);
  if (p[1] != '/' && (strcmp (name, "script") == 0 || strcmp (name, "style") == 0))
    {
      g_autofree char *closing = g_strconcat ("</", name, NULL);
      const char *close = find_ascii_case (skip_tag (p, end), end, closing);

      return close != NULL ? skip_tag (close, end) : end;
    }
  if (g_strv_contains (breaking_tags, name))
    append_space (out);
  return skip_tag (p, end);
}

/* Not a renderer: the words, in order, for the index. */
static char *
strip_html (const char *html,
            gsize       length,
            gsize       wanted)
{
  GString *out = g_string_sized_new (MIN (length, wanted) + 1);
  const char *end = html + length;
  const char *p = html;

  while (p < end && out->len < wanted)
    {
      const char *next = NULL;

      if (*p == '<' && is_markup (p, end))
        p = strip_markup (p, end, out);
      else if (*p == '&' && (next = decode_entity (p, end, out)) != NULL)
        p = next;
      else if (g_ascii_isspace (*p))
        {
          append_space (out);
          p++;
        }
      else
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

/* --- the tree ------------------------------------------------------------------------------ */

static void walk (Extract     *extract,
                  GMimeObject *object,
                  guint        depth);

static gboolean
is_attachment (GMimeObject *object)
{
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (object);

  return disposition != NULL && g_mime_content_disposition_is_attachment (disposition);
}

static gboolean
is_type (GMimeObject *object,
         const char  *type,
         const char  *subtype)
{
  GMimeContentType *content_type = g_mime_object_get_content_type (object);

  return content_type != NULL && g_mime_content_type_is_type (content_type, type, subtype);
}

static gboolean
is_body_text (GMimeObject *object,
              const char  *subtype)
{
  return GMIME_IS_PART (object) && !is_attachment (object) && is_type (object, "text", subtype);
}

static void
walk_part (Extract   *extract,
           GMimePart *part)
{
  GMimeObject *object = GMIME_OBJECT (part);

  if (is_body_text (object, "plain"))
    {
      g_autofree char *text = read_text (part, room_left (extract) * MAX_CHAR_BYTES + MAX_CHAR_BYTES);

      append_text (extract, text, strlen (text));
    }
  else if (is_body_text (object, "html"))
    {
      gsize wanted = room_left (extract);
      g_autofree char *html = read_text (part, wanted * HTML_READ_FACTOR + READ_BLOCK);
      g_autofree char *text = strip_html (html, strlen (html), wanted);

      append_text (extract, text, strlen (text));
    }
  else
    {
      const char *filename = g_mime_part_get_filename (part);

      if (filename != NULL && g_utf8_validate (filename, -1, NULL))
        append_text (extract, filename, strlen (filename));
    }
}

static void
append_addresses (GString             *line,
                  InternetAddressList *addresses)
{
  g_autofree char *text = NULL;

  if (addresses == NULL || internet_address_list_length (addresses) == 0)
    return;
  text = internet_address_list_to_string (addresses, NULL, FALSE);
  if (text != NULL)
    g_string_append_printf (line, "%s%s", line->len > 0 ? " " : "", text);
}

/* A forwarded message: its envelope is not in the index otherwise. */
static void
walk_message (Extract      *extract,
              GMimeMessage *message,
              guint         depth)
{
  static const GMimeAddressType types[] = { GMIME_ADDRESS_TYPE_FROM, GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC };
  g_autofree char *subject = kabar_mime_dup_subject (message, NULL);
  g_autoptr(GString) line = g_string_new (subject);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      InternetAddressList *list = kabar_mime_dup_addresses (message, types[i], NULL);

      append_addresses (line, list);
      g_object_unref (list);
    }
  if (g_utf8_validate (line->str, (gssize) line->len, NULL))
    append_text (extract, line->str, line->len);
  walk (extract, g_mime_message_get_mime_part (message), depth + 1);
}

/* The plain alternative; else the last one that is HTML or holds it (a
 * multipart/related), the richest: not a calendar or other data. */
static GMimeObject *
choose_alternative (GMimeMultipart *alternative)
{
  int n = g_mime_multipart_get_count (alternative);

  for (int i = 0; i < n; i++)
    {
      GMimeObject *child = g_mime_multipart_get_part (alternative, i);

      if (is_body_text (child, "plain"))
        return child;
    }
  for (int i = n - 1; i >= 0; i--)
    {
      GMimeObject *child = g_mime_multipart_get_part (alternative, i);

      if (is_body_text (child, "html") || GMIME_IS_MULTIPART (child))
        return child;
    }
  return NULL;
}

static void
walk_multipart (Extract        *extract,
                GMimeMultipart *multipart,
                guint           depth)
{
  GMimeObject *object = GMIME_OBJECT (multipart);
  int n = g_mime_multipart_get_count (multipart);

  if (GMIME_IS_MULTIPART_ENCRYPTED (multipart))
    return;
  if (n == 0)
    {
      /* Without a boundary (or one that never comes), the parser leaves
       * the whole body as the prologue: that is the text. */
      const char *prologue = g_mime_multipart_get_prologue (multipart);
      g_autofree char *text = prologue != NULL
                              ? to_utf8 ((const guint8 *) prologue, strlen (prologue), NULL, FALSE)
                              : NULL;

      if (text != NULL)
        append_text (extract, text, strlen (text));
      return;
    }
  if (GMIME_IS_MULTIPART_SIGNED (multipart))
    {
      /* The second part is the signature. */
      if (n > 0)
        walk (extract, g_mime_multipart_get_part (multipart, GMIME_MULTIPART_SIGNED_CONTENT), depth + 1);
      return;
    }
  if (is_type (object, "multipart", "alternative"))
    {
      walk (extract, choose_alternative (multipart), depth + 1);
      return;
    }
  for (int i = 0; i < n && room_left (extract) > 0; i++)
    walk (extract, g_mime_multipart_get_part (multipart, i), depth + 1);
}

static void
walk (Extract     *extract,
      GMimeObject *object,
      guint        depth)
{
  if (object == NULL || depth > MAX_DEPTH || room_left (extract) == 0)
    return;
  if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *message = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));

      if (message != NULL)
        walk_message (extract, message, depth);
    }
  else if (GMIME_IS_MULTIPART (object))
    walk_multipart (extract, GMIME_MULTIPART (object), depth);
  else if (GMIME_IS_PART (object))
    walk_part (extract, GMIME_PART (object));
}

/* --- entry points --------------------------------------------------------------------------- */

char *
kabar_mime_extract_text_from_message (GMimeMessage *message,
                                      gsize         max_length)
{
  Extract extract = { g_string_new (NULL), max_length };

  g_return_val_if_fail (message == NULL || GMIME_IS_MESSAGE (message), NULL);

  if (message != NULL)
    walk (&extract, g_mime_message_get_mime_part (message), 0);
  return g_string_free (extract.text, FALSE);
}

char *
kabar_mime_extract_text_from_stream (GMimeStream *stream,
                                     gsize        max_length)
{
  GMimeParserOptions *options = kabar_mime_get_parser_options ();
  GMimeParser *parser;
  GMimeMessage *message;
  char *text;

  g_return_val_if_fail (GMIME_IS_STREAM (stream), NULL);

  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  message = g_mime_parser_construct_message (parser, options);
  text = kabar_mime_extract_text_from_message (message, max_length);
  g_clear_object (&message);
  g_object_unref (parser);
  return text;
}

char *
kabar_mime_extract_text (GBytes *raw,
                         gsize   max_length)
{
  gsize size = 0;
  const char *data;
  GMimeStream *stream;
  char *text;

  g_return_val_if_fail (raw != NULL, NULL);

  /* GMime first: even a stream needs its tables. */
  (void) kabar_mime_get_parser_options ();
  data = g_bytes_get_data (raw, &size);
  stream = g_mime_stream_mem_new_with_buffer (data != NULL ? data : "", size);
  text = kabar_mime_extract_text_from_stream (stream, max_length);
  g_object_unref (stream);
  return text;
}
