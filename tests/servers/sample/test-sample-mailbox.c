/* test-sample-mailbox.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-sample-mailbox.h"

#include "kabar-sample-gmime.h"
#include <string.h>

#define OWNER "demo@kabar.test"
#define SEED 20260315

typedef struct {
  char *folder;
  GBytes *bytes;
  KabarSampleFlags flags;
  GDateTime *received;
  GMimeMessage *message;
} Entry;

typedef struct {
  GPtrArray *entries;
  guint fail_at;   /* 1-based call that fails; 0: none */
  guint calls;
} Collector;

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->folder);
  g_bytes_unref (entry->bytes);
  g_date_time_unref (entry->received);
  g_clear_object (&entry->message);
  g_free (entry);
}

static GMimeMessage *
parse (GBytes *bytes)
{
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (bytes, NULL),
                                                                     g_bytes_get_size (bytes));
  g_autoptr(GMimeParser) parser = g_mime_parser_new_with_stream (stream);

  return g_mime_parser_construct_message (parser, NULL);
}

static gboolean
collect (const char        *folder,
         GBytes            *message,
         KabarSampleFlags   flags,
         GDateTime         *received,
         gpointer           user_data,
         GError           **error)
{
  Collector *collector = user_data;
  Entry *entry;

  if (++collector->calls == collector->fail_at)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "disk full at message %u", collector->calls);
      return FALSE;
    }
  entry = g_new0 (Entry, 1);
  entry->folder = g_strdup (folder);
  entry->bytes = g_bytes_ref (message);
  entry->flags = flags;
  entry->received = g_date_time_ref (received);
  g_ptr_array_add (collector->entries, entry);
  return TRUE;
}

static GDateTime *
test_now (void)
{
  return g_date_time_new_utc (2026, 6, 20, 4, 30, 0);
}

static GPtrArray *
generate (guint32 seed)
{
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(GError) error = NULL;
  Collector collector = { .entries = g_ptr_array_new_with_free_func (entry_free) };

  g_assert_true (kabar_sample_mailbox_generate (OWNER, "Demo Kabar", seed, now, collect,
                                                &collector, &error));
  g_assert_no_error (error);
  return collector.entries;
}

/* The mailbox every test but the determinism one reads, parsed once. */
static GPtrArray *
mailbox (void)
{
  static GPtrArray *entries;
  guint i;

  if (entries != NULL)
    return entries;
  entries = generate (SEED);
  for (i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);
      entry->message = parse (entry->bytes);
    }
  return entries;
}

static Entry *
entry_at (guint i)
{
  return g_ptr_array_index (mailbox (), i);
}

static gboolean
is_incoming (const Entry *entry)
{
  return !g_str_equal (entry->folder, "Sent") && !g_str_equal (entry->folder, "Drafts");
}

static void
test_count_and_folders (void)
{
  static const char * const required[] = {
    "INBOX", "Sent", "Drafts", "Archive", "Archive/2025", "Projects", "Projects/Kabar",
    "Travel", "Receipts",
  };
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *entries = mailbox ();
  guint i;

  g_assert_cmpuint (entries->len, >=, 300);
  g_assert_cmpuint (entries->len, <=, 400);
  for (i = 0; i < entries->len; i++)
    {
      const char *folder = entry_at (i)->folder;
      const char *p;

      for (p = folder; *p != '\0'; p++)
        g_assert_true (g_ascii_isprint (*p));
      g_hash_table_insert (counts, (gpointer) folder,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, folder)) + 1));
    }
  for (i = 0; i < G_N_ELEMENTS (required); i++)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, required[i]));

      g_test_message ("%s: %u messages", required[i], n);
      g_assert_cmpuint (n, >, 0);
    }
  g_assert_cmpuint (g_hash_table_size (counts), <=, G_N_ELEMENTS (required) + 1);
}

static void
test_every_message_parses_with_headers (void)
{
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(GDateTime) oldest = g_date_time_add_days (now, -550);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *entries = mailbox ();
  guint i;

  for (i = 0; i < entries->len; i++)
    {
      Entry *entry = entry_at (i);
      GMimeMessage *message = entry->message;
      InternetAddressList *from;
      GDateTime *date;
      const char *id;

      g_assert_nonnull (message);
      from = g_mime_message_get_from (message);
      g_assert_cmpint (internet_address_list_length (from), ==, 1);
      g_assert_nonnull (g_mime_message_get_subject (message));
      date = g_mime_message_get_date (message);
      g_assert_nonnull (date);
      g_assert_cmpint (g_date_time_compare (date, now), <=, 0);
      g_assert_cmpint (g_date_time_compare (date, oldest), >=, 0);
      g_assert_cmpint (g_date_time_compare (entry->received, now), <=, 0);
      if (i > 0)
        g_assert_cmpint (g_date_time_compare (entry_at (i - 1)->received, entry->received), <=, 0);

      id = g_mime_message_get_message_id (message);
      g_assert_nonnull (id);
      g_assert_false (g_hash_table_contains (ids, id));
      g_hash_table_add (ids, (gpointer) id);
      /* Dovecot stores what it gets: LF line ends, no CR. */
      g_assert_null (memchr (g_bytes_get_data (entry->bytes, NULL), '\r', g_bytes_get_size (entry->bytes)));
    }
}

static gboolean
is_from_owner (GMimeMessage *message)
{
  InternetAddress *from = internet_address_list_get_address (g_mime_message_get_from (message), 0);

  return g_str_equal (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (from)), OWNER);
}

static gboolean
is_to_owner (GMimeMessage *message)
{
  InternetAddressList *all = g_mime_message_get_all_recipients (message);
  gboolean found = FALSE;
  int i;

  for (i = 0; all != NULL && i < internet_address_list_length (all); i++)
    {
      InternetAddress *address = internet_address_list_get_address (all, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (address)
          && g_str_equal (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)), OWNER))
        found = TRUE;
    }
  g_clear_object (&all);
  return found;
}

static void
test_owner_sends_and_receives (void)
{
  GPtrArray *entries = mailbox ();
  guint i;

  for (i = 0; i < entries->len; i++)
    {
      Entry *entry = entry_at (i);

      if (is_incoming (entry))
        g_assert_true (is_to_owner (entry->message));
      else
        g_assert_true (is_from_owner (entry->message));
    }
}

static const char *
header (GMimeMessage *message,
        const char   *name)
{
  return g_mime_object_get_header (GMIME_OBJECT (message), name);
}

static char *
unbracket (const char *id)
{
  g_autofree char *stripped = g_strstrip (g_strdup (id));

  if (stripped[0] == '<' && stripped[strlen (stripped) - 1] == '>')
    return g_strndup (stripped + 1, strlen (stripped) - 2);
  return g_steal_pointer (&stripped);
}

static char *
plain_text (GMimeMessage *message);

static void
test_has_threads_across_inbox_and_sent (void)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *entries = mailbox ();
  guint replies = 0, sent_answers_inbox = 0, inbox_answers_sent = 0;
  guint i;

  for (i = 0; i < entries->len; i++)
    g_hash_table_insert (by_id, (gpointer) g_mime_message_get_message_id (entry_at (i)->message),
                         entry_at (i));

  for (i = 0; i < entries->len; i++)
    {
      Entry *entry = entry_at (i);
      const char *in_reply_to = header (entry->message, "In-Reply-To");
      const char *references = header (entry->message, "References");
      g_autofree char *parent_id = NULL;
      g_autofree char *text = NULL;
      Entry *parent;

      if (in_reply_to == NULL)
        continue;
      parent_id = unbracket (in_reply_to);
      parent = g_hash_table_lookup (by_id, parent_id);
      g_assert_nonnull (parent);
      replies++;

      /* References ends with the parent and the parent came first. */
      g_assert_nonnull (references);
      g_assert_nonnull (strstr (references, parent_id));
      g_assert_cmpint (g_date_time_compare (g_mime_message_get_date (parent->message),
                                            g_mime_message_get_date (entry->message)), <=, 0);
      g_assert_true (g_str_has_prefix (g_mime_message_get_subject (entry->message), "Re: "));
      text = plain_text (entry->message);
      g_assert_nonnull (strstr (text, "\n> "));

      if (g_str_equal (entry->folder, "Sent") && g_str_equal (parent->folder, "INBOX"))
        {
          sent_answers_inbox++;
          g_assert_true (parent->flags & KABAR_SAMPLE_ANSWERED);
        }
      if (g_str_equal (entry->folder, "INBOX") && g_str_equal (parent->folder, "Sent"))
        inbox_answers_sent++;
    }
  g_test_message ("%u replies, %u Sent→INBOX, %u INBOX→Sent", replies, sent_answers_inbox, inbox_answers_sent);
  g_assert_cmpuint (replies, >=, 60);
  g_assert_cmpuint (sent_answers_inbox, >=, 3);
  g_assert_cmpuint (inbox_answers_sent, >=, 3);
}

typedef struct {
  guint plain_only;
  guint html_only;
  guint alternative;
  guint related_resolved;
  guint attachments;
  gboolean pdf, txt, csv, png, non_ascii_name;
  GString *text;      /* all decoded text/plain and text/html */
} Kinds;

static char *
part_text (GMimePart *part)
{
  return g_mime_text_part_get_text (GMIME_TEXT_PART (part));
}

static GBytes *
part_bytes (GMimePart *part)
{
  g_autoptr(GMimeStream) out = g_mime_stream_mem_new ();
  GByteArray *array;

  g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (part), out);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (out));
  return g_bytes_new (array->data, array->len);
}

/* PNG fields sit at odd offsets: a cast would be an unaligned load. */
static guint32
read_be32 (const guint8 *data)
{
  guint32 value;

  memcpy (&value, data, sizeof value);
  return GUINT32_FROM_BE (value);
}

static void
check_png (GBytes *png)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  const guint8 *data = g_bytes_get_data (png, NULL);
  gsize size = g_bytes_get_size (png);
  guint32 width, height, idat_len;
  g_autoptr(GConverter) zlib = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB));
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *raw = NULL;
  gsize read, written;

  g_assert_cmpuint (size, >, 57);
  g_assert_cmpmem (data, 8, signature, 8);
  g_assert_cmpmem (data + 12, 4, "IHDR", 4);
  width = read_be32 (data + 16);
  height = read_be32 (data + 20);
  g_assert_cmpmem (data + 37, 4, "IDAT", 4);
  idat_len = read_be32 (data + 33);
  g_assert_cmpmem (data + size - 8, 4, "IEND", 4);

  /* GIO's zlib checks the stream and its Adler-32 for us. */
  raw = g_malloc (height * (1 + 3 * width) + 16);
  g_assert_cmpint (g_converter_convert (zlib, data + 41, idat_len, raw, height * (1 + 3 * width) + 16,
                                        G_CONVERTER_INPUT_AT_END, &read, &written, &error),
                   ==, G_CONVERTER_FINISHED);
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, height * (1 + 3 * width));
}

static void
check_pdf (GBytes *pdf)
{
  gsize size = g_bytes_get_size (pdf);
  g_autofree char *text = g_strndup (g_bytes_get_data (pdf, NULL), size);
  const char *startxref = g_strrstr (text, "startxref\n");
  guint64 offset;

  g_assert_true (g_str_has_prefix (text, "%PDF-1."));
  g_assert_true (g_str_has_suffix (text, "%%EOF\n"));
  g_assert_nonnull (startxref);
  offset = g_ascii_strtoull (startxref + strlen ("startxref\n"), NULL, 10);
  g_assert_cmpuint (offset, <, size);
  g_assert_true (g_str_has_prefix (text + offset, "xref\n"));
}

static void
check_attachment (Kinds     *kinds,
                  GMimePart *part)
{
  const char *filename = g_mime_part_get_filename (part);
  GMimeContentType *type = g_mime_object_get_content_type (GMIME_OBJECT (part));
  g_autoptr(GBytes) bytes = part_bytes (part);

  g_assert_nonnull (filename);
  g_assert_true (g_utf8_validate (filename, -1, NULL));
  kinds->attachments++;
  if (g_str_has_suffix (filename, ".pdf"))
    {
      g_assert_true (g_mime_content_type_is_type (type, "application", "pdf"));
      check_pdf (bytes);
      kinds->pdf = TRUE;
    }
  if (g_str_has_suffix (filename, ".png"))
    {
      check_png (bytes);
      kinds->png = TRUE;
    }
  kinds->txt |= g_str_has_suffix (filename, ".txt") || g_str_has_suffix (filename, ".log");
  kinds->csv |= g_str_has_suffix (filename, ".csv");
  if (!g_str_is_ascii (filename))
    kinds->non_ascii_name = TRUE;
}

static void
collect_text (GMimeObject *parent,
              GMimeObject *part,
              gpointer     data)
{
  Kinds *kinds = data;

  if (!GMIME_IS_PART (part))
    return;
  if (g_mime_part_is_attachment (GMIME_PART (part)))
    check_attachment (kinds, GMIME_PART (part));
  else if (GMIME_IS_TEXT_PART (part))
    {
      g_autofree char *text = part_text (GMIME_PART (part));
      g_string_append (kinds->text, text);
    }
}

/* Every cid: in the HTML of a multipart/related names one of its parts. */
static gboolean
related_resolves (GMimeMultipart *related)
{
  GMimeObject *root = g_mime_multipart_get_part (related, 0);
  g_autofree char *html = NULL;
  const char *cid;
  guint found = 0;

  if (!GMIME_IS_TEXT_PART (root))
    return FALSE;
  html = part_text (GMIME_PART (root));
  for (cid = strstr (html, "cid:"); cid != NULL; cid = strstr (cid + 4, "cid:"))
    {
      g_autofree char *id = g_strndup (cid + 4, strcspn (cid + 4, "\"'> "));

      if (g_mime_multipart_get_subpart_from_content_id (related, id) == NULL)
        return FALSE;
      found++;
    }
  return found > 0;
}

static void
count_structure (GMimeObject *parent,
                 GMimeObject *part,
                 gpointer     data)
{
  Kinds *kinds = data;

  if (GMIME_IS_MULTIPART (part))
    {
      GMimeContentType *type = g_mime_object_get_content_type (part);

      if (g_mime_content_type_is_type (type, "multipart", "alternative"))
        kinds->alternative++;
      if (g_mime_content_type_is_type (type, "multipart", "related")
          && related_resolves (GMIME_MULTIPART (part)))
        kinds->related_resolved++;
    }
}

static Kinds
survey (void)
{
  GPtrArray *entries = mailbox ();
  Kinds kinds = { .text = g_string_new (NULL) };
  guint i;

  for (i = 0; i < entries->len; i++)
    {
      GMimeMessage *message = entry_at (i)->message;
      GMimeObject *body = g_mime_message_get_mime_part (message);
      GMimeContentType *type = g_mime_object_get_content_type (body);

      if (GMIME_IS_TEXT_PART (body))
        {
          g_autofree char *text = part_text (GMIME_PART (body));

          g_string_append (kinds.text, text);
          if (g_mime_content_type_is_type (type, "text", "plain"))
            kinds.plain_only++;
          if (g_mime_content_type_is_type (type, "text", "html"))
            kinds.html_only++;
        }
      else
        {
          count_structure (NULL, body, &kinds);
          g_mime_message_foreach (message, count_structure, &kinds);
          g_mime_message_foreach (message, collect_text, &kinds);
        }
      g_string_append (kinds.text, g_mime_message_get_subject (message));
    }
  return kinds;
}

static void
test_has_every_content_kind (void)
{
  Kinds kinds = survey ();

  g_test_message ("plain %u, html %u, alternative %u, related %u, attachments %u",
                  kinds.plain_only, kinds.html_only, kinds.alternative, kinds.related_resolved,
                  kinds.attachments);
  g_assert_cmpuint (kinds.plain_only, >=, 20);
  g_assert_cmpuint (kinds.html_only, >=, 5);
  g_assert_cmpuint (kinds.alternative, >=, 5);
  g_assert_cmpuint (kinds.related_resolved, >=, 3);
  g_assert_cmpuint (kinds.attachments, >=, 10);
  g_assert_true (kinds.pdf);
  g_assert_true (kinds.txt);
  g_assert_true (kinds.csv);
  g_assert_true (kinds.png);
  g_assert_true (kinds.non_ascii_name);
  g_string_free (kinds.text, TRUE);
}

static void
test_non_ascii_names_are_encoded (void)
{
  GPtrArray *entries = mailbox ();
  gboolean rfc2231 = FALSE, rfc2047 = FALSE;
  guint i;

  for (i = 0; i < entries->len; i++)
    {
      GBytes *bytes = entry_at (i)->bytes;
      g_autofree char *raw = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_autofree char *lower = g_ascii_strdown (raw, -1);

      /* Headers are 7-bit: non-ASCII text travels encoded. */
      g_assert_true (g_str_is_ascii (raw));
      rfc2231 |= strstr (lower, "filename*=utf-8''") != NULL || strstr (lower, "filename*0*=utf-8''") != NULL;
      rfc2047 |= strstr (lower, "subject: =?utf-8?") != NULL;
    }
  g_assert_true (rfc2231);
  g_assert_true (rfc2047);
}

static char *
plain_text (GMimeMessage *message)
{
  GMimeObject *body = g_mime_message_get_body (message);

  if (body == NULL || !GMIME_IS_TEXT_PART (body))
    return g_strdup ("");
  return part_text (GMIME_PART (body));
}

static gboolean
has_devanagari (const char *text)
{
  const char *p;

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x0900 && c <= 0x097F)
        return TRUE;
    }
  return FALSE;
}

static void
test_has_indonesian_and_hindi (void)
{
  Kinds kinds = survey ();
  GPtrArray *entries = mailbox ();
  gboolean hindi_subject = FALSE, hindi_sender = FALSE;
  guint i;

  g_assert_true (has_devanagari (kinds.text->str));
  g_assert_nonnull (strstr (kinds.text->str, "नमस्ते"));
  g_assert_nonnull (strstr (kinds.text->str, "apa kabar"));
  g_assert_nonnull (strstr (kinds.text->str, "Terima kasih"));
  for (i = 0; i < entries->len; i++)
    {
      GMimeMessage *message = entry_at (i)->message;
      InternetAddress *from = internet_address_list_get_address (g_mime_message_get_from (message), 0);

      hindi_subject |= has_devanagari (g_mime_message_get_subject (message));
      hindi_sender |= has_devanagari (internet_address_get_name (from) ?: "");
    }
  g_assert_true (hindi_subject);
  g_assert_true (hindi_sender);
  g_string_free (kinds.text, TRUE);
}

static void
test_flags_are_plausible (void)
{
  GPtrArray *entries = mailbox ();
  guint unread = 0, flagged = 0, answered = 0, drafts = 0;
  Entry *newest_incoming = NULL;
  guint i;

  for (i = 0; i < entries->len; i++)
    {
      Entry *entry = entry_at (i);

      if (!(entry->flags & KABAR_SAMPLE_SEEN))
        unread++;
      if (entry->flags & KABAR_SAMPLE_FLAGGED)
        flagged++;
      if (entry->flags & KABAR_SAMPLE_ANSWERED)
        {
          answered++;
          g_assert_true (is_incoming (entry));
        }
      if (g_str_equal (entry->folder, "Drafts"))
        {
          drafts++;
          g_assert_true (entry->flags & KABAR_SAMPLE_DRAFT);
        }
      else
        {
          g_assert_false (entry->flags & KABAR_SAMPLE_DRAFT);
        }
      if (!is_incoming (entry))
        g_assert_true (entry->flags & KABAR_SAMPLE_SEEN);
      else
        newest_incoming = entry;
    }
  g_test_message ("%u unread, %u flagged, %u answered, %u drafts", unread, flagged, answered, drafts);
  g_assert_cmpuint (unread, >, 0);
  g_assert_cmpuint (unread, <, entries->len / 4);
  g_assert_cmpuint (flagged, >, 0);
  g_assert_cmpuint (answered, >, 0);
  g_assert_cmpuint (drafts, >, 0);
  g_assert_nonnull (newest_incoming);
  g_assert_true (newest_incoming->flags & KABAR_SAMPLE_SEEN || unread > 0);
}

/* The newest mail is in INBOX, older mail was filed into the archives. */
static void
test_newest_mail_in_inbox (void)
{
  GPtrArray *entries = mailbox ();
  GDateTime *oldest_inbox = NULL, *newest_inbox = NULL, *newest_archive = NULL;
  GDateTime *newest_incoming = NULL;
  guint inbox = 0;
  guint i;

  for (i = 0; i < entries->len; i++)
    {
      Entry *entry = entry_at (i);

      if (!is_incoming (entry))
        continue;
      newest_incoming = entry->received;
      if (g_str_equal (entry->folder, "INBOX"))
        {
          inbox++;
          if (oldest_inbox == NULL)
            oldest_inbox = entry->received;
          newest_inbox = entry->received;
        }
      if (g_str_has_prefix (entry->folder, "Archive"))
        newest_archive = entry->received;
    }
  g_assert_cmpuint (inbox, >=, 30);
  g_assert_nonnull (newest_archive);
  g_assert_cmpint (g_date_time_compare (newest_archive, oldest_inbox), <, 0);
  g_assert_cmpint (g_date_time_difference (newest_incoming, newest_inbox), <, 3 * G_TIME_SPAN_DAY);
}

static gboolean
same_mailbox (GPtrArray *a,
              GPtrArray *b)
{
  guint i;

  if (a->len != b->len)
    return FALSE;
  for (i = 0; i < a->len; i++)
    {
      Entry *ea = g_ptr_array_index (a, i);
      Entry *eb = g_ptr_array_index (b, i);

      if (!g_str_equal (ea->folder, eb->folder) || ea->flags != eb->flags
          || !g_date_time_equal (ea->received, eb->received) || !g_bytes_equal (ea->bytes, eb->bytes))
        return FALSE;
    }
  return TRUE;
}

static void
test_same_seed_same_bytes (void)
{
  g_autoptr(GPtrArray) first = generate (SEED);
  g_autoptr(GPtrArray) again = generate (SEED);
  g_autoptr(GPtrArray) other = generate (SEED + 1);

  g_assert_true (same_mailbox (first, again));
  g_assert_false (same_mailbox (first, other));
}

static void
test_stops_at_first_error (void)
{
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(GError) error = NULL;
  Collector collector = { .entries = g_ptr_array_new_with_free_func (entry_free), .fail_at = 10 };

  g_assert_false (kabar_sample_mailbox_generate (OWNER, "Demo Kabar", SEED, now, collect,
                                                 &collector, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_cmpuint (collector.calls, ==, 10);
  g_assert_cmpuint (collector.entries->len, ==, 9);
  g_ptr_array_unref (collector.entries);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

  g_test_add_func ("/sample/mailbox/count-in-range-and-every-folder-present", test_count_and_folders);
  g_test_add_func ("/sample/mailbox/every-message-parses-with-headers", test_every_message_parses_with_headers);
  g_test_add_func ("/sample/mailbox/owner-sends-and-receives", test_owner_sends_and_receives);
  g_test_add_func ("/sample/mailbox/has-threads-across-inbox-and-sent", test_has_threads_across_inbox_and_sent);
  g_test_add_func ("/sample/mailbox/has-every-content-kind", test_has_every_content_kind);
  g_test_add_func ("/sample/mailbox/non-ascii-names-are-encoded", test_non_ascii_names_are_encoded);
  g_test_add_func ("/sample/mailbox/has-indonesian-and-hindi", test_has_indonesian_and_hindi);
  g_test_add_func ("/sample/mailbox/flags-are-plausible", test_flags_are_plausible);
  g_test_add_func ("/sample/mailbox/newest-mail-in-inbox", test_newest_mail_in_inbox);
  g_test_add_func ("/sample/mailbox/same-seed-same-bytes", test_same_seed_same_bytes);
  g_test_add_func ("/sample/mailbox/stops-at-first-error", test_stops_at_first_error);

  return g_test_run ();
}
