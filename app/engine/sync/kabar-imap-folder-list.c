/* kabar-imap-folder-list.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server's folder list into the store, minding the folder operations
 * the user made that the server has not seen yet.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "kabar-imap-folder-list.h"
#include "kabar-sync-wait.h"

#define INBOX "INBOX"

/* What the pending folder operations say of paths. */
typedef struct
{
  /* To be created on the server: keep them (and what is below). */
  GPtrArray *keep;
  /* To be deleted or renamed away on the server: do not bring them (or
   * what is below) back. */
  GPtrArray *hold;
} PendingFolders;

typedef struct
{
  KabarStore     *store;
  /* path -> KabarStoreFolder, as the store had them before. */
  GHashTable     *local;
  /* Paths the server listed that the store keeps. */
  GHashTable     *listed;
  PendingFolders  pending;
  char            delimiter;
  gboolean        changed;
} FolderListSync;

static void
folder_list_sync_init (FolderListSync *sync,
                       KabarStore     *store,
                       GPtrArray      *local_folders)
{
  sync->store = store;
  sync->local = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < local_folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (local_folders, i);

      g_hash_table_insert (sync->local, folder->path, folder);
    }
  sync->listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sync->pending.keep = g_ptr_array_new_with_free_func (g_free);
  sync->pending.hold = g_ptr_array_new_with_free_func (g_free);
}

static void
folder_list_sync_clear (FolderListSync *sync)
{
  g_clear_pointer (&sync->local, g_hash_table_unref);
  g_clear_pointer (&sync->listed, g_hash_table_unref);
  g_clear_pointer (&sync->pending.keep, g_ptr_array_unref);
  g_clear_pointer (&sync->pending.hold, g_ptr_array_unref);
}

/* --- pending operations ------------------------------------------------------ */

static void
add_member (GPtrArray  *paths,
            JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *path;

  /* json_node_get_string() of an object or array would be a critical. */
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return;
  path = json_node_get_string (node);
  if (path != NULL && *path != '\0')
    g_ptr_array_add (paths, g_strdup (path));
}

static gboolean
is_folder_operation (KabarPendingKind kind)
{
  return kind == KABAR_PENDING_FOLDER_CREATE || kind == KABAR_PENDING_FOLDER_RENAME ||
         kind == KABAR_PENDING_FOLDER_DELETE;
}

/* A payload that does not parse names no path: the replay will refuse
 * that operation, and the folder list should not stall on it. */
static void
read_pending_operation (const KabarPendingOperation *operation,
                        PendingFolders              *pending)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *object;

  if (!is_folder_operation (operation->kind) || operation->payload == NULL)
    return;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, operation->payload, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  object = json_node_get_object (root);
  if (operation->kind == KABAR_PENDING_FOLDER_CREATE)
    add_member (pending->keep, object, "path");
  else if (operation->kind == KABAR_PENDING_FOLDER_RENAME)
    {
      add_member (pending->keep, object, "to");
      add_member (pending->hold, object, "from");
    }
  else
    add_member (pending->hold, object, "path");
}

static gboolean
read_pending (KabarStore      *store,
              PendingFolders  *pending,
              GError         **error)
{
  g_autoptr(GPtrArray) operations = kabar_store_list_pending_operations (store, error);

  if (operations == NULL)
    return FALSE;
  for (guint i = 0; i < operations->len; i++)
    read_pending_operation (g_ptr_array_index (operations, i), pending);
  return TRUE;
}

/* Whether path is one of paths, or below one of them. */
static gboolean
is_at_or_below (const char *path,
                char        delimiter,
                GPtrArray  *paths)
{
  for (guint i = 0; i < paths->len; i++)
    {
      const char *top = g_ptr_array_index (paths, i);
      gsize length = strlen (top);

      if (strncmp (path, top, length) != 0)
        continue;
      if (path[length] == '\0' || (delimiter != '\0' && path[length] == delimiter))
        return TRUE;
    }
  return FALSE;
}

/* --- the server's folders ------------------------------------------------------ */

static GPtrArray *
list_server_folders (KabarImapSession  *session,
                     GCancellable      *cancellable,
                     GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_imap_session_list_async (session, "*", KABAR_IMAP_LIST_SUBSCRIPTION, cancellable,
                                 kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_imap_session_list_finish (session, result, error);
}

/* \Subscribed has a column of its own (and comes only from LIST-EXTENDED
 * servers); \Marked and \Unmarked come and go with new mail, and keeping
 * them would make nearly every LIST a change of the folder list. */
static gboolean
is_stored_attribute (const char *attribute)
{
  return g_ascii_strcasecmp (attribute, "\\Subscribed") != 0 &&
         g_ascii_strcasecmp (attribute, "\\Marked") != 0 &&
         g_ascii_strcasecmp (attribute, "\\Unmarked") != 0;
}

static GStrv
dup_stored_attributes (KabarImapFolderInfo *info)
{
  const char * const *names = kabar_imap_folder_info_get_attribute_names (info);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (is_stored_attribute (names[i]))
      g_strv_builder_add (builder, names[i]);
  return g_strv_builder_end (builder);
}

static gboolean
folder_differs (const KabarStoreFolder *local,
                char                    delimiter,
                const char * const     *attributes,
                KabarFolderRole         role,
                gboolean                subscribed)
{
  return local == NULL || local->delimiter != delimiter || local->role != role ||
         local->subscribed != subscribed ||
         !g_strv_equal ((const char * const *) local->attributes, attributes);
}

static gboolean
sync_server_folder (FolderListSync       *sync,
                    KabarImapFolderInfo  *info,
                    GError              **error)
{
  const char *path = kabar_imap_folder_info_get_name (info);
  char delimiter = kabar_imap_folder_info_get_delimiter (info);
  KabarImapFolderAttributes flags = kabar_imap_folder_info_get_attributes (info);
  gboolean subscribed = (flags & KABAR_IMAP_FOLDER_SUBSCRIBED) != 0;
  g_auto(GStrv) attributes = NULL;
  KabarFolderRole role;

  /* A name LIST-EXTENDED reports for its subscription or its children
   * only: there is no folder to open. */
  if (flags & KABAR_IMAP_FOLDER_NONEXISTENT)
    return TRUE;
  if (is_at_or_below (path, delimiter, sync->pending.hold))
    return TRUE;
  if (!g_hash_table_add (sync->listed, g_strdup (path)))
    return TRUE;
  if (sync->delimiter == '\0')
    sync->delimiter = delimiter;
  attributes = dup_stored_attributes (info);
  role = kabar_folder_role_derive (path, delimiter, kabar_imap_folder_info_get_attribute_names (info));
  if (!folder_differs (g_hash_table_lookup (sync->local, path), delimiter,
                       (const char * const *) attributes, role, subscribed))
    return TRUE;
  sync->changed = TRUE;
  return kabar_store_upsert_folder (sync->store, path, delimiter, (const char * const *) attributes, role,
                                    subscribed, error) != 0;
}

/* RFC 3501 §6.3.8: every user has an INBOX, even when a server leaves it
 * out of LIST (some do in odd namespace set-ups); new mail lands there. */
static gboolean
ensure_inbox (FolderListSync  *sync,
              GError         **error)
{
  if (!g_hash_table_add (sync->listed, g_strdup (INBOX)))
    return TRUE;
  if (g_hash_table_contains (sync->local, INBOX))
    return TRUE;
  sync->changed = TRUE;
  return kabar_store_upsert_folder (sync->store, INBOX, sync->delimiter, NULL, KABAR_FOLDER_ROLE_INBOX,
                                    TRUE, error) != 0;
}

static gboolean
remove_unlisted (FolderListSync  *sync,
                 GPtrArray       *local_folders,
                 GError         **error)
{
  for (guint i = 0; i < local_folders->len; i++)
    {
      const KabarStoreFolder *folder = g_ptr_array_index (local_folders, i);

      if (g_hash_table_contains (sync->listed, folder->path) ||
          is_at_or_below (folder->path, folder->delimiter, sync->pending.keep))
        continue;
      sync->changed = TRUE;
      if (!kabar_store_delete_folder (sync->store, folder->id, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_folder_list (FolderListSync  *sync,
                   GPtrArray       *server_folders,
                   GPtrArray       *local_folders,
                   GError         **error)
{
  if (!read_pending (sync->store, &sync->pending, error))
    return FALSE;
  for (guint i = 0; i < server_folders->len; i++)
    if (!sync_server_folder (sync, g_ptr_array_index (server_folders, i), error))
      return FALSE;
  if (!ensure_inbox (sync, error))
    return FALSE;
  return remove_unlisted (sync, local_folders, error);
}

gboolean
kabar_imap_sync_folder_list (KabarImapSession  *session,
                             KabarStore        *store,
                             gboolean          *changed,
                             GCancellable      *cancellable,
                             GError           **error)
{
  g_autoptr(GPtrArray) server_folders = NULL;
  g_autoptr(GPtrArray) local_folders = NULL;
  FolderListSync sync = { 0 };
  gboolean applied;

  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (session), FALSE);
  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (changed != NULL)
    *changed = FALSE;
  server_folders = list_server_folders (session, cancellable, error);
  if (server_folders == NULL)
    return FALSE;
  /* The LIST may have taken long: a cancelled sync writes nothing. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  local_folders = kabar_store_list_folders (store, error);
  if (local_folders == NULL)
    return FALSE;

  folder_list_sync_init (&sync, store, local_folders);
  applied = apply_folder_list (&sync, server_folders, local_folders, error);
  /* Also after a failure half way: what was written is in the store. */
  if (changed != NULL)
    *changed = sync.changed;
  folder_list_sync_clear (&sync);
  return applied;
}

gboolean
kabar_imap_folder_is_selectable (const KabarStoreFolder *folder)
{
  g_return_val_if_fail (folder != NULL, FALSE);

  for (guint i = 0; folder->attributes != NULL && folder->attributes[i] != NULL; i++)
    if (g_ascii_strcasecmp (folder->attributes[i], "\\Noselect") == 0 ||
        g_ascii_strcasecmp (folder->attributes[i], "\\NonExistent") == 0)
      return FALSE;
  return TRUE;
}
