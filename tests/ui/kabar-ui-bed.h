/* kabar-ui-bed.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-account.h"
#include "kabar-test-bed.h"

G_BEGIN_DECLS

/* The test bed as the UI tests use it: a Dovecot and a Postfix with users
 * whose mail the window shows, and an independent look at what the
 * servers hold, to check what the user's actions did there. The calls
 * block and fail the test on an unexpected error. */

/* Starts Dovecot and Postfix with each user (NULL-terminated pairs of
 * address and password). */
KabarTestBed *kabar_ui_bed_start              (const char   *first_user,
                                               const char   *first_password,
                                               ...) G_GNUC_NULL_TERMINATED;

/* A small text/plain message in UTF-8. message_id without angle
 * brackets; NULL makes a unique one. A From name or a subject that is not
 * ASCII is written in RFC 2047 encoded words, as a mail program writes it. */
GBytes       *kabar_ui_bed_message_new        (const char   *from,
                                               const char   *to,
                                               const char   *subject,
                                               const char   *body,
                                               gint64        unix_time,
                                               const char   *message_id);
/* The same with more header lines, each ending in CRLF (such as
 * "In-Reply-To: <a@b>\r\n"), or NULL. */
GBytes       *kabar_ui_bed_message_new_with_headers (const char *from,
                                                     const char *to,
                                                     const char *subject,
                                                     const char *body,
                                                     gint64      unix_time,
                                                     const char *message_id,
                                                     const char *headers);

/* User's account as kabar_ui_bed_write_account() writes it, not saved:
 * for a test that saves it with another password, or orders accounts. */
KabarAccount *kabar_ui_bed_account_new        (KabarTestBed *bed,
                                               const char   *display_name,
                                               const char   *user);

/* Writes user's account (kabar_bed_account_new()) into the default folder,
 * its password in the keyring. */
void          kabar_ui_bed_write_account      (KabarTestBed *bed,
                                               const char   *display_name,
                                               const char   *user);

/* How many messages of the user's folder match an IMAP SEARCH
 * (criteria as in "SUBJECT \"Hello\" SEEN"); 0 for a folder that does not
 * exist. */
guint         kabar_ui_bed_server_count       (KabarTestBed *bed,
                                               const char   *user,
                                               const char   *folder,
                                               const char   *criteria);
/* The UIDs of those messages, ascending; empty for a folder that does not
 * exist. */
GArray       *kabar_ui_bed_server_uids        (KabarTestBed *bed,
                                               const char   *user,
                                               const char   *folder,
                                               const char   *criteria);
/* Whether the user has a mailbox of that name, by a LIST of its own. */
gboolean      kabar_ui_bed_server_has_folder  (KabarTestBed *bed,
                                               const char   *user,
                                               const char   *folder);
/* Waits, running the thread-default main context, until the count is
 * expected: what the window did reaches the server in its own time. */
void          kabar_ui_bed_wait_server_count  (KabarTestBed *bed,
                                               const char   *user,
                                               const char   *folder,
                                               const char   *criteria,
                                               guint         expected,
                                               guint         timeout_ms);
/* The raw bytes of the newest message of the folder matching criteria,
 * or NULL when none does. */
GBytes       *kabar_ui_bed_fetch_message      (KabarTestBed *bed,
                                               const char   *user,
                                               const char   *folder,
                                               const char   *criteria);
/* The same, waiting until one matches; fails the test after timeout_ms. */
GBytes       *kabar_ui_bed_wait_message       (KabarTestBed *bed,
                                               const char   *user,
                                               const char   *folder,
                                               const char   *criteria,
                                               guint         timeout_ms);

G_END_DECLS
