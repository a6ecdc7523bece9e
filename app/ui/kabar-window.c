/* kabar-window.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-item.h"
#include "kabar-calendar-view.h"
#include "kabar-compose-actions.h"
#include "kabar-contacts-view.h"
#include "kabar-folder-chooser.h"
#include "kabar-folder-list.h"
#include "kabar-message-actions.h"
#include "kabar-message-list.h"
#include "kabar-reading-pane.h"
#include "kabar-todo-view.h"
#include "kabar-window.h"

/* Pane widths the handles allow. */
#define MIN_PANE_WIDTH 200
#define MAX_PANE_WIDTH 700

struct _KabarWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  GListModel           *services;
  /* The services whose refusals this window shows. */
  GPtrArray            *watched_services;
  /* The selected messages whose flags the actions follow. */
  GPtrArray            *watched_items;
  guint                 update_source;
  GBinding             *title_binding;

  GtkStack             *main_stack;
  AdwStatusPage        *no_account_page;
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar_pane;
  GtkWidget            *sidebar_handle;
  GtkWidget            *content_pane;
  GtkWidget            *list_handle;
  KabarFolderList      *folder_list;
  AdwWindowTitle       *folder_title;
  KabarMessageList     *message_list;
  KabarReadingPane     *reading_pane;
  /* Contacts, Calendar or To Do, in place of the list and the message. */
  GtkWidget            *organizer_pane;
  AdwWindowTitle       *organizer_title;
  GtkStack             *organizer_stack;
  KabarContactsView    *contacts_view;
  KabarCalendarView    *calendar_view;
  KabarTodoView        *todo_view;

  /* The folder shown last time, until it is shown again or the user
   * chose another. */
  char                 *restore_account;
  char                 *restore_path;
  /* A message kabar_window_show_message() waits to find in the list. */
  gint64                pending_message_id;
  GListModel           *pending_model;
  /* Marking the message read after "mark-read-delay". */
  guint                 mark_read_source;
  gint64                mark_read_message_id;
  int                   drag_start_width;
  /* The toast whose Undo Ctrl+Z presses, while it shows. */
  AdwToast             *undo_toast;
};

G_DEFINE_FINAL_TYPE (KabarWindow, kabar_window, ADW_TYPE_APPLICATION_WINDOW)

KabarWindow *
kabar_window_new (KabarApplication *application)
{
  return g_object_new (KABAR_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static void update_actions (KabarWindow *self);

/* --- finding things ------------------------------------------------------------------ */

static KabarAccountItem *
find_account (KabarWindow      *self,
              KabarMailService *service)
{
  GListModel *accounts = kabar_folder_list_get_accounts (self->folder_list);

  for (guint i = 0; accounts != NULL && i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(KabarAccountItem) account = g_list_model_get_item (accounts, i);

      if (kabar_account_item_get_service (account) == service)
        return account;
    }
  return NULL;
}

static KabarFolderItem *
find_in_tree (GListModel      *folders,
              KabarFolderRole  role,
              const char      *path)
{
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(KabarFolderItem) folder = g_list_model_get_item (folders, i);
      KabarFolderItem *below;

      if (path != NULL ? g_strcmp0 (kabar_folder_item_get_folder (folder)->path, path) == 0
                       : kabar_folder_item_get_role (folder) == role)
        return folder;
      below = find_in_tree (kabar_folder_item_get_children (folder), role, path);
      if (below != NULL)
        return below;
    }
  return NULL;
}

/* The account's folder with that role (Archive, Junk, Trash), or NULL. */
static KabarFolderItem *
find_role_folder (KabarWindow      *self,
                  KabarMailService *service,
                  KabarFolderRole   role)
{
  KabarAccountItem *account = find_account (self, service);

  return account != NULL ? find_in_tree (kabar_account_item_get_folders (account), role, NULL) : NULL;
}

static KabarMailService *
current_service (KabarWindow *self)
{
  KabarFolderItem *folder = kabar_message_list_get_folder (self->message_list);

  return folder != NULL ? kabar_folder_item_get_service (folder) : NULL;
}

/* --- toasts ------------------------------------------------------------------------------ */

typedef struct
{
  GWeakRef          window;
  KabarMailService *service;
  guint64           change_id;
} Undo;

static Undo *
undo_new (KabarWindow      *self,
          KabarMailService *service,
          guint64           change_id)
{
  Undo *undo = g_new0 (Undo, 1);

  g_weak_ref_init (&undo->window, self);
  undo->service = g_object_ref (service);
  undo->change_id = change_id;
  return undo;
}

static void
undo_free (gpointer data,
           GClosure *closure)
{
  Undo *undo = data;

  g_weak_ref_clear (&undo->window);
  g_clear_object (&undo->service);
  g_free (undo);
}

static void show_toast (KabarWindow *self,
                        const char  *text,
                        Undo        *undo);

static void
on_undone (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GWeakRef *window = user_data;
  g_autoptr(KabarWindow) self = g_weak_ref_get (window);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (window);
  g_free (window);
  if (kabar_mail_service_undo_change_finish (KABAR_MAIL_SERVICE (source), result, &error) || self == NULL)
    return;
  {
    g_autofree char *text = g_strdup_printf (_("Could not undo: %s"), error->message);

    show_toast (self, text, NULL);
  }
}

static void
on_undo_clicked (AdwToast *toast,
                 Undo     *undo)
{
  g_autoptr(KabarWindow) self = g_weak_ref_get (&undo->window);
  GWeakRef *window = g_new0 (GWeakRef, 1);

  g_weak_ref_init (window, self);
  kabar_mail_service_undo_change_async (undo->service, undo->change_id, NULL, on_undone, window);
}

static void set_enabled (KabarWindow *self,
                         const char  *name,
                         gboolean     enabled);

static void
forget_undo_toast (KabarWindow *self)
{
  if (self->undo_toast == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->undo_toast, self);
  g_clear_object (&self->undo_toast);
  set_enabled (self, "undo", FALSE);
}

static void
on_undo_toast_dismissed (AdwToast    *toast,
                         KabarWindow *self)
{
  if (toast == self->undo_toast)
    forget_undo_toast (self);
}

/* The newest change is the one to undo: a toast queued behind it is not
 * on screen yet, but its change was made last. */
static void
set_undo_toast (KabarWindow *self,
                AdwToast    *toast)
{
  forget_undo_toast (self);
  self->undo_toast = g_object_ref (toast);
  g_signal_connect (toast, "dismissed", G_CALLBACK (on_undo_toast_dismissed), self);
  set_enabled (self, "undo", TRUE);
}

/* undo: NULL, or taken. */
static void
show_toast (KabarWindow *self,
            const char  *text,
            Undo        *undo)
{
  /* A toast's title is markup; the server's words are not. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (escaped);

  /* Toasts wait their turn: libadwaita 1.2 trips over one that cuts in
   * (high priority, or the one before dismissed) while another moves. */
  if (undo != NULL)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo_clicked), undo, undo_free, 0);
      set_undo_toast (self, toast);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
kabar_window_add_toast (KabarWindow *self,
                        AdwToast    *toast,
                        gboolean     ctrl_z_presses_button)
{
  g_return_if_fail (KABAR_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  if (ctrl_z_presses_button)
    set_undo_toast (self, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
}

static void
show_error_toast (KabarWindow  *self,
                  const GError *error)
{
  g_autofree char *text = g_strdup_printf (_("Could not change the messages: %s"), error->message);

  show_toast (self, text, NULL);
}

static void
on_change_refused (KabarMailService *service,
                   guint             kind,
                   gint64            folder_id,
                   GError           *error,
                   KabarWindow      *self)
{
  g_autofree char *text = kabar_message_actions_describe_refusal (kind, error);

  show_toast (self, text, NULL);
}

/* --- changes ----------------------------------------------------------------------------- */

typedef struct
{
  GWeakRef            window;
  KabarMessageAction  action;
  guint               n_messages;
  char               *folder_name;
} Change;

static void
change_free (Change *change)
{
  g_weak_ref_clear (&change->window);
  g_free (change->folder_name);
  g_free (change);
}

static void
on_change_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Change *change = user_data;
  KabarMailService *service = KABAR_MAIL_SERVICE (source);
  g_autoptr(KabarWindow) self = g_weak_ref_get (&change->window);
  g_autoptr(GError) error = NULL;
  guint64 change_id = 0;
  gboolean done = kabar_message_actions_run_finish (service, change->action, result, &change_id, &error);

  if (self != NULL && !done)
    show_error_toast (self, error);
  else if (self != NULL)
    {
      g_autofree char *text = kabar_message_actions_describe (change->action, change->n_messages,
                                                              change->folder_name);

      show_toast (self, text, change_id != 0 ? undo_new (self, service, change_id) : NULL);
    }
  if (self != NULL)
    update_actions (self);
  change_free (change);
}

/* Changes the messages; the callbacks hold no reference to the window:
 * a change outlives it. */
static void
run_change (KabarWindow        *self,
            KabarMailService   *service,
            KabarMessageAction  action,
            gint64              folder_id,
            GArray             *uids,
            KabarFolderItem    *target)
{
  Change *change;

  if (uids->len == 0)
    return;
  change = g_new0 (Change, 1);
  g_weak_ref_init (&change->window, self);
  change->action = action;
  change->n_messages = uids->len;
  change->folder_name = target != NULL ? g_strdup (kabar_folder_item_get_display_name (target)) : NULL;
  kabar_message_actions_run_async (service, action, folder_id, (const guint32 *) uids->data, uids->len,
                                   target != NULL ? kabar_folder_item_get_id (target) : 0,
                                   NULL, on_change_done, change);
}

/* The selected messages' UIDs and folder; FALSE when none has a UID. */
static gboolean
selected_uids (KabarWindow  *self,
               GArray      **uids,
               gint64       *folder_id)
{
  g_autoptr(GPtrArray) items = kabar_message_list_get_selected_items (self->message_list);

  *uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (items->len == 0 || current_service (self) == NULL)
    return FALSE;
  kabar_message_list_collect_uids (items, *uids);
  *folder_id = kabar_message_item_get_summary (g_ptr_array_index (items, 0))->folder_id;
  return (*uids)->len > 0;
}

static void
run_on_selection (KabarWindow        *self,
                  KabarMessageAction  action,
                  KabarFolderItem    *target)
{
  g_autoptr(GArray) uids = NULL;
  gint64 folder_id = 0;

  if (selected_uids (self, &uids, &folder_id))
    run_change (self, current_service (self), action, folder_id, uids, target);
}

/* --- actions ------------------------------------------------------------------------------ */

static void
set_enabled (KabarWindow *self,
             const char  *name,
             gboolean     enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static gboolean
can_go_back (KabarWindow *self)
{
  return adw_leaflet_get_folded (self->leaflet) &&
         adw_leaflet_get_visible_child (self->leaflet) != self->sidebar_pane;
}

/* Replies need one message; a draft is edited instead. */
static void
update_compose_actions (KabarWindow     *self,
                        KabarFolderRole  role)
{
  gboolean one = kabar_message_list_get_n_selected (self->message_list) == 1 && current_service (self) != NULL;

  kabar_compose_actions_set_message_enabled (GTK_APPLICATION_WINDOW (self), one);
  set_enabled (self, "edit-draft", one && role == KABAR_FOLDER_ROLE_DRAFTS);
  kabar_reading_pane_set_draft (self->reading_pane, one && role == KABAR_FOLDER_ROLE_DRAFTS);
}

static void
update_actions (KabarWindow *self)
{
  g_autoptr(GPtrArray) items = kabar_message_list_get_selected_items (self->message_list);
  KabarFolderItem *folder = kabar_message_list_get_folder (self->message_list);
  KabarMailService *service = current_service (self);
  KabarFolderRole role = folder != NULL ? kabar_folder_item_get_role (folder) : KABAR_FOLDER_ROLE_NONE;
  /* Contacts, Calendar or To Do in place of the list: the hidden list's
   * selection is nothing the user can see, so nothing acts on it. */
  gboolean mail_shown = !gtk_widget_get_visible (self->organizer_pane);
  GListModel *shown = mail_shown ? kabar_message_list_get_shown_model (self->message_list) : NULL;
  gboolean any = mail_shown && items->len > 0 && service != NULL;
  gboolean any_read = FALSE;
  gboolean any_unread = FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      const KabarMessageSummary *summary = kabar_message_item_get_summary (g_ptr_array_index (items, i));

      if (summary->flags & KABAR_MESSAGE_FLAG_SEEN)
        any_read = TRUE;
      else
        any_unread = TRUE;
    }
  set_enabled (self, "mark-read", any && any_unread);
  set_enabled (self, "mark-unread", any && any_read);
  set_enabled (self, "toggle-flag", any);
  set_enabled (self, "move-to", any);
  set_enabled (self, "copy-to", any);
  set_enabled (self, "archive", any && role != KABAR_FOLDER_ROLE_ARCHIVE &&
                                find_role_folder (self, service, KABAR_FOLDER_ROLE_ARCHIVE) != NULL);
  set_enabled (self, "junk", any && role != KABAR_FOLDER_ROLE_JUNK &&
                             find_role_folder (self, service, KABAR_FOLDER_ROLE_JUNK) != NULL);
  set_enabled (self, "delete", any);
  set_enabled (self, "open-message", mail_shown && items->len == 1);
  set_enabled (self, "select-all", shown != NULL && g_list_model_get_n_items (shown) > 0);
  set_enabled (self, "search", mail_shown && folder != NULL);
  set_enabled (self, "go-back", can_go_back (self));
  update_compose_actions (self, role);
}

static void
mark_read_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  run_on_selection (user_data, KABAR_MESSAGE_ACTION_MARK_READ, NULL);
}

static void
mark_unread_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  run_on_selection (user_data, KABAR_MESSAGE_ACTION_MARK_UNREAD, NULL);
}

/* Flags them all unless all are flagged: then it takes the flags off. */
static void
toggle_flag_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  KabarWindow *self = user_data;
  g_autoptr(GPtrArray) items = kabar_message_list_get_selected_items (self->message_list);
  gboolean all_flagged = items->len > 0;

  for (guint i = 0; i < items->len; i++)
    if (!(kabar_message_item_get_summary (g_ptr_array_index (items, i))->flags & KABAR_MESSAGE_FLAG_FLAGGED))
      all_flagged = FALSE;
  run_on_selection (self, all_flagged ? KABAR_MESSAGE_ACTION_UNFLAG : KABAR_MESSAGE_ACTION_FLAG, NULL);
}

static void
move_to_role (KabarWindow     *self,
              KabarFolderRole  role)
{
  KabarFolderItem *target = find_role_folder (self, current_service (self), role);

  if (target != NULL)
    run_on_selection (self, KABAR_MESSAGE_ACTION_MOVE, target);
}

static void
archive_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  move_to_role (user_data, KABAR_FOLDER_ROLE_ARCHIVE);
}

static void
junk_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  move_to_role (user_data, KABAR_FOLDER_ROLE_JUNK);
}

/* What the chooser will move or copy: taken when it opens, so a list
 * that changes meanwhile does not change what the user picked. */
typedef struct
{
  GWeakRef            window;
  KabarMailService   *service;
  KabarMessageAction  action;
  gint64              folder_id;
  GArray             *uids;
} Chosen;

static void
chosen_free (gpointer  data,
             GClosure *closure)
{
  Chosen *chosen = data;

  g_weak_ref_clear (&chosen->window);
  g_clear_object (&chosen->service);
  g_clear_pointer (&chosen->uids, g_array_unref);
  g_free (chosen);
}

static void
on_folder_chosen (KabarFolderChooser *chooser,
                  KabarFolderItem    *target,
                  Chosen             *chosen)
{
  g_autoptr(KabarWindow) self = g_weak_ref_get (&chosen->window);

  if (self != NULL)
    run_change (self, chosen->service, chosen->action, chosen->folder_id, chosen->uids, target);
}

static void
choose_folder (KabarWindow        *self,
               KabarMessageAction  action)
{
  KabarAccountItem *account = find_account (self, current_service (self));
  g_autoptr(GArray) uids = NULL;
  gint64 folder_id = 0;
  Chosen *chosen;
  GtkWidget *chooser;
  gboolean move = action == KABAR_MESSAGE_ACTION_MOVE;

  if (account == NULL || !selected_uids (self, &uids, &folder_id))
    return;
  chooser = kabar_folder_chooser_new (GTK_WINDOW (self), account,
                                      move ? _("Move to Folder") : _("Copy to Folder"),
                                      move ? _("_Move") : _("_Copy"),
                                      move ? folder_id : 0);
  chosen = g_new0 (Chosen, 1);
  g_weak_ref_init (&chosen->window, self);
  chosen->service = g_object_ref (current_service (self));
  chosen->action = action;
  chosen->folder_id = folder_id;
  chosen->uids = g_steal_pointer (&uids);
  g_signal_connect_data (chooser, "folder-chosen", G_CALLBACK (on_folder_chosen), chosen, chosen_free, 0);
  gtk_window_present (GTK_WINDOW (chooser));
}

static void
move_to_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  choose_folder (user_data, KABAR_MESSAGE_ACTION_MOVE);
}

static void
copy_to_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  choose_folder (user_data, KABAR_MESSAGE_ACTION_COPY);
}

typedef struct
{
  GWeakRef          window;
  KabarMailService *service;
  gint64            folder_id;
  GArray           *uids;
} Deletion;

static void
deletion_free (gpointer  data,
               GClosure *closure)
{
  Deletion *deletion = data;

  g_weak_ref_clear (&deletion->window);
  g_clear_object (&deletion->service);
  g_clear_pointer (&deletion->uids, g_array_unref);
  g_free (deletion);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    Deletion         *deletion)
{
  g_autoptr(KabarWindow) self = g_weak_ref_get (&deletion->window);

  if (self != NULL && g_strcmp0 (response, "delete") == 0)
    run_change (self, deletion->service, KABAR_MESSAGE_ACTION_DELETE, deletion->folder_id, deletion->uids, NULL);
}

/* For good, so it asks first, and says how many. */
static void
ask_to_delete (KabarWindow *self,
               gint64       folder_id,
               GArray      *uids)
{
  g_autofree char *heading = g_strdup_printf (ngettext ("Delete %u Message for Good?",
                                                        "Delete %u Messages for Good?", uids->len),
                                              uids->len);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                                         _("Deleted messages cannot be brought back.")));
  Deletion *deletion = g_new0 (Deletion, 1);

  g_weak_ref_init (&deletion->window, self);
  deletion->service = g_object_ref (current_service (self));
  deletion->folder_id = folder_id;
  deletion->uids = g_array_ref (uids);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_response), deletion, deletion_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* To Trash; in Trash, or with no Trash, for good. */
static void
delete_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  KabarWindow *self = user_data;
  KabarFolderItem *folder = kabar_message_list_get_folder (self->message_list);
  KabarFolderItem *trash;
  g_autoptr(GArray) uids = NULL;
  gint64 folder_id = 0;

  if (!selected_uids (self, &uids, &folder_id))
    return;
  trash = find_role_folder (self, current_service (self), KABAR_FOLDER_ROLE_TRASH);
  if (trash == NULL || kabar_folder_item_get_id (trash) == folder_id ||
      kabar_folder_item_get_role (folder) == KABAR_FOLDER_ROLE_TRASH)
    ask_to_delete (self, folder_id, uids);
  else
    run_change (self, current_service (self), KABAR_MESSAGE_ACTION_MOVE, folder_id, uids, trash);
}

static void
select_all_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  KabarWindow *self = user_data;

  kabar_message_list_select_all (self->message_list);
  kabar_message_list_focus_rows (self->message_list);
}

/* Narrow, the message takes the window; wide, it is beside the list. */
static void
open_message (KabarWindow *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->reading_pane));
}

static void
open_message_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  open_message (user_data);
}

static void
go_back_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  KabarWindow *self = user_data;
  gboolean from_message = adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->reading_pane);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  if (from_message)
    kabar_message_list_focus_rows (self->message_list);
}

static void
check_mail_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  KabarWindow *self = user_data;

  for (guint i = 0; self->services != NULL && i < g_list_model_get_n_items (self->services); i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (self->services, i);

      kabar_mail_service_refresh (service);
    }
}

static void
search_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  KabarWindow *self = user_data;

  /* Narrow, the search bar is above the list: go there. */
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->content_pane);
  kabar_message_list_start_search (self->message_list);
}

/* Ctrl+Z: the Undo of the toast on screen, for who cannot reach it. */
static void
undo_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  KabarWindow *self = user_data;
  g_autoptr(AdwToast) toast = self->undo_toast != NULL ? g_object_ref (self->undo_toast) : NULL;

  if (toast == NULL)
    return;
  forget_undo_toast (self);
  g_signal_emit_by_name (toast, "button-clicked");
  adw_toast_dismiss (toast);
}

/* --- panes --------------------------------------------------------------------------------- */

enum { PANE_FOLDERS, PANE_MESSAGES, PANE_MESSAGE, N_PANES };

static GtkWidget *
pane_widget (KabarWindow *self,
             guint        pane)
{
  switch (pane)
    {
    case PANE_FOLDERS:
      return GTK_WIDGET (self->folder_list);
    case PANE_MESSAGES:
      if (gtk_widget_get_visible (self->organizer_pane))
        return GTK_WIDGET (self->organizer_stack);
      return GTK_WIDGET (self->message_list);
    default:
      return GTK_WIDGET (self->reading_pane);
    }
}

/* The pane that holds the focus; the header bars belong to theirs. */
static guint
focused_pane (KabarWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus == NULL)
    return N_PANES;
  if (gtk_widget_is_ancestor (focus, self->sidebar_pane))
    return PANE_FOLDERS;
  if (gtk_widget_is_ancestor (focus, self->content_pane) || gtk_widget_is_ancestor (focus, self->organizer_pane))
    return PANE_MESSAGES;
  if (gtk_widget_is_ancestor (focus, GTK_WIDGET (self->reading_pane)))
    return PANE_MESSAGE;
  return N_PANES;
}

/* Into the pane's content, not its header bar: the rows, or the message's
 * text (so the arrows scroll it). */
static gboolean
focus_pane (KabarWindow *self,
            guint        pane)
{
  GtkWidget *widget = pane_widget (self, pane);

  if (!gtk_widget_is_drawable (widget))
    return FALSE;
  if (pane == PANE_MESSAGE && g_strcmp0 (kabar_reading_pane_get_page (self->reading_pane), "message") == 0)
    {
      GtkWidget *web_view = GTK_WIDGET (kabar_message_view_get_web_view (kabar_reading_pane_get_view (self->reading_pane)));

      if (gtk_widget_grab_focus (web_view))
        return TRUE;
    }
  return gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD);
}

/* F6 and Shift+F6: from pane to pane, round; a narrow window shows one. */
static void
cycle_panes (KabarWindow *self,
             int          step)
{
  guint current = focused_pane (self);
  guint pane = current == N_PANES ? (step > 0 ? N_PANES - 1 : 0) : current;

  for (guint i = 0; i < N_PANES; i++)
    {
      pane = (pane + N_PANES + step) % N_PANES;
      if (pane != current && focus_pane (self, pane))
        return;
    }
}

/* GTK 4.8's list views take Tab from row to row, so a folder of thousands
 * would hold the focus for thousands of presses: Tab leaves a list for the
 * next control, as Shift+Tab for the one before. The list stops taking
 * the focus for the one move, and GTK finds where it goes. */
static gboolean
on_tab_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                KabarWindow           *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *list = focus != NULL ? gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_VIEW) : NULL;
  gboolean backward = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0;
  gboolean moved;

  if ((keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || list == NULL)
    return FALSE;
  gtk_widget_set_can_focus (list, FALSE);
  moved = gtk_widget_child_focus (GTK_WIDGET (self), backward ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD);
  gtk_widget_set_can_focus (list, TRUE);
  return moved;
}

static void
next_pane_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  cycle_panes (user_data, 1);
}

static void
previous_pane_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  cycle_panes (user_data, -1);
}

static void edit_draft_activated (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data);

static const GActionEntry win_actions[] = {
  { .name = "mark-read", .activate = mark_read_activated },
  { .name = "mark-unread", .activate = mark_unread_activated },
  { .name = "toggle-flag", .activate = toggle_flag_activated },
  { .name = "move-to", .activate = move_to_activated },
  { .name = "copy-to", .activate = copy_to_activated },
  { .name = "archive", .activate = archive_activated },
  { .name = "junk", .activate = junk_activated },
  { .name = "delete", .activate = delete_activated },
  { .name = "select-all", .activate = select_all_activated },
  { .name = "open-message", .activate = open_message_activated },
  { .name = "go-back", .activate = go_back_activated },
  { .name = "check-mail", .activate = check_mail_activated },
  { .name = "search", .activate = search_activated },
  { .name = "undo", .activate = undo_activated },
  { .name = "next-pane", .activate = next_pane_activated },
  { .name = "previous-pane", .activate = previous_pane_activated },
  { .name = "edit-draft", .activate = edit_draft_activated },
};

/* The list's sort and grouping, offered in its header bar. */
static void
add_settings_actions (KabarWindow *self)
{
  g_autoptr(GAction) sort = g_settings_create_action (self->settings, "message-sort");
  g_autoptr(GAction) conversations = g_settings_create_action (self->settings, "conversations");

  g_action_map_add_action (G_ACTION_MAP (self), sort);
  g_action_map_add_action (G_ACTION_MAP (self), conversations);
}

/* --- reading -------------------------------------------------------------------------------- */

static void
cancel_mark_read (KabarWindow *self)
{
  g_clear_handle_id (&self->mark_read_source, g_source_remove);
  self->mark_read_message_id = 0;
}

/* The message on screen and selected alone, as the list has it. */
static KabarMessageItem *
shown_item (KabarWindow *self)
{
  g_autoptr(GPtrArray) items = kabar_message_list_get_selected_items (self->message_list);
  KabarMessageItem *item;

  if (items->len != 1 || g_strcmp0 (kabar_reading_pane_get_page (self->reading_pane), "message") != 0)
    return NULL;
  item = g_ptr_array_index (items, 0);
  if (kabar_message_item_get_id (item) != kabar_reading_pane_get_message_id (self->reading_pane))
    return NULL;
  return g_object_ref (item);
}

static void
on_marked_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KabarWindow) self = g_weak_ref_get (user_data);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (user_data);
  g_free (user_data);
  if (!kabar_mail_service_change_finish (KABAR_MAIL_SERVICE (source), result, &error) && self != NULL)
    show_error_toast (self, error);
  else if (self != NULL)
    update_actions (self);
}

static gboolean
mark_read_now (gpointer data)
{
  KabarWindow *self = data;
  g_autoptr(KabarMessageItem) item = shown_item (self);
  const KabarMessageSummary *summary;
  const guint32 *uids;
  gsize n_uids;
  GWeakRef *window;

  self->mark_read_source = 0;
  if (item == NULL || kabar_message_item_get_id (item) != self->mark_read_message_id)
    return G_SOURCE_REMOVE;
  summary = kabar_message_item_get_summary (item);
  /* A conversation's row is read when all of it is: opening it reads
   * every message it stands for in the folder. */
  uids = kabar_message_item_get_uids (item, &n_uids);
  if ((summary->flags & KABAR_MESSAGE_FLAG_SEEN) || n_uids == 0)
    return G_SOURCE_REMOVE;
  window = g_new0 (GWeakRef, 1);
  g_weak_ref_init (window, self);
  kabar_mail_service_set_flags_async (current_service (self), summary->folder_id, uids, n_uids,
                                      KABAR_MESSAGE_FLAG_SEEN, KABAR_MESSAGE_FLAG_NONE, NULL,
                                      on_marked_read, window);
  return G_SOURCE_REMOVE;
}

/* Opening a message reads it: at once, or after the user's delay. */
static void
maybe_mark_read (KabarWindow *self)
{
  g_autoptr(KabarMessageItem) item = shown_item (self);
  guint delay;

  if (item == NULL || (kabar_message_item_get_summary (item)->flags & KABAR_MESSAGE_FLAG_SEEN))
    return;
  if (self->mark_read_message_id == kabar_message_item_get_id (item))
    return;
  cancel_mark_read (self);
  self->mark_read_message_id = kabar_message_item_get_id (item);
  delay = g_settings_get_uint (self->settings, "mark-read-delay");
  if (delay == 0)
    mark_read_now (self);
  else
    self->mark_read_source = g_timeout_add_seconds (delay, mark_read_now, self);
}

static void
on_message_shown (KabarWindow *self,
                  gint64       message_id)
{
  maybe_mark_read (self);
}

static void
clear_pending_message (KabarWindow *self)
{
  self->pending_message_id = 0;
  g_clear_object (&self->pending_model);
}

static gboolean
update_actions_now (gpointer data)
{
  KabarWindow *self = data;

  self->update_source = 0;
  update_actions (self);
  return G_SOURCE_REMOVE;
}

/* Flags the sync or a change brought: read, flagged... */
static void
on_selected_summary (KabarWindow *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add (update_actions_now, self);
}

/* Following every item of a huge selection would cost more than the
 * actions' state is worth: past this many, they are not followed. */
#define MAX_WATCHED 1000

static void
watch_items (KabarWindow *self,
             GPtrArray   *items)
{
  for (guint i = 0; i < self->watched_items->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched_items, i), on_selected_summary, self);
  g_ptr_array_set_size (self->watched_items, 0);
  for (guint i = 0; items != NULL && i < MIN (items->len, MAX_WATCHED); i++)
    {
      KabarMessageItem *item = g_ptr_array_index (items, i);

      g_signal_connect_swapped (item, "notify::summary", G_CALLBACK (on_selected_summary), self);
      g_ptr_array_add (self->watched_items, g_object_ref (item));
    }
}

static void
on_message_selection_changed (KabarWindow *self)
{
  g_autoptr(GPtrArray) items = kabar_message_list_get_selected_items (self->message_list);
  guint n_selected = kabar_message_list_get_n_selected (self->message_list);

  watch_items (self, items);

  if (items->len == 1 && n_selected == 1)
    {
      KabarMessageItem *item = g_ptr_array_index (items, 0);

      if (kabar_message_item_get_id (item) != self->pending_message_id)
        clear_pending_message (self);
      if (kabar_message_item_get_id (item) != self->mark_read_message_id)
        cancel_mark_read (self);
      kabar_reading_pane_show_message (self->reading_pane, current_service (self),
                                       kabar_message_item_get_id (item));
      maybe_mark_read (self);
    }
  /* A message asked for by kabar_window_show_message() stays until its
   * row is found. */
  else if (self->pending_message_id == 0 || n_selected > 0)
    {
      clear_pending_message (self);
      cancel_mark_read (self);
      kabar_reading_pane_show_selection (self->reading_pane, n_selected);
    }
  update_actions (self);
}

static void
on_message_activated (KabarWindow      *self,
                      KabarMessageItem *item)
{
  KabarFolderItem *folder = kabar_message_list_get_folder (self->message_list);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  /* A draft is there to be finished, not read. */
  if (folder != NULL && kabar_folder_item_get_role (folder) == KABAR_FOLDER_ROLE_DRAFTS)
    kabar_compose_actions_open_draft (GTK_WINDOW (self), KABAR_APPLICATION (application), current_service (self),
                                      kabar_message_item_get_id (item));
  else
    open_message (self);
}

static void
edit_draft_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  KabarWindow *self = user_data;
  g_autoptr(GPtrArray) items = kabar_message_list_get_selected_items (self->message_list);

  if (items->len == 1)
    on_message_activated (self, g_ptr_array_index (items, 0));
}

/* The message in the reading pane: the one selected, or another of its
 * conversation chosen there. */
static gboolean
get_compose_source (GtkWindow          *window,
                    KabarComposeSource *source)
{
  KabarWindow *self = KABAR_WINDOW (window);
  gboolean shown = g_strcmp0 (kabar_reading_pane_get_page (self->reading_pane), "message") == 0;

  source->service = kabar_reading_pane_get_service (self->reading_pane);
  source->message_id = kabar_reading_pane_get_message_id (self->reading_pane);
  source->web_view = shown ? kabar_message_view_get_web_view (kabar_reading_pane_get_view (self->reading_pane))
                           : NULL;
  if (source->service == NULL)
    source->service = current_service (self);
  return source->message_id > 0;
}

KabarFolderItem *
kabar_window_get_folder (KabarWindow *self)
{
  g_return_val_if_fail (KABAR_IS_WINDOW (self), NULL);
  return kabar_message_list_get_folder (self->message_list);
}

/* --- folders ----------------------------------------------------------------------------------- */

static void
clear_title_binding (KabarWindow *self)
{
  if (self->title_binding == NULL)
    return;
  g_binding_unbind (self->title_binding);
  g_clear_object (&self->title_binding);
}

static void
update_page (KabarWindow *self)
{
  gboolean has_accounts = self->services != NULL && g_list_model_get_n_items (self->services) > 0;

  gtk_stack_set_visible_child_name (self->main_stack, has_accounts ? "mail" : "no-account");
}

static void
forget_restore (KabarWindow *self)
{
  g_clear_pointer (&self->restore_account, g_free);
  g_clear_pointer (&self->restore_path, g_free);
}

static void
remember_folder (KabarWindow     *self,
                 KabarFolderItem *folder)
{
  KabarAccount *account = kabar_mail_service_get_account (kabar_folder_item_get_service (folder));

  /* Until the last folder is back, the Inbox shown meanwhile is not the
   * user's choice. */
  if (self->restore_path != NULL)
    return;
  g_settings_set_string (self->settings, "last-folder-account", kabar_account_get_id (account));
  g_settings_set_string (self->settings, "last-folder-path", kabar_folder_item_get_folder (folder)->path);
}

static void try_restore_folder (KabarWindow *self);

static void
on_account_folders_loaded (KabarAccountItem *account,
                           GParamSpec       *pspec,
                           KabarWindow      *self)
{
  g_signal_handlers_disconnect_by_func (account, on_account_folders_loaded, self);
  try_restore_folder (self);
}

/* Shows the folder of last time once its account has read its folders. */
static void
try_restore_folder (KabarWindow *self)
{
  GListModel *accounts = kabar_folder_list_get_accounts (self->folder_list);

  if (self->restore_path == NULL || accounts == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(KabarAccountItem) account = g_list_model_get_item (accounts, i);
      KabarAccount *settings = kabar_mail_service_get_account (kabar_account_item_get_service (account));
      KabarFolderItem *folder;

      if (g_strcmp0 (kabar_account_get_id (settings), self->restore_account) != 0)
        continue;
      if (!kabar_account_item_get_folders_loaded (account))
        {
          g_signal_handlers_disconnect_by_func (account, on_account_folders_loaded, self);
          g_signal_connect_object (account, "notify::folders-loaded", G_CALLBACK (on_account_folders_loaded),
                                   self, 0);
          return;
        }
      folder = find_in_tree (kabar_account_item_get_folders (account), KABAR_FOLDER_ROLE_NONE, self->restore_path);
      forget_restore (self);
      if (folder != NULL)
        kabar_folder_list_select_folder (self->folder_list, folder);
      return;
    }
}

static void
on_services_changed (GListModel  *services,
                     guint        position,
                     guint        removed,
                     guint        added,
                     KabarWindow *self);

static void
watch_services (KabarWindow *self)
{
  for (guint i = 0; i < self->watched_services->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched_services, i), on_change_refused, self);
  g_ptr_array_set_size (self->watched_services, 0);
  for (guint i = 0; self->services != NULL && i < g_list_model_get_n_items (self->services); i++)
    {
      KabarMailService *service = g_list_model_get_item (self->services, i);

      g_signal_connect (service, "change-refused", G_CALLBACK (on_change_refused), self);
      g_ptr_array_add (self->watched_services, service);
    }
}

static void
on_services_changed (GListModel  *services,
                     guint        position,
                     guint        removed,
                     guint        added,
                     KabarWindow *self)
{
  watch_services (self);
  update_page (self);
}

static void
on_folder_selected (KabarWindow *self)
{
  KabarFolderItem *folder = kabar_folder_list_get_selected (self->folder_list);

  clear_title_binding (self);
  kabar_message_list_set_folder (self->message_list, folder);
  update_actions (self);
  if (folder == NULL)
    {
      adw_window_title_set_title (self->folder_title, "");
      adw_window_title_set_subtitle (self->folder_title, "");
      return;
    }
  try_restore_folder (self);
  remember_folder (self, folder);
  self->title_binding = g_object_ref (g_object_bind_property (folder, "display-name",
                                                              self->folder_title, "title",
                                                              G_BINDING_SYNC_CREATE));
  /* Which account's Inbox, when there are several. */
  if (g_list_model_get_n_items (self->services) > 1)
    {
      KabarAccount *account = kabar_mail_service_get_account (kabar_folder_item_get_service (folder));

      adw_window_title_set_subtitle (self->folder_title, kabar_account_get_address (account));
    }
  else
    adw_window_title_set_subtitle (self->folder_title, "");
}

static void
on_folder_activated (KabarWindow     *self,
                     KabarFolderItem *folder)
{
  /* The user chose: that is the folder to remember. */
  if (self->restore_path != NULL)
    {
      forget_restore (self);
      remember_folder (self, folder);
    }
  /* Narrow, the user chose where to go: go there. */
  adw_leaflet_set_visible_child (self->leaflet, self->content_pane);
}

/* --- contacts, calendar, To Do ------------------------------------------------------------------ */

static void
show_organizer_view (KabarWindow        *self,
                     KabarOrganizerItem *organizer)
{
  KabarMailService *service = kabar_organizer_item_get_service (organizer);

  /* Each view reads what it shows again: the check may have brought more
   * while another was on screen. */
  kabar_contacts_view_set_service (self->contacts_view, NULL);
  kabar_calendar_view_set_service (self->calendar_view, NULL);
  kabar_todo_view_set_service (self->todo_view, NULL);
  switch (kabar_organizer_item_get_part (organizer))
    {
    case KABAR_ORGANIZER_CALENDAR:
      kabar_calendar_view_set_service (self->calendar_view, service);
      gtk_stack_set_visible_child_name (self->organizer_stack, "calendar");
      break;
    case KABAR_ORGANIZER_TASKS:
      kabar_todo_view_set_service (self->todo_view, service);
      gtk_stack_set_visible_child_name (self->organizer_stack, "tasks");
      break;
    case KABAR_ORGANIZER_CONTACTS:
    default:
      kabar_contacts_view_set_service (self->contacts_view, service);
      gtk_stack_set_visible_child_name (self->organizer_stack, "contacts");
      break;
    }
  adw_window_title_set_title (self->organizer_title, kabar_organizer_item_get_title (organizer));
  adw_window_title_set_subtitle (self->organizer_title,
                                 kabar_account_get_address (kabar_mail_service_get_account (service)));
}

/* An organizer view takes the place of the message list and the reading
 * pane; a folder gives it back. */
static void
on_organizer_selected (KabarWindow *self)
{
  KabarOrganizerItem *organizer = kabar_folder_list_get_organizer (self->folder_list);
  gboolean shown = organizer != NULL;
  gboolean was_shown = gtk_widget_get_visible (self->organizer_pane);

  if (shown)
    show_organizer_view (self, organizer);
  else
    {
      kabar_contacts_view_set_service (self->contacts_view, NULL);
      kabar_calendar_view_set_service (self->calendar_view, NULL);
      kabar_todo_view_set_service (self->todo_view, NULL);
    }
  if (shown == was_shown)
    return;
  gtk_widget_set_visible (self->organizer_pane, shown);
  gtk_widget_set_visible (self->content_pane, !shown);
  gtk_widget_set_visible (self->list_handle, !shown);
  gtk_widget_set_visible (GTK_WIDGET (self->reading_pane), !shown);
  /* Narrow, the pane on screen stays the same kind: the sidebar, or the
   * view that took the place of the list. */
  if (adw_leaflet_get_visible_child (self->leaflet) != self->sidebar_pane)
    adw_leaflet_set_visible_child (self->leaflet, shown ? self->organizer_pane : self->content_pane);
  update_actions (self);
}

static void
on_organizer_activated (KabarWindow        *self,
                        KabarOrganizerItem *organizer)
{
  /* Narrow, the user chose where to go: go there. */
  adw_leaflet_set_visible_child (self->leaflet, self->organizer_pane);
}

static void
on_messages_dropped (KabarFolderList  *folder_list,
                     KabarMessageDrag *drag,
                     KabarFolderItem  *target,
                     GdkDragAction     action,
                     KabarWindow      *self)
{
  gsize n_uids = 0;
  const guint32 *uids = kabar_message_drag_get_uids (drag, &n_uids);
  g_autoptr(GArray) array = g_array_new (FALSE, FALSE, sizeof (guint32));

  /* The folder list takes drops only within an account. */
  if (kabar_message_drag_get_service (drag) != kabar_folder_item_get_service (target))
    return;
  g_array_append_vals (array, uids, n_uids);
  run_change (self, kabar_message_drag_get_service (drag),
              action == GDK_ACTION_COPY ? KABAR_MESSAGE_ACTION_COPY : KABAR_MESSAGE_ACTION_MOVE,
              kabar_message_drag_get_folder_id (drag), array, target);
}

static void
on_back_clicked (KabarWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
update_navigation (KabarWindow *self)
{
  set_enabled (self, "go-back", can_go_back (self));
}

/* "application" is set after construction: the accounts come with it. */
static void
on_application_changed (KabarWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  GListModel *services = KABAR_IS_APPLICATION (application)
                         ? kabar_application_get_services (KABAR_APPLICATION (application))
                         : NULL;

  if (services == self->services)
    return;
  if (self->services != NULL)
    g_signal_handlers_disconnect_by_func (self->services, on_services_changed, self);
  g_set_object (&self->services, services);
  if (services != NULL)
    g_signal_connect (services, "items-changed", G_CALLBACK (on_services_changed), self);
  watch_services (self);
  kabar_folder_list_set_services (self->folder_list, services);
  update_page (self);
}

/* --- showing one message ------------------------------------------------------------------------ */

static void
on_pending_items_changed (KabarWindow *self)
{
  if (self->pending_message_id != 0 &&
      kabar_message_list_select_message (self->message_list, self->pending_message_id))
    clear_pending_message (self);
}

void
kabar_window_show_message (KabarWindow      *self,
                           KabarMailService *service,
                           gint64            folder_id,
                           gint64            message_id)
{
  KabarAccountItem *account;
  KabarFolderItem *folder;

  g_return_if_fail (KABAR_IS_WINDOW (self));
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (service));

  account = find_account (self, service);
  folder = account != NULL ? kabar_account_item_find_folder (account, folder_id) : NULL;
  forget_restore (self);
  if (folder != NULL && !kabar_folder_list_select_folder (self->folder_list, folder))
    kabar_message_list_set_folder (self->message_list, folder);

  clear_pending_message (self);
  kabar_reading_pane_show_message (self->reading_pane, service, message_id);
  open_message (self);
  if (!kabar_message_list_select_message (self->message_list, message_id) &&
      kabar_message_list_get_shown_model (self->message_list) != NULL)
    {
      self->pending_message_id = message_id;
      self->pending_model = g_object_ref (kabar_message_list_get_shown_model (self->message_list));
      g_signal_connect_object (self->pending_model, "items-changed", G_CALLBACK (on_pending_items_changed),
                               self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }
  gtk_window_present (GTK_WINDOW (self));
}

/* --- pane widths ------------------------------------------------------------------------------- */

static GtkWidget *
handled_pane (KabarWindow *self,
              GtkWidget   *handle)
{
  return handle == self->sidebar_handle ? self->sidebar_pane : self->content_pane;
}

static void
on_handle_drag_begin (GtkGestureDrag *gesture,
                      double          x,
                      double          y,
                      KabarWindow    *self)
{
  GtkWidget *pane = handled_pane (self, gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)));

  self->drag_start_width = gtk_widget_get_width (pane);
}

static void
on_handle_drag_update (GtkGestureDrag *gesture,
                       double          dx,
                       double          dy,
                       KabarWindow    *self)
{
  GtkWidget *pane = handled_pane (self, gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)));
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
  int width = CLAMP (self->drag_start_width + (int) (rtl ? -dx : dx), MIN_PANE_WIDTH, MAX_PANE_WIDTH);

  gtk_widget_set_size_request (pane, width, -1);
}

static void
on_handle_drag_end (GtkGestureDrag *gesture,
                    double          dx,
                    double          dy,
                    KabarWindow    *self)
{
  GtkWidget *handle = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  int width = 0;

  gtk_widget_get_size_request (handled_pane (self, handle), &width, NULL);
  g_settings_set_int (self->settings, handle == self->sidebar_handle ? "sidebar-width" : "list-width", width);
}

static void
make_handle (KabarWindow *self,
             GtkWidget   *handle)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_widget_set_cursor_from_name (handle, "col-resize");
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_handle_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_handle_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_handle_drag_end), self);
  gtk_widget_add_controller (handle, GTK_EVENT_CONTROLLER (drag));
}

/* --- the object ------------------------------------------------------------------------------------ */

static void
kabar_window_dispose (GObject *object)
{
  KabarWindow *self = KABAR_WINDOW (object);

  /* The leaflet of libadwaita 1.2 trips over a hidden page as it goes:
   * the mail panes are shown again first. */
  if (self->organizer_pane != NULL && gtk_widget_get_visible (self->organizer_pane))
    {
      gtk_widget_set_visible (self->content_pane, TRUE);
      gtk_widget_set_visible (self->list_handle, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->reading_pane), TRUE);
      gtk_widget_set_visible (self->organizer_pane, FALSE);
    }
  cancel_mark_read (self);
  clear_pending_message (self);
  clear_title_binding (self);
  forget_undo_toast (self);
  g_clear_handle_id (&self->update_source, g_source_remove);
  if (self->watched_items != NULL)
    watch_items (self, NULL);
  if (self->services != NULL)
    g_signal_handlers_disconnect_by_func (self->services, on_services_changed, self);
  if (self->watched_services != NULL)
    {
      g_clear_object (&self->services);
      watch_services (self);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_WINDOW);
  g_clear_object (&self->services);
  g_clear_pointer (&self->watched_services, g_ptr_array_unref);
  g_clear_pointer (&self->watched_items, g_ptr_array_unref);
  g_clear_object (&self->settings);
  forget_restore (self);

  G_OBJECT_CLASS (kabar_window_parent_class)->dispose (object);
}

static void
add_shortcuts (GtkWidgetClass *widget_class)
{
  static const struct
  {
    guint            key;
    GdkModifierType  modifiers;
    const char      *action;
  } shortcuts[] = {
    { GDK_KEY_Delete, 0, "win.delete" },
    { GDK_KEY_KP_Delete, 0, "win.delete" },
    { GDK_KEY_i, GDK_CONTROL_MASK, "win.mark-read" },
    { GDK_KEY_I, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.mark-unread" },
    { GDK_KEY_d, GDK_CONTROL_MASK, "win.toggle-flag" },
    { GDK_KEY_e, GDK_CONTROL_MASK, "win.archive" },
    { GDK_KEY_j, GDK_CONTROL_MASK, "win.junk" },
    { GDK_KEY_m, GDK_CONTROL_MASK, "win.move-to" },
    { GDK_KEY_M, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.copy-to" },
    { GDK_KEY_F5, 0, "win.check-mail" },
    { GDK_KEY_a, GDK_CONTROL_MASK, "win.select-all" },
    { GDK_KEY_f, GDK_CONTROL_MASK, "win.search" },
    { GDK_KEY_Escape, 0, "win.go-back" },
    { GDK_KEY_Left, GDK_ALT_MASK, "win.go-back" },
    { GDK_KEY_w, GDK_CONTROL_MASK, "window.close" },
    { GDK_KEY_z, GDK_CONTROL_MASK, "win.undo" },
    { GDK_KEY_F6, 0, "win.next-pane" },
    { GDK_KEY_F6, GDK_SHIFT_MASK, "win.previous-pane" },
    { GDK_KEY_n, GDK_CONTROL_MASK, "win.compose" },
    { GDK_KEY_r, GDK_CONTROL_MASK, "win.reply" },
    { GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.reply-all" },
    { GDK_KEY_l, GDK_CONTROL_MASK, "win.forward" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_widget_class_add_binding_action (widget_class, shortcuts[i].key, shortcuts[i].modifiers,
                                         shortcuts[i].action, NULL);
}

static void
kabar_window_class_init (KabarWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_window_dispose;

  g_type_ensure (KABAR_TYPE_FOLDER_LIST);
  g_type_ensure (KABAR_TYPE_MESSAGE_LIST);
  g_type_ensure (KABAR_TYPE_READING_PANE);
  g_type_ensure (KABAR_TYPE_CONTACTS_VIEW);
  g_type_ensure (KABAR_TYPE_CALENDAR_VIEW);
  g_type_ensure (KABAR_TYPE_TODO_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, no_account_page);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, sidebar_pane);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, sidebar_handle);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, content_pane);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, list_handle);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, folder_list);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, folder_title);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, message_list);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, reading_pane);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, organizer_pane);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, organizer_title);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, organizer_stack);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, contacts_view);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, calendar_view);
  gtk_widget_class_bind_template_child (widget_class, KabarWindow, todo_view);
  gtk_widget_class_bind_template_callback (widget_class, on_organizer_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_organizer_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_folder_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_folder_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, update_navigation);
  gtk_widget_class_bind_template_callback (widget_class, on_message_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_message_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_message_shown);

  add_shortcuts (widget_class);
}

static void
kabar_window_init (KabarWindow *self)
{
  self->watched_services = g_ptr_array_new_with_free_func (g_object_unref);
  self->watched_items = g_ptr_array_new_with_free_func (g_object_unref);
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  kabar_compose_actions_add (GTK_APPLICATION_WINDOW (self), get_compose_source);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Narrow, the window opens on the messages; Back leads to the folders. */
  adw_leaflet_set_visible_child (self->leaflet, self->content_pane);
  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_changed), NULL);
  g_signal_connect (self->folder_list, "messages-dropped", G_CALLBACK (on_messages_dropped), self);
  update_page (self);

  /* The size is bound, not saved on close, so a session that ends without
   * closing the window still keeps it. */
  self->settings = g_settings_new (KABAR_APPLICATION_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "sidebar-width", self->sidebar_pane, "width-request", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "list-width", self->content_pane, "width-request", G_SETTINGS_BIND_GET);
  make_handle (self, self->sidebar_handle);
  make_handle (self, self->list_handle);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (on_tab_pressed), self);
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
  }
  add_settings_actions (self);

  self->restore_account = g_settings_get_string (self->settings, "last-folder-account");
  self->restore_path = g_settings_get_string (self->settings, "last-folder-path");
  if (*self->restore_account == '\0' || *self->restore_path == '\0')
    forget_restore (self);
  set_enabled (self, "undo", FALSE);
  update_actions (self);
}
