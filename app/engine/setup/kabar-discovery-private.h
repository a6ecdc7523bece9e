/* kabar-discovery-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to setup/: what the discovery and its results share.
 */

#pragma once

#include <libsoup/soup.h>

#include "kabar-discovery.h"

G_BEGIN_DECLS

struct _KabarDiscovery
{
  GObject parent_instance;

  char                    *address;
  char                    *domain;        /* ASCII (IDN), lower case; NULL if none */
  char                    *ispdb_url;
  GTlsDatabase            *tls_database;
  guint                    timeout_ms;

  GTask                   *task;          /* while running */
  gulong                   cancelled_id;
  KabarDiscoveryStepState  states[KABAR_DISCOVERY_N_SOURCES];
  GCancellable            *cancellables[KABAR_DISCOVERY_N_SOURCES];
  GSource                 *timers[KABAR_DISCOVERY_N_SOURCES];
  KabarDiscoveryResult    *results[KABAR_DISCOVERY_N_SOURCES];
  guint                    pending;       /* operations in flight */
  gboolean                 decided;

  SoupSession             *session;
  guint                    autoconfig_url;  /* which of the two is being asked */
  GList                   *srv_targets[6];
  guint                    srv_remaining;
  GPtrArray               *probes;
  guint                    probes_remaining;
};

/* Every source runs operations through these: begin takes a reference
 * and counts the operation, end gives both back; the discovery reports
 * only once none is in flight, so nothing outlives it. */
void     kabar_discovery_op_begin       (KabarDiscovery       *self);
void     kabar_discovery_op_end         (KabarDiscovery       *self);
/* Whether the source's answer still matters (it is running). */
gboolean kabar_discovery_source_running (KabarDiscovery       *self,
                                         KabarDiscoverySource  source);
/* The source is done: FOUND with result (taken), else NOT_FOUND. */
void     kabar_discovery_source_done    (KabarDiscovery       *self,
                                         KabarDiscoverySource  source,
                                         KabarDiscoveryResult *result);
/* The source is turned off: SKIPPED. */
void     kabar_discovery_source_off     (KabarDiscovery       *self,
                                         KabarDiscoverySource  source);
/* Servers arrays as results hold them. */
GPtrArray *kabar_discovery_servers_new  (void);

void     kabar_discovery_start_autoconfig (KabarDiscovery *self);
void     kabar_discovery_start_ispdb      (KabarDiscovery *self);
void     kabar_discovery_start_srv        (KabarDiscovery *self);
void     kabar_discovery_start_mx         (KabarDiscovery *self);
void     kabar_discovery_start_guess      (KabarDiscovery *self);

/* Takes a reference to incoming and outgoing (KabarServerSettings).
 * provider_name NULL: the provider's own name. */
KabarDiscoveryResult *kabar_discovery_result_new (KabarDiscoverySource  source,
                                                  KabarProvider         provider,
                                                  const char           *provider_name,
                                                  const char           *domain,
                                                  GPtrArray            *incoming,
                                                  GPtrArray            *outgoing);

G_END_DECLS
