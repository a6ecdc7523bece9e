/* test-smtp-client.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SMTP client against the bed's Postfix: real sends over STARTTLS and
 * implicit TLS, read back over IMAP from the recipients' INBOX and
 * compared with what was sent, part by part.
 */

#include "config.h"

#include <string.h>
#include <gmime/gmime.h>

#include "kabar-mime.h"
#include "kabar-smtp-test-client.h"
#include "kabar-test-bed.h"
#include "kabar-test-client.h"
#include "kabar-test-wait.h"

/* GMime 3.2 has no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMultipart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeTextPart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePart, g_object_unref)

#define ALICE "alice@kabar.test"
#define BOB   "bob@kabar.test"

static KabarTestBed *shared_bed;

static KabarTestBed *
get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  /* Refuse unknown users of the test domain at RCPT, as providers do:
   * Postfix asks Dovecot's LMTP whether the address exists. */
  kabar_test_bed_add_postfix_config (shared_bed,
                                     "smtpd_recipient_restrictions = reject_unverified_recipient\n"
                                     "unverified_recipient_reject_code = 550\n");
  kabar_test_bed_enable_oauth2 (shared_bed);
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_POSTFIX, &error);
  g_assert_no_error (error);
  return shared_bed;
}

static KabarSmtpClient *
connect_to (KabarTestBed     *bed,
            KabarTestBedPort  port)
{
  g_autoptr(GError) error = NULL;
  KabarSmtpClient *client;

  client = kabar_smtp_test_try_connect (KABAR_TEST_BED_HOST, kabar_test_bed_get_port (bed, port),
                                        port == KABAR_TEST_BED_PORT_SUBMISSION ? KABAR_SECURITY_STARTTLS
                                                                               : KABAR_SECURITY_IMPLICIT_TLS,
                                        kabar_test_bed_get_certificate (bed), &error);
  g_assert_no_error (error);
  g_assert_true (kabar_connection_is_tls (kabar_smtp_client_get_connection (client)));
  return client;
}

static KabarSmtpClient *
sign_in (KabarTestBed     *bed,
         KabarTestBedPort  port,
         const char       *user)
{
  KabarSmtpClient *client = connect_to (bed, port);
  g_autoptr(GError) error = NULL;

  kabar_smtp_test_try_authenticate (client, KABAR_SASL_CREDENTIAL_PASSWORD, user,
                                    kabar_test_bed_get_password (bed, user), &error);
  g_assert_no_error (error);
  return client;
}

static void
send_message (KabarSmtpClient    *client,
              const char         *from,
              const char * const *recipients,
              GBytes             *message)
{
  KabarSmtpDeliveryState state = KABAR_SMTP_DELIVERY_NOT_SENT;
  g_autoptr(GError) error = NULL;

  kabar_smtp_test_try_send (client, from, recipients, message, &state, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, KABAR_SMTP_DELIVERY_SENT);
}

/* --- reading back over IMAP ------------------------------------------------ */

static KabarTestClient *
imap_open (KabarTestBed *bed,
           const char   *user)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  KabarTestClient *imap;

  imap = kabar_test_client_connect (KABAR_TEST_BED_HOST, kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                                    KABAR_TEST_CLIENT_IMPLICIT_TLS, kabar_test_bed_get_certificate (bed), &error);
  g_assert_no_error (error);
  lines = kabar_test_client_imap (imap, &error, "LOGIN \"%s\" \"%s\"", user, kabar_test_bed_get_password (bed, user));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (g_ptr_array_index (lines, lines->len - 1), " OK"));
  return imap;
}

static guint
imap_count (KabarTestClient *imap)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = kabar_test_client_imap (imap, &error, "STATUS INBOX (MESSAGES)");
  const char *found;

  g_assert_no_error (error);
  for (guint i = 0; i < lines->len; i++)
    if ((found = strstr (g_ptr_array_index (lines, i), "(MESSAGES ")) != NULL)
      return (guint) g_ascii_strtoull (found + strlen ("(MESSAGES "), NULL, 10);
  g_assert_not_reached ();
}

/* The newest message of user's INBOX, once there are count: Postfix
 * delivers over LMTP within a second or so. */
static GBytes *
fetch_newest (KabarTestBed *bed,
              const char   *user,
              guint         count)
{
  g_autoptr(KabarTestClient) imap = imap_open (bed, user);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  g_autofree char *line = NULL;
  gint64 start = g_get_monotonic_time ();
  GBytes *raw;
  const char *brace;

  while (imap_count (imap) < count)
    {
      g_assert_cmpfloat (kabar_test_seconds_since (start), <, 30);
      g_usleep (100 * 1000);
    }
  g_ptr_array_unref (kabar_test_client_imap (imap, &error, "SELECT INBOX"));
  g_assert_no_error (error);
  kabar_test_client_send_linef (imap, &error, "f1 FETCH %u BODY.PEEK[]", count);
  g_assert_no_error (error);
  line = kabar_test_client_read_line (imap, &error);
  g_assert_no_error (error);
  brace = strrchr (line, '{');
  g_assert_nonnull (brace);
  raw = kabar_test_client_read_bytes (imap, g_ascii_strtoull (brace + 1, NULL, 10), &error);
  g_assert_no_error (error);
  rest = kabar_test_client_read_until (imap, "f1 ", &error);
  g_assert_no_error (error);
  return raw;
}

static guint
inbox_count (KabarTestBed *bed,
             const char   *user)
{
  g_autoptr(KabarTestClient) imap = imap_open (bed, user);

  return imap_count (imap);
}

/* --- comparing messages ---------------------------------------------------- */

static GMimeMessage *
parse (GBytes *raw)
{
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_byte_array (g_byte_array_append (
    g_byte_array_new (), g_bytes_get_data (raw, NULL), (guint) g_bytes_get_size (raw)));
  g_autoptr(GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, kabar_mime_get_parser_options ());

  g_assert_nonnull (message);
  return message;
}

static GBytes *
decoded_content (GMimeObject *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (part));
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  GByteArray *array;

  g_mime_data_wrapper_write_to_stream (content, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

/* Every header of sent is in received with the same value, in order (the
 * server adds Received:, Return-Path: and the like before them), and
 * every leaf part decodes to the same bytes. */
static void
assert_same_headers (GMimeObject *sent,
                     GMimeObject *received)
{
  GMimeHeaderList *sent_headers = g_mime_object_get_header_list (sent);
  GMimeHeaderList *received_headers = g_mime_object_get_header_list (received);

  for (int i = 0; i < g_mime_header_list_get_count (sent_headers); i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (sent_headers, i);
      const char *name = g_mime_header_get_name (header);
      GMimeHeader *other = g_mime_header_list_get_header (received_headers, name);

      g_assert_nonnull (other);
      g_assert_cmpstr (g_mime_header_get_value (other), ==, g_mime_header_get_value (header));
    }
}

static void
assert_same_parts (GMimeObject *sent,
                   GMimeObject *received)
{
  assert_same_headers (sent, received);
  if (GMIME_IS_MULTIPART (sent))
    {
      int n = g_mime_multipart_get_count (GMIME_MULTIPART (sent));

      g_assert_true (GMIME_IS_MULTIPART (received));
      g_assert_cmpint (g_mime_multipart_get_count (GMIME_MULTIPART (received)), ==, n);
      for (int i = 0; i < n; i++)
        assert_same_parts (g_mime_multipart_get_part (GMIME_MULTIPART (sent), i),
                           g_mime_multipart_get_part (GMIME_MULTIPART (received), i));
    }
  else
    {
      g_autoptr(GBytes) a = decoded_content (sent);
      g_autoptr(GBytes) b = NULL;

      g_assert_true (GMIME_IS_PART (received));
      b = decoded_content (received);
      g_assert_true (g_bytes_equal (a, b));
    }
}

static void
assert_same_message (GBytes *sent,
                     GBytes *received)
{
  g_autoptr(GMimeMessage) a = parse (sent);
  g_autoptr(GMimeMessage) b = parse (received);

  assert_same_headers (GMIME_OBJECT (a), GMIME_OBJECT (b));
  assert_same_parts (g_mime_message_get_mime_part (a), g_mime_message_get_mime_part (b));
}

/* A message with CRLF line ends, as it is stored after SMTP (the bare LF
 * conversion has its exact-bytes test in test-smtp-errors). */
static GBytes *
raw_message (const char *subject,
             const char *to,
             const char *body)
{
  g_autofree char *id = g_strcanon (g_strdup (subject), "abcdefghijklmnopqrstuvwxyz", '-');
  char *text = g_strdup_printf ("From: Alice <alice@kabar.test>\n"
                                "To: %s\n"
                                "Subject: %s\n"
                                "Message-ID: <%s@client.kabar.test>\n"
                                "Date: Mon, 23 Nov 2026 10:00:00 +0700\n"
                                "MIME-Version: 1.0\n"
                                "Content-Type: text/plain; charset=utf-8\n"
                                "Content-Transfer-Encoding: 8bit\n"
                                "\n"
                                "%s", to, subject, id,
                                body);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  char *crlf = g_strjoinv ("\r\n", lines);

  g_free (text);
  return g_bytes_new_take (crlf, strlen (crlf));
}

/* multipart/mixed with a text part and an attachment of size bytes,
 * built with GMime. */
static GBytes *
message_with_attachment (gsize    size,
                         GBytes **attachment)
{
  g_autoptr(GMimeMessage) message = g_mime_message_new (TRUE);
  g_autoptr(GMimeMultipart) mixed = g_mime_multipart_new_with_subtype ("mixed");
  g_autoptr(GMimeTextPart) text = g_mime_text_part_new_with_subtype ("plain");
  g_autoptr(GMimePart) file = g_mime_part_new_with_type ("application", "octet-stream");
  g_autoptr(GMimeStream) file_stream = NULL;
  g_autoptr(GMimeDataWrapper) wrapper = NULL;
  g_autoptr(GMimeStream) out = g_mime_stream_mem_new ();
  GByteArray *data = g_byte_array_sized_new ((guint) size);
  GMimeFormatOptions *format = g_mime_format_options_new ();
  GByteArray *written;
  guint32 seed = 12345;

  for (gsize i = 0; i < size; i++)
    {
      seed = seed * 1103515245 + 12345;
      g_byte_array_append (data, (const guint8 *) &seed + 2, 1);
    }
  *attachment = g_bytes_new (data->data, data->len);
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_FROM, "Alice", ALICE);
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_TO, "Bob", BOB);
  g_mime_message_set_subject (message, "Twenty megabytes", NULL);
  g_mime_text_part_set_text (text, "The file is attached.\n");
  file_stream = g_mime_stream_mem_new_with_byte_array (data);
  wrapper = g_mime_data_wrapper_new_with_stream (file_stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (file, wrapper);
  g_mime_part_set_filename (file, "data.bin");
  g_mime_part_set_content_encoding (file, GMIME_CONTENT_ENCODING_BASE64);
  g_mime_multipart_add (mixed, GMIME_OBJECT (text));
  g_mime_multipart_add (mixed, GMIME_OBJECT (file));
  g_mime_message_set_mime_part (message, GMIME_OBJECT (mixed));
  /* CRLF, as SMTP carries it and the server stores it. */
  g_mime_format_options_set_newline_format (format, GMIME_NEWLINE_FORMAT_DOS);
  g_mime_object_write_to_stream (GMIME_OBJECT (message), format, out);
  g_mime_format_options_free (format);
  written = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (out));
  return g_bytes_new (written->data, written->len);
}

/* --- tests ----------------------------------------------------------------- */

static void
test_starttls_plain_send_arrives_and_bcc_stays_hidden (void)
{
  KabarTestBed *bed = get_bed ();
  g_autoptr(KabarSmtpClient) client = sign_in (bed, KABAR_TEST_BED_PORT_SUBMISSION, ALICE);
  guint bob_before = inbox_count (bed, BOB);
  guint sink_before = inbox_count (bed, KABAR_TEST_BED_SINK);
  /* The Bcc recipient is only in the envelope: an address of another
   * domain, which the bed delivers to the sink. */
  const char *const recipients[] = { BOB, "hidden@example.org", NULL };
  g_autoptr(GBytes) sent = raw_message ("Over STARTTLS", "Bob <bob@kabar.test>",
                                        "Hello Bob.\n.A line that starts with a dot\n..and two\n");
  g_autoptr(GBytes) at_bob = NULL;
  g_autoptr(GBytes) at_sink = NULL;

  g_assert_true (kabar_smtp_client_has_capability (client, "PIPELINING"));
  g_assert_cmpstrv (kabar_smtp_client_get_auth_mechanisms (client), ((const char *const[]) { "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER", NULL }));
  send_message (client, ALICE, recipients, sent);
  kabar_smtp_test_quit (client);
  at_bob = fetch_newest (bed, BOB, bob_before + 1);
  at_sink = fetch_newest (bed, KABAR_TEST_BED_SINK, sink_before + 1);
  assert_same_message (sent, at_bob);
  assert_same_message (sent, at_sink);
  g_assert_null (g_strstr_len (g_bytes_get_data (at_bob, NULL), (gssize) g_bytes_get_size (at_bob), "hidden@"));
  g_assert_null (g_strstr_len (g_bytes_get_data (at_sink, NULL), (gssize) g_bytes_get_size (at_sink), "hidden@"));
}

static void
test_implicit_tls_8bit_and_utf8_arrive_intact (void)
{
  KabarTestBed *bed = get_bed ();
  g_autoptr(KabarSmtpClient) client = sign_in (bed, KABAR_TEST_BED_PORT_SUBMISSIONS, ALICE);
  guint before = inbox_count (bed, BOB);
  const char *const recipients[] = { BOB, NULL };
  g_autoptr(GBytes) eight_bit = raw_message ("Eight bit", "bob@kabar.test",
                                             "Terima kasih — धन्यवाद — café\n");
  g_autoptr(GBytes) utf8 = raw_message ("Héllo, नमस्ते", "Bób <bob@kabar.test>", "Salam.\n");
  g_autoptr(GBytes) received = NULL;

  g_assert_true (kabar_smtp_client_has_capability (client, "8BITMIME"));
  g_assert_true (kabar_smtp_client_has_capability (client, "SMTPUTF8"));
  send_message (client, ALICE, recipients, eight_bit);
  received = fetch_newest (bed, BOB, before + 1);
  assert_same_message (eight_bit, received);
  /* Postfix takes it with SMTPUTF8; its delivery over Dovecot 2.3's LMTP,
   * which lacks SMTPUTF8, then bounces, so only the acceptance is ours. */
  send_message (client, ALICE, recipients, utf8);
  kabar_smtp_test_quit (client);
}

static void
test_twenty_megabyte_attachment_arrives_intact (void)
{
  KabarTestBed *bed = get_bed ();
  g_autoptr(KabarSmtpClient) client = sign_in (bed, KABAR_TEST_BED_PORT_SUBMISSIONS, ALICE);
  guint before = inbox_count (bed, BOB);
  const char *const recipients[] = { BOB, NULL };
  g_autoptr(GBytes) attachment = NULL;
  g_autoptr(GBytes) sent = message_with_attachment (20 * 1024 * 1024, &attachment);
  g_autoptr(GBytes) received = NULL;
  g_autoptr(GMimeMessage) parsed = NULL;
  g_autoptr(GBytes) decoded = NULL;
  GMimeObject *file;

  send_message (client, ALICE, recipients, sent);
  kabar_smtp_test_quit (client);
  received = fetch_newest (bed, BOB, before + 1);
  parsed = parse (received);
  file = g_mime_multipart_get_part (GMIME_MULTIPART (g_mime_message_get_mime_part (parsed)), 1);
  g_assert_cmpstr (g_mime_part_get_filename (GMIME_PART (file)), ==, "data.bin");
  decoded = decoded_content (file);
  g_assert_cmpuint (g_bytes_get_size (decoded), ==, 20 * 1024 * 1024);
  g_assert_true (g_bytes_equal (decoded, attachment));
  assert_same_message (sent, received);
}

static void
test_wrong_password_is_authentication_failed (void)
{
  KabarTestBed *bed = get_bed ();
  g_autoptr(KabarSmtpClient) client = connect_to (bed, KABAR_TEST_BED_PORT_SUBMISSION);
  g_autoptr(GError) error = NULL;

  g_assert_false (kabar_smtp_test_try_authenticate (client, KABAR_SASL_CREDENTIAL_PASSWORD, ALICE, "wrong", &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_FAILED);
  g_assert_cmpuint (kabar_smtp_error_get_reply (error)->code, ==, 535);
  g_assert_false (kabar_smtp_error_is_temporary (error));
  kabar_smtp_test_quit (client);
}

static void
test_unknown_local_recipient_is_refused_by_name (void)
{
  KabarTestBed *bed = get_bed ();
  g_autoptr(KabarSmtpClient) client = sign_in (bed, KABAR_TEST_BED_PORT_SUBMISSION, ALICE);
  guint before = inbox_count (bed, BOB);
  const char *const recipients[] = { BOB, "nobody@kabar.test", NULL };
  const char *const bob_only[] = { BOB, NULL };
  g_autoptr(GBytes) sent = raw_message ("To nobody", "nobody@kabar.test", "Hello?\n");
  g_autoptr(GBytes) second = raw_message ("After the refusal", "bob@kabar.test", "Still here.\n");
  g_autoptr(GBytes) received = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *refusals;
  KabarSmtpRefusal *refusal;

  g_assert_false (kabar_smtp_test_try_send (client, ALICE, recipients, sent, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_RECIPIENT_REFUSED);
  g_assert_nonnull (strstr (error->message, "nobody@kabar.test"));
  refusals = kabar_smtp_error_get_refusals (error);
  g_assert_cmpuint (refusals->len, ==, 1);
  refusal = g_ptr_array_index (refusals, 0);
  g_assert_cmpstr (refusal->address, ==, "nobody@kabar.test");
  g_assert_cmpuint (refusal->reply->code, ==, 550);
  g_assert_nonnull (refusal->reply->enhanced);
  g_clear_object (&client);
  /* Bob got nothing: the next message is the first to arrive. */
  client = sign_in (bed, KABAR_TEST_BED_PORT_SUBMISSION, ALICE);
  send_message (client, ALICE, bob_only, second);
  kabar_smtp_test_quit (client);
  received = fetch_newest (bed, BOB, before + 1);
  assert_same_message (second, received);
  g_assert_cmpuint (inbox_count (bed, BOB), ==, before + 1);
}

static void
test_xoauth2_signs_in_and_a_bad_token_is_refused (void)
{
  KabarTestBed *bed = get_bed ();
  g_autoptr(KabarSmtpClient) client = connect_to (bed, KABAR_TEST_BED_PORT_SUBMISSIONS);
  g_autoptr(KabarSmtpClient) refused = connect_to (bed, KABAR_TEST_BED_PORT_SUBMISSIONS);
  guint before = inbox_count (bed, BOB);
  const char *const recipients[] = { BOB, NULL };
  g_autoptr(GBytes) sent = raw_message ("With a token", "bob@kabar.test", "Signed in with OAuth2.\n");
  g_autoptr(GBytes) received = NULL;
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_oauth2_token (bed, "good-token-for-alice", ALICE);
  kabar_smtp_test_try_authenticate (client, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, ALICE, "good-token-for-alice", &error);
  g_assert_no_error (error);
  send_message (client, ALICE, recipients, sent);
  kabar_smtp_test_quit (client);
  received = fetch_newest (bed, BOB, before + 1);
  assert_same_message (sent, received);

  g_assert_false (kabar_smtp_test_try_authenticate (refused, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, ALICE,
                                                    "revoked-token", &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_FAILED);
  kabar_smtp_test_quit (refused);
}

/* A bed of its own: a small SIZE limit and only LOGIN offered. */
static void
test_login_and_the_size_limit (void)
{
  g_autoptr(KabarTestBed) bed = NULL;
  g_autoptr(KabarSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *const recipients[] = { BOB, NULL };
  g_autofree char *big_body = g_strnfill (150 * 1000, 'x');
  g_autoptr(GBytes) big = raw_message ("Too big", "bob@kabar.test", big_body);
  g_autoptr(GBytes) small = raw_message ("Small enough", "bob@kabar.test", "Fits.\n");
  g_autoptr(GBytes) received = NULL;

  bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_add_postfix_config (bed, "message_size_limit = 100000\nsmtpd_sasl_mechanism_filter = login\n");
  kabar_test_bed_start (bed, KABAR_TEST_BED_POSTFIX, &error);
  g_assert_no_error (error);
  client = connect_to (bed, KABAR_TEST_BED_PORT_SUBMISSION);
  g_assert_cmpstrv (kabar_smtp_client_get_auth_mechanisms (client), ((const char *const[]) { "LOGIN", NULL }));
  g_assert_cmpuint (kabar_smtp_client_get_max_size (client), ==, 100000);
  kabar_smtp_test_try_authenticate (client, KABAR_SASL_CREDENTIAL_PASSWORD, ALICE,
                                    kabar_test_bed_get_password (bed, ALICE), &error);
  g_assert_no_error (error);

  g_assert_false (kabar_smtp_test_try_send (client, ALICE, recipients, big, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_MESSAGE_TOO_LARGE);
  /* Our own check, not the server's: nothing went out. */
  g_assert_null (kabar_smtp_error_get_reply (error));
  g_clear_error (&error);
  send_message (client, ALICE, recipients, small);
  kabar_smtp_test_quit (client);
  received = fetch_newest (bed, BOB, 1);
  assert_same_message (small, received);
}

static void
free_bed (void)
{
  g_clear_object (&shared_bed);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  kabar_mime_get_parser_options ();

  g_test_add_func ("/smtp/client/starttls-plain-send-arrives-and-bcc-stays-hidden",
                   test_starttls_plain_send_arrives_and_bcc_stays_hidden);
  g_test_add_func ("/smtp/client/implicit-tls-8bit-and-utf8-arrive-intact",
                   test_implicit_tls_8bit_and_utf8_arrive_intact);
  g_test_add_func ("/smtp/client/twenty-megabyte-attachment-arrives-intact",
                   test_twenty_megabyte_attachment_arrives_intact);
  g_test_add_func ("/smtp/client/wrong-password-is-authentication-failed", test_wrong_password_is_authentication_failed);
  g_test_add_func ("/smtp/client/unknown-local-recipient-is-refused-by-name",
                   test_unknown_local_recipient_is_refused_by_name);
  g_test_add_func ("/smtp/client/xoauth2-signs-in-and-a-bad-token-is-refused",
                   test_xoauth2_signs_in_and_a_bad_token_is_refused);
  g_test_add_func ("/smtp/client/login-and-the-size-limit", test_login_and_the_size_limit);

  status = g_test_run ();
  free_bed ();
  return status;
}
