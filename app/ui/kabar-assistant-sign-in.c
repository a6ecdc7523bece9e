/* kabar-assistant-sign-in.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-assistant-sign-in.h"
#include "kabar-oauth2.h"
#include "kabar-secrets.h"

struct _KabarAssistantSignIn
{
  AdwBin               parent_instance;

  GtkLabel            *problem_label;
  GtkStack            *stack;
  GtkButton           *microsoft_button;
  GtkLabel            *message_label;
  AdwExpanderRow      *advanced_row;
  AdwEntryRow         *client_id_row;
  AdwEntryRow         *tenant_row;
  GtkSpinner          *spinner;
  GtkLabel            *browser_label;
  GtkButton           *cancel_button;
  AdwPasswordEntryRow *password_row;
  GtkButton           *continue_button;

  KabarAccount        *account;
  /* The sign-in under way in the browser, and its page's address. */
  KabarOAuth2Flow     *flow;
  GCancellable        *cancellable;
  char                *uri;
  /* While set_account fills the rows: their changes are not the user's. */
  gboolean             loading;
  /* The message says that there is no client ID. */
  gboolean             no_client_id_shown;
};

enum
{
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarAssistantSignIn, kabar_assistant_sign_in, ADW_TYPE_BIN)

static AdwStatusPage *
status_page (KabarAssistantSignIn *self)
{
  return ADW_STATUS_PAGE (adw_bin_get_child (ADW_BIN (self)));
}

/* --- what went wrong, in words --------------------------------------------------------------- */

static gboolean
has_client_id (KabarAssistantSignIn *self)
{
  const char *own = kabar_account_get_oauth2_client_id (self->account);
  const char *builtin = kabar_oauth2_get_builtin_client_id ();

  return (own != NULL && *own != '\0') || (builtin != NULL && *builtin != '\0');
}

static const char *
client_id_in_use (KabarAssistantSignIn *self)
{
  const char *own = kabar_account_get_oauth2_client_id (self->account);

  return own != NULL && *own != '\0' ? own : kabar_oauth2_get_builtin_client_id ();
}

static char *
describe_oauth2_error (KabarAssistantSignIn *self,
                       const GError         *error)
{
  if (error->domain != KABAR_OAUTH2_ERROR)
    /* Translators: %s is what failed, in the system's words. */
    return g_strdup_printf (_("The sign-in failed: %s"), error->message);

  switch ((KabarOAuth2Error) error->code)
    {
    case KABAR_OAUTH2_ERROR_NO_CLIENT_ID:
      return g_strdup (_("This copy of Kabar has no Microsoft client ID. Enter one under Advanced; "
                         "README explains how to register one."));
    case KABAR_OAUTH2_ERROR_DENIED:
      return g_strdup (_("You did not allow Kabar to use your Microsoft account, so it cannot read or "
                         "send your mail. To add the account, sign in again and accept."));
    case KABAR_OAUTH2_ERROR_CLIENT_REFUSED:
      /* Translators: %s is a Microsoft client ID, a long code. */
      return g_strdup_printf (_("Microsoft does not accept the client ID %s for signing in to mail: it is "
                                "not registered for this kind of account. Check the client ID and the "
                                "tenant under Advanced."),
                              client_id_in_use (self));
    case KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED:
      return g_strdup (_("Microsoft did not keep you signed in. Sign in again."));
    case KABAR_OAUTH2_ERROR_INSECURE:
      /* Translators: %s is the address of a sign-in server. */
      return g_strdup_printf (_("Kabar does not sign in through %s: Microsoft’s sign-in server must be "
                                "reached over a secure (https) connection."),
                              kabar_account_get_oauth2_authority (self->account));
    case KABAR_OAUTH2_ERROR_PROTOCOL:
      /* Translators: %s is what was wrong, in technical words. */
      return g_strdup_printf (_("The answer from the sign-in could not be understood. Try again. (%s)"),
                              error->message);
    case KABAR_OAUTH2_ERROR_SERVER:
    default:
      /* Translators: %s is Microsoft's own words. */
      return g_strdup_printf (_("Microsoft refused the sign-in: %s"), error->message);
    }
}

static void
show_message (KabarAssistantSignIn *self,
              const char           *message)
{
  self->no_client_id_shown = FALSE;
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

/* Without any client ID the button cannot work: the user enters one
 * under Advanced first. */
static void
update_microsoft_button (KabarAssistantSignIn *self)
{
  gboolean ready = self->account != NULL && has_client_id (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->microsoft_button), ready);
  if (self->account == NULL)
    return;
  if (!ready)
    {
      g_autoptr(GError) error = g_error_new_literal (KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_NO_CLIENT_ID, "");
      g_autofree char *message = describe_oauth2_error (self, error);

      show_message (self, message);
      adw_expander_row_set_expanded (self->advanced_row, TRUE);
    }
  else if (self->no_client_id_shown)
    show_message (self, NULL);
  self->no_client_id_shown = !ready;
}

/* --- signing in with Microsoft ----------------------------------------------------------------- */

static void
stop_flow (KabarAssistantSignIn *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->flow);
  g_clear_pointer (&self->uri, g_free);
  gtk_spinner_stop (self->spinner);
  if (self->account != NULL && kabar_account_get_auth_method (self->account) == KABAR_AUTH_OAUTH2)
    gtk_stack_set_visible_child_name (self->stack, "oauth2");
}

/* An account written before the authority was kept in accounts has
 * Microsoft's: the setting (tests, an organisation's proxy) decides. */
static void
ensure_authority (KabarAssistantSignIn *self)
{
  const char *authority = kabar_account_get_oauth2_authority (self->account);
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *setting = NULL;

  if (authority != NULL && *authority != '\0' && g_strcmp0 (authority, KABAR_OAUTH2_MICROSOFT_AUTHORITY) != 0)
    return;
  settings = g_settings_new (KABAR_APPLICATION_ID);
  setting = g_settings_get_string (settings, "microsoft-authority");
  if (*setting != '\0')
    kabar_account_set_oauth2_authority (self->account, setting);
}

/* The waiting page's buttons are gone: the keyboard goes back to the
 * button, unless the user is elsewhere in the window. */
static void
focus_microsoft_button (KabarAssistantSignIn *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->microsoft_button));
}

static void
on_flow_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KabarAssistantSignIn) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token = kabar_oauth2_flow_wait_finish (KABAR_OAUTH2_FLOW (source), result, &error);

  /* Cancelled, or a flow the page has already left. */
  if (KABAR_OAUTH2_FLOW (source) != self->flow)
    {
      g_clear_pointer (&token, kabar_secrets_free);
      return;
    }
  stop_flow (self);
  if (token == NULL)
    {
      g_autofree char *message = describe_oauth2_error (self, error);

      show_message (self, message);
      focus_microsoft_button (self);
      return;
    }
  g_signal_emit (self, signals[SIGNED_IN], 0, token);
  kabar_secrets_free (token);
}

static void
on_browser_shown (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KabarAssistantSignIn) self = user_data;
  g_autoptr(GError) error = NULL;

  if (gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_debug ("No browser opened for the sign-in: %s", error->message);
  gtk_label_set_label (self->browser_label,
                       _("No browser could be opened. Copy the link and open it in your browser."));
}

static void
on_microsoft_clicked (KabarAssistantSignIn *self)
{
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  stop_flow (self);
  show_message (self, NULL);
  ensure_authority (self);
  self->flow = kabar_oauth2_flow_new (self->account);
  self->uri = kabar_oauth2_flow_start (self->flow, &error);
  if (self->uri == NULL)
    {
      g_autofree char *message = describe_oauth2_error (self, error);

      g_clear_object (&self->flow);
      show_message (self, message);
      update_microsoft_button (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  kabar_oauth2_flow_wait_async (self->flow, self->cancellable, on_flow_done, g_object_ref (self));
  gtk_label_set_label (self->browser_label, _("If no browser opened, copy the link and open it in your browser."));
  gtk_stack_set_visible_child_name (self->stack, "waiting");
  gtk_spinner_start (self->spinner);
  gtk_show_uri_full (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->uri, GDK_CURRENT_TIME,
                     self->cancellable, on_browser_shown, g_object_ref (self));
}

static void
on_cancel_clicked (KabarAssistantSignIn *self)
{
  stop_flow (self);
  focus_microsoft_button (self);
}

static void
on_copy_clicked (KabarAssistantSignIn *self)
{
  if (self->uri == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->uri);
  gtk_label_set_label (self->browser_label, _("The link is copied. Paste it into your browser’s address bar."));
}

/* NULL for an empty row: the account's default. */
static const char *
row_text (AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  return *text != '\0' ? text : NULL;
}

static void
on_client_id_changed (KabarAssistantSignIn *self)
{
  g_autofree char *client_id = NULL;

  if (self->loading || self->account == NULL)
    return;
  /* Pasted IDs come with spaces around them. */
  client_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->client_id_row))));
  kabar_account_set_oauth2_client_id (self->account, *client_id != '\0' ? client_id : NULL);
  update_microsoft_button (self);
}

static void
on_tenant_changed (KabarAssistantSignIn *self)
{
  if (self->loading || self->account == NULL)
    return;
  kabar_account_set_oauth2_tenant (self->account, row_text (self->tenant_row));
}

/* --- a password ------------------------------------------------------------------------------ */

static void
on_password_changed (KabarAssistantSignIn *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button),
                            *gtk_editable_get_text (GTK_EDITABLE (self->password_row)) != '\0');
}

static void
on_continue (KabarAssistantSignIn *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (*password == '\0')
    return;
  g_signal_emit (self, signals[SIGNED_IN], 0, password);
}

/* --- the page -------------------------------------------------------------------------------- */

static void
load_oauth2 (KabarAssistantSignIn *self)
{
  const char *client_id = kabar_account_get_oauth2_client_id (self->account);
  const char *tenant = kabar_account_get_oauth2_tenant (self->account);
  g_autofree char *description = NULL;

  adw_status_page_set_icon_name (status_page (self), "web-browser-symbolic");
  adw_status_page_set_title (status_page (self), _("Sign In with Microsoft"));
  /* Translators: %s is the address of the account. */
  description = g_strdup_printf (_("Your browser opens at Microsoft’s sign-in page. Sign in there as %s and "
                                   "allow Kabar to read and send your mail. Kabar never sees your password."),
                                 kabar_account_get_address (self->account));
  adw_status_page_set_description (status_page (self), description);
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->client_id_row), client_id != NULL ? client_id : "");
  gtk_editable_set_text (GTK_EDITABLE (self->tenant_row), tenant != NULL ? tenant : "");
  self->loading = FALSE;
  adw_expander_row_set_expanded (self->advanced_row, FALSE);
  show_message (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, "oauth2");
  update_microsoft_button (self);
}

static void
load_password (KabarAssistantSignIn *self)
{
  g_autofree char *description = NULL;

  adw_status_page_set_icon_name (status_page (self), "dialog-password-symbolic");
  adw_status_page_set_title (status_page (self), _("Enter Your Password"));
  /* Translators: %s is the address of the account. */
  description = g_strdup_printf (_("The password of %s. Kabar keeps it in the keyring of this computer."),
                                 kabar_account_get_address (self->account));
  adw_status_page_set_description (status_page (self), description);
  gtk_stack_set_visible_child_name (self->stack, "password");
}

void
kabar_assistant_sign_in_set_account (KabarAssistantSignIn *self,
                                     KabarAccount         *account)
{
  g_return_if_fail (KABAR_IS_ASSISTANT_SIGN_IN (self));
  g_return_if_fail (KABAR_IS_ACCOUNT (account));

  stop_flow (self);
  g_set_object (&self->account, account);
  if (kabar_account_get_auth_method (account) == KABAR_AUTH_OAUTH2)
    load_oauth2 (self);
  else
    load_password (self);
}

void
kabar_assistant_sign_in_set_password (KabarAssistantSignIn *self,
                                      const char           *password)
{
  g_return_if_fail (KABAR_IS_ASSISTANT_SIGN_IN (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password != NULL ? password : "");
}

void
kabar_assistant_sign_in_set_problem (KabarAssistantSignIn *self,
                                     const char           *problem)
{
  g_return_if_fail (KABAR_IS_ASSISTANT_SIGN_IN (self));

  gtk_label_set_label (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL && *problem != '\0');
}

const char *
kabar_assistant_sign_in_get_state (KabarAssistantSignIn *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_SIGN_IN (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
kabar_assistant_sign_in_get_uri (KabarAssistantSignIn *self)
{
  g_return_val_if_fail (KABAR_IS_ASSISTANT_SIGN_IN (self), NULL);

  return self->uri;
}

GtkWidget *
kabar_assistant_sign_in_new (void)
{
  return g_object_new (KABAR_TYPE_ASSISTANT_SIGN_IN, NULL);
}

/* The focus goes where the user acts: the entry, or the button. */
static gboolean
kabar_assistant_sign_in_grab_focus (GtkWidget *widget)
{
  KabarAssistantSignIn *self = KABAR_ASSISTANT_SIGN_IN (widget);
  const char *state = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (state, "password") == 0)
    return gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  if (g_strcmp0 (state, "oauth2") == 0 && gtk_widget_get_sensitive (GTK_WIDGET (self->microsoft_button)))
    return gtk_widget_grab_focus (GTK_WIDGET (self->microsoft_button));
  /* Without a client ID, where it goes. */
  if (g_strcmp0 (state, "oauth2") == 0)
    return gtk_widget_grab_focus (GTK_WIDGET (self->client_id_row));
  return gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
}

/* Tabbing into the page, as the assistant does when it shows it, is the
 * same. */
static gboolean
kabar_assistant_sign_in_focus (GtkWidget        *widget,
                               GtkDirectionType  direction)
{
  if (gtk_widget_get_focus_child (widget) == NULL && direction == GTK_DIR_TAB_FORWARD)
    return kabar_assistant_sign_in_grab_focus (widget);
  return GTK_WIDGET_CLASS (kabar_assistant_sign_in_parent_class)->focus (widget, direction);
}

static void
kabar_assistant_sign_in_dispose (GObject *object)
{
  KabarAssistantSignIn *self = KABAR_ASSISTANT_SIGN_IN (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->flow);
  g_clear_object (&self->account);
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_ASSISTANT_SIGN_IN);
  G_OBJECT_CLASS (kabar_assistant_sign_in_parent_class)->dispose (object);
}

static void
kabar_assistant_sign_in_finalize (GObject *object)
{
  KabarAssistantSignIn *self = KABAR_ASSISTANT_SIGN_IN (object);

  g_free (self->uri);
  G_OBJECT_CLASS (kabar_assistant_sign_in_parent_class)->finalize (object);
}

static void
kabar_assistant_sign_in_class_init (KabarAssistantSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_assistant_sign_in_dispose;
  object_class->finalize = kabar_assistant_sign_in_finalize;
  widget_class->grab_focus = kabar_assistant_sign_in_grab_focus;
  widget_class->focus = kabar_assistant_sign_in_focus;

  signals[SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-assistant-sign-in.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, problem_label);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, stack);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, microsoft_button);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, message_label);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, tenant_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, spinner);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, browser_label);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, password_row);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantSignIn, continue_button);
  gtk_widget_class_bind_template_callback (widget_class, on_microsoft_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_client_id_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_tenant_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_password_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_continue);
}

static void
kabar_assistant_sign_in_init (KabarAssistantSignIn *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
