/* kabar-message-summary.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-message-summary.h"

G_DEFINE_BOXED_TYPE (KabarMessageSummary, kabar_message_summary,
                     kabar_message_summary_copy, kabar_message_summary_free)

KabarMessageSummary *
kabar_message_summary_new (void)
{
  return g_new0 (KabarMessageSummary, 1);
}

KabarMessageSummary *
kabar_message_summary_copy (const KabarMessageSummary *self)
{
  KabarMessageSummary *copy = g_memdup2 (self, sizeof *self);

  copy->keywords = g_strdup (self->keywords);
  copy->subject = g_strdup (self->subject);
  copy->from_name = g_strdup (self->from_name);
  copy->from_address = g_strdup (self->from_address);
  copy->to = g_strdup (self->to);
  copy->cc = g_strdup (self->cc);
  copy->message_id = g_strdup (self->message_id);
  copy->in_reply_to = g_strdup (self->in_reply_to);
  copy->references = g_strdup (self->references);
  copy->preview = g_strdup (self->preview);
  return copy;
}

void
kabar_message_summary_free (KabarMessageSummary *self)
{
  if (self == NULL)
    return;

  g_free (self->keywords);
  g_free (self->subject);
  g_free (self->from_name);
  g_free (self->from_address);
  g_free (self->to);
  g_free (self->cc);
  g_free (self->message_id);
  g_free (self->in_reply_to);
  g_free (self->references);
  g_free (self->preview);
  g_free (self);
}
