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
  /* A folder with that path exists already. */
  KABAR_STORE_ERROR_EXISTS,
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
 * folder_id and thread_id are set. New messages are not indexed for
 * search yet: kabar_store_index_pending() does that, later.
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
 * Keywords are not in it. Messages hidden by a pending move or delete are
 * in it (the server has them until the replay), provisional ones are not
 * (it has not given them a UID yet); see "Local changes" below. */
GArray                *kabar_store_get_uid_flags          (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           GError                    **error);
/* The highest UID the folder holds, 0 when it holds none; provisional
 * messages have none. */
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

/* The message list, sorted, one row a message or a conversation
 * (kabar-store-list.c). */

/* The settings' "message-sort" values: "date-newest", "date-oldest",
 * "sender", "subject". Within a sender or a subject, newest first. */
typedef enum
{
  KABAR_MESSAGE_SORT_DATE_NEWEST,
  KABAR_MESSAGE_SORT_DATE_OLDEST,
  /* The sender's name, else address, case-folded. */
  KABAR_MESSAGE_SORT_SENDER,
  /* Case-folded, without the reply and forward prefixes (Re:, Fwd:, AW:,
   * Balas:...). */
  KABAR_MESSAGE_SORT_SUBJECT,
} KabarMessageSort;

/* The setting's text for sort, and back (an unknown text is
 * KABAR_MESSAGE_SORT_DATE_NEWEST). */
const char            *kabar_message_sort_to_string       (KabarMessageSort            sort);
KabarMessageSort       kabar_message_sort_from_string     (const char                 *text);

/* One row of the list. A conversation is the messages of one thread in
 * the folder: its summary is the newest of them, with the flags of the
 * whole (unread while any is, flagged, answered or with attachments when
 * any is). */
typedef struct
{
  KabarMessageSummary *summary;
  /* The messages the row stands for in the folder: 1 for a message. */
  guint                n_messages;
  /* Their server UIDs, ascending; a message not yet on the server
   * (provisional, uid 0) has none, so n_uids may be below n_messages. */
  guint32             *uids;
  gsize                n_uids;
} KabarMessageListEntry;

void                   kabar_message_list_entry_free      (KabarMessageListEntry      *entry);

/* A page of the folder's rows in the order sort gives, as messages or as
 * conversations (KabarMessageListEntry elements), and in *n_rows (may be
 * NULL) how many rows the folder has in that view, from the same state of
 * the store. Messages hidden by a pending move or delete are left out.
 * Conversations are in the order of their newest message (date-oldest:
 * the reverse), or of its sender or subject. The conversations of a
 * folder are worked out in one pass over an index, kept until the store
 * changes. */
GPtrArray             *kabar_store_list_entries           (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           KabarMessageSort            sort,
                                                           gboolean                    conversations,
                                                           guint                       offset,
                                                           guint                       limit,
                                                           guint                      *n_rows,
                                                           GError                    **error);

/* Sort keys, as the store keeps them: exposed for tests. NULL for none. */
char                  *kabar_store_sender_key             (const char                 *name,
                                                           const char                 *address);
char                  *kabar_store_subject_key            (const char                 *subject);

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
/* The UIDs (guint32) of the folder's messages without a fetched body whose
 * date (the one the list orders by) is since_unix or later, newest first,
 * at most limit: what the prefetch fetches. Only messages as the server
 * has them: not those hidden by a pending move or delete, nor provisional
 * ones. */
GArray                *kabar_store_list_missing_bodies    (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           gint64                      since_unix,
                                                           guint                       limit,
                                                           GError                    **error);
/* kabar_store_set_body() for the folder's message with that UID, as long
 * as the folder is still at uidvalidity: a body fetched before a reset
 * never lands on the message that took its UID after it. A folder without
 * one yet (its first sync was cut short: the sync writes it last) takes
 * any. KABAR_STORE_ERROR_NOT_FOUND when the folder no longer has the UID
 * (it was expunged meanwhile) or has another UIDVALIDITY. */
gboolean               kabar_store_set_body_by_uid        (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           guint32                     uidvalidity,
                                                           guint32                     uid,
                                                           GBytes                     *raw,
                                                           const char                 *text,
                                                           GError                    **error);
/* Indexes for search up to limit of the messages kabar_store_insert_summaries()
 * inserted and that are not indexed yet, oldest first, in one transaction;
 * *indexed (may be NULL) tells how many, 0 when none was left. The sync
 * runs it while it waits for the network, and until none is left before
 * a folder's sync returns. */
gboolean               kabar_store_index_pending          (KabarStore                 *self,
                                                           guint                       limit,
                                                           guint                      *indexed,
                                                           GError                    **error);
/* The ids (gint64) of the messages that have every word of query in their
 * subject, sender, recipients or body text, newest first; folder_id 0
 * searches every folder. Words match as prefixes ("invo" finds
 * "invoice"), without case or accents, in any script. The query is text
 * as the user typed it, never FTS5 syntax. Messages inserted by
 * kabar_store_insert_summaries() are found once indexed: see
 * kabar_store_index_pending(). Those added by the user's changes, and
 * bodies of indexed messages, are indexed as they are written. */
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

/* Local changes.
 *
 * What the user does: each function applies the change to the store, so
 * lists and counts show it at once, and queues the pending operation that
 * replays it, in one transaction flushed to disk; it returns the
 * operation's id, or 0 with error set. Messages are named by their server
 * UID in folder_id; UIDs the folder does not show are left out, and none
 * at all is KABAR_STORE_ERROR_NOT_FOUND.
 *
 * Until the server confirms a change:
 *  - A message moved away or deleted for good is hidden in its folder, not
 *    deleted: lists, counts, threads and search leave it out, but
 *    kabar_store_get_uid_flags() and kabar_store_get_max_uid() still
 *    report it, since the server still has it (so the sync neither fetches
 *    it again nor takes it for expunged), and a refusal brings it back.
 *  - A message moved, copied or appended here is provisional: listed and
 *    counted, with its body when the source had one, but with uid 0 in
 *    its summary, as it has no UID on the server yet. It is not in
 *    kabar_store_get_uid_flags() or kabar_store_get_max_uid(), and
 *    kabar_store_delete_messages() never touches it. It cannot be named by
 *    UID, so it cannot be changed again until the replay confirmed it.
 *  - A message whose flags the user changed keeps them:
 *    kabar_store_update_flags() and kabar_store_insert_summaries() leave
 *    its flags alone.
 *
 * The operations' payloads (JSON), for the replay and the folder list
 * sync: flags {"path", "add": [names], "remove": [names]}; move and copy
 * {"path", "to"}; delete {"path"}; append {"path", "flags": [names],
 * "internal_date", "message_id"}; folder-create {"path"}; folder-rename
 * {"from", "to"}; folder-delete {"path"}. Paths are the server's as they
 * were when the user acted: later operations may have renamed the folder
 * here, not yet there. Flag names are IMAP's (\Seen). */

/* Adds and removes flags (remove wins over add). */
gint64                 kabar_store_change_flags           (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           const guint32              *uids,
                                                           gsize                       n_uids,
                                                           KabarMessageFlags           add,
                                                           KabarMessageFlags           remove,
                                                           GError                    **error);
/* Moving to Trash is a move. */
gint64                 kabar_store_change_move            (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           const guint32              *uids,
                                                           gsize                       n_uids,
                                                           gint64                      to_folder_id,
                                                           GError                    **error);
gint64                 kabar_store_change_copy            (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           const guint32              *uids,
                                                           gsize                       n_uids,
                                                           gint64                      to_folder_id,
                                                           GError                    **error);
/* Deleting for good: \Deleted and UID EXPUNGE on the server. */
gint64                 kabar_store_change_delete          (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           const guint32              *uids,
                                                           gsize                       n_uids,
                                                           GError                    **error);
/* A draft or a sent copy: raw is the whole RFC 5322 message, summary its
 * envelope (its uid, flags, id, folder_id and thread_id are not read).
 * The message shows at once, with raw as its body. */
gint64                 kabar_store_change_append          (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           GBytes                     *raw,
                                                           KabarMessageFlags           flags,
                                                           const KabarMessageSummary  *summary,
                                                           GError                    **error);
/* The folder is added at once (subscribed, without sync state);
 * KABAR_STORE_ERROR_EXISTS when the store has one at path. */
gint64                 kabar_store_change_create_folder   (KabarStore                 *self,
                                                           const char                 *path,
                                                           char                        delimiter,
                                                           GError                    **error);
/* As kabar_store_rename_folder(): the folders below move with it. */
gint64                 kabar_store_change_rename_folder   (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           const char                 *new_path,
                                                           GError                    **error);
/* The folder goes at once with its messages, in one transaction (a large
 * folder holds the writer for a while). Operations still pending on it
 * stay, naming it by path: what was moved out of it before still arrives. */
gint64                 kabar_store_change_delete_folder   (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           GError                    **error);

/* Replaying: what kabar_imap_replay_pending() needs. */

/* One message of a pending operation. */
typedef struct
{
  /* In the operation's folder; 0 for an append. */
  guint32  uid;
  /* Without angle brackets, or NULL. */
  char    *message_id;
  /* The provisional row of a move, copy or append in its target folder;
   * 0 for none (or gone). */
  gint64   target_id;
} KabarPendingMessage;

/* The messages of the operation (KabarPendingMessage elements), UIDs
 * ascending; also those whose row has gone since (the server may still
 * have them). */
GArray                *kabar_store_list_pending_messages  (KabarStore                 *self,
                                                           gint64                      operation_id,
                                                           GError                    **error);
/* An append's message. */
GBytes                *kabar_store_get_pending_data       (KabarStore                 *self,
                                                           gint64                      operation_id,
                                                           GError                    **error);
/* Flushed to disk before the command goes to the server: a replay that
 * finds the operation started checks what the server already has. */
gboolean               kabar_store_mark_pending_started   (KabarStore                 *self,
                                                           gint64                      operation_id,
                                                           GError                    **error);
/* The server did what the operation asked: rows it hid are deleted, its
 * provisional rows dropped (the next sync of their folder fetches what the
 * server made of them), and it goes. */
gboolean               kabar_store_complete_pending_operation (KabarStore             *self,
                                                               gint64                  operation_id,
                                                               GError                **error);
/* The same for a move or copy the server answered with its new UIDs
 * (COPYUID): the provisional copy of source_uids[i] becomes an ordinary
 * row with UID destination_uids[i]. The mapping applies only when
 * uidvalidity is the destination folder's (or the folder has none yet,
 * which then becomes it); a UID the folder already has (the sync was
 * faster) drops the provisional row instead. */
gboolean               kabar_store_complete_pending_copy  (KabarStore                 *self,
                                                           gint64                      operation_id,
                                                           guint32                     uidvalidity,
                                                           const guint32              *source_uids,
                                                           const guint32              *destination_uids,
                                                           gsize                       n_uids,
                                                           GError                    **error);
/* The same for an append the server gave a UID (APPENDUID); uid 0 drops
 * the provisional row. */
gboolean               kabar_store_complete_pending_append (KabarStore                *self,
                                                            gint64                    operation_id,
                                                            guint32                   uidvalidity,
                                                            guint32                   uid,
                                                            GError                  **error);
/* The server refused the operation: the local change is undone and the
 * operation goes. Flags get back the bits it changed; hidden messages
 * show again; provisional ones go (a refused append loses its local
 * copy); a created folder goes with what was put in it; a renamed one
 * takes its old path back. A folder deleted here is not brought back: the
 * server still lists it, and the folder list sync adds it again with its
 * messages. server_text, the server's words, goes to the log. */
gboolean               kabar_store_undo_pending_operation (KabarStore                 *self,
                                                           gint64                      operation_id,
                                                           const char                 *server_text,
                                                           GError                    **error);

/* Undoing what the user did (kabar-store-undo.c): while its operation is
 * pending, by cancelling it; once the server has it, by a new change the
 * other way, found from what the change recorded. */

/* One message a change acted on. */
typedef struct
{
  /* In the change's folder. */
  guint32            uid;
  /* Its row there. */
  gint64             source_id;
  /* The provisional row a move or copy made; 0 for none. */
  gint64             target_id;
  /* Without angle brackets, or NULL. */
  char              *message_id;
  /* Its flags before a flag change. */
  KabarMessageFlags  old_flags;
  /* Set by kabar_store_locate_transferred(): the message's UID in the
   * destination (0: not there, or not known yet), and whether it shows
   * in the change's folder again (the server refused the move). */
  guint32            found_uid;
  gboolean           in_source;
} KabarChangedMessage;

/* Clears a KabarChangedMessage (for g_array_set_clear_func()). */
void                   kabar_changed_message_clear        (gpointer                    message);

/* kabar_store_change_flags(), _move(), _copy() or _delete(), as kind
 * says (to_folder_id for a move or copy, add and remove for flags), and
 * in the same transaction what it did to each message, into *messages
 * (KabarChangedMessage elements, UIDs ascending). Returns the
 * operation's id, or 0 with error set. */
gint64                 kabar_store_change_recorded        (KabarStore                 *self,
                                                           KabarPendingKind            kind,
                                                           gint64                      folder_id,
                                                           const guint32              *uids,
                                                           gsize                       n_uids,
                                                           KabarMessageFlags           add,
                                                           KabarMessageFlags           remove,
                                                           gint64                      to_folder_id,
                                                           GArray                    **messages,
                                                           GError                    **error);

typedef enum
{
  /* Undone here and dropped: the server never sees it. */
  KABAR_CANCEL_DONE,
  /* The replay has started it (its command may have reached the server):
   * left alone. */
  KABAR_CANCEL_STARTED,
  /* No longer pending: the server did it, or refused it. */
  KABAR_CANCEL_GONE,
} KabarCancelOutcome;

/* Undoes the operation here and drops it, as a refusal would, in one
 * transaction that checks first that the replay has not started it:
 * kabar_store_mark_pending_started() and this exclude each other, and the
 * replay skips an operation that went. */
gboolean               kabar_store_cancel_pending_operation (KabarStore               *self,
                                                             gint64                    operation_id,
                                                             KabarCancelOutcome       *outcome,
                                                             GError                  **error);
/* Whether the operation is still pending. */
gboolean               kabar_store_has_pending_operation  (KabarStore                 *self,
                                                           gint64                      operation_id,
                                                           gboolean                   *pending,
                                                           GError                    **error);
/* Gives each message's bits of touched back as old_flags has them, by new
 * flag changes (one per set of flags) in one transaction. Messages that
 * have them already, or that the folder no longer shows, are left out;
 * *n_restored (may be NULL) counts the others. */
gboolean               kabar_store_restore_flags          (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           const KabarChangedMessage  *messages,
                                                           gsize                       n_messages,
                                                           KabarMessageFlags           touched,
                                                           guint                      *n_restored,
                                                           GError                    **error);
/* After a move or copy from folder_id to to_folder_id is no longer
 * pending: sets each message's found_uid and in_source. A message is
 * found as the row the operation made (numbered by the server's COPYUID),
 * else, when the sync was faster, as a row of its Message-ID that came
 * after the change (never one the destination held before). */
gboolean               kabar_store_locate_transferred     (KabarStore                 *self,
                                                           gint64                      folder_id,
                                                           gint64                      to_folder_id,
                                                           KabarChangedMessage        *messages,
                                                           gsize                       n_messages,
                                                           GError                    **error);

G_END_DECLS
