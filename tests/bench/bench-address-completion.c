/* bench-address-completion.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Address completion on a large store: the time to build the address book
 * from the messages (once, on a worker, the first time it is asked for),
 * to bring it up to date after a sync's batch of new mail, and per query
 * for prefixes of one to four letters. Not a test: it prints figures.
 *
 *   bench-address-completion [--count N] [--people N] [--dir DIR]
 */

#include "config.h"

#include <glib/gstdio.h>

#include "kabar-store.h"
#include "kabar-store-addresses.h"

static const char * const first_names[] = {
  "Alice", "Budi", "Chandra", "Dewi", "Eka", "Farhan", "Gita", "Hendra",
  "Indra", "Joko", "Kavya", "Lakshmi", "Maya", "Nadia", "Omar", "Priya",
  "Élodie", "Ünal", "देवी", "राहुल",
};

static const char * const last_names[] = {
  "Santoso", "Wijaya", "Sharma", "Gupta", "Pratama", "Kusuma", "Patel",
  "Hartono", "Singh", "Rahman", "Nugroho", "Iyer", "Smith", "Garcia",
};

static const char * const domains[] = {
  "outlook.com", "example.co.id", "mail.example.in", "corp.example.com",
  "hotmail.co.uk", "kabar.example.org",
};

static const char * const prefixes[] = {
  "a", "b", "s", "d", "bu", "sa", "ma", "gu", "bud", "san", "mai", "रा", "budi", "sant", "elod", "देवी",
};

static char *
person (GRand *rand,
        guint  people)
{
  guint n = g_rand_int_range (rand, 0, people);
  const char *first = first_names[n % G_N_ELEMENTS (first_names)];
  const char *last = last_names[(n / G_N_ELEMENTS (first_names)) % G_N_ELEMENTS (last_names)];

  return g_strdup_printf ("%s %s <%c%s.%u@%s>", first, last, g_ascii_tolower (last[0]),
                          last + 1, n, domains[n % G_N_ELEMENTS (domains)]);
}

static KabarMessageSummary *
make_summary (GRand   *rand,
              guint32  uid,
              guint    people)
{
  KabarMessageSummary *summary = kabar_message_summary_new ();
  g_autofree char *from = person (rand, people);
  g_autofree char *to = person (rand, people);
  g_autofree char *cc = person (rand, people);
  char *open = strchr (from, '<');

  summary->uid = uid;
  summary->date = summary->internal_date = 1700000000 + uid * 60;
  summary->size = 4000;
  summary->subject = g_strdup_printf ("Message %u", uid);
  summary->from_name = g_strndup (from, open - from - 1);
  summary->from_address = g_strndup (open + 1, strlen (open + 1) - 1);
  summary->to = uid % 3 == 0 ? g_strdup_printf ("%s, %s", to, cc) : g_strdup (to);
  summary->cc = uid % 5 == 0 ? g_strdup (cc) : NULL;
  summary->message_id = g_strdup_printf ("bench-%u@example.com", uid);
  return summary;
}

static void
insert (KabarStore *store,
        gint64      folder_id,
        GRand      *rand,
        guint32     first_uid,
        guint       count,
        guint       people)
{
  g_autoptr(GError) error = NULL;

  for (guint done = 0; done < count;)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
      guint n = MIN (500, count - done);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (batch, make_summary (rand, first_uid + done + i, people));
      if (!kabar_store_insert_summaries (store, folder_id, batch, &error))
        g_error ("Insert: %s", error->message);
      done += n;
    }
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  int count = 100000;
  int people = 20000;
  g_autofree char *dir = NULL;
  GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Messages in the store", "N" },
    { "people", 0, 0, G_OPTION_ARG_INT, &people, "Distinct addresses to draw from", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Where to make the store", "DIR" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- address completion figures");
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autoptr(KabarStore) store = NULL;
  gint64 inbox, start;
  double total_ms = 0;
  guint queries = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  g_mime_init ();

  folder = g_build_filename (dir != NULL ? dir : g_get_tmp_dir (), "bench-addresses-XXXXXX", NULL);
  if (g_mkdtemp (folder) == NULL)
    g_error ("Cannot make %s", folder);
  path = g_build_filename (folder, "store.db", NULL);
  store = kabar_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  inbox = kabar_store_upsert_folder (store, "INBOX", '/', NULL, KABAR_FOLDER_ROLE_INBOX, TRUE, &error);

  start = g_get_monotonic_time ();
  insert (store, inbox, rand, 1, count, people);
  g_print ("inserted %d messages in %.0f ms\n", count, ms_since (start));

  start = g_get_monotonic_time ();
  if (!kabar_store_address_book_update (store, NULL, &error))
    g_error ("%s", error->message);
  g_print ("built the address book in %.0f ms\n", ms_since (start));

  insert (store, inbox, rand, count + 1, 100, people);
  start = g_get_monotonic_time ();
  if (!kabar_store_address_book_update (store, NULL, &error))
    g_error ("%s", error->message);
  g_print ("updated it with 100 new messages in %.2f ms\n", ms_since (start));

  for (guint round = 0; round < 10; round++)
    for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
      {
        g_autoptr(GPtrArray) matches = NULL;

        start = g_get_monotonic_time ();
        if (!kabar_store_address_book_update (store, NULL, &error))
          g_error ("%s", error->message);
        matches = kabar_store_address_book_complete (store, prefixes[i], 10, &error);
        if (matches == NULL)
          g_error ("%s", error->message);
        total_ms += ms_since (start);
        queries++;
        if (round == 0)
          g_print ("  %-6s %u matches, first %s\n", prefixes[i], matches->len,
                   matches->len > 0 ? ((KabarAddressMatch *) matches->pdata[0])->address : "-");
      }
  g_print ("%.3f ms per query (update and complete, limit 10, %u queries)\n", total_ms / queries, queries);

  g_clear_object (&store);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *file = g_strconcat (path, (const char *[]) { "", "-wal", "-shm" }[i], NULL);

      g_unlink (file);
    }
  g_rmdir (folder);
  return 0;
}
