/* kabar-store-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the store's own files (and its tests), not by other layers.
 */

#pragma once

#include "kabar-store.h"
#include "kabar-store-local.h"
#include "kabar-store-connection.h"
#include "kabar-store-threads.h"

G_BEGIN_DECLS

typedef enum
{
  /* Survives a crash of Kabar; a power cut may take the last commits. */
  KABAR_STORE_DURABILITY_NORMAL,
  /* Flushed to disk at commit (synchronous=FULL for that transaction):
   * for what exists nowhere else, the pending operations and, when it
   * comes, the outbox. */
  KABAR_STORE_DURABILITY_FULL,
} KabarStoreDurability;

/* A unit of work run inside a transaction on one connection. */
typedef gboolean (*KabarStoreWork) (KabarStoreConnection  *connection,
                                    gpointer               data,
                                    GError               **error);

/* Runs work in one write transaction on the writer connection, holding its
 * lock: committed when work returns TRUE, rolled back otherwise. */
gboolean kabar_store_write (KabarStore            *self,
                            KabarStoreDurability   durability,
                            KabarStoreWork         work,
                            gpointer               data,
                            GError               **error);
/* Runs work in one read transaction on the reader connection, so all its
 * statements see the same committed state. */
gboolean kabar_store_read  (KabarStore            *self,
                            KabarStoreWork         work,
                            gpointer               data,
                            GError               **error);

/* The items row_func makes of the rows of sql (a literal without
 * parameters), read in one read transaction; free_func frees one. NULL
 * with error set when the read fails. */
GPtrArray *kabar_store_read_rows (KabarStore         *self,
                                  const char         *sql,
                                  KabarStoreRowFunc   row_func,
                                  GDestroyNotify      free_func,
                                  GError            **error);

/* The schema version this build writes. */
guint    kabar_store_schema_latest_version (void);

/* Tests only: runs sql on the writer connection (to set PRAGMA
 * max_page_count or cache_size), and calls hook before each row of a
 * summary batch is inserted. */
typedef void (*KabarStoreInsertHook) (guint row, gpointer data);

gboolean kabar_store_exec_for_testing        (KabarStore            *self,
                                              const char            *sql,
                                              GError               **error);
void     kabar_store_set_insert_hook_for_testing (KabarStore           *self,
                                                  KabarStoreInsertHook  hook,
                                                  gpointer              data);

/* Internal to the files of the store. */
KabarStoreInsertHook kabar_store_get_insert_hook (KabarStore *self,
                                                  gpointer   *data);

/* The SQL functions the schema's sort key triggers call (version-006.sql):
 * every connection that writes messages needs them. */
gboolean kabar_store_list_init_connection (KabarStoreConnection  *connection,
                                           GError               **error);
/* Gives the rows from before version 6 their sort keys, a few thousand a
 * transaction; at once when there are none. */
gboolean kabar_store_list_fill_keys       (KabarStoreConnection  *writer,
                                           GError               **error);

/* Pieces of the public calls, run inside a transaction that does more
 * (kabar-store-changes.c applies a change and queues its operation in
 * one). */
/* Whether the folder exists (KABAR_STORE_ERROR_NOT_FOUND if not), and its
 * path when path is not NULL. */
gboolean kabar_store_read_folder_path   (KabarStoreConnection       *connection,
                                         gint64                      folder_id,
                                         char                      **path,
                                         GError                    **error);
gboolean kabar_store_upsert_folder_in   (KabarStoreConnection       *connection,
                                         const char                 *path,
                                         char                        delimiter,
                                         gboolean                    subscribed,
                                         gint64                     *folder_id,
                                         GError                    **error);
gboolean kabar_store_rename_folder_in   (KabarStoreConnection       *connection,
                                         gint64                      folder_id,
                                         const char                 *new_path,
                                         GError                    **error);
/* What a message's row is keyed by besides its summary: its Message-IDs
 * as the threading looks them up, and its sort keys. Read from the
 * summary alone, on any thread: a POP batch's are read before the writer
 * is taken (kabar_store_pop_prepare()). */
struct _KabarStoreRowKeys
{
  char      *message_id;
  char      *in_reply_to;
  GPtrArray *references;
  char      *references_text;
  char      *sender_key;
  char      *subject_key;
};

void     kabar_store_row_keys_init     (KabarStoreRowKeys         *keys,
                                        const KabarMessageSummary *summary);
void     kabar_store_row_keys_clear    (KabarStoreRowKeys         *keys);

/* One message row outside a sync batch, threaded as a batch threads it,
 * with the given uid (a provisional row's is negative) and flags; neither
 * indexed for search nor counted in its folder. */
gboolean kabar_store_insert_message_row (KabarStoreConnection       *connection,
                                         gint64                      folder_id,
                                         const KabarMessageSummary  *summary,
                                         gint64                      uid,
                                         KabarMessageFlags           flags,
                                         gint64                     *message_id,
                                         GError                    **error);
/* The same with the batch's threader: the rows of one transaction share
 * it, as the next thread id needs reading once. With join_later the row
 * starts a thread of its own, for kabar_store_thread_join() to join it to
 * its conversation later. keys may be NULL: read here then. */
gboolean kabar_store_insert_message_row_in (KabarStoreConnection       *connection,
                                            KabarStoreThreader         *threader,
                                            gboolean                    join_later,
                                            gint64                      folder_id,
                                            const KabarMessageSummary  *summary,
                                            const KabarStoreRowKeys    *keys,
                                            gint64                      uid,
                                            KabarMessageFlags           flags,
                                            gint64                     *message_id,
                                            GError                    **error);
/* The next uid of a folder whose uids are the store's own (POP's local
 * folders, a Graph account's): one above any uid it ever gave, never
 * twice (uidnext keeps the count), as a server numbers its messages. */
gboolean kabar_store_take_local_uid_in  (KabarStoreConnection       *connection,
                                         gint64                      folder_id,
                                         gint64                     *uid,
                                         GError                    **error);
/* kabar_store_change_append() inside a transaction that does more (the
 * outbox files the sent copy in the one that drops the message). */
gboolean kabar_store_change_append_in   (KabarStoreConnection       *connection,
                                         gint64                      folder_id,
                                         GBytes                     *raw,
                                         KabarMessageFlags           flags,
                                         const KabarMessageSummary  *summary,
                                         gint64                     *operation_id,
                                         GError                    **error);
/* kabar_store_change_flags(), _move(), _copy() or _delete() (kind says
 * which) inside a transaction that does more: kabar-store-undo.c reads
 * what the change did in the same one. */
gboolean kabar_store_change_messages_in (KabarStoreConnection       *connection,
                                         KabarPendingKind            kind,
                                         gint64                      folder_id,
                                         const guint32              *uids,
                                         gsize                       n_uids,
                                         KabarMessageFlags           add,
                                         KabarMessageFlags           remove,
                                         gint64                      to_folder_id,
                                         gint64                     *operation_id,
                                         GError                    **error);
/* kabar_store_undo_pending_operation() inside a transaction that first
 * checks the replay has not started the operation. */
gboolean kabar_store_undo_pending_in    (KabarStoreConnection       *connection,
                                         gint64                      operation_id,
                                         GError                    **error);
/* The envelope of a whole RFC 5322 message, parsed with GMime, for a
 * message made or downloaded here (a sent copy, a POP download): size,
 * date (0 when it has none), subject, addresses, ids, attachments. Never
 * NULL: what cannot be read stays NULL. */
KabarMessageSummary *kabar_store_summary_from_raw (GBytes           *raw);
/* The same, and the message's text for the search index (at most
 * text_max bytes) into *text, from one parse. */
KabarMessageSummary *kabar_store_parse_raw        (GBytes           *raw,
                                                   gsize             text_max,
                                                   char            **text);
/* The same from the header block alone, without a GMime parse of the
 * message (kabar-store-headers.c): has_attachments is right for a
 * single part, FALSE for a multipart until its parts are read. */
KabarMessageSummary *kabar_store_summary_from_header_block (GBytes *raw);
/* "<a@x> <b@y>" from a header of Message-IDs, as the sync writes
 * References; only the first with first_only. NULL for none. */
char                *kabar_store_format_message_ids (const char *value,
                                                     gboolean    first_only);

G_END_DECLS
