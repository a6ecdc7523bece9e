/* bench-store-insert.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How fast the store takes a large folder, and how big it gets: inserts
 * summaries of realistic sizes in the sync's batches, then reads the UID
 * to flags map, changes a few flags, pages the list and searches. Not a
 * test: it prints figures, to compare before and after a change.
 *
 *   bench-store-insert [--count N] [--batch N] [--preview] [--dir DIR]
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/resource.h>

#include "kabar-store.h"

static const char * const words[] = {
  "meeting", "invoice", "project", "update", "report", "schedule", "review",
  "quarterly", "budget", "proposal", "agenda", "minutes", "deadline",
  "contract", "design", "release", "notes", "weekly", "team", "customer",
  "berita", "rapat", "laporan", "anggaran", "jadwal", "proyek", "tagihan",
  "समाचार", "बैठक", "रिपोर्ट", "draft", "final", "urgent", "question",
  "follow", "about", "tomorrow", "today", "next", "week", "plan", "launch",
};

static const char * const first_names[] = {
  "Alice", "Budi", "Chandra", "Dewi", "Eka", "Farhan", "Gita", "Hendra",
  "Indra", "Joko", "Kavya", "Lakshmi", "Maya", "Nadia", "Omar", "Priya",
};

static const char * const last_names[] = {
  "Santoso", "Wijaya", "Sharma", "Gupta", "Pratama", "Kusuma", "Patel",
  "Hartono", "Singh", "Rahman", "Nugroho", "Iyer", "Smith", "Garcia",
};

static const char * const domains[] = {
  "outlook.com", "example.co.id", "mail.example.in", "corp.example.com",
  "hotmail.co.uk", "kabar.example.org",
};

typedef struct
{
  GRand *rand;
  GPtrArray *message_ids;
  GPtrArray *references;
  gboolean with_preview;
} Generator;

static const char *
pick (Generator          *gen,
      const char * const *list,
      gsize               length)
{
  return list[g_rand_int_range (gen->rand, 0, (gint32) length)];
}

#define PICK(gen, list) pick (gen, list, G_N_ELEMENTS (list))

static char *
make_words (Generator *gen,
            gsize      target_length)
{
  GString *text = g_string_new (NULL);

  while (text->len < target_length)
    g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", PICK (gen, words));
  text->str[0] = g_ascii_toupper (text->str[0]);
  return g_string_free (text, FALSE);
}

static void
make_person (Generator  *gen,
             char      **name,
             char      **address)
{
  const char *first = PICK (gen, first_names);
  const char *last = PICK (gen, last_names);
  g_autofree char *local = g_ascii_strdown (first, -1);
  g_autofree char *local_last = g_ascii_strdown (last, -1);

  *name = g_strdup_printf ("%s %s", first, last);
  *address = g_strdup_printf ("%s.%s@%s", local, local_last, PICK (gen, domains));
}

static char *
make_address_list (Generator *gen,
                   guint      count)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *address = NULL;

      make_person (gen, &name, &address);
      g_string_append_printf (list, "%s%s <%s>", i > 0 ? ", " : "", name, address);
    }
  return g_string_free (list, count == 0);
}

/* About half the messages answer an earlier one, as in a real inbox, so
 * the threading's lookups and References of several ids are exercised. */
static void
make_thread_headers (Generator           *gen,
                     KabarMessageSummary *summary,
                     guint                index)
{
  guint parent;
  const char *parent_references;

  if (index == 0 || g_rand_boolean (gen->rand))
    {
      g_ptr_array_add (gen->references, g_strdup (""));
      return;
    }
  parent = index - 1 - g_rand_int_range (gen->rand, 0, (gint32) MIN (index, 200));
  parent_references = g_ptr_array_index (gen->references, parent);
  summary->in_reply_to = g_strdup_printf ("<%s>", (char *) g_ptr_array_index (gen->message_ids, parent));
  /* Clients keep the first and the last few ids. */
  if (strlen (parent_references) > 400)
    parent_references = strchr (parent_references + strlen (parent_references) - 300, '<');
  summary->references = g_strdup_printf ("%s%s%s", parent_references,
                                         *parent_references != '\0' ? " " : "",
                                         summary->in_reply_to);
  g_ptr_array_add (gen->references, g_strdup (summary->references));
}

static KabarMessageSummary *
make_summary (Generator *gen,
              guint      index)
{
  KabarMessageSummary *summary = kabar_message_summary_new ();
  g_autofree char *subject = make_words (gen, 40 + g_rand_int_range (gen->rand, 0, 20));
  char *message_id = g_strdup_printf ("%08x%08x.%u@%s", g_rand_int (gen->rand),
                                      g_rand_int (gen->rand), index, PICK (gen, domains));

  summary->uid = index + 1;
  summary->flags = g_rand_int_range (gen->rand, 0, 10) < 8 ? KABAR_MESSAGE_FLAG_SEEN : 0;
  if (g_rand_int_range (gen->rand, 0, 20) == 0)
    summary->flags |= KABAR_MESSAGE_FLAG_FLAGGED;
  summary->internal_date = 1600000000 + (gint64) index * 600;
  summary->date = summary->internal_date - g_rand_int_range (gen->rand, 0, 300);
  summary->size = 2000 + g_rand_int_range (gen->rand, 0, 200000);
  make_person (gen, &summary->from_name, &summary->from_address);
  summary->to = make_address_list (gen, 1 + g_rand_int_range (gen->rand, 0, 3));
  summary->cc = make_address_list (gen, g_rand_int_range (gen->rand, 0, 3));
  summary->message_id = g_strdup_printf ("<%s>", message_id);
  g_ptr_array_add (gen->message_ids, message_id);
  make_thread_headers (gen, summary, index);
  summary->subject = summary->in_reply_to != NULL ? g_strdup_printf ("Re: %s", subject)
                                                  : g_steal_pointer (&subject);
  summary->has_attachments = g_rand_int_range (gen->rand, 0, 5) == 0;
  if (gen->with_preview)
    summary->preview = make_words (gen, 120);
  return summary;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* On a shared machine the wall clock counts the other processes too. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static goffset
file_size (const char *path)
{
  GStatBuf buf;

  return g_stat (path, &buf) == 0 ? buf.st_size : 0;
}

static double
insert_all (KabarStore *store,
            gint64      folder_id,
            GPtrArray  *summaries,
            guint       batch_size)
{
  gint64 start = g_get_monotonic_time ();

  for (guint first = 0; first < summaries->len; first += batch_size)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;

      for (guint i = first; i < MIN (first + batch_size, summaries->len); i++)
        g_ptr_array_add (batch, g_ptr_array_index (summaries, i));
      if (!kabar_store_insert_summaries (store, folder_id, batch, &error))
        g_error ("Inserting: %s", error->message);
    }
  return seconds_since (start);
}

static double
index_all (KabarStore *store)
{
  gint64 start = g_get_monotonic_time ();
  guint indexed;

  do
    {
      g_autoptr(GError) error = NULL;

      if (!kabar_store_index_pending (store, 500, &indexed, &error))
        g_error ("Indexing: %s", error->message);
    }
  while (indexed > 0);
  return seconds_since (start);
}

static void
measure_reads (KabarStore *store,
               gint64      folder_id,
               guint       count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) map = NULL;
  g_autoptr(GPtrArray) first_page = NULL;
  g_autoptr(GPtrArray) last_page = NULL;
  g_autoptr(GArray) found = NULL;
  KabarFlagUpdate updates[10];
  gint64 start;

  start = g_get_monotonic_time ();
  map = kabar_store_get_uid_flags (store, folder_id, &error);
  g_assert_no_error (error);
  g_print ("UID to flags map (%u entries): %.1f ms\n", map->len, seconds_since (start) * 1000);

  for (guint i = 0; i < G_N_ELEMENTS (updates); i++)
    updates[i] = (KabarFlagUpdate) { 1 + i * (count / 10), KABAR_MESSAGE_FLAG_FLAGGED, NULL, 1000 + i };
  start = g_get_monotonic_time ();
  kabar_store_update_flags (store, folder_id, updates, G_N_ELEMENTS (updates), &error);
  g_assert_no_error (error);
  g_print ("10 flag changes, one call: %.2f ms\n", seconds_since (start) * 1000);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (updates); i++)
    {
      updates[i].flags = KABAR_MESSAGE_FLAG_SEEN;
      kabar_store_update_flags (store, folder_id, &updates[i], 1, &error);
      g_assert_no_error (error);
    }
  g_print ("10 flag changes, a call each: %.2f ms\n", seconds_since (start) * 1000);

  start = g_get_monotonic_time ();
  first_page = kabar_store_list_messages (store, folder_id, 0, 100, &error);
  g_assert_no_error (error);
  g_print ("First page of 100: %.2f ms\n", seconds_since (start) * 1000);
  start = g_get_monotonic_time ();
  last_page = kabar_store_list_messages (store, folder_id, count > 100 ? count - 100 : 0, 100, &error);
  g_assert_no_error (error);
  g_print ("Last page of 100: %.2f ms\n", seconds_since (start) * 1000);

  start = g_get_monotonic_time ();
  found = kabar_store_search (store, "budget santoso", 0, 200, &error);
  g_assert_no_error (error);
  g_print ("Search \"budget santoso\" (first %u of the matches): %.2f ms\n", found->len,
           seconds_since (start) * 1000);
}

/* The message list's sorted pages and conversations
 * (kabar_store_list_entries()): the count alone, and pages of 200 at the
 * start, the middle and the end. A folder's conversations are worked out
 * at the first read after the store changed (here, a flag change), and
 * kept for the next reads: both are timed. */
static double
time_entries (KabarStore       *store,
              gint64            folder_id,
              KabarMessageSort  sort,
              gboolean          conversations,
              guint             offset,
              guint             limit,
              guint            *n_rows)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gint64 start = g_get_monotonic_time ();

  entries = kabar_store_list_entries (store, folder_id, sort, conversations, offset, limit, n_rows, &error);
  g_assert_no_error (error);
  return seconds_since (start) * 1000;
}

static void
measure_list_entries (KabarStore *store,
                      gint64      folder_id)
{
  /* The sender and subject sorts make their index when first used. */
  for (KabarMessageSort sort = KABAR_MESSAGE_SORT_SENDER; sort <= KABAR_MESSAGE_SORT_SUBJECT; sort++)
    g_print ("List %s, first use (makes its index): %.1f ms\n", kabar_message_sort_to_string (sort),
             time_entries (store, folder_id, sort, FALSE, 0, 200, NULL));

  for (KabarMessageSort sort = KABAR_MESSAGE_SORT_DATE_NEWEST; sort <= KABAR_MESSAGE_SORT_SUBJECT; sort++)
    for (int conversations = 0; conversations <= 1; conversations++)
      {
        KabarFlagUpdate touch = { 2, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED * (guint) sort,
                                  NULL, 5000 + (guint64) sort * 2 + (guint64) conversations };
        g_autoptr(GError) error = NULL;
        guint n_rows = 0;
        double count_cold, count_warm, first, middle, last;

        kabar_store_update_flags (store, folder_id, &touch, 1, &error);
        g_assert_no_error (error);
        count_cold = time_entries (store, folder_id, sort, conversations, 0, 0, &n_rows);
        count_warm = time_entries (store, folder_id, sort, conversations, 0, 0, &n_rows);
        first = time_entries (store, folder_id, sort, conversations, 0, 200, NULL);
        middle = time_entries (store, folder_id, sort, conversations, n_rows / 2, 200, NULL);
        last = time_entries (store, folder_id, sort, conversations, n_rows > 200 ? n_rows - 200 : 0, 200, NULL);
        g_print ("List %s%s (%u rows): count %.2f ms after a change, %.2f ms then; "
                 "pages of 200: first %.2f ms, middle %.2f ms, last %.2f ms\n",
                 kabar_message_sort_to_string (sort), conversations ? ", conversations" : "", n_rows,
                 count_cold, count_warm, first, middle, last);
      }
}

/* What an EXPUNGE of many and a new UIDVALIDITY cost the writer. */
static void
measure_deletes (KabarStore *store,
                 gint64      folder_id,
                 guint       count)
{
  g_autoptr(GError) error = NULL;
  KabarUidRange range = { 1, MIN (count, 1000) };
  gint64 start;

  start = g_get_monotonic_time ();
  kabar_store_delete_messages (store, folder_id, &range, 1, &error);
  g_assert_no_error (error);
  g_print ("Deleting %u messages by UID: %.1f ms\n", range.last, seconds_since (start) * 1000);

  start = g_get_monotonic_time ();
  kabar_store_reset_folder (store, folder_id, 2, &error);
  g_assert_no_error (error);
  g_print ("Resetting the folder (UIDVALIDITY changed): %.3f s\n", seconds_since (start));
}

int
main (int   argc,
      char *argv[])
{
  int count = 100000;
  int batch_size = 1000;
  gboolean with_preview = FALSE;
  g_autofree char *dir = NULL;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Messages to insert (100000)", "N" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch_size, "Messages a transaction (1000)", "N" },
    { "preview", 'p', 0, G_OPTION_ARG_NONE, &with_preview, "Give each message a 120-character preview", NULL },
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir, "Where to put the database (a new temporary folder)", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- measure the store");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(KabarStore) store = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal_path = NULL;
  Generator gen = { g_rand_new_with_seed (20261121), g_ptr_array_new_with_free_func (g_free),
                    g_ptr_array_new_with_free_func (g_free), FALSE };
  gint64 folder_id;
  double seconds, cpu;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (count <= 0 || batch_size <= 0)
    g_error ("--count and --batch must be positive");
  gen.with_preview = with_preview;
  if (dir == NULL && (dir = g_dir_make_tmp ("kabar-bench-XXXXXX", &error)) == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "store.sqlite3", NULL);
  wal_path = g_strconcat (path, "-wal", NULL);
  g_unlink (path);

  for (int i = 0; i < count; i++)
    g_ptr_array_add (summaries, make_summary (&gen, (guint) i));

  store = kabar_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  folder_id = kabar_store_upsert_folder (store, "INBOX", '/', NULL, KABAR_FOLDER_ROLE_INBOX, TRUE, &error);
  g_assert_no_error (error);

  cpu = cpu_seconds ();
  seconds = insert_all (store, folder_id, summaries, (guint) batch_size);
  cpu = cpu_seconds () - cpu;
  g_print ("Database: %s\n", path);
  g_print ("Inserted %d summaries in batches of %d%s: %.3f s (%.0f a second), CPU %.3f s\n",
           count, batch_size, with_preview ? ", with previews" : "", seconds, count / seconds, cpu);
  /* What the sync's store thread does after the inserts, in its idle
   * time and at the end of a folder's sync (kabar-sync-inserter.c). */
  cpu = cpu_seconds ();
  seconds = index_all (store);
  cpu = cpu_seconds () - cpu;
  g_print ("Indexed them for search, 500 a transaction: %.3f s, CPU %.3f s\n", seconds, cpu);
  measure_reads (store, folder_id, (guint) count);
  measure_list_entries (store, folder_id);
  g_print ("Write-ahead log: %.1f MB\n", file_size (wal_path) / 1e6);
  g_clear_object (&store);
  g_print ("Database file after closing: %.1f MB (%.0f bytes a message)\n",
           file_size (path) / 1e6, (double) file_size (path) / count);

  store = kabar_store_open (path, &error);
  g_assert_no_error (error);
  measure_deletes (store, folder_id, (guint) count);

  g_ptr_array_unref (gen.message_ids);
  g_ptr_array_unref (gen.references);
  g_rand_free (gen.rand);
  return 0;
}
