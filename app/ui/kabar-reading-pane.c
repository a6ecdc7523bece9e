/* kabar-reading-pane.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kabar-reading-pane.h"

struct _KabarReadingPane
{
  GtkWidget         parent_instance;

  GtkStack         *stack;
  GtkSpinner       *spinner;
  AdwStatusPage    *several_page;
  AdwStatusPage    *error_page;
  KabarMessageView *view;
  GtkRevealer      *conversation_revealer;
  GtkLabel         *conversation_title;
  GtkListBox       *conversation_list;
  GtkWidget        *edit_draft_button;
  GtkWidget        *reply_box;
  GtkWidget        *forward_button;

  KabarMailService *service;
  gint64            message_id;
  GCancellable     *cancellable;
  /* The conversation listed above the message (KabarMessageSummary),
   * oldest first; NULL while none is. */
  GPtrArray        *conversation;
  GCancellable     *conversation_cancellable;
  GError           *error;
  gboolean          folded;
};

G_DEFINE_FINAL_TYPE (KabarReadingPane, kabar_reading_pane, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_FOLDED,
  N_PROPS
};

enum
{
  MESSAGE_SHOWN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
cancel_loading (KabarReadingPane *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_spinner_stop (self->spinner);
}

static void on_service_status (KabarMailService *service,
                               GParamSpec       *pspec,
                               KabarReadingPane *self);

static void
set_service (KabarReadingPane *self,
             KabarMailService *service)
{
  if (self->service == service)
    return;
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_func (self->service, on_service_status, self);
  g_set_object (&self->service, service);
}

static void
set_page (KabarReadingPane *self,
          const char       *page)
{
  if (g_strcmp0 (page, "error") != 0)
    g_clear_error (&self->error);
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
show_error (KabarReadingPane *self,
            GError           *error)
{
  g_autofree char *description = NULL;
  gboolean offline = g_error_matches (error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_OFFLINE);

  gtk_spinner_stop (self->spinner);
  set_page (self, "error");
  g_clear_error (&self->error);
  self->error = error;
  if (offline)
    {
      adw_status_page_set_icon_name (self->error_page, "network-offline-symbolic");
      adw_status_page_set_title (self->error_page, _("Not Downloaded Yet"));
      description = g_strdup_printf ("%s\n%s", _("The message will load when the account is online."),
                                     error->message);
      /* Online again, it loads without the user asking. */
      g_signal_connect_object (self->service, "notify::status", G_CALLBACK (on_service_status), self, 0);
    }
  else
    {
      adw_status_page_set_icon_name (self->error_page, "dialog-warning-symbolic");
      adw_status_page_set_title (self->error_page, _("Could Not Show the Message"));
      description = g_strdup (error->message);
    }
  adw_status_page_set_description (self->error_page, description);
}

static void
on_service_status (KabarMailService *service,
                   GParamSpec       *pspec,
                   KabarReadingPane *self)
{
  KabarMailServiceStatus status = kabar_mail_service_get_status (service);

  if (status != KABAR_MAIL_SERVICE_STATUS_SYNCING && status != KABAR_MAIL_SERVICE_STATUS_ONLINE)
    return;
  g_signal_handlers_disconnect_by_func (service, on_service_status, self);
  if (self->error != NULL)
    kabar_reading_pane_retry (self);
}

static void
on_display_built (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KabarReadingPane *self;
  GError *error = NULL;
  g_autoptr(KabarMessageDisplay) display = kabar_message_display_new_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      return;
    }
  self = KABAR_READING_PANE (user_data);
  if (display == NULL)
    {
      show_error (self, error);
      return;
    }
  kabar_message_view_set_display (self->view, display);
  gtk_spinner_stop (self->spinner);
  set_page (self, "message");
  g_signal_emit (self, signals[MESSAGE_SHOWN], 0, self->message_id);
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KabarReadingPane *self;
  GError *error = NULL;
  g_autoptr(GBytes) bytes = kabar_mail_service_get_body_finish (KABAR_MAIL_SERVICE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      return;
    }
  self = KABAR_READING_PANE (user_data);
  if (bytes == NULL)
    {
      show_error (self, error);
      return;
    }
  /* The user's language helps read text whose charset is not declared. */
  kabar_message_display_new_async (bytes, KABAR_DISPLAY_PREFER_HTML, g_get_language_names ()[0],
                                   self->cancellable, on_display_built, self);
}

static void
load (KabarReadingPane *self)
{
  cancel_loading (self);
  g_signal_handlers_disconnect_by_func (self->service, on_service_status, self);
  self->cancellable = g_cancellable_new ();
  /* Remote content may be allowed for the sender: the store says. */
  kabar_message_view_set_store (self->view, kabar_mail_service_get_store (self->service));
  gtk_spinner_start (self->spinner);
  set_page (self, "loading");
  /* The callbacks hold no reference: cancelled, they touch nothing. */
  kabar_mail_service_get_body_async (self->service, self->message_id, self->cancellable, on_body_read, self);
}

/* --- the conversation ----------------------------------------------------------------------- */

static void
clear_conversation (KabarReadingPane *self)
{
  g_cancellable_cancel (self->conversation_cancellable);
  g_clear_object (&self->conversation_cancellable);
  g_clear_pointer (&self->conversation, g_ptr_array_unref);
  gtk_revealer_set_reveal_child (self->conversation_revealer, FALSE);
  /* No transition to wait for: the rows would linger for a moment. */
  while (gtk_widget_get_first_child (GTK_WIDGET (self->conversation_list)) != NULL)
    gtk_list_box_remove (self->conversation_list, gtk_widget_get_first_child (GTK_WIDGET (self->conversation_list)));
}

static gboolean
conversation_position (KabarReadingPane *self,
                       gint64            message_id,
                       guint            *position)
{
  for (guint i = 0; self->conversation != NULL && i < self->conversation->len; i++)
    if (((KabarMessageSummary *) g_ptr_array_index (self->conversation, i))->id == message_id)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

static GtkWidget *
make_conversation_row (const KabarMessageSummary *summary)
{
  const char *sender = summary->from_name != NULL && *summary->from_name != '\0' ? summary->from_name
                                                                                : summary->from_address;
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (summary->date != 0 ? summary->date
                                                                                 : summary->internal_date);
  g_autofree char *when = date != NULL ? kabar_display_format_date (date, NULL) : g_strdup ("");
  g_autofree char *accessible = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *from = gtk_label_new (sender != NULL ? sender : "");
  GtkWidget *subject = gtk_label_new (summary->subject != NULL ? summary->subject : "");
  GtkWidget *time = gtk_label_new (when);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_label_set_ellipsize (GTK_LABEL (from), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (from), 24);
  gtk_label_set_xalign (GTK_LABEL (subject), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subject), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (subject, TRUE);
  gtk_widget_add_css_class (subject, "dim-label");
  gtk_widget_add_css_class (time, "dim-label");
  gtk_widget_add_css_class (time, "numeric");
  if (!(summary->flags & KABAR_MESSAGE_FLAG_SEEN))
    gtk_widget_add_css_class (from, "heading");
  gtk_box_append (GTK_BOX (box), from);
  gtk_box_append (GTK_BOX (box), subject);
  gtk_box_append (GTK_BOX (box), time);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* Translators: a message of a conversation as a screen reader says
   * it: sender, date, subject. */
  accessible = g_strdup_printf (_("From %s, %s: %s"), sender != NULL ? sender : "", when,
                                summary->subject != NULL ? summary->subject : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return row;
}

static void
select_in_conversation (KabarReadingPane *self)
{
  guint position;

  if (conversation_position (self, self->message_id, &position))
    gtk_list_box_select_row (self->conversation_list, gtk_list_box_get_row_at_index (self->conversation_list,
                                                                                     position));
}

static void
on_conversation_listed (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  KabarReadingPane *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conversation = kabar_mail_service_list_conversation_finish (KABAR_MAIL_SERVICE (source),
                                                                                    result, &error);
  g_autofree char *title = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KABAR_READING_PANE (user_data);
  /* Without its conversation, the message still shows: nothing to say. */
  if (conversation == NULL || conversation->len < 2)
    {
      if (error != NULL)
        g_debug ("The conversation of message %" G_GINT64_FORMAT " could not be read: %s", self->message_id,
                 error->message);
      return;
    }
  self->conversation = g_steal_pointer (&conversation);
  for (guint i = 0; i < self->conversation->len; i++)
    gtk_list_box_append (self->conversation_list, make_conversation_row (g_ptr_array_index (self->conversation, i)));
  title = g_strdup_printf (ngettext ("%u message in this conversation", "%u messages in this conversation",
                                     self->conversation->len),
                           self->conversation->len);
  gtk_label_set_text (self->conversation_title, title);
  select_in_conversation (self);
  gtk_revealer_set_reveal_child (self->conversation_revealer, TRUE);
}

static void
list_conversation (KabarReadingPane *self)
{
  clear_conversation (self);
  self->conversation_cancellable = g_cancellable_new ();
  kabar_mail_service_list_conversation_async (self->service, self->message_id, self->conversation_cancellable,
                                              on_conversation_listed, self);
}

static void
on_conversation_row_activated (KabarReadingPane *self,
                               GtkListBoxRow    *row)
{
  int index = gtk_list_box_row_get_index (row);

  if (self->conversation == NULL || index < 0 || (guint) index >= self->conversation->len)
    return;
  kabar_reading_pane_show_message (self, self->service,
                                   ((KabarMessageSummary *) g_ptr_array_index (self->conversation, index))->id);
}

GtkWidget *
kabar_reading_pane_new (void)
{
  return g_object_new (KABAR_TYPE_READING_PANE, NULL);
}

void
kabar_reading_pane_show_message (KabarReadingPane *self,
                                 KabarMailService *service,
                                 gint64            message_id)
{
  guint position;

  g_return_if_fail (KABAR_IS_READING_PANE (self));
  g_return_if_fail (KABAR_IS_MAIL_SERVICE (service));
  g_return_if_fail (message_id > 0);

  if (self->service == service && self->message_id == message_id && self->error == NULL)
    return;
  /* Another message of the conversation shown: it stays listed. */
  if (self->service != service || !conversation_position (self, message_id, &position))
    clear_conversation (self);
  set_service (self, service);
  self->message_id = message_id;
  load (self);
  if (self->conversation == NULL)
    list_conversation (self);
  else
    select_in_conversation (self);
}

void
kabar_reading_pane_show_selection (KabarReadingPane *self,
                                   guint             n_selected)
{
  g_autofree char *title = NULL;

  g_return_if_fail (KABAR_IS_READING_PANE (self));

  cancel_loading (self);
  clear_conversation (self);
  set_service (self, NULL);
  self->message_id = 0;
  /* A message left in the view would still be found by the accessibility
   * tree and by find. */
  kabar_message_view_set_display (self->view, NULL);
  if (n_selected <= 1)
    {
      set_page (self, "empty");
      return;
    }
  title = g_strdup_printf (ngettext ("%u Message Selected", "%u Messages Selected", n_selected), n_selected);
  adw_status_page_set_title (self->several_page, title);
  set_page (self, "several");
}

void
kabar_reading_pane_retry (KabarReadingPane *self)
{
  g_return_if_fail (KABAR_IS_READING_PANE (self));

  if (self->service != NULL && self->message_id > 0)
    load (self);
}

static void
on_retry_clicked (KabarReadingPane *self)
{
  kabar_reading_pane_retry (self);
}

gint64
kabar_reading_pane_get_message_id (KabarReadingPane *self)
{
  g_return_val_if_fail (KABAR_IS_READING_PANE (self), 0);
  return self->message_id;
}

KabarMailService *
kabar_reading_pane_get_service (KabarReadingPane *self)
{
  g_return_val_if_fail (KABAR_IS_READING_PANE (self), NULL);
  return self->service;
}

const char *
kabar_reading_pane_get_page (KabarReadingPane *self)
{
  g_return_val_if_fail (KABAR_IS_READING_PANE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const GError *
kabar_reading_pane_get_error (KabarReadingPane *self)
{
  g_return_val_if_fail (KABAR_IS_READING_PANE (self), NULL);
  return self->error;
}

void
kabar_reading_pane_set_draft (KabarReadingPane *self,
                              gboolean          draft)
{
  g_return_if_fail (KABAR_IS_READING_PANE (self));
  /* One's own unfinished message is continued, not answered. */
  gtk_widget_set_visible (self->edit_draft_button, draft);
  gtk_widget_set_visible (self->reply_box, !draft);
}

KabarMessageView *
kabar_reading_pane_get_view (KabarReadingPane *self)
{
  g_return_val_if_fail (KABAR_IS_READING_PANE (self), NULL);
  return self->view;
}

static void
kabar_reading_pane_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KabarReadingPane *self = KABAR_READING_PANE (object);

  switch (prop_id)
    {
    case PROP_FOLDED:
      g_value_set_boolean (value, self->folded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_reading_pane_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KabarReadingPane *self = KABAR_READING_PANE (object);

  switch (prop_id)
    {
    case PROP_FOLDED:
      if (self->folded == g_value_get_boolean (value))
        return;
      self->folded = g_value_get_boolean (value);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_reading_pane_dispose (GObject *object)
{
  KabarReadingPane *self = KABAR_READING_PANE (object);

  cancel_loading (self);
  g_cancellable_cancel (self->conversation_cancellable);
  g_clear_object (&self->conversation_cancellable);
  g_clear_pointer (&self->conversation, g_ptr_array_unref);
  set_service (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_READING_PANE);
  /* The box around the template's children has no name to be disposed by. */
  while (gtk_widget_get_first_child (GTK_WIDGET (self)) != NULL)
    gtk_widget_unparent (gtk_widget_get_first_child (GTK_WIDGET (self)));
  G_OBJECT_CLASS (kabar_reading_pane_parent_class)->dispose (object);
}

static void
kabar_reading_pane_finalize (GObject *object)
{
  KabarReadingPane *self = KABAR_READING_PANE (object);

  g_clear_error (&self->error);
  G_OBJECT_CLASS (kabar_reading_pane_parent_class)->finalize (object);
}

static void
kabar_reading_pane_class_init (KabarReadingPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_reading_pane_dispose;
  object_class->finalize = kabar_reading_pane_finalize;
  object_class->get_property = kabar_reading_pane_get_property;
  object_class->set_property = kabar_reading_pane_set_property;

  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[MESSAGE_SHOWN] =
    g_signal_new ("message-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (KABAR_TYPE_MESSAGE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-reading-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarReadingPane, stack);
  gtk_widget_class_bind_template_child (widget_class, KabarReadingPane, spinner);
  gtk_widget_class_bind_template_child (widget_class, KabarReadingPane, several_page);
  gtk_widget_class_bind_template_child (widget_class, KabarReadingPane, error_page);
  gtk_widget_class_bind_template_child (widget_class, KabarReadingPane, view);
  gtk_widget_class_bind_template_child (widget_class, KabarReadingPane, conversation_revealer);
  gtk_widget_class_bind_template_child (widget_class, KabarReadingPane, conversation_title);
  gtk_widget_class_bind_template_child (widget_class, KabarReadingPane, conversation_list);
  gtk_widget_class_bind_template_child (widget_class, KabarReadingPane, edit_draft_button);
  gtk_widget_class_bind_template_child (widget_class, KabarReadingPane, reply_box);
  gtk_widget_class_bind_template_child (widget_class, KabarReadingPane, forward_button);
  gtk_widget_class_bind_template_callback (widget_class, on_conversation_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
  gtk_widget_class_set_css_name (widget_class, "readingpane");
}

/* A menu button has no action of its own: it follows the window's
 * forward action, so it is not offered while there is nothing to forward. */
static void
update_forward_button (KabarReadingPane *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean enabled = G_IS_ACTION_GROUP (root)
                     && g_action_group_has_action (G_ACTION_GROUP (root), "forward")
                     && g_action_group_get_action_enabled (G_ACTION_GROUP (root), "forward");

  gtk_widget_set_sensitive (self->forward_button, enabled);
}

static void
on_root_changed (KabarReadingPane *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (G_IS_ACTION_GROUP (root))
    {
      g_signal_connect_object (root, "action-added::forward", G_CALLBACK (update_forward_button), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (root, "action-enabled-changed::forward", G_CALLBACK (update_forward_button),
                               self, G_CONNECT_SWAPPED);
    }
  update_forward_button (self);
}

static void
kabar_reading_pane_init (KabarReadingPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "notify::root", G_CALLBACK (on_root_changed), NULL);
  update_forward_button (self);
}
