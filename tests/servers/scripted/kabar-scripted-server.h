/* kabar-scripted-server.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A loopback server that plays a script, for what no real mail server does
 * on demand: a provider's odd replies, malformed replies, cut connections.
 *
 * Build the script, start the server, point a client at its port, then call
 * kabar_scripted_server_wait(): it says whether the script completed or,
 * if not, at which step and how the client diverged:
 *
 *   g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
 *   kabar_scripted_server_send (server, "* OK ready");
 *   kabar_scripted_server_expect_regex (server, "(\\S+) CAPABILITY");
 *   kabar_scripted_server_send (server, "* CAPABILITY IMAP4rev1 STARTTLS");
 *   kabar_scripted_server_send (server, "$1 OK done");
 *   kabar_scripted_server_start (server, &error);
 *   ... drive the client against kabar_scripted_server_get_port (server) ...
 *   g_assert_true (kabar_scripted_server_wait (server, &error));
 *
 * The script runs in a thread of its own with its own GMainContext, so a
 * client may block on the calling thread or run on its main context. The
 * first connection is accepted implicitly; every step has a timeout (5 s
 * unless changed), so a client that stops talking is a reported failure,
 * not a hung test. Lines the server sends end with CRLF; lines the client
 * sends may end with CRLF or LF and are compared without it.
 *
 * When the script ends the server closes the connection gracefully (TLS
 * close_notify, then FIN) and records, without checking, what the client
 * still sends in the next half second.
 *
 * Captures: kabar_scripted_server_expect_regex() keeps its groups until the
 * next regex step; later send steps replace $0..$9 and ${name} by them (an
 * IMAP tag, say) and $$ by a single $. An unknown capture fails the step.
 *
 * Transcript files (kabar_scripted_server_load_transcript()) hold one step
 * a line; the prefix is two characters and a space, the rest is verbatim
 * (no escapes, trailing spaces kept, a trailing CR dropped):
 *
 *   # comment                blank lines and lines starting with # are skipped
 *   S: <text>                send <text> and CRLF (captures substituted)
 *   S- <text>                send <text> without CRLF: a partial line
 *   C: <text>                expect exactly <text> from the client
 *   C~ <regex>               expect a line the GRegex matches entirely;
 *                            its groups become $1.. and ${name}
 *   ! starttls               TLS handshake on the current connection
 *   ! close                  close gracefully
 *   ! cut                    close at once, without TLS close_notify
 *   ! reset                  close with a TCP RST
 *   ! eof                    expect the client to close the connection
 *   ! accept                 accept the next connection
 *   ! wait <ms>              pause
 *   ! timeout <ms>           timeout of the following steps of this file
 *
 * kabar_scripted_server_dup_transcript() returns what happened in the same
 * format, so a failing run reads as a transcript (and plays back: a $ the
 * server sent reads $$); there "C- <text>" is what
 * the client sent without a line end before it closed, and what it sent
 * after the script ended follows a "# after the end of the script" comment.
 */

#define KABAR_SCRIPTED_SERVER_ERROR (kabar_scripted_server_error_quark ())

typedef enum {
  KABAR_SCRIPTED_SERVER_ERROR_DIVERGED,  /* the client sent something else */
  KABAR_SCRIPTED_SERVER_ERROR_TIMED_OUT, /* a step did not complete in time */
  KABAR_SCRIPTED_SERVER_ERROR_CLOSED,    /* the client closed too early */
  KABAR_SCRIPTED_SERVER_ERROR_SCRIPT,    /* the script itself is wrong */
  KABAR_SCRIPTED_SERVER_ERROR_FAILED,    /* I/O or TLS error, or aborted */
} KabarScriptedServerError;

typedef enum {
  KABAR_SCRIPTED_TLS_NONE,     /* plain, or STARTTLS by a script step */
  KABAR_SCRIPTED_TLS_IMPLICIT, /* TLS handshake on every accepted connection */
} KabarScriptedTls;

typedef struct _KabarScriptedServer KabarScriptedServer;

GQuark                kabar_scripted_server_error_quark    (void);

KabarScriptedServer  *kabar_scripted_server_new            (KabarScriptedTls      tls);
void                  kabar_scripted_server_free           (KabarScriptedServer  *self);

/* Script building: only before kabar_scripted_server_start(). */
void                  kabar_scripted_server_send           (KabarScriptedServer  *self,
                                                            const char           *line);
void                  kabar_scripted_server_send_partial   (KabarScriptedServer  *self,
                                                            const char           *text);
void                  kabar_scripted_server_send_raw       (KabarScriptedServer  *self,
                                                            GBytes               *bytes);
void                  kabar_scripted_server_expect         (KabarScriptedServer  *self,
                                                            const char           *line);
void                  kabar_scripted_server_expect_regex   (KabarScriptedServer  *self,
                                                            const char           *pattern);
void                  kabar_scripted_server_expect_eof     (KabarScriptedServer  *self);
void                  kabar_scripted_server_start_tls      (KabarScriptedServer  *self);
void                  kabar_scripted_server_close          (KabarScriptedServer  *self);
void                  kabar_scripted_server_cut            (KabarScriptedServer  *self);
void                  kabar_scripted_server_reset          (KabarScriptedServer  *self);
void                  kabar_scripted_server_accept         (KabarScriptedServer  *self);
void                  kabar_scripted_server_wait_ms        (KabarScriptedServer  *self,
                                                            guint                 ms);

/* Timeout of steps that have none of their own, and of the first accept. */
void                  kabar_scripted_server_set_timeout    (KabarScriptedServer  *self,
                                                            guint                 ms);
/* Timeout of the steps added after this call; 0 goes back to the default. */
void                  kabar_scripted_server_set_step_timeout (KabarScriptedServer *self,
                                                              guint                ms);

gboolean              kabar_scripted_server_add_transcript (KabarScriptedServer  *self,
                                                            const char           *text,
                                                            const char           *origin,
                                                            GError              **error);
gboolean              kabar_scripted_server_load_transcript (KabarScriptedServer *self,
                                                             const char          *path,
                                                             GError             **error);

/* Without one, start() generates a self-signed certificate for localhost
 * and 127.0.0.1 when the script needs TLS. */
void                  kabar_scripted_server_set_certificate (KabarScriptedServer *self,
                                                             GTlsCertificate     *certificate);
GTlsCertificate      *kabar_scripted_server_get_certificate (KabarScriptedServer *self);
GTlsCertificate      *kabar_scripted_server_generate_certificate (GError        **error);

/* Binds 127.0.0.1 on a free port and starts the script's thread. */
gboolean              kabar_scripted_server_start          (KabarScriptedServer  *self,
                                                            GError              **error);
guint16               kabar_scripted_server_get_port       (KabarScriptedServer  *self);

/* Iterates the main context that was thread-default at start() until the
 * script ends: TRUE if it completed, else the error says which step
 * (counted from 1 in the order added) diverged and how. */
gboolean              kabar_scripted_server_wait           (KabarScriptedServer  *self,
                                                            GError              **error);
gboolean              kabar_scripted_server_is_finished    (KabarScriptedServer  *self);
/* -1 while running or when the script completed; else the failed step
 * (0 is the implicit first accept). */
int                   kabar_scripted_server_get_failed_step (KabarScriptedServer *self);

/* Lines the client sent, over all connections, without their line ends. */
GStrv                 kabar_scripted_server_dup_client_lines (KabarScriptedServer *self);
/* The whole exchange so far, in the transcript format. */
char                 *kabar_scripted_server_dup_transcript (KabarScriptedServer  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarScriptedServer, kabar_scripted_server_free)

G_END_DECLS
