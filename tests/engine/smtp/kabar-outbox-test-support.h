/* kabar-outbox-test-support.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-account.h"
#include "kabar-mail-service.h"
#include "kabar-outgoing-message.h"
#include "kabar-test-bed.h"

G_BEGIN_DECLS

/* What the outbox tests share: a bed whose Postfix refuses unknown users
 * of the test domain at RCPT, accounts of fresh users on it, and a look at
 * what the servers hold over a plain IMAP client (tests/servers/). */

#define KABAR_OUTBOX_TEST_PASSWORD "Sandi-123"

/* Dovecot and Postfix, started once per process. */
KabarTestBed *kabar_outbox_test_get_bed          (void);
/* A new user of the bed (prefix1@kabar.test, prefix2@...). */
char         *kabar_outbox_test_new_user         (const char       *prefix);
/* An account for user: IMAP over implicit TLS, SMTP on port (submission
 * with STARTTLS or submissions), the bed's certificate pinned for both,
 * its password in the keyring for both. */
KabarAccount *kabar_outbox_test_new_account      (const char       *user,
                                                  KabarTestBedPort  port);
/* Puts another sending password in the keyring for the account. */
void          kabar_outbox_test_set_smtp_password (KabarAccount    *account,
                                                   const char      *password);
/* A message from user to to, with a text and a unique subject. */
KabarOutgoingMessage *kabar_outbox_test_new_message (const char    *from,
                                                     const char    *to,
                                                     const char    *subject);

/* Puts message in service's outbox, deleting the draft it came from
 * (a message id; 0 for none), and waits for its outbox id. */
gint64        kabar_outbox_test_send             (KabarMailService     *service,
                                                  KabarOutgoingMessage *message,
                                                  gint64                draft);
/* What service's outbox holds, as KabarOutboxEntry. */
GPtrArray    *kabar_outbox_test_list_outbox      (KabarMailService     *service);

/* How many messages of user's folder have this Message-ID (without angle
 * brackets); -1 when the folder does not exist. */
int           kabar_outbox_test_count            (const char       *user,
                                                  const char       *folder,
                                                  const char       *message_id);
/* The first such message's bytes and flags ("\\Seen \\Draft"), or NULL. */
GBytes       *kabar_outbox_test_fetch            (const char       *user,
                                                  const char       *folder,
                                                  const char       *message_id,
                                                  char            **flags);
/* Waits (at most 60 s, else fails the test) until the count is want,
 * spinning the thread-default main context meanwhile. */
void          kabar_outbox_test_wait_count       (const char       *user,
                                                  const char       *folder,
                                                  const char       *message_id,
                                                  int               want);

G_END_DECLS
