/* kabar-imap-body-fetch.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-imap-session.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* The most of a message's text the search index gets: a long letter
 * whole, not a mailing list's digest of a year. */
#define KABAR_IMAP_BODY_TEXT_MAX   ((gsize) 256 * 1024)
/* Messages up to this size are read into memory; larger ones (a big
 * attachment) go to a temporary file beside the store, unlinked at once,
 * and are stored and indexed from its mapping, so a 100 MiB message never
 * sits on the heap. */
#define KABAR_IMAP_BODY_MEMORY_MAX ((guint64) 16 * 1024 * 1024)

/* Fetches the raw messages of uids (in folder_id) over an authenticated
 * session, on a worker thread (sequential style, kabar-sync-wait.h), and
 * stores each with its text (kabar_mime_extract_text()) as it arrives,
 * into the store and its search index: bodies are fetched on demand and
 * ahead of time for offline reading.
 *
 * - The folder is opened read-only (EXAMINE; BODY.PEEK leaves \Seen
 *   alone) unless the session has it selected already. When the server's
 *   UIDVALIDITY is not the store's, the store's UIDs name other messages
 *   now: nothing is fetched (the folder's next sync starts it over). A
 *   body is stored only while the folder keeps the UIDVALIDITY it was
 *   fetched under, or still has none (kabar_store_set_body_by_uid()).
 * - UID FETCH BODY.PEEK[], a few messages a command, one message in
 *   memory at a time (see KABAR_IMAP_BODY_MEMORY_MAX).
 * - A UID the server no longer has is skipped without error, and so are
 *   messages the server refuses to send (a NO to the command: Dovecot's
 *   EXPUNGEISSUED for a message another client just expunged); the
 *   server's words go to the log.
 * - Repeatable: a body fetched twice is stored twice, to the same effect.
 *
 * *n_stored (may be NULL) counts the bodies stored, also on failure. The
 * session's stream threshold is changed while the fetch runs and put
 * back to the default after. */
gboolean kabar_imap_fetch_bodies (KabarImapSession  *session,
                                  KabarStore        *store,
                                  gint64             folder_id,
                                  const guint32     *uids,
                                  gsize              n_uids,
                                  guint             *n_stored,
                                  GCancellable      *cancellable,
                                  GError           **error);

G_END_DECLS
