/* kabar-graph-send.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending by sendMail, and finding out afterwards whether a message whose
 * answer never came went: the server files what it sends in Sent Items.
 */

#include "config.h"

#include "kabar-graph-send.h"
#include "kabar-graph-wait.h"

static GBytes *
base64_of (GBytes *mime)
{
  gsize length = 0;
  const guchar *data = g_bytes_get_data (mime, &length);
  char *encoded = g_base64_encode (data, length);

  return g_bytes_new_take (encoded, strlen (encoded));
}

gboolean
kabar_graph_send_message (KabarGraphClient  *client,
                          GBytes            *mime,
                          GCancellable      *cancellable,
                          GError           **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) answer = NULL;

  g_return_val_if_fail (KABAR_IS_GRAPH_CLIENT (client), FALSE);
  g_return_val_if_fail (mime != NULL, FALSE);

  body = base64_of (mime);
  answer = kabar_graph_wait_post_bytes (client, "/me/sendMail", "text/plain", body, cancellable, error);
  return answer != NULL;
}

/* An OData string literal doubles its quotes; the whole filter is then
 * escaped for the query. */
static char *
filter_path (const char *folder,
             const char *message_id)
{
  g_autofree char *quoted = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *escaped = NULL;
  /* Graph's ids go in paths as they are ('=' included). */
  g_autofree char *escaped_folder = g_uri_escape_string (folder,
                                                         G_URI_RESERVED_CHARS_ALLOWED_IN_PATH_ELEMENT,
                                                         FALSE);
  g_auto(GStrv) parts = g_strsplit (message_id, "'", -1);

  quoted = g_strjoinv ("''", parts);
  filter = g_strdup_printf ("internetMessageId eq '<%s>'", quoted);
  escaped = g_uri_escape_string (filter, NULL, FALSE);
  return g_strdup_printf ("/me/mailFolders/%s/messages?$select=id&$filter=%s", escaped_folder,
                          escaped);
}

gboolean
kabar_graph_find_message (KabarGraphClient  *client,
                          const char        *folder,
                          const char        *message_id,
                          char             **found_id,
                          GCancellable      *cancellable,
                          GError           **error)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object;
  JsonArray *value;
  JsonObject *first;

  g_return_val_if_fail (KABAR_IS_GRAPH_CLIENT (client), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);
  g_return_val_if_fail (found_id != NULL, FALSE);

  *found_id = NULL;
  if (message_id == NULL || *message_id == '\0')
    return TRUE;
  path = filter_path (folder, message_id);
  answer = kabar_graph_wait_request (client, "GET", path, NULL, cancellable, error);
  if (answer == NULL)
    return FALSE;
  object = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  value = object != NULL && json_object_has_member (object, "value")
          ? json_object_get_array_member (object, "value") : NULL;
  if (value == NULL)
    {
      g_set_error (error, KABAR_GRAPH_ERROR, KABAR_GRAPH_ERROR_PROTOCOL,
                   "Looking for message <%s> in a folder: the answer has no list of messages",
                   message_id);
      return FALSE;
    }
  first = json_array_get_length (value) > 0 ? json_array_get_object_element (value, 0) : NULL;
  if (first != NULL)
    *found_id = g_strdup (json_object_get_string_member_with_default (first, "id", ""));
  return TRUE;
}
