/* kabar-mail-service.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-account.h"
#include "kabar-certificate-problem.h"
#include "kabar-organizer.h"
#include "kabar-outgoing-message.h"
#include "kabar-store.h"
#include "kabar-store-addresses.h"

G_BEGIN_DECLS

/* KabarMailService: the engine's face for one IMAP account, what the
 * window talks to. It keeps the account's store in step with the server:
 * the folder list and every folder at start and on a timer, INBOX at once
 * when the server says it changed (IDLE), and the user's changes, applied
 * to the store at once and replayed to the server.
 *
 * Threads. Create and use it on one thread, normally the UI's: it emits
 * its signals and completes its calls there (on that thread's default
 * main context at creation). Everything that touches the network or the
 * disk runs on its worker threads: the calls below return at once.
 *
 * The account's settings are read when the service starts: to use new
 * settings, stop it and make a new one. */

typedef enum
{
  /* Not started, or stopped. */
  KABAR_MAIL_SERVICE_STATUS_STOPPED,
  /* Opening the store, connecting, signing in. */
  KABAR_MAIL_SERVICE_STATUS_CONNECTING,
  /* Connected and bringing folders up to date. */
  KABAR_MAIL_SERVICE_STATUS_SYNCING,
  /* Connected and up to date, watching for new mail. */
  KABAR_MAIL_SERVICE_STATUS_ONLINE,
  /* No network, or the server cannot be reached: the error (if any) says
   * why, and the service tries again by itself. The store still reads,
   * and changes wait in it. */
  KABAR_MAIL_SERVICE_STATUS_OFFLINE,
  /* Needs the user: a refused password, an untrusted certificate (see
   * the certificate problem), a store that cannot be opened. The error
   * says which; kabar_mail_service_retry() tries again. */
  KABAR_MAIL_SERVICE_STATUS_ERROR,
} KabarMailServiceStatus;

#define KABAR_TYPE_MAIL_SERVICE (kabar_mail_service_get_type ())

G_DECLARE_FINAL_TYPE (KabarMailService, kabar_mail_service, KABAR, MAIL_SERVICE, GObject)

/* The store lives at store_path (its folder must exist). Nothing happens
 * until kabar_mail_service_start(). */
KabarMailService        *kabar_mail_service_new                     (KabarAccount            *account,
                                                                     const char              *store_path);
/* Where an account's store goes: $XDG_DATA_HOME/kabar/<account id>.db. */
char                    *kabar_mail_service_dup_default_store_path  (KabarAccount            *account);

KabarAccount            *kabar_mail_service_get_account             (KabarMailService        *self);
KabarMailServiceStatus   kabar_mail_service_get_status              (KabarMailService        *self);
/* Why the status is ERROR or OFFLINE; NULL otherwise. */
const GError            *kabar_mail_service_get_error               (KabarMailService        *self);
KabarCertificateProblem *kabar_mail_service_get_certificate_problem (KabarMailService        *self);
/* The store, once open (NULL before). Its calls wait on the disk: call
 * them on a thread of your own, never the UI's (the list calls below do
 * that for you). */
KabarStore              *kabar_mail_service_get_store               (KabarMailService        *self);

/* Settings, before start: connections to keep (default 3: one watching
 * INBOX, the others syncing). */
void                     kabar_mail_service_set_connections         (KabarMailService        *self,
                                                                     guint                    connections);
/* How often every folder is synced (default 300 s; INBOX is watched
 * instead), or a POP account checked. On a started service the next
 * poll is rescheduled at once. */
void                     kabar_mail_service_set_poll_interval       (KabarMailService        *self,
                                                                     guint                    seconds);

/* Opens the store, connects and syncs; changes left from a previous run
 * are replayed first. */
void                     kabar_mail_service_start                   (KabarMailService        *self);
/* Stops syncing and closes the connections (politely, in at most a few
 * seconds). Changes not yet replayed stay in the store for next time. */
void                     kabar_mail_service_stop                    (KabarMailService        *self);
/* The folder list and every folder, now. */
void                     kabar_mail_service_refresh                 (KabarMailService        *self);
/* One folder, now (the user opened it). */
void                     kabar_mail_service_refresh_folder          (KabarMailService        *self,
                                                                     gint64                   folder_id);
/* After the user fixed what ERROR was about. */
void                     kabar_mail_service_retry                   (KabarMailService        *self);
/* Whether the network is there; the service follows GNetworkMonitor
 * itself, this is for tests and for a "work offline" switch. */
void                     kabar_mail_service_set_network_available   (KabarMailService        *self,
                                                                     gboolean                 available);

/* --- reading the store (for the UI; done on a thread) ------------------------ */

/* Every folder (KabarStoreFolder elements). */
void                     kabar_mail_service_list_folders_async      (KabarMailService        *self,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_list_folders_finish     (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
/* A page of a folder, newest first (KabarMessageSummary elements). */
void                     kabar_mail_service_list_messages_async     (KabarMailService        *self,
                                                                     gint64                   folder_id,
                                                                     guint                    offset,
                                                                     guint                    limit,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_list_messages_finish    (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
/* A page of a folder in the order sort gives, as messages or as
 * conversations (KabarMessageListEntry elements; see
 * kabar_store_list_entries()); the finish gives in *n_rows (may be NULL)
 * the folder's count of rows in that view, read with the page. limit 0
 * reads the count alone. */
void                     kabar_mail_service_list_entries_async      (KabarMailService        *self,
                                                                     gint64                   folder_id,
                                                                     KabarMessageSort         sort,
                                                                     gboolean                 conversations,
                                                                     guint                    offset,
                                                                     guint                    limit,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_list_entries_finish     (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     guint                   *n_rows,
                                                                     GError                 **error);

/* --- search ------------------------------------------------------------------------
 *
 * The query is what the user typed, never search syntax: messages with
 * every word in their subject, sender, recipients or body text. In two
 * stages, for a fast first answer:
 *  1. local: the store's index (kabar_store_search(): words match as
 *     prefixes, without case or accents, in any script), folder_id 0 for
 *     every folder. Milliseconds, even in a folder of 100,000 messages.
 *  2. server: for one folder of an IMAP account that is connected, the
 *     server's UID SEARCH (TEXT for each word, which matches anywhere in
 *     a word), which also finds mail whose body is not downloaded, and
 *     so not indexed here. It gives its additions: what the server found
 *     that the local stage did not give. For every folder (folder_id 0),
 *     a POP account, one offline or still connecting, and a server that
 *     cannot search (no UTF-8 search), it gives none, without error.
 * A search box shows the first stage's results, then appends the
 * second's (KabarSearchModel of the UI does). Each stage gives at most
 * KABAR_MAIL_SERVICE_SEARCH_LIMIT messages (KabarMessageSummary elements),
 * newest first, so a common word stays fast. Cancelling ends a stage at
 * once with G_IO_ERROR_CANCELLED (a server search already sent finishes
 * on its connection, unread). */
#define KABAR_MAIL_SERVICE_SEARCH_LIMIT 500

void                     kabar_mail_service_search_local_async      (KabarMailService        *self,
                                                                     gint64                   folder_id,
                                                                     const char              *query,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_search_local_finish     (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
void                     kabar_mail_service_search_server_async     (KabarMailService        *self,
                                                                     gint64                   folder_id,
                                                                     const char              *query,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_search_server_finish    (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
/* Both stages in one answer: the local results and the server's
 * additions, newest first. */
void                     kabar_mail_service_search_async            (KabarMailService        *self,
                                                                     gint64                   folder_id,
                                                                     const char              *query,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_search_finish           (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);

/* The conversation a message belongs to: every message of its thread in
 * every folder (the reply in Sent, the first message in Archive), oldest
 * first (KabarMessageSummary elements); just the message when it has no
 * other. Messages moved away or deleted here and not yet on the server
 * are left out, as in the lists. */
void                     kabar_mail_service_list_conversation_async  (KabarMailService   *self,
                                                                      gint64              message_id,
                                                                      GCancellable       *cancellable,
                                                                      GAsyncReadyCallback callback,
                                                                      gpointer            user_data);
GPtrArray               *kabar_mail_service_list_conversation_finish (KabarMailService   *self,
                                                                      GAsyncResult       *result,
                                                                      GError            **error);

/* --- the user's changes ------------------------------------------------------
 *
 * Each is written to the store at once (what the UI lists shows it as soon
 * as the call completes), kept there until the server has it, and replayed
 * in order. When the server refuses one, the store is put back and
 * "change-refused" says what and why. The finish of each is
 * kabar_mail_service_change_finish(): an error there is the store's (a
 * full disk), and nothing was changed. */

void                     kabar_mail_service_set_flags_async         (KabarMailService        *self,
                                                                     gint64                   folder_id,
                                                                     const guint32           *uids,
                                                                     gsize                    n_uids,
                                                                     KabarMessageFlags        add,
                                                                     KabarMessageFlags        remove,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
void                     kabar_mail_service_move_async              (KabarMailService        *self,
                                                                     gint64                   folder_id,
                                                                     const guint32           *uids,
                                                                     gsize                    n_uids,
                                                                     gint64                   to_folder_id,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
void                     kabar_mail_service_copy_async              (KabarMailService        *self,
                                                                     gint64                   folder_id,
                                                                     const guint32           *uids,
                                                                     gsize                    n_uids,
                                                                     gint64                   to_folder_id,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
/* For good (from Trash); moving to Trash is a move. */
void                     kabar_mail_service_delete_async            (KabarMailService        *self,
                                                                     gint64                   folder_id,
                                                                     const guint32           *uids,
                                                                     gsize                    n_uids,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
void                     kabar_mail_service_create_folder_async     (KabarMailService        *self,
                                                                     const char              *path,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
void                     kabar_mail_service_rename_folder_async     (KabarMailService        *self,
                                                                     gint64                   folder_id,
                                                                     const char              *new_path,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
void                     kabar_mail_service_delete_folder_async     (KabarMailService        *self,
                                                                     gint64                   folder_id,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
gboolean                 kabar_mail_service_change_finish           (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
/* Like kabar_mail_service_change_finish(), and gives the change's id for
 * undo (0 on error). Flag changes, moves (to Trash too) and copies can be
 * undone; the last few of them are remembered, in memory only. */
guint64                  kabar_mail_service_change_finish_id        (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
/* Puts back what the change did: each message's own previous flags, the
 * moved messages where they were (on the server too), the copies gone.
 * A change not yet replayed is dropped before the server sees it. A
 * change that cannot be undone (delete for good, folder changes, one too
 * old or unknown, or undone already) is KABAR_MAIL_SERVICE_ERROR_CANNOT_UNDO. */
void                     kabar_mail_service_undo_change_async       (KabarMailService        *self,
                                                                     guint64                  change_id,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
gboolean                 kabar_mail_service_undo_change_finish      (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);

/* --- message bodies ------------------------------------------------------------
 *
 * Recent mail (of the last 30 days) in INBOX, Sent, Drafts, Archive and
 * ordinary folders (not Junk, Trash, nor Gmail's All Mail) is fetched
 * ahead of time for reading offline: after a folder's sync, up to 200 of
 * its messages, once every sync has run (headers first), a few at a time.
 * "folder-changed" says when bodies came: the search finds their words
 * from then on. Other messages are fetched when asked for. */

#define KABAR_MAIL_SERVICE_ERROR (kabar_mail_service_error_quark ())

typedef enum
{
  /* The message is not downloaded yet and the account is offline, or
   * cannot connect (the message says why): try again once it is online. */
  KABAR_MAIL_SERVICE_ERROR_OFFLINE,
  /* The server no longer has the message (another device deleted it), or
   * does not have it yet (a copy made here, not yet replayed). */
  KABAR_MAIL_SERVICE_ERROR_NOT_ON_SERVER,
  /* The change cannot be undone: see kabar_mail_service_undo_change_async(). */
  KABAR_MAIL_SERVICE_ERROR_CANNOT_UNDO,
  /* The message taken back is being sent, or was: see
   * kabar_mail_service_take_back_async(). */
  KABAR_MAIL_SERVICE_ERROR_ALREADY_SENT,
} KabarMailServiceError;

GQuark                   kabar_mail_service_error_quark             (void);

/* The raw message (RFC 5322), from the store, else from the server (then
 * stored, and indexed). A download asked for while the account is
 * connecting, or whose connection is lost, waits for the connection: the
 * cancellable ends the wait. Errors: KABAR_MAIL_SERVICE_ERROR, the
 * server's (KABAR_IMAP_ERROR, KABAR_NET_ERROR), the store's (a message id
 * it does not know is KABAR_STORE_ERROR_NOT_FOUND). */
void                     kabar_mail_service_get_body_async          (KabarMailService        *self,
                                                                     gint64                   message_id,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GBytes                  *kabar_mail_service_get_body_finish         (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);

/* --- sending and drafts ---------------------------------------------------------
 *
 * Mail goes through the account's outbox (kabar-store-outbox.h), sent
 * from a thread of its own, oldest first, while the service is started
 * and the network is there; a message that failed for good, or may have
 * gone without the server saying so (unconfirmed), waits for the user.
 * A sent message's \Seen copy goes to the folder with the sent role,
 * unless the provider files it itself (kabar_account_get_server_files_sent()).
 * A refused sign-in to the outgoing server makes the status ERROR with
 * the server's words; kabar_mail_service_retry() tries again. When an
 * OAuth2 account must sign in again (KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED)
 * its mail stays queued, not failed, and goes at that retry.
 *
 * The message or draft passed to a call is read on a thread until the
 * call completes: leave it alone until then. */

/* Validates and builds the message, puts it in the outbox (on disk when
 * this completes) and wakes the outbox; the draft it came from
 * (draft_to_delete, a message id; 0 for none) is deleted. The finish
 * returns its outbox id, or 0 with the builder's error
 * (KABAR_OUTGOING_ERROR) or the store's. */
void                     kabar_mail_service_send_async              (KabarMailService        *self,
                                                                     KabarOutgoingMessage    *message,
                                                                     gint64                   draft_to_delete,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
gint64                   kabar_mail_service_send_finish             (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
/* The outbox, oldest first (KabarOutboxEntry elements). */
void                     kabar_mail_service_list_outbox_async       (KabarMailService        *self,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_list_outbox_finish      (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
/* The user's answer to a failed or unconfirmed message: send it again
 * now, or drop it. Finish with kabar_mail_service_change_finish(). */
void                     kabar_mail_service_retry_outbox_message_async   (KabarMailService   *self,
                                                                          gint64              id,
                                                                          GCancellable       *cancellable,
                                                                          GAsyncReadyCallback callback,
                                                                          gpointer            user_data);
void                     kabar_mail_service_discard_outbox_message_async (KabarMailService   *self,
                                                                          gint64              id,
                                                                          GCancellable       *cancellable,
                                                                          GAsyncReadyCallback callback,
                                                                          gpointer            user_data);
/* Saves the draft (Bcc kept) in the folder with the drafts role, \Draft
 * and \Seen, shown at once and appended to the server by the replay; the
 * draft it replaces (a message id; 0 for a new draft) is deleted, or,
 * when it never reached the server (saved offline), dropped before it
 * does. The finish returns the new draft's message id. */
void                     kabar_mail_service_save_draft_async        (KabarMailService        *self,
                                                                     KabarOutgoingMessage    *draft,
                                                                     gint64                   replaces_message_id,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
gint64                   kabar_mail_service_save_draft_finish       (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
/* Finish with kabar_mail_service_change_finish(). */
void                     kabar_mail_service_delete_draft_async      (KabarMailService        *self,
                                                                     gint64                   message_id,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
/* The draft, to edit it again: its body as get_body_async() gives it. */
void                     kabar_mail_service_open_draft_async        (KabarMailService        *self,
                                                                     gint64                   message_id,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
KabarOutgoingMessage    *kabar_mail_service_open_draft_finish       (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);

/* --- sending with a moment to take it back ----------------------------------------- */

/* How long a message queued by send_async() waits before it goes (default
 * 0: at once), so the user may take it back. A retry after a failure, or
 * the user's "send again", does not wait again. */
void                     kabar_mail_service_set_send_delay          (KabarMailService        *self,
                                                                     guint                    seconds);
/* Takes a message back out of the outbox to edit it again: one waiting
 * (not yet being sent), failed, or unconfirmed. Atomic against the
 * sending thread: a message whose data is on its way but whose end (the
 * final ".") has not gone is taken back and the transaction reset. The
 * finish gives the message as it was written, its envelope recipients
 * that are in neither To nor Cc restored as Bcc; with
 * KABAR_MAIL_SERVICE_ERROR_ALREADY_SENT when it is being sent or is no
 * longer in the outbox (sent). */
void                     kabar_mail_service_take_back_async         (KabarMailService        *self,
                                                                     gint64                   outbox_id,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
KabarOutgoingMessage    *kabar_mail_service_take_back_finish        (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);

/* --- address completion ---------------------------------------------------------------
 *
 * Addresses seen in the store's From, To and Cc: first those the user
 * wrote to (the To and Cc of the folder with the sent role, and of mail
 * sent through the outbox), then by how often, then how lately. The
 * prefix matches the start of the address or of any word of the name,
 * without case or accents. The address book is built on a worker from
 * the messages already stored, the first time it is asked for, and
 * brought up to date from the mail stored since at each query: the sync
 * does no work for it. */

/* At most limit matches (KabarAddressMatch elements, name and address:
 * kabar-store-addresses.h), best first; none for an empty prefix. */
void                     kabar_mail_service_complete_address_async  (KabarMailService        *self,
                                                                     const char              *prefix,
                                                                     guint                    limit,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_complete_address_finish (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);

/* --- contacts, calendar and To Do (Exchange-style accounts) --------------------------
 *
 * What kabar-organizer.h describes, read from the store on a thread; the
 * check of a Graph account brings it up to date. A task change is in
 * the store when the call completes (pending) and goes to the server with
 * the next check, which starts at once when the service runs. Errors of
 * the calls on an account without them: G_IO_ERROR_NOT_SUPPORTED. */

/* Whether the account has them: a Graph account. */
gboolean                 kabar_mail_service_has_organizer           (KabarMailService        *self);
/* Contacts (KabarContact elements) by name; query NULL for all, else
 * those whose name, company or address has words starting with it. */
void                     kabar_mail_service_list_contacts_async     (KabarMailService        *self,
                                                                     const char              *query,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_list_contacts_finish    (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
/* Events (KabarEvent elements) that end after from and start before to
 * (unix seconds), by start. */
void                     kabar_mail_service_list_events_async       (KabarMailService        *self,
                                                                     gint64                   from,
                                                                     gint64                   to,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_list_events_finish      (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
/* To Do lists (KabarTaskList elements): the default one first, then by name. */
void                     kabar_mail_service_list_task_lists_async   (KabarMailService        *self,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_list_task_lists_finish  (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
/* A list's tasks (KabarTask elements): open ones first, newest first,
 * then completed ones, last completed first. */
void                     kabar_mail_service_list_tasks_async        (KabarMailService        *self,
                                                                     const char              *list_id,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
GPtrArray               *kabar_mail_service_list_tasks_finish       (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);
void                     kabar_mail_service_set_task_completed_async (KabarMailService       *self,
                                                                      const char             *task_id,
                                                                      gboolean                completed,
                                                                      GCancellable           *cancellable,
                                                                      GAsyncReadyCallback     callback,
                                                                      gpointer                user_data);
gboolean                 kabar_mail_service_set_task_completed_finish (KabarMailService      *self,
                                                                       GAsyncResult          *result,
                                                                       GError               **error);
/* The new task, pending, with a local id until the server has it. */
void                     kabar_mail_service_add_task_async          (KabarMailService        *self,
                                                                     const char              *list_id,
                                                                     const char              *title,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
KabarTask               *kabar_mail_service_add_task_finish         (KabarMailService        *self,
                                                                     GAsyncResult            *result,
                                                                     GError                 **error);

/* Signals:
 *  "folders-changed" ()                         the folder list changed
 *  "folder-changed" (gint64 folder_id)          its messages or counts changed, or
 *                                               bodies of its messages came
 *  "sync-progress" (gint64 folder_id, guint done, guint total)
 *                                               new mail being stored
 *  "change-refused" (guint kind, gint64 folder_id, GError *error)
 *                                               the server refused a change
 *                                               (a KabarPendingKind) and said why
 *  "new-mail" (gint64 folder_id, GArray *message_ids)
 *                                               messages (ids, gint64) that arrived
 *                                               in the folder, unread, after its
 *                                               first sync (a new account's mail
 *                                               is not news): once per sync of the
 *                                               folder, or per POP download
 *  "outbox-changed" ()                          the outbox's list changed
 *  "message-sent" (char *message_id)            the server took a message
 *  "message-failed" (gint64 id, GError *error)  an outbox message failed for good,
 *                                               or may have gone (unconfirmed)
 *  "organizer-changed" (guint parts)            contacts, calendar or To Do changed
 *                                               (KabarOrganizerParts)
 *  "notify::status"                             see get_status(), get_error() */

G_END_DECLS
