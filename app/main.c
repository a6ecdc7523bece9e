/* main.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "kabar-application.h"
#include "kabar-renderer.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KabarApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Without a display (kabar --version) GTK says so later, if needed. */
  if (gtk_init_check ())
    kabar_renderer_avoid_software_gl ();
  app = kabar_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
