/* kabar-discovery-dns.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sources that ask DNS: SRV records (RFC 6186, RFC 8314) and the MX
 * mapped to a provider Kabar knows.
 */

#include "config.h"

#include <string.h>

#include "kabar-discovery-private.h"

typedef struct
{
  const char      *service;
  KabarServerKind  kind;
  KabarSecurity    security;
} SrvService;

/* Implicit TLS first within a kind (RFC 8314 §3.3 prefers it). */
static const SrvService srv_services[] = {
  { "imaps", KABAR_SERVER_KIND_IMAP, KABAR_SECURITY_IMPLICIT_TLS },
  { "imap", KABAR_SERVER_KIND_IMAP, KABAR_SECURITY_STARTTLS },
  { "pop3s", KABAR_SERVER_KIND_POP3, KABAR_SECURITY_IMPLICIT_TLS },
  { "pop3", KABAR_SERVER_KIND_POP3, KABAR_SECURITY_STARTTLS },
  { "submissions", KABAR_SERVER_KIND_SMTP, KABAR_SECURITY_IMPLICIT_TLS },
  { "submission", KABAR_SERVER_KIND_SMTP, KABAR_SECURITY_STARTTLS },
};

G_STATIC_ASSERT (G_N_ELEMENTS (srv_services) == G_N_ELEMENTS (((KabarDiscovery *) 0)->srv_targets));

typedef struct
{
  KabarDiscovery *self;
  guint           index;
} SrvLookup;

static void
add_srv_servers (KabarDiscovery *self,
                 GPtrArray      *incoming,
                 GPtrArray      *outgoing)
{
  for (guint i = 0; i < G_N_ELEMENTS (srv_services); i++)
    for (GList *l = self->srv_targets[i]; l != NULL; l = l->next)
      {
        const char *host = g_srv_target_get_hostname (l->data);
        g_autofree char *name = NULL;

        /* RFC 6186 §3: a target of "." says the service is not offered. */
        if (host == NULL || *host == '\0' || strcmp (host, ".") == 0)
          continue;
        name = g_strdup (host);
        if (g_str_has_suffix (name, "."))
          name[strlen (name) - 1] = '\0';
        g_ptr_array_add (srv_services[i].kind == KABAR_SERVER_KIND_SMTP ? outgoing : incoming,
                         kabar_server_settings_new (srv_services[i].kind, name,
                                                    g_srv_target_get_port (l->data),
                                                    srv_services[i].security, self->address,
                                                    KABAR_AUTH_PASSWORD));
      }
}

static void
srv_done (KabarDiscovery *self)
{
  g_autoptr(GPtrArray) incoming = kabar_discovery_servers_new ();
  g_autoptr(GPtrArray) outgoing = kabar_discovery_servers_new ();

  add_srv_servers (self, incoming, outgoing);
  if (incoming->len == 0 || outgoing->len == 0)
    kabar_discovery_source_done (self, KABAR_DISCOVERY_SOURCE_SRV, NULL);
  else
    kabar_discovery_source_done (self, KABAR_DISCOVERY_SOURCE_SRV,
                                 kabar_discovery_result_new (KABAR_DISCOVERY_SOURCE_SRV,
                                                             KABAR_PROVIDER_NONE, NULL,
                                                             self->domain, incoming, outgoing));
}

static void
on_srv_looked_up (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SrvLookup *lookup = user_data;
  KabarDiscovery *self = lookup->self;
  g_autoptr(GError) error = NULL;
  GList *targets;

  targets = g_resolver_lookup_service_finish (G_RESOLVER (source), result, &error);
  if (targets == NULL && !g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("discovery: SRV _%s._tcp.%s: %s", srv_services[lookup->index].service,
             self->domain, error->message);
  /* Priority first, then weight, as RFC 2782 says to choose. */
  self->srv_targets[lookup->index] = g_srv_target_list_sort (targets);
  self->srv_remaining--;
  if (self->srv_remaining == 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    srv_done (self);
  g_free (lookup);
  kabar_discovery_op_end (self);
}

void
kabar_discovery_start_srv (KabarDiscovery *self)
{
  GResolver *resolver = g_resolver_get_default ();

  self->srv_remaining = G_N_ELEMENTS (srv_services);
  for (guint i = 0; i < G_N_ELEMENTS (srv_services); i++)
    {
      SrvLookup *lookup = g_new (SrvLookup, 1);

      lookup->self = self;
      lookup->index = i;
      kabar_discovery_op_begin (self);
      g_resolver_lookup_service_async (resolver, srv_services[i].service, "tcp", self->domain,
                                       self->cancellables[KABAR_DISCOVERY_SOURCE_SRV],
                                       on_srv_looked_up, lookup);
    }
  g_object_unref (resolver);
}

/* --- MX ---------------------------------------------------------------------- */

static int
compare_preference (gconstpointer a,
                    gconstpointer b)
{
  guint16 first, second;

  g_variant_get ((GVariant *) a, "(q&s)", &first, NULL);
  g_variant_get ((GVariant *) b, "(q&s)", &second, NULL);
  return (int) first - (int) second;
}

static KabarProvider
provider_of_exchangers (GList *records)
{
  for (GList *l = records; l != NULL; l = l->next)
    {
      const char *host;
      KabarProvider provider;

      g_variant_get (l->data, "(q&s)", NULL, &host);
      provider = kabar_provider_for_mx_host (host);
      if (provider != KABAR_PROVIDER_NONE)
        return provider;
    }
  return KABAR_PROVIDER_NONE;
}

static void
on_mx_looked_up (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  KabarDiscovery *self = user_data;
  g_autoptr(GError) error = NULL;
  GList *records;
  KabarProvider provider;

  records = g_resolver_lookup_records_finish (G_RESOLVER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      kabar_discovery_op_end (self);
      return;
    }
  records = g_list_sort (records, compare_preference);
  provider = provider_of_exchangers (records);
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);
  if (provider == KABAR_PROVIDER_NONE)
    kabar_discovery_source_done (self, KABAR_DISCOVERY_SOURCE_MX, NULL);
  else
    {
      g_autoptr(GPtrArray) incoming = kabar_discovery_servers_new ();
      g_autoptr(GPtrArray) outgoing = kabar_discovery_servers_new ();

      kabar_provider_add_servers (provider, self->address, incoming, outgoing);
      kabar_discovery_source_done (self, KABAR_DISCOVERY_SOURCE_MX,
                                   kabar_discovery_result_new (KABAR_DISCOVERY_SOURCE_MX, provider,
                                                               NULL, self->domain,
                                                               incoming, outgoing));
    }
  kabar_discovery_op_end (self);
}

void
kabar_discovery_start_mx (KabarDiscovery *self)
{
  GResolver *resolver = g_resolver_get_default ();

  kabar_discovery_op_begin (self);
  g_resolver_lookup_records_async (resolver, self->domain, G_RESOLVER_RECORD_MX,
                                   self->cancellables[KABAR_DISCOVERY_SOURCE_MX],
                                   on_mx_looked_up, self);
  g_object_unref (resolver);
}
