/* kabar-message-view.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <webkit/webkit.h>

#include "kabar-message-display.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* One message as the user reads it: its header (From, To, Cc, Date,
 * Subject, the security label, the attachments) in GTK widgets, and its
 * body in a web view that runs none of the message's scripts and loads
 * nothing from the network until the user says so: "Show once" for this
 * message, or "Always for this sender", kept in the account's store.
 *
 * Actions (group "message"): copy, select-all, find, find-next,
 * find-previous, zoom-in, zoom-out, zoom-reset, print, view-source,
 * save-as, show-remote-content, always-for-sender. */
#define KABAR_TYPE_MESSAGE_VIEW (kabar_message_view_get_type ())

G_DECLARE_FINAL_TYPE (KabarMessageView, kabar_message_view, KABAR, MESSAGE_VIEW, GtkWidget)

GtkWidget           *kabar_message_view_new              (void);
/* Where "Always for this sender" is kept and looked up; NULL (an .eml
 * file outside any account) hides that choice. */
void                 kabar_message_view_set_store        (KabarMessageView    *self,
                                                          KabarStore          *store);
/* Shows display (NULL: nothing), built with KABAR_DISPLAY_PREFER_HTML;
 * when the user prefers plain text ("prefer-plain-text"), the view builds
 * it again from its bytes without that flag. Remote content follows
 * "remote-content": "always" loads it at once; "senders" loads it when the
 * store allows its sender, else the bar offers it; "never" loads nothing
 * until "Show once", and offers nothing else. Both settings apply at once
 * to the message shown. */
void                 kabar_message_view_set_display      (KabarMessageView    *self,
                                                          KabarMessageDisplay *display);
KabarMessageDisplay *kabar_message_view_get_display      (KabarMessageView    *self);
/* Shows a body the view did not get from a display model: html as it
 * is (with the view's own blocking), html_with_remote after "Show once"
 * (NULL: the same html), sender for "Always for this sender". For tests
 * of the view's own layer, and for bodies Kabar writes itself. */
void                 kabar_message_view_load_html        (KabarMessageView    *self,
                                                          const char          *html,
                                                          const char          *html_with_remote,
                                                          const char          *sender);

/* Whether the body is loaded (emits "loaded" each time it is). */
gboolean             kabar_message_view_is_loaded        (KabarMessageView    *self);
/* Whether the body shown may load remote content. */
gboolean             kabar_message_view_get_remote_content_shown (KabarMessageView *self);
WebKitWebView       *kabar_message_view_get_web_view     (KabarMessageView    *self);

/* Writes the message's bytes, as received, to file (what "Save As" does
 * once the user chose the file). */
void                 kabar_message_view_save_async       (KabarMessageView    *self,
                                                          GFile               *file,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean             kabar_message_view_save_finish      (KabarMessageView    *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* Writes the index-th attachment to file. */
void                 kabar_message_view_save_attachment_async  (KabarMessageView    *self,
                                                                guint                index,
                                                                GFile               *file,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean             kabar_message_view_save_attachment_finish (KabarMessageView    *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

G_END_DECLS
