/* kabar-replay-steps.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's side of replaying a pending operation, whatever the server
 * (IMAP: kabar-imap-replay.c, Graph: kabar-graph-replay.c): reading what
 * it asks for, marking it started before anything goes, and after the
 * server's answer completing it, or undoing it when refused.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kabar-store.h"

G_BEGIN_DECLS

/* The string members each kind's replay reads, at most two a kind. */
typedef const char * const KabarReplayRequired[][2];

/* The operation's payload (a new reference), holding the members its kind
 * requires (required[kind]); else G_IO_ERROR_INVALID_DATA naming the
 * operation: a payload from an older store cannot be replayed. */
JsonObject *kabar_replay_read_payload  (const KabarPendingOperation  *operation,
                                        KabarReplayRequired           required,
                                        GError                      **error);
/* Durably, before the request goes: a cut after it leaves the replay
 * knowing the server may have the change already. */
gboolean    kabar_replay_mark_started  (KabarStore                   *store,
                                        const KabarPendingOperation  *operation,
                                        GError                      **error);
gboolean    kabar_replay_complete      (KabarStore                   *store,
                                        const KabarPendingOperation  *operation,
                                        GError                      **error);
/* The server said no: the change is undone in the store, with its words. */
gboolean    kabar_replay_refuse        (KabarStore                   *store,
                                        const KabarPendingOperation  *operation,
                                        const GError                 *server_error,
                                        GError                      **error);
/* The operation went from the store while it was replayed, and the store
 * calls naming it found nothing (error): the user took it back (an undo,
 * which only takes what is not marked started, so nothing of it was
 * sent) or its folder went. Nothing is left to do for it. */
gboolean    kabar_replay_has_vanished  (KabarStore                   *store,
                                        const KabarPendingOperation  *operation,
                                        const GError                 *error);

G_END_DECLS
