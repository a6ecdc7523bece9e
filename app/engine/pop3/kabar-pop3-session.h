/* kabar-pop3-session.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-certificate-problem.h"
#include "kabar-connection.h"
#include "kabar-pop3-error.h"
#include "kabar-sasl.h"

G_BEGIN_DECLS

/* One POP3 connection to one mailbox (RFC 1939, CAPA and response codes
 * of RFC 2449, STLS of RFC 2595, AUTH of RFC 5034), from the greeting to
 * QUIT. A protocol client only: it knows nothing of the store.
 *
 * Deleting: DELE only marks a message. The server removes the marked
 * messages when the session ends with kabar_pop3_session_quit_async(),
 * and only then; RSET unmarks them, and a session that ends any other way
 * (kabar_pop3_session_close(), a cut, the last unref) removes nothing.
 *
 * Threads: a session belongs to the thread that connected it; every
 * callback runs on that thread's thread-default main context.
 *
 * Commands: calls may be made while others are in flight; replies come in
 * the order of the calls. When the server offers PIPELINING they go out
 * at once, else each waits for the reply to the one before. Cancelling a
 * command that is still queued removes it; once it is on the wire POP3
 * cannot take it back, so the session ends (nothing is deleted without
 * QUIT) and every command fails with G_IO_ERROR_CANCELLED.
 *
 * Errors: KABAR_POP3_ERROR for what the server refused (with its words),
 * KABAR_NET_ERROR for the connection. A cut, a timeout or a reply that is
 * not POP3 ends the session and fails every command: connect a new one.
 *
 * The dialogue is logged with g_debug(), without passwords or tokens. */

#define KABAR_TYPE_POP3_SESSION (kabar_pop3_session_get_type ())
G_DECLARE_FINAL_TYPE (KabarPop3Session, kabar_pop3_session, KABAR, POP3_SESSION, GObject)

/* One message of LIST or UIDL. */
typedef struct
{
  guint    msgno;   /* from 1, as the server numbers them in this session */
  guint64  size;    /* LIST: octets, as the server counts them */
  char    *uidl;    /* UIDL: the server's unique id; NULL for LIST */
} KabarPop3Message;

/* --- connecting and signing in ---------------------------------------------- */

/* Connects, reads the greeting and CAPA (a server without CAPA has no
 * known capabilities, which is not an error) and, for STARTTLS, sends STLS
 * and upgrades the connection, then reads CAPA again over TLS. A server
 * that does not offer STLS fails with KABAR_NET_ERROR_STARTTLS_NOT_OFFERED,
 * one that refuses it with _STARTTLS_FAILED: nothing is sent in plain
 * text. Arguments as kabar_connection_connect_async(). */
void                kabar_pop3_session_connect_async        (const char               *host,
                                                             guint16                   port,
                                                             KabarSecurity             security,
                                                             GTlsCertificate          *pinned_certificate,
                                                             guint                     timeout_seconds,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
/* On KABAR_NET_ERROR_CERTIFICATE, *problem says what was wrong, for the
 * UI, as kabar_connection_connect_finish() does. */
KabarPop3Session   *kabar_pop3_session_connect_finish       (GAsyncResult             *result,
                                                             KabarCertificateProblem **problem,
                                                             GError                  **error);

/* Signs in with the best mechanism of CAPA's SASL line for the credential
 * (kabar_sasl_choose_mechanism): PLAIN with an initial response when the
 * command fits POP3's 255 octets, XOAUTH2 as Outlook.com wants it (AUTH
 * XOAUTH2, then the response after the server's "+"); else, for a
 * password, USER and PASS when USER is offered or CAPA said nothing. Reads
 * CAPA again afterwards. Errors: KABAR_POP3_ERROR_AUTHENTICATION_FAILED,
 * _BASIC_AUTH_DISABLED, _POP_DISABLED, _IN_USE, _LOGIN_DELAY, _TEMPORARY,
 * _SYSTEM, _LOGIN_DISABLED. */
void                kabar_pop3_session_authenticate_async   (KabarPop3Session         *self,
                                                             KabarSaslCredential       credential,
                                                             const char               *user,
                                                             const char               *secret,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
gboolean            kabar_pop3_session_authenticate_finish  (KabarPop3Session         *self,
                                                             GAsyncResult             *result,
                                                             GError                  **error);

/* --- what the session knows ------------------------------------------------- */

KabarConnection    *kabar_pop3_session_get_connection       (KabarPop3Session         *self);
/* CAPA's lines as last read (upper-cased first word, arguments as sent),
 * e.g. "TOP", "SASL PLAIN XOAUTH2"; empty when the server has no CAPA. */
const char * const *kabar_pop3_session_get_capabilities     (KabarPop3Session         *self);
/* Case-insensitive, the first word of a line: "PIPELINING", "SASL". */
gboolean            kabar_pop3_session_has_capability       (KabarPop3Session         *self,
                                                             const char               *capability);
gboolean            kabar_pop3_session_is_authenticated     (KabarPop3Session         *self);
gboolean            kabar_pop3_session_is_closed            (KabarPop3Session         *self);

/* --- the mailbox -------------------------------------------------------------- */

/* STAT: how many messages, and their octets. */
void                kabar_pop3_session_stat_async           (KabarPop3Session         *self,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
gboolean            kabar_pop3_session_stat_finish          (KabarPop3Session         *self,
                                                             GAsyncResult             *result,
                                                             guint                    *count,
                                                             guint64                  *size,
                                                             GError                  **error);

/* LIST and UIDL of every message: an array of KabarPop3Message (size set
 * by LIST, uidl by UIDL), in the server's order (transfer full). A line
 * that is not "msgno value" fails the command with
 * KABAR_POP3_ERROR_PROTOCOL; the session goes on. */
void                kabar_pop3_session_list_async           (KabarPop3Session         *self,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
void                kabar_pop3_session_uidl_async           (KabarPop3Session         *self,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
/* The finish of both. */
GArray             *kabar_pop3_session_list_finish          (KabarPop3Session         *self,
                                                             GAsyncResult             *result,
                                                             GError                  **error);

/* UIDL msgno: one message's unique id (transfer full). */
void                kabar_pop3_session_uidl_one_async       (KabarPop3Session         *self,
                                                             guint                     msgno,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
char               *kabar_pop3_session_uidl_one_finish      (KabarPop3Session         *self,
                                                             GAsyncResult             *result,
                                                             GError                  **error);

/* RETR msgno, and TOP msgno lines (the header and that many body lines):
 * the message as the server holds it, CRLF line ends kept, dot-stuffing
 * and the terminating line removed. */
void                kabar_pop3_session_retr_async           (KabarPop3Session         *self,
                                                             guint                     msgno,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
void                kabar_pop3_session_top_async            (KabarPop3Session         *self,
                                                             guint                     msgno,
                                                             guint                     lines,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
/* The finish of both. */
GBytes             *kabar_pop3_session_retr_finish          (KabarPop3Session         *self,
                                                             GAsyncResult             *result,
                                                             GError                  **error);

/* RETR msgno into output, in chunks as it arrives: a message of any size
 * costs a chunk and a line of memory. output is not closed. An error of
 * output is reported as it is; the rest of the message is then read and
 * dropped, and the session goes on. *size gets the octets written. */
void                kabar_pop3_session_retr_to_stream_async (KabarPop3Session         *self,
                                                             guint                     msgno,
                                                             GOutputStream            *output,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
gboolean            kabar_pop3_session_retr_to_stream_finish (KabarPop3Session        *self,
                                                             GAsyncResult             *result,
                                                             guint64                  *size,
                                                             GError                  **error);

/* Each message of a batch as it arrives, in the order asked for: message
 * is NULL and error set when the server refused that one (the batch goes
 * on). */
typedef void (*KabarPop3MessageFunc) (KabarPop3Session *session,
                                      guint             msgno,
                                      GBytes           *message,
                                      const GError     *error,
                                      gpointer          user_data);

/* RETR of each of msgnos (n of them), to message_func in that order. With
 * PIPELINING a window of RETRs is kept on the wire ahead of the replies,
 * so the server never waits for a round trip; without, one at a time.
 * func_data_free is called when the batch is done. The batch fails only
 * for what ends the session. */
void                kabar_pop3_session_retrieve_async       (KabarPop3Session         *self,
                                                             const guint              *msgnos,
                                                             guint                     n,
                                                             KabarPop3MessageFunc      message_func,
                                                             gpointer                  func_data,
                                                             GDestroyNotify            func_data_free,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
gboolean            kabar_pop3_session_retrieve_finish      (KabarPop3Session         *self,
                                                             GAsyncResult             *result,
                                                             GError                  **error);

/* DELE msgno: marks the message; QUIT removes it (see above). */
void                kabar_pop3_session_dele_async           (KabarPop3Session         *self,
                                                             guint                     msgno,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
/* RSET: unmarks every message DELE marked in this session. */
void                kabar_pop3_session_rset_async           (KabarPop3Session         *self,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
void                kabar_pop3_session_noop_async           (KabarPop3Session         *self,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
/* QUIT: the server removes the messages DELE marked, says so, and the
 * connection is closed. Its -ERR (the removal failed: nothing was
 * removed) is KABAR_POP3_ERROR_COMMAND_REFUSED. */
void                kabar_pop3_session_quit_async           (KabarPop3Session         *self,
                                                             GCancellable             *cancellable,
                                                             GAsyncReadyCallback       callback,
                                                             gpointer                  user_data);
/* The finish of DELE, RSET, NOOP and QUIT. */
gboolean            kabar_pop3_session_command_finish       (KabarPop3Session         *self,
                                                             GAsyncResult             *result,
                                                             GError                  **error);

/* Closes the connection without QUIT: nothing DELE marked is removed.
 * Commands in flight fail with G_IO_ERROR_CANCELLED. Harmless on a closed
 * session. */
void                kabar_pop3_session_close                (KabarPop3Session         *self);

G_END_DECLS
