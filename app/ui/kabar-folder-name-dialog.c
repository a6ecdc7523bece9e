/* kabar-folder-name-dialog.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-folder-name-dialog.h"

struct _KabarFolderNameDialog
{
  AdwMessageDialog  parent_instance;

  GtkEntry         *entry;
  GtkLabel         *problem_label;

  GStrv             taken;
  char              delimiter;
  /* The name it had, which may stay as it is only when renaming. */
  char             *original;
  const char       *problem;
};

enum
{
  NAME_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarFolderNameDialog, kabar_folder_name_dialog, ADW_TYPE_MESSAGE_DIALOG)

static char *
trimmed_name (KabarFolderNameDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));
}

static gboolean
is_taken (KabarFolderNameDialog *self,
          const char            *name)
{
  for (guint i = 0; self->taken != NULL && self->taken[i] != NULL; i++)
    {
      /* INBOX is the same mailbox in any case (RFC 3501). */
      if (strcmp (self->taken[i], name) == 0 ||
          (g_ascii_strcasecmp (name, "INBOX") == 0 && g_ascii_strcasecmp (self->taken[i], "INBOX") == 0))
        return TRUE;
    }
  return FALSE;
}

static const char *
find_problem (KabarFolderNameDialog *self,
              const char            *name)
{
  if (*name == '\0')
    return "";
  if (self->delimiter != '\0' && strchr (name, self->delimiter) != NULL)
    return _("A folder name cannot contain the character the server uses between folders.");
  if (is_taken (self, name))
    return _("There is already a folder with this name here.");
  return NULL;
}

static void
on_entry_changed (KabarFolderNameDialog *self)
{
  g_autofree char *name = trimmed_name (self);

  self->problem = find_problem (self, name);
  /* An empty entry is not an error to point at: the button says enough. */
  gtk_label_set_text (self->problem_label, self->problem != NULL ? self->problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), self->problem != NULL && *self->problem != '\0');
  if (self->problem != NULL && *self->problem != '\0')
    gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "accept",
                                           self->problem == NULL && g_strcmp0 (name, self->original) != 0);
}

static void
kabar_folder_name_dialog_response (AdwMessageDialog *dialog,
                                   const char       *response)
{
  KabarFolderNameDialog *self = KABAR_FOLDER_NAME_DIALOG (dialog);

  if (g_strcmp0 (response, "accept") == 0)
    {
      g_autofree char *name = trimmed_name (self);

      if (find_problem (self, name) == NULL)
        g_signal_emit (self, signals[NAME_CHOSEN], 0, name);
    }
  if (ADW_MESSAGE_DIALOG_CLASS (kabar_folder_name_dialog_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (kabar_folder_name_dialog_parent_class)->response (dialog, response);
}

GtkWidget *
kabar_folder_name_dialog_new (GtkWindow          *parent,
                              const char         *heading,
                              const char         *accept_label,
                              const char         *name,
                              const char * const *taken,
                              char                delimiter)
{
  KabarFolderNameDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (heading != NULL && accept_label != NULL, NULL);

  self = g_object_new (KABAR_TYPE_FOLDER_NAME_DIALOG, "transient-for", parent, "heading", heading, NULL);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (self), "cancel", _("_Cancel"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (self), "accept", accept_label);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "accept", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "accept");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
  self->taken = g_strdupv ((char **) taken);
  self->delimiter = delimiter;
  self->original = g_strdup (name);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), name != NULL ? name : "");
  on_entry_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  return GTK_WIDGET (self);
}

GtkEditable *
kabar_folder_name_dialog_get_entry (KabarFolderNameDialog *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_NAME_DIALOG (self), NULL);
  return GTK_EDITABLE (self->entry);
}

const char *
kabar_folder_name_dialog_get_problem (KabarFolderNameDialog *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_NAME_DIALOG (self), NULL);
  return self->problem;
}

static void
kabar_folder_name_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_FOLDER_NAME_DIALOG);
  G_OBJECT_CLASS (kabar_folder_name_dialog_parent_class)->dispose (object);
}

static void
kabar_folder_name_dialog_finalize (GObject *object)
{
  KabarFolderNameDialog *self = KABAR_FOLDER_NAME_DIALOG (object);

  g_strfreev (self->taken);
  g_free (self->original);
  G_OBJECT_CLASS (kabar_folder_name_dialog_parent_class)->finalize (object);
}

static void
kabar_folder_name_dialog_class_init (KabarFolderNameDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->dispose = kabar_folder_name_dialog_dispose;
  object_class->finalize = kabar_folder_name_dialog_finalize;
  dialog_class->response = kabar_folder_name_dialog_response;

  signals[NAME_CHOSEN] =
    g_signal_new ("name-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-folder-name-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarFolderNameDialog, entry);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderNameDialog, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
}

static void
kabar_folder_name_dialog_init (KabarFolderNameDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
