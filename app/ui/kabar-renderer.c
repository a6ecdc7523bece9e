/* kabar-renderer.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <epoxy/gl.h>
#include <gtk/gtk.h>
#include <string.h>

#include "kabar-renderer.h"

/* Mesa's names for its rasterisers that run on the CPU. */
static gboolean
is_software (const char *renderer)
{
  static const char *const software[] = { "llvmpipe", "softpipe", "swrast", "Software Rasterizer" };

  if (renderer == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (software); i++)
    if (strstr (renderer, software[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* The GL renderer's name as the driver gives it, or NULL when there is
 * no GL (GTK then draws with cairo by itself). */
static char *
dup_gl_renderer (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;
  char *name;

  context = gdk_display_create_gl_context (display, &error);
  if (context == NULL || !gdk_gl_context_realize (context, &error))
    {
      g_debug ("No GL: %s", error != NULL ? error->message : "no context");
      return NULL;
    }
  gdk_gl_context_make_current (context);
  name = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  return name;
}

gboolean
kabar_renderer_avoid_software_gl (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autofree char *renderer = NULL;

  if (display == NULL || g_getenv ("GSK_RENDERER") != NULL)
    return FALSE;
  renderer = dup_gl_renderer (display);
  if (!is_software (renderer))
    return FALSE;
  g_debug ("GL is %s, on the CPU: drawing with cairo", renderer);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  return TRUE;
}
