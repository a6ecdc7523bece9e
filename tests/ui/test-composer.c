/* test-composer.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The composer under Xvfb, with the real application and its services on
 * the bed's Dovecot and Postfix: Dewi writes to Budi. What Budi's INBOX,
 * Dewi's Sent and Drafts hold is read on the servers; what the user sees,
 * in the window. A draft that survives SIGKILL is written by this very
 * program run again as a child.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gmime/gmime.h>
#include <signal.h>

#include "kabar-account.h"
#include "kabar-address-entry.h"
#include "kabar-application.h"
#include "kabar-bed-account.h"
#include "kabar-composer.h"
#include "kabar-composer-attachments.h"
#include "kabar-composer-body.h"
#include "kabar-reply.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

#define DEWI           "dewi@" KABAR_TEST_BED_DOMAIN
#define DEWI_ALIAS     "redaksi@" KABAR_TEST_BED_DOMAIN
#define BUDI           "budi@" KABAR_TEST_BED_DOMAIN
#define DEWI_PASSWORD  "Sandi-Dewi-123"
#define BUDI_PASSWORD  "Sandi-Budi-123"
#define SIGNATURE      "Dewi Lestari\nKabar, Jakarta"
#define ALIAS_SIGNATURE "Redaksi Kabar"
#define WAIT_MS        90000
/* The child that writes a draft and is killed. */
#define CHILD_ENV      "KABAR_TEST_COMPOSER_CHILD"

static KabarTestBed *bed;
static KabarApplication *app;
static GtkWidget *main_window;

/* --- the application ------------------------------------------------------------------- */

static void
write_accounts (void)
{
  g_autoptr(KabarAccount) dewi = kabar_ui_bed_account_new (bed, "Dewi Lestari", DEWI);
  g_autoptr(GError) error = NULL;

  kabar_account_set_identity (dewi, 0, "Dewi Lestari", DEWI, SIGNATURE);
  kabar_account_set_identity (dewi, 1, "Redaksi Kabar", DEWI_ALIAS, ALIAS_SIGNATURE);
  kabar_bed_account_save (dewi, DEWI_PASSWORD, &error);
  g_assert_no_error (error);
  kabar_ui_bed_write_account (bed, "Budi Santoso", BUDI);
}

static gboolean
services_online (gpointer data)
{
  GListModel *services = kabar_application_get_services (app);
  guint n = g_list_model_get_n_items (services);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (services, i);

      if (kabar_mail_service_get_status (service) != KABAR_MAIL_SERVICE_STATUS_ONLINE)
        return FALSE;
    }
  return n == 2;
}

/* The sending delay, as the preference and on the services (the
 * preference reaches them through the application). */
static void
set_send_delay (guint seconds)
{
  g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);
  GListModel *services = kabar_application_get_services (app);

  g_settings_set_uint (settings, "send-delay", seconds);
  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (services, i);

      kabar_mail_service_set_send_delay (service, seconds);
    }
}

static void
ensure_app (void)
{
  g_autoptr(GError) error = NULL;

  g_autoptr(GSettings) settings = NULL;

  if (app != NULL)
    return;
  /* New mail for Dewi (she is in Cc) would go to a notification server
   * the session does not have. */
  settings = g_settings_new (KABAR_APPLICATION_ID);
  g_settings_set_boolean (settings, "notifications", FALSE);
  app = kabar_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  main_window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  g_assert_true (KABAR_IS_WINDOW (main_window));
  g_assert_true (kabar_ui_test_wait_for (services_online, NULL, WAIT_MS));
  set_send_delay (0);
}

/* Dewi's service: her account is the one written first. */
static KabarMailService *
dewi_service (void)
{
  GListModel *services = kabar_application_get_services (app);

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (services, i);

      if (g_strcmp0 (kabar_account_get_address (kabar_mail_service_get_account (service)), DEWI) == 0)
        return service;
    }
  g_assert_not_reached ();
}

/* --- the composer as the user sees it ------------------------------------------------------ */

static gpointer
child (GtkWidget  *composer,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (composer, KABAR_TYPE_COMPOSER, name);

  g_assert_nonnull (object);
  return object;
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
is_set (gpointer location)
{
  return *(gpointer *) location != NULL;
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GtkWidget *
open_composer (KabarOutgoingMessage *message,
               KabarComposerStart    start,
               gint64                draft_id)
{
  GtkWidget *composer = kabar_composer_new (app, dewi_service (), message, start, draft_id);

  gtk_window_present (GTK_WINDOW (composer));
  g_assert_true (kabar_ui_test_wait_for (is_mapped, composer, 10000));
  return composer;
}

static void
type_address (GtkWidget  *composer,
              const char *field,
              const char *text)
{
  KabarAddressEntry *entry = child (composer, field);

  gtk_editable_set_text (kabar_address_entry_get_text (entry), text);
}

static void
type_subject (GtkWidget  *composer,
              const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (composer, "subject_entry")), text);
}

/* At the cursor, as typed. */
static void
type_text (GtkWidget  *composer,
           const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (kabar_composer_body_get_view (child (composer, "body")));

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert_interactive_at_cursor (buffer, text, -1, TRUE);
  gtk_text_buffer_end_user_action (buffer);
}

static char *
body_text (GtkWidget *composer)
{
  return kabar_composer_body_dup_text (child (composer, "body"));
}

static int
cursor_offset (GtkWidget *composer)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (kabar_composer_body_get_view (child (composer, "body")));
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  return gtk_text_iter_get_offset (&iter);
}

static char *
addresses_of (GtkWidget  *composer,
              const char *field)
{
  InternetAddressList *list = kabar_address_entry_dup_addresses (child (composer, field));
  char *text = internet_address_list_to_string (list, NULL, FALSE);

  g_object_unref (list);
  return text;
}

static gboolean
attachments_loaded (gpointer composer)
{
  return !kabar_composer_attachments_is_loading (child (composer, "attachments"));
}

static void
send (GtkWidget *composer)
{
  g_assert_true (gtk_widget_activate_action (composer, "composer.send", NULL));
}

/* --- what arrives ---------------------------------------------------------------------------- */

static GMimeMessage *
parse (GBytes *raw)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);

  g_assert_nonnull (message);
  g_object_unref (parser);
  g_object_unref (stream);
  return message;
}

static GBytes *
part_content (GMimePart *part)
{
  GMimeStream *stream = g_mime_stream_mem_new ();
  GByteArray *array;
  GBytes *bytes;

  g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (part), stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  bytes = g_bytes_new (array->data, array->len);
  g_object_unref (stream);
  return bytes;
}

typedef struct
{
  GMimePart *text;
  GMimePart *attachment;
} Parts;

static void
find_parts (GMimeObject *parent,
            GMimeObject *part,
            gpointer     user_data)
{
  Parts *parts = user_data;

  if (!GMIME_IS_PART (part))
    return;
  if (g_mime_part_get_filename (GMIME_PART (part)) != NULL)
    parts->attachment = GMIME_PART (part);
  else if (parts->text == NULL && g_mime_content_type_is_type (g_mime_object_get_content_type (part), "text", "plain"))
    parts->text = GMIME_PART (part);
}

static gboolean
is_encoded_word (const char *word)
{
  return g_str_has_prefix (word, "=?") && g_str_has_suffix (word, "?=");
}

/* The Subject as RFC 2047 reads it, each encoded word on its own. GMime
 * 3.2.13 joins adjacent words' bytes before decoding them, and loses the
 * second when the first ends in base64 padding, which its own encoder
 * writes. */
static char *
decoded_subject (GMimeMessage *message)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
  GMimeHeader *header = g_mime_header_list_get_header (headers, "Subject");
  g_autofree char *raw = g_strdup (g_mime_header_get_raw_value (header));
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (raw), " \t\r\n", -1);
  GString *subject = g_string_new (NULL);
  gboolean last_encoded = FALSE;
  gboolean first = TRUE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean encoded = is_encoded_word (words[i]);
      g_autofree char *decoded = NULL;

      if (*words[i] == '\0')
        continue;
      decoded = encoded ? g_mime_utils_header_decode_text (NULL, words[i]) : g_strdup (words[i]);
      if (!first && !(encoded && last_encoded))
        g_string_append_c (subject, ' ');
      g_string_append (subject, decoded);
      last_encoded = encoded;
      first = FALSE;
    }
  return g_string_free (subject, FALSE);
}

/* The text as written: lines end in LF. */
static char *
without_cr (const char *data,
            gsize       length)
{
  GString *text = g_string_sized_new (length);

  for (gsize i = 0; i < length; i++)
    if (data[i] != '\r')
      g_string_append_c (text, data[i]);
  return g_string_free (text, FALSE);
}

static char *
mailbox (InternetAddressList *list)
{
  g_assert_cmpint (internet_address_list_length (list), ==, 1);
  return g_strdup (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (internet_address_list_get_address (list, 0))));
}

static guint
outbox_length (KabarMailService *service)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  kabar_mail_service_list_outbox_async (service, NULL, on_result, &result);
  g_assert_true (kabar_ui_test_wait_for (is_set, &result, WAIT_MS));
  entries = kabar_mail_service_list_outbox_finish (service, result, &error);
  g_assert_no_error (error);
  return entries->len;
}

static gboolean
outbox_empty (gpointer service)
{
  return outbox_length (service) == 0;
}

/* A file of size bytes that no text encoding would shrink. */
static GFile *
make_file (const char *name,
           gsize       size,
           GBytes    **contents)
{
  g_autofree char *dir = g_dir_make_tmp ("kabar-composer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  guchar *data = g_malloc (size);
  g_autoptr(GRand) rand = g_rand_new_with_seed (size);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guchar) g_rand_int_range (rand, 0, 256);
  g_assert_true (g_file_set_contents (path, (const char *) data, size, &error));
  g_assert_no_error (error);
  *contents = g_bytes_new_take (data, size);
  return g_file_new_for_path (path);
}

/* As a file manager drops files on the window. */
static void
drop_file (GtkWidget *composer,
           GFile     *file)
{
  GList *controllers = NULL;
  g_autoptr(GListModel) list = gtk_widget_observe_controllers (composer);
  GdkFileList *files;
  g_auto(GValue) value = G_VALUE_INIT;
  GSList single = { file, NULL };
  gboolean accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (list, i);

      if (GTK_IS_DROP_TARGET (controller))
        controllers = g_list_prepend (controllers, controller);
    }
  g_assert_cmpint (g_list_length (controllers), ==, 1);
  files = gdk_file_list_new_from_list (&single);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, files);
  g_signal_emit_by_name (controllers->data, "drop", &value, 10.0, 10.0, &accepted);
  g_assert_true (accepted);
  g_list_free (controllers);
}

static gboolean
label_gone (gpointer text)
{
  return kabar_ui_test_find_label (main_window, text) == NULL;
}

/* A toast of an earlier test, gone before the next says the same. */
static void
wait_toast_gone (const char *text)
{
  g_assert_true (kabar_ui_test_wait_for (label_gone, (gpointer) text, WAIT_MS));
}

typedef struct
{
  const char *text;
  GtkWidget  *button;
} ToastButton;

static gboolean
toast_button_shown (gpointer data)
{
  ToastButton *toast = data;

  toast->button = kabar_ui_test_find_toast_button (main_window, toast->text, _("_Undo"));
  return toast->button != NULL;
}

/* What a composer left when it went: the draft it continued. */
typedef struct
{
  gboolean destroyed;
  gint64   draft_id;
} Closed;

static void
on_composer_destroy (GtkWidget *composer,
                     Closed    *closed)
{
  closed->destroyed = TRUE;
  closed->draft_id = kabar_composer_get_draft_id (KABAR_COMPOSER (composer));
}

static void
watch_closing (GtkWidget *composer,
               Closed    *closed)
{
  g_signal_connect (composer, "destroy", G_CALLBACK (on_composer_destroy), closed);
}

/* The window is no longer on screen nor among the toplevels (the
 * composer may still be finishing its work). */
static void
assert_window_gone (GtkWidget *composer)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  g_assert_false (gtk_widget_get_visible (composer));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      g_assert_true (toplevel != G_OBJECT (composer));
    }
}

/* Closes the window of a message that needs no saving: nothing is left
 * to do, so the composer is gone for good at once. */
static void
close_unchanged (GtkWidget *composer)
{
  GtkWidget *watched = composer;

  g_object_add_weak_pointer (G_OBJECT (watched), (gpointer *) &watched);
  gtk_window_close (GTK_WINDOW (composer));
  g_assert_null (watched);
}

static gboolean
is_destroyed (gpointer closed)
{
  return ((Closed *) closed)->destroyed;
}

static GtkWidget *
open_draft (gint64 draft_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutgoingMessage) message = NULL;

  kabar_mail_service_open_draft_async (dewi_service (), draft_id, NULL, on_result, &result);
  g_assert_true (kabar_ui_test_wait_for (is_set, &result, WAIT_MS));
  message = kabar_mail_service_open_draft_finish (dewi_service (), result, &error);
  g_assert_no_error (error);
  return open_composer (message, KABAR_COMPOSER_DRAFT, draft_id);
}

/* As the user clicks the response's button. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  const char *label = adw_message_dialog_get_response_label (dialog, response);
  g_autoptr(GPtrArray) buttons = kabar_ui_test_find_widgets (GTK_WIDGET (dialog), GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      {
        g_signal_emit_by_name (g_ptr_array_index (buttons, i), "clicked");
        g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone,
                                               GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 10000));
        return;
      }
  g_assert_not_reached ();
}

static void
discard (GtkWidget *composer)
{
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_activate_action (composer, "composer.discard", NULL));
  dialog = ADW_MESSAGE_DIALOG (kabar_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("Discard Draft?"));
  respond (dialog, "discard");
}

static gint64
find_local_draft (const char *subject)
{
  KabarMailService *service = dewi_service ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  gint64 drafts = 0;

  kabar_mail_service_list_folders_async (service, NULL, on_result, &result);
  g_assert_true (kabar_ui_test_wait_for (is_set, &result, WAIT_MS));
  folders = kabar_mail_service_list_folders_finish (service, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    if (((KabarStoreFolder *) g_ptr_array_index (folders, i))->role == KABAR_FOLDER_ROLE_DRAFTS)
      drafts = ((KabarStoreFolder *) g_ptr_array_index (folders, i))->id;
  g_assert_cmpint (drafts, !=, 0);

  g_clear_object (&result);
  kabar_mail_service_list_messages_async (service, drafts, 0, 100, NULL, on_result, &result);
  g_assert_true (kabar_ui_test_wait_for (is_set, &result, WAIT_MS));
  messages = kabar_mail_service_list_messages_finish (service, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    {
      KabarMessageSummary *summary = g_ptr_array_index (messages, i);

      if (g_strcmp0 (summary->subject, subject) == 0)
        return summary->id;
    }
  return 0;
}

/* --- the tests ------------------------------------------------------------------------------ */

#define KILL_SUBJECT "kill-1 Tulisan yang selamat"
#define KILL_TEXT    "Tulisan ini tidak boleh hilang."

static gboolean
has_draft (gpointer composer)
{
  return kabar_composer_get_draft_id (composer) != 0;
}

static gboolean
has_services (gpointer data)
{
  return g_list_model_get_n_items (kabar_application_get_services (app)) == 2;
}

/* The child: writes a message, waits for its autosave, says so, and waits
 * for the SIGKILL. */
static int
run_child (void)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *composer;

  app = kabar_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kabar_ui_test_wait_for (has_services, NULL, WAIT_MS));
  composer = open_composer (NULL, KABAR_COMPOSER_NEW, 0);
  type_address (composer, "to_entry", BUDI);
  type_subject (composer, KILL_SUBJECT);
  type_text (composer, KILL_TEXT);
  g_assert_true (kabar_ui_test_wait_for (has_draft, composer, WAIT_MS));
  g_print ("saved %" G_GINT64_FORMAT "\n", kabar_composer_get_draft_id (KABAR_COMPOSER (composer)));
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static void
test_draft_survives_kill (void)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  GtkWidget *composer;
  Closed closed = { 0 };
  gint64 id;

  /* Its own application, on the same data, before this one starts. */
  g_assert_null (app);
  g_subprocess_launcher_setenv (launcher, CHILD_ENV, "1", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, self_path, NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  do
    {
      g_free (line);
      line = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
    }
  while (!g_str_has_prefix (line, "saved "));
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);

  ensure_app ();
  id = find_local_draft (KILL_SUBJECT);
  g_assert_cmpint (id, !=, 0);
  kabar_ui_bed_wait_server_count (bed, DEWI, "Drafts", "SUBJECT \"kill-1\"", 1, WAIT_MS);

  composer = open_draft (id);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (composer, "subject_entry"))), ==, KILL_SUBJECT);
  text = body_text (composer);
  g_assert_nonnull (strstr (text, KILL_TEXT));
  g_assert_nonnull (strstr (text, "-- \n" SIGNATURE));

  /* Discarding it deletes it, on the server too. */
  watch_closing (composer, &closed);
  discard (composer);
  g_assert_true (kabar_ui_test_wait_for (is_destroyed, &closed, WAIT_MS));
  g_assert_cmpint (closed.draft_id, ==, 0);
  kabar_ui_bed_wait_server_count (bed, DEWI, "Drafts", "SUBJECT \"kill-1\"", 0, WAIT_MS);
}

static char *
selected_from (GtkWidget *composer)
{
  GtkDropDown *from = child (composer, "from_dropdown");

  return g_strdup (gtk_string_object_get_string (gtk_drop_down_get_selected_item (from)));
}

static void
select_from (GtkWidget  *composer,
             const char *address)
{
  GtkDropDown *from = child (composer, "from_dropdown");
  GListModel *labels = gtk_drop_down_get_model (from);

  for (guint i = 0; i < g_list_model_get_n_items (labels); i++)
    if (strstr (gtk_string_list_get_string (GTK_STRING_LIST (labels), i), address) != NULL)
      {
        gtk_drop_down_set_selected (from, i);
        return;
      }
  g_assert_not_reached ();
}

static void
test_new_message_has_the_signature (void)
{
  g_autofree char *text = NULL;
  g_autofree char *from = NULL;
  GtkWidget *composer;
  GtkDropDown *dropdown;
  GtkTextBuffer *buffer;
  GtkTextIter end;
  Closed closed = { 0 };

  ensure_app ();
  composer = open_composer (NULL, KABAR_COMPOSER_NEW, 0);
  dropdown = child (composer, "from_dropdown");
  /* Dewi's two and Budi's. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 3);
  from = selected_from (composer);
  g_assert_cmpstr (from, ==, "Dewi Lestari <" DEWI ">");
  g_assert_cmpstr (adw_window_title_get_title (child (composer, "window_title")), ==, _("New Message"));
  text = body_text (composer);
  g_assert_cmpstr (text, ==, "\n\n-- \n" SIGNATURE);
  g_assert_cmpint (cursor_offset (composer), ==, 0);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (kabar_address_entry_get_text (child (composer, "to_entry"))))
                 || gtk_widget_is_focus (child (composer, "to_entry")));
  kabar_ui_test_wait_for_frame (composer);
  g_object_unref (kabar_ui_test_screenshot (composer, "composer-new"));

  /* Another From brings its signature while the user has not touched it. */
  gtk_widget_grab_focus (GTK_WIDGET (kabar_composer_body_get_view (child (composer, "body"))));
  type_text (composer, "Halo Budi,");
  select_from (composer, "<" DEWI_ALIAS ">");
  g_free (from);
  from = selected_from (composer);
  g_assert_nonnull (strstr (from, DEWI_ALIAS));
  g_free (text);
  text = body_text (composer);
  g_assert_cmpstr (text, ==, "Halo Budi,\n\n-- \n" ALIAS_SIGNATURE);

  /* Edited, it is the user's: it stays. */
  buffer = gtk_text_view_get_buffer (kabar_composer_body_get_view (child (composer, "body")));
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  type_text (composer, " (pagi)");
  select_from (composer, "<" DEWI ">");
  g_free (text);
  text = body_text (composer);
  g_assert_cmpstr (text, ==, "Halo Budi,\n\n-- \n" ALIAS_SIGNATURE " (pagi)");

  watch_closing (composer, &closed);
  discard (composer);
  g_assert_true (kabar_ui_test_wait_for (is_destroyed, &closed, WAIT_MS));
}

#define SEND_SUBJECT   "Laporan bulanan — मासिक रिपोर्ट ✓ send-1"
#define SEND_TEXT      "Halo Budi,\nlaporan Mei ada di lampiran."
#define ATTACHMENT     "Laporan Mei – रिपोर्ट.pdf"
#define ATTACHMENT_SIZE (200 * 1024)

static void
test_send_with_attachment (void)
{
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GFile) file = make_file (ATTACHMENT, ATTACHMENT_SIZE, &contents);
  g_autofree char *size = g_format_size (ATTACHMENT_SIZE);
  g_autoptr(GBytes) raw = NULL;
  GMimeMessage *message;
  g_autoptr(GBytes) received = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *cc = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *text = NULL;
  Parts parts = { NULL, NULL };
  Closed closed = { 0 };
  GtkWidget *composer;

  ensure_app ();
  composer = open_composer (NULL, KABAR_COMPOSER_NEW, 0);
  type_address (composer, "to_entry", "Budi Santoso <" BUDI ">");
  g_assert_true (gtk_widget_activate_action (composer, "composer.show-cc", NULL));
  g_assert_true (gtk_widget_get_visible (child (composer, "cc_entry")));
  type_address (composer, "cc_entry", DEWI);
  g_assert_true (gtk_widget_activate_action (composer, "composer.show-bcc", NULL));
  g_assert_true (gtk_widget_get_visible (child (composer, "bcc_entry")));
  type_subject (composer, SEND_SUBJECT);
  g_assert_cmpstr (adw_window_title_get_title (child (composer, "window_title")), ==, SEND_SUBJECT);
  gtk_widget_grab_focus (GTK_WIDGET (kabar_composer_body_get_view (child (composer, "body"))));
  type_text (composer, SEND_TEXT);

  drop_file (composer, file);
  g_assert_true (kabar_ui_test_wait_for (attachments_loaded, composer, WAIT_MS));
  g_assert_cmpuint (kabar_composer_attachments_get_n_items (child (composer, "attachments")), ==, 1);
  g_assert_nonnull (kabar_ui_test_find_label (composer, ATTACHMENT));
  g_assert_nonnull (kabar_ui_test_find_label (composer, size));
  kabar_ui_test_wait_for_frame (composer);
  g_object_unref (kabar_ui_test_screenshot (composer, "composer-cc-bcc-attachment"));

  watch_closing (composer, &closed);
  g_object_ref (composer);
  send (composer);
  /* At once, before the server has it. */
  assert_window_gone (composer);
  g_object_unref (composer);
  g_assert_true (kabar_ui_test_wait_for (is_destroyed, &closed, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for_label (main_window, _("Sending…"), WAIT_MS));

  raw = kabar_ui_bed_wait_message (bed, BUDI, "INBOX", "SUBJECT \"send-1\"", WAIT_MS);
  message = parse (raw);
  from = mailbox (g_mime_message_get_from (message));
  g_assert_cmpstr (from, ==, DEWI);
  g_assert_cmpstr (internet_address_get_name (internet_address_list_get_address (g_mime_message_get_from (message), 0)),
                   ==, "Dewi Lestari");
  to = mailbox (g_mime_message_get_to (message));
  g_assert_cmpstr (to, ==, BUDI);
  cc = mailbox (g_mime_message_get_cc (message));
  g_assert_cmpstr (cc, ==, DEWI);
  subject = decoded_subject (message);
  g_assert_cmpstr (subject, ==, SEND_SUBJECT);
  g_mime_message_foreach (message, find_parts, &parts);
  g_assert_nonnull (parts.text);
  g_assert_nonnull (parts.attachment);
  received = part_content (parts.text);
  text = without_cr (g_bytes_get_data (received, NULL), g_bytes_get_size (received));
  g_assert_nonnull (strstr (text, "laporan Mei ada di lampiran."));
  g_assert_nonnull (strstr (text, "-- \n" "Dewi Lestari"));
  g_clear_pointer (&received, g_bytes_unref);
  g_assert_cmpstr (g_mime_part_get_filename (parts.attachment), ==, ATTACHMENT);
  received = part_content (parts.attachment);
  g_assert_true (g_bytes_equal (received, contents));

  g_object_unref (message);

  kabar_ui_bed_wait_server_count (bed, DEWI, "Sent", "SUBJECT \"send-1\"", 1, WAIT_MS);
  wait_toast_gone (_("Sending…"));
}

#define UNDO_SUBJECT "undo-1 Jangan dulu"
#define UNDO_TEXT    "Jangan dikirim dulu."

static void
test_undo_takes_the_message_back (void)
{
  ToastButton toast = { _("Sending…"), NULL };
  g_autofree char *text = NULL;
  g_autofree char *to = NULL;
  Closed closed = { 0 };
  Closed closed_again = { 0 };
  GtkWidget *composer;
  GtkWidget *back;

  ensure_app ();
  set_send_delay (60);
  composer = open_composer (NULL, KABAR_COMPOSER_NEW, 0);
  type_address (composer, "to_entry", BUDI);
  type_subject (composer, UNDO_SUBJECT);
  gtk_widget_grab_focus (GTK_WIDGET (kabar_composer_body_get_view (child (composer, "body"))));
  type_text (composer, UNDO_TEXT);
  watch_closing (composer, &closed);
  send (composer);
  g_assert_true (kabar_ui_test_wait_for (is_destroyed, &closed, WAIT_MS));

  g_assert_true (kabar_ui_test_wait_for (toast_button_shown, &toast, WAIT_MS));
  /* Ctrl+Z in the main window presses it. */
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (main_window), "undo"));
  g_action_group_activate_action (G_ACTION_GROUP (main_window), "undo", NULL);
  back = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_COMPOSER));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (back, "subject_entry"))), ==, UNDO_SUBJECT);
  text = body_text (back);
  g_assert_nonnull (strstr (text, UNDO_TEXT));
  to = addresses_of (back, "to_entry");
  g_assert_nonnull (strstr (to, BUDI));
  /* Out of the outbox: it cannot go. */
  g_assert_cmpuint (outbox_length (dewi_service ()), ==, 0);
  g_assert_cmpuint (kabar_ui_bed_server_count (bed, BUDI, "INBOX", "SUBJECT \"undo-1\""), ==, 0);

  /* Sent again, it arrives once. */
  set_send_delay (0);
  watch_closing (back, &closed_again);
  send (back);
  g_assert_true (kabar_ui_test_wait_for (is_destroyed, &closed_again, WAIT_MS));
  g_bytes_unref (kabar_ui_bed_wait_message (bed, BUDI, "INBOX", "SUBJECT \"undo-1\"", WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (outbox_empty, dewi_service (), WAIT_MS));
  g_assert_cmpuint (kabar_ui_bed_server_count (bed, BUDI, "INBOX", "SUBJECT \"undo-1\""), ==, 1);
  /* The draft the taken-back message was saved as went with it. */
  kabar_ui_bed_wait_server_count (bed, DEWI, "Drafts", "SUBJECT \"undo-1\"", 0, WAIT_MS);
  wait_toast_gone (_("Sending…"));
}

#define DRAFT_SUBJECT "draft-1 Catatan rapat"
#define DRAFT_TEXT    "Poin pertama: anggaran."

static void
test_draft_survives_closing (void)
{
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *text = NULL;
  g_autofree char *to = NULL;
  Closed closed = { 0 };
  Closed reopened_closed = { 0 };
  GtkWidget *composer;
  GtkWidget *reopened;
  GtkWidget *empty;
  gint64 draft_id;

  ensure_app ();

  /* An empty message never changed is no draft: nothing is left to do. */
  empty = open_composer (NULL, KABAR_COMPOSER_NEW, 0);
  close_unchanged (empty);

  composer = open_composer (NULL, KABAR_COMPOSER_NEW, 0);
  type_address (composer, "to_entry", BUDI);
  type_subject (composer, DRAFT_SUBJECT);
  gtk_widget_grab_focus (GTK_WIDGET (kabar_composer_body_get_view (child (composer, "body"))));
  type_text (composer, DRAFT_TEXT);
  watch_closing (composer, &closed);
  g_object_ref (composer);
  gtk_window_close (GTK_WINDOW (composer));
  /* Gone at once; the draft is saved after it. */
  assert_window_gone (composer);
  g_object_unref (composer);
  g_assert_true (kabar_ui_test_wait_for (is_destroyed, &closed, WAIT_MS));

  raw = kabar_ui_bed_wait_message (bed, DEWI, "Drafts", "SUBJECT \"draft-1\"", WAIT_MS);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), "Poin pertama"));

  draft_id = find_local_draft (DRAFT_SUBJECT);
  g_assert_cmpint (draft_id, !=, 0);
  reopened = open_draft (draft_id);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (reopened, "subject_entry"))), ==, DRAFT_SUBJECT);
  to = addresses_of (reopened, "to_entry");
  g_assert_nonnull (strstr (to, BUDI));
  text = body_text (reopened);
  g_assert_nonnull (strstr (text, DRAFT_TEXT));
  /* Shown as it is: one signature. */
  g_assert_nonnull (strstr (text, "-- \n" SIGNATURE));
  g_assert_null (strstr (strstr (text, "-- \n") + 1, "-- \n"));

  /* Sending it removes it from Drafts. */
  watch_closing (reopened, &reopened_closed);
  send (reopened);
  g_assert_true (kabar_ui_test_wait_for (is_destroyed, &reopened_closed, WAIT_MS));
  g_bytes_unref (kabar_ui_bed_wait_message (bed, BUDI, "INBOX", "SUBJECT \"draft-1\"", WAIT_MS));
  kabar_ui_bed_wait_server_count (bed, DEWI, "Drafts", "SUBJECT \"draft-1\"", 0, WAIT_MS);
  wait_toast_gone (_("Sending…"));
}

static gboolean
is_offline (gpointer service)
{
  return kabar_mail_service_get_status (service) == KABAR_MAIL_SERVICE_STATUS_OFFLINE;
}

static void
test_send_offline_queues (void)
{
  KabarMailService *service;
  Closed closed = { 0 };
  GtkWidget *composer;

  ensure_app ();
  service = dewi_service ();
  kabar_mail_service_set_network_available (service, FALSE);
  g_assert_true (kabar_ui_test_wait_for (is_offline, service, WAIT_MS));

  composer = open_composer (NULL, KABAR_COMPOSER_NEW, 0);
  type_address (composer, "to_entry", BUDI);
  type_subject (composer, "offline-1 Nanti saja");
  gtk_widget_grab_focus (GTK_WIDGET (kabar_composer_body_get_view (child (composer, "body"))));
  type_text (composer, "Dikirim nanti.");
  watch_closing (composer, &closed);
  send (composer);
  g_assert_true (kabar_ui_test_wait_for (is_destroyed, &closed, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for_label (main_window, _("Will be sent when online"), WAIT_MS));
  /* Waiting in the outbox while there is no network. */
  g_assert_cmpuint (outbox_length (service), ==, 1);
  g_assert_cmpuint (kabar_ui_bed_server_count (bed, BUDI, "INBOX", "SUBJECT \"offline-1\""), ==, 0);

  kabar_mail_service_set_network_available (service, TRUE);
  g_bytes_unref (kabar_ui_bed_wait_message (bed, BUDI, "INBOX", "SUBJECT \"offline-1\"", WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (outbox_empty, service, WAIT_MS));
  g_assert_cmpuint (kabar_ui_bed_server_count (bed, BUDI, "INBOX", "SUBJECT \"offline-1\""), ==, 1);
  wait_toast_gone (_("Will be sent when online"));
}

static char *
quote_of (KabarOutgoingMessage *reply)
{
  char *quote = g_strdup (kabar_outgoing_message_get_text (reply));
  gsize length = strlen (quote);

  while (length > 0 && quote[length - 1] == '\n')
    quote[--length] = '\0';
  return quote;
}

static void
test_reply_places_the_signature (void)
{
  const char *own[] = { DEWI, DEWI_ALIAS, NULL };
  g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);
  g_autoptr(GBytes) original = kabar_ui_bed_message_new ("Budi Santoso <" BUDI ">", DEWI, "Rapat besok",
                                                        "Bisa rapat besok jam sembilan?",
                                                        g_get_real_time () / G_USEC_PER_SEC, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutgoingMessage) reply = kabar_reply_new (original, KABAR_REPLY_SENDER, own, NULL, &error);
  g_autofree char *quote = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *to = NULL;
  GtkWidget *composer;

  g_assert_no_error (error);
  ensure_app ();
  quote = quote_of (reply);
  g_assert_nonnull (strstr (quote, "> Bisa rapat besok jam sembilan?"));

  g_settings_set_string (settings, "reply-position", "above");
  composer = open_composer (reply, KABAR_COMPOSER_REPLY, 0);
  text = body_text (composer);
  expected = g_strconcat ("\n\n-- \n" SIGNATURE "\n\n", quote, NULL);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpint (cursor_offset (composer), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (composer, "subject_entry"))), ==, "Re: Rapat besok");
  to = addresses_of (composer, "to_entry");
  g_assert_nonnull (strstr (to, BUDI));
  /* Untouched: closing keeps nothing. */
  close_unchanged (composer);

  g_settings_set_string (settings, "reply-position", "below");
  composer = open_composer (reply, KABAR_COMPOSER_REPLY, 0);
  g_free (text);
  g_free (expected);
  text = body_text (composer);
  expected = g_strconcat (quote, "\n\n\n\n-- \n" SIGNATURE, NULL);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpint (cursor_offset (composer), ==, g_utf8_strlen (quote, -1) + 2);
  close_unchanged (composer);
  g_settings_set_string (settings, "reply-position", "above");
}

static gboolean
error_shown (gpointer composer)
{
  return gtk_revealer_get_child_revealed (child (composer, "error_revealer"));
}

static void
test_invalid_address_is_marked (void)
{
  g_autofree char *invalid = g_strdup_printf (_("“%s” is not a valid address."), "budi di kabar");
  AdwMessageDialog *dialog;
  Closed closed = { 0 };
  GtkWidget *composer;
  GtkWidget *to;

  ensure_app ();
  composer = open_composer (NULL, KABAR_COMPOSER_NEW, 0);
  to = child (composer, "to_entry");

  send (composer);
  g_assert_true (gtk_widget_get_visible (composer));
  g_assert_cmpstr (gtk_label_get_text (child (composer, "error_label")), ==,
                   _("Add a recipient: the message has nobody to go to."));
  g_assert_true (gtk_widget_has_css_class (to, "error"));

  type_address (composer, "to_entry", "budi di kabar");
  g_assert_false (gtk_widget_has_css_class (to, "error"));
  send (composer);
  g_assert_true (gtk_widget_get_visible (composer));
  g_assert_cmpstr (gtk_label_get_text (child (composer, "error_label")), ==, invalid);
  g_assert_true (gtk_widget_has_css_class (to, "error"));
  g_assert_true (kabar_ui_test_wait_for (error_shown, composer, 10000));
  kabar_ui_test_wait_for_frame (composer);
  g_object_unref (kabar_ui_test_screenshot (composer, "composer-invalid-address"));

  /* The text speaks of an attachment, and none is there: asked first. */
  type_address (composer, "to_entry", BUDI);
  type_subject (composer, "reminder-1");
  gtk_widget_grab_focus (GTK_WIDGET (kabar_composer_body_get_view (child (composer, "body"))));
  type_text (composer, "Please see the attached file.");
  send (composer);
  dialog = ADW_MESSAGE_DIALOG (kabar_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("Send Without Attachment?"));
  g_assert_true (adw_message_dialog_has_response (dialog, "send"));
  g_assert_true (adw_message_dialog_has_response (dialog, "attach"));
  respond (dialog, "cancel");
  g_assert_true (gtk_widget_get_visible (composer));
  g_assert_cmpuint (outbox_length (dewi_service ()), ==, 0);

  watch_closing (composer, &closed);
  discard (composer);
  g_assert_true (kabar_ui_test_wait_for (is_destroyed, &closed, WAIT_MS));
}

static gboolean
size_warning_shown (gpointer composer)
{
  return gtk_revealer_get_child_revealed (child (composer, "size_revealer"));
}

static gboolean
size_warning_hidden (gpointer composer)
{
  return !gtk_revealer_get_reveal_child (child (composer, "size_revealer"));
}

/* The body's format bar, once it has slid in. */
static gboolean
format_bar_shown (gpointer body)
{
  GtkWidget *revealer = kabar_ui_test_find_widget (body, GTK_TYPE_REVEALER);

  return revealer != NULL && gtk_revealer_get_child_revealed (GTK_REVEALER (revealer));
}

static void
test_rich_text_and_size_warning (void)
{
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GFile) big = make_file ("video-rapat.mp4", 19 * 1000 * 1000 + 500 * 1000, &contents);
  Closed closed = { 0 };
  Closed reopened_closed = { 0 };
  GtkWidget *composer;
  GtkWidget *reopened;

  ensure_app ();
  composer = open_composer (NULL, KABAR_COMPOSER_NEW, 0);
  type_address (composer, "to_entry", "Budi Santoso <" BUDI ">");
  type_subject (composer, "rich-1 Agenda");
  g_assert_true (gtk_widget_activate_action (composer, "composer.rich-text", NULL));
  g_assert_true (kabar_composer_body_get_rich (child (composer, "body")));
  gtk_widget_grab_focus (GTK_WIDGET (kabar_composer_body_get_view (child (composer, "body"))));
  type_text (composer, "Agenda rapat:\n");
  g_assert_true (kabar_ui_test_wait_for (format_bar_shown, child (composer, "body"), 10000));
  kabar_ui_test_wait_for_frame (composer);
  g_object_unref (kabar_ui_test_screenshot (composer, "composer-rich"));

  /* Over 25 MB as sent: said before sending. */
  kabar_composer_attachments_add_file (child (composer, "attachments"), big);
  g_assert_true (kabar_ui_test_wait_for (attachments_loaded, composer, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (size_warning_shown, composer, 10000));
  g_assert_nonnull (strstr (gtk_label_get_text (child (composer, "size_label")), "25 MB"));
  kabar_composer_attachments_remove (child (composer, "attachments"), 0);
  g_assert_true (kabar_ui_test_wait_for (size_warning_hidden, composer, 10000));

  /* A rich draft comes back rich. */
  watch_closing (composer, &closed);
  gtk_window_close (GTK_WINDOW (composer));
  g_assert_true (kabar_ui_test_wait_for (is_destroyed, &closed, WAIT_MS));
  kabar_ui_bed_wait_server_count (bed, DEWI, "Drafts", "SUBJECT \"rich-1\"", 1, WAIT_MS);
  reopened = open_draft (find_local_draft ("rich-1 Agenda"));
  g_assert_true (kabar_composer_body_get_rich (child (reopened, "body")));
  watch_closing (reopened, &reopened_closed);
  discard (reopened);
  g_assert_true (kabar_ui_test_wait_for (is_destroyed, &reopened_closed, WAIT_MS));
  kabar_ui_bed_wait_server_count (bed, DEWI, "Drafts", "SUBJECT \"rich-1\"", 0, WAIT_MS);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kabar_ui_test_init (&argc, &argv);
  g_mime_init ();

  if (g_getenv (CHILD_ENV) != NULL)
    return run_child ();

  /* Runs first: the child uses the data before this process's own
   * application opens it. */
  g_test_add_func ("/composer/draft-survives-kill", test_draft_survives_kill);
  g_test_add_func ("/composer/new-message-has-the-signature", test_new_message_has_the_signature);
  g_test_add_func ("/composer/reply-places-the-signature", test_reply_places_the_signature);
  g_test_add_func ("/composer/invalid-address-is-marked", test_invalid_address_is_marked);
  g_test_add_func ("/composer/send-with-attachment", test_send_with_attachment);
  g_test_add_func ("/composer/undo-takes-the-message-back", test_undo_takes_the_message_back);
  g_test_add_func ("/composer/draft-survives-closing", test_draft_survives_closing);
  g_test_add_func ("/composer/send-offline-queues", test_send_offline_queues);
  g_test_add_func ("/composer/rich-text-and-size-warning", test_rich_text_and_size_warning);

  bed = kabar_ui_bed_start (DEWI, DEWI_PASSWORD, BUDI, BUDI_PASSWORD, NULL);
  write_accounts ();

  status = g_test_run ();

  if (main_window != NULL)
    gtk_window_destroy (GTK_WINDOW (main_window));
  g_clear_object (&app);
  g_clear_object (&bed);
  return status;
}
