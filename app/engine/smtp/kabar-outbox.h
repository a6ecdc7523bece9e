/* kabar-outbox.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-account.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* The sender of one account's outbox (kabar-store-outbox.h): a thread of
 * its own that sends what is due, oldest first, over one SMTP connection
 * kept while the queue has mail and closed with QUIT once it is empty.
 *
 * At start it makes whatever a previous run left SENDING UNCONFIRMED, so
 * nothing that may have gone is sent twice. For each message: send_data,
 * then SENDING flushed to disk, then the ".", then on the 250 the message
 * leaves the outbox with its Sent copy queued as a pending append, in one
 * durable transaction. A temporary failure before the "." (or a 4xx
 * verdict) queues it again after a back-off; a permanent one (5xx, a
 * refused recipient, too large, a refused sign-in) keeps it FAILED for the
 * user; a cut after the "." leaves it UNCONFIRMED. When no OAuth2 token
 * can be had (kabar_oauth2_error_needs_user(): the user must sign in
 * again) the message stays queued and the outbox waits for a wake after
 * the new sign-in. Nothing is tried while the network is away.
 *
 * A Graph account (KABAR_INCOMING_GRAPH) sends by sendMail instead
 * (kabar-graph-send.h), SENDING from just before the request until its
 * answer; the server files the copy in Sent Items. A message left SENDING
 * (the answer lost: a cut, a 5xx, a stop or a crash) is looked up there by
 * its Message-ID before anything else goes: found, it was sent; not found,
 * it is queued again; while Sent Items cannot be asked, it waits.
 *
 * Threads: make it, start, stop and talk to it on one thread; its signals
 * come on that thread's thread-default main context (at creation). The
 * store is written from the outbox's thread only.
 *
 * Signals:
 *  "changed" ()                                  the outbox's list changed
 *  "sent" (gint64 id, char *message_id, gint64 sent_folder_id)
 *                                                the server took it (250); its Sent
 *                                                copy, if any, waits to be replayed
 *  "failed" (gint64 id, GError *error)           it failed for good, or may have gone
 *                                                (unconfirmed), with the server's words
 *  "account-error" (GError *error)               signing in failed (NULL: it works again) */
#define KABAR_TYPE_OUTBOX (kabar_outbox_get_type ())
G_DECLARE_FINAL_TYPE (KabarOutbox, kabar_outbox, KABAR, OUTBOX, GObject)

/* Where a send has got to, for tests that stop a process there. */
typedef enum
{
  KABAR_OUTBOX_STAGE_SIGNED_IN,      /* connected and signed in, before MAIL FROM */
  KABAR_OUTBOX_STAGE_DATA_WRITTEN,   /* the message went, not its "." */
  KABAR_OUTBOX_STAGE_MARKED_SENDING, /* SENDING is on disk; the "." goes next */
  KABAR_OUTBOX_STAGE_ACCEPTED,       /* the 250 came; not yet completed in the store */
} KabarOutboxStage;

typedef void (*KabarOutboxHook) (KabarOutboxStage stage,
                                 gint64           id,
                                 gpointer         data);

/* The default limits of the back-off between temporary failures. */
#define KABAR_OUTBOX_DEFAULT_RETRY_INITIAL_MS 30000
#define KABAR_OUTBOX_DEFAULT_RETRY_MAX_MS     (60 * 60 * 1000)

KabarOutbox *kabar_outbox_new                   (KabarAccount    *account,
                                                 KabarStore      *store);
/* Before start: the back-off's bounds (kabar-backoff.h). */
void         kabar_outbox_set_retry_limits      (KabarOutbox     *self,
                                                 guint            initial_ms,
                                                 guint            max_ms);
/* Before start, for tests: hook runs on the outbox's thread at each stage. */
void         kabar_outbox_set_hook_for_testing  (KabarOutbox     *self,
                                                 KabarOutboxHook  hook,
                                                 gpointer         data);
void         kabar_outbox_start                 (KabarOutbox     *self);
/* Ends the thread and waits for it: a send before its "." is given up (it
 * stays queued), one after it waits for the server's verdict, at most the
 * connection's timeout. */
void         kabar_outbox_stop                  (KabarOutbox     *self);
/* Mail was queued, or the user asked for a retry: everything queued goes
 * now, whatever its back-off said, and a refused sign-in is tried again. */
void         kabar_outbox_wake                  (KabarOutbox     *self);
void         kabar_outbox_set_network_available (KabarOutbox     *self,
                                                 gboolean         available);

G_END_DECLS
