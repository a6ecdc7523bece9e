/* test-net-error.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What GIO, resolver and TLS errors mean in KABAR_NET_ERROR's terms.
 */

#include "config.h"

#include "kabar-net-error.h"

typedef struct
{
  const char *name;
  GQuark (*domain) (void);
  int code;
  KabarNetError expected;
} Mapping;

static const Mapping mappings[] = {
  { "connection refused", g_io_error_quark, G_IO_ERROR_CONNECTION_REFUSED, KABAR_NET_ERROR_CONNECTION_REFUSED },
  { "io host not found", g_io_error_quark, G_IO_ERROR_HOST_NOT_FOUND, KABAR_NET_ERROR_HOST_NOT_FOUND },
  { "timed out", g_io_error_quark, G_IO_ERROR_TIMED_OUT, KABAR_NET_ERROR_TIMED_OUT },
  { "network unreachable", g_io_error_quark, G_IO_ERROR_NETWORK_UNREACHABLE, KABAR_NET_ERROR_NETWORK_UNREACHABLE },
  { "host unreachable", g_io_error_quark, G_IO_ERROR_HOST_UNREACHABLE, KABAR_NET_ERROR_NETWORK_UNREACHABLE },
  { "reset or broken pipe", g_io_error_quark, G_IO_ERROR_CONNECTION_CLOSED, KABAR_NET_ERROR_CLOSED },
  { "not connected", g_io_error_quark, G_IO_ERROR_NOT_CONNECTED, KABAR_NET_ERROR_CLOSED },
  { "partial input", g_io_error_quark, G_IO_ERROR_PARTIAL_INPUT, KABAR_NET_ERROR_CLOSED },
  { "permission denied", g_io_error_quark, G_IO_ERROR_PERMISSION_DENIED, KABAR_NET_ERROR_FAILED },
  { "proxy failed", g_io_error_quark, G_IO_ERROR_PROXY_FAILED, KABAR_NET_ERROR_FAILED },
  { "resolver not found", g_resolver_error_quark, G_RESOLVER_ERROR_NOT_FOUND, KABAR_NET_ERROR_HOST_NOT_FOUND },
  { "resolver temporary", g_resolver_error_quark, G_RESOLVER_ERROR_TEMPORARY_FAILURE, KABAR_NET_ERROR_HOST_NOT_FOUND },
  { "resolver internal", g_resolver_error_quark, G_RESOLVER_ERROR_INTERNAL, KABAR_NET_ERROR_FAILED },
  { "bad certificate", g_tls_error_quark, G_TLS_ERROR_BAD_CERTIFICATE, KABAR_NET_ERROR_CERTIFICATE },
  { "not tls", g_tls_error_quark, G_TLS_ERROR_NOT_TLS, KABAR_NET_ERROR_NOT_TLS },
  { "tls eof", g_tls_error_quark, G_TLS_ERROR_EOF, KABAR_NET_ERROR_CLOSED },
  { "tls handshake", g_tls_error_quark, G_TLS_ERROR_HANDSHAKE, KABAR_NET_ERROR_TLS_HANDSHAKE },
  { "client certificate required", g_tls_error_quark, G_TLS_ERROR_CERTIFICATE_REQUIRED, KABAR_NET_ERROR_TLS_HANDSHAKE },
  { "inappropriate fallback", g_tls_error_quark, G_TLS_ERROR_INAPPROPRIATE_FALLBACK, KABAR_NET_ERROR_TLS_HANDSHAKE },
  { "tls unavailable", g_tls_error_quark, G_TLS_ERROR_UNAVAILABLE, KABAR_NET_ERROR_TLS_HANDSHAKE },
  { "tls misc", g_tls_error_quark, G_TLS_ERROR_MISC, KABAR_NET_ERROR_FAILED },
  { "another domain", g_file_error_quark, G_FILE_ERROR_NOENT, KABAR_NET_ERROR_FAILED },
};

static void
test_gio_errors_map_to_what_happened (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (mappings); i++)
    {
      g_autoptr(GError) original = g_error_new (mappings[i].domain (), mappings[i].code,
                                                "the words of %s", mappings[i].name);
      g_autoptr(GError) mapped = kabar_net_error_new_from (original);

      g_test_message ("%s", mappings[i].name);
      g_assert_cmpint (kabar_net_error_code_for (original), ==, mappings[i].expected);
      g_assert_error (mapped, KABAR_NET_ERROR, (int) mappings[i].expected);
      g_assert_cmpstr (mapped->message, ==, original->message);
    }
}

static void
test_cancellation_stays_a_gio_cancellation (void)
{
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
  g_autoptr(GError) mapped = kabar_net_error_new_from (cancelled);

  g_assert_error (mapped, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (mapped->message, ==, "Operation was cancelled");
}

static void
test_net_errors_pass_unchanged (void)
{
  g_autoptr(GError) original = g_error_new_literal (KABAR_NET_ERROR, KABAR_NET_ERROR_PROTOCOL, "garbage");
  g_autoptr(GError) mapped = kabar_net_error_new_from (original);

  g_assert_cmpint (kabar_net_error_code_for (original), ==, KABAR_NET_ERROR_PROTOCOL);
  g_assert_error (mapped, KABAR_NET_ERROR, KABAR_NET_ERROR_PROTOCOL);
  g_assert_cmpstr (mapped->message, ==, "garbage");
  g_assert_cmpstr (g_quark_to_string (KABAR_NET_ERROR), ==, "kabar-net-error-quark");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/net/error/gio-errors-map-to-what-happened", test_gio_errors_map_to_what_happened);
  g_test_add_func ("/net/error/cancellation-stays-a-gio-cancellation", test_cancellation_stays_a_gio_cancellation);
  g_test_add_func ("/net/error/net-errors-pass-unchanged", test_net_errors_pass_unchanged);

  return g_test_run ();
}
