/* kabar-smtp-error.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One reply of an SMTP server: its code, its enhanced status code (RFC
 * 3463) when it gave one, and its lines' texts as the server wrote them
 * (without the "250-" / "250 " prefixes). */
typedef struct
{
  guint  code;      /* 250, 354, 550... */
  char  *enhanced;  /* "5.7.139"; NULL when the reply has none */
  GStrv  lines;     /* at least one, maybe empty */
} KabarSmtpReply;

#define KABAR_TYPE_SMTP_REPLY (kabar_smtp_reply_get_type ())
GType           kabar_smtp_reply_get_type      (void) G_GNUC_CONST;
KabarSmtpReply *kabar_smtp_reply_copy          (const KabarSmtpReply *reply);
void            kabar_smtp_reply_free          (KabarSmtpReply       *reply);
/* "550 5.1.1 <x@y>: Recipient address rejected" with the lines of a
 * multi-line reply joined by spaces: what error messages quote. */
char           *kabar_smtp_reply_to_string     (const KabarSmtpReply *reply);
/* The reply's text, lines joined by spaces, with the enhanced code of each
 * line left out. */
char           *kabar_smtp_reply_dup_text      (const KabarSmtpReply *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarSmtpReply, kabar_smtp_reply_free)

/* A recipient the server refused at RCPT TO, and its reply. */
typedef struct
{
  char           *address;
  KabarSmtpReply *reply;
} KabarSmtpRefusal;

#define KABAR_TYPE_SMTP_REFUSAL (kabar_smtp_refusal_get_type ())
GType             kabar_smtp_refusal_get_type  (void) G_GNUC_CONST;
KabarSmtpRefusal *kabar_smtp_refusal_new       (const char             *address,
                                                const KabarSmtpReply   *reply);
KabarSmtpRefusal *kabar_smtp_refusal_copy      (const KabarSmtpRefusal *refusal);
void              kabar_smtp_refusal_free      (KabarSmtpRefusal       *refusal);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarSmtpRefusal, kabar_smtp_refusal_free)

/* The SMTP layer's errors. The message names what was refused and quotes
 * the server's code and words; the reply itself (and, for
 * RECIPIENT_REFUSED, every refused recipient) stays on the error, for the
 * outbox to record. A cut connection or a silent server is not here: it is
 * KABAR_NET_ERROR, as the network layer says it. */
#define KABAR_SMTP_ERROR (kabar_smtp_error_quark ())

typedef enum
{
  /* The server sent something that is not an SMTP reply, or a reply the
   * command cannot have. */
  KABAR_SMTP_ERROR_PROTOCOL,
  /* The server refused the user name and password or token (535, 534...). */
  KABAR_SMTP_ERROR_AUTHENTICATION_FAILED,
  /* The provider has turned off password sign-in (Outlook.com: "535 5.7.139
   * Authentication unsuccessful, basic authentication is disabled."): the
   * account needs OAuth2, and no password will ever work. */
  KABAR_SMTP_ERROR_BASIC_AUTH_DISABLED,
  /* The server offers no mechanism for this kind of credential (no AUTH,
   * or none of PLAIN, LOGIN, XOAUTH2 that fits), or refused the one chosen
   * as unknown (504). Nothing was sent. */
  KABAR_SMTP_ERROR_AUTHENTICATION_UNAVAILABLE,
  /* MAIL FROM was refused. */
  KABAR_SMTP_ERROR_SENDER_REFUSED,
  /* One or more RCPT TO were refused: the message went to nobody. See
   * kabar_smtp_error_get_refusals(). */
  KABAR_SMTP_ERROR_RECIPIENT_REFUSED,
  /* Bigger than the server takes: its SIZE limit (nothing was sent), or
   * 552 / 5.3.4 / 5.2.3. */
  KABAR_SMTP_ERROR_MESSAGE_TOO_LARGE,
  /* The account's sending quota or rate is used up (Gmail's 5.4.5,
   * Outlook.com's SubmissionQuotaExceededException, too many recipients):
   * waiting helps, resending at once does not. */
  KABAR_SMTP_ERROR_SENDING_LIMIT,
  /* The message has 8-bit bytes and the server lacks 8BITMIME; nothing was
   * sent (the MIME builder must encode the body). */
  KABAR_SMTP_ERROR_NEEDS_8BITMIME,
  /* An address or a header is UTF-8 and the server lacks SMTPUTF8; nothing
   * was sent. */
  KABAR_SMTP_ERROR_NEEDS_SMTPUTF8,
  /* Any other 4xx: try again later. */
  KABAR_SMTP_ERROR_TEMPORARY,
  /* Any other 5xx. */
  KABAR_SMTP_ERROR_PERMANENT,
} KabarSmtpError;

GQuark                  kabar_smtp_error_quark        (void);

/* The server reply behind a KABAR_SMTP_ERROR (the last one, for
 * RECIPIENT_REFUSED the first refusal's); NULL when the error is ours (a
 * SIZE pre-check, no mechanism, 8BITMIME or SMTPUTF8 missing) or is not a
 * KABAR_SMTP_ERROR. */
const KabarSmtpReply   *kabar_smtp_error_get_reply    (const GError *error);
/* Every refused recipient of a RECIPIENT_REFUSED error (KabarSmtpRefusal),
 * in the order sent; NULL for other errors. */
GPtrArray              *kabar_smtp_error_get_refusals (const GError *error);

/* Whether trying the same send again later may work: a 4xx reply, a cut or
 * refused connection, a timeout, an unreachable network or host. A wrong
 * password, a refused address, a bad certificate or a cancel are not. */
gboolean                kabar_smtp_error_is_temporary (const GError *error);

/* Private to smtp/: errors made from replies. */
GError                 *kabar_smtp_error_new_reply    (KabarSmtpError        code,
                                                       const KabarSmtpReply *reply,
                                                       const char           *format,
                                                       ...) G_GNUC_PRINTF (3, 4);
GError                 *kabar_smtp_error_new_refused  (GPtrArray            *refusals,
                                                       const char           *peer);
void                    kabar_smtp_error_set_refusals (GError               *error,
                                                       GPtrArray            *refusals);

G_END_DECLS
