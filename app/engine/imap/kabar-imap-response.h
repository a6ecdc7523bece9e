/* kabar-imap-response.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One response of an IMAP server, as KabarImapParser delivers it.
 *
 * Ownership: a response is reference counted (atomically, so it may be
 * handed to another thread). Everything read from it, the strings and the
 * KabarImapValue tree, belongs to the response and lives as long as it:
 * keep a reference to the response, not to its parts. Responses are never
 * changed after the parser delivers them.
 *
 * Text that comes from the server (the human text, atoms, strings) is given
 * as the server sent it, NUL-terminated. It is not guaranteed to be UTF-8:
 * validate before showing it. Mailbox names are modified UTF-7, see
 * kabar-imap-utf7.h. */

typedef struct _KabarImapResponse KabarImapResponse;
typedef struct _KabarImapValue KabarImapValue;

typedef enum
{
  KABAR_IMAP_RESPONSE_TAGGED,        /* "a1 OK ..." completes a command */
  KABAR_IMAP_RESPONSE_UNTAGGED,      /* "* ..." */
  KABAR_IMAP_RESPONSE_CONTINUATION,  /* "+ ..." */
} KabarImapResponseKind;

typedef enum
{
  KABAR_IMAP_STATUS_NONE,            /* data ("* 3 EXISTS") and continuations */
  KABAR_IMAP_STATUS_OK,
  KABAR_IMAP_STATUS_NO,
  KABAR_IMAP_STATUS_BAD,
  KABAR_IMAP_STATUS_PREAUTH,         /* untagged only */
  KABAR_IMAP_STATUS_BYE,             /* untagged only */
} KabarImapStatus;

/* What an untagged data response carries; the keyword itself is
 * kabar_imap_response_get_name(). */
typedef enum
{
  KABAR_IMAP_DATA_NONE,              /* not a data response */
  KABAR_IMAP_DATA_UNKNOWN,           /* kept: get_name, get_text, best-effort get_args */
  KABAR_IMAP_DATA_CAPABILITY,
  KABAR_IMAP_DATA_ENABLED,
  KABAR_IMAP_DATA_FLAGS,
  KABAR_IMAP_DATA_LIST,
  KABAR_IMAP_DATA_LSUB,
  KABAR_IMAP_DATA_STATUS,
  KABAR_IMAP_DATA_SEARCH,
  KABAR_IMAP_DATA_ESEARCH,
  KABAR_IMAP_DATA_SORT,
  KABAR_IMAP_DATA_THREAD,
  KABAR_IMAP_DATA_NAMESPACE,
  KABAR_IMAP_DATA_ID,
  KABAR_IMAP_DATA_QUOTA,
  KABAR_IMAP_DATA_QUOTAROOT,
  KABAR_IMAP_DATA_METADATA,
  KABAR_IMAP_DATA_VANISHED,
  /* These four carry a message number, kabar_imap_response_get_number(). */
  KABAR_IMAP_DATA_EXISTS,
  KABAR_IMAP_DATA_RECENT,
  KABAR_IMAP_DATA_EXPUNGE,
  KABAR_IMAP_DATA_FETCH,
} KabarImapDataKind;

/* The bracketed response code of a status response or continuation
 * ("a1 OK [READ-WRITE] ..."). Unknown codes are kept with their name and
 * raw text. */
typedef enum
{
  KABAR_IMAP_CODE_NONE,
  KABAR_IMAP_CODE_UNKNOWN,
  /* RFC 3501 */
  KABAR_IMAP_CODE_ALERT,
  KABAR_IMAP_CODE_BADCHARSET,          /* args: an optional list of charsets */
  KABAR_IMAP_CODE_CAPABILITY,          /* args: the capability atoms */
  KABAR_IMAP_CODE_PARSE,
  KABAR_IMAP_CODE_PERMANENTFLAGS,      /* args: one list of flags */
  KABAR_IMAP_CODE_READ_ONLY,
  KABAR_IMAP_CODE_READ_WRITE,
  KABAR_IMAP_CODE_TRYCREATE,
  KABAR_IMAP_CODE_UIDNEXT,             /* number */
  KABAR_IMAP_CODE_UIDVALIDITY,         /* number */
  KABAR_IMAP_CODE_UNSEEN,              /* number */
  /* RFC 4315 UIDPLUS */
  KABAR_IMAP_CODE_APPENDUID,           /* number (UIDVALIDITY), UID set */
  KABAR_IMAP_CODE_COPYUID,             /* number (UIDVALIDITY), source set, destination set */
  KABAR_IMAP_CODE_UIDNOTSTICKY,
  /* RFC 7162 CONDSTORE and QRESYNC */
  KABAR_IMAP_CODE_HIGHESTMODSEQ,       /* number */
  KABAR_IMAP_CODE_NOMODSEQ,
  KABAR_IMAP_CODE_MODIFIED,            /* args: a set */
  KABAR_IMAP_CODE_CLOSED,
  /* RFC 5530, what the engine turns into sentences for the user */
  KABAR_IMAP_CODE_UNAVAILABLE,
  KABAR_IMAP_CODE_AUTHENTICATIONFAILED,
  KABAR_IMAP_CODE_AUTHORIZATIONFAILED,
  KABAR_IMAP_CODE_EXPIRED,
  KABAR_IMAP_CODE_PRIVACYREQUIRED,
  KABAR_IMAP_CODE_CONTACTADMIN,
  KABAR_IMAP_CODE_NOPERM,
  KABAR_IMAP_CODE_INUSE,
  KABAR_IMAP_CODE_EXPUNGEISSUED,
  KABAR_IMAP_CODE_CORRUPTION,
  KABAR_IMAP_CODE_SERVERBUG,
  KABAR_IMAP_CODE_CLIENTBUG,
  KABAR_IMAP_CODE_CANNOT,
  KABAR_IMAP_CODE_LIMIT,
  KABAR_IMAP_CODE_OVERQUOTA,
  KABAR_IMAP_CODE_ALREADYEXISTS,
  KABAR_IMAP_CODE_NONEXISTENT,
} KabarImapCode;

/* A node of a response's data. Atoms that are all digits are NUMBER (up
 * to 2^64 - 1; a longer run of digits is a parse error); "NIL" in any case
 * is NIL; quoted strings and literals kept in memory are STRING; a literal
 * larger than the parser's stream threshold went through the literal
 * callbacks and is STREAMED, with only its size and id. A FETCH key such as
 * BODY[HEADER.FIELDS (FROM TO)]<0> is one ATOM. */
typedef enum
{
  KABAR_IMAP_VALUE_NIL,
  KABAR_IMAP_VALUE_ATOM,
  KABAR_IMAP_VALUE_NUMBER,
  KABAR_IMAP_VALUE_STRING,
  KABAR_IMAP_VALUE_LIST,
  KABAR_IMAP_VALUE_STREAMED,
} KabarImapValueKind;

#define KABAR_TYPE_IMAP_RESPONSE (kabar_imap_response_get_type ())
GType                     kabar_imap_response_get_type      (void) G_GNUC_CONST;

KabarImapResponse        *kabar_imap_response_ref           (KabarImapResponse        *response);
void                      kabar_imap_response_unref         (KabarImapResponse        *response);

KabarImapResponseKind     kabar_imap_response_get_kind      (const KabarImapResponse  *response);
/* NULL unless tagged. */
const char               *kabar_imap_response_get_tag       (const KabarImapResponse  *response);
KabarImapStatus           kabar_imap_response_get_status    (const KabarImapResponse  *response);

/* Status responses and continuations: the response code, if any. */
KabarImapCode             kabar_imap_response_get_code      (const KabarImapResponse  *response);
/* The code's name in upper case ("UIDVALIDITY", "X-SOMETHING"), NULL
 * without a code. */
const char               *kabar_imap_response_get_code_name (const KabarImapResponse  *response);
/* The code's arguments as a LIST value (empty without a code or
 * arguments). Known codes are checked: UIDVALIDITY has a number, COPYUID
 * a number and two sets, and so on. */
const KabarImapValue     *kabar_imap_response_get_code_args (const KabarImapResponse  *response);
/* What stood between the code's name and its "]", as sent ("" if nothing):
 * for unknown codes, whose arguments may not be IMAP values. */
const char               *kabar_imap_response_get_code_text (const KabarImapResponse  *response);
/* The first argument of UIDVALIDITY, UIDNEXT, UNSEEN, HIGHESTMODSEQ,
 * APPENDUID and COPYUID. FALSE for other codes. */
gboolean                  kabar_imap_response_get_code_number (const KabarImapResponse *response,
                                                               guint64                 *number);

/* The server's human text of a status response or continuation (after the
 * code), or for unknown data responses the raw rest of the first line; ""
 * when there is none. For continuations during SASL this is the base64
 * challenge. */
const char               *kabar_imap_response_get_text      (const KabarImapResponse  *response);

/* Untagged data. */
KabarImapDataKind         kabar_imap_response_get_data_kind (const KabarImapResponse  *response);
/* The keyword in upper case ("FETCH", "LIST", "OK" for "* OK"), NULL for
 * tagged responses and continuations. */
const char               *kabar_imap_response_get_name      (const KabarImapResponse  *response);
/* The number before the keyword ("* 23 EXISTS"): FALSE if none. */
gboolean                  kabar_imap_response_get_number    (const KabarImapResponse  *response,
                                                             guint64                  *number);
/* Everything after the keyword as one LIST value: for "* LIST (\Sent) "/"
 * Sent" the three values, for FETCH one list of key-value pairs. Empty for
 * status responses. For unknown responses whose rest does not parse as
 * IMAP values, empty too (get_text still has the raw line). */
const KabarImapValue     *kabar_imap_response_get_args      (const KabarImapResponse  *response);

/* FETCH: the item's value, by key in any case ("UID", "FLAGS",
 * "BODY[HEADER.FIELDS (FROM TO)]"); NULL if the response has no such item.
 * Keys are upper case in the response, as servers send them. */
const KabarImapValue     *kabar_imap_response_lookup_fetch_item (const KabarImapResponse *response,
                                                                 const char              *key);

/* Walks a FETCH response's items in the server's order:
 *
 *   KabarImapFetchIter iter;
 *   const char *key;
 *   const KabarImapValue *value;
 *
 *   kabar_imap_fetch_iter_init (&iter, response);
 *   while (kabar_imap_fetch_iter_next (&iter, &key, &value))
 *     ...
 *
 * A response that is not FETCH has no items. */
typedef struct
{
  /*< private >*/
  const KabarImapValue *list;
  guint                 index;
} KabarImapFetchIter;

void                      kabar_imap_fetch_iter_init        (KabarImapFetchIter       *iter,
                                                             const KabarImapResponse  *response);
gboolean                  kabar_imap_fetch_iter_next        (KabarImapFetchIter       *iter,
                                                             const char              **key,
                                                             const KabarImapValue    **value);

/* A one-line, escaped rendering for logs and tests (literals shown in full,
 * streamed literals as <streamed N bytes>). Newly allocated. */
char                     *kabar_imap_response_to_string     (const KabarImapResponse  *response);

/* Values. They are not a GType of their own (so kabar_imap_value_get_kind,
 * not _get_type): they exist only inside their response. All accessors
 * accept NULL (what get_list_item gives out of range) and then return the
 * "not this kind" answer; get_kind says NIL. */
KabarImapValueKind        kabar_imap_value_get_kind         (const KabarImapValue     *value);
gboolean                  kabar_imap_value_is_nil           (const KabarImapValue     *value);
/* The atom's text, NULL for other kinds. Flags like \Seen are atoms. */
const char               *kabar_imap_value_get_atom         (const KabarImapValue     *value);
/* TRUE and the number for NUMBER values. */
gboolean                  kabar_imap_value_get_number       (const KabarImapValue     *value,
                                                             guint64                  *number);
/* A STRING's bytes (NUL-terminated, but literals may hold NULs), NULL for
 * other kinds. */
const char               *kabar_imap_value_get_string       (const KabarImapValue     *value,
                                                             gsize                    *length);
/* A copy of a STRING's bytes, NULL for other kinds. */
GBytes                   *kabar_imap_value_dup_bytes        (const KabarImapValue     *value);
/* The text of an atom, number (as sent, leading zeros kept) or string:
 * IMAP's astring, what mailbox names and UID sets ("1:5,7" is an atom, "5"
 * a number) are. NULL for NIL, lists and streamed literals. */
const char               *kabar_imap_value_get_text         (const KabarImapValue     *value);
/* TRUE if value is an atom equal to atom, ignoring ASCII case. */
gboolean                  kabar_imap_value_is_atom          (const KabarImapValue     *value,
                                                             const char               *atom);
/* A STRING or STREAMED value that came as a literal; binary if it came as
 * a literal8 ("~{n}", RFC 3516), which may contain NUL. */
gboolean                  kabar_imap_value_is_literal       (const KabarImapValue     *value);
gboolean                  kabar_imap_value_is_binary        (const KabarImapValue     *value);
guint                     kabar_imap_value_get_list_length  (const KabarImapValue     *value);
/* NULL out of range. */
const KabarImapValue     *kabar_imap_value_get_list_item    (const KabarImapValue     *value,
                                                             guint                     index);
/* STREAMED: the literal's size and the id its callbacks carried; 0 for
 * other kinds. */
guint64                   kabar_imap_value_get_streamed_size (const KabarImapValue    *value);
guint64                   kabar_imap_value_get_stream_id    (const KabarImapValue     *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarImapResponse, kabar_imap_response_unref)

G_END_DECLS
