/* fuzz-display.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the display model: tests/fuzz/run-fuzz display
 * SECONDS. The input is a raw message, as a server would hand it over;
 * the seeds are the corpus of tests/data/mime. Besides crashes and
 * sanitizer reports, it checks what the view relies on: both documents
 * are UTF-8 and, parsed again, hold no script, embedding or handler;
 * every attachment's bytes are as long as its listed size, and every
 * attachment with a content ID can be had by it.
 *
 * The options come from the input's length, so that mutations try them
 * all without a header that the seeds would need: bit 0 prefers HTML,
 * bits 1-2 pick the language hint.
 */

#include "kabar-message-display.h"

#include <libxml/HTMLparser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char * const languages[] = { NULL, "ja_JP.UTF-8", "ru_RU.UTF-8", "zh_CN.UTF-8" };

static void
check (gboolean    condition,
       const char *what)
{
  if (!condition)
    {
      g_printerr ("fuzz-display: %s\n", what);
      abort ();
    }
}

/* The HTML as the view's parser reads it: no element that runs or
 * embeds, no handler attribute. */
static void
check_tree (xmlNodePtr node)
{
  static const char * const forbidden[] = { "script", "iframe", "object", "embed", "applet", "form",
                                            "input", "meta", "base", "svg", "frame", NULL };

  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      if (child->type != XML_ELEMENT_NODE)
        continue;
      check (!g_strv_contains (forbidden, (const char *) child->name), "an element that runs or embeds");
      for (xmlAttrPtr attribute = child->properties; attribute != NULL; attribute = attribute->next)
        check (g_ascii_strncasecmp ((const char *) attribute->name, "on", 2) != 0, "a handler attribute");
      check_tree (child);
    }
}

static void
check_html (const char *html)
{
  htmlDocPtr doc;
  xmlNodePtr body = NULL;

  check (g_utf8_validate (html, -1, NULL), "the HTML is not UTF-8");
  doc = htmlReadMemory (html, (int) strlen (html), NULL, "UTF-8",
                        HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER);
  check (doc != NULL && xmlDocGetRootElement (doc) != NULL, "the HTML does not parse");
  /* The head is Kabar's own. */
  for (xmlNodePtr child = xmlDocGetRootElement (doc)->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && g_str_equal (child->name, "body"))
      body = child;
  check (body != NULL, "the HTML has no body");
  check_tree (body);
  xmlFreeDoc (doc);
}

static void
check_attachments (KabarMessageDisplay *display)
{
  GPtrArray *attachments = kabar_message_display_get_attachments (display);

  for (guint i = 0; i < attachments->len; i++)
    {
      KabarDisplayAttachment *attachment = g_ptr_array_index (attachments, i);
      g_autoptr(GBytes) data = kabar_message_display_dup_attachment_data (display, i, NULL);

      check (data != NULL && g_bytes_get_size (data) == attachment->size, "an attachment's size is wrong");
      check (attachment->file_name[0] != '\0' && strchr (attachment->file_name, '/') == NULL
             && attachment->file_name[0] != '.', "an attachment's name is not safe to save under");
      if (attachment->content_id != NULL)
        {
          g_autoptr(GBytes) by_cid = kabar_message_display_dup_cid_data (display, attachment->content_id, NULL, NULL);

          check (by_cid != NULL, "an attachment's content ID finds nothing");
        }
    }
  check (kabar_message_display_dup_attachment_data (display, attachments->len, NULL) == NULL,
         "an attachment past the end");
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) raw = g_bytes_new (data, size);
  KabarDisplayFlags flags = (size & 1) ? KABAR_DISPLAY_PREFER_HTML : KABAR_DISPLAY_FLAGS_NONE;
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageDisplay) display =
    kabar_message_display_new (raw, flags, languages[(size >> 1) & 3], &error);
  g_autofree char *structure = NULL;
  g_autofree char *source = NULL;

  if (display == NULL)
    {
      check (error != NULL && error->domain == KABAR_DISPLAY_ERROR, "no model and no error");
      return 0;
    }
  check (g_utf8_validate (kabar_message_display_get_subject (display), -1, NULL), "the subject is not UTF-8");
  check_html (kabar_message_display_get_html (display, FALSE));
  check_html (kabar_message_display_get_html (display, TRUE));
  check_attachments (display);
  structure = kabar_message_display_dup_structure (display);
  source = kabar_message_display_dup_source_text (display);
  check (g_utf8_validate (source, -1, NULL), "the source text is not UTF-8");
  for (guint field = KABAR_DISPLAY_FROM; field <= KABAR_DISPLAY_REPLY_TO; field++)
    {
      GPtrArray *addresses = kabar_message_display_get_addresses (display, field);

      for (guint i = 0; i < addresses->len; i++)
        {
          KabarDisplayAddress *address = g_ptr_array_index (addresses, i);

          check (g_utf8_validate (address->name, -1, NULL) && g_utf8_validate (address->address, -1, NULL),
                 "an address is not UTF-8");
        }
    }
  return 0;
}
