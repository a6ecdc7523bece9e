/* kabar-imap-response.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-response-private.h"

#define ARENA_ALIGN             8
#define ARENA_FIRST_BLOCK       4096
#define ARENA_MAX_BLOCK         (64 * 1024)
/* Larger allocations (kept literals, long strings) get a block of their
 * own, so the rest of the current block is not wasted. */
#define ARENA_OWN_BLOCK_ABOVE   1024

struct _KabarImapArenaBlock
{
  KabarImapArenaBlock *next;
  /* Keeps the data after the header aligned. */
  guint64              padding;
};

const KabarImapValue kabar_imap_value_empty_list = { .kind = KABAR_IMAP_VALUE_LIST };

G_DEFINE_BOXED_TYPE (KabarImapResponse, kabar_imap_response,
                     kabar_imap_response_ref, kabar_imap_response_unref)

static gsize
align_up (gsize size)
{
  return (size + ARENA_ALIGN - 1) & ~(gsize) (ARENA_ALIGN - 1);
}

KabarImapResponse *
kabar_imap_response_new_sized (KabarImapResponseKind kind,
                               gsize                 size_hint)
{
  gsize header = align_up (sizeof (KabarImapResponse));
  gsize area = align_up (MIN (size_hint, ARENA_MAX_BLOCK));
  KabarImapResponse *response = g_malloc0 (header + area);

  g_atomic_ref_count_init (&response->ref_count);
  response->kind = kind;
  response->code_args = &kabar_imap_value_empty_list;
  response->args = &kabar_imap_value_empty_list;
  response->text = "";
  response->arena_next = (char *) response + header;
  response->arena_end = response->arena_next + area;
  response->arena_size = header + area;
  response->next_block_size = ARENA_FIRST_BLOCK;
  return response;
}

static gpointer
arena_new_block (KabarImapResponse *response,
                 gsize              size)
{
  KabarImapArenaBlock *block = g_malloc (sizeof (KabarImapArenaBlock) + size);

  block->next = response->blocks;
  response->blocks = block;
  response->arena_size += sizeof (KabarImapArenaBlock) + size;
  return block + 1;
}

gpointer
kabar_imap_response_alloc (KabarImapResponse *response,
                           gsize              size)
{
  char *data;

  size = align_up (size);
  if (G_LIKELY (size <= (gsize) (response->arena_end - response->arena_next)))
    {
      data = response->arena_next;
      response->arena_next += size;
      return data;
    }
  if (size > ARENA_OWN_BLOCK_ABOVE)
    return arena_new_block (response, size);

  data = arena_new_block (response, response->next_block_size);
  response->arena_next = data + size;
  response->arena_end = data + response->next_block_size;
  response->next_block_size = MIN (response->next_block_size * 2, ARENA_MAX_BLOCK);
  return data;
}

char *
kabar_imap_response_strndup (KabarImapResponse *response,
                             const char        *text,
                             gsize              length)
{
  char *copy = kabar_imap_response_alloc (response, length + 1);

  memcpy (copy, text, length);
  copy[length] = '\0';
  return copy;
}

KabarImapResponse *
kabar_imap_response_ref (KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  g_atomic_ref_count_inc (&response->ref_count);
  return response;
}

void
kabar_imap_response_unref (KabarImapResponse *response)
{
  KabarImapArenaBlock *block;

  g_return_if_fail (response != NULL);

  if (!g_atomic_ref_count_dec (&response->ref_count))
    return;
  block = response->blocks;
  while (block != NULL)
    {
      KabarImapArenaBlock *next = block->next;

      g_free (block);
      block = next;
    }
  g_free (response);
}

KabarImapResponseKind
kabar_imap_response_get_kind (const KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, KABAR_IMAP_RESPONSE_UNTAGGED);
  return response->kind;
}

const char *
kabar_imap_response_get_tag (const KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->tag;
}

KabarImapStatus
kabar_imap_response_get_status (const KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, KABAR_IMAP_STATUS_NONE);
  return response->status;
}

KabarImapCode
kabar_imap_response_get_code (const KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, KABAR_IMAP_CODE_NONE);
  return response->code;
}

const char *
kabar_imap_response_get_code_name (const KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->code_name;
}

const KabarImapValue *
kabar_imap_response_get_code_args (const KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->code_args;
}

const char *
kabar_imap_response_get_code_text (const KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->code_text != NULL ? response->code_text : "";
}

gboolean
kabar_imap_response_get_code_number (const KabarImapResponse *response,
                                     guint64                 *number)
{
  g_return_val_if_fail (response != NULL, FALSE);

  switch (response->code)
    {
    case KABAR_IMAP_CODE_UIDNEXT:
    case KABAR_IMAP_CODE_UIDVALIDITY:
    case KABAR_IMAP_CODE_UNSEEN:
    case KABAR_IMAP_CODE_HIGHESTMODSEQ:
    case KABAR_IMAP_CODE_APPENDUID:
    case KABAR_IMAP_CODE_COPYUID:
      return kabar_imap_value_get_number (kabar_imap_value_get_list_item (response->code_args, 0),
                                          number);
    case KABAR_IMAP_CODE_NONE:
    case KABAR_IMAP_CODE_UNKNOWN:
    case KABAR_IMAP_CODE_ALERT:
    case KABAR_IMAP_CODE_BADCHARSET:
    case KABAR_IMAP_CODE_CAPABILITY:
    case KABAR_IMAP_CODE_PARSE:
    case KABAR_IMAP_CODE_PERMANENTFLAGS:
    case KABAR_IMAP_CODE_READ_ONLY:
    case KABAR_IMAP_CODE_READ_WRITE:
    case KABAR_IMAP_CODE_TRYCREATE:
    case KABAR_IMAP_CODE_UIDNOTSTICKY:
    case KABAR_IMAP_CODE_NOMODSEQ:
    case KABAR_IMAP_CODE_MODIFIED:
    case KABAR_IMAP_CODE_CLOSED:
    case KABAR_IMAP_CODE_UNAVAILABLE:
    case KABAR_IMAP_CODE_AUTHENTICATIONFAILED:
    case KABAR_IMAP_CODE_AUTHORIZATIONFAILED:
    case KABAR_IMAP_CODE_EXPIRED:
    case KABAR_IMAP_CODE_PRIVACYREQUIRED:
    case KABAR_IMAP_CODE_CONTACTADMIN:
    case KABAR_IMAP_CODE_NOPERM:
    case KABAR_IMAP_CODE_INUSE:
    case KABAR_IMAP_CODE_EXPUNGEISSUED:
    case KABAR_IMAP_CODE_CORRUPTION:
    case KABAR_IMAP_CODE_SERVERBUG:
    case KABAR_IMAP_CODE_CLIENTBUG:
    case KABAR_IMAP_CODE_CANNOT:
    case KABAR_IMAP_CODE_LIMIT:
    case KABAR_IMAP_CODE_OVERQUOTA:
    case KABAR_IMAP_CODE_ALREADYEXISTS:
    case KABAR_IMAP_CODE_NONEXISTENT:
    default:
      return FALSE;
    }
}

const char *
kabar_imap_response_get_text (const KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->text;
}

KabarImapDataKind
kabar_imap_response_get_data_kind (const KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, KABAR_IMAP_DATA_NONE);
  return response->data_kind;
}

const char *
kabar_imap_response_get_name (const KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->name;
}

gboolean
kabar_imap_response_get_number (const KabarImapResponse *response,
                                guint64                 *number)
{
  g_return_val_if_fail (response != NULL, FALSE);

  if (number != NULL)
    *number = response->has_number ? response->number : 0;
  return response->has_number;
}

const KabarImapValue *
kabar_imap_response_get_args (const KabarImapResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->args;
}

static const KabarImapValue *
fetch_items (const KabarImapResponse *response)
{
  if (response->data_kind != KABAR_IMAP_DATA_FETCH)
    return NULL;
  /* The parser only delivers a FETCH whose one argument is a list of
   * atom-value pairs. */
  return kabar_imap_value_get_list_item (response->args, 0);
}

const KabarImapValue *
kabar_imap_response_lookup_fetch_item (const KabarImapResponse *response,
                                       const char              *key)
{
  const KabarImapValue *items;

  g_return_val_if_fail (response != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  items = fetch_items (response);
  if (items == NULL)
    return NULL;
  for (guint i = 0; i + 1 < items->n_items; i += 2)
    if (g_ascii_strcasecmp (items->u.items[i]->text, key) == 0)
      return items->u.items[i + 1];
  return NULL;
}

void
kabar_imap_fetch_iter_init (KabarImapFetchIter      *iter,
                            const KabarImapResponse *response)
{
  g_return_if_fail (iter != NULL);
  g_return_if_fail (response != NULL);

  iter->list = fetch_items (response);
  iter->index = 0;
}

gboolean
kabar_imap_fetch_iter_next (KabarImapFetchIter    *iter,
                            const char           **key,
                            const KabarImapValue **value)
{
  g_return_val_if_fail (iter != NULL, FALSE);

  if (iter->list == NULL || iter->index + 1 >= iter->list->n_items)
    return FALSE;
  if (key != NULL)
    *key = iter->list->u.items[iter->index]->text;
  if (value != NULL)
    *value = iter->list->u.items[iter->index + 1];
  iter->index += 2;
  return TRUE;
}

/* --- Values --------------------------------------------------------------- */

KabarImapValueKind
kabar_imap_value_get_kind (const KabarImapValue *value)
{
  /* NULL is what get_list_item answers out of range: no critical, so
   * "is the third argument a list" is one call. */
  return value != NULL ? value->kind : KABAR_IMAP_VALUE_NIL;
}

gboolean
kabar_imap_value_is_nil (const KabarImapValue *value)
{
  return value != NULL && value->kind == KABAR_IMAP_VALUE_NIL;
}

const char *
kabar_imap_value_get_atom (const KabarImapValue *value)
{
  if (value == NULL || value->kind != KABAR_IMAP_VALUE_ATOM)
    return NULL;
  return value->text;
}

gboolean
kabar_imap_value_get_number (const KabarImapValue *value,
                             guint64              *number)
{
  gboolean is_number = value != NULL && value->kind == KABAR_IMAP_VALUE_NUMBER;

  if (number != NULL)
    *number = is_number ? value->u.number : 0;
  return is_number;
}

const char *
kabar_imap_value_get_string (const KabarImapValue *value,
                             gsize                *length)
{
  gboolean is_string = value != NULL && value->kind == KABAR_IMAP_VALUE_STRING;

  if (length != NULL)
    *length = is_string ? (gsize) value->size : 0;
  return is_string ? value->text : NULL;
}

GBytes *
kabar_imap_value_dup_bytes (const KabarImapValue *value)
{
  if (value == NULL || value->kind != KABAR_IMAP_VALUE_STRING)
    return NULL;
  return g_bytes_new (value->text, (gsize) value->size);
}

const char *
kabar_imap_value_get_text (const KabarImapValue *value)
{
  if (value == NULL)
    return NULL;
  switch ((KabarImapValueKind) value->kind)
    {
    case KABAR_IMAP_VALUE_ATOM:
    case KABAR_IMAP_VALUE_NUMBER:
    case KABAR_IMAP_VALUE_STRING:
      return value->text;
    case KABAR_IMAP_VALUE_NIL:
    case KABAR_IMAP_VALUE_LIST:
    case KABAR_IMAP_VALUE_STREAMED:
    default:
      return NULL;
    }
}

gboolean
kabar_imap_value_is_atom (const KabarImapValue *value,
                          const char           *atom)
{
  g_return_val_if_fail (atom != NULL, FALSE);

  return value != NULL && value->kind == KABAR_IMAP_VALUE_ATOM &&
         g_ascii_strcasecmp (value->text, atom) == 0;
}

gboolean
kabar_imap_value_is_literal (const KabarImapValue *value)
{
  return value != NULL && (value->flags & KABAR_IMAP_VALUE_FLAG_LITERAL) != 0;
}

gboolean
kabar_imap_value_is_binary (const KabarImapValue *value)
{
  return value != NULL && (value->flags & KABAR_IMAP_VALUE_FLAG_BINARY) != 0;
}

guint
kabar_imap_value_get_list_length (const KabarImapValue *value)
{
  if (value == NULL || value->kind != KABAR_IMAP_VALUE_LIST)
    return 0;
  return value->n_items;
}

const KabarImapValue *
kabar_imap_value_get_list_item (const KabarImapValue *value,
                                guint                 index)
{
  if (value == NULL || value->kind != KABAR_IMAP_VALUE_LIST || index >= value->n_items)
    return NULL;
  return value->u.items[index];
}

guint64
kabar_imap_value_get_streamed_size (const KabarImapValue *value)
{
  if (value == NULL || value->kind != KABAR_IMAP_VALUE_STREAMED)
    return 0;
  return value->size;
}

guint64
kabar_imap_value_get_stream_id (const KabarImapValue *value)
{
  if (value == NULL || value->kind != KABAR_IMAP_VALUE_STREAMED)
    return 0;
  return value->u.stream_id;
}

/* --- Rendering ------------------------------------------------------------ */

static void
append_escaped (GString    *out,
                const char *data,
                gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) data[i];

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c >= 0x20 && c < 0x7f)
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
}

static void
append_value (GString              *out,
              const KabarImapValue *value)
{
  switch ((KabarImapValueKind) value->kind)
    {
    case KABAR_IMAP_VALUE_NIL:
      g_string_append (out, "NIL");
      break;
    case KABAR_IMAP_VALUE_ATOM:
    case KABAR_IMAP_VALUE_NUMBER:
      append_escaped (out, value->text, (gsize) value->size);
      break;
    case KABAR_IMAP_VALUE_STRING:
      if (value->flags & KABAR_IMAP_VALUE_FLAG_LITERAL)
        g_string_append_printf (out, "%s{%" G_GUINT64_FORMAT "}",
                                (value->flags & KABAR_IMAP_VALUE_FLAG_BINARY) ? "~" : "",
                                value->size);
      g_string_append_c (out, '"');
      append_escaped (out, value->text, (gsize) value->size);
      g_string_append_c (out, '"');
      break;
    case KABAR_IMAP_VALUE_LIST:
      g_string_append_c (out, '(');
      for (guint i = 0; i < value->n_items; i++)
        {
          if (i > 0)
            g_string_append_c (out, ' ');
          append_value (out, value->u.items[i]);
        }
      g_string_append_c (out, ')');
      break;
    case KABAR_IMAP_VALUE_STREAMED:
      g_string_append_printf (out, "<%sstreamed #%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " bytes>",
                              (value->flags & KABAR_IMAP_VALUE_FLAG_BINARY) ? "binary " : "",
                              value->u.stream_id, value->size);
      break;
    default:
      g_assert_not_reached ();
    }
}

static const char *
status_to_string (KabarImapStatus status)
{
  switch (status)
    {
    case KABAR_IMAP_STATUS_OK:
      return "OK";
    case KABAR_IMAP_STATUS_NO:
      return "NO";
    case KABAR_IMAP_STATUS_BAD:
      return "BAD";
    case KABAR_IMAP_STATUS_PREAUTH:
      return "PREAUTH";
    case KABAR_IMAP_STATUS_BYE:
      return "BYE";
    case KABAR_IMAP_STATUS_NONE:
    default:
      return NULL;
    }
}

static void
append_code (GString                 *out,
             const KabarImapResponse *response)
{
  if (response->code == KABAR_IMAP_CODE_NONE)
    return;
  g_string_append_printf (out, " [%s", response->code_name);
  for (guint i = 0; i < response->code_args->n_items; i++)
    {
      g_string_append_c (out, ' ');
      append_value (out, response->code_args->u.items[i]);
    }
  if (response->code == KABAR_IMAP_CODE_UNKNOWN && response->code_text != NULL &&
      response->code_text[0] != '\0')
    {
      g_string_append (out, " raw=\"");
      append_escaped (out, response->code_text, strlen (response->code_text));
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, ']');
}

char *
kabar_imap_response_to_string (const KabarImapResponse *response)
{
  GString *out;

  g_return_val_if_fail (response != NULL, NULL);

  out = g_string_new (NULL);
  switch (response->kind)
    {
    case KABAR_IMAP_RESPONSE_TAGGED:
      append_escaped (out, response->tag, strlen (response->tag));
      break;
    case KABAR_IMAP_RESPONSE_UNTAGGED:
      g_string_append_c (out, '*');
      break;
    case KABAR_IMAP_RESPONSE_CONTINUATION:
      g_string_append_c (out, '+');
      break;
    default:
      g_assert_not_reached ();
    }
  if (response->has_number)
    g_string_append_printf (out, " %" G_GUINT64_FORMAT, response->number);
  if (response->status != KABAR_IMAP_STATUS_NONE)
    g_string_append_printf (out, " %s", status_to_string (response->status));
  else if (response->name != NULL)
    g_string_append_printf (out, " %s", response->name);
  append_code (out, response);
  for (guint i = 0; i < response->args->n_items; i++)
    {
      g_string_append_c (out, ' ');
      append_value (out, response->args->u.items[i]);
    }
  if (response->text[0] != '\0')
    {
      g_string_append (out, " text=\"");
      append_escaped (out, response->text, strlen (response->text));
      g_string_append_c (out, '"');
    }
  return g_string_free (out, FALSE);
}
