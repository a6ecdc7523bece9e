/* kabar-message-view.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "kabar-message-files.h"
#include "kabar-message-view.h"
#include "kabar-message-web.h"
#include "kabar-store-senders.h"

#define ZOOM_DEFAULT 1.0

/* The zoom steps: what browsers offer, so the keys feel the same. */
static const double zoom_levels[] = { 0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0 };

struct _KabarMessageView
{
  GtkWidget            parent_instance;

  GtkWidget           *content;
  GtkWidget           *header;
  GtkWidget           *subject_label;
  GtkWidget           *menu_button;
  GtkWidget           *from_name_label;
  GtkWidget           *from_address_label;
  GtkWidget           *date_label;
  GtkWidget           *to_box;
  GtkWidget           *to_label;
  GtkWidget           *cc_box;
  GtkWidget           *cc_label;
  GtkWidget           *security_box;
  GtkWidget           *security_icon;
  GtkWidget           *security_label;
  GtkWidget           *attachments_box;
  GtkWidget           *attachments_flow;
  GtkWidget           *search_bar;
  GtkWidget           *find_entry;
  GtkWidget           *find_status;
  GtkWidget           *remote_revealer;
  GtkWidget           *always_button;
  GtkWidget           *web_overlay;
  GtkWidget           *link_status;

  WebKitWebView       *web_view;
  WebKitUserContentManager *content_manager;
  WebKitUserContentFilter  *filter;

  KabarStore          *store;
  KabarMessageDisplay *display;
  /* How display was built (or is being built again): as set_display()
   * is given it, or here for the user's prefer-plain-text. */
  KabarDisplayFlags    display_flags;
  GSettings           *settings;
  char                *html;
  char                *html_with_remote;
  char                *sender;
  gboolean             has_remote;
  gboolean             remote_shown;
  gboolean             loaded;
  /* Counted up by the view's own load_html(): the navigations the view
   * lets through. A count, as a setting changed just before a new message
   * makes two loads whose decisions both come after the second. */
  guint                expected_loads;
  /* Each new message: answers about an older one are dropped. */
  guint                generation;
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (KabarMessageView, kabar_message_view, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_LOADED,
  SIGNAL_OPEN_LINK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_actions (KabarMessageView *self);

/* --- the style of the page --------------------------------------------------------------- */

/* User-level rules: the defaults under the message's own styles, which
 * win wherever they say something. Adwaita's view colours and font.
 * Important only where the model's own default style (author level) is
 * replaced: Kabar's margins, text font and quote colours. */
static const char base_style[] =
  /* No background on html: a sender's body colour must reach the whole
   * canvas. The web view's own background is the light page. */
  "html { color: #000000; }\n"
  "body.kabar-message { margin: 14px 18px !important; font-family: Cantarell, 'Noto Sans', sans-serif;"
  " font-size: 11pt; line-height: 1.45; }\n"
  "body.kabar-message img { max-width: 100%; height: auto; }\n"
  ".kabar-plain { font-family: Cantarell, 'Noto Sans', sans-serif !important; }\n"
  "a { color: #1c71d8; }\n"
  "blockquote.kabar-quote { margin: 4px 0 !important; padding: 0 0 0 12px !important;"
  " border-left: 3px solid #3584e4 !important; color: #5e5c64; }\n"
  "blockquote.kabar-quote blockquote.kabar-quote { border-left-color: #2ec27e !important; }\n"
  "blockquote.kabar-quote blockquote.kabar-quote blockquote.kabar-quote"
  " { border-left-color: #e66100 !important; }\n"
  "details.kabar-quote-fold > summary { color: #77767b; cursor: pointer; }\n"
  ".kabar-signature { color: #77767b; font-size: 0.92em; opacity: 1 !important; }\n"
  ".kabar-nested-message { border: 1px solid rgba(0, 0, 0, 0.15) !important; border-radius: 8px;"
  " padding: 8px 14px !important; margin: 14px 0 !important; }\n"
  "table.kabar-nested-headers { border-collapse: collapse; margin-bottom: 8px; }\n"
  "table.kabar-nested-headers th { text-align: start !important; padding: 1px 10px 1px 0 !important;"
  " font-weight: normal; color: #77767b; vertical-align: top; }\n"
  ".kabar-event, .kabar-delivery-report, .kabar-security-note { border: none !important;"
  " padding: 8px 12px !important; border-radius: 8px; background: rgba(0, 0, 0, 0.05); }\n";

/* Dark colours for a message that sets none of its own. Important: the
 * model's own default style sheet is at author level. */
static const char dark_style[] =
  "html, body.kabar-message { background: #1e1e1e !important; color: #ffffff !important; }\n"
  "a { color: #78aeed !important; }\n"
  "blockquote.kabar-quote { color: #deddda !important; }\n"
  ".kabar-signature, details.kabar-quote-fold > summary,"
  " table.kabar-nested-headers th { color: #9a9996 !important; }\n"
  ".kabar-nested-message { border-color: rgba(255, 255, 255, 0.2) !important; }\n"
  ".kabar-event, .kabar-security-note, .kabar-delivery-report"
  " { background: rgba(255, 255, 255, 0.08) !important; }\n";

/* Whether the message sets colours or backgrounds of its own, outside
 * Kabar's default style sheet: then it is shown as written, on a light
 * canvas, in dark mode too. A false positive only costs the dark page. */
static gboolean
html_sets_colours (const char *html)
{
  static const char *hints[] = { "color:", "color=", "color =", "background:", "background=",
                                 "background-", "bgcolor", "background =" };
  g_autofree char *lower = g_ascii_strdown (html, -1);
  const char *start = lower;
  const char *own = strstr (lower, "<style id=\"kabar-style\"");
  const char *own_end = own != NULL ? strstr (own, "</style>") : NULL;

  if (own_end != NULL)
    start = own_end;
  for (guint i = 0; i < G_N_ELEMENTS (hints); i++)
    if (strstr (start, hints[i]) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
page_is_dark (KabarMessageView *self,
              const char       *html)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ())
         && !html_sets_colours (html);
}

static void
apply_style (KabarMessageView *self,
             const char       *html)
{
  gboolean dark = page_is_dark (self, html);
  GdkRGBA background;

  webkit_user_content_manager_remove_all_style_sheets (self->content_manager);
  {
    g_autoptr(WebKitUserStyleSheet) sheet =
      webkit_user_style_sheet_new (base_style, WEBKIT_USER_CONTENT_INJECT_ALL_FRAMES,
                                   WEBKIT_USER_STYLE_LEVEL_USER, NULL, NULL);

    webkit_user_content_manager_add_style_sheet (self->content_manager, sheet);
  }
  if (dark)
    {
      g_autoptr(WebKitUserStyleSheet) sheet =
        webkit_user_style_sheet_new (dark_style, WEBKIT_USER_CONTENT_INJECT_ALL_FRAMES,
                                     WEBKIT_USER_STYLE_LEVEL_USER, NULL, NULL);

      webkit_user_content_manager_add_style_sheet (self->content_manager, sheet);
    }
  /* What shows before the page paints, and around it. */
  gdk_rgba_parse (&background, dark ? "#1e1e1e" : "#ffffff");
  webkit_web_view_set_background_color (self->web_view, &background);
  gtk_widget_set_visible (GTK_WIDGET (self->web_view), TRUE);
}

/* --- the user's settings ------------------------------------------------------------------ */

typedef enum
{
  REMOTE_NEVER,
  REMOTE_SENDERS,
  REMOTE_ALWAYS,
} RemotePolicy;

static RemotePolicy
remote_policy (KabarMessageView *self)
{
  g_autofree char *value = g_settings_get_string (self->settings, "remote-content");

  if (g_strcmp0 (value, "never") == 0)
    return REMOTE_NEVER;
  if (g_strcmp0 (value, "always") == 0)
    return REMOTE_ALWAYS;
  return REMOTE_SENDERS;
}

static KabarDisplayFlags
wanted_flags (KabarMessageView *self)
{
  return g_settings_get_boolean (self->settings, "prefer-plain-text") ? KABAR_DISPLAY_FLAGS_NONE
                                                                     : KABAR_DISPLAY_PREFER_HTML;
}

/* --- loading the body -------------------------------------------------------------------- */

static void
set_loaded (KabarMessageView *self,
            gboolean          loaded)
{
  self->loaded = loaded;
  if (loaded)
    g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

static void
start_load (KabarMessageView *self)
{
  const char *html = self->remote_shown && self->html_with_remote != NULL
                     ? self->html_with_remote : self->html;

  webkit_user_content_manager_remove_all_filters (self->content_manager);
  if (!self->remote_shown)
    webkit_user_content_manager_add_filter (self->content_manager, self->filter);
  apply_style (self, html);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->remote_revealer),
                                 self->has_remote && !self->remote_shown);
  update_actions (self);
  self->expected_loads++;
  webkit_web_view_load_html (self->web_view, html, KABAR_MESSAGE_WEB_BASE_URI);
}

typedef struct
{
  KabarMessageView *self;
  guint             generation;
} Pending;

static Pending *
pending_new (KabarMessageView *self)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = g_object_ref (self);
  pending->generation = self->generation;
  return pending;
}

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->self);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

static gboolean
pending_is_current (Pending *pending)
{
  return pending->generation == pending->self->generation
         && !g_cancellable_is_cancelled (pending->self->cancellable);
}

static void
on_filter_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  KabarMessageView *self = pending->self;
  g_autoptr(GError) error = NULL;
  WebKitUserContentFilter *filter = kabar_message_web_get_filter_finish (result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&filter, webkit_user_content_filter_unref);
      return;
    }
  if (filter == NULL)
    {
      /* Never show a message without its blocking. */
      g_warning ("%s", error->message);
      if (pending_is_current (pending))
        webkit_web_view_load_plain_text (self->web_view, error->message);
      return;
    }
  g_clear_pointer (&self->filter, webkit_user_content_filter_unref);
  self->filter = filter;
  if (pending_is_current (pending))
    start_load (self);
}

static void
load_when_filter_ready (KabarMessageView *self)
{
  if (self->filter != NULL)
    {
      start_load (self);
      return;
    }
  kabar_message_web_get_filter_async (NULL, on_filter_ready, pending_new (self));
}

static void
on_sender_checked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  g_autoptr(GError) error = NULL;
  gboolean allowed = kabar_store_is_remote_content_allowed_finish (KABAR_STORE (source), result, &error);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not read whether %s may load remote content: %s", pending->self->sender,
               error->message);
  if (!pending_is_current (pending))
    return;
  pending->self->remote_shown = allowed;
  load_when_filter_ready (pending->self);
}

static void
show_body (KabarMessageView *self)
{
  RemotePolicy policy = remote_policy (self);

  self->remote_shown = FALSE;
  set_loaded (self, FALSE);
  if (self->html == NULL)
    {
      gtk_revealer_set_reveal_child (GTK_REVEALER (self->remote_revealer), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->web_view), FALSE);
      update_actions (self);
      return;
    }
  if (self->has_remote && policy == REMOTE_ALWAYS)
    self->remote_shown = TRUE;
  else if (self->has_remote && policy == REMOTE_SENDERS && self->store != NULL && self->sender != NULL
           && *self->sender != '\0')
    {
      kabar_store_is_remote_content_allowed_async (self->store, self->sender, self->cancellable,
                                                   on_sender_checked, pending_new (self));
      return;
    }
  load_when_filter_ready (self);
}

static void
forget_message (KabarMessageView *self)
{
  self->generation++;
  g_clear_object (&self->display);
  g_clear_pointer (&self->html, g_free);
  g_clear_pointer (&self->html_with_remote, g_free);
  g_clear_pointer (&self->sender, g_free);
  self->has_remote = FALSE;
}

void
kabar_message_view_load_html (KabarMessageView *self,
                              const char       *html,
                              const char       *html_with_remote,
                              const char       *sender)
{
  g_return_if_fail (KABAR_IS_MESSAGE_VIEW (self));

  forget_message (self);
  self->html = g_strdup (html);
  self->html_with_remote = g_strdup (html_with_remote);
  self->sender = g_strdup (sender);
  /* Without a model nothing says what was taken out: offer it always. */
  self->has_remote = html != NULL;
  show_body (self);
}

/* --- the header -------------------------------------------------------------------------- */

static char *
format_mailboxes (GPtrArray *addresses)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < addresses->len; i++)
    {
      KabarDisplayAddress *address = g_ptr_array_index (addresses, i);

      if (text->len > 0)
        g_string_append (text, ", ");
      if (*address->name != '\0' && *address->address != '\0')
        g_string_append_printf (text, "%s <%s>", address->name, address->address);
      else
        g_string_append (text, *address->name != '\0' ? address->name : address->address);
    }
  return g_string_free (text, FALSE);
}

static void
set_address_row (GtkWidget           *box,
                 GtkWidget           *label,
                 KabarMessageDisplay *display,
                 KabarDisplayField    field)
{
  GPtrArray *addresses = kabar_message_display_get_addresses (display, field);
  g_autofree char *text = format_mailboxes (addresses);

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_visible (box, addresses->len > 0);
}

static void
show_from (KabarMessageView    *self,
           KabarMessageDisplay *display)
{
  GPtrArray *from = kabar_message_display_get_addresses (display, KABAR_DISPLAY_FROM);
  KabarDisplayAddress *first = from->len > 0 ? g_ptr_array_index (from, 0) : NULL;
  const char *name = first != NULL ? first->name : "";
  const char *address = first != NULL ? first->address : "";

  /* The address is always shown: a name alone is what phishing fakes. */
  gtk_label_set_text (GTK_LABEL (self->from_name_label), *name != '\0' ? name : address);
  gtk_label_set_text (GTK_LABEL (self->from_address_label), *name != '\0' ? address : "");
  gtk_widget_set_visible (self->from_address_label, *name != '\0' && *address != '\0');
  g_free (self->sender);
  self->sender = g_strdup (address);
}

static void
show_date (KabarMessageView    *self,
           KabarMessageDisplay *display)
{
  GDateTime *date = kabar_message_display_get_date (display);
  g_autofree char *text = date != NULL ? kabar_display_format_date (date, NULL) : NULL;
  g_autoptr(GDateTime) local = date != NULL ? g_date_time_to_local (date) : NULL;
  /* The whole date and time, for whoever wants more than the short form. */
  g_autofree char *full = local != NULL ? g_date_time_format (local, "%c") : NULL;

  gtk_label_set_text (GTK_LABEL (self->date_label), text != NULL ? text : "");
  gtk_widget_set_tooltip_text (self->date_label, full);
}

static void
show_security (KabarMessageView    *self,
               KabarMessageDisplay *display)
{
  KabarDisplaySecurity security = kabar_message_display_get_security (display);

  switch (security)
    {
    case KABAR_DISPLAY_SECURITY_SIGNED_NOT_VERIFIED:
      gtk_image_set_from_icon_name (GTK_IMAGE (self->security_icon), "dialog-information-symbolic");
      gtk_label_set_text (GTK_LABEL (self->security_label),
                          _("This message is signed, but Kabar does not check signatures yet."));
      break;
    case KABAR_DISPLAY_SECURITY_ENCRYPTED_CANNOT_DECRYPT:
      gtk_image_set_from_icon_name (GTK_IMAGE (self->security_icon), "channel-secure-symbolic");
      gtk_label_set_text (GTK_LABEL (self->security_label),
                          _("This message is encrypted. Kabar cannot decrypt it yet."));
      break;
    case KABAR_DISPLAY_SECURITY_NONE:
    default:
      break;
    }
  gtk_widget_set_visible (self->security_box, security != KABAR_DISPLAY_SECURITY_NONE);
}

static GtkWidget *
attachment_button (const char *icon_name,
                   const char *tooltip,
                   const char *action,
                   guint       index)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint32 (index));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkWidget *
attachment_widget (KabarDisplayAttachment *attachment,
                   guint                   index)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name (attachment->icon_name);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = gtk_label_new (attachment->file_name);
  g_autofree char *size_text = g_format_size (attachment->size);
  GtkWidget *size = gtk_label_new (size_text);
  g_autofree char *open_tip = g_strdup_printf (_("Open “%s”"), attachment->file_name);
  g_autofree char *save_tip = g_strdup_printf (_("Save “%s”…"), attachment->file_name);

  gtk_image_set_icon_size (GTK_IMAGE (icon), GTK_ICON_SIZE_LARGE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  attachment->content_type, -1);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (name), 28);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (size), 0);
  gtk_widget_add_css_class (size, "dim-label");
  gtk_widget_add_css_class (size, "caption");
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), size);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), attachment_button ("document-open-symbolic", open_tip,
                                                    "message.open-attachment", index));
  gtk_box_append (GTK_BOX (box), attachment_button ("document-save-symbolic", save_tip,
                                                    "message.save-attachment", index));
  gtk_widget_add_css_class (box, "attachment");
  gtk_widget_set_tooltip_text (box, attachment->content_type);
  return box;
}

static void
show_attachments (KabarMessageView    *self,
                  KabarMessageDisplay *display)
{
  GPtrArray *attachments = display != NULL ? kabar_message_display_get_attachments (display) : NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->attachments_flow)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->attachments_flow), child);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    gtk_flow_box_append (GTK_FLOW_BOX (self->attachments_flow),
                         attachment_widget (g_ptr_array_index (attachments, i), i));
  gtk_widget_set_visible (self->attachments_box, attachments != NULL && attachments->len > 0);
}

static void
show_header (KabarMessageView    *self,
             KabarMessageDisplay *display)
{
  const char *subject = kabar_message_display_get_subject (display);

  gtk_label_set_text (GTK_LABEL (self->subject_label), *subject != '\0' ? subject : _("(No Subject)"));
  show_from (self, display);
  set_address_row (self->to_box, self->to_label, display, KABAR_DISPLAY_TO);
  set_address_row (self->cc_box, self->cc_label, display, KABAR_DISPLAY_CC);
  show_date (self, display);
  show_security (self, display);
  show_attachments (self, display);
}

static GBytes *
serve_cid (gpointer     data,
           const char  *content_id,
           char       **content_type,
           GError     **error)
{
  KabarMessageView *self = data;

  if (self->display == NULL)
    {
      g_set_error (error, KABAR_DISPLAY_ERROR, KABAR_DISPLAY_ERROR_NO_SUCH_ATTACHMENT,
                   "No message is shown, so it has no part %s", content_id);
      return NULL;
    }
  return kabar_message_display_dup_cid_data (self->display, content_id, content_type, error);
}

/* The body of self->display, shown. */
static void
take_body (KabarMessageView *self)
{
  g_clear_pointer (&self->html, g_free);
  g_clear_pointer (&self->html_with_remote, g_free);
  self->html = g_strdup (kabar_message_display_get_html (self->display, FALSE));
  self->has_remote = kabar_message_display_has_remote_content (self->display);
  if (self->has_remote)
    self->html_with_remote = g_strdup (kabar_message_display_get_html (self->display, TRUE));
  show_body (self);
}

static void
on_display_rebuilt (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  KabarMessageView *self = pending->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageDisplay) display = kabar_message_display_new_finish (result, &error);

  if (!pending_is_current (pending))
    return;
  /* The message read once already: this cannot fail but for memory.
   * Keep what there is. */
  if (display == NULL)
    g_warning ("Could not show the message again: %s", error->message);
  else
    {
      g_set_object (&self->display, display);
      show_header (self, display);
    }
  take_body (self);
}

/* Builds the shown message again, off this thread, with the part the user
 * prefers of a multipart/alternative. */
static void
rebuild_display (KabarMessageView *self)
{
  self->generation++;
  /* What is being built: a change back meanwhile builds again. */
  self->display_flags = wanted_flags (self);
  set_loaded (self, FALSE);
  kabar_message_display_new_async (kabar_message_display_get_raw (self->display), self->display_flags,
                                   g_get_language_names ()[0], self->cancellable, on_display_rebuilt,
                                   pending_new (self));
}

static void
on_prefer_plain_text_changed (KabarMessageView *self)
{
  if (self->display != NULL && wanted_flags (self) != self->display_flags)
    rebuild_display (self);
}

static void
on_remote_content_changed (KabarMessageView *self)
{
  if (self->html != NULL)
    show_body (self);
}

void
kabar_message_view_set_display (KabarMessageView    *self,
                                KabarMessageDisplay *display)
{
  g_return_if_fail (KABAR_IS_MESSAGE_VIEW (self));
  g_return_if_fail (display == NULL || KABAR_IS_MESSAGE_DISPLAY (display));

  forget_message (self);
  gtk_widget_set_visible (self->header, display != NULL);
  if (display == NULL)
    {
      show_attachments (self, NULL);
      show_body (self);
      return;
    }
  self->display = g_object_ref (display);
  self->display_flags = KABAR_DISPLAY_PREFER_HTML;
  show_header (self, display);
  if (wanted_flags (self) != self->display_flags)
    {
      /* Not the last message's body meanwhile. */
      gtk_widget_set_visible (GTK_WIDGET (self->web_view), FALSE);
      rebuild_display (self);
    }
  else
    take_body (self);
}

KabarMessageDisplay *
kabar_message_view_get_display (KabarMessageView *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_VIEW (self), NULL);
  return self->display;
}

void
kabar_message_view_set_store (KabarMessageView *self,
                              KabarStore       *store)
{
  g_return_if_fail (KABAR_IS_MESSAGE_VIEW (self));

  g_set_object (&self->store, store);
  update_actions (self);
}

gboolean
kabar_message_view_is_loaded (KabarMessageView *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_VIEW (self), FALSE);
  return self->loaded;
}

gboolean
kabar_message_view_get_remote_content_shown (KabarMessageView *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_VIEW (self), FALSE);
  return self->remote_shown;
}

WebKitWebView *
kabar_message_view_get_web_view (KabarMessageView *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_VIEW (self), NULL);
  return self->web_view;
}

/* --- the web view's requests ------------------------------------------------------------- */

static gboolean
decide_navigation (KabarMessageView         *self,
                   WebKitPolicyDecision     *decision,
                   WebKitPolicyDecisionType  type)
{
  WebKitNavigationAction *action =
    webkit_navigation_policy_decision_get_navigation_action (WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  const char *uri = webkit_uri_request_get_uri (webkit_navigation_action_get_request (action));
  WebKitNavigationType navigation = webkit_navigation_action_get_navigation_type (action);

  /* The view's own load_html(), once: a meta refresh or a frame asking
   * for the same address later is refused with the rest. */
  if (type == WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION && self->expected_loads > 0
      && navigation == WEBKIT_NAVIGATION_TYPE_OTHER && g_strcmp0 (uri, KABAR_MESSAGE_WEB_BASE_URI) == 0)
    {
      self->expected_loads--;
      webkit_policy_decision_use (decision);
      return TRUE;
    }

  webkit_policy_decision_ignore (decision);
  /* A link the user clicked goes to the browser, never into this view. */
  if (navigation == WEBKIT_NAVIGATION_TYPE_LINK_CLICKED && kabar_message_web_is_openable_link (uri))
    {
      gboolean handled = FALSE;

      g_signal_emit (self, signals[SIGNAL_OPEN_LINK], 0, uri, &handled);
    }
  return TRUE;
}

static gboolean
on_decide_policy (WebKitWebView            *web_view,
                  WebKitPolicyDecision     *decision,
                  WebKitPolicyDecisionType  type,
                  KabarMessageView         *self)
{
  switch (type)
    {
    case WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION:
    case WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION:
      return decide_navigation (self, decision, type);
    case WEBKIT_POLICY_DECISION_TYPE_RESPONSE:
      /* What the view cannot show would become a download. */
      if (webkit_response_policy_decision_is_mime_type_supported (WEBKIT_RESPONSE_POLICY_DECISION (decision)))
        webkit_policy_decision_use (decision);
      else
        webkit_policy_decision_ignore (decision);
      return TRUE;
    default:
      webkit_policy_decision_ignore (decision);
      return TRUE;
    }
}

static GtkWidget *
on_create (WebKitWebView          *web_view,
           WebKitNavigationAction *action,
           KabarMessageView       *self)
{
  /* No window of its own, ever. */
  return NULL;
}

static void
on_load_changed (WebKitWebView   *web_view,
                 WebKitLoadEvent  event,
                 KabarMessageView *self)
{
  if (event == WEBKIT_LOAD_FINISHED && self->html != NULL)
    set_loaded (self, TRUE);
}

static void
on_mouse_target_changed (WebKitWebView       *web_view,
                         WebKitHitTestResult *hit,
                         guint                modifiers,
                         KabarMessageView    *self)
{
  /* The real target, whatever the link's text claims. */
  const char *uri = webkit_hit_test_result_context_is_link (hit)
                    ? webkit_hit_test_result_get_link_uri (hit) : NULL;

  gtk_label_set_text (GTK_LABEL (self->link_status), uri != NULL ? uri : "");
  gtk_widget_set_visible (self->link_status, uri != NULL);
}

static void
on_pointer_left (KabarMessageView *self)
{
  gtk_widget_set_visible (self->link_status, FALSE);
}

static gboolean
on_context_menu (WebKitWebView       *web_view,
                 WebKitContextMenu   *menu,
                 WebKitHitTestResult *hit,
                 KabarMessageView    *self)
{
  GList *items = g_list_copy (webkit_context_menu_get_items (menu));

  /* Only what copies: no "open in new window", no reload, no inspector. */
  for (GList *l = items; l != NULL; l = l->next)
    {
      WebKitContextMenuAction action = webkit_context_menu_item_get_stock_action (l->data);

      if (action != WEBKIT_CONTEXT_MENU_ACTION_COPY
          && action != WEBKIT_CONTEXT_MENU_ACTION_COPY_LINK_TO_CLIPBOARD
          && action != WEBKIT_CONTEXT_MENU_ACTION_COPY_IMAGE_TO_CLIPBOARD
          && action != WEBKIT_CONTEXT_MENU_ACTION_SELECT_ALL)
        webkit_context_menu_remove (menu, l->data);
    }
  g_list_free (items);
  return webkit_context_menu_get_n_items (menu) == 0;
}

static void
on_link_launched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_warning ("Could not open the link: %s", error->message);
}

static gboolean
kabar_message_view_real_open_link (KabarMessageView *self,
                                   const char       *uri)
{
  g_autoptr(GdkAppLaunchContext) context =
    gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));

  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), NULL, on_link_launched, NULL);
  return TRUE;
}

/* --- find -------------------------------------------------------------------------------- */

static WebKitFindController *
find_controller (KabarMessageView *self)
{
  return webkit_web_view_get_find_controller (self->web_view);
}

static void
on_find_changed (KabarMessageView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->find_entry));
  guint options = WEBKIT_FIND_OPTIONS_CASE_INSENSITIVE | WEBKIT_FIND_OPTIONS_WRAP_AROUND;

  if (*text == '\0')
    {
      webkit_find_controller_search_finish (find_controller (self));
      gtk_label_set_text (GTK_LABEL (self->find_status), "");
      return;
    }
  webkit_find_controller_search (find_controller (self), text, options, G_MAXUINT);
  webkit_find_controller_count_matches (find_controller (self), text, options, G_MAXUINT);
}

static void
on_find_next (KabarMessageView *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->find_entry)) != '\0')
    webkit_find_controller_search_next (find_controller (self));
}

static void
on_find_previous (KabarMessageView *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->find_entry)) != '\0')
    webkit_find_controller_search_previous (find_controller (self));
}

static void
on_find_stop (KabarMessageView *self)
{
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (self->search_bar), FALSE);
  webkit_find_controller_search_finish (find_controller (self));
}

static void
on_counted_matches (WebKitFindController *controller,
                    guint                 count,
                    KabarMessageView     *self)
{
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u match", "%u matches", count), count);

  gtk_label_set_text (GTK_LABEL (self->find_status), text);
}

static void
on_failed_to_find (WebKitFindController *controller,
                   KabarMessageView     *self)
{
  gtk_label_set_text (GTK_LABEL (self->find_status), _("No matches"));
}

/* --- actions ----------------------------------------------------------------------------- */

static void
copy_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  webkit_web_view_execute_editing_command (KABAR_MESSAGE_VIEW (widget)->web_view,
                                           WEBKIT_EDITING_COMMAND_COPY);
}

static void
select_all_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *parameter)
{
  webkit_web_view_execute_editing_command (KABAR_MESSAGE_VIEW (widget)->web_view,
                                           WEBKIT_EDITING_COMMAND_SELECT_ALL);
}

static void
find_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  KabarMessageView *self = KABAR_MESSAGE_VIEW (widget);

  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (self->search_bar), TRUE);
  gtk_widget_grab_focus (self->find_entry);
}

static void
find_next_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *parameter)
{
  on_find_next (KABAR_MESSAGE_VIEW (widget));
}

static void
find_previous_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *parameter)
{
  on_find_previous (KABAR_MESSAGE_VIEW (widget));
}

static void
zoom_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  WebKitWebView *web_view = KABAR_MESSAGE_VIEW (widget)->web_view;
  double level = webkit_web_view_get_zoom_level (web_view);
  double next = ZOOM_DEFAULT;

  if (g_str_equal (name, "message.zoom-in"))
    {
      next = zoom_levels[G_N_ELEMENTS (zoom_levels) - 1];
      for (guint i = 0; i < G_N_ELEMENTS (zoom_levels); i++)
        if (zoom_levels[i] > level + 0.001)
          {
            next = zoom_levels[i];
            break;
          }
    }
  else if (g_str_equal (name, "message.zoom-out"))
    {
      next = zoom_levels[0];
      for (guint i = G_N_ELEMENTS (zoom_levels); i > 0; i--)
        if (zoom_levels[i - 1] < level - 0.001)
          {
            next = zoom_levels[i - 1];
            break;
          }
    }
  webkit_web_view_set_zoom_level (web_view, next);
}

static void
print_action (GtkWidget  *widget,
              const char *name,
              GVariant   *parameter)
{
  KabarMessageView *self = KABAR_MESSAGE_VIEW (widget);
  g_autoptr(WebKitPrintOperation) operation = webkit_print_operation_new (self->web_view);
  GtkRoot *root = gtk_widget_get_root (widget);

  webkit_print_operation_run_dialog (operation, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
}

static void
view_source_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *parameter)
{
  KabarMessageView *self = KABAR_MESSAGE_VIEW (widget);
  g_autofree char *source = kabar_message_display_dup_source_text (self->display);
  g_autofree char *title = g_strdup_printf (_("Source of “%s”"), kabar_message_display_get_subject (self->display));
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *text_view = gtk_text_view_new ();

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 600);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view)), source, -1);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (text_view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (text_view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (text_view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (text_view), GTK_WRAP_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (text_view), 12);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (text_view), 12);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (text_view), 12);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (text_view), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (text_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Message Source"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), text_view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

/* Saving and opening. */

void
kabar_message_view_save_async (KabarMessageView    *self,
                               GFile               *file,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_MESSAGE_VIEW (self));
  g_return_if_fail (self->display != NULL);

  kabar_message_files_write_async (self, kabar_message_view_save_async,
                                   kabar_message_display_get_raw (self->display), file,
                                   cancellable, callback, user_data);
}

gboolean
kabar_message_view_save_finish (KabarMessageView  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return kabar_message_files_write_finish (result, error);
}

void
kabar_message_view_save_attachment_async (KabarMessageView    *self,
                                          guint                index,
                                          GFile               *file,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  g_return_if_fail (KABAR_IS_MESSAGE_VIEW (self));
  g_return_if_fail (self->display != NULL);

  bytes = kabar_message_display_dup_attachment_data (self->display, index, &error);
  if (bytes == NULL)
    {
      g_task_report_error (self, callback, user_data, kabar_message_view_save_attachment_async, error);
      return;
    }
  kabar_message_files_write_async (self, kabar_message_view_save_attachment_async, bytes, file,
                                   cancellable, callback, user_data);
}

gboolean
kabar_message_view_save_attachment_finish (KabarMessageView  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return kabar_message_files_write_finish (result, error);
}

static void
save_as_action (GtkWidget  *widget,
                const char *name,
                GVariant   *parameter)
{
  KabarMessageView *self = KABAR_MESSAGE_VIEW (widget);

  if (self->display != NULL)
    kabar_message_files_save_message (widget, self->display);
}

static void
save_attachment_action (GtkWidget  *widget,
                        const char *name,
                        GVariant   *parameter)
{
  KabarMessageView *self = KABAR_MESSAGE_VIEW (widget);

  if (self->display != NULL)
    kabar_message_files_save_attachment (widget, self->display, g_variant_get_uint32 (parameter));
}

static void
save_all_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *parameter)
{
  KabarMessageView *self = KABAR_MESSAGE_VIEW (widget);

  if (self->display != NULL)
    kabar_message_files_save_all (widget, self->display);
}

static void
open_attachment_action (GtkWidget  *widget,
                        const char *name,
                        GVariant   *parameter)
{
  KabarMessageView *self = KABAR_MESSAGE_VIEW (widget);

  if (self->display != NULL)
    kabar_message_files_open_attachment (widget, self->display, g_variant_get_uint32 (parameter));
}

/* Remote content. */

static void
show_remote_content_action (GtkWidget  *widget,
                            const char *name,
                            GVariant   *parameter)
{
  KabarMessageView *self = KABAR_MESSAGE_VIEW (widget);

  if (self->html == NULL || self->remote_shown)
    return;
  self->remote_shown = TRUE;
  set_loaded (self, FALSE);
  load_when_filter_ready (self);
}

static void
on_sender_allowed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree char *address = user_data;
  g_autoptr(GError) error = NULL;

  if (!kabar_store_allow_remote_content_finish (KABAR_STORE (source), result, &error))
    g_warning ("Could not remember that %s may load remote content: %s", address, error->message);
}

static void
always_for_sender_action (GtkWidget  *widget,
                          const char *name,
                          GVariant   *parameter)
{
  KabarMessageView *self = KABAR_MESSAGE_VIEW (widget);

  if (self->store == NULL || self->sender == NULL || *self->sender == '\0')
    return;
  kabar_store_allow_remote_content_async (self->store, self->sender, NULL, on_sender_allowed,
                                          g_strdup (self->sender));
  show_remote_content_action (widget, name, parameter);
}

static void
update_actions (KabarMessageView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has_body = self->html != NULL;
  gboolean has_message = self->display != NULL;
  /* "Never" means never by itself: no sender may be chosen then. */
  gboolean can_allow = self->store != NULL && self->sender != NULL && *self->sender != '\0'
                       && remote_policy (self) == REMOTE_SENDERS;

  gtk_widget_action_set_enabled (widget, "message.copy", has_body);
  gtk_widget_action_set_enabled (widget, "message.select-all", has_body);
  gtk_widget_action_set_enabled (widget, "message.find", has_body);
  gtk_widget_action_set_enabled (widget, "message.print", has_body);
  gtk_widget_action_set_enabled (widget, "message.view-source", has_message);
  gtk_widget_action_set_enabled (widget, "message.save-as", has_message);
  gtk_widget_action_set_enabled (widget, "message.save-all", has_message);
  gtk_widget_action_set_enabled (widget, "message.show-remote-content", has_body && !self->remote_shown);
  gtk_widget_action_set_enabled (widget, "message.always-for-sender",
                                 has_body && !self->remote_shown && can_allow);
  gtk_widget_set_visible (self->always_button, can_allow);
}

static void
on_dark_changed (KabarMessageView *self)
{
  if (self->html != NULL && self->loaded)
    {
      set_loaded (self, FALSE);
      load_when_filter_ready (self);
    }
}

/* --- the widget -------------------------------------------------------------------------- */

static void
create_web_view (KabarMessageView *self)
{
  g_autoptr(WebKitSettings) settings = kabar_message_web_new_settings ();

  self->content_manager = webkit_user_content_manager_new ();
  self->web_view = g_object_new (WEBKIT_TYPE_WEB_VIEW,
                                 "web-context", kabar_message_web_get_context (),
                                 "network-session", kabar_message_web_get_network_session (),
                                 "settings", settings,
                                 "user-content-manager", self->content_manager,
                                 "vexpand", TRUE,
                                 "visible", FALSE,
                                 NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->web_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Message"), -1);
  gtk_overlay_set_child (GTK_OVERLAY (self->web_overlay), GTK_WIDGET (self->web_view));
  kabar_message_web_set_cid_func (self->web_view, serve_cid, self);

  g_signal_connect_object (self->web_view, "decide-policy", G_CALLBACK (on_decide_policy), self, 0);
  g_signal_connect_object (self->web_view, "create", G_CALLBACK (on_create), self, 0);
  g_signal_connect_object (self->web_view, "load-changed", G_CALLBACK (on_load_changed), self, 0);
  g_signal_connect_object (self->web_view, "mouse-target-changed", G_CALLBACK (on_mouse_target_changed), self, 0);
  g_signal_connect_object (self->web_view, "context-menu", G_CALLBACK (on_context_menu), self, 0);
  {
    GtkEventController *motion = gtk_event_controller_motion_new ();

    g_signal_connect_object (motion, "leave", G_CALLBACK (on_pointer_left), self, G_CONNECT_SWAPPED);
    gtk_widget_add_controller (GTK_WIDGET (self->web_view), motion);
  }
  g_signal_connect_object (find_controller (self), "counted-matches", G_CALLBACK (on_counted_matches), self, 0);
  g_signal_connect_object (find_controller (self), "failed-to-find-text", G_CALLBACK (on_failed_to_find), self, 0);
}

static void
kabar_message_view_dispose (GObject *object)
{
  KabarMessageView *self = KABAR_MESSAGE_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  if (self->web_view != NULL)
    kabar_message_web_set_cid_func (self->web_view, NULL, NULL);
  forget_message (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_MESSAGE_VIEW);
  self->web_view = NULL;
  g_clear_object (&self->content_manager);
  g_clear_pointer (&self->filter, webkit_user_content_filter_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (kabar_message_view_parent_class)->dispose (object);
}

static void
kabar_message_view_finalize (GObject *object)
{
  KabarMessageView *self = KABAR_MESSAGE_VIEW (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (kabar_message_view_parent_class)->finalize (object);
}

static void
install_zoom_keys (GtkWidgetClass *widget_class)
{
  static const guint in_keys[] = { GDK_KEY_plus, GDK_KEY_equal, GDK_KEY_KP_Add };
  static const guint out_keys[] = { GDK_KEY_minus, GDK_KEY_KP_Subtract };

  for (guint i = 0; i < G_N_ELEMENTS (in_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, in_keys[i], GDK_CONTROL_MASK, "message.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "message.zoom-in", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (out_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, out_keys[i], GDK_CONTROL_MASK, "message.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "message.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "message.zoom-reset", NULL);
}

static void
kabar_message_view_class_init (KabarMessageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kabar_message_view_dispose;
  object_class->finalize = kabar_message_view_finalize;

  /* The body finished loading, blocked or with remote content. */
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The user clicked a link to uri (http, https or mailto). The default
   * handler opens it in the default application; return TRUE to stop
   * it. */
  signals[SIGNAL_OPEN_LINK] = g_signal_new_class_handler ("open-link", G_TYPE_FROM_CLASS (klass),
                                                          G_SIGNAL_RUN_LAST,
                                                          G_CALLBACK (kabar_message_view_real_open_link),
                                                          g_signal_accumulator_true_handled, NULL, NULL,
                                                          G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-message-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, content);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, header);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, subject_label);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, menu_button);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, from_name_label);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, from_address_label);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, date_label);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, to_box);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, to_label);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, cc_box);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, cc_label);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, security_box);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, security_icon);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, security_label);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, attachments_box);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, attachments_flow);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, find_entry);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, find_status);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, remote_revealer);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, always_button);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, web_overlay);
  gtk_widget_class_bind_template_child (widget_class, KabarMessageView, link_status);
  gtk_widget_class_bind_template_callback (widget_class, on_find_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_find_next);
  gtk_widget_class_bind_template_callback (widget_class, on_find_previous);
  gtk_widget_class_bind_template_callback (widget_class, on_find_stop);

  gtk_widget_class_install_action (widget_class, "message.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "message.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "message.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "message.find-next", NULL, find_next_action);
  gtk_widget_class_install_action (widget_class, "message.find-previous", NULL, find_previous_action);
  gtk_widget_class_install_action (widget_class, "message.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "message.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "message.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "message.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "message.view-source", NULL, view_source_action);
  gtk_widget_class_install_action (widget_class, "message.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "message.save-all", NULL, save_all_action);
  gtk_widget_class_install_action (widget_class, "message.save-attachment", "u", save_attachment_action);
  gtk_widget_class_install_action (widget_class, "message.open-attachment", "u", open_attachment_action);
  gtk_widget_class_install_action (widget_class, "message.show-remote-content", NULL, show_remote_content_action);
  gtk_widget_class_install_action (widget_class, "message.always-for-sender", NULL, always_for_sender_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "message.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "message.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "message.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "message.find-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_G, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "message.find-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "message.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_u, GDK_CONTROL_MASK, "message.view-source", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "message.save-as", NULL);
  install_zoom_keys (widget_class);

  gtk_widget_class_set_css_name (widget_class, "messageview");
}

static void
kabar_message_view_init (KabarMessageView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  /* Applied at once: the preferences change them while a message shows. */
  self->settings = g_settings_new (KABAR_APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::prefer-plain-text",
                           G_CALLBACK (on_prefer_plain_text_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::remote-content",
                           G_CALLBACK (on_remote_content_changed), self, G_CONNECT_SWAPPED);
  create_web_view (self);
  gtk_search_bar_connect_entry (GTK_SEARCH_BAR (self->search_bar), GTK_EDITABLE (self->find_entry));
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed), self, G_CONNECT_SWAPPED);
  update_actions (self);
  /* Nothing shown yet: no header either. */
  gtk_widget_set_visible (self->header, FALSE);
}

GtkWidget *
kabar_message_view_new (void)
{
  return g_object_new (KABAR_TYPE_MESSAGE_VIEW, NULL);
}
