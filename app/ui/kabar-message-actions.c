/* kabar-message-actions.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-message-actions.h"
#include "kabar-pending-operation.h"

void
kabar_message_actions_run_async (KabarMailService    *service,
                                 KabarMessageAction   action,
                                 gint64               folder_id,
                                 const guint32       *uids,
                                 gsize                n_uids,
                                 gint64               to_folder_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  KabarMessageFlags add = KABAR_MESSAGE_FLAG_NONE;
  KabarMessageFlags remove = KABAR_MESSAGE_FLAG_NONE;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (service));

  switch (action)
    {
    case KABAR_MESSAGE_ACTION_MOVE:
      kabar_mail_service_move_async (service, folder_id, uids, n_uids, to_folder_id, cancellable,
                                     callback, user_data);
      return;
    case KABAR_MESSAGE_ACTION_COPY:
      kabar_mail_service_copy_async (service, folder_id, uids, n_uids, to_folder_id, cancellable,
                                     callback, user_data);
      return;
    case KABAR_MESSAGE_ACTION_DELETE:
      kabar_mail_service_delete_async (service, folder_id, uids, n_uids, cancellable, callback, user_data);
      return;
    case KABAR_MESSAGE_ACTION_MARK_READ:
      add = KABAR_MESSAGE_FLAG_SEEN;
      break;
    case KABAR_MESSAGE_ACTION_MARK_UNREAD:
      remove = KABAR_MESSAGE_FLAG_SEEN;
      break;
    case KABAR_MESSAGE_ACTION_FLAG:
      add = KABAR_MESSAGE_FLAG_FLAGGED;
      break;
    case KABAR_MESSAGE_ACTION_UNFLAG:
      remove = KABAR_MESSAGE_FLAG_FLAGGED;
      break;
    default:
      g_return_if_reached ();
    }
  kabar_mail_service_set_flags_async (service, folder_id, uids, n_uids, add, remove, cancellable,
                                      callback, user_data);
}

gboolean
kabar_message_actions_run_finish (KabarMailService    *service,
                                  KabarMessageAction   action,
                                  GAsyncResult        *result,
                                  guint64             *change_id,
                                  GError             **error)
{
  guint64 id = 0;
  GError *local_error = NULL;

  if (action == KABAR_MESSAGE_ACTION_DELETE)
    {
      if (!kabar_mail_service_change_finish (service, result, error))
        return FALSE;
    }
  else
    {
      id = kabar_mail_service_change_finish_id (service, result, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
    }
  if (change_id != NULL)
    *change_id = id;
  return TRUE;
}

char *
kabar_message_actions_describe (KabarMessageAction  action,
                                guint               n_messages,
                                const char         *folder_name)
{
  switch (action)
    {
    case KABAR_MESSAGE_ACTION_MARK_READ:
      return g_strdup (_("Marked as read"));
    case KABAR_MESSAGE_ACTION_MARK_UNREAD:
      return g_strdup (_("Marked as unread"));
    case KABAR_MESSAGE_ACTION_FLAG:
      return g_strdup (_("Flagged"));
    case KABAR_MESSAGE_ACTION_UNFLAG:
      return g_strdup (_("Flag removed"));
    case KABAR_MESSAGE_ACTION_MOVE:
      /* Translators: "Moved 3 messages to Archive"; %s is a folder's name. */
      return g_strdup_printf (ngettext ("Moved %u message to %s", "Moved %u messages to %s", n_messages),
                              n_messages, folder_name);
    case KABAR_MESSAGE_ACTION_COPY:
      /* Translators: "Copied 3 messages to Projects"; %s is a folder's name. */
      return g_strdup_printf (ngettext ("Copied %u message to %s", "Copied %u messages to %s", n_messages),
                              n_messages, folder_name);
    case KABAR_MESSAGE_ACTION_DELETE:
      return g_strdup_printf (ngettext ("Deleted %u message for good", "Deleted %u messages for good",
                                        n_messages),
                              n_messages);
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
kabar_message_actions_describe_refusal (guint         kind,
                                        const GError *error)
{
  const char *words = error != NULL ? error->message : "";

  switch ((KabarPendingKind) kind)
    {
    case KABAR_PENDING_FLAGS:
      return g_strdup_printf (_("The server refused to change the messages’ flags: %s"), words);
    case KABAR_PENDING_MOVE:
      return g_strdup_printf (_("The server refused to move the messages: %s"), words);
    case KABAR_PENDING_COPY:
      return g_strdup_printf (_("The server refused to copy the messages: %s"), words);
    case KABAR_PENDING_DELETE:
      return g_strdup_printf (_("The server refused to delete the messages: %s"), words);
    case KABAR_PENDING_APPEND:
      return g_strdup_printf (_("The server refused to store a message: %s"), words);
    case KABAR_PENDING_FOLDER_CREATE:
      return g_strdup_printf (_("The server refused to create the folder: %s"), words);
    case KABAR_PENDING_FOLDER_RENAME:
      return g_strdup_printf (_("The server refused to rename the folder: %s"), words);
    case KABAR_PENDING_FOLDER_DELETE:
      return g_strdup_printf (_("The server refused to delete the folder: %s"), words);
    default:
      return g_strdup_printf (_("The server refused a change: %s"), words);
    }
}
