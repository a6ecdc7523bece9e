/* test-store-addresses.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Address completion from a store of thousands of messages: those the
 * user wrote to first, then the most frequent, then the latest; prefixes
 * of the address or of a word of the name, without case or accents; Junk's
 * senders and the user's own address as sender left out; new mail found
 * at the next update.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "kabar-store.h"
#include "kabar-store-addresses.h"
#include "kabar-test-files.h"

#define ME "Dewi Lestari <dewi@kabar.example>"
/* 2026-01-01, and a day. */
#define BASE_DATE G_GINT64_CONSTANT (1767225600)
#define DAY (24 * 60 * 60)
#define FILLER_MESSAGES 5000

typedef struct
{
  char       *dir;
  char       *path;
  KabarStore *store;
  gint64      inbox;
  gint64      sent;
  gint64      junk;
  guint32     next_uid;
  GPtrArray  *pending;
  gint64      pending_folder;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = g_build_filename (base != NULL ? base : g_get_tmp_dir (),
                                                "store-addresses-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;

  fixture->dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "store.sqlite3", NULL);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  fixture->inbox = kabar_store_upsert_folder (fixture->store, "INBOX", '/', NULL,
                                              KABAR_FOLDER_ROLE_INBOX, TRUE, &error);
  fixture->sent = kabar_store_upsert_folder (fixture->store, "Sent", '/', NULL,
                                             KABAR_FOLDER_ROLE_SENT, TRUE, &error);
  fixture->junk = kabar_store_upsert_folder (fixture->store, "Junk", '/', NULL,
                                             KABAR_FOLDER_ROLE_JUNK, TRUE, &error);
  g_assert_no_error (error);
  fixture->next_uid = 1;
  fixture->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char *suffixes[] = { "", "-wal", "-shm" };

  g_ptr_array_unref (fixture->pending);
  g_clear_object (&fixture->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (fixture->path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
flush (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  if (fixture->pending->len == 0)
    return;
  g_assert_true (kabar_store_insert_summaries (fixture->store, fixture->pending_folder,
                                               fixture->pending, &error));
  g_assert_no_error (error);
  g_ptr_array_set_size (fixture->pending, 0);
}

/* from is "Name <address>" or a bare address. */
static void
add_message (Fixture    *fixture,
             gint64      folder_id,
             const char *from,
             const char *to,
             const char *cc,
             gint64      date)
{
  KabarMessageSummary *summary = kabar_message_summary_new ();
  const char *open = strchr (from, '<');

  if (folder_id != fixture->pending_folder || fixture->pending->len >= 1000)
    flush (fixture);
  fixture->pending_folder = folder_id;
  summary->uid = fixture->next_uid++;
  summary->date = summary->internal_date = date;
  summary->subject = g_strdup_printf ("Message %u", summary->uid);
  if (open != NULL)
    {
      summary->from_name = g_strstrip (g_strndup (from, open - from));
      summary->from_address = g_strndup (open + 1, strlen (open + 1) - 1);
    }
  else
    summary->from_address = g_strdup (from);
  summary->to = g_strdup (to);
  summary->cc = g_strdup (cc);
  summary->message_id = g_strdup_printf ("%u.%" G_GINT64_FORMAT "@test.example", summary->uid, folder_id);
  g_ptr_array_add (fixture->pending, summary);
}

/* Thousands of messages from people whose names and addresses start with
 * neither "bu" nor "elo", among which the ones the tests look for. */
static void
add_mailbox (Fixture *fixture)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < FILLER_MESSAGES; i++)
    {
      guint person = g_rand_int_range (rand, 0, 800);
      g_autofree char *from = g_strdup_printf ("Orang %u <orang%u@filler.example>", person, person);
      g_autofree char *cc = g_strdup_printf ("Tim %u <tim%u@filler.example>", i % 40, i % 40);

      add_message (fixture, fixture->inbox, from, ME, cc, BASE_DATE + i * 60);
    }
  /* Often seen. */
  for (guint i = 0; i < 300; i++)
    add_message (fixture, fixture->inbox, "Budi Santoso <budi@kantor.example>", ME, NULL,
                 BASE_DATE + i * DAY / 10);
  /* As often as each other, one more lately; one by a word of the name,
   * one in Cc. */
  for (guint i = 0; i < 50; i++)
    {
      add_message (fixture, fixture->inbox, "Wahyu Buana <wahyu@kantor.example>", ME, NULL,
                   BASE_DATE + i * 60);
      add_message (fixture, fixture->inbox, "Rapat <rapat@kantor.example>", ME,
                   "\"Bulan, Ayu\" <ayu@kantor.example>", BASE_DATE + 30 * DAY + i * 60);
    }
  /* Seldom. */
  for (guint i = 0; i < 5; i++)
    add_message (fixture, fixture->inbox, "bursa@berita.example", ME, NULL, BASE_DATE);
  /* Written to twice, never written by: the user's own messages. */
  for (guint i = 0; i < 2; i++)
    add_message (fixture, fixture->sent, ME, "Bunga Citra <Bunga.Citra@teman.example>", NULL,
                 BASE_DATE + i * DAY);
  /* Accents, both ways. */
  add_message (fixture, fixture->inbox, "Élodie Ünver <elodie@paris.example>", ME, NULL,
               BASE_DATE + 2 * DAY);
  add_message (fixture, fixture->inbox, "Eloise Brown <eloise@london.example>", ME, NULL,
               BASE_DATE + DAY);
  /* Spam, however much of it. */
  for (guint i = 0; i < 1000; i++)
    add_message (fixture, fixture->junk, "Bujang Untung <bu@spam.example>", ME, NULL, BASE_DATE + i);
  flush (fixture);
}

static GPtrArray *
complete (Fixture    *fixture,
          const char *prefix,
          guint       limit)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *matches;

  g_assert_true (kabar_store_address_book_update (fixture->store, NULL, &error));
  g_assert_no_error (error);
  matches = kabar_store_address_book_complete (fixture->store, prefix, limit, &error);
  g_assert_no_error (error);
  g_assert_nonnull (matches);
  return matches;
}

/* The matches as "address" lines, to compare whole. */
static char *
addresses (GPtrArray *matches)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < matches->len; i++)
    {
      KabarAddressMatch *match = g_ptr_array_index (matches, i);

      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", match->address);
    }
  return g_string_free (text, FALSE);
}

static void
assert_completes (Fixture    *fixture,
                  const char *prefix,
                  guint       limit,
                  const char *expected)
{
  g_autoptr(GPtrArray) matches = complete (fixture, prefix, limit);
  g_autofree char *found = addresses (matches);

  g_assert_cmpstr (found, ==, expected);
}

static void
test_addresses_ranked (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) matches = NULL;
  KabarAddressMatch *match;

  add_mailbox (fixture);

  /* Written to first; then by count; equal counts by the latest date; a
   * word of the name as good as the address; Junk's sender nowhere. */
  assert_completes (fixture, "bu", 10,
                    "Bunga.Citra@teman.example budi@kantor.example ayu@kantor.example "
                    "wahyu@kantor.example bursa@berita.example");
  assert_completes (fixture, "bu", 2, "Bunga.Citra@teman.example budi@kantor.example");

  /* The name as the messages gave it. */
  matches = complete (fixture, "ayu", 10);
  g_assert_cmpuint (matches->len, ==, 1);
  match = g_ptr_array_index (matches, 0);
  g_assert_cmpstr (match->name, ==, "Bulan, Ayu");
  g_assert_cmpstr (match->address, ==, "ayu@kantor.example");
  g_clear_pointer (&matches, g_ptr_array_unref);
  matches = complete (fixture, "bursa", 10);
  g_assert_cmpuint (matches->len, ==, 1);
  g_assert_null (((KabarAddressMatch *) g_ptr_array_index (matches, 0))->name);

  /* The user's own address is no sender to complete: only the To of
   * others' messages names it. */
  assert_completes (fixture, "dewi", 10, "dewi@kabar.example");
}

static void
test_addresses_match_without_case_or_accents (Fixture       *fixture,
                                              gconstpointer  data)
{
  add_mailbox (fixture);

  assert_completes (fixture, "BUDI", 10, "budi@kantor.example");
  assert_completes (fixture, "budi@k", 10, "budi@kantor.example");
  assert_completes (fixture, "budi@x", 10, "");
  assert_completes (fixture, "santo", 10, "budi@kantor.example");
  assert_completes (fixture, "Budi San", 10, "budi@kantor.example");
  assert_completes (fixture, "bunga.c", 10, "Bunga.Citra@teman.example");
  assert_completes (fixture, "elo", 10, "elodie@paris.example eloise@london.example");
  assert_completes (fixture, "Élo", 10, "elodie@paris.example eloise@london.example");
  assert_completes (fixture, "unv", 10, "elodie@paris.example");
  assert_completes (fixture, "ÜNVER", 10, "elodie@paris.example");
  assert_completes (fixture, "", 10, "");
  assert_completes (fixture, "zz", 10, "");
}

/* How often the book counted an address, read straight from the file. */
static gint64
seen_count (Fixture    *fixture,
            const char *address_key)
{
  return kabar_test_store_file_int (fixture->path, "SELECT seen FROM address_book WHERE address_key = ?1",
                                    address_key);
}

/* Mail stored after a query is in the next one; what was read once is not
 * counted again. */
static void
test_addresses_new_mail_in_next_query (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  InternetAddressList *recipients = NULL;

  add_mailbox (fixture);
  assert_completes (fixture, "bul", 10, "ayu@kantor.example");

  add_message (fixture, fixture->inbox, "Bulan Baru <bulan.baru@kantor.example>", ME, NULL,
               BASE_DATE + 90 * DAY);
  flush (fixture);
  assert_completes (fixture, "bul", 10, "ayu@kantor.example bulan.baru@kantor.example");
  assert_completes (fixture, "bul", 10, "ayu@kantor.example bulan.baru@kantor.example");

  /* Wahyu's 51st message puts him ahead of Ayu's 50. */
  add_message (fixture, fixture->inbox, "Wahyu Buana <wahyu@kantor.example>", ME, NULL,
               BASE_DATE - DAY);
  flush (fixture);
  assert_completes (fixture, "bu", 10,
                    "Bunga.Citra@teman.example budi@kantor.example wahyu@kantor.example "
                    "ayu@kantor.example bursa@berita.example bulan.baru@kantor.example");
  /* After all these updates, each message was counted once. */
  g_assert_cmpint (seen_count (fixture, "budi@kantor.example"), ==, 300);
  g_assert_cmpint (seen_count (fixture, "wahyu@kantor.example"), ==, 51);

  /* A message queued to someone makes them one the user writes to. */
  recipients = internet_address_list_parse (NULL, "Bursa Efek <BURSA@berita.example>");
  g_assert_true (kabar_store_address_book_note_written (fixture->store, recipients,
                                                        BASE_DATE + 100 * DAY, &error));
  g_assert_no_error (error);
  g_object_unref (recipients);
  assert_completes (fixture, "bu", 3,
                    "BURSA@berita.example Bunga.Citra@teman.example budi@kantor.example");
  assert_completes (fixture, "efek", 3, "BURSA@berita.example");
}

/* A store closed and opened again keeps the book and where it stopped. */
static void
test_addresses_kept_across_restart (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  add_mailbox (fixture);
  assert_completes (fixture, "bu", 1, "Bunga.Citra@teman.example");
  g_clear_object (&fixture->store);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  assert_completes (fixture, "bu", 10,
                    "Bunga.Citra@teman.example budi@kantor.example ayu@kantor.example "
                    "wahyu@kantor.example bursa@berita.example");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

  g_test_add ("/store/addresses/ranked", Fixture, NULL,
              fixture_set_up, test_addresses_ranked, fixture_tear_down);
  g_test_add ("/store/addresses/match-without-case-or-accents", Fixture, NULL,
              fixture_set_up, test_addresses_match_without_case_or_accents, fixture_tear_down);
  g_test_add ("/store/addresses/new-mail-in-next-query", Fixture, NULL,
              fixture_set_up, test_addresses_new_mail_in_next_query, fixture_tear_down);
  g_test_add ("/store/addresses/kept-across-restart", Fixture, NULL,
              fixture_set_up, test_addresses_kept_across_restart, fixture_tear_down);

  return g_test_run ();
}
