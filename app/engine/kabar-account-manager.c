/* kabar-account-manager.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "kabar-account-manager.h"
#include "kabar-mail-service.h"
#include "kabar-secrets.h"

#define ACCOUNT_SUFFIX ".account"

struct _KabarAccountManager
{
  GObject parent_instance;

  char *directory;
  GPtrArray *accounts;
  GPtrArray *problems;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KabarAccountManager, kabar_account_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
list_model_get_item_type (GListModel *model)
{
  return KABAR_TYPE_ACCOUNT;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return KABAR_ACCOUNT_MANAGER (model)->accounts->len;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  KabarAccountManager *self = KABAR_ACCOUNT_MANAGER (model);

  if (position >= self->accounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
kabar_account_manager_finalize (GObject *object)
{
  KabarAccountManager *self = KABAR_ACCOUNT_MANAGER (object);

  g_free (self->directory);
  g_ptr_array_unref (self->accounts);
  g_ptr_array_unref (self->problems);

  G_OBJECT_CLASS (kabar_account_manager_parent_class)->finalize (object);
}

static void
kabar_account_manager_class_init (KabarAccountManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kabar_account_manager_finalize;
}

static void
kabar_account_manager_init (KabarAccountManager *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
}

KabarAccountManager *
kabar_account_manager_new (const char *directory)
{
  KabarAccountManager *self = g_object_new (KABAR_TYPE_ACCOUNT_MANAGER, NULL);

  self->directory = directory != NULL
    ? g_strdup (directory)
    : g_build_filename (g_get_user_config_dir (), "kabar", "accounts", NULL);
  return self;
}

const char *
kabar_account_manager_get_directory (KabarAccountManager *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_MANAGER (self), NULL);
  return self->directory;
}

GPtrArray *
kabar_account_manager_get_problems (KabarAccountManager *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_MANAGER (self), NULL);
  return self->problems;
}

static gboolean
find_account (KabarAccountManager *self,
              const char          *id,
              guint               *position)
{
  for (guint i = 0; i < self->accounts->len; i++)
    if (g_strcmp0 (kabar_account_get_id (g_ptr_array_index (self->accounts, i)), id) == 0)
      {
        if (position != NULL)
          *position = i;
        return TRUE;
      }
  return FALSE;
}

KabarAccount *
kabar_account_manager_lookup (KabarAccountManager *self,
                              const char          *id)
{
  guint position;

  g_return_val_if_fail (KABAR_IS_ACCOUNT_MANAGER (self), NULL);
  return find_account (self, id, &position) ? g_ptr_array_index (self->accounts, position) : NULL;
}

static char *
account_path (const char   *directory,
              KabarAccount *account)
{
  g_autofree char *name = g_strconcat (kabar_account_get_id (account), ACCOUNT_SUFFIX, NULL);

  return g_build_filename (directory, name, NULL);
}

/* Loading */

typedef struct
{
  GPtrArray *accounts;
  GPtrArray *problems;
} LoadResult;

static void
load_result_free (LoadResult *result)
{
  g_ptr_array_unref (result->accounts);
  g_ptr_array_unref (result->problems);
  g_free (result);
}

static KabarAccount *
load_account_file (const char  *path,
                   GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  KabarAccount *account;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_KEEP_COMMENTS, error))
    return NULL;
  account = kabar_account_new_from_key_file (key_file, error);
  return account;
}

/* g_ptr_array_sort() hands over pointers to the elements. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted by name, so the order is the same on every start. */
static GPtrArray *
list_account_files (const char  *directory,
                    GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  dir = g_dir_open (directory, 0, &local_error);
  if (dir == NULL)
    {
      /* No folder yet is simply no account yet. */
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          g_clear_pointer (&names, g_ptr_array_unref);
        }
      return names;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ACCOUNT_SUFFIX))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *directory = task_data;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  LoadResult *result;

  names = list_account_files (directory, &error);
  if (names == NULL)
    {
      g_task_return_new_error (task, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_IO,
                               "Could not read the accounts folder %s: %s", directory, error->message);
      return;
    }

  result = g_new0 (LoadResult, 1);
  result->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  result->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (directory, g_ptr_array_index (names, i), NULL);
      GError *file_error = NULL;
      KabarAccount *account = load_account_file (path, &file_error);

      if (account != NULL)
        g_ptr_array_add (result->accounts, account);
      else
        {
          g_prefix_error (&file_error, "The account file %s could not be used: ", path);
          g_ptr_array_add (result->problems, file_error);
        }
    }
  g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
}

void
kabar_account_manager_load_async (KabarAccountManager *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KABAR_IS_ACCOUNT_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_account_manager_load_async);
  g_task_set_task_data (task, g_strdup (self->directory), g_free);
  g_task_run_in_thread (task, load_thread);
}

gboolean
kabar_account_manager_load_finish (KabarAccountManager  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  LoadResult *loaded;
  guint removed;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return FALSE;

  removed = self->accounts->len;
  g_ptr_array_set_size (self->accounts, 0);
  g_ptr_array_extend_and_steal (self->accounts, g_steal_pointer (&loaded->accounts));
  g_ptr_array_unref (self->problems);
  self->problems = g_steal_pointer (&loaded->problems);
  g_free (loaded);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->accounts->len);
  return TRUE;
}

/* Saving */

typedef struct
{
  KabarAccount *account;
  char *directory;
  char *path;
  char *data;
  gsize length;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_object_unref (data->account);
  g_free (data->directory);
  g_free (data->path);
  g_free (data->data);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(GError) error = NULL;

  /* The folder is private too: account files name servers and users. */
  if (g_mkdir_with_parents (data->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_IO,
                               "Could not create the accounts folder %s: %s",
                               data->directory, g_strerror (saved_errno));
      return;
    }

  /* CONSISTENT writes a temporary file, syncs it and renames it over the
   * old one: a crash leaves the old settings or the new, never half. */
  if (!g_file_set_contents_full (data->path, data->data, data->length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    {
      g_task_return_new_error (task, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_IO,
                               "Could not save the account: %s", error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
kabar_account_manager_save_async (KabarAccountManager *self,
                                  KabarAccount        *account,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  GError *error = NULL;
  SaveData *data;

  g_return_if_fail (KABAR_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (KABAR_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_account_manager_save_async);

  key_file = kabar_account_to_key_file (account, &error);
  if (key_file == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (SaveData, 1);
  data->account = g_object_ref (account);
  data->directory = g_strdup (self->directory);
  data->path = account_path (self->directory, account);
  data->data = g_key_file_to_data (key_file, &data->length, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
kabar_account_manager_save_finish (KabarAccountManager  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  SaveData *data;
  guint position;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (!find_account (self, kabar_account_get_id (data->account), &position))
    {
      g_ptr_array_add (self->accounts, g_object_ref (data->account));
      g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
    }
  else if (g_ptr_array_index (self->accounts, position) != data->account)
    {
      g_object_unref (g_ptr_array_index (self->accounts, position));
      g_ptr_array_index (self->accounts, position) = g_object_ref (data->account);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
    }
  return TRUE;
}

/* Removing */

static void
remove_secrets_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarAccountManager *self = g_task_get_source_object (task);
  KabarAccount *account = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint position;

  /* The file is gone already: the account is removed even if the keyring
   * could not be reached, but the user is told its secrets remain. */
  if (find_account (self, kabar_account_get_id (account), &position))
    {
      g_ptr_array_remove_index (self->accounts, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
    }

  if (!kabar_secrets_clear_finish (result, &error))
    g_task_return_new_error (task, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_IO,
                             "The account was removed, but its passwords could not be removed from the keyring: %s",
                             error->message);
  else
    g_task_return_boolean (task, TRUE);
}

/* The files an account leaves, its settings last: while any of its mail
 * remains, the account stays listed, for the user to remove again. */
static GStrv
account_files (KabarAccountManager *self,
               KabarAccount        *account)
{
  g_autofree char *store = kabar_mail_service_dup_default_store_path (account);
  GPtrArray *files = g_ptr_array_new ();

  g_ptr_array_add (files, g_strdup (store));
  g_ptr_array_add (files, g_strconcat (store, "-wal", NULL));
  g_ptr_array_add (files, g_strconcat (store, "-shm", NULL));
  g_ptr_array_add (files, account_path (self->directory, account));
  g_ptr_array_add (files, NULL);
  return (GStrv) g_ptr_array_free (files, FALSE);
}

/* A file already gone is no error: a store never opened has none. */
static void
remove_file_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  const char * const *paths = task_data;

  for (guint i = 0; paths[i] != NULL; i++)
    if (g_unlink (paths[i]) != 0 && errno != ENOENT)
      {
        int saved_errno = errno;
        gboolean settings = paths[i + 1] == NULL;

        g_task_return_new_error (task, KABAR_ACCOUNT_ERROR, KABAR_ACCOUNT_ERROR_IO,
                                 "Could not delete the %s %s: %s",
                                 settings ? "account file" : "account’s mail store",
                                 paths[i], g_strerror (saved_errno));
        return;
      }
  g_task_return_boolean (task, TRUE);
}

static void
remove_file_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KabarAccount *account = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  kabar_secrets_clear_async (kabar_account_get_id (account), cancellable,
                             remove_secrets_cb, g_steal_pointer (&task));
}

void
kabar_account_manager_remove_async (KabarAccountManager *self,
                                    KabarAccount        *account,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) file_task = NULL;

  g_return_if_fail (KABAR_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (KABAR_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_account_manager_remove_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);

  file_task = g_task_new (self, cancellable, remove_file_cb, g_steal_pointer (&task));
  g_task_set_task_data (file_task, account_files (self, account), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (file_task, remove_file_thread);
}

gboolean
kabar_account_manager_remove_finish (KabarAccountManager  *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
