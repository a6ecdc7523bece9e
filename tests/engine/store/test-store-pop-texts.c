/* test-store-pop-texts.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A POP download is stored with the summary of its header block, and its
 * text read later (version-008.sql): the list must show what a whole
 * parse would have shown, and once the texts are read, search, the
 * snippet and the attachment mark must be those of a whole parse, also
 * when the process died in between.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-mime-text.h"
#include "kabar-store.h"
#include "kabar-store-local.h"
#include "kabar-store-private.h"

typedef struct
{
  char *dir;
  char *path;
  KabarStore *store;
  gint64 inbox;
  gint64 archive;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = NULL;

  fixture->dir = g_dir_make_tmp ("kabar-store-pop-texts-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "store.db", NULL);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (kabar_store_ensure_local_folders (fixture->store, &error));
  folders = kabar_store_list_folders (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    {
      const KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->role == KABAR_FOLDER_ROLE_INBOX)
        fixture->inbox = folder->id;
      else if (folder->role == KABAR_FOLDER_ROLE_ARCHIVE)
        fixture->archive = folder->id;
    }
  g_assert_cmpint (fixture->inbox, !=, 0);
  g_assert_cmpint (fixture->archive, !=, 0);
}

static void
remove_store_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_remove (path);
  g_remove (wal);
  g_remove (shm);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  remove_store_files (fixture->path);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* The MIME corpus: every .eml of tests/data/mime, sorted by name. */
static GPtrArray *
read_corpus (GPtrArray **names)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "mime", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, &error);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".eml"))
      g_ptr_array_add (files, g_strdup (name));
  g_ptr_array_sort (files, (GCompareFunc) g_ascii_strcasecmp);
  g_assert_cmpuint (files->len, >=, 40);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *path = g_build_filename (dir_path, g_ptr_array_index (files, i), NULL);
      char *contents = NULL;
      gsize length = 0;

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      g_ptr_array_add (messages, g_bytes_new_take (contents, length));
    }
  *names = g_steal_pointer (&files);
  return messages;
}

static void
assert_same_summary (const char                *name,
                     const KabarMessageSummary *light,
                     const KabarMessageSummary *whole)
{
  g_test_message ("%s", name);
  g_assert_cmpuint (light->size, ==, whole->size);
  g_assert_cmpstr (light->subject, ==, whole->subject);
  g_assert_cmpint (light->date, ==, whole->date);
  g_assert_cmpstr (light->from_name, ==, whole->from_name);
  g_assert_cmpstr (light->from_address, ==, whole->from_address);
  g_assert_cmpstr (light->to, ==, whole->to);
  g_assert_cmpstr (light->cc, ==, whole->cc);
  g_assert_cmpstr (light->message_id, ==, whole->message_id);
  g_assert_cmpstr (light->in_reply_to, ==, whole->in_reply_to);
  g_assert_cmpstr (light->references, ==, whole->references);
  /* Never an attachment a whole parse does not see. */
  if (light->has_attachments)
    g_assert_true (whole->has_attachments);
}

/* What the list shows of a download, from its header block, is what a
 * whole GMime parse gives, over the whole MIME corpus (encoded words,
 * 8-bit headers in several charsets, groups, broken dates and ids). */
static void
test_header_summary_as_parsed (void)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) messages = read_corpus (&names);
  guint with_attachments = 0;

  for (guint i = 0; i < messages->len; i++)
    {
      GBytes *raw = g_ptr_array_index (messages, i);
      g_autoptr(KabarMessageSummary) light = kabar_store_summary_from_header_block (raw);
      g_autoptr(KabarMessageSummary) whole = kabar_store_summary_from_raw (raw);

      assert_same_summary (g_ptr_array_index (names, i), light, whole);
      with_attachments += whole->has_attachments;
    }
  g_assert_cmpuint (with_attachments, >, 0);
}

/* The address forms read without GMime and their near neighbours, which
 * must go through it: the list shows the same for each. */
static void
test_plain_addresses_as_parsed (void)
{
  static const char *const forms[] = {
    "budi@example.co.id",
    "Budi Santoso <budi@example.co.id>",
    "Budi<budi@example.co.id>",
    "<budi@example.co.id>",
    "  Dewi   Lestari  <dewi@example.in>  ",
    "Dewi Lestari <dewi@EXAMPLE.in>",
    "Dewi <dewi@xn--80ak6aa92e.com>",
    "Dewi <dewi@example..in>",
    "D. Lestari <dewi@example.in>",
    "\"Lestari, Dewi\" <dewi@example.in>",
    "Dewi (kantor) <dewi@example.in>",
    "=?UTF-8?B?0J/RgNC40LLQtdGC?= <privet@example.ru>",
    "Dewi <dewi@example.in>, Budi <budi@example.co.id>",
    "Tim: dewi@example.in, budi@example.co.id;",
    "Dewi\r\n <dewi@example.in>",
    "dewi.lestari+kabar@mail.example.in",
    ".dewi@example.in",
    "Dewi <dewi@example.in",
  };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    for (guint twice = 0; twice < 2; twice++)
      {
        g_autofree char *text =
          g_strdup_printf ("From: %s\r\nTo: %s\r\n%s%s%sSubject: Uji\r\n\r\nIsi.\r\n",
                           forms[i], forms[i], twice ? "Cc: " : "", twice ? forms[i] : "",
                           twice ? "\r\nTo: Budi <budi@example.co.id>\r\n" : "");
        g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
        g_autoptr(KabarMessageSummary) light = kabar_store_summary_from_header_block (raw);
        g_autoptr(KabarMessageSummary) whole = kabar_store_summary_from_raw (raw);

        assert_same_summary (forms[i], light, whole);
      }
}

static GBytes *
make_message (const char *uidl,
              gboolean    attached)
{
  g_autofree char *text = NULL;

  if (!attached)
    text = g_strdup_printf ("From: Budi <budi@example.co.id>\r\n"
                            "To: Dewi <dewi@example.in>\r\n"
                            "Subject: Catatan %s\r\n"
                            "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
                            "Message-ID: <%s@example.co.id>\r\n"
                            "Content-Type: text/plain; charset=utf-8\r\n"
                            "\r\n"
                            "Rapat pagi %s dipindah ke ruang utama.\r\n",
                            uidl, uidl, uidl);
  else
    text = g_strdup_printf ("From: Budi <budi@example.co.id>\r\n"
                            "To: Dewi <dewi@example.in>\r\n"
                            "Subject: Laporan %s\r\n"
                            "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
                            "Message-ID: <%s@example.co.id>\r\n"
                            "MIME-Version: 1.0\r\n"
                            "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
                            "\r\n"
                            "--b\r\n"
                            "Content-Type: text/plain; charset=utf-8\r\n"
                            "\r\n"
                            "Anggaran kuartal %s terlampir.\r\n"
                            "--b\r\n"
                            "Content-Type: application/pdf\r\n"
                            "Content-Disposition: attachment; filename=\"laporan.pdf\"\r\n"
                            "Content-Transfer-Encoding: base64\r\n"
                            "\r\n"
                            "JVBERi0xLjQK\r\n"
                            "--b--\r\n",
                            uidl, uidl, uidl);
  return g_bytes_new (text, strlen (text));
}

/* Stores n downloads, odd ones with an attachment: uidl "uN". */
static void
store_downloads (Fixture *fixture,
                 guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autofree KabarPopDownload *downloads = g_new0 (KabarPopDownload, n);
  g_autoptr(GPtrArray) uidls = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (uidls, g_strdup_printf ("u%u", i));
      downloads[i].uidl = g_ptr_array_index (uidls, i);
      downloads[i].raw = make_message (downloads[i].uidl, i % 2 == 1);
    }
  g_assert_true (kabar_store_pop_add_messages (fixture->store, fixture->inbox, downloads, n, 0,
                                               1700000000, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (downloads[i].summary->id, >, 0);
      g_bytes_unref (downloads[i].raw);
      kabar_store_pop_download_clear (&downloads[i]);
    }
}

static guint
count_found (KabarStore *store,
             const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) found = kabar_store_search (store, query, 0, 1000, &error);

  g_assert_no_error (error);
  return found->len;
}

/* The list as the user sees it: each message once, and how many carry
 * the attachment mark and a snippet. */
static void
count_listed (KabarStore *store,
              gint64      folder_id,
              guint      *listed,
              guint      *attached,
              guint      *with_snippet)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = kabar_store_list_messages (store, folder_id, 0, 1000, &error);

  g_assert_no_error (error);
  *listed = summaries->len;
  *attached = 0;
  *with_snippet = 0;
  for (guint i = 0; i < summaries->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (summaries, i);

      *attached += summary->has_attachments;
      if (summary->preview != NULL)
        {
          g_assert_true (g_str_has_prefix (summary->preview, "Rapat pagi u")
                         || g_str_has_prefix (summary->preview, "Anggaran kuartal u"));
          (*with_snippet)++;
        }
    }
}

/* Reads them all, step at a time; returns the folders it said changed
 * (gint64). */
static GArray *
read_all_texts (KabarStore *store,
                guint       step,
                guint       expected)
{
  g_autoptr(GError) error = NULL;
  GArray *folder_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint total = 0;
  guint read = 0;

  do
    {
      g_assert_true (kabar_store_read_pending_texts (store, step, &read, folder_ids, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (read, <=, step);
      total += read;
    }
  while (read > 0);
  g_assert_cmpuint (total, ==, expected);
  return folder_ids;
}

static gboolean
has_folder (GArray *folder_ids,
            gint64  folder_id)
{
  for (guint i = 0; i < folder_ids->len; i++)
    if (g_array_index (folder_ids, gint64, i) == folder_id)
      return TRUE;
  return FALSE;
}

/* The uid the list shows for the message downloaded as uidl. */
static guint32
uid_of (Fixture    *fixture,
        const char *uidl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = kabar_store_list_messages (fixture->store, fixture->inbox, 0,
                                                               1000, &error);
  g_autofree char *message_id = g_strdup_printf ("%s@example.co.id", uidl);

  g_assert_no_error (error);
  for (guint i = 0; i < summaries->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (summaries, i);

      if (g_strcmp0 (summary->message_id, message_id) == 0)
        return summary->uid;
    }
  g_error ("%s is not listed in INBOX", uidl);
}

/* Listed at once, with subjects and senders; searchable by their body,
 * with snippets and attachment marks, once the texts are read. */
static void
test_texts_read_later (Fixture       *fixture,
                       gconstpointer  data)
{
  guint listed, attached, with_snippet;
  g_autoptr(GArray) changed = NULL;

  store_downloads (fixture, 30);
  count_listed (fixture->store, fixture->inbox, &listed, &attached, &with_snippet);
  g_assert_cmpuint (listed, ==, 30);
  g_assert_cmpuint (with_snippet, ==, 0);
  g_assert_cmpuint (count_found (fixture->store, "kuartal"), ==, 0);
  g_assert_cmpuint (count_found (fixture->store, "rapat"), ==, 0);

  changed = read_all_texts (fixture->store, 7, 30);
  /* The list of INBOX is told its snippets changed, and only it. */
  g_assert_cmpuint (changed->len, ==, 1);
  g_assert_true (has_folder (changed, fixture->inbox));
  count_listed (fixture->store, fixture->inbox, &listed, &attached, &with_snippet);
  g_assert_cmpuint (listed, ==, 30);
  g_assert_cmpuint (attached, ==, 15);
  g_assert_cmpuint (with_snippet, ==, 30);
  g_assert_cmpuint (count_found (fixture->store, "kuartal"), ==, 15);
  g_assert_cmpuint (count_found (fixture->store, "rapat"), ==, 15);
  /* The header's words as well, once each. */
  g_assert_cmpuint (count_found (fixture->store, "laporan"), ==, 15);
  g_assert_cmpuint (count_found (fixture->store, "budi"), ==, 30);
  /* Nothing is left to read, and no list is told anything. */
  g_clear_pointer (&changed, g_array_unref);
  changed = read_all_texts (fixture->store, 7, 0);
  g_assert_cmpuint (changed->len, ==, 0);
}

/* The process dies after the download's commit, before any text is read:
 * the store opened again knows what is left, and reading it makes every
 * message searchable. A message deleted meanwhile is no trouble. */
static void
test_texts_after_a_crash (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  guint listed, attached, with_snippet;
  guint32 uid;

  store_downloads (fixture, 20);
  /* What a crash leaves: the committed transaction, nothing after it. */
  g_clear_object (&fixture->store);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_found (fixture->store, "kuartal"), ==, 0);

  summaries = kabar_store_list_messages (fixture->store, fixture->inbox, 0, 1, &error);
  g_assert_no_error (error);
  uid = ((KabarMessageSummary *) g_ptr_array_index (summaries, 0))->uid;
  g_assert_cmpint (kabar_store_change_delete (fixture->store, fixture->inbox, &uid, 1, &error),
                   >, 0);
  g_assert_no_error (error);
  g_assert_true (kabar_store_complete_pending_locally (fixture->store, &error));
  g_assert_no_error (error);

  g_array_unref (read_all_texts (fixture->store, 500, 19));
  count_listed (fixture->store, fixture->inbox, &listed, &attached, &with_snippet);
  g_assert_cmpuint (listed, ==, 19);
  g_assert_cmpuint (with_snippet, ==, 19);
  g_assert_cmpuint (count_found (fixture->store, "kuartal") + count_found (fixture->store, "rapat"),
                    ==, 19);
  g_assert_cmpuint (count_found (fixture->store, "budi"), ==, 19);
}

/* The user files mail away before its text is read: a copy made and
 * completed (as the POP service completes it at once), and a move still
 * waiting to be completed when the texts are read. Each message in
 * Archive gets its snippet, attachment mark and place in search, as
 * its original in INBOX does, and the lists of both folders are told. */
static void
test_texts_of_copies (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) changed = NULL;
  guint listed, attached, with_snippet;
  guint32 copied, moved;

  store_downloads (fixture, 4);
  copied = uid_of (fixture, "u1");
  moved = uid_of (fixture, "u3");
  g_assert_cmpint (kabar_store_change_copy (fixture->store, fixture->inbox, &copied, 1,
                                            fixture->archive, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (kabar_store_complete_pending_locally (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kabar_store_change_move (fixture->store, fixture->inbox, &moved, 1,
                                            fixture->archive, &error), >, 0);
  g_assert_no_error (error);

  changed = read_all_texts (fixture->store, 2, 6);
  g_assert_true (has_folder (changed, fixture->inbox));
  g_assert_true (has_folder (changed, fixture->archive));
  g_assert_true (kabar_store_complete_pending_locally (fixture->store, &error));
  g_assert_no_error (error);

  count_listed (fixture->store, fixture->archive, &listed, &attached, &with_snippet);
  g_assert_cmpuint (listed, ==, 2);
  g_assert_cmpuint (attached, ==, 2);
  g_assert_cmpuint (with_snippet, ==, 2);
  count_listed (fixture->store, fixture->inbox, &listed, &attached, &with_snippet);
  g_assert_cmpuint (listed, ==, 3);
  g_assert_cmpuint (attached, ==, 1);
  g_assert_cmpuint (with_snippet, ==, 3);
  /* u1 twice (INBOX and its copy), u3 once (moved). */
  g_assert_cmpuint (count_found (fixture->store, "kuartal"), ==, 3);
  g_assert_cmpuint (count_found (fixture->store, "rapat"), ==, 2);
  g_array_unref (read_all_texts (fixture->store, 2, 0));
}

/* A message of the conversation "Proyek": uidl, its Message-ID, and the
 * message it answers by In-Reply-To or, with an ancestor further up, by
 * References alone. */
static GBytes *
make_reply (const char *uidl,
            const char *in_reply_to,
            const char *references)
{
  g_autofree char *text =
    g_strdup_printf ("From: Budi <budi@example.co.id>\r\n"
                     "To: Dewi <dewi@example.in>\r\n"
                     "Subject: Re: Proyek\r\n"
                     "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
                     "Message-ID: <%s@example.co.id>\r\n"
                     "%s%s%s"
                     "%s%s%s"
                     "\r\n"
                     "Balasan %s.\r\n",
                     uidl,
                     in_reply_to != NULL ? "In-Reply-To: <" : "",
                     in_reply_to != NULL ? in_reply_to : "", in_reply_to != NULL ? ">\r\n" : "",
                     references != NULL ? "References: " : "",
                     references != NULL ? references : "", references != NULL ? "\r\n" : "",
                     uidl);

  return g_bytes_new (text, strlen (text));
}

static void
store_one (Fixture    *fixture,
           const char *uidl,
           GBytes     *raw)
{
  g_autoptr(GError) error = NULL;
  KabarPopDownload download = { uidl, raw, NULL };

  g_assert_true (kabar_store_pop_add_messages (fixture->store, fixture->inbox, &download, 1, 0,
                                               1700000000, &error));
  g_assert_no_error (error);
  kabar_store_pop_download_clear (&download);
  g_bytes_unref (raw);
}

/* The rows of INBOX as conversations, as the list shows them. */
static GPtrArray *
list_conversations (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = kabar_store_list_entries (fixture->store, fixture->inbox,
                                                 KABAR_MESSAGE_SORT_DATE_NEWEST, TRUE, 0, 100,
                                                 NULL, &error);

  g_assert_no_error (error);
  return entries;
}

/* The download stores each message in a conversation of its own, and the
 * text pass joins it to the rest. The process dies between the two, in
 * three downloads: a reply that came before its parent, the parent, a
 * reply naming the first message by References only, each in its own
 * transaction, plus an unrelated message and a copy made before the pass.
 * Opened again, the next check's pass puts the four "Proyek" messages in
 * one conversation, the copy with them, and the other stays apart. */
static void
test_conversations_after_a_crash (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) thread = NULL;
  g_autoptr(GArray) changed = NULL;
  guint32 copied;

  store_one (fixture, "p2", make_reply ("p2", "p1", "<p0@example.co.id> <p1@example.co.id>"));
  store_one (fixture, "p1", make_reply ("p1", "p0", "<p0@example.co.id>"));
  store_one (fixture, "p0", make_reply ("p0", NULL, NULL));
  store_one (fixture, "p3", make_reply ("p3", NULL, "<p0@example.co.id>"));
  store_one (fixture, "other", make_message ("other", FALSE));
  copied = uid_of (fixture, "p3");
  g_assert_cmpint (kabar_store_change_copy (fixture->store, fixture->inbox, &copied, 1,
                                            fixture->archive, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (kabar_store_complete_pending_locally (fixture->store, &error));
  g_assert_no_error (error);

  /* What a crash leaves: the committed transactions, nothing after them. */
  g_clear_object (&fixture->store);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);

  changed = read_all_texts (fixture->store, 2, 6);
  g_assert_true (has_folder (changed, fixture->inbox));
  entries = list_conversations (fixture);
  g_assert_cmpuint (entries->len, ==, 2);
  for (guint i = 0; i < entries->len; i++)
    {
      const KabarMessageListEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->summary->subject, "Re: Proyek") == 0)
        {
          g_assert_cmpuint (entry->n_messages, ==, 4);
          thread = kabar_store_list_thread (fixture->store, entry->summary->thread_id, &error);
          g_assert_no_error (error);
        }
      else
        g_assert_cmpuint (entry->n_messages, ==, 1);
    }
  /* The reading pane's conversation: the four and the copy in Archive. */
  g_assert_nonnull (thread);
  g_assert_cmpuint (thread->len, ==, 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/pop-texts/header-summary-as-parsed", test_header_summary_as_parsed);
  g_test_add_func ("/store/pop-texts/plain-addresses-as-parsed", test_plain_addresses_as_parsed);
  g_test_add ("/store/pop-texts/read-later", Fixture, NULL, fixture_set_up,
              test_texts_read_later, fixture_tear_down);
  g_test_add ("/store/pop-texts/after-a-crash", Fixture, NULL, fixture_set_up,
              test_texts_after_a_crash, fixture_tear_down);
  g_test_add ("/store/pop-texts/copies", Fixture, NULL, fixture_set_up,
              test_texts_of_copies, fixture_tear_down);
  g_test_add ("/store/pop-texts/conversations-after-a-crash", Fixture, NULL, fixture_set_up,
              test_conversations_after_a_crash, fixture_tear_down);
  return g_test_run ();
}
