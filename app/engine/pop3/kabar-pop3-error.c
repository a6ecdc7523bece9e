/* kabar-pop3-error.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-pop3-error.h"

G_DEFINE_QUARK (kabar-pop3-error-quark, kabar_pop3_error)
