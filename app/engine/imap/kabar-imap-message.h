/* kabar-imap-message.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kabar-imap-response.h"

G_BEGIN_DECLS

/* One address of an ENVELOPE. Text is as the server sent it: names may
 * still be RFC 2047 encoded words ("=?utf-8?q?...?="), which the MIME layer
 * decodes. Group markers (RFC 3501 §7.4.2) are left out. */
typedef struct
{
  char *name;      /* NULL if none */
  char *mailbox;   /* the local part */
  char *host;      /* NULL for a bare local part */
} KabarImapAddress;

#define KABAR_TYPE_IMAP_ADDRESS (kabar_imap_address_get_type ())
GType             kabar_imap_address_get_type    (void) G_GNUC_CONST;
KabarImapAddress *kabar_imap_address_copy        (const KabarImapAddress *address);
void              kabar_imap_address_free        (KabarImapAddress       *address);
/* "mailbox@host", or the mailbox alone. */
char             *kabar_imap_address_dup_address (const KabarImapAddress *address);

/* A FETCH ENVELOPE. Strings are NULL for NIL and as sent otherwise (the
 * subject may be encoded words); the lists hold KabarImapAddress and are
 * never NULL. */
typedef struct
{
  char      *date;
  char      *subject;
  GPtrArray *from;
  GPtrArray *sender;
  GPtrArray *reply_to;
  GPtrArray *to;
  GPtrArray *cc;
  GPtrArray *bcc;
  char      *in_reply_to;
  char      *message_id;
} KabarImapEnvelope;

#define KABAR_TYPE_IMAP_ENVELOPE (kabar_imap_envelope_get_type ())
GType              kabar_imap_envelope_get_type (void) G_GNUC_CONST;
KabarImapEnvelope *kabar_imap_envelope_copy     (const KabarImapEnvelope *envelope);
void               kabar_imap_envelope_free     (KabarImapEnvelope       *envelope);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarImapAddress, kabar_imap_address_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarImapEnvelope, kabar_imap_envelope_free)

/* One message's FETCH response, read into types. Immutable; reference
 * counted (atomically), so the sync may keep a batch of them and store it
 * on another thread. It holds its response, which stays reachable for what
 * has no accessor here. */
typedef struct _KabarImapMessage KabarImapMessage;

#define KABAR_TYPE_IMAP_MESSAGE (kabar_imap_message_get_type ())
GType                    kabar_imap_message_get_type          (void) G_GNUC_CONST;

KabarImapMessage        *kabar_imap_message_ref               (KabarImapMessage *self);
void                     kabar_imap_message_unref             (KabarImapMessage *self);

/* The message sequence number of "* n FETCH". */
guint32                  kabar_imap_message_get_sequence      (KabarImapMessage *self);
/* 0 if the response carried no UID (an unsolicited FETCH after a
 * sequence-number command). */
guint32                  kabar_imap_message_get_uid           (KabarImapMessage *self);

/* NULL when the response carried no FLAGS; else the flags as sent
 * ("\Seen", "$Forwarded"), possibly empty. */
const char * const      *kabar_imap_message_get_flags         (KabarImapMessage *self);
/* Case-insensitive, as flags are. FALSE when FLAGS was not fetched. */
gboolean                 kabar_imap_message_has_flag          (KabarImapMessage *self,
                                                               const char       *flag);
/* 0 when the response carried no MODSEQ. */
guint64                  kabar_imap_message_get_modseq        (KabarImapMessage *self);
/* NULL when not fetched or unreadable. */
GDateTime               *kabar_imap_message_get_internal_date (KabarImapMessage *self);
/* RFC822.SIZE; -1 when not fetched. */
gint64                   kabar_imap_message_get_size          (KabarImapMessage *self);
/* NULL when not fetched. */
const KabarImapEnvelope *kabar_imap_message_get_envelope      (KabarImapMessage *self);
/* The BODYSTRUCTURE tree as the parser gives it (valid as long as the
 * message), for the MIME layer; NULL when not fetched. */
const KabarImapValue    *kabar_imap_message_get_bodystructure (KabarImapMessage *self);

/* A body section, by what stood between the brackets of the request:
 * "" for BODY.PEEK[], "HEADER.FIELDS (FROM SUBJECT)", "1.2", in any case.
 * NULL when the response has no such section, when the server sent NIL, or
 * when the section was larger than the session's stream threshold and went
 * to a stream (see body_was_streamed). *origin is the offset of a partial
 * fetch ("<0>"), 0 otherwise. */
GBytes                  *kabar_imap_message_dup_body          (KabarImapMessage *self,
                                                               const char       *section,
                                                               guint64          *origin);
/* TRUE when the section came and was written to the output stream the
 * fetch's stream function gave for it (or dropped, if it gave none);
 * *size is its size. */
gboolean                 kabar_imap_message_body_was_streamed (KabarImapMessage *self,
                                                               const char       *section,
                                                               guint64          *size);

KabarImapResponse       *kabar_imap_message_get_response      (KabarImapMessage *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarImapMessage, kabar_imap_message_unref)

G_END_DECLS
