/* kabar-mail-service-addresses.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Address completion: the store's address book (kabar-store-addresses.h)
 * brought up to date and asked, on a thread.
 */

#include "config.h"

#include "kabar-mail-service-private.h"
#include "kabar-store-addresses.h"

typedef struct
{
  KabarStore *store;
  char       *prefix;
  guint       limit;
} Completion;

static void
completion_free (Completion *completion)
{
  g_object_unref (completion->store);
  g_free (completion->prefix);
  g_free (completion);
}

static void
complete_in_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Completion *completion = task_data;
  GError *error = NULL;
  GPtrArray *matches;

  /* The mail stored since the last query first: new mail completes too. */
  if (!kabar_store_address_book_update (completion->store, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  matches = kabar_store_address_book_complete (completion->store, completion->prefix,
                                               completion->limit, &error);
  if (matches == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, matches, (GDestroyNotify) g_ptr_array_unref);
}

void
kabar_mail_service_complete_address_async (KabarMailService    *self,
                                           const char          *prefix,
                                           guint                limit,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Completion *completion;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));
  g_return_if_fail (prefix != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_mail_service_complete_address_async);
  if (self->store == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "The mail of %s is not open yet",
                               kabar_account_get_address (self->account));
      return;
    }
  completion = g_new0 (Completion, 1);
  completion->store = g_object_ref (self->store);
  completion->prefix = g_strdup (prefix);
  completion->limit = limit;
  g_task_set_task_data (task, completion, (GDestroyNotify) completion_free);
  g_task_run_in_thread (task, complete_in_thread);
}

GPtrArray *
kabar_mail_service_complete_address_finish (KabarMailService  *self,
                                            GAsyncResult      *result,
                                            GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
