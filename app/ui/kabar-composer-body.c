/* kabar-composer-body.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libxml/HTMLparser.h>

#include "kabar-composer-body.h"

/* The rich body lives in the buffer as text and tags: bold, italic and a
 * tag per link address on characters; a list item is a line that starts
 * with a marker ("• ", "1. ") tagged as such, which the editor inserts,
 * renumbers and removes itself, so the user never edits it as text and
 * it never reaches what is sent as text. Quotes are lines that start with
 * '>' and stay text, in plain and rich alike. */

#define BULLET_MARKER "\u2022 "

typedef enum
{
  LINE_TEXT,
  LINE_BULLET,
  LINE_NUMBER,
} LineKind;

struct _KabarComposerBody
{
  GtkWidget        parent_instance;

  GtkRevealer     *format_revealer;
  GtkToggleButton *bold_button;
  GtkToggleButton *italic_button;
  GtkToggleButton *bullet_button;
  GtkToggleButton *number_button;
  GtkMenuButton   *link_button;
  GtkPopover      *link_popover;
  GtkEntry        *link_entry;
  GtkButton       *link_apply_button;
  GtkLabel        *link_problem;
  GtkButton       *link_remove_button;
  GtkTextView     *view;

  GtkTextBuffer   *buffer;
  GtkTextTag      *bold_tag;
  GtkTextTag      *italic_tag;
  GtkTextTag      *quote_tag;
  GtkTextTag      *marker_tag;
  GtkTextTag      *bullet_tag;
  GtkTextTag      *number_tag;
  /* href -> its tag; the tags belong to the buffer's table. */
  GHashTable      *link_tags;
  GdkRGBA          link_colour;

  /* The range the link popover works on. */
  GtkTextMark     *link_start;
  GtkTextMark     *link_end;

  gboolean         rich;
  /* What typed text gets: follows the cursor, and the toggles. */
  gboolean         typing_bold;
  gboolean         typing_italic;
  /* Changes the editor makes itself (markers, quotes, loading): not the
   * user's, so they neither take the typing format nor say "changed". */
  guint            programmatic;
  guint            user_action;
  guint            tidy_idle;
  gboolean         syncing_buttons;
};

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarComposerBody, kabar_composer_body, GTK_TYPE_WIDGET)

static void sync_from_cursor (KabarComposerBody *self);

/* --- lines and markers ---------------------------------------------------------------- */

static void
line_start (KabarComposerBody *self,
            int                line,
            GtkTextIter       *iter)
{
  gtk_text_buffer_get_iter_at_line (self->buffer, iter, line);
}

static void
line_end (KabarComposerBody *self,
          int                line,
          GtkTextIter       *iter)
{
  gtk_text_buffer_get_iter_at_line (self->buffer, iter, line);
  if (!gtk_text_iter_ends_line (iter))
    gtk_text_iter_forward_to_line_end (iter);
}

/* The marker at the start of line as [start, end); FALSE (end == start)
 * when the line is no list item. */
static gboolean
line_marker (KabarComposerBody *self,
             int                line,
             GtkTextIter       *start,
             GtkTextIter       *end)
{
  line_start (self, line, start);
  *end = *start;
  if (!gtk_text_iter_has_tag (start, self->marker_tag))
    return FALSE;
  gtk_text_iter_forward_to_tag_toggle (end, self->marker_tag);
  if (gtk_text_iter_get_line (end) != line)
    line_end (self, line, end);
  return TRUE;
}

static LineKind
line_kind (KabarComposerBody *self,
           int                line)
{
  GtkTextIter start, end;

  if (!line_marker (self, line, &start, &end))
    return LINE_TEXT;
  return gtk_text_iter_has_tag (&start, self->bullet_tag) ? LINE_BULLET : LINE_NUMBER;
}

/* Where the line's own text begins: after its marker. */
static void
line_content_start (KabarComposerBody *self,
                    int                line,
                    GtkTextIter       *iter)
{
  GtkTextIter start;

  line_marker (self, line, &start, iter);
}

/* Markers the user's edits left inside a line (lines joined, text pasted)
 * mean nothing there. */
static void
remove_stray_markers (KabarComposerBody *self,
                      int                line)
{
  GtkTextIter iter, end;

  line_start (self, line, &iter);
  if (gtk_text_iter_has_tag (&iter, self->marker_tag))
    gtk_text_iter_forward_to_tag_toggle (&iter, self->marker_tag);
  for (;;)
    {
      if (!gtk_text_iter_has_tag (&iter, self->marker_tag) &&
          !gtk_text_iter_forward_to_tag_toggle (&iter, self->marker_tag))
        break;
      if (gtk_text_iter_get_line (&iter) != line || gtk_text_iter_ends_line (&iter))
        break;
      end = iter;
      gtk_text_iter_forward_to_tag_toggle (&end, self->marker_tag);
      gtk_text_buffer_delete (self->buffer, &iter, &end);
    }
}

static void
set_marker (KabarComposerBody *self,
            int                line,
            LineKind           kind,
            guint              number)
{
  GtkTextIter start, end;
  g_autofree char *wanted = NULL;
  g_autofree char *current = NULL;
  gboolean has = line_marker (self, line, &start, &end);

  if (kind == LINE_BULLET)
    wanted = g_strdup (BULLET_MARKER);
  else if (kind == LINE_NUMBER)
    wanted = g_strdup_printf ("%u. ", number);
  if (has)
    current = gtk_text_buffer_get_text (self->buffer, &start, &end, TRUE);
  if (g_strcmp0 (current, wanted) == 0 && (kind == LINE_TEXT || line_kind (self, line) == kind))
    return;
  self->programmatic++;
  if (has)
    gtk_text_buffer_delete (self->buffer, &start, &end);
  if (wanted != NULL)
    gtk_text_buffer_insert_with_tags (self->buffer, &start, wanted, -1, self->marker_tag,
                                      kind == LINE_BULLET ? self->bullet_tag : self->number_tag, NULL);
  self->programmatic--;
}

/* How deep the quote at iter's line goes (0: no quote), with iter moved
 * past its prefix (">", "> > ", ">> "). */
static guint
skip_quote_prefix (GtkTextIter *iter)
{
  guint depth = 0;

  while (gtk_text_iter_get_char (iter) == '>')
    {
      GtkTextIter next;

      depth++;
      gtk_text_iter_forward_char (iter);
      next = *iter;
      gtk_text_iter_forward_char (&next);
      if (gtk_text_iter_get_char (iter) == ' ' && gtk_text_iter_get_char (&next) == '>')
        *iter = next;
    }
  if (depth > 0 && gtk_text_iter_get_char (iter) == ' ')
    gtk_text_iter_forward_char (iter);
  return depth;
}

static guint
line_quote_depth (KabarComposerBody *self,
                  int                line,
                  GtkTextIter       *content)
{
  GtkTextIter iter;

  line_start (self, line, &iter);
  if (gtk_text_iter_has_tag (&iter, self->marker_tag))
    return 0;
  if (content == NULL)
    content = &iter;
  *content = iter;
  return skip_quote_prefix (content);
}

static void
tidy_quote (KabarComposerBody *self,
            int                line)
{
  GtkTextIter start, end, toggle;
  gboolean quote = line_quote_depth (self, line, NULL) > 0;

  line_start (self, line, &start);
  line_end (self, line, &end);
  toggle = start;
  if (quote)
    {
      /* Only when it is not covered yet: applying a tag relays the line out. */
      if (gtk_text_iter_has_tag (&start, self->quote_tag) &&
          gtk_text_iter_forward_to_tag_toggle (&toggle, self->quote_tag) &&
          gtk_text_iter_compare (&toggle, &end) >= 0)
        return;
      gtk_text_buffer_apply_tag (self->buffer, self->quote_tag, &start, &end);
    }
  else if (gtk_text_iter_has_tag (&start, self->quote_tag) ||
           (gtk_text_iter_forward_to_tag_toggle (&toggle, self->quote_tag) &&
            gtk_text_iter_compare (&toggle, &end) < 0))
    {
      gtk_text_buffer_remove_tag (self->buffer, self->quote_tag, &start, &end);
    }
}

/* Puts markers and quotes right after a change: numbers follow each
 * other, stray markers go, quote lines look like quotes. */
static void
tidy (KabarComposerBody *self)
{
  guint number = 0;

  g_clear_handle_id (&self->tidy_idle, g_source_remove);
  self->programmatic++;
  for (int line = 0; line < gtk_text_buffer_get_line_count (self->buffer); line++)
    {
      LineKind kind;

      remove_stray_markers (self, line);
      kind = line_kind (self, line);
      number = kind == LINE_NUMBER ? number + 1 : 0;
      if (kind != LINE_TEXT)
        set_marker (self, line, kind, number);
      tidy_quote (self, line);
    }
  self->programmatic--;
}

static gboolean
tidy_in_idle (gpointer data)
{
  KabarComposerBody *self = data;

  self->tidy_idle = 0;
  tidy (self);
  sync_from_cursor (self);
  return G_SOURCE_REMOVE;
}

/* --- links ------------------------------------------------------------------------------- */

static const char *
tag_href (GtkTextTag *tag)
{
  return g_object_get_data (G_OBJECT (tag), "kabar-href");
}

/* The link tag on the character at iter, or NULL. */
static GtkTextTag *
link_tag_at (const GtkTextIter *iter)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);

  for (GSList *l = tags; l != NULL; l = l->next)
    if (tag_href (l->data) != NULL)
      return l->data;
  return NULL;
}

/* href when it is an address a sent message may link to, else NULL: a
 * link must not run script nor open anything but the web or mail. */
static gboolean
href_is_allowed (const char *href)
{
  const char *scheme = g_uri_peek_scheme (href);

  if (scheme == NULL ||
      (strcmp (scheme, "http") != 0 && strcmp (scheme, "https") != 0 && strcmp (scheme, "mailto") != 0))
    return FALSE;
  /* Characters no address has, which would only serve to break out of it. */
  for (const char *c = href; *c != '\0'; c++)
    if ((guchar) *c <= ' ' || *c == 0x7f || strchr ("\"'<>\\^`{|}", *c) != NULL)
      return FALSE;
  return strlen (href) > strlen (scheme) + 1;
}

/* What the user typed into the link field as an address, or NULL: a bare
 * "example.org" is a web address, "name@example.org" a mail address. */
static char *
href_from_typed (const char *typed)
{
  g_autofree char *text = g_strstrip (g_strdup (typed));
  g_autofree char *href = NULL;

  if (g_uri_peek_scheme (text) != NULL)
    href = g_steal_pointer (&text);
  else if (strchr (text, '@') != NULL && strchr (text, '/') == NULL)
    href = g_strconcat ("mailto:", text, NULL);
  else if (*text != '\0')
    href = g_strconcat ("https://", text, NULL);
  if (href == NULL || !href_is_allowed (href))
    return NULL;
  return g_steal_pointer (&href);
}

static GtkTextTag *
link_tag_for (KabarComposerBody *self,
              const char        *href)
{
  GtkTextTag *tag = g_hash_table_lookup (self->link_tags, href);

  if (tag != NULL)
    return tag;
  tag = gtk_text_buffer_create_tag (self->buffer, NULL, "underline", PANGO_UNDERLINE_SINGLE,
                                    "foreground-rgba", &self->link_colour, NULL);
  g_object_set_data_full (G_OBJECT (tag), "kabar-href", g_strdup (href), g_free);
  g_hash_table_insert (self->link_tags, g_strdup (href), tag);
  return tag;
}

static void
remove_links (KabarComposerBody *self,
              GtkTextIter       *start,
              GtkTextIter       *end)
{
  GHashTableIter iter;
  gpointer tag;

  g_hash_table_iter_init (&iter, self->link_tags);
  while (g_hash_table_iter_next (&iter, NULL, &tag))
    gtk_text_buffer_remove_tag (self->buffer, tag, start, end);
}

static void
forget_links (KabarComposerBody *self)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (self->buffer);
  GHashTableIter iter;
  gpointer tag;

  g_hash_table_iter_init (&iter, self->link_tags);
  while (g_hash_table_iter_next (&iter, NULL, &tag))
    gtk_text_tag_table_remove (table, tag);
  g_hash_table_remove_all (self->link_tags);
}

/* The whole link around iter (the character at it or before it). */
static GtkTextTag *
link_around (const GtkTextIter *iter,
             GtkTextIter       *start,
             GtkTextIter       *end)
{
  GtkTextIter probe = *iter;
  GtkTextTag *tag = link_tag_at (&probe);

  if (tag == NULL && gtk_text_iter_backward_char (&probe))
    tag = link_tag_at (&probe);
  if (tag == NULL)
    return NULL;
  *start = probe;
  *end = probe;
  if (!gtk_text_iter_starts_tag (start, tag))
    gtk_text_iter_backward_to_tag_toggle (start, tag);
  gtk_text_iter_forward_to_tag_toggle (end, tag);
  return tag;
}

/* --- what the cursor is in ------------------------------------------------------------------ */

static gboolean
range_has_tag (GtkTextTag        *tag,
               const GtkTextIter *start,
               const GtkTextIter *end)
{
  GtkTextIter iter = *start;

  if (!gtk_text_iter_has_tag (&iter, tag))
    return FALSE;
  gtk_text_iter_forward_to_tag_toggle (&iter, tag);
  return gtk_text_iter_compare (&iter, end) >= 0;
}

/* The character whose format the cursor takes: the one before it, or at
 * the start of a line's text the one after. FALSE when there is none. */
static gboolean
format_source (KabarComposerBody *self,
               GtkTextIter       *iter)
{
  GtkTextIter content;

  gtk_text_buffer_get_iter_at_mark (self->buffer, iter, gtk_text_buffer_get_insert (self->buffer));
  line_content_start (self, gtk_text_iter_get_line (iter), &content);
  if (gtk_text_iter_compare (iter, &content) > 0)
    return gtk_text_iter_backward_char (iter);
  return !gtk_text_iter_ends_line (iter);
}

static void
sync_buttons (KabarComposerBody *self)
{
  GtkTextIter cursor;
  LineKind kind;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &cursor, gtk_text_buffer_get_insert (self->buffer));
  kind = line_kind (self, gtk_text_iter_get_line (&cursor));
  self->syncing_buttons = TRUE;
  gtk_toggle_button_set_active (self->bold_button, self->typing_bold);
  gtk_toggle_button_set_active (self->italic_button, self->typing_italic);
  gtk_toggle_button_set_active (self->bullet_button, kind == LINE_BULLET);
  gtk_toggle_button_set_active (self->number_button, kind == LINE_NUMBER);
  self->syncing_buttons = FALSE;
}

static void
sync_from_cursor (KabarComposerBody *self)
{
  GtkTextIter start, end;

  if (gtk_text_buffer_get_selection_bounds (self->buffer, &start, &end))
    {
      self->typing_bold = range_has_tag (self->bold_tag, &start, &end);
      self->typing_italic = range_has_tag (self->italic_tag, &start, &end);
    }
  else if (format_source (self, &start))
    {
      self->typing_bold = gtk_text_iter_has_tag (&start, self->bold_tag);
      self->typing_italic = gtk_text_iter_has_tag (&start, self->italic_tag);
    }
  else
    {
      self->typing_bold = FALSE;
      self->typing_italic = FALSE;
    }
  sync_buttons (self);
}

/* The cursor never stands in a marker: what is typed there would split it. */
static void
keep_mark_out_of_marker (KabarComposerBody *self,
                         GtkTextMark       *mark)
{
  GtkTextIter iter, start, end;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &iter, mark);
  if (!line_marker (self, gtk_text_iter_get_line (&iter), &start, &end) ||
      gtk_text_iter_compare (&iter, &end) >= 0)
    return;
  self->programmatic++;
  gtk_text_buffer_move_mark (self->buffer, mark, &end);
  self->programmatic--;
}

static void
on_mark_set (KabarComposerBody *self,
             const GtkTextIter *location,
             GtkTextMark       *mark)
{
  if (self->programmatic > 0)
    return;
  if (mark != gtk_text_buffer_get_insert (self->buffer) &&
      mark != gtk_text_buffer_get_selection_bound (self->buffer))
    return;
  keep_mark_out_of_marker (self, mark);
  sync_from_cursor (self);
}

/* --- the user's edits ------------------------------------------------------------------------- */

static void
continue_list (KabarComposerBody *self,
               GtkTextIter       *start,
               GtkTextIter       *location)
{
  int first = gtk_text_iter_get_line (start);
  int last = gtk_text_iter_get_line (location);
  LineKind kind = line_kind (self, first);
  int end_offset = gtk_text_iter_get_offset (location);

  if (kind == LINE_TEXT)
    return;
  for (int line = first + 1; line <= last; line++)
    {
      int before = gtk_text_buffer_get_char_count (self->buffer);

      set_marker (self, line, kind, 1);
      end_offset += gtk_text_buffer_get_char_count (self->buffer) - before;
    }
  /* The signal's iter must stay valid for the handlers after this one. */
  gtk_text_buffer_get_iter_at_offset (self->buffer, location, end_offset);
}

static void
on_insert_text (GtkTextBuffer     *buffer,
                GtkTextIter       *location,
                const char        *text,
                int                length,
                KabarComposerBody *self)
{
  GtkTextIter start = *location, before, after;
  GtkTextTag *link;

  if (self->programmatic > 0 || !self->rich)
    return;
  gtk_text_iter_backward_chars (&start, (int) g_utf8_strlen (text, length));
  if (self->typing_bold)
    gtk_text_buffer_apply_tag (buffer, self->bold_tag, &start, location);
  if (self->typing_italic)
    gtk_text_buffer_apply_tag (buffer, self->italic_tag, &start, location);
  /* Typed inside a link, the text belongs to it; at its end, not. */
  before = start;
  after = *location;
  if (gtk_text_iter_backward_char (&before) && (link = link_tag_at (&before)) != NULL &&
      gtk_text_iter_has_tag (&after, link))
    gtk_text_buffer_apply_tag (buffer, link, &start, location);
  if (memchr (text, '\n', (size_t) length) != NULL)
    continue_list (self, &start, location);
}

static void
on_begin_user_action (KabarComposerBody *self)
{
  self->user_action++;
}

static void
on_end_user_action (KabarComposerBody *self)
{
  self->user_action--;
  if (self->user_action == 0)
    {
      tidy (self);
      sync_buttons (self);
    }
}

static void
on_delete_range_after (KabarComposerBody *self)
{
  if (self->programmatic == 0)
    sync_from_cursor (self);
}

static void
on_buffer_changed (KabarComposerBody *self)
{
  if (self->programmatic > 0)
    return;
  /* Undo and redo change the text outside a user action. */
  if (self->user_action == 0 && self->tidy_idle == 0)
    self->tidy_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, tidy_in_idle, self, NULL);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* --- formatting ---------------------------------------------------------------------------- */

static void
user_changed (KabarComposerBody *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
toggle_format (KabarComposerBody *self,
               GtkTextTag        *tag,
               gboolean          *typing)
{
  GtkTextIter start, end;

  if (!self->rich)
    return;
  if (gtk_text_buffer_get_selection_bounds (self->buffer, &start, &end))
    {
      if (range_has_tag (tag, &start, &end))
        gtk_text_buffer_remove_tag (self->buffer, tag, &start, &end);
      else
        gtk_text_buffer_apply_tag (self->buffer, tag, &start, &end);
      sync_from_cursor (self);
      user_changed (self);
      return;
    }
  /* Without a selection it is for what comes next. */
  *typing = !*typing;
  sync_buttons (self);
}

/* The lines of the selection, or the cursor's. */
static void
selected_lines (KabarComposerBody *self,
                int               *first,
                int               *last)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_selection_bounds (self->buffer, &start, &end);
  *first = gtk_text_iter_get_line (&start);
  *last = gtk_text_iter_get_line (&end);
  if (*last > *first && gtk_text_iter_starts_line (&end))
    (*last)--;
}

static void
toggle_list (KabarComposerBody *self,
             LineKind           kind)
{
  int first, last;
  gboolean all = TRUE;

  if (!self->rich)
    return;
  selected_lines (self, &first, &last);
  for (int line = first; line <= last; line++)
    all = all && line_kind (self, line) == kind;
  /* One step to undo. */
  gtk_text_buffer_begin_user_action (self->buffer);
  for (int line = first; line <= last; line++)
    set_marker (self, line, all ? LINE_TEXT : kind, 1);
  gtk_text_buffer_end_user_action (self->buffer);
  sync_from_cursor (self);
  user_changed (self);
}

/* Enter on an empty item ends the list; Backspace at the start of an
 * item's text makes it a plain line. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                KabarComposerBody     *self)
{
  GtkTextIter cursor, start, end;
  int line;

  if (!self->rich || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK | GDK_SUPER_MASK)) != 0 ||
      gtk_text_buffer_get_has_selection (self->buffer))
    return GDK_EVENT_PROPAGATE;
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter &&
      keyval != GDK_KEY_BackSpace)
    return GDK_EVENT_PROPAGATE;
  gtk_text_buffer_get_iter_at_mark (self->buffer, &cursor, gtk_text_buffer_get_insert (self->buffer));
  line = gtk_text_iter_get_line (&cursor);
  if (!line_marker (self, line, &start, &end) || !gtk_text_iter_equal (&cursor, &end))
    return GDK_EVENT_PROPAGATE;
  if (keyval != GDK_KEY_BackSpace && !gtk_text_iter_ends_line (&cursor))
    return GDK_EVENT_PROPAGATE;
  gtk_text_buffer_begin_user_action (self->buffer);
  set_marker (self, line, LINE_TEXT, 0);
  gtk_text_buffer_end_user_action (self->buffer);
  sync_from_cursor (self);
  user_changed (self);
  return GDK_EVENT_STOP;
}

static void
on_bold_toggled (KabarComposerBody *self)
{
  if (!self->syncing_buttons)
    toggle_format (self, self->bold_tag, &self->typing_bold);
}

static void
on_italic_toggled (KabarComposerBody *self)
{
  if (!self->syncing_buttons)
    toggle_format (self, self->italic_tag, &self->typing_italic);
}

static void
on_bullet_toggled (KabarComposerBody *self)
{
  if (!self->syncing_buttons)
    toggle_list (self, LINE_BULLET);
}

static void
on_number_toggled (KabarComposerBody *self)
{
  if (!self->syncing_buttons)
    toggle_list (self, LINE_NUMBER);
}

static void
action_format (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KabarComposerBody *self = KABAR_COMPOSER_BODY (widget);

  if (g_str_equal (action_name, "body.bold"))
    toggle_format (self, self->bold_tag, &self->typing_bold);
  else if (g_str_equal (action_name, "body.italic"))
    toggle_format (self, self->italic_tag, &self->typing_italic);
  else if (g_str_equal (action_name, "body.bulleted-list"))
    toggle_list (self, LINE_BULLET);
  else if (g_str_equal (action_name, "body.numbered-list"))
    toggle_list (self, LINE_NUMBER);
}

/* --- the link popover --------------------------------------------------------------------- */

static void
action_link (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KabarComposerBody *self = KABAR_COMPOSER_BODY (widget);

  if (self->rich)
    gtk_menu_button_popup (self->link_button);
}

/* What the link is for, taken as the popover opens: once it has the
 * focus, the view has let go of the selection. */
static void
take_link_range (GtkMenuButton *button,
                 gpointer       data)
{
  KabarComposerBody *self = data;
  GtkTextIter start, end, cursor;

  if (!gtk_text_buffer_get_selection_bounds (self->buffer, &start, &end))
    {
      gtk_text_buffer_get_iter_at_mark (self->buffer, &cursor, gtk_text_buffer_get_insert (self->buffer));
      if (link_around (&cursor, &start, &end) == NULL)
        start = end = cursor;
    }
  gtk_text_buffer_move_mark (self->buffer, self->link_start, &start);
  gtk_text_buffer_move_mark (self->buffer, self->link_end, &end);
}

static void
on_link_popover_show (KabarComposerBody *self)
{
  GtkTextIter start;
  GtkTextTag *link;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &start, self->link_start);
  link = link_tag_at (&start);
  gtk_editable_set_text (GTK_EDITABLE (self->link_entry), link != NULL ? tag_href (link) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->link_remove_button), link != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->link_problem), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->link_entry), "error");
  gtk_widget_grab_focus (GTK_WIDGET (self->link_entry));
}

static void
on_link_popover_closed (KabarComposerBody *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static void
on_link_entry_changed (KabarComposerBody *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->link_problem), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->link_entry), "error");
}

static void
on_link_apply (KabarComposerBody *self)
{
  g_autofree char *href = href_from_typed (gtk_editable_get_text (GTK_EDITABLE (self->link_entry)));
  GtkTextIter start, end;

  if (href == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->link_problem), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->link_entry), "error");
      return;
    }
  gtk_text_buffer_get_iter_at_mark (self->buffer, &start, self->link_start);
  gtk_text_buffer_get_iter_at_mark (self->buffer, &end, self->link_end);
  gtk_text_buffer_begin_user_action (self->buffer);
  if (gtk_text_iter_equal (&start, &end))
    {
      /* Nothing chosen: the address is its own text. */
      self->programmatic++;
      gtk_text_buffer_insert (self->buffer, &end, href, -1);
      self->programmatic--;
      gtk_text_buffer_get_iter_at_mark (self->buffer, &start, self->link_start);
      gtk_text_buffer_place_cursor (self->buffer, &end);
    }
  remove_links (self, &start, &end);
  gtk_text_buffer_apply_tag (self->buffer, link_tag_for (self, href), &start, &end);
  gtk_text_buffer_end_user_action (self->buffer);
  gtk_popover_popdown (self->link_popover);
  user_changed (self);
}

static void
on_link_remove (KabarComposerBody *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &start, self->link_start);
  gtk_text_buffer_get_iter_at_mark (self->buffer, &end, self->link_end);
  remove_links (self, &start, &end);
  gtk_popover_popdown (self->link_popover);
  user_changed (self);
}

/* --- what is sent ------------------------------------------------------------------------------ */

/* The number a numbered line shows: its place in the run of numbered
 * lines above it. */
static guint
line_number (KabarComposerBody *self,
             int                line)
{
  guint number = 0;

  while (line >= 0 && line_kind (self, line) == LINE_NUMBER)
    {
      number++;
      line--;
    }
  return number;
}

static gboolean
link_text_is_href (const char *text,
                   const char *href)
{
  return strcmp (text, href) == 0 ||
         (g_str_has_prefix (href, "mailto:") && strcmp (text, href + strlen ("mailto:")) == 0);
}

static void
append_plain_segments (KabarComposerBody *self,
                       GString           *out,
                       GtkTextIter       *start,
                       const GtkTextIter *end)
{
  GtkTextIter iter = *start;

  while (gtk_text_iter_compare (&iter, end) < 0)
    {
      GtkTextIter next = iter;
      GtkTextTag *link = link_tag_at (&iter);
      g_autofree char *text = NULL;

      if (link != NULL)
        gtk_text_iter_forward_to_tag_toggle (&next, link);
      else if (!gtk_text_iter_forward_to_tag_toggle (&next, NULL))
        next = *end;
      if (gtk_text_iter_compare (&next, end) > 0)
        next = *end;
      text = gtk_text_buffer_get_slice (self->buffer, &iter, &next, FALSE);
      g_string_append (out, text);
      if (link != NULL && !link_text_is_href (text, tag_href (link)))
        {
          const char *href = tag_href (link);

          if (g_str_has_prefix (href, "mailto:"))
            href += strlen ("mailto:");
          g_string_append_printf (out, " <%s>", href);
        }
      iter = next;
    }
}

static char *
buffer_to_text (KabarComposerBody *self)
{
  GString *out = g_string_new (NULL);
  int n_lines = gtk_text_buffer_get_line_count (self->buffer);

  for (int line = 0; line < n_lines; line++)
    {
      GtkTextIter start, end;
      LineKind kind = line_kind (self, line);

      if (line > 0)
        g_string_append_c (out, '\n');
      if (kind == LINE_BULLET)
        g_string_append (out, "- ");
      else if (kind == LINE_NUMBER)
        g_string_append_printf (out, "%u. ", line_number (self, line));
      line_content_start (self, line, &start);
      line_end (self, line, &end);
      append_plain_segments (self, out, &start, &end);
    }
  return g_string_free (out, FALSE);
}

/* Text as HTML that shows it as typed: HTML collapses a run of spaces
 * and drops them at the ends of a line, so every other one of a run and
 * those at the ends are no-break spaces. after_space: the last thing
 * written was a space HTML would collapse (or the line starts). */
static void
append_escaped (GString    *out,
                const char *text,
                gboolean   *after_space,
                gboolean    at_line_end)
{
  for (const char *c = text; *c != '\0'; c++)
    {
      gboolean space = FALSE;

      switch (*c)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\t': g_string_append (out, "&nbsp;&nbsp;&nbsp;&nbsp;"); break;
        case ' ':
          space = !*after_space && !(c[1] == '\0' && at_line_end);
          g_string_append (out, space ? " " : "&nbsp;");
          break;
        default: g_string_append_c (out, *c); break;
        }
      *after_space = space;
    }
}

typedef struct
{
  gboolean bold;
  gboolean italic;
  const char *href;
} Format;

static void
close_format (GString *out,
              Format  *open,
              Format  *wanted)
{
  /* Nested <a><b><i>: whatever changes closes what is inside it. */
  gboolean href_changes = g_strcmp0 (open->href, wanted->href) != 0;
  gboolean bold_changes = href_changes || open->bold != wanted->bold;
  gboolean italic_changes = bold_changes || open->italic != wanted->italic;

  if (open->italic && italic_changes)
    {
      g_string_append (out, "</i>");
      open->italic = FALSE;
    }
  if (open->bold && bold_changes)
    {
      g_string_append (out, "</b>");
      open->bold = FALSE;
    }
  if (open->href != NULL && href_changes)
    {
      g_string_append (out, "</a>");
      open->href = NULL;
    }
}

static void
open_format (GString *out,
             Format  *open,
             Format  *wanted)
{
  if (wanted->href != NULL && open->href == NULL)
    {
      gboolean after_space = FALSE;

      g_string_append (out, "<a href=\"");
      append_escaped (out, wanted->href, &after_space, FALSE);
      g_string_append (out, "\">");
    }
  if (wanted->bold && !open->bold)
    g_string_append (out, "<b>");
  if (wanted->italic && !open->italic)
    g_string_append (out, "<i>");
  *open = *wanted;
}

static void
append_html_segments (KabarComposerBody *self,
                      GString           *out,
                      const GtkTextIter *start,
                      const GtkTextIter *end)
{
  GtkTextIter iter = *start;
  Format open = { FALSE, FALSE, NULL };
  Format none = { FALSE, FALSE, NULL };
  gboolean after_space = TRUE;

  while (gtk_text_iter_compare (&iter, end) < 0)
    {
      GtkTextIter next = iter;
      GtkTextTag *link = link_tag_at (&iter);
      Format wanted = {
        gtk_text_iter_has_tag (&iter, self->bold_tag),
        gtk_text_iter_has_tag (&iter, self->italic_tag),
        link != NULL ? tag_href (link) : NULL,
      };
      g_autofree char *text = NULL;

      if (!gtk_text_iter_forward_to_tag_toggle (&next, NULL) || gtk_text_iter_compare (&next, end) > 0)
        next = *end;
      close_format (out, &open, &wanted);
      open_format (out, &open, &wanted);
      text = gtk_text_buffer_get_slice (self->buffer, &iter, &next, FALSE);
      append_escaped (out, text, &after_space, gtk_text_iter_equal (&next, end));
      iter = next;
    }
  close_format (out, &open, &none);
}

typedef enum
{
  BLOCK_PARAGRAPH,
  BLOCK_BULLETS,
  BLOCK_NUMBERS,
  BLOCK_QUOTE,
} BlockKind;

typedef struct
{
  BlockKind kind;
  int       first;
  int       last;
  /* Empty lines between the block before and this one. */
  guint     gap;
} Block;

static gboolean
line_is_empty (KabarComposerBody *self,
               int                line)
{
  GtkTextIter start;

  line_start (self, line, &start);
  return gtk_text_iter_ends_line (&start);
}

static BlockKind
line_block_kind (KabarComposerBody *self,
                 int                line)
{
  switch (line_kind (self, line))
    {
    case LINE_BULLET: return BLOCK_BULLETS;
    case LINE_NUMBER: return BLOCK_NUMBERS;
    case LINE_TEXT:
    default:
      return line_quote_depth (self, line, NULL) > 0 ? BLOCK_QUOTE : BLOCK_PARAGRAPH;
    }
}

/* The body as blocks: runs of lines of a kind, with the empty lines
 * between them counted; empty lines at the end are left out. */
static GArray *
find_blocks (KabarComposerBody *self)
{
  GArray *blocks = g_array_new (FALSE, FALSE, sizeof (Block));
  int n_lines = gtk_text_buffer_get_line_count (self->buffer);
  guint gap = 0;

  for (int line = 0; line < n_lines; line++)
    {
      BlockKind kind;
      Block *last = blocks->len > 0 ? &g_array_index (blocks, Block, blocks->len - 1) : NULL;

      if (line_kind (self, line) == LINE_TEXT && line_is_empty (self, line))
        {
          gap++;
          continue;
        }
      kind = line_block_kind (self, line);
      if (last != NULL && gap == 0 && last->kind == kind && last->last == line - 1)
        {
          last->last = line;
          continue;
        }
      g_array_append_val (blocks, ((Block) { kind, line, line, gap }));
      gap = 0;
    }
  return blocks;
}

static void
append_line_breaks (GString *out,
                    guint    n)
{
  for (guint i = 0; i < n; i++)
    g_string_append (out, "<br>");
}

/* A <p> stands one empty line apart from its neighbours (as the parser
 * takes it back), a <div> none: a paragraph is a <p> when the text has
 * that empty line on both sides. Other empty lines are <br>. */
static gboolean
block_is_p (GArray *blocks,
            guint   index)
{
  Block *block = &g_array_index (blocks, Block, index);
  Block *next = index + 1 < blocks->len ? &g_array_index (blocks, Block, index + 1) : NULL;

  return block->kind == BLOCK_PARAGRAPH && (index == 0 || block->gap >= 1) && (next == NULL || next->gap >= 1);
}

static void
append_paragraph (KabarComposerBody *self,
                  GString           *out,
                  GArray            *blocks,
                  guint              index)
{
  Block *block = &g_array_index (blocks, Block, index);
  Block *next = index + 1 < blocks->len ? &g_array_index (blocks, Block, index + 1) : NULL;
  gboolean p = block_is_p (blocks, index);
  guint implied = index > 0 && (p || block_is_p (blocks, index - 1)) ? 1 : 0;
  guint trailing = 0;

  /* Empty lines before a list or a quote are this paragraph's to show;
   * a last empty line takes a second <br>, or it vanishes. */
  if (next != NULL && next->kind != BLOCK_PARAGRAPH && next->gap > (p ? 1u : 0u))
    trailing = next->gap - (p ? 1 : 0) + 1;
  g_string_append (out, p ? "<p>" : "<div>");
  append_line_breaks (out, block->gap - implied);
  for (int line = block->first; line <= block->last; line++)
    {
      GtkTextIter start, end;

      if (line > block->first)
        g_string_append (out, "<br>");
      line_start (self, line, &start);
      line_end (self, line, &end);
      append_html_segments (self, out, &start, &end);
    }
  append_line_breaks (out, trailing);
  g_string_append (out, p ? "</p>" : "</div>");
}

static void
append_list (KabarComposerBody *self,
             GString           *out,
             Block             *block)
{
  const char *element = block->kind == BLOCK_BULLETS ? "ul" : "ol";

  g_string_append_printf (out, "<%s>", element);
  for (int line = block->first; line <= block->last; line++)
    {
      GtkTextIter start, end;

      line_content_start (self, line, &start);
      line_end (self, line, &end);
      g_string_append (out, "<li>");
      append_html_segments (self, out, &start, &end);
      g_string_append (out, "</li>");
    }
  g_string_append_printf (out, "</%s>", element);
}

static void
append_quote (KabarComposerBody *self,
              GString           *out,
              Block             *block)
{
  guint open = 0;
  gboolean line_open = FALSE;
  gboolean last_empty = FALSE;

  for (int line = block->first; line <= block->last; line++)
    {
      GtkTextIter start, end;
      guint depth = line_quote_depth (self, line, &start);

      if (depth != open)
        {
          /* An empty last line needs a second break, or it vanishes. */
          if (line_open && last_empty)
            g_string_append (out, "<br>");
          for (; open < depth; open++)
            g_string_append (out, "<blockquote type=\"cite\">");
          for (; open > depth; open--)
            g_string_append (out, "</blockquote>");
          line_open = FALSE;
        }
      if (line_open)
        g_string_append (out, "<br>");
      line_end (self, line, &end);
      append_html_segments (self, out, &start, &end);
      line_open = TRUE;
      last_empty = gtk_text_iter_equal (&start, &end);
    }
  if (line_open && last_empty)
    g_string_append (out, "<br>");
  for (; open > 0; open--)
    g_string_append (out, "</blockquote>");
}

static char *
buffer_to_html (KabarComposerBody *self)
{
  g_autoptr(GArray) blocks = find_blocks (self);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < blocks->len; i++)
    {
      Block *block = &g_array_index (blocks, Block, i);
      Block *previous = i > 0 ? &g_array_index (blocks, Block, i - 1) : NULL;

      /* Empty lines between lists and quotes, which have no room for them. */
      if (block->kind != BLOCK_PARAGRAPH && block->gap > 0 &&
          (previous == NULL || previous->kind != BLOCK_PARAGRAPH))
        {
          g_string_append (out, "<div>");
          append_line_breaks (out, block->gap);
          g_string_append (out, "</div>");
        }
      if (block->kind == BLOCK_PARAGRAPH)
        append_paragraph (self, out, blocks, i);
      else if (block->kind == BLOCK_QUOTE)
        append_quote (self, out, block);
      else
        append_list (self, out, block);
    }
  return g_string_free (out, FALSE);
}

/* --- reading HTML back -------------------------------------------------------------------------- */

typedef struct
{
  char       *text;
  gboolean    bold;
  gboolean    italic;
  char       *href;
} Run;

typedef struct
{
  LineKind    kind;
  guint       depth;
  /* Started by a <br>: an empty one at the end of a block shows nothing. */
  gboolean    from_break;
  GPtrArray  *runs;
} Line;

typedef struct
{
  GPtrArray  *lines;
  Line       *current;
  guint       depth;
  guint       bold;
  guint       italic;
  const char *href;
  guint       pre;
  GArray     *lists;          /* LineKind of each open <ul>/<ol> */
  gboolean    space_pending;
  gboolean    blank_pending;  /* a <p> keeps an empty line from its neighbours */
} Reader;

static void
run_free (Run *run)
{
  g_free (run->text);
  g_free (run->href);
  g_free (run);
}

static void
line_free (Line *line)
{
  g_ptr_array_unref (line->runs);
  g_free (line);
}

static Line *
reader_new_line (Reader   *reader,
                 LineKind  kind,
                 gboolean  from_break)
{
  Line *line = g_new0 (Line, 1);

  line->kind = kind;
  line->depth = reader->depth;
  line->from_break = from_break;
  line->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) run_free);
  g_ptr_array_add (reader->lines, line);
  reader->current = line;
  reader->space_pending = FALSE;
  return line;
}

static gboolean
reader_has_text (Reader *reader)
{
  return reader->lines->len > 0;
}

static Line *
reader_line (Reader *reader)
{
  if (reader->current != NULL)
    return reader->current;
  if (reader->blank_pending && reader_has_text (reader))
    reader_new_line (reader, LINE_TEXT, FALSE);
  reader->blank_pending = FALSE;
  return reader_new_line (reader, LINE_TEXT, FALSE);
}

static void reader_drop_trailing_space (Reader *reader);

/* A block starts or ends: the next text goes on a line of its own. */
static void
reader_break_block (Reader *reader)
{
  Line *line = reader->current;

  reader_drop_trailing_space (reader);
  if (line != NULL && line->from_break && line->runs->len == 0)
    g_ptr_array_remove (reader->lines, line);
  reader->current = NULL;
}

static void
reader_add (Reader     *reader,
            const char *text,
            gssize      length)
{
  Line *line = reader_line (reader);
  Run *last = line->runs->len > 0 ? g_ptr_array_index (line->runs, line->runs->len - 1) : NULL;

  if (last != NULL && last->bold == (reader->bold > 0) && last->italic == (reader->italic > 0) &&
      g_strcmp0 (last->href, reader->href) == 0)
    {
      char *joined = g_strdup_printf ("%s%.*s", last->text, (int) length, text);

      g_free (last->text);
      last->text = joined;
      return;
    }
  last = g_new0 (Run, 1);
  last->text = g_strndup (text, (gsize) length);
  last->bold = reader->bold > 0;
  last->italic = reader->italic > 0;
  last->href = g_strdup (reader->href);
  g_ptr_array_add (line->runs, last);
}

static void
reader_break_line (Reader *reader)
{
  reader_drop_trailing_space (reader);
  reader_line (reader);
  reader_new_line (reader, LINE_TEXT, TRUE);
}

/* A space HTML would drop at the end of a line. */
static void
reader_drop_trailing_space (Reader *reader)
{
  Line *line = reader->current;
  Run *last;

  if (!reader->space_pending || line == NULL || line->runs->len == 0)
    return;
  reader->space_pending = FALSE;
  last = g_ptr_array_index (line->runs, line->runs->len - 1);
  last->text[strlen (last->text) - 1] = '\0';
  if (last->text[0] == '\0')
    g_ptr_array_remove_index (line->runs, line->runs->len - 1);
}

/* Text as a browser shows it: white space collapses, except in <pre>,
 * and goes at the ends of a line; a no-break space is a space. A space
 * belongs to the text before it, with its format. */
static void
reader_text (Reader     *reader,
             const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  for (const char *c = valid; *c != '\0'; c = g_utf8_next_char (c))
    {
      gunichar ch = g_utf8_get_char (c);

      if (reader->pre > 0 && ch == '\n')
        {
          reader_break_line (reader);
          continue;
        }
      if (ch == '\r')
        continue;
      if (reader->pre == 0 && (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\f'))
        {
          if (reader->current != NULL && reader->current->runs->len > 0 && !reader->space_pending)
            {
              reader_add (reader, " ", 1);
              reader->space_pending = TRUE;
            }
          continue;
        }
      reader->space_pending = FALSE;
      if (ch == 0x00a0)
        reader_add (reader, " ", 1);
      else
        reader_add (reader, c, g_utf8_next_char (c) - c);
    }
}

static gboolean
element_is (xmlNode    *node,
            const char *names)
{
  g_auto(GStrv) list = g_strsplit (names, " ", -1);

  return g_strv_contains ((const char * const *) list, (const char *) node->name);
}

static void reader_children (Reader *reader, xmlNode *node);

static void
reader_list_item (Reader  *reader,
                  xmlNode *node)
{
  LineKind kind = reader->lists->len > 0 ? g_array_index (reader->lists, LineKind, reader->lists->len - 1)
                                         : LINE_BULLET;

  reader_break_block (reader);
  if (reader->depth > 0)
    {
      /* A quote is text: its list items are written as text is. */
      reader_line (reader);
      reader_add (reader, "- ", 2);
    }
  else
    {
      if (reader->blank_pending && reader_has_text (reader))
        reader_new_line (reader, LINE_TEXT, FALSE);
      reader->blank_pending = FALSE;
      reader_new_line (reader, kind, FALSE);
    }
  reader_children (reader, node);
  reader_break_block (reader);
}

static void
reader_element (Reader  *reader,
                xmlNode *node)
{
  g_autofree char *href = NULL;
  const char *saved_href = reader->href;
  guint lines_before = reader->lines->len;

  if (element_is (node, "script style head title template noscript iframe object embed svg math select "
                        "textarea button img video audio canvas map"))
    return;
  if (element_is (node, "br"))
    {
      reader_break_line (reader);
      return;
    }
  if (element_is (node, "li"))
    {
      reader_list_item (reader, node);
      return;
    }
  if (element_is (node, "p"))
    {
      reader_break_block (reader);
      if (reader_has_text (reader))
        reader->blank_pending = TRUE;
    }
  else if (element_is (node, "div blockquote ul ol pre h1 h2 h3 h4 h5 h6 table tr dl dt dd hr address "
                             "article aside section header footer nav main figure figcaption center "
                             "details summary body form fieldset"))
    {
      reader_break_block (reader);
    }
  else if (element_is (node, "td th"))
    {
      reader_text (reader, " ");
    }
  if (element_is (node, "b strong"))
    reader->bold++;
  if (element_is (node, "i em cite"))
    reader->italic++;
  if (element_is (node, "pre"))
    reader->pre++;
  if (element_is (node, "blockquote"))
    reader->depth++;
  if (element_is (node, "ul"))
    g_array_append_val (reader->lists, ((LineKind) { LINE_BULLET }));
  if (element_is (node, "ol"))
    g_array_append_val (reader->lists, ((LineKind) { LINE_NUMBER }));
  if (element_is (node, "a"))
    {
      xmlChar *value = xmlGetProp (node, (const xmlChar *) "href");

      if (value != NULL)
        {
          href = g_strstrip (g_strdup ((const char *) value));
          xmlFree (value);
        }
      if (href != NULL && href_is_allowed (href))
        reader->href = href;
    }

  reader_children (reader, node);

  reader->href = saved_href;
  if (element_is (node, "b strong"))
    reader->bold--;
  if (element_is (node, "i em cite"))
    reader->italic--;
  if (element_is (node, "pre"))
    reader->pre--;
  if (element_is (node, "blockquote"))
    reader->depth--;
  if (element_is (node, "ul ol"))
    g_array_set_size (reader->lists, reader->lists->len - 1);
  if (element_is (node, "p div blockquote ul ol pre h1 h2 h3 h4 h5 h6 table tr dl dt dd hr address "
                        "article aside section header footer nav main figure figcaption center "
                        "details summary body form fieldset"))
    reader_break_block (reader);
  if (element_is (node, "p") && reader->lines->len > lines_before)
    reader->blank_pending = TRUE;
}

static void
reader_children (Reader  *reader,
                 xmlNode *node)
{
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE)
        reader_text (reader, (const char *) child->content);
      else if (child->type == XML_ELEMENT_NODE)
        reader_element (reader, child);
    }
}

/* The lines of an HTML fragment, as the editor keeps them. */
static GPtrArray *
read_html (const char *html)
{
  Reader reader = { 0 };
  htmlDocPtr doc;

  reader.lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  reader.lists = g_array_new (FALSE, FALSE, sizeof (LineKind));
  doc = htmlReadMemory (html, (int) MIN (strlen (html), (gsize) G_MAXINT), NULL, "UTF-8",
                        HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER
                        | HTML_PARSE_NOIMPLIED);
  for (xmlNode *node = doc != NULL ? doc->children : NULL; node != NULL; node = node->next)
    {
      if (node->type == XML_ELEMENT_NODE)
        reader_element (&reader, node);
      else if (node->type == XML_TEXT_NODE)
        reader_text (&reader, (const char *) node->content);
    }
  reader_break_block (&reader);
  while (reader.lines->len > 0)
    {
      Line *last = g_ptr_array_index (reader.lines, reader.lines->len - 1);

      if (last->runs->len > 0 || last->kind != LINE_TEXT || last->depth > 0)
        break;
      g_ptr_array_set_size (reader.lines, reader.lines->len - 1);
    }
  if (doc != NULL)
    xmlFreeDoc (doc);
  g_array_unref (reader.lists);
  return reader.lines;
}

static void
insert_line (KabarComposerBody *self,
             GtkTextIter       *end,
             Line              *line)
{
  if (line->depth > 0)
    {
      g_autofree char *prefix = g_strnfill (line->depth, '>');

      gtk_text_buffer_insert (self->buffer, end, prefix, -1);
      if (line->runs->len > 0)
        gtk_text_buffer_insert (self->buffer, end, " ", 1);
    }
  else if (line->kind != LINE_TEXT)
    {
      gtk_text_buffer_insert_with_tags (self->buffer, end, line->kind == LINE_BULLET ? BULLET_MARKER : "1. ", -1,
                                        self->marker_tag,
                                        line->kind == LINE_BULLET ? self->bullet_tag : self->number_tag, NULL);
    }
  for (guint i = 0; i < line->runs->len; i++)
    {
      Run *run = g_ptr_array_index (line->runs, i);
      int start_offset = gtk_text_iter_get_offset (end);
      GtkTextIter start;

      gtk_text_buffer_insert (self->buffer, end, run->text, -1);
      gtk_text_buffer_get_iter_at_offset (self->buffer, &start, start_offset);
      if (run->bold)
        gtk_text_buffer_apply_tag (self->buffer, self->bold_tag, &start, end);
      if (run->italic)
        gtk_text_buffer_apply_tag (self->buffer, self->italic_tag, &start, end);
      if (run->href != NULL)
        gtk_text_buffer_apply_tag (self->buffer, link_tag_for (self, run->href), &start, end);
    }
}

/* --- the body ----------------------------------------------------------------------------------- */

/* Replaces everything without a step to undo back to: what a composer
 * opens with is no edit of the user's. */
static void
begin_load (KabarComposerBody *self)
{
  GtkTextIter start, end;

  self->programmatic++;
  gtk_text_buffer_begin_irreversible_action (self->buffer);
  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_delete (self->buffer, &start, &end);
  forget_links (self);
  self->typing_bold = FALSE;
  self->typing_italic = FALSE;
}

static void
end_load (KabarComposerBody *self,
          int                cursor_offset)
{
  GtkTextIter cursor;

  tidy (self);
  if (cursor_offset < 0)
    gtk_text_buffer_get_end_iter (self->buffer, &cursor);
  else
    gtk_text_buffer_get_iter_at_offset (self->buffer, &cursor, cursor_offset);
  gtk_text_buffer_place_cursor (self->buffer, &cursor);
  keep_mark_out_of_marker (self, gtk_text_buffer_get_insert (self->buffer));
  keep_mark_out_of_marker (self, gtk_text_buffer_get_selection_bound (self->buffer));
  gtk_text_buffer_end_irreversible_action (self->buffer);
  self->programmatic--;
  sync_from_cursor (self);
}

GtkWidget *
kabar_composer_body_new (void)
{
  return g_object_new (KABAR_TYPE_COMPOSER_BODY, NULL);
}

static void
update_actions (KabarComposerBody *self)
{
  static const char * const actions[] = {
    "body.bold", "body.italic", "body.bulleted-list", "body.numbered-list", "body.link",
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], self->rich);
}

void
kabar_composer_body_set_rich (KabarComposerBody *self,
                              gboolean           rich)
{
  g_return_if_fail (KABAR_IS_COMPOSER_BODY (self));

  rich = !!rich;
  if (rich == self->rich)
    return;
  if (!rich)
    {
      /* The text stays as the plain text part would send it. */
      GtkTextIter cursor;
      g_autofree char *text = NULL;
      int line, column;

      tidy (self);
      gtk_text_buffer_get_iter_at_mark (self->buffer, &cursor, gtk_text_buffer_get_insert (self->buffer));
      line = gtk_text_iter_get_line (&cursor);
      column = gtk_text_iter_get_line_offset (&cursor);
      text = buffer_to_text (self);
      begin_load (self);
      gtk_text_buffer_get_start_iter (self->buffer, &cursor);
      gtk_text_buffer_insert (self->buffer, &cursor, text, -1);
      gtk_text_buffer_get_iter_at_line (self->buffer, &cursor, line);
      line_end (self, gtk_text_iter_get_line (&cursor), &cursor);
      if (gtk_text_iter_get_line_offset (&cursor) > column)
        gtk_text_iter_set_line_offset (&cursor, column);
      self->rich = FALSE;
      end_load (self, gtk_text_iter_get_offset (&cursor));
    }
  self->rich = rich;
  gtk_revealer_set_reveal_child (self->format_revealer, rich);
  gtk_menu_button_set_create_popup_func (self->link_button, take_link_range, self, NULL);
  update_actions (self);
}

gboolean
kabar_composer_body_get_rich (KabarComposerBody *self)
{
  g_return_val_if_fail (KABAR_IS_COMPOSER_BODY (self), FALSE);
  return self->rich;
}

void
kabar_composer_body_set_text (KabarComposerBody *self,
                              const char        *text,
                              int                cursor_offset)
{
  GtkTextIter end;
  g_autofree char *valid = NULL;

  g_return_if_fail (KABAR_IS_COMPOSER_BODY (self));

  valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  begin_load (self);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  gtk_text_buffer_insert (self->buffer, &end, valid, -1);
  end_load (self, cursor_offset);
}

void
kabar_composer_body_set_html (KabarComposerBody *self,
                              const char        *html)
{
  g_autoptr(GPtrArray) lines = NULL;
  GtkTextIter end;

  g_return_if_fail (KABAR_IS_COMPOSER_BODY (self));

  kabar_composer_body_set_rich (self, TRUE);
  lines = read_html (html != NULL ? html : "");
  begin_load (self);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  for (guint i = 0; i < lines->len; i++)
    {
      if (i > 0)
        gtk_text_buffer_insert (self->buffer, &end, "\n", 1);
      insert_line (self, &end, g_ptr_array_index (lines, i));
    }
  end_load (self, 0);
}

char *
kabar_composer_body_dup_text (KabarComposerBody *self)
{
  g_return_val_if_fail (KABAR_IS_COMPOSER_BODY (self), NULL);

  if (self->tidy_idle != 0)
    tidy (self);
  return buffer_to_text (self);
}

char *
kabar_composer_body_dup_html (KabarComposerBody *self)
{
  g_return_val_if_fail (KABAR_IS_COMPOSER_BODY (self), NULL);

  if (!self->rich)
    return NULL;
  if (self->tidy_idle != 0)
    tidy (self);
  return buffer_to_html (self);
}

GtkTextView *
kabar_composer_body_get_view (KabarComposerBody *self)
{
  g_return_val_if_fail (KABAR_IS_COMPOSER_BODY (self), NULL);
  return self->view;
}

/* Quotes in the text's own colour, dimmed; links in the accent colour:
 * both follow the style (dark or light). */
static void
kabar_composer_body_css_changed (GtkWidget         *widget,
                                 GtkCssStyleChange *change)
{
  KabarComposerBody *self = KABAR_COMPOSER_BODY (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self->view));
  GdkRGBA colour;
  GHashTableIter iter;
  gpointer tag;

  GTK_WIDGET_CLASS (kabar_composer_body_parent_class)->css_changed (widget, change);
  if (self->quote_tag == NULL)
    return;
  gtk_style_context_get_color (context, &colour);
  colour.alpha *= 0.65f;
  g_object_set (self->quote_tag, "foreground-rgba", &colour, NULL);
  if (!gtk_style_context_lookup_color (context, "accent_color", &self->link_colour))
    gdk_rgba_parse (&self->link_colour, "#1c71d8");
  g_hash_table_iter_init (&iter, self->link_tags);
  while (g_hash_table_iter_next (&iter, NULL, &tag))
    g_object_set (tag, "foreground-rgba", &self->link_colour, NULL);
}

static void
kabar_composer_body_dispose (GObject *object)
{
  KabarComposerBody *self = KABAR_COMPOSER_BODY (object);
  GtkWidget *child;

  g_clear_handle_id (&self->tidy_idle, g_source_remove);
  if (self->buffer != NULL)
    g_signal_handlers_disconnect_by_data (self->buffer, self);
  self->buffer = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (object), KABAR_TYPE_COMPOSER_BODY);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (kabar_composer_body_parent_class)->dispose (object);
}

static void
kabar_composer_body_finalize (GObject *object)
{
  KabarComposerBody *self = KABAR_COMPOSER_BODY (object);

  g_hash_table_unref (self->link_tags);
  G_OBJECT_CLASS (kabar_composer_body_parent_class)->finalize (object);
}

static void
add_binding (GtkWidgetClass  *widget_class,
             guint            keyval,
             GdkModifierType  modifiers,
             const char      *action)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, modifiers, action, NULL);
}

static void
kabar_composer_body_class_init (KabarComposerBodyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_composer_body_dispose;
  object_class->finalize = kabar_composer_body_finalize;
  widget_class->css_changed = kabar_composer_body_css_changed;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "body.bold", NULL, action_format);
  gtk_widget_class_install_action (widget_class, "body.italic", NULL, action_format);
  gtk_widget_class_install_action (widget_class, "body.bulleted-list", NULL, action_format);
  gtk_widget_class_install_action (widget_class, "body.numbered-list", NULL, action_format);
  gtk_widget_class_install_action (widget_class, "body.link", NULL, action_link);
  add_binding (widget_class, GDK_KEY_b, GDK_CONTROL_MASK, "body.bold");
  add_binding (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "body.italic");
  add_binding (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "body.link");
  /* Ctrl+Shift+8 and 7 as in other editors, whichever symbol Shift makes
   * of the digit. */
  add_binding (widget_class, GDK_KEY_8, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "body.bulleted-list");
  add_binding (widget_class, GDK_KEY_asterisk, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "body.bulleted-list");
  add_binding (widget_class, GDK_KEY_7, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "body.numbered-list");
  add_binding (widget_class, GDK_KEY_ampersand, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "body.numbered-list");

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-composer-body.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, format_revealer);
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, bold_button);
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, italic_button);
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, bullet_button);
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, number_button);
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, link_button);
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, link_popover);
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, link_entry);
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, link_apply_button);
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, link_problem);
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, link_remove_button);
  gtk_widget_class_bind_template_child (widget_class, KabarComposerBody, view);
  gtk_widget_class_bind_template_callback (widget_class, on_bold_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_italic_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_bullet_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_number_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_link_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_link_popover_closed);
  gtk_widget_class_bind_template_callback (widget_class, on_link_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_link_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_link_remove);
}

/* Margins in a tag replace the view's own: they count from the edge. */
static void
create_tags (KabarComposerBody *self)
{
  int margin = gtk_text_view_get_left_margin (self->view);

  self->bold_tag = gtk_text_buffer_create_tag (self->buffer, "bold", "weight", PANGO_WEIGHT_BOLD, NULL);
  self->italic_tag = gtk_text_buffer_create_tag (self->buffer, "italic", "style", PANGO_STYLE_ITALIC, NULL);
  self->quote_tag = gtk_text_buffer_create_tag (self->buffer, "quote", "left-margin", margin + 12, NULL);
  self->marker_tag = gtk_text_buffer_create_tag (self->buffer, "list-marker", "editable", FALSE, NULL);
  /* A negative indent hangs: wrapped lines of an item start under its
   * text, not under its marker. */
  self->bullet_tag = gtk_text_buffer_create_tag (self->buffer, "bulleted-list", "left-margin", margin + 12,
                                                 "indent", -12, NULL);
  self->number_tag = gtk_text_buffer_create_tag (self->buffer, "numbered-list", "left-margin", margin + 12,
                                                 "indent", -18, NULL);
}

static void
kabar_composer_body_init (KabarComposerBody *self)
{
  GtkEventController *keys;
  GtkTextIter start;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->buffer = gtk_text_view_get_buffer (self->view);
  self->link_tags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gdk_rgba_parse (&self->link_colour, "#1c71d8");
  create_tags (self);
  gtk_text_buffer_get_start_iter (self->buffer, &start);
  self->link_start = gtk_text_buffer_create_mark (self->buffer, NULL, &start, TRUE);
  self->link_end = gtk_text_buffer_create_mark (self->buffer, NULL, &start, FALSE);

  g_signal_connect_object (self->buffer, "insert-text", G_CALLBACK (on_insert_text), self, G_CONNECT_AFTER);
  g_signal_connect_object (self->buffer, "delete-range", G_CALLBACK (on_delete_range_after), self,
                           G_CONNECT_AFTER | G_CONNECT_SWAPPED);
  g_signal_connect_object (self->buffer, "mark-set", G_CALLBACK (on_mark_set), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->buffer, "begin-user-action", G_CALLBACK (on_begin_user_action), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->buffer, "end-user-action", G_CALLBACK (on_end_user_action), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->buffer, "changed", G_CALLBACK (on_buffer_changed), self, G_CONNECT_SWAPPED);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_key_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->view), keys);
  gtk_menu_button_set_create_popup_func (self->link_button, take_link_range, self, NULL);
  update_actions (self);
}
