/* kabar-account-assistant.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-assistant.h"
#include "kabar-assistant-check.h"
#include "kabar-assistant-choice.h"
#include "kabar-assistant-discovery.h"
#include "kabar-assistant-identity.h"
#include "kabar-assistant-manual.h"
#include "kabar-assistant-sign-in.h"
#include "kabar-discovery.h"
#include "kabar-provider.h"
#include "kabar-secrets.h"

struct _KabarAccountAssistant
{
  AdwWindow                parent_instance;

  GtkWidget               *cancel_button;
  GtkWidget               *back_button;
  AdwWindowTitle          *window_title;
  GtkWidget               *forward_button;
  GtkStack                *stack;
  KabarAssistantIdentity  *identity;
  KabarAssistantDiscovery *discovery_page;
  KabarAssistantChoice    *choice;
  KabarAssistantSignIn    *sign_in;
  GtkWidget               *manual_note;
  KabarAssistantManual    *manual;
  KabarAssistantCheck     *check;
  AdwStatusPage           *done_page;
  GtkWidget               *done_button;
  GtkWidget               *manual_button;

  KabarApplication        *application;
  /* The account being set up: one id from start to end, so that what
   * the keyring got for it can be found again on Cancel. For Sign In
   * Again, a copy of the existing account. */
  KabarAccount            *account;
  gboolean                 sign_in_only;
  /* Typed on the identity page or the sign-in page; NULL for none. */
  char                    *password;
  /* What the check signs in with: the password or an access token. */
  char                    *secret;
  KabarDiscovery          *discovery;
  KabarDiscoveryResult    *result;
  /* The discovery, and the saving once the check passed. */
  GCancellable            *cancellable;
  /* The pages to go back to (KabarAssistantPage), the last on top. */
  GArray                  *history;
  KabarAssistantPage       page;
  gboolean                 saving;
  gboolean                 saved;
};

G_DEFINE_FINAL_TYPE (KabarAccountAssistant, kabar_account_assistant, ADW_TYPE_WINDOW)

static const char *const page_names[] = {
  [KABAR_ASSISTANT_PAGE_IDENTITY] = "identity",
  [KABAR_ASSISTANT_PAGE_DISCOVERY] = "discovery",
  [KABAR_ASSISTANT_PAGE_CHOICE] = "choice",
  [KABAR_ASSISTANT_PAGE_SIGN_IN] = "sign-in",
  [KABAR_ASSISTANT_PAGE_MANUAL] = "manual",
  [KABAR_ASSISTANT_PAGE_CHECK] = "check",
  [KABAR_ASSISTANT_PAGE_DONE] = "done",
};

static void
replace_secret (char       **slot,
                const char  *secret)
{
  g_clear_pointer (slot, kabar_secrets_free);
  *slot = g_strdup (secret);
}

/* --- the header bar -------------------------------------------------------------------------- */

/* The forward button's words on each page; NULL where the page has its
 * own way on (sign in, the check) or none (discovery, done). */
static const char *
forward_label (KabarAssistantPage page)
{
  switch (page)
    {
    case KABAR_ASSISTANT_PAGE_IDENTITY:
    case KABAR_ASSISTANT_PAGE_CHOICE:
    case KABAR_ASSISTANT_PAGE_MANUAL:
      return _("_Next");
    case KABAR_ASSISTANT_PAGE_DISCOVERY:
    case KABAR_ASSISTANT_PAGE_SIGN_IN:
    case KABAR_ASSISTANT_PAGE_CHECK:
    case KABAR_ASSISTANT_PAGE_DONE:
    default:
      return NULL;
    }
}

static gboolean
forward_allowed (KabarAccountAssistant *self)
{
  switch (self->page)
    {
    case KABAR_ASSISTANT_PAGE_IDENTITY:
      return kabar_assistant_identity_is_valid (self->identity);
    case KABAR_ASSISTANT_PAGE_MANUAL:
      return kabar_assistant_manual_is_valid (self->manual);
    case KABAR_ASSISTANT_PAGE_CHOICE:
      return TRUE;
    case KABAR_ASSISTANT_PAGE_DISCOVERY:
    case KABAR_ASSISTANT_PAGE_SIGN_IN:
    case KABAR_ASSISTANT_PAGE_CHECK:
    case KABAR_ASSISTANT_PAGE_DONE:
    default:
      return FALSE;
    }
}

static void
update_buttons (KabarAccountAssistant *self)
{
  const char *label = forward_label (self->page);
  gboolean done = self->page == KABAR_ASSISTANT_PAGE_DONE;

  gtk_widget_set_visible (self->cancel_button, !done);
  gtk_widget_set_sensitive (self->cancel_button, !self->saving);
  /* Signing in again is one page and its check: nowhere to go back to. */
  gtk_widget_set_visible (self->back_button, !done && !self->sign_in_only && self->history->len > 0);
  gtk_widget_set_sensitive (self->back_button, !self->saving);
  gtk_widget_set_visible (self->forward_button, label != NULL);
  if (label != NULL)
    gtk_button_set_label (GTK_BUTTON (self->forward_button), label);
  gtk_widget_set_sensitive (self->forward_button, forward_allowed (self));
  gtk_widget_set_tooltip_text (self->forward_button,
                               self->page == KABAR_ASSISTANT_PAGE_MANUAL
                               ? kabar_assistant_manual_get_problem (self->manual) : NULL);
  /* The way out of every page that may need it. The identity page needs
   * the address first: the manual page starts from it. */
  gtk_widget_set_visible (self->manual_button,
                          self->page != KABAR_ASSISTANT_PAGE_MANUAL && !done && !self->saving
                          && !self->sign_in_only);
  gtk_widget_set_sensitive (self->manual_button,
                            self->page != KABAR_ASSISTANT_PAGE_IDENTITY
                            || kabar_assistant_identity_is_valid (self->identity));
  gtk_window_set_default_widget (GTK_WINDOW (self), done ? self->done_button
                                                         : label != NULL ? self->forward_button : NULL);
}

/* --- pages ------------------------------------------------------------------------------------ */

static void
focus_page (KabarAccountAssistant *self)
{
  switch (self->page)
    {
    case KABAR_ASSISTANT_PAGE_IDENTITY:
      kabar_assistant_identity_focus (self->identity);
      break;
    case KABAR_ASSISTANT_PAGE_CHOICE:
      kabar_assistant_choice_focus (self->choice);
      break;
    case KABAR_ASSISTANT_PAGE_DONE:
      gtk_widget_grab_focus (self->done_button);
      break;
    case KABAR_ASSISTANT_PAGE_DISCOVERY:
    case KABAR_ASSISTANT_PAGE_SIGN_IN:
    case KABAR_ASSISTANT_PAGE_MANUAL:
    case KABAR_ASSISTANT_PAGE_CHECK:
    default:
      {
        GtkWidget *child = gtk_stack_get_visible_child (self->stack);
        GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

        /* The stack, or the page itself (sign-in), may have put the focus
         * where it belongs already: moving on would skip a field. */
        if (focus == NULL || !gtk_widget_is_ancestor (focus, child))
          gtk_widget_child_focus (child, GTK_DIR_TAB_FORWARD);
      }
      break;
    }
}

/* Discovery and the check are steps on the way, not places to go back
 * to: Back from what follows them goes to what came before them. */
static gboolean
is_passing_page (KabarAssistantPage page)
{
  return page == KABAR_ASSISTANT_PAGE_DISCOVERY || page == KABAR_ASSISTANT_PAGE_CHECK;
}

static void
show_page (KabarAccountAssistant *self,
           KabarAssistantPage     page,
           gboolean               remember)
{
  if (remember && self->page != page && !is_passing_page (self->page))
    g_array_append_val (self->history, self->page);
  self->page = page;
  gtk_stack_set_visible_child_name (self->stack, page_names[page]);
  update_buttons (self);
  focus_page (self);
}

static void
stop_discovery (KabarAccountAssistant *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  kabar_assistant_discovery_follow (self->discovery_page, NULL, NULL);
  g_clear_object (&self->discovery);
}

static void
show_check (KabarAccountAssistant *self)
{
  show_page (self, KABAR_ASSISTANT_PAGE_CHECK, TRUE);
  kabar_assistant_check_run (self->check, self->account, self->secret);
}

static void
show_sign_in (KabarAccountAssistant *self,
              const char            *problem)
{
  kabar_assistant_sign_in_set_account (self->sign_in, self->account);
  if (kabar_account_get_auth_method (self->account) == KABAR_AUTH_PASSWORD)
    kabar_assistant_sign_in_set_password (self->sign_in, self->password);
  kabar_assistant_sign_in_set_problem (self->sign_in, problem);
  show_page (self, KABAR_ASSISTANT_PAGE_SIGN_IN, TRUE);
}

/* With the servers known: signing in, unless the password typed on the
 * first page is all it takes. */
static void
go_on_with_settings (KabarAccountAssistant *self)
{
  if (kabar_account_get_auth_method (self->account) == KABAR_AUTH_PASSWORD && self->password != NULL)
    {
      replace_secret (&self->secret, self->password);
      show_check (self);
    }
  else
    show_sign_in (self, NULL);
}

/* note: why the user is asked, or NULL. */
static void
show_manual (KabarAccountAssistant *self,
             const char            *note)
{
  gtk_label_set_label (GTK_LABEL (self->manual_note), note);
  gtk_widget_set_visible (self->manual_note, note != NULL);
  kabar_assistant_manual_load (self->manual, self->account);
  show_page (self, KABAR_ASSISTANT_PAGE_MANUAL, TRUE);
}

/* --- 1 and 2: the address, and the look-up of its settings ------------------------------ */

static void
take_identity (KabarAccountAssistant *self)
{
  const char *address = kabar_assistant_identity_get_address (self->identity);

  kabar_account_set_identity (self->account, 0, kabar_assistant_identity_get_name (self->identity), address,
                              NULL);
  replace_secret (&self->password, kabar_assistant_identity_get_password (self->identity));
  adw_window_title_set_subtitle (self->window_title, address);
}

static void
show_not_found (KabarAccountAssistant *self)
{
  g_autofree char *domain = kabar_provider_dup_domain (kabar_account_get_address (self->account));
  /* Translators: %s is the domain of the address, such as example.com. */
  g_autofree char *note = g_strdup_printf (_("Kabar found no settings for %s. Your provider’s help pages "
                                             "give them: enter them below."), domain);

  show_manual (self, note);
}

static void
show_choice (KabarAccountAssistant *self)
{
  kabar_assistant_choice_set_result (self->choice, self->result);
  show_page (self, KABAR_ASSISTANT_PAGE_CHOICE, TRUE);
}

static void
on_foreign_hosts_response (AdwMessageDialog      *dialog,
                           const char            *response,
                           KabarAccountAssistant *self)
{
  /* The first answer only: closing the dialog after a button gives its
   * close response too. */
  g_signal_handlers_disconnect_by_func (dialog, on_foreign_hosts_response, self);
  if (self->result == NULL)
    return;
  if (g_strcmp0 (response, "use") == 0)
    show_choice (self);
  else
    {
      /* What was found, as a start for the user's own settings. */
      kabar_discovery_result_apply (self->result, self->account, KABAR_INCOMING_IMAP);
      show_manual (self, NULL);
    }
}

/* Servers under another domain's name, from a source that cannot vouch
 * for them: someone between the user and the DNS could have put them
 * there, so the user decides. */
static void
ask_about_foreign_hosts (KabarAccountAssistant *self,
                         const char * const    *hosts)
{
  g_autofree char *domain = kabar_provider_dup_domain (kabar_account_get_address (self->account));
  g_autofree char *names = g_strjoinv (", ", (char **) hosts);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Use settings from another domain?"), NULL);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: the first %s is a domain (example.com), the
                                   * second a list of server names. */
                                  _("The mail servers found for %s have names outside it: %s. Use them "
                                    "only if your provider says that they are its servers."),
                                  domain, names);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "manual", _("Set Up _Manually"),
                                    "use", _("_Use These Servers"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "use", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "use");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "manual");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_foreign_hosts_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_discovery_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KabarAccountAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  KabarDiscoveryResult *found = kabar_discovery_run_finish (KABAR_DISCOVERY (source), result, &error);
  const char * const *foreign;

  /* Stopped: the user went elsewhere already. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->discovery != KABAR_DISCOVERY (source))
    {
      g_clear_object (&found);
      return;
    }
  g_clear_object (&self->result);
  self->result = found;
  if (found == NULL)
    {
      if (!g_error_matches (error, KABAR_DISCOVERY_ERROR, KABAR_DISCOVERY_ERROR_NOT_FOUND))
        g_warning ("Looking up the settings of %s failed: %s", kabar_account_get_address (self->account),
                   error->message);
      show_not_found (self);
      return;
    }
  foreign = kabar_discovery_result_get_foreign_hosts (found);
  if (foreign != NULL && foreign[0] != NULL)
    ask_about_foreign_hosts (self, foreign);
  else
    show_choice (self);
}

static void
start_discovery (KabarAccountAssistant *self)
{
  g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);
  g_autofree char *ispdb_url = g_settings_get_string (settings, "ispdb-url");
  const char *address = kabar_account_get_address (self->account);

  stop_discovery (self);
  g_clear_object (&self->result);
  self->discovery = kabar_discovery_new (address);
  kabar_discovery_set_ispdb_url (self->discovery, ispdb_url);
  kabar_assistant_discovery_follow (self->discovery_page, self->discovery, address);
  show_page (self, KABAR_ASSISTANT_PAGE_DISCOVERY, TRUE);
  kabar_discovery_run_async (self->discovery, self->cancellable, on_discovery_done, g_object_ref (self));
}

/* --- 3: IMAP, POP or Exchange-style --------------------------------------------------------- */

/* Graph is one HTTPS server for everything, sending too: no outgoing
 * server, and the server files what it sends. The setting moves it for
 * tests and for an organisation's proxy. */
static void
apply_graph (KabarAccountAssistant *self)
{
  g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);
  g_autofree char *server = g_settings_get_string (settings, "microsoft-graph-server");
  g_autoptr(GSocketConnectable) address = g_network_address_parse (server, 443, NULL);
  GNetworkAddress *parsed = address != NULL ? G_NETWORK_ADDRESS (address) : NULL;

  kabar_account_set_incoming_kind (self->account, KABAR_INCOMING_GRAPH);
  kabar_account_set_auth_method (self->account, KABAR_AUTH_OAUTH2);
  kabar_account_set_server (self->account, KABAR_SERVER_INCOMING,
                            parsed != NULL ? g_network_address_get_hostname (parsed) : "graph.microsoft.com",
                            parsed != NULL ? g_network_address_get_port (parsed) : 443, KABAR_SECURITY_IMPLICIT_TLS,
                            kabar_account_get_address (self->account));
  kabar_account_set_server (self->account, KABAR_SERVER_OUTGOING, NULL, 0, KABAR_SECURITY_IMPLICIT_TLS, NULL);
  kabar_account_set_oauth2_tenant (self->account, kabar_discovery_result_get_oauth2_tenant (self->result));
  kabar_account_set_server_files_sent (self->account, TRUE);
}

static void
take_choice (KabarAccountAssistant *self)
{
  KabarIncomingKind kind = kabar_assistant_choice_get_kind (self->choice);

  if (kind == KABAR_INCOMING_GRAPH)
    {
      apply_graph (self);
      show_sign_in (self, NULL);
      return;
    }
  if (!kabar_discovery_result_apply (self->result, self->account, kind))
    {
      show_not_found (self);
      return;
    }
  if (kind == KABAR_INCOMING_POP3)
    kabar_account_set_pop_server_copies (self->account, kabar_assistant_choice_get_server_copies (self->choice));
  go_on_with_settings (self);
}

/* --- 4 and 6: signing in, the check ------------------------------------------------------ */

static void
on_signed_in (KabarAccountAssistant *self,
              const char            *secret)
{
  replace_secret (&self->secret, secret);
  if (kabar_account_get_auth_method (self->account) == KABAR_AUTH_PASSWORD)
    replace_secret (&self->password, secret);
  show_check (self);
}

static void
on_check_go_to (KabarAccountAssistant *self,
                KabarAssistantPage     page)
{
  switch (page)
    {
    case KABAR_ASSISTANT_PAGE_SIGN_IN:
      show_sign_in (self, kabar_account_get_auth_method (self->account) == KABAR_AUTH_PASSWORD
                          ? _("The server refused the password.")
                          : _("The server refused the sign-in. Sign in again."));
      break;
    case KABAR_ASSISTANT_PAGE_MANUAL:
      show_manual (self, NULL);
      break;
    case KABAR_ASSISTANT_PAGE_IDENTITY:
    case KABAR_ASSISTANT_PAGE_DISCOVERY:
    case KABAR_ASSISTANT_PAGE_CHOICE:
    case KABAR_ASSISTANT_PAGE_CHECK:
    case KABAR_ASSISTANT_PAGE_DONE:
    default:
      show_page (self, page, TRUE);
      break;
    }
}

/* --- 7: saving ------------------------------------------------------------------------------ */

static KabarMailService *
find_service (KabarAccountAssistant *self)
{
  GListModel *services = kabar_application_get_services (self->application);

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (services, i);

      if (g_strcmp0 (kabar_account_get_id (kabar_mail_service_get_account (service)),
                     kabar_account_get_id (self->account)) == 0)
        return service;
    }
  return NULL;
}

static void
show_failure (KabarAccountAssistant *self,
              const char            *heading,
              const char            *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_done (KabarAccountAssistant *self)
{
  /* Translators: %s is the account's address. */
  g_autofree char *title = g_strdup_printf (_("%s is ready"), kabar_account_get_address (self->account));
  KabarMailService *service = find_service (self);

  self->saving = FALSE;
  self->saved = TRUE;
  /* Saved, a new account's service starts by itself; an account that
   * waited for the user (Sign In Again) tries at once. */
  if (self->sign_in_only && service != NULL)
    kabar_mail_service_retry (service);
  adw_status_page_set_title (self->done_page, title);
  show_page (self, KABAR_ASSISTANT_PAGE_DONE, FALSE);
}

static void
on_account_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KabarAccountAssistant) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kabar_account_manager_save_finish (KABAR_ACCOUNT_MANAGER (source), result, &error))
    {
      self->saving = FALSE;
      update_buttons (self);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (self, _("The Account Could Not Be Saved"), error->message);
      return;
    }
  show_done (self);
}

static void
save_account (KabarAccountAssistant *self)
{
  kabar_account_manager_save_async (kabar_application_get_account_manager (self->application), self->account,
                                    self->cancellable, on_account_saved, g_object_ref (self));
}

static void store_secret (KabarAccountAssistant *self,
                          KabarSecretKind        kind);

static void
on_secret_stored (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KabarAccountAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  KabarSecretKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "kabar-storing"));

  if (!kabar_secrets_store_finish (result, &error))
    {
      self->saving = FALSE;
      update_buttons (self);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (self, _("The Password Could Not Be Saved"), error->message);
      return;
    }
  if (kind != KABAR_SECRET_SMTP)
    store_secret (self, KABAR_SECRET_SMTP);
  else
    save_account (self);
}

static void
store_secret (KabarAccountAssistant *self,
              KabarSecretKind        kind)
{
  g_autofree char *label = g_strdup_printf ("Kabar: %s (%s)", kabar_account_get_address (self->account),
                                            kabar_secret_kind_to_string (kind));

  g_object_set_data (G_OBJECT (self), "kabar-storing", GINT_TO_POINTER (kind));
  kabar_secrets_store_async (kabar_account_get_id (self->account), kind, label, self->password,
                             self->cancellable, on_secret_stored, g_object_ref (self));
}

/* The password goes to the keyring for the incoming server and SMTP; an
 * OAuth2 account's refresh token is there already. Then the account's
 * file, which starts its service. */
static void
on_check_passed (KabarAccountAssistant *self)
{
  self->saving = TRUE;
  update_buttons (self);
  if (kabar_account_get_auth_method (self->account) == KABAR_AUTH_PASSWORD)
    store_secret (self, kabar_account_get_incoming_kind (self->account) == KABAR_INCOMING_POP3
                        ? KABAR_SECRET_POP3 : KABAR_SECRET_IMAP);
  else
    save_account (self);
}

/* --- the buttons ------------------------------------------------------------------------------ */

static void
on_forward_clicked (KabarAccountAssistant *self)
{
  if (!forward_allowed (self))
    return;
  switch (self->page)
    {
    case KABAR_ASSISTANT_PAGE_IDENTITY:
      take_identity (self);
      start_discovery (self);
      break;
    case KABAR_ASSISTANT_PAGE_CHOICE:
      take_choice (self);
      break;
    case KABAR_ASSISTANT_PAGE_MANUAL:
      kabar_assistant_manual_apply (self->manual, self->account);
      go_on_with_settings (self);
      break;
    case KABAR_ASSISTANT_PAGE_DISCOVERY:
    case KABAR_ASSISTANT_PAGE_SIGN_IN:
    case KABAR_ASSISTANT_PAGE_CHECK:
    case KABAR_ASSISTANT_PAGE_DONE:
    default:
      break;
    }
}

static void
leave_page (KabarAccountAssistant *self)
{
  if (self->page == KABAR_ASSISTANT_PAGE_DISCOVERY)
    stop_discovery (self);
  else if (self->page == KABAR_ASSISTANT_PAGE_CHECK)
    kabar_assistant_check_cancel (self->check);
}

static void
on_back_clicked (KabarAccountAssistant *self)
{
  KabarAssistantPage previous;

  if (self->history->len == 0 || self->saving)
    return;
  leave_page (self);
  previous = g_array_index (self->history, KabarAssistantPage, self->history->len - 1);
  g_array_set_size (self->history, self->history->len - 1);
  show_page (self, previous, FALSE);
}

static void
on_manual_clicked (KabarAccountAssistant *self)
{
  if (self->page == KABAR_ASSISTANT_PAGE_IDENTITY)
    {
      if (!kabar_assistant_identity_is_valid (self->identity))
        return;
      take_identity (self);
    }
  else if (self->page == KABAR_ASSISTANT_PAGE_CHOICE && self->result != NULL)
    {
      KabarIncomingKind kind = kabar_assistant_choice_get_kind (self->choice);

      /* What the user chose, as the start of the settings; the manual
       * page sets up mail servers, so Exchange-style starts from IMAP. */
      kabar_discovery_result_apply (self->result, self->account,
                                    kind == KABAR_INCOMING_GRAPH ? KABAR_INCOMING_IMAP : kind);
    }
  else if (kabar_account_get_incoming_kind (self->account) == KABAR_INCOMING_GRAPH && self->result != NULL)
    /* The same past the choice (signing in, the check): Microsoft's
     * Graph server is no mail server to edit. */
    kabar_discovery_result_apply (self->result, self->account, KABAR_INCOMING_IMAP);
  leave_page (self);
  show_manual (self, NULL);
}

/* --- Cancel ------------------------------------------------------------------------------------ */

/* The id outlives the window: libsecret reads the attributes it was
 * given (which borrow the id) only once it has the service. */
typedef struct
{
  GApplication *application;
  char         *account_id;
} Clearing;

static void
on_secrets_cleared (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Clearing *clearing = user_data;
  g_autoptr(GError) error = NULL;

  if (!kabar_secrets_clear_finish (result, &error))
    g_warning ("Could not remove the secrets of an account not set up: %s", error->message);
  g_application_release (clearing->application);
  g_object_unref (clearing->application);
  g_free (clearing->account_id);
  g_free (clearing);
}

/* Cancel, Escape or the window closed: nothing of a new account stays,
 * not even a refresh token the sign-in already stored. */
static gboolean
on_close_request (KabarAccountAssistant *self)
{
  if (self->saving)
    return TRUE;
  leave_page (self);
  g_cancellable_cancel (self->cancellable);
  if (!self->saved && !self->sign_in_only)
    {
      Clearing *clearing = g_new0 (Clearing, 1);

      /* Held, so the keyring hears of it before a quitting Kabar ends. */
      clearing->application = G_APPLICATION (g_object_ref (self->application));
      clearing->account_id = g_strdup (kabar_account_get_id (self->account));
      g_application_hold (clearing->application);
      kabar_secrets_clear_async (clearing->account_id, NULL, on_secrets_cleared, clearing);
    }
  return FALSE;
}

/* --- the window ------------------------------------------------------------------------------ */

static KabarAccountAssistant *
create (KabarApplication *application,
        GtkWindow        *parent,
        KabarAccount     *account)
{
  KabarAccountAssistant *self = g_object_new (KABAR_TYPE_ACCOUNT_ASSISTANT,
                                              "transient-for", parent,
                                              NULL);

  self->application = g_object_ref (application);
  self->account = account;
  return self;
}

KabarAccountAssistant *
kabar_account_assistant_new (KabarApplication *application,
                             GtkWindow        *parent)
{
  KabarAccountAssistant *self;

  g_return_val_if_fail (KABAR_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = create (application, parent, kabar_account_new ());
  show_page (self, KABAR_ASSISTANT_PAGE_IDENTITY, FALSE);
  return self;
}

KabarAccountAssistant *
kabar_account_assistant_new_sign_in (KabarApplication *application,
                                     GtkWindow        *parent,
                                     KabarAccount     *account)
{
  KabarAccountAssistant *self;

  g_return_val_if_fail (KABAR_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), NULL);

  /* A copy: the running service keeps its settings until this is saved. */
  self = create (application, parent, kabar_account_dup (account));
  self->sign_in_only = TRUE;
  gtk_window_set_title (GTK_WINDOW (self), _("Sign In Again"));
  adw_window_title_set_title (self->window_title, _("Sign In Again"));
  adw_window_title_set_subtitle (self->window_title, kabar_account_get_address (account));
  show_sign_in (self, NULL);
  return self;
}

KabarAssistantPage
kabar_account_assistant_get_page (KabarAccountAssistant *self)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT_ASSISTANT (self), KABAR_ASSISTANT_PAGE_IDENTITY);
  return self->page;
}

static void
kabar_account_assistant_dispose (GObject *object)
{
  KabarAccountAssistant *self = KABAR_ACCOUNT_ASSISTANT (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_ACCOUNT_ASSISTANT);
  g_clear_object (&self->discovery);
  g_clear_object (&self->result);
  g_clear_object (&self->account);
  g_clear_object (&self->application);
  G_OBJECT_CLASS (kabar_account_assistant_parent_class)->dispose (object);
}

static void
kabar_account_assistant_finalize (GObject *object)
{
  KabarAccountAssistant *self = KABAR_ACCOUNT_ASSISTANT (object);

  g_clear_pointer (&self->password, kabar_secrets_free);
  g_clear_pointer (&self->secret, kabar_secrets_free);
  g_clear_object (&self->cancellable);
  g_array_unref (self->history);
  G_OBJECT_CLASS (kabar_account_assistant_parent_class)->finalize (object);
}

static void
kabar_account_assistant_class_init (KabarAccountAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_account_assistant_dispose;
  object_class->finalize = kabar_account_assistant_finalize;

  g_type_ensure (KABAR_TYPE_ASSISTANT_IDENTITY);
  g_type_ensure (KABAR_TYPE_ASSISTANT_DISCOVERY);
  g_type_ensure (KABAR_TYPE_ASSISTANT_CHOICE);
  g_type_ensure (KABAR_TYPE_ASSISTANT_SIGN_IN);
  g_type_ensure (KABAR_TYPE_ASSISTANT_MANUAL);
  g_type_ensure (KABAR_TYPE_ASSISTANT_CHECK);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-account-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, back_button);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, window_title);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, forward_button);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, stack);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, identity);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, discovery_page);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, choice);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, sign_in);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, manual_note);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, manual);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, check);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, done_page);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, done_button);
  gtk_widget_class_bind_template_child (widget_class, KabarAccountAssistant, manual_button);
  gtk_widget_class_bind_template_callback (widget_class, update_buttons);
  gtk_widget_class_bind_template_callback (widget_class, on_forward_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_manual_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_signed_in);
  gtk_widget_class_bind_template_callback (widget_class, on_check_passed);
  gtk_widget_class_bind_template_callback (widget_class, on_check_go_to);
  gtk_widget_class_bind_template_callback (widget_class, on_close_request);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kabar_account_assistant_init (KabarAccountAssistant *self)
{
  self->history = g_array_new (FALSE, FALSE, sizeof (KabarAssistantPage));
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
