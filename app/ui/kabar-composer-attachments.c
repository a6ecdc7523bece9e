/* kabar-composer-attachments.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-composer-attachments.h"

struct _KabarComposerAttachments
{
  GtkWidget             parent_instance;

  GtkWidget            *list;
  GtkWidget            *loading_row;
  /* A message used only as the list of attachments: it reads files the
   * way sending wants them, and gives each its name. */
  KabarOutgoingMessage *files;
  guint                 n_loading;
  GCancellable         *cancellable;
};

enum
{
  SIGNAL_CHANGED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarComposerAttachments, kabar_composer_attachments, GTK_TYPE_WIDGET)

static void
on_remove_clicked (GtkButton                *button,
                   KabarComposerAttachments *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);

  kabar_composer_attachments_remove (self, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)));
}

static GtkWidget *
make_row (KabarComposerAttachments *self,
          guint                     index)
{
  const char *name = NULL;
  const char *content_type = NULL;
  GBytes *data = kabar_outgoing_message_get_attachment (self->files, index, &name, &content_type);
  g_autofree char *guessed = NULL;
  g_autoptr(GIcon) icon = NULL;
  g_autofree char *size = g_format_size (g_bytes_get_size (data));
  g_autofree char *remove = g_strdup_printf (_("Remove “%s”"), name);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label;
  GtkWidget *button;
  GtkWidget *row;

  if (content_type == NULL)
    {
      gsize length = 0;
      const guchar *bytes = g_bytes_get_data (data, &length);

      content_type = guessed = g_content_type_guess (name, bytes, MIN (length, 4096), NULL);
    }
  icon = g_content_type_get_symbolic_icon (content_type);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_gicon (icon));

  label = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_tooltip_text (label, name);
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (size);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), label);

  button = gtk_button_new_from_icon_name ("edit-delete-symbolic");
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, remove);
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_clicked), self);
  gtk_box_append (GTK_BOX (box), button);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_add_css_class (box, "attachment");
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return row;
}

/* A handful of rows: made again on each change, which keeps them in
 * step with the message's list without a model of their own. */
static void
update (KabarComposerAttachments *self)
{
  GtkWidget *child;
  guint n = kabar_outgoing_message_get_n_attachments (self->files);

  while ((child = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (GTK_LIST_BOX (self->list), make_row (self, i));
  if (self->n_loading > 0)
    gtk_list_box_append (GTK_LIST_BOX (self->list), self->loading_row);
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0 || self->n_loading > 0);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_file_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KabarComposerAttachments *self;
  GError *error = NULL;

  if (!kabar_outgoing_message_add_attachment_file_finish (KABAR_OUTGOING_MESSAGE (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      return;
    }
  self = KABAR_COMPOSER_ATTACHMENTS (user_data);
  self->n_loading--;
  update (self);
  if (error != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
      g_error_free (error);
    }
}

void
kabar_composer_attachments_add_file (KabarComposerAttachments *self,
                                     GFile                    *file)
{
  g_return_if_fail (KABAR_IS_COMPOSER_ATTACHMENTS (self));
  g_return_if_fail (G_IS_FILE (file));

  self->n_loading++;
  /* The callback holds no reference: cancelled at dispose, it touches
   * nothing. */
  kabar_outgoing_message_add_attachment_file_async (self->files, file, self->cancellable, on_file_read, self);
  update (self);
}

void
kabar_composer_attachments_add_from (KabarComposerAttachments *self,
                                     KabarOutgoingMessage     *message)
{
  guint n;

  g_return_if_fail (KABAR_IS_COMPOSER_ATTACHMENTS (self));
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (message));

  n = kabar_outgoing_message_get_n_attachments (message);
  for (guint i = 0; i < n; i++)
    {
      const char *name = NULL;
      const char *content_type = NULL;
      GBytes *data = kabar_outgoing_message_get_attachment (message, i, &name, &content_type);

      kabar_outgoing_message_add_attachment (self->files, data, name, content_type);
    }
  if (n > 0)
    update (self);
}

void
kabar_composer_attachments_add_to (KabarComposerAttachments *self,
                                   KabarOutgoingMessage     *message)
{
  g_return_if_fail (KABAR_IS_COMPOSER_ATTACHMENTS (self));
  g_return_if_fail (KABAR_IS_OUTGOING_MESSAGE (message));

  for (guint i = 0; i < kabar_outgoing_message_get_n_attachments (self->files); i++)
    {
      const char *name = NULL;
      const char *content_type = NULL;
      GBytes *data = kabar_outgoing_message_get_attachment (self->files, i, &name, &content_type);

      kabar_outgoing_message_add_attachment (message, data, name, content_type);
    }
}

guint
kabar_composer_attachments_get_n_items (KabarComposerAttachments *self)
{
  g_return_val_if_fail (KABAR_IS_COMPOSER_ATTACHMENTS (self), 0);
  return kabar_outgoing_message_get_n_attachments (self->files);
}

guint64
kabar_composer_attachments_get_sent_size (KabarComposerAttachments *self)
{
  guint64 size = 0;

  g_return_val_if_fail (KABAR_IS_COMPOSER_ATTACHMENTS (self), 0);

  for (guint i = 0; i < kabar_outgoing_message_get_n_attachments (self->files); i++)
    {
      GBytes *data = kabar_outgoing_message_get_attachment (self->files, i, NULL, NULL);
      guint64 length = g_bytes_get_size (data);

      /* Base64 makes 4 bytes of 3, in lines of 76 with CRLF. */
      size += (length + 2) / 3 * 4 * 78 / 76;
    }
  return size;
}

gboolean
kabar_composer_attachments_is_loading (KabarComposerAttachments *self)
{
  g_return_val_if_fail (KABAR_IS_COMPOSER_ATTACHMENTS (self), FALSE);
  return self->n_loading > 0;
}

void
kabar_composer_attachments_remove (KabarComposerAttachments *self,
                                   guint                     index)
{
  g_return_if_fail (KABAR_IS_COMPOSER_ATTACHMENTS (self));
  g_return_if_fail (index < kabar_outgoing_message_get_n_attachments (self->files));

  kabar_outgoing_message_remove_attachment (self->files, index);
  update (self);
  /* The focus was on the button that went with its row. */
  if (gtk_widget_get_first_child (self->list) != NULL)
    gtk_widget_child_focus (self->list, GTK_DIR_TAB_FORWARD);
}

static GtkWidget *
make_loading_row (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *label = gtk_label_new (_("Attaching files…"));
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
kabar_composer_attachments_dispose (GObject *object)
{
  KabarComposerAttachments *self = KABAR_COMPOSER_ATTACHMENTS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->list, gtk_widget_unparent);
  g_clear_object (&self->loading_row);
  G_OBJECT_CLASS (kabar_composer_attachments_parent_class)->dispose (object);
}

static void
kabar_composer_attachments_finalize (GObject *object)
{
  KabarComposerAttachments *self = KABAR_COMPOSER_ATTACHMENTS (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->files);
  G_OBJECT_CLASS (kabar_composer_attachments_parent_class)->finalize (object);
}

static void
kabar_composer_attachments_class_init (KabarComposerAttachmentsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_composer_attachments_dispose;
  object_class->finalize = kabar_composer_attachments_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
kabar_composer_attachments_init (KabarComposerAttachments *self)
{
  self->files = kabar_outgoing_message_new ();
  self->cancellable = g_cancellable_new ();
  self->loading_row = g_object_ref_sink (make_loading_row ());

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_widget_set_margin_start (self->list, 12);
  gtk_widget_set_margin_end (self->list, 12);
  gtk_widget_set_margin_top (self->list, 6);
  gtk_widget_set_margin_bottom (self->list, 12);
  gtk_widget_set_parent (self->list, GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Attachments"), -1);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
kabar_composer_attachments_new (void)
{
  return g_object_new (KABAR_TYPE_COMPOSER_ATTACHMENTS, NULL);
}
