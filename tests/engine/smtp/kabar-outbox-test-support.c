/* kabar-outbox-test-support.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "kabar-outbox-test-support.h"
#include "kabar-secrets.h"
#include "kabar-test-client.h"
#include "kabar-test-wait.h"

#define WAIT_SECONDS 60

static KabarTestBed *shared_bed;

KabarTestBed *
kabar_outbox_test_get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  /* As providers do: Postfix asks Dovecot's LMTP whether a local
   * address exists. */
  kabar_test_bed_add_postfix_config (shared_bed,
                                     "smtpd_recipient_restrictions = reject_unverified_recipient\n"
                                     "unverified_recipient_reject_code = 550\n");
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT | KABAR_TEST_BED_POSTFIX, &error);
  g_assert_no_error (error);
  return shared_bed;
}

char *
kabar_outbox_test_new_user (const char *prefix)
{
  static guint counter;
  char *user = g_strdup_printf ("%s%u-%d@%s", prefix, ++counter, (int) getpid (),
                                KABAR_TEST_BED_DOMAIN);

  kabar_test_bed_add_user (kabar_outbox_test_get_bed (), user, KABAR_OUTBOX_TEST_PASSWORD);
  return user;
}

static void
store_password (const char      *account_id,
                KabarSecretKind  kind,
                const char      *password)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_secrets_store_async (account_id, kind, "Kabar test", password, NULL,
                             kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_secrets_store_finish (result, &error));
  g_assert_no_error (error);
}

KabarAccount *
kabar_outbox_test_new_account (const char       *user,
                               KabarTestBedPort  port)
{
  KabarTestBed *bed = kabar_outbox_test_get_bed ();
  KabarAccount *account = kabar_account_new ();

  kabar_account_set_display_name (account, "Dewi");
  kabar_account_set_address (account, user);
  kabar_account_set_incoming_kind (account, KABAR_INCOMING_IMAP);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST,
                            kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                            KABAR_SECURITY_IMPLICIT_TLS, user);
  kabar_account_set_server (account, KABAR_SERVER_OUTGOING, KABAR_TEST_BED_HOST,
                            kabar_test_bed_get_port (bed, port),
                            port == KABAR_TEST_BED_PORT_SUBMISSION ? KABAR_SECURITY_STARTTLS
                                                                   : KABAR_SECURITY_IMPLICIT_TLS,
                            user);
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_INCOMING,
                                        kabar_test_bed_get_certificate (bed));
  kabar_account_set_pinned_certificate (account, KABAR_SERVER_OUTGOING,
                                        kabar_test_bed_get_certificate (bed));
  store_password (kabar_account_get_id (account), KABAR_SECRET_IMAP, KABAR_OUTBOX_TEST_PASSWORD);
  store_password (kabar_account_get_id (account), KABAR_SECRET_SMTP, KABAR_OUTBOX_TEST_PASSWORD);
  return account;
}

void
kabar_outbox_test_set_smtp_password (KabarAccount *account,
                                     const char   *password)
{
  store_password (kabar_account_get_id (account), KABAR_SECRET_SMTP, password);
}

KabarOutgoingMessage *
kabar_outbox_test_new_message (const char *from,
                               const char *to,
                               const char *subject)
{
  KabarOutgoingMessage *message = kabar_outgoing_message_new ();

  kabar_outgoing_message_set_from (message, "Dewi", from);
  kabar_outgoing_message_add_address (message, KABAR_OUTGOING_TO, NULL, to);
  kabar_outgoing_message_set_subject (message, subject);
  kabar_outgoing_message_set_text (message, "Halo,\nsampai besok.\n");
  return message;
}

/* --- what the server holds ------------------------------------------------------- */

static KabarTestClient *
sign_in (const char *user)
{
  g_autoptr(GError) error = NULL;
  KabarTestBed *bed = kabar_outbox_test_get_bed ();
  KabarTestClient *client =
    kabar_test_client_connect (KABAR_TEST_BED_HOST,
                               kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                               KABAR_TEST_CLIENT_IMPLICIT_TLS,
                               kabar_test_bed_get_certificate (bed), &error);
  g_autoptr(GPtrArray) lines = NULL;

  g_assert_no_error (error);
  lines = kabar_test_client_imap (client, &error, "LOGIN \"%s\" \"%s\"", user,
                                  KABAR_OUTBOX_TEST_PASSWORD);
  g_assert_no_error (error);
  g_assert_true (strstr (g_ptr_array_index (lines, lines->len - 1), " OK") != NULL);
  return client;
}

static const char *
last_line (GPtrArray *lines)
{
  return g_ptr_array_index (lines, lines->len - 1);
}

/* The UIDs of the folder's messages with the Message-ID; NULL when the
 * folder does not exist. */
static GArray *
search (KabarTestClient *client,
        const char      *folder,
        const char      *message_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) selected = kabar_test_client_imap (client, &error, "EXAMINE \"%s\"", folder);
  g_autoptr(GPtrArray) found = NULL;
  GArray *uids;

  g_assert_no_error (error);
  if (strstr (last_line (selected), " OK") == NULL)
    return NULL;
  found = kabar_test_client_imap (client, &error, "UID SEARCH HEADER Message-ID \"<%s>\"", message_id);
  g_assert_no_error (error);
  uids = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < found->len; i++)
    {
      const char *line = g_ptr_array_index (found, i);
      g_auto(GStrv) words = NULL;

      if (!g_str_has_prefix (line, "* SEARCH"))
        continue;
      words = g_strsplit (line + strlen ("* SEARCH"), " ", -1);
      for (guint j = 0; words[j] != NULL; j++)
        if (*words[j] != '\0')
          {
            guint uid = (guint) g_ascii_strtoull (words[j], NULL, 10);

            g_array_append_val (uids, uid);
          }
    }
  return uids;
}

gint64
kabar_outbox_test_send (KabarMailService     *service,
                        KabarOutgoingMessage *message,
                        gint64                draft)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  kabar_mail_service_send_async (service, message, draft, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  id = kabar_mail_service_send_finish (service, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

GPtrArray *
kabar_outbox_test_list_outbox (KabarMailService *service)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  kabar_mail_service_list_outbox_async (service, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  entries = kabar_mail_service_list_outbox_finish (service, result, &error);
  g_assert_no_error (error);
  return entries;
}

int
kabar_outbox_test_count (const char *user,
                         const char *folder,
                         const char *message_id)
{
  g_autoptr(KabarTestClient) client = sign_in (user);
  g_autoptr(GArray) uids = search (client, folder, message_id);

  kabar_test_client_close (client, NULL);
  return uids != NULL ? (int) uids->len : -1;
}

static GBytes *
fetch_uid (KabarTestClient  *client,
           guint             uid,
           char            **flags)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  const char *open;
  const char *literal;
  GBytes *bytes;

  kabar_test_client_send_linef (client, &error, "f1 UID FETCH %u (FLAGS BODY.PEEK[])", uid);
  g_assert_no_error (error);
  line = kabar_test_client_read_line (client, &error);
  g_assert_no_error (error);
  open = strstr (line, "FLAGS (");
  g_assert_nonnull (open);
  *flags = g_strndup (open + strlen ("FLAGS ("), strcspn (open + strlen ("FLAGS ("), ")"));
  literal = strrchr (line, '{');
  g_assert_nonnull (literal);
  bytes = kabar_test_client_read_bytes (client, g_ascii_strtoull (literal + 1, NULL, 10), &error);
  g_assert_no_error (error);
  rest = kabar_test_client_read_until (client, "f1 ", &error);
  g_assert_no_error (error);
  return bytes;
}

GBytes *
kabar_outbox_test_fetch (const char  *user,
                         const char  *folder,
                         const char  *message_id,
                         char       **flags)
{
  g_autoptr(KabarTestClient) client = sign_in (user);
  g_autoptr(GArray) uids = search (client, folder, message_id);
  g_autofree char *found_flags = NULL;
  GBytes *bytes = NULL;

  if (uids != NULL && uids->len > 0)
    bytes = fetch_uid (client, g_array_index (uids, guint, 0), &found_flags);
  kabar_test_client_close (client, NULL);
  if (flags != NULL)
    *flags = g_steal_pointer (&found_flags);
  return bytes;
}

void
kabar_outbox_test_wait_count (const char *user,
                              const char *folder,
                              const char *message_id,
                              int         want)
{
  gint64 start = g_get_monotonic_time ();
  int count;

  while ((count = kabar_outbox_test_count (user, folder, message_id)) != want)
    {
      if (kabar_test_seconds_since (start) > WAIT_SECONDS)
        g_error ("%s of %s never held %d messages <%s> (it holds %d)", folder, user, want,
                 message_id, count);
      kabar_test_spin (200);
    }
}
