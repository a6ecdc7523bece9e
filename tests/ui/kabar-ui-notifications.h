/* kabar-ui-notifications.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A stand-in for the desktop's notification server (org.gtk.Notifications,
 * which GApplication's "gtk" backend talks to) on the test session's
 * private bus, recording what the application sends. Start it before the
 * application registers: GApplication picks the backend whose server is
 * there. */
typedef struct
{
  char     *app_id;
  char     *id;
  /* a{sv}, as GApplication serialised the GNotification; NULL for a removal. */
  GVariant *notification;
} KabarUiNotification;

void        kabar_ui_notifications_start       (void);
void        kabar_ui_notifications_stop        (void);
/* Of KabarUiNotification, oldest first (transfer none). */
GPtrArray  *kabar_ui_notifications_get_added   (void);
GPtrArray  *kabar_ui_notifications_get_removed (void);
/* A string of an added notification: "title", "body", "default-action". */
const char *kabar_ui_notification_lookup       (KabarUiNotification *notification,
                                                const char          *key);

G_END_DECLS
