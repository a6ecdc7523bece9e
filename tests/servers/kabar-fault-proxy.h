/* kabar-fault-proxy.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A TCP proxy that cuts connections at an exact byte, for fault tests
 * with a real server behind: the client talks to the proxy's port, every
 * connection is forwarded to the target port on 127.0.0.1, and TLS passes
 * through end to end (the proxy never decrypts).
 *
 *   proxy = kabar_fault_proxy_new (kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS));
 *   kabar_fault_proxy_start (proxy, &error);
 *   kabar_fault_proxy_cut_after (proxy, KABAR_FAULT_SERVER_TO_CLIENT, 4096);
 *   ... connect a client to kabar_fault_proxy_get_port (proxy) ...
 *
 * Each kabar_fault_proxy_cut_after() applies to one connection, the next
 * one accepted that has no cut yet; connections beyond the planned cuts
 * pass through. A clean run through the proxy measures a conversation
 * (kabar_fault_proxy_get_bytes()), so a test can then spread its cut
 * points over it.
 *
 * A cut closes both sockets at once: the client gets a TCP close after
 * exactly the bytes the cut allowed, without a TLS close_notify, as when a
 * network goes away.
 *
 *  - KABAR_FAULT_SERVER_TO_CLIENT: the client receives exactly the first
 *    bytes of what the server sent, then the cut.
 *  - KABAR_FAULT_CLIENT_TO_SERVER: the server receives exactly the first
 *    bytes of what the client sent; from then on nothing reaches the
 *    client (the server's replies are read and dropped) and the cut comes
 *    once the server has been silent for a moment. So a command that
 *    reached the server whole is carried out, and its reply is lost.
 *
 * The proxy runs on a thread of its own with its own main context; every
 * function here may be called from any thread. Connections are numbered
 * from 0 in the order accepted.
 */

typedef enum
{
  KABAR_FAULT_SERVER_TO_CLIENT,
  KABAR_FAULT_CLIENT_TO_SERVER,
} KabarFaultDirection;

typedef struct _KabarFaultProxy KabarFaultProxy;

KabarFaultProxy *kabar_fault_proxy_new              (guint16               target_port);
/* Closes every connection and stops the thread. */
void             kabar_fault_proxy_free             (KabarFaultProxy      *self);

/* Binds 127.0.0.1 on a free port and starts the proxy's thread. */
gboolean         kabar_fault_proxy_start            (KabarFaultProxy      *self,
                                                     GError              **error);
guint16          kabar_fault_proxy_get_port         (KabarFaultProxy      *self);

/* The next connection that has no cut yet is cut once bytes (0 or more)
 * have gone in direction. */
void             kabar_fault_proxy_cut_after        (KabarFaultProxy      *self,
                                                     KabarFaultDirection   direction,
                                                     guint64               bytes);
/* Forgets the cuts planned for connections not accepted yet. */
void             kabar_fault_proxy_clear_cuts       (KabarFaultProxy      *self);

guint            kabar_fault_proxy_get_n_connections (KabarFaultProxy     *self);
/* Bytes forwarded so far in direction on connection. */
guint64          kabar_fault_proxy_get_bytes        (KabarFaultProxy      *self,
                                                     guint                 connection,
                                                     KabarFaultDirection   direction);
/* Where TLS records ended in direction, as byte offsets (guint64
 * elements, ascending): for a TLS conversation, the points where the
 * other side has received whole records, i.e. whole writes of its peer,
 * commands or replies. Empty when the stream does not look like TLS. */
GArray          *kabar_fault_proxy_dup_record_ends  (KabarFaultProxy      *self,
                                                     guint                 connection,
                                                     KabarFaultDirection   direction);
/* Whether the connection was cut (rather than closed by either side). */
gboolean         kabar_fault_proxy_was_cut          (KabarFaultProxy      *self,
                                                     guint                 connection);
/* Waits, up to timeout_ms, until the connection exists and both of its
 * sockets are closed. */
gboolean         kabar_fault_proxy_wait_closed      (KabarFaultProxy      *self,
                                                     guint                 connection,
                                                     guint                 timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarFaultProxy, kabar_fault_proxy_free)

G_END_DECLS
