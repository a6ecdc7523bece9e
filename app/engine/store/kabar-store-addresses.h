/* kabar-store-addresses.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gmime/gmime.h>

#include "kabar-store.h"

G_BEGIN_DECLS

/* The address book for completion (version-007.sql): every address seen
 * in the From, To and Cc of the store's messages, how often, how lately,
 * and how often the user wrote to it (the To and Cc of the folder with
 * the sent role, and of mail queued in the outbox).
 *
 * It is built from the messages table, never by the sync's inserts: an
 * update reads the messages stored since the last one (a high-water mark
 * of message ids), in batches, each its own short write transaction, so
 * the sync waits for none for long. The first update of a store reads
 * all its mail.
 *
 * Any thread but the UI's. Errors are in KABAR_STORE_ERROR. */

/* An address to complete. */
typedef struct
{
  /* NULL when no message gave one. */
  char *name;
  char *address;
} KabarAddressMatch;

#define KABAR_TYPE_ADDRESS_MATCH (kabar_address_match_get_type ())

GType              kabar_address_match_get_type (void) G_GNUC_CONST;
KabarAddressMatch *kabar_address_match_copy     (const KabarAddressMatch *self);
void               kabar_address_match_free     (KabarAddressMatch       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarAddressMatch, kabar_address_match_free)

/* Reads the messages stored since the last update. Cancelling stops
 * between batches (G_IO_ERROR_CANCELLED); what was read is kept. */
gboolean   kabar_store_address_book_update       (KabarStore           *self,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
/* The user wrote to these (a message queued in the outbox): ranked first
 * from now on, whether or not the book was built yet. */
gboolean   kabar_store_address_book_note_written (KabarStore           *self,
                                                  InternetAddressList  *recipients,
                                                  gint64                date,
                                                  GError              **error);
/* At most limit addresses (KabarAddressMatch elements) whose address, or a word of whose name, starts
 * with prefix, without case or accents; every word of a prefix of
 * several words must match. Those written to first, then the addresses
 * of the account's contacts (kabar-store-organizer.h: matched by their
 * name, company or address), then by count, then by the latest date.
 * None for an empty prefix. */
GPtrArray *kabar_store_address_book_complete     (KabarStore           *self,
                                                  const char           *prefix,
                                                  guint                 limit,
                                                  GError              **error);

/* The store's own (kabar-store-organizer.c): the folded words completion
 * matches, of a name (each word) or of an address (whole), and the words
 * of what the user typed (at most 4). */
void       kabar_store_address_words_add_name    (GPtrArray            *words,
                                                  const char           *name);
void       kabar_store_address_words_add_address (GPtrArray            *words,
                                                  const char           *address);
GPtrArray *kabar_store_address_query_words       (const char           *query);
/* The first string after every one that starts with word. */
char      *kabar_store_address_word_bound        (const char           *word);

G_END_DECLS
