/* kabar-message-display.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Why a message cannot be shown, or a part of it not had. */
#define KABAR_DISPLAY_ERROR (kabar_display_error_quark ())

typedef enum
{
  KABAR_DISPLAY_ERROR_NOT_A_MESSAGE,      /* bytes GMime cannot read as a message at all */
  KABAR_DISPLAY_ERROR_NO_SUCH_ATTACHMENT, /* an attachment index or content ID that the
                                           * message does not have */
} KabarDisplayError;

GQuark kabar_display_error_quark (void);

typedef enum
{
  KABAR_DISPLAY_FLAGS_NONE   = 0,
  /* multipart/alternative shows its HTML part; without it, its plain
   * text part, which is what the user sees by default. */
  KABAR_DISPLAY_PREFER_HTML  = 1 << 0,
} KabarDisplayFlags;

/* What the message says about signatures and encryption. Kabar checks no
 * signature and decrypts nothing yet: a signed message is never said to
 * be verified. The strongest label found anywhere in the message wins. */
typedef enum
{
  KABAR_DISPLAY_SECURITY_NONE,
  KABAR_DISPLAY_SECURITY_SIGNED_NOT_VERIFIED,   /* multipart/signed (S/MIME or OpenPGP)
                                                 * or inline OpenPGP: the signed content
                                                 * is shown; opaque S/MIME signed-data:
                                                 * a note, and the .p7m as a file */
  KABAR_DISPLAY_SECURITY_ENCRYPTED_CANNOT_DECRYPT, /* multipart/encrypted or S/MIME
                                                    * enveloped-data: the body says it
                                                    * cannot be shown; an inline OpenPGP
                                                    * message: its armoured text as it is */
} KabarDisplaySecurity;

/* The address fields of the header. */
typedef enum
{
  KABAR_DISPLAY_FROM,
  KABAR_DISPLAY_TO,
  KABAR_DISPLAY_CC,
  KABAR_DISPLAY_REPLY_TO,
} KabarDisplayField;

/* One mailbox; groups are flattened into their members. name is "" when
 * the header gives none; address may be "" for a name with no address
 * (broken headers). Both UTF-8, RFC 2047 decoded. */
typedef struct
{
  char *name;
  char *address;
} KabarDisplayAddress;

/* A part the user can save or open. Read-only; owned by the model. */
typedef struct
{
  char     *file_name;     /* RFC 2231/2047 decoded, safe to save: no path
                            * separators, no leading dots, never "" */
  char     *content_type;  /* "type/subtype", lower case */
  gsize     size;          /* decoded bytes */
  char     *icon_name;     /* a generic themed icon name for the type */
  gboolean  is_inline;     /* Content-Disposition: inline (or none, for an
                            * image): the sender meant it to be seen in
                            * place */
  char     *content_id;    /* without angle brackets, or NULL */
} KabarDisplayAttachment;

/* The display model of one message: what the message view shows, read
 * from the raw RFC 5322 bytes. Building it is CPU work (parsing, charset
 * conversion, HTML sanitising): do it on a worker thread, with
 * kabar_message_display_new_async() or kabar_message_display_new() in a
 * thread of one's own. Once built, the model does not change; every
 * getter may be called from any thread.
 *
 * The body is one HTML document (see kabar_message_display_get_html())
 * built from the MIME tree:
 *  - multipart/alternative: the plain text part unless
 *    KABAR_DISPLAY_PREFER_HTML (the other when the one wanted is
 *    missing); mixed, related and unknown multiparts: their parts in
 *    order; multipart/digest: its parts as messages.
 *  - message/rfc822: nested, with its own From, To, Cc, Date and Subject.
 *  - text/plain: escaped, links made clickable (http, https, mailto,
 *    www.), ">" quotes as nested blockquotes (long ones folded in
 *    <details>), format=flowed (with DelSp) undone, the signature after
 *    "-- " marked, uuencoded blocks taken out as attachments.
 *  - text/html: sanitised (a whitelist of elements and attributes; no
 *    script, no handlers, no forms, no frames, no meta, no base; links only
 *    to http, https and mailto); remote content neutralised unless asked
 *    for.
 *  - text/calendar: a summary of the event(s): summary, start, end,
 *    location, organizer.
 *  - multipart/report with message/delivery-status: the report's text,
 *    then each recipient with its action and status explained, then the
 *    original message nested.
 *  - multipart/signed: the signed content (the signature is not listed as
 *    an attachment); multipart/encrypted, application/pkcs7-mime
 *    enveloped-data: a note that the content cannot be shown.
 *  - any other part: an attachment, shown in the attachment list, and
 *    images shown in place when inline.
 * Undeclared or wrongly declared charsets are read as the declared one,
 * then UTF-8, then the language hint's charsets (see
 * kabar_message_display_new()), then windows-1252.
 *
 * Kabar's stylesheet hooks in the HTML (classes on Kabar's own elements;
 * the same classes are stripped from the sender's HTML so it cannot fake
 * them):
 *   body.kabar-message                the whole document
 *   div.kabar-part                    one shown part
 *   div.kabar-plain                   converted plain text (white-space:
 *                                     pre-wrap in the default style)
 *   div.kabar-html                    a sanitised HTML part
 *   blockquote.kabar-quote            a ">" quote; data-kabar-level="N"
 *   details.kabar-quote-fold          a quote of more than 10 lines, folded;
 *                                     its summary has
 *                                     data-kabar-lines="N" (the line count)
 *   div.kabar-signature               the signature after "-- "
 *   div.kabar-nested-message          a message inside the message, with
 *   table.kabar-nested-headers        its headers: tr > th (field name, in
 *                                     English) + td
 *   div.kabar-event                   a calendar event (dl: dt/dd)
 *   div.kabar-delivery-report         a delivery report; div.kabar-recipient
 *                                     per recipient, class kabar-failed,
 *                                     kabar-delayed or kabar-delivered too
 *   div.kabar-security-note           "encrypted, cannot be shown"
 *   div.kabar-attachment              an inline image in place:
 *                                     img src="cid:..." (a part without a
 *                                     Content-ID gets one: "kabar-part-N")
 * The <head> holds <style id="kabar-style"> with a small default style;
 * the view may add its own. The texts Kabar itself writes into the HTML
 * (field names, explanations) are in English for now. */
#define KABAR_TYPE_MESSAGE_DISPLAY (kabar_message_display_get_type ())
G_DECLARE_FINAL_TYPE (KabarMessageDisplay, kabar_message_display, KABAR, MESSAGE_DISPLAY, GObject)

/* The model of raw (a whole message). language is a hint for text whose
 * charset is not declared or not right, as g_get_language_names() gives
 * it ("ja_JP.UTF-8", "ru", "zh_CN", ...; NULL or "C" for none): Japanese
 * tries Shift_JIS and ISO-2022-JP, Chinese GB18030 (Big5 for zh_TW and
 * zh_HK), Russian, Ukrainian and Belarusian KOI8-R/KOI8-U and
 * windows-1251, before windows-1252. Fails with
 * KABAR_DISPLAY_ERROR_NOT_A_MESSAGE only when raw is no message at all
 * (empty); malformed mail gives what can be read of it. Any thread. */
KabarMessageDisplay *kabar_message_display_new           (GBytes               *raw,
                                                          KabarDisplayFlags     flags,
                                                          const char           *language,
                                                          GError              **error);
/* The same on a worker thread; callback runs on the caller's
 * thread-default main context. */
void                 kabar_message_display_new_async     (GBytes               *raw,
                                                          KabarDisplayFlags     flags,
                                                          const char           *language,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
KabarMessageDisplay *kabar_message_display_new_finish    (GAsyncResult         *result,
                                                          GError              **error);

/* --- the header ------------------------------------------------------------------------ */

/* The decoded Subject, "" when there is none; also the window's title. */
const char          *kabar_message_display_get_subject   (KabarMessageDisplay  *self);
/* The Date header, in the zone it was written in (the view converts it to
 * the user's with g_date_time_to_local()); NULL when missing or
 * unreadable. */
GDateTime           *kabar_message_display_get_date      (KabarMessageDisplay  *self);
/* The field's mailboxes (KabarDisplayAddress *), in order; owned by self,
 * never NULL, maybe empty. */
GPtrArray           *kabar_message_display_get_addresses (KabarMessageDisplay  *self,
                                                          KabarDisplayField     field);

/* date as a message list or header shows it, in the current locale: the
 * time alone ("14:05", or "2:05 PM" where the locale writes 12-hour
 * times) when date falls on the same day as now in now's zone, else the
 * date in the locale's short form (%x). date is converted to now's zone
 * first. now NULL means the current local time. */
char                *kabar_display_format_date           (GDateTime            *date,
                                                          GDateTime            *now);

/* --- the body -------------------------------------------------------------------------- */

/* The body as one sanitised HTML document (UTF-8), for a web view that
 * runs no script. With load_remote FALSE every way the HTML could fetch
 * from the network (img src and srcset, background, CSS url() and
 * @import, link, video/audio/source/track/poster, object/embed, input
 * type=image, SVG, meta refresh) is removed; with TRUE, http and https
 * URLs in those places stay (the user chose to show remote content) and
 * other schemes still go. cid: URLs stay in both: resolve them with
 * kabar_message_display_dup_cid_data(). Links (a href) keep their real
 * target, http, https and mailto only. Owned by self; the two documents
 * are built once each, on first use. */
const char          *kabar_message_display_get_html      (KabarMessageDisplay  *self,
                                                          gboolean              load_remote);
/* How many remote references the body has: what load_remote FALSE takes
 * out. The view shows its "remote content was blocked" bar when not 0. */
guint                kabar_message_display_get_n_remote  (KabarMessageDisplay  *self);
gboolean             kabar_message_display_has_remote_content (KabarMessageDisplay *self);

KabarDisplaySecurity kabar_message_display_get_security  (KabarMessageDisplay  *self);

/* The MIME structure as indented lines ("multipart/mixed", then each part
 * two spaces deeper with its type, charset, file name and how it was
 * shown): for a "show structure" view and for tests. */
char                *kabar_message_display_dup_structure (KabarMessageDisplay  *self);

/* --- attachments ----------------------------------------------------------------------- */

/* The attachments (KabarDisplayAttachment *), in message order: parts
 * that are not shown as text, uuencoded blocks, winmail.dat as a file.
 * Images the HTML shows through cid: are not listed. Owned by self. */
GPtrArray           *kabar_message_display_get_attachments (KabarMessageDisplay *self);
/* The decoded bytes of the index-th attachment. Fails with
 * KABAR_DISPLAY_ERROR_NO_SUCH_ATTACHMENT for an index out of range. */
GBytes              *kabar_message_display_dup_attachment_data (KabarMessageDisplay *self,
                                                                guint                index,
                                                                GError             **error);
/* The decoded bytes of the part with content_id (with or without "cid:"
 * and angle brackets), for the view's cid: URLs; content_type, if not
 * NULL, is set to the part's "type/subtype" (free it). Also finds the
 * images that get_attachments() leaves out. Fails with
 * KABAR_DISPLAY_ERROR_NO_SUCH_ATTACHMENT. */
GBytes              *kabar_message_display_dup_cid_data  (KabarMessageDisplay  *self,
                                                          const char           *content_id,
                                                          char                **content_type,
                                                          GError              **error);

/* --- source ---------------------------------------------------------------------------- */

/* The message's bytes as given, for saving. */
GBytes              *kabar_message_display_get_raw       (KabarMessageDisplay  *self);
/* The message's source as text for "View source": valid UTF-8 (bytes
 * that are not become U+FFFD), NUL bytes shown as U+FFFD, line ends as
 * LF. */
char                *kabar_message_display_dup_source_text (KabarMessageDisplay *self);

G_END_DECLS
