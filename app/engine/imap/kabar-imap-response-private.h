/* kabar-imap-response-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the parser builds and the accessors read. Only the parser and
 * kabar-imap-response.c include this.
 */

#pragma once

#include "kabar-imap-response.h"

G_BEGIN_DECLS

typedef enum
{
  KABAR_IMAP_VALUE_FLAG_LITERAL = 1 << 0,
  KABAR_IMAP_VALUE_FLAG_BINARY  = 1 << 1,
} KabarImapValueFlags;

struct _KabarImapValue
{
  guint8          kind;     /* KabarImapValueKind */
  guint8          flags;    /* KabarImapValueFlags */
  guint32         n_items;  /* LIST */
  /* The length of text, or a STREAMED literal's size. */
  guint64         size;
  /* NUL-terminated: an atom, a number or NIL as sent, a string's bytes. */
  const char     *text;
  union
  {
    guint64          number;
    KabarImapValue **items;
    guint64          stream_id;
  } u;
};

typedef struct _KabarImapArenaBlock KabarImapArenaBlock;

/* A response and everything in it live in one arena: a first area in the
 * response's own allocation, then blocks, all freed together. Parsing a
 * FETCH of 100,000 messages then costs a few allocations a message, not one
 * a token. */
struct _KabarImapResponse
{
  gatomicrefcount       ref_count;
  KabarImapResponseKind kind;
  KabarImapStatus       status;
  KabarImapDataKind     data_kind;
  KabarImapCode         code;
  gboolean              has_number;
  guint64               number;
  const char           *tag;
  const char           *name;
  const char           *code_name;
  const char           *code_text;
  const char           *text;
  const KabarImapValue *code_args;
  const KabarImapValue *args;

  char                 *arena_next;
  char                 *arena_end;
  gsize                 arena_size;       /* all of it, for the memory limit */
  gsize                 next_block_size;
  KabarImapArenaBlock  *blocks;
};

extern const KabarImapValue kabar_imap_value_empty_list;

KabarImapResponse *kabar_imap_response_new_sized (KabarImapResponseKind  kind,
                                                  gsize                  size_hint);
gpointer           kabar_imap_response_alloc     (KabarImapResponse     *response,
                                                  gsize                  size);
char              *kabar_imap_response_strndup   (KabarImapResponse     *response,
                                                  const char            *text,
                                                  gsize                  length);

G_END_DECLS
