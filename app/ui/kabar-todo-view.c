/* kabar-todo-view.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-todo-view.h"
#include "kabar-organizer-feed.h"
#include "kabar-store.h"

struct _KabarTodoView
{
  AdwBin            parent_instance;

  GtkListBox       *lists_list;
  GtkEntry         *add_entry;
  GtkListBox       *open_list;
  GtkWidget        *nothing_label;
  GtkExpander      *done_expander;
  GtkListBox       *done_list;

  KabarOrganizerFeed feed;
  /* The lists' load, and the tasks' load: the feed's slots. */
  GCancellable     *lists_cancellable;
  GCancellable     *tasks_cancellable;
  /* Changes end with the view. */
  GCancellable     *cancellable;
  char             *list_id;
  guint             n_open;
  guint             n_done;
  /* Set while the view fills the list of lists itself. */
  gboolean          filling;
};

G_DEFINE_FINAL_TYPE (KabarTodoView, kabar_todo_view, ADW_TYPE_BIN)

static void load_lists (KabarTodoView *self);
static void load_tasks (KabarTodoView *self);

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
report (KabarTodoView *self,
        const GError  *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* The store's words name what failed; the sentence says what it means. */
  if (g_error_matches (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    body = g_strdup (_("The task is no longer there: it was deleted, perhaps on another device."));
  else
    body = g_strdup_printf (_("Kabar could not save the change on this computer (%s)."), error->message);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("The Task Could Not Be Changed"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- tasks ------------------------------------------------------------------------------------- */

static void
on_completed_set (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KabarTodoView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kabar_mail_service_set_task_completed_finish (KABAR_MAIL_SERVICE (source), result, &error))
    report (self, error);
  /* In the store now: the task moves to its place, the counts follow. */
  load_tasks (self);
  load_lists (self);
}

static void
on_check_toggled (GtkCheckButton *check,
                  KabarTodoView  *self)
{
  const KabarTask *task = g_object_get_data (G_OBJECT (check), "kabar-task");

  if (task == NULL || self->feed.service == NULL || gtk_check_button_get_active (check) == task->completed)
    return;
  kabar_mail_service_set_task_completed_async (self->feed.service, task->id, gtk_check_button_get_active (check),
                                               self->cancellable, on_completed_set, g_object_ref (self));
}

static char *
describe_task (const KabarTask *task)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (task->due != 0)
    {
      /* Due dates are days (00:00 UTC), whatever the time zone. */
      g_autoptr(GDateTime) due = g_date_time_new_from_unix_utc (task->due);
      g_autofree char *date = g_date_time_format (due, _("%-e %B %Y"));

      g_strstrip (date);
      /* Translators: %s is a date, such as "24 November 2026". */
      g_string_append_printf (text, _("Due %s"), date);
    }
  if (task->pending)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, _("Not yet on the server"));
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static GtkWidget *
task_row_new (KabarTodoView   *self,
              const KabarTask *task)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *below = describe_task (task);
  const char *title = task->title != NULL ? task->title : "";

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), task->completed);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_widget_set_tooltip_text (check, task->completed ? _("Mark as not completed") : _("Mark as completed"));
  g_object_set_data_full (G_OBJECT (check), "kabar-task", kabar_task_copy (task), (GDestroyNotify) kabar_task_free);
  g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), self);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (below != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), below);
  if (task->important)
    {
      GtkWidget *star = gtk_image_new_from_icon_name ("starred-symbolic");

      gtk_widget_set_tooltip_text (star, _("Important"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (star), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Important"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), star);
    }
  if (task->completed)
    gtk_widget_add_css_class (row, "dim-label");
  return row;
}

static void
show_tasks (KabarTodoView *self,
            GPtrArray     *tasks)
{
  g_autofree char *done_title = NULL;

  clear_list (self->open_list);
  clear_list (self->done_list);
  self->n_open = 0;
  self->n_done = 0;
  for (guint i = 0; i < tasks->len; i++)
    {
      const KabarTask *task = g_ptr_array_index (tasks, i);

      gtk_list_box_append (task->completed ? self->done_list : self->open_list, task_row_new (self, task));
      if (task->completed)
        self->n_done++;
      else
        self->n_open++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->open_list), self->n_open > 0);
  gtk_widget_set_visible (self->nothing_label, self->n_open == 0 && self->list_id != NULL);
  /* Translators: %u is how many tasks of the list are completed. */
  done_title = g_strdup_printf (_("_Completed (%u)"), self->n_done);
  gtk_expander_set_label (self->done_expander, done_title);
  gtk_widget_set_visible (GTK_WIDGET (self->done_expander), self->n_done > 0);
}

static void
on_tasks_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KabarTodoView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = kabar_mail_service_list_tasks_finish (KABAR_MAIL_SERVICE (source), result, &error);

  if (kabar_organizer_feed_finish (&self->feed, &self->tasks_cancellable, "the tasks", error, &tasks))
    show_tasks (self, tasks);
}

static void
load_tasks (KabarTodoView *self)
{
  GCancellable *cancellable = NULL;

  if (self->list_id == NULL)
    kabar_organizer_feed_cancel (&self->tasks_cancellable);
  else
    cancellable = kabar_organizer_feed_start (&self->feed, &self->tasks_cancellable);
  if (cancellable == NULL)
    {
      g_autoptr(GPtrArray) none = g_ptr_array_new ();

      show_tasks (self, none);
      return;
    }
  kabar_mail_service_list_tasks_async (self->feed.service, self->list_id, cancellable, on_tasks_listed,
                                       g_object_ref (self));
}

static void
on_task_added (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KabarTodoView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarTask) task = kabar_mail_service_add_task_finish (KABAR_MAIL_SERVICE (source), result, &error);

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_entry), TRUE);
  if (task == NULL)
    {
      report (self, error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->add_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->add_entry));
  load_tasks (self);
  load_lists (self);
}

static void
on_add_activated (KabarTodoView *self)
{
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->add_entry))));

  if (*title == '\0' || self->feed.service == NULL || self->list_id == NULL)
    return;
  /* Once: Enter pressed twice adds it once. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_entry), FALSE);
  kabar_mail_service_add_task_async (self->feed.service, self->list_id, title, self->cancellable, on_task_added,
                                     g_object_ref (self));
}

/* --- lists ------------------------------------------------------------------------------------- */

static GtkWidget *
list_row_new (const KabarTaskList *list)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new (list->name);
  g_autofree char *count_text = g_strdup_printf ("%u", list->n_open);
  GtkWidget *count = gtk_label_new (count_text);
  /* Translators: a To Do list's name, then how many open tasks it has. */
  g_autofree char *accessible = g_strdup_printf (ngettext ("%s, %u open task", "%s, %u open tasks", list->n_open),
                                                 list->name, list->n_open);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_widget_set_visible (count, list->n_open > 0);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), count);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (row), "kabar-list-id", g_strdup (list->id), g_free);
  return row;
}

static void
on_list_selected (KabarTodoView *self,
                  GtkListBoxRow *row)
{
  const char *id = row != NULL ? g_object_get_data (G_OBJECT (row), "kabar-list-id") : NULL;

  if (self->filling || id == NULL || g_strcmp0 (id, self->list_id) == 0)
    return;
  g_free (self->list_id);
  self->list_id = g_strdup (id);
  load_tasks (self);
}

static void
show_lists (KabarTodoView *self,
            GPtrArray     *lists)
{
  GtkListBoxRow *keep = NULL;

  self->filling = TRUE;
  clear_list (self->lists_list);
  for (guint i = 0; i < lists->len; i++)
    {
      const KabarTaskList *list = g_ptr_array_index (lists, i);
      GtkWidget *row = list_row_new (list);

      gtk_list_box_append (self->lists_list, row);
      /* The one shown, else the default list (first). */
      if (g_strcmp0 (list->id, self->list_id) == 0 || (keep == NULL && i == 0))
        keep = GTK_LIST_BOX_ROW (row);
    }
  gtk_list_box_select_row (self->lists_list, keep);
  self->filling = FALSE;
  if (keep == NULL)
    {
      g_clear_pointer (&self->list_id, g_free);
      load_tasks (self);
    }
  else
    on_list_selected (self, keep);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_entry), self->list_id != NULL);
}

static void
on_lists_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KabarTodoView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lists = kabar_mail_service_list_task_lists_finish (KABAR_MAIL_SERVICE (source), result,
                                                                          &error);

  if (kabar_organizer_feed_finish (&self->feed, &self->lists_cancellable, "the task lists", error, &lists))
    show_lists (self, lists);
}

static void
load_lists (KabarTodoView *self)
{
  GCancellable *cancellable = kabar_organizer_feed_start (&self->feed, &self->lists_cancellable);

  if (cancellable == NULL)
    return;
  kabar_mail_service_list_task_lists_async (self->feed.service, cancellable, on_lists_listed,
                                            g_object_ref (self));
}

static void
reload (KabarTodoView *self)
{
  load_lists (self);
  load_tasks (self);
}

GtkWidget *
kabar_todo_view_new (void)
{
  return g_object_new (KABAR_TYPE_TODO_VIEW, NULL);
}

void
kabar_todo_view_set_service (KabarTodoView    *self,
                             KabarMailService *service)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();

  g_return_if_fail (KABAR_IS_TODO_VIEW (self));
  g_return_if_fail (service == NULL || KABAR_IS_MAIL_SERVICE (service));

  if (self->feed.service == service)
    return;
  kabar_organizer_feed_set_service (&self->feed, service);
  g_clear_pointer (&self->list_id, g_free);
  self->filling = TRUE;
  clear_list (self->lists_list);
  self->filling = FALSE;
  show_tasks (self, none);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_entry), FALSE);
  load_lists (self);
}

const char *
kabar_todo_view_get_list_id (KabarTodoView *self)
{
  g_return_val_if_fail (KABAR_IS_TODO_VIEW (self), NULL);
  return self->list_id;
}

guint
kabar_todo_view_get_n_open (KabarTodoView *self)
{
  g_return_val_if_fail (KABAR_IS_TODO_VIEW (self), 0);
  return self->n_open;
}

guint
kabar_todo_view_get_n_done (KabarTodoView *self)
{
  g_return_val_if_fail (KABAR_IS_TODO_VIEW (self), 0);
  return self->n_done;
}

gboolean
kabar_todo_view_is_loading (KabarTodoView *self)
{
  g_return_val_if_fail (KABAR_IS_TODO_VIEW (self), FALSE);
  return self->lists_cancellable != NULL || self->tasks_cancellable != NULL || self->feed.waiting;
}

void
kabar_todo_view_focus (KabarTodoView *self)
{
  g_return_if_fail (KABAR_IS_TODO_VIEW (self));
  if (!gtk_widget_grab_focus (GTK_WIDGET (self->add_entry)))
    gtk_widget_child_focus (GTK_WIDGET (self->lists_list), GTK_DIR_TAB_FORWARD);
}

static void
kabar_todo_view_dispose (GObject *object)
{
  KabarTodoView *self = KABAR_TODO_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  kabar_organizer_feed_cancel (&self->lists_cancellable);
  kabar_organizer_feed_cancel (&self->tasks_cancellable);
  kabar_organizer_feed_clear (&self->feed);
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_TODO_VIEW);
  G_OBJECT_CLASS (kabar_todo_view_parent_class)->dispose (object);
}

static void
kabar_todo_view_finalize (GObject *object)
{
  KabarTodoView *self = KABAR_TODO_VIEW (object);

  g_clear_object (&self->cancellable);
  g_free (self->list_id);
  G_OBJECT_CLASS (kabar_todo_view_parent_class)->finalize (object);
}

static void
kabar_todo_view_class_init (KabarTodoViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_todo_view_dispose;
  object_class->finalize = kabar_todo_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-todo-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarTodoView, lists_list);
  gtk_widget_class_bind_template_child (widget_class, KabarTodoView, add_entry);
  gtk_widget_class_bind_template_child (widget_class, KabarTodoView, open_list);
  gtk_widget_class_bind_template_child (widget_class, KabarTodoView, nothing_label);
  gtk_widget_class_bind_template_child (widget_class, KabarTodoView, done_expander);
  gtk_widget_class_bind_template_child (widget_class, KabarTodoView, done_list);
  gtk_widget_class_bind_template_callback (widget_class, on_list_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_add_activated);
}

static void
kabar_todo_view_init (KabarTodoView *self)
{
  self->cancellable = g_cancellable_new ();
  kabar_organizer_feed_init (&self->feed, self, KABAR_ORGANIZER_TASKS, (KabarOrganizerReload) reload);
  gtk_widget_init_template (GTK_WIDGET (self));
}
