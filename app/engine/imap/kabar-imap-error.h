/* kabar-imap-error.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The IMAP layer's errors. The message always says what was wrong in terms
 * a log reader can act on, and quotes the server where that helps. */
#define KABAR_IMAP_ERROR (kabar_imap_error_quark ())

typedef enum
{
  /* The server sent something that is not IMAP (or exceeds a limit). */
  KABAR_IMAP_ERROR_PARSE,
  /* A mailbox name is not valid modified UTF-7 (RFC 3501 §5.1.3). */
  KABAR_IMAP_ERROR_MAILBOX_NAME,
} KabarImapError;

GQuark kabar_imap_error_quark (void);

G_END_DECLS
