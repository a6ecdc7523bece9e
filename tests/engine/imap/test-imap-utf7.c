/* test-imap-utf7.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Modified UTF-7 mailbox names (RFC 3501 §5.1.3), both ways.
 */

#include "kabar-imap-error.h"
#include "kabar-imap-utf7.h"

#include <string.h>

static const struct
{
  const char *wire;
  const char *utf8;
} vectors[] = {
  { "INBOX", "INBOX" },
  { "&ZeVnLIqe-", "日本語" },
  { "&-", "&" },
  { "Tom &- Jerry", "Tom & Jerry" },
  { "Entw&APw-rfe", "Entwürfe" },
  { "Kotak Masuk", "Kotak Masuk" },
  { "&CQcJKAksCUkJFQlNCTg-", "इनबॉक्स" },
  { "Sent Items", "Sent Items" },
  { "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-", "Отправленные" },
  { "Projects/&ZeVnLIqe-/Q1", "Projects/日本語/Q1" },
  /* Outside the BMP: a surrogate pair. */
  { "Mail &2D3eAA-", "Mail 😀" },
  /* Base64 "/" is "," in IMAP. */
  { "&U,BTFw-", "台北" },
  { "~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/台北/日本語" },
  { "", "" },
};

static void
test_decode_vectors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *decoded = kabar_imap_utf7_decode (vectors[i].wire, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (decoded, ==, vectors[i].utf8);
    }
}

static void
test_encode_vectors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *encoded = kabar_imap_utf7_encode (vectors[i].utf8);

      g_assert_cmpstr (encoded, ==, vectors[i].wire);
    }
}

/* Every name a user can type survives the trip to the server and back. */
static void
test_round_trip_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint n = 0; n < 2000; n++)
    {
      g_autoptr(GString) name = g_string_new (NULL);
      g_autofree char *encoded = NULL;
      g_autofree char *decoded = NULL;
      g_autoptr(GError) error = NULL;
      guint length = (guint) g_rand_int_range (rand, 0, 12);

      for (guint i = 0; i < length; i++)
        {
          gunichar c;

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              c = (gunichar) g_rand_int_range (rand, 0x20, 0x7f);
              break;
            case 1:
              c = (gunichar) g_rand_int_range (rand, 0x80, 0x800);
              break;
            case 2:
              c = (gunichar) g_rand_int_range (rand, 0x800, 0xd800);
              break;
            default:
              c = (gunichar) g_rand_int_range (rand, 0x10000, 0x110000);
              break;
            }
          g_string_append_unichar (name, c);
        }
      encoded = kabar_imap_utf7_encode (name->str);
      for (const char *p = encoded; *p != '\0'; p++)
        g_assert_true (*p >= 0x20 && *p < 0x7f);
      decoded = kabar_imap_utf7_decode (encoded, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (decoded, ==, name->str);
    }
}

static void
test_decode_rejects_malformed (void)
{
  static const struct
  {
    const char *wire;
    const char *reason;
  } bad[] = {
    { "Entw&APw", "without its closing" },
    { "&", "without its closing" },
    { "Entwürfe", "outside printable ASCII" },
    { "tab\there", "outside printable ASCII" },
    { "&AGE-", "printable ASCII encoded" },          /* "a" must stand for itself */
    { "&ZeVnLIqe!-", "not modified base64" },
    { "&ZeVnLIq/-", "not modified base64" },         /* "/" is "," in IMAP */
    { "&2D0-", "lone UTF-16 high surrogate" },
    { "&3gA-", "lone UTF-16 low surrogate" },
    { "&AAA-", "encoded NUL" },
    { "&AOR-", "bits left over" },                   /* non-zero padding */
    { "&ZeVnLIq-", "bits left over" },               /* a half UTF-16 unit */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *decoded = kabar_imap_utf7_decode (bad[i].wire, &error);

      g_assert_null (decoded);
      g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_MAILBOX_NAME);
      if (strstr (error->message, bad[i].reason) == NULL)
        g_error ("“%s”: expected “%s” in: %s", bad[i].wire, bad[i].reason, error->message);
    }
}

/* Servers that send raw UTF-8 (or worse) still get a readable folder list. */
static void
test_decode_for_display_keeps_invalid_names (void)
{
  g_autofree char *good = kabar_imap_utf7_decode_for_display ("Entw&APw-rfe");
  g_autofree char *raw_utf8 = kabar_imap_utf7_decode_for_display ("Entwürfe");
  g_autofree char *broken = kabar_imap_utf7_decode_for_display ("Entw&APw");
  g_autofree char *latin1 = kabar_imap_utf7_decode_for_display ("Entw\xfc" "rfe");

  g_assert_cmpstr (good, ==, "Entwürfe");
  g_assert_cmpstr (raw_utf8, ==, "Entwürfe");
  g_assert_cmpstr (broken, ==, "Entw&APw");
  g_assert_true (g_utf8_validate (latin1, -1, NULL));
  g_assert_true (g_str_has_prefix (latin1, "Entw"));
  g_assert_true (g_str_has_suffix (latin1, "rfe"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/utf7/decode-vectors", test_decode_vectors);
  g_test_add_func ("/imap/utf7/encode-vectors", test_encode_vectors);
  g_test_add_func ("/imap/utf7/round-trip-random-names", test_round_trip_random);
  g_test_add_func ("/imap/utf7/decode-rejects-malformed", test_decode_rejects_malformed);
  g_test_add_func ("/imap/utf7/decode-for-display-keeps-invalid-names",
                   test_decode_for_display_keeps_invalid_names);
  return g_test_run ();
}
