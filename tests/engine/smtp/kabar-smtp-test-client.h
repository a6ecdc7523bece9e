/* kabar-smtp-test-client.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-smtp-client.h"
#include "kabar-scripted-server.h"

G_BEGIN_DECLS

/* Blocking wrappers around a KabarSmtpClient for tests: each runs the call
 * and spins the thread-default main context until it completes (at most
 * 60 s, else the test fails). They return the error instead of asserting. */

KabarSmtpClient *kabar_smtp_test_try_connect      (const char               *host,
                                                   guint16                   port,
                                                   KabarSecurity             security,
                                                   GTlsCertificate          *pinned,
                                                   GError                  **error);
gboolean         kabar_smtp_test_try_authenticate (KabarSmtpClient          *client,
                                                   KabarSaslCredential       credential,
                                                   const char               *user,
                                                   const char               *secret,
                                                   GError                  **error);
gboolean         kabar_smtp_test_try_send_data    (KabarSmtpClient          *client,
                                                   const char               *from,
                                                   const char * const       *recipients,
                                                   GBytes                   *message,
                                                   GError                  **error);
gboolean         kabar_smtp_test_try_finish_data  (KabarSmtpClient          *client,
                                                   KabarSmtpDeliveryState   *state,
                                                   GError                  **error);
/* Both steps; *state as finish_data says, NOT_SENT when send_data failed. */
gboolean         kabar_smtp_test_try_send         (KabarSmtpClient          *client,
                                                   const char               *from,
                                                   const char * const       *recipients,
                                                   GBytes                   *message,
                                                   KabarSmtpDeliveryState   *state,
                                                   GError                  **error);
gboolean         kabar_smtp_test_try_reset        (KabarSmtpClient          *client,
                                                   GError                  **error);
void             kabar_smtp_test_quit             (KabarSmtpClient          *client);

/* A connection to a scripted server that is already started, over its
 * certificate. */
KabarSmtpClient *kabar_smtp_test_try_connect_scripted (KabarScriptedServer  *server,
                                                       KabarSecurity         security,
                                                       GError              **error);
/* Waits for the script, printing the transcript if it diverged. */
void             kabar_smtp_test_assert_script    (KabarScriptedServer      *server);

G_END_DECLS
