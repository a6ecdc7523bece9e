/* test-pop3-session.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The POP3 session against the bed's real Dovecot, over STLS and implicit
 * TLS, with passwords and XOAUTH2 tokens. Each test signs in as a user of
 * its own, so mailboxes start empty.
 */

#include "config.h"

#include <string.h>

#include "kabar-net-error.h"
#include "kabar-pop3-test.h"
#include "kabar-test-bed.h"
#include "kabar-test-wait.h"

#define GOOD_TOKEN "ya29.pop-good-token"
#define TOKEN_USER "token@" KABAR_TEST_BED_DOMAIN
#define PASSWORD "Sandi-123"

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
  kabar_test_bed_enable_oauth2 (shared_bed);
  kabar_test_bed_add_oauth2_token (shared_bed, GOOD_TOKEN, TOKEN_USER);
  kabar_test_bed_add_user (shared_bed, TOKEN_USER, PASSWORD);
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  return shared_bed;
}

static char *
new_user (const char *name)
{
  char *address = g_strdup_printf ("%s@%s", name, KABAR_TEST_BED_DOMAIN);

  kabar_test_bed_add_user (get_bed (), address, PASSWORD);
  return address;
}

static KabarPop3Session *
connect_to (KabarTestBedPort port)
{
  g_autoptr(GError) error = NULL;
  KabarPop3Session *session;

  session = kabar_pop3_test_connect (KABAR_TEST_BED_HOST, kabar_test_bed_get_port (get_bed (), port),
                                     port == KABAR_TEST_BED_PORT_POP3S ? KABAR_SECURITY_IMPLICIT_TLS
                                                                       : KABAR_SECURITY_STARTTLS,
                                     kabar_test_bed_get_certificate (get_bed ()), &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

static KabarPop3Session *
open_user (const char *user)
{
  KabarPop3Session *session = connect_to (KABAR_TEST_BED_PORT_POP3S);
  g_autoptr(GError) error = NULL;

  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_PASSWORD, user, PASSWORD, &error);
  g_assert_no_error (error);
  return session;
}

static void
add_message (const char *user,
             GBytes     *message)
{
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_message (get_bed (), user, "INBOX", message, "", 1773500000, &error);
  g_assert_no_error (error);
}

static void
quit (KabarPop3Session *session)
{
  g_autoptr(GError) error = NULL;

  kabar_pop3_test_command (session, kabar_pop3_session_quit_async, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_pop3_session_is_closed (session));
}

static guint
count_on_server (const char *user)
{
  g_autoptr(KabarPop3Session) session = open_user (user);
  g_autoptr(GError) error = NULL;
  guint count = 0;

  kabar_pop3_test_stat (session, &count, NULL, &error);
  g_assert_no_error (error);
  quit (session);
  return count;
}

/* Files in the user's INBOX maildir, what Dovecot really holds. */
static guint
count_in_maildir (const char *user)
{
  g_autofree char *root = kabar_test_bed_get_user_root (get_bed (), user);
  guint count = 0;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_build_filename (root, "INBOX", i == 0 ? "cur" : "new", NULL);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

      while (dir != NULL && g_dir_read_name (dir) != NULL)
        count++;
    }
  return count;
}

static void
assert_same_bytes (GBytes *actual,
                   GBytes *expected)
{
  gsize actual_size, expected_size;
  const char *actual_data = g_bytes_get_data (actual, &actual_size);
  const char *expected_data = g_bytes_get_data (expected, &expected_size);

  g_assert_cmpmem (actual_data, actual_size, expected_data, expected_size);
}

/* --- connecting and signing in --------------------------------------------- */

static void
test_implicit_tls_and_auth_plain (void)
{
  g_autofree char *user = new_user ("implicit");
  g_autoptr(KabarPop3Session) session = connect_to (KABAR_TEST_BED_PORT_POP3S);
  g_autoptr(GError) error = NULL;
  guint count = 99;

  g_assert_true (kabar_connection_is_tls (kabar_pop3_session_get_connection (session)));
  g_assert_true (kabar_pop3_session_has_capability (session, "PIPELINING"));
  g_assert_true (kabar_pop3_session_has_capability (session, "UIDL"));
  g_assert_true (g_strv_contains (kabar_pop3_session_get_capabilities (session), "SASL PLAIN LOGIN XOAUTH2 OAUTHBEARER"));
  g_assert_false (kabar_pop3_session_is_authenticated (session));

  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_PASSWORD, user, PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_pop3_session_is_authenticated (session));
  kabar_pop3_test_stat (session, &count, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 0);
  quit (session);
}

static void
test_stls_upgrades_and_reads_capa_again (void)
{
  g_autofree char *user = new_user ("stls");
  g_autoptr(KabarPop3Session) session = connect_to (KABAR_TEST_BED_PORT_POP3);
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_connection_is_tls (kabar_pop3_session_get_connection (session)));
  /* Dovecot offers STLS only in plain text: these are the TLS ones. */
  g_assert_false (kabar_pop3_session_has_capability (session, "STLS"));
  g_assert_true (kabar_pop3_session_has_capability (session, "USER"));
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_PASSWORD, user, PASSWORD, &error);
  g_assert_no_error (error);
  quit (session);
}

static void
test_unpinned_certificate_is_refused (void)
{
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(KabarCertificateProblem) problem = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_pop3_session_connect_async (KABAR_TEST_BED_HOST, kabar_test_bed_get_port (get_bed (), KABAR_TEST_BED_PORT_POP3),
                                    KABAR_SECURITY_STARTTLS, NULL, 20, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  session = kabar_pop3_session_connect_finish (result, &problem, &error);
  g_assert_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE);
  g_assert_null (session);
  g_assert_nonnull (problem);
}

static void
test_wrong_password_is_refused (void)
{
  g_autofree char *user = new_user ("wrong");
  g_autoptr(KabarPop3Session) session = connect_to (KABAR_TEST_BED_PORT_POP3S);
  g_autoptr(GError) error = NULL;

  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_PASSWORD, user, "not-the-password", &error);
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED);
  /* The server's own words. */
  g_assert_nonnull (strstr (error->message, "Authentication failed"));
  g_assert_false (kabar_pop3_session_is_authenticated (session));
  /* The session goes on: the right password still works. */
  g_clear_error (&error);
  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_PASSWORD, user, PASSWORD, &error);
  g_assert_no_error (error);
}

static void
test_xoauth2_token_accepted_and_bad_one_refused (void)
{
  g_autoptr(KabarPop3Session) session = connect_to (KABAR_TEST_BED_PORT_POP3S);
  g_autoptr(KabarPop3Session) refused = connect_to (KABAR_TEST_BED_PORT_POP3S);
  g_autoptr(GError) error = NULL;

  kabar_pop3_test_authenticate (session, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, TOKEN_USER, GOOD_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_pop3_session_is_authenticated (session));
  kabar_pop3_test_stat (session, NULL, NULL, &error);
  g_assert_no_error (error);

  kabar_pop3_test_authenticate (refused, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN, TOKEN_USER, "ya29.revoked", &error);
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED);
  g_assert_false (kabar_pop3_session_is_authenticated (refused));
  /* The JSON challenge was answered, so the session is still in step. */
  g_clear_error (&error);
  kabar_pop3_test_command (refused, kabar_pop3_session_noop_async, &error);
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_COMMAND_REFUSED);
  g_assert_false (kabar_pop3_session_is_closed (refused));
}

/* --- the mailbox ------------------------------------------------------------- */

static const char *const messages[] = {
  "From: a@example.org\nSubject: One\n\nFirst body.\n",
  /* Lines starting with "." travel dot-stuffed and must come back as sent. */
  "From: b@example.org\nSubject: Dots\n\n.\n..\n.hidden line\nend with a dot .\n.\n",
  "From: c@example.org\nSubject: Three\n\nLine 1\nLine 2\nLine 3\n",
};

static GPtrArray *
add_fixtures (const char *user)
{
  GPtrArray *added = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      GBytes *message = kabar_pop3_test_message (messages[i]);

      add_message (user, message);
      g_ptr_array_add (added, message);
    }
  return added;
}

static void
test_stat_list_and_uidl_match_the_mailbox (void)
{
  g_autofree char *user = new_user ("listing");
  g_autoptr(GPtrArray) added = add_fixtures (user);
  g_autoptr(KabarPop3Session) session = open_user (user);
  g_autoptr(KabarPop3Session) again = NULL;
  g_autoptr(GArray) list = NULL;
  g_autoptr(GArray) uidl = NULL;
  g_autoptr(GArray) uidl_again = NULL;
  g_autoptr(GError) error = NULL;
  guint64 total = 0, size = 0;
  guint count = 0;

  for (guint i = 0; i < added->len; i++)
    total += g_bytes_get_size (g_ptr_array_index (added, i));
  kabar_pop3_test_stat (session, &count, &size, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, added->len);
  g_assert_cmpuint (size, ==, total);

  list = kabar_pop3_test_list (session, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, added->len);
  uidl = kabar_pop3_test_list (session, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uidl->len, ==, added->len);
  for (guint i = 0; i < added->len; i++)
    {
      KabarPop3Message *listed = &g_array_index (list, KabarPop3Message, i);
      KabarPop3Message *unique = &g_array_index (uidl, KabarPop3Message, i);
      g_autofree char *one = kabar_pop3_test_uidl_one (session, i + 1, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (listed->msgno, ==, i + 1);
      g_assert_cmpuint (listed->size, ==, g_bytes_get_size (g_ptr_array_index (added, i)));
      g_assert_null (listed->uidl);
      g_assert_cmpuint (unique->msgno, ==, i + 1);
      g_assert_cmpstr (unique->uidl, ==, one);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (g_array_index (uidl, KabarPop3Message, j).uidl, !=, unique->uidl);
    }
  quit (session);

  /* A UIDL is the message's for good: the next session sees the same. */
  again = open_user (user);
  uidl_again = kabar_pop3_test_list (again, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uidl_again->len, ==, uidl->len);
  for (guint i = 0; i < uidl->len; i++)
    g_assert_cmpstr (g_array_index (uidl_again, KabarPop3Message, i).uidl, ==,
                     g_array_index (uidl, KabarPop3Message, i).uidl);
}

static void
test_retr_returns_each_message_byte_for_byte (void)
{
  g_autofree char *user = new_user ("retr");
  g_autoptr(GPtrArray) added = add_fixtures (user);
  g_autoptr(KabarPop3Session) session = open_user (user);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < added->len; i++)
    {
      g_autoptr(GBytes) message = kabar_pop3_test_retr (session, i + 1, FALSE, 0, &error);

      g_assert_no_error (error);
      assert_same_bytes (message, g_ptr_array_index (added, i));
    }
}

static void
test_top_returns_the_header_and_some_lines (void)
{
  g_autofree char *user = new_user ("top");
  g_autoptr(GPtrArray) added = add_fixtures (user);
  g_autoptr(KabarPop3Session) session = open_user (user);
  g_autoptr(GBytes) expected = kabar_pop3_test_message ("From: c@example.org\nSubject: Three\n\nLine 1\n");
  g_autoptr(GBytes) header = kabar_pop3_test_message ("From: c@example.org\nSubject: Three\n\n");
  g_autoptr(GBytes) top = NULL;
  g_autoptr(GBytes) top0 = NULL;
  g_autoptr(GError) error = NULL;

  top = kabar_pop3_test_retr (session, 3, TRUE, 1, &error);
  g_assert_no_error (error);
  assert_same_bytes (top, expected);
  top0 = kabar_pop3_test_retr (session, 3, TRUE, 0, &error);
  g_assert_no_error (error);
  assert_same_bytes (top0, header);
}

static void
test_missing_message_is_refused_and_the_session_goes_on (void)
{
  g_autofree char *user = new_user ("missing");
  g_autoptr(GPtrArray) added = add_fixtures (user);
  g_autoptr(KabarPop3Session) session = open_user (user);
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;

  message = kabar_pop3_test_retr (session, 42, FALSE, 0, &error);
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_NO_SUCH_MESSAGE);
  g_assert_null (message);
  g_clear_error (&error);
  message = kabar_pop3_test_retr (session, 1, FALSE, 0, &error);
  g_assert_no_error (error);
  assert_same_bytes (message, g_ptr_array_index (added, 0));
}

/* An output stream that keeps what it is given and the largest single
 * write, to see that a streamed message never sits whole in memory. */
typedef struct
{
  GOutputStream  parent_instance;
  GByteArray    *data;
  gsize          largest_write;
} CountingStream;

typedef struct
{
  GOutputStreamClass parent_class;
} CountingStreamClass;

static GType counting_stream_get_type (void);
G_DEFINE_TYPE (CountingStream, counting_stream, G_TYPE_OUTPUT_STREAM)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CountingStream, g_object_unref)

static gssize
counting_stream_write (GOutputStream  *stream,
                       const void     *buffer,
                       gsize           count,
                       GCancellable   *cancellable,
                       GError        **error)
{
  CountingStream *self = (CountingStream *) stream;

  self->largest_write = MAX (self->largest_write, count);
  g_byte_array_append (self->data, buffer, (guint) count);
  return (gssize) count;
}

static void
counting_stream_finalize (GObject *object)
{
  g_byte_array_unref (((CountingStream *) object)->data);
  G_OBJECT_CLASS (counting_stream_parent_class)->finalize (object);
}

static void
counting_stream_class_init (CountingStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = counting_stream_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = counting_stream_write;
}

static void
counting_stream_init (CountingStream *self)
{
  self->data = g_byte_array_new ();
}

static void
test_big_message_is_streamed (void)
{
  g_autofree char *user = new_user ("big");
  GString *text = g_string_new ("From: big@example.org\nSubject: Big\n\n");
  g_autoptr(GBytes) big = NULL;
  g_autoptr(CountingStream) output = g_object_new (counting_stream_get_type (), NULL);
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  for (guint i = 0; text->len < 4 * 1024 * 1024; i++)
    g_string_append_printf (text, "%sLine %u of a big message, with some words to make it long enough\n",
                            i % 100 == 0 ? "." : "", i);
  big = kabar_pop3_test_message (text->str);
  g_string_free (text, TRUE);
  add_message (user, big);
  session = open_user (user);

  kabar_pop3_test_retr_to_stream (session, 1, G_OUTPUT_STREAM (output), &size, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (output->data->data, output->data->len, g_bytes_get_data (big, NULL), g_bytes_get_size (big));
  g_assert_cmpuint (size, ==, g_bytes_get_size (big));
  /* A chunk and a line at a time, not the whole 4 MB. */
  g_assert_cmpuint (output->largest_write, >, 0);
  g_assert_cmpuint (output->largest_write, <, 256 * 1024);
  quit (session);
}

/* --- deleting ---------------------------------------------------------------- */

static void
test_dele_and_quit_remove_the_message (void)
{
  g_autofree char *user = new_user ("dele");
  g_autoptr(GPtrArray) added = add_fixtures (user);
  g_autoptr(KabarPop3Session) session = open_user (user);
  g_autoptr(KabarPop3Session) after = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (count_in_maildir (user), ==, 3);
  kabar_pop3_test_dele (session, 2, &error);
  g_assert_no_error (error);
  /* Marked, not gone yet: the same session may not read it. */
  kabar_pop3_test_retr (session, 2, FALSE, 0, &error);
  g_assert_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_NO_SUCH_MESSAGE);
  g_clear_error (&error);
  g_assert_cmpuint (count_in_maildir (user), ==, 3);
  quit (session);

  g_assert_cmpuint (count_on_server (user), ==, 2);
  g_assert_cmpuint (count_in_maildir (user), ==, 2);
  after = open_user (user);
  first = kabar_pop3_test_retr (after, 2, FALSE, 0, &error);
  g_assert_no_error (error);
  assert_same_bytes (first, g_ptr_array_index (added, 2));
}

static void
test_dele_then_rset_removes_nothing (void)
{
  g_autofree char *user = new_user ("rset");
  g_autoptr(GPtrArray) added = add_fixtures (user);
  g_autoptr(KabarPop3Session) session = open_user (user);
  g_autoptr(GError) error = NULL;

  kabar_pop3_test_dele (session, 1, &error);
  g_assert_no_error (error);
  kabar_pop3_test_dele (session, 3, &error);
  g_assert_no_error (error);
  kabar_pop3_test_command (session, kabar_pop3_session_rset_async, &error);
  g_assert_no_error (error);
  quit (session);
  g_assert_cmpuint (count_on_server (user), ==, 3);
  g_assert_cmpuint (count_in_maildir (user), ==, 3);
}

static void
test_dele_without_quit_removes_nothing (void)
{
  g_autofree char *user = new_user ("dropped");
  g_autoptr(GPtrArray) added = add_fixtures (user);
  g_autoptr(KabarPop3Session) closed = open_user (user);
  KabarPop3Session *dropped = open_user (user);
  g_autoptr(GError) error = NULL;

  kabar_pop3_test_dele (closed, 1, &error);
  g_assert_no_error (error);
  kabar_pop3_session_close (closed);
  g_assert_true (kabar_pop3_session_is_closed (closed));
  /* The commands after it fail; nothing is sent. */
  kabar_pop3_test_command (closed, kabar_pop3_session_noop_async, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);

  kabar_pop3_test_dele (dropped, 2, &error);
  g_assert_no_error (error);
  g_object_unref (dropped);

  g_assert_cmpuint (count_on_server (user), ==, 3);
  g_assert_cmpuint (count_in_maildir (user), ==, 3);
}

/* --- pipelining ---------------------------------------------------------------- */

static void
test_pipelined_retrieval_comes_in_order (void)
{
  g_autofree char *user = new_user ("pipelined");
  g_autoptr(KabarPop3Session) session = NULL;
  g_autoptr(GPtrArray) retrieved = NULL;
  g_autoptr(GArray) delivered = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint *msgnos = g_new (guint, 600);
  guint n = 0;

  kabar_test_bed_fill_folder (get_bed (), user, "INBOX", 500, &error);
  g_assert_no_error (error);
  session = open_user (user);
  g_assert_true (kabar_pop3_session_has_capability (session, "PIPELINING"));
  /* Backwards, with a missing message in the middle. */
  for (guint i = 500; i >= 1; i--)
    {
      msgnos[n++] = i;
      if (i == 250)
        msgnos[n++] = 9999;
    }
  retrieved = kabar_pop3_test_retrieve (session, msgnos, n, &delivered, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (retrieved->len, ==, n);
  g_assert_cmpuint (delivered->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      GBytes *message = g_ptr_array_index (retrieved, i);
      g_autofree char *subject = NULL;
      g_autofree char *text = NULL;

      g_assert_cmpuint (g_array_index (delivered, guint, i), ==, msgnos[i]);
      if (msgnos[i] == 9999)
        {
          g_assert_null (message);
          continue;
        }
      g_assert_nonnull (message);
      text = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));
      subject = g_strdup_printf ("Subject: Message %u\r\n", msgnos[i]);
      g_assert_nonnull (strstr (text, subject));
    }
  /* And the session is in step afterwards. */
  kabar_pop3_test_stat (session, &n, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 500);
  quit (session);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pop3/session/implicit-tls-and-auth-plain", test_implicit_tls_and_auth_plain);
  g_test_add_func ("/pop3/session/stls-upgrades-and-reads-capa-again", test_stls_upgrades_and_reads_capa_again);
  g_test_add_func ("/pop3/session/unpinned-certificate-is-refused", test_unpinned_certificate_is_refused);
  g_test_add_func ("/pop3/session/wrong-password-is-refused", test_wrong_password_is_refused);
  g_test_add_func ("/pop3/session/xoauth2-token-accepted-and-bad-one-refused",
                   test_xoauth2_token_accepted_and_bad_one_refused);
  g_test_add_func ("/pop3/session/stat-list-and-uidl-match-the-mailbox", test_stat_list_and_uidl_match_the_mailbox);
  g_test_add_func ("/pop3/session/retr-returns-each-message-byte-for-byte",
                   test_retr_returns_each_message_byte_for_byte);
  g_test_add_func ("/pop3/session/top-returns-the-header-and-some-lines", test_top_returns_the_header_and_some_lines);
  g_test_add_func ("/pop3/session/missing-message-is-refused-and-the-session-goes-on",
                   test_missing_message_is_refused_and_the_session_goes_on);
  g_test_add_func ("/pop3/session/big-message-is-streamed", test_big_message_is_streamed);
  g_test_add_func ("/pop3/session/dele-and-quit-remove-the-message", test_dele_and_quit_remove_the_message);
  g_test_add_func ("/pop3/session/dele-then-rset-removes-nothing", test_dele_then_rset_removes_nothing);
  g_test_add_func ("/pop3/session/dele-without-quit-removes-nothing", test_dele_without_quit_removes_nothing);
  g_test_add_func ("/pop3/session/pipelined-retrieval-comes-in-order", test_pipelined_retrieval_comes_in_order);

  status = g_test_run ();
  g_clear_object (&shared_bed);
  return status;
}
