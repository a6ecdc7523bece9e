/* kabar-imap-uid-map.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Where COPY or MOVE put each message, from a UIDPLUS server's [COPYUID]:
 * source[i] (a UID in the mailbox copied from) is destination[i] in the
 * mailbox copied to, whose UIDVALIDITY is uidvalidity. */
typedef struct
{
  guint32  uidvalidity;
  GArray  *source;       /* guint32 */
  GArray  *destination;  /* guint32, as long as source */
} KabarImapUidMap;

#define KABAR_TYPE_IMAP_UID_MAP (kabar_imap_uid_map_get_type ())
GType            kabar_imap_uid_map_get_type   (void) G_GNUC_CONST;

KabarImapUidMap *kabar_imap_uid_map_copy       (const KabarImapUidMap *map);
void             kabar_imap_uid_map_free       (KabarImapUidMap       *map);
/* The destination UID of source_uid; 0 if the map does not have it. */
guint32          kabar_imap_uid_map_lookup     (const KabarImapUidMap *map,
                                                guint32                source_uid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarImapUidMap, kabar_imap_uid_map_free)

G_END_DECLS
