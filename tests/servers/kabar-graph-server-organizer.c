/* kabar-graph-server-organizer.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Graph test server's contacts, calendar and To Do: delta
 * collections of the documented JSON shapes, and the task changes.
 */

#include "kabar-graph-server-organizer.h"
#include "kabar-graph-server-private.h"

#define DATA_KEY "organizer"

typedef struct
{
  char            *id;
  char            *name;
  KabarGraphDelta *contacts;
} ContactFolder;

typedef struct
{
  KabarGraphServer *server;
  KabarGraphDelta  *contacts;   /* the default folder */
  GHashTable       *folders;    /* id -> ContactFolder */
  GPtrArray        *folder_order;
  GHashTable       *contact_folder; /* contact id -> folder id ("" default) */
  KabarGraphDelta  *events;
  KabarGraphDelta  *lists;
  GHashTable       *tasks;      /* list id -> KabarGraphDelta */
  GHashTable       *task_list;  /* task id -> list id */
} Organizer;

static void
contact_folder_free (ContactFolder *folder)
{
  g_free (folder->id);
  g_free (folder->name);
  kabar_graph_delta_free (folder->contacts);
  g_free (folder);
}

static void
organizer_free (Organizer *organizer)
{
  kabar_graph_delta_free (organizer->contacts);
  g_hash_table_unref (organizer->folders);
  g_ptr_array_unref (organizer->folder_order);
  g_hash_table_unref (organizer->contact_folder);
  kabar_graph_delta_free (organizer->events);
  kabar_graph_delta_free (organizer->lists);
  g_hash_table_unref (organizer->tasks);
  g_hash_table_unref (organizer->task_list);
  g_free (organizer);
}

/* Under the lock. */
static Organizer *
organizer_of (KabarGraphServer *self)
{
  return kabar_graph_server_get_data (self, DATA_KEY);
}

static JsonNode *
string_array (const char * const *strings)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; strings != NULL && strings[i] != NULL; i++)
    json_array_add_string_element (array, strings[i]);
  json_node_take_array (node, array);
  return node;
}

/* A deep copy to change: what the delta holds stays as it was served. */
static JsonObject *
copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autoptr(JsonNode) copy = json_node_copy (node);

  return json_object_ref (json_node_get_object (copy));
}

static JsonObject *
date_time_object (gint64 time)
{
  g_autoptr(GDateTime) date_time = g_date_time_new_from_unix_utc (time);
  g_autofree char *text = g_date_time_format (date_time, "%Y-%m-%dT%H:%M:%S.0000000");
  JsonObject *object = json_object_new ();

  /* Graph's own form: seven fraction digits, no zone in the string. */
  json_object_set_string_member (object, "dateTime", text);
  json_object_set_string_member (object, "timeZone", "UTC");
  return object;
}

/* --- routes ------------------------------------------------------------------------------ */

static void
method_not_allowed (KabarGraphResponse *response)
{
  kabar_graph_response_set_error (response, 405, "Request_BadRequest", "The method is not allowed here.");
}

static void
not_found (KabarGraphResponse *response)
{
  kabar_graph_response_set_error (response, 404, "ErrorItemNotFound",
                                  "The specified object was not found in the store.");
}

static gboolean
route_contacts (KabarGraphServer        *self,
                Organizer               *organizer,
                const KabarGraphRequest *request,
                KabarGraphResponse      *response)
{
  char **segments = request->segments;
  guint n = request->n_segments;

  if (g_str_equal (segments[1], "contacts") && n == 3 && g_str_equal (segments[2], "delta"))
    {
      kabar_graph_delta_answer (organizer->contacts, request, NULL, NULL, response);
      return TRUE;
    }
  if (!g_str_equal (segments[1], "contactFolders"))
    return FALSE;
  if (n == 2)
    {
      GPtrArray *items = g_ptr_array_new ();

      for (guint i = 0; i < organizer->folder_order->len; i++)
        {
          ContactFolder *folder = g_ptr_array_index (organizer->folder_order, i);
          JsonObject *item = json_object_new ();

          json_object_set_string_member (item, "id", folder->id);
          json_object_set_string_member (item, "displayName", folder->name);
          json_object_set_string_member (item, "parentFolderId", "AAMkADcontactsroot");
          g_ptr_array_add (items, item);
        }
      kabar_graph_server_answer_collection (self, request, items, response);
      return TRUE;
    }
  if (n == 5 && g_str_equal (segments[3], "contacts") && g_str_equal (segments[4], "delta"))
    {
      ContactFolder *folder = g_hash_table_lookup (organizer->folders, segments[2]);

      if (folder == NULL)
        not_found (response);
      else
        kabar_graph_delta_answer (folder->contacts, request, NULL, NULL, response);
      return TRUE;
    }
  return FALSE;
}

/* An event shows in a window it overlaps. */
static gboolean
event_in_window (JsonObject *item,
                 GHashTable *query,
                 gpointer    data)
{
  const char *from = g_hash_table_lookup (query, "startDateTime");
  const char *to = g_hash_table_lookup (query, "endDateTime");
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) window_start = from != NULL ? g_date_time_new_from_iso8601 (from, utc) : NULL;
  g_autoptr(GDateTime) window_end = to != NULL ? g_date_time_new_from_iso8601 (to, utc) : NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;

  if (window_start == NULL || window_end == NULL)
    return FALSE;
  start = g_date_time_new_from_iso8601 (json_object_get_string_member (
                                          json_object_get_object_member (item, "start"), "dateTime"), utc);
  end = g_date_time_new_from_iso8601 (json_object_get_string_member (
                                        json_object_get_object_member (item, "end"), "dateTime"), utc);
  return g_date_time_compare (end, window_start) > 0 && g_date_time_compare (start, window_end) < 0;
}

static gboolean
route_calendar (Organizer               *organizer,
                const KabarGraphRequest *request,
                KabarGraphResponse      *response)
{
  gboolean continued = g_hash_table_contains (request->query, "$deltatoken")
                       || g_hash_table_contains (request->query, "$skiptoken");

  if (request->n_segments != 3 || !g_str_equal (request->segments[1], "calendarView")
      || !g_str_equal (request->segments[2], "delta"))
    return FALSE;
  if (!g_str_equal (request->method, "GET"))
    method_not_allowed (response);
  else if (!continued && (!g_hash_table_contains (request->query, "startDateTime")
                          || !g_hash_table_contains (request->query, "endDateTime")))
    kabar_graph_response_set_error (response, 400, "ErrorInvalidParameter",
                                    "This request requires a time window specified by the query string "
                                    "parameters StartDateTime and EndDateTime.");
  else
    kabar_graph_delta_answer (organizer->events, request, event_in_window, NULL, response);
  return TRUE;
}

static JsonObject *
new_task (KabarGraphServer *self,
          const char       *title,
          gboolean          completed,
          gboolean          important,
          gint64            due)
{
  JsonObject *task = json_object_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *created = kabar_graph_format_time (now);
  g_autofree char *id = kabar_graph_server_new_id (self);

  json_object_set_string_member (task, "@odata.etag", "W/\"1\"");
  json_object_set_string_member (task, "id", id);
  json_object_set_string_member (task, "title", title);
  json_object_set_string_member (task, "status", completed ? "completed" : "notStarted");
  json_object_set_string_member (task, "importance", important ? "high" : "normal");
  json_object_set_string_member (task, "createdDateTime", created);
  json_object_set_string_member (task, "lastModifiedDateTime", created);
  if (due != 0)
    json_object_set_object_member (task, "dueDateTime", date_time_object (due));
  if (completed)
    json_object_set_object_member (task, "completedDateTime", date_time_object (now));
  return task;
}

/* Puts a copy of task (the delta takes it). */
static void
put_task (Organizer  *organizer,
          const char *list_id,
          JsonObject *task)
{
  KabarGraphDelta *tasks = g_hash_table_lookup (organizer->tasks, list_id);

  g_hash_table_replace (organizer->task_list, g_strdup (json_object_get_string_member (task, "id")),
                        g_strdup (list_id));
  kabar_graph_delta_put (tasks, json_object_ref (task));
}

static void
set_status (JsonObject *task,
            const char *status)
{
  gboolean completed = g_str_equal (status, "completed");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *modified = kabar_graph_format_time (now);

  json_object_set_string_member (task, "status", status);
  json_object_set_string_member (task, "lastModifiedDateTime", modified);
  if (completed && !json_object_has_member (task, "completedDateTime"))
    json_object_set_object_member (task, "completedDateTime", date_time_object (now));
  else if (!completed)
    json_object_remove_member (task, "completedDateTime");
}

static void
post_task (KabarGraphServer        *self,
           Organizer               *organizer,
           const char              *list_id,
           const KabarGraphRequest *request,
           KabarGraphResponse      *response)
{
  JsonObject *body = request->json != NULL && JSON_NODE_HOLDS_OBJECT (request->json)
                     ? json_node_get_object (request->json) : NULL;
  const char *title = body != NULL ? json_object_get_string_member_with_default (body, "title", NULL) : NULL;
  const char *status = body != NULL ? json_object_get_string_member_with_default (body, "status", NULL) : NULL;
  JsonObject *task;

  if (title == NULL)
    {
      kabar_graph_response_set_error (response, 400, "invalidRequest", "Invalid request body: title is missing.");
      return;
    }
  task = new_task (self, title, FALSE, FALSE, 0);
  if (status != NULL)
    set_status (task, status);
  put_task (organizer, list_id, task);
  kabar_graph_response_set_object (response, 201, task);
}

static void
patch_task (Organizer               *organizer,
            const char              *list_id,
            JsonObject              *task,
            const KabarGraphRequest *request,
            KabarGraphResponse      *response)
{
  JsonObject *body = request->json != NULL && JSON_NODE_HOLDS_OBJECT (request->json)
                     ? json_node_get_object (request->json) : NULL;
  g_autoptr(JsonObject) changed = NULL;
  const char *status;

  if (body == NULL)
    {
      kabar_graph_response_set_error (response, 400, "invalidRequest", "Invalid request body.");
      return;
    }
  changed = copy_object (task);
  status = json_object_get_string_member_with_default (body, "status", NULL);
  if (status != NULL)
    set_status (changed, status);
  if (json_object_has_member (body, "title"))
    json_object_set_string_member (changed, "title", json_object_get_string_member (body, "title"));
  if (json_object_has_member (body, "importance"))
    json_object_set_string_member (changed, "importance", json_object_get_string_member (body, "importance"));
  put_task (organizer, list_id, changed);
  kabar_graph_response_set_object (response, 200, json_object_ref (changed));
}

static gboolean
route_list_tasks (KabarGraphServer        *self,
                  Organizer               *organizer,
                  const KabarGraphRequest *request,
                  KabarGraphResponse      *response)
{
  char **segments = request->segments;
  guint n = request->n_segments;
  const char *method = request->method;
  KabarGraphDelta *tasks = g_hash_table_lookup (organizer->tasks, segments[3]);
  JsonObject *task;

  if (tasks == NULL)
    {
      not_found (response);
      return TRUE;
    }
  if (n == 6 && g_str_equal (segments[5], "delta") && g_str_equal (method, "GET"))
    kabar_graph_delta_answer (tasks, request, NULL, NULL, response);
  else if (n == 5 && g_str_equal (method, "GET"))
    {
      g_autoptr(GPtrArray) ids = kabar_graph_delta_list (tasks);
      GPtrArray *items = g_ptr_array_new ();

      for (guint i = 0; i < ids->len; i++)
        g_ptr_array_add (items, json_object_ref (kabar_graph_delta_get (tasks, g_ptr_array_index (ids, i))));
      kabar_graph_server_answer_collection (self, request, items, response);
    }
  else if (n == 5 && g_str_equal (method, "POST"))
    post_task (self, organizer, segments[3], request, response);
  else if (n == 6 && (task = kabar_graph_delta_get (tasks, segments[5])) == NULL)
    not_found (response);
  else if (n == 6 && g_str_equal (method, "GET"))
    kabar_graph_response_set_object (response, 200, json_object_ref (task));
  else if (n == 6 && g_str_equal (method, "PATCH"))
    patch_task (organizer, segments[3], task, request, response);
  else if (n == 6)
    method_not_allowed (response);
  else
    return FALSE;
  return TRUE;
}

static gboolean
route_todo (KabarGraphServer        *self,
            Organizer               *organizer,
            const KabarGraphRequest *request,
            KabarGraphResponse      *response)
{
  char **segments = request->segments;
  guint n = request->n_segments;

  if (n < 3 || !g_str_equal (segments[1], "todo") || !g_str_equal (segments[2], "lists"))
    return FALSE;
  if (n == 4 && g_str_equal (segments[3], "delta") && g_str_equal (request->method, "GET"))
    kabar_graph_delta_answer (organizer->lists, request, NULL, NULL, response);
  else if (n == 3 && g_str_equal (request->method, "GET"))
    {
      g_autoptr(GPtrArray) ids = kabar_graph_delta_list (organizer->lists);
      GPtrArray *items = g_ptr_array_new ();

      for (guint i = 0; i < ids->len; i++)
        g_ptr_array_add (items, json_object_ref (kabar_graph_delta_get (organizer->lists,
                                                                        g_ptr_array_index (ids, i))));
      kabar_graph_server_answer_collection (self, request, items, response);
    }
  else if (n >= 5 && g_str_equal (segments[4], "tasks"))
    return route_list_tasks (self, organizer, request, response);
  else
    return FALSE;
  return TRUE;
}

static gboolean
route_organizer (KabarGraphServer        *self,
                 const KabarGraphRequest *request,
                 KabarGraphResponse      *response,
                 gpointer                 data)
{
  Organizer *organizer = organizer_of (self);

  if (request->n_segments < 2 || !g_str_equal (request->segments[0], "me"))
    return FALSE;
  return route_contacts (self, organizer, request, response)
         || route_calendar (organizer, request, response)
         || route_todo (self, organizer, request, response);
}

void
kabar_graph_server_organizer_init (KabarGraphServer *self)
{
  Organizer *organizer = g_new0 (Organizer, 1);

  organizer->server = self;
  organizer->contacts = kabar_graph_delta_new (self);
  organizer->folders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) contact_folder_free);
  organizer->folder_order = g_ptr_array_new ();
  organizer->contact_folder = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  organizer->events = kabar_graph_delta_new (self);
  organizer->lists = kabar_graph_delta_new (self);
  organizer->tasks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) kabar_graph_delta_free);
  organizer->task_list = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  kabar_graph_server_set_data (self, DATA_KEY, organizer, (GDestroyNotify) organizer_free);
  kabar_graph_server_add_route (self, route_organizer, NULL);
}

/* --- the model, from another device ------------------------------------------------------- */

char *
kabar_graph_server_add_contact_folder (KabarGraphServer *self,
                                       const char       *name)
{
  ContactFolder *folder = g_new0 (ContactFolder, 1);
  Organizer *organizer;
  char *id;

  kabar_graph_server_lock (self);
  organizer = organizer_of (self);
  folder->id = kabar_graph_server_new_id (self);
  folder->name = g_strdup (name);
  folder->contacts = kabar_graph_delta_new (self);
  g_hash_table_insert (organizer->folders, folder->id, folder);
  g_ptr_array_add (organizer->folder_order, folder);
  id = g_strdup (folder->id);
  kabar_graph_server_unlock (self);
  return id;
}

gboolean
kabar_graph_server_remove_contact_folder (KabarGraphServer *self,
                                          const char       *folder_id)
{
  Organizer *organizer;
  ContactFolder *folder;

  kabar_graph_server_lock (self);
  organizer = organizer_of (self);
  folder = g_hash_table_lookup (organizer->folders, folder_id);
  if (folder != NULL)
    {
      g_ptr_array_remove (organizer->folder_order, folder);
      g_hash_table_remove (organizer->folders, folder_id);
    }
  kabar_graph_server_unlock (self);
  return folder != NULL;
}

/* Under the lock: the delta holding the contact, or NULL. */
static KabarGraphDelta *
contact_delta (Organizer  *organizer,
               const char *contact_id)
{
  const char *folder_id = g_hash_table_lookup (organizer->contact_folder, contact_id);
  ContactFolder *folder;

  if (folder_id == NULL)
    return NULL;
  if (*folder_id == '\0')
    return organizer->contacts;
  folder = g_hash_table_lookup (organizer->folders, folder_id);
  return folder != NULL ? folder->contacts : NULL;
}

char *
kabar_graph_server_add_contact (KabarGraphServer   *self,
                                const char         *folder_id,
                                const char         *display_name,
                                const char         *company,
                                const char * const *addresses,
                                const char * const *phones)
{
  JsonObject *contact = json_object_new ();
  JsonArray *emails = json_array_new ();
  g_auto(GStrv) names = g_strsplit (display_name, " ", 2);
  KabarGraphDelta *delta = NULL;
  Organizer *organizer;
  char *id;

  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    {
      JsonObject *email = json_object_new ();

      json_object_set_string_member (email, "name", display_name);
      json_object_set_string_member (email, "address", addresses[i]);
      json_array_add_object_element (emails, email);
    }
  kabar_graph_server_lock (self);
  organizer = organizer_of (self);
  if (folder_id == NULL)
    delta = organizer->contacts;
  else if (g_hash_table_contains (organizer->folders, folder_id))
    delta = ((ContactFolder *) g_hash_table_lookup (organizer->folders, folder_id))->contacts;
  g_assert (delta != NULL);
  id = kabar_graph_server_new_id (self);
  json_object_set_string_member (contact, "id", id);
  json_object_set_string_member (contact, "displayName", display_name);
  json_object_set_string_member (contact, "givenName", names[0]);
  json_object_set_string_member (contact, "surname", names[0] != NULL && names[1] != NULL ? names[1] : "");
  if (company != NULL)
    json_object_set_string_member (contact, "companyName", company);
  else
    json_object_set_null_member (contact, "companyName");
  json_object_set_null_member (contact, "jobTitle");
  json_object_set_array_member (contact, "emailAddresses", emails);
  json_object_set_member (contact, "businessPhones", string_array (phones));
  json_object_set_null_member (contact, "mobilePhone");
  json_object_set_member (contact, "homePhones", string_array (NULL));
  g_hash_table_replace (organizer->contact_folder, g_strdup (id), g_strdup (folder_id != NULL ? folder_id : ""));
  kabar_graph_delta_put (delta, contact);
  kabar_graph_server_unlock (self);
  return id;
}

gboolean
kabar_graph_server_rename_contact (KabarGraphServer *self,
                                   const char       *contact_id,
                                   const char       *display_name)
{
  KabarGraphDelta *delta;
  JsonObject *contact = NULL;

  kabar_graph_server_lock (self);
  delta = contact_delta (organizer_of (self), contact_id);
  if (delta != NULL && (contact = kabar_graph_delta_get (delta, contact_id)) != NULL)
    {
      JsonObject *changed = copy_object (contact);

      json_object_set_string_member (changed, "displayName", display_name);
      kabar_graph_delta_put (delta, changed);
    }
  kabar_graph_server_unlock (self);
  return contact != NULL;
}

gboolean
kabar_graph_server_remove_contact (KabarGraphServer *self,
                                   const char       *contact_id)
{
  KabarGraphDelta *delta;
  gboolean removed = FALSE;

  kabar_graph_server_lock (self);
  delta = contact_delta (organizer_of (self), contact_id);
  if (delta != NULL)
    removed = kabar_graph_delta_remove (delta, contact_id);
  kabar_graph_server_unlock (self);
  return removed;
}

char *
kabar_graph_server_add_event (KabarGraphServer *self,
                              const char       *subject,
                              const char       *location,
                              const char       *organizer_name,
                              const char       *organizer_address,
                              gint64            start,
                              gint64            end,
                              gboolean          all_day)
{
  JsonObject *event = json_object_new ();
  JsonObject *place = json_object_new ();
  JsonObject *organizer = json_object_new ();
  JsonObject *address = json_object_new ();
  char *id;

  json_object_set_string_member (event, "subject", subject);
  json_object_set_object_member (event, "start", date_time_object (start));
  json_object_set_object_member (event, "end", date_time_object (end));
  json_object_set_boolean_member (event, "isAllDay", all_day);
  json_object_set_boolean_member (event, "isCancelled", FALSE);
  json_object_set_string_member (place, "displayName", location != NULL ? location : "");
  json_object_set_object_member (event, "location", place);
  json_object_set_string_member (address, "name", organizer_name != NULL ? organizer_name : "");
  json_object_set_string_member (address, "address", organizer_address != NULL ? organizer_address : "");
  json_object_set_object_member (organizer, "emailAddress", address);
  json_object_set_object_member (event, "organizer", organizer);
  kabar_graph_server_lock (self);
  id = kabar_graph_server_new_id (self);
  json_object_set_string_member (event, "id", id);
  kabar_graph_delta_put (organizer_of (self)->events, event);
  kabar_graph_server_unlock (self);
  return id;
}

gboolean
kabar_graph_server_cancel_event (KabarGraphServer *self,
                                 const char       *event_id)
{
  JsonObject *event;

  kabar_graph_server_lock (self);
  event = kabar_graph_delta_get (organizer_of (self)->events, event_id);
  if (event != NULL)
    {
      JsonObject *changed = copy_object (event);

      json_object_set_boolean_member (changed, "isCancelled", TRUE);
      kabar_graph_delta_put (organizer_of (self)->events, changed);
    }
  kabar_graph_server_unlock (self);
  return event != NULL;
}

gboolean
kabar_graph_server_remove_event (KabarGraphServer *self,
                                 const char       *event_id)
{
  gboolean removed;

  kabar_graph_server_lock (self);
  removed = kabar_graph_delta_remove (organizer_of (self)->events, event_id);
  kabar_graph_server_unlock (self);
  return removed;
}

char *
kabar_graph_server_add_task_list (KabarGraphServer *self,
                                  const char       *name,
                                  gboolean          is_default)
{
  JsonObject *list = json_object_new ();
  Organizer *organizer;
  char *id;

  json_object_set_string_member (list, "displayName", name);
  json_object_set_boolean_member (list, "isOwner", TRUE);
  json_object_set_boolean_member (list, "isShared", FALSE);
  json_object_set_string_member (list, "wellknownListName", is_default ? "defaultList" : "none");
  kabar_graph_server_lock (self);
  organizer = organizer_of (self);
  id = kabar_graph_server_new_id (self);
  json_object_set_string_member (list, "id", id);
  g_hash_table_insert (organizer->tasks, g_strdup (id), kabar_graph_delta_new (self));
  kabar_graph_delta_put (organizer->lists, list);
  kabar_graph_server_unlock (self);
  return id;
}

gboolean
kabar_graph_server_remove_task_list (KabarGraphServer *self,
                                     const char       *list_id)
{
  Organizer *organizer;
  gboolean removed;

  kabar_graph_server_lock (self);
  organizer = organizer_of (self);
  removed = kabar_graph_delta_remove (organizer->lists, list_id);
  g_hash_table_remove (organizer->tasks, list_id);
  kabar_graph_server_unlock (self);
  return removed;
}

char *
kabar_graph_server_add_task (KabarGraphServer *self,
                             const char       *list_id,
                             const char       *title,
                             gboolean          completed,
                             gboolean          important,
                             gint64            due)
{
  Organizer *organizer;
  JsonObject *task;
  char *id = NULL;

  kabar_graph_server_lock (self);
  organizer = organizer_of (self);
  if (g_hash_table_contains (organizer->tasks, list_id))
    {
      task = new_task (self, title, completed, important, due);
      id = g_strdup (json_object_get_string_member (task, "id"));
      put_task (organizer, list_id, task);
      json_object_unref (task);
    }
  kabar_graph_server_unlock (self);
  return id;
}

/* Under the lock: the task and its list's delta, or NULL. */
static JsonObject *
find_task (Organizer        *organizer,
           const char       *task_id,
           KabarGraphDelta **delta,
           const char      **list_id)
{
  *list_id = g_hash_table_lookup (organizer->task_list, task_id);
  *delta = *list_id != NULL ? g_hash_table_lookup (organizer->tasks, *list_id) : NULL;
  return *delta != NULL ? kabar_graph_delta_get (*delta, task_id) : NULL;
}

gboolean
kabar_graph_server_set_task_completed (KabarGraphServer *self,
                                       const char       *task_id,
                                       gboolean          completed)
{
  KabarGraphDelta *delta;
  const char *list_id;
  JsonObject *task;

  kabar_graph_server_lock (self);
  task = find_task (organizer_of (self), task_id, &delta, &list_id);
  if (task != NULL)
    {
      JsonObject *changed = copy_object (task);

      set_status (changed, completed ? "completed" : "notStarted");
      kabar_graph_delta_put (delta, changed);
    }
  kabar_graph_server_unlock (self);
  return task != NULL;
}

gboolean
kabar_graph_server_remove_task (KabarGraphServer *self,
                                const char       *task_id)
{
  KabarGraphDelta *delta;
  const char *list_id;
  gboolean removed = FALSE;

  kabar_graph_server_lock (self);
  if (find_task (organizer_of (self), task_id, &delta, &list_id) != NULL)
    removed = kabar_graph_delta_remove (delta, task_id);
  kabar_graph_server_unlock (self);
  return removed;
}

JsonObject *
kabar_graph_server_get_task (KabarGraphServer *self,
                             const char       *task_id)
{
  KabarGraphDelta *delta;
  const char *list_id;
  JsonObject *task;
  JsonObject *copy = NULL;

  kabar_graph_server_lock (self);
  task = find_task (organizer_of (self), task_id, &delta, &list_id);
  if (task != NULL)
    copy = copy_object (task);
  kabar_graph_server_unlock (self);
  return copy;
}

GPtrArray *
kabar_graph_server_list_tasks (KabarGraphServer *self,
                               const char       *list_id)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  KabarGraphDelta *tasks;

  kabar_graph_server_lock (self);
  tasks = g_hash_table_lookup (organizer_of (self)->tasks, list_id);
  if (tasks != NULL)
    {
      g_autoptr(GPtrArray) present = kabar_graph_delta_list (tasks);

      for (guint i = 0; i < present->len; i++)
        g_ptr_array_add (ids, g_strdup (g_ptr_array_index (present, i)));
    }
  kabar_graph_server_unlock (self);
  return ids;
}

guint
kabar_graph_server_count_tasks_titled (KabarGraphServer *self,
                                       const char       *list_id,
                                       const char       *title)
{
  g_autoptr(GPtrArray) ids = kabar_graph_server_list_tasks (self, list_id);
  guint count = 0;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) task = kabar_graph_server_get_task (self, g_ptr_array_index (ids, i));

      if (task != NULL && g_strcmp0 (json_object_get_string_member (task, "title"), title) == 0)
        count++;
    }
  return count;
}
