/* kabar-pop3-test.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-pop3-session.h"
#include "kabar-scripted-server.h"

G_BEGIN_DECLS

/* Blocking wrappers around a KabarPop3Session for tests: each runs the
 * call and spins the thread-default main context until it completes (at
 * most 60 s, else the test fails). They return what the finish returns. */

KabarPop3Session *kabar_pop3_test_connect      (const char           *host,
                                                guint16               port,
                                                KabarSecurity         security,
                                                GTlsCertificate      *pinned,
                                                GError              **error);
gboolean          kabar_pop3_test_authenticate (KabarPop3Session     *session,
                                                KabarSaslCredential   credential,
                                                const char           *user,
                                                const char           *secret,
                                                GError              **error);
gboolean          kabar_pop3_test_stat         (KabarPop3Session     *session,
                                                guint                *count,
                                                guint64              *size,
                                                GError              **error);
GArray           *kabar_pop3_test_list         (KabarPop3Session     *session,
                                                gboolean              uidl,
                                                GError              **error);
char             *kabar_pop3_test_uidl_one     (KabarPop3Session     *session,
                                                guint                 msgno,
                                                GError              **error);
/* RETR, or TOP with lines when top is TRUE. */
GBytes           *kabar_pop3_test_retr         (KabarPop3Session     *session,
                                                guint                 msgno,
                                                gboolean              top,
                                                guint                 lines,
                                                GError              **error);
gboolean          kabar_pop3_test_retr_to_stream (KabarPop3Session   *session,
                                                  guint               msgno,
                                                  GOutputStream      *output,
                                                  guint64            *size,
                                                  GError            **error);
/* Collects every message of a batch: a GPtrArray of GBytes (NULL for a
 * refused one) in the order delivered, and the msgnos as delivered. */
GPtrArray        *kabar_pop3_test_retrieve     (KabarPop3Session     *session,
                                                const guint          *msgnos,
                                                guint                 n,
                                                GArray              **delivered,
                                                GError              **error);

typedef void (*KabarPop3TestCommand) (KabarPop3Session    *session,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* RSET, NOOP, QUIT. */
gboolean          kabar_pop3_test_command      (KabarPop3Session     *session,
                                                KabarPop3TestCommand  command,
                                                GError              **error);
gboolean          kabar_pop3_test_dele         (KabarPop3Session     *session,
                                                guint                 msgno,
                                                GError              **error);

/* A message with CRLF line ends from text with LF ones. */
GBytes           *kabar_pop3_test_message      (const char           *text);
/* Waits for the script, printing the transcript if it diverged. */
void              kabar_pop3_test_assert_script (KabarScriptedServer *server);

G_END_DECLS
