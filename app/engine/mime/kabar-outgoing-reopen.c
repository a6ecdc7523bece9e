/* kabar-outgoing-reopen.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A saved draft read back into what the composer edits: the reverse of
 * building, for our own drafts exactly and for other clients' as far as
 * their structure maps onto ours.
 */

#include "config.h"

#include <string.h>

#include "kabar-mime.h"
#include "kabar-outgoing-flowed.h"
#include "kabar-outgoing-message.h"

typedef struct
{
  KabarOutgoingMessage *self;
  gboolean              has_text;
  gboolean              has_html;
} Reopen;

static GMimeMessage *
parse_message (GBytes *raw)
{
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (raw, &size);
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (data, size);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, kabar_mime_get_parser_options ());

  g_object_unref (parser);
  g_object_unref (stream);
  return message;
}

static void
read_addresses (KabarOutgoingMessage *self,
                GMimeMessage         *message)
{
  static const struct { KabarOutgoingField field; GMimeAddressType type; } fields[] = {
    { KABAR_OUTGOING_TO, GMIME_ADDRESS_TYPE_TO },
    { KABAR_OUTGOING_CC, GMIME_ADDRESS_TYPE_CC },
    { KABAR_OUTGOING_BCC, GMIME_ADDRESS_TYPE_BCC },
    { KABAR_OUTGOING_REPLY_TO, GMIME_ADDRESS_TYPE_REPLY_TO },
  };
  InternetAddressList *from = kabar_mime_dup_addresses (message, GMIME_ADDRESS_TYPE_FROM, NULL);

  for (int i = 0; i < internet_address_list_length (from); i++)
    {
      InternetAddress *address = internet_address_list_get_address (from, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (address))
        {
          kabar_outgoing_message_set_from (self, internet_address_get_name (address),
                                           internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)));
          break;
        }
    }
  g_object_unref (from);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      InternetAddressList *list = kabar_mime_dup_addresses (message, fields[i].type, NULL);

      internet_address_list_append (kabar_outgoing_message_get_addresses (self, fields[i].field), list);
      g_object_unref (list);
    }
}

/* --- parts -------------------------------------------------------------------------------- */

static GBytes *
decoded_content (GMimeObject *object)
{
  GMimeStream *stream = g_mime_stream_mem_new ();
  GByteArray *bytes;

  if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *message = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));

      if (message != NULL)
        g_mime_object_write_to_stream (GMIME_OBJECT (message), NULL, stream);
    }
  else if (g_mime_part_get_content (GMIME_PART (object)) != NULL)
    g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (GMIME_PART (object)), stream);
  bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  g_object_unref (stream);
  return g_byte_array_free_to_bytes (bytes);
}

/* The part's text in UTF-8 with LF line ends, flowed text unwrapped. */
static char *
decoded_text (GMimeObject *object)
{
  g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (object));
  const char *format = g_mime_object_get_content_type_parameter (object, "format");
  const char *delsp = g_mime_object_get_content_type_parameter (object, "delsp");
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\r\n", -1);
  g_autofree char *unix_text = g_strjoinv ("\n", lines);

  if (format != NULL && g_ascii_strcasecmp (format, "flowed") == 0)
    return kabar_flowed_decode (unix_text, delsp != NULL && g_ascii_strcasecmp (delsp, "yes") == 0);
  return g_steal_pointer (&unix_text);
}

static gboolean
is_body_text (GMimeObject *object,
              const char  *subtype)
{
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (object);

  return GMIME_IS_TEXT_PART (object)
         && g_mime_content_type_is_type (g_mime_object_get_content_type (object), "text", subtype)
         && (disposition == NULL || !g_mime_content_disposition_is_attachment (disposition));
}

static void
read_file (Reopen      *reopen,
           GMimeObject *object,
           gboolean     in_related)
{
  g_autofree char *content_type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (object));
  const char *file_name = GMIME_IS_PART (object) ? g_mime_part_get_filename (GMIME_PART (object)) : NULL;
  const char *content_id = g_mime_object_get_content_id (object);
  g_autoptr(GBytes) data = decoded_content (object);

  if (file_name == NULL)
    file_name = GMIME_IS_MESSAGE_PART (object) ? "message.eml" : "attachment";
  if (in_related && content_id != NULL)
    kabar_outgoing_message_add_inline_image (reopen->self, data, file_name, content_type, content_id);
  else
    kabar_outgoing_message_add_attachment (reopen->self, data, file_name, content_type);
}

static void
read_object (Reopen      *reopen,
             GMimeObject *object,
             gboolean     in_related)
{
  if (GMIME_IS_MULTIPART (object))
    {
      gboolean related = g_mime_content_type_is_type (g_mime_object_get_content_type (object), "multipart", "related");
      int count = g_mime_multipart_get_count (GMIME_MULTIPART (object));

      for (int i = 0; i < count; i++)
        read_object (reopen, g_mime_multipart_get_part (GMIME_MULTIPART (object), i), in_related || related);
    }
  else if (!reopen->has_text && is_body_text (object, "plain"))
    {
      g_autofree char *text = decoded_text (object);

      kabar_outgoing_message_set_text (reopen->self, text);
      reopen->has_text = TRUE;
    }
  else if (!reopen->has_html && is_body_text (object, "html"))
    {
      g_autofree char *html = decoded_text (object);

      kabar_outgoing_message_set_html (reopen->self, html);
      reopen->has_html = TRUE;
    }
  else if (GMIME_IS_PART (object) || GMIME_IS_MESSAGE_PART (object))
    read_file (reopen, object, in_related);
}

KabarOutgoingMessage *
kabar_outgoing_message_new_from_bytes (GBytes  *raw,
                                       GError **error)
{
  GMimeMessage *message;
  Reopen reopen = { NULL, FALSE, FALSE };
  g_autofree char *subject = NULL;

  g_return_val_if_fail (raw != NULL, NULL);

  message = parse_message (raw);
  if (message == NULL || g_mime_message_get_mime_part (message) == NULL)
    {
      g_clear_object (&message);
      g_set_error_literal (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_NOT_A_MESSAGE,
                           "The saved message could not be read: it is not a mail message");
      return NULL;
    }
  reopen.self = kabar_outgoing_message_new ();
  read_addresses (reopen.self, message);
  subject = kabar_mime_dup_subject (message, NULL);
  kabar_outgoing_message_set_subject (reopen.self, subject);
  kabar_outgoing_message_set_message_id (reopen.self, g_mime_message_get_message_id (message));
  kabar_outgoing_message_set_threading (reopen.self,
                                        g_mime_object_get_header (GMIME_OBJECT (message), "In-Reply-To"),
                                        g_mime_object_get_header (GMIME_OBJECT (message), "References"));
  read_object (&reopen, g_mime_message_get_mime_part (message), FALSE);
  g_object_unref (message);
  return reopen.self;
}
