/* kabar-assistant-identity.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-assistant-identity.h"
#include "kabar-provider.h"

struct _KabarAssistantIdentity
{
  AdwBin       parent_instance;

  AdwEntryRow *name_row;
  AdwEntryRow *address_row;
  AdwEntryRow *password_row;
  GtkWidget   *address_problem;
  GtkWidget   *microsoft_label;

  char        *name;
  char        *address;
  gboolean     microsoft;
  gboolean     valid;
};

G_DEFINE_FINAL_TYPE (KabarAssistantIdentity, kabar_assistant_identity, ADW_TYPE_BIN)

enum { PROP_0, PROP_VALID, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* Well formed enough to look the domain up: one @, something before it,
 * a domain with a dot inside, no spaces. What the provider accepts is
 * for the check to say. */
static gboolean
is_address (const char *address)
{
  const char *at = strchr (address, '@');
  const char *dot;

  if (at == NULL || at == address || strchr (at + 1, '@') != NULL)
    return FALSE;
  for (const char *p = address; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || *p == ',' || *p == '<' || *p == '>')
      return FALSE;
  dot = strchr (at + 1, '.');
  return dot != NULL && dot != at + 1 && dot[1] != '\0' && !g_str_has_suffix (address, ".")
         && strstr (at, "..") == NULL;
}

static char *
dup_trimmed (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
validate (KabarAssistantIdentity *self)
{
  g_autofree char *address = dup_trimmed (self->address_row);
  gboolean well_formed = is_address (address);
  gboolean valid;

  g_free (self->name);
  self->name = dup_trimmed (self->name_row);
  g_clear_pointer (&self->address, g_free);
  if (well_formed)
    self->address = g_steal_pointer (&address);
  self->microsoft = well_formed
                    && kabar_provider_is_microsoft_consumer_domain (strchr (self->address, '@') + 1);

  if (well_formed || *gtk_editable_get_text (GTK_EDITABLE (self->address_row)) == '\0')
    gtk_widget_remove_css_class (GTK_WIDGET (self->address_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->address_row), "error");
  /* Said once the user typed past the name part, not at the first key. */
  gtk_widget_set_visible (self->address_problem,
                          !well_formed && strchr (gtk_editable_get_text (GTK_EDITABLE (self->address_row)), '@'));
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), well_formed && !self->microsoft);
  gtk_widget_set_visible (self->microsoft_label, self->microsoft);

  valid = well_formed && *self->name != '\0';
  if (valid != self->valid)
    {
      self->valid = valid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
    }
}

GtkWidget *
kabar_assistant_identity_new (void)
{
  return g_object_new (KABAR_TYPE_ASSISTANT_IDENTITY, NULL);
}

gboolean
kabar_assistant_identity_is_valid (KabarAssistantIdentity *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_IDENTITY (self), FALSE);
  return self->valid;
}

const char *
kabar_assistant_identity_get_name (KabarAssistantIdentity *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_IDENTITY (self), NULL);
  return self->name;
}

const char *
kabar_assistant_identity_get_address (KabarAssistantIdentity *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_IDENTITY (self), NULL);
  return self->address;
}

const char *
kabar_assistant_identity_get_password (KabarAssistantIdentity *self)
{
  const char *password;

  g_return_val_if_fail (KABAR_IS_ASSISTANT_IDENTITY (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->password_row)))
    return NULL;
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  return *password != '\0' ? password : NULL;
}

gboolean
kabar_assistant_identity_is_microsoft (KabarAssistantIdentity *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_IDENTITY (self), FALSE);
  return self->microsoft;
}

void
kabar_assistant_identity_focus (KabarAssistantIdentity *self)
{
  g_return_if_fail (KABAR_IS_ASSISTANT_IDENTITY (self));
  if (*self->name == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  else if (self->address == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->password_row)))
    gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
kabar_assistant_identity_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  KabarAssistantIdentity *self = KABAR_ASSISTANT_IDENTITY (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_assistant_identity_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_ASSISTANT_IDENTITY);
  G_OBJECT_CLASS (kabar_assistant_identity_parent_class)->dispose (object);
}

static void
kabar_assistant_identity_finalize (GObject *object)
{
  KabarAssistantIdentity *self = KABAR_ASSISTANT_IDENTITY (object);

  g_free (self->name);
  g_free (self->address);
  G_OBJECT_CLASS (kabar_assistant_identity_parent_class)->finalize (object);
}

static void
kabar_assistant_identity_class_init (KabarAssistantIdentityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = kabar_assistant_identity_get_property;
  object_class->dispose = kabar_assistant_identity_dispose;
  object_class->finalize = kabar_assistant_identity_finalize;

  properties[PROP_VALID] = g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-assistant-identity.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantIdentity, name_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantIdentity, address_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantIdentity, password_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantIdentity, address_problem);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantIdentity, microsoft_label);
  gtk_widget_class_bind_template_callback (widget_class, validate);
}

static void
kabar_assistant_identity_init (KabarAssistantIdentity *self)
{
  const char *real_name = g_get_real_name ();

  gtk_widget_init_template (GTK_WIDGET (self));
  /* GLib says "Unknown" when the system has no name for the user. */
  if (real_name != NULL && g_strcmp0 (real_name, "Unknown") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), real_name);
  validate (self);
}
