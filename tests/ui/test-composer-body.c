/* test-composer-body.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The composer's body under Xvfb, typed into with real key presses (XTest
 * makes the X server send them, and GTK takes them as it takes a user's):
 * bold by Ctrl+B, a list by Ctrl+Shift+8 ended by Enter on an empty item,
 * links by Ctrl+K and the popover's field, checked in what the composer
 * would send as HTML and as text; quotes and the cursor of a reply; HTML
 * read back as it was written; hostile HTML that never comes out.
 */

#include "config.h"

#include <adwaita.h>
#include <dlfcn.h>
#include <glib/gi18n.h>
#include <gdk/x11/gdkx.h>

#include "kabar-composer-body.h"
#include "kabar-ui-test.h"

typedef struct
{
  GtkWidget *window;
  KabarComposerBody *body;
  guint changes;
} Fixture;

static GtkPopover *link_popover (Fixture *fixture);

static GtkWidget *key_window;
/* A popover is a surface of its own: a key that opens or closes it ends
 * there or in the window. */
static GtkWidget *key_popover;

/* --- the keyboard ------------------------------------------------------------------- */

typedef int (*FakeKeyEventFunc) (Display *display, unsigned int keycode, int is_press, unsigned long delay);
typedef int (*FlushFunc)        (Display *display);

static FakeKeyEventFunc fake_key_event;
static FlushFunc flush;

/* libXtst is not linked: found at run time, as GTK finds its optional X
 * libraries; Xlib is in the process already, with GTK. */
static void
load_xtest (void)
{
  void *xtst = dlopen ("libXtst.so.6", RTLD_NOW | RTLD_GLOBAL);

  if (xtst == NULL)
    g_error ("XTest is needed to press keys: %s", dlerror ());
  fake_key_event = (FakeKeyEventFunc) dlsym (xtst, "XTestFakeKeyEvent");
  flush = (FlushFunc) dlsym (RTLD_DEFAULT, "XFlush");
  g_assert_nonnull (fake_key_event);
  g_assert_nonnull (flush);
}

static Display *
x_display (void)
{
  GdkDisplay *display = gtk_widget_get_display (key_window);

  g_assert_true (GDK_IS_X11_DISPLAY (display));
  return gdk_x11_display_get_xdisplay (display);
}

/* The key that types keyval, and whether it needs Shift. */
static guint
keycode_for (guint     keyval,
             gboolean *shift)
{
  g_autofree GdkKeymapKey *keys = NULL;
  int n_keys = 0;

  g_assert_true (gdk_display_map_keyval (gtk_widget_get_display (key_window), keyval, &keys, &n_keys));
  for (int i = 0; i < n_keys; i++)
    if (keys[i].group == 0 && keys[i].level <= 1)
      {
        *shift = keys[i].level == 1;
        return keys[i].keycode;
      }
  g_error ("no key types %s", gdk_keyval_name (keyval));
}

typedef struct
{
  guint    keycode;
  gboolean released;
} KeyWatch;

static gboolean
key_was_released (gpointer data)
{
  return ((KeyWatch *) data)->released;
}

/* The release of this very key: the X server may still be delivering
 * the previous key's. */
static void
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 KeyWatch              *watch)
{
  if (keycode == watch->keycode)
    watch->released = TRUE;
}

/* Presses keyval with Ctrl and/or Shift held and waits until GTK has
 * handled the release: whatever the press did is done. */
static void
press (guint           keyval,
       GdkModifierType modifiers)
{
  GtkEventController *watch = gtk_event_controller_key_new ();
  GtkEventController *popover_watch = gtk_event_controller_key_new ();
  gboolean shift = FALSE;
  guint keycode = keycode_for (keyval, &shift);
  KeyWatch seen = { keycode, FALSE };
  guint ctrl_code = 0, shift_code = 0;
  gboolean unused;

  gtk_event_controller_set_propagation_phase (watch, GTK_PHASE_CAPTURE);
  g_signal_connect (watch, "key-released", G_CALLBACK (on_key_released), &seen);
  gtk_widget_add_controller (key_window, watch);
  gtk_event_controller_set_propagation_phase (popover_watch, GTK_PHASE_CAPTURE);
  g_signal_connect (popover_watch, "key-released", G_CALLBACK (on_key_released), &seen);
  gtk_widget_add_controller (key_popover, popover_watch);
  if (modifiers & GDK_CONTROL_MASK)
    ctrl_code = keycode_for (GDK_KEY_Control_L, &unused);
  if (shift || (modifiers & GDK_SHIFT_MASK))
    shift_code = keycode_for (GDK_KEY_Shift_L, &unused);
  if (ctrl_code != 0)
    fake_key_event (x_display (), ctrl_code, TRUE, 0);
  if (shift_code != 0)
    fake_key_event (x_display (), shift_code, TRUE, 0);
  fake_key_event (x_display (), keycode, TRUE, 0);
  fake_key_event (x_display (), keycode, FALSE, 0);
  if (shift_code != 0)
    fake_key_event (x_display (), shift_code, FALSE, 0);
  if (ctrl_code != 0)
    fake_key_event (x_display (), ctrl_code, FALSE, 0);
  flush (x_display ());
  if (!kabar_ui_test_wait_for (key_was_released, &seen, 10000))
    g_error ("the window never saw key %s", gdk_keyval_name (keyval));
  gtk_widget_remove_controller (key_window, watch);
  gtk_widget_remove_controller (key_popover, popover_watch);
}

static void
type (const char *text)
{
  for (const char *c = text; *c != '\0'; c = g_utf8_next_char (c))
    {
      gunichar ch = g_utf8_get_char (c);

      press (ch == '\n' ? GDK_KEY_Return : gdk_unicode_to_keyval (ch), 0);
    }
}

/* --- the body in a window ---------------------------------------------------------- */

static void
on_changed (KabarComposerBody *body,
            Fixture           *fixture)
{
  fixture->changes++;
}

static gboolean
window_is_ready (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (fixture->window) && gtk_widget_has_focus (GTK_WIDGET (kabar_composer_body_get_view (fixture->body)));
}

/* One window for every test, as one composer window would hold the body:
 * a second toplevel on a display without a window manager gets no place
 * on a monitor for its popovers. */
static GtkWidget *test_window;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  if (test_window == NULL)
    {
      test_window = gtk_window_new ();
      gtk_window_set_default_size (GTK_WINDOW (test_window), 560, 360);
      gtk_window_set_title (GTK_WINDOW (test_window), "Kabar");
    }
  fixture->window = test_window;
  fixture->body = KABAR_COMPOSER_BODY (kabar_composer_body_new ());
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->body));
  g_signal_connect (fixture->body, "changed", G_CALLBACK (on_changed), fixture);
  key_window = fixture->window;
  key_popover = GTK_WIDGET (link_popover (fixture));
  gtk_window_present (GTK_WINDOW (fixture->window));
  gtk_widget_grab_focus (GTK_WIDGET (kabar_composer_body_get_view (fixture->body)));
  g_assert_true (kabar_ui_test_wait_for (window_is_ready, fixture, 10000));
  kabar_ui_test_wait_for_frame (fixture->window);
}

static gboolean
body_is_gone (gpointer data)
{
  return ((Fixture *) data)->body == NULL;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GtkWidget) body = g_object_ref (GTK_WIDGET (fixture->body));

  gtk_window_set_child (GTK_WINDOW (fixture->window), NULL);
  key_popover = NULL;
  /* Nothing else keeps the body: it goes once GTK lets go of it. */
  g_object_add_weak_pointer (G_OBJECT (body), (gpointer *) &fixture->body);
  g_clear_object (&body);
  g_assert_true (kabar_ui_test_wait_for (body_is_gone, fixture, 5000));
}

static GtkTextBuffer *
buffer_of (Fixture *fixture)
{
  return gtk_text_view_get_buffer (kabar_composer_body_get_view (fixture->body));
}

/* A line as it shows on screen, markers included. */
static char *
shown_line (Fixture *fixture,
            int      line)
{
  GtkTextBuffer *buffer = buffer_of (fixture);
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_line (buffer, &start, line);
  end = start;
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static gboolean
line_has_tag (Fixture    *fixture,
              int         line,
              const char *tag_name)
{
  GtkTextBuffer *buffer = buffer_of (fixture);
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  GtkTextIter iter;

  g_assert_nonnull (tag);
  gtk_text_buffer_get_iter_at_line (buffer, &iter, line);
  return gtk_text_iter_has_tag (&iter, tag);
}

static int
cursor_offset (Fixture *fixture)
{
  GtkTextBuffer *buffer = buffer_of (fixture);
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  return gtk_text_iter_get_offset (&iter);
}

/* The format bar's toggle with this icon. */
static GtkWidget *
format_button (Fixture    *fixture,
               const char *icon_name)
{
  g_autoptr(GPtrArray) buttons = kabar_ui_test_find_widgets (GTK_WIDGET (fixture->body), GTK_TYPE_TOGGLE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (button)), icon_name) == 0)
        return button;
    }
  g_error ("no format button %s", icon_name);
}

static gboolean
is_active (Fixture    *fixture,
           const char *icon_name)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (format_button (fixture, icon_name)));
}

static GtkPopover *
link_popover (Fixture *fixture)
{
  GtkWidget *button = kabar_ui_test_find_widget (GTK_WIDGET (fixture->body), GTK_TYPE_MENU_BUTTON);

  g_assert_nonnull (button);
  return gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
}

static gboolean
link_field_has_focus (gpointer data)
{
  GtkPopover *popover = link_popover (data);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (popover)));

  return gtk_widget_get_mapped (GTK_WIDGET (popover)) && focus != NULL &&
         gtk_widget_is_ancestor (focus, GTK_WIDGET (popover)) &&
         gtk_widget_get_ancestor (focus, GTK_TYPE_ENTRY) != NULL;
}

/* Ctrl+K, and the popover on screen with its field focused. */
static void
open_link_popover (Fixture *fixture)
{
  press (GDK_KEY_k, GDK_CONTROL_MASK);
  g_assert_true (kabar_ui_test_wait_for (link_field_has_focus, fixture, 5000));
  kabar_ui_test_wait_for_frame (key_popover);
}

static gboolean
view_has_focus (gpointer data)
{
  Fixture *fixture = data;

  return !gtk_widget_get_mapped (GTK_WIDGET (link_popover (fixture))) &&
         gtk_widget_has_focus (GTK_WIDGET (kabar_composer_body_get_view (fixture->body)));
}

/* Ctrl+K, the address typed into the popover's field, Enter. */
static void
add_link (Fixture    *fixture,
          const char *address,
          const char *screenshot)
{
  open_link_popover (fixture);
  type (address);
  if (screenshot != NULL)
    {
      g_autoptr(GdkTexture) shot = NULL;

      kabar_ui_test_wait_for_frame (key_popover);
      shot = kabar_ui_test_screenshot (key_popover, screenshot);
    }
  press (GDK_KEY_Return, 0);
  g_assert_true (kabar_ui_test_wait_for (view_has_focus, fixture, 5000));
}

static gboolean
format_bar_is_shown (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *revealer = kabar_ui_test_find_widget (GTK_WIDGET (fixture->body), GTK_TYPE_REVEALER);

  return gtk_revealer_get_child_revealed (GTK_REVEALER (revealer));
}

/* A picture of the window once the format bar has slid in. */
static void
screenshot (Fixture    *fixture,
            const char *name)
{
  g_autoptr(GdkTexture) shot = NULL;

  if (kabar_composer_body_get_rich (fixture->body))
    g_assert_true (kabar_ui_test_wait_for (format_bar_is_shown, fixture, 5000));
  kabar_ui_test_wait_for_frame (fixture->window);
  shot = kabar_ui_test_screenshot (fixture->window, name);
}

/* --- the tests ------------------------------------------------------------------------ */

static void
test_rich_typing (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *html = NULL;
  g_autofree char *text = NULL;
  guint changes;

  kabar_composer_body_set_rich (fixture->body, TRUE);
  g_assert_true (kabar_ui_test_wait_for (format_bar_is_shown, fixture, 5000));
  g_assert_true (gtk_widget_is_drawable (format_button (fixture, "format-text-bold-symbolic")));

  type ("Hello ");
  g_assert_false (is_active (fixture, "format-text-bold-symbolic"));
  press (GDK_KEY_b, GDK_CONTROL_MASK);
  g_assert_true (is_active (fixture, "format-text-bold-symbolic"));
  type ("world");
  press (GDK_KEY_b, GDK_CONTROL_MASK);
  g_assert_false (is_active (fixture, "format-text-bold-symbolic"));
  type (".\n\n");

  /* Ctrl+Shift+8 starts a bulleted list; Enter on an empty item ends it. */
  press (GDK_KEY_8, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_true (is_active (fixture, "view-list-bullet-symbolic"));
  type ("one\ntwo\n");
  g_assert_true (is_active (fixture, "view-list-bullet-symbolic"));
  press (GDK_KEY_Return, 0);
  g_assert_false (is_active (fixture, "view-list-bullet-symbolic"));
  {
    g_autofree char *first = shown_line (fixture, 2);
    g_autofree char *second = shown_line (fixture, 3);
    g_autofree char *after = shown_line (fixture, 4);

    g_assert_cmpstr (first, ==, "\u2022 one");
    g_assert_cmpstr (second, ==, "\u2022 two");
    g_assert_cmpstr (after, ==, "");
  }

  /* A link without a selection is its own address; with one, its text. */
  type ("See ");
  add_link (fixture, "kabar.example/docs?a=1&b=2", "composer-body-link");
  type (" or mail me");
  for (guint i = 0; i < strlen ("mail me"); i++)
    press (GDK_KEY_Left, GDK_SHIFT_MASK);
  {
    GtkTextIter start, end;
    g_autofree char *selected = NULL;

    g_assert_true (gtk_text_buffer_get_selection_bounds (buffer_of (fixture), &start, &end));
    selected = gtk_text_iter_get_text (&start, &end);
    g_assert_cmpstr (selected, ==, "mail me");
  }
  changes = fixture->changes;
  add_link (fixture, "sari@example.org", NULL);
  g_assert_cmpuint (fixture->changes, >, changes);
  press (GDK_KEY_End, 0);
  type (".");

  html = kabar_composer_body_dup_html (fixture->body);
  text = kabar_composer_body_dup_text (fixture->body);
  g_assert_cmpstr (html, ==,
                   "<p>Hello <b>world</b>.</p>"
                   "<ul><li>one</li><li>two</li></ul>"
                   "<div>See <a href=\"https://kabar.example/docs?a=1&amp;b=2\">https://kabar.example/docs?a=1&amp;b=2</a>"
                   " or <a href=\"mailto:sari@example.org\">mail me</a>.</div>");
  g_assert_cmpstr (text, ==,
                   "Hello world.\n"
                   "\n"
                   "- one\n"
                   "- two\n"
                   "See https://kabar.example/docs?a=1&b=2 or mail me <sari@example.org>.");
  g_assert_cmpuint (fixture->changes, >, 0);

  screenshot (fixture, "composer-body-rich");
}

static const char *
focused_text (Fixture *fixture)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  GtkWidget *entry = focus != NULL ? gtk_widget_get_ancestor (focus, GTK_TYPE_ENTRY) : NULL;

  g_assert_nonnull (entry);
  return gtk_editable_get_text (GTK_EDITABLE (entry));
}

static void
move_right (guint n)
{
  press (GDK_KEY_Home, GDK_CONTROL_MASK);
  for (guint i = 0; i < n; i++)
    press (GDK_KEY_Right, 0);
}

static void
test_cursor_format_and_link_edit (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *html = NULL;
  g_autofree char *text = NULL;

  kabar_composer_body_set_html (fixture->body, "<p>See <b>bold</b> <a href=\"https://a.example/\">docs</a> now</p>");
  /* The link popover points at its button: not while it slides in. */
  g_assert_true (kabar_ui_test_wait_for (format_bar_is_shown, fixture, 5000));

  /* The toggles follow the cursor, and typing takes the format there. */
  move_right (strlen ("See bo"));
  g_assert_true (is_active (fixture, "format-text-bold-symbolic"));
  type ("o");
  move_right (strlen ("See boold "));
  g_assert_false (is_active (fixture, "format-text-bold-symbolic"));

  /* In a link, Ctrl+K shows its address, to change it... */
  move_right (strlen ("See boold do"));
  open_link_popover (fixture);
  g_assert_cmpstr (focused_text (fixture), ==, "https://a.example/");
  press (GDK_KEY_a, GDK_CONTROL_MASK);
  type ("b.example/x\n");
  g_assert_true (kabar_ui_test_wait_for (view_has_focus, fixture, 5000));
  html = kabar_composer_body_dup_html (fixture->body);
  g_assert_cmpstr (html, ==, "<p>See <b>boold</b> <a href=\"https://b.example/x\">docs</a> now</p>");

  /* ... or to take it away (Tab to "Remove Link")... */
  open_link_popover (fixture);
  press (GDK_KEY_Tab, 0);
  press (GDK_KEY_Tab, 0);
  press (GDK_KEY_Return, 0);
  g_assert_true (kabar_ui_test_wait_for (view_has_focus, fixture, 5000));
  g_clear_pointer (&html, g_free);
  html = kabar_composer_body_dup_html (fixture->body);
  g_assert_cmpstr (html, ==, "<p>See <b>boold</b> docs now</p>");

  /* ... and an address that is no web or mail address is refused. */
  open_link_popover (fixture);
  g_assert_cmpstr (focused_text (fixture), ==, "");
  type ("javascript:alert(1)\n");
  g_assert_true (link_field_has_focus (fixture));
  press (GDK_KEY_Escape, 0);
  g_assert_true (kabar_ui_test_wait_for (view_has_focus, fixture, 5000));
  g_clear_pointer (&html, g_free);
  html = kabar_composer_body_dup_html (fixture->body);
  text = kabar_composer_body_dup_text (fixture->body);
  g_assert_cmpstr (html, ==, "<p>See <b>boold</b> docs now</p>");
  g_assert_cmpstr (text, ==, "See boold docs now");
}

static void
test_numbered_list_and_backspace (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *html = NULL;
  g_autofree char *text = NULL;

  kabar_composer_body_set_rich (fixture->body, TRUE);
  type ("Steps:\n");
  press (GDK_KEY_7, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_true (is_active (fixture, "view-list-ordered-symbolic"));
  press (GDK_KEY_i, GDK_CONTROL_MASK);
  type ("first");
  press (GDK_KEY_i, GDK_CONTROL_MASK);
  type ("\nsecond\nthird");
  {
    g_autofree char *third = shown_line (fixture, 3);

    g_assert_cmpstr (third, ==, "3. third");
  }
  /* Backspace at the start of an item's text makes it a plain line. */
  press (GDK_KEY_Home, 0);
  g_assert_cmpint (cursor_offset (fixture), ==,
                   g_utf8_strlen ("Steps:\n1. first\n2. second\n3. ", -1));
  press (GDK_KEY_BackSpace, 0);
  g_assert_false (is_active (fixture, "view-list-ordered-symbolic"));

  html = kabar_composer_body_dup_html (fixture->body);
  text = kabar_composer_body_dup_text (fixture->body);
  g_assert_cmpstr (html, ==, "<div>Steps:</div><ol><li><i>first</i></li><li>second</li></ol><div>third</div>");
  g_assert_cmpstr (text, ==, "Steps:\n1. first\n2. second\nthird");
}

static void
test_plain_quotes_and_cursor (Fixture       *fixture,
                              gconstpointer  data)
{
  const char *reply = "\n\nOn Monday, Sari wrote:\n> Shall we meet?\n> > Tomorrow at ten\n> \n> Sari";
  g_autofree char *text = NULL;

  kabar_composer_body_set_text (fixture->body, reply, 0);
  g_assert_cmpint (cursor_offset (fixture), ==, 0);
  g_assert_false (kabar_composer_body_get_rich (fixture->body));
  g_assert_false (gtk_widget_is_drawable (format_button (fixture, "format-text-bold-symbolic")));
  g_assert_null (kabar_composer_body_dup_html (fixture->body));

  /* Quoted lines look like quotes; the others do not. */
  g_assert_false (line_has_tag (fixture, 2, "quote"));
  for (int line = 3; line <= 6; line++)
    g_assert_true (line_has_tag (fixture, line, "quote"));

  type ("Yes, see you there.");
  /* Ctrl+B does nothing to plain text. */
  press (GDK_KEY_b, GDK_CONTROL_MASK);
  type ("!");
  text = kabar_composer_body_dup_text (fixture->body);
  g_assert_cmpstr (text, ==,
                   "Yes, see you there.!\n\nOn Monday, Sari wrote:\n> Shall we meet?\n> > Tomorrow at ten\n> \n> Sari");

  /* A cursor anywhere, as the reply below the quote has it. */
  kabar_composer_body_set_text (fixture->body, reply, 2);
  g_assert_cmpint (cursor_offset (fixture), ==, 2);
  kabar_composer_body_set_text (fixture->body, reply, -1);
  g_assert_cmpint (cursor_offset (fixture), ==, g_utf8_strlen (reply, -1));
  type ("\n\nThanks");
  g_clear_pointer (&text, g_free);
  text = kabar_composer_body_dup_text (fixture->body);
  g_assert_true (g_str_has_suffix (text, "> Sari\n\nThanks"));
  g_assert_false (line_has_tag (fixture, 8, "quote"));

  kabar_composer_body_set_text (fixture->body, reply, 0);
  type ("Yes, see you there.");
  screenshot (fixture, "composer-body-plain");
}

static void
assert_round_trip (Fixture    *fixture,
                   const char *html,
                   const char *text)
{
  g_autofree char *html_back = NULL;
  g_autofree char *text_back = NULL;

  kabar_composer_body_set_html (fixture->body, html);
  g_assert_true (kabar_composer_body_get_rich (fixture->body));
  html_back = kabar_composer_body_dup_html (fixture->body);
  text_back = kabar_composer_body_dup_text (fixture->body);
  g_assert_cmpstr (html_back, ==, html);
  g_assert_cmpstr (text_back, ==, text);
}

static void
test_html_round_trip (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *html = NULL;
  g_autofree char *text = NULL;

  assert_round_trip (fixture,
                     "<p>Dear <b>Sari</b>, <i>thank </i><b><i>you</i></b> &amp; welcome &lt;back&gt;.</p>"
                     "<p><br>Two &nbsp;spaces and <a href=\"https://kabar.example/a?b=1&amp;c=2\">a link</a>.</p>"
                     "<ol><li>one</li><li><b>two</b></li></ol>"
                     "<ul><li>dot</li></ul>"
                     "<div><br></div>"
                     "<blockquote type=\"cite\">quoted<br><br>more<blockquote type=\"cite\">deeper</blockquote>back</blockquote>"
                     "<div>On Monday, Sari wrote:</div>"
                     "<blockquote type=\"cite\">hello</blockquote>"
                     "<p>Bye</p>",
                     "Dear Sari, thank you & welcome <back>.\n"
                     "\n"
                     "\n"
                     "Two  spaces and a link <https://kabar.example/a?b=1&c=2>.\n"
                     "\n"
                     "1. one\n"
                     "2. two\n"
                     "- dot\n"
                     "\n"
                     "> quoted\n"
                     ">\n"
                     "> more\n"
                     ">> deeper\n"
                     "> back\n"
                     "On Monday, Sari wrote:\n"
                     "> hello\n"
                     "\n"
                     "Bye");
  screenshot (fixture, "composer-body-html");

  /* Another program's HTML: what the editor knows stays, the rest is text. */
  kabar_composer_body_set_html (fixture->body,
                                "<html><head><title>t</title></head><body><div dir=\"ltr\">Hi <strong>all</strong>,"
                                "<div><br></div><div>see <span style=\"color:red\">the   notes</span>\n below:</div>"
                                "<table><tr><td>a</td><td>b</td></tr></table>"
                                "<ul><li>x<ul><li>y</li></ul></li></ul><pre>  code\n  more</pre></div></body></html>");
  html = kabar_composer_body_dup_html (fixture->body);
  text = kabar_composer_body_dup_text (fixture->body);
  g_assert_cmpstr (text, ==, "Hi all,\n\nsee the notes below:\na b\n- x\n- y\n  code\n  more");
  g_assert_cmpstr (html, ==,
                   "<p>Hi <b>all</b>,</p><div>see the notes below:<br>a b</div>"
                   "<ul><li>x</li><li>y</li></ul><div>&nbsp; code<br>&nbsp; more</div>");

  /* Plain again: the text stays, the formatting goes. */
  kabar_composer_body_set_rich (fixture->body, FALSE);
  g_assert_null (kabar_composer_body_dup_html (fixture->body));
  g_clear_pointer (&text, g_free);
  text = kabar_composer_body_dup_text (fixture->body);
  g_assert_cmpstr (text, ==, "Hi all,\n\nsee the notes below:\na b\n- x\n- y\n  code\n  more");
  g_assert_false (line_has_tag (fixture, 0, "bold"));
  {
    g_autofree char *x = shown_line (fixture, 4);

    g_assert_cmpstr (x, ==, "- x");
  }
  kabar_composer_body_set_rich (fixture->body, TRUE);
  g_clear_pointer (&html, g_free);
  html = kabar_composer_body_dup_html (fixture->body);
  g_assert_cmpstr (html, ==, "<p>Hi all,</p><p>see the notes below:<br>a b<br>- x<br>- y<br>&nbsp; code<br>&nbsp; more</p>");
}

static void
test_hostile_html (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char * const forbidden[] = {
    "script", "alert", "onclick", "onerror", "onmouseover", "javascript", "iframe", "<img", "style", "data:",
    "evil", "vbscript",
  };
  g_autofree char *html = NULL;
  g_autofree char *text = NULL;

  kabar_composer_body_set_html (fixture->body,
                                "<p onclick=\"steal()\">Hi<script>alert(1)</script> "
                                "<a href=\"javascript:alert(2)\">one</a> "
                                "<a href=\" JaVaScRiPt:alert(3)\">two</a> "
                                "<a href=\"java&#9;script:alert(4)\">three</a> "
                                "<a href=\"vbscript:x\">four</a> "
                                "<a href=\"data:text/html,&lt;script&gt;alert(5)&lt;/script&gt;\">five</a>"
                                "<img src=\"https://evil.example/x.png\" onerror=\"alert(6)\">"
                                "<style>p { color: red }</style><iframe src=\"https://evil.example/\"></iframe>"
                                "<svg><script>alert(7)</script></svg>"
                                " <a href=\"https://ok.example/\" onmouseover=\"alert(8)\">ok</a>"
                                "<a href='https://ok.example/\"><script>alert(9)</script>'>quote</a>"
                                "</p><!-- <script>alert(10)</script> --><![CDATA[<script>alert(11)</script>]]>"
                                "<textarea><script>alert(12)</script></textarea>");
  html = kabar_composer_body_dup_html (fixture->body);
  text = kabar_composer_body_dup_text (fixture->body);
  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    if (strstr (html, forbidden[i]) != NULL)
      g_error ("\"%s\" in %s", forbidden[i], html);
  g_assert_cmpstr (html, ==,
                   "<p>Hi one two three four five "
                   "<a href=\"https://ok.example/\">ok</a>quote</p>"
                   /* What libxml2 leaves of the CDATA section: text. */
                   "<p>![CDATA[]]&gt;</p>");
  g_assert_cmpstr (text, ==, "Hi one two three four five ok <https://ok.example/>quote\n\n![CDATA[]]>");
}

static void
test_controls_have_names (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) buttons = kabar_ui_test_find_widgets (GTK_WIDGET (fixture->body), GTK_TYPE_BUTTON);
  GtkWidget *link = kabar_ui_test_find_widget (GTK_WIDGET (fixture->body), GTK_TYPE_MENU_BUTTON);

  kabar_composer_body_set_rich (fixture->body, TRUE);
  g_assert_cmpuint (buttons->len, >=, 4);
  g_assert_nonnull (link);
  g_ptr_array_add (buttons, link);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      GtkWidget *menu_button = gtk_widget_get_ancestor (button, GTK_TYPE_MENU_BUTTON);
      const char *name = gtk_widget_get_tooltip_text (button);

      /* A menu button's own button shows what the menu button says. */
      if (menu_button != NULL && menu_button != button && gtk_widget_get_parent (button) == menu_button)
        continue;
      if (name == NULL && GTK_IS_BUTTON (button))
        name = gtk_button_get_label (GTK_BUTTON (button));
      g_assert_nonnull (name);
      g_assert_cmpstr (name, !=, "");
    }
  if (g_strcmp0 (kabar_ui_test_language (), "en") == 0)
    g_assert_cmpstr (gtk_widget_get_tooltip_text (format_button (fixture, "format-text-bold-symbolic")), ==,
                     "Bold (Ctrl+B)");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkCssProvider) css = NULL;

  kabar_ui_test_init (&argc, &argv);
  adw_init ();
  /* The application's own style, as AdwApplication loads it. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/kabar/Kabar/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  /* Pictures of what the user sees once it settles, not of a button
   * still fading from the popover it opened. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  load_xtest ();

#define ADD(path, func) \
  g_test_add ("/composer-body/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("rich-typing", test_rich_typing);
  ADD ("cursor-format-and-link-edit", test_cursor_format_and_link_edit);
  ADD ("numbered-list-and-backspace", test_numbered_list_and_backspace);
  ADD ("plain-quotes-and-cursor", test_plain_quotes_and_cursor);
  ADD ("html-round-trip", test_html_round_trip);
  ADD ("hostile-html", test_hostile_html);
  ADD ("controls-have-names", test_controls_have_names);

#undef ADD

  {
    int status = g_test_run ();

    if (test_window != NULL)
      gtk_window_destroy (GTK_WINDOW (test_window));
    return status;
  }
}
