/* kabar-store-outbox.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kabar-store.h"

G_BEGIN_DECLS

/* The outbox: messages waiting to be sent, kept in the account's store.
 *
 * A message must never be lost and never be sent twice. Every write that
 * decides either is flushed to disk before it returns
 * (synchronous=FULL). The sender's round:
 *
 *   id = kabar_store_outbox_next_due (store, now, &earliest, &error);
 *   raw = kabar_store_outbox_get_raw (store, id, &error);
 *   MAIL FROM, RCPT TO..., DATA, the bytes, then, just before the final
 *   "\r\n.\r\n": kabar_store_outbox_mark_sending ();
 *   250: kabar_store_outbox_complete ();
 *   4xx or a lost connection before mark_sending: kabar_store_outbox_defer ();
 *   5xx: kabar_store_outbox_fail ().
 *
 * A message left in SENDING (Kabar was killed after the end of the data
 * may have gone) may or may not have been sent: at start-up
 * kabar_store_outbox_recover() makes it UNCONFIRMED, which is never sent
 * again unless the user asks (kabar_store_outbox_requeue()).
 *
 * Errors are in KABAR_STORE_ERROR; an id the outbox does not have is
 * KABAR_STORE_ERROR_NOT_FOUND. Any thread, never the UI thread. */

typedef enum
{
  /* Waiting for its next attempt (next_attempt, unix seconds). */
  KABAR_OUTBOX_QUEUED,
  /* The end of its data is going to the server: it may have been sent. */
  KABAR_OUTBOX_SENDING,
  /* It was SENDING when Kabar stopped: the user decides. */
  KABAR_OUTBOX_UNCONFIRMED,
  /* The server refused it for good; kept for the user with last_error. */
  KABAR_OUTBOX_FAILED,
} KabarOutboxState;

const char *kabar_outbox_state_to_string (KabarOutboxState state);

/* One message of the outbox, without its bytes. */
typedef struct
{
  gint64            id;
  /* Without angle brackets. */
  char             *message_id;
  /* The envelope: MAIL FROM and every RCPT TO (Bcc included). */
  char             *sender;
  GStrv             recipients;
  /* Of the raw message, in bytes. */
  guint64           size;
  KabarOutboxState  state;
  guint             attempts;
  /* Unix seconds; the earliest time of the next attempt when QUEUED. */
  gint64            next_attempt;
  /* The server's words the last time it failed, or NULL. */
  char             *last_error;
  /* Unix seconds. */
  gint64            created_at;
  /* Where the sent copy goes, 0 when the provider files it itself. */
  gint64            sent_folder_id;
} KabarOutboxEntry;

#define KABAR_TYPE_OUTBOX_ENTRY (kabar_outbox_entry_get_type ())

GType             kabar_outbox_entry_get_type (void) G_GNUC_CONST;
KabarOutboxEntry *kabar_outbox_entry_copy     (const KabarOutboxEntry *self);
void              kabar_outbox_entry_free     (KabarOutboxEntry       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarOutboxEntry, kabar_outbox_entry_free)

/* Queues a message, due at once. raw is the message as it goes on the
 * wire (CRLF line ends, dot-stuffing not done); sent_folder_id 0 for no
 * sent copy. Returns its id, or 0 with error set; flushed to disk before
 * it returns. */
gint64            kabar_store_outbox_add          (KabarStore          *self,
                                                   const char          *message_id,
                                                   const char          *sender,
                                                   const char * const  *recipients,
                                                   GBytes              *raw,
                                                   gint64               sent_folder_id,
                                                   GError             **error);
/* The same, not sent before not_before (unix seconds): the moment the
 * user has to take it back. Unlike a retry's next_attempt, a wake that
 * sends everything now (the network came back) waits for it too. */
gint64            kabar_store_outbox_add_delayed  (KabarStore          *self,
                                                   const char          *message_id,
                                                   const char          *sender,
                                                   const char * const  *recipients,
                                                   GBytes              *raw,
                                                   gint64               sent_folder_id,
                                                   gint64               not_before,
                                                   GError             **error);
/* Every message, oldest first (KabarOutboxEntry elements). */
GPtrArray        *kabar_store_outbox_list         (KabarStore          *self,
                                                   GError             **error);
KabarOutboxEntry *kabar_store_outbox_get          (KabarStore          *self,
                                                   gint64               id,
                                                   GError             **error);
GBytes           *kabar_store_outbox_get_raw      (KabarStore          *self,
                                                   gint64               id,
                                                   GError             **error);
/* Just before the end of the data goes to the server: from here on the
 * message may have been sent. Only a QUEUED message may be marked. */
gboolean          kabar_store_outbox_mark_sending (KabarStore          *self,
                                                   gint64               id,
                                                   GError             **error);
/* The server's final 250: the message leaves the outbox and, when it has
 * a sent folder, is appended there, \Seen, as a pending append (as
 * kabar_store_change_append() does, its summary read from the raw
 * bytes), in one transaction. A message queued without a sent folder
 * takes the store's folder with the sent role now when find_sent_folder
 * (an account whose provider does not file sent mail itself: the message
 * was queued before the folders were first listed). *sent_folder_id (may
 * be NULL) is where the copy went, 0 for none. */
gboolean          kabar_store_outbox_complete     (KabarStore          *self,
                                                   gint64               id,
                                                   gboolean             find_sent_folder,
                                                   gint64              *sent_folder_id,
                                                   GError             **error);
/* A temporary failure: QUEUED again, for next_attempt (unix seconds), one
 * attempt more, error_text (the server's words) kept. */
gboolean          kabar_store_outbox_defer        (KabarStore          *self,
                                                   gint64               id,
                                                   const char          *error_text,
                                                   gint64               next_attempt,
                                                   GError             **error);
/* A permanent failure: FAILED, one attempt more, kept for the user. */
gboolean          kabar_store_outbox_fail         (KabarStore          *self,
                                                   gint64               id,
                                                   const char          *error_text,
                                                   GError             **error);
/* The user asks to try a FAILED or UNCONFIRMED message again: QUEUED, due
 * at once. */
gboolean          kabar_store_outbox_requeue      (KabarStore          *self,
                                                   gint64               id,
                                                   GError             **error);
/* The user discards the message. */
gboolean          kabar_store_outbox_remove       (KabarStore          *self,
                                                   gint64               id,
                                                   GError             **error);
/* The user takes the message back to edit it: unless it is SENDING, it
 * leaves the outbox, and *entry (as it was) and *raw are what it held.
 * A sender that wrote its data finds it gone at mark_sending(), before
 * the end of the data: nothing is sent. When it is SENDING, nothing
 * changes: TRUE, *entry set (its state says so) and *raw NULL. FALSE with
 * KABAR_STORE_ERROR_NOT_FOUND when the outbox does not have it (sent, or
 * discarded). */
gboolean          kabar_store_outbox_take_back    (KabarStore          *self,
                                                   gint64               id,
                                                   KabarOutboxEntry   **entry,
                                                   GBytes             **raw,
                                                   GError             **error);
/* The end of the data may have reached the server but no verdict came
 * back (the connection was cut after the "."): SENDING becomes
 * UNCONFIRMED at once, error_text kept, never sent again unless the user
 * asks. */
gboolean          kabar_store_outbox_mark_unconfirmed (KabarStore      *self,
                                                       gint64           id,
                                                       const char      *error_text,
                                                       GError         **error);
/* At start-up, before any sending: SENDING messages become UNCONFIRMED. */
gboolean          kabar_store_outbox_recover      (KabarStore          *self,
                                                   GError             **error);
/* The id of the oldest QUEUED message whose next_attempt is now or
 * earlier (and whose not_before has come, by the clock whatever now
 * says), 0 when none (or with error set); *earliest (may be NULL) is
 * the earliest time one of the QUEUED messages is due, for a timer, 0
 * when none is queued. */
gint64            kabar_store_outbox_next_due     (KabarStore          *self,
                                                   gint64               now,
                                                   gint64              *earliest,
                                                   GError             **error);

/* Drafts, kept in the folder with the drafts role. */

/* Appends raw (the DRAFT form of a message) to folder_id, \Draft and
 * \Seen, as a pending append (as kabar_store_change_append() does, its
 * summary read from the bytes): returns the new message's row id, or 0
 * with error set. Flushed to disk before it returns. */
gint64            kabar_store_draft_add           (KabarStore          *self,
                                                   gint64               folder_id,
                                                   GBytes              *raw,
                                                   GError             **error);
/* The pending append that made the provisional row message_row_id, 0
 * (without error) when none did: the message is on the server, or came
 * from it. *started (may be NULL) says whether the APPEND may already
 * have reached the server. */
gint64            kabar_store_draft_find_append   (KabarStore          *self,
                                                   gint64               message_row_id,
                                                   gboolean            *started,
                                                   GError             **error);

G_END_DECLS
