/* kabar-graph-organizer.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Contacts, calendar and To Do of a Graph account: the user's task
 * changes to the server, then each part's delta into the store.
 */

#include "config.h"

#include "kabar-graph-error.h"
#include "kabar-graph-organizer.h"
#include "kabar-graph-organizer-private.h"
#include "kabar-graph-wait.h"
#include "kabar-store-organizer.h"

/* Small pages keep each transaction short; Graph's own default is 10 for
 * some of these collections. */
#define PAGE_SIZE 100
/* How far the server's clock may be behind ours when looking for a task
 * added before its answer was lost. */
#define CLOCK_SLACK (10 * 60)

static gint64 now_for_testing;

void
kabar_graph_organizer_set_now_for_testing (gint64 now)
{
  now_for_testing = now;
}

static gint64
now (void)
{
  return now_for_testing != 0 ? now_for_testing : g_get_real_time () / G_USEC_PER_SEC;
}

/* An id as a path segment: Graph's ids are base64 with '=' padding,
 * which a segment may hold as it is. */
static char *
escape_id (const char *id)
{
  return g_uri_escape_string (id, G_URI_RESERVED_CHARS_SUBCOMPONENT_DELIMITERS ":@", FALSE);
}

typedef struct
{
  KabarGraphClient     *client;
  KabarStore           *store;
  GCancellable         *cancellable;
  KabarOrganizerParts   changed;
} Sync;

/* --- requests ------------------------------------------------------------------------------ */

/* body is taken. */
static JsonNode *
request (Sync        *sync,
         const char  *method,
         const char  *path,
         JsonNode    *body,
         GError     **error)
{
  g_autoptr(JsonNode) owned = body;

  return kabar_graph_wait_request (sync->client, method, path, owned, sync->cancellable, error);
}

/* Every page of path through page_func; the delta link, or NULL (with
 * *error only on failure). */
static char *
get_pages (Sync                *sync,
           const char          *path,
           KabarGraphPageFunc   page_func,
           gpointer             page_data,
           GError             **error)
{
  return kabar_graph_wait_pages (sync->client, path, PAGE_SIZE, page_func, page_data, sync->cancellable, error);
}

/* A collection without delta, every page (JsonObject elements). */
static GPtrArray *
get_all (Sync        *sync,
         const char  *path,
         GError     **error)
{
  return kabar_graph_wait_list_all (sync->client, path, PAGE_SIZE, sync->cancellable, error);
}

/* --- one delta collection ------------------------------------------------------------------ */

typedef struct _Delta Delta;

/* Stores a page: objects (JsonObject) new or changed, removed ids. */
typedef gboolean (*DeltaPutFunc)   (Delta      *delta,
                                    GPtrArray  *objects,
                                    GPtrArray  *removed,
                                    GError    **error);
/* After a full round: removes what the round did not see (delta->seen). */
typedef gboolean (*DeltaPruneFunc) (Delta      *delta,
                                    GError    **error);

struct _Delta
{
  Sync           *sync;
  /* The contact folder ("" the default one) or task list. */
  const char     *scope;
  DeltaPutFunc    put;
  DeltaPruneFunc  prune;
  gboolean        full;
  GHashTable     *seen;
  gboolean        changed;
};

static gboolean
delta_page (JsonArray  *items,
            gpointer    data,
            GError    **error)
{
  Delta *delta = data;
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  g_autoptr(GPtrArray) removed = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *object;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      id = json_object_get_string_member_with_default (object, "id", NULL);
      if (id == NULL)
        continue;
      if (json_object_has_member (object, "@removed"))
        {
          g_ptr_array_add (removed, (gpointer) id);
          if (delta->full)
            g_hash_table_remove (delta->seen, id);
        }
      else
        {
          g_ptr_array_add (objects, object);
          if (delta->full)
            g_hash_table_add (delta->seen, g_strdup (id));
        }
    }
  if (objects->len == 0 && removed->len == 0)
    return TRUE;
  delta->changed = TRUE;
  return delta->put (delta, objects, removed, error);
}

static gboolean
delta_round (Delta       *delta,
             const char  *state,
             const char  *path,
             GError     **error)
{
  Sync *sync = delta->sync;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *link = NULL;
  g_autofree char *new_link = NULL;

  link = kabar_store_organizer_get_state (sync->store, state, error);
  if (link == NULL && error != NULL && *error != NULL)
    return FALSE;
  delta->full = link == NULL;
  g_clear_pointer (&delta->seen, g_hash_table_unref);
  delta->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  new_link = get_pages (sync, link != NULL ? link : path, delta_page, delta, &local_error);
  if (g_error_matches (local_error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_DELTA_REFUSED) && link != NULL)
    {
      /* The server forgot where we were: from scratch, then what it no
       * longer has goes. */
      g_debug ("Delta token of %s refused: %s", state, local_error->message);
      g_clear_error (&local_error);
      if (!kabar_store_organizer_set_state (sync->store, state, NULL, error))
        return FALSE;
      return delta_round (delta, state, path, error);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (delta->full && !delta->prune (delta, error))
    return FALSE;
  if (delta->full)
    delta->changed = TRUE;
  return kabar_store_organizer_set_state (sync->store, state, new_link, error);
}

static void
delta_clear (Delta *delta)
{
  g_clear_pointer (&delta->seen, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Delta, delta_clear)

/* --- contacts -------------------------------------------------------------------------------- */

static gboolean
put_contacts (Delta      *delta,
              GPtrArray  *objects,
              GPtrArray  *removed,
              GError    **error)
{
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_contact_free);

  for (guint i = 0; i < objects->len; i++)
    {
      KabarContact *contact = kabar_graph_organizer_read_contact (g_ptr_array_index (objects, i));

      if (contact != NULL)
        g_ptr_array_add (contacts, contact);
    }
  return kabar_store_organizer_put_contacts (delta->sync->store, delta->scope, contacts, removed, error);
}

static gboolean
prune_contacts (Delta   *delta,
                GError **error)
{
  return kabar_store_organizer_prune_contacts (delta->sync->store, delta->scope, delta->seen, error);
}

static gboolean
sync_contact_folder (Sync        *sync,
                     const char  *folder,
                     GError     **error)
{
  g_auto(Delta) delta = { sync, folder, put_contacts, prune_contacts, FALSE, NULL, FALSE };
  g_autofree char *state = g_strconcat ("contacts/", folder, NULL);
  g_autofree char *escaped = escape_id (folder);
  g_autofree char *path = *folder == '\0' ? g_strdup ("/me/contacts/delta")
                          : g_strdup_printf ("/me/contactFolders/%s/contacts/delta", escaped);
  g_autoptr(GError) local_error = NULL;

  if (!delta_round (&delta, state, path, &local_error))
    {
      /* Deleted since the folders were listed: the next sync forgets it. */
      if (*folder != '\0' && g_error_matches (local_error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Could not update the contacts: ");
      return FALSE;
    }
  if (delta.changed)
    sync->changed |= KABAR_ORGANIZER_CONTACTS;
  return TRUE;
}

/* A folder gone from the server takes its contacts along. */
static gboolean
forget_contact_folders (Sync        *sync,
                        GHashTable  *folders,
                        GError     **error)
{
  g_auto(GStrv) states = kabar_store_organizer_list_states (sync->store, "contacts/", error);

  if (states == NULL)
    return FALSE;
  for (guint i = 0; states[i] != NULL; i++)
    {
      const char *folder = states[i] + strlen ("contacts/");

      if (*folder == '\0' || g_hash_table_contains (folders, folder))
        continue;
      if (!kabar_store_organizer_prune_contacts (sync->store, folder, NULL, error)
          || !kabar_store_organizer_set_state (sync->store, states[i], NULL, error))
        return FALSE;
      sync->changed |= KABAR_ORGANIZER_CONTACTS;
    }
  return TRUE;
}

static gboolean
sync_contacts (Sync    *sync,
               GError **error)
{
  g_autoptr(GPtrArray) folders = get_all (sync, "/me/contactFolders", error);
  g_autoptr(GHashTable) folder_ids = g_hash_table_new (g_str_hash, g_str_equal);

  if (folders == NULL)
    {
      g_prefix_error (error, "Could not list the contact folders: ");
      return FALSE;
    }
  if (!sync_contact_folder (sync, "", error))
    return FALSE;
  for (guint i = 0; i < folders->len; i++)
    {
      const char *id = json_object_get_string_member_with_default (g_ptr_array_index (folders, i), "id", NULL);

      if (id == NULL)
        continue;
      g_hash_table_add (folder_ids, (gpointer) id);
      if (!sync_contact_folder (sync, id, error))
        return FALSE;
    }
  return forget_contact_folders (sync, folder_ids, error);
}

/* --- calendar -------------------------------------------------------------------------------- */

static gboolean
put_events (Delta      *delta,
            GPtrArray  *objects,
            GPtrArray  *removed,
            GError    **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_event_free);

  for (guint i = 0; i < objects->len; i++)
    {
      KabarEvent *event = kabar_graph_organizer_read_event (g_ptr_array_index (objects, i));

      if (event != NULL)
        g_ptr_array_add (events, event);
    }
  return kabar_store_organizer_put_events (delta->sync->store, events, removed, error);
}

static gboolean
prune_events (Delta   *delta,
              GError **error)
{
  return kabar_store_organizer_prune_events (delta->sync->store, delta->seen, error);
}

static char *
format_utc (gint64 time)
{
  g_autoptr(GDateTime) date_time = g_date_time_new_from_unix_utc (time);

  return g_date_time_format (date_time, "%Y-%m-%dT%H:%M:%SZ");
}

/* Today 00:00 here, as unix seconds. */
static gint64
window_start (void)
{
  g_autoptr(GDateTime) here = g_date_time_new_from_unix_local (now ());
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (here),
                                                         g_date_time_get_month (here),
                                                         g_date_time_get_day_of_month (here), 0, 0, 0);

  return g_date_time_to_unix (midnight);
}

static gboolean
sync_calendar (Sync    *sync,
               GError **error)
{
  g_auto(Delta) delta = { sync, NULL, put_events, prune_events, FALSE, NULL, FALSE };
  gint64 start = window_start ();
  g_autofree char *start_text = g_strdup_printf ("%" G_GINT64_FORMAT, start);
  g_autofree char *window = kabar_store_organizer_get_state (sync->store, "calendar-window", error);
  g_autofree char *from = format_utc (start);
  g_autofree char *to = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GDateTime) start_time = g_date_time_new_from_unix_local (start);
  g_autoptr(GDateTime) end_time = g_date_time_add_days (start_time, KABAR_GRAPH_CALENDAR_DAYS);

  if (window == NULL && error != NULL && *error != NULL)
    return FALSE;
  /* A new day moves the window: its delta token is of the old one. */
  if (g_strcmp0 (window, start_text) != 0
      && (!kabar_store_organizer_set_state (sync->store, "calendar", NULL, error)
          || !kabar_store_organizer_set_state (sync->store, "calendar-window", start_text, error)))
    return FALSE;
  to = format_utc (g_date_time_to_unix (end_time));
  path = g_strdup_printf ("/me/calendarView/delta?startDateTime=%s&endDateTime=%s", from, to);
  if (!delta_round (&delta, "calendar", path, error))
    {
      g_prefix_error (error, "Could not update the calendar: ");
      return FALSE;
    }
  if (delta.changed)
    sync->changed |= KABAR_ORGANIZER_CALENDAR;
  return TRUE;
}

/* --- To Do ----------------------------------------------------------------------------------- */

static gboolean
put_task_lists (Delta      *delta,
                GPtrArray  *objects,
                GPtrArray  *removed,
                GError    **error)
{
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_task_list_free);

  for (guint i = 0; i < objects->len; i++)
    {
      KabarTaskList *list = kabar_graph_organizer_read_task_list (g_ptr_array_index (objects, i));

      if (list != NULL)
        g_ptr_array_add (lists, list);
    }
  return kabar_store_organizer_put_task_lists (delta->sync->store, lists, removed, error);
}

static gboolean
prune_task_lists (Delta   *delta,
                  GError **error)
{
  return kabar_store_organizer_prune_task_lists (delta->sync->store, delta->seen, error);
}

static gboolean
put_tasks (Delta      *delta,
           GPtrArray  *objects,
           GPtrArray  *removed,
           GError    **error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_task_free);
  g_autoptr(GArray) created = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < objects->len; i++)
    {
      gint64 when = 0;
      KabarTask *task = kabar_graph_organizer_read_task (g_ptr_array_index (objects, i), delta->scope, &when);

      if (task == NULL)
        continue;
      g_ptr_array_add (tasks, task);
      g_array_append_val (created, when);
    }
  return kabar_store_organizer_put_tasks (delta->sync->store, delta->scope, tasks, created, removed, error);
}

static gboolean
prune_tasks (Delta   *delta,
             GError **error)
{
  return kabar_store_organizer_prune_tasks (delta->sync->store, delta->scope, delta->seen, error);
}

static gboolean
sync_tasks_of (Sync        *sync,
               const char  *list_id,
               GError     **error)
{
  g_auto(Delta) delta = { sync, list_id, put_tasks, prune_tasks, FALSE, NULL, FALSE };
  g_autofree char *state = g_strconcat ("tasks/", list_id, NULL);
  g_autofree char *escaped = escape_id (list_id);
  g_autofree char *path = g_strdup_printf ("/me/todo/lists/%s/tasks/delta", escaped);
  g_autoptr(GError) local_error = NULL;

  if (!delta_round (&delta, state, path, &local_error))
    {
      /* Deleted since the lists' delta: the next one says so. */
      if (g_error_matches (local_error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (delta.changed)
    sync->changed |= KABAR_ORGANIZER_TASKS;
  return TRUE;
}

/* The task states of lists gone from the store. */
static gboolean
forget_task_lists (Sync       *sync,
                   GPtrArray  *lists,
                   GError    **error)
{
  g_auto(GStrv) states = kabar_store_organizer_list_states (sync->store, "tasks/", error);

  if (states == NULL)
    return FALSE;
  for (guint i = 0; states[i] != NULL; i++)
    {
      const char *list_id = states[i] + strlen ("tasks/");
      gboolean kept = FALSE;

      for (guint j = 0; j < lists->len && !kept; j++)
        kept = g_str_equal (((KabarTaskList *) g_ptr_array_index (lists, j))->id, list_id);
      if (!kept && !kabar_store_organizer_set_state (sync->store, states[i], NULL, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
sync_todo (Sync    *sync,
           GError **error)
{
  g_auto(Delta) delta = { sync, NULL, put_task_lists, prune_task_lists, FALSE, NULL, FALSE };
  g_autoptr(GPtrArray) lists = NULL;

  if (!delta_round (&delta, "task-lists", "/me/todo/lists/delta", error))
    {
      g_prefix_error (error, "Could not update the To Do lists: ");
      return FALSE;
    }
  if (delta.changed)
    sync->changed |= KABAR_ORGANIZER_TASKS;
  lists = kabar_store_organizer_list_task_lists (sync->store, error);
  if (lists == NULL || !forget_task_lists (sync, lists, error))
    return FALSE;
  for (guint i = 0; i < lists->len; i++)
    {
      KabarTaskList *list = g_ptr_array_index (lists, i);

      if (!sync_tasks_of (sync, list->id, error))
        {
          g_prefix_error (error, "Could not update the tasks of “%s”: ", list->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* --- the user's task changes ----------------------------------------------------------------- */

static JsonNode *
status_body (const KabarTask *task,
             gboolean         with_title)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  if (with_title)
    json_object_set_string_member (object, "title", task->title);
  json_object_set_string_member (object, "status", task->completed ? "completed" : "notStarted");
  json_node_set_object (node, object);
  return node;
}

static char *
tasks_path (const char *list_id)
{
  g_autofree char *escaped = escape_id (list_id);

  return g_strdup_printf ("/me/todo/lists/%s/tasks", escaped);
}

/* The task an earlier try added when its answer was lost: the list's
 * task of that title created since shortly before the try. */
static JsonObject *
find_added (Sync                   *sync,
            const KabarTaskChange  *change,
            GError                **error)
{
  g_autofree char *path = tasks_path (change->task->list_id);
  g_autoptr(GPtrArray) objects = get_all (sync, path, error);

  if (objects == NULL)
    return NULL;
  for (guint i = 0; i < objects->len; i++)
    {
      JsonObject *object = g_ptr_array_index (objects, i);
      gint64 created = kabar_graph_organizer_read_time (json_object_get_member (object, "createdDateTime"),
                                                        FALSE);

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "title", NULL),
                     change->task->title) == 0
          && created >= change->tried_at - CLOCK_SLACK)
        return json_object_ref (object);
    }
  return NULL;
}

/* The server's answer: the task it holds (its id), else NULL. */
static KabarTask *
send_add (Sync                   *sync,
          const KabarTaskChange  *change,
          GError                **error)
{
  g_autofree char *path = tasks_path (change->task->list_id);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonObject) found = NULL;

  if (change->tried_at != 0)
    {
      GError *local_error = NULL;

      found = find_added (sync, change, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
    }
  if (found != NULL)
    {
      KabarTask *task = kabar_graph_organizer_read_task (found, change->task->list_id, NULL);

      /* Added as it was then: the status the user gave since still goes. */
      if (task != NULL && task->completed != change->task->completed)
        {
          g_autofree char *escaped = escape_id (task->id);
          g_autofree char *task_path = g_strdup_printf ("%s/%s", path, escaped);
          g_autoptr(JsonNode) patched = request (sync, "PATCH", task_path, status_body (change->task, FALSE), error);

          if (patched == NULL)
            {
              kabar_task_free (task);
              return NULL;
            }
        }
      return task;
    }
  if (change->tried_at == 0
      && !kabar_store_organizer_note_task_tried (sync->store, change->task->id, now (), error))
    return NULL;
  answer = request (sync, "POST", path, status_body (change->task, TRUE), error);
  if (answer == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_set_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
                   "The server's answer to adding the task “%s” has no task", change->task->title);
      return NULL;
    }
  return kabar_graph_organizer_read_task (json_node_get_object (answer), change->task->list_id, NULL);
}

static gboolean
send_status (Sync                   *sync,
             const KabarTaskChange  *change,
             GError                **error)
{
  g_autofree char *list_path = tasks_path (change->task->list_id);
  g_autofree char *escaped = escape_id (change->task->id);
  g_autofree char *path = g_strdup_printf ("%s/%s", list_path, escaped);
  g_autoptr(JsonNode) answer = request (sync, "PATCH", path, status_body (change->task, FALSE), error);

  return answer != NULL;
}

/* The server said no, for good: the change goes; anything else (a cut,
 * a 5xx, a refused sign-in) keeps it for the next sync. */
static gboolean
is_refusal (const GError *error)
{
  return g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_REFUSED)
         || g_error_matches (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_NOT_FOUND);
}

static gboolean
send_change (Sync                   *sync,
             const KabarTaskChange  *change,
             GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KabarTask) server = NULL;
  gboolean sent;

  if (change->kind == KABAR_TASK_CHANGE_ADD)
    sent = (server = send_add (sync, change, &local_error)) != NULL;
  else
    sent = send_status (sync, change, &local_error);
  sync->changed |= KABAR_ORGANIZER_TASKS;
  if (sent)
    return kabar_store_organizer_task_change_done (sync->store, change->task->id, change->serial, server,
                                                   error);
  if (local_error == NULL)
    return TRUE;
  if (is_refusal (local_error))
    {
      g_debug ("Task change of “%s” refused: %s", change->task->title, local_error->message);
      return kabar_store_organizer_task_change_dropped (sync->store, change->task->id,
                                                        g_error_matches (local_error, KABAR_GRAPH_ERROR,
                                                                         KABAR_GRAPH_ERROR_NOT_FOUND),
                                                        error);
    }
  g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Could not %s the task “%s”: ",
                              change->kind == KABAR_TASK_CHANGE_ADD ? "add"
                              : change->task->completed ? "complete" : "reopen",
                              change->task->title);
  return FALSE;
}

static gboolean
send_task_changes (Sync    *sync,
                   GError **error)
{
  g_autoptr(GPtrArray) changes = kabar_store_organizer_list_task_changes (sync->store, error);

  if (changes == NULL)
    return FALSE;
  for (guint i = 0; i < changes->len; i++)
    if (!send_change (sync, g_ptr_array_index (changes, i), error))
      return FALSE;
  return TRUE;
}

gboolean
kabar_graph_sync_organizer (KabarGraphClient     *client,
                            KabarStore           *store,
                            KabarOrganizerParts  *changed,
                            GCancellable         *cancellable,
                            GError              **error)
{
  Sync sync = { client, store, cancellable, 0 };
  gboolean ok;

  g_return_val_if_fail (KABAR_IS_GRAPH_CLIENT (client), FALSE);
  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);

  ok = send_task_changes (&sync, error)
       && sync_contacts (&sync, error)
       && sync_calendar (&sync, error)
       && sync_todo (&sync, error);
  if (changed != NULL)
    *changed = sync.changed;
  return ok;
}
