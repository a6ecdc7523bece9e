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

  g_return_if_fail (KABAR_IS_ASSISTANT_CHOICE (self));
  g_return_if_fail (KABAR_IS_DISCOVERY_RESULT (result));

  imap = kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_IMAP) != NULL;
  pop = kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_POP3) != NULL;
  gtk_widget_set_visible (self->imap_row, imap);
  gtk_widget_set_visible (self->pop_row, pop);
  gtk_check_button_set_active (imap ? self->imap_check : self->pop_check, TRUE);
  adw_combo_row_set_selected (self->copies_row, KABAR_POP_LEAVE_ON_SERVER);
  on_kind_toggled (self);
}

guint
kabar_assistant_choice_get_n_kinds (KabarAssistantChoice *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_CHOICE (self), 0);
  return gtk_widget_get_visible (self->imap_row) + gtk_widget_get_visible (self->pop_row);
}

KabarIncomingKind
kabar_assistant_choice_get_kind (KabarAssistantChoice *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_CHOICE (self), KABAR_INCOMING_IMAP);
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
  gtk_widget_grab_focus (GTK_WIDGET (gtk_check_button_get_active (self->pop_check) ? self->pop_check
                                                                                      : self->imap_check));
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
