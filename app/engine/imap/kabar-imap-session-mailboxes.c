/* kabar-imap-session-mailboxes.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Commands about the server and its mailboxes: CAPABILITY, ID, NAMESPACE,
 * ENABLE, LIST, STATUS, CREATE and friends, SELECT, CLOSE, LOGOUT.
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-results-private.h"
#include "kabar-imap-session-private.h"
#include "kabar-imap-utf7.h"

static gboolean
is_ok (KabarImapResponse *tagged)
{
  return kabar_imap_response_get_status (tagged) == KABAR_IMAP_STATUS_OK;
}

/* "INBOX" in any case, else the modified UTF-7 of a UTF-8 name. */
static char *
wire_name (const char *mailbox)
{
  if (g_ascii_strcasecmp (mailbox, "INBOX") == 0)
    return g_strdup ("INBOX");
  return kabar_imap_utf7_encode (mailbox);
}

gboolean
kabar_imap_session_command_finish (KabarImapSession  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- CAPABILITY ------------------------------------------------------------ */

static void
capability_done (KabarImapSession  *self,
                 KabarImapCommand  *command,
                 KabarImapResponse *tagged)
{
  if (!is_ok (tagged))
    {
      kabar_imap_command_return_error (command, kabar_imap_session_reply_error (self, command, tagged));
      return;
    }
  /* The untagged CAPABILITY went to the session as it came. */
  if (self->capabilities == NULL)
    self->capabilities = g_new0 (char *, 1);
  kabar_imap_command_return_pointer (command, g_strdupv (self->capabilities), (GDestroyNotify) g_strfreev);
}

void
kabar_imap_session_capability_async (KabarImapSession    *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  KabarImapCommand *command;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  command = kabar_imap_session_new_command (self, "CAPABILITY", 0);
  command->done = capability_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data,
                             kabar_imap_session_capability_async);
}

GStrv
kabar_imap_session_capability_finish (KabarImapSession  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- ID -------------------------------------------------------------------- */

static gboolean
id_untagged (KabarImapSession  *self,
             KabarImapCommand  *command,
             KabarImapResponse *response)
{
  const KabarImapValue *fields = kabar_imap_value_get_list_item (kabar_imap_response_get_args (response), 0);
  GHashTable *table;

  if (kabar_imap_response_get_data_kind (response) != KABAR_IMAP_DATA_ID)
    return FALSE;
  if (kabar_imap_value_get_kind (fields) != KABAR_IMAP_VALUE_LIST)
    return TRUE;
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i + 1 < kabar_imap_value_get_list_length (fields); i += 2)
    {
      const char *key = kabar_imap_value_get_text (kabar_imap_value_get_list_item (fields, i));
      const char *value = kabar_imap_value_get_text (kabar_imap_value_get_list_item (fields, i + 1));

      if (key != NULL && value != NULL)
        g_hash_table_insert (table, g_utf8_make_valid (key, -1), g_utf8_make_valid (value, -1));
    }
  if (command->data != NULL)
    g_hash_table_unref (command->data);
  kabar_imap_command_set_data (command, table, (GDestroyNotify) g_hash_table_unref);
  return TRUE;
}

static void
id_done (KabarImapSession  *self,
         KabarImapCommand  *command,
         KabarImapResponse *tagged)
{
  if (!is_ok (tagged))
    {
      kabar_imap_command_return_error (command, kabar_imap_session_reply_error (self, command, tagged));
      return;
    }
  kabar_imap_command_return_pointer (command, command->data != NULL ? g_hash_table_ref (command->data) : NULL,
                                     (GDestroyNotify) g_hash_table_unref);
}

void
kabar_imap_session_id_async (KabarImapSession    *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  KabarImapCommand *command;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  if (!kabar_imap_session_has_capability (self, "ID"))
    {
      task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, kabar_imap_session_id_async);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  command = kabar_imap_session_new_command (self, "ID", 0);
  kabar_imap_command_add_printf (command, "(\"name\" \"Kabar\" \"version\" \"%s\")", PACKAGE_VERSION);
  command->untagged = id_untagged;
  command->done = id_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_id_async);
}

GHashTable *
kabar_imap_session_id_finish (KabarImapSession  *self,
                              GAsyncResult      *result,
                              GError           **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- NAMESPACE ------------------------------------------------------------- */

void
kabar_imap_namespace_free (KabarImapNamespace *namespace_)
{
  if (namespace_ == NULL)
    return;
  g_free (namespace_->prefix);
  g_free (namespace_);
}

static GPtrArray *
parse_namespaces (const KabarImapValue *list)
{
  GPtrArray *namespaces = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_imap_namespace_free);

  for (guint i = 0; i < kabar_imap_value_get_list_length (list); i++)
    {
      const KabarImapValue *item = kabar_imap_value_get_list_item (list, i);
      const char *prefix = kabar_imap_value_get_text (kabar_imap_value_get_list_item (item, 0));
      const char *delimiter = kabar_imap_value_get_text (kabar_imap_value_get_list_item (item, 1));
      KabarImapNamespace *namespace_;

      if (prefix == NULL)
        continue;
      namespace_ = g_new0 (KabarImapNamespace, 1);
      namespace_->prefix = kabar_imap_utf7_decode_for_display (prefix);
      namespace_->delimiter = delimiter != NULL ? delimiter[0] : '\0';
      g_ptr_array_add (namespaces, namespace_);
    }
  return namespaces;
}

typedef struct
{
  GPtrArray *lists[3];
} Namespaces;

static void
namespaces_free (Namespaces *namespaces)
{
  for (guint i = 0; i < G_N_ELEMENTS (namespaces->lists); i++)
    g_clear_pointer (&namespaces->lists[i], g_ptr_array_unref);
  g_free (namespaces);
}

static gboolean
namespace_untagged (KabarImapSession  *self,
                    KabarImapCommand  *command,
                    KabarImapResponse *response)
{
  Namespaces *namespaces = command->data;
  const KabarImapValue *args = kabar_imap_response_get_args (response);

  if (kabar_imap_response_get_data_kind (response) != KABAR_IMAP_DATA_NAMESPACE)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (namespaces->lists); i++)
    {
      g_clear_pointer (&namespaces->lists[i], g_ptr_array_unref);
      namespaces->lists[i] = parse_namespaces (kabar_imap_value_get_list_item (args, i));
    }
  return TRUE;
}

static void
namespace_done (KabarImapSession  *self,
                KabarImapCommand  *command,
                KabarImapResponse *tagged)
{
  Namespaces *namespaces = command->data;

  if (!is_ok (tagged))
    {
      kabar_imap_command_return_error (command, kabar_imap_session_reply_error (self, command, tagged));
      return;
    }
  command->data = NULL;
  kabar_imap_command_return_pointer (command, namespaces, (GDestroyNotify) namespaces_free);
}

void
kabar_imap_session_namespace_async (KabarImapSession    *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  KabarImapCommand *command;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  if (!kabar_imap_session_has_capability (self, "NAMESPACE"))
    {
      kabar_imap_session_report_error (self, callback, user_data, kabar_imap_session_namespace_async,
                                       kabar_imap_session_unsupported (self, "NAMESPACE", "NAMESPACE"));
      return;
    }
  command = kabar_imap_session_new_command (self, "NAMESPACE", 0);
  kabar_imap_command_set_data (command, g_new0 (Namespaces, 1), (GDestroyNotify) namespaces_free);
  command->untagged = namespace_untagged;
  command->done = namespace_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data,
                             kabar_imap_session_namespace_async);
}

static GPtrArray *
take_list (GPtrArray **list)
{
  GPtrArray *taken = g_steal_pointer (list);

  return taken != NULL ? taken : g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_imap_namespace_free);
}

gboolean
kabar_imap_session_namespace_finish (KabarImapSession  *self,
                                     GAsyncResult      *result,
                                     GPtrArray        **personal,
                                     GPtrArray        **other_users,
                                     GPtrArray        **shared,
                                     GError           **error)
{
  Namespaces *namespaces;
  GPtrArray **outs[] = { personal, other_users, shared };

  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  namespaces = g_task_propagate_pointer (G_TASK (result), error);
  if (namespaces == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (outs); i++)
    if (outs[i] != NULL)
      *outs[i] = take_list (&namespaces->lists[i]);
  namespaces_free (namespaces);
  return TRUE;
}

/* --- ENABLE ---------------------------------------------------------------- */

static gboolean
enable_untagged (KabarImapSession  *self,
                 KabarImapCommand  *command,
                 KabarImapResponse *response)
{
  const KabarImapValue *args = kabar_imap_response_get_args (response);

  if (kabar_imap_response_get_data_kind (response) != KABAR_IMAP_DATA_ENABLED)
    return FALSE;
  for (guint i = 0; i < kabar_imap_value_get_list_length (args); i++)
    {
      const char *name = kabar_imap_value_get_text (kabar_imap_value_get_list_item (args, i));
      g_autofree char *upper = name != NULL ? g_ascii_strup (name, -1) : NULL;

      if (upper != NULL)
        g_strv_builder_add (command->data, upper);
    }
  return TRUE;
}

static void
enable_done (KabarImapSession  *self,
             KabarImapCommand  *command,
             KabarImapResponse *tagged)
{
  if (!is_ok (tagged))
    {
      kabar_imap_command_return_error (command, kabar_imap_session_reply_error (self, command, tagged));
      return;
    }
  /* QRESYNC implies CONDSTORE (RFC 7162 §3.2.3). */
  if (kabar_imap_session_is_enabled (self, "QRESYNC"))
    g_hash_table_add (self->enabled, g_strdup ("CONDSTORE"));
  kabar_imap_command_return_pointer (command, g_strv_builder_end (command->data), (GDestroyNotify) g_strfreev);
}

void
kabar_imap_session_enable_async (KabarImapSession    *self,
                                 const char * const  *extensions,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  KabarImapCommand *command;
  guint count = 0;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  command = kabar_imap_session_new_command (self, "ENABLE", 0);
  for (guint i = 0; extensions != NULL && extensions[i] != NULL; i++)
    {
      /* Outlook.com's IMAP4rev2 was found broken, and Kabar speaks rev1. */
      if (g_ascii_strcasecmp (extensions[i], "IMAP4rev2") == 0 ||
          !kabar_imap_session_has_capability (self, extensions[i]))
        continue;
      kabar_imap_command_add_atom (command, extensions[i]);
      count++;
    }
  if (count == 0 || !kabar_imap_session_has_capability (self, "ENABLE"))
    {
      kabar_imap_command_unref (command);
      task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, kabar_imap_session_enable_async);
      g_task_return_pointer (task, g_new0 (char *, 1), (GDestroyNotify) g_strfreev);
      return;
    }
  kabar_imap_command_set_data (command, g_strv_builder_new (), (GDestroyNotify) g_strv_builder_unref);
  command->untagged = enable_untagged;
  command->done = enable_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_enable_async);
}

GStrv
kabar_imap_session_enable_finish (KabarImapSession  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- LIST ------------------------------------------------------------------ */

typedef struct
{
  GPtrArray  *folders;       /* KabarImapFolderInfo, in order */
  GHashTable *by_wire_name;  /* borrowed from folders */
  gboolean    lsub;          /* LSUB replies: mark subscribed only */
} List;

static void
list_free (List *list)
{
  g_ptr_array_unref (list->folders);
  g_hash_table_unref (list->by_wire_name);
  g_free (list);
}

static List *
list_new (void)
{
  List *list = g_new0 (List, 1);

  list->folders = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_imap_folder_info_unref);
  list->by_wire_name = g_hash_table_new (g_str_hash, g_str_equal);
  return list;
}

static void
list_add (List                *list,
          KabarImapFolderInfo *info)
{
  g_ptr_array_add (list->folders, info);
  g_hash_table_insert (list->by_wire_name, (gpointer) kabar_imap_folder_info_get_wire_name (info), info);
}

static gboolean
list_untagged (KabarImapSession  *self,
               KabarImapCommand  *command,
               KabarImapResponse *response)
{
  List *list = command->data;
  KabarImapDataKind kind = kabar_imap_response_get_data_kind (response);
  KabarImapFolderInfo *info;

  if (kind == KABAR_IMAP_DATA_STATUS)
    {
      const char *name = kabar_imap_status_response_get_wire_name (response);

      info = name != NULL ? g_hash_table_lookup (list->by_wire_name, name) : NULL;
      if (info == NULL)
        return FALSE;
      kabar_imap_folder_info_apply_status (info, response);
      return TRUE;
    }
  if (kind != (list->lsub ? KABAR_IMAP_DATA_LSUB : KABAR_IMAP_DATA_LIST))
    return FALSE;
  info = kabar_imap_folder_info_new_from_list (response);
  if (info == NULL)
    {
      g_debug ("A LIST reply that is not one: %s", kabar_imap_response_get_text (response));
      return TRUE;
    }
  list_add (list, info);
  return TRUE;
}

static void
list_done (KabarImapSession  *self,
           KabarImapCommand  *command,
           KabarImapResponse *tagged)
{
  List *list = command->data;

  if (!is_ok (tagged))
    {
      kabar_imap_command_return_error (command, kabar_imap_session_reply_error (self, command, tagged));
      return;
    }
  kabar_imap_command_return_pointer (command, g_ptr_array_ref (list->folders), (GDestroyNotify) g_ptr_array_unref);
}

/* LIST-EXTENDED syntax: what RFC 5258, 5819 and 6154 servers accept. */
static gboolean
has_list_extended (KabarImapSession *self)
{
  return kabar_imap_session_has_capability (self, "LIST-EXTENDED") ||
         kabar_imap_session_has_capability (self, "LIST-STATUS") ||
         kabar_imap_session_has_capability (self, "SPECIAL-USE");
}

static void
add_return_options (KabarImapSession   *self,
                    KabarImapCommand   *command,
                    KabarImapListFlags  flags)
{
  g_autoptr(GString) options = g_string_new (NULL);

  if ((flags & KABAR_IMAP_LIST_SUBSCRIPTION) && kabar_imap_session_has_capability (self, "LIST-EXTENDED"))
    g_string_append (options, " SUBSCRIBED");
  if (kabar_imap_session_has_capability (self, "SPECIAL-USE"))
    g_string_append (options, " SPECIAL-USE");
  if ((flags & KABAR_IMAP_LIST_STATUS) && kabar_imap_session_has_capability (self, "LIST-STATUS"))
    g_string_append_printf (options, " STATUS (MESSAGES UNSEEN UIDNEXT UIDVALIDITY%s)",
                            kabar_imap_session_has_capability (self, "CONDSTORE") ? " HIGHESTMODSEQ" : "");
  if (options->len > 0)
    kabar_imap_command_add_printf (command, "RETURN (%s)", options->str + 1);
}

static KabarImapCommand *
list_command (KabarImapSession   *self,
              const char         *pattern,
              KabarImapListFlags  flags)
{
  gboolean extended = has_list_extended (self);
  gboolean lsub = (flags & KABAR_IMAP_LIST_SUBSCRIBED_ONLY) && !extended;
  g_autofree char *encoded = wire_name (pattern);
  KabarImapCommand *command = kabar_imap_session_new_command (self, lsub ? "LSUB" : "LIST", 0);
  List *list = list_new ();

  list->lsub = lsub;
  if ((flags & KABAR_IMAP_LIST_SUBSCRIBED_ONLY) && extended)
    kabar_imap_command_add_atom (command, "(SUBSCRIBED)");
  kabar_imap_command_add_atom (command, "\"\"");
  kabar_imap_command_add_string (command, encoded);
  if (extended && !lsub)
    add_return_options (self, command, flags);
  kabar_imap_command_set_data (command, list, (GDestroyNotify) list_free);
  command->untagged = list_untagged;
  command->done = list_done;
  return command;
}

/* Without LIST-EXTENDED, subscriptions are a second command: LSUB. */
typedef struct
{
  GPtrArray *folders;
  char      *pattern;
} Subscriptions;

static void
subscriptions_free (Subscriptions *subscriptions)
{
  g_clear_pointer (&subscriptions->folders, g_ptr_array_unref);
  g_free (subscriptions->pattern);
  g_free (subscriptions);
}

static void
on_lsub_listed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Subscriptions *subscriptions = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) subscribed = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  if (subscribed == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < subscribed->len; i++)
    g_hash_table_add (names, (gpointer) kabar_imap_folder_info_get_wire_name (g_ptr_array_index (subscribed, i)));
  for (guint i = 0; i < subscriptions->folders->len; i++)
    {
      KabarImapFolderInfo *info = g_ptr_array_index (subscriptions->folders, i);

      if (g_hash_table_contains (names, kabar_imap_folder_info_get_wire_name (info)))
        kabar_imap_folder_info_set_subscribed (info);
    }
  g_task_return_pointer (task, g_steal_pointer (&subscriptions->folders), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_listed_before_lsub (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  KabarImapSession *self = KABAR_IMAP_SESSION (source);
  Subscriptions *subscriptions = g_task_get_task_data (task);
  GError *error = NULL;

  subscriptions->folders = g_task_propagate_pointer (G_TASK (result), &error);
  if (subscriptions->folders == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  kabar_imap_session_submit (self, list_command (self, subscriptions->pattern, KABAR_IMAP_LIST_SUBSCRIBED_ONLY),
                             g_task_get_cancellable (task), on_lsub_listed, task, kabar_imap_session_list_async);
}

void
kabar_imap_session_list_async (KabarImapSession    *self,
                               const char          *pattern,
                               KabarImapListFlags   flags,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Subscriptions *subscriptions;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (pattern != NULL);

  if (!(flags & KABAR_IMAP_LIST_SUBSCRIPTION) || (flags & KABAR_IMAP_LIST_SUBSCRIBED_ONLY) ||
      kabar_imap_session_has_capability (self, "LIST-EXTENDED"))
    {
      kabar_imap_session_submit (self, list_command (self, pattern, flags), cancellable, callback, user_data,
                                 kabar_imap_session_list_async);
      return;
    }
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_imap_session_list_async);
  subscriptions = g_new0 (Subscriptions, 1);
  subscriptions->pattern = g_strdup (pattern);
  g_task_set_task_data (task, subscriptions, (GDestroyNotify) subscriptions_free);
  kabar_imap_session_submit (self, list_command (self, pattern, flags & ~KABAR_IMAP_LIST_SUBSCRIPTION),
                             cancellable, on_listed_before_lsub, task, kabar_imap_session_list_async);
}

GPtrArray *
kabar_imap_session_list_finish (KabarImapSession  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- STATUS ---------------------------------------------------------------- */

typedef struct
{
  char                *wire_name;
  KabarImapFolderInfo *info;
} Status;

static void
status_free (Status *status)
{
  g_free (status->wire_name);
  g_clear_pointer (&status->info, kabar_imap_folder_info_unref);
  g_free (status);
}

static gboolean
status_untagged (KabarImapSession  *self,
                 KabarImapCommand  *command,
                 KabarImapResponse *response)
{
  Status *status = command->data;
  const char *name;

  if (kabar_imap_response_get_data_kind (response) != KABAR_IMAP_DATA_STATUS)
    return FALSE;
  name = kabar_imap_status_response_get_wire_name (response);
  if (name == NULL || strcmp (name, status->wire_name) != 0)
    return FALSE;
  if (status->info == NULL)
    status->info = kabar_imap_folder_info_new (name, '\0');
  kabar_imap_folder_info_apply_status (status->info, response);
  return TRUE;
}

static void
status_done (KabarImapSession  *self,
             KabarImapCommand  *command,
             KabarImapResponse *tagged)
{
  Status *status = command->data;

  if (!is_ok (tagged))
    {
      kabar_imap_command_return_error (command, kabar_imap_session_reply_error (self, command, tagged));
      return;
    }
  if (status->info == NULL)
    status->info = kabar_imap_folder_info_new (status->wire_name, '\0');
  kabar_imap_command_return_pointer (command, g_steal_pointer (&status->info),
                                     (GDestroyNotify) kabar_imap_folder_info_unref);
}

void
kabar_imap_session_status_async (KabarImapSession     *self,
                                 const char           *mailbox,
                                 KabarImapStatusItems  items,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  static const struct
  {
    KabarImapStatusItems  item;
    const char           *name;
  } names[] = {
    { KABAR_IMAP_STATUS_ITEM_MESSAGES, "MESSAGES" },
    { KABAR_IMAP_STATUS_ITEM_UIDNEXT, "UIDNEXT" },
    { KABAR_IMAP_STATUS_ITEM_UIDVALIDITY, "UIDVALIDITY" },
    { KABAR_IMAP_STATUS_ITEM_UNSEEN, "UNSEEN" },
    { KABAR_IMAP_STATUS_ITEM_HIGHESTMODSEQ, "HIGHESTMODSEQ" },
  };
  g_autoptr(GString) list = g_string_new (NULL);
  KabarImapCommand *command;
  Status *status;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL);

  if (!kabar_imap_session_has_capability (self, "CONDSTORE"))
    items &= ~KABAR_IMAP_STATUS_ITEM_HIGHESTMODSEQ;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (items & names[i].item)
      g_string_append_printf (list, "%s%s", list->len > 0 ? " " : "", names[i].name);
  command = kabar_imap_session_new_command (self, "STATUS", 0);
  kabar_imap_command_add_mailbox (command, mailbox);
  kabar_imap_command_add_printf (command, "(%s)", list->str);
  status = g_new0 (Status, 1);
  status->wire_name = wire_name (mailbox);
  kabar_imap_command_set_data (command, status, (GDestroyNotify) status_free);
  command->untagged = status_untagged;
  command->done = status_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_status_async);
}

KabarImapFolderInfo *
kabar_imap_session_status_finish (KabarImapSession  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- CREATE, DELETE, RENAME, SUBSCRIBE, NOOP ------------------------------- */

static void
submit_mailbox_command (KabarImapSession    *self,
                        const char          *name,
                        const char          *mailbox,
                        const char          *new_name,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  KabarImapCommand *command = kabar_imap_session_new_command (self, name, 0);

  if (mailbox != NULL)
    kabar_imap_command_add_mailbox (command, mailbox);
  if (new_name != NULL)
    kabar_imap_command_add_mailbox (command, new_name);
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_command_finish);
}

void
kabar_imap_session_create_async (KabarImapSession    *self,
                                 const char          *mailbox,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL);

  submit_mailbox_command (self, "CREATE", mailbox, NULL, cancellable, callback, user_data);
}

void
kabar_imap_session_delete_async (KabarImapSession    *self,
                                 const char          *mailbox,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL);

  submit_mailbox_command (self, "DELETE", mailbox, NULL, cancellable, callback, user_data);
}

void
kabar_imap_session_rename_async (KabarImapSession    *self,
                                 const char          *mailbox,
                                 const char          *new_name,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL && new_name != NULL);

  submit_mailbox_command (self, "RENAME", mailbox, new_name, cancellable, callback, user_data);
}

void
kabar_imap_session_subscribe_async (KabarImapSession    *self,
                                    const char          *mailbox,
                                    gboolean             subscribe,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL);

  submit_mailbox_command (self, subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE", mailbox, NULL, cancellable, callback,
                          user_data);
}

void
kabar_imap_session_noop_async (KabarImapSession    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  submit_mailbox_command (self, "NOOP", NULL, NULL, cancellable, callback, user_data);
}

/* --- SELECT and EXAMINE ---------------------------------------------------- */

typedef struct
{
  char                  *mailbox;
  KabarImapMailboxState *state;
  gboolean               qresync;
  KabarImapMessageFunc   changed_func;
  gpointer               func_data;
  gboolean               started;
  /* QRESYNC: the previous mailbox's last news come before [CLOSED]. */
  gboolean               before_closed;
} Select;

static void
select_free (Select *select)
{
  g_free (select->mailbox);
  kabar_imap_mailbox_state_unref (select->state);
  g_free (select);
}

static gboolean
select_untagged (KabarImapSession  *self,
                 KabarImapCommand  *command,
                 KabarImapResponse *response)
{
  Select *select = command->data;
  g_autoptr(KabarImapMessage) message = NULL;
  KabarImapDataKind kind = kabar_imap_response_get_data_kind (response);

  if (!select->started)
    {
      select->started = TRUE;
      select->before_closed = self->state == KABAR_IMAP_SESSION_STATE_SELECTED &&
                              kabar_imap_session_is_enabled (self, "QRESYNC");
    }
  if (kabar_imap_response_get_code (response) == KABAR_IMAP_CODE_CLOSED)
    select->before_closed = FALSE;
  if (select->before_closed && (kind == KABAR_IMAP_DATA_FETCH || kind == KABAR_IMAP_DATA_VANISHED))
    return FALSE;
  if (kabar_imap_mailbox_state_take_response (select->state, response))
    return TRUE;
  if (!select->qresync || kind != KABAR_IMAP_DATA_FETCH)
    return FALSE;
  message = kabar_imap_message_new (response);
  if (select->changed_func == NULL)
    kabar_imap_mailbox_state_add_changed (select->state, message);
  else if (command->task != NULL)
    select->changed_func (self, message, select->func_data);
  return TRUE;
}

static void
select_done (KabarImapSession  *self,
             KabarImapCommand  *command,
             KabarImapResponse *tagged)
{
  Select *select = command->data;

  /* A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1). */
  if (!is_ok (tagged))
    {
      kabar_imap_session_set_state (self, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
      kabar_imap_command_return_error (command, kabar_imap_session_reply_error (self, command, tagged));
      return;
    }
  kabar_imap_mailbox_state_finish (select->state, tagged);
  kabar_imap_session_set_state (self, KABAR_IMAP_SESSION_STATE_SELECTED);
  kabar_imap_session_set_selected (self, select->mailbox);
  self->selected_read_only = kabar_imap_mailbox_state_is_read_only (select->state);
  kabar_imap_command_return_pointer (command, kabar_imap_mailbox_state_ref (select->state),
                                     (GDestroyNotify) kabar_imap_mailbox_state_unref);
}

static void
add_select_parameters (KabarImapSession       *self,
                       KabarImapCommand       *command,
                       const KabarImapQresync *qresync)
{
  g_autofree char *known = NULL;

  if (qresync != NULL && kabar_imap_session_is_enabled (self, "QRESYNC"))
    {
      known = qresync->known_uids != NULL && !kabar_imap_uid_set_is_empty (qresync->known_uids)
              ? kabar_imap_uid_set_to_string (qresync->known_uids) : NULL;
      kabar_imap_command_add_printf (command, "(QRESYNC (%u %" G_GUINT64_FORMAT "%s%s))",
                                     qresync->uidvalidity, qresync->highest_modseq,
                                     known != NULL ? " " : "", known != NULL ? known : "");
    }
  else if (kabar_imap_session_has_capability (self, "CONDSTORE"))
    kabar_imap_command_add_atom (command, "(CONDSTORE)");
}

void
kabar_imap_session_select_async (KabarImapSession       *self,
                                 const char             *mailbox,
                                 gboolean                read_only,
                                 const KabarImapQresync *qresync,
                                 KabarImapMessageFunc    changed_func,
                                 gpointer                func_data,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  KabarImapCommand *command;
  Select *select;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL);

  command = kabar_imap_session_new_command (self, read_only ? "EXAMINE" : "SELECT", KABAR_IMAP_COMMAND_BARRIER);
  kabar_imap_command_add_mailbox (command, mailbox);
  add_select_parameters (self, command, qresync);
  select = g_new0 (Select, 1);
  select->mailbox = g_strdup (mailbox);
  select->state = kabar_imap_mailbox_state_new (mailbox, read_only);
  select->qresync = qresync != NULL && kabar_imap_session_is_enabled (self, "QRESYNC");
  select->changed_func = changed_func;
  select->func_data = func_data;
  kabar_imap_command_set_data (command, select, (GDestroyNotify) select_free);
  command->untagged = select_untagged;
  command->done = select_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_select_async);
}

KabarImapMailboxState *
kabar_imap_session_select_finish (KabarImapSession  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- CLOSE, UNSELECT, LOGOUT ---------------------------------------------- */

static void
close_mailbox_done (KabarImapSession  *self,
                    KabarImapCommand  *command,
                    KabarImapResponse *tagged)
{
  if (is_ok (tagged))
    kabar_imap_session_set_state (self, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
  kabar_imap_session_done_boolean (self, command, tagged);
}

void
kabar_imap_session_close_mailbox_async (KabarImapSession    *self,
                                        gboolean             expunge,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  const char *name;
  KabarImapCommand *command;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  /* CLOSE of a read-only mailbox expunges nothing (RFC 3501 §6.4.2). */
  if (expunge || (self->selected != NULL && self->selected_read_only))
    name = "CLOSE";
  else if (kabar_imap_session_has_capability (self, "UNSELECT"))
    name = "UNSELECT";
  else
    {
      kabar_imap_session_report_error (self, callback, user_data, kabar_imap_session_command_finish,
                                       kabar_imap_session_unsupported (self, "leaving a mailbox without expunging it",
                                                                       "UNSELECT"));
      return;
    }
  command = kabar_imap_session_new_command (self, name, KABAR_IMAP_COMMAND_BARRIER);
  command->done = close_mailbox_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_command_finish);
}

static void
logout_done (KabarImapSession  *self,
             KabarImapCommand  *command,
             KabarImapResponse *tagged)
{
  kabar_imap_session_finish_logout (self);
  kabar_imap_command_return_boolean (command);
}

void
kabar_imap_session_logout_async (KabarImapSession    *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  KabarImapCommand *command;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  command = kabar_imap_session_new_command (self, "LOGOUT", KABAR_IMAP_COMMAND_BARRIER);
  command->done = logout_done;
  self->logging_out = TRUE;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_command_finish);
}
