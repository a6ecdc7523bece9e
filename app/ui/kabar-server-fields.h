/* kabar-server-fields.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the user types for a server, checked as typed by the account
 * editor and the assistant's manual settings: enough to catch a typing
 * mistake; the server has the last word. */

/* NULL when host (trimmed) is a host name (IDN too) or an IP address;
 * else why not, translated. */
const char *kabar_server_fields_check_host (const char *host);
/* A port from 1 to 65535 (text trimmed); FALSE for anything else. */
gboolean    kabar_server_fields_parse_port (const char *text,
                                            guint16    *port);
/* Why a port was refused, translated. */
const char *kabar_server_fields_port_problem (void);

G_END_DECLS
