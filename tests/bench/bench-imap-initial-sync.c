/* bench-imap-initial-sync.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 3's initial sync benchmark: the first header sync of a large INBOX
 * in the test bed's Dovecot, set against what the same FETCH costs a bare
 * client on the same kind of connection in the same run. Not a test: it
 * prints figures, to compare before and after a change.
 *
 * The bed is filled once, then warmed: the first SELECT indexes the maildir
 * and the first ENVELOPE fetch reads every file into Dovecot's cache (for
 * 100,000 messages about 3 s, five times a warm fetch), so that no run pays
 * for them. Then each run, in turn:
 * - bare read: plain GIO and TLS, "UID FETCH 1:* (UID FLAGS ENVELOPE)",
 *   everything up to the tagged OK read in large pieces and dropped. The
 *   floor no client can beat: the server and TLS.
 * - engine read: the same FETCH through KabarConnection and
 *   KabarImapParser, reading UID, FLAGS and ENVELOPE of every message but
 *   storing nothing. The floor of Kabar's sync: its network and parse path.
 *   A 10 ms timer on the same main context measures how long the loop is
 *   kept from other work (in the app, from drawing).
 * The sync into the store, once it exists, is one more entry of measures[].
 *
 * Each run prints its time, the bytes and reads it took, this process's
 * CPU time and Dovecot's (its imap and imap-login processes, which share
 * the machine's cores with us), and the peak RSS so far; the summary gives
 * min and median, and the median against the bare read's. Wall times
 * swing by a third between runs on a 2-core machine: compare medians of
 * several runs, and the CPU times, which are steadier.
 *
 * Run as root (the bed's Dovecot), with the bed on a tmpfs, which makes the
 * fill and Dovecot's index writes much faster than a disk:
 *
 *   ninja -C _build tests/bench/bench-imap-initial-sync
 *   KABAR_TEST_TMPDIR=/dev/shm _build/tests/bench/bench-imap-initial-sync [--count N] [--runs R]
 *
 * To profile one measure alone (the fill and warm-up take about 5 s):
 *
 *   KABAR_TEST_TMPDIR=/dev/shm perf record --call-graph dwarf -D 5000 -- \
 *     _build/tests/bench/bench-imap-initial-sync --only engine --runs 8
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kabar-connection.h"
#include "kabar-imap-parser.h"
#include "kabar-test-bed.h"

#define USER               "alice@kabar.test"
#define FETCH_COMMAND      "UID FETCH 1:* (UID FLAGS ENVELOPE)"
#define TIMEOUT_SECONDS    120
/* TLS hands out one record (16 KiB) a read at most; bigger costs nothing. */
#define BARE_BUFFER_SIZE   (1024 * 1024)
#define LITERAL_CHUNK      (256 * 1024)
#define TICK_MS            10

/* What every measure shares: the running bed and how to reach it. */
typedef struct
{
  KabarTestBed    *bed;
  const char      *password;
  guint16          port;
  GTlsCertificate *certificate;
  guint            count;
} Bench;

typedef struct
{
  double  seconds;             /* from sending the FETCH to reading its tagged OK */
  double  cpu_seconds;         /* of this process, in that time */
  double  server_cpu_seconds;  /* of Dovecot's processes, in that time */
  guint64 bytes;               /* received in that time */
  guint   reads;               /* bare: socket reads; engine: reads that went
                                * through the main loop (each one or more) */
  guint   messages;            /* FETCH responses parsed; 0 when not parsed */
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

static double
peak_rss_mib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;   /* Linux counts KiB */
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
      || !bare_command (client, "b2", "SELECT INBOX", &received, error))
    return NULL;
  return g_steal_pointer (&client);
}

/* Also the warm-up, which needs no figures but the time. */
static gboolean
bare_fetch (Bench        *bench,
            const char   *command,
            Measurement  *result,
            GError      **error)
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
  if (!bare_command (client, "b3", command, &result->bytes, error))
    return FALSE;
  result->reads = client->reads;
  result->seconds = seconds_since (start);
  result->cpu_seconds = cpu_seconds () - cpu;
  result->server_cpu_seconds = server_cpu_seconds_since (bench, server_cpu);
  return TRUE;
}

static gboolean
measure_bare_read (Bench        *bench,
                   Measurement  *result,
                   GError      **error)
{
  return bare_fetch (bench, FETCH_COMMAND, result, error);
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
  guint            incomplete;       /* FETCH responses without UID, FLAGS or ENVELOPE */
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

/* What the sync will take from each message: UID, the flags and the
 * envelope's date, subject, addresses and ids. */
static void
touch_fetch (EngineClient      *client,
             KabarImapResponse *response)
{
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
      || !engine_command (client, "e2", "SELECT INBOX", error))
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
  ok = engine_command (client, "e3", FETCH_COMMAND, error);
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

/* --- the runs and the report ------------------------------------------------- */

typedef gboolean (*MeasureFunc) (Bench        *bench,
                                 Measurement  *result,
                                 GError      **error);

/* Run alternately, in this order; the first is what the others are
 * compared with. */
static const struct
{
  const char  *name;
  const char  *label;
  MeasureFunc  func;
} measures[] = {
  { "bare", "bare read", measure_bare_read },
  { "engine", "engine read", measure_engine_read },
  /* Issue 3: the sync into the store, ready to list, comes here. */
};

static void
print_rss (void)
{
  g_print ("   peak RSS %.0f MiB\n", peak_rss_mib ());
}

/* The whole pass, connecting and SELECT included: that is where Dovecot
 * indexes a new maildir. */
static double
warm_up_pass (Bench       *bench,
              const char  *command,
              GError     **error)
{
  Measurement ignored = { 0 };
  gint64 start = g_get_monotonic_time ();

  if (!bare_fetch (bench, command, &ignored, error))
    return -1;
  return seconds_since (start);
}

static void
setup_bed (Bench   *bench,
           GError **error)
{
  gint64 start;
  double fill, flags, envelopes;

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
  /* The first SELECT indexes the maildir; the first ENVELOPE reads every
   * file and fills Dovecot's cache. Both once, before any run, or the
   * first run would pay for them. */
  if ((flags = warm_up_pass (bench, "UID FETCH 1:* (UID FLAGS)", error)) < 0
      || (envelopes = warm_up_pass (bench, FETCH_COMMAND, error)) < 0)
    return;
  g_print ("%-30s %u\n", "messages", bench->count);
  g_print ("%-30s %.2f s / %.2f s + %.2f s (index, envelope cache)", "fill / warm-up", fill,
           flags, envelopes);
  print_rss ();
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

#define MEDIAN(results, field) median_field (results, G_STRUCT_OFFSET (Measurement, field))

static void
print_run (guint              run,
           const char        *label,
           const Measurement *m)
{
  g_autofree char *reads = format_count (m->reads);

  g_print ("run %-2u %-23s %.3f s   %.1f MB in %s reads   CPU %.2f s, Dovecot %.2f s", run, label,
           m->seconds, m->bytes / 1e6, reads, m->cpu_seconds, m->server_cpu_seconds);
  if (m->longest_block >= 0)
    g_print ("   longest block %.1f ms (%.1f ms of its gap waiting for a CPU)", m->longest_block / 1000.0,
             m->longest_block_waited / 1000.0);
  print_rss ();
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
 * measure's (0: this is the first). */
static void
print_summary (guint   i,
               GArray *results,
               double  baseline_median)
{
  g_autoptr(GArray) seconds = sorted_field (results, G_STRUCT_OFFSET (Measurement, seconds));
  g_autofree char *label = g_strdup_printf ("%s (min / median)", measures[i].label);
  const Measurement *last = &g_array_index (results, Measurement, results->len - 1);
  const Measurement *worst = longest_block (results);
  double mid = MEDIAN (results, seconds);

  g_print ("%-30s %.3f s / %.3f s   %.1f MB", label, g_array_index (seconds, double, 0), mid,
           last->bytes / 1e6);
  if (baseline_median > 0)
    g_print ("   (%.2f x %s)", mid / baseline_median, measures[0].label);
  if (last->messages > 0)
    {
      g_autofree char *rate = format_count ((guint64) (last->messages / mid));

      g_print ("   %s msg/s", rate);
    }
  g_print ("\n%-30s %.2f s, Dovecot %.2f s\n", "  CPU (medians)", MEDIAN (results, cpu_seconds),
           MEDIAN (results, server_cpu_seconds));
  /* Time spent waiting for a CPU was the scheduler's, not our work. */
  if (worst != NULL)
    g_print ("%-30s %.1f ms (worst run; in that %.1f ms tick gap the loop's thread ran %.1f ms\n"
             "%-30s and waited %.1f ms for a CPU)\n",
             "longest main-loop block", worst->longest_block / 1000.0,
             (worst->longest_block + TICK_MS * 1000) / 1000.0, worst->longest_block_ran / 1000.0,
             "", worst->longest_block_waited / 1000.0);
  if (worst != NULL)
    g_print ("%-30s %.1f ms (all runs)\n", "  less waits for a CPU", longest_own_block (results) / 1000.0);
}

/* Alternately, so that a drift of the machine or of Dovecot over the runs
 * touches every measure alike. */
static GArray **
run_measures (Bench      *bench,
              int         runs,
              const char *only)
{
  GArray **results = g_new0 (GArray *, G_N_ELEMENTS (measures));
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (measures); i++)
    results[i] = g_array_new (FALSE, TRUE, sizeof (Measurement));
  for (int run = 1; run <= runs; run++)
    for (guint i = 0; i < G_N_ELEMENTS (measures); i++)
      {
        Measurement m = { .longest_block = -1 };

        if (only != NULL && g_strcmp0 (only, measures[i].name) != 0)
          continue;
        if (!measures[i].func (bench, &m, &error))
          g_error ("%s, run %d: %s", measures[i].label, run, error->message);
        g_array_append_val (results[i], m);
        print_run ((guint) run, measures[i].label, &m);
      }
  return results;
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
    { "only", 'o', 0, G_OPTION_ARG_STRING, &only, "Run only this measure (bare, engine), for a profile", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- measure the initial IMAP header sync");
  g_autoptr(GError) error = NULL;
  GArray **results;
  double baseline_median = 0;
  Bench bench = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (count <= 0 || runs <= 0)
    g_error ("--count and --runs must be positive");
  bench.count = (guint) count;

  setup_bed (&bench, &error);
  if (error != NULL)
    g_error ("Setting up the bed: %s", error->message);
  results = run_measures (&bench, runs, only);
  if (results[0]->len > 0)
    baseline_median = MEDIAN (results[0], seconds);
  for (guint i = 0; i < G_N_ELEMENTS (measures); i++)
    {
      if (results[i]->len > 0)
        print_summary (i, results[i], i > 0 ? baseline_median : 0);
      g_array_unref (results[i]);
    }
  g_print ("%-30s %.0f MiB\n", "peak RSS", peak_rss_mib ());
  g_free (results);
  g_clear_object (&bench.bed);
  return 0;
}
