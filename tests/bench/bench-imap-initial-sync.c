/* bench-imap-initial-sync.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 3's sync benchmarks: the first header sync of a large INBOX in the
 * test bed's Dovecot into the store, set against what the same commands
 * cost a bare client on the same kind of connection in the same run, and
 * the resyncs of that folder. Not a test: it prints figures, to compare
 * before and after a change.
 *
 * The bed is filled once, then warmed: the first SELECT indexes the maildir
 * and the first fetch of the sync's items reads and parses every file into
 * Dovecot's cache (for 100,000 messages several seconds, many times a warm
 * fetch), so that no run pays for them. Then each run, in turn:
 * - bare read: plain GIO and TLS, the sync's own commands, SELECT INBOX
 *   (CONDSTORE), UID SEARCH RETURN (ALL) ALL and the FETCH of FETCH_ITEMS
 *   (as one 1:*, where the sync asks in chunks, newest first), everything
 *   up to each tagged OK read in large pieces and dropped. The floor no
 *   client can beat: the server and TLS. Signing in is not timed.
 * - engine read: the same commands through KabarConnection and
 *   KabarImapParser, touching what the sync takes of every message but
 *   storing nothing. The floor of Kabar's sync: its network and parse path.
 *   A 10 ms timer on the same main context measures how long the loop is
 *   kept from other work.
 * - sync: kabar_imap_sync_folder() of INBOX into a new store, on a worker
 *   thread with a main context of its own, as the app runs it, over a
 *   session signed in with CONDSTORE and QRESYNC enabled (not timed), until
 *   it returns: then every message is committed, ready to list. The main
 *   thread meanwhile runs the 10 ms timer: the app's UI thread, which must
 *   never wait for the sync.
 * - resyncs of the folder, each on a store synced once before the first
 *   run (not timed), and brought up to the server's state again before
 *   each run (not timed either): with nothing changed, and after 10
 *   messages' \Flagged was toggled from another connection; with CONDSTORE
 *   and QRESYNC enabled, and with neither, when the sync fetches every
 *   message's flags. Dovecot still gets SELECT (CONDSTORE) then, which
 *   makes it add MODSEQ to each flag reply: Outlook.com's replies would be
 *   a little shorter.
 *
 * Each run prints its time (for the engine read and the sync also against
 * the bare read of the same run), for the reads the bytes and reads they
 * took, this process's CPU time and Dovecot's (its imap and imap-login
 * processes, which share the machine's cores with us), and the peak RSS of
 * the process during that run alone (the kernel's high-water mark, reset
 * before each run). The summary gives min, median and max, the ratios to
 * the bare read, and the issue's goals, met or not. Wall times swing by a
 * third between runs on a 2-core machine, far more when other work runs:
 * compare medians of several runs, and the CPU times, which are steadier.
 * The longest main-loop block is the calling thread's longest wait; the
 * part of it the kernel counted as waiting for a CPU is printed apart.
 *
 * The bench keeps the two resync stores open throughout, each with
 * SQLite's page caches: later runs start from a higher RSS than the first.
 *
 * Run as root (the bed's Dovecot), with the bed on a tmpfs, which makes the
 * fill and Dovecot's index writes much faster than a disk; the stores go
 * into the bed's folder, so on the tmpfs too:
 *
 *   ninja -C _build tests/bench/bench-imap-initial-sync
 *   KABAR_TEST_TMPDIR=/dev/shm _build/tests/bench/bench-imap-initial-sync [--count N] [--runs R]
 *
 * To profile one measure alone (the fill and warm-up take about 10 s):
 *
 *   KABAR_TEST_TMPDIR=/dev/shm perf record -F 400 --call-graph dwarf -D 11000 -- \
 *     _build/tests/bench/bench-imap-initial-sync --only sync --runs 2
 *
 * perf follows the sync's worker ("bench-sync"), the store's writer and
 * GIO's read threads ("pool-...") alike: perf report --sort comm,sym.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kabar-connection.h"
#include "kabar-imap-folder-sync.h"
#include "kabar-imap-parser.h"
#include "kabar-imap-session.h"
#include "kabar-imap-summary.h"
#include "kabar-store.h"
#include "kabar-sync-wait.h"
#include "kabar-test-bed.h"

#define USER               "alice@kabar.test"
/* What the sync's session sends for new mail with CONDSTORE enabled
 * (kabar_imap_summary_fetch_items (TRUE) and the header fields, in the
 * order kabar-imap-session-messages.c writes them); check_fetch_items()
 * makes sure the two still agree. */
#define FETCH_ITEMS        "(UID FLAGS MODSEQ INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE " \
                           "BODY.PEEK[HEADER.FIELDS (REFERENCES)])"
#define FETCH_COMMAND      "UID FETCH 1:* " FETCH_ITEMS
/* What the sync sends before its FETCH, on a first sync over a session
 * with CONDSTORE enabled and ESEARCH offered. */
#define SELECT_COMMAND     "SELECT INBOX (CONDSTORE)"
#define SEARCH_COMMAND     "UID SEARCH RETURN (ALL) ALL"
#define TIMEOUT_SECONDS    120
/* TLS hands out one record (16 KiB) a read at most; bigger costs nothing. */
#define BARE_BUFFER_SIZE   (1024 * 1024)
#define LITERAL_CHUNK      (256 * 1024)
#define TICK_MS            10
/* Messages whose flags another client changes before a resync. */
#define FLAG_CHANGES       10

/* The issue's goals. */
#define GOAL_SYNC_RATIO             1.5
#define GOAL_RESYNC_CONDSTORE_S     0.2
#define GOAL_RESYNC_PLAIN_S         2.0
#define GOAL_PEAK_RSS_MB            150.0
#define GOAL_LONGEST_BLOCK_MS       50.0

/* A store synced once, that the resyncs of one kind start from. */
typedef struct
{
  char       *path;
  KabarStore *store;
  gint64      folder_id;
} SyncedStore;

/* What every measure shares: the running bed and how to reach it. */
typedef struct
{
  KabarTestBed    *bed;
  const char      *password;
  guint16          port;
  GTlsCertificate *certificate;
  guint            count;
  /* Whether the FLAG_CHANGES messages are \Flagged now. */
  gboolean         flagged;
  guint            stores_made;
  /* With CONDSTORE and QRESYNC ([1]) and without ([0]). */
  SyncedStore      synced[2];
} Bench;

typedef struct
{
  double  seconds;             /* reads: from sending the first timed command
                                * to reading the last one's tagged OK; syncs:
                                * the call of kabar_imap_sync_folder() */
  double  cpu_seconds;         /* of this process, in that time */
  double  server_cpu_seconds;  /* of Dovecot's processes, in that time */
  guint64 bytes;               /* received in that time; 0 when not counted */
  guint   reads;               /* bare: socket reads; engine: reads that went
                                * through the main loop (each one or more) */
  guint   messages;            /* FETCH responses parsed, or messages a sync
                                * added; 0 when neither */
  double  peak_rss_mib;        /* of the process, in this run alone */
  double  start_rss_mib;       /* when the run started: what earlier runs and
                                * the allocator's arenas of their threads kept */
  gboolean sync;               /* a sync: the counts below are its result */
  guint   removed;
  guint   flags_changed;
  gint64  longest_block;       /* microseconds; -1 when not measured */
  /* In that tick gap (the block and the interval before it), how long the
   * loop's thread ran, and waited runnable for a CPU; microseconds. */
  gint64  longest_block_ran;
  gint64  longest_block_waited;
  /* The longest lateness of a tick less the thread's wait for a CPU in
   * its gap: a lower bound of the loop's own longest stall. */
  gint64  longest_own_block;
} Measurement;

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* The client shares the cores with Dovecot: the wall clock alone does not
 * say how much of a core it needed. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Per process: Dovecot starts one imap process a connection, and the
 * previous connection's may exit meanwhile. */
static GHashTable *
server_cpu_ticks (Bench *bench)
{
  g_autoptr(GArray) pids = kabar_test_bed_list_pids (bench->bed);
  GHashTable *ticks = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < pids->len; i++)
    {
      int pid = g_array_index (pids, int, i);
      g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
      g_autofree char *stat = NULL;
      const char *after_name;
      unsigned long utime, stime;

      /* Fields 14 and 15, counted after the parenthesised name. */
      if (!g_file_get_contents (path, &stat, NULL, NULL)
          || (after_name = strrchr (stat, ')')) == NULL
          || sscanf (after_name, ") %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        continue;
      g_hash_table_insert (ticks, GINT_TO_POINTER (pid), GSIZE_TO_POINTER (utime + stime));
    }
  return ticks;
}

static double
server_cpu_seconds_since (Bench      *bench,
                          GHashTable *before)
{
  g_autoptr(GHashTable) after = server_cpu_ticks (bench);
  GHashTableIter iter;
  gpointer pid, ticks;
  gsize total = 0;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &pid, &ticks))
    total += GPOINTER_TO_SIZE (ticks) - GPOINTER_TO_SIZE (g_hash_table_lookup (before, pid));
  return total / (double) sysconf (_SC_CLK_TCK);
}

/* The highest of every peak read: the whole process's, as resetting the
 * high-water mark below also resets what getrusage() reports. */
static double process_peak_rss_mib;

/* A "Vm...:" line of /proc/self/status, in MiB; -1 if not found. */
static double
status_mib (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *key = g_strdup_printf ("\n%s:", field);
  const char *line;
  unsigned long kib;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, key)) == NULL
      || sscanf (line + strlen (key), " %lu kB", &kib) != 1)
    return -1;
  return kib / 1024.0;
}

/* The peak RSS since the last reset_peak_rss(). */
static double
peak_rss_mib (void)
{
  double peak = status_mib ("VmHWM");

  if (peak < 0)
    {
      struct rusage usage;

      getrusage (RUSAGE_SELF, &usage);
      peak = usage.ru_maxrss / 1024.0;   /* Linux counts KiB */
    }
  process_peak_rss_mib = MAX (process_peak_rss_mib, peak);
  return peak;
}

/* Each measure's own peak: the kernel's high-water mark (VmHWM) can be
 * reset (Linux 4.0), so a measure after the sync is not given the sync's
 * peak. FALSE when the reset is refused: the figures are then the peak so
 * far. */
static gboolean
reset_peak_rss (void)
{
  int fd;
  gboolean ok;

  /* Nothing of the process's peak is lost. */
  peak_rss_mib ();
  fd = open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  ok = write (fd, "5", 1) == 1;
  close (fd);
  return ok;
}

/* "32,000": rates of six digits are hard to read at a glance. */
static char *
format_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *text = g_string_new (NULL);
  gsize length = strlen (digits);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append_c (text, ',');
      g_string_append_c (text, digits[i]);
    }
  return g_string_free (text, FALSE);
}

/* --- the bare client --------------------------------------------------------- */

/* Blocking plain GIO: no main loop, no parsing, no copies but TLS's. */
typedef struct
{
  GIOStream *stream;
  char      *buffer;
  gsize      length;     /* bytes in buffer: what follows the last line read */
  guint      reads;
} BareClient;

static gboolean
on_bare_accept_certificate (GTlsConnection       *connection,
                            GTlsCertificate      *peer_certificate,
                            GTlsCertificateFlags  errors,
                            gpointer              user_data)
{
  return g_tls_certificate_is_same (peer_certificate, user_data);
}

static void
on_bare_client_event (GSocketClient      *client,
                      GSocketClientEvent  event,
                      GSocketConnectable *connectable,
                      GIOStream          *connection,
                      gpointer            user_data)
{
  /* Only now is the TLS connection there to hear about the certificate. */
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_signal_connect (connection, "accept-certificate", G_CALLBACK (on_bare_accept_certificate), user_data);
}

static void
bare_client_free (BareClient *client)
{
  if (client->stream != NULL)
    g_io_stream_close (client->stream, NULL, NULL);
  g_clear_object (&client->stream);
  g_free (client->buffer);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BareClient, bare_client_free)

/* Reads and drops everything up to and including the first line that
 * starts with "<tag> " ("*" for the greeting), and returns that line.
 * Only line starts can match: the buffer always begins just after an LF.
 * An IMAP literal could hold such a line, but not with our tags. */
static char *
bare_read_until (BareClient  *client,
                 const char  *tag,
                 guint64     *received,
                 GError     **error)
{
  g_autofree char *needle = g_strdup_printf ("\n%s ", tag);
  gsize needle_length = strlen (needle);
  const char *start = NULL;
  const char *end = NULL;
  char *line;

  while (end == NULL)
    {
      gssize n;

      if (start == NULL && (start = memmem (client->buffer, client->length, needle, needle_length)) == NULL)
        {
          gsize keep = MIN (client->length, needle_length - 1);

          memmove (client->buffer, client->buffer + client->length - keep, keep);
          client->length = keep;
        }
      if (start != NULL && (end = memchr (start + 1, '\n', client->buffer + client->length - start - 1)) != NULL)
        break;
      if (client->length == BARE_BUFFER_SIZE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE, "Dovecot sent a tagged line too long");
          return NULL;
        }
      n = g_input_stream_read (g_io_stream_get_input_stream (client->stream), client->buffer + client->length,
                               BARE_BUFFER_SIZE - client->length, NULL, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "Dovecot closed the connection");
          return NULL;
        }
      client->length += n;
      client->reads++;
      *received += n;
    }
  line = g_strndup (start + 1, end - start - 1);
  /* Keep the LF: the next search needs a line start before it. */
  client->length -= end - client->buffer;
  memmove (client->buffer, end, client->length);
  return line;
}

static gboolean
bare_command (BareClient  *client,
              const char  *tag,
              const char  *command,
              guint64     *received,
              GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%s %s\r\n", tag, command);
  g_autofree char *tagged = NULL;
  gsize tag_length = strlen (tag);

  if (!g_output_stream_write_all (g_io_stream_get_output_stream (client->stream), text, strlen (text),
                                  NULL, NULL, error))
    return FALSE;
  tagged = bare_read_until (client, tag, received, error);
  if (tagged == NULL)
    return FALSE;
  if (strncmp (tagged + tag_length, " OK", 3) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", command, tagged);
      return FALSE;
    }
  return TRUE;
}

/* Signed in and with CONDSTORE and QRESYNC enabled, as the sync's
 * session is; no mailbox selected. */
static BareClient *
bare_connect (Bench   *bench,
              GError **error)
{
  g_autoptr(BareClient) client = g_new0 (BareClient, 1);
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autofree char *greeting = NULL;
  g_autofree char *login = NULL;
  guint64 received = 0;

  g_socket_client_set_tls (socket_client, TRUE);
  g_signal_connect (socket_client, "event", G_CALLBACK (on_bare_client_event), bench->certificate);
  client->stream = G_IO_STREAM (g_socket_client_connect_to_host (socket_client, KABAR_TEST_BED_HOST,
                                                                 bench->port, NULL, error));
  if (client->stream == NULL)
    return NULL;
  client->buffer = g_malloc (BARE_BUFFER_SIZE);
  /* As if a line had just ended, so the greeting's line start matches. */
  client->buffer[0] = '\n';
  client->length = 1;
  login = g_strdup_printf ("LOGIN \"%s\" \"%s\"", USER, bench->password);
  if ((greeting = bare_read_until (client, "*", &received, error)) == NULL
      || !bare_command (client, "b1", login, &received, error)
      || !bare_command (client, "b2", "ENABLE CONDSTORE QRESYNC", &received, error))
    return NULL;
  return g_steal_pointer (&client);
}

/* The commands (NULL-terminated) one after the other, timed together;
 * also the warm-up, which needs no figures but the time. */
static gboolean
bare_run (Bench               *bench,
          const char * const  *commands,
          Measurement         *result,
          GError             **error)
{
  g_autoptr(BareClient) client = bare_connect (bench, error);
  g_autoptr(GHashTable) server_cpu = NULL;
  gint64 start;
  double cpu;

  if (client == NULL)
    return FALSE;
  server_cpu = server_cpu_ticks (bench);
  client->reads = 0;
  start = g_get_monotonic_time ();
  cpu = cpu_seconds ();
  for (guint i = 0; commands[i] != NULL; i++)
    {
      g_autofree char *tag = g_strdup_printf ("b%u", i + 3);

      if (!bare_command (client, tag, commands[i], &result->bytes, error))
        return FALSE;
    }
  result->reads = client->reads;
  result->seconds = seconds_since (start);
  result->cpu_seconds = cpu_seconds () - cpu;
  result->server_cpu_seconds = server_cpu_seconds_since (bench, server_cpu);
  return TRUE;
}

/* The sync's commands, in the sync's order. */
static const char * const sync_commands[] = { SELECT_COMMAND, SEARCH_COMMAND, FETCH_COMMAND, NULL };

static gboolean
measure_bare_read (Bench        *bench,
                   Measurement  *result,
                   GError      **error)
{
  return bare_run (bench, sync_commands, result, error);
}

/* Another client's change: toggles \Flagged on FLAG_CHANGES messages
 * spread over the folder. */
static gboolean
toggle_flags (Bench   *bench,
              GError **error)
{
  g_autoptr(BareClient) client = bare_connect (bench, error);
  g_autoptr(GString) command = g_string_new ("UID STORE ");
  guint64 received = 0;

  if (client == NULL || !bare_command (client, "b3", "SELECT INBOX", &received, error))
    return FALSE;
  for (guint i = 0; i < FLAG_CHANGES; i++)
    g_string_append_printf (command, "%s%u", i > 0 ? "," : "",
                            1 + (guint) ((guint64) i * bench->count / FLAG_CHANGES));
  g_string_append (command, bench->flagged ? " -FLAGS.SILENT (\\Flagged)" : " +FLAGS.SILENT (\\Flagged)");
  /* LOGOUT waits for Dovecot to finish with this connection, so none of
   * its work is counted in the resync that follows. */
  if (!bare_command (client, "b4", command->str, &received, error)
      || !bare_command (client, "b5", "LOGOUT", &received, error))
    return FALSE;
  bench->flagged = !bench->flagged;
  return TRUE;
}

/* --- the engine's read path -------------------------------------------------- */

/* What Kabar's IMAP session does with the connection and the parser, and
 * nothing more: buffered lines are fed at once, the loop is entered only
 * when the buffer runs dry, literals are read by their count. */
typedef struct
{
  KabarConnection *connection;
  KabarImapParser *parser;
  GByteArray      *line;
  guint64          literal_remaining;
  const char      *waiting_tag;      /* NULL: waiting for the greeting */
  gboolean         done;
  KabarImapStatus  status;
  GError          *error;
  guint64          received;
  guint            reads;            /* that went to the main loop */
  guint            messages;
  guint            incomplete;       /* FETCH responses lacking an item asked for */
  guint64          touched;          /* sums what was read, so none of it is optimised out */
} EngineClient;

static void
engine_client_free (EngineClient *client)
{
  g_clear_object (&client->connection);
  g_clear_pointer (&client->parser, kabar_imap_parser_free);
  g_clear_pointer (&client->line, g_byte_array_unref);
  g_clear_error (&client->error);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EngineClient, engine_client_free)

static void
engine_fail (EngineClient *client,
             GError       *error)
{
  if (client->error == NULL)
    client->error = error;
  else
    g_error_free (error);
  client->done = TRUE;
}

static guint64
touch_string (const KabarImapValue *value)
{
  gsize length = 0;

  return kabar_imap_value_get_string (value, &length) != NULL ? length : 0;
}

static guint64
touch_atom (const KabarImapValue *value)
{
  const char *atom = kabar_imap_value_get_atom (value);

  return atom != NULL ? strlen (atom) : 0;
}

/* What the sync takes from each message: UID, the flags and the
 * envelope's date, subject, addresses and ids; of the other items it asks
 * for, that they are there. */
static void
touch_fetch (EngineClient      *client,
             KabarImapResponse *response)
{
  static const char * const others[] = {
    "MODSEQ", "INTERNALDATE", "RFC822.SIZE", "BODYSTRUCTURE", "BODY[HEADER.FIELDS (REFERENCES)]",
  };
  const KabarImapValue *uid = kabar_imap_response_lookup_fetch_item (response, "UID");
  const KabarImapValue *flags = kabar_imap_response_lookup_fetch_item (response, "FLAGS");
  const KabarImapValue *envelope = kabar_imap_response_lookup_fetch_item (response, "ENVELOPE");
  guint64 number = 0;

  client->messages++;
  if (!kabar_imap_value_get_number (uid, &number)
      || kabar_imap_value_get_kind (flags) != KABAR_IMAP_VALUE_LIST
      || kabar_imap_value_get_list_length (envelope) != 10)
    {
      client->incomplete++;
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (others); i++)
    {
      if (kabar_imap_response_lookup_fetch_item (response, others[i]) == NULL)
        {
          client->incomplete++;
          return;
        }
    }
  client->touched += number;
  for (guint i = 0; i < kabar_imap_value_get_list_length (flags); i++)
    client->touched += touch_atom (kabar_imap_value_get_list_item (flags, i));
  for (guint i = 0; i < 10; i++)
    {
      const KabarImapValue *field = kabar_imap_value_get_list_item (envelope, i);

      /* Address lists: each address's name, route, mailbox and host. */
      for (guint j = 0; j < kabar_imap_value_get_list_length (field); j++)
        for (guint k = 0; k < 4; k++)
          client->touched += touch_string (kabar_imap_value_get_list_item (kabar_imap_value_get_list_item (field, j), k));
      client->touched += touch_string (field);
    }
}

static void
on_engine_response (KabarImapParser   *parser,
                    KabarImapResponse *response,
                    gpointer           user_data)
{
  EngineClient *client = user_data;
  KabarImapResponseKind kind = kabar_imap_response_get_kind (response);

  if (kind == KABAR_IMAP_RESPONSE_UNTAGGED
      && kabar_imap_response_get_data_kind (response) == KABAR_IMAP_DATA_FETCH)
    touch_fetch (client, response);
  else if (kind == KABAR_IMAP_RESPONSE_UNTAGGED && client->waiting_tag == NULL)
    {
      client->status = kabar_imap_response_get_status (response);
      client->done = TRUE;
    }
  else if (kind == KABAR_IMAP_RESPONSE_TAGGED
           && g_strcmp0 (kabar_imap_response_get_tag (response), client->waiting_tag) == 0)
    {
      client->status = kabar_imap_response_get_status (response);
      client->done = TRUE;
    }
}

/* The size a line announces at its end ("{123}", "{123+}", "~{123}"). */
static gboolean
line_announces_literal (const char *line,
                        gsize       length,
                        guint64    *size)
{
  const char *end = line + length;
  const char *digits_end;
  const char *p;

  if (length == 0 || end[-1] != '}')
    return FALSE;
  digits_end = end - 1;
  if (digits_end > line && digits_end[-1] == '+')
    digits_end--;
  p = digits_end;
  while (p > line && g_ascii_isdigit (p[-1]))
    p--;
  if (p == digits_end || p == line || p[-1] != '{' || digits_end - p > 19)
    return FALSE;
  *size = g_ascii_strtoull (p, NULL, 10);
  return TRUE;
}

static void
engine_feed (EngineClient *client,
             const guint8 *data,
             gsize         length)
{
  GError *error = NULL;

  client->received += length;
  if (!kabar_imap_parser_feed (client->parser, data, length, &error))
    engine_fail (client, error);
}

/* The connection strips the line end; the parser gets it back. */
static void
engine_process_line (EngineClient *client,
                     GBytes       *line)
{
  gsize size;
  const char *data = g_bytes_get_data (line, &size);
  guint64 literal;

  g_byte_array_set_size (client->line, 0);
  g_byte_array_append (client->line, (const guint8 *) data, (guint) size);
  g_byte_array_append (client->line, (const guint8 *) "\r\n", 2);
  engine_feed (client, client->line->data, client->line->len);
  /* "* OK text {5}" is text: only if the parser now waits for it. */
  if (line_announces_literal (data, size, &literal)
      && !kabar_imap_parser_is_between_responses (client->parser))
    client->literal_remaining = literal;
}

static void engine_read_more (EngineClient *client);

static void
on_engine_line_read (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  EngineClient *client = user_data;
  g_autoptr(GBytes) line = NULL;
  GError *error = NULL;

  line = kabar_connection_read_line_finish (KABAR_CONNECTION (source), result, &error);
  if (line == NULL)
    {
      engine_fail (client, error);
      return;
    }
  engine_process_line (client, line);
  engine_read_more (client);
}

static void
on_engine_literal_read (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  EngineClient *client = user_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  gsize size;
  const guint8 *data;

  bytes = kabar_connection_read_bytes_finish (KABAR_CONNECTION (source), result, &error);
  if (bytes == NULL)
    {
      engine_fail (client, error);
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  client->literal_remaining -= size;
  engine_feed (client, data, size);
  engine_read_more (client);
}

/* Stops when the awaited response is in: no read is left in flight. */
static void
engine_read_more (EngineClient *client)
{
  while (!client->done)
    {
      g_autoptr(GBytes) line = NULL;
      GError *error = NULL;

      if (client->literal_remaining > 0)
        {
          client->reads++;
          kabar_connection_read_bytes_async (client->connection, MIN (client->literal_remaining, LITERAL_CHUNK),
                                             NULL, on_engine_literal_read, client);
          return;
        }
      line = kabar_connection_read_buffered_line (client->connection, &error);
      if (error != NULL)
        {
          engine_fail (client, error);
          return;
        }
      if (line == NULL)
        {
          client->reads++;
          kabar_connection_read_line_async (client->connection, NULL, on_engine_line_read, client);
          return;
        }
      engine_process_line (client, line);
    }
}

static gboolean
engine_wait (EngineClient  *client,
             const char    *what,
             GError       **error)
{
  while (!client->done)
    g_main_context_iteration (NULL, TRUE);
  if (client->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&client->error));
      return FALSE;
    }
  if (client->status != KABAR_IMAP_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Dovecot refused %s", what);
      return FALSE;
    }
  return TRUE;
}

static void
on_engine_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError *error = NULL;

  if (!kabar_connection_write_finish (KABAR_CONNECTION (source), result, &error))
    engine_fail (user_data, error);
}

static gboolean
engine_command (EngineClient  *client,
                const char    *tag,
                const char    *command,
                GError       **error)
{
  g_autoptr(GBytes) text = g_bytes_new_take (g_strdup_printf ("%s %s\r\n", tag, command),
                                             strlen (tag) + strlen (command) + 3);

  client->waiting_tag = tag;
  client->done = FALSE;
  kabar_connection_write_async (client->connection, text, NULL, on_engine_written, client);
  engine_read_more (client);
  return engine_wait (client, command, error);
}

static void
on_engine_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  EngineClient *client = user_data;
  GError *error = NULL;

  client->connection = kabar_connection_connect_finish (result, NULL, &error);
  if (client->connection == NULL)
    engine_fail (client, error);
  else
    engine_read_more (client);   /* for the greeting */
}

static EngineClient *
engine_connect (Bench   *bench,
                GError **error)
{
  static const KabarImapParserCallbacks callbacks = { .response = on_engine_response };
  g_autoptr(EngineClient) client = g_new0 (EngineClient, 1);
  g_autofree char *login = g_strdup_printf ("LOGIN \"%s\" \"%s\"", USER, bench->password);

  client->parser = kabar_imap_parser_new (&callbacks, client);
  client->line = g_byte_array_new ();
  kabar_connection_connect_async (KABAR_TEST_BED_HOST, bench->port, KABAR_SECURITY_IMPLICIT_TLS,
                                  bench->certificate, TIMEOUT_SECONDS, NULL, on_engine_connected, client);
  if (!engine_wait (client, "the connection", error)
      || !engine_command (client, "e1", login, error)
      || !engine_command (client, "e2", "ENABLE CONDSTORE QRESYNC", error))
    return NULL;
  return g_steal_pointer (&client);
}

static void
on_engine_closed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  kabar_connection_close_finish (KABAR_CONNECTION (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
engine_close (EngineClient *client)
{
  gboolean closed = FALSE;

  kabar_connection_close_async (client->connection, NULL, on_engine_closed, &closed);
  while (!closed)
    g_main_context_iteration (NULL, TRUE);
}

/* A timer on the main context: how late it fires is how long the loop was
 * kept from it. That is our own work, or the process waiting for a CPU (two
 * cores, three busy processes with Dovecot's imap and imap-login): the
 * kernel's schedstat of the thread tells the two apart. */
typedef struct
{
  int    schedstat;
  gint64 last;
  gint64 last_ran;
  gint64 last_waited;
  gint64 longest;
  gint64 longest_ran;
  gint64 longest_waited;
  gint64 longest_own;
} Ticker;

/* Microseconds this thread has run, and waited runnable for a CPU. */
static void
read_schedstat (Ticker *ticker,
                gint64 *ran,
                gint64 *waited)
{
  char text[128];
  gssize n = pread (ticker->schedstat, text, sizeof text - 1, 0);
  guint64 ran_ns = 0, waited_ns = 0;

  if (n > 0)
    {
      text[n] = '\0';
      sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &ran_ns, &waited_ns);
    }
  *ran = ran_ns / 1000;
  *waited = waited_ns / 1000;
}

static void
ticker_start (Ticker *ticker)
{
  *ticker = (Ticker) { .schedstat = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC) };
  if (ticker->schedstat < 0)
    g_error ("Opening /proc/thread-self/schedstat: %s", g_strerror (errno));
  ticker->last = g_get_monotonic_time ();
  read_schedstat (ticker, &ticker->last_ran, &ticker->last_waited);
}

static gboolean
on_tick (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = now - ticker->last - TICK_MS * 1000;
  gint64 ran, waited;

  read_schedstat (ticker, &ran, &waited);
  if (late > ticker->longest)
    {
      ticker->longest = late;
      ticker->longest_ran = ran - ticker->last_ran;
      ticker->longest_waited = waited - ticker->last_waited;
    }
  /* What waiting for a CPU does not explain: the loop's own work, at
   * least. */
  ticker->longest_own = MAX (ticker->longest_own, late - (waited - ticker->last_waited));
  ticker->last = now;
  ticker->last_ran = ran;
  ticker->last_waited = waited;
  return G_SOURCE_CONTINUE;
}

static void
ticker_stop (Ticker *ticker)
{
  close (ticker->schedstat);
}

/* The client keeps the tag it waits for: no temporary strings. */
static const char * const engine_tags[] = { "e3", "e4", "e5" };
G_STATIC_ASSERT (G_N_ELEMENTS (engine_tags) + 1 == G_N_ELEMENTS (sync_commands));

static gboolean
measure_engine_read (Bench        *bench,
                     Measurement  *result,
                     GError      **error)
{
  g_autoptr(EngineClient) client = engine_connect (bench, error);
  g_autoptr(GHashTable) server_cpu = NULL;
  Ticker ticker;
  guint tick_source;
  gint64 start;
  double cpu;
  gboolean ok;

  if (client == NULL)
    return FALSE;
  client->received = 0;
  client->reads = 0;
  server_cpu = server_cpu_ticks (bench);
  ticker_start (&ticker);
  start = g_get_monotonic_time ();
  cpu = cpu_seconds ();
  tick_source = g_timeout_add (TICK_MS, on_tick, &ticker);
  ok = TRUE;
  for (guint i = 0; ok && sync_commands[i] != NULL; i++)
    ok = engine_command (client, engine_tags[i], sync_commands[i], error);
  result->seconds = seconds_since (start);
  result->cpu_seconds = cpu_seconds () - cpu;
  /* A stall at the very end shows only here. */
  on_tick (&ticker);
  g_source_remove (tick_source);
  ticker_stop (&ticker);
  result->server_cpu_seconds = server_cpu_seconds_since (bench, server_cpu);
  if (!ok)
    return FALSE;
  result->bytes = client->received;
  result->reads = client->reads;
  result->messages = client->messages;
  result->longest_block = ticker.longest;
  result->longest_block_ran = ticker.longest_ran;
  result->longest_block_waited = ticker.longest_waited;
  result->longest_own_block = ticker.longest_own;
  engine_close (client);
  if (client->messages != bench->count || client->incomplete > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%u FETCH responses for %u messages, %u incomplete",
                   client->messages, bench->count, client->incomplete);
      return FALSE;
    }
  return TRUE;
}

/* --- the sync ------------------------------------------------------------------ */

/* What kabar_imap_sync_folder() asks for must be what the reads fetch, or
 * the ratio compares different work. */
static void
check_fetch_items (void)
{
  const char * const *fields = kabar_imap_summary_header_fields ();
  KabarImapFetchItems expected = KABAR_IMAP_FETCH_FLAGS | KABAR_IMAP_FETCH_MODSEQ |
                                 KABAR_IMAP_FETCH_INTERNALDATE | KABAR_IMAP_FETCH_RFC822_SIZE |
                                 KABAR_IMAP_FETCH_ENVELOPE | KABAR_IMAP_FETCH_BODYSTRUCTURE;

  if (kabar_imap_summary_fetch_items (TRUE) != expected
      || g_strv_length ((char **) fields) != 1 || g_ascii_strcasecmp (fields[0], "REFERENCES") != 0)
    g_error ("The sync fetches other items than FETCH_ITEMS: update it");
}

typedef enum
{
  JOB_CONNECTING,
  JOB_READY,        /* signed in, and synced once when presync */
  JOB_SYNCED,       /* the timed sync returned; the session is still open */
  JOB_DONE,
} JobStage;

/* One kabar_imap_sync_folder() on a worker thread, timed there; the
 * thread that starts it only watches its own main loop meanwhile. */
typedef struct
{
  Bench               *bench;
  KabarStore          *store;
  gint64               folder_id;
  gboolean             condstore;
  /* An untimed sync first: the timed one starts from the server's state,
   * whatever the other measures changed there. */
  gboolean             presync;
  GMainContext        *caller_context;

  GMutex               lock;
  GCond                cond;
  JobStage             stage;
  gboolean             go;
  gboolean             proceed;
  gboolean             measured;

  /* Written by the worker before JOB_DONE. */
  gint64               start;
  gint64               end;
  double               cpu_seconds;
  KabarImapSyncResult  result;
  GError              *error;
} SyncJob;

static void
sync_job_set_stage (SyncJob  *job,
                    JobStage  stage)
{
  g_mutex_lock (&job->lock);
  job->stage = stage;
  g_mutex_unlock (&job->lock);
  g_main_context_wakeup (job->caller_context);
}

static JobStage
sync_job_get_stage (SyncJob *job)
{
  JobStage stage;

  g_mutex_lock (&job->lock);
  stage = job->stage;
  g_mutex_unlock (&job->lock);
  return stage;
}

/* Runs the caller's loop (its ticker) until the worker got there. */
static JobStage
sync_job_wait_stage (SyncJob  *job,
                     JobStage  stage)
{
  JobStage now;

  while ((now = sync_job_get_stage (job)) < stage)
    g_main_context_iteration (job->caller_context, TRUE);
  return now;
}

static gboolean
sync_job_wait_for_go (SyncJob *job)
{
  gboolean proceed;

  sync_job_set_stage (job, JOB_READY);
  g_mutex_lock (&job->lock);
  while (!job->go)
    g_cond_wait (&job->cond, &job->lock);
  proceed = job->proceed;
  g_mutex_unlock (&job->lock);
  return proceed;
}

/* Dovecot's imap process exits at LOGOUT, taking its CPU time with it: the
 * caller reads that first. */
static void
sync_job_wait_until_measured (SyncJob *job)
{
  sync_job_set_stage (job, JOB_SYNCED);
  g_mutex_lock (&job->lock);
  while (!job->measured)
    g_cond_wait (&job->cond, &job->lock);
  g_mutex_unlock (&job->lock);
}

static void
sync_job_measured (SyncJob *job)
{
  g_mutex_lock (&job->lock);
  job->measured = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
}

static void
sync_job_go (SyncJob  *job,
             gboolean  proceed)
{
  g_mutex_lock (&job->lock);
  job->go = TRUE;
  job->proceed = proceed;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
}

/* On the worker: a session as the app's sync gets one, with CONDSTORE and
 * QRESYNC enabled when condstore, else with nothing enabled, as against
 * Outlook.com. */
static KabarImapSession *
worker_connect (Bench     *bench,
                gboolean   condstore,
                GError   **error)
{
  static const char * const extensions[] = { "CONDSTORE", "QRESYNC", NULL };
  g_autoptr(KabarImapSession) session = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) authenticated = NULL;
  g_autoptr(GAsyncResult) enabled_result = NULL;
  g_auto(GStrv) enabled = NULL;
  GAsyncResult *slot = NULL;

  kabar_imap_session_connect_async (KABAR_TEST_BED_HOST, bench->port, KABAR_SECURITY_IMPLICIT_TLS,
                                    bench->certificate, TIMEOUT_SECONDS, NULL, kabar_sync_wait_done, &slot);
  connected = kabar_sync_wait (&slot);
  session = kabar_imap_session_connect_finish (connected, NULL, error);
  if (session == NULL)
    return NULL;
  kabar_imap_session_authenticate_async (session, USER, bench->password, KABAR_SASL_CREDENTIAL_PASSWORD,
                                         NULL, kabar_sync_wait_done, &slot);
  authenticated = kabar_sync_wait (&slot);
  if (!kabar_imap_session_authenticate_finish (session, authenticated, error))
    return NULL;
  if (!condstore)
    return g_steal_pointer (&session);
  kabar_imap_session_enable_async (session, extensions, NULL, kabar_sync_wait_done, &slot);
  enabled_result = kabar_sync_wait (&slot);
  enabled = kabar_imap_session_enable_finish (session, enabled_result, error);
  if (enabled == NULL)
    return NULL;
  if (!kabar_imap_session_is_enabled (session, "QRESYNC"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Dovecot did not enable QRESYNC");
      return NULL;
    }
  return g_steal_pointer (&session);
}

static void
worker_logout (KabarImapSession *session)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  kabar_imap_session_logout_async (session, NULL, kabar_sync_wait_done, &slot);
  result = kabar_sync_wait (&slot);
  kabar_imap_session_command_finish (session, result, NULL);
}

static gboolean
on_drain_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* After LOGOUT the connection still closes on this thread's context, and
 * a read in flight holds it (and, through its task, the context) until the
 * server has hung up: drop the session, then run the context until the
 * connection is gone, or this thread's context, connection and TLS state
 * (some 4 MiB) would live on. FALSE if it is not gone in 10 s. */
static gboolean
drain_session (KabarImapSession *session,
               GMainContext     *context)
{
  GWeakRef connection;
  GSource *tick = g_timeout_source_new (100);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GObject *alive;
  gboolean gone;

  g_weak_ref_init (&connection, kabar_imap_session_get_connection (session));
  g_object_unref (session);
  /* Wakes the loop now and then to look again. */
  g_source_set_callback (tick, on_drain_tick, NULL, NULL);
  g_source_attach (tick, context);
  while ((alive = g_weak_ref_get (&connection)) != NULL && g_get_monotonic_time () < deadline)
    {
      g_object_unref (alive);
      g_main_context_iteration (context, TRUE);
    }
  gone = alive == NULL;
  g_clear_object (&alive);
  g_source_destroy (tick);
  g_source_unref (tick);
  g_weak_ref_clear (&connection);
  return gone;
}

static gpointer
sync_job_thread (gpointer data)
{
  SyncJob *job = data;
  GMainContext *context = g_main_context_new ();
  KabarImapSession *session;
  GError *error = NULL;

  /* The session belongs to this thread's context, as in the app. */
  g_main_context_push_thread_default (context);
  session = worker_connect (job->bench, job->condstore, &error);
  if (session != NULL
      && (!job->presync
          || kabar_imap_sync_folder (session, job->store, job->folder_id, NULL, NULL, NULL, &error))
      && sync_job_wait_for_go (job))
    {
      double cpu = cpu_seconds ();

      job->start = g_get_monotonic_time ();
      kabar_imap_sync_folder (session, job->store, job->folder_id, NULL, &job->result, NULL, &error);
      job->end = g_get_monotonic_time ();
      job->cpu_seconds = cpu_seconds () - cpu;
      /* Without CONDSTORE the sync must have fetched every message's flags:
       * make sure nothing enabled it behind our back. */
      if (error == NULL && !job->condstore && kabar_imap_session_is_enabled (session, "CONDSTORE"))
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "CONDSTORE was enabled in the plain session");
      sync_job_wait_until_measured (job);
    }
  if (session != NULL)
    {
      worker_logout (session);
      if (!drain_session (session, context))
        g_printerr ("(the session's connection outlived its sync by 10 s)\n");
    }
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  job->error = error;
  sync_job_set_stage (job, JOB_DONE);
  return NULL;
}

typedef gboolean (*BeforeFunc) (Bench   *bench,
                                GError **error);

/* Runs the job's sync on a worker thread and times it; before, if not
 * NULL, runs once the worker is ready, untimed. Meanwhile this thread's
 * loop runs a 10 ms timer: the app's UI thread, which must stay free. */
static gboolean
run_sync_job (SyncJob      *job,
              BeforeFunc    before,
              Measurement  *result,
              GError      **error)
{
  g_autoptr(GHashTable) server_cpu = NULL;
  g_autoptr(GError) before_error = NULL;
  GThread *thread;
  Ticker ticker;
  guint tick_source;
  gboolean proceed = TRUE;

  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  job->caller_context = g_main_context_ref_thread_default ();
  thread = g_thread_new ("bench-sync", sync_job_thread, job);
  if (sync_job_wait_stage (job, JOB_READY) == JOB_READY)
    {
      if (before != NULL)
        proceed = before (job->bench, &before_error);
      server_cpu = server_cpu_ticks (job->bench);
      ticker_start (&ticker);
      tick_source = g_timeout_add (TICK_MS, on_tick, &ticker);
      sync_job_go (job, proceed);
      if (sync_job_wait_stage (job, JOB_SYNCED) == JOB_SYNCED)
        {
          result->server_cpu_seconds = server_cpu_seconds_since (job->bench, server_cpu);
          sync_job_measured (job);
        }
      /* A stall at the very end shows only here. */
      on_tick (&ticker);
      g_source_remove (tick_source);
      ticker_stop (&ticker);
      result->longest_block = ticker.longest;
      result->longest_block_ran = ticker.longest_ran;
      result->longest_block_waited = ticker.longest_waited;
      result->longest_own_block = ticker.longest_own;
    }
  g_thread_join (thread);
  g_main_context_unref (job->caller_context);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  if (before_error != NULL)
    {
      g_clear_error (&job->error);
      g_propagate_error (error, g_steal_pointer (&before_error));
      return FALSE;
    }
  if (job->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      return FALSE;
    }
  result->seconds = (job->end - job->start) / (double) G_USEC_PER_SEC;
  result->cpu_seconds = job->cpu_seconds;
  result->sync = TRUE;
  result->messages = job->result.added;
  result->removed = job->result.removed;
  result->flags_changed = job->result.flags_changed;
  return TRUE;
}

/* A new store in the bed's folder (on the bed's tmpfs, deleted with it),
 * with INBOX in it. */
static KabarStore *
open_store (Bench    *bench,
            char    **path,
            gint64   *folder_id,
            GError  **error)
{
  g_autoptr(KabarStore) store = NULL;
  g_autofree char *name = g_strdup_printf ("bench-store-%u.db", ++bench->stores_made);

  *path = g_build_filename (kabar_test_bed_get_directory (bench->bed), name, NULL);
  store = kabar_store_open (*path, error);
  if (store == NULL)
    return NULL;
  *folder_id = kabar_store_upsert_folder (store, "INBOX", '/', NULL, KABAR_FOLDER_ROLE_INBOX, TRUE, error);
  if (*folder_id == 0)
    return NULL;
  return g_steal_pointer (&store);
}

static void
remove_store (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_remove (path);
  g_remove (wal);
  g_remove (shm);
}

static gboolean
check_count (KabarStore  *store,
             gint64       folder_id,
             guint        expected,
             GError     **error)
{
  guint total = 0, unread = 0;

  if (!kabar_store_count_messages (store, folder_id, &total, &unread, error))
    return FALSE;
  if (total != expected)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The store lists %u messages of %u", total, expected);
      return FALSE;
    }
  return TRUE;
}

static gboolean
measure_sync (Bench        *bench,
              Measurement  *result,
              GError      **error)
{
  g_autofree char *path = NULL;
  SyncJob job = { .bench = bench, .condstore = TRUE };
  gboolean ok;

  job.store = open_store (bench, &path, &job.folder_id, error);
  if (job.store == NULL)
    return FALSE;
  ok = run_sync_job (&job, NULL, result, error)
       && check_count (job.store, job.folder_id, bench->count, error);
  g_object_unref (job.store);
  /* 60 MB a run of 100,000: the tmpfs is memory. */
  remove_store (path);
  if (ok && result->messages != bench->count)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The sync added %u messages of %u",
                   result->messages, bench->count);
      return FALSE;
    }
  return ok;
}

/* The store the resyncs of one kind start from: synced once, untimed. */
static SyncedStore *
get_synced_store (Bench     *bench,
                  gboolean   condstore,
                  GError   **error)
{
  SyncedStore *synced = &bench->synced[condstore ? 1 : 0];
  Measurement ignored = { 0 };
  SyncJob job = { .bench = bench, .condstore = condstore };

  if (synced->store != NULL)
    return synced;
  synced->store = open_store (bench, &synced->path, &synced->folder_id, error);
  if (synced->store == NULL)
    return NULL;
  job.store = synced->store;
  job.folder_id = synced->folder_id;
  if (!run_sync_job (&job, NULL, &ignored, error)
      || !check_count (synced->store, synced->folder_id, bench->count, error))
    {
      g_clear_object (&synced->store);
      return NULL;
    }
  return synced;
}

static gboolean
measure_resync (Bench        *bench,
                gboolean      condstore,
                gboolean      change_flags,
                Measurement  *result,
                GError      **error)
{
  SyncedStore *synced = get_synced_store (bench, condstore, error);
  SyncJob job = { .bench = bench, .condstore = condstore, .presync = TRUE };
  guint expected = change_flags ? FLAG_CHANGES : 0;

  if (synced == NULL)
    return FALSE;
  /* The first run's setup was a whole sync: not this measure's peak. */
  reset_peak_rss ();
  result->start_rss_mib = status_mib ("VmRSS");
  job.store = synced->store;
  job.folder_id = synced->folder_id;
  if (!run_sync_job (&job, change_flags ? toggle_flags : NULL, result, error))
    return FALSE;
  if (job.result.reset || result->messages != 0 || result->removed != 0 || result->flags_changed != expected)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The resync found %u new, %u gone and %u flag changes%s; expected %u flag changes",
                   result->messages, result->removed, result->flags_changed,
                   job.result.reset ? " after a reset" : "", expected);
      return FALSE;
    }
  return check_count (synced->store, synced->folder_id, bench->count, error);
}

static gboolean
measure_resync_condstore (Bench        *bench,
                          Measurement  *result,
                          GError      **error)
{
  return measure_resync (bench, TRUE, FALSE, result, error);
}

static gboolean
measure_resync_flags_condstore (Bench        *bench,
                                Measurement  *result,
                                GError      **error)
{
  return measure_resync (bench, TRUE, TRUE, result, error);
}

static gboolean
measure_resync_plain (Bench        *bench,
                      Measurement  *result,
                      GError      **error)
{
  return measure_resync (bench, FALSE, FALSE, result, error);
}

static gboolean
measure_resync_flags_plain (Bench        *bench,
                            Measurement  *result,
                            GError      **error)
{
  return measure_resync (bench, FALSE, TRUE, result, error);
}

/* --- the runs and the report ------------------------------------------------- */

typedef gboolean (*MeasureFunc) (Bench        *bench,
                                 Measurement  *result,
                                 GError      **error);

/* Run alternately, in this order; the first is what the reads and the
 * sync are compared with. */
static const struct
{
  const char  *name;
  const char  *label;
  MeasureFunc  func;
  gboolean     against_baseline;
} measures[] = {
  { "bare", "bare read", measure_bare_read, FALSE },
  { "engine", "engine read", measure_engine_read, TRUE },
  { "sync", "initial sync", measure_sync, TRUE },
  { "resync", "resync, CONDSTORE", measure_resync_condstore, FALSE },
  { "resync-flags", "resync 10 flags, CONDSTORE", measure_resync_flags_condstore, FALSE },
  { "resync-plain", "resync, no CONDSTORE", measure_resync_plain, FALSE },
  { "resync-plain-flags", "resync 10 flags, no CONDSTORE", measure_resync_flags_plain, FALSE },
};

enum
{
  MEASURE_BARE,
  MEASURE_ENGINE,
  MEASURE_SYNC,
  MEASURE_RESYNC,
  MEASURE_RESYNC_FLAGS,
  MEASURE_RESYNC_PLAIN,
  MEASURE_RESYNC_PLAIN_FLAGS,
};

#define LABEL_WIDTH 30

/* The whole pass, connecting and SELECT included: that is where Dovecot
 * indexes a new maildir. */
static double
warm_up_pass (Bench               *bench,
              const char * const  *commands,
              GError             **error)
{
  Measurement ignored = { 0 };
  gint64 start = g_get_monotonic_time ();

  if (!bare_run (bench, commands, &ignored, error))
    return -1;
  return seconds_since (start);
}

static void
setup_bed (Bench   *bench,
           GError **error)
{
  static const char * const index_commands[] = { "SELECT INBOX", "UID FETCH 1:* (UID FLAGS)", NULL };
  gint64 start;
  double fill, flags, items;

  bench->bed = kabar_test_bed_new (error);
  if (bench->bed == NULL || !kabar_test_bed_start (bench->bed, KABAR_TEST_BED_DOVECOT, error))
    return;
  bench->password = kabar_test_bed_get_password (bench->bed, USER);
  bench->port = kabar_test_bed_get_port (bench->bed, KABAR_TEST_BED_PORT_IMAPS);
  bench->certificate = kabar_test_bed_get_certificate (bench->bed);

  start = g_get_monotonic_time ();
  if (!kabar_test_bed_fill_folder (bench->bed, USER, "INBOX", bench->count, error))
    return;
  fill = seconds_since (start);
  /* The first SELECT indexes the maildir; the first fetch of the sync's
   * items reads and parses every file and fills Dovecot's cache. Both
   * once, before any run, or the first run would pay for them. */
  if ((flags = warm_up_pass (bench, index_commands, error)) < 0
      || (items = warm_up_pass (bench, sync_commands, error)) < 0)
    return;
  g_print ("%-*s %u\n", LABEL_WIDTH, "messages", bench->count);
  g_print ("%-*s %s\n", LABEL_WIDTH, "fetched", FETCH_ITEMS);
  g_print ("%-*s %.2f s / %.2f s + %.2f s (index, cache)   peak RSS %.0f MiB\n", LABEL_WIDTH,
           "fill / warm-up", fill, flags, items, peak_rss_mib ());
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* One double field of every run (G_STRUCT_OFFSET of Measurement), sorted. */
static GArray *
sorted_field (GArray *results,
              gsize   offset)
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < results->len; i++)
    g_array_append_val (values, G_STRUCT_MEMBER (double, &g_array_index (results, Measurement, i), offset));
  g_array_sort (values, compare_doubles);
  return values;
}

static double
median_field (GArray *results,
              gsize   offset)
{
  g_autoptr(GArray) values = sorted_field (results, offset);
  guint middle = values->len / 2;

  return values->len % 2 == 1 ? g_array_index (values, double, middle)
                              : (g_array_index (values, double, middle - 1)
                                 + g_array_index (values, double, middle)) / 2;
}

static double
max_field (GArray *results,
           gsize   offset)
{
  g_autoptr(GArray) values = sorted_field (results, offset);

  return g_array_index (values, double, values->len - 1);
}

/* What a run added to the RSS it started with, at most. */
static double
max_rss_growth (GArray *results)
{
  double growth = 0;

  for (guint i = 0; i < results->len; i++)
    {
      const Measurement *m = &g_array_index (results, Measurement, i);

      growth = MAX (growth, m->peak_rss_mib - m->start_rss_mib);
    }
  return growth;
}

/* Each run's time against the baseline's in the same run: the two met
 * the same state of the machine. */
static double
median_ratio (GArray *results,
              GArray *baseline)
{
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  guint middle;

  for (guint i = 0; i < results->len; i++)
    {
      double ratio = g_array_index (results, Measurement, i).seconds
                     / g_array_index (baseline, Measurement, i).seconds;

      g_array_append_val (ratios, ratio);
    }
  g_array_sort (ratios, compare_doubles);
  middle = ratios->len / 2;
  return ratios->len % 2 == 1 ? g_array_index (ratios, double, middle)
                              : (g_array_index (ratios, double, middle - 1)
                                 + g_array_index (ratios, double, middle)) / 2;
}

#define MEDIAN(results, field) median_field (results, G_STRUCT_OFFSET (Measurement, field))
#define MAX_OF(results, field) max_field (results, G_STRUCT_OFFSET (Measurement, field))

/* baseline: the bare read's time in the same run, 0 for no comparison. */
static void
print_run (guint              run,
           const char        *label,
           const Measurement *m,
           double             baseline)
{
  g_print ("run %-2u %-*s %.3f s", run, LABEL_WIDTH, label, m->seconds);
  if (baseline > 0)
    g_print (" (%.2f x)", m->seconds / baseline);
  if (m->bytes > 0)
    {
      g_autofree char *reads = format_count (m->reads);

      g_print ("   %.1f MB in %s reads", m->bytes / 1e6, reads);
    }
  if (m->sync)
    g_print ("   %u new, %u gone, %u flag changes", m->messages, m->removed, m->flags_changed);
  g_print ("   CPU %.2f s, Dovecot %.2f s", m->cpu_seconds, m->server_cpu_seconds);
  if (m->longest_block >= 0)
    g_print ("   longest block %.1f ms (%.1f ms of its gap waiting for a CPU)", m->longest_block / 1000.0,
             m->longest_block_waited / 1000.0);
  /* The start is read just after the reset: it may top a flat run's peak. */
  g_print ("   peak RSS %.0f MiB (+%.0f MiB in the run)\n", m->peak_rss_mib,
           MAX (m->peak_rss_mib - m->start_rss_mib, 0));
}

/* The run with the longest block, or NULL if the measure has no ticker. */
static const Measurement *
longest_block (GArray *results)
{
  const Measurement *worst = NULL;

  for (guint i = 0; i < results->len; i++)
    {
      const Measurement *m = &g_array_index (results, Measurement, i);

      if (m->longest_block >= 0 && (worst == NULL || m->longest_block > worst->longest_block))
        worst = m;
    }
  return worst;
}

static gint64
longest_own_block (GArray *results)
{
  gint64 longest = 0;

  for (guint i = 0; i < results->len; i++)
    longest = MAX (longest, g_array_index (results, Measurement, i).longest_own_block);
  return longest;
}

/* A measure's figures over its runs; its median time against the first
 * measure's (0: no comparison). */
static void
print_summary (guint   i,
               GArray *results,
               GArray *baseline,
               double  baseline_median)
{
  g_autoptr(GArray) seconds = sorted_field (results, G_STRUCT_OFFSET (Measurement, seconds));
  const Measurement *last = &g_array_index (results, Measurement, results->len - 1);
  const Measurement *worst = longest_block (results);
  double mid = MEDIAN (results, seconds);

  g_print ("%s\n", measures[i].label);
  g_print ("  %-*s %.3f s / %.3f s / %.3f s", LABEL_WIDTH - 2, "min / median / max",
           g_array_index (seconds, double, 0), mid, g_array_index (seconds, double, seconds->len - 1));
  if (last->bytes > 0)
    g_print ("   %.1f MB", last->bytes / 1e6);
  if (baseline_median > 0)
    g_print ("   (%.2f x %s)", mid / baseline_median, measures[0].label);
  if (last->messages > 0)
    {
      g_autofree char *rate = format_count ((guint64) (last->messages / mid));

      g_print ("   %s msg/s", rate);
    }
  if (baseline_median > 0 && baseline->len == results->len)
    g_print ("\n  %-*s %.2f x (median; each run against its own bare read)", LABEL_WIDTH - 2,
             "per-run ratio", median_ratio (results, baseline));
  g_print ("\n  %-*s %.2f s, Dovecot %.2f s\n", LABEL_WIDTH - 2, "CPU (medians)",
           MEDIAN (results, cpu_seconds), MEDIAN (results, server_cpu_seconds));
  g_print ("  %-*s %.0f MiB in run 1, %.0f MiB at most (at most +%.0f MiB in a run)\n", LABEL_WIDTH - 2,
           "peak RSS", g_array_index (results, Measurement, 0).peak_rss_mib, MAX_OF (results, peak_rss_mib),
           max_rss_growth (results));
  /* Time spent waiting for a CPU was the scheduler's, not our work. */
  if (worst != NULL)
    g_print ("  %-*s %.1f ms (worst run; in that %.1f ms tick gap the loop's thread ran %.1f ms\n"
             "  %-*s and waited %.1f ms for a CPU)\n"
             "  %-*s %.1f ms (all runs)\n",
             LABEL_WIDTH - 2, "longest main-loop block", worst->longest_block / 1000.0,
             (worst->longest_block + TICK_MS * 1000) / 1000.0, worst->longest_block_ran / 1000.0,
             LABEL_WIDTH - 2, "", worst->longest_block_waited / 1000.0,
             LABEL_WIDTH - 2, "  less waits for a CPU", longest_own_block (results) / 1000.0);
}

static void
print_goal (const char *goal,
            const char *figure,
            gboolean    met)
{
  g_print ("  %-44s %-30s %s\n", goal, figure, met ? "met" : "NOT MET");
}

/* The issue's done-when, from the measures that ran. */
static void
print_goals (GArray **results)
{
  g_print ("goals\n");
  /* "In the same run": each sync against the bare read just before it. */
  if (results[MEASURE_BARE]->len > 0 && results[MEASURE_BARE]->len == results[MEASURE_SYNC]->len)
    {
      double ratio = median_ratio (results[MEASURE_SYNC], results[MEASURE_BARE]);
      g_autofree char *figure = g_strdup_printf ("%.2f x (median of the runs)", ratio);

      print_goal ("initial sync within 1.5 x the bare read", figure, ratio <= GOAL_SYNC_RATIO);
    }
  for (guint i = MEASURE_RESYNC; i <= MEASURE_RESYNC_PLAIN_FLAGS; i++)
    {
      double limit = i <= MEASURE_RESYNC_FLAGS ? GOAL_RESYNC_CONDSTORE_S : GOAL_RESYNC_PLAIN_S;
      g_autofree char *goal = NULL;
      g_autofree char *figure = NULL;
      double mid;

      if (results[i]->len == 0)
        continue;
      mid = MEDIAN (results[i], seconds);
      goal = g_strdup_printf ("%s under %.1f s", measures[i].label, limit);
      figure = g_strdup_printf ("%.3f s (median; max %.3f s)", mid, MAX_OF (results[i], seconds));
      print_goal (goal, figure, mid < limit);
    }
  {
    double peak = 0;
    gint64 block = -1;
    gint64 own = 0;

    for (guint i = MEASURE_SYNC; i < G_N_ELEMENTS (measures); i++)
      {
        const Measurement *worst;

        if (results[i]->len == 0)
          continue;
        peak = MAX (peak, MAX_OF (results[i], peak_rss_mib));
        worst = longest_block (results[i]);
        block = MAX (block, worst->longest_block);
        own = MAX (own, longest_own_block (results[i]));
      }
    if (block >= 0)
      {
        g_autofree char *rss = g_strdup_printf ("%.0f MB (%.0f MiB)", peak * 1.048576, peak);
        g_autofree char *longest = g_strdup_printf ("%.1f ms (%.1f ms less CPU waits)", block / 1000.0,
                                                    own / 1000.0);

        print_goal ("syncs: peak RSS under 150 MB", rss, peak * 1.048576 < GOAL_PEAK_RSS_MB);
        print_goal ("syncs: main loop never blocked over 50 ms", longest,
                    block / 1000.0 <= GOAL_LONGEST_BLOCK_MS);
      }
  }
}

/* Alternately, so that a drift of the machine or of Dovecot over the runs
 * touches every measure alike. */
static GArray **
run_measures (Bench       *bench,
              int          runs,
              const char  *only)
{
  GArray **results = g_new0 (GArray *, G_N_ELEMENTS (measures));
  g_autoptr(GError) error = NULL;
  gboolean rss_reset = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (measures); i++)
    results[i] = g_array_new (FALSE, TRUE, sizeof (Measurement));
  for (int run = 1; run <= runs; run++)
    for (guint i = 0; i < G_N_ELEMENTS (measures); i++)
      {
        Measurement m = { .longest_block = -1 };

        if (only != NULL && g_strcmp0 (only, measures[i].name) != 0)
          continue;
        rss_reset = reset_peak_rss () && rss_reset;
        m.start_rss_mib = status_mib ("VmRSS");
        if (!measures[i].func (bench, &m, &error))
          g_error ("%s, run %d: %s", measures[i].label, run, error->message);
        m.peak_rss_mib = peak_rss_mib ();
        g_array_append_val (results[i], m);
        print_run ((guint) run, measures[i].label, &m,
                   measures[i].against_baseline && results[0]->len == (guint) run
                   ? g_array_index (results[0], Measurement, run - 1).seconds : 0);
      }
  if (!rss_reset)
    g_print ("(the peak RSS could not be reset: each figure is the peak so far)\n");
  return results;
}

static void
close_synced_stores (Bench *bench)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bench->synced); i++)
    {
      SyncedStore *synced = &bench->synced[i];

      g_clear_object (&synced->store);
      if (synced->path != NULL)
        remove_store (synced->path);
      g_clear_pointer (&synced->path, g_free);
    }
}

int
main (int   argc,
      char *argv[])
{
  int count = 100000;
  int runs = 3;
  g_autofree char *only = NULL;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Messages in the INBOX (100000)", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs of each measure (3)", "R" },
    { "only", 'o', 0, G_OPTION_ARG_STRING, &only,
      "Run only this measure (bare, engine, sync, resync, resync-flags, resync-plain, "
      "resync-plain-flags), for a profile", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- measure the IMAP header sync");
  g_autoptr(GError) error = NULL;
  GArray **results;
  double baseline_median = 0;
  Bench bench = { 0 };
  gboolean known;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (count < FLAG_CHANGES || runs <= 0)
    g_error ("--count must be at least %d and --runs positive", FLAG_CHANGES);
  known = only == NULL;
  for (guint i = 0; only != NULL && i < G_N_ELEMENTS (measures); i++)
    known = known || g_str_equal (only, measures[i].name);
  if (!known)
    g_error ("--only: no measure is called %s", only);
  bench.count = (guint) count;
  check_fetch_items ();

  setup_bed (&bench, &error);
  if (error != NULL)
    g_error ("Setting up the bed: %s", error->message);
  results = run_measures (&bench, runs, only);
  if (results[0]->len > 0)
    baseline_median = MEDIAN (results[0], seconds);
  for (guint i = 0; i < G_N_ELEMENTS (measures); i++)
    if (results[i]->len > 0)
      print_summary (i, results[i], results[0], measures[i].against_baseline ? baseline_median : 0);
  print_goals (results);
  peak_rss_mib ();
  g_print ("%-*s %.0f MiB\n", LABEL_WIDTH, "peak RSS of the whole process", process_peak_rss_mib);
  for (guint i = 0; i < G_N_ELEMENTS (measures); i++)
    g_array_unref (results[i]);
  g_free (results);
  close_synced_stores (&bench);
  g_clear_object (&bench.bed);
  return 0;
}
