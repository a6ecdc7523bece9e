/* kabar-imap-uid-map.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-imap-results-private.h"
#include "kabar-imap-uid-map.h"

G_DEFINE_BOXED_TYPE (KabarImapUidMap, kabar_imap_uid_map, kabar_imap_uid_map_copy, kabar_imap_uid_map_free)

static KabarImapUidMap *
uid_map_new (guint32 uidvalidity)
{
  KabarImapUidMap *map = g_new0 (KabarImapUidMap, 1);

  map->uidvalidity = uidvalidity;
  map->source = g_array_new (FALSE, FALSE, sizeof (guint32));
  map->destination = g_array_new (FALSE, FALSE, sizeof (guint32));
  return map;
}

KabarImapUidMap *
kabar_imap_uid_map_copy (const KabarImapUidMap *map)
{
  KabarImapUidMap *copy = uid_map_new (map->uidvalidity);

  g_array_append_vals (copy->source, map->source->data, map->source->len);
  g_array_append_vals (copy->destination, map->destination->data, map->destination->len);
  return copy;
}

void
kabar_imap_uid_map_free (KabarImapUidMap *map)
{
  if (map == NULL)
    return;
  g_array_unref (map->source);
  g_array_unref (map->destination);
  g_free (map);
}

guint32
kabar_imap_uid_map_lookup (const KabarImapUidMap *map,
                           guint32                source_uid)
{
  g_return_val_if_fail (map != NULL, 0);

  for (guint i = 0; i < map->source->len && i < map->destination->len; i++)
    if (g_array_index (map->source, guint32, i) == source_uid)
      return g_array_index (map->destination, guint32, i);
  return 0;
}

/* A set in the server's order, as COPYUID pairs its two sets up element by
 * element ("3,1:2" is 3, 1, 2). */
static gboolean
expand_sequence (const char *text,
                 GArray     *uids)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      guint64 first = g_ascii_strtoull (parts[i], &end, 10);
      guint64 last = first;

      if (end == parts[i])
        return FALSE;
      if (*end == ':')
        {
          const char *start = end + 1;

          last = g_ascii_strtoull (start, &end, 10);
          if (end == start)
            return FALSE;
        }
      if (*end != '\0' || first == 0 || last == 0 || first > G_MAXUINT32 || last > G_MAXUINT32 ||
          MAX (first, last) - MIN (first, last) > 10 * 1000 * 1000)
        return FALSE;
      for (guint64 uid = MIN (first, last); uid <= MAX (first, last); uid++)
        {
          guint32 value = (guint32) uid;

          g_array_append_val (uids, value);
        }
    }
  return TRUE;
}

KabarImapUidMap *
kabar_imap_uid_map_new_from_code (KabarImapResponse *response)
{
  const KabarImapValue *args = kabar_imap_response_get_code_args (response);
  g_autoptr(KabarImapUidMap) map = NULL;
  guint64 uidvalidity = 0;

  if (kabar_imap_response_get_code (response) != KABAR_IMAP_CODE_COPYUID ||
      !kabar_imap_response_get_code_number (response, &uidvalidity))
    return NULL;
  map = uid_map_new ((guint32) MIN (uidvalidity, G_MAXUINT32));
  if (!expand_sequence (kabar_imap_value_get_text (kabar_imap_value_get_list_item (args, 1)), map->source) ||
      !expand_sequence (kabar_imap_value_get_text (kabar_imap_value_get_list_item (args, 2)), map->destination) ||
      map->source->len != map->destination->len)
    return NULL;
  return g_steal_pointer (&map);
}
