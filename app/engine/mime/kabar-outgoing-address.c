/* kabar-outgoing-address.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Addresses of outgoing mail: parsed with GMime, checked more strictly
 * than GMime's lenient reading of mail in the wild, and put in the
 * envelope's form.
 */

#include "config.h"

#include <string.h>

#include "kabar-mime.h"
#include "kabar-outgoing-address.h"
#include "kabar-outgoing-message.h"

/* Characters RFC 5322 allows in a dot-atom besides letters and digits. */
#define ATEXT_SPECIALS "!#$%&'*+-/=?^_`{|}~."

static gboolean
is_valid_local_part (const char *local,
                     gsize       length)
{
  if (length == 0)
    return FALSE;
  if (local[0] == '"')
    return length >= 2 && local[length - 1] == '"';
  if (local[0] == '.' || local[length - 1] == '.')
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) local[i];

      /* Non-ASCII is UTF-8 text (RFC 6532), for SMTPUTF8 servers. */
      if (c >= 0x80 || g_ascii_isalnum (c))
        continue;
      if (strchr (ATEXT_SPECIALS, c) == NULL || c == '\0')
        return FALSE;
      if (c == '.' && local[i + 1] == '.')
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_valid_label (const char *label)
{
  gsize length = strlen (label);

  if (length == 0 || length > 63 || label[0] == '-' || label[length - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (label[i]) && label[i] != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_valid_domain (const char *domain)
{
  gsize length = strlen (domain);
  g_autofree char *ascii = NULL;
  g_auto(GStrv) labels = NULL;

  if (length > 2 && domain[0] == '[' && domain[length - 1] == ']')
    {
      g_autofree char *literal = g_strndup (domain + 1, length - 2);
      const char *ip = g_str_has_prefix (literal, "IPv6:") ? literal + 5 : literal;

      return g_hostname_is_ip_address (ip);
    }
  ascii = g_hostname_to_ascii (domain);
  if (ascii == NULL || strlen (ascii) > 253)
    return FALSE;
  labels = g_strsplit (ascii, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    if (!is_valid_label (labels[i]))
      return FALSE;
  return TRUE;
}

gboolean
kabar_outgoing_address_is_valid (const char *address)
{
  const char *at;

  if (address == NULL || !g_utf8_validate (address, -1, NULL))
    return FALSE;
  at = strrchr (address, '@');
  return at != NULL && is_valid_local_part (address, (gsize) (at - address)) && is_valid_domain (at + 1);
}

gboolean
kabar_outgoing_address_has_utf8_local_part (const char *address)
{
  const char *at = strrchr (address, '@');
  gsize length = at != NULL ? (gsize) (at - address) : strlen (address);

  for (gsize i = 0; i < length; i++)
    if ((guchar) address[i] >= 0x80)
      return TRUE;
  return FALSE;
}

char *
kabar_outgoing_address_to_envelope (const char *address,
                                    gboolean    smtputf8)
{
  const char *at = strrchr (address, '@');
  g_autofree char *ascii = NULL;

  if (smtputf8 || at == NULL || (ascii = g_hostname_to_ascii (at + 1)) == NULL)
    return g_strdup (address);
  return g_strdup_printf ("%.*s@%s", (int) (at - address), address, ascii);
}

char *
kabar_outgoing_address_mailbox_key (const char *address)
{
  const char *at = strrchr (address, '@');
  g_autofree char *ascii = NULL;
  g_autofree char *domain = NULL;

  if (at == NULL)
    return g_strdup (address);
  ascii = g_hostname_to_ascii (at + 1);
  domain = g_ascii_strdown (ascii != NULL ? ascii : at + 1, -1);
  return g_strdup_printf ("%.*s@%s", (int) (at - address), address, domain);
}

void
kabar_outgoing_address_foreach_mailbox (InternetAddressList *list,
                                        GFunc                func,
                                        gpointer             user_data)
{
  int length = list != NULL ? internet_address_list_length (list) : 0;

  for (int i = 0; i < length; i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (address))
        kabar_outgoing_address_foreach_mailbox (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)),
                                                func, user_data);
      else
        func (address, user_data);
    }
}

/* --- parsing what the user typed ----------------------------------------------------- */

/* The pieces of text between the commas that separate addresses: not
 * those inside quotes, comments, angle brackets or a group. */
static GPtrArray *
split_addresses (const char *text)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func (g_free);
  gboolean quoted = FALSE;
  gboolean in_group = FALSE;
  int nesting = 0;
  const char *start = text;

  for (const char *p = text;; p++)
    {
      if (*p == '\0' || (*p == ',' && !quoted && nesting == 0 && !in_group))
        {
          g_autofree char *piece = g_strstrip (g_strndup (start, (gsize) (p - start)));

          if (*piece != '\0')
            g_ptr_array_add (pieces, g_steal_pointer (&piece));
          if (*p == '\0')
            break;
          start = p + 1;
        }
      else if (*p == '\\' && quoted && p[1] != '\0')
        p++;
      else if (*p == '"')
        quoted = !quoted;
      else if (!quoted && (*p == '(' || *p == '<'))
        nesting++;
      else if (!quoted && (*p == ')' || *p == '>') && nesting > 0)
        nesting--;
      else if (!quoted && nesting == 0)
        in_group = *p == ':' ? TRUE : *p == ';' ? FALSE : in_group;
    }
  return pieces;
}

static void
check_mailbox (gpointer address,
               gpointer user_data)
{
  gboolean *valid = user_data;

  *valid = *valid && kabar_outgoing_address_is_valid (internet_address_mailbox_get_addr (address));
}

/* GMime reads a bare address leniently ("a@b@" as "a@b"); what the user
 * typed must be the address itself. */
static gboolean
is_bare_address_as_typed (InternetAddressList *list,
                          const char          *piece)
{
  InternetAddress *address = internet_address_list_get_address (list, 0);
  g_autofree char *parsed = NULL;
  g_autofree char *typed = NULL;

  if (strpbrk (piece, "<(:\"") != NULL || !INTERNET_ADDRESS_IS_MAILBOX (address))
    return TRUE;
  /* GMime may give a punycode domain back in Unicode. */
  parsed = kabar_outgoing_address_mailbox_key (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)));
  typed = kabar_outgoing_address_mailbox_key (piece);
  return strcmp (parsed, typed) == 0;
}

/* The one address (or group) in piece, or NULL when it is not one. */
static InternetAddressList *
parse_piece (const char *piece)
{
  InternetAddressList *list = internet_address_list_parse (kabar_mime_get_parser_options (), piece);
  gboolean valid = list != NULL && internet_address_list_length (list) == 1
                   && is_bare_address_as_typed (list, piece);

  if (valid)
    kabar_outgoing_address_foreach_mailbox (list, check_mailbox, &valid);
  if (!valid)
    g_clear_object (&list);
  return list;
}

InternetAddressList *
kabar_outgoing_address_parse_list (const char  *text,
                                   GError     **error)
{
  g_autoptr(GPtrArray) pieces = split_addresses (text);
  InternetAddressList *list = internet_address_list_new ();

  for (guint i = 0; i < pieces->len; i++)
    {
      const char *piece = g_ptr_array_index (pieces, i);
      InternetAddressList *parsed = parse_piece (piece);

      if (parsed == NULL)
        {
          g_set_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_INVALID_ADDRESS,
                       "“%s” is not a valid email address", piece);
          g_object_unref (list);
          return NULL;
        }
      internet_address_list_append (list, parsed);
      g_object_unref (parsed);
    }
  return list;
}
