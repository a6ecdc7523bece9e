/* kabar-new-mail-notification.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-account.h"
#include "kabar-message-summary.h"

G_BEGIN_DECLS

/* The action a new-mail notification opens, with its target
 * KABAR_NEW_MAIL_TARGET_TYPE: the account's id, the folder's and the
 * message's. */
#define KABAR_NEW_MAIL_ACTION       "app.show-message"
#define KABAR_NEW_MAIL_TARGET_TYPE  "(sxx)"

/* The notification of one batch of new mail of an account's folder
 * (KabarMessageSummary elements, at least one). One message: its sender
 * as the title, its subject as the body. Several: their number as the
 * title, the account and the senders as the body. Clicking it opens the
 * newest (by date, then by id). Built without D-Bus: sending it is the
 * application's. */
GNotification *kabar_new_mail_notification_new     (KabarAccount *account,
                                                    gint64        folder_id,
                                                    GPtrArray    *summaries);
/* One id an account: a batch's notification replaces the one before. */
char          *kabar_new_mail_notification_dup_id  (KabarAccount *account);

G_END_DECLS
