/* kabar-store-list.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The message list sorted by date, sender or subject, as messages or as
 * conversations (version-006.sql).
 *
 * A page of messages is read from the index of its sort with an OFFSET,
 * as kabar_store_list_messages() does. Conversations cannot be: whether a
 * message is its thread's newest in the folder depends on the others. So
 * the folder's conversations are worked out in one pass over
 * messages_folder_date, which holds the thread ids (no table reads), and
 * kept with the store until it changes (PRAGMA data_version): paging
 * through them then costs only the rows of the page.
 */

#include "config.h"

#include <string.h>

#include "kabar-store-private.h"

#define SUMMARY_COLUMNS \
  "id, folder_id, uid, flags, keywords, modseq, internal_date, date, size, " \
  "subject, from_name, from_address, to_list, cc_list, message_id, " \
  "in_reply_to, refs, thread_id, has_attachments, preview"

/* Rows a statement of the fill of old rows' keys takes, each its own
 * transaction, so opening an upgraded store does not hold the writer for
 * long at a time. */
#define FILL_BATCH 5000

/* The folders whose conversations are kept. */
#define MAX_CACHED_FOLDERS 4

/* --- sort keys ------------------------------------------------------------------------- */

static const char * const sort_names[] = {
  [KABAR_MESSAGE_SORT_DATE_NEWEST] = "date-newest",
  [KABAR_MESSAGE_SORT_DATE_OLDEST] = "date-oldest",
  [KABAR_MESSAGE_SORT_SENDER] = "sender",
  [KABAR_MESSAGE_SORT_SUBJECT] = "subject",
};

const char *
kabar_message_sort_to_string (KabarMessageSort sort)
{
  if ((guint) sort >= G_N_ELEMENTS (sort_names))
    sort = KABAR_MESSAGE_SORT_DATE_NEWEST;
  return sort_names[sort];
}

KabarMessageSort
kabar_message_sort_from_string (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (sort_names); i++)
    if (g_strcmp0 (text, sort_names[i]) == 0)
      return i;
  return KABAR_MESSAGE_SORT_DATE_NEWEST;
}

/* Compatibility forms (full-width letters, ligatures) as their plain
 * letters, then Unicode case folding: "Ayu", "AYU" and "ａｙｕ" sort
 * together. Never NULL. */
static char *
fold (const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *normal = NULL;
  const char *p;

  /* Most names and subjects are ASCII, where all of it is lower case:
   * the sync computes two keys a message, and the Unicode way was most
   * of the cost of its inserts. */
  for (p = text; *p != '\0' && (guchar) *p < 0x80; p++)
    ;
  if (*p == '\0')
    return g_ascii_strdown (text, p - text);

  valid = g_utf8_make_valid (text, -1);
  normal = g_utf8_normalize (valid, -1, G_NORMALIZE_ALL_COMPOSE);
  return g_utf8_casefold (normal != NULL ? normal : valid, -1);
}

static const char *
skip_blanks_and_quotes (const char *text)
{
  while (*text == ' ' || *text == '\t' || *text == '"' || *text == '\'')
    text++;
  return text;
}

char *
kabar_store_sender_key (const char *name,
                        const char *address)
{
  const char *shown = name != NULL ? skip_blanks_and_quotes (name) : "";

  if (*shown == '\0')
    shown = address != NULL ? skip_blanks_and_quotes (address) : "";
  return fold (shown);
}

/* What mail programs put before a subject they answer or forward, in
 * the languages of their users, case-folded: English, German, the
 * Nordic ones, Dutch, French, Spanish, Italian, Portuguese, Polish,
 * Czech, Turkish, Finnish, Indonesian (Outlook's "BLS"/"TRS" and Gmail's
 * words) and Hindi. */
static const char * const reply_prefixes[] = {
  "re", "fwd", "fw", "aw", "wg", "sv", "vs", "antw", "doorst", "tr", "rv",
  "enc", "res", "odp", "pd", "ynt", "ilt", "vl", "balas", "bls", "trs",
  "teruskan", "उत्तर", "अग्रेषित",
};

/* The end of one prefix at text ("re:", "re[2]:", "fwd :"), or NULL. */
static const char *
match_prefix (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (reply_prefixes); i++)
    {
      gsize length = strlen (reply_prefixes[i]);
      const char *p = text + length;

      if (strncmp (text, reply_prefixes[i], length) != 0)
        continue;
      /* A count: "Re[2]:", "Re(2):". */
      if (*p == '[' || *p == '(')
        {
          char close = *p == '[' ? ']' : ')';
          const char *q = p + 1;

          while (g_ascii_isdigit (*q))
            q++;
          if (q > p + 1 && *q == close)
            p = q + 1;
        }
      while (*p == ' ')
        p++;
      if (*p == ':')
        return p + 1;
      /* The full-width colon of CJK mail programs. */
      if (g_str_has_prefix (p, "\xef\xbc\x9a"))
        return p + 3;
    }
  return NULL;
}

char *
kabar_store_subject_key (const char *subject)
{
  g_autofree char *folded = fold (subject != NULL ? subject : "");
  const char *rest = folded;
  const char *after;

  for (;;)
    {
      while (g_ascii_isspace (*rest))
        rest++;
      after = match_prefix (rest);
      if (after == NULL)
        break;
      rest = after;
    }
  return g_strdup (rest);
}

static void
sender_key_function (sqlite3_context  *context,
                     int               argc,
                     sqlite3_value   **argv)
{
  char *key = kabar_store_sender_key ((const char *) sqlite3_value_text (argv[0]),
                                      (const char *) sqlite3_value_text (argv[1]));

  sqlite3_result_text (context, key, -1, g_free);
}

static void
subject_key_function (sqlite3_context  *context,
                      int               argc,
                      sqlite3_value   **argv)
{
  char *key = kabar_store_subject_key ((const char *) sqlite3_value_text (argv[0]));

  sqlite3_result_text (context, key, -1, g_free);
}

gboolean
kabar_store_list_init_connection (KabarStoreConnection  *connection,
                                  GError               **error)
{
  sqlite3 *db = kabar_store_connection_get_db (connection);
  /* Innocuous: the schema's triggers call them, which SQLite allows
   * only of functions that say so when the schema is not trusted. */
  int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int rc;

  rc = sqlite3_create_function_v2 (db, "kabar_sender_key", 2, flags, NULL,
                                   sender_key_function, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function_v2 (db, "kabar_subject_key", 1, flags, NULL,
                                     subject_key_function, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return kabar_store_set_sqlite_error (db, rc, error);
  return TRUE;
}

gboolean
kabar_store_list_fill_keys (KabarStoreConnection  *writer,
                            GError               **error)
{
  sqlite3 *db = kabar_store_connection_get_db (writer);

  for (;;)
    {
      g_autoptr(KabarStoreStatement) stmt =
        kabar_store_connection_prepare (writer,
                                        "UPDATE messages "
                                        "SET sender_key = kabar_sender_key (from_name, from_address), "
                                        "  subject_key = kabar_subject_key (subject) "
                                        "WHERE id IN (SELECT id FROM messages WHERE sender_key IS NULL "
                                        "             LIMIT " G_STRINGIFY (FILL_BATCH) ")",
                                        error);

      if (stmt == NULL || !kabar_store_statement_run (stmt, error))
        return FALSE;
      if (sqlite3_changes (db) == 0)
        return TRUE;
    }
}

/* --- entries -------------------------------------------------------------------------- */

void
kabar_message_list_entry_free (KabarMessageListEntry *entry)
{
  if (entry == NULL)
    return;
  kabar_message_summary_free (entry->summary);
  g_free (entry->uids);
  g_free (entry);
}

/* --- conversations ---------------------------------------------------------------------- */

/* An open-addressing map of 64-bit keys (thread ids, message ids, all
 * positive) to indexes: a GHashTable of 100,000 boxed keys cost more
 * than the pass it served. */
typedef struct
{
  gint64 *keys;
  guint  *values;
  gsize   mask;
  gsize   n_keys;
} IdMap;

static void
id_map_init (IdMap *map,
             gsize  capacity)
{
  gsize size = 16;

  while (size < capacity * 2)
    size *= 2;
  map->keys = g_new0 (gint64, size);
  map->values = g_new (guint, size);
  map->mask = size - 1;
  map->n_keys = 0;
}

static void
id_map_clear (IdMap *map)
{
  g_clear_pointer (&map->keys, g_free);
  g_clear_pointer (&map->values, g_free);
}

static gsize
id_map_slot (const IdMap *map,
             gint64       key)
{
  /* Fibonacci hashing spreads the ascending ids over the table. */
  gsize slot = (gsize) (((guint64) key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 20) & map->mask;

  while (map->keys[slot] != 0 && map->keys[slot] != key)
    slot = (slot + 1) & map->mask;
  return slot;
}

static void
id_map_grow (IdMap *map)
{
  IdMap bigger;

  id_map_init (&bigger, map->mask + 1);
  for (gsize i = 0; i <= map->mask; i++)
    if (map->keys[i] != 0)
      {
        gsize slot = id_map_slot (&bigger, map->keys[i]);

        bigger.keys[slot] = map->keys[i];
        bigger.values[slot] = map->values[i];
      }
  bigger.n_keys = map->n_keys;
  id_map_clear (map);
  *map = bigger;
}

/* The value of key into *found (TRUE), or else (FALSE) inserts value
 * for it. */
static gboolean
id_map_lookup_or_insert (IdMap  *map,
                         gint64  key,
                         guint   value,
                         guint  *found)
{
  gsize slot;

  if ((map->n_keys + 1) * 2 > map->mask + 1)
    id_map_grow (map);
  slot = id_map_slot (map, key);
  if (map->keys[slot] == key)
    {
      *found = map->values[slot];
      return TRUE;
    }
  map->keys[slot] = key;
  map->values[slot] = value;
  map->n_keys++;
  return FALSE;
}

/* The value of key, or G_MAXUINT. */
static guint
id_map_lookup (const IdMap *map,
               gint64       key)
{
  gsize slot = id_map_slot (map, key);

  return map->keys[slot] == key ? map->values[slot] : G_MAXUINT;
}

/* One folder's conversations, as of one state of the store. Threads are
 * numbered in the order of their newest message, newest first. */
typedef struct
{
  gint64   folder_id;
  guint    n_threads;
  /* Per thread: its newest message, and how many it has in the folder. */
  gint64  *newest_ids;
  guint   *counts;
  /* Per thread, its server UIDs: uids[uid_starts[t]] to
   * uids[uid_starts[t + 1]], ascending. */
  guint   *uid_starts;
  guint32 *uids;
  /* The thread at each row, per sort; NULL until asked for (the date
   * orders need none). */
  guint   *orders[KABAR_MESSAGE_SORT_SUBJECT + 1];
} Conversations;

static void
conversations_free (Conversations *conversations)
{
  g_free (conversations->newest_ids);
  g_free (conversations->counts);
  g_free (conversations->uid_starts);
  g_free (conversations->uids);
  for (guint i = 0; i < G_N_ELEMENTS (conversations->orders); i++)
    g_free (conversations->orders[i]);
  g_free (conversations);
}

/* Kept with the store, used only under the reader's lock (inside
 * kabar_store_read()), so it needs no lock of its own. */
typedef struct
{
  gint64     data_version;
  GPtrArray *folders;
} ConversationCache;

static void
conversation_cache_free (ConversationCache *cache)
{
  g_ptr_array_unref (cache->folders);
  g_free (cache);
}

static ConversationCache *
get_cache (KabarStore *store)
{
  GQuark quark = g_quark_from_static_string ("kabar-store-conversations");
  ConversationCache *cache = g_object_get_qdata (G_OBJECT (store), quark);

  if (cache == NULL)
    {
      cache = g_new0 (ConversationCache, 1);
      cache->data_version = -1;
      cache->folders = g_ptr_array_new_with_free_func ((GDestroyNotify) conversations_free);
      g_object_set_qdata_full (G_OBJECT (store), quark, cache,
                               (GDestroyNotify) conversation_cache_free);
    }
  return cache;
}

static gboolean
scan_folder (KabarStoreConnection  *connection,
             Conversations         *conversations,
             guint                  capacity,
             GError               **error)
{
  /* messages_folder_date, index only. */
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT id, thread_id, uid FROM messages "
                                    "WHERE folder_id = ?1 AND local_state != 1 "
                                    "ORDER BY date DESC, uid DESC",
                                    error);
  g_autoptr(GArray) row_threads = g_array_sized_new (FALSE, FALSE, sizeof (guint), capacity);
  g_autoptr(GArray) row_uids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), capacity);
  g_autoptr(GArray) newest = g_array_new (FALSE, FALSE, sizeof (gint64));
  IdMap threads;
  gboolean has_row = FALSE;
  gboolean stepped;
  guint *fill;

  if (stmt == NULL)
    return FALSE;
  id_map_init (&threads, capacity);
  sqlite3_bind_int64 (stmt, 1, conversations->folder_id);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gint64 thread_id = sqlite3_column_int64 (stmt, 1);
      gint64 uid = sqlite3_column_int64 (stmt, 2);
      guint thread;

      if (!id_map_lookup_or_insert (&threads, thread_id, newest->len, &thread))
        {
          thread = newest->len;
          g_array_append_val (newest, id);
        }
      g_array_append_val (row_threads, thread);
      g_array_append_val (row_uids, uid);
    }
  id_map_clear (&threads);
  if (!stepped)
    return FALSE;

  conversations->n_threads = newest->len;
  conversations->newest_ids = (gint64 *) g_array_free (g_steal_pointer (&newest), FALSE);
  conversations->counts = g_new0 (guint, conversations->n_threads);
  conversations->uid_starts = g_new0 (guint, conversations->n_threads + 1);
  for (guint i = 0; i < row_threads->len; i++)
    {
      guint thread = g_array_index (row_threads, guint, i);

      conversations->counts[thread]++;
      if (g_array_index (row_uids, gint64, i) > 0)
        conversations->uid_starts[thread + 1]++;
    }
  for (guint t = 0; t < conversations->n_threads; t++)
    conversations->uid_starts[t + 1] += conversations->uid_starts[t];
  conversations->uids = g_new (guint32, conversations->uid_starts[conversations->n_threads] + 1);
  fill = g_memdup2 (conversations->uid_starts, sizeof (guint) * (conversations->n_threads + 1));
  for (guint i = 0; i < row_threads->len; i++)
    {
      guint thread = g_array_index (row_threads, guint, i);
      gint64 uid = g_array_index (row_uids, gint64, i);

      if (uid > 0)
        conversations->uids[fill[thread]++] = (guint32) uid;
    }
  g_free (fill);
  return TRUE;
}

static gint
compare_uids (gconstpointer a,
              gconstpointer b)
{
  guint32 x = *(const guint32 *) a;
  guint32 y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

static void
sort_thread_uids (Conversations *conversations)
{
  for (guint t = 0; t < conversations->n_threads; t++)
    {
      guint start = conversations->uid_starts[t];
      guint n = conversations->uid_starts[t + 1] - start;

      /* Newest first as scanned: reversed, nearly always ascending. */
      for (guint i = 0; i < n / 2; i++)
        {
          guint32 swap = conversations->uids[start + i];

          conversations->uids[start + i] = conversations->uids[start + n - 1 - i];
          conversations->uids[start + n - 1 - i] = swap;
        }
      if (n > 2)
        qsort (conversations->uids + start, n, sizeof (guint32), compare_uids);
    }
}

/* The threads in the order of their newest message's sender or subject:
 * the index of that sort, read for the newest messages only. */
static gboolean
order_by_index (KabarStoreConnection  *connection,
                Conversations         *conversations,
                KabarMessageSort       sort,
                GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    sort == KABAR_MESSAGE_SORT_SENDER
                                    ? "SELECT id FROM messages WHERE folder_id = ?1 AND local_state != 1 "
                                      "ORDER BY sender_key, date DESC, uid DESC"
                                    : "SELECT id FROM messages WHERE folder_id = ?1 AND local_state != 1 "
                                      "ORDER BY subject_key, date DESC, uid DESC",
                                    error);
  g_autofree guint *order = g_new (guint, conversations->n_threads + 1);
  guint n = 0;
  IdMap newest;
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  id_map_init (&newest, conversations->n_threads);
  for (guint t = 0; t < conversations->n_threads; t++)
    {
      guint unused;

      id_map_lookup_or_insert (&newest, conversations->newest_ids[t], t, &unused);
    }
  sqlite3_bind_int64 (stmt, 1, conversations->folder_id);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      guint thread = id_map_lookup (&newest, sqlite3_column_int64 (stmt, 0));

      if (thread != G_MAXUINT && n < conversations->n_threads)
        order[n++] = thread;
    }
  id_map_clear (&newest);
  if (!stepped)
    return FALSE;
  /* Both passes read one snapshot, so they find the same threads. */
  if (n != conversations->n_threads)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_CORRUPT,
                   "The indexes of folder %" G_GINT64_FORMAT " disagree", conversations->folder_id);
      return FALSE;
    }
  conversations->orders[sort] = g_steal_pointer (&order);
  return TRUE;
}

/* The store's state as this read transaction sees it. The count read
 * first opens the transaction's snapshot; data_version then belongs to
 * it. */
static gboolean
read_data_version (KabarStoreConnection  *connection,
                   gint64                *version,
                   GError               **error)
{
  return kabar_store_connection_query_int (connection, "PRAGMA data_version", version, error);
}

static Conversations *
find_conversations (KabarStore            *store,
                    KabarStoreConnection  *connection,
                    gint64                 folder_id,
                    guint                  n_messages,
                    GError               **error)
{
  ConversationCache *cache = get_cache (store);
  Conversations *conversations;
  gint64 version;

  if (!read_data_version (connection, &version, error))
    return NULL;
  if (version != cache->data_version)
    {
      g_ptr_array_set_size (cache->folders, 0);
      cache->data_version = version;
    }
  for (guint i = 0; i < cache->folders->len; i++)
    {
      conversations = g_ptr_array_index (cache->folders, i);
      if (conversations->folder_id == folder_id)
        return conversations;
    }

  conversations = g_new0 (Conversations, 1);
  conversations->folder_id = folder_id;
  if (!scan_folder (connection, conversations, n_messages, error))
    {
      conversations_free (conversations);
      return NULL;
    }
  sort_thread_uids (conversations);
  if (cache->folders->len >= MAX_CACHED_FOLDERS)
    g_ptr_array_remove_index (cache->folders, 0);
  g_ptr_array_add (cache->folders, conversations);
  return conversations;
}

/* --- the indexes of the sorts -------------------------------------------------------------- */

/* Made on first use (version-006.sql says why). Each page is read from
 * its index, like messages_folder_date: the rows an OFFSET skips are
 * filtered on the index alone. */
static const char *
sort_index_name (KabarMessageSort sort)
{
  switch (sort)
    {
    case KABAR_MESSAGE_SORT_SENDER:
      return "messages_folder_sender";
    case KABAR_MESSAGE_SORT_SUBJECT:
      return "messages_folder_subject";
    case KABAR_MESSAGE_SORT_DATE_NEWEST:
    case KABAR_MESSAGE_SORT_DATE_OLDEST:
    default:
      return NULL;
    }
}

static gboolean
create_sort_index (KabarStoreConnection  *connection,
                   gpointer               data,
                   GError               **error)
{
  KabarMessageSort sort = GPOINTER_TO_INT (data);

  return kabar_store_connection_exec (connection,
                                      sort == KABAR_MESSAGE_SORT_SENDER
                                      ? "CREATE INDEX IF NOT EXISTS messages_folder_sender ON messages "
                                        "  (folder_id, sender_key, date DESC, uid DESC, local_state)"
                                      : "CREATE INDEX IF NOT EXISTS messages_folder_subject ON messages "
                                        "  (folder_id, subject_key, date DESC, uid DESC, local_state)",
                                      error);
}

static gboolean
has_index (KabarStoreConnection  *connection,
           const char            *name,
           gboolean              *exists,
           GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?1",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  return kabar_store_statement_step (stmt, exists, error);
}

/* --- reading pages ------------------------------------------------------------------------ */

typedef struct
{
  KabarStore       *store;
  gint64            folder_id;
  KabarMessageSort  sort;
  gboolean          conversations;
  guint             offset;
  guint             limit;
  guint             n_rows;
  GPtrArray        *entries;
  /* The sort's index is not made yet: nothing was read. */
  gboolean          needs_index;
} ListQuery;

static KabarMessageSummary *
summary_from_row (sqlite3_stmt *stmt)
{
  KabarMessageSummary *summary = kabar_message_summary_new ();

  summary->id = sqlite3_column_int64 (stmt, 0);
  summary->folder_id = sqlite3_column_int64 (stmt, 1);
  /* A provisional row's negative uid is the store's own. */
  summary->uid = (guint32) MAX (sqlite3_column_int64 (stmt, 2), 0);
  summary->flags = sqlite3_column_int (stmt, 3);
  summary->keywords = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  summary->modseq = sqlite3_column_int64 (stmt, 5);
  summary->internal_date = sqlite3_column_int64 (stmt, 6);
  summary->date = sqlite3_column_int64 (stmt, 7);
  summary->size = sqlite3_column_int64 (stmt, 8);
  summary->subject = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  summary->from_name = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
  summary->from_address = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
  summary->to = g_strdup ((const char *) sqlite3_column_text (stmt, 12));
  summary->cc = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
  summary->message_id = g_strdup ((const char *) sqlite3_column_text (stmt, 14));
  summary->in_reply_to = g_strdup ((const char *) sqlite3_column_text (stmt, 15));
  summary->references = g_strdup ((const char *) sqlite3_column_text (stmt, 16));
  summary->thread_id = sqlite3_column_int64 (stmt, 17);
  summary->has_attachments = sqlite3_column_int (stmt, 18) != 0;
  summary->preview = g_strdup ((const char *) sqlite3_column_text (stmt, 19));
  return summary;
}

static KabarMessageListEntry *
message_entry (KabarMessageSummary *summary)
{
  KabarMessageListEntry *entry = g_new0 (KabarMessageListEntry, 1);

  entry->summary = summary;
  entry->n_messages = 1;
  if (summary->uid != 0)
    {
      entry->uids = g_new (guint32, 1);
      entry->uids[0] = summary->uid;
      entry->n_uids = 1;
    }
  return entry;
}

static const char *
page_sql (KabarMessageSort sort)
{
  /* Each the order of an index: no sorting step. */
  switch (sort)
    {
    case KABAR_MESSAGE_SORT_DATE_OLDEST:
      return "SELECT " SUMMARY_COLUMNS " FROM messages "
             "WHERE folder_id = ?1 AND local_state != 1 "
             "ORDER BY date, uid LIMIT ?2 OFFSET ?3";
    case KABAR_MESSAGE_SORT_SENDER:
      return "SELECT " SUMMARY_COLUMNS " FROM messages "
             "WHERE folder_id = ?1 AND local_state != 1 "
             "ORDER BY sender_key, date DESC, uid DESC LIMIT ?2 OFFSET ?3";
    case KABAR_MESSAGE_SORT_SUBJECT:
      return "SELECT " SUMMARY_COLUMNS " FROM messages "
             "WHERE folder_id = ?1 AND local_state != 1 "
             "ORDER BY subject_key, date DESC, uid DESC LIMIT ?2 OFFSET ?3";
    case KABAR_MESSAGE_SORT_DATE_NEWEST:
    default:
      return "SELECT " SUMMARY_COLUMNS " FROM messages "
             "WHERE folder_id = ?1 AND local_state != 1 "
             "ORDER BY date DESC, uid DESC LIMIT ?2 OFFSET ?3";
    }
}

static gboolean
read_message_page (KabarStoreConnection  *connection,
                   ListQuery             *query,
                   GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection,
                                                                       page_sql (query->sort),
                                                                       error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, query->folder_id);
  sqlite3_bind_int64 (stmt, 2, query->limit);
  sqlite3_bind_int64 (stmt, 3, query->offset);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    g_ptr_array_add (query->entries, message_entry (summary_from_row (stmt)));
  return stepped;
}

static KabarMessageSummary *
read_summary (KabarStoreConnection  *connection,
              gint64                 message_id,
              GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT " SUMMARY_COLUMNS " FROM messages WHERE id = ?1",
                                    error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return NULL;
  if (!has_row)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                   "No message with id %" G_GINT64_FORMAT, message_id);
      return NULL;
    }
  return summary_from_row (stmt);
}

/* The flags of the whole conversation into its newest message's summary. */
static gboolean
merge_thread_flags (KabarStoreConnection  *connection,
                    KabarMessageSummary   *summary,
                    GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT min (flags & 1), max (flags & 2), max (flags & 4), "
                                    "  max (has_attachments) "
                                    "FROM messages WHERE thread_id = ?1 AND folder_id = ?2 "
                                    "  AND local_state != 1",
                                    error);
  KabarMessageFlags merged = summary->flags & ~(KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_ANSWERED |
                                                KABAR_MESSAGE_FLAG_FLAGGED);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, summary->thread_id);
  sqlite3_bind_int64 (stmt, 2, summary->folder_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  summary->flags = merged | sqlite3_column_int (stmt, 0) | sqlite3_column_int (stmt, 1) |
                   sqlite3_column_int (stmt, 2);
  summary->has_attachments = sqlite3_column_int (stmt, 3) != 0;
  return TRUE;
}

static guint
thread_at (const Conversations *conversations,
           KabarMessageSort     sort,
           guint                row)
{
  switch (sort)
    {
    case KABAR_MESSAGE_SORT_DATE_OLDEST:
      return conversations->n_threads - 1 - row;
    case KABAR_MESSAGE_SORT_SENDER:
    case KABAR_MESSAGE_SORT_SUBJECT:
      return conversations->orders[sort][row];
    case KABAR_MESSAGE_SORT_DATE_NEWEST:
    default:
      return row;
    }
}

static KabarMessageListEntry *
conversation_entry (KabarStoreConnection  *connection,
                    const Conversations   *conversations,
                    guint                  thread,
                    GError               **error)
{
  g_autoptr(KabarMessageSummary) summary = read_summary (connection,
                                                         conversations->newest_ids[thread], error);
  KabarMessageListEntry *entry;
  guint start = conversations->uid_starts[thread];

  if (summary == NULL)
    return NULL;
  if (conversations->counts[thread] > 1 && !merge_thread_flags (connection, summary, error))
    return NULL;
  entry = g_new0 (KabarMessageListEntry, 1);
  entry->summary = g_steal_pointer (&summary);
  entry->n_messages = conversations->counts[thread];
  entry->n_uids = conversations->uid_starts[thread + 1] - start;
  entry->uids = g_memdup2 (conversations->uids + start, sizeof (guint32) * entry->n_uids);
  return entry;
}

static gboolean
read_conversation_page (KabarStoreConnection  *connection,
                        ListQuery             *query,
                        guint                  n_messages,
                        GError               **error)
{
  Conversations *conversations = find_conversations (query->store, connection, query->folder_id,
                                                     n_messages, error);
  guint end;

  if (conversations == NULL)
    return FALSE;
  query->n_rows = conversations->n_threads;
  if ((query->sort == KABAR_MESSAGE_SORT_SENDER || query->sort == KABAR_MESSAGE_SORT_SUBJECT)
      && conversations->orders[query->sort] == NULL && query->limit > 0
      && !order_by_index (connection, conversations, query->sort, error))
    return FALSE;

  end = (guint) MIN ((guint64) query->offset + query->limit, conversations->n_threads);
  for (guint row = query->offset; row < end; row++)
    {
      KabarMessageListEntry *entry = conversation_entry (connection, conversations,
                                                         thread_at (conversations, query->sort, row),
                                                         error);

      if (entry == NULL)
        return FALSE;
      g_ptr_array_add (query->entries, entry);
    }
  return TRUE;
}

/* The folder's count of messages the list shows (version-002.sql keeps
 * it), which opens the read transaction's snapshot. */
static gboolean
read_message_count (KabarStoreConnection  *connection,
                    gint64                 folder_id,
                    guint                 *n_messages,
                    GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, "SELECT total_count FROM folders WHERE id = ?1", error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                   "No folder with id %" G_GINT64_FORMAT, folder_id);
      return FALSE;
    }
  *n_messages = (guint) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
read_entries (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  ListQuery *query = data;
  const char *index = sort_index_name (query->sort);
  guint n_messages = 0;
  gboolean index_exists = TRUE;

  if (index != NULL && !has_index (connection, index, &index_exists, error))
    return FALSE;
  query->needs_index = !index_exists;
  if (query->needs_index)
    return TRUE;
  if (!read_message_count (connection, query->folder_id, &n_messages, error))
    return FALSE;
  if (query->conversations)
    return read_conversation_page (connection, query, n_messages, error);
  query->n_rows = n_messages;
  return query->limit == 0 || read_message_page (connection, query, error);
}

GPtrArray *
kabar_store_list_entries (KabarStore        *self,
                          gint64             folder_id,
                          KabarMessageSort   sort,
                          gboolean           conversations,
                          guint              offset,
                          guint              limit,
                          guint             *n_rows,
                          GError           **error)
{
  g_autoptr(GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_list_entry_free);
  ListQuery query = { self, folder_id, sort, conversations, offset, limit, 0, entries, FALSE };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_entries, &query, error))
    return NULL;
  if (query.needs_index)
    {
      /* Another thread may have made it meanwhile: IF NOT EXISTS. */
      if (!kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, create_sort_index,
                              GINT_TO_POINTER (sort), error)
          || !kabar_store_read (self, read_entries, &query, error))
        return NULL;
      g_return_val_if_fail (!query.needs_index, NULL);
    }
  if (n_rows != NULL)
    *n_rows = query.n_rows;
  return g_steal_pointer (&entries);
}
