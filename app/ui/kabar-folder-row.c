/* kabar-folder-row.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-fix.h"
#include "kabar-account-item.h"
#include "kabar-folder-item.h"
#include "kabar-folder-row.h"
#include "kabar-organizer-item.h"

struct _KabarFolderRow
{
  GtkWidget   parent_instance;

  GObject    *item;

  GtkWidget  *account_box;
  GtkLabel   *account_title;
  GtkLabel   *account_address;
  GtkSpinner *account_spinner;
  GtkImage   *account_state_icon;
  GtkLabel   *status_text;
  GtkLabel   *status_detail;
  GtkButton  *fix_button;

  GtkWidget  *folder_box;
  GtkImage   *folder_icon;
  GtkLabel   *folder_name;
  GtkLabel   *unread_count;
};

G_DEFINE_FINAL_TYPE (KabarFolderRow, kabar_folder_row, GTK_TYPE_WIDGET)

static void
set_label (GtkLabel   *label,
           const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

static void
show_account (KabarFolderRow   *self,
              KabarAccountItem *account)
{
  KabarAccountItemState state = kabar_account_item_get_state (account);
  const char *title = kabar_account_item_get_title (account);
  const char *address = kabar_account_item_get_address (account);
  gboolean busy = state == KABAR_ACCOUNT_ITEM_STATE_BUSY;
  const char *fix_label;

  gtk_label_set_text (self->account_title, title);
  /* The address says nothing new under an account named by it. */
  set_label (self->account_address, g_strcmp0 (title, address) != 0 ? address : NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->account_spinner), busy);
  gtk_spinner_set_spinning (self->account_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->account_state_icon),
                          state == KABAR_ACCOUNT_ITEM_STATE_OFFLINE ||
                          state == KABAR_ACCOUNT_ITEM_STATE_ERROR);
  if (state == KABAR_ACCOUNT_ITEM_STATE_OFFLINE)
    {
      gtk_image_set_from_icon_name (self->account_state_icon, "network-offline-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->account_state_icon), _("Offline"));
    }
  else if (state == KABAR_ACCOUNT_ITEM_STATE_ERROR)
    {
      gtk_image_set_from_icon_name (self->account_state_icon, "dialog-warning-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->account_state_icon), _("Needs attention"));
    }

  fix_label = kabar_account_fix_get_label (kabar_account_fix_for (kabar_account_item_get_service (account)));
  gtk_widget_set_visible (GTK_WIDGET (self->fix_button), fix_label != NULL);
  if (fix_label != NULL)
    gtk_button_set_label (self->fix_button, fix_label);

  set_label (self->status_text, kabar_account_item_get_status_text (account));
  set_label (self->status_detail, kabar_account_item_get_status_detail (account));
  if (state == KABAR_ACCOUNT_ITEM_STATE_ERROR)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->status_text), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->account_state_icon), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_text), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->account_state_icon), "error");
    }
}

static void
show_folder (KabarFolderRow  *self,
             KabarFolderItem *folder)
{
  guint unread = kabar_folder_item_get_unread_count (folder);
  g_autofree char *count = unread > 0 ? g_strdup_printf ("%u", unread) : NULL;

  gtk_image_set_from_icon_name (self->folder_icon, kabar_folder_item_get_icon_name (folder));
  gtk_label_set_text (self->folder_name, kabar_folder_item_get_display_name (folder));
  set_label (self->unread_count, count);
  if (unread > 0)
    gtk_widget_add_css_class (self->folder_box, "has-unread");
  else
    gtk_widget_remove_css_class (self->folder_box, "has-unread");
  if (kabar_folder_item_get_selectable (folder))
    gtk_widget_remove_css_class (self->folder_box, "dim-label");
  else
    gtk_widget_add_css_class (self->folder_box, "dim-label");
}

/* Contacts, Calendar, To Do: shown as a folder is, without counts. */
static void
show_organizer (KabarFolderRow     *self,
                KabarOrganizerItem *organizer)
{
  gtk_image_set_from_icon_name (self->folder_icon, kabar_organizer_item_get_icon_name (organizer));
  gtk_label_set_text (self->folder_name, kabar_organizer_item_get_title (organizer));
  set_label (self->unread_count, NULL);
  gtk_widget_remove_css_class (self->folder_box, "has-unread");
  gtk_widget_remove_css_class (self->folder_box, "dim-label");
}

static void
update (KabarFolderRow *self)
{
  gtk_widget_set_visible (self->account_box, KABAR_IS_ACCOUNT_ITEM (self->item));
  gtk_widget_set_visible (self->folder_box, KABAR_IS_FOLDER_ITEM (self->item) ||
                                            KABAR_IS_ORGANIZER_ITEM (self->item));
  if (KABAR_IS_ACCOUNT_ITEM (self->item))
    show_account (self, KABAR_ACCOUNT_ITEM (self->item));
  else if (KABAR_IS_FOLDER_ITEM (self->item))
    show_folder (self, KABAR_FOLDER_ITEM (self->item));
  else if (KABAR_IS_ORGANIZER_ITEM (self->item))
    show_organizer (self, KABAR_ORGANIZER_ITEM (self->item));
}

/* The sidebar knows the window the fix needs. */
static void
on_fix_clicked (KabarFolderRow *self)
{
  KabarMailService *service;

  if (!KABAR_IS_ACCOUNT_ITEM (self->item))
    return;
  service = kabar_account_item_get_service (KABAR_ACCOUNT_ITEM (self->item));
  gtk_widget_activate_action (GTK_WIDGET (self), "sidebar.fix-account", "s",
                              kabar_account_get_id (kabar_mail_service_get_account (service)));
}

static void
on_item_notify (GObject        *item,
                GParamSpec     *pspec,
                KabarFolderRow *self)
{
  update (self);
}

GtkWidget *
kabar_folder_row_new (void)
{
  return g_object_new (KABAR_TYPE_FOLDER_ROW, NULL);
}

void
kabar_folder_row_set_item (KabarFolderRow *self,
                           GObject        *item)
{
  g_return_if_fail (KABAR_IS_FOLDER_ROW (self));
  g_return_if_fail (item == NULL || KABAR_IS_ACCOUNT_ITEM (item) || KABAR_IS_FOLDER_ITEM (item) ||
                    KABAR_IS_ORGANIZER_ITEM (item));

  if (self->item == item)
    return;
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, on_item_notify, self);
  g_set_object (&self->item, item);
  if (item != NULL)
    g_signal_connect (item, "notify", G_CALLBACK (on_item_notify), self);
  update (self);
}

GObject *
kabar_folder_row_get_item (KabarFolderRow *self)
{
  g_return_val_if_fail (KABAR_IS_FOLDER_ROW (self), NULL);
  return self->item;
}

static void
kabar_folder_row_dispose (GObject *object)
{
  KabarFolderRow *self = KABAR_FOLDER_ROW (object);

  kabar_folder_row_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_FOLDER_ROW);
  G_OBJECT_CLASS (kabar_folder_row_parent_class)->dispose (object);
}

static void
kabar_folder_row_class_init (KabarFolderRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_folder_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-folder-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, account_box);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, account_title);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, account_address);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, account_spinner);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, account_state_icon);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, status_text);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, status_detail);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, fix_button);
  gtk_widget_class_bind_template_callback (widget_class, on_fix_clicked);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, folder_box);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, folder_icon);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, folder_name);
  gtk_widget_class_bind_template_child (widget_class, KabarFolderRow, unread_count);
  gtk_widget_class_set_css_name (widget_class, "folderrow");
}

static void
kabar_folder_row_init (KabarFolderRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}
