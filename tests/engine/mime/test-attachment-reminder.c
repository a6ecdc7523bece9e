/* test-attachment-reminder.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The words that make the composer ask "did you mean to attach a file?",
 * in English, Indonesian and Hindi, and the words and places that must
 * not.
 */

#include "config.h"

#include "kabar-attachment-reminder.h"

static void
assert_mentions (const char * const *texts,
                 gboolean            expected)
{
  for (guint i = 0; texts[i] != NULL; i++)
    if (kabar_attachment_reminder_mentions_attachment (texts[i]) != expected)
      g_error ("“%s” %s an attachment", texts[i], expected ? "should mention" : "should not mention");
}

static void
test_english (void)
{
  static const char * const yes[] = {
    "Please see the attached report.",
    "I'll attach the slides tomorrow",
    "ATTACHMENT: budget.xlsx",
    "Two attachments, as promised.",
    "Attaching the minutes.",
    "Enclosed is my invoice.",
    "(attached)",
    "Hi,\n\nsee attachment\n\nBudi",
    NULL,
  };
  static const char * const no[] = {
    "The attachable bracket is on the shelf.",
    "An unattached garage.",
    "It was reattached and detached again.",
    "Nothing to see here.",
    "",
    NULL,
  };

  assert_mentions (yes, TRUE);
  assert_mentions (no, FALSE);
}

static void
test_indonesian (void)
{
  static const char * const yes[] = {
    "Laporan terlampir.",
    "Mohon periksa lampiran laporan keuangan.",
    "Saya lampirkan notulen rapat.",
    "Berikut saya melampirkan jadwal.",
    "Dokumen dilampirkan di bawah.",
    "Lampir: KTP",
    "Lampirannya ada dua.",
    NULL,
  };
  static const char * const no[] = {
    "Tolong matikan lampu sebelum pulang.",
    "Lampunya sudah diganti.",
    "Kami lampiaskan di lapangan.",
    "Rapat ditunda karena banjir.",
    NULL,
  };

  assert_mentions (yes, TRUE);
  assert_mentions (no, FALSE);
}

static void
test_hindi (void)
{
  static const char * const yes[] = {
    "रिपोर्ट संलग्न है।",
    "कृपया संलग्न फ़ाइल देखें",
    "मैंने फ़ाइल अटैच कर दी है",
    "अटैचमेंट देखें।",
    "दस्तावेज़ नत्थी हैं।",
    "\"संलग्न\"",
    NULL,
  };
  static const char * const no[] = {
    /* The words with another vowel sign or more letters are other words. */
    "संलग्नता और समर्पण",
    "अटैचा",
    "नमस्ते, बैठक अगले सप्ताह होगी।",
    "नत्थीलाल जी आएँगे",
    NULL,
  };

  assert_mentions (yes, TRUE);
  assert_mentions (no, FALSE);
}

static void
test_case_and_accents (void)
{
  static const char * const yes[] = {
    "ÁTTÁCHÉD are the files",
    "TERLAMPİR",
    "Attachment\u0301s",
    NULL,
  };

  assert_mentions (yes, TRUE);
}

static void
test_quotes_and_forwards_ignored (void)
{
  static const char * const yes[] = {
    "> the report is attached\nAnd I attached mine too.",
    "Terlampir.\n\n---------- Forwarded message ----------\nFrom: x\n",
    "Thanks!\n-- \nBudi\n\nOn Monday, Dewi wrote:\n> see below\nI attached it.\n",
    NULL,
  };
  static const char * const no[] = {
    "Thanks, got it.\n\nOn Monday, Dewi wrote:\n> Please see the attached report.\n>> Lampiran ada di sini.\n",
    "  > indented quote with attachment\n",
    "FYI\n\n---------- Forwarded message ----------\nFrom: Dewi\n\nThe report is attached.\n",
    "FYI\n\n---------- Pesan yang diteruskan ----------\nLaporan terlampir.\n",
    "FYI\r\n-----Original Message-----\r\nAttached is the file.\r\n",
    "See below.\nBegin forwarded message:\n\nAttached.\n",
    /* A signature that talks of attachments is not this message's text. */
    "Sure.\n-- \nBudi\nPlease do not print attachments.\n",
    NULL,
  };

  assert_mentions (yes, TRUE);
  assert_mentions (no, FALSE);
}

static void
test_hostile_text (void)
{
  GString *huge = g_string_new (NULL);

  g_assert_false (kabar_attachment_reminder_mentions_attachment (NULL));
  /* Bytes that are no UTF-8 around the word do not hide it. */
  g_assert_true (kabar_attachment_reminder_mentions_attachment ("\xff\xfe attached \x80"));
  g_assert_false (kabar_attachment_reminder_mentions_attachment ("\xff\xfe lampu \x80"));
  for (guint i = 0; i < 100000; i++)
    g_string_append (huge, "lampu lampu lampu ");
  g_assert_false (kabar_attachment_reminder_mentions_attachment (huge->str));
  g_string_append (huge, "lampiran");
  g_assert_true (kabar_attachment_reminder_mentions_attachment (huge->str));
  g_string_free (huge, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/attachment-reminder/english", test_english);
  g_test_add_func ("/mime/attachment-reminder/indonesian", test_indonesian);
  g_test_add_func ("/mime/attachment-reminder/hindi", test_hindi);
  g_test_add_func ("/mime/attachment-reminder/case-and-accents", test_case_and_accents);
  g_test_add_func ("/mime/attachment-reminder/quotes-and-forwards", test_quotes_and_forwards_ignored);
  g_test_add_func ("/mime/attachment-reminder/hostile-text", test_hostile_text);

  return g_test_run ();
}
