/* test-outgoing-message.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Outgoing mail as the recipient's client reads it: every message built
 * here is turned into its CRLF bytes, checked to be 7-bit clean, and
 * parsed back with GMime, and what a reader would see (names, subject,
 * text, files) is compared with what the composer put in.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "kabar-mime.h"
#include "kabar-outgoing-flowed.h"
#include "kabar-outgoing-message.h"
#include "kabar-test-wait.h"

static const char subject_indonesian[] = "Rapat anggaran ditunda — banjir di Jakarta 🌧️";
static const char name_hindi[] = "राम शर्मा";
static const char name_emoji[] = "Dewi Ayu 🌺";
static const char text_hindi[] = "नमस्ते, यह कबर का समाचार है। बैठक अगले सप्ताह होगी।\n";
static const char paragraph[] =
  "Rapat anggaran yang semula dijadwalkan hari Senin ditunda sampai minggu depan karena banjir "
  "di Jakarta membuat banyak rekan tidak bisa datang ke kantor. Mohon periksa lampiran laporan "
  "keuangan kuartal ketiga sebelum rapat, dan kirimkan catatan kalian paling lambat hari Jumat. "
  "Terima kasih atas pengertiannya, dan semoga semua keluarga dalam keadaan aman dan sehat.";

/* --- reading the output back ------------------------------------------------------------- */

/* Every line ends in CRLF, is at most 998 octets, and is 7-bit: what a
 * server without 8BITMIME takes. */
static void
assert_7bit_clean (GBytes *bytes)
{
  gsize size = 0;
  const guchar *data = g_bytes_get_data (bytes, &size);
  gsize line_start = 0;

  g_assert_cmpuint (size, >, 0);
  for (gsize i = 0; i < size; i++)
    {
      if (data[i] >= 0x80 || data[i] == '\0')
        g_error ("8-bit byte 0x%02x at offset %" G_GSIZE_FORMAT, data[i], i);
      if (data[i] == '\r')
        g_assert_true (i + 1 < size && data[i + 1] == '\n');
      if (data[i] == '\n')
        {
          g_assert_true (i > 0 && data[i - 1] == '\r');
          if (i - 1 - line_start > 998)
            g_error ("line at offset %" G_GSIZE_FORMAT " is %" G_GSIZE_FORMAT " octets long",
                     line_start, i - 1 - line_start);
          line_start = i + 1;
        }
    }
  g_assert_cmpuint (size - line_start, <=, 998);
}

static GMimeMessage *
parse (GBytes *bytes)
{
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (bytes, &size);
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (data, size);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, kabar_mime_get_parser_options ());

  g_assert_nonnull (message);
  g_object_unref (parser);
  g_object_unref (stream);
  return message;
}

/* The message in form, as bytes checked for 7-bit cleanliness and parsed
 * back; *raw (if not NULL) gets the bytes. */
static GMimeMessage *
round_trip (KabarOutgoingMessage *outgoing,
            KabarOutgoingForm     form,
            GBytes              **raw)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = kabar_outgoing_message_to_bytes (outgoing, form, &error);

  g_assert_no_error (error);
  assert_7bit_clean (bytes);
  if (raw != NULL)
    *raw = g_bytes_ref (bytes);
  return parse (bytes);
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (bytes, &size);

  return g_strndup (data, size);
}

static GBytes *
decoded_content (GMimeObject *object)
{
  GMimeStream *stream = g_mime_stream_mem_new ();
  GByteArray *array;
  GBytes *bytes;

  g_assert_true (GMIME_IS_PART (object));
  g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (GMIME_PART (object)), stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  bytes = g_bytes_new (array->data, array->len);
  g_object_unref (stream);
  return bytes;
}

/* A text part's text in UTF-8 with LF line ends. */
static char *
decoded_text (GMimeObject *object)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (GMIME_IS_TEXT_PART (object));
  text = g_mime_text_part_get_text (GMIME_TEXT_PART (object));
  lines = g_strsplit (text, "\r\n", -1);
  return g_strjoinv ("\n", lines);
}

/* RFC 3676 read the simple way, apart from the code under test: quote
 * marks counted, one space of stuffing dropped after them, lines ending in
 * a space joined to the next of the same depth (DelSp=no), the signature
 * separator a hard line. Quoted lines come back as ">> text". */
static char *
unflow (const char *flowed)
{
  g_auto(GStrv) lines = g_strsplit (flowed, "\n", -1);
  GString *text = g_string_new (NULL);
  guint n = g_strv_length (lines);
  gboolean joining = FALSE;
  gsize joined_depth = 0;

  for (guint i = 0; i < n; i++)
    {
      gsize depth = strspn (lines[i], ">");
      const char *line = lines[i] + depth;
      gsize length;
      gboolean soft;

      if (line[0] == ' ')
        line++;
      length = strlen (line);
      soft = length > 0 && line[length - 1] == ' ' && strcmp (line, "-- ") != 0;
      if (joining && depth != joined_depth)
        g_string_append_c (text, '\n');
      if (!joining || depth != joined_depth)
        {
          for (gsize d = 0; d < depth; d++)
            g_string_append_c (text, '>');
          if (depth > 0)
            g_string_append_c (text, ' ');
        }
      g_string_append (text, line);
      joining = soft;
      joined_depth = depth;
      if (!soft && i + 1 < n)
        g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

static void
assert_content_type (GMimeObject *object,
                     const char  *expected)
{
  g_autofree char *type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (object));

  g_assert_cmpstr (type, ==, expected);
}

static GMimeObject *
child (GMimeObject *multipart,
       int          index)
{
  g_assert_true (GMIME_IS_MULTIPART (multipart));
  return g_mime_multipart_get_part (GMIME_MULTIPART (multipart), index);
}

static int
n_children (GMimeObject *multipart)
{
  g_assert_true (GMIME_IS_MULTIPART (multipart));
  return g_mime_multipart_get_count (GMIME_MULTIPART (multipart));
}

static void
assert_mailbox (InternetAddressList *list,
                int                  index,
                const char          *name,
                const char          *address)
{
  InternetAddress *mailbox;

  g_assert_cmpint (internet_address_list_length (list), >, index);
  mailbox = internet_address_list_get_address (list, index);
  g_assert_true (INTERNET_ADDRESS_IS_MAILBOX (mailbox));
  /* No name reads back as an empty one. */
  g_assert_cmpstr (internet_address_get_name (mailbox) != NULL ? internet_address_get_name (mailbox) : "", ==,
                   name != NULL ? name : "");
  g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (mailbox)), ==, address);
}

static void
assert_strv (GStrv               actual,
             const char * const *expected)
{
  g_autofree char *joined = g_strjoinv (" ", actual);

  if (!g_strv_equal ((const char * const *) actual, expected))
    g_error ("unexpected list: %s", joined);
}

static gboolean
contains (GBytes     *bytes,
          const char *needle)
{
  g_autofree char *text = bytes_to_string (bytes);

  return strstr (text, needle) != NULL;
}

static KabarOutgoingMessage *
new_message (void)
{
  KabarOutgoingMessage *outgoing = kabar_outgoing_message_new ();

  kabar_outgoing_message_set_from (outgoing, name_emoji, "dewi@kabar.test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_TO, "Budi Santoso", "budi@kabar.test");
  kabar_outgoing_message_set_subject (outgoing, "Rapat");
  kabar_outgoing_message_set_text (outgoing, "Halo Budi,\n\nsampai besok.\n");
  return outgoing;
}

static GBytes *
every_byte (void)
{
  guint8 data[1024];

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) (i * 7 + i / 256);
  return g_bytes_new (data, sizeof data);
}

/* --- headers ------------------------------------------------------------------------------- */

static void
test_unicode_headers (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  g_autoptr(GDateTime) before = g_date_time_new_now_local ();
  g_autoptr(GDateTime) after = NULL;
  g_autoptr(GBytes) raw = NULL;
  GMimeMessage *message;
  GDateTime *date;

  kabar_outgoing_message_set_subject (outgoing, subject_indonesian);
  kabar_outgoing_message_clear_addresses (outgoing, KABAR_OUTGOING_TO);
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_TO, name_hindi, "ram@kabar.test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_TO, "Budi, Jr.", "budi@kabar.test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_CC, "José Ñandú", "jose@kabar.test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_REPLY_TO, "Tim Kabar 📰", "tim@kabar.test");
  message = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, &raw);
  after = g_date_time_new_now_local ();

  g_assert_cmpstr (g_mime_message_get_subject (message), ==, subject_indonesian);
  assert_mailbox (g_mime_message_get_from (message), 0, name_emoji, "dewi@kabar.test");
  g_assert_cmpint (internet_address_list_length (g_mime_message_get_to (message)), ==, 2);
  assert_mailbox (g_mime_message_get_to (message), 0, name_hindi, "ram@kabar.test");
  assert_mailbox (g_mime_message_get_to (message), 1, "Budi, Jr.", "budi@kabar.test");
  assert_mailbox (g_mime_message_get_cc (message), 0, "José Ñandú", "jose@kabar.test");
  assert_mailbox (g_mime_message_get_reply_to (message), 0, "Tim Kabar 📰", "tim@kabar.test");
  /* Encoded words, in UTF-8. */
  g_assert_true (contains (raw, "=?UTF-8?") || contains (raw, "=?utf-8?"));
  g_assert_false (contains (raw, "iso-8859-1") || contains (raw, "ISO-8859-1"));
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (message), "MIME-Version"), ==, "1.0");

  /* Set when built, in the local zone. */
  date = g_mime_message_get_date (message);
  g_assert_nonnull (date);
  g_assert_cmpint (g_date_time_to_unix (date), >=, g_date_time_to_unix (before));
  g_assert_cmpint (g_date_time_to_unix (date), <=, g_date_time_to_unix (after));
  g_assert_cmpint (g_date_time_get_utc_offset (date), ==, g_date_time_get_utc_offset (before));
  g_object_unref (message);
}

static void
test_idn_in_headers (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  GMimeMessage *message;
  InternetAddress *mailbox;

  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_TO, "Müller", "mueller@bücher.example");
  message = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, NULL);

  /* The header is 7-bit (punycode on the wire) and reads back as the same
   * mailbox. */
  mailbox = internet_address_list_get_address (g_mime_message_get_to (message), 1);
  g_assert_cmpstr (internet_address_get_name (mailbox), ==, "Müller");
  g_assert_cmpstr (internet_address_mailbox_get_idn_addr (INTERNET_ADDRESS_MAILBOX (mailbox)), ==,
                   "mueller@xn--bcher-kva.example");
  g_object_unref (message);
}

static void
test_bcc_only_in_drafts (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  g_autoptr(GBytes) sent_raw = NULL;
  GMimeMessage *sent;
  GMimeMessage *draft;

  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_BCC, "Rahasia Sekali", "rahasia@kabar.test");
  sent = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, &sent_raw);
  draft = round_trip (outgoing, KABAR_OUTGOING_FORM_DRAFT, NULL);

  g_assert_null (g_mime_object_get_header (GMIME_OBJECT (sent), "Bcc"));
  g_assert_false (contains (sent_raw, "rahasia"));
  /* Nor an empty header for a list with nobody in it. */
  g_assert_false (contains (sent_raw, "\r\nBcc:"));
  g_assert_false (contains (sent_raw, "\r\nCc:"));
  g_assert_false (contains (sent_raw, "\r\nReply-To:"));
  g_assert_cmpint (internet_address_list_length (g_mime_message_get_bcc (draft)), ==, 1);
  assert_mailbox (g_mime_message_get_bcc (draft), 0, "Rahasia Sekali", "rahasia@kabar.test");
  /* Both forms are the same message otherwise. */
  g_assert_cmpstr (g_mime_message_get_message_id (sent), ==, g_mime_message_get_message_id (draft));
  assert_mailbox (g_mime_message_get_to (draft), 0, "Budi Santoso", "budi@kabar.test");
  g_object_unref (sent);
  g_object_unref (draft);
}

static void
test_message_id_stable (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  g_autoptr(KabarOutgoingMessage) other = new_message ();
  g_autoptr(KabarOutgoingMessage) idn = new_message ();
  g_autofree char *first_id = NULL;
  GMimeMessage *first;
  GMimeMessage *again;
  GMimeMessage *message;

  g_assert_null (kabar_outgoing_message_get_message_id (outgoing));
  first = round_trip (outgoing, KABAR_OUTGOING_FORM_DRAFT, NULL);
  first_id = g_strdup (g_mime_message_get_message_id (first));
  g_assert_true (g_str_has_suffix (first_id, "@kabar.test"));
  g_assert_cmpuint (strlen (first_id), >, strlen ("@kabar.test") + 16);
  g_assert_cmpstr (kabar_outgoing_message_get_message_id (outgoing), ==, first_id);

  /* The draft edited and saved again, then sent: still the same message. */
  kabar_outgoing_message_set_subject (outgoing, "Rapat (diubah)");
  again = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, NULL);
  g_assert_cmpstr (g_mime_message_get_message_id (again), ==, first_id);

  message = round_trip (other, KABAR_OUTGOING_FORM_SEND, NULL);
  g_assert_cmpstr (g_mime_message_get_message_id (message), !=, first_id);
  g_object_unref (message);

  kabar_outgoing_message_set_message_id (other, "<kept.1234@kabar.test>");
  g_assert_cmpstr (kabar_outgoing_message_get_message_id (other), ==, "kept.1234@kabar.test");
  message = round_trip (other, KABAR_OUTGOING_FORM_SEND, NULL);
  g_assert_cmpstr (g_mime_message_get_message_id (message), ==, "kept.1234@kabar.test");
  g_object_unref (message);

  /* The right part is the sender's domain, in ASCII. */
  kabar_outgoing_message_set_from (idn, "Dewi", "dewi@bücher.example");
  message = round_trip (idn, KABAR_OUTGOING_FORM_SEND, NULL);
  g_assert_true (g_str_has_suffix (g_mime_message_get_message_id (message), "@xn--bcher-kva.example"));
  g_object_unref (message);
  g_object_unref (first);
  g_object_unref (again);
}

static void
test_threading (void)
{
  g_autoptr(KabarOutgoingMessage) reply = new_message ();
  g_autoptr(KabarOutgoingMessage) first_reply = new_message ();
  const char *expected[] = { "root@kabar.test", "second@kabar.test", "parent@kabar.test", NULL };
  GMimeMessage *message;
  GMimeReferences *references;

  kabar_outgoing_message_set_parent (reply, "<parent@kabar.test>", "<root@kabar.test>\r\n <second@kabar.test>");
  g_assert_cmpstr (kabar_outgoing_message_get_in_reply_to (reply), ==, "parent@kabar.test");
  g_assert_true (g_strv_equal (kabar_outgoing_message_get_references (reply), expected));
  message = round_trip (reply, KABAR_OUTGOING_FORM_SEND, NULL);
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (message), "In-Reply-To"), ==, "<parent@kabar.test>");
  references = g_mime_references_parse (NULL, g_mime_object_get_header (GMIME_OBJECT (message), "References"));
  g_assert_cmpint (g_mime_references_length (references), ==, 3);
  for (int i = 0; i < 3; i++)
    g_assert_cmpstr (g_mime_references_get_message_id (references, i), ==, expected[i]);
  g_mime_references_free (references);
  g_object_unref (message);

  /* A reply to a message that started the thread. */
  kabar_outgoing_message_set_parent (first_reply, "root@kabar.test", NULL);
  message = round_trip (first_reply, KABAR_OUTGOING_FORM_SEND, NULL);
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (message), "References"), ==, "<root@kabar.test>");
  g_object_unref (message);
}

static void
test_long_thread_trimmed (void)
{
  g_autoptr(KabarOutgoingMessage) reply = new_message ();
  g_autoptr(GString) parent_references = g_string_new (NULL);
  const char * const *references;
  GMimeMessage *message;
  GMimeReferences *parsed;
  guint n;

  for (guint i = 0; i < 60; i++)
    g_string_append_printf (parent_references, "<message-%u.%s@kabar.test> ", i,
                            "a-rather-long-identifier-as-some-clients-make-them");
  kabar_outgoing_message_set_parent (reply, "<parent@kabar.test>", parent_references->str);
  references = kabar_outgoing_message_get_references (reply);
  n = g_strv_length ((GStrv) references);
  g_assert_cmpuint (n, <, 61);
  g_assert_cmpuint (n, >=, 10);
  /* The thread's root and the newest messages stay. */
  g_assert_cmpstr (references[0], ==, "message-0.a-rather-long-identifier-as-some-clients-make-them@kabar.test");
  g_assert_cmpstr (references[n - 2], ==, "message-59.a-rather-long-identifier-as-some-clients-make-them@kabar.test");
  g_assert_cmpstr (references[n - 1], ==, "parent@kabar.test");

  /* Folded into lines a server takes (round_trip checks them). */
  message = round_trip (reply, KABAR_OUTGOING_FORM_SEND, NULL);
  parsed = g_mime_references_parse (NULL, g_mime_object_get_header (GMIME_OBJECT (message), "References"));
  g_assert_cmpint (g_mime_references_length (parsed), ==, (int) n);
  g_mime_references_free (parsed);
  g_object_unref (message);
}

/* --- text ---------------------------------------------------------------------------------- */

static void
test_flowed_round_trip (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  g_autofree char *text = g_strdup_printf ("Halo semua,\n"
                                           "\n"
                                           "%s\n"
                                           "\n"
                                           "From the minutes: nothing else.\n"
                                           "> a quoted line from the message replied to\n"
                                           ">> %s\n"
                                           "  indented by two spaces\n"
                                           "Averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongword "
                                           "and then From the start\n"
                                           "-- \n"
                                           "Dewi\n", paragraph, paragraph);
  g_autofree char *flowed = NULL;
  g_autofree char *unflowed = NULL;
  g_auto(GStrv) lines = NULL;
  GMimeMessage *message;
  GMimeObject *body;

  kabar_outgoing_message_set_text (outgoing, text);
  message = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, NULL);
  body = g_mime_message_get_mime_part (message);
  assert_content_type (body, "text/plain");
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (body, "format"), ==, "flowed");
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (body, "charset"), ==, "utf-8");

  flowed = decoded_text (body);
  lines = g_strsplit (flowed, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* Short lines for every reader; nothing that reads as an mbox
       * separator unless stuffed; the quote's lines all marked. */
      if (strstr (lines[i], "Averyvery") == NULL)
        g_assert_cmpint (g_utf8_strlen (lines[i], -1), <=, 78);
      g_assert_false (g_str_has_prefix (lines[i], "From "));
      if (lines[i][0] == '>')
        g_assert_true (g_str_has_prefix (lines[i], "> ") || g_str_has_prefix (lines[i], ">> "));
    }
  g_assert_nonnull (strstr (flowed, "\n-- \nDewi"));
  /* The paragraph was wrapped, not sent as one line, and so was its
   * quote, each piece still marked as quoted for any reader. */
  g_assert_null (strstr (flowed, paragraph));
  {
    guint quoted_pieces = 0;

    for (guint i = 0; lines[i] != NULL; i++)
      quoted_pieces += g_str_has_prefix (lines[i], ">> ");
    g_assert_cmpuint (quoted_pieces, >=, 2);
  }

  unflowed = unflow (flowed);
  g_assert_cmpstr (unflowed, ==, text);
  g_object_unref (message);
}

static void
test_flowed_helpers (void)
{
  const char *texts[] = {
    paragraph,
    "tanpa baris baru di akhir",
    "baris\r\ndengan CRLF\r\n",
    "  spasi di depan\n> kutipan\n>>  kutipan menjorok\nFrom awal\n\n\n",
    "kata-kata-panjang-tanpa-spasi-kata-kata-panjang-tanpa-spasi-kata-kata-panjang-tanpa-spasi tail",
    text_hindi,
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *flowed = kabar_flowed_encode (texts[i]);
      g_autofree char *decoded = kabar_flowed_decode (flowed, FALSE);
      g_autofree char *by_hand = unflow (flowed);
      g_auto(GStrv) lines = g_strsplit (texts[i], "\r\n", -1);
      g_autofree char *expected = g_strjoinv ("\n", lines);

      g_assert_cmpstr (decoded, ==, expected);
      g_assert_cmpstr (by_hand, ==, expected);
    }

  /* Trailing spaces of the user's lines would make them soft breaks. */
  {
    g_autofree char *flowed = kabar_flowed_encode ("satu   \ndua\n");
    g_autofree char *decoded = kabar_flowed_decode (flowed, FALSE);

    g_assert_cmpstr (decoded, ==, "satu\ndua\n");
  }
  /* Other clients' flowed text: DelSp=yes and quoted paragraphs. */
  {
    g_autofree char *delsp = kabar_flowed_decode ("Halo semu \nanya.\n", TRUE);
    g_autofree char *quoted = kabar_flowed_decode (">> kutipan yang \n>> panjang\n> lain\n", FALSE);

    g_assert_cmpstr (delsp, ==, "Halo semuanya.\n");
    g_assert_cmpstr (quoted, ==, ">> kutipan yang panjang\n> lain\n");
  }
}

static void
test_transfer_encodings (void)
{
  struct {
    const char *text;
    GMimeContentEncoding encoding;
  } cases[] = {
    { "Halo Budi, sampai besok.\n", GMIME_CONTENT_ENCODING_7BIT },
    { "Kami makan di kafe café dekat stasiun, lalu membahas anggaran.\n", GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE },
    { text_hindi, GMIME_CONTENT_ENCODING_BASE64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
      g_autofree char *text = NULL;
      g_autofree char *unflowed = NULL;
      GMimeContentEncoding encoding;
      GMimeMessage *message;
      GMimeObject *body;

      kabar_outgoing_message_set_text (outgoing, cases[i].text);
      message = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, NULL);
      body = g_mime_message_get_mime_part (message);
      encoding = g_mime_part_get_content_encoding (GMIME_PART (body));
      /* No header at all means 7bit. */
      if (encoding == GMIME_CONTENT_ENCODING_DEFAULT)
        encoding = GMIME_CONTENT_ENCODING_7BIT;
      g_assert_cmpint (encoding, ==, cases[i].encoding);
      if (encoding == GMIME_CONTENT_ENCODING_BASE64)
        {
          /* Text in base64 is in its canonical form, CRLF (RFC 2046). */
          g_autoptr(GBytes) content = decoded_content (body);
          g_autofree char *canonical = bytes_to_string (content);

          g_assert_nonnull (strstr (canonical, "\r\n"));
          for (const char *lf = strchr (canonical, '\n'); lf != NULL; lf = strchr (lf + 1, '\n'))
            g_assert_true (lf > canonical && lf[-1] == '\r');
        }
      text = decoded_text (body);
      unflowed = unflow (text);
      g_assert_cmpstr (unflowed, ==, cases[i].text);
      g_object_unref (message);
    }
}

/* --- structure ----------------------------------------------------------------------------- */

static const char html[] = "<p>Halo <b>Budi</b>, नमस्ते!</p>";

static void
test_plain_and_html (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  g_autoptr(KabarOutgoingMessage) html_only = new_message ();
  g_autofree char *html_text = NULL;
  g_autofree char *plain_text = NULL;
  GMimeMessage *message;
  GMimeObject *body;

  kabar_outgoing_message_set_html (outgoing, html);
  message = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, NULL);
  body = g_mime_message_get_mime_part (message);
  assert_content_type (body, "multipart/alternative");
  g_assert_cmpint (n_children (body), ==, 2);
  assert_content_type (child (body, 0), "text/plain");
  assert_content_type (child (body, 1), "text/html");
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (child (body, 1), "charset"), ==, "utf-8");
  plain_text = decoded_text (child (body, 0));
  g_assert_cmpstr (plain_text, ==, "Halo Budi,\n\nsampai besok.\n");
  html_text = decoded_text (child (body, 1));
  g_assert_cmpstr (html_text, ==, html);
  g_object_unref (message);

  kabar_outgoing_message_set_text (html_only, NULL);
  kabar_outgoing_message_set_html (html_only, html);
  message = round_trip (html_only, KABAR_OUTGOING_FORM_SEND, NULL);
  body = g_mime_message_get_mime_part (message);
  assert_content_type (body, "text/html");
  g_object_unref (message);
}

static void
assert_attachment (GMimeObject *part,
                   const char  *file_name,
                   const char  *content_type,
                   GBytes      *data)
{
  g_autoptr(GBytes) content = decoded_content (part);

  assert_content_type (part, content_type);
  g_assert_cmpstr (g_mime_part_get_filename (GMIME_PART (part)), ==, file_name);
  g_assert_true (g_mime_content_disposition_is_attachment (g_mime_object_get_content_disposition (part)));
  g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (part)), ==, GMIME_CONTENT_ENCODING_BASE64);
  g_assert_true (g_bytes_equal (content, data));
}

static void
test_attachments (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  g_autoptr(GBytes) data = every_byte ();
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) raw = NULL;
  static const guint8 png_data[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  const char *report = "Laporan keuangan — रिपोर्ट 2026.pdf";
  const char *file_name;
  const char *content_type;
  GMimeMessage *message;
  GMimeObject *body;

  png = g_bytes_new_static (png_data, sizeof png_data);
  kabar_outgoing_message_add_attachment (outgoing, data, report, NULL);
  kabar_outgoing_message_add_attachment (outgoing, png, "tangkapan layar", NULL);
  kabar_outgoing_message_add_attachment (outgoing, data, "data.bin", "application/x-kabar-test");
  g_assert_cmpuint (kabar_outgoing_message_get_n_attachments (outgoing), ==, 3);
  g_assert_true (kabar_outgoing_message_get_attachment (outgoing, 0, &file_name, &content_type) == data);
  g_assert_cmpstr (file_name, ==, report);
  g_assert_cmpstr (content_type, ==, "application/pdf");

  message = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, &raw);
  body = g_mime_message_get_mime_part (message);
  assert_content_type (body, "multipart/mixed");
  g_assert_cmpint (n_children (body), ==, 4);
  assert_content_type (child (body, 0), "text/plain");
  /* Type from the name, from the data, and as given. */
  assert_attachment (child (body, 1), report, "application/pdf", data);
  assert_attachment (child (body, 2), "tangkapan layar", "image/png", png);
  assert_attachment (child (body, 3), "data.bin", "application/x-kabar-test", data);
  /* RFC 2231 for the name that is not ASCII. */
  g_assert_true (contains (raw, "filename*"));
  g_assert_true (contains (raw, "UTF-8''Laporan"));
  g_object_unref (message);

  kabar_outgoing_message_remove_attachment (outgoing, 0);
  g_assert_cmpuint (kabar_outgoing_message_get_n_attachments (outgoing), ==, 2);
  kabar_outgoing_message_get_attachment (outgoing, 0, &file_name, NULL);
  g_assert_cmpstr (file_name, ==, "tangkapan layar");
}

static void
test_attachment_from_file (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  g_autoptr(GBytes) data = every_byte ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kabar-outgoing-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *missing_path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) missing = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  GMimeMessage *message;
  GMimeObject *body;

  g_assert_no_error (error);
  path = g_build_filename (dir, "Catatan rapat ०१.txt", NULL);
  g_file_set_contents (path, g_bytes_get_data (data, NULL), (gssize) g_bytes_get_size (data), &error);
  g_assert_no_error (error);
  file = g_file_new_for_path (path);
  kabar_outgoing_message_add_attachment_file_async (outgoing, file, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_outgoing_message_add_attachment_file_finish (outgoing, result, &error));
  g_assert_no_error (error);

  message = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, NULL);
  body = g_mime_message_get_mime_part (message);
  assert_content_type (body, "multipart/mixed");
  assert_attachment (child (body, 1), "Catatan rapat ०१.txt", "text/plain", data);
  g_object_unref (message);

  missing_path = g_build_filename (dir, "hilang.pdf", NULL);
  missing = g_file_new_for_path (missing_path);
  g_clear_object (&result);
  kabar_outgoing_message_add_attachment_file_async (outgoing, missing, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_false (kabar_outgoing_message_add_attachment_file_finish (outgoing, result, &error));
  g_assert_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_ATTACHMENT);
  g_assert_nonnull (strstr (error->message, "hilang.pdf"));
  g_assert_cmpuint (kabar_outgoing_message_get_n_attachments (outgoing), ==, 1);

  g_unlink (path);
  g_rmdir (dir);
}

static void
assert_inline_image (GMimeObject *part,
                     const char  *content_id,
                     GBytes      *data)
{
  g_autoptr(GBytes) content = decoded_content (part);

  assert_content_type (part, "image/png");
  g_assert_cmpstr (g_mime_object_get_content_id (part), ==, content_id);
  g_assert_cmpstr (g_mime_content_disposition_get_disposition (g_mime_object_get_content_disposition (part)), ==, "inline");
  g_assert_true (g_bytes_equal (content, data));
}

static void
test_inline_images (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  g_autoptr(GBytes) image = every_byte ();
  g_autoptr(GBytes) data = every_byte ();
  g_autofree char *image_html = NULL;
  g_autofree char *html_text = NULL;
  g_autofree char *cid = NULL;
  const char *content_id;
  GMimeMessage *message;
  GMimeObject *body;
  GMimeObject *related;

  content_id = kabar_outgoing_message_add_inline_image (outgoing, image, "grafik.png", "image/png", NULL);
  g_assert_nonnull (content_id);
  g_assert_true (g_str_has_suffix (content_id, "@kabar.test"));
  image_html = g_strdup_printf ("<p>Lihat grafik:</p><img src=\"cid:%s\">", content_id);
  kabar_outgoing_message_set_html (outgoing, image_html);

  /* mixed(related(alternative(plain, html), image), attachment) */
  kabar_outgoing_message_add_attachment (outgoing, data, "data.bin", NULL);
  message = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, NULL);
  body = g_mime_message_get_mime_part (message);
  assert_content_type (body, "multipart/mixed");
  g_assert_cmpint (n_children (body), ==, 2);
  related = child (body, 0);
  assert_content_type (related, "multipart/related");
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (related, "type"), ==, "multipart/alternative");
  g_assert_cmpint (n_children (related), ==, 2);
  assert_content_type (child (related, 0), "multipart/alternative");
  assert_content_type (child (child (related, 0), 0), "text/plain");
  assert_content_type (child (child (related, 0), 1), "text/html");
  html_text = decoded_text (child (child (related, 0), 1));
  g_assert_true (g_str_has_prefix (strstr (html_text, "cid:") + 4, content_id));
  assert_inline_image (child (related, 1), content_id, image);
  assert_content_type (child (body, 1), "application/octet-stream");
  g_object_unref (message);

  /* related(html, image): no plain text, no attachment. */
  kabar_outgoing_message_remove_attachment (outgoing, 0);
  kabar_outgoing_message_set_text (outgoing, NULL);
  message = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, NULL);
  body = g_mime_message_get_mime_part (message);
  assert_content_type (body, "multipart/related");
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (body, "type"), ==, "text/html");
  assert_content_type (child (body, 0), "text/html");
  cid = g_strdup_printf ("cid:%s", g_mime_object_get_content_id (child (body, 1)));
  g_free (html_text);
  html_text = decoded_text (child (body, 0));
  g_assert_nonnull (strstr (html_text, cid));
  g_object_unref (message);

  /* Text with attachments and no HTML: mixed(plain, attachment). */
  g_clear_object (&outgoing);
  outgoing = new_message ();
  kabar_outgoing_message_add_attachment (outgoing, data, "data.bin", NULL);
  message = round_trip (outgoing, KABAR_OUTGOING_FORM_SEND, NULL);
  body = g_mime_message_get_mime_part (message);
  assert_content_type (body, "multipart/mixed");
  g_assert_cmpint (n_children (body), ==, 2);
  assert_content_type (child (body, 0), "text/plain");
  g_object_unref (message);
}

/* --- envelope ------------------------------------------------------------------------------ */

static void
test_envelope (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) recipients = NULL;
  g_autofree char *sender = NULL;
  const char *expected[] = {
    "budi@kabar.test",
    "Budi@kabar.test",
    "ram@xn--p1b6ci4b4b3a.xn--h2brj9c",
    "sri@kabar.test",
    "anggota@kabar.test",
    "rahasia@xn--bcher-kva.example",
    NULL,
  };

  kabar_outgoing_message_set_from (outgoing, "Dewi", "dewi@bücher.example");
  /* The same mailbox again with the domain in capitals: once. A local
   * part in other case is another mailbox to the server. */
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_TO, NULL, "budi@KABAR.Test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_TO, NULL, "Budi@kabar.test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_TO, name_hindi, "ram@उदाहरण.भारत");
  g_assert_true (kabar_outgoing_message_add_addresses_from_string (outgoing, KABAR_OUTGOING_CC,
                                                                   "Sri <sri@kabar.test>, "
                                                                   "ram@xn--p1b6ci4b4b3a.xn--h2brj9c, "
                                                                   "Tim: anggota@kabar.test, sri@KABAR.TEST;",
                                                                   &error));
  g_assert_no_error (error);
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_BCC, NULL, "rahasia@bücher.example");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_BCC, NULL, "rahasia@BÜCHER.example");
  /* Reply-To is no recipient. */
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_REPLY_TO, NULL, "balas@kabar.test");

  g_assert_false (kabar_outgoing_message_needs_smtputf8 (outgoing));
  sender = kabar_outgoing_message_dup_envelope_sender (outgoing);
  g_assert_cmpstr (sender, ==, "dewi@xn--bcher-kva.example");
  recipients = kabar_outgoing_message_dup_envelope_recipients (outgoing);
  assert_strv (recipients, expected);
}

static void
test_smtputf8 (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  g_auto(GStrv) recipients = NULL;
  g_autofree char *sender = NULL;
  const char *expected[] = { "budi@kabar.test", "राम@उदाहरण.भारत", "sri@bücher.example", NULL };

  kabar_outgoing_message_set_from (outgoing, "Dewi", "dewi@bücher.example");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_CC, NULL, "राम@उदाहरण.भारत");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_CC, NULL, "sri@bücher.example");
  g_assert_true (kabar_outgoing_message_needs_smtputf8 (outgoing));
  sender = kabar_outgoing_message_dup_envelope_sender (outgoing);
  g_assert_cmpstr (sender, ==, "dewi@bücher.example");
  recipients = kabar_outgoing_message_dup_envelope_recipients (outgoing);
  assert_strv (recipients, expected);
}

/* --- validation ---------------------------------------------------------------------------- */

static void
test_validation (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = kabar_outgoing_message_new ();
  g_autoptr(GError) error = NULL;
  GMimeMessage *message;

  g_assert_false (kabar_outgoing_message_validate (outgoing, &error));
  g_assert_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_NO_SENDER);
  g_clear_error (&error);

  kabar_outgoing_message_set_from (outgoing, "Dewi", "dewi@kabar.test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_REPLY_TO, NULL, "balas@kabar.test");
  g_assert_false (kabar_outgoing_message_validate (outgoing, &error));
  g_assert_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_NO_RECIPIENT);
  g_clear_error (&error);
  /* Not sent, but a draft may be saved. */
  g_assert_null (kabar_outgoing_message_to_bytes (outgoing, KABAR_OUTGOING_FORM_SEND, &error));
  g_assert_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_NO_RECIPIENT);
  g_clear_error (&error);
  message = round_trip (outgoing, KABAR_OUTGOING_FORM_DRAFT, NULL);
  g_object_unref (message);

  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_BCC, NULL, "budi@kabar.test");
  g_assert_true (kabar_outgoing_message_validate (outgoing, &error));
  g_assert_no_error (error);

  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_CC, "Sri", "sri@@kabar.test");
  g_assert_false (kabar_outgoing_message_validate (outgoing, &error));
  g_assert_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "sri@@kabar.test"));
  g_clear_error (&error);

  kabar_outgoing_message_clear_addresses (outgoing, KABAR_OUTGOING_CC);
  kabar_outgoing_message_set_from (outgoing, "Dewi", "dewi at kabar.test");
  g_assert_false (kabar_outgoing_message_validate (outgoing, &error));
  g_assert_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "dewi at kabar.test"));
  g_clear_error (&error);
}

static void
test_parse_typed_addresses (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = kabar_outgoing_message_new ();
  g_autoptr(GError) error = NULL;
  InternetAddressList *to = kabar_outgoing_message_get_addresses (outgoing, KABAR_OUTGOING_TO);
  const char *invalid[] = { "bukan alamat", "budi@", "@kabar.test", "a@b@", "Budi <budi>", "x@-kabar.test" };

  g_assert_true (kabar_outgoing_message_add_addresses_from_string (outgoing, KABAR_OUTGOING_TO,
                                                                   "\"Budi, Jr.\" <budi@kabar.test>, "
                                                                   "=?UTF-8?B?4KSw4KS+4KSu?= <ram@kabar.test>, "
                                                                   "sri@kabar.test, , Dewi Ayu <dewi@bücher.example>",
                                                                   &error));
  g_assert_no_error (error);
  g_assert_cmpint (internet_address_list_length (to), ==, 4);
  assert_mailbox (to, 0, "Budi, Jr.", "budi@kabar.test");
  assert_mailbox (to, 1, "राम", "ram@kabar.test");
  assert_mailbox (to, 2, NULL, "sri@kabar.test");
  assert_mailbox (to, 3, "Dewi Ayu", "dewi@bücher.example");

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *typed = g_strdup_printf ("ok@kabar.test, %s", invalid[i]);

      g_assert_false (kabar_outgoing_message_add_addresses_from_string (outgoing, KABAR_OUTGOING_CC, typed, &error));
      g_assert_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_INVALID_ADDRESS);
      if (strstr (error->message, invalid[i]) == NULL)
        g_error ("the error does not name “%s”: %s", invalid[i], error->message);
      g_clear_error (&error);
      /* All or nothing. */
      g_assert_cmpint (internet_address_list_length (kabar_outgoing_message_get_addresses (outgoing, KABAR_OUTGOING_CC)), ==, 0);
    }
}

/* --- reopening a draft --------------------------------------------------------------------- */

static void
assert_same_list (InternetAddressList *a,
                  InternetAddressList *b)
{
  g_assert_cmpint (internet_address_list_length (a), ==, internet_address_list_length (b));
  for (int i = 0; i < internet_address_list_length (a); i++)
    {
      InternetAddress *address = internet_address_list_get_address (a, i);

      assert_mailbox (b, i, internet_address_get_name (address),
                      internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)));
    }
}

static void
test_reopen_draft (void)
{
  g_autoptr(KabarOutgoingMessage) outgoing = new_message ();
  g_autoptr(KabarOutgoingMessage) reopened = NULL;
  g_autoptr(GBytes) image = every_byte ();
  g_autoptr(GBytes) data = every_byte ();
  g_autoptr(GBytes) draft = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("%s\n\n> dikutip\n-- \nDewi\n", paragraph);
  g_autofree char *image_html = NULL;
  const char *content_id;
  const char *file_name;
  const char *content_type;
  const char *image_id;
  GMimeMessage *sent;

  kabar_outgoing_message_set_subject (outgoing, subject_indonesian);
  kabar_outgoing_message_set_text (outgoing, text);
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_TO, name_hindi, "ram@kabar.test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_CC, "Sri", "sri@kabar.test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_BCC, "Rahasia", "rahasia@kabar.test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_REPLY_TO, "Tim", "tim@kabar.test");
  kabar_outgoing_message_set_parent (outgoing, "parent@kabar.test", "<root@kabar.test>");
  content_id = kabar_outgoing_message_add_inline_image (outgoing, image, "grafik.png", "image/png", NULL);
  image_html = g_strdup_printf ("<p>%s</p><img src=\"cid:%s\">", text_hindi, content_id);
  kabar_outgoing_message_set_html (outgoing, image_html);
  kabar_outgoing_message_add_attachment (outgoing, data, "Laporan — रिपोर्ट.pdf", NULL);
  draft = kabar_outgoing_message_to_bytes (outgoing, KABAR_OUTGOING_FORM_DRAFT, &error);
  g_assert_no_error (error);

  reopened = kabar_outgoing_message_new_from_bytes (draft, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kabar_outgoing_message_get_from_name (reopened), ==, name_emoji);
  g_assert_cmpstr (kabar_outgoing_message_get_from_address (reopened), ==, "dewi@kabar.test");
  for (KabarOutgoingField field = KABAR_OUTGOING_TO; field <= KABAR_OUTGOING_REPLY_TO; field++)
    assert_same_list (kabar_outgoing_message_get_addresses (outgoing, field),
                      kabar_outgoing_message_get_addresses (reopened, field));
  g_assert_cmpint (internet_address_list_length (kabar_outgoing_message_get_addresses (reopened, KABAR_OUTGOING_BCC)), ==, 1);
  g_assert_cmpstr (kabar_outgoing_message_get_subject (reopened), ==, subject_indonesian);
  g_assert_cmpstr (kabar_outgoing_message_get_message_id (reopened), ==, kabar_outgoing_message_get_message_id (outgoing));
  g_assert_cmpstr (kabar_outgoing_message_get_in_reply_to (reopened), ==, "parent@kabar.test");
  g_assert_true (g_strv_equal (kabar_outgoing_message_get_references (reopened),
                               kabar_outgoing_message_get_references (outgoing)));
  g_assert_cmpstr (kabar_outgoing_message_get_text (reopened), ==, text);
  g_assert_cmpstr (kabar_outgoing_message_get_html (reopened), ==, image_html);

  g_assert_cmpuint (kabar_outgoing_message_get_n_inline_images (reopened), ==, 1);
  g_assert_true (g_bytes_equal (kabar_outgoing_message_get_inline_image (reopened, 0, &file_name, &content_type, &image_id), image));
  g_assert_cmpstr (file_name, ==, "grafik.png");
  g_assert_cmpstr (content_type, ==, "image/png");
  g_assert_cmpstr (image_id, ==, content_id);
  g_assert_cmpuint (kabar_outgoing_message_get_n_attachments (reopened), ==, 1);
  g_assert_true (g_bytes_equal (kabar_outgoing_message_get_attachment (reopened, 0, &file_name, &content_type), data));
  g_assert_cmpstr (file_name, ==, "Laporan — रिपोर्ट.pdf");
  g_assert_cmpstr (content_type, ==, "application/pdf");

  /* Sent after reopening: the same message, threaded the same, no Bcc. */
  sent = round_trip (reopened, KABAR_OUTGOING_FORM_SEND, NULL);
  g_assert_cmpstr (g_mime_message_get_message_id (sent), ==, kabar_outgoing_message_get_message_id (outgoing));
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (sent), "In-Reply-To"), ==, "<parent@kabar.test>");
  g_assert_null (g_mime_object_get_header (GMIME_OBJECT (sent), "Bcc"));
  assert_content_type (g_mime_message_get_mime_part (sent), "multipart/mixed");
  g_object_unref (sent);
}

static void
test_reopen_not_a_message (void)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;

  g_assert_null (kabar_outgoing_message_new_from_bytes (empty, &error));
  g_assert_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_NOT_A_MESSAGE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/outgoing/unicode-headers", test_unicode_headers);
  g_test_add_func ("/mime/outgoing/idn-in-headers", test_idn_in_headers);
  g_test_add_func ("/mime/outgoing/bcc-only-in-drafts", test_bcc_only_in_drafts);
  g_test_add_func ("/mime/outgoing/message-id-stable", test_message_id_stable);
  g_test_add_func ("/mime/outgoing/threading", test_threading);
  g_test_add_func ("/mime/outgoing/long-thread-trimmed", test_long_thread_trimmed);
  g_test_add_func ("/mime/outgoing/flowed-round-trip", test_flowed_round_trip);
  g_test_add_func ("/mime/outgoing/flowed-helpers", test_flowed_helpers);
  g_test_add_func ("/mime/outgoing/transfer-encodings", test_transfer_encodings);
  g_test_add_func ("/mime/outgoing/plain-and-html", test_plain_and_html);
  g_test_add_func ("/mime/outgoing/attachments", test_attachments);
  g_test_add_func ("/mime/outgoing/attachment-from-file", test_attachment_from_file);
  g_test_add_func ("/mime/outgoing/inline-images", test_inline_images);
  g_test_add_func ("/mime/outgoing/envelope", test_envelope);
  g_test_add_func ("/mime/outgoing/smtputf8", test_smtputf8);
  g_test_add_func ("/mime/outgoing/validation", test_validation);
  g_test_add_func ("/mime/outgoing/parse-typed-addresses", test_parse_typed_addresses);
  g_test_add_func ("/mime/outgoing/reopen-draft", test_reopen_draft);
  g_test_add_func ("/mime/outgoing/reopen-not-a-message", test_reopen_not_a_message);

  return g_test_run ();
}
