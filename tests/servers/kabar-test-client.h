/* kabar-test-client.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A small blocking line client for tests: the independent checker of the
 * servers the test bed starts. It trusts exactly one certificate (the bed's)
 * and blocks the calling thread, with a timeout on every read and write so a
 * silent server fails the test instead of hanging it. */

#define KABAR_TYPE_TEST_CLIENT (kabar_test_client_get_type ())
G_DECLARE_FINAL_TYPE (KabarTestClient, kabar_test_client, KABAR, TEST_CLIENT, GObject)

typedef enum
{
  KABAR_TEST_CLIENT_PLAIN,
  KABAR_TEST_CLIENT_IMPLICIT_TLS,
  /* Plain connection upgraded with the protocol's own command: IMAP
   * STARTTLS, POP3 STLS, SMTP EHLO + STARTTLS. */
  KABAR_TEST_CLIENT_STARTTLS_IMAP,
  KABAR_TEST_CLIENT_STARTTLS_POP3,
  KABAR_TEST_CLIENT_STARTTLS_SMTP,
} KabarTestClientSecurity;

/* Connects, reads the server's greeting (see get_greeting) and, for the
 * STARTTLS kinds, upgrades the connection. After an SMTP STARTTLS the caller
 * sends EHLO again, as a real client must. */
KabarTestClient *kabar_test_client_connect         (const char               *host,
                                                    guint16                   port,
                                                    KabarTestClientSecurity   security,
                                                    GTlsCertificate          *trusted,
                                                    GError                  **error);

/* Upgrades a plain connection now, after the caller's own dialogue (for
 * example to see what an SMTP server offers before STARTTLS). security is
 * one of the STARTTLS kinds. */
gboolean         kabar_test_client_starttls        (KabarTestClient          *self,
                                                    KabarTestClientSecurity   security,
                                                    GError                  **error);

/* The last line of the greeting, without CRLF. */
const char      *kabar_test_client_get_greeting    (KabarTestClient          *self);
gboolean         kabar_test_client_is_tls          (KabarTestClient          *self);

/* Appends CRLF. */
gboolean         kabar_test_client_send_line       (KabarTestClient          *self,
                                                    const char               *line,
                                                    GError                  **error);
gboolean         kabar_test_client_send_linef      (KabarTestClient          *self,
                                                    GError                  **error,
                                                    const char               *format,
                                                    ...) G_GNUC_PRINTF (3, 4);
gboolean         kabar_test_client_send_data       (KabarTestClient          *self,
                                                    const void               *data,
                                                    gsize                     length,
                                                    GError                  **error);

/* One line without its CRLF (or bare LF). The end of the stream is an
 * error. */
char            *kabar_test_client_read_line       (KabarTestClient          *self,
                                                    GError                  **error);
/* Lines up to and including the first one that starts with prefix (the
 * last element). */
GPtrArray       *kabar_test_client_read_until      (KabarTestClient          *self,
                                                    const char               *prefix,
                                                    GError                  **error);
/* Exactly length bytes, for IMAP literals. */
GBytes          *kabar_test_client_read_bytes      (KabarTestClient          *self,
                                                    gsize                     length,
                                                    GError                  **error);
/* A whole SMTP/LMTP reply: its code and its lines' texts without the
 * "250-" / "250 " prefixes. */
GStrv            kabar_test_client_read_smtp_reply (KabarTestClient          *self,
                                                    guint                    *code,
                                                    GError                  **error);

/* Sends "TAG command" with a fresh tag and returns the lines up to and
 * including the tagged reply (the last element). NO and BAD are not errors:
 * the test asserts on them. */
GPtrArray       *kabar_test_client_imap            (KabarTestClient          *self,
                                                    GError                  **error,
                                                    const char               *format,
                                                    ...) G_GNUC_PRINTF (3, 4);
gboolean         kabar_test_client_close           (KabarTestClient          *self,
                                                    GError                  **error);

G_END_DECLS
