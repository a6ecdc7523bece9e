/* test-pop3-kill.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A process killed in the middle of a POP download, under each policy
 * that keeps or deletes the server's copies: the store it leaves must
 * open and hold only whole batches, and a check in another process must
 * finish the work, downloading only what is missing, so that every
 * message of the server is in the store exactly once and the server
 * holds what the policy says. The download runs in kabar-pop3-child,
 * which says how far it got after each commit; the test kills it after
 * the first commit, after later ones, after the last one (before it read
 * the messages' texts for search), while it runs free, while its DELEs
 * are out, and after the server carried out its QUIT but before the
 * reply arrived. Whatever the moment, the next check leaves every message
 * searchable by what its body says, with its snippet.
 *
 * The last two need to see the commands, so the child talks plain POP3
 * (Dovecot takes it on 127.0.0.1) through a relay of this test that
 * holds back the server's replies from a chosen command on.
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "kabar-pop3-download-test.h"
#include "kabar-test-wait.h"

#define FOLDER_SIZE 3000
/* 50 first, then 14 of 200 and one of 150: 16 commits. */
#define BATCH_SIZE  200
#define N_BATCHES   16
/* How long the relay may wait for the child to get somewhere before the
 * test gives up on it (a bound, not a measure). */
#define RELAY_WAIT_SECONDS 60

/* --- a relay that sees the commands ------------------------------------------------ */

typedef enum
{
  HOLD_FROM_DELE,
  HOLD_FROM_QUIT,
} Hold;

typedef struct
{
  Hold      hold;
  guint16   target_port;
  GSocket  *listener;
  guint16   port;
  GThread  *thread;
  GSocket  *client;
  GSocket  *server;
  /* What the client sent, up to its last line end. */
  GString  *partial;
  GMutex    lock;
  GCond     changed;
  /* From then on the server's replies are read and dropped. */
  gboolean  holding;
  gboolean  deleting;
  gboolean  quit_sent;
  /* The server answered QUIT: it removed what DELE marked. */
  gboolean  quit_answered;
} Relay;

static gboolean
send_all (GSocket    *socket,
          const char *data,
          gssize      n)
{
  while (n > 0)
    {
      gssize sent = g_socket_send (socket, data, n, NULL, NULL);

      if (sent <= 0)
        return FALSE;
      data += sent;
      n -= sent;
    }
  return TRUE;
}

/* Called before the chunk goes on, so no reply to a held command can
 * slip through. */
static void
see_commands (Relay      *relay,
              const char *data,
              gssize      n)
{
  char *end;

  g_string_append_len (relay->partial, data, n);
  while ((end = strstr (relay->partial->str, "\r\n")) != NULL)
    {
      gboolean dele = g_ascii_strncasecmp (relay->partial->str, "DELE ", 5) == 0;
      gboolean quit = g_ascii_strncasecmp (relay->partial->str, "QUIT\r\n", 6) == 0;

      g_mutex_lock (&relay->lock);
      if (dele && !relay->deleting)
        {
          relay->deleting = TRUE;
          relay->holding |= relay->hold == HOLD_FROM_DELE;
        }
      if (quit)
        {
          relay->quit_sent = TRUE;
          relay->holding |= relay->hold == HOLD_FROM_QUIT;
        }
      g_cond_broadcast (&relay->changed);
      g_mutex_unlock (&relay->lock);
      g_string_erase (relay->partial, 0, end + 2 - relay->partial->str);
    }
}

static gpointer
pump_down (gpointer data)
{
  Relay *relay = data;
  char buffer[16384];
  gssize n;

  while ((n = g_socket_receive (relay->server, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      gboolean holding;

      g_mutex_lock (&relay->lock);
      holding = relay->holding;
      if (holding && relay->quit_sent && n >= 3 && memcmp (buffer, "+OK", 3) == 0)
        relay->quit_answered = TRUE;
      g_cond_broadcast (&relay->changed);
      g_mutex_unlock (&relay->lock);
      if (!holding && !send_all (relay->client, buffer, n))
        break;
    }
  g_socket_shutdown (relay->client, FALSE, TRUE, NULL);
  return NULL;
}

/* One connection, the child's; ends when the child is killed. */
static gpointer
relay_run (gpointer data)
{
  Relay *relay = data;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) target = g_inet_socket_address_new (loopback, relay->target_port);
  GThread *down;
  char buffer[16384];
  gssize n;

  relay->client = g_socket_accept (relay->listener, NULL, NULL);
  if (relay->client == NULL)
    return NULL;
  relay->server = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                G_SOCKET_PROTOCOL_TCP, NULL);
  g_socket_set_timeout (relay->client, RELAY_WAIT_SECONDS);
  g_socket_set_timeout (relay->server, RELAY_WAIT_SECONDS);
  if (!g_socket_connect (relay->server, target, NULL, NULL))
    return NULL;
  down = g_thread_new ("kabar-relay-down", pump_down, relay);
  while ((n = g_socket_receive (relay->client, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      see_commands (relay, buffer, n);
      if (!send_all (relay->server, buffer, n))
        break;
    }
  /* Without QUIT, Dovecot keeps what DELE marked. */
  g_socket_shutdown (relay->server, FALSE, TRUE, NULL);
  g_thread_join (down);
  return NULL;
}

static Relay *
relay_new (guint16 target_port,
           Hold    hold)
{
  Relay *relay = g_new0 (Relay, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  relay->hold = hold;
  relay->target_port = target_port;
  relay->partial = g_string_new (NULL);
  g_mutex_init (&relay->lock);
  g_cond_init (&relay->changed);
  relay->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (relay->listener, RELAY_WAIT_SECONDS);
  g_socket_bind (relay->listener, any_port, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (relay->listener, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (relay->listener, &error);
  g_assert_no_error (error);
  relay->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  relay->thread = g_thread_new ("kabar-relay", relay_run, relay);
  return relay;
}

static void
relay_free (Relay *relay)
{
  g_thread_join (relay->thread);
  g_clear_object (&relay->client);
  g_clear_object (&relay->server);
  g_object_unref (relay->listener);
  g_string_free (relay->partial, TRUE);
  g_mutex_clear (&relay->lock);
  g_cond_clear (&relay->changed);
  g_free (relay);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Relay, relay_free)

static void
relay_wait (Relay          *relay,
            const gboolean *flag,
            const char     *what)
{
  gint64 deadline = g_get_monotonic_time () + RELAY_WAIT_SECONDS * G_TIME_SPAN_SECOND;

  g_mutex_lock (&relay->lock);
  while (!*flag)
    if (!g_cond_wait_until (&relay->changed, &relay->lock, deadline))
      g_error ("The child never got to %s", what);
  g_mutex_unlock (&relay->lock);
}

/* --- the fixture ------------------------------------------------------------------- */

typedef enum
{
  /* After the given commit, the child held there. */
  KILL_AT_COMMIT,
  /* At the given commit, the child running on. */
  KILL_RUNNING,
  /* Its DELEs sent, none answered. */
  KILL_WHILE_DELETING,
  /* Its QUIT carried out, the reply held back. */
  KILL_BEFORE_QUIT_REPLY,
} KillPoint;

typedef struct
{
  KabarPopServerCopies copies;
  KillPoint            point;
  guint                commit;
} Case;

typedef struct
{
  char         *user;
  KabarAccount *account;
  char         *directory;
  char         *account_path;
  char         *store_path;
  /* "Message <i>" for every message the server held at the start. */
  GHashTable   *expected;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const Case *test_case = data;
  g_autoptr(GError) error = NULL;

  fixture->user = kabar_pop3_download_test_new_user ();
  kabar_test_bed_fill_folder (kabar_pop3_download_test_get_bed (), fixture->user, "INBOX",
                              FOLDER_SIZE, &error);
  g_assert_no_error (error);
  fixture->account = kabar_pop3_download_test_account (fixture->user, 0, test_case->copies);
  /* Required in an account's file; this test never sends. */
  kabar_account_set_server (fixture->account, KABAR_SERVER_OUTGOING, KABAR_TEST_BED_HOST, 465,
                            KABAR_SECURITY_IMPLICIT_TLS, fixture->user);
  fixture->directory = g_dir_make_tmp ("kabar-pop3-kill-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->account_path = g_build_filename (fixture->directory, "account.ini", NULL);
  fixture->store_path = g_build_filename (fixture->directory, "store.db", NULL);
  fixture->expected = kabar_pop3_download_test_server_subjects (fixture->user);
  g_assert_cmpuint (g_hash_table_size (fixture->expected), ==, FOLDER_SIZE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->directory, name, NULL);

      g_remove (path);
    }
  g_rmdir (fixture->directory);
  g_hash_table_unref (fixture->expected);
  g_free (fixture->store_path);
  g_free (fixture->account_path);
  g_free (fixture->directory);
  g_clear_object (&fixture->account);
  g_free (fixture->user);
}

/* The account as the child reads it: the bed's POP3S port, or port in
 * plain text. The fixture's own account stays on POP3S. */
static void
write_account (Fixture *fixture,
               guint16  port)
{
  guint16 pop3s = kabar_test_bed_get_port (kabar_pop3_download_test_get_bed (),
                                           KABAR_TEST_BED_PORT_POP3S);
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GError) error = NULL;

  kabar_account_set_server (fixture->account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST,
                            port != 0 ? port : pop3s,
                            port != 0 ? KABAR_SECURITY_NONE : KABAR_SECURITY_IMPLICIT_TLS,
                            fixture->user);
  key_file = kabar_account_to_key_file (fixture->account, &error);
  g_assert_no_error (error);
  g_key_file_save_to_file (key_file, fixture->account_path, &error);
  g_assert_no_error (error);
  kabar_account_set_server (fixture->account, KABAR_SERVER_INCOMING, KABAR_TEST_BED_HOST, pop3s,
                            KABAR_SECURITY_IMPLICIT_TLS, fixture->user);
}

/* --- the child --------------------------------------------------------------------- */

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *lines;
} Child;

static void
child_start (Child    *child,
             Fixture  *fixture,
             gboolean  step)
{
  g_autofree char *batch_size = g_strdup_printf ("%u", BATCH_SIZE);
  g_autoptr(GError) error = NULL;

  child->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                                     &error, KABAR_POP3_CHILD, fixture->account_path,
                                     fixture->store_path, batch_size, step ? "--step" : NULL,
                                     NULL);
  g_assert_no_error (error);
  child->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child->process));
}

static char *
child_read_line (Child *child)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_data_input_stream_read_line_async (child->lines, G_PRIORITY_DEFAULT, NULL,
                                       kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  line = g_data_input_stream_read_line_finish (child->lines, result, NULL, &error);
  g_assert_no_error (error);
  return line;
}

/* The next progress line's DONE; fails on anything else. */
static guint
child_read_progress (Child *child)
{
  g_autofree char *line = child_read_line (child);
  guint done = 0, total = 0;

  if (line == NULL || !g_str_has_prefix (line, "progress "))
    g_error ("The child ended its download before it was killed: %s", line);
  g_assert_cmpint (sscanf (line, "progress %u %u", &done, &total), ==, 2);
  g_assert_cmpuint (total, ==, FOLDER_SIZE);
  return done;
}

static void
child_go_on (Child *child)
{
  GOutputStream *input = g_subprocess_get_stdin_pipe (child->process);
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all_async (input, "go\n", 3, G_PRIORITY_DEFAULT, NULL,
                                   kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_output_stream_write_all_finish (input, result, NULL, &error);
  g_assert_no_error (error);
}

static void
child_kill (Child *child)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (child->process, SIGKILL);
  g_subprocess_wait (child->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child->process));
  g_assert_cmpint (g_subprocess_get_term_sig (child->process), ==, SIGKILL);
  g_clear_object (&child->lines);
  g_clear_object (&child->process);
}

/* Held at each commit until the one wanted, killed there; returns the
 * messages it said were stored. */
static guint
kill_at_commit (Fixture *fixture,
                guint    commit)
{
  Child child = { NULL };
  guint done = 0;

  write_account (fixture, 0);
  child_start (&child, fixture, TRUE);
  for (guint i = 1; i <= commit; i++)
    {
      done = child_read_progress (&child);
      if (i < commit)
        child_go_on (&child);
    }
  child_kill (&child);
  return done;
}

/* Running free, killed as soon as the commit is reported: later commits
 * may be under way. */
static guint
kill_running (Fixture *fixture,
              guint    commit)
{
  Child child = { NULL };
  guint done = 0;

  write_account (fixture, 0);
  child_start (&child, fixture, FALSE);
  for (guint i = 1; i <= commit; i++)
    done = child_read_progress (&child);
  child_kill (&child);
  return done;
}

static void
kill_through_relay (Fixture *fixture,
                    Hold     hold)
{
  guint16 pop3 = kabar_test_bed_get_port (kabar_pop3_download_test_get_bed (),
                                          KABAR_TEST_BED_PORT_POP3);
  g_autoptr(Relay) relay = relay_new (pop3, hold);
  Child child = { NULL };

  write_account (fixture, relay->port);
  child_start (&child, fixture, FALSE);
  if (hold == HOLD_FROM_DELE)
    relay_wait (relay, &relay->deleting, "its DELEs");
  else
    relay_wait (relay, &relay->quit_answered, "QUIT's reply");
  child_kill (&child);
}

/* --- after the kill ---------------------------------------------------------------- */

static guint
count_on_server (Fixture *fixture)
{
  g_autoptr(GHashTable) server = kabar_pop3_download_test_server_subjects (fixture->user);

  return g_hash_table_size (server);
}

/* The store opens; it holds each message at most once, only messages of
 * the server, at least those reported; held at a commit, exactly the
 * newest ones reported. Returns how many it holds. */
static guint
assert_left (Fixture *fixture,
             guint    reported,
             gboolean exactly)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (fixture->store_path, &error);
  g_autoptr(GHashTable) stored = NULL;
  GHashTableIter iter;
  gpointer subject;
  gpointer times;

  g_assert_no_error (error);
  stored = kabar_pop3_download_test_store_subjects (store, 0);
  g_hash_table_iter_init (&iter, stored);
  while (g_hash_table_iter_next (&iter, &subject, &times))
    {
      if (!g_hash_table_contains (fixture->expected, subject))
        g_error ("\"%s\" is in the store and was never on the server", (const char *) subject);
      if (GPOINTER_TO_UINT (times) != 1)
        g_error ("\"%s\" is in the store %u times", (const char *) subject, GPOINTER_TO_UINT (times));
    }
  if (exactly)
    {
      g_assert_cmpuint (g_hash_table_size (stored), ==, reported);
      /* Newest first: the highest message numbers. */
      for (guint i = FOLDER_SIZE - reported + 1; i <= FOLDER_SIZE; i++)
        {
          g_autofree char *wanted = g_strdup_printf ("Message %u", i);

          g_assert_true (g_hash_table_contains (stored, wanted));
        }
    }
  g_assert_cmpuint (g_hash_table_size (stored), >=, reported);
  g_test_message ("killed with %u of %u reported, %u stored", reported, FOLDER_SIZE,
                  g_hash_table_size (stored));
  return g_hash_table_size (stored);
}

/* How many messages search finds by a word only their body has ("This
 * is message N of M in INBOX."), each once. */
static guint
count_found_by_body (KabarStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) found = kabar_store_search (store, "inbox", 0, 10 * FOLDER_SIZE, &error);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);

  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    g_hash_table_add (ids, &g_array_index (found, gint64, i));
  g_assert_cmpuint (g_hash_table_size (ids), ==, found->len);
  return found->len;
}

/* Held at a commit, the child never got to reading the texts: the
 * messages it stored are listed, and not yet found by their bodies. */
static void
assert_texts_unread (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (fixture->store_path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (count_found_by_body (store), ==, 0);
}

/* Every message found by search once, by its subject and by its body,
 * and shown with its snippet: the index and the texts agree with the
 * messages. */
static void
assert_searchable (KabarStore *store,
                   gint64      folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);

  /* The check that finished the download read and indexed what the
   * killed one left out: search finds every message without help. */
  found = kabar_store_search (store, "message", 0, 10 * FOLDER_SIZE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    g_hash_table_add (ids, &g_array_index (found, gint64, i));
  g_assert_cmpuint (found->len, ==, FOLDER_SIZE);
  g_assert_cmpuint (g_hash_table_size (ids), ==, FOLDER_SIZE);
  g_assert_cmpuint (count_found_by_body (store), ==, FOLDER_SIZE);
  listed = kabar_store_list_messages (store, folder_id, 0, 10 * FOLDER_SIZE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, FOLDER_SIZE);
  for (guint i = 0; i < listed->len; i++)
    {
      const KabarMessageSummary *summary = g_ptr_array_index (listed, i);

      g_assert_true (g_str_has_prefix (summary->preview, "This is message "));
    }
}

/* The parent's own check on what the child left: only what was missing
 * comes, then the store holds every message once and the server what
 * the policy says. */
static void
finish (Fixture *fixture,
        guint    stored,
        guint    on_server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarStore) store = kabar_store_open (fixture->store_path, &error);
  g_autoptr(GHashTable) local = NULL;
  KabarPop3DownloadOptions options = { .batch_size = BATCH_SIZE };
  KabarPop3DownloadResult result = { 0 };
  gboolean deletes = kabar_account_get_pop_server_copies (fixture->account)
                     == KABAR_POP_DELETE_AFTER_DOWNLOAD;

  g_assert_no_error (error);
  g_assert_true (kabar_pop3_download_run (fixture->account, store, &options, &result, NULL, NULL,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.listed, ==, on_server);
  g_assert_cmpuint (result.downloaded, ==, FOLDER_SIZE - stored);
  g_assert_cmpuint (result.skipped, ==, 0);
  g_assert_cmpuint (result.deleted, ==, deletes ? on_server : 0);
  local = kabar_pop3_download_test_store_subjects (store, 0);
  kabar_pop3_download_test_assert_same (fixture->expected, local);
  assert_searchable (store, result.folder_id);
  if (deletes)
    g_assert_cmpuint (count_on_server (fixture), ==, 0);
  else
    {
      g_autoptr(GHashTable) server = kabar_pop3_download_test_server_subjects (fixture->user);

      kabar_pop3_download_test_assert_same (fixture->expected, server);
    }
}

static void
test_killed (Fixture       *fixture,
             gconstpointer  data)
{
  const Case *test_case = data;
  guint reported;
  guint stored;

  switch (test_case->point)
    {
    case KILL_AT_COMMIT:
      reported = kill_at_commit (fixture, test_case->commit);
      stored = assert_left (fixture, reported, TRUE);
      assert_texts_unread (fixture);
      break;
    case KILL_RUNNING:
      reported = kill_running (fixture, test_case->commit);
      stored = assert_left (fixture, reported, FALSE);
      g_assert_cmpuint (stored, <, FOLDER_SIZE);
      break;
    case KILL_WHILE_DELETING:
      kill_through_relay (fixture, HOLD_FROM_DELE);
      stored = assert_left (fixture, FOLDER_SIZE, TRUE);
      break;
    case KILL_BEFORE_QUIT_REPLY:
      kill_through_relay (fixture, HOLD_FROM_QUIT);
      stored = assert_left (fixture, FOLDER_SIZE, TRUE);
      /* The server did it; the store was never told. */
      g_assert_cmpuint (count_on_server (fixture), ==, 0);
      finish (fixture, stored, 0);
      return;
    default:
      g_assert_not_reached ();
    }
  /* Nothing is deleted before the download is whole, nor without QUIT. */
  g_assert_cmpuint (count_on_server (fixture), ==, FOLDER_SIZE);
  finish (fixture, stored, FOLDER_SIZE);
}

int
main (int   argc,
      char *argv[])
{
  static const Case cases[] = {
    { KABAR_POP_LEAVE_ON_SERVER, KILL_AT_COMMIT, 1 },
    { KABAR_POP_LEAVE_ON_SERVER, KILL_AT_COMMIT, 4 },
    { KABAR_POP_LEAVE_ON_SERVER, KILL_AT_COMMIT, N_BATCHES - 1 },
    { KABAR_POP_LEAVE_ON_SERVER, KILL_AT_COMMIT, N_BATCHES },
    { KABAR_POP_LEAVE_ON_SERVER, KILL_RUNNING, N_BATCHES / 2 },
    { KABAR_POP_DELETE_AFTER_DOWNLOAD, KILL_AT_COMMIT, 1 },
    { KABAR_POP_DELETE_AFTER_DOWNLOAD, KILL_AT_COMMIT, 9 },
    { KABAR_POP_DELETE_AFTER_DOWNLOAD, KILL_AT_COMMIT, N_BATCHES },
    { KABAR_POP_DELETE_AFTER_DOWNLOAD, KILL_RUNNING, 3 },
    { KABAR_POP_DELETE_AFTER_DOWNLOAD, KILL_WHILE_DELETING, 0 },
    { KABAR_POP_DELETE_AFTER_DOWNLOAD, KILL_BEFORE_QUIT_REPLY, 0 },
  };
  static const char *const paths[] = {
    "/pop3/kill/leave/at-the-first-commit",
    "/pop3/kill/leave/at-commit-4",
    "/pop3/kill/leave/at-the-last-but-one-commit",
    "/pop3/kill/leave/at-the-last-commit-before-the-texts",
    "/pop3/kill/leave/running-half-way",
    "/pop3/kill/delete/at-the-first-commit",
    "/pop3/kill/delete/at-commit-9",
    "/pop3/kill/delete/at-the-last-commit",
    "/pop3/kill/delete/running-early",
    "/pop3/kill/delete/while-deleting",
    "/pop3/kill/delete/before-quit-reply",
  };
  int status;

  G_STATIC_ASSERT (G_N_ELEMENTS (cases) == G_N_ELEMENTS (paths));
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add (paths[i], Fixture, &cases[i], fixture_set_up, test_killed, fixture_tear_down);
  status = g_test_run ();
  kabar_pop3_download_test_stop_bed ();
  return status;
}
