/* test-store-list.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The message list's pages from a real store: each sort, conversations
 * (their counts, UIDs, newest summary and flags), hidden messages left
 * out, the boundaries of pages, a folder that changes between pages, and
 * the sort keys of rows from before schema version 6.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-store.h"
#include "kabar-store-private.h"
#include "kabar-test-files.h"

#define BASE_DATE 1760000000

typedef struct
{
  char *dir;
  char *path;
  KabarStore *store;
  gint64 inbox;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = g_build_filename (base != NULL ? base : g_get_tmp_dir (),
                                                "store-list-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;

  fixture->dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "store.sqlite3", NULL);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  fixture->inbox = kabar_store_upsert_folder (fixture->store, "INBOX", '/', NULL,
                                              KABAR_FOLDER_ROLE_INBOX, TRUE, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  kabar_test_remove_directory (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* A message: uid, minutes after BASE_DATE, sender, subject, and the
 * thread it answers (a uid of the same batch, 0 for none). */
typedef struct
{
  guint32     uid;
  guint       minutes;
  const char *name;
  const char *address;
  const char *subject;
  guint32     answers;
  KabarMessageFlags flags;
} Message;

static char *
message_id_of (guint32 uid)
{
  return g_strdup_printf ("m%u@list.example", uid);
}

static KabarMessageSummary *
summary_of (const Message *message)
{
  KabarMessageSummary *summary = kabar_message_summary_new ();

  summary->uid = message->uid;
  summary->flags = message->flags;
  summary->date = BASE_DATE + (gint64) message->minutes * 60;
  summary->internal_date = summary->date;
  summary->subject = g_strdup (message->subject);
  summary->from_name = g_strdup (message->name);
  summary->from_address = g_strdup (message->address);
  summary->message_id = message_id_of (message->uid);
  if (message->answers != 0)
    {
      summary->in_reply_to = message_id_of (message->answers);
      summary->references = g_strdup_printf ("<%s>", summary->in_reply_to);
    }
  summary->preview = g_strdup_printf ("Preview of %u", message->uid);
  return summary;
}

static void
insert (KabarStore    *store,
        gint64         folder_id,
        const Message *messages,
        gsize          n_messages)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < n_messages; i++)
    g_ptr_array_add (batch, summary_of (&messages[i]));
  g_assert_true (kabar_store_insert_summaries (store, folder_id, batch, &error));
  g_assert_no_error (error);
}

static GPtrArray *
list (KabarStore       *store,
      gint64            folder_id,
      KabarMessageSort  sort,
      gboolean          conversations,
      guint             offset,
      guint             limit,
      guint            *n_rows)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = kabar_store_list_entries (store, folder_id, sort, conversations, offset, limit,
                                                 n_rows, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static KabarMessageListEntry *
entry_at (GPtrArray *entries,
          guint      i)
{
  return g_ptr_array_index (entries, i);
}

/* The UIDs of the rows' summaries, "3 1 2". */
static char *
row_uids (GPtrArray *entries)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? " " : "", entry_at (entries, i)->summary->uid);
  return g_string_free (text, FALSE);
}

static void
assert_order (KabarStore       *store,
              gint64            folder_id,
              KabarMessageSort  sort,
              gboolean          conversations,
              const char       *expected)
{
  guint n_rows = 0;
  g_autoptr(GPtrArray) entries = list (store, folder_id, sort, conversations, 0, 1000, &n_rows);
  g_autofree char *uids = row_uids (entries);

  g_assert_cmpstr (uids, ==, expected);
  g_assert_cmpuint (n_rows, ==, entries->len);
}

/* --- sort keys ------------------------------------------------------------------------ */

static void
test_keys_sender (void)
{
  struct { const char *name, *address, *key; } cases[] = {
    { "Ayu Pratiwi", "ayu@example.org", "ayu pratiwi" },
    { "AYU PRATIWI", NULL, "ayu pratiwi" },
    { "\"Budi\"", "budi@example.org", "budi\"" },
    { "", "Rahul@Example.IN", "rahul@example.in" },
    { NULL, NULL, "" },
    { "  ", "x@example.org", "x@example.org" },
    { "Straße", NULL, "strasse" },
    { "ＡＢＣ", NULL, "abc" },
    { "सुनीता शर्मा", NULL, "सुनीता शर्मा" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = kabar_store_sender_key (cases[i].name, cases[i].address);

      g_assert_cmpstr (key, ==, cases[i].key);
    }
}

static void
test_keys_subject (void)
{
  struct { const char *subject, *key; } cases[] = {
    { "Rapat tim", "rapat tim" },
    { "Re: Rapat tim", "rapat tim" },
    { "RE: re:  Rapat tim", "rapat tim" },
    { "Fwd: Re: Rapat tim", "rapat tim" },
    { "FW: Rapat tim", "rapat tim" },
    { "AW: WG: Rapat tim", "rapat tim" },
    { "Balas: Rapat tim", "rapat tim" },
    { "BLS: TRS: Rapat tim", "rapat tim" },
    { "Re[2]: Rapat tim", "rapat tim" },
    { "Re (3): Rapat tim", "re (3): rapat tim" },
    { "Re :Rapat tim", "rapat tim" },
    { "उत्तर: बैठक", "बैठक" },
    /* Words that only start like a prefix stay. */
    { "Rework the plan", "rework the plan" },
    { "Reply needed: budget", "reply needed: budget" },
    { "Fwding rules", "fwding rules" },
    { "Re:", "" },
    { NULL, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = kabar_store_subject_key (cases[i].subject);

      g_assert_cmpstr (key, ==, cases[i].key);
    }
}

static void
test_sort_names (void)
{
  for (KabarMessageSort sort = KABAR_MESSAGE_SORT_DATE_NEWEST; sort <= KABAR_MESSAGE_SORT_SUBJECT; sort++)
    g_assert_cmpint (kabar_message_sort_from_string (kabar_message_sort_to_string (sort)), ==, sort);
  g_assert_cmpstr (kabar_message_sort_to_string (KABAR_MESSAGE_SORT_SENDER), ==, "sender");
  g_assert_cmpint (kabar_message_sort_from_string ("date-oldest"), ==, KABAR_MESSAGE_SORT_DATE_OLDEST);
  g_assert_cmpint (kabar_message_sort_from_string ("bogus"), ==, KABAR_MESSAGE_SORT_DATE_NEWEST);
  g_assert_cmpint (kabar_message_sort_from_string (NULL), ==, KABAR_MESSAGE_SORT_DATE_NEWEST);
}

/* --- sorted messages -------------------------------------------------------------------- */

/* A small INBOX: a thread of three (1, 4, 6), a thread of two (2, 5),
 * and two alone (3, 7). Minutes give the dates. */
static const Message mailbox[] = {
  { 1, 10, "Ayu Pratiwi", "ayu@example.org", "Rapat tim", 0, KABAR_MESSAGE_FLAG_SEEN },
  { 2, 20, "rahul sharma", "rahul@example.in", "Slides", 0, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED },
  { 3, 30, NULL, "zeta@example.org", "alpha news", 0, 0 },
  { 4, 40, "Budi Santoso", "budi@example.org", "Re: Rapat tim", 1, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_ANSWERED },
  { 5, 50, "Ayu Pratiwi", "ayu@example.org", "RE: Slides", 2, KABAR_MESSAGE_FLAG_SEEN },
  { 6, 60, "Chandra", "chandra@example.org", "Balas: Re: Rapat tim", 4, KABAR_MESSAGE_FLAG_SEEN },
  { 7, 60, "ayu pratiwi", "ayu@example.org", "Budget", 0, KABAR_MESSAGE_FLAG_SEEN },
};

static void
test_messages_each_sort (Fixture       *fixture,
                         gconstpointer  data)
{
  insert (fixture->store, fixture->inbox, mailbox, G_N_ELEMENTS (mailbox));

  /* Same date (6 and 7): the higher UID first, as the list always did. */
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, FALSE, "7 6 5 4 3 2 1");
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_OLDEST, FALSE, "1 2 3 4 5 6 7");
  /* Ayu (7, 5, 1 newest first, whatever the case), Budi, Chandra, Rahul,
   * then the address of the one without a name. */
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_SENDER, FALSE, "7 5 1 4 6 2 3");
  /* alpha, Budget, Rapat tim (6, 4, 1 with their prefixes), Slides. */
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_SUBJECT, FALSE, "3 7 6 4 1 5 2");
}

static void
test_messages_entries_carry_uids (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  guint n_rows = 0;

  insert (fixture->store, fixture->inbox, mailbox, G_N_ELEMENTS (mailbox));
  entries = list (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, FALSE, 0, 3, &n_rows);
  g_assert_cmpuint (n_rows, ==, 7);
  g_assert_cmpuint (entries->len, ==, 3);
  for (guint i = 0; i < entries->len; i++)
    {
      KabarMessageListEntry *entry = entry_at (entries, i);

      g_assert_cmpuint (entry->n_messages, ==, 1);
      g_assert_cmpuint (entry->n_uids, ==, 1);
      g_assert_cmpuint (entry->uids[0], ==, entry->summary->uid);
    }
  g_assert_cmpstr (entry_at (entries, 1)->summary->preview, ==, "Preview of 6");
  g_assert_cmpstr (entry_at (entries, 1)->summary->from_name, ==, "Chandra");
}

/* --- conversations ---------------------------------------------------------------------- */

static void
test_conversations_group_threads (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  KabarMessageListEntry *entry;
  guint n_rows = 0;

  insert (fixture->store, fixture->inbox, mailbox, G_N_ELEMENTS (mailbox));
  entries = list (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, 0, 100, &n_rows);
  g_assert_cmpuint (n_rows, ==, 4);
  g_assert_cmpuint (entries->len, ==, 4);

  /* The thread of three, shown by its newest (6), with all three UIDs. */
  entry = entry_at (entries, 1);
  g_assert_cmpuint (entry->summary->uid, ==, 6);
  g_assert_cmpstr (entry->summary->subject, ==, "Balas: Re: Rapat tim");
  g_assert_cmpstr (entry->summary->preview, ==, "Preview of 6");
  g_assert_cmpuint (entry->n_messages, ==, 3);
  g_assert_cmpuint (entry->n_uids, ==, 3);
  g_assert_cmpuint (entry->uids[0], ==, 1);
  g_assert_cmpuint (entry->uids[1], ==, 4);
  g_assert_cmpuint (entry->uids[2], ==, 6);
  /* Read, and answered since one of them (4) was. */
  g_assert_true (entry->summary->flags & KABAR_MESSAGE_FLAG_SEEN);
  g_assert_true (entry->summary->flags & KABAR_MESSAGE_FLAG_ANSWERED);
  g_assert_false (entry->summary->flags & KABAR_MESSAGE_FLAG_FLAGGED);

  /* 7 has the same date as 6, and a higher UID: first. */
  entry = entry_at (entries, 0);
  g_assert_cmpuint (entry->summary->uid, ==, 7);
  g_assert_cmpuint (entry->n_messages, ==, 1);
  g_assert_cmpuint (entry->n_uids, ==, 1);

  /* Slides: flagged because its first message is. */
  entry = entry_at (entries, 2);
  g_assert_cmpuint (entry->summary->uid, ==, 5);
  g_assert_cmpuint (entry->n_messages, ==, 2);
  g_assert_true (entry->summary->flags & KABAR_MESSAGE_FLAG_FLAGGED);
  g_assert_true (entry->summary->flags & KABAR_MESSAGE_FLAG_SEEN);

  /* Alone and unread. */
  entry = entry_at (entries, 3);
  g_assert_cmpuint (entry->summary->uid, ==, 3);
  g_assert_false (entry->summary->flags & KABAR_MESSAGE_FLAG_SEEN);
}

static void
test_conversations_each_sort (Fixture       *fixture,
                              gconstpointer  data)
{
  insert (fixture->store, fixture->inbox, mailbox, G_N_ELEMENTS (mailbox));

  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, "7 6 5 3");
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_OLDEST, TRUE, "3 5 6 7");
  /* By the newest message's sender: Ayu (7, then 5), Chandra (6), zeta. */
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_SENDER, TRUE, "7 5 6 3");
  /* By the newest message's subject without prefixes. */
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_SUBJECT, TRUE, "3 7 6 5");
}

static void
test_conversations_unread_if_any_is (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint32 first = 1;

  insert (fixture->store, fixture->inbox, mailbox, G_N_ELEMENTS (mailbox));
  g_assert_cmpint (kabar_store_change_flags (fixture->store, fixture->inbox, &first, 1, 0,
                                             KABAR_MESSAGE_FLAG_SEEN, &error), >, 0);
  g_assert_no_error (error);

  entries = list (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, 0, 100, NULL);
  g_assert_cmpuint (entry_at (entries, 1)->summary->uid, ==, 6);
  g_assert_false (entry_at (entries, 1)->summary->flags & KABAR_MESSAGE_FLAG_SEEN);
}

/* Only the thread's messages in this folder count; a copy elsewhere and
 * messages hidden by a pending move are left out. */
static void
test_conversations_this_folder_only (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) archive_entries = NULL;
  gint64 archive = kabar_store_upsert_folder (fixture->store, "Archive", '/', NULL,
                                              KABAR_FOLDER_ROLE_ARCHIVE, TRUE, &error);
  const Message archived[] = {
    { 40, 70, "Ana", "ana@example.org", "Re: Rapat tim", 6, KABAR_MESSAGE_FLAG_SEEN },
  };
  guint32 moved = 4;
  guint n_rows = 0;

  g_assert_no_error (error);
  insert (fixture->store, fixture->inbox, mailbox, G_N_ELEMENTS (mailbox));
  insert (fixture->store, archive, archived, 1);

  /* 4 moves to the archive: hidden here, provisional there. */
  g_assert_cmpint (kabar_store_change_move (fixture->store, fixture->inbox, &moved, 1, archive, &error), >, 0);
  g_assert_no_error (error);

  entries = list (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, 0, 100, &n_rows);
  g_assert_cmpuint (n_rows, ==, 4);
  g_assert_cmpuint (entry_at (entries, 1)->summary->uid, ==, 6);
  g_assert_cmpuint (entry_at (entries, 1)->n_messages, ==, 2);
  g_assert_cmpuint (entry_at (entries, 1)->n_uids, ==, 2);
  g_assert_cmpuint (entry_at (entries, 1)->uids[0], ==, 1);
  g_assert_cmpuint (entry_at (entries, 1)->uids[1], ==, 6);
  /* The only answered one went. */
  g_assert_false (entry_at (entries, 1)->summary->flags & KABAR_MESSAGE_FLAG_ANSWERED);

  /* In the archive: 40 and the provisional copy of 4, which has no UID
   * yet, in one conversation. */
  archive_entries = list (fixture->store, archive, KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, 0, 100, &n_rows);
  g_assert_cmpuint (n_rows, ==, 1);
  g_assert_cmpuint (entry_at (archive_entries, 0)->summary->uid, ==, 40);
  g_assert_cmpuint (entry_at (archive_entries, 0)->n_messages, ==, 2);
  g_assert_cmpuint (entry_at (archive_entries, 0)->n_uids, ==, 1);
  g_assert_cmpuint (entry_at (archive_entries, 0)->uids[0], ==, 40);

  /* Messages: the same rows, without the hidden one. */
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_SENDER, FALSE, "7 5 1 6 2 3");
  /* The provisional copy has the keys of its source: by
   * sender, Ana before Budi (without a key, the copy would come first). */
  {
    g_autoptr(GPtrArray) by_sender = list (fixture->store, archive, KABAR_MESSAGE_SORT_SENDER, FALSE,
                                           0, 10, NULL);

    g_assert_cmpuint (by_sender->len, ==, 2);
    g_assert_cmpuint (entry_at (by_sender, 0)->summary->uid, ==, 40);
    g_assert_cmpstr (entry_at (by_sender, 1)->summary->from_name, ==, "Budi Santoso");
    g_assert_cmpuint (entry_at (by_sender, 1)->summary->uid, ==, 0);
    g_assert_cmpuint (entry_at (by_sender, 1)->n_uids, ==, 0);
  }
}

/* New mail in a thread moves it to the top: what was kept of the folder
 * is not used once the store changed. */
static void
test_conversations_follow_changes (Fixture       *fixture,
                                   gconstpointer  data)
{
  const Message answer[] = {
    { 8, 90, "Rahul Sharma", "rahul@example.in", "Re: Slides", 5, 0 },
  };
  const Message other[] = {
    { 9, 100, "Eka", "eka@example.org", "Lunch", 0, 0 },
  };
  g_autoptr(GPtrArray) entries = NULL;
  guint n_rows = 0;
  KabarUidRange gone = { 3, 3 };
  g_autoptr(GError) error = NULL;

  insert (fixture->store, fixture->inbox, mailbox, G_N_ELEMENTS (mailbox));
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, "7 6 5 3");
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_SUBJECT, TRUE, "3 7 6 5");

  insert (fixture->store, fixture->inbox, answer, 1);
  entries = list (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, 0, 1, &n_rows);
  g_assert_cmpuint (n_rows, ==, 4);
  g_assert_cmpuint (entry_at (entries, 0)->summary->uid, ==, 8);
  g_assert_cmpuint (entry_at (entries, 0)->n_messages, ==, 3);
  g_assert_false (entry_at (entries, 0)->summary->flags & KABAR_MESSAGE_FLAG_SEEN);
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, "8 7 6 3");
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_SUBJECT, TRUE, "3 7 6 8");

  insert (fixture->store, fixture->inbox, other, 1);
  g_assert_true (kabar_store_delete_messages (fixture->store, fixture->inbox, &gone, 1, &error));
  g_assert_no_error (error);
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, "9 8 7 6");
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_OLDEST, TRUE, "6 7 8 9");
}

/* --- pages --------------------------------------------------------------------------------- */

/* n threads of two messages each, one folder; thread t's messages are
 * UIDs 2t+1 and 2t+2, their senders and subjects in reverse order of
 * their dates. */
static void
fill_threads (Fixture *fixture,
              guint    n)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) messages = g_array_new (FALSE, TRUE, sizeof (Message));

  for (guint t = 0; t < n; t++)
    {
      char *name = g_strdup_printf ("Sender %05u", n - t);
      Message first = { 2 * t + 1, 2 * t, name, "s@example.org", name, 0, KABAR_MESSAGE_FLAG_SEEN };
      Message second = { 2 * t + 2, 2 * t + 1, name, "s@example.org", name, 2 * t + 1, 0 };

      g_ptr_array_add (names, name);
      g_array_append_val (messages, first);
      g_array_append_val (messages, second);
    }
  insert (fixture->store, fixture->inbox, (const Message *) messages->data, messages->len);
}

static void
assert_pages (Fixture          *fixture,
              KabarMessageSort  sort,
              gboolean          conversations,
              guint             n_expected)
{
  guint seen = 0;
  guint32 previous = 0;

  for (guint offset = 0; offset <= n_expected + 200; offset += 200)
    {
      guint n_rows = 0;
      g_autoptr(GPtrArray) page = list (fixture->store, fixture->inbox, sort, conversations, offset, 200,
                                        &n_rows);

      g_assert_cmpuint (n_rows, ==, n_expected);
      g_assert_cmpuint (page->len, ==, offset >= n_expected ? 0 : MIN (200, n_expected - offset));
      for (guint i = 0; i < page->len; i++)
        {
          guint32 uid = entry_at (page, i)->summary->uid;

          /* Every sort of these puts newer UIDs first but date-oldest,
           * which goes the other way: no row twice, none missed. */
          if (seen > 0)
            {
              if (sort == KABAR_MESSAGE_SORT_DATE_OLDEST)
                g_assert_cmpuint (uid, >, previous);
              else
                g_assert_cmpuint (uid, <, previous);
            }
          if (conversations)
            {
              g_assert_cmpuint (entry_at (page, i)->n_messages, ==, 2);
              g_assert_cmpuint (uid % 2, ==, 0);
              g_assert_cmpuint (entry_at (page, i)->uids[0], ==, uid - 1);
            }
          previous = uid;
          seen++;
        }
    }
  g_assert_cmpuint (seen, ==, n_expected);
}

static void
test_pages_boundaries (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) empty = NULL;
  g_autoptr(GPtrArray) count_only = NULL;
  guint n_rows = 0;

  fill_threads (fixture, 225);
  for (KabarMessageSort sort = KABAR_MESSAGE_SORT_DATE_NEWEST; sort <= KABAR_MESSAGE_SORT_SUBJECT; sort++)
    {
      g_test_message ("sort %s", kabar_message_sort_to_string (sort));
      assert_pages (fixture, sort, FALSE, 450);
      assert_pages (fixture, sort, TRUE, 225);
    }

  /* A page that asks for nothing still counts. */
  count_only = list (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_SENDER, TRUE, 0, 0, &n_rows);
  g_assert_cmpuint (count_only->len, ==, 0);
  g_assert_cmpuint (n_rows, ==, 225);
  empty = list (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_SUBJECT, TRUE, 224, 200, &n_rows);
  g_assert_cmpuint (empty->len, ==, 1);
  g_assert_cmpuint (entry_at (empty, 0)->summary->uid, ==, 2);
}

static void
test_pages_unknown_folder (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = kabar_store_list_entries (fixture->store, 999, KABAR_MESSAGE_SORT_DATE_NEWEST,
                                                           TRUE, 0, 10, NULL, &error);

  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_assert_null (entries);
}

/* Rows from before version 6 have no keys: the store gives them theirs
 * when it opens. */
static void
test_keys_filled_on_open (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  insert (fixture->store, fixture->inbox, mailbox, G_N_ELEMENTS (mailbox));
  g_assert_true (kabar_store_exec_for_testing (fixture->store,
                                               "UPDATE messages SET sender_key = NULL, subject_key = NULL",
                                               &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->store);

  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_SENDER, FALSE, "7 5 1 4 6 2 3");
  assert_order (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_SUBJECT, FALSE, "3 7 6 4 1 5 2");
}

/* The snippet: the start of the text, once the body is here. */
static void
test_preview_from_body (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(KabarMessageSummary) summary = summary_of (&mailbox[2]);
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static ("Subject: x\r\n\r\nHalo", 19);
  g_autoptr(GError) error = NULL;
  g_autofree char *long_text = g_strnfill (1000, 'a');

  g_clear_pointer (&summary->preview, g_free);
  g_ptr_array_add (batch, summary);
  g_assert_true (kabar_store_insert_summaries (fixture->store, fixture->inbox, batch, &error));
  g_assert_no_error (error);
  before = list (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, 0, 1, NULL);
  g_assert_null (entry_at (before, 0)->summary->preview);

  g_assert_true (kabar_store_set_body (fixture->store, summary->id, raw, "Halo semua,\nrapat besok.", &error));
  g_assert_no_error (error);
  after = list (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, 0, 1, NULL);
  g_assert_cmpstr (entry_at (after, 0)->summary->preview, ==, "Halo semua,\nrapat besok.");

  /* The body's text as read again does not move it; a long text is cut. */
  g_assert_true (kabar_store_set_body (fixture->store, summary->id, raw, long_text, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = list (fixture->store, fixture->inbox, KABAR_MESSAGE_SORT_DATE_NEWEST, FALSE, 0, 1, NULL);
  g_assert_cmpstr (entry_at (after, 0)->summary->preview, ==, "Halo semua,\nrapat besok.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store-list/keys/sender", test_keys_sender);
  g_test_add_func ("/store-list/keys/subject", test_keys_subject);
  g_test_add_func ("/store-list/keys/sort-names", test_sort_names);
  g_test_add ("/store-list/keys/filled-on-open", Fixture, NULL,
              fixture_set_up, test_keys_filled_on_open, fixture_tear_down);
  g_test_add ("/store-list/messages/each-sort", Fixture, NULL,
              fixture_set_up, test_messages_each_sort, fixture_tear_down);
  g_test_add ("/store-list/messages/entries-carry-uids", Fixture, NULL,
              fixture_set_up, test_messages_entries_carry_uids, fixture_tear_down);
  g_test_add ("/store-list/conversations/group-threads", Fixture, NULL,
              fixture_set_up, test_conversations_group_threads, fixture_tear_down);
  g_test_add ("/store-list/conversations/each-sort", Fixture, NULL,
              fixture_set_up, test_conversations_each_sort, fixture_tear_down);
  g_test_add ("/store-list/conversations/unread-if-any-is", Fixture, NULL,
              fixture_set_up, test_conversations_unread_if_any_is, fixture_tear_down);
  g_test_add ("/store-list/conversations/this-folder-only", Fixture, NULL,
              fixture_set_up, test_conversations_this_folder_only, fixture_tear_down);
  g_test_add ("/store-list/conversations/follow-changes", Fixture, NULL,
              fixture_set_up, test_conversations_follow_changes, fixture_tear_down);
  g_test_add ("/store-list/pages/boundaries", Fixture, NULL,
              fixture_set_up, test_pages_boundaries, fixture_tear_down);
  g_test_add ("/store-list/preview/from-body", Fixture, NULL,
              fixture_set_up, test_preview_from_body, fixture_tear_down);
  g_test_add ("/store-list/pages/unknown-folder", Fixture, NULL,
              fixture_set_up, test_pages_unknown_folder, fixture_tear_down);

  return g_test_run ();
}
