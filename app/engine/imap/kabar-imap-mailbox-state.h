/* kabar-imap-mailbox-state.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kabar-imap-uid-set.h"

G_BEGIN_DECLS

/* What SELECT or EXAMINE said about the mailbox it opened. Immutable;
 * reference counted (atomically). Later changes (EXISTS, EXPUNGE...) come
 * as the session's signals, not here. */
typedef struct _KabarImapMailboxState KabarImapMailboxState;

#define KABAR_TYPE_IMAP_MAILBOX_STATE (kabar_imap_mailbox_state_get_type ())
GType                  kabar_imap_mailbox_state_get_type             (void) G_GNUC_CONST;

KabarImapMailboxState *kabar_imap_mailbox_state_ref                  (KabarImapMailboxState *self);
void                   kabar_imap_mailbox_state_unref                (KabarImapMailboxState *self);

/* The name it was opened with, in UTF-8. */
const char            *kabar_imap_mailbox_state_get_name             (KabarImapMailboxState *self);
/* EXAMINE, or a SELECT the server answered [READ-ONLY]. */
gboolean               kabar_imap_mailbox_state_is_read_only         (KabarImapMailboxState *self);
guint32                kabar_imap_mailbox_state_get_exists           (KabarImapMailboxState *self);
guint32                kabar_imap_mailbox_state_get_recent           (KabarImapMailboxState *self);
guint32                kabar_imap_mailbox_state_get_uidvalidity      (KabarImapMailboxState *self);
/* 0 when the server did not say (RFC 3501 lets it leave UIDNEXT out). */
guint32                kabar_imap_mailbox_state_get_uidnext          (KabarImapMailboxState *self);
/* The sequence number of the first unseen message; 0 if not said. */
guint32                kabar_imap_mailbox_state_get_first_unseen     (KabarImapMailboxState *self);
/* 0 when the server keeps no modification sequences for the mailbox
 * ([NOMODSEQ], or no CONDSTORE). */
guint64                kabar_imap_mailbox_state_get_highest_modseq   (KabarImapMailboxState *self);
/* TRUE when the server said [NOMODSEQ]. */
gboolean               kabar_imap_mailbox_state_get_nomodseq         (KabarImapMailboxState *self);
/* FLAGS: the flags the mailbox knows. Never NULL. */
const char * const    *kabar_imap_mailbox_state_get_flags            (KabarImapMailboxState *self);
/* PERMANENTFLAGS, without "\*"; NULL when the server did not say (then
 * every flag of FLAGS is permanent). */
const char * const    *kabar_imap_mailbox_state_get_permanent_flags  (KabarImapMailboxState *self);
/* PERMANENTFLAGS had "\*": new keywords may be stored. */
gboolean               kabar_imap_mailbox_state_get_allows_keywords  (KabarImapMailboxState *self);
/* QRESYNC: the UIDs expunged since the modseq the caller knew (VANISHED
 * (EARLIER)); NULL when there were none or without QRESYNC. */
KabarImapUidSet       *kabar_imap_mailbox_state_get_vanished         (KabarImapMailboxState *self);
/* QRESYNC: the KabarImapMessage of each message changed since that modseq,
 * when the select had no message function to take them as they came;
 * empty otherwise. */
GPtrArray             *kabar_imap_mailbox_state_get_changed          (KabarImapMailboxState *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarImapMailboxState, kabar_imap_mailbox_state_unref)

G_END_DECLS
