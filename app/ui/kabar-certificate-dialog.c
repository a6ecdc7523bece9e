/* kabar-certificate-dialog.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-certificate-dialog.h"

static char *
describe_errors (KabarCertificateProblem *problem)
{
  GTlsCertificateFlags errors = kabar_certificate_problem_get_errors (problem);
  GString *text = g_string_new (NULL);
  static const struct
  {
    GTlsCertificateFlags flag;
    const char          *words;
  } reasons[] = {
    { G_TLS_CERTIFICATE_REVOKED, N_("It has been revoked.") },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, N_("It was not issued for this server’s name.") },
    { G_TLS_CERTIFICATE_UNKNOWN_CA, N_("It is not signed by a certificate authority this computer trusts.") },
    { G_TLS_CERTIFICATE_EXPIRED, N_("It has expired.") },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, N_("It is not valid yet.") },
    { G_TLS_CERTIFICATE_INSECURE, N_("It uses an algorithm that is no longer secure.") },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, N_("It could not be checked.") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if ((errors & reasons[i].flag) != 0)
      g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", gettext (reasons[i].words));
  return g_string_free (text, FALSE);
}

static char *
format_date (GDateTime *utc)
{
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup (_("Unknown"));
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%x");
}

/* "AB:CD:…", as browsers and providers print it. */
static char *
format_fingerprint (const char *hex)
{
  GString *text = g_string_new (NULL);

  for (gsize i = 0; hex != NULL && hex[i] != '\0'; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (text, ':');
      g_string_append_c (text, g_ascii_toupper (hex[i]));
    }
  return g_string_free (text, FALSE);
}

static void
add_detail (GtkGrid    *grid,
            int         row,
            const char *name,
            const char *value)
{
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *value_label = gtk_label_new (value != NULL ? value : _("Unknown"));

  gtk_label_set_xalign (GTK_LABEL (name_label), 1);
  gtk_label_set_yalign (GTK_LABEL (name_label), 0);
  gtk_widget_add_css_class (name_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  /* A wrapping label's minimum is one character, and the dialog, sized
   * for its children's minimum, would grow as tall as that makes them. */
  gtk_label_set_width_chars (GTK_LABEL (value_label), 24);
  gtk_label_set_max_width_chars (GTK_LABEL (value_label), 40);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, name_label, NULL, -1);
  gtk_grid_attach (grid, name_label, 0, row, 1, 1);
  gtk_grid_attach (grid, value_label, 1, row, 1, 1);
}

static GtkWidget *
details_grid (KabarCertificateProblem *problem)
{
  GtkWidget *grid = gtk_grid_new ();
  g_autofree char *subject = kabar_certificate_problem_dup_subject (problem);
  g_autofree char *issuer = kabar_certificate_problem_dup_issuer (problem);
  g_autoptr(GDateTime) from = kabar_certificate_problem_dup_not_valid_before (problem);
  g_autoptr(GDateTime) until = kabar_certificate_problem_dup_not_valid_after (problem);
  g_autofree char *from_text = format_date (from);
  g_autofree char *until_text = format_date (until);
  g_autofree char *hex = kabar_certificate_problem_dup_fingerprint (problem);
  g_autofree char *fingerprint = format_fingerprint (hex);

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  add_detail (GTK_GRID (grid), 0, _("Issued to"), subject);
  add_detail (GTK_GRID (grid), 1, _("Issued by"), issuer);
  add_detail (GTK_GRID (grid), 2, _("Valid from"), from_text);
  add_detail (GTK_GRID (grid), 3, _("Valid until"), until_text);
  add_detail (GTK_GRID (grid), 4, _("SHA-256 fingerprint"), fingerprint);
  return grid;
}

GtkWidget *
kabar_certificate_dialog_new (GtkWindow               *parent,
                              KabarCertificateProblem *problem,
                              gboolean                 with_retry)
{
  GtkWidget *dialog;
  g_autofree char *why = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (problem != NULL, NULL);

  dialog = adw_message_dialog_new (parent, _("Untrusted Certificate"), NULL);
  why = describe_errors (problem);
  /* Translators: the first %s is a server's name, the second why its
   * certificate is not trusted. */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Kabar cannot be sure that it is talking to %s. %s"),
                                  kabar_certificate_problem_get_host (problem), why);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), details_grid (problem));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  if (with_retry)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "retry", _("_Try Again"));
  /* Destructive: the user vouches for the server instead of the system. */
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "trust", _("T_rust for This Server"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_widget_set_name (dialog, "kabar-certificate-dialog");
  return dialog;
}
