/* kabar-test-browser.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `kabar-test-browser URI`: the UI tests' web browser. It opens URI as a
 * signed-in user who consents would (kabar_oauth_server_browse()) and
 * prints the page it ends on, which is the one Kabar answered with.
 */

#include <stdio.h>

#include "kabar-oauth-server.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;

  if (argc != 2)
    {
      g_printerr ("Usage: %s URI\n", argv[0]);
      return 2;
    }
  page = kabar_oauth_server_browse (NULL, argv[1], &error);
  if (page == NULL)
    {
      g_printerr ("kabar-test-browser: %s\n", error->message);
      return 1;
    }
  g_print ("%s", page);
  return 0;
}
