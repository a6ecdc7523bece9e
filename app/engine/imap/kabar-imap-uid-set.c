/* kabar-imap-uid-set.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-imap-error.h"
#include "kabar-imap-uid-set.h"

typedef struct
{
  guint32 first;
  guint32 last;
} Range;

struct _KabarImapUidSet
{
  GArray *ranges;   /* sorted, disjoint, not adjacent */
};

G_DEFINE_BOXED_TYPE (KabarImapUidSet, kabar_imap_uid_set, kabar_imap_uid_set_copy, kabar_imap_uid_set_free)

KabarImapUidSet *
kabar_imap_uid_set_new (void)
{
  KabarImapUidSet *self = g_new0 (KabarImapUidSet, 1);

  self->ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  return self;
}

KabarImapUidSet *
kabar_imap_uid_set_new_range (guint32 first,
                              guint32 last)
{
  KabarImapUidSet *self = kabar_imap_uid_set_new ();

  kabar_imap_uid_set_add_range (self, first, last);
  return self;
}

KabarImapUidSet *
kabar_imap_uid_set_copy (const KabarImapUidSet *self)
{
  KabarImapUidSet *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = kabar_imap_uid_set_new ();
  g_array_append_vals (copy->ranges, self->ranges->data, self->ranges->len);
  return copy;
}

void
kabar_imap_uid_set_free (KabarImapUidSet *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->ranges);
  g_free (self);
}

static Range *
range_at (const KabarImapUidSet *self,
          guint                  index)
{
  return &g_array_index (self->ranges, Range, index);
}

/* Joins the range at index with the ranges after it that it now overlaps
 * or touches. */
static void
merge_forward (KabarImapUidSet *self,
               guint            index)
{
  Range *range = range_at (self, index);
  guint next = index + 1;

  while (next < self->ranges->len && range_at (self, next)->first <= (guint64) range->last + 1)
    {
      range->last = MAX (range->last, range_at (self, next)->last);
      next++;
    }
  if (next > index + 1)
    g_array_remove_range (self->ranges, index + 1, next - index - 1);
}

/* The index of the first range that starts after uid. */
static guint
upper_bound (const KabarImapUidSet *self,
             guint32                uid)
{
  guint low = 0;
  guint high = self->ranges->len;

  /* Ascending additions, the common case, land after the last range. */
  if (high > 0 && range_at (self, high - 1)->first <= uid)
    return high;
  while (low < high)
    {
      guint mid = (low + high) / 2;

      if (range_at (self, mid)->first <= uid)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

void
kabar_imap_uid_set_add_range (KabarImapUidSet *self,
                              guint32          first,
                              guint32          last)
{
  Range range = { MIN (first, last), MAX (first, last) };
  guint index;

  g_return_if_fail (self != NULL);
  g_return_if_fail (range.first > 0);

  index = upper_bound (self, range.first);
  if (index > 0 && (guint64) range_at (self, index - 1)->last + 1 >= range.first)
    {
      Range *previous = range_at (self, index - 1);

      previous->last = MAX (previous->last, range.last);
      merge_forward (self, index - 1);
      return;
    }
  g_array_insert_val (self->ranges, index, range);
  merge_forward (self, index);
}

void
kabar_imap_uid_set_add (KabarImapUidSet *self,
                        guint32          uid)
{
  kabar_imap_uid_set_add_range (self, uid, uid);
}

void
kabar_imap_uid_set_add_set (KabarImapUidSet       *self,
                            const KabarImapUidSet *other)
{
  g_return_if_fail (self != NULL && other != NULL);

  for (guint i = 0; i < other->ranges->len; i++)
    kabar_imap_uid_set_add_range (self, range_at (other, i)->first, range_at (other, i)->last);
}

gboolean
kabar_imap_uid_set_contains (const KabarImapUidSet *self,
                             guint32                uid)
{
  guint low = 0;
  guint high;

  g_return_val_if_fail (self != NULL, FALSE);

  high = self->ranges->len;
  while (low < high)
    {
      guint mid = (low + high) / 2;
      const Range *range = range_at (self, mid);

      if (uid < range->first)
        high = mid;
      else if (uid > range->last)
        low = mid + 1;
      else
        return TRUE;
    }
  return FALSE;
}

gboolean
kabar_imap_uid_set_is_empty (const KabarImapUidSet *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->ranges->len == 0;
}

guint64
kabar_imap_uid_set_get_count (const KabarImapUidSet *self)
{
  guint64 count = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->ranges->len; i++)
    count += (guint64) range_at (self, i)->last - range_at (self, i)->first + 1;
  return count;
}

guint
kabar_imap_uid_set_get_n_ranges (const KabarImapUidSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->ranges->len;
}

void
kabar_imap_uid_set_get_range (const KabarImapUidSet *self,
                              guint                  index,
                              guint32               *first,
                              guint32               *last)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (index < self->ranges->len);

  if (first != NULL)
    *first = range_at (self, index)->first;
  if (last != NULL)
    *last = range_at (self, index)->last;
}

GArray *
kabar_imap_uid_set_to_array (const KabarImapUidSet *self)
{
  GArray *uids;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->ranges->len == 0 ||
                        range_at (self, self->ranges->len - 1)->last != KABAR_IMAP_UID_STAR, NULL);

  uids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), (guint) kabar_imap_uid_set_get_count (self));
  for (guint i = 0; i < self->ranges->len; i++)
    for (guint32 uid = range_at (self, i)->first; uid <= range_at (self, i)->last; uid++)
      g_array_append_val (uids, uid);
  return uids;
}

char *
kabar_imap_uid_set_to_string (const KabarImapUidSet *self)
{
  GString *text;

  g_return_val_if_fail (self != NULL, NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < self->ranges->len; i++)
    {
      const Range *range = range_at (self, i);

      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append_printf (text, "%u", range->first);
      if (range->last == KABAR_IMAP_UID_STAR)
        g_string_append (text, ":*");
      else if (range->last != range->first)
        g_string_append_printf (text, ":%u", range->last);
    }
  return g_string_free (text, FALSE);
}

gboolean
kabar_imap_uid_set_equal (const KabarImapUidSet *a,
                          const KabarImapUidSet *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->ranges->len != b->ranges->len)
    return FALSE;
  for (guint i = 0; i < a->ranges->len; i++)
    if (range_at (a, i)->first != range_at (b, i)->first || range_at (a, i)->last != range_at (b, i)->last)
      return FALSE;
  return TRUE;
}

/* One UID or "*"; advances *p. */
static gboolean
parse_uid (const char **p,
           guint32     *uid)
{
  guint64 value = 0;
  const char *start = *p;

  if (**p == '*')
    {
      (*p)++;
      *uid = KABAR_IMAP_UID_STAR;
      return TRUE;
    }
  while (g_ascii_isdigit (**p))
    {
      value = value * 10 + (guint64) (**p - '0');
      if (value > G_MAXUINT32)
        return FALSE;
      (*p)++;
    }
  *uid = (guint32) value;
  return *p > start && value > 0;
}

KabarImapUidSet *
kabar_imap_uid_set_parse (const char  *text,
                          GError     **error)
{
  g_autoptr(KabarImapUidSet) self = kabar_imap_uid_set_new ();
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);

  while (*p != '\0')
    {
      guint32 first;
      guint32 last;

      if (!parse_uid (&p, &first))
        break;
      last = first;
      if (*p == ':' && (p++, !parse_uid (&p, &last)))
        break;
      kabar_imap_uid_set_add_range (self, first, last);
      if (*p == '\0')
        return g_steal_pointer (&self);
      if (*p != ',')
        break;
      p++;
    }
  g_set_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_PARSE,
               "“%s” is not a set of UIDs", text);
  return NULL;
}
