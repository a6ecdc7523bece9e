/* kabar-smtp-test-client.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-smtp-test-client.h"
#include "kabar-test-wait.h"

KabarSmtpClient *
kabar_smtp_test_try_connect (const char       *host,
                             guint16           port,
                             KabarSecurity     security,
                             GTlsCertificate  *pinned,
                             GError          **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_smtp_client_connect_async (host, port, security, pinned, 30, "client.kabar.test", NULL,
                                   kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_smtp_client_connect_finish (result, NULL, error);
}

gboolean
kabar_smtp_test_try_authenticate (KabarSmtpClient      *client,
                                  KabarSaslCredential   credential,
                                  const char           *user,
                                  const char           *secret,
                                  GError              **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_smtp_client_authenticate_async (client, credential, user, secret, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_smtp_client_authenticate_finish (client, result, error);
}

gboolean
kabar_smtp_test_try_send_data (KabarSmtpClient     *client,
                               const char          *from,
                               const char * const  *recipients,
                               GBytes              *message,
                               GError             **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_smtp_client_send_data_async (client, from, recipients, message, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_smtp_client_send_data_finish (client, result, error);
}

gboolean
kabar_smtp_test_try_finish_data (KabarSmtpClient         *client,
                                 KabarSmtpDeliveryState  *state,
                                 GError                 **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_smtp_client_finish_data_async (client, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_smtp_client_finish_data_finish (client, result, state, error);
}

gboolean
kabar_smtp_test_try_send (KabarSmtpClient         *client,
                          const char              *from,
                          const char * const      *recipients,
                          GBytes                  *message,
                          KabarSmtpDeliveryState  *state,
                          GError                 **error)
{
  KabarSmtpDeliveryState ignored;

  if (state == NULL)
    state = &ignored;
  *state = KABAR_SMTP_DELIVERY_NOT_SENT;
  if (!kabar_smtp_test_try_send_data (client, from, recipients, message, error))
    {
      if (error != NULL && *error != NULL)
        g_test_message ("send_data: %s", (*error)->message);
      g_assert_cmpint (kabar_smtp_client_get_delivery_state (client), ==, KABAR_SMTP_DELIVERY_NOT_SENT);
      return FALSE;
    }
  g_assert_cmpint (kabar_smtp_client_get_delivery_state (client), ==, KABAR_SMTP_DELIVERY_NOT_SENT);
  return kabar_smtp_test_try_finish_data (client, state, error);
}

gboolean
kabar_smtp_test_try_reset (KabarSmtpClient  *client,
                           GError          **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_smtp_client_reset_async (client, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  return kabar_smtp_client_reset_finish (client, result, error);
}

void
kabar_smtp_test_quit (KabarSmtpClient *client)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_smtp_client_quit_async (client, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_smtp_client_quit_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_connection_is_closed (kabar_smtp_client_get_connection (client)));
}

KabarSmtpClient *
kabar_smtp_test_try_connect_scripted (KabarScriptedServer  *server,
                                      KabarSecurity         security,
                                      GError              **error)
{
  return kabar_smtp_test_try_connect ("127.0.0.1", kabar_scripted_server_get_port (server), security,
                                      kabar_scripted_server_get_certificate (server), error);
}

void
kabar_smtp_test_assert_script (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  if (!kabar_scripted_server_wait (server, &error))
    {
      g_autofree char *transcript = kabar_scripted_server_dup_transcript (server);

      g_test_message ("transcript:\n%s", transcript);
    }
  g_assert_no_error (error);
}
