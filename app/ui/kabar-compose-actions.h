/* kabar-compose-actions.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <webkit/webkit.h>

#include "kabar-application.h"
#include "kabar-mail-service.h"
#include "kabar-reply.h"

G_BEGIN_DECLS

/* Writing mail from the windows that show it: a new message, a reply or
 * forward of the message shown, a draft opened again, a mailto: link.
 * Each ends in a composer window (kabar_composer_new()); what goes wrong
 * on the way is said in the window asked from (a toast in the main
 * window, a dialog elsewhere). */

/* The message a window shows, for a reply or a forward. */
typedef struct
{
  /* The account it is in; NULL for a file. */
  KabarMailService *service;
  /* Its id in service's store; 0 when raw is given. */
  gint64            message_id;
  /* The message itself, when the window has it at hand. */
  GBytes           *raw;
  /* Where it is shown, for the text the user selected; may be NULL. */
  WebKitWebView    *web_view;
} KabarComposeSource;

/* Fills source (references not taken) with the window's message; FALSE
 * when it shows none. */
typedef gboolean (*KabarComposeSourceFunc) (GtkWindow          *window,
                                            KabarComposeSource *source);

/* Adds to window the actions compose, reply, reply-all, forward (inline)
 * and forward-as-attachment, which ask source_func for the message. */
void   kabar_compose_actions_add                 (GtkApplicationWindow    *window,
                                                  KabarComposeSourceFunc   source_func);
/* Whether the four that need a message can run: one message is shown. */
void   kabar_compose_actions_set_message_enabled (GtkApplicationWindow    *window,
                                                  gboolean                 enabled);

/* A composer for a reply or forward of source's message: the body read,
 * the text selected in its web view (none: all of it) quoted, From the
 * address of the user's that the message was sent to, else the
 * account's. */
void   kabar_compose_actions_reply               (GtkWindow               *parent,
                                                  const KabarComposeSource *source,
                                                  KabarReplyKind           kind);
/* A composer for an empty message from service's account (NULL: the
 * first); with no account, says that one is needed. */
void   kabar_compose_actions_compose             (GtkWindow               *parent,
                                                  KabarApplication        *application,
                                                  KabarMailService        *service);
/* A composer continuing the draft message_id of service's store. */
void   kabar_compose_actions_open_draft          (GtkWindow               *parent,
                                                  KabarApplication        *application,
                                                  KabarMailService        *service,
                                                  gint64                   message_id);
/* A composer filled from a mailto: URI; a URI that is none, or no account
 * to write from, is said in a dialog over parent (may be NULL). */
void   kabar_compose_actions_open_mailto         (GtkWindow               *parent,
                                                  KabarApplication        *application,
                                                  const char              *uri);

/* Every address the user sends as: every identity of every account,
 * NULL-terminated. */
char **kabar_compose_actions_dup_own_addresses   (KabarApplication        *application);

G_END_DECLS
