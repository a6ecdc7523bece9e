/* test-test-bed.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test bed checked from the outside, with the line client: what a mail
 * client would see of its servers.
 */

#include "kabar-test-bed.h"
#include "kabar-test-client.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* Most tests share one bed with both servers: starting one costs little,
 * but stopping Dovecot takes about a second. */
static KabarTestBed *shared_bed;

static KabarTestBed *
get_shared_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_POSTFIX, &error);
  g_assert_no_error (error);
  return shared_bed;
}

static KabarTestBed *
new_bed (void)
{
  g_autoptr(GError) error = NULL;
  KabarTestBed *bed = kabar_test_bed_new (&error);

  g_assert_no_error (error);
  return bed;
}

/* A fresh mailbox per test keeps "message 1" meaning "the one this test
 * sent", in IMAP and POP3 alike. */
static char *
add_fresh_user (KabarTestBed *bed,
                const char   *local_part)
{
  char *address = g_strdup_printf ("%s@" KABAR_TEST_BED_DOMAIN, local_part);

  kabar_test_bed_add_user (bed, address, "fresh-password");
  return address;
}

static char *
unique_subject (const char *what)
{
  return g_strdup_printf ("%s %08x", what, g_random_int ());
}

static KabarTestClient *
connect_to (KabarTestBed            *bed,
            KabarTestBedPort         port,
            KabarTestClientSecurity  security)
{
  g_autoptr(GError) error = NULL;
  KabarTestClient *client;

  client = kabar_test_client_connect (KABAR_TEST_BED_HOST, kabar_test_bed_get_port (bed, port),
                                      security, kabar_test_bed_get_certificate (bed), &error);
  g_assert_no_error (error);
  return client;
}

/* --- IMAP helpers -------------------------------------------------------------- */

static const char *
last_line (GPtrArray *lines)
{
  return g_ptr_array_index (lines, lines->len - 1);
}

static void
assert_tagged (GPtrArray  *lines,
               const char *status)
{
  const char *line = last_line (lines);
  const char *space = strchr (line, ' ');

  g_assert_nonnull (space);
  if (!g_str_has_prefix (space + 1, status))
    g_error ("Expected %s, the server said: %s", status, line);
}

static GPtrArray *
imap (KabarTestClient *client,
      const char      *command)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *lines = kabar_test_client_imap (client, &error, "%s", command);

  g_assert_no_error (error);
  return lines;
}

static void
imap_ok (KabarTestClient *client,
         const char      *command)
{
  g_autoptr(GPtrArray) lines = imap (client, command);

  assert_tagged (lines, "OK");
}

static KabarTestClient *
imap_login (KabarTestBed            *bed,
            KabarTestBedPort         port,
            KabarTestClientSecurity  security,
            const char              *address)
{
  KabarTestClient *client = connect_to (bed, port, security);
  g_autofree char *login = NULL;

  g_assert_true (g_str_has_prefix (kabar_test_client_get_greeting (client), "* OK "));
  login = g_strdup_printf ("LOGIN \"%s\" \"%s\"", address, kabar_test_bed_get_password (bed, address));
  imap_ok (client, login);
  return client;
}

static const char *
find_line (GPtrArray  *lines,
           const char *prefix)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (lines, i), prefix))
      return g_ptr_array_index (lines, i);
  return NULL;
}

static GStrv
imap_capabilities (KabarTestClient *client)
{
  g_autoptr(GPtrArray) lines = imap (client, "CAPABILITY");
  const char *line = find_line (lines, "* CAPABILITY ");

  assert_tagged (lines, "OK");
  g_assert_nonnull (line);
  return g_strsplit (line + strlen ("* CAPABILITY "), " ", -1);
}

/* Polls a search: mail sent through Postfix arrives a little later. */
static guint
imap_wait_for_subject (KabarTestClient *client,
                       const char      *subject)
{
  g_autofree char *search = g_strdup_printf ("UID SEARCH SUBJECT \"%s\"", subject);
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GPtrArray) lines = NULL;
      const char *found;

      imap_ok (client, "NOOP");
      lines = imap (client, search);
      assert_tagged (lines, "OK");
      found = find_line (lines, "* SEARCH ");
      if (found != NULL)
        return (guint) g_ascii_strtoull (found + strlen ("* SEARCH "), NULL, 10);
      g_usleep (20 * 1000);
    }
  g_error ("No message with subject \"%s\" arrived", subject);
}

/* One section of one message, byte for byte: it comes as a literal. */
static GBytes *
imap_fetch_section (KabarTestClient *client,
                    guint            uid,
                    const char      *section)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  GBytes *bytes;
  const char *brace;

  kabar_test_client_send_linef (client, &error, "f1 UID FETCH %u (BODY.PEEK[%s])", uid, section);
  g_assert_no_error (error);
  header = kabar_test_client_read_line (client, &error);
  g_assert_no_error (error);
  brace = strrchr (header, '{');
  if (!g_str_has_prefix (header, "* ") || brace == NULL)
    g_error ("Expected a FETCH with a literal, got: %s", header);
  bytes = kabar_test_client_read_bytes (client, g_ascii_strtoull (brace + 1, NULL, 10), &error);
  g_assert_no_error (error);
  rest = kabar_test_client_read_until (client, "f1 ", &error);
  g_assert_no_error (error);
  assert_tagged (rest, "OK");
  return bytes;
}

static void
assert_bytes_equal_string (GBytes     *bytes,
                           const char *expected)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  g_assert_cmpstr (text, ==, expected);
}

/* --- SMTP and POP3 helpers ----------------------------------------------------- */

static GStrv
smtp (KabarTestClient *client,
      const char      *command,
      guint            expected_code)
{
  g_autoptr(GError) error = NULL;
  GStrv reply;
  guint code = 0;

  kabar_test_client_send_line (client, command, &error);
  g_assert_no_error (error);
  reply = kabar_test_client_read_smtp_reply (client, &code, &error);
  g_assert_no_error (error);
  if (code != expected_code)
    g_error ("\"%s\": expected %u, the server said %u %s", command, expected_code, code, reply[0]);
  return reply;
}

static void
smtp_step (KabarTestClient *client,
           const char      *command,
           guint            expected_code)
{
  g_auto(GStrv) reply = smtp (client, command, expected_code);
}

static gboolean
has_line_starting (const char *const *lines,
                   const char        *prefix)
{
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return TRUE;
  return FALSE;
}

static char *
auth_plain_command (KabarTestBed *bed,
                    const char   *address,
                    const char   *password)
{
  g_autoptr(GString) credentials = g_string_new (NULL);
  g_autofree char *encoded = NULL;

  g_string_append_c (credentials, '\0');
  g_string_append (credentials, address);
  g_string_append_c (credentials, '\0');
  g_string_append (credentials, password);
  encoded = g_base64_encode ((const guchar *) credentials->str, credentials->len);
  return g_strdup_printf ("AUTH PLAIN %s", encoded);
}

/* A body with a line that SMTP must dot-stuff and the server unstuff. */
static char *
message_body (void)
{
  return g_strdup ("Hello from the test bed.\r\n.A line that starts with a dot.\r\n\r\nBye.\r\n");
}

static char *
compose (const char *from,
         const char *to,
         const char *subject,
         const char *body)
{
  return g_strdup_printf ("From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
                          "Message-ID: <%08x@test.kabar.test>\r\n\r\n%s",
                          from, to, subject, g_random_int (), body);
}

static void
smtp_send_data (KabarTestClient *client,
                const char      *message)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = g_strsplit (message, "\r\n", -1);
  g_autoptr(GString) stuffed = g_string_new (NULL);
  g_auto(GStrv) reply = NULL;
  guint code = 0;

  /* The split leaves an empty last element after the final CRLF. */
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    g_string_append_printf (stuffed, "%s%s\r\n", lines[i][0] == '.' ? "." : "", lines[i]);
  g_string_append (stuffed, ".\r\n");
  kabar_test_client_send_data (client, stuffed->str, stuffed->len, &error);
  g_assert_no_error (error);
  reply = kabar_test_client_read_smtp_reply (client, &code, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (code, ==, 250);
}

/* Over a submission port: AUTH PLAIN as from, then one message. */
static void
submit (KabarTestBed            *bed,
        KabarTestBedPort         port,
        KabarTestClientSecurity  security,
        const char              *from,
        const char              *to,
        const char              *message)
{
  g_autoptr(KabarTestClient) client = connect_to (bed, port, security);
  g_autofree char *auth = auth_plain_command (bed, from, kabar_test_bed_get_password (bed, from));
  g_autofree char *mail_from = g_strdup_printf ("MAIL FROM:<%s>", from);
  g_autofree char *rcpt_to = g_strdup_printf ("RCPT TO:<%s>", to);

  /* After STARTTLS too: what was said before TLS no longer counts. */
  smtp_step (client, "EHLO client.kabar.test", 250);
  smtp_step (client, auth, 235);
  smtp_step (client, mail_from, 250);
  smtp_step (client, rcpt_to, 250);
  smtp_step (client, "DATA", 354);
  smtp_send_data (client, message);
  smtp_step (client, "QUIT", 221);
}

static KabarTestClient *
pop3_login (KabarTestBed            *bed,
            KabarTestBedPort         port,
            KabarTestClientSecurity  security,
            const char              *address,
            const char              *password,
            char                   **pass_reply)
{
  g_autoptr(GError) error = NULL;
  KabarTestClient *client = connect_to (bed, port, security);

  g_assert_true (g_str_has_prefix (kabar_test_client_get_greeting (client), "+OK"));
  kabar_test_client_send_linef (client, &error, "USER %s", address);
  g_assert_no_error (error);
  g_free (kabar_test_client_read_line (client, &error));
  g_assert_no_error (error);
  kabar_test_client_send_linef (client, &error, "PASS %s", password);
  g_assert_no_error (error);
  *pass_reply = kabar_test_client_read_line (client, &error);
  g_assert_no_error (error);
  return client;
}

/* RETR's multi-line answer, unstuffed, with CRLF line ends. */
static char *
pop3_retrieve (KabarTestClient *client,
               guint            number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) message = g_string_new (NULL);
  g_autofree char *status = NULL;

  kabar_test_client_send_linef (client, &error, "RETR %u", number);
  g_assert_no_error (error);
  status = kabar_test_client_read_line (client, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (status, "+OK"));
  for (;;)
    {
      g_autofree char *line = kabar_test_client_read_line (client, &error);

      g_assert_no_error (error);
      if (strcmp (line, ".") == 0)
        return g_string_free (g_steal_pointer (&message), FALSE);
      g_string_append_printf (message, "%s\r\n", line[0] == '.' ? line + 1 : line);
    }
}

static void
assert_pop3_has_message (KabarTestBed *bed,
                         const char   *address,
                         const char   *subject,
                         const char   *body)
{
  g_autofree char *pass_reply = NULL;
  g_autoptr(KabarTestClient) client = NULL;
  g_autofree char *message = NULL;
  g_autofree char *subject_line = g_strdup_printf ("\r\nSubject: %s\r\n", subject);
  const char *separator;

  client = pop3_login (bed, KABAR_TEST_BED_PORT_POP3S, KABAR_TEST_CLIENT_IMPLICIT_TLS,
                       address, kabar_test_bed_get_password (bed, address), &pass_reply);
  g_assert_true (g_str_has_prefix (pass_reply, "+OK"));
  message = pop3_retrieve (client, 1);
  separator = strstr (message, "\r\n\r\n");
  g_assert_nonnull (separator);
  g_assert_nonnull (g_strstr_len (message, separator - message + 2, subject_line));
  g_assert_cmpstr (separator + 4, ==, body);
}

static void
assert_imap_has_message (KabarTestBed *bed,
                         const char   *address,
                         const char   *subject,
                         const char   *body)
{
  g_autoptr(KabarTestClient) client = NULL;
  g_autoptr(GBytes) text = NULL;
  g_autoptr(GBytes) subject_field = NULL;
  g_autofree char *expected_subject = g_strdup_printf ("Subject: %s\r\n\r\n", subject);
  guint uid;

  client = imap_login (bed, KABAR_TEST_BED_PORT_IMAPS, KABAR_TEST_CLIENT_IMPLICIT_TLS, address);
  imap_ok (client, "SELECT INBOX");
  uid = imap_wait_for_subject (client, subject);
  text = imap_fetch_section (client, uid, "TEXT");
  assert_bytes_equal_string (text, body);
  subject_field = imap_fetch_section (client, uid, "HEADER.FIELDS (SUBJECT)");
  assert_bytes_equal_string (subject_field, expected_subject);
}

/* --- Dovecot ------------------------------------------------------------------- */

static void
assert_imap_comes_up (KabarTestBedPort        port,
                      KabarTestClientSecurity security)
{
  KabarTestBed *bed = get_shared_bed ();
  g_autoptr(KabarTestClient) client = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  client = imap_login (bed, port, security, "alice@" KABAR_TEST_BED_DOMAIN);
  g_assert_true (kabar_test_client_is_tls (client));
  lines = imap (client, "LIST \"\" \"*\"");
  assert_tagged (lines, "OK");
  g_assert_nonnull (find_line (lines, "* LIST (\\HasNoChildren) \"/\" INBOX"));
  g_assert_nonnull (find_line (lines, "* LIST (\\HasNoChildren \\Sent) \"/\" Sent"));
  imap_ok (client, "LOGOUT");
}

static void
test_imap_starttls_and_implicit_tls_come_up (void)
{
  assert_imap_comes_up (KABAR_TEST_BED_PORT_IMAP, KABAR_TEST_CLIENT_STARTTLS_IMAP);
  assert_imap_comes_up (KABAR_TEST_BED_PORT_IMAPS, KABAR_TEST_CLIENT_IMPLICIT_TLS);
}

static void
test_pop3_stls_and_implicit_tls_log_in (void)
{
  KabarTestBed *bed = get_shared_bed ();
  const char *address = "bob@" KABAR_TEST_BED_DOMAIN;
  const char *password = kabar_test_bed_get_password (bed, address);
  g_autofree char *reply_stls = NULL;
  g_autofree char *reply_implicit = NULL;
  g_autoptr(KabarTestClient) stls = NULL;
  g_autoptr(KabarTestClient) implicit = NULL;

  stls = pop3_login (bed, KABAR_TEST_BED_PORT_POP3, KABAR_TEST_CLIENT_STARTTLS_POP3,
                     address, password, &reply_stls);
  g_assert_true (kabar_test_client_is_tls (stls));
  g_assert_cmpstr (reply_stls, ==, "+OK Logged in.");
  implicit = pop3_login (bed, KABAR_TEST_BED_PORT_POP3S, KABAR_TEST_CLIENT_IMPLICIT_TLS,
                         address, password, &reply_implicit);
  g_assert_true (kabar_test_client_is_tls (implicit));
  g_assert_cmpstr (reply_implicit, ==, "+OK Logged in.");
}

static void
test_lmtp_answers_lhlo (void)
{
  KabarTestBed *bed = get_shared_bed ();
  g_autoptr(KabarTestClient) client = connect_to (bed, KABAR_TEST_BED_PORT_LMTP, KABAR_TEST_CLIENT_PLAIN);
  g_auto(GStrv) reply = NULL;

  g_assert_true (g_str_has_prefix (kabar_test_client_get_greeting (client), "220 "));
  reply = smtp (client, "LHLO client.kabar.test", 250);
  g_assert_true (has_line_starting ((const char *const *) reply, "PIPELINING"));
}

static void
test_wrong_password_is_refused (void)
{
  KabarTestBed *bed = get_shared_bed ();
  g_autoptr(KabarTestClient) imap_client = connect_to (bed, KABAR_TEST_BED_PORT_IMAPS,
                                                       KABAR_TEST_CLIENT_IMPLICIT_TLS);
  g_autoptr(KabarTestClient) pop3_client = NULL;
  g_autoptr(KabarTestClient) smtp_client = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *pop3_reply = NULL;
  g_autofree char *auth = auth_plain_command (bed, "alice@" KABAR_TEST_BED_DOMAIN, "wrong");
  g_auto(GStrv) smtp_reply = NULL;

  lines = imap (imap_client, "LOGIN alice@" KABAR_TEST_BED_DOMAIN " wrong");
  assert_tagged (lines, "NO [AUTHENTICATIONFAILED]");

  pop3_client = pop3_login (bed, KABAR_TEST_BED_PORT_POP3S, KABAR_TEST_CLIENT_IMPLICIT_TLS,
                            "alice@" KABAR_TEST_BED_DOMAIN, "wrong", &pop3_reply);
  g_assert_true (g_str_has_prefix (pop3_reply, "-ERR"));

  smtp_client = connect_to (bed, KABAR_TEST_BED_PORT_SUBMISSION, KABAR_TEST_CLIENT_STARTTLS_SMTP);
  smtp_step (smtp_client, "EHLO client.kabar.test", 250);
  smtp_reply = smtp (smtp_client, auth, 535);
}

static void
test_dropped_capabilities_are_gone (void)
{
  const char *dropped[] = { "CONDSTORE", "QRESYNC", "MOVE", "IDLE", "SPECIAL-USE", NULL };
  g_autoptr(KabarTestBed) bed = new_bed ();
  g_autoptr(KabarTestClient) full_client = NULL;
  g_autoptr(KabarTestClient) reduced_client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_auto(GStrv) full = NULL;
  g_auto(GStrv) reduced = NULL;
  const char *const *defaults = kabar_test_bed_get_default_imap_capabilities ();

  for (guint i = 0; dropped[i] != NULL; i++)
    kabar_test_bed_drop_imap_capability (bed, dropped[i]);
  kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);

  /* The untouched server advertises exactly the bed's default list. */
  full_client = imap_login (get_shared_bed (), KABAR_TEST_BED_PORT_IMAPS,
                            KABAR_TEST_CLIENT_IMPLICIT_TLS, "alice@" KABAR_TEST_BED_DOMAIN);
  full = imap_capabilities (full_client);
  g_assert_cmpuint (g_strv_length (full), ==, g_strv_length ((GStrv) defaults));
  for (guint i = 0; defaults[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char *const *) full, defaults[i]));

  reduced_client = connect_to (bed, KABAR_TEST_BED_PORT_IMAPS, KABAR_TEST_CLIENT_IMPLICIT_TLS);
  g_assert_null (strstr (kabar_test_client_get_greeting (reduced_client), "IDLE"));
  imap_ok (reduced_client, "LOGIN alice@" KABAR_TEST_BED_DOMAIN " alice-password");
  reduced = imap_capabilities (reduced_client);
  for (guint i = 0; full[i] != NULL; i++)
    {
      gboolean was_dropped = g_strv_contains (dropped, full[i]);

      if (g_strv_contains ((const char *const *) reduced, full[i]) == was_dropped)
        g_error ("%s is %s after dropping it", full[i], was_dropped ? "still advertised" : "gone");
    }
  g_assert_cmpuint (g_strv_length (reduced), ==, g_strv_length (full) - g_strv_length ((GStrv) dropped));

  /* Without SPECIAL-USE the folders lose their markers too. */
  list = imap (reduced_client, "LIST \"\" \"Sent\"");
  g_assert_nonnull (find_line (list, "* LIST (\\HasNoChildren) \"/\" Sent"));
}

/* --- Postfix ------------------------------------------------------------------- */

static void
test_submission_offers_auth_only_after_starttls (void)
{
  KabarTestBed *bed = get_shared_bed ();
  g_autoptr(KabarTestClient) client = connect_to (bed, KABAR_TEST_BED_PORT_SUBMISSION,
                                                  KABAR_TEST_CLIENT_PLAIN);
  g_autofree char *auth = auth_plain_command (bed, "alice@" KABAR_TEST_BED_DOMAIN, "alice-password");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) refused = NULL;
  g_auto(GStrv) after = NULL;

  g_assert_true (g_str_has_prefix (kabar_test_client_get_greeting (client), "220 "));
  before = smtp (client, "EHLO client.kabar.test", 250);
  g_assert_true (has_line_starting ((const char *const *) before, "STARTTLS"));
  g_assert_false (has_line_starting ((const char *const *) before, "AUTH"));
  refused = smtp (client, auth, 530);

  kabar_test_client_starttls (client, KABAR_TEST_CLIENT_STARTTLS_SMTP, &error);
  g_assert_no_error (error);
  after = smtp (client, "EHLO client.kabar.test", 250);
  g_assert_true (has_line_starting ((const char *const *) after, "AUTH PLAIN"));
  smtp_step (client, auth, 235);
}

static void
assert_submission_delivers (KabarTestBedPort        port,
                            KabarTestClientSecurity security,
                            const char             *recipient_local_part)
{
  KabarTestBed *bed = get_shared_bed ();
  g_autofree char *to = add_fresh_user (bed, recipient_local_part);
  g_autofree char *subject = unique_subject ("Submitted");
  g_autofree char *body = message_body ();
  g_autofree char *message = compose ("alice@" KABAR_TEST_BED_DOMAIN, to, subject, body);

  submit (bed, port, security, "alice@" KABAR_TEST_BED_DOMAIN, to, message);
  assert_imap_has_message (bed, to, subject, body);
  assert_pop3_has_message (bed, to, subject, body);
}

static void
test_submission_with_starttls_delivers_to_imap_and_pop3 (void)
{
  assert_submission_delivers (KABAR_TEST_BED_PORT_SUBMISSION, KABAR_TEST_CLIENT_STARTTLS_SMTP, "carol");
}

static void
test_implicit_tls_submission_delivers_to_imap_and_pop3 (void)
{
  assert_submission_delivers (KABAR_TEST_BED_PORT_SUBMISSIONS, KABAR_TEST_CLIENT_IMPLICIT_TLS, "dave");
}

static void
test_outside_domain_lands_in_sink (void)
{
  KabarTestBed *bed = get_shared_bed ();
  g_autofree char *subject = unique_subject ("To the internet");
  g_autofree char *body = message_body ();
  g_autofree char *message = compose ("alice@" KABAR_TEST_BED_DOMAIN, "someone@example.org", subject, body);
  g_autoptr(KabarTestClient) client = NULL;
  g_autoptr(GBytes) to_field = NULL;
  guint uid;

  submit (bed, KABAR_TEST_BED_PORT_SUBMISSION, KABAR_TEST_CLIENT_STARTTLS_SMTP,
          "alice@" KABAR_TEST_BED_DOMAIN, "someone@example.org", message);
  client = imap_login (bed, KABAR_TEST_BED_PORT_IMAPS, KABAR_TEST_CLIENT_IMPLICIT_TLS, KABAR_TEST_BED_SINK);
  imap_ok (client, "SELECT INBOX");
  uid = imap_wait_for_subject (client, subject);
  /* Only the envelope was rewritten. */
  to_field = imap_fetch_section (client, uid, "HEADER.FIELDS (TO)");
  assert_bytes_equal_string (to_field, "To: <someone@example.org>\r\n\r\n");
}

static void
test_submission_refuses_relay_without_auth (void)
{
  KabarTestBed *bed = get_shared_bed ();
  g_autoptr(KabarTestClient) client = connect_to (bed, KABAR_TEST_BED_PORT_SUBMISSION,
                                                  KABAR_TEST_CLIENT_STARTTLS_SMTP);

  smtp_step (client, "EHLO client.kabar.test", 250);
  smtp_step (client, "MAIL FROM:<alice@" KABAR_TEST_BED_DOMAIN ">", 250);
  smtp_step (client, "RCPT TO:<someone@example.org>", 554);
}

static void
test_mx_port_accepts_only_the_test_domain (void)
{
  KabarTestBed *bed = get_shared_bed ();
  g_autoptr(KabarTestClient) client = connect_to (bed, KABAR_TEST_BED_PORT_MX, KABAR_TEST_CLIENT_PLAIN);
  g_auto(GStrv) ehlo = NULL;

  ehlo = smtp (client, "EHLO mail.example.org", 250);
  g_assert_false (has_line_starting ((const char *const *) ehlo, "AUTH"));
  smtp_step (client, "MAIL FROM:<someone@example.org>", 250);
  smtp_step (client, "RCPT TO:<someone.else@example.net>", 554);
  smtp_step (client, "RCPT TO:<bob@" KABAR_TEST_BED_DOMAIN ">", 250);
  smtp_step (client, "RSET", 250);
}

/* --- Helpers of the bed --------------------------------------------------------- */

static void
test_deliver_returns_once_the_message_is_in_the_mailbox (void)
{
  KabarTestBed *bed = get_shared_bed ();
  g_autofree char *to = add_fresh_user (bed, "erin");
  g_autofree char *subject = unique_subject ("Delivered");
  g_autofree char *body = message_body ();
  g_autofree char *message = compose ("someone@example.org", to, subject, body);
  g_autoptr(GBytes) raw = g_bytes_new (message, strlen (message));
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarTestClient) client = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GBytes) text = NULL;

  kabar_test_bed_deliver (bed, "someone@example.org", to, raw, &error);
  g_assert_no_error (error);

  /* No polling: it is there already. */
  client = imap_login (bed, KABAR_TEST_BED_PORT_IMAPS, KABAR_TEST_CLIENT_IMPLICIT_TLS, to);
  lines = imap (client, "SELECT INBOX");
  g_assert_nonnull (find_line (lines, "* 1 EXISTS"));
  text = imap_fetch_section (client, 1, "TEXT");
  assert_bytes_equal_string (text, body);

  /* And a failure says why. */
  kabar_test_bed_deliver (bed, "someone@example.org", "no-such-user@" KABAR_TEST_BED_DOMAIN, raw, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "status=bounced"));
}

static void
test_fill_folder_is_listed_with_its_count (void)
{
  KabarTestBed *bed = get_shared_bed ();
  g_autofree char *address = add_fresh_user (bed, "frank");
  g_autoptr(KabarTestClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) lsub = NULL;
  g_autoptr(GPtrArray) status = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) last = NULL;
  gint64 started;

  /* Logged in first: a session that is already open must see the folder. */
  client = imap_login (bed, KABAR_TEST_BED_PORT_IMAPS, KABAR_TEST_CLIENT_IMPLICIT_TLS, address);
  imap_ok (client, "LIST \"\" \"*\"");

  started = g_get_monotonic_time ();
  kabar_test_bed_fill_folder (bed, address, "Lists/Bulk", 2000, &error);
  g_assert_no_error (error);
  g_test_message ("2,000 messages written in %.3f s",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);

  list = imap (client, "LIST \"\" \"*\"");
  g_assert_nonnull (find_line (list, "* LIST (\\HasNoChildren) \"/\" Lists/Bulk"));
  lsub = imap (client, "LSUB \"\" \"*\"");
  g_assert_nonnull (find_line (lsub, "* LSUB () \"/\" Lists/Bulk"));
  status = imap (client, "STATUS \"Lists/Bulk\" (MESSAGES UNSEEN)");
  g_assert_nonnull (find_line (status, "* STATUS Lists/Bulk (MESSAGES 2000 UNSEEN 2000)"));

  /* UIDs follow the order of writing. */
  imap_ok (client, "SELECT \"Lists/Bulk\"");
  first = imap_fetch_section (client, 1, "HEADER.FIELDS (SUBJECT)");
  assert_bytes_equal_string (first, "Subject: Message 1\r\n\r\n");
  last = imap_fetch_section (client, 2000, "HEADER.FIELDS (SUBJECT)");
  assert_bytes_equal_string (last, "Subject: Message 2000\r\n\r\n");
}

static void
test_add_message_flags_show_in_fetch (void)
{
  KabarTestBed *bed = get_shared_bed ();
  g_autofree char *address = add_fresh_user (bed, "grace");
  const char *raw_text = "From: <a@example.org>\r\nSubject: Flagged\r\n\r\nBody\r\n";
  g_autoptr(GBytes) raw = g_bytes_new_static (raw_text, strlen (raw_text));
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (1700000000);
  g_autofree char *internal_date = g_date_time_format (when, "INTERNALDATE \"%d-%b-%Y %H:%M:%S %z\"");
  g_autoptr(KabarTestClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fetch = NULL;
  g_autoptr(GBytes) whole = NULL;
  const char *flagged, *plain;

  kabar_test_bed_add_message (bed, address, "INBOX", raw, "FS", 1700000000, &error);
  g_assert_no_error (error);
  kabar_test_bed_add_message (bed, address, "INBOX", raw, "", 1700000000, &error);
  g_assert_no_error (error);

  client = imap_login (bed, KABAR_TEST_BED_PORT_IMAPS, KABAR_TEST_CLIENT_IMPLICIT_TLS, address);
  imap_ok (client, "SELECT INBOX");
  fetch = imap (client, "UID FETCH 1:2 (FLAGS INTERNALDATE)");
  assert_tagged (fetch, "OK");
  flagged = find_line (fetch, "* 1 FETCH ");
  plain = find_line (fetch, "* 2 FETCH ");
  g_assert_nonnull (flagged);
  g_assert_nonnull (plain);
  g_assert_nonnull (strstr (flagged, "\\Flagged"));
  g_assert_nonnull (strstr (flagged, "\\Seen"));
  g_assert_null (strstr (plain, "\\Flagged"));
  g_assert_null (strstr (plain, "\\Seen"));
  g_assert_nonnull (strstr (flagged, internal_date));

  whole = imap_fetch_section (client, 1, "");
  assert_bytes_equal_string (whole, raw_text);
}

static void
test_folders_filled_before_start_are_listed_and_subscribed (void)
{
  g_autoptr(KabarTestBed) bed = new_bed ();
  g_autoptr(KabarTestClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lsub = NULL;
  g_autoptr(GPtrArray) status = NULL;

  kabar_test_bed_fill_folder (bed, "alice@" KABAR_TEST_BED_DOMAIN, "Before/Start", 10, &error);
  g_assert_no_error (error);
  kabar_test_bed_fill_folder (bed, "alice@" KABAR_TEST_BED_DOMAIN, "INBOX", 3, &error);
  g_assert_no_error (error);
  kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);

  client = imap_login (bed, KABAR_TEST_BED_PORT_IMAP, KABAR_TEST_CLIENT_STARTTLS_IMAP,
                       "alice@" KABAR_TEST_BED_DOMAIN);
  lsub = imap (client, "LSUB \"\" \"*\"");
  g_assert_nonnull (find_line (lsub, "* LSUB () \"/\" Before/Start"));
  status = imap (client, "STATUS \"Before/Start\" (MESSAGES)");
  g_assert_nonnull (find_line (status, "* STATUS Before/Start (MESSAGES 10)"));
  g_clear_pointer (&status, g_ptr_array_unref);
  status = imap (client, "STATUS INBOX (MESSAGES)");
  g_assert_nonnull (find_line (status, "* STATUS INBOX (MESSAGES 3)"));
}

/* --- Starting and stopping ------------------------------------------------------ */

static gboolean
pid_alive (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *after_name;

  /* A zombie is dead, only not yet reaped (by init, for orphans). */
  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  after_name = strrchr (stat, ')');
  return after_name != NULL && after_name[2] != 'Z' && after_name[2] != 'X';
}

static void
assert_connection_refused (guint16 port)
{
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_to_host (socket_client, KABAR_TEST_BED_HOST, port, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

/* A terminal's Ctrl+C goes to its whole foreground process group. A server
 * in the test's (or the demo's) group would die under the bed, which then
 * could not stop the rest in order: a Postfix master was left running so. */
static void
test_servers_are_out_of_reach_of_a_terminal_interrupt (void)
{
  g_autoptr(KabarTestBed) bed = new_bed ();
  g_autoptr(GArray) pids = NULL;
  g_autoptr(GError) error = NULL;

  kabar_test_bed_start (bed, KABAR_TEST_BED_POSTFIX, &error);
  g_assert_no_error (error);

  pids = kabar_test_bed_list_pids (bed);
  g_assert_cmpuint (pids->len, >=, 2);
  for (guint i = 0; i < pids->len; i++)
    {
      int pid = g_array_index (pids, int, i);

      if (getpgid (pid) == getpgrp ())
        g_error ("Process %d of the bed is in the test's process group", pid);
    }
}

static void
test_stop_frees_the_ports_and_leaves_no_process (void)
{
  g_autoptr(KabarTestBed) bed = new_bed ();
  g_autoptr(KabarTestClient) imap_client = NULL;
  g_autoptr(KabarTestClient) smtp_client = NULL;
  g_autoptr(GArray) pids = NULL;
  g_autoptr(GError) error = NULL;
  guint16 ports[KABAR_TEST_BED_N_PORTS];
  gint64 started;

  started = g_get_monotonic_time ();
  kabar_test_bed_start (bed, KABAR_TEST_BED_POSTFIX, &error);
  g_assert_no_error (error);
  g_test_message ("Dovecot and Postfix started in %.3f s",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);

  /* Open sessions, so that there are login, imap and smtpd processes. */
  imap_client = imap_login (bed, KABAR_TEST_BED_PORT_IMAPS, KABAR_TEST_CLIENT_IMPLICIT_TLS,
                            "alice@" KABAR_TEST_BED_DOMAIN);
  smtp_client = connect_to (bed, KABAR_TEST_BED_PORT_SUBMISSIONS, KABAR_TEST_CLIENT_IMPLICIT_TLS);
  for (guint i = 0; i < KABAR_TEST_BED_N_PORTS; i++)
    {
      ports[i] = kabar_test_bed_get_port (bed, i);
      g_assert_cmpuint (ports[i], !=, 0);
    }
  pids = kabar_test_bed_list_pids (bed);
  /* At least both masters, Dovecot's log, config and anvil, Postfix's qmgr,
   * pickup and smtpd. */
  g_assert_cmpuint (pids->len, >=, 8);

  started = g_get_monotonic_time ();
  kabar_test_bed_stop (bed);
  g_test_message ("Stopped in %.3f s", (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);

  g_assert_false (kabar_test_bed_is_running (bed, KABAR_TEST_BED_DOVECOT));
  g_assert_false (kabar_test_bed_is_running (bed, KABAR_TEST_BED_POSTFIX));
  for (guint i = 0; i < KABAR_TEST_BED_N_PORTS; i++)
    assert_connection_refused (ports[i]);
  for (guint i = 0; i < pids->len; i++)
    if (pid_alive (g_array_index (pids, int, i)))
      g_error ("Process %d of the bed is still running", g_array_index (pids, int, i));
}

static void
test_dovecot_config_error_names_dovecot (void)
{
  g_autoptr(KabarTestBed) bed = new_bed ();
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_dovecot_config (bed, "no_such_setting = 1");
  g_assert_false (kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Dovecot did not start"));
  g_assert_nonnull (strstr (error->message, "Unknown setting: no_such_setting"));
  g_assert_false (kabar_test_bed_is_running (bed, KABAR_TEST_BED_DOVECOT));
}

/* A port of ours that the bed is told to use. */
static GSocket *
occupy_port (guint16 *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new_from_string (KABAR_TEST_BED_HOST, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return g_steal_pointer (&socket);
}

static void
test_dovecot_port_clash_names_dovecot (void)
{
  g_autoptr(KabarTestBed) bed = new_bed ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) occupied = NULL;
  g_autofree char *port_text = NULL;
  guint16 port;

  occupied = occupy_port (&port);
  kabar_test_bed_set_port (bed, KABAR_TEST_BED_PORT_POP3, port);
  g_assert_false (kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Dovecot did not start"));
  /* Dovecot's own words, from its log. */
  port_text = g_strdup_printf ("listen(127.0.0.1, %u) failed: Address already in use", port);
  g_assert_nonnull (strstr (error->message, port_text));
}

static void
test_postfix_port_clash_names_postfix (void)
{
  g_autoptr(KabarTestBed) bed = new_bed ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) occupied = NULL;
  g_autofree char *port_text = NULL;
  guint16 port;

  occupied = occupy_port (&port);
  kabar_test_bed_set_port (bed, KABAR_TEST_BED_PORT_SUBMISSION, port);
  g_assert_false (kabar_test_bed_start (bed, KABAR_TEST_BED_POSTFIX, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Postfix did not start"));
  port_text = g_strdup_printf ("port %u (submission) is already in use", port);
  g_assert_nonnull (strstr (error->message, port_text));
  g_assert_false (kabar_test_bed_is_running (bed, KABAR_TEST_BED_POSTFIX));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bed/dovecot/imap-starttls-and-implicit-tls-come-up",
                   test_imap_starttls_and_implicit_tls_come_up);
  g_test_add_func ("/bed/dovecot/pop3-stls-and-implicit-tls-log-in",
                   test_pop3_stls_and_implicit_tls_log_in);
  g_test_add_func ("/bed/dovecot/lmtp-answers-lhlo", test_lmtp_answers_lhlo);
  g_test_add_func ("/bed/dovecot/wrong-password-is-refused-by-imap-pop3-and-smtp",
                   test_wrong_password_is_refused);
  g_test_add_func ("/bed/dovecot/dropped-capabilities-are-gone-and-the-rest-remain",
                   test_dropped_capabilities_are_gone);
  g_test_add_func ("/bed/postfix/submission-offers-auth-only-after-starttls",
                   test_submission_offers_auth_only_after_starttls);
  g_test_add_func ("/bed/postfix/submission-with-starttls-delivers-to-imap-and-pop3",
                   test_submission_with_starttls_delivers_to_imap_and_pop3);
  g_test_add_func ("/bed/postfix/implicit-tls-submission-delivers-to-imap-and-pop3",
                   test_implicit_tls_submission_delivers_to_imap_and_pop3);
  g_test_add_func ("/bed/postfix/outside-domain-lands-in-sink", test_outside_domain_lands_in_sink);
  g_test_add_func ("/bed/postfix/submission-refuses-relay-without-auth",
                   test_submission_refuses_relay_without_auth);
  g_test_add_func ("/bed/postfix/mx-port-accepts-only-the-test-domain",
                   test_mx_port_accepts_only_the_test_domain);
  g_test_add_func ("/bed/helpers/deliver-returns-once-the-message-is-in-the-mailbox",
                   test_deliver_returns_once_the_message_is_in_the_mailbox);
  g_test_add_func ("/bed/helpers/fill-folder-is-listed-with-its-count",
                   test_fill_folder_is_listed_with_its_count);
  g_test_add_func ("/bed/helpers/add-message-flags-show-in-fetch", test_add_message_flags_show_in_fetch);
  g_test_add_func ("/bed/helpers/folders-filled-before-start-are-listed-and-subscribed",
                   test_folders_filled_before_start_are_listed_and_subscribed);
  g_test_add_func ("/bed/lifecycle/stop-frees-the-ports-and-leaves-no-process",
                   test_stop_frees_the_ports_and_leaves_no_process);
  g_test_add_func ("/bed/lifecycle/servers-are-out-of-reach-of-a-terminal-interrupt",
                   test_servers_are_out_of_reach_of_a_terminal_interrupt);
  g_test_add_func ("/bed/lifecycle/dovecot-config-error-names-dovecot",
                   test_dovecot_config_error_names_dovecot);
  g_test_add_func ("/bed/lifecycle/dovecot-port-clash-names-dovecot",
                   test_dovecot_port_clash_names_dovecot);
  g_test_add_func ("/bed/lifecycle/postfix-port-clash-names-postfix",
                   test_postfix_port_clash_names_postfix);

  status = g_test_run ();
  g_clear_object (&shared_bed);
  return status;
}
