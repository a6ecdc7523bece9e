/* kabar-reply.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Replies and forwards: who gets them, their subject and threading
 * headers, and the quote the user writes around, made from the message
 * as the user received it.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kabar-display-private.h"
#include "kabar-mime.h"
#include "kabar-mime-text.h"
#include "kabar-outgoing-flowed.h"
#include "kabar-reply.h"

#define SIGNATURE_SEPARATOR "-- "
/* Stands for a line break in HTML while its text is extracted, which
 * turns every other kind of white space into one space. */
#define HTML_BREAK '\x1e'
/* A forwarded message's file name is its subject, cut to this many
 * characters: file systems refuse longer names. */
#define MAX_FILE_NAME_CHARS 100

static const char * const reply_prefixes[] = { "re", "aw", "sv", "antw", "balas", NULL };
static const char * const forward_prefixes[] = { "fwd", "fw", "tr", "wg", NULL };

/* --- parsing -------------------------------------------------------------------------------- */

static GMimeMessage *
parse_message (GBytes *raw)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (raw, &size);
  GMimeParserOptions *options = kabar_mime_get_parser_options ();
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (data != NULL ? data : "", size);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message;

  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  message = g_mime_parser_construct_message (parser, options);
  g_object_unref (parser);
  g_object_unref (stream);
  return message;
}

/* Bytes with no header at all are no message: GMime takes any text for a
 * body. */
static GMimeMessage *
parse_original (GBytes  *raw,
                GError **error)
{
  GMimeMessage *message = parse_message (raw);

  if (message == NULL || g_mime_message_get_mime_part (message) == NULL
      || g_mime_header_list_get_count (g_mime_object_get_header_list (GMIME_OBJECT (message))) == 0)
    {
      g_clear_object (&message);
      g_set_error_literal (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_NOT_A_MESSAGE,
                           "The message to reply to or forward could not be read: it is not a mail message");
    }
  return message;
}

/* --- addresses ------------------------------------------------------------------------------- */

static char *
address_key (const char *address)
{
  return g_utf8_casefold (address, -1);
}

static gboolean
is_own (const char         *address,
        const char * const *own_addresses)
{
  g_autofree char *key = NULL;

  if (own_addresses == NULL || address == NULL || !g_utf8_validate (address, -1, NULL))
    return FALSE;
  key = address_key (address);
  for (guint i = 0; own_addresses[i] != NULL; i++)
    {
      g_autofree char *own = address_key (own_addresses[i]);

      if (strcmp (key, own) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The mailboxes of list, groups flattened into their members, into out
 * (InternetAddressMailbox, referenced). */
static void
collect_mailboxes (InternetAddressList *list,
                   GPtrArray           *out)
{
  for (int i = 0; list != NULL && i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (address))
        collect_mailboxes (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)), out);
      else if (INTERNET_ADDRESS_IS_MAILBOX (address)
               && internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)) != NULL)
        g_ptr_array_add (out, g_object_ref (address));
    }
}

static GPtrArray *
mailboxes_of (InternetAddressList *list)
{
  GPtrArray *mailboxes = g_ptr_array_new_with_free_func (g_object_unref);

  collect_mailboxes (list, mailboxes);
  return mailboxes;
}

/* Through Kabar's decoder, not GMime's accessors, which cut names
 * written as padded adjacent encoded words short. */
static GPtrArray *
mailboxes_of_type (GMimeMessage     *message,
                   GMimeAddressType  type)
{
  InternetAddressList *list = kabar_mime_dup_addresses (message, type, NULL);
  GPtrArray *mailboxes = mailboxes_of (list);

  g_object_unref (list);
  return mailboxes;
}

static const char *
mailbox_address (gpointer mailbox)
{
  return internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (mailbox));
}

/* The first of own_addresses that one of mailboxes is, or NULL. */
static const char *
find_own_in_mailboxes (GPtrArray          *mailboxes,
                       const char * const *own_addresses)
{
  for (guint i = 0; i < mailboxes->len; i++)
    for (guint j = 0; own_addresses[j] != NULL; j++)
      {
        const char *one[] = { own_addresses[j], NULL };

        if (is_own (mailbox_address (g_ptr_array_index (mailboxes, i)), one))
          return own_addresses[j];
      }
  return NULL;
}

static const char *
find_own_in_field (GMimeMessage       *message,
                   GMimeAddressType    type,
                   const char * const *own_addresses)
{
  g_autoptr(GPtrArray) mailboxes = mailboxes_of_type (message, type);

  return find_own_in_mailboxes (mailboxes, own_addresses);
}

/* Delivered-To and X-Original-To say which address a copy came through
 * when the user was in Bcc or on a list. */
static const char *
find_own_in_header (GMimeMessage       *message,
                    const char         *name,
                    const char * const *own_addresses)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));

  for (int i = 0; i < g_mime_header_list_get_count (headers); i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);
      InternetAddressList *list;
      g_autoptr(GPtrArray) mailboxes = NULL;
      const char *found;

      if (g_ascii_strcasecmp (g_mime_header_get_name (header), name) != 0)
        continue;
      list = kabar_mime_parse_addresses (g_mime_header_get_raw_value (header), NULL);
      mailboxes = mailboxes_of (list);
      g_object_unref (list);
      found = find_own_in_mailboxes (mailboxes, own_addresses);
      if (found != NULL)
        return found;
    }
  return NULL;
}

char *
kabar_reply_find_own_address (GBytes             *original,
                              const char * const *own_addresses)
{
  GMimeMessage *message;
  const char *found = NULL;

  g_return_val_if_fail (original != NULL, NULL);

  if (own_addresses == NULL)
    return NULL;
  message = parse_message (original);
  if (message == NULL)
    return NULL;
  found = find_own_in_field (message, GMIME_ADDRESS_TYPE_TO, own_addresses);
  if (found == NULL)
    found = find_own_in_field (message, GMIME_ADDRESS_TYPE_CC, own_addresses);
  if (found == NULL)
    found = find_own_in_header (message, "Delivered-To", own_addresses);
  if (found == NULL)
    found = find_own_in_header (message, "X-Original-To", own_addresses);
  g_object_unref (message);
  return g_strdup (found);
}

/* --- recipients ------------------------------------------------------------------------------ */

typedef struct
{
  KabarOutgoingMessage *reply;
  const char * const   *own_addresses;
  GHashTable           *seen;  /* casefolded addresses already added */
} Recipients;

static gboolean
add_recipient (Recipients        *recipients,
               KabarOutgoingField field,
               gpointer           mailbox,
               gboolean           keep_own)
{
  const char *address = mailbox_address (mailbox);
  char *key = address_key (address);

  if ((!keep_own && is_own (address, recipients->own_addresses))
      || g_hash_table_contains (recipients->seen, key))
    {
      g_free (key);
      return FALSE;
    }
  g_hash_table_add (recipients->seen, key);
  kabar_outgoing_message_add_address (recipients->reply, field,
                                      internet_address_get_name (INTERNET_ADDRESS (mailbox)), address);
  return TRUE;
}

static guint
add_recipients (Recipients        *recipients,
                KabarOutgoingField field,
                GPtrArray         *mailboxes,
                gboolean           keep_own)
{
  guint added = 0;

  for (guint i = 0; i < mailboxes->len; i++)
    added += add_recipient (recipients, field, g_ptr_array_index (mailboxes, i), keep_own);
  return added;
}

static gboolean
sent_by_user (GMimeMessage       *original,
              const char * const *own_addresses)
{
  g_autoptr(GPtrArray) from = mailboxes_of_type (original, GMIME_ADDRESS_TYPE_FROM);

  return from->len > 0 && is_own (mailbox_address (g_ptr_array_index (from, 0)), own_addresses);
}

/* Who a plain reply goes to: Reply-To, else From; the recipients of a
 * message the user sent, since replying to oneself is never meant. */
static GPtrArray *
sender_of (GMimeMessage       *original,
           const char * const *own_addresses)
{
  GPtrArray *reply_to;

  if (sent_by_user (original, own_addresses))
    return mailboxes_of_type (original, GMIME_ADDRESS_TYPE_TO);
  reply_to = mailboxes_of_type (original, GMIME_ADDRESS_TYPE_REPLY_TO);
  if (reply_to->len > 0)
    return reply_to;
  g_ptr_array_unref (reply_to);
  return mailboxes_of_type (original, GMIME_ADDRESS_TYPE_FROM);
}

static void
set_recipients (KabarOutgoingMessage *reply,
                GMimeMessage         *original,
                KabarReplyKind        kind,
                const char * const   *own_addresses)
{
  Recipients recipients = { reply, own_addresses, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  g_autoptr(GPtrArray) sender = sender_of (original, own_addresses);
  guint added = add_recipients (&recipients, KABAR_OUTGOING_TO, sender, FALSE);

  if (kind == KABAR_REPLY_ALL)
    {
      g_autoptr(GPtrArray) to = mailboxes_of_type (original, GMIME_ADDRESS_TYPE_TO);
      g_autoptr(GPtrArray) cc = mailboxes_of_type (original, GMIME_ADDRESS_TYPE_CC);

      added += add_recipients (&recipients, KABAR_OUTGOING_TO, to, FALSE);
      added += add_recipients (&recipients, KABAR_OUTGOING_CC, cc, FALSE);
    }
  /* A note to oneself is answered to oneself rather than to nobody. */
  if (added == 0)
    add_recipients (&recipients, KABAR_OUTGOING_TO, sender, TRUE);
  g_hash_table_unref (recipients.seen);
}

/* --- subject --------------------------------------------------------------------------------- */

/* Past one prefix of prefixes at p ("Re:", "RE :", "Re[2]:", "Aw："), or
 * NULL when there is none. */
static const char *
skip_prefix (const char         *p,
             const char * const *prefixes)
{
  for (guint i = 0; prefixes[i] != NULL; i++)
    {
      gsize length = strlen (prefixes[i]);
      const char *q = p + length;

      if (g_ascii_strncasecmp (p, prefixes[i], length) != 0)
        continue;
      if (*q == '[' || *q == '(')
        {
          char close = *q == '[' ? ']' : ')';

          q++;
          while (g_ascii_isdigit (*q))
            q++;
          if (*q++ != close)
            continue;
        }
      while (*q == ' ')
        q++;
      if (*q == ':')
        return q + 1;
      if (g_str_has_prefix (q, "："))
        return q + strlen ("：");
    }
  return NULL;
}

/* subject with prefix written once, in front of whatever prefixes of
 * that kind it had. */
static char *
prefixed_subject (const char         *subject,
                  const char         *prefix,
                  const char * const *prefixes)
{
  const char *rest = subject != NULL ? subject : "";
  const char *next;

  while (*rest == ' ' || *rest == '\t')
    rest++;
  while ((next = skip_prefix (rest, prefixes)) != NULL)
    {
      rest = next;
      while (*rest == ' ' || *rest == '\t')
        rest++;
    }
  return g_strconcat (prefix, rest, NULL);
}

/* --- the original's text ----------------------------------------------------------------------- */

static gboolean
is_attachment (GMimeObject *object)
{
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (object);

  return disposition != NULL && g_mime_content_disposition_is_attachment (disposition);
}

static gboolean
is_body_text (GMimeObject *object,
              const char  *subtype)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);

  return GMIME_IS_PART (object) && !is_attachment (object)
         && type != NULL && g_mime_content_type_is_type (type, "text", subtype);
}

static GBytes *
decoded_bytes (GMimeObject *object)
{
  GMimeStream *stream = g_mime_stream_mem_new ();
  GByteArray *bytes;

  if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *message = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));

      if (message != NULL)
        g_mime_object_write_to_stream (GMIME_OBJECT (message), NULL, stream);
    }
  else if (GMIME_IS_PART (object) && g_mime_part_get_content (GMIME_PART (object)) != NULL)
    g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (GMIME_PART (object)), stream);
  bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  g_object_unref (stream);
  return g_byte_array_free_to_bytes (bytes);
}

static char *
with_lf (const char *text)
{
  GString *out = g_string_sized_new (strlen (text) + 1);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r')
        {
          g_string_append_c (out, '\n');
          if (p[1] == '\n')
            p++;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The part's text in UTF-8 with LF line ends, however its charset lies. */
static char *
part_text (GMimeObject *object)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);
  const char *charset = g_mime_content_type_get_parameter (type, "charset");
  g_autoptr(GBytes) bytes = decoded_bytes (object);
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  const char * const *languages = g_get_language_names ();
  g_autofree char *utf8 = kabar_display_to_utf8 (data != NULL ? data : "", size, charset,
                                                 kabar_display_fallback_charsets (languages[0]));

  return with_lf (utf8);
}

static char *
plain_text (GMimeObject *object)
{
  GMimeContentType *type = g_mime_object_get_content_type (object);
  const char *format = g_mime_content_type_get_parameter (type, "format");
  const char *delsp = g_mime_content_type_get_parameter (type, "delsp");
  g_autofree char *text = part_text (object);

  if (format != NULL && g_ascii_strcasecmp (format, "flowed") == 0)
    return kabar_flowed_decode (text, delsp != NULL && g_ascii_strcasecmp (delsp, "yes") == 0);
  return g_steal_pointer (&text);
}

static const char * const line_breaking_tags[] = {
  "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr",
  "table", "ul", "ol", "dt", "dd", NULL,
};

static gboolean
breaks_line (const char *tag)
{
  const char *p = tag + 1;
  gsize length;

  if (*p == '/')
    p++;
  length = strspn (p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  for (guint i = 0; line_breaking_tags[i] != NULL; i++)
    if (strlen (line_breaking_tags[i]) == length && g_ascii_strncasecmp (p, line_breaking_tags[i], length) == 0)
      return TRUE;
  return FALSE;
}

/* html with HTML_BREAK after each tag that starts a new line, and no
 * HTML_BREAK of its own. */
static char *
mark_line_breaks (const char *html)
{
  GString *out = g_string_sized_new (strlen (html) + 64);
  /* Once no '>' follows, no later tag ends either: looking again for
   * each '<' of hostile HTML would take quadratic time. */
  gboolean unclosed = FALSE;

  for (const char *p = html; *p != '\0'; p++)
    {
      const char *end = NULL;

      if (*p == HTML_BREAK)
        continue;
      if (*p == '<' && !unclosed && breaks_line (p))
        unclosed = (end = strchr (p, '>')) == NULL;
      if (end == NULL)
        {
          g_string_append_c (out, *p);
          continue;
        }
      g_string_append_len (out, p, end - p + 1);
      g_string_append_c (out, HTML_BREAK);
      p = end;
    }
  return g_string_free (out, FALSE);
}

/* The text the search index reads out of the HTML, its line breaks put
 * back, runs of blank lines made one. */
static char *
html_text (GMimeObject *object)
{
  g_autofree char *html = part_text (object);
  g_autofree char *marked = mark_line_breaks (html);
  GMimeMessage *message = g_mime_message_new (FALSE);
  GMimeTextPart *part = g_mime_text_part_new_with_subtype ("html");
  g_autofree char *words = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);
  guint blank = 1;

  g_mime_text_part_set_text (part, marked);
  g_mime_message_set_mime_part (message, GMIME_OBJECT (part));
  words = kabar_mime_extract_text_from_message (message, strlen (marked) + 1);
  g_object_unref (part);
  g_object_unref (message);
  lines = g_strsplit (words, (const char[]) { HTML_BREAK, '\0' }, -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      blank = *line == '\0' ? blank + 1 : 0;
      if (blank <= 1)
        g_string_append_printf (out, "%s\n", line);
    }
  while (out->len >= 2 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

typedef struct
{
  GMimeObject *text;   /* the part the text comes from, or NULL */
  gboolean     html;   /* whether it is HTML */
  GPtrArray   *files;  /* GMimeObject: what the original carries besides its text */
  GPtrArray   *texts;  /* GMimeObject: further inline text/plain parts, said after the text */
} Content;

static void find_content (Content     *content,
                          GMimeObject *object,
                          guint        depth);

/* The plain alternative; else the last one that is HTML or holds it. */
static GMimeObject *
choose_alternative (GMimeMultipart *alternative)
{
  int n = g_mime_multipart_get_count (alternative);

  for (int i = 0; i < n; i++)
    if (is_body_text (g_mime_multipart_get_part (alternative, i), "plain"))
      return g_mime_multipart_get_part (alternative, i);
  for (int i = n - 1; i >= 0; i--)
    {
      GMimeObject *child = g_mime_multipart_get_part (alternative, i);

      if (is_body_text (child, "html") || GMIME_IS_MULTIPART (child))
        return child;
    }
  return n > 0 ? g_mime_multipart_get_part (alternative, 0) : NULL;
}

static void
find_in_multipart (Content        *content,
                   GMimeMultipart *multipart,
                   guint           depth)
{
  GMimeContentType *type = g_mime_object_get_content_type (GMIME_OBJECT (multipart));
  int n = g_mime_multipart_get_count (multipart);

  if (GMIME_IS_MULTIPART_ENCRYPTED (multipart))
    return;
  if (GMIME_IS_MULTIPART_SIGNED (multipart))
    {
      /* The second part is the signature, which no longer fits. */
      if (n > 0)
        find_content (content, g_mime_multipart_get_part (multipart, GMIME_MULTIPART_SIGNED_CONTENT), depth + 1);
      return;
    }
  if (g_mime_content_type_is_type (type, "multipart", "alternative"))
    {
      find_content (content, choose_alternative (multipart), depth + 1);
      return;
    }
  for (int i = 0; i < n; i++)
    find_content (content, g_mime_multipart_get_part (multipart, i), depth + 1);
}

static void
find_content (Content     *content,
              GMimeObject *object,
              guint        depth)
{
  gboolean plain;

  if (object == NULL || depth > KABAR_DISPLAY_MAX_DEPTH)
    return;
  if (GMIME_IS_MULTIPART (object))
    {
      find_in_multipart (content, GMIME_MULTIPART (object), depth);
      return;
    }
  plain = is_body_text (object, "plain");
  if (content->text == NULL && (plain || is_body_text (object, "html")))
    {
      content->text = object;
      content->html = !plain;
    }
  else if (plain && g_mime_part_get_filename (GMIME_PART (object)) == NULL)
    g_ptr_array_add (content->texts, object);
  else if (GMIME_IS_PART (object) || GMIME_IS_MESSAGE_PART (object))
    g_ptr_array_add (content->files, object);
}

static void
content_init (Content      *content,
              GMimeMessage *original)
{
  content->text = NULL;
  content->html = FALSE;
  content->files = g_ptr_array_new ();
  content->texts = g_ptr_array_new ();
  find_content (content, g_mime_message_get_mime_part (original), 0);
}

static void
content_clear (Content *content)
{
  g_ptr_array_unref (content->files);
  g_ptr_array_unref (content->texts);
}

static char *
original_text (Content *content)
{
  GString *out = g_string_new (NULL);

  if (content->text != NULL)
    {
      g_autofree char *text = content->html ? html_text (content->text) : plain_text (content->text);

      g_string_append (out, text);
    }
  for (guint i = 0; i < content->texts->len; i++)
    {
      g_autofree char *text = plain_text (g_ptr_array_index (content->texts, i));

      if (out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "%s%s", out->len > 0 ? "\n" : "", text);
    }
  return g_string_free (out, FALSE);
}

/* The text without its signature: from the first "-- " line on. */
static void
drop_signature (char *text)
{
  for (char *line = text; line != NULL && *line != '\0';)
    {
      char *end = strchr (line, '\n');

      if ((end != NULL ? (gsize) (end - line) : strlen (line)) == strlen (SIGNATURE_SEPARATOR)
          && strncmp (line, SIGNATURE_SEPARATOR, strlen (SIGNATURE_SEPARATOR)) == 0)
        {
          *line = '\0';
          return;
        }
      line = end != NULL ? end + 1 : NULL;
    }
}

static void
drop_trailing_blank_lines (char *text)
{
  gsize length = strlen (text);

  while (length > 0 && g_ascii_isspace (text[length - 1]))
    length--;
  text[length] = '\0';
}

/* --- the quote -------------------------------------------------------------------------------- */

/* The original's date in the user's zone and locale; NULL without one. */
static char *
format_date (GMimeMessage *original)
{
  GDateTime *date = g_mime_message_get_date (original);
  g_autoptr(GDateTime) local = NULL;

  if (date == NULL)
    return NULL;
  local = g_date_time_to_local (date);
  return local != NULL ? g_date_time_format (local, "%x %X") : NULL;
}

static char *
sender_name (GMimeMessage *original)
{
  g_autoptr(GPtrArray) from = mailboxes_of_type (original, GMIME_ADDRESS_TYPE_FROM);
  InternetAddress *sender;
  const char *name;

  if (from->len == 0)
    return NULL;
  sender = g_ptr_array_index (from, 0);
  name = internet_address_get_name (sender);
  return g_strdup (name != NULL && *name != '\0' ? name : mailbox_address (sender));
}

static char *
attribution (GMimeMessage *original)
{
  g_autofree char *date = format_date (original);
  g_autofree char *sender = sender_name (original);

  if (sender == NULL)
    /* Translators: who wrote a quoted message, when the message does not say. */
    sender = g_strdup (_("Someone"));
  if (date == NULL)
    /* Translators: the line above the quote in a reply to a message without a date;
     * %s is the sender's name or address. */
    return g_strdup_printf (_("%s wrote:"), sender);
  /* Translators: the line above the quote in a reply. The first %s is the date and
   * time the message was sent, the second the sender's name or address. */
  return g_strdup_printf (_("On %s, %s wrote:"), date, sender);
}

/* Each line of text behind a quote mark: "> " before the user's words,
 * ">" alone before a line already quoted, so that depths stay readable
 * (">> ") and format=flowed counts them right. */
static void
append_quoted (GString    *out,
               const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (*line == '>')
        g_string_append_printf (out, ">%s\n", line);
      else if (*line == '\0')
        g_string_append (out, ">\n");
      else
        g_string_append_printf (out, "> %s\n", line);
    }
}

static char *
reply_text (GMimeMessage *original,
            const char   *selected_text)
{
  g_autofree char *quoted = NULL;
  g_autofree char *header = attribution (original);
  GString *out = g_string_new (header);

  if (selected_text != NULL && *selected_text != '\0')
    quoted = with_lf (selected_text);
  else
    {
      Content content;

      content_init (&content, original);
      quoted = original_text (&content);
      content_clear (&content);
      drop_signature (quoted);
    }
  drop_trailing_blank_lines (quoted);
  g_string_append_c (out, '\n');
  append_quoted (out, quoted);
  return g_string_free (out, FALSE);
}

/* --- forwards --------------------------------------------------------------------------------- */

static void
append_field (GString          *out,
              const char       *label,
              GMimeMessage     *original,
              GMimeAddressType  type)
{
  InternetAddressList *list = kabar_mime_dup_addresses (original, type, NULL);
  g_autofree char *text = NULL;

  if (internet_address_list_length (list) > 0)
    text = internet_address_list_to_string (list, NULL, FALSE);
  g_object_unref (list);
  if (text != NULL && *text != '\0')
    g_string_append_printf (out, "%s %s\n", label, text);
}

static void
append_forward_header (GString      *out,
                       GMimeMessage *original)
{
  g_autofree char *date = format_date (original);
  g_autofree char *subject = kabar_mime_dup_subject (original, NULL);

  /* Translators: the line that starts a forwarded message's text; keep the dashes. */
  g_string_append_printf (out, "%s\n", _("---------- Forwarded message ----------"));
  /* Translators: a forwarded message's field label, followed by its sender. */
  append_field (out, _("From:"), original, GMIME_ADDRESS_TYPE_FROM);
  if (date != NULL)
    /* Translators: a forwarded message's field label, followed by its date. */
    g_string_append_printf (out, "%s %s\n", _("Date:"), date);
  if (subject != NULL && *subject != '\0')
    /* Translators: a forwarded message's field label, followed by its subject. */
    g_string_append_printf (out, "%s %s\n", _("Subject:"), subject);
  /* Translators: a forwarded message's field label, followed by its recipients. */
  append_field (out, _("To:"), original, GMIME_ADDRESS_TYPE_TO);
  /* Translators: a forwarded message's field label, followed by those in copy. */
  append_field (out, _("Cc:"), original, GMIME_ADDRESS_TYPE_CC);
  g_string_append_c (out, '\n');
}

static void
add_file (KabarOutgoingMessage *forward,
          GMimeObject          *object)
{
  g_autofree char *content_type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (object));
  const char *file_name = GMIME_IS_PART (object) ? g_mime_part_get_filename (GMIME_PART (object)) : NULL;
  g_autoptr(GBytes) data = decoded_bytes (object);

  if (file_name == NULL || *file_name == '\0')
    file_name = GMIME_IS_MESSAGE_PART (object) ? "message.eml" : "attachment";
  kabar_outgoing_message_add_attachment (forward, data, file_name, content_type);
}

static void
forward_inline (KabarOutgoingMessage *forward,
                GMimeMessage         *original)
{
  GString *text = g_string_new (NULL);
  g_autofree char *body = NULL;
  Content content;

  content_init (&content, original);
  append_forward_header (text, original);
  body = original_text (&content);
  drop_trailing_blank_lines (body);
  g_string_append_printf (text, "%s\n", body);
  kabar_outgoing_message_set_text (forward, text->str);
  for (guint i = 0; i < content.files->len; i++)
    add_file (forward, g_ptr_array_index (content.files, i));
  content_clear (&content);
  g_string_free (text, TRUE);
}

static gboolean
is_7bit (GBytes *bytes)
{
  gsize size = 0;
  const guchar *data = g_bytes_get_data (bytes, &size);

  for (gsize i = 0; i < size; i++)
    if (data[i] >= 0x80 || data[i] == '\0')
      return FALSE;
  return TRUE;
}

/* The original as a 7-bit message when GMime can make it one, so that it
 * travels as message/rfc822 without a transfer encoding (RFC 2046 allows
 * none) and any reader opens it; else as it came. */
static GBytes *
attachable_bytes (GBytes       *original,
                  GMimeMessage *message)
{
  GMimeStream *stream;
  GByteArray *array;
  GBytes *encoded;

  if (is_7bit (original))
    return g_bytes_ref (original);
  g_mime_object_encode (GMIME_OBJECT (message), GMIME_ENCODING_CONSTRAINT_7BIT);
  stream = g_mime_stream_mem_new ();
  g_mime_object_write_to_stream (GMIME_OBJECT (message), NULL, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  g_object_unref (stream);
  encoded = g_byte_array_free_to_bytes (array);
  if (is_7bit (encoded))
    return encoded;
  g_bytes_unref (encoded);
  return g_bytes_ref (original);
}

/* The subject as a file name: no path separators or control characters,
 * not too long, never empty. */
static char *
eml_file_name (const char *subject)
{
  GString *name = g_string_new (NULL);
  glong chars = 0;

  if (subject != NULL && g_utf8_validate (subject, -1, NULL))
    for (const char *p = subject; *p != '\0' && chars < MAX_FILE_NAME_CHARS; p = g_utf8_next_char (p), chars++)
      {
        gunichar c = g_utf8_get_char (p);

        if (c == '/' || c == '\\' || g_unichar_iscntrl (c))
          g_string_append_c (name, '_');
        else
          g_string_append_unichar (name, c);
      }
  g_strstrip (name->str);
  g_string_set_size (name, strlen (name->str));
  while (name->len > 0 && name->str[0] == '.')
    g_string_erase (name, 0, 1);
  if (name->len == 0)
    g_string_assign (name, "message");
  g_string_append (name, ".eml");
  return g_string_free (name, FALSE);
}

static void
forward_as_attachment (KabarOutgoingMessage *forward,
                       GBytes               *raw,
                       GMimeMessage         *original)
{
  g_autofree char *subject = kabar_mime_dup_subject (original, NULL);
  g_autofree char *file_name = eml_file_name (subject);
  g_autoptr(GBytes) data = attachable_bytes (raw, original);

  kabar_outgoing_message_add_attachment (forward, data, file_name, "message/rfc822");
}

/* --- entry point ------------------------------------------------------------------------------ */

static void
set_threading (KabarOutgoingMessage *reply,
               GMimeMessage         *original,
               KabarReplyKind        kind)
{
  const char *message_id = g_mime_message_get_message_id (original);

  if (message_id == NULL || *message_id == '\0')
    return;
  if (kind == KABAR_REPLY_SENDER || kind == KABAR_REPLY_ALL)
    kabar_outgoing_message_set_parent (reply, message_id,
                                       g_mime_object_get_header (GMIME_OBJECT (original), "References"));
  else
    {
      /* A forward starts a conversation of its own: no In-Reply-To, but
       * References keeps the way back to what was forwarded. */
      g_autofree char *reference = g_strdup_printf ("<%s>", message_id);

      kabar_outgoing_message_set_threading (reply, NULL, reference);
    }
}

KabarOutgoingMessage *
kabar_reply_new (GBytes             *original,
                 KabarReplyKind      kind,
                 const char * const *own_addresses,
                 const char         *selected_text,
                 GError            **error)
{
  GMimeMessage *message;
  KabarOutgoingMessage *reply;
  gboolean is_reply = kind == KABAR_REPLY_SENDER || kind == KABAR_REPLY_ALL;
  g_autofree char *original_subject = NULL;
  g_autofree char *subject = NULL;

  g_return_val_if_fail (original != NULL, NULL);
  g_return_val_if_fail (kind <= KABAR_FORWARD_ATTACHMENT, NULL);

  message = parse_original (original, error);
  if (message == NULL)
    return NULL;
  reply = kabar_outgoing_message_new ();
  original_subject = kabar_mime_dup_subject (message, NULL);
  subject = is_reply ? prefixed_subject (original_subject, "Re: ", reply_prefixes)
                     : prefixed_subject (original_subject, "Fwd: ", forward_prefixes);
  kabar_outgoing_message_set_subject (reply, subject);
  set_threading (reply, message, kind);
  if (is_reply)
    {
      g_autofree char *text = reply_text (message, selected_text);

      set_recipients (reply, message, kind, own_addresses);
      kabar_outgoing_message_set_text (reply, text);
    }
  else if (kind == KABAR_FORWARD_INLINE)
    forward_inline (reply, message);
  else
    forward_as_attachment (reply, original, message);
  g_object_unref (message);
  return reply;
}
