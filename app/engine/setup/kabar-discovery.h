/* kabar-discovery.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-account.h"
#include "kabar-provider.h"

G_BEGIN_DECLS

/* Where settings can come from, in order of authority, most first. */
typedef enum
{
  KABAR_DISCOVERY_SOURCE_BUILT_IN,    /* Kabar's own knowledge, no network */
  KABAR_DISCOVERY_SOURCE_AUTOCONFIG,  /* https://autoconfig.<domain>, then .well-known */
  KABAR_DISCOVERY_SOURCE_ISPDB,       /* the ISPDB at the ispdb-url setting */
  KABAR_DISCOVERY_SOURCE_SRV,         /* RFC 6186 / RFC 8314 SRV records */
  KABAR_DISCOVERY_SOURCE_MX,          /* the domain's MX mapped to a known provider */
  KABAR_DISCOVERY_SOURCE_GUESS,       /* imap., mail., pop., smtp. probed */
  KABAR_DISCOVERY_N_SOURCES,
} KabarDiscoverySource;

typedef enum
{
  KABAR_DISCOVERY_STEP_WAITING,
  KABAR_DISCOVERY_STEP_RUNNING,
  KABAR_DISCOVERY_STEP_FOUND,
  KABAR_DISCOVERY_STEP_NOT_FOUND,
  KABAR_DISCOVERY_STEP_TIMED_OUT,
  KABAR_DISCOVERY_STEP_SKIPPED,      /* not needed: a more authoritative source
                                      * answered (or it is turned off) */
} KabarDiscoveryStepState;

#define KABAR_DISCOVERY_ERROR (kabar_discovery_error_quark ())

typedef enum
{
  KABAR_DISCOVERY_ERROR_NOT_FOUND,   /* no source found anything: the user
                                      * enters the settings */
} KabarDiscoveryError;

GQuark kabar_discovery_error_quark (void);

#define KABAR_TYPE_DISCOVERY_RESULT (kabar_discovery_result_get_type ())
G_DECLARE_FINAL_TYPE (KabarDiscoveryResult, kabar_discovery_result, KABAR, DISCOVERY_RESULT, GObject)

KabarDiscoverySource kabar_discovery_result_get_source        (KabarDiscoveryResult *self);
/* "Outlook.com", an autoconfig file's displayName; NULL when unknown. */
const char          *kabar_discovery_result_get_provider_name (KabarDiscoveryResult *self);
/* KabarServerSettings, best first; incoming holds IMAP and/or POP3,
 * outgoing SMTP. */
GPtrArray           *kabar_discovery_result_get_incoming      (KabarDiscoveryResult *self);
GPtrArray           *kabar_discovery_result_get_outgoing      (KabarDiscoveryResult *self);
/* The best of a kind, or NULL. */
KabarServerSettings *kabar_discovery_result_get_best          (KabarDiscoveryResult *self,
                                                               KabarServerKind       kind);
/* Hosts outside the address's domain from a source that cannot vouch for
 * them (SRV, MX, guess): the user must confirm them. NULL-terminated,
 * empty when none. Built-in, the provider's own https autoconfig and the
 * ISPDB vouch for theirs. */
const char * const  *kabar_discovery_result_get_foreign_hosts (KabarDiscoveryResult *self);
/* Outlook.com or Microsoft 365: OAuth2 with Microsoft; the Exchange-style
 * choice. */
gboolean             kabar_discovery_result_is_microsoft      (KabarDiscoveryResult *self);
/* "consumers", "common"; NULL when not Microsoft. */
const char          *kabar_discovery_result_get_oauth2_tenant (KabarDiscoveryResult *self);
/* Writes the best server of the incoming kind (IMAP or POP3) and the best
 * SMTP server into account, with the kind, the auth method, the tenant
 * and, for Microsoft, server_files_sent; FALSE (and account untouched)
 * when the result has no such server. */
gboolean             kabar_discovery_result_apply             (KabarDiscoveryResult *self,
                                                               KabarAccount         *account,
                                                               KabarIncomingKind     kind);

/* Finds the settings of an address's provider: every source at once, each
 * with its own timeout; the most authoritative answer wins as soon as
 * every source above it has given up, and the sources below it are
 * cancelled (SKIPPED). Lookups go through g_resolver_get_default(). */
#define KABAR_TYPE_DISCOVERY (kabar_discovery_get_type ())
G_DECLARE_FINAL_TYPE (KabarDiscovery, kabar_discovery, KABAR, DISCOVERY, GObject)

KabarDiscovery      *kabar_discovery_new              (const char           *address);
/* Base URL of the ISPDB (the ispdb-url key): https, or http on loopback;
 * NULL or "" skips it. */
void                 kabar_discovery_set_ispdb_url    (KabarDiscovery       *self,
                                                       const char           *url);
/* Trust for the https lookups; NULL (default) = the system's. */
void                 kabar_discovery_set_tls_database (KabarDiscovery       *self,
                                                       GTlsDatabase         *database);
/* Per source (default 10 s); guesses probe with a shorter timeout of
 * their own within it. */
void                 kabar_discovery_set_timeout      (KabarDiscovery       *self,
                                                       guint                 milliseconds);
KabarDiscoveryStepState kabar_discovery_get_step_state (KabarDiscovery      *self,
                                                        KabarDiscoverySource source);
/* Signal "step-changed" (KabarDiscoverySource source,
 * KabarDiscoveryStepState state), on the caller's main context. Run once. */
void                 kabar_discovery_run_async        (KabarDiscovery       *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
/* NULL and KABAR_DISCOVERY_ERROR_NOT_FOUND when no source found anything;
 * G_IO_ERROR_CANCELLED when cancelled. */
KabarDiscoveryResult *kabar_discovery_run_finish      (KabarDiscovery       *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

G_END_DECLS
