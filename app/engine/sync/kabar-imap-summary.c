/* kabar-imap-summary.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A FETCH response becomes a KabarMessageSummary: ENVELOPE text decoded
 * from RFC 2047 with GMime, addresses as RFC 5322 lists, References from
 * its header section, attachments guessed from BODYSTRUCTURE.
 */

#include "config.h"

#include <gmime/gmime.h>
#include <string.h>

#include "kabar-imap-summary.h"
#include "kabar-mime.h"

#define REFERENCES_FIELD "References"
/* What kabar_imap_message_dup_body() calls the header section that
 * header_fields asks for: the text between BODY[ and ]. */
#define REFERENCES_SECTION "HEADER.FIELDS (REFERENCES)"

/* Deeper than any real message nests; a hostile BODYSTRUCTURE should not
 * walk the stack down. */
#define MAX_PART_DEPTH 32

static const char * const header_fields[] = { "REFERENCES", NULL };

static const struct
{
  const char        *name;
  KabarMessageFlags  flag;
} system_flags[] = {
  { "\\Seen", KABAR_MESSAGE_FLAG_SEEN },
  { "\\Answered", KABAR_MESSAGE_FLAG_ANSWERED },
  { "\\Flagged", KABAR_MESSAGE_FLAG_FLAGGED },
  { "\\Deleted", KABAR_MESSAGE_FLAG_DELETED },
  { "\\Draft", KABAR_MESSAGE_FLAG_DRAFT },
};

const char * const *
kabar_imap_summary_header_fields (void)
{
  return header_fields;
}

KabarImapFetchItems
kabar_imap_summary_fetch_items (gboolean condstore)
{
  KabarImapFetchItems items = KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_ENVELOPE |
                              KABAR_IMAP_FETCH_INTERNALDATE | KABAR_IMAP_FETCH_RFC822_SIZE |
                              KABAR_IMAP_FETCH_BODYSTRUCTURE;

  return condstore ? items | KABAR_IMAP_FETCH_MODSEQ : items;
}

/* --- flags ------------------------------------------------------------------- */

static KabarMessageFlags
system_flag (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (system_flags); i++)
    if (g_ascii_strcasecmp (system_flags[i].name, name) == 0)
      return system_flags[i].flag;
  return KABAR_MESSAGE_FLAG_NONE;
}

KabarMessageFlags
kabar_imap_flags_parse (const char * const  *flags,
                        char               **keywords)
{
  KabarMessageFlags parsed = KABAR_MESSAGE_FLAG_NONE;
  g_autoptr(GString) others = g_string_new (NULL);

  for (gsize i = 0; flags != NULL && flags[i] != NULL; i++)
    {
      KabarMessageFlags flag = system_flag (flags[i]);

      /* \Recent belongs to one session; the next one would not see it. */
      if (flag != KABAR_MESSAGE_FLAG_NONE)
        parsed |= flag;
      else if (*flags[i] != '\0' && g_ascii_strcasecmp (flags[i], "\\Recent") != 0)
        g_string_append_printf (others, "%s%s", others->len > 0 ? " " : "", flags[i]);
    }
  if (keywords != NULL)
    *keywords = others->len > 0 ? g_string_free (g_steal_pointer (&others), FALSE) : NULL;
  return parsed;
}

GStrv
kabar_imap_flags_build (KabarMessageFlags  flags,
                        const char        *keywords)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) words = g_strsplit_set (keywords != NULL ? keywords : "", " \t", -1);

  for (gsize i = 0; i < G_N_ELEMENTS (system_flags); i++)
    if (flags & system_flags[i].flag)
      g_strv_builder_add (builder, system_flags[i].name);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_strv_builder_add (builder, words[i]);
  return g_strv_builder_end (builder);
}

/* --- text -------------------------------------------------------------------- */

/* A display name; an empty one is no name. */
static char *
decode_name (const char *name)
{
  g_autofree char *decoded = kabar_mime_decode_header_text (name);

  return decoded != NULL && *decoded != '\0' ? g_steal_pointer (&decoded) : NULL;
}

static char *
dup_utf8 (const char *text)
{
  return text != NULL ? g_utf8_make_valid (text, -1) : NULL;
}

static gint64
parse_date (const char *text)
{
  g_autoptr(GDateTime) date = NULL;

  if (text == NULL)
    return 0;
  (void) kabar_mime_get_parser_options ();
  date = g_mime_utils_header_decode_date (text);
  return date != NULL ? g_date_time_to_unix (date) : 0;
}

/* --- addresses --------------------------------------------------------------- */

static char *
dup_address (const KabarImapAddress *address)
{
  g_autofree char *raw = kabar_imap_address_dup_address (address);

  return dup_utf8 (raw);
}

/* RFC 5322's atext and the blanks between atoms: a display name of only
 * these is a phrase as it stands. Bytes of UTF-8 are atext too (RFC 6532). */
static gboolean
name_needs_quotes (const char *name)
{
  for (const guchar *p = (const guchar *) name; *p != '\0'; p++)
    if (*p < 0x80 && !g_ascii_isalnum (*p) && strchr ("!#$%&'*+-/=?^_`{|}~ ", *p) == NULL)
      return TRUE;
  return FALSE;
}

static void
append_display_name (GString    *list,
                     const char *name)
{
  if (!name_needs_quotes (name))
    {
      g_string_append (list, name);
      return;
    }
  g_string_append_c (list, '"');
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (list, '\\');
      g_string_append_c (list, *p);
    }
  g_string_append_c (list, '"');
}

/* The ENVELOPE's list as an RFC 5322 list that
 * internet_address_list_parse() reads back; NULL when empty. Written by
 * hand rather than through GMime's address objects: it is a fifth of the
 * sync's conversion work for 100,000 messages otherwise, and GMime
 * leaves a quote in a name unescaped. */
static char *
format_addresses (GPtrArray *addresses)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < addresses->len; i++)
    {
      const KabarImapAddress *address = g_ptr_array_index (addresses, i);
      g_autofree char *name = NULL;
      g_autofree char *addr = NULL;

      if (address->mailbox == NULL)
        continue;
      name = decode_name (address->name);
      addr = dup_address (address);
      if (list->len > 0)
        g_string_append (list, ", ");
      if (name == NULL)
        {
          g_string_append (list, addr);
          continue;
        }
      append_display_name (list, name);
      g_string_append_printf (list, " <%s>", addr);
    }
  if (list->len == 0)
    {
      g_string_free (list, TRUE);
      return NULL;
    }
  return g_string_free (list, FALSE);
}

static void
fill_from (KabarMessageSummary     *summary,
           const KabarImapEnvelope *envelope)
{
  const KabarImapAddress *from;

  if (envelope->from->len == 0)
    return;
  from = g_ptr_array_index (envelope->from, 0);
  summary->from_name = decode_name (from->name);
  if (from->mailbox != NULL)
    summary->from_address = dup_address (from);
}

static void
fill_envelope (KabarMessageSummary     *summary,
               const KabarImapEnvelope *envelope)
{
  if (envelope == NULL)
    return;
  summary->subject = kabar_mime_decode_header_text (envelope->subject);
  summary->date = parse_date (envelope->date);
  fill_from (summary, envelope);
  summary->to = format_addresses (envelope->to);
  summary->cc = format_addresses (envelope->cc);
  summary->message_id = dup_utf8 (envelope->message_id);
  summary->in_reply_to = dup_utf8 (envelope->in_reply_to);
}

/* --- References -------------------------------------------------------------- */

/* The header section. Servers echo the section of the request, but one
 * that spelled it differently ("REFERENCES" quoted, say) would hide it
 * from the exact lookup, and this is the only header section fetched. */
static GBytes *
dup_header_section (KabarImapMessage *message)
{
  GBytes *bytes = kabar_imap_message_dup_body (message, REFERENCES_SECTION, NULL);
  KabarImapFetchIter iter;
  const char *key;
  const KabarImapValue *value;

  if (bytes != NULL)
    return bytes;
  kabar_imap_fetch_iter_init (&iter, kabar_imap_message_get_response (message));
  while (kabar_imap_fetch_iter_next (&iter, &key, &value))
    if (g_ascii_strncasecmp (key, "BODY[HEADER.FIELDS", strlen ("BODY[HEADER.FIELDS")) == 0)
      return kabar_imap_value_dup_bytes (value);
  return NULL;
}

/* Whether line starts the field name (with obsolete blanks before the
 * colon); *value is then where its text starts. */
static gboolean
is_field (const char  *line,
          const char  *name,
          const char **value)
{
  gsize length = strlen (name);
  const char *p = line + length;

  if (g_ascii_strncasecmp (line, name, length) != 0)
    return FALSE;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != ':')
    return FALSE;
  *value = p + 1;
  return TRUE;
}

/* The first field name of a header block, its continuation lines joined. */
static char *
unfold_field (const char *block,
              const char *name)
{
  g_auto(GStrv) lines = g_strsplit (block, "\n", -1);
  GString *value = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strchomp (lines[i]);
      const char *start;

      if (value != NULL && (line[0] == ' ' || line[0] == '\t'))
        g_string_append (value, line);
      else if (value != NULL)
        break;
      else if (is_field (line, name, &start))
        value = g_string_new (start);
    }
  return value != NULL ? g_string_free (value, FALSE) : NULL;
}

/* "<a@b> <c@d>", comments and folding gone; a header without angle
 * brackets (a few broken clients) is kept as it is, the store reads it as
 * whitespace-separated ids. */
static char *
format_references (const char *value)
{
  GMimeReferences *references = g_mime_references_parse (kabar_mime_get_parser_options (), value);
  g_autoptr(GString) text = g_string_new (NULL);

  for (int i = 0; references != NULL && i < g_mime_references_length (references); i++)
    {
      const char *id = g_mime_references_get_message_id (references, i);

      if (id != NULL && *id != '\0')
        g_string_append_printf (text, "%s<%s>", text->len > 0 ? " " : "", id);
    }
  g_clear_pointer (&references, g_mime_references_free);
  if (text->len == 0)
    g_string_append (text, value);
  g_strstrip (text->str);
  return *text->str != '\0' ? g_utf8_make_valid (text->str, -1) : NULL;
}

static char *
dup_references (KabarImapMessage *message)
{
  g_autoptr(GBytes) section = dup_header_section (message);
  g_autofree char *block = NULL;
  g_autofree char *value = NULL;
  gsize length = 0;
  const char *data;

  if (section == NULL)
    return NULL;
  data = g_bytes_get_data (section, &length);
  block = g_strndup (data, length);
  value = unfold_field (block, REFERENCES_FIELD);
  return value != NULL ? format_references (value) : NULL;
}

/* --- attachments ------------------------------------------------------------- */

static gboolean
text_is (const KabarImapValue *value,
         const char           *text)
{
  const char *value_text = kabar_imap_value_get_text (value);

  return value_text != NULL && g_ascii_strcasecmp (value_text, text) == 0;
}

/* A multipart's parts come first, each a list; a single part starts with
 * its type, a string. */
static guint
count_subparts (const KabarImapValue *part)
{
  guint n = 0;

  while (kabar_imap_value_get_kind (kabar_imap_value_get_list_item (part, n)) == KABAR_IMAP_VALUE_LIST)
    n++;
  return n;
}

/* RFC 3501 body-type-1part: seven basic fields, then the line count of a
 * text part, or the envelope, body and line count of message/rfc822, then
 * MD5 and the disposition. */
static const KabarImapValue *
single_part_disposition (const KabarImapValue *part)
{
  const KabarImapValue *type = kabar_imap_value_get_list_item (part, 0);
  const KabarImapValue *subtype = kabar_imap_value_get_list_item (part, 1);
  guint index = 8;

  if (text_is (type, "text"))
    index = 9;
  else if (text_is (type, "message") && (text_is (subtype, "rfc822") || text_is (subtype, "global")))
    index = 11;
  return kabar_imap_value_get_list_item (part, index);
}

/* RFC 2231 splits long names into name*0, name*1* and so on. */
static gboolean
is_name_parameter (const char *key)
{
  return key != NULL &&
         (g_ascii_strcasecmp (key, "name") == 0 || g_ascii_strcasecmp (key, "filename") == 0 ||
          g_ascii_strncasecmp (key, "name*", 5) == 0 || g_ascii_strncasecmp (key, "filename*", 9) == 0);
}

static gboolean
has_name_parameter (const KabarImapValue *parameters)
{
  for (guint i = 0; i + 1 < kabar_imap_value_get_list_length (parameters); i += 2)
    if (is_name_parameter (kabar_imap_value_get_text (kabar_imap_value_get_list_item (parameters, i))))
      return TRUE;
  return FALSE;
}

static gboolean
is_attachment_disposition (const KabarImapValue *disposition)
{
  return text_is (kabar_imap_value_get_list_item (disposition, 0), "attachment");
}

/* A file rather than text: said so, or a named part that is not text. An
 * image that the HTML of a multipart/related shows by its Content-ID is
 * part of the text, whatever it is called. */
static gboolean
leaf_is_attachment (const KabarImapValue *part,
                    gboolean              in_related)
{
  const KabarImapValue *disposition = single_part_disposition (part);
  const KabarImapValue *type = kabar_imap_value_get_list_item (part, 0);
  const KabarImapValue *content_id = kabar_imap_value_get_list_item (part, 3);

  if (is_attachment_disposition (disposition))
    return TRUE;
  if (kabar_imap_value_get_text (type) == NULL || text_is (type, "text"))
    return FALSE;
  if (!has_name_parameter (kabar_imap_value_get_list_item (part, 2)) &&
      !has_name_parameter (kabar_imap_value_get_list_item (disposition, 1)))
    return FALSE;
  return !(in_related && kabar_imap_value_get_text (content_id) != NULL);
}

static gboolean part_has_attachments (const KabarImapValue *part,
                                      gboolean              in_related,
                                      guint                 depth);

static gboolean
multipart_has_attachments (const KabarImapValue *part,
                           gboolean              in_related,
                           guint                 depth)
{
  guint n_parts = count_subparts (part);
  const KabarImapValue *subtype = kabar_imap_value_get_list_item (part, n_parts);

  if (is_attachment_disposition (kabar_imap_value_get_list_item (part, n_parts + 2)))
    return TRUE;
  /* What is encrypted cannot be seen before it is opened. */
  if (text_is (subtype, "encrypted"))
    return FALSE;
  /* The signature (often named signature.asc) is not a file the sender
   * attached. */
  if (text_is (subtype, "signed"))
    n_parts = MIN (n_parts, 1);
  in_related = in_related || text_is (subtype, "related");
  for (guint i = 0; i < n_parts; i++)
    if (part_has_attachments (kabar_imap_value_get_list_item (part, i), in_related, depth + 1))
      return TRUE;
  return FALSE;
}

static gboolean
part_has_attachments (const KabarImapValue *part,
                      gboolean              in_related,
                      guint                 depth)
{
  if (depth > MAX_PART_DEPTH || kabar_imap_value_get_kind (part) != KABAR_IMAP_VALUE_LIST)
    return FALSE;
  if (count_subparts (part) > 0)
    return multipart_has_attachments (part, in_related, depth);
  return leaf_is_attachment (part, in_related);
}

/* --- the summary ------------------------------------------------------------- */

KabarMessageSummary *
kabar_imap_summary_new (KabarImapMessage *message)
{
  KabarMessageSummary *summary;
  GDateTime *internal_date;

  g_return_val_if_fail (message != NULL, NULL);

  if (kabar_imap_message_get_uid (message) == 0)
    return NULL;
  summary = kabar_message_summary_new ();
  summary->uid = kabar_imap_message_get_uid (message);
  summary->flags = kabar_imap_flags_parse (kabar_imap_message_get_flags (message), &summary->keywords);
  summary->modseq = kabar_imap_message_get_modseq (message);
  internal_date = kabar_imap_message_get_internal_date (message);
  summary->internal_date = internal_date != NULL ? g_date_time_to_unix (internal_date) : 0;
  summary->size = (guint64) MAX (kabar_imap_message_get_size (message), 0);
  fill_envelope (summary, kabar_imap_message_get_envelope (message));
  if (summary->date == 0)
    summary->date = summary->internal_date;
  summary->references = dup_references (message);
  summary->has_attachments = part_has_attachments (kabar_imap_message_get_bodystructure (message), FALSE, 0);
  return summary;
}
