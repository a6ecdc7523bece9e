/* kabar-ui-assistant.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-assistant-identity.h"
#include "kabar-ui-assistant.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"

#define WAIT_MS 60000

GtkWidget *
kabar_ui_assistant_get (void)
{
  GtkWindow *found = kabar_ui_test_find_toplevel (KABAR_TYPE_ACCOUNT_ASSISTANT);

  g_assert_nonnull (found);
  return GTK_WIDGET (found);
}

gboolean
kabar_ui_assistant_gone (gpointer unused)
{
  return kabar_ui_test_toplevel_gone (GSIZE_TO_POINTER (KABAR_TYPE_ACCOUNT_ASSISTANT));
}

GtkWidget *
kabar_ui_assistant_page (GType type)
{
  GtkWidget *widget = kabar_ui_test_find_widget (kabar_ui_assistant_get (), type);

  g_assert_nonnull (widget);
  return widget;
}

static gboolean
page_is (gpointer data)
{
  return kabar_account_assistant_get_page (KABAR_ACCOUNT_ASSISTANT (kabar_ui_assistant_get ()))
         == (KabarAssistantPage) GPOINTER_TO_INT (data);
}

static gboolean
pages_still (gpointer data)
{
  GtkWidget *stack = gtk_widget_get_ancestor (kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_IDENTITY),
                                              GTK_TYPE_STACK);

  return !gtk_stack_get_transition_running (GTK_STACK (stack));
}

/* Two waits: a page the check passes quickly moves on while it slides
 * in, and the wait for the next page then finds it. */
void
kabar_ui_assistant_wait_for_page (KabarAssistantPage page)
{
  if (!kabar_ui_test_wait_for (page_is, GINT_TO_POINTER (page), WAIT_MS))
    g_error ("The assistant shows page %d, not %d",
             kabar_account_assistant_get_page (KABAR_ACCOUNT_ASSISTANT (kabar_ui_assistant_get ())), page);
  g_assert_true (kabar_ui_test_wait_for (pages_still, NULL, WAIT_MS));
  kabar_ui_test_wait_for_frame (kabar_ui_assistant_get ());
}

GtkWidget *
kabar_ui_assistant_button (const char *label)
{
  GtkWidget *button = kabar_ui_test_find_shown_button (kabar_ui_assistant_get (), label);

  if (button == NULL)
    g_error ("No button “%s” shown", label);
  return button;
}

void
kabar_ui_assistant_click (const char *label)
{
  kabar_ui_test_click (kabar_ui_assistant_button (label));
}

AdwEntryRow *
kabar_ui_assistant_identity_row (guint index)
{
  g_autoptr(GPtrArray) rows = kabar_ui_test_find_widgets (kabar_ui_assistant_page (KABAR_TYPE_ASSISTANT_IDENTITY),
                                                          ADW_TYPE_ENTRY_ROW);

  g_assert_cmpuint (rows->len, ==, 3);
  return g_ptr_array_index (rows, index);
}

void
kabar_ui_assistant_enter_identity (const char *name,
                                   const char *address,
                                   const char *password)
{
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_IDENTITY);
  gtk_editable_set_text (GTK_EDITABLE (kabar_ui_assistant_identity_row (0)), name);
  gtk_editable_set_text (GTK_EDITABLE (kabar_ui_assistant_identity_row (1)), address);
  if (password == NULL)
    return;
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (kabar_ui_assistant_identity_row (2))));
  gtk_editable_set_text (GTK_EDITABLE (kabar_ui_assistant_identity_row (2)), password);
}

void
kabar_ui_assistant_trust_certificate (const char *screenshot)
{
  GtkWindow *dialog;

  kabar_ui_assistant_click (_("Show _Certificate…"));
  dialog = kabar_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (dialog)), ==, "kabar-certificate-dialog");
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, _("Untrusted Certificate"));
  g_assert_nonnull (kabar_ui_test_find_label (GTK_WIDGET (dialog), _("SHA-256 fingerprint")));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "trust"));
  g_assert_false (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "retry"));
  if (screenshot != NULL)
    kabar_ui_test_save_screenshot (GTK_WIDGET (dialog), screenshot, 50);
  kabar_ui_test_click (kabar_ui_test_find_button (GTK_WIDGET (dialog), _("T_rust for This Server")));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG),
                                         WAIT_MS));
}

/* Passed (the page moved on) or failed (Try Again shown). */
static gboolean
check_ended (gpointer unused)
{
  GtkWidget *assistant = kabar_ui_assistant_get ();

  return kabar_account_assistant_get_page (KABAR_ACCOUNT_ASSISTANT (assistant)) != KABAR_ASSISTANT_PAGE_CHECK
         || kabar_ui_test_find_shown_button (assistant, _("_Try Again")) != NULL;
}

guint
kabar_ui_assistant_pass_check (const char *check_shot,
                               const char *dialog_shot)
{
  guint trusted = 0;

  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_CHECK);
  while (TRUE)
    {
      if (!kabar_ui_test_wait_for (check_ended, NULL, WAIT_MS))
        g_error ("The check neither passed nor failed");
      if (kabar_account_assistant_get_page (KABAR_ACCOUNT_ASSISTANT (kabar_ui_assistant_get ()))
          != KABAR_ASSISTANT_PAGE_CHECK)
        break;
      /* Anything but a certificate is a failure of the check; there is
       * one for each server, incoming and outgoing. */
      if (kabar_ui_test_find_shown_button (kabar_ui_assistant_get (), _("Show _Certificate…")) == NULL)
        g_error ("The check failed, and not on a certificate");
      g_assert_cmpuint (trusted, <, 2);
      if (trusted == 0 && check_shot != NULL)
        kabar_ui_test_save_screenshot (kabar_ui_assistant_get (), check_shot, 50);
      kabar_ui_assistant_trust_certificate (trusted == 0 ? dialog_shot : NULL);
      trusted++;
    }
  kabar_ui_assistant_wait_for_page (KABAR_ASSISTANT_PAGE_DONE);
  return trusted;
}

guint
kabar_ui_assistant_count_account_files (KabarApplication *app)
{
  const char *directory = kabar_account_manager_get_directory (kabar_application_get_account_manager (app));
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  guint n = 0;

  for (const char *name = dir != NULL ? g_dir_read_name (dir) : NULL; name != NULL; name = g_dir_read_name (dir))
    if (g_str_has_suffix (name, ".account"))
      n++;
  return n;
}

void
kabar_ui_assistant_fill_inbox (KabarTestBed      *bed,
                               const char        *address,
                               const char        *from,
                               const char *const *subjects,
                               guint              n)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) message = kabar_ui_bed_message_new (from, address, subjects[i], "Halo.", now - 600 * (i + 1),
                                                            NULL);

      kabar_test_bed_add_message (bed, address, "INBOX", message, "", now - 600 * (i + 1), &error);
      g_assert_no_error (error);
    }
}
