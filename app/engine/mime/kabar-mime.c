/* kabar-mime.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-mime.h"

GMimeParserOptions *
kabar_mime_get_parser_options (void)
{
  static GMimeParserOptions *options;

  if (g_once_init_enter (&options))
    {
      const char *fallback_charsets[] = { "UTF-8", "windows-1252", NULL };
      GMimeParserOptions *created;

      g_mime_init ();
      created = g_mime_parser_options_new ();
      /* GMime's defaults, said here: the sync and the search rely on them. */
      g_mime_parser_options_set_address_compliance_mode (created, GMIME_RFC_COMPLIANCE_LOOSE);
      g_mime_parser_options_set_parameter_compliance_mode (created, GMIME_RFC_COMPLIANCE_LOOSE);
      g_mime_parser_options_set_rfc2047_compliance_mode (created, GMIME_RFC_COMPLIANCE_LOOSE);
      g_mime_parser_options_set_fallback_charsets (created, fallback_charsets);
      g_once_init_leave (&options, created);
    }
  return options;
}
