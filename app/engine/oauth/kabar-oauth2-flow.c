/* kabar-oauth2-flow.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The browser sign-in: authorization code with PKCE (RFC 7636), the
 * redirect caught by a listener on 127.0.0.1 (RFC 8252). The browser gets
 * its answer page only once the code is exchanged, so the page can say
 * what failed.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kabar-oauth2-private.h"
#include "kabar-secrets.h"

/* A browser's request line and headers are far shorter; anything longer
 * is not a browser coming back. */
#define MAX_LINE_LENGTH 16384
#define MAX_HEADER_LINES 100

struct _KabarOAuth2Flow
{
  GObject parent_instance;

  KabarAccount     *account;
  GSocketService   *service;
  char             *client_id;
  char             *token_uri;
  char             *server_name;
  char             *redirect_uri;
  char             *verifier;
  char             *state;
  /* The browser connection being answered. */
  GSocketConnection *connection;
  /* The caller of wait_async, and the outcome once there is one (the
   * browser may come back before wait_async is called). */
  GTask            *wait_task;
  GSource          *cancelled_source;
  gboolean          finished;
  char             *access_token;
  GError           *error;
};

G_DEFINE_FINAL_TYPE (KabarOAuth2Flow, kabar_oauth2_flow, G_TYPE_OBJECT)

static void
stop_listening (KabarOAuth2Flow *self)
{
  if (self->service == NULL)
    return;
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);
}

static void
kabar_oauth2_flow_dispose (GObject *object)
{
  KabarOAuth2Flow *self = KABAR_OAUTH2_FLOW (object);

  stop_listening (self);
  if (self->cancelled_source != NULL)
    g_source_destroy (self->cancelled_source);
  g_clear_pointer (&self->cancelled_source, g_source_unref);
  g_clear_object (&self->wait_task);
  g_clear_object (&self->connection);
  g_clear_object (&self->account);
  G_OBJECT_CLASS (kabar_oauth2_flow_parent_class)->dispose (object);
}

static void
kabar_oauth2_flow_finalize (GObject *object)
{
  KabarOAuth2Flow *self = KABAR_OAUTH2_FLOW (object);

  g_free (self->client_id);
  g_free (self->token_uri);
  g_free (self->server_name);
  g_free (self->redirect_uri);
  g_free (self->verifier);
  g_free (self->state);
  kabar_secrets_free (self->access_token);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (kabar_oauth2_flow_parent_class)->finalize (object);
}

static void
kabar_oauth2_flow_class_init (KabarOAuth2FlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_oauth2_flow_dispose;
  object_class->finalize = kabar_oauth2_flow_finalize;
}

static void
kabar_oauth2_flow_init (KabarOAuth2Flow *self)
{
}

KabarOAuth2Flow *
kabar_oauth2_flow_new (KabarAccount *account)
{
  KabarOAuth2Flow *self;

  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), NULL);

  self = g_object_new (KABAR_TYPE_OAUTH2_FLOW, NULL);
  self->account = g_object_ref (account);
  return self;
}

/* --- PKCE ------------------------------------------------------------------------ */

static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);
  char *end;

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  end = strchr (text, '=');
  if (end != NULL)
    *end = '\0';
  return text;
}

/* 32 random bytes: 43 characters, the least RFC 7636 allows. */
static char *
random_string (void)
{
  guint32 words[8];

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    words[i] = g_random_int ();
  return base64url ((const guint8 *) words, sizeof words);
}

static char *
code_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  return base64url (digest, length);
}

/* --- start -------------------------------------------------------------------------- */

static guint16
listen_on_loopback (KabarOAuth2Flow  *self,
                    GError          **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, error))
    {
      g_prefix_error (error, "Could not listen for the browser on 127.0.0.1: ");
      g_clear_object (&self->service);
      return 0;
    }
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

static gboolean on_incoming (GSocketService    *service,
                             GSocketConnection *connection,
                             GObject           *source_object,
                             gpointer           user_data);

char *
kabar_oauth2_flow_start (KabarOAuth2Flow  *self,
                         GError          **error)
{
  const char *client_id;
  g_autofree char *authorize_uri = NULL;
  g_autofree char *challenge = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autofree char *encoded = NULL;
  guint16 port;

  g_return_val_if_fail (KABAR_IS_OAUTH2_FLOW (self), NULL);
  g_return_val_if_fail (self->service == NULL, NULL);

  client_id = kabar_oauth2_get_client_id (self->account, error);
  if (client_id == NULL)
    return NULL;
  authorize_uri = kabar_oauth2_get_endpoint (self->account, "authorize", error);
  if (authorize_uri == NULL)
    return NULL;
  port = listen_on_loopback (self, error);
  if (port == 0)
    return NULL;
  g_signal_connect_object (self->service, "incoming", G_CALLBACK (on_incoming), self, 0);

  g_free (self->client_id);
  self->client_id = g_strdup (client_id);
  g_free (self->token_uri);
  self->token_uri = kabar_oauth2_get_endpoint (self->account, "token", NULL);
  g_free (self->server_name);
  self->server_name = kabar_oauth2_get_server_name (self->account);
  g_free (self->redirect_uri);
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_free (self->verifier);
  self->verifier = random_string ();
  g_free (self->state);
  self->state = random_string ();
  challenge = code_challenge (self->verifier);

  query = g_hash_table_new (g_str_hash, g_str_equal);
  kabar_oauth2_form_add (query, "client_id", self->client_id);
  kabar_oauth2_form_add (query, "response_type", "code");
  kabar_oauth2_form_add (query, "redirect_uri", self->redirect_uri);
  kabar_oauth2_form_add (query, "response_mode", "query");
  kabar_oauth2_form_add (query, "scope",
                         kabar_oauth2_get_resource_scopes (kabar_oauth2_get_sign_in_resource (self->account)));
  kabar_oauth2_form_add (query, "state", self->state);
  kabar_oauth2_form_add (query, "code_challenge", challenge);
  kabar_oauth2_form_add (query, "code_challenge_method", "S256");
  if (kabar_account_get_address (self->account) != NULL)
    kabar_oauth2_form_add (query, "login_hint", kabar_account_get_address (self->account));
  encoded = soup_form_encode_hash (query);
  return g_strdup_printf ("%s?%s", authorize_uri, encoded);
}

/* --- the outcome -------------------------------------------------------------------- */

static void
return_outcome (KabarOAuth2Flow *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->wait_task == NULL || !self->finished)
    return;
  task = g_steal_pointer (&self->wait_task);
  if (self->cancelled_source != NULL)
    g_source_destroy (self->cancelled_source);
  g_clear_pointer (&self->cancelled_source, g_source_unref);
  if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&self->access_token), (GDestroyNotify) kabar_secrets_free);
}

static void
finish (KabarOAuth2Flow *self,
        char            *access_token,
        GError          *error)
{
  self->finished = TRUE;
  self->access_token = access_token;
  self->error = error;
  stop_listening (self);
  return_outcome (self);
}

/* --- answering the browser ----------------------------------------------------------- */

static char *
build_page (const GError *error)
{
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;
  const char *close_tab = _("You can close this tab and go back to Kabar.");

  if (error == NULL)
    text = g_strdup (close_tab);
  else
    {
      /* Translators: %s says what failed, in the sign-in server's words. */
      g_autofree char *failed = g_strdup_printf (_("Signing in failed: %s"), error->message);

      text = g_strdup_printf ("%s\n%s", failed, close_tab);
    }
  escaped = g_markup_escape_text (text, -1);
  return g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Kabar</title></head>\n"
                          "<body><p style=\"white-space: pre-line\">%s</p></body></html>\n", escaped);
}

typedef struct
{
  KabarOAuth2Flow   *flow;
  GSocketConnection *connection;
  char              *response;
} Answer;

static void
on_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Answer *answer = user_data;

  /* A browser that went away has nothing to be told. */
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (answer->connection), NULL, NULL);
  if (answer->flow->connection == answer->connection)
    g_clear_object (&answer->flow->connection);
  g_object_unref (answer->connection);
  g_object_unref (answer->flow);
  g_free (answer->response);
  g_free (answer);
}

static void
answer (KabarOAuth2Flow *self,
        guint            status,
        const char      *reason,
        const char      *page)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->flow = g_object_ref (self);
  answer->connection = g_object_ref (self->connection);
  answer->response = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                                      "Content-Type: text/html; charset=utf-8\r\n"
                                      "Content-Length: %zu\r\n"
                                      "Cache-Control: no-store\r\n"
                                      "Connection: close\r\n"
                                      "\r\n%s", status, reason, strlen (page), page);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (answer->connection)),
                                   answer->response, strlen (answer->response), G_PRIORITY_DEFAULT,
                                   NULL, on_answered, answer);
}

/* Answers the browser and ends the sign-in. */
static void
conclude (KabarOAuth2Flow *self,
          char            *access_token,
          GError          *error)
{
  g_autofree char *page = build_page (error);

  answer (self, 200, "OK", page);
  finish (self, access_token, error);
}

/* --- the code exchange --------------------------------------------------------------- */

typedef struct
{
  KabarOAuth2Flow   *flow;
  KabarOAuth2Tokens *tokens;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_object_unref (exchange->flow);
  kabar_oauth2_tokens_free (exchange->tokens);
  g_free (exchange);
}

static void
on_refresh_token_stored (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Exchange *exchange = user_data;
  KabarOAuth2Flow *self = exchange->flow;
  GError *error = NULL;

  if (!kabar_secrets_store_finish (result, &error))
    {
      g_prefix_error (&error, "Could not store the sign-in of %s in the keyring: ",
                      kabar_account_get_address (self->account));
      conclude (self, NULL, error);
    }
  else
    {
      kabar_oauth2_cache_access_token (kabar_account_get_id (self->account),
                                       kabar_oauth2_get_sign_in_resource (self->account),
                                       exchange->tokens->access_token, exchange->tokens->expires_in);
      conclude (self, g_steal_pointer (&exchange->tokens->access_token), NULL);
    }
  exchange_free (exchange);
}

static void
on_exchanged (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Exchange *exchange = user_data;
  KabarOAuth2Flow *self = exchange->flow;
  GError *error = NULL;

  exchange->tokens = kabar_oauth2_request_tokens_finish (result, &error);
  if (exchange->tokens != NULL && exchange->tokens->refresh_token == NULL)
    error = g_error_new (KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_PROTOCOL,
                         "%s signed in without a refresh token: Kabar could not stay signed in",
                         self->server_name);
  if (error != NULL)
    {
      conclude (self, NULL, error);
      exchange_free (exchange);
      return;
    }
  kabar_secrets_store_async (kabar_account_get_id (self->account), KABAR_SECRET_OAUTH2_REFRESH_TOKEN,
                             kabar_account_get_address (self->account), exchange->tokens->refresh_token,
                             NULL, on_refresh_token_stored, exchange);
}

static void
exchange_code (KabarOAuth2Flow *self,
               const char      *code)
{
  Exchange *exchange = g_new0 (Exchange, 1);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  exchange->flow = g_object_ref (self);
  kabar_oauth2_form_add (form, "client_id", self->client_id);
  kabar_oauth2_form_add (form, "grant_type", "authorization_code");
  kabar_oauth2_form_add (form, "code", code);
  kabar_oauth2_form_add (form, "redirect_uri", self->redirect_uri);
  kabar_oauth2_form_add (form, "code_verifier", self->verifier);
  kabar_oauth2_form_add (form, "scope",
                         kabar_oauth2_get_resource_scopes (kabar_oauth2_get_sign_in_resource (self->account)));
  kabar_oauth2_request_tokens_async (self->token_uri, self->server_name, form, FALSE, NULL,
                                     on_exchanged, exchange);
}

/* --- the redirect --------------------------------------------------------------------- */

static void
handle_redirect (KabarOAuth2Flow *self,
                 GHashTable      *params)
{
  const char *error_code = g_hash_table_lookup (params, "error");
  const char *description = g_hash_table_lookup (params, "error_description");
  const char *code = g_hash_table_lookup (params, "code");

  if (g_strcmp0 (g_hash_table_lookup (params, "state"), self->state) != 0)
    conclude (self, NULL, g_error_new (KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_PROTOCOL,
                                       "The browser came back from %s with an answer that is not "
                                       "for this sign-in (its state does not match)", self->server_name));
  else if (error_code != NULL)
    conclude (self, NULL, g_error_new (KABAR_OAUTH2_ERROR, kabar_oauth2_error_from_code (error_code, FALSE),
                                       "%s refused the sign-in: %s (%s)", self->server_name,
                                       description != NULL ? description : error_code, error_code));
  else if (code == NULL || *code == '\0')
    conclude (self, NULL, g_error_new (KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_PROTOCOL,
                                       "The browser came back from %s without an authorization code",
                                       self->server_name));
  else
    exchange_code (self, code);
}

/* Only "GET /?query HTTP/1.x" is the redirect; anything else (a favicon)
 * is not found, and the flow keeps waiting. */
static void
handle_request_line (KabarOAuth2Flow *self,
                     const char      *line)
{
  g_auto(GStrv) parts = g_strsplit (line, " ", 3);
  g_autoptr(GHashTable) params = NULL;
  const char *query;

  if (g_strv_length (parts) == 3 && g_str_equal (parts[0], "GET") && g_str_has_prefix (parts[1], "/?"))
    {
      query = parts[1] + 2;
      params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
    }
  if (params == NULL)
    {
      g_autofree char *page = g_strdup ("<!DOCTYPE html>\n<html><body></body></html>\n");

      answer (self, 404, "Not Found", page);
      return;
    }
  handle_redirect (self, params);
}

typedef struct
{
  KabarOAuth2Flow  *flow;
  GDataInputStream *input;
  char             *request_line;
  guint             n_lines;
} Reading;

static void
reading_free (Reading *reading)
{
  g_object_unref (reading->flow);
  g_object_unref (reading->input);
  g_free (reading->request_line);
  g_free (reading);
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reading *reading = user_data;
  KabarOAuth2Flow *self = reading->flow;
  gsize length = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (reading->input, result, &length, NULL);

  if (line == NULL || length > MAX_LINE_LENGTH || ++reading->n_lines > MAX_HEADER_LINES || self->finished)
    {
      /* Not a browser, or it went away: wait for the next one. */
      g_clear_object (&self->connection);
      reading_free (reading);
      return;
    }
  if (length > 0 && line[length - 1] == '\r')
    line[length - 1] = '\0';
  if (reading->request_line == NULL)
    reading->request_line = g_steal_pointer (&line);
  else if (*line == '\0')
    {
      handle_request_line (self, reading->request_line);
      reading_free (reading);
      return;
    }
  g_data_input_stream_read_line_async (reading->input, G_PRIORITY_DEFAULT, NULL, on_line, reading);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  KabarOAuth2Flow *self = user_data;
  Reading *reading;

  /* One browser at a time; a second one is refused by closing it. */
  if (self->connection != NULL || self->finished)
    return FALSE;
  self->connection = g_object_ref (connection);
  reading = g_new0 (Reading, 1);
  reading->flow = g_object_ref (self);
  reading->input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  /* LF, and a CR before it dropped: ANY would wait for the byte after the
   * last CR, which the browser only sends after our answer. */
  g_data_input_stream_set_newline_type (reading->input, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (reading->input), FALSE);
  g_data_input_stream_read_line_async (reading->input, G_PRIORITY_DEFAULT, NULL, on_line, reading);
  return TRUE;
}

/* --- waiting ------------------------------------------------------------------------------ */

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  KabarOAuth2Flow *self = user_data;

  if (!self->finished)
    finish (self, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Signing in was cancelled"));
  return G_SOURCE_REMOVE;
}

void
kabar_oauth2_flow_wait_async (KabarOAuth2Flow     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_OAUTH2_FLOW (self));
  g_return_if_fail (self->wait_task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_oauth2_flow_wait_async);
  if (self->service == NULL && !self->finished)
    {
      g_task_return_new_error (task, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_PROTOCOL,
                               "The sign-in was not started");
      return;
    }
  self->wait_task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      self->cancelled_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancelled_source, G_SOURCE_FUNC (on_cancelled), self, NULL);
      g_source_set_static_name (self->cancelled_source, "[kabar] sign-in cancelled");
      g_source_attach (self->cancelled_source, g_task_get_context (self->wait_task));
    }
  return_outcome (self);
}

char *
kabar_oauth2_flow_wait_finish (KabarOAuth2Flow  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
