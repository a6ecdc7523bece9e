/* kabar-imap-body-fetch.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Raw messages from the server into the store, with their text for the
 * search index.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kabar-imap-body-fetch.h"
#include "kabar-imap-folder-list.h"
#include "kabar-imap-parser.h"
#include "kabar-mime-text.h"
#include "kabar-sync-wait.h"

/* Messages a command: few enough that a connection lost half way costs
 * little to fetch again, many enough to spare round trips. Memory does
 * not grow with it: each message is stored as it arrives and let go. */
#define CHUNK 20

typedef struct
{
  KabarImapSession *session;
  KabarStore       *store;
  KabarStoreFolder *folder;
  GCancellable     *cancellable;
  guint32           uidvalidity;
  /* The temporary file the body of the message being read is streamed
   * to, and that message's UID (0 when the server sent it after the
   * body); -1 when none. */
  int               spool_fd;
  guint32           spool_uid;
  guint             stored;
  /* The store's first failure: the rest of the command's messages are
   * dropped, and the fetch fails with it. */
  GError           *error;
} BodyFetch;

static void
close_spool (BodyFetch *fetch)
{
  if (fetch->spool_fd >= 0)
    close (fetch->spool_fd);
  fetch->spool_fd = -1;
  fetch->spool_uid = 0;
}

/* --- large bodies, through a file ----------------------------------------------- */

/* Beside the store, on its disk: the temporary folder may be a tmpfs,
 * which is memory. Unlinked at once, so that nothing stays behind a
 * crash; the descriptor keeps the file until the body is stored. */
static GOutputStream *
on_large_body (KabarImapSession *session,
               guint32           uid,
               const char       *key,
               guint64           size,
               gpointer          user_data)
{
  BodyFetch *fetch = user_data;
  g_autofree char *directory = NULL;
  g_autofree char *path = NULL;
  int fd;
  int write_fd;

  close_spool (fetch);
  /* The command is failing already: drop what is left of it. */
  if (fetch->error != NULL)
    return NULL;
  directory = g_path_get_dirname (kabar_store_get_path (fetch->store));
  path = g_build_filename (directory, ".kabar-body-XXXXXX", NULL);
  fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
  write_fd = fd >= 0 ? fcntl (fd, F_DUPFD_CLOEXEC, 0) : -1;
  if (write_fd < 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        {
          g_unlink (path);
          close (fd);
        }
      /* The body is dropped as it comes, and the fetch fails with this. */
      if (fetch->error == NULL)
        g_set_error (&fetch->error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     "Could not make a temporary file in %s for a message of %" G_GUINT64_FORMAT " bytes: %s",
                     directory, size, g_strerror (saved_errno));
      return NULL;
    }
  g_unlink (path);
  fetch->spool_fd = fd;
  fetch->spool_uid = uid;
  return g_unix_output_stream_new (write_fd, TRUE);
}

/* The streamed body, mapped: SQLite copies it from the mapping into its
 * pages, the heap never holds it. */
static GBytes *
map_spool (BodyFetch  *fetch,
           guint64     size,
           GError    **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  struct stat info;

  if (fstat (fetch->spool_fd, &info) != 0 || (guint64) info.st_size != size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "A message body of %" G_GUINT64_FORMAT " bytes was not written whole "
                   "to its temporary file", size);
      return NULL;
    }
  mapped = g_mapped_file_new_from_fd (fetch->spool_fd, FALSE, error);
  return mapped != NULL ? g_mapped_file_get_bytes (mapped) : NULL;
}

static char *
extract_spool_text (BodyFetch *fetch)
{
  int fd = fcntl (fetch->spool_fd, F_DUPFD_CLOEXEC, 0);
  GMimeStream *stream;
  char *text;

  if (fd < 0)
    return NULL;
  /* Bounds from 0: the descriptor shares its offset with the writer's,
   * which is at the end. */
  stream = g_mime_stream_fs_new_with_bounds (fd, 0, -1);
  text = kabar_mime_extract_text_from_stream (stream, KABAR_IMAP_BODY_TEXT_MAX);
  g_object_unref (stream);
  return text;
}

/* --- storing ------------------------------------------------------------------------- */

static void
store_body (BodyFetch  *fetch,
            guint32     uid,
            GBytes     *raw,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  if (kabar_store_set_body_by_uid (fetch->store, fetch->folder->id, fetch->uidvalidity, uid, raw,
                                   text, &error))
    {
      fetch->stored++;
      return;
    }
  /* Expunged meanwhile (the sync deleted its row), or the folder was
   * reset: nothing to keep. */
  if (g_error_matches (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    return;
  g_propagate_error (&fetch->error, g_steal_pointer (&error));
}

static void
store_spooled (BodyFetch *fetch,
               guint32    uid,
               guint64    size)
{
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *text = NULL;

  if (fetch->spool_fd < 0 || (fetch->spool_uid != 0 && fetch->spool_uid != uid))
    {
      /* The stream function made no file (the message is skipped), or
       * the file is another message's. */
      close_spool (fetch);
      return;
    }
  raw = map_spool (fetch, size, &fetch->error);
  if (raw != NULL)
    {
      text = extract_spool_text (fetch);
      store_body (fetch, uid, raw, text);
    }
  close_spool (fetch);
}

static void
on_body (KabarImapSession *session,
         KabarImapMessage *message,
         gpointer          user_data)
{
  BodyFetch *fetch = user_data;
  guint32 uid = kabar_imap_message_get_uid (message);
  g_autoptr(GBytes) raw = NULL;
  guint64 size = 0;

  if (fetch->error != NULL || uid == 0)
    return;
  raw = kabar_imap_message_dup_body (message, "", NULL);
  if (raw != NULL)
    {
      g_autofree char *text = kabar_mime_extract_text (raw, KABAR_IMAP_BODY_TEXT_MAX);

      store_body (fetch, uid, raw, text);
    }
  else if (kabar_imap_message_body_was_streamed (message, "", &size))
    store_spooled (fetch, uid, size);
  /* Else the server sent NIL: it has no body to give. */
}

/* --- the fetch ------------------------------------------------------------------------ */

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

/* A session with the folder selected already (the sync's, just now)
 * keeps it: a server never changes UIDVALIDITY under an open mailbox, and
 * the store's check at each write catches a reset made meanwhile by
 * another connection. A folder whose first sync was cut short has no
 * UIDVALIDITY in the store yet: the server's is asked for. */
static gboolean
open_folder (BodyFetch  *fetch,
             GError    **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;

  fetch->uidvalidity = fetch->folder->sync.uidvalidity;
  if (fetch->uidvalidity != 0
      && same_mailbox (kabar_imap_session_get_selected (fetch->session), fetch->folder->path))
    return TRUE;
  kabar_imap_session_select_async (fetch->session, fetch->folder->path, TRUE, NULL, NULL, NULL,
                                   fetch->cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  state = kabar_imap_session_select_finish (fetch->session, result, error);
  if (state == NULL)
    return FALSE;
  fetch->uidvalidity = kabar_imap_mailbox_state_get_uidvalidity (state);
  return TRUE;
}

static KabarImapUidSet *
uid_set_new (const guint32 *uids,
             gsize          n)
{
  KabarImapUidSet *set = kabar_imap_uid_set_new ();

  for (gsize i = 0; i < n; i++)
    if (uids[i] > 0)
      kabar_imap_uid_set_add (set, uids[i]);
  return set;
}

static gboolean
fetch_chunk (BodyFetch      *fetch,
             const guint32  *uids,
             gsize           n,
             GError        **error)
{
  KabarImapFetchRequest request = { .items = KABAR_IMAP_FETCH_BODY };
  g_autoptr(KabarImapUidSet) set = uid_set_new (uids, n);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) fetch_error = NULL;

  if (kabar_imap_uid_set_is_empty (set))
    return TRUE;
  /* The data stays on this stack frame: a fetch cancelled on the wire
   * returns at once, and the session then calls neither function. */
  kabar_imap_session_uid_fetch_async (fetch->session, set, &request, on_body, on_large_body,
                                      fetch, NULL, fetch->cancellable, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  kabar_imap_session_uid_fetch_finish (fetch->session, result, &fetch_error);
  close_spool (fetch);
  if (fetch->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&fetch->error));
      return FALSE;
    }
  if (fetch_error == NULL)
    return TRUE;
  if (g_error_matches (fetch_error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_NO))
    {
      /* What came is stored; the rest is what the server will not give
       * now (expunged by another client, or unreadable on its side). */
      g_message ("Skipped message bodies of %s: %s", fetch->folder->path, fetch_error->message);
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&fetch_error));
  return FALSE;
}

static gboolean
fetch_all (BodyFetch      *fetch,
           const guint32  *uids,
           gsize           n_uids,
           GError        **error)
{
  gboolean ok = TRUE;

  kabar_imap_session_set_stream_threshold (fetch->session, KABAR_IMAP_BODY_MEMORY_MAX);
  for (gsize start = 0; start < n_uids && ok; start += CHUNK)
    {
      ok = !g_cancellable_set_error_if_cancelled (fetch->cancellable, error)
           && fetch_chunk (fetch, uids + start, MIN (CHUNK, n_uids - start), error);
    }
  /* Other jobs on this session expect what every session starts with. */
  kabar_imap_session_set_stream_threshold (fetch->session, KABAR_IMAP_PARSER_DEFAULT_STREAM_THRESHOLD);
  return ok;
}

gboolean
kabar_imap_fetch_bodies (KabarImapSession  *session,
                         KabarStore        *store,
                         gint64             folder_id,
                         const guint32     *uids,
                         gsize              n_uids,
                         guint             *n_stored,
                         GCancellable      *cancellable,
                         GError           **error)
{
  BodyFetch fetch = {
    .session = session,
    .store = store,
    .cancellable = cancellable,
    .spool_fd = -1,
  };
  gboolean ok;

  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (session), FALSE);
  g_return_val_if_fail (KABAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (uids != NULL || n_uids == 0, FALSE);

  if (n_stored != NULL)
    *n_stored = 0;
  if (n_uids == 0)
    return TRUE;
  fetch.folder = kabar_store_get_folder (store, folder_id, error);
  if (fetch.folder == NULL)
    return FALSE;
  /* Not a folder of messages: no UID to fetch. */
  if (!kabar_imap_folder_is_selectable (fetch.folder))
    ok = TRUE;
  else if (!open_folder (&fetch, error))
    ok = FALSE;
  else if (fetch.folder->sync.uidvalidity != 0 && fetch.uidvalidity != fetch.folder->sync.uidvalidity)
    {
      g_debug ("%s has a new UIDVALIDITY: its bodies wait for its sync", fetch.folder->path);
      ok = TRUE;
    }
  else
    ok = fetch_all (&fetch, uids, n_uids, error);
  if (n_stored != NULL)
    *n_stored = fetch.stored;
  close_spool (&fetch);
  kabar_store_folder_free (fetch.folder);
  return ok;
}
