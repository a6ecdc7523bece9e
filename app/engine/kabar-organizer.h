/* kabar-organizer.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What an Exchange-style (Microsoft Graph) account holds besides mail:
 * its contacts, the events of its calendar and its To Do lists, as the
 * store keeps them (kabar-store-organizer.h) and the UI shows them. The
 * ids are the server's. */

/* A person of the account's contacts. */
typedef struct
{
  char  *id;
  char  *display_name;
  /* NULL when the contact has none. */
  char  *company;
  char  *job_title;
  /* E-mail addresses, then phone numbers, as the server gives them. */
  GStrv  addresses;
  GStrv  phones;
} KabarContact;

/* An event of the calendar. start and end: unix seconds, UTC. An all-day
 * event starts at 00:00 UTC of its first day and ends at 00:00 UTC of the
 * day after its last (Graph's dates), with all_day TRUE. */
typedef struct
{
  char     *id;
  char     *subject;
  /* NULL when none. */
  char     *location;
  /* The organizer's name, else address; NULL when none. */
  char     *organizer;
  gint64    start;
  gint64    end;
  gboolean  all_day;
  gboolean  cancelled;
} KabarEvent;

/* A To Do list, with its count of open tasks. */
typedef struct
{
  char     *id;
  char     *name;
  /* The list Outlook calls "Tasks" (wellknownListName defaultList). */
  gboolean  is_default;
  guint     n_open;
} KabarTaskList;

/* A task. due: 0 for none, else 00:00 UTC of its day. completed_at: 0
 * when open. pending: changed here, not yet on the server (a new task's
 * id is a local one until then). */
typedef struct
{
  char     *id;
  char     *list_id;
  char     *title;
  gboolean  completed;
  gboolean  important;
  gint64    due;
  gint64    completed_at;
  gboolean  pending;
} KabarTask;

typedef enum
{
  KABAR_ORGANIZER_CONTACTS = 1 << 0,
  KABAR_ORGANIZER_CALENDAR = 1 << 1,
  KABAR_ORGANIZER_TASKS    = 1 << 2,
} KabarOrganizerParts;

#define KABAR_TYPE_CONTACT   (kabar_contact_get_type ())
#define KABAR_TYPE_EVENT     (kabar_event_get_type ())
#define KABAR_TYPE_TASK_LIST (kabar_task_list_get_type ())
#define KABAR_TYPE_TASK      (kabar_task_get_type ())

GType          kabar_contact_get_type   (void) G_GNUC_CONST;
KabarContact  *kabar_contact_copy       (const KabarContact  *self);
void           kabar_contact_free       (KabarContact        *self);

GType          kabar_event_get_type     (void) G_GNUC_CONST;
KabarEvent    *kabar_event_copy         (const KabarEvent    *self);
void           kabar_event_free         (KabarEvent          *self);

GType          kabar_task_list_get_type (void) G_GNUC_CONST;
KabarTaskList *kabar_task_list_copy     (const KabarTaskList *self);
void           kabar_task_list_free     (KabarTaskList       *self);

GType          kabar_task_get_type      (void) G_GNUC_CONST;
KabarTask     *kabar_task_copy          (const KabarTask     *self);
void           kabar_task_free          (KabarTask           *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarContact, kabar_contact_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarEvent, kabar_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarTaskList, kabar_task_list_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarTask, kabar_task_free)

G_END_DECLS
