/* kabar-imap-message.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kabar-imap-message.h"
#include "kabar-imap-results-private.h"

struct _KabarImapMessage
{
  gatomicrefcount    ref_count;
  KabarImapResponse *response;
  guint32            sequence;
  guint32            uid;
  GStrv              flags;
  guint64            modseq;
  gint64             size;
  GDateTime         *internal_date;
  KabarImapEnvelope *envelope;
};

G_DEFINE_BOXED_TYPE (KabarImapAddress, kabar_imap_address, kabar_imap_address_copy, kabar_imap_address_free)
G_DEFINE_BOXED_TYPE (KabarImapEnvelope, kabar_imap_envelope, kabar_imap_envelope_copy, kabar_imap_envelope_free)
G_DEFINE_BOXED_TYPE (KabarImapMessage, kabar_imap_message, kabar_imap_message_ref, kabar_imap_message_unref)

/* --- addresses and envelopes ----------------------------------------------- */

KabarImapAddress *
kabar_imap_address_copy (const KabarImapAddress *address)
{
  KabarImapAddress *copy = g_new0 (KabarImapAddress, 1);

  copy->name = g_strdup (address->name);
  copy->mailbox = g_strdup (address->mailbox);
  copy->host = g_strdup (address->host);
  return copy;
}

void
kabar_imap_address_free (KabarImapAddress *address)
{
  if (address == NULL)
    return;
  g_free (address->name);
  g_free (address->mailbox);
  g_free (address->host);
  g_free (address);
}

char *
kabar_imap_address_dup_address (const KabarImapAddress *address)
{
  g_return_val_if_fail (address != NULL, NULL);

  if (address->host == NULL)
    return g_strdup (address->mailbox);
  return g_strdup_printf ("%s@%s", address->mailbox != NULL ? address->mailbox : "", address->host);
}

static GPtrArray *
copy_addresses (GPtrArray *addresses)
{
  GPtrArray *copy = g_ptr_array_new_full (addresses->len, (GDestroyNotify) kabar_imap_address_free);

  for (guint i = 0; i < addresses->len; i++)
    g_ptr_array_add (copy, kabar_imap_address_copy (g_ptr_array_index (addresses, i)));
  return copy;
}

KabarImapEnvelope *
kabar_imap_envelope_copy (const KabarImapEnvelope *envelope)
{
  KabarImapEnvelope *copy = g_new0 (KabarImapEnvelope, 1);

  copy->date = g_strdup (envelope->date);
  copy->subject = g_strdup (envelope->subject);
  copy->from = copy_addresses (envelope->from);
  copy->sender = copy_addresses (envelope->sender);
  copy->reply_to = copy_addresses (envelope->reply_to);
  copy->to = copy_addresses (envelope->to);
  copy->cc = copy_addresses (envelope->cc);
  copy->bcc = copy_addresses (envelope->bcc);
  copy->in_reply_to = g_strdup (envelope->in_reply_to);
  copy->message_id = g_strdup (envelope->message_id);
  return copy;
}

void
kabar_imap_envelope_free (KabarImapEnvelope *envelope)
{
  if (envelope == NULL)
    return;
  g_free (envelope->date);
  g_free (envelope->subject);
  g_ptr_array_unref (envelope->from);
  g_ptr_array_unref (envelope->sender);
  g_ptr_array_unref (envelope->reply_to);
  g_ptr_array_unref (envelope->to);
  g_ptr_array_unref (envelope->cc);
  g_ptr_array_unref (envelope->bcc);
  g_free (envelope->in_reply_to);
  g_free (envelope->message_id);
  g_free (envelope);
}

/* nstring: NIL, or text however the server chose to send it. */
static char *
dup_nstring (const KabarImapValue *value)
{
  return g_strdup (kabar_imap_value_get_text (value));
}

static GPtrArray *
parse_addresses (const KabarImapValue *list)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_imap_address_free);

  for (guint i = 0; i < kabar_imap_value_get_list_length (list); i++)
    {
      const KabarImapValue *item = kabar_imap_value_get_list_item (list, i);
      const KabarImapValue *host = kabar_imap_value_get_list_item (item, 3);
      KabarImapAddress *address;

      /* A group's start and end markers have a NIL host. */
      if (kabar_imap_value_get_list_length (item) != 4 || kabar_imap_value_is_nil (host))
        continue;
      address = g_new0 (KabarImapAddress, 1);
      address->name = dup_nstring (kabar_imap_value_get_list_item (item, 0));
      address->mailbox = dup_nstring (kabar_imap_value_get_list_item (item, 2));
      address->host = dup_nstring (host);
      g_ptr_array_add (addresses, address);
    }
  return addresses;
}

static KabarImapEnvelope *
parse_envelope (const KabarImapValue *value)
{
  KabarImapEnvelope *envelope;

  if (kabar_imap_value_get_list_length (value) < 10)
    return NULL;
  envelope = g_new0 (KabarImapEnvelope, 1);
  envelope->date = dup_nstring (kabar_imap_value_get_list_item (value, 0));
  envelope->subject = dup_nstring (kabar_imap_value_get_list_item (value, 1));
  envelope->from = parse_addresses (kabar_imap_value_get_list_item (value, 2));
  envelope->sender = parse_addresses (kabar_imap_value_get_list_item (value, 3));
  envelope->reply_to = parse_addresses (kabar_imap_value_get_list_item (value, 4));
  envelope->to = parse_addresses (kabar_imap_value_get_list_item (value, 5));
  envelope->cc = parse_addresses (kabar_imap_value_get_list_item (value, 6));
  envelope->bcc = parse_addresses (kabar_imap_value_get_list_item (value, 7));
  envelope->in_reply_to = dup_nstring (kabar_imap_value_get_list_item (value, 8));
  envelope->message_id = dup_nstring (kabar_imap_value_get_list_item (value, 9));
  return envelope;
}

/* --- INTERNALDATE ---------------------------------------------------------- */

static const char *const month_names[] = {
  "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* "17-Jul-1996 02:44:25 -0700"; the day may be space-padded. */
GDateTime *
kabar_imap_date_time_parse (const char *text)
{
  int day, year, hour, minute, second;
  char month_text[4];
  char sign;
  int zone;
  g_autoptr(GTimeZone) time_zone = NULL;
  g_autofree char *identifier = NULL;

  if (text == NULL ||
      sscanf (text, "%d-%3s-%d %d:%d:%d %c%4d", &day, month_text, &year, &hour, &minute, &second,
              &sign, &zone) != 8 ||
      (sign != '+' && sign != '-'))
    return NULL;
  for (guint month = 0; month < G_N_ELEMENTS (month_names); month++)
    if (g_ascii_strcasecmp (month_names[month], month_text) == 0)
      {
        identifier = g_strdup_printf ("%c%02d:%02d", sign, zone / 100, zone % 100);
        time_zone = g_time_zone_new_identifier (identifier);
        if (time_zone == NULL)
          return NULL;
        return g_date_time_new (time_zone, year, (int) month + 1, day, hour, minute, second);
      }
  return NULL;
}

char *
kabar_imap_date_time_format (GDateTime *date_time)
{
  g_autofree char *offset = g_date_time_format (date_time, "%z");

  return g_strdup_printf ("%02d-%s-%04d %02d:%02d:%02d %s",
                          g_date_time_get_day_of_month (date_time),
                          month_names[g_date_time_get_month (date_time) - 1],
                          g_date_time_get_year (date_time), g_date_time_get_hour (date_time),
                          g_date_time_get_minute (date_time), g_date_time_get_second (date_time),
                          offset);
}

/* --- the message ----------------------------------------------------------- */

static GStrv
parse_flags (const KabarImapValue *list)
{
  guint n = kabar_imap_value_get_list_length (list);
  GStrv flags = g_new0 (char *, n + 1);
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      const char *flag = kabar_imap_value_get_atom (kabar_imap_value_get_list_item (list, i));

      if (flag != NULL)
        flags[count++] = g_strdup (flag);
    }
  return flags;
}

KabarImapMessage *
kabar_imap_message_new (KabarImapResponse *response)
{
  KabarImapMessage *self = g_new0 (KabarImapMessage, 1);
  KabarImapFetchIter iter;
  const char *key;
  const KabarImapValue *value;
  guint64 number = 0;

  g_atomic_ref_count_init (&self->ref_count);
  self->response = kabar_imap_response_ref (response);
  kabar_imap_response_get_number (response, &number);
  self->sequence = (guint32) MIN (number, G_MAXUINT32);
  self->size = -1;

  kabar_imap_fetch_iter_init (&iter, response);
  while (kabar_imap_fetch_iter_next (&iter, &key, &value))
    {
      if (strcmp (key, "UID") == 0 && kabar_imap_value_get_number (value, &number))
        self->uid = (guint32) MIN (number, G_MAXUINT32);
      else if (strcmp (key, "FLAGS") == 0 && kabar_imap_value_get_kind (value) == KABAR_IMAP_VALUE_LIST)
        {
          g_strfreev (self->flags);
          self->flags = parse_flags (value);
        }
      else if (strcmp (key, "MODSEQ") == 0)
        kabar_imap_value_get_number (kabar_imap_value_get_list_item (value, 0), &self->modseq);
      else if (strcmp (key, "RFC822.SIZE") == 0 && kabar_imap_value_get_number (value, &number))
        self->size = (gint64) MIN (number, G_MAXINT64);
      else if (strcmp (key, "INTERNALDATE") == 0)
        {
          g_clear_pointer (&self->internal_date, g_date_time_unref);
          self->internal_date = kabar_imap_date_time_parse (kabar_imap_value_get_string (value, NULL));
        }
      else if (strcmp (key, "ENVELOPE") == 0)
        {
          g_clear_pointer (&self->envelope, kabar_imap_envelope_free);
          self->envelope = parse_envelope (value);
        }
    }
  return self;
}

KabarImapMessage *
kabar_imap_message_ref (KabarImapMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
kabar_imap_message_unref (KabarImapMessage *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  kabar_imap_response_unref (self->response);
  g_strfreev (self->flags);
  g_clear_pointer (&self->internal_date, g_date_time_unref);
  g_clear_pointer (&self->envelope, kabar_imap_envelope_free);
  g_free (self);
}

guint32
kabar_imap_message_get_sequence (KabarImapMessage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->sequence;
}

guint32
kabar_imap_message_get_uid (KabarImapMessage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->uid;
}

const char * const *
kabar_imap_message_get_flags (KabarImapMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->flags;
}

gboolean
kabar_imap_message_has_flag (KabarImapMessage *self,
                             const char       *flag)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (flag != NULL, FALSE);

  for (guint i = 0; self->flags != NULL && self->flags[i] != NULL; i++)
    if (g_ascii_strcasecmp (self->flags[i], flag) == 0)
      return TRUE;
  return FALSE;
}

guint64
kabar_imap_message_get_modseq (KabarImapMessage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->modseq;
}

GDateTime *
kabar_imap_message_get_internal_date (KabarImapMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->internal_date;
}

gint64
kabar_imap_message_get_size (KabarImapMessage *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->size;
}

const KabarImapEnvelope *
kabar_imap_message_get_envelope (KabarImapMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->envelope;
}

const KabarImapValue *
kabar_imap_message_get_bodystructure (KabarImapMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return kabar_imap_response_lookup_fetch_item (self->response, "BODYSTRUCTURE");
}

/* Whether key ("BODY[HEADER.FIELDS (FROM)]<0>", "BINARY[1]") is section;
 * *origin gets the partial's offset. */
static gboolean
key_is_section (const char *key,
                const char *section,
                guint64    *origin)
{
  const char *open = strchr (key, '[');
  const char *close = open != NULL ? strrchr (open, ']') : NULL;
  gsize length = strlen (section);

  if (close == NULL || (gsize) (close - open - 1) != length ||
      g_ascii_strncasecmp (open + 1, section, length) != 0)
    return FALSE;
  if (!g_str_has_prefix (key, "BODY[") && !g_str_has_prefix (key, "BINARY["))
    return FALSE;
  *origin = close[1] == '<' ? g_ascii_strtoull (close + 2, NULL, 10) : 0;
  return TRUE;
}

static const KabarImapValue *
lookup_section (KabarImapMessage *self,
                const char       *section,
                guint64          *origin)
{
  KabarImapFetchIter iter;
  const char *key;
  const KabarImapValue *value;
  guint64 ignored;

  kabar_imap_fetch_iter_init (&iter, self->response);
  while (kabar_imap_fetch_iter_next (&iter, &key, &value))
    if (key_is_section (key, section, origin != NULL ? origin : &ignored))
      return value;
  return NULL;
}

GBytes *
kabar_imap_message_dup_body (KabarImapMessage *self,
                             const char       *section,
                             guint64          *origin)
{
  const KabarImapValue *value;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (section != NULL, NULL);

  if (origin != NULL)
    *origin = 0;
  value = lookup_section (self, section, origin);
  return kabar_imap_value_dup_bytes (value);
}

gboolean
kabar_imap_message_body_was_streamed (KabarImapMessage *self,
                                      const char       *section,
                                      guint64          *size)
{
  const KabarImapValue *value;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  value = lookup_section (self, section, NULL);
  if (size != NULL)
    *size = kabar_imap_value_get_streamed_size (value);
  return kabar_imap_value_get_kind (value) == KABAR_IMAP_VALUE_STREAMED;
}

KabarImapResponse *
kabar_imap_message_get_response (KabarImapMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->response;
}
