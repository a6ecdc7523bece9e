/* kabar-graph-replay.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pending operations replayed on Microsoft Graph, in plain sequential code
 * (kabar-sync-wait.h), with the store calls kabar-imap-replay.c makes.
 * Messages and folders are named by their Graph ids, which the store keeps
 * beside its rows (kabar-store-graph.h); paths are display names joined
 * with '/'.
 */

#include "config.h"

#include "kabar-graph-replay.h"
#include "kabar-graph-mail-sync.h"
#include "kabar-graph-send.h"
#include "kabar-graph-wait.h"
#include "kabar-replay-steps.h"
#include "kabar-store-graph.h"

#define DELIMITER '/'
/* What a '/' in a folder's name becomes in its path (U+2215), as the
 * folder tree sync writes it. */
#define SLASH_IN_NAME "\342\210\225"

typedef struct
{
  KabarGraphClient      *client;
  KabarStore            *store;
  GCancellable          *cancellable;
  KabarGraphRefusedFunc  refused;
  gpointer               refused_data;
} Replay;

/* One operation being replayed; a row of flag changes goes in one batch,
 * each with its part of it. */
typedef struct
{
  const KabarPendingOperation *operation;
  JsonObject                  *payload;
  guint                        first;
  guint                        count;
} Step;

/* --- requests ------------------------------------------------------------------ */

/* body is taken. */
static JsonNode *
request (Replay      *replay,
         const char  *method,
         const char  *path,
         JsonNode    *body,
         GError     **error)
{
  g_autoptr(JsonNode) owned = body;

  return kabar_graph_wait_request (replay->client, method, path, owned, replay->cancellable, error);
}

static gboolean
run_batch (Replay           *replay,
           KabarGraphBatch  *batch,
           GError          **error)
{
  return kabar_graph_batch_get_size (batch) == 0
         || kabar_graph_wait_batch (replay->client, batch, replay->cancellable, error);
}

/* Every page of a collection (JsonObject elements). */
static GPtrArray *
list_all (Replay      *replay,
          const char  *path,
          GError     **error)
{
  return kabar_graph_wait_list_all (replay->client, path, 0, replay->cancellable, error);
}

static char *
id_of (JsonNode *node)
{
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  return object != NULL ? g_strdup (json_object_get_string_member_with_default (object, "id", NULL))
                        : NULL;
}

/* --- telling refusals from failures ------------------------------------------- */

/* The server answered, and it was no: undo. Anything else leaves the
 * outcome unknown, or is no fault of the operation: retry later. */
static gboolean
is_refusal (const GError *error)
{
  return g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND)
         || g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_FORBIDDEN)
         || g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_REFUSED);
}

static gboolean
is_gone (const GError *error)
{
  return g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND);
}

/* --- reading an operation ------------------------------------------------------ */

static const char *
payload_string (const Step *step,
                const char *member)
{
  return json_object_get_string_member_with_default (step->payload, member, NULL);
}

static gboolean
payload_has_flag (const Step *step,
                  const char *member,
                  const char *flag)
{
  JsonArray *array = json_object_has_member (step->payload, member)
                     ? json_object_get_array_member (step->payload, member) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (g_ascii_strcasecmp (json_array_get_string_element (array, i), flag) == 0)
      return TRUE;
  return FALSE;
}

static KabarReplayRequired required_members = {
  [KABAR_PENDING_FLAGS] = { NULL, NULL },
  [KABAR_PENDING_MOVE] = { "to", NULL },
  [KABAR_PENDING_COPY] = { "to", NULL },
  [KABAR_PENDING_DELETE] = { NULL, NULL },
  [KABAR_PENDING_APPEND] = { NULL, NULL },
  [KABAR_PENDING_FOLDER_CREATE] = { "path", NULL },
  [KABAR_PENDING_FOLDER_RENAME] = { "from", "to" },
  [KABAR_PENDING_FOLDER_DELETE] = { "path", NULL },
};


/* The Graph ids of the operation's messages (those the store still knows:
 * one it lost has gone from the server too, as the sync saw) and, in
 * internet_ids (may be NULL), their Message-IDs. */
static GPtrArray *
list_remote_ids (Replay      *replay,
                 const Step  *step,
                 GPtrArray   *internet_ids,
                 GArray      *targets,
                 GError     **error)
{
  g_autoptr(GArray) messages = kabar_store_list_pending_messages (replay->store, step->operation->id,
                                                                  error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  if (messages == NULL)
    return NULL;
  for (guint i = 0; i < messages->len; i++)
    {
      const KabarPendingMessage *message = &g_array_index (messages, KabarPendingMessage, i);
      GError *local_error = NULL;
      char *id;

      if (message->uid == 0)
        continue;
      id = kabar_store_graph_get_uid_remote_id (replay->store, step->operation->folder_id,
                                                message->uid, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (id == NULL)
        continue;
      g_ptr_array_add (ids, id);
      if (internet_ids != NULL)
        g_ptr_array_add (internet_ids, g_strdup (message->message_id));
      if (targets != NULL)
        g_array_append_val (targets, message->target_id);
    }
  return g_steal_pointer (&ids);
}

/* --- folders by path ----------------------------------------------------------- */

static char *
parent_path (const char *path)
{
  const char *last = strrchr (path, DELIMITER);

  return last != NULL ? g_strndup (path, last - path) : NULL;
}

static const char *
last_component (const char *path)
{
  const char *last = strrchr (path, DELIMITER);

  return last != NULL ? last + 1 : path;
}

/* A component of a path as Graph names the folder. */
static char *
display_name (const char *component)
{
  g_autoptr(GString) name = g_string_new (component);

  g_string_replace (name, SLASH_IN_NAME, "/", 0);
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static char *
last_name (const char *path)
{
  return display_name (last_component (path));
}

/* Graph's ids go in paths as they are ('=' included); anything else a
 * path cannot carry is escaped. */
static char *
path_element (const char *id)
{
  return g_uri_escape_string (id, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH_ELEMENT, FALSE);
}

static char *
children_path (const char *parent_id)
{
  g_autofree char *escaped = NULL;

  if (parent_id == NULL)
    return g_strdup ("/me/mailFolders?$select=id,displayName");
  escaped = path_element (parent_id);
  return g_strdup_printf ("/me/mailFolders/%s/childFolders?$select=id,displayName", escaped);
}

/* The id of the child folder of parent_id (NULL: the top) named name, or
 * NULL (without error) when it has none. */
static char *
find_child (Replay      *replay,
            const char  *parent_id,
            const char  *name,
            GError     **error)
{
  g_autofree char *path = children_path (parent_id);
  g_autoptr(GPtrArray) children = list_all (replay, path, error);

  for (guint i = 0; children != NULL && i < children->len; i++)
    {
      JsonObject *child = g_ptr_array_index (children, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (child, "displayName", NULL), name) == 0)
        return g_strdup (json_object_get_string_member_with_default (child, "id", NULL));
    }
  return NULL;
}

/* The server's folder at path, walked down from the top by display names:
 * for a folder the store no longer has. NULL without error when the
 * server has none there. */
static char *
find_path_on_server (Replay      *replay,
                     const char  *path,
                     GError     **error)
{
  g_auto(GStrv) names = g_strsplit (path, "/", -1);
  g_autofree char *id = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    {
      GError *local_error = NULL;
      g_autofree char *name = display_name (names[i]);
      char *child = find_child (replay, id, name, &local_error);

      g_free (id);
      id = child;
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (id == NULL)
        return NULL;
    }
  return g_steal_pointer (&id);
}

/* The Graph id of the store's folder at path, else the server's folder at
 * that path; NULL without error when neither has one. */
static char *
folder_remote_id (Replay      *replay,
                  const char  *path,
                  GError     **error)
{
  g_autoptr(KabarStoreFolder) folder = NULL;
  GError *local_error = NULL;
  char *id = NULL;

  folder = kabar_store_get_folder_by_path (replay->store, path, &local_error);
  if (folder != NULL)
    id = kabar_store_graph_get_folder_remote_id (replay->store, folder->id, &local_error);
  if (local_error != NULL && !g_error_matches (local_error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  g_clear_error (&local_error);
  if (id != NULL)
    return id;
  return find_path_on_server (replay, path, error);
}

static void
set_folder_gone (GError     **error,
                 const char  *path)
{
  g_set_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND,
               "The folder %s is not on the server", path);
}

/* The Graph id of the folder with the store's id folder_id; path for the
 * message. */
static char *
folder_id_remote_id (Replay      *replay,
                     gint64       folder_id,
                     const char  *path,
                     GError     **error)
{
  GError *local_error = NULL;
  char *id = folder_id != 0 ? kabar_store_graph_get_folder_remote_id (replay->store, folder_id,
                                                                       &local_error)
                            : NULL;

  if (local_error != NULL && !g_error_matches (local_error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  g_clear_error (&local_error);
  if (id == NULL && path != NULL)
    id = folder_remote_id (replay, path, error);
  return id;
}

static JsonNode *
destination_body (const char *destination_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "destinationId");
  json_builder_add_string_value (builder, destination_id);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static char *
message_path (const char *id,
              const char *action)
{
  g_autofree char *escaped = path_element (id);

  return g_strconcat ("/me/messages/", escaped, action != NULL ? "/" : "", action, NULL);
}

/* --- batches --------------------------------------------------------------------- */

/* The first failure of requests first .. first + count - 1, or NULL;
 * gone (may be NULL) leaves out "not found", which the caller takes for
 * done. */
static GError *
batch_failure (KabarGraphBatch *batch,
               guint            first,
               guint            count,
               gboolean         gone_is_done)
{
  GError *refusal = NULL;

  for (guint i = first; i < first + count; i++)
    {
      GError *error = NULL;

      if (kabar_graph_batch_get_result (batch, i, NULL, &error))
        continue;
      if (gone_is_done && is_gone (error))
        {
          g_error_free (error);
          continue;
        }
      /* A failure that is no refusal wins: the operation must stay. */
      if (!is_refusal (error))
        {
          g_clear_error (&refusal);
          return error;
        }
      if (refusal == NULL)
        refusal = error;
      else
        g_error_free (error);
    }
  return refusal;
}

/* --- each kind ------------------------------------------------------------------- */

static JsonNode *
flags_body (const Step *step)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean any = FALSE;

  json_builder_begin_object (builder);
  if (payload_has_flag (step, "add", "\\Seen") || payload_has_flag (step, "remove", "\\Seen"))
    {
      json_builder_set_member_name (builder, "isRead");
      json_builder_add_boolean_value (builder, !payload_has_flag (step, "remove", "\\Seen"));
      any = TRUE;
    }
  if (payload_has_flag (step, "add", "\\Flagged") || payload_has_flag (step, "remove", "\\Flagged"))
    {
      json_builder_set_member_name (builder, "flag");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "flagStatus");
      json_builder_add_string_value (builder, payload_has_flag (step, "remove", "\\Flagged")
                                              ? "notFlagged" : "flagged");
      json_builder_end_object (builder);
      any = TRUE;
    }
  json_builder_end_object (builder);
  return any ? json_builder_get_root (builder) : NULL;
}

/* Adds the step's PATCHes to the batch. */
static gboolean
add_flags (Replay           *replay,
           Step             *step,
           KabarGraphBatch  *batch,
           GError          **error)
{
  g_autoptr(JsonNode) body = flags_body (step);
  g_autoptr(GPtrArray) ids = NULL;

  step->first = kabar_graph_batch_get_size (batch);
  step->count = 0;
  /* Keywords and \Answered have no place on Graph. */
  if (body == NULL)
    return TRUE;
  ids = list_remote_ids (replay, step, NULL, NULL, error);
  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = message_path (g_ptr_array_index (ids, i), NULL);

      kabar_graph_batch_add (batch, "PATCH", path, body);
    }
  step->count = ids->len;
  return TRUE;
}

/* The provisional rows become the server's messages: the list keeps
 * showing them until the sync of their folder, which then finds them
 * there. found[i]: the id of a copy made before a cut, else the answer of
 * the batch's request answers[i]. */
static gboolean
bind_targets (Replay           *replay,
              KabarGraphBatch  *batch,
              GArray           *targets,
              GPtrArray        *found,
              GArray           *answers,
              GError          **error)
{
  for (guint i = 0; i < targets->len; i++)
    {
      gint64 target = g_array_index (targets, gint64, i);
      g_autoptr(JsonNode) answer = NULL;
      g_autofree char *id = g_strdup (g_ptr_array_index (found, i));
      GError *local_error = NULL;

      if (id == NULL && kabar_graph_batch_get_result (batch, g_array_index (answers, guint, i), &answer, NULL))
        id = id_of (answer);
      /* No row to bind (the user deleted it meanwhile), or no id to bind
       * it to: the sync brings the message. */
      if (target == 0 || id == NULL
          || kabar_store_graph_bind_message (replay->store, target, id, &local_error))
        continue;
      if (!g_error_matches (local_error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      g_error_free (local_error);
    }
  return TRUE;
}

/* A move with immutable ids keeps the message's id: sent again after a
 * cut, it moves it where it already is. */
static gboolean
replay_transfer (Replay      *replay,
                 const Step  *step,
                 gboolean     move,
                 GError     **error)
{
  g_autoptr(GPtrArray) internet_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) targets = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) ids = list_remote_ids (replay, step, internet_ids, targets, error);
  g_autoptr(GPtrArray) found_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) answers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(KabarGraphBatch) batch = kabar_graph_batch_new ();
  g_autofree char *destination = NULL;
  g_autoptr(JsonNode) body = NULL;
  GError *failure;

  if (ids == NULL)
    return FALSE;
  if (ids->len == 0)
    return kabar_replay_complete (replay->store, step->operation, error);
  destination = folder_remote_id (replay, payload_string (step, "to"), error);
  if (destination == NULL)
    {
      if (error == NULL || *error == NULL)
        set_folder_gone (error, payload_string (step, "to"));
      return FALSE;
    }
  body = destination_body (destination);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = message_path (g_ptr_array_index (ids, i), move ? "move" : "copy");
      g_autofree char *found = NULL;
      guint answer = G_MAXUINT;

      /* A started copy may have been made, its answer lost. */
      if (!move && step->operation->started
          && !kabar_graph_find_message (replay->client, destination,
                                        g_ptr_array_index (internet_ids, i), &found,
                                        replay->cancellable, error))
        return FALSE;
      if (found == NULL)
        answer = kabar_graph_batch_add (batch, "POST", path, body);
      g_array_append_val (answers, answer);
      g_ptr_array_add (found_ids, g_steal_pointer (&found));
    }
  if (!kabar_replay_mark_started (replay->store, step->operation, error) || !run_batch (replay, batch, error))
    return FALSE;
  failure = batch_failure (batch, 0, kabar_graph_batch_get_size (batch), FALSE);
  if (failure != NULL)
    {
      g_propagate_error (error, failure);
      return FALSE;
    }
  return bind_targets (replay, batch, targets, found_ids, answers, error)
         && kabar_replay_complete (replay->store, step->operation, error);
}

/* A message already gone is as good as deleted. */
static gboolean
replay_delete (Replay      *replay,
               const Step  *step,
               GError     **error)
{
  g_autoptr(GPtrArray) ids = list_remote_ids (replay, step, NULL, NULL, error);
  g_autoptr(KabarGraphBatch) batch = kabar_graph_batch_new ();
  GError *failure;

  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = message_path (g_ptr_array_index (ids, i), NULL);

      kabar_graph_batch_add (batch, "DELETE", path, NULL);
    }
  if (!run_batch (replay, batch, error))
    return FALSE;
  failure = batch_failure (batch, 0, kabar_graph_batch_get_size (batch), TRUE);
  if (failure != NULL)
    {
      g_propagate_error (error, failure);
      return FALSE;
    }
  return kabar_replay_complete (replay->store, step->operation, error);
}

static GBytes *
base64_of (GBytes *raw)
{
  gsize length = 0;
  const guchar *data = g_bytes_get_data (raw, &length);
  char *encoded = g_base64_encode (data, length);

  return g_bytes_new_take (encoded, strlen (encoded));
}

/* The new message comes in with the next sync of its folder: the
 * provisional row goes. */
static gboolean
replay_append (Replay      *replay,
               const Step  *step,
               GError     **error)
{
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *found = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  const char *where = payload_string (step, "path");

  folder = folder_id_remote_id (replay, step->operation->folder_id, where, error);
  if (folder == NULL)
    {
      if (error == NULL || *error == NULL)
        set_folder_gone (error, where != NULL ? where : "of the message");
      return FALSE;
    }
  if (step->operation->started
      && !kabar_graph_find_message (replay->client, folder, payload_string (step, "message_id"),
                                    &found, replay->cancellable, error))
    return FALSE;
  if (found != NULL)
    return kabar_store_complete_pending_append (replay->store, step->operation->id, 0, 0, error);
  raw = kabar_store_get_pending_data (replay->store, step->operation->id, error);
  if (raw == NULL || !kabar_replay_mark_started (replay->store, step->operation, error))
    return FALSE;
  body = base64_of (raw);
  escaped = path_element (folder);
  path = g_strdup_printf ("/me/mailFolders/%s/messages", escaped);
  answer = kabar_graph_wait_post_bytes (replay->client, path, "text/plain", body, replay->cancellable, error);
  return answer != NULL
         && kabar_store_complete_pending_append (replay->store, step->operation->id, 0, 0, error);
}

static JsonNode *
name_body (const char *name)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "displayName");
  json_builder_add_string_value (builder, name);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The id of the parent of the folder at path into *parent_id: NULL for
 * the top. */
static gboolean
parent_remote_id (Replay      *replay,
                  const char  *path,
                  char       **parent_id,
                  GError     **error)
{
  g_autofree char *parent = parent_path (path);

  *parent_id = NULL;
  if (parent == NULL)
    return TRUE;
  *parent_id = folder_remote_id (replay, parent, error);
  if (*parent_id != NULL)
    return TRUE;
  if (error == NULL || *error == NULL)
    set_folder_gone (error, parent);
  return FALSE;
}

static gboolean
bind_folder (Replay      *replay,
             const char  *path,
             const char  *remote_id,
             const char  *parent_id,
             GError     **error)
{
  g_autoptr(KabarStoreFolder) folder = kabar_store_get_folder_by_path (replay->store, path, NULL);
  g_autofree char *name = last_name (path);

  /* Gone here meanwhile: the tree sync takes the server's. */
  if (folder == NULL || remote_id == NULL)
    return TRUE;
  return kabar_store_graph_bind_folder (replay->store, folder->id, remote_id, parent_id, name, error);
}

static gboolean
replay_folder_create (Replay      *replay,
                      const Step  *step,
                      GError     **error)
{
  const char *path = payload_string (step, "path");
  g_autofree char *name = last_name (path);
  g_autofree char *parent_id = NULL;
  g_autofree char *id = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *request_path = NULL;
  g_autoptr(JsonNode) answer = NULL;
  GError *local_error = NULL;

  if (!parent_remote_id (replay, path, &parent_id, error))
    return FALSE;
  if (step->operation->started)
    {
      id = find_child (replay, parent_id, name, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
    }
  if (id == NULL)
    {
      if (!kabar_replay_mark_started (replay->store, step->operation, error))
        return FALSE;
      escaped = parent_id != NULL ? path_element (parent_id) : NULL;
      request_path = escaped != NULL
                     ? g_strdup_printf ("/me/mailFolders/%s/childFolders", escaped)
                     : g_strdup ("/me/mailFolders");
      answer = request (replay, "POST", request_path, name_body (name), error);
      if (answer == NULL)
        return FALSE;
      id = id_of (answer);
    }
  return bind_folder (replay, path, id, parent_id, error)
         && kabar_replay_complete (replay->store, step->operation, error);
}

static gboolean
same_parent (const char *from,
             const char *to)
{
  g_autofree char *a = parent_path (from);
  g_autofree char *b = parent_path (to);

  return g_strcmp0 (a, b) == 0;
}

static gboolean
replay_folder_rename (Replay      *replay,
                      const Step  *step,
                      GError     **error)
{
  const char *from = payload_string (step, "from");
  const char *to = payload_string (step, "to");
  g_autofree char *name = last_name (to);
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *parent_id = NULL;
  g_autoptr(JsonNode) renamed = NULL;
  GError *local_error = NULL;

  id = folder_id_remote_id (replay, step->operation->folder_id, from, &local_error);
  /* A started rename may have renamed it already. */
  if (id == NULL && local_error == NULL && step->operation->started)
    id = find_path_on_server (replay, to, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (id == NULL)
    {
      set_folder_gone (error, from);
      return FALSE;
    }
  if (!kabar_replay_mark_started (replay->store, step->operation, error))
    return FALSE;
  escaped = path_element (id);
  path = g_strconcat ("/me/mailFolders/", escaped, NULL);
  renamed = request (replay, "PATCH", path, name_body (name), error);
  if (renamed == NULL)
    return FALSE;
  if (!parent_remote_id (replay, to, &parent_id, error))
    return FALSE;
  if (!same_parent (from, to))
    {
      g_autofree char *move_path = g_strconcat (path, "/move", NULL);
      g_autoptr(JsonNode) moved = NULL;

      moved = request (replay, "POST", move_path,
                       destination_body (parent_id != NULL ? parent_id : "msgfolderroot"), error);
      if (moved == NULL)
        return FALSE;
    }
  return bind_folder (replay, to, id, parent_id, error)
         && kabar_replay_complete (replay->store, step->operation, error);
}

/* A folder already gone is as good as deleted. */
static gboolean
replay_folder_delete (Replay      *replay,
                      const Step  *step,
                      GError     **error)
{
  const char *path = payload_string (step, "path");
  g_autofree char *id = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *request_path = NULL;
  g_autoptr(JsonNode) answer = NULL;
  GError *local_error = NULL;

  id = folder_id_remote_id (replay, step->operation->folder_id, path, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (id == NULL)
    return kabar_replay_complete (replay->store, step->operation, error);
  if (!kabar_replay_mark_started (replay->store, step->operation, error))
    return FALSE;
  escaped = path_element (id);
  request_path = g_strconcat ("/me/mailFolders/", escaped, NULL);
  answer = request (replay, "DELETE", request_path, NULL, &local_error);
  if (answer == NULL && !is_gone (local_error))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_clear_error (&local_error);
  return kabar_replay_complete (replay->store, step->operation, error);
}

static gboolean
replay_step (Replay      *replay,
             const Step  *step,
             GError     **error)
{
  switch (step->operation->kind)
    {
    case KABAR_PENDING_MOVE:
      return replay_transfer (replay, step, TRUE, error);
    case KABAR_PENDING_COPY:
      return replay_transfer (replay, step, FALSE, error);
    case KABAR_PENDING_DELETE:
      return replay_delete (replay, step, error);
    case KABAR_PENDING_APPEND:
      return replay_append (replay, step, error);
    case KABAR_PENDING_FOLDER_CREATE:
      return replay_folder_create (replay, step, error);
    case KABAR_PENDING_FOLDER_RENAME:
      return replay_folder_rename (replay, step, error);
    case KABAR_PENDING_FOLDER_DELETE:
      return replay_folder_delete (replay, step, error);
    case KABAR_PENDING_FLAGS:
    default:
      g_return_val_if_reached (FALSE);
    }
}

/* --- the queue ------------------------------------------------------------------- */

static gboolean
refuse (Replay                      *replay,
        const KabarPendingOperation *operation,
        const GError                *server_error,
        GError                     **error)
{
  if (!kabar_replay_refuse (replay->store, operation, server_error, error))
    return FALSE;
  /* The store's folder went with its mail, and a delta from the stored
   * link would never list it again: the next tree sync lists every
   * folder, so it comes back and its mail is fetched anew. */
  if (operation->kind == KABAR_PENDING_FOLDER_DELETE
      && !kabar_store_graph_set_state (replay->store, KABAR_GRAPH_STATE_FOLDER_DELTA, NULL, error))
    return FALSE;
  if (replay->refused != NULL)
    replay->refused (operation->kind, operation->folder_id, server_error, replay->refused_data);
  return TRUE;
}

/* How a step went: done, refused (undone and reported) or a failure that
 * stops the replay. Takes local_error. */
static gboolean
conclude (Replay                      *replay,
          const KabarPendingOperation *operation,
          gboolean                     done,
          GError                      *local_error,
          GError                     **error)
{
  g_autoptr(GError) owned = local_error;

  if (done || kabar_replay_has_vanished (replay->store, operation, owned))
    return TRUE;
  if (!is_refusal (owned) && !g_error_matches (owned, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    {
      g_propagate_error (error, g_steal_pointer (&owned));
      return FALSE;
    }
  return refuse (replay, operation, owned, error);
}

static void
steps_clear (gpointer data)
{
  Step *step = data;

  g_clear_pointer (&step->payload, json_object_unref);
}

/* Flag changes from operations[*index] on, in one batch; *index moves
 * past them. */
static gboolean
replay_flags_run (Replay     *replay,
                  GPtrArray  *operations,
                  guint      *index,
                  GError    **error)
{
  g_autoptr(GArray) steps = g_array_new (FALSE, TRUE, sizeof (Step));
  g_autoptr(KabarGraphBatch) batch = kabar_graph_batch_new ();
  GError *local_error = NULL;

  g_array_set_clear_func (steps, steps_clear);
  for (; *index < operations->len; (*index)++)
    {
      const KabarPendingOperation *operation = operations->pdata[*index];
      Step step = { operation, NULL, 0, 0 };

      if (operation->kind != KABAR_PENDING_FLAGS)
        break;
      step.payload = kabar_replay_read_payload (operation, required_members, &local_error);
      if (step.payload == NULL || !add_flags (replay, &step, batch, &local_error))
        {
          g_clear_pointer (&step.payload, json_object_unref);
          if (!conclude (replay, operation, FALSE, g_steal_pointer (&local_error), error))
            return FALSE;
          continue;
        }
      g_array_append_val (steps, step);
    }
  if (!run_batch (replay, batch, error))
    return FALSE;
  for (guint i = 0; i < steps->len; i++)
    {
      const Step *step = &g_array_index (steps, Step, i);
      GError *failure = batch_failure (batch, step->first, step->count, FALSE);
      gboolean done = failure == NULL && kabar_replay_complete (replay->store, step->operation, &failure);

      if (!conclude (replay, step->operation, done, failure, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
replay_operation (Replay                      *replay,
                  const KabarPendingOperation *operation,
                  GError                     **error)
{
  GError *local_error = NULL;
  g_autoptr(JsonObject) payload = kabar_replay_read_payload (operation, required_members, &local_error);
  Step step = { operation, payload, 0, 0 };
  gboolean done = payload != NULL && replay_step (replay, &step, &local_error);

  return conclude (replay, operation, done, local_error, error);
}

gboolean
kabar_graph_replay (KabarGraphClient       *client,
                    KabarStore             *store,
                    KabarGraphRefusedFunc   refused,
                    gpointer                refused_data,
                    GCancellable           *cancellable,
                    GError                **error)
{
  Replay replay = { client, store, cancellable, refused, refused_data };

  g_return_val_if_fail (KABAR_IS_GRAPH_CLIENT (client), FALSE);
  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (;;)
    {
      g_autoptr(GPtrArray) operations = kabar_store_list_pending_operations (store, error);
      guint i = 0;

      if (operations == NULL)
        return FALSE;
      if (operations->len == 0)
        return TRUE;
      while (i < operations->len)
        {
          const KabarPendingOperation *operation = operations->pdata[i];

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          if (operation->kind == KABAR_PENDING_FLAGS)
            {
              if (!replay_flags_run (&replay, operations, &i, error))
                return FALSE;
              continue;
            }
          if (!replay_operation (&replay, operation, error))
            return FALSE;
          i++;
        }
    }
}
