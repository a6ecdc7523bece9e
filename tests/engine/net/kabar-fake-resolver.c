/* kabar-fake-resolver.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-fake-resolver.h"

struct _KabarFakeResolver
{
  GResolver parent_instance;

  GHashTable *addresses;   /* name -> IPv4 address text */
  GHashTable *silent;      /* names */
  GHashTable *srv;         /* rrname -> GList of GSrvTarget */
  GHashTable *mx;          /* domain -> GList of GVariant (qs) */
  GHashTable *lookups;     /* name -> count */
};

G_DEFINE_FINAL_TYPE (KabarFakeResolver, kabar_fake_resolver, G_TYPE_RESOLVER)

static void
count_lookup (KabarFakeResolver *self,
              const char        *name)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->lookups, name));

  g_hash_table_insert (self->lookups, g_strdup (name), GUINT_TO_POINTER (count + 1));
}

static GList *
lookup (KabarFakeResolver        *self,
        const char               *name,
        GResolverNameLookupFlags  flags,
        GError                  **error)
{
  const char *address = g_hash_table_lookup (self->addresses, name);

  count_lookup (self, name);
  if (address == NULL || (flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY))
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                   "Error resolving “%s”: Name or service not known", name);
      return NULL;
    }
  return g_list_prepend (NULL, g_inet_address_new_from_string (address));
}

static gboolean
on_silent_lookup_cancelled (GCancellable *cancellable,
                            gpointer      user_data)
{
  GTask *task = user_data;

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
  return G_SOURCE_REMOVE;
}

/* A silent name's lookup answers only when cancelled. */
static gboolean
keep_silent (KabarFakeResolver *self,
             const char        *name,
             GTask             *task,
             GCancellable      *cancellable)
{
  if (!g_hash_table_contains (self->silent, name))
    return FALSE;
  count_lookup (self, name);
  if (cancellable != NULL)
    {
      g_autoptr(GSource) source = g_cancellable_source_new (cancellable);

      g_source_set_callback (source, G_SOURCE_FUNC (on_silent_lookup_cancelled),
                             g_object_ref (task), g_object_unref);
      g_source_attach (source, g_main_context_get_thread_default ());
    }
  return TRUE;
}

static void
lookup_async (GResolver                *resolver,
              const char               *name,
              GResolverNameLookupFlags  flags,
              GCancellable             *cancellable,
              GAsyncReadyCallback       callback,
              gpointer                  user_data)
{
  KabarFakeResolver *self = KABAR_FAKE_RESOLVER (resolver);
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  GList *addresses;

  if (keep_silent (self, name, task, cancellable))
    return;
  addresses = lookup (self, name, flags, &error);
  if (addresses == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, addresses, (GDestroyNotify) g_resolver_free_addresses);
}

static GList *
lookup_finish (GResolver     *resolver,
               GAsyncResult  *result,
               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GList *
lookup_by_name (GResolver     *resolver,
                const char    *name,
                GCancellable  *cancellable,
                GError       **error)
{
  return lookup (KABAR_FAKE_RESOLVER (resolver), name, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT, error);
}

static void
lookup_by_name_async (GResolver           *resolver,
                      const char          *name,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  lookup_async (resolver, name, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT, cancellable, callback, user_data);
}

static GList *
lookup_by_name_with_flags (GResolver                *resolver,
                           const char               *name,
                           GResolverNameLookupFlags  flags,
                           GCancellable             *cancellable,
                           GError                  **error)
{
  return lookup (KABAR_FAKE_RESOLVER (resolver), name, flags, error);
}

static GList *
copy_srv_targets (GList *targets)
{
  return g_list_copy_deep (targets, (GCopyFunc) g_srv_target_copy, NULL);
}

static GList *
copy_records (GList *records)
{
  return g_list_copy_deep (records, (GCopyFunc) g_variant_ref, NULL);
}

static void
free_srv_targets (gpointer targets)
{
  g_list_free_full (targets, (GDestroyNotify) g_srv_target_free);
}

static void
free_records (gpointer records)
{
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);
}

static GList *
lookup_service_now (KabarFakeResolver  *self,
                    const char         *rrname,
                    GError            **error)
{
  GList *targets = g_hash_table_lookup (self->srv, rrname);

  count_lookup (self, rrname);
  if (targets == NULL)
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                   "No DNS record of the requested type for “%s”", rrname);
      return NULL;
    }
  return copy_srv_targets (targets);
}

static GList *
lookup_service (GResolver     *resolver,
                const char    *rrname,
                GCancellable  *cancellable,
                GError       **error)
{
  return lookup_service_now (KABAR_FAKE_RESOLVER (resolver), rrname, error);
}

static void
lookup_service_async (GResolver           *resolver,
                      const char          *rrname,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  KabarFakeResolver *self = KABAR_FAKE_RESOLVER (resolver);
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  GList *targets;

  if (keep_silent (self, rrname, task, cancellable))
    return;
  targets = lookup_service_now (self, rrname, &error);
  if (targets == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, targets, free_srv_targets);
}

static GList *
lookup_records_now (KabarFakeResolver    *self,
                    const char           *rrname,
                    GResolverRecordType   type,
                    GError              **error)
{
  GList *records = type == G_RESOLVER_RECORD_MX ? g_hash_table_lookup (self->mx, rrname) : NULL;

  count_lookup (self, rrname);
  if (records == NULL)
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                   "No DNS record of the requested type for “%s”", rrname);
      return NULL;
    }
  return copy_records (records);
}

static GList *
lookup_records (GResolver            *resolver,
                const char           *rrname,
                GResolverRecordType   type,
                GCancellable         *cancellable,
                GError              **error)
{
  return lookup_records_now (KABAR_FAKE_RESOLVER (resolver), rrname, type, error);
}

static void
lookup_records_async (GResolver           *resolver,
                      const char          *rrname,
                      GResolverRecordType  type,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  KabarFakeResolver *self = KABAR_FAKE_RESOLVER (resolver);
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  GList *records;

  if (keep_silent (self, rrname, task, cancellable))
    return;
  records = lookup_records_now (self, rrname, type, &error);
  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, free_records);
}

static void
kabar_fake_resolver_finalize (GObject *object)
{
  KabarFakeResolver *self = KABAR_FAKE_RESOLVER (object);

  g_hash_table_unref (self->addresses);
  g_hash_table_unref (self->silent);
  g_hash_table_unref (self->srv);
  g_hash_table_unref (self->mx);
  g_hash_table_unref (self->lookups);

  G_OBJECT_CLASS (kabar_fake_resolver_parent_class)->finalize (object);
}

static void
kabar_fake_resolver_class_init (KabarFakeResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  object_class->finalize = kabar_fake_resolver_finalize;
  resolver_class->lookup_by_name = lookup_by_name;
  resolver_class->lookup_by_name_async = lookup_by_name_async;
  resolver_class->lookup_by_name_finish = lookup_finish;
  resolver_class->lookup_by_name_with_flags = lookup_by_name_with_flags;
  resolver_class->lookup_by_name_with_flags_async = lookup_async;
  resolver_class->lookup_by_name_with_flags_finish = lookup_finish;
  resolver_class->lookup_service = lookup_service;
  resolver_class->lookup_service_async = lookup_service_async;
  resolver_class->lookup_service_finish = lookup_finish;
  resolver_class->lookup_records = lookup_records;
  resolver_class->lookup_records_async = lookup_records_async;
  resolver_class->lookup_records_finish = lookup_finish;
}

static void
kabar_fake_resolver_init (KabarFakeResolver *self)
{
  self->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->silent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->srv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_srv_targets);
  self->mx = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_records);
  self->lookups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

KabarFakeResolver *
kabar_fake_resolver_new (void)
{
  return g_object_new (KABAR_TYPE_FAKE_RESOLVER, NULL);
}

void
kabar_fake_resolver_add (KabarFakeResolver *self,
                         const char        *name,
                         const char        *ipv4_address)
{
  g_hash_table_insert (self->addresses, g_strdup (name), g_strdup (ipv4_address));
}

void
kabar_fake_resolver_add_silent (KabarFakeResolver *self,
                                const char        *name)
{
  g_hash_table_add (self->silent, g_strdup (name));
}

void
kabar_fake_resolver_add_srv (KabarFakeResolver *self,
                             const char        *rrname,
                             const char        *target,
                             guint16            port,
                             guint16            priority,
                             guint16            weight)
{
  GList *targets = g_hash_table_lookup (self->srv, rrname);

  targets = g_list_append (copy_srv_targets (targets), g_srv_target_new (target, port, priority, weight));
  g_hash_table_insert (self->srv, g_strdup (rrname), targets);
}

void
kabar_fake_resolver_add_mx (KabarFakeResolver *self,
                            const char        *domain,
                            const char        *exchange,
                            guint16            preference)
{
  GList *records = g_hash_table_lookup (self->mx, domain);

  records = g_list_append (copy_records (records),
                           g_variant_ref_sink (g_variant_new ("(qs)", preference, exchange)));
  g_hash_table_insert (self->mx, g_strdup (domain), records);
}

guint
kabar_fake_resolver_count_lookups (KabarFakeResolver *self,
                                   const char        *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->lookups, name));
}
