/* test-message-privacy.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A message must not tell its sender that it was read. Hostile messages
 * point every way HTML can fetch something at a loopback HTTP server that
 * counts each connection and each request by path: nothing may arrive
 * until the user chooses "Show once", and then only that message's own;
 * no script of a message ever runs.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kabar-message-view.h"
#include "kabar-store-senders.h"
#include "kabar-ui-test.h"

/* --- the tracking server ---------------------------------------------------------------- */

typedef struct
{
  GSocketService *service;
  guint16         port;
  guint           connections;
  /* path -> count */
  GHashTable     *requests;
} Tracker;

static void
on_request_line (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GSocketConnection) connection = user_data;
  Tracker *tracker = g_object_get_data (G_OBJECT (connection), "tracker");
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  g_auto(GStrv) words = line != NULL ? g_strsplit (line, " ", 3) : NULL;
  static const char response[] =
    "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: 43\r\nConnection: close\r\n\r\n"
    "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff\x21\xf9\x04\x01\x00\x00\x00\x00"
    "\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b";

  if (words != NULL && g_strv_length (words) >= 2)
    {
      char *path = g_strdup (words[1]);
      char *query = strchr (path, '?');

      if (query != NULL)
        *query = '\0';
      g_hash_table_insert (tracker->requests, path,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (tracker->requests, path)) + 1));
      g_test_message ("request: %s", line);
    }
  /* A tiny GIF for whatever was asked: enough for every kind of load. */
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), response,
                             sizeof response - 1, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  Tracker *tracker = user_data;
  GDataInputStream *input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));

  /* A connection alone (preconnect) already tells the sender. */
  tracker->connections++;
  g_object_set_data (G_OBJECT (connection), "tracker", tracker);
  g_object_set_data_full (G_OBJECT (connection), "input", input, g_object_unref);
  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, on_request_line, g_object_ref (connection));
  return TRUE;
}

static Tracker *
tracker_start (void)
{
  Tracker *tracker = g_new0 (Tracker, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  tracker->service = g_socket_service_new ();
  tracker->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (tracker->service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                                &bound, &error));
  g_assert_no_error (error);
  tracker->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (tracker->service, "incoming", G_CALLBACK (on_incoming), tracker);
  g_socket_service_start (tracker->service);
  return tracker;
}

static void
tracker_free (Tracker *tracker)
{
  g_socket_service_stop (tracker->service);
  g_socket_listener_close (G_SOCKET_LISTENER (tracker->service));
  g_object_unref (tracker->service);
  g_hash_table_unref (tracker->requests);
  g_free (tracker);
}

static guint
tracker_count (Tracker    *tracker,
               const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (tracker->requests, path));
}

/* Every path asked for, for a failure message that names what leaked. */
static char *
tracker_describe (Tracker *tracker)
{
  GString *text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer path, count;

  g_string_append_printf (text, "%u connections;", tracker->connections);
  g_hash_table_iter_init (&iter, tracker->requests);
  while (g_hash_table_iter_next (&iter, &path, &count))
    g_string_append_printf (text, " %s (%u)", (char *) path, GPOINTER_TO_UINT (count));
  return g_string_free (text, FALSE);
}

static void
assert_nothing_leaked (Tracker *tracker)
{
  g_autofree char *seen = tracker_describe (tracker);

  if (tracker->connections != 0 || g_hash_table_size (tracker->requests) != 0)
    g_error ("The message reached the network: %s", seen);
}

/* --- hostile messages -------------------------------------------------------------------- */

/* Every way HTML can fetch, each at its own path under /PREFIX/. Scripts
 * that would run change the title and fetch /PREFIX/script-*. */
static char *
hostile_html (Tracker    *tracker,
              const char *prefix)
{
  g_autofree char *p = g_strdup_printf ("http://127.0.0.1:%u/%s", tracker->port, prefix);
  GString *html = g_string_new ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">\n");

  g_string_append (html, "<title>Hostile</title>\n");
  g_string_append_printf (html, "<meta http-equiv=\"refresh\" content=\"0; url=%s/meta-refresh\">\n", p);
  g_string_append_printf (html, "<link rel=\"stylesheet\" href=\"%s/link-stylesheet.css\">\n", p);
  g_string_append_printf (html, "<link rel=\"prefetch\" href=\"%s/link-prefetch\">\n", p);
  g_string_append_printf (html, "<link rel=\"preload\" as=\"image\" href=\"%s/link-preload.png\">\n", p);
  g_string_append_printf (html, "<link rel=\"preconnect\" href=\"http://127.0.0.1:%u\">\n", tracker->port);
  g_string_append_printf (html, "<link rel=\"dns-prefetch\" href=\"http://127.0.0.1:%u\">\n", tracker->port);
  g_string_append_printf (html, "<link rel=\"icon\" href=\"%s/link-icon.ico\">\n", p);
  g_string_append_printf (html, "<style>@import url(\"%s/style-import.css\");\n"
                          "body { background-image: url(\"%s/style-background.png\"); }\n"
                          "@font-face { font-family: tracker; src: url(\"%s/style-font.woff\"); }\n"
                          "p.font { font-family: tracker; }\n"
                          "li::before { content: url(\"%s/style-content.png\"); }</style>\n", p, p, p, p);
  g_string_append_printf (html, "<script src=\"%s/script-remote.js\"></script>\n", p);
  g_string_append_printf (html, "<script>document.title = 'script ran'; new Image ().src = '%s/script-inline';"
                          "fetch ('%s/script-fetch');</script>\n", p, p);
  g_string_append_printf (html, "</head><body background=\"%s/body-background.png\""
                          " onload=\"document.title = 'onload ran'; new Image ().src = '%s/script-onload'\">\n", p, p);
  g_string_append (html, "<p class=\"font\">Hostile message</p><ul><li>item</li></ul>\n");
  g_string_append_printf (html, "<img src=\"%s/img-src.png\" width=\"4\" height=\"4\">\n", p);
  g_string_append_printf (html, "<img srcset=\"%s/img-srcset.png 1x, %s/img-srcset-2x.png 2x\">\n", p, p);
  g_string_append_printf (html, "<img src=\"%s/img-lazy.png\" loading=\"lazy\">\n", p);
  g_string_append_printf (html, "<picture><source srcset=\"%s/picture-source.png\"><img src=\"%s/picture-img.png\"></picture>\n", p, p);
  g_string_append_printf (html, "<div style=\"background: url('%s/style-attribute.png'); width: 8px; height: 8px\"></div>\n", p);
  g_string_append_printf (html, "<table background=\"%s/table-background.png\"><tr>"
                          "<td background=\"%s/td-background.png\">cell</td></tr></table>\n", p, p);
  g_string_append_printf (html, "<video poster=\"%s/video-poster.png\" src=\"%s/video-src.mp4\" autoplay>"
                          "<source src=\"%s/video-source.mp4\"><track src=\"%s/video-track.vtt\" default></video>\n",
                          p, p, p, p);
  g_string_append_printf (html, "<audio src=\"%s/audio-src.mp3\" autoplay><source src=\"%s/audio-source.mp3\"></audio>\n",
                          p, p);
  g_string_append_printf (html, "<object data=\"%s/object-data.png\" type=\"image/png\"></object>\n", p);
  g_string_append_printf (html, "<embed src=\"%s/embed-src.svg\" type=\"image/svg+xml\">\n", p);
  g_string_append_printf (html, "<iframe src=\"%s/iframe-src\"></iframe>\n", p);
  g_string_append_printf (html, "<form action=\"%s/form-submit\"><input type=\"image\" src=\"%s/input-image.png\">"
                          "<input name=\"q\" value=\"1\"></form>\n", p, p);
  g_string_append_printf (html, "<form id=\"auto\" action=\"%s/script-form\"><input name=\"a\"></form>"
                          "<script>document.getElementById ('auto').submit ();</script>\n", p);
  g_string_append_printf (html, "<svg width=\"8\" height=\"8\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">"
                          "<image href=\"%s/svg-image.png\" width=\"8\" height=\"8\"/>"
                          "<image xlink:href=\"%s/svg-xlink.png\" width=\"8\" height=\"8\"/></svg>\n", p, p);
  g_string_append_printf (html, "<a id=\"js-link\" href=\"javascript:document.title='link ran';"
                          "new Image ().src='%s/script-link'\">a javascript: link</a>\n", p);
  g_string_append_printf (html, "<img src=\"missing\" onerror=\"document.title = 'onerror ran';"
                          "new Image ().src = '%s/script-onerror'\">\n", p);
  g_string_append (html, "</body></html>\n");
  return g_string_free (html, FALSE);
}

/* The same HTML as a message, for the whole path through the display
 * model. */
static GBytes *
hostile_message (Tracker    *tracker,
                 const char *prefix,
                 const char *sender)
{
  g_autofree char *html = hostile_html (tracker, prefix);
  g_autofree char *raw = g_strdup_printf ("From: Tracker <%s>\r\n"
                                          "To: reader@example.org\r\n"
                                          "Subject: Hostile %s\r\n"
                                          "Date: Sun, 22 Nov 2026 09:00:00 +0000\r\n"
                                          "Message-ID: <%s@example.com>\r\n"
                                          "MIME-Version: 1.0\r\n"
                                          "Content-Type: text/html; charset=utf-8\r\n"
                                          "\r\n%s", sender, prefix, prefix, html);

  return g_bytes_new_take (g_steal_pointer (&raw), strlen (raw));
}

/* --- waiting ----------------------------------------------------------------------------- */

static gboolean
view_loaded (gpointer data)
{
  return kabar_message_view_is_loaded (data);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

/* Gives a leak every chance to happen: meta refresh, lazy images and
 * media start after the load event. Not an assertion on time. */
static void
let_it_settle (void)
{
  kabar_ui_test_wait_for (never, NULL, 1500);
}

typedef struct
{
  Tracker    *tracker;
  const char *path;
} Awaited;

static gboolean
path_requested (gpointer data)
{
  Awaited *awaited = data;

  return tracker_count (awaited->tracker, awaited->path) > 0;
}

static GtkWidget *
show_in_window (GtkWidget *view)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 700);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
click_button (GtkWidget  *root,
              const char *label)
{
  GtkWidget *button = kabar_ui_test_find_button (root, label);

  if (button == NULL)
    g_error ("No button “%s”", label);
  g_assert_true (gtk_widget_is_drawable (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_widget_activate (button);
}

static const char *
page_title (GtkWidget *view)
{
  const char *title = webkit_web_view_get_title (kabar_message_view_get_web_view (KABAR_MESSAGE_VIEW (view)));

  return title != NULL ? title : "";
}

/* Every request under /prefix/, and none of a script's. */
static void
assert_only_prefix (Tracker    *tracker,
                    const char *prefix)
{
  g_autofree char *start = g_strdup_printf ("/%s/", prefix);
  g_autofree char *seen = tracker_describe (tracker);
  GHashTableIter iter;
  gpointer path;

  g_hash_table_iter_init (&iter, tracker->requests);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    {
      if (!g_str_has_prefix (path, start))
        g_error ("A request not of the message shown: %s (all: %s)", (char *) path, seen);
      if (strstr (path, "/script-") != NULL)
        g_error ("A script of the message ran: %s (all: %s)", (char *) path, seen);
      if (strstr (path, "/meta-refresh") != NULL || strstr (path, "/form-") != NULL)
        g_error ("The message navigated the view: %s (all: %s)", (char *) path, seen);
    }
}

/* --- the tests --------------------------------------------------------------------------- */

/* The view's own layer: the HTML given as it is, as if the model had
 * missed every reference. */
static void
test_privacy_view_blocks_unsanitised_html (void)
{
  Tracker *tracker = tracker_start ();
  g_autofree char *html_a = hostile_html (tracker, "a");
  g_autofree char *html_b = hostile_html (tracker, "b");
  GtkWidget *view_a = kabar_message_view_new ();
  GtkWidget *view_b = kabar_message_view_new ();
  GtkWidget *window_a = show_in_window (view_a);
  GtkWidget *window_b = show_in_window (view_b);
  Awaited img = { tracker, "/a/img-src.png" };

  kabar_message_view_load_html (KABAR_MESSAGE_VIEW (view_a), html_a, NULL, "tracker@example.com");
  kabar_message_view_load_html (KABAR_MESSAGE_VIEW (view_b), html_b, NULL, "tracker@example.com");
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view_a, 20000));
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view_b, 20000));
  let_it_settle ();

  assert_nothing_leaked (tracker);
  g_assert_cmpstr (page_title (view_a), ==, "Hostile");
  g_assert_cmpstr (page_title (view_b), ==, "Hostile");
  g_assert_nonnull (kabar_ui_test_find_label (window_a, _("Remote content was blocked to protect your privacy.")));
  g_assert_false (kabar_message_view_get_remote_content_shown (KABAR_MESSAGE_VIEW (view_a)));

  /* The app's own JavaScript still works, and the page did not run its. */
  click_button (window_a, _("Show Once"));
  g_assert_true (kabar_ui_test_wait_for (path_requested, &img, 20000));
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view_a, 20000));
  let_it_settle ();

  g_assert_true (kabar_message_view_get_remote_content_shown (KABAR_MESSAGE_VIEW (view_a)));
  g_assert_null (kabar_ui_test_find_label (window_a, _("Remote content was blocked to protect your privacy.")));
  assert_only_prefix (tracker, "a");
  g_assert_cmpuint (tracker_count (tracker, "/a/style-background.png") + tracker_count (tracker, "/a/link-stylesheet.css"), >, 0);
  g_assert_cmpstr (page_title (view_a), ==, "Hostile");
  g_assert_cmpstr (page_title (view_b), ==, "Hostile");

  gtk_window_destroy (GTK_WINDOW (window_a));
  gtk_window_destroy (GTK_WINDOW (window_b));
  tracker_free (tracker);
}

static void
on_display_built (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KabarMessageDisplay **display = user_data;
  g_autoptr(GError) error = NULL;

  *display = kabar_message_display_new_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
display_built (gpointer data)
{
  return *(KabarMessageDisplay **) data != NULL;
}

static KabarMessageDisplay *
build_display (GBytes *raw)
{
  KabarMessageDisplay *display = NULL;

  kabar_message_display_new_async (raw, KABAR_DISPLAY_PREFER_HTML, NULL, NULL, on_display_built, &display);
  g_assert_true (kabar_ui_test_wait_for (display_built, &display, 20000));
  return display;
}

/* Both layers, as a user meets them: a message through the model. */
static void
test_privacy_message_through_model (void)
{
  Tracker *tracker = tracker_start ();
  g_autoptr(GBytes) raw_c = hostile_message (tracker, "c", "tracker@example.com");
  g_autoptr(GBytes) raw_d = hostile_message (tracker, "d", "tracker@example.com");
  g_autoptr(KabarMessageDisplay) display_c = build_display (raw_c);
  g_autoptr(KabarMessageDisplay) display_d = build_display (raw_d);
  GtkWidget *view_c = kabar_message_view_new ();
  GtkWidget *view_d = kabar_message_view_new ();
  GtkWidget *window_c = show_in_window (view_c);
  GtkWidget *window_d = show_in_window (view_d);
  Awaited img = { tracker, "/c/img-src.png" };

  g_assert_true (kabar_message_display_has_remote_content (display_c));
  kabar_message_view_set_display (KABAR_MESSAGE_VIEW (view_c), display_c);
  kabar_message_view_set_display (KABAR_MESSAGE_VIEW (view_d), display_d);
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view_c, 20000));
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view_d, 20000));
  let_it_settle ();

  assert_nothing_leaked (tracker);
  g_assert_nonnull (kabar_ui_test_find_label (window_c, "Hostile c"));
  g_assert_nonnull (kabar_ui_test_find_label (window_c, _("Remote content was blocked to protect your privacy.")));
  /* No store: nowhere to keep "always". */
  g_assert_null (kabar_ui_test_find_label (window_c, _("Always for This Sender")));

  click_button (window_c, _("Show Once"));
  g_assert_true (kabar_ui_test_wait_for (path_requested, &img, 20000));
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view_c, 20000));
  let_it_settle ();

  assert_only_prefix (tracker, "c");
  g_assert_cmpstr (page_title (view_c), !=, "script ran");
  g_assert_cmpstr (page_title (view_d), !=, "script ran");

  gtk_window_destroy (GTK_WINDOW (window_c));
  gtk_window_destroy (GTK_WINDOW (window_d));
  tracker_free (tracker);
}

static void
remove_store (const char *directory,
              const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_unlink (wal);
  g_unlink (shm);
  g_assert_cmpint (g_rmdir (directory), ==, 0);
}

/* "Always for this sender" is kept in the account's store: the next
 * message from that sender, in a new view, loads its remote content
 * without asking; another sender's does not. */
static void
test_privacy_always_for_sender (void)
{
  Tracker *tracker = tracker_start ();
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("kabar-privacy-XXXXXX", &error);
  g_autofree char *path = g_build_filename (directory, "store.sqlite", NULL);
  g_autoptr(KabarStore) store = kabar_store_open (path, &error);
  g_autoptr(GBytes) raw_e = hostile_message (tracker, "e", "Friend@Example.org");
  g_autoptr(GBytes) raw_f = hostile_message (tracker, "f", "friend@example.org");
  g_autoptr(GBytes) raw_g = hostile_message (tracker, "g", "stranger@example.org");
  g_autoptr(KabarMessageDisplay) display_e = build_display (raw_e);
  g_autoptr(KabarMessageDisplay) display_f = build_display (raw_f);
  g_autoptr(KabarMessageDisplay) display_g = build_display (raw_g);
  GtkWidget *view = kabar_message_view_new ();
  GtkWidget *window = show_in_window (view);
  Awaited img_e = { tracker, "/e/img-src.png" };
  Awaited img_f = { tracker, "/f/img-src.png" };
  gboolean allowed = TRUE;

  g_assert_no_error (error);
  kabar_message_view_set_store (KABAR_MESSAGE_VIEW (view), store);
  kabar_message_view_set_display (KABAR_MESSAGE_VIEW (view), display_e);
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view, 20000));
  let_it_settle ();
  assert_nothing_leaked (tracker);

  click_button (window, _("Always for This Sender"));
  g_assert_true (kabar_ui_test_wait_for (path_requested, &img_e, 20000));
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view, 20000));
  assert_only_prefix (tracker, "e");
  gtk_window_destroy (GTK_WINDOW (window));

  /* The store has it, whatever the case of the address. */
  g_assert_true (kabar_store_is_remote_content_allowed (store, "friend@EXAMPLE.org", &allowed, &error));
  g_assert_no_error (error);
  g_assert_true (allowed);

  /* A new view of the same store: the same sender's next message. */
  g_hash_table_remove_all (tracker->requests);
  view = kabar_message_view_new ();
  window = show_in_window (view);
  kabar_message_view_set_store (KABAR_MESSAGE_VIEW (view), store);
  kabar_message_view_set_display (KABAR_MESSAGE_VIEW (view), display_f);
  g_assert_true (kabar_ui_test_wait_for (path_requested, &img_f, 20000));
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view, 20000));
  g_assert_true (kabar_message_view_get_remote_content_shown (KABAR_MESSAGE_VIEW (view)));
  g_assert_null (kabar_ui_test_find_label (window, _("Remote content was blocked to protect your privacy.")));
  assert_only_prefix (tracker, "f");

  /* Someone else: blocked as before. */
  g_hash_table_remove_all (tracker->requests);
  tracker->connections = 0;
  kabar_message_view_set_display (KABAR_MESSAGE_VIEW (view), display_g);
  g_assert_true (kabar_ui_test_wait_for (view_loaded, view, 20000));
  let_it_settle ();
  assert_nothing_leaked (tracker);
  g_assert_false (kabar_message_view_get_remote_content_shown (KABAR_MESSAGE_VIEW (view)));
  g_assert_nonnull (kabar_ui_test_find_label (window, _("Remote content was blocked to protect your privacy.")));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  remove_store (directory, path);
  tracker_free (tracker);
}

int
main (int   argc,
      char *argv[])
{
  kabar_ui_test_init (&argc, &argv);
  adw_init ();

  g_test_add_func ("/message-privacy/view-blocks-unsanitised-html", test_privacy_view_blocks_unsanitised_html);
  g_test_add_func ("/message-privacy/message-through-model", test_privacy_message_through_model);
  g_test_add_func ("/message-privacy/always-for-sender", test_privacy_always_for_sender);
  return g_test_run ();
}
