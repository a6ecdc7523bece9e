/* kabar-autoconfig.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-provider.h"

G_BEGIN_DECLS

/* A provider's settings in Thunderbird's autoconfig format
 * (config-v1.1.xml), as served by autoconfig.<domain>, .well-known and
 * the ISPDB. The file comes from the network: it is parsed without
 * entities, DTDs or network access, and refused past
 * KABAR_AUTOCONFIG_MAX_SIZE. */
#define KABAR_AUTOCONFIG_MAX_SIZE (256 * 1024)

#define KABAR_AUTOCONFIG_ERROR (kabar_autoconfig_error_quark ())

typedef enum
{
  KABAR_AUTOCONFIG_ERROR_INVALID,     /* not XML, or not an autoconfig file */
  KABAR_AUTOCONFIG_ERROR_TOO_BIG,     /* longer than KABAR_AUTOCONFIG_MAX_SIZE */
  KABAR_AUTOCONFIG_ERROR_NO_SERVERS,  /* no IMAP or POP3 server, or no SMTP server,
                                       * Kabar can use */
} KabarAutoconfigError;

GQuark kabar_autoconfig_error_quark (void);

typedef struct _KabarAutoconfig KabarAutoconfig;

/* The first emailProvider of the file, its servers' user names filled in
 * from address (%EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%). Servers
 * of types other than imap, pop3 and smtp (exchange, ...), and those
 * without a host, a port, a socket type or an authentication Kabar knows,
 * are left out. */
KabarAutoconfig    *kabar_autoconfig_parse            (const char       *data,
                                                       gsize             size,
                                                       const char       *address,
                                                       GError          **error);
void                kabar_autoconfig_free             (KabarAutoconfig  *self);

/* The displayName, or NULL. */
const char         *kabar_autoconfig_get_display_name (KabarAutoconfig  *self);
/* The domains the provider lists, lower case. NULL-terminated. */
const char * const *kabar_autoconfig_get_domains      (KabarAutoconfig  *self);
/* KabarServerSettings in the file's order (its order of preference). */
GPtrArray          *kabar_autoconfig_get_incoming     (KabarAutoconfig  *self);
GPtrArray          *kabar_autoconfig_get_outgoing     (KabarAutoconfig  *self);

/* A user name pattern of the format with the address's parts put in. */
char               *kabar_autoconfig_expand_user_name (const char       *pattern,
                                                       const char       *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarAutoconfig, kabar_autoconfig_free)

G_END_DECLS
