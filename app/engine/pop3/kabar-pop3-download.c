/* kabar-pop3-download.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One check of a POP account: the session on the calling worker thread,
 * each batch's commit on a thread of GIO's pool while the next batch
 * arrives, so the server is never kept waiting on the disk.
 */

#include "config.h"

#include "kabar-account.h"
#include "kabar-store-local.h"
#include "kabar-oauth2.h"
#include "kabar-pop3-download.h"
#include "kabar-pop3-session.h"
#include "kabar-secrets.h"
#include "kabar-sync-wait.h"

#define FIRST_BATCH_SIZE      50
#define DEFAULT_BATCH_SIZE    1000
#define BATCH_BYTES_MAX       ((guint64) 16 * 1024 * 1024)

/* --- the account ------------------------------------------------------------------- */

static char *
lookup_password (KabarAccount  *account,
                 GCancellable  *cancellable,
                 GError       **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GError *lookup_error = NULL;
  char *secret;

  kabar_secrets_lookup_async (kabar_account_get_id (account), KABAR_SECRET_POP3, cancellable,
                              kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  secret = kabar_secrets_lookup_finish (result, &lookup_error);
  if (lookup_error != NULL)
    {
      g_propagate_prefixed_error (error, lookup_error,
                                  "Could not read the POP password of %s from the keyring: ",
                                  kabar_account_get_address (account));
      return NULL;
    }
  if (secret == NULL)
    /* A sign-in failure: retrying cannot help until the user gives one. */
    g_set_error (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED,
                 "The keyring holds no POP password for %s", kabar_account_get_address (account));
  return secret;
}

static gboolean
authenticate_with_token (KabarAccount      *account,
                         KabarPop3Session  *session,
                         const char        *token,
                         GCancellable      *cancellable,
                         GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  kabar_pop3_session_authenticate_async (session, KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN,
                                         kabar_account_get_user_name (account, KABAR_SERVER_INCOMING),
                                         token, cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  return kabar_pop3_session_authenticate_finish (session, result, error);
}

/* A refused token may have been revoked or cut short before its time: a
 * fresh one is tried once, in the same session (POP allows another AUTH
 * after a failed one), before the sign-in counts as refused. */
static gboolean
sign_in_with_token (KabarAccount      *account,
                    KabarPop3Session  *session,
                    const char        *token,
                    GCancellable      *cancellable,
                    GError           **error)
{
  GError *auth_error = NULL;
  char *fresh;
  gboolean signed_in;

  if (authenticate_with_token (account, session, token, cancellable, &auth_error))
    return TRUE;
  if (!g_error_matches (auth_error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED))
    {
      g_propagate_error (error, auth_error);
      return FALSE;
    }
  g_error_free (auth_error);
  kabar_oauth2_forget_access_token (account);
  fresh = kabar_oauth2_wait_for_access_token (account, cancellable, error);
  if (fresh == NULL)
    return FALSE;
  signed_in = authenticate_with_token (account, session, fresh, cancellable, error);
  kabar_secrets_free (fresh);
  return signed_in;
}

static KabarPop3Session *
connect_account (KabarAccount             *account,
                 GCancellable             *cancellable,
                 KabarCertificateProblem **problem,
                 GError                  **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarPop3Session) session = NULL;
  gboolean oauth2 = kabar_account_get_auth_method (account) == KABAR_AUTH_OAUTH2;
  char *secret = oauth2 ? kabar_oauth2_wait_for_access_token (account, cancellable, error)
                        : lookup_password (account, cancellable, error);
  gboolean signed_in;

  if (secret == NULL)
    return NULL;
  kabar_pop3_session_connect_async (kabar_account_get_host (account, KABAR_SERVER_INCOMING),
                                    kabar_account_get_port (account, KABAR_SERVER_INCOMING),
                                    kabar_account_get_security (account, KABAR_SERVER_INCOMING),
                                    kabar_account_get_pinned_certificate (account, KABAR_SERVER_INCOMING),
                                    KABAR_POP3_DOWNLOAD_TIMEOUT_SECONDS, cancellable,
                                    kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  session = kabar_pop3_session_connect_finish (result, problem, error);
  g_clear_object (&result);
  if (session == NULL)
    {
      kabar_secrets_free (secret);
      return NULL;
    }
  if (oauth2)
    signed_in = sign_in_with_token (account, session, secret, cancellable, error);
  else
    {
      kabar_pop3_session_authenticate_async (session, KABAR_SASL_CREDENTIAL_PASSWORD,
                                             kabar_account_get_user_name (account, KABAR_SERVER_INCOMING),
                                             secret, cancellable, kabar_sync_wait_done, &slot);
      result = kabar_sync_wait (&slot);
      signed_in = kabar_pop3_session_authenticate_finish (session, result, error);
    }
  kabar_secrets_free (secret);
  if (!signed_in)
    {
      kabar_pop3_session_close (session);
      return NULL;
    }
  return g_steal_pointer (&session);
}

/* --- what the server has ------------------------------------------------------------ */

/* One check's state, on the worker thread. */
typedef struct
{
  KabarAccount                   *account;
  KabarStore                     *store;
  KabarPop3Session               *session;
  GCancellable                   *cancellable;
  KabarPop3DownloadOptions        options;
  KabarPop3DownloadResult         result;
  /* UIDL -> msgno (as a pointer), and msgno -> UIDL and size. */
  GHashTable                     *server;
  GPtrArray                      *uidls;
  GArray                         *sizes;
  /* The new messages' msgnos, highest first. */
  GArray                         *wanted;
  guint                           done;
} Download;

static GArray *
wait_listing (KabarPop3Session  *session,
              GAsyncResult     **slot,
              GError           **error)
{
  g_autoptr(GAsyncResult) result = kabar_sync_wait (slot);

  return kabar_pop3_session_list_finish (session, result, error);
}

/* UIDL and LIST go out together: the sizes keep a batch of large
 * messages within memory. */
static gboolean
read_listing (Download  *download,
              GError   **error)
{
  GAsyncResult *uidl_slot = NULL;
  GAsyncResult *list_slot = NULL;
  g_autoptr(GArray) uidls = NULL;
  g_autoptr(GArray) sizes = NULL;
  GError *list_error = NULL;

  kabar_pop3_session_uidl_async (download->session, download->cancellable,
                                 kabar_sync_wait_done, &uidl_slot);
  kabar_pop3_session_list_async (download->session, download->cancellable,
                                 kabar_sync_wait_done, &list_slot);
  uidls = wait_listing (download->session, &uidl_slot, error);
  sizes = wait_listing (download->session, &list_slot, uidls != NULL ? &list_error : NULL);
  if (uidls == NULL || sizes == NULL)
    {
      if (list_error != NULL)
        g_propagate_error (error, list_error);
      return FALSE;
    }
  for (guint i = 0; i < uidls->len; i++)
    {
      KabarPop3Message *message = &g_array_index (uidls, KabarPop3Message, i);

      if (message->msgno >= download->uidls->len)
        g_ptr_array_set_size (download->uidls, message->msgno + 1);
      /* A server that lists a msgno twice: the first line counts. */
      if (g_ptr_array_index (download->uidls, message->msgno) != NULL)
        continue;
      /* Taken, not copied: ten thousand messages, twenty thousand copies. */
      g_ptr_array_index (download->uidls, message->msgno) = g_steal_pointer (&message->uidl);
      g_hash_table_insert (download->server, g_ptr_array_index (download->uidls, message->msgno),
                           GUINT_TO_POINTER (message->msgno));
    }
  for (guint i = 0; i < sizes->len; i++)
    {
      KabarPop3Message *message = &g_array_index (sizes, KabarPop3Message, i);

      if (message->msgno >= download->sizes->len)
        g_array_set_size (download->sizes, message->msgno + 1);
      g_array_index (download->sizes, guint64, message->msgno) = message->size;
    }
  download->result.listed = uidls->len;
  return TRUE;
}

static int
compare_msgnos_down (gconstpointer a,
                     gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return x < y ? 1 : x > y ? -1 : 0;
}

static gboolean
find_wanted (Download  *download,
             GError   **error)
{
  g_autoptr(GHashTable) known = kabar_store_pop_list_known (download->store, error);
  GHashTableIter iter;
  gpointer uidl;
  gpointer msgno;

  if (known == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, download->server);
  while (g_hash_table_iter_next (&iter, &uidl, &msgno))
    if (!g_hash_table_contains (known, uidl))
      {
        guint number = GPOINTER_TO_UINT (msgno);

        g_array_append_val (download->wanted, number);
      }
  g_array_sort (download->wanted, compare_msgnos_down);
  return TRUE;
}

static gboolean
find_inbox (Download  *download,
            GError   **error)
{
  g_autoptr(GPtrArray) folders = NULL;

  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_clear_pointer (&folders, g_ptr_array_unref);
      folders = kabar_store_list_folders (download->store, error);
      if (folders == NULL)
        return FALSE;
      for (guint i = 0; i < folders->len; i++)
        {
          const KabarStoreFolder *folder = g_ptr_array_index (folders, i);

          if (folder->role == KABAR_FOLDER_ROLE_INBOX)
            {
              download->result.folder_id = folder->id;
              return TRUE;
            }
        }
      if (!kabar_store_ensure_local_folders (download->store, error))
        return FALSE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "The mail of %s has no INBOX to download into",
               kabar_account_get_address (download->account));
  return FALSE;
}

/* --- batches ------------------------------------------------------------------------- */

/* One batch: what arrived, then parsed on a thread and committed on
 * another, while the next one arrives. */
typedef struct
{
  KabarStore       *store;
  gint64            folder_id;
  /* KabarPopDownload, owning raw; uidl is the download's (Download.uidls). */
  GArray           *messages;
  guint             skipped;
  GError           *refusal;
  /* For the progress once committed. */
  KabarPop3DownloadProgressFunc progress;
  gpointer          progress_data;
  KabarPop3DownloadStoredFunc stored;
  gpointer          stored_data;
  guint             done;
  guint             total;
  gboolean          parsed;
} Batch;

static void
batch_free (Batch *batch)
{
  for (guint i = 0; i < batch->messages->len; i++)
    {
      KabarPopDownload *message = &g_array_index (batch->messages, KabarPopDownload, i);

      g_bytes_unref (message->raw);
      kabar_store_pop_download_clear (message);
    }
  g_array_unref (batch->messages);
  g_clear_error (&batch->refusal);
  g_clear_object (&batch->store);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Batch, batch_free)

typedef struct
{
  Download *download;
  Batch    *batch;
} Arrival;

static void
on_message (KabarPop3Session *session,
            guint             msgno,
            GBytes           *message,
            const GError     *error,
            gpointer          user_data)
{
  Arrival *arrival = user_data;
  Batch *batch = arrival->batch;
  KabarPopDownload download = { NULL, };

  if (message == NULL)
    {
      /* Another client deleted it since UIDL: nothing to download. */
      if (g_error_matches (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_NO_SUCH_MESSAGE))
        batch->skipped++;
      else if (batch->refusal == NULL)
        batch->refusal = g_error_new (error->domain, error->code, "Downloading message %u: %s",
                                      msgno, error->message);
      return;
    }
  download.uidl = g_ptr_array_index (arrival->download->uidls, msgno);
  download.raw = g_bytes_ref (message);
  g_array_append_val (batch->messages, download);
}

static void
report_stored (Batch *batch)
{
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), batch->messages->len);

  for (guint i = 0; i < batch->messages->len; i++)
    {
      const KabarPopDownload *message = &g_array_index (batch->messages, KabarPopDownload, i);

      if (message->summary != NULL && message->summary->id != 0)
        g_array_append_val (ids, message->summary->id);
    }
  batch->stored (batch->folder_id, ids, batch->stored_data);
}

static void
commit_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Batch *batch = task_data;
  GError *error = NULL;

  /* Downloaded mail is new to the user: unread, whatever the server
   * thinks (POP has no flags). */
  if (!kabar_store_pop_add_messages (batch->store, batch->folder_id,
                                     (KabarPopDownload *) (gpointer) batch->messages->data,
                                     batch->messages->len, 0,
                                     g_get_real_time () / G_USEC_PER_SEC, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (batch->stored != NULL)
    report_stored (batch);
  if (batch->progress != NULL)
    batch->progress (batch->folder_id, batch->done, batch->total, batch->progress_data);
  g_task_return_boolean (task, TRUE);
}

/* Takes batch. The commit is not cancellable: a batch that arrived is
 * worth keeping. */
static void
commit_async (Download            *download,
              Batch               *batch,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);

  download->done += batch->messages->len + batch->skipped;
  batch->progress = download->options.progress;
  batch->progress_data = download->options.progress_data;
  batch->stored = download->options.stored;
  batch->stored_data = download->options.stored_data;
  batch->done = download->done;
  batch->total = download->wanted->len;
  g_task_set_source_tag (task, commit_async);
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_free);
  g_task_run_in_thread (task, commit_in_thread);
}

/* The msgnos of the next batch from wanted[*next]. The first batches
 * grow, each as large as all before it: the first messages are listed
 * at once, and the store's thread starts while the server is still
 * sending (the second batch was the whole size, and the store sat idle
 * until it was in). The last batches shrink, to half of what is left:
 * what arrives last is stored after the server is done, and a small
 * batch is stored at once. */
static guint
next_batch_size (Download *download,
                 guint     next)
{
  guint left = download->wanted->len - next;
  guint limit = MIN (download->options.batch_size,
                     MAX (FIRST_BATCH_SIZE, MIN (next, (left + 1) / 2)));
  guint64 bytes = 0;
  guint n = 0;

  while (next + n < download->wanted->len && n < limit)
    {
      guint msgno = g_array_index (download->wanted, guint, next + n);

      if (msgno < download->sizes->len)
        bytes += g_array_index (download->sizes, guint64, msgno);
      if (n > 0 && bytes > BATCH_BYTES_MAX)
        break;
      n++;
    }
  return n;
}

/* A batch on its way from the server: its RETRs go out at once, and the
 * replies come in while the caller waits for anything else on the
 * thread's context. */
typedef struct
{
  Arrival        arrival;
  GAsyncResult  *slot;
} Retrieval;

static Retrieval *
retrieve_start (Download *download,
                guint     next,
                guint     n)
{
  Retrieval *retrieval = g_new0 (Retrieval, 1);
  Batch *batch = g_new0 (Batch, 1);

  batch->store = g_object_ref (download->store);
  batch->folder_id = download->result.folder_id;
  batch->messages = g_array_new (FALSE, FALSE, sizeof (KabarPopDownload));
  retrieval->arrival.download = download;
  retrieval->arrival.batch = batch;
  kabar_pop3_session_retrieve_async (download->session,
                                     &g_array_index (download->wanted, guint, next), n,
                                     on_message, &retrieval->arrival, NULL, download->cancellable,
                                     kabar_sync_wait_done, &retrieval->slot);
  return retrieval;
}

/* Takes retrieval; what arrived, even before a cut, or NULL. */
static Batch *
retrieve_wait (Download   *download,
               Retrieval  *retrieval,
               GError    **error)
{
  g_autoptr(Batch) batch = retrieval->arrival.batch;
  g_autoptr(GAsyncResult) result = kabar_sync_wait (&retrieval->slot);
  gboolean retrieved = kabar_pop3_session_retrieve_finish (download->session, result, error);

  g_free (retrieval);
  /* What arrived before the cut is stored all the same. */
  if (!retrieved && batch->messages->len == 0)
    return NULL;
  return g_steal_pointer (&batch);
}

static void
parse_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Batch *batch = task_data;

  kabar_store_pop_prepare ((KabarPopDownload *) (gpointer) batch->messages->data,
                           batch->messages->len);
  g_task_return_boolean (task, TRUE);
}

/* The batch stays the pipeline's. */
static void
parse_async (Batch               *batch,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_source_tag (task, parse_async);
  g_task_set_task_data (task, batch, NULL);
  g_task_run_in_thread (task, parse_in_thread);
}

/* The batches that arrived and are not stored yet, in order: each is
 * parsed on a thread as soon as it is in, and committed on another as
 * soon as it is parsed and the one before it is committed. The tasks'
 * callbacks drive it, on this thread's context, while the thread waits
 * for the server: a commit waited for the next batch to arrive before,
 * and the store's thread sat idle a batch in two. */
typedef struct
{
  Download *download;
  GQueue    batches;
  guint     parsing;
  gboolean  committing;
  GError   *error;      /* the store failed: nothing more is committed */
  GError   *refusal;    /* the first message the server refused */
} Pipeline;

static void on_committed (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
advance (Pipeline *pipeline)
{
  Download *download = pipeline->download;
  Batch *batch = g_queue_peek_head (&pipeline->batches);

  if (pipeline->committing || pipeline->error != NULL || batch == NULL || !batch->parsed)
    return;
  g_queue_pop_head (&pipeline->batches);
  if (pipeline->refusal == NULL && batch->refusal != NULL)
    pipeline->refusal = g_steal_pointer (&batch->refusal);
  pipeline->committing = TRUE;
  commit_async (download, batch, on_committed, pipeline);
}

static void
on_committed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pipeline *pipeline = user_data;
  Batch *batch = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  pipeline->committing = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      pipeline->download->result.downloaded += batch->messages->len;
      pipeline->download->result.skipped += batch->skipped;
    }
  else if (pipeline->error == NULL)
    pipeline->error = error;
  else
    g_clear_error (&error);
  advance (pipeline);
}

static void
on_parsed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Pipeline *pipeline = user_data;
  Batch *batch = g_task_get_task_data (G_TASK (result));

  batch->parsed = TRUE;
  pipeline->parsing--;
  advance (pipeline);
}

/* Takes batch. */
static void
store_batch (Pipeline *pipeline,
             Batch    *batch)
{
  g_queue_push_tail (&pipeline->batches, batch);
  pipeline->parsing++;
  parse_async (batch, on_parsed, pipeline);
}

/* What arrived is stored, whatever ended the download: what arrived
 * before a cut is worth keeping. FALSE, with the store's error, when a
 * commit failed; what it did not commit then is dropped, and the next
 * check downloads it again. */
static gboolean
drain (Pipeline  *pipeline,
       GError   **error)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  while (pipeline->parsing > 0 || pipeline->committing
         || (pipeline->error == NULL && !g_queue_is_empty (&pipeline->batches)))
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);
  g_queue_clear_full (&pipeline->batches, (GDestroyNotify) batch_free);
  if (pipeline->error == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&pipeline->error));
  return FALSE;
}

/* The batch after the current one is asked for before the current one
 * is waited for, so the server always has RETRs in hand: its replies
 * come in while this thread waits for the current one. */
static Retrieval *
retrieve_ahead (Download *download,
                guint    *next)
{
  guint n;

  if (*next >= download->wanted->len)
    return NULL;
  n = next_batch_size (download, *next);
  *next += n;
  return retrieve_start (download, *next - n, n);
}

/* After a store failure: the batch asked for ahead runs its course (or
 * ends with the session) and is dropped; nothing of it being stored, the
 * next check takes it again. */
static void
forget_ahead (Download  *download,
              Retrieval *ahead)
{
  Batch *batch;

  if (ahead == NULL)
    return;
  batch = retrieve_wait (download, ahead, NULL);
  if (batch != NULL)
    batch_free (batch);
}

/* After a cut: the batch asked for ahead ends with the session, and what
 * it brought before (its first RETRs went out before the last of the
 * batch before it) goes the way of the rest. */
static void
keep_ahead (Download  *download,
            Pipeline  *pipeline,
            Retrieval *ahead)
{
  Batch *batch;

  if (ahead == NULL)
    return;
  batch = retrieve_wait (download, ahead, NULL);
  if (batch != NULL)
    store_batch (pipeline, batch);
}

/* Three stages at once: a batch arrives while the one after it is asked
 * for, and the ones before it are parsed and committed; a failure stops
 * the download once what arrived is stored. */
static gboolean
download_new (Download  *download,
              GError   **error)
{
  Pipeline pipeline = { download, G_QUEUE_INIT };
  guint next = 0;
  Retrieval *current = retrieve_ahead (download, &next);

  while (current != NULL)
    {
      Retrieval *ahead = retrieve_ahead (download, &next);
      GError *retrieve_error = NULL;
      Batch *batch = retrieve_wait (download, current, &retrieve_error);

      current = ahead;
      if (pipeline.error != NULL)
        {
          g_clear_pointer (&batch, batch_free);
          g_clear_error (&retrieve_error);
          forget_ahead (download, current);
          break;
        }
      if (batch != NULL)
        store_batch (&pipeline, batch);
      if (retrieve_error != NULL)
        {
          keep_ahead (download, &pipeline, current);
          drain (&pipeline, NULL);
          g_clear_error (&pipeline.refusal);
          g_propagate_error (error, retrieve_error);
          return FALSE;
        }
    }
  if (!drain (&pipeline, error))
    {
      g_clear_error (&pipeline.refusal);
      return FALSE;
    }
  if (pipeline.refusal != NULL)
    {
      g_propagate_error (error, pipeline.refusal);
      return FALSE;
    }
  return TRUE;
}

/* --- deleting on the server ------------------------------------------------------------ */

static gboolean
wait_command (KabarPop3Session  *session,
              GAsyncResult     **slot,
              GError           **error)
{
  g_autoptr(GAsyncResult) result = kabar_sync_wait (slot);

  return kabar_pop3_session_command_finish (session, result, error);
}

/* The DELEs go out together; a message that is gone already is no
 * failure. Fills marked with the UIDLs the server accepted. */
static gboolean
mark_on_server (Download   *download,
                GPtrArray  *to_delete,
                GPtrArray  *marked,
                GError    **error)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();
  g_autofree GAsyncResult **slots = g_new0 (GAsyncResult *, to_delete->len + 1);
  GError *first_error = NULL;

  for (guint i = 0; i < to_delete->len; i++)
    {
      const char *uidl = g_ptr_array_index (to_delete, i);
      gpointer msgno;

      if (!g_hash_table_lookup_extended (download->server, uidl, NULL, &msgno))
        continue;
      kabar_pop3_session_dele_async (download->session, GPOINTER_TO_UINT (msgno),
                                     download->cancellable, kabar_sync_wait_done,
                                     &slots[pending->len]);
      g_ptr_array_add (pending, (gpointer) uidl);
    }
  for (guint i = 0; i < pending->len; i++)
    {
      GError *local_error = NULL;

      if (wait_command (download->session, &slots[i], &local_error))
        g_ptr_array_add (marked, g_ptr_array_index (pending, i));
      else if (!g_error_matches (local_error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_NO_SUCH_MESSAGE)
               && first_error == NULL)
        first_error = g_steal_pointer (&local_error);
      g_clear_error (&local_error);
    }
  if (first_error != NULL)
    {
      g_propagate_prefixed_error (error, first_error, "Deleting downloaded mail on %s: ",
                                  kabar_account_get_host (download->account, KABAR_SERVER_INCOMING));
      return FALSE;
    }
  return TRUE;
}

/* Only QUIT's +OK says the server removed what DELE marked: a cut before
 * it may have removed all or nothing, and the next check's UIDL tells. */
static gboolean
delete_and_quit (Download  *download,
                 GError   **error)
{
  guint days = kabar_account_get_pop_delete_after_days (download->account);
  KabarPopServerCopies policy = kabar_account_get_pop_server_copies (download->account);
  gint64 now = download->options.now != 0 ? download->options.now
                                          : g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GPtrArray) to_delete = kabar_store_pop_list_to_delete (download->store, policy, days,
                                                                   now, error);
  g_autoptr(GPtrArray) marked = g_ptr_array_new ();
  GAsyncResult *slot = NULL;

  if (to_delete == NULL || !mark_on_server (download, to_delete, marked, error))
    return FALSE;
  kabar_pop3_session_quit_async (download->session, download->cancellable,
                                 kabar_sync_wait_done, &slot);
  if (!wait_command (download->session, &slot, error))
    return FALSE;
  if (marked->len == 0)
    return TRUE;
  download->result.deleted = marked->len;
  g_ptr_array_add (marked, NULL);
  return kabar_store_pop_mark_deleted_on_server (download->store,
                                                 (const char * const *) marked->pdata, error);
}

/* --- the check ----------------------------------------------------------------------- */

static gboolean
run_session (Download  *download,
             GError   **error)
{
  return find_inbox (download, error)
         && read_listing (download, error)
         && find_wanted (download, error)
         && download_new (download, error)
         && kabar_store_pop_forget_missing (download->store, download->server, error)
         && delete_and_quit (download, error);
}

/* The download stores each message with the summary its header block
 * gives; its text, snippet and place in the search index come here, after
 * the session, so they never hold the server up. Run whatever ended the
 * session: what a check cut short or a crash left is read by the next
 * one, even one that cannot reach the server. */
static void
read_texts (Download *download)
{
  guint read = 0;

  do
    {
      g_autoptr(GError) error = NULL;
      GArray *folder_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

      if (!kabar_store_read_pending_texts (download->store, DEFAULT_BATCH_SIZE, &read,
                                           folder_ids, &error))
        {
          g_warning ("Downloaded mail of %s stays out of the search index for now: %s",
                     kabar_account_get_address (download->account), error->message);
          g_array_unref (folder_ids);
          return;
        }
      /* Told as it goes: the snippets of the top of the list come first. */
      if (folder_ids->len > 0 && download->options.texts_read != NULL)
        download->options.texts_read (folder_ids, download->options.texts_read_data);
      else
        g_array_unref (folder_ids);
    }
  while (read > 0 && !g_cancellable_is_cancelled (download->cancellable));
}

gboolean
kabar_pop3_download_run (KabarAccount                   *account,
                         KabarStore                     *store,
                         const KabarPop3DownloadOptions *options,
                         KabarPop3DownloadResult        *result,
                         GCancellable                   *cancellable,
                         KabarCertificateProblem       **problem,
                         GError                        **error)
{
  Download download = { account, store, NULL, cancellable };
  gboolean done;

  g_return_val_if_fail (KABAR_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  if (options != NULL)
    download.options = *options;
  if (download.options.batch_size == 0)
    download.options.batch_size = DEFAULT_BATCH_SIZE;
  download.session = connect_account (account, cancellable, problem, error);
  if (download.session == NULL)
    {
      read_texts (&download);
      return FALSE;
    }
  /* Keys are the strings of uidls. */
  download.server = g_hash_table_new (g_str_hash, g_str_equal);
  download.uidls = g_ptr_array_new_with_free_func (g_free);
  download.sizes = g_array_new (FALSE, TRUE, sizeof (guint64));
  download.wanted = g_array_new (FALSE, FALSE, sizeof (guint));
  done = run_session (&download, error);
  /* Without QUIT nothing DELE marked is removed. */
  kabar_pop3_session_close (download.session);
  read_texts (&download);
  g_object_unref (download.session);
  g_hash_table_unref (download.server);
  g_ptr_array_unref (download.uidls);
  g_array_unref (download.sizes);
  g_array_unref (download.wanted);
  if (result != NULL)
    *result = download.result;
  return done;
}
