/* kabar-assistant-manual.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-assistant-manual.h"
#include "kabar-server-fields.h"

/* One server's rows, by role. */
typedef struct
{
  GtkWidget *host_row;
  GtkWidget *port_row;
  GtkWidget *security_row;
  GtkWidget *plain_row;
  GtkWidget *plain_check;
  GtkWidget *user_row;
  GtkWidget *problem_label;
  /* The user typed the port: it no longer follows kind and security. */
  gboolean   port_typed;
} Server;

struct _KabarAssistantManual
{
  AdwBin      parent_instance;

  GtkWidget  *incoming_kind_row;
  GtkWidget  *auth_row;
  Server      servers[2];

  /* Set while the page itself writes into its rows. */
  gboolean    filling;
  gboolean    valid;
  const char *problem;
};

enum
{
  PROP_0,
  PROP_VALID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KabarAssistantManual, kabar_assistant_manual, ADW_TYPE_BIN)

/* --- checks -------------------------------------------------------------------------------- */

static KabarIncomingKind
get_kind (KabarAssistantManual *self)
{
  return adw_combo_row_get_selected (ADW_COMBO_ROW (self->incoming_kind_row)) == 1
         ? KABAR_INCOMING_POP3 : KABAR_INCOMING_IMAP;
}

static KabarSecurity
get_security (Server *server)
{
  return (KabarSecurity) adw_combo_row_get_selected (ADW_COMBO_ROW (server->security_row));
}

static guint16
default_port (KabarAssistantManual *self,
              KabarServerRole       role)
{
  gboolean tls = get_security (&self->servers[role]) == KABAR_SECURITY_IMPLICIT_TLS;

  if (role == KABAR_SERVER_OUTGOING)
    return tls ? 465 : 587;
  if (get_kind (self) == KABAR_INCOMING_POP3)
    return tls ? 995 : 110;
  return tls ? 993 : 143;
}

/* An empty field the user has not touched yet is not marked: the page
 * does not greet the user with errors. */
static gboolean
is_touched (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "kabar-touched") != NULL ||
         *gtk_editable_get_text (GTK_EDITABLE (row)) != '\0';
}

static void
mark_row (GtkWidget  *row,
          const char *problem)
{
  if (problem != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                               problem != NULL ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  problem != NULL ? problem : "", -1);
}

/* Checks one row; the problem when there is one. Only a touched row is
 * marked and explained, but any problem makes the page invalid. */
static const char *
check_row (KabarAssistantManual *self,
           GtkWidget            *row,
           const char           *problem,
           const char          **shown)
{
  gboolean show = problem != NULL && is_touched (row);

  mark_row (row, show ? problem : NULL);
  if (show && *shown == NULL)
    *shown = problem;
  if (problem != NULL && self->problem == NULL)
    self->problem = problem;
  return problem;
}

static void
check_server (KabarAssistantManual *self,
              Server               *server)
{
  const char *shown = NULL;
  guint16 port;
  gboolean plain = get_security (server) == KABAR_SECURITY_NONE;

  check_row (self, server->host_row,
             kabar_server_fields_check_host (gtk_editable_get_text (GTK_EDITABLE (server->host_row))), &shown);
  check_row (self, server->port_row,
             kabar_server_fields_parse_port (gtk_editable_get_text (GTK_EDITABLE (server->port_row)), &port)
             ? NULL : kabar_server_fields_port_problem (),
             &shown);
  gtk_widget_set_visible (server->plain_row, plain);
  if (plain && !gtk_check_button_get_active (GTK_CHECK_BUTTON (server->plain_check)) && self->problem == NULL)
    self->problem = _("Without encryption, confirm that the password and mail may be sent unencrypted.");
  gtk_label_set_text (GTK_LABEL (server->problem_label), shown);
  gtk_widget_set_visible (server->problem_label, shown != NULL);
}

static void
validate (KabarAssistantManual *self)
{
  gboolean valid;

  /* Not while the template is still being built. */
  if (self->servers[KABAR_SERVER_OUTGOING].problem_label == NULL)
    return;
  self->problem = NULL;
  check_server (self, &self->servers[KABAR_SERVER_INCOMING]);
  check_server (self, &self->servers[KABAR_SERVER_OUTGOING]);
  valid = self->problem == NULL;
  if (valid == self->valid)
    return;
  self->valid = valid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

/* --- following the user -------------------------------------------------------------------- */

static void
set_port (KabarAssistantManual *self,
          Server               *server,
          guint16               port)
{
  g_autofree char *text = port != 0 ? g_strdup_printf ("%u", port) : g_strdup ("");
  gboolean filling = self->filling;

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (server->port_row), text);
  self->filling = filling;
}

static void
follow_defaults (KabarAssistantManual *self,
                 KabarServerRole       role)
{
  Server *server = &self->servers[role];

  if (!server->port_typed)
    set_port (self, server, default_port (self, role));
  validate (self);
}

static Server *
find_server (KabarAssistantManual *self,
             GtkWidget            *row)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->servers); i++)
    if (row == self->servers[i].host_row || row == self->servers[i].port_row ||
        row == self->servers[i].user_row)
      return &self->servers[i];
  g_return_val_if_reached (NULL);
}

static void
on_entry_changed (KabarAssistantManual *self,
                  GtkWidget            *row)
{
  if (!self->filling)
    g_object_set_data (G_OBJECT (row), "kabar-touched", GINT_TO_POINTER (TRUE));
  validate (self);
}

static void
on_port_changed (KabarAssistantManual *self,
                 GtkWidget            *row)
{
  if (!self->filling)
    find_server (self, row)->port_typed = TRUE;
  on_entry_changed (self, row);
}

static void
on_incoming_setting_changed (KabarAssistantManual *self)
{
  follow_defaults (self, KABAR_SERVER_INCOMING);
}

static void
on_outgoing_setting_changed (KabarAssistantManual *self)
{
  follow_defaults (self, KABAR_SERVER_OUTGOING);
}

/* --- in and out ---------------------------------------------------------------------------- */

static void
load_server (KabarAssistantManual *self,
             KabarAccount         *account,
             KabarServerRole       role)
{
  Server *server = &self->servers[role];
  const char *host = kabar_account_get_host (account, role);
  const char *user = kabar_account_get_user_name (account, role);
  guint16 port = kabar_account_get_port (account, role);

  gtk_editable_set_text (GTK_EDITABLE (server->host_row), host != NULL ? host : "");
  adw_combo_row_set_selected (ADW_COMBO_ROW (server->security_row), kabar_account_get_security (account, role));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (server->plain_check), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (server->user_row), user != NULL ? user : "");
  /* A port that is the usual one keeps following the choices. */
  server->port_typed = port != 0 && port != default_port (self, role);
  set_port (self, server, port != 0 ? port : default_port (self, role));
  g_object_set_data (G_OBJECT (server->host_row), "kabar-touched", NULL);
  g_object_set_data (G_OBJECT (server->port_row), "kabar-touched", NULL);
  g_object_set_data (G_OBJECT (server->user_row), "kabar-touched", NULL);
}

void
kabar_assistant_manual_load (KabarAssistantManual *self,
                             KabarAccount         *account)
{
  g_return_if_fail (KABAR_IS_ASSISTANT_MANUAL (self));
  g_return_if_fail (KABAR_IS_ACCOUNT (account));

  self->filling = TRUE;
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->incoming_kind_row),
                              kabar_account_get_incoming_kind (account) == KABAR_INCOMING_POP3 ? 1 : 0);
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->auth_row),
                              kabar_account_get_auth_method (account) == KABAR_AUTH_OAUTH2 ? 1 : 0);
  load_server (self, account, KABAR_SERVER_INCOMING);
  load_server (self, account, KABAR_SERVER_OUTGOING);
  self->filling = FALSE;
  validate (self);
}

static void
apply_server (KabarAssistantManual *self,
              KabarAccount         *account,
              KabarServerRole       role)
{
  Server *server = &self->servers[role];
  g_autofree char *host = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (server->host_row))));
  g_autofree char *user = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (server->user_row))));
  guint16 port = 0;

  kabar_server_fields_parse_port (gtk_editable_get_text (GTK_EDITABLE (server->port_row)), &port);
  kabar_account_set_server (account, role, host, port, get_security (server), *user != '\0' ? user : NULL);
}

void
kabar_assistant_manual_apply (KabarAssistantManual *self,
                              KabarAccount         *account)
{
  g_return_if_fail (KABAR_IS_ASSISTANT_MANUAL (self));
  g_return_if_fail (KABAR_IS_ACCOUNT (account));
  g_return_if_fail (self->valid);

  kabar_account_set_incoming_kind (account, get_kind (self));
  kabar_account_set_auth_method (account, adw_combo_row_get_selected (ADW_COMBO_ROW (self->auth_row)) == 1
                                          ? KABAR_AUTH_OAUTH2 : KABAR_AUTH_PASSWORD);
  apply_server (self, account, KABAR_SERVER_INCOMING);
  apply_server (self, account, KABAR_SERVER_OUTGOING);
}

gboolean
kabar_assistant_manual_is_valid (KabarAssistantManual *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_MANUAL (self), FALSE);
  return self->valid;
}

const char *
kabar_assistant_manual_get_problem (KabarAssistantManual *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_MANUAL (self), NULL);
  return self->problem;
}

/* --- the object ---------------------------------------------------------------------------- */

GtkWidget *
kabar_assistant_manual_new (void)
{
  return g_object_new (KABAR_TYPE_ASSISTANT_MANUAL, NULL);
}

static void
kabar_assistant_manual_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  KabarAssistantManual *self = KABAR_ASSISTANT_MANUAL (object);

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
kabar_assistant_manual_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_ASSISTANT_MANUAL);
  G_OBJECT_CLASS (kabar_assistant_manual_parent_class)->dispose (object);
}

static void
kabar_assistant_manual_class_init (KabarAssistantManualClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = kabar_assistant_manual_get_property;
  object_class->dispose = kabar_assistant_manual_dispose;

  properties[PROP_VALID] = g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-assistant-manual.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantManual, incoming_kind_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantManual, auth_row);
#define BIND_SERVER(role, prefix)                                                                                 \
  gtk_widget_class_bind_template_child_full (widget_class, #prefix "_host_row", FALSE,                            \
                                             G_STRUCT_OFFSET (KabarAssistantManual, servers[role].host_row));     \
  gtk_widget_class_bind_template_child_full (widget_class, #prefix "_port_row", FALSE,                            \
                                             G_STRUCT_OFFSET (KabarAssistantManual, servers[role].port_row));     \
  gtk_widget_class_bind_template_child_full (widget_class, #prefix "_security_row", FALSE,                        \
                                             G_STRUCT_OFFSET (KabarAssistantManual, servers[role].security_row)); \
  gtk_widget_class_bind_template_child_full (widget_class, #prefix "_plain_row", FALSE,                           \
                                             G_STRUCT_OFFSET (KabarAssistantManual, servers[role].plain_row));    \
  gtk_widget_class_bind_template_child_full (widget_class, #prefix "_plain_check", FALSE,                         \
                                             G_STRUCT_OFFSET (KabarAssistantManual, servers[role].plain_check));  \
  gtk_widget_class_bind_template_child_full (widget_class, #prefix "_user_row", FALSE,                            \
                                             G_STRUCT_OFFSET (KabarAssistantManual, servers[role].user_row));     \
  gtk_widget_class_bind_template_child_full (widget_class, #prefix "_problem_label", FALSE,                       \
                                             G_STRUCT_OFFSET (KabarAssistantManual, servers[role].problem_label))
  BIND_SERVER (KABAR_SERVER_INCOMING, incoming);
  BIND_SERVER (KABAR_SERVER_OUTGOING, outgoing);
#undef BIND_SERVER
  gtk_widget_class_bind_template_callback (widget_class, validate);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_port_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_incoming_setting_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_outgoing_setting_changed);
}

static void
kabar_assistant_manual_init (KabarAssistantManual *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->filling = TRUE;
  follow_defaults (self, KABAR_SERVER_INCOMING);
  follow_defaults (self, KABAR_SERVER_OUTGOING);
  self->filling = FALSE;
  validate (self);
}
