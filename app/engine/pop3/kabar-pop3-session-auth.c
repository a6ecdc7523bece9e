/* kabar-pop3-session-auth.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signing in: AUTH with SASL (RFC 5034), or USER and PASS.
 */

#include "config.h"

#include <string.h>

#include "kabar-pop3-session-private.h"

/* RFC 5034 §4: a command line may not exceed 255 octets with its CRLF;
 * a longer initial response waits for the server's "+". */
#define MAX_COMMAND_LINE 255

typedef struct
{
  KabarSaslMechanism  mechanism;     /* NONE for USER and PASS */
  char               *user;
  char               *secret;
  guint               step;          /* the "+" answered so far */
  gboolean            initial_sent;
  char               *token_status;  /* from an OAuth error challenge */
  GTask              *task;
} Auth;

static void
auth_free (Auth *auth)
{
  g_free (auth->user);
  kabar_pop3_wipe_string (auth->secret);
  g_free (auth->token_status);
  g_clear_object (&auth->task);
  g_free (auth);
}

static void
auth_return_error (Auth   *auth,
                   GError *error)
{
  g_task_return_error (auth->task, error);
  auth_free (auth);
}

/* --- after the sign-in --------------------------------------------------- */

static void
on_capabilities_after_sign_in (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  Auth *auth = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      auth_return_error (auth, error);
      return;
    }
  g_task_return_boolean (auth->task, TRUE);
  auth_free (auth);
}

static void
signed_in (KabarPop3Session *self,
           Auth             *auth)
{
  kabar_pop3_session_set_authenticated (self);
  /* What the server offers changes with the sign-in (RFC 2449 §5). */
  kabar_pop3_session_read_capabilities (self, g_task_new (self, g_task_get_cancellable (auth->task),
                                                          on_capabilities_after_sign_in, auth));
}

static void
sign_in_done (KabarPop3Session *self,
              KabarPop3Command *command,
              GError           *error)
{
  Auth *auth = g_steal_pointer (&command->owner);

  if (error != NULL && auth->token_status != NULL)
    {
      GError *with_status = g_error_new (error->domain, error->code, "%s (the token's status: %s)",
                                         error->message, auth->token_status);

      g_error_free (error);
      error = with_status;
    }
  if (error != NULL)
    {
      auth_return_error (auth, error);
      return;
    }
  signed_in (self, auth);
}

/* --- AUTH ----------------------------------------------------------------- */

static char *
initial_response (KabarPop3Session *self,
                  Auth             *auth)
{
  KabarConnection *connection = kabar_pop3_session_get_connection (self);

  return kabar_sasl_initial_response (auth->mechanism, auth->user, auth->secret,
                                      kabar_connection_get_host (connection),
                                      kabar_connection_get_port (connection));
}

/* An OAuth server's "+ <base64 JSON>" after the token: it was refused,
 * and the server waits for an answer before its failure. */
static char *
answer_oauth_challenge (Auth       *auth,
                        const char *challenge)
{
  g_free (auth->token_status);
  return kabar_sasl_answer_oauth_challenge (auth->mechanism, challenge, &auth->token_status);
}

static void
auth_continue (KabarPop3Session *self,
               KabarPop3Command *command,
               const char       *challenge)
{
  Auth *auth = command->owner;
  char *answer = NULL;

  switch (auth->mechanism)
    {
    case KABAR_SASL_MECHANISM_LOGIN:
      if (auth->step < 2)
        answer = kabar_sasl_login_response (auth->step, auth->user, auth->secret);
      break;
    case KABAR_SASL_MECHANISM_PLAIN:
    case KABAR_SASL_MECHANISM_XOAUTH2:
    case KABAR_SASL_MECHANISM_OAUTHBEARER:
      if (!auth->initial_sent)
        {
          answer = initial_response (self, auth);
          auth->initial_sent = TRUE;
        }
      else if (auth->mechanism != KABAR_SASL_MECHANISM_PLAIN && auth->step < 2)
        answer = answer_oauth_challenge (auth, challenge);
      break;
    case KABAR_SASL_MECHANISM_NONE:
    default:
      break;
    }
  auth->step++;
  /* A challenge the mechanism has no answer for: "*" cancels the
   * exchange and the server's -ERR follows (RFC 5034 §4). */
  kabar_pop3_session_write_secret (self, answer != NULL ? answer : g_strdup ("*"));
}

static KabarPop3Command *
auth_command (KabarPop3Session *self,
              Auth             *auth)
{
  const char *name = kabar_sasl_mechanism_to_string (auth->mechanism);
  g_autofree char *line = g_strdup_printf ("AUTH %s", name);
  KabarPop3Command *command;

  /* Only PLAIN goes with the command: Outlook.com takes XOAUTH2 only
   * after its "+", and tokens are too long for the line anyway. */
  if (auth->mechanism == KABAR_SASL_MECHANISM_PLAIN)
    {
      char *initial = initial_response (self, auth);

      if (strlen (line) + 1 + strlen (initial) + 2 <= MAX_COMMAND_LINE)
        {
          char *with_initial = g_strdup_printf ("%s %s", line, initial);

          kabar_pop3_wipe_string (g_steal_pointer (&line));
          line = with_initial;
          auth->initial_sent = TRUE;
        }
      kabar_pop3_wipe_string (initial);
    }
  command = kabar_pop3_command_new (line, KABAR_POP3_COMMAND_BARRIER | KABAR_POP3_COMMAND_SECRET |
                                    KABAR_POP3_COMMAND_CONVERSATION);
  kabar_pop3_wipe_string (g_steal_pointer (&line));
  command->continuation = auth_continue;
  return command;
}

/* --- USER and PASS ----------------------------------------------------------- */

static void
user_done (KabarPop3Session *self,
           KabarPop3Command *command,
           GError           *error)
{
  Auth *auth = g_steal_pointer (&command->owner);
  g_autofree char *line = NULL;
  KabarPop3Command *pass;

  if (error != NULL)
    {
      auth_return_error (auth, error);
      return;
    }
  line = g_strdup_printf ("PASS %s", auth->secret);
  pass = kabar_pop3_command_new (line, KABAR_POP3_COMMAND_BARRIER | KABAR_POP3_COMMAND_SECRET);
  kabar_pop3_wipe_string (g_steal_pointer (&line));
  pass->refusal = KABAR_POP3_REFUSAL_SIGN_IN;
  pass->owner = auth;
  pass->owner_free = (GDestroyNotify) auth_free;
  pass->done = sign_in_done;
  kabar_pop3_session_submit (self, pass, g_task_get_cancellable (auth->task));
}

static KabarPop3Command *
user_command (Auth *auth)
{
  g_autofree char *line = g_strdup_printf ("USER %s", auth->user);
  KabarPop3Command *command = kabar_pop3_command_new (line, KABAR_POP3_COMMAND_BARRIER);

  command->done = user_done;
  return command;
}

/* --- choosing ---------------------------------------------------------------- */

/* The mechanisms of CAPA's "SASL" line. */
static GStrv
advertised_mechanisms (KabarPop3Session *self)
{
  const char * const *capabilities = kabar_pop3_session_get_capabilities (self);

  for (guint i = 0; capabilities[i] != NULL; i++)
    if (g_str_has_prefix (capabilities[i], "SASL "))
      return g_strsplit_set (capabilities[i] + strlen ("SASL "), " ", -1);
  return g_new0 (char *, 1);
}

static GError *
no_way_to_sign_in (KabarPop3Session    *self,
                   KabarSaslCredential  credential)
{
  if (credential == KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN)
    return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_LOGIN_DISABLED,
                        "%s offers no way to sign in with an OAuth2 token (no XOAUTH2 or OAUTHBEARER)",
                        kabar_pop3_session_get_peer (self));
  return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_LOGIN_DISABLED,
                      "%s offers no way to sign in with a password (no USER, PLAIN or LOGIN)",
                      kabar_pop3_session_get_peer (self));
}

static gboolean
may_use_user_pass (KabarPop3Session *self)
{
  /* A server without CAPA says nothing, and USER is the base protocol. */
  return kabar_pop3_session_get_capabilities (self)[0] == NULL ||
         kabar_pop3_session_has_capability (self, "USER");
}

void
kabar_pop3_session_authenticate_async (KabarPop3Session    *self,
                                       KabarSaslCredential  credential,
                                       const char          *user,
                                       const char          *secret,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_auto(GStrv) mechanisms = NULL;
  KabarPop3Command *command;
  Auth *auth;

  g_return_if_fail (KABAR_IS_POP3_SESSION (self));
  g_return_if_fail (user != NULL && secret != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_pop3_session_authenticate_async);
  if (kabar_pop3_session_is_authenticated (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  mechanisms = advertised_mechanisms (self);
  auth = g_new0 (Auth, 1);
  auth->mechanism = kabar_sasl_choose_mechanism ((const char * const *) mechanisms, credential);
  auth->user = g_strdup (user);
  auth->secret = g_strdup (secret);
  auth->task = g_steal_pointer (&task);
  if (auth->mechanism != KABAR_SASL_MECHANISM_NONE)
    {
      command = auth_command (self, auth);
      command->done = sign_in_done;
    }
  else if (credential == KABAR_SASL_CREDENTIAL_PASSWORD && may_use_user_pass (self))
    command = user_command (auth);
  else
    {
      auth_return_error (auth, no_way_to_sign_in (self, credential));
      return;
    }
  command->refusal = KABAR_POP3_REFUSAL_SIGN_IN;
  command->owner = auth;
  command->owner_free = (GDestroyNotify) auth_free;
  kabar_pop3_session_submit (self, command, cancellable);
}

gboolean
kabar_pop3_session_authenticate_finish (KabarPop3Session  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
