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
};

G_DEFINE_FINAL_TYPE (KabarFakeResolver, kabar_fake_resolver, G_TYPE_RESOLVER)

static GList *
lookup (KabarFakeResolver        *self,
        const char               *name,
        GResolverNameLookupFlags  flags,
        GError                  **error)
{
  const char *address = g_hash_table_lookup (self->addresses, name);

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

  if (g_hash_table_contains (self->silent, name))
    {
      if (cancellable != NULL)
        {
          g_autoptr(GSource) source = g_cancellable_source_new (cancellable);

          g_source_set_callback (source, G_SOURCE_FUNC (on_silent_lookup_cancelled),
                                 g_object_ref (task), g_object_unref);
          g_source_attach (source, g_main_context_get_thread_default ());
        }
      return;
    }
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

static void
kabar_fake_resolver_finalize (GObject *object)
{
  KabarFakeResolver *self = KABAR_FAKE_RESOLVER (object);

  g_hash_table_unref (self->addresses);
  g_hash_table_unref (self->silent);

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
}

static void
kabar_fake_resolver_init (KabarFakeResolver *self)
{
  self->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->silent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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
