/* kabar-imap-utf7.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-error.h"
#include "kabar-imap-utf7.h"

static const char base64_chars[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int
base64_value (guchar c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == ',')
    return 63;
  return -1;
}

static gboolean
is_direct (gunichar c)
{
  return c >= 0x20 && c <= 0x7e;
}

static gboolean
fail (GError     **error,
      const char  *name,
      gsize        offset,
      const char  *what)
{
  g_autofree char *escaped = g_strescape (name, NULL);

  g_set_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_MAILBOX_NAME,
               "Mailbox name “%s” is not modified UTF-7: %s at byte %" G_GSIZE_FORMAT,
               escaped, what, offset + 1);
  return FALSE;
}

/* Decodes the base64 run starting at name[*pos] (just after '&') up to and
 * including its '-', appending the characters to out. */
static gboolean
decode_run (const char  *name,
            gsize       *pos,
            GString     *out,
            GError     **error)
{
  guint32 bits = 0;
  guint n_bits = 0;
  gunichar high = 0;
  gsize i = *pos;

  for (;; i++)
    {
      guchar c = (guchar) name[i];
      int value;

      if (c == '-')
        break;
      if (c == '\0')
        return fail (error, name, *pos - 1, "“&” without its closing “-”");
      value = base64_value (c);
      if (value < 0)
        return fail (error, name, i, "a character that is not modified base64");
      bits = (bits << 6) | (guint32) value;
      n_bits += 6;
      if (n_bits < 16)
        continue;

      {
        gunichar unit = (bits >> (n_bits - 16)) & 0xffff;

        n_bits -= 16;
        bits &= (1u << n_bits) - 1;
        if (high != 0)
          {
            if (unit < 0xdc00 || unit > 0xdfff)
              return fail (error, name, i, "a lone UTF-16 high surrogate");
            g_string_append_unichar (out, 0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00));
            high = 0;
          }
        else if (unit >= 0xd800 && unit <= 0xdbff)
          high = unit;
        else if (unit >= 0xdc00 && unit <= 0xdfff)
          return fail (error, name, i, "a lone UTF-16 low surrogate");
        else if (unit == 0)
          return fail (error, name, i, "an encoded NUL");
        else if (is_direct (unit))
          return fail (error, name, i, "printable ASCII encoded in base64");
        else
          g_string_append_unichar (out, unit);
      }
    }

  if (i == *pos)
    g_string_append_c (out, '&');
  else if (high != 0)
    return fail (error, name, i, "a lone UTF-16 high surrogate");
  else if (n_bits >= 6 || bits != 0)
    return fail (error, name, i, "base64 bits left over at the end of a run");
  *pos = i + 1;
  return TRUE;
}

char *
kabar_imap_utf7_decode (const char  *name,
                        GError     **error)
{
  g_autoptr(GString) out = NULL;
  gsize i = 0;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  out = g_string_sized_new (strlen (name));
  while (name[i] != '\0')
    {
      guchar c = (guchar) name[i];

      if (!is_direct (c))
        {
          fail (error, name, i, "a byte outside printable ASCII");
          return NULL;
        }
      if (c != '&')
        {
          g_string_append_c (out, (char) c);
          i++;
          continue;
        }
      i++;
      if (!decode_run (name, &i, out, error))
        return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
kabar_imap_utf7_decode_for_display (const char *name)
{
  char *decoded;

  g_return_val_if_fail (name != NULL, NULL);

  decoded = kabar_imap_utf7_decode (name, NULL);
  if (decoded != NULL)
    return decoded;
  return g_utf8_make_valid (name, -1);
}

static void
flush_run (GString *out,
           guint32  bits,
           guint    n_bits)
{
  if (n_bits > 0)
    g_string_append_c (out, base64_chars[(bits << (6 - n_bits)) & 0x3f]);
  g_string_append_c (out, '-');
}

char *
kabar_imap_utf7_encode (const char *utf8)
{
  g_autoptr(GString) out = NULL;
  gboolean in_run = FALSE;
  guint32 bits = 0;
  guint n_bits = 0;

  g_return_val_if_fail (utf8 != NULL, NULL);
  g_return_val_if_fail (g_utf8_validate (utf8, -1, NULL), NULL);

  out = g_string_sized_new (strlen (utf8) + 8);
  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gunichar2 units[2];
      guint n_units;

      if (is_direct (c))
        {
          if (in_run)
            flush_run (out, bits, n_bits);
          in_run = FALSE;
          bits = n_bits = 0;
          g_string_append (out, c == '&' ? "&-" : (char[]) { (char) c, '\0' });
          continue;
        }
      if (!in_run)
        g_string_append_c (out, '&');
      in_run = TRUE;
      if (c >= 0x10000)
        {
          units[0] = (gunichar2) (0xd800 + ((c - 0x10000) >> 10));
          units[1] = (gunichar2) (0xdc00 + ((c - 0x10000) & 0x3ff));
          n_units = 2;
        }
      else
        {
          units[0] = (gunichar2) c;
          n_units = 1;
        }
      for (guint u = 0; u < n_units; u++)
        {
          bits = (bits << 16) | units[u];
          n_bits += 16;
          while (n_bits >= 6)
            {
              n_bits -= 6;
              g_string_append_c (out, base64_chars[(bits >> n_bits) & 0x3f]);
            }
          bits &= (1u << n_bits) - 1;
        }
    }
  if (in_run)
    flush_run (out, bits, n_bits);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
