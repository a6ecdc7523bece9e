/* kabar-imap-parser.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Framing and parsing are two steps. Framing cuts the byte stream into
 * lines and literals: a line ends at LF, and a line that ends with a
 * literal announcement ("{n}", "~{n}") is followed by n bytes of data and
 * then the rest of the same response. Tokens never span lines except
 * through literals, so each line is parsed whole, straight from the input
 * when it lies in one chunk, and only the stack of open lists lives across
 * a literal. That is what makes any chunking give the same result.
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-parser.h"
#include "kabar-imap-response-private.h"

/* How much of a line an error message quotes. */
#define EXCERPT_LENGTH    60

typedef enum
{
  STATE_LINE,
  STATE_LITERAL,
  STATE_SKIP_LITERAL,
  STATE_BROKEN,
} ParserState;

typedef struct
{
  KabarImapValue **items;
  guint            len;
  guint            alloc;
} Frame;

struct _KabarImapParser
{
  KabarImapParserCallbacks callbacks;
  gpointer                 user_data;

  guint64                  stream_threshold;
  guint64                  max_literal;
  gsize                    max_line;
  guint                    max_depth;
  gsize                    max_response;

  ParserState              state;
  GByteArray              *line;
  gboolean                 feeding;
  gboolean                 paused;
  GError                  *fatal;

  /* The response in progress; NULL between responses. */
  KabarImapResponse       *response;
  /* frames[0] collects the response's arguments, frames[d] the items of
   * the d-th open list. */
  Frame                   *frames;
  guint                    n_frames;
  guint                    depth;
  /* Dropping the rest of a response (malformed, or an unknown response
   * whose arguments are not IMAP): its literals and continuation lines. */
  gboolean                 skipping;

  KabarImapLiteralInfo     literal;
  guint64                  literal_remaining;
  char                    *literal_data;   /* a kept literal's place in the arena */
  guint64                  next_stream_id;
};

/* Everything a line may hold in an atom, and what ends one: space, parens,
 * a quote, and control characters. '[' starts a section ("BODY[...]") and
 * is handled apart. Lenient on purpose: ']', '%', '*', '\\', '{' inside
 * and 8-bit bytes are taken, as real servers send them in flags and
 * mailbox names. */
static const guint8 atom_chars[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
  R16 (0), R16 (0),
  /*      !  "  #  $  %  &  '  (  )  *  +  ,  -  .  / */
  0,   1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1,
  R16 (1),
  /*   @  A-O           */
  R16 (1),
  /*   P  Q  R  S  T  U  V  W  X  Y  Z  [  \  ]  ^  _ */
  1,   1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1,
  R16 (1),
  /*   p ... ~ DEL */
  1,   1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
  R16 (1), R16 (1), R16 (1), R16 (1), R16 (1), R16 (1), R16 (1), R16 (1),
#undef R16
};

/* A line being parsed. */
typedef struct
{
  KabarImapParser *parser;
  const char      *start;
  const char      *p;
  const char      *end;
  GError          *error;
  gboolean         fatal;
  /* Set when the line ends with a literal announcement. */
  gboolean         literal_follows;
} Cursor;

static const struct
{
  const char        *name;
  KabarImapDataKind  kind;
} data_kinds[] = {
  { "FETCH", KABAR_IMAP_DATA_FETCH },
  { "EXISTS", KABAR_IMAP_DATA_EXISTS },
  { "EXPUNGE", KABAR_IMAP_DATA_EXPUNGE },
  { "RECENT", KABAR_IMAP_DATA_RECENT },
  { "VANISHED", KABAR_IMAP_DATA_VANISHED },
  { "FLAGS", KABAR_IMAP_DATA_FLAGS },
  { "LIST", KABAR_IMAP_DATA_LIST },
  { "LSUB", KABAR_IMAP_DATA_LSUB },
  { "STATUS", KABAR_IMAP_DATA_STATUS },
  { "SEARCH", KABAR_IMAP_DATA_SEARCH },
  { "ESEARCH", KABAR_IMAP_DATA_ESEARCH },
  { "CAPABILITY", KABAR_IMAP_DATA_CAPABILITY },
  { "ENABLED", KABAR_IMAP_DATA_ENABLED },
  { "NAMESPACE", KABAR_IMAP_DATA_NAMESPACE },
  { "ID", KABAR_IMAP_DATA_ID },
  { "SORT", KABAR_IMAP_DATA_SORT },
  { "THREAD", KABAR_IMAP_DATA_THREAD },
  { "QUOTA", KABAR_IMAP_DATA_QUOTA },
  { "QUOTAROOT", KABAR_IMAP_DATA_QUOTAROOT },
  { "METADATA", KABAR_IMAP_DATA_METADATA },
};

static const struct
{
  const char    *name;
  KabarImapCode  code;
} codes[] = {
  { "ALERT", KABAR_IMAP_CODE_ALERT },
  { "BADCHARSET", KABAR_IMAP_CODE_BADCHARSET },
  { "CAPABILITY", KABAR_IMAP_CODE_CAPABILITY },
  { "PARSE", KABAR_IMAP_CODE_PARSE },
  { "PERMANENTFLAGS", KABAR_IMAP_CODE_PERMANENTFLAGS },
  { "READ-ONLY", KABAR_IMAP_CODE_READ_ONLY },
  { "READ-WRITE", KABAR_IMAP_CODE_READ_WRITE },
  { "TRYCREATE", KABAR_IMAP_CODE_TRYCREATE },
  { "UIDNEXT", KABAR_IMAP_CODE_UIDNEXT },
  { "UIDVALIDITY", KABAR_IMAP_CODE_UIDVALIDITY },
  { "UNSEEN", KABAR_IMAP_CODE_UNSEEN },
  { "APPENDUID", KABAR_IMAP_CODE_APPENDUID },
  { "COPYUID", KABAR_IMAP_CODE_COPYUID },
  { "UIDNOTSTICKY", KABAR_IMAP_CODE_UIDNOTSTICKY },
  { "HIGHESTMODSEQ", KABAR_IMAP_CODE_HIGHESTMODSEQ },
  { "NOMODSEQ", KABAR_IMAP_CODE_NOMODSEQ },
  { "MODIFIED", KABAR_IMAP_CODE_MODIFIED },
  { "CLOSED", KABAR_IMAP_CODE_CLOSED },
  { "UNAVAILABLE", KABAR_IMAP_CODE_UNAVAILABLE },
  { "AUTHENTICATIONFAILED", KABAR_IMAP_CODE_AUTHENTICATIONFAILED },
  { "AUTHORIZATIONFAILED", KABAR_IMAP_CODE_AUTHORIZATIONFAILED },
  { "EXPIRED", KABAR_IMAP_CODE_EXPIRED },
  { "PRIVACYREQUIRED", KABAR_IMAP_CODE_PRIVACYREQUIRED },
  { "CONTACTADMIN", KABAR_IMAP_CODE_CONTACTADMIN },
  { "NOPERM", KABAR_IMAP_CODE_NOPERM },
  { "INUSE", KABAR_IMAP_CODE_INUSE },
  { "EXPUNGEISSUED", KABAR_IMAP_CODE_EXPUNGEISSUED },
  { "CORRUPTION", KABAR_IMAP_CODE_CORRUPTION },
  { "SERVERBUG", KABAR_IMAP_CODE_SERVERBUG },
  { "CLIENTBUG", KABAR_IMAP_CODE_CLIENTBUG },
  { "CANNOT", KABAR_IMAP_CODE_CANNOT },
  { "LIMIT", KABAR_IMAP_CODE_LIMIT },
  { "OVERQUOTA", KABAR_IMAP_CODE_OVERQUOTA },
  { "ALREADYEXISTS", KABAR_IMAP_CODE_ALREADYEXISTS },
  { "NONEXISTENT", KABAR_IMAP_CODE_NONEXISTENT },
};

/* --- Errors --------------------------------------------------------------- */

static char *
excerpt (const char *data,
         gsize       length)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < MIN (length, EXCERPT_LENGTH); i++)
    {
      guchar c = (guchar) data[i];

      if (c >= 0x20 && c < 0x7f)
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  if (length > EXCERPT_LENGTH)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

/* Names what was wrong and where: the byte within the line (counting from
 * 1) and the start of the line, as the server sent it. */
static gboolean
cursor_fail_at (Cursor     *c,
                const char *where,
                const char *what)
{
  g_autofree char *line = NULL;

  if (c->error != NULL)
    return FALSE;
  line = excerpt (c->start, (gsize) (c->end - c->start));
  g_set_error (&c->error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_PARSE,
               "Malformed IMAP response: %s at byte %" G_GSIZE_FORMAT " of “%s”",
               what, (gsize) (where - c->start) + 1, line);
  return FALSE;
}

static gboolean
cursor_fail (Cursor     *c,
             const char *what)
{
  return cursor_fail_at (c, c->p, what);
}

/* --- Values --------------------------------------------------------------- */

static KabarImapValue *
value_new (KabarImapResponse  *response,
           KabarImapValueKind  kind)
{
  KabarImapValue *value = kabar_imap_response_alloc (response, sizeof (KabarImapValue));

  value->kind = kind;
  value->flags = 0;
  value->n_items = 0;
  value->size = 0;
  value->text = NULL;
  value->u.number = 0;
  return value;
}

static Frame *
current_frame (KabarImapParser *parser)
{
  return &parser->frames[parser->depth];
}

static void
frame_append (Frame          *frame,
              KabarImapValue *value)
{
  if (G_UNLIKELY (frame->len == frame->alloc))
    {
      frame->alloc = MAX (16, frame->alloc * 2);
      frame->items = g_renew (KabarImapValue *, frame->items, frame->alloc);
    }
  frame->items[frame->len++] = value;
}

static gsize
frames_size (KabarImapParser *parser)
{
  gsize size = 0;

  for (guint i = 0; i < parser->n_frames; i++)
    size += parser->frames[i].alloc * sizeof (KabarImapValue *);
  return size;
}

/* Moves a frame's items into a LIST value of the response. */
static KabarImapValue *
frame_take_list (KabarImapParser *parser,
                 Frame           *frame)
{
  KabarImapValue *list = value_new (parser->response, KABAR_IMAP_VALUE_LIST);

  list->n_items = frame->len;
  if (frame->len > 0)
    {
      list->u.items = kabar_imap_response_alloc (parser->response,
                                                 frame->len * sizeof (KabarImapValue *));
      memcpy (list->u.items, frame->items, frame->len * sizeof (KabarImapValue *));
    }
  frame->len = 0;
  return list;
}

static void
frames_clear (KabarImapParser *parser)
{
  for (guint i = 0; i < parser->n_frames; i++)
    {
      Frame *frame = &parser->frames[i];

      frame->len = 0;
      /* A huge response must not pin its memory for the session. */
      if (frame->alloc > 4096)
        {
          g_clear_pointer (&frame->items, g_free);
          frame->alloc = 0;
        }
    }
  parser->depth = 0;
}

static gboolean
response_too_large (KabarImapParser *parser)
{
  return parser->response->arena_size + frames_size (parser) > parser->max_response;
}

/* --- Tokens --------------------------------------------------------------- */

static void
skip_spaces (Cursor *c)
{
  while (c->p < c->end && *c->p == ' ')
    c->p++;
}

static gboolean
is_digits (const char *text,
           gsize       length)
{
  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* FALSE on overflow. */
static gboolean
parse_number (const char *text,
              gsize       length,
              guint64    *number)
{
  guint64 n = 0;

  for (gsize i = 0; i < length; i++)
    {
      guint digit = (guint) (text[i] - '0');

      if (n > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      n = n * 10 + digit;
    }
  *number = n;
  return TRUE;
}

/* The "]" closing a section or response code that starts at p, skipping
 * quoted strings; NULL if the line has none. */
static const char *
find_closing_bracket (const char *p,
                      const char *end)
{
  while (p < end)
    {
      if (*p == ']')
        return p;
      if (*p == '"')
        {
          for (p++; p < end && *p != '"'; p++)
            if (*p == '\\' && p + 1 < end)
              p++;
          if (p == end)
            return NULL;
        }
      p++;
    }
  return NULL;
}

/* An atom's extent, with sections: BODY[HEADER.FIELDS (FROM TO)]<0> is one
 * atom. A '[' without its ']' on the line is taken as a plain character. */
static const char *
scan_atom (const char *p,
           const char *end)
{
  while (p < end)
    {
      guchar ch = (guchar) *p;

      if (atom_chars[ch])
        p++;
      else if (ch == '[')
        {
          const char *close = find_closing_bracket (p + 1, end);

          p = close != NULL ? close + 1 : p + 1;
        }
      else
        break;
    }
  return p;
}

/* The response's first words (tag, "*", keyword, number): whatever is not
 * a space, parenthesis, quote, bracket or control character. */
static const char *
scan_word (const char *p,
           const char *end)
{
  while (p < end && atom_chars[(guchar) *p] && *p != '[')
    p++;
  return p;
}

static char *
copy_upper (KabarImapResponse *response,
            const char        *text,
            gsize              length)
{
  char *copy = kabar_imap_response_strndup (response, text, length);

  for (gsize i = 0; i < length; i++)
    copy[i] = g_ascii_toupper (copy[i]);
  return copy;
}

static gboolean
word_equal (const char *word,
            gsize       length,
            const char *keyword)
{
  return strlen (keyword) == length && g_ascii_strncasecmp (word, keyword, length) == 0;
}

static KabarImapValue *
parse_atom (Cursor *c)
{
  KabarImapResponse *response = c->parser->response;
  const char *start = c->p;
  gsize length;
  KabarImapValue *value;

  c->p = scan_atom (c->p, c->end);
  length = (gsize) (c->p - start);
  if (length == 3 && g_ascii_strncasecmp (start, "NIL", 3) == 0)
    value = value_new (response, KABAR_IMAP_VALUE_NIL);
  else if (is_digits (start, length))
    {
      value = value_new (response, KABAR_IMAP_VALUE_NUMBER);
      if (!parse_number (start, length, &value->u.number))
        {
          cursor_fail_at (c, start, "a number larger than 2^64 - 1");
          return NULL;
        }
    }
  else
    value = value_new (response, KABAR_IMAP_VALUE_ATOM);
  value->size = length;
  value->text = kabar_imap_response_strndup (response, start, length);
  return value;
}

/* "..." with \\ and \" escapes. Any other backslash is kept as it is:
 * sloppy servers send Windows-style paths unescaped. */
static KabarImapValue *
parse_quoted (Cursor *c)
{
  const char *start = c->p + 1;
  const char *p = start;
  gsize n_escapes = 0;
  KabarImapValue *value;
  char *out;

  for (;;)
    {
      if (p == c->end)
        {
          cursor_fail (c, "a quoted string without its closing quote");
          return NULL;
        }
      if (*p == '"')
        break;
      if (*p == '\\' && p + 1 < c->end && (p[1] == '\\' || p[1] == '"'))
        {
          n_escapes++;
          p += 2;
          continue;
        }
      if (*p == '\0' || *p == '\r')
        {
          cursor_fail_at (c, p, "a control character in a quoted string");
          return NULL;
        }
      p++;
    }

  value = value_new (c->parser->response, KABAR_IMAP_VALUE_STRING);
  value->size = (gsize) (p - start) - n_escapes;
  out = kabar_imap_response_alloc (c->parser->response, (gsize) value->size + 1);
  value->text = out;
  if (n_escapes == 0)
    memcpy (out, start, (gsize) value->size);
  else
    for (const char *q = start; q < p; q++)
      {
        if (*q == '\\' && (q[1] == '\\' || q[1] == '"'))
          q++;
        *out++ = *q;
      }
  ((char *) value->text)[value->size] = '\0';
  c->p = p + 1;
  return value;
}

/* "{n}", "{n+}" or "~{n}", which must end the line. */
static gboolean
parse_literal_marker (Cursor *c)
{
  KabarImapParser *parser = c->parser;
  gboolean binary = *c->p == '~';
  const char *digits = c->p + (binary ? 2 : 1);
  const char *p = digits;
  guint64 size;

  while (p < c->end && g_ascii_isdigit (*p))
    p++;
  if (p == digits)
    return cursor_fail (c, "a literal without its size");
  if (!parse_number (digits, (gsize) (p - digits), &size))
    size = G_MAXUINT64;
  if (p < c->end && *p == '+')
    p++;
  if (p == c->end || *p != '}')
    return cursor_fail (c, "a literal size without its “}”");
  if (p + 1 != c->end)
    return cursor_fail (c, "a literal announcement before the end of the line");
  if (size > parser->max_literal)
    {
      g_autofree char *what = NULL;

      if (size == G_MAXUINT64)
        what = g_strdup_printf ("a literal of over 2^64 bytes, more than the limit of %"
                                G_GUINT64_FORMAT, parser->max_literal);
      else
        what = g_strdup_printf ("a literal of %" G_GUINT64_FORMAT " bytes, more than the limit of %"
                                G_GUINT64_FORMAT, size, parser->max_literal);
      c->fatal = TRUE;
      return cursor_fail (c, what);
    }
  parser->literal.size = size;
  parser->literal.binary = binary;
  c->p = c->end;
  c->literal_follows = TRUE;
  return TRUE;
}

/* Values up to the end of the line (or of a response code), into the
 * current frame. Spaces between values are optional and may be many, as
 * sloppy servers send them. */
static gboolean
parse_values (Cursor   *c,
              gboolean  allow_literal)
{
  KabarImapParser *parser = c->parser;

  for (;;)
    {
      KabarImapValue *value = NULL;
      guchar ch;

      skip_spaces (c);
      if (c->p == c->end)
        return TRUE;
      if (G_UNLIKELY (parser->response->arena_size > parser->max_response / 2 &&
                      response_too_large (parser)))
        {
          c->fatal = TRUE;
          return cursor_fail (c, "a response larger than the memory limit");
        }

      ch = (guchar) *c->p;
      if (ch == '(')
        {
          if (parser->depth >= parser->max_depth)
            return cursor_fail (c, "lists nested deeper than the limit");
          if (parser->depth + 1 >= parser->n_frames)
            {
              parser->frames = g_renew (Frame, parser->frames, parser->depth + 2);
              memset (&parser->frames[parser->n_frames], 0,
                      (parser->depth + 2 - parser->n_frames) * sizeof (Frame));
              parser->n_frames = parser->depth + 2;
            }
          parser->depth++;
          c->p++;
          continue;
        }
      if (ch == ')')
        {
          if (parser->depth == 0)
            return cursor_fail (c, "“)” without “(”");
          value = frame_take_list (parser, current_frame (parser));
          parser->depth--;
          c->p++;
        }
      else if (ch == '"')
        value = parse_quoted (c);
      else if (ch == '{' || (ch == '~' && c->p + 1 < c->end && c->p[1] == '{'))
        {
          if (!allow_literal)
            return cursor_fail (c, "a literal inside a response code");
          return parse_literal_marker (c);
        }
      else if (atom_chars[ch] || ch == '[')
        value = parse_atom (c);
      else
        return cursor_fail (c, "an unexpected character");

      if (value == NULL)
        return FALSE;
      frame_append (current_frame (parser), value);
    }
}

/* --- Response codes and text ---------------------------------------------- */

static KabarImapCode
code_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (strcmp (codes[i].name, name) == 0)
      return codes[i].code;
  return KABAR_IMAP_CODE_UNKNOWN;
}

static gboolean
is_set (const KabarImapValue *value)
{
  KabarImapValueKind kind = kabar_imap_value_get_kind (value);

  return kind == KABAR_IMAP_VALUE_NUMBER || kind == KABAR_IMAP_VALUE_ATOM;
}

/* What a known code's arguments must be; NULL if they are. */
static const char *
check_code_args (KabarImapCode         code,
                 const KabarImapValue *args)
{
  const KabarImapValue *first = kabar_imap_value_get_list_item (args, 0);

  switch (code)
    {
    case KABAR_IMAP_CODE_UIDNEXT:
    case KABAR_IMAP_CODE_UIDVALIDITY:
    case KABAR_IMAP_CODE_UNSEEN:
    case KABAR_IMAP_CODE_HIGHESTMODSEQ:
      return kabar_imap_value_get_kind (first) == KABAR_IMAP_VALUE_NUMBER && args->n_items == 1
             ? NULL : "a response code that needs one number";
    case KABAR_IMAP_CODE_APPENDUID:
      return kabar_imap_value_get_kind (first) == KABAR_IMAP_VALUE_NUMBER && args->n_items == 2 &&
             is_set (args->u.items[1])
             ? NULL : "[APPENDUID] that is not a UIDVALIDITY and a UID set";
    case KABAR_IMAP_CODE_COPYUID:
      return kabar_imap_value_get_kind (first) == KABAR_IMAP_VALUE_NUMBER && args->n_items == 3 &&
             is_set (args->u.items[1]) && is_set (args->u.items[2])
             ? NULL : "[COPYUID] that is not a UIDVALIDITY and two UID sets";
    case KABAR_IMAP_CODE_MODIFIED:
      return args->n_items == 1 && is_set (first) ? NULL : "[MODIFIED] without a set";
    case KABAR_IMAP_CODE_PERMANENTFLAGS:
      return args->n_items == 1 && kabar_imap_value_get_kind (first) == KABAR_IMAP_VALUE_LIST
             ? NULL : "[PERMANENTFLAGS] without a list of flags";
    case KABAR_IMAP_CODE_CAPABILITY:
      for (guint i = 0; i < args->n_items; i++)
        if (kabar_imap_value_get_kind (args->u.items[i]) != KABAR_IMAP_VALUE_ATOM &&
            kabar_imap_value_get_kind (args->u.items[i]) != KABAR_IMAP_VALUE_NUMBER)
          return "[CAPABILITY] with something else than atoms";
      return NULL;
    case KABAR_IMAP_CODE_NONE:
    case KABAR_IMAP_CODE_UNKNOWN:
    case KABAR_IMAP_CODE_ALERT:
    case KABAR_IMAP_CODE_BADCHARSET:
    case KABAR_IMAP_CODE_PARSE:
    case KABAR_IMAP_CODE_READ_ONLY:
    case KABAR_IMAP_CODE_READ_WRITE:
    case KABAR_IMAP_CODE_TRYCREATE:
    case KABAR_IMAP_CODE_UIDNOTSTICKY:
    case KABAR_IMAP_CODE_NOMODSEQ:
    case KABAR_IMAP_CODE_CLOSED:
    case KABAR_IMAP_CODE_UNAVAILABLE:
    case KABAR_IMAP_CODE_AUTHENTICATIONFAILED:
    case KABAR_IMAP_CODE_AUTHORIZATIONFAILED:
    case KABAR_IMAP_CODE_EXPIRED:
    case KABAR_IMAP_CODE_PRIVACYREQUIRED:
    case KABAR_IMAP_CODE_CONTACTADMIN:
    case KABAR_IMAP_CODE_NOPERM:
    case KABAR_IMAP_CODE_INUSE:
    case KABAR_IMAP_CODE_EXPUNGEISSUED:
    case KABAR_IMAP_CODE_CORRUPTION:
    case KABAR_IMAP_CODE_SERVERBUG:
    case KABAR_IMAP_CODE_CLIENTBUG:
    case KABAR_IMAP_CODE_CANNOT:
    case KABAR_IMAP_CODE_LIMIT:
    case KABAR_IMAP_CODE_OVERQUOTA:
    case KABAR_IMAP_CODE_ALREADYEXISTS:
    case KABAR_IMAP_CODE_NONEXISTENT:
    default:
      return NULL;
    }
}

/* The code between '[' (at c->p) and close. Unknown codes keep their raw
 * text and whatever of it parses as values; known ones must be right. */
static gboolean
parse_code (Cursor     *c,
            const char *close)
{
  KabarImapParser *parser = c->parser;
  KabarImapResponse *response = parser->response;
  const char *name = c->p + 1;
  const char *name_end = name;
  Cursor args = *c;
  const char *problem;

  while (name_end < close && *name_end != ' ')
    name_end++;
  response->code_name = copy_upper (response, name, (gsize) (name_end - name));
  response->code = code_from_name (response->code_name);
  while (name_end < close && *name_end == ' ')
    name_end++;
  response->code_text = kabar_imap_response_strndup (response, name_end, (gsize) (close - name_end));

  args.p = name_end;
  args.end = close;
  if (!parse_values (&args, FALSE) || parser->depth != 0)
    {
      frames_clear (parser);
      if (response->code != KABAR_IMAP_CODE_UNKNOWN)
        {
          c->fatal = args.fatal;
          if (args.error == NULL)
            cursor_fail_at (c, close, "a response code with “(” but not “)”");
          else
            c->error = g_steal_pointer (&args.error);
          return FALSE;
        }
      g_clear_error (&args.error);
      c->p = close + 1;
      return TRUE;
    }
  response->code_args = frame_take_list (parser, current_frame (parser));
  problem = check_code_args (response->code, response->code_args);
  if (problem != NULL)
    return cursor_fail_at (c, name, problem);
  c->p = close + 1;
  return TRUE;
}

/* [code] text, to the end of the line. A "[" without its "]" is text: only
 * the text is lost if a server gets that wrong. */
static gboolean
parse_resp_text (Cursor *c)
{
  KabarImapResponse *response = c->parser->response;

  skip_spaces (c);
  if (c->p < c->end && *c->p == '[')
    {
      const char *close = find_closing_bracket (c->p + 1, c->end);

      if (close != NULL && close > c->p + 1 && c->p[1] != ' ')
        {
          if (!parse_code (c, close))
            return FALSE;
          skip_spaces (c);
        }
    }
  if (memchr (c->p, '\0', (gsize) (c->end - c->p)) != NULL)
    return cursor_fail_at (c, memchr (c->p, '\0', (gsize) (c->end - c->p)), "a NUL byte in text");
  response->text = kabar_imap_response_strndup (response, c->p, (gsize) (c->end - c->p));
  c->p = c->end;
  return TRUE;
}

/* --- Responses ------------------------------------------------------------ */

static KabarImapStatus
status_from_word (const char *word,
                  gsize       length,
                  gboolean    untagged)
{
  if (word_equal (word, length, "OK"))
    return KABAR_IMAP_STATUS_OK;
  if (word_equal (word, length, "NO"))
    return KABAR_IMAP_STATUS_NO;
  if (word_equal (word, length, "BAD"))
    return KABAR_IMAP_STATUS_BAD;
  if (untagged && word_equal (word, length, "PREAUTH"))
    return KABAR_IMAP_STATUS_PREAUTH;
  if (untagged && word_equal (word, length, "BYE"))
    return KABAR_IMAP_STATUS_BYE;
  return KABAR_IMAP_STATUS_NONE;
}

static KabarImapDataKind
data_kind_from_name (const char *name,
                     gboolean    has_number)
{
  KabarImapDataKind kind = KABAR_IMAP_DATA_UNKNOWN;

  for (guint i = 0; i < G_N_ELEMENTS (data_kinds); i++)
    if (strcmp (data_kinds[i].name, name) == 0)
      {
        kind = data_kinds[i].kind;
        break;
      }
  /* A number before a keyword that takes none makes it something else. */
  if (has_number != (kind == KABAR_IMAP_DATA_EXISTS || kind == KABAR_IMAP_DATA_RECENT ||
                     kind == KABAR_IMAP_DATA_EXPUNGE || kind == KABAR_IMAP_DATA_FETCH))
    return has_number ? KABAR_IMAP_DATA_UNKNOWN : KABAR_IMAP_DATA_NONE;
  return kind;
}

static gboolean
parse_tagged (Cursor *c)
{
  KabarImapResponse *response = c->parser->response;
  const char *tag = c->p;
  const char *word;

  c->p = scan_word (c->p, c->end);
  if (c->p == tag)
    return cursor_fail (c, "a response that starts with neither a tag, “*” nor “+”");
  response->tag = kabar_imap_response_strndup (response, tag, (gsize) (c->p - tag));
  skip_spaces (c);
  word = c->p;
  c->p = scan_word (c->p, c->end);
  response->status = status_from_word (word, (gsize) (c->p - word), FALSE);
  if (response->status == KABAR_IMAP_STATUS_NONE)
    return cursor_fail_at (c, word, "a tagged response that is not OK, NO or BAD");
  return parse_resp_text (c);
}

/* "* [n] KEYWORD": fills in the response; TRUE and *data if values follow. */
static gboolean
parse_untagged_head (Cursor   *c,
                     gboolean *data)
{
  KabarImapResponse *response = c->parser->response;
  const char *word;
  gsize length;

  c->p++;
  skip_spaces (c);
  word = c->p;
  c->p = scan_word (c->p, c->end);
  length = (gsize) (c->p - word);
  if (length == 0)
    return cursor_fail (c, "an untagged response without a keyword");
  if (is_digits (word, length))
    {
      if (!parse_number (word, length, &response->number))
        return cursor_fail_at (c, word, "a message number larger than 2^64 - 1");
      response->has_number = TRUE;
      skip_spaces (c);
      word = c->p;
      c->p = scan_word (c->p, c->end);
      length = (gsize) (c->p - word);
      if (length == 0)
        return cursor_fail (c, "a message number without a keyword");
    }
  response->name = copy_upper (response, word, length);
  if (!response->has_number)
    response->status = status_from_word (word, length, TRUE);
  *data = response->status == KABAR_IMAP_STATUS_NONE;
  if (!*data)
    return parse_resp_text (c);

  response->data_kind = data_kind_from_name (response->name, response->has_number);
  if (response->data_kind == KABAR_IMAP_DATA_NONE)
    return cursor_fail_at (c, word, "a message data response without its message number");
  skip_spaces (c);
  if (response->data_kind == KABAR_IMAP_DATA_UNKNOWN)
    {
      if (memchr (c->p, '\0', (gsize) (c->end - c->p)) != NULL)
        return cursor_fail (c, "a NUL byte in text");
      response->text = kabar_imap_response_strndup (response, c->p, (gsize) (c->end - c->p));
    }
  return TRUE;
}

static gboolean
check_fetch (Cursor *c)
{
  const KabarImapValue *items = kabar_imap_value_get_list_item (c->parser->response->args, 0);

  if (c->parser->response->args->n_items != 1 ||
      kabar_imap_value_get_kind (items) != KABAR_IMAP_VALUE_LIST)
    return cursor_fail_at (c, c->start, "a FETCH response that is not one list of items");
  if (items->n_items % 2 != 0)
    return cursor_fail_at (c, c->start, "a FETCH item without a value");
  for (guint i = 0; i < items->n_items; i += 2)
    {
      KabarImapValue *key = items->u.items[i];

      if (key->kind != KABAR_IMAP_VALUE_ATOM)
        return cursor_fail_at (c, c->start, "a FETCH item whose name is not an atom");
      for (char *k = (char *) key->text; *k != '\0'; k++)
        *k = g_ascii_toupper (*k);
    }
  return TRUE;
}

/* --- Delivery ------------------------------------------------------------- */

static void
emit_response (KabarImapParser *parser)
{
  g_autoptr(KabarImapResponse) response = g_steal_pointer (&parser->response);

  frames_clear (parser);
  if (parser->callbacks.response != NULL)
    parser->callbacks.response (parser, response, parser->user_data);
}

static void
set_fatal (KabarImapParser *parser,
           GError          *error)
{
  g_clear_pointer (&parser->response, kabar_imap_response_unref);
  frames_clear (parser);
  parser->state = STATE_BROKEN;
  parser->fatal = error;
}

/* The size a line announces at its end ("... {123}"), for skipping the
 * literals of a response that is being dropped. */
static gboolean
line_announces_literal (const char *line,
                        gsize       length,
                        guint64    *size)
{
  const char *end = line + length;
  const char *digits_end;
  const char *p;

  if (length == 0 || end[-1] != '}')
    return FALSE;
  digits_end = end - 1;
  if (digits_end > line && digits_end[-1] == '+')
    digits_end--;
  p = digits_end;
  while (p > line && g_ascii_isdigit (p[-1]))
    p--;
  if (p == digits_end || p == line || p[-1] != '{')
    return FALSE;
  if (!parse_number (p, (gsize) (digits_end - p), size))
    *size = G_MAXUINT64;
  return TRUE;
}

/* A line of a response being dropped: if it ends with a literal
 * announcement, the response goes on after the literal, so skip that and
 * look at the next line the same way; otherwise the response ends here. */
static void
start_skipping (KabarImapParser *parser,
                const char      *line,
                gsize            length)
{
  guint64 size;

  parser->skipping = FALSE;
  if (!line_announces_literal (line, length, &size))
    return;
  if (size > parser->max_literal)
    {
      set_fatal (parser, g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_PARSE,
                                      "Malformed IMAP response: a literal larger than the limit "
                                      "of %" G_GUINT64_FORMAT " bytes", parser->max_literal));
      return;
    }
  parser->skipping = TRUE;
  parser->literal_remaining = size;
  if (size > 0)
    parser->state = STATE_SKIP_LITERAL;
}

/* Drops the response in progress and says why. Its line may have announced
 * a literal: the server sends it regardless, so it is skipped, and so is
 * the rest of the response (start_skipping). */
static void
report_malformed (KabarImapParser *parser,
                  Cursor          *c)
{
  g_autoptr(GError) error = g_steal_pointer (&c->error);

  g_clear_pointer (&parser->response, kabar_imap_response_unref);
  frames_clear (parser);
  if (c->fatal || parser->callbacks.malformed == NULL)
    {
      set_fatal (parser, g_steal_pointer (&error));
      return;
    }
  start_skipping (parser, c->start, (gsize) (c->end - c->start));
  if (parser->state != STATE_BROKEN)
    parser->callbacks.malformed (parser, error, parser->user_data);
}

/* --- Literals ------------------------------------------------------------- */

static void
fill_literal_context (KabarImapParser *parser)
{
  KabarImapResponse *response = parser->response;
  KabarImapLiteralInfo *info = &parser->literal;

  info->tag = response->tag;
  info->name = response->name;
  info->number = response->number;
  info->key = NULL;
  info->uid = 0;
  if (response->data_kind != KABAR_IMAP_DATA_FETCH || parser->depth != 1)
    return;

  {
    Frame *items = &parser->frames[1];

    if (items->len % 2 == 1 && items->items[items->len - 1]->kind == KABAR_IMAP_VALUE_ATOM)
      {
        char *key = (char *) items->items[items->len - 1]->text;

        for (char *k = key; *k != '\0'; k++)
          *k = g_ascii_toupper (*k);
        info->key = key;
      }
    for (guint i = 0; i + 1 < items->len; i += 2)
      if (kabar_imap_value_is_atom (items->items[i], "UID"))
        kabar_imap_value_get_number (items->items[i + 1], &info->uid);
  }
}

static void
finish_literal (KabarImapParser *parser)
{
  KabarImapValue *value;
  guint8 flags = KABAR_IMAP_VALUE_FLAG_LITERAL |
                 (parser->literal.binary ? KABAR_IMAP_VALUE_FLAG_BINARY : 0);

  if (parser->literal_data != NULL)
    {
      value = value_new (parser->response, KABAR_IMAP_VALUE_STRING);
      value->text = parser->literal_data;
      parser->literal_data[parser->literal.size] = '\0';
      parser->literal_data = NULL;
    }
  else
    {
      if (parser->callbacks.literal_end != NULL)
        parser->callbacks.literal_end (parser, &parser->literal, parser->user_data);
      value = value_new (parser->response, KABAR_IMAP_VALUE_STREAMED);
      value->u.stream_id = parser->literal.id;
    }
  value->flags = flags;
  value->size = parser->literal.size;
  frame_append (current_frame (parser), value);
  parser->state = STATE_LINE;
}

static void
start_literal (KabarImapParser *parser)
{
  guint64 size = parser->literal.size;

  parser->literal_remaining = size;
  parser->state = STATE_LITERAL;
  if (size <= parser->stream_threshold)
    {
      if (parser->response->arena_size + size > parser->max_response)
        {
          set_fatal (parser, g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_PARSE,
                                          "Malformed IMAP response: a response larger than the "
                                          "memory limit"));
          return;
        }
      parser->literal_data = kabar_imap_response_alloc (parser->response, (gsize) size + 1);
    }
  else
    {
      parser->literal.id = ++parser->next_stream_id;
      fill_literal_context (parser);
      if (parser->callbacks.literal_begin != NULL)
        parser->callbacks.literal_begin (parser, &parser->literal, parser->user_data);
    }
  if (size == 0)
    finish_literal (parser);
}

static gsize
feed_literal (KabarImapParser *parser,
              const guint8    *data,
              gsize            length)
{
  gsize n = (gsize) MIN ((guint64) length, parser->literal_remaining);

  if (parser->literal_data != NULL)
    memcpy (parser->literal_data + (parser->literal.size - parser->literal_remaining), data, n);
  else if (parser->callbacks.literal_chunk != NULL)
    parser->callbacks.literal_chunk (parser, &parser->literal, data, n, parser->user_data);
  parser->literal_remaining -= n;
  if (parser->literal_remaining == 0)
    finish_literal (parser);
  return n;
}

static gsize
skip_literal (KabarImapParser *parser,
              gsize            length)
{
  gsize n = (gsize) MIN ((guint64) length, parser->literal_remaining);

  parser->literal_remaining -= n;
  if (parser->literal_remaining == 0)
    parser->state = STATE_LINE;
  return n;
}

/* --- Lines ---------------------------------------------------------------- */

/* The first line of a response: what it is, and for data, its values. */
static gboolean
parse_first_line (Cursor   *c,
                  gboolean *values)
{
  KabarImapParser *parser = c->parser;
  KabarImapResponseKind kind;
  char first = *c->p;

  kind = first == '*' ? KABAR_IMAP_RESPONSE_UNTAGGED
         : first == '+' ? KABAR_IMAP_RESPONSE_CONTINUATION
         : KABAR_IMAP_RESPONSE_TAGGED;
  /* Roughly what the values of a FETCH line take, so most responses live
   * in one allocation. */
  parser->response = kabar_imap_response_new_sized (kind, 256 + 6 * (gsize) (c->end - c->start));
  *values = FALSE;
  switch (kind)
    {
    case KABAR_IMAP_RESPONSE_UNTAGGED:
      return parse_untagged_head (c, values);
    case KABAR_IMAP_RESPONSE_CONTINUATION:
      c->p++;
      return parse_resp_text (c);
    case KABAR_IMAP_RESPONSE_TAGGED:
      return parse_tagged (c);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
finish_values (Cursor *c)
{
  KabarImapParser *parser = c->parser;
  KabarImapResponse *response = parser->response;

  if (parser->depth != 0)
    return cursor_fail_at (c, c->end, "“(” without “)”");
  response->args = frame_take_list (parser, current_frame (parser));
  if (response->data_kind == KABAR_IMAP_DATA_FETCH)
    return check_fetch (c);
  return TRUE;
}

/* An unknown response whose rest is not IMAP values is still delivered,
 * with its raw text and no arguments. */
static void
deliver_raw (KabarImapParser *parser,
             Cursor          *c)
{
  g_clear_error (&c->error);
  frames_clear (parser);
  parser->response->args = &kabar_imap_value_empty_list;
  start_skipping (parser, c->start, (gsize) (c->end - c->start));
  if (parser->state == STATE_BROKEN)
    return;
  if (!parser->skipping)
    emit_response (parser);
}

static void
process_line (KabarImapParser *parser,
              const char      *line,
              gsize            length)
{
  Cursor c = { parser, line, line, line + length, NULL, FALSE, FALSE };
  gboolean values = TRUE;

  if (length > 0 && line[length - 1] == '\r')
    c.end--;

  if (parser->skipping)
    {
      start_skipping (parser, c.start, (gsize) (c.end - c.start));
      if (!parser->skipping && parser->response != NULL && parser->state != STATE_BROKEN)
        emit_response (parser);
      return;
    }

  if (parser->response == NULL)
    {
      skip_spaces (&c);
      /* Blank lines between responses are not IMAP, but harmless. */
      if (c.p == c.end)
        return;
      if (!parse_first_line (&c, &values))
        {
          report_malformed (parser, &c);
          return;
        }
    }

  if (values && !(parse_values (&c, TRUE) && (c.literal_follows || finish_values (&c))))
    {
      if (!c.fatal && parser->response->data_kind == KABAR_IMAP_DATA_UNKNOWN)
        deliver_raw (parser, &c);
      else
        report_malformed (parser, &c);
      return;
    }
  if (c.literal_follows)
    start_literal (parser);
  else
    emit_response (parser);
}

static gboolean
line_too_long (KabarImapParser *parser,
               gsize            length)
{
  if (length <= parser->max_line)
    return FALSE;
  set_fatal (parser, g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_PARSE,
                                  "Malformed IMAP response: a line longer than the limit of %"
                                  G_GSIZE_FORMAT " bytes", parser->max_line));
  return TRUE;
}

static gsize
feed_line (KabarImapParser *parser,
           const guint8    *data,
           gsize            length)
{
  const guint8 *newline = memchr (data, '\n', length);
  gsize n = newline != NULL ? (gsize) (newline - data) : length;

  if (line_too_long (parser, parser->line->len + n))
    return length;
  if (newline == NULL)
    {
      g_byte_array_append (parser->line, data, (guint) n);
      return length;
    }
  if (parser->line->len == 0)
    process_line (parser, (const char *) data, n);
  else
    {
      g_byte_array_append (parser->line, data, (guint) n);
      process_line (parser, (const char *) parser->line->data, parser->line->len);
      g_byte_array_set_size (parser->line, 0);
    }
  return n + 1;
}

/* --- Public --------------------------------------------------------------- */

KabarImapParser *
kabar_imap_parser_new (const KabarImapParserCallbacks *callbacks,
                       gpointer                        user_data)
{
  KabarImapParser *parser = g_new0 (KabarImapParser, 1);

  if (callbacks != NULL)
    parser->callbacks = *callbacks;
  parser->user_data = user_data;
  parser->stream_threshold = KABAR_IMAP_PARSER_DEFAULT_STREAM_THRESHOLD;
  parser->max_literal = KABAR_IMAP_PARSER_DEFAULT_MAX_LITERAL;
  parser->max_line = KABAR_IMAP_PARSER_DEFAULT_MAX_LINE;
  parser->max_depth = KABAR_IMAP_PARSER_DEFAULT_MAX_DEPTH;
  parser->max_response = KABAR_IMAP_PARSER_DEFAULT_MAX_RESPONSE;
  parser->line = g_byte_array_new ();
  parser->n_frames = 1;
  parser->frames = g_new0 (Frame, 1);
  return parser;
}

void
kabar_imap_parser_free (KabarImapParser *parser)
{
  if (parser == NULL)
    return;
  g_return_if_fail (!parser->feeding);

  kabar_imap_parser_reset (parser);
  for (guint i = 0; i < parser->n_frames; i++)
    g_free (parser->frames[i].items);
  g_free (parser->frames);
  g_byte_array_unref (parser->line);
  g_free (parser);
}

void
kabar_imap_parser_set_stream_threshold (KabarImapParser *parser,
                                        guint64          threshold)
{
  g_return_if_fail (parser != NULL);

  parser->stream_threshold = threshold;
}

void
kabar_imap_parser_set_max_literal_size (KabarImapParser *parser,
                                        guint64          max_size)
{
  g_return_if_fail (parser != NULL);
  g_return_if_fail (max_size < G_MAXUINT64);

  parser->max_literal = max_size;
}

void
kabar_imap_parser_set_max_line_length (KabarImapParser *parser,
                                       gsize            max_length)
{
  g_return_if_fail (parser != NULL);
  g_return_if_fail (max_length > 0 && max_length < G_MAXUINT);

  parser->max_line = max_length;
}

void
kabar_imap_parser_set_max_depth (KabarImapParser *parser,
                                 guint            max_depth)
{
  g_return_if_fail (parser != NULL);
  g_return_if_fail (max_depth < 100000);

  parser->max_depth = max_depth;
}

void
kabar_imap_parser_set_max_response_size (KabarImapParser *parser,
                                         gsize            max_size)
{
  g_return_if_fail (parser != NULL);

  parser->max_response = max_size;
}

static gboolean
feed (KabarImapParser  *parser,
      const guint8     *data,
      gsize             length,
      gboolean          may_pause,
      gsize            *consumed,
      GError          **error)
{
  gsize pos = 0;

  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (!parser->feeding, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parser->feeding = TRUE;
  parser->paused = FALSE;
  while (pos < length && !(may_pause && parser->paused) && parser->state != STATE_BROKEN)
    {
      switch (parser->state)
        {
        case STATE_LINE:
          pos += feed_line (parser, data + pos, length - pos);
          break;
        case STATE_LITERAL:
          pos += feed_literal (parser, data + pos, length - pos);
          break;
        case STATE_SKIP_LITERAL:
          pos += skip_literal (parser, length - pos);
          break;
        case STATE_BROKEN:
        default:
          g_assert_not_reached ();
        }
    }
  parser->feeding = FALSE;
  parser->paused = FALSE;
  if (consumed != NULL)
    *consumed = pos;
  if (parser->state == STATE_BROKEN)
    {
      if (error != NULL)
        *error = g_error_copy (parser->fatal);
      return FALSE;
    }
  return TRUE;
}

gboolean
kabar_imap_parser_feed_until_paused (KabarImapParser  *parser,
                                     const guint8     *data,
                                     gsize             length,
                                     gsize            *consumed,
                                     GError          **error)
{
  return feed (parser, data, length, TRUE, consumed, error);
}

gboolean
kabar_imap_parser_feed (KabarImapParser  *parser,
                        const guint8     *data,
                        gsize             length,
                        GError          **error)
{
  return feed (parser, data, length, FALSE, NULL, error);
}

void
kabar_imap_parser_pause (KabarImapParser *parser)
{
  g_return_if_fail (parser != NULL);
  g_return_if_fail (parser->feeding);

  parser->paused = TRUE;
}

gboolean
kabar_imap_parser_is_between_responses (KabarImapParser *parser)
{
  g_return_val_if_fail (parser != NULL, FALSE);

  return parser->state == STATE_LINE && parser->line->len == 0 && parser->response == NULL &&
         !parser->skipping;
}

gsize
kabar_imap_parser_get_buffered_size (KabarImapParser *parser)
{
  g_return_val_if_fail (parser != NULL, 0);

  if (parser->response == NULL)
    return parser->line->len;
  return parser->line->len + frames_size (parser) + parser->response->arena_size;
}

void
kabar_imap_parser_reset (KabarImapParser *parser)
{
  g_return_if_fail (parser != NULL);
  g_return_if_fail (!parser->feeding);

  g_clear_pointer (&parser->response, kabar_imap_response_unref);
  g_clear_error (&parser->fatal);
  frames_clear (parser);
  g_byte_array_set_size (parser->line, 0);
  parser->state = STATE_LINE;
  parser->skipping = FALSE;
  parser->literal_data = NULL;
  parser->literal_remaining = 0;
}
