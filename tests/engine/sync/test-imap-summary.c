/* test-imap-summary.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FETCH responses into message summaries: real messages written into the
 * bed's Dovecot and fetched as the sync fetches them (encoded words in
 * Indonesian and Hindi, address lists, References, attachments, dates,
 * flags), and what no real server sends on demand, from the scripted
 * server (NIL everywhere, groups, garbage).
 */

#include "config.h"

#include <gmime/gmime.h>
#include <string.h>

#include "kabar-imap-summary.h"
#include "kabar-imap-test-session.h"
#include "kabar-test-wait.h"

/* 2026-03-14 15:09:26 UTC, the internal date of the bed's messages. */
#define INTERNAL_DATE G_GINT64_CONSTANT (1773500966)

static KabarTestBed *shared_bed;

/* --- the bed --------------------------------------------------------------- */

static KabarTestBed *
get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  return shared_bed;
}

/* A user of the test's own: "<name>@kabar.test", with an empty INBOX. */
static char *
new_user (const char *name)
{
  char *address = g_strdup_printf ("%s@%s", name, KABAR_TEST_BED_DOMAIN);

  kabar_test_bed_add_user (get_bed (), address, "Sandi-123");
  return address;
}

/* Adds text (LF line ends, made CRLF) to the user's INBOX; returns its
 * size on the server. */
static guint64
add_message (const char *user,
             const char *text,
             const char *maildir_flags)
{
  g_autoptr(GBytes) raw = kabar_imap_test_message (text);
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_message (get_bed (), user, "INBOX", raw, maildir_flags, INTERNAL_DATE, &error);
  g_assert_no_error (error);
  return g_bytes_get_size (raw);
}

static void
add_keyword (KabarImapSession *session,
             const char       *uids,
             const char       *keyword)
{
  kabar_imap_test_store (session, uids, KABAR_IMAP_STORE_ADD, keyword);
}

static GPtrArray *
fetch_summaries_with (KabarImapSession *session)
{
  KabarImapFetchRequest request = {
    .items = kabar_imap_summary_fetch_items (TRUE),
    .header_fields = kabar_imap_summary_header_fields (),
  };
  g_autoptr(KabarImapUidSet) uids = kabar_imap_uid_set_parse ("1:*", NULL);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);

  messages = kabar_imap_test_try_fetch (session, uids, &request, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    {
      KabarMessageSummary *summary = kabar_imap_summary_new (g_ptr_array_index (messages, i));

      g_assert_nonnull (summary);
      g_ptr_array_add (summaries, summary);
    }
  return summaries;
}

/* Every message of the user's INBOX as the sync summarises it, in UID
 * order. */
static GPtrArray *
fetch_summaries (const char *user)
{
  g_autoptr(KabarImapSession) session = kabar_imap_test_open (get_bed (), user, KABAR_TEST_BED_PORT_IMAPS);
  g_autoptr(KabarImapMailboxState) state = kabar_imap_test_select (session, "INBOX");
  GPtrArray *summaries = fetch_summaries_with (session);

  kabar_imap_test_logout (session);
  return summaries;
}

static KabarMessageSummary *
summary_at (GPtrArray *summaries,
            guint      index)
{
  g_assert_cmpuint (index, <, summaries->len);
  return g_ptr_array_index (summaries, index);
}

/* The list parses back into these names (NULL for none) and addresses. */
static void
assert_addresses (const char         *list_text,
                  const char * const *expected)
{
  InternetAddressList *list = internet_address_list_parse (NULL, list_text);
  guint n = 0;

  g_assert_nonnull (list);
  for (; expected[n * 2 + 1] != NULL; n++)
    {
      InternetAddress *address = internet_address_list_get_address (list, (int) n);
      const char *name = internet_address_get_name (address);

      g_assert_true (INTERNET_ADDRESS_IS_MAILBOX (address));
      g_assert_cmpstr (name != NULL && *name != '\0' ? name : NULL, ==, expected[n * 2]);
      g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)), ==,
                       expected[n * 2 + 1]);
    }
  g_assert_cmpint (internet_address_list_length (list), ==, (int) n);
  g_object_unref (list);
}

/* --- text ---------------------------------------------------------------------- */

static void
test_encoded_words_are_decoded_in_every_charset (void)
{
  g_autofree char *user = new_user ("encoded");
  g_autoptr(GPtrArray) summaries = NULL;
  KabarMessageSummary *summary;

  add_message (user,
               "From: =?UTF-8?Q?Siti_N=C3=BArhaliza?= <siti@example.id>\n"
               "To: budi@example.id\n"
               "Subject: =?UTF-8?Q?Rapat_minggu_depan_=E2=80=93_jangan_lupa?=\n"
               "\n"
               "Isi.\n", "");
  add_message (user,
               "From: =?ISO-8859-1?Q?Andr=E9_Wijaya?= <andre@example.id>\n"
               "Subject: =?ISO-8859-1?Q?Caf=E9_di_Bandung_sudah_buka?=\n"
               "\n"
               "Isi.\n", "");
  add_message (user,
               "From: =?UTF-8?B?4KSw4KS+4KS54KWB4KSy?= <rahul@example.in>\n"
               "Subject: =?UTF-8?B?4KSo4KSu4KS44KWN4KSk4KWHLCDgpIbgpJwg4KSV4KWAIOCkluCkrOCksA==?=\n"
               "\n"
               "Isi.\n", "");
  /* Two encoded words folded over two lines: the space between goes. */
  add_message (user,
               "From: rahul@example.in\n"
               "Subject: =?UTF-8?B?4KS44KSu4KS+4KSa4KS+4KSwIA==?=\n"
               " =?UTF-8?B?4KSF4KSq4KSh4KWH4KSf?=\n"
               "\n"
               "Isi.\n", "");
  /* Raw 8-bit: UTF-8 as it is, anything else as windows-1252. */
  add_message (user,
               "From: Dewi Lestari <dewi@example.id>\n"
               "Subject: Kabar baik: नया संदेश आया\n"
               "\n"
               "Isi.\n", "");
  add_message (user,
               "From: Caf\xe9 Kita <kafe@example.id>\n"
               "Subject: Caf\xe9 \x80" "5 murah\n"
               "\n"
               "Isi.\n", "");

  summaries = fetch_summaries (user);
  g_assert_cmpuint (summaries->len, ==, 6);

  summary = summary_at (summaries, 0);
  g_assert_cmpstr (summary->subject, ==, "Rapat minggu depan – jangan lupa");
  g_assert_cmpstr (summary->from_name, ==, "Siti Núrhaliza");
  g_assert_cmpstr (summary->from_address, ==, "siti@example.id");

  summary = summary_at (summaries, 1);
  g_assert_cmpstr (summary->subject, ==, "Café di Bandung sudah buka");
  g_assert_cmpstr (summary->from_name, ==, "André Wijaya");

  summary = summary_at (summaries, 2);
  g_assert_cmpstr (summary->subject, ==, "नमस्ते, आज की खबर");
  g_assert_cmpstr (summary->from_name, ==, "राहुल");
  g_assert_cmpstr (summary->from_address, ==, "rahul@example.in");

  summary = summary_at (summaries, 3);
  g_assert_cmpstr (summary->subject, ==, "समाचार अपडेट");
  g_assert_null (summary->from_name);
  g_assert_cmpstr (summary->from_address, ==, "rahul@example.in");

  summary = summary_at (summaries, 4);
  g_assert_cmpstr (summary->subject, ==, "Kabar baik: नया संदेश आया");
  g_assert_cmpstr (summary->from_name, ==, "Dewi Lestari");

  summary = summary_at (summaries, 5);
  g_assert_cmpstr (summary->subject, ==, "Café €5 murah");
  g_assert_cmpstr (summary->from_name, ==, "Café Kita");
}

/* --- addresses ----------------------------------------------------------------- */

static void
test_recipients_become_lists_that_parse_back (void)
{
  g_autofree char *user = new_user ("addresses");
  g_autoptr(GPtrArray) summaries = NULL;
  KabarMessageSummary *summary;
  const char * const to[] = {
    "Santoso, Budi", "budi@example.id",
    "प्रिया शर्मा", "priya@example.in",
    NULL, "plain@example.org",
    NULL, NULL,
  };
  const char * const cc[] = {
    "Tim Ops, Jakarta", "ops@example.id",
    "Siti", "siti@example.id",
    "Budi \"Ahmad\" S.", "bs@example.id",
    NULL, NULL,
  };
  const char * const group[] = {
    NULL, "ana@example.id",
    "Lee, B", "b@example.id",
    NULL, "solo@example.org",
    NULL, NULL,
  };

  add_message (user,
               "From: \"Doe, Jane\" <jane@example.com>\n"
               "To: \"Santoso, Budi\" <budi@example.id>,\n"
               " =?UTF-8?B?4KSq4KWN4KSw4KS/4KSv4KS+IOCktuCksOCljeCkruCkvg==?= <priya@example.in>,\n"
               " plain@example.org\n"
               "Cc: \"Tim Ops, Jakarta\" <ops@example.id>, Siti <siti@example.id>,\n"
               " \"Budi \\\"Ahmad\\\" S.\" <bs@example.id>\n"
               "Subject: Alamat\n"
               "\n"
               "Isi.\n", "");
  /* Groups: their members count, the empty one is no recipient. */
  add_message (user,
               "From: jane@example.com\n"
               "To: Tim Kabar: ana@example.id, \"Lee, B\" <b@example.id>;, solo@example.org\n"
               "Cc: undisclosed-recipients:;\n"
               "Subject: Grup\n"
               "\n"
               "Isi.\n", "");

  summaries = fetch_summaries (user);
  g_assert_cmpuint (summaries->len, ==, 2);

  summary = summary_at (summaries, 0);
  g_assert_cmpstr (summary->from_name, ==, "Doe, Jane");
  g_assert_cmpstr (summary->from_address, ==, "jane@example.com");
  g_assert_cmpstr (summary->to, ==,
                   "\"Santoso, Budi\" <budi@example.id>, प्रिया शर्मा <priya@example.in>, plain@example.org");
  g_assert_cmpstr (summary->cc, ==, "\"Tim Ops, Jakarta\" <ops@example.id>, Siti <siti@example.id>, "
                   "\"Budi \\\"Ahmad\\\" S.\" <bs@example.id>");
  assert_addresses (summary->to, to);
  assert_addresses (summary->cc, cc);

  summary = summary_at (summaries, 1);
  g_assert_null (summary->from_name);
  g_assert_cmpstr (summary->from_address, ==, "jane@example.com");
  assert_addresses (summary->to, group);
  g_assert_null (summary->cc);
}

/* --- threading ----------------------------------------------------------------- */

static void
test_message_ids_and_folded_references_are_kept (void)
{
  g_autofree char *user = new_user ("references");
  g_autoptr(GPtrArray) summaries = NULL;
  KabarMessageSummary *summary;

  add_message (user,
               "From: siti@example.id\n"
               "Subject: Re: Rapat\n"
               "Message-ID: <reply3@example.id>\n"
               "In-Reply-To: <reply2@example.id>\n"
               "References: <root@example.id>\n"
               " <reply1@example.id> (the first answer)\n"
               "\t<reply2@example.id>\n"
               "\n"
               "Isi.\n", "");
  add_message (user,
               "From: siti@example.id\n"
               "Subject: Rapat\n"
               "Message-ID: <root@example.id>\n"
               "\n"
               "Isi.\n", "");

  summaries = fetch_summaries (user);
  g_assert_cmpuint (summaries->len, ==, 2);

  summary = summary_at (summaries, 0);
  g_assert_cmpstr (summary->message_id, ==, "<reply3@example.id>");
  g_assert_cmpstr (summary->in_reply_to, ==, "<reply2@example.id>");
  g_assert_cmpstr (summary->references, ==, "<root@example.id> <reply1@example.id> <reply2@example.id>");

  summary = summary_at (summaries, 1);
  g_assert_cmpstr (summary->message_id, ==, "<root@example.id>");
  g_assert_null (summary->in_reply_to);
  g_assert_null (summary->references);
}

/* --- attachments ----------------------------------------------------------------- */

#define PNG_BASE64 "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

static void
test_attachments_are_told_from_inline_images (void)
{
  g_autofree char *user = new_user ("attachments");
  g_autoptr(GPtrArray) summaries = NULL;

  add_message (user,
               "From: budi@example.id\n"
               "Subject: Laporan\n"
               "MIME-Version: 1.0\n"
               "Content-Type: multipart/mixed; boundary=\"b1\"\n"
               "\n"
               "--b1\n"
               "Content-Type: text/plain; charset=utf-8\n"
               "\n"
               "Terlampir laporannya.\n"
               "--b1\n"
               "Content-Type: application/pdf; name=\"laporan.pdf\"\n"
               "Content-Disposition: attachment; filename=\"laporan.pdf\"\n"
               "Content-Transfer-Encoding: base64\n"
               "\n"
               "JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCg==\n"
               "--b1--\n", "");
  add_message (user,
               "From: budi@example.id\n"
               "Subject: Buletin\n"
               "MIME-Version: 1.0\n"
               "Content-Type: multipart/related; boundary=\"r1\"; type=\"multipart/alternative\"\n"
               "\n"
               "--r1\n"
               "Content-Type: multipart/alternative; boundary=\"a1\"\n"
               "\n"
               "--a1\n"
               "Content-Type: text/plain; charset=utf-8\n"
               "\n"
               "Buletin.\n"
               "--a1\n"
               "Content-Type: text/html; charset=utf-8\n"
               "\n"
               "<p>Buletin <img src=\"cid:logo@kabar.test\"></p>\n"
               "--a1--\n"
               "--r1\n"
               "Content-Type: image/png; name=\"logo.png\"\n"
               "Content-ID: <logo@kabar.test>\n"
               "Content-Disposition: inline; filename=\"logo.png\"\n"
               "Content-Transfer-Encoding: base64\n"
               "\n"
               PNG_BASE64 "\n"
               "--r1--\n", "");
  add_message (user,
               "From: budi@example.id\n"
               "Subject: Teks saja\n"
               "\n"
               "Tanpa lampiran.\n", "");
  /* A name alone makes a file of a part that is not text. */
  add_message (user,
               "From: budi@example.id\n"
               "Subject: Foto\n"
               "MIME-Version: 1.0\n"
               "Content-Type: multipart/mixed; boundary=\"m2\"\n"
               "\n"
               "--m2\n"
               "Content-Type: text/plain\n"
               "\n"
               "Fotonya.\n"
               "--m2\n"
               "Content-Type: image/png; name=\"foto.png\"\n"
               "Content-Transfer-Encoding: base64\n"
               "\n"
               PNG_BASE64 "\n"
               "--m2--\n", "");
  /* A signature is not a file the sender attached. */
  add_message (user,
               "From: budi@example.id\n"
               "Subject: Bertanda tangan\n"
               "MIME-Version: 1.0\n"
               "Content-Type: multipart/signed; boundary=\"s1\"; micalg=pgp-sha256;\n"
               " protocol=\"application/pgp-signature\"\n"
               "\n"
               "--s1\n"
               "Content-Type: text/plain\n"
               "\n"
               "Ditandatangani.\n"
               "--s1\n"
               "Content-Type: application/pgp-signature; name=\"signature.asc\"\n"
               "Content-Disposition: attachment; filename=\"signature.asc\"\n"
               "\n"
               "-----BEGIN PGP SIGNATURE-----\n"
               "-----END PGP SIGNATURE-----\n"
               "--s1--\n", "");

  summaries = fetch_summaries (user);
  g_assert_cmpuint (summaries->len, ==, 5);
  g_assert_true (summary_at (summaries, 0)->has_attachments);
  g_assert_false (summary_at (summaries, 1)->has_attachments);
  g_assert_false (summary_at (summaries, 2)->has_attachments);
  g_assert_true (summary_at (summaries, 3)->has_attachments);
  g_assert_false (summary_at (summaries, 4)->has_attachments);
}

/* --- dates, sizes and flags --------------------------------------------------------- */

static void
test_missing_or_garbage_dates_give_the_internal_date (void)
{
  g_autofree char *user = new_user ("dates");
  g_autoptr(GPtrArray) summaries = NULL;
  guint64 sizes[3];

  sizes[0] = add_message (user,
                          "From: budi@example.id\n"
                          "Subject: Tanggal\n"
                          "Date: Mon, 2 Mar 2026 10:00:00 +0700\n"
                          "\n"
                          "Isi.\n", "");
  sizes[1] = add_message (user,
                          "From: budi@example.id\n"
                          "Subject: Tanpa tanggal\n"
                          "\n"
                          "Isi.\n", "");
  sizes[2] = add_message (user,
                          "From: budi@example.id\n"
                          "Subject: Tanggal rusak\n"
                          "Date: kemarin sore, kira-kira\n"
                          "\n"
                          "Isi.\n", "");

  summaries = fetch_summaries (user);
  g_assert_cmpuint (summaries->len, ==, 3);
  for (guint i = 0; i < summaries->len; i++)
    {
      KabarMessageSummary *summary = summary_at (summaries, i);

      g_assert_cmpuint (summary->uid, ==, i + 1);
      g_assert_cmpint (summary->internal_date, ==, INTERNAL_DATE);
      g_assert_cmpuint (summary->size, ==, sizes[i]);
      g_assert_cmpuint (summary->modseq, >, 0);
      g_assert_false (summary->has_attachments);
    }
  /* 10:00 in Jakarta is 03:00 UTC. */
  g_assert_cmpint (summary_at (summaries, 0)->date, ==, G_GINT64_CONSTANT (1772420400));
  g_assert_cmpint (summary_at (summaries, 1)->date, ==, INTERNAL_DATE);
  g_assert_cmpint (summary_at (summaries, 2)->date, ==, INTERNAL_DATE);
}

static void
test_system_flags_become_bits_and_keywords_stay_text (void)
{
  g_autofree char *user = new_user ("flags");
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(GPtrArray) summaries = NULL;

  add_message (user, "From: budi@example.id\nSubject: Satu\n\nIsi.\n", "FS");
  add_message (user, "From: budi@example.id\nSubject: Dua\n\nIsi.\n", "DRT");
  add_message (user, "From: budi@example.id\nSubject: Tiga\n\nIsi.\n", "");

  session = kabar_imap_test_open (get_bed (), user, KABAR_TEST_BED_PORT_IMAPS);
  state = kabar_imap_test_select (session, "INBOX");
  add_keyword (session, "1", "$Forwarded");
  add_keyword (session, "3", "$Label1");
  add_keyword (session, "3", "Penting");
  summaries = fetch_summaries_with (session);
  kabar_imap_test_logout (session);
  g_assert_cmpuint (summaries->len, ==, 3);

  /* The first session after delivery sees \Recent, which is not kept. */
  g_assert_cmphex (summary_at (summaries, 0)->flags, ==, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED);
  g_assert_cmpstr (summary_at (summaries, 0)->keywords, ==, "$Forwarded");
  g_assert_cmphex (summary_at (summaries, 1)->flags, ==,
                   KABAR_MESSAGE_FLAG_DRAFT | KABAR_MESSAGE_FLAG_ANSWERED | KABAR_MESSAGE_FLAG_DELETED);
  g_assert_null (summary_at (summaries, 1)->keywords);
  g_assert_cmphex (summary_at (summaries, 2)->flags, ==, KABAR_MESSAGE_FLAG_NONE);
  g_assert_cmpstr (summary_at (summaries, 2)->keywords, ==, "$Label1 Penting");
}

static void
test_flags_round_trip (void)
{
  const char * const from_server[] = {
    "\\seen", "\\FLAGGED", "\\Recent", "$Forwarded", "\\Answered", "$Label1", NULL,
  };
  const char * const none[] = { NULL };
  KabarMessageFlags all = KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_ANSWERED | KABAR_MESSAGE_FLAG_FLAGGED |
                          KABAR_MESSAGE_FLAG_DELETED | KABAR_MESSAGE_FLAG_DRAFT;
  const char * const built_all[] = {
    "\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "$Forwarded", "$Label1", NULL,
  };
  g_autofree char *keywords = NULL;
  g_autofree char *again = NULL;
  g_auto(GStrv) built = NULL;
  g_auto(GStrv) empty = NULL;
  KabarMessageFlags flags;

  flags = kabar_imap_flags_parse (from_server, &keywords);
  g_assert_cmphex (flags, ==, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED | KABAR_MESSAGE_FLAG_ANSWERED);
  g_assert_cmpstr (keywords, ==, "$Forwarded $Label1");
  g_assert_cmphex (kabar_imap_flags_parse (from_server, NULL), ==, flags);

  g_clear_pointer (&keywords, g_free);
  g_assert_cmphex (kabar_imap_flags_parse (none, &keywords), ==, KABAR_MESSAGE_FLAG_NONE);
  g_assert_null (keywords);
  g_assert_cmphex (kabar_imap_flags_parse (NULL, &keywords), ==, KABAR_MESSAGE_FLAG_NONE);
  g_assert_null (keywords);

  built = kabar_imap_flags_build (all, "$Forwarded  $Label1 ");
  g_assert_true (g_strv_equal ((const char * const *) built, built_all));
  g_assert_cmphex (kabar_imap_flags_parse ((const char * const *) built, &again), ==, all);
  g_assert_cmpstr (again, ==, "$Forwarded $Label1");

  empty = kabar_imap_flags_build (KABAR_MESSAGE_FLAG_NONE, NULL);
  g_assert_nonnull (empty);
  g_assert_cmpuint (g_strv_length (empty), ==, 0);
}

static void
test_fetch_request_asks_for_what_the_summary_needs (void)
{
  const char * const *fields = kabar_imap_summary_header_fields ();
  KabarImapFetchItems basic = KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_ENVELOPE |
                              KABAR_IMAP_FETCH_INTERNALDATE | KABAR_IMAP_FETCH_RFC822_SIZE |
                              KABAR_IMAP_FETCH_BODYSTRUCTURE;

  g_assert_cmphex (kabar_imap_summary_fetch_items (FALSE), ==, basic);
  g_assert_cmphex (kabar_imap_summary_fetch_items (TRUE), ==, basic | KABAR_IMAP_FETCH_MODSEQ);
  g_assert_cmpuint (g_strv_length ((char **) fields), ==, 1);
  g_assert_cmpstr (fields[0], ==, "REFERENCES");
}

/* --- what no real server sends on demand ------------------------------------------- */

static void
start_server (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
}

static void
test_malformed_responses_never_crash (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  KabarMessageSummary *summary;
  const char * const group[] = {
    NULL, "ana@example.id",
    "Lee, B", "b@example.id",
    NULL, NULL,
  };

  kabar_scripted_server_set_timeout (server, 10000);
  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect_regex (server, "a1 UID FETCH 1:\\* \\(UID FLAGS .*\\)");
  /* NIL wherever NIL may stand. */
  kabar_scripted_server_send (server,
                              "* 1 FETCH (UID 7 FLAGS () ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) "
                              "BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0))");
  /* Groups, a garbage date, a broken encoded word, a bare file part. */
  kabar_scripted_server_send (server,
                              "* 2 FETCH (UID 8 INTERNALDATE \"14-Mar-2026 15:09:26 +0000\" "
                              "ENVELOPE (\"not a date at all\" \"=?UTF-8?Q?broken\" "
                              "((NIL NIL \"ana\" \"example.id\")) NIL NIL "
                              "((NIL NIL \"Tim\" NIL)(NIL NIL \"ana\" \"example.id\")"
                              "(\"Lee, B\" NIL \"b\" \"example.id\")(NIL NIL NIL NIL)) "
                              "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
                              "NIL NIL NIL NIL) "
                              "BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)"
                              "(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") NIL NIL \"BASE64\" 10) \"MIXED\"))");
  /* Wrong shapes: a short envelope, addresses of the wrong length, a
   * body structure of nonsense, nested deeper than any message. */
  kabar_scripted_server_send (server,
                              "* 3 FETCH (UID 9 RFC822.SIZE 12 ENVELOPE (\"\" \"\") "
                              "BODYSTRUCTURE (NIL (1 2) \"X\" ((((((((((((((((((((((((((((((((((((\"A\"))))))))))))))))))))))))))))))))))))))");
  kabar_scripted_server_send (server,
                              "* 4 FETCH (UID 10 ENVELOPE (\"\" \"\" ((\"x\" NIL NIL NIL)) (\"y\") () "
                              "((\"only\" \"three\" \"items\")) NIL NIL \"\" \"\") BODYSTRUCTURE \"nonsense\")");
  /* References without angle brackets (a broken client), echoed with the
   * field name quoted. */
  kabar_scripted_server_send (server, "* 5 FETCH (UID 11 BODY[HEADER.FIELDS (\"REFERENCES\")] {23}");
  kabar_scripted_server_send (server, "References: a@b c@d");
  kabar_scripted_server_send (server, "");
  kabar_scripted_server_send (server, ")");
  kabar_scripted_server_send (server, "a1 OK Fetch completed.");
  start_server (server);
  session = kabar_imap_test_open_scripted (server, KABAR_SECURITY_NONE);
  summaries = fetch_summaries_with (session);
  kabar_imap_test_assert_script (server);
  g_assert_cmpuint (summaries->len, ==, 5);

  summary = summary_at (summaries, 0);
  g_assert_cmpuint (summary->uid, ==, 7);
  g_assert_cmphex (summary->flags, ==, KABAR_MESSAGE_FLAG_NONE);
  g_assert_null (summary->keywords);
  g_assert_null (summary->subject);
  g_assert_null (summary->from_name);
  g_assert_null (summary->from_address);
  g_assert_null (summary->to);
  g_assert_null (summary->cc);
  g_assert_null (summary->message_id);
  g_assert_null (summary->references);
  g_assert_cmpint (summary->date, ==, 0);
  g_assert_cmpint (summary->internal_date, ==, 0);
  g_assert_cmpuint (summary->size, ==, 0);
  g_assert_false (summary->has_attachments);

  summary = summary_at (summaries, 1);
  g_assert_cmpstr (summary->subject, ==, "=?UTF-8?Q?broken");
  g_assert_cmpint (summary->date, ==, INTERNAL_DATE);
  g_assert_null (summary->from_name);
  g_assert_cmpstr (summary->from_address, ==, "ana@example.id");
  assert_addresses (summary->to, group);
  g_assert_null (summary->cc);
  g_assert_true (summary->has_attachments);

  summary = summary_at (summaries, 2);
  g_assert_cmpuint (summary->size, ==, 12);
  g_assert_null (summary->subject);
  g_assert_false (summary->has_attachments);

  summary = summary_at (summaries, 3);
  g_assert_cmpstr (summary->subject, ==, "");
  g_assert_null (summary->from_address);
  g_assert_null (summary->to);
  g_assert_false (summary->has_attachments);

  summary = summary_at (summaries, 4);
  g_assert_cmpstr (summary->references, ==, "a@b c@d");
}

static void
on_flags_changed (KabarImapSession *session,
                  KabarImapMessage *message,
                  gpointer          user_data)
{
  guint *count = user_data;

  g_assert_null (kabar_imap_summary_new (message));
  (*count)++;
}

static void
test_response_without_uid_gives_no_summary (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1] ready");
  kabar_scripted_server_expect (server, "a1 NOOP");
  kabar_scripted_server_send (server, "* 3 FETCH (FLAGS (\\Seen))");
  kabar_scripted_server_send (server, "a1 OK NOOP completed.");
  start_server (server);
  session = kabar_imap_test_open_scripted (server, KABAR_SECURITY_NONE);
  g_signal_connect (session, "flags-changed", G_CALLBACK (on_flags_changed), &count);
  kabar_imap_session_noop_async (session, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_session_command_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 1);
  kabar_imap_test_assert_script (server);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

  g_test_add_func ("/imap/summary/encoded-words-are-decoded-in-every-charset",
                   test_encoded_words_are_decoded_in_every_charset);
  g_test_add_func ("/imap/summary/recipients-become-lists-that-parse-back",
                   test_recipients_become_lists_that_parse_back);
  g_test_add_func ("/imap/summary/message-ids-and-folded-references-are-kept",
                   test_message_ids_and_folded_references_are_kept);
  g_test_add_func ("/imap/summary/attachments-are-told-from-inline-images",
                   test_attachments_are_told_from_inline_images);
  g_test_add_func ("/imap/summary/missing-or-garbage-dates-give-the-internal-date",
                   test_missing_or_garbage_dates_give_the_internal_date);
  g_test_add_func ("/imap/summary/system-flags-become-bits-and-keywords-stay-text",
                   test_system_flags_become_bits_and_keywords_stay_text);
  g_test_add_func ("/imap/summary/flags-round-trip", test_flags_round_trip);
  g_test_add_func ("/imap/summary/fetch-request-asks-for-what-the-summary-needs",
                   test_fetch_request_asks_for_what_the_summary_needs);
  g_test_add_func ("/imap/summary/malformed-responses-never-crash", test_malformed_responses_never_crash);
  g_test_add_func ("/imap/summary/response-without-uid-gives-no-summary",
                   test_response_without_uid_gives_no_summary);

  status = g_test_run ();
  g_clear_object (&shared_bed);
  g_mime_shutdown ();
  return status;
}
