/* test-imap-folder-list.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The folder list from the server into the store: against the bed's
 * Dovecot (SPECIAL-USE, LIST-EXTENDED; each test a user of its own, and a
 * second session playing another client), and against the scripted
 * server for Outlook.com, which names its folders without SPECIAL-USE.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kabar-imap-folder-list.h"
#include "kabar-imap-test-session.h"
#include "kabar-store.h"
#include "kabar-test-wait.h"
#include "kabar-test-files.h"

static KabarTestBed *shared_bed;

typedef struct
{
  char             *dir;
  KabarStore       *store;
  char             *user;
  KabarImapSession *session;
} Fixture;

/* --- the bed and the store ---------------------------------------------------- */

static KabarTestBed *
get_bed (void)
{
  g_autoptr(GError) error = NULL;

  if (shared_bed != NULL)
    return shared_bed;
  shared_bed = kabar_test_bed_new (&error);
  g_assert_no_error (error);
  kabar_test_bed_start (shared_bed, KABAR_TEST_BED_DOVECOT, &error);
  g_assert_no_error (error);
  return shared_bed;
}

static KabarImapSession *
open_user (const char *user)
{
  return kabar_imap_test_open (get_bed (), user, KABAR_TEST_BED_PORT_IMAPS);
}

static void
open_store (Fixture *fixture)
{
  const char *base = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *template = g_build_filename (base != NULL ? base : g_get_tmp_dir (), "folder-list-XXXXXX",
                                                NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_mkdtemp (g_steal_pointer (&template));
  g_assert_nonnull (fixture->dir);
  path = g_build_filename (fixture->dir, "store.sqlite3", NULL);
  fixture->store = kabar_store_open (path, &error);
  g_assert_no_error (error);
}

/* A store, and a user of the test's own (named after the test) signed in. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *name = g_path_get_basename (g_test_get_path ());

  open_store (fixture);
  fixture->user = g_strdup_printf ("%s@%s", name, KABAR_TEST_BED_DOMAIN);
  kabar_test_bed_add_user (get_bed (), fixture->user, "Sandi-123");
  fixture->session = open_user (fixture->user);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->session != NULL)
    kabar_imap_test_logout (fixture->session);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->store);
  kabar_test_remove_directory (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->user);
}

/* --- helpers ------------------------------------------------------------------ */

static gboolean
sync_folder_list (KabarImapSession *session,
                  KabarStore       *store)
{
  g_autoptr(GError) error = NULL;
  gboolean changed = FALSE;

  kabar_imap_sync_folder_list (session, store, &changed, NULL, &error);
  g_assert_no_error (error);
  return changed;
}

/* NULL when the store has no folder at path. */
static KabarStoreFolder *
find_folder (KabarStore *store,
             const char *path)
{
  g_autoptr(GError) error = NULL;
  KabarStoreFolder *folder = kabar_store_get_folder_by_path (store, path, &error);

  if (folder == NULL)
    g_assert_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND);
  return folder;
}

static void
assert_folder (KabarStore      *store,
               const char      *path,
               KabarFolderRole  role)
{
  g_autoptr(KabarStoreFolder) folder = find_folder (store, path);

  if (folder == NULL)
    g_error ("No folder %s in the store", path);
  g_assert_cmpstr (kabar_folder_role_to_string (folder->role), ==, kabar_folder_role_to_string (role));
}

static void
assert_no_folder (KabarStore *store,
                  const char *path)
{
  g_autoptr(KabarStoreFolder) folder = find_folder (store, path);

  if (folder != NULL)
    g_error ("Folder %s should not be in the store", path);
}

static guint
count_folders (KabarStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) folders = kabar_store_list_folders (store, &error);

  g_assert_no_error (error);
  return folders->len;
}

static gboolean
has_attribute (const KabarStoreFolder *folder,
               const char             *attribute)
{
  return g_strv_contains ((const char * const *) folder->attributes, attribute);
}

static void
run_command (KabarImapSession *session,
             void (*start) (KabarImapSession *, const char *, GCancellable *, GAsyncReadyCallback, gpointer),
             const char       *mailbox)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  start (session, mailbox, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_test_try_command (session, result, &error);
  g_assert_no_error (error);
}

static void
rename_folder (KabarImapSession *session,
               const char       *from,
               const char       *to)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_imap_session_rename_async (session, from, to, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  kabar_imap_test_try_command (session, result, &error);
  g_assert_no_error (error);
}

/* Another client of the same user changes the server's folders. */
static void
create_elsewhere (Fixture            *fixture,
                  const char * const *mailboxes)
{
  g_autoptr(KabarImapSession) other = open_user (fixture->user);

  for (guint i = 0; mailboxes[i] != NULL; i++)
    run_command (other, kabar_imap_session_create_async, mailboxes[i]);
  kabar_imap_test_logout (other);
}

static void
add_local_message (KabarStore *store,
                   const char *path)
{
  g_autoptr(KabarStoreFolder) folder = find_folder (store, path);
  g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_message_summary_free);
  KabarMessageSummary *summary = kabar_message_summary_new ();
  g_autoptr(GError) error = NULL;
  guint total = 0;

  g_assert_nonnull (folder);
  summary->uid = 1;
  summary->subject = g_strdup ("Isi map");
  g_ptr_array_add (summaries, summary);
  kabar_store_insert_summaries (store, folder->id, summaries, &error);
  g_assert_no_error (error);
  kabar_store_count_messages (store, folder->id, &total, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 1);
}

static void
add_pending (KabarStore       *store,
             KabarPendingKind  kind,
             const char       *payload)
{
  g_autoptr(GError) error = NULL;

  kabar_store_add_pending_operation (store, kind, 0, NULL, payload, &error);
  g_assert_no_error (error);
}

static void
upsert_local (KabarStore *store,
              const char *path)
{
  g_autoptr(GError) error = NULL;

  kabar_store_upsert_folder (store, path, '/', NULL, KABAR_FOLDER_ROLE_NONE, TRUE, &error);
  g_assert_no_error (error);
}

/* --- against Dovecot ------------------------------------------------------------ */

static void
test_first_sync_stores_the_special_folders (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(KabarStoreFolder) sent = NULL;
  g_autoptr(KabarStoreFolder) inbox = NULL;

  g_assert_true (sync_folder_list (fixture->session, fixture->store));
  g_assert_cmpuint (count_folders (fixture->store), ==, 6);
  assert_folder (fixture->store, "INBOX", KABAR_FOLDER_ROLE_INBOX);
  assert_folder (fixture->store, "Sent", KABAR_FOLDER_ROLE_SENT);
  assert_folder (fixture->store, "Drafts", KABAR_FOLDER_ROLE_DRAFTS);
  assert_folder (fixture->store, "Trash", KABAR_FOLDER_ROLE_TRASH);
  assert_folder (fixture->store, "Junk", KABAR_FOLDER_ROLE_JUNK);
  assert_folder (fixture->store, "Archive", KABAR_FOLDER_ROLE_ARCHIVE);

  sent = find_folder (fixture->store, "Sent");
  g_assert_cmpint (sent->delimiter, ==, '/');
  g_assert_true (sent->subscribed);
  g_assert_true (has_attribute (sent, "\\Sent"));
  /* The store has a column for it. */
  g_assert_false (has_attribute (sent, "\\Subscribed"));
  g_assert_true (kabar_imap_folder_is_selectable (sent));
  inbox = find_folder (fixture->store, "INBOX");
  g_assert_cmpint (inbox->parent_id, ==, 0);
  g_assert_true (kabar_imap_folder_is_selectable (inbox));

  g_assert_false (sync_folder_list (fixture->session, fixture->store));
  g_assert_cmpuint (count_folders (fixture->store), ==, 6);
}

static void
test_folder_created_elsewhere_appears (Fixture       *fixture,
                                       gconstpointer  data)
{
  const char * const created[] = { "Proyek", NULL };
  g_autoptr(KabarStoreFolder) folder = NULL;

  sync_folder_list (fixture->session, fixture->store);
  create_elsewhere (fixture, created);

  g_assert_true (sync_folder_list (fixture->session, fixture->store));
  assert_folder (fixture->store, "Proyek", KABAR_FOLDER_ROLE_NONE);
  folder = find_folder (fixture->store, "Proyek");
  g_assert_cmpstr (folder->name, ==, "Proyek");
  g_assert_true (kabar_imap_folder_is_selectable (folder));
  g_assert_false (sync_folder_list (fixture->session, fixture->store));
}

static void
test_folder_deleted_elsewhere_disappears (Fixture       *fixture,
                                          gconstpointer  data)
{
  const char * const created[] = { "Lama", NULL };
  g_autoptr(KabarImapSession) other = NULL;

  create_elsewhere (fixture, created);
  sync_folder_list (fixture->session, fixture->store);
  add_local_message (fixture->store, "Lama");

  other = open_user (fixture->user);
  run_command (other, kabar_imap_session_delete_async, "Lama");
  kabar_imap_test_logout (other);

  g_assert_true (sync_folder_list (fixture->session, fixture->store));
  assert_no_folder (fixture->store, "Lama");
  assert_folder (fixture->store, "INBOX", KABAR_FOLDER_ROLE_INBOX);
  g_assert_false (sync_folder_list (fixture->session, fixture->store));
}

static void
test_folder_renamed_elsewhere_shows_the_new_path (Fixture       *fixture,
                                                  gconstpointer  data)
{
  const char * const created[] = { "Proyek", "Proyek/Desain", NULL };
  g_autoptr(KabarImapSession) other = NULL;
  g_autoptr(KabarStoreFolder) parent = NULL;
  g_autoptr(KabarStoreFolder) child = NULL;
  guint total = G_MAXUINT;
  g_autoptr(GError) error = NULL;

  create_elsewhere (fixture, created);
  sync_folder_list (fixture->session, fixture->store);
  add_local_message (fixture->store, "Proyek");

  other = open_user (fixture->user);
  rename_folder (other, "Proyek", "Proyek 2026");
  kabar_imap_test_logout (other);

  g_assert_true (sync_folder_list (fixture->session, fixture->store));
  assert_no_folder (fixture->store, "Proyek");
  assert_no_folder (fixture->store, "Proyek/Desain");
  assert_folder (fixture->store, "Proyek 2026", KABAR_FOLDER_ROLE_NONE);
  assert_folder (fixture->store, "Proyek 2026/Desain", KABAR_FOLDER_ROLE_NONE);
  parent = find_folder (fixture->store, "Proyek 2026");
  child = find_folder (fixture->store, "Proyek 2026/Desain");
  g_assert_cmpint (child->parent_id, ==, parent->id);
  /* The renamed folder is new to the store: its messages come again with
   * the folder's sync. */
  kabar_store_count_messages (fixture->store, parent->id, &total, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, 0);
  g_assert_false (sync_folder_list (fixture->session, fixture->store));
}

static void
test_nested_folders_keep_their_delimiter_and_parents (Fixture       *fixture,
                                                      gconstpointer  data)
{
  const char * const created[] = { "Kerja/Klien/Acme", "Kerja/Klien/Sinar Jaya", NULL };
  g_autoptr(KabarStoreFolder) top = NULL;
  g_autoptr(KabarStoreFolder) middle = NULL;
  g_autoptr(KabarStoreFolder) leaf = NULL;
  g_autoptr(KabarStoreFolder) other_leaf = NULL;

  create_elsewhere (fixture, created);
  g_assert_true (sync_folder_list (fixture->session, fixture->store));

  top = find_folder (fixture->store, "Kerja");
  middle = find_folder (fixture->store, "Kerja/Klien");
  leaf = find_folder (fixture->store, "Kerja/Klien/Acme");
  other_leaf = find_folder (fixture->store, "Kerja/Klien/Sinar Jaya");
  g_assert_nonnull (top);
  g_assert_nonnull (middle);
  g_assert_nonnull (leaf);
  g_assert_nonnull (other_leaf);
  g_assert_cmpint (top->parent_id, ==, 0);
  g_assert_cmpint (middle->parent_id, ==, top->id);
  g_assert_cmpint (leaf->parent_id, ==, middle->id);
  g_assert_cmpint (other_leaf->parent_id, ==, middle->id);
  g_assert_cmpstr (leaf->name, ==, "Acme");
  g_assert_cmpint (leaf->delimiter, ==, '/');
  /* Dovecot made the folders above as names, not mailboxes: they are kept
   * for the tree, and the folder sync passes them by. */
  g_assert_true (has_attribute (middle, "\\Noselect"));
  g_assert_false (kabar_imap_folder_is_selectable (middle));
  g_assert_false (kabar_imap_folder_is_selectable (top));
  g_assert_true (kabar_imap_folder_is_selectable (leaf));
  g_assert_false (sync_folder_list (fixture->session, fixture->store));
}

static void
test_non_ascii_names_are_stored_decoded (Fixture       *fixture,
                                         gconstpointer  data)
{
  const char * const created[] = { "कार्य/समाचार", "Kotak Surat/Pekerjaan é", NULL };
  g_autoptr(KabarStoreFolder) parent = NULL;
  g_autoptr(KabarStoreFolder) child = NULL;

  create_elsewhere (fixture, created);
  g_assert_true (sync_folder_list (fixture->session, fixture->store));

  parent = find_folder (fixture->store, "कार्य");
  child = find_folder (fixture->store, "कार्य/समाचार");
  g_assert_nonnull (parent);
  g_assert_nonnull (child);
  g_assert_cmpstr (child->name, ==, "समाचार");
  g_assert_cmpint (child->parent_id, ==, parent->id);
  assert_folder (fixture->store, "Kotak Surat/Pekerjaan é", KABAR_FOLDER_ROLE_NONE);
  g_assert_false (sync_folder_list (fixture->session, fixture->store));
}

/* What the user did offline and the replay has not done yet. */
static void
test_pending_folder_operations_are_not_undone (Fixture       *fixture,
                                               gconstpointer  data)
{
  const char * const created[] = { "Lama", "Lama/Anak", "Hapus", "Hapus/Anak", NULL };
  g_autoptr(KabarStoreFolder) lama = NULL;
  g_autoptr(KabarStoreFolder) hapus = NULL;
  g_autoptr(GError) error = NULL;

  create_elsewhere (fixture, created);
  sync_folder_list (fixture->session, fixture->store);

  /* Created here, not yet on the server. */
  upsert_local (fixture->store, "Baru");
  upsert_local (fixture->store, "Baru/Sub");
  add_pending (fixture->store, KABAR_PENDING_FOLDER_CREATE, "{\"path\": \"Baru\"}");
  /* Renamed here: the store moved the folder at once. */
  lama = find_folder (fixture->store, "Lama");
  kabar_store_rename_folder (fixture->store, lama->id, "Nama Baru", &error);
  g_assert_no_error (error);
  add_pending (fixture->store, KABAR_PENDING_FOLDER_RENAME, "{\"from\": \"Lama\", \"to\": \"Nama Baru\"}");
  /* Deleted here. */
  hapus = find_folder (fixture->store, "Hapus");
  kabar_store_delete_folder (fixture->store, hapus->id, &error);
  g_assert_no_error (error);
  add_pending (fixture->store, KABAR_PENDING_FOLDER_DELETE, "{\"path\": \"Hapus\"}");
  /* What the replay would refuse names no folder. */
  add_pending (fixture->store, KABAR_PENDING_FOLDER_CREATE, "not json");
  add_pending (fixture->store, KABAR_PENDING_FOLDER_DELETE, "[\"Hapus/Anak\"]");
  add_pending (fixture->store, KABAR_PENDING_FOLDER_RENAME, "{\"from\": 7}");
  add_pending (fixture->store, KABAR_PENDING_FOLDER_RENAME, "{\"from\": {\"path\": \"Hapus\"}, \"to\": null}");
  /* A folder of the store's own that no operation explains goes. */
  upsert_local (fixture->store, "Yatim");

  g_assert_true (sync_folder_list (fixture->session, fixture->store));
  assert_folder (fixture->store, "Baru", KABAR_FOLDER_ROLE_NONE);
  assert_folder (fixture->store, "Baru/Sub", KABAR_FOLDER_ROLE_NONE);
  assert_folder (fixture->store, "Nama Baru", KABAR_FOLDER_ROLE_NONE);
  assert_folder (fixture->store, "Nama Baru/Anak", KABAR_FOLDER_ROLE_NONE);
  assert_no_folder (fixture->store, "Lama");
  assert_no_folder (fixture->store, "Lama/Anak");
  assert_no_folder (fixture->store, "Hapus");
  assert_no_folder (fixture->store, "Hapus/Anak");
  assert_no_folder (fixture->store, "Yatim");
  g_assert_false (sync_folder_list (fixture->session, fixture->store));
}

/* --- against the scripted server ------------------------------------------------ */

static void
start_server (KabarScriptedServer *server)
{
  g_autoptr(GError) error = NULL;

  kabar_scripted_server_start (server, &error);
  g_assert_no_error (error);
}

/* Outlook.com's consumer folders, listed without any special-use
 * attribute (as some of its front ends do), then its LSUB. */
static const char outlook_list[] =
  "C~ (\\S+) LIST \"\" \"\\*\"\n"
  "S: * LIST (\\HasNoChildren) \"/\" Archive\n"
  "S: * LIST (\\HasNoChildren) \"/\" Deleted\n"
  "S: * LIST (\\HasNoChildren) \"/\" Drafts\n"
  "S: * LIST (\\Marked \\HasNoChildren) \"/\" INBOX\n"
  "S: * LIST (\\HasNoChildren) \"/\" Junk\n"
  "S: * LIST (\\HasNoChildren) \"/\" Notes\n"
  "S: * LIST (\\HasNoChildren) \"/\" Outbox\n"
  "S: * LIST (\\HasChildren) \"/\" Sent\n"
  "S: * LIST (\\HasNoChildren) \"/\" Sent/Trash\n"
  "S: $1 OK LIST completed.\n"
  "C~ (\\S+) LSUB \"\" \"\\*\"\n"
  "S: * LSUB () \"/\" INBOX\n"
  "S: * LSUB () \"/\" Sent\n"
  "S: $1 OK LSUB completed.\n";

static void
test_outlook_roles_come_from_names (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarStoreFolder) inbox = NULL;
  g_autoptr(KabarStoreFolder) junk = NULL;
  g_autoptr(GError) error = NULL;
  const char * const inbox_attributes[] = { "\\HasNoChildren", NULL };
  Fixture fixture = { 0 };

  kabar_scripted_server_set_timeout (server, 10000);
  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1 CHILDREN IDLE MOVE UIDPLUS] ready");
  kabar_scripted_server_add_transcript (server, outlook_list, "first sync", &error);
  g_assert_no_error (error);
  kabar_scripted_server_add_transcript (server, outlook_list, "second sync", &error);
  g_assert_no_error (error);
  start_server (server);
  open_store (&fixture);
  session = kabar_imap_test_open_scripted (server, KABAR_SECURITY_NONE);

  g_assert_true (sync_folder_list (session, fixture.store));
  g_assert_cmpuint (count_folders (fixture.store), ==, 9);
  assert_folder (fixture.store, "INBOX", KABAR_FOLDER_ROLE_INBOX);
  assert_folder (fixture.store, "Sent", KABAR_FOLDER_ROLE_SENT);
  assert_folder (fixture.store, "Deleted", KABAR_FOLDER_ROLE_TRASH);
  assert_folder (fixture.store, "Junk", KABAR_FOLDER_ROLE_JUNK);
  assert_folder (fixture.store, "Archive", KABAR_FOLDER_ROLE_ARCHIVE);
  assert_folder (fixture.store, "Drafts", KABAR_FOLDER_ROLE_DRAFTS);
  assert_folder (fixture.store, "Notes", KABAR_FOLDER_ROLE_NONE);
  assert_folder (fixture.store, "Outbox", KABAR_FOLDER_ROLE_NONE);
  /* The user's own folder, whatever it is called. */
  assert_folder (fixture.store, "Sent/Trash", KABAR_FOLDER_ROLE_NONE);

  inbox = find_folder (fixture.store, "INBOX");
  g_assert_true (inbox->subscribed);
  /* \Marked comes and goes with new mail. */
  g_assert_true (g_strv_equal ((const char * const *) inbox->attributes, inbox_attributes));
  junk = find_folder (fixture.store, "Junk");
  g_assert_false (junk->subscribed);

  g_assert_false (sync_folder_list (session, fixture.store));
  kabar_imap_test_assert_script (server);
  kabar_imap_session_close (session);
  fixture_tear_down (&fixture, NULL);
}

/* LIST-EXTENDED may name a folder that is gone only because something
 * below it, or its subscription, is still there. */
static void
test_nonexistent_folder_is_left_out_but_not_its_children (void)
{
  g_autoptr(KabarScriptedServer) server = kabar_scripted_server_new (KABAR_SCRIPTED_TLS_NONE);
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(KabarStoreFolder) child = NULL;
  g_autoptr(KabarStoreFolder) shelf = NULL;
  Fixture fixture = { 0 };

  kabar_scripted_server_set_timeout (server, 10000);
  kabar_scripted_server_send (server, "* PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED] ready");
  kabar_scripted_server_expect_regex (server, "(\\S+) LIST \"\" \"\\*\" RETURN \\(SUBSCRIBED\\)");
  kabar_scripted_server_send (server, "* LIST (\\Subscribed) \"/\" INBOX");
  kabar_scripted_server_send (server, "* LIST (\\NonExistent \\HasChildren) \"/\" Arsip");
  kabar_scripted_server_send (server, "* LIST (\\HasNoChildren \\Subscribed) \"/\" Arsip/2025");
  kabar_scripted_server_send (server, "* LIST (\\NonExistent \\Subscribed) \"/\" Hilang");
  kabar_scripted_server_send (server, "* LIST (\\Noselect \\HasChildren) \"/\" Rak");
  kabar_scripted_server_send (server, "* LIST (\\HasNoChildren) \"/\" Rak/Buku");
  kabar_scripted_server_send (server, "$1 OK LIST completed.");
  start_server (server);
  open_store (&fixture);
  session = kabar_imap_test_open_scripted (server, KABAR_SECURITY_NONE);

  g_assert_true (sync_folder_list (session, fixture.store));
  kabar_imap_test_assert_script (server);
  g_assert_cmpuint (count_folders (fixture.store), ==, 4);
  assert_no_folder (fixture.store, "Arsip");
  assert_no_folder (fixture.store, "Hilang");
  child = find_folder (fixture.store, "Arsip/2025");
  g_assert_nonnull (child);
  g_assert_true (child->subscribed);
  g_assert_cmpint (child->parent_id, ==, 0);
  /* A name in the tree, kept for it, not opened by the folder sync. */
  shelf = find_folder (fixture.store, "Rak");
  g_assert_nonnull (shelf);
  g_assert_false (kabar_imap_folder_is_selectable (shelf));
  assert_folder (fixture.store, "Rak/Buku", KABAR_FOLDER_ROLE_NONE);
  kabar_imap_session_close (session);
  fixture_tear_down (&fixture, NULL);
}

static void
test_selectable_ignores_case (void)
{
  char *noselect[] = { (char *) "\\HasChildren", (char *) "\\NOSELECT", NULL };
  char *nonexistent[] = { (char *) "\\nonexistent", NULL };
  char *plain[] = { (char *) "\\HasNoChildren", (char *) "\\Sent", NULL };
  KabarStoreFolder folder = { 0 };

  folder.attributes = noselect;
  g_assert_false (kabar_imap_folder_is_selectable (&folder));
  folder.attributes = nonexistent;
  g_assert_false (kabar_imap_folder_is_selectable (&folder));
  folder.attributes = plain;
  g_assert_true (kabar_imap_folder_is_selectable (&folder));
  folder.attributes = NULL;
  g_assert_true (kabar_imap_folder_is_selectable (&folder));
}

#define ADD_TEST(path, function) \
  g_test_add (path, Fixture, NULL, fixture_set_up, function, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  ADD_TEST ("/imap/folder-list/first-sync-stores-the-special-folders",
            test_first_sync_stores_the_special_folders);
  ADD_TEST ("/imap/folder-list/folder-created-elsewhere-appears", test_folder_created_elsewhere_appears);
  ADD_TEST ("/imap/folder-list/folder-deleted-elsewhere-disappears", test_folder_deleted_elsewhere_disappears);
  ADD_TEST ("/imap/folder-list/folder-renamed-elsewhere-shows-the-new-path",
            test_folder_renamed_elsewhere_shows_the_new_path);
  ADD_TEST ("/imap/folder-list/nested-folders-keep-their-delimiter-and-parents",
            test_nested_folders_keep_their_delimiter_and_parents);
  ADD_TEST ("/imap/folder-list/non-ascii-names-are-stored-decoded", test_non_ascii_names_are_stored_decoded);
  ADD_TEST ("/imap/folder-list/pending-folder-operations-are-not-undone",
            test_pending_folder_operations_are_not_undone);
  g_test_add_func ("/imap/folder-list/outlook-roles-come-from-names", test_outlook_roles_come_from_names);
  g_test_add_func ("/imap/folder-list/nonexistent-folder-is-left-out-but-not-its-children",
                   test_nonexistent_folder_is_left_out_but_not_its_children);
  g_test_add_func ("/imap/folder-list/selectable-ignores-case", test_selectable_ignores_case);

  status = g_test_run ();
  g_clear_object (&shared_bed);
  return status;
}
