/* kabar-organizer.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-organizer.h"

KabarContact *
kabar_contact_copy (const KabarContact *self)
{
  KabarContact *copy = g_new0 (KabarContact, 1);

  copy->id = g_strdup (self->id);
  copy->display_name = g_strdup (self->display_name);
  copy->company = g_strdup (self->company);
  copy->job_title = g_strdup (self->job_title);
  copy->addresses = g_strdupv (self->addresses);
  copy->phones = g_strdupv (self->phones);
  return copy;
}

void
kabar_contact_free (KabarContact *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->display_name);
  g_free (self->company);
  g_free (self->job_title);
  g_strfreev (self->addresses);
  g_strfreev (self->phones);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (KabarContact, kabar_contact, kabar_contact_copy, kabar_contact_free)

KabarEvent *
kabar_event_copy (const KabarEvent *self)
{
  KabarEvent *copy = g_memdup2 (self, sizeof *self);

  copy->id = g_strdup (self->id);
  copy->subject = g_strdup (self->subject);
  copy->location = g_strdup (self->location);
  copy->organizer = g_strdup (self->organizer);
  return copy;
}

void
kabar_event_free (KabarEvent *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->subject);
  g_free (self->location);
  g_free (self->organizer);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (KabarEvent, kabar_event, kabar_event_copy, kabar_event_free)

KabarTaskList *
kabar_task_list_copy (const KabarTaskList *self)
{
  KabarTaskList *copy = g_memdup2 (self, sizeof *self);

  copy->id = g_strdup (self->id);
  copy->name = g_strdup (self->name);
  return copy;
}

void
kabar_task_list_free (KabarTaskList *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->name);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (KabarTaskList, kabar_task_list, kabar_task_list_copy, kabar_task_list_free)

KabarTask *
kabar_task_copy (const KabarTask *self)
{
  KabarTask *copy = g_memdup2 (self, sizeof *self);

  copy->id = g_strdup (self->id);
  copy->list_id = g_strdup (self->list_id);
  copy->title = g_strdup (self->title);
  return copy;
}

void
kabar_task_free (KabarTask *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->list_id);
  g_free (self->title);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (KabarTask, kabar_task, kabar_task_copy, kabar_task_free)
