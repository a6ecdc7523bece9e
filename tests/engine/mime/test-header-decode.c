/* test-header-decode.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Encoded words (RFC 2047) as a reader sees them: long subjects and names
 * split into adjacent words the way Gmail, Outlook and GMime's own encoder
 * write them (base64 words that end in padding, which GMime 3.2 reads only
 * the first of), characters split across words, mixed charsets, and
 * malformed words; then a Hindi subject and names sent by Kabar and read
 * back by the store, the message view and a reopened draft.
 */

#include "config.h"

#include <string.h>

#include "kabar-message-display.h"
#include "kabar-mime.h"
#include "kabar-outgoing-message.h"
#include "kabar-store-private.h"

static const char subject_hindi[] = "Laporan bulanan — मासिक रिपोर्ट ✓";
static const char name_hindi[] = "राम शर्मा — मासिक रिपोर्ट विभाग, दिल्ली";

typedef struct
{
  const char *raw;
  const char *shown;
} Case;

static void
assert_decodes (const Case *cases,
                gsize       count)
{
  for (gsize i = 0; i < count; i++)
    {
      g_autofree char *decoded = kabar_mime_decode_header_text (cases[i].raw);
      g_autofree char *escaped = g_strescape (cases[i].raw, NULL);

      g_test_message ("%s", escaped);
      g_assert_cmpstr (decoded, ==, cases[i].shown);
    }
}

static void
test_padded_adjacent_words (void)
{
  static const Case cases[] = {
    /* Gmail and Outlook: a long subject in padded base64 words. */
    { "=?UTF-8?B?4KSu4KS+4KS44KS/4KSVIA==?= =?UTF-8?B?4KSw4KS/4KSq4KWL4KSw4KWN4KSf?=", "मासिक रिपोर्ट" },
    { "=?utf-8?b?4KSu4KS+4KS44KS/4KSVIA==?=\r\n =?utf-8?b?4KSw4KS/4KSq4KWL4KSw4KWN4KSf?=", "मासिक रिपोर्ट" },
    /* Three words, the middle one padded too. */
    { "=?UTF-8?B?4KSu?= =?UTF-8?B?4KS+4KS4?=\t=?UTF-8?B?4KS/4KSVIA==?= =?UTF-8?B?4KSw4KS/?=", "मासिक रि" },
    /* GMime's own output for the subject Kabar sends. */
    { "Laporan bulanan =?UTF-8?B?4oCUIOCkruCkvuCkuOCkv+CklQ==?=\n =?UTF-8?B?IOCksOCkv+CkquCli+CksOCljeCknyDinJM=?=",
      subject_hindi },
  };

  assert_decodes (cases, G_N_ELEMENTS (cases));
}

static void
test_quoted_printable_words (void)
{
  static const Case cases[] = {
    { "=?UTF-8?Q?=E0=A4=AE=E0=A4=BE=E0=A4=B8=E0=A4=BF=E0=A4=95_?= =?UTF-8?Q?=E0=A4=B0=E0=A4=BF=E0=A4=AA?=", "मासिक रिप" },
    { "=?iso-8859-1?q?Rapat_di_caf=E9?=", "Rapat di café" },
    /* Q and B words of one charset, adjacent. */
    { "=?UTF-8?Q?Laporan_?= =?UTF-8?B?4KSu4KS+4KS44KS/4KSVIA==?= =?UTF-8?Q?=E2=9C=93?=", "Laporan मासिक ✓" },
  };

  assert_decodes (cases, G_N_ELEMENTS (cases));
}

static void
test_character_split_across_words (void)
{
  static const Case cases[] = {
    /* "मा" is E0 A4 AE E0 A4 BE: the second character's bytes in two words. */
    { "=?UTF-8?B?4KSu4A==?= =?UTF-8?B?pL4=?=", "मा" },
    { "=?UTF-8?Q?=E0=A4=AE=E0?= =?UTF-8?Q?=A4=BE?=", "मा" },
    { "=?UTF-8?Q?=E0=A4=AE=E0?= =?UTF-8?B?pL4=?=", "मा" },
    /* A Shift_JIS character split the same way: 日本 is 93 FA 96 7B. */
    { "=?Shift_JIS?Q?=93?= =?shift_jis?Q?=FA=96=7B?=", "日本" },
  };

  assert_decodes (cases, G_N_ELEMENTS (cases));
}

static void
test_mixed_charsets_and_text (void)
{
  static const Case cases[] = {
    { "=?ISO-8859-1?Q?Caf=E9?= =?UTF-8?B?4KSu4KS+?=", "Caféमा" },
    { "=?windows-1252?Q?=93Rapat=94?= =?KOI8-R?B?8NLJ18XU?=", "“Rapat”Привет" },
    /* Blanks between a word and plain text stay; the words each decode. */
    { "Re: =?UTF-8?Q?caf=C3=A9?= dan =?ISO-8859-1?Q?na=EFf?= ", "Re: café dan naïf" },
    { "Fwd:=?UTF-8?B?4KSu4KS+?=", "Fwd:मा" },
    /* RFC 2231's language after the charset. */
    { "=?UTF-8*hi?B?4KSu4KS+?=", "मा" },
    /* 8-bit text outside words: UTF-8 as it is, windows-1252 otherwise. */
    { "Laporan — मासिक", "Laporan — मासिक" },
    { "Caf\xe9 \x93pagi\x94", "Café “pagi”" },
    { "", "" },
  };

  assert_decodes (cases, G_N_ELEMENTS (cases));
  g_assert_null (kabar_mime_decode_header_text (NULL));
}

static void
test_malformed_words_stay (void)
{
  static const Case cases[] = {
    { "=?UTF-8?B?4KSu*A==?=", "=?UTF-8?B?4KSu*A==?=" },
    { "=?UTF-8?Q?=ZZ?=", "=?UTF-8?Q?=ZZ?=" },
    { "=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=" },
    { "=?UTF-8?B?4KSu", "=?UTF-8?B?4KSu" },
    { "=??B?4KSu?=", "=??B?4KSu?=" },
    { "=?UTF-8?Q?a b?=", "=?UTF-8?Q?a b?=" },
    /* A good word beside a bad one: the good one decodes, the blank stays. */
    { "=?UTF-8?Q?=E0=A4=AE?= =?UTF-8?Q?=G1?=", "म =?UTF-8?Q?=G1?=" },
    /* Bytes the charset says nothing valid about are still shown. */
    { "=?UTF-8?Q?Rapat_=FF?=", "Rapat ÿ" },
    { "=?x-no-such-charset?Q?Rapat?=", "Rapat" },
  };

  assert_decodes (cases, G_N_ELEMENTS (cases));
}

static void
assert_mailbox (InternetAddressList *list,
                int                  index,
                const char          *name,
                const char          *address)
{
  InternetAddress *mailbox = internet_address_list_get_address (list, index);

  g_assert_true (INTERNET_ADDRESS_IS_MAILBOX (mailbox));
  g_assert_cmpstr (internet_address_get_name (mailbox), ==, name);
  g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (mailbox)), ==, address);
}

static void
test_names_in_address_lists (void)
{
  InternetAddressList *list = kabar_mime_parse_addresses (
    "=?UTF-8?B?4KSu4KS+4KS44KS/4KSVIA==?= =?UTF-8?B?4KSw4KS/4KSq4KWL4KSw4KWN4KSf?= <laporan@kabar.test>,\r\n"
    " \"Dewi, Ayu\" <dewi@kabar.test>, =?UTF-8?Q?Andr=C3=A9?= <andre@kabar.test>,\r\n"
    " =?UTF-8?B?4KSu4KS+4KS44KS/4KSVIA==?= =?UTF-8?Q?=22Bos=2C_kami=22?= <bos@kabar.test>, budi@kabar.test",
    NULL);

  g_assert_cmpint (internet_address_list_length (list), ==, 5);
  assert_mailbox (list, 0, "मासिक रिपोर्ट", "laporan@kabar.test");
  assert_mailbox (list, 1, "Dewi, Ayu", "dewi@kabar.test");
  assert_mailbox (list, 2, "André", "andre@kabar.test");
  /* A quote and a comma decoded out of a word stay in the name. */
  assert_mailbox (list, 3, "मासिक \"Bos, kami\"", "bos@kabar.test");
  assert_mailbox (list, 4, "", "budi@kabar.test");
  g_object_unref (list);
}

/* --- Kabar's own mail, read back ---------------------------------------------------------- */

static GBytes *
build_hindi_message (KabarOutgoingForm form)
{
  g_autoptr(KabarOutgoingMessage) outgoing = kabar_outgoing_message_new ();
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  kabar_outgoing_message_set_from (outgoing, name_hindi, "ram@kabar.test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_TO, name_hindi, "laporan@kabar.test");
  kabar_outgoing_message_add_address (outgoing, KABAR_OUTGOING_TO, "Dewi Ayu", "dewi@kabar.test");
  kabar_outgoing_message_set_subject (outgoing, subject_hindi);
  kabar_outgoing_message_set_text (outgoing, "नमस्ते।\n");
  bytes = kabar_outgoing_message_to_bytes (outgoing, form, &error);
  g_assert_no_error (error);
  return bytes;
}

static void
test_sent_message_reads_back_in_the_store (void)
{
  g_autoptr(GBytes) raw = build_hindi_message (KABAR_OUTGOING_FORM_SEND);
  KabarMessageSummary *summary = kabar_store_summary_from_raw (raw);
  InternetAddressList *to;

  /* What GMime's encoder wrote is adjacent padded words: the case at hand. */
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), "==?="));
  g_assert_cmpstr (summary->subject, ==, subject_hindi);
  g_assert_cmpstr (summary->from_name, ==, name_hindi);
  g_assert_cmpstr (summary->from_address, ==, "ram@kabar.test");
  to = internet_address_list_parse (NULL, summary->to);
  g_assert_cmpint (internet_address_list_length (to), ==, 2);
  assert_mailbox (to, 0, name_hindi, "laporan@kabar.test");
  assert_mailbox (to, 1, "Dewi Ayu", "dewi@kabar.test");
  g_object_unref (to);
  kabar_message_summary_free (summary);
}

static void
test_sent_message_reads_back_in_the_view (void)
{
  g_autoptr(GBytes) raw = build_hindi_message (KABAR_OUTGOING_FORM_SEND);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageDisplay) display = kabar_message_display_new (raw, KABAR_DISPLAY_FLAGS_NONE, NULL, &error);
  GPtrArray *from;
  GPtrArray *to;

  g_assert_no_error (error);
  g_assert_cmpstr (kabar_message_display_get_subject (display), ==, subject_hindi);
  from = kabar_message_display_get_addresses (display, KABAR_DISPLAY_FROM);
  g_assert_cmpuint (from->len, ==, 1);
  g_assert_cmpstr (((KabarDisplayAddress *) g_ptr_array_index (from, 0))->name, ==, name_hindi);
  to = kabar_message_display_get_addresses (display, KABAR_DISPLAY_TO);
  g_assert_cmpuint (to->len, ==, 2);
  g_assert_cmpstr (((KabarDisplayAddress *) g_ptr_array_index (to, 0))->name, ==, name_hindi);
  g_assert_cmpstr (((KabarDisplayAddress *) g_ptr_array_index (to, 1))->address, ==, "dewi@kabar.test");
}

static void
test_draft_reopens_whole (void)
{
  g_autoptr(GBytes) raw = build_hindi_message (KABAR_OUTGOING_FORM_DRAFT);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutgoingMessage) reopened = kabar_outgoing_message_new_from_bytes (raw, &error);
  InternetAddressList *to;

  g_assert_no_error (error);
  g_assert_cmpstr (kabar_outgoing_message_get_subject (reopened), ==, subject_hindi);
  g_assert_cmpstr (kabar_outgoing_message_get_from_name (reopened), ==, name_hindi);
  to = kabar_outgoing_message_get_addresses (reopened, KABAR_OUTGOING_TO);
  g_assert_cmpint (internet_address_list_length (to), ==, 2);
  assert_mailbox (to, 0, name_hindi, "laporan@kabar.test");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mime/header-decode/padded-adjacent-words", test_padded_adjacent_words);
  g_test_add_func ("/mime/header-decode/quoted-printable-words", test_quoted_printable_words);
  g_test_add_func ("/mime/header-decode/character-split-across-words", test_character_split_across_words);
  g_test_add_func ("/mime/header-decode/mixed-charsets-and-text", test_mixed_charsets_and_text);
  g_test_add_func ("/mime/header-decode/malformed-words-stay", test_malformed_words_stay);
  g_test_add_func ("/mime/header-decode/names-in-address-lists", test_names_in_address_lists);
  g_test_add_func ("/mime/header-decode/sent-message-reads-back-in-the-store",
                   test_sent_message_reads_back_in_the_store);
  g_test_add_func ("/mime/header-decode/sent-message-reads-back-in-the-view",
                   test_sent_message_reads_back_in_the_view);
  g_test_add_func ("/mime/header-decode/draft-reopens-whole", test_draft_reopens_whole);
  return g_test_run ();
}
