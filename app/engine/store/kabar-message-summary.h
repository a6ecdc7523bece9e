/* kabar-message-summary.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* IMAP's system flags as the store keeps them: a bitmask. \Recent is not
 * kept (it belongs to one session). Other keywords are text. */
typedef enum
{
  KABAR_MESSAGE_FLAG_NONE     = 0,
  KABAR_MESSAGE_FLAG_SEEN     = 1 << 0,
  KABAR_MESSAGE_FLAG_ANSWERED = 1 << 1,
  KABAR_MESSAGE_FLAG_FLAGGED  = 1 << 2,
  KABAR_MESSAGE_FLAG_DELETED  = 1 << 3,
  KABAR_MESSAGE_FLAG_DRAFT    = 1 << 4,
} KabarMessageFlags;

/* One message's envelope, as the message list shows it. The sync fills
 * the fields from ENVELOPE, FLAGS, INTERNALDATE, RFC822.SIZE and
 * BODYSTRUCTURE; the store fills id, folder_id and thread_id. Strings are
 * UTF-8, already decoded from RFC 2047; any may be NULL. */
typedef struct
{
  gint64             id;
  gint64             folder_id;
  /* 0 while the server has not given the message one: a message the
   * user moved, copied or appended here, not yet replayed (kabar-store.h,
   * "Local changes"). */
  guint32            uid;
  KabarMessageFlags  flags;
  /* Keywords other than the system flags, space separated ("$Forwarded"). */
  char              *keywords;
  guint64            modseq;
  /* Unix seconds, UTC. A date of 0 (no usable Date header) is stored as
   * the internal date, so the list can always order by it. */
  gint64             internal_date;
  gint64             date;
  guint64            size;
  char              *subject;
  char              *from_name;
  char              *from_address;
  /* RFC 5322 address lists: "Name <addr>, \"Doe, J\" <j@example.com>", as
   * internet_address_list_to_string() writes and
   * internet_address_list_parse() reads them. */
  char              *to;
  char              *cc;
  /* Message-IDs: with or without angle brackets on the way in, without on
   * the way out. references is the header's list of ids. */
  char              *message_id;
  char              *in_reply_to;
  char              *references;
  gint64             thread_id;
  gboolean           has_attachments;
  /* The start of the text, for the list; NULL until known. */
  char              *preview;
} KabarMessageSummary;

#define KABAR_TYPE_MESSAGE_SUMMARY (kabar_message_summary_get_type ())

GType                kabar_message_summary_get_type (void) G_GNUC_CONST;
KabarMessageSummary *kabar_message_summary_new      (void);
KabarMessageSummary *kabar_message_summary_copy     (const KabarMessageSummary *self);
void                 kabar_message_summary_free     (KabarMessageSummary       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarMessageSummary, kabar_message_summary_free)

G_END_DECLS
