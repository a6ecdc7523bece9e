/* kabar-imap-uid-set.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kabar-imap-error.h"

G_BEGIN_DECLS

/* A set of UIDs as IMAP writes them ("1:5,7,10:*"): sorted, merged ranges,
 * so a mailbox of 100,000 messages with a few gaps is a few ranges, not
 * 100,000 numbers.
 *
 * The last UID of a range may be KABAR_IMAP_UID_STAR, IMAP's "*": the
 * largest UID in the mailbox, whatever it is. Such a set can be sent but
 * not counted or listed. */
#define KABAR_IMAP_UID_STAR G_MAXUINT32

typedef struct _KabarImapUidSet KabarImapUidSet;

#define KABAR_TYPE_IMAP_UID_SET (kabar_imap_uid_set_get_type ())
GType             kabar_imap_uid_set_get_type     (void) G_GNUC_CONST;

KabarImapUidSet  *kabar_imap_uid_set_new          (void);
/* first..last, both included; last may be KABAR_IMAP_UID_STAR. */
KabarImapUidSet  *kabar_imap_uid_set_new_range    (guint32                 first,
                                                   guint32                 last);
/* "1:5,7,9:*" in any order and with overlaps, as servers send them (COPYUID,
 * ESEARCH, VANISHED). Fails with KABAR_IMAP_ERROR_PARSE. */
KabarImapUidSet  *kabar_imap_uid_set_parse        (const char             *text,
                                                   GError                **error);
KabarImapUidSet  *kabar_imap_uid_set_copy         (const KabarImapUidSet  *self);
void              kabar_imap_uid_set_free         (KabarImapUidSet        *self);

/* Fast when UIDs come in ascending order, as FETCH gives them. */
void              kabar_imap_uid_set_add          (KabarImapUidSet        *self,
                                                   guint32                 uid);
void              kabar_imap_uid_set_add_range    (KabarImapUidSet        *self,
                                                   guint32                 first,
                                                   guint32                 last);
void              kabar_imap_uid_set_add_set      (KabarImapUidSet        *self,
                                                   const KabarImapUidSet  *other);

gboolean          kabar_imap_uid_set_contains     (const KabarImapUidSet  *self,
                                                   guint32                 uid);
gboolean          kabar_imap_uid_set_is_empty     (const KabarImapUidSet  *self);
/* How many UIDs; a range up to "*" counts as reaching UID 2^32 - 1. */
guint64           kabar_imap_uid_set_get_count    (const KabarImapUidSet  *self);
guint             kabar_imap_uid_set_get_n_ranges (const KabarImapUidSet  *self);
void              kabar_imap_uid_set_get_range    (const KabarImapUidSet  *self,
                                                   guint                   index,
                                                   guint32                *first,
                                                   guint32                *last);
/* The UIDs in ascending order (guint32); not for sets up to "*". */
GArray           *kabar_imap_uid_set_to_array     (const KabarImapUidSet  *self);
/* "1:5,7,9:*"; "" for an empty set, which no command accepts. */
char             *kabar_imap_uid_set_to_string    (const KabarImapUidSet  *self);
gboolean          kabar_imap_uid_set_equal        (const KabarImapUidSet  *a,
                                                   const KabarImapUidSet  *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarImapUidSet, kabar_imap_uid_set_free)

G_END_DECLS
