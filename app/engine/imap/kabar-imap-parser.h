/* kabar-imap-parser.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "kabar-imap-error.h"
#include "kabar-imap-response.h"

G_BEGIN_DECLS

/* A push parser for what an IMAP server sends (RFC 3501 with CONDSTORE,
 * QRESYNC, UIDPLUS, SPECIAL-USE, LIST-STATUS, ESEARCH and BINARY). It does
 * no I/O: give it bytes as they arrive, in any chunking, and it calls back
 * for every complete response. Feeding one byte at a time gives the same
 * responses as feeding everything at once.
 *
 * Literals up to the stream threshold are kept in the response. Larger
 * ones are never held whole: they go to the literal callbacks as they
 * arrive and appear in the response as a STREAMED value with their size
 * and id. The begin, chunk and end calls of one literal come before the
 * response that contains it is delivered (or reported malformed, in which
 * case the consumer drops what it got).
 *
 * A "{n}" at the end of a status response's text ("* OK fine {5}") is
 * text: RFC 3501's resp-text has no literals.
 *
 * Errors. A response that is not IMAP is "malformed". With a malformed
 * callback, the parser reports it there (KABAR_IMAP_ERROR_PARSE), drops the
 * response and carries on at the next line: when the broken line ends with
 * a literal announcement, that literal and the rest of the response are
 * skipped too, so a FETCH with bodies cannot make the parser read a body as
 * responses. Without a malformed callback a malformed response is fatal.
 * What cannot be resynchronised safely is always fatal: a line longer than
 * the line limit, or a literal larger than the literal limit. After a fatal
 * error every feed fails with the same error until kabar_imap_parser_reset.
 *
 * Limits (against a hostile or broken server), all settable:
 * - a line outside literals: KABAR_IMAP_PARSER_DEFAULT_MAX_LINE (8 MiB,
 *   so that "* SEARCH" of a million-message mailbox still fits), fatal;
 * - a literal: KABAR_IMAP_PARSER_DEFAULT_MAX_LITERAL (2 GiB), fatal;
 * - what one response holds in memory, its values and kept literals:
 *   KABAR_IMAP_PARSER_DEFAULT_MAX_RESPONSE (64 MiB), fatal; a line of
 *   millions of tiny values would otherwise cost many times its size;
 * - nested lists: KABAR_IMAP_PARSER_DEFAULT_MAX_DEPTH (64), malformed;
 * - numbers: 2^64 - 1 (MODSEQ needs 63 bits), malformed.
 *
 * Threading: a parser is used from one thread at a time. Callbacks run
 * inside feed; they must not feed, reset or free the parser. */

#define KABAR_IMAP_PARSER_DEFAULT_STREAM_THRESHOLD ((guint64) 256 * 1024)
#define KABAR_IMAP_PARSER_DEFAULT_MAX_LITERAL      ((guint64) 2 * 1024 * 1024 * 1024)
#define KABAR_IMAP_PARSER_DEFAULT_MAX_LINE         ((gsize) 8 * 1024 * 1024)
#define KABAR_IMAP_PARSER_DEFAULT_MAX_RESPONSE     ((gsize) 64 * 1024 * 1024)
#define KABAR_IMAP_PARSER_DEFAULT_MAX_DEPTH        64u

typedef struct _KabarImapParser KabarImapParser;

/* Where a streamed literal belongs, valid during the callback only. */
typedef struct
{
  /* Counts from 1 for each parser; the STREAMED value carries it too. */
  guint64     id;
  guint64     size;
  /* A literal8 ("~{n}"): the data may contain NUL. */
  gboolean    binary;
  /* The response being parsed: "a1" or NULL, the keyword ("FETCH") or
   * NULL, and the message number of "* n FETCH" (0 if none). */
  const char *tag;
  const char *name;
  guint64     number;
  /* In a FETCH, the item whose value this literal is ("BODY[]",
   * "BINARY[1]", upper case), and the message's UID if the server sent it
   * before this item (servers usually do; 0 otherwise). */
  const char *key;
  guint64     uid;
} KabarImapLiteralInfo;

typedef struct
{
  /* A complete response. Take a reference to keep it. */
  void (*response)      (KabarImapParser            *parser,
                         KabarImapResponse          *response,
                         gpointer                    user_data);
  /* A malformed response was dropped; see above. May be NULL. */
  void (*malformed)     (KabarImapParser            *parser,
                         const GError               *error,
                         gpointer                    user_data);
  /* Streamed literals; each may be NULL (the data is then dropped). */
  void (*literal_begin) (KabarImapParser            *parser,
                         const KabarImapLiteralInfo *info,
                         gpointer                    user_data);
  void (*literal_chunk) (KabarImapParser            *parser,
                         const KabarImapLiteralInfo *info,
                         const guint8               *data,
                         gsize                       length,
                         gpointer                    user_data);
  void (*literal_end)   (KabarImapParser            *parser,
                         const KabarImapLiteralInfo *info,
                         gpointer                    user_data);
} KabarImapParserCallbacks;

/* callbacks is copied. */
KabarImapParser *kabar_imap_parser_new                  (const KabarImapParserCallbacks *callbacks,
                                                         gpointer                        user_data);
void             kabar_imap_parser_free                 (KabarImapParser                *parser);

void             kabar_imap_parser_set_stream_threshold (KabarImapParser  *parser,
                                                         guint64           threshold);
void             kabar_imap_parser_set_max_literal_size (KabarImapParser  *parser,
                                                         guint64           max_size);
void             kabar_imap_parser_set_max_line_length  (KabarImapParser  *parser,
                                                         gsize             max_length);
void             kabar_imap_parser_set_max_depth        (KabarImapParser  *parser,
                                                         guint             max_depth);
/* Kept literals count too: keep the stream threshold well below this. */
void             kabar_imap_parser_set_max_response_size (KabarImapParser *parser,
                                                          gsize            max_size);

/* Parses all of data. FALSE on a fatal error (see above); the responses
 * before it were delivered. */
gboolean         kabar_imap_parser_feed                 (KabarImapParser  *parser,
                                                         const guint8     *data,
                                                         gsize             length,
                                                         GError          **error);
/* As feed, but stops right after a response during whose callback
 * kabar_imap_parser_pause was called, and says how much of data it used.
 * For protocol switches: the bytes after "a1 OK Begin TLS" or after the OK
 * to COMPRESS are not IMAP text, and must not be parsed as such. */
gboolean         kabar_imap_parser_feed_until_paused    (KabarImapParser  *parser,
                                                         const guint8     *data,
                                                         gsize             length,
                                                         gsize            *consumed,
                                                         GError          **error);
/* From the response callback only. */
void             kabar_imap_parser_pause                (KabarImapParser  *parser);

/* TRUE when no partial response is buffered: after STARTTLS the connection
 * checks this, since plain-text bytes that came with the server's OK would
 * otherwise be taken as coming from inside TLS. */
gboolean         kabar_imap_parser_is_between_responses (KabarImapParser  *parser);
/* The memory the parser holds for the response in progress (the partial
 * line and what is parsed of it), in bytes. Streamed literals don't count:
 * they are never held. */
gsize            kabar_imap_parser_get_buffered_size    (KabarImapParser  *parser);
/* Forgets any partial response and a fatal error; the limits stay. */
void             kabar_imap_parser_reset                (KabarImapParser  *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarImapParser, kabar_imap_parser_free)

G_END_DECLS
