/* test-imap-parser.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The IMAP response parser: every kind of response, the values, streamed
 * literals, hostile input, sloppy servers, and the replies the test bed's
 * Dovecot really sent (tests/data/imap, made by kabar-imap-capture).
 */

#include "kabar-imap-parser.h"
#include "kabar-imap-utf7.h"

#include <string.h>

/* --- A collector: what the parser said, as a log ------------------------- */

typedef struct
{
  GPtrArray *responses;
  GString   *log;
  GPtrArray *errors;
  GChecksum *literal_sum;
  guint64    literal_bytes;
  guint      n_chunks;
  gsize      max_buffered;
  /* What the last literal_begin said. */
  KabarImapLiteralInfo info;
  char      *info_key;
  char      *info_tag;
  char      *info_name;
  gboolean   pause_on_tagged;
} Collector;

static void
on_response (KabarImapParser   *parser,
             KabarImapResponse *response,
             gpointer           user_data)
{
  Collector *c = user_data;
  g_autofree char *text = kabar_imap_response_to_string (response);

  g_ptr_array_add (c->responses, kabar_imap_response_ref (response));
  g_string_append_printf (c->log, "R %s\n", text);
  if (c->pause_on_tagged && kabar_imap_response_get_kind (response) == KABAR_IMAP_RESPONSE_TAGGED)
    kabar_imap_parser_pause (parser);
}

static void
on_malformed (KabarImapParser *parser,
              const GError    *error,
              gpointer         user_data)
{
  Collector *c = user_data;

  g_assert_error ((GError *) error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_PARSE);
  g_ptr_array_add (c->errors, g_strdup (error->message));
  g_string_append_printf (c->log, "M %s\n", error->message);
}

static void
on_literal_begin (KabarImapParser            *parser,
                  const KabarImapLiteralInfo *info,
                  gpointer                    user_data)
{
  Collector *c = user_data;

  c->info = *info;
  g_free (c->info_key);
  g_free (c->info_tag);
  g_free (c->info_name);
  c->info_key = g_strdup (info->key);
  c->info_tag = g_strdup (info->tag);
  c->info_name = g_strdup (info->name);
  g_checksum_reset (c->literal_sum);
  c->literal_bytes = 0;
  g_string_append_printf (c->log, "B #%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %s %s %s %"
                          G_GUINT64_FORMAT " %s %" G_GUINT64_FORMAT "\n",
                          info->id, info->size, info->binary ? "binary" : "text",
                          info->tag ? info->tag : "-", info->name ? info->name : "-",
                          info->number, info->key ? info->key : "-", info->uid);
}

static void
on_literal_chunk (KabarImapParser            *parser,
                  const KabarImapLiteralInfo *info,
                  const guint8               *data,
                  gsize                       length,
                  gpointer                    user_data)
{
  Collector *c = user_data;

  g_assert_cmpuint (info->id, ==, c->info.id);
  g_assert_cmpuint (length, >, 0);
  g_checksum_update (c->literal_sum, data, (gssize) length);
  c->literal_bytes += length;
  c->n_chunks++;
  c->max_buffered = MAX (c->max_buffered, kabar_imap_parser_get_buffered_size (parser));
}

static void
on_literal_end (KabarImapParser            *parser,
                const KabarImapLiteralInfo *info,
                gpointer                    user_data)
{
  Collector *c = user_data;

  g_assert_cmpuint (c->literal_bytes, ==, info->size);
  g_string_append_printf (c->log, "E #%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %s\n",
                          info->id, c->literal_bytes, g_checksum_get_string (c->literal_sum));
}

static const KabarImapParserCallbacks lenient_callbacks = {
  on_response, on_malformed, on_literal_begin, on_literal_chunk, on_literal_end,
};

static const KabarImapParserCallbacks strict_callbacks = {
  on_response, NULL, on_literal_begin, on_literal_chunk, on_literal_end,
};

static Collector *
collector_new (void)
{
  Collector *c = g_new0 (Collector, 1);

  c->responses = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_imap_response_unref);
  c->log = g_string_new (NULL);
  c->errors = g_ptr_array_new_with_free_func (g_free);
  c->literal_sum = g_checksum_new (G_CHECKSUM_SHA1);
  return c;
}

static void
collector_free (Collector *c)
{
  g_ptr_array_unref (c->responses);
  g_string_free (c->log, TRUE);
  g_ptr_array_unref (c->errors);
  g_checksum_free (c->literal_sum);
  g_free (c->info_key);
  g_free (c->info_tag);
  g_free (c->info_name);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Collector, collector_free)

typedef struct
{
  gboolean strict;
  guint64  stream_threshold;   /* 0: the default */
  gsize    max_line;
  guint    max_depth;
  gsize    max_response;
  guint64  max_literal;
} Setup;

static KabarImapParser *
parser_new (const Setup *setup,
            Collector   *c)
{
  KabarImapParser *parser = kabar_imap_parser_new (setup != NULL && setup->strict
                                                   ? &strict_callbacks : &lenient_callbacks, c);

  if (setup == NULL)
    return parser;
  if (setup->stream_threshold != 0)
    kabar_imap_parser_set_stream_threshold (parser, setup->stream_threshold);
  if (setup->max_line != 0)
    kabar_imap_parser_set_max_line_length (parser, setup->max_line);
  if (setup->max_depth != 0)
    kabar_imap_parser_set_max_depth (parser, setup->max_depth);
  if (setup->max_response != 0)
    kabar_imap_parser_set_max_response_size (parser, setup->max_response);
  if (setup->max_literal != 0)
    kabar_imap_parser_set_max_literal_size (parser, setup->max_literal);
  return parser;
}

/* Feeds data in pieces whose sizes cycle through chunks (all at once if
 * there are none) and returns the collector; a fatal error ends the log
 * with an "F" line. */
static Collector *
parse_chunked (const Setup  *setup,
               const guint8 *data,
               gsize         length,
               const gsize  *chunks,
               guint         n_chunks)
{
  Collector *c = collector_new ();
  g_autoptr(KabarImapParser) parser = parser_new (setup, c);
  gsize pos = 0;
  guint i = 0;

  while (pos < length || length == 0)
    {
      g_autoptr(GError) error = NULL;
      gsize n = n_chunks == 0 ? length - pos : chunks[i++ % n_chunks];

      n = MIN (n, length - pos);

      if (!kabar_imap_parser_feed (parser, data + pos, n, &error))
        {
          g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_PARSE);
          g_string_append_printf (c->log, "F %s\n", error->message);
          break;
        }
      pos += n;
      if (length == 0)
        break;
    }
  return c;
}

static Collector *
parse_with (const Setup *setup,
            const char  *text)
{
  return parse_chunked (setup, (const guint8 *) text, strlen (text), NULL, 0);
}

static Collector *
parse (const char *text)
{
  return parse_with (NULL, text);
}

static KabarImapResponse *
response_at (Collector *c,
             guint      index)
{
  g_assert_cmpuint (index, <, c->responses->len);
  return g_ptr_array_index (c->responses, index);
}

/* The one response text parses to, without errors. */
static KabarImapResponse *
parse_one (Collector  **c,
           const char  *text)
{
  *c = parse (text);
  if ((*c)->errors->len > 0 || (*c)->responses->len != 1)
    g_error ("Expected one response from “%s”, got:\n%s", text, (*c)->log->str);
  return response_at (*c, 0);
}

static void
assert_rendered (const char *text,
                 const char *expected)
{
  g_autoptr(Collector) c = NULL;
  KabarImapResponse *response = parse_one (&c, text);
  g_autofree char *rendered = kabar_imap_response_to_string (response);

  g_assert_cmpstr (rendered, ==, expected);
}

static const KabarImapValue *
arg (KabarImapResponse *response,
     guint              index)
{
  const KabarImapValue *value = kabar_imap_value_get_list_item (kabar_imap_response_get_args (response),
                                                               index);

  g_assert_nonnull (value);
  return value;
}

static guint64
number_of (const KabarImapValue *value)
{
  guint64 number = 0;

  g_assert_true (kabar_imap_value_get_number (value, &number));
  return number;
}

static void
assert_malformed (const Setup *setup,
                  const char  *text,
                  const char  *reason)
{
  g_autoptr(Collector) c = parse_with (setup, text);

  if (c->errors->len == 0 && strstr (c->log->str, "\nF ") == NULL &&
      !g_str_has_prefix (c->log->str, "F "))
    g_error ("“%s” should be malformed, got:\n%s", text, c->log->str);
  if (strstr (c->log->str, reason) == NULL)
    g_error ("“%s”: expected “%s” in:\n%s", text, reason, c->log->str);
  g_assert_nonnull (strstr (c->log->str, "Malformed IMAP response: "));
}

/* --- Status responses ----------------------------------------------------- */

static void
test_tagged_status (void)
{
  g_autoptr(Collector) c = parse ("a1 OK [READ-WRITE] SELECT completed\r\n"
                                  "a2 NO [TRYCREATE] No such mailbox\r\n"
                                  "A003 BAD Unknown command\r\n"
                                  "a4 OK\r\n");
  KabarImapResponse *r;

  g_assert_cmpuint (c->responses->len, ==, 4);
  r = response_at (c, 0);
  g_assert_cmpint (kabar_imap_response_get_kind (r), ==, KABAR_IMAP_RESPONSE_TAGGED);
  g_assert_cmpstr (kabar_imap_response_get_tag (r), ==, "a1");
  g_assert_cmpint (kabar_imap_response_get_status (r), ==, KABAR_IMAP_STATUS_OK);
  g_assert_cmpint (kabar_imap_response_get_code (r), ==, KABAR_IMAP_CODE_READ_WRITE);
  g_assert_cmpstr (kabar_imap_response_get_code_name (r), ==, "READ-WRITE");
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_get_code_args (r)), ==, 0);
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "SELECT completed");
  g_assert_cmpint (kabar_imap_response_get_data_kind (r), ==, KABAR_IMAP_DATA_NONE);
  g_assert_null (kabar_imap_response_get_name (r));

  r = response_at (c, 1);
  g_assert_cmpint (kabar_imap_response_get_status (r), ==, KABAR_IMAP_STATUS_NO);
  g_assert_cmpint (kabar_imap_response_get_code (r), ==, KABAR_IMAP_CODE_TRYCREATE);
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "No such mailbox");

  r = response_at (c, 2);
  g_assert_cmpstr (kabar_imap_response_get_tag (r), ==, "A003");
  g_assert_cmpint (kabar_imap_response_get_status (r), ==, KABAR_IMAP_STATUS_BAD);
  g_assert_cmpint (kabar_imap_response_get_code (r), ==, KABAR_IMAP_CODE_NONE);
  g_assert_null (kabar_imap_response_get_code_name (r));
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "Unknown command");

  r = response_at (c, 3);
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "");
}

static void
test_untagged_status (void)
{
  g_autoptr(Collector) c = parse ("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
                                  "* PREAUTH IMAP4rev1 server logged in as Smith\r\n"
                                  "* BYE Autologout; idle for too long\r\n"
                                  "* NO [ALERT] Disk is 98% full, please delete unnecessary data\r\n"
                                  "* BAD Command line too long\r\n");
  KabarImapResponse *r = response_at (c, 0);
  guint64 number;

  g_assert_cmpuint (c->responses->len, ==, 5);
  g_assert_cmpint (kabar_imap_response_get_kind (r), ==, KABAR_IMAP_RESPONSE_UNTAGGED);
  g_assert_null (kabar_imap_response_get_tag (r));
  g_assert_cmpint (kabar_imap_response_get_status (r), ==, KABAR_IMAP_STATUS_OK);
  g_assert_cmpstr (kabar_imap_response_get_name (r), ==, "OK");
  g_assert_cmpint (kabar_imap_response_get_code (r), ==, KABAR_IMAP_CODE_UIDVALIDITY);
  g_assert_true (kabar_imap_response_get_code_number (r, &number));
  g_assert_cmpuint (number, ==, 3857529045u);
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "UIDs valid");

  g_assert_cmpint (kabar_imap_response_get_status (response_at (c, 1)), ==, KABAR_IMAP_STATUS_PREAUTH);
  g_assert_cmpstr (kabar_imap_response_get_text (response_at (c, 1)), ==,
                   "IMAP4rev1 server logged in as Smith");
  g_assert_cmpint (kabar_imap_response_get_status (response_at (c, 2)), ==, KABAR_IMAP_STATUS_BYE);
  g_assert_cmpint (kabar_imap_response_get_status (response_at (c, 3)), ==, KABAR_IMAP_STATUS_NO);
  g_assert_cmpint (kabar_imap_response_get_code (response_at (c, 3)), ==, KABAR_IMAP_CODE_ALERT);
  g_assert_cmpstr (kabar_imap_response_get_text (response_at (c, 3)), ==,
                   "Disk is 98% full, please delete unnecessary data");
  g_assert_cmpint (kabar_imap_response_get_status (response_at (c, 4)), ==, KABAR_IMAP_STATUS_BAD);
}

static void
test_response_codes (void)
{
  static const struct
  {
    const char    *line;
    KabarImapCode  code;
    const char    *rendered;
  } cases[] = {
    { "* OK [ALERT] Look\r\n", KABAR_IMAP_CODE_ALERT, "* OK [ALERT] text=\"Look\"" },
    { "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] Ready\r\n", KABAR_IMAP_CODE_CAPABILITY,
      "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] text=\"Ready\"" },
    { "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n", KABAR_IMAP_CODE_PERMANENTFLAGS,
      "* OK [PERMANENTFLAGS (\\\\Deleted \\\\Seen \\\\*)] text=\"Limited\"" },
    { "* OK [UIDNEXT 4392] Predicted next UID\r\n", KABAR_IMAP_CODE_UIDNEXT,
      "* OK [UIDNEXT 4392] text=\"Predicted next UID\"" },
    { "* OK [UNSEEN 12] Message 12 is first unseen\r\n", KABAR_IMAP_CODE_UNSEEN,
      "* OK [UNSEEN 12] text=\"Message 12 is first unseen\"" },
    { "* OK [HIGHESTMODSEQ 9223372036854775807] Highest\r\n", KABAR_IMAP_CODE_HIGHESTMODSEQ,
      "* OK [HIGHESTMODSEQ 9223372036854775807] text=\"Highest\"" },
    { "* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences\r\n",
      KABAR_IMAP_CODE_NOMODSEQ,
      "* OK [NOMODSEQ] text=\"Sorry, this mailbox format doesn't support modsequences\"" },
    { "A003 OK [APPENDUID 38505 3955] APPEND completed\r\n", KABAR_IMAP_CODE_APPENDUID,
      "A003 OK [APPENDUID 38505 3955] text=\"APPEND completed\"" },
    { "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n", KABAR_IMAP_CODE_COPYUID,
      "A004 OK [COPYUID 38505 304,319:320 3956:3958] text=\"Done\"" },
    { "* OK [CLOSED] Previous mailbox closed.\r\n", KABAR_IMAP_CODE_CLOSED,
      "* OK [CLOSED] text=\"Previous mailbox closed.\"" },
    { "a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n", KABAR_IMAP_CODE_AUTHENTICATIONFAILED,
      "a1 NO [AUTHENTICATIONFAILED] text=\"Authentication failed.\"" },
    { "a1 OK [MODIFIED 7,9] Conditional STORE failed\r\n", KABAR_IMAP_CODE_MODIFIED,
      "a1 OK [MODIFIED 7,9] text=\"Conditional STORE failed\"" },
    { "a1 NO [OVERQUOTA] Quota exceeded\r\n", KABAR_IMAP_CODE_OVERQUOTA,
      "a1 NO [OVERQUOTA] text=\"Quota exceeded\"" },
    { "a1 NO [BADCHARSET (UTF-8 US-ASCII)] Bad charset\r\n", KABAR_IMAP_CODE_BADCHARSET,
      "a1 NO [BADCHARSET (UTF-8 US-ASCII)] text=\"Bad charset\"" },
    { "a1 OK [read-only] lower case\r\n", KABAR_IMAP_CODE_READ_ONLY,
      "a1 OK [READ-ONLY] text=\"lower case\"" },
    /* Unknown codes: the name, what parses as values, and the raw text. */
    { "* OK [X-KABAR-THING 12 \"two\" (3)] Hm\r\n", KABAR_IMAP_CODE_UNKNOWN,
      "* OK [X-KABAR-THING 12 \"two\" (3) raw=\"12 \\\"two\\\" (3)\"] text=\"Hm\"" },
    { "a1 NO [REFERRAL imap://user;AUTH=*@server2/] Go there\r\n", KABAR_IMAP_CODE_UNKNOWN,
      "a1 NO [REFERRAL imap://user;AUTH=*@server2/ raw=\"imap://user;AUTH=*@server2/\"] text=\"Go there\"" },
    { "* OK [X-WEIRD (unclosed] text\r\n", KABAR_IMAP_CODE_UNKNOWN,
      "* OK [X-WEIRD raw=\"(unclosed\"] text=\"text\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Collector) c = NULL;
      KabarImapResponse *r = parse_one (&c, cases[i].line);
      g_autofree char *rendered = kabar_imap_response_to_string (r);

      g_assert_cmpint (kabar_imap_response_get_code (r), ==, cases[i].code);
      g_assert_cmpstr (rendered, ==, cases[i].rendered);
    }
}

static void
test_code_arguments (void)
{
  g_autoptr(Collector) c = parse ("A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n"
                                  "* OK [PERMANENTFLAGS (\\Seen $Forwarded \\*)] x\r\n"
                                  "* OK [X-UNKNOWN some ]text\r\n");
  KabarImapResponse *r = response_at (c, 0);
  const KabarImapValue *args = kabar_imap_response_get_code_args (r);
  const KabarImapValue *flags;
  guint64 number;

  g_assert_true (kabar_imap_response_get_code_number (r, &number));
  g_assert_cmpuint (number, ==, 38505);
  g_assert_cmpuint (kabar_imap_value_get_list_length (args), ==, 3);
  g_assert_cmpstr (kabar_imap_value_get_text (kabar_imap_value_get_list_item (args, 1)), ==, "304,319:320");
  g_assert_cmpstr (kabar_imap_value_get_text (kabar_imap_value_get_list_item (args, 2)), ==, "3956:3958");

  flags = kabar_imap_value_get_list_item (kabar_imap_response_get_code_args (response_at (c, 1)), 0);
  g_assert_cmpuint (kabar_imap_value_get_list_length (flags), ==, 3);
  g_assert_cmpstr (kabar_imap_value_get_atom (kabar_imap_value_get_list_item (flags, 0)), ==, "\\Seen");
  g_assert_cmpstr (kabar_imap_value_get_atom (kabar_imap_value_get_list_item (flags, 1)), ==, "$Forwarded");
  g_assert_cmpstr (kabar_imap_value_get_atom (kabar_imap_value_get_list_item (flags, 2)), ==, "\\*");
  g_assert_false (kabar_imap_response_get_code_number (response_at (c, 1), &number));

  r = response_at (c, 2);
  g_assert_cmpstr (kabar_imap_response_get_code_name (r), ==, "X-UNKNOWN");
  g_assert_cmpstr (kabar_imap_response_get_code_text (r), ==, "some ");
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "text");
}

static void
test_continuation (void)
{
  g_autoptr(Collector) c = parse ("+ idling\r\n"
                                  "+ \r\n"
                                  "+\r\n"
                                  "+ dGVzdA==\r\n"
                                  "+ [ALERT] Say more\r\n");
  KabarImapResponse *r = response_at (c, 0);

  g_assert_cmpuint (c->responses->len, ==, 5);
  g_assert_cmpint (kabar_imap_response_get_kind (r), ==, KABAR_IMAP_RESPONSE_CONTINUATION);
  g_assert_cmpint (kabar_imap_response_get_status (r), ==, KABAR_IMAP_STATUS_NONE);
  g_assert_null (kabar_imap_response_get_tag (r));
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "idling");
  g_assert_cmpstr (kabar_imap_response_get_text (response_at (c, 1)), ==, "");
  g_assert_cmpstr (kabar_imap_response_get_text (response_at (c, 2)), ==, "");
  g_assert_cmpstr (kabar_imap_response_get_text (response_at (c, 3)), ==, "dGVzdA==");
  g_assert_cmpint (kabar_imap_response_get_code (response_at (c, 4)), ==, KABAR_IMAP_CODE_ALERT);
  g_assert_cmpstr (kabar_imap_response_get_text (response_at (c, 4)), ==, "Say more");
}

/* --- Data ------------------------------------------------------------------ */

static void
test_message_data (void)
{
  g_autoptr(Collector) c = parse ("* 23 EXISTS\r\n"
                                  "* 5 RECENT\r\n"
                                  "* 44 EXPUNGE\r\n"
                                  "* 12 FETCH (FLAGS (\\Seen) UID 4827313)\r\n");
  static const KabarImapDataKind kinds[] = {
    KABAR_IMAP_DATA_EXISTS, KABAR_IMAP_DATA_RECENT, KABAR_IMAP_DATA_EXPUNGE, KABAR_IMAP_DATA_FETCH,
  };
  static const guint64 numbers[] = { 23, 5, 44, 12 };

  g_assert_cmpuint (c->responses->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      KabarImapResponse *r = response_at (c, i);
      guint64 number;

      g_assert_cmpint (kabar_imap_response_get_kind (r), ==, KABAR_IMAP_RESPONSE_UNTAGGED);
      g_assert_cmpint (kabar_imap_response_get_status (r), ==, KABAR_IMAP_STATUS_NONE);
      g_assert_cmpint (kabar_imap_response_get_data_kind (r), ==, kinds[i]);
      g_assert_true (kabar_imap_response_get_number (r, &number));
      g_assert_cmpuint (number, ==, numbers[i]);
    }
  g_assert_cmpstr (kabar_imap_response_get_name (response_at (c, 0)), ==, "EXISTS");
}

static void
test_fetch_items (void)
{
  const char *text =
    "* 12 FETCH (UID 4827313 FLAGS (\\Seen $Forwarded) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
    "RFC822.SIZE 4286 MODSEQ (12121231000) "
    "ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
    "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) NIL NIL "
    "((NIL NIL \"imap\" \"cac.washington.edu\")) NIL NIL NIL \"<B27397-0100000@cac.washington.edu>\") "
    "BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92) "
    "BODY[HEADER.FIELDS (FROM TO)]<0> {13}\r\nFrom: a@b.c\r\n "
    "BODY[1.2.MIME] \"Content-Type: text/plain\" body[text] NIL)\r\n";
  g_autoptr(Collector) c = NULL;
  KabarImapResponse *r = parse_one (&c, text);
  static const char *const keys[] = {
    "UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "MODSEQ", "ENVELOPE", "BODYSTRUCTURE",
    "BODY[HEADER.FIELDS (FROM TO)]<0>", "BODY[1.2.MIME]", "BODY[TEXT]",
  };
  KabarImapFetchIter iter;
  const char *key;
  const KabarImapValue *value;
  const KabarImapValue *envelope;
  gsize length;
  guint i = 0;

  kabar_imap_fetch_iter_init (&iter, r);
  while (kabar_imap_fetch_iter_next (&iter, &key, &value))
    {
      g_assert_cmpuint (i, <, G_N_ELEMENTS (keys));
      g_assert_cmpstr (key, ==, keys[i]);
      i++;
    }
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (keys));

  g_assert_cmpuint (number_of (kabar_imap_response_lookup_fetch_item (r, "uid")), ==, 4827313);
  g_assert_cmpuint (number_of (kabar_imap_response_lookup_fetch_item (r, "RFC822.SIZE")), ==, 4286);
  g_assert_cmpuint (number_of (kabar_imap_value_get_list_item (kabar_imap_response_lookup_fetch_item (r, "MODSEQ"), 0)),
                    ==, 12121231000u);
  g_assert_true (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (kabar_imap_response_lookup_fetch_item (r, "FLAGS"), 1),
                                           "$forwarded"));
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_response_lookup_fetch_item (r, "INTERNALDATE"), NULL),
                   ==, "17-Jul-1996 02:44:25 -0700");
  envelope = kabar_imap_response_lookup_fetch_item (r, "ENVELOPE");
  g_assert_cmpuint (kabar_imap_value_get_list_length (envelope), ==, 10);
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_value_get_list_item (envelope, 1), NULL), ==,
                   "IMAP4rev1 WG mtg summary and minutes");
  g_assert_true (kabar_imap_value_is_nil (kabar_imap_value_get_list_item (envelope, 3)));
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_value_get_list_item (kabar_imap_value_get_list_item (kabar_imap_value_get_list_item (envelope, 2), 0), 2), NULL),
                   ==, "gray");
  value = kabar_imap_response_lookup_fetch_item (r, "BODY[HEADER.FIELDS (FROM TO)]<0>");
  g_assert_true (kabar_imap_value_is_literal (value));
  g_assert_false (kabar_imap_value_is_binary (value));
  g_assert_cmpstr (kabar_imap_value_get_string (value, &length), ==, "From: a@b.c\r\n");
  g_assert_cmpuint (length, ==, 13);
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_response_lookup_fetch_item (r, "BODY[1.2.MIME]"), NULL),
                   ==, "Content-Type: text/plain");
  g_assert_true (kabar_imap_value_is_nil (kabar_imap_response_lookup_fetch_item (r, "BODY[TEXT]")));
  g_assert_null (kabar_imap_response_lookup_fetch_item (r, "BINARY[1]"));
}

static void
test_list_lsub_status (void)
{
  g_autoptr(Collector) c = parse ("* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n"
                                  "* LIST (\\Noselect) NIL \"\"\r\n"
                                  "* LIST () \"/\" {11}\r\nKotak Masuk\r\n"
                                  "* LIST (\\HasChildren) \".\" \"Entw&APw-rfe\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"
                                  "* LSUB () \"/\" INBOX\r\n"
                                  "* STATUS \"&ZeVnLIqe-\" (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777)\r\n");
  KabarImapResponse *r = response_at (c, 0);
  g_autofree char *german = NULL;
  g_autofree char *japanese = NULL;
  const KabarImapValue *items;

  g_assert_cmpuint (c->responses->len, ==, 6);
  g_assert_cmpint (kabar_imap_response_get_data_kind (r), ==, KABAR_IMAP_DATA_LIST);
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_get_args (r)), ==, 3);
  g_assert_true (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (arg (r, 0), 1), "\\Sent"));
  g_assert_cmpstr (kabar_imap_value_get_string (arg (r, 1), NULL), ==, "/");
  g_assert_cmpstr (kabar_imap_value_get_text (arg (r, 2)), ==, "Sent");

  r = response_at (c, 1);
  g_assert_true (kabar_imap_value_is_nil (arg (r, 1)));
  g_assert_cmpstr (kabar_imap_value_get_text (arg (r, 2)), ==, "");

  r = response_at (c, 2);
  g_assert_true (kabar_imap_value_is_literal (arg (r, 2)));
  g_assert_cmpstr (kabar_imap_value_get_text (arg (r, 2)), ==, "Kotak Masuk");

  r = response_at (c, 3);
  german = kabar_imap_utf7_decode (kabar_imap_value_get_text (arg (r, 2)), NULL);
  g_assert_cmpstr (german, ==, "Entwürfe");
  g_assert_cmpuint (kabar_imap_value_get_list_length (arg (r, 3)), ==, 2);

  g_assert_cmpint (kabar_imap_response_get_data_kind (response_at (c, 4)), ==, KABAR_IMAP_DATA_LSUB);

  r = response_at (c, 5);
  g_assert_cmpint (kabar_imap_response_get_data_kind (r), ==, KABAR_IMAP_DATA_STATUS);
  japanese = kabar_imap_utf7_decode (kabar_imap_value_get_text (arg (r, 0)), NULL);
  g_assert_cmpstr (japanese, ==, "日本語");
  items = arg (r, 1);
  g_assert_cmpuint (kabar_imap_value_get_list_length (items), ==, 6);
  g_assert_true (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (items, 4), "HIGHESTMODSEQ"));
  g_assert_cmpuint (number_of (kabar_imap_value_get_list_item (items, 5)), ==, 7011231777u);
}

static void
test_other_data (void)
{
  assert_rendered ("* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n",
                   "* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED");
  assert_rendered ("* SEARCH 2 84 882\r\n", "* SEARCH 2 84 882");
  assert_rendered ("* SEARCH\r\n", "* SEARCH");
  assert_rendered ("* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n",
                   "* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)");
  assert_rendered ("* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n",
                   "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3");
  assert_rendered ("* ESEARCH (TAG \"A283\") UID ALL 2,10:11\r\n",
                   "* ESEARCH (TAG \"A283\") UID ALL 2,10:11");
  assert_rendered ("* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n",
                   "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540");
  assert_rendered ("* VANISHED 405,407,410,425\r\n", "* VANISHED 405,407,410,425");
  assert_rendered ("* ENABLED CONDSTORE QRESYNC\r\n", "* ENABLED CONDSTORE QRESYNC");
  assert_rendered ("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
                   "* FLAGS (\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft)");
  assert_rendered ("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n", "* NAMESPACE ((\"\" \"/\")) NIL NIL");
  assert_rendered ("* ID (\"name\" \"Dovecot\")\r\n", "* ID (\"name\" \"Dovecot\")");
  assert_rendered ("* THREAD (2)(3 6 (4 23)(44 7 96))\r\n", "* THREAD (2) (3 6 (4 23) (44 7 96))");
  assert_rendered ("* QUOTA \"\" (STORAGE 10 512)\r\n", "* QUOTA \"\" (STORAGE 10 512)");
}

static void
test_values (void)
{
  g_autoptr(Collector) c = NULL;
  KabarImapResponse *r = parse_one (&c,
                                    "* XVALUES \\Seen $Forwarded 0 18446744073709551615 007 "
                                    "\"a \\\"quoted\\\" \\\\ string\" \"\" NIL nil Nil "
                                    "(1 (2 (3)) ()) {3}\r\nab\n ~{4}\r\n\1\2\3\4 1:*,5\r\n");
  gsize length;
  guint64 number;
  const char *data;
  g_autoptr(GBytes) bytes = NULL;

  g_assert_cmpint (kabar_imap_response_get_data_kind (r), ==, KABAR_IMAP_DATA_UNKNOWN);
  g_assert_cmpstr (kabar_imap_value_get_atom (arg (r, 0)), ==, "\\Seen");
  g_assert_cmpstr (kabar_imap_value_get_atom (arg (r, 1)), ==, "$Forwarded");
  g_assert_cmpuint (number_of (arg (r, 2)), ==, 0);
  g_assert_cmpuint (number_of (arg (r, 3)), ==, G_MAXUINT64);
  g_assert_cmpuint (number_of (arg (r, 4)), ==, 7);
  g_assert_cmpstr (kabar_imap_value_get_text (arg (r, 4)), ==, "007");
  g_assert_null (kabar_imap_value_get_atom (arg (r, 4)));
  g_assert_cmpstr (kabar_imap_value_get_string (arg (r, 5), NULL), ==, "a \"quoted\" \\ string");
  g_assert_false (kabar_imap_value_is_literal (arg (r, 5)));
  g_assert_cmpstr (kabar_imap_value_get_string (arg (r, 6), &length), ==, "");
  g_assert_cmpuint (length, ==, 0);
  for (guint i = 7; i <= 9; i++)
    {
      g_assert_cmpint (kabar_imap_value_get_kind (arg (r, i)), ==, KABAR_IMAP_VALUE_NIL);
      g_assert_null (kabar_imap_value_get_text (arg (r, i)));
    }
  g_assert_cmpuint (kabar_imap_value_get_list_length (arg (r, 10)), ==, 3);
  g_assert_cmpuint (number_of (kabar_imap_value_get_list_item (kabar_imap_value_get_list_item (kabar_imap_value_get_list_item (arg (r, 10), 1), 1), 0)),
                    ==, 3);
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_value_get_list_item (arg (r, 10), 2)), ==, 0);
  g_assert_null (kabar_imap_value_get_list_item (arg (r, 10), 3));
  g_assert_cmpstr (kabar_imap_value_get_string (arg (r, 11), NULL), ==, "ab\n");
  data = kabar_imap_value_get_string (arg (r, 12), &length);
  g_assert_cmpuint (length, ==, 4);
  g_assert_cmpmem (data, 4, "\1\2\3\4", 4);
  g_assert_true (kabar_imap_value_is_binary (arg (r, 12)));
  bytes = kabar_imap_value_dup_bytes (arg (r, 12));
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "\1\2\3\4", 4);
  g_assert_cmpstr (kabar_imap_value_get_atom (arg (r, 13)), ==, "1:*,5");
  g_assert_null (kabar_imap_value_get_list_item (kabar_imap_response_get_args (r), 14));

  /* Asking a value for another kind answers "not this kind". */
  g_assert_false (kabar_imap_value_get_number (arg (r, 0), &number));
  g_assert_cmpuint (number, ==, 0);
  g_assert_null (kabar_imap_value_get_string (arg (r, 0), NULL));
  g_assert_null (kabar_imap_value_dup_bytes (arg (r, 10)));
  g_assert_cmpuint (kabar_imap_value_get_list_length (arg (r, 0)), ==, 0);
  g_assert_cmpuint (kabar_imap_value_get_streamed_size (arg (r, 0)), ==, 0);
  g_assert_null (kabar_imap_value_get_list_item (NULL, 0));
}

/* The parser's test input above has a NUL in it: strlen would stop there. */
static void
test_values_binary_input (void)
{
  static const char text[] = "* 1 FETCH (BINARY[1] ~{3}\r\na\0b)\r\n";
  g_autoptr(Collector) c = parse_chunked (NULL, (const guint8 *) text, sizeof text - 1, NULL, 0);
  gsize length;
  const char *data;

  g_assert_cmpuint (c->responses->len, ==, 1);
  data = kabar_imap_value_get_string (kabar_imap_response_lookup_fetch_item (response_at (c, 0), "BINARY[1]"),
                                      &length);
  g_assert_cmpmem (data, length, "a\0b", 3);
}

static void
test_section_keys (void)
{
  assert_rendered ("* 1 FETCH (BODY[HEADER.FIELDS (FROM TO)]<0> \"x\")\r\n",
                   "* 1 FETCH (BODY[HEADER.FIELDS (FROM TO)]<0> \"x\")");
  assert_rendered ("* 1 FETCH (BODY[HEADER.FIELDS.NOT (\"X-A]\" Received)] \"x\")\r\n",
                   "* 1 FETCH (BODY[HEADER.FIELDS.NOT (\\\"X-A]\\\" RECEIVED)] \"x\")");
  assert_rendered ("* 1 FETCH (BODY[] \"\" BINARY.SIZE[1.2] 12 BODY[1.2.MIME] NIL)\r\n",
                   "* 1 FETCH (BODY[] \"\" BINARY.SIZE[1.2] 12 BODY[1.2.MIME] NIL)");
  /* A "[" without its "]" is only a character. */
  assert_rendered ("* LIST () \"/\" Odd[name\r\n", "* LIST () \"/\" Odd[name");
}

static void
test_unknown_untagged_kept (void)
{
  g_autoptr(Collector) c = parse ("* XAPPLE-THING foo (bar) \"baz\"\r\n"
                                  "* XWEIRD ))) \"unterminated\r\n"
                                  "* 3 XNUMBERED thing\r\n"
                                  "* XLIT ) {5}\r\nabcde more\r\n"
                                  "* 4 EXISTS\r\n");
  KabarImapResponse *r = response_at (c, 0);
  guint64 number;

  g_assert_cmpuint (c->errors->len, ==, 0);
  g_assert_cmpuint (c->responses->len, ==, 5);
  g_assert_cmpint (kabar_imap_response_get_data_kind (r), ==, KABAR_IMAP_DATA_UNKNOWN);
  g_assert_cmpstr (kabar_imap_response_get_name (r), ==, "XAPPLE-THING");
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "foo (bar) \"baz\"");
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_get_args (r)), ==, 3);

  r = response_at (c, 1);
  g_assert_cmpstr (kabar_imap_response_get_name (r), ==, "XWEIRD");
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "))) \"unterminated");
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_get_args (r)), ==, 0);

  r = response_at (c, 2);
  g_assert_cmpint (kabar_imap_response_get_data_kind (r), ==, KABAR_IMAP_DATA_UNKNOWN);
  g_assert_true (kabar_imap_response_get_number (r, &number));
  g_assert_cmpuint (number, ==, 3);

  /* Its literal is skipped with it, not read as responses. */
  r = response_at (c, 3);
  g_assert_cmpstr (kabar_imap_response_get_name (r), ==, "XLIT");
  g_assert_cmpint (kabar_imap_response_get_data_kind (response_at (c, 4)), ==, KABAR_IMAP_DATA_EXISTS);
}

/* --- Outlook.com and other real-world sloppiness --------------------------- */

static void
test_outlook_replies (void)
{
  g_autoptr(Collector) c = parse (
    "* OK The Microsoft Exchange IMAP4 service is ready. [TQBOADIAUABSADEAMQBDAEEAMAAwADEAOQAuAG4AYQBtAHAAcgBkADEAMQAuAHAAcgBvAGQALgBvAHUAdABsAG8AbwBrAC4AYwBvAG0A]\r\n"
    "* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+\r\n"
    "a0 OK CAPABILITY completed.\r\n"
    "a1 NO Basic authentication is disabled.\r\n"
    "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n"
    "* LIST (\\Marked \\HasNoChildren \\Trash) \"/\" \"Deleted Items\"\r\n"
    "* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $MDNSent)] Permanent flags\r\n"
    "* BAD User is authenticated but not connected.\r\n"
    "* 1 FETCH (UID 12 FLAGS (\\Seen) )\r\n");
  KabarImapResponse *r;

  g_assert_cmpuint (c->errors->len, ==, 0);
  g_assert_cmpuint (c->responses->len, ==, 9);
  r = response_at (c, 0);
  g_assert_cmpint (kabar_imap_response_get_code (r), ==, KABAR_IMAP_CODE_NONE);
  g_assert_true (g_str_has_prefix (kabar_imap_response_get_text (r), "The Microsoft Exchange IMAP4"));
  g_assert_true (g_str_has_suffix (kabar_imap_response_get_text (r), "YwBvAG0A]"));

  r = response_at (c, 1);
  g_assert_cmpint (kabar_imap_response_get_data_kind (r), ==, KABAR_IMAP_DATA_CAPABILITY);
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_get_args (r)), ==, 13);
  g_assert_cmpstr (kabar_imap_value_get_atom (arg (r, 3)), ==, "AUTH=XOAUTH2");

  r = response_at (c, 3);
  g_assert_cmpint (kabar_imap_response_get_status (r), ==, KABAR_IMAP_STATUS_NO);
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "Basic authentication is disabled.");

  r = response_at (c, 4);
  g_assert_true (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (arg (r, 0), 1), "\\Sent"));
  g_assert_cmpstr (kabar_imap_value_get_text (arg (r, 2)), ==, "Sent");
  g_assert_cmpstr (kabar_imap_value_get_text (arg (response_at (c, 5), 2)), ==, "Deleted Items");
  g_assert_cmpint (kabar_imap_response_get_status (response_at (c, 7)), ==, KABAR_IMAP_STATUS_BAD);
  g_assert_cmpuint (number_of (kabar_imap_response_lookup_fetch_item (response_at (c, 8), "UID")), ==, 12);
}

static void
test_sloppy_servers (void)
{
  g_autoptr(Collector) c = parse (
    "*  3   exists  \r\n"
    "* 1 fetch (uid 5  flags ( \\Seen )  body[header] nil)\r\n"
    "* list (\\HasNoChildren)  \"/\"   INBOX\r\n"
    "a1 ok [uidnext 5] Done ] with a bracket\r\n"
    "* 2 FETCH (UID 6)\n"
    "\r\n"
    "* THREAD (1)(2 3)\r\n"
    "* 3 FETCH (BODY[] {3+}\r\nabc)\r\n"
    "* LIST () \"/\" \"C:\\mail\"\r\n"
    "* SEARCH 1 2 \r\n"
    "a2 OK [ALERT]no space after the code\r\n");
  KabarImapResponse *r;
  guint64 number;

  if (c->errors->len > 0 || c->responses->len != 10)
    g_error ("Sloppy input gave:\n%s", c->log->str);
  r = response_at (c, 0);
  g_assert_cmpint (kabar_imap_response_get_data_kind (r), ==, KABAR_IMAP_DATA_EXISTS);
  g_assert_true (kabar_imap_response_get_number (r, &number));
  g_assert_cmpuint (number, ==, 3);

  r = response_at (c, 1);
  g_assert_cmpint (kabar_imap_response_get_data_kind (r), ==, KABAR_IMAP_DATA_FETCH);
  g_assert_cmpuint (number_of (kabar_imap_response_lookup_fetch_item (r, "UID")), ==, 5);
  g_assert_true (kabar_imap_value_is_nil (kabar_imap_response_lookup_fetch_item (r, "BODY[HEADER]")));

  g_assert_cmpint (kabar_imap_response_get_data_kind (response_at (c, 2)), ==, KABAR_IMAP_DATA_LIST);

  r = response_at (c, 3);
  g_assert_cmpint (kabar_imap_response_get_status (r), ==, KABAR_IMAP_STATUS_OK);
  g_assert_cmpint (kabar_imap_response_get_code (r), ==, KABAR_IMAP_CODE_UIDNEXT);
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "Done ] with a bracket");

  g_assert_cmpuint (number_of (kabar_imap_response_lookup_fetch_item (response_at (c, 4), "UID")), ==, 6);
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_get_args (response_at (c, 5))), ==, 2);
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_response_lookup_fetch_item (response_at (c, 6), "BODY[]"), NULL),
                   ==, "abc");
  g_assert_cmpstr (kabar_imap_value_get_text (arg (response_at (c, 7), 2)), ==, "C:\\mail");
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_get_args (response_at (c, 8))), ==, 2);
  g_assert_cmpstr (kabar_imap_response_get_text (response_at (c, 9)), ==, "no space after the code");
}

/* --- Hostile input ---------------------------------------------------------- */

static void
test_hostile_line_too_long (void)
{
  Setup setup = { .max_line = 1000 };
  g_autofree char *line = g_strnfill (2000, 'a');
  g_autofree char *text = g_strdup_printf ("* 1 EXISTS\r\n* OK %s", line);
  g_autoptr(Collector) c = parse_with (&setup, text);

  g_assert_cmpuint (c->responses->len, ==, 1);
  g_assert_nonnull (strstr (c->log->str, "F Malformed IMAP response: a line longer than the limit of 1000 bytes"));
  /* The default is generous enough for "* SEARCH" of a large mailbox. */
  g_assert_cmpuint (KABAR_IMAP_PARSER_DEFAULT_MAX_LINE, >=, 1024 * 1024);
}

static void
test_hostile_nesting_too_deep (void)
{
  g_autofree char *open = g_strnfill (65, '(');
  g_autofree char *close = g_strnfill (65, ')');
  g_autofree char *deep = g_strdup_printf ("* 1 FETCH (X %s)\r\n* 2 EXISTS\r\n", open + 1);
  g_autofree char *fine = g_strdup_printf ("* 1 FETCH (X %s1%s)\r\n", open + 2, close + 2);
  g_autoptr(Collector) c = parse (deep);
  g_autoptr(Collector) ok = parse (fine);

  g_assert_cmpuint (c->errors->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (c->errors, 0),
                            "lists nested deeper than the limit at byte 77 of"));
  /* The next line is parsed again. */
  g_assert_cmpuint (c->responses->len, ==, 1);
  g_assert_cmpuint (ok->errors->len, ==, 0);
  g_assert_cmpuint (ok->responses->len, ==, 1);
}

static void
test_hostile_number_overflow (void)
{
  assert_malformed (NULL, "* 18446744073709551616 EXISTS\r\n", "a message number larger than 2^64 - 1");
  assert_malformed (NULL, "* 1 FETCH (UID 99999999999999999999)\r\n", "a number larger than 2^64 - 1 at byte 16");
  assert_malformed (NULL, "* OK [UIDNEXT 99999999999999999999] x\r\n", "a number larger than 2^64 - 1");
}

static void
test_hostile_literal_too_large (void)
{
  Setup small = { .max_literal = 1000 };

  assert_malformed (NULL, "* 1 FETCH (BODY[] {3000000000}\r\n",
                    "F Malformed IMAP response: a literal of 3000000000 bytes, more than the limit of 2147483648");
  assert_malformed (NULL, "* 1 FETCH (BODY[] ~{99999999999999999999999}\r\n",
                    "a literal of over 2^64 bytes");
  assert_malformed (&small, "* 1 FETCH (BODY[] {1001}\r\n", "more than the limit of 1000");
  /* A broken line's literal is skipped only within the limit too. */
  assert_malformed (&small, "* 1 FETCH (\"x {1001}\r\n", "F Malformed IMAP response: a literal larger than the limit");
}

static void
test_hostile_response_too_large (void)
{
  Setup setup = { .max_response = 64 * 1024 };
  g_autoptr(GString) text = g_string_new ("* SEARCH");
  g_autoptr(Collector) c = NULL;

  for (guint i = 0; i < 50000; i++)
    g_string_append (text, " 1");
  g_string_append (text, "\r\n");
  c = parse_with (&setup, text->str);
  g_assert_cmpuint (c->responses->len, ==, 0);
  g_assert_nonnull (strstr (c->log->str, "F Malformed IMAP response: a response larger than the memory limit"));
  g_clear_pointer (&c, collector_free);

  /* Many small literals in one response add up as well. */
  g_string_assign (text, "* 1 FETCH (");
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *body = g_strnfill (1000, 'x');

      g_string_append_printf (text, "BODY[%u] {1000}\r\n%s ", i, body);
    }
  g_string_append (text, ")\r\n");
  c = parse_with (&setup, text->str);
  g_assert_cmpuint (c->responses->len, ==, 0);
  g_assert_nonnull (strstr (c->log->str, "F Malformed IMAP response: a response larger than the memory limit"));
}

static void
test_hostile_malformed_lines (void)
{
  static const struct
  {
    const char *text;
    const char *reason;
  } cases[] = {
    { "* 1 FETCH (ENVELOPE (\"unterminated)\r\n", "a quoted string without its closing quote at byte 22" },
    { "* 1 FETCH (UID 1))\r\n", "“)” without “(” at byte 18" },
    { "* 1 FETCH (UID 1\r\n", "“(” without “)” at byte 17" },
    { "a1 MAYBE later\r\n", "a tagged response that is not OK, NO or BAD at byte 4" },
    { "a1 PREAUTH x\r\n", "a tagged response that is not OK, NO or BAD" },
    { "* 1 FETCH (UID 1 FLAGS)\r\n", "a FETCH item without a value" },
    { "* 1 FETCH UID 1\r\n", "a FETCH response that is not one list of items" },
    { "* 1 FETCH (\"UID\" 1)\r\n", "a FETCH item whose name is not an atom" },
    { "* FETCH (UID 1)\r\n", "a message data response without its message number" },
    { "* 5\r\n", "a message number without a keyword" },
    { "*\r\n", "an untagged response without a keyword" },
    { "(a1 OK\r\n", "a response that starts with neither a tag" },
    { "* LIST () \"/\" {5} x\r\n", "a literal announcement before the end of the line" },
    { "* LIST () \"/\" {x}\r\n", "a literal without its size" },
    { "* LIST () \"/\" {5\r\n", "a literal size without its “}”" },
    { "* OK [UIDVALIDITY abc] x\r\n", "a response code that needs one number" },
    { "* OK [UIDNEXT] x\r\n", "a response code that needs one number" },
    { "a1 OK [COPYUID 1 2] x\r\n", "[COPYUID] that is not a UIDVALIDITY and two UID sets" },
    { "a1 OK [APPENDUID x 2] x\r\n", "[APPENDUID] that is not a UIDVALIDITY and a UID set" },
    { "* OK [PERMANENTFLAGS \\Seen] x\r\n", "[PERMANENTFLAGS] without a list of flags" },
    { "* OK [CAPABILITY IMAP4rev1 \"x\"] x\r\n", "[CAPABILITY] with something else than atoms" },
    { "* OK [CAPABILITY IMAP4rev1 {5}] x\r\n", "a literal inside a response code" },
    { "* OK [PERMANENTFLAGS (\\Seen] x\r\n", "a response code with “(” but not “)”" },
    { "* LIST (\\Sent\x01) \"/\" x\r\n", "an unexpected character at byte 14" },
    { "* 1 FETCH (X \"a\rb\")\r\n", "a control character in a quoted string" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("%s* 99 EXISTS\r\n", cases[i].text);
      g_autoptr(Collector) c = parse (text);

      if (c->errors->len != 1 || strstr (g_ptr_array_index (c->errors, 0), cases[i].reason) == NULL)
        g_error ("“%s”: expected “%s”, got:\n%s", cases[i].text, cases[i].reason, c->log->str);
      /* Resynchronised: the next line is a response again. */
      g_assert_cmpuint (c->responses->len, ==, 1);
      g_assert_cmpint (kabar_imap_response_get_data_kind (response_at (c, 0)), ==, KABAR_IMAP_DATA_EXISTS);
    }
}

/* The NUL cases, which a C string cannot carry. */
static void
test_hostile_nul_bytes (void)
{
  static const char status[] = "* OK hello\0world\r\n* 1 EXISTS\r\n";
  static const char quoted[] = "* LIST () \"/\" \"a\0b\"\r\n* 1 EXISTS\r\n";
  g_autoptr(Collector) a = parse_chunked (NULL, (const guint8 *) status, sizeof status - 1, NULL, 0);
  g_autoptr(Collector) b = parse_chunked (NULL, (const guint8 *) quoted, sizeof quoted - 1, NULL, 0);

  g_assert_cmpuint (a->errors->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (a->errors, 0), "a NUL byte in text at byte 11"));
  g_assert_cmpuint (a->responses->len, ==, 1);
  g_assert_cmpuint (b->errors->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (b->errors, 0), "a control character in a quoted string"));
}

/* A broken line's literal is data, never responses: a message body that
 * holds "a1 OK" must not complete a command. */
static void
test_resync_skips_literal_of_broken_response (void)
{
  g_autoptr(Collector) c = parse ("* 1 FETCH (UID 1 BODY[] \"oops {24}\r\n"
                                  "a1 OK fake\r\n* 9 EXISTS\r\n"
                                  " X {12}\r\n"
                                  "a2 OK fake\r\n"
                                  ")\r\n"
                                  "* 2 EXISTS\r\n");

  g_assert_cmpuint (c->errors->len, ==, 1);
  g_assert_cmpuint (c->responses->len, ==, 1);
  g_assert_cmpstr (c->log->str, ==,
                   "M Malformed IMAP response: a quoted string without its closing quote at byte 25 of "
                   "“* 1 FETCH (UID 1 BODY[] \"oops {24}”\n"
                   "R * 2 EXISTS\n");
}

static void
test_strict_malformed_is_fatal (void)
{
  Setup strict = { .strict = TRUE };
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(KabarImapParser) parser = parser_new (&strict, c);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  const char *text = "* 1 EXISTS\r\n* 1 FETCH (UID\r\n* 2 EXISTS\r\n";

  g_assert_false (kabar_imap_parser_feed (parser, (const guint8 *) text, strlen (text), &error));
  g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_PARSE);
  g_assert_cmpuint (c->responses->len, ==, 1);
  g_assert_false (kabar_imap_parser_feed (parser, (const guint8 *) "* 3 EXISTS\r\n", 12, &again));
  g_assert_cmpstr (again->message, ==, error->message);
  g_assert_cmpuint (c->responses->len, ==, 1);

  kabar_imap_parser_reset (parser);
  g_assert_true (kabar_imap_parser_feed (parser, (const guint8 *) "* 3 EXISTS\r\n", 12, NULL));
  g_assert_cmpuint (c->responses->len, ==, 2);
}

/* --- Streaming and chunking ------------------------------------------------- */

static void
test_literal_streamed_5mb (void)
{
  const gsize size = 5 * 1024 * 1024;
  g_autofree guint8 *body = g_malloc (size);
  g_autofree char *head = g_strdup_printf ("* 7 FETCH (UID 4242 BODY[] {%" G_GSIZE_FORMAT "}\r\n", size);
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(KabarImapParser) parser = parser_new (NULL, c);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  g_autofree char *expected = NULL;
  const KabarImapValue *value;
  const char *tail = " FLAGS (\\Seen))\r\n";

  for (gsize i = 0; i < size; i++)
    body[i] = (guint8) (i * 7 + i / 1000);
  g_checksum_update (sum, body, (gssize) size);

  g_assert_true (kabar_imap_parser_feed (parser, (const guint8 *) head, strlen (head), NULL));
  g_assert_cmpuint (c->info.size, ==, size);
  for (gsize pos = 0; pos < size; pos += 65536)
    g_assert_true (kabar_imap_parser_feed (parser, body + pos, MIN (65536, size - pos), NULL));
  g_assert_true (kabar_imap_parser_feed (parser, (const guint8 *) tail, strlen (tail), NULL));

  g_assert_cmpuint (c->responses->len, ==, 1);
  g_assert_cmpuint (c->info.id, ==, 1);
  g_assert_cmpuint (c->info.number, ==, 7);
  g_assert_cmpuint (c->info.uid, ==, 4242);
  g_assert_cmpstr (c->info_key, ==, "BODY[]");
  g_assert_cmpstr (c->info_name, ==, "FETCH");
  g_assert_null (c->info_tag);
  g_assert_false (c->info.binary);
  g_assert_cmpuint (c->literal_bytes, ==, size);
  expected = g_strdup_printf ("E #1 %" G_GSIZE_FORMAT " %s\n", size, g_checksum_get_string (sum));
  g_assert_nonnull (strstr (c->log->str, expected));
  /* Never held whole: the chunks went through as they came. */
  g_assert_cmpuint (c->n_chunks, ==, size / 65536);
  g_assert_cmpuint (c->max_buffered, <, 64 * 1024);

  value = kabar_imap_response_lookup_fetch_item (response_at (c, 0), "BODY[]");
  g_assert_cmpint (kabar_imap_value_get_kind (value), ==, KABAR_IMAP_VALUE_STREAMED);
  g_assert_cmpuint (kabar_imap_value_get_streamed_size (value), ==, size);
  g_assert_cmpuint (kabar_imap_value_get_stream_id (value), ==, 1);
  g_assert_true (kabar_imap_value_is_literal (value));
  g_assert_null (kabar_imap_value_get_string (value, NULL));
  g_assert_null (kabar_imap_value_dup_bytes (value));
  g_assert_cmpuint (number_of (kabar_imap_response_lookup_fetch_item (response_at (c, 0), "UID")), ==, 4242);
}

static void
test_literal_threshold (void)
{
  Setup setup = { .stream_threshold = 4 };
  g_autoptr(Collector) c = parse_with (&setup,
                                       "* 1 FETCH (BODY[1] {4}\r\nabcd BINARY[2] ~{5}\r\nab\tde UID 9)\r\n"
                                       "* 2 FETCH (UID 10 BODY[1] {0}\r\n)\r\n");
  KabarImapResponse *r = response_at (c, 0);
  const KabarImapValue *kept = kabar_imap_response_lookup_fetch_item (r, "BODY[1]");
  const KabarImapValue *streamed = kabar_imap_response_lookup_fetch_item (r, "BINARY[2]");

  g_assert_cmpint (kabar_imap_value_get_kind (kept), ==, KABAR_IMAP_VALUE_STRING);
  g_assert_cmpint (kabar_imap_value_get_kind (streamed), ==, KABAR_IMAP_VALUE_STREAMED);
  g_assert_true (kabar_imap_value_is_binary (streamed));
  g_assert_true (c->info.binary);
  g_assert_cmpstr (c->info_key, ==, "BINARY[2]");
  /* The UID came after the literal. */
  g_assert_cmpuint (c->info.uid, ==, 0);
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_response_lookup_fetch_item (response_at (c, 1), "BODY[1]"),
                                                NULL), ==, "");
}

static void
test_pause_after_response (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(KabarImapParser) parser = parser_new (NULL, c);
  const char *text = "* OK ready\r\na1 OK Begin TLS negotiation now\r\n\x16\x03\x01 not IMAP";
  gsize consumed = 0;

  c->pause_on_tagged = TRUE;
  g_assert_true (kabar_imap_parser_feed_until_paused (parser, (const guint8 *) text, strlen (text),
                                                      &consumed, NULL));
  g_assert_cmpuint (consumed, ==, strlen ("* OK ready\r\na1 OK Begin TLS negotiation now\r\n"));
  g_assert_cmpuint (c->responses->len, ==, 2);
  g_assert_true (kabar_imap_parser_is_between_responses (parser));
}

/* Plain text that came with "OK Begin TLS" would be taken as coming from
 * inside TLS: the connection can tell. */
static void
test_between_responses (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(KabarImapParser) parser = parser_new (NULL, c);

  g_assert_true (kabar_imap_parser_is_between_responses (parser));
  g_assert_true (kabar_imap_parser_feed (parser, (const guint8 *) "a1 OK Begin TLS\r\n* 1 EXI", 24, NULL));
  g_assert_false (kabar_imap_parser_is_between_responses (parser));
  g_assert_cmpuint (kabar_imap_parser_get_buffered_size (parser), ==, 7);
  g_assert_true (kabar_imap_parser_feed (parser, (const guint8 *) "STS\r\n* 1 FETCH (BODY[] {5}\r\nab", 30, NULL));
  g_assert_false (kabar_imap_parser_is_between_responses (parser));
  g_assert_true (kabar_imap_parser_feed (parser, (const guint8 *) "cde)\r\n", 6, NULL));
  g_assert_true (kabar_imap_parser_is_between_responses (parser));
  g_assert_cmpuint (kabar_imap_parser_get_buffered_size (parser), ==, 0);
  g_assert_cmpuint (c->responses->len, ==, 3);
}

/* Responses outlive the parser: they are reference counted on their own. */
static void
test_response_outlives_parser (void)
{
  KabarImapResponse *kept;
  g_autofree char *rendered = NULL;

  {
    g_autoptr(Collector) c = parse ("* 1 FETCH (UID 5 BODY[] {3}\r\nabc)\r\n");

    kept = kabar_imap_response_ref (response_at (c, 0));
  }
  rendered = kabar_imap_response_to_string (kept);
  g_assert_cmpstr (rendered, ==, "* 1 FETCH (UID 5 BODY[] {3}\"abc\")");
  g_assert_true (g_type_is_a (KABAR_TYPE_IMAP_RESPONSE, G_TYPE_BOXED));
  kabar_imap_response_unref (kept);
}

/* --- Fixtures: the captured replies and the inline cases -------------------- */

static const char *const inline_fixtures[] = {
  "a1 OK [READ-WRITE] SELECT completed\r\na2 NO [TRYCREATE] No\r\n* 1 FETCH (UID 1 BODY[] {5}\r\nab\r\nc)\r\n",
  "* 12 FETCH (UID 4827313 BODY[HEADER.FIELDS (FROM TO)]<0> {13}\r\nFrom: a@b.c\r\n BINARY[1] ~{3}\r\nx\ry)\r\n",
  "* LIST () \"/\" {11}\r\nKotak Masuk\r\n* XLIT ) {5}\r\nabcde more\r\n* 4 EXISTS\r\n",
  "* 1 FETCH (UID 1 BODY[] \"oops {24}\r\na1 OK fake\r\n* 9 EXISTS\r\n X {12}\r\na2 OK fake\r\n)\r\n* 2 EXISTS\r\n",
  "*  3   exists  \r\n* 1 fetch (uid 5  flags ( \\Seen )  body[header] nil)\r\n* 2 FETCH (UID 6)\n\r\n",
  "* 1 FETCH (UID 1 FLAGS)\r\na1 MAYBE\r\n* OK [UIDVALIDITY x] y\r\n+ go on\r\n* 1 FETCH (BODY[] {0}\r\n)\r\n",
  "* 1 FETCH (X ((((((((((((((((((((1))))))))))))))))))))\r\n* SEARCH 1 2 3 (MODSEQ 4)\r\n",
};

static GPtrArray *
captured_fixtures (void)
{
  g_autofree char *directory = g_test_build_filename (G_TEST_DIST, "data", "imap", NULL);
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".txt"))
      g_ptr_array_add (names, g_build_filename (directory, name, NULL));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >=, 8);
  return names;
}

static GBytes *
load_fixture (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static Collector *
parse_fixture (const Setup *setup,
               const char  *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "imap", name, NULL);
  g_autoptr(GBytes) bytes = load_fixture (path);
  Collector *c = parse_chunked (setup, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, 0);

  if (c->errors->len > 0 || strstr (c->log->str, "\nF ") != NULL)
    g_error ("%s did not parse cleanly:\n%s", name, c->log->str);
  return c;
}

static void
assert_chunking_invariant (const Setup  *setup,
                           const guint8 *data,
                           gsize         length,
                           const char   *what)
{
  static const gsize one[] = { 1 };
  static const gsize odd[] = { 3, 1, 7, 2, 64, 5 };
  g_autoptr(Collector) whole = parse_chunked (setup, data, length, NULL, 0);
  g_autoptr(Collector) bytewise = parse_chunked (setup, data, length, one, 1);
  g_autoptr(Collector) uneven = parse_chunked (setup, data, length, odd, G_N_ELEMENTS (odd));

  g_assert_cmpuint (whole->log->len, >, 0);
  if (strcmp (whole->log->str, bytewise->log->str) != 0)
    g_error ("%s: byte at a time differs.\nWhole:\n%s\nBytewise:\n%s", what, whole->log->str,
             bytewise->log->str);
  g_assert_cmpstr (whole->log->str, ==, uneven->log->str);

  /* Split once at every byte: a literal, a CRLF, a token cut anywhere. */
  for (gsize split = 1; split < length; split++)
    {
      gsize chunks[2] = { split, length };
      g_autoptr(Collector) two = parse_chunked (setup, data, length, chunks, 2);

      if (strcmp (whole->log->str, two->log->str) != 0)
        g_error ("%s: split at %" G_GSIZE_FORMAT " differs.\nWhole:\n%s\nSplit:\n%s", what, split,
                 whole->log->str, two->log->str);
    }
}

static void
test_split_at_every_byte (void)
{
  g_autoptr(GPtrArray) files = captured_fixtures ();
  const Setup streaming = { .stream_threshold = 8 };
  const Setup strict = { .strict = TRUE, .stream_threshold = 8 };

  for (guint i = 0; i < G_N_ELEMENTS (inline_fixtures); i++)
    {
      const guint8 *data = (const guint8 *) inline_fixtures[i];

      assert_chunking_invariant (NULL, data, strlen (inline_fixtures[i]), inline_fixtures[i]);
      assert_chunking_invariant (&streaming, data, strlen (inline_fixtures[i]), inline_fixtures[i]);
      assert_chunking_invariant (&strict, data, strlen (inline_fixtures[i]), inline_fixtures[i]);
    }
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GBytes) bytes = load_fixture (path);

      assert_chunking_invariant (NULL, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), path);
      assert_chunking_invariant (&streaming, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), path);
    }
}

/* Every captured file parses without an error, and every response is what
 * a line-by-line reading says it is. */
static void
test_captured_all_parse (void)
{
  g_autoptr(GPtrArray) files = captured_fixtures ();

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *name = g_path_get_basename (g_ptr_array_index (files, i));
      g_autoptr(Collector) c = parse_fixture (NULL, name);

      g_assert_cmpuint (c->responses->len, >, 2);
      /* The greeting */
      g_assert_cmpint (kabar_imap_response_get_status (response_at (c, 0)), ==, KABAR_IMAP_STATUS_OK);
      g_assert_cmpint (kabar_imap_response_get_code (response_at (c, 0)), ==, KABAR_IMAP_CODE_CAPABILITY);
    }
}

static KabarImapResponse *
find_response (Collector  *c,
               const char *tag_or_name,
               guint       nth)
{
  for (guint i = 0; i < c->responses->len; i++)
    {
      KabarImapResponse *r = response_at (c, i);

      if (g_strcmp0 (kabar_imap_response_get_tag (r), tag_or_name) == 0 ||
          g_strcmp0 (kabar_imap_response_get_name (r), tag_or_name) == 0)
        {
          if (nth-- == 0)
            return r;
        }
    }
  g_error ("No %s response", tag_or_name);
}

static gboolean
args_contain_atom (KabarImapResponse *r,
                   const char        *atom)
{
  const KabarImapValue *args = kabar_imap_response_get_args (r);

  for (guint i = 0; i < kabar_imap_value_get_list_length (args); i++)
    if (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (args, i), atom))
      return TRUE;
  return FALSE;
}

static void
test_captured_login_capability (void)
{
  g_autoptr(Collector) c = parse_fixture (NULL, "login-capability.txt");
  KabarImapResponse *r = find_response (c, "CAPABILITY", 1);
  const KabarImapValue *quota;

  g_assert_true (args_contain_atom (r, "IMAP4rev1"));
  g_assert_true (args_contain_atom (r, "CONDSTORE"));
  g_assert_true (args_contain_atom (r, "QRESYNC"));
  g_assert_true (args_contain_atom (r, "SPECIAL-USE"));
  g_assert_true (args_contain_atom (r, "LIST-STATUS"));
  g_assert_true (args_contain_atom (find_response (c, "CAPABILITY", 0), "AUTH=PLAIN"));
  g_assert_cmpint (kabar_imap_response_get_status (find_response (c, "a2", 0)), ==, KABAR_IMAP_STATUS_OK);
  g_assert_cmpstr (kabar_imap_response_get_text (find_response (c, "a2", 0)), ==, "Logged in");

  r = find_response (c, "ID", 0);
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_value_get_list_item (arg (r, 0), 1), NULL), ==, "Dovecot");
  r = find_response (c, "NAMESPACE", 0);
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_value_get_list_item (kabar_imap_value_get_list_item (arg (r, 0), 0), 1), NULL),
                   ==, "/");
  g_assert_true (kabar_imap_value_is_nil (arg (r, 1)));
  r = find_response (c, "ENABLED", 0);
  g_assert_true (args_contain_atom (r, "QRESYNC"));
  g_assert_true (args_contain_atom (r, "CONDSTORE"));
  r = find_response (c, "QUOTA", 0);
  g_assert_cmpint (kabar_imap_response_get_data_kind (r), ==, KABAR_IMAP_DATA_QUOTA);
  quota = arg (r, 1);
  g_assert_true (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (quota, 0), "STORAGE"));
  g_assert_cmpuint (number_of (kabar_imap_value_get_list_item (quota, 2)), ==, 10485760);
  g_assert_cmpint (kabar_imap_response_get_data_kind (find_response (c, "QUOTAROOT", 0)), ==,
                   KABAR_IMAP_DATA_QUOTAROOT);
}

static void
test_captured_list_special_use_status (void)
{
  g_autoptr(Collector) c = parse_fixture (NULL, "list-special-use-status.txt");
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) roles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  static const char *const expected_roles[][2] = {
    { "Sent", "\\Sent" }, { "Drafts", "\\Drafts" }, { "Trash", "\\Trash" }, { "Junk", "\\Junk" },
    { "Archive", "\\Archive" },
  };
  guint n_status = 0;
  KabarImapResponse *inbox = NULL;

  for (guint i = 0; i < c->responses->len; i++)
    {
      KabarImapResponse *r = response_at (c, i);

      if (kabar_imap_response_get_data_kind (r) == KABAR_IMAP_DATA_LIST)
        {
          const KabarImapValue *attributes = arg (r, 0);
          char *name = kabar_imap_utf7_decode (kabar_imap_value_get_text (arg (r, 2)), NULL);

          g_assert_nonnull (name);
          g_assert_cmpstr (kabar_imap_value_get_string (arg (r, 1), NULL), ==, "/");
          for (guint a = 0; a < kabar_imap_value_get_list_length (attributes); a++)
            {
              const char *attribute = kabar_imap_value_get_atom (kabar_imap_value_get_list_item (attributes, a));

              if (strcmp (attribute, "\\Subscribed") != 0 && strcmp (attribute, "\\HasNoChildren") != 0 &&
                  strcmp (attribute, "\\Noselect") != 0)
                g_hash_table_insert (roles, g_strdup (name), g_strdup (attribute));
            }
          g_hash_table_add (names, name);
        }
      else if (kabar_imap_response_get_data_kind (r) == KABAR_IMAP_DATA_STATUS)
        {
          n_status++;
          if (g_strcmp0 (kabar_imap_value_get_text (arg (r, 0)), "INBOX") == 0)
            inbox = r;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (expected_roles); i++)
    g_assert_cmpstr (g_hash_table_lookup (roles, expected_roles[i][0]), ==, expected_roles[i][1]);
  g_assert_true (g_hash_table_contains (names, "日本語"));
  g_assert_true (g_hash_table_contains (names, "इनबॉक्स"));
  g_assert_true (g_hash_table_contains (names, "Entwürfe"));
  g_assert_true (g_hash_table_contains (names, "Kotak Masuk"));
  g_assert_true (g_hash_table_contains (names, "Projects/Kabar"));
  g_assert_true (g_hash_table_contains (names, "INBOX"));
  /* LIST-STATUS: one STATUS per selectable mailbox, then STATUS itself. */
  g_assert_cmpuint (n_status, ==, 12);
  g_assert_nonnull (inbox);
  g_assert_true (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (arg (inbox, 1), 0), "MESSAGES"));
  g_assert_cmpuint (number_of (kabar_imap_value_get_list_item (arg (inbox, 1), 1)), ==, 5);
  g_assert_cmpint (kabar_imap_response_get_data_kind (find_response (c, "LSUB", 5)), ==, KABAR_IMAP_DATA_LSUB);
}

static void
test_captured_select_condstore_fetch_envelope (void)
{
  g_autoptr(Collector) c = parse_fixture (NULL, "select-condstore-fetch-envelope.txt");
  KabarImapResponse *r;
  const KabarImapValue *envelope;
  const KabarImapValue *to;
  const KabarImapValue *body;
  guint n_codes = 0;
  guint64 number;

  for (guint i = 0; i < c->responses->len; i++)
    {
      KabarImapCode code;

      r = response_at (c, i);
      code = kabar_imap_response_get_code (r);
      if (code == KABAR_IMAP_CODE_UIDVALIDITY || code == KABAR_IMAP_CODE_UIDNEXT ||
          code == KABAR_IMAP_CODE_HIGHESTMODSEQ || code == KABAR_IMAP_CODE_UNSEEN)
        {
          g_assert_true (kabar_imap_response_get_code_number (r, &number));
          g_assert_cmpuint (number, >, 0);
          n_codes++;
        }
      else if (code == KABAR_IMAP_CODE_PERMANENTFLAGS)
        {
          g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_value_get_list_item (kabar_imap_response_get_code_args (r), 0)),
                            ==, 6);
          n_codes++;
        }
      else if (code == KABAR_IMAP_CODE_READ_WRITE)
        {
          g_assert_cmpstr (kabar_imap_response_get_tag (r), ==, "a2");
          n_codes++;
        }
    }
  g_assert_cmpuint (n_codes, ==, 6);

  for (guint i = 0; i < 5; i++)
    {
      r = find_response (c, "FETCH", i);
      g_assert_true (kabar_imap_response_get_number (r, &number));
      g_assert_cmpuint (number, ==, i + 1);
      g_assert_cmpuint (number_of (kabar_imap_response_lookup_fetch_item (r, "UID")), ==, i + 1);
      g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_lookup_fetch_item (r, "ENVELOPE")), ==, 10);
      g_assert_cmpint (kabar_imap_value_get_kind (kabar_imap_response_lookup_fetch_item (r, "BODYSTRUCTURE")), ==,
                       KABAR_IMAP_VALUE_LIST);
      g_assert_nonnull (kabar_imap_value_get_string (kabar_imap_response_lookup_fetch_item (r, "INTERNALDATE"), NULL));
      g_assert_true (kabar_imap_value_get_number (kabar_imap_response_lookup_fetch_item (r, "RFC822.SIZE"), NULL));
      g_assert_true (kabar_imap_value_get_number (kabar_imap_value_get_list_item (kabar_imap_response_lookup_fetch_item (r, "MODSEQ"), 0),
                                                  NULL));
    }

  r = find_response (c, "FETCH", 0);
  envelope = kabar_imap_response_lookup_fetch_item (r, "ENVELOPE");
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_value_get_list_item (envelope, 1), NULL), ==, "Hello from Kabar");
  /* Dovecot sends a display name with quotes in it as a literal. */
  to = kabar_imap_value_get_list_item (kabar_imap_value_get_list_item (envelope, 5), 1);
  g_assert_true (kabar_imap_value_is_literal (kabar_imap_value_get_list_item (to, 0)));
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_value_get_list_item (to, 0), NULL), ==, "Tim \"the\" Tester");
  g_assert_true (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (kabar_imap_response_lookup_fetch_item (r, "FLAGS"), 0),
                                           "\\Flagged"));

  /* Raw 8-bit subject, also a literal. */
  r = find_response (c, "FETCH", 2);
  envelope = kabar_imap_response_lookup_fetch_item (r, "ENVELOPE");
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_value_get_list_item (envelope, 1), NULL), ==,
                   "Raw 8-bit Überraschung and a \"quote\" \\ backslash");
  body = kabar_imap_response_lookup_fetch_item (r, "BODYSTRUCTURE");
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_value_get_list_item (body, 2), NULL), ==, "alternative");
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_value_get_list_item (kabar_imap_value_get_list_item (body, 1), 2), NULL),
                   ==, "related");

  /* No Date: header */
  envelope = kabar_imap_response_lookup_fetch_item (find_response (c, "FETCH", 4), "ENVELOPE");
  g_assert_true (kabar_imap_value_is_nil (kabar_imap_value_get_list_item (envelope, 0)));

  /* CHANGEDSINCE gives FLAGS and MODSEQ, with the UID. */
  r = find_response (c, "FETCH", 9);
  g_assert_cmpuint (number_of (kabar_imap_response_lookup_fetch_item (r, "UID")), ==, 5);
  g_assert_nonnull (kabar_imap_response_lookup_fetch_item (r, "MODSEQ"));
}

static void
test_captured_fetch_body_sections (void)
{
  g_autoptr(Collector) c = parse_fixture (NULL, "fetch-body-sections.txt");
  KabarImapResponse *r = find_response (c, "FETCH", 0);
  const KabarImapValue *value;
  gsize length;
  const char *data;
  g_autofree guchar *attachment = NULL;
  gsize attachment_length;

  value = kabar_imap_response_lookup_fetch_item (r, "BODY[]");
  data = kabar_imap_value_get_string (value, &length);
  g_assert_cmpuint (length, ==, 668);
  g_assert_true (g_str_has_prefix (data, "From: =?UTF-8?B?"));
  g_assert_true (g_str_has_suffix (data, "--b1--\r\n"));
  data = kabar_imap_value_get_string (kabar_imap_response_lookup_fetch_item (r, "BODY[HEADER.FIELDS (FROM TO SUBJECT)]"),
                                      &length);
  g_assert_cmpuint (length, ==, 146);
  g_assert_true (g_str_has_suffix (data, "\r\n\r\n"));
  data = kabar_imap_value_get_string (kabar_imap_response_lookup_fetch_item (r, "BODY[1.MIME]"), NULL);
  g_assert_true (g_str_has_prefix (data, "Content-Type: text/plain; charset=utf-8\r\n"));
  kabar_imap_value_get_string (kabar_imap_response_lookup_fetch_item (r, "BODY[TEXT]<0>"), &length);
  g_assert_cmpuint (length, ==, 32);
  g_assert_cmpuint (number_of (kabar_imap_response_lookup_fetch_item (r, "BINARY.SIZE[2]")), ==, 41);

  /* BINARY: the decoded attachment, NULs and all, as a literal8. */
  value = kabar_imap_response_lookup_fetch_item (r, "BINARY[2]");
  g_assert_true (kabar_imap_value_is_binary (value));
  data = kabar_imap_value_get_string (value, &length);
  attachment = g_base64_decode ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8AAAAAS2FiYXI=", &attachment_length);
  g_assert_cmpmem (data, length, attachment, attachment_length);

  r = find_response (c, "FETCH", 1);
  value = kabar_imap_response_lookup_fetch_item (r, "BODY");
  g_assert_cmpuint (kabar_imap_value_get_list_length (value), ==, 3);
  g_assert_nonnull (kabar_imap_response_lookup_fetch_item (r, "BODY[HEADER]"));
  g_assert_nonnull (kabar_imap_response_lookup_fetch_item (find_response (c, "FETCH", 2), "RFC822.HEADER"));
}

/* The same real replies with a tiny stream threshold: bodies come through
 * the literal callbacks with what they belong to. */
static void
test_captured_fetch_body_sections_streamed (void)
{
  const Setup setup = { .stream_threshold = 100 };
  g_autoptr(Collector) c = parse_fixture (&setup, "fetch-body-sections.txt");

  g_assert_nonnull (strstr (c->log->str, "B #1 668 text - FETCH 2 BODY[] 2\n"));
  g_assert_nonnull (strstr (c->log->str, "B #2 146 text - FETCH 2 BODY[HEADER.FIELDS (FROM TO SUBJECT)] 2\n"));
  g_assert_nonnull (strstr (c->log->str, "B #3 262 text - FETCH 3 BODY[HEADER] 3\n"));
  g_assert_nonnull (strstr (c->log->str, "B #4 297 text - FETCH 1 RFC822.HEADER 0\n"));
  g_assert_cmpint (kabar_imap_value_get_kind (kabar_imap_response_lookup_fetch_item (find_response (c, "FETCH", 0), "BODY[]")),
                   ==, KABAR_IMAP_VALUE_STREAMED);
  g_assert_cmpint (kabar_imap_value_get_kind (kabar_imap_response_lookup_fetch_item (find_response (c, "FETCH", 0), "BODY[1.MIME]")),
                   ==, KABAR_IMAP_VALUE_STRING);
}

static void
test_captured_search_esearch (void)
{
  g_autoptr(Collector) c = parse_fixture (NULL, "search-esearch.txt");
  KabarImapResponse *r = find_response (c, "ESEARCH", 0);
  const KabarImapValue *correlator = arg (r, 0);

  g_assert_true (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (correlator, 0), "TAG"));
  g_assert_cmpstr (kabar_imap_value_get_string (kabar_imap_value_get_list_item (correlator, 1), NULL), ==, "a3");
  g_assert_true (kabar_imap_value_is_atom (arg (r, 1), "UID"));
  for (guint i = 2; i + 1 < kabar_imap_value_get_list_length (kabar_imap_response_get_args (r)); i += 2)
    if (kabar_imap_value_is_atom (arg (r, i), "ALL"))
      g_assert_cmpstr (kabar_imap_value_get_text (arg (r, i + 1)), ==, "1:5");
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_get_args (find_response (c, "ESEARCH", 2))), ==, 2);

  r = find_response (c, "SEARCH", 0);
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_get_args (r)), ==, 3);
  g_assert_cmpuint (number_of (arg (r, 2)), ==, 5);
  r = find_response (c, "SEARCH", 1);
  g_assert_cmpint (kabar_imap_value_get_kind (arg (r, 5)), ==, KABAR_IMAP_VALUE_LIST);
  g_assert_cmpint (kabar_imap_response_get_data_kind (find_response (c, "SORT", 0)), ==, KABAR_IMAP_DATA_SORT);
  r = find_response (c, "THREAD", 0);
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_get_args (r)), ==, 4);
}

static void
test_captured_store_append_copy_vanished (void)
{
  g_autoptr(Collector) c = parse_fixture (NULL, "store-append-copy-vanished.txt");
  KabarImapResponse *r = find_response (c, "a6", 0);
  const KabarImapValue *args = kabar_imap_response_get_code_args (r);
  guint64 number;

  g_assert_cmpint (kabar_imap_response_get_code (r), ==, KABAR_IMAP_CODE_APPENDUID);
  g_assert_true (kabar_imap_response_get_code_number (r, &number));
  g_assert_cmpuint (number, >, 0);
  g_assert_cmpstr (kabar_imap_value_get_text (kabar_imap_value_get_list_item (args, 1)), ==, "1");

  r = find_response (c, "a7", 0);
  g_assert_cmpint (kabar_imap_response_get_code (r), ==, KABAR_IMAP_CODE_COPYUID);
  g_assert_cmpstr (kabar_imap_value_get_text (kabar_imap_value_get_list_item (kabar_imap_response_get_code_args (r), 1)),
                   ==, "1:2");

  g_assert_cmpint (kabar_imap_response_get_code (find_response (c, "a5", 0)), ==, KABAR_IMAP_CODE_MODIFIED);

  r = find_response (c, "VANISHED", 0);
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_response_get_args (r)), ==, 1);
  g_assert_cmpuint (number_of (arg (r, 0)), ==, 4);
  /* UID MOVE: the COPYUID comes untagged, before the VANISHED. */
  r = find_response (c, "OK", 7);
  g_assert_cmpint (kabar_imap_response_get_code (r), ==, KABAR_IMAP_CODE_COPYUID);
  g_assert_cmpint (kabar_imap_response_get_code (find_response (c, "a10", 0)), ==, KABAR_IMAP_CODE_HIGHESTMODSEQ);

  for (guint i = 0; i < c->responses->len; i++)
    if (kabar_imap_response_get_kind (response_at (c, i)) == KABAR_IMAP_RESPONSE_CONTINUATION)
      return;
  g_error ("APPEND's continuation is missing");
}

static void
test_captured_select_qresync_vanished (void)
{
  g_autoptr(Collector) c = parse_fixture (NULL, "select-qresync-vanished.txt");
  KabarImapResponse *r = find_response (c, "VANISHED", 0);
  const KabarImapValue *earlier = arg (r, 0);
  guint n_fetch = 0;

  g_assert_cmpuint (kabar_imap_value_get_list_length (earlier), ==, 1);
  g_assert_true (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (earlier, 0), "EARLIER"));
  g_assert_cmpstr (kabar_imap_value_get_text (arg (r, 1)), ==, "4:5");
  for (guint i = 0; i < c->responses->len; i++)
    if (kabar_imap_response_get_data_kind (response_at (c, i)) == KABAR_IMAP_DATA_FETCH)
      n_fetch++;
  g_assert_cmpuint (n_fetch, ==, 6);
  g_assert_cmpint (kabar_imap_response_get_code (find_response (c, "OK", 6)), ==, KABAR_IMAP_CODE_CLOSED);
}

static void
test_captured_errors_idle_logout (void)
{
  g_autoptr(Collector) c = parse_fixture (NULL, "errors-idle-logout.txt");
  KabarImapResponse *r;

  g_assert_cmpint (kabar_imap_response_get_status (find_response (c, "a2", 0)), ==, KABAR_IMAP_STATUS_NO);
  g_assert_true (g_str_has_prefix (kabar_imap_response_get_text (find_response (c, "a2", 0)), "Mailbox doesn't exist"));
  g_assert_cmpint (kabar_imap_response_get_code (find_response (c, "a3", 0)), ==, KABAR_IMAP_CODE_ALREADYEXISTS);
  g_assert_cmpint (kabar_imap_response_get_status (find_response (c, "a4", 0)), ==, KABAR_IMAP_STATUS_BAD);
  g_assert_cmpint (kabar_imap_response_get_code (find_response (c, "a6", 0)), ==, KABAR_IMAP_CODE_READ_ONLY);
  r = find_response (c, "OK", 1);
  g_assert_cmpint (kabar_imap_response_get_code (r), ==, KABAR_IMAP_CODE_PERMANENTFLAGS);
  g_assert_cmpuint (kabar_imap_value_get_list_length (kabar_imap_value_get_list_item (kabar_imap_response_get_code_args (r), 0)),
                    ==, 0);
  for (guint i = 0; i < c->responses->len; i++)
    {
      r = response_at (c, i);
      if (kabar_imap_response_get_kind (r) == KABAR_IMAP_RESPONSE_CONTINUATION)
        g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "idling");
    }
  g_assert_cmpint (kabar_imap_response_get_status (find_response (c, "BYE", 0)), ==, KABAR_IMAP_STATUS_BYE);
  g_assert_cmpint (kabar_imap_response_get_status (find_response (c, "idle1", 0)), ==, KABAR_IMAP_STATUS_OK);
}

static void
test_captured_authentication_failed (void)
{
  g_autoptr(Collector) c = parse_fixture (NULL, "authentication-failed.txt");
  KabarImapResponse *r = find_response (c, "a1", 0);

  g_assert_cmpint (kabar_imap_response_get_status (r), ==, KABAR_IMAP_STATUS_NO);
  g_assert_cmpint (kabar_imap_response_get_code (r), ==, KABAR_IMAP_CODE_AUTHENTICATIONFAILED);
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "Authentication failed.");
  r = response_at (c, 2);
  g_assert_cmpint (kabar_imap_response_get_kind (r), ==, KABAR_IMAP_RESPONSE_CONTINUATION);
  g_assert_cmpstr (kabar_imap_response_get_text (r), ==, "");
  g_assert_cmpint (kabar_imap_response_get_status (find_response (c, "auth1", 0)), ==, KABAR_IMAP_STATUS_BAD);
}

/* --- Speed (run with -m perf) ------------------------------------------------ */

static GByteArray *
synthetic_fetch_stream (gsize target)
{
  GByteArray *stream = g_byte_array_sized_new ((guint) target + 1024);
  guint n = 0;

  while (stream->len < target)
    {
      g_autofree char *line = NULL;

      n++;
      line = g_strdup_printf ("* %u FETCH (UID %u FLAGS (\\Seen%s) ENVELOPE (\"Mon, 2 Mar 2026 10:%02u:00 +0700\" "
                              "\"Re: The quarterly report, message %u\" "
                              "((\"Alice Example\" NIL \"alice\" \"kabar.test\")) "
                              "((\"Alice Example\" NIL \"alice\" \"kabar.test\")) "
                              "((\"Alice Example\" NIL \"alice\" \"kabar.test\")) "
                              "((\"Bob\" NIL \"bob\" \"kabar.test\")(NIL NIL \"team\" \"example.org\")) "
                              "NIL NIL \"<parent-%u@kabar.test>\" \"<message-%u@kabar.test>\"))\r\n",
                              n, n, n % 3 ? "" : " \\Flagged", n % 60, n, n - 1, n);
      g_byte_array_append (stream, (const guint8 *) line, (guint) strlen (line));
    }
  return stream;
}

static void
count_response (KabarImapParser   *parser,
                KabarImapResponse *response,
                gpointer           user_data)
{
  guint64 uid = 0;

  kabar_imap_value_get_number (kabar_imap_response_lookup_fetch_item (response, "UID"), &uid);
  *(guint64 *) user_data += uid > 0;
}

static void
test_perf_fetch_envelope (void)
{
  g_autoptr(GByteArray) stream = synthetic_fetch_stream (40 * 1024 * 1024);
  const KabarImapParserCallbacks callbacks = { count_response, NULL, NULL, NULL, NULL };
  double best = G_MAXDOUBLE;
  guint64 count = 0;

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(KabarImapParser) parser = NULL;
      gint64 start;
      double seconds;

      count = 0;
      parser = kabar_imap_parser_new (&callbacks, &count);
      start = g_get_monotonic_time ();
      /* As a TLS connection delivers it: 16 KiB records. */
      for (gsize pos = 0; pos < stream->len; pos += 16384)
        g_assert_true (kabar_imap_parser_feed (parser, stream->data + pos, MIN (16384, stream->len - pos), NULL));
      seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
      best = MIN (best, seconds);
    }
  g_test_message ("%u bytes, %" G_GUINT64_FORMAT " FETCH responses: %.3f s, %.0f MB/s",
                  stream->len, count, best, stream->len / best / 1e6);
  g_test_minimized_result (best, "parse %u bytes of FETCH ENVELOPE in %.3f s", stream->len, best);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/parser/tagged-status-with-code-and-text", test_tagged_status);
  g_test_add_func ("/imap/parser/untagged-status-responses", test_untagged_status);
  g_test_add_func ("/imap/parser/response-codes", test_response_codes);
  g_test_add_func ("/imap/parser/response-code-arguments", test_code_arguments);
  g_test_add_func ("/imap/parser/continuation", test_continuation);
  g_test_add_func ("/imap/parser/message-data-has-number", test_message_data);
  g_test_add_func ("/imap/parser/fetch-items-as-key-value-pairs", test_fetch_items);
  g_test_add_func ("/imap/parser/list-lsub-status", test_list_lsub_status);
  g_test_add_func ("/imap/parser/capability-search-esearch-vanished-and-more", test_other_data);
  g_test_add_func ("/imap/parser/values", test_values);
  g_test_add_func ("/imap/parser/values-with-nul-bytes", test_values_binary_input);
  g_test_add_func ("/imap/parser/section-key-is-one-atom", test_section_keys);
  g_test_add_func ("/imap/parser/unknown-untagged-kept-raw", test_unknown_untagged_kept);
  g_test_add_func ("/imap/parser/outlook-replies", test_outlook_replies);
  g_test_add_func ("/imap/parser/sloppy-servers-tolerated", test_sloppy_servers);
  g_test_add_func ("/imap/parser/hostile/line-too-long-is-fatal", test_hostile_line_too_long);
  g_test_add_func ("/imap/parser/hostile/nesting-too-deep", test_hostile_nesting_too_deep);
  g_test_add_func ("/imap/parser/hostile/number-overflow", test_hostile_number_overflow);
  g_test_add_func ("/imap/parser/hostile/literal-too-large-is-fatal", test_hostile_literal_too_large);
  g_test_add_func ("/imap/parser/hostile/response-too-large-is-fatal", test_hostile_response_too_large);
  g_test_add_func ("/imap/parser/hostile/malformed-lines-named-and-resynchronised", test_hostile_malformed_lines);
  g_test_add_func ("/imap/parser/hostile/nul-bytes", test_hostile_nul_bytes);
  g_test_add_func ("/imap/parser/resync-skips-literal-of-broken-response",
                   test_resync_skips_literal_of_broken_response);
  g_test_add_func ("/imap/parser/without-malformed-callback-errors-are-fatal", test_strict_malformed_is_fatal);
  g_test_add_func ("/imap/parser/literal-5mb-streamed-never-held", test_literal_streamed_5mb);
  g_test_add_func ("/imap/parser/literal-threshold-keeps-or-streams", test_literal_threshold);
  g_test_add_func ("/imap/parser/pause-stops-after-response", test_pause_after_response);
  g_test_add_func ("/imap/parser/between-responses", test_between_responses);
  g_test_add_func ("/imap/parser/response-outlives-parser", test_response_outlives_parser);
  g_test_add_func ("/imap/parser/literal-split-at-every-byte", test_split_at_every_byte);
  g_test_add_func ("/imap/parser/captured/all-parse-cleanly", test_captured_all_parse);
  g_test_add_func ("/imap/parser/captured/login-capability", test_captured_login_capability);
  g_test_add_func ("/imap/parser/captured/list-special-use-status", test_captured_list_special_use_status);
  g_test_add_func ("/imap/parser/captured/select-condstore-fetch-envelope",
                   test_captured_select_condstore_fetch_envelope);
  g_test_add_func ("/imap/parser/captured/fetch-body-sections", test_captured_fetch_body_sections);
  g_test_add_func ("/imap/parser/captured/fetch-body-sections-streamed",
                   test_captured_fetch_body_sections_streamed);
  g_test_add_func ("/imap/parser/captured/search-esearch", test_captured_search_esearch);
  g_test_add_func ("/imap/parser/captured/store-append-copy-vanished", test_captured_store_append_copy_vanished);
  g_test_add_func ("/imap/parser/captured/select-qresync-vanished", test_captured_select_qresync_vanished);
  g_test_add_func ("/imap/parser/captured/errors-idle-logout", test_captured_errors_idle_logout);
  g_test_add_func ("/imap/parser/captured/authentication-failed", test_captured_authentication_failed);
  if (g_test_perf ())
    g_test_add_func ("/imap/parser/perf/fetch-envelope-40mb", test_perf_fetch_envelope);
  return g_test_run ();
}
