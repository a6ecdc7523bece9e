/* kabar-search-model.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-search-model.h"

/* How long a burst of "folder-changed" (a sync storing a batch, bodies
 * arriving) may go on before the results are read again. */
#define REFRESH_DELAY_MS 500

struct _KabarSearchModel
{
  GObject           parent_instance;

  KabarMailService *service;
  gint64            folder_id;
  char             *query;

  /* KabarMessageItem, owned. */
  GPtrArray        *items;
  /* The run under way; cancelled by the next one. */
  GCancellable     *cancellable;
  gboolean          searching;
  /* The folder changed: run again once the run under way is done. */
  gboolean          changed;
  guint             refresh_source;
};

enum
{
  PROP_0,
  PROP_QUERY,
  PROP_SEARCHING,
  PROP_N_RESULTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void kabar_search_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KabarSearchModel, kabar_search_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      kabar_search_model_list_model_init))

/* --- the items ----------------------------------------------------------------------- */

static void
items_changed (KabarSearchModel *self,
               guint             position,
               guint             removed,
               guint             added)
{
  if (removed == 0 && added == 0)
    return;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RESULTS]);
}

static void
clear_items (KabarSearchModel *self)
{
  guint removed = self->items->len;

  g_ptr_array_set_size (self->items, 0);
  items_changed (self, 0, removed, 0);
}

static void
append_summaries (KabarSearchModel *self,
                  GPtrArray        *summaries)
{
  guint position = self->items->len;

  for (guint i = 0; i < summaries->len; i++)
    g_ptr_array_add (self->items, kabar_message_item_new (g_ptr_array_index (summaries, i)));
  items_changed (self, position, 0, summaries->len);
}

/* The results of a run again: the items of messages still found stay,
 * updated; when the list is the same messages in the same order, only
 * the items say what changed, so the view keeps its selection. */
static void
replace_summaries (KabarSearchModel *self,
                   GPtrArray        *summaries)
{
  /* Keys of their own: an update frees the item's old summary. */
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean same = summaries->len == self->items->len;
  guint removed = self->items->len;

  for (guint i = 0; i < self->items->len; i++)
    {
      KabarMessageItem *item = g_ptr_array_index (self->items, i);

      gint64 id = kabar_message_item_get_id (item);

      g_hash_table_insert (by_id, g_memdup2 (&id, sizeof id), item);
    }
  for (guint i = 0; i < summaries->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (summaries, i);
      KabarMessageItem *item = g_hash_table_lookup (by_id, &summary->id);

      if (item != NULL)
        {
          kabar_message_item_update (item, summary);
          g_ptr_array_add (items, g_object_ref (item));
        }
      else
        g_ptr_array_add (items, kabar_message_item_new (summary));
      same = same && g_ptr_array_index (items, i) == g_ptr_array_index (self->items, i);
    }
  if (same)
    return;
  g_ptr_array_unref (self->items);
  self->items = g_steal_pointer (&items);
  items_changed (self, 0, removed, self->items->len);
}

/* --- running a query ------------------------------------------------------------------- */

static void schedule_refresh (KabarSearchModel *self);

typedef struct
{
  KabarSearchModel *self;
  /* A run again after a change: applied whole at its end, not stage by
   * stage, so the list does not empty and fill again. */
  gboolean          refresh;
  GPtrArray        *local;
} Run;

static void
run_free (Run *run)
{
  g_clear_pointer (&run->local, g_ptr_array_unref);
  g_free (run);
}

static void
set_searching (KabarSearchModel *self,
               gboolean          searching)
{
  if (self->searching == searching)
    return;
  self->searching = searching;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
}

static void
run_done (KabarSearchModel *self)
{
  set_searching (self, FALSE);
  if (self->changed)
    schedule_refresh (self);
}

static void
on_server_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;
  KabarSearchModel *self = run->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) additions = kabar_mail_service_search_server_finish (KABAR_MAIL_SERVICE (source),
                                                                            result, &error);

  /* A newer run took over, or the model went: self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      run_free (run);
      return;
    }
  /* The local results stand: the server is a bonus. */
  if (additions == NULL)
    g_message ("The server could not search for \"%s\": %s", self->query, error->message);
  if (run->refresh)
    {
      if (additions != NULL)
        g_ptr_array_extend_and_steal (run->local, g_steal_pointer (&additions));
      replace_summaries (self, run->local);
    }
  else if (additions != NULL)
    append_summaries (self, additions);
  run_free (run);
  run_done (self);
}

static void
on_local_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;
  KabarSearchModel *self = run->self;
  g_autoptr(GError) error = NULL;

  run->local = kabar_mail_service_search_local_finish (KABAR_MAIL_SERVICE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      run_free (run);
      return;
    }
  if (run->local == NULL)
    {
      g_warning ("Could not search for \"%s\": %s", self->query, error->message);
      run_free (run);
      run_done (self);
      return;
    }
  if (!run->refresh)
    append_summaries (self, run->local);
  kabar_mail_service_search_server_async (self->service, self->folder_id, self->query, self->cancellable,
                                          on_server_done, run);
}

static gboolean
has_query (KabarSearchModel *self)
{
  for (const char *p = self->query; p != NULL && *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return TRUE;
  return FALSE;
}

static void
start_run (KabarSearchModel *self,
           gboolean          refresh)
{
  Run *run;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  self->changed = FALSE;
  if (!refresh)
    clear_items (self);
  if (!has_query (self))
    {
      clear_items (self);
      set_searching (self, FALSE);
      return;
    }
  self->cancellable = g_cancellable_new ();
  run = g_new0 (Run, 1);
  run->self = self;
  run->refresh = refresh;
  set_searching (self, TRUE);
  kabar_mail_service_search_local_async (self->service, self->folder_id, self->query, self->cancellable,
                                         on_local_done, run);
}

/* --- following the folder -------------------------------------------------------------- */

static gboolean
on_refresh_timeout (gpointer user_data)
{
  KabarSearchModel *self = user_data;

  self->refresh_source = 0;
  start_run (self, TRUE);
  return G_SOURCE_REMOVE;
}

/* A run is left to finish (a refresh cancelling a refresh, change after
 * change, would never show anything); the next one starts after it. */
static void
schedule_refresh (KabarSearchModel *self)
{
  self->changed = TRUE;
  if (self->searching || self->refresh_source != 0 || !has_query (self))
    return;
  self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, on_refresh_timeout, self);
}

static void
on_folder_changed (KabarMailService *service,
                   gint64            folder_id,
                   KabarSearchModel *self)
{
  if (self->folder_id == 0 || folder_id == self->folder_id)
    schedule_refresh (self);
}

/* --- GListModel ------------------------------------------------------------------------ */

static GType
kabar_search_model_get_item_type (GListModel *model)
{
  return KABAR_TYPE_MESSAGE_ITEM;
}

static guint
kabar_search_model_get_n_items (GListModel *model)
{
  return KABAR_SEARCH_MODEL (model)->items->len;
}

static gpointer
kabar_search_model_get_item (GListModel *model,
                             guint       position)
{
  KabarSearchModel *self = KABAR_SEARCH_MODEL (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
kabar_search_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kabar_search_model_get_item_type;
  iface->get_n_items = kabar_search_model_get_n_items;
  iface->get_item = kabar_search_model_get_item;
}

/* --- public ------------------------------------------------------------------------------ */

KabarSearchModel *
kabar_search_model_new (KabarMailService *service,
                        gint64            folder_id,
                        const char       *query)
{
  KabarSearchModel *self;

  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (service), NULL);

  self = g_object_new (KABAR_TYPE_SEARCH_MODEL, NULL);
  self->service = g_object_ref (service);
  self->folder_id = folder_id;
  g_signal_connect (service, "folder-changed", G_CALLBACK (on_folder_changed), self);
  kabar_search_model_set_query (self, query);
  return self;
}

KabarMailService *
kabar_search_model_get_service (KabarSearchModel *self)
{
  g_return_val_if_fail (KABAR_IS_SEARCH_MODEL (self), NULL);
  return self->service;
}

gint64
kabar_search_model_get_folder_id (KabarSearchModel *self)
{
  g_return_val_if_fail (KABAR_IS_SEARCH_MODEL (self), 0);
  return self->folder_id;
}

const char *
kabar_search_model_get_query (KabarSearchModel *self)
{
  g_return_val_if_fail (KABAR_IS_SEARCH_MODEL (self), NULL);
  return self->query;
}

void
kabar_search_model_set_query (KabarSearchModel *self,
                              const char       *query)
{
  g_return_if_fail (KABAR_IS_SEARCH_MODEL (self));

  if (self->query != NULL && g_strcmp0 (self->query, query) == 0)
    return;
  g_free (self->query);
  self->query = g_strdup (query != NULL ? query : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);
  start_run (self, FALSE);
}

gboolean
kabar_search_model_get_searching (KabarSearchModel *self)
{
  g_return_val_if_fail (KABAR_IS_SEARCH_MODEL (self), FALSE);
  return self->searching;
}

guint
kabar_search_model_get_n_results (KabarSearchModel *self)
{
  g_return_val_if_fail (KABAR_IS_SEARCH_MODEL (self), 0);
  return self->items->len;
}

static void
kabar_search_model_dispose (GObject *object)
{
  KabarSearchModel *self = KABAR_SEARCH_MODEL (object);

  /* The runs' callbacks then see the cancellation and leave self alone. */
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  G_OBJECT_CLASS (kabar_search_model_parent_class)->dispose (object);
}

static void
kabar_search_model_finalize (GObject *object)
{
  KabarSearchModel *self = KABAR_SEARCH_MODEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  g_ptr_array_unref (self->items);
  g_free (self->query);
  G_OBJECT_CLASS (kabar_search_model_parent_class)->finalize (object);
}

static void
kabar_search_model_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KabarSearchModel *self = KABAR_SEARCH_MODEL (object);

  switch (prop_id)
    {
    case PROP_QUERY:
      g_value_set_string (value, self->query);
      break;
    case PROP_SEARCHING:
      g_value_set_boolean (value, self->searching);
      break;
    case PROP_N_RESULTS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_search_model_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KabarSearchModel *self = KABAR_SEARCH_MODEL (object);

  switch (prop_id)
    {
    case PROP_QUERY:
      kabar_search_model_set_query (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_search_model_class_init (KabarSearchModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_search_model_dispose;
  object_class->finalize = kabar_search_model_finalize;
  object_class->get_property = kabar_search_model_get_property;
  object_class->set_property = kabar_search_model_set_property;

  properties[PROP_QUERY] =
    g_param_spec_string ("query", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCHING] =
    g_param_spec_boolean ("searching", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_RESULTS] =
    g_param_spec_uint ("n-results", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kabar_search_model_init (KabarSearchModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}
