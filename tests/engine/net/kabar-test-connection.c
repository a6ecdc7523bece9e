/* kabar-test-connection.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kabar-test-connection.h"
#include "kabar-test-wait.h"

KabarConnection *
kabar_test_try_connect (const char               *host,
                        guint16                   port,
                        KabarSecurity             security,
                        GTlsCertificate          *pinned_certificate,
                        guint                     timeout_seconds,
                        GCancellable             *cancellable,
                        KabarCertificateProblem **problem,
                        GError                  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  kabar_connection_connect_async (host, port, security, pinned_certificate, timeout_seconds,
                                  cancellable, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_connection_connect_finish (result, problem, error);
}

KabarConnection *
kabar_test_connect (const char      *host,
                    guint16          port,
                    KabarSecurity    security,
                    GTlsCertificate *pinned_certificate,
                    guint            timeout_seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  KabarConnection *connection;

  connection = kabar_test_try_connect (host, port, security, pinned_certificate, timeout_seconds,
                                       NULL, &problem, &error);
  g_assert_no_error (error);
  g_assert_null (problem);
  g_assert_cmpint (kabar_connection_is_tls (connection), ==, security == KABAR_SECURITY_IMPLICIT_TLS);
  return connection;
}

gboolean
kabar_test_try_start_tls (KabarConnection          *connection,
                          KabarCertificateProblem **problem,
                          GError                  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  kabar_connection_start_tls_async (connection, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_connection_start_tls_finish (connection, result, problem, error);
}

char *
kabar_test_try_read_line (KabarConnection  *connection,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) line = NULL;
  GAsyncResult *slot = NULL;

  kabar_connection_read_line_async (connection, cancellable, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  line = kabar_connection_read_line_finish (connection, result, error);
  if (line == NULL)
    return NULL;
  g_assert_cmpuint (strlen (g_bytes_get_data (line, NULL)), ==, g_bytes_get_size (line));
  return g_strdup (g_bytes_get_data (line, NULL));
}

void
kabar_test_assert_reads (KabarConnection *connection,
                         const char      *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = kabar_test_try_read_line (connection, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, expected);
}

GPtrArray *
kabar_test_read_until (KabarConnection *connection,
                       const char      *prefix)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char *line = kabar_test_try_read_line (connection, NULL, &error);

      g_assert_no_error (error);
      g_ptr_array_add (lines, line);
      if (g_str_has_prefix (line, prefix))
        return lines;
    }
}

void
kabar_test_write (KabarConnection *connection,
                  const char      *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  kabar_connection_write_async (connection, bytes, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_connection_write_finish (connection, result, &error));
  g_assert_no_error (error);
}

void
kabar_test_close (KabarConnection *connection)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  kabar_connection_close_async (connection, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_connection_close_finish (connection, result, &error));
  g_assert_no_error (error);
  g_assert_true (kabar_connection_is_closed (connection));
}
