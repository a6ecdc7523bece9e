/* kabar-autoconfig.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The format: https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat
 */

#include "config.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "kabar-autoconfig.h"

G_DEFINE_QUARK (kabar-autoconfig-error-quark, kabar_autoconfig_error)

struct _KabarAutoconfig
{
  char      *display_name;
  GStrv      domains;
  GPtrArray *incoming;
  GPtrArray *outgoing;
};

void
kabar_autoconfig_free (KabarAutoconfig *self)
{
  if (self == NULL)
    return;
  g_free (self->display_name);
  g_strfreev (self->domains);
  g_ptr_array_unref (self->incoming);
  g_ptr_array_unref (self->outgoing);
  g_free (self);
}

const char *
kabar_autoconfig_get_display_name (KabarAutoconfig *self)
{
  return self->display_name;
}

const char * const *
kabar_autoconfig_get_domains (KabarAutoconfig *self)
{
  return (const char * const *) self->domains;
}

GPtrArray *
kabar_autoconfig_get_incoming (KabarAutoconfig *self)
{
  return self->incoming;
}

GPtrArray *
kabar_autoconfig_get_outgoing (KabarAutoconfig *self)
{
  return self->outgoing;
}

char *
kabar_autoconfig_expand_user_name (const char *pattern,
                                   const char *address)
{
  const char *at = strrchr (address, '@');
  g_autofree char *local_part = at != NULL ? g_strndup (address, at - address) : g_strdup (address);
  const char *domain = at != NULL ? at + 1 : "";
  GString *out = g_string_new (NULL);

  for (const char *p = pattern; *p != '\0'; )
    {
      if (g_str_has_prefix (p, "%EMAILADDRESS%"))
        g_string_append (out, address), p += strlen ("%EMAILADDRESS%");
      else if (g_str_has_prefix (p, "%EMAILLOCALPART%"))
        g_string_append (out, local_part), p += strlen ("%EMAILLOCALPART%");
      else if (g_str_has_prefix (p, "%EMAILDOMAIN%"))
        g_string_append (out, domain), p += strlen ("%EMAILDOMAIN%");
      else
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

/* --- reading the tree -------------------------------------------------------- */

static gboolean
is_element (xmlNode    *node,
            const char *name)
{
  return node->type == XML_ELEMENT_NODE && strcmp ((const char *) node->name, name) == 0;
}

/* The element's text, trimmed; NULL when empty. */
static char *
dup_text (xmlNode *node)
{
  xmlChar *content = xmlNodeGetContent (node);
  char *text;

  if (content == NULL)
    return NULL;
  text = g_strstrip (g_strdup ((const char *) content));
  xmlFree (content);
  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static char *
dup_attribute (xmlNode    *node,
               const char *name)
{
  xmlChar *value = xmlGetProp (node, (const xmlChar *) name);
  char *text = value != NULL ? g_strdup ((const char *) value) : NULL;

  xmlFree (value);
  return text;
}

/* A host name as DNS has them: a file that puts anything else there is
 * not to be connected to. */
static gboolean
is_host_name (const char *host)
{
  if (host == NULL || *host == '\0' || strlen (host) > 253 || *host == '.' || *host == '-')
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
parse_security (const char    *text,
                KabarSecurity *security)
{
  if (g_strcmp0 (text, "SSL") == 0)
    *security = KABAR_SECURITY_IMPLICIT_TLS;
  else if (g_strcmp0 (text, "STARTTLS") == 0)
    *security = KABAR_SECURITY_STARTTLS;
  else if (g_strcmp0 (text, "plain") == 0)
    *security = KABAR_SECURITY_NONE;
  else
    return FALSE;
  return TRUE;
}

/* Files list what a server takes, the preferred first. Kabar signs in with
 * OAuth2 only at Microsoft, which refuses passwords, so OAuth2 wins there
 * wherever it is listed; elsewhere the first password method does. */
static gboolean
choose_auth (GPtrArray       *methods,
             const char      *host,
             KabarAuthMethod *auth)
{
  gboolean microsoft = kabar_provider_is_microsoft_host (host);
  gboolean password = FALSE;

  for (guint i = 0; i < methods->len; i++)
    {
      const char *method = methods->pdata[i];

      if (g_strcmp0 (method, "OAuth2") == 0 && microsoft)
        {
          *auth = KABAR_AUTH_OAUTH2;
          return TRUE;
        }
      if (g_strcmp0 (method, "password-cleartext") == 0 || g_strcmp0 (method, "plain") == 0
          || g_strcmp0 (method, "password-encrypted") == 0 || g_strcmp0 (method, "secure") == 0)
        password = TRUE;
    }
  *auth = KABAR_AUTH_PASSWORD;
  return password;
}

static KabarServerSettings *
parse_server (xmlNode         *node,
              KabarServerKind  kind,
              const char      *address)
{
  g_autofree char *host = NULL, *port = NULL, *socket_type = NULL, *user_name = NULL;
  g_autoptr(GPtrArray) methods = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *expanded_host = NULL, *expanded_user = NULL;
  KabarSecurity security;
  KabarAuthMethod auth;
  guint64 port_number;

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (is_element (child, "hostname"))
        g_free (host), host = dup_text (child);
      else if (is_element (child, "port"))
        g_free (port), port = dup_text (child);
      else if (is_element (child, "socketType"))
        g_free (socket_type), socket_type = dup_text (child);
      else if (is_element (child, "username"))
        g_free (user_name), user_name = dup_text (child);
      else if (is_element (child, "authentication"))
        {
          char *method = dup_text (child);

          if (method != NULL)
            g_ptr_array_add (methods, method);
        }
    }

  if (host == NULL || port == NULL
      || !g_ascii_string_to_unsigned (port, 10, 1, G_MAXUINT16, &port_number, NULL)
      || !parse_security (socket_type, &security))
    return NULL;
  expanded_host = kabar_autoconfig_expand_user_name (host, address);
  if (!is_host_name (expanded_host) || !choose_auth (methods, expanded_host, &auth))
    return NULL;
  expanded_user = kabar_autoconfig_expand_user_name (user_name != NULL ? user_name : "%EMAILADDRESS%",
                                                     address);
  return kabar_server_settings_new (kind, expanded_host, (guint16) port_number, security,
                                    expanded_user, auth);
}

static void
add_incoming (KabarAutoconfig *self,
              xmlNode         *node,
              const char      *address)
{
  g_autofree char *type = dup_attribute (node, "type");
  KabarServerSettings *settings;
  KabarServerKind kind;

  /* exchange and others are not IMAP or POP: Kabar does not speak them. */
  if (g_strcmp0 (type, "imap") == 0)
    kind = KABAR_SERVER_KIND_IMAP;
  else if (g_strcmp0 (type, "pop3") == 0)
    kind = KABAR_SERVER_KIND_POP3;
  else
    return;
  settings = parse_server (node, kind, address);
  if (settings != NULL)
    g_ptr_array_add (self->incoming, settings);
}

static void
add_outgoing (KabarAutoconfig *self,
              xmlNode         *node,
              const char      *address)
{
  g_autofree char *type = dup_attribute (node, "type");
  KabarServerSettings *settings;

  if (g_strcmp0 (type, "smtp") != 0)
    return;
  settings = parse_server (node, KABAR_SERVER_KIND_SMTP, address);
  if (settings != NULL)
    g_ptr_array_add (self->outgoing, settings);
}

/* Plain text only where nothing protected is offered: a file may list
 * the plain port first. */
static int
compare_security (gconstpointer a,
                  gconstpointer b)
{
  const KabarServerSettings *first = *(KabarServerSettings * const *) a;
  const KabarServerSettings *second = *(KabarServerSettings * const *) b;

  return (first->security == KABAR_SECURITY_NONE) - (second->security == KABAR_SECURITY_NONE);
}

static void
read_provider (KabarAutoconfig *self,
               xmlNode         *provider,
               const char      *address)
{
  g_autoptr(GStrvBuilder) domains = g_strv_builder_new ();

  for (xmlNode *child = provider->children; child != NULL; child = child->next)
    {
      if (is_element (child, "domain"))
        {
          g_autofree char *domain = dup_text (child);
          g_autofree char *lower = domain != NULL ? g_ascii_strdown (domain, -1) : NULL;

          if (lower != NULL)
            g_strv_builder_add (domains, lower);
        }
      else if (is_element (child, "displayName") && self->display_name == NULL)
        self->display_name = dup_text (child);
      else if (is_element (child, "incomingServer"))
        add_incoming (self, child, address);
      else if (is_element (child, "outgoingServer"))
        add_outgoing (self, child, address);
    }
  self->domains = g_strv_builder_end (domains);
  g_ptr_array_sort (self->incoming, compare_security);
  g_ptr_array_sort (self->outgoing, compare_security);
}

static xmlNode *
find_provider (xmlDoc *doc)
{
  xmlNode *root = xmlDocGetRootElement (doc);

  if (root == NULL || !is_element (root, "clientConfig"))
    return NULL;
  for (xmlNode *child = root->children; child != NULL; child = child->next)
    if (is_element (child, "emailProvider"))
      return child;
  return NULL;
}

static xmlDoc *
read_document (const char  *data,
               gsize        size,
               GError     **error)
{
  xmlDoc *doc;

  if (size > KABAR_AUTOCONFIG_MAX_SIZE)
    {
      g_set_error (error, KABAR_AUTOCONFIG_ERROR, KABAR_AUTOCONFIG_ERROR_TOO_BIG,
                   "The configuration file is too big (%" G_GSIZE_FORMAT " bytes, at most %d)",
                   size, KABAR_AUTOCONFIG_MAX_SIZE);
      return NULL;
    }
  /* No NOENT: entities stay references, never expanded; NONET: no DTD or
   * entity is ever fetched. */
  doc = xmlReadMemory (data, (int) size, "config-v1.1.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING
                       | XML_PARSE_NOCDATA);
  if (doc == NULL)
    {
      const xmlError *xml_error = xmlGetLastError ();
      g_autofree char *words = g_strdup (xml_error != NULL && xml_error->message != NULL
                                         ? xml_error->message : "unreadable");

      g_set_error (error, KABAR_AUTOCONFIG_ERROR, KABAR_AUTOCONFIG_ERROR_INVALID,
                   "The configuration file is not XML: %s", g_strstrip (words));
      return NULL;
    }
  /* A provider's file has no use for a DTD, and one is how entity bombs
   * and external entities come in. */
  if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      xmlFreeDoc (doc);
      g_set_error (error, KABAR_AUTOCONFIG_ERROR, KABAR_AUTOCONFIG_ERROR_INVALID,
                   "The configuration file declares a DTD, which is not allowed");
      return NULL;
    }
  return doc;
}

KabarAutoconfig *
kabar_autoconfig_parse (const char  *data,
                        gsize        size,
                        const char  *address,
                        GError     **error)
{
  g_autoptr(KabarAutoconfig) self = NULL;
  xmlDoc *doc;
  xmlNode *provider;

  g_return_val_if_fail (address != NULL, NULL);

  doc = read_document (data, size, error);
  if (doc == NULL)
    return NULL;
  provider = find_provider (doc);
  if (provider == NULL)
    {
      xmlFreeDoc (doc);
      g_set_error (error, KABAR_AUTOCONFIG_ERROR, KABAR_AUTOCONFIG_ERROR_INVALID,
                   "The file is not an autoconfig file: no clientConfig with an emailProvider");
      return NULL;
    }

  self = g_new0 (KabarAutoconfig, 1);
  self->incoming = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_server_settings_free);
  self->outgoing = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_server_settings_free);
  read_provider (self, provider, address);
  xmlFreeDoc (doc);

  if (self->incoming->len == 0 || self->outgoing->len == 0)
    {
      g_set_error (error, KABAR_AUTOCONFIG_ERROR, KABAR_AUTOCONFIG_ERROR_NO_SERVERS,
                   "The configuration file offers no %s server Kabar can use",
                   self->incoming->len == 0 ? "IMAP or POP3" : "SMTP");
      return NULL;
    }
  return g_steal_pointer (&self);
}
