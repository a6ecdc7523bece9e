/* kabar-account-item.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-item.h"
#include "kabar-imap-error.h"
#include "kabar-net-error.h"
#include "kabar-oauth2.h"
#include "kabar-pop3-error.h"
#include "kabar-smtp-error.h"

/* Messages to bring in before a sync says how far it is: a shorter one
 * ends before the words could be read. */
#define LONG_SYNC 200

struct _KabarAccountItem
{
  GObject                parent_instance;

  KabarMailService      *service;
  GCancellable          *cancellable;

  /* Top-level folders; every folder by id (KabarFolderItem). */
  GListStore            *folders;
  GHashTable            *items;
  gboolean               folders_loaded;
  gboolean               listing;
  gboolean               list_again;

  KabarAccountItemState  state;
  char                  *status_text;
  char                  *status_detail;
  /* The last sync-progress of this sync, total 0 for none. */
  gint64                 progress_folder_id;
  guint                  progress_done;
  guint                  progress_total;
};

enum
{
  PROP_0,
  PROP_STATE,
  PROP_STATUS_TEXT,
  PROP_STATUS_DETAIL,
  PROP_FOLDERS_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KabarAccountItem, kabar_account_item, G_TYPE_OBJECT)

/* --- the state in words -------------------------------------------------------------- */

static const char *
describe_oauth2_error (const GError *error)
{
  switch ((KabarOAuth2Error) error->code)
    {
    case KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED:
      return _("Microsoft asks you to sign in again.");
    case KABAR_OAUTH2_ERROR_NO_CLIENT_ID:
      return _("This copy of Kabar has no Microsoft client ID to sign in with.");
    case KABAR_OAUTH2_ERROR_DENIED:
      return _("You did not allow Kabar to use this Microsoft account.");
    case KABAR_OAUTH2_ERROR_CLIENT_REFUSED:
      return _("Microsoft does not accept this account’s client ID.");
    case KABAR_OAUTH2_ERROR_INSECURE:
      return _("The sign-in server is not reached over a secure connection.");
    case KABAR_OAUTH2_ERROR_PROTOCOL:
      return _("Microsoft’s answer to the sign-in was not understood.");
    case KABAR_OAUTH2_ERROR_SERVER:
    default:
      return _("Microsoft refused the sign-in.");
    }
}

/* The engine says what happened; this says it to the user. */
static const char *
describe_error (KabarAccountItem *self,
                const GError     *error)
{
  KabarAccount *account = kabar_mail_service_get_account (self->service);

  if (error == NULL)
    return _("Kabar could not connect to this account.");

  if (error->domain == KABAR_OAUTH2_ERROR)
    return describe_oauth2_error (error);

  /* An OAuth2 account sends a token, not a password. */
  if (kabar_account_get_auth_method (account) == KABAR_AUTH_OAUTH2 &&
      (g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED) ||
       g_error_matches (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED) ||
       g_error_matches (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_FAILED)))
    return _("The server refused the sign-in with Microsoft.");

  if (error->domain == KABAR_IMAP_ERROR)
    switch ((KabarImapError) error->code)
      {
      case KABAR_IMAP_ERROR_AUTHENTICATION_FAILED:
        return _("The server refused the password.");
      case KABAR_IMAP_ERROR_BASIC_AUTH_DISABLED:
        return _("The provider no longer accepts a password for this account.");
      case KABAR_IMAP_ERROR_AUTHENTICATION_UNAVAILABLE:
        return _("The server cannot check the password right now.");
      case KABAR_IMAP_ERROR_LOGIN_DISABLED:
        return _("The server offers no way to sign in with this account’s settings.");
      case KABAR_IMAP_ERROR_BYE:
        return _("The server ended the connection.");
      case KABAR_IMAP_ERROR_OVER_QUOTA:
        return _("The mailbox on the server is full.");
      case KABAR_IMAP_ERROR_PARSE:
      case KABAR_IMAP_ERROR_MAILBOX_NAME:
      case KABAR_IMAP_ERROR_BAD:
        return _("The server’s reply was not understood.");
      case KABAR_IMAP_ERROR_NO:
      case KABAR_IMAP_ERROR_NONEXISTENT:
      case KABAR_IMAP_ERROR_ALREADY_EXISTS:
      case KABAR_IMAP_ERROR_UNSUPPORTED:
      default:
        return _("The server refused a request.");
      }

  if (error->domain == KABAR_NET_ERROR)
    switch ((KabarNetError) error->code)
      {
      case KABAR_NET_ERROR_CERTIFICATE:
        return _("The server’s certificate is not trusted.");
      case KABAR_NET_ERROR_HOST_NOT_FOUND:
        return _("The server’s name was not found.");
      case KABAR_NET_ERROR_CONNECTION_REFUSED:
      case KABAR_NET_ERROR_TIMED_OUT:
      case KABAR_NET_ERROR_NETWORK_UNREACHABLE:
      case KABAR_NET_ERROR_CLOSED:
        return _("The server cannot be reached.");
      case KABAR_NET_ERROR_STARTTLS_NOT_OFFERED:
      case KABAR_NET_ERROR_STARTTLS_FAILED:
      case KABAR_NET_ERROR_STARTTLS_INJECTION:
      case KABAR_NET_ERROR_TLS_HANDSHAKE:
      case KABAR_NET_ERROR_NOT_TLS:
        return _("No secure connection to the server could be made.");
      case KABAR_NET_ERROR_FAILED:
      case KABAR_NET_ERROR_LINE_TOO_LONG:
      case KABAR_NET_ERROR_PROTOCOL:
      default:
        return _("The connection to the server failed.");
      }

  return _("Kabar could not connect to this account.");
}

static void
set_string (char       **field,
            const char  *value,
            gpointer     object,
            GParamSpec  *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (object, pspec);
}

/* "Syncing Inbox: 1,200 of 40,000", the numbers grouped as the
 * language groups them. */
static char *
describe_progress (KabarAccountItem *self)
{
  KabarFolderItem *folder = g_hash_table_lookup (self->items, &self->progress_folder_id);
  g_autofree char *done = g_strdup_printf ("%'u", self->progress_done);
  g_autofree char *total = g_strdup_printf ("%'u", self->progress_total);

  if (folder == NULL)
    /* Translators: "Receiving 1,200 of 40,000 messages". */
    return g_strdup_printf (ngettext ("Receiving %s of %s message", "Receiving %s of %s messages",
                                      self->progress_total),
                            done, total);
  /* Translators: "Syncing Inbox: 1,200 of 40,000"; the first %s is the folder. */
  return g_strdup_printf (ngettext ("Syncing %s: %s of %s", "Syncing %s: %s of %s", self->progress_total),
                          kabar_folder_item_get_display_name (folder), done, total);
}

static void
update_status (KabarAccountItem *self)
{
  KabarMailServiceStatus status = kabar_mail_service_get_status (self->service);
  const GError *error = kabar_mail_service_get_error (self->service);
  KabarAccountItemState state = KABAR_ACCOUNT_ITEM_STATE_IDLE;
  g_autofree char *text = NULL;
  const char *detail = NULL;

  switch (status)
    {
    case KABAR_MAIL_SERVICE_STATUS_CONNECTING:
      state = KABAR_ACCOUNT_ITEM_STATE_BUSY;
      text = g_strdup (_("Connecting…"));
      break;
    case KABAR_MAIL_SERVICE_STATUS_SYNCING:
      state = KABAR_ACCOUNT_ITEM_STATE_BUSY;
      /* Without a count, the spinner says enough: a sync that finds
       * nothing new should not flash a line. */
      if (self->progress_total >= LONG_SYNC)
        text = describe_progress (self);
      break;
    case KABAR_MAIL_SERVICE_STATUS_OFFLINE:
      state = KABAR_ACCOUNT_ITEM_STATE_OFFLINE;
      text = g_strdup (error != NULL ? describe_error (self, error) : _("Offline"));
      detail = error != NULL ? error->message : NULL;
      break;
    case KABAR_MAIL_SERVICE_STATUS_ERROR:
      state = KABAR_ACCOUNT_ITEM_STATE_ERROR;
      text = g_strdup (describe_error (self, error));
      detail = error != NULL ? error->message : NULL;
      break;
    case KABAR_MAIL_SERVICE_STATUS_STOPPED:
    case KABAR_MAIL_SERVICE_STATUS_ONLINE:
    default:
      break;
    }

  if (state != KABAR_ACCOUNT_ITEM_STATE_BUSY)
    self->progress_done = self->progress_total = 0;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  set_string (&self->status_text, text, self, properties[PROP_STATUS_TEXT]);
  set_string (&self->status_detail, detail, self, properties[PROP_STATUS_DETAIL]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* --- the folder tree -------------------------------------------------------------------- */

/* Where a folder shows: role folders at the top (so "INBOX/Sent" or
 * "[Gmail]/Sent Mail" is with the others), the rest under their parent. */
static gint64
tree_parent (const KabarStoreFolder *folder,
             GHashTable             *by_id)
{
  if (folder->role != KABAR_FOLDER_ROLE_NONE)
    return 0;
  if (folder->parent_id == 0 || !g_hash_table_contains (by_id, &folder->parent_id))
    return 0;
  return folder->parent_id;
}

static guint
tree_depth (const KabarStoreFolder *folder,
            GHashTable             *by_id)
{
  guint depth = 0;
  gint64 parent;

  /* Bounded: a store could hold a loop only by a bug, not hang the UI. */
  while ((parent = tree_parent (folder, by_id)) != 0 && depth < 64)
    {
      folder = g_hash_table_lookup (by_id, &parent);
      depth++;
    }
  return depth;
}

static int
compare_deepest_first (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  GHashTable *depths = user_data;
  const KabarStoreFolder *first = *(const KabarStoreFolder **) a;
  const KabarStoreFolder *second = *(const KabarStoreFolder **) b;
  guint first_depth = GPOINTER_TO_UINT (g_hash_table_lookup (depths, &first->id));
  guint second_depth = GPOINTER_TO_UINT (g_hash_table_lookup (depths, &second->id));

  if (first_depth != second_depth)
    return first_depth > second_depth ? -1 : 1;
  return first->id < second->id ? -1 : first->id > second->id;
}

static GPtrArray *
children_of (GHashTable *children,
             gint64      parent)
{
  GPtrArray *list = g_hash_table_lookup (children, &parent);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (children, g_memdup2 (&parent, sizeof parent), list);
    }
  return list;
}

static void
apply_folders (KabarAccountItem *self,
               GPtrArray        *folders)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) depths = g_hash_table_new (g_int64_hash, g_int64_equal);
  /* Tree parent id (0: the top) -> the items shown below it. */
  g_autoptr(GHashTable) children = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                          (GDestroyNotify) g_ptr_array_unref);
  GHashTable *items = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  g_autoptr(GHashTable) old_items = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);
      KabarFolderItem *item = g_hash_table_lookup (self->items, &folder->id);

      g_hash_table_insert (by_id, &folder->id, folder);
      if (item != NULL)
        {
          g_object_ref (item);
          kabar_folder_item_update (item, folder);
        }
      else
        item = kabar_folder_item_new (self->service, folder);
      g_hash_table_insert (items, g_memdup2 (&folder->id, sizeof folder->id), item);
    }

  for (guint i = 0; i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      g_hash_table_insert (depths, &folder->id, GUINT_TO_POINTER (tree_depth (folder, by_id)));
      g_ptr_array_add (order, folder);
    }
  g_ptr_array_sort_with_data (order, compare_deepest_first, depths);

  /* In place before the lists change: whoever hears of the change may
   * look folders up. The old items stay alive until the end. */
  old_items = g_steal_pointer (&self->items);
  self->items = items;

  /* Deepest first, so a folder's children are final before it is placed:
   * a folder that only holds folders and ends up holding none is left
   * out, and the tree sees whether each row has children when it is put
   * in. */
  for (guint i = 0; i < order->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (order, i);
      KabarFolderItem *item = g_hash_table_lookup (self->items, &folder->id);
      GPtrArray *below = g_hash_table_lookup (children, &folder->id);
      g_autoptr(GPtrArray) none = g_ptr_array_new ();

      if (below != NULL)
        g_ptr_array_sort (below, kabar_folder_item_compare);
      kabar_folder_item_set_children (item, below != NULL ? below : none);
      if (!kabar_folder_item_get_selectable (item) && (below == NULL || below->len == 0))
        continue;
      g_ptr_array_add (children_of (children, tree_parent (folder, by_id)), item);
    }

  {
    GPtrArray *top = children_of (children, 0);

    g_ptr_array_sort (top, kabar_folder_item_compare);
    kabar_folder_item_sync_store (self->folders, top);
  }
}

static void list_folders (KabarAccountItem *self);

static void
on_folders_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KabarAccountItem) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = kabar_mail_service_list_folders_finish (KABAR_MAIL_SERVICE (source),
                                                                         result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->listing = FALSE;
  if (folders == NULL)
    {
      /* Not open yet: folders-changed comes when it is. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED))
        g_warning ("Could not read the folders of %s: %s",
                   kabar_account_item_get_address (self), error->message);
    }
  else
    {
      apply_folders (self, folders);
      if (!self->folders_loaded)
        {
          self->folders_loaded = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDERS_LOADED]);
        }
    }
  if (self->list_again)
    list_folders (self);
}

/* At most one read at a time; changes during it make one more after it. */
static void
list_folders (KabarAccountItem *self)
{
  if (self->listing)
    {
      self->list_again = TRUE;
      return;
    }
  self->listing = TRUE;
  self->list_again = FALSE;
  kabar_mail_service_list_folders_async (self->service, self->cancellable, on_folders_listed,
                                         g_object_ref (self));
}

/* --- the service's signals ------------------------------------------------------------- */

static void
on_folders_changed (KabarMailService *service,
                    KabarAccountItem *self)
{
  list_folders (self);
}

static void
on_folder_changed (KabarMailService *service,
                   gint64            folder_id,
                   KabarAccountItem *self)
{
  /* For its counts. */
  list_folders (self);
}

static void
on_sync_progress (KabarMailService *service,
                  gint64            folder_id,
                  guint             done,
                  guint             total,
                  KabarAccountItem *self)
{
  self->progress_folder_id = folder_id;
  self->progress_done = MIN (done, total);
  self->progress_total = total;
  update_status (self);
}

static void
on_status_changed (KabarMailService *service,
                   GParamSpec       *pspec,
                   KabarAccountItem *self)
{
  update_status (self);
}

/* --- the object ------------------------------------------------------------------------- */

KabarAccountItem *
kabar_account_item_new (KabarMailService *service)
{
  KabarAccountItem *self;

  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (service), NULL);

  self = g_object_new (KABAR_TYPE_ACCOUNT_ITEM, NULL);
  self->service = g_object_ref (service);
  g_signal_connect (service, "folders-changed", G_CALLBACK (on_folders_changed), self);
  g_signal_connect (service, "folder-changed", G_CALLBACK (on_folder_changed), self);
  g_signal_connect (service, "sync-progress", G_CALLBACK (on_sync_progress), self);
  g_signal_connect (service, "notify::status", G_CALLBACK (on_status_changed), self);
  update_status (self);
  if (kabar_mail_service_get_store (service) != NULL)
    list_folders (self);
  return self;
}

KabarMailService *
kabar_account_item_get_service (KabarAccountItem *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_ITEM (self), NULL);
  return self->service;
}

const char *
kabar_account_item_get_title (KabarAccountItem *self)
{
  KabarAccount *account;
  const char *name;

  g_return_val_if_fail (KABAR_IS_ACCOUNT_ITEM (self), NULL);

  account = kabar_mail_service_get_account (self->service);
  name = kabar_account_get_display_name (account);
  return name != NULL && *name != '\0' ? name : kabar_account_get_address (account);
}

const char *
kabar_account_item_get_address (KabarAccountItem *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_ITEM (self), NULL);
  return kabar_account_get_address (kabar_mail_service_get_account (self->service));
}

KabarAccountItemState
kabar_account_item_get_state (KabarAccountItem *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_ITEM (self), KABAR_ACCOUNT_ITEM_STATE_IDLE);
  return self->state;
}

const char *
kabar_account_item_get_status_text (KabarAccountItem *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_ITEM (self), NULL);
  return self->status_text;
}

const char *
kabar_account_item_get_status_detail (KabarAccountItem *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_ITEM (self), NULL);
  return self->status_detail;
}

GListModel *
kabar_account_item_get_folders (KabarAccountItem *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_ITEM (self), NULL);
  return G_LIST_MODEL (self->folders);
}

gboolean
kabar_account_item_get_folders_loaded (KabarAccountItem *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_ITEM (self), FALSE);
  return self->folders_loaded;
}

KabarFolderItem *
kabar_account_item_find_folder (KabarAccountItem *self,
                                gint64            folder_id)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_ITEM (self), NULL);
  return g_hash_table_lookup (self->items, &folder_id);
}

KabarFolderItem *
kabar_account_item_find_inbox (KabarAccountItem *self)
{
  GHashTableIter iter;
  gpointer item;

  g_return_val_if_fail (KABAR_IS_ACCOUNT_ITEM (self), NULL);

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &item))
    if (kabar_folder_item_get_role (item) == KABAR_FOLDER_ROLE_INBOX)
      return item;
  return NULL;
}

static void
kabar_account_item_dispose (GObject *object)
{
  KabarAccountItem *self = KABAR_ACCOUNT_ITEM (object);

  g_cancellable_cancel (self->cancellable);
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_list_store_remove_all (self->folders);
  g_hash_table_remove_all (self->items);
  G_OBJECT_CLASS (kabar_account_item_parent_class)->dispose (object);
}

static void
kabar_account_item_finalize (GObject *object)
{
  KabarAccountItem *self = KABAR_ACCOUNT_ITEM (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  g_clear_object (&self->folders);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_free (self->status_text);
  g_free (self->status_detail);
  G_OBJECT_CLASS (kabar_account_item_parent_class)->finalize (object);
}

static void
kabar_account_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KabarAccountItem *self = KABAR_ACCOUNT_ITEM (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_STATUS_TEXT:
      g_value_set_string (value, self->status_text);
      break;
    case PROP_STATUS_DETAIL:
      g_value_set_string (value, self->status_detail);
      break;
    case PROP_FOLDERS_LOADED:
      g_value_set_boolean (value, self->folders_loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_account_item_class_init (KabarAccountItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_account_item_dispose;
  object_class->finalize = kabar_account_item_finalize;
  object_class->get_property = kabar_account_item_get_property;

  /* A KabarAccountItemState. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      KABAR_ACCOUNT_ITEM_STATE_IDLE, KABAR_ACCOUNT_ITEM_STATE_ERROR,
                      KABAR_ACCOUNT_ITEM_STATE_IDLE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_TEXT] =
    g_param_spec_string ("status-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_DETAIL] =
    g_param_spec_string ("status-detail", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLDERS_LOADED] =
    g_param_spec_boolean ("folders-loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kabar_account_item_init (KabarAccountItem *self)
{
  self->cancellable = g_cancellable_new ();
  self->folders = g_list_store_new (KABAR_TYPE_FOLDER_ITEM);
  self->items = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}
