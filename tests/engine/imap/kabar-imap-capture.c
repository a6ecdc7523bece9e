/* kabar-imap-capture.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Captures what the test bed's Dovecot really sends, for the parser's
 * tests and the fuzzer's seed corpus:
 *
 *   _build/tests/engine/imap/kabar-imap-capture tests/data/imap
 *
 * (as root, inside tests/kabar-test-session or with KABAR_TEST_TMPDIR on a
 * world-executable folder). Each file holds the server's side of one group
 * of commands, byte for byte: lines with their CRLF and literals as sent.
 * The client's side is not in the files; it is the code below.
 */

#include "kabar-test-bed.h"
#include "kabar-test-client.h"

#include "kabar-imap-utf7.h"

#include <stdio.h>
#include <string.h>

#define USER "capture@" KABAR_TEST_BED_DOMAIN

typedef struct
{
  KabarTestClient *client;
  guint            next_tag;
  GString         *out;
} Session;

static void
die_on_error (GError *error)
{
  if (error != NULL)
    g_error ("%s", error->message);
}

/* The size a line announces at its end ("{123}" or "~{123}"), or -1. */
static gint64
announced_literal (const char *line)
{
  gsize length = strlen (line);
  const char *open;

  if (length < 3 || line[length - 1] != '}')
    return -1;
  open = strrchr (line, '{');
  if (open == NULL)
    return -1;
  return g_ascii_strtoll (open + 1, NULL, 10);
}

/* Reads the server's bytes up to and including the line starting with
 * prefix, literals included, into the session's capture. */
static void
read_until (Session    *session,
            const char *prefix)
{
  g_autoptr(GError) error = NULL;

  for (;;)
    {
      g_autofree char *line = kabar_test_client_read_line (session->client, &error);
      gint64 literal;

      die_on_error (error);
      g_string_append_printf (session->out, "%s\r\n", line);
      literal = announced_literal (line);
      if (literal >= 0)
        {
          g_autoptr(GBytes) bytes = kabar_test_client_read_bytes (session->client, (gsize) literal,
                                                                  &error);
          gsize size;
          const char *data;

          die_on_error (error);
          data = g_bytes_get_data (bytes, &size);
          g_string_append_len (session->out, data, (gssize) size);
          continue;
        }
      if (g_str_has_prefix (line, prefix))
        return;
    }
}

static char *
next_tag (Session *session)
{
  return g_strdup_printf ("a%u", ++session->next_tag);
}

static void
command (Session    *session,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
command (Session    *session,
         const char *format,
         ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tag = next_tag (session);
  g_autofree char *text = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s ", tag);
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  kabar_test_client_send_linef (session->client, &error, "%s %s", tag, text);
  die_on_error (error);
  read_until (session, prefix);
}

/* A command with one literal argument at its end: waits for "+". */
static void
command_with_literal (Session    *session,
                      const char *head,
                      const char *literal)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tag = next_tag (session);
  g_autofree char *prefix = g_strdup_printf ("%s ", tag);

  kabar_test_client_send_linef (session->client, &error, "%s %s {%" G_GSIZE_FORMAT "}",
                                tag, head, strlen (literal));
  die_on_error (error);
  read_until (session, "+");
  kabar_test_client_send_data (session->client, literal, strlen (literal), &error);
  die_on_error (error);
  kabar_test_client_send_line (session->client, "", &error);
  die_on_error (error);
  read_until (session, prefix);
}

static void
session_start (Session      *session,
               KabarTestBed *bed,
               gboolean      login)
{
  g_autoptr(GError) error = NULL;

  session->client = kabar_test_client_connect (KABAR_TEST_BED_HOST,
                                               kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                                               KABAR_TEST_CLIENT_IMPLICIT_TLS,
                                               kabar_test_bed_get_certificate (bed), &error);
  die_on_error (error);
  session->next_tag = 0;
  session->out = g_string_new (NULL);
  g_string_append_printf (session->out, "%s\r\n", kabar_test_client_get_greeting (session->client));
  if (login)
    command (session, "LOGIN \"%s\" \"%s\"", USER, kabar_test_bed_get_password (bed, USER));
}

static void
session_save (Session    *session,
              const char *directory,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (directory, name, NULL);

  g_file_set_contents (path, session->out->str, (gssize) session->out->len, &error);
  die_on_error (error);
  g_print ("%s: %" G_GSIZE_FORMAT " bytes\n", path, session->out->len);
  g_string_free (session->out, TRUE);
  session->out = NULL;
  kabar_test_client_close (session->client, NULL);
  g_clear_object (&session->client);
}

static void
add_message (KabarTestBed *bed,
             const char   *folder,
             const char   *text,
             const char   *flags,
             gint64        unix_time)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) crlf = g_string_new (NULL);
  g_autoptr(GBytes) raw = NULL;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append_c (crlf, '\r');
      g_string_append_c (crlf, *p);
    }
  raw = g_bytes_new (crlf->str, crlf->len);
  kabar_test_bed_add_message (bed, USER, folder, raw, flags, unix_time, &error);
  die_on_error (error);
}

static void
add_messages (KabarTestBed *bed)
{
  add_message (bed, "INBOX",
               "From: Alice Example <alice@kabar.test>\n"
               "To: Bob <bob@kabar.test>, \"Tim \\\"the\\\" Tester\" <tim@example.org>\n"
               "Cc: undisclosed-recipients:;\n"
               "Subject: Hello from Kabar\n"
               "Date: Mon, 2 Mar 2026 10:00:00 +0700\n"
               "Message-ID: <hello-1@kabar.test>\n"
               "MIME-Version: 1.0\n"
               "Content-Type: text/plain; charset=utf-8\n"
               "\n"
               "Selamat pagi! This is the first message.\n",
               "FS", 1772420400);
  add_message (bed, "INBOX",
               "From: =?UTF-8?B?4KSw4KS+4KSc?= <raj@example.in>\n"
               "To: alice@kabar.test\n"
               "Subject: =?UTF-8?B?4KS44KSu4KS+4KSa4KS+4KSw?= (news) with an attachment\n"
               "Date: Tue, 3 Mar 2026 08:30:00 +0530\n"
               "Message-ID: <news-2@example.in>\n"
               "In-Reply-To: <hello-1@kabar.test>\n"
               "MIME-Version: 1.0\n"
               "Content-Type: multipart/mixed; boundary=\"b1\"\n"
               "\n"
               "--b1\n"
               "Content-Type: text/plain; charset=utf-8\n"
               "Content-Transfer-Encoding: 8bit\n"
               "\n"
               "नमस्ते, the report is attached.\n"
               "--b1\n"
               "Content-Type: application/octet-stream; name=\"report.bin\"\n"
               "Content-Disposition: attachment; filename=\"report.bin\"\n"
               "Content-Transfer-Encoding: base64\n"
               "\n"
               "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8AAAAAS2FiYXI=\n"
               "--b1--\n",
               "", 1772507000);
  add_message (bed, "INBOX",
               "From: \"Exchange, Admin\" <admin@example.com>\n"
               "To: Team: alice@kabar.test, bob@kabar.test;\n"
               "Subject: Raw 8-bit Überraschung and a \"quote\" \\ backslash\n"
               "Date: Wed, 4 Mar 2026 12:00:00 +0000\n"
               "MIME-Version: 1.0\n"
               "Content-Type: multipart/alternative; boundary=\"alt\"\n"
               "\n"
               "--alt\n"
               "Content-Type: text/plain; charset=utf-8\n"
               "\n"
               "Plain part.\n"
               "--alt\n"
               "Content-Type: multipart/related; boundary=\"rel\"\n"
               "\n"
               "--rel\n"
               "Content-Type: text/html; charset=utf-8\n"
               "\n"
               "<p>HTML part <img src=\"cid:logo\"></p>\n"
               "--rel\n"
               "Content-Type: image/png\n"
               "Content-ID: <logo>\n"
               "Content-Transfer-Encoding: base64\n"
               "\n"
               "iVBORw0KGgo=\n"
               "--rel--\n"
               "--alt--\n",
               "S", 1772625600);
  add_message (bed, "INBOX",
               "From: bob@kabar.test\n"
               "Subject: To be expunged\n"
               "Date: Thu, 5 Mar 2026 09:00:00 +0000\n"
               "\n"
               "Bye.\n",
               "", 1772701200);
  add_message (bed, "INBOX",
               "From: Bob <bob@kabar.test>\n"
               "Subject: Fifth\n"
               "\n"
               "No date header at all.\n",
               "R", 1772787600);
}

static guint64
uidvalidity_of (GString *capture)
{
  const char *found = strstr (capture->str, "[UIDVALIDITY ");

  if (found == NULL)
    g_error ("No UIDVALIDITY in: %s", capture->str);
  return g_ascii_strtoull (found + strlen ("[UIDVALIDITY "), NULL, 10);
}

static void
capture_all (KabarTestBed *bed,
             const char   *directory)
{
  Session s = { 0 };
  g_autofree char *hindi = kabar_imap_utf7_encode ("इनबॉक्स");
  g_autofree char *japanese = kabar_imap_utf7_encode ("日本語");
  g_autofree char *german = kabar_imap_utf7_encode ("Entwürfe");
  guint64 uidvalidity;

  session_start (&s, bed, FALSE);
  command (&s, "CAPABILITY");
  command (&s, "LOGIN \"%s\" \"%s\"", USER, kabar_test_bed_get_password (bed, USER));
  command (&s, "ID (\"name\" \"Kabar\" \"version\" \"0.1\")");
  command (&s, "NAMESPACE");
  command (&s, "ENABLE QRESYNC CONDSTORE");
  command (&s, "GETQUOTAROOT INBOX");
  session_save (&s, directory, "login-capability.txt");

  session_start (&s, bed, TRUE);
  command (&s, "CREATE \"%s\"", german);
  command (&s, "CREATE \"%s\"", japanese);
  command (&s, "CREATE \"Kotak Masuk\"");
  command (&s, "CREATE \"%s\"", hindi);
  command (&s, "CREATE \"Projects/Kabar\"");
  command (&s, "SUBSCRIBE \"Projects/Kabar\"");
  command (&s, "LIST \"\" \"*\" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN UIDNEXT UIDVALIDITY HIGHESTMODSEQ))");
  command (&s, "LIST (SPECIAL-USE) \"\" \"*\"");
  command (&s, "LIST (SUBSCRIBED) \"\" \"*\" RETURN (CHILDREN)");
  command (&s, "LSUB \"\" \"*\"");
  command (&s, "STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)");
  session_save (&s, directory, "list-special-use-status.txt");

  session_start (&s, bed, TRUE);
  command (&s, "SELECT INBOX (CONDSTORE)");
  command (&s, "UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE INTERNALDATE RFC822.SIZE MODSEQ)");
  command (&s, "UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1)");
  session_save (&s, directory, "select-condstore-fetch-envelope.txt");

  session_start (&s, bed, TRUE);
  command (&s, "EXAMINE INBOX");
  command (&s, "UID FETCH 2 (UID BODY.PEEK[] BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT)] BODY.PEEK[1.MIME] "
           "BODY.PEEK[TEXT]<0.32> BINARY.SIZE[2] BINARY.PEEK[2])");
  command (&s, "UID FETCH 3 (UID BODY BODY.PEEK[HEADER] RFC822.SIZE)");
  command (&s, "FETCH 1 (RFC822.HEADER)");
  session_save (&s, directory, "fetch-body-sections.txt");

  session_start (&s, bed, TRUE);
  command (&s, "SELECT INBOX");
  command (&s, "UID SEARCH RETURN (ALL COUNT MIN MAX) ALL");
  command (&s, "SEARCH RETURN (COUNT) UNSEEN");
  command (&s, "UID SEARCH RETURN () SUBJECT \"nothing matches this\"");
  command (&s, "UID SEARCH UNSEEN");
  command (&s, "SEARCH MODSEQ 1");
  command (&s, "UID SORT (REVERSE DATE) UTF-8 ALL");
  command (&s, "UID THREAD REFERENCES UTF-8 ALL");
  session_save (&s, directory, "search-esearch.txt");

  session_start (&s, bed, TRUE);
  command (&s, "ENABLE QRESYNC");
  command (&s, "SELECT INBOX");
  uidvalidity = uidvalidity_of (s.out);
  command (&s, "UID STORE 1 +FLAGS ($Forwarded)");
  command (&s, "UID STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\\Answered)");
  command_with_literal (&s, "APPEND Drafts (\\Draft $Kabar)",
                        "From: alice@kabar.test\r\nSubject: Draft\r\n\r\nA draft.\r\n");
  command (&s, "UID COPY 1:2 Archive");
  command (&s, "UID STORE 4 +FLAGS.SILENT (\\Deleted)");
  command (&s, "UID EXPUNGE 4");
  command (&s, "UID MOVE 5 Archive");
  command (&s, "NOOP");
  session_save (&s, directory, "store-append-copy-vanished.txt");

  session_start (&s, bed, TRUE);
  command (&s, "ENABLE QRESYNC");
  command (&s, "SELECT INBOX (QRESYNC (%" G_GUINT64_FORMAT " 1 1:10))", uidvalidity);
  command (&s, "UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)");
  command (&s, "SELECT Archive");
  session_save (&s, directory, "select-qresync-vanished.txt");

  session_start (&s, bed, TRUE);
  command (&s, "SELECT Nonexistent");
  command (&s, "CREATE INBOX");
  command (&s, "FROBNICATE");
  command (&s, "UID FETCH");
  command (&s, "EXAMINE INBOX");
  {
    g_autoptr(GError) error = NULL;

    kabar_test_client_send_line (s.client, "idle1 IDLE", &error);
    die_on_error (error);
    read_until (&s, "+");
    kabar_test_client_send_line (s.client, "DONE", &error);
    die_on_error (error);
    read_until (&s, "idle1 ");
  }
  command (&s, "LOGOUT");
  session_save (&s, directory, "errors-idle-logout.txt");

  session_start (&s, bed, FALSE);
  command (&s, "LOGIN \"%s\" \"wrong-password\"", USER);
  {
    g_autoptr(GError) error = NULL;

    /* A SASL exchange the client cancels with "*". */
    kabar_test_client_send_line (s.client, "auth1 AUTHENTICATE PLAIN", &error);
    die_on_error (error);
    read_until (&s, "+");
    kabar_test_client_send_line (s.client, "*", &error);
    die_on_error (error);
    read_until (&s, "auth1 ");
  }
  session_save (&s, directory, "authentication-failed.txt");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarTestBed) bed = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s DIRECTORY\n", argv[0]);
      return 2;
    }
  bed = kabar_test_bed_new (&error);
  die_on_error (error);
  kabar_test_bed_add_user (bed, USER, "capture-password");
  if (!kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT, &error))
    die_on_error (error);
  add_messages (bed);
  capture_all (bed, argv[1]);
  kabar_test_bed_stop (bed);
  return 0;
}
