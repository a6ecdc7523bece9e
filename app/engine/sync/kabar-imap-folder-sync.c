/* kabar-imap-folder-sync.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One folder's sync: SELECT, then new mail, expunges and flag changes into
 * the store, by the cheapest means the server offers.
 */

#include "config.h"

#include "kabar-imap-folder-list.h"
#include "kabar-imap-folder-sync.h"
#include "kabar-imap-summary.h"
#include "kabar-sync-inserter.h"
#include "kabar-sync-wait.h"

/* The first batch fills the top of the message list: a screenful, soon. */
#define FIRST_BATCH          100
#define DEFAULT_BATCH        2000
/* A flag-only FETCH costs the server little: big chunks, few round trips. */
#define FLAG_CHUNK           10000
/* Commands on the wire at once: the next FETCH is sent before the previous
 * one's replies are all read, so the server never waits for us. */
#define PIPELINE_DEPTH       2
#define FLAG_UPDATE_BATCH    5000

typedef struct
{
  KabarImapSession           *session;
  KabarStore                 *store;
  KabarStoreFolder           *folder;
  KabarImapSyncResult        *result;
  GCancellable               *cancellable;
  guint                       batch_size;
  KabarImapMailboxState      *state;
  /* The store's messages that the server has, UIDs ascending. */
  GArray                     *local;
  /* The flag changes found, with the keyword strings they point into. */
  GArray                     *flag_updates;
  GPtrArray                  *flag_keywords;
  KabarSyncInserter         *inserter;
  /* The lowest UID of each new-mail FETCH in the order sent, and the one
   * whose replies are coming in: each is committed on its own, so the
   * first screenful shows before the rest is read. */
  GArray                     *chunk_lows;
  guint                       chunk_index;
  KabarImapSyncNewMailFunc    new_mail;
  gpointer                    new_mail_data;
} FolderSync;

static void
folder_sync_clear (FolderSync *sync)
{
  g_clear_pointer (&sync->folder, kabar_store_folder_free);
  g_clear_pointer (&sync->state, kabar_imap_mailbox_state_unref);
  g_clear_pointer (&sync->local, g_array_unref);
  g_clear_pointer (&sync->flag_updates, g_array_unref);
  g_clear_pointer (&sync->flag_keywords, g_ptr_array_unref);
  g_clear_pointer (&sync->inserter, kabar_sync_inserter_free);
  g_clear_pointer (&sync->chunk_lows, g_array_unref);
}

static gboolean
uses_condstore (FolderSync *sync)
{
  return (kabar_imap_session_is_enabled (sync->session, "CONDSTORE")
          || kabar_imap_session_is_enabled (sync->session, "QRESYNC"))
         && kabar_imap_mailbox_state_get_highest_modseq (sync->state) > 0;
}

/* --- flag changes ----------------------------------------------------------- */

static void
add_flag_update (FolderSync       *sync,
                 KabarImapMessage *message)
{
  const char * const *flags = kabar_imap_message_get_flags (message);
  KabarFlagUpdate update = { 0 };
  char *keywords = NULL;

  if (flags == NULL || kabar_imap_message_get_uid (message) == 0)
    return;
  update.uid = kabar_imap_message_get_uid (message);
  update.flags = kabar_imap_flags_parse (flags, &keywords);
  update.keywords = keywords;
  update.modseq = kabar_imap_message_get_modseq (message);
  if (keywords != NULL)
    g_ptr_array_add (sync->flag_keywords, keywords);
  g_array_append_val (sync->flag_updates, update);
}

static void
on_changed_message (KabarImapSession *session,
                    KabarImapMessage *message,
                    gpointer          user_data)
{
  add_flag_update (user_data, message);
}

static int
compare_uid_flags (gconstpointer a,
                   gconstpointer b)
{
  guint32 uid_a = ((const KabarUidFlags *) a)->uid;
  guint32 uid_b = ((const KabarUidFlags *) b)->uid;

  return (uid_a > uid_b) - (uid_a < uid_b);
}

static const KabarUidFlags *
find_local (FolderSync *sync,
            guint32     uid)
{
  KabarUidFlags key = { uid, 0 };

  if (sync->local == NULL || sync->local->len == 0)
    return NULL;
  return bsearch (&key, sync->local->data, sync->local->len, sizeof (KabarUidFlags),
                  compare_uid_flags);
}

/* Without CONDSTORE every message's flags come back: keep only those that
 * differ from the store's. Keywords are not compared (the store's map has
 * none), so a keyword-only change waits for a flag change to travel. */
static void
on_full_flags_message (KabarImapSession *session,
                       KabarImapMessage *message,
                       gpointer          user_data)
{
  FolderSync *sync = user_data;
  const KabarUidFlags *local = find_local (sync, kabar_imap_message_get_uid (message));
  const char * const *flags = kabar_imap_message_get_flags (message);
  g_autofree char *keywords = NULL;

  if (local == NULL || flags == NULL)
    return;
  if (kabar_imap_flags_parse (flags, &keywords) != local->flags)
    add_flag_update (sync, message);
}

static gboolean
apply_flag_updates (FolderSync  *sync,
                    GError     **error)
{
  const KabarFlagUpdate *updates = (const KabarFlagUpdate *) sync->flag_updates->data;

  for (guint start = 0; start < sync->flag_updates->len; start += FLAG_UPDATE_BATCH)
    {
      guint n = MIN (FLAG_UPDATE_BATCH, sync->flag_updates->len - start);

      if (!kabar_store_update_flags (sync->store, sync->folder->id, updates + start, n, error))
        return FALSE;
    }
  if (sync->result != NULL)
    sync->result->flags_changed += sync->flag_updates->len;
  g_array_set_size (sync->flag_updates, 0);
  g_ptr_array_set_size (sync->flag_keywords, 0);
  return TRUE;
}

/* --- fetching in a pipeline --------------------------------------------------- */

typedef struct
{
  GAsyncResult *slots[PIPELINE_DEPTH];
  guint         sent;
  guint         finished;
  GError       *error;
} Pipeline;

static void
pipeline_send (FolderSync                  *sync,
               Pipeline                    *pipeline,
               const KabarImapUidSet       *uids,
               const KabarImapFetchRequest *request,
               KabarImapMessageFunc         func)
{
  GAsyncResult **slot = &pipeline->slots[pipeline->sent++ % PIPELINE_DEPTH];

  kabar_imap_session_uid_fetch_async (sync->session, uids, request, func, NULL, sync, NULL,
                                      sync->cancellable, kabar_sync_wait_done, slot);
}

/* Waits for the oldest command in flight; the first error is kept, and
 * the commands after it are still waited for, so none outlives the sync. */
static void
pipeline_finish_one (FolderSync *sync,
                     Pipeline   *pipeline)
{
  GAsyncResult **slot = &pipeline->slots[pipeline->finished++ % PIPELINE_DEPTH];
  g_autoptr(GAsyncResult) result = kabar_sync_wait (slot);
  g_autoptr(GError) error = NULL;

  if (!kabar_imap_session_uid_fetch_finish (sync->session, result, &error)
      && pipeline->error == NULL)
    pipeline->error = g_steal_pointer (&error);
}

static gboolean
pipeline_drain (FolderSync  *sync,
                Pipeline    *pipeline,
                GError     **error)
{
  while (pipeline->finished < pipeline->sent)
    pipeline_finish_one (sync, pipeline);
  if (pipeline->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&pipeline->error));
      return FALSE;
    }
  return TRUE;
}

static KabarImapUidSet *
uid_set_from_array (const guint32 *uids,
                    guint          n)
{
  KabarImapUidSet *set = kabar_imap_uid_set_new ();

  for (guint i = 0; i < n; i++)
    kabar_imap_uid_set_add (set, uids[i]);
  return set;
}

/* --- new messages --------------------------------------------------------------- */

static void
on_new_message (KabarImapSession *session,
                KabarImapMessage *message,
                gpointer          user_data)
{
  FolderSync *sync = user_data;
  KabarMessageSummary *summary = kabar_imap_summary_new (message);

  if (summary == NULL)
    return;
  /* Replies come in command order, and each command's UIDs lie below the
   * previous one's: a UID under the current low starts the next. */
  while (sync->chunk_index + 1 < sync->chunk_lows->len
         && summary->uid < g_array_index (sync->chunk_lows, guint32, sync->chunk_index))
    {
      kabar_sync_inserter_flush (sync->inserter);
      sync->chunk_index++;
    }
  kabar_sync_inserter_add (sync->inserter, summary);
}

/* Fetches the messages of missing (UIDs ascending) from the newest down:
 * the list fills from its top, which is what the user looks at. */
static gboolean
fetch_new (FolderSync  *sync,
           GArray      *missing,
           GError     **error)
{
  KabarImapFetchRequest request = {
    .items = kabar_imap_summary_fetch_items (uses_condstore (sync)),
    .header_fields = kabar_imap_summary_header_fields (),
  };
  Pipeline pipeline = { 0 };
  guint end = missing->len;
  guint chunk = FIRST_BATCH;

  kabar_sync_inserter_expect (sync->inserter, missing->len);
  g_array_set_size (sync->chunk_lows, 0);
  sync->chunk_index = 0;
  while (end > 0 && pipeline.error == NULL)
    {
      guint start = end > chunk ? end - chunk : 0;
      g_autoptr(KabarImapUidSet) uids =
        uid_set_from_array (&g_array_index (missing, guint32, start), end - start);

      if (pipeline.sent - pipeline.finished == PIPELINE_DEPTH)
        pipeline_finish_one (sync, &pipeline);
      g_array_append_val (sync->chunk_lows, g_array_index (missing, guint32, start));
      pipeline_send (sync, &pipeline, uids, &request, on_new_message);
      end = start;
      chunk = sync->batch_size;
    }
  if (!pipeline_drain (sync, &pipeline, error))
    {
      /* What came before the error is still worth keeping. */
      kabar_sync_inserter_finish (sync->inserter, NULL);
      return FALSE;
    }
  if (!kabar_sync_inserter_finish (sync->inserter, error))
    return FALSE;
  if (sync->result != NULL)
    sync->result->added += kabar_sync_inserter_get_stored (sync->inserter);
  return TRUE;
}

/* --- what the server and the store hold ------------------------------------------ */

static KabarImapUidSet *
search (FolderSync  *sync,
        const char  *criteria,
        GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_imap_session_uid_search_async (sync->session, criteria, sync->cancellable,
                                       kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_imap_session_uid_search_finish (sync->session, result, error);
}

static gboolean
load_local (FolderSync  *sync,
            GError     **error)
{
  g_clear_pointer (&sync->local, g_array_unref);
  sync->local = kabar_store_get_uid_flags (sync->store, sync->folder->id, error);
  return sync->local != NULL;
}

/* Deletes from the store what the server no longer has. */
static gboolean
remove_gone (FolderSync             *sync,
             const KabarImapUidSet  *server,
             GError                **error)
{
  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (KabarUidRange));

  for (guint i = 0; i < sync->local->len; i++)
    {
      guint32 uid = g_array_index (sync->local, KabarUidFlags, i).uid;
      KabarUidRange *last = gone->len > 0
                            ? &g_array_index (gone, KabarUidRange, gone->len - 1) : NULL;

      if (kabar_imap_uid_set_contains (server, uid))
        continue;
      if (last != NULL && last->last + 1 == uid)
        last->last = uid;
      else
        g_array_append_vals (gone, &(KabarUidRange) { uid, uid }, 1);
    }
  if (gone->len == 0)
    return TRUE;
  if (!kabar_store_delete_messages (sync->store, sync->folder->id,
                                    (const KabarUidRange *) gone->data, gone->len, error))
    return FALSE;
  if (sync->result != NULL)
    {
      for (guint i = 0; i < gone->len; i++)
        {
          const KabarUidRange *range = &g_array_index (gone, KabarUidRange, i);

          sync->result->removed += range->last - range->first + 1;
        }
    }
  return load_local (sync, error);
}

/* The server's UIDs that the store lacks, ascending. */
static GArray *
missing_uids (FolderSync            *sync,
              const KabarImapUidSet *server,
              guint32                above)
{
  GArray *missing = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint n_ranges = kabar_imap_uid_set_get_n_ranges (server);

  for (guint r = 0; r < n_ranges; r++)
    {
      guint32 first, last;

      kabar_imap_uid_set_get_range (server, r, &first, &last);
      for (guint64 uid = MAX (first, above); uid <= last; uid++)
        {
          if (find_local (sync, (guint32) uid) == NULL)
            g_array_append_vals (missing, &(guint32) { (guint32) uid }, 1);
        }
    }
  return missing;
}

/* --- the three ways to learn of changes ------------------------------------------ */

/* Without CONDSTORE: every message's flags, a chunk of the store's UIDs at
 * a time, the chunks pipelined. */
static gboolean
fetch_all_flags (FolderSync  *sync,
                 GError     **error)
{
  KabarImapFetchRequest request = { .items = KABAR_IMAP_FETCH_FLAGS };
  Pipeline pipeline = { 0 };

  for (guint start = 0; start < sync->local->len && pipeline.error == NULL; start += FLAG_CHUNK)
    {
      guint end = MIN (start + FLAG_CHUNK, sync->local->len) - 1;
      g_autoptr(KabarImapUidSet) uids =
        kabar_imap_uid_set_new_range (g_array_index (sync->local, KabarUidFlags, start).uid,
                                      g_array_index (sync->local, KabarUidFlags, end).uid);

      if (pipeline.sent - pipeline.finished == PIPELINE_DEPTH)
        pipeline_finish_one (sync, &pipeline);
      pipeline_send (sync, &pipeline, uids, &request, on_full_flags_message);
    }
  return pipeline_drain (sync, &pipeline, error) && apply_flag_updates (sync, error);
}

static gboolean
fetch_changed_flags (FolderSync  *sync,
                     GError     **error)
{
  KabarImapFetchRequest request = {
    .items = KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_MODSEQ,
    .changed_since = sync->folder->sync.highestmodseq,
  };
  Pipeline pipeline = { 0 };
  g_autoptr(KabarImapUidSet) all = kabar_imap_uid_set_new_range (1, KABAR_IMAP_UID_STAR);

  pipeline_send (sync, &pipeline, all, &request, on_changed_message);
  return pipeline_drain (sync, &pipeline, error) && apply_flag_updates (sync, error);
}

/* Expunges without QRESYNC: when the store's count and the server's agree
 * (after the new mail), nothing went; else the server's UIDs tell what. */
static gboolean
remove_expunged (FolderSync  *sync,
                 GError     **error)
{
  g_autoptr(KabarImapUidSet) server = NULL;

  if (sync->local->len == kabar_imap_mailbox_state_get_exists (sync->state))
    return TRUE;
  server = search (sync, "ALL", error);
  return server != NULL && remove_gone (sync, server, error);
}

static gboolean
remove_vanished (FolderSync  *sync,
                 GError     **error)
{
  KabarImapUidSet *vanished = kabar_imap_mailbox_state_get_vanished (sync->state);
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (KabarUidRange));
  guint n_ranges;

  if (vanished == NULL)
    return TRUE;
  n_ranges = kabar_imap_uid_set_get_n_ranges (vanished);
  for (guint r = 0; r < n_ranges; r++)
    {
      KabarUidRange range;

      kabar_imap_uid_set_get_range (vanished, r, &range.first, &range.last);
      g_array_append_val (ranges, range);
    }
  /* The server may name UIDs the store never had: count what went. */
  {
    guint before = sync->local->len;

    if (!kabar_store_delete_messages (sync->store, sync->folder->id,
                                      (const KabarUidRange *) ranges->data, ranges->len, error)
        || !load_local (sync, error))
      return FALSE;
    if (sync->result != NULL)
      sync->result->removed += before - sync->local->len;
  }
  return TRUE;
}

/* --- the whole ----------------------------------------------------------------- */

static gboolean
select_folder (FolderSync  *sync,
               GError     **error)
{
  KabarImapQresync qresync = {
    .uidvalidity = sync->folder->sync.uidvalidity,
    .highest_modseq = sync->folder->sync.highestmodseq,
  };
  gboolean use_qresync = kabar_imap_session_is_enabled (sync->session, "QRESYNC")
                         && qresync.uidvalidity != 0 && qresync.highest_modseq != 0;
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_imap_session_select_async (sync->session, sync->folder->path, FALSE,
                                   use_qresync ? &qresync : NULL,
                                   on_changed_message, sync,
                                   sync->cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  sync->state = kabar_imap_session_select_finish (sync->session, result, error);
  return sync->state != NULL;
}

static gboolean
reset_if_new_uidvalidity (FolderSync  *sync,
                          GError     **error)
{
  guint32 uidvalidity = kabar_imap_mailbox_state_get_uidvalidity (sync->state);

  if (sync->folder->sync.uidvalidity == 0 || sync->folder->sync.uidvalidity == uidvalidity)
    return TRUE;
  if (!kabar_store_reset_folder (sync->store, sync->folder->id, uidvalidity, error))
    return FALSE;
  sync->folder->sync = (KabarFolderSyncState) { .uidvalidity = uidvalidity };
  /* QRESYNC's changes were for the old UIDs. */
  g_array_set_size (sync->flag_updates, 0);
  g_ptr_array_set_size (sync->flag_keywords, 0);
  if (sync->result != NULL)
    sync->result->reset = TRUE;
  return TRUE;
}

/* The first sync, or one a cut or a reset left unfinished: the server's
 * UIDs against the store's decide everything. */
static gboolean
sync_from_scratch (FolderSync  *sync,
                   GError     **error)
{
  g_autoptr(KabarImapUidSet) server = search (sync, "ALL", error);
  g_autoptr(GArray) missing = NULL;
  gboolean had_local;

  if (server == NULL || !remove_gone (sync, server, error))
    return FALSE;
  had_local = sync->local->len > 0;
  missing = missing_uids (sync, server, 1);
  if (!fetch_new (sync, missing, error))
    return FALSE;
  /* The messages an earlier, unfinished sync stored may have changed. */
  return !had_local || fetch_all_flags (sync, error);
}

static void
announce_new_mail (FolderSync *sync)
{
  GArray *ids = kabar_sync_inserter_steal_unread (sync->inserter);

  if (ids == NULL)
    return;
  if (ids->len == 0)
    {
      g_array_unref (ids);
      return;
    }
  sync->new_mail (sync->folder->id, ids, sync->new_mail_data);
}

static gboolean
sync_since_last (FolderSync  *sync,
                 GError     **error)
{
  guint32 uidnext = kabar_imap_mailbox_state_get_uidnext (sync->state);

  /* "n:*" names the highest UID even below n: the search's answer is
   * filtered by missing_uids(). */
  if (uidnext == 0 || uidnext > sync->folder->sync.uidnext)
    {
      g_autofree char *criteria = g_strdup_printf ("UID %u:*", sync->folder->sync.uidnext);
      g_autoptr(KabarImapUidSet) server = search (sync, criteria, error);
      g_autoptr(GArray) missing = NULL;
      gboolean ok;

      if (server == NULL)
        return FALSE;
      missing = missing_uids (sync, server, sync->folder->sync.uidnext);
      if (sync->new_mail != NULL)
        kabar_sync_inserter_keep_unread (sync->inserter);
      ok = fetch_new (sync, missing, error);
      /* What was stored before an error is news too, and will not be
       * fetched again. */
      announce_new_mail (sync);
      if (!ok || !load_local (sync, error))
        return FALSE;
    }
  if (sync->flag_updates->len > 0 && !apply_flag_updates (sync, error))
    return FALSE;
  if (kabar_imap_session_is_enabled (sync->session, "QRESYNC") && uses_condstore (sync))
    return remove_vanished (sync, error);
  if (!remove_expunged (sync, error))
    return FALSE;
  if (uses_condstore (sync) && sync->folder->sync.highestmodseq > 0)
    return fetch_changed_flags (sync, error);
  return fetch_all_flags (sync, error);
}

static gboolean
save_state (FolderSync  *sync,
            GError     **error)
{
  KabarFolderSyncState state = {
    .uidvalidity = kabar_imap_mailbox_state_get_uidvalidity (sync->state),
    .uidnext = kabar_imap_mailbox_state_get_uidnext (sync->state),
    .highestmodseq = kabar_imap_mailbox_state_get_highest_modseq (sync->state),
    .last_flag_sync = g_get_real_time () / G_USEC_PER_SEC,
  };

  /* A server that does not say UIDNEXT: one past the highest UID seen. */
  if (state.uidnext == 0)
    {
      guint32 max_uid = 0;

      if (!kabar_store_get_max_uid (sync->store, sync->folder->id, &max_uid, error))
        return FALSE;
      state.uidnext = max_uid + 1;
    }
  return kabar_store_set_folder_sync_state (sync->store, sync->folder->id, &state, error);
}

static gboolean
folder_sync_run (FolderSync  *sync,
                 GError     **error)
{
  if (!select_folder (sync, error)
      || !reset_if_new_uidvalidity (sync, error)
      || !load_local (sync, error))
    return FALSE;
  if (sync->folder->sync.uidnext == 0)
    {
      if (!sync_from_scratch (sync, error))
        return FALSE;
    }
  else if (!sync_since_last (sync, error))
    return FALSE;
  return save_state (sync, error);
}

gboolean
kabar_imap_sync_folder (KabarImapSession           *session,
                        KabarStore                 *store,
                        gint64                      folder_id,
                        const KabarImapSyncOptions *options,
                        KabarImapSyncResult        *result,
                        GCancellable               *cancellable,
                        GError                    **error)
{
  FolderSync sync = {
    .session = session,
    .store = store,
    .result = result,
    .cancellable = cancellable,
    .batch_size = options != NULL && options->batch_size > 0 ? options->batch_size
                                                              : DEFAULT_BATCH,
    .new_mail = options != NULL ? options->new_mail : NULL,
    .new_mail_data = options != NULL ? options->new_mail_data : NULL,
  };
  gboolean ok;

  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (session), FALSE);
  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);

  if (result != NULL)
    *result = (KabarImapSyncResult) { 0 };
  sync.folder = kabar_store_get_folder (store, folder_id, error);
  if (sync.folder == NULL)
    return FALSE;
  if (!kabar_imap_folder_is_selectable (sync.folder))
    {
      folder_sync_clear (&sync);
      return TRUE;
    }
  sync.flag_updates = g_array_new (FALSE, FALSE, sizeof (KabarFlagUpdate));
  sync.flag_keywords = g_ptr_array_new_with_free_func (g_free);
  sync.chunk_lows = g_array_new (FALSE, FALSE, sizeof (guint32));
  sync.inserter = kabar_sync_inserter_new (store, folder_id,
                                            options != NULL ? options->progress : NULL,
                                            options != NULL ? options->progress_data : NULL);
  ok = folder_sync_run (&sync, error);
  folder_sync_clear (&sync);
  return ok;
}
