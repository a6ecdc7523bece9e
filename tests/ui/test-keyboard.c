/* test-keyboard.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window by keyboard alone, under Xvfb, against the bed's
 * Dovecot: F6 and Shift+F6 go round the sidebar, the list and the reading
 * pane; the arrows in the sidebar choose a folder and Enter goes into it;
 * the arrows in the list choose a message and the reading pane shows it;
 * Tab leaves the list for the reading pane; Delete moves the message to
 * Trash and Ctrl+Z brings it back. The keys are real key presses: XTest
 * makes the X server send them, and GTK takes them as it takes a user's.
 * Each step checks where the focus is, what the window shows and, for
 * the changes, what the server holds.
 */

#include "config.h"

#include <dlfcn.h>
#include <glib/gi18n.h>
#include <gdk/x11/gdkx.h>

#include "kabar-application.h"
#include "kabar-folder-list.h"
#include "kabar-message-list.h"
#include "kabar-reading-pane.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"
#include "kabar-window.h"

#define SARI          "sari@" KABAR_TEST_BED_DOMAIN
#define SARI_PASSWORD "Sandi-Sari-456"
#define WAIT_MS       60000

static KabarTestBed *bed;
static KabarApplication *app;
static GtkWidget *window;

/* --- the mailbox ------------------------------------------------------------------ */

typedef struct
{
  const char *folder;
  const char *subject;
  guint       minutes_ago;
} Sample;

static const Sample samples[] = {
  { "INBOX", "First by keyboard", 5 },
  { "INBOX", "Second by keyboard", 10 },
  { "INBOX", "Third by keyboard", 15 },
  { "Projects", "Filed in Projects", 20 },
  /* A folder below another: the sidebar shows an expander arrow. */
  { "Projects/Kabar", "Filed deeper", 25 },
};

static void
fill_mailbox (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      gint64 when = now - (gint64) samples[i].minutes_ago * 60;
      g_autofree char *body = g_strdup_printf ("Hi Sari,\r\n\r\nThis is \"%s\", read without a mouse.",
                                               samples[i].subject);
      g_autoptr(GBytes) message = kabar_ui_bed_message_new ("Budi Santoso <budi@example.org>", "Sari <" SARI ">",
                                                            samples[i].subject, body, when, NULL);

      kabar_test_bed_add_message (bed, SARI, samples[i].folder, message, "S", when, &error);
      g_assert_no_error (error);
    }
}

/* How many messages of folder have the subject, once the window's change
 * has reached the server. */
static void
assert_server_count (const char *folder,
                     const char *subject,
                     guint       expected)
{
  g_autofree char *criteria = g_strdup_printf ("SUBJECT \"%s\"", subject);

  kabar_ui_bed_wait_server_count (bed, SARI, folder, criteria, expected, WAIT_MS);
}

/* --- the keyboard ------------------------------------------------------------------- */

typedef int           (*FakeKeyEventFunc)   (Display *display, unsigned int keycode, int is_press,
                                             unsigned long delay);
typedef unsigned char (*KeysymToKeycodeFunc) (Display *display, unsigned long keysym);
typedef int           (*FlushFunc)          (Display *display);

static FakeKeyEventFunc fake_key_event;
static KeysymToKeycodeFunc keysym_to_keycode;
static FlushFunc flush;

/* libXtst is not linked: the test finds it as GTK finds its own optional
 * X libraries, at run time; Xlib is in the process already, with GTK. */
static void
load_xtest (void)
{
  void *xtst = dlopen ("libXtst.so.6", RTLD_NOW | RTLD_GLOBAL);

  if (xtst == NULL)
    g_error ("XTest is needed to press keys: %s", dlerror ());
  fake_key_event = (FakeKeyEventFunc) dlsym (xtst, "XTestFakeKeyEvent");
  keysym_to_keycode = (KeysymToKeycodeFunc) dlsym (RTLD_DEFAULT, "XKeysymToKeycode");
  flush = (FlushFunc) dlsym (RTLD_DEFAULT, "XFlush");
  g_assert_nonnull (fake_key_event);
  g_assert_nonnull (keysym_to_keycode);
  g_assert_nonnull (flush);
}

static Display *
x_display (void)
{
  GdkDisplay *display = gtk_widget_get_display (window);

  g_assert_true (GDK_IS_X11_DISPLAY (display));
  return gdk_x11_display_get_xdisplay (display);
}

static void
send_key (guint    keyval,
          gboolean press)
{
  unsigned int keycode = keysym_to_keycode (x_display (), keyval);

  g_assert_cmpuint (keycode, !=, 0);
  fake_key_event (x_display (), keycode, press, 0);
}

static gboolean
key_sent (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_key_seen (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             gboolean              *seen)
{
  *seen = TRUE;
}

/* Presses keyval with modifier (a modifier's keyval, or 0) and waits until
 * GTK has handled the release: whatever the press did is done. */
static void
press (guint keyval,
       guint modifier)
{
  GtkEventController *watch = gtk_event_controller_key_new ();
  gboolean released = FALSE;

  gtk_event_controller_set_propagation_phase (watch, GTK_PHASE_CAPTURE);
  g_signal_connect (watch, "key-released", G_CALLBACK (on_key_seen), &released);
  gtk_widget_add_controller (window, watch);
  if (modifier != 0)
    send_key (modifier, TRUE);
  send_key (keyval, TRUE);
  send_key (keyval, FALSE);
  if (modifier != 0)
    send_key (modifier, FALSE);
  flush (x_display ());
  if (!kabar_ui_test_wait_for (key_sent, &released, 10000))
    g_error ("the window never saw key %s", gdk_keyval_name (keyval));
  gtk_widget_remove_controller (window, watch);
  kabar_ui_test_wait_for_frame (window);
}

/* --- what the user sees -------------------------------------------------------------- */

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

static KabarFolderItem *
folder_item (const char *path)
{
  return kabar_ui_test_find_folder (window, NULL, path);
}

static gboolean
window_is_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (window));
}

static gboolean
folders_loaded (gpointer data)
{
  return folder_item ("INBOX") != NULL && folder_item ("Projects") != NULL &&
         folder_item ("Projects/Kabar") != NULL && folder_item ("Trash") != NULL;
}

typedef enum
{
  PANE_NONE,
  PANE_FOLDERS,
  PANE_MESSAGES,
  PANE_MESSAGE,
} Pane;

static const char *pane_names[] = { "nowhere", "the sidebar", "the message list", "the reading pane" };

/* A pane with its header bar: the sidebar and the list are each in a box
 * with theirs. */
static Pane
focused_pane (void)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  if (focus == NULL)
    return PANE_NONE;
  if (gtk_widget_is_ancestor (focus, gtk_widget_get_parent (GTK_WIDGET (folder_list ()))))
    return PANE_FOLDERS;
  if (gtk_widget_is_ancestor (focus, gtk_widget_get_parent (GTK_WIDGET (message_list ()))))
    return PANE_MESSAGES;
  if (gtk_widget_is_ancestor (focus, GTK_WIDGET (reading_pane ())))
    return PANE_MESSAGE;
  return PANE_NONE;
}

/* The focus in pane's content, not its header bar: the folders, the
 * messages, or the message's text (the arrows scroll it). */
static gboolean
focus_reached (gpointer data)
{
  return focused_pane () == (Pane) GPOINTER_TO_INT (data);
}

static void
assert_focus_in (Pane pane)
{
  GtkWidget *focus;
  GtkWidget *content = NULL;

  /* A key pressed in the message's web view goes to its web process
   * first, and comes back to the window's shortcuts only when the page
   * did not take it: a moment after GTK saw it. */
  kabar_ui_test_wait_for (focus_reached, GINT_TO_POINTER (pane), 5000);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  if (focused_pane () != pane)
    g_error ("the focus is in %s (%s), not in %s", pane_names[focused_pane ()],
             focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "no widget", pane_names[pane]);
  if (pane == PANE_FOLDERS)
    content = GTK_WIDGET (folder_list ());
  else if (pane == PANE_MESSAGES)
    content = GTK_WIDGET (message_list ());
  else
    content = GTK_WIDGET (kabar_message_view_get_web_view (kabar_reading_pane_get_view (reading_pane ())));
  if (focus != content && !gtk_widget_is_ancestor (focus, content))
    g_error ("the focus is on %s in the header bar of %s, not in its content", G_OBJECT_TYPE_NAME (focus),
             pane_names[pane]);
  /* Where the user can see it. */
  g_assert_true (gtk_widget_is_drawable (focus));
}

/* The folder the sidebar shows chosen, and the list shows. */
static gboolean
folder_shown (gpointer data)
{
  KabarFolderItem *folder = folder_item (data);

  return folder != NULL && kabar_folder_list_get_selected (folder_list ()) == folder &&
         kabar_message_list_get_folder (message_list ()) == folder;
}

static int
position_of (const char *subject)
{
  GListModel *model = kabar_message_list_get_shown_model (message_list ());

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KabarMessageItem) item = g_list_model_get_item (model, i);
      const KabarMessageSummary *summary = kabar_message_item_get_summary (item);

      if (summary != NULL && g_strcmp0 (summary->subject, subject) == 0)
        return (int) i;
    }
  return -1;
}

static gboolean
row_shown (gpointer data)
{
  return position_of (data) >= 0 && kabar_ui_test_find_label (GTK_WIDGET (message_list ()), data) != NULL;
}

static gboolean
row_gone (gpointer data)
{
  KabarMessageListModel *model = kabar_message_list_get_model (message_list ());

  return model != NULL && !kabar_message_list_model_get_loading (model) && position_of (data) < 0;
}

static const char *
selected_subject (void)
{
  g_autoptr(GPtrArray) items = kabar_message_list_get_selected_items (message_list ());

  if (items->len != 1)
    return NULL;
  return kabar_message_item_get_summary (g_ptr_array_index (items, 0))->subject;
}

/* The one message chosen, read in the reading pane. */
static gboolean
pane_reads (gpointer data)
{
  KabarReadingPane *pane = reading_pane ();

  return g_strcmp0 (selected_subject (), data) == 0 &&
         g_strcmp0 (kabar_reading_pane_get_page (pane), "message") == 0 &&
         kabar_message_view_is_loaded (kabar_reading_pane_get_view (pane)) &&
         kabar_ui_test_find_label (GTK_WIDGET (pane), data) != NULL;
}

static void
assert_reading (const char *subject)
{
  if (!kabar_ui_test_wait_for (pane_reads, (gpointer) subject, WAIT_MS))
    g_error ("the reading pane does not show “%s” (chosen: %s, page %s)", subject, selected_subject (),
             kabar_reading_pane_get_page (reading_pane ()));
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

/* GTK paints the window, WebKit the message's page: both, as on screen. */
static void
screenshot (const char *name)
{
  WebKitWebView *web_view = kabar_message_view_get_web_view (kabar_reading_pane_get_view (reading_pane ()));
  g_autoptr(GdkTexture) texture = NULL;

  kabar_ui_test_wait_for_frame (window);
  if (gtk_widget_is_drawable (GTK_WIDGET (web_view)))
    {
      PageShot shot = { FALSE, NULL };

      webkit_web_view_get_snapshot (web_view, WEBKIT_SNAPSHOT_REGION_VISIBLE, WEBKIT_SNAPSHOT_OPTIONS_NONE,
                                    NULL, on_page_shot, &shot);
      g_assert_true (kabar_ui_test_wait_for (page_shot_done, &shot, 10000));
      texture = kabar_ui_test_screenshot_with_inset (window, name, GTK_WIDGET (web_view), shot.texture);
      g_object_unref (shot.texture);
    }
  else
    texture = kabar_ui_test_screenshot (window, name);
  g_assert_cmpuint (kabar_ui_test_count_colours (texture), >, 50);
}

static GtkWidget *
undo_button_of (const char *text)
{
  return kabar_ui_test_find_toast_button (window, text, _("_Undo"));
}

/* Moves the focus with F6 until it is in pane, checking that each press
 * goes one pane on. */
static void
f6_to (Pane pane)
{
  for (guint i = 0; i < 4 && focused_pane () != pane; i++)
    {
      Pane before = focused_pane ();
      Pane expected = before == PANE_NONE || before == PANE_MESSAGE ? PANE_FOLDERS : before + 1;

      press (GDK_KEY_F6, 0);
      if (focused_pane () != expected)
        g_error ("F6 went from %s to %s, not to %s", pane_names[before], pane_names[focused_pane ()],
                 pane_names[expected]);
    }
  assert_focus_in (pane);
}

/* Presses key until the sidebar has chosen path, at most limit times. */
static void
arrow_to_folder (guint       key,
                 const char *path,
                 guint       limit)
{
  for (guint i = 0; i < limit && !folder_shown ((gpointer) path); i++)
    {
      press (key, 0);
      assert_focus_in (PANE_FOLDERS);
    }
  if (!kabar_ui_test_wait_for (folder_shown, (gpointer) path, WAIT_MS))
    g_error ("the arrows did not reach %s", path);
}

/* --- the test ------------------------------------------------------------------------ */

static void
test_the_whole_flow_by_keyboard (void)
{
  g_autofree char *moved = NULL;

  window = kabar_ui_test_present_window (GTK_APPLICATION (app));
  g_assert_true (kabar_ui_test_wait_for (window_is_active, NULL, 10000));
  g_assert_true (kabar_ui_test_wait_for (folders_loaded, NULL, WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (folder_shown, (gpointer) "INBOX", WAIT_MS));
  g_assert_true (kabar_ui_test_wait_for (row_shown, (gpointer) "Third by keyboard", WAIT_MS));
  kabar_ui_test_wait_for_frame (window);

  /* F6 into the sidebar; the arrows choose a folder, and the list shows
   * it at once. */
  f6_to (PANE_FOLDERS);
  arrow_to_folder (GDK_KEY_Down, "Projects", 12);
  g_assert_true (kabar_ui_test_wait_for (row_shown, (gpointer) "Filed in Projects", WAIT_MS));
  screenshot ("keyboard-sidebar");
  arrow_to_folder (GDK_KEY_Up, "INBOX", 12);
  g_assert_true (kabar_ui_test_wait_for (row_shown, (gpointer) "Second by keyboard", WAIT_MS));

  /* Enter goes into the folder: the focus is on its messages. */
  press (GDK_KEY_Return, 0);
  assert_focus_in (PANE_MESSAGES);
  g_assert_true (folder_shown ((gpointer) "INBOX"));

  /* The arrows choose a message; the reading pane shows it. */
  press (GDK_KEY_Down, 0);
  assert_focus_in (PANE_MESSAGES);
  assert_reading ("Second by keyboard");
  press (GDK_KEY_Down, 0);
  assert_reading ("Third by keyboard");
  press (GDK_KEY_Up, 0);
  assert_focus_in (PANE_MESSAGES);
  assert_reading ("Second by keyboard");
  screenshot ("keyboard-reading");

  /* F6 on to the message, round to the folders, Shift+F6 back twice to
   * the list; Tab leaves the list for the reading pane, Shift+Tab comes
   * back. */
  press (GDK_KEY_F6, 0);
  assert_focus_in (PANE_MESSAGE);
  press (GDK_KEY_F6, 0);
  assert_focus_in (PANE_FOLDERS);
  press (GDK_KEY_F6, GDK_KEY_Shift_L);
  assert_focus_in (PANE_MESSAGE);
  press (GDK_KEY_F6, GDK_KEY_Shift_L);
  assert_focus_in (PANE_MESSAGES);
  press (GDK_KEY_Tab, 0);
  kabar_ui_test_wait_for (focus_reached, GINT_TO_POINTER (PANE_MESSAGE), 5000);
  g_assert_cmpint (focused_pane (), ==, PANE_MESSAGE);
  press (GDK_KEY_Tab, GDK_KEY_Shift_L);
  assert_focus_in (PANE_MESSAGES);
  g_assert_cmpstr (selected_subject (), ==, "Second by keyboard");

  /* Delete: to Trash, in the list, the toast and on the server. */
  press (GDK_KEY_Delete, 0);
  moved = g_strdup_printf (ngettext ("Moved %u message to %s", "Moved %u messages to %s", 1), 1, _("Trash"));
  if (!kabar_ui_test_wait_for_label (window, moved, 10000))
    g_error ("No toast says “%s”", moved);
  g_assert_true (kabar_ui_test_wait_for (row_gone, (gpointer) "Second by keyboard", WAIT_MS));
  assert_server_count ("Trash", "Second by keyboard", 1);
  assert_server_count ("INBOX", "Second by keyboard", 0);
  screenshot ("keyboard-deleted");
  /* The toast's own Undo takes the focus too, for who tabs to it. */
  {
    GtkWidget *undo = undo_button_of (moved);

    g_assert_nonnull (undo);
    g_assert_true (gtk_widget_get_focusable (undo) && gtk_widget_is_drawable (undo));
  }

  /* Ctrl+Z: the toast's Undo, without reaching for it. */
  press (GDK_KEY_z, GDK_KEY_Control_L);
  g_assert_true (kabar_ui_test_wait_for (row_shown, (gpointer) "Second by keyboard", WAIT_MS));
  assert_server_count ("INBOX", "Second by keyboard", 1);
  assert_server_count ("Trash", "Second by keyboard", 0);
  /* Once: there is nothing more to undo. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "undo"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  kabar_ui_test_init (&argc, &argv);
  load_xtest ();

  g_test_add_func ("/keyboard/the-whole-flow", test_the_whole_flow_by_keyboard);

  bed = kabar_ui_bed_start (SARI, SARI_PASSWORD, NULL);
  fill_mailbox ();
  kabar_ui_bed_write_account (bed, "Sari", SARI);

  app = kabar_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_object (&bed);
  return status;
}
