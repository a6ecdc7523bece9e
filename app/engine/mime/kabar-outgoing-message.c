/* kabar-outgoing-message.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the composer fills in, kept as the user's values (addresses, text,
 * files), and turned into a GMime message each time it is built, so that
 * a draft saved again reflects every change.
 */

#include "config.h"

#include <string.h>

#include "kabar-mime.h"
#include "kabar-outgoing-address.h"
#include "kabar-outgoing-body.h"
#include "kabar-outgoing-message.h"

#define N_FIELDS (KABAR_OUTGOING_REPLY_TO + 1)
/* A long thread's References keep its first message and the newest ones:
 * enough to thread it, short enough for every server. */
#define MAX_REFERENCES 20

struct _KabarOutgoingMessage
{
  GObject parent_instance;

  char *from_name;
  char *from_address;
  InternetAddressList *lists[N_FIELDS];
  char *subject;
  char *text;
  char *html;
  GPtrArray *attachments;    /* KabarOutgoingFile */
  GPtrArray *inline_images;  /* KabarOutgoingFile, with content IDs */
  char *message_id;
  char *in_reply_to;
  GPtrArray *references;     /* char *, NULL-terminated */
};

G_DEFINE_FINAL_TYPE (KabarOutgoingMessage, kabar_outgoing_message, G_TYPE_OBJECT)
G_DEFINE_QUARK (kabar-outgoing-error-quark, kabar_outgoing_error)

static void
kabar_outgoing_message_finalize (GObject *object)
{
  KabarOutgoingMessage *self = KABAR_OUTGOING_MESSAGE (object);

  g_free (self->from_name);
  g_free (self->from_address);
  for (guint i = 0; i < N_FIELDS; i++)
    g_object_unref (self->lists[i]);
  g_free (self->subject);
  g_free (self->text);
  g_free (self->html);
  g_ptr_array_unref (self->attachments);
  g_ptr_array_unref (self->inline_images);
  g_free (self->message_id);
  g_free (self->in_reply_to);
  g_ptr_array_unref (self->references);

  G_OBJECT_CLASS (kabar_outgoing_message_parent_class)->finalize (object);
}

static void
kabar_outgoing_message_class_init (KabarOutgoingMessageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kabar_outgoing_message_finalize;
}

static void
kabar_outgoing_message_init (KabarOutgoingMessage *self)
{
  /* Address lists have no GMime set-up of their own to wait for, but
   * everything after them does. */
  kabar_mime_get_parser_options ();
  for (guint i = 0; i < N_FIELDS; i++)
    self->lists[i] = internet_address_list_new ();
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_outgoing_file_free);
  self->inline_images = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_outgoing_file_free);
  self->references = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->references, NULL);
}

KabarOutgoingMessage *
kabar_outgoing_message_new (void)
{
  return g_object_new (KABAR_TYPE_OUTGOING_MESSAGE, NULL);
}

static void
replace_string (char       **field,
                const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

/* --- addresses ------------------------------------------------------------------------- */

void
kabar_outgoing_message_set_from (KabarOutgoingMessage *self,
                                 const char           *name,
                                 const char           *address)
{
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));

  replace_string (&self->from_name, name != NULL && *name != '\0' ? name : NULL);
  replace_string (&self->from_address, address);
}

const char *
kabar_outgoing_message_get_from_name (KabarOutgoingMessage *self)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  return self->from_name;
}

const char *
kabar_outgoing_message_get_from_address (KabarOutgoingMessage *self)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  return self->from_address;
}

void
kabar_outgoing_message_add_address (KabarOutgoingMessage *self,
                                    KabarOutgoingField    field,
                                    const char           *name,
                                    const char           *address)
{
  InternetAddress *mailbox;

  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));
  g_return_if_fail (field < N_FIELDS && address != NULL);

  mailbox = internet_address_mailbox_new (name, address);
  internet_address_list_add (self->lists[field], mailbox);
  g_object_unref (mailbox);
}

gboolean
kabar_outgoing_message_add_addresses_from_string (KabarOutgoingMessage  *self,
                                                  KabarOutgoingField     field,
                                                  const char            *text,
                                                  GError               **error)
{
  InternetAddressList *parsed;

  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), FALSE);
  g_return_val_if_fail (field < N_FIELDS && text != NULL, FALSE);

  parsed = kabar_outgoing_address_parse_list (text, error);
  if (parsed == NULL)
    return FALSE;
  internet_address_list_append (self->lists[field], parsed);
  g_object_unref (parsed);
  return TRUE;
}

void
kabar_outgoing_message_clear_addresses (KabarOutgoingMessage *self,
                                        KabarOutgoingField    field)
{
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));
  g_return_if_fail (field < N_FIELDS);

  internet_address_list_clear (self->lists[field]);
}

InternetAddressList *
kabar_outgoing_message_get_addresses (KabarOutgoingMessage *self,
                                      KabarOutgoingField    field)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  g_return_val_if_fail (field < N_FIELDS, NULL);

  return self->lists[field];
}

/* --- content --------------------------------------------------------------------------- */

void
kabar_outgoing_message_set_subject (KabarOutgoingMessage *self,
                                    const char           *subject)
{
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));
  replace_string (&self->subject, subject);
}

const char *
kabar_outgoing_message_get_subject (KabarOutgoingMessage *self)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  return self->subject;
}

void
kabar_outgoing_message_set_text (KabarOutgoingMessage *self,
                                 const char           *text)
{
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));
  replace_string (&self->text, text);
}

const char *
kabar_outgoing_message_get_text (KabarOutgoingMessage *self)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  return self->text;
}

void
kabar_outgoing_message_set_html (KabarOutgoingMessage *self,
                                 const char           *html)
{
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));
  replace_string (&self->html, html);
}

const char *
kabar_outgoing_message_get_html (KabarOutgoingMessage *self)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  return self->html;
}

void
kabar_outgoing_message_add_attachment (KabarOutgoingMessage *self,
                                       GBytes               *data,
                                       const char           *file_name,
                                       const char           *content_type)
{
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));
  g_return_if_fail (data != NULL && file_name != NULL);

  g_ptr_array_add (self->attachments, kabar_outgoing_file_new (data, file_name, content_type, NULL));
}

static void
file_loaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarOutgoingMessage *self = g_task_get_source_object (task);
  GFile *file = G_FILE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  char *contents = NULL;
  gsize length = 0;
  GBytes *data;

  if (!g_file_load_contents_finish (file, result, &contents, &length, NULL, &error))
    {
      g_autofree char *parse_name = g_file_get_parse_name (file);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_ATTACHMENT,
                                 "Could not attach %s: %s", parse_name, error->message);
      return;
    }
  name = kabar_outgoing_file_display_name (file);
  data = g_bytes_new_take (contents, length);
  kabar_outgoing_message_add_attachment (self, data, name, NULL);
  g_bytes_unref (data);
  g_task_return_boolean (task, TRUE);
}

void
kabar_outgoing_message_add_attachment_file_async (KabarOutgoingMessage *self,
                                                  GFile                *file,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_outgoing_message_add_attachment_file_async);
  g_file_load_contents_async (file, cancellable, file_loaded, task);
}

gboolean
kabar_outgoing_message_add_attachment_file_finish (KabarOutgoingMessage  *self,
                                                   GAsyncResult          *result,
                                                   GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
kabar_outgoing_message_get_n_attachments (KabarOutgoingMessage *self)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), 0);
  return self->attachments->len;
}

GBytes *
kabar_outgoing_message_get_attachment (KabarOutgoingMessage  *self,
                                       guint                  index,
                                       const char           **file_name,
                                       const char           **content_type)
{
  KabarOutgoingFile *attachment;

  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  g_return_val_if_fail (index < self->attachments->len, NULL);

  attachment = g_ptr_array_index (self->attachments, index);
  if (file_name != NULL)
    *file_name = attachment->file_name;
  if (content_type != NULL)
    *content_type = attachment->content_type;
  return attachment->data;
}

void
kabar_outgoing_message_remove_attachment (KabarOutgoingMessage *self,
                                          guint                 index)
{
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));
  g_return_if_fail (index < self->attachments->len);

  g_ptr_array_remove_index (self->attachments, index);
}

/* The domain of the sender for the right part of made identifiers, as
 * ASCII: they must never need encoding. */
static char *
id_domain (KabarOutgoingMessage *self)
{
  const char *at = self->from_address != NULL ? strrchr (self->from_address, '@') : NULL;
  char *ascii = at != NULL ? g_hostname_to_ascii (at + 1) : NULL;

  if (ascii == NULL || *ascii == '\0')
    {
      /* A draft saved before the sender was chosen. */
      g_free (ascii);
      return g_strdup ("localhost");
    }
  return ascii;
}

/* 128 random bits: no two messages anywhere share one. */
static char *
new_id (KabarOutgoingMessage *self)
{
  g_autofree char *domain = id_domain (self);
  guint32 bits[4];

  for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
    bits[i] = g_random_int ();
  return g_strdup_printf ("%08x%08x%08x%08x@%s", bits[0], bits[1], bits[2], bits[3], domain);
}

const char *
kabar_outgoing_message_add_inline_image (KabarOutgoingMessage *self,
                                         GBytes               *data,
                                         const char           *file_name,
                                         const char           *content_type,
                                         const char           *content_id)
{
  g_autofree char *made_id = NULL;
  KabarOutgoingFile *image;

  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  g_return_val_if_fail (data != NULL && file_name != NULL, NULL);

  if (content_id == NULL)
    content_id = made_id = new_id (self);
  image = kabar_outgoing_file_new (data, file_name, content_type, content_id);
  g_ptr_array_add (self->inline_images, image);
  return image->content_id;
}

guint
kabar_outgoing_message_get_n_inline_images (KabarOutgoingMessage *self)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), 0);
  return self->inline_images->len;
}

GBytes *
kabar_outgoing_message_get_inline_image (KabarOutgoingMessage  *self,
                                         guint                  index,
                                         const char           **file_name,
                                         const char           **content_type,
                                         const char           **content_id)
{
  KabarOutgoingFile *image;

  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  g_return_val_if_fail (index < self->inline_images->len, NULL);

  image = g_ptr_array_index (self->inline_images, index);
  if (file_name != NULL)
    *file_name = image->file_name;
  if (content_type != NULL)
    *content_type = image->content_type;
  if (content_id != NULL)
    *content_id = image->content_id;
  return image->data;
}

/* --- identity and threading ---------------------------------------------------------- */

const char *
kabar_outgoing_message_get_message_id (KabarOutgoingMessage *self)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  return self->message_id;
}

/* An id as "left@right", with or without the angle brackets it came in;
 * NULL for none. */
static char *
bare_id (const char *id)
{
  char *decoded;

  if (id == NULL)
    return NULL;
  decoded = g_mime_utils_decode_message_id (id);
  if (decoded == NULL || *decoded == '\0')
    {
      g_free (decoded);
      return NULL;
    }
  return decoded;
}

void
kabar_outgoing_message_set_message_id (KabarOutgoingMessage *self,
                                       const char           *message_id)
{
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));

  g_free (self->message_id);
  self->message_id = bare_id (message_id);
}

static void
set_references (KabarOutgoingMessage *self,
                const char           *references,
                const char           *last)
{
  GMimeReferences *parsed = references != NULL ? g_mime_references_parse (kabar_mime_get_parser_options (), references) : NULL;
  int length = parsed != NULL ? g_mime_references_length (parsed) : 0;
  GPtrArray *ids = self->references;

  g_ptr_array_set_size (ids, 0);
  for (int i = 0; i < length; i++)
    g_ptr_array_add (ids, g_strdup (g_mime_references_get_message_id (parsed, i)));
  if (last != NULL && (ids->len == 0 || strcmp (g_ptr_array_index (ids, ids->len - 1), last) != 0))
    g_ptr_array_add (ids, g_strdup (last));
  if (ids->len > MAX_REFERENCES)
    g_ptr_array_remove_range (ids, 1, ids->len - MAX_REFERENCES);
  g_ptr_array_add (ids, NULL);
  if (parsed != NULL)
    g_mime_references_free (parsed);
}

void
kabar_outgoing_message_set_parent (KabarOutgoingMessage *self,
                                   const char           *parent_message_id,
                                   const char           *parent_references)
{
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));

  g_free (self->in_reply_to);
  self->in_reply_to = bare_id (parent_message_id);
  set_references (self, parent_references, self->in_reply_to);
}

void
kabar_outgoing_message_set_threading (KabarOutgoingMessage *self,
                                      const char           *in_reply_to,
                                      const char           *references)
{
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (self));

  g_free (self->in_reply_to);
  self->in_reply_to = bare_id (in_reply_to);
  set_references (self, references, NULL);
}

const char *
kabar_outgoing_message_get_in_reply_to (KabarOutgoingMessage *self)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  return self->in_reply_to;
}

const char * const *
kabar_outgoing_message_get_references (KabarOutgoingMessage *self)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);
  return (const char * const *) self->references->pdata;
}

/* --- validation ------------------------------------------------------------------------ */

typedef struct
{
  const char *invalid;  /* the first address that is not one */
  guint       count;
} Check;

static void
check_mailbox (gpointer mailbox,
               gpointer user_data)
{
  Check *check = user_data;
  const char *address = internet_address_mailbox_get_addr (mailbox);

  check->count++;
  if (check->invalid == NULL && !kabar_outgoing_address_is_valid (address))
    check->invalid = address;
}

gboolean
kabar_outgoing_message_validate (KabarOutgoingMessage  *self,
                                 GError               **error)
{
  Check recipients = { NULL, 0 };
  Check reply_to = { NULL, 0 };

  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), FALSE);

  if (self->from_address == NULL || *self->from_address == '\0')
    {
      g_set_error_literal (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_NO_SENDER,
                           "The message has no sender (From) address");
      return FALSE;
    }
  if (!kabar_outgoing_address_is_valid (self->from_address))
    {
      g_set_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_INVALID_ADDRESS,
                   "The sender address “%s” is not a valid email address", self->from_address);
      return FALSE;
    }
  for (guint i = KABAR_OUTGOING_TO; i <= KABAR_OUTGOING_BCC; i++)
    kabar_outgoing_address_foreach_mailbox (self->lists[i], check_mailbox, &recipients);
  kabar_outgoing_address_foreach_mailbox (self->lists[KABAR_OUTGOING_REPLY_TO], check_mailbox, &reply_to);
  if (recipients.count == 0)
    {
      g_set_error_literal (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_NO_RECIPIENT,
                           "The message has no recipient in To, Cc or Bcc");
      return FALSE;
    }
  if (recipients.invalid != NULL || reply_to.invalid != NULL)
    {
      g_set_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_INVALID_ADDRESS,
                   "“%s” is not a valid email address",
                   recipients.invalid != NULL ? recipients.invalid : reply_to.invalid);
      return FALSE;
    }
  return TRUE;
}

/* --- building -------------------------------------------------------------------------- */

static const GMimeAddressType address_types[N_FIELDS] = {
  [KABAR_OUTGOING_TO] = GMIME_ADDRESS_TYPE_TO,
  [KABAR_OUTGOING_CC] = GMIME_ADDRESS_TYPE_CC,
  [KABAR_OUTGOING_BCC] = GMIME_ADDRESS_TYPE_BCC,
  [KABAR_OUTGOING_REPLY_TO] = GMIME_ADDRESS_TYPE_REPLY_TO,
};

/* GMime would pick the smallest charset for each name (ISO-8859-1 for
 * "José"); UTF-8 everywhere reads back the same in every client. */
static void
use_utf8 (gpointer mailbox,
          gpointer user_data)
{
  internet_address_set_charset (mailbox, "utf-8");
}

static void
add_addresses (KabarOutgoingMessage *self,
               GMimeMessage         *message,
               KabarOutgoingForm     form)
{
  if (self->from_address != NULL)
    {
      InternetAddress *from = internet_address_mailbox_new (self->from_name, self->from_address);

      use_utf8 (from, NULL);
      internet_address_list_add (g_mime_message_get_from (message), from);
      g_object_unref (from);
    }
  for (guint i = 0; i < N_FIELDS; i++)
    {
      /* An empty list would still write an empty header. */
      if ((i == KABAR_OUTGOING_BCC && form != KABAR_OUTGOING_FORM_DRAFT)
          || internet_address_list_length (self->lists[i]) == 0)
        continue;
      kabar_outgoing_address_foreach_mailbox (self->lists[i], use_utf8, NULL);
      internet_address_list_append (g_mime_message_get_addresses (message, address_types[i]), self->lists[i]);
    }
}

static char *
references_header (KabarOutgoingMessage *self)
{
  GString *header = g_string_new (NULL);

  for (guint i = 0; i + 1 < self->references->len; i++)
    g_string_append_printf (header, "%s<%s>", i > 0 ? " " : "",
                            (const char *) g_ptr_array_index (self->references, i));
  return g_string_free (header, FALSE);
}

static void
add_identity (KabarOutgoingMessage *self,
              GMimeMessage         *message)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (self->message_id == NULL)
    self->message_id = new_id (self);
  g_mime_message_set_date (message, now);
  g_mime_message_set_message_id (message, self->message_id);
  if (self->in_reply_to != NULL)
    {
      g_autofree char *in_reply_to = g_strdup_printf ("<%s>", self->in_reply_to);

      g_mime_object_set_header (GMIME_OBJECT (message), "In-Reply-To", in_reply_to, NULL);
    }
  if (self->references->len > 1)
    {
      g_autofree char *references = references_header (self);

      g_mime_object_set_header (GMIME_OBJECT (message), "References", references, NULL);
    }
}

GMimeMessage *
kabar_outgoing_message_build (KabarOutgoingMessage  *self,
                              KabarOutgoingForm      form,
                              GError               **error)
{
  GMimeMessage *message;
  GMimeObject *body;
  KabarOutgoingBody parts;

  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);

  if (form == KABAR_OUTGOING_FORM_SEND && !kabar_outgoing_message_validate (self, error))
    return NULL;
  message = g_mime_message_new (TRUE);
  add_addresses (self, message, form);
  if (self->subject != NULL)
    g_mime_message_set_subject (message, self->subject, "utf-8");
  add_identity (self, message);
  parts = (KabarOutgoingBody) { self->text, self->html, self->inline_images, self->attachments };
  body = kabar_outgoing_body_build (&parts);
  g_mime_message_set_mime_part (message, body);
  g_object_unref (body);
  return message;
}

GBytes *
kabar_outgoing_message_to_bytes (KabarOutgoingMessage  *self,
                                 KabarOutgoingForm      form,
                                 GError               **error)
{
  static GMimeFormatOptions *crlf;
  GMimeMessage *message = kabar_outgoing_message_build (self, form, error);
  GMimeStream *stream;
  GByteArray *bytes;

  if (message == NULL)
    return NULL;
  if (g_once_init_enter (&crlf))
    {
      GMimeFormatOptions *options = g_mime_format_options_new ();

      g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
      g_once_init_leave (&crlf, options);
    }
  stream = g_mime_stream_mem_new ();
  g_mime_object_write_to_stream (GMIME_OBJECT (message), crlf, stream);
  bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  /* The stream owns the array; take its contents. */
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  g_object_unref (stream);
  g_object_unref (message);
  return g_byte_array_free_to_bytes (bytes);
}

/* --- envelope -------------------------------------------------------------------------- */

static void
find_utf8_local_part (gpointer mailbox,
                      gpointer user_data)
{
  gboolean *found = user_data;

  *found = *found || kabar_outgoing_address_has_utf8_local_part (internet_address_mailbox_get_addr (mailbox));
}

gboolean
kabar_outgoing_message_needs_smtputf8 (KabarOutgoingMessage *self)
{
  gboolean found;

  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), FALSE);

  found = self->from_address != NULL && kabar_outgoing_address_has_utf8_local_part (self->from_address);
  for (guint i = 0; i < N_FIELDS; i++)
    kabar_outgoing_address_foreach_mailbox (self->lists[i], find_utf8_local_part, &found);
  return found;
}

char *
kabar_outgoing_message_dup_envelope_sender (KabarOutgoingMessage *self)
{
  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);

  if (self->from_address == NULL)
    return NULL;
  return kabar_outgoing_address_to_envelope (self->from_address, kabar_outgoing_message_needs_smtputf8 (self));
}

typedef struct
{
  GPtrArray  *addresses;
  GHashTable *seen;
  gboolean    smtputf8;
} Envelope;

static void
add_recipient (gpointer mailbox,
               gpointer user_data)
{
  Envelope *envelope = user_data;
  const char *address = internet_address_mailbox_get_addr (mailbox);
  char *key = kabar_outgoing_address_mailbox_key (address);

  if (!g_hash_table_add (envelope->seen, key))
    return;
  g_ptr_array_add (envelope->addresses, kabar_outgoing_address_to_envelope (address, envelope->smtputf8));
}

GStrv
kabar_outgoing_message_dup_envelope_recipients (KabarOutgoingMessage *self)
{
  Envelope envelope;

  g_return_val_if_fail (KABAR_IS_OUTGOING_MESSAGE (self), NULL);

  envelope.addresses = g_ptr_array_new ();
  envelope.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  envelope.smtputf8 = kabar_outgoing_message_needs_smtputf8 (self);
  for (guint i = KABAR_OUTGOING_TO; i <= KABAR_OUTGOING_BCC; i++)
    kabar_outgoing_address_foreach_mailbox (self->lists[i], add_recipient, &envelope);
  g_hash_table_unref (envelope.seen);
  g_ptr_array_add (envelope.addresses, NULL);
  return (GStrv) g_ptr_array_free (envelope.addresses, FALSE);
}
