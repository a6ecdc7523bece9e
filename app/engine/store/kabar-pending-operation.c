/* kabar-pending-operation.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-pending-operation.h"

static const char * const kind_strings[] = {
  [KABAR_PENDING_FLAGS] = "flags",
  [KABAR_PENDING_MOVE] = "move",
  [KABAR_PENDING_COPY] = "copy",
  [KABAR_PENDING_DELETE] = "delete",
  [KABAR_PENDING_APPEND] = "append",
  [KABAR_PENDING_FOLDER_CREATE] = "folder-create",
  [KABAR_PENDING_FOLDER_RENAME] = "folder-rename",
  [KABAR_PENDING_FOLDER_DELETE] = "folder-delete",
};

G_DEFINE_BOXED_TYPE (KabarPendingOperation, kabar_pending_operation,
                     kabar_pending_operation_copy, kabar_pending_operation_free)

const char *
kabar_pending_kind_to_string (KabarPendingKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_strings), NULL);

  return kind_strings[kind];
}

gboolean
kabar_pending_kind_from_string (const char       *string,
                                KabarPendingKind *kind)
{
  for (guint i = 0; string != NULL && i < G_N_ELEMENTS (kind_strings); i++)
    if (g_str_equal (kind_strings[i], string))
      {
        *kind = (KabarPendingKind) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
kabar_pending_kind_uses_uids (KabarPendingKind kind)
{
  switch (kind)
    {
    case KABAR_PENDING_FLAGS:
    case KABAR_PENDING_MOVE:
    case KABAR_PENDING_COPY:
    case KABAR_PENDING_DELETE:
      return TRUE;
    case KABAR_PENDING_APPEND:
    case KABAR_PENDING_FOLDER_CREATE:
    case KABAR_PENDING_FOLDER_RENAME:
    case KABAR_PENDING_FOLDER_DELETE:
      return FALSE;
    default:
      g_return_val_if_reached (FALSE);
    }
}

KabarPendingOperation *
kabar_pending_operation_copy (const KabarPendingOperation *self)
{
  KabarPendingOperation *copy = g_memdup2 (self, sizeof *self);

  copy->uid_set = g_strdup (self->uid_set);
  copy->payload = g_strdup (self->payload);
  copy->last_error = g_strdup (self->last_error);
  return copy;
}

void
kabar_pending_operation_free (KabarPendingOperation *self)
{
  if (self == NULL)
    return;

  g_free (self->uid_set);
  g_free (self->payload);
  g_free (self->last_error);
  g_free (self);
}
