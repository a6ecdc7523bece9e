/* kabar-assistant-discovery.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-discovery.h"

G_BEGIN_DECLS

/* The account assistant's discovery page: a row for each place the
 * settings are looked for, in order of authority, each saying in words
 * and with a spinner, a check or a cross how its look-up goes. The
 * assistant runs the discovery; the page only shows it. */
#define KABAR_TYPE_ASSISTANT_DISCOVERY (kabar_assistant_discovery_get_type ())

G_DECLARE_FINAL_TYPE (KabarAssistantDiscovery, kabar_assistant_discovery, KABAR, ASSISTANT_DISCOVERY, AdwBin)

GtkWidget *kabar_assistant_discovery_new    (void);
/* Shows discovery's steps for address from now on (NULL: none). */
void       kabar_assistant_discovery_follow (KabarAssistantDiscovery *self,
                                             KabarDiscovery          *discovery,
                                             const char              *address);
/* What a row says of a step: "Looking…", "Found", "Not needed"… */
const char *kabar_assistant_discovery_describe_state (KabarDiscoveryStepState state);
/* The row's title for a source: "DNS service records"… */
const char *kabar_assistant_discovery_describe_source (KabarDiscoverySource source);

G_END_DECLS
