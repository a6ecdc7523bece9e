/* kabar-assistant-discovery.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-assistant-discovery.h"
#include "kabar-provider.h"

struct _KabarAssistantDiscovery
{
  AdwBin                parent_instance;

  AdwPreferencesGroup  *steps_group;
  AdwActionRow         *rows[KABAR_DISCOVERY_N_SOURCES];
  /* Each row's spinner, check or cross. */
  GtkStack             *marks[KABAR_DISCOVERY_N_SOURCES];
  KabarDiscovery       *discovery;
};

G_DEFINE_FINAL_TYPE (KabarAssistantDiscovery, kabar_assistant_discovery, ADW_TYPE_BIN)

const char *
kabar_assistant_discovery_describe_source (KabarDiscoverySource source)
{
  switch (source)
    {
    case KABAR_DISCOVERY_SOURCE_BUILT_IN:
      return _("Built-in provider list");
    case KABAR_DISCOVERY_SOURCE_AUTOCONFIG:
      return _("The provider’s settings");
    case KABAR_DISCOVERY_SOURCE_ISPDB:
      return _("Thunderbird’s provider database");
    case KABAR_DISCOVERY_SOURCE_SRV:
      return _("DNS service records");
    case KABAR_DISCOVERY_SOURCE_MX:
      return _("Mail servers of the domain");
    case KABAR_DISCOVERY_SOURCE_GUESS:
      return _("Trying common server names");
    case KABAR_DISCOVERY_N_SOURCES:
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kabar_assistant_discovery_describe_state (KabarDiscoveryStepState state)
{
  switch (state)
    {
    case KABAR_DISCOVERY_STEP_WAITING:
      return _("Waiting");
    case KABAR_DISCOVERY_STEP_RUNNING:
      return _("Looking…");
    case KABAR_DISCOVERY_STEP_FOUND:
      return _("Found");
    case KABAR_DISCOVERY_STEP_NOT_FOUND:
      return _("Nothing found");
    case KABAR_DISCOVERY_STEP_TIMED_OUT:
      return _("No answer in time");
    case KABAR_DISCOVERY_STEP_SKIPPED:
      return _("Not needed");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* The mark beside the words; the words say it for screen readers. */
static const char *
mark_for_state (KabarDiscoveryStepState state)
{
  switch (state)
    {
    case KABAR_DISCOVERY_STEP_RUNNING:
      return "running";
    case KABAR_DISCOVERY_STEP_FOUND:
      return "found";
    case KABAR_DISCOVERY_STEP_NOT_FOUND:
    case KABAR_DISCOVERY_STEP_TIMED_OUT:
      return "failed";
    case KABAR_DISCOVERY_STEP_WAITING:
    case KABAR_DISCOVERY_STEP_SKIPPED:
    default:
      return "none";
    }
}

static void
show_state (KabarAssistantDiscovery *self,
            KabarDiscoverySource     source,
            KabarDiscoveryStepState  state)
{
  GtkWidget *spinner = gtk_stack_get_child_by_name (self->marks[source], "running");

  adw_action_row_set_subtitle (self->rows[source], kabar_assistant_discovery_describe_state (state));
  gtk_stack_set_visible_child_name (self->marks[source], mark_for_state (state));
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), state == KABAR_DISCOVERY_STEP_RUNNING);
  if (state == KABAR_DISCOVERY_STEP_SKIPPED || state == KABAR_DISCOVERY_STEP_WAITING)
    gtk_widget_add_css_class (GTK_WIDGET (self->rows[source]), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->rows[source]), "dim-label");
}

static void
on_step_changed (KabarDiscovery          *discovery,
                 KabarDiscoverySource     source,
                 KabarDiscoveryStepState  state,
                 KabarAssistantDiscovery *self)
{
  if (source < KABAR_DISCOVERY_N_SOURCES)
    show_state (self, source, state);
}

static void
stop_following (KabarAssistantDiscovery *self)
{
  if (self->discovery == NULL)
    return;
  g_signal_handlers_disconnect_by_func (self->discovery, on_step_changed, self);
  g_clear_object (&self->discovery);
}

GtkWidget *
kabar_assistant_discovery_new (void)
{
  return g_object_new (KABAR_TYPE_ASSISTANT_DISCOVERY, NULL);
}

void
kabar_assistant_discovery_follow (KabarAssistantDiscovery *self,
                                  KabarDiscovery          *discovery,
                                  const char              *address)
{
  g_autofree char *domain = address != NULL ? kabar_provider_dup_domain (address) : NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (KABAR_IS_ASSISTANT_DISCOVERY (self));
  g_return_if_fail (discovery == NULL || KABAR_IS_DISCOVERY (discovery));

  stop_following (self);
  if (domain != NULL)
    /* Translators: %s is the domain of the address, such as example.com. */
    description = g_strdup_printf (_("Kabar asks these places how to reach the mail of %s."), domain);
  adw_preferences_group_set_description (self->steps_group, description);
  if (discovery == NULL)
    return;
  self->discovery = g_object_ref (discovery);
  for (guint i = 0; i < KABAR_DISCOVERY_N_SOURCES; i++)
    show_state (self, i, kabar_discovery_get_step_state (discovery, i));
  g_signal_connect (discovery, "step-changed", G_CALLBACK (on_step_changed), self);
}

static GtkWidget *
make_mark (const char *name,
           GtkWidget  *widget,
           GtkStack   *stack)
{
  gtk_stack_add_named (stack, widget, name);
  return widget;
}

static void
add_row (KabarAssistantDiscovery *self,
         KabarDiscoverySource     source)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *found = gtk_image_new_from_icon_name ("object-select-symbolic");
  GtkWidget *failed = gtk_image_new_from_icon_name ("window-close-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kabar_assistant_discovery_describe_source (source));
  gtk_widget_add_css_class (found, "success");
  gtk_widget_add_css_class (failed, "dim-label");
  gtk_widget_set_valign (stack, GTK_ALIGN_CENTER);
  gtk_stack_set_transition_type (GTK_STACK (stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  make_mark ("none", gtk_label_new (NULL), GTK_STACK (stack));
  make_mark ("running", gtk_spinner_new (), GTK_STACK (stack));
  make_mark ("found", found, GTK_STACK (stack));
  make_mark ("failed", failed, GTK_STACK (stack));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), stack);
  adw_preferences_group_add (self->steps_group, row);
  self->rows[source] = ADW_ACTION_ROW (row);
  self->marks[source] = GTK_STACK (stack);
  show_state (self, source, KABAR_DISCOVERY_STEP_WAITING);
}

static void
kabar_assistant_discovery_dispose (GObject *object)
{
  KabarAssistantDiscovery *self = KABAR_ASSISTANT_DISCOVERY (object);

  stop_following (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_ASSISTANT_DISCOVERY);
  G_OBJECT_CLASS (kabar_assistant_discovery_parent_class)->dispose (object);
}

static void
kabar_assistant_discovery_class_init (KabarAssistantDiscoveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_assistant_discovery_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-assistant-discovery.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantDiscovery, steps_group);
}

static void
kabar_assistant_discovery_init (KabarAssistantDiscovery *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < KABAR_DISCOVERY_N_SOURCES; i++)
    add_row (self, i);
}
