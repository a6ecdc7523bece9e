/* kabar-test-connection.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-connection.h"

G_BEGIN_DECLS

/* KabarConnection driven step by step from a test: each call starts the
 * operation and spins the main context until it is done (see
 * kabar-test-wait.h). The assert_ and plain forms fail the test on an
 * error; the try_ forms hand it back. */

KabarConnection *kabar_test_try_connect   (const char                *host,
                                           guint16                    port,
                                           KabarSecurity              security,
                                           GTlsCertificate           *pinned_certificate,
                                           guint                      timeout_seconds,
                                           GCancellable              *cancellable,
                                           KabarCertificateProblem  **problem,
                                           GError                   **error);
KabarConnection *kabar_test_connect       (const char                *host,
                                           guint16                    port,
                                           KabarSecurity              security,
                                           GTlsCertificate           *pinned_certificate,
                                           guint                      timeout_seconds);
gboolean         kabar_test_try_start_tls (KabarConnection           *connection,
                                           KabarCertificateProblem  **problem,
                                           GError                   **error);

/* The line as a string; the NUL after a line's data makes it one. */
char            *kabar_test_try_read_line (KabarConnection           *connection,
                                           GCancellable              *cancellable,
                                           GError                   **error);
void             kabar_test_assert_reads  (KabarConnection           *connection,
                                           const char                *expected);
/* Lines up to and including the first that starts with prefix. */
GPtrArray       *kabar_test_read_until    (KabarConnection           *connection,
                                           const char                *prefix);

void             kabar_test_write         (KabarConnection           *connection,
                                           const char                *text);
void             kabar_test_close         (KabarConnection           *connection);

G_END_DECLS
