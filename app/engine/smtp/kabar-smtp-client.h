/* kabar-smtp-client.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-certificate-problem.h"
#include "kabar-connection.h"
#include "kabar-sasl.h"
#include "kabar-smtp-error.h"

G_BEGIN_DECLS

/* Whether a message may have reached the server, after a send. */
typedef enum
{
  KABAR_SMTP_DELIVERY_NOT_SENT,    /* nothing was accepted: sending again is safe */
  KABAR_SMTP_DELIVERY_MAYBE_SENT,  /* the end of the data may have reached the server,
                                    * but no final reply was read: the server may
                                    * have accepted it */
  KABAR_SMTP_DELIVERY_SENT,        /* the server accepted it (250) */
} KabarSmtpDeliveryState;

#define KABAR_TYPE_SMTP_DELIVERY_STATE (kabar_smtp_delivery_state_get_type ())
GType kabar_smtp_delivery_state_get_type (void) G_GNUC_CONST;

/* One SMTP submission connection (RFC 6409), from the greeting to QUIT.
 *
 * Threads: a client belongs to the thread that connected it; every
 * callback comes on the thread-default main context of that thread.
 *
 * One operation at a time: another fails with G_IO_ERROR_PENDING. Errors
 * are KABAR_SMTP_ERROR for what the server said (its reply stays on the
 * error), KABAR_NET_ERROR for the connection, G_IO_ERROR_CANCELLED when
 * the caller stopped it. After a KABAR_NET_ERROR or a cancel the
 * connection is closed: connect a new client.
 *
 * Sending takes two steps, so that the outbox can record, durably, that
 * the end of the data is about to go: send_data() runs the envelope and
 * writes the message, up to but not including the terminating ".";
 * finish_data() writes it and reads the server's verdict. Between them,
 * get_delivery_state() says NOT_SENT; after finish_data(), it says
 * whether the message may have been accepted.
 *
 * The dialogue goes to g_debug(), AUTH's arguments never. */
#define KABAR_TYPE_SMTP_CLIENT (kabar_smtp_client_get_type ())
G_DECLARE_FINAL_TYPE (KabarSmtpClient, kabar_smtp_client, KABAR, SMTP_CLIENT, GObject)

/* Connects, reads the greeting, says EHLO (HELO when EHLO is refused) and,
 * for STARTTLS, upgrades and says EHLO again. A STARTTLS connection never
 * goes on in plain text: KABAR_NET_ERROR_STARTTLS_NOT_OFFERED when the
 * server lacks it, _STARTTLS_FAILED when it refuses it, _INJECTION when
 * it sent more than its reply. helo_name is the name we give in EHLO; NULL
 * for "localhost" (RFC 5321 §4.1.4: servers may not refuse a mismatch, and
 * the machine's own name would tell every server who we are).
 * timeout_seconds as in kabar_connection_connect_async(). */
void             kabar_smtp_client_connect_async          (const char               *host,
                                                           guint16                   port,
                                                           KabarSecurity             security,
                                                           GTlsCertificate          *pinned_certificate,
                                                           guint                     timeout_seconds,
                                                           const char               *helo_name,
                                                           GCancellable             *cancellable,
                                                           GAsyncReadyCallback       callback,
                                                           gpointer                  user_data);
/* *problem as in kabar_connection_connect_finish(). */
KabarSmtpClient *kabar_smtp_client_connect_finish         (GAsyncResult             *result,
                                                           KabarCertificateProblem **problem,
                                                           GError                  **error);

/* Signs in with the best advertised mechanism for the credential: PLAIN
 * or LOGIN for a password, XOAUTH2 for a token (its initial response goes
 * on the AUTH line, or after the 334 prompt when the line would pass 512
 * octets, RFC 4954 §4). A refused token's JSON challenge is answered with
 * an empty line and its status named in the error. */
void             kabar_smtp_client_authenticate_async     (KabarSmtpClient          *self,
                                                           KabarSaslCredential       credential,
                                                           const char               *user,
                                                           const char               *secret,
                                                           GCancellable             *cancellable,
                                                           GAsyncReadyCallback       callback,
                                                           gpointer                  user_data);
gboolean         kabar_smtp_client_authenticate_finish    (KabarSmtpClient          *self,
                                                           GAsyncResult             *result,
                                                           GError                  **error);

/* The first step of a send: checks message against the server's SIZE,
 * 8BITMIME and SMTPUTF8 (refusing before anything is sent), then MAIL FROM
 * (with SIZE=, BODY=8BITMIME when the message has 8-bit bytes, SMTPUTF8
 * when an address or a header is UTF-8), a RCPT TO for each recipient and
 * DATA, pipelined when the server offers PIPELINING, then the message,
 * dot-stuffed, with bare LF and bare CR made CRLF, in chunks (message is
 * never copied whole). It stops before the terminating ".".
 *
 * All or nothing: when any recipient is refused the transaction is reset
 * and the send fails with KABAR_SMTP_ERROR_RECIPIENT_REFUSED listing every
 * refusal; when the server already said 354 to a pipelined DATA, the
 * connection is closed instead, since only a "." could end the data and it
 * would send the message. Other refusals reset the transaction too. */
void             kabar_smtp_client_send_data_async        (KabarSmtpClient          *self,
                                                           const char               *from,
                                                           const char * const       *recipients,
                                                           GBytes                   *message,
                                                           GCancellable             *cancellable,
                                                           GAsyncReadyCallback       callback,
                                                           gpointer                  user_data);
gboolean         kabar_smtp_client_send_data_finish       (KabarSmtpClient          *self,
                                                           GAsyncResult             *result,
                                                           GError                  **error);

/* The second step: the terminating "." and the final reply. On failure,
 * *state (and get_delivery_state()) says whether the message may have
 * arrived: MAYBE_SENT once the "." may have left and no reply was read. */
void             kabar_smtp_client_finish_data_async      (KabarSmtpClient          *self,
                                                           GCancellable             *cancellable,
                                                           GAsyncReadyCallback       callback,
                                                           gpointer                  user_data);
gboolean         kabar_smtp_client_finish_data_finish     (KabarSmtpClient          *self,
                                                           GAsyncResult             *result,
                                                           KabarSmtpDeliveryState   *state,
                                                           GError                  **error);
/* Of the last send; NOT_SENT before any. */
KabarSmtpDeliveryState kabar_smtp_client_get_delivery_state (KabarSmtpClient        *self);

/* RSET: ends a transaction that failed (not while data is being sent). */
void             kabar_smtp_client_reset_async            (KabarSmtpClient          *self,
                                                           GCancellable             *cancellable,
                                                           GAsyncReadyCallback       callback,
                                                           gpointer                  user_data);
gboolean         kabar_smtp_client_reset_finish           (KabarSmtpClient          *self,
                                                           GAsyncResult             *result,
                                                           GError                  **error);

/* QUIT, then closes the connection, whatever the server answers. */
void             kabar_smtp_client_quit_async             (KabarSmtpClient          *self,
                                                           GCancellable             *cancellable,
                                                           GAsyncReadyCallback       callback,
                                                           gpointer                  user_data);
gboolean         kabar_smtp_client_quit_finish            (KabarSmtpClient          *self,
                                                           GAsyncResult             *result,
                                                           GError                  **error);

/* What the last EHLO advertised: the keyword lines as sent, keyword in
 * upper case ("SIZE 35882577", "AUTH PLAIN LOGIN", "PIPELINING"). Empty
 * after a HELO. */
const char * const *kabar_smtp_client_get_capabilities    (KabarSmtpClient          *self);
/* The keyword alone ("PIPELINING", "8BITMIME", "SMTPUTF8", "STARTTLS",
 * "ENHANCEDSTATUSCODES", "SIZE"), in any case. */
gboolean         kabar_smtp_client_has_capability         (KabarSmtpClient          *self,
                                                           const char               *keyword);
/* The AUTH mechanisms, in upper case; empty when AUTH is not offered. */
const char * const *kabar_smtp_client_get_auth_mechanisms (KabarSmtpClient          *self);
/* SIZE's limit in bytes; 0 when the server names none. */
guint64          kabar_smtp_client_get_max_size           (KabarSmtpClient          *self);
KabarConnection *kabar_smtp_client_get_connection         (KabarSmtpClient          *self);
gboolean         kabar_smtp_client_is_authenticated       (KabarSmtpClient          *self);

G_END_DECLS
