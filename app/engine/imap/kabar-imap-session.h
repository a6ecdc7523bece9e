/* kabar-imap-session.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-certificate-problem.h"
#include "kabar-connection.h"
#include "kabar-imap-error.h"
#include "kabar-imap-folder-info.h"
#include "kabar-imap-mailbox-state.h"
#include "kabar-imap-message.h"
#include "kabar-imap-uid-map.h"
#include "kabar-imap-uid-set.h"
#include "kabar-sasl.h"

G_BEGIN_DECLS

/* One IMAP connection to one account, from the greeting to LOGOUT.
 *
 * Threads: a session belongs to the thread that connected it. Every call,
 * callback and signal happens on the thread-default main context of that
 * thread (the sync runs sessions on a worker with a context of its own).
 *
 * Commands: every call sends one command (a few for the fallbacks named
 * below) and reports through its callback once the server completed it.
 * Calls may be made while others are in flight: they are tagged a1, a2...
 * and pipelined, in the order made, except that SELECT, EXAMINE, CLOSE,
 * UNSELECT, IDLE, STARTTLS, authentication and LOGOUT wait until every
 * earlier command is done and hold back the later ones until they are,
 * since the meaning of what surrounds them changes with them.
 *
 * Cancelling a command that is still queued removes it. Once it is on the
 * wire, IMAP cannot take it back: the call returns G_IO_ERROR_CANCELLED at
 * once, the server still carries it out, and its replies are dropped.
 *
 * Errors: KABAR_IMAP_ERROR for what the server said (with its words),
 * KABAR_NET_ERROR for the connection (a cut is KABAR_NET_ERROR_CLOSED, a
 * silent server KABAR_NET_ERROR_TIMED_OUT after the connection's timeout).
 * A cut, a timeout, a BYE or a response the parser cannot get past fails
 * every command in flight and queued, and the session is closed for good:
 * connect a new one. A malformed response that the parser can skip fails
 * only the commands that were collecting data when it came (their data may
 * be incomplete) and the session goes on.
 *
 * Unsolicited data (what no command asked for) comes as signals:
 *   "exists"        (guint count)            * n EXISTS
 *   "expunged"      (guint sequence)         * n EXPUNGE
 *   "vanished"      (KabarImapUidSet *uids, gboolean earlier)
 *   "flags-changed" (KabarImapMessage *message)  an unsolicited FETCH, e.g.
 *                                            another client changed flags, or
 *                                            the replies of a STORE; its UID is
 *                                            0 after a sequence-number command,
 *                                            and with CONDSTORE a .SILENT STORE
 *                                            may report only the MODSEQ
 *   "alert"         (const char *text)       [ALERT], for the user to read
 *   "closed"        (const GError *error)    the session ended; NULL after
 *                                            LOGOUT or close()
 *
 * Secrets never reach the log: commands that carry them are logged as
 * their name alone. */

typedef enum
{
  KABAR_IMAP_SESSION_STATE_CONNECTING,        /* greeting, capabilities, STARTTLS */
  KABAR_IMAP_SESSION_STATE_NOT_AUTHENTICATED,
  KABAR_IMAP_SESSION_STATE_AUTHENTICATED,
  KABAR_IMAP_SESSION_STATE_SELECTED,
  KABAR_IMAP_SESSION_STATE_CLOSED,
} KabarImapSessionState;

#define KABAR_TYPE_IMAP_SESSION_STATE (kabar_imap_session_state_get_type ())
GType kabar_imap_session_state_get_type (void) G_GNUC_CONST;

#define KABAR_TYPE_IMAP_SESSION (kabar_imap_session_get_type ())
G_DECLARE_FINAL_TYPE (KabarImapSession, kabar_imap_session, KABAR, IMAP_SESSION, GObject)

/* RFC 2177 and Outlook.com: a server may end an IDLE of 30 minutes. */
#define KABAR_IMAP_IDLE_REFRESH_SECONDS (29 * 60)

/* --- connecting and signing in ---------------------------------------------- */

/* Connects, reads the greeting and the capabilities, and for STARTTLS
 * upgrades the connection (never going on in plain text: a server that does
 * not offer STARTTLS fails with KABAR_NET_ERROR_STARTTLS_NOT_OFFERED before
 * anything is sent) and reads the capabilities again over TLS. The session
 * is then NOT_AUTHENTICATED, or AUTHENTICATED after a PREAUTH greeting. A
 * BYE greeting fails with KABAR_IMAP_ERROR_BYE. Arguments as
 * kabar_connection_connect_async(). */
void                  kabar_imap_session_connect_async       (const char              *host,
                                                              guint16                  port,
                                                              KabarSecurity            security,
                                                              GTlsCertificate         *pinned_certificate,
                                                              guint                    timeout_seconds,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
/* On KABAR_NET_ERROR_CERTIFICATE, *problem says what was wrong, for the UI,
 * as kabar_connection_connect_finish() does. */
KabarImapSession     *kabar_imap_session_connect_finish      (GAsyncResult            *result,
                                                              KabarCertificateProblem **problem,
                                                              GError                 **error);

/* Signs in: AUTHENTICATE with the best advertised mechanism for the
 * credential (kabar_sasl_choose_mechanism), with an initial response when
 * SASL-IR is offered; LOGIN when no AUTH= mechanism fits a password and
 * LOGINDISABLED is absent. Reads the capabilities again afterwards. Errors:
 * KABAR_IMAP_ERROR_AUTHENTICATION_FAILED, _BASIC_AUTH_DISABLED,
 * _AUTHENTICATION_UNAVAILABLE, _LOGIN_DISABLED, _BAD, _BYE. */
void                  kabar_imap_session_authenticate_async  (KabarImapSession        *self,
                                                              const char              *user,
                                                              const char              *secret,
                                                              KabarSaslCredential      credential,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
gboolean              kabar_imap_session_authenticate_finish (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GError                 **error);

/* --- what the session knows ------------------------------------------------- */

KabarImapSessionState kabar_imap_session_get_state           (KabarImapSession        *self);
KabarConnection      *kabar_imap_session_get_connection      (KabarImapSession        *self);
/* The capabilities as last advertised, in upper case. Those read before
 * STARTTLS and before authentication are forgotten. */
const char * const   *kabar_imap_session_get_capabilities    (KabarImapSession        *self);
/* Case-insensitive: "IDLE", "AUTH=PLAIN". */
gboolean              kabar_imap_session_has_capability      (KabarImapSession        *self,
                                                              const char              *capability);
/* What ENABLE turned on ("CONDSTORE", "QRESYNC"). */
gboolean              kabar_imap_session_is_enabled          (KabarImapSession        *self,
                                                              const char              *extension);
/* The mailbox SELECT or EXAMINE opened (UTF-8), NULL when none is. */
const char           *kabar_imap_session_get_selected        (KabarImapSession        *self);
/* Literals above this size go to the fetch's stream function instead of
 * memory. Default 256 KiB. */
void                  kabar_imap_session_set_stream_threshold (KabarImapSession       *self,
                                                              guint64                  threshold);

/* --- commands without mailbox --------------------------------------------- */

/* CAPABILITY; the finish returns the new list (transfer full). */
void                  kabar_imap_session_capability_async    (KabarImapSession        *self,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
GStrv                 kabar_imap_session_capability_finish   (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GError                 **error);

/* ID (RFC 2971) with Kabar's name and version. The server's own fields as
 * a table of strings, or NULL (and no error) when it sent NIL or does not
 * offer ID, in which case nothing is sent. */
void                  kabar_imap_session_id_async            (KabarImapSession        *self,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
GHashTable           *kabar_imap_session_id_finish           (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GError                 **error);

/* One namespace of NAMESPACE (RFC 2342). */
typedef struct
{
  char *prefix;      /* UTF-8, "" for the root */
  char  delimiter;   /* '\0' for none */
} KabarImapNamespace;

void                  kabar_imap_namespace_free              (KabarImapNamespace      *namespace_);

/* NAMESPACE; fails with KABAR_IMAP_ERROR_UNSUPPORTED (nothing sent) when
 * not offered. Each array (transfer full) holds KabarImapNamespace. */
void                  kabar_imap_session_namespace_async     (KabarImapSession        *self,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
gboolean              kabar_imap_session_namespace_finish    (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GPtrArray              **personal,
                                                              GPtrArray              **other_users,
                                                              GPtrArray              **shared,
                                                              GError                 **error);

/* ENABLE (RFC 5161) of those extensions the server advertises; IMAP4rev2 is
 * never enabled, whatever the server offers (Outlook.com's was found
 * broken). With nothing left to enable, nothing is sent. The finish gives
 * what the server enabled (transfer full, possibly empty). */
void                  kabar_imap_session_enable_async        (KabarImapSession        *self,
                                                              const char * const      *extensions,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
GStrv                 kabar_imap_session_enable_finish       (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GError                 **error);

typedef enum
{
  KABAR_IMAP_LIST_NONE            = 0,
  /* STATUS of every folder in the same reply, when LIST-STATUS is offered
   * (check kabar_imap_folder_info_get_status_items()). */
  KABAR_IMAP_LIST_STATUS          = 1 << 0,
  /* Mark subscribed folders: RETURN (SUBSCRIBED) with LIST-EXTENDED, else a
   * second command, LSUB. */
  KABAR_IMAP_LIST_SUBSCRIPTION    = 1 << 1,
  /* Only subscribed folders: LIST (SUBSCRIBED) or LSUB. */
  KABAR_IMAP_LIST_SUBSCRIBED_ONLY = 1 << 2,
} KabarImapListFlags;

/* LIST "" pattern (UTF-8; "*" for everything, "%" for one level), asking
 * for special-use attributes when SPECIAL-USE is offered. The finish gives
 * a KabarImapFolderInfo per folder, in the server's order (transfer full). */
void                  kabar_imap_session_list_async          (KabarImapSession        *self,
                                                              const char              *pattern,
                                                              KabarImapListFlags       flags,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
GPtrArray            *kabar_imap_session_list_finish         (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GError                 **error);

/* STATUS of one mailbox; HIGHESTMODSEQ is asked only of CONDSTORE servers. */
void                  kabar_imap_session_status_async        (KabarImapSession        *self,
                                                              const char              *mailbox,
                                                              KabarImapStatusItems     items,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
KabarImapFolderInfo  *kabar_imap_session_status_finish       (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GError                 **error);

/* CREATE, DELETE, SUBSCRIBE and UNSUBSCRIBE of a mailbox (UTF-8), and
 * RENAME; the plain finish reports them. */
void                  kabar_imap_session_create_async        (KabarImapSession        *self,
                                                              const char              *mailbox,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
void                  kabar_imap_session_delete_async        (KabarImapSession        *self,
                                                              const char              *mailbox,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
void                  kabar_imap_session_rename_async        (KabarImapSession        *self,
                                                              const char              *mailbox,
                                                              const char              *new_name,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
void                  kabar_imap_session_subscribe_async     (KabarImapSession        *self,
                                                              const char              *mailbox,
                                                              gboolean                 subscribe,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
void                  kabar_imap_session_noop_async          (KabarImapSession        *self,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
/* The finish of create, delete, rename, subscribe, noop, expunge, and of
 * close_mailbox and logout. */
gboolean              kabar_imap_session_command_finish      (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GError                 **error);

/* --- opening a mailbox ------------------------------------------------------ */

/* What the caller knew of a mailbox, for a QRESYNC select (RFC 7162). */
typedef struct
{
  guint32          uidvalidity;
  guint64          highest_modseq;
  /* The UIDs the caller has, or NULL for "all it had". */
  KabarImapUidSet *known_uids;
} KabarImapQresync;

typedef void (*KabarImapMessageFunc) (KabarImapSession *session,
                                      KabarImapMessage *message,
                                      gpointer          user_data);

/* SELECT (read_only FALSE) or EXAMINE. With qresync (and QRESYNC enabled),
 * the server also says what changed since: VANISHED (EARLIER) UIDs in the
 * state, and each changed message to changed_func as it arrives, or into
 * the state's changed list when changed_func is NULL. Otherwise CONDSTORE
 * servers are asked for (CONDSTORE), so HIGHESTMODSEQ is known. */
void                  kabar_imap_session_select_async        (KabarImapSession        *self,
                                                              const char              *mailbox,
                                                              gboolean                 read_only,
                                                              const KabarImapQresync  *qresync,
                                                              KabarImapMessageFunc     changed_func,
                                                              gpointer                 func_data,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
KabarImapMailboxState *kabar_imap_session_select_finish      (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GError                 **error);

/* Leaves the selected mailbox: CLOSE when expunge (removing \Deleted
 * messages), else UNSELECT (or CLOSE of a read-only mailbox, which
 * expunges nothing); KABAR_IMAP_ERROR_UNSUPPORTED when neither is
 * possible. Finish with kabar_imap_session_command_finish(). */
void                  kabar_imap_session_close_mailbox_async (KabarImapSession        *self,
                                                              gboolean                 expunge,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);

/* --- messages of the selected mailbox ---------------------------------------- */

typedef enum
{
  KABAR_IMAP_FETCH_FLAGS         = 1 << 0,
  KABAR_IMAP_FETCH_ENVELOPE      = 1 << 1,
  KABAR_IMAP_FETCH_BODYSTRUCTURE = 1 << 2,
  KABAR_IMAP_FETCH_INTERNALDATE  = 1 << 3,
  KABAR_IMAP_FETCH_RFC822_SIZE   = 1 << 4,
  KABAR_IMAP_FETCH_MODSEQ        = 1 << 5,  /* only asked of CONDSTORE servers */
  KABAR_IMAP_FETCH_BODY          = 1 << 6,  /* BODY.PEEK[], or a part of it */
} KabarImapFetchItems;

/* What UID FETCH asks for; UID always comes. */
typedef struct
{
  KabarImapFetchItems  items;
  /* With KABAR_IMAP_FETCH_BODY: body_length > 0 fetches the partial
   * BODY.PEEK[]<body_offset.body_length>. */
  guint64              body_offset;
  guint64              body_length;
  /* Non-NULL: BODY.PEEK[HEADER.FIELDS (...)] of these header names. */
  const char * const  *header_fields;
  /* More sections, as BODY.PEEK[<section>] ("1.2", "2.MIME"). */
  const char * const  *sections;
  /* > 0: only messages changed since this modseq (CHANGEDSINCE; needs
   * CONDSTORE, else KABAR_IMAP_ERROR_UNSUPPORTED). */
  guint64              changed_since;
} KabarImapFetchRequest;

/* Where a literal above the stream threshold goes: the stream to write it
 * to (transfer full), or NULL to drop it. key is the item ("BODY[]"), uid
 * the message's when the server sent UID before the body (Dovecot does;
 * else 0). The stream is written asynchronously and not closed; it has all
 * the data by the time the message function gets the message. */
typedef GOutputStream *(*KabarImapStreamFunc) (KabarImapSession *session,
                                               guint32           uid,
                                               const char       *key,
                                               guint64           size,
                                               gpointer          user_data);

/* UID FETCH uids request. Each message's response goes to message_func as
 * it arrives: nothing is collected, so 100,000 messages cost what one
 * does. func_data_free is called once the command is done. */
void                  kabar_imap_session_uid_fetch_async     (KabarImapSession        *self,
                                                              const KabarImapUidSet   *uids,
                                                              const KabarImapFetchRequest *request,
                                                              KabarImapMessageFunc     message_func,
                                                              KabarImapStreamFunc      stream_func,
                                                              gpointer                 func_data,
                                                              GDestroyNotify           func_data_free,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
gboolean              kabar_imap_session_uid_fetch_finish    (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GError                 **error);

/* UID SEARCH criteria (IMAP search keys in ASCII, e.g. "UNSEEN",
 * "UID 100:*", "SINCE 1-Jan-2026"), as ESEARCH RETURN (ALL) when offered. */
void                  kabar_imap_session_uid_search_async    (KabarImapSession        *self,
                                                              const char              *criteria,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
KabarImapUidSet      *kabar_imap_session_uid_search_finish   (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GError                 **error);

/* UID SEARCH for the messages that hold every one of words (UTF-8) in
 * their header or body: TEXT for each, ANDed. Each word goes as a string
 * (quoted with \\ and \" escaped, or a literal for 8-bit text), never as
 * search syntax, with CHARSET UTF-8 when any is not ASCII (a server that
 * lacks it says NO [BADCHARSET]). words holds at least one word. Finish
 * with kabar_imap_session_uid_search_finish(). */
void                  kabar_imap_session_uid_search_text_async (KabarImapSession      *self,
                                                                const char * const    *words,
                                                                GCancellable          *cancellable,
                                                                GAsyncReadyCallback    callback,
                                                                gpointer               user_data);

typedef enum
{
  KABAR_IMAP_STORE_ADD,       /* +FLAGS */
  KABAR_IMAP_STORE_REMOVE,    /* -FLAGS */
  KABAR_IMAP_STORE_REPLACE,   /* FLAGS */
} KabarImapStoreMode;

/* UID STORE; silent asks for no FETCH replies (.SILENT). With
 * unchanged_since > 0 (CONDSTORE), messages changed since that modseq are
 * left alone and come back as *modified. The FETCH replies, if any, come as
 * "flags-changed". */
void                  kabar_imap_session_uid_store_async     (KabarImapSession        *self,
                                                              const KabarImapUidSet   *uids,
                                                              KabarImapStoreMode       mode,
                                                              const char * const      *flags,
                                                              gboolean                 silent,
                                                              guint64                  unchanged_since,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
gboolean              kabar_imap_session_uid_store_finish    (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              KabarImapUidSet        **modified,
                                                              GError                 **error);

/* UID COPY and UID MOVE to mailbox. The finish gives the new UIDs from
 * UIDPLUS servers, NULL from others. Without MOVE, a move is
 * COPY, STORE +FLAGS.SILENT (\Deleted) and UID EXPUNGE; without UIDPLUS too
 * it is refused with KABAR_IMAP_ERROR_UNSUPPORTED before anything is sent,
 * since a plain EXPUNGE would also remove every other message marked
 * \Deleted. */
void                  kabar_imap_session_uid_copy_async      (KabarImapSession        *self,
                                                              const KabarImapUidSet   *uids,
                                                              const char              *mailbox,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
void                  kabar_imap_session_uid_move_async      (KabarImapSession        *self,
                                                              const KabarImapUidSet   *uids,
                                                              const char              *mailbox,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
/* The finish of both; *map (may be NULL) gets the UIDPLUS mapping. */
gboolean              kabar_imap_session_uid_copy_finish     (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              KabarImapUidMap        **map,
                                                              GError                 **error);

/* UID EXPUNGE of uids (UIDPLUS, else KABAR_IMAP_ERROR_UNSUPPORTED), or
 * EXPUNGE of every \Deleted message when uids is NULL. What goes comes as
 * "expunged" or "vanished". Finish with kabar_imap_session_command_finish(). */
void                  kabar_imap_session_expunge_async       (KabarImapSession        *self,
                                                              const KabarImapUidSet   *uids,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);

/* APPEND message to mailbox, with flags and internal_date (both may be
 * NULL); the message goes as a literal, non-synchronizing with LITERAL+.
 * UIDPLUS servers say the new UID (else *uid is 0). */
void                  kabar_imap_session_append_async        (KabarImapSession        *self,
                                                              const char              *mailbox,
                                                              GBytes                  *message,
                                                              const char * const      *flags,
                                                              GDateTime               *internal_date,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
gboolean              kabar_imap_session_append_finish       (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              guint32                 *uidvalidity,
                                                              guint32                 *uid,
                                                              GError                 **error);

/* --- IDLE ----------------------------------------------------------------- */

/* IDLE (RFC 2177) until kabar_imap_session_idle_done(), the cancellable, or
 * the next command call: meanwhile, what the server reports comes as the
 * signals above. Every refresh_seconds (0: KABAR_IMAP_IDLE_REFRESH_SECONDS)
 * the session sends DONE and IDLE again, since servers end an IDLE of 30
 * minutes; the connection's timeout does not apply to the silence while
 * idle. Completes TRUE once the server confirmed the DONE (so the session
 * is ready for commands), G_IO_ERROR_CANCELLED when cancelled, and
 * KABAR_IMAP_ERROR_UNSUPPORTED (nothing sent) without IDLE. */
void                  kabar_imap_session_idle_async          (KabarImapSession        *self,
                                                              guint                    refresh_seconds,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
gboolean              kabar_imap_session_idle_finish         (KabarImapSession        *self,
                                                              GAsyncResult            *result,
                                                              GError                 **error);
void                  kabar_imap_session_idle_done           (KabarImapSession        *self);
/* Between the server's "+" to IDLE and the DONE. */
gboolean              kabar_imap_session_is_idle             (KabarImapSession        *self);

/* --- ending ----------------------------------------------------------------- */

/* LOGOUT, then closes the connection. Finish with
 * kabar_imap_session_command_finish(). */
void                  kabar_imap_session_logout_async        (KabarImapSession        *self,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
/* Closes the connection without LOGOUT; commands in flight fail with
 * G_IO_ERROR_CANCELLED. Harmless on a closed session. */
void                  kabar_imap_session_close               (KabarImapSession        *self);

G_END_DECLS
