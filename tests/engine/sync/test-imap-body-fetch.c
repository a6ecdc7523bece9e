/* test-imap-body-fetch.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Message bodies from the bed's real Dovecot into the store: byte for
 * byte as the server has them, their words found by the search, a message
 * too large for memory, UIDs that went meanwhile, and a fetch run twice.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "kabar-imap-body-fetch.h"
#include "kabar-imap-folder-sync.h"
#include "kabar-imap-test-session.h"
#include "kabar-test-wait.h"

#define PASSWORD "Sandi-123"

static KabarTestBed *shared_bed;

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

/* Words that are in the bodies only, never in a subject or an address. */
static const char indonesian_text[] =
  "From: Guru <guru@kabar.test>\n"
  "To: Orang Tua <ortu@kabar.test>\n"
  "Subject: Pengumuman sekolah\n"
  "Date: Mon, 2 Mar 2026 08:00:00 +0700\n"
  "Message-ID: <pengumuman@kabar.test>\n"
  "MIME-Version: 1.0\n"
  "Content-Type: text/plain; charset=utf-8\n"
  "Content-Transfer-Encoding: quoted-printable\n"
  "\n"
  "Besok sekolah diliburkan karena banjir. Caf=C3=A9 kantin tetap buka.\n";

static const char hindi_text[] =
  "From: Sita <sita@kabar.test>\n"
  "To: Dewi <dewi@kabar.test>\n"
  "Subject: =?UTF-8?B?4KS44KSu4KS+4KSa4KS+4KSw?=\n"
  "Date: Tue, 3 Mar 2026 09:30:00 +0530\n"
  "Message-ID: <samachar@kabar.test>\n"
  "MIME-Version: 1.0\n"
  "Content-Type: multipart/alternative; boundary=\"alt\"\n"
  "\n"
  "--alt\n"
  "Content-Type: text/plain; charset=utf-8\n"
  "Content-Transfer-Encoding: base64\n"
  "\n"
  /* "इस साल मानसून जल्दी आएगा।" */
  "4KSH4KS4IOCkuOCkvuCksiDgpK7gpL7gpKjgpLjgpYLgpKgg4KSc4KSy4KWN4KSm4KWAIOCkhuCkj+Ckl+CkvuClpA==\n"
  "--alt\n"
  "Content-Type: text/html; charset=utf-8\n"
  "\n"
  "<p>html saja: kelelawar</p>\n"
  "--alt--\n";

#define PLAIN_TEXT \
  "From: Budi <budi@kabar.test>\n" \
  "To: Dewi <dewi@kabar.test>\n" \
  "Subject: Biasa\n" \
  "Message-ID: <biasa%u@kabar.test>\n" \
  "\n" \
  "Pesan biasa nomor %u tentang durian.\n"

/* --- fixtures ------------------------------------------------------------------- */

typedef struct
{
  char             *user;
  char             *directory;
  KabarStore       *store;
  KabarImapSession *session;
  gint64            inbox;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static guint counter;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->user = g_strdup_printf ("bodies%u@%s", ++counter, KABAR_TEST_BED_DOMAIN);
  kabar_test_bed_add_user (get_bed (), fixture->user, PASSWORD);
  fixture->directory = g_dir_make_tmp ("kabar-bodies-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->directory, "store.db", NULL);
  fixture->store = kabar_store_open (path, &error);
  g_assert_no_error (error);
  fixture->inbox = kabar_store_upsert_folder (fixture->store, "INBOX", '/', NULL,
                                              KABAR_FOLDER_ROLE_INBOX, TRUE, &error);
  g_assert_no_error (error);
  fixture->session = kabar_imap_test_open (get_bed (), fixture->user, KABAR_TEST_BED_PORT_IMAPS);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  kabar_imap_session_close (fixture->session);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->store);
  dir = g_dir_open (fixture->directory, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->directory, name, NULL);

      g_remove (file);
    }
  g_rmdir (fixture->directory);
  g_free (fixture->directory);
  g_free (fixture->user);
}

/* Writes the message into the user's INBOX; returns it as the server
 * will give it (CRLF line ends). */
static GBytes *
add_message (Fixture    *fixture,
             const char *text)
{
  GBytes *raw = kabar_imap_test_message (text);
  g_autoptr(GError) error = NULL;

  kabar_test_bed_add_message (get_bed (), fixture->user, "INBOX", raw, "",
                              g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  return raw;
}

static void
sync_inbox (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_imap_sync_folder (fixture->session, fixture->store, fixture->inbox, NULL,
                                         NULL, NULL, &error));
  g_assert_no_error (error);
}

static guint
fetch_bodies (Fixture       *fixture,
              const guint32 *uids,
              gsize          n)
{
  g_autoptr(GError) error = NULL;
  guint stored = G_MAXUINT;

  g_assert_true (kabar_imap_fetch_bodies (fixture->session, fixture->store, fixture->inbox, uids, n,
                                          &stored, NULL, &error));
  g_assert_no_error (error);
  return stored;
}

static gint64
message_id_for_uid (Fixture *fixture,
                    guint32  uid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = kabar_store_list_messages (fixture->store, fixture->inbox, 0, 1000,
                                                         &error);

  g_assert_no_error (error);
  for (guint i = 0; i < page->len; i++)
    {
      KabarMessageSummary *summary = g_ptr_array_index (page, i);

      if (summary->uid == uid)
        return summary->id;
    }
  g_error ("No message with UID %u in the store", uid);
}

static GBytes *
stored_body (Fixture *fixture,
             guint32  uid)
{
  g_autoptr(GError) error = NULL;
  GBytes *body = kabar_store_get_body (fixture->store, message_id_for_uid (fixture, uid), &error);

  g_assert_no_error (error);
  return body;
}

static guint
count_search (Fixture    *fixture,
              const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = kabar_store_search (fixture->store, query, 0, 100, &error);

  g_assert_no_error (error);
  return ids->len;
}

static void
assert_bytes_equal (GBytes *actual,
                    GBytes *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpuint (g_bytes_get_size (actual), ==, g_bytes_get_size (expected));
  g_assert_true (g_bytes_equal (actual, expected));
}

/* --- tests ------------------------------------------------------------------------- */

static void
test_bodies_are_stored_byte_exact_and_searchable (Fixture       *fixture,
                                                  gconstpointer  data)
{
  g_autoptr(GBytes) indonesian = add_message (fixture, indonesian_text);
  g_autoptr(GBytes) hindi = add_message (fixture, hindi_text);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GPtrArray) flags = NULL;
  const guint32 uids[] = { 2, 1 };

  sync_inbox (fixture);
  /* The envelope alone: the bodies' words are not found yet. */
  g_assert_cmpuint (count_search (fixture, "pengumuman"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "diliburkan"), ==, 0);
  g_assert_cmpuint (count_search (fixture, "मानसून"), ==, 0);

  g_assert_cmpuint (fetch_bodies (fixture, uids, G_N_ELEMENTS (uids)), ==, 2);
  first = stored_body (fixture, 1);
  second = stored_body (fixture, 2);
  assert_bytes_equal (first, indonesian);
  assert_bytes_equal (second, hindi);
  g_assert_cmpuint (count_search (fixture, "diliburkan"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "café kantin"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "मानसून"), ==, 1);
  /* The HTML beside the plain text says the same: not indexed. */
  g_assert_cmpuint (count_search (fixture, "kelelawar"), ==, 0);

  /* BODY.PEEK: reading ahead does not mark anything read. */
  flags = kabar_imap_test_fetch (fixture->session, "1:*", KABAR_IMAP_FETCH_FLAGS);
  for (guint i = 0; i < flags->len; i++)
    g_assert_false (kabar_imap_message_has_flag (flags->pdata[i], "\\Seen"));
}

static void
test_fetching_twice_is_harmless (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GBytes) indonesian = add_message (fixture, indonesian_text);
  g_autoptr(GBytes) body = NULL;
  const guint32 uids[] = { 1 };

  sync_inbox (fixture);
  g_assert_cmpuint (fetch_bodies (fixture, uids, 1), ==, 1);
  g_assert_cmpuint (fetch_bodies (fixture, uids, 1), ==, 1);
  body = stored_body (fixture, 1);
  assert_bytes_equal (body, indonesian);
  g_assert_cmpuint (count_search (fixture, "diliburkan"), ==, 1);
}

static void
test_folder_is_examined_when_not_selected (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(GBytes) hindi = add_message (fixture, hindi_text);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KabarImapMailboxState) other = NULL;
  g_autoptr(GPtrArray) flags = NULL;
  g_autoptr(GBytes) other_message = kabar_imap_test_message ("Subject: lain\n\nfolder lain\n");
  g_autoptr(GError) error = NULL;
  const guint32 uids[] = { 1 };

  kabar_test_bed_add_message (get_bed (), fixture->user, "Lain", other_message, "", 1767225600, &error);
  g_assert_no_error (error);
  sync_inbox (fixture);
  other = kabar_imap_test_select (fixture->session, "Lain");

  g_assert_cmpuint (fetch_bodies (fixture, uids, 1), ==, 1);
  g_assert_cmpstr (kabar_imap_session_get_selected (fixture->session), ==, "INBOX");
  body = stored_body (fixture, 1);
  assert_bytes_equal (body, hindi);
  flags = kabar_imap_test_fetch (fixture->session, "1:*", KABAR_IMAP_FETCH_FLAGS);
  g_assert_cmpuint (flags->len, ==, 1);
  g_assert_false (kabar_imap_message_has_flag (flags->pdata[0], "\\Seen"));
}

static void
test_uids_gone_from_the_server_are_skipped (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(KabarImapSession) other = NULL;
  g_autoptr(KabarImapMailboxState) state = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) missing = NULL;
  GAsyncResult *slot = NULL;
  const guint32 uids[] = { 3, 2, 1, 99 };

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *text = g_strdup_printf (PLAIN_TEXT, i, i);

      g_bytes_unref (add_message (fixture, text));
    }
  sync_inbox (fixture);

  /* Another client deletes UID 2 after the sync listed it. */
  other = kabar_imap_test_open (get_bed (), fixture->user, KABAR_TEST_BED_PORT_IMAPS);
  state = kabar_imap_test_select (other, "INBOX");
  kabar_imap_test_store (other, "2", KABAR_IMAP_STORE_ADD, "\\Deleted");
  kabar_imap_session_expunge_async (other, NULL, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_imap_test_try_command (other, result, &error));
  g_assert_no_error (error);
  kabar_imap_test_logout (other);

  g_assert_cmpuint (fetch_bodies (fixture, uids, G_N_ELEMENTS (uids)), ==, 2);
  missing = stored_body (fixture, 2);
  g_assert_null (missing);
  g_assert_cmpuint (count_search (fixture, "durian"), ==, 2);
}

static void
test_new_uidvalidity_fetches_nothing (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GBytes) indonesian = add_message (fixture, indonesian_text);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KabarStoreFolder) folder = NULL;
  g_autoptr(KabarImapMailboxState) other = NULL;
  g_autoptr(GBytes) other_message = kabar_imap_test_message ("Subject: lain\n\nfolder lain\n");
  g_autoptr(GError) error = NULL;
  KabarFolderSyncState state;
  const guint32 uids[] = { 1 };

  kabar_test_bed_add_message (get_bed (), fixture->user, "Lain", other_message, "", 1767225600, &error);
  g_assert_no_error (error);
  sync_inbox (fixture);
  /* As if the store had synced a folder of the same name that the server
   * has since replaced: its UID 1 is another message. */
  folder = kabar_store_get_folder (fixture->store, fixture->inbox, &error);
  g_assert_no_error (error);
  state = folder->sync;
  state.uidvalidity++;
  g_assert_true (kabar_store_set_folder_sync_state (fixture->store, fixture->inbox, &state, &error));
  g_assert_no_error (error);
  other = kabar_imap_test_select (fixture->session, "Lain");

  g_assert_cmpuint (fetch_bodies (fixture, uids, 1), ==, 0);
  body = stored_body (fixture, 1);
  g_assert_null (body);
}

static void
test_folder_whose_first_sync_was_cut_short (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(GBytes) indonesian = add_message (fixture, indonesian_text);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  KabarFolderSyncState none = { 0 };
  const guint32 uids[] = { 1 };

  /* The sync writes the folder's state last: a cut leaves it without. */
  sync_inbox (fixture);
  g_assert_true (kabar_store_set_folder_sync_state (fixture->store, fixture->inbox, &none, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fetch_bodies (fixture, uids, 1), ==, 1);
  body = stored_body (fixture, 1);
  assert_bytes_equal (body, indonesian);
}

/* A message well above KABAR_IMAP_BODY_MEMORY_MAX: a text part and a
 * large attachment. */
static GBytes *
large_message (void)
{
  gsize attachment_size = KABAR_IMAP_BODY_MEMORY_MAX * 3 / 4 + 123457;
  g_autofree guint8 *attachment = g_malloc (attachment_size);
  g_autofree char *encoded = NULL;
  GString *message = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260301);
  gsize encoded_length;

  for (gsize i = 0; i < attachment_size; i++)
    attachment[i] = (guint8) g_rand_int (rand);
  encoded = g_base64_encode (attachment, attachment_size);
  encoded_length = strlen (encoded);
  g_string_append (message,
                   "From: Arsip <arsip@kabar.test>\r\n"
                   "To: Dewi <dewi@kabar.test>\r\n"
                   "Subject: Foto liburan\r\n"
                   "Message-ID: <besar@kabar.test>\r\n"
                   "MIME-Version: 1.0\r\n"
                   "Content-Type: multipart/mixed; boundary=\"besar\"\r\n"
                   "\r\n"
                   "--besar\r\n"
                   "Content-Type: text/plain; charset=utf-8\r\n"
                   "\r\n"
                   "Terlampir foto dari pantai Lombok, ukurannya besar sekali.\r\n"
                   "--besar\r\n"
                   "Content-Type: application/octet-stream; name=\"lombok-pantai.raw\"\r\n"
                   "Content-Disposition: attachment; filename=\"lombok-pantai.raw\"\r\n"
                   "Content-Transfer-Encoding: base64\r\n"
                   "\r\n");
  for (gsize i = 0; i < encoded_length; i += 76)
    {
      g_string_append_len (message, encoded + i, (gssize) MIN (76, encoded_length - i));
      g_string_append (message, "\r\n");
    }
  g_string_append (message, "--besar--\r\n");
  return g_string_free_to_bytes (message);
}

static gboolean
has_spool_files (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, ".kabar-body-"))
      return TRUE;
  return FALSE;
}

static void
test_large_message_goes_through_a_file (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GBytes) large = large_message ();
  g_autoptr(GBytes) small = add_message (fixture, indonesian_text);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  const guint32 uids[] = { 2, 1 };
  gint64 start;

  g_assert_cmpuint (g_bytes_get_size (large), >, KABAR_IMAP_BODY_MEMORY_MAX);
  kabar_test_bed_add_message (get_bed (), fixture->user, "INBOX", large, "",
                              g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  sync_inbox (fixture);

  start = g_get_monotonic_time ();
  g_assert_cmpuint (fetch_bodies (fixture, uids, G_N_ELEMENTS (uids)), ==, 2);
  g_test_message ("%" G_GSIZE_FORMAT " bytes fetched and stored in %.2f s", g_bytes_get_size (large),
                  kabar_test_seconds_since (start));
  first = stored_body (fixture, 1);
  second = stored_body (fixture, 2);
  assert_bytes_equal (first, small);
  assert_bytes_equal (second, large);
  g_assert_cmpuint (count_search (fixture, "lombok"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "pantai.raw"), ==, 1);
  g_assert_false (has_spool_files (fixture->directory));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/bodies/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("bodies-are-stored-byte-exact-and-searchable", test_bodies_are_stored_byte_exact_and_searchable);
  ADD ("fetching-twice-is-harmless", test_fetching_twice_is_harmless);
  ADD ("folder-is-examined-when-not-selected", test_folder_is_examined_when_not_selected);
  ADD ("uids-gone-from-the-server-are-skipped", test_uids_gone_from_the_server_are_skipped);
  ADD ("new-uidvalidity-fetches-nothing", test_new_uidvalidity_fetches_nothing);
  ADD ("folder-whose-first-sync-was-cut-short", test_folder_whose_first_sync_was_cut_short);
  ADD ("large-message-goes-through-a-file", test_large_message_goes_through_a_file);
#undef ADD

  status = g_test_run ();
  if (shared_bed != NULL)
    kabar_test_bed_stop (shared_bed);
  g_clear_object (&shared_bed);
  return status;
}
