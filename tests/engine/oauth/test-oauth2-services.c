/* test-oauth2-services.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An OAuth2 account end to end, as the window runs it: signed in through
 * the browser flow at the test authorization server, then its
 * KabarMailService syncs over IMAP, downloads over POP3 and sends through
 * Postfix, each signing in with XOAUTH2 at the bed's real servers (which
 * ask the bed whether a token is good). Tokens that live shorter than the
 * engine keeps one are refreshed for every connection; a revoked sign-in
 * stops the account until the user signs in again, and the outbox keeps
 * what was written meanwhile.
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "kabar-oauth2-test.h"
#include "kabar-outbox-test-support.h"
#include "kabar-outgoing-message.h"
#include "kabar-service-test.h"
#include "kabar-store-outbox.h"
#include "kabar-test-client.h"
#include "kabar-test-wait.h"

#define WAIT_SECONDS 60
#define PASSWORD "Sandi-OAuth-123"
/* Shorter than the 5 minutes before its end at which the engine stops
 * using a token: every connection asks for a new one. */
#define SHORT_LIFETIME 60
#define LONG_LIFETIME 3600

/* Dovecot and Postfix taking XOAUTH2, and the authorization server whose
 * tokens they take, for the whole run. */
static KabarTestBed *bed;
static KabarOAuthServer *server;

typedef struct
{
  char             *user;
  char             *directory;
  KabarAccount     *account;
  KabarMailService *service;
  GPtrArray        *sent;
  guint             failures;
} Fixture;

/* A user of the bed. Its password serves only the test's own looks at
 * the server; the account has none. */
static char *
new_user (const char *prefix)
{
  static guint counter;
  char *user = g_strdup_printf ("%s%u-%d@%s", prefix, ++counter, (int) getpid (), KABAR_TEST_BED_DOMAIN);

  kabar_test_bed_add_user (bed, user, PASSWORD);
  return user;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->user = new_user ("dewi");
  fixture->directory = g_dir_make_tmp ("kabar-oauth2-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->account = kabar_oauth2_test_account (server, fixture->user);
  fixture->sent = g_ptr_array_new_with_free_func (g_free);
  kabar_oauth_server_set_token_lifetime (server, LONG_LIFETIME);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->service != NULL)
    kabar_service_test_stop_service (&fixture->service);
  g_clear_object (&fixture->account);
  g_ptr_array_unref (fixture->sent);
  kabar_test_remove_directory (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->user);
}

/* --- the account ----------------------------------------------------------------- */

/* Incoming over implicit TLS, outgoing on port (0: none), the bed's
 * self-signed certificate trusted for both. */
static void
set_servers (Fixture           *fixture,
             KabarIncomingKind  kind,
             KabarTestBedPort   incoming,
             KabarTestBedPort   outgoing)
{
  kabar_account_set_incoming_kind (fixture->account, kind);
  kabar_account_set_server (fixture->account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST,
                            kabar_test_bed_get_port (bed, incoming), KABAR_SECURITY_IMPLICIT_TLS,
                            fixture->user);
  kabar_account_set_pinned_certificate (fixture->account, KABAR_SERVER_INCOMING,
                                        kabar_test_bed_get_certificate (bed));
  if (outgoing == 0)
    return;
  kabar_account_set_server (fixture->account, KABAR_SERVER_OUTGOING, KABAR_TEST_BED_HOST,
                            kabar_test_bed_get_port (bed, outgoing),
                            outgoing == KABAR_TEST_BED_PORT_SUBMISSION ? KABAR_SECURITY_STARTTLS
                                                                       : KABAR_SECURITY_IMPLICIT_TLS,
                            fixture->user);
  kabar_account_set_pinned_certificate (fixture->account, KABAR_SERVER_OUTGOING,
                                        kabar_test_bed_get_certificate (bed));
}

/* The browser sign-in; the refresh token is then in the keyring. */
static void
sign_in (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;
  g_autofree char *token = kabar_oauth2_test_sign_in (fixture->account, &page, &error);
  g_autofree char *refresh_token = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_nonnull (strstr (page, "You can close this tab"));
  refresh_token = kabar_oauth2_test_lookup_refresh_token (fixture->account);
  g_assert_nonnull (refresh_token);
}

/* --- the service, as the window uses it ---------------------------------------- */

static void
on_message_sent (KabarMailService *service,
                 const char       *message_id,
                 Fixture          *fixture)
{
  g_ptr_array_add (fixture->sent, g_strdup (message_id));
}

static void
on_message_failed (KabarMailService *service,
                   gint64            id,
                   const GError     *error,
                   Fixture          *fixture)
{
  g_test_message ("Outbox message %" G_GINT64_FORMAT " failed: %s", id, error->message);
  fixture->failures++;
}

static void
start_service (Fixture *fixture)
{
  fixture->service = kabar_service_test_new_service (fixture->account, fixture->directory);
  g_signal_connect (fixture->service, "message-sent", G_CALLBACK (on_message_sent), fixture);
  g_signal_connect (fixture->service, "message-failed", G_CALLBACK (on_message_failed), fixture);
  kabar_mail_service_start (fixture->service);
}

typedef gboolean (*Condition) (Fixture *fixture, gconstpointer data);

static void
wait_until (Fixture       *fixture,
            Condition      condition,
            gconstpointer  data,
            const char    *what)
{
  gint64 start = g_get_monotonic_time ();

  while (!condition (fixture, data))
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        {
          const GError *error = kabar_mail_service_get_error (fixture->service);

          g_error ("Waited in vain for %s (status %d: %s)", what,
                   kabar_mail_service_get_status (fixture->service),
                   error != NULL ? error->message : "no error");
        }
      kabar_test_spin (20);
    }
}

static gboolean
inbox_holds (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(KabarStoreFolder) folder = kabar_service_test_find_folder (fixture->service, "INBOX");

  return folder != NULL && folder->total_count == GPOINTER_TO_UINT (data);
}

static void
wait_for_inbox (Fixture *fixture,
                guint    total)
{
  g_autofree char *what = g_strdup_printf ("%u messages in INBOX", total);

  wait_until (fixture, inbox_holds, GUINT_TO_POINTER (total), what);
}

static gboolean
has_status (Fixture       *fixture,
            gconstpointer  data)
{
  return kabar_mail_service_get_status (fixture->service) == (KabarMailServiceStatus) GPOINTER_TO_INT (data);
}

static void
wait_for_status (Fixture                *fixture,
                 KabarMailServiceStatus  status)
{
  g_autofree char *what = g_strdup_printf ("status %d", status);

  wait_until (fixture, has_status, GINT_TO_POINTER (status), what);
}

static gboolean
was_sent (Fixture       *fixture,
          gconstpointer  data)
{
  for (guint i = 0; i < fixture->sent->len; i++)
    if (g_strcmp0 (g_ptr_array_index (fixture->sent, i), data) == 0)
      return TRUE;
  return FALSE;
}

/* The outbox tried its first message and kept why it could not go. */
static gboolean
outbox_tried (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = kabar_outbox_test_list_outbox (fixture->service);

  return entries->len > 0 && ((KabarOutboxEntry *) g_ptr_array_index (entries, 0))->last_error != NULL;
}

static KabarOutgoingMessage *
new_message (Fixture    *fixture,
             const char *to,
             const char *subject)
{
  KabarOutgoingMessage *message = kabar_outgoing_message_new ();

  kabar_outgoing_message_set_from (message, "Dewi", fixture->user);
  kabar_outgoing_message_add_address (message, KABAR_OUTGOING_TO, NULL, to);
  kabar_outgoing_message_set_subject (message, subject);
  kabar_outgoing_message_set_text (message, "Halo,\nsampai besok.\n");
  return message;
}

/* The connections close and open again, each asking for a token. */
static void
reconnect (Fixture *fixture)
{
  kabar_mail_service_set_network_available (fixture->service, FALSE);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_OFFLINE);
  kabar_mail_service_set_network_available (fixture->service, TRUE);
}

/* --- what the servers hold ------------------------------------------------------ */

static const char *
last_line (GPtrArray *lines)
{
  return g_ptr_array_index (lines, lines->len - 1);
}

/* How many messages of user's folder have the Message-ID, read with the
 * user's password over a client of the tests' own. */
static guint
count_on_server (const char *user,
                 const char *folder,
                 const char *message_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarTestClient) client =
    kabar_test_client_connect (KABAR_TEST_BED_HOST, kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                               KABAR_TEST_CLIENT_IMPLICIT_TLS, kabar_test_bed_get_certificate (bed), &error);
  g_autoptr(GPtrArray) login = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  g_autoptr(GPtrArray) found = NULL;
  guint count = 0;

  g_assert_no_error (error);
  login = kabar_test_client_imap (client, &error, "LOGIN \"%s\" \"%s\"", user, PASSWORD);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (last_line (login), " OK"));
  selected = kabar_test_client_imap (client, &error, "EXAMINE \"%s\"", folder);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (last_line (selected), " OK"));
  found = kabar_test_client_imap (client, &error, "UID SEARCH HEADER Message-ID \"<%s>\"", message_id);
  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    {
      const char *line = g_ptr_array_index (found, i);
      g_auto(GStrv) words = NULL;

      if (!g_str_has_prefix (line, "* SEARCH"))
        continue;
      words = g_strsplit (line + strlen ("* SEARCH"), " ", -1);
      for (guint j = 0; words[j] != NULL; j++)
        count += *words[j] != '\0';
    }
  kabar_test_client_close (client, NULL);
  return count;
}

static void
wait_on_server (const char *user,
                const char *folder,
                const char *message_id,
                guint       want)
{
  gint64 start = g_get_monotonic_time ();
  guint count;

  while ((count = count_on_server (user, folder, message_id)) != want)
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("%s of %s never held %u messages <%s> (it holds %u)", folder, user, want, message_id, count);
      kabar_test_spin (200);
    }
}

/* As mail from the internet comes: through Postfix into Dovecot, which
 * tells the connections that watch INBOX. */
static void
deliver (Fixture    *fixture,
              const char *subject)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("From: Budi <budi@example.org>\r\nTo: <%s>\r\n"
                                           "Subject: %s\r\nMessage-ID: <%s.%d@example.org>\r\n"
                                           "Date: Mon, 2 Mar 2026 10:00:00 +0700\r\n\r\nApa kabar?\r\n",
                                           fixture->user, subject, subject, (int) getpid ());
  g_autoptr(GBytes) raw = g_bytes_new_take (g_strdup (text), strlen (text));

  kabar_test_bed_deliver (bed, "budi@example.org", fixture->user, raw, &error);
  g_assert_no_error (error);
}

/* --- the tests ---------------------------------------------------------------- */

static void
test_imap_syncs (Fixture       *fixture,
                 gconstpointer  data)
{
  guint refreshes;

  set_servers (fixture, KABAR_INCOMING_IMAP, KABAR_TEST_BED_PORT_IMAPS, 0);
  sign_in (fixture);
  kabar_service_test_fill (bed, fixture->user, "INBOX", 5);
  refreshes = kabar_oauth_server_count_requests (server, "refresh_token");
  start_service (fixture);
  wait_for_inbox (fixture, 5);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  /* The browser's token lives an hour: every connection used it. */
  g_assert_cmpuint (kabar_oauth_server_count_requests (server, "refresh_token"), ==, refreshes);

  /* The watching connection, signed in with it, sees new mail. */
  deliver (fixture, "Kabar baru");
  wait_for_inbox (fixture, 6);
  g_assert_null (kabar_mail_service_get_error (fixture->service));
}

static void
test_pop3_downloads (Fixture       *fixture,
                     gconstpointer  data)
{
  set_servers (fixture, KABAR_INCOMING_POP3, KABAR_TEST_BED_PORT_POP3S, 0);
  sign_in (fixture);
  kabar_service_test_fill (bed, fixture->user, "INBOX", 3);
  start_service (fixture);
  wait_for_inbox (fixture, 3);
  g_assert_cmpint (kabar_mail_service_get_status (fixture->service), !=, KABAR_MAIL_SERVICE_STATUS_ERROR);
  g_assert_null (kabar_mail_service_get_error (fixture->service));

  /* The next check signs in again, with the same token. */
  deliver (fixture, "Surat kedua");
  kabar_mail_service_refresh (fixture->service);
  wait_for_inbox (fixture, 4);
  g_assert_null (kabar_mail_service_get_error (fixture->service));
}

static void
test_sends (Fixture       *fixture,
            gconstpointer  data)
{
  KabarTestBedPort port = GPOINTER_TO_INT (data);
  g_autofree char *bob = new_user ("bob");
  g_autoptr(KabarOutgoingMessage) message = new_message (fixture, bob, "Lewat OAuth2");
  const char *message_id;
  g_autoptr(GPtrArray) entries = NULL;

  set_servers (fixture, KABAR_INCOMING_IMAP, KABAR_TEST_BED_PORT_IMAPS, port);
  sign_in (fixture);
  start_service (fixture);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  kabar_outbox_test_send (fixture->service, message, 0);
  message_id = kabar_outgoing_message_get_message_id (message);
  wait_until (fixture, was_sent, message_id, "the message to be sent");
  wait_on_server (bob, "INBOX", message_id, 1);
  /* Its Sent copy went up over IMAP, with the same sign-in. */
  wait_on_server (fixture->user, "Sent", message_id, 1);
  entries = kabar_outbox_test_list_outbox (fixture->service);
  g_assert_cmpuint (entries->len, ==, 0);
  g_assert_cmpuint (fixture->failures, ==, 0);
  g_assert_null (kabar_mail_service_get_error (fixture->service));
}

static void
test_short_lived_tokens (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *bob = new_user ("bob");
  g_autoptr(KabarOutgoingMessage) message = new_message (fixture, bob, "Token sebentar");
  g_autofree char *first = NULL;
  g_autofree char *rotated = NULL;
  guint signed_in;
  guint synced;
  guint reconnected;

  kabar_oauth_server_set_token_lifetime (server, SHORT_LIFETIME);
  set_servers (fixture, KABAR_INCOMING_IMAP, KABAR_TEST_BED_PORT_IMAPS, KABAR_TEST_BED_PORT_SUBMISSION);
  sign_in (fixture);
  first = kabar_oauth2_test_lookup_refresh_token (fixture->account);
  signed_in = kabar_oauth_server_count_requests (server, "refresh_token");
  kabar_service_test_fill (bed, fixture->user, "INBOX", 2);
  start_service (fixture);
  wait_for_inbox (fixture, 2);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  /* The browser's token was too close to its end: a new one came from
   * the refresh token, which Microsoft rotates and the keyring keeps. */
  synced = kabar_oauth_server_count_requests (server, "refresh_token");
  g_assert_cmpuint (synced, >, signed_in);
  rotated = kabar_oauth2_test_lookup_refresh_token (fixture->account);
  g_assert_cmpstr (rotated, !=, first);

  reconnect (fixture);
  deliver (fixture, "Setelah sambung ulang");
  wait_for_inbox (fixture, 3);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  reconnected = kabar_oauth_server_count_requests (server, "refresh_token");
  g_assert_cmpuint (reconnected, >, synced);

  /* The outbox's connection asks for its own. */
  kabar_outbox_test_send (fixture->service, message, 0);
  wait_until (fixture, was_sent, kabar_outgoing_message_get_message_id (message), "the message to be sent");
  wait_on_server (bob, "INBOX", kabar_outgoing_message_get_message_id (message), 1);
  g_assert_cmpuint (kabar_oauth_server_count_requests (server, "refresh_token"), >, reconnected);
  g_assert_cmpuint (fixture->failures, ==, 0);
  g_assert_null (kabar_mail_service_get_error (fixture->service));
}

static void
assert_sign_in_required (Fixture *fixture)
{
  const GError *error = kabar_mail_service_get_error (fixture->service);

  g_assert_cmpint (kabar_mail_service_get_status (fixture->service), ==, KABAR_MAIL_SERVICE_STATUS_ERROR);
  g_assert_error (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED);
  g_assert_nonnull (strstr (error->message, fixture->user));
  /* Microsoft's own words. */
  g_assert_nonnull (strstr (error->message, "AADSTS70000"));
}

static void
test_revoked (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *bob = new_user ("bob");
  g_autoptr(KabarOutgoingMessage) message = new_message (fixture, bob, "Ditulis saat keluar");
  const char *message_id;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GPtrArray) after = NULL;
  KabarOutboxEntry *entry;

  kabar_oauth_server_set_token_lifetime (server, SHORT_LIFETIME);
  set_servers (fixture, KABAR_INCOMING_IMAP, KABAR_TEST_BED_PORT_IMAPS, KABAR_TEST_BED_PORT_SUBMISSION);
  sign_in (fixture);
  kabar_service_test_fill (bed, fixture->user, "INBOX", 1);
  start_service (fixture);
  wait_for_inbox (fixture, 1);

  /* Microsoft ends the sign-in; the access tokens run out. */
  kabar_oauth_server_revoke_refresh_tokens (server);
  reconnect (fixture);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ERROR);
  assert_sign_in_required (fixture);

  /* Mail written meanwhile waits in the outbox: not failed, not taken
   * out of it. */
  kabar_outbox_test_send (fixture->service, message, 0);
  message_id = kabar_outgoing_message_get_message_id (message);
  wait_until (fixture, outbox_tried, NULL, "the outbox to try");
  waiting = kabar_outbox_test_list_outbox (fixture->service);
  g_assert_cmpuint (waiting->len, ==, 1);
  entry = g_ptr_array_index (waiting, 0);
  g_assert_cmpstr (entry->message_id, ==, message_id);
  g_assert_cmpint (entry->state, ==, KABAR_OUTBOX_QUEUED);
  g_assert_nonnull (strstr (entry->last_error, "AADSTS70000"));
  g_assert_cmpuint (fixture->failures, ==, 0);
  g_assert_cmpuint (fixture->sent->len, ==, 0);
  assert_sign_in_required (fixture);
  g_assert_cmpuint (count_on_server (bob, "INBOX", message_id), ==, 0);

  /* Sign In Again: the browser, then the account's retry. */
  sign_in (fixture);
  deliver (fixture, "Sesudah masuk lagi");
  kabar_mail_service_retry (fixture->service);
  wait_until (fixture, was_sent, message_id, "the message to be sent");
  wait_on_server (bob, "INBOX", message_id, 1);
  wait_for_inbox (fixture, 2);
  wait_for_status (fixture, KABAR_MAIL_SERVICE_STATUS_ONLINE);
  g_assert_null (kabar_mail_service_get_error (fixture->service));
  after = kabar_outbox_test_list_outbox (fixture->service);
  g_assert_cmpuint (after->len, ==, 0);
  /* Exactly once. */
  wait_on_server (fixture->user, "Sent", message_id, 1);
  g_assert_cmpuint (count_on_server (bob, "INBOX", message_id), ==, 1);
  g_assert_cmpuint (fixture->sent->len, ==, 1);
  g_assert_cmpuint (fixture->failures, ==, 0);
}

static void
add (const char    *path,
     gconstpointer  data,
     void         (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, fixture_set_up, test, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_enable_oauth2 (bed);
  kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT | KABAR_TEST_BED_POSTFIX, &error);
  g_assert_no_error (error);
  server = kabar_oauth_server_new (bed, &error);
  g_assert_no_error (error);
  kabar_oauth_server_add_client (server, KABAR_OAUTH2_TEST_CLIENT_ID);

  add ("/oauth2/services/imap-syncs", NULL, test_imap_syncs);
  add ("/oauth2/services/pop3-downloads", NULL, test_pop3_downloads);
  add ("/oauth2/services/sends-over-submission", GINT_TO_POINTER (KABAR_TEST_BED_PORT_SUBMISSION), test_sends);
  add ("/oauth2/services/sends-over-submissions", GINT_TO_POINTER (KABAR_TEST_BED_PORT_SUBMISSIONS), test_sends);
  add ("/oauth2/services/short-lived-tokens", NULL, test_short_lived_tokens);
  add ("/oauth2/services/revoked", NULL, test_revoked);
  status = g_test_run ();

  kabar_oauth_server_free (server);
  kabar_test_bed_stop (bed);
  g_clear_object (&bed);
  return status;
}
