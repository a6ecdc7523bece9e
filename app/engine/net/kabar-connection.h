/* kabar-connection.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-certificate-problem.h"

G_BEGIN_DECLS

/* How a connection is protected. */
typedef enum
{
  KABAR_SECURITY_IMPLICIT_TLS,  /* TLS from the first byte (993, 995, 465) */
  KABAR_SECURITY_STARTTLS,      /* plain; the protocol upgrades it with
                                 * kabar_connection_start_tls_async() */
  KABAR_SECURITY_NONE,          /* plain text, only when the account says so */
} KabarSecurity;

/* A line longer than this fails with KABAR_NET_ERROR_LINE_TOO_LONG unless
 * the protocol sets its own limit. Big enough for an IMAP SEARCH answer
 * that lists 100,000 UIDs. */
#define KABAR_CONNECTION_DEFAULT_MAX_LINE_LENGTH (4 * 1024 * 1024)

/* One TCP connection to a mail server, for the IMAP, POP3 and SMTP clients:
 * lines and counted bytes in, whole buffers out, TLS with the system's
 * trust plus the one certificate the user chose to trust for this host.
 *
 * Every operation reports through a GAsyncReadyCallback on the
 * thread-default main context of the thread that called it; use one
 * connection from one thread. Errors are KABAR_NET_ERROR, or
 * G_IO_ERROR_CANCELLED when the caller's cancellable (or close) stopped the
 * operation. An operation that makes no progress for the connection's
 * timeout fails with KABAR_NET_ERROR_TIMED_OUT.
 *
 * One read (line, bytes or stream) at a time (another fails with
 * G_IO_ERROR_PENDING), while any number of writes queue up behind each
 * other, in the order they were asked for: a protocol may pipeline commands
 * while its reader waits for replies. A read or write that failed, timed
 * out or was cancelled leaves the stream at an unknown position: close the
 * connection. */
#define KABAR_TYPE_CONNECTION (kabar_connection_get_type ())
G_DECLARE_FINAL_TYPE (KabarConnection, kabar_connection, KABAR, CONNECTION, GObject)

/* Connects to host (a name or an address) and, for IMPLICIT_TLS,
 * handshakes. The server's certificate is accepted when the system trusts
 * it for host, or when it is exactly pinned_certificate (the one the user
 * trusted for this host before; NULL for none). timeout_seconds (0: none)
 * bounds the connect and becomes the connection's timeout. */
void                 kabar_connection_connect_async              (const char           *host,
                                                                  guint16               port,
                                                                  KabarSecurity         security,
                                                                  GTlsCertificate      *pinned_certificate,
                                                                  guint                 timeout_seconds,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
/* On KABAR_NET_ERROR_CERTIFICATE, *problem (when problem is not NULL) is
 * set to what was wrong with the certificate, for the UI to show; it is
 * NULL for other errors. */
KabarConnection     *kabar_connection_connect_finish             (GAsyncResult         *result,
                                                                  KabarCertificateProblem **problem,
                                                                  GError              **error);

/* Upgrades a plain connection to TLS, after the protocol's STARTTLS command
 * got its positive reply. Refused with KABAR_NET_ERROR_STARTTLS_INJECTION
 * when the server sent anything after that reply: bytes that arrived
 * before the handshake could come from anyone on the path, and a client
 * that read them after the upgrade would take them as sent over TLS
 * (CVE-2011-0411). The connection is then closed, as after any failed
 * handshake. Certificates are checked as in connect. Not while a read or a
 * write is in flight. */
void                 kabar_connection_start_tls_async            (KabarConnection      *self,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
/* *problem as in kabar_connection_connect_finish(). */
gboolean             kabar_connection_start_tls_finish           (KabarConnection      *self,
                                                                  GAsyncResult         *result,
                                                                  KabarCertificateProblem **problem,
                                                                  GError              **error);
/* What the last handshake of this connection found wrong with the server's
 * certificate, if it refused it; NULL otherwise. */
KabarCertificateProblem *kabar_connection_get_certificate_problem (KabarConnection     *self);

/* One line without its line end (CRLF, or a bare LF). The data is followed
 * by a NUL byte that its size does not count, so a line without NUL bytes
 * reads as a C string. The end of the stream, also in the middle of a
 * line, is KABAR_NET_ERROR_CLOSED. */
void                 kabar_connection_read_line_async            (KabarConnection      *self,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
GBytes              *kabar_connection_read_line_finish           (KabarConnection      *self,
                                                                  GAsyncResult         *result,
                                                                  GError              **error);
/* A line that has already arrived, at once and without a main loop
 * iteration: a parser drains these, and calls read_line_async only when it
 * gets NULL (with no error: no whole line is buffered yet). Not while a
 * read is in flight. */
GBytes              *kabar_connection_read_buffered_line         (KabarConnection      *self,
                                                                  GError              **error);
/* The same line, lent rather than copied: the caller that only copies
 * parts of it (a message's lines into the message) saves an allocation a
 * line. Its length is without the CR LF; the byte after it is the CR or
 * the LF, no NUL. It stays in the buffer until skip_buffered_line(), and
 * the text stays valid until the next read: skip first, then parse, so
 * that what the parse calls finds the connection past the line. */
const char          *kabar_connection_peek_buffered_line         (KabarConnection      *self,
                                                                  gsize                *length,
                                                                  GError              **error);
void                 kabar_connection_skip_buffered_line         (KabarConnection      *self);
/* Up to max bytes that have already arrived, at once, as
 * read_buffered_line() does for lines: the small literals of a FETCH
 * (one a message) are nearly always in the buffer already, and an
 * asynchronous read for each would cost a main loop round trip and a
 * thread. NULL (without error) when nothing is buffered. Not while a
 * read is in flight. */
GBytes              *kabar_connection_read_buffered_bytes        (KabarConnection      *self,
                                                                  gsize                 max);

/* Exactly count bytes (an IMAP literal), at most G_MAXUINT. At most 16 MiB
 * is reserved before the data arrives, so a server that announces more
 * than it sends does not make us allocate it; bigger literals should go to
 * read_to_stream. */
void                 kabar_connection_read_bytes_async           (KabarConnection      *self,
                                                                  gsize                 count,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
GBytes              *kabar_connection_read_bytes_finish          (KabarConnection      *self,
                                                                  GAsyncResult         *result,
                                                                  GError              **error);

/* Exactly count bytes, written to output in chunks as they come, for
 * message bodies too big to hold. output is not closed. An error of output
 * is reported as it is (a G_IO_ERROR of the disk, say). */
void                 kabar_connection_read_to_stream_async       (KabarConnection      *self,
                                                                  guint64               count,
                                                                  GOutputStream        *output,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
gboolean             kabar_connection_read_to_stream_finish      (KabarConnection      *self,
                                                                  GAsyncResult         *result,
                                                                  GError              **error);

/* Writes all of bytes, after the writes asked for before. Once a write has
 * failed, the stream is cut in the middle of a command: the queued writes
 * and later ones fail with the same error. */
void                 kabar_connection_write_async                (KabarConnection      *self,
                                                                  GBytes               *bytes,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
gboolean             kabar_connection_write_finish               (KabarConnection      *self,
                                                                  GAsyncResult         *result,
                                                                  GError              **error);

/* Ends the operations in flight (they fail with G_IO_ERROR_CANCELLED),
 * waits for them, then closes (with TLS close_notify). Later operations
 * fail with G_IO_ERROR_CLOSED. Closing a closed connection succeeds. A
 * connection dropped without closing is closed in the background. */
void                 kabar_connection_close_async                (KabarConnection      *self,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
gboolean             kabar_connection_close_finish               (KabarConnection      *self,
                                                                  GAsyncResult         *result,
                                                                  GError              **error);
gboolean             kabar_connection_is_closed                  (KabarConnection      *self);

const char          *kabar_connection_get_host                   (KabarConnection      *self);
guint16              kabar_connection_get_port                   (KabarConnection      *self);
KabarSecurity        kabar_connection_get_security               (KabarConnection      *self);
gboolean             kabar_connection_is_tls                     (KabarConnection      *self);
/* NULL on a plain connection. */
GTlsCertificate     *kabar_connection_get_peer_certificate       (KabarConnection      *self);
/* What verification found wrong with a certificate that was accepted
 * because it was pinned; 0 when the system trusts it. */
GTlsCertificateFlags kabar_connection_get_peer_certificate_errors (KabarConnection     *self);

/* Seconds without progress before an operation fails; 0 for none (IMAP
 * IDLE waits as long as the server is silent, and sets a longer one). Takes
 * effect for the operations started afterwards. */
guint                kabar_connection_get_timeout                (KabarConnection      *self);
void                 kabar_connection_set_timeout                (KabarConnection      *self,
                                                                  guint                 timeout_seconds);
gsize                kabar_connection_get_max_line_length        (KabarConnection      *self);
void                 kabar_connection_set_max_line_length        (KabarConnection      *self,
                                                                  gsize                 max_line_length);

G_END_DECLS
