/* kabar-graph-error.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-graph-error.h"

G_DEFINE_QUARK (kabar-graph-error-quark, kabar_graph_error)
