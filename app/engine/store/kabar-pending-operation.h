/* kabar-pending-operation.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What the user did that the server has not confirmed yet. The store keeps
 * the kind as text (the names below). */
typedef enum
{
  KABAR_PENDING_FLAGS,
  KABAR_PENDING_MOVE,
  KABAR_PENDING_COPY,
  KABAR_PENDING_DELETE,
  KABAR_PENDING_APPEND,
  KABAR_PENDING_FOLDER_CREATE,
  KABAR_PENDING_FOLDER_RENAME,
  KABAR_PENDING_FOLDER_DELETE,
} KabarPendingKind;

const char       *kabar_pending_kind_to_string   (KabarPendingKind  kind);
/* FALSE for a string no kind has. */
gboolean          kabar_pending_kind_from_string (const char       *string,
                                                  KabarPendingKind *kind);

/* Whether an operation names messages by UID, which a new UIDVALIDITY
 * makes meaningless. */
gboolean          kabar_pending_kind_uses_uids   (KabarPendingKind  kind);

typedef struct
{
  gint64            id;
  KabarPendingKind  kind;
  /* 0 for operations on a folder the store no longer has (folder-create,
   * folder-delete): their payload names it. */
  gint64            folder_id;
  /* IMAP sequence-set syntax ("4,7:9"), or NULL. */
  char             *uid_set;
  /* The arguments, JSON, for the worker that replays the operation. */
  char             *payload;
  /* Unix microseconds. */
  gint64            created_at;
  guint             attempts;
  /* The server's words the last time it refused, or NULL. */
  char             *last_error;
  /* Its command may have reached the server: a copy, move, append or
   * folder command that was sent before the connection was lost. */
  gboolean          started;
} KabarPendingOperation;

#define KABAR_TYPE_PENDING_OPERATION (kabar_pending_operation_get_type ())

GType                  kabar_pending_operation_get_type (void) G_GNUC_CONST;
KabarPendingOperation *kabar_pending_operation_copy     (const KabarPendingOperation *self);
void                   kabar_pending_operation_free     (KabarPendingOperation       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarPendingOperation, kabar_pending_operation_free)

G_END_DECLS
