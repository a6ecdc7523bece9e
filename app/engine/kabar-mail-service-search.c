/* kabar-mail-service-search.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Search: the local index first, for an answer in milliseconds, then the
 * folder's server, which also knows the bodies not downloaded yet.
 */

#include "config.h"

#include "kabar-imap-error.h"
#include "kabar-imap-folder-list.h"
#include "kabar-mail-service-private.h"
#include "kabar-store-search-uids.h"
#include "kabar-sync-wait.h"

/* --- shared by both stages (on a thread) ----------------------------------------------- */

static void
summary_array_unref (gpointer array)
{
  g_ptr_array_unref (array);
}

static GPtrArray *
summary_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
}

/* The summaries of ids, in their order. A message deleted since the ids
 * were read is left out; so is the rest once the search is cancelled. */
static GPtrArray *
load_summaries (KabarStore    *store,
                GArray        *ids,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GPtrArray) summaries = summary_array_new ();

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      KabarMessageSummary *summary;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      summary = kabar_store_get_message (store, g_array_index (ids, gint64, i), &local_error);
      if (summary != NULL)
        g_ptr_array_add (summaries, summary);
      else if (!g_error_matches (local_error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  return g_steal_pointer (&summaries);
}

typedef struct
{
  KabarStore *store;
  gint64      folder_id;
  char       *query;
} SearchRequest;

static SearchRequest *
search_request_new (KabarStore *store,
                    gint64      folder_id,
                    const char *query)
{
  SearchRequest *request = g_new0 (SearchRequest, 1);

  request->store = g_object_ref (store);
  request->folder_id = folder_id;
  request->query = g_strdup (query);
  return request;
}

static void
search_request_free (SearchRequest *request)
{
  g_object_unref (request->store);
  g_free (request->query);
  g_free (request);
}

static gboolean
check_search_store (KabarMailService *self,
                    GTask            *task)
{
  if (self->store != NULL)
    return TRUE;
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "The mail of %s is not open yet",
                           kabar_account_get_address (self->account));
  return FALSE;
}

/* --- the local index ------------------------------------------------------------------- */

static void
search_local_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  SearchRequest *request = task_data;
  GError *error = NULL;
  g_autoptr(GArray) ids = kabar_store_search (request->store, request->query, request->folder_id,
                                              KABAR_MAIL_SERVICE_SEARCH_LIMIT, &error);
  GPtrArray *summaries = ids != NULL ? load_summaries (request->store, ids, cancellable, &error) : NULL;

  if (summaries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summaries, summary_array_unref);
}

void
kabar_mail_service_search_local_async (KabarMailService    *self,
                                       gint64               folder_id,
                                       const char          *query,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));
  g_return_if_fail (query != NULL);

  g_task_set_source_tag (task, kabar_mail_service_search_local_async);
  if (!check_search_store (self, task))
    return;
  g_task_set_task_data (task, search_request_new (self->store, folder_id, query),
                        (GDestroyNotify) search_request_free);
  /* The caller moves on to the next query at once; the thread's read
   * ends on its own a moment later. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, search_local_in_thread);
}

GPtrArray *
kabar_mail_service_search_local_finish (KabarMailService  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the server (a job on a worker) ---------------------------------------------------- */

/* What the server is asked for: each word of the query with the
 * punctuation around it taken off ("(rapat)" is rapat, as the local
 * index's tokenizer sees it), what is inside kept ("C:\temp",
 * "o'brien", an address). NULL when no word is left. */
/* The categories the local index's tokenizer keeps (L* N* Co M*). */
static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c) || g_unichar_type (c) == G_UNICODE_PRIVATE_USE;
}

static char *
trim_word (const char *word)
{
  const char *start = word;
  const char *end = word + strlen (word);

  while (start < end && !is_word_char (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  while (end > start)
    {
      const char *last = g_utf8_find_prev_char (start, end);

      if (last == NULL || is_word_char (g_utf8_get_char (last)))
        break;
      end = last;
    }
  return end > start ? g_strndup (start, end - start) : NULL;
}

static GStrv
server_words (const char *query)
{
  g_auto(GStrv) split = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) words = NULL;

  if (!g_utf8_validate (query, -1, NULL))
    return NULL;
  split = g_strsplit_set (query, " \t\r\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    {
      g_autofree char *word = trim_word (split[i]);

      if (word != NULL)
        g_strv_builder_add (builder, word);
    }
  words = g_strv_builder_end (builder);
  return words[0] != NULL ? g_steal_pointer (&words) : NULL;
}

/* Held by the worker (which lets go of it on its own thread) and by the
 * task, which reads the results once the job is over.
 *
 * The caller's cancellable never reaches the worker: GLib 2.74 leaks a
 * cancellable's source cancelled on one thread while a worker drops it on
 * another. The task watches it on the owner's thread instead, returns at
 * once, and tells the job, which stops before its next command. */
typedef struct
{
  gatomicrefcount         ref_count;
  KabarMailServiceShared *shared;
  gint64                  folder_id;
  char                   *query;
  GStrv                   words;
  GPtrArray              *results;
  gint                    cancelled;
  /* The owner's. */
  GSource                *cancel_source;
} SearchJob;

static SearchJob *
search_job_ref (SearchJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
search_job_unref (SearchJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  g_clear_pointer (&job->results, g_ptr_array_unref);
  g_strfreev (job->words);
  g_free (job->query);
  kabar_mail_service_shared_unref (job->shared);
  g_free (job);
}

static gboolean
same_mailbox (const char *a,
              const char *b)
{
  if (a == NULL || b == NULL)
    return FALSE;
  /* RFC 3501 §5.1: INBOX is INBOX in any case; other names are exact. */
  if (g_ascii_strcasecmp (a, "INBOX") == 0)
    return g_ascii_strcasecmp (b, "INBOX") == 0;
  return g_str_equal (a, b);
}

/* The folder opened read-only (or kept, when a sync has it selected),
 * and whether the server's UIDs still name the store's messages: not
 * when its UIDVALIDITY is new, or the store has none yet. */
static gboolean
open_folder (KabarImapSession        *session,
             const KabarStoreFolder  *folder,
             gboolean                *same_uids,
             GCancellable            *cancellable,
             GError                 **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;

  *same_uids = FALSE;
  if (folder->sync.uidvalidity == 0)
    return TRUE;
  if (same_mailbox (kabar_imap_session_get_selected (session), folder->path))
    {
      *same_uids = TRUE;
      return TRUE;
    }
  kabar_imap_session_select_async (session, folder->path, TRUE, NULL, NULL, NULL, cancellable,
                                   kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  state = kabar_imap_session_select_finish (session, result, error);
  if (state == NULL)
    return FALSE;
  *same_uids = kabar_imap_mailbox_state_get_uidvalidity (state) == folder->sync.uidvalidity;
  return TRUE;
}

/* The UIDs of the folder's messages that have every word; NULL with no
 * error when the server cannot search for them (a NO: no UTF-8 search,
 * or a search it gave up on), which leaves the local results alone. */
static GArray *
server_search (KabarImapSession  *session,
               SearchJob         *job,
               GCancellable      *cancellable,
               GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarImapUidSet) uids = NULL;
  g_autoptr(GError) local_error = NULL;

  kabar_imap_session_uid_search_text_async (session, (const char * const *) job->words, cancellable,
                                            kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  uids = kabar_imap_session_uid_search_finish (session, result, &local_error);
  if (uids != NULL)
    return kabar_imap_uid_set_to_array (uids);
  if (g_error_matches (local_error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_NO))
    g_message ("The server did not search: %s", local_error->message);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* The server's finds that the local stage did not give: that stage is
 * run again here (a few milliseconds) rather than passed in, so the
 * caller needs nothing but the query. */
static gboolean
collect_additions (SearchJob     *job,
                   GArray        *uids,
                   GCancellable  *cancellable,
                   GError       **error)
{
  KabarStore *store = job->shared->store;
  g_autoptr(GArray) local = kabar_store_search (store, job->query, job->folder_id,
                                                KABAR_MAIL_SERVICE_SEARCH_LIMIT, error);
  g_autoptr(GArray) ids = NULL;

  if (local == NULL)
    return FALSE;
  ids = kabar_store_search_by_uids (store, job->folder_id, (const guint32 *) uids->data, uids->len,
                                    (const gint64 *) local->data, local->len,
                                    KABAR_MAIL_SERVICE_SEARCH_LIMIT, error);
  if (ids == NULL)
    return FALSE;
  job->results = load_summaries (store, ids, cancellable, error);
  return job->results != NULL;
}

static gboolean
run_search_job (KabarImapSession  *session,
                gpointer           data,
                GCancellable      *cancellable,
                GError           **error)
{
  SearchJob *job = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KabarStoreFolder) folder = NULL;
  g_autoptr(GArray) uids = NULL;
  gboolean same_uids = FALSE;

  /* Repeatable: a run again after a lost connection starts over. */
  g_clear_pointer (&job->results, g_ptr_array_unref);
  if (g_atomic_int_get (&job->cancelled))
    return TRUE;
  folder = kabar_store_get_folder (job->shared->store, job->folder_id, &local_error);
  if (g_error_matches (local_error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    return TRUE;
  if (folder == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!kabar_imap_folder_is_selectable (folder))
    return TRUE;
  if (!open_folder (session, folder, &same_uids, cancellable, error))
    return FALSE;
  if (!same_uids || g_atomic_int_get (&job->cancelled))
    return TRUE;
  uids = server_search (session, job, cancellable, error);
  if (uids == NULL)
    return error == NULL || *error == NULL;
  if (g_atomic_int_get (&job->cancelled))
    return TRUE;
  return collect_additions (job, uids, cancellable, error);
}

/* Whether a job would run now: one queued while offline would wait for
 * the network, and the search with it. */
static gboolean
can_search_server (KabarMailService *self)
{
  if (self->pool == NULL)
    return FALSE;
  switch (self->status)
    {
    case KABAR_MAIL_SERVICE_STATUS_SYNCING:
    case KABAR_MAIL_SERVICE_STATUS_ONLINE:
      return TRUE;
    case KABAR_MAIL_SERVICE_STATUS_STOPPED:
    case KABAR_MAIL_SERVICE_STATUS_CONNECTING:
    case KABAR_MAIL_SERVICE_STATUS_OFFLINE:
    case KABAR_MAIL_SERVICE_STATUS_ERROR:
    default:
      return FALSE;
    }
}

static gboolean
on_search_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  SearchJob *job = g_task_get_task_data (task);

  g_atomic_int_set (&job->cancelled, TRUE);
  g_clear_pointer (&job->cancel_source, g_source_unref);
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

static void
on_search_job_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SearchJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean done = kabar_imap_worker_queue_finish (NULL, result, &error);

  /* Returned already, when it was cancelled. */
  if (g_atomic_int_get (&job->cancelled))
    {
      g_clear_error (&error);
      return;
    }
  if (job->cancel_source != NULL)
    {
      g_source_destroy (job->cancel_source);
      g_clear_pointer (&job->cancel_source, g_source_unref);
    }
  if (!done)
    g_task_return_error (task, error);
  else if (job->results != NULL)
    g_task_return_pointer (task, g_steal_pointer (&job->results), summary_array_unref);
  else
    g_task_return_pointer (task, summary_array_new (), summary_array_unref);
}

static void
watch_cancellable (GTask     *task,
                   SearchJob *job)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable == NULL)
    return;
  job->cancel_source = g_cancellable_source_new (cancellable);
  g_task_attach_source (task, job->cancel_source, (GSourceFunc) on_search_cancelled);
}

void
kabar_mail_service_search_server_async (KabarMailService    *self,
                                        gint64               folder_id,
                                        const char          *query,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_auto(GStrv) words = NULL;
  SearchJob *job;

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));
  g_return_if_fail (query != NULL);

  g_task_set_source_tag (task, kabar_mail_service_search_server_async);
  if (!check_search_store (self, task) || g_task_return_error_if_cancelled (task))
    return;
  words = server_words (query);
  if (folder_id == 0 || words == NULL || !can_search_server (self))
    {
      g_task_return_pointer (task, summary_array_new (), summary_array_unref);
      return;
    }
  job = g_new0 (SearchJob, 1);
  g_atomic_ref_count_init (&job->ref_count);
  job->shared = kabar_mail_service_shared_ref (self->shared);
  job->folder_id = folder_id;
  job->query = g_strdup (query);
  job->words = g_steal_pointer (&words);
  g_task_set_task_data (task, job, (GDestroyNotify) search_job_unref);
  watch_cancellable (task, job);
  kabar_imap_pool_queue_async (self->pool, run_search_job, search_job_ref (job),
                               (GDestroyNotify) search_job_unref, NULL, on_search_job_done,
                               g_object_ref (task));
}

GPtrArray *
kabar_mail_service_search_server_finish (KabarMailService  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- both stages ----------------------------------------------------------------------- */

typedef struct
{
  gint64     folder_id;
  char      *query;
  GPtrArray *local;
} CombinedSearch;

static void
combined_search_free (CombinedSearch *search)
{
  g_clear_pointer (&search->local, g_ptr_array_unref);
  g_free (search->query);
  g_free (search);
}

/* The order of kabar_store_search() in a folder (the server adds only to
 * the search of one folder). */
static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const KabarMessageSummary *x = *(KabarMessageSummary * const *) a;
  const KabarMessageSummary *y = *(KabarMessageSummary * const *) b;

  if (x->date != y->date)
    return x->date > y->date ? -1 : 1;
  if (x->uid != y->uid)
    return x->uid > y->uid ? -1 : 1;
  return 0;
}

static void
on_combined_server_done (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CombinedSearch *search = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) additions = kabar_mail_service_search_server_finish (KABAR_MAIL_SERVICE (source),
                                                                            result, &error);
  GPtrArray *all;

  if (additions == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  all = g_steal_pointer (&search->local);
  if (additions->len > 0)
    {
      g_ptr_array_extend_and_steal (all, g_steal_pointer (&additions));
      g_ptr_array_sort (all, compare_newest_first);
    }
  g_task_return_pointer (task, all, summary_array_unref);
}

static void
on_combined_local_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CombinedSearch *search = g_task_get_task_data (task);
  GError *error = NULL;

  search->local = kabar_mail_service_search_local_finish (KABAR_MAIL_SERVICE (source), result, &error);
  if (search->local == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  kabar_mail_service_search_server_async (KABAR_MAIL_SERVICE (source), search->folder_id, search->query,
                                          g_task_get_cancellable (task), on_combined_server_done,
                                          g_object_ref (task));
}

void
kabar_mail_service_search_async (KabarMailService    *self,
                                 gint64               folder_id,
                                 const char          *query,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  CombinedSearch *search = g_new0 (CombinedSearch, 1);

  g_return_if_fail (KABAR_IS_MAIL_SERVICE (self));
  g_return_if_fail (query != NULL);

  g_task_set_source_tag (task, kabar_mail_service_search_async);
  search->folder_id = folder_id;
  search->query = g_strdup (query);
  g_task_set_task_data (task, search, (GDestroyNotify) combined_search_free);
  kabar_mail_service_search_local_async (self, folder_id, query, cancellable, on_combined_local_done,
                                         g_object_ref (task));
}

GPtrArray *
kabar_mail_service_search_finish (KabarMailService  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
