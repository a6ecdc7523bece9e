/* kabar-graph-organizer-items.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Contacts, events, task lists and tasks read from Graph's JSON.
 */

#include "config.h"

#include "kabar-graph-organizer-private.h"

/* A string member, NULL when absent, null or empty. */
static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  const char *value;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  value = json_node_get_string (node);
  return value != NULL && *value != '\0' ? value : NULL;
}

static const char *
or_empty (const char *text)
{
  return text != NULL ? text : "";
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
get_boolean (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

/* The strings of an array member, and of the objects' member key (NULL:
 * the elements themselves), added to strings. */
static void
add_strings (GPtrArray  *strings,
             JsonObject *object,
             const char *name,
             const char *key)
{
  JsonNode *node = json_object_get_member (object, name);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *value = NULL;

      if (key != NULL && JSON_NODE_HOLDS_OBJECT (element))
        value = get_string (json_node_get_object (element), key);
      else if (key == NULL && json_node_get_value_type (element) == G_TYPE_STRING)
        value = json_node_get_string (element);
      if (value != NULL && *value != '\0')
        g_ptr_array_add (strings, g_strdup (value));
    }
}

static GStrv
strv_steal (GPtrArray *strings)
{
  g_ptr_array_add (strings, NULL);
  return (GStrv) g_ptr_array_free (strings, FALSE);
}

KabarContact *
kabar_graph_organizer_read_contact (JsonObject *object)
{
  const char *id = get_string (object, "id");
  GPtrArray *addresses = g_ptr_array_new ();
  GPtrArray *phones = g_ptr_array_new ();
  KabarContact *contact;
  const char *mobile;

  if (id == NULL)
    {
      g_ptr_array_unref (addresses);
      g_ptr_array_unref (phones);
      return NULL;
    }
  contact = g_new0 (KabarContact, 1);
  contact->id = g_strdup (id);
  add_strings (addresses, object, "emailAddresses", "address");
  mobile = get_string (object, "mobilePhone");
  if (mobile != NULL)
    g_ptr_array_add (phones, g_strdup (mobile));
  add_strings (phones, object, "businessPhones", NULL);
  add_strings (phones, object, "homePhones", NULL);
  contact->company = g_strdup (get_string (object, "companyName"));
  contact->job_title = g_strdup (get_string (object, "jobTitle"));
  /* Someone saved without a display name is still someone: by the parts
   * of the name, else the company, else the address. */
  contact->display_name = g_strdup (get_string (object, "displayName"));
  if (contact->display_name == NULL)
    contact->display_name = g_strstrip (g_strjoin (" ", or_empty (get_string (object, "givenName")),
                                                   or_empty (get_string (object, "surname")), NULL));
  if (*contact->display_name == '\0')
    {
      g_free (contact->display_name);
      contact->display_name = g_strdup (contact->company != NULL ? contact->company
                                        : addresses->len > 0 ? g_ptr_array_index (addresses, 0) : "");
    }
  contact->addresses = strv_steal (addresses);
  contact->phones = strv_steal (phones);
  return contact;
}

/* Graph's zone names are Windows' ("Pacific Standard Time") unless asked
 * for IANA ones; GLib knows IANA's, so an unknown name counts as UTC,
 * which is what the sync asks for. */
static GTimeZone *
zone_for (const char *name)
{
  GTimeZone *zone;

  if (name == NULL || g_ascii_strcasecmp (name, "UTC") == 0)
    return g_time_zone_new_utc ();
  zone = g_time_zone_new_identifier (name);
  return zone != NULL ? zone : g_time_zone_new_utc ();
}

gint64
kabar_graph_organizer_read_time (JsonNode *node,
                                 gboolean  date_only)
{
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) time = NULL;
  const char *text = NULL;
  const char *zone_name = NULL;

  if (node == NULL)
    return 0;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      text = get_string (json_node_get_object (node), "dateTime");
      zone_name = get_string (json_node_get_object (node), "timeZone");
    }
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    text = json_node_get_string (node);
  if (text == NULL)
    return 0;
  zone = zone_for (zone_name);
  time = g_date_time_new_from_iso8601 (text, zone);
  if (time == NULL)
    return 0;
  if (date_only)
    {
      g_autoptr(GDateTime) day = g_date_time_new_utc (g_date_time_get_year (time),
                                                      g_date_time_get_month (time),
                                                      g_date_time_get_day_of_month (time), 0, 0, 0);

      return g_date_time_to_unix (day);
    }
  return g_date_time_to_unix (time);
}

KabarEvent *
kabar_graph_organizer_read_event (JsonObject *object)
{
  const char *id = get_string (object, "id");
  JsonObject *organizer = get_object (get_object (object, "organizer"), "emailAddress");
  KabarEvent *event;

  if (id == NULL)
    return NULL;
  event = g_new0 (KabarEvent, 1);
  event->id = g_strdup (id);
  event->subject = g_strdup (or_empty (get_string (object, "subject")));
  event->location = g_strdup (get_string (get_object (object, "location"), "displayName"));
  event->organizer = g_strdup (get_string (organizer, "name") != NULL ? get_string (organizer, "name")
                               : get_string (organizer, "address"));
  event->all_day = get_boolean (object, "isAllDay");
  event->cancelled = get_boolean (object, "isCancelled");
  /* An all-day event's dates are days, whatever zone they come in. */
  event->start = kabar_graph_organizer_read_time (json_object_get_member (object, "start"), event->all_day);
  event->end = kabar_graph_organizer_read_time (json_object_get_member (object, "end"), event->all_day);
  if (event->end < event->start)
    event->end = event->start;
  return event;
}

KabarTaskList *
kabar_graph_organizer_read_task_list (JsonObject *object)
{
  const char *id = get_string (object, "id");
  KabarTaskList *list;

  if (id == NULL)
    return NULL;
  list = g_new0 (KabarTaskList, 1);
  list->id = g_strdup (id);
  list->name = g_strdup (or_empty (get_string (object, "displayName")));
  list->is_default = g_strcmp0 (get_string (object, "wellknownListName"), "defaultList") == 0;
  return list;
}

KabarTask *
kabar_graph_organizer_read_task (JsonObject *object,
                                 const char *list_id,
                                 gint64     *created)
{
  const char *id = get_string (object, "id");
  KabarTask *task;

  if (id == NULL)
    return NULL;
  task = g_new0 (KabarTask, 1);
  task->id = g_strdup (id);
  task->list_id = g_strdup (list_id);
  task->title = g_strdup (or_empty (get_string (object, "title")));
  task->completed = g_strcmp0 (get_string (object, "status"), "completed") == 0;
  task->important = g_strcmp0 (get_string (object, "importance"), "high") == 0;
  task->due = kabar_graph_organizer_read_time (json_object_get_member (object, "dueDateTime"), TRUE);
  if (task->completed)
    task->completed_at = kabar_graph_organizer_read_time (json_object_get_member (object, "completedDateTime"),
                                                          FALSE);
  if (created != NULL)
    *created = kabar_graph_organizer_read_time (json_object_get_member (object, "createdDateTime"), FALSE);
  return task;
}
