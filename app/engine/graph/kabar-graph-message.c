/* kabar-graph-message.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Graph message resource (JSON) as the store's summary. What a server
 * sends is not trusted: every property may be missing, of another type or
 * of any length.
 */

#include "config.h"

#include <gmime/gmime.h>
#include <string.h>

#include "kabar-graph-message.h"
#include "kabar-mime.h"

/* Longer text is cut: a subject or a name of this size is no longer one a
 * user reads, and the list must not carry megabytes a row. */
#define TEXT_MAX       4096
#define ADDRESSES_MAX  65536
#define PREVIEW_MAX    1024
#define MESSAGE_ID_MAX 998

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  if (object == NULL || !json_object_has_member (object, name))
    return NULL;
  return json_object_get_member (object, name);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
get_boolean (JsonObject *object,
             const char *name)
{
  JsonNode *node = get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN
         && json_node_get_boolean (node);
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* A copy of text cut to at most max bytes at a character boundary; NULL
 * for NULL or empty text. */
static char *
dup_cut (const char *text,
         gsize       max)
{
  const char *end;

  if (text == NULL || *text == '\0')
    return NULL;
  if (strlen (text) <= max)
    return g_strdup (text);
  end = g_utf8_find_prev_char (text, text + max + 1);
  return g_strndup (text, end != NULL ? (gsize) (end - text) : 0);
}

/* An ISO 8601 date as unix seconds; 0 when missing or unreadable. */
static gint64
get_date (JsonObject *object,
          const char *name)
{
  const char *text = get_string (object, name);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) date = NULL;

  if (text == NULL || strlen (text) > 64)
    return 0;
  date = g_date_time_new_from_iso8601 (text, utc);
  return date != NULL ? g_date_time_to_unix (date) : 0;
}

/* {"emailAddress": {"name", "address"}} as a mailbox; NULL without an
 * address or a name. */
static InternetAddress *
recipient_to_address (JsonNode *node)
{
  JsonObject *email;
  const char *name, *address;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  email = get_object (json_node_get_object (node), "emailAddress");
  name = get_string (email, "name");
  address = get_string (email, "address");
  if ((name == NULL || *name == '\0') && (address == NULL || *address == '\0'))
    return NULL;
  return internet_address_mailbox_new (name != NULL && *name != '\0' ? name : NULL,
                                       address != NULL ? address : "");
}

static char *
get_recipients (JsonObject *object,
                const char *name)
{
  JsonNode *node = get_member (object, name);
  InternetAddressList *list;
  g_autofree char *text = NULL;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  /* GMime formats addresses only once it is set up. */
  kabar_mime_get_parser_options ();
  list = internet_address_list_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      InternetAddress *address = recipient_to_address (json_array_get_element (array, i));

      if (address == NULL)
        continue;
      internet_address_list_add (list, address);
      g_object_unref (address);
    }
  if (internet_address_list_length (list) > 0)
    text = internet_address_list_to_string (list, NULL, FALSE);
  g_object_unref (list);
  /* A cut list would end in half an address: past the limit, none. */
  if (text == NULL || strlen (text) > ADDRESSES_MAX)
    return NULL;
  return g_steal_pointer (&text);
}

static void
fill_from (KabarMessageSummary *summary,
           JsonObject          *message)
{
  JsonObject *email = get_object (get_object (message, "from"), "emailAddress");

  summary->from_name = dup_cut (get_string (email, "name"), TEXT_MAX);
  summary->from_address = dup_cut (get_string (email, "address"), TEXT_MAX);
}

static KabarMessageFlags
get_flags (JsonObject *message)
{
  KabarMessageFlags flags = KABAR_MESSAGE_FLAG_NONE;

  if (get_boolean (message, "isRead"))
    flags |= KABAR_MESSAGE_FLAG_SEEN;
  if (get_boolean (message, "isDraft"))
    flags |= KABAR_MESSAGE_FLAG_DRAFT;
  if (g_strcmp0 (get_string (get_object (message, "flag"), "flagStatus"), "flagged") == 0)
    flags |= KABAR_MESSAGE_FLAG_FLAGGED;
  return flags;
}

static guint64
get_size (JsonObject *message)
{
  JsonNode *node = get_member (message, "size");
  gint64 size;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  size = json_node_get_int (node);
  return size > 0 ? (guint64) size : 0;
}

/* "<id@host>" without spaces or controls: what the store can thread by. */
static char *
get_message_id (JsonObject *message)
{
  const char *id = get_string (message, "internetMessageId");

  if (id == NULL || *id == '\0' || strlen (id) > MESSAGE_ID_MAX)
    return NULL;
  for (const char *p = id; *p != '\0'; p++)
    if ((guchar) *p <= ' ')
      return NULL;
  return g_strdup (id);
}

KabarMessageSummary *
kabar_graph_message_to_summary (JsonObject *message)
{
  KabarMessageSummary *summary = kabar_message_summary_new ();

  if (message == NULL)
    return summary;
  summary->flags = get_flags (message);
  summary->internal_date = get_date (message, "receivedDateTime");
  summary->date = get_date (message, "sentDateTime");
  if (summary->date == 0)
    summary->date = summary->internal_date;
  if (summary->internal_date == 0)
    summary->internal_date = summary->date;
  summary->size = get_size (message);
  summary->subject = dup_cut (get_string (message, "subject"), TEXT_MAX);
  fill_from (summary, message);
  summary->to = get_recipients (message, "toRecipients");
  summary->cc = get_recipients (message, "ccRecipients");
  summary->message_id = get_message_id (message);
  summary->has_attachments = get_boolean (message, "hasAttachments");
  summary->preview = dup_cut (get_string (message, "bodyPreview"), PREVIEW_MAX);
  return summary;
}

const char *
kabar_graph_message_get_id (JsonObject *message)
{
  const char *id = get_string (message, "id");

  if (id == NULL || *id == '\0' || strlen (id) > KABAR_GRAPH_MESSAGE_ID_MAX)
    return NULL;
  return id;
}

gboolean
kabar_graph_message_is_removed (JsonObject *message)
{
  return get_member (message, "@removed") != NULL;
}
