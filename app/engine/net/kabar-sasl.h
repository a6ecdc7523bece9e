/* kabar-sasl.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The SASL mechanisms Kabar speaks, as pure functions: the protocol
 * clients (IMAP AUTHENTICATE, POP3 AUTH, SMTP AUTH) send what these return
 * and pass on what the server answers. Nothing here does I/O or logs.
 *
 * The responses carry secrets: free them with kabar_sasl_response_free(),
 * which wipes them first. */

typedef enum
{
  KABAR_SASL_MECHANISM_NONE,        /* nothing usable was offered */
  KABAR_SASL_MECHANISM_PLAIN,       /* RFC 4616 */
  KABAR_SASL_MECHANISM_LOGIN,       /* draft-murchison-sasl-login */
  KABAR_SASL_MECHANISM_XOAUTH2,     /* Google's and Microsoft's */
  KABAR_SASL_MECHANISM_OAUTHBEARER, /* RFC 7628 */
} KabarSaslMechanism;

/* What the account can sign in with. */
typedef enum
{
  KABAR_SASL_CREDENTIAL_PASSWORD,
  KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN,
} KabarSaslCredential;

/* The IANA name ("PLAIN", "XOAUTH2"...); NULL for NONE. */
const char         *kabar_sasl_mechanism_to_string      (KabarSaslMechanism   mechanism);
/* Case-insensitive; NONE for a name Kabar does not speak. */
KabarSaslMechanism  kabar_sasl_mechanism_from_string    (const char          *name);

/* The best mechanism of those the server advertised (names without IMAP's
 * "AUTH=" prefix, in any case, NULL-terminated) for the account's
 * credential: a password goes as PLAIN, else LOGIN; a token as XOAUTH2,
 * else OAUTHBEARER. NONE when no advertised mechanism fits: the protocol
 * layer may then fall back to its own command (IMAP LOGIN, POP3 USER/PASS)
 * or tell the user. */
KabarSaslMechanism  kabar_sasl_choose_mechanism         (const char * const  *advertised,
                                                         KabarSaslCredential  credential);

/* PLAIN's initial response, base64 of "\0user\0password" (no authorization
 * identity: the user acts as themselves). */
char               *kabar_sasl_plain_response           (const char          *user,
                                                         const char          *password);

/* LOGIN answers its two prompts ("Username:", "Password:") in order: step 0
 * is the user name, step 1 the password, each base64-encoded. Servers word
 * the prompts differently, so the step counts, not the prompt. */
char               *kabar_sasl_login_response           (guint                step,
                                                         const char          *user,
                                                         const char          *password);

/* XOAUTH2's initial response: base64 of
 * "user=<user>\x01auth=Bearer <token>\x01\x01". */
char               *kabar_sasl_xoauth2_response         (const char          *user,
                                                         const char          *access_token);

/* OAUTHBEARER's initial response (RFC 7628): base64 of
 * "n,a=<user>,\x01host=<host>\x01port=<port>\x01auth=Bearer <token>\x01\x01";
 * host may be NULL and port 0 to leave them out. */
char               *kabar_sasl_oauthbearer_response     (const char          *user,
                                                         const char          *host,
                                                         guint16              port,
                                                         const char          *access_token);

/* The first response of a mechanism that has one (PLAIN, XOAUTH2,
 * OAUTHBEARER: host and port are the server's, for OAUTHBEARER); NULL for
 * LOGIN, which answers prompts (kabar_sasl_login_response()). */
char               *kabar_sasl_initial_response         (KabarSaslMechanism   mechanism,
                                                         const char          *user,
                                                         const char          *secret,
                                                         const char          *host,
                                                         guint16              port);

/* Wipes and frees a response. NULL is fine. */
void                kabar_sasl_response_free            (char                *response);

/* What an XOAUTH2 or OAUTHBEARER server says when it refuses the token:
 * a base64 JSON challenge, {"status":"401","schemes":"bearer","scope":"..."}.
 * The client answers it with an empty response (XOAUTH2) or "AQ=="
 * (OAUTHBEARER, a lone \x01), then the server sends its failure. */
typedef struct
{
  char *status;   /* "401", "400", "invalid_token"...; NULL if absent */
  char *schemes;  /* "bearer"...; NULL if absent */
  char *scope;    /* the scope the token needs; NULL if absent */
} KabarSaslOauthError;

/* Parses the challenge's base64 text (what follows "+ " in IMAP, "334 " in
 * SMTP). Fails with KABAR_NET_ERROR_PROTOCOL when it is not base64 of a
 * JSON object. */
KabarSaslOauthError *kabar_sasl_oauth_error_parse       (const char          *challenge,
                                                         GError             **error);
void                 kabar_sasl_oauth_error_free        (KabarSaslOauthError *oauth_error);
/* The answer to such a challenge, which the server waits for before it
 * sends its failure; *status (may be NULL) takes the challenge's status,
 * or NULL when it has none. */
char                *kabar_sasl_answer_oauth_challenge  (KabarSaslMechanism   mechanism,
                                                         const char          *challenge,
                                                         char               **status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarSaslOauthError, kabar_sasl_oauth_error_free)

G_END_DECLS
