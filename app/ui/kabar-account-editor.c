/* kabar-account-editor.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-editor.h"
#include "kabar-account-fix.h"
#include "kabar-server-fields.h"

/* One identity's rows; kept by its expander row, as long as they live. */
typedef struct
{
  GtkWidget     *expander;
  GtkWidget     *name_row;
  GtkWidget     *address_row;
  GtkTextBuffer *signature;
} Identity;

struct _KabarAccountEditor
{
  AdwWindow            parent_instance;

  AdwWindowTitle      *window_title;
  GtkWidget           *save_button;
  AdwPreferencesGroup *identities_group;
  GtkWidget           *incoming_group;
  GtkWidget           *incoming_host_row;
  GtkWidget           *incoming_port_row;
  GtkWidget           *incoming_security_row;
  GtkWidget           *incoming_user_row;
  GtkWidget           *outgoing_group;
  GtkWidget           *outgoing_host_row;
  GtkWidget           *outgoing_port_row;
  GtkWidget           *outgoing_security_row;
  GtkWidget           *outgoing_user_row;
  GtkWidget           *password_group;
  GtkWidget           *remove_button;

  KabarApplication    *application;
  KabarAccount        *account;
  GPtrArray           *identities;
  const char          *problem;
  gboolean             busy;
  GCancellable        *cancellable;
};

enum
{
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarAccountEditor, kabar_account_editor, ADW_TYPE_WINDOW)

static void validate (KabarAccountEditor *self);

/* --- checks -------------------------------------------------------------------------------- */

static char *
dup_trimmed (GtkWidget *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* Enough to catch a typing mistake; the server has the last word. */
static gboolean
is_address (const char *text)
{
  const char *at = strrchr (text, '@');

  if (at == NULL || at == text || at[1] == '\0' || strchr (at + 1, '.') == NULL)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || *p == '<' || *p == '>' || *p == ',')
      return FALSE;
  return TRUE;
}

static gboolean
parse_port (GtkWidget *row,
            guint16   *port)
{
  return kabar_server_fields_parse_port (gtk_editable_get_text (GTK_EDITABLE (row)), port);
}

/* Marks the row when bad, and keeps the first problem for the Save
 * button's tooltip. */
static void
check_row (KabarAccountEditor *self,
           GtkWidget          *row,
           gboolean            good,
           const char         *problem)
{
  if (good)
    {
      gtk_widget_remove_css_class (row, "error");
      return;
    }
  gtk_widget_add_css_class (row, "error");
  if (self->problem == NULL)
    self->problem = problem;
}

static void
check_server (KabarAccountEditor *self,
              GtkWidget          *host_row,
              GtkWidget          *port_row)
{
  const char *host_problem = kabar_server_fields_check_host (gtk_editable_get_text (GTK_EDITABLE (host_row)));
  guint16 port;

  check_row (self, host_row, host_problem == NULL, host_problem);
  check_row (self, port_row, parse_port (port_row, &port), kabar_server_fields_port_problem ());
}

static gboolean
has_servers (KabarAccountEditor *self)
{
  return kabar_account_get_incoming_kind (self->account) != KABAR_INCOMING_GRAPH;
}

static void
validate (KabarAccountEditor *self)
{
  /* Not before the account is shown, nor once the editor goes. */
  if (self->account == NULL || self->identities == NULL)
    return;
  self->problem = NULL;
  for (guint i = 0; i < self->identities->len; i++)
    {
      Identity *identity = g_ptr_array_index (self->identities, i);
      g_autofree char *address = dup_trimmed (identity->address_row);

      check_row (self, identity->address_row, is_address (address), _("Enter an email address."));
    }
  if (has_servers (self))
    {
      check_server (self, self->incoming_host_row, self->incoming_port_row);
      check_server (self, self->outgoing_host_row, self->outgoing_port_row);
    }
  gtk_widget_set_sensitive (self->save_button, self->problem == NULL && !self->busy);
  gtk_widget_set_tooltip_text (self->save_button, self->problem);
}

const char *
kabar_account_editor_get_problem (KabarAccountEditor *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_EDITOR (self), NULL);
  return self->problem;
}

/* --- identities ---------------------------------------------------------------------------- */

static void
update_identity_title (Identity *identity)
{
  g_autofree char *name = dup_trimmed (identity->name_row);
  g_autofree char *address = dup_trimmed (identity->address_row);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (identity->expander),
                                 *name != '\0' ? name : address);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (identity->expander), *name != '\0' ? address : "");
}

static void
on_identity_changed (GtkWidget *row,
                     Identity  *identity)
{
  KabarAccountEditor *self = g_object_get_data (G_OBJECT (identity->expander), "kabar-editor");

  update_identity_title (identity);
  validate (self);
}

static void
on_remove_alias_clicked (GtkButton *button,
                         Identity  *identity)
{
  KabarAccountEditor *self = g_object_get_data (G_OBJECT (identity->expander), "kabar-editor");
  GtkWidget *expander = identity->expander;

  g_ptr_array_remove (self->identities, identity);
  /* Frees identity, with its rows. */
  adw_preferences_group_remove (self->identities_group, expander);
  validate (self);
}

static GtkWidget *
make_entry_row (const char *title,
                const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  return row;
}

static GtkWidget *
make_signature_row (Identity *identity)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (_("Signature"));
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = gtk_text_view_new_with_buffer (identity->signature);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_widget_set_size_request (view, -1, 72);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Signature"), -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), frame);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static GtkWidget *
make_remove_alias_row (Identity *identity)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Remove Alias"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Stop sending as this address"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "destructive-action");
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_alias_clicked), identity);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
identity_free (Identity *identity)
{
  g_clear_object (&identity->signature);
  g_free (identity);
}

static Identity *
add_identity (KabarAccountEditor *self,
              const char         *name,
              const char         *address,
              const char         *signature,
              gboolean            is_alias)
{
  Identity *identity = g_new0 (Identity, 1);

  identity->expander = adw_expander_row_new ();
  identity->name_row = make_entry_row (_("Name"), name);
  identity->address_row = make_entry_row (_("Address"), address);
  gtk_editable_set_enable_undo (GTK_EDITABLE (identity->address_row), TRUE);
  identity->signature = gtk_text_buffer_new (NULL);
  gtk_text_buffer_set_text (identity->signature, signature != NULL ? signature : "", -1);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (identity->expander), FALSE);
  g_object_set_data (G_OBJECT (identity->expander), "kabar-editor", self);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (identity->expander), identity->name_row);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (identity->expander), identity->address_row);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (identity->expander), make_signature_row (identity));
  if (is_alias)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (identity->expander), make_remove_alias_row (identity));
  g_signal_connect (identity->name_row, "changed", G_CALLBACK (on_identity_changed), identity);
  g_signal_connect (identity->address_row, "changed", G_CALLBACK (on_identity_changed), identity);
  update_identity_title (identity);
  g_object_set_data_full (G_OBJECT (identity->expander), "kabar-identity", identity,
                          (GDestroyNotify) identity_free);
  g_ptr_array_add (self->identities, identity);
  adw_preferences_group_add (self->identities_group, identity->expander);
  return identity;
}

static void
on_add_alias_clicked (KabarAccountEditor *self)
{
  Identity *own = g_ptr_array_index (self->identities, 0);
  /* Most aliases are the same person: the name as it reads now. */
  g_autofree char *name = dup_trimmed (own->name_row);
  Identity *identity = add_identity (self, name, "", NULL, TRUE);

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (identity->expander), TRUE);
  validate (self);
  gtk_widget_grab_focus (identity->address_row);
}

static char *
dup_signature (Identity *identity)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (identity->signature, &start, &end);
  return gtk_text_buffer_get_text (identity->signature, &start, &end, FALSE);
}

/* --- filling in ---------------------------------------------------------------------------- */

static void
show_server (KabarAccountEditor *self,
             KabarServerRole     role,
             GtkWidget          *host_row,
             GtkWidget          *port_row,
             GtkWidget          *security_row,
             GtkWidget          *user_row)
{
  const char *host = kabar_account_get_host (self->account, role);
  guint16 port = kabar_account_get_port (self->account, role);
  g_autofree char *port_text = port != 0 ? g_strdup_printf ("%u", port) : g_strdup ("");

  gtk_editable_set_text (GTK_EDITABLE (host_row), host != NULL ? host : "");
  gtk_editable_set_text (GTK_EDITABLE (port_row), port_text);
  adw_combo_row_set_selected (ADW_COMBO_ROW (security_row), kabar_account_get_security (self->account, role));
  gtk_editable_set_text (GTK_EDITABLE (user_row), kabar_account_get_user_name (self->account, role) != NULL
                                                  ? kabar_account_get_user_name (self->account, role) : "");
}

static void
show_account (KabarAccountEditor *self)
{
  guint n = kabar_account_get_n_identities (self->account);
  const char *incoming_title = kabar_account_get_incoming_kind (self->account) == KABAR_INCOMING_POP3
                               ? _("Incoming Server (POP)") : _("Incoming Server (IMAP)");

  adw_window_title_set_subtitle (self->window_title, kabar_account_get_address (self->account));
  for (guint i = 0; i < n; i++)
    add_identity (self, kabar_account_get_identity_name (self->account, i),
                  kabar_account_get_identity_address (self->account, i),
                  kabar_account_get_identity_signature (self->account, i), i > 0);
  if (self->identities->len > 0)
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (((Identity *) g_ptr_array_index (self->identities, 0))->expander),
                                   TRUE);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->incoming_group), incoming_title);
  show_server (self, KABAR_SERVER_INCOMING, self->incoming_host_row, self->incoming_port_row,
               self->incoming_security_row, self->incoming_user_row);
  show_server (self, KABAR_SERVER_OUTGOING, self->outgoing_host_row, self->outgoing_port_row,
               self->outgoing_security_row, self->outgoing_user_row);
  /* Microsoft's accounts have no servers to set, and their sign-in is
   * Microsoft's own. */
  gtk_widget_set_visible (self->incoming_group, has_servers (self));
  gtk_widget_set_visible (self->outgoing_group, has_servers (self));
  gtk_widget_set_visible (self->password_group,
                          kabar_account_get_auth_method (self->account) == KABAR_AUTH_PASSWORD);
  validate (self);
}

/* --- saving -------------------------------------------------------------------------------- */

static void
show_error (KabarAccountEditor *self,
            const char         *heading,
            const char         *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Saved or removed: nothing left to edit. */
static void
finish (KabarAccountEditor *self)
{
  g_signal_emit (self, signals[DONE], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
set_busy (KabarAccountEditor *self,
          gboolean            busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (self->remove_button, !busy);
  validate (self);
}

static void
apply_server (KabarAccountEditor *self,
              KabarAccount       *edited,
              KabarServerRole     role,
              GtkWidget          *host_row,
              GtkWidget          *port_row,
              GtkWidget          *security_row,
              GtkWidget          *user_row)
{
  g_autofree char *host = dup_trimmed (host_row);
  g_autofree char *user = dup_trimmed (user_row);
  guint16 port = 0;

  parse_port (port_row, &port);
  kabar_account_set_server (edited, role, host, port, adw_combo_row_get_selected (ADW_COMBO_ROW (security_row)),
                            *user != '\0' ? user : NULL);
}

static KabarAccount *
dup_edited (KabarAccountEditor *self)
{
  KabarAccount *edited = kabar_account_dup (self->account);
  guint n_before = kabar_account_get_n_identities (edited);

  for (guint i = 0; i < self->identities->len; i++)
    {
      Identity *identity = g_ptr_array_index (self->identities, i);
      g_autofree char *name = dup_trimmed (identity->name_row);
      g_autofree char *address = dup_trimmed (identity->address_row);
      g_autofree char *signature = dup_signature (identity);

      kabar_account_set_identity (edited, i, name, address, signature);
    }
  /* The aliases the user removed were the last ones over. */
  for (guint i = n_before; i > self->identities->len; i--)
    kabar_account_remove_identity (edited, i - 1);
  if (has_servers (self))
    {
      apply_server (self, edited, KABAR_SERVER_INCOMING, self->incoming_host_row, self->incoming_port_row,
                    self->incoming_security_row, self->incoming_user_row);
      apply_server (self, edited, KABAR_SERVER_OUTGOING, self->outgoing_host_row, self->outgoing_port_row,
                    self->outgoing_security_row, self->outgoing_user_row);
    }
  return edited;
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KabarAccountEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kabar_account_manager_save_finish (KABAR_ACCOUNT_MANAGER (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      show_error (self, _("The Account Could Not Be Saved"), error->message);
      return;
    }
  set_busy (self, FALSE);
  finish (self);
}

static void
on_save_clicked (KabarAccountEditor *self)
{
  g_autoptr(KabarAccount) edited = NULL;
  g_autoptr(GError) error = NULL;

  validate (self);
  if (self->problem != NULL || self->busy)
    return;
  edited = dup_edited (self);
  if (!kabar_account_validate (edited, &error))
    {
      show_error (self, _("The Account Could Not Be Saved"), error->message);
      return;
    }
  set_busy (self, TRUE);
  kabar_account_manager_save_async (kabar_application_get_account_manager (self->application), edited,
                                    self->cancellable, on_saved, g_object_ref (self));
}

/* --- signing in, removing ------------------------------------------------------------------ */

static KabarMailService *
find_service (KabarAccountEditor *self)
{
  GListModel *services = kabar_application_get_services (self->application);
  guint n = g_list_model_get_n_items (services);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (services, i);

      if (g_strcmp0 (kabar_account_get_id (kabar_mail_service_get_account (service)),
                     kabar_account_get_id (self->account)) == 0)
        return service;
    }
  return NULL;
}

static void
on_sign_in_clicked (KabarAccountEditor *self)
{
  KabarMailService *service = find_service (self);

  if (service == NULL)
    {
      show_error (self, _("Cannot Sign In"), _("This account is not running."));
      return;
    }
  kabar_account_fix_sign_in (GTK_WINDOW (self), service);
}

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KabarAccountEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kabar_account_manager_remove_finish (KABAR_ACCOUNT_MANAGER (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      show_error (self, _("The Account Could Not Be Removed"), error->message);
      return;
    }
  set_busy (self, FALSE);
  finish (self);
}

static void
on_remove_response (AdwMessageDialog   *dialog,
                    const char         *response,
                    KabarAccountEditor *self)
{
  KabarAccountManager *accounts = kabar_application_get_account_manager (self->application);
  KabarAccount *listed;
  KabarMailService *service;

  if (g_strcmp0 (response, "remove") != 0)
    return;
  /* The listed object: it may have been replaced since the editor opened. */
  listed = kabar_account_manager_lookup (accounts, kabar_account_get_id (self->account));
  if (listed == NULL)
    {
      finish (self);
      return;
    }
  /* Its store is deleted next: nothing may write to it any more. */
  service = find_service (self);
  if (service != NULL)
    kabar_mail_service_stop (service);
  set_busy (self, TRUE);
  kabar_account_manager_remove_async (accounts, listed, self->cancellable, on_removed, g_object_ref (self));
}

static void
on_remove_clicked (KabarAccountEditor *self)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Remove the Account?"), NULL);

  /* Translators: %s is the address of the account. */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The mail of %s on this computer and its saved password will be removed. "
                                    "The mail on the server stays."),
                                  kabar_account_get_address (self->account));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- the widget ---------------------------------------------------------------------------- */

GtkWidget *
kabar_account_editor_new (KabarApplication *application,
                          KabarAccount     *account,
                          GtkWindow        *parent)
{
  KabarAccountEditor *self;

  g_return_val_if_fail (KABAR_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (KABAR_TYPE_ACCOUNT_EDITOR, "transient-for", parent, NULL);
  self->application = g_object_ref (application);
  self->account = g_object_ref (account);
  show_account (self);
  return GTK_WIDGET (self);
}

KabarAccount *
kabar_account_editor_get_account (KabarAccountEditor *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_EDITOR (self), NULL);
  return self->account;
}

static void
kabar_account_editor_dispose (GObject *object)
{
  KabarAccountEditor *self = KABAR_ACCOUNT_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  /* The rows own them, and go with the template. */
  g_clear_pointer (&self->identities, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_ACCOUNT_EDITOR);
  g_clear_object (&self->application);
  g_clear_object (&self->account);
  G_OBJECT_CLASS (kabar_account_editor_parent_class)->dispose (object);
}

static void
kabar_account_editor_finalize (GObject *object)
{
  KabarAccountEditor *self = KABAR_ACCOUNT_EDITOR (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (kabar_account_editor_parent_class)->finalize (object);
}

static void
kabar_account_editor_class_init (KabarAccountEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_account_editor_dispose;
  object_class->finalize = kabar_account_editor_finalize;

  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-account-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, identities_group);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, incoming_group);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, incoming_host_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, incoming_port_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, incoming_security_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, incoming_user_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, outgoing_group);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, outgoing_host_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, outgoing_port_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, outgoing_security_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, outgoing_user_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, password_group);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountEditor, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, validate);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_add_alias_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kabar_account_editor_init (KabarAccountEditor *self)
{
  self->identities = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
