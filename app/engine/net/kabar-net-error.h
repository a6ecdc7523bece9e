/* kabar-net-error.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What went wrong with a connection, in the terms a user is told about.
 * The message keeps the words of whoever reported it (GIO, the resolver,
 * the TLS library, the server), for the details and the logs.
 *
 * Cancellation is not in this domain: a cancelled operation fails with
 * G_IO_ERROR_CANCELLED, as everywhere in GIO, so callers can tell "the user
 * stopped it" from a failure with the usual g_error_matches(). */
#define KABAR_NET_ERROR (kabar_net_error_quark ())

typedef enum
{
  KABAR_NET_ERROR_FAILED,                /* none of the below */
  KABAR_NET_ERROR_HOST_NOT_FOUND,        /* the name did not resolve */
  KABAR_NET_ERROR_CONNECTION_REFUSED,    /* nothing listens on that port */
  KABAR_NET_ERROR_TIMED_OUT,             /* no progress within the connection's timeout */
  KABAR_NET_ERROR_NETWORK_UNREACHABLE,   /* no route to the network or to the host */
  KABAR_NET_ERROR_CERTIFICATE,           /* the server's certificate is not trusted:
                                          * see KabarCertificateProblem */
  KABAR_NET_ERROR_STARTTLS_NOT_OFFERED,  /* the server does not offer STARTTLS (the
                                          * protocol layer finds this out) */
  KABAR_NET_ERROR_STARTTLS_FAILED,       /* the server refused STARTTLS (idem) */
  KABAR_NET_ERROR_STARTTLS_INJECTION,    /* the server sent more than its STARTTLS
                                          * reply before the handshake */
  KABAR_NET_ERROR_TLS_HANDSHAKE,         /* TLS could not be agreed on (versions,
                                          * ciphers, an alert from the server) */
  KABAR_NET_ERROR_NOT_TLS,               /* the server does not speak TLS on this port */
  KABAR_NET_ERROR_CLOSED,                /* the server closed or reset the connection,
                                          * also in the middle of a line or a literal */
  KABAR_NET_ERROR_LINE_TOO_LONG,         /* a line longer than the connection accepts */
  KABAR_NET_ERROR_PROTOCOL,              /* the server said something unparseable (the
                                          * protocol layers raise it) */
} KabarNetError;

GQuark        kabar_net_error_quark    (void);

/* The code that says what a GIO (G_IO_ERROR), resolver (G_RESOLVER_ERROR)
 * or TLS (G_TLS_ERROR) error means for a connection; KABAR_NET_ERROR_FAILED
 * for anything else, and the code itself for a KABAR_NET_ERROR. */
KabarNetError kabar_net_error_code_for (const GError *error);

/* A KABAR_NET_ERROR with the code above and the same message. A
 * G_IO_ERROR_CANCELLED or a KABAR_NET_ERROR is copied unchanged. */
GError       *kabar_net_error_new_from (const GError *error);

G_END_DECLS
