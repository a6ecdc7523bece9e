/* kabar-contacts-view.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-contacts-view.h"
#include "kabar-organizer-feed.h"

struct _KabarContactsView
{
  AdwBin            parent_instance;

  GtkSearchEntry   *search_entry;
  GtkStack         *list_stack;
  GtkListBox       *people_list;
  AdwStatusPage    *none_page;
  GtkStack         *details_stack;
  GtkLabel         *name_label;
  GtkLabel         *work_label;
  GtkWidget        *addresses_heading;
  GtkListBox       *addresses_list;
  GtkWidget        *phones_heading;
  GtkListBox       *phones_list;

  KabarOrganizerFeed feed;
  /* The load under way (the feed's slot). */
  GCancellable     *cancellable;
  /* Kept across a reload, so the person stays on screen. */
  char             *selected_id;
  guint             n_shown;
};

G_DEFINE_FINAL_TYPE (KabarContactsView, kabar_contacts_view, ADW_TYPE_BIN)

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static const KabarContact *
row_contact (GtkListBoxRow *row)
{
  return row != NULL ? g_object_get_data (G_OBJECT (row), "kabar-contact") : NULL;
}

/* --- the person ---------------------------------------------------------------------------- */

static GtkWidget *
address_row_new (const char *address)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("mail-message-new-symbolic");
  /* Translators: %s is an e-mail address. */
  g_autofree char *tip = g_strdup_printf (_("Write to %s"), address);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), address);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, tip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  g_object_set_data_full (G_OBJECT (row), "kabar-address", g_strdup (address), g_free);
  return row;
}

static GtkWidget *
phone_row_new (const char *phone)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), phone);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  return row;
}

static void
show_person (KabarContactsView  *self,
             const KabarContact *contact)
{
  g_autofree char *work = NULL;
  guint n_addresses = contact != NULL && contact->addresses != NULL ? g_strv_length (contact->addresses) : 0;
  guint n_phones = contact != NULL && contact->phones != NULL ? g_strv_length (contact->phones) : 0;

  clear_list (self->addresses_list);
  clear_list (self->phones_list);
  if (contact == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "empty");
      return;
    }
  gtk_label_set_text (self->name_label, contact->display_name != NULL ? contact->display_name : "");
  if (contact->job_title != NULL && contact->company != NULL)
    /* Translators: a contact's job title, then the company they work at. */
    work = g_strdup_printf (_("%s, %s"), contact->job_title, contact->company);
  else
    work = g_strdup (contact->job_title != NULL ? contact->job_title : contact->company);
  gtk_label_set_text (self->work_label, work != NULL ? work : "");
  gtk_widget_set_visible (GTK_WIDGET (self->work_label), work != NULL);
  for (guint i = 0; i < n_addresses; i++)
    gtk_list_box_append (self->addresses_list, address_row_new (contact->addresses[i]));
  for (guint i = 0; i < n_phones; i++)
    gtk_list_box_append (self->phones_list, phone_row_new (contact->phones[i]));
  gtk_widget_set_visible (self->addresses_heading, n_addresses > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->addresses_list), n_addresses > 0);
  gtk_widget_set_visible (self->phones_heading, n_phones > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->phones_list), n_phones > 0);
  gtk_stack_set_visible_child_name (self->details_stack, "person");
}

static void
on_person_selected (KabarContactsView *self,
                    GtkListBoxRow     *row)
{
  const KabarContact *contact = row_contact (row);

  g_free (self->selected_id);
  self->selected_id = contact != NULL ? g_strdup (contact->id) : NULL;
  show_person (self, contact);
}

static void
on_address_activated (KabarContactsView *self,
                      GtkListBoxRow     *row)
{
  const char *address = g_object_get_data (G_OBJECT (row), "kabar-address");
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;

  if (address == NULL)
    return;
  escaped = g_uri_escape_string (address, "@", FALSE);
  uri = g_strconcat ("mailto:", escaped, NULL);
  gtk_widget_activate_action (GTK_WIDGET (self), "app.open-mailto", "s", uri);
}

/* --- the people ------------------------------------------------------------------------------ */

static GtkWidget *
person_row_new (const KabarContact *contact)
{
  GtkWidget *row = adw_action_row_new ();
  const char *name = contact->display_name != NULL && *contact->display_name != '\0'
                     ? contact->display_name
                     : contact->addresses != NULL && contact->addresses[0] != NULL ? contact->addresses[0] : "";
  const char *below = contact->addresses != NULL && contact->addresses[0] != NULL &&
                      g_strcmp0 (contact->addresses[0], name) != 0
                      ? contact->addresses[0] : contact->company;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (below != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), below);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  g_object_set_data_full (G_OBJECT (row), "kabar-contact", kabar_contact_copy (contact),
                          (GDestroyNotify) kabar_contact_free);
  return row;
}

static void
show_people (KabarContactsView *self,
             GPtrArray         *contacts)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *keep_id = g_strdup (self->selected_id);
  GtkListBoxRow *keep = NULL;

  clear_list (self->people_list);
  for (guint i = 0; i < contacts->len; i++)
    {
      const KabarContact *contact = g_ptr_array_index (contacts, i);
      GtkWidget *row = person_row_new (contact);

      gtk_list_box_append (self->people_list, row);
      if (g_strcmp0 (contact->id, keep_id) == 0)
        keep = GTK_LIST_BOX_ROW (row);
    }
  self->n_shown = contacts->len;
  if (contacts->len == 0)
    {
      gboolean searching = *query != '\0';

      adw_status_page_set_title (self->none_page, searching ? _("No Matches") : _("No Contacts"));
      adw_status_page_set_description (self->none_page,
                                       searching ? _("No contact’s name, company or address starts so.")
                                                 : _("The people you keep in Outlook show here."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, contacts->len > 0 ? "people" : "none");
  gtk_list_box_select_row (self->people_list, keep);
  if (keep == NULL)
    on_person_selected (self, NULL);
}

static void
on_contacts_listed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KabarContactsView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) contacts = kabar_mail_service_list_contacts_finish (KABAR_MAIL_SERVICE (source), result,
                                                                           &error);

  if (kabar_organizer_feed_finish (&self->feed, &self->cancellable, "the contacts", error, &contacts))
    show_people (self, contacts);
}

static void
load (KabarContactsView *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  GCancellable *cancellable = kabar_organizer_feed_start (&self->feed, &self->cancellable);

  if (cancellable == NULL)
    return;
  kabar_mail_service_list_contacts_async (self->feed.service, *query != '\0' ? query : NULL, cancellable,
                                          on_contacts_listed, g_object_ref (self));
}

static void
on_search_changed (KabarContactsView *self)
{
  load (self);
}

GtkWidget *
kabar_contacts_view_new (void)
{
  return g_object_new (KABAR_TYPE_CONTACTS_VIEW, NULL);
}

void
kabar_contacts_view_set_service (KabarContactsView *self,
                                 KabarMailService  *service)
{
  g_return_if_fail (KABAR_IS_CONTACTS_VIEW (self));
  g_return_if_fail (service == NULL || KABAR_IS_MAIL_SERVICE (service));

  if (self->feed.service == service)
    return;
  kabar_organizer_feed_set_service (&self->feed, service);
  g_clear_pointer (&self->selected_id, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  clear_list (self->people_list);
  self->n_shown = 0;
  show_person (self, NULL);
  load (self);
}

guint
kabar_contacts_view_get_n_shown (KabarContactsView *self)
{
  g_return_val_if_fail (KABAR_IS_CONTACTS_VIEW (self), 0);
  return self->n_shown;
}

gboolean
kabar_contacts_view_is_loading (KabarContactsView *self)
{
  g_return_val_if_fail (KABAR_IS_CONTACTS_VIEW (self), FALSE);
  return self->cancellable != NULL || self->feed.waiting;
}

void
kabar_contacts_view_focus (KabarContactsView *self)
{
  g_return_if_fail (KABAR_IS_CONTACTS_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
kabar_contacts_view_dispose (GObject *object)
{
  KabarContactsView *self = KABAR_CONTACTS_VIEW (object);

  kabar_organizer_feed_cancel (&self->cancellable);
  kabar_organizer_feed_clear (&self->feed);
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_CONTACTS_VIEW);
  G_OBJECT_CLASS (kabar_contacts_view_parent_class)->dispose (object);
}

static void
kabar_contacts_view_finalize (GObject *object)
{
  KabarContactsView *self = KABAR_CONTACTS_VIEW (object);

  g_free (self->selected_id);
  G_OBJECT_CLASS (kabar_contacts_view_parent_class)->finalize (object);
}

static void
kabar_contacts_view_class_init (KabarContactsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_contacts_view_dispose;
  object_class->finalize = kabar_contacts_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-contacts-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarContactsView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KabarContactsView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, KabarContactsView, people_list);
  gtk_widget_class_bind_template_child (widget_class, KabarContactsView, none_page);
  gtk_widget_class_bind_template_child (widget_class, KabarContactsView, details_stack);
  gtk_widget_class_bind_template_child (widget_class, KabarContactsView, name_label);
  gtk_widget_class_bind_template_child (widget_class, KabarContactsView, work_label);
  gtk_widget_class_bind_template_child (widget_class, KabarContactsView, addresses_heading);
  gtk_widget_class_bind_template_child (widget_class, KabarContactsView, addresses_list);
  gtk_widget_class_bind_template_child (widget_class, KabarContactsView, phones_heading);
  gtk_widget_class_bind_template_child (widget_class, KabarContactsView, phones_list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_person_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_address_activated);
}

static void
kabar_contacts_view_init (KabarContactsView *self)
{
  kabar_organizer_feed_init (&self->feed, self, KABAR_ORGANIZER_CONTACTS, (KabarOrganizerReload) load);
  gtk_widget_init_template (GTK_WIDGET (self));
}
