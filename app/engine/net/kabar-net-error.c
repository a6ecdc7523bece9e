/* kabar-net-error.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-net-error.h"

G_DEFINE_QUARK (kabar-net-error-quark, kabar_net_error)

/* The switches take an int: the domains grow with GLib, and every code
 * not named here is KABAR_NET_ERROR_FAILED. */
static KabarNetError
code_for_io_error (int code)
{
  switch (code)
    {
    case G_IO_ERROR_HOST_NOT_FOUND:
      return KABAR_NET_ERROR_HOST_NOT_FOUND;
    case G_IO_ERROR_CONNECTION_REFUSED:
      return KABAR_NET_ERROR_CONNECTION_REFUSED;
    case G_IO_ERROR_TIMED_OUT:
      return KABAR_NET_ERROR_TIMED_OUT;
    case G_IO_ERROR_NETWORK_UNREACHABLE:
    case G_IO_ERROR_HOST_UNREACHABLE:
      return KABAR_NET_ERROR_NETWORK_UNREACHABLE;
    /* A reset or a write after the peer left reads the same to a user as
     * a close: the server went away. (G_IO_ERROR_BROKEN_PIPE is the same
     * code as CONNECTION_CLOSED.) */
    case G_IO_ERROR_CONNECTION_CLOSED:
    case G_IO_ERROR_NOT_CONNECTED:
    case G_IO_ERROR_PARTIAL_INPUT:
      return KABAR_NET_ERROR_CLOSED;
    default:
      return KABAR_NET_ERROR_FAILED;
    }
}

static KabarNetError
code_for_tls_error (int code)
{
  switch (code)
    {
    case G_TLS_ERROR_BAD_CERTIFICATE:
      return KABAR_NET_ERROR_CERTIFICATE;
    case G_TLS_ERROR_NOT_TLS:
      return KABAR_NET_ERROR_NOT_TLS;
    /* The peer closed without TLS close_notify: possibly a truncation
     * attack, but to the reader it is a connection that ended. */
    case G_TLS_ERROR_EOF:
      return KABAR_NET_ERROR_CLOSED;
    case G_TLS_ERROR_HANDSHAKE:
    case G_TLS_ERROR_CERTIFICATE_REQUIRED:
    case G_TLS_ERROR_INAPPROPRIATE_FALLBACK:
    case G_TLS_ERROR_UNAVAILABLE:
      return KABAR_NET_ERROR_TLS_HANDSHAKE;
    case G_TLS_ERROR_MISC:
    case G_TLS_ERROR_BAD_CERTIFICATE_PASSWORD:
    default:
      return KABAR_NET_ERROR_FAILED;
    }
}

static KabarNetError
code_for_resolver_error (int code)
{
  switch (code)
    {
    /* A temporary failure is a resolver that could not be asked (no
     * network, no DNS server): the name is still not found, for now. */
    case G_RESOLVER_ERROR_NOT_FOUND:
    case G_RESOLVER_ERROR_TEMPORARY_FAILURE:
      return KABAR_NET_ERROR_HOST_NOT_FOUND;
    case G_RESOLVER_ERROR_INTERNAL:
    default:
      return KABAR_NET_ERROR_FAILED;
    }
}

KabarNetError
kabar_net_error_code_for (const GError *error)
{
  g_return_val_if_fail (error != NULL, KABAR_NET_ERROR_FAILED);

  if (error->domain == KABAR_NET_ERROR)
    return (KabarNetError) error->code;
  if (error->domain == G_IO_ERROR)
    return code_for_io_error (error->code);
  if (error->domain == G_TLS_ERROR)
    return code_for_tls_error (error->code);
  if (error->domain == G_RESOLVER_ERROR)
    return code_for_resolver_error (error->code);
  return KABAR_NET_ERROR_FAILED;
}

GError *
kabar_net_error_new_from (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == KABAR_NET_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  return g_error_new_literal (KABAR_NET_ERROR, kabar_net_error_code_for (error), error->message);
}
