/* kabar-display-sanitize.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sender's HTML made safe to show: parsed by libxml2, walked, kept
 * only where an element or attribute is known to be harmless, and
 * serialised again, so that what reaches the web view is what was
 * checked. Remote content (anything the view would fetch from the
 * network, which tells the sender the mail was read) goes too unless the
 * user asked for it.
 */

#include "config.h"

#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>

#include "kabar-display-private.h"

/* libxml2 limits nesting itself; this is a second guard for the walk's
 * own recursion. */
#define MAX_NESTING 512

typedef enum
{
  POLICY_UNWRAP,  /* the element goes, its content stays (unknown elements) */
  POLICY_KEEP,
  POLICY_DROP,    /* the element and all it holds go */
  POLICY_STYLE,
  POLICY_LINK,
} Policy;

typedef enum
{
  URL_CID,
  URL_DATA_IMAGE,
  URL_REMOTE,     /* http, https, or "//host": fetched from the network */
  URL_FRAGMENT,   /* "#name", within the document */
  URL_MAILTO,
  URL_OTHER,      /* javascript:, file:, relative paths...: never kept */
} UrlKind;

typedef struct
{
  gboolean             load_remote;
  KabarSanitizeResult *result;
} Sanitizer;

static const struct
{
  const char *name;
  Policy      policy;
} element_policies[] = {
  /* Fetch, run or submit something, or are raw text that HTML5 and
   * libxml2 parse differently: gone with all they hold. */
  { "script", POLICY_DROP }, { "iframe", POLICY_DROP }, { "frame", POLICY_DROP },
  { "frameset", POLICY_DROP }, { "object", POLICY_DROP }, { "embed", POLICY_DROP },
  { "applet", POLICY_DROP }, { "param", POLICY_DROP }, { "input", POLICY_DROP },
  { "button", POLICY_DROP }, { "select", POLICY_DROP }, { "textarea", POLICY_DROP },
  { "option", POLICY_DROP }, { "optgroup", POLICY_DROP }, { "datalist", POLICY_DROP },
  { "keygen", POLICY_DROP }, { "output", POLICY_DROP }, { "meta", POLICY_DROP },
  { "base", POLICY_DROP }, { "title", POLICY_DROP }, { "svg", POLICY_DROP },
  { "math", POLICY_DROP }, { "template", POLICY_DROP }, { "noembed", POLICY_DROP },
  { "noframes", POLICY_DROP }, { "xmp", POLICY_DROP }, { "plaintext", POLICY_DROP },
  { "canvas", POLICY_DROP }, { "dialog", POLICY_DROP }, { "portal", POLICY_DROP },
  { "isindex", POLICY_DROP }, { "listing", POLICY_DROP }, { "slot", POLICY_DROP },
  { "style", POLICY_STYLE }, { "link", POLICY_LINK },
  /* The view runs no script, so noscript's content is what the sender
   * meant such a reader to see; form's text stays, its controls not. */
  { "noscript", POLICY_UNWRAP }, { "form", POLICY_UNWRAP },
  { "a", POLICY_KEEP }, { "abbr", POLICY_KEEP }, { "acronym", POLICY_KEEP },
  { "address", POLICY_KEEP }, { "area", POLICY_KEEP }, { "article", POLICY_KEEP },
  { "aside", POLICY_KEEP }, { "audio", POLICY_KEEP }, { "b", POLICY_KEEP },
  { "bdi", POLICY_KEEP }, { "bdo", POLICY_KEEP }, { "big", POLICY_KEEP },
  { "blockquote", POLICY_KEEP }, { "br", POLICY_KEEP }, { "caption", POLICY_KEEP },
  { "center", POLICY_KEEP }, { "cite", POLICY_KEEP }, { "code", POLICY_KEEP },
  { "col", POLICY_KEEP }, { "colgroup", POLICY_KEEP }, { "dd", POLICY_KEEP },
  { "del", POLICY_KEEP }, { "details", POLICY_KEEP }, { "dfn", POLICY_KEEP },
  { "div", POLICY_KEEP }, { "dl", POLICY_KEEP }, { "dt", POLICY_KEEP },
  { "em", POLICY_KEEP }, { "figcaption", POLICY_KEEP }, { "figure", POLICY_KEEP },
  { "font", POLICY_KEEP }, { "footer", POLICY_KEEP }, { "h1", POLICY_KEEP },
  { "h2", POLICY_KEEP }, { "h3", POLICY_KEEP }, { "h4", POLICY_KEEP },
  { "h5", POLICY_KEEP }, { "h6", POLICY_KEEP }, { "header", POLICY_KEEP },
  { "hr", POLICY_KEEP }, { "i", POLICY_KEEP }, { "img", POLICY_KEEP },
  { "ins", POLICY_KEEP }, { "kbd", POLICY_KEEP }, { "label", POLICY_KEEP },
  { "legend", POLICY_KEEP }, { "fieldset", POLICY_KEEP }, { "li", POLICY_KEEP },
  { "main", POLICY_KEEP }, { "map", POLICY_KEEP }, { "mark", POLICY_KEEP },
  { "nav", POLICY_KEEP }, { "ol", POLICY_KEEP }, { "p", POLICY_KEEP },
  { "picture", POLICY_KEEP }, { "pre", POLICY_KEEP }, { "q", POLICY_KEEP },
  { "rp", POLICY_KEEP }, { "rt", POLICY_KEEP }, { "ruby", POLICY_KEEP },
  { "s", POLICY_KEEP }, { "samp", POLICY_KEEP }, { "section", POLICY_KEEP },
  { "small", POLICY_KEEP }, { "source", POLICY_KEEP }, { "span", POLICY_KEEP },
  { "strike", POLICY_KEEP }, { "strong", POLICY_KEEP }, { "sub", POLICY_KEEP },
  { "summary", POLICY_KEEP }, { "sup", POLICY_KEEP }, { "table", POLICY_KEEP },
  { "tbody", POLICY_KEEP }, { "td", POLICY_KEEP }, { "tfoot", POLICY_KEEP },
  { "th", POLICY_KEEP }, { "thead", POLICY_KEEP }, { "time", POLICY_KEEP },
  { "tr", POLICY_KEEP }, { "track", POLICY_KEEP }, { "tt", POLICY_KEEP },
  { "u", POLICY_KEEP }, { "ul", POLICY_KEEP }, { "var", POLICY_KEEP },
  { "video", POLICY_KEEP }, { "wbr", POLICY_KEEP },
};

/* Attributes that neither run, fetch nor navigate. */
static const char * const plain_attributes[] = {
  "abbr", "align", "alink", "alt", "axis", "bgcolor", "border", "bordercolor", "cellpadding",
  "cellspacing", "char", "charoff", "class", "clear", "color", "cols", "colspan", "compact",
  "controls", "coords", "datetime", "dir", "face", "frame", "headers", "height", "hspace", "id",
  "kind", "label", "lang", "link", "loop", "muted", "name", "noshade", "nowrap", "open",
  "reversed", "rows", "rowspan", "rules", "scope", "shape", "size", "sizes", "span", "srclang",
  "start", "style", "summary", "text", "title", "type", "valign", "value", "vlink", "vspace",
  "width", NULL,
};

static Policy
element_policy (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (element_policies); i++)
    if (g_ascii_strcasecmp (element_policies[i].name, name) == 0)
      return element_policies[i].policy;
  return POLICY_UNWRAP;
}

static gboolean
in_list (const char * const *list,
         const char         *name)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (g_ascii_strcasecmp (list[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* --- URLs ------------------------------------------------------------------------------ */

/* The URL as a browser reads it: leading and trailing spaces and control
 * characters dropped, tabs and line breaks inside dropped ("java\tscript:"
 * is javascript:). */
static char *
normalise_url (const char *url)
{
  GString *out = g_string_new (NULL);

  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p > 0x20 && *p != 0x7f)
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

static UrlKind
classify_url (const char *url)
{
  const char *p = url;

  if (g_str_has_prefix (url, "//") || g_str_has_prefix (url, "\\\\") || g_str_has_prefix (url, "/\\"))
    return URL_REMOTE;
  if (url[0] == '#')
    return URL_FRAGMENT;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  if (*p != ':' || p == url)
    return URL_OTHER;
  if (g_ascii_strncasecmp (url, "http:", 5) == 0 || g_ascii_strncasecmp (url, "https:", 6) == 0)
    return URL_REMOTE;
  if (g_ascii_strncasecmp (url, "cid:", 4) == 0)
    return URL_CID;
  if (g_ascii_strncasecmp (url, "mailto:", 7) == 0)
    return URL_MAILTO;
  /* SVG images can hold script and references of their own. */
  if (g_ascii_strncasecmp (url, "data:image/", 11) == 0
      && g_ascii_strncasecmp (url, "data:image/svg", 14) != 0)
    return URL_DATA_IMAGE;
  return URL_OTHER;
}

static void
note_cid (Sanitizer  *self,
          const char *url)
{
  char *content_id;

  if (self->result->cids == NULL)
    return;
  /* Percent-encoded as a URL may be; as written when the escapes are
   * broken (or would hide a NUL). */
  content_id = g_uri_unescape_string (url + 4, NULL);
  g_ptr_array_add (self->result->cids, content_id != NULL ? content_id : g_strdup (url + 4));
}

/* The URL to keep in a place that fetches, or NULL to drop it. Counts
 * remote ones either way. */
static char *
fetch_url (Sanitizer  *self,
           const char *value,
           gboolean    data_allowed)
{
  g_autofree char *url = normalise_url (value);

  switch (classify_url (url))
    {
    case URL_CID:
      note_cid (self, url);
      return g_steal_pointer (&url);
    case URL_DATA_IMAGE:
      return data_allowed ? g_steal_pointer (&url) : NULL;
    case URL_REMOTE:
      self->result->n_remote++;
      if (!self->load_remote)
        return NULL;
      /* "//host/x" and backslashed forms: only plain http(s) stays. */
      if (url[0] == '/' || url[0] == '\\')
        return NULL;
      return g_steal_pointer (&url);
    case URL_FRAGMENT:
    case URL_MAILTO:
    case URL_OTHER:
    default:
      return NULL;
    }
}

/* A srcset's candidates: "url [descriptor], ...". Kept whole only when
 * every candidate may be kept. */
static char *
fetch_srcset (Sanitizer  *self,
              const char *value)
{
  const char *p = value;
  gboolean keep = TRUE;

  while (*p != '\0')
    {
      const char *start;
      g_autofree char *url = NULL;
      g_autofree char *kept = NULL;

      while (g_ascii_isspace (*p) || *p == ',')
        p++;
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && !g_ascii_isspace (*p))
        p++;
      url = g_strndup (start, (gsize) (p - start));
      /* "a.png," is a URL and the list's comma. */
      while (url[0] != '\0' && url[strlen (url) - 1] == ',')
        url[strlen (url) - 1] = '\0';
      kept = fetch_url (self, url, TRUE);
      keep = keep && kept != NULL;
      while (*p != '\0' && *p != ',')
        p++;
    }
  return keep ? g_strdup (value) : NULL;
}

/* --- CSS ------------------------------------------------------------------------------- */

static gboolean
css_has_word (const char *lower,
              gsize       at,
              const char *word)
{
  return strncmp (lower + at, word, strlen (word)) == 0;
}

/* Comments out, so that they cannot split what is looked for. */
static char *
css_strip_comments (const char *css)
{
  GString *out = g_string_new (NULL);

  for (const char *p = css; *p != '\0'; p++)
    {
      if (p[0] == '/' && p[1] == '*')
        {
          const char *end = strstr (p + 2, "*/");

          g_string_append_c (out, ' ');
          if (end == NULL)
            break;
          p = end + 1;
          continue;
        }
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* Escapes ("\75 rl(", "\@import") undone, so that they cannot hide what
 * is looked for. */
static char *
css_unescape (const char *css)
{
  GString *out = g_string_new (NULL);

  for (const char *p = css; *p != '\0'; p++)
    {
      guint digits = 0;
      gunichar code = 0;

      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }
      if (p[1] == '\0')
        break;
      while (digits < 6 && g_ascii_isxdigit (p[1 + digits]))
        code = code * 16 + (gunichar) g_ascii_xdigit_value (p[1 + digits++]);
      if (digits == 0)
        {
          if (p[1] != '\n')
            g_string_append_c (out, p[1]);
          p++;
          continue;
        }
      p += digits;
      if (g_ascii_isspace (p[1]))
        p++;
      g_string_append_unichar (out, code != 0 && g_unichar_validate (code) ? code : 0xFFFD);
    }
  return g_string_free (out, FALSE);
}

/* Where the parenthesised argument that opens at open ends (just after
 * its ')', or the end of the text), strings and nesting respected. */
static gsize
css_argument_end (const char *css,
                  gsize       open)
{
  guint depth = 0;
  char quote = 0;

  for (gsize i = open; css[i] != '\0'; i++)
    {
      if (quote != 0)
        {
          if (css[i] == quote)
            quote = 0;
        }
      else if (css[i] == '"' || css[i] == '\'')
        quote = css[i];
      else if (css[i] == '(')
        depth++;
      else if (css[i] == ')' && --depth == 0)
        return i + 1;
    }
  return strlen (css);
}

/* The URL inside "url(...)" (or a string), unquoted and trimmed. */
static char *
css_url_value (const char *start,
               gsize       length)
{
  g_autofree char *value = g_strstrip (g_strndup (start, length));
  gsize n = strlen (value);

  if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0])
    return g_strndup (value + 1, n - 2);
  if (n >= 1 && (value[0] == '"' || value[0] == '\''))
    return g_strdup (value + 1);
  return g_steal_pointer (&value);
}

/* The text between the first quotes or url() parentheses after start, as
 * @import names its stylesheet. */
static char *
css_import_target (const char *text)
{
  const char *open = strpbrk (text, "\"'(");
  const char *close;

  if (open == NULL)
    return g_strdup ("");
  close = strchr (open + 1, *open == '(' ? ')' : *open);
  if (close == NULL)
    close = open + strlen (open);
  return css_url_value (open + 1, (gsize) (close - open - 1));
}

typedef struct
{
  Sanitizer *sanitizer;
  GString   *out;
  const char *css;
  const char *lower;
} CssRewrite;

/* url(...) at i: kept or replaced by none; returns where it ends. */
static gsize
css_rewrite_url (CssRewrite *rewrite,
                 gsize       i)
{
  gsize open = i + 3;
  gsize end = css_argument_end (rewrite->css, open);
  gsize inner_end = end > open + 1 && rewrite->css[end - 1] == ')' ? end - 1 : end;
  g_autofree char *url = css_url_value (rewrite->css + open + 1, inner_end - open - 1);
  g_autofree char *kept = fetch_url (rewrite->sanitizer, url, TRUE);

  if (kept != NULL)
    g_string_append_len (rewrite->out, rewrite->css + i, (gssize) (end - i));
  else
    g_string_append (rewrite->out, "none");
  return end;
}

/* @import at i, up to its ';': kept only for http(s) with remote on. */
static gsize
css_rewrite_import (CssRewrite *rewrite,
                    gsize       i)
{
  const char *semicolon = strchr (rewrite->css + i, ';');
  gsize end = semicolon != NULL ? (gsize) (semicolon - rewrite->css) + 1 : strlen (rewrite->css);
  g_autofree char *rule = g_strndup (rewrite->css + i, end - i);
  g_autofree char *target = css_import_target (rule + 7);
  g_autofree char *kept = fetch_url (rewrite->sanitizer, target, FALSE);

  if (kept != NULL)
    g_string_append (rewrite->out, rule);
  return end;
}

/* A function whose argument fetches or runs (image-set(), expression()):
 * none, and counted when it named a remote URL. */
static gsize
css_rewrite_function (CssRewrite *rewrite,
                      gsize       i,
                      gsize       name_length,
                      gboolean    fetches)
{
  gsize end = css_argument_end (rewrite->css, i + name_length - 1);
  g_autofree char *argument = g_strndup (rewrite->lower + i, end - i);

  if (fetches && (strstr (argument, "http") != NULL || strstr (argument, "//") != NULL))
    rewrite->sanitizer->result->n_remote++;
  g_string_append (rewrite->out, "none");
  return end;
}

/* "position: fixed" at i as static: a fixed box could lie over the
 * view's own bar and buttons. */
static gsize
css_rewrite_position (CssRewrite *rewrite,
                      gsize       i)
{
  gsize j = i + strlen ("position");

  while (g_ascii_isspace (rewrite->lower[j]))
    j++;
  if (rewrite->lower[j] == ':')
    {
      j++;
      while (g_ascii_isspace (rewrite->lower[j]))
        j++;
      if (css_has_word (rewrite->lower, j, "fixed") || css_has_word (rewrite->lower, j, "sticky"))
        {
          g_string_append (rewrite->out, "position: static");
          return j + (rewrite->lower[j] == 'f' ? strlen ("fixed") : strlen ("sticky"));
        }
    }
  g_string_append (rewrite->out, "position");
  return i + strlen ("position");
}

static gboolean
css_word_start (const char *lower,
                gsize       i)
{
  return i == 0 || !(g_ascii_isalnum (lower[i - 1]) || lower[i - 1] == '_');
}

static char *
sanitize_css (Sanitizer  *self,
              const char *css)
{
  g_autofree char *plain = css_strip_comments (css);
  g_autofree char *text = strchr (plain, '\\') != NULL ? css_unescape (plain) : g_strdup (plain);
  g_autofree char *lower = g_ascii_strdown (text, -1);
  CssRewrite rewrite = { self, g_string_new (NULL), text, lower };
  gsize i = 0;

  while (text[i] != '\0')
    {
      if (css_has_word (lower, i, "url(") && css_word_start (lower, i))
        i = css_rewrite_url (&rewrite, i);
      else if (css_has_word (lower, i, "@import"))
        i = css_rewrite_import (&rewrite, i);
      else if (css_has_word (lower, i, "image-set("))
        i = css_rewrite_function (&rewrite, i, strlen ("image-set("), TRUE);
      else if (css_has_word (lower, i, "expression(") && css_word_start (lower, i))
        i = css_rewrite_function (&rewrite, i, strlen ("expression("), FALSE);
      else if ((css_has_word (lower, i, "behavior") || css_has_word (lower, i, "-moz-binding"))
               && css_word_start (lower, i))
        {
          /* Scripted bindings of old browsers: an unknown property. */
          g_string_append (rewrite.out, "x-kabar-removed");
          i += css_has_word (lower, i, "behavior") ? strlen ("behavior") : strlen ("-moz-binding");
        }
      else if (css_has_word (lower, i, "position") && css_word_start (lower, i))
        i = css_rewrite_position (&rewrite, i);
      else if (text[i] == '<')
        {
          /* "</style" must not end a style element early. */
          g_string_append (rewrite.out, "\\3c ");
          i++;
        }
      else
        g_string_append_c (rewrite.out, text[i++]);
    }
  return g_string_free (rewrite.out, FALSE);
}

/* --- the tree -------------------------------------------------------------------------- */

static void
remove_node (xmlNodePtr node)
{
  xmlUnlinkNode (node);
  xmlFreeNode (node);
}

static gboolean
is_fetching_attribute (const char *element,
                       const char *name)
{
  if (g_str_equal (name, "background"))
    return TRUE;
  if (g_str_equal (name, "poster"))
    return g_str_equal (element, "video");
  if (g_str_equal (name, "src") || g_str_equal (name, "srcset"))
    return in_list ((const char * const[]) { "img", "video", "audio", "source", "track", NULL }, element);
  return FALSE;
}

/* Class names of Kabar's own elements are Kabar's: a sender's HTML that
 * uses them could pass for the view's attachments or notes. */
static char *
strip_kabar_classes (const char *value)
{
  g_auto(GStrv) names = g_strsplit_set (value, " \t\r\n\f", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (names[i][0] == '\0' || g_ascii_strncasecmp (names[i], "kabar", 5) == 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, names[i]);
    }
  return g_string_free (out, FALSE);
}

/* The attribute's new value, or NULL to remove it. */
static char *
sanitize_attribute (Sanitizer  *self,
                    const char *element,
                    const char *name,
                    const char *value)
{
  if (g_str_equal (name, "href") && (g_str_equal (element, "a") || g_str_equal (element, "area")))
    {
      g_autofree char *url = normalise_url (value);
      UrlKind kind = classify_url (url);

      /* The real target stays, so the view can show it on hover. */
      if ((kind == URL_REMOTE && url[0] != '/' && url[0] != '\\') || kind == URL_MAILTO
          || kind == URL_FRAGMENT)
        return g_steal_pointer (&url);
      return NULL;
    }
  if (g_str_equal (name, "srcset") && is_fetching_attribute (element, name))
    return fetch_srcset (self, value);
  if (is_fetching_attribute (element, name))
    return fetch_url (self, value, g_str_equal (element, "img"));
  if (!in_list (plain_attributes, name))
    return NULL;
  if (g_str_equal (name, "style"))
    return sanitize_css (self, value);
  if (g_str_equal (name, "class"))
    return strip_kabar_classes (value);
  if (g_str_equal (name, "id") && g_ascii_strncasecmp (value, "kabar", 5) == 0)
    return NULL;
  return g_strdup (value);
}

static void
sanitize_attributes (Sanitizer  *self,
                     xmlNodePtr  node)
{
  xmlAttrPtr attribute = node->properties;

  while (attribute != NULL)
    {
      xmlAttrPtr next = attribute->next;
      const char *name = (const char *) attribute->name;
      g_autofree char *lower = g_ascii_strdown (name, -1);
      xmlChar *value = xmlNodeListGetString (node->doc, attribute->children, 1);
      g_autofree char *kept = NULL;

      /* Namespaced attributes (xlink:href) are never harmless enough;
       * boolean ones (controls) have no value. */
      if (attribute->ns == NULL)
        kept = sanitize_attribute (self, (const char *) node->name, lower,
                                   value != NULL ? (const char *) value : "");
      xmlFree (value);
      if (kept == NULL || (g_str_equal (lower, "style") && kept[0] == '\0'))
        xmlRemoveProp (attribute);
      else
        xmlSetProp (node, attribute->name, (const xmlChar *) kept);
      attribute = next;
    }
}

/* A style element: its CSS made safe, no attribute but media. */
static void
sanitize_style_element (Sanitizer  *self,
                        xmlNodePtr  node)
{
  xmlChar *css = xmlNodeGetContent (node);
  g_autofree char *safe = sanitize_css (self, css != NULL ? (const char *) css : "");
  xmlAttrPtr attribute = node->properties;

  xmlFree (css);
  while (attribute != NULL)
    {
      xmlAttrPtr next = attribute->next;

      if (g_ascii_strcasecmp ((const char *) attribute->name, "media") != 0 || attribute->ns != NULL)
        xmlRemoveProp (attribute);
      attribute = next;
    }
  xmlNodeSetContent (node, NULL);
  xmlAddChild (node, xmlNewDocText (node->doc, (const xmlChar *) safe));
}

/* <link rel=stylesheet href=...>: remote content, kept only with remote
 * on, reduced to rel and href. Other links go. */
static void
sanitize_link_element (Sanitizer  *self,
                       xmlNodePtr  node)
{
  xmlChar *rel = xmlGetNoNsProp (node, (const xmlChar *) "rel");
  xmlChar *href = xmlGetNoNsProp (node, (const xmlChar *) "href");
  g_autofree char *rel_lower = rel != NULL ? g_ascii_strdown ((const char *) rel, -1) : NULL;
  g_autofree char *kept = NULL;

  if (rel_lower != NULL && href != NULL && strstr (rel_lower, "stylesheet") != NULL)
    kept = fetch_url (self, (const char *) href, FALSE);
  xmlFree (rel);
  xmlFree (href);
  if (kept == NULL || g_ascii_strncasecmp (kept, "cid:", 4) == 0)
    {
      remove_node (node);
      return;
    }
  while (node->properties != NULL)
    xmlRemoveProp (node->properties);
  xmlSetProp (node, (const xmlChar *) "rel", (const xmlChar *) "stylesheet");
  xmlSetProp (node, (const xmlChar *) "href", (const xmlChar *) kept);
}

static void sanitize_children (Sanitizer *self, xmlNodePtr parent, guint depth);

/* Moves node's children up in its place and removes it. */
static void
unwrap (xmlNodePtr node)
{
  while (node->children != NULL)
    {
      xmlNodePtr child = node->children;

      xmlUnlinkNode (child);
      xmlAddPrevSibling (node, child);
    }
  remove_node (node);
}

static void
sanitize_element (Sanitizer  *self,
                  xmlNodePtr  node,
                  guint       depth)
{
  Policy policy = element_policy ((const char *) node->name);

  if (node->ns != NULL || depth > MAX_NESTING)
    policy = POLICY_DROP;
  switch (policy)
    {
    case POLICY_DROP:
      remove_node (node);
      return;
    case POLICY_STYLE:
      sanitize_style_element (self, node);
      return;
    case POLICY_LINK:
      sanitize_link_element (self, node);
      return;
    case POLICY_UNWRAP:
      sanitize_children (self, node, depth + 1);
      unwrap (node);
      return;
    case POLICY_KEEP:
    default:
      sanitize_children (self, node, depth + 1);
      sanitize_attributes (self, node);
      return;
    }
}

/* Elements that never have content in HTML5. libxml2 does not know them
 * all as such and nests what follows "<embed ...>" inside it: that is
 * the sender's text, not the element's. */
static const char * const void_elements[] = {
  "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
  "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr", NULL,
};

/* Moves a void element's children out, after it. */
static void
hoist_from_void (xmlNodePtr node)
{
  while (node->type == XML_ELEMENT_NODE && node->last != NULL
         && in_list (void_elements, (const char *) node->name))
    {
      xmlNodePtr child = node->last;

      xmlUnlinkNode (child);
      xmlAddNextSibling (node, child);
    }
}

static void
sanitize_children (Sanitizer  *self,
                   xmlNodePtr  parent,
                   guint       depth)
{
  xmlNodePtr child = parent->children;

  while (child != NULL)
    {
      xmlNodePtr next;

      hoist_from_void (child);
      next = child->next;

      if (child->type == XML_ELEMENT_NODE)
        sanitize_element (self, child, depth);
      else if (child->type != XML_TEXT_NODE)
        remove_node (child);   /* comments (IE's conditional ones too), PIs, CDATA */
      child = next;
    }
}

/* --- the document ---------------------------------------------------------------------- */

static void
dump_node (GString    *out,
           xmlDocPtr   doc,
           xmlNodePtr  node)
{
  xmlBufferPtr buffer = xmlBufferCreate ();

  if (htmlNodeDump (buffer, doc, node) >= 0)
    g_string_append_len (out, (const char *) xmlBufferContent (buffer), xmlBufferLength (buffer));
  xmlBufferFree (buffer);
}

static xmlNodePtr
find_child (xmlNodePtr  parent,
            const char *name)
{
  for (xmlNodePtr child = parent->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && g_ascii_strcasecmp ((const char *) child->name, name) == 0)
      return child;
  return NULL;
}

/* The head's styles, then the body as a div that keeps the body's own
 * colours and style. */
static void
dump_document (Sanitizer *self,
               GString   *out,
               xmlDocPtr  doc)
{
  xmlNodePtr root = xmlDocGetRootElement (doc);
  xmlNodePtr head = root != NULL ? find_child (root, "head") : NULL;
  xmlNodePtr body = root != NULL ? find_child (root, "body") : NULL;

  if (head != NULL)
    {
      sanitize_children (self, head, 1);
      for (xmlNodePtr child = head->children; child != NULL; child = child->next)
        if (child->type == XML_ELEMENT_NODE)
          dump_node (out, doc, child);
    }
  if (body != NULL)
    {
      sanitize_children (self, body, 1);
      xmlNodeSetName (body, (const xmlChar *) "div");
      sanitize_attributes (self, body);
      dump_node (out, doc, body);
    }
}

static gsize parser_ready;

void
kabar_display_sanitize_html (GString             *out,
                             const char          *html,
                             gsize                length,
                             gboolean             load_remote,
                             KabarSanitizeResult *result)
{
  Sanitizer self = { load_remote, result };
  xmlDocPtr doc;

  /* libxml2 sets itself up on first use, which is not safe on two
   * threads at once. */
  if (g_once_init_enter (&parser_ready))
    {
      xmlInitParser ();
      g_once_init_leave (&parser_ready, 1);
    }
  if (length == 0)
    return;
  doc = htmlReadMemory (html, (int) MIN (length, (gsize) G_MAXINT), NULL, "UTF-8",
                        HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                        | HTML_PARSE_RECOVER);
  if (doc == NULL)
    return;
  dump_document (&self, out, doc);
  xmlFreeDoc (doc);
}
