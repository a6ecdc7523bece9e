/* kabar-replay-steps.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-replay-steps.h"

JsonObject *
kabar_replay_read_payload (const KabarPendingOperation  *operation,
                           KabarReplayRequired           required,
                           GError                      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root = NULL;
  JsonObject *payload;

  if (json_parser_load_from_data (parser, operation->payload != NULL ? operation->payload : "", -1, NULL))
    root = json_parser_get_root (parser);
  payload = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  for (guint i = 0; payload != NULL && i < G_N_ELEMENTS (required[0]); i++)
    {
      const char *member = required[operation->kind][i];

      if (member != NULL && json_object_get_string_member_with_default (payload, member, NULL) == NULL)
        payload = NULL;
    }
  if (payload == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The pending %s operation %" G_GINT64_FORMAT " cannot be replayed: %s",
                   kabar_pending_kind_to_string (operation->kind), operation->id,
                   operation->payload != NULL ? operation->payload : "(no payload)");
      return NULL;
    }
  return json_object_ref (payload);
}

gboolean
kabar_replay_mark_started (KabarStore                   *store,
                           const KabarPendingOperation  *operation,
                           GError                      **error)
{
  return operation->started || kabar_store_mark_pending_started (store, operation->id, error);
}

gboolean
kabar_replay_complete (KabarStore                   *store,
                       const KabarPendingOperation  *operation,
                       GError                      **error)
{
  return kabar_store_complete_pending_operation (store, operation->id, error);
}

gboolean
kabar_replay_refuse (KabarStore                   *store,
                     const KabarPendingOperation  *operation,
                     const GError                 *server_error,
                     GError                      **error)
{
  return kabar_store_undo_pending_operation (store, operation->id, server_error->message, error);
}

gboolean
kabar_replay_has_vanished (KabarStore                   *store,
                           const KabarPendingOperation  *operation,
                           const GError                 *error)
{
  gboolean pending = TRUE;

  if (!g_error_matches (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    return FALSE;
  return kabar_store_has_pending_operation (store, operation->id, &pending, NULL) && !pending;
}
