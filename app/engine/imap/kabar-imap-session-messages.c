/* kabar-imap-session-messages.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Commands on the messages of the selected mailbox, all by UID: FETCH,
 * SEARCH, STORE, COPY, MOVE, EXPUNGE, and APPEND.
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-results-private.h"
#include "kabar-imap-session-private.h"

static gboolean
is_ok (KabarImapResponse *tagged)
{
  return kabar_imap_response_get_status (tagged) == KABAR_IMAP_STATUS_OK;
}

static void
return_reply_error (KabarImapSession  *self,
                    KabarImapCommand  *command,
                    KabarImapResponse *tagged)
{
  kabar_imap_command_return_error (command, kabar_imap_session_reply_error (self, command, tagged));
}

static void
add_uid_set (KabarImapCommand      *command,
             const KabarImapUidSet *uids)
{
  g_autofree char *text = kabar_imap_uid_set_to_string (uids);

  kabar_imap_command_add_atom (command, text);
}

static gboolean
set_has_star (const KabarImapUidSet *uids)
{
  guint n = kabar_imap_uid_set_get_n_ranges (uids);
  guint32 last = 0;

  if (n == 0)
    return FALSE;
  kabar_imap_uid_set_get_range (uids, n - 1, NULL, &last);
  return last == KABAR_IMAP_UID_STAR;
}

/* --- UID FETCH ------------------------------------------------------------- */

typedef struct
{
  KabarImapUidSet      *uids;
  /* "n:*" also means the highest UID when that is below n. */
  gboolean              star;
  /* Asked for more than FLAGS and MODSEQ: a reply of ours carries some of
   * it, which tells it from a STORE's or another client's FETCH. */
  gboolean              distinctive;
  KabarImapMessageFunc  message_func;
  KabarImapStreamFunc   stream_func;
  gpointer              func_data;
  GDestroyNotify        func_data_free;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  kabar_imap_uid_set_free (fetch->uids);
  if (fetch->func_data_free != NULL)
    fetch->func_data_free (fetch->func_data);
  g_free (fetch);
}

static gboolean
is_distinctive_key (const char *key)
{
  return strcmp (key, "ENVELOPE") == 0 || strcmp (key, "BODYSTRUCTURE") == 0 ||
         strcmp (key, "INTERNALDATE") == 0 || strcmp (key, "RFC822.SIZE") == 0 ||
         g_str_has_prefix (key, "BODY[") || g_str_has_prefix (key, "BINARY[");
}

static gboolean
fetch_has_uid (Fetch   *fetch,
               guint64  uid)
{
  return uid > 0 && uid <= G_MAXUINT32 && (fetch->star || kabar_imap_uid_set_contains (fetch->uids, (guint32) uid));
}

static gboolean
fetch_claims (Fetch             *fetch,
              KabarImapResponse *response)
{
  KabarImapFetchIter iter;
  const char *key;
  const KabarImapValue *value;
  guint64 uid = 0;

  if (kabar_imap_response_get_data_kind (response) != KABAR_IMAP_DATA_FETCH)
    return FALSE;
  if (!kabar_imap_value_get_number (kabar_imap_response_lookup_fetch_item (response, "UID"), &uid) ||
      !fetch_has_uid (fetch, uid))
    return FALSE;
  if (!fetch->distinctive)
    return TRUE;
  kabar_imap_fetch_iter_init (&iter, response);
  while (kabar_imap_fetch_iter_next (&iter, &key, &value))
    if (is_distinctive_key (key))
      return TRUE;
  return FALSE;
}

static gboolean
fetch_untagged (KabarImapSession  *self,
                KabarImapCommand  *command,
                KabarImapResponse *response)
{
  Fetch *fetch = command->data;
  g_autoptr(KabarImapMessage) message = NULL;

  if (!fetch_claims (fetch, response))
    return FALSE;
  /* A cancelled fetch still gets its replies, and drops them. */
  if (command->task == NULL || fetch->message_func == NULL)
    return TRUE;
  message = kabar_imap_message_new (response);
  fetch->message_func (self, message, fetch->func_data);
  return TRUE;
}

static gboolean
fetch_stream (KabarImapSession            *self,
              KabarImapCommand            *command,
              const KabarImapLiteralInfo  *info,
              GOutputStream              **output)
{
  Fetch *fetch = command->data;

  if (g_strcmp0 (info->name, "FETCH") != 0 || (info->uid != 0 && !fetch_has_uid (fetch, info->uid)))
    return FALSE;
  if (command->task != NULL && fetch->stream_func != NULL)
    *output = fetch->stream_func (self, (guint32) info->uid, info->key != NULL ? info->key : "", info->size,
                                  fetch->func_data);
  return TRUE;
}

static void
fetch_done (KabarImapSession  *self,
            KabarImapCommand  *command,
            KabarImapResponse *tagged)
{
  if (is_ok (tagged))
    kabar_imap_command_return_boolean (command);
  else
    return_reply_error (self, command, tagged);
}

static void
add_fetch_items (KabarImapSession            *self,
                 KabarImapCommand            *command,
                 const KabarImapFetchRequest *request)
{
  g_autoptr(GString) items = g_string_new ("(UID");
  KabarImapFetchItems asked = request->items;

  if (asked & KABAR_IMAP_FETCH_FLAGS)
    g_string_append (items, " FLAGS");
  if ((asked & KABAR_IMAP_FETCH_MODSEQ) && kabar_imap_session_has_capability (self, "CONDSTORE"))
    g_string_append (items, " MODSEQ");
  if (asked & KABAR_IMAP_FETCH_INTERNALDATE)
    g_string_append (items, " INTERNALDATE");
  if (asked & KABAR_IMAP_FETCH_RFC822_SIZE)
    g_string_append (items, " RFC822.SIZE");
  if (asked & KABAR_IMAP_FETCH_ENVELOPE)
    g_string_append (items, " ENVELOPE");
  if (asked & KABAR_IMAP_FETCH_BODYSTRUCTURE)
    g_string_append (items, " BODYSTRUCTURE");
  if (request->header_fields != NULL)
    {
      g_autofree char *fields = g_strjoinv (" ", (char **) request->header_fields);

      g_string_append_printf (items, " BODY.PEEK[HEADER.FIELDS (%s)]", fields);
    }
  for (guint i = 0; request->sections != NULL && request->sections[i] != NULL; i++)
    g_string_append_printf (items, " BODY.PEEK[%s]", request->sections[i]);
  if ((asked & KABAR_IMAP_FETCH_BODY) && request->body_length > 0)
    g_string_append_printf (items, " BODY.PEEK[]<%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT ">",
                            request->body_offset, request->body_length);
  else if (asked & KABAR_IMAP_FETCH_BODY)
    g_string_append (items, " BODY.PEEK[]");
  g_string_append_c (items, ')');
  kabar_imap_command_add_atom (command, items->str);
}

static gboolean
is_distinctive_request (const KabarImapFetchRequest *request)
{
  return (request->items & ~(KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_MODSEQ)) != 0 ||
         request->header_fields != NULL || (request->sections != NULL && request->sections[0] != NULL);
}

void
kabar_imap_session_uid_fetch_async (KabarImapSession            *self,
                                    const KabarImapUidSet       *uids,
                                    const KabarImapFetchRequest *request,
                                    KabarImapMessageFunc         message_func,
                                    KabarImapStreamFunc          stream_func,
                                    gpointer                     func_data,
                                    GDestroyNotify               func_data_free,
                                    GCancellable                *cancellable,
                                    GAsyncReadyCallback          callback,
                                    gpointer                     user_data)
{
  KabarImapCommand *command;
  Fetch *fetch;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (uids != NULL && !kabar_imap_uid_set_is_empty (uids));
  g_return_if_fail (request != NULL);

  if (request->changed_since > 0 && !kabar_imap_session_has_capability (self, "CONDSTORE"))
    {
      if (func_data_free != NULL)
        func_data_free (func_data);
      kabar_imap_session_report_error (self, callback, user_data, kabar_imap_session_uid_fetch_async,
                                       kabar_imap_session_unsupported (self, "FETCH CHANGEDSINCE", "CONDSTORE"));
      return;
    }
  command = kabar_imap_session_new_command (self, "UID FETCH", 0);
  add_uid_set (command, uids);
  add_fetch_items (self, command, request);
  if (request->changed_since > 0)
    kabar_imap_command_add_printf (command, "(CHANGEDSINCE %" G_GUINT64_FORMAT ")", request->changed_since);
  fetch = g_new0 (Fetch, 1);
  fetch->uids = kabar_imap_uid_set_copy (uids);
  fetch->star = set_has_star (uids);
  fetch->distinctive = is_distinctive_request (request);
  fetch->message_func = message_func;
  fetch->stream_func = stream_func;
  fetch->func_data = func_data;
  fetch->func_data_free = func_data_free;
  kabar_imap_command_set_data (command, fetch, (GDestroyNotify) fetch_free);
  command->untagged = fetch_untagged;
  command->stream = fetch_stream;
  command->done = fetch_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_uid_fetch_async);
}

gboolean
kabar_imap_session_uid_fetch_finish (KabarImapSession  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- UID SEARCH ------------------------------------------------------------ */

/* "* ESEARCH (TAG "a5") UID ALL 1:3,7 COUNT 4": the ALL of our tag. */
static gboolean
take_esearch (KabarImapCommand  *command,
              KabarImapResponse *response)
{
  const KabarImapValue *args = kabar_imap_response_get_args (response);
  const KabarImapValue *correlator = kabar_imap_value_get_list_item (args, 0);
  const char *tag = kabar_imap_value_get_text (kabar_imap_value_get_list_item (correlator, 1));
  guint i = 1;

  if (!kabar_imap_value_is_atom (kabar_imap_value_get_list_item (correlator, 0), "TAG") ||
      g_strcmp0 (tag, command->tag) != 0)
    return FALSE;
  if (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (args, i), "UID"))
    i++;
  for (; i + 1 < kabar_imap_value_get_list_length (args); i += 2)
    if (kabar_imap_value_is_atom (kabar_imap_value_get_list_item (args, i), "ALL"))
      {
        const char *text = kabar_imap_value_get_text (kabar_imap_value_get_list_item (args, i + 1));
        g_autoptr(KabarImapUidSet) uids = text != NULL ? kabar_imap_uid_set_parse (text, NULL) : NULL;

        if (uids != NULL)
          kabar_imap_uid_set_add_set (command->data, uids);
      }
  return TRUE;
}

/* "* SEARCH 2 4 5 (MODSEQ 9)" */
static void
take_search (KabarImapCommand  *command,
             KabarImapResponse *response)
{
  const KabarImapValue *args = kabar_imap_response_get_args (response);

  for (guint i = 0; i < kabar_imap_value_get_list_length (args); i++)
    {
      guint64 uid;

      if (kabar_imap_value_get_number (kabar_imap_value_get_list_item (args, i), &uid) && uid > 0 &&
          uid <= G_MAXUINT32)
        kabar_imap_uid_set_add (command->data, (guint32) uid);
    }
}

static gboolean
search_untagged (KabarImapSession  *self,
                 KabarImapCommand  *command,
                 KabarImapResponse *response)
{
  switch ((int) kabar_imap_response_get_data_kind (response))
    {
    case KABAR_IMAP_DATA_ESEARCH:
      return take_esearch (command, response);
    case KABAR_IMAP_DATA_SEARCH:
      take_search (command, response);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
search_done (KabarImapSession  *self,
             KabarImapCommand  *command,
             KabarImapResponse *tagged)
{
  if (!is_ok (tagged))
    {
      return_reply_error (self, command, tagged);
      return;
    }
  kabar_imap_command_return_pointer (command, kabar_imap_uid_set_copy (command->data),
                                     (GDestroyNotify) kabar_imap_uid_set_free);
}

void
kabar_imap_session_uid_search_async (KabarImapSession    *self,
                                     const char          *criteria,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  KabarImapCommand *command;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (criteria != NULL);

  command = kabar_imap_session_new_command (self, "UID SEARCH", 0);
  if (kabar_imap_session_has_capability (self, "ESEARCH"))
    kabar_imap_command_add_atom (command, "RETURN (ALL)");
  kabar_imap_command_add_atom (command, criteria);
  kabar_imap_command_set_data (command, kabar_imap_uid_set_new (), (GDestroyNotify) kabar_imap_uid_set_free);
  command->untagged = search_untagged;
  command->done = search_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_uid_search_async);
}

static gboolean
is_ascii (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    if (*p >= 0x80)
      return FALSE;
  return TRUE;
}

void
kabar_imap_session_uid_search_text_async (KabarImapSession    *self,
                                          const char * const  *words,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  KabarImapCommand *command;
  gboolean ascii = TRUE;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (words != NULL && words[0] != NULL);

  for (guint i = 0; words[i] != NULL; i++)
    ascii = ascii && is_ascii (words[i]);
  command = kabar_imap_session_new_command (self, "UID SEARCH", 0);
  if (kabar_imap_session_has_capability (self, "ESEARCH"))
    kabar_imap_command_add_atom (command, "RETURN (ALL)");
  /* RFC 3501 §6.4.4: US-ASCII is every server's default; UTF-8 must be
   * named, and a server may refuse it (BADCHARSET). */
  if (!ascii)
    kabar_imap_command_add_atom (command, "CHARSET UTF-8");
  for (guint i = 0; words[i] != NULL; i++)
    {
      kabar_imap_command_add_atom (command, "TEXT");
      kabar_imap_command_add_string (command, words[i]);
    }
  kabar_imap_command_set_data (command, kabar_imap_uid_set_new (), (GDestroyNotify) kabar_imap_uid_set_free);
  command->untagged = search_untagged;
  command->done = search_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data,
                             kabar_imap_session_uid_search_async);
}

KabarImapUidSet *
kabar_imap_session_uid_search_finish (KabarImapSession  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- UID STORE ------------------------------------------------------------- */

static void
store_done (KabarImapSession  *self,
            KabarImapCommand  *command,
            KabarImapResponse *tagged)
{
  KabarImapUidSet *modified = NULL;

  if (!is_ok (tagged))
    {
      return_reply_error (self, command, tagged);
      return;
    }
  if (kabar_imap_response_get_code (tagged) == KABAR_IMAP_CODE_MODIFIED)
    modified = kabar_imap_uid_set_parse (kabar_imap_value_get_text (kabar_imap_value_get_list_item (
                                           kabar_imap_response_get_code_args (tagged), 0)), NULL);
  kabar_imap_command_return_pointer (command, modified != NULL ? modified : kabar_imap_uid_set_new (),
                                     (GDestroyNotify) kabar_imap_uid_set_free);
}

void
kabar_imap_session_uid_store_async (KabarImapSession      *self,
                                    const KabarImapUidSet *uids,
                                    KabarImapStoreMode     mode,
                                    const char * const    *flags,
                                    gboolean               silent,
                                    guint64                unchanged_since,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  static const char *const modes[] = { "+FLAGS", "-FLAGS", "FLAGS" };
  KabarImapCommand *command;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (uids != NULL && !kabar_imap_uid_set_is_empty (uids));
  g_return_if_fail (mode <= KABAR_IMAP_STORE_REPLACE);

  if (unchanged_since > 0 && !kabar_imap_session_has_capability (self, "CONDSTORE"))
    {
      kabar_imap_session_report_error (self, callback, user_data, kabar_imap_session_uid_store_async,
                                       kabar_imap_session_unsupported (self, "STORE UNCHANGEDSINCE", "CONDSTORE"));
      return;
    }
  command = kabar_imap_session_new_command (self, "UID STORE", 0);
  add_uid_set (command, uids);
  if (unchanged_since > 0)
    kabar_imap_command_add_printf (command, "(UNCHANGEDSINCE %" G_GUINT64_FORMAT ")", unchanged_since);
  kabar_imap_command_add_printf (command, "%s%s", modes[mode], silent ? ".SILENT" : "");
  kabar_imap_command_add_flags (command, flags);
  command->done = store_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_uid_store_async);
}

gboolean
kabar_imap_session_uid_store_finish (KabarImapSession  *self,
                                     GAsyncResult      *result,
                                     KabarImapUidSet  **modified,
                                     GError           **error)
{
  g_autoptr(KabarImapUidSet) set = NULL;

  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (modified != NULL)
    *modified = NULL;
  set = g_task_propagate_pointer (G_TASK (result), error);
  if (set == NULL)
    return FALSE;
  if (modified != NULL && !kabar_imap_uid_set_is_empty (set))
    *modified = g_steal_pointer (&set);
  return TRUE;
}

/* --- UID COPY and UID MOVE ------------------------------------------------- */

/* A copy's result: the map is NULL without UIDPLUS. */
typedef struct
{
  KabarImapUidMap *map;
} Copied;

static void
copied_free (Copied *copied)
{
  g_clear_pointer (&copied->map, kabar_imap_uid_map_free);
  g_free (copied);
}

/* MOVE says COPYUID in an untagged OK, before the expunges. */
static gboolean
copy_untagged (KabarImapSession  *self,
               KabarImapCommand  *command,
               KabarImapResponse *response)
{
  Copied *copied = command->data;

  if (kabar_imap_response_get_status (response) != KABAR_IMAP_STATUS_OK ||
      kabar_imap_response_get_code (response) != KABAR_IMAP_CODE_COPYUID)
    return FALSE;
  g_clear_pointer (&copied->map, kabar_imap_uid_map_free);
  copied->map = kabar_imap_uid_map_new_from_code (response);
  return TRUE;
}

static void
copy_done (KabarImapSession  *self,
           KabarImapCommand  *command,
           KabarImapResponse *tagged)
{
  Copied *copied = command->data;
  KabarImapUidMap *map;

  if (!is_ok (tagged))
    {
      return_reply_error (self, command, tagged);
      return;
    }
  map = kabar_imap_uid_map_new_from_code (tagged);
  if (map != NULL)
    {
      g_clear_pointer (&copied->map, kabar_imap_uid_map_free);
      copied->map = map;
    }
  command->data = NULL;
  kabar_imap_command_return_pointer (command, copied, (GDestroyNotify) copied_free);
}

static void
submit_copy (KabarImapSession      *self,
             const char            *name,
             const KabarImapUidSet *uids,
             const char            *mailbox,
             GCancellable          *cancellable,
             GAsyncReadyCallback    callback,
             gpointer               user_data)
{
  KabarImapCommand *command = kabar_imap_session_new_command (self, name, 0);

  add_uid_set (command, uids);
  kabar_imap_command_add_mailbox (command, mailbox);
  kabar_imap_command_set_data (command, g_new0 (Copied, 1), (GDestroyNotify) copied_free);
  command->untagged = copy_untagged;
  command->done = copy_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_uid_copy_async);
}

void
kabar_imap_session_uid_copy_async (KabarImapSession      *self,
                                   const KabarImapUidSet *uids,
                                   const char            *mailbox,
                                   GCancellable          *cancellable,
                                   GAsyncReadyCallback    callback,
                                   gpointer               user_data)
{
  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (uids != NULL && !kabar_imap_uid_set_is_empty (uids));
  g_return_if_fail (mailbox != NULL);

  submit_copy (self, "UID COPY", uids, mailbox, cancellable, callback, user_data);
}

gboolean
kabar_imap_session_uid_copy_finish (KabarImapSession  *self,
                                    GAsyncResult      *result,
                                    KabarImapUidMap  **map,
                                    GError           **error)
{
  Copied *copied;

  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (map != NULL)
    *map = NULL;
  copied = g_task_propagate_pointer (G_TASK (result), error);
  if (copied == NULL)
    return FALSE;
  if (map != NULL)
    *map = g_steal_pointer (&copied->map);
  copied_free (copied);
  return TRUE;
}

/* A move without MOVE: COPY, then mark the originals \Deleted, then
 * expunge exactly them. One after the other: a STORE after a failed COPY
 * would lose the messages. */
typedef struct
{
  KabarImapUidSet *uids;
  Copied          *copied;
} Move;

static void
move_free (Move *move)
{
  kabar_imap_uid_set_free (move->uids);
  g_clear_pointer (&move->copied, copied_free);
  g_free (move);
}

static void
on_move_expunged (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Move *move = g_task_get_task_data (task);
  GError *error = NULL;

  if (!kabar_imap_session_command_finish (KABAR_IMAP_SESSION (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&move->copied), (GDestroyNotify) copied_free);
}

static void
on_move_marked (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Move *move = g_task_get_task_data (task);
  GError *error = NULL;

  if (!kabar_imap_session_uid_store_finish (KABAR_IMAP_SESSION (source), result, NULL, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  kabar_imap_session_expunge_async (KABAR_IMAP_SESSION (source), move->uids, g_task_get_cancellable (task),
                                    on_move_expunged, task);
}

static void
on_move_copied (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Move *move = g_task_get_task_data (task);
  static const char *const deleted[] = { "\\Deleted", NULL };
  GError *error = NULL;

  move->copied = g_task_propagate_pointer (G_TASK (result), &error);
  if (move->copied == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  kabar_imap_session_uid_store_async (KABAR_IMAP_SESSION (source), move->uids, KABAR_IMAP_STORE_ADD, deleted, TRUE,
                                      0, g_task_get_cancellable (task), on_move_marked, task);
}

void
kabar_imap_session_uid_move_async (KabarImapSession      *self,
                                   const KabarImapUidSet *uids,
                                   const char            *mailbox,
                                   GCancellable          *cancellable,
                                   GAsyncReadyCallback    callback,
                                   gpointer               user_data)
{
  GTask *task;
  Move *move;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (uids != NULL && !kabar_imap_uid_set_is_empty (uids));
  g_return_if_fail (mailbox != NULL);

  if (kabar_imap_session_has_capability (self, "MOVE"))
    {
      submit_copy (self, "UID MOVE", uids, mailbox, cancellable, callback, user_data);
      return;
    }
  /* A plain EXPUNGE would take every message marked \Deleted, also those
   * another client or the user marked and meant to keep for now. */
  if (!kabar_imap_session_has_capability (self, "UIDPLUS"))
    {
      kabar_imap_session_report_error (self, callback, user_data, kabar_imap_session_uid_copy_async,
                                       g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_UNSUPPORTED,
                                                    "%s offers neither MOVE nor UIDPLUS: moving would need an "
                                                    "EXPUNGE, which would also remove every other message "
                                                    "marked \\Deleted", self->peer));
      return;
    }
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_imap_session_uid_copy_async);
  move = g_new0 (Move, 1);
  move->uids = kabar_imap_uid_set_copy (uids);
  g_task_set_task_data (task, move, (GDestroyNotify) move_free);
  submit_copy (self, "UID COPY", uids, mailbox, cancellable, on_move_copied, task);
}

/* --- EXPUNGE --------------------------------------------------------------- */

void
kabar_imap_session_expunge_async (KabarImapSession      *self,
                                  const KabarImapUidSet *uids,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  KabarImapCommand *command;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  if (uids != NULL && !kabar_imap_session_has_capability (self, "UIDPLUS"))
    {
      kabar_imap_session_report_error (self, callback, user_data, kabar_imap_session_command_finish,
                                       kabar_imap_session_unsupported (self, "UID EXPUNGE", "UIDPLUS"));
      return;
    }
  command = kabar_imap_session_new_command (self, uids != NULL ? "UID EXPUNGE" : "EXPUNGE", 0);
  if (uids != NULL)
    add_uid_set (command, uids);
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_command_finish);
}

/* --- APPEND ---------------------------------------------------------------- */

typedef struct
{
  guint32 uidvalidity;
  guint32 uid;
} Appended;

static void
append_done (KabarImapSession  *self,
             KabarImapCommand  *command,
             KabarImapResponse *tagged)
{
  Appended *appended;
  guint64 number = 0;
  const char *uid;

  if (!is_ok (tagged))
    {
      return_reply_error (self, command, tagged);
      return;
    }
  appended = g_new0 (Appended, 1);
  if (kabar_imap_response_get_code (tagged) == KABAR_IMAP_CODE_APPENDUID &&
      kabar_imap_response_get_code_number (tagged, &number))
    {
      uid = kabar_imap_value_get_text (kabar_imap_value_get_list_item (kabar_imap_response_get_code_args (tagged), 1));
      appended->uidvalidity = (guint32) MIN (number, G_MAXUINT32);
      appended->uid = (guint32) MIN (g_ascii_strtoull (uid, NULL, 10), G_MAXUINT32);
    }
  kabar_imap_command_return_pointer (command, appended, g_free);
}

void
kabar_imap_session_append_async (KabarImapSession    *self,
                                 const char          *mailbox,
                                 GBytes              *message,
                                 const char * const  *flags,
                                 GDateTime           *internal_date,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  KabarImapCommand *command;

  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));
  g_return_if_fail (mailbox != NULL);
  g_return_if_fail (message != NULL);

  command = kabar_imap_session_new_command (self, "APPEND", 0);
  kabar_imap_command_add_mailbox (command, mailbox);
  if (flags != NULL && flags[0] != NULL)
    kabar_imap_command_add_flags (command, flags);
  if (internal_date != NULL)
    {
      g_autofree char *date = kabar_imap_date_time_format (internal_date);

      kabar_imap_command_add_printf (command, "\"%s\"", date);
    }
  kabar_imap_command_add_literal (command, message);
  command->done = append_done;
  kabar_imap_session_submit (self, command, cancellable, callback, user_data, kabar_imap_session_append_async);
}

gboolean
kabar_imap_session_append_finish (KabarImapSession  *self,
                                  GAsyncResult      *result,
                                  guint32           *uidvalidity,
                                  guint32           *uid,
                                  GError           **error)
{
  g_autofree Appended *appended = NULL;

  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  appended = g_task_propagate_pointer (G_TASK (result), error);
  if (uidvalidity != NULL)
    *uidvalidity = appended != NULL ? appended->uidvalidity : 0;
  if (uid != NULL)
    *uid = appended != NULL ? appended->uid : 0;
  return appended != NULL;
}
