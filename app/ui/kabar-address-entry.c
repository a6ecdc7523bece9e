/* kabar-address-entry.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-address-entry.h"
#include "kabar-mail-service.h"

/* Between tokens, and between lines of them, in pixels. */
#define SPACING          4
/* The text is never narrower: a line with less room left wraps. */
#define TEXT_MIN_WIDTH   80
/* What a field asks for at most when nothing constrains it: tokens wrap
 * rather than widen the window. */
#define MAX_NATURAL_WIDTH 360
#define MAX_COMPLETIONS  8

typedef struct
{
  GtkWidget       *widget;
  /* A mailbox; NULL for typed text that is no address. */
  InternetAddress *address;
  /* As the user wrote it, or as a valid address reads. */
  char            *text;
  /* Why it is not valid; NULL when it is. */
  char            *problem;
} Token;

/* One round of completion queries, one per service, for one text. */
typedef struct
{
  KabarAddressEntry *self;
  GCancellable      *cancellable;
  GPtrArray         *services;
  /* Per service: its matches (KabarAddressMatch), NULL until it answers. */
  GPtrArray         *results;
} Query;

struct _KabarAddressEntry
{
  GtkWidget   parent_instance;

  GtkText    *text;
  GtkPopover *popover;
  GtkListBox *completion_list;

  GPtrArray  *tokens;
  GListModel *services;
  Query      *query;
  /* The matches shown, in the list's order. */
  GPtrArray  *matches;
  /* The text changes, but not by typing. */
  gboolean    setting_text;
};

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KabarAddressEntry, kabar_address_entry, GTK_TYPE_WIDGET)

static void hide_completions (KabarAddressEntry *self);

/* --- what is an address ------------------------------------------------------------ */

static gboolean
is_separator (gunichar c)
{
  return c == ',' || c == ';' || c == '\n' || c == '\r';
}

/* The text cut at each separator that is not inside quotes, angle
 * brackets or a comment: the pieces before the last separator (trimmed,
 * empty ones left out), and in *rest what follows it. */
static GPtrArray *
split_addresses (const char  *text,
                 char       **rest)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func (g_free);
  const char *start = text;
  gboolean quoted = FALSE;
  gboolean angle = FALSE;
  int comment = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (quoted && *p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '"' && comment == 0)
        quoted = !quoted;
      else if (quoted)
        continue;
      else if (*p == '(')
        comment++;
      else if (*p == ')' && comment > 0)
        comment--;
      else if (comment > 0)
        continue;
      else if (*p == '<')
        angle = TRUE;
      else if (*p == '>')
        angle = FALSE;
      else if (!angle && is_separator (*p))
        {
          char *piece = g_strstrip (g_strndup (start, p - start));

          if (*piece != '\0')
            g_ptr_array_add (pieces, piece);
          else
            g_free (piece);
          start = p + 1;
        }
    }
  *rest = g_strdup (start);
  return pieces;
}

static gboolean
is_atext (guchar c)
{
  return g_ascii_isalnum (c) || c >= 0x80 || strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static gboolean
is_dot_atom (const char *text,
             gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '.')
        {
          if (i == 0 || i + 1 == length || text[i + 1] == '.')
            return FALSE;
        }
      else if (!is_atext (text[i]))
        return FALSE;
    }
  return length > 0;
}

static gboolean
is_domain (const char *domain)
{
  gsize length = strlen (domain);
  gsize label = 0;

  if (domain[0] == '[')
    return length > 2 && domain[length - 1] == ']';
  for (gsize i = 0; i <= length; i++)
    {
      guchar c = domain[i];

      if (c == '.' || c == '\0')
        {
          if (label == 0 || label > 63 || domain[i - 1] == '-')
            return FALSE;
          label = 0;
        }
      else if (g_ascii_isalnum (c) || c >= 0x80 || (c == '-' && label > 0))
        label++;
      else
        return FALSE;
    }
  return TRUE;
}

/* Why spec (local@domain, without the angle brackets) is not an address
 * one can write to, or NULL when it is. */
static const char *
check_addr_spec (const char *spec)
{
  const char *at = NULL;
  gboolean quoted = FALSE;
  gsize local_length;

  for (const char *p = spec; *p != '\0'; p++)
    {
      if (quoted && *p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '"')
        quoted = !quoted;
      else if (*p == '@' && !quoted)
        {
          if (at != NULL)
            return _("An address has only one @.");
          at = p;
        }
    }
  if (at == NULL)
    return _("An address needs an @ and a domain, as in name@example.org.");
  local_length = at - spec;
  if (local_length == 0)
    return _("The name before the @ is missing.");
  if (at[1] == '\0')
    return _("The domain after the @ is missing.");
  /* A quoted local part may hold anything. */
  if (!(local_length >= 2 && spec[0] == '"' && spec[local_length - 1] == '"')
      && !is_dot_atom (spec, local_length))
    return _("The name before the @ has spaces or characters an address cannot have.");
  if (!is_domain (at + 1))
    return _("The domain after the @ is not valid.");
  return NULL;
}

/* The address part of "Name <address>", or the whole of a bare address. */
static char *
extract_addr_spec (const char *piece)
{
  gboolean quoted = FALSE;

  for (const char *p = piece; *p != '\0'; p++)
    {
      if (quoted && *p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '"')
        quoted = !quoted;
      else if (*p == '<' && !quoted)
        {
          const char *end = strchr (p + 1, '>');

          return g_strstrip (g_strndup (p + 1, end != NULL ? (gsize) (end - p - 1) : strlen (p + 1)));
        }
    }
  return g_strstrip (g_strdup (piece));
}

static Token *
token_new_for_address (InternetAddress *address)
{
  Token *token = g_new0 (Token, 1);
  const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address));

  token->address = g_object_ref (address);
  token->text = internet_address_to_string (address, NULL, FALSE);
  token->problem = g_strdup (check_addr_spec (addr != NULL ? addr : ""));
  return token;
}

static Token *
token_new_invalid (const char *text,
                   const char *problem)
{
  Token *token = g_new0 (Token, 1);

  token->text = g_strdup (text);
  token->problem = g_strdup (problem);
  return token;
}

static void
token_free (Token *token)
{
  g_clear_object (&token->address);
  g_free (token->text);
  g_free (token->problem);
  g_free (token);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Token, token_free)

/* The tokens one piece of typed text stands for: one address, or the
 * members of a group, or the piece itself marked invalid. */
static void
parse_piece (const char *piece,
             GPtrArray  *tokens)
{
  g_autofree char *spec = extract_addr_spec (piece);
  const char *problem = check_addr_spec (spec);
  g_autoptr(GObject) list = NULL;
  guint n = 0;

  if (problem != NULL)
    {
      g_ptr_array_add (tokens, token_new_invalid (piece, problem));
      return;
    }
  list = G_OBJECT (internet_address_list_parse (NULL, piece));
  if (list != NULL)
    n = internet_address_list_length (INTERNET_ADDRESS_LIST (list));
  if (n != 1 || !INTERNET_ADDRESS_IS_MAILBOX (internet_address_list_get_address (INTERNET_ADDRESS_LIST (list), 0)))
    {
      g_ptr_array_add (tokens, token_new_invalid (piece, _("This is not an email address.")));
      return;
    }
  g_ptr_array_add (tokens, token_new_for_address (internet_address_list_get_address (INTERNET_ADDRESS_LIST (list), 0)));
}

static void
add_address_tokens (InternetAddressList *list,
                    GPtrArray           *tokens)
{
  for (int i = 0; list != NULL && i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (address))
        add_address_tokens (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)), tokens);
      else
        g_ptr_array_add (tokens, token_new_for_address (address));
    }
}

/* Every piece of text, the last one too. */
static GPtrArray *
parse_text (const char *text)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) token_free);
  g_autofree char *rest = NULL;
  g_autoptr(GPtrArray) pieces = split_addresses (text, &rest);

  g_strstrip (rest);
  if (*rest != '\0')
    g_ptr_array_add (pieces, g_steal_pointer (&rest));
  for (guint i = 0; i < pieces->len; i++)
    parse_piece (pieces->pdata[i], tokens);
  return tokens;
}

/* --- tokens -------------------------------------------------------------------------- */

static const char *
token_display_name (Token *token)
{
  const char *name = token->address != NULL ? internet_address_get_name (token->address) : NULL;

  if (name != NULL && *name != '\0')
    return name;
  if (token->address != NULL)
    return internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (token->address));
  return token->text;
}

static Token *
token_of (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "kabar-token");
}

static void
emit_changed (KabarAddressEntry *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Replaces the typed text without it counting as typing. */
static void
set_typed_text (KabarAddressEntry *self,
                const char        *text,
                int                position)
{
  self->setting_text = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->text), text);
  gtk_editable_set_position (GTK_EDITABLE (self->text), position);
  self->setting_text = FALSE;
}

static void
remove_token (KabarAddressEntry *self,
              GtkWidget         *widget,
              gboolean           focus_next)
{
  GtkWidget *next = gtk_widget_get_next_sibling (widget);
  guint index;

  if (!g_ptr_array_find (self->tokens, token_of (widget), &index))
    return;
  if (focus_next && next != NULL)
    gtk_widget_grab_focus (next);
  gtk_widget_unparent (widget);
  g_ptr_array_remove_index (self->tokens, index);
  emit_changed (self);
}

static void
on_remove_clicked (GtkButton         *button,
                   KabarAddressEntry *self)
{
  GtkWidget *widget = gtk_widget_get_parent (GTK_WIDGET (button));

  remove_token (self, widget, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->text));
}

static void commit_text (KabarAddressEntry *self);

/* Back into the text, to correct it. */
static void
edit_token (KabarAddressEntry *self,
            GtkWidget         *widget)
{
  g_autofree char *text = NULL;

  commit_text (self);
  text = g_strdup (token_of (widget)->text);
  remove_token (self, widget, FALSE);
  set_typed_text (self, text, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->text));
  gtk_editable_set_position (GTK_EDITABLE (self->text), -1);
  emit_changed (self);
}

static gboolean
on_token_key_pressed (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      KabarAddressEntry     *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *previous = gtk_widget_get_prev_sibling (widget);

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK))
    return GDK_EVENT_PROPAGATE;
  switch (keyval)
    {
    case GDK_KEY_BackSpace:
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
      remove_token (self, widget, TRUE);
      return GDK_EVENT_STOP;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      if (previous != NULL)
        gtk_widget_grab_focus (previous);
      return GDK_EVENT_STOP;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      gtk_widget_grab_focus (gtk_widget_get_next_sibling (widget));
      return GDK_EVENT_STOP;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_F2:
      edit_token (self, widget);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
on_token_pressed (GtkGestureClick   *gesture,
                  int                n_press,
                  double             x,
                  double             y,
                  KabarAddressEntry *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (n_press == 2)
    edit_token (self, widget);
  else
    gtk_widget_grab_focus (widget);
}

static GtkWidget *
token_widget_new (KabarAddressEntry *self,
                  Token             *token)
{
  const char *name = token_display_name (token);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *label = gtk_label_new (name);
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  g_autofree char *remove_name = g_strdup_printf (_("Remove %s"), name);
  const char *description = token->problem != NULL ? token->problem : token->text;

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
  gtk_widget_add_css_class (box, "address-token");
  if (token->problem != NULL)
    gtk_widget_add_css_class (box, "error");
  gtk_widget_set_tooltip_text (box, description);
  gtk_widget_set_focusable (box, TRUE);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_cursor_from_name (box, "default");
  gtk_accessible_update_property (GTK_ACCESSIBLE (box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_STATE_INVALID,
                               token->problem != NULL ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);

  /* Out of the Tab order, which goes from field to field: Delete or
   * Backspace on the token does the same. */
  gtk_widget_set_focusable (remove, FALSE);
  gtk_widget_set_focus_on_click (remove, FALSE);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_add_css_class (remove, "circular");
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name, -1);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), remove);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_token_key_pressed), self);
  gtk_widget_add_controller (box, keys);
  g_signal_connect (click, "pressed", G_CALLBACK (on_token_pressed), self);
  gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (click));
  g_object_set_data (G_OBJECT (box), "kabar-token", token);
  token->widget = box;
  return box;
}

/* Takes the tokens, before the text. */
static void
add_tokens (KabarAddressEntry *self,
            GPtrArray         *tokens)
{
  for (guint i = 0; i < tokens->len; i++)
    {
      Token *token = tokens->pdata[i];

      gtk_widget_insert_before (token_widget_new (self, token), GTK_WIDGET (self), GTK_WIDGET (self->text));
      g_ptr_array_add (self->tokens, token);
    }
  g_ptr_array_set_free_func (tokens, NULL);
}

/* All the typed text becomes tokens. */
static void
commit_text (KabarAddressEntry *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->text));
  g_autoptr(GPtrArray) tokens = NULL;

  hide_completions (self);
  if (*text == '\0')
    return;
  tokens = parse_text (text);
  add_tokens (self, tokens);
  set_typed_text (self, "", 0);
  emit_changed (self);
}

/* --- completion ------------------------------------------------------------------------ */

static void
results_free (GPtrArray *results)
{
  if (results != NULL)
    g_ptr_array_unref (results);
}

static void
query_clear (Query *query)
{
  g_clear_object (&query->self);
  g_clear_object (&query->cancellable);
  g_clear_pointer (&query->services, g_ptr_array_unref);
  g_clear_pointer (&query->results, g_ptr_array_unref);
}

static void
query_release (Query *query)
{
  g_rc_box_release_full (query, (GDestroyNotify) query_clear);
}

static void
cancel_query (KabarAddressEntry *self)
{
  if (self->query == NULL)
    return;
  g_cancellable_cancel (self->query->cancellable);
  g_clear_pointer (&self->query, query_release);
}

static void
hide_completions (KabarAddressEntry *self)
{
  GtkWidget *row;

  cancel_query (self);
  gtk_popover_popdown (self->popover);
  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->completion_list))) != NULL)
    gtk_list_box_remove (self->completion_list, row);
  g_ptr_array_set_size (self->matches, 0);
}

static gboolean
has_token_for (KabarAddressEntry *self,
               const char        *folded)
{
  for (guint i = 0; i < self->tokens->len; i++)
    {
      Token *token = self->tokens->pdata[i];
      const char *addr;
      g_autofree char *token_folded = NULL;

      if (token->address == NULL)
        continue;
      addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (token->address));
      token_folded = g_utf8_casefold (addr, -1);
      if (g_strcmp0 (folded, token_folded) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Each service's best, then each one's second, and so on: no account
 * crowds out another; an address found twice shows once, and one already
 * a token not at all. */
static GPtrArray *
merge_results (KabarAddressEntry *self,
               Query             *query)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *merged = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_address_match_free);
  gboolean more = TRUE;

  for (guint rank = 0; more && merged->len < MAX_COMPLETIONS; rank++)
    {
      more = FALSE;
      for (guint i = 0; i < query->results->len && merged->len < MAX_COMPLETIONS; i++)
        {
          GPtrArray *results = query->results->pdata[i];
          KabarAddressMatch *match;
          char *folded;

          if (results == NULL || rank >= results->len)
            continue;
          more = TRUE;
          match = results->pdata[rank];
          if (match->address == NULL)
            continue;
          folded = g_utf8_casefold (match->address, -1);
          if (g_hash_table_contains (seen, folded) || has_token_for (self, folded))
            {
              g_free (folded);
              continue;
            }
          g_hash_table_add (seen, folded);
          g_ptr_array_add (merged, kabar_address_match_copy (match));
        }
    }
  return merged;
}

/* Without case or accents, as the store matches. */
static char *
fold (const char *text)
{
  g_autofree char *decomposed = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_NFKD);
  g_autoptr(GString) bare = g_string_new (NULL);

  for (const char *p = decomposed; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_type (c) != G_UNICODE_NON_SPACING_MARK)
        g_string_append_unichar (bare, c);
    }
  return g_utf8_casefold (bare->str, -1);
}

/* Whether a match of a shorter prefix still matches what is typed now. */
static gboolean
still_matches (KabarAddressMatch *match,
               const char        *folded_prefix)
{
  g_autofree char *address = fold (match->address);
  g_autofree char *name = fold (match->name);

  if (g_str_has_prefix (address, folded_prefix))
    return TRUE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if ((p == name || !g_unichar_isalnum (g_utf8_get_char (g_utf8_prev_char (p))))
        && g_str_has_prefix (p, folded_prefix))
      return TRUE;
  return FALSE;
}

static KabarAddressMatch *
selected_match (KabarAddressEntry *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->completion_list);
  int index;

  if (row == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    return NULL;
  index = gtk_list_box_row_get_index (row);
  return index >= 0 && (guint) index < self->matches->len ? self->matches->pdata[index] : NULL;
}

static GtkWidget *
completion_row_new (KabarAddressMatch *match)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (NULL);
  gboolean named = match->name != NULL && *match->name != '\0';
  g_autofree char *plain = named ? g_strdup_printf ("%s — %s", match->name, match->address)
                                 : g_strdup (match->address);
  g_autofree char *markup = named ? g_markup_printf_escaped ("%s <span alpha=\"55%%\">— %s</span>",
                                                             match->name, match->address)
                                  : g_markup_escape_text (match->address, -1);

  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_widget_set_focusable (row, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, plain, -1);
  return row;
}

/* Shows matches in place of the list shown, keeping the one chosen. */
static void
show_matches (KabarAddressEntry *self,
              GPtrArray         *matches)
{
  GtkWidget *row;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  KabarAddressMatch *selected = selected_match (self);
  g_autofree char *keep = selected != NULL ? g_strdup (selected->address) : NULL;
  guint select = 0;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->completion_list))) != NULL)
    gtk_list_box_remove (self->completion_list, row);
  g_ptr_array_set_size (self->matches, 0);
  g_ptr_array_extend_and_steal (self->matches, g_ptr_array_ref (matches));
  if (self->matches->len == 0)
    {
      gtk_popover_popdown (self->popover);
      return;
    }
  for (guint i = 0; i < self->matches->len; i++)
    {
      KabarAddressMatch *match = self->matches->pdata[i];

      gtk_list_box_append (self->completion_list, completion_row_new (match));
      if (keep != NULL && g_str_equal (match->address, keep))
        select = i;
    }
  /* The first is what Enter takes, unless the user chose another before
   * a slower account answered. */
  gtk_list_box_select_row (self->completion_list, gtk_list_box_get_row_at_index (self->completion_list, select));
  gtk_widget_set_size_request (GTK_WIDGET (self->completion_list), MAX (width - 12, 200), -1);
  gtk_popover_set_pointing_to (self->popover, &(GdkRectangle) { 0, 0, 1, gtk_widget_get_height (GTK_WIDGET (self)) });
  gtk_popover_popup (self->popover);
}

static gboolean
all_answered (Query *query)
{
  for (guint i = 0; i < query->results->len; i++)
    if (query->results->pdata[i] == NULL)
      return FALSE;
  return TRUE;
}

static void
on_completed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Query *query = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = kabar_mail_service_complete_address_finish (KABAR_MAIL_SERVICE (source),
                                                                             result, &error);
  g_autoptr(GPtrArray) merged = NULL;
  guint index;

  if (g_cancellable_is_cancelled (query->cancellable)
      || !g_ptr_array_find (query->services, source, &index))
    {
      query_release (query);
      return;
    }
  if (matches == NULL)
    {
      g_debug ("Address completion failed: %s", error->message);
      matches = g_ptr_array_new ();
    }
  g_clear_pointer (&query->results->pdata[index], g_ptr_array_unref);
  query->results->pdata[index] = g_steal_pointer (&matches);
  merged = merge_results (query->self, query);
  /* Nothing yet, but others may have something: what is shown (still
   * matching what is typed) stays meanwhile. */
  if (merged->len > 0 || all_answered (query))
    show_matches (query->self, merged);
  query_release (query);
}

/* What the store is asked: the address being typed after a name and "<"
 * if there is one, else all of it. */
static char *
completion_prefix (const char *text)
{
  const char *angle = strrchr (text, '<');

  return g_strstrip (g_strdup (angle != NULL ? angle + 1 : text));
}

/* What is shown until the answers for the new text come: never a row
 * that Enter would take though it no longer fits. */
static void
keep_still_matching (KabarAddressEntry *self,
                     const char        *prefix)
{
  g_autofree char *folded = fold (prefix);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_address_match_free);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    return;
  for (guint i = 0; i < self->matches->len; i++)
    if (still_matches (self->matches->pdata[i], folded))
      g_ptr_array_add (kept, kabar_address_match_copy (self->matches->pdata[i]));
  show_matches (self, kept);
}

static void
start_completion (KabarAddressEntry *self)
{
  g_autofree char *prefix = completion_prefix (gtk_editable_get_text (GTK_EDITABLE (self->text)));
  Query *query;
  guint n;

  cancel_query (self);
  n = self->services != NULL ? g_list_model_get_n_items (self->services) : 0;
  if (*prefix == '\0' || n == 0)
    {
      hide_completions (self);
      return;
    }
  keep_still_matching (self, prefix);
  query = g_rc_box_new0 (Query);
  query->self = g_object_ref (self);
  query->cancellable = g_cancellable_new ();
  query->services = g_ptr_array_new_with_free_func (g_object_unref);
  query->results = g_ptr_array_new_with_free_func ((GDestroyNotify) results_free);
  self->query = query;
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (query->services, g_list_model_get_item (self->services, i));
      g_ptr_array_add (query->results, NULL);
    }
  for (guint i = 0; i < n; i++)
    kabar_mail_service_complete_address_async (query->services->pdata[i], prefix, MAX_COMPLETIONS,
                                               query->cancellable, on_completed, g_rc_box_acquire (query));
}

static void
take_match (KabarAddressEntry *self,
            KabarAddressMatch *match)
{
  g_autoptr(GObject) address = G_OBJECT (internet_address_mailbox_new (match->name, match->address));
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) token_free);

  g_ptr_array_add (tokens, token_new_for_address (INTERNET_ADDRESS (address)));
  hide_completions (self);
  add_tokens (self, tokens);
  set_typed_text (self, "", 0);
  emit_changed (self);
}

static void
on_completion_activated (KabarAddressEntry *self,
                         GtkListBoxRow     *row)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0 && (guint) index < self->matches->len)
    take_match (self, self->matches->pdata[index]);
  gtk_widget_grab_focus (GTK_WIDGET (self->text));
}

static void
move_selection (KabarAddressEntry *self,
                int                step)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->completion_list);
  int index = row != NULL ? gtk_list_box_row_get_index (row) + step : 0;

  index = CLAMP (index, 0, (int) self->matches->len - 1);
  gtk_list_box_select_row (self->completion_list, gtk_list_box_get_row_at_index (self->completion_list, index));
}

/* --- typing ---------------------------------------------------------------------------- */

static void
on_text_changed (KabarAddressEntry *self)
{
  if (self->setting_text)
    return;
  start_completion (self);
  emit_changed (self);
}

static gboolean
has_separator (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (is_separator (*p))
      return TRUE;
  return FALSE;
}

/* A separator typed or pasted outside quotes ends addresses: they become
 * tokens at once. What is pasted becomes tokens whole, as a list copied
 * from elsewhere is complete. */
static void
on_text_insert (GtkEditable       *editable,
                const char        *new_text,
                int                length,
                int               *position,
                KabarAddressEntry *self)
{
  const char *text = gtk_editable_get_text (editable);
  const char *split = g_utf8_offset_to_pointer (text, *position);
  g_autofree char *inserted = g_strndup (new_text, length >= 0 ? (gsize) length : strlen (new_text));
  g_autofree char *before = g_strndup (text, split - text);
  g_autofree char *blank = g_strstrip (g_strdup (inserted));
  g_autofree char *full = NULL;
  g_autofree char *rest = NULL;
  g_autoptr(GPtrArray) pieces = NULL;
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) token_free);
  gboolean pasted = g_utf8_strlen (inserted, -1) > 1;
  long cursor;

  if (self->setting_text)
    return;
  /* Spaces before anything is typed are nothing. */
  if (*text == '\0' && *blank == '\0')
    {
      g_signal_stop_emission_by_name (editable, "insert-text");
      return;
    }
  if (!has_separator (inserted))
    return;
  full = g_strconcat (before, inserted, split, NULL);
  pieces = split_addresses (full, &rest);
  if (pieces->len == 0 && !pasted)
    return;
  g_signal_stop_emission_by_name (editable, "insert-text");
  cursor = *position + g_utf8_strlen (inserted, -1) - (g_utf8_strlen (full, -1) - g_utf8_strlen (rest, -1));
  if (pasted)
    {
      g_strstrip (rest);
      if (*rest != '\0')
        g_ptr_array_add (pieces, g_steal_pointer (&rest));
      rest = g_strdup ("");
      cursor = 0;
    }
  for (guint i = 0; i < pieces->len; i++)
    parse_piece (pieces->pdata[i], tokens);
  hide_completions (self);
  add_tokens (self, tokens);
  /* The space after a comma is not the start of the next address. */
  cursor -= g_utf8_strlen (rest, -1);
  g_strchug (rest);
  cursor += g_utf8_strlen (rest, -1);
  set_typed_text (self, rest, 0);
  *position = (int) CLAMP (cursor, 0, g_utf8_strlen (rest, -1));
  emit_changed (self);
}

static GtkWidget *
last_token (KabarAddressEntry *self)
{
  return self->tokens->len > 0 ? ((Token *) self->tokens->pdata[self->tokens->len - 1])->widget : NULL;
}

static gboolean
at_start (KabarAddressEntry *self)
{
  int start, end;

  return !gtk_editable_get_selection_bounds (GTK_EDITABLE (self->text), &start, &end)
         && gtk_editable_get_position (GTK_EDITABLE (self->text)) == 0;
}

static gboolean
on_text_key_pressed (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     KabarAddressEntry     *self)
{
  gboolean shown = gtk_widget_get_visible (GTK_WIDGET (self->popover)) && self->matches->len > 0;
  KabarAddressMatch *match = selected_match (self);
  gboolean typed = *gtk_editable_get_text (GTK_EDITABLE (self->text)) != '\0';

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return GDK_EVENT_PROPAGATE;
  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (!shown)
        return GDK_EVENT_PROPAGATE;
      move_selection (self, keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up ? -1 : 1);
      return GDK_EVENT_STOP;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if (match != NULL)
        take_match (self, match);
      else if (typed)
        commit_text (self);
      else
        return GDK_EVENT_PROPAGATE;
      return GDK_EVENT_STOP;
    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
    case GDK_KEY_ISO_Left_Tab:
      /* Then on to the next field, as Tab goes. */
      if (match != NULL)
        take_match (self, match);
      else
        commit_text (self);
      return GDK_EVENT_PROPAGATE;
    case GDK_KEY_Escape:
      if (!shown)
        return GDK_EVENT_PROPAGATE;
      hide_completions (self);
      return GDK_EVENT_STOP;
    case GDK_KEY_BackSpace:
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      if (!at_start (self) || last_token (self) == NULL || (state & GDK_SHIFT_MASK))
        return GDK_EVENT_PROPAGATE;
      hide_completions (self);
      gtk_widget_grab_focus (last_token (self));
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
on_focus_leave (KabarAddressEntry *self)
{
  commit_text (self);
}

static void
on_pressed (GtkGestureClick   *gesture,
            int                n_press,
            double             x,
            double             y,
            KabarAddressEntry *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->text));
}

/* --- layout ------------------------------------------------------------------------------ */

typedef struct
{
  GtkWidget *child;
  int        width;
} Placed;

/* The line's height; its children allocated at y when allocate, from
 * the right in a right-to-left language. */
static int
finish_line (GArray   *line,
             int       width,
             int       y,
             gboolean  rtl,
             gboolean  allocate)
{
  int height = 0;
  int x = 0;

  for (guint i = 0; i < line->len; i++)
    {
      Placed *placed = &g_array_index (line, Placed, i);
      int natural;

      gtk_widget_measure (placed->child, GTK_ORIENTATION_VERTICAL, placed->width, NULL, &natural, NULL, NULL);
      height = MAX (height, natural);
    }
  for (guint i = 0; allocate && i < line->len; i++)
    {
      Placed *placed = &g_array_index (line, Placed, i);

      gtk_widget_size_allocate (placed->child,
                                &(GtkAllocation) { rtl ? width - x - placed->width : x, y, placed->width, height },
                                -1);
      x += placed->width + SPACING;
    }
  g_array_set_size (line, 0);
  return height;
}

/* Tokens left to right, wrapping; the text fills what is left of the last
 * line, or a line of its own. Returns the height. */
static int
layout_lines (KabarAddressEntry *self,
              int                width,
              int                top,
              gboolean           allocate)
{
  g_autoptr(GArray) line = g_array_new (FALSE, FALSE, sizeof (Placed));
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
  int x = 0;
  int y = top;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gboolean is_text = child == GTK_WIDGET (self->text);
      int minimum, natural, child_width;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
      child_width = is_text ? MAX (minimum, TEXT_MIN_WIDTH) : MAX (minimum, MIN (natural, width));
      if (line->len > 0 && x + child_width > width)
        {
          y += finish_line (line, width, y, rtl, allocate) + SPACING;
          x = 0;
        }
      if (is_text)
        child_width = MAX (child_width, width - x);
      g_array_append_val (line, ((Placed) { child, child_width }));
      x += child_width + SPACING;
    }
  return y + finish_line (line, width, y, rtl, allocate) - top;
}

static void
kabar_address_entry_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  KabarAddressEntry *self = KABAR_ADDRESS_ENTRY (widget);
  int min_width = TEXT_MIN_WIDTH;
  int nat_width = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min, child_nat;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_min, &child_nat, NULL, NULL);
      if (child == GTK_WIDGET (self->text))
        child_nat = MAX (child_min, TEXT_MIN_WIDTH);
      min_width = MAX (min_width, child_min);
      nat_width += child_nat + (nat_width > 0 ? SPACING : 0);
    }
  nat_width = MAX (min_width, MIN (nat_width, MAX_NATURAL_WIDTH));

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = min_width;
      *natural = nat_width;
    }
  else
    {
      int height = layout_lines (self, for_size >= 0 ? MAX (for_size, min_width) : nat_width, 0, FALSE);

      *minimum = height;
      *natural = height;
    }
}

static void
kabar_address_entry_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  KabarAddressEntry *self = KABAR_ADDRESS_ENTRY (widget);
  int lines = layout_lines (self, width, 0, FALSE);

  /* One line sits in the middle of an entry's height, as its text would. */
  layout_lines (self, width, MAX (0, (height - lines) / 2), TRUE);
  gtk_popover_present (self->popover);
}

static GtkSizeRequestMode
kabar_address_entry_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* Into the field is into its text, from either side; Tab leaves it: the
 * tokens are reached with the arrows. */
static gboolean
kabar_address_entry_focus (GtkWidget        *widget,
                           GtkDirectionType  direction)
{
  KabarAddressEntry *self = KABAR_ADDRESS_ENTRY (widget);

  if (gtk_widget_get_focus_child (widget) == NULL)
    return gtk_widget_grab_focus (GTK_WIDGET (self->text));
  return FALSE;
}

/* Out of its window, nothing is to be shown: the answers still to come
 * are not wanted. */
static void
kabar_address_entry_unroot (GtkWidget *widget)
{
  hide_completions (KABAR_ADDRESS_ENTRY (widget));
  GTK_WIDGET_CLASS (kabar_address_entry_parent_class)->unroot (widget);
}

static gboolean
kabar_address_entry_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (KABAR_ADDRESS_ENTRY (widget)->text));
}

/* --- the object ------------------------------------------------------------------------- */

GtkWidget *
kabar_address_entry_new (void)
{
  return g_object_new (KABAR_TYPE_ADDRESS_ENTRY, NULL);
}

void
kabar_address_entry_set_services (KabarAddressEntry *self,
                                  GListModel        *services)
{
  g_return_if_fail (KABAR_IS_ADDRESS_ENTRY (self));
  g_return_if_fail (services == NULL || G_IS_LIST_MODEL (services));

  hide_completions (self);
  g_set_object (&self->services, services);
}

void
kabar_address_entry_set_addresses (KabarAddressEntry   *self,
                                   InternetAddressList *list)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) token_free);

  g_return_if_fail (KABAR_IS_ADDRESS_ENTRY (self));
  g_return_if_fail (list == NULL || IS_INTERNET_ADDRESS_LIST (list));

  hide_completions (self);
  while (self->tokens->len > 0)
    {
      gtk_widget_unparent (last_token (self));
      g_ptr_array_remove_index (self->tokens, self->tokens->len - 1);
    }
  set_typed_text (self, "", 0);
  add_address_tokens (list, tokens);
  add_tokens (self, tokens);
  emit_changed (self);
}

static void
append_token_address (InternetAddressList *list,
                      Token               *token)
{
  g_autoptr(GObject) address = NULL;

  if (token->address != NULL)
    {
      internet_address_list_add (list, token->address);
      return;
    }
  address = G_OBJECT (internet_address_mailbox_new (NULL, token->text));
  internet_address_list_add (list, INTERNET_ADDRESS (address));
}

InternetAddressList *
kabar_address_entry_dup_addresses (KabarAddressEntry *self)
{
  InternetAddressList *list;
  g_autoptr(GPtrArray) typed = NULL;

  g_return_val_if_fail (KABAR_IS_ADDRESS_ENTRY (self), NULL);

  list = internet_address_list_new ();
  typed = parse_text (gtk_editable_get_text (GTK_EDITABLE (self->text)));
  for (guint i = 0; i < self->tokens->len; i++)
    append_token_address (list, self->tokens->pdata[i]);
  for (guint i = 0; i < typed->len; i++)
    append_token_address (list, typed->pdata[i]);
  return list;
}

char *
kabar_address_entry_dup_invalid (KabarAddressEntry *self)
{
  g_autoptr(GPtrArray) typed = NULL;

  g_return_val_if_fail (KABAR_IS_ADDRESS_ENTRY (self), NULL);

  for (guint i = 0; i < self->tokens->len; i++)
    if (((Token *) self->tokens->pdata[i])->problem != NULL)
      return g_strdup (((Token *) self->tokens->pdata[i])->text);
  typed = parse_text (gtk_editable_get_text (GTK_EDITABLE (self->text)));
  for (guint i = 0; i < typed->len; i++)
    if (((Token *) typed->pdata[i])->problem != NULL)
      return g_strdup (((Token *) typed->pdata[i])->text);
  return NULL;
}

gboolean
kabar_address_entry_is_empty (KabarAddressEntry *self)
{
  g_autofree char *typed = NULL;

  g_return_val_if_fail (KABAR_IS_ADDRESS_ENTRY (self), TRUE);

  typed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->text))));
  return self->tokens->len == 0 && *typed == '\0';
}

void
kabar_address_entry_set_label (KabarAddressEntry *self,
                               const char        *label)
{
  g_return_if_fail (KABAR_IS_ADDRESS_ENTRY (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

GtkEditable *
kabar_address_entry_get_text (KabarAddressEntry *self)
{
  g_return_val_if_fail (KABAR_IS_ADDRESS_ENTRY (self), NULL);
  return GTK_EDITABLE (self->text);
}

GPtrArray *
kabar_address_entry_get_tokens (KabarAddressEntry *self)
{
  GPtrArray *widgets;

  g_return_val_if_fail (KABAR_IS_ADDRESS_ENTRY (self), NULL);

  widgets = g_ptr_array_new ();
  for (guint i = 0; i < self->tokens->len; i++)
    g_ptr_array_add (widgets, ((Token *) self->tokens->pdata[i])->widget);
  return widgets;
}

GStrv
kabar_address_entry_dup_completions (KabarAddressEntry *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (KABAR_IS_ADDRESS_ENTRY (self), NULL);

  for (guint i = 0; gtk_widget_get_visible (GTK_WIDGET (self->popover)) && i < self->matches->len; i++)
    g_strv_builder_add (builder, ((KabarAddressMatch *) self->matches->pdata[i])->address);
  return g_strv_builder_end (builder);
}

static void
kabar_address_entry_dispose (GObject *object)
{
  KabarAddressEntry *self = KABAR_ADDRESS_ENTRY (object);
  GtkWidget *child;

  cancel_query (self);
  while (self->tokens->len > 0)
    {
      gtk_widget_unparent (last_token (self));
      g_ptr_array_remove_index (self->tokens, self->tokens->len - 1);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_ADDRESS_ENTRY);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->services);
  G_OBJECT_CLASS (kabar_address_entry_parent_class)->dispose (object);
}

static void
kabar_address_entry_finalize (GObject *object)
{
  KabarAddressEntry *self = KABAR_ADDRESS_ENTRY (object);

  g_ptr_array_unref (self->tokens);
  g_ptr_array_unref (self->matches);
  G_OBJECT_CLASS (kabar_address_entry_parent_class)->finalize (object);
}

static void
kabar_address_entry_class_init (KabarAddressEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_address_entry_dispose;
  object_class->finalize = kabar_address_entry_finalize;
  widget_class->measure = kabar_address_entry_measure;
  widget_class->size_allocate = kabar_address_entry_size_allocate;
  widget_class->get_request_mode = kabar_address_entry_get_request_mode;
  widget_class->focus = kabar_address_entry_focus;
  widget_class->grab_focus = kabar_address_entry_grab_focus;
  widget_class->unroot = kabar_address_entry_unroot;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-address-entry.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarAddressEntry, text);
  gtk_widget_class_bind_template_child (widget_class, KabarAddressEntry, popover);
  gtk_widget_class_bind_template_child (widget_class, KabarAddressEntry, completion_list);
  gtk_widget_class_bind_template_callback (widget_class, on_text_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_completion_activated);

  /* Looks like an entry, which is what it is to the user. */
  gtk_widget_class_set_css_name (widget_class, "entry");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
kabar_address_entry_init (KabarAddressEntry *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) token_free);
  self->matches = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_address_match_free);

  /* Before the text's own handling: Enter, Tab, Backspace and the arrows
   * mean something else here at times. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_text_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text), keys);
  g_signal_connect (self->text, "insert-text", G_CALLBACK (on_text_insert), self);

  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}
