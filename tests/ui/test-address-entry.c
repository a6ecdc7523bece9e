/* test-address-entry.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The recipient field under Xvfb, alone in a window as the composer lays
 * it out ("To" and "Cc" beside their fields), with completion from two
 * real mail services: two accounts on the bed's Dovecot whose mailboxes
 * hold mail from known senders, one sender in both. The keys are real key
 * presses (XTest) and a paste goes through the clipboard, so the field
 * takes them as it takes a user's. Each step checks the tokens the user
 * sees (their names, tooltips, error style and focus), the completions
 * offered, and what the field gives the composer (dup_addresses,
 * dup_invalid).
 */

#include "config.h"

#include <dlfcn.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <gdk/x11/gdkx.h>

#include "kabar-account-manager.h"
#include "kabar-address-entry.h"
#include "kabar-mail-service.h"
#include "kabar-ui-bed.h"
#include "kabar-ui-test.h"

#define SARI          "sari@" KABAR_TEST_BED_DOMAIN
#define SARI_PASSWORD "Sandi-Sari-789"
#define BUDI          "budi@" KABAR_TEST_BED_DOMAIN
#define BUDI_PASSWORD "Sandi-Budi-789"
#define DEWI          "dewi@" KABAR_TEST_BED_DOMAIN
#define WAIT_MS       60000
#define KEY_WAIT_MS   10000

static KabarTestBed *bed;
static KabarAccountManager *accounts;
static GListStore *services;
static GtkWidget *window;
static KabarAddressEntry *to_entry;
static KabarAddressEntry *cc_entry;

/* --- the mailboxes ------------------------------------------------------------------ */

typedef struct
{
  const char *user;
  const char *from;
  guint       hours_ago;
} Sample;

/* Dewi wrote to both; the second time in capitals, as some programs write
 * addresses: one completion all the same. Among the "ra" senders Rahul
 * wrote last, so he comes first. */
static const Sample samples[] = {
  { SARI, "Dewi Ayu <" DEWI ">", 2 },
  { SARI, "Dewi Ayu <" DEWI ">", 30 },
  { SARI, "Dewa Putu <dewa@example.org>", 50 },
  { SARI, "Rahul Sharma <rahul@example.in>", 5 },
  { SARI, "Rani Putri <rani@example.org>", 70 },
  { SARI, "सुनीता शर्मा <sunita@example.in>", 8 },
  { BUDI, "Dewi Ayu <DEWI@KABAR.TEST>", 3 },
  { BUDI, "Lukas Becker <lukas@example.de>", 4 },
};

static guint
count_for (const char *user)
{
  guint count = 0;

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    count += g_str_equal (samples[i].user, user);
  return count;
}

static void
fill_mailboxes (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      gint64 when = now - (gint64) samples[i].hours_ago * 3600;
      g_autoptr(GBytes) message = kabar_ui_bed_message_new (samples[i].from, samples[i].user, "Kabar",
                                                            "Apa kabar?", when, NULL);

      kabar_test_bed_add_message (bed, samples[i].user, "INBOX", message, "", when, &error);
      g_assert_no_error (error);
    }
}

/* --- the services ------------------------------------------------------------------- */

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  g_assert_true (kabar_ui_test_wait_for (has_result, slot, WAIT_MS));
  return g_steal_pointer (slot);
}

static guint
inbox_count (KabarMailService *service)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) folders = NULL;

  if (kabar_mail_service_get_store (service) == NULL)
    return 0;
  kabar_mail_service_list_folders_async (service, NULL, on_done, &slot);
  result = wait_result (&slot);
  folders = kabar_mail_service_list_folders_finish (service, result, NULL);
  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      KabarStoreFolder *folder = folders->pdata[i];

      if (g_strcmp0 (folder->path, "INBOX") == 0 && folder->sync.uidnext > 0)
        return folder->total_count;
    }
  return 0;
}

static gboolean
inbox_synced (gpointer data)
{
  KabarMailService *service = data;
  const char *user = kabar_account_get_address (kabar_mail_service_get_account (service));

  return inbox_count (service) == count_for (user);
}

/* The accounts as Kabar keeps them, read back by the account manager as
 * the application reads them, each with its service, synced. */
static void
start_services (void)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "kabar", NULL);

  kabar_ui_bed_write_account (bed, "Sari", SARI);
  kabar_ui_bed_write_account (bed, "Budi", BUDI);
  accounts = kabar_account_manager_new (NULL);
  kabar_account_manager_load_async (accounts, NULL, on_done, &slot);
  result = wait_result (&slot);
  g_assert_true (kabar_account_manager_load_finish (accounts, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);

  services = g_list_store_new (KABAR_TYPE_MAIL_SERVICE);
  /* Sari's first: her store's spelling of Dewi's address is the one shown. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (accounts)); i++)
      {
        g_autoptr(KabarAccount) account = g_list_model_get_item (G_LIST_MODEL (accounts), i);
        g_autofree char *path = NULL;
        g_autoptr(KabarMailService) service = NULL;

        if (g_str_equal (kabar_account_get_address (account), SARI) != (pass == 0))
          continue;
        path = kabar_mail_service_dup_default_store_path (account);
        service = kabar_mail_service_new (account, path);
        g_list_store_append (services, service);
        kabar_mail_service_start (service);
      }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (services)), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (services), i);

      g_assert_true (kabar_ui_test_wait_for (inbox_synced, service, WAIT_MS));
    }
}

/* --- the window ---------------------------------------------------------------------- */

/* What the application loads for its windows: Adwaita and Kabar's CSS. */
static void
load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  adw_init ();
  gtk_css_provider_load_from_resource (provider, "/io/github/kabar/Kabar/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static GtkWidget *
add_field (GtkGrid    *grid,
           int         row,
           const char *label)
{
  GtkWidget *title = gtk_label_new (label);
  GtkWidget *entry = kabar_address_entry_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_widget_add_css_class (title, "dim-label");
  gtk_widget_set_valign (title, GTK_ALIGN_START);
  gtk_widget_set_margin_top (title, 9);
  gtk_widget_set_hexpand (entry, TRUE);
  kabar_address_entry_set_label (KABAR_ADDRESS_ENTRY (entry), label);
  kabar_address_entry_set_services (KABAR_ADDRESS_ENTRY (entry), G_LIST_MODEL (services));
  gtk_grid_attach (grid, title, 0, row, 1, 1);
  gtk_grid_attach (grid, entry, 1, row, 1, 1);
  return entry;
}

static gboolean
window_is_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (window));
}

static void
open_window (void)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *subject = gtk_entry_new ();

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "Kabar");
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 260);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  g_object_set (grid, "margin-start", 18, "margin-end", 18, "margin-top", 18, "margin-bottom", 18, NULL);
  /* As the composer says them: the field's own label. */
  to_entry = KABAR_ADDRESS_ENTRY (add_field (GTK_GRID (grid), 0, _("To")));
  cc_entry = KABAR_ADDRESS_ENTRY (add_field (GTK_GRID (grid), 1, _("Cc")));
  gtk_entry_set_placeholder_text (GTK_ENTRY (subject), _("Subject"));
  gtk_grid_attach (GTK_GRID (grid), subject, 1, 2, 1, 1);
  gtk_window_set_child (GTK_WINDOW (window), grid);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kabar_ui_test_wait_for (window_is_active, NULL, KEY_WAIT_MS));
  kabar_ui_test_wait_for_frame (window);
}

/* --- the keyboard ------------------------------------------------------------------- */

typedef int           (*FakeKeyEventFunc)   (Display *display, unsigned int keycode, int is_press,
                                             unsigned long delay);
typedef unsigned char (*KeysymToKeycodeFunc) (Display *display, unsigned long keysym);
typedef int           (*FlushFunc)          (Display *display);

static FakeKeyEventFunc fake_key_event;
static KeysymToKeycodeFunc keysym_to_keycode;
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
is_true (gpointer data)
{
  return *(gboolean *) data;
}

typedef struct
{
  guint    keycode;
  gboolean released;
} KeyWatch;

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

/* Presses keyval with modifier (a modifier's keyval, or 0) and waits until
 * GTK has handled the key's own release (not the modifier's, which comes
 * after): whatever the press did is done. */
static void
press (guint keyval,
       guint modifier)
{
  GtkEventController *controller = gtk_event_controller_key_new ();
  KeyWatch watch = { keysym_to_keycode (x_display (), keyval), FALSE };

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-released", G_CALLBACK (on_key_released), &watch);
  gtk_widget_add_controller (window, controller);
  if (modifier != 0)
    send_key (modifier, TRUE);
  send_key (keyval, TRUE);
  send_key (keyval, FALSE);
  if (modifier != 0)
    send_key (modifier, FALSE);
  flush (x_display ());
  if (!kabar_ui_test_wait_for (is_true, &watch.released, KEY_WAIT_MS))
    g_error ("the window never saw key %s", gdk_keyval_name (keyval));
  gtk_widget_remove_controller (window, controller);
}

typedef int (*FakeMotionFunc)        (Display *display, int screen, int x, int y, unsigned long delay);
typedef int (*FakeButtonFunc)        (Display *display, unsigned int button, int is_press, unsigned long delay);
typedef int (*TranslateCoordinatesFunc) (Display *display, Window from, Window to, int x, int y,
                                          int *to_x, int *to_y, Window *child);

static gboolean
on_click_seen (GtkGestureClick *gesture,
               int              n_press,
               double           x,
               double           y,
               gboolean        *seen)
{
  *seen = TRUE;
  return FALSE;
}

/* A real click (XTest) in the middle of widget, which may be in a popover:
 * the pointer goes where the user's would. Waits until GTK has handled
 * the release. */
static void
click (GtkWidget *widget)
{
  FakeMotionFunc fake_motion = (FakeMotionFunc) dlsym (RTLD_DEFAULT, "XTestFakeMotionEvent");
  FakeButtonFunc fake_button = (FakeButtonFunc) dlsym (RTLD_DEFAULT, "XTestFakeButtonEvent");
  TranslateCoordinatesFunc translate = (TranslateCoordinatesFunc) dlsym (RTLD_DEFAULT, "XTranslateCoordinates");
  GtkNative *native = gtk_widget_get_native (widget);
  GtkGesture *watch = gtk_gesture_click_new ();
  gboolean released = FALSE;
  graphene_point_t point;
  double offset_x, offset_y;
  int root_x, root_y;
  Window child;

  g_assert_nonnull (fake_motion);
  g_assert_nonnull (fake_button);
  g_assert_nonnull (translate);
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &point));
  gtk_native_get_surface_transform (native, &offset_x, &offset_y);
  translate (x_display (), gdk_x11_surface_get_xid (gtk_native_get_surface (native)),
             DefaultRootWindow (x_display ()), (int) (point.x + offset_x), (int) (point.y + offset_y),
             &root_x, &root_y, &child);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (watch), GTK_PHASE_CAPTURE);
  g_signal_connect (watch, "released", G_CALLBACK (on_click_seen), &released);
  gtk_widget_add_controller (GTK_WIDGET (native), GTK_EVENT_CONTROLLER (watch));
  fake_motion (x_display (), -1, root_x, root_y, 0);
  fake_button (x_display (), 1, TRUE, 0);
  fake_button (x_display (), 1, FALSE, 0);
  flush (x_display ());
  if (!kabar_ui_test_wait_for (is_true, &released, KEY_WAIT_MS))
    g_error ("the click on %s never came", G_OBJECT_TYPE_NAME (widget));
  gtk_widget_remove_controller (GTK_WIDGET (native), GTK_EVENT_CONTROLLER (watch));
}

/* Each character as its key, with Shift where the keyboard needs it. */
static void
type (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      guint keyval = gdk_unicode_to_keyval (g_utf8_get_char (p));
      g_autofree GdkKeymapKey *keys = NULL;
      int n_keys = 0;

      g_assert_true (gdk_display_map_keyval (gtk_widget_get_display (window), keyval, &keys, &n_keys));
      press (keyval, keys[0].level == 1 ? GDK_KEY_Shift_L : 0);
    }
}

/* As the user pastes a list copied from elsewhere: Ctrl+V. */
static void
paste (const char *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (window), text);
  press (GDK_KEY_v, GDK_KEY_Control_L);
}

/* --- what the user sees ---------------------------------------------------------------- */

static GtkWidget *
focus_widget (void)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

static GtkWidget *
text_of (KabarAddressEntry *entry)
{
  return GTK_WIDGET (kabar_address_entry_get_text (entry));
}

static const char *
typed (KabarAddressEntry *entry)
{
  return gtk_editable_get_text (kabar_address_entry_get_text (entry));
}

static GtkWidget *
token (KabarAddressEntry *entry,
       guint              index)
{
  g_autoptr(GPtrArray) tokens = kabar_address_entry_get_tokens (entry);

  g_assert_cmpuint (index, <, tokens->len);
  return tokens->pdata[index];
}

/* The names on the tokens, as the user reads them, joined by "|". */
static char *
token_names (KabarAddressEntry *entry)
{
  g_autoptr(GPtrArray) tokens = kabar_address_entry_get_tokens (entry);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < tokens->len; i++)
    {
      GtkWidget *label = kabar_ui_test_find_widget (tokens->pdata[i], GTK_TYPE_LABEL);

      g_assert_true (gtk_widget_is_drawable (label));
      g_string_append_printf (names, "%s%s", i > 0 ? "|" : "", gtk_label_get_text (GTK_LABEL (label)));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static guint
token_count (KabarAddressEntry *entry)
{
  g_autoptr(GPtrArray) tokens = kabar_address_entry_get_tokens (entry);

  return tokens->len;
}

typedef struct
{
  KabarAddressEntry *entry;
  const char        *expected;
} Wait;

static gboolean
names_are (gpointer data)
{
  Wait *wait = data;
  g_autofree char *names = token_names (wait->entry);

  return g_str_equal (names, wait->expected);
}

static void
wait_for_names (KabarAddressEntry *entry,
                const char        *expected)
{
  Wait wait = { entry, expected };
  g_autofree char *names = NULL;

  if (kabar_ui_test_wait_for (names_are, &wait, KEY_WAIT_MS))
    return;
  g_test_message ("still typed: \"%s\"", typed (entry));
  names = token_names (entry);
  g_assert_cmpstr (names, ==, expected);
}

static char *
completions (KabarAddressEntry *entry)
{
  g_auto(GStrv) shown = kabar_address_entry_dup_completions (entry);

  return g_strjoinv ("|", shown);
}

static gboolean
completions_are (gpointer data)
{
  Wait *wait = data;
  g_autofree char *shown = completions (wait->entry);

  return g_str_equal (shown, wait->expected);
}

/* Completion comes from the services' threads, in their own time. */
static void
wait_for_completions (KabarAddressEntry *entry,
                      const char        *expected)
{
  Wait wait = { entry, expected };
  g_autofree char *shown = NULL;

  if (kabar_ui_test_wait_for (completions_are, &wait, WAIT_MS))
    return;
  shown = completions (entry);
  g_assert_cmpstr (shown, ==, expected);
}

static GtkWidget *
completion_popover (KabarAddressEntry *entry)
{
  return kabar_ui_test_find_widget (GTK_WIDGET (entry), GTK_TYPE_POPOVER);
}

static char *
addresses (KabarAddressEntry *entry)
{
  g_autoptr(GObject) list = G_OBJECT (kabar_address_entry_dup_addresses (entry));

  return internet_address_list_to_string (INTERNET_ADDRESS_LIST (list), NULL, FALSE);
}

static void
screenshot (const char *name)
{
  g_autoptr(GdkTexture) shot = NULL;

  kabar_ui_test_wait_for_frame (window);
  shot = kabar_ui_test_screenshot (window, name);
}

/* --- the tests -------------------------------------------------------------------------- */

/* "dew" offers Dewi (once, though both accounts know her) and Dewa, best
 * first, as "Name — address" rows under the field; Enter takes Dewi. */
static void
test_completion_by_enter (void)
{
  GtkWidget *popover;
  g_autofree char *row_text = g_strdup_printf ("Dewi Ayu — %s", DEWI);

  gtk_widget_grab_focus (GTK_WIDGET (to_entry));
  g_assert_true (focus_widget () == text_of (to_entry));
  type ("dew");
  wait_for_completions (to_entry, DEWI "|dewa@example.org");
  popover = completion_popover (to_entry);
  g_assert_true (gtk_widget_get_mapped (popover));
  kabar_ui_test_wait_for_frame (popover);
  g_assert_nonnull (kabar_ui_test_find_label (popover, row_text));
  kabar_ui_test_save_screenshot_with_popover (window, popover, "address-entry-completion");
  /* The typing stays in the field while the list is open. */
  g_assert_true (focus_widget () == text_of (to_entry));

  press (GDK_KEY_Return, 0);
  wait_for_names (to_entry, "Dewi Ayu");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (token (to_entry, 0)), ==, "Dewi Ayu <" DEWI ">");
  g_assert_false (gtk_widget_has_css_class (token (to_entry, 0), "error"));
  g_assert_cmpstr (typed (to_entry), ==, "");
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_true (focus_widget () == text_of (to_entry));
}

/* Down moves to the second offer; Enter takes it. Addresses already
 * tokens are not offered again. */
static void
test_completion_by_arrows (void)
{
  type ("ra");
  wait_for_completions (to_entry, "rahul@example.in|rani@example.org");
  press (GDK_KEY_Down, 0);
  press (GDK_KEY_Return, 0);
  wait_for_names (to_entry, "Dewi Ayu|Rani Putri");

  type ("dew");
  wait_for_completions (to_entry, "dewa@example.org");
  press (GDK_KEY_Escape, 0);
  g_assert_false (gtk_widget_get_visible (completion_popover (to_entry)));
  g_assert_cmpstr (typed (to_entry), ==, "dew");
  for (guint i = 0; i < 3; i++)
    press (GDK_KEY_BackSpace, 0);
  g_assert_cmpstr (typed (to_entry), ==, "");
  g_assert_cmpuint (token_count (to_entry), ==, 2);
}

/* A pasted list makes a token of each address; a quoted name with a
 * comma stays one. */
static void
test_paste (void)
{
  paste ("Rahul Sharma <rahul@example.in>, " BUDI);
  wait_for_names (to_entry, "Dewi Ayu|Rani Putri|Rahul Sharma|" BUDI);
  g_assert_cmpstr (typed (to_entry), ==, "");

  paste ("\"Doe, Jane\" <jane@example.org>");
  wait_for_names (to_entry, "Dewi Ayu|Rani Putri|Rahul Sharma|" BUDI "|Doe, Jane");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (token (to_entry, 4)), ==, "\"Doe, Jane\" <jane@example.org>");
  g_assert_null (kabar_address_entry_dup_invalid (to_entry));
}

/* A comma ends what was typed: not an address, so a token in the error
 * style whose tooltip says why; dup_invalid names it. */
static void
test_invalid (void)
{
  g_autofree char *invalid = NULL;
  GtkWidget *bad;

  type ("not an address,");
  wait_for_names (to_entry, "Dewi Ayu|Rani Putri|Rahul Sharma|" BUDI "|Doe, Jane|not an address");
  bad = token (to_entry, 5);
  g_assert_true (gtk_widget_has_css_class (bad, "error"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (bad), ==,
                   _("An address needs an @ and a domain, as in name@example.org."));
  g_assert_false (gtk_widget_has_css_class (token (to_entry, 4), "error"));
  invalid = kabar_address_entry_dup_invalid (to_entry);
  g_assert_cmpstr (invalid, ==, "not an address");
  g_assert_cmpstr (typed (to_entry), ==, "");
  screenshot ("address-entry-tokens");
}

/* Backspace in the empty text selects the last token (it takes the
 * focus, and looks it), a second removes it. */
static void
test_backspace (void)
{
  GtkWidget *bad = token (to_entry, 5);
  g_autofree char *invalid = NULL;

  press (GDK_KEY_BackSpace, 0);
  g_assert_true (focus_widget () == bad);
  g_assert_cmpuint (token_count (to_entry), ==, 6);
  screenshot ("address-entry-selected");
  press (GDK_KEY_BackSpace, 0);
  wait_for_names (to_entry, "Dewi Ayu|Rani Putri|Rahul Sharma|" BUDI "|Doe, Jane");
  g_assert_true (focus_widget () == text_of (to_entry));
  invalid = kabar_address_entry_dup_invalid (to_entry);
  g_assert_null (invalid);
}

/* Left from the start of the text walks the tokens; Delete removes the
 * one with the focus, and the focus goes on to the next; Enter puts a
 * token back into the text to correct it; Right comes back to the text. */
static void
test_tokens_by_keyboard (void)
{
  press (GDK_KEY_Left, 0);
  g_assert_true (focus_widget () == token (to_entry, 4));
  press (GDK_KEY_Left, 0);
  g_assert_true (focus_widget () == token (to_entry, 3));
  press (GDK_KEY_Delete, 0);
  wait_for_names (to_entry, "Dewi Ayu|Rani Putri|Rahul Sharma|Doe, Jane");
  g_assert_true (focus_widget () == token (to_entry, 3));

  press (GDK_KEY_Return, 0);
  wait_for_names (to_entry, "Dewi Ayu|Rani Putri|Rahul Sharma");
  g_assert_cmpstr (typed (to_entry), ==, "\"Doe, Jane\" <jane@example.org>");
  g_assert_true (focus_widget () == text_of (to_entry));
  g_assert_false (gtk_widget_get_visible (completion_popover (to_entry)));
  press (GDK_KEY_Return, 0);
  wait_for_names (to_entry, "Dewi Ayu|Rani Putri|Rahul Sharma|Doe, Jane");

  press (GDK_KEY_Left, 0);
  g_assert_true (focus_widget () == token (to_entry, 3));
  press (GDK_KEY_Right, 0);
  g_assert_true (focus_widget () == text_of (to_entry));
}

/* Completion from the second account; Tab takes it and goes on to the
 * next field, Cc. */
static void
test_tab (void)
{
  type ("lu");
  wait_for_completions (to_entry, "lukas@example.de");
  press (GDK_KEY_Tab, 0);
  wait_for_names (to_entry, "Dewi Ayu|Rani Putri|Rahul Sharma|Doe, Jane|Lukas Becker");
  g_assert_true (focus_widget () == text_of (cc_entry));
  g_assert_cmpstr (typed (to_entry), ==, "");
}

/* Leaving the field turns what was typed into a token; what the field
 * gives is what it shows, in order, with what is still typed. */
static void
test_focus_leaving_and_addresses (void)
{
  g_autofree char *to = NULL;
  g_autofree char *cc = NULL;
  g_autofree char *invalid = NULL;

  g_assert_true (kabar_address_entry_is_empty (cc_entry));
  type (SARI);
  g_assert_false (kabar_address_entry_is_empty (cc_entry));
  press (GDK_KEY_Escape, 0);
  /* Typed, not yet a token, and already in what the field gives. */
  cc = addresses (cc_entry);
  g_assert_cmpstr (cc, ==, SARI);
  g_clear_pointer (&cc, g_free);
  press (GDK_KEY_Tab, GDK_KEY_Shift_L);
  g_assert_true (focus_widget () == text_of (to_entry));
  wait_for_names (cc_entry, SARI);
  g_assert_cmpstr (typed (cc_entry), ==, "");

  to = addresses (to_entry);
  g_assert_cmpstr (to, ==,
                   "Dewi Ayu <" DEWI ">, Rani Putri <rani@example.org>, Rahul Sharma <rahul@example.in>, "
                   "\"Doe, Jane\" <jane@example.org>, Lukas Becker <lukas@example.de>");
  cc = addresses (cc_entry);
  g_assert_cmpstr (cc, ==, SARI);

  /* Typed text that is not valid counts before it is a token. */
  type ("ayu@");
  invalid = kabar_address_entry_dup_invalid (to_entry);
  g_assert_cmpstr (invalid, ==, "ayu@");
  screenshot ("address-entry-typing");
  for (guint i = 0; i < 4; i++)
    press (GDK_KEY_BackSpace, 0);
  g_assert_cmpstr (typed (to_entry), ==, "");
}

static void
count_change (guint *changes)
{
  (*changes)++;
}

/* What the composer sets (a reply's recipients, a draft's) shows as
 * tokens, one that is not valid marked; NULL empties the field. Each
 * change is said. */
static void
test_set_addresses (void)
{
  g_autoptr(GObject) list = G_OBJECT (internet_address_list_parse (NULL, "सुनीता शर्मा <sunita@example.in>, "
                                                                         "Budi <" BUDI ">"));
  g_autoptr(GObject) drafted = G_OBJECT (internet_address_list_new ());
  g_autoptr(GObject) broken = G_OBJECT (internet_address_mailbox_new ("Ayu", "ayu"));
  g_autofree char *invalid = NULL;
  g_autofree char *cc = NULL;
  guint changes = 0;
  gulong handler = g_signal_connect_swapped (cc_entry, "changed", G_CALLBACK (count_change), &changes);

  kabar_address_entry_set_addresses (cc_entry, INTERNET_ADDRESS_LIST (list));
  wait_for_names (cc_entry, "सुनीता शर्मा|Budi");
  screenshot ("address-entry-names");
  g_assert_cmpuint (changes, ==, 1);
  cc = addresses (cc_entry);
  g_assert_cmpstr (cc, ==, "सुनीता शर्मा <sunita@example.in>, Budi <" BUDI ">");

  internet_address_list_add (INTERNET_ADDRESS_LIST (drafted), INTERNET_ADDRESS (broken));
  kabar_address_entry_set_addresses (cc_entry, INTERNET_ADDRESS_LIST (drafted));
  wait_for_names (cc_entry, "Ayu");
  g_assert_true (gtk_widget_has_css_class (token (cc_entry, 0), "error"));
  invalid = kabar_address_entry_dup_invalid (cc_entry);
  g_assert_cmpstr (invalid, ==, "Ayu <ayu>");
  screenshot ("address-entry-set");

  kabar_address_entry_set_addresses (cc_entry, NULL);
  g_assert_cmpuint (changes, ==, 3);
  g_assert_true (kabar_address_entry_is_empty (cc_entry));
  g_assert_cmpuint (token_count (cc_entry), ==, 0);
  g_clear_pointer (&invalid, g_free);
  invalid = kabar_address_entry_dup_invalid (cc_entry);
  g_assert_null (invalid);
  g_signal_handler_disconnect (cc_entry, handler);
}

/* A click on a completion takes it; the field keeps the focus, and what
 * was typed does not become a token of its own. */
static void
test_click (void)
{
  GtkWidget *popover;
  GtkWidget *row;

  gtk_widget_grab_focus (GTK_WIDGET (cc_entry));
  type ("sun");
  wait_for_completions (cc_entry, "sunita@example.in");
  popover = completion_popover (cc_entry);
  kabar_ui_test_wait_for_frame (popover);
  row = kabar_ui_test_find_widget (popover, GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  kabar_ui_test_save_screenshot_with_popover (window, popover, "address-entry-completion-name");
  click (row);
  wait_for_names (cc_entry, "सुनीता शर्मा");
  g_assert_cmpstr (typed (cc_entry), ==, "");
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_true (focus_widget () == text_of (cc_entry));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kabar_ui_test_init (&argc, &argv);
  load_xtest ();
  load_style ();

  g_test_add_func ("/address-entry/completion-by-enter", test_completion_by_enter);
  g_test_add_func ("/address-entry/completion-by-arrows", test_completion_by_arrows);
  g_test_add_func ("/address-entry/paste", test_paste);
  g_test_add_func ("/address-entry/invalid", test_invalid);
  g_test_add_func ("/address-entry/backspace", test_backspace);
  g_test_add_func ("/address-entry/tokens-by-keyboard", test_tokens_by_keyboard);
  g_test_add_func ("/address-entry/tab", test_tab);
  g_test_add_func ("/address-entry/focus-leaving-and-addresses", test_focus_leaving_and_addresses);
  g_test_add_func ("/address-entry/set-addresses", test_set_addresses);
  g_test_add_func ("/address-entry/click", test_click);

  bed = kabar_ui_bed_start (SARI, SARI_PASSWORD, BUDI, BUDI_PASSWORD, NULL);
  fill_mailboxes ();
  start_services ();
  open_window ();

  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (services)); i++)
    {
      g_autoptr(KabarMailService) service = g_list_model_get_item (G_LIST_MODEL (services), i);

      kabar_mail_service_stop (service);
    }
  g_clear_object (&services);
  g_clear_object (&accounts);
  g_clear_object (&bed);
  return status;
}
