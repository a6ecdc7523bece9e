/* kabar-display-report.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Delivery reports (RFC 3464) in words: for each recipient, what
 * happened to the message and why, from the status code (RFC 3463) and
 * the server's own words.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kabar-display-private.h"

#define MAX_RECIPIENTS 100

static const struct
{
  const char *detail;   /* the status's subject.detail */
  const char *text;
} status_texts[] = {
  { "1.1", N_("The address does not exist.") },
  { "1.2", N_("The recipient's domain does not exist or takes no mail.") },
  { "1.3", N_("The address is not written correctly.") },
  { "1.6", N_("The recipient has moved and left no forwarding address.") },
  { "1.10", N_("The recipient's domain accepts no mail.") },
  { "2.1", N_("The mailbox is disabled and takes no mail.") },
  { "2.2", N_("The recipient's mailbox is full.") },
  { "2.3", N_("The message is larger than the mailbox accepts.") },
  { "3.4", N_("The message is too large for the recipient's server.") },
  { "4.1", N_("The recipient's server did not answer.") },
  { "4.2", N_("The connection to the recipient's server broke off.") },
  { "4.4", N_("No way was found to reach the recipient's server.") },
  { "4.7", N_("The message could not be delivered in time and was given up.") },
  { "5.3", N_("The message had too many recipients.") },
  { "7.1", N_("The recipient's server refused the message (often as spam or by its policy).") },
  { "7.26", N_("The message failed the recipient's sender authentication checks.") },
};

typedef struct
{
  GHashTable *fields;  /* upper-case name -> value */
} Block;

/* The report's header-like lines, folded lines joined. */
static GPtrArray *
unfold (const char *status)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) raw = g_strsplit (status, "\n", -1);
  GString *current = NULL;

  for (guint i = 0; raw[i] != NULL; i++)
    {
      char *line = g_strchomp (raw[i]);

      if ((*line == ' ' || *line == '\t') && current != NULL && current->len > 0)
        {
          g_string_append_c (current, ' ');
          g_string_append (current, g_strchug (line));
          continue;
        }
      if (current != NULL)
        g_ptr_array_add (lines, g_string_free (current, FALSE));
      current = g_string_new (line);
    }
  if (current != NULL)
    g_ptr_array_add (lines, g_string_free (current, FALSE));
  return lines;
}

/* The report's blocks: one per message, then one per recipient, each
 * header-like fields separated by an empty line. */
static GPtrArray *
read_blocks (const char *status)
{
  GPtrArray *blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  g_autoptr(GPtrArray) lines = unfold (status);
  GHashTable *current = NULL;

  for (guint i = 0; i < lines->len && blocks->len <= MAX_RECIPIENTS; i++)
    {
      char *line = g_ptr_array_index (lines, i);
      char *colon;

      if (*line == '\0')
        {
          current = NULL;
          continue;
        }
      if ((colon = strchr (line, ':')) == NULL)
        continue;
      if (current == NULL)
        {
          current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_ptr_array_add (blocks, current);
        }
      g_hash_table_insert (current, g_strstrip (g_ascii_strup (line, colon - line)),
                           g_strdup (g_strstrip (colon + 1)));
    }
  return blocks;
}

/* "rfc822; dewi@kabar.test" as "dewi@kabar.test". */
static const char *
without_type (const char *value)
{
  const char *semicolon = value != NULL ? strchr (value, ';') : NULL;

  if (semicolon == NULL)
    return value;
  semicolon++;
  while (g_ascii_isspace (*semicolon))
    semicolon++;
  return semicolon;
}

static const char *
action_text (const char *action)
{
  if (g_ascii_strcasecmp (action, "failed") == 0)
    return _("The message could not be delivered to this recipient.");
  if (g_ascii_strcasecmp (action, "delayed") == 0)
    return _("The message has not been delivered yet; the server keeps trying.");
  if (g_ascii_strcasecmp (action, "delivered") == 0)
    return _("The message was delivered.");
  if (g_ascii_strcasecmp (action, "relayed") == 0)
    return _("The message was passed on to a server that sends no reports.");
  if (g_ascii_strcasecmp (action, "expanded") == 0)
    return _("The message was delivered to the members of a list.");
  return _("The report says nothing Kabar knows about this recipient's delivery.");
}

/* "5.1.1": what the code means in words. */
static char *
status_text (const char *status)
{
  const char *detail = strchr (status, '.');
  const char *general;

  switch (status[0])
    {
    /* Translators: what a delivery status code says in general; a
     * sentence on its particular meaning may follow. */
    case '2': general = _("Success."); break;
    case '4': general = _("A temporary failure: the sending server may try again."); break;
    case '5': general = _("A permanent failure: the message will not be delivered."); break;
    default: return g_strdup (_("A status Kabar does not know."));
    }
  if (detail != NULL)
    for (gsize i = 0; i < G_N_ELEMENTS (status_texts); i++)
      {
        gsize length = strlen (status_texts[i].detail);

        if (strncmp (detail + 1, status_texts[i].detail, length) == 0
            && !g_ascii_isdigit (detail[1 + length]))
          return g_strdup_printf ("%s %s", general, _(status_texts[i].text));
      }
  return g_strdup (general);
}

static void
append_paragraph (GString    *html,
                  const char *label,
                  const char *text)
{
  g_string_append (html, "<p>");
  /* A translated label is text like any other. */
  if (label != NULL)
    {
      g_string_append (html, "<b>");
      kabar_display_append_escaped (html, label, -1);
      g_string_append (html, "</b> ");
    }
  kabar_display_append_escaped (html, text, -1);
  g_string_append (html, "</p>");
}

static void
append_recipient (GString    *html,
                  GHashTable *fields)
{
  const char *recipient = without_type (g_hash_table_lookup (fields, "FINAL-RECIPIENT"));
  const char *original = without_type (g_hash_table_lookup (fields, "ORIGINAL-RECIPIENT"));
  const char *action = g_hash_table_lookup (fields, "ACTION");
  const char *status = g_hash_table_lookup (fields, "STATUS");
  const char *diagnostic = without_type (g_hash_table_lookup (fields, "DIAGNOSTIC-CODE"));
  g_autofree char *action_class = g_ascii_strdown (action != NULL ? action : "unknown", -1);

  if (recipient == NULL)
    recipient = original != NULL ? original : _("(recipient not named)");
  g_strcanon (action_class, "abcdefghijklmnopqrstuvwxyz", '-');
  g_string_append_printf (html, "<div class=\"kabar-recipient kabar-%s\">", action_class);
  /* Translators: a label in a delivery report, before the address the
   * message was sent to. */
  append_paragraph (html, _("Recipient:"), recipient);
  /* Translators: a label in a delivery report, before what the server did
   * with the message, in the server's own word ("failed", "delayed"). */
  append_paragraph (html, _("Action:"), action != NULL ? action : _("(none)"));
  append_paragraph (html, NULL, action_text (action != NULL ? action : ""));
  if (status != NULL)
    {
      g_autofree char *text = status_text (status);
      g_autofree char *line = g_strdup_printf ("%s: %s", status, text);

      /* Translators: a label in a delivery report, before a status code
       * such as "5.1.1" and what it means. */
      append_paragraph (html, _("Status:"), line);
    }
  if (diagnostic != NULL)
    {
      /* Translators: a label in a delivery report, before the
       * recipient's server's own words. */
      append_paragraph (html, _("The server said:"), diagnostic);
    }
  g_string_append (html, "</div>");
}

void
kabar_display_delivery_status_to_html (GString    *html,
                                       const char *status)
{
  g_autoptr(GPtrArray) blocks = read_blocks (status);
  guint shown = 0;

  for (guint i = 0; i < blocks->len; i++)
    {
      GHashTable *fields = g_ptr_array_index (blocks, i);

      if (g_hash_table_contains (fields, "FINAL-RECIPIENT") || g_hash_table_contains (fields, "ACTION"))
        {
          append_recipient (html, fields);
          shown++;
        }
    }
  if (shown == 0)
    append_paragraph (html, NULL, _("The delivery report names no recipient."));
}
