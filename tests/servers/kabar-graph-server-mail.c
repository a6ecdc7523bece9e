/* kabar-graph-server-mail.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mailbox of the Graph test server: folders, messages read from their
 * MIME with GMime, and their routes. Each folder's messages are a delta
 * collection, so a move is a remove from one and a put in the other: the
 * source's delta shows @removed, the target's the message with the same
 * (immutable) id. Folder counts are folder properties, so a message change
 * is a change of its folder in the folder tree's delta too, as on Graph.
 */

#include <gmime/gmime.h>
#include <string.h>

#include "kabar-graph-server-impl.h"

#define PREVIEW_LENGTH 255

typedef struct
{
  char            *id;
  char            *parent_id;     /* NULL for the root */
  char            *name;
  char            *well_known;
  KabarGraphDelta *messages;
} Folder;

typedef struct
{
  char       *id;
  char       *folder_id;
  GBytes     *mime;
  JsonObject *props;              /* what the MIME says */
  gboolean    is_read;
  gboolean    flagged;
  gboolean    is_draft;
  guint       version;
  gint64      created;
} Message;

struct _KabarGraphMail
{
  char            *root_id;
  GHashTable      *folders;       /* id -> Folder */
  GPtrArray       *folder_order;  /* ids, created first first */
  KabarGraphDelta *tree;          /* the folders but the root */
  GHashTable      *messages;      /* id -> Message */
};

static const struct
{
  const char *well_known;
  const char *name;
} well_known_folders[] = {
  { "inbox", "Inbox" },
  { "sentitems", "Sent Items" },
  { "drafts", "Drafts" },
  { "deleteditems", "Deleted Items" },
  { "junkemail", "Junk Email" },
  { "archive", "Archive" },
};

static void
folder_free (Folder *folder)
{
  g_free (folder->id);
  g_free (folder->parent_id);
  g_free (folder->name);
  g_free (folder->well_known);
  kabar_graph_delta_free (folder->messages);
  g_free (folder);
}

static void
message_free (Message *message)
{
  g_free (message->id);
  g_free (message->folder_id);
  g_bytes_unref (message->mime);
  json_object_unref (message->props);
  g_free (message);
}

/* --- JSON of the model ----------------------------------------------------------- */

static guint
count_children (KabarGraphMail *mail,
                const char     *folder_id)
{
  GHashTableIter iter;
  gpointer value;
  guint count = 0;

  g_hash_table_iter_init (&iter, mail->folders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (((Folder *) value)->parent_id, folder_id) == 0)
      count++;
  return count;
}

static JsonObject *
folder_json (KabarGraphMail *mail,
             Folder         *folder)
{
  JsonObject *object = json_object_new ();
  g_autoptr(GPtrArray) ids = kabar_graph_delta_list (folder->messages);
  guint unread = 0;

  for (guint i = 0; i < ids->len; i++)
    if (!((Message *) g_hash_table_lookup (mail->messages, g_ptr_array_index (ids, i)))->is_read)
      unread++;
  json_object_set_string_member (object, "id", folder->id);
  json_object_set_string_member (object, "displayName", folder->name);
  if (folder->parent_id != NULL)
    json_object_set_string_member (object, "parentFolderId", folder->parent_id);
  json_object_set_int_member (object, "childFolderCount", count_children (mail, folder->id));
  json_object_set_int_member (object, "unreadItemCount", unread);
  json_object_set_int_member (object, "totalItemCount", ids->len);
  json_object_set_boolean_member (object, "isHidden", FALSE);
  return object;
}

/* A change of the folder's properties: the tree's delta shows it. */
static void
touch_folder (KabarGraphMail *mail,
              const char     *folder_id)
{
  Folder *folder = folder_id != NULL ? g_hash_table_lookup (mail->folders, folder_id) : NULL;

  if (folder != NULL && folder->parent_id != NULL)
    kabar_graph_delta_put (mail->tree, folder_json (mail, folder));
}

static char *
change_key (const Message *message)
{
  g_autofree char *raw = g_strdup_printf ("%s/%u", message->id, message->version);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA1, raw, -1);

  return g_strconcat ("CQAAABYAAA", digest, NULL);
}

static JsonObject *
message_json (const Message *message)
{
  JsonObject *object = json_object_new ();
  JsonObject *flag = json_object_new ();
  g_autofree char *key = change_key (message);
  g_autofree char *etag = g_strdup_printf ("W/\"%s\"", key);
  g_autofree char *created = kabar_graph_format_time (message->created);
  g_autoptr(GList) members = json_object_get_members (message->props);

  json_object_set_string_member (object, "@odata.etag", etag);
  json_object_set_string_member (object, "id", message->id);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (object, l->data, json_object_dup_member (message->props, l->data));
  json_object_set_string_member (object, "createdDateTime", created);
  json_object_set_string_member (object, "lastModifiedDateTime", created);
  json_object_set_string_member (object, "changeKey", key);
  json_object_set_string_member (object, "parentFolderId", message->folder_id);
  json_object_set_boolean_member (object, "isRead", message->is_read);
  json_object_set_boolean_member (object, "isDraft", message->is_draft);
  json_object_set_string_member (flag, "flagStatus", message->flagged ? "flagged" : "notFlagged");
  json_object_set_object_member (object, "flag", flag);
  return object;
}

/* The message's current state into its folder's delta: a change. */
static void
publish (KabarGraphMail *mail,
         Message        *message)
{
  Folder *folder = g_hash_table_lookup (mail->folders, message->folder_id);

  message->version++;
  kabar_graph_delta_put (folder->messages, message_json (message));
  touch_folder (mail, folder->id);
}

/* --- props from the MIME --------------------------------------------------------- */

static JsonObject *
address_json (InternetAddressMailbox *mailbox)
{
  JsonObject *object = json_object_new ();
  JsonObject *email = json_object_new ();
  const char *name = internet_address_get_name (INTERNET_ADDRESS (mailbox));
  const char *address = internet_address_mailbox_get_addr (mailbox);

  /* Graph gives the address as the name when there is none. */
  json_object_set_string_member (email, "name", name != NULL && *name != '\0' ? name : address);
  json_object_set_string_member (email, "address", address);
  json_object_set_object_member (object, "emailAddress", email);
  return object;
}

static void
add_mailboxes (JsonArray           *array,
               InternetAddressList *list)
{
  for (int i = 0; list != NULL && i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (address))
        json_array_add_object_element (array, address_json (INTERNET_ADDRESS_MAILBOX (address)));
      else if (INTERNET_ADDRESS_IS_GROUP (address))
        add_mailboxes (array, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)));
    }
}

static JsonArray *
recipients_json (InternetAddressList *list)
{
  JsonArray *array = json_array_new ();

  add_mailboxes (array, list);
  return array;
}

typedef struct
{
  gboolean  has_attachments;
  char     *text;
} Walk;

static void
walk_part (GMimeObject *parent,
           GMimeObject *part,
           gpointer     data)
{
  Walk *walk = data;

  if (GMIME_IS_PART (part) && g_mime_part_is_attachment (GMIME_PART (part)))
    walk->has_attachments = TRUE;
  else if (walk->text == NULL && GMIME_IS_TEXT_PART (part) &&
           g_mime_content_type_is_type (g_mime_object_get_content_type (part), "text", "plain"))
    walk->text = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
}

static char *
preview (const char *text)
{
  GString *preview = g_string_new (NULL);
  gboolean space = FALSE;

  /* Whitespace runs become one space, as Graph's bodyPreview. */
  for (const char *p = text; p != NULL && *p != '\0' && g_utf8_strlen (preview->str, -1) < PREVIEW_LENGTH;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        space = preview->len > 0;
      else
        {
          if (space)
            g_string_append_c (preview, ' ');
          space = FALSE;
          g_string_append_unichar (preview, c);
        }
    }
  return g_string_free (preview, FALSE);
}

static char *
conversation_id (GMimeMessage *message)
{
  const char *header = g_mime_object_get_header (GMIME_OBJECT (message), "References");
  GMimeReferences *references = header != NULL ? g_mime_references_parse (NULL, header) : NULL;
  const char *root = NULL;
  g_autofree char *digest = NULL;

  if (references != NULL && g_mime_references_length (references) > 0)
    root = g_mime_references_get_message_id (references, 0);
  if (root == NULL)
    root = g_mime_object_get_header (GMIME_OBJECT (message), "In-Reply-To");
  if (root == NULL)
    root = g_mime_message_get_message_id (message);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, root != NULL ? root : "", -1);
  if (references != NULL)
    g_mime_references_free (references);
  return g_strconcat ("AAQkAD", digest, NULL);
}

static JsonObject *
props_from_mime (GBytes *mime)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (mime, NULL),
                                                           g_bytes_get_size (mime));
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
  JsonObject *props = json_object_new ();
  InternetAddressList *from;
  InternetAddressList *sender;
  GDateTime *date;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = NULL;
  g_autofree char *conversation = NULL;
  g_autofree char *body_preview = NULL;
  const char *message_id;
  Walk walk = { FALSE, NULL };

  g_object_unref (parser);
  g_object_unref (stream);
  if (message == NULL)
    return props;
  json_object_set_string_member (props, "subject", g_mime_message_get_subject (message) != NULL
                                                     ? g_mime_message_get_subject (message) : "");
  from = g_mime_message_get_from (message);
  sender = g_mime_message_get_sender (message);
  if (internet_address_list_length (sender) == 0)
    sender = from;
  if (internet_address_list_length (from) > 0 && INTERNET_ADDRESS_IS_MAILBOX (internet_address_list_get_address (from, 0)))
    json_object_set_object_member (props, "from",
                                   address_json (INTERNET_ADDRESS_MAILBOX (internet_address_list_get_address (from, 0))));
  if (internet_address_list_length (sender) > 0 && INTERNET_ADDRESS_IS_MAILBOX (internet_address_list_get_address (sender, 0)))
    json_object_set_object_member (props, "sender",
                                   address_json (INTERNET_ADDRESS_MAILBOX (internet_address_list_get_address (sender, 0))));
  json_object_set_array_member (props, "toRecipients", recipients_json (g_mime_message_get_to (message)));
  json_object_set_array_member (props, "ccRecipients", recipients_json (g_mime_message_get_cc (message)));
  json_object_set_array_member (props, "bccRecipients", recipients_json (g_mime_message_get_bcc (message)));
  json_object_set_array_member (props, "replyTo", recipients_json (g_mime_message_get_reply_to (message)));
  date = g_mime_message_get_date (message);
  when = kabar_graph_format_time (g_date_time_to_unix (date != NULL ? date : now));
  json_object_set_string_member (props, "sentDateTime", when);
  json_object_set_string_member (props, "receivedDateTime", when);
  message_id = g_mime_message_get_message_id (message);
  if (message_id != NULL)
    {
      g_autofree char *bracketed = g_strdup_printf ("<%s>", message_id);

      json_object_set_string_member (props, "internetMessageId", bracketed);
    }
  conversation = conversation_id (message);
  json_object_set_string_member (props, "conversationId", conversation);
  g_mime_message_foreach (message, walk_part, &walk);
  body_preview = preview (walk.text);
  g_free (walk.text);
  json_object_set_boolean_member (props, "hasAttachments", walk.has_attachments);
  json_object_set_string_member (props, "bodyPreview", body_preview);
  json_object_set_string_member (props, "importance", "normal");
  json_object_set_array_member (props, "categories", json_array_new ());
  g_object_unref (message);
  return props;
}

/* --- the model ----------------------------------------------------------------- */

static Folder *
find_folder (KabarGraphMail *mail,
             const char     *id_or_well_known)
{
  Folder *folder = g_hash_table_lookup (mail->folders, id_or_well_known);
  GHashTableIter iter;
  gpointer value;

  if (folder != NULL)
    return folder;
  g_hash_table_iter_init (&iter, mail->folders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Folder *) value)->well_known != NULL &&
        g_ascii_strcasecmp (((Folder *) value)->well_known, id_or_well_known) == 0)
      return value;
  return NULL;
}

static Folder *
find_child (KabarGraphMail *mail,
            const char     *parent_id,
            const char     *name)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, mail->folders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (((Folder *) value)->parent_id, parent_id) == 0 &&
        g_utf8_collate (((Folder *) value)->name, name) == 0)
      return value;
  return NULL;
}

static Folder *
create_folder (KabarGraphServer *self,
               const char       *parent_id,
               const char       *name,
               const char       *well_known)
{
  KabarGraphMail *mail = self->mail;
  Folder *folder = g_new0 (Folder, 1);

  folder->id = kabar_graph_server_new_id (self);
  folder->parent_id = g_strdup (parent_id);
  folder->name = g_strdup (name);
  folder->well_known = g_strdup (well_known);
  folder->messages = kabar_graph_delta_new (self);
  g_hash_table_insert (mail->folders, g_strdup (folder->id), folder);
  g_ptr_array_add (mail->folder_order, g_strdup (folder->id));
  touch_folder (mail, folder->id);
  touch_folder (mail, parent_id);
  return folder;
}

static Message *
create_message (KabarGraphServer *self,
                Folder           *folder,
                GBytes           *mime,
                gboolean          is_read,
                gboolean          flagged,
                gboolean          is_draft)
{
  Message *message = g_new0 (Message, 1);

  message->id = kabar_graph_server_new_id (self);
  message->folder_id = g_strdup (folder->id);
  message->mime = g_bytes_ref (mime);
  message->props = props_from_mime (mime);
  message->is_read = is_read;
  message->flagged = flagged;
  message->is_draft = is_draft;
  message->created = g_get_real_time () / G_USEC_PER_SEC;
  g_hash_table_insert (self->mail->messages, g_strdup (message->id), message);
  publish (self->mail, message);
  return message;
}

static void
move_message (KabarGraphMail *mail,
              Message        *message,
              Folder         *target)
{
  Folder *source = g_hash_table_lookup (mail->folders, message->folder_id);

  if (source == target)
    return;
  kabar_graph_delta_remove (source->messages, message->id);
  touch_folder (mail, source->id);
  g_free (message->folder_id);
  message->folder_id = g_strdup (target->id);
  publish (mail, message);
}

static Message *
copy_message (KabarGraphServer *self,
              Message          *message,
              Folder           *target)
{
  Message *copy = create_message (self, target, message->mime, message->is_read, message->flagged,
                                  message->is_draft);

  return copy;
}

static void
remove_message (KabarGraphMail *mail,
                Message        *message)
{
  Folder *folder = g_hash_table_lookup (mail->folders, message->folder_id);

  kabar_graph_delta_remove (folder->messages, message->id);
  touch_folder (mail, folder->id);
  g_hash_table_remove (mail->messages, message->id);
}

static gboolean
is_below (KabarGraphMail *mail,
          const char     *folder_id,
          const char     *ancestor_id)
{
  for (Folder *f = g_hash_table_lookup (mail->folders, folder_id); f != NULL;
       f = f->parent_id != NULL ? g_hash_table_lookup (mail->folders, f->parent_id) : NULL)
    if (g_str_equal (f->id, ancestor_id))
      return TRUE;
  return FALSE;
}

static void
remove_folder (KabarGraphMail *mail,
               Folder         *folder)
{
  g_autofree char *id = g_strdup (folder->id);
  g_autofree char *parent_id = g_strdup (folder->parent_id);
  g_autoptr(GPtrArray) ids = kabar_graph_delta_list (folder->messages);
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, mail->folders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (((Folder *) value)->parent_id, id) == 0)
      g_ptr_array_add (children, g_strdup (((Folder *) value)->id));
  for (guint i = 0; i < children->len; i++)
    remove_folder (mail, g_hash_table_lookup (mail->folders, g_ptr_array_index (children, i)));
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_remove (mail->messages, g_ptr_array_index (ids, i));
  kabar_graph_delta_remove (mail->tree, id);
  for (guint i = 0; i < mail->folder_order->len; i++)
    if (g_str_equal (g_ptr_array_index (mail->folder_order, i), id))
      {
        g_ptr_array_remove_index (mail->folder_order, i);
        break;
      }
  g_hash_table_remove (mail->folders, id);
  touch_folder (mail, parent_id);
}

/* --- routes -------------------------------------------------------------------- */

static const char *
body_string (const KabarGraphRequest *request,
             const char              *member)
{
  JsonObject *object = request->json != NULL && JSON_NODE_HOLDS_OBJECT (request->json)
                         ? json_node_get_object (request->json) : NULL;
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
           ? json_node_get_string (node) : NULL;
}

static void
not_found (KabarGraphResponse *response)
{
  kabar_graph_response_set_error (response, 404, "ErrorItemNotFound",
                                  "The specified object was not found in the store.");
}

static void
method_not_allowed (KabarGraphResponse *response)
{
  kabar_graph_response_set_error (response, 405, "Request_BadRequest",
                                  "The HTTP method is not allowed for this resource.");
}

/* The MIME of a text/plain base64 body; NULL (answered) when it is not. */
static GBytes *
mime_of (const KabarGraphRequest *request,
         KabarGraphResponse      *response)
{
  g_autofree char *text = NULL;
  g_autofree guchar *data = NULL;
  gsize length = 0;

  if (request->content_type == NULL || !g_str_has_prefix (request->content_type, "text/plain"))
    {
      kabar_graph_response_set_error (response, 415, "ErrorInvalidRequest",
                                      "Content-Type must be text/plain for a MIME message.");
      return NULL;
    }
  text = g_strndup (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));
  g_strstrip (text);
  data = g_base64_decode (text, &length);
  if (length == 0 || g_strstr_len ((const char *) data, MIN (length, 4096), ":") == NULL)
    {
      kabar_graph_response_set_error (response, 400, "ErrorMimeContentInvalidBase64String",
                                      "Invalid base64 string for MIME content.");
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

static void
answer_message (Message            *message,
                guint               status,
                KabarGraphResponse *response)
{
  kabar_graph_response_set_object (response, status, message_json (message));
}

static void
messages_collection (KabarGraphServer        *self,
                     const KabarGraphRequest *request,
                     Folder                  *folder,
                     KabarGraphResponse      *response)
{
  const char *filter = g_hash_table_lookup (request->query, "$filter");
  g_autofree char *wanted = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) ids = NULL;

  if (filter != NULL)
    {
      const char *open = strchr (filter, '\'');
      const char *close = open != NULL ? strrchr (filter, '\'') : NULL;

      if (!g_str_has_prefix (filter, "internetMessageId eq '") || close == open)
        {
          g_ptr_array_unref (items);
          kabar_graph_response_set_error (response, 400, "ErrorInvalidUrlQueryFilter",
                                          "The query filter contains one or more invalid nodes.");
          return;
        }
      wanted = g_strndup (open + 1, close - open - 1);
    }
  if (folder != NULL)
    ids = kabar_graph_delta_list (folder->messages);
  else
    {
      GHashTableIter iter;
      gpointer key;

      ids = g_ptr_array_new ();
      g_hash_table_iter_init (&iter, self->mail->messages);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (ids, key);
    }
  for (guint i = 0; i < ids->len; i++)
    {
      Message *message = g_hash_table_lookup (self->mail->messages, g_ptr_array_index (ids, i));
      JsonObject *props = message->props;

      if (wanted == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (props, "internetMessageId", NULL), wanted) == 0)
        g_ptr_array_add (items, message_json (message));
    }
  kabar_graph_server_answer_collection (self, request, items, response);
}

static void
folders_collection (KabarGraphServer        *self,
                    const KabarGraphRequest *request,
                    Folder                  *parent,
                    KabarGraphResponse      *response)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < self->mail->folder_order->len; i++)
    {
      Folder *folder = g_hash_table_lookup (self->mail->folders, g_ptr_array_index (self->mail->folder_order, i));

      if (g_strcmp0 (folder->parent_id, parent->id) == 0)
        g_ptr_array_add (items, folder_json (self->mail, folder));
    }
  kabar_graph_server_answer_collection (self, request, items, response);
}

static void
post_folder (KabarGraphServer        *self,
             const KabarGraphRequest *request,
             Folder                  *parent,
             KabarGraphResponse      *response)
{
  const char *name = body_string (request, "displayName");
  Folder *folder;

  if (name == NULL || *name == '\0')
    kabar_graph_response_set_error (response, 400, "ErrorInvalidRequest",
                                    "The displayName property is required.");
  else if (find_child (self->mail, parent->id, name) != NULL)
    kabar_graph_response_set_error (response, 409, "ErrorFolderExists",
                                    "A folder with the specified name already exists.");
  else
    {
      folder = create_folder (self, parent->id, name, NULL);
      kabar_graph_response_set_object (response, 201, folder_json (self->mail, folder));
    }
}

static void
patch_folder (KabarGraphServer        *self,
              const KabarGraphRequest *request,
              Folder                  *folder,
              KabarGraphResponse      *response)
{
  const char *name = body_string (request, "displayName");
  Folder *other = name != NULL ? find_child (self->mail, folder->parent_id, name) : NULL;

  if (name == NULL || *name == '\0')
    {
      kabar_graph_response_set_error (response, 400, "ErrorInvalidRequest",
                                      "The displayName property is required.");
      return;
    }
  if (other != NULL && other != folder)
    {
      kabar_graph_response_set_error (response, 409, "ErrorFolderExists",
                                      "A folder with the specified name already exists.");
      return;
    }
  g_free (folder->name);
  folder->name = g_strdup (name);
  touch_folder (self->mail, folder->id);
  kabar_graph_response_set_object (response, 200, folder_json (self->mail, folder));
}

static void
move_folder (KabarGraphServer        *self,
             const KabarGraphRequest *request,
             Folder                  *folder,
             KabarGraphResponse      *response)
{
  const char *destination = body_string (request, "destinationId");
  Folder *target = destination != NULL ? find_folder (self->mail, destination) : NULL;
  g_autofree char *old_parent = NULL;

  if (target == NULL)
    {
      kabar_graph_response_set_error (response, 400, "ErrorInvalidIdMalformed",
                                      "Id is malformed.");
      return;
    }
  if (is_below (self->mail, target->id, folder->id))
    {
      kabar_graph_response_set_error (response, 400, "ErrorMoveCopyFailed",
                                      "The move or copy operation failed.");
      return;
    }
  if (find_child (self->mail, target->id, folder->name) != NULL)
    {
      kabar_graph_response_set_error (response, 409, "ErrorFolderExists",
                                      "A folder with the specified name already exists.");
      return;
    }
  old_parent = g_steal_pointer (&folder->parent_id);
  folder->parent_id = g_strdup (target->id);
  touch_folder (self->mail, folder->id);
  touch_folder (self->mail, old_parent);
  touch_folder (self->mail, target->id);
  kabar_graph_response_set_object (response, 201, folder_json (self->mail, folder));
}

static void
post_message (KabarGraphServer        *self,
              const KabarGraphRequest *request,
              Folder                  *folder,
              KabarGraphResponse      *response)
{
  g_autoptr(GBytes) mime = mime_of (request, response);
  Message *message;

  if (mime == NULL)
    return;
  /* A message made from MIME is a draft, wherever it is made. */
  message = create_message (self, folder, mime, TRUE, FALSE, TRUE);
  answer_message (message, 201, response);
}

static gboolean
route_folder (KabarGraphServer        *self,
              const KabarGraphRequest *request,
              KabarGraphResponse      *response)
{
  const char *method = request->method;
  char **segments = request->segments;
  guint n = request->n_segments;
  Folder *folder = find_folder (self->mail, segments[2]);

  if (folder == NULL)
    not_found (response);
  else if (n == 3 && g_str_equal (method, "GET"))
    kabar_graph_response_set_object (response, 200, folder_json (self->mail, folder));
  else if (n == 3 && g_str_equal (method, "PATCH"))
    patch_folder (self, request, folder, response);
  else if (n == 3 && g_str_equal (method, "DELETE"))
    {
      if (folder->well_known != NULL)
        kabar_graph_response_set_error (response, 403, "ErrorDeleteDistinguishedFolder",
                                        "Distinguished folders cannot be deleted.");
      else
        {
          remove_folder (self->mail, folder);
          kabar_graph_response_set_empty (response, 204);
        }
    }
  else if (n == 4 && g_str_equal (segments[3], "childFolders") && g_str_equal (method, "GET"))
    folders_collection (self, request, folder, response);
  else if (n == 4 && g_str_equal (segments[3], "childFolders") && g_str_equal (method, "POST"))
    post_folder (self, request, folder, response);
  else if (n == 4 && g_str_equal (segments[3], "move") && g_str_equal (method, "POST"))
    move_folder (self, request, folder, response);
  else if (n == 4 && g_str_equal (segments[3], "messages") && g_str_equal (method, "GET"))
    messages_collection (self, request, folder, response);
  else if (n == 4 && g_str_equal (segments[3], "messages") && g_str_equal (method, "POST"))
    post_message (self, request, folder, response);
  else if (n == 5 && g_str_equal (segments[3], "messages") && g_str_equal (segments[4], "delta") &&
           g_str_equal (method, "GET"))
    kabar_graph_delta_answer (folder->messages, request, NULL, NULL, response);
  else
    return FALSE;
  return TRUE;
}

static void
patch_message (KabarGraphServer        *self,
               const KabarGraphRequest *request,
               Message                 *message,
               KabarGraphResponse      *response)
{
  JsonObject *body = request->json != NULL && JSON_NODE_HOLDS_OBJECT (request->json)
                       ? json_node_get_object (request->json) : NULL;
  JsonNode *is_read = body != NULL ? json_object_get_member (body, "isRead") : NULL;
  JsonNode *flag_node = body != NULL ? json_object_get_member (body, "flag") : NULL;
  JsonObject *flag = flag_node != NULL && JSON_NODE_HOLDS_OBJECT (flag_node) ? json_node_get_object (flag_node) : NULL;
  JsonNode *status_node = flag != NULL ? json_object_get_member (flag, "flagStatus") : NULL;

  if (body == NULL)
    {
      kabar_graph_response_set_error (response, 400, "ErrorInvalidRequest",
                                      "Empty Payload. JSON content expected.");
      return;
    }
  if ((is_read != NULL && (!JSON_NODE_HOLDS_VALUE (is_read) || json_node_get_value_type (is_read) != G_TYPE_BOOLEAN)) ||
      (status_node != NULL && (!JSON_NODE_HOLDS_VALUE (status_node) ||
                               json_node_get_value_type (status_node) != G_TYPE_STRING)))
    {
      kabar_graph_response_set_error (response, 400, "ErrorInvalidRequest",
                                      "Cannot convert the literal to the expected type.");
      return;
    }
  if (status_node != NULL)
    {
      const char *status = json_node_get_string (status_node);

      if (g_strcmp0 (status, "flagged") != 0 && g_strcmp0 (status, "notFlagged") != 0 &&
          g_strcmp0 (status, "complete") != 0)
        {
          kabar_graph_response_set_error (response, 400, "ErrorInvalidRequest",
                                          "Invalid value for property flagStatus.");
          return;
        }
      message->flagged = g_str_equal (status, "flagged");
    }
  if (is_read != NULL)
    message->is_read = json_node_get_boolean (is_read);
  publish (self->mail, message);
  answer_message (message, 200, response);
}

static void
move_or_copy (KabarGraphServer        *self,
              const KabarGraphRequest *request,
              Message                 *message,
              gboolean                 copy,
              KabarGraphResponse      *response)
{
  const char *destination = body_string (request, "destinationId");
  Folder *target = destination != NULL ? find_folder (self->mail, destination) : NULL;

  if (target == NULL)
    {
      kabar_graph_response_set_error (response, 400, "ErrorInvalidIdMalformed", "Id is malformed.");
      return;
    }
  if (copy)
    message = copy_message (self, message, target);
  else
    move_message (self->mail, message, target);
  answer_message (message, 201, response);
}

static gboolean
route_message (KabarGraphServer        *self,
               const KabarGraphRequest *request,
               KabarGraphResponse      *response)
{
  const char *method = request->method;
  char **segments = request->segments;
  guint n = request->n_segments;
  Message *message = g_hash_table_lookup (self->mail->messages, segments[2]);

  if (message == NULL)
    not_found (response);
  else if (n == 3 && g_str_equal (method, "GET"))
    answer_message (message, 200, response);
  else if (n == 3 && g_str_equal (method, "PATCH"))
    patch_message (self, request, message, response);
  else if (n == 3 && g_str_equal (method, "DELETE"))
    {
      remove_message (self->mail, message);
      kabar_graph_response_set_empty (response, 204);
    }
  else if (n == 4 && g_str_equal (segments[3], "$value") && g_str_equal (method, "GET"))
    kabar_graph_response_set_bytes (response, 200, "text/plain", g_bytes_ref (message->mime));
  else if (n == 4 && g_str_equal (segments[3], "move") && g_str_equal (method, "POST"))
    move_or_copy (self, request, message, FALSE, response);
  else if (n == 4 && g_str_equal (segments[3], "copy") && g_str_equal (method, "POST"))
    move_or_copy (self, request, message, TRUE, response);
  else
    return FALSE;
  return TRUE;
}

static gboolean
is_to_user (KabarGraphServer *self,
            JsonObject       *props)
{
  static const char *const fields[] = { "toRecipients", "ccRecipients", "bccRecipients" };

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      JsonArray *array = json_object_get_array_member (props, fields[f]);

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          JsonObject *email = json_object_get_object_member (json_array_get_object_element (array, i),
                                                             "emailAddress");

          if (g_ascii_strcasecmp (json_object_get_string_member (email, "address"), self->user) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

static void
send_mail (KabarGraphServer        *self,
           const KabarGraphRequest *request,
           KabarGraphResponse      *response)
{
  g_autoptr(GBytes) mime = mime_of (request, response);
  Message *sent;

  if (mime == NULL)
    return;
  sent = create_message (self, find_folder (self->mail, "sentitems"), mime, TRUE, FALSE, FALSE);
  if (!json_object_has_member (sent->props, "toRecipients") ||
      (json_array_get_length (json_object_get_array_member (sent->props, "toRecipients")) == 0 &&
       json_array_get_length (json_object_get_array_member (sent->props, "ccRecipients")) == 0 &&
       json_array_get_length (json_object_get_array_member (sent->props, "bccRecipients")) == 0))
    {
      remove_message (self->mail, sent);
      kabar_graph_response_set_error (response, 400, "ErrorInvalidRecipients",
                                      "At least one recipient is not valid., Recipient is missing.");
      return;
    }
  if (is_to_user (self, sent->props))
    create_message (self, find_folder (self->mail, "inbox"), mime, FALSE, FALSE, FALSE);
  kabar_graph_response_set_empty (response, 202);
}

static void
answer_me (KabarGraphServer   *self,
           KabarGraphResponse *response)
{
  JsonObject *me = json_object_new ();
  g_autofree char *context = g_strdup_printf ("%s/$metadata#users/$entity", self->base_uri);

  json_object_set_string_member (me, "@odata.context", context);
  json_object_set_string_member (me, "id", "0c4cb2a1a6d74bb5");
  json_object_set_string_member (me, "displayName", self->user_name);
  json_object_set_string_member (me, "mail", self->user);
  json_object_set_string_member (me, "userPrincipalName", self->user);
  kabar_graph_response_set_object (response, 200, me);
}

static gboolean
route_mail (KabarGraphServer        *self,
            const KabarGraphRequest *request,
            KabarGraphResponse      *response,
            gpointer                 data)
{
  const char *method = request->method;
  char **segments = request->segments;
  guint n = request->n_segments;
  Folder *root;

  if (n == 0 || !g_str_equal (segments[0], "me"))
    return FALSE;
  root = g_hash_table_lookup (self->mail->folders, self->mail->root_id);
  if (n == 1)
    {
      if (g_str_equal (method, "GET"))
        answer_me (self, response);
      else
        method_not_allowed (response);
      return TRUE;
    }
  if (g_str_equal (segments[1], "sendMail") && n == 2)
    {
      if (g_str_equal (method, "POST"))
        send_mail (self, request, response);
      else
        method_not_allowed (response);
      return TRUE;
    }
  if (g_str_equal (segments[1], "mailFolders"))
    {
      if (n == 2 && g_str_equal (method, "GET"))
        folders_collection (self, request, root, response);
      else if (n == 2 && g_str_equal (method, "POST"))
        post_folder (self, request, root, response);
      else if (n == 3 && g_str_equal (segments[2], "delta") && g_str_equal (method, "GET"))
        kabar_graph_delta_answer (self->mail->tree, request, NULL, NULL, response);
      else if (n >= 3)
        return route_folder (self, request, response);
      else
        return FALSE;
      return TRUE;
    }
  if (g_str_equal (segments[1], "messages"))
    {
      if (n == 2 && g_str_equal (method, "GET"))
        messages_collection (self, request, NULL, response);
      else if (n == 2 && g_str_equal (method, "POST"))
        post_message (self, request, find_folder (self->mail, "drafts"), response);
      else if (n >= 3)
        return route_message (self, request, response);
      else
        return FALSE;
      return TRUE;
    }
  return FALSE;
}

void
kabar_graph_mail_init (KabarGraphServer *self)
{
  KabarGraphMail *mail = g_new0 (KabarGraphMail, 1);
  Folder *root;

  g_mime_init ();
  self->mail = mail;
  mail->folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) folder_free);
  mail->folder_order = g_ptr_array_new_with_free_func (g_free);
  mail->messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) message_free);
  mail->tree = kabar_graph_delta_new (self);
  root = create_folder (self, NULL, "Top of Information Store", "msgfolderroot");
  mail->root_id = g_strdup (root->id);
  for (guint i = 0; i < G_N_ELEMENTS (well_known_folders); i++)
    create_folder (self, root->id, well_known_folders[i].name, well_known_folders[i].well_known);
  kabar_graph_server_add_route (self, route_mail, NULL);
}

void
kabar_graph_mail_free (KabarGraphServer *self)
{
  KabarGraphMail *mail = self->mail;

  g_hash_table_unref (mail->messages);
  g_hash_table_unref (mail->folders);
  g_ptr_array_unref (mail->folder_order);
  kabar_graph_delta_free (mail->tree);
  g_free (mail->root_id);
  g_free (mail);
  self->mail = NULL;
}

/* --- the public model calls ---------------------------------------------------- */

char *
kabar_graph_server_add_folder (KabarGraphServer *self,
                               const char       *parent_id,
                               const char       *name,
                               const char       *well_known)
{
  Folder *parent;
  char *id = NULL;

  g_mutex_lock (&self->mutex);
  parent = find_folder (self->mail, parent_id != NULL ? parent_id : self->mail->root_id);
  if (parent != NULL && find_child (self->mail, parent->id, name) == NULL)
    id = g_strdup (create_folder (self, parent->id, name, well_known)->id);
  g_mutex_unlock (&self->mutex);
  return id;
}

char *
kabar_graph_server_find_folder (KabarGraphServer *self,
                                const char       *well_known_or_path)
{
  Folder *folder;
  char *id = NULL;

  g_mutex_lock (&self->mutex);
  folder = find_folder (self->mail, well_known_or_path);
  if (folder == NULL)
    {
      g_auto(GStrv) names = g_strsplit (well_known_or_path, "/", -1);

      folder = g_hash_table_lookup (self->mail->folders, self->mail->root_id);
      for (guint i = 0; folder != NULL && names[i] != NULL; i++)
        folder = find_child (self->mail, folder->id, names[i]);
    }
  if (folder != NULL)
    id = g_strdup (folder->id);
  g_mutex_unlock (&self->mutex);
  return id;
}

gboolean
kabar_graph_server_rename_folder (KabarGraphServer *self,
                                  const char       *folder_id,
                                  const char       *name)
{
  Folder *folder;

  g_mutex_lock (&self->mutex);
  folder = g_hash_table_lookup (self->mail->folders, folder_id);
  if (folder != NULL)
    {
      g_free (folder->name);
      folder->name = g_strdup (name);
      touch_folder (self->mail, folder->id);
    }
  g_mutex_unlock (&self->mutex);
  return folder != NULL;
}

gboolean
kabar_graph_server_delete_folder (KabarGraphServer *self,
                                  const char       *folder_id)
{
  Folder *folder;

  g_mutex_lock (&self->mutex);
  folder = g_hash_table_lookup (self->mail->folders, folder_id);
  if (folder != NULL && folder->parent_id != NULL)
    remove_folder (self->mail, folder);
  g_mutex_unlock (&self->mutex);
  return folder != NULL;
}

static guint
depth (KabarGraphMail *mail,
       Folder         *folder)
{
  guint d = 0;

  while (folder->parent_id != NULL && (folder = g_hash_table_lookup (mail->folders, folder->parent_id)) != NULL)
    d++;
  return d;
}

GPtrArray *
kabar_graph_server_list_folders (KabarGraphServer *self)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  guint max_depth = 0;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->mail->folder_order->len; i++)
    max_depth = MAX (max_depth, depth (self->mail, g_hash_table_lookup (self->mail->folders,
                                                                        g_ptr_array_index (self->mail->folder_order, i))));
  /* Parents before children, else in the order made. */
  for (guint d = 1; d <= max_depth; d++)
    for (guint i = 0; i < self->mail->folder_order->len; i++)
      {
        const char *id = g_ptr_array_index (self->mail->folder_order, i);

        if (depth (self->mail, g_hash_table_lookup (self->mail->folders, id)) == d)
          g_ptr_array_add (ids, g_strdup (id));
      }
  g_mutex_unlock (&self->mutex);
  return ids;
}

JsonObject *
kabar_graph_server_get_folder (KabarGraphServer *self,
                               const char       *folder_id)
{
  Folder *folder;
  JsonObject *object = NULL;

  g_mutex_lock (&self->mutex);
  folder = g_hash_table_lookup (self->mail->folders, folder_id);
  if (folder != NULL)
    object = folder_json (self->mail, folder);
  g_mutex_unlock (&self->mutex);
  return object;
}

char *
kabar_graph_server_add_message (KabarGraphServer *self,
                                const char       *folder_id,
                                GBytes           *mime,
                                gboolean          is_read,
                                gboolean          flagged)
{
  Folder *folder;
  char *id = NULL;

  g_mutex_lock (&self->mutex);
  folder = find_folder (self->mail, folder_id);
  if (folder != NULL && folder->parent_id != NULL)
    id = g_strdup (create_message (self, folder, mime, is_read, flagged, FALSE)->id);
  g_mutex_unlock (&self->mutex);
  return id;
}

GPtrArray *
kabar_graph_server_list_messages (KabarGraphServer *self,
                                  const char       *folder_id)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  Folder *folder;

  g_mutex_lock (&self->mutex);
  folder = find_folder (self->mail, folder_id);
  if (folder != NULL)
    {
      g_autoptr(GPtrArray) present = kabar_graph_delta_list (folder->messages);

      for (guint i = 0; i < present->len; i++)
        g_ptr_array_add (ids, g_strdup (g_ptr_array_index (present, i)));
    }
  g_mutex_unlock (&self->mutex);
  return ids;
}

JsonObject *
kabar_graph_server_get_message (KabarGraphServer *self,
                                const char       *message_id)
{
  Message *message;
  JsonObject *object = NULL;

  g_mutex_lock (&self->mutex);
  message = g_hash_table_lookup (self->mail->messages, message_id);
  if (message != NULL)
    object = message_json (message);
  g_mutex_unlock (&self->mutex);
  return object;
}

GBytes *
kabar_graph_server_get_mime (KabarGraphServer *self,
                             const char       *message_id)
{
  Message *message;
  GBytes *mime = NULL;

  g_mutex_lock (&self->mutex);
  message = g_hash_table_lookup (self->mail->messages, message_id);
  if (message != NULL)
    mime = g_bytes_ref (message->mime);
  g_mutex_unlock (&self->mutex);
  return mime;
}

gboolean
kabar_graph_server_move_message (KabarGraphServer *self,
                                 const char       *id,
                                 const char       *folder_id)
{
  Message *message;
  Folder *target;

  g_mutex_lock (&self->mutex);
  message = g_hash_table_lookup (self->mail->messages, id);
  target = find_folder (self->mail, folder_id);
  if (message != NULL && target != NULL && target->parent_id != NULL)
    move_message (self->mail, message, target);
  g_mutex_unlock (&self->mutex);
  return message != NULL && target != NULL;
}

gboolean
kabar_graph_server_delete_message (KabarGraphServer *self,
                                   const char       *id)
{
  Message *message;

  g_mutex_lock (&self->mutex);
  message = g_hash_table_lookup (self->mail->messages, id);
  if (message != NULL)
    remove_message (self->mail, message);
  g_mutex_unlock (&self->mutex);
  return message != NULL;
}

gboolean
kabar_graph_server_set_read (KabarGraphServer *self,
                             const char       *id,
                             gboolean          read)
{
  Message *message;

  g_mutex_lock (&self->mutex);
  message = g_hash_table_lookup (self->mail->messages, id);
  if (message != NULL)
    {
      message->is_read = read;
      publish (self->mail, message);
    }
  g_mutex_unlock (&self->mutex);
  return message != NULL;
}

gboolean
kabar_graph_server_set_flagged (KabarGraphServer *self,
                                const char       *id,
                                gboolean          flagged)
{
  Message *message;

  g_mutex_lock (&self->mutex);
  message = g_hash_table_lookup (self->mail->messages, id);
  if (message != NULL)
    {
      message->flagged = flagged;
      publish (self->mail, message);
    }
  g_mutex_unlock (&self->mutex);
  return message != NULL;
}
