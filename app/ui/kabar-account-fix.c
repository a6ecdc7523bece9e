/* kabar-account-fix.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-account-assistant.h"
#include "kabar-account-fix.h"
#include "kabar-application.h"
#include "kabar-certificate-dialog.h"
#include "kabar-imap-error.h"
#include "kabar-net-error.h"
#include "kabar-oauth2.h"
#include "kabar-pop3-error.h"
#include "kabar-secrets.h"
#include "kabar-smtp-error.h"

/* --- which fix ------------------------------------------------------------------------- */

static gboolean
is_refused_password (const GError *error,
                     KabarSecretKind *kind)
{
  if (g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_AUTHENTICATION_FAILED))
    *kind = KABAR_SECRET_IMAP;
  else if (g_error_matches (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED))
    *kind = KABAR_SECRET_POP3;
  else if (g_error_matches (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_FAILED))
    *kind = KABAR_SECRET_SMTP;
  else
    return FALSE;
  return TRUE;
}

KabarAccountFix
kabar_account_fix_for (KabarMailService *service)
{
  const GError *error;
  KabarSecretKind kind;

  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (service), KABAR_ACCOUNT_FIX_NONE);

  if (kabar_mail_service_get_status (service) != KABAR_MAIL_SERVICE_STATUS_ERROR)
    return KABAR_ACCOUNT_FIX_NONE;
  error = kabar_mail_service_get_error (service);
  /* For an OAuth2 account a refused token is the same as a refused
   * refresh token: only signing in with Microsoft again helps. */
  if (is_refused_password (error, &kind) ||
      g_error_matches (error, KABAR_OAUTH2_ERROR, KABAR_OAUTH2_ERROR_SIGN_IN_REQUIRED))
    return KABAR_ACCOUNT_FIX_SIGN_IN;
  if (g_error_matches (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CERTIFICATE) &&
      kabar_mail_service_get_certificate_problem (service) != NULL)
    return KABAR_ACCOUNT_FIX_CERTIFICATE;
  return KABAR_ACCOUNT_FIX_RETRY;
}

const char *
kabar_account_fix_get_label (KabarAccountFix fix)
{
  switch (fix)
    {
    case KABAR_ACCOUNT_FIX_SIGN_IN:
      return _("Sign In Again");
    case KABAR_ACCOUNT_FIX_CERTIFICATE:
      return _("Show Certificate…");
    case KABAR_ACCOUNT_FIX_RETRY:
      return _("Try Again");
    case KABAR_ACCOUNT_FIX_NONE:
    default:
      return NULL;
    }
}

/* --- signing in again ---------------------------------------------------------------------- */

static gboolean
is_oauth2 (KabarMailService *service)
{
  return kabar_account_get_auth_method (kabar_mail_service_get_account (service)) == KABAR_AUTH_OAUTH2;
}

/* Microsoft's sign-in is the assistant's sign-in page (then its check),
 * not a dialog: the browser, the client ID, what went wrong. */
static GtkWidget *
oauth2_sign_in (GtkWindow        *parent,
                KabarMailService *service)
{
  GtkApplication *application = parent != NULL ? gtk_window_get_application (parent) : NULL;
  KabarAccount *account = kabar_mail_service_get_account (service);
  KabarAccountAssistant *assistant;

  if (!KABAR_IS_APPLICATION (application))
    application = GTK_APPLICATION (g_application_get_default ());
  g_return_val_if_fail (KABAR_IS_APPLICATION (application), NULL);
  assistant = kabar_account_assistant_new_sign_in (KABAR_APPLICATION (application), parent, account);
  gtk_window_present (GTK_WINDOW (assistant));
  return GTK_WIDGET (assistant);
}

static void
show_failure (GtkWindow  *parent,
              const char *heading,
              const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  KabarMailService *service;
  GtkWindow        *parent;
  char             *password;
  /* The keyring entries still to write, in order. */
  GArray           *kinds;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_object (&sign_in->service);
  g_clear_object (&sign_in->parent);
  g_clear_pointer (&sign_in->password, kabar_secrets_free);
  g_clear_pointer (&sign_in->kinds, g_array_unref);
  g_free (sign_in);
}

static void on_password_stored (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data);

static void
store_next_password (SignIn *sign_in)
{
  KabarAccount *account = kabar_mail_service_get_account (sign_in->service);
  KabarSecretKind kind = g_array_index (sign_in->kinds, KabarSecretKind, 0);
  g_autofree char *label = g_strdup_printf ("Kabar: %s (%s)", kabar_account_get_address (account),
                                            kabar_secret_kind_to_string (kind));

  g_array_remove_index (sign_in->kinds, 0);
  kabar_secrets_store_async (kabar_account_get_id (account), kind, label, sign_in->password, NULL,
                             on_password_stored, sign_in);
}

static void
on_password_stored (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SignIn *sign_in = user_data;
  g_autoptr(GError) error = NULL;

  if (!kabar_secrets_store_finish (result, &error))
    show_failure (sign_in->parent, _("The Password Could Not Be Saved"), error->message);
  else if (sign_in->kinds->len > 0)
    {
      store_next_password (sign_in);
      return;
    }
  else
    kabar_mail_service_retry (sign_in->service);
  sign_in_free (sign_in);
}

static void
on_sign_in_response (AdwMessageDialog *dialog,
                     const char       *response,
                     KabarMailService *service)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "kabar-password");
  gboolean refused = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kabar-refused"));
  gboolean whole_account = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kabar-whole-account"));
  KabarAccount *account = kabar_mail_service_get_account (service);
  const GError *error = kabar_mail_service_get_error (service);
  KabarSecretKind kind = kabar_account_get_incoming_kind (account) == KABAR_INCOMING_POP3
                         ? KABAR_SECRET_POP3 : KABAR_SECRET_IMAP;
  SignIn *sign_in;

  if (g_strcmp0 (response, "sign-in") != 0)
    return;
  sign_in = g_new0 (SignIn, 1);
  sign_in->service = g_object_ref (service);
  sign_in->parent = gtk_window_get_transient_for (GTK_WINDOW (dialog)) != NULL
                    ? g_object_ref (gtk_window_get_transient_for (GTK_WINDOW (dialog))) : NULL;
  sign_in->password = g_strdup (gtk_editable_get_text (entry));
  sign_in->kinds = g_array_new (FALSE, FALSE, sizeof (KabarSecretKind));
  /* The server that refused it says which password it was; asked from the
   * account's settings, it is the account's, for both servers. */
  if (refused && !whole_account)
    is_refused_password (error, &kind);
  g_array_append_val (sign_in->kinds, kind);
  if (whole_account)
    {
      KabarSecretKind outgoing = KABAR_SECRET_SMTP;

      g_array_append_val (sign_in->kinds, outgoing);
    }
  store_next_password (sign_in);
}

static void
on_password_changed (GtkEditable      *entry,
                     AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "sign-in", *gtk_editable_get_text (entry) != '\0');
}

static GtkWidget *
sign_in_dialog (GtkWindow        *parent,
                KabarMailService *service,
                gboolean          refused,
                gboolean          whole_account)
{
  KabarAccount *account = kabar_mail_service_get_account (service);
  GtkWidget *dialog = adw_message_dialog_new (parent, _("Sign In Again"), NULL);
  GtkWidget *entry = adw_password_entry_row_new ();
  GtkWidget *box = gtk_list_box_new ();

  if (refused)
    /* Translators: %s is the address of the account. */
    adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                    _("The server refused the password for %s. Enter the password to sign in again."),
                                    kabar_account_get_address (account));
  else
    /* Translators: %s is the address of the account. */
    adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                    _("Enter the password of %s. It is kept in the keyring of this computer."),
                                    kabar_account_get_address (account));
  /* A row, not a GtkPasswordEntry: GTK 4.8's outlives its window. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), _("Password"));
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (entry), TRUE);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (box, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (box), entry);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "sign-in", _("_Sign In"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-in", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "sign-in", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "sign-in");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "kabar-password", entry);
  g_object_set_data (G_OBJECT (dialog), "kabar-refused", GINT_TO_POINTER (refused));
  g_object_set_data (G_OBJECT (dialog), "kabar-whole-account", GINT_TO_POINTER (whole_account));
  g_signal_connect (entry, "changed", G_CALLBACK (on_password_changed), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_sign_in_response), g_object_ref (service),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
  return dialog;
}

/* --- the certificate ------------------------------------------------------------------------ */

static void
on_trusted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  if (kabar_application_trust_certificate_finish (KABAR_APPLICATION (source), result, &error))
    return;
  dialog = adw_message_dialog_new (parent, _("Could Not Trust the Certificate"), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_certificate_response (AdwMessageDialog *dialog,
                         const char       *response,
                         KabarMailService *service)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  GtkApplication *application = parent != NULL ? gtk_window_get_application (parent) : NULL;

  if (!KABAR_IS_APPLICATION (application))
    application = GTK_APPLICATION (g_application_get_default ());
  if (g_strcmp0 (response, "retry") == 0)
    kabar_mail_service_retry (service);
  else if (g_strcmp0 (response, "trust") == 0 && KABAR_IS_APPLICATION (application))
    kabar_application_trust_certificate_async (KABAR_APPLICATION (application), service, NULL, on_trusted,
                                               parent != NULL ? g_object_ref (parent) : NULL);
}

/* "Trust" pins this certificate for this server in the account's
 * settings: the application saves them and starts the account again. */
static GtkWidget *
certificate_dialog (GtkWindow        *parent,
                    KabarMailService *service)
{
  GtkWidget *dialog = kabar_certificate_dialog_new (parent, kabar_mail_service_get_certificate_problem (service),
                                                    TRUE);

  g_signal_connect_data (dialog, "response", G_CALLBACK (on_certificate_response), g_object_ref (service),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

GtkWidget *
kabar_account_fix_run (GtkWindow        *parent,
                       KabarMailService *service)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (service), NULL);

  switch (kabar_account_fix_for (service))
    {
    case KABAR_ACCOUNT_FIX_SIGN_IN:
      if (is_oauth2 (service))
        return oauth2_sign_in (parent, service);
      return sign_in_dialog (parent, service, TRUE, FALSE);
    case KABAR_ACCOUNT_FIX_CERTIFICATE:
      return certificate_dialog (parent, service);
    case KABAR_ACCOUNT_FIX_RETRY:
      kabar_mail_service_retry (service);
      return NULL;
    case KABAR_ACCOUNT_FIX_NONE:
    default:
      return NULL;
    }
}

GtkWidget *
kabar_account_fix_sign_in (GtkWindow        *parent,
                           KabarMailService *service)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (service), NULL);

  if (is_oauth2 (service))
    return oauth2_sign_in (parent, service);
  return sign_in_dialog (parent, service, kabar_account_fix_for (service) == KABAR_ACCOUNT_FIX_SIGN_IN, TRUE);
}
