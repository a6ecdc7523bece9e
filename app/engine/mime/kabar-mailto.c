/* kabar-mailto.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mailto: links (RFC 6068) as a message to write. A link is written by
 * anyone on the web, so it may only fill in what the user sees and can
 * change before sending: never From, never a header the user cannot see.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kabar-mailto.h"

#define SCHEME "mailto:"
/* Enough of a URI to recognise it in an error message. */
#define MAX_QUOTED_CHARS 200

static void
set_invalid (GError    **error,
             const char *uri,
             const char *why)
{
  g_autofree char *shown = NULL;

  if (g_utf8_validate (uri, -1, NULL) && g_utf8_strlen (uri, -1) > MAX_QUOTED_CHARS)
    {
      g_autofree char *start = g_utf8_substring (uri, 0, MAX_QUOTED_CHARS);

      shown = g_strconcat (start, "…", NULL);
    }
  else
    shown = g_utf8_make_valid (uri, -1);
  /* Translators: %s are a link the user clicked (mailto:...) and why it
   * cannot be used, one of the reasons below. */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a mail link: %s"), shown, why);
}

/* The percent-decoded text, or NULL when it is not UTF-8 or holds a NUL. */
static char *
decode (const char *text,
        gsize       length)
{
  g_autofree char *escaped = g_strndup (text, length);
  g_autofree char *decoded = g_uri_unescape_string (escaped, NULL);

  if (decoded == NULL || !g_utf8_validate (decoded, -1, NULL))
    return NULL;
  return g_steal_pointer (&decoded);
}

/* RFC 6068 writes line breaks as %0D%0A; the composer's text ends lines
 * in LF. */
static char *
with_lf (const char *text)
{
  GString *out = g_string_sized_new (strlen (text) + 1);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p != '\r')
        g_string_append_c (out, *p);
      else if (p[1] != '\n')
        g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* A subject is one line: a break in it would read as the end of the
 * header. */
static char *
one_line (const char *text)
{
  char *line = g_strdup (text);

  g_strdelimit (line, "\r\n", ' ');
  return line;
}

/* Addresses as the link gives them: parsed when they parse, else kept as
 * written, for the composer to mark as invalid rather than drop. */
static void
add_addresses (KabarOutgoingMessage *message,
               KabarOutgoingField    field,
               const char           *text)
{
  g_auto(GStrv) pieces = NULL;

  if (*text == '\0' || kabar_outgoing_message_add_addresses_from_string (message, field, text, NULL))
    return;
  pieces = g_strsplit (text, ",", -1);
  for (guint i = 0; pieces[i] != NULL; i++)
    {
      const char *piece = g_strstrip (pieces[i]);

      if (*piece != '\0' && !kabar_outgoing_message_add_addresses_from_string (message, field, piece, NULL))
        kabar_outgoing_message_add_address (message, field, NULL, piece);
    }
}

typedef struct
{
  KabarOutgoingMessage *message;
  GString              *body;
  gboolean              has_subject;
} Mailto;

static void
apply_field (Mailto     *mailto,
             const char *name,
             const char *value)
{
  if (g_ascii_strcasecmp (name, "to") == 0)
    add_addresses (mailto->message, KABAR_OUTGOING_TO, value);
  else if (g_ascii_strcasecmp (name, "cc") == 0)
    add_addresses (mailto->message, KABAR_OUTGOING_CC, value);
  else if (g_ascii_strcasecmp (name, "bcc") == 0)
    add_addresses (mailto->message, KABAR_OUTGOING_BCC, value);
  else if (g_ascii_strcasecmp (name, "subject") == 0 && !mailto->has_subject)
    {
      g_autofree char *line = one_line (value);

      kabar_outgoing_message_set_subject (mailto->message, line);
      mailto->has_subject = TRUE;
    }
  else if (g_ascii_strcasecmp (name, "body") == 0)
    {
      g_autofree char *text = with_lf (value);

      /* Several bodies are several paragraphs; none is lost. */
      if (mailto->body->len > 0)
        g_string_append_c (mailto->body, '\n');
      g_string_append (mailto->body, text);
    }
  else if (g_ascii_strcasecmp (name, "in-reply-to") == 0)
    kabar_outgoing_message_set_parent (mailto->message, value, NULL);
}

/* One "name=value" of the query. */
static gboolean
parse_field (Mailto     *mailto,
             const char *field,
             const char *uri,
             GError    **error)
{
  const char *equals = strchr (field, '=');
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;

  if (*field == '\0')
    return TRUE;
  name = decode (field, equals != NULL ? (gsize) (equals - field) : strlen (field));
  value = equals != NULL ? decode (equals + 1, strlen (equals + 1)) : g_strdup ("");
  if (name == NULL || value == NULL)
    {
      set_invalid (error, uri, _("a field is not valid UTF-8 text"));
      return FALSE;
    }
  apply_field (mailto, name, value);
  return TRUE;
}

static gboolean
parse_query (Mailto     *mailto,
             const char *query,
             const char *uri,
             GError    **error)
{
  g_auto(GStrv) fields = g_strsplit (query, "&", -1);

  for (guint i = 0; fields[i] != NULL; i++)
    if (!parse_field (mailto, fields[i], uri, error))
      return FALSE;
  return TRUE;
}

KabarOutgoingMessage *
kabar_mailto_parse (const char  *uri,
                    GError     **error)
{
  g_autoptr(KabarOutgoingMessage) message = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *to = NULL;
  Mailto mailto = { NULL, NULL, FALSE };
  char *query;
  char *fragment;
  gboolean ok;

  g_return_val_if_fail (uri != NULL, NULL);

  if (g_ascii_strncasecmp (uri, SCHEME, strlen (SCHEME)) != 0)
    {
      set_invalid (error, uri, _("it does not start with mailto:"));
      return NULL;
    }
  rest = g_strdup (uri + strlen (SCHEME));
  if ((fragment = strchr (rest, '#')) != NULL)
    *fragment = '\0';
  if ((query = strchr (rest, '?')) != NULL)
    *query++ = '\0';
  to = decode (rest, strlen (rest));
  if (to == NULL)
    {
      set_invalid (error, uri, _("its addresses are not valid UTF-8 text"));
      return NULL;
    }
  message = kabar_outgoing_message_new ();
  mailto.message = message;
  mailto.body = g_string_new (NULL);
  add_addresses (message, KABAR_OUTGOING_TO, g_strstrip (to));
  ok = query == NULL || parse_query (&mailto, query, uri, error);
  if (ok && mailto.body->len > 0)
    kabar_outgoing_message_set_text (message, mailto.body->str);
  g_string_free (mailto.body, TRUE);
  return ok ? g_steal_pointer (&message) : NULL;
}
