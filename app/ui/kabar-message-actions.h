/* kabar-message-actions.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* What the user can do to messages, and how Kabar says it did it: the
 * window's actions, its drops and its toasts share these. */
typedef enum
{
  KABAR_MESSAGE_ACTION_MARK_READ,
  KABAR_MESSAGE_ACTION_MARK_UNREAD,
  KABAR_MESSAGE_ACTION_FLAG,
  KABAR_MESSAGE_ACTION_UNFLAG,
  /* Archive, Junk and to Trash are moves too. */
  KABAR_MESSAGE_ACTION_MOVE,
  KABAR_MESSAGE_ACTION_COPY,
  /* For good. */
  KABAR_MESSAGE_ACTION_DELETE,
} KabarMessageAction;

/* Asks the service for the change (to_folder_id for a move or copy, else
 * 0); the callback's source is the service. */
void     kabar_message_actions_run_async        (KabarMailService    *service,
                                                 KabarMessageAction   action,
                                                 gint64               folder_id,
                                                 const guint32       *uids,
                                                 gsize                n_uids,
                                                 gint64               to_folder_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* TRUE when the store made the change; *change_id (may be NULL) is what
 * undoes it, 0 for what cannot be undone. */
gboolean kabar_message_actions_run_finish       (KabarMailService    *service,
                                                 KabarMessageAction   action,
                                                 GAsyncResult        *result,
                                                 guint64             *change_id,
                                                 GError             **error);
/* The toast's words: "Marked as read", "Moved 3 messages to Archive"...
 * folder_name is the target's name as the sidebar shows it. */
char    *kabar_message_actions_describe         (KabarMessageAction   action,
                                                 guint                n_messages,
                                                 const char          *folder_name);
/* What the server refused (kind: a KabarPendingKind), in the server's
 * words. */
char    *kabar_message_actions_describe_refusal (guint                kind,
                                                 const GError        *error);

G_END_DECLS
