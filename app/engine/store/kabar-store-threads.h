/* kabar-store-threads.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to the store: Message-ID lists and the thread a new message
 * joins (the rules are in kabar_store_insert_summaries()'s comment).
 */

#pragma once

#include "kabar-store-connection.h"

G_BEGIN_DECLS

/* The first Message-ID in text, without its angle brackets; a bare id
 * when text has no brackets; NULL when text has none. */
char      *kabar_store_parse_message_id   (const char *text);
/* Every Message-ID in text (a References header), without brackets. */
GPtrArray *kabar_store_parse_message_ids  (const char *text);
/* The ids of a References header as the store keeps them: "<a> <b>". */
char      *kabar_store_format_references  (GPtrArray  *ids);
/* The hash the store indexes a Message-ID by (64-bit FNV-1a, as a signed
 * SQLite integer). Stored in databases: never change it. */
gint64     kabar_store_hash_message_id    (const char *id);

typedef struct
{
  KabarStoreConnection *connection;
  gint64 next_thread_id;
} KabarStoreThreader;

/* For one write transaction: reads where new thread ids start. */
gboolean   kabar_store_threader_init      (KabarStoreThreader    *self,
                                           KabarStoreConnection  *connection,
                                           GError               **error);
/* The thread of a message about to be inserted, merging the threads it
 * links. ids are without brackets; references may be NULL. */
gboolean   kabar_store_threader_assign    (KabarStoreThreader    *self,
                                           const char            *message_id,
                                           const char            *in_reply_to,
                                           GPtrArray             *references,
                                           gint64                *thread_id,
                                           GError               **error);
/* A thread of its own, for a message joined to its conversation later
 * (kabar_store_thread_join()). */
gint64     kabar_store_threader_new_thread (KabarStoreThreader   *self);
/* Joins a message stored in a thread of its own (own_thread) to the
 * threads it links, as kabar_store_threader_assign() would have: the
 * same conversation, whichever was stored first. */
gboolean   kabar_store_thread_join        (KabarStoreConnection  *connection,
                                           const char            *message_id,
                                           const char            *in_reply_to,
                                           GPtrArray             *references,
                                           gint64                 own_thread,
                                           GError               **error);

G_END_DECLS
