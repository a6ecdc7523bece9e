/* test-replies.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writing from the windows that show mail, end to end: Dewi's account on
 * the bed, a message from Ayu to her with Budi in Cc, the real
 * application. Reply, Reply All and the two forwards open the composer
 * filled as they should be, and what is sent arrives at Ayu's and Budi's
 * INBOX with its threading headers, quote and attachments; a selected
 * part is quoted alone; a mailto: link fills the composer; a draft opens
 * in the composer; and a recipient the server refuses brings a
 * notification (recorded by a stand-in notification server on the
 * session's bus) while the message waits in Drafts.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <unistd.h>

#include "kabar-address-entry.h"
#include "kabar-application.h"
#include "kabar-composer-body.h"
#include "kabar-composer.h"
#include "kabar-folder-list.h"
#include "kabar-message-item.h"
#include "kabar-message-list.h"
#include "kabar-message-window.h"
#include "kabar-mime.h"
#include "kabar-preferences-window.h"
#include "kabar-reading-pane.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-notifications.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePartIter, g_mime_part_iter_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)

#define DEWI          "dewi@" KABAR_TEST_BED_DOMAIN
#define AYU           "ayu@" KABAR_TEST_BED_DOMAIN
#define BUDI          "budi@" KABAR_TEST_BED_DOMAIN
#define NOBODY        "nobody@" KABAR_TEST_BED_DOMAIN
#define PASSWORD      "Sandi-Rahasia-123"
#define WAIT_MS       60000

#define TRIP_SUBJECT  "Rencana perjalanan"
#define TRIP_ID       "trip-1@kabar.test"
#define EARLIER_ID    "trip-0@kabar.test"
#define DRAFT_SUBJECT "Draf laporan bulanan"

static KabarTestBed *bed;
static KabarApplication *app;
static GtkWidget *window;

/* --- the mailbox ------------------------------------------------------------------------ */

static const char trip_text[] =
  "Halo Dewi,\r\n"
  "\r\n"
  "Kita berangkat Jumat pagi dari stasiun.\r\n"
  "Bawa paspor ya.\r\n";

static const char schedule_text[] = "Jumat 07.00 kereta ke Bandung\r\n";

/* From Ayu to Dewi, Budi in Cc, the schedule as a file: the message
 * every reply and forward starts from. */
static GBytes *
make_trip_message (gint64 unix_time)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (unix_time);
  g_autofree char *date_text = g_mime_utils_header_format_date (date);
  char *text = g_strdup_printf ("Date: %s\r\n"
                                "From: Ayu Pratiwi <" AYU ">\r\n"
                                "To: Dewi Lestari <" DEWI ">\r\n"
                                "Cc: Budi Santoso <" BUDI ">\r\n"
                                "Subject: " TRIP_SUBJECT "\r\n"
                                "Message-ID: <" TRIP_ID ">\r\n"
                                "References: <" EARLIER_ID ">\r\n"
                                "In-Reply-To: <" EARLIER_ID ">\r\n"
                                "MIME-Version: 1.0\r\n"
                                "Content-Type: multipart/mixed; boundary=\"batas\"\r\n"
                                "\r\n"
                                "--batas\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n"
                                "\r\n"
                                "%s"
                                "--batas\r\n"
                                "Content-Type: text/plain; charset=utf-8; name=\"jadwal.txt\"\r\n"
                                "Content-Disposition: attachment; filename=\"jadwal.txt\"\r\n"
                                "\r\n"
                                "%s"
                                "--batas--\r\n",
                                date_text, trip_text, schedule_text);

  return g_bytes_new_take (text, strlen (text));
}

static void
fill_mailbox (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GBytes) trip = make_trip_message (now - 600);
  g_autoptr(GBytes) draft = kabar_ui_bed_message_new ("Dewi Lestari <" DEWI ">", "Budi Santoso <" BUDI ">",
                                                      DRAFT_SUBJECT, "Angka bulan ini belum lengkap.",
                                                      now - 1200, NULL);
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_message (bed, DEWI, "INBOX", trip, "", now - 600, &error);
  g_assert_no_error (error);
  kabar_test_bed_add_message (bed, DEWI, "Drafts", draft, "DS", now - 1200, &error);
  g_assert_no_error (error);
}

/* --- what the servers hold --------------------------------------------------------------- */

static GMimeMessage *
parse (GBytes *raw)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (raw, &size);
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer (data, size);
  g_autoptr(GMimeParser) parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, kabar_mime_get_parser_options ());

  g_assert_nonnull (message);
  return message;
}

/* The newest message with the subject in user's INBOX once count of them
 * arrived. */
static GMimeMessage *
wait_for_delivery (const char *user,
                   const char *subject,
                   guint       count)
{
  g_autofree char *criteria = g_strdup_printf ("SUBJECT \"%s\"", subject);
  g_autoptr(GBytes) raw = NULL;

  kabar_ui_bed_wait_server_count (bed, user, "INBOX", criteria, count, WAIT_MS);
  raw = kabar_ui_bed_fetch_message (bed, user, "INBOX", criteria);
  g_assert_nonnull (raw);
  return parse (raw);
}

static char *
text_of (GMimeObject *part)
{
  g_assert_true (GMIME_IS_TEXT_PART (part));
  return g_mime_text_part_get_text (GMIME_TEXT_PART (part));
}

/* The message's first text/plain part that is no attachment, decoded. */
static char *
body_text (GMimeMessage *message)
{
  g_autoptr(GMimePartIter) iter = g_mime_part_iter_new (GMIME_OBJECT (message));
  GMimeObject *body = g_mime_message_get_mime_part (message);

  if (GMIME_IS_TEXT_PART (body))
    return text_of (body);
  do
    {
      GMimeObject *part = g_mime_part_iter_get_current (iter);

      if (GMIME_IS_TEXT_PART (part) && !g_mime_part_is_attachment (GMIME_PART (part)))
        return text_of (part);
    }
  while (g_mime_part_iter_next (iter));
  return NULL;
}

/* The attachment named file_name, or NULL. */
static GMimeObject *
find_attachment (GMimeMessage *message,
                 const char   *file_name)
{
  g_autoptr(GMimePartIter) iter = g_mime_part_iter_new (GMIME_OBJECT (message));

  do
    {
      GMimeObject *part = g_mime_part_iter_get_current (iter);

      if (GMIME_IS_PART (part) && g_strcmp0 (g_mime_part_get_filename (GMIME_PART (part)), file_name) == 0)
        return part;
    }
  while (g_mime_part_iter_next (iter));
  return NULL;
}

/* The message of the message/rfc822 part, or NULL. RFC 2046 allows it
 * no encoding but 7bit, 8bit or binary: GMime reads such a part as a
 * message part, and one sent in base64 as a leaf, which fails here. */
static GMimeMessage *
find_forwarded (GMimeMessage *message)
{
  GMimeObject *body = g_mime_message_get_mime_part (message);

  for (int i = 0; GMIME_IS_MULTIPART (body) && i < g_mime_multipart_get_count (GMIME_MULTIPART (body)); i++)
    {
      GMimeObject *part = g_mime_multipart_get_part (GMIME_MULTIPART (body), i);

      if (GMIME_IS_MESSAGE_PART (part))
        return g_object_ref (g_mime_message_part_get_message (GMIME_MESSAGE_PART (part)));
    }
  return NULL;
}

static void
assert_addresses (InternetAddressList *list,
                  const char          *first,
                  ...)
{
  va_list args;
  guint n = 0;

  va_start (args, first);
  for (const char *address = first; address != NULL; address = va_arg (args, const char *), n++)
    {
      InternetAddress *item;

      g_assert_cmpint (n, <, internet_address_list_length (list));
      item = internet_address_list_get_address (list, (int) n);
      g_assert_true (INTERNET_ADDRESS_IS_MAILBOX (item));
      g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (item)), ==, address);
    }
  va_end (args);
  g_assert_cmpint (internet_address_list_length (list), ==, n);
}

/* --- the main window ------------------------------------------------------------------------ */

static KabarFolderList *
folder_list (void)
{
  return KABAR_FOLDER_LIST (kabar_ui_test_find_widget (window, KABAR_TYPE_FOLDER_LIST));
}

static KabarMessageList *
message_list (void)
{
  return KABAR_MESSAGE_LIST (kabar_ui_test_find_widget (window, KABAR_TYPE_MESSAGE_LIST));
}

static KabarReadingPane *
reading_pane (void)
{
  return KABAR_READING_PANE (kabar_ui_test_find_widget (window, KABAR_TYPE_READING_PANE));
}

static WebKitWebView *
web_view (void)
{
  return kabar_message_view_get_web_view (kabar_reading_pane_get_view (reading_pane ()));
}

static gboolean
folders_loaded (gpointer data)
{
  return kabar_ui_test_find_folder (window, NULL, "INBOX") != NULL
         && kabar_ui_test_find_folder (window, NULL, "Drafts") != NULL;
}

static void
open_folder (const char *path)
{
  KabarFolderItem *folder = kabar_ui_test_find_folder (window, NULL, path);

  g_assert_nonnull (folder);
  if (kabar_message_list_get_folder (message_list ()) != folder)
    g_assert_true (kabar_folder_list_select_folder (folder_list (), folder));
  g_assert_true (kabar_window_get_folder (KABAR_WINDOW (window)) == folder);
}

static KabarMessageItem *
find_row (const char *subject,
          guint      *position)
{
  GListModel *model = kabar_message_list_get_shown_model (message_list ());

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KabarMessageItem) item = g_list_model_get_item (model, i);
      const KabarMessageSummary *summary = kabar_message_item_get_summary (item);

      if (summary != NULL && g_strcmp0 (summary->subject, subject) == 0)
        {
          *position = i;
          return item;
        }
    }
  return NULL;
}

static gboolean
row_listed (gpointer data)
{
  guint position;

  return find_row (data, &position) != NULL;
}

static KabarMessageItem *
select_row (const char *subject)
{
  GtkWidget *view = kabar_ui_test_find_widget (GTK_WIDGET (message_list ()), GTK_TYPE_LIST_VIEW);
  KabarMessageItem *item;
  guint position = 0;

  g_assert_true (kabar_ui_test_wait_for (row_listed, (gpointer) subject, WAIT_MS));
  item = find_row (subject, &position);
  g_assert_true (gtk_selection_model_select_item (gtk_list_view_get_model (GTK_LIST_VIEW (view)), position, TRUE));
  return item;
}

static gboolean
view_loaded (gpointer data)
{
  return g_strcmp0 (kabar_reading_pane_get_page (reading_pane ()), "message") == 0
         && kabar_message_view_is_loaded (kabar_reading_pane_get_view (reading_pane ()));
}

static void
open_trip_message (void)
{
  open_folder ("INBOX");
  select_row (TRIP_SUBJECT);
  g_assert_true (kabar_ui_test_wait_for (view_loaded, NULL, WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
}

static void
activate (const char *action)
{
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), action + strlen ("win.")));
  g_assert_true (gtk_widget_activate_action (window, action, NULL));
}

/* --- screenshots with the message's page ----------------------------------------------------------- */

typedef struct
{
  gboolean    done;
  GdkTexture *texture;
} PageShot;

static void
on_page_shot (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PageShot *shot = user_data;
  g_autoptr(GError) error = NULL;

  shot->texture = webkit_web_view_get_snapshot_finish (WEBKIT_WEB_VIEW (source), result, &error);
  g_assert_no_error (error);
  shot->done = TRUE;
}

static gboolean
page_shot_done (gpointer data)
{
  return ((PageShot *) data)->done;
}

static void
screenshot_window (const char *name)
{
  PageShot shot = { FALSE, NULL };
  g_autoptr(GdkTexture) texture = NULL;

  g_assert_true (kabar_ui_test_wait_for (view_loaded, NULL, 20000));
  kabar_ui_test_wait_for_frame (window);
  webkit_web_view_get_snapshot (web_view (), WEBKIT_SNAPSHOT_REGION_VISIBLE, WEBKIT_SNAPSHOT_OPTIONS_NONE,
                                NULL, on_page_shot, &shot);
  g_assert_true (kabar_ui_test_wait_for (page_shot_done, &shot, 10000));
  texture = kabar_ui_test_screenshot_with_inset (window, name, GTK_WIDGET (web_view ()), shot.texture);
  g_object_unref (shot.texture);
  g_assert_cmpuint (kabar_ui_test_count_colours (texture), >, 50);
}

/* --- the composer ---------------------------------------------------------------------------- */

typedef struct
{
  GtkWidget         *window;
  KabarAddressEntry *to;
  KabarAddressEntry *cc;
  KabarAddressEntry *bcc;
  GtkEditable       *subject;
  KabarComposerBody *body;
} Composer;

static gboolean
composer_gone (gpointer data)
{
  return kabar_ui_test_find_toplevel (KABAR_TYPE_COMPOSER) == NULL;
}

/* The composer that opened, its fields found as the user finds them:
 * To, Cc and Bcc in that order, Subject the one entry outside the body. */
static Composer
wait_for_composer (void)
{
  Composer composer = { NULL };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) plain_entries = NULL;

  composer.window = GTK_WIDGET (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_COMPOSER));
  entries = kabar_ui_test_find_widgets (composer.window, KABAR_TYPE_ADDRESS_ENTRY);
  g_assert_cmpuint (entries->len, ==, 3);
  composer.to = g_ptr_array_index (entries, 0);
  composer.cc = g_ptr_array_index (entries, 1);
  composer.bcc = g_ptr_array_index (entries, 2);
  composer.body = KABAR_COMPOSER_BODY (kabar_ui_test_find_widget (composer.window, KABAR_TYPE_COMPOSER_BODY));
  plain_entries = kabar_ui_test_find_widgets (composer.window, GTK_TYPE_ENTRY);
  for (guint i = 0; i < plain_entries->len; i++)
    if (!gtk_widget_is_ancestor (g_ptr_array_index (plain_entries, i), GTK_WIDGET (composer.body)))
      composer.subject = GTK_EDITABLE (g_ptr_array_index (plain_entries, i));
  g_assert_nonnull (composer.subject);
  g_assert_nonnull (composer.body);
  return composer;
}

static void
assert_entry (KabarAddressEntry *entry,
              const char        *first,
              ...)
{
  g_autoptr(InternetAddressList) list = kabar_address_entry_dup_addresses (entry);
  va_list args;
  guint n = 0;

  va_start (args, first);
  for (const char *address = first; address != NULL; address = va_arg (args, const char *), n++)
    {
      InternetAddress *item;

      g_assert_cmpint (n, <, internet_address_list_length (list));
      item = internet_address_list_get_address (list, (int) n);
      g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (item)), ==, address);
    }
  va_end (args);
  g_assert_cmpint (internet_address_list_length (list), ==, n);
}

static char *
composer_text (Composer *composer)
{
  return kabar_composer_body_dup_text (composer->body);
}

/* Where the cursor is, in characters. */
static int
cursor_offset (Composer *composer)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (kabar_composer_body_get_view (composer->body));
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  return gtk_text_iter_get_offset (&iter);
}

static int
char_offset_of (const char *text,
                const char *needle)
{
  const char *found = strstr (text, needle);

  g_assert_nonnull (found);
  return (int) g_utf8_pointer_to_offset (text, found);
}

/* What the user types, where the cursor is. */
static void
type_text (Composer   *composer,
           const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (kabar_composer_body_get_view (composer->body));

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert_at_cursor (buffer, text, -1);
  gtk_text_buffer_end_user_action (buffer);
}

static void
send_composer (Composer *composer)
{
  g_assert_true (gtk_widget_activate_action (composer->window, "composer.send", NULL));
  g_assert_true (kabar_ui_test_wait_for (composer_gone, NULL, WAIT_MS));
}

static void
close_composer (Composer *composer)
{
  gtk_window_close (GTK_WINDOW (composer->window));
  g_assert_true (kabar_ui_test_wait_for (composer_gone, NULL, WAIT_MS));
}

static void
set_recipient (KabarAddressEntry *entry,
               const char        *address)
{
  g_autoptr(InternetAddressList) list = internet_address_list_parse (NULL, address);

  kabar_address_entry_set_addresses (entry, list);
}

/* --- the tests ------------------------------------------------------------------------------ */

static void
test_reply_quotes_and_threads (void)
{
  g_autoptr(GMimeMessage) arrived = NULL;
  g_autofree char *text = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *arrived_text = NULL;
  const char *references;
  Composer composer;

  open_trip_message ();
  screenshot_window ("replies-reading-pane");
  activate ("win.reply");
  composer = wait_for_composer ();

  assert_entry (composer.to, AYU, NULL);
  assert_entry (composer.cc, NULL);
  g_assert_cmpstr (gtk_editable_get_text (composer.subject), ==, "Re: " TRIP_SUBJECT);
  text = composer_text (&composer);
  /* The attribution names Ayu, then her lines quoted, all of them. */
  g_assert_cmpint (char_offset_of (text, "Ayu Pratiwi"), <, char_offset_of (text, "> Halo Dewi,"));
  g_assert_nonnull (strstr (text, "> Kita berangkat Jumat pagi dari stasiun.\n> Bawa paspor ya."));
  /* reply-position "above": the user writes before the quote. */
  g_assert_cmpint (cursor_offset (&composer), <, char_offset_of (text, "Ayu Pratiwi"));
  kabar_ui_test_wait_for_frame (composer.window);
  kabar_ui_test_screenshot (composer.window, "replies-composer-reply");

  type_text (&composer, "Siap, sampai ketemu Jumat.");
  send_composer (&composer);

  arrived = wait_for_delivery (AYU, "Re: " TRIP_SUBJECT, 1);
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (arrived), "In-Reply-To"), ==, "<" TRIP_ID ">");
  references = g_mime_object_get_header (GMIME_OBJECT (arrived), "References");
  g_assert_nonnull (references);
  g_assert_nonnull (strstr (references, "<" EARLIER_ID ">"));
  g_assert_nonnull (strstr (references, "<" TRIP_ID ">"));
  assert_addresses (g_mime_message_get_to (arrived), AYU, NULL);
  assert_addresses (g_mime_message_get_from (arrived), DEWI, NULL);
  g_assert_cmpint (internet_address_list_length (g_mime_message_get_cc (arrived)), ==, 0);
  arrived_text = body_text (arrived);
  g_assert_nonnull (arrived_text);
  g_assert_cmpint (char_offset_of (arrived_text, "Siap, sampai ketemu Jumat."), <,
                   char_offset_of (arrived_text, "> Bawa paspor ya."));
  /* Not to Budi: a reply is for the sender alone. */
  g_assert_cmpuint (kabar_ui_bed_server_count (bed, BUDI, "INBOX", "SUBJECT \"Re: " TRIP_SUBJECT "\""), ==, 0);
}

static void
test_reply_all_leaves_dewi_out (void)
{
  g_autoptr(GMimeMessage) to_ayu = NULL;
  g_autoptr(GMimeMessage) to_budi = NULL;
  Composer composer;

  open_trip_message ();
  activate ("win.reply-all");
  composer = wait_for_composer ();

  assert_entry (composer.to, AYU, NULL);
  assert_entry (composer.cc, BUDI, NULL);
  assert_entry (composer.bcc, NULL);
  g_assert_cmpstr (gtk_editable_get_text (composer.subject), ==, "Re: " TRIP_SUBJECT);
  type_text (&composer, "Budi ikut juga.");
  send_composer (&composer);

  to_ayu = wait_for_delivery (AYU, "Re: " TRIP_SUBJECT, 2);
  to_budi = wait_for_delivery (BUDI, "Re: " TRIP_SUBJECT, 1);
  assert_addresses (g_mime_message_get_to (to_budi), AYU, NULL);
  assert_addresses (g_mime_message_get_cc (to_budi), BUDI, NULL);
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (to_budi), "In-Reply-To"), ==, "<" TRIP_ID ">");
}

static void
test_forward_inline_keeps_the_attachment (void)
{
  g_autoptr(GMimeMessage) arrived = NULL;
  g_autofree char *text = NULL;
  g_autofree char *arrived_text = NULL;
  GMimeObject *schedule;
  Composer composer;

  open_trip_message ();
  activate ("win.forward");
  composer = wait_for_composer ();

  assert_entry (composer.to, NULL);
  assert_entry (composer.cc, NULL);
  g_assert_cmpstr (gtk_editable_get_text (composer.subject), ==, "Fwd: " TRIP_SUBJECT);
  text = composer_text (&composer);
  g_assert_nonnull (strstr (text, "Kita berangkat Jumat pagi dari stasiun."));
  kabar_ui_test_wait_for_frame (composer.window);
  kabar_ui_test_screenshot (composer.window, "replies-composer-forward");
  set_recipient (composer.to, "Budi Santoso <" BUDI ">");
  send_composer (&composer);

  arrived = wait_for_delivery (BUDI, "Fwd: " TRIP_SUBJECT, 1);
  assert_addresses (g_mime_message_get_to (arrived), BUDI, NULL);
  arrived_text = body_text (arrived);
  g_assert_nonnull (arrived_text);
  g_assert_nonnull (strstr (arrived_text, "Bawa paspor ya."));
  schedule = find_attachment (arrived, "jadwal.txt");
  g_assert_nonnull (schedule);
  {
    g_autofree char *schedule_text_arrived = text_of (schedule);

    g_assert_cmpstr (g_strstrip (schedule_text_arrived), ==, "Jumat 07.00 kereta ke Bandung");
  }
}

static void
test_forward_as_attachment (void)
{
  g_autoptr(GMimeMessage) arrived = NULL;
  g_autoptr(GMimeMessage) forwarded = NULL;
  Composer composer;

  open_trip_message ();
  activate ("win.forward-as-attachment");
  composer = wait_for_composer ();

  assert_entry (composer.to, NULL);
  g_assert_cmpstr (gtk_editable_get_text (composer.subject), ==, "Fwd: " TRIP_SUBJECT);
  set_recipient (composer.to, BUDI);
  type_text (&composer, "Pesan Ayu, untuk kamu.");
  send_composer (&composer);

  arrived = wait_for_delivery (BUDI, "Fwd: " TRIP_SUBJECT, 2);
  forwarded = find_forwarded (arrived);
  g_assert_nonnull (forwarded);
  g_assert_cmpstr (g_mime_message_get_subject (forwarded), ==, TRIP_SUBJECT);
  g_assert_cmpstr (g_mime_message_get_message_id (forwarded), ==, TRIP_ID);
  g_assert_nonnull (find_attachment (forwarded, "jadwal.txt"));
}

static void
on_script_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  char **answer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result,
                                                                          &error);

  g_assert_no_error (error);
  *answer = jsc_value_to_string (value);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* The script's answer, run beside the page (whose scripts are off). */
static char *
run_script (const char *script)
{
  char *answer = NULL;

  webkit_web_view_evaluate_javascript (web_view (), script, -1, "kabar-test", NULL, NULL, on_script_done,
                                       &answer);
  g_assert_true (kabar_ui_test_wait_for (is_set, &answer, 10000));
  return answer;
}

static void
test_selected_text_is_quoted_alone (void)
{
  g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);
  g_autofree char *found = NULL;
  g_autofree char *selection = NULL;
  g_autofree char *text = NULL;
  Composer composer;

  open_trip_message ();
  /* As a drag over the line does. */
  found = run_script ("window.find('Bawa paspor ya.')");
  g_assert_cmpstr (found, ==, "true");
  selection = run_script ("window.getSelection().toString()");
  g_assert_cmpstr (selection, ==, "Bawa paspor ya.");
  g_settings_set_string (settings, "reply-position", "below");
  activate ("win.reply");
  composer = wait_for_composer ();

  text = composer_text (&composer);
  g_assert_nonnull (strstr (text, "> Bawa paspor ya."));
  g_assert_null (strstr (text, "Kita berangkat"));
  g_assert_null (strstr (text, "> Halo Dewi"));
  /* reply-position "below": the user writes after the quote. */
  g_assert_cmpint (cursor_offset (&composer), >, char_offset_of (text, "> Bawa paspor ya."));
  g_settings_reset (settings, "reply-position");
  close_composer (&composer);
}

static void
test_mailto_fills_the_composer (void)
{
  g_autoptr(GFile) link = g_file_new_for_commandline_arg ("mailto:" BUDI "?cc=" AYU
                                                          "&subject=Makan%20siang%20bersama"
                                                          "&body=Jam%2012%3F%0D%0ADi%20kantin%20lantai%202.");
  g_autoptr(GFile) bad = g_file_new_for_commandline_arg ("mailto:" BUDI "?subject=%FF%FE");
  g_autofree char *text = NULL;
  AdwMessageDialog *dialog;
  Composer composer;

  /* What `kabar mailto:...` and the desktop file's handler do. */
  g_application_open (G_APPLICATION (app), &link, 1, "");
  composer = wait_for_composer ();
  assert_entry (composer.to, BUDI, NULL);
  assert_entry (composer.cc, AYU, NULL);
  g_assert_cmpstr (gtk_editable_get_text (composer.subject), ==, "Makan siang bersama");
  text = composer_text (&composer);
  g_assert_true (g_str_has_prefix (text, "Jam 12?\nDi kantin lantai 2."));
  kabar_ui_test_wait_for_frame (composer.window);
  kabar_ui_test_screenshot (composer.window, "replies-composer-mailto");
  close_composer (&composer);

  g_application_open (G_APPLICATION (app), &bad, 1, "");
  dialog = ADW_MESSAGE_DIALOG (kabar_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("Not a Mail Link"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "mailto:"));
  kabar_ui_test_wait_for_frame (GTK_WIDGET (dialog));
  kabar_ui_test_screenshot (GTK_WIDGET (dialog), "replies-mailto-error");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG),
                                         10000));
}

static gboolean
edit_button_shown (gpointer data)
{
  g_autoptr(GPtrArray) buttons = kabar_ui_test_find_widgets (GTK_WIDGET (reading_pane ()), GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), "win.edit-draft") == 0)
      return gtk_widget_is_drawable (g_ptr_array_index (buttons, i));
  return FALSE;
}

static void
test_draft_opens_in_the_composer (void)
{
  KabarMessageItem *item;
  g_autofree char *text = NULL;
  Composer composer;

  open_folder ("Drafts");
  item = select_row (DRAFT_SUBJECT);
  g_assert_true (kabar_ui_test_wait_for (view_loaded, NULL, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (edit_button_shown, NULL, 10000));
  screenshot_window ("replies-draft-in-reading-pane");

  /* Enter or a double click on the row. */
  g_signal_emit_by_name (message_list (), "message-activated", item);
  composer = wait_for_composer ();
  assert_entry (composer.to, BUDI, NULL);
  g_assert_cmpstr (gtk_editable_get_text (composer.subject), ==, DRAFT_SUBJECT);
  text = composer_text (&composer);
  g_assert_nonnull (strstr (text, "Angka bulan ini belum lengkap."));
  g_assert_cmpint (kabar_composer_get_draft_id (KABAR_COMPOSER (composer.window)), ==,
                   kabar_message_item_get_id (item));
  close_composer (&composer);

  /* Elsewhere, the same button is not there. */
  open_trip_message ();
  g_assert_false (edit_button_shown (NULL));
}

static gboolean
has_notification (gpointer data)
{
  return kabar_ui_notifications_get_added ()->len > GPOINTER_TO_UINT (data);
}

static void
test_refused_recipient_is_kept_in_drafts (void)
{
  guint before = kabar_ui_notifications_get_added ()->len;
  KabarUiNotification *notification;
  const char *body;
  g_autoptr(GVariant) target = NULL;
  const char *action = NULL;
  Composer composer;

  open_folder ("INBOX");
  activate ("win.compose");
  composer = wait_for_composer ();
  set_recipient (composer.to, NOBODY);
  gtk_editable_set_text (composer.subject, "Untuk orang yang tidak ada");
  type_text (&composer, "Halo? Apakah ada orang?");
  send_composer (&composer);

  g_assert_true (kabar_ui_test_wait_for (has_notification, GUINT_TO_POINTER (before), WAIT_MS));
  notification = g_ptr_array_index (kabar_ui_notifications_get_added (), before);
  g_assert_cmpstr (kabar_ui_notification_lookup (notification, "title"), ==, _("Message not sent"));
  body = kabar_ui_notification_lookup (notification, "body");
  g_assert_nonnull (body);
  g_assert_nonnull (strstr (body, "Untuk orang yang tidak ada"));
  /* Postfix's own words. */
  g_assert_nonnull (strstr (body, NOBODY));
  g_assert_nonnull (strstr (body, "Recipient address rejected"));
  kabar_ui_bed_wait_server_count (bed, DEWI, "Drafts", "SUBJECT \"Untuk orang yang tidak ada\"", 1, WAIT_MS);
  g_assert_cmpuint (kabar_ui_bed_server_count (bed, DEWI, "Sent", "SUBJECT \"Untuk orang yang tidak ada\""), ==, 0);

  /* Clicked: the draft, in the composer. */
  g_assert_true (g_variant_lookup (notification->notification, "default-action", "&s", &action));
  g_assert_cmpstr (action, ==, "app.open-draft");
  target = g_variant_lookup_value (notification->notification, "default-action-target", G_VARIANT_TYPE ("(sx)"));
  g_assert_nonnull (target);
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-draft", target);
  composer = wait_for_composer ();
  assert_entry (composer.to, NOBODY, NULL);
  g_assert_cmpstr (gtk_editable_get_text (composer.subject), ==, "Untuk orang yang tidak ada");
  close_composer (&composer);
}

static gboolean
file_window_loaded (gpointer data)
{
  KabarMessageWindow *file_window = data;

  return g_strcmp0 (gtk_window_get_title (GTK_WINDOW (file_window)), TRIP_SUBJECT) == 0
         && kabar_message_view_is_loaded (kabar_message_window_get_view (file_window));
}

/* An .eml opened from the file manager, answered from its own window,
 * though no store holds it. */
static void
test_reply_from_a_file_window (void)
{
  g_autoptr(GBytes) trip = make_trip_message (g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *name = g_strdup_printf ("kabar-test-replies-%d.eml", (int) getpid ());
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  KabarMessageWindow *file_window;
  Composer composer;

  g_file_set_contents (path, g_bytes_get_data (trip, NULL), (gssize) g_bytes_get_size (trip), &error);
  g_assert_no_error (error);
  g_application_open (G_APPLICATION (app), &file, 1, "");
  file_window = KABAR_MESSAGE_WINDOW (kabar_ui_test_wait_for_toplevel (KABAR_TYPE_MESSAGE_WINDOW));
  g_assert_true (kabar_ui_test_wait_for (file_window_loaded, file_window, WAIT_MS));
  kabar_ui_test_wait_for_frame (GTK_WIDGET (file_window));
  kabar_ui_test_screenshot (GTK_WIDGET (file_window), "replies-file-window");

  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (file_window), "reply-all"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (file_window), "win.reply-all", NULL));
  composer = wait_for_composer ();
  assert_entry (composer.to, AYU, NULL);
  assert_entry (composer.cc, BUDI, NULL);
  g_assert_cmpstr (gtk_editable_get_text (composer.subject), ==, "Re: " TRIP_SUBJECT);
  close_composer (&composer);
  gtk_window_destroy (GTK_WINDOW (file_window));
  g_unlink (path);
}

static void
test_preferences_open (void)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  GtkWindow *preferences;

  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>comma"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = kabar_ui_test_wait_for_toplevel (KABAR_TYPE_PREFERENCES_WINDOW);
  gtk_window_destroy (preferences);
  g_assert_true (kabar_ui_test_wait_for (kabar_ui_test_toplevel_gone,
                                         GSIZE_TO_POINTER (KABAR_TYPE_PREFERENCES_WINDOW), 10000));
}

/* Which action widget's shortcut for trigger runs, or NULL. */
static char *
shortcut_action (GtkWidget  *widget,
                 const char *trigger)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (trigger);

  g_assert_nonnull (wanted);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted) && GTK_IS_NAMED_ACTION (action))
            return g_strdup (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));
        }
    }
  return NULL;
}

/* The Shortcuts window's entry for accelerator: its title, or NULL. */
static char *
listed_shortcut (const char *accelerator)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/kabar/Kabar/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr(GPtrArray) shortcuts = kabar_ui_test_find_widgets (overlay, GTK_TYPE_SHORTCUTS_SHORTCUT);
  char *title = NULL;

  for (guint i = 0; title == NULL && i < shortcuts->len; i++)
    {
      g_autofree char *listed = NULL;

      g_object_get (g_ptr_array_index (shortcuts, i), "accelerator", &listed, NULL);
      if (g_strcmp0 (listed, accelerator) == 0)
        g_object_get (g_ptr_array_index (shortcuts, i), "title", &title, NULL);
    }
  gtk_window_destroy (GTK_WINDOW (overlay));
  return title;
}

static void
test_shortcuts_are_bound_and_listed (void)
{
  static const struct
  {
    const char *trigger;
    const char *action;
    const char *title;
  } shortcuts[] = {
    { "<Control>n", "win.compose", N_("New Message") },
    { "<Control>r", "win.reply", N_("Reply") },
    { "<Control><Shift>r", "win.reply-all", N_("Reply All") },
    { "<Control>l", "win.forward", N_("Forward") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    {
      g_autofree char *action = shortcut_action (window, shortcuts[i].trigger);
      g_autofree char *title = listed_shortcut (shortcuts[i].trigger);

      g_assert_cmpstr (action, ==, shortcuts[i].action);
      g_assert_cmpstr (title, ==, g_dpgettext2 (NULL, "shortcut window", shortcuts[i].title));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  int status;

  kabar_ui_test_init (&argc, &argv);

  g_test_add_func ("/replies/reply-quotes-and-threads", test_reply_quotes_and_threads);
  g_test_add_func ("/replies/reply-all-leaves-dewi-out", test_reply_all_leaves_dewi_out);
  g_test_add_func ("/replies/forward-inline-keeps-the-attachment", test_forward_inline_keeps_the_attachment);
  g_test_add_func ("/replies/forward-as-attachment", test_forward_as_attachment);
  g_test_add_func ("/replies/selected-text-is-quoted-alone", test_selected_text_is_quoted_alone);
  g_test_add_func ("/replies/mailto-fills-the-composer", test_mailto_fills_the_composer);
  g_test_add_func ("/replies/draft-opens-in-the-composer", test_draft_opens_in_the_composer);
  g_test_add_func ("/replies/refused-recipient-is-kept-in-drafts", test_refused_recipient_is_kept_in_drafts);
  g_test_add_func ("/replies/reply-from-a-file-window", test_reply_from_a_file_window);
  g_test_add_func ("/replies/preferences-open", test_preferences_open);
  g_test_add_func ("/replies/shortcuts-are-bound-and-listed", test_shortcuts_are_bound_and_listed);

  bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_add_user (bed, DEWI, PASSWORD);
  kabar_test_bed_add_user (bed, AYU, PASSWORD);
  kabar_test_bed_add_user (bed, BUDI, PASSWORD);
  /* As providers do: Postfix asks Dovecot whether a local address exists,
   * and refuses one that does not while the message is handed over. */
  kabar_test_bed_add_postfix_config (bed, "smtpd_recipient_restrictions = reject_unverified_recipient\n"
                                          "unverified_recipient_reject_code = 550\n");
  kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT | KABAR_TEST_BED_POSTFIX, &error);
  g_assert_no_error (error);
  fill_mailbox ();
  kabar_ui_bed_write_account (bed, "Dewi Lestari", DEWI);

  /* No moment to take mail back: the tests wait for what arrives. */
  settings = g_settings_new (KABAR_APPLICATION_ID);
  g_settings_set_uint (settings, "send-delay", 0);
  kabar_ui_notifications_start ();
  app = kabar_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  g_assert_true (kabar_ui_test_wait_for (folders_loaded, NULL, WAIT_MS));

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_object (&bed);
  kabar_ui_notifications_stop ();
  return status;
}
