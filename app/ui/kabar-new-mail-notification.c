/* kabar-new-mail-notification.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kabar-new-mail-notification.h"

/* Senders named in the body of a batch's notification; the rest is an
 * ellipsis, as a notification shows a line or two. */
#define MAX_SENDERS 3

static const char *
sender_of (const KabarMessageSummary *summary)
{
  if (summary->from_name != NULL && *summary->from_name != '\0')
    return summary->from_name;
  if (summary->from_address != NULL && *summary->from_address != '\0')
    return summary->from_address;
  return _("Unknown sender");
}

static const KabarMessageSummary *
newest_of (GPtrArray *summaries)
{
  const KabarMessageSummary *newest = g_ptr_array_index (summaries, 0);

  for (guint i = 1; i < summaries->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (summaries, i);

      if (summary->date > newest->date || (summary->date == newest->date && summary->id > newest->id))
        newest = summary;
    }
  return newest;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const KabarMessageSummary *x = *(const KabarMessageSummary * const *) a;
  const KabarMessageSummary *y = *(const KabarMessageSummary * const *) b;

  if (x->date != y->date)
    return x->date < y->date ? 1 : -1;
  return (x->id < y->id) - (x->id > y->id);
}

/* The distinct senders, newest first. */
static char *
list_senders (GPtrArray *summaries)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_copy (summaries, NULL, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  gboolean more = FALSE;
  g_autofree char *joined = NULL;

  /* The copy would free the summaries with the caller's function. */
  g_ptr_array_set_free_func (sorted, NULL);
  g_ptr_array_sort (sorted, compare_newest_first);
  for (guint i = 0; i < sorted->len; i++)
    {
      const char *name = sender_of (g_ptr_array_index (sorted, i));

      if (g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        continue;
      if (names->len == MAX_SENDERS)
        {
          more = TRUE;
          break;
        }
      g_ptr_array_add (names, (gpointer) name);
    }
  g_ptr_array_add (names, NULL);
  /* Translators: what separates the senders of new mail in a list. */
  joined = g_strjoinv (_(", "), (char **) names->pdata);
  return more ? g_strconcat (joined, "…", NULL) : g_steal_pointer (&joined);
}

GNotification *
kabar_new_mail_notification_new (KabarAccount *account,
                                 gint64        folder_id,
                                 GPtrArray    *summaries)
{
  const KabarMessageSummary *newest;
  GNotification *notification;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (summaries != NULL && summaries->len > 0, NULL);

  newest = newest_of (summaries);
  if (summaries->len == 1)
    {
      title = g_strdup (sender_of (newest));
      body = g_strdup (newest->subject != NULL && *newest->subject != '\0' ? newest->subject
                                                                             : _("(No subject)"));
    }
  else
    {
      g_autofree char *senders = list_senders (summaries);

      title = g_strdup_printf (ngettext ("%u new message", "%u new messages", summaries->len),
                               summaries->len);
      /* Translators: the account's address, then the senders of the new mail. */
      body = g_strdup_printf (_("In %s, from %s"), kabar_account_get_address (account), senders);
    }
  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_category (notification, "email.arrived");
  g_notification_set_default_action_and_target (notification, KABAR_NEW_MAIL_ACTION,
                                                KABAR_NEW_MAIL_TARGET_TYPE,
                                                kabar_account_get_id (account), folder_id,
                                                newest->id);
  return notification;
}

char *
kabar_new_mail_notification_dup_id (KabarAccount *account)
{
  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), NULL);

  return g_strconcat ("new-mail-", kabar_account_get_id (account), NULL);
}
