/* kabar-scripted-server.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-scripted-server.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>

#define DEFAULT_TIMEOUT_MS 5000
/* How long the final graceful close listens for what the client still says. */
#define DRAIN_MS 500

typedef enum {
  STEP_SEND,
  STEP_SEND_PARTIAL,
  STEP_SEND_RAW,
  STEP_EXPECT,
  STEP_EXPECT_REGEX,
  STEP_EXPECT_EOF,
  STEP_STARTTLS,
  STEP_CLOSE,
  STEP_CUT,
  STEP_RESET,
  STEP_ACCEPT,
  STEP_WAIT,
} StepKind;

typedef struct {
  StepKind kind;
  char *text;          /* line to send, line or pattern to expect */
  GBytes *bytes;       /* STEP_SEND_RAW */
  GRegex *regex;
  GPtrArray *names;    /* the regex's named groups */
  char *regex_error;   /* why the pattern did not compile */
  guint ms;            /* STEP_WAIT */
  guint timeout_ms;    /* 0: the server's default */
  char *origin;        /* "file:line" for transcript steps */
} Step;

struct _KabarScriptedServer {
  KabarScriptedTls tls;
  GPtrArray *steps;
  guint default_timeout_ms;
  guint step_timeout_ms;
  GTlsCertificate *certificate;

  GSocketListener *listener;
  guint16 port;
  GThread *thread;
  GMainContext *caller_context;
  GCancellable *abort;
  int finished;        /* atomic */

  GMutex lock;         /* guards what both threads read below */
  GPtrArray *transcript;
  GPtrArray *client_lines;
  GError *error;
  int failed_step;
};

/* The script thread's state. */
typedef struct {
  KabarScriptedServer *server;
  GMainContext *context;
  GCancellable *op;
  gboolean timed_out;
  gulong abort_handler;  /* cancels op when the server is freed */
  gulong wakeup_handler;
  gint64 deadline;
  guint timeout_ms;
  GSocketConnection *connection;
  GIOStream *stream;   /* the connection, or the TLS connection over it */
  GByteArray *input;   /* received and not yet consumed */
  GHashTable *captures;
} Runner;

G_DEFINE_QUARK (kabar-scripted-server-error-quark, kabar_scripted_server_error)

static void
step_free (gpointer data)
{
  Step *step = data;

  g_free (step->text);
  g_clear_pointer (&step->bytes, g_bytes_unref);
  g_clear_pointer (&step->regex, g_regex_unref);
  g_clear_pointer (&step->names, g_ptr_array_unref);
  g_free (step->regex_error);
  g_free (step->origin);
  g_free (step);
}

KabarScriptedServer *
kabar_scripted_server_new (KabarScriptedTls tls)
{
  KabarScriptedServer *self = g_new0 (KabarScriptedServer, 1);

  self->tls = tls;
  self->steps = g_ptr_array_new_with_free_func (step_free);
  self->default_timeout_ms = DEFAULT_TIMEOUT_MS;
  self->abort = g_cancellable_new ();
  self->failed_step = -1;
  g_mutex_init (&self->lock);
  self->transcript = g_ptr_array_new_with_free_func (g_free);
  self->client_lines = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
kabar_scripted_server_free (KabarScriptedServer *self)
{
  if (self == NULL)
    return;

  if (self->thread != NULL)
    {
      g_cancellable_cancel (self->abort);
      g_thread_join (self->thread);
    }
  if (self->listener != NULL)
    g_socket_listener_close (self->listener);
  g_clear_object (&self->listener);
  g_clear_pointer (&self->caller_context, g_main_context_unref);
  g_clear_object (&self->abort);
  g_clear_object (&self->certificate);
  g_ptr_array_unref (self->steps);
  g_ptr_array_unref (self->transcript);
  g_ptr_array_unref (self->client_lines);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* Script building */

static Step *
add_step (KabarScriptedServer *self,
          StepKind             kind)
{
  Step *step;

  g_return_val_if_fail (self->thread == NULL, NULL);

  step = g_new0 (Step, 1);
  step->kind = kind;
  step->timeout_ms = self->step_timeout_ms;
  g_ptr_array_add (self->steps, step);
  return step;
}

void
kabar_scripted_server_send (KabarScriptedServer *self,
                            const char          *line)
{
  Step *step = add_step (self, STEP_SEND);

  if (step != NULL)
    step->text = g_strdup (line);
}

void
kabar_scripted_server_send_partial (KabarScriptedServer *self,
                                    const char          *text)
{
  Step *step = add_step (self, STEP_SEND_PARTIAL);

  if (step != NULL)
    step->text = g_strdup (text);
}

void
kabar_scripted_server_send_raw (KabarScriptedServer *self,
                                GBytes              *bytes)
{
  Step *step = add_step (self, STEP_SEND_RAW);

  if (step != NULL)
    step->bytes = g_bytes_ref (bytes);
}

void
kabar_scripted_server_expect (KabarScriptedServer *self,
                              const char          *line)
{
  Step *step = add_step (self, STEP_EXPECT);

  if (step != NULL)
    step->text = g_strdup (line);
}

/* GRegex cannot list its named groups, so they are read off the pattern:
 * (?<name>...), (?P<name>...) and (?'name'...). */
static GPtrArray *
find_group_names (const char *pattern)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *p;

  for (p = strstr (pattern, "(?"); p != NULL; p = strstr (p + 2, "(?"))
    {
      const char *start = p + 2;
      const char *end;

      if (p > pattern && p[-1] == '\\')
        continue;
      if (*start == 'P')
        start++;
      if (*start != '<' && *start != '\'')
        continue;
      start++;
      if (!g_ascii_isalpha (*start) && *start != '_')
        continue;
      for (end = start; g_ascii_isalnum (*end) || *end == '_'; end++)
        ;
      if (*end == '>' || *end == '\'')
        g_ptr_array_add (names, g_strndup (start, end - start));
    }
  return names;
}

void
kabar_scripted_server_expect_regex (KabarScriptedServer *self,
                                    const char          *pattern)
{
  Step *step = add_step (self, STEP_EXPECT_REGEX);
  g_autofree char *whole = NULL;
  g_autoptr(GError) error = NULL;

  if (step == NULL)
    return;

  /* The pattern must match the whole line, or "A1 LOGIN" would also accept
   * "A1 LOGINX" and the script would check less than it says. */
  step->text = g_strdup (pattern);
  whole = g_strdup_printf ("(?:%s)\\z", pattern);
  step->regex = g_regex_new (whole, G_REGEX_ANCHORED, 0, &error);
  if (step->regex == NULL)
    step->regex_error = g_strdup (error->message);
  step->names = find_group_names (pattern);
}

void
kabar_scripted_server_expect_eof (KabarScriptedServer *self)
{
  add_step (self, STEP_EXPECT_EOF);
}

void
kabar_scripted_server_start_tls (KabarScriptedServer *self)
{
  add_step (self, STEP_STARTTLS);
}

void
kabar_scripted_server_close (KabarScriptedServer *self)
{
  add_step (self, STEP_CLOSE);
}

void
kabar_scripted_server_cut (KabarScriptedServer *self)
{
  add_step (self, STEP_CUT);
}

void
kabar_scripted_server_reset (KabarScriptedServer *self)
{
  add_step (self, STEP_RESET);
}

void
kabar_scripted_server_accept (KabarScriptedServer *self)
{
  add_step (self, STEP_ACCEPT);
}

void
kabar_scripted_server_wait_ms (KabarScriptedServer *self,
                               guint                ms)
{
  Step *step = add_step (self, STEP_WAIT);

  if (step != NULL)
    step->ms = ms;
}

void
kabar_scripted_server_set_timeout (KabarScriptedServer *self,
                                   guint                ms)
{
  g_return_if_fail (self->thread == NULL);
  g_return_if_fail (ms > 0);

  self->default_timeout_ms = ms;
}

void
kabar_scripted_server_set_step_timeout (KabarScriptedServer *self,
                                        guint                ms)
{
  g_return_if_fail (self->thread == NULL);

  self->step_timeout_ms = ms;
}

/* Transcripts */

static gboolean
parse_ms (const char  *arg,
          guint       *ms)
{
  guint64 value;

  if (arg == NULL || !g_ascii_string_to_unsigned (arg, 10, 0, G_MAXUINT, &value, NULL))
    return FALSE;
  *ms = (guint) value;
  return TRUE;
}

static gboolean
add_directive (KabarScriptedServer  *self,
               const char           *directive,
               guint                *timeout_ms)
{
  g_auto(GStrv) words = g_strsplit (directive, " ", 2);
  const char *name = words[0];
  const char *arg = words[1];
  guint ms;

  if (arg == NULL)
    {
      if (g_str_equal (name, "starttls"))
        kabar_scripted_server_start_tls (self);
      else if (g_str_equal (name, "close"))
        kabar_scripted_server_close (self);
      else if (g_str_equal (name, "cut"))
        kabar_scripted_server_cut (self);
      else if (g_str_equal (name, "reset"))
        kabar_scripted_server_reset (self);
      else if (g_str_equal (name, "eof"))
        kabar_scripted_server_expect_eof (self);
      else if (g_str_equal (name, "accept"))
        kabar_scripted_server_accept (self);
      else
        return FALSE;
      return TRUE;
    }
  if (!parse_ms (arg, &ms))
    return FALSE;
  if (g_str_equal (name, "wait"))
    kabar_scripted_server_wait_ms (self, ms);
  else if (g_str_equal (name, "timeout"))
    *timeout_ms = ms;
  else
    return FALSE;
  return TRUE;
}

static gboolean
add_transcript_line (KabarScriptedServer  *self,
                     const char           *line,
                     guint                *timeout_ms,
                     GError              **error)
{
  const char *rest = line[2] == ' ' ? line + 3 : line + 2;

  if (g_str_has_prefix (line, "! "))
    {
      if (!add_directive (self, line + 2, timeout_ms))
        goto bad;
      return TRUE;
    }

  /* "S:" alone is an empty line; any other text needs the space. */
  if (strlen (line) < 2 || (line[2] != '\0' && line[2] != ' '))
    goto bad;

  if (g_str_has_prefix (line, "S:"))
    kabar_scripted_server_send (self, rest);
  else if (g_str_has_prefix (line, "S-"))
    kabar_scripted_server_send_partial (self, rest);
  else if (g_str_has_prefix (line, "C:"))
    kabar_scripted_server_expect (self, rest);
  else if (g_str_has_prefix (line, "C~"))
    {
      Step *step;

      kabar_scripted_server_expect_regex (self, rest);
      step = g_ptr_array_index (self->steps, self->steps->len - 1);
      if (step->regex_error != NULL)
        {
          g_set_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_SCRIPT,
                       "invalid regex `%s`: %s", rest, step->regex_error);
          return FALSE;
        }
    }
  else
    goto bad;
  return TRUE;

bad:
  g_set_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_SCRIPT,
               "cannot read `%s`: a line is `S: `, `S- `, `C: `, `C~ `, `! ` and a word, or a # comment",
               line);
  return FALSE;
}

gboolean
kabar_scripted_server_add_transcript (KabarScriptedServer  *self,
                                      const char           *text,
                                      const char           *origin,
                                      GError              **error)
{
  g_auto(GStrv) lines = NULL;
  guint saved_timeout = self->step_timeout_ms;
  guint timeout_ms = 0;
  guint i;

  g_return_val_if_fail (self->thread == NULL, FALSE);

  if (origin == NULL)
    origin = "transcript";

  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);
      guint first_new = self->steps->len;
      guint j;

      if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0';
      if (line[0] == '\0' || line[0] == '#')
        continue;

      self->step_timeout_ms = timeout_ms ? timeout_ms : saved_timeout;
      if (!add_transcript_line (self, line, &timeout_ms, error))
        {
          self->step_timeout_ms = saved_timeout;
          g_prefix_error (error, "%s:%u: ", origin, i + 1);
          return FALSE;
        }
      for (j = first_new; j < self->steps->len; j++)
        {
          Step *step = g_ptr_array_index (self->steps, j);
          step->origin = g_strdup_printf ("%s:%u", origin, i + 1);
        }
    }
  self->step_timeout_ms = saved_timeout;
  return TRUE;
}

gboolean
kabar_scripted_server_load_transcript (KabarScriptedServer  *self,
                                       const char           *path,
                                       GError              **error)
{
  g_autofree char *text = NULL;
  g_autofree char *origin = NULL;

  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  origin = g_path_get_basename (path);
  return kabar_scripted_server_add_transcript (self, text, origin, error);
}

/* Certificates */

static gboolean
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  return g_rmdir (dir) == 0;
}

static char *
make_cert_dir (GError **error)
{
  const char *parent = g_getenv ("KABAR_TEST_TMPDIR");
  g_autofree char *dir = NULL;

  if (parent == NULL || *parent == '\0')
    parent = g_get_tmp_dir ();
  dir = g_build_filename (parent, "kabar-scripted-cert-XXXXXX", NULL);
  if (g_mkdtemp (dir) == NULL)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create %s: %s", dir, g_strerror (saved));
      return NULL;
    }
  /* Servers that drop privileges (Dovecot runs as nobody) must reach it. */
  g_chmod (dir, 0755);
  return g_steal_pointer (&dir);
}

GTlsCertificate *
kabar_scripted_server_generate_certificate (GError **error)
{
  g_autofree char *dir = make_cert_dir (error);
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *err_output = NULL;
  GTlsCertificate *certificate = NULL;
  int status;

  if (dir == NULL)
    return NULL;
  cert_path = g_build_filename (dir, "cert.pem", NULL);
  key_path = g_build_filename (dir, "key.pem", NULL);

  {
    const char *argv[] = {
      "openssl", "req", "-x509", "-newkey", "ec",
      "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30",
      "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout", key_path, "-out", cert_path, NULL,
    };

    if (g_spawn_sync (NULL, (char **) argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, NULL, &err_output, &status, error)
        && g_spawn_check_wait_status (status, error))
      certificate = g_tls_certificate_new_from_files (cert_path, key_path, error);
    else if (err_output != NULL && *err_output != '\0')
      g_prefix_error (error, "openssl: %s: ", g_strstrip (err_output));
  }

  remove_tree (dir);
  return certificate;
}

void
kabar_scripted_server_set_certificate (KabarScriptedServer *self,
                                       GTlsCertificate     *certificate)
{
  g_return_if_fail (self->thread == NULL);

  g_set_object (&self->certificate, certificate);
}

GTlsCertificate *
kabar_scripted_server_get_certificate (KabarScriptedServer *self)
{
  return self->certificate;
}

/* Recording, from the script's thread */

static void
record (KabarScriptedServer *self,
        char                *entry)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->transcript, entry);
  g_mutex_unlock (&self->lock);
}

static void
record_client_line (KabarScriptedServer *self,
                    const char          *line)
{
  g_autofree char *valid = g_utf8_make_valid (line, -1);

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->client_lines, g_strdup (valid));
  g_ptr_array_add (self->transcript, g_strconcat ("C: ", valid, NULL));
  g_mutex_unlock (&self->lock);
}

/* So that the transcript plays back: a $ that was sent reads $$. */
static char *
escape_dollars (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "$", -1);

  return g_strjoinv ("$$", parts);
}

/* What was sent, one transcript line per line, so raw bytes read too.
 * Lines are found with memchr: g_strsplit's strstr measures the whole rest
 * of the text on every call under ASan, which made a 5 MB send take
 * half a minute. */
static void
record_sent (KabarScriptedServer *self,
             const char          *data,
             gsize                len)
{
  g_autofree char *valid = g_utf8_make_valid (data, len);
  const char *line = valid;
  const char *end = valid + strlen (valid);

  while (line < end)
    {
      const char *nl = memchr (line, '\n', end - line);
      gsize n = (nl != NULL ? nl : end) - line;
      g_autofree char *text = NULL;
      g_autofree char *escaped = NULL;

      if (nl != NULL && n > 0 && line[n - 1] == '\r')
        n--;
      text = g_strndup (line, n);
      escaped = escape_dollars (text);
      record (self, g_strconcat (nl != NULL ? "S: " : "S- ", escaped, NULL));
      line = nl != NULL ? nl + 1 : end;
    }
}

/* Waiting on asynchronous operations under the step's deadline */

static gboolean
on_deadline (gpointer data)
{
  Runner *r = data;

  r->timed_out = TRUE;
  g_cancellable_cancel (r->op);
  return G_SOURCE_REMOVE;
}

/* Runs in the thread that frees the server: both calls are thread-safe. */
static void
cancel_op (GCancellable *abort,
           gpointer      op)
{
  g_cancellable_cancel (op);
}

static void
wake_up (GCancellable *abort,
         gpointer      context)
{
  g_main_context_wakeup (context);
}

static gboolean
runner_aborted (Runner *r)
{
  return g_cancellable_is_cancelled (r->server->abort);
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  GAsyncResult **slot = data;

  *slot = g_object_ref (result);
}

static void
runner_end_op (Runner *r)
{
  if (r->abort_handler != 0)
    g_cancellable_disconnect (r->server->abort, r->abort_handler);
  r->abort_handler = 0;
  g_clear_object (&r->op);
}

static GCancellable *
runner_begin (Runner *r)
{
  runner_end_op (r);
  r->op = g_cancellable_new ();
  r->timed_out = FALSE;
  /* Cancels at once if the server is already being freed. */
  r->abort_handler = g_cancellable_connect (r->server->abort, G_CALLBACK (cancel_op), r->op, NULL);
  return r->op;
}

static void
runner_await (Runner        *r,
              GAsyncResult **slot)
{
  gint64 remaining = MAX (r->deadline - g_get_monotonic_time (), 0) / 1000;
  g_autoptr(GSource) timeout = g_timeout_source_new ((guint) remaining);

  g_source_set_callback (timeout, on_deadline, r, NULL);
  g_source_attach (timeout, r->context);
  while (*slot == NULL)
    g_main_context_iteration (r->context, TRUE);
  g_source_destroy (timeout);
}

/* Turns the cancellation the deadline or an abort caused into their own
 * errors, so a step can tell a silent client from a broken one. */
static void
runner_explain (Runner  *r,
                GError **error)
{
  if (error == NULL || *error == NULL
      || !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_error (error);
  if (r->timed_out)
    g_set_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_TIMED_OUT,
                 "nothing in %u ms", r->timeout_ms);
  else
    g_set_error_literal (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_FAILED,
                         "the server was freed before the script ended");
}

static gssize
runner_read_some (Runner  *r,
                  GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  guint8 buffer[4096];
  gssize n;

  g_input_stream_read_async (g_io_stream_get_input_stream (r->stream), buffer, sizeof buffer,
                             G_PRIORITY_DEFAULT, runner_begin (r), on_async_done, &result);
  runner_await (r, &result);
  n = g_input_stream_read_finish (g_io_stream_get_input_stream (r->stream), result, error);
  runner_explain (r, error);
  if (n > 0)
    g_byte_array_append (r->input, buffer, n);
  return n;
}

static gboolean
runner_write (Runner        *r,
              const void    *data,
              gsize          len,
              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  g_output_stream_write_all_async (g_io_stream_get_output_stream (r->stream), data, len,
                                   G_PRIORITY_DEFAULT, runner_begin (r), on_async_done, &result);
  runner_await (r, &result);
  ok = g_output_stream_write_all_finish (g_io_stream_get_output_stream (r->stream), result,
                                         NULL, error);
  runner_explain (r, error);
  if (ok)
    record_sent (r->server, data, len);
  return ok;
}

static char *
take_input (Runner *r,
            gsize   len,
            gsize   consumed)
{
  char *text = g_strndup ((const char *) r->input->data, len);

  g_byte_array_remove_range (r->input, 0, consumed);
  return text;
}

/* A line without its line end, or NULL with CLOSED (the partial line, if
 * any, in *partial), TIMED_OUT or FAILED. */
static char *
runner_read_line (Runner   *r,
                  char    **partial,
                  GError  **error)
{
  for (;;)
    {
      /* An empty GByteArray may have no data at all. */
      const guint8 *nl = r->input->len > 0 ? memchr (r->input->data, '\n', r->input->len) : NULL;
      gssize n;

      if (nl != NULL)
        {
          gsize len = nl - r->input->data;
          gsize consumed = len + 1;

          if (len > 0 && nl[-1] == '\r')
            len--;
          return take_input (r, len, consumed);
        }

      n = runner_read_some (r, error);
      if (n < 0)
        {
          if (partial != NULL && r->input->len > 0)
            *partial = g_strndup ((const char *) r->input->data, r->input->len);
          return NULL;
        }
      if (n == 0)
        {
          if (r->input->len > 0)
            {
              g_autofree char *rest = take_input (r, r->input->len, r->input->len);
              g_autofree char *valid = g_utf8_make_valid (rest, -1);

              record (r->server, g_strconcat ("C- ", valid, NULL));
              if (partial != NULL)
                *partial = g_steal_pointer (&rest);
            }
          g_set_error_literal (error, KABAR_SCRIPTED_SERVER_ERROR,
                               KABAR_SCRIPTED_SERVER_ERROR_CLOSED, "end of stream");
          return NULL;
        }
    }
}

/* Connections */

static void
runner_drop (Runner *r)
{
  /* The socket goes first: disposing a TLS connection would otherwise
   * send the close_notify that a cut must not send. */
  g_socket_close (g_socket_connection_get_socket (r->connection), NULL);
  if (r->stream != G_IO_STREAM (r->connection))
    g_clear_object (&r->stream);
  r->stream = NULL;
  g_clear_object (&r->connection);
  g_byte_array_set_size (r->input, 0);
}

/* Reads what is already there without waiting: closing a socket with unread
 * input sends a RST, which can destroy data the client has not read yet. */
static void
discard_pending (Runner *r)
{
  GSocket *socket = g_socket_connection_get_socket (r->connection);
  char buffer[4096];

  g_socket_set_blocking (socket, FALSE);
  while (g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL) > 0)
    ;
}

static void
record_drained_lines (Runner *r)
{
  gboolean first = TRUE;

  for (;;)
    {
      /* An empty GByteArray may have no data at all. */
      const guint8 *nl = r->input->len > 0 ? memchr (r->input->data, '\n', r->input->len) : NULL;
      g_autofree char *line = NULL;
      gsize len;

      if (nl == NULL)
        return;
      if (first)
        record (r->server, g_strdup ("# after the end of the script"));
      first = FALSE;
      len = nl - r->input->data;
      line = take_input (r, len > 0 && nl[-1] == '\r' ? len - 1 : len, len + 1);
      record_client_line (r->server, line);
    }
}

/* TLS close_notify and FIN, then listens a moment for the client's own close
 * and what it still sends. */
static void
runner_close_gracefully (Runner *r,
                         guint   drain_ms)
{
  GSocket *socket = g_socket_connection_get_socket (r->connection);

  r->deadline = g_get_monotonic_time () + (gint64) drain_ms * 1000;
  r->timeout_ms = drain_ms;
  if (G_IS_TLS_CONNECTION (r->stream))
    {
      g_autoptr(GAsyncResult) result = NULL;
      GOutputStream *output = g_io_stream_get_output_stream (r->stream);

      g_output_stream_close_async (output, G_PRIORITY_DEFAULT, runner_begin (r),
                                   on_async_done, &result);
      runner_await (r, &result);
      g_output_stream_close_finish (output, result, NULL);
    }
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  while (runner_read_some (r, NULL) > 0)
    ;
  record_drained_lines (r);
  discard_pending (r);
  runner_drop (r);
}

static gboolean
runner_handshake (Runner  *r,
                  GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GIOStream) tls = NULL;

  tls = g_tls_server_connection_new (r->stream, r->server->certificate, error);
  if (tls == NULL)
    return FALSE;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    runner_begin (r), on_async_done, &result);
  runner_await (r, &result);
  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (tls), result, error))
    {
      runner_explain (r, error);
      g_prefix_error (error, "TLS handshake: ");
      return FALSE;
    }
  r->stream = g_steal_pointer (&tls);
  return TRUE;
}

static gboolean
runner_accept (Runner  *r,
               GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_socket_listener_accept_async (r->server->listener, runner_begin (r), on_async_done, &result);
  runner_await (r, &result);
  r->connection = g_socket_listener_accept_finish (r->server->listener, result, NULL, error);
  if (r->connection == NULL)
    {
      runner_explain (r, error);
      g_prefix_error (error, "no connection: ");
      return FALSE;
    }
  r->stream = G_IO_STREAM (r->connection);
  if (r->server->tls == KABAR_SCRIPTED_TLS_IMPLICIT)
    return runner_handshake (r, error);
  return TRUE;
}

/* Steps */

static char *
substitute (Runner      *r,
            const char  *text,
            GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p;

  for (p = text; *p != '\0'; p++)
    {
      g_autofree char *key = NULL;
      const char *value;

      if (*p != '$' || (p[1] != '$' && p[1] != '{' && !g_ascii_isdigit (p[1])))
        {
          g_string_append_c (out, *p);
          continue;
        }
      p++;
      if (*p == '$')
        {
          g_string_append_c (out, '$');
          continue;
        }
      if (*p == '{')
        {
          const char *end = strchr (p, '}');

          if (end == NULL)
            {
              g_set_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_SCRIPT,
                           "unterminated ${ in `%s`", text);
              return NULL;
            }
          key = g_strndup (p + 1, end - p - 1);
          p = end;
        }
      else
        key = g_strndup (p, 1);

      value = g_hash_table_lookup (r->captures, key);
      if (value == NULL)
        {
          g_set_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_SCRIPT,
                       "`%s` uses capture %s, which no regex step captured", text, key);
          return NULL;
        }
      g_string_append (out, value);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
run_send (Runner      *r,
          const Step  *step,
          GError     **error)
{
  g_autofree char *text = substitute (r, step->text, error);
  g_autofree char *line = NULL;

  if (text == NULL)
    return FALSE;
  if (step->kind == STEP_SEND_PARTIAL)
    return runner_write (r, text, strlen (text), error);
  line = g_strconcat (text, "\r\n", NULL);
  return runner_write (r, line, strlen (line), error);
}

static gboolean
run_send_raw (Runner      *r,
              const Step  *step,
              GError     **error)
{
  gsize len;
  const void *data = g_bytes_get_data (step->bytes, &len);

  return runner_write (r, data, len, error);
}

static void
explain_missing_line (GError     **error,
                      const char  *expected,
                      const char  *partial)
{
  g_autofree char *message = NULL;

  if ((*error)->domain != KABAR_SCRIPTED_SERVER_ERROR)
    {
      g_prefix_error (error, "expected %s: ", expected);
      return;
    }
  if (partial != NULL)
    message = g_strdup_printf ("expected %s, got `%s` and then %s", expected, partial,
                               (*error)->message);
  else
    message = g_strdup_printf ("expected %s, got %s", expected, (*error)->message);
  g_free ((*error)->message);
  (*error)->message = g_steal_pointer (&message);
}

static gboolean
run_expect (Runner      *r,
            const Step  *step,
            GError     **error)
{
  g_autofree char *expected = g_strdup_printf ("`%s`", step->text);
  g_autofree char *partial = NULL;
  g_autofree char *line = runner_read_line (r, &partial, error);

  if (line == NULL)
    {
      explain_missing_line (error, expected, partial);
      return FALSE;
    }
  record_client_line (r->server, line);
  if (!g_str_equal (line, step->text))
    {
      g_set_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_DIVERGED,
                   "expected %s, got `%s`", expected, line);
      return FALSE;
    }
  return TRUE;
}

static void
keep_captures (Runner     *r,
               const Step *step,
               GMatchInfo *match)
{
  int count = g_match_info_get_match_count (match);
  int i;

  g_hash_table_remove_all (r->captures);
  for (i = 0; i < count; i++)
    g_hash_table_insert (r->captures, g_strdup_printf ("%d", i),
                         g_match_info_fetch (match, i));
  for (i = 0; i < (int) step->names->len; i++)
    {
      const char *name = g_ptr_array_index (step->names, i);
      char *value = g_match_info_fetch_named (match, name);

      if (value != NULL)
        g_hash_table_insert (r->captures, g_strdup (name), value);
    }
}

static gboolean
run_expect_regex (Runner      *r,
                  const Step  *step,
                  GError     **error)
{
  g_autofree char *expected = g_strdup_printf ("a line matching `%s`", step->text);
  g_autofree char *partial = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GMatchInfo) match = NULL;

  if (step->regex == NULL)
    {
      g_set_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_SCRIPT,
                   "invalid regex `%s`: %s", step->text, step->regex_error);
      return FALSE;
    }
  line = runner_read_line (r, &partial, error);
  if (line == NULL)
    {
      explain_missing_line (error, expected, partial);
      return FALSE;
    }
  record_client_line (r->server, line);
  if (!g_regex_match (step->regex, line, 0, &match))
    {
      g_set_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_DIVERGED,
                   "expected %s, got `%s`", expected, line);
      return FALSE;
    }
  keep_captures (r, step, match);
  return TRUE;
}

static gboolean
run_expect_eof (Runner  *r,
                GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *line = NULL;

  if (r->input->len == 0 && runner_read_some (r, &local) == 0)
    {
      record (r->server, g_strdup ("! eof"));
      runner_drop (r);
      return TRUE;
    }
  if (local != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local),
                                  "expected the client to close the connection, got ");
      return FALSE;
    }
  line = runner_read_line (r, &partial, NULL);
  if (line != NULL)
    record_client_line (r->server, line);
  g_set_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_DIVERGED,
               "expected the client to close the connection, got `%s`",
               line != NULL ? line : partial != NULL ? partial : "");
  return FALSE;
}

static gboolean
run_starttls (Runner  *r,
              GError **error)
{
  /* Whatever came before the handshake would be read as if it came through
   * TLS: that is the STARTTLS command injection, so it is a failure. */
  if (r->input->len > 0)
    {
      g_autofree char *early = g_strndup ((const char *) r->input->data, r->input->len);

      g_set_error (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_DIVERGED,
                   "expected a TLS handshake, got `%s` before it", g_strchomp (early));
      return FALSE;
    }
  if (G_IS_TLS_CONNECTION (r->stream))
    {
      g_set_error_literal (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_SCRIPT,
                           "TLS is already on");
      return FALSE;
    }
  record (r->server, g_strdup ("! starttls"));
  return runner_handshake (r, error);
}

static void
run_cut (Runner   *r,
         gboolean  reset)
{
  discard_pending (r);
  if (reset)
    {
      struct linger linger = { .l_onoff = 1, .l_linger = 0 };
      GSocket *socket = g_socket_connection_get_socket (r->connection);

      setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    }
  else
    {
      g_socket_shutdown (g_socket_connection_get_socket (r->connection), FALSE, TRUE, NULL);
    }
  record (r->server, g_strdup (reset ? "! reset" : "! cut"));
  runner_drop (r);
}

static gboolean
on_wait_done (gpointer data)
{
  gboolean *fired = data;

  *fired = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
run_wait (Runner      *r,
          const Step  *step,
          GError     **error)
{
  g_autoptr(GSource) source = g_timeout_source_new (step->ms);
  gboolean fired = FALSE;

  g_source_set_callback (source, on_wait_done, &fired, NULL);
  g_source_attach (source, r->context);
  while (!fired && !runner_aborted (r))
    g_main_context_iteration (r->context, TRUE);
  g_source_destroy (source);
  if (runner_aborted (r))
    {
      g_set_error_literal (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_FAILED,
                           "the server was freed before the script ended");
      return FALSE;
    }
  record (r->server, g_strdup_printf ("! wait %u", step->ms));
  return TRUE;
}

static guint
step_timeout (KabarScriptedServer *self,
              const Step          *step)
{
  return step != NULL && step->timeout_ms > 0 ? step->timeout_ms : self->default_timeout_ms;
}

static gboolean
needs_connection (StepKind kind)
{
  return kind != STEP_ACCEPT && kind != STEP_WAIT;
}

static gboolean
run_step (Runner      *r,
          const Step  *step,
          GError     **error)
{
  if (needs_connection (step->kind) && r->connection == NULL)
    {
      g_set_error_literal (error, KABAR_SCRIPTED_SERVER_ERROR, KABAR_SCRIPTED_SERVER_ERROR_SCRIPT,
                           "no connection: the script closed it and has no accept step since");
      return FALSE;
    }

  switch (step->kind)
    {
    case STEP_SEND:
    case STEP_SEND_PARTIAL:
      return run_send (r, step, error);
    case STEP_SEND_RAW:
      return run_send_raw (r, step, error);
    case STEP_EXPECT:
      return run_expect (r, step, error);
    case STEP_EXPECT_REGEX:
      return run_expect_regex (r, step, error);
    case STEP_EXPECT_EOF:
      return run_expect_eof (r, error);
    case STEP_STARTTLS:
      return run_starttls (r, error);
    case STEP_CLOSE:
      record (r->server, g_strdup ("! close"));
      runner_close_gracefully (r, MIN (r->timeout_ms, DRAIN_MS));
      return TRUE;
    case STEP_CUT:
    case STEP_RESET:
      run_cut (r, step->kind == STEP_RESET);
      return TRUE;
    case STEP_ACCEPT:
      if (r->connection != NULL)
        runner_close_gracefully (r, MIN (r->timeout_ms, DRAIN_MS));
      record (r->server, g_strdup ("! accept"));
      r->timeout_ms = step_timeout (r->server, step);
      r->deadline = g_get_monotonic_time () + (gint64) r->timeout_ms * 1000;
      return runner_accept (r, error);
    case STEP_WAIT:
      return run_wait (r, step, error);
    default:
      g_assert_not_reached ();
    }
}

/* The thread */

static void
finish (Runner  *r,
        int      failed_step,
        GError  *error)
{
  KabarScriptedServer *self = r->server;

  g_mutex_lock (&self->lock);
  self->failed_step = failed_step;
  self->error = error;
  g_mutex_unlock (&self->lock);
  g_atomic_int_set (&self->finished, 1);
  g_main_context_wakeup (self->caller_context);
}

static void
fail (Runner     *r,
      int         index,
      const Step *step,
      GError     *error)
{
  if (step != NULL && step->origin != NULL)
    g_prefix_error (&error, "step %d (%s): ", index, step->origin);
  else if (index == 0)
    g_prefix_error (&error, "waiting for the first connection: ");
  else
    g_prefix_error (&error, "step %d: ", index);
  finish (r, index, error);
}

static void
run_script (Runner *r)
{
  KabarScriptedServer *self = r->server;
  GError *error = NULL;
  guint i;

  r->timeout_ms = self->default_timeout_ms;
  r->deadline = g_get_monotonic_time () + (gint64) r->timeout_ms * 1000;
  if (!runner_accept (r, &error))
    {
      fail (r, 0, NULL, error);
      return;
    }

  for (i = 0; i < self->steps->len; i++)
    {
      const Step *step = g_ptr_array_index (self->steps, i);

      r->timeout_ms = step_timeout (self, step);
      r->deadline = g_get_monotonic_time () + (gint64) r->timeout_ms * 1000;
      if (g_cancellable_is_cancelled (self->abort) || !run_step (r, step, &error))
        {
          if (error == NULL)
            g_set_error_literal (&error, KABAR_SCRIPTED_SERVER_ERROR,
                                 KABAR_SCRIPTED_SERVER_ERROR_FAILED,
                                 "the server was freed before the script ended");
          fail (r, (int) i + 1, step, error);
          return;
        }
    }

  if (r->connection != NULL)
    runner_close_gracefully (r, DRAIN_MS);
  finish (r, -1, NULL);
}

static gpointer
server_thread (gpointer data)
{
  Runner r = { .server = data };

  r.context = g_main_context_new ();
  g_main_context_push_thread_default (r.context);
  r.input = g_byte_array_new ();
  r.captures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r.wakeup_handler = g_cancellable_connect (r.server->abort, G_CALLBACK (wake_up), r.context, NULL);

  run_script (&r);

  if (r.connection != NULL)
    {
      discard_pending (&r);
      runner_drop (&r);
    }
  g_socket_listener_close (r.server->listener);
  runner_end_op (&r);
  if (r.wakeup_handler != 0)
    g_cancellable_disconnect (r.server->abort, r.wakeup_handler);
  g_hash_table_unref (r.captures);
  g_byte_array_unref (r.input);
  g_main_context_pop_thread_default (r.context);
  g_main_context_unref (r.context);
  return NULL;
}

static gboolean
script_needs_tls (KabarScriptedServer *self)
{
  guint i;

  if (self->tls == KABAR_SCRIPTED_TLS_IMPLICIT)
    return TRUE;
  for (i = 0; i < self->steps->len; i++)
    {
      const Step *step = g_ptr_array_index (self->steps, i);

      if (step->kind == STEP_STARTTLS)
        return TRUE;
    }
  return FALSE;
}

static gboolean
listen_on_loopback (KabarScriptedServer  *self,
                    GError              **error)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) effective = NULL;

  self->listener = g_socket_listener_new ();
  if (!g_socket_listener_add_address (self->listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, error))
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  return TRUE;
}

gboolean
kabar_scripted_server_start (KabarScriptedServer  *self,
                             GError              **error)
{
  g_return_val_if_fail (self->thread == NULL && self->listener == NULL, FALSE);

  if (script_needs_tls (self) && self->certificate == NULL)
    {
      if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "no TLS backend: is glib-networking installed?");
          return FALSE;
        }
      self->certificate = kabar_scripted_server_generate_certificate (error);
      if (self->certificate == NULL)
        return FALSE;
    }
  if (!listen_on_loopback (self, error))
    return FALSE;

  self->caller_context = g_main_context_ref_thread_default ();
  self->thread = g_thread_new ("kabar-scripted", server_thread, self);
  return TRUE;
}

guint16
kabar_scripted_server_get_port (KabarScriptedServer *self)
{
  return self->port;
}

gboolean
kabar_scripted_server_is_finished (KabarScriptedServer *self)
{
  return g_atomic_int_get (&self->finished) != 0;
}

gboolean
kabar_scripted_server_wait (KabarScriptedServer  *self,
                            GError              **error)
{
  g_return_val_if_fail (self->caller_context != NULL, FALSE);

  while (!kabar_scripted_server_is_finished (self))
    g_main_context_iteration (self->caller_context, TRUE);
  if (self->thread != NULL)
    g_thread_join (g_steal_pointer (&self->thread));

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return TRUE;
}

int
kabar_scripted_server_get_failed_step (KabarScriptedServer *self)
{
  int step;

  g_mutex_lock (&self->lock);
  step = self->failed_step;
  g_mutex_unlock (&self->lock);
  return step;
}

GStrv
kabar_scripted_server_dup_client_lines (KabarScriptedServer *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->client_lines->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->client_lines, i));
  g_mutex_unlock (&self->lock);
  return g_strv_builder_end (builder);
}

char *
kabar_scripted_server_dup_transcript (KabarScriptedServer *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->transcript->len; i++)
    {
      g_string_append (text, g_ptr_array_index (self->transcript, i));
      g_string_append_c (text, '\n');
    }
  g_mutex_unlock (&self->lock);
  return g_string_free (g_steal_pointer (&text), FALSE);
}
