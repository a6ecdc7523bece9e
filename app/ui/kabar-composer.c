/* kabar-composer.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-address-entry.h"
#include "kabar-attachment-reminder.h"
#include "kabar-composer.h"
#include "kabar-composer-attachments.h"
#include "kabar-composer-body.h"
#include "kabar-window.h"

/* Most providers, Outlook.com among them, refuse a message over 25 MB as
 * sent (attachments in base64). */
#define SIZE_LIMIT         (25 * 1000 * 1000)
/* Seconds of quiet after a change before the draft is saved. */
#define AUTOSAVE_SECONDS   3

typedef struct
{
  KabarMailService *service;
  guint             index;
} Identity;

struct _KabarComposer
{
  AdwApplicationWindow      parent_instance;

  AdwToastOverlay          *toast_overlay;
  AdwWindowTitle           *window_title;
  GtkRevealer              *error_revealer;
  GtkLabel                 *error_label;
  GtkRevealer              *size_revealer;
  GtkLabel                 *size_label;
  GtkDropDown              *from_dropdown;
  KabarAddressEntry        *to_entry;
  KabarAddressEntry        *cc_entry;
  KabarAddressEntry        *bcc_entry;
  GtkWidget                *cc_label;
  GtkWidget                *bcc_label;
  GtkWidget                *cc_button;
  GtkWidget                *bcc_button;
  GtkEntry                 *subject_entry;
  KabarComposerBody        *body;
  KabarComposerAttachments *attachments;
  GtkWidget                *attachments_scroller;

  GSettings                *settings;
  /* Identity: every identity of every account, as the From list shows. */
  GArray                   *identities;
  KabarComposerStart        start;
  /* What the composer keeps of the message it was given and shows no
   * field for: Message-ID, threading, Reply-To, inline images. */
  KabarOutgoingMessage     *kept;

  /* The signature the composer put in, between the marks, so that a new
   * From swaps it while the user has not touched it. */
  char                     *signature_block;
  GtkTextMark              *signature_start;
  GtkTextMark              *signature_end;

  /* The draft this message continues, and the account it is in. */
  gint64                    draft_id;
  KabarMailService         *draft_service;
  /* Each change counts; the draft saved holds saved_generation. */
  guint64                   generation;
  guint64                   saved_generation;
  guint64                   saving_generation;
  KabarOutgoingMessage     *saving_draft;
  guint                     save_timeout;
  gboolean                  loading;
  gboolean                  saving;
  gboolean                  save_again;
  /* Once the window has gone: what it left to do, on which account. */
  int                       leaving;
  KabarOutgoingMessage     *final_message;
  KabarMailService         *final_service;
  KabarOutgoingMessage     *sent_message;
  KabarApplication         *application;
  /* From the leaving until the last save or send is done: quitting
   * waits for it, so no text is lost. */
  gboolean                  holds_application;
};

G_DEFINE_FINAL_TYPE (KabarComposer, kabar_composer, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_RICH_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void save_draft (KabarComposer *self);

/* --- identities ------------------------------------------------------------------------ */

static const Identity *
current_identity (KabarComposer *self)
{
  guint selected = gtk_drop_down_get_selected (self->from_dropdown);

  if (selected >= self->identities->len)
    return NULL;
  return &g_array_index (self->identities, Identity, selected);
}

static KabarMailService *
current_service (KabarComposer *self)
{
  const Identity *identity = current_identity (self);

  return identity != NULL ? identity->service : NULL;
}

static const char *
identity_signature (const Identity *identity)
{
  KabarAccount *account;

  if (identity == NULL)
    return NULL;
  account = kabar_mail_service_get_account (identity->service);
  return kabar_account_get_identity_signature (account, identity->index);
}

static char *
identity_label (const Identity *identity,
                gboolean        several_accounts)
{
  KabarAccount *account = kabar_mail_service_get_account (identity->service);
  const char *name = kabar_account_get_identity_name (account, identity->index);
  const char *address = kabar_account_get_identity_address (account, identity->index);
  g_autofree char *label = NULL;

  if (name != NULL && *name != '\0')
    label = g_strdup_printf ("%s <%s>", name, address);
  else
    label = g_strdup (address);
  /* An alias says which account sends it when there is a choice. */
  if (several_accounts && g_ascii_strcasecmp (address, kabar_account_get_address (account)) != 0)
    /* Translators: an address to send from, and the account it belongs to. */
    return g_strdup_printf (_("%s (account %s)"), label, kabar_account_get_address (account));
  return g_steal_pointer (&label);
}

static void
fill_identities (KabarComposer *self,
                 GListModel    *services)
{
  guint n_services = g_list_model_get_n_items (services);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  for (guint i = 0; i < n_services; i++)
    {
      KabarMailService *service = g_list_model_get_item (services, i);
      KabarAccount *account = kabar_mail_service_get_account (service);
      guint n = kabar_account_get_n_identities (account);

      for (guint j = 0; j < n; j++)
        {
          Identity identity = { g_object_ref (service), j };
          g_autofree char *label = identity_label (&identity, n_services > 1);

          g_array_append_val (self->identities, identity);
          gtk_string_list_append (labels, label);
        }
      g_object_unref (service);
    }
  gtk_drop_down_set_model (self->from_dropdown, G_LIST_MODEL (labels));
}

/* The identity with the message's From address, of service's account
 * first; else service's first. */
static guint
find_identity (KabarComposer    *self,
               KabarMailService *service,
               const char       *address)
{
  guint first = 0;
  gboolean first_found = FALSE;
  guint other = G_MAXUINT;

  for (guint i = 0; i < self->identities->len; i++)
    {
      Identity *identity = &g_array_index (self->identities, Identity, i);
      KabarAccount *account = kabar_mail_service_get_account (identity->service);
      gboolean matches = address != NULL
        && g_ascii_strcasecmp (kabar_account_get_identity_address (account, identity->index), address) == 0;

      if (identity->service == service && matches)
        return i;
      if (identity->service == service && !first_found)
        {
          first = i;
          first_found = TRUE;
        }
      if (matches && other == G_MAXUINT)
        other = i;
    }
  if (other != G_MAXUINT && (service == NULL || !first_found))
    return other;
  return first;
}

/* --- signatures ------------------------------------------------------------------------ */

static char *
make_signature_block (const char *signature,
                      const char *before,
                      const char *after)
{
  if (signature == NULL || *signature == '\0')
    return g_strdup ("");
  return g_strconcat (before, "-- \n", signature, after, NULL);
}

/* A reply with the user's text above the quote. */
static gboolean
reply_above (KabarComposer *self)
{
  g_autofree char *position = g_settings_get_string (self->settings, "reply-position");

  return self->start == KABAR_COMPOSER_REPLY && g_strcmp0 (position, "below") != 0;
}

static GtkTextBuffer *
body_buffer (KabarComposer *self)
{
  return gtk_text_view_get_buffer (kabar_composer_body_get_view (self->body));
}

/* The block sits between two marks that move right with what is typed
 * at them: text typed before the block stays the user's, text typed at
 * its end is an edit of it. An empty block's marks both move with what is
 * typed at that place, so that a signature chosen later comes after it. */
static void
set_signature_marks (KabarComposer *self,
                     int            start_offset,
                     int            end_offset)
{
  GtkTextBuffer *buffer = body_buffer (self);
  GtkTextIter start;
  GtkTextIter end;

  if (self->signature_start != NULL)
    {
      gtk_text_buffer_delete_mark (buffer, self->signature_start);
      gtk_text_buffer_delete_mark (buffer, self->signature_end);
    }
  gtk_text_buffer_get_iter_at_offset (buffer, &start, start_offset);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, end_offset);
  self->signature_start = gtk_text_buffer_create_mark (buffer, NULL, &start, FALSE);
  self->signature_end = gtk_text_buffer_create_mark (buffer, NULL, &end, FALSE);
}

static void
swap_signature (KabarComposer *self)
{
  GtkTextBuffer *buffer = body_buffer (self);
  const char *signature = identity_signature (current_identity (self));
  g_autofree char *shown = NULL;
  g_autofree char *block = NULL;
  GtkTextIter start;
  GtkTextIter end;
  int offset;

  if (self->signature_start == NULL)
    return;
  gtk_text_buffer_get_iter_at_mark (buffer, &start, self->signature_start);
  gtk_text_buffer_get_iter_at_mark (buffer, &end, self->signature_end);
  gtk_text_iter_order (&start, &end);
  shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  /* Edited: the user's now. */
  if (g_strcmp0 (shown, self->signature_block) != 0)
    return;

  if (reply_above (self))
    block = make_signature_block (signature, "\n", "\n");
  else
    block = make_signature_block (signature, "\n\n", "");
  if (g_strcmp0 (block, self->signature_block) == 0)
    return;

  offset = gtk_text_iter_get_offset (&start);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &start, &end);
  gtk_text_buffer_insert (buffer, &start, block, -1);
  gtk_text_buffer_end_user_action (buffer);
  set_signature_marks (self, offset, offset + g_utf8_strlen (block, -1));
  g_free (self->signature_block);
  self->signature_block = g_steal_pointer (&block);
}

/* --- the draft ------------------------------------------------------------------------- */

static gboolean
is_changed (KabarComposer *self)
{
  return self->generation != self->saved_generation;
}

static gboolean
on_save_timeout (gpointer user_data)
{
  KabarComposer *self = KABAR_COMPOSER (user_data);

  self->save_timeout = 0;
  save_draft (self);
  return G_SOURCE_REMOVE;
}

static void
changed (KabarComposer *self)
{
  if (self->loading || self->leaving != 0)
    return;
  self->generation++;
  g_clear_handle_id (&self->save_timeout, g_source_remove);
  self->save_timeout = g_timeout_add_seconds (AUTOSAVE_SECONDS, on_save_timeout, self);
}

static void
show_error (KabarComposer *self,
            const char    *text)
{
  gtk_label_set_text (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
on_error_close_clicked (KabarComposer *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static void
add_references (KabarOutgoingMessage *message,
                KabarOutgoingMessage *kept)
{
  const char * const *references = kabar_outgoing_message_get_references (kept);
  g_autoptr(GString) header = g_string_new (NULL);
  g_autofree char *in_reply_to = NULL;

  for (guint i = 0; references != NULL && references[i] != NULL; i++)
    g_string_append_printf (header, "%s<%s>", header->len > 0 ? " " : "", references[i]);
  if (kabar_outgoing_message_get_in_reply_to (kept) != NULL)
    in_reply_to = g_strdup_printf ("<%s>", kabar_outgoing_message_get_in_reply_to (kept));
  if (in_reply_to != NULL || header->len > 0)
    kabar_outgoing_message_set_threading (message, in_reply_to, header->len > 0 ? header->str : NULL);
}

static void
add_field (KabarOutgoingMessage *message,
           KabarOutgoingField    field,
           KabarAddressEntry    *entry)
{
  InternetAddressList *list = kabar_address_entry_dup_addresses (entry);

  internet_address_list_append (kabar_outgoing_message_get_addresses (message, field), list);
  g_object_unref (list);
}

/* A message of its own for each save and send: the engine reads it on a
 * thread until its call completes, while the user goes on writing. */
static KabarOutgoingMessage *
build_message (KabarComposer *self)
{
  KabarOutgoingMessage *message = kabar_outgoing_message_new ();
  const Identity *identity = current_identity (self);
  g_autofree char *text = kabar_composer_body_dup_text (self->body);
  g_autofree char *html = kabar_composer_body_dup_html (self->body);

  if (identity != NULL)
    {
      KabarAccount *account = kabar_mail_service_get_account (identity->service);

      kabar_outgoing_message_set_from (message, kabar_account_get_identity_name (account, identity->index),
                                       kabar_account_get_identity_address (account, identity->index));
    }
  add_field (message, KABAR_OUTGOING_TO, self->to_entry);
  add_field (message, KABAR_OUTGOING_CC, self->cc_entry);
  add_field (message, KABAR_OUTGOING_BCC, self->bcc_entry);
  internet_address_list_append (kabar_outgoing_message_get_addresses (message, KABAR_OUTGOING_REPLY_TO),
                                kabar_outgoing_message_get_addresses (self->kept, KABAR_OUTGOING_REPLY_TO));
  kabar_outgoing_message_set_subject (message, gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)));
  kabar_outgoing_message_set_text (message, text);
  kabar_outgoing_message_set_html (message, html);
  kabar_composer_attachments_add_to (self->attachments, message);
  for (guint i = 0; html != NULL && i < kabar_outgoing_message_get_n_inline_images (self->kept); i++)
    {
      const char *name = NULL;
      const char *content_type = NULL;
      const char *content_id = NULL;
      GBytes *data = kabar_outgoing_message_get_inline_image (self->kept, i, &name, &content_type, &content_id);

      kabar_outgoing_message_add_inline_image (message, data, name, content_type, content_id);
    }
  if (kabar_outgoing_message_get_message_id (self->kept) != NULL)
    kabar_outgoing_message_set_message_id (message, kabar_outgoing_message_get_message_id (self->kept));
  add_references (message, self->kept);
  return message;
}

static void
on_old_draft_deleted (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Nothing to tell: the text is safe in the new draft. */
  if (!kabar_mail_service_change_finish (KABAR_MAIL_SERVICE (source), result, &error))
    g_warning ("Could not delete a draft replaced in another account: %s", error->message);
}

typedef enum
{
  LEAVING_NONE,
  LEAVING_CLOSE,
  LEAVING_SEND,
  LEAVING_DISCARD,
} Leaving;

static void after_save (KabarComposer *self);

/* What the window held, as a composer of its own with the error: the
 * window itself went when the user closed it or sent. */
static void
reopen_with_error (KabarComposer        *self,
                   KabarOutgoingMessage *message,
                   KabarMailService     *service,
                   const char           *text)
{
  KabarComposer *composer;

  composer = KABAR_COMPOSER (kabar_composer_new (self->application, service, message, KABAR_COMPOSER_DRAFT,
                                                 self->draft_service == service ? self->draft_id : 0));
  show_error (composer, text);
  /* Not safe anywhere yet: saved again as soon as it can be. */
  changed (composer);
  gtk_window_present (GTK_WINDOW (composer));
}

static void
on_draft_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KabarComposer) self = KABAR_COMPOSER (user_data);
  KabarMailService *service = KABAR_MAIL_SERVICE (source);
  g_autoptr(KabarOutgoingMessage) draft = g_steal_pointer (&self->saving_draft);
  g_autoptr(GError) error = NULL;
  gint64 id = kabar_mail_service_save_draft_finish (service, result, &error);

  self->saving = FALSE;
  /* The engine made its Message-ID at the first build: every save after
   * it, and the message sent, keep it. */
  if (kabar_outgoing_message_get_message_id (self->kept) == NULL
      && kabar_outgoing_message_get_message_id (draft) != NULL)
    kabar_outgoing_message_set_message_id (self->kept, kabar_outgoing_message_get_message_id (draft));
  if (id == 0)
    {
      g_autofree char *text = g_strdup_printf (_("The draft could not be saved: %s"), error->message);

      /* The window gone, the text comes back in a new one. */
      if (self->leaving == LEAVING_CLOSE && self->final_message == NULL)
        reopen_with_error (self, draft, service, text);
      else if (self->leaving == LEAVING_NONE)
        show_error (self, text);
      after_save (self);
      return;
    }

  /* A draft left behind in the account From was moved away from. */
  if (self->draft_id != 0 && self->draft_service != service)
    kabar_mail_service_delete_draft_async (self->draft_service, self->draft_id, NULL, on_old_draft_deleted, NULL);
  self->draft_id = id;
  g_set_object (&self->draft_service, service);
  self->saved_generation = self->saving_generation;
  after_save (self);
}

static void
save_message (KabarComposer        *self,
              KabarOutgoingMessage *draft,
              KabarMailService     *service)
{
  self->saving = TRUE;
  self->saving_generation = self->generation;
  g_set_object (&self->saving_draft, draft);
  kabar_mail_service_save_draft_async (service, draft,
                                       self->draft_service == service ? self->draft_id : 0,
                                       NULL, on_draft_saved, g_object_ref (self));
}

static void
save_draft (KabarComposer *self)
{
  KabarMailService *service = current_service (self);
  g_autoptr(KabarOutgoingMessage) draft = NULL;

  g_clear_handle_id (&self->save_timeout, g_source_remove);
  if (service == NULL)
    return;
  if (self->saving)
    {
      self->save_again = TRUE;
      return;
    }
  draft = build_message (self);
  save_message (self, draft, service);
}

/* --- leaving --------------------------------------------------------------------------------
 *
 * Closing, sending and discarding end the window at once; what they
 * still have to do (a save, the send, deleting the draft) goes on in the
 * composer object, which the engine's calls keep alive, with the message
 * taken from the window before it went. GTK 4.8 cannot be trusted with a
 * window hidden for a while and destroyed later: its surface asked the
 * freed window for its size. */

static void
on_draft_discarded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kabar_mail_service_change_finish (KABAR_MAIL_SERVICE (source), result, &error))
    g_warning ("Could not delete the draft: %s", error->message);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data);

static void
continue_leaving (KabarComposer *self)
{
  g_autoptr(KabarOutgoingMessage) message = g_steal_pointer (&self->final_message);

  switch (self->leaving)
    {
    case LEAVING_CLOSE:
      if (message != NULL)
        save_message (self, message, self->final_service);
      break;
    case LEAVING_SEND:
      g_set_object (&self->sent_message, message);
      kabar_mail_service_send_async (self->final_service, message,
                                     self->draft_service == self->final_service ? self->draft_id : 0,
                                     NULL, on_sent, g_object_ref (self));
      break;
    case LEAVING_DISCARD:
      if (self->draft_id != 0)
        kabar_mail_service_delete_draft_async (self->draft_service, self->draft_id, NULL,
                                               on_draft_discarded, NULL);
      self->draft_id = 0;
      break;
    case LEAVING_NONE:
    default:
      break;
    }
}

/* After a save, what waited for it: the leaving, or the changes made
 * meanwhile. */
static void
after_save (KabarComposer *self)
{
  if (self->leaving != LEAVING_NONE)
    continue_leaving (self);
  else if (self->save_again)
    {
      self->save_again = FALSE;
      save_draft (self);
    }
}

/* Takes what is left to do from the window, which then goes (unless
 * GTK destroys it itself, after close-request). */
static void
leave (KabarComposer *self,
       Leaving        leaving,
       gboolean       destroy)
{
  KabarMailService *service = current_service (self);

  self->leaving = leaving;
  if (!self->holds_application)
    {
      g_application_hold (G_APPLICATION (self->application));
      self->holds_application = TRUE;
    }
  g_clear_handle_id (&self->save_timeout, g_source_remove);
  g_set_object (&self->final_service, service);
  if (service != NULL && (leaving == LEAVING_SEND || (leaving == LEAVING_CLOSE && is_changed (self))))
    self->final_message = build_message (self);
  if (!self->saving)
    continue_leaving (self);
  if (destroy)
    gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
kabar_composer_close_request (GtkWindow *window)
{
  KabarComposer *self = KABAR_COMPOSER (window);

  /* Closing never loses text: the last changes are saved as the window
   * goes. */
  if (self->leaving == LEAVING_NONE)
    leave (self, LEAVING_CLOSE, FALSE);
  return FALSE;
}

static gboolean
discard_idle (gpointer user_data)
{
  leave (user_data, LEAVING_DISCARD, TRUE);
  return G_SOURCE_REMOVE;
}

/* What a dialog's answer does to this window waits until the dialog,
 * transient for it, has gone. */
static void
after_dialog (KabarComposer *self,
              GSourceFunc    func)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, func, g_object_ref (self), g_object_unref);
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     KabarComposer    *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    after_dialog (self, discard_idle);
}

static void
discard_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KabarComposer *self = KABAR_COMPOSER (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Discard Draft?"),
                                              _("The message will be deleted, and its draft with it."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- sending --------------------------------------------------------------------------- */

typedef struct
{
  KabarApplication *application;
  KabarMailService *service;
  gint64            outbox_id;
} Undo;

static void
undo_free (gpointer data,
           GClosure *closure)
{
  Undo *undo = data;

  g_object_unref (undo->application);
  g_object_unref (undo->service);
  g_free (undo);
}

static KabarWindow *
find_main_window (KabarApplication *application)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l != NULL; l = l->next)
    if (KABAR_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
show_main_toast (KabarApplication *application,
                 const char       *text)
{
  KabarWindow *window = find_main_window (application);
  g_autoptr(AdwToast) toast = adw_toast_new (text);

  if (window != NULL)
    kabar_window_add_toast (window, toast, FALSE);
}

static void
on_taken_back (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KabarApplication) application = user_data;
  KabarMailService *service = KABAR_MAIL_SERVICE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarOutgoingMessage) message = kabar_mail_service_take_back_finish (service, result, &error);
  GtkWidget *composer;

  if (message == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, KABAR_MAIL_SERVICE_ERROR, KABAR_MAIL_SERVICE_ERROR_ALREADY_SENT))
        text = g_strdup (_("Too late to undo: the message was sent"));
      else
        text = g_strdup_printf (_("Could not take the message back: %s"), error->message);
      show_main_toast (application, text);
      return;
    }
  composer = kabar_composer_new (application, service, message, KABAR_COMPOSER_DRAFT, 0);
  gtk_window_present (GTK_WINDOW (composer));
}

static void
on_undo_clicked (AdwToast *toast,
                 Undo     *undo)
{
  kabar_mail_service_take_back_async (undo->service, undo->outbox_id, NULL, on_taken_back,
                                      g_object_ref (undo->application));
}

static void
show_sending_toast (KabarComposer    *self,
                    KabarMailService *service,
                    gint64            outbox_id)
{
  KabarWindow *window = find_main_window (self->application);
  gboolean offline = kabar_mail_service_get_status (service) == KABAR_MAIL_SERVICE_STATUS_OFFLINE;
  g_autoptr(AdwToast) toast = NULL;
  Undo *undo;

  if (window == NULL)
    return;
  toast = adw_toast_new (offline ? _("Will be sent when online") : _("Sending…"));
  adw_toast_set_button_label (toast, _("_Undo"));
  /* As long as the message waits, at least as long as any toast. */
  adw_toast_set_timeout (toast, MAX (5, g_settings_get_uint (self->settings, "send-delay")));
  undo = g_new0 (Undo, 1);
  undo->application = g_object_ref (self->application);
  undo->service = g_object_ref (service);
  undo->outbox_id = outbox_id;
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo_clicked), undo, undo_free, 0);
  kabar_window_add_toast (window, toast, TRUE);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(KabarComposer) self = KABAR_COMPOSER (user_data);
  KabarMailService *service = KABAR_MAIL_SERVICE (source);
  g_autoptr(GError) error = NULL;
  gint64 outbox_id = kabar_mail_service_send_finish (service, result, &error);

  if (outbox_id == 0)
    {
      g_autofree char *text = g_strdup_printf (_("The message could not be sent: %s"), error->message);

      /* Back as it was: nothing lost. */
      reopen_with_error (self, self->sent_message, service, text);
      g_clear_object (&self->sent_message);
      return;
    }
  g_clear_object (&self->sent_message);
  /* Sending deleted the draft of its own account; one left in another
   * (From changed since) goes too. */
  if (self->draft_id != 0 && self->draft_service != service)
    kabar_mail_service_delete_draft_async (self->draft_service, self->draft_id, NULL, on_old_draft_deleted, NULL);
  self->draft_id = 0;
  show_sending_toast (self, service, outbox_id);
}

/* The window goes at once; a save under way finishes first, so that the
 * draft the send deletes is the last one. */
static void
send_checked (KabarComposer *self)
{
  leave (self, LEAVING_SEND, TRUE);
}

static void attach_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter);

static gboolean
send_anyway_idle (gpointer user_data)
{
  send_checked (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
attach_idle (gpointer user_data)
{
  attach_action (user_data, "composer.attach", NULL);
  return G_SOURCE_REMOVE;
}

static void
on_reminder_response (AdwMessageDialog *dialog,
                      const char       *response,
                      KabarComposer    *self)
{
  if (g_strcmp0 (response, "send") == 0)
    after_dialog (self, send_anyway_idle);
  else if (g_strcmp0 (response, "attach") == 0)
    after_dialog (self, attach_idle);
}

static void
ask_about_attachment (KabarComposer *self)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Send Without Attachment?"),
                                              _("The message speaks of an attachment, but nothing is attached."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "attach", _("_Attach File…"),
                                    "send", _("_Send Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "send", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "attach");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reminder_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_field (KabarComposer     *self,
            KabarAddressEntry *entry)
{
  gboolean cc = entry == self->cc_entry;

  if (entry != self->cc_entry && entry != self->bcc_entry)
    return;
  gtk_widget_set_visible (cc ? self->cc_label : self->bcc_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (entry), TRUE);
  gtk_widget_set_visible (cc ? self->cc_button : self->bcc_button, FALSE);
}

static void
mark_field (KabarComposer     *self,
            KabarAddressEntry *entry,
            const char        *text)
{
  show_field (self, entry);
  gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  show_error (self, text);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
}

/* What the user must fix before the message can go, said in the window. */
static gboolean
check_recipients (KabarComposer *self)
{
  KabarAddressEntry *entries[] = { self->to_entry, self->cc_entry, self->bcc_entry };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_autofree char *invalid = kabar_address_entry_dup_invalid (entries[i]);

      if (invalid != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("“%s” is not a valid address."), invalid);

          mark_field (self, entries[i], text);
          return FALSE;
        }
    }
  if (kabar_address_entry_is_empty (self->to_entry) && kabar_address_entry_is_empty (self->cc_entry)
      && kabar_address_entry_is_empty (self->bcc_entry))
    {
      mark_field (self, self->to_entry, _("Add a recipient: the message has nobody to go to."));
      return FALSE;
    }
  return TRUE;
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KabarComposer *self = KABAR_COMPOSER (widget);
  g_autofree char *text = NULL;

  if (self->leaving != 0 || current_service (self) == NULL
      || kabar_composer_attachments_is_loading (self->attachments))
    return;
  if (!check_recipients (self))
    return;
  text = kabar_composer_body_dup_text (self->body);
  if (kabar_composer_attachments_get_n_items (self->attachments) == 0
      && kabar_attachment_reminder_mentions_attachment (text))
    {
      ask_about_attachment (self);
      return;
    }
  send_checked (self);
}

/* --- attachments ----------------------------------------------------------------------- */

static void
on_files_chosen (GtkNativeDialog *chooser,
                 int              response,
                 KabarComposer   *self)
{
  g_autoptr(GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          kabar_composer_attachments_add_file (self->attachments, file);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KabarComposer *self = KABAR_COMPOSER (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Attach Files"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                                               _("_Attach"), _("_Cancel"));

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_files_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         KabarComposer *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    kabar_composer_attachments_add_file (self->attachments, l->data);
  g_slist_free (files);
  return files != NULL;
}

static void
on_attachments_changed (KabarComposer *self)
{
  guint64 size = kabar_composer_attachments_get_sent_size (self->attachments);

  if (size > SIZE_LIMIT)
    {
      g_autofree char *total = g_format_size (size);
      /* Translators: the size of the message as sent, as "26.3 MB". */
      g_autofree char *text = g_strdup_printf (_("The message is %s as sent. Outlook.com and most providers refuse messages over 25 MB."),
                                               total);

      gtk_label_set_text (self->size_label, text);
    }
  gtk_revealer_set_reveal_child (self->size_revealer, size > SIZE_LIMIT);
  gtk_widget_set_visible (self->attachments_scroller,
                          kabar_composer_attachments_get_n_items (self->attachments) > 0
                          || kabar_composer_attachments_is_loading (self->attachments));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.send",
                                 current_service (self) != NULL
                                 && !kabar_composer_attachments_is_loading (self->attachments));
  if (!kabar_composer_attachments_is_loading (self->attachments))
    changed (self);
}

static void
on_attachment_failed (KabarComposer *self,
                      GError        *error)
{
  g_autofree char *text = g_strdup_printf (_("A file could not be attached: %s"), error->message);

  show_error (self, text);
}

/* --- fields ---------------------------------------------------------------------------- */

static void
on_subject_changed (KabarComposer *self)
{
  const char *subject = gtk_editable_get_text (GTK_EDITABLE (self->subject_entry));
  const char *title = *subject != '\0' ? subject : _("New Message");

  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  changed (self);
}

static void
on_address_changed (KabarAddressEntry *entry,
                    KabarComposer     *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  changed (self);
}

static void
on_from_changed (KabarComposer *self)
{
  if (self->loading)
    return;
  swap_signature (self);
  changed (self);
}

static void
show_cc_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KabarComposer *self = KABAR_COMPOSER (widget);
  KabarAddressEntry *entry = g_str_equal (action_name, "composer.show-cc") ? self->cc_entry : self->bcc_entry;

  show_field (self, entry);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
}

/* --- starting -------------------------------------------------------------------------- */

static void
keep_from_message (KabarComposer        *self,
                   KabarOutgoingMessage *message)
{
  if (kabar_outgoing_message_get_message_id (message) != NULL)
    kabar_outgoing_message_set_message_id (self->kept, kabar_outgoing_message_get_message_id (message));
  add_references (self->kept, message);
  internet_address_list_append (kabar_outgoing_message_get_addresses (self->kept, KABAR_OUTGOING_REPLY_TO),
                                kabar_outgoing_message_get_addresses (message, KABAR_OUTGOING_REPLY_TO));
  for (guint i = 0; i < kabar_outgoing_message_get_n_inline_images (message); i++)
    {
      const char *name = NULL;
      const char *content_type = NULL;
      const char *content_id = NULL;
      GBytes *data = kabar_outgoing_message_get_inline_image (message, i, &name, &content_type, &content_id);

      kabar_outgoing_message_add_inline_image (self->kept, data, name, content_type, content_id);
    }
}

static void
fill_fields (KabarComposer        *self,
             KabarOutgoingMessage *message)
{
  InternetAddressList *cc = kabar_outgoing_message_get_addresses (message, KABAR_OUTGOING_CC);
  InternetAddressList *bcc = kabar_outgoing_message_get_addresses (message, KABAR_OUTGOING_BCC);
  const char *subject = kabar_outgoing_message_get_subject (message);

  kabar_address_entry_set_addresses (self->to_entry, kabar_outgoing_message_get_addresses (message, KABAR_OUTGOING_TO));
  kabar_address_entry_set_addresses (self->cc_entry, cc);
  kabar_address_entry_set_addresses (self->bcc_entry, bcc);
  if (internet_address_list_length (cc) > 0)
    show_field (self, self->cc_entry);
  if (internet_address_list_length (bcc) > 0)
    show_field (self, self->bcc_entry);
  gtk_editable_set_text (GTK_EDITABLE (self->subject_entry), subject != NULL ? subject : "");
  kabar_composer_attachments_add_from (self->attachments, message);
}

static char *
strip_trailing_newlines (const char *text)
{
  char *copy = g_strdup (text != NULL ? text : "");
  gsize length = strlen (copy);

  while (length > 0 && (copy[length - 1] == '\n' || copy[length - 1] == '\r'))
    copy[--length] = '\0';
  return copy;
}

/* The body as the start asks: the signature, and the user's place. */
static void
fill_body (KabarComposer        *self,
           KabarOutgoingMessage *message)
{
  const char *signature = identity_signature (current_identity (self));
  g_autofree char *text = strip_trailing_newlines (message != NULL ? kabar_outgoing_message_get_text (message) : NULL);
  g_autofree char *body = NULL;
  glong before;
  glong cursor = 0;

  if (self->start == KABAR_COMPOSER_DRAFT)
    {
      const char *html = message != NULL ? kabar_outgoing_message_get_html (message) : NULL;

      if (html != NULL)
        kabar_composer_body_set_html (self->body, html);
      else
        kabar_composer_body_set_text (self->body, message != NULL ? kabar_outgoing_message_get_text (message) : "", 0);
      return;
    }

  kabar_composer_body_set_rich (self->body, g_settings_get_boolean (self->settings, "compose-rich-text"));
  if (reply_above (self))
    {
      /* The user's line, the signature, then the quote. */
      self->signature_block = make_signature_block (signature, "\n", "\n");
      body = g_strconcat ("\n", self->signature_block, "\n", text, NULL);
      before = 1;
    }
  else
    {
      /* The quote (or the prefilled text), then the user's place and the
       * signature. */
      const char *gap = self->start == KABAR_COMPOSER_REPLY ? "\n\n" : "";

      self->signature_block = make_signature_block (signature, "\n\n", "");
      body = g_strconcat (text, gap, self->signature_block, NULL);
      before = g_utf8_strlen (text, -1) + g_utf8_strlen (gap, -1);
      cursor = self->start == KABAR_COMPOSER_REPLY ? before : 0;
    }
  kabar_composer_body_set_text (self->body, body, cursor);
  set_signature_marks (self, before, before + g_utf8_strlen (self->signature_block, -1));
}

static void
start_with (KabarComposer        *self,
            KabarMailService     *service,
            KabarOutgoingMessage *message)
{
  const char *from = message != NULL ? kabar_outgoing_message_get_from_address (message) : NULL;

  if (self->identities->len > 0)
    gtk_drop_down_set_selected (self->from_dropdown, find_identity (self, service, from));
  if (message != NULL)
    {
      keep_from_message (self, message);
      fill_fields (self, message);
    }
  fill_body (self, message);
  on_subject_changed (self);
  on_attachments_changed (self);
  self->loading = FALSE;

  /* A message taken back exists nowhere else until it is saved. */
  if (self->start == KABAR_COMPOSER_DRAFT && self->draft_id == 0 && message != NULL)
    changed (self);

  if (message == NULL || internet_address_list_length (kabar_outgoing_message_get_addresses (message, KABAR_OUTGOING_TO)) == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->to_entry));
  else
    gtk_widget_grab_focus (GTK_WIDGET (kabar_composer_body_get_view (self->body)));
}

gint64
kabar_composer_get_draft_id (KabarComposer *self)
{
  g_return_val_if_fail (KABAR_IS_COMPOSER (self), 0);
  return self->draft_id;
}

/* --- the class ------------------------------------------------------------------------- */

static void
on_body_changed (KabarComposer *self)
{
  changed (self);
}

static void
on_rich_notify (KabarComposer *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RICH_TEXT]);
}

static void
kabar_composer_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KabarComposer *self = KABAR_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_RICH_TEXT:
      /* Asked for by the action before the template is there. */
      g_value_set_boolean (value, self->body != NULL && kabar_composer_body_get_rich (self->body));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_composer_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KabarComposer *self = KABAR_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_RICH_TEXT:
      if (g_value_get_boolean (value) != kabar_composer_body_get_rich (self->body))
        {
          kabar_composer_body_set_rich (self->body, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
          changed (self);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
clear_identity (gpointer data)
{
  Identity *identity = data;

  g_clear_object (&identity->service);
}

static void
kabar_composer_dispose (GObject *object)
{
  KabarComposer *self = KABAR_COMPOSER (object);

  g_clear_handle_id (&self->save_timeout, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), KABAR_TYPE_COMPOSER);
  G_OBJECT_CLASS (kabar_composer_parent_class)->dispose (object);
}

static void
kabar_composer_finalize (GObject *object)
{
  KabarComposer *self = KABAR_COMPOSER (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->identities, g_array_unref);
  g_clear_object (&self->kept);
  g_clear_object (&self->saving_draft);
  g_clear_object (&self->draft_service);
  g_clear_object (&self->final_message);
  g_clear_object (&self->final_service);
  g_clear_object (&self->sent_message);
  if (self->holds_application)
    g_application_release (G_APPLICATION (self->application));
  g_clear_object (&self->application);
  g_free (self->signature_block);
  G_OBJECT_CLASS (kabar_composer_parent_class)->finalize (object);
}

static void
kabar_composer_class_init (KabarComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kabar_composer_dispose;
  object_class->finalize = kabar_composer_finalize;
  object_class->get_property = kabar_composer_get_property;
  object_class->set_property = kabar_composer_set_property;
  window_class->close_request = kabar_composer_close_request;

  properties[PROP_RICH_TEXT] =
    g_param_spec_boolean ("rich-text", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KABAR_TYPE_ADDRESS_ENTRY);
  g_type_ensure (KABAR_TYPE_COMPOSER_BODY);
  g_type_ensure (KABAR_TYPE_COMPOSER_ATTACHMENTS);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kabar/Kabar/kabar-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, window_title);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, error_label);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, size_revealer);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, size_label);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, from_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, to_entry);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, cc_entry);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, bcc_entry);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, cc_label);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, bcc_label);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, cc_button);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, bcc_button);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, subject_entry);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, body);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, attachments);
  gtk_widget_class_bind_template_child (widget_class, KabarComposer, attachments_scroller);
  gtk_widget_class_bind_template_callback (widget_class, on_error_close_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_subject_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_attachments_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_attachment_failed);

  gtk_widget_class_install_action (widget_class, "composer.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "composer.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "composer.discard", NULL, discard_action);
  gtk_widget_class_install_action (widget_class, "composer.show-cc", NULL, show_cc_action);
  gtk_widget_class_install_action (widget_class, "composer.show-bcc", NULL, show_cc_action);
  gtk_widget_class_install_property_action (widget_class, "composer.rich-text", "rich-text");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "composer.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "composer.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "composer.attach", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "composer.show-cc", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "composer.show-bcc", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
kabar_composer_init (KabarComposer *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  KabarAddressEntry *entries[3];

  /* Until kabar_composer_new() has filled it in, nothing is the user's
   * change. */
  self->loading = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  entries[0] = self->to_entry;
  entries[1] = self->cc_entry;
  entries[2] = self->bcc_entry;

  self->settings = g_settings_new (KABAR_APPLICATION_ID);
  self->identities = g_array_new (FALSE, TRUE, sizeof (Identity));
  g_array_set_clear_func (self->identities, clear_identity);
  self->kept = kabar_outgoing_message_new ();

  kabar_address_entry_set_label (self->to_entry, _("To"));
  kabar_address_entry_set_label (self->cc_entry, _("Cc"));
  kabar_address_entry_set_label (self->bcc_entry, _("Bcc"));
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    g_signal_connect (entries[i], "changed", G_CALLBACK (on_address_changed), self);
  g_signal_connect_swapped (self->body, "changed", G_CALLBACK (on_body_changed), self);
  g_signal_connect_swapped (self->body, "notify::rich", G_CALLBACK (on_rich_notify), self);
  g_signal_connect_swapped (self->from_dropdown, "notify::selected", G_CALLBACK (on_from_changed), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->from_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("From"), -1);

  /* Files dropped anywhere on the window are attached. */
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

GtkWidget *
kabar_composer_new (KabarApplication     *application,
                    KabarMailService     *service,
                    KabarOutgoingMessage *message,
                    KabarComposerStart    start,
                    gint64                draft_message_id)
{
  KabarComposer *self;
  GListModel *services;
  g_autoptr(KabarMailService) first = NULL;

  g_return_val_if_fail (KABAR_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (service == NULL || KABAR_IS_MAIL_SERVICE (service), NULL);
  g_return_val_if_fail (message == NULL || KABAR_IS_OUTGOING_MESSAGE (message), NULL);

  self = g_object_new (KABAR_TYPE_COMPOSER, "application", application, NULL);
  self->application = g_object_ref (application);
  services = kabar_application_get_services (application);
  self->start = start;
  self->draft_id = draft_message_id;
  fill_identities (self, services);
  if (service == NULL && g_list_model_get_n_items (services) > 0)
    service = first = g_list_model_get_item (services, 0);
  if (draft_message_id != 0 && service != NULL)
    self->draft_service = g_object_ref (service);
  kabar_address_entry_set_services (self->to_entry, services);
  kabar_address_entry_set_services (self->cc_entry, services);
  kabar_address_entry_set_services (self->bcc_entry, services);
  start_with (self, service, message);
  return GTK_WIDGET (self);
}
