/* kabar-provider.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-account.h"
#include "kabar-connection.h"

G_BEGIN_DECLS

typedef enum
{
  KABAR_SERVER_KIND_IMAP,
  KABAR_SERVER_KIND_POP3,
  KABAR_SERVER_KIND_SMTP,
} KabarServerKind;

/* One server a source offers; user_name already filled in from the
 * address. auth is OAUTH2 where the provider takes only OAuth2. */
typedef struct
{
  KabarServerKind  kind;
  char            *host;
  guint16          port;
  KabarSecurity    security;
  char            *user_name;
  KabarAuthMethod  auth;
} KabarServerSettings;

#define KABAR_TYPE_SERVER_SETTINGS (kabar_server_settings_get_type ())

GType                kabar_server_settings_get_type (void) G_GNUC_CONST;
KabarServerSettings *kabar_server_settings_new      (KabarServerKind            kind,
                                                     const char                *host,
                                                     guint16                    port,
                                                     KabarSecurity              security,
                                                     const char                *user_name,
                                                     KabarAuthMethod            auth);
KabarServerSettings *kabar_server_settings_copy     (const KabarServerSettings *self);
void                 kabar_server_settings_free     (KabarServerSettings       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarServerSettings, kabar_server_settings_free)

/* The providers Kabar knows without asking the network. */
typedef enum
{
  KABAR_PROVIDER_NONE,
  KABAR_PROVIDER_OUTLOOK_COM,     /* Microsoft's consumer mail */
  KABAR_PROVIDER_MICROSOFT_365,   /* Microsoft's business mail (Exchange Online) */
  KABAR_PROVIDER_GMAIL,
  KABAR_PROVIDER_FASTMAIL,
} KabarProvider;

/* Is the domain one of the Microsoft consumer domains (outlook.com,
 * hotmail.com, live.com, msn.com and their national variants), offline. */
gboolean     kabar_provider_is_microsoft_consumer_domain (const char    *domain);
/* The provider of an address's domain, offline; NONE for the others. */
KabarProvider kabar_provider_for_domain      (const char    *domain);
/* The provider that runs a mail exchanger (an MX record's host); NONE
 * when it is not one Kabar knows. */
KabarProvider kabar_provider_for_mx_host     (const char    *mx_host);

/* "Outlook.com"; NULL for NONE. Not translated: these are names. */
const char  *kabar_provider_get_name         (KabarProvider  provider);
gboolean     kabar_provider_is_microsoft     (KabarProvider  provider);
/* The Microsoft tenant to sign in to: "consumers", "common"; NULL. */
const char  *kabar_provider_get_oauth2_tenant (KabarProvider provider);
/* The provider files what its SMTP sends in Sent by itself. */
gboolean     kabar_provider_get_server_files_sent (KabarProvider provider);
/* Its servers for address, best first, appended to incoming (IMAP, then
 * POP3) and outgoing (SMTP), as KabarServerSettings. */
void         kabar_provider_add_servers      (KabarProvider  provider,
                                              const char    *address,
                                              GPtrArray     *incoming,
                                              GPtrArray     *outgoing);
/* Is host (a server name) one of Microsoft's mail servers. */
gboolean     kabar_provider_is_microsoft_host (const char   *host);

/* The domain of an address (after the last @), lower case; NULL when the
 * address has none. */
char        *kabar_provider_dup_domain       (const char    *address);
/* Whether host is domain or a name under it (case-insensitive). */
gboolean     kabar_provider_host_in_domain   (const char    *host,
                                              const char    *domain);

G_END_DECLS
