/* kabar-pop3-error.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a POP3 server refused or got wrong (kabar-pop3-session.h). The
 * message keeps the server's own words. A cut connection is not here: it
 * is KABAR_NET_ERROR_CLOSED, as the network layer says it. */
#define KABAR_POP3_ERROR (kabar_pop3_error_quark ())

typedef enum
{
  /* The server refused the user name and password or token: -ERR to
   * USER, PASS or AUTH, with [AUTH] or without a code (Outlook.com: "-ERR
   * Logon failure: unknown user name or bad password."). */
  KABAR_POP3_ERROR_AUTHENTICATION_FAILED,
  /* The provider turned off password sign-in (Outlook.com: "basic
   * authentication is disabled"): the account needs OAuth2. Recognised by
   * the words, since no response code says it. */
  KABAR_POP3_ERROR_BASIC_AUTH_DISABLED,
  /* The sign-in was fine but POP access is off for the mailbox, by the
   * provider or in the user's settings (Exchange: "User is authenticated
   * but not connected."). Recognised by the words. */
  KABAR_POP3_ERROR_POP_DISABLED,
  /* [IN-USE] (RFC 2449): another session holds the mailbox. */
  KABAR_POP3_ERROR_IN_USE,
  /* [LOGIN-DELAY] (RFC 2449): signed in too soon after the last time. */
  KABAR_POP3_ERROR_LOGIN_DELAY,
  /* [SYS/TEMP] (RFC 3206): the server's own trouble; try again later. */
  KABAR_POP3_ERROR_TEMPORARY,
  /* [SYS/PERM] (RFC 3206): the server's own trouble that waiting will
   * not fix; a person has to look at it. */
  KABAR_POP3_ERROR_SYSTEM,
  /* -ERR to a command about one message (RETR, TOP, DELE, LIST n,
   * UIDL n): no such message, or it was marked deleted. */
  KABAR_POP3_ERROR_NO_SUCH_MESSAGE,
  /* Any other -ERR. */
  KABAR_POP3_ERROR_COMMAND_REFUSED,
  /* The server offers no way to sign in with this kind of credential: a
   * token without XOAUTH2 or OAUTHBEARER, a password without USER or a
   * password mechanism. Nothing was sent. */
  KABAR_POP3_ERROR_LOGIN_DISABLED,
  /* The server sent something that is not POP3. */
  KABAR_POP3_ERROR_PROTOCOL,
} KabarPop3Error;

GQuark kabar_pop3_error_quark (void);

G_END_DECLS
