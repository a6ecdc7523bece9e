/* kabar-server-fields.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "kabar-server-fields.h"

/* RFC 1123: letters, digits and hyphens, not at either end, 63 at most. */
static gboolean
is_label (const char *label,
          gsize       length)
{
  if (length == 0 || length > 63 || label[0] == '-' || label[length - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (label[i]) && label[i] != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_host_name (const char *host)
{
  g_autofree char *ascii = g_hostname_to_ascii (host);
  gsize length;
  const char *label;

  if (ascii == NULL)
    return FALSE;
  length = strlen (ascii);
  /* A name may end with the root's dot. */
  if (length > 1 && ascii[length - 1] == '.')
    ascii[--length] = '\0';
  if (length == 0 || length > 253)
    return FALSE;
  label = ascii;
  for (const char *dot = strchr (label, '.'); ; dot = strchr (label, '.'))
    {
      gsize label_length = dot != NULL ? (gsize) (dot - label) : strlen (label);

      if (!is_label (label, label_length))
        return FALSE;
      if (dot == NULL)
        return TRUE;
      label = dot + 1;
    }
}

const char *
kabar_server_fields_check_host (const char *host)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (host != NULL ? host : ""));

  if (*trimmed == '\0')
    return _("Enter the name of the server.");
  if (strpbrk (trimmed, " \t") != NULL)
    return _("A server name has no spaces.");
  if (g_hostname_is_ip_address (trimmed) || is_host_name (trimmed))
    return NULL;
  return _("A server name has letters, digits, hyphens and dots, as in mail.example.com.");
}

gboolean
kabar_server_fields_parse_port (const char *text,
                                guint16    *port)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (trimmed, 10, 1, G_MAXUINT16, &value, NULL))
    return FALSE;
  *port = (guint16) value;
  return TRUE;
}

const char *
kabar_server_fields_port_problem (void)
{
  return _("A port is a number from 1 to 65535.");
}
