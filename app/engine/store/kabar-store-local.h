/* kabar-store-local.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "kabar-account.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* A POP account's store: local folders only, and what the POP download
 * remembers of the server's messages.
 *
 * Errors are in KABAR_STORE_ERROR. Any thread, never the UI thread. */

/* Local folders.
 *
 * The user's changes go through the kabar_store_change_*() calls, as for
 * IMAP (the UI has one path), and are then completed here instead of
 * being replayed to a server. */

/* Adds the folders a POP account has, with their roles and "/" as
 * delimiter, when the store has no folder of that role yet: INBOX
 * (inbox), Drafts, Sent, Trash, Junk, Archive. Calling it again changes
 * nothing. */
gboolean   kabar_store_ensure_local_folders     (KabarStore                 *self,
                                                 GError                    **error);
/* Completes every pending operation, oldest first, as a server would
 * have, each in its own transaction flushed to disk:
 *  - flags and deletes are done (a message deleted for good goes);
 *  - a moved message keeps its row id: its folder and uid change and the
 *    provisional copy goes, so what names it (the POP bookkeeping) still
 *    does;
 *  - a copy's and an append's provisional rows become ordinary ones, with
 *    the next local uid of their folder;
 *  - folder create, rename and delete are done; a deleted folder's
 *    messages went with it when the user deleted it.
 * Stops at the first operation that cannot be completed, leaving it and
 * those after it pending. */
gboolean   kabar_store_complete_pending_locally (KabarStore                 *self,
                                                 GError                    **error);

/* POP bookkeeping.
 *
 * Every message downloaded is remembered by its UIDL, with the message it
 * became. A message is deleted locally when it is deleted for good in
 * Kabar or moved to the folder with the trash role (moves between other
 * folders do not count); what the server should then delete depends on
 * the account's setting (KabarPopServerCopies). */

/* Stores a downloaded message in folder_id, with the next local uid of the
 * folder, its summary read from raw, raw as its body, and remembers
 * uidl, in one transaction. It is not flushed to disk: a power cut may
 * take it back, its UIDL with it, and the next check downloads it again;
 * the server may delete it once kabar_store_pop_list_to_delete() listed
 * it, which flushes first. Its text is then read and it is indexed for
 * search (kabar_store_read_pending_texts(), with any other message
 * waiting for it), after that transaction, which need not wait for them.
 * A uidl already known adds nothing and returns TRUE. internal_date is
 * unix seconds (when it was downloaded, POP has no other). */
gboolean   kabar_store_pop_add_message          (KabarStore                 *self,
                                                 gint64                      folder_id,
                                                 const char                 *uidl,
                                                 GBytes                     *raw,
                                                 KabarMessageFlags           flags,
                                                 gint64                      internal_date,
                                                 GError                    **error);
/* What the store keys a message's row by, read from its summary. */
typedef struct _KabarStoreRowKeys KabarStoreRowKeys;

KabarStoreRowKeys *kabar_store_row_keys_new  (const KabarMessageSummary *summary);
void               kabar_store_row_keys_free (KabarStoreRowKeys         *keys);

/* One downloaded message of a batch. summary and keys are what
 * kabar_store_pop_prepare() read of raw, NULL before; the caller frees
 * them with kabar_store_pop_download_clear(). */
typedef struct
{
  const char          *uidl;
  GBytes              *raw;
  KabarMessageSummary *summary;
  KabarStoreRowKeys   *keys;
} KabarPopDownload;

/* Reads each message's summary from its header block (no MIME parse of
 * the message: a few microseconds), and the keys of its row, on any
 * thread and without the store: a download reads a batch while the one
 * before it is written.
 * has_attachments is known for a message of one part; a multipart's is
 * FALSE until kabar_store_read_pending_texts() reads its parts. */
void       kabar_store_pop_prepare              (KabarPopDownload           *messages,
                                                 guint                       n);
void       kabar_store_pop_download_clear       (KabarPopDownload           *message);

/* kabar_store_pop_add_message() for n messages in one transaction: all of
 * them are stored, with their UIDLs, or none. Those
 * not prepared yet are prepared first. Once stored, each summary's id is
 * the message's (0 for a UIDL already known, or one the batch held
 * before, which added nothing). They are listed at once, with no snippet
 * yet and each in a conversation of its own, and found by search and
 * joined to their conversations only once kabar_store_read_pending_texts()
 * read them: that mark is stored with them, so a crash before it leaves
 * them for the next call. */
gboolean   kabar_store_pop_add_messages         (KabarStore                 *self,
                                                 gint64                      folder_id,
                                                 KabarPopDownload           *messages,
                                                 guint                       n,
                                                 KabarMessageFlags           flags,
                                                 gint64                      internal_date,
                                                 GError                    **error);
/* For the oldest limit messages stored without their text (by
 * kabar_store_pop_add_messages(), before or in an earlier run): parses
 * each raw body with GMime, outside the writer, then in one transaction
 * stores its text for search and its snippet, corrects its attachment
 * mark, joins it to its conversation (the threads of kabar-store.h), and
 * indexes it for search. *read (may be NULL) says how many were taken: 0
 * when none is left. folder_ids (gint64, may be NULL) gets the folders
 * whose messages changed (their snippets, marks and conversations), each once:
 * the lists showing them are out of date. A message deleted meanwhile is
 * simply not there. A copy or a move made before its text was read
 * carries the mark (kabar_store_change_copy()) and is read as well. Not
 * flushed to disk: a commit lost in a crash leaves the marks, and the
 * next call reads those messages again. */
gboolean   kabar_store_read_pending_texts       (KabarStore                 *self,
                                                 guint                       limit,
                                                 guint                      *read,
                                                 GArray                     *folder_ids,
                                                 GError                    **error);
/* Every UIDL remembered, downloaded and not yet forgotten: a set (keys
 * are the UIDLs, values NULL). */
GHashTable *kabar_store_pop_list_known          (KabarStore                 *self,
                                                 GError                    **error);
/* The UIDLs (strings, oldest download first) the server should delete
 * under the policy, never those already deleted there: KEEP none,
 * AFTER_DAYS those downloaded more than days before now (unix seconds),
 * WHEN_DELETED those deleted locally, AFTER_DOWNLOAD all. Before it
 * returns any, everything stored is flushed to disk (one commit, which
 * also notes that the server was asked): the server may delete them. */
GPtrArray  *kabar_store_pop_list_to_delete      (KabarStore                 *self,
                                                 KabarPopServerCopies        policy,
                                                 guint                       days,
                                                 gint64                      now,
                                                 GError                    **error);
/* The server confirmed deleting these (its QUIT answered +OK). */
gboolean   kabar_store_pop_mark_deleted_on_server (KabarStore               *self,
                                                   const char * const       *uidls,
                                                   GError                  **error);
/* Forgets the UIDLs that server_uidls (a set of the UIDLs the server
 * lists now) does not have: they cannot come back, and the table would
 * grow for ever. The messages they became stay. */
gboolean   kabar_store_pop_forget_missing       (KabarStore                 *self,
                                                 GHashTable                 *server_uidls,
                                                 GError                    **error);

G_END_DECLS
