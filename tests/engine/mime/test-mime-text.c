/* test-mime-text.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The text the search index gets from a message, for the shapes mail
 * comes in: charsets declared, missing and wrong, quoted-printable and
 * base64, HTML alone and beside plain text, forwarded messages,
 * attachments, and mail broken in the ways real mail is.
 */

#include "config.h"

#include <string.h>

#include "kabar-mime-text.h"

#define NO_LIMIT (1024 * 1024)

static const char indonesian[] = "Rapat anggaran ditunda sampai minggu depan karena banjir di Jakarta.";
static const char hindi[] = "नमस्ते, यह कबर का समाचार है। बैठक अगले सप्ताह होगी।";

static char *
extract_sized (const char *message,
               gsize       length,
               gsize       max_length)
{
  g_autoptr(GBytes) raw = g_bytes_new (message, length);
  char *text = kabar_mime_extract_text (raw, max_length);

  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpuint (strlen (text), <=, max_length);
  return text;
}

static char *
extract (const char *message)
{
  return extract_sized (message, strlen (message), NO_LIMIT);
}

static void
assert_has (const char *text,
            const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("\"%s\" is not in the text:\n%s", needle, text);
}

static void
assert_lacks (const char *text,
              const char *needle)
{
  if (strstr (text, needle) != NULL)
    g_error ("\"%s\" should not be in the text:\n%s", needle, text);
}

/* A header block and a body, the body base64 encoded. */
static char *
with_base64_body (const char *headers,
                  const char *body)
{
  g_autofree char *encoded = g_base64_encode ((const guchar *) body, strlen (body));
  gsize length = strlen (encoded);
  g_autoptr(GString) lines = g_string_new (NULL);

  for (gsize i = 0; i < length; i += 76)
    g_string_append_printf (lines, "%.76s\n", encoded + i);
  return g_strdup_printf ("%sContent-Transfer-Encoding: base64\n\n%s", headers, lines->str);
}

/* --- text parts ---------------------------------------------------------------------------- */

static void
test_plain_utf8 (void)
{
  g_autofree char *message = g_strdup_printf ("From: Dewi <dewi@kabar.test>\n"
                                              "To: Budi <budi@kabar.test>\n"
                                              "Subject: Rapat\n"
                                              "MIME-Version: 1.0\n"
                                              "Content-Type: text/plain; charset=utf-8\n"
                                              "Content-Transfer-Encoding: 8bit\n"
                                              "\n"
                                              "%s\n%s\n", indonesian, hindi);
  g_autofree char *text = extract (message);

  assert_has (text, indonesian);
  assert_has (text, hindi);
  /* The envelope is indexed by the store, not here. */
  assert_lacks (text, "dewi@kabar.test");
}

static void
test_without_mime_headers_is_plain_text (void)
{
  g_autofree char *text = extract ("Subject: Tanpa MIME\r\n\r\nHalo semuanya, apa kabar?\r\n");

  assert_has (text, "Halo semuanya, apa kabar?");
}

static void
test_quoted_printable (void)
{
  /* Soft line breaks, UTF-8 escaped byte by byte, "=3D" for "=". */
  g_autofree char *text = extract ("Subject: QP\n"
                                   "MIME-Version: 1.0\n"
                                   "Content-Type: text/plain; charset=\"UTF-8\"\n"
                                   "Content-Transfer-Encoding: quoted-printable\n"
                                   "\n"
                                   "Kami makan di kafe caf=C3=A9 dekat stasiun, lalu membahas angg=\n"
                                   "aran 2026. Rumus: a=3Db.\n"
                                   "=E0=A4=A8=E0=A4=AE=E0=A4=B8=E0=A5=8D=E0=A4=A4=E0=A5=87\n");

  assert_has (text, "kafe café dekat");
  assert_has (text, "membahas anggaran 2026");
  assert_has (text, "a=b");
  assert_has (text, "नमस्ते");
}

static void
test_base64_hindi (void)
{
  g_autofree char *message = with_base64_body ("Subject: =?UTF-8?B?4KS44KSu4KS+4KSa4KS+4KSw?=\n"
                                               "MIME-Version: 1.0\n"
                                               "Content-Type: text/plain; charset=UTF-8\n",
                                               hindi);
  g_autofree char *text = extract (message);

  assert_has (text, hindi);
}

static void
test_declared_latin1 (void)
{
  g_autofree char *text = extract ("Subject: Latin-1\n"
                                   "Content-Type: text/plain; charset=iso-8859-1\n"
                                   "Content-Transfer-Encoding: 8bit\n"
                                   "\n"
                                   "Caf\xe9 cr\xe8me br\xfbl\xe9" "e\n");

  assert_has (text, "Café crème brûlée");
}

static void
test_undeclared_windows_1252 (void)
{
  /* No charset, 8-bit bytes that are not UTF-8: Outlook's smart quotes. */
  g_autofree char *text = extract ("Subject: 1252\n"
                                   "Content-Type: text/plain\n"
                                   "\n"
                                   "\x93Selamat pagi\x94 \x96 caf\xe9 \x80" "5\n");

  assert_has (text, "“Selamat pagi” – café €5");
}

static void
test_mislabelled_ascii_is_read_as_utf8 (void)
{
  g_autofree char *message = g_strdup_printf ("Subject: Salah label\n"
                                              "Content-Type: text/plain; charset=us-ascii\n"
                                              "\n%s\n", hindi);
  g_autofree char *text = extract (message);

  assert_has (text, hindi);
}

static void
test_utf16_charset (void)
{
  g_autofree char *utf16 = NULL;
  gsize length = 0;
  g_autoptr(GString) message = g_string_new ("Subject: UTF-16\n"
                                             "Content-Type: text/plain; charset=utf-16le\n"
                                             "Content-Transfer-Encoding: base64\n\n");
  g_autofree char *encoded = NULL;
  g_autofree char *text = NULL;

  utf16 = g_convert (hindi, -1, "UTF-16LE", "UTF-8", NULL, &length, NULL);
  g_assert_nonnull (utf16);
  encoded = g_base64_encode ((const guchar *) utf16, length);
  g_string_append_printf (message, "%s\n", encoded);
  text = extract (message->str);
  assert_has (text, hindi);
}

/* --- HTML ---------------------------------------------------------------------------------- */

static void
test_html_only (void)
{
  g_autofree char *text = extract ("Subject: Buletin\n"
                                   "MIME-Version: 1.0\n"
                                   "Content-Type: text/html; charset=utf-8\n"
                                   "\n"
                                   "<!DOCTYPE html><html><head><title>Buletin</title>\n"
                                   "<style>p { color: red; } .tersembunyi { display: none }</style>\n"
                                   "<script type=\"text/javascript\">var rahasia = \"<p>skrip</p>\";</script>\n"
                                   "</head><body>\n"
                                   "<p>Harga <b>naik</b> 5&nbsp;% &amp; permintaan tu<i>run</i>.</p>\n"
                                   "<!-- komentar tersembunyi -->\n"
                                   "<a href=\"https://kabar.test/?a=1&amp;b=2\" title=\"x > y\">Baca selengkapnya</a><br>"
                                   "caf&eacute; &#x928;&#x92E;&#x938;&#x94D;&#x924;&#x947; &#2360;&#2350;&#2366;"
                                   "&#2330;&#2366;&#2352; 3 &lt; 4 &unknown; a < b"
                                   "</body></html>\n");

  assert_has (text, "Harga naik 5 % & permintaan turun.");
  assert_has (text, "Baca selengkapnya");
  assert_has (text, "café नमस्ते समाचार 3 < 4 &unknown; a < b");
  assert_lacks (text, "color");
  assert_lacks (text, "rahasia");
  assert_lacks (text, "skrip");
  assert_lacks (text, "komentar");
  assert_lacks (text, "href");
  assert_lacks (text, "<p>");
  assert_lacks (text, "<b>");
}

static void
test_alternative_prefers_plain (void)
{
  g_autofree char *text = extract ("Subject: Alternatif\n"
                                   "MIME-Version: 1.0\n"
                                   "Content-Type: multipart/alternative; boundary=\"alt\"\n"
                                   "\n"
                                   "--alt\n"
                                   "Content-Type: text/plain; charset=utf-8\n"
                                   "\n"
                                   "Versi teks: jadwal kereta\n"
                                   "--alt\n"
                                   "Content-Type: text/html; charset=utf-8\n"
                                   "\n"
                                   "<p>Versi html: jadwal pesawat</p>\n"
                                   "--alt--\n");

  assert_has (text, "jadwal kereta");
  assert_lacks (text, "pesawat");
}

static void
test_alternative_without_plain_takes_html (void)
{
  /* Outlook's invitations: HTML and a calendar, no plain text. */
  g_autofree char *text = extract ("Subject: Undangan\n"
                                   "MIME-Version: 1.0\n"
                                   "Content-Type: multipart/alternative; boundary=\"b1\"\n"
                                   "\n"
                                   "--b1\n"
                                   "Content-Type: multipart/related; boundary=\"b2\"\n"
                                   "\n"
                                   "--b2\n"
                                   "Content-Type: text/html; charset=utf-8\n"
                                   "\n"
                                   "<div>Undangan rapat koperasi</div>\n"
                                   "--b2\n"
                                   "Content-Type: image/png\n"
                                   "Content-ID: <logo>\n"
                                   "Content-Transfer-Encoding: base64\n"
                                   "\n"
                                   "iVBORw0KGgo=\n"
                                   "--b2--\n"
                                   "--b1\n"
                                   "Content-Type: text/calendar; method=REQUEST\n"
                                   "\n"
                                   "BEGIN:VCALENDAR\n"
                                   "END:VCALENDAR\n"
                                   "--b1--\n");

  assert_has (text, "Undangan rapat koperasi");
  assert_lacks (text, "VCALENDAR");
}

/* --- structure ------------------------------------------------------------------------------ */

static void
test_attachments_give_only_their_names (void)
{
  g_autofree char *secret = g_base64_encode ((const guchar *) "ISIRAHASIA lampiran", 19);
  g_autofree char *message =
    g_strdup_printf ("Subject: Laporan\n"
                     "MIME-Version: 1.0\n"
                     "Content-Type: multipart/mixed; boundary=\"mix\"\n"
                     "\n"
                     "This is a multi-part message in MIME format.\n"
                     "--mix\n"
                     "Content-Type: text/plain; charset=utf-8\n"
                     "\n"
                     "Terlampir laporan bulanan.\n"
                     "--mix\n"
                     "Content-Type: application/pdf; name=\"laporan-keuangan.pdf\"\n"
                     "Content-Disposition: attachment; filename=\"laporan-keuangan.pdf\"\n"
                     "Content-Transfer-Encoding: base64\n"
                     "\n"
                     "%s\n"
                     "--mix\n"
                     "Content-Type: text/plain; charset=utf-8\n"
                     "Content-Disposition: attachment;\n"
                     " filename*=UTF-8''%%E0%%A4%%B8%%E0%%A5%%82%%E0%%A4%%9A%%E0%%A5%%80.txt\n"
                     "\n"
                     "ISIRAHASIA teks lampiran\n"
                     "--mix\n"
                     "Content-Type: text/plain; charset=utf-8\n"
                     "Content-Disposition: inline\n"
                     "\n"
                     "-- \nFooter milis kabar\n"
                     "--mix--\n",
                     secret);
  g_autofree char *text = extract (message);

  assert_has (text, "Terlampir laporan bulanan.");
  assert_has (text, "laporan-keuangan.pdf");
  assert_has (text, "सूची.txt");
  assert_has (text, "Footer milis kabar");
  assert_lacks (text, "ISIRAHASIA");
  assert_lacks (text, "multi-part message");
}

static void
test_forwarded_message_is_read (void)
{
  g_autofree char *inner = with_base64_body ("From: Sita <sita@kabar.test>\n"
                                             "To: Dewi <dewi@kabar.test>\n"
                                             "Subject: =?UTF-8?B?4KS44KSu4KS+4KSa4KS+4KSw?= pekan ini\n"
                                             "MIME-Version: 1.0\n"
                                             "Content-Type: text/plain; charset=utf-8\n",
                                             hindi);
  g_autofree char *message = g_strdup_printf ("Subject: Fwd: kabar\n"
                                              "MIME-Version: 1.0\n"
                                              "Content-Type: multipart/mixed; boundary=\"fwd\"\n"
                                              "\n"
                                              "--fwd\n"
                                              "Content-Type: text/plain; charset=utf-8\n"
                                              "\n"
                                              "Lihat pesan di bawah.\n"
                                              "--fwd\n"
                                              "Content-Type: message/rfc822\n"
                                              "Content-Disposition: attachment; filename=\"kabar.eml\"\n"
                                              "\n"
                                              "%s"
                                              "--fwd--\n",
                                              inner);
  g_autofree char *text = extract (message);

  assert_has (text, "Lihat pesan di bawah.");
  assert_has (text, "समाचार pekan ini");
  assert_has (text, "sita@kabar.test");
  assert_has (text, hindi);
}

static void
test_signed_gives_the_content_not_the_signature (void)
{
  g_autofree char *text = extract ("Subject: Bertanda tangan\n"
                                   "MIME-Version: 1.0\n"
                                   "Content-Type: multipart/signed; protocol=\"application/pgp-signature\";\n"
                                   " micalg=pgp-sha256; boundary=\"sig\"\n"
                                   "\n"
                                   "--sig\n"
                                   "Content-Type: text/plain; charset=utf-8\n"
                                   "\n"
                                   "Pesan yang ditandatangani.\n"
                                   "--sig\n"
                                   "Content-Type: application/pgp-signature; name=\"signature.asc\"\n"
                                   "\n"
                                   "-----BEGIN PGP SIGNATURE-----\nTANDATANGAN\n-----END PGP SIGNATURE-----\n"
                                   "--sig--\n");

  assert_has (text, "Pesan yang ditandatangani.");
  assert_lacks (text, "TANDATANGAN");
}

/* --- limits ------------------------------------------------------------------------------------ */

static void
test_cut_on_a_character_boundary (void)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *message = NULL;

  for (guint i = 0; i < 200; i++)
    g_string_append (body, hindi);
  message = g_strdup_printf ("Subject: Panjang\nContent-Type: text/plain; charset=utf-8\n\n%s\n",
                             body->str);
  /* Devanagari takes three bytes a character: most limits cut one. */
  for (gsize max = 0; max < 40; max++)
    {
      g_autofree char *text = extract_sized (message, strlen (message), max);

      g_assert_cmpuint (strlen (text) + 3, >, max);
      g_assert_true (strncmp (text, hindi, strlen (text)) == 0);
    }
}

static void
test_huge_part_is_read_only_as_far_as_needed (void)
{
  g_autoptr(GString) message = g_string_new ("Subject: Besar\nContent-Type: text/plain\n\n");
  g_autofree char *text = NULL;
  gint64 start;

  while (message->len < 64 * 1024 * 1024)
    g_string_append (message, "kata kata kata kata kata kata kata kata kata kata kata kata kata\n");
  start = g_get_monotonic_time ();
  text = extract_sized (message->str, message->len, 1000);
  g_assert_cmpuint (strlen (text), >=, 990);
  g_test_message ("64 MiB message, 1000 bytes of text: %.3f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

static void
test_several_parts_share_the_limit (void)
{
  g_autoptr(GString) message = g_string_new ("Subject: Banyak\n"
                                             "Content-Type: multipart/mixed; boundary=\"m\"\n\n");
  g_autofree char *text = NULL;

  for (guint i = 0; i < 50; i++)
    g_string_append_printf (message, "--m\nContent-Type: text/plain\n\nBagian nomor %u dari lima puluh.\n", i);
  g_string_append (message, "--m--\n");
  text = extract_sized (message->str, message->len, 100);
  assert_has (text, "Bagian nomor 0 dari");
  assert_lacks (text, "nomor 49");
}

/* --- broken mail --------------------------------------------------------------------------------- */

static void
test_broken_mail_never_crashes (void)
{
  static const char * const shapes[] = {
    "",
    "\n",
    "Subject: only headers",
    "Subject: truncated base64\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGFsbyBkdW5p=YQ==@@@\n",
    "Subject: unknown charset\nContent-Type: text/plain; charset=x-klingon\n\nHalo \xff\xfe dunia\n",
    "Subject: no end boundary\nContent-Type: multipart/mixed; boundary=\"x\"\n\n--x\nContent-Type: text/plain\n\nBagian pertama\n--x\nContent-Type: text/html\n\n<p>tanpa akhir",
    "Subject: no boundary at all\nContent-Type: multipart/mixed\n\nBadan tanpa batas\n",
    "Content-Type: multipart/alternative; boundary=\"e\"\n\n--e--\n",
    "Content-Type: message/rfc822\n\n",
    "Content-Type: text/html\n\n<script>never closed",
    "Content-Type: text/html\n\n<!-- never closed",
    "Content-Type: text/html\n\n&#xFFFFFFFFF; &#0; &#55296; &; &#; &#x; <",
    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n=\n=Z=\n=E0=A4\n",
    ": no name\n:\n\n body\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autofree char *text = extract (shapes[i]);

      g_test_message ("shape %" G_GSIZE_FORMAT ": \"%s\"", i, text);
    }
}

static void
test_binary_garbage_never_crashes (void)
{
  static const char garbage[] = "\xff\xfe\x00\x01garbage\x00\x00 bytes\x80\x81\n\n\x00\x00\xc3";
  g_autofree char *text = extract_sized (garbage, sizeof garbage - 1, NO_LIMIT);

  g_test_message ("garbage: \"%s\"", text);
}

static void
test_multipart_without_boundary_is_read (void)
{
  g_autofree char *text = extract ("Subject: Tanpa batas\n"
                                   "Content-Type: multipart/mixed\n"
                                   "\n"
                                   "Badan tanpa batas\n");

  assert_has (text, "Badan tanpa batas");
}

static void
test_nul_bytes_do_not_end_the_text (void)
{
  static const char message[] = "Content-Type: text/plain; charset=utf-8\n\nawal\0akhir\n";
  g_autofree char *text = extract_sized (message, sizeof message - 1, NO_LIMIT);

  assert_has (text, "awal akhir");
}

static void
test_deep_nesting_stops (void)
{
  g_autoptr(GString) message = g_string_new ("Subject: Dalam\n");
  g_autofree char *text = NULL;
  const guint depth = 500;

  for (guint i = 0; i < depth; i++)
    g_string_append_printf (message, "Content-Type: multipart/mixed; boundary=\"d%u\"\n\n--d%u\n", i, i);
  g_string_append (message, "Content-Type: text/plain\n\nTerlalu dalam\n");
  for (guint i = depth; i-- > 0;)
    g_string_append_printf (message, "--d%u--\n", i);
  text = extract_sized (message->str, message->len, NO_LIMIT);
  assert_lacks (text, "Terlalu dalam");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/text/plain-utf8", test_plain_utf8);
  g_test_add_func ("/mime/text/without-mime-headers-is-plain-text", test_without_mime_headers_is_plain_text);
  g_test_add_func ("/mime/text/quoted-printable", test_quoted_printable);
  g_test_add_func ("/mime/text/base64-hindi", test_base64_hindi);
  g_test_add_func ("/mime/text/declared-latin1", test_declared_latin1);
  g_test_add_func ("/mime/text/undeclared-windows-1252", test_undeclared_windows_1252);
  g_test_add_func ("/mime/text/mislabelled-ascii-is-read-as-utf8", test_mislabelled_ascii_is_read_as_utf8);
  g_test_add_func ("/mime/text/utf16-charset", test_utf16_charset);
  g_test_add_func ("/mime/text/html-only", test_html_only);
  g_test_add_func ("/mime/text/alternative-prefers-plain", test_alternative_prefers_plain);
  g_test_add_func ("/mime/text/alternative-without-plain-takes-html", test_alternative_without_plain_takes_html);
  g_test_add_func ("/mime/text/attachments-give-only-their-names", test_attachments_give_only_their_names);
  g_test_add_func ("/mime/text/forwarded-message-is-read", test_forwarded_message_is_read);
  g_test_add_func ("/mime/text/signed-gives-the-content-not-the-signature", test_signed_gives_the_content_not_the_signature);
  g_test_add_func ("/mime/text/cut-on-a-character-boundary", test_cut_on_a_character_boundary);
  g_test_add_func ("/mime/text/huge-part-is-read-only-as-far-as-needed", test_huge_part_is_read_only_as_far_as_needed);
  g_test_add_func ("/mime/text/several-parts-share-the-limit", test_several_parts_share_the_limit);
  g_test_add_func ("/mime/text/broken-mail-never-crashes", test_broken_mail_never_crashes);
  g_test_add_func ("/mime/text/binary-garbage-never-crashes", test_binary_garbage_never_crashes);
  g_test_add_func ("/mime/text/multipart-without-boundary-is-read", test_multipart_without_boundary_is_read);
  g_test_add_func ("/mime/text/nul-bytes-do-not-end-the-text", test_nul_bytes_do_not_end_the_text);
  g_test_add_func ("/mime/text/deep-nesting-stops", test_deep_nesting_stops);

  return g_test_run ();
}
