/* kabar-provider.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kabar-provider.h"

G_DEFINE_BOXED_TYPE (KabarServerSettings, kabar_server_settings,
                     kabar_server_settings_copy, kabar_server_settings_free)

KabarServerSettings *
kabar_server_settings_new (KabarServerKind  kind,
                           const char      *host,
                           guint16          port,
                           KabarSecurity    security,
                           const char      *user_name,
                           KabarAuthMethod  auth)
{
  KabarServerSettings *self = g_new0 (KabarServerSettings, 1);

  self->kind = kind;
  self->host = g_strdup (host);
  self->port = port;
  self->security = security;
  self->user_name = g_strdup (user_name);
  self->auth = auth;
  return self;
}

KabarServerSettings *
kabar_server_settings_copy (const KabarServerSettings *self)
{
  return kabar_server_settings_new (self->kind, self->host, self->port, self->security,
                                    self->user_name, self->auth);
}

void
kabar_server_settings_free (KabarServerSettings *self)
{
  if (self == NULL)
    return;
  g_free (self->host);
  g_free (self->user_name);
  g_free (self);
}

/* The Microsoft consumer domains, as Thunderbird's ISPDB lists them
 * (hotmail.com.xml): Microsoft has no published list, and a custom domain
 * hosted by Outlook.com is recognised by its MX instead. */
static const char * const microsoft_consumer_domains[] = {
  "outlook.com", "hotmail.com", "live.com", "msn.com", "windowslive.com", "livemail.tw",
  "outlook.at", "outlook.be", "outlook.cl", "outlook.cz", "outlook.de", "outlook.dk",
  "outlook.es", "outlook.fr", "outlook.hu", "outlook.ie", "outlook.in", "outlook.it",
  "outlook.jp", "outlook.kr", "outlook.lv", "outlook.my", "outlook.ph", "outlook.pt",
  "outlook.sa", "outlook.sg", "outlook.sk", "outlook.co.id", "outlook.co.il",
  "outlook.co.th", "outlook.com.ar", "outlook.com.au", "outlook.com.br", "outlook.com.gr",
  "outlook.com.tr", "outlook.com.vn",
  "hotmail.be", "hotmail.ca", "hotmail.cl", "hotmail.cz", "hotmail.de", "hotmail.dk",
  "hotmail.es", "hotmail.fi", "hotmail.fr", "hotmail.gr", "hotmail.hu", "hotmail.it",
  "hotmail.lt", "hotmail.lv", "hotmail.my", "hotmail.nl", "hotmail.no", "hotmail.ph",
  "hotmail.rs", "hotmail.se", "hotmail.sg", "hotmail.sk", "hotmail.co.id", "hotmail.co.il",
  "hotmail.co.in", "hotmail.co.jp", "hotmail.co.kr", "hotmail.co.th", "hotmail.co.uk",
  "hotmail.co.za", "hotmail.com.ar", "hotmail.com.au", "hotmail.com.br", "hotmail.com.hk",
  "hotmail.com.tr", "hotmail.com.tw", "hotmail.com.vn",
  "live.at", "live.be", "live.ca", "live.cl", "live.cn", "live.de", "live.dk", "live.fi",
  "live.fr", "live.hk", "live.ie", "live.in", "live.it", "live.jp", "live.nl", "live.no",
  "live.ru", "live.se", "live.co.jp", "live.co.kr", "live.co.uk", "live.co.za",
  "live.com.ar", "live.com.au", "live.com.mx", "live.com.my", "live.com.ph", "live.com.pt",
  "live.com.sg",
  NULL,
};

typedef struct
{
  const char    *suffix;     /* of the MX host, with its leading dot */
  KabarProvider  provider;
} MxRule;

static const MxRule mx_rules[] = {
  { ".olc.protection.outlook.com", KABAR_PROVIDER_OUTLOOK_COM },
  { ".mail.protection.outlook.com", KABAR_PROVIDER_MICROSOFT_365 },
  { ".google.com", KABAR_PROVIDER_GMAIL },
  { ".googlemail.com", KABAR_PROVIDER_GMAIL },
  { ".messagingengine.com", KABAR_PROVIDER_FASTMAIL },
};

typedef struct
{
  KabarServerKind  kind;
  const char      *host;
  guint16          port;
  KabarSecurity    security;
} ProviderServer;

typedef struct
{
  const char           *name;
  const char           *tenant;        /* Microsoft's; NULL for the others */
  gboolean              files_sent;
  KabarAuthMethod       auth;
  const ProviderServer  servers[4];    /* best first within a kind */
} ProviderInfo;

static const ProviderInfo providers[] = {
  [KABAR_PROVIDER_NONE] = { NULL, NULL, FALSE, KABAR_AUTH_PASSWORD, { { 0 } } },
  [KABAR_PROVIDER_OUTLOOK_COM] = {
    "Outlook.com", "consumers", TRUE, KABAR_AUTH_OAUTH2, {
      { KABAR_SERVER_KIND_IMAP, "outlook.office365.com", 993, KABAR_SECURITY_IMPLICIT_TLS },
      { KABAR_SERVER_KIND_POP3, "outlook.office365.com", 995, KABAR_SECURITY_IMPLICIT_TLS },
      { KABAR_SERVER_KIND_SMTP, "smtp-mail.outlook.com", 587, KABAR_SECURITY_STARTTLS },
    },
  },
  [KABAR_PROVIDER_MICROSOFT_365] = {
    "Microsoft 365", "common", TRUE, KABAR_AUTH_OAUTH2, {
      { KABAR_SERVER_KIND_IMAP, "outlook.office365.com", 993, KABAR_SECURITY_IMPLICIT_TLS },
      { KABAR_SERVER_KIND_POP3, "outlook.office365.com", 995, KABAR_SECURITY_IMPLICIT_TLS },
      { KABAR_SERVER_KIND_SMTP, "smtp.office365.com", 587, KABAR_SECURITY_STARTTLS },
    },
  },
  /* Google takes app passwords; its own OAuth2 is not Kabar's. */
  [KABAR_PROVIDER_GMAIL] = {
    "Google Mail", NULL, FALSE, KABAR_AUTH_PASSWORD, {
      { KABAR_SERVER_KIND_IMAP, "imap.gmail.com", 993, KABAR_SECURITY_IMPLICIT_TLS },
      { KABAR_SERVER_KIND_POP3, "pop.gmail.com", 995, KABAR_SECURITY_IMPLICIT_TLS },
      { KABAR_SERVER_KIND_SMTP, "smtp.gmail.com", 465, KABAR_SECURITY_IMPLICIT_TLS },
    },
  },
  [KABAR_PROVIDER_FASTMAIL] = {
    "Fastmail", NULL, FALSE, KABAR_AUTH_PASSWORD, {
      { KABAR_SERVER_KIND_IMAP, "imap.fastmail.com", 993, KABAR_SECURITY_IMPLICIT_TLS },
      { KABAR_SERVER_KIND_POP3, "pop.fastmail.com", 995, KABAR_SECURITY_IMPLICIT_TLS },
      { KABAR_SERVER_KIND_SMTP, "smtp.fastmail.com", 465, KABAR_SECURITY_IMPLICIT_TLS },
    },
  },
};

static const char * const microsoft_hosts[] = {
  "outlook.office365.com", "smtp-mail.outlook.com", "smtp.office365.com", NULL,
};

gboolean
kabar_provider_is_microsoft_consumer_domain (const char *domain)
{
  g_autofree char *lower = NULL;

  if (domain == NULL)
    return FALSE;
  lower = g_ascii_strdown (domain, -1);
  return g_strv_contains (microsoft_consumer_domains, lower);
}

KabarProvider
kabar_provider_for_domain (const char *domain)
{
  if (kabar_provider_is_microsoft_consumer_domain (domain))
    return KABAR_PROVIDER_OUTLOOK_COM;
  return KABAR_PROVIDER_NONE;
}

KabarProvider
kabar_provider_for_mx_host (const char *mx_host)
{
  g_autofree char *lower = NULL;

  if (mx_host == NULL)
    return KABAR_PROVIDER_NONE;
  lower = g_ascii_strdown (mx_host, -1);
  /* DNS names may come with their root dot. */
  if (g_str_has_suffix (lower, "."))
    lower[strlen (lower) - 1] = '\0';
  for (gsize i = 0; i < G_N_ELEMENTS (mx_rules); i++)
    if (g_str_has_suffix (lower, mx_rules[i].suffix))
      return mx_rules[i].provider;
  return KABAR_PROVIDER_NONE;
}

const char *
kabar_provider_get_name (KabarProvider provider)
{
  g_return_val_if_fail (provider < G_N_ELEMENTS (providers), NULL);
  return providers[provider].name;
}

gboolean
kabar_provider_is_microsoft (KabarProvider provider)
{
  return provider == KABAR_PROVIDER_OUTLOOK_COM || provider == KABAR_PROVIDER_MICROSOFT_365;
}

const char *
kabar_provider_get_oauth2_tenant (KabarProvider provider)
{
  g_return_val_if_fail (provider < G_N_ELEMENTS (providers), NULL);
  return providers[provider].tenant;
}

gboolean
kabar_provider_get_server_files_sent (KabarProvider provider)
{
  g_return_val_if_fail (provider < G_N_ELEMENTS (providers), FALSE);
  return providers[provider].files_sent;
}

void
kabar_provider_add_servers (KabarProvider  provider,
                            const char    *address,
                            GPtrArray     *incoming,
                            GPtrArray     *outgoing)
{
  const ProviderInfo *info;

  g_return_if_fail (provider < G_N_ELEMENTS (providers));
  info = &providers[provider];
  for (gsize i = 0; i < G_N_ELEMENTS (info->servers) && info->servers[i].host != NULL; i++)
    {
      const ProviderServer *server = &info->servers[i];
      /* Every provider here signs in with the whole address. */
      KabarServerSettings *settings = kabar_server_settings_new (server->kind, server->host,
                                                                 server->port, server->security,
                                                                 address, info->auth);

      g_ptr_array_add (server->kind == KABAR_SERVER_KIND_SMTP ? outgoing : incoming, settings);
    }
}

gboolean
kabar_provider_is_microsoft_host (const char *host)
{
  g_autofree char *lower = NULL;

  if (host == NULL)
    return FALSE;
  lower = g_ascii_strdown (host, -1);
  return g_strv_contains (microsoft_hosts, lower);
}

char *
kabar_provider_dup_domain (const char *address)
{
  const char *at;

  if (address == NULL)
    return NULL;
  at = strrchr (address, '@');
  if (at == NULL || at[1] == '\0')
    return NULL;
  return g_ascii_strdown (at + 1, -1);
}

gboolean
kabar_provider_host_in_domain (const char *host,
                               const char *domain)
{
  gsize host_length, domain_length;

  if (host == NULL || domain == NULL)
    return FALSE;
  host_length = strlen (host);
  domain_length = strlen (domain);
  if (host_length > 0 && host[host_length - 1] == '.')
    host_length--;
  if (host_length == domain_length)
    return g_ascii_strncasecmp (host, domain, domain_length) == 0;
  return host_length > domain_length
         && host[host_length - domain_length - 1] == '.'
         && g_ascii_strncasecmp (host + host_length - domain_length, domain, domain_length) == 0;
}
