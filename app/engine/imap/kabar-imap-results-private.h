/* kabar-imap-results-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to imap/: how the session builds the types its commands return
 * from the server's responses.
 */

#pragma once

#include "kabar-imap-folder-info.h"
#include "kabar-imap-mailbox-state.h"
#include "kabar-imap-message.h"
#include "kabar-imap-response.h"
#include "kabar-imap-uid-map.h"
#include "kabar-imap-uid-set.h"

G_BEGIN_DECLS

KabarImapFolderInfo   *kabar_imap_folder_info_new               (const char            *wire_name,
                                                                 char                   delimiter);
/* NULL when the LIST or LSUB response is not one. */
KabarImapFolderInfo   *kabar_imap_folder_info_new_from_list     (KabarImapResponse     *response);
void                   kabar_imap_folder_info_set_subscribed    (KabarImapFolderInfo   *self);
void                   kabar_imap_folder_info_apply_status      (KabarImapFolderInfo   *self,
                                                                 KabarImapResponse     *response);
/* The mailbox of a STATUS response as sent, "INBOX" in one spelling. */
const char            *kabar_imap_status_response_get_wire_name (KabarImapResponse     *response);

KabarImapMessage      *kabar_imap_message_new                   (KabarImapResponse     *response);

/* IMAP's date-time ("17-Jul-1996 02:44:25 -0700"). */
GDateTime             *kabar_imap_date_time_parse               (const char            *text);
char                  *kabar_imap_date_time_format              (GDateTime             *date_time);

KabarImapMailboxState *kabar_imap_mailbox_state_new             (const char            *name,
                                                                 gboolean               read_only);
/* TRUE when the untagged response was SELECT data and went into the state. */
gboolean               kabar_imap_mailbox_state_take_response   (KabarImapMailboxState *self,
                                                                 KabarImapResponse     *response);
void                   kabar_imap_mailbox_state_add_changed     (KabarImapMailboxState *self,
                                                                 KabarImapMessage      *message);
void                   kabar_imap_mailbox_state_finish          (KabarImapMailboxState *self,
                                                                 KabarImapResponse     *tagged);

/* "* VANISHED [(EARLIER)] set". */
gboolean               kabar_imap_vanished_parse                (KabarImapResponse     *response,
                                                                 gboolean              *earlier,
                                                                 KabarImapUidSet      **uids);

/* The [COPYUID] of a response; NULL if it has none. */
KabarImapUidMap       *kabar_imap_uid_map_new_from_code         (KabarImapResponse     *response);

G_END_DECLS
