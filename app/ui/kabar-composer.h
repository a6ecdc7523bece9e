/* kabar-composer.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-application.h"
#include "kabar-mail-service.h"
#include "kabar-outgoing-message.h"

G_BEGIN_DECLS

/* How a composer starts from the message it is given. */
typedef enum
{
  /* message may be NULL (empty) or prefilled (mailto:); the signature of
   * the identity chosen is added. */
  KABAR_COMPOSER_NEW,
  /* message from kabar_reply_new(): its text is the quote; the signature
   * and the user's place go above or below it by "reply-position". */
  KABAR_COMPOSER_REPLY,
  /* A reopened draft or a message taken back: shown as it is. */
  KABAR_COMPOSER_DRAFT,
} KabarComposerStart;

/* The window where a message is written: From (every identity of every
 * account), To, Cc, Bcc, Subject, the body and attachments. Send puts it
 * in the outbox, closes the window at once and offers Undo in the main
 * window; an error opens it again with nothing lost. The draft is
 * saved a few seconds after the last change and when the window closes;
 * a closed composer never loses text. */
#define KABAR_TYPE_COMPOSER (kabar_composer_get_type ())

G_DECLARE_FINAL_TYPE (KabarComposer, kabar_composer, KABAR, COMPOSER, AdwApplicationWindow)

/* A composer window for service's account (NULL: the first account); From
 * starts at the identity whose address is the message's From, else the
 * account's first. message is copied in, not kept. draft_message_id: the
 * draft it continues (0 for none), replaced by each save and deleted by
 * Send. */
GtkWidget *kabar_composer_new (KabarApplication     *application,
                               KabarMailService     *service,
                               KabarOutgoingMessage *message,
                               KabarComposerStart    start,
                               gint64                draft_message_id);

/* The draft the composer continues: 0 until one is saved. */
gint64     kabar_composer_get_draft_id (KabarComposer *self);

G_END_DECLS
