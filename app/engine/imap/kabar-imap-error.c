/* kabar-imap-error.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-imap-error.h"

G_DEFINE_QUARK (kabar-imap-error-quark, kabar_imap_error)
