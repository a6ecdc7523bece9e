/* kabar-fake-resolver.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A resolver for tests, installed with g_resolver_set_default(): it knows
 * the names it was given (IPv4 only), says NOT_FOUND for the others, and
 * never answers for "silent" names until the lookup is cancelled, like a
 * DNS server that is down. Addresses in a host string never reach a
 * resolver, so tests that use 127.0.0.1 are unaffected. */
#define KABAR_TYPE_FAKE_RESOLVER (kabar_fake_resolver_get_type ())
G_DECLARE_FINAL_TYPE (KabarFakeResolver, kabar_fake_resolver, KABAR, FAKE_RESOLVER, GResolver)

KabarFakeResolver *kabar_fake_resolver_new        (void);
void               kabar_fake_resolver_add        (KabarFakeResolver *self,
                                                   const char        *name,
                                                   const char        *ipv4_address);
void               kabar_fake_resolver_add_silent (KabarFakeResolver *self,
                                                   const char        *name);
/* SRV records of rrname ("_imaps._tcp.example.test"), answered in the
 * order added (as a DNS server would, unsorted); a target of "." says the
 * service is not offered. */
void               kabar_fake_resolver_add_srv    (KabarFakeResolver *self,
                                                   const char        *rrname,
                                                   const char        *target,
                                                   guint16            port,
                                                   guint16            priority,
                                                   guint16            weight);
/* MX records of a domain, in the order added. */
void               kabar_fake_resolver_add_mx     (KabarFakeResolver *self,
                                                   const char        *domain,
                                                   const char        *exchange,
                                                   guint16            preference);
/* How many lookups of any kind were asked for name (a host, an SRV
 * rrname or a domain's records). */
guint              kabar_fake_resolver_count_lookups (KabarFakeResolver *self,
                                                      const char        *name);

G_END_DECLS
