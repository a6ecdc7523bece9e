/* test-renderer.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which renderer draws Kabar's windows: cairo where GL would be Mesa's
 * software rasteriser (as under Xvfb here), GL where there is a GPU, and
 * always the one the user chose with GSK_RENDERER. GTK reads GSK_RENDERER
 * once a process, so each case runs in a process of its own.
 */

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "kabar-renderer.h"
#include "kabar-ui-test.h"

/* The sanitizer build runs with GDK_DEBUG=gl-disable (tests/meson.build):
 * no GL at all, and GTK falls back to cairo by itself. */
static gboolean
gl_disabled (void)
{
  const char *gdk_debug = g_getenv ("GDK_DEBUG");

  return gdk_debug != NULL && strstr (gdk_debug, "gl-disable") != NULL;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

/* The type name of the renderer that draws a new window. */
static const char *
window_renderer (void)
{
  GtkWidget *window = gtk_window_new ();
  const char *name;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (kabar_ui_test_wait_for (is_mapped, window, 10000));
  name = G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window)));
  gtk_window_destroy (GTK_WINDOW (window));
  return name;
}

static void
test_software_gl_draws_with_cairo_child (void)
{
  gboolean avoided;
  const char *renderer;

  g_unsetenv ("GSK_RENDERER");
  avoided = kabar_renderer_avoid_software_gl ();
  renderer = window_renderer ();
  g_test_message ("avoided software GL: %d, renderer: %s", avoided, renderer);
  if (avoided)
    {
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
      g_assert_cmpstr (renderer, ==, "GskCairoRenderer");
    }
  else if (gl_disabled ())
    g_assert_cmpstr (renderer, ==, "GskCairoRenderer");
  else
    g_assert_cmpstr (renderer, !=, "GskCairoRenderer");
}

static void
test_software_gl_draws_with_cairo (void)
{
  g_test_trap_subprocess ("/renderer/software-gl-draws-with-cairo/subprocess", 0,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The machine the tests run on has no GPU (Xvfb): Kabar must have
 * chosen cairo here, or the case above proved nothing. */
static void
test_xvfb_has_software_gl_child (void)
{
  g_unsetenv ("GSK_RENDERER");
  if (gl_disabled ())
    g_assert_false (kabar_renderer_avoid_software_gl ());
  else
    g_assert_true (kabar_renderer_avoid_software_gl ());
}

static void
test_xvfb_has_software_gl (void)
{
  g_test_trap_subprocess ("/renderer/xvfb-has-software-gl/subprocess", 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_user_choice_wins_child (void)
{
  g_setenv ("GSK_RENDERER", "gl", TRUE);
  g_assert_false (kabar_renderer_avoid_software_gl ());
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
  g_assert_cmpstr (window_renderer (), ==, gl_disabled () ? "GskCairoRenderer" : "GskGLRenderer");
}

static void
test_user_choice_wins (void)
{
  g_test_trap_subprocess ("/renderer/user-choice-wins/subprocess", 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  kabar_ui_test_init (&argc, &argv);

  g_test_add_func ("/renderer/software-gl-draws-with-cairo", test_software_gl_draws_with_cairo);
  g_test_add_func ("/renderer/software-gl-draws-with-cairo/subprocess", test_software_gl_draws_with_cairo_child);
  g_test_add_func ("/renderer/xvfb-has-software-gl", test_xvfb_has_software_gl);
  g_test_add_func ("/renderer/xvfb-has-software-gl/subprocess", test_xvfb_has_software_gl_child);
  g_test_add_func ("/renderer/user-choice-wins", test_user_choice_wins);
  g_test_add_func ("/renderer/user-choice-wins/subprocess", test_user_choice_wins_child);
  return g_test_run ();
}
