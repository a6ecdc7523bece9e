/* kabar-sasl.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "kabar-net-error.h"
#include "kabar-sasl.h"

static const struct
{
  KabarSaslMechanism mechanism;
  const char *name;
} mechanism_names[] = {
  { KABAR_SASL_MECHANISM_PLAIN, "PLAIN" },
  { KABAR_SASL_MECHANISM_LOGIN, "LOGIN" },
  { KABAR_SASL_MECHANISM_XOAUTH2, "XOAUTH2" },
  { KABAR_SASL_MECHANISM_OAUTHBEARER, "OAUTHBEARER" },
};

const char *
kabar_sasl_mechanism_to_string (KabarSaslMechanism mechanism)
{
  for (gsize i = 0; i < G_N_ELEMENTS (mechanism_names); i++)
    if (mechanism_names[i].mechanism == mechanism)
      return mechanism_names[i].name;
  return NULL;
}

KabarSaslMechanism
kabar_sasl_mechanism_from_string (const char *name)
{
  g_return_val_if_fail (name != NULL, KABAR_SASL_MECHANISM_NONE);

  for (gsize i = 0; i < G_N_ELEMENTS (mechanism_names); i++)
    if (g_ascii_strcasecmp (mechanism_names[i].name, name) == 0)
      return mechanism_names[i].mechanism;
  return KABAR_SASL_MECHANISM_NONE;
}

static gboolean
is_advertised (const char * const *advertised,
               KabarSaslMechanism  mechanism)
{
  for (gsize i = 0; advertised[i] != NULL; i++)
    if (kabar_sasl_mechanism_from_string (advertised[i]) == mechanism)
      return TRUE;
  return FALSE;
}

KabarSaslMechanism
kabar_sasl_choose_mechanism (const char * const  *advertised,
                             KabarSaslCredential  credential)
{
  /* Best first. PLAIN before LOGIN: one round trip, and a standard. A
   * token never goes to a password mechanism, nor a password to OAuth. */
  static const KabarSaslMechanism for_password[] = {
    KABAR_SASL_MECHANISM_PLAIN, KABAR_SASL_MECHANISM_LOGIN,
  };
  static const KabarSaslMechanism for_token[] = {
    KABAR_SASL_MECHANISM_XOAUTH2, KABAR_SASL_MECHANISM_OAUTHBEARER,
  };
  const KabarSaslMechanism *preferred;
  gsize n_preferred;

  g_return_val_if_fail (advertised != NULL, KABAR_SASL_MECHANISM_NONE);

  switch (credential)
    {
    case KABAR_SASL_CREDENTIAL_PASSWORD:
      preferred = for_password;
      n_preferred = G_N_ELEMENTS (for_password);
      break;
    case KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN:
      preferred = for_token;
      n_preferred = G_N_ELEMENTS (for_token);
      break;
    default:
      g_return_val_if_reached (KABAR_SASL_MECHANISM_NONE);
    }
  for (gsize i = 0; i < n_preferred; i++)
    if (is_advertised (advertised, preferred[i]))
      return preferred[i];
  return KABAR_SASL_MECHANISM_NONE;
}

/* Encodes and wipes the clear text, which holds a secret. */
static char *
encode_and_wipe (GString *clear)
{
  char *encoded = g_base64_encode ((const guchar *) clear->str, clear->len);

  explicit_bzero (clear->str, clear->len);
  g_string_free (clear, TRUE);
  return encoded;
}

char *
kabar_sasl_plain_response (const char *user,
                           const char *password)
{
  GString *clear;

  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  clear = g_string_sized_new (2 + strlen (user) + strlen (password));
  g_string_append_c (clear, '\0');
  g_string_append (clear, user);
  g_string_append_c (clear, '\0');
  g_string_append (clear, password);
  return encode_and_wipe (clear);
}

char *
kabar_sasl_login_response (guint       step,
                           const char *user,
                           const char *password)
{
  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (step <= 1, NULL);

  if (step == 0)
    return g_base64_encode ((const guchar *) user, strlen (user));
  return g_base64_encode ((const guchar *) password, strlen (password));
}

char *
kabar_sasl_xoauth2_response (const char *user,
                             const char *access_token)
{
  GString *clear;

  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (access_token != NULL, NULL);

  clear = g_string_new (NULL);
  g_string_append_printf (clear, "user=%s\001auth=Bearer %s\001\001", user, access_token);
  return encode_and_wipe (clear);
}

/* RFC 5801's saslname: the GS2 header's separators are escaped. */
static void
append_saslname (GString    *out,
                 const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == ',')
        g_string_append (out, "=2C");
      else if (*p == '=')
        g_string_append (out, "=3D");
      else
        g_string_append_c (out, *p);
    }
}

char *
kabar_sasl_oauthbearer_response (const char *user,
                                 const char *host,
                                 guint16     port,
                                 const char *access_token)
{
  GString *clear;

  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (access_token != NULL, NULL);

  clear = g_string_new ("n,a=");
  append_saslname (clear, user);
  g_string_append (clear, ",\001");
  if (host != NULL)
    g_string_append_printf (clear, "host=%s\001", host);
  if (port != 0)
    g_string_append_printf (clear, "port=%u\001", port);
  g_string_append_printf (clear, "auth=Bearer %s\001\001", access_token);
  return encode_and_wipe (clear);
}

void
kabar_sasl_response_free (char *response)
{
  if (response == NULL)
    return;
  explicit_bzero (response, strlen (response));
  g_free (response);
}

static char *
dup_member_string (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  /* Some servers send the status as a number. */
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

/* Some servers leave out the padding, without which g_base64_decode()
 * drops the last bytes; it skips what is not base64, and what is left
 * still has to make a JSON object. */
static guchar *
decode_base64 (const char *text,
               gsize      *length)
{
  g_autoptr(GString) padded = g_string_new (text);

  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');
  return g_base64_decode (padded->str, length);
}

KabarSaslOauthError *
kabar_sasl_oauth_error_parse (const char  *challenge,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  g_autofree guchar *decoded = NULL;
  gsize length = 0;
  JsonNode *root;
  KabarSaslOauthError *oauth_error;

  g_return_val_if_fail (challenge != NULL, NULL);

  decoded = decode_base64 (challenge, &length);
  if (length == 0 ||
      !json_parser_load_from_data (parser, (const char *) decoded, length, &json_error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, KABAR_NET_ERROR, KABAR_NET_ERROR_PROTOCOL,
                   "The OAuth2 error challenge is not base64 of a JSON object: %s", challenge);
      return NULL;
    }
  oauth_error = g_new0 (KabarSaslOauthError, 1);
  oauth_error->status = dup_member_string (json_node_get_object (root), "status");
  oauth_error->schemes = dup_member_string (json_node_get_object (root), "schemes");
  oauth_error->scope = dup_member_string (json_node_get_object (root), "scope");
  return oauth_error;
}

void
kabar_sasl_oauth_error_free (KabarSaslOauthError *oauth_error)
{
  if (oauth_error == NULL)
    return;
  g_free (oauth_error->status);
  g_free (oauth_error->schemes);
  g_free (oauth_error->scope);
  g_free (oauth_error);
}

char *
kabar_sasl_initial_response (KabarSaslMechanism  mechanism,
                             const char         *user,
                             const char         *secret,
                             const char         *host,
                             guint16             port)
{
  switch (mechanism)
    {
    case KABAR_SASL_MECHANISM_PLAIN:
      return kabar_sasl_plain_response (user, secret);
    case KABAR_SASL_MECHANISM_XOAUTH2:
      return kabar_sasl_xoauth2_response (user, secret);
    case KABAR_SASL_MECHANISM_OAUTHBEARER:
      return kabar_sasl_oauthbearer_response (user, host, port, secret);
    case KABAR_SASL_MECHANISM_LOGIN:
    case KABAR_SASL_MECHANISM_NONE:
    default:
      return NULL;
    }
}

char *
kabar_sasl_answer_oauth_challenge (KabarSaslMechanism   mechanism,
                                   const char          *challenge,
                                   char               **status)
{
  g_autoptr(KabarSaslOauthError) oauth_error = kabar_sasl_oauth_error_parse (challenge, NULL);

  if (status != NULL)
    *status = oauth_error != NULL ? g_strdup (oauth_error->status) : NULL;
  return g_strdup (mechanism == KABAR_SASL_MECHANISM_OAUTHBEARER ? "AQ==" : "");
}
