/* test-graph-store.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A Graph account's store without a server: Graph's message JSON as the
 * list shows it (hostile JSON too), remote ids beside local uids, what a
 * delta page does to a folder, a full resync that keeps what the server
 * still has, and the replay's binding of a provisional row.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-graph-message.h"
#include "kabar-store.h"
#include "kabar-store-graph.h"
#include "kabar-test-files.h"

typedef struct
{
  char *dir;
  char *path;
  KabarStore *store;
  gint64 inbox;
  gint64 archive;
} Fixture;

static gint64
add_folder (KabarStore *store,
            const char *path,
            const char *remote_id)
{
  static const char * const none[] = { NULL };
  g_autoptr(GError) error = NULL;
  gint64 id = kabar_store_upsert_folder (store, path, '/', none, KABAR_FOLDER_ROLE_NONE, TRUE,
                                         &error);

  g_assert_no_error (error);
  g_assert_true (kabar_store_graph_bind_folder (store, id, remote_id, NULL, path, &error));
  g_assert_no_error (error);
  return id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = g_build_filename (base != NULL ? base : g_get_tmp_dir (),
                                                "graph-store-XXXXXX", NULL);

  fixture->dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "store.sqlite3", NULL);
  fixture->store = kabar_store_open (fixture->path, &error);
  g_assert_no_error (error);
  fixture->inbox = add_folder (fixture->store, "Inbox", "AAMkInbox=");
  fixture->archive = add_folder (fixture->store, "Archive", "AAMkArchive=");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  kabar_test_remove_directory (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A delta item as Graph sends it. */
static char *
message_json (const char *id,
              const char *subject,
              gboolean    read,
              gboolean    flagged)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"subject\":\"%s\","
                          "\"receivedDateTime\":\"2026-11-20T08:30:00Z\","
                          "\"sentDateTime\":\"2026-11-20T08:29:10Z\","
                          "\"isRead\":%s,\"isDraft\":false,"
                          "\"flag\":{\"flagStatus\":\"%s\"},"
                          "\"from\":{\"emailAddress\":{\"name\":\"Dewi Lestari\","
                          "\"address\":\"dewi@example.co.id\"}},"
                          "\"toRecipients\":[{\"emailAddress\":{\"name\":\"Budi\","
                          "\"address\":\"budi@example.in\"}}],"
                          "\"internetMessageId\":\"<%s@example.co.id>\","
                          "\"hasAttachments\":false,\"bodyPreview\":\"Halo\"}",
                          id, subject, read ? "true" : "false",
                          flagged ? "flagged" : "notFlagged", id);
}

/* Applies one page: messages as (id, subject, read, flagged) and removed ids. */
typedef struct
{
  const char *id;
  const char *subject;
  gboolean read;
  gboolean flagged;
} Item;

static void
apply (Fixture      *fixture,
       gint64        folder_id,
       const Item   *items,
       gsize         n_items,
       const char  **removed,
       GArray       *new_ids)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) summaries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < n_items; i++)
    {
      g_autofree char *json = message_json (items[i].id, items[i].subject, items[i].read,
                                            items[i].flagged);
      g_autoptr(JsonObject) object = parse_object (json);

      g_ptr_array_add (ids, (gpointer) items[i].id);
      g_ptr_array_add (summaries, kabar_graph_message_to_summary (object));
    }
  for (gsize i = 0; removed != NULL && removed[i] != NULL; i++)
    g_ptr_array_add (gone, (gpointer) removed[i]);
  g_assert_true (kabar_store_graph_apply_messages (fixture->store, folder_id, ids, summaries,
                                                   gone, new_ids, &error));
  g_assert_no_error (error);
}

/* "subject RF" per message of the folder, newest first: what the list shows. */
static char *
describe (KabarStore *store,
          gint64      folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = kabar_store_list_messages (store, folder_id, 0, 1000, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    {
      KabarMessageSummary *summary = g_ptr_array_index (messages, i);

      g_ptr_array_add (lines, g_strdup_printf ("%s %s%s", summary->subject,
                                               summary->flags & KABAR_MESSAGE_FLAG_SEEN ? "R" : "-",
                                               summary->flags & KABAR_MESSAGE_FLAG_FLAGGED ? "F" : "-"));
    }
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("; ", (char **) lines->pdata);
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static char *
describe_sorted (KabarStore *store,
                 gint64      folder_id)
{
  g_autofree char *text = describe (store, folder_id);
  g_auto(GStrv) parts = g_strsplit (text, "; ", -1);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL && *parts[i] != '\0'; i++)
    g_ptr_array_add (sorted, parts[i]);
  g_ptr_array_sort (sorted, compare_strings);
  g_ptr_array_add (sorted, NULL);
  return g_strjoinv ("; ", (char **) sorted->pdata);
}

static gint64
message_of (Fixture    *fixture,
            const char *remote_id)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kabar_store_graph_find_message (fixture->store, remote_id, &error);

  g_assert_no_error (error);
  return id;
}

static void
assert_counts (Fixture *fixture,
               gint64   folder_id,
               guint    total,
               guint    unread)
{
  g_autoptr(GError) error = NULL;
  guint got_total = 0, got_unread = 0;

  g_assert_true (kabar_store_count_messages (fixture->store, folder_id, &got_total, &got_unread,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got_total, ==, total);
  g_assert_cmpuint (got_unread, ==, unread);
}

/* Graph's JSON as the list shows it. */
static void
test_summary (void)
{
  g_autofree char *json = message_json ("AAMk1", "Rapat \\u00e9t\\u00e9", TRUE, TRUE);
  g_autoptr(JsonObject) object = parse_object (json);
  g_autoptr(KabarMessageSummary) summary = kabar_graph_message_to_summary (object);
  g_autoptr(GDateTime) received = g_date_time_new_utc (2026, 11, 20, 8, 30, 0);
  g_autoptr(GDateTime) sent = g_date_time_new_utc (2026, 11, 20, 8, 29, 10);

  g_assert_cmpstr (kabar_graph_message_get_id (object), ==, "AAMk1");
  g_assert_false (kabar_graph_message_is_removed (object));
  g_assert_cmpstr (summary->subject, ==, "Rapat été");
  g_assert_cmpstr (summary->from_name, ==, "Dewi Lestari");
  g_assert_cmpstr (summary->from_address, ==, "dewi@example.co.id");
  g_assert_cmpstr (summary->to, ==, "Budi <budi@example.in>");
  g_assert_null (summary->cc);
  g_assert_cmpint (summary->internal_date, ==, g_date_time_to_unix (received));
  g_assert_cmpint (summary->date, ==, g_date_time_to_unix (sent));
  g_assert_cmpint (summary->flags, ==, KABAR_MESSAGE_FLAG_SEEN | KABAR_MESSAGE_FLAG_FLAGGED);
  g_assert_cmpstr (summary->message_id, ==, "<AAMk1@example.co.id>");
  g_assert_cmpstr (summary->preview, ==, "Halo");
  g_assert_false (summary->has_attachments);
}

static void
test_summary_draft_and_removed (void)
{
  g_autoptr(JsonObject) draft =
    parse_object ("{\"id\":\"D1\",\"isDraft\":true,\"isRead\":false,\"hasAttachments\":true,"
                  "\"flag\":{\"flagStatus\":\"complete\"},\"size\":4096,"
                  "\"ccRecipients\":[{\"emailAddress\":{\"name\":\"Doe, J\","
                  "\"address\":\"j@example.com\"}},{\"emailAddress\":{\"address\":\"k@example.com\"}}],"
                  "\"receivedDateTime\":\"2026-01-02T03:04:05Z\"}");
  g_autoptr(JsonObject) removed = parse_object ("{\"id\":\"R1\",\"@removed\":{\"reason\":\"deleted\"}}");
  g_autoptr(KabarMessageSummary) summary = kabar_graph_message_to_summary (draft);

  g_assert_cmpint (summary->flags, ==, KABAR_MESSAGE_FLAG_DRAFT);
  g_assert_true (summary->has_attachments);
  g_assert_cmpuint (summary->size, ==, 4096);
  g_assert_cmpstr (summary->cc, ==, "\"Doe, J\" <j@example.com>, k@example.com");
  /* Without a sent date, the list orders by the received one. */
  g_assert_cmpint (summary->date, ==, summary->internal_date);
  g_assert_cmpint (summary->date, >, 0);
  g_assert_true (kabar_graph_message_is_removed (removed));
  g_assert_cmpstr (kabar_graph_message_get_id (removed), ==, "R1");
}

/* Missing fields, wrong types, huge strings: stored safely or refused. */
static void
test_summary_hostile (void)
{
  g_autoptr(GString) huge = g_string_new ("{\"id\":\"H1\",\"subject\":\"");
  g_autoptr(JsonObject) wrong = NULL;
  g_autoptr(JsonObject) big = NULL;
  g_autoptr(JsonObject) empty = parse_object ("{}");
  g_autoptr(KabarMessageSummary) from_wrong = NULL;
  g_autoptr(KabarMessageSummary) from_big = NULL;
  g_autoptr(KabarMessageSummary) from_empty = kabar_graph_message_to_summary (empty);
  g_autoptr(KabarMessageSummary) from_null = kabar_graph_message_to_summary (NULL);
  g_autofree char *long_id = NULL;
  g_autoptr(JsonObject) long_id_object = NULL;

  wrong = parse_object ("{\"id\":42,\"subject\":[1,2],\"isRead\":\"yes\",\"flag\":\"flagged\","
                        "\"from\":{\"emailAddress\":7},\"toRecipients\":{\"a\":1},"
                        "\"ccRecipients\":[null,3,{\"emailAddress\":null}],"
                        "\"receivedDateTime\":\"yesterday\",\"sentDateTime\":12,"
                        "\"internetMessageId\":\"<a b@c>\",\"hasAttachments\":1,"
                        "\"bodyPreview\":{},\"size\":\"big\"}");
  from_wrong = kabar_graph_message_to_summary (wrong);
  g_assert_null (kabar_graph_message_get_id (wrong));
  g_assert_null (from_wrong->subject);
  g_assert_cmpint (from_wrong->flags, ==, 0);
  g_assert_null (from_wrong->from_name);
  g_assert_null (from_wrong->from_address);
  g_assert_null (from_wrong->to);
  g_assert_null (from_wrong->cc);
  g_assert_cmpint (from_wrong->date, ==, 0);
  g_assert_null (from_wrong->message_id);
  g_assert_false (from_wrong->has_attachments);
  g_assert_null (from_wrong->preview);
  g_assert_cmpuint (from_wrong->size, ==, 0);

  g_assert_null (kabar_graph_message_get_id (empty));
  g_assert_null (from_empty->subject);
  g_assert_null (from_null->subject);

  /* Ten megabytes of a subject in a multibyte script: cut at a character. */
  for (guint i = 0; i < 1000000; i++)
    g_string_append (huge, "\340\244\225\340\244\276");
  g_string_append (huge, "\"}");
  big = parse_object (huge->str);
  from_big = kabar_graph_message_to_summary (big);
  g_assert_nonnull (from_big->subject);
  g_assert_cmpuint (strlen (from_big->subject), <=, 4096);
  g_assert_cmpuint (strlen (from_big->subject), >, 4000);
  g_assert_true (g_utf8_validate (from_big->subject, -1, NULL));

  long_id = g_strdup_printf ("{\"id\":\"%0*d\"}", 5000, 7);
  long_id_object = parse_object (long_id);
  g_assert_null (kabar_graph_message_get_id (long_id_object));
}

static void
test_state (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  g_autofree char *value = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *deleted = NULL;

  none = kabar_store_graph_get_state (fixture->store, "mail-folders-delta", &error);
  g_assert_no_error (error);
  g_assert_null (none);
  g_assert_true (kabar_store_graph_set_state (fixture->store, "mail-folders-delta",
                                              "https://graph.microsoft.com/v1.0/x?$deltatoken=1",
                                              &error));
  value = kabar_store_graph_get_state (fixture->store, "mail-folders-delta", &error);
  g_assert_cmpstr (value, ==, "https://graph.microsoft.com/v1.0/x?$deltatoken=1");
  g_assert_true (kabar_store_graph_set_state (fixture->store, "mail-folders-delta", "2", &error));
  changed = kabar_store_graph_get_state (fixture->store, "mail-folders-delta", &error);
  g_assert_cmpstr (changed, ==, "2");
  g_assert_true (kabar_store_graph_set_state (fixture->store, "mail-folders-delta", NULL, &error));
  deleted = kabar_store_graph_get_state (fixture->store, "mail-folders-delta", &error);
  g_assert_no_error (error);
  g_assert_null (deleted);
}

static void
test_folders (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *link = NULL;
  g_autofree char *link_after_rebind = NULL;
  g_autoptr(GPtrArray) records = NULL;
  gint64 child;

  remote = kabar_store_graph_get_folder_remote_id (fixture->store, fixture->inbox, &error);
  g_assert_cmpstr (remote, ==, "AAMkInbox=");
  g_assert_cmpint (kabar_store_graph_find_folder (fixture->store, "AAMkArchive=", &error), ==,
                   fixture->archive);
  g_assert_cmpint (kabar_store_graph_find_folder (fixture->store, "nothing", &error), ==, 0);
  g_assert_no_error (error);

  g_assert_true (kabar_store_graph_set_folder_delta_link (fixture->store, fixture->inbox,
                                                          "https://h/d?$deltatoken=5", &error));
  link = kabar_store_graph_get_folder_delta_link (fixture->store, fixture->inbox, &error);
  g_assert_cmpstr (link, ==, "https://h/d?$deltatoken=5");

  /* A child, then the remote id bound again to it: it leaves the inbox. */
  child = add_folder (fixture->store, "Inbox/Lists", "AAMkLists=");
  g_assert_true (kabar_store_graph_bind_folder (fixture->store, child, "AAMkInbox=", NULL,
                                                "Lists", &error));
  g_assert_no_error (error);
  g_assert_cmpint (kabar_store_graph_find_folder (fixture->store, "AAMkInbox=", &error), ==, child);
  g_assert_null (kabar_store_graph_get_folder_remote_id (fixture->store, fixture->inbox, &error));
  link_after_rebind = kabar_store_graph_get_folder_delta_link (fixture->store, child, &error);
  g_assert_null (link_after_rebind);
  g_assert_no_error (error);

  /* A folder without a binding has no delta link to set. */
  g_assert_false (kabar_store_graph_set_folder_delta_link (fixture->store, fixture->inbox, "x",
                                                           &error));
  g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting the folder forgets its binding. */
  g_assert_true (kabar_store_delete_folder (fixture->store, child, &error));
  g_assert_cmpint (kabar_store_graph_find_folder (fixture->store, "AAMkInbox=", &error), ==, 0);
  records = kabar_store_graph_list_folders (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (((KabarGraphFolderRecord *) records->pdata[0])->remote_id, ==, "AAMkArchive=");
}

static void
test_apply (Fixture       *fixture,
            gconstpointer  data)
{
  static const Item first[] = {
    { "m1", "Satu", FALSE, FALSE },
    { "m2", "Dua", TRUE, FALSE },
    { "m3", "Tiga", FALSE, TRUE },
  };
  static const Item changes[] = {
    { "m1", "Satu", TRUE, TRUE },
    { "m4", "Empat", FALSE, FALSE },
  };
  static const char *removed[] = { "m2", "never-known", NULL };
  g_autoptr(GArray) new_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autofree char *after_first = NULL;
  g_autofree char *after_changes = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *by_uid = NULL;
  g_autoptr(KabarMessageSummary) m1 = NULL;
  gint64 m1_id;
  guint32 max_uid = 0;

  apply (fixture, fixture->inbox, first, G_N_ELEMENTS (first), NULL, new_ids);
  g_assert_cmpuint (new_ids->len, ==, 3);
  after_first = describe_sorted (fixture->store, fixture->inbox);
  g_assert_cmpstr (after_first, ==, "Dua R-; Satu --; Tiga -F");
  assert_counts (fixture, fixture->inbox, 3, 2);

  /* Local uids, one above the last, so uid-keyed code works. */
  g_assert_true (kabar_store_get_max_uid (fixture->store, fixture->inbox, &max_uid, &error));
  g_assert_cmpuint (max_uid, ==, 3);
  m1_id = message_of (fixture, "m1");
  g_assert_cmpint (m1_id, ==, g_array_index (new_ids, gint64, 0));
  m1 = kabar_store_get_message (fixture->store, m1_id, &error);
  g_assert_no_error (error);
  remote = kabar_store_graph_get_message_remote_id (fixture->store, m1_id, &error);
  g_assert_cmpstr (remote, ==, "m1");
  by_uid = kabar_store_graph_get_uid_remote_id (fixture->store, fixture->inbox, m1->uid, &error);
  g_assert_cmpstr (by_uid, ==, "m1");

  /* The same page again adds nothing; then changes and removals. */
  g_array_set_size (new_ids, 0);
  apply (fixture, fixture->inbox, first, G_N_ELEMENTS (first), NULL, new_ids);
  g_assert_cmpuint (new_ids->len, ==, 0);
  apply (fixture, fixture->inbox, changes, G_N_ELEMENTS (changes), removed, new_ids);
  g_assert_cmpuint (new_ids->len, ==, 1);
  after_changes = describe_sorted (fixture->store, fixture->inbox);
  g_assert_cmpstr (after_changes, ==, "Empat --; Satu RF; Tiga -F");
  assert_counts (fixture, fixture->inbox, 3, 2);
  g_assert_cmpint (message_of (fixture, "m1"), ==, m1_id);
  g_assert_cmpint (message_of (fixture, "m2"), ==, 0);

  /* A uid is never given twice, even after its message went. */
  g_assert_true (kabar_store_get_max_uid (fixture->store, fixture->inbox, &max_uid, &error));
  g_assert_cmpuint (max_uid, ==, 4);
}

/* Another device moved a message: whichever folder syncs first, it is
 * in the destination once, and keeps its id when the destination is
 * first. */
static void
test_apply_moved (Fixture       *fixture,
                  gconstpointer  data)
{
  static const Item inbox[] = { { "m1", "Satu", FALSE, FALSE }, { "m2", "Dua", FALSE, FALSE } };
  static const Item moved[] = { { "m1", "Satu", TRUE, FALSE } };
  static const Item moved_2[] = { { "m2", "Dua", FALSE, FALSE } };
  static const char *gone_1[] = { "m1", NULL };
  static const char *gone_2[] = { "m2", NULL };
  g_autofree char *inbox_text = NULL;
  g_autofree char *archive_text = NULL;
  gint64 m1;

  apply (fixture, fixture->inbox, inbox, G_N_ELEMENTS (inbox), NULL, NULL);
  m1 = message_of (fixture, "m1");

  /* The destination first: the row moves; the source's @removed then
   * finds it elsewhere and leaves it. */
  apply (fixture, fixture->archive, moved, G_N_ELEMENTS (moved), NULL, NULL);
  apply (fixture, fixture->inbox, NULL, 0, gone_1, NULL);
  g_assert_cmpint (message_of (fixture, "m1"), ==, m1);

  /* The source first: it goes, then comes back in the destination. */
  apply (fixture, fixture->inbox, NULL, 0, gone_2, NULL);
  apply (fixture, fixture->archive, moved_2, G_N_ELEMENTS (moved_2), NULL, NULL);

  inbox_text = describe_sorted (fixture->store, fixture->inbox);
  archive_text = describe_sorted (fixture->store, fixture->archive);
  g_assert_cmpstr (inbox_text, ==, "");
  g_assert_cmpstr (archive_text, ==, "Dua --; Satu R-");
  assert_counts (fixture, fixture->inbox, 0, 0);
  assert_counts (fixture, fixture->archive, 2, 1);
}

/* The user's flag change waits for its replay: the server's older word
 * does not undo it. */
static void
test_apply_pending_flags (Fixture       *fixture,
                          gconstpointer  data)
{
  static const Item unread[] = { { "m1", "Satu", FALSE, FALSE } };
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageSummary) summary = NULL;
  g_autofree char *text = NULL;
  gint64 id;

  apply (fixture, fixture->inbox, unread, 1, NULL, NULL);
  id = message_of (fixture, "m1");
  summary = kabar_store_get_message (fixture->store, id, &error);
  g_assert_cmpint (kabar_store_change_flags (fixture->store, fixture->inbox, &summary->uid, 1,
                                             KABAR_MESSAGE_FLAG_SEEN, 0, &error), >, 0);
  g_assert_no_error (error);
  apply (fixture, fixture->inbox, unread, 1, NULL, NULL);
  text = describe (fixture->store, fixture->inbox);
  g_assert_cmpstr (text, ==, "Satu R-");
}

/* A full resync (a refused delta link) keeps what the server still has,
 * with its local id, and drops the rest, even across a cut. */
static void
test_full_sync (Fixture       *fixture,
                gconstpointer  data)
{
  static const Item before[] = {
    { "m1", "Satu", FALSE, FALSE }, { "m2", "Dua", FALSE, FALSE }, { "m3", "Tiga", FALSE, FALSE },
  };
  static const Item page_1[] = { { "m1", "Satu", TRUE, FALSE } };
  static const Item page_2[] = { { "m3", "Tiga", FALSE, FALSE }, { "m5", "Lima", FALSE, FALSE } };
  g_autoptr(GError) error = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *text = NULL;
  g_autofree char *link = NULL;
  gint64 m1, m3;

  apply (fixture, fixture->inbox, before, G_N_ELEMENTS (before), NULL, NULL);
  m1 = message_of (fixture, "m1");
  m3 = message_of (fixture, "m3");

  /* A first attempt cut after one page: nothing goes yet. */
  g_assert_true (kabar_store_graph_begin_full_sync (fixture->store, fixture->inbox, &error));
  apply (fixture, fixture->inbox, page_1, 1, NULL, NULL);
  cut = describe_sorted (fixture->store, fixture->inbox);
  g_assert_cmpstr (cut, ==, "Dua --; Satu R-; Tiga --");
  assert_counts (fixture, fixture->inbox, 3, 2);

  g_assert_true (kabar_store_graph_begin_full_sync (fixture->store, fixture->inbox, &error));
  apply (fixture, fixture->inbox, page_1, 1, NULL, NULL);
  apply (fixture, fixture->inbox, page_2, 2, NULL, NULL);
  g_assert_true (kabar_store_graph_end_full_sync (fixture->store, fixture->inbox,
                                                  "https://h/d?$deltatoken=9", &error));
  g_assert_no_error (error);
  text = describe_sorted (fixture->store, fixture->inbox);
  g_assert_cmpstr (text, ==, "Lima --; Satu R-; Tiga --");
  g_assert_cmpint (message_of (fixture, "m1"), ==, m1);
  g_assert_cmpint (message_of (fixture, "m3"), ==, m3);
  g_assert_cmpint (message_of (fixture, "m2"), ==, 0);
  link = kabar_store_graph_get_folder_delta_link (fixture->store, fixture->inbox, &error);
  g_assert_cmpstr (link, ==, "https://h/d?$deltatoken=9");
}

static gint64
pending_target (Fixture *fixture,
                gint64   operation_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = kabar_store_list_messages (fixture->store, fixture->archive, 0,
                                                              10, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    if (((KabarMessageSummary *) messages->pdata[i])->uid == 0)
      return ((KabarMessageSummary *) messages->pdata[i])->id;
  g_assert_not_reached ();
  return 0;
}

/* The replay moved a message: the provisional row takes the remote id
 * and a uid, and the operation completes without dropping it. */
static void
test_bind_message (Fixture       *fixture,
                   gconstpointer  data)
{
  static const Item inbox[] = { { "m1", "Satu", FALSE, FALSE } };
  static const Item in_archive[] = { { "m1", "Satu", TRUE, FALSE } };
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageSummary) source = NULL;
  g_autoptr(KabarMessageSummary) bound = NULL;
  g_autofree char *archive_text = NULL;
  g_autofree char *inbox_text = NULL;
  gint64 operation, target;

  apply (fixture, fixture->inbox, inbox, 1, NULL, NULL);
  source = kabar_store_get_message (fixture->store, message_of (fixture, "m1"), &error);
  operation = kabar_store_change_move (fixture->store, fixture->inbox, &source->uid, 1,
                                       fixture->archive, &error);
  g_assert_no_error (error);
  target = pending_target (fixture, operation);

  g_assert_true (kabar_store_graph_bind_message (fixture->store, target, "m1", &error));
  g_assert_no_error (error);
  g_assert_true (kabar_store_complete_pending_operation (fixture->store, operation, &error));
  g_assert_no_error (error);
  g_assert_cmpint (message_of (fixture, "m1"), ==, target);
  bound = kabar_store_get_message (fixture->store, target, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bound->uid, ==, 1);
  g_assert_cmpint (bound->folder_id, ==, fixture->archive);

  /* The destination's delta then reports it: still once. */
  apply (fixture, fixture->archive, in_archive, 1, NULL, NULL);
  archive_text = describe (fixture->store, fixture->archive);
  inbox_text = describe (fixture->store, fixture->inbox);
  g_assert_cmpstr (archive_text, ==, "Satu R-");
  g_assert_cmpstr (inbox_text, ==, "");
  assert_counts (fixture, fixture->archive, 1, 0);
}

/* The sync was faster than the replay's answer: the provisional row goes. */
static void
test_bind_message_sync_first (Fixture       *fixture,
                              gconstpointer  data)
{
  static const Item inbox[] = { { "m1", "Satu", FALSE, FALSE } };
  static const Item in_archive[] = { { "m1", "Satu", FALSE, FALSE } };
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageSummary) source = NULL;
  g_autofree char *archive_text = NULL;
  gint64 operation, target;

  apply (fixture, fixture->inbox, inbox, 1, NULL, NULL);
  source = kabar_store_get_message (fixture->store, message_of (fixture, "m1"), &error);
  operation = kabar_store_change_move (fixture->store, fixture->inbox, &source->uid, 1,
                                       fixture->archive, &error);
  target = pending_target (fixture, operation);
  apply (fixture, fixture->archive, in_archive, 1, NULL, NULL);

  g_assert_true (kabar_store_graph_bind_message (fixture->store, target, "m1", &error));
  g_assert_true (kabar_store_complete_pending_operation (fixture->store, operation, &error));
  g_assert_no_error (error);
  archive_text = describe (fixture->store, fixture->archive);
  g_assert_cmpstr (archive_text, ==, "Satu --");
  g_assert_cmpint (message_of (fixture, "m1"), !=, target);
  assert_counts (fixture, fixture->archive, 1, 1);
  assert_counts (fixture, fixture->inbox, 0, 0);
}

/* Hostile messages in a page: what can be read is stored, nothing more. */
static void
test_apply_hostile (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) summaries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  g_autoptr(JsonObject) wrong =
    parse_object ("{\"id\":\"w1\",\"subject\":null,\"isRead\":1,\"from\":[],"
                  "\"receivedDateTime\":\"9999-99-99\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageSummary) stored = NULL;

  g_ptr_array_add (ids, (gpointer) "w1");
  g_ptr_array_add (summaries, kabar_graph_message_to_summary (wrong));
  g_assert_true (kabar_store_graph_apply_messages (fixture->store, fixture->inbox, ids, summaries,
                                                   NULL, NULL, &error));
  g_assert_no_error (error);
  stored = kabar_store_get_message (fixture->store, message_of (fixture, "w1"), &error);
  g_assert_no_error (error);
  g_assert_null (stored->subject);
  g_assert_null (stored->from_address);
  g_assert_cmpint (stored->flags, ==, 0);
  assert_counts (fixture, fixture->inbox, 1, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/graph-store/summary", test_summary);
  g_test_add_func ("/graph-store/summary-draft-and-removed", test_summary_draft_and_removed);
  g_test_add_func ("/graph-store/summary-hostile", test_summary_hostile);
#define ADD(name, func) \
  g_test_add ("/graph-store/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("state", test_state);
  ADD ("folders", test_folders);
  ADD ("apply", test_apply);
  ADD ("apply-moved", test_apply_moved);
  ADD ("apply-pending-flags", test_apply_pending_flags);
  ADD ("apply-hostile", test_apply_hostile);
  ADD ("full-sync", test_full_sync);
  ADD ("bind-message", test_bind_message);
  ADD ("bind-message-sync-first", test_bind_message_sync_first);
#undef ADD
  return g_test_run ();
}
