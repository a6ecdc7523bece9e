/* fuzz-imap-parser.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the IMAP response parser: tests/fuzz/run-fuzz
 * imap-parser SECONDS. Besides crashes and sanitizer reports, it checks
 * the parser's promise that chunking does not matter: the input is parsed
 * once in chunks and once whole, and both must say exactly the same.
 *
 * Input: a header, then what the server sends.
 *   byte 0  settings: bit 0 no malformed callback (malformed is fatal),
 *           bit 1 pause after every tagged response, bits 2-3 the stream
 *           threshold (default, 0, 16, 64), bits 4-5 the depth limit (64,
 *           1, 4, 16), bit 6 a 4 KiB response memory limit, bit 7 a
 *           256-byte line limit;
 *   byte 1  n = byte & 7 chunk sizes follow, each byte + 1 bytes long.
 */

#include "kabar-imap-parser.h"
#include "kabar-imap-utf7.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  GString  *log;
  gboolean  pause_on_tagged;
  guint64   literal_bytes;
  guint32   literal_hash;
} Run;

static void
check (gboolean    condition,
       const char *what)
{
  if (!condition)
    {
      g_printerr ("fuzz-imap-parser: %s\n", what);
      abort ();
    }
}

/* Every accessor on every value, so a bad tree is found by the sanitizers
 * and not only by the rendering. */
static void
walk_value (const KabarImapValue *value,
            guint                 depth)
{
  gsize length = 0;
  guint64 number = 0;
  const char *text;

  check (value != NULL, "a NULL value in a list");
  check (depth < 1000, "a tree deeper than the parser allows");
  switch (kabar_imap_value_get_kind (value))
    {
    case KABAR_IMAP_VALUE_NIL:
      check (kabar_imap_value_is_nil (value), "NIL is not nil");
      check (kabar_imap_value_get_text (value) == NULL, "NIL has text");
      break;
    case KABAR_IMAP_VALUE_ATOM:
      text = kabar_imap_value_get_atom (value);
      check (text != NULL && text == kabar_imap_value_get_text (value), "an atom without text");
      check (kabar_imap_value_is_atom (value, text), "an atom unlike itself");
      break;
    case KABAR_IMAP_VALUE_NUMBER:
      check (kabar_imap_value_get_number (value, &number), "a number without its value");
      check (kabar_imap_value_get_text (value) != NULL, "a number without text");
      break;
    case KABAR_IMAP_VALUE_STRING:
      text = kabar_imap_value_get_string (value, &length);
      check (text != NULL && text[length] == '\0', "a string not NUL-terminated");
      {
        g_autoptr(GBytes) bytes = kabar_imap_value_dup_bytes (value);

        /* An empty GBytes has no data pointer. */
        check (g_bytes_get_size (bytes) == length &&
               (length == 0 || memcmp (g_bytes_get_data (bytes, NULL), text, length) == 0),
               "a string's bytes differ");
      }
      break;
    case KABAR_IMAP_VALUE_LIST:
      for (guint i = 0; i < kabar_imap_value_get_list_length (value); i++)
        walk_value (kabar_imap_value_get_list_item (value, i), depth + 1);
      check (kabar_imap_value_get_list_item (value, kabar_imap_value_get_list_length (value)) == NULL,
             "a list item past the end");
      break;
    case KABAR_IMAP_VALUE_STREAMED:
      check (kabar_imap_value_get_stream_id (value) > 0, "a streamed literal without an id");
      check (kabar_imap_value_is_literal (value), "a streamed literal that is not a literal");
      break;
    default:
      check (FALSE, "a value of no kind");
    }
}

/* Mailbox names go through modified UTF-7 both ways. */
static void
walk_mailbox_name (const KabarImapValue *value)
{
  const char *name = kabar_imap_value_get_text (value);
  g_autofree char *decoded = NULL;
  g_autofree char *shown = NULL;

  if (name == NULL)
    return;
  shown = kabar_imap_utf7_decode_for_display (name);
  check (shown != NULL && g_utf8_validate (shown, -1, NULL), "a displayed name that is not UTF-8");
  decoded = kabar_imap_utf7_decode (name, NULL);
  if (decoded != NULL)
    {
      g_autofree char *encoded = kabar_imap_utf7_encode (decoded);
      g_autofree char *again = kabar_imap_utf7_decode (encoded, NULL);

      check (g_strcmp0 (again, decoded) == 0, "a mailbox name that does not survive a round trip");
    }
}

static void
walk_response (KabarImapResponse *response)
{
  KabarImapFetchIter iter;
  const char *key;
  const KabarImapValue *value;
  KabarImapDataKind kind;
  guint64 number;

  walk_value (kabar_imap_response_get_args (response), 0);
  walk_value (kabar_imap_response_get_code_args (response), 0);
  check (kabar_imap_response_get_text (response) != NULL, "a response without text");
  check (kabar_imap_response_get_code_text (response) != NULL, "a response without code text");
  kabar_imap_response_get_code_number (response, &number);
  kabar_imap_response_get_number (response, &number);
  check ((kabar_imap_response_get_tag (response) != NULL) ==
         (kabar_imap_response_get_kind (response) == KABAR_IMAP_RESPONSE_TAGGED),
         "a tag on a response that is not tagged");

  kabar_imap_fetch_iter_init (&iter, response);
  while (kabar_imap_fetch_iter_next (&iter, &key, &value))
    check (kabar_imap_response_lookup_fetch_item (response, key) != NULL, "a FETCH key that cannot be found");

  kind = kabar_imap_response_get_data_kind (response);
  if (kind == KABAR_IMAP_DATA_LIST || kind == KABAR_IMAP_DATA_LSUB)
    walk_mailbox_name (kabar_imap_value_get_list_item (kabar_imap_response_get_args (response), 2));
  else if (kind == KABAR_IMAP_DATA_STATUS)
    walk_mailbox_name (kabar_imap_value_get_list_item (kabar_imap_response_get_args (response), 0));
}

static void
on_response (KabarImapParser   *parser,
             KabarImapResponse *response,
             gpointer           user_data)
{
  Run *run = user_data;
  g_autofree char *text = kabar_imap_response_to_string (response);

  walk_response (response);
  g_string_append_printf (run->log, "R %s\n", text);
  if (run->pause_on_tagged && kabar_imap_response_get_kind (response) == KABAR_IMAP_RESPONSE_TAGGED)
    kabar_imap_parser_pause (parser);
}

static void
on_malformed (KabarImapParser *parser,
              const GError    *error,
              gpointer         user_data)
{
  Run *run = user_data;

  check (g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_PARSE), "a malformed error of another kind");
  g_string_append_printf (run->log, "M %s\n", error->message);
}

static void
on_literal_begin (KabarImapParser            *parser,
                  const KabarImapLiteralInfo *info,
                  gpointer                    user_data)
{
  Run *run = user_data;

  run->literal_bytes = 0;
  run->literal_hash = 5381;
  g_string_append_printf (run->log, "B %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %d %s %s %"
                          G_GUINT64_FORMAT " %s %" G_GUINT64_FORMAT "\n",
                          info->id, info->size, info->binary, info->tag ? info->tag : "-",
                          info->name ? info->name : "-", info->number, info->key ? info->key : "-",
                          info->uid);
}

static void
on_literal_chunk (KabarImapParser            *parser,
                  const KabarImapLiteralInfo *info,
                  const guint8               *data,
                  gsize                       length,
                  gpointer                    user_data)
{
  Run *run = user_data;

  check (length > 0, "an empty literal chunk");
  run->literal_bytes += length;
  check (run->literal_bytes <= info->size, "more literal data than announced");
  for (gsize i = 0; i < length; i++)
    run->literal_hash = run->literal_hash * 33 + data[i];
}

static void
on_literal_end (KabarImapParser            *parser,
                const KabarImapLiteralInfo *info,
                gpointer                    user_data)
{
  Run *run = user_data;

  check (run->literal_bytes == info->size, "less literal data than announced");
  g_string_append_printf (run->log, "E %" G_GUINT64_FORMAT " %08x\n", info->id, run->literal_hash);
}

static const KabarImapParserCallbacks lenient = {
  on_response, on_malformed, on_literal_begin, on_literal_chunk, on_literal_end,
};

static const KabarImapParserCallbacks strict = {
  on_response, NULL, on_literal_begin, on_literal_chunk, on_literal_end,
};

static KabarImapParser *
parser_new (guint8  settings,
            Run    *run)
{
  static const guint64 thresholds[] = { KABAR_IMAP_PARSER_DEFAULT_STREAM_THRESHOLD, 0, 16, 64 };
  static const guint depths[] = { KABAR_IMAP_PARSER_DEFAULT_MAX_DEPTH, 1, 4, 16 };
  KabarImapParser *parser = kabar_imap_parser_new ((settings & 1) ? &strict : &lenient, run);

  kabar_imap_parser_set_stream_threshold (parser, thresholds[(settings >> 2) & 3]);
  kabar_imap_parser_set_max_depth (parser, depths[(settings >> 4) & 3]);
  /* Keep runs fast: a literal beyond this is refused, not waited for. */
  kabar_imap_parser_set_max_literal_size (parser, 1024 * 1024);
  if (settings & 0x40)
    kabar_imap_parser_set_max_response_size (parser, 4096);
  if (settings & 0x80)
    kabar_imap_parser_set_max_line_length (parser, 256);
  return parser;
}

/* Feeds one piece, again and again while the parser pauses in it. */
static gboolean
feed_piece (KabarImapParser *parser,
            Run             *run,
            const guint8    *data,
            gsize            length)
{
  do
    {
      g_autoptr(GError) error = NULL;
      gsize consumed = 0;

      if (!kabar_imap_parser_feed_until_paused (parser, data, length, &consumed, &error))
        {
          check (error != NULL && error->domain == KABAR_IMAP_ERROR, "a fatal error without a message");
          g_string_append_printf (run->log, "F %s\n", error->message);
          return FALSE;
        }
      check (consumed <= length, "consumed more than fed");
      check (consumed == length || run->pause_on_tagged, "stopped early without a pause");
      data += consumed;
      length -= consumed;
    }
  while (length > 0);
  return TRUE;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GString) chunked_log = g_string_new (NULL);
  g_autoptr(GString) whole_log = g_string_new (NULL);
  Run chunked = { chunked_log, FALSE, 0, 0 };
  Run whole = { whole_log, FALSE, 0, 0 };
  g_autoptr(KabarImapParser) a = NULL;
  g_autoptr(KabarImapParser) b = NULL;
  g_autoptr(GError) error = NULL;
  guint8 settings;
  gsize sizes[8];
  guint n_sizes;
  gsize pos = 0;
  guint i = 0;

  if (size < 2)
    return 0;
  settings = data[0];
  n_sizes = data[1] & 7;
  if (size < 2 + n_sizes)
    return 0;
  for (guint s = 0; s < n_sizes; s++)
    sizes[s] = (gsize) data[2 + s] + 1;
  data += 2 + n_sizes;
  size -= 2 + n_sizes;

  chunked.pause_on_tagged = (settings & 2) != 0;
  a = parser_new (settings, &chunked);
  while (pos < size)
    {
      gsize n = n_sizes == 0 ? size : sizes[i++ % n_sizes];

      n = MIN (n, size - pos);

      if (!feed_piece (a, &chunked, data + pos, n))
        break;
      pos += n;
    }

  b = parser_new (settings, &whole);
  kabar_imap_parser_feed (b, data, size, NULL);
  /* A fatal error shows again on any later feed: log it as for a. */
  if (!kabar_imap_parser_feed (b, (const guint8 *) "", 0, &error))
    g_string_append_printf (whole.log, "F %s\n", error->message);

  if (!g_string_equal (chunked.log, whole.log))
    {
      g_printerr ("Chunked:\n%s\nWhole:\n%s\n", chunked.log->str, whole.log->str);
      check (FALSE, "chunking changed what the parser said");
    }
  check (kabar_imap_parser_get_buffered_size (a) == kabar_imap_parser_get_buffered_size (b) ||
         strstr (whole.log->str, "\nF ") != NULL || g_str_has_prefix (whole.log->str, "F "),
         "chunking changed what the parser holds");
  return 0;
}
