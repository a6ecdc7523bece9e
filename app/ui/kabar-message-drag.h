/* kabar-message-drag.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* What the message list hands over when messages are dragged: which
 * account, which folder and which of its messages (by server UID). A
 * folder row that takes the drop does not move them itself: the folder
 * list says so ("messages-dropped"), and the window moves or copies them
 * like any other action, with its undo. Provisional messages (uid 0) are
 * never in a drag: they cannot be named on the server yet. */
#define KABAR_TYPE_MESSAGE_DRAG (kabar_message_drag_get_type ())

G_DECLARE_FINAL_TYPE (KabarMessageDrag, kabar_message_drag, KABAR, MESSAGE_DRAG, GObject)

/* uids: n_uids server UIDs in folder_id, copied. */
KabarMessageDrag *kabar_message_drag_new           (KabarMailService *service,
                                                    gint64            folder_id,
                                                    const guint32    *uids,
                                                    gsize             n_uids);
KabarMailService *kabar_message_drag_get_service   (KabarMessageDrag *self);
gint64            kabar_message_drag_get_folder_id (KabarMessageDrag *self);
const guint32    *kabar_message_drag_get_uids      (KabarMessageDrag *self,
                                                    gsize            *n_uids);

G_END_DECLS
