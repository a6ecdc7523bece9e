/* kabar-store-headers.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The summary of a downloaded message from its header block alone. A
 * GMime parse builds an object for the message, each part and each
 * header, about 18 us even for a one-line message, more than the server
 * takes to send one: here the block is split into fields by hand, and
 * only the values the list shows go through GMime's decoders (the same
 * ones kabar_store_summary_from_raw() ends in, so both agree), except
 * plain addresses, which GMime would give back unchanged.
 */

#include "config.h"

#include <string.h>

#include "kabar-mime.h"
#include "kabar-store-private.h"

/* The fields a summary is read from, each a raw value as in the message
 * (after the colon, folded lines included); NULL when absent. Address
 * fields may come more than once, and count each time, as
 * kabar_mime_dup_addresses() counts them. */
typedef struct
{
  GPtrArray *from;
  GPtrArray *to;
  GPtrArray *cc;
  char      *subject;
  char      *date;
  char      *message_id;
  char      *in_reply_to;
  char      *references;
  char      *content_type;
  char      *disposition;
} HeaderFields;

static void
header_fields_clear (HeaderFields *fields)
{
  g_ptr_array_unref (fields->from);
  g_ptr_array_unref (fields->to);
  g_ptr_array_unref (fields->cc);
  g_free (fields->subject);
  g_free (fields->date);
  g_free (fields->message_id);
  g_free (fields->in_reply_to);
  g_free (fields->references);
  g_free (fields->content_type);
  g_free (fields->disposition);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HeaderFields, header_fields_clear)

static gboolean
name_is (const char *name,
         gsize       length,
         const char *wanted)
{
  return strlen (wanted) == length && g_ascii_strncasecmp (name, wanted, length) == 0;
}

/* GMime's message keeps the first Subject, In-Reply-To and References it
 * is asked for, and the last Date and Message-ID it parsed. */
static void
keep_first (char       **slot,
            const char  *value,
            gsize        length)
{
  if (*slot == NULL)
    *slot = g_strndup (value, length);
}

static void
keep_last (char       **slot,
           const char  *value,
           gsize        length)
{
  g_free (*slot);
  *slot = g_strndup (value, length);
}

static void
take_field (HeaderFields *fields,
            const char   *name,
            gsize         name_length,
            const char   *value,
            gsize         length)
{
  if (name_is (name, name_length, "From"))
    g_ptr_array_add (fields->from, g_strndup (value, length));
  else if (name_is (name, name_length, "To"))
    g_ptr_array_add (fields->to, g_strndup (value, length));
  else if (name_is (name, name_length, "Cc"))
    g_ptr_array_add (fields->cc, g_strndup (value, length));
  else if (name_is (name, name_length, "Subject"))
    keep_first (&fields->subject, value, length);
  else if (name_is (name, name_length, "Date"))
    keep_last (&fields->date, value, length);
  else if (name_is (name, name_length, "Message-ID"))
    keep_last (&fields->message_id, value, length);
  else if (name_is (name, name_length, "In-Reply-To"))
    keep_first (&fields->in_reply_to, value, length);
  else if (name_is (name, name_length, "References"))
    keep_first (&fields->references, value, length);
  else if (name_is (name, name_length, "Content-Type"))
    keep_first (&fields->content_type, value, length);
  else if (name_is (name, name_length, "Content-Disposition"))
    keep_first (&fields->disposition, value, length);
}

/* The end of the line starting at p: its line break, or end. */
static const char *
line_end (const char *p,
          const char *end)
{
  const char *newline = memchr (p, '\n', end - p);

  return newline != NULL ? newline : end;
}

/* Splits the header block (up to the first empty line) into fields. A
 * line with no colon (an mbox "From " line, garbage) is skipped, as
 * GMime's parser skips it. */
static void
split_fields (const char   *data,
              gsize         size,
              HeaderFields *fields)
{
  const char *p = data;
  const char *end = data + size;

  while (p < end && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n'))
    {
      const char *first_end = line_end (p, end);
      const char *colon = memchr (p, ':', first_end - p);
      const char *value_end = first_end;
      const char *name_end;

      /* Folded lines start with a space or a tab. */
      while (value_end + 1 < end && (value_end[1] == ' ' || value_end[1] == '\t'))
        value_end = line_end (value_end + 1, end);
      if (colon != NULL)
        {
          gsize length = value_end - (colon + 1);

          for (name_end = colon; name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t'); )
            name_end--;
          if (length > 0 && colon[length] == '\r')
            length--;
          take_field (fields, p, name_end - p, colon + 1, length);
        }
      p = value_end < end ? value_end + 1 : end;
    }
}

/* --- the plain address ---------------------------------------------------- */

/* GMime builds an object for each address, and decodes its domain with
 * libidn2: most of the cost of a summary of a small message, and its
 * objects' locks contend with the download's other threads. Most mail
 * says "addr@host" or "Name Words <addr@host>" in plain ASCII, which
 * GMime gives back as it is; only that form is read here, narrowly
 * (atoms of letters and digits, a lower-case domain that is no IDN), and
 * anything else goes through GMime. */

static gboolean
is_local_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '+' || c == '-';
}

static gboolean
is_domain_char (char c)
{
  return g_ascii_islower (c) || g_ascii_isdigit (c) || c == '.' || c == '-';
}

static gboolean
is_plain_addr_spec (const char *p,
                    const char *end)
{
  const char *at = memchr (p, '@', end - p);

  if (at == NULL || at == p || at + 1 >= end || end[-1] == '.' || at[1] == '.' || *p == '.'
      || at[-1] == '.')
    return FALSE;
  for (const char *c = p; c < at; c++)
    if (!is_local_char (*c) || (*c == '.' && c[1] == '.'))
      return FALSE;
  for (const char *c = at + 1; c < end; c++)
    if (!is_domain_char (*c) || (*c == '.' && c[1] == '.'))
      return FALSE;
  /* A label of punycode GMime shows decoded. */
  return g_strstr_len (at + 1, end - at - 1, "xn--") == NULL;
}

/* Words of letters and digits, one space apart. */
static gboolean
is_plain_name (const char *p,
               const char *end)
{
  if (p == end || *p == ' ' || end[-1] == ' ')
    return FALSE;
  for (const char *c = p; c < end; c++)
    if (!g_ascii_isalnum (*c) && !(*c == ' ' && c[1] != ' '))
      return FALSE;
  return TRUE;
}

/* value, a raw header value, is one plain address: *name (NULL for none)
 * and *addr are set, newly allocated. */
static gboolean
split_plain_address (const char  *value,
                     char       **name,
                     char       **addr)
{
  const char *p = value;
  const char *end = value + strlen (value);
  const char *open;

  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  if (p == end)
    return FALSE;
  if (end[-1] != '>')
    {
      if (!is_plain_addr_spec (p, end))
        return FALSE;
      *name = NULL;
      *addr = g_strndup (p, end - p);
      return TRUE;
    }
  open = memchr (p, '<', end - p);
  if (open == NULL || !is_plain_addr_spec (open + 1, end - 1))
    return FALSE;
  if (open > p && !is_plain_name (p, open[-1] == ' ' ? open - 1 : open))
    return FALSE;
  *name = open > p ? g_strndup (p, (open[-1] == ' ' ? open - 1 : open) - p) : NULL;
  *addr = g_strndup (open + 1, end - 1 - (open + 1));
  return TRUE;
}

/* Each value one plain address: the list as
 * internet_address_list_to_string() writes it. NULL otherwise. */
static char *
format_plain_list (GPtrArray *values)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < values->len; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *addr = NULL;

      if (!split_plain_address (g_ptr_array_index (values, i), &name, &addr))
        {
          g_string_free (text, TRUE);
          return NULL;
        }
      if (i > 0)
        g_string_append (text, ", ");
      if (name != NULL)
        g_string_append_printf (text, "%s <%s>", name, addr);
      else
        g_string_append (text, addr);
    }
  return g_string_free (text, FALSE);
}

/* --- through GMime ---------------------------------------------------------- */

static InternetAddressList *
parse_address_fields (GPtrArray *values)
{
  InternetAddressList *list = internet_address_list_new ();

  for (guint i = 0; i < values->len; i++)
    {
      InternetAddressList *parsed = kabar_mime_parse_addresses (g_ptr_array_index (values, i), NULL);

      internet_address_list_append (list, parsed);
      g_object_unref (parsed);
    }
  return list;
}

static char *
format_address_list (GPtrArray *values)
{
  InternetAddressList *list;
  char *text = NULL;

  if (values->len == 0)
    return NULL;
  text = format_plain_list (values);
  if (text != NULL)
    return text;
  list = parse_address_fields (values);
  if (internet_address_list_length (list) > 0)
    text = internet_address_list_to_string (list, NULL, FALSE);
  g_object_unref (list);
  return text;
}

static void
fill_sender (KabarMessageSummary *summary,
             GPtrArray           *values)
{
  InternetAddressList *from;
  InternetAddress *first;
  const char *name;

  if (values->len == 0)
    return;
  if (split_plain_address (g_ptr_array_index (values, 0), &summary->from_name,
                           &summary->from_address))
    return;
  from = parse_address_fields (values);
  if (internet_address_list_length (from) > 0)
    {
      first = internet_address_list_get_address (from, 0);
      name = internet_address_get_name (first);
      if (name != NULL && *name != '\0')
        summary->from_name = g_strdup (name);
      if (INTERNET_ADDRESS_IS_MAILBOX (first))
        summary->from_address = g_strdup (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (first)));
    }
  g_object_unref (from);
}

static char *
unfold (const char *raw)
{
  return raw != NULL ? g_mime_utils_header_unfold (raw) : NULL;
}

static gint64
parse_date (const char *raw)
{
  g_autofree char *value = unfold (raw);
  g_autoptr(GDateTime) date = NULL;

  if (value == NULL)
    return 0;
  date = g_mime_utils_header_decode_date (value);
  return date != NULL ? g_date_time_to_unix (date) : 0;
}

static char *
parse_message_id (const char *raw)
{
  g_autofree char *value = unfold (raw);

  return value != NULL ? g_mime_utils_decode_message_id (value) : NULL;
}

static char *
format_ids (const char *raw,
            gboolean    first_only)
{
  g_autofree char *value = unfold (raw);

  return kabar_store_format_message_ids (value, first_only);
}

/* value, unfolded, begins with the token (case aside), then ends or goes
 * on with a parameter, a space or a comment. */
static gboolean
starts_with_token (const char *raw,
                   const char *token)
{
  g_autofree char *value = unfold (raw);
  gsize length = strlen (token);
  const char *p = value;

  if (value == NULL)
    return FALSE;
  while (*p == ' ' || *p == '\t')
    p++;
  return g_ascii_strncasecmp (p, token, length) == 0
         && (token[length - 1] == '/' || p[length] == '\0' || p[length] == ';'
             || p[length] == ' ' || p[length] == '\t' || p[length] == '(');
}

/* A single part is an attachment when its disposition says so, as
 * g_mime_part_is_attachment() has it; what a multipart holds is known
 * only once its parts are read (kabar_store_read_pending_texts()). */
static gboolean
single_part_attachment (const HeaderFields *fields)
{
  if (starts_with_token (fields->content_type, "multipart/")
      || starts_with_token (fields->content_type, "message/"))
    return FALSE;
  return starts_with_token (fields->disposition, "attachment");
}

KabarMessageSummary *
kabar_store_summary_from_header_block (GBytes *raw)
{
  KabarMessageSummary *summary = kabar_message_summary_new ();
  g_auto(HeaderFields) fields = {
    g_ptr_array_new_with_free_func (g_free),
    g_ptr_array_new_with_free_func (g_free),
    g_ptr_array_new_with_free_func (g_free),
  };
  gsize size = 0;
  const char *data = g_bytes_get_data (raw, &size);

  summary->size = size;
  split_fields (data != NULL ? data : "", size, &fields);
  summary->subject = fields.subject != NULL ? kabar_mime_decode_header_text (fields.subject) : NULL;
  summary->date = parse_date (fields.date);
  fill_sender (summary, fields.from);
  summary->to = format_address_list (fields.to);
  summary->cc = format_address_list (fields.cc);
  summary->message_id = parse_message_id (fields.message_id);
  summary->in_reply_to = format_ids (fields.in_reply_to, TRUE);
  summary->references = format_ids (fields.references, FALSE);
  summary->has_attachments = single_part_attachment (&fields);
  return summary;
}
