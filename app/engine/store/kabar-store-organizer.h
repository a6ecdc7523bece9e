/* kabar-store-organizer.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-organizer.h"
#include "kabar-store.h"

G_BEGIN_DECLS

/* Contacts, calendar and To Do of a Graph account (version-011.sql), as
 * the sync left them plus the user's task changes not yet on the server.
 * Any thread but the UI's. Errors are in KABAR_STORE_ERROR.
 *
 * The sync's delta links are named states ("contacts/<folder>",
 * "calendar", "tasks/<list>"...): NULL when none. They are the
 * account's, beside the mail's: these three call kabar_store_graph_*. */
char      *kabar_store_organizer_get_state        (KabarStore          *self,
                                                   const char          *name,
                                                   GError             **error);
/* value NULL deletes. */
gboolean   kabar_store_organizer_set_state        (KabarStore          *self,
                                                   const char          *name,
                                                   const char          *value,
                                                   GError             **error);
/* States whose name starts with prefix (names, a NULL-terminated array). */
GStrv      kabar_store_organizer_list_states      (KabarStore          *self,
                                                   const char          *prefix,
                                                   GError             **error);

/* --- contacts ---------------------------------------------------------------------- */

/* Adds or replaces contacts (KabarContact elements) of the contact folder
 * folder ("" for the default one), and removes those of removed_ids, in
 * one transaction. Their names and addresses complete addresses. */
gboolean   kabar_store_organizer_put_contacts     (KabarStore          *self,
                                                   const char          *folder,
                                                   GPtrArray           *contacts,
                                                   GPtrArray           *removed_ids,
                                                   GError             **error);
/* Removes the folder's contacts not in keep_ids (a set of ids; NULL
 * removes all of them): after a full sync of the folder. */
gboolean   kabar_store_organizer_prune_contacts   (KabarStore          *self,
                                                   const char          *folder,
                                                   GHashTable          *keep_ids,
                                                   GError             **error);
/* KabarContact elements by name; query NULL for all, else those with a
 * word (name, company, address) starting with each of its words. */
GPtrArray *kabar_store_organizer_list_contacts    (KabarStore          *self,
                                                   const char          *query,
                                                   GError             **error);

/* --- calendar ---------------------------------------------------------------------- */

gboolean   kabar_store_organizer_put_events       (KabarStore          *self,
                                                   GPtrArray           *events,
                                                   GPtrArray           *removed_ids,
                                                   GError             **error);
/* Removes the events not in keep_ids (NULL: all). */
gboolean   kabar_store_organizer_prune_events     (KabarStore          *self,
                                                   GHashTable          *keep_ids,
                                                   GError             **error);
/* KabarEvent elements that end after from and start before to, by start. */
GPtrArray *kabar_store_organizer_list_events      (KabarStore          *self,
                                                   gint64               from,
                                                   gint64               to,
                                                   GError             **error);

/* --- To Do ------------------------------------------------------------------------- */

/* Task lists (KabarTaskList elements: n_open is not read). */
gboolean   kabar_store_organizer_put_task_lists   (KabarStore          *self,
                                                   GPtrArray           *lists,
                                                   GPtrArray           *removed_ids,
                                                   GError             **error);
gboolean   kabar_store_organizer_prune_task_lists (KabarStore          *self,
                                                   GHashTable          *keep_ids,
                                                   GError             **error);
/* The default list first, then by name, with their open tasks' counts. */
GPtrArray *kabar_store_organizer_list_task_lists  (KabarStore          *self,
                                                   GError             **error);
/* Tasks from the server (pending is not read), with when each was
 * created (created: gint64 unix seconds, one a task). A task with a
 * change of the user's not yet on the server keeps that change. */
gboolean   kabar_store_organizer_put_tasks        (KabarStore          *self,
                                                   const char          *list_id,
                                                   GPtrArray           *tasks,
                                                   GArray              *created,
                                                   GPtrArray           *removed_ids,
                                                   GError             **error);
/* Removes the list's tasks from the server not in keep_ids (NULL: all);
 * tasks added here and not yet sent stay. */
gboolean   kabar_store_organizer_prune_tasks      (KabarStore          *self,
                                                   const char          *list_id,
                                                   GHashTable          *keep_ids,
                                                   GError             **error);
/* Open tasks first, newest first, then completed ones, last completed
 * first. */
GPtrArray *kabar_store_organizer_list_tasks       (KabarStore          *self,
                                                   const char          *list_id,
                                                   GError             **error);
/* One task, or NULL with KABAR_STORE_ERROR_NOT_FOUND. */
KabarTask *kabar_store_organizer_get_task         (KabarStore          *self,
                                                   const char          *task_id,
                                                   GError             **error);

/* The user's changes: stored at once (durably), pending until sent. */
gboolean   kabar_store_organizer_set_task_completed (KabarStore        *self,
                                                     const char        *task_id,
                                                     gboolean           completed,
                                                     gint64             now,
                                                     GError           **error);
/* The new task, with a local id ("local:…"). */
KabarTask *kabar_store_organizer_add_task         (KabarStore          *self,
                                                   const char          *list_id,
                                                   const char          *title,
                                                   gint64               now,
                                                   GError             **error);

/* A change waiting for the server. */
typedef enum
{
  KABAR_TASK_CHANGE_ADD = 1,
  KABAR_TASK_CHANGE_STATUS = 2,
} KabarTaskChangeKind;

typedef struct
{
  KabarTaskChangeKind kind;
  /* The task as it is here (completed: what to send). */
  KabarTask *task;
  /* Counts the user's changes to the task: the one sent is cleared only
   * when no other came meanwhile. */
  gint64 serial;
  /* An add: when it was first tried (0: never), so a retry after a lost
   * answer looks for it on the server before adding it again. */
  gint64 tried_at;
} KabarTaskChange;

void       kabar_task_change_free                 (KabarTaskChange     *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarTaskChange, kabar_task_change_free)

/* KabarTaskChange elements, oldest first. */
GPtrArray *kabar_store_organizer_list_task_changes (KabarStore         *self,
                                                    GError            **error);
/* An add is about to be sent (durably noted, once: the first time stays). */
gboolean   kabar_store_organizer_note_task_tried  (KabarStore          *self,
                                                   const char          *task_id,
                                                   gint64               now,
                                                   GError             **error);
/* The server has the change: server (may be NULL) is the task as the
 * server answered (an add: its id replaces the local one). The pending
 * mark goes only when serial is still the task's. */
gboolean   kabar_store_organizer_task_change_done (KabarStore          *self,
                                                   const char          *task_id,
                                                   gint64               serial,
                                                   const KabarTask     *server,
                                                   GError             **error);
/* The server refused the change (gone: it has no such task): the change
 * is dropped. A refused add, or a task gone, is removed; a refused status
 * goes back to what it was. */
gboolean   kabar_store_organizer_task_change_dropped (KabarStore       *self,
                                                      const char       *task_id,
                                                      gboolean          gone,
                                                      GError          **error);

G_END_DECLS
