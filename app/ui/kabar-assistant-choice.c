/* kabar-assistant-choice.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-assistant-choice.h"

struct _KabarAssistantChoice
{
  AdwBin               parent_instance;

  GtkWidget           *imap_row;
  GtkWidget           *pop_row;
  GtkCheckButton      *imap_check;
  GtkCheckButton      *pop_check;
  AdwPreferencesGroup *kinds_group;
  /* Exchange-style, only for an Outlook.com address: made when offered. */
  GtkWidget           *graph_row;
  GtkCheckButton      *graph_check;
  GtkWidget           *copies_group;
  AdwComboRow         *copies_row;
};

G_DEFINE_FINAL_TYPE (KabarAssistantChoice, kabar_assistant_choice, ADW_TYPE_BIN)

static void
on_kind_toggled (KabarAssistantChoice *self)
{
  /* What becomes of the server's copies is a question for POP only. */
  gtk_widget_set_visible (self->copies_group, gtk_check_button_get_active (self->pop_check));
}

static void
offer_graph (KabarAssistantChoice *self,
             gboolean              offered)
{
  GtkWidget *row;
  GtkWidget *check;

  if (offered == (self->graph_row != NULL))
    return;
  if (!offered)
    {
      adw_preferences_group_remove (self->kinds_group, self->graph_row);
      self->graph_row = NULL;
      self->graph_check = NULL;
      return;
    }
  row = adw_action_row_new ();
  check = gtk_check_button_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("_Exchange-Style (Microsoft Graph)"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Mail, contacts, calendar and To Do, as in Outlook’s own "
                                                       "apps. Changes sync both ways."));
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_check_button_set_group (GTK_CHECK_BUTTON (check), self->imap_check);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Exchange-style"), -1);
  gtk_widget_set_name (check, "graph_check");
  g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_kind_toggled), self);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  adw_preferences_group_add (self->kinds_group, row);
  self->graph_row = row;
  self->graph_check = GTK_CHECK_BUTTON (check);
}

GtkWidget *
kabar_assistant_choice_new (void)
{
  return g_object_new (KABAR_TYPE_ASSISTANT_CHOICE, NULL);
}

void
kabar_assistant_choice_set_result (KabarAssistantChoice *self,
                                   KabarDiscoveryResult *result)
{
  gboolean imap;
  gboolean pop;
  gboolean graph;

  g_return_if_fail (KABAR_IS_ASSISTANT_CHOICE (self));
  g_return_if_fail (KABAR_IS_DISCOVERY_RESULT (result));

  imap = kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_IMAP) != NULL;
  pop = kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_POP3) != NULL;
  /* Graph serves work and school accounts too, but Kabar's sign-in asks
   * for the consumer scopes only: Outlook.com and its sister domains. */
  graph = kabar_discovery_result_is_microsoft (result) &&
          g_strcmp0 (kabar_discovery_result_get_oauth2_tenant (result), "consumers") == 0;
  gtk_widget_set_visible (self->imap_row, imap);
  gtk_widget_set_visible (self->pop_row, pop);
  offer_graph (self, graph);
  gtk_check_button_set_active (pop && !imap ? self->pop_check
                               : !imap && graph ? self->graph_check : self->imap_check, TRUE);
  adw_combo_row_set_selected (self->copies_row, KABAR_POP_LEAVE_ON_SERVER);
  on_kind_toggled (self);
}

guint
kabar_assistant_choice_get_n_kinds (KabarAssistantChoice *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_CHOICE (self), 0);
  return gtk_widget_get_visible (self->imap_row) + gtk_widget_get_visible (self->pop_row) +
         (self->graph_row != NULL);
}

KabarIncomingKind
kabar_assistant_choice_get_kind (KabarAssistantChoice *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_CHOICE (self), KABAR_INCOMING_IMAP);
  if (self->graph_check != NULL && gtk_check_button_get_active (self->graph_check))
    return KABAR_INCOMING_GRAPH;
  return gtk_check_button_get_active (self->pop_check) ? KABAR_INCOMING_POP3 : KABAR_INCOMING_IMAP;
}

KabarPopServerCopies
kabar_assistant_choice_get_server_copies (KabarAssistantChoice *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_CHOICE (self), KABAR_POP_LEAVE_ON_SERVER);
  return adw_combo_row_get_selected (self->copies_row);
}

void
kabar_assistant_choice_focus (KabarAssistantChoice *self)
{
  g_return_if_fail (KABAR_IS_ASSISTANT_CHOICE (self));
  switch (kabar_assistant_choice_get_kind (self))
    {
    case KABAR_INCOMING_POP3:
      gtk_widget_grab_focus (GTK_WIDGET (self->pop_check));
      break;
    case KABAR_INCOMING_GRAPH:
      gtk_widget_grab_focus (GTK_WIDGET (self->graph_check));
      break;
    case KABAR_INCOMING_IMAP:
    default:
      gtk_widget_grab_focus (GTK_WIDGET (self->imap_check));
      break;
    }
}

static void
kabar_assistant_choice_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_ASSISTANT_CHOICE);
  G_OBJECT_CLASS (kabar_assistant_choice_parent_class)->dispose (object);
}

static void
kabar_assistant_choice_class_init (KabarAssistantChoiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_assistant_choice_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-assistant-choice.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantChoice, imap_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantChoice, pop_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantChoice, imap_check);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantChoice, pop_check);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantChoice, kinds_group);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantChoice, copies_group);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantChoice, copies_row);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_toggled);
}

static void
kabar_assistant_choice_init (KabarAssistantChoice *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  on_kind_toggled (self);
}
