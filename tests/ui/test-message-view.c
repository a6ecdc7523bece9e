/* test-message-view.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages as a person reads them: .eml files opened in Kabar (as the
 * file manager or `kabar FILE.eml` does) show in a message window with
 * their header, attachments and body, in light and dark styles; find,
 * zoom, save, view source and links do what their names say.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kabar-application.h"
#include "kabar-message-web.h"
#include "kabar-message-window.h"
#include "kabar-ui-test.h"

static KabarApplication *test_app;
static char *test_dir;

/* --- the messages ------------------------------------------------------------------------ */

static const char plain_message[] =
  "From: Ana Lima <ana@example.org>\r\n"
  "To: Budi Santoso <budi@example.org>\r\n"
  "Cc: Chitra Rao <chitra@example.org>, team@example.org\r\n"
  "Subject: Re: The garden plan\r\n"
  "Date: Tue, 10 Nov 2026 16:42:00 +0700\r\n"
  "Message-ID: <plain-1@example.org>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: text/plain; charset=utf-8\r\n"
  "\r\n"
  "Hi Budi,\r\n"
  "\r\n"
  "The needle on the plan marks where the well goes. I have put a second\r\n"
  "needle by the gate, and a third needle near the old mango tree.\r\n"
  "See https://example.org/garden/plan for the drawings.\r\n"
  "\r\n"
  "On Mon, 9 Nov 2026, Budi Santoso wrote:\r\n"
  "> Where should the well go?\r\n"
  "> \r\n"
  ">> On Sun, Chitra wrote:\r\n"
  ">> We need water for the east beds first.\r\n"
  "\r\n"
  "Thanks,\r\n"
  "Ana\r\n"
  "\r\n"
  "-- \r\n"
  "Ana Lima\r\n"
  "Community Garden, Jalan Melati 12\r\n";

static const char newsletter_message[] =
  "From: Kebun Weekly <news@kebun.example>\r\n"
  "To: budi@example.org\r\n"
  "Subject: Kebun Weekly: seeds of the season\r\n"
  "Date: Mon, 16 Nov 2026 07:00:00 +0000\r\n"
  "Message-ID: <news-1@kebun.example>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: text/html; charset=utf-8\r\n"
  "\r\n"
  "<html><body bgcolor=\"#f4efe6\" style=\"margin:0\">\r\n"
  "<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" bgcolor=\"#f4efe6\"><tr><td align=\"center\">\r\n"
  "<table width=\"560\" cellpadding=\"18\" cellspacing=\"0\" style=\"background:#ffffff;color:#2d2a26;"
  "font-family:Georgia,serif\">\r\n"
  "<tr><td style=\"background:#2f6b3a;color:#ffffff;font-size:26px\">Kebun Weekly</td></tr>\r\n"
  "<tr><td><h2 style=\"color:#2f6b3a\">Seeds of the season</h2>\r\n"
  "<p>Chillies, long beans and kangkung all love the rains. This week we look at\r\n"
  "starting them in trays before the beds are ready.</p>\r\n"
  "<p><a href=\"https://kebun.example/seeds\" style=\"color:#b5461f\">Read the full guide</a></p>\r\n"
  "</td></tr>\r\n"
  "<tr><td style=\"font-size:12px;color:#7a736a\">You get this because you joined Kebun.</td></tr>\r\n"
  "</table></td></tr></table></body></html>\r\n";

static const char attachments_message[] =
  "From: Dewi Pratiwi <dewi@example.org>\r\n"
  "To: budi@example.org\r\n"
  "Subject: Documents for the permit\r\n"
  "Date: Wed, 11 Nov 2026 09:15:00 +0700\r\n"
  "Message-ID: <attach-1@example.org>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
  "\r\n"
  "--b1\r\n"
  "Content-Type: text/plain; charset=utf-8\r\n"
  "\r\n"
  "Here are the papers the office asked for.\r\n"
  "--b1\r\n"
  "Content-Type: application/pdf; name=\"permit-application.pdf\"\r\n"
  "Content-Disposition: attachment; filename=\"permit-application.pdf\"\r\n"
  "Content-Transfer-Encoding: base64\r\n"
  "\r\n"
  "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK\r\n"
  "--b1\r\n"
  "Content-Type: text/csv; name=\"budget.csv\"\r\n"
  "Content-Disposition: attachment; filename=\"budget.csv\"\r\n"
  "\r\n"
  "item,cost\r\nseeds,120000\r\ntools,450000\r\n"
  "--b1\r\n"
  "Content-Type: application/zip; name=\"site-photos.zip\"\r\n"
  "Content-Disposition: attachment; filename=\"site-photos.zip\"\r\n"
  "Content-Transfer-Encoding: base64\r\n"
  "\r\n"
  "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\r\n"
  "--b1\r\n"
  "Content-Type: application/vnd.oasis.opendocument.text; name=\"letter.odt\"\r\n"
  "Content-Disposition: attachment; filename=\"letter.odt\"\r\n"
  "Content-Transfer-Encoding: base64\r\n"
  "\r\n"
  "UEsDBAoAAAAAAAAAIQAAAAAAAAAAAAAAAAAIAAAAbWltZXR5cGU=\r\n"
  "--b1--\r\n";

static const char hindi_message[] =
  "From: =?utf-8?b?4KSw4KS+4KSc4KWH4KS2IOCkleClgeCkruCkvuCksA==?= <rajesh@example.in>\r\n"
  "To: =?utf-8?b?4KSq4KWN4KSw4KS/4KSv4KS+?= <priya@example.in>\r\n"
  "Subject: =?utf-8?b?4KSV4KSyIOCkleClgCDgpKzgpYjgpKDgpJU=?=\r\n"
  "Date: Thu, 12 Nov 2026 18:30:00 +0530\r\n"
  "Message-ID: <hindi-1@example.in>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: text/plain; charset=utf-8\r\n"
  "Content-Transfer-Encoding: 8bit\r\n"
  "\r\n"
  "नमस्ते प्रिया,\r\n"
  "\r\n"
  "कल की बैठक सुबह दस बजे पुस्तकालय में होगी। कृपया बगीचे की योजना साथ लाना।\r\n"
  "\r\n"
  "> क्या बैठक कल है?\r\n"
  "\r\n"
  "धन्यवाद,\r\n"
  "राजेश\r\n";

static const char forwarded_message[] =
  "From: Budi Santoso <budi@example.org>\r\n"
  "To: Ana Lima <ana@example.org>\r\n"
  "Subject: Fwd: Water delivery on Friday\r\n"
  "Date: Fri, 13 Nov 2026 08:05:00 +0700\r\n"
  "Message-ID: <fwd-1@example.org>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: multipart/mixed; boundary=\"f1\"\r\n"
  "\r\n"
  "--f1\r\n"
  "Content-Type: text/plain; charset=utf-8\r\n"
  "\r\n"
  "See below: the truck comes on Friday.\r\n"
  "--f1\r\n"
  "Content-Type: message/rfc822\r\n"
  "Content-Disposition: inline\r\n"
  "\r\n"
  "From: Tirta Water <orders@tirta.example>\r\n"
  "To: Budi Santoso <budi@example.org>\r\n"
  "Subject: Water delivery on Friday\r\n"
  "Date: Thu, 12 Nov 2026 15:00:00 +0700\r\n"
  "Message-ID: <order-77@tirta.example>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: text/plain; charset=utf-8\r\n"
  "\r\n"
  "Your order 77 of 2,000 litres will arrive on Friday between 9 and 11.\r\n"
  "--f1--\r\n";

static GFile *
write_message (const char *name,
               const char *raw)
{
  g_autofree char *path = g_build_filename (test_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, raw, -1, &error));
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

/* --- the window of a file ---------------------------------------------------------------- */

static KabarMessageWindow *
find_message_window (GFile *file)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (KABAR_IS_MESSAGE_WINDOW (window) && gtk_widget_get_mapped (window)
          && kabar_message_window_get_file (KABAR_MESSAGE_WINDOW (window)) != NULL
          && g_file_equal (kabar_message_window_get_file (KABAR_MESSAGE_WINDOW (window)), file))
        return KABAR_MESSAGE_WINDOW (window);
    }
  return NULL;
}

typedef struct
{
  GFile              *file;
  KabarMessageWindow *window;
} Opening;

static gboolean
message_shown (gpointer data)
{
  Opening *opening = data;

  opening->window = find_message_window (opening->file);
  return opening->window != NULL
         && (kabar_message_window_get_error (opening->window) != NULL
             || kabar_message_view_is_loaded (kabar_message_window_get_view (opening->window)));
}

/* Opens file as the file manager would, and waits for its window to show
 * the loaded message (or why it cannot). */
static KabarMessageWindow *
open_file (GFile *file)
{
  Opening opening = { file, NULL };

  g_application_open (G_APPLICATION (test_app), &file, 1, "");
  g_assert_true (kabar_ui_test_wait_for (message_shown, &opening, 30000));
  kabar_ui_test_wait_for_frame (GTK_WIDGET (opening.window));
  return opening.window;
}

static gboolean
no_window_left (gpointer data)
{
  return g_list_model_get_n_items (gtk_window_get_toplevels ()) == 0;
}

static void
close_all_windows (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  g_assert_true (kabar_ui_test_wait_for (no_window_left, NULL, 5000));
}

/* --- the page ---------------------------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  char     *result;
} Evaluation;

static void
on_evaluated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Evaluation *evaluation = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result, &error);

  g_assert_no_error (error);
  evaluation->result = jsc_value_to_string (value);
  evaluation->done = TRUE;
}

static gboolean
evaluation_done (gpointer data)
{
  return ((Evaluation *) data)->done;
}

/* What the page says to Kabar's own script (the message's never run). */
static char *
evaluate (KabarMessageView *view,
          const char       *script)
{
  Evaluation evaluation = { FALSE, NULL };

  webkit_web_view_evaluate_javascript (kabar_message_view_get_web_view (view), script, -1, NULL, NULL, NULL,
                                       on_evaluated, &evaluation);
  g_assert_true (kabar_ui_test_wait_for (evaluation_done, &evaluation, 10000));
  return evaluation.result;
}

static char *
page_background (KabarMessageView *view)
{
  return evaluate (view, "getComputedStyle (document.documentElement).backgroundColor");
}

static char *
body_colour (KabarMessageView *view)
{
  return evaluate (view, "getComputedStyle (document.body).color");
}

static void
assert_view_background (KabarMessageView *view,
                        const char       *expected)
{
  GdkRGBA colour, wanted;

  g_assert_true (gdk_rgba_parse (&wanted, expected));
  webkit_web_view_get_background_color (kabar_message_view_get_web_view (view), &colour);
  g_assert_true (gdk_rgba_equal (&colour, &wanted));
}

static void
assert_label_shown (GtkWidget  *root,
                    const char *text)
{
  if (kabar_ui_test_find_label (root, text) == NULL)
    g_error ("No label shows “%s”", text);
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
}

static gboolean
view_loaded (gpointer data)
{
  return kabar_message_view_is_loaded (data);
}

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

/* The window as the user sees it: GTK paints the header, WebKit the
 * page, which GTK's own rendering of the window does not hold. */
static GdkTexture *
screenshot_window (KabarMessageWindow *window,
                   const char         *name)
{
  WebKitWebView *web_view = kabar_message_view_get_web_view (kabar_message_window_get_view (window));
  PageShot shot = { FALSE, NULL };
  GdkTexture *texture;

  kabar_ui_test_wait_for_frame (GTK_WIDGET (window));
  webkit_web_view_get_snapshot (web_view, WEBKIT_SNAPSHOT_REGION_VISIBLE, WEBKIT_SNAPSHOT_OPTIONS_NONE,
                                NULL, on_page_shot, &shot);
  g_assert_true (kabar_ui_test_wait_for (page_shot_done, &shot, 10000));
  texture = kabar_ui_test_screenshot_with_inset (GTK_WIDGET (window), name, GTK_WIDGET (web_view), shot.texture);
  g_object_unref (shot.texture);
  return texture;
}

/* Shows the window in light and in dark, saving a screenshot of each. */
static void
screenshot_both (KabarMessageWindow *window,
                 const char         *name)
{
  KabarMessageView *view = kabar_message_window_get_view (window);
  g_autofree char *light_name = g_strdup_printf ("message-%s-light", name);
  g_autofree char *dark_name = g_strdup_printf ("message-%s-dark", name);
  g_autoptr(GdkTexture) light = NULL;
  g_autoptr(GdkTexture) dark = NULL;

  light = screenshot_window (window, light_name);
  g_assert_cmpuint (kabar_ui_test_count_colours (light), >, 50);

  set_dark (TRUE);
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view, 20000));
  dark = screenshot_window (window, dark_name);
  g_assert_cmpuint (kabar_ui_test_count_colours (dark), >, 50);
}

typedef struct
{
  gboolean  done;
  GError   *error;
} Saving;

static gboolean
saving_done (gpointer data)
{
  return ((Saving *) data)->done;
}

static void
on_attachment_saved (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Saving *saving = user_data;

  kabar_message_view_save_attachment_finish (KABAR_MESSAGE_VIEW (source), result, &saving->error);
  saving->done = TRUE;
}

static void
on_message_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Saving *saving = user_data;

  kabar_message_view_save_finish (KABAR_MESSAGE_VIEW (source), result, &saving->error);
  saving->done = TRUE;
}

/* --- the tests --------------------------------------------------------------------------- */

static void
test_view_plain_message (void)
{
  g_autoptr(GFile) file = write_message ("plain.eml", plain_message);
  KabarMessageWindow *window;
  KabarMessageView *view;
  KabarMessageDisplay *display;
  g_autofree char *date = NULL;
  g_autofree char *light_text = NULL;
  g_autofree char *dark_background = NULL;
  g_autofree char *dark_text = NULL;
  g_autofree char *quotes = NULL;
  g_autofree char *signature = NULL;

  set_dark (FALSE);
  window = open_file (file);
  view = kabar_message_window_get_view (window);
  display = kabar_message_view_get_display (view);
  g_assert_nonnull (display);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Re: The garden plan");
  assert_label_shown (GTK_WIDGET (view), "Re: The garden plan");
  assert_label_shown (GTK_WIDGET (view), "Ana Lima");
  assert_label_shown (GTK_WIDGET (view), "ana@example.org");
  assert_label_shown (GTK_WIDGET (view), "Budi Santoso <budi@example.org>");
  assert_label_shown (GTK_WIDGET (view), "Chitra Rao <chitra@example.org>, team@example.org");
  date = kabar_display_format_date (kabar_message_display_get_date (display), NULL);
  assert_label_shown (GTK_WIDGET (view), date);
  /* Nothing remote in it: no bar. */
  g_assert_null (kabar_ui_test_find_label (GTK_WIDGET (view), _("Remote content was blocked to protect your privacy.")));

  quotes = evaluate (view, "document.querySelectorAll ('blockquote.kabar-quote').length");
  g_assert_cmpstr (quotes, ==, "2");
  signature = evaluate (view, "document.querySelector ('.kabar-signature').textContent.includes ('Jalan Melati')");
  g_assert_cmpstr (signature, ==, "true");
  light_text = body_colour (view);
  g_assert_cmpstr (light_text, ==, "rgb(0, 0, 0)");
  assert_view_background (view, "#ffffff");

  screenshot_both (window, "plain");
  /* Kabar's own colours follow the style: a dark page, light text. */
  dark_background = page_background (view);
  dark_text = body_colour (view);
  g_assert_cmpstr (dark_background, ==, "rgb(30, 30, 30)");
  g_assert_cmpstr (dark_text, ==, "rgb(255, 255, 255)");
  assert_view_background (view, "#1e1e1e");

  set_dark (FALSE);
  close_all_windows ();
}

static void
test_view_newsletter_keeps_its_colours (void)
{
  g_autoptr(GFile) file = write_message ("newsletter.eml", newsletter_message);
  KabarMessageWindow *window;
  KabarMessageView *view;
  g_autofree char *light_background = NULL;
  g_autofree char *dark_background = NULL;
  g_autofree char *dark_body = NULL;

  set_dark (FALSE);
  window = open_file (file);
  view = kabar_message_window_get_view (window);
  assert_label_shown (GTK_WIDGET (view), "Kebun Weekly: seeds of the season");
  light_background = evaluate (view, "getComputedStyle (document.querySelector ('.kabar-html table')).backgroundColor");
  g_assert_cmpstr (light_background, ==, "rgb(244, 239, 230)");

  screenshot_both (window, "newsletter");
  /* As the sender wrote it, on a light canvas, in dark mode too. */
  dark_background = evaluate (view, "getComputedStyle (document.querySelector ('.kabar-html table')).backgroundColor");
  dark_body = body_colour (view);
  g_assert_cmpstr (dark_background, ==, light_background);
  g_assert_cmpstr (dark_body, !=, "rgb(255, 255, 255)");
  assert_view_background (view, "#ffffff");

  set_dark (FALSE);
  close_all_windows ();
}

static void
test_view_attachments (void)
{
  g_autoptr(GFile) file = write_message ("attachments.eml", attachments_message);
  static const char *names[] = { "permit-application.pdf", "budget.csv", "site-photos.zip", "letter.odt" };
  KabarMessageWindow *window;
  KabarMessageView *view;
  KabarMessageDisplay *display;
  g_autofree char *saved_path = g_build_filename (test_dir, "saved-budget.csv", NULL);
  g_autoptr(GFile) saved = g_file_new_for_path (saved_path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *flow;
  guint n_shown = 0;

  set_dark (FALSE);
  window = open_file (file);
  view = kabar_message_window_get_view (window);
  display = kabar_message_view_get_display (view);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    assert_label_shown (GTK_WIDGET (view), names[i]);
  flow = kabar_ui_test_find_widget (GTK_WIDGET (view), GTK_TYPE_FLOW_BOX);
  for (GtkWidget *child = gtk_widget_get_first_child (flow); child != NULL; child = gtk_widget_get_next_sibling (child))
    n_shown++;
  g_assert_cmpuint (n_shown, ==, G_N_ELEMENTS (names));
  assert_label_shown (GTK_WIDGET (view), _("Save All…"));

  /* What Save writes is the attachment's decoded bytes. */
  {
    Saving saving = { FALSE, NULL };
    g_autoptr(GBytes) expected = kabar_message_display_dup_attachment_data (display, 1, &error);
    gsize length = 0;

    g_assert_no_error (error);
    kabar_message_view_save_attachment_async (view, 1, saved, NULL, on_attachment_saved, &saving);
    g_assert_true (kabar_ui_test_wait_for (saving_done, &saving, 10000));
    g_assert_no_error (saving.error);
    g_assert_true (g_file_get_contents (saved_path, &contents, &length, &error));
    g_assert_cmpmem (contents, length, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
    g_assert_nonnull (strstr (contents, "seeds,120000"));
  }

  screenshot_both (window, "attachments");
  set_dark (FALSE);
  close_all_windows ();
}

static gboolean
image_loaded (gpointer data)
{
  g_autofree char *width = evaluate (data, "String (document.querySelector ('img').naturalWidth)");

  return g_strcmp0 (width, "0") != 0;
}

/* An image of the message itself (cid:) is no remote content: it shows at
 * once, and no bar offers anything. */
static void
test_view_inline_image (void)
{
  static const char related_message[] =
    "From: Ana Lima <ana@example.org>\r\n"
    "To: budi@example.org\r\n"
    "Subject: The new sign\r\n"
    "Date: Wed, 18 Nov 2026 10:00:00 +0700\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/related; boundary=\"r1\"\r\n"
    "\r\n"
    "--r1\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<html><body><p>The sign:</p><img src=\"cid:sign@example.org\" alt=\"sign\"></body></html>\r\n"
    "--r1\r\n"
    "Content-Type: image/png\r\n"
    "Content-ID: <sign@example.org>\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==\r\n"
    "--r1--\r\n";
  g_autoptr(GFile) file = write_message ("related.eml", related_message);
  KabarMessageWindow *window = open_file (file);
  KabarMessageView *view = kabar_message_window_get_view (window);
  g_autofree char *source = evaluate (view, "document.querySelector ('img').getAttribute ('src')");

  g_assert_cmpstr (source, ==, "cid:sign@example.org");
  g_assert_true (kabar_ui_test_wait_for (image_loaded, view, 10000));
  g_assert_null (kabar_ui_test_find_label (GTK_WIDGET (view), _("Remote content was blocked to protect your privacy.")));
  close_all_windows ();
}

/* Remote images blocked: the bar says so, and an .eml file outside any
 * account offers "Show once" only. */
static void
test_view_remote_content_bar (void)
{
  static const char remote_message[] =
    "From: Kebun Weekly <news@kebun.example>\r\n"
    "To: budi@example.org\r\n"
    "Subject: Photos from the harvest\r\n"
    "Date: Tue, 17 Nov 2026 07:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<html><body><p>Our harvest, in pictures:</p>\r\n"
    "<img src=\"http://127.0.0.1:9/harvest.jpg\" width=\"400\" height=\"200\" alt=\"The harvest\">\r\n"
    "<p>See you at the next work day.</p></body></html>\r\n";
  g_autoptr(GFile) file = write_message ("remote.eml", remote_message);
  KabarMessageWindow *window;
  KabarMessageView *view;
  g_autoptr(GdkTexture) shot = NULL;

  set_dark (FALSE);
  window = open_file (file);
  view = kabar_message_window_get_view (window);
  assert_label_shown (GTK_WIDGET (view), _("Remote content was blocked to protect your privacy."));
  g_assert_null (kabar_ui_test_find_label (GTK_WIDGET (view), _("Always for This Sender")));
  g_assert_false (kabar_message_view_get_remote_content_shown (view));
  shot = screenshot_window (window, "message-remote-blocked");
  close_all_windows ();
}

static void
test_view_hindi (void)
{
  g_autoptr(GFile) file = write_message ("hindi.eml", hindi_message);
  KabarMessageWindow *window;
  KabarMessageView *view;
  g_autofree char *text = NULL;

  set_dark (FALSE);
  window = open_file (file);
  view = kabar_message_window_get_view (window);
  assert_label_shown (GTK_WIDGET (view), "कल की बैठक");
  assert_label_shown (GTK_WIDGET (view), "राजेश कुमार");
  text = evaluate (view, "document.body.textContent.includes ('पुस्तकालय')");
  g_assert_cmpstr (text, ==, "true");
  screenshot_both (window, "hindi");
  set_dark (FALSE);
  close_all_windows ();
}

static void
test_view_forwarded (void)
{
  g_autoptr(GFile) file = write_message ("forwarded.eml", forwarded_message);
  KabarMessageWindow *window;
  KabarMessageView *view;
  g_autofree char *nested = NULL;

  set_dark (FALSE);
  window = open_file (file);
  view = kabar_message_window_get_view (window);
  assert_label_shown (GTK_WIDGET (view), "Fwd: Water delivery on Friday");
  nested = evaluate (view, "document.querySelector ('.kabar-nested-message').textContent.includes ('2,000 litres')");
  g_assert_cmpstr (nested, ==, "true");
  screenshot_both (window, "forwarded");
  set_dark (FALSE);
  close_all_windows ();
}

static gboolean
label_has_text (gpointer data)
{
  GtkLabel *label = g_object_get_data (data, "wanted-label");
  const char *wanted = g_object_get_data (data, "wanted-text");

  return g_strcmp0 (gtk_label_get_text (label), wanted) == 0;
}

static GtkWidget *
find_entry_of (KabarMessageView *view)
{
  GtkWidget *bar = kabar_ui_test_find_widget (GTK_WIDGET (view), GTK_TYPE_SEARCH_BAR);

  g_assert_nonnull (bar);
  return kabar_ui_test_find_widget (bar, GTK_TYPE_SEARCH_ENTRY);
}

static void
test_view_find (void)
{
  g_autoptr(GFile) file = write_message ("find.eml", plain_message);
  KabarMessageWindow *window;
  KabarMessageView *view;
  GtkWidget *bar, *entry, *status = NULL;
  g_autofree char *three = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u match", "%u matches", 3), 3);
  g_autoptr(GPtrArray) labels = NULL;
  g_autofree char *selected = NULL;

  set_dark (FALSE);
  window = open_file (file);
  view = kabar_message_window_get_view (window);
  bar = kabar_ui_test_find_widget (GTK_WIDGET (view), GTK_TYPE_SEARCH_BAR);
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.find", NULL));
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
  entry = find_entry_of (view);
  g_assert_true (gtk_widget_has_focus (entry) || gtk_widget_has_focus (gtk_widget_get_focus_child (entry)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "needle");

  /* The match count shows beside the entry. */
  labels = kabar_ui_test_find_widgets (bar, GTK_TYPE_LABEL);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (labels, i), "dim-label"))
      status = g_ptr_array_index (labels, i);
  g_assert_nonnull (status);
  g_object_set_data (G_OBJECT (status), "wanted-label", status);
  g_object_set_data (G_OBJECT (status), "wanted-text", three);
  g_assert_true (kabar_ui_test_wait_for (label_has_text, status, 10000));

  /* Next and previous move the selection through the matches. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.find-next", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.find-previous", NULL));
  selected = evaluate (view, "window.getSelection ().toString ()");
  g_assert_cmpstr (selected, ==, "needle");

  gtk_editable_set_text (GTK_EDITABLE (entry), "no such word anywhere");
  g_object_set_data (G_OBJECT (status), "wanted-text", (gpointer) _("No matches"));
  g_assert_true (kabar_ui_test_wait_for (label_has_text, status, 10000));
  kabar_ui_test_wait_for_frame (GTK_WIDGET (window));
  close_all_windows ();
}

typedef struct
{
  GdkClipboard *clipboard;
  char         *text;
  gboolean      done;
} ClipboardRead;

static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

/* Reads the clipboard until it holds wanted (the copy is asynchronous:
 * the web process hands the text over). */
static gboolean
clipboard_has (gpointer data)
{
  ClipboardRead *read = data;

  if (read->text != NULL && strstr (read->text, "third needle") != NULL)
    return TRUE;
  g_clear_pointer (&read->text, g_free);
  read->done = FALSE;
  gdk_clipboard_read_text_async (read->clipboard, NULL, on_clipboard_read, read);
  while (!read->done)
    g_main_context_iteration (NULL, TRUE);
  return read->text != NULL && strstr (read->text, "third needle") != NULL;
}

static void
test_view_select_and_copy (void)
{
  g_autoptr(GFile) file = write_message ("copy.eml", plain_message);
  KabarMessageWindow *window = open_file (file);
  KabarMessageView *view = kabar_message_window_get_view (window);
  ClipboardRead read = { gtk_widget_get_clipboard (GTK_WIDGET (view)), NULL, FALSE };
  g_autofree char *selected = NULL;

  gdk_clipboard_set_text (read.clipboard, "before");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.select-all", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.copy", NULL));
  g_assert_true (kabar_ui_test_wait_for (clipboard_has, &read, 10000));
  /* The message's text, its quotes too; not the header's widgets. */
  g_assert_nonnull (strstr (read.text, "We need water for the east beds first."));
  g_assert_null (strstr (read.text, "budi@example.org"));
  selected = evaluate (view, "window.getSelection ().toString ().length > 100");
  g_assert_cmpstr (selected, ==, "true");
  g_free (read.text);
  close_all_windows ();
}

static char *
page_width (KabarMessageView *view)
{
  return evaluate (view, "String (window.innerWidth)");
}

static void
test_view_zoom (void)
{
  g_autoptr(GFile) file = write_message ("zoom.eml", plain_message);
  KabarMessageWindow *window;
  KabarMessageView *view;
  WebKitWebView *web_view;
  g_autofree char *normal = NULL;
  g_autofree char *zoomed_in = NULL;
  g_autofree char *zoomed_out = NULL;
  g_autofree char *reset = NULL;

  set_dark (FALSE);
  window = open_file (file);
  view = kabar_message_window_get_view (window);
  web_view = kabar_message_view_get_web_view (view);
  normal = page_width (view);
  g_assert_cmpfloat (webkit_web_view_get_zoom_level (web_view), ==, 1.0);

  /* Bigger text: fewer CSS pixels fit across the same view. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.zoom-in", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.zoom-in", NULL));
  g_assert_cmpfloat (webkit_web_view_get_zoom_level (web_view), >, 1.0);
  zoomed_in = page_width (view);
  g_assert_cmpint (atoi (zoomed_in), <, atoi (normal));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.zoom-reset", NULL));
  reset = page_width (view);
  g_assert_cmpstr (reset, ==, normal);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.zoom-out", NULL));
  g_assert_cmpfloat (webkit_web_view_get_zoom_level (web_view), <, 1.0);
  zoomed_out = page_width (view);
  g_assert_cmpint (atoi (zoomed_out), >, atoi (normal));
  close_all_windows ();
}

static void
test_view_save_as_eml (void)
{
  g_autoptr(GFile) file = write_message ("save.eml", attachments_message);
  g_autofree char *copy_path = g_build_filename (test_dir, "copy.eml", NULL);
  g_autoptr(GFile) copy = g_file_new_for_path (copy_path);
  KabarMessageWindow *window;
  KabarMessageView *view;
  Saving saving = { FALSE, NULL };
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;
  GStatBuf info;

  window = open_file (file);
  view = kabar_message_window_get_view (window);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (view)));
  kabar_message_view_save_async (view, copy, NULL, on_message_saved, &saving);
  g_assert_true (kabar_ui_test_wait_for (saving_done, &saving, 10000));
  g_assert_no_error (saving.error);

  /* The message as received, byte for byte, readable by the user alone. */
  g_assert_true (g_file_get_contents (copy_path, &contents, &length, &error));
  g_assert_cmpmem (contents, length, attachments_message, strlen (attachments_message));
  g_assert_cmpint (g_stat (copy_path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  (void) window;
  close_all_windows ();
}

static GtkWindow *
source_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (!KABAR_IS_MESSAGE_WINDOW (window) && gtk_widget_get_mapped (window)
          && kabar_ui_test_find_widget (window, GTK_TYPE_TEXT_VIEW) != NULL)
        return GTK_WINDOW (window);
    }
  return NULL;
}

static gboolean
source_shown (gpointer data)
{
  return source_window () != NULL;
}

static void
test_view_source (void)
{
  g_autoptr(GFile) file = write_message ("source.eml", plain_message);
  KabarMessageWindow *window;
  KabarMessageView *view;
  GtkWindow *source;
  GtkWidget *text_view;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GdkTexture) shot = NULL;

  set_dark (FALSE);
  window = open_file (file);
  view = kabar_message_window_get_view (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.view-source", NULL));
  g_assert_true (kabar_ui_test_wait_for (source_shown, NULL, 5000));
  source = source_window ();
  text_view = kabar_ui_test_find_widget (GTK_WIDGET (source), GTK_TYPE_TEXT_VIEW);
  g_assert_true (gtk_text_view_get_monospace (GTK_TEXT_VIEW (text_view)));
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (text_view)));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  expected = kabar_message_display_dup_source_text (kabar_message_view_get_display (view));
  g_assert_cmpstr (text, ==, expected);
  g_assert_nonnull (strstr (text, "Subject: Re: The garden plan\n"));
  g_assert_nonnull (strstr (text, ">> We need water for the east beds first.\n"));
  g_assert_cmpstr (gtk_window_get_transient_for (source) == GTK_WINDOW (window) ? "yes" : "no", ==, "yes");
  kabar_ui_test_wait_for_frame (GTK_WIDGET (source));
  shot = kabar_ui_test_screenshot (GTK_WIDGET (source), "message-source");
  close_all_windows ();
}

typedef struct
{
  GPtrArray *uris;
} Links;

static gboolean
on_open_link (KabarMessageView *view,
              const char       *uri,
              gpointer          data)
{
  Links *links = data;

  g_ptr_array_add (links->uris, g_strdup (uri));
  /* Handled: no browser is started in a test. */
  return TRUE;
}

static gboolean
link_opened (gpointer data)
{
  return ((Links *) data)->uris->len > 0;
}

static void
test_view_link_opens_outside (void)
{
  g_autoptr(GFile) file = write_message ("link.eml", newsletter_message);
  KabarMessageWindow *window;
  KabarMessageView *view;
  WebKitWebView *web_view;
  Links links = { g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *clicked = NULL;
  g_autofree char *still_here = NULL;

  window = open_file (file);
  view = kabar_message_window_get_view (window);
  web_view = kabar_message_view_get_web_view (view);
  g_signal_connect (view, "open-link", G_CALLBACK (on_open_link), &links);

  clicked = evaluate (view, "document.querySelector ('a[href]').click (); 'clicked'");
  g_assert_cmpstr (clicked, ==, "clicked");
  g_assert_true (kabar_ui_test_wait_for (link_opened, &links, 10000));
  g_assert_cmpstr (g_ptr_array_index (links.uris, 0), ==, "https://kebun.example/seeds");

  /* The view still shows the message, not the link's page. */
  g_assert_cmpstr (webkit_web_view_get_uri (web_view), ==, KABAR_MESSAGE_WEB_BASE_URI);
  still_here = evaluate (view, "document.body.textContent.includes ('Seeds of the season')");
  g_assert_cmpstr (still_here, ==, "true");
  g_assert_true (kabar_message_view_is_loaded (view));

  g_signal_handlers_disconnect_by_data (view, &links);
  g_ptr_array_unref (links.uris);
  close_all_windows ();
}

static void
test_view_unreadable_file (void)
{
  g_autofree char *path = g_build_filename (test_dir, "missing.eml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KabarMessageWindow *window = open_file (file);
  GtkWidget *page = kabar_ui_test_find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE);

  g_assert_nonnull (kabar_message_window_get_error (window));
  g_assert_true (gtk_widget_is_drawable (page));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (page)), ==, _("The Message Cannot Be Shown"));
  /* The system's own words name the file. */
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)), "missing.eml"));
  close_all_windows ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  kabar_ui_test_init (&argc, &argv);
  test_dir = g_dir_make_tmp ("kabar-view-XXXXXX", &error);
  g_assert_no_error (error);
  test_app = kabar_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (test_app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/message-view/plain", test_view_plain_message);
  g_test_add_func ("/message-view/newsletter", test_view_newsletter_keeps_its_colours);
  g_test_add_func ("/message-view/attachments", test_view_attachments);
  g_test_add_func ("/message-view/inline-image", test_view_inline_image);
  g_test_add_func ("/message-view/remote-content-bar", test_view_remote_content_bar);
  g_test_add_func ("/message-view/hindi", test_view_hindi);
  g_test_add_func ("/message-view/forwarded", test_view_forwarded);
  g_test_add_func ("/message-view/select-and-copy", test_view_select_and_copy);
  g_test_add_func ("/message-view/find", test_view_find);
  g_test_add_func ("/message-view/zoom", test_view_zoom);
  g_test_add_func ("/message-view/save-as-eml", test_view_save_as_eml);
  g_test_add_func ("/message-view/source", test_view_source);
  g_test_add_func ("/message-view/link-opens-outside", test_view_link_opens_outside);
  g_test_add_func ("/message-view/unreadable-file", test_view_unreadable_file);
  status = g_test_run ();
  g_object_unref (test_app);
  return status;
}
