/* kabar-message-display.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A message as the reader sees it: the MIME tree walked once, into the
 * header, the attachments and a list of body segments; the body's HTML is
 * put together from those segments, the sender's HTML sanitised for the
 * remote content setting asked for.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kabar-display-private.h"
#include "kabar-message-display.h"
#include "kabar-mime.h"

/* Kabar's own markup is trusted; the sender's HTML is sanitised each time
 * the document is put together. */
typedef struct
{
  gboolean  untrusted;
  char     *text;
} Segment;

/* An attachment, with what it came from. */
typedef struct
{
  KabarDisplayAttachment  public;
  GMimePart              *part;  /* or NULL for a uuencoded file */
  GBytes                 *data;  /* a uuencoded file's bytes */
} Attachment;

/* A part the view may fetch by content ID. */
typedef struct
{
  char      *content_id;
  char      *content_type;
  GMimePart *part;
} CidPart;

struct _KabarMessageDisplay
{
  GObject               parent_instance;

  GBytes               *raw;
  GMimeMessage         *message;
  KabarDisplayFlags     flags;
  const char * const   *fallbacks;

  char                 *subject;
  GDateTime            *date;
  GPtrArray            *addresses[KABAR_DISPLAY_REPLY_TO + 1];

  GPtrArray            *segments;     /* Segment * */
  GPtrArray            *attachments;  /* Attachment * */
  GPtrArray            *public_attachments;
  GPtrArray            *cid_parts;    /* CidPart * */
  GString              *structure;
  KabarDisplaySecurity  security;
  guint                 n_remote;

  /* The two documents, built on first use; and GMime's streams, which
   * are read by position: both guarded. */
  GMutex                lock;
  char                 *html[2];
};

G_DEFINE_FINAL_TYPE (KabarMessageDisplay, kabar_message_display, G_TYPE_OBJECT)

G_DEFINE_QUARK (kabar-display-error-quark, kabar_display_error)

/* Kabar's own style: what makes converted text read as text. The view
 * may add to it. */
static const char default_style[] =
  "body.kabar-message{margin:0;overflow-wrap:anywhere}"
  ".kabar-plain{white-space:pre-wrap;font-family:monospace}"
  "blockquote.kabar-quote{margin:0 0 0 .5em;padding-left:.5em;border-left:2px solid #888}"
  ".kabar-signature{opacity:.6}"
  ".kabar-nested-message{border:1px solid #888;padding:.5em;margin:.5em 0}"
  "table.kabar-nested-headers th{text-align:right;padding-right:.5em}"
  ".kabar-event,.kabar-delivery-report,.kabar-security-note{border:1px solid #888;padding:.5em}"
  ".kabar-failed{color:#a00}";

static void
segment_free (Segment *segment)
{
  g_free (segment->text);
  g_free (segment);
}

static void
attachment_free (Attachment *attachment)
{
  g_free (attachment->public.file_name);
  g_free (attachment->public.content_type);
  g_free (attachment->public.icon_name);
  g_free (attachment->public.content_id);
  g_clear_object (&attachment->part);
  g_clear_pointer (&attachment->data, g_bytes_unref);
  g_free (attachment);
}

static void
cid_part_free (CidPart *cid_part)
{
  g_free (cid_part->content_id);
  g_free (cid_part->content_type);
  g_object_unref (cid_part->part);
  g_free (cid_part);
}

static void
address_free (KabarDisplayAddress *address)
{
  g_free (address->name);
  g_free (address->address);
  g_free (address);
}

static void
kabar_message_display_finalize (GObject *object)
{
  KabarMessageDisplay *self = KABAR_MESSAGE_DISPLAY (object);

  g_clear_pointer (&self->raw, g_bytes_unref);
  g_clear_object (&self->message);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->date, g_date_time_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->addresses); i++)
    g_clear_pointer (&self->addresses[i], g_ptr_array_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_clear_pointer (&self->public_attachments, g_ptr_array_unref);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  g_clear_pointer (&self->cid_parts, g_ptr_array_unref);
  if (self->structure != NULL)
    g_string_free (self->structure, TRUE);
  g_free (self->html[0]);
  g_free (self->html[1]);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (kabar_message_display_parent_class)->finalize (object);
}

static void
kabar_message_display_class_init (KabarMessageDisplayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kabar_message_display_finalize;
}

static void
kabar_message_display_init (KabarMessageDisplay *self)
{
  g_mutex_init (&self->lock);
  for (guint i = 0; i < G_N_ELEMENTS (self->addresses); i++)
    self->addresses[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);
  self->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) segment_free);
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
  self->public_attachments = g_ptr_array_new ();
  self->cid_parts = g_ptr_array_new_with_free_func ((GDestroyNotify) cid_part_free);
  self->structure = g_string_new (NULL);
  self->subject = g_strdup ("");
}

/* --- segments -------------------------------------------------------------------------- */

static void
add_trusted (KabarMessageDisplay *self,
             GString             *html)
{
  Segment *segment = g_new0 (Segment, 1);

  segment->text = g_strndup (html->str, html->len);
  g_ptr_array_add (self->segments, segment);
}

static void
add_trusted_text (KabarMessageDisplay *self,
                  const char          *html)
{
  Segment *segment = g_new0 (Segment, 1);

  segment->text = g_strdup (html);
  g_ptr_array_add (self->segments, segment);
}

static void
add_untrusted (KabarMessageDisplay *self,
               char                *html)
{
  Segment *segment = g_new0 (Segment, 1);

  segment->untrusted = TRUE;
  segment->text = html;
  g_ptr_array_add (self->segments, segment);
}

static void
raise_security (KabarMessageDisplay  *self,
                KabarDisplaySecurity  security)
{
  self->security = MAX (self->security, security);
}

/* --- reading parts --------------------------------------------------------------------- */

/* The part's content with its transfer encoding undone. */
static GBytes *
decode_part (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeStream *stream;
  GByteArray *bytes;

  if (content == NULL)
    return g_bytes_new (NULL, 0);
  stream = g_mime_stream_mem_new ();
  g_mime_data_wrapper_write_to_stream (content, stream);
  bytes = g_byte_array_new ();
  g_byte_array_append (bytes, g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream))->data,
                       g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream))->len);
  g_object_unref (stream);
  return g_byte_array_free_to_bytes (bytes);
}

static gsize
decoded_size (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeStream *null;
  gsize size;

  if (content == NULL)
    return 0;
  null = g_mime_stream_null_new ();
  g_mime_data_wrapper_write_to_stream (content, null);
  size = GMIME_STREAM_NULL (null)->written;
  g_object_unref (null);
  return size;
}

static const char *
get_param (GMimeObject *object,
           const char  *name)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);

  return type != NULL ? g_mime_content_type_get_parameter (type, name) : NULL;
}

static char *
mime_type_of (GMimeObject *object)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);
  g_autofree char *mime_type = type != NULL ? g_mime_content_type_get_mime_type (type) : NULL;

  return g_ascii_strdown (mime_type != NULL ? mime_type : "application/octet-stream", -1);
}

/* A charset the HTML declares in a meta element, for HTML parts whose
 * Content-Type says none. */
static char *
sniff_html_charset (const char *data,
                    gsize       length)
{
  g_autofree char *head = g_ascii_strdown (data, (gssize) MIN (length, 2048));
  const char *at = strstr (head, "charset=");
  const char *end;

  if (at == NULL)
    return NULL;
  at += strlen ("charset=");
  while (*at == '"' || *at == '\'' || *at == ' ')
    at++;
  for (end = at; g_ascii_isalnum (*end) || *end == '-' || *end == '_' || *end == ':'; end++)
    ;
  return end > at ? g_strndup (at, (gsize) (end - at)) : NULL;
}

static char *
read_text (KabarMessageDisplay *self,
           GMimePart           *part,
           gboolean             html)
{
  g_autoptr(GBytes) bytes = decode_part (part);
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  const char *charset = get_param (GMIME_OBJECT (part), "charset");
  g_autofree char *sniffed = NULL;

  if (data == NULL)
    return g_strdup ("");
  if (html && charset == NULL)
    charset = sniffed = sniff_html_charset (data, length);
  return kabar_display_to_utf8 (data, length, charset, self->fallbacks);
}

/* A name safe to save under: no directories, no hidden files, no
 * control characters. */
static char *
safe_file_name (const char *name,
                const char *fallback)
{
  GString *out = g_string_new (NULL);
  g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "", -1);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f)
        g_string_append_c (out, '_');
      else
        g_string_append_unichar (out, c);
    }
  g_strstrip (out->str);
  g_string_set_size (out, strlen (out->str));
  while (out->str[0] == '.')
    g_string_erase (out, 0, 1);
  if (out->len == 0)
    g_string_assign (out, fallback);
  return g_string_free (out, FALSE);
}

static char *
icon_for (const char *content_type)
{
  g_autofree char *type = g_content_type_from_mime_type (content_type);
  g_autofree char *icon = type != NULL ? g_content_type_get_generic_icon_name (type) : NULL;

  return g_strdup (icon != NULL ? icon : "text-x-generic");
}

static char *
clean_content_id (const char *content_id)
{
  g_autofree char *stripped = NULL;
  gsize length;

  if (content_id == NULL)
    return NULL;
  if (g_ascii_strncasecmp (content_id, "cid:", 4) == 0)
    content_id += 4;
  stripped = g_strstrip (g_strdup (content_id));
  length = strlen (stripped);
  if (length >= 2 && stripped[0] == '<' && stripped[length - 1] == '>')
    return g_strndup (stripped + 1, length - 2);
  return length > 0 ? g_steal_pointer (&stripped) : NULL;
}

/* --- structure ------------------------------------------------------------------------- */

static void
note_structure (KabarMessageDisplay *self,
                GMimeObject         *object,
                guint                depth,
                const char          *how)
{
  g_autofree char *type = mime_type_of (object);
  const char *charset = get_param (object, "charset");
  const char *name = GMIME_IS_PART (object) ? g_mime_part_get_filename (GMIME_PART (object)) : NULL;

  for (guint i = 0; i < depth; i++)
    g_string_append (self->structure, "  ");
  g_string_append (self->structure, type);
  if (charset != NULL)
    g_string_append_printf (self->structure, " charset=%s", charset);
  if (name != NULL)
    {
      g_autofree char *safe = safe_file_name (name, "?");

      g_string_append_printf (self->structure, " name=\"%s\"", safe);
    }
  g_string_append_printf (self->structure, ": %s\n", how);
}

/* --- attachments ----------------------------------------------------------------------- */

/* What an attachment without a name of its own is saved under. */
static const char *
fallback_file_name (const char *type)
{
  if (g_str_has_prefix (type, "image/"))
    {
      /* Translators: the file name of an image sent without one. */
      return _("image");
    }
  if (g_str_equal (type, "text/calendar"))
    {
      /* Translators: the file name of a calendar invitation sent without
       * one; keep ".ics", which calendars look for. */
      return _("invitation.ics");
    }
  /* Outlook's own name for what it sends: people know it by that name. */
  if (g_str_equal (type, "application/ms-tnef"))
    return "winmail.dat";
  /* Translators: the file name of an attachment sent without one. */
  return _("attachment");
}

static Attachment *
add_attachment (KabarMessageDisplay *self,
                GMimePart           *part,
                const char          *type,
                gboolean             is_inline)
{
  Attachment *attachment = g_new0 (Attachment, 1);
  const char *fallback = fallback_file_name (type);

  attachment->part = g_object_ref (part);
  attachment->public.file_name = safe_file_name (g_mime_part_get_filename (part), fallback);
  attachment->public.content_type = g_strdup (type);
  attachment->public.size = decoded_size (part);
  attachment->public.icon_name = icon_for (type);
  attachment->public.is_inline = is_inline;
  attachment->public.content_id = clean_content_id (g_mime_object_get_content_id (GMIME_OBJECT (part)));
  g_ptr_array_add (self->attachments, attachment);
  return attachment;
}

static void
add_uu_files (KabarMessageDisplay *self,
              GPtrArray           *uu_files)
{
  for (guint i = 0; i < uu_files->len; i++)
    {
      KabarDisplayUuFile *file = g_ptr_array_index (uu_files, i);
      Attachment *attachment = g_new0 (Attachment, 1);
      g_autofree char *guessed = g_content_type_guess (file->file_name, NULL, 0, NULL);
      g_autofree char *mime_type = g_content_type_get_mime_type (guessed);

      attachment->data = g_bytes_ref (file->data);
      attachment->public.file_name = safe_file_name (file->file_name, _("attachment"));
      attachment->public.content_type = g_strdup (mime_type != NULL ? mime_type : "application/octet-stream");
      attachment->public.size = g_bytes_get_size (file->data);
      attachment->public.icon_name = icon_for (attachment->public.content_type);
      g_ptr_array_add (self->attachments, attachment);
    }
}

/* The part under its content ID for the view's cid: URLs; an image
 * shown in place with none gets one of Kabar's. */
static const char *
register_cid (KabarMessageDisplay *self,
              GMimePart           *part,
              const char          *type)
{
  CidPart *cid_part = g_new0 (CidPart, 1);
  char *content_id = clean_content_id (g_mime_object_get_content_id (GMIME_OBJECT (part)));

  if (content_id == NULL)
    content_id = g_strdup_printf ("kabar-part-%u", self->cid_parts->len);
  cid_part->content_id = content_id;
  cid_part->content_type = g_strdup (type);
  cid_part->part = g_object_ref (part);
  g_ptr_array_add (self->cid_parts, cid_part);
  return cid_part->content_id;
}

/* --- the walk -------------------------------------------------------------------------- */

static void walk (KabarMessageDisplay *self, GMimeObject *object, guint depth, gboolean resource);
static void walk_multipart (KabarMessageDisplay *self, GMimeMultipart *multipart, const char *type, guint depth);

static void
append_header_row (GString    *html,
                   const char *label,
                   const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append (html, "<tr><th>");
  kabar_display_append_escaped (html, label, -1);
  g_string_append (html, "</th><td>");
  kabar_display_append_escaped (html, value, -1);
  g_string_append (html, "</td></tr>");
}

/* Kabar's options with the fallback charsets for the reader's language. */
static GMimeParserOptions *
make_parser_options (const char * const *fallbacks)
{
  GMimeParserOptions *shared = kabar_mime_get_parser_options ();
  GMimeParserOptions *options = g_mime_parser_options_clone (shared);
  g_autoptr(GPtrArray) charsets = g_ptr_array_new ();

  g_ptr_array_add (charsets, (gpointer) "UTF-8");
  for (guint i = 0; fallbacks[i] != NULL; i++)
    g_ptr_array_add (charsets, (gpointer) fallbacks[i]);
  g_ptr_array_add (charsets, NULL);
  g_mime_parser_options_set_fallback_charsets (options, (const char **) charsets->pdata);
  return options;
}

static char *
dup_addresses_text (GMimeMessage       *message,
                    GMimeAddressType    type,
                    GMimeParserOptions *options)
{
  InternetAddressList *list = kabar_mime_dup_addresses (message, type, options);
  char *text = internet_address_list_length (list) > 0 ? internet_address_list_to_string (list, NULL, FALSE) : NULL;

  g_object_unref (list);
  return text;
}

static void
show_nested_message (KabarMessageDisplay *self,
                     GMimeMessage        *message,
                     guint                depth)
{
  GString *html = g_string_new ("<div class=\"kabar-nested-message\"><table class=\"kabar-nested-headers\">");
  GMimeParserOptions *options = make_parser_options (self->fallbacks);
  g_autofree char *from = dup_addresses_text (message, GMIME_ADDRESS_TYPE_FROM, options);
  g_autofree char *to = dup_addresses_text (message, GMIME_ADDRESS_TYPE_TO, options);
  g_autofree char *cc = dup_addresses_text (message, GMIME_ADDRESS_TYPE_CC, options);
  g_autofree char *subject = kabar_mime_dup_subject (message, options);
  GDateTime *date = g_mime_message_get_date (message);
  g_autofree char *date_text = date != NULL ? g_date_time_format (date, "%Y-%m-%d %H:%M %z") : NULL;

  /* The header of a message inside this one: the same labels as the
   * view's own header. */
  append_header_row (html, C_("message header", "From"), from);
  append_header_row (html, C_("message header", "To"), to);
  append_header_row (html, C_("message header", "Cc"), cc);
  append_header_row (html, C_("message header", "Date"), date_text);
  append_header_row (html, C_("message header", "Subject"), subject);
  g_mime_parser_options_free (options);
  g_string_append (html, "</table>");
  add_trusted (self, html);
  g_string_free (html, TRUE);
  if (g_mime_message_get_mime_part (message) != NULL)
    walk (self, g_mime_message_get_mime_part (message), depth + 1, FALSE);
  add_trusted_text (self, "</div>");
}

static void
show_text (KabarMessageDisplay *self,
           GMimePart           *part)
{
  g_autofree char *text = read_text (self, part, FALSE);
  const char *format = get_param (GMIME_OBJECT (part), "format");
  const char *delsp = get_param (GMIME_OBJECT (part), "delsp");
  g_autoptr(GPtrArray) uu_files = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_display_uu_file_free);
  GString *html = g_string_new ("<div class=\"kabar-part kabar-plain\">");

  /* Inline OpenPGP: labelled, not verified or decrypted. */
  if (strstr (text, "-----BEGIN PGP MESSAGE-----") != NULL)
    raise_security (self, KABAR_DISPLAY_SECURITY_ENCRYPTED_CANNOT_DECRYPT);
  else if (strstr (text, "-----BEGIN PGP SIGNED MESSAGE-----") != NULL)
    raise_security (self, KABAR_DISPLAY_SECURITY_SIGNED_NOT_VERIFIED);
  kabar_display_text_to_html (html, text,
                              format != NULL && g_ascii_strcasecmp (format, "flowed") == 0,
                              delsp != NULL && g_ascii_strcasecmp (delsp, "yes") == 0,
                              uu_files);
  g_string_append (html, "</div>");
  add_trusted (self, html);
  g_string_free (html, TRUE);
  add_uu_files (self, uu_files);
}

static void
show_html (KabarMessageDisplay *self,
           GMimePart           *part)
{
  add_untrusted (self, read_text (self, part, TRUE));
}

static void
show_calendar (KabarMessageDisplay *self,
               GMimePart           *part)
{
  g_autofree char *text = read_text (self, part, FALSE);
  GString *html = g_string_new ("<div class=\"kabar-part\">");

  kabar_display_calendar_to_html (html, text);
  g_string_append (html, "</div>");
  add_trusted (self, html);
  g_string_free (html, TRUE);
}

static void
show_delivery_status (KabarMessageDisplay *self,
                      GMimePart           *part)
{
  g_autofree char *text = read_text (self, part, FALSE);
  GString *html = g_string_new ("<div class=\"kabar-part kabar-delivery-report\">");

  kabar_display_delivery_status_to_html (html, text);
  g_string_append (html, "</div>");
  add_trusted (self, html);
  g_string_free (html, TRUE);
}

/* text/rfc822-headers: the returned message's header, as text. */
static void
show_headers_text (KabarMessageDisplay *self,
                   GMimePart           *part)
{
  g_autofree char *text = read_text (self, part, FALSE);
  GString *html = g_string_new ("<div class=\"kabar-nested-message\"><div class=\"kabar-part kabar-plain\">");

  kabar_display_append_escaped (html, text, -1);
  g_string_append (html, "</div></div>");
  add_trusted (self, html);
  g_string_free (html, TRUE);
}

static void
show_security_note (KabarMessageDisplay *self,
                    const char          *text)
{
  g_autoptr(GString) html = g_string_new ("<div class=\"kabar-part kabar-security-note\"><p>");

  kabar_display_append_escaped (html, text, -1);
  g_string_append (html, "</p></div>");
  add_trusted (self, html);
}

static void
show_image (KabarMessageDisplay *self,
            GMimePart           *part,
            const char          *type,
            const char          *content_id)
{
  g_autoptr(GString) html = g_string_new ("<div class=\"kabar-part kabar-attachment\"><img src=\"cid:");

  kabar_display_append_escaped (html, content_id, -1);
  g_string_append (html, "\"></div>");
  add_trusted (self, html);
}

static gboolean
is_attachment (GMimePart *part)
{
  const char *disposition = g_mime_object_get_disposition (GMIME_OBJECT (part));

  return disposition != NULL && g_ascii_strcasecmp (disposition, GMIME_DISPOSITION_ATTACHMENT) == 0;
}

static void
walk_pkcs7 (KabarMessageDisplay *self,
            GMimePart           *part,
            const char          *type,
            guint                depth)
{
  const char *smime_type = get_param (GMIME_OBJECT (part), "smime-type");

  if (smime_type != NULL && g_ascii_strcasecmp (smime_type, "signed-data") == 0)
    {
      raise_security (self, KABAR_DISPLAY_SECURITY_SIGNED_NOT_VERIFIED);
      note_structure (self, GMIME_OBJECT (part), depth, "S/MIME signed data, offered as a file");
      show_security_note (self, _("This message is signed in a form Kabar cannot read yet: its content "
                                  "is in the attached .p7m file."));
      add_attachment (self, part, type, FALSE);
      return;
    }
  raise_security (self, KABAR_DISPLAY_SECURITY_ENCRYPTED_CANNOT_DECRYPT);
  note_structure (self, GMIME_OBJECT (part), depth, "encrypted, not shown");
  show_security_note (self, _("This message is encrypted. Kabar cannot decrypt it, so its content cannot be shown."));
}

/* resource: a part of a multipart/related other than its root, there
 * for the root to refer to, not to be shown in its own place. */
static void
walk_part (KabarMessageDisplay *self,
           GMimePart           *part,
           guint                depth,
           gboolean             resource)
{
  g_autofree char *type = mime_type_of (GMIME_OBJECT (part));
  gboolean attached = is_attachment (part);
  /* Any part may be referred to by its content ID, whatever its type. */
  const char *content_id = g_mime_object_get_content_id (GMIME_OBJECT (part)) != NULL
                           ? register_cid (self, part, type) : NULL;

  if (g_str_equal (type, "application/pkcs7-mime") || g_str_equal (type, "application/x-pkcs7-mime"))
    walk_pkcs7 (self, part, type, depth);
  else if (g_str_equal (type, "text/calendar"))
    {
      /* Shown and offered as a file, to be added to a calendar. */
      note_structure (self, GMIME_OBJECT (part), depth, "event summary, attachment");
      show_calendar (self, part);
      add_attachment (self, part, type, FALSE);
    }
  else if (g_str_equal (type, "message/delivery-status") || g_str_equal (type, "message/global-delivery-status"))
    {
      note_structure (self, GMIME_OBJECT (part), depth, "delivery status");
      show_delivery_status (self, part);
    }
  else if (!attached && (g_str_equal (type, "text/rfc822-headers") || g_str_equal (type, "text/global-headers")))
    {
      note_structure (self, GMIME_OBJECT (part), depth, "returned headers");
      show_headers_text (self, part);
    }
  else if (!attached && g_str_equal (type, "text/html"))
    {
      note_structure (self, GMIME_OBJECT (part), depth, "shown as HTML");
      show_html (self, part);
    }
  else if (!attached && g_str_has_prefix (type, "text/"))
    {
      note_structure (self, GMIME_OBJECT (part), depth, "shown as text");
      show_text (self, part);
    }
  else if (resource && g_str_has_prefix (type, "image/"))
    {
      note_structure (self, GMIME_OBJECT (part), depth, "image for the HTML, attachment unless shown there");
      add_attachment (self, part, type, TRUE);
    }
  else if (!attached && g_str_has_prefix (type, "image/") && !g_str_has_prefix (type, "image/svg"))
    {
      note_structure (self, GMIME_OBJECT (part), depth, "inline image, attachment");
      add_attachment (self, part, type, TRUE);
      show_image (self, part, type, content_id != NULL ? content_id : register_cid (self, part, type));
    }
  else
    {
      note_structure (self, GMIME_OBJECT (part), depth, "attachment");
      add_attachment (self, part, type, FALSE);
    }
}

/* multipart/alternative: the last part of the kind wanted (parts go from
 * plainest to richest), or the richest part there is. */
static int
choose_alternative (KabarMessageDisplay *self,
                    GMimeMultipart      *multipart)
{
  const char *wanted = (self->flags & KABAR_DISPLAY_PREFER_HTML) ? "text/html" : "text/plain";
  int count = g_mime_multipart_get_count (multipart);
  int chosen = -1;
  int known = -1;

  for (int i = 0; i < count; i++)
    {
      GMimeObject *part = g_mime_multipart_get_part (multipart, i);
      g_autofree char *type = mime_type_of (part);

      if (g_str_equal (type, wanted))
        chosen = i;
      if (g_str_has_prefix (type, "text/plain") || g_str_has_prefix (type, "text/html")
          || GMIME_IS_MULTIPART (part) || g_str_equal (type, "text/calendar"))
        known = i;
    }
  /* A related or mixed part holding the HTML counts as HTML. */
  if (chosen < 0 || ((self->flags & KABAR_DISPLAY_PREFER_HTML) && known > chosen
                     && GMIME_IS_MULTIPART (g_mime_multipart_get_part (multipart, known))))
    chosen = known;
  return chosen >= 0 ? chosen : count - 1;
}

static void
walk_alternative (KabarMessageDisplay *self,
                  GMimeMultipart      *multipart,
                  guint                depth)
{
  int chosen = choose_alternative (self, multipart);
  int count = g_mime_multipart_get_count (multipart);

  for (int i = 0; i < count; i++)
    {
      GMimeObject *part = g_mime_multipart_get_part (multipart, i);

      g_autofree char *type = mime_type_of (part);

      /* An invitation's calendar is an alternative to its text that
       * says more: the event is shown besides the text. */
      if (i == chosen || g_str_equal (type, "text/calendar"))
        walk (self, part, depth, FALSE);
      else
        note_structure (self, part, depth, "alternative not shown");
    }
}

static void
walk_signed (KabarMessageDisplay *self,
             GMimeMultipart      *multipart,
             guint                depth)
{
  int count = g_mime_multipart_get_count (multipart);

  raise_security (self, KABAR_DISPLAY_SECURITY_SIGNED_NOT_VERIFIED);
  if (count > 0)
    walk (self, g_mime_multipart_get_part (multipart, 0), depth, FALSE);
  for (int i = 1; i < count; i++)
    note_structure (self, g_mime_multipart_get_part (multipart, i), depth, "signature, not verified");
}

/* The boundary a multipart's body uses, guessed from its first line that
 * starts with "--": for senders that forgot the boundary parameter. */
static char *
guess_boundary (const char *body)
{
  const char *line = body;

  while (line != NULL && *line != '\0')
    {
      if (g_str_has_prefix (line, "--") && line[2] != '\0' && !g_ascii_isspace (line[2]))
        {
          gsize length = strcspn (line + 2, "\r\n");
          g_autofree char *boundary = g_strstrip (g_strndup (line + 2, length));

          if (g_str_has_suffix (boundary, "--"))
            boundary[strlen (boundary) - 2] = '\0';
          return boundary[0] != '\0' && strchr (boundary, '"') == NULL ? g_steal_pointer (&boundary) : NULL;
        }
      line = strchr (line, '\n');
      if (line != NULL)
        line++;
    }
  return NULL;
}

/* A multipart without a boundary parameter has no parts to GMime, and
 * its body is left in the prologue: read again with the boundary its
 * lines use. */
static gboolean
walk_without_boundary (KabarMessageDisplay *self,
                       GMimeMultipart      *multipart,
                       const char          *type,
                       guint                depth)
{
  const char *body = g_mime_multipart_get_prologue (multipart);
  g_autofree char *boundary = NULL;
  g_autofree char *text = NULL;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeObject *object;

  if (body == NULL || get_param (GMIME_OBJECT (multipart), "boundary") != NULL
      || (boundary = guess_boundary (body)) == NULL)
    return FALSE;
  text = g_strdup_printf ("Content-Type: %s; boundary=\"%s\"\n\n%s", type, boundary, body);
  stream = g_mime_stream_mem_new_with_buffer (text, strlen (text));
  parser = g_mime_parser_new_with_stream (stream);
  object = g_mime_parser_construct_part (parser, kabar_mime_get_parser_options ());
  g_object_unref (parser);
  g_object_unref (stream);
  if (object == NULL || !GMIME_IS_MULTIPART (object) || g_mime_multipart_get_count (GMIME_MULTIPART (object)) == 0)
    {
      g_clear_object (&object);
      return FALSE;
    }
  walk_multipart (self, GMIME_MULTIPART (object), type, depth);
  g_object_unref (object);
  return TRUE;
}

/* The part the start parameter names, else the first (RFC 2387). */
static GMimeObject *
related_root (GMimeMultipart *multipart)
{
  g_autofree char *start = clean_content_id (get_param (GMIME_OBJECT (multipart), "start"));
  int count = g_mime_multipart_get_count (multipart);

  for (int i = 0; start != NULL && i < count; i++)
    {
      GMimeObject *part = g_mime_multipart_get_part (multipart, i);
      g_autofree char *content_id = clean_content_id (g_mime_object_get_content_id (part));

      if (g_strcmp0 (content_id, start) == 0)
        return part;
    }
  return count > 0 ? g_mime_multipart_get_part (multipart, 0) : NULL;
}

static void
walk_multipart (KabarMessageDisplay *self,
                GMimeMultipart      *multipart,
                const char          *type,
                guint                depth)
{
  gboolean related = g_str_equal (type, "multipart/related");
  gboolean report = g_str_equal (type, "multipart/report");
  int count = g_mime_multipart_get_count (multipart);
  GMimeObject *root = related ? related_root (multipart) : NULL;

  if (g_str_equal (type, "multipart/alternative"))
    {
      walk_alternative (self, multipart, depth);
      return;
    }
  if (g_str_equal (type, "multipart/signed"))
    {
      walk_signed (self, multipart, depth);
      return;
    }
  if (g_str_equal (type, "multipart/encrypted"))
    {
      raise_security (self, KABAR_DISPLAY_SECURITY_ENCRYPTED_CANNOT_DECRYPT);
      for (int i = 0; i < count; i++)
        note_structure (self, g_mime_multipart_get_part (multipart, i), depth, "encrypted, not shown");
      show_security_note (self, _("This message is encrypted. Kabar cannot decrypt it, so its content cannot be shown."));
      return;
    }
  if (count == 0 && walk_without_boundary (self, multipart, type, depth))
    return;
  if (report)
    add_trusted_text (self, "<div class=\"kabar-delivery-report\">");
  for (int i = 0; i < count; i++)
    {
      GMimeObject *part = g_mime_multipart_get_part (multipart, i);

      walk (self, part, depth, related && part != root);
    }
  if (report)
    add_trusted_text (self, "</div>");
}

static void
walk (KabarMessageDisplay *self,
      GMimeObject         *object,
      guint                depth,
      gboolean             resource)
{
  g_autofree char *type = mime_type_of (object);

  if (depth > KABAR_DISPLAY_MAX_DEPTH)
    {
      note_structure (self, object, depth, "too deep, not shown");
      return;
    }
  if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *message = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));

      note_structure (self, object, depth, "nested message");
      if (message != NULL)
        show_nested_message (self, message, depth);
      return;
    }
  if (GMIME_IS_MULTIPART (object))
    {
      note_structure (self, object, depth, "parts");
      walk_multipart (self, GMIME_MULTIPART (object), type, depth + 1);
      return;
    }
  if (GMIME_IS_PART (object))
    {
      walk_part (self, GMIME_PART (object), depth, resource);
      return;
    }
  note_structure (self, object, depth, "not shown");
}

/* --- the header ------------------------------------------------------------------------ */

static void
read_addresses (GPtrArray           *into,
                InternetAddressList *list,
                guint                depth)
{
  int count = list != NULL ? internet_address_list_length (list) : 0;

  for (int i = 0; i < count && depth < 4; i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (address))
        read_addresses (into, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)), depth + 1);
      else if (INTERNET_ADDRESS_IS_MAILBOX (address))
        {
          KabarDisplayAddress *mailbox = g_new0 (KabarDisplayAddress, 1);
          const char *name = internet_address_get_name (address);
          const char *addr = internet_address_mailbox_get_idn_addr (INTERNET_ADDRESS_MAILBOX (address));

          mailbox->name = g_utf8_make_valid (name != NULL ? name : "", -1);
          mailbox->address = g_utf8_make_valid (addr != NULL ? addr : "", -1);
          g_ptr_array_add (into, mailbox);
        }
    }
}

static void
read_header (KabarMessageDisplay *self)
{
  GMimeParserOptions *options = make_parser_options (self->fallbacks);
  g_autofree char *subject = kabar_mime_dup_subject (self->message, options);
  GDateTime *date = g_mime_message_get_date (self->message);
  static const struct { KabarDisplayField field; GMimeAddressType type; } lists[] = {
    { KABAR_DISPLAY_FROM, GMIME_ADDRESS_TYPE_FROM },
    { KABAR_DISPLAY_TO, GMIME_ADDRESS_TYPE_TO },
    { KABAR_DISPLAY_CC, GMIME_ADDRESS_TYPE_CC },
    { KABAR_DISPLAY_REPLY_TO, GMIME_ADDRESS_TYPE_REPLY_TO },
  };

  g_free (self->subject);
  self->subject = g_strdup (subject != NULL ? subject : "");
  /* One line, for the window's title. */
  g_strdelimit (self->subject, "\r\n\t", ' ');
  self->date = date != NULL ? g_date_time_ref (date) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      InternetAddressList *list = kabar_mime_dup_addresses (self->message, lists[i].type, options);

      read_addresses (self->addresses[lists[i].field], list, 0);
      g_object_unref (list);
    }
  g_mime_parser_options_free (options);
}

/* --- building -------------------------------------------------------------------------- */

/* Lone CRs (old Macs' line ends, or some lines of a message pieced
 * together) as LF, since GMime only ends lines at LF. Binary parts could
 * hold CRs as data: a message that has any is left alone. */
static GBytes *
normalise_line_ends (GBytes *raw)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (raw, &length);
  gboolean lone_cr = FALSE;
  GString *out;

  for (gsize i = 0; i < length && !lone_cr; i++)
    lone_cr = data[i] == '\r' && (i + 1 == length || data[i + 1] != '\n');
  if (!lone_cr || g_strstr_len (data, (gssize) length, "ransfer-Encoding: binary") != NULL)
    return g_bytes_ref (raw);
  out = g_string_sized_new (length);
  for (gsize i = 0; i < length; i++)
    {
      if (data[i] == '\r' && (i + 1 == length || data[i + 1] != '\n'))
        g_string_append_c (out, '\n');
      else
        g_string_append_c (out, data[i]);
    }
  return g_string_free_to_bytes (out);
}

static GMimeMessage *
parse (GBytes             *raw,
       const char * const *fallbacks)
{
  gsize length = 0;
  g_autoptr(GBytes) normal = normalise_line_ends (raw);
  const guint8 *data = g_bytes_get_data (normal, &length);
  GMimeParserOptions *options = make_parser_options (fallbacks);
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer ((const char *) data, length);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message;

  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  message = g_mime_parser_construct_message (parser, options);
  g_object_unref (parser);
  g_object_unref (stream);
  g_mime_parser_options_free (options);
  return message;
}

static gboolean
in_cids (GPtrArray  *cids,
         const char *content_id)
{
  for (guint i = 0; content_id != NULL && i < cids->len; i++)
    if (g_str_equal (g_ptr_array_index (cids, i), content_id))
      return TRUE;
  return FALSE;
}

static char *
build_html (KabarMessageDisplay *self,
            gboolean             load_remote,
            KabarSanitizeResult *result)
{
  GString *html = g_string_new ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                "<style id=\"kabar-style\">");

  g_string_append (html, default_style);
  g_string_append (html, "</style></head>\n<body class=\"kabar-message\">\n");
  for (guint i = 0; i < self->segments->len; i++)
    {
      Segment *segment = g_ptr_array_index (self->segments, i);

      if (!segment->untrusted)
        {
          g_string_append (html, segment->text);
          continue;
        }
      g_string_append (html, "<div class=\"kabar-part kabar-html\">");
      kabar_display_sanitize_html (html, segment->text, strlen (segment->text), load_remote, result);
      g_string_append (html, "</div>");
    }
  g_string_append (html, "\n</body></html>\n");
  return g_string_free (html, FALSE);
}

/* The remote-off document is what the view shows first, and making it
 * finds what the HTML refers to: images it shows through cid: are no
 * attachments to list again. */
static void
finish (KabarMessageDisplay *self)
{
  g_autoptr(GPtrArray) cids = g_ptr_array_new_with_free_func (g_free);
  KabarSanitizeResult result = { 0, cids };

  self->html[FALSE] = build_html (self, FALSE, &result);
  self->n_remote = result.n_remote;
  for (guint i = 0; i < self->attachments->len; i++)
    {
      Attachment *attachment = g_ptr_array_index (self->attachments, i);

      if (attachment->part != NULL && g_str_has_prefix (attachment->public.content_type, "image/")
          && in_cids (cids, attachment->public.content_id))
        g_ptr_array_remove_index (self->attachments, i--);
    }
  for (guint i = 0; i < self->attachments->len; i++)
    g_ptr_array_add (self->public_attachments, &((Attachment *) g_ptr_array_index (self->attachments, i))->public);
}

KabarMessageDisplay *
kabar_message_display_new (GBytes             *raw,
                           KabarDisplayFlags   flags,
                           const char         *language,
                           GError            **error)
{
  g_autoptr(KabarMessageDisplay) self = NULL;

  g_return_val_if_fail (raw != NULL, NULL);
  kabar_mime_get_parser_options ();
  self = g_object_new (KABAR_TYPE_MESSAGE_DISPLAY, NULL);
  self->raw = g_bytes_ref (raw);
  self->flags = flags;
  self->fallbacks = kabar_display_fallback_charsets (language);
  if (g_bytes_get_size (raw) > 0)
    self->message = parse (raw, self->fallbacks);
  if (self->message == NULL)
    {
      g_set_error_literal (error, KABAR_DISPLAY_ERROR, KABAR_DISPLAY_ERROR_NOT_A_MESSAGE,
                           g_bytes_get_size (raw) == 0 ? _("The message could not be read: it is empty")
                           : _("The message could not be read: GMime found no message in it"));
      return NULL;
    }
  read_header (self);
  if (g_mime_message_get_mime_part (self->message) != NULL)
    walk (self, g_mime_message_get_mime_part (self->message), 0, FALSE);
  finish (self);
  return g_steal_pointer (&self);
}

typedef struct
{
  GBytes            *raw;
  KabarDisplayFlags  flags;
  char              *language;
} NewData;

static void
new_data_free (NewData *data)
{
  g_bytes_unref (data->raw);
  g_free (data->language);
  g_free (data);
}

static void
new_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  NewData *data = task_data;
  GError *error = NULL;
  KabarMessageDisplay *display = kabar_message_display_new (data->raw, data->flags, data->language, &error);

  if (display != NULL)
    g_task_return_pointer (task, display, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
kabar_message_display_new_async (GBytes              *raw,
                                 KabarDisplayFlags    flags,
                                 const char          *language,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  NewData *data = g_new0 (NewData, 1);

  g_return_if_fail (raw != NULL);
  g_task_set_source_tag (task, kabar_message_display_new_async);
  data->raw = g_bytes_ref (raw);
  data->flags = flags;
  data->language = g_strdup (language);
  g_task_set_task_data (task, data, (GDestroyNotify) new_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, new_in_thread);
}

KabarMessageDisplay *
kabar_message_display_new_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- getters --------------------------------------------------------------------------- */

const char *
kabar_message_display_get_subject (KabarMessageDisplay *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), NULL);
  return self->subject;
}

GDateTime *
kabar_message_display_get_date (KabarMessageDisplay *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), NULL);
  return self->date;
}

GPtrArray *
kabar_message_display_get_addresses (KabarMessageDisplay *self,
                                     KabarDisplayField    field)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), NULL);
  g_return_val_if_fail (field <= KABAR_DISPLAY_REPLY_TO, NULL);
  return self->addresses[field];
}

const char *
kabar_message_display_get_html (KabarMessageDisplay *self,
                                gboolean             load_remote)
{
  const char *html;

  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), NULL);
  load_remote = !!load_remote;
  g_mutex_lock (&self->lock);
  if (self->html[load_remote] == NULL)
    {
      KabarSanitizeResult result = { 0, NULL };

      self->html[load_remote] = build_html (self, load_remote, &result);
    }
  html = self->html[load_remote];
  g_mutex_unlock (&self->lock);
  return html;
}

guint
kabar_message_display_get_n_remote (KabarMessageDisplay *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), 0);
  return self->n_remote;
}

gboolean
kabar_message_display_has_remote_content (KabarMessageDisplay *self)
{
  return kabar_message_display_get_n_remote (self) > 0;
}

KabarDisplaySecurity
kabar_message_display_get_security (KabarMessageDisplay *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), KABAR_DISPLAY_SECURITY_NONE);
  return self->security;
}

char *
kabar_message_display_dup_structure (KabarMessageDisplay *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), NULL);
  return g_strndup (self->structure->str, self->structure->len);
}

GPtrArray *
kabar_message_display_get_attachments (KabarMessageDisplay *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), NULL);
  return self->public_attachments;
}

GBytes *
kabar_message_display_dup_attachment_data (KabarMessageDisplay  *self,
                                           guint                 index,
                                           GError              **error)
{
  Attachment *attachment;
  GBytes *data;

  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), NULL);
  if (index >= self->attachments->len)
    {
      g_set_error (error, KABAR_DISPLAY_ERROR, KABAR_DISPLAY_ERROR_NO_SUCH_ATTACHMENT,
                   /* Translators: the first %u is the attachment asked for,
                    * the second how many the message has, which picks the
                    * plural form. */
                   g_dngettext (GETTEXT_PACKAGE, "The message has no attachment number %u: it has %u",
                                "The message has no attachment number %u: it has %u", self->attachments->len),
                   index + 1, self->attachments->len);
      return NULL;
    }
  attachment = g_ptr_array_index (self->attachments, index);
  if (attachment->data != NULL)
    return g_bytes_ref (attachment->data);
  g_mutex_lock (&self->lock);
  data = decode_part (attachment->part);
  g_mutex_unlock (&self->lock);
  return data;
}

GBytes *
kabar_message_display_dup_cid_data (KabarMessageDisplay  *self,
                                    const char           *content_id,
                                    char                **content_type,
                                    GError              **error)
{
  g_autofree char *wanted = NULL;
  g_autofree char *unescaped = NULL;

  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), NULL);
  g_return_val_if_fail (content_id != NULL, NULL);
  wanted = clean_content_id (content_id);
  /* The view hands over the URL as written, maybe percent-encoded. */
  unescaped = wanted != NULL ? g_uri_unescape_string (wanted, NULL) : NULL;
  for (guint i = 0; wanted != NULL && i < self->cid_parts->len; i++)
    {
      CidPart *cid_part = g_ptr_array_index (self->cid_parts, i);
      GBytes *data;

      if (!g_str_equal (cid_part->content_id, wanted)
          && (unescaped == NULL || !g_str_equal (cid_part->content_id, unescaped)))
        continue;
      if (content_type != NULL)
        *content_type = g_strdup (cid_part->content_type);
      g_mutex_lock (&self->lock);
      data = decode_part (cid_part->part);
      g_mutex_unlock (&self->lock);
      return data;
    }
  g_set_error (error, KABAR_DISPLAY_ERROR, KABAR_DISPLAY_ERROR_NO_SUCH_ATTACHMENT,
               _("The message has no part with content ID “%s”"), content_id);
  return NULL;
}

GBytes *
kabar_message_display_get_raw (KabarMessageDisplay *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), NULL);
  return self->raw;
}

char *
kabar_message_display_dup_source_text (KabarMessageDisplay *self)
{
  gsize length = 0;
  const char *data;
  GString *out;
  g_autofree char *valid = NULL;

  g_return_val_if_fail (KABAR_IS_MESSAGE_DISPLAY (self), NULL);
  data = g_bytes_get_data (self->raw, &length);
  out = g_string_sized_new (length);
  for (gsize i = 0; i < length; i++)
    {
      if (data[i] == '\r')
        {
          g_string_append_c (out, '\n');
          if (i + 1 < length && data[i + 1] == '\n')
            i++;
        }
      else if (data[i] == '\0')
        g_string_append (out, "\xEF\xBF\xBD");
      else
        g_string_append_c (out, data[i]);
    }
  valid = g_utf8_make_valid (out->str, (gssize) out->len);
  g_string_free (out, TRUE);
  return g_steal_pointer (&valid);
}

/* --- dates ----------------------------------------------------------------------------- */

/* Whether the locale writes times with AM/PM: its own time format says,
 * not whether it has words for AM and PM (the C locale has both). */
static gboolean
locale_uses_12_hours (GDateTime *time)
{
  g_autofree char *am_pm = g_date_time_format (time, "%p");
  g_autofree char *full = g_date_time_format (time, "%X");

  return am_pm != NULL && am_pm[0] != '\0' && full != NULL && strstr (full, am_pm) != NULL;
}

char *
kabar_display_format_date (GDateTime *date,
                           GDateTime *now)
{
  g_autoptr(GDateTime) current = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_local ();
  g_autoptr(GDateTime) local = NULL;
  int year, month, day, now_year, now_month, now_day;

  g_return_val_if_fail (date != NULL, NULL);
  local = g_date_time_to_timezone (date, g_date_time_get_timezone (current));
  g_date_time_get_ymd (local, &year, &month, &day);
  g_date_time_get_ymd (current, &now_year, &now_month, &now_day);
  if (year == now_year && month == now_month && day == now_day)
    {
      g_autofree char *time = g_date_time_format (local, locale_uses_12_hours (local) ? "%-l:%M %p" : "%H:%M");

      return g_strdup (g_strstrip (time));
    }
  return g_date_time_format (local, "%x");
}
