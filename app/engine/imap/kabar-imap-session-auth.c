/* kabar-imap-session-auth.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signing in: AUTHENTICATE with SASL, or LOGIN, and what a refusal means.
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-session-private.h"
#include "kabar-net-error.h"

typedef struct
{
  KabarSaslMechanism  mechanism;     /* NONE for LOGIN */
  char               *user;
  char               *secret;
  guint               step;          /* the "+" answered so far */
  gboolean            initial_sent;
  char               *token_status;  /* from an OAuth error challenge */
} Auth;

static void
wipe_string (char *text)
{
  if (text == NULL)
    return;
  memset (text, 0, strlen (text));
  g_free (text);
}

static void
auth_free (Auth *auth)
{
  g_free (auth->user);
  wipe_string (auth->secret);
  g_free (auth->token_status);
  g_free (auth);
}

static void
wipe_bytes (gpointer data)
{
  wipe_string (data);
}

/* A line of SASL: takes text (a secret, maybe), wiped once written. */
static GBytes *
sasl_line (char *text)
{
  char *line = g_strconcat (text, "\r\n", NULL);

  wipe_string (text);
  return g_bytes_new_with_free_func (line, strlen (line), wipe_bytes, line);
}

/* Outlook.com: "NO Basic authentication is disabled." — no response code
 * says it, only the words. */
static gboolean
says_basic_auth_disabled (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);

  return strstr (lower, "basic auth") != NULL &&
         (strstr (lower, "disabled") != NULL || strstr (lower, "blocked") != NULL);
}

static GError *
auth_error (KabarImapSession  *self,
            KabarImapCommand  *command,
            KabarImapResponse *tagged)
{
  Auth *auth = command->data;
  g_autofree char *text = g_utf8_make_valid (kabar_imap_response_get_text (tagged), -1);
  g_autofree char *status = auth->token_status != NULL
                            ? g_strdup_printf (" (the token's status: %s)", auth->token_status)
                            : g_strdup ("");

  if (says_basic_auth_disabled (text))
    return g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BASIC_AUTH_DISABLED,
                        "%s does not accept passwords: %s", self->peer, text);
  if (kabar_imap_response_get_status (tagged) == KABAR_IMAP_STATUS_BAD)
    return kabar_imap_session_reply_error (self, command, tagged);
  if (kabar_imap_response_get_code (tagged) == KABAR_IMAP_CODE_UNAVAILABLE)
    return g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_UNAVAILABLE,
                        "%s cannot check the sign-in now: %s", self->peer, text);
  return g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED,
                      "%s refused the sign-in: %s%s", self->peer, text, status);
}

static void
auth_done (KabarImapSession  *self,
           KabarImapCommand  *command,
           KabarImapResponse *tagged)
{
  if (kabar_imap_response_get_status (tagged) != KABAR_IMAP_STATUS_OK)
    {
      kabar_imap_command_return_error (command, auth_error (self, command, tagged));
      return;
    }
  /* What the server offers changes with the sign-in: without a list in the
   * reply, the old one is not to be used. */
  if (kabar_imap_response_get_code (tagged) != KABAR_IMAP_CODE_CAPABILITY)
    kabar_imap_session_forget_capabilities (self);
  kabar_imap_session_set_state (self, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
  kabar_imap_command_return_boolean (command);
}

static char *
initial_response (KabarImapSession *self,
                  Auth             *auth)
{
  KabarConnection *connection = kabar_imap_session_get_connection (self);

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
auth_continue (KabarImapSession  *self,
               KabarImapCommand  *command,
               KabarImapResponse *response)
{
  Auth *auth = command->data;
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
        answer = answer_oauth_challenge (auth, kabar_imap_response_get_text (response));
      break;
    case KABAR_SASL_MECHANISM_NONE:
    default:
      break;
    }
  auth->step++;
  /* A prompt the mechanism has no answer for: "*" ends the exchange, and
   * the server's BAD follows (RFC 3501 §6.2.2). */
  kabar_imap_session_write (self, sasl_line (answer != NULL ? answer : g_strdup ("*")));
}

static KabarImapCommand *
authenticate_command (KabarImapSession *self,
                      Auth             *auth)
{
  const char *name = kabar_sasl_mechanism_to_string (auth->mechanism);
  g_autofree char *command_name = g_strdup_printf ("AUTHENTICATE %s", name);
  KabarImapCommand *command;
  char *initial = NULL;

  command = kabar_imap_session_new_command (self, command_name,
                                            KABAR_IMAP_COMMAND_BARRIER | KABAR_IMAP_COMMAND_SECRET |
                                            KABAR_IMAP_COMMAND_CONVERSATION);
  command->continuation = auth_continue;
  if (kabar_imap_session_has_capability (self, "SASL-IR"))
    initial = initial_response (self, auth);
  if (initial != NULL)
    {
      /* RFC 4959: an empty initial response is "=". */
      kabar_imap_command_add_atom (command, *initial != '\0' ? initial : "=");
      wipe_string (initial);
      auth->initial_sent = TRUE;
    }
  return command;
}

static KabarImapCommand *
login_command (KabarImapSession *self,
               Auth             *auth)
{
  KabarImapCommand *command = kabar_imap_session_new_command (self, "LOGIN",
                                                              KABAR_IMAP_COMMAND_BARRIER |
                                                              KABAR_IMAP_COMMAND_SECRET);

  kabar_imap_command_add_string (command, auth->user);
  kabar_imap_command_add_string (command, auth->secret);
  return command;
}

/* The mechanisms of the AUTH= capabilities, without the prefix. */
static GStrv
advertised_mechanisms (KabarImapSession *self)
{
  const char * const *capabilities = kabar_imap_session_get_capabilities (self);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; capabilities[i] != NULL; i++)
    if (g_str_has_prefix (capabilities[i], "AUTH="))
      g_strv_builder_add (builder, capabilities[i] + strlen ("AUTH="));
  return g_strv_builder_end (builder);
}

static GError *
no_way_to_sign_in (KabarImapSession    *self,
                   KabarSaslCredential  credential)
{
  if (credential == KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN)
    return g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_LOGIN_DISABLED,
                        "%s offers no way to sign in with an OAuth2 token (no XOAUTH2 or OAUTHBEARER)",
                        self->peer);
  return g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_LOGIN_DISABLED,
                      "%s offers no way to sign in with a password (LOGINDISABLED and no PLAIN or LOGIN)",
                      self->peer);
}

static void
on_capabilities_after_sign_in (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_auto(GStrv) capabilities = kabar_imap_session_capability_finish (KABAR_IMAP_SESSION (source), result, &error);

  if (capabilities == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarImapSession *self = KABAR_IMAP_SESSION (source);
  GCancellable *cancellable;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (kabar_imap_session_has_capabilities (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  kabar_imap_session_capability_async (self, cancellable, on_capabilities_after_sign_in, g_steal_pointer (&task));
}

void
kabar_imap_session_authenticate_async (KabarImapSession    *self,
                                       const char          *user,
                                       const char          *secret,
                                       KabarSaslCredential  credential,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_auto(GStrv) mechanisms = NULL;
  KabarImapCommand *command;
  Auth *auth;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (user != NULL && secret != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_imap_session_authenticate_async);
  /* After PREAUTH there is nobody to sign in as. */
  if (self->state == KABAR_IMAP_SESSION_STATE_AUTHENTICATED || self->state == KABAR_IMAP_SESSION_STATE_SELECTED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  mechanisms = advertised_mechanisms (self);
  auth = g_new0 (Auth, 1);
  auth->mechanism = kabar_sasl_choose_mechanism ((const char * const *) mechanisms, credential);
  auth->user = g_strdup (user);
  auth->secret = g_strdup (secret);
  if (auth->mechanism != KABAR_SASL_MECHANISM_NONE)
    command = authenticate_command (self, auth);
  else if (credential == KABAR_SASL_CREDENTIAL_PASSWORD && !kabar_imap_session_has_capability (self, "LOGINDISABLED"))
    command = login_command (self, auth);
  else
    {
      auth_free (auth);
      g_task_return_error (task, no_way_to_sign_in (self, credential));
      return;
    }
  command->done = auth_done;
  kabar_imap_command_set_data (command, auth, (GDestroyNotify) auth_free);
  kabar_imap_session_submit (self, command, cancellable, on_signed_in, g_steal_pointer (&task),
                             kabar_imap_session_authenticate_async);
}

gboolean
kabar_imap_session_authenticate_finish (KabarImapSession  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
