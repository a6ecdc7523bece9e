/* kabar-graph-mail-sync.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Graph account's folder tree and messages into its store, by delta.
 */

#include "config.h"

#include <string.h>

#include "kabar-graph-mail-sync.h"
#include "kabar-graph-message.h"
#include "kabar-graph-wait.h"
#include "kabar-mime-text.h"
#include "kabar-store-graph.h"

#define MESSAGE_PAGE_SIZE 200
/* Messages indexed for search a transaction, as the IMAP sync does. */
#define INDEX_BATCH       500
/* As the IMAP body fetch: the search index needs no more of a message. */
#define BODY_TEXT_MAX     ((gsize) 256 * 1024)
/* A display name longer than this is cut: no folder list shows more. */
#define FOLDER_NAME_MAX   255
/* Deeper than this, a parent chain is taken for a loop. */
#define FOLDER_DEPTH_MAX  64

#define WELL_KNOWN_DONE KABAR_GRAPH_STATE_WELL_KNOWN "done"

static const struct
{
  const char *name;
  KabarFolderRole role;
} well_known_folders[] = {
  { "inbox", KABAR_FOLDER_ROLE_INBOX },
  { "sentitems", KABAR_FOLDER_ROLE_SENT },
  { "drafts", KABAR_FOLDER_ROLE_DRAFTS },
  { "deleteditems", KABAR_FOLDER_ROLE_TRASH },
  { "junkemail", KABAR_FOLDER_ROLE_JUNK },
  { "archive", KABAR_FOLDER_ROLE_ARCHIVE },
};

static char *
escape_id (const char *id)
{
  return g_uri_escape_string (id, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH_ELEMENT, FALSE);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  node = json_object_get_member (object, name);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Roles. */

/* The well-known folders' ids, asked once: they never change. One the
 * mailbox lacks (not every one has an archive) is remembered as "". */
static gboolean
fetch_well_known (KabarGraphClient  *client,
                  KabarStore        *store,
                  GCancellable      *cancellable,
                  GError           **error)
{
  g_autoptr(KabarGraphBatch) batch = kabar_graph_batch_new ();
  g_autofree char *done = NULL;

  done = kabar_store_graph_get_state (store, WELL_KNOWN_DONE, error);
  if (done != NULL)
    return TRUE;
  if (error != NULL && *error != NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (well_known_folders); i++)
    {
      g_autofree char *path = g_strdup_printf ("/me/mailFolders/%s?$select=id",
                                               well_known_folders[i].name);

      kabar_graph_batch_add (batch, "GET", path, NULL);
    }
  if (!kabar_graph_wait_batch (client, batch, cancellable, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (well_known_folders); i++)
    {
      g_autofree char *name = g_strconcat (KABAR_GRAPH_STATE_WELL_KNOWN,
                                           well_known_folders[i].name, NULL);
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(GError) local_error = NULL;
      const char *id = NULL;

      if (kabar_graph_batch_get_result (batch, i, &body, &local_error))
        id = get_string (body != NULL && JSON_NODE_HOLDS_OBJECT (body)
                         ? json_node_get_object (body) : NULL, "id");
      else if (!g_error_matches (local_error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "Could not find the folder “%s”: ",
                                      well_known_folders[i].name);
          return FALSE;
        }
      if (!kabar_store_graph_set_state (store, name, id != NULL ? id : "", error))
        return FALSE;
    }
  return kabar_store_graph_set_state (store, WELL_KNOWN_DONE, "1", error);
}

static KabarFolderRole
role_of (KabarStore  *store,
         const char  *remote_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (well_known_folders); i++)
    {
      g_autofree char *name = g_strconcat (KABAR_GRAPH_STATE_WELL_KNOWN,
                                           well_known_folders[i].name, NULL);
      g_autofree char *id = kabar_store_graph_get_state (store, name, NULL);

      if (g_strcmp0 (id, remote_id) == 0)
        return well_known_folders[i].role;
    }
  return KABAR_FOLDER_ROLE_NONE;
}

/* The folder tree. */

typedef struct
{
  gint64 folder_id;
  char *remote_id;
  char *parent_remote_id;
  char *display_name;
  gboolean listed;
  gboolean removed;
  /* Deleted here while the sync ran: the user's delete goes to the
   * server with the next replay, and the folder is not brought back. */
  gboolean went;
  /* Worked out before the store is changed. */
  char *path;
  guint depth;
} FolderNode;

static void
folder_node_free (FolderNode *node)
{
  g_free (node->remote_id);
  g_free (node->parent_remote_id);
  g_free (node->display_name);
  g_free (node->path);
  g_free (node);
}

typedef struct
{
  GHashTable *nodes;
  /* The delta's items, in order, applied once all pages are in. */
  GPtrArray *items;
} FolderTree;

static gboolean
collect_folders (JsonArray  *items,
                 gpointer    user_data,
                 GError    **error)
{
  FolderTree *tree = user_data;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          g_set_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
                       "The folder list holds something that is not a folder");
          return FALSE;
        }
      g_ptr_array_add (tree->items, json_object_ref (json_node_get_object (item)));
    }
  return TRUE;
}

/* '/' joins the path: in a name it is written as the division slash. */
static char *
folder_name_from (const char *display_name,
                  const char *remote_id)
{
  g_autoptr(GString) name = NULL;
  const char *end;

  if (display_name == NULL || *display_name == '\0')
    display_name = remote_id;
  end = display_name + strlen (display_name);
  if (end - display_name > FOLDER_NAME_MAX)
    end = g_utf8_find_prev_char (display_name, display_name + FOLDER_NAME_MAX + 1);
  name = g_string_new_len (display_name, end - display_name);
  g_string_replace (name, "/", "\342\210\225", 0);
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static gboolean
apply_folder_item (FolderTree  *tree,
                   JsonObject  *item,
                   GError     **error)
{
  const char *id = get_string (item, "id");
  FolderNode *node;

  if (id == NULL || *id == '\0' || strlen (id) > KABAR_GRAPH_MESSAGE_ID_MAX)
    {
      g_set_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
                   "A folder in the folder list has no usable id");
      return FALSE;
    }
  node = g_hash_table_lookup (tree->nodes, id);
  if (node == NULL)
    {
      node = g_new0 (FolderNode, 1);
      node->remote_id = g_strdup (id);
      g_hash_table_insert (tree->nodes, node->remote_id, node);
    }
  node->listed = TRUE;
  node->removed = json_object_has_member (item, "@removed");
  if (node->removed)
    return TRUE;
  g_free (node->display_name);
  node->display_name = folder_name_from (get_string (item, "displayName"), id);
  g_free (node->parent_remote_id);
  node->parent_remote_id = g_strdup (get_string (item, "parentFolderId"));
  return TRUE;
}

/* A node's parent in the tree, or NULL at the top (its parent is the
 * mailbox root, which no list names). */
static FolderNode *
parent_of (FolderTree *tree,
           FolderNode *node)
{
  if (node->parent_remote_id == NULL)
    return NULL;
  return g_hash_table_lookup (tree->nodes, node->parent_remote_id);
}

/* Paths and depths; under a removed folder a folder goes too, as the
 * server deletes a folder with what is below it. A parent chain that
 * loops is cut: the folder shows at the top. */
static void
work_out_path (FolderTree *tree,
               FolderNode *node)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  FolderNode *at = node;

  for (; at != NULL && names->len <= FOLDER_DEPTH_MAX; at = parent_of (tree, at))
    {
      if (at->removed)
        {
          node->removed = TRUE;
          return;
        }
      g_ptr_array_insert (names, 0, at->display_name);
    }
  if (at != NULL)
    {
      g_ptr_array_set_size (names, 0);
      g_ptr_array_add (names, node->display_name);
    }
  node->depth = names->len;
  g_ptr_array_add (names, NULL);
  node->path = g_strjoinv ("/", (char **) names->pdata);
}

static GPtrArray *
list_nodes (FolderTree *tree)
{
  GPtrArray *nodes = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer node;

  g_hash_table_iter_init (&iter, tree->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &node))
    g_ptr_array_add (nodes, node);
  return nodes;
}

static gint
by_depth (gconstpointer a,
          gconstpointer b)
{
  const FolderNode *first = *(FolderNode * const *) a;
  const FolderNode *second = *(FolderNode * const *) b;

  return (gint) first->depth - (gint) second->depth;
}

static gboolean
store_folder (KabarStore   *store,
              FolderNode   *node,
              GError      **error)
{
  static const char * const no_attributes[] = { NULL };
  KabarFolderRole role = role_of (store, node->remote_id);

  if (node->folder_id != 0)
    {
      g_autoptr(KabarStoreFolder) folder = kabar_store_get_folder (store, node->folder_id, error);

      if (folder == NULL)
        return FALSE;
      /* Renamed or moved: the folder keeps its id and messages, and those
       * below it move with it. */
      if (g_strcmp0 (folder->path, node->path) != 0
          && !kabar_store_rename_folder (store, node->folder_id, node->path, error))
        return FALSE;
    }
  node->folder_id = kabar_store_upsert_folder (store, node->path, '/', no_attributes, role, TRUE,
                                               error);
  return node->folder_id != 0
         && kabar_store_graph_bind_folder (store, node->folder_id, node->remote_id,
                                           node->parent_remote_id, node->display_name, error);
}

/* The store's folder went after the tree was read: the user deleted it. */
static gboolean
folder_went (KabarStore    *store,
             FolderNode    *node,
             GError       **error)
{
  g_autoptr(KabarStoreFolder) folder = NULL;
  g_autoptr(GError) local_error = NULL;

  if (node->folder_id == 0 || !g_error_matches (*error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    return FALSE;
  folder = kabar_store_get_folder (store, node->folder_id, &local_error);
  if (folder != NULL || !g_error_matches (local_error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    return FALSE;
  g_clear_error (error);
  node->went = TRUE;
  return TRUE;
}

/* What is below a folder the user deleted went with it. */
static gboolean
parent_went (FolderTree *tree,
             FolderNode *node)
{
  FolderNode *at = parent_of (tree, node);

  for (guint depth = 0; at != NULL && depth <= FOLDER_DEPTH_MAX; at = parent_of (tree, at), depth++)
    if (at->went)
      return TRUE;
  return FALSE;
}

static gboolean
apply_folder_tree (KabarStore   *store,
                   FolderTree   *tree,
                   gboolean      full,
                   GError      **error)
{
  g_autoptr(GPtrArray) nodes = NULL;

  for (guint i = 0; i < tree->items->len; i++)
    if (!apply_folder_item (tree, g_ptr_array_index (tree->items, i), error))
      return FALSE;
  nodes = list_nodes (tree);
  /* A full list names every folder: one it leaves out is gone. */
  for (guint i = 0; full && i < nodes->len; i++)
    {
      FolderNode *node = g_ptr_array_index (nodes, i);

      node->removed = node->removed || !node->listed;
    }
  for (guint i = 0; i < nodes->len; i++)
    work_out_path (tree, g_ptr_array_index (nodes, i));
  for (guint i = 0; i < nodes->len; i++)
    {
      FolderNode *node = g_ptr_array_index (nodes, i);

      GError *local_error = NULL;

      if (node->removed && node->folder_id != 0
          && !kabar_store_delete_folder (store, node->folder_id, &local_error)
          && !folder_went (store, node, &local_error))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
    }
  g_ptr_array_sort (nodes, by_depth);
  for (guint i = 0; i < nodes->len; i++)
    {
      FolderNode *node = g_ptr_array_index (nodes, i);
      GError *local_error = NULL;

      if (node->removed || node->went)
        continue;
      if (parent_went (tree, node))
        {
          node->went = TRUE;
          continue;
        }
      if (!store_folder (store, node, &local_error) && !folder_went (store, node, &local_error))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
load_folder_tree (KabarStore   *store,
                  FolderTree   *tree,
                  GError      **error)
{
  g_autoptr(GPtrArray) records = kabar_store_graph_list_folders (store, error);

  if (records == NULL)
    return FALSE;
  for (guint i = 0; i < records->len; i++)
    {
      KabarGraphFolderRecord *record = g_ptr_array_index (records, i);
      FolderNode *node = g_new0 (FolderNode, 1);

      node->folder_id = record->folder_id;
      node->remote_id = g_strdup (record->remote_id);
      node->parent_remote_id = g_strdup (record->parent_remote_id);
      node->display_name = g_strdup (record->display_name);
      g_hash_table_insert (tree->nodes, node->remote_id, node);
    }
  return TRUE;
}

static void
folder_tree_clear (FolderTree *tree)
{
  g_clear_pointer (&tree->nodes, g_hash_table_unref);
  g_clear_pointer (&tree->items, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FolderTree, folder_tree_clear)

static gboolean
sync_folder_tree_from (KabarGraphClient  *client,
                       KabarStore        *store,
                       const char        *delta_link,
                       GCancellable      *cancellable,
                       GError           **error)
{
  g_auto(FolderTree) tree = { NULL, NULL };
  g_autofree char *new_link = NULL;

  tree.nodes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) folder_node_free);
  tree.items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (!load_folder_tree (store, &tree, error))
    return FALSE;
  new_link = kabar_graph_wait_pages (client, delta_link != NULL ? delta_link : "/me/mailFolders/delta", 0,
                        collect_folders, &tree, cancellable, error);
  if (new_link == NULL && error != NULL && *error != NULL)
    return FALSE;
  return apply_folder_tree (store, &tree, delta_link == NULL, error)
         && kabar_store_graph_set_state (store, KABAR_GRAPH_STATE_FOLDER_DELTA, new_link, error);
}

gboolean
kabar_graph_sync_folder_tree (KabarGraphClient  *client,
                              KabarStore        *store,
                              GCancellable      *cancellable,
                              GError           **error)
{
  g_autofree char *delta_link = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KABAR_IS_GRAPH_CLIENT (client), FALSE);
  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);

  if (!fetch_well_known (client, store, cancellable, error))
    return FALSE;
  delta_link = kabar_store_graph_get_state (store, KABAR_GRAPH_STATE_FOLDER_DELTA, &local_error);
  if (local_error == NULL
      && sync_folder_tree_from (client, store, delta_link, cancellable, &local_error))
    return TRUE;
  /* A refused link: the whole list again, which also finds what went. */
  if (delta_link != NULL
      && g_error_matches (local_error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_DELTA_REFUSED))
    return kabar_store_graph_set_state (store, KABAR_GRAPH_STATE_FOLDER_DELTA, NULL, error)
           && sync_folder_tree_from (client, store, NULL, cancellable, error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Messages. */

typedef struct
{
  KabarStore *store;
  gint64 folder_id;
  const char *folder_path;
  KabarGraphProgressFunc progress;
  gpointer progress_data;
  GArray *new_ids;
  guint done;
} MessageSync;

static gboolean
store_message_page (JsonArray  *items,
                    gpointer    user_data,
                    GError    **error)
{
  MessageSync *sync = user_data;
  g_autoptr(GPtrArray) remote_ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) summaries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(GPtrArray) removed = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      JsonObject *message = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      const char *id = kabar_graph_message_get_id (message);

      if (id == NULL)
        {
          g_set_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
                       "A message of the folder “%s” has no usable id", sync->folder_path);
          return FALSE;
        }
      if (kabar_graph_message_is_removed (message))
        {
          g_ptr_array_add (removed, (gpointer) id);
          continue;
        }
      g_ptr_array_add (remote_ids, (gpointer) id);
      g_ptr_array_add (summaries, kabar_graph_message_to_summary (message));
    }
  if (!kabar_store_graph_apply_messages (sync->store, sync->folder_id, remote_ids, summaries,
                                         removed, sync->new_ids, error))
    return FALSE;
  sync->done += json_array_get_length (items);
  if (sync->progress != NULL)
    sync->progress (sync->folder_id, sync->done, 0, sync->progress_data);
  return TRUE;
}

/* From the stored delta link, or (delta_link NULL) everything. */
static gboolean
sync_messages_from (KabarGraphClient  *client,
                    MessageSync       *sync,
                    const char        *remote_id,
                    const char        *delta_link,
                    GCancellable      *cancellable,
                    GError           **error)
{
  g_autofree char *initial = NULL;
  g_autofree char *new_link = NULL;
  g_autoptr(GError) local_error = NULL;

  if (delta_link == NULL)
    {
      g_autofree char *escaped = escape_id (remote_id);

      if (!kabar_store_graph_begin_full_sync (sync->store, sync->folder_id, error))
        return FALSE;
      initial = g_strdup_printf ("/me/mailFolders/%s/messages/delta?$select="
                                 KABAR_GRAPH_MESSAGE_SELECT, escaped);
    }
  new_link = kabar_graph_wait_pages (client, delta_link != NULL ? delta_link : initial, MESSAGE_PAGE_SIZE,
                        store_message_page, sync, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (delta_link == NULL)
    return kabar_store_graph_end_full_sync (sync->store, sync->folder_id, new_link, error);
  return kabar_store_graph_set_folder_delta_link (sync->store, sync->folder_id, new_link, error);
}

/* New messages are searchable once a folder's sync returns. */
static gboolean
index_new_messages (KabarStore  *store,
                    GError     **error)
{
  guint indexed;

  do
    if (!kabar_store_index_pending (store, INDEX_BATCH, &indexed, error))
      return FALSE;
  while (indexed > 0);
  return TRUE;
}

gboolean
kabar_graph_sync_messages (KabarGraphClient        *client,
                           KabarStore              *store,
                           gint64                   folder_id,
                           KabarGraphProgressFunc   progress,
                           gpointer                 progress_data,
                           GArray                  *new_ids,
                           GCancellable            *cancellable,
                           GError                 **error)
{
  g_autoptr(KabarStoreFolder) folder = NULL;
  g_autofree char *remote_id = NULL;
  g_autofree char *delta_link = NULL;
  g_autoptr(GError) local_error = NULL;
  MessageSync sync = { store, folder_id, NULL, progress, progress_data, new_ids, 0 };

  g_return_val_if_fail (KABAR_IS_GRAPH_CLIENT (client), FALSE);
  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);

  folder = kabar_store_get_folder (store, folder_id, error);
  if (folder == NULL)
    return FALSE;
  sync.folder_path = folder->path;
  remote_id = kabar_store_graph_get_folder_remote_id (store, folder_id, &local_error);
  if (remote_id != NULL)
    delta_link = kabar_store_graph_get_folder_delta_link (store, folder_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (remote_id == NULL)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                   "The folder “%s” is not on the server yet", folder->path);
      return FALSE;
    }
  if (sync_messages_from (client, &sync, remote_id, delta_link, cancellable, &local_error))
    return index_new_messages (store, error);
  /* A refused link: every message again, matched by remote id. */
  if (delta_link != NULL
      && g_error_matches (local_error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_DELTA_REFUSED))
    return kabar_store_graph_set_folder_delta_link (store, folder_id, NULL, error)
           && sync_messages_from (client, &sync, remote_id, NULL, cancellable, error)
           && index_new_messages (store, error);
  g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                              "Could not sync the folder “%s”: ", folder->path);
  return FALSE;
}

/* Bodies. */

GBytes *
kabar_graph_fetch_body (KabarGraphClient  *client,
                        KabarStore        *store,
                        gint64             message_id,
                        GCancellable      *cancellable,
                        GError           **error)
{
  g_autofree char *remote_id = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KABAR_IS_GRAPH_CLIENT (client), NULL);
  g_return_val_if_fail (KABAR_IS_STORE (store), NULL);

  remote_id = kabar_store_graph_get_message_remote_id (store, message_id, &local_error);
  if (remote_id == NULL)
    {
      if (local_error == NULL)
        g_set_error (&local_error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                     "The message is not on the server yet");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  escaped = escape_id (remote_id);
  path = g_strdup_printf ("/me/messages/%s/$value", escaped);
  raw = kabar_graph_wait_get_bytes (client, path, cancellable, &local_error);
  if (raw == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Could not download the message: ");
      return NULL;
    }
  text = kabar_mime_extract_text (raw, BODY_TEXT_MAX);
  if (!kabar_store_set_body (store, message_id, raw, text, error))
    return NULL;
  return g_steal_pointer (&raw);
}

typedef struct
{
  KabarStore *store;
  gint64 folder_id;
  guint in_flight;
  guint stored;
  GError *error;
} BodyFetches;

typedef struct
{
  BodyFetches *fetches;
  guint32 uid;
} BodyFetch;

/* Gone since the list was made (another device, the user): nothing to
 * keep. */
static gboolean
is_gone (const GError *error)
{
  return g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND)
         || g_error_matches (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
}

static void
on_body_fetched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree BodyFetch *fetch = user_data;
  BodyFetches *fetches = fetch->fetches;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = kabar_graph_client_get_bytes_finish (KABAR_GRAPH_CLIENT (source), result,
                                                               &error);

  fetches->in_flight--;
  if (raw != NULL)
    {
      g_autofree char *text = kabar_mime_extract_text (raw, BODY_TEXT_MAX);

      if (kabar_store_set_body_by_uid (fetches->store, fetches->folder_id, 0, fetch->uid, raw, text,
                                       &error))
        fetches->stored++;
    }
  if (error == NULL || is_gone (error))
    return;
  if (fetches->error == NULL)
    fetches->error = g_steal_pointer (&error);
}

static void
wait_in_flight (GMainContext *context,
                BodyFetches  *fetches,
                guint         at_most)
{
  while (fetches->in_flight > at_most)
    g_main_context_iteration (context, TRUE);
}

gboolean
kabar_graph_fetch_bodies (KabarGraphClient  *client,
                          KabarStore        *store,
                          gint64             folder_id,
                          const guint32     *uids,
                          guint              n_uids,
                          guint             *n_stored,
                          GCancellable      *cancellable,
                          GError           **error)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  BodyFetches fetches = { store, folder_id, 0, 0, NULL };

  g_return_val_if_fail (KABAR_IS_GRAPH_CLIENT (client), FALSE);
  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);

  for (guint i = 0; i < n_uids && fetches.error == NULL; i++)
    {
      g_autofree char *remote_id = NULL;
      g_autofree char *escaped = NULL;
      g_autofree char *path = NULL;
      BodyFetch *fetch;

      wait_in_flight (context, &fetches, KABAR_GRAPH_BODIES_IN_FLIGHT - 1);
      if (fetches.error != NULL)
        break;
      remote_id = kabar_store_graph_get_uid_remote_id (store, folder_id, uids[i], &fetches.error);
      /* Made here and not on the server yet, or gone meanwhile. */
      if (remote_id == NULL)
        continue;
      escaped = escape_id (remote_id);
      path = g_strdup_printf ("/me/messages/%s/$value", escaped);
      fetch = g_new0 (BodyFetch, 1);
      fetch->fetches = &fetches;
      fetch->uid = uids[i];
      fetches.in_flight++;
      kabar_graph_client_get_bytes_async (client, path, cancellable, on_body_fetched, fetch);
    }
  /* Those out still write into fetches. */
  wait_in_flight (context, &fetches, 0);
  if (n_stored != NULL)
    *n_stored = fetches.stored;
  if (fetches.error != NULL)
    {
      g_propagate_prefixed_error (error, fetches.error, "Could not download messages: ");
      return FALSE;
    }
  return TRUE;
}
