/* kabar-pop3-test.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-pop3-test.h"
#include "kabar-test-wait.h"

#define WAIT(call) \
  GAsyncResult *slot = NULL; \
  g_autoptr(GAsyncResult) result = NULL; \
  call; \
  result = kabar_test_wait (&slot)

KabarPop3Session *
kabar_pop3_test_connect (const char       *host,
                         guint16           port,
                         KabarSecurity     security,
                         GTlsCertificate  *pinned,
                         GError          **error)
{
  WAIT (kabar_pop3_session_connect_async (host, port, security, pinned, 20, NULL, kabar_test_wait_done, &slot));
  return kabar_pop3_session_connect_finish (result, NULL, error);
}

gboolean
kabar_pop3_test_authenticate (KabarPop3Session     *session,
                              KabarSaslCredential   credential,
                              const char           *user,
                              const char           *secret,
                              GError              **error)
{
  WAIT (kabar_pop3_session_authenticate_async (session, credential, user, secret, NULL, kabar_test_wait_done, &slot));
  return kabar_pop3_session_authenticate_finish (session, result, error);
}

gboolean
kabar_pop3_test_stat (KabarPop3Session  *session,
                      guint             *count,
                      guint64           *size,
                      GError           **error)
{
  WAIT (kabar_pop3_session_stat_async (session, NULL, kabar_test_wait_done, &slot));
  return kabar_pop3_session_stat_finish (session, result, count, size, error);
}

GArray *
kabar_pop3_test_list (KabarPop3Session  *session,
                      gboolean           uidl,
                      GError           **error)
{
  WAIT ((uidl ? kabar_pop3_session_uidl_async : kabar_pop3_session_list_async) (session, NULL, kabar_test_wait_done,
                                                                                 &slot));
  return kabar_pop3_session_list_finish (session, result, error);
}

char *
kabar_pop3_test_uidl_one (KabarPop3Session  *session,
                          guint              msgno,
                          GError           **error)
{
  WAIT (kabar_pop3_session_uidl_one_async (session, msgno, NULL, kabar_test_wait_done, &slot));
  return kabar_pop3_session_uidl_one_finish (session, result, error);
}

GBytes *
kabar_pop3_test_retr (KabarPop3Session  *session,
                      guint              msgno,
                      gboolean           top,
                      guint              lines,
                      GError           **error)
{
  WAIT (top ? kabar_pop3_session_top_async (session, msgno, lines, NULL, kabar_test_wait_done, &slot)
            : kabar_pop3_session_retr_async (session, msgno, NULL, kabar_test_wait_done, &slot));
  return kabar_pop3_session_retr_finish (session, result, error);
}

gboolean
kabar_pop3_test_retr_to_stream (KabarPop3Session  *session,
                                guint              msgno,
                                GOutputStream     *output,
                                guint64           *size,
                                GError           **error)
{
  WAIT (kabar_pop3_session_retr_to_stream_async (session, msgno, output, NULL, kabar_test_wait_done, &slot));
  return kabar_pop3_session_retr_to_stream_finish (session, result, size, error);
}

typedef struct
{
  GPtrArray *messages;
  GArray    *msgnos;
} Collected;

static void
collect (KabarPop3Session *session,
         guint             msgno,
         GBytes           *message,
         const GError     *error,
         gpointer          user_data)
{
  Collected *collected = user_data;

  g_ptr_array_add (collected->messages, message != NULL ? g_bytes_ref (message) : NULL);
  g_array_append_val (collected->msgnos, msgno);
}

GPtrArray *
kabar_pop3_test_retrieve (KabarPop3Session  *session,
                          const guint       *msgnos,
                          guint              n,
                          GArray           **delivered,
                          GError           **error)
{
  Collected collected = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref),
                          g_array_new (FALSE, FALSE, sizeof (guint)) };
  gboolean ok;

  {
    WAIT (kabar_pop3_session_retrieve_async (session, msgnos, n, collect, &collected, NULL, NULL,
                                             kabar_test_wait_done, &slot));
    ok = kabar_pop3_session_retrieve_finish (session, result, error);
  }
  if (delivered != NULL)
    *delivered = g_array_ref (collected.msgnos);
  g_array_unref (collected.msgnos);
  if (!ok)
    {
      g_ptr_array_unref (collected.messages);
      return NULL;
    }
  return collected.messages;
}

gboolean
kabar_pop3_test_command (KabarPop3Session      *session,
                         KabarPop3TestCommand   command,
                         GError               **error)
{
  WAIT (command (session, NULL, kabar_test_wait_done, &slot));
  return kabar_pop3_session_command_finish (session, result, error);
}

gboolean
kabar_pop3_test_dele (KabarPop3Session  *session,
                      guint              msgno,
                      GError           **error)
{
  WAIT (kabar_pop3_session_dele_async (session, msgno, NULL, kabar_test_wait_done, &slot));
  return kabar_pop3_session_command_finish (session, result, error);
}

GBytes *
kabar_pop3_test_message (const char *text)
{
  GString *crlf = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append_c (crlf, '\r');
      g_string_append_c (crlf, *p);
    }
  return g_string_free_to_bytes (crlf);
}

void
kabar_pop3_test_assert_script (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  if (!kabar_scripted_server_wait (server, &error))
    {
      g_autofree char *transcript = kabar_scripted_server_dup_transcript (server);

      g_test_message ("transcript:\n%s", transcript);
    }
  g_assert_no_error (error);
}
