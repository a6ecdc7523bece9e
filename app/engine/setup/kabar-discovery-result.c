/* kabar-discovery-result.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What one source of the discovery found.
 */

#include "config.h"

#include "kabar-discovery-private.h"

struct _KabarDiscoveryResult
{
  GObject parent_instance;

  KabarDiscoverySource  source;
  char                 *provider_name;
  GPtrArray            *incoming;
  GPtrArray            *outgoing;
  GStrv                 foreign_hosts;
  gboolean              microsoft;
  gboolean              files_sent;
  const char           *tenant;   /* static */
};

G_DEFINE_FINAL_TYPE (KabarDiscoveryResult, kabar_discovery_result, G_TYPE_OBJECT)

static void
kabar_discovery_result_finalize (GObject *object)
{
  KabarDiscoveryResult *self = KABAR_DISCOVERY_RESULT (object);

  g_free (self->provider_name);
  g_ptr_array_unref (self->incoming);
  g_ptr_array_unref (self->outgoing);
  g_strfreev (self->foreign_hosts);

  G_OBJECT_CLASS (kabar_discovery_result_parent_class)->finalize (object);
}

static void
kabar_discovery_result_class_init (KabarDiscoveryResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kabar_discovery_result_finalize;
}

static void
kabar_discovery_result_init (KabarDiscoveryResult *self)
{
}

static gboolean
source_vouches (KabarDiscoverySource source)
{
  /* The provider itself (its https autoconfig), Kabar, or the ISPDB's
   * curators said these hosts are the provider's; a DNS answer or a
   * guess only says something answers there. */
  return source == KABAR_DISCOVERY_SOURCE_BUILT_IN || source == KABAR_DISCOVERY_SOURCE_AUTOCONFIG
         || source == KABAR_DISCOVERY_SOURCE_ISPDB;
}

static void
add_foreign (GPtrArray  *servers,
             const char *domain,
             GPtrArray  *foreign)
{
  for (guint i = 0; i < servers->len; i++)
    {
      KabarServerSettings *server = servers->pdata[i];
      gboolean seen = FALSE;

      if (kabar_provider_host_in_domain (server->host, domain))
        continue;
      for (guint j = 0; j < foreign->len && !seen; j++)
        seen = g_ascii_strcasecmp (foreign->pdata[j], server->host) == 0;
      if (!seen)
        g_ptr_array_add (foreign, g_strdup (server->host));
    }
}

static gboolean
uses_microsoft (GPtrArray *servers)
{
  for (guint i = 0; i < servers->len; i++)
    if (kabar_provider_is_microsoft_host (((KabarServerSettings *) servers->pdata[i])->host))
      return TRUE;
  return FALSE;
}

KabarDiscoveryResult *
kabar_discovery_result_new (KabarDiscoverySource  source,
                            KabarProvider         provider,
                            const char           *provider_name,
                            const char           *domain,
                            GPtrArray            *incoming,
                            GPtrArray            *outgoing)
{
  KabarDiscoveryResult *self = g_object_new (KABAR_TYPE_DISCOVERY_RESULT, NULL);
  GPtrArray *foreign = g_ptr_array_new ();

  self->source = source;
  self->provider_name = g_strdup (provider_name != NULL ? provider_name
                                                        : kabar_provider_get_name (provider));
  self->incoming = g_ptr_array_ref (incoming);
  self->outgoing = g_ptr_array_ref (outgoing);
  if (!source_vouches (source))
    {
      add_foreign (incoming, domain, foreign);
      add_foreign (outgoing, domain, foreign);
    }
  g_ptr_array_add (foreign, NULL);
  self->foreign_hosts = (GStrv) g_ptr_array_free (foreign, FALSE);

  if (provider == KABAR_PROVIDER_NONE && (uses_microsoft (incoming) || uses_microsoft (outgoing)))
    provider = kabar_provider_is_microsoft_consumer_domain (domain) ? KABAR_PROVIDER_OUTLOOK_COM
                                                                   : KABAR_PROVIDER_MICROSOFT_365;
  self->microsoft = kabar_provider_is_microsoft (provider);
  self->tenant = kabar_provider_get_oauth2_tenant (provider);
  self->files_sent = kabar_provider_get_server_files_sent (provider);
  return self;
}

KabarDiscoverySource
kabar_discovery_result_get_source (KabarDiscoveryResult *self)
{
  g_return_val_if_fail (KABAR_IS_DISCOVERY_RESULT (self), KABAR_DISCOVERY_SOURCE_BUILT_IN);
  return self->source;
}

const char *
kabar_discovery_result_get_provider_name (KabarDiscoveryResult *self)
{
  g_return_val_if_fail (KABAR_IS_DISCOVERY_RESULT (self), NULL);
  return self->provider_name;
}

GPtrArray *
kabar_discovery_result_get_incoming (KabarDiscoveryResult *self)
{
  g_return_val_if_fail (KABAR_IS_DISCOVERY_RESULT (self), NULL);
  return self->incoming;
}

GPtrArray *
kabar_discovery_result_get_outgoing (KabarDiscoveryResult *self)
{
  g_return_val_if_fail (KABAR_IS_DISCOVERY_RESULT (self), NULL);
  return self->outgoing;
}

KabarServerSettings *
kabar_discovery_result_get_best (KabarDiscoveryResult *self,
                                 KabarServerKind       kind)
{
  GPtrArray *servers;

  g_return_val_if_fail (KABAR_IS_DISCOVERY_RESULT (self), NULL);
  servers = kind == KABAR_SERVER_KIND_SMTP ? self->outgoing : self->incoming;
  for (guint i = 0; i < servers->len; i++)
    if (((KabarServerSettings *) servers->pdata[i])->kind == kind)
      return servers->pdata[i];
  return NULL;
}

const char * const *
kabar_discovery_result_get_foreign_hosts (KabarDiscoveryResult *self)
{
  g_return_val_if_fail (KABAR_IS_DISCOVERY_RESULT (self), NULL);
  return (const char * const *) self->foreign_hosts;
}

gboolean
kabar_discovery_result_is_microsoft (KabarDiscoveryResult *self)
{
  g_return_val_if_fail (KABAR_IS_DISCOVERY_RESULT (self), FALSE);
  return self->microsoft;
}

const char *
kabar_discovery_result_get_oauth2_tenant (KabarDiscoveryResult *self)
{
  g_return_val_if_fail (KABAR_IS_DISCOVERY_RESULT (self), NULL);
  return self->tenant;
}

gboolean
kabar_discovery_result_apply (KabarDiscoveryResult *self,
                              KabarAccount         *account,
                              KabarIncomingKind     kind)
{
  KabarServerSettings *incoming, *outgoing;

  g_return_val_if_fail (KABAR_IS_DISCOVERY_RESULT (self), FALSE);
  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), FALSE);

  if (kind == KABAR_INCOMING_IMAP)
    incoming = kabar_discovery_result_get_best (self, KABAR_SERVER_KIND_IMAP);
  else if (kind == KABAR_INCOMING_POP3)
    incoming = kabar_discovery_result_get_best (self, KABAR_SERVER_KIND_POP3);
  else
    incoming = NULL;
  outgoing = kabar_discovery_result_get_best (self, KABAR_SERVER_KIND_SMTP);
  if (incoming == NULL || outgoing == NULL)
    return FALSE;

  kabar_account_set_incoming_kind (account, kind);
  kabar_account_set_server (account, KABAR_SERVER_INCOMING, incoming->host, incoming->port,
                            incoming->security, incoming->user_name);
  kabar_account_set_server (account, KABAR_SERVER_OUTGOING, outgoing->host, outgoing->port,
                            outgoing->security, outgoing->user_name);
  kabar_account_set_auth_method (account, incoming->auth);
  kabar_account_set_oauth2_tenant (account, self->tenant);
  kabar_account_set_server_files_sent (account, self->files_sent);
  return TRUE;
}
