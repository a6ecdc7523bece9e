/* kabar-store-addresses.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The address book for completion (version-007.sql), read from the
 * messages table a batch at a time.
 */

#include "config.h"

#include "kabar-store-addresses.h"
#include "kabar-store-organizer.h"
#include "kabar-store-private.h"

/* Messages a write transaction reads: small enough that the sync, which
 * waits for the writer, never waits long. */
#define BATCH_MESSAGES 2000
/* Words of a query that must all match; more add nothing. */
#define MAX_QUERY_WORDS 4

KabarAddressMatch *
kabar_address_match_copy (const KabarAddressMatch *self)
{
  KabarAddressMatch *copy = g_new0 (KabarAddressMatch, 1);

  copy->name = g_strdup (self->name);
  copy->address = g_strdup (self->address);
  return copy;
}

void
kabar_address_match_free (KabarAddressMatch *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->address);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (KabarAddressMatch, kabar_address_match,
                     kabar_address_match_copy, kabar_address_match_free)

/* --- words --------------------------------------------------------------------------- */

/* Without case, and without the accents of the Latin, Greek and Cyrillic
 * scripts (the combining diacritical marks): "Élodie" is "elodie". The
 * marks of other scripts are letters' parts (Devanagari's vowel signs)
 * and stay. */
static char *
fold (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *folded = g_utf8_casefold (valid, -1);
  g_autofree char *decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_DEFAULT);
  GString *result = g_string_new (NULL);

  for (const char *p = decomposed != NULL ? decomposed : folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x0300 || c > 0x036F)
        g_string_append_unichar (result, c);
    }
  return g_string_free (result, FALSE);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/* The folded name's words: each run of letters, digits and marks ("o",
 * "brien" of "O'Brien"), and each piece between spaces when it differs
 * ("o'brien"), so what the user types matches either way. */
static void
add_name_words (GPtrArray  *words,
                const char *name)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) pieces = NULL;
  const char *start = NULL;

  if (name == NULL || *name == '\0')
    return;
  folded = fold (name);
  for (const char *p = folded;; p = g_utf8_next_char (p))
    {
      gboolean in_word = *p != '\0' && is_word_char (g_utf8_get_char (p));

      if (in_word && start == NULL)
        start = p;
      else if (!in_word && start != NULL)
        {
          g_ptr_array_add (words, g_strndup (start, p - start));
          start = NULL;
        }
      if (*p == '\0')
        break;
    }
  pieces = g_strsplit_set (folded, " \t\"(),", -1);
  for (guint i = 0; pieces[i] != NULL; i++)
    if (*pieces[i] != '\0' && !g_ptr_array_find_with_equal_func (words, pieces[i], g_str_equal, NULL))
      g_ptr_array_add (words, g_strdup (pieces[i]));
}

/* --- reading messages into the book -------------------------------------------------- */

/* One address's part of a batch. */
typedef struct
{
  char   *address;
  char   *name;
  gint64  name_date;
  gint64  written;
  gint64  seen;
  gint64  last_date;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->address);
  g_free (entry->name);
  g_free (entry);
}

static GHashTable *
entries_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
}

static void
note (GHashTable *entries,
      const char *name,
      const char *address,
      gint64      date,
      gboolean    written)
{
  g_autofree char *key = NULL;
  Entry *entry;

  if (address == NULL || strchr (address, '@') == NULL)
    return;
  key = g_utf8_strdown (address, -1);
  entry = g_hash_table_lookup (entries, key);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->address = g_strdup (address);
      entry->last_date = G_MININT64;
      entry->name_date = G_MININT64;
      g_hash_table_insert (entries, g_steal_pointer (&key), entry);
    }
  entry->seen++;
  entry->written += written ? 1 : 0;
  if (date >= entry->last_date)
    {
      entry->last_date = date;
      g_free (entry->address);
      entry->address = g_strdup (address);
    }
  /* The latest name it came with: people change how they sign. */
  if (name != NULL && *name != '\0' && date >= entry->name_date)
    {
      entry->name_date = date;
      g_free (entry->name);
      entry->name = g_strdup (name);
    }
}

static void
note_list (GHashTable          *entries,
           InternetAddressList *list,
           gint64               date,
           gboolean             written)
{
  int n = list != NULL ? internet_address_list_length (list) : 0;

  for (int i = 0; i < n; i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (address))
        note_list (entries, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)),
                   date, written);
      else
        note (entries, internet_address_get_name (address),
              internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)), date, written);
    }
}

static void
note_text (GHashTable *entries,
           const char *text,
           gint64      date,
           gboolean    written)
{
  InternetAddressList *list;

  if (text == NULL || *text == '\0')
    return;
  list = internet_address_list_parse (NULL, text);
  if (list == NULL)
    return;
  note_list (entries, list, date, written);
  g_object_unref (list);
}

static gboolean
add_words (KabarStoreConnection  *connection,
           gint64                 address_id,
           const Entry           *entry,
           GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT OR IGNORE INTO address_book_words (word, address_id) "
                                    "VALUES (?1, ?2)",
                                    error);
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);

  if (stmt == NULL)
    return FALSE;
  g_ptr_array_add (words, fold (entry->address));
  add_name_words (words, entry->name);
  for (guint i = 0; i < words->len; i++)
    {
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (words, i), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, address_id);
      if (!kabar_store_statement_run (stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

/* A batch's counts add to the book's; the latest name and spelling win. */
static gboolean
merge_entry (KabarStoreConnection  *connection,
             const char            *key,
             const Entry           *entry,
             GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO address_book "
                                    "  (address_key, address, name, written, seen, last_date) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                    "ON CONFLICT (address_key) DO UPDATE SET "
                                    "  written = written + excluded.written, "
                                    "  seen = seen + excluded.seen, "
                                    "  name = CASE WHEN excluded.name IS NOT NULL "
                                    "    AND (name IS NULL OR excluded.last_date >= last_date) "
                                    "    THEN excluded.name ELSE name END, "
                                    "  address = CASE WHEN excluded.last_date >= last_date "
                                    "    THEN excluded.address ELSE address END, "
                                    "  last_date = max (last_date, excluded.last_date) "
                                    "RETURNING id",
                                    error);
  gboolean has_row = FALSE;
  gint64 address_id;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, entry->address, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, entry->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, entry->written);
  sqlite3_bind_int64 (stmt, 5, entry->seen);
  sqlite3_bind_int64 (stmt, 6, entry->last_date);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  address_id = sqlite3_column_int64 (stmt, 0);
  /* RETURNING's row is only complete once the statement ran to its end. */
  if (has_row && !kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  return add_words (connection, address_id, entry, error);
}

static gboolean
merge_entries (KabarStoreConnection  *connection,
               GHashTable            *entries,
               GError               **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!merge_entry (connection, key, value, error))
      return FALSE;
  return TRUE;
}

typedef struct
{
  guint read;
} Batch;

/* The user's own address is the From of what is in Sent and Drafts, and
 * Junk's senders are nobody to write to: those Froms are left out. */
static gboolean
read_batch (KabarStoreConnection  *connection,
            gpointer               data,
            GError               **error)
{
  Batch *batch = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT m.id, f.role, m.from_name, m.from_address, "
                                    "  m.to_list, m.cc_list, m.date "
                                    "FROM messages AS m JOIN folders AS f ON f.id = m.folder_id "
                                    "WHERE m.id > (SELECT last_message_id FROM address_book_state) "
                                    "ORDER BY m.id LIMIT ?1",
                                    error);
  g_autoptr(KabarStoreStatement) mark = NULL;
  g_autoptr(GHashTable) entries = entries_new ();
  gboolean has_row = FALSE;
  gboolean stepped;
  gint64 last_id = 0;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, BATCH_MESSAGES);
  batch->read = 0;
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      const char *role = (const char *) sqlite3_column_text (stmt, 1);
      gboolean sent = g_strcmp0 (role, "sent") == 0;
      gint64 date = sqlite3_column_int64 (stmt, 6);

      last_id = sqlite3_column_int64 (stmt, 0);
      batch->read++;
      if (!sent && g_strcmp0 (role, "drafts") != 0 && g_strcmp0 (role, "junk") != 0)
        note (entries, (const char *) sqlite3_column_text (stmt, 2),
              (const char *) sqlite3_column_text (stmt, 3), date, FALSE);
      note_text (entries, (const char *) sqlite3_column_text (stmt, 4), date, sent);
      note_text (entries, (const char *) sqlite3_column_text (stmt, 5), date, sent);
    }
  if (!stepped)
    return FALSE;
  if (batch->read == 0)
    return TRUE;
  if (!merge_entries (connection, entries, error))
    return FALSE;
  mark = kabar_store_connection_prepare (connection,
                                         "UPDATE address_book_state SET last_message_id = ?1",
                                         error);
  if (mark == NULL)
    return FALSE;
  sqlite3_bind_int64 (mark, 1, last_id);
  return kabar_store_statement_run (mark, error);
}

gboolean
kabar_store_address_book_update (KabarStore    *self,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  Batch batch = { 0 };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  do
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, read_batch, &batch, error))
        {
          g_prefix_error (error, "Could not update the address book: ");
          return FALSE;
        }
    }
  while (batch.read == BATCH_MESSAGES);
  return TRUE;
}

typedef struct
{
  InternetAddressList *recipients;
  gint64 date;
} Written;

static gboolean
write_written (KabarStoreConnection  *connection,
               gpointer               data,
               GError               **error)
{
  Written *written = data;
  g_autoptr(GHashTable) entries = entries_new ();

  note_list (entries, written->recipients, written->date, TRUE);
  return merge_entries (connection, entries, error);
}

gboolean
kabar_store_address_book_note_written (KabarStore           *self,
                                       InternetAddressList  *recipients,
                                       gint64                date,
                                       GError              **error)
{
  Written written = { recipients, date };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (IS_INTERNET_ADDRESS_LIST (recipients), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_written, &written, error);
}

/* --- completing ---------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *words;
  guint limit;
  GPtrArray *matches;
  /* How many of matches, at their start, the user wrote to. */
  guint n_written;
} Query;

/* The words of what the user typed, each folded as a whole: "ann@ex"
 * matches the address, "ann" a name's word. */
static GPtrArray *
query_words (const char *prefix)
{
  g_autofree char *folded = fold (prefix);
  g_auto(GStrv) pieces = g_strsplit_set (folded, " \t,;", -1);
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; pieces[i] != NULL && words->len < MAX_QUERY_WORDS; i++)
    if (*pieces[i] != '\0')
      g_ptr_array_add (words, g_strdup (pieces[i]));
  return words;
}

/* The first string after every one that starts with word: its last byte
 * one higher (no UTF-8 byte is 0xFF, so it never carries). */
static char *
upper_bound (const char *word)
{
  char *bound = g_strdup (word);
  gsize length = strlen (bound);

  bound[length - 1] = (char) ((guchar) bound[length - 1] + 1);
  return bound;
}

void
kabar_store_address_words_add_name (GPtrArray  *words,
                                    const char *name)
{
  add_name_words (words, name);
}

void
kabar_store_address_words_add_address (GPtrArray  *words,
                                       const char *address)
{
  char *folded;

  if (address == NULL || *address == '\0')
    return;
  folded = fold (address);
  if (g_ptr_array_find_with_equal_func (words, folded, g_str_equal, NULL))
    g_free (folded);
  else
    g_ptr_array_add (words, folded);
}

GPtrArray *
kabar_store_address_query_words (const char *query)
{
  return query_words (query);
}

char *
kabar_store_address_word_bound (const char *word)
{
  return upper_bound (word);
}

/* Static: the connection keeps prepared statements by their text's address. */
#define WORD_MATCH(lower, upper) \
  "a.id IN (SELECT address_id FROM address_book_words WHERE word >= ?" #lower " AND word < ?" #upper ") "
#define SELECT_MATCHES "SELECT a.name, a.address, a.written > 0 FROM address_book AS a WHERE "
#define ORDER_MATCHES "ORDER BY a.written > 0 DESC, a.seen DESC, a.last_date DESC, a.id LIMIT ?1"

static const char * const query_sql[MAX_QUERY_WORDS] = {
  SELECT_MATCHES WORD_MATCH (2, 3) ORDER_MATCHES,
  SELECT_MATCHES WORD_MATCH (2, 3) "AND " WORD_MATCH (4, 5) ORDER_MATCHES,
  SELECT_MATCHES WORD_MATCH (2, 3) "AND " WORD_MATCH (4, 5) "AND " WORD_MATCH (6, 7) ORDER_MATCHES,
  SELECT_MATCHES WORD_MATCH (2, 3) "AND " WORD_MATCH (4, 5) "AND " WORD_MATCH (6, 7)
    "AND " WORD_MATCH (8, 9) ORDER_MATCHES,
};

static gboolean
read_matches (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  Query *query = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, query_sql[query->words->len - 1], error);
  g_autoptr(GPtrArray) bounds = g_ptr_array_new_with_free_func (g_free);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, query->limit);
  for (guint i = 0; i < query->words->len; i++)
    {
      const char *word = g_ptr_array_index (query->words, i);
      char *bound = upper_bound (word);

      g_ptr_array_add (bounds, bound);
      sqlite3_bind_text (stmt, 2 * i + 2, word, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2 * i + 3, bound, -1, SQLITE_STATIC);
    }
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      KabarAddressMatch *match = g_new0 (KabarAddressMatch, 1);

      match->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      match->address = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      g_ptr_array_add (query->matches, match);
      if (sqlite3_column_int (stmt, 2) != 0)
        query->n_written++;
    }
  return stepped;
}

/* Adds match unless its address is in already (taken either way). */
static void
add_match (GPtrArray         *matches,
           GHashTable        *seen,
           KabarAddressMatch *match)
{
  char *key = g_utf8_strdown (match->address, -1);

  if (g_hash_table_contains (seen, key))
    {
      g_free (key);
      kabar_address_match_free (match);
      return;
    }
  g_hash_table_add (seen, key);
  g_ptr_array_add (matches, match);
}

/* The book's matches the user wrote to, then the addresses of the
 * contacts that match, then the rest of the book's. */
static GPtrArray *
merge_contacts (KabarStore  *self,
                const char  *prefix,
                GPtrArray   *book,
                guint        n_written,
                guint        limit,
                GError     **error)
{
  g_autoptr(GPtrArray) contacts = kabar_store_organizer_list_contacts (self, prefix, error);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *matches;

  if (contacts == NULL)
    return NULL;
  matches = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_address_match_free);
  for (guint i = 0; i < n_written; i++)
    add_match (matches, seen, kabar_address_match_copy (g_ptr_array_index (book, i)));
  for (guint i = 0; i < contacts->len; i++)
    {
      KabarContact *contact = g_ptr_array_index (contacts, i);

      for (guint j = 0; contact->addresses[j] != NULL; j++)
        {
          KabarAddressMatch *match = g_new0 (KabarAddressMatch, 1);

          if (*contact->addresses[j] == '\0')
            {
              g_free (match);
              continue;
            }
          match->name = *contact->display_name != '\0' ? g_strdup (contact->display_name) : NULL;
          match->address = g_strdup (contact->addresses[j]);
          add_match (matches, seen, match);
        }
    }
  for (guint i = n_written; i < book->len; i++)
    add_match (matches, seen, kabar_address_match_copy (g_ptr_array_index (book, i)));
  if (matches->len > limit)
    g_ptr_array_set_size (matches, limit);
  return matches;
}

GPtrArray *
kabar_store_address_book_complete (KabarStore   *self,
                                   const char   *prefix,
                                   guint         limit,
                                   GError      **error)
{
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  Query query;

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);
  g_return_val_if_fail (prefix != NULL, NULL);

  matches = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_address_match_free);
  words = query_words (prefix);
  if (words->len == 0 || limit == 0)
    return g_steal_pointer (&matches);
  query = (Query) { words, limit, matches, 0 };
  if (!kabar_store_read (self, read_matches, &query, error))
    {
      g_prefix_error (error, "Could not complete “%s”: ", prefix);
      return NULL;
    }
  return merge_contacts (self, prefix, matches, query.n_written, limit, error);
}
