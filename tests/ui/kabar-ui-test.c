/* kabar-ui-test.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "kabar-account-item.h"
#include "kabar-folder-list.h"
#include "kabar-message-item.h"
#include "kabar-message-list.h"
#include "kabar-ui-test.h"

/* meson builds the catalogues in the installed layout, po/LL/LC_MESSAGES,
 * so the tests read this build's translations, not an installed copy. */
static void
bind_build_translations (void)
{
  const char *build_root = g_getenv ("KABAR_BUILD_ROOT");
  static const char *languages[] = { "id", "hi" };
  g_autofree char *localedir = NULL;

  g_assert_nonnull (build_root);
  localedir = g_build_filename (build_root, "po", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autofree char *built = g_build_filename (localedir, languages[i], "LC_MESSAGES",
                                                 GETTEXT_PACKAGE ".mo", NULL);

      g_assert_true (g_file_test (built, G_FILE_TEST_EXISTS));
    }

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* The sanitizer build draws without GL (GDK_DEBUG=gl-disable, see
 * tests/meson.build). WebKit's GPU renderer would then try GL anyway and
 * warn that it cannot; without GL the CPU renderer is the one to use. */
static void
match_webkit_to_gdk_gl (void)
{
  const char *gdk_debug = g_getenv ("GDK_DEBUG");

  if (gdk_debug != NULL && strstr (gdk_debug, "gl-disable") != NULL)
    g_setenv ("WEBKIT_DISABLE_DMABUF_RENDERER", "1", TRUE);
}

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>

typedef struct
{
  guintptr start;
  guintptr end;
  gboolean writable;
  gboolean glib;
} Mapping;

static GArray *
read_mappings (void)
{
  g_autofree char *maps = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *mappings = g_array_new (FALSE, FALSE, sizeof (Mapping));

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      unsigned long start, end;
      char perms[5] = "";
      Mapping mapping;

      if (sscanf (lines[i], "%lx-%lx %4s", &start, &end, perms) != 3 || perms[0] != 'r')
        continue;
      mapping.start = start;
      mapping.end = end;
      mapping.writable = perms[1] == 'w';
      mapping.glib = strstr (lines[i], "/libglib-2.0.so") != NULL;
      g_array_append_val (mappings, mapping);
    }
  return mappings;
}

static gboolean
is_readable (GArray   *mappings,
             guintptr  address,
             gsize     size)
{
  for (guint i = 0; i < mappings->len; i++)
    {
      const Mapping *mapping = &g_array_index (mappings, Mapping, i);

      if (address >= mapping->start && address + size <= mapping->end)
        return TRUE;
    }
  return FALSE;
}

/* GLib's quark table grows by copying itself into a larger block and
 * leaving the old one behind, on purpose (gquark.c: readers take no
 * lock). A test process that makes more than 2048 quarks (GTK's, WebKit's
 * and Kabar's types together) leaves the first block, and LeakSanitizer
 * reports it with no frame but g_malloc, so no suppression can name it
 * without hiding every leak. Its address sits in GLib's data while it is
 * still the table: found there by what it holds, the first quarks'
 * strings, it is marked as no leak, before anything can outgrow it. */
static void
keep_glib_quark_table (void)
{
  g_autoptr(GArray) mappings = read_mappings ();
  const char *first = g_quark_to_string (1);
  const char *second = g_quark_to_string (2);

  g_assert_nonnull (first);
  for (guint i = 0; i < mappings->len; i++)
    {
      const Mapping *mapping = &g_array_index (mappings, Mapping, i);

      if (!mapping->glib || !mapping->writable)
        continue;
      for (guintptr word = mapping->start; word + sizeof (gpointer) <= mapping->end; word += sizeof (gpointer))
        {
          const char * const *table = *(const char * const * const *) word;

          if ((guintptr) table % sizeof (gpointer) != 0
              || !is_readable (mappings, (guintptr) table, 3 * sizeof (gpointer))
              || __asan_region_is_poisoned ((void *) table, 3 * sizeof (gpointer)) != NULL)
            continue;
          if (table[0] == NULL && table[1] == first && table[2] == second)
            {
              __lsan_ignore_object (table);
              return;
            }
        }
    }
  g_error ("GLib's quark table was not found in its data");
}
#else
static void
keep_glib_quark_table (void)
{
}
#endif

void
kabar_ui_test_init (int    *argc,
                    char ***argv)
{
  /* The language comes from the environment, as for a user: the meson test
   * sets LANG and LANGUAGE. */
  keep_glib_quark_table ();
  setlocale (LC_ALL, "");
  match_webkit_to_gdk_gl ();
  bind_build_translations ();
  g_test_init (argc, argv, NULL);
  gtk_init ();
}

const char *
kabar_ui_test_language (void)
{
  const char *language = g_getenv ("LANGUAGE");

  return language != NULL && *language != '\0' ? language : "en";
}

static gboolean
timed_out_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
kabar_ui_test_wait_for (KabarUiTestCondition condition,
                        gpointer             data,
                        guint                timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (timeout_ms, timed_out_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (timeout_id);
  return condition (data);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  guint *frames = data;

  (*frames)++;
}

static gboolean
frame_painted (gpointer data)
{
  return *(guint *) data > 0;
}

/* A mapped widget may not be painted yet: wait for two real frames after
 * it (each asked for: a window with nothing moving paints no more). */
void
kabar_ui_test_wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gulong handler;

  g_assert_true (gtk_widget_get_mapped (widget));
  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);

  for (guint i = 0; i < 2; i++)
    {
      guint frames = 0;

      handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &frames);
      gtk_widget_queue_draw (widget);
      g_assert_true (kabar_ui_test_wait_for (frame_painted, &frames, 5000));
      g_signal_handler_disconnect (clock, handler);
    }
}

GtkWidget *
kabar_ui_test_find_widget (GtkWidget *root,
                           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = kabar_ui_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect_widgets (GtkWidget *widget,
                 GType      type,
                 GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, type, found);
}

GPtrArray *
kabar_ui_test_find_widgets (GtkWidget *root,
                            GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect_widgets (root, type, found);
  return found;
}

GtkWidget *
kabar_ui_test_find_label (GtkWidget  *root,
                          const char *text)
{
  g_autoptr(GPtrArray) labels = kabar_ui_test_find_widgets (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      if (gtk_widget_is_drawable (label) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) == 0)
        return label;
    }
  return NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return kabar_ui_test_find_label (wait->root, wait->text) != NULL;
}

gboolean
kabar_ui_test_wait_for_label (GtkWidget  *root,
                              const char *text,
                              guint       timeout_ms)
{
  LabelWait wait = { root, text };

  return kabar_ui_test_wait_for (label_shown, &wait, timeout_ms);
}

GtkWidget *
kabar_ui_test_find_toast_button (GtkWidget  *root,
                                 const char *text,
                                 const char *button_label)
{
  GtkWidget *toast = kabar_ui_test_find_label (root, text);
  g_autoptr(GPtrArray) buttons = NULL;

  while (toast != NULL && g_strcmp0 (G_OBJECT_TYPE_NAME (toast), "AdwToastWidget") != 0)
    toast = gtk_widget_get_parent (toast);
  if (toast == NULL)
    return NULL;
  buttons = kabar_ui_test_find_widgets (toast, GTK_TYPE_BUTTON);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), button_label) == 0)
      return g_ptr_array_index (buttons, i);
  return NULL;
}

/* --- windows --------------------------------------------------------------------------- */

static gboolean
active_window_mapped (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (data);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

GtkWidget *
kabar_ui_test_present_window (GtkApplication *app)
{
  g_application_activate (G_APPLICATION (app));
  g_assert_true (kabar_ui_test_wait_for (active_window_mapped, app, 10000));
  return GTK_WIDGET (gtk_application_get_active_window (app));
}

GtkWindow *
kabar_ui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

gboolean
kabar_ui_test_toplevel_shown (gpointer type)
{
  GtkWindow *toplevel = kabar_ui_test_find_toplevel (GPOINTER_TO_SIZE (type));

  return toplevel != NULL && gtk_widget_get_mapped (GTK_WIDGET (toplevel));
}

gboolean
kabar_ui_test_toplevel_gone (gpointer type)
{
  return kabar_ui_test_find_toplevel (GPOINTER_TO_SIZE (type)) == NULL;
}

GtkWindow *
kabar_ui_test_wait_for_toplevel (GType type)
{
  GtkWindow *found;

  if (!kabar_ui_test_wait_for (kabar_ui_test_toplevel_shown, GSIZE_TO_POINTER (type), 10000))
    g_error ("No %s was shown", g_type_name (type));
  found = kabar_ui_test_find_toplevel (type);
  kabar_ui_test_wait_for_frame (GTK_WIDGET (found));
  return found;
}

/* --- the sidebar ----------------------------------------------------------------------- */

static KabarFolderItem *
find_folder_in (GListModel *folders,
                const char *path)
{
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(KabarFolderItem) folder = g_list_model_get_item (folders, i);
      KabarFolderItem *below;

      if (g_strcmp0 (kabar_folder_item_get_folder (folder)->path, path) == 0)
        return folder;
      below = find_folder_in (kabar_folder_item_get_children (folder), path);
      if (below != NULL)
        return below;
    }
  return NULL;
}

KabarAccountItem *
kabar_ui_test_find_account (GtkWidget  *window,
                            const char *address)
{
  GtkWidget *list = kabar_ui_test_find_widget (window, KABAR_TYPE_FOLDER_LIST);
  GListModel *accounts = list != NULL ? kabar_folder_list_get_accounts (KABAR_FOLDER_LIST (list)) : NULL;

  for (guint i = 0; accounts != NULL && i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(KabarAccountItem) account = g_list_model_get_item (accounts, i);

      if (address == NULL || g_strcmp0 (kabar_account_item_get_address (account), address) == 0)
        return account;
    }
  return NULL;
}

KabarFolderItem *
kabar_ui_test_find_folder (GtkWidget  *window,
                           const char *address,
                           const char *path)
{
  KabarAccountItem *account = kabar_ui_test_find_account (window, address);

  return account != NULL ? find_folder_in (kabar_account_item_get_folders (account), path) : NULL;
}

GtkWidget *
kabar_ui_test_find_button (GtkWidget  *root,
                           const char *label)
{
  g_autoptr(GPtrArray) buttons = kabar_ui_test_find_widgets (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));

      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0 ||
          (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), label) == 0))
        return button;
    }
  return NULL;
}

static char *
screenshot_path (const char *name)
{
  const char *build_root = g_getenv ("KABAR_BUILD_ROOT");
  g_autofree char *dir = g_build_filename (build_root, "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, kabar_ui_test_language ());

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return g_build_filename (dir, file, NULL);
}

static GdkTexture *
render_and_save (GtkWidget  *widget,
                 const char *name,
                 GtkWidget  *inset,
                 GdkTexture *inset_texture)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree char *path = screenshot_path (name);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkTexture *texture;

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  if (inset != NULL)
    {
      graphene_rect_t bounds;

      g_assert_true (gtk_widget_compute_bounds (inset, widget, &bounds));
      /* A window's picture includes its shadow; its coordinates do not. */
      if (GTK_IS_NATIVE (widget))
        {
          double x, y;

          gtk_native_get_surface_transform (GTK_NATIVE (widget), &x, &y);
          graphene_rect_offset (&bounds, x, y);
        }
      gtk_snapshot_append_texture (snapshot, inset_texture, &bounds);
    }
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);

  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return texture;
}

/* Renders the widget the way GTK paints it on screen and saves it as
 * BUILD_ROOT/screenshots/NAME-LANGUAGE.png. */
GdkTexture *
kabar_ui_test_screenshot (GtkWidget  *widget,
                          const char *name)
{
  return render_and_save (widget, name, NULL, NULL);
}

GdkTexture *
kabar_ui_test_screenshot_with_inset (GtkWidget  *widget,
                                     const char *name,
                                     GtkWidget  *inset,
                                     GdkTexture *inset_texture)
{
  g_return_val_if_fail (GTK_IS_WIDGET (inset), NULL);
  g_return_val_if_fail (GDK_IS_TEXTURE (inset_texture), NULL);

  return render_and_save (widget, name, inset, inset_texture);
}

guint
kabar_ui_test_count_colours (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);

  gdk_texture_download (texture, pixels, stride);
  for (gsize i = 0; i < stride * height; i += 4)
    {
      guint32 pixel;

      memcpy (&pixel, pixels + i, sizeof pixel);
      g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
    }
  return g_hash_table_size (colours);
}

void
kabar_ui_test_save_screenshot (GtkWidget  *widget,
                               const char *name,
                               guint       min_colours)
{
  g_autoptr(GdkTexture) shot = NULL;

  kabar_ui_test_wait_for_frame (widget);
  shot = kabar_ui_test_screenshot (widget, name);
  if (min_colours > 0)
    g_assert_cmpuint (kabar_ui_test_count_colours (shot), >, min_colours);
}

/* --- what the user clicks -------------------------------------------------------------- */

GtkWidget *
kabar_ui_test_find_by_id (GtkWidget  *root,
                          const char *id)
{
  g_autoptr(GPtrArray) widgets = kabar_ui_test_find_widgets (root, GTK_TYPE_WIDGET);

  for (guint i = 0; i < widgets->len; i++)
    if (g_strcmp0 (gtk_buildable_get_buildable_id (g_ptr_array_index (widgets, i)), id) == 0)
      return g_ptr_array_index (widgets, i);
  g_error ("No widget “%s”", id);
}

GtkWidget *
kabar_ui_test_find_shown_button (GtkWidget  *root,
                                 const char *label)
{
  g_autoptr(GPtrArray) buttons = kabar_ui_test_find_widgets (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0 && gtk_widget_is_drawable (button))
        return button;
    }
  return NULL;
}

/* A button's activation clicks it only after showing it pressed for a
 * moment. */
void
kabar_ui_test_click (GtkWidget *widget)
{
  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_is_drawable (widget));
  g_assert_true (gtk_widget_is_sensitive (widget));
  if (GTK_IS_BUTTON (widget))
    g_signal_emit_by_name (widget, "clicked");
  else
    gtk_widget_activate (widget);
}

void
kabar_ui_test_press (GtkWidget  *root,
                     const char *label)
{
  GtkWidget *button = kabar_ui_test_find_shown_button (root, label);

  if (button == NULL)
    g_error ("No button “%s” shown", label);
  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_widget_activate (button);
}

gboolean
kabar_ui_test_widget_shown (gpointer widget)
{
  return gtk_widget_is_drawable (widget);
}

/* --- the application and its window ------------------------------------------------------ */

KabarApplication *
kabar_ui_test_new_application (void)
{
  KabarApplication *app = kabar_application_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

KabarAccount *
kabar_ui_test_find_saved_account (KabarApplication *app,
                                  const char       *address)
{
  GListModel *accounts = G_LIST_MODEL (kabar_application_get_account_manager (app));

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(KabarAccount) account = g_list_model_get_item (accounts, i);

      if (g_strcmp0 (kabar_account_get_address (account), address) == 0)
        return account;
    }
  return NULL;
}

typedef struct
{
  GtkWidget  *window;
  const char *address;
  guint       n;
} InboxWait;

static KabarMessageList *
message_list (GtkWidget *window)
{
  return KABAR_MESSAGE_LIST (kabar_ui_test_find_widget (window, KABAR_TYPE_MESSAGE_LIST));
}

static gboolean
inbox_listed (gpointer data)
{
  InboxWait *wait = data;
  KabarMessageList *list = message_list (wait->window);
  KabarFolderItem *inbox = kabar_ui_test_find_folder (wait->window, wait->address, "INBOX");
  KabarMessageListModel *model;

  if (inbox == NULL)
    return FALSE;
  if (kabar_message_list_get_folder (list) != inbox)
    kabar_folder_list_select_folder (KABAR_FOLDER_LIST (kabar_ui_test_find_widget (wait->window,
                                                                                  KABAR_TYPE_FOLDER_LIST)),
                                     inbox);
  /* Another folder, another model. */
  model = kabar_message_list_get_model (list);
  return model != NULL && kabar_message_list_get_folder (list) == inbox
         && g_list_model_get_n_items (G_LIST_MODEL (model)) == wait->n;
}

static gboolean
summaries_loaded (gpointer window)
{
  GListModel *model = G_LIST_MODEL (kabar_message_list_get_model (message_list (window)));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KabarMessageItem) item = g_list_model_get_item (model, i);

      if (kabar_message_item_get_summary (item) == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
subject_listed (GListModel *model,
                const char *subject)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KabarMessageItem) item = g_list_model_get_item (model, i);
      const KabarMessageSummary *summary = kabar_message_item_get_summary (item);

      if (summary != NULL && g_strcmp0 (summary->subject, subject) == 0)
        return TRUE;
    }
  return FALSE;
}

void
kabar_ui_test_wait_for_inbox (GtkWidget         *window,
                              const char        *address,
                              const char *const *subjects,
                              guint              n,
                              guint              timeout_ms)
{
  InboxWait wait = { window, address, n };
  GListModel *model;

  g_assert_true (kabar_ui_test_wait_for (inbox_listed, &wait, timeout_ms));
  g_assert_true (kabar_ui_test_wait_for (summaries_loaded, window, timeout_ms));
  model = G_LIST_MODEL (kabar_message_list_get_model (message_list (window)));
  for (guint i = 0; i < n; i++)
    if (!subject_listed (model, subjects[i]))
      g_error ("“%s” is not in the list", subjects[i]);
}

/* --- secrets, in the keyring and not on disk --------------------------------------------- */

typedef struct
{
  gboolean  done;
  char     *secret;
} Lookup;

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(GError) error = NULL;

  lookup->secret = kabar_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
  lookup->done = TRUE;
}

static gboolean
lookup_done (gpointer data)
{
  return ((Lookup *) data)->done;
}

char *
kabar_ui_test_lookup_secret (const char      *account_id,
                             KabarSecretKind  kind)
{
  Lookup lookup = { FALSE, NULL };
  char *secret;

  kabar_secrets_lookup_async (account_id, kind, NULL, on_looked_up, &lookup);
  g_assert_true (kabar_ui_test_wait_for (lookup_done, &lookup, 60000));
  secret = g_strdup (lookup.secret);
  kabar_secrets_free (lookup.secret);
  return secret;
}

void
kabar_ui_test_use_private_home (void)
{
  const char *session = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *home = NULL;
  g_autofree char *state = NULL;

  g_assert_nonnull (session);
  home = g_build_filename (session, "home", NULL);
  state = g_build_filename (session, "state", NULL);
  g_assert_cmpint (g_mkdir_with_parents (home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (state, 0700), ==, 0);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
}

static gboolean
file_holds_any (const char        *path,
                const char *const *texts)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  for (guint i = 0; texts[i] != NULL; i++)
    if (memmem (contents, length, texts[i], strlen (texts[i])) != NULL)
      return TRUE;
  return FALSE;
}

static void
grep_folder (const char        *folder,
             const char *const *texts,
             GPtrArray         *found,
             guint             *n_files)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        grep_folder (path, texts, found, n_files);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          (*n_files)++;
          if (file_holds_any (path, texts))
            g_ptr_array_add (found, g_steal_pointer (&path));
        }
    }
}

GPtrArray *
kabar_ui_test_grep_profile (const char *const *texts,
                            guint             *n_files)
{
  const char *folders[] = {
    g_get_user_config_dir (), g_get_user_data_dir (), g_get_user_cache_dir (), g_get_user_state_dir (),
    g_get_home_dir (),
  };
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    grep_folder (folders[i], texts, found, &n);
  if (n_files != NULL)
    *n_files = n;
  return found;
}

void
kabar_ui_test_save_screenshot_with_popover (GtkWidget  *window,
                                            GtkWidget  *popover,
                                            const char *name)
{
  g_autoptr(GdkPaintable) window_paint = gtk_widget_paintable_new (window);
  g_autoptr(GdkPaintable) popover_paint = gtk_widget_paintable_new (popover);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("KABAR_BUILD_ROOT"), "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, kabar_ui_test_language ());
  g_autofree char *path = g_build_filename (dir, file, NULL);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (popover));
  double window_x, window_y, popover_x, popover_y;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  graphene_point_t origin;

  kabar_ui_test_wait_for_frame (window);
  kabar_ui_test_wait_for_frame (popover);
  gtk_native_get_surface_transform (GTK_NATIVE (window), &window_x, &window_y);
  gtk_native_get_surface_transform (GTK_NATIVE (popover), &popover_x, &popover_y);
  origin = GRAPHENE_POINT_INIT (gdk_popup_get_position_x (GDK_POPUP (surface)) + popover_x - window_x,
                                gdk_popup_get_position_y (GDK_POPUP (surface)) + popover_y - window_y);
  height = MAX (height, (int) origin.y + gtk_widget_get_height (popover));
  gdk_paintable_snapshot (window_paint, GDK_SNAPSHOT (snapshot), gtk_widget_get_width (window),
                          gtk_widget_get_height (window));
  gtk_snapshot_translate (snapshot, &origin);
  gdk_paintable_snapshot (popover_paint, GDK_SNAPSHOT (snapshot), gtk_widget_get_width (popover),
                          gtk_widget_get_height (popover));
  node = gtk_snapshot_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpuint (kabar_ui_test_count_colours (texture), >, 1);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}
