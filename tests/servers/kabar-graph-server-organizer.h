/* kabar-graph-server-organizer.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-graph-server.h"

G_BEGIN_DECLS

/* The Graph test server's contacts, calendar and To Do, with their
 * endpoints (documented shapes, delta with paging, @removed, refused
 * tokens and the faults of kabar-graph-server.h):
 *   GET /me/contactFolders, /me/contacts/delta,
 *       /me/contactFolders/{id}/contacts/delta;
 *   GET /me/calendarView/delta?startDateTime=…&endDateTime=… (both
 *       required on the first request; events that overlap the window);
 *   GET /me/todo/lists, /me/todo/lists/delta, /me/todo/lists/{id}/tasks,
 *       /me/todo/lists/{id}/tasks/delta, /me/todo/lists/{id}/tasks/{id};
 *       POST /me/todo/lists/{id}/tasks {title, status?};
 *       PATCH /me/todo/lists/{id}/tasks/{id} {status, title, importance}.
 * The calls below are "another device"'s changes, from any thread; ids
 * are new strings. */

/* folder_id NULL: the default Contacts folder. addresses and phones:
 * NULL-terminated, may be NULL. */
char       *kabar_graph_server_add_contact_folder    (KabarGraphServer   *self,
                                                      const char         *name);
gboolean    kabar_graph_server_remove_contact_folder (KabarGraphServer   *self,
                                                      const char         *folder_id);
char       *kabar_graph_server_add_contact           (KabarGraphServer   *self,
                                                      const char         *folder_id,
                                                      const char         *display_name,
                                                      const char         *company,
                                                      const char * const *addresses,
                                                      const char * const *phones);
gboolean    kabar_graph_server_rename_contact        (KabarGraphServer   *self,
                                                      const char         *contact_id,
                                                      const char         *display_name);
gboolean    kabar_graph_server_remove_contact        (KabarGraphServer   *self,
                                                      const char         *contact_id);

/* start, end: unix seconds (an all-day event's are 00:00 UTC of its
 * days). organizer: "Name <address>" parts, may be NULL. */
char       *kabar_graph_server_add_event             (KabarGraphServer   *self,
                                                      const char         *subject,
                                                      const char         *location,
                                                      const char         *organizer_name,
                                                      const char         *organizer_address,
                                                      gint64              start,
                                                      gint64              end,
                                                      gboolean            all_day);
gboolean    kabar_graph_server_cancel_event          (KabarGraphServer   *self,
                                                      const char         *event_id);
gboolean    kabar_graph_server_remove_event          (KabarGraphServer   *self,
                                                      const char         *event_id);

char       *kabar_graph_server_add_task_list         (KabarGraphServer   *self,
                                                      const char         *name,
                                                      gboolean            is_default);
gboolean    kabar_graph_server_remove_task_list      (KabarGraphServer   *self,
                                                      const char         *list_id);
/* due: 0 none, else a day's 00:00 UTC. */
char       *kabar_graph_server_add_task              (KabarGraphServer   *self,
                                                      const char         *list_id,
                                                      const char         *title,
                                                      gboolean            completed,
                                                      gboolean            important,
                                                      gint64              due);
gboolean    kabar_graph_server_set_task_completed    (KabarGraphServer   *self,
                                                      const char         *task_id,
                                                      gboolean            completed);
gboolean    kabar_graph_server_remove_task           (KabarGraphServer   *self,
                                                      const char         *task_id);
/* The task's JSON (a copy), or NULL. */
JsonObject *kabar_graph_server_get_task              (KabarGraphServer   *self,
                                                      const char         *task_id);
/* The list's task ids, in the order added. */
GPtrArray  *kabar_graph_server_list_tasks            (KabarGraphServer   *self,
                                                      const char         *list_id);
/* The list's tasks of that title (count: a retried add must not add twice). */
guint       kabar_graph_server_count_tasks_titled    (KabarGraphServer   *self,
                                                      const char         *list_id,
                                                      const char         *title);

G_END_DECLS
