/* kabar-graph-server-delta.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Delta collections: every put and remove stamps the item's id with the
 * server's clock, so a token is only a clock reading. A round (one
 * initial or incremental sync) fixes its ids at its first page; its skip
 * tokens can be replayed (a client retrying after a cut gets the same
 * page), and its last page's delta token reads the clock of its start.
 */

#include <string.h>

#include "kabar-graph-server-impl.h"

struct _KabarGraphDelta
{
  KabarGraphServer *server;
  guint             number;
  GHashTable       *items;    /* id -> JsonObject */
  GPtrArray        *order;    /* ids of present items, first put first */
  GHashTable       *changes;  /* id -> clock of its last change, as a pointer */
};

typedef struct
{
  guint       delta;      /* collection number */
  guint64     until;      /* the clock when the round started */
  GHashTable *query;      /* the round's first request's */
  GPtrArray  *ids;        /* NULL for a delta token */
  guint       offset;
  gboolean    initial;    /* absent items are left out, not @removed */
  gboolean    refused;
} DeltaState;

static void
delta_state_free (DeltaState *state)
{
  g_clear_pointer (&state->query, g_hash_table_unref);
  g_clear_pointer (&state->ids, g_ptr_array_unref);
  g_free (state);
}

void
kabar_graph_server_delta_states_init (KabarGraphServer *self)
{
  self->delta_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) delta_state_free);
}

void
kabar_graph_server_delta_states_free (KabarGraphServer *self)
{
  g_clear_pointer (&self->delta_states, g_hash_table_unref);
}

void
kabar_graph_server_delta_states_refuse (KabarGraphServer *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->delta_states);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((DeltaState *) value)->refused = TRUE;
}

/* --- the collection ------------------------------------------------------------- */

KabarGraphDelta *
kabar_graph_delta_new (KabarGraphServer *server)
{
  KabarGraphDelta *delta = g_new0 (KabarGraphDelta, 1);

  delta->server = server;
  delta->number = ++server->next_delta;
  delta->items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  delta->order = g_ptr_array_new_with_free_func (g_free);
  delta->changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (server->deltas, GUINT_TO_POINTER (delta->number), delta);
  return delta;
}

void
kabar_graph_delta_free (KabarGraphDelta *delta)
{
  if (delta == NULL)
    return;
  g_hash_table_remove (delta->server->deltas, GUINT_TO_POINTER (delta->number));
  g_hash_table_unref (delta->items);
  g_ptr_array_unref (delta->order);
  g_hash_table_unref (delta->changes);
  g_free (delta);
}

static void
stamp (KabarGraphDelta *delta,
       const char      *id)
{
  guint64 clock = kabar_graph_server_tick (delta->server);

  g_hash_table_replace (delta->changes, g_strdup (id), GSIZE_TO_POINTER ((gsize) clock));
}

void
kabar_graph_delta_put (KabarGraphDelta *delta,
                       JsonObject      *item)
{
  const char *id = json_object_get_string_member (item, "id");

  if (!g_hash_table_contains (delta->items, id))
    g_ptr_array_add (delta->order, g_strdup (id));
  stamp (delta, id);
  g_hash_table_replace (delta->items, g_strdup (id), item);
}

static gboolean
same_id (gconstpointer a,
         gconstpointer b)
{
  return g_str_equal (a, b);
}

gboolean
kabar_graph_delta_remove (KabarGraphDelta *delta,
                          const char      *id)
{
  guint index;

  if (!g_ptr_array_find_with_equal_func (delta->order, id, same_id, &index))
    return FALSE;
  stamp (delta, id);
  g_hash_table_remove (delta->items, id);
  g_ptr_array_remove_index (delta->order, index);
  return TRUE;
}

JsonObject *
kabar_graph_delta_get (KabarGraphDelta *delta,
                       const char      *id)
{
  return g_hash_table_lookup (delta->items, id);
}

GPtrArray *
kabar_graph_delta_list (KabarGraphDelta *delta)
{
  GPtrArray *ids = g_ptr_array_sized_new (delta->order->len);

  for (guint i = 0; i < delta->order->len; i++)
    g_ptr_array_add (ids, g_ptr_array_index (delta->order, i));
  return ids;
}

guint
kabar_graph_delta_size (KabarGraphDelta *delta)
{
  return delta->order->len;
}

/* --- answering ------------------------------------------------------------------ */

typedef struct
{
  const char *id;
  guint64     clock;
} Change;

static int
compare_changes (gconstpointer a,
                 gconstpointer b)
{
  const Change *first = a, *second = b;

  return first->clock < second->clock ? -1 : first->clock > second->clock;
}

/* The ids changed since a clock reading, oldest change first. */
static GPtrArray *
changed_since (KabarGraphDelta *delta,
               guint64          since)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, delta->changes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if ((guint64) GPOINTER_TO_SIZE (value) > since)
      {
        Change change = { key, (guint64) GPOINTER_TO_SIZE (value) };

        g_array_append_val (changes, change);
      }
  g_array_sort (changes, compare_changes);
  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (ids, g_strdup (g_array_index (changes, Change, i).id));
  return ids;
}

static char *
new_token (KabarGraphServer *self,
           DeltaState       *state)
{
  g_autofree char *uuid = g_uuid_string_random ();
  char *token = g_strdup_printf ("%s%s", state->ids != NULL ? "s" : "d", uuid);

  /* Without '-', as Graph's opaque tokens. */
  g_strdelimit (token, "-", 'A');
  g_hash_table_insert (self->delta_states, g_strdup (token), state);
  return token;
}

static GHashTable *
query_without_tokens (GHashTable *query)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_str_equal (key, "$skiptoken") && !g_str_equal (key, "$deltatoken"))
      g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
  return copy;
}

static JsonObject *
removed_item (const char *id)
{
  JsonObject *item = json_object_new ();
  JsonObject *removed = json_object_new ();

  json_object_set_string_member (item, "id", id);
  json_object_set_string_member (removed, "reason", "deleted");
  json_object_set_object_member (item, "@removed", removed);
  return item;
}

static void
answer_page (KabarGraphDelta         *delta,
             const KabarGraphRequest *request,
             DeltaState              *round,
             KabarGraphDeltaFilter    filter,
             gpointer                 filter_data,
             KabarGraphResponse      *response)
{
  KabarGraphServer *self = delta->server;
  JsonObject *object = json_object_new ();
  JsonArray *value = json_array_new ();
  g_autofree char *base = kabar_graph_server_link_base (self);
  g_autofree char *context = g_strdup_printf ("%s/$metadata#Collection(%s)", self->base_uri,
                                              request->path + 1);
  g_autofree char *token = NULL;
  g_autofree char *link = NULL;
  DeltaState *next = g_new0 (DeltaState, 1);
  guint shown = 0;
  guint i;

  for (i = round->offset; i < round->ids->len && shown < request->page_size; i++)
    {
      const char *id = g_ptr_array_index (round->ids, i);
      JsonObject *item = g_hash_table_lookup (delta->items, id);
      gboolean there = item != NULL && (filter == NULL || filter (item, round->query, filter_data));

      if (there)
        json_array_add_object_element (value, json_object_ref (item));
      else if (!round->initial)
        json_array_add_object_element (value, removed_item (id));
      else
        continue;
      shown++;
    }
  next->delta = round->delta;
  next->until = round->until;
  next->query = g_hash_table_ref (round->query);
  next->initial = round->initial;
  json_object_set_string_member (object, "@odata.context", context);
  if (i < round->ids->len)
    {
      next->ids = g_ptr_array_ref (round->ids);
      next->offset = i;
      token = new_token (self, next);
      link = g_strdup_printf ("%s%s?$skiptoken=%s", base, request->path, token);
      json_object_set_string_member (object, "@odata.nextLink", link);
    }
  else
    {
      token = new_token (self, next);
      link = g_strdup_printf ("%s%s?$deltatoken=%s", base, request->path, token);
      json_object_set_string_member (object, "@odata.deltaLink", link);
    }
  json_object_set_array_member (object, "value", value);
  kabar_graph_response_set_object (response, 200, object);
}

/* The state of the request's token, or NULL when it has none; FALSE when
 * refused (answered). */
static gboolean
find_state (KabarGraphDelta         *delta,
            const KabarGraphRequest *request,
            DeltaState             **state)
{
  const char *token = g_hash_table_lookup (request->query, "$skiptoken");

  if (token == NULL)
    token = g_hash_table_lookup (request->query, "$deltatoken");
  *state = NULL;
  if (token == NULL)
    return TRUE;
  *state = g_hash_table_lookup (delta->server->delta_states, token);
  if (*state == NULL || (*state)->refused || (*state)->delta != delta->number)
    return FALSE;
  return TRUE;
}

void
kabar_graph_delta_answer (KabarGraphDelta         *delta,
                          const KabarGraphRequest *request,
                          KabarGraphDeltaFilter    filter,
                          gpointer                 filter_data,
                          KabarGraphResponse      *response)
{
  DeltaState *state;
  DeltaState round = { 0, };

  if (!find_state (delta, request, &state))
    {
      kabar_graph_response_set_error (response, 410, "syncStateNotFound",
                                      "The sync state generation is not found. Please restart the "
                                      "sync without a state token.");
      return;
    }
  if (state != NULL && state->ids != NULL)
    {
      answer_page (delta, request, state, filter, filter_data, response);
      return;
    }
  round.delta = delta->number;
  round.until = delta->server->sequence;
  if (state != NULL)
    {
      round.query = g_hash_table_ref (state->query);
      round.ids = changed_since (delta, state->until);
    }
  else
    {
      round.query = query_without_tokens (request->query);
      round.ids = g_ptr_array_new_with_free_func (g_free);
      round.initial = TRUE;
      for (guint i = 0; i < delta->order->len; i++)
        g_ptr_array_add (round.ids, g_strdup (g_ptr_array_index (delta->order, i)));
    }
  answer_page (delta, request, &round, filter, filter_data, response);
  g_hash_table_unref (round.query);
  g_ptr_array_unref (round.ids);
}
