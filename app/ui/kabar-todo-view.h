/* kabar-todo-view.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-mail-service.h"

G_BEGIN_DECLS

/* An Exchange-style account's To Do: its lists with their counts of open
 * tasks, and the chosen list's tasks, each with a check box that
 * completes it (or opens it again); an entry adds a task; completed
 * tasks are folded under "Completed". It follows the service's
 * "organizer-changed". */
#define KABAR_TYPE_TODO_VIEW (kabar_todo_view_get_type ())

G_DECLARE_FINAL_TYPE (KabarTodoView, kabar_todo_view, KABAR, TODO_VIEW, AdwBin)

GtkWidget  *kabar_todo_view_new           (void);
/* NULL shows nothing. */
void        kabar_todo_view_set_service   (KabarTodoView    *self,
                                           KabarMailService *service);
/* The list shown (its id), NULL before the lists came; for tests. */
const char *kabar_todo_view_get_list_id   (KabarTodoView    *self);
/* Open and completed tasks shown, and whether a load is under way. */
guint       kabar_todo_view_get_n_open    (KabarTodoView    *self);
guint       kabar_todo_view_get_n_done    (KabarTodoView    *self);
gboolean    kabar_todo_view_is_loading    (KabarTodoView    *self);
void        kabar_todo_view_focus         (KabarTodoView    *self);

G_END_DECLS
