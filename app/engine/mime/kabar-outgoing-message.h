/* kabar-outgoing-message.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gmime/gmime.h>

G_BEGIN_DECLS

/* Why a message cannot be sent or reopened. */
#define KABAR_OUTGOING_ERROR (kabar_outgoing_error_quark ())

typedef enum
{
  KABAR_OUTGOING_ERROR_NO_SENDER,        /* no From address */
  KABAR_OUTGOING_ERROR_NO_RECIPIENT,     /* nobody in To, Cc or Bcc */
  KABAR_OUTGOING_ERROR_INVALID_ADDRESS,  /* an address that is not one; the message
                                          * quotes it */
  KABAR_OUTGOING_ERROR_ATTACHMENT,       /* a file to attach could not be read */
  KABAR_OUTGOING_ERROR_NOT_A_MESSAGE,    /* bytes to reopen that GMime cannot read as
                                          * a message */
} KabarOutgoingError;

GQuark kabar_outgoing_error_quark (void);

/* The two forms of the same message. */
typedef enum
{
  KABAR_OUTGOING_FORM_SEND,   /* what goes to the SMTP server and the Sent folder:
                               * no Bcc header */
  KABAR_OUTGOING_FORM_DRAFT,  /* what the Drafts folder keeps: Bcc kept, so that
                               * reopening the draft finds them */
} KabarOutgoingForm;

/* The address lists of a message besides From. */
typedef enum
{
  KABAR_OUTGOING_TO,
  KABAR_OUTGOING_CC,
  KABAR_OUTGOING_BCC,
  KABAR_OUTGOING_REPLY_TO,
} KabarOutgoingField;

/* A message being written: what the composer fills in, turned into the
 * RFC 5322 message that SMTP sends and the Drafts and Sent folders keep.
 *
 * The message built is always 7-bit: headers as RFC 2047 encoded words,
 * IDN domains in headers as GMime writes them (punycode), text parts
 * quoted-printable or base64, attachments base64, so any server can take
 * it without 8BITMIME. Only a local part with non-ASCII characters needs
 * more: see kabar_outgoing_message_needs_smtputf8().
 *
 * Text is UTF-8 throughout, lines ending in LF. Not thread-safe: use an
 * object from one thread at a time. */
#define KABAR_TYPE_OUTGOING_MESSAGE (kabar_outgoing_message_get_type ())
G_DECLARE_FINAL_TYPE (KabarOutgoingMessage, kabar_outgoing_message, KABAR, OUTGOING_MESSAGE, GObject)

KabarOutgoingMessage *kabar_outgoing_message_new                     (void);

/* A saved draft (or any message) reopened to be edited and sent: its
 * addresses (Bcc too), subject, Message-ID, threading headers, text
 * (format=flowed undone), HTML, inline images and attachments, as far as
 * GMime can read them. Fails with KABAR_OUTGOING_ERROR_NOT_A_MESSAGE only
 * when the bytes are no message at all. Any thread. */
KabarOutgoingMessage *kabar_outgoing_message_new_from_bytes          (GBytes               *raw,
                                                                      GError              **error);

/* --- addresses ------------------------------------------------------------------------- */

/* The sender; name may be NULL or "". */
void                  kabar_outgoing_message_set_from                (KabarOutgoingMessage *self,
                                                                      const char           *name,
                                                                      const char           *address);
const char           *kabar_outgoing_message_get_from_name           (KabarOutgoingMessage *self);
const char           *kabar_outgoing_message_get_from_address        (KabarOutgoingMessage *self);

/* Adds one address to field, unchecked: validate() names it if it is
 * wrong. name may be NULL. */
void                  kabar_outgoing_message_add_address             (KabarOutgoingMessage *self,
                                                                      KabarOutgoingField    field,
                                                                      const char           *name,
                                                                      const char           *address);
/* Adds the addresses the user typed, parsed by GMime ("Dewi Ayu
 * <dewi@kabar.test>, budi@kabar.test"). All or nothing: a piece that is no
 * valid address fails with KABAR_OUTGOING_ERROR_INVALID_ADDRESS naming it,
 * and nothing is added. */
gboolean              kabar_outgoing_message_add_addresses_from_string (KabarOutgoingMessage *self,
                                                                      KabarOutgoingField    field,
                                                                      const char           *text,
                                                                      GError              **error);
void                  kabar_outgoing_message_clear_addresses         (KabarOutgoingMessage *self,
                                                                      KabarOutgoingField    field);
/* The field's list, which the caller may also change. Never NULL. */
InternetAddressList  *kabar_outgoing_message_get_addresses           (KabarOutgoingMessage *self,
                                                                      KabarOutgoingField    field);

/* --- content --------------------------------------------------------------------------- */

void                  kabar_outgoing_message_set_subject             (KabarOutgoingMessage *self,
                                                                      const char           *subject);
const char           *kabar_outgoing_message_get_subject             (KabarOutgoingMessage *self);

/* The plain text, as the user wrote it (sent as format=flowed). NULL
 * for none. */
void                  kabar_outgoing_message_set_text                (KabarOutgoingMessage *self,
                                                                      const char           *text);
const char           *kabar_outgoing_message_get_text                (KabarOutgoingMessage *self);
/* The HTML, a whole document or a fragment; NULL for none. With both,
 * the message is multipart/alternative, plain text first. */
void                  kabar_outgoing_message_set_html                (KabarOutgoingMessage *self,
                                                                      const char           *html);
const char           *kabar_outgoing_message_get_html                (KabarOutgoingMessage *self);

/* An attachment: data named file_name (a display name, any Unicode),
 * content_type ("type/subtype") or NULL to guess it from the name and
 * the data. */
void                  kabar_outgoing_message_add_attachment          (KabarOutgoingMessage *self,
                                                                      GBytes               *data,
                                                                      const char           *file_name,
                                                                      const char           *content_type);
/* The same from a file, read without blocking; named after the file. */
void                  kabar_outgoing_message_add_attachment_file_async  (KabarOutgoingMessage *self,
                                                                         GFile                *file,
                                                                         GCancellable         *cancellable,
                                                                         GAsyncReadyCallback   callback,
                                                                         gpointer              user_data);
/* KABAR_OUTGOING_ERROR_ATTACHMENT naming the file when it cannot be read. */
gboolean              kabar_outgoing_message_add_attachment_file_finish (KabarOutgoingMessage *self,
                                                                         GAsyncResult         *result,
                                                                         GError              **error);
guint                 kabar_outgoing_message_get_n_attachments       (KabarOutgoingMessage *self);
/* The index-th attachment's data; file_name and content_type (each may be
 * NULL) are set to its name and type, owned by self. */
GBytes               *kabar_outgoing_message_get_attachment          (KabarOutgoingMessage *self,
                                                                      guint                 index,
                                                                      const char          **file_name,
                                                                      const char          **content_type);
void                  kabar_outgoing_message_remove_attachment       (KabarOutgoingMessage *self,
                                                                      guint                 index);

/* An image the HTML shows inline, as <img src="cid:CONTENT-ID">: the
 * content ID is returned (owned by self, without "cid:" or angle
 * brackets). content_id NULL makes a new one. The HTML and its images go
 * into a multipart/related. Without HTML, the images are sent as
 * attachments. */
const char           *kabar_outgoing_message_add_inline_image        (KabarOutgoingMessage *self,
                                                                      GBytes               *data,
                                                                      const char           *file_name,
                                                                      const char           *content_type,
                                                                      const char           *content_id);
guint                 kabar_outgoing_message_get_n_inline_images     (KabarOutgoingMessage *self);
GBytes               *kabar_outgoing_message_get_inline_image        (KabarOutgoingMessage *self,
                                                                      guint                 index,
                                                                      const char          **file_name,
                                                                      const char          **content_type,
                                                                      const char          **content_id);

/* --- identity and threading ---------------------------------------------------------- */

/* The Message-ID without angle brackets. Made at the first build (a
 * random left part, the sender's domain on the right) and kept, so that
 * a draft saved again or a send retried keeps its identity. NULL until
 * then, unless set. */
const char           *kabar_outgoing_message_get_message_id          (KabarOutgoingMessage *self);
void                  kabar_outgoing_message_set_message_id          (KabarOutgoingMessage *self,
                                                                      const char           *message_id);

/* Makes this message a reply to the one with parent_message_id, whose
 * References header was parent_references (NULL for none): In-Reply-To is
 * the parent's id, References the parent's references and its id, the
 * oldest one kept and the middle ones dropped when there are very many.
 * Ids may come with or without angle brackets. */
void                  kabar_outgoing_message_set_parent              (KabarOutgoingMessage *self,
                                                                      const char           *parent_message_id,
                                                                      const char           *parent_references);
/* The threading headers as they are, for a reopened draft: in_reply_to
 * and references (a References header's value) may be NULL. */
void                  kabar_outgoing_message_set_threading           (KabarOutgoingMessage *self,
                                                                      const char           *in_reply_to,
                                                                      const char           *references);
/* Without angle brackets; NULL when not a reply. */
const char           *kabar_outgoing_message_get_in_reply_to         (KabarOutgoingMessage *self);
/* The References ids, oldest first, without angle brackets; empty when
 * not a reply. */
const char * const   *kabar_outgoing_message_get_references          (KabarOutgoingMessage *self);

/* --- output ---------------------------------------------------------------------------- */

/* Refuses what cannot be sent: no From (KABAR_OUTGOING_ERROR_NO_SENDER),
 * nobody in To, Cc and Bcc (NO_RECIPIENT), or an address in any field
 * that is not valid (INVALID_ADDRESS, naming the address). */
gboolean              kabar_outgoing_message_validate                (KabarOutgoingMessage *self,
                                                                      GError              **error);

/* The message as GMime's, with the Date of now in the local zone and the
 * Message-ID made if there was none. SEND validates first and leaves Bcc
 * out; DRAFT keeps Bcc and takes an unfinished message (no recipient yet,
 * an address still being typed). */
GMimeMessage         *kabar_outgoing_message_build                   (KabarOutgoingMessage *self,
                                                                      KabarOutgoingForm     form,
                                                                      GError              **error);
/* The built message's bytes with CRLF line ends, for SMTP DATA (before
 * dot-stuffing) and IMAP APPEND. */
GBytes               *kabar_outgoing_message_to_bytes                (KabarOutgoingMessage *self,
                                                                      KabarOutgoingForm     form,
                                                                      GError              **error);

/* --- envelope -------------------------------------------------------------------------- */

/* Whether an address has a non-ASCII local part: then only a server that
 * offers SMTPUTF8 can take the message, and MAIL FROM needs SMTPUTF8. */
gboolean              kabar_outgoing_message_needs_smtputf8          (KabarOutgoingMessage *self);
/* MAIL FROM's address: the From address, its domain as punycode unless
 * the message needs SMTPUTF8. NULL without From. */
char                 *kabar_outgoing_message_dup_envelope_sender     (KabarOutgoingMessage *self);
/* RCPT TO's addresses: To, Cc and Bcc in that order, group members
 * included, each mailbox once (domains compared without case, Unicode and
 * punycode alike), domains as in dup_envelope_sender(). */
GStrv                 kabar_outgoing_message_dup_envelope_recipients (KabarOutgoingMessage *self);

G_END_DECLS
