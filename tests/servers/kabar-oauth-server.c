/* kabar-oauth-server.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs its SoupServer on a thread of its own, so a test may block in
 * kabar_oauth_server_browse() or in the app's own waits while it answers.
 * Everything the test sets or reads goes through the mutex.
 */

#include <libsoup/soup.h>
#include <string.h>

#include "kabar-oauth-server.h"
#include "kabar-test-http-thread.h"

#define DEFAULT_LIFETIME_SECONDS 3600
#define SCOPE_NEEDED "https://outlook.office.com/IMAP.AccessAsUser.All"
/* A Graph sign-in asks for these (and more); one token covers one resource. */
#define GRAPH_SCOPE_PREFIX "https://graph.microsoft.com/"
#define GRAPH_SCOPE_NEEDED GRAPH_SCOPE_PREFIX "Mail.ReadWrite"

typedef struct
{
  char *client_id;
  char *redirect_uri;
  char *challenge;
  char *user;
  char *scope;    /* what the sign-in granted */
} Grant;

/* An access token: which resource it is for and until when. */
typedef struct
{
  char   *resource;
  gint64  expires;  /* monotonic, microseconds */
} Access;

struct _KabarOAuthServer
{
  GMutex        mutex;
  KabarTestHttpThread *http;
  char         *authority;

  KabarTestBed *bed;

  GHashTable   *clients;         /* client_id set */
  char         *user;
  gboolean      denied;
  guint         lifetime;
  GHashTable   *codes;           /* code -> Grant */
  GHashTable   *refresh_tokens;  /* token -> Grant */
  GHashTable   *expired_tokens;  /* refresh tokens left unused too long: a set */
  GHashTable   *counts;          /* grant_type -> count */
  GHashTable   *access_tokens;   /* token -> Access */
};

static void
access_free (Access *access)
{
  g_free (access->resource);
  g_free (access);
}

static void
grant_free (Grant *grant)
{
  g_free (grant->client_id);
  g_free (grant->redirect_uri);
  g_free (grant->challenge);
  g_free (grant->user);
  g_free (grant->scope);
  g_free (grant);
}

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

/* Microsoft's access tokens run to 1,500-2,500 characters: long enough to
 * find a client that puts them on a too-long line. */
static char *
random_token (const char *prefix,
              gsize       n_bytes)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  g_autofree char *text = NULL;

  for (gsize i = 0; i < n_bytes; i++)
    bytes[i] = g_random_int_range (0, 256);
  text = base64url (bytes, n_bytes);
  return g_strconcat (prefix, text, NULL);
}

static gboolean
is_loopback_redirect (const char *redirect_uri)
{
  g_autoptr(GUri) uri = redirect_uri != NULL ? g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  return uri != NULL && g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 &&
         (g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "localhost") == 0);
}

/* --- authorize -------------------------------------------------------------------- */

static void
set_page (SoupServerMessage *message,
          guint              status,
          const char        *text)
{
  g_autofree char *page = g_strdup_printf ("<html><body><p>%s</p></body></html>", text);

  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    page, strlen (page));
}

static void
redirect (SoupServerMessage *message,
          const char        *redirect_uri,
          GHashTable        *params)
{
  g_autofree char *query = soup_form_encode_hash (params);
  g_autofree char *location = g_strdup_printf ("%s%s%s", redirect_uri,
                                               strchr (redirect_uri, '?') != NULL ? "&" : "?", query);

  soup_server_message_set_redirect (message, SOUP_STATUS_FOUND, location);
}

static void
redirect_error (SoupServerMessage *message,
                const char        *redirect_uri,
                const char        *state,
                const char        *error,
                const char        *description)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (params, (gpointer) "error", (gpointer) error);
  g_hash_table_insert (params, (gpointer) "error_description", (gpointer) description);
  if (state != NULL)
    g_hash_table_insert (params, (gpointer) "state", (gpointer) state);
  redirect (message, redirect_uri, params);
}

static void
authorize (KabarOAuthServer  *self,
           SoupServerMessage *message,
           GHashTable        *query)
{
  const char *client_id = query != NULL ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect_uri = query != NULL ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *scope = query != NULL ? g_hash_table_lookup (query, "scope") : NULL;
  const char *challenge = query != NULL ? g_hash_table_lookup (query, "code_challenge") : NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *description = NULL;
  g_autofree char *code = NULL;
  Grant *grant;

  if (!is_loopback_redirect (redirect_uri))
    {
      set_page (message, 400, "AADSTS50011: The redirect URI specified in the request does not match "
                              "the redirect URIs configured for the application.");
      return;
    }
  if (client_id == NULL || !g_hash_table_contains (self->clients, client_id))
    {
      description = g_strdup_printf ("AADSTS700016: Application with identifier '%s' was not found "
                                     "in the directory 'Microsoft Accounts'.", client_id ? client_id : "");
      redirect_error (message, redirect_uri, state, "unauthorized_client", description);
    }
  else if (g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0)
    redirect_error (message, redirect_uri, state, "unsupported_response_type",
                    "AADSTS70005: response_type 'token' is not enabled for the application.");
  else if (challenge == NULL || g_strcmp0 (g_hash_table_lookup (query, "code_challenge_method"), "S256") != 0)
    redirect_error (message, redirect_uri, state, "invalid_request",
                    "AADSTS9002325: Proof Key for Code Exchange is required for cross-origin "
                    "authorization code redemption.");
  else if (scope == NULL || (strstr (scope, SCOPE_NEEDED) == NULL && strstr (scope, GRAPH_SCOPE_NEEDED) == NULL) ||
           strstr (scope, "offline_access") == NULL)
    redirect_error (message, redirect_uri, state, "invalid_scope",
                    "AADSTS70011: The provided value for the input parameter 'scope' is not valid.");
  else if (state == NULL || *state == '\0')
    redirect_error (message, redirect_uri, state, "invalid_request",
                    "AADSTS900144: The request body must contain the following parameter: 'state'.");
  else if (self->denied)
    redirect_error (message, redirect_uri, state, "access_denied",
                    "AADSTS65004: User declined to consent to access the app.");
  else
    {
      const char *hint = g_hash_table_lookup (query, "login_hint");

      code = random_token ("M.C5", 48);
      grant = g_new0 (Grant, 1);
      grant->client_id = g_strdup (client_id);
      grant->redirect_uri = g_strdup (redirect_uri);
      grant->challenge = g_strdup (challenge);
      grant->user = g_strdup (self->user != NULL ? self->user : hint);
      grant->scope = g_strdup (scope);
      g_hash_table_insert (self->codes, g_strdup (code), grant);
      params = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (params, (gpointer) "code", code);
      g_hash_table_insert (params, (gpointer) "state", (gpointer) state);
      redirect (message, redirect_uri, params);
    }
}

/* --- token ------------------------------------------------------------------------ */

static void
set_json (SoupServerMessage *message,
          guint              status,
          const char        *json)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

static void
refuse (SoupServerMessage *message,
        const char        *error,
        const char        *description)
{
  g_autofree char *json = g_strdup_printf ("{\"error\": \"%s\", \"error_description\": \"%s\", "
                                           "\"error_codes\": [70000]}", error, description);

  set_json (message, 400, json);
}

/* The resource a token request's scope names: one token covers one. No
 * scope asks for what the sign-in granted, mail first. */
static const char *
resource_of (const char *scope,
             const char *granted)
{
  if (scope != NULL && *scope != '\0')
    return strstr (scope, GRAPH_SCOPE_PREFIX) != NULL ? "graph" : "mail";
  if (granted != NULL && strstr (granted, SCOPE_NEEDED) == NULL && strstr (granted, GRAPH_SCOPE_PREFIX) != NULL)
    return "graph";
  return "mail";
}

static gboolean
granted_resource (const Grant *grant,
                  const char  *resource)
{
  /* Grants from before scopes were kept (none) cover mail. */
  if (grant->scope == NULL)
    return g_str_equal (resource, "mail");
  return strstr (grant->scope, g_str_equal (resource, "graph") ? GRAPH_SCOPE_PREFIX : "https://outlook.office.com/") != NULL;
}

static char *
granted_scope (const char *resource,
               const char *scope)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (g_str_equal (resource, "mail") || scope == NULL)
    return g_strdup (g_str_equal (resource, "mail") ? SCOPE_NEEDED : GRAPH_SCOPE_NEEDED);
  parts = g_strsplit (scope, " ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_has_prefix (parts[i], GRAPH_SCOPE_PREFIX))
      g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", parts[i]);
  return g_strdup (text->str);
}

static void
issue_tokens (KabarOAuthServer  *self,
              SoupServerMessage *message,
              const Grant       *grant,
              const char        *scope)
{
  g_autofree char *access_token = random_token ("EwB", 1200);
  g_autofree char *refresh_token = random_token ("M.C5_BAY.0.U.", 200);
  g_autofree char *json = NULL;
  g_autofree char *scopes = NULL;
  const char *resource = resource_of (scope, grant->scope);
  Grant *kept;
  Access *access;

  if (!granted_resource (grant, resource))
    {
      refuse (message, "invalid_grant", "AADSTS65001: The user or administrator has not consented to "
                                        "use the application for the requested scope.");
      return;
    }
  kept = g_new0 (Grant, 1);
  kept->client_id = g_strdup (grant->client_id);
  kept->user = g_strdup (grant->user);
  kept->scope = g_strdup (grant->scope);
  g_hash_table_insert (self->refresh_tokens, g_strdup (refresh_token), kept);
  access = g_new0 (Access, 1);
  access->resource = g_strdup (resource);
  access->expires = g_get_monotonic_time () + (gint64) self->lifetime * G_USEC_PER_SEC;
  g_hash_table_insert (self->access_tokens, g_strdup (access_token), access);
  if (self->bed != NULL && g_str_equal (resource, "mail"))
    /* Before the client has the token, so a sign-in with it never races
     * its registration. A Graph token is no good for IMAP. */
    kabar_test_bed_add_oauth2_token (self->bed, access_token, grant->user);
  scopes = granted_scope (resource, scope);
  json = g_strdup_printf ("{\"token_type\": \"Bearer\", \"scope\": \"%s offline_access\", "
                          "\"expires_in\": %u, \"ext_expires_in\": %u, "
                          "\"access_token\": \"%s\", \"refresh_token\": \"%s\"}",
                          scopes, self->lifetime, self->lifetime, access_token, refresh_token);
  set_json (message, 200, json);
}

static char *
challenge_of (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  return base64url (digest, length);
}

static void
redeem_code (KabarOAuthServer  *self,
             SoupServerMessage *message,
             GHashTable        *form)
{
  const char *code = g_hash_table_lookup (form, "code");
  const char *verifier = g_hash_table_lookup (form, "code_verifier");
  Grant *grant = code != NULL ? g_hash_table_lookup (self->codes, code) : NULL;
  g_autofree char *challenge = verifier != NULL ? challenge_of (verifier) : NULL;

  if (grant == NULL)
    refuse (message, "invalid_grant", "AADSTS70000: The provided authorization code is invalid or expired.");
  else if (g_strcmp0 (grant->redirect_uri, g_hash_table_lookup (form, "redirect_uri")) != 0)
    refuse (message, "invalid_grant", "AADSTS70000: The redirect_uri does not match the one of the "
                                      "authorization request.");
  else if (g_strcmp0 (grant->client_id, g_hash_table_lookup (form, "client_id")) != 0)
    refuse (message, "invalid_grant", "AADSTS70000: The code was issued to another client.");
  else if (g_strcmp0 (challenge, grant->challenge) != 0)
    refuse (message, "invalid_grant", "AADSTS501481: The Code_Verifier does not match the "
                                      "code_challenge supplied in the authorization request.");
  else
    issue_tokens (self, message, grant, g_hash_table_lookup (form, "scope"));
  /* A code is good once, whatever became of it. */
  if (code != NULL)
    g_hash_table_remove (self->codes, code);
}

static void
redeem_refresh_token (KabarOAuthServer  *self,
                      SoupServerMessage *message,
                      GHashTable        *form)
{
  const char *token = g_hash_table_lookup (form, "refresh_token");
  Grant *grant = token != NULL ? g_hash_table_lookup (self->refresh_tokens, token) : NULL;
  Grant copy;

  if (token != NULL && g_hash_table_contains (self->expired_tokens, token))
    refuse (message, "invalid_grant", "AADSTS700082: The refresh token has expired due to inactivity. "
                                      "The token was issued on 2026-08-01T09:12:44Z and was inactive "
                                      "for 90.00:00:00.");
  else if (grant == NULL)
    refuse (message, "invalid_grant", "AADSTS70000: The user could not be authenticated or the grant "
                                      "is expired. The refresh token was revoked.");
  else if (g_strcmp0 (grant->client_id, g_hash_table_lookup (form, "client_id")) != 0)
    refuse (message, "invalid_grant", "AADSTS70000: The refresh token was issued to another client.");
  else
    {
      copy = *grant;
      issue_tokens (self, message, &copy, g_hash_table_lookup (form, "scope"));
    }
}

static void
token (KabarOAuthServer  *self,
       SoupServerMessage *message)
{
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autofree char *text = g_strndup (body->data, body->length);
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");
  const char *client_id = g_hash_table_lookup (form, "client_id");
  guint count;

  if (grant_type != NULL)
    {
      count = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, grant_type));
      g_hash_table_replace (self->counts, g_strdup (grant_type), GUINT_TO_POINTER (count + 1));
    }
  if (client_id == NULL || !g_hash_table_contains (self->clients, client_id))
    refuse (message, "unauthorized_client", "AADSTS700016: Application with identifier was not found "
                                            "in the directory 'Microsoft Accounts'.");
  else if (g_strcmp0 (grant_type, "authorization_code") == 0)
    redeem_code (self, message, form);
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    redeem_refresh_token (self, message, form);
  else
    refuse (message, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.");
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  KabarOAuthServer *self = user_data;
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  const char *method = soup_server_message_get_method (message);

  g_mutex_lock (&self->mutex);
  /* "", tenant, "oauth2", "v2.0", endpoint */
  if (g_strv_length (parts) != 5 || *parts[1] == '\0' || !g_str_equal (parts[2], "oauth2") ||
      !g_str_equal (parts[3], "v2.0"))
    set_page (message, 404, "Not found");
  else if (g_str_equal (parts[4], "authorize") && g_str_equal (method, "GET"))
    authorize (self, message, query);
  else if (g_str_equal (parts[4], "token") && g_str_equal (method, "POST"))
    token (self, message);
  else
    set_page (message, 404, "Not found");
  g_mutex_unlock (&self->mutex);
}

/* --- the thread ---------------------------------------------------------------- */

KabarOAuthServer *
kabar_oauth_server_new (KabarTestBed  *bed,
                        GError       **error)
{
  KabarOAuthServer *self = g_new0 (KabarOAuthServer, 1);

  g_mutex_init (&self->mutex);
  self->lifetime = DEFAULT_LIFETIME_SECONDS;
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_free);
  self->expired_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) access_free);
  if (bed != NULL)
    self->bed = g_object_ref (bed);
  self->http = kabar_test_http_thread_start ("kabar-oauth-server", NULL, on_request, self, error);
  if (self->http == NULL)
    {
      kabar_oauth_server_free (self);
      return NULL;
    }
  self->authority = g_strdup_printf ("http://127.0.0.1:%u", kabar_test_http_thread_get_port (self->http));
  return self;
}

void
kabar_oauth_server_free (KabarOAuthServer *self)
{
  if (self == NULL)
    return;
  kabar_test_http_thread_stop (self->http, NULL, NULL);
  g_clear_object (&self->bed);
  g_hash_table_unref (self->clients);
  g_hash_table_unref (self->codes);
  g_hash_table_unref (self->refresh_tokens);
  g_hash_table_unref (self->expired_tokens);
  g_hash_table_unref (self->counts);
  g_hash_table_unref (self->access_tokens);
  g_free (self->user);
  g_free (self->authority);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

const char *
kabar_oauth_server_get_authority (KabarOAuthServer *self)
{
  return self->authority;
}

void
kabar_oauth_server_add_client (KabarOAuthServer *self,
                               const char       *client_id)
{
  g_mutex_lock (&self->mutex);
  g_hash_table_add (self->clients, g_strdup (client_id));
  g_mutex_unlock (&self->mutex);
}

void
kabar_oauth_server_set_user (KabarOAuthServer *self,
                             const char       *address)
{
  g_mutex_lock (&self->mutex);
  g_free (self->user);
  self->user = g_strdup (address);
  g_mutex_unlock (&self->mutex);
}

void
kabar_oauth_server_set_denied (KabarOAuthServer *self,
                               gboolean          denied)
{
  g_mutex_lock (&self->mutex);
  self->denied = denied;
  g_mutex_unlock (&self->mutex);
}

void
kabar_oauth_server_set_token_lifetime (KabarOAuthServer *self,
                                       guint             seconds)
{
  g_mutex_lock (&self->mutex);
  self->lifetime = seconds;
  g_mutex_unlock (&self->mutex);
}

void
kabar_oauth_server_revoke_refresh_tokens (KabarOAuthServer *self)
{
  g_mutex_lock (&self->mutex);
  /* As Microsoft after a password change: the sign-ins so far end, a new
   * one works. */
  g_hash_table_remove_all (self->refresh_tokens);
  g_mutex_unlock (&self->mutex);
}

void
kabar_oauth_server_expire_refresh_tokens (KabarOAuthServer *self)
{
  GHashTableIter iter;
  gpointer token;

  g_mutex_lock (&self->mutex);
  /* As Microsoft after 90 days unused: the tokens so far are refused with
   * their own words; a new sign-in works. */
  g_hash_table_iter_init (&iter, self->refresh_tokens);
  while (g_hash_table_iter_next (&iter, &token, NULL))
    g_hash_table_add (self->expired_tokens, g_strdup (token));
  g_hash_table_remove_all (self->refresh_tokens);
  g_mutex_unlock (&self->mutex);
}

guint
kabar_oauth_server_count_requests (KabarOAuthServer *self,
                                   const char       *grant_type)
{
  guint count;

  g_mutex_lock (&self->mutex);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, grant_type));
  g_mutex_unlock (&self->mutex);
  return count;
}

char *
kabar_oauth_server_browse (KabarOAuthServer  *self,
                           const char        *uri,
                           GError           **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr(GBytes) body = NULL;
  guint status;

  if (message == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” is not a web address", uri);
      return NULL;
    }
  body = soup_session_send_and_read (session, message, NULL, error);
  if (body == NULL)
    return NULL;
  status = soup_message_get_status (message);
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *where = g_uri_to_string (soup_message_get_uri (message));

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s answered %u: %.*s", where, status,
                   (int) g_bytes_get_size (body), (const char *) g_bytes_get_data (body, NULL));
      return NULL;
    }
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

char *
kabar_oauth_server_get_token_resource (KabarOAuthServer *self,
                                       const char       *token)
{
  Access *access;
  char *resource = NULL;

  g_mutex_lock (&self->mutex);
  access = g_hash_table_lookup (self->access_tokens, token);
  if (access != NULL && g_get_monotonic_time () < access->expires)
    resource = g_strdup (access->resource);
  g_mutex_unlock (&self->mutex);
  return resource;
}
