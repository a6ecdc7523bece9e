/* kabar-imap-replay.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pending operations, sent to the server one after the other in plain
 * sequential code (kabar-sync-wait.h). The store already shows each
 * change; here the server is brought to the same state, and the store is
 * told how it went.
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "kabar-imap-replay.h"
#include "kabar-replay-steps.h"
#include "kabar-sync-wait.h"

typedef struct
{
  KabarImapSession *session;
  KabarStore *store;
  GCancellable *cancellable;
  /* The mailbox this replay selected, and its UIDVALIDITY. The session
   * is the replay's while it runs, so it stays selected until the next
   * SELECT or a folder command. */
  char *selected;
  guint32 uidvalidity;
} Replay;

/* One operation being replayed. */
typedef struct
{
  const KabarPendingOperation *operation;
  JsonObject *payload;
} Step;

/* --- the session, one command at a time -------------------------------------- */

static gboolean
finish_command (Replay        *replay,
                GAsyncResult **slot,
                GError       **error)
{
  g_autoptr(GAsyncResult) result = kabar_sync_wait (slot);

  return kabar_imap_session_command_finish (replay->session, result, error);
}

static gboolean
select_mailbox (Replay      *replay,
                const char  *path,
                GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;

  if (g_strcmp0 (replay->selected, path) == 0)
    return TRUE;
  /* A failed SELECT leaves no mailbox selected. */
  g_clear_pointer (&replay->selected, g_free);
  kabar_imap_session_select_async (replay->session, path, FALSE, NULL, NULL, NULL,
                                   replay->cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  state = kabar_imap_session_select_finish (replay->session, result, error);
  if (state == NULL)
    return FALSE;
  replay->selected = g_strdup (path);
  replay->uidvalidity = kabar_imap_mailbox_state_get_uidvalidity (state);
  return TRUE;
}

static gboolean
store_flags (Replay                 *replay,
             const KabarImapUidSet  *uids,
             KabarImapStoreMode      mode,
             const char * const     *flags,
             GError                **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (flags == NULL || flags[0] == NULL)
    return TRUE;
  kabar_imap_session_uid_store_async (replay->session, uids, mode, flags, TRUE, 0,
                                      replay->cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_imap_session_uid_store_finish (replay->session, result, NULL, error);
}

/* UID STORE +FLAGS (\Deleted) and UID EXPUNGE of exactly these UIDs. */
static gboolean
expunge_uids (Replay                 *replay,
              const KabarImapUidSet  *uids,
              GError                **error)
{
  static const char * const deleted[] = { "\\Deleted", NULL };
  GAsyncResult *slot = NULL;

  if (!store_flags (replay, uids, KABAR_IMAP_STORE_ADD, deleted, error))
    return FALSE;
  kabar_imap_session_expunge_async (replay->session, uids, replay->cancellable,
                                    kabar_sync_wait_done, &slot);
  return finish_command (replay, &slot, error);
}

static gboolean
copy_uids (Replay                 *replay,
           const KabarImapUidSet  *uids,
           const char             *mailbox,
           gboolean                move,
           KabarImapUidMap       **map,
           GError                **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (move)
    kabar_imap_session_uid_move_async (replay->session, uids, mailbox, replay->cancellable,
                                       kabar_sync_wait_done, &slot);
  else
    kabar_imap_session_uid_copy_async (replay->session, uids, mailbox, replay->cancellable,
                                       kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_imap_session_uid_copy_finish (replay->session, result, map, error);
}

static KabarImapUidSet *
search (Replay      *replay,
        const char  *criteria,
        GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_imap_session_uid_search_async (replay->session, criteria, replay->cancellable,
                                       kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_imap_session_uid_search_finish (replay->session, result, error);
}

/* CREATE, DELETE and RENAME may change what this replay has selected. */
static gboolean
folder_command (Replay            *replay,
                KabarPendingKind   kind,
                const char        *path,
                const char        *new_path,
                GError           **error)
{
  GAsyncResult *slot = NULL;

  g_clear_pointer (&replay->selected, g_free);
  if (kind == KABAR_PENDING_FOLDER_CREATE)
    kabar_imap_session_create_async (replay->session, path, replay->cancellable,
                                     kabar_sync_wait_done, &slot);
  else if (kind == KABAR_PENDING_FOLDER_RENAME)
    kabar_imap_session_rename_async (replay->session, path, new_path, replay->cancellable,
                                     kabar_sync_wait_done, &slot);
  else
    kabar_imap_session_delete_async (replay->session, path, replay->cancellable,
                                     kabar_sync_wait_done, &slot);
  return finish_command (replay, &slot, error);
}

/* --- telling refusals from failures ------------------------------------------ */

/* The server answered, and it was no: undo. Anything else leaves the
 * outcome unknown, or is no fault of the operation: retry later. */
static gboolean
is_refusal (const GError *error)
{
  if (error->domain != KABAR_IMAP_ERROR)
    return FALSE;
  switch ((KabarImapError) error->code)
    {
    case KABAR_IMAP_ERROR_NO:
    case KABAR_IMAP_ERROR_BAD:
    case KABAR_IMAP_ERROR_NONEXISTENT:
    case KABAR_IMAP_ERROR_ALREADY_EXISTS:
    case KABAR_IMAP_ERROR_OVER_QUOTA:
    case KABAR_IMAP_ERROR_UNSUPPORTED:
    case KABAR_IMAP_ERROR_MAILBOX_NAME:
      return TRUE;
    case KABAR_IMAP_ERROR_PARSE:
    case KABAR_IMAP_ERROR_AUTHENTICATION_FAILED:
    case KABAR_IMAP_ERROR_BASIC_AUTH_DISABLED:
    case KABAR_IMAP_ERROR_AUTHENTICATION_UNAVAILABLE:
    case KABAR_IMAP_ERROR_LOGIN_DISABLED:
    case KABAR_IMAP_ERROR_BYE:
    default:
      return FALSE;
    }
}

/* Refusals that mean a started operation already happened. */
static gboolean
is_done_already (const GError *error,
                 const Step   *step)
{
  if (!step->operation->started)
    return FALSE;
  switch (step->operation->kind)
    {
    case KABAR_PENDING_FOLDER_CREATE:
      return g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_ALREADY_EXISTS);
    case KABAR_PENDING_FOLDER_RENAME:
    case KABAR_PENDING_FOLDER_DELETE:
      return g_error_matches (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_NONEXISTENT);
    case KABAR_PENDING_FLAGS:
    case KABAR_PENDING_MOVE:
    case KABAR_PENDING_COPY:
    case KABAR_PENDING_DELETE:
    case KABAR_PENDING_APPEND:
    default:
      return FALSE;
    }
}

/* --- reading an operation ---------------------------------------------------- */

static const char *
payload_string (const Step *step,
                const char *member)
{
  return json_object_has_member (step->payload, member)
         ? json_object_get_string_member (step->payload, member) : NULL;
}

/* A JSON array of strings as a NULL-terminated vector (empty when
 * missing). */
static GStrv
payload_strv (const Step *step,
              const char *member)
{
  JsonArray *array = json_object_has_member (step->payload, member)
                     ? json_object_get_array_member (step->payload, member) : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    g_strv_builder_add (builder, json_array_get_string_element (array, i));
  return g_strv_builder_end (builder);
}

/* The members each kind's replay reads: a payload without them (one from
 * before version 2 of the store) cannot be replayed. */
static KabarReplayRequired required_members = {
  [KABAR_PENDING_FLAGS] = { "path", NULL },
  [KABAR_PENDING_MOVE] = { "path", "to" },
  [KABAR_PENDING_COPY] = { "path", "to" },
  [KABAR_PENDING_DELETE] = { "path", NULL },
  [KABAR_PENDING_APPEND] = { "path", NULL },
  [KABAR_PENDING_FOLDER_CREATE] = { "path", NULL },
  [KABAR_PENDING_FOLDER_RENAME] = { "from", "to" },
  [KABAR_PENDING_FOLDER_DELETE] = { "path", NULL },
};


static GArray *
list_messages (Replay      *replay,
               const Step  *step,
               GError     **error)
{
  return kabar_store_list_pending_messages (replay->store, step->operation->id, error);
}

static KabarImapUidSet *
uids_of (GArray *messages)
{
  KabarImapUidSet *uids = kabar_imap_uid_set_new ();

  for (guint i = 0; i < messages->len; i++)
    if (g_array_index (messages, KabarPendingMessage, i).uid > 0)
      kabar_imap_uid_set_add (uids, g_array_index (messages, KabarPendingMessage, i).uid);
  return uids;
}

/* --- finding what a started operation already did ------------------------------ */

/* HEADER Message-ID "<id>", or NULL for an id a quoted string cannot
 * carry (8-bit, line ends): such a message is copied again. */
static char *
message_id_criteria (const char *message_id)
{
  g_autoptr(GString) criteria = NULL;

  if (message_id == NULL || *message_id == '\0')
    return NULL;
  criteria = g_string_new ("HEADER Message-ID \"<");
  for (const char *p = message_id; *p != '\0'; p++)
    {
      if ((guchar) *p >= 0x80 || g_ascii_iscntrl (*p))
        return NULL;
      if (*p == '"' || *p == '\\')
        g_string_append_c (criteria, '\\');
      g_string_append_c (criteria, *p);
    }
  g_string_append (criteria, ">\"");
  return g_string_free (g_steal_pointer (&criteria), FALSE);
}

/* The UIDs in the selected mailbox of the message with this Message-ID;
 * empty when it has none. */
static KabarImapUidSet *
find_message (Replay      *replay,
              const char  *message_id,
              GError     **error)
{
  g_autofree char *criteria = message_id_criteria (message_id);

  if (criteria == NULL)
    return kabar_imap_uid_set_new ();
  return search (replay, criteria, error);
}

static KabarImapUidMap *
uid_map_new (guint32 uidvalidity)
{
  KabarImapUidMap *map = g_new0 (KabarImapUidMap, 1);

  map->uidvalidity = uidvalidity;
  map->source = g_array_new (FALSE, FALSE, sizeof (guint32));
  map->destination = g_array_new (FALSE, FALSE, sizeof (guint32));
  return map;
}

static void
uid_map_add (KabarImapUidMap *map,
             guint32          source,
             guint32          destination)
{
  g_array_append_val (map->source, source);
  g_array_append_val (map->destination, destination);
}

/* The COPYUID of what was copied now joins what a started replay found
 * copied before: the store takes one mapping. */
static void
uid_map_merge (KabarImapUidMap **map,
               KabarImapUidMap  *copied)
{
  if (copied == NULL)
    return;
  if (*map == NULL)
    *map = uid_map_new (copied->uidvalidity);
  /* Found under another UIDVALIDITY: the folder was made anew since,
   * and the sync fetches it all. */
  if ((*map)->source->len > 0 && (*map)->uidvalidity != copied->uidvalidity)
    return;
  (*map)->uidvalidity = copied->uidvalidity;
  g_array_append_vals ((*map)->source, copied->source->data, copied->source->len);
  g_array_append_vals ((*map)->destination, copied->destination->data, copied->destination->len);
}

/* The messages the destination already has: their source UIDs into
 * copied, and where they are into *map when the destination has one
 * message of that Message-ID (with several, the sync sorts them out). */
static gboolean
find_copied (Replay            *replay,
             GArray            *messages,
             const char        *destination,
             KabarImapUidSet   *copied,
             KabarImapUidMap  **map,
             GError           **error)
{
  if (!select_mailbox (replay, destination, error))
    return FALSE;
  *map = uid_map_new (replay->uidvalidity);
  for (guint i = 0; i < messages->len; i++)
    {
      KabarPendingMessage *message = &g_array_index (messages, KabarPendingMessage, i);
      g_autoptr(KabarImapUidSet) found = find_message (replay, message->message_id, error);
      guint32 first = 0, last = 0;

      if (found == NULL)
        return FALSE;
      if (kabar_imap_uid_set_is_empty (found) || message->uid == 0)
        continue;
      kabar_imap_uid_set_add (copied, message->uid);
      if (kabar_imap_uid_set_get_count (found) != 1)
        continue;
      kabar_imap_uid_set_get_range (found, 0, &first, &last);
      uid_map_add (*map, message->uid, first);
    }
  return TRUE;
}

static KabarImapUidSet *
uid_set_minus (const KabarImapUidSet *set,
               const KabarImapUidSet *other)
{
  g_autoptr(GArray) uids = kabar_imap_uid_set_to_array (set);
  KabarImapUidSet *rest = kabar_imap_uid_set_new ();

  for (guint i = 0; i < uids->len; i++)
    if (!kabar_imap_uid_set_contains (other, g_array_index (uids, guint32, i)))
      kabar_imap_uid_set_add (rest, g_array_index (uids, guint32, i));
  return rest;
}

/* --- each kind --------------------------------------------------------------- */

static gboolean
replay_flags (Replay      *replay,
              const Step  *step,
              GError     **error)
{
  g_autoptr(GArray) messages = list_messages (replay, step, error);
  g_autoptr(KabarImapUidSet) uids = NULL;
  g_auto(GStrv) add = payload_strv (step, "add");
  g_auto(GStrv) remove = payload_strv (step, "remove");

  if (messages == NULL)
    return FALSE;
  uids = uids_of (messages);
  if (kabar_imap_uid_set_is_empty (uids))
    return kabar_replay_complete (replay->store, step->operation, error);
  return select_mailbox (replay, payload_string (step, "path"), error)
         && store_flags (replay, uids, KABAR_IMAP_STORE_ADD, (const char * const *) add, error)
         && store_flags (replay, uids, KABAR_IMAP_STORE_REMOVE, (const char * const *) remove, error)
         && kabar_replay_complete (replay->store, step->operation, error);
}

static gboolean
replay_delete (Replay      *replay,
               const Step  *step,
               GError     **error)
{
  g_autoptr(GArray) messages = list_messages (replay, step, error);
  g_autoptr(KabarImapUidSet) uids = NULL;

  if (messages == NULL)
    return FALSE;
  uids = uids_of (messages);
  if (kabar_imap_uid_set_is_empty (uids))
    return kabar_replay_complete (replay->store, step->operation, error);
  /* Checked before anything is sent: \Deleted without the UID EXPUNGE
   * would be left on the messages. */
  if (!kabar_imap_session_has_capability (replay->session, "UIDPLUS"))
    {
      g_set_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_UNSUPPORTED,
                   "The server does not offer UIDPLUS: deleting for good would need an "
                   "EXPUNGE, which would also remove every other message marked \\Deleted");
      return FALSE;
    }
  return select_mailbox (replay, payload_string (step, "path"), error)
         && expunge_uids (replay, uids, error)
         && kabar_replay_complete (replay->store, step->operation, error);
}

static gboolean
complete_copied (Replay           *replay,
                 const Step       *step,
                 KabarImapUidMap  *map,
                 GError          **error)
{
  if (map == NULL)
    return kabar_replay_complete (replay->store, step->operation, error);
  return kabar_store_complete_pending_copy (replay->store, step->operation->id, map->uidvalidity,
                                            (const guint32 *) map->source->data,
                                            (const guint32 *) map->destination->data,
                                            map->source->len, error);
}

/* A started copy, or move through COPY, may have copied some messages:
 * those the destination has are not copied again (*found says where they
 * are), and a move only removes them from the source. What is left to
 * copy is returned. */
static KabarImapUidSet *
skip_copied (Replay                 *replay,
             const Step             *step,
             GArray                 *messages,
             const KabarImapUidSet  *uids,
             gboolean                move,
             KabarImapUidMap       **found,
             GError                **error)
{
  g_autoptr(KabarImapUidSet) copied = kabar_imap_uid_set_new ();

  if (!step->operation->started
      || (move && kabar_imap_session_has_capability (replay->session, "MOVE")))
    return kabar_imap_uid_set_copy (uids);
  if (!find_copied (replay, messages, payload_string (step, "to"), copied, found, error))
    return NULL;
  if (move && !kabar_imap_uid_set_is_empty (copied)
      && !(select_mailbox (replay, payload_string (step, "path"), error)
           && expunge_uids (replay, copied, error)))
    return NULL;
  return uid_set_minus (uids, copied);
}

static gboolean
replay_copy (Replay      *replay,
             const Step  *step,
             gboolean     move,
             GError     **error)
{
  g_autoptr(GArray) messages = list_messages (replay, step, error);
  g_autoptr(KabarImapUidSet) uids = NULL;
  g_autoptr(KabarImapUidSet) rest = NULL;
  g_autoptr(KabarImapUidMap) map = NULL;
  g_autoptr(KabarImapUidMap) copied = NULL;

  if (messages == NULL)
    return FALSE;
  uids = uids_of (messages);
  if (kabar_imap_uid_set_is_empty (uids))
    return kabar_replay_complete (replay->store, step->operation, error);
  rest = skip_copied (replay, step, messages, uids, move, &map, error);
  if (rest == NULL || !kabar_replay_mark_started (replay->store, step->operation, error))
    return FALSE;
  if (!kabar_imap_uid_set_is_empty (rest)
      && !(select_mailbox (replay, payload_string (step, "path"), error)
           && copy_uids (replay, rest, payload_string (step, "to"), move, &copied, error)))
    return FALSE;
  uid_map_merge (&map, copied);
  return complete_copied (replay, step, map, error);
}

/* A started append whose message the mailbox has is done: with its UID
 * when there is exactly one. */
static gboolean
find_appended (Replay      *replay,
               const Step  *step,
               gboolean    *found,
               GError     **error)
{
  const char *message_id = payload_string (step, "message_id");
  g_autofree char *criteria = message_id_criteria (message_id);
  g_autoptr(KabarImapUidSet) uids = NULL;
  guint32 uid = 0, last = 0;

  *found = FALSE;
  if (!step->operation->started || criteria == NULL)
    return TRUE;
  if (!select_mailbox (replay, payload_string (step, "path"), error)
      || (uids = search (replay, criteria, error)) == NULL)
    return FALSE;
  *found = !kabar_imap_uid_set_is_empty (uids);
  if (!*found)
    return TRUE;
  if (kabar_imap_uid_set_get_count (uids) == 1)
    kabar_imap_uid_set_get_range (uids, 0, &uid, &last);
  return kabar_store_complete_pending_append (replay->store, step->operation->id,
                                              replay->uidvalidity, uid, error);
}

static gboolean
append_message (Replay      *replay,
                const Step  *step,
                GError     **error)
{
  g_autoptr(GBytes) raw = kabar_store_get_pending_data (replay->store, step->operation->id, error);
  g_auto(GStrv) flags = payload_strv (step, "flags");
  gint64 date = json_object_get_int_member_with_default (step->payload, "internal_date", 0);
  g_autoptr(GDateTime) internal_date = date != 0 ? g_date_time_new_from_unix_utc (date) : NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint32 uidvalidity = 0, uid = 0;

  if (raw == NULL)
    return FALSE;
  kabar_imap_session_append_async (replay->session, payload_string (step, "path"), raw,
                                   (const char * const *) flags, internal_date, replay->cancellable,
                                   kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_imap_session_append_finish (replay->session, result, &uidvalidity, &uid, error)
         && kabar_store_complete_pending_append (replay->store, step->operation->id, uidvalidity,
                                                 uid, error);
}

static gboolean
replay_append (Replay      *replay,
               const Step  *step,
               GError     **error)
{
  gboolean found = FALSE;

  if (!find_appended (replay, step, &found, error))
    return FALSE;
  if (found)
    return TRUE;
  return kabar_replay_mark_started (replay->store, step->operation, error)
         && append_message (replay, step, error);
}

/* A new folder is subscribed, as it shows here; a deleted one
 * unsubscribed, or servers that keep subscriptions apart (Dovecot) would
 * still list it. The folder is there or gone whatever the server answers
 * to this: only a lost connection matters. */
static gboolean
subscribe (Replay      *replay,
           const char  *path,
           gboolean     subscribed,
           GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GError) local_error = NULL;

  kabar_imap_session_subscribe_async (replay->session, path, subscribed, replay->cancellable,
                                      kabar_sync_wait_done, &slot);
  if (finish_command (replay, &slot, &local_error) || is_refusal (local_error))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
replay_folder (Replay      *replay,
               const Step  *step,
               GError     **error)
{
  KabarPendingKind kind = step->operation->kind;
  const char *path = payload_string (step, kind == KABAR_PENDING_FOLDER_RENAME ? "from" : "path");
  g_autoptr(GError) local_error = NULL;

  if (!kabar_replay_mark_started (replay->store, step->operation, error))
    return FALSE;
  if (!folder_command (replay, kind, path, payload_string (step, "to"), &local_error)
      && !is_done_already (local_error, step))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (kind != KABAR_PENDING_FOLDER_RENAME
      && !subscribe (replay, path, kind == KABAR_PENDING_FOLDER_CREATE, error))
    return FALSE;
  return kabar_replay_complete (replay->store, step->operation, error);
}

static gboolean
replay_step (Replay      *replay,
             const Step  *step,
             GError     **error)
{
  switch (step->operation->kind)
    {
    case KABAR_PENDING_FLAGS:
      return replay_flags (replay, step, error);
    case KABAR_PENDING_MOVE:
      return replay_copy (replay, step, TRUE, error);
    case KABAR_PENDING_COPY:
      return replay_copy (replay, step, FALSE, error);
    case KABAR_PENDING_DELETE:
      return replay_delete (replay, step, error);
    case KABAR_PENDING_APPEND:
      return replay_append (replay, step, error);
    case KABAR_PENDING_FOLDER_CREATE:
    case KABAR_PENDING_FOLDER_RENAME:
    case KABAR_PENDING_FOLDER_DELETE:
      return replay_folder (replay, step, error);
    default:
      g_return_val_if_reached (FALSE);
    }
}

/* --- the queue ---------------------------------------------------------------- */

static gboolean
refuse (Replay                      *replay,
        const KabarPendingOperation *operation,
        const GError                *server_error,
        KabarImapRefusedFunc         refused,
        gpointer                     user_data,
        GError                     **error)
{
  if (!kabar_replay_refuse (replay->store, operation, server_error, error))
    return FALSE;
  if (refused != NULL)
    refused (operation, server_error, user_data);
  return TRUE;
}

static gboolean
replay_operation (Replay                      *replay,
                  const KabarPendingOperation *operation,
                  KabarImapRefusedFunc         refused,
                  gpointer                     user_data,
                  GError                     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) payload = kabar_replay_read_payload (operation, required_members, &local_error);
  Step step = { operation, payload };

  if (payload != NULL)
    {
      if (replay_step (replay, &step, &local_error)
          || kabar_replay_has_vanished (replay->store, operation, local_error))
        return TRUE;
      if (!is_refusal (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return refuse (replay, operation, local_error, refused, user_data, error);
}

static gboolean
replay_all (Replay                *replay,
            KabarImapRefusedFunc   refused,
            gpointer               user_data,
            GError               **error)
{
  for (;;)
    {
      g_autoptr(GPtrArray) operations = kabar_store_list_pending_operations (replay->store, error);

      if (operations == NULL)
        return FALSE;
      if (operations->len == 0)
        return TRUE;
      for (guint i = 0; i < operations->len; i++)
        if (g_cancellable_set_error_if_cancelled (replay->cancellable, error)
            || !replay_operation (replay, operations->pdata[i], refused, user_data, error))
          return FALSE;
    }
}

gboolean
kabar_imap_replay_pending (KabarImapSession      *session,
                           KabarStore            *store,
                           KabarImapRefusedFunc   refused,
                           gpointer               user_data,
                           GCancellable          *cancellable,
                           GError               **error)
{
  Replay replay = { session, store, cancellable, NULL, 0 };
  gboolean done;

  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (session), FALSE);
  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  done = replay_all (&replay, refused, user_data, error);
  g_free (replay.selected);
  return done;
}
