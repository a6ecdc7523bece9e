/* kabar-store.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-folder-role.h"
#include "kabar-message-summary.h"
#include "kabar-pending-operation.h"
#include "kabar-store-folder.h"

G_BEGIN_DECLS

/* KabarStore: one account's local mail, in one SQLite database.
 *
 * Threads. The store is used by the account's protocol workers and, for
 * reading pages of the message list, by a reader thread; never by the UI
 * thread, since every call may wait on the disk. Every function is
 * synchronous and may be called from any thread:
 *  - Writes go through one writer connection, one call at a time (a
 *    mutex). Each call is one transaction, committed before it returns, so
 *    keep batches short (a few hundred to a few thousand messages): a
 *    worker holding the writer holds up the other workers' writes.
 *  - Reads go through a second, read-only connection with its own mutex.
 *    In WAL mode it never waits for the writer, and each read call sees
 *    one committed state: a batch is seen whole or not at all, and a
 *    write that has returned is seen by every later read, on any thread.
 * A second process opening the same database waits up to a few seconds
 * for the other one's write to end, then fails with
 * KABAR_STORE_ERROR_BUSY.
 *
 * Durability. The journal is a write-ahead log with synchronous=NORMAL: a
 * commit survives Kabar crashing or being killed, and the database is
 * never corrupted, but the last commits before a power cut or a kernel
 * crash may be lost (the log is flushed to disk at checkpoints, not at
 * every commit). For what the server already has (summaries, flags,
 * bodies) that costs a resync. What exists only here must not be lost:
 * pending operations are committed with synchronous=FULL, which flushes
 * the log, and everything committed before them, to disk.
 *
 * Errors are in KABAR_STORE_ERROR with SQLite's own message. */

#define KABAR_STORE_ERROR (kabar_store_error_quark ())

typedef enum
{
  /* Anything else; the message says what. */
  KABAR_STORE_ERROR_FAILED,
  /* The disk (or the user's quota) is full. The transaction that met it
   * left nothing behind. */
  KABAR_STORE_ERROR_DISK_FULL,
  /* The file is damaged or is not a Kabar store. */
  KABAR_STORE_ERROR_CORRUPT,
  /* The file or its folder may not be written: permissions, a read-only
   * file system. */
  KABAR_STORE_ERROR_READ_ONLY,
  /* Another process holds the database. */
  KABAR_STORE_ERROR_BUSY,
  /* The database was written by a newer Kabar. It is left untouched: this
   * Kabar never downgrades it. */
  KABAR_STORE_ERROR_TOO_NEW,
  /* No such folder or message. */
  KABAR_STORE_ERROR_NOT_FOUND,
} KabarStoreError;

GQuark kabar_store_error_quark (void);

/* A flag change the server reported for one message. */
typedef struct
{
  guint32            uid;
  KabarMessageFlags  flags;
  /* Space-separated keywords, or NULL for none. */
  const char        *keywords;
  guint64            modseq;
} KabarFlagUpdate;

/* One entry of a folder's UID to flags map. */
typedef struct
{
  guint32            uid;
  KabarMessageFlags  flags;
} KabarUidFlags;

/* UIDs first to last, both included: an IMAP UID set is a list of these. */
typedef struct
{
  guint32 first;
  guint32 last;
} KabarUidRange;

#define KABAR_TYPE_STORE (kabar_store_get_type ())

G_DECLARE_FINAL_TYPE (KabarStore, kabar_store, KABAR, STORE, GObject)

/* Opens the database at path, creating it (mode 0600) when it does not
 * exist; its folder must exist. Brings an older schema up to date, one
 * version a transaction. */
KabarStore            *kabar_store_open                   (const char                 *path,
                                                           GError                    **error);
const char            *kabar_store_get_path               (KabarStore                 *self);

/* Folders. */

/* Adds the folder at path, or updates the one there; returns its id, or 0
 * with error set. Its parent is found by path; children listed before it
 * are given it as parent. */
gint64                 kabar_store_upsert_folder          (KabarStore                 *self,
                                                           const char                 *path,
                                                           char                        delimiter,
                                                           const char * const         *attributes,
                                                           KabarFolderRole             role,
                                                           gboolean                    subscribed,
                                                           GError                    **error);
/* Every folder, ordered by path; KabarStoreFolder elements. */
GPtrArray             *kabar_store_list_folders           (KabarStore                 *self,
                                                           GError                    **error);
KabarStoreFolder      *kabar_store_get_folder             (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           GError                    **error);
KabarStoreFolder      *kabar_store_get_folder_by_path     (KabarStore                 *self,
                                                           const char                 *path,
                                                           GError                    **error);
/* The folder keeps its id, messages and pending operations; the folders
 * below it move with it, as IMAP's RENAME moves them. */
gboolean               kabar_store_rename_folder          (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           const char                 *new_path,
                                                           GError                    **error);
/* Deletes the folder with its messages, bodies and pending operations.
 * Folders below it stay, without a parent.
 *
 * This and kabar_store_reset_folder() delete the messages a few thousand
 * to a transaction, so a large folder does not hold up the other writers
 * for long, and write the folder's new state last: when one fails half
 * way, the folder keeps its old state and part of its messages, and
 * calling it again finishes the work. */
gboolean               kabar_store_delete_folder          (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           GError                    **error);
gboolean               kabar_store_set_folder_sync_state  (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           const KabarFolderSyncState *state,
                                                           GError                    **error);
/* For a new UIDVALIDITY: deletes the folder's messages and the pending
 * operations that name them by UID (appends stay), forgets the sync state
 * and keeps uidvalidity. The folder keeps its id. */
gboolean               kabar_store_reset_folder           (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           guint32                     uidvalidity,
                                                           GError                    **error);

/* Messages. */

/* Stores a batch of summaries (KabarMessageSummary elements) in one
 * transaction. A UID the folder already has keeps its envelope and takes
 * the new flags, keywords and modseq. On success each summary's id,
 * folder_id and thread_id are set.
 *
 * Threads: a message joins the thread of any message the store holds with
 * its Message-ID (a copy in another folder), with an id of its
 * In-Reply-To or References, or whose In-Reply-To is its Message-ID (a
 * reply stored before it); threads it links are merged, the oldest id
 * staying. Otherwise it starts a thread. So the order messages arrive in
 * does not matter, but for two cases that the missing message mends when
 * it arrives: answers to a message the store does not have stay apart
 * from each other, and a reply stored before an ancestor it names only in
 * References stays apart from it while the message between them is
 * missing. */
gboolean               kabar_store_insert_summaries       (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           GPtrArray                  *summaries,
                                                           GError                    **error);
/* Applies the flags the server reported, in one transaction. Unknown UIDs
 * are ignored. */
gboolean               kabar_store_update_flags           (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           const KabarFlagUpdate      *updates,
                                                           gsize                       n_updates,
                                                           GError                    **error);
/* Deletes the messages of the UID ranges (an EXPUNGE, a VANISHED), their
 * bodies and their search entries, in one transaction. */
gboolean               kabar_store_delete_messages        (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           const KabarUidRange        *ranges,
                                                           gsize                       n_ranges,
                                                           GError                    **error);
/* Every message's UID and flags (KabarUidFlags elements), UIDs ascending:
 * what a resync without CONDSTORE compares with the server's FETCH FLAGS.
 * Keywords are not in it. */
GArray                *kabar_store_get_uid_flags          (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           GError                    **error);
/* The highest UID the folder holds, 0 when it holds none. */
gboolean               kabar_store_get_max_uid            (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           guint32                    *max_uid,
                                                           GError                    **error);
gboolean               kabar_store_count_messages         (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           guint                      *total,
                                                           guint                      *unread,
                                                           GError                    **error);
/* A page of the folder's messages, newest first (KabarMessageSummary
 * elements). The order is stable: same date, higher UID first. */
GPtrArray             *kabar_store_list_messages          (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           guint                       offset,
                                                           guint                       limit,
                                                           GError                    **error);
KabarMessageSummary   *kabar_store_get_message            (KabarStore                 *self,
                                                           gint64                      message_id,
                                                           GError                    **error);
/* The messages with this Message-ID (with or without angle brackets) in
 * every folder: a message and its copies. */
GPtrArray             *kabar_store_find_by_message_id     (KabarStore                 *self,
                                                           const char                 *message_id,
                                                           GError                    **error);
/* The thread's messages in every folder, oldest first. */
GPtrArray             *kabar_store_list_thread            (KabarStore                 *self,
                                                           gint64                      thread_id,
                                                           GError                    **error);

/* Bodies and search. */

/* Stores the raw RFC 5322 message and the plain text the MIME layer found
 * in it, which goes into the search index with the envelope. */
gboolean               kabar_store_set_body               (KabarStore                 *self,
                                                           gint64                      message_id,
                                                           GBytes                     *raw,
                                                           const char                 *text,
                                                           GError                    **error);
/* The raw message, or NULL without error when it has not been fetched. */
GBytes                *kabar_store_get_body               (KabarStore                 *self,
                                                           gint64                      message_id,
                                                           GError                    **error);
/* The ids (gint64) of the messages that have every word of query in their
 * subject, sender, recipients or body text, newest first; folder_id 0
 * searches every folder. Words match as prefixes ("invo" finds
 * "invoice"), without case or accents, in any script. The query is text
 * as the user typed it, never FTS5 syntax. */
GArray                *kabar_store_search                 (KabarStore                 *self,
                                                           const char                 *query,
                                                           gint64                      folder_id,
                                                           guint                       limit,
                                                           GError                    **error);

/* Pending operations. Each write is flushed to disk before it returns. */

/* Returns the operation's id, or 0 with error set. folder_id 0 for none. */
gint64                 kabar_store_add_pending_operation  (KabarStore                 *self,
                                                           KabarPendingKind            kind,
                                                           gint64                      folder_id,
                                                           const char                 *uid_set,
                                                           const char                 *payload,
                                                           GError                    **error);
/* Every pending operation in the order to replay them
 * (KabarPendingOperation elements). */
GPtrArray             *kabar_store_list_pending_operations (KabarStore                *self,
                                                            GError                   **error);
gboolean               kabar_store_remove_pending_operation (KabarStore               *self,
                                                             gint64                    operation_id,
                                                             GError                  **error);
/* Counts a failed attempt and keeps the server's words for the user. */
gboolean               kabar_store_record_pending_failure (KabarStore                 *self,
                                                           gint64                      operation_id,
                                                           const char                 *last_error,
                                                           GError                    **error);

G_END_DECLS
