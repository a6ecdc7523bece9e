/* kabar-assistant-check.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-assistant.h"
#include "kabar-assistant-check.h"
#include "kabar-certificate-dialog.h"
#include "kabar-secrets.h"

/* What the failure's first button does. */
typedef enum
{
  FIX_NONE,
  FIX_CERTIFICATE,
  FIX_SIGN_IN,
  FIX_MICROSOFT,
} Fix;

struct _KabarAssistantCheck
{
  AdwBin             parent_instance;

  GtkWidget         *incoming_group;
  GtkWidget         *outgoing_group;
  GtkWidget         *failure_group;
  GtkWidget         *failure_title;
  GtkWidget         *failure_advice;
  GtkWidget         *failure_detail;
  GtkWidget         *fix_button;
  GtkWidget         *settings_button;
  GtkWidget         *retry_button;
  GtkWidget         *rows[KABAR_ACCOUNT_CHECK_N_STEPS];
  GtkStack          *states[KABAR_ACCOUNT_CHECK_N_STEPS];

  KabarAccount      *account;
  char              *secret;
  KabarAccountCheck *check;
  GCancellable      *cancellable;
  guint              timeout_seconds;
  Fix                fix;
};

enum
{
  PASSED,
  GO_TO,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarAssistantCheck, kabar_assistant_check, ADW_TYPE_BIN)

static const char *const state_names[] = {
  [KABAR_ACCOUNT_CHECK_PENDING] = "pending",
  [KABAR_ACCOUNT_CHECK_RUNNING] = "running",
  [KABAR_ACCOUNT_CHECK_PASSED] = "passed",
  [KABAR_ACCOUNT_CHECK_FAILED] = "failed",
};

/* --- the steps ----------------------------------------------------------------------------- */

static gboolean
is_graph (KabarAccount *account)
{
  return kabar_account_get_incoming_kind (account) == KABAR_INCOMING_GRAPH;
}

static gboolean
is_outgoing (KabarAccountCheckStep step)
{
  return step >= KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT;
}

static GtkWidget *
state_child (GtkStack   *stack,
             GtkWidget  *child,
             const char *name,
             const char *words)
{
  gtk_widget_set_tooltip_text (child, words);
  gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, words, -1);
  gtk_stack_add_named (stack, child, name);
  return child;
}

static GtkStack *
state_stack (void)
{
  GtkStack *stack = GTK_STACK (gtk_stack_new ());
  GtkWidget *passed = gtk_image_new_from_icon_name ("object-select-symbolic");
  GtkWidget *failed = gtk_image_new_from_icon_name ("window-close-symbolic");
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_widget_add_css_class (passed, "success");
  gtk_widget_add_css_class (failed, "error");
  gtk_spinner_start (GTK_SPINNER (spinner));
  state_child (stack, gtk_image_new (), "pending", _("Waiting"));
  state_child (stack, spinner, "running", _("In progress"));
  state_child (stack, passed, "passed", _("Passed"));
  state_child (stack, failed, "failed", _("Failed"));
  gtk_widget_set_valign (GTK_WIDGET (stack), GTK_ALIGN_CENTER);
  return stack;
}

static void
add_rows (KabarAssistantCheck *self)
{
  for (guint step = 0; step < KABAR_ACCOUNT_CHECK_N_STEPS; step++)
    {
      self->rows[step] = adw_action_row_new ();
      self->states[step] = state_stack ();
      adw_action_row_add_prefix (ADW_ACTION_ROW (self->rows[step]), GTK_WIDGET (self->states[step]));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (is_outgoing (step) ? self->outgoing_group
                                                                           : self->incoming_group),
                                 self->rows[step]);
    }
}

static void
set_state (KabarAssistantCheck    *self,
           KabarAccountCheckStep   step,
           KabarAccountCheckState  state)
{
  GtkWidget *spinner = gtk_stack_get_child_by_name (self->states[step], "running");

  gtk_stack_set_visible_child_name (self->states[step], state_names[state]);
  /* A spinner out of sight still asks for frames. */
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), state == KABAR_ACCOUNT_CHECK_RUNNING);
}

static void
name_steps (KabarAssistantCheck *self)
{
  KabarAccount *account = self->account;
  g_autofree char *incoming = g_strdup_printf (_("Connecting to %s"),
                                               kabar_account_get_host (account, KABAR_SERVER_INCOMING));
  g_autofree char *outgoing = g_strdup_printf (_("Connecting to %s"),
                                               kabar_account_get_host (account, KABAR_SERVER_OUTGOING));
  const char *titles[] = {
    [KABAR_ACCOUNT_CHECK_INCOMING_CONNECT] = incoming,
    [KABAR_ACCOUNT_CHECK_INCOMING_SECURE] = _("Securing the connection"),
    [KABAR_ACCOUNT_CHECK_INCOMING_SIGN_IN] = _("Signing in"),
    /* POP has no folders: the check looks at the mailbox (STAT). */
    [KABAR_ACCOUNT_CHECK_FOLDERS] = kabar_account_get_incoming_kind (account) == KABAR_INCOMING_POP3
                                    ? _("Opening the mailbox") : _("Listing folders"),
    [KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT] = outgoing,
    [KABAR_ACCOUNT_CHECK_OUTGOING_SECURE] = _("Securing the connection"),
    [KABAR_ACCOUNT_CHECK_OUTGOING_SIGN_IN] = _("Signing in"),
  };

  for (guint step = 0; step < KABAR_ACCOUNT_CHECK_N_STEPS; step++)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->rows[step]), titles[step]);
  /* Graph sends through the one server it has: no outgoing steps run,
   * and none are shown waiting. */
  gtk_widget_set_visible (self->outgoing_group, !is_graph (account));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->incoming_group),
                                   is_graph (account) ? _("Server") : _("Incoming Server"));
  /* Without security there is nothing to secure: the check skips it. */
  gtk_widget_set_visible (self->rows[KABAR_ACCOUNT_CHECK_INCOMING_SECURE],
                          kabar_account_get_security (account, KABAR_SERVER_INCOMING) != KABAR_SECURITY_NONE);
  gtk_widget_set_visible (self->rows[KABAR_ACCOUNT_CHECK_OUTGOING_SECURE],
                          kabar_account_get_security (account, KABAR_SERVER_OUTGOING) != KABAR_SECURITY_NONE);
}

static void
on_step_changed (KabarAccountCheck      *check,
                 KabarAccountCheckStep   step,
                 KabarAccountCheckState  state,
                 KabarAssistantCheck    *self)
{
  g_return_if_fail (step < KABAR_ACCOUNT_CHECK_N_STEPS);
  set_state (self, step, state);
}

/* --- what went wrong, and what to do -------------------------------------------------------- */

/* Outlook.com's and Microsoft 365's servers (outlook.md). */
static gboolean
is_microsoft_host (const char *host)
{
  return host != NULL && (g_str_has_suffix (host, ".outlook.com") || g_str_has_suffix (host, ".office365.com") ||
                          g_ascii_strcasecmp (host, "outlook.com") == 0);
}

static char *
advise_access_disabled (KabarAccountCheck *check,
                        KabarAccount      *account,
                        const char        *host)
{
  gboolean pop = kabar_account_get_incoming_kind (account) == KABAR_INCOMING_POP3;

  if (is_graph (account))
    /* Microsoft signed the user in, and Graph has no mailbox for them it
     * will serve: one that was never opened, or an organisation's rule.
     * Translators: %s is an e-mail address. */
    return g_strdup_printf (_("Microsoft signed you in, but has no mailbox for %s that mail programs may use. Open Outlook on the web once with this account, then try again. For a work or school account, ask its administrator."),
                            kabar_account_get_address (account));

  if (kabar_account_check_get_failed_role (check) == KABAR_SERVER_OUTGOING)
    /* Translators: %s is a server's name. */
    return g_strdup_printf (_("%s does not let mail programs send from this mailbox. Turn it on in the provider’s settings, then try again."),
                            host);
  if (is_microsoft_host (host))
    return g_strdup (pop ? _("Turn on POP in Outlook.com’s web settings: Settings, Mail, Forwarding and IMAP. Then try again.")
                         : _("Turn on IMAP in Outlook.com’s web settings: Settings, Mail, Forwarding and IMAP. Then try again."));
  /* Translators: %s is a server's name. */
  return g_strdup_printf (pop ? _("%s does not allow POP for this mailbox. Turn it on in the provider’s settings, then try again.")
                              : _("%s does not allow IMAP for this mailbox. Turn it on in the provider’s settings, then try again."),
                          host);
}

/* The heading, the advice, and the fix, for the error. */
static char *
advise (KabarAssistantCheck *self,
        const GError        *error,
        const char         **title,
        Fix                 *fix)
{
  KabarServerRole role = kabar_account_check_get_failed_role (self->check);
  const char *host = kabar_account_get_host (self->account, role);
  guint port = kabar_account_get_port (self->account, role);

  *fix = FIX_NONE;
  if (error->domain != KABAR_ACCOUNT_CHECK_ERROR)
    {
      *title = _("The Check Failed");
      return g_strdup (_("Something went wrong. Try again, or change the settings."));
    }
  switch ((KabarAccountCheckError) error->code)
    {
    case KABAR_ACCOUNT_CHECK_ERROR_HOST_NOT_FOUND:
      *title = _("Server Not Found");
      /* Translators: %s is a server's name. */
      return g_strdup_printf (_("Check the server name: there is no server called %s."), host);
    case KABAR_ACCOUNT_CHECK_ERROR_CONNECTION_REFUSED:
      *title = _("Connection Refused");
      /* Translators: %u is a port number, %s a server's name. */
      return g_strdup_printf (_("Nothing answers on port %u of %s. Check the port and the security."), port, host);
    case KABAR_ACCOUNT_CHECK_ERROR_TIMED_OUT:
      *title = _("No Answer");
      /* Translators: %s is a server's name. */
      return g_strdup_printf (_("%s did not answer in time. Check the server name and the port, and that this computer is online."),
                              host);
    case KABAR_ACCOUNT_CHECK_ERROR_CERTIFICATE:
      *title = _("Untrusted Certificate");
      *fix = kabar_account_check_get_certificate_problem (self->check) != NULL ? FIX_CERTIFICATE : FIX_NONE;
      /* Translators: %s is a server's name. */
      return g_strdup_printf (_("Kabar cannot be sure that it is talking to %s. Look at its certificate before you trust it."),
                              host);
    case KABAR_ACCOUNT_CHECK_ERROR_SECURITY:
      *title = _("No Secure Connection");
      /* Translators: %s is a server's name, %u a port number. */
      return g_strdup_printf (_("A secure connection to %s on port %u could not be made. Check the security and the port."),
                              host, port);
    case KABAR_ACCOUNT_CHECK_ERROR_WRONG_PASSWORD:
      *title = _("Password Refused");
      *fix = FIX_SIGN_IN;
      /* Translators: %s is a server's name. */
      return g_strdup_printf (_("%s refused the user name or the password. Check them and try again."), host);
    case KABAR_ACCOUNT_CHECK_ERROR_PASSWORD_DISABLED:
      *title = _("Passwords Not Accepted");
      *fix = FIX_MICROSOFT;
      /* Translators: %s is a mail provider ("Outlook.com") or a server's name. */
      return g_strdup_printf (_("%s no longer accepts passwords: sign in with Microsoft."),
                              is_microsoft_host (host) ? "Outlook.com" : host);
    case KABAR_ACCOUNT_CHECK_ERROR_ACCESS_DISABLED:
      if (role == KABAR_SERVER_OUTGOING)
        *title = _("Sending Is Turned Off");
      else if (is_graph (self->account))
        *title = _("Mailbox Not Available");
      else if (kabar_account_get_incoming_kind (self->account) == KABAR_INCOMING_POP3)
        *title = _("POP Is Turned Off");
      else
        *title = _("IMAP Is Turned Off");
      return advise_access_disabled (self->check, self->account, host);
    case KABAR_ACCOUNT_CHECK_ERROR_SIGN_IN_REQUIRED:
      *title = _("Sign-In Refused");
      *fix = FIX_SIGN_IN;
      return g_strdup (_("Microsoft did not accept the sign-in. Sign in again."));
    case KABAR_ACCOUNT_CHECK_ERROR_FAILED:
    default:
      *title = _("The Check Failed");
      /* Translators: %s is a server's name. */
      return g_strdup_printf (_("%s answered with an error, quoted below. Try again, or change the settings."), host);
    }
}

static const char *
fix_label (KabarAssistantCheck *self,
           Fix                  fix)
{
  switch (fix)
    {
    case FIX_CERTIFICATE:
      return _("Show _Certificate…");
    case FIX_SIGN_IN:
      return kabar_account_get_auth_method (self->account) == KABAR_AUTH_OAUTH2
             ? _("Sign _In Again") : _("Change _Password");
    case FIX_MICROSOFT:
      return _("Sign _In with Microsoft");
    case FIX_NONE:
    default:
      return NULL;
    }
}

static void
show_failure (KabarAssistantCheck *self,
              const GError        *error)
{
  const char *title = NULL;
  g_autofree char *advice = advise (self, error, &title, &self->fix);

  gtk_label_set_text (GTK_LABEL (self->failure_title), title);
  gtk_label_set_text (GTK_LABEL (self->failure_advice), advice);
  gtk_label_set_text (GTK_LABEL (self->failure_detail), error->message);
  gtk_widget_set_visible (self->fix_button, self->fix != FIX_NONE);
  /* The settings page is for mail servers; Graph's are Microsoft's. */
  gtk_widget_set_visible (self->settings_button, !is_graph (self->account));
  if (self->fix != FIX_NONE)
    gtk_button_set_label (GTK_BUTTON (self->fix_button), fix_label (self, self->fix));
  /* Without a fix of its own, trying again is what the advice leads to. */
  if (self->fix == FIX_NONE)
    gtk_widget_add_css_class (self->retry_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->retry_button, "suggested-action");
  gtk_widget_set_visible (self->failure_group, TRUE);
  gtk_widget_grab_focus (self->fix != FIX_NONE ? self->fix_button : self->retry_button);
}

static void
on_check_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KabarAssistantCheck) self = user_data;
  g_autoptr(GError) error = NULL;

  if (kabar_account_check_run_finish (KABAR_ACCOUNT_CHECK (source), result, &error))
    {
      if (KABAR_ACCOUNT_CHECK (source) == self->check)
        g_signal_emit (self, signals[PASSED], 0);
      return;
    }
  /* A check cancelled, or replaced by a newer one, has nothing to say. */
  if (KABAR_ACCOUNT_CHECK (source) != self->check || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  show_failure (self, error);
}

/* --- running ------------------------------------------------------------------------------- */

static void
stop (KabarAssistantCheck *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->check != NULL)
    g_signal_handlers_disconnect_by_func (self->check, on_step_changed, self);
  g_clear_object (&self->check);
}

void
kabar_assistant_check_run (KabarAssistantCheck *self,
                           KabarAccount        *account,
                           const char          *secret)
{
  /* secret may be self->secret: a check run again. */
  char *kept = g_strdup (secret);

  g_return_if_fail (KABAR_IS_ASSISTANT_CHECK (self));
  g_return_if_fail (KABAR_IS_ACCOUNT (account));

  stop (self);
  g_set_object (&self->account, account);
  g_clear_pointer (&self->secret, kabar_secrets_free);
  self->secret = kept;
  name_steps (self);
  for (guint step = 0; step < KABAR_ACCOUNT_CHECK_N_STEPS; step++)
    set_state (self, step, KABAR_ACCOUNT_CHECK_PENDING);
  gtk_widget_set_visible (self->failure_group, FALSE);

  self->check = kabar_account_check_new (account, self->secret);
  if (self->timeout_seconds > 0)
    kabar_account_check_set_timeout (self->check, self->timeout_seconds);
  g_signal_connect (self->check, "step-changed", G_CALLBACK (on_step_changed), self);
  self->cancellable = g_cancellable_new ();
  kabar_account_check_run_async (self->check, self->cancellable, on_check_done, g_object_ref (self));
}

void
kabar_assistant_check_cancel (KabarAssistantCheck *self)
{
  g_return_if_fail (KABAR_IS_ASSISTANT_CHECK (self));
  stop (self);
}

void
kabar_assistant_check_set_timeout (KabarAssistantCheck *self,
                                   guint                timeout_seconds)
{
  g_return_if_fail (KABAR_IS_ASSISTANT_CHECK (self));
  self->timeout_seconds = timeout_seconds;
}

KabarAccountCheckState
kabar_assistant_check_get_state (KabarAssistantCheck   *self,
                                 KabarAccountCheckStep  step)
{
  const char *shown;

  g_return_val_if_fail (KABAR_IS_ASSISTANT_CHECK (self), KABAR_ACCOUNT_CHECK_PENDING);
  g_return_val_if_fail (step < KABAR_ACCOUNT_CHECK_N_STEPS, KABAR_ACCOUNT_CHECK_PENDING);

  shown = gtk_stack_get_visible_child_name (self->states[step]);
  for (guint state = 0; state < G_N_ELEMENTS (state_names); state++)
    if (g_strcmp0 (shown, state_names[state]) == 0)
      return state;
  g_return_val_if_reached (KABAR_ACCOUNT_CHECK_PENDING);
}

/* --- the buttons --------------------------------------------------------------------------- */

static void
on_certificate_response (AdwMessageDialog        *dialog,
                         const char              *response,
                         KabarAssistantCheck     *self)
{
  KabarCertificateProblem *problem = g_object_get_data (G_OBJECT (dialog), "kabar-problem");
  KabarServerRole role = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "kabar-role"));

  if (g_strcmp0 (response, "trust") != 0 || self->account == NULL)
    return;
  kabar_account_set_pinned_certificate (self->account, role, kabar_certificate_problem_get_certificate (problem));
  kabar_assistant_check_run (self, self->account, self->secret);
}

static void
show_certificate (KabarAssistantCheck *self)
{
  KabarCertificateProblem *problem = kabar_account_check_get_certificate_problem (self->check);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = kabar_certificate_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, problem, FALSE);

  /* The problem of this check: a later run must not change what is trusted. */
  g_object_set_data_full (G_OBJECT (dialog), "kabar-problem", kabar_certificate_problem_ref (problem),
                          (GDestroyNotify) kabar_certificate_problem_unref);
  g_object_set_data (G_OBJECT (dialog), "kabar-role",
                     GUINT_TO_POINTER (kabar_account_check_get_failed_role (self->check)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_certificate_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_fix_clicked (KabarAssistantCheck *self)
{
  switch (self->fix)
    {
    case FIX_CERTIFICATE:
      show_certificate (self);
      break;
    case FIX_MICROSOFT:
      /* The provider takes only OAuth2: the sign-in page then offers
       * Microsoft's. */
      kabar_account_set_auth_method (self->account, KABAR_AUTH_OAUTH2);
      g_signal_emit (self, signals[GO_TO], 0, KABAR_ASSISTANT_PAGE_SIGN_IN);
      break;
    case FIX_SIGN_IN:
      g_signal_emit (self, signals[GO_TO], 0, KABAR_ASSISTANT_PAGE_SIGN_IN);
      break;
    case FIX_NONE:
    default:
      break;
    }
}

static void
on_settings_clicked (KabarAssistantCheck *self)
{
  stop (self);
  g_signal_emit (self, signals[GO_TO], 0, KABAR_ASSISTANT_PAGE_MANUAL);
}

static void
on_retry_clicked (KabarAssistantCheck *self)
{
  if (self->account != NULL)
    kabar_assistant_check_run (self, self->account, self->secret);
}

/* --- the object ---------------------------------------------------------------------------- */

GtkWidget *
kabar_assistant_check_new (void)
{
  return g_object_new (KABAR_TYPE_ASSISTANT_CHECK, NULL);
}

static void
kabar_assistant_check_dispose (GObject *object)
{
  KabarAssistantCheck *self = KABAR_ASSISTANT_CHECK (object);

  stop (self);
  g_clear_object (&self->account);
  g_clear_pointer (&self->secret, kabar_secrets_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_ASSISTANT_CHECK);
  G_OBJECT_CLASS (kabar_assistant_check_parent_class)->dispose (object);
}

static void
kabar_assistant_check_class_init (KabarAssistantCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_assistant_check_dispose;

  signals[PASSED] = g_signal_new ("passed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 0);
  /* The page is a KabarAssistantPage. */
  signals[GO_TO] = g_signal_new ("go-to", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-assistant-check.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantCheck, incoming_group);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantCheck, outgoing_group);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantCheck, failure_group);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantCheck, failure_title);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantCheck, failure_advice);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantCheck, failure_detail);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantCheck, fix_button);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantCheck, settings_button);
  gtk_widget_class_bind_template_child (widget_class, KabarAssistantCheck, retry_button);
  gtk_widget_class_bind_template_callback (widget_class, on_fix_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_settings_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
}

static void
kabar_assistant_check_init (KabarAssistantCheck *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_rows (self);
}
