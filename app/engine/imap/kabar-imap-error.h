/* kabar-imap-error.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The IMAP layer's errors. The message always says what was wrong in terms
 * a log reader can act on, and quotes the server where that helps. */
#define KABAR_IMAP_ERROR (kabar_imap_error_quark ())

typedef enum
{
  /* The server sent something that is not IMAP (or exceeds a limit). */
  KABAR_IMAP_ERROR_PARSE,
  /* A mailbox name is not valid modified UTF-7 (RFC 3501 §5.1.3). */
  KABAR_IMAP_ERROR_MAILBOX_NAME,

  /* What a session reports (kabar-imap-session.h). The message keeps the
   * server's own words. A cut connection is not here: it is
   * KABAR_NET_ERROR_CLOSED, as the network layer says it. */

  /* The server refused the user name and password or token: a NO to
   * AUTHENTICATE or LOGIN, with [AUTHENTICATIONFAILED] or without a code. */
  KABAR_IMAP_ERROR_AUTHENTICATION_FAILED,
  /* The provider has turned off password sign-in for everyone (Outlook.com:
   * "NO Basic authentication is disabled."): the account needs OAuth2, and
   * no password will ever work. Recognised by the server's text, since no
   * response code says it. */
  KABAR_IMAP_ERROR_BASIC_AUTH_DISABLED,
  /* Sign-in could not be checked for now ([UNAVAILABLE]): try later, the
   * credentials may well be right. */
  KABAR_IMAP_ERROR_AUTHENTICATION_UNAVAILABLE,
  /* The server offers no way to sign in with this kind of credential: no
   * usable AUTH= mechanism, and LOGIN is disabled or the credential is a
   * token. */
  KABAR_IMAP_ERROR_LOGIN_DISABLED,
  /* The server ended the session (BYE), also in the middle of a command. */
  KABAR_IMAP_ERROR_BYE,
  /* A command was refused (NO) or rejected as not understood (BAD). */
  KABAR_IMAP_ERROR_NO,
  KABAR_IMAP_ERROR_BAD,
  /* NO with [NONEXISTENT] or [TRYCREATE]: the mailbox does not exist. */
  KABAR_IMAP_ERROR_NONEXISTENT,
  /* NO with [ALREADYEXISTS]. */
  KABAR_IMAP_ERROR_ALREADY_EXISTS,
  /* NO with [OVERQUOTA]. */
  KABAR_IMAP_ERROR_OVER_QUOTA,
  /* The server lacks what the operation needs, and doing without it would
   * be wrong (a MOVE without MOVE or UIDPLUS would expunge other messages);
   * nothing was sent. */
  KABAR_IMAP_ERROR_UNSUPPORTED,
} KabarImapError;

GQuark kabar_imap_error_quark (void);

G_END_DECLS
