/* kabar-imap-mailbox-state.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-mailbox-state.h"
#include "kabar-imap-message.h"
#include "kabar-imap-results-private.h"

struct _KabarImapMailboxState
{
  gatomicrefcount  ref_count;
  char            *name;
  gboolean         read_only;
  guint32          exists;
  guint32          recent;
  guint32          uidvalidity;
  guint32          uidnext;
  guint32          first_unseen;
  guint64          highest_modseq;
  gboolean         nomodseq;
  GStrv            flags;
  GStrv            permanent_flags;
  gboolean         allows_keywords;
  KabarImapUidSet *vanished;
  GPtrArray       *changed;
};

G_DEFINE_BOXED_TYPE (KabarImapMailboxState, kabar_imap_mailbox_state,
                     kabar_imap_mailbox_state_ref, kabar_imap_mailbox_state_unref)

KabarImapMailboxState *
kabar_imap_mailbox_state_new (const char *name,
                              gboolean    read_only)
{
  KabarImapMailboxState *self = g_new0 (KabarImapMailboxState, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->read_only = read_only;
  self->flags = g_new0 (char *, 1);
  self->changed = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_imap_message_unref);
  return self;
}

KabarImapMailboxState *
kabar_imap_mailbox_state_ref (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
kabar_imap_mailbox_state_unref (KabarImapMailboxState *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->name);
  g_strfreev (self->flags);
  g_strfreev (self->permanent_flags);
  g_clear_pointer (&self->vanished, kabar_imap_uid_set_free);
  g_ptr_array_unref (self->changed);
  g_free (self);
}

/* The flags of a list, leaving out "\*" and telling whether it was there. */
static GStrv
flags_from_list (const KabarImapValue *list,
                 gboolean             *star)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < kabar_imap_value_get_list_length (list); i++)
    {
      const char *flag = kabar_imap_value_get_atom (kabar_imap_value_get_list_item (list, i));

      if (flag == NULL)
        continue;
      if (strcmp (flag, "\\*") == 0)
        *star = TRUE;
      else
        g_strv_builder_add (builder, flag);
    }
  return g_strv_builder_end (builder);
}

static guint32
number32 (guint64 number)
{
  return (guint32) MIN (number, G_MAXUINT32);
}

/* The "* OK [CODE ...]" responses of SELECT; FALSE for other codes. */
static gboolean
take_code (KabarImapMailboxState *self,
           KabarImapResponse     *response)
{
  guint64 number = 0;
  gboolean star = FALSE;

  switch (kabar_imap_response_get_code (response))
    {
    case KABAR_IMAP_CODE_UIDVALIDITY:
      kabar_imap_response_get_code_number (response, &number);
      self->uidvalidity = number32 (number);
      return TRUE;
    case KABAR_IMAP_CODE_UIDNEXT:
      kabar_imap_response_get_code_number (response, &number);
      self->uidnext = number32 (number);
      return TRUE;
    case KABAR_IMAP_CODE_UNSEEN:
      kabar_imap_response_get_code_number (response, &number);
      self->first_unseen = number32 (number);
      return TRUE;
    case KABAR_IMAP_CODE_HIGHESTMODSEQ:
      kabar_imap_response_get_code_number (response, &self->highest_modseq);
      return TRUE;
    case KABAR_IMAP_CODE_NOMODSEQ:
      self->nomodseq = TRUE;
      self->highest_modseq = 0;
      return TRUE;
    case KABAR_IMAP_CODE_PERMANENTFLAGS:
      g_strfreev (self->permanent_flags);
      self->permanent_flags =
        flags_from_list (kabar_imap_value_get_list_item (kabar_imap_response_get_code_args (response), 0),
                         &star);
      self->allows_keywords = star;
      return TRUE;
    case KABAR_IMAP_CODE_READ_ONLY:
      self->read_only = TRUE;
      return TRUE;
    case KABAR_IMAP_CODE_READ_WRITE:
      self->read_only = FALSE;
      return TRUE;
    /* QRESYNC's end of the previous mailbox: what follows is ours. */
    case KABAR_IMAP_CODE_CLOSED:
      return TRUE;
    case KABAR_IMAP_CODE_NONE:
    case KABAR_IMAP_CODE_UNKNOWN:
    case KABAR_IMAP_CODE_ALERT:
    case KABAR_IMAP_CODE_BADCHARSET:
    case KABAR_IMAP_CODE_CAPABILITY:
    case KABAR_IMAP_CODE_PARSE:
    case KABAR_IMAP_CODE_TRYCREATE:
    case KABAR_IMAP_CODE_APPENDUID:
    case KABAR_IMAP_CODE_COPYUID:
    case KABAR_IMAP_CODE_UIDNOTSTICKY:
    case KABAR_IMAP_CODE_MODIFIED:
    case KABAR_IMAP_CODE_UNAVAILABLE:
    case KABAR_IMAP_CODE_AUTHENTICATIONFAILED:
    case KABAR_IMAP_CODE_AUTHORIZATIONFAILED:
    case KABAR_IMAP_CODE_EXPIRED:
    case KABAR_IMAP_CODE_PRIVACYREQUIRED:
    case KABAR_IMAP_CODE_CONTACTADMIN:
    case KABAR_IMAP_CODE_NOPERM:
    case KABAR_IMAP_CODE_INUSE:
    case KABAR_IMAP_CODE_EXPUNGEISSUED:
    case KABAR_IMAP_CODE_CORRUPTION:
    case KABAR_IMAP_CODE_SERVERBUG:
    case KABAR_IMAP_CODE_CLIENTBUG:
    case KABAR_IMAP_CODE_CANNOT:
    case KABAR_IMAP_CODE_LIMIT:
    case KABAR_IMAP_CODE_OVERQUOTA:
    case KABAR_IMAP_CODE_ALREADYEXISTS:
    case KABAR_IMAP_CODE_NONEXISTENT:
    default:
      return FALSE;
    }
}

/* "* VANISHED (EARLIER) 4:5" */
gboolean
kabar_imap_vanished_parse (KabarImapResponse  *response,
                           gboolean           *earlier,
                           KabarImapUidSet   **uids)
{
  const KabarImapValue *args = kabar_imap_response_get_args (response);
  const KabarImapValue *first = kabar_imap_value_get_list_item (args, 0);
  guint index = 0;

  *earlier = FALSE;
  if (kabar_imap_value_get_kind (first) == KABAR_IMAP_VALUE_LIST)
    {
      *earlier = kabar_imap_value_is_atom (kabar_imap_value_get_list_item (first, 0), "EARLIER");
      index = 1;
    }
  *uids = NULL;
  if (kabar_imap_value_get_text (kabar_imap_value_get_list_item (args, index)) == NULL)
    return FALSE;
  *uids = kabar_imap_uid_set_parse (kabar_imap_value_get_text (kabar_imap_value_get_list_item (args, index)), NULL);
  return *uids != NULL;
}

gboolean
kabar_imap_mailbox_state_take_response (KabarImapMailboxState *self,
                                        KabarImapResponse     *response)
{
  guint64 number = 0;
  gboolean star = FALSE;
  gboolean earlier;
  g_autoptr(KabarImapUidSet) uids = NULL;

  if (kabar_imap_response_get_status (response) == KABAR_IMAP_STATUS_OK)
    return take_code (self, response);
  kabar_imap_response_get_number (response, &number);
  switch (kabar_imap_response_get_data_kind (response))
    {
    case KABAR_IMAP_DATA_FLAGS:
      g_strfreev (self->flags);
      self->flags = flags_from_list (kabar_imap_value_get_list_item (kabar_imap_response_get_args (response), 0),
                                     &star);
      return TRUE;
    case KABAR_IMAP_DATA_EXISTS:
      self->exists = number32 (number);
      return TRUE;
    case KABAR_IMAP_DATA_RECENT:
      self->recent = number32 (number);
      return TRUE;
    case KABAR_IMAP_DATA_VANISHED:
      if (!kabar_imap_vanished_parse (response, &earlier, &uids) || !earlier)
        return FALSE;
      if (self->vanished == NULL)
        self->vanished = g_steal_pointer (&uids);
      else
        kabar_imap_uid_set_add_set (self->vanished, uids);
      return TRUE;
    case KABAR_IMAP_DATA_NONE:
    case KABAR_IMAP_DATA_UNKNOWN:
    case KABAR_IMAP_DATA_CAPABILITY:
    case KABAR_IMAP_DATA_ENABLED:
    case KABAR_IMAP_DATA_LIST:
    case KABAR_IMAP_DATA_LSUB:
    case KABAR_IMAP_DATA_STATUS:
    case KABAR_IMAP_DATA_SEARCH:
    case KABAR_IMAP_DATA_ESEARCH:
    case KABAR_IMAP_DATA_SORT:
    case KABAR_IMAP_DATA_THREAD:
    case KABAR_IMAP_DATA_NAMESPACE:
    case KABAR_IMAP_DATA_ID:
    case KABAR_IMAP_DATA_QUOTA:
    case KABAR_IMAP_DATA_QUOTAROOT:
    case KABAR_IMAP_DATA_METADATA:
    case KABAR_IMAP_DATA_EXPUNGE:
    case KABAR_IMAP_DATA_FETCH:
    default:
      return FALSE;
    }
}

void
kabar_imap_mailbox_state_add_changed (KabarImapMailboxState *self,
                                      KabarImapMessage      *message)
{
  g_ptr_array_add (self->changed, kabar_imap_message_ref (message));
}

/* The tagged OK's [READ-ONLY] or [READ-WRITE]. */
void
kabar_imap_mailbox_state_finish (KabarImapMailboxState *self,
                                 KabarImapResponse     *tagged)
{
  take_code (self, tagged);
}

const char *
kabar_imap_mailbox_state_get_name (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

gboolean
kabar_imap_mailbox_state_is_read_only (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return self->read_only;
}

guint32
kabar_imap_mailbox_state_get_exists (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->exists;
}

guint32
kabar_imap_mailbox_state_get_recent (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->recent;
}

guint32
kabar_imap_mailbox_state_get_uidvalidity (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->uidvalidity;
}

guint32
kabar_imap_mailbox_state_get_uidnext (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->uidnext;
}

guint32
kabar_imap_mailbox_state_get_first_unseen (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->first_unseen;
}

guint64
kabar_imap_mailbox_state_get_highest_modseq (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->highest_modseq;
}

gboolean
kabar_imap_mailbox_state_get_nomodseq (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->nomodseq;
}

const char * const *
kabar_imap_mailbox_state_get_flags (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->flags;
}

const char * const *
kabar_imap_mailbox_state_get_permanent_flags (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->permanent_flags;
}

gboolean
kabar_imap_mailbox_state_get_allows_keywords (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->allows_keywords;
}

KabarImapUidSet *
kabar_imap_mailbox_state_get_vanished (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->vanished;
}

GPtrArray *
kabar_imap_mailbox_state_get_changed (KabarImapMailboxState *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->changed;
}
