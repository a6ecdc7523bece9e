/* kabar-outgoing-body.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The MIME tree of an outgoing message, every part encoded so that a
 * server without 8BITMIME takes it.
 */

#include "config.h"

#include <string.h>

#include "kabar-outgoing-body.h"
#include "kabar-outgoing-flowed.h"

#define DEFAULT_CONTENT_TYPE "application/octet-stream"

static char *
guess_content_type (const char *file_name,
                    GBytes     *data)
{
  gsize size = 0;
  const guchar *bytes = g_bytes_get_data (data, &size);
  g_autofree char *guessed = g_content_type_guess (file_name, bytes, size, NULL);
  char *mime_type = guessed != NULL ? g_content_type_get_mime_type (guessed) : NULL;

  return mime_type != NULL ? mime_type : g_strdup (DEFAULT_CONTENT_TYPE);
}

KabarOutgoingFile *
kabar_outgoing_file_new (GBytes     *data,
                         const char *file_name,
                         const char *content_type,
                         const char *content_id)
{
  KabarOutgoingFile *file = g_new0 (KabarOutgoingFile, 1);

  file->data = g_bytes_ref (data);
  file->file_name = g_strdup (file_name);
  file->content_type = content_type != NULL ? g_strdup (content_type) : guess_content_type (file_name, data);
  file->content_id = g_strdup (content_id);
  return file;
}

void
kabar_outgoing_file_free (KabarOutgoingFile *file)
{
  g_bytes_unref (file->data);
  g_free (file->file_name);
  g_free (file->content_type);
  g_free (file->content_id);
  g_free (file);
}

char *
kabar_outgoing_file_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  /* The file system's encoding is not always UTF-8; headers must be. */
  return basename != NULL ? g_filename_display_name (basename) : g_strdup ("attachment");
}

/* --- parts -------------------------------------------------------------------------------- */

static void
set_content (GMimePart  *part,
             const void *data,
             gsize       size)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (data, size);
  GMimeDataWrapper *wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);

  g_mime_part_set_content (part, wrapper);
  g_object_unref (wrapper);
  g_object_unref (stream);
}

/* Base64 hides the line ends from the newline filter that makes the
 * rest of the message CRLF, and RFC 2046 wants text's canonical CRLF
 * inside it. */
static char *
with_crlf (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  return g_strjoinv ("\r\n", lines);
}

/* Text as the composer may give it, with CRLF or LF. */
static char *
with_lf (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

  return g_strjoinv ("\n", lines);
}

/* Quoted-printable for text that is mostly ASCII, base64 for the rest
 * (Hindi, say), plain 7bit when it already is: GMime measures. */
static void
encode_text (GMimePart  *part,
             const char *content)
{
  GMimeContentEncoding encoding = g_mime_part_get_best_content_encoding (part, GMIME_ENCODING_CONSTRAINT_7BIT);

  if (encoding == GMIME_CONTENT_ENCODING_BASE64)
    {
      g_autofree char *canonical = with_crlf (content);

      set_content (part, canonical, strlen (canonical));
    }
  g_mime_part_set_content_encoding (part, encoding);
}

static GMimeObject *
new_text_part (const char *subtype,
               const char *text,
               gboolean    flowed)
{
  GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);
  g_autofree char *content = flowed ? kabar_flowed_encode (text) : with_lf (text);

  /* Not g_mime_text_part_set_text(): it would pick the smallest charset
   * that fits, and the composer's text is UTF-8. */
  set_content (GMIME_PART (part), content, strlen (content));
  g_mime_text_part_set_charset (part, "utf-8");
  if (flowed)
    g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "format", "flowed");
  encode_text (GMIME_PART (part), content);
  return GMIME_OBJECT (part);
}

/* RFC 2046 allows only identity encodings for message/rfc822; a
 * forwarded message that is not 7-bit goes base64 all the same, which
 * readers take, rather than 8-bit, which servers may refuse. */
static void
encode_file (GMimePart  *part,
             const char *content_type)
{
  GMimeContentEncoding encoding = GMIME_CONTENT_ENCODING_BASE64;

  if (g_ascii_strncasecmp (content_type, "message/", 8) == 0)
    {
      /* GMime says DEFAULT for data that is 7-bit already. */
      encoding = g_mime_part_get_best_content_encoding (part, GMIME_ENCODING_CONSTRAINT_7BIT);
      if (encoding == GMIME_CONTENT_ENCODING_DEFAULT)
        encoding = GMIME_CONTENT_ENCODING_7BIT;
      if (encoding != GMIME_CONTENT_ENCODING_7BIT)
        encoding = GMIME_CONTENT_ENCODING_BASE64;
    }
  g_mime_part_set_content_encoding (part, encoding);
}

static GMimeObject *
new_file_part (const KabarOutgoingFile *file,
               const char              *disposition)
{
  GMimeContentType *type = g_mime_content_type_parse (NULL, file->content_type);
  GMimePart *part = g_mime_part_new ();
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (file->data, &size);

  g_mime_object_set_content_type (GMIME_OBJECT (part), type);
  g_object_unref (type);
  set_content (part, data, size);
  g_mime_object_set_disposition (GMIME_OBJECT (part), disposition);
  /* GMime writes a non-ASCII name as RFC 2231's filename*=, the standard
   * way, in both Content-Disposition and Content-Type's name. */
  g_mime_part_set_filename (part, file->file_name);
  if (file->content_id != NULL)
    g_mime_part_set_content_id (part, file->content_id);
  encode_file (part, file->content_type);
  return GMIME_OBJECT (part);
}

/* --- the tree ----------------------------------------------------------------------------- */

static GMimeObject *
new_multipart (const char  *subtype,
               GMimeObject *first)
{
  GMimeMultipart *multipart = g_mime_multipart_new_with_subtype (subtype);

  g_mime_multipart_add (multipart, first);
  g_object_unref (first);
  return GMIME_OBJECT (multipart);
}

static void
add_part (GMimeObject *multipart,
          GMimeObject *part)
{
  g_mime_multipart_add (GMIME_MULTIPART (multipart), part);
  g_object_unref (part);
}

/* Without text or HTML, an empty text part: a message has a body. */
static GMimeObject *
text_and_html (const KabarOutgoingBody *body)
{
  GMimeObject *plain = NULL;
  GMimeObject *alternative;

  if (body->text != NULL || body->html == NULL)
    plain = new_text_part ("plain", body->text != NULL ? body->text : "", TRUE);
  if (body->html == NULL)
    return plain;
  if (plain == NULL)
    return new_text_part ("html", body->html, FALSE);
  alternative = new_multipart ("alternative", plain);
  add_part (alternative, new_text_part ("html", body->html, FALSE));
  return alternative;
}

static GMimeObject *
with_inline_images (GMimeObject *root,
                    GPtrArray   *images)
{
  g_autofree char *root_type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (root));
  GMimeObject *related = new_multipart ("related", root);

  /* RFC 2387 requires the type of the root part. */
  g_mime_object_set_content_type_parameter (related, "type", root_type);
  for (guint i = 0; i < images->len; i++)
    add_part (related, new_file_part (g_ptr_array_index (images, i), "inline"));
  return related;
}

static GMimeObject *
with_attachments (GMimeObject *root,
                  GPtrArray   *attachments,
                  GPtrArray   *unused_images)
{
  GMimeObject *mixed = new_multipart ("mixed", root);

  for (guint i = 0; i < attachments->len; i++)
    add_part (mixed, new_file_part (g_ptr_array_index (attachments, i), "attachment"));
  for (guint i = 0; unused_images != NULL && i < unused_images->len; i++)
    add_part (mixed, new_file_part (g_ptr_array_index (unused_images, i), "inline"));
  return mixed;
}

GMimeObject *
kabar_outgoing_body_build (const KabarOutgoingBody *body)
{
  GMimeObject *root = text_and_html (body);
  gboolean related = body->html != NULL && body->inline_images->len > 0;
  /* Images with no HTML to show them are still what the user added. */
  GPtrArray *unused_images = !related && body->inline_images->len > 0 ? body->inline_images : NULL;

  if (related)
    root = with_inline_images (root, body->inline_images);
  if (body->attachments->len > 0 || unused_images != NULL)
    root = with_attachments (root, body->attachments, unused_images);
  return root;
}
