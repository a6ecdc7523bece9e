/* test-message-display-summary.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A display model written out as text, for the corpus's expected files:
 * what the reader would see, not how the HTML spells it.
 */

#include "config.h"

#include <string.h>

#include "test-message-display-summary.h"

static const char * const block_elements[] = {
  "address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "details", "div",
  "dl", "dt", "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
  "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
  NULL,
};

/* Attributes whose value is a URL (or a list of them). */
static const char * const url_attributes[] = {
  "href", "src", "srcset", "background", "poster", "data", "action", "formaction", "cite",
  "xlink:href", "longdesc", "usemap", "lowsrc", "dynsrc", "ping", "manifest", "codebase", NULL,
};

typedef struct
{
  GString  *text;
  GString  *urls;
  guint     quote_level;
  gboolean  preformatted;
} Writer;

static gboolean
in_list (const char * const *list,
         const char         *name)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (g_ascii_strcasecmp (list[i], name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
has_class (xmlNodePtr  node,
           const char *name)
{
  xmlChar *classes = xmlGetProp (node, (const xmlChar *) "class");
  gboolean found = FALSE;

  if (classes != NULL)
    {
      g_auto(GStrv) names = g_strsplit ((const char *) classes, " ", -1);

      found = g_strv_contains ((const char * const *) names, name);
    }
  xmlFree (classes);
  return found;
}

static void
new_line (Writer *writer)
{
  if (writer->text->len > 0 && writer->text->str[writer->text->len - 1] != '\n')
    g_string_append_c (writer->text, '\n');
}

static gboolean
at_line_start (Writer *writer)
{
  return writer->text->len == 0 || writer->text->str[writer->text->len - 1] == '\n';
}

static void
write_text (Writer     *writer,
            const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (at_line_start (writer))
        {
          if (!writer->preformatted && g_ascii_isspace (*p))
            continue;
          for (guint i = 0; i < writer->quote_level; i++)
            g_string_append (writer->text, "> ");
        }
      if (!writer->preformatted && g_ascii_isspace (*p))
        {
          if (writer->text->str[writer->text->len - 1] != ' ')
            g_string_append_c (writer->text, ' ');
          continue;
        }
      g_string_append_c (writer->text, *p);
    }
}

/* url( and @import in CSS text. */
static void
note_css_urls (Writer     *writer,
               const char *where,
               const char *css)
{
  g_autofree char *lower = g_ascii_strdown (css, -1);

  for (const char *p = lower; (p = strstr (p, "url(")) != NULL; p += 4)
    {
      const char *end = strchr (p, ')');
      g_autofree char *url = g_strndup (css + (p - lower), end != NULL ? (gsize) (end - p + 1) : strlen (p));

      g_string_append_printf (writer->urls, "  %s: %s\n", where, url);
    }
  for (const char *p = lower; (p = strstr (p, "@import")) != NULL; p += 7)
    g_string_append_printf (writer->urls, "  %s: @import\n", where);
  for (const char *p = lower; (p = strstr (p, "image-set(")) != NULL; p += 10)
    g_string_append_printf (writer->urls, "  %s: image-set(\n", where);
}

static void
note_urls (Writer     *writer,
           xmlNodePtr  node)
{
  for (xmlAttrPtr attribute = node->properties; attribute != NULL; attribute = attribute->next)
    {
      xmlChar *value = xmlNodeListGetString (node->doc, attribute->children, 1);
      g_autofree char *where = g_strdup_printf ("%s %s", node->name, attribute->name);

      if (in_list (url_attributes, (const char *) attribute->name))
        g_string_append_printf (writer->urls, "  %s: %s\n", where, value != NULL ? (const char *) value : "");
      else if (g_ascii_strcasecmp ((const char *) attribute->name, "style") == 0 && value != NULL)
        note_css_urls (writer, where, (const char *) value);
      xmlFree (value);
    }
}

static void write_children (Writer *writer, xmlNodePtr node);

static void
write_element (Writer     *writer,
               xmlNodePtr  node)
{
  const char *name = (const char *) node->name;
  gboolean block = in_list (block_elements, name);
  gboolean quote = g_str_equal (name, "blockquote");
  gboolean preformatted = writer->preformatted;

  note_urls (writer, node);
  if (g_str_equal (name, "style"))
    {
      xmlChar *css = xmlNodeGetContent (node);

      note_css_urls (writer, "style", css != NULL ? (const char *) css : "");
      xmlFree (css);
      return;
    }
  if (g_str_equal (name, "head") || g_str_equal (name, "script") || g_str_equal (name, "title"))
    return;
  if (block)
    new_line (writer);
  if (g_str_equal (name, "details"))
    write_text (writer, "[folded] ");
  if (g_str_equal (name, "img"))
    {
      xmlChar *alt = xmlGetProp (node, (const xmlChar *) "alt");

      write_text (writer, "[image");
      if (alt != NULL && *alt != '\0')
        {
          write_text (writer, ": ");
          write_text (writer, (const char *) alt);
        }
      write_text (writer, "]");
      xmlFree (alt);
    }
  if (g_str_equal (name, "td") || g_str_equal (name, "th"))
    write_text (writer, " ");
  if (has_class (node, "kabar-plain") || g_str_equal (name, "pre"))
    writer->preformatted = TRUE;
  if (has_class (node, "kabar-signature"))
    write_text (writer, "[signature] ");
  if (quote)
    writer->quote_level++;
  write_children (writer, node);
  if (quote)
    writer->quote_level--;
  writer->preformatted = preformatted;
  if (block)
    new_line (writer);
}

static void
write_children (Writer     *writer,
                xmlNodePtr  node)
{
  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      if (child->type == XML_TEXT_NODE)
        write_text (writer, (const char *) child->content);
      else if (child->type == XML_ELEMENT_NODE)
        write_element (writer, child);
    }
}

htmlDocPtr
kabar_display_summary_parse_html (const char *html)
{
  htmlDocPtr doc = htmlReadMemory (html, (int) strlen (html), NULL, "UTF-8",
                                   HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                                   | HTML_PARSE_RECOVER);

  g_assert_nonnull (doc);
  return doc;
}

/* The body's text, trailing spaces and runs of empty lines removed. */
static char *
tidy (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  gboolean last_empty = TRUE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean empty;

      g_strchomp (lines[i]);
      empty = lines[i][0] == '\0';
      if (empty && last_empty)
        continue;
      g_string_append_printf (out, "  %s\n", lines[i]);
      last_empty = empty;
    }
  while (out->len > 3 && g_str_has_suffix (out->str, "  \n"))
    g_string_truncate (out, out->len - 3);
  return g_string_free (out, FALSE);
}

static void
write_body (GString    *summary,
            const char *html,
            gboolean    with_text)
{
  htmlDocPtr doc = kabar_display_summary_parse_html (html);
  Writer writer = { g_string_new (NULL), g_string_new (NULL), 0, FALSE };
  xmlNodePtr root = xmlDocGetRootElement (doc);

  if (root != NULL)
    write_children (&writer, root);
  if (with_text)
    {
      g_autofree char *text = tidy (writer.text->str);

      g_string_append_printf (summary, "Text:\n%s", text);
      g_string_append_printf (summary, "URLs:\n%s", writer.urls->str);
    }
  else
    g_string_append_printf (summary, "URLs with remote content shown:\n%s", writer.urls->str);
  g_string_free (writer.text, TRUE);
  g_string_free (writer.urls, TRUE);
  xmlFreeDoc (doc);
}

static void
write_addresses (GString             *summary,
                 const char          *label,
                 KabarMessageDisplay *display,
                 KabarDisplayField    field)
{
  GPtrArray *addresses = kabar_message_display_get_addresses (display, field);

  if (addresses->len == 0)
    return;
  g_string_append_printf (summary, "%s:", label);
  for (guint i = 0; i < addresses->len; i++)
    {
      KabarDisplayAddress *address = g_ptr_array_index (addresses, i);

      g_string_append_printf (summary, "%s \"%s\" <%s>", i > 0 ? "," : "", address->name, address->address);
    }
  g_string_append_c (summary, '\n');
}

static const char *
security_name (KabarDisplaySecurity security)
{
  switch (security)
    {
    case KABAR_DISPLAY_SECURITY_SIGNED_NOT_VERIFIED:
      return "signed, not verified";
    case KABAR_DISPLAY_SECURITY_ENCRYPTED_CANNOT_DECRYPT:
      return "encrypted, cannot decrypt";
    case KABAR_DISPLAY_SECURITY_NONE:
    default:
      return "none";
    }
}

static void
write_attachments (GString             *summary,
                   KabarMessageDisplay *display)
{
  GPtrArray *attachments = kabar_message_display_get_attachments (display);

  g_string_append (summary, "Attachments:\n");
  for (guint i = 0; i < attachments->len; i++)
    {
      KabarDisplayAttachment *attachment = g_ptr_array_index (attachments, i);
      g_autoptr(GBytes) data = kabar_message_display_dup_attachment_data (display, i, NULL);

      /* The size listed is the size of the bytes given out. */
      g_assert_nonnull (data);
      g_assert_cmpuint (g_bytes_get_size (data), ==, attachment->size);
      g_string_append_printf (summary, "  \"%s\" %s, %" G_GSIZE_FORMAT " bytes, icon %s%s%s%s\n",
                              attachment->file_name, attachment->content_type, attachment->size,
                              attachment->icon_name, attachment->is_inline ? ", inline" : "",
                              attachment->content_id != NULL ? ", cid " : "",
                              attachment->content_id != NULL ? attachment->content_id : "");
    }
}

char *
kabar_display_summary (KabarMessageDisplay *display)
{
  GString *summary = g_string_new (NULL);
  GDateTime *date = kabar_message_display_get_date (display);
  g_autofree char *date_text = date != NULL ? g_date_time_format_iso8601 (date) : g_strdup ("(none)");
  g_autofree char *structure = kabar_message_display_dup_structure (display);

  g_string_append_printf (summary, "Subject: %s\n", kabar_message_display_get_subject (display));
  write_addresses (summary, "From", display, KABAR_DISPLAY_FROM);
  write_addresses (summary, "To", display, KABAR_DISPLAY_TO);
  write_addresses (summary, "Cc", display, KABAR_DISPLAY_CC);
  write_addresses (summary, "Reply-To", display, KABAR_DISPLAY_REPLY_TO);
  g_string_append_printf (summary, "Date: %s\n", date_text);
  g_string_append_printf (summary, "Security: %s\n", security_name (kabar_message_display_get_security (display)));
  g_string_append_printf (summary, "Remote content: %u\n", kabar_message_display_get_n_remote (display));
  g_string_append_printf (summary, "Structure:\n%s", structure);
  write_attachments (summary, display);
  write_body (summary, kabar_message_display_get_html (display, FALSE), TRUE);
  write_body (summary, kabar_message_display_get_html (display, TRUE), FALSE);
  return g_string_free (summary, FALSE);
}
