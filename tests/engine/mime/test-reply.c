/* test-reply.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Replies and forwards as the user and the recipients see them: who they
 * go to, their subject and threading headers, the quote, the files they
 * carry, and the message built from them parsed back with GMime.
 */

#include "config.h"

#include <libintl.h>
#include <locale.h>
#include <string.h>

#include "kabar-mime.h"
#include "kabar-reply.h"

static const char * const own[] = { "budi@kabar.test", "b.santoso@kantor.test", NULL };

/* Dewi writes to Budi (the user) and Rani, Joko in Cc; flowed text with
 * a quote of its own and a signature. */
static const char plain_message[] =
  "From: Dewi Ayu <dewi@kabar.test>\n"
  "To: Budi Santoso <Budi@Kabar.test>, Rani <rani@kabar.test>\n"
  "Cc: Joko <joko@kabar.test>, rani@KABAR.test, b.santoso@kantor.test\n"
  "Subject: Rapat anggaran\n"
  "Date: Mon, 02 Mar 2026 09:30:00 +0000\n"
  "Message-ID: <rapat-2@kabar.test>\n"
  "References: <rapat-0@kabar.test> <rapat-1@kabar.test>\n"
  "MIME-Version: 1.0\n"
  "Content-Type: text/plain; charset=utf-8; format=flowed\n"
  "Content-Transfer-Encoding: 8bit\n"
  "\n"
  "Halo semua, \n"
  "rapat ditunda.\n"
  "\n"
  "> Kapan rapatnya?\n"
  ">> Minggu depan.\n"
  "\n"
  "-- \n"
  "Dewi\n"
  "Kepala Bagian Keuangan\n";

static GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* text with CRLF line ends, as servers hand messages over. */
static GBytes *
crlf_bytes_of (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *joined = g_strjoinv ("\r\n", lines);

  return bytes_of (joined);
}

static KabarOutgoingMessage *
reply_to (const char     *message,
          KabarReplyKind  kind,
          const char     *selected_text)
{
  g_autoptr(GBytes) raw = crlf_bytes_of (message);
  g_autoptr(GError) error = NULL;
  KabarOutgoingMessage *reply = kabar_reply_new (raw, kind, own, selected_text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reply);
  return reply;
}

/* The field's addresses, "a@x, b@y", in order. */
static char *
addresses (KabarOutgoingMessage *message,
           KabarOutgoingField    field)
{
  InternetAddressList *list = kabar_outgoing_message_get_addresses (message, field);
  GString *out = g_string_new (NULL);

  for (int i = 0; i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      g_assert_true (INTERNET_ADDRESS_IS_MAILBOX (address));
      g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "",
                              internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)));
    }
  return g_string_free (out, FALSE);
}

static void
assert_recipients (KabarOutgoingMessage *message,
                   const char           *to,
                   const char           *cc)
{
  g_autofree char *actual_to = addresses (message, KABAR_OUTGOING_TO);
  g_autofree char *actual_cc = addresses (message, KABAR_OUTGOING_CC);
  g_autofree char *actual_bcc = addresses (message, KABAR_OUTGOING_BCC);

  g_assert_cmpstr (actual_to, ==, to);
  g_assert_cmpstr (actual_cc, ==, cc);
  g_assert_cmpstr (actual_bcc, ==, "");
  /* From is the composer's to choose. */
  g_assert_null (kabar_outgoing_message_get_from_address (message));
}

static void
assert_references (KabarOutgoingMessage *message,
                   const char * const   *expected)
{
  const char * const *references = kabar_outgoing_message_get_references (message);

  if (!g_strv_equal (references, expected))
    {
      g_autofree char *joined = g_strjoinv (" ", (GStrv) references);

      g_error ("unexpected References: %s", joined);
    }
}

/* The message as the recipient gets it, parsed back; freed at the end
 * of the test. */
static GMimeMessage *
built (KabarOutgoingMessage *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *parsed;

  kabar_outgoing_message_set_from (message, "Budi Santoso", "budi@kabar.test");
  if (internet_address_list_length (kabar_outgoing_message_get_addresses (message, KABAR_OUTGOING_TO)) == 0)
    kabar_outgoing_message_add_address (message, KABAR_OUTGOING_TO, NULL, "sari@kabar.test");
  bytes = kabar_outgoing_message_to_bytes (message, KABAR_OUTGOING_FORM_SEND, &error);
  g_assert_no_error (error);
  /* CRLF line ends throughout, none doubled by a CRLF original inside. */
  {
    gsize size = 0;
    const char *data = g_bytes_get_data (bytes, &size);

    for (gsize i = 0; i < size; i++)
      if (data[i] == '\r')
        g_assert_true (i + 1 < size && data[i + 1] == '\n');
      else if (data[i] == '\n')
        g_assert_true (i > 0 && data[i - 1] == '\r');
  }
  stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  parser = g_mime_parser_new_with_stream (stream);
  parsed = g_mime_parser_construct_message (parser, kabar_mime_get_parser_options ());
  g_assert_nonnull (parsed);
  g_test_queue_unref (parsed);
  g_object_unref (parser);
  g_object_unref (stream);
  return parsed;
}

static GBytes *
part_bytes (GMimeObject *object)
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

/* --- recipients ---------------------------------------------------------------------------- */

static void
test_reply_to_sender (void)
{
  g_autoptr(KabarOutgoingMessage) reply = reply_to (plain_message, KABAR_REPLY_SENDER, NULL);
  g_autofree char *with_reply_to = g_strconcat ("Reply-To: Keuangan <keuangan@kabar.test>\n", plain_message, NULL);
  g_autoptr(KabarOutgoingMessage) to_list = reply_to (with_reply_to, KABAR_REPLY_SENDER, NULL);
  InternetAddress *first;

  assert_recipients (reply, "dewi@kabar.test", "");
  first = internet_address_list_get_address (kabar_outgoing_message_get_addresses (reply, KABAR_OUTGOING_TO), 0);
  g_assert_cmpstr (internet_address_get_name (first), ==, "Dewi Ayu");
  assert_recipients (to_list, "keuangan@kabar.test", "");
}

static void
test_reply_all (void)
{
  g_autoptr(KabarOutgoingMessage) reply = reply_to (plain_message, KABAR_REPLY_ALL, NULL);
  g_autofree char *with_reply_to = g_strconcat ("Reply-To: keuangan@kabar.test\n", plain_message, NULL);
  g_autoptr(KabarOutgoingMessage) to_list = reply_to (with_reply_to, KABAR_REPLY_ALL, NULL);

  /* Budi's addresses (in any case) left out, Rani once though she is in
   * To and Cc. */
  assert_recipients (reply, "dewi@kabar.test, rani@kabar.test", "joko@kabar.test");
  assert_recipients (to_list, "keuangan@kabar.test, rani@kabar.test", "joko@kabar.test");
}

static void
test_reply_to_own_message (void)
{
  const char sent[] =
    "From: Budi Santoso <BUDI@kabar.test>\n"
    "To: Dewi Ayu <dewi@kabar.test>, Rani <rani@kabar.test>\n"
    "Cc: joko@kabar.test\n"
    "Subject: Laporan\n"
    "Message-ID: <laporan@kabar.test>\n"
    "\n"
    "Terlampir.\n";
  const char to_self[] =
    "From: budi@kabar.test\n"
    "To: Budi@kabar.test\n"
    "Subject: Catatan\n"
    "\n"
    "Beli susu.\n";
  g_autoptr(KabarOutgoingMessage) reply = reply_to (sent, KABAR_REPLY_SENDER, NULL);
  g_autoptr(KabarOutgoingMessage) reply_all = reply_to (sent, KABAR_REPLY_ALL, NULL);
  g_autoptr(KabarOutgoingMessage) note = reply_to (to_self, KABAR_REPLY_ALL, NULL);

  /* What the user sent is answered to its recipients, not to the user. */
  assert_recipients (reply, "dewi@kabar.test, rani@kabar.test", "");
  assert_recipients (reply_all, "dewi@kabar.test, rani@kabar.test", "joko@kabar.test");
  /* Nobody else: the sender, rather than nobody. */
  assert_recipients (note, "Budi@kabar.test", "");
}

static void
test_recipients_in_groups (void)
{
  const char grouped[] =
    "From: Dewi <dewi@kabar.test>\n"
    "To: Tim: rani@kabar.test, budi@kabar.test;, sari@kabar.test\n"
    "Subject: Grup\n"
    "\n"
    "Halo.\n";
  g_autoptr(KabarOutgoingMessage) reply = reply_to (grouped, KABAR_REPLY_ALL, NULL);

  assert_recipients (reply, "dewi@kabar.test, rani@kabar.test, sari@kabar.test", "");
}

/* --- subject and threading ------------------------------------------------------------------- */

static void
test_subjects (void)
{
  static const struct { const char *subject; KabarReplyKind kind; const char *expected; } cases[] = {
    { "Rapat anggaran", KABAR_REPLY_SENDER, "Re: Rapat anggaran" },
    { "Re: Rapat anggaran", KABAR_REPLY_SENDER, "Re: Rapat anggaran" },
    { "RE: Rapat", KABAR_REPLY_ALL, "Re: Rapat" },
    { "re: Re: RE: Rapat", KABAR_REPLY_SENDER, "Re: Rapat" },
    { "Aw: Termin", KABAR_REPLY_SENDER, "Re: Termin" },
    { "SV: Möte", KABAR_REPLY_SENDER, "Re: Möte" },
    { "Antw: Vergadering", KABAR_REPLY_SENDER, "Re: Vergadering" },
    { "Balas: Rapat", KABAR_REPLY_SENDER, "Re: Rapat" },
    { "Re[2]: Rapat", KABAR_REPLY_SENDER, "Re: Rapat" },
    { "Re : Réunion", KABAR_REPLY_SENDER, "Re: Réunion" },
    { "Fwd: Rapat", KABAR_REPLY_SENDER, "Re: Fwd: Rapat" },
    { "Regarding: budget", KABAR_REPLY_SENDER, "Re: Regarding: budget" },
    { "Rekap mingguan", KABAR_REPLY_SENDER, "Re: Rekap mingguan" },
    { "बैठक स्थगित", KABAR_REPLY_SENDER, "Re: बैठक स्थगित" },
    { "", KABAR_REPLY_SENDER, "Re: " },
    { "Rapat", KABAR_FORWARD_INLINE, "Fwd: Rapat" },
    { "Fwd: Rapat", KABAR_FORWARD_INLINE, "Fwd: Rapat" },
    { "FW: Rapat", KABAR_FORWARD_ATTACHMENT, "Fwd: Rapat" },
    { "TR: Réunion", KABAR_FORWARD_INLINE, "Fwd: Réunion" },
    { "WG: Termin", KABAR_FORWARD_INLINE, "Fwd: Termin" },
    { "Re: Rapat", KABAR_FORWARD_INLINE, "Fwd: Re: Rapat" },
    { "", KABAR_FORWARD_INLINE, "Fwd: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *encoded = g_mime_utils_header_encode_text (NULL, cases[i].subject, "utf-8");
      g_autofree char *message = g_strdup_printf ("From: dewi@kabar.test\nSubject: %s\n\nHalo.\n", encoded);
      g_autoptr(KabarOutgoingMessage) reply = reply_to (message, cases[i].kind, NULL);

      g_assert_cmpstr (kabar_outgoing_message_get_subject (reply), ==, cases[i].expected);
    }
  {
    /* No Subject header at all. */
    g_autoptr(KabarOutgoingMessage) reply = reply_to ("From: dewi@kabar.test\n\nHalo.\n", KABAR_REPLY_SENDER, NULL);

    g_assert_cmpstr (kabar_outgoing_message_get_subject (reply), ==, "Re: ");
  }
}

static void
test_threading (void)
{
  static const char * const reply_references[] = { "rapat-0@kabar.test", "rapat-1@kabar.test", "rapat-2@kabar.test", NULL };
  static const char * const forward_references[] = { "rapat-2@kabar.test", NULL };
  static const char * const none[] = { NULL };
  g_autoptr(KabarOutgoingMessage) reply = reply_to (plain_message, KABAR_REPLY_ALL, NULL);
  g_autoptr(KabarOutgoingMessage) forward = reply_to (plain_message, KABAR_FORWARD_INLINE, NULL);
  g_autoptr(KabarOutgoingMessage) attached = reply_to (plain_message, KABAR_FORWARD_ATTACHMENT, NULL);
  g_autoptr(KabarOutgoingMessage) no_id = reply_to ("From: dewi@kabar.test\nSubject: x\n\nHalo.\n", KABAR_REPLY_SENDER, NULL);
  GMimeMessage *sent = NULL;

  g_assert_cmpstr (kabar_outgoing_message_get_in_reply_to (reply), ==, "rapat-2@kabar.test");
  assert_references (reply, reply_references);
  g_assert_null (kabar_outgoing_message_get_in_reply_to (forward));
  assert_references (forward, forward_references);
  g_assert_null (kabar_outgoing_message_get_in_reply_to (attached));
  assert_references (attached, forward_references);
  g_assert_null (kabar_outgoing_message_get_in_reply_to (no_id));
  assert_references (no_id, none);
  /* A reply gets a Message-ID of its own when built, never the original's. */
  g_assert_null (kabar_outgoing_message_get_message_id (reply));

  sent = built (reply);
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (sent), "In-Reply-To"), ==, "<rapat-2@kabar.test>");
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (sent), "References"), ==,
                   "<rapat-0@kabar.test> <rapat-1@kabar.test> <rapat-2@kabar.test>");
  g_assert_cmpstr (g_mime_message_get_subject (sent), ==, "Re: Rapat anggaran");
  g_assert_cmpstr (g_mime_message_get_message_id (sent), !=, "rapat-2@kabar.test");
}

/* --- the quote -------------------------------------------------------------------------------- */

static void
test_quote_plain (void)
{
  g_autoptr(KabarOutgoingMessage) reply = reply_to (plain_message, KABAR_REPLY_SENDER, NULL);

  /* 09:30 UTC is 16:30 in Jakarta (the test's zone), in the C locale's
   * %x %X; flowed lines joined, quotes one deeper, the signature gone. */
  g_assert_cmpstr (kabar_outgoing_message_get_text (reply), ==,
                   "On 03/02/26 16:30:00, Dewi Ayu wrote:\n"
                   "> Halo semua, rapat ditunda.\n"
                   ">\n"
                   ">> Kapan rapatnya?\n"
                   ">>> Minggu depan.\n");
  g_assert_cmpuint (kabar_outgoing_message_get_n_attachments (reply), ==, 0);
  g_assert_null (kabar_outgoing_message_get_html (reply));
}

static void
test_quote_selection (void)
{
  g_autoptr(KabarOutgoingMessage) reply = reply_to (plain_message, KABAR_REPLY_SENDER, "rapat ditunda.\r\n> Kapan?");
  g_autoptr(KabarOutgoingMessage) empty = reply_to (plain_message, KABAR_REPLY_SENDER, "");

  g_assert_cmpstr (kabar_outgoing_message_get_text (reply), ==,
                   "On 03/02/26 16:30:00, Dewi Ayu wrote:\n"
                   "> rapat ditunda.\n"
                   ">> Kapan?\n");
  /* An empty selection is no selection: the whole text. */
  g_assert_nonnull (strstr (kabar_outgoing_message_get_text (empty), "> Halo semua, rapat ditunda.\n"));
}

static void
test_quote_from_html (void)
{
  const char html[] =
    "From: \"Rani\" <rani@kabar.test>\n"
    "Subject: Laporan\n"
    "Date: Tue, 03 Mar 2026 23:10:00 +0100\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/html; charset=utf-8\n"
    "\n"
    "<html><head><style>p { color: red }</style><script>var x = 1;</script></head>\n"
    "<body><p>Halo <b>semua</b>,</p><p>Laporan&nbsp;sudah siap &amp; dikirim.</p>\n"
    "<div>Baris dua<br>Baris\n tiga</div></body></html>\n";
  const char alternative[] =
    "From: rani@kabar.test\n"
    "Subject: Laporan\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=b\n"
    "\n"
    "--b\n"
    "Content-Type: text/html; charset=utf-8\n"
    "\n"
    "<p>HTML <i>version</i></p>\n"
    "--b\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Plain version\n"
    "--b--\n";
  g_autoptr(KabarOutgoingMessage) reply = reply_to (html, KABAR_REPLY_SENDER, NULL);
  g_autoptr(KabarOutgoingMessage) plain = reply_to (alternative, KABAR_REPLY_SENDER, NULL);

  /* 23:10 at +01:00 is the next day in Jakarta. */
  g_assert_cmpstr (kabar_outgoing_message_get_text (reply), ==,
                   "On 03/04/26 05:10:00, Rani wrote:\n"
                   "> Halo semua,\n"
                   ">\n"
                   "> Laporan sudah siap & dikirim.\n"
                   ">\n"
                   "> Baris dua\n"
                   "> Baris tiga\n");
  /* Without a date, the attribution says only who. */
  g_assert_cmpstr (kabar_outgoing_message_get_text (plain), ==, "rani@kabar.test wrote:\n> Plain version\n");
}

/* RFC 3676 read apart from the code under test: each logical line as
 * its quote depth and text, "depth|text". */
static char *
unflow (const char *flowed)
{
  g_auto(GStrv) lines = g_strsplit (flowed, "\n", -1);
  GString *out = g_string_new (NULL);
  gboolean joining = FALSE;
  gsize joined_depth = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize depth = strspn (lines[i], ">");
      const char *line = lines[i] + depth;
      gsize length;

      if (lines[i + 1] == NULL && *lines[i] == '\0')
        break;
      if (*line == ' ')
        line++;
      length = strlen (line);
      if (joining && depth != joined_depth)
        g_string_append_c (out, '\n');
      if (!joining || depth != joined_depth)
        g_string_append_printf (out, "%" G_GSIZE_FORMAT "|", depth);
      g_string_append (out, line);
      joining = length > 0 && line[length - 1] == ' ' && strcmp (line, "-- ") != 0;
      joined_depth = depth;
      if (!joining)
        g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* The text the composer holds, as unflow() gives what is sent. */
static char *
logical_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize depth = strspn (lines[i], ">");
      const char *line = lines[i] + depth;

      if (lines[i + 1] == NULL && *lines[i] == '\0')
        break;
      if (depth > 0 && *line == ' ')
        line++;
      g_string_append_printf (out, "%" G_GSIZE_FORMAT "|%s\n", depth, line);
    }
  return g_string_free (out, FALSE);
}

static void
test_quote_sent_as_flowed (void)
{
  const char long_message[] =
    "From: Dewi Ayu <dewi@kabar.test>\n"
    "Subject: Panjang\n"
    "Date: Mon, 02 Mar 2026 09:30:00 +0000\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Rapat anggaran yang semula dijadwalkan hari Senin ditunda sampai minggu depan karena banjir "
    "di Jakarta membuat banyak rekan tidak bisa datang ke kantor.\n"
    " Baris yang diawali spasi.\n"
    "From the minutes: nothing.\n"
    "> Kutipan lama yang juga panjang sekali, lebih dari tujuh puluh dua karakter, harus dibungkus.\n"
    "\n"
    "नमस्ते, यह कबर का समाचार है। बैठक अगले सप्ताह होगी और सभी को आना है, कृपया समय पर पहुँचें।\n";
  g_autoptr(KabarOutgoingMessage) reply = reply_to (long_message, KABAR_REPLY_SENDER, NULL);
  GMimeMessage *sent = built (reply);
  GMimeObject *body = g_mime_message_get_mime_part (sent);
  g_autofree char *wire = NULL;
  g_autofree char *read = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) wire_lines = NULL;
  guint pieces = 0;

  g_assert_true (GMIME_IS_TEXT_PART (body));
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (body, "format"), ==, "flowed");
  {
    g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (body));
    g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

    wire = g_strjoinv ("\n", lines);
  }
  wire_lines = g_strsplit (wire, "\n", -1);
  for (guint i = 0; wire_lines[i] != NULL; i++)
    {
      /* Every piece of the wrapped quote is marked for readers that know
       * no format=flowed, and no quoted line starts "> >". */
      g_assert_cmpint (g_utf8_strlen (wire_lines[i], -1), <=, 78);
      g_assert_false (g_str_has_prefix (wire_lines[i], "> >"));
      pieces += g_str_has_prefix (wire_lines[i], "> ");
    }
  g_assert_cmpuint (pieces, >=, 6);
  read = unflow (wire);
  expected = logical_lines (kabar_outgoing_message_get_text (reply));
  g_assert_cmpstr (read, ==, expected);
  /* The space that started a line of the original survives, inside the
   * quote, as text and not as stuffing. */
  g_assert_nonnull (strstr (read, "1| Baris yang diawali spasi.\n"));
  g_assert_nonnull (strstr (read, "2|Kutipan lama"));
}

/* --- forwards ---------------------------------------------------------------------------------- */

static const char pdf_data[] = "%PDF-1.4\n\x01\x02\x03 binary \xff\xfe laporan\n%%EOF\n";

static char *
message_with_files (void)
{
  g_autofree char *pdf = g_base64_encode ((const guchar *) pdf_data, sizeof pdf_data - 1);

  return g_strdup_printf (
    "From: Dewi Ayu <dewi@kabar.test>\n"
    "To: Budi <budi@kabar.test>\n"
    "Cc: Joko <joko@kabar.test>\n"
    "Subject: =?utf-8?b?TGFwb3JhbiBrdWFydGFsIOKckw==?=\n"
    "Date: Mon, 02 Mar 2026 09:30:00 +0000\n"
    "Message-ID: <laporan-3@kabar.test>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=outer\n"
    "\n"
    "--outer\n"
    "Content-Type: multipart/alternative; boundary=inner\n"
    "\n"
    "--inner\n"
    "Content-Type: text/plain; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "Laporan terlampir, caf=E9 di lantai dua.\n"
    "-- \n"
    "Dewi\n"
    "--inner\n"
    "Content-Type: text/html; charset=utf-8\n"
    "\n"
    "<p>Laporan terlampir</p>\n"
    "--inner--\n"
    "--outer\n"
    "Content-Type: application/pdf; name=\"laporan kuartal.pdf\"\n"
    "Content-Disposition: attachment; filename=\"laporan kuartal.pdf\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "%s\n"
    "--outer\n"
    "Content-Type: message/rfc822\n"
    "Content-Disposition: attachment\n"
    "\n"
    "From: rani@kabar.test\n"
    "Subject: Catatan lama\n"
    "\n"
    "Isi catatan.\n"
    "--outer--\n", pdf);
}

static void
test_forward_inline (void)
{
  g_autofree char *original = message_with_files ();
  g_autoptr(KabarOutgoingMessage) forward = reply_to (original, KABAR_FORWARD_INLINE, NULL);
  GMimeMessage *sent = NULL;
  const char *file_name = NULL;
  const char *content_type = NULL;
  GBytes *data;
  GMimeObject *root;
  GMimeObject *pdf;

  assert_recipients (forward, "", "");
  g_assert_cmpstr (kabar_outgoing_message_get_subject (forward), ==, "Fwd: Laporan kuartal ✓");
  /* The whole original text, signature included: it is the sender's
   * message, not a quote to trim. */
  g_assert_cmpstr (kabar_outgoing_message_get_text (forward), ==,
                   "---------- Forwarded message ----------\n"
                   "From: Dewi Ayu <dewi@kabar.test>\n"
                   "Date: 03/02/26 16:30:00\n"
                   "Subject: Laporan kuartal ✓\n"
                   "To: Budi <budi@kabar.test>\n"
                   "Cc: Joko <joko@kabar.test>\n"
                   "\n"
                   "Laporan terlampir, café di lantai dua.\n"
                   "-- \n"
                   "Dewi\n");

  g_assert_cmpuint (kabar_outgoing_message_get_n_attachments (forward), ==, 2);
  data = kabar_outgoing_message_get_attachment (forward, 0, &file_name, &content_type);
  g_assert_cmpstr (file_name, ==, "laporan kuartal.pdf");
  g_assert_cmpstr (content_type, ==, "application/pdf");
  g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data), pdf_data, sizeof pdf_data - 1);
  data = kabar_outgoing_message_get_attachment (forward, 1, &file_name, &content_type);
  g_assert_cmpstr (file_name, ==, "message.eml");
  g_assert_cmpstr (content_type, ==, "message/rfc822");
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (data, NULL), (gssize) g_bytes_get_size (data), "Subject: Catatan lama"));

  /* What the recipient gets: the text, the PDF byte for byte. */
  sent = built (forward);
  root = g_mime_message_get_mime_part (sent);
  g_assert_true (GMIME_IS_MULTIPART (root));
  g_assert_cmpint (g_mime_multipart_get_count (GMIME_MULTIPART (root)), ==, 3);
  pdf = g_mime_multipart_get_part (GMIME_MULTIPART (root), 1);
  g_assert_cmpstr (g_mime_part_get_filename (GMIME_PART (pdf)), ==, "laporan kuartal.pdf");
  {
    g_autoptr(GBytes) sent_pdf = part_bytes (pdf);

    g_assert_cmpmem (g_bytes_get_data (sent_pdf, NULL), g_bytes_get_size (sent_pdf), pdf_data, sizeof pdf_data - 1);
  }
  g_assert_null (g_mime_object_get_header (GMIME_OBJECT (sent), "In-Reply-To"));
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (sent), "References"), ==, "<laporan-3@kabar.test>");
}

static GMimeMessagePart *
forwarded_part (GMimeMessage *sent)
{
  GMimeObject *root = g_mime_message_get_mime_part (sent);
  GMimeObject *part;
  const char *encoding;

  g_assert_true (GMIME_IS_MULTIPART (root));
  g_assert_cmpint (g_mime_multipart_get_count (GMIME_MULTIPART (root)), ==, 2);
  part = g_mime_multipart_get_part (GMIME_MULTIPART (root), 1);
  /* RFC 2046: message/rfc822 has no transfer encoding but 7bit or 8bit,
   * so that any reader opens it as a message. */
  encoding = g_mime_object_get_header (part, "Content-Transfer-Encoding");
  if (encoding != NULL && g_ascii_strcasecmp (encoding, "7bit") != 0 && g_ascii_strcasecmp (encoding, "8bit") != 0)
    {
      /* A failure of this test alone: the others still run. */
      g_test_fail_printf ("the forwarded message is sent with Content-Transfer-Encoding: %s", encoding);
      return NULL;
    }
  g_assert_true (GMIME_IS_MESSAGE_PART (part));
  return GMIME_MESSAGE_PART (part);
}

static void
test_forward_as_attachment (void)
{
  g_autofree char *original = message_with_files ();
  g_autoptr(KabarOutgoingMessage) forward = reply_to (original, KABAR_FORWARD_ATTACHMENT, NULL);
  g_autoptr(GBytes) original_bytes = crlf_bytes_of (original);
  GMimeMessage *sent = NULL;
  const char *file_name = NULL;
  const char *content_type = NULL;
  GBytes *data;
  GMimeMessagePart *part;
  GMimeMessage *nested;
  GMimeObject *nested_pdf;

  assert_recipients (forward, "", "");
  g_assert_null (kabar_outgoing_message_get_text (forward));
  g_assert_cmpuint (kabar_outgoing_message_get_n_attachments (forward), ==, 1);
  data = kabar_outgoing_message_get_attachment (forward, 0, &file_name, &content_type);
  g_assert_cmpstr (file_name, ==, "Laporan kuartal ✓.eml");
  g_assert_cmpstr (content_type, ==, "message/rfc822");
  /* A 7-bit original goes as it came, byte for byte. */
  g_assert_true (g_bytes_equal (data, original_bytes));

  sent = built (forward);
  if ((part = forwarded_part (sent)) == NULL)
    return;
  nested = g_mime_message_part_get_message (part);
  g_assert_nonnull (nested);
  g_assert_cmpstr (g_mime_message_get_subject (nested), ==, "Laporan kuartal ✓");
  g_assert_cmpstr (g_mime_message_get_message_id (nested), ==, "laporan-3@kabar.test");
  nested_pdf = g_mime_multipart_get_part (GMIME_MULTIPART (g_mime_message_get_mime_part (nested)), 1);
  {
    g_autoptr(GBytes) pdf = part_bytes (nested_pdf);

    g_assert_cmpmem (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), pdf_data, sizeof pdf_data - 1);
  }
}

static void
test_forward_8bit_as_attachment (void)
{
  const char hindi_text[] = "नमस्ते, यह कबर का समाचार है।";
  g_autofree char *original = g_strdup_printf (
    "From: =?utf-8?b?4KSw4KS+4KSuIOCktuCksOCljeCkruCkvg==?= <ram@kabar.test>\n"
    "Subject: =?utf-8?b?4KSs4KWI4KSg4KSV?= / agenda\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "%s\n", hindi_text);
  g_autoptr(KabarOutgoingMessage) forward = reply_to (original, KABAR_FORWARD_ATTACHMENT, NULL);
  GMimeMessage *sent = built (forward);
  const char *file_name = NULL;
  GMimeMessagePart *part;
  GMimeMessage *nested;
  GMimeObject *text;

  kabar_outgoing_message_get_attachment (forward, 0, &file_name, NULL);
  /* No path separator reaches the file name. */
  g_assert_cmpstr (file_name, ==, "बैठक _ agenda.eml");
  if ((part = forwarded_part (sent)) == NULL)
    return;
  nested = g_mime_message_part_get_message (part);
  g_assert_cmpstr (internet_address_get_name (internet_address_list_get_address (g_mime_message_get_from (nested), 0)),
                   ==, "राम शर्मा");
  text = g_mime_message_get_mime_part (nested);
  {
    g_autofree char *read = g_mime_text_part_get_text (GMIME_TEXT_PART (text));

    g_assert_cmpstr (g_strchomp (read), ==, hindi_text);
  }
}

/* --- padded encoded words ------------------------------------------------------------------- */

/* Gmail, Outlook and GMime's own encoder write long subjects and names as
 * adjacent base64 words, padded ones among them; GMime 3.2 reads such a
 * run as one stream and stops at the first padding. */
static const char padded_words_message[] =
  "From: =?UTF-8?B?4KS44KWB4KSo4KWA4KSk4KS+IA==?= =?UTF-8?B?4KS14KSw4KWN4KSu4KS+?= <sunita@kabar.test>\n"
  "To: Budi <budi@kabar.test>\n"
  "Subject: =?UTF-8?B?4KSu4KS+4KS44KS/4KSVIA==?= =?UTF-8?B?4KSw4KS/4KSq4KWL4KSw4KWN4KSf?=\n"
  "Date: Mon, 02 Mar 2026 09:30:00 +0000\n"
  "Message-ID: <masik@kabar.test>\n"
  "\n"
  "Report attached.\n";

static void
test_padded_encoded_words (void)
{
  g_autofree char *with_reply_to = g_strconcat ("Reply-To: =?UTF-8?B?4KS44KWB4KSo4KWA4KSk4KS+IA==?= "
                                                "=?UTF-8?B?4KS14KSw4KWN4KSu4KS+?= <reports@kabar.test>\n",
                                                padded_words_message, NULL);
  g_autoptr(KabarOutgoingMessage) reply = reply_to (padded_words_message, KABAR_REPLY_SENDER, NULL);
  g_autoptr(KabarOutgoingMessage) to_reply_to = reply_to (with_reply_to, KABAR_REPLY_SENDER, NULL);
  g_autoptr(KabarOutgoingMessage) inline_forward = reply_to (padded_words_message, KABAR_FORWARD_INLINE, NULL);
  g_autoptr(KabarOutgoingMessage) attached = reply_to (padded_words_message, KABAR_FORWARD_ATTACHMENT, NULL);
  InternetAddress *to;
  const char *file_name = NULL;

  g_assert_cmpstr (kabar_outgoing_message_get_subject (reply), ==, "Re: मासिक रिपोर्ट");
  assert_recipients (reply, "sunita@kabar.test", "");
  to = internet_address_list_get_address (kabar_outgoing_message_get_addresses (reply, KABAR_OUTGOING_TO), 0);
  g_assert_cmpstr (internet_address_get_name (to), ==, "सुनीता वर्मा");
  g_assert_cmpstr (kabar_outgoing_message_get_text (reply), ==,
                   "On 03/02/26 16:30:00, सुनीता वर्मा wrote:\n"
                   "> Report attached.\n");

  assert_recipients (to_reply_to, "reports@kabar.test", "");
  to = internet_address_list_get_address (kabar_outgoing_message_get_addresses (to_reply_to, KABAR_OUTGOING_TO), 0);
  g_assert_cmpstr (internet_address_get_name (to), ==, "सुनीता वर्मा");

  g_assert_cmpstr (kabar_outgoing_message_get_subject (inline_forward), ==, "Fwd: मासिक रिपोर्ट");
  g_assert_cmpstr (kabar_outgoing_message_get_text (inline_forward), ==,
                   "---------- Forwarded message ----------\n"
                   "From: सुनीता वर्मा <sunita@kabar.test>\n"
                   "Date: 03/02/26 16:30:00\n"
                   "Subject: मासिक रिपोर्ट\n"
                   "To: Budi <budi@kabar.test>\n"
                   "\n"
                   "Report attached.\n");

  g_assert_cmpstr (kabar_outgoing_message_get_subject (attached), ==, "Fwd: मासिक रिपोर्ट");
  g_assert_cmpuint (kabar_outgoing_message_get_n_attachments (attached), ==, 1);
  kabar_outgoing_message_get_attachment (attached, 0, &file_name, NULL);
  g_assert_cmpstr (file_name, ==, "मासिक रिपोर्ट.eml");
}

/* --- hostile mail ------------------------------------------------------------------------------ */

static void
test_no_from_no_date (void)
{
  g_autoptr(KabarOutgoingMessage) reply = reply_to ("Subject: Tanpa pengirim\n\nHalo.\n", KABAR_REPLY_ALL, NULL);
  g_autoptr(KabarOutgoingMessage) forward = reply_to ("Subject: Tanpa pengirim\n\nHalo.\n", KABAR_FORWARD_INLINE, NULL);

  assert_recipients (reply, "", "");
  g_assert_cmpstr (kabar_outgoing_message_get_text (reply), ==, "Someone wrote:\n> Halo.\n");
  g_assert_cmpstr (kabar_outgoing_message_get_text (forward), ==,
                   "---------- Forwarded message ----------\n"
                   "Subject: Tanpa pengirim\n"
                   "\n"
                   "Halo.\n");
}

static void
test_broken_charsets (void)
{
  const char wrong[] =
    "From: Dewi <dewi@kabar.test>\n"
    "Subject: Kafe\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Di caf\xe9 jam dua.\n";
  const char unknown[] =
    "From: Dewi <dewi@kabar.test>\n"
    "Subject: Kafe\n"
    "Content-Type: text/plain; charset=x-no-such-charset\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Di caf\xe9 jam dua.\n";
  g_autoptr(KabarOutgoingMessage) reply = reply_to (wrong, KABAR_REPLY_SENDER, NULL);
  g_autoptr(KabarOutgoingMessage) other = reply_to (unknown, KABAR_FORWARD_INLINE, NULL);

  g_assert_cmpstr (kabar_outgoing_message_get_text (reply), ==, "Dewi wrote:\n> Di café jam dua.\n");
  g_assert_true (g_str_has_suffix (kabar_outgoing_message_get_text (other), "\n\nDi café jam dua.\n"));
}

static void
test_huge_body (void)
{
  const char line[] = "Baris laporan yang panjang, diulang berkali-kali untuk membuat pesan besar.\n";
  guint n_lines = 5 * 1024 * 1024 / (sizeof line - 1);
  GString *message = g_string_new ("From: Dewi <dewi@kabar.test>\nSubject: Besar\n\n");
  g_autoptr(KabarOutgoingMessage) reply = NULL;
  const char *text;
  guint quoted = 0;

  for (guint i = 0; i < n_lines; i++)
    g_string_append (message, line);
  reply = reply_to (message->str, KABAR_REPLY_SENDER, NULL);
  text = kabar_outgoing_message_get_text (reply);
  for (const char *p = strchr (text, '\n'); p != NULL && p[1] != '\0'; p = strchr (p + 1, '\n'))
    {
      g_assert_true (g_str_has_prefix (p + 1, "> Baris laporan"));
      quoted++;
    }
  g_assert_cmpuint (quoted, ==, n_lines);
  g_string_free (message, TRUE);
}

static void
test_hostile_html (void)
{
  GString *message = g_string_new ("From: Dewi <dewi@kabar.test>\nSubject: x\nContent-Type: text/html\n\n<p>Awal</p>");
  g_autoptr(KabarOutgoingMessage) reply = NULL;

  /* A megabyte of tags that never close. */
  for (guint i = 0; i < 1024 * 1024 / 3; i++)
    g_string_append (message, "<br");
  reply = reply_to (message->str, KABAR_REPLY_SENDER, NULL);
  g_assert_true (g_str_has_prefix (kabar_outgoing_message_get_text (reply), "Dewi wrote:\n> Awal\n"));
  g_string_free (message, TRUE);
}

static void
test_not_a_message (void)
{
  static const guchar garbage[] = { 0x00, 0x9f, 0xff, 0x13, '\n', 0x00, 0x01, 0x02, 0xfe, '\n', 0x80, 0x81 };
  GBytes *inputs[] = {
    g_bytes_new_static ("", 0),
    g_bytes_new_static (garbage, sizeof garbage),
    g_bytes_new_static ("\n\n\n", 3),
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      for (KabarReplyKind kind = KABAR_REPLY_SENDER; kind <= KABAR_FORWARD_ATTACHMENT; kind++)
        {
          g_autoptr(GError) error = NULL;

          g_assert_null (kabar_reply_new (inputs[i], kind, own, NULL, &error));
          g_assert_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_NOT_A_MESSAGE);
        }
      g_assert_null (kabar_reply_find_own_address (inputs[i], own));
      g_bytes_unref (inputs[i]);
    }
}

static void
test_garbage_after_headers (void)
{
  static const char garbage[] =
    "From: \x01\x02\xff <>\n"
    "To: ,,,;;<<@>>, \"unclosed <x@\n"
    "Date: not a date at all\n"
    "Message-ID: <<<\n"
    "Content-Type: multipart/mixed; boundary=\"\"\n"
    "\n"
    "\x00\xfe\xff garbage \x80\n--\n--\n";
  g_autoptr(GBytes) raw = g_bytes_new (garbage, sizeof garbage - 1);

  for (KabarReplyKind kind = KABAR_REPLY_SENDER; kind <= KABAR_FORWARD_ATTACHMENT; kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KabarOutgoingMessage) reply = kabar_reply_new (raw, kind, own, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (reply);
      g_assert_true (kabar_outgoing_message_get_text (reply) == NULL
                     || g_utf8_validate (kabar_outgoing_message_get_text (reply), -1, NULL));
      built (reply);
    }
}

/* --- own address ---------------------------------------------------------------------------------- */

static void
test_find_own_address (void)
{
  static const struct { const char *headers; const char *expected; } cases[] = {
    { "To: Dewi <dewi@kabar.test>, Budi <BUDI@kabar.test>\nCc: b.santoso@kantor.test\n", "budi@kabar.test" },
    { "To: dewi@kabar.test\nCc: B.Santoso@Kantor.test\n", "b.santoso@kantor.test" },
    { "To: list@kabar.test\nDelivered-To: b.santoso@kantor.test\n", "b.santoso@kantor.test" },
    { "To: list@kabar.test\nDelivered-To: bounce@kabar.test\nDelivered-To: budi@kabar.test\n", "budi@kabar.test" },
    { "To: undisclosed-recipients:;\nX-Original-To: Budi@Kabar.Test\n", "budi@kabar.test" },
    { "To: dewi@kabar.test\nCc: rani@kabar.test\n", NULL },
    /* A group's members count too. */
    { "To: Tim: rani@kabar.test, b.santoso@kantor.test;\n", "b.santoso@kantor.test" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = g_strconcat ("From: sari@kabar.test\n", cases[i].headers, "Subject: x\n\nHalo.\n", NULL);
      g_autoptr(GBytes) raw = crlf_bytes_of (message);
      g_autofree char *found = kabar_reply_find_own_address (raw, own);

      g_assert_cmpstr (found, ==, cases[i].expected);
    }
  {
    g_autoptr(GBytes) raw = bytes_of ("To: budi@kabar.test\n\nHalo.\n");

    g_assert_null (kabar_reply_find_own_address (raw, NULL));
  }
}

/* --- translations ------------------------------------------------------------------------------- */

/* The attribution and the forwarded header in the user's language, the
 * date in the user's locale, read from this build's catalogues (meson
 * builds them as po/LL/LC_MESSAGES). */
static void
test_translated (void)
{
  static const struct
  {
    const char *locale;
    const char *language;
    const char *attribution;
    const char *forward_start;
  } cases[] = {
    { "id_ID.UTF-8", "id", "Pada 02/03/26 16:30:00, Dewi Ayu menulis:\n> Halo semua, rapat ditunda.\n",
      "---------- Pesan yang diteruskan ----------\nDari: Dewi Ayu <dewi@kabar.test>\nTanggal: 02/03/26 16:30:00\n"
      "Subjek: Rapat anggaran\nKepada: " },
    { "hi_IN.UTF-8", "hi", "2/3/26 04:30:00 अपराह्न WIB को, Dewi Ayu ने लिखा:\n> Halo semua, rapat ditunda.\n",
      "---------- अग्रेषित संदेश ----------\nप्रेषक: Dewi Ayu <dewi@kabar.test>\nदिनांक: 2/3/26 04:30:00 अपराह्न WIB\n"
      "विषय: Rapat anggaran\nप्रति: " },
  };
  g_autofree char *localedir = g_build_filename (g_getenv ("KABAR_BUILD_ROOT"), "po", NULL);

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KabarOutgoingMessage) reply = NULL;
      g_autoptr(KabarOutgoingMessage) forward = NULL;

      g_assert_nonnull (setlocale (LC_ALL, cases[i].locale));
      g_setenv ("LANGUAGE", cases[i].language, TRUE);
      reply = reply_to (plain_message, KABAR_REPLY_SENDER, NULL);
      forward = reply_to (plain_message, KABAR_FORWARD_INLINE, NULL);
      g_assert_true (g_str_has_prefix (kabar_outgoing_message_get_text (reply), cases[i].attribution));
      if (!g_str_has_prefix (kabar_outgoing_message_get_text (forward), cases[i].forward_start))
        g_error ("unexpected forward: %s", kabar_outgoing_message_get_text (forward));
    }
  g_setenv ("LANGUAGE", "C", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
}

int
main (int    argc,
      char **argv)
{
  /* The attribution's date is in the user's zone and locale: fixed ones,
   * so that the expected text is exact. */
  g_setenv ("TZ", "Asia/Jakarta", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/reply/to-sender", test_reply_to_sender);
  g_test_add_func ("/mime/reply/all", test_reply_all);
  g_test_add_func ("/mime/reply/own-message", test_reply_to_own_message);
  g_test_add_func ("/mime/reply/groups", test_recipients_in_groups);
  g_test_add_func ("/mime/reply/subjects", test_subjects);
  g_test_add_func ("/mime/reply/threading", test_threading);
  g_test_add_func ("/mime/reply/quote-plain", test_quote_plain);
  g_test_add_func ("/mime/reply/quote-selection", test_quote_selection);
  g_test_add_func ("/mime/reply/quote-from-html", test_quote_from_html);
  g_test_add_func ("/mime/reply/quote-sent-as-flowed", test_quote_sent_as_flowed);
  g_test_add_func ("/mime/reply/forward-inline", test_forward_inline);
  g_test_add_func ("/mime/reply/forward-as-attachment", test_forward_as_attachment);
  g_test_add_func ("/mime/reply/forward-8bit-as-attachment", test_forward_8bit_as_attachment);
  g_test_add_func ("/mime/reply/padded-encoded-words", test_padded_encoded_words);
  g_test_add_func ("/mime/reply/no-from-no-date", test_no_from_no_date);
  g_test_add_func ("/mime/reply/broken-charsets", test_broken_charsets);
  g_test_add_func ("/mime/reply/huge-body", test_huge_body);
  g_test_add_func ("/mime/reply/hostile-html", test_hostile_html);
  g_test_add_func ("/mime/reply/not-a-message", test_not_a_message);
  g_test_add_func ("/mime/reply/garbage-after-headers", test_garbage_after_headers);
  g_test_add_func ("/mime/reply/find-own-address", test_find_own_address);
  g_test_add_func ("/mime/reply/translated", test_translated);

  return g_test_run ();
}
