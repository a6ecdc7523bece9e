/* kabar-imap-session-idle.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IDLE (RFC 2177). One idle call may span several IDLE commands: every
 * refresh interval the session says DONE and IDLE again, since servers
 * end an IDLE after 30 minutes (Outlook.com among them). What arrives
 * meanwhile is unsolicited and goes out as the session's signals.
 */

#include "config.h"

#include "kabar-imap-session-private.h"

/* How much longer than the refresh interval a silent server is waited
 * for before the connection counts as dead. */
#define READ_MARGIN_SECONDS 60

struct _KabarImapIdle
{
  GTask            *task;
  guint             refresh_seconds;
  KabarImapCommand *command;      /* the IDLE on the wire, if any */
  gboolean          established;  /* the server said "+" */
  gboolean          done_sent;
  gboolean          stop;         /* end, rather than refresh, after DONE */
  GSource          *timer;
  GSource          *cancel_source;
};

static void submit_round (KabarImapSession *self);

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

void
kabar_imap_session_idle_clear (KabarImapSession *self)
{
  KabarImapIdle *idle = g_steal_pointer (&self->idle);

  if (idle == NULL)
    return;
  clear_source (&idle->timer);
  clear_source (&idle->cancel_source);
  g_clear_object (&idle->task);
  g_clear_pointer (&idle->command, kabar_imap_command_unref);
  g_free (idle);
}

static void
send_done (KabarImapSession *self)
{
  KabarImapIdle *idle = self->idle;
  g_autoptr(GBytes) done = NULL;

  clear_source (&idle->timer);
  /* Before the "+", DONE would be taken for a command: it goes when the
   * "+" comes. */
  if (!idle->established || idle->done_sent)
    return;
  idle->done_sent = TRUE;
  done = g_bytes_new_static ("DONE\r\n", 6);
  kabar_imap_session_write (self, done);
}

static void
finish (KabarImapSession *self,
        GError           *error)
{
  g_autoptr(GTask) task = g_object_ref (self->idle->task);

  kabar_imap_session_idle_clear (self);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
on_refresh (gpointer user_data)
{
  KabarImapSession *self = user_data;

  g_clear_pointer (&self->idle->timer, g_source_unref);
  send_done (self);
  return G_SOURCE_REMOVE;
}

static void
idle_continue (KabarImapSession  *self,
               KabarImapCommand  *command,
               KabarImapResponse *response)
{
  KabarImapIdle *idle = self->idle;

  if (idle == NULL || idle->command != command || idle->established)
    return;
  idle->established = TRUE;
  if (idle->stop)
    {
      send_done (self);
      return;
    }
  /* Not _seconds: its coalescing could end a short interval early. */
  idle->timer = g_timeout_source_new (idle->refresh_seconds * 1000);
  g_source_set_callback (idle->timer, on_refresh, self, NULL);
  g_source_attach (idle->timer, self->context);
}

static void
on_round_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  KabarImapSession *self = KABAR_IMAP_SESSION (source);
  GError *error = NULL;

  if (self->idle == NULL)
    return;
  g_clear_pointer (&self->idle->command, kabar_imap_command_unref);
  if (!kabar_imap_session_command_finish (self, result, &error))
    {
      finish (self, error);
      return;
    }
  /* Over, or a refresh: a waiting command goes first either way. */
  if (self->idle->stop || !g_queue_is_empty (&self->pending) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (self->idle->task)))
    {
      finish (self, NULL);
      return;
    }
  submit_round (self);
}

static void
submit_round (KabarImapSession *self)
{
  KabarImapIdle *idle = self->idle;
  KabarImapCommand *command;

  idle->established = FALSE;
  idle->done_sent = FALSE;
  command = kabar_imap_session_new_command (self, "IDLE",
                                            KABAR_IMAP_COMMAND_BARRIER | KABAR_IMAP_COMMAND_CONVERSATION);
  command->continuation = idle_continue;
  idle->command = kabar_imap_command_ref (command);
  /* Not the caller's cancellable: a cancelled IDLE still needs its DONE,
   * or the session would be stuck in it. */
  kabar_imap_session_submit (self, command, NULL, on_round_done, NULL, kabar_imap_session_idle_async);
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  KabarImapSession *self = user_data;

  g_clear_pointer (&self->idle->cancel_source, g_source_unref);
  kabar_imap_session_idle_done (self);
  return G_SOURCE_REMOVE;
}

void
kabar_imap_session_idle_async (KabarImapSession    *self,
                               guint                refresh_seconds,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  KabarImapIdle *idle;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_imap_session_idle_async);
  if (!kabar_imap_session_has_capability (self, "IDLE"))
    {
      g_task_return_error (task, kabar_imap_session_unsupported (self, "waiting for new mail", "IDLE"));
      return;
    }
  if (self->idle != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "The session is idle already");
      return;
    }
  idle = g_new0 (KabarImapIdle, 1);
  idle->task = g_steal_pointer (&task);
  idle->refresh_seconds = refresh_seconds > 0 ? refresh_seconds : KABAR_IMAP_IDLE_REFRESH_SECONDS;
  self->idle = idle;
  if (cancellable != NULL)
    {
      idle->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (idle->cancel_source, G_SOURCE_FUNC (on_cancelled), self, NULL);
      g_source_attach (idle->cancel_source, self->context);
    }
  submit_round (self);
}

gboolean
kabar_imap_session_idle_finish (KabarImapSession  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kabar_imap_session_idle_done (KabarImapSession *self)
{
  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  if (self->idle == NULL)
    return;
  self->idle->stop = TRUE;
  if (self->idle->command != NULL)
    send_done (self);
}

gboolean
kabar_imap_session_is_idle (KabarImapSession *self)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), FALSE);

  return self->idle != NULL && self->idle->established && !self->idle->done_sent;
}

void
kabar_imap_session_idle_interrupt (KabarImapSession *self)
{
  if (self->idle == NULL || self->idle->command == NULL)
    return;
  /* The IDLE itself may be the one waiting for its turn. */
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    if (l->data != self->idle->command)
      {
        kabar_imap_session_idle_done (self);
        return;
      }
}

guint
kabar_imap_session_idle_read_timeout (KabarImapSession *self)
{
  if (!kabar_imap_session_is_idle (self))
    return 0;
  return self->idle->refresh_seconds + READ_MARGIN_SECONDS;
}
