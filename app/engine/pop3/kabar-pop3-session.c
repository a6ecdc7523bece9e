/* kabar-pop3-session.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session's core: the connection, the queue of commands, one reader
 * and the connect dialogue (greeting, CAPA, STLS).
 *
 * POP3 answers every command in order, so the replies belong to the
 * commands in flight from the head on. The reader runs while a command is
 * in flight and drains the lines that have already arrived before it
 * waits for more: a UIDL of 10,000 lines or a RETR of 10 MB costs a main
 * loop iteration per network read, not per line.
 */

#include "config.h"

#include <string.h>

#include "kabar-net-error.h"
#include "kabar-pop3-session-private.h"

struct _KabarPop3Session
{
  GObject          parent_instance;

  KabarConnection *connection;
  GMainContext    *context;
  GCancellable    *cancellable;   /* cancelled when the session ends */
  char            *peer;          /* "host:port", for messages */
  GStrv            capabilities;  /* NULL before the first CAPA */
  gboolean         authenticated;
  gboolean         closed;

  GQueue           pending;       /* KabarPop3Command, not sent yet */
  GQueue           in_flight;     /* sent, waiting for their replies */
  gboolean         reading;
  gboolean         reader_paused;
  guint            writes_in_flight;
  /* Run once the writes are done (STLS must not start before). */
  void           (*drained)       (KabarPop3Session *self,
                                   gpointer          data);
  gpointer         drained_data;
};

G_DEFINE_FINAL_TYPE (KabarPop3Session, kabar_pop3_session, G_TYPE_OBJECT)

static void pump       (KabarPop3Session *self);
static void read_more  (KabarPop3Session *self);
static void shut_down  (KabarPop3Session *self,
                        GError           *error);

/* --- commands -------------------------------------------------------------- */

void
kabar_pop3_wipe_string (char *text)
{
  if (text == NULL)
    return;
  memset (text, 0, strlen (text));
  g_free (text);
}

KabarPop3Command *
kabar_pop3_command_new (const char            *line,
                        KabarPop3CommandFlags  flags)
{
  KabarPop3Command *command = g_new0 (KabarPop3Command, 1);

  command->line = g_strdup (line);
  command->flags = flags;
  return command;
}

void
kabar_pop3_command_free (KabarPop3Command *command)
{
  if (command->cancel_source != NULL)
    {
      g_source_destroy (command->cancel_source);
      g_source_unref (command->cancel_source);
    }
  kabar_pop3_wipe_string (command->line);
  g_clear_object (&command->task);
  if (command->owner_free != NULL && command->owner != NULL)
    command->owner_free (command->owner);
  if (command->data_free != NULL && command->data != NULL)
    command->data_free (command->data);
  g_free (command->text);
  g_clear_error (&command->error);
  g_free (command);
}

/* g_debug() formats its message before the writer drops it: each RETR
 * of a download paid for two lines that nobody reads. */
static gboolean
tracing (void)
{
  return !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
}

/* What the log shows of a command: a secret one as its first word. */
static char *
describe (KabarPop3Command *command)
{
  const char *space;

  if (command->line == NULL)
    return g_strdup ("(greeting)");
  space = strchr (command->line, ' ');
  /* AUTH's mechanism is no secret; its initial response is. */
  if (space != NULL && g_str_has_prefix (command->line, "AUTH ") && strchr (space + 1, ' ') == NULL)
    return g_strdup (command->line);
  if (space != NULL && g_str_has_prefix (command->line, "AUTH "))
    space = strchr (space + 1, ' ');
  if ((command->flags & KABAR_POP3_COMMAND_SECRET) && space != NULL)
    return g_strdup_printf ("%.*s <secret>", (int) (space - command->line), command->line);
  return g_strdup (command->line);
}

/* The command's name for an error message ("RETR 5", "PASS"). */
static char *
command_name (KabarPop3Command *command)
{
  if (command->flags & KABAR_POP3_COMMAND_SECRET)
    return g_strndup (command->line, strcspn (command->line, " "));
  return describe (command);
}

static void
finish_command (KabarPop3Session *self,
                KabarPop3Command *command,
                GError           *error)
{
  command->done (self, command, error);
  kabar_pop3_command_free (command);
}

/* --- failing --------------------------------------------------------------- */

static void
fail_queue (KabarPop3Session *self,
            GQueue           *queue,
            const GError     *error)
{
  KabarPop3Command *command;

  while ((command = g_queue_pop_head (queue)) != NULL)
    finish_command (self, command, g_error_copy (error));
}

/* The end of the session, whatever ended it. The commands' callbacks run
 * from here: everything is taken off the session first. */
static void
shut_down (KabarPop3Session *self,
           GError           *error)
{
  g_autoptr(KabarPop3Session) hold = g_object_ref (self);
  g_autoptr(GError) owned = error;
  GQueue in_flight = G_QUEUE_INIT;
  GQueue pending = G_QUEUE_INIT;

  if (self->closed)
    return;
  g_debug ("POP3 session with %s ends: %s", self->peer, error->message);
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  kabar_connection_close_async (self->connection, NULL, NULL, NULL);
  /* An STLS waiting for its writes: the closed connection fails it. */
  if (self->drained != NULL)
    {
      void (*drained) (KabarPop3Session *, gpointer) = self->drained;

      self->drained = NULL;
      drained (self, self->drained_data);
    }
  in_flight = self->in_flight;
  pending = self->pending;
  g_queue_init (&self->in_flight);
  g_queue_init (&self->pending);
  fail_queue (self, &in_flight, error);
  fail_queue (self, &pending, error);
}

void
kabar_pop3_session_fail (KabarPop3Session *self,
                         GError           *error)
{
  shut_down (self, error);
}

void
kabar_pop3_session_close (KabarPop3Session *self)
{
  g_return_if_fail (KABAR_IS_POP3_SESSION (self));

  shut_down (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                "The session with %s was closed", self->peer));
}

/* --- object ---------------------------------------------------------------- */

static void
kabar_pop3_session_dispose (GObject *object)
{
  KabarPop3Session *self = KABAR_POP3_SESSION (object);

  /* Dropped without QUIT: nothing marked with DELE is removed. */
  if (!self->closed && self->connection != NULL)
    kabar_pop3_session_close (self);
  G_OBJECT_CLASS (kabar_pop3_session_parent_class)->dispose (object);
}

static void
kabar_pop3_session_finalize (GObject *object)
{
  KabarPop3Session *self = KABAR_POP3_SESSION (object);

  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_main_context_unref (self->context);
  g_free (self->peer);
  g_strfreev (self->capabilities);
  G_OBJECT_CLASS (kabar_pop3_session_parent_class)->finalize (object);
}

static void
kabar_pop3_session_class_init (KabarPop3SessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_pop3_session_dispose;
  object_class->finalize = kabar_pop3_session_finalize;
}

static void
kabar_pop3_session_init (KabarPop3Session *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->pending);
  g_queue_init (&self->in_flight);
}

static KabarPop3Session *
session_new (KabarConnection *connection)
{
  KabarPop3Session *self = g_object_new (KABAR_TYPE_POP3_SESSION, NULL);
  const char *host = kabar_connection_get_host (connection);
  guint16 port = kabar_connection_get_port (connection);

  self->connection = g_object_ref (connection);
  self->peer = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, port)
                                          : g_strdup_printf ("%s:%u", host, port);
  return self;
}

/* --- refusals -------------------------------------------------------------- */

/* Outlook.com and Exchange Online: "basic authentication is disabled"
 * (or "blocked"); no response code says it, only the words. */
static gboolean
says_basic_auth_disabled (const char *lower)
{
  return strstr (lower, "basic auth") != NULL &&
         (strstr (lower, "disabled") != NULL || strstr (lower, "blocked") != NULL);
}

/* Exchange Online with POP off for the mailbox signs the user in, then
 * refuses with "User is authenticated but not connected." (as its IMAP
 * does); other providers say POP is disabled in so many words. */
static gboolean
says_pop_disabled (const char *lower)
{
  if (strstr (lower, "authenticated but not connected") != NULL)
    return TRUE;
  return (strstr (lower, "pop") != NULL || strstr (lower, "protocol") != NULL) &&
         (strstr (lower, "disabled") != NULL || strstr (lower, "not enabled") != NULL);
}

/* The RFC 2449 response code at the start of text ("[SYS/TEMP] ..."), or
 * NULL. */
static char *
response_code (const char *text)
{
  const char *end;

  if (text[0] != '[' || (end = strchr (text, ']')) == NULL)
    return NULL;
  return g_ascii_strup (text + 1, end - text - 1);
}

static GError *
coded_error (KabarPop3Session *self,
             const char       *code,
             const char       *name,
             const char       *text)
{
  if (g_str_has_prefix (code, "IN-USE"))
    return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_IN_USE,
                        "The mailbox at %s is in use by another session (%s): %s", self->peer, name, text);
  if (g_str_has_prefix (code, "LOGIN-DELAY"))
    return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_LOGIN_DELAY,
                        "%s wants more time between sign-ins (%s): %s", self->peer, name, text);
  if (g_str_has_prefix (code, "SYS/TEMP"))
    return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_TEMPORARY,
                        "%s has a temporary problem (%s): %s", self->peer, name, text);
  if (g_str_has_prefix (code, "SYS/PERM"))
    return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_SYSTEM,
                        "%s has a problem that waiting will not fix (%s): %s", self->peer, name, text);
  if (g_str_has_prefix (code, "AUTH"))
    return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED,
                        "%s refused the sign-in (%s): %s", self->peer, name, text);
  return NULL;
}

GError *
kabar_pop3_session_refusal_error (KabarPop3Session *self,
                                  KabarPop3Command *command,
                                  const char       *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *lower = g_ascii_strdown (valid, -1);
  g_autofree char *name = command->line != NULL ? command_name (command) : g_strdup ("greeting");
  g_autofree char *code = response_code (valid);
  GError *error = code != NULL ? coded_error (self, code, name, valid) : NULL;

  if (error != NULL)
    return error;
  if (says_basic_auth_disabled (lower))
    return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_BASIC_AUTH_DISABLED,
                        "%s does not accept passwords (%s): %s", self->peer, name, valid);
  if (says_pop_disabled (lower))
    return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_POP_DISABLED,
                        "POP access is turned off for this mailbox at %s (%s): %s", self->peer, name, valid);
  switch (command->refusal)
    {
    case KABAR_POP3_REFUSAL_MESSAGE:
      return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_NO_SUCH_MESSAGE,
                          "%s has no such message (%s): %s", self->peer, name, valid);
    case KABAR_POP3_REFUSAL_SIGN_IN:
      return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_AUTHENTICATION_FAILED,
                          "%s refused the sign-in (%s): %s", self->peer, name, valid);
    case KABAR_POP3_REFUSAL_COMMAND:
    default:
      return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_COMMAND_REFUSED,
                          "%s refused %s: %s", self->peer, name, valid);
    }
}

/* --- reading --------------------------------------------------------------- */

/* "+OK", "-ERR" or "+" as a whole word at the start of line: the text
 * after it (and one space), or NULL. */
static const char *
after_word (const char *line,
            const char *word)
{
  gsize length = strlen (word);

  if (g_ascii_strncasecmp (line, word, length) != 0)
    return NULL;
  if (line[length] == '\0')
    return line + length;
  if (line[length] == ' ')
    return line + length + 1;
  return NULL;
}

void
kabar_pop3_session_complete (KabarPop3Session *self,
                             GError           *error)
{
  g_autoptr(KabarPop3Session) hold = g_object_ref (self);
  KabarPop3Command *command = g_queue_pop_head (&self->in_flight);

  if (error == NULL && command->error != NULL)
    error = g_steal_pointer (&command->error);
  finish_command (self, command, error);
  pump (self);
}

static void
not_pop3 (KabarPop3Session *self,
          const char       *line)
{
  g_autofree char *valid = g_utf8_make_valid (line, -1);

  shut_down (self, g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_PROTOCOL,
                                "%s sent a line that is not POP3: “%s”", self->peer, valid));
}

static void
process_status (KabarPop3Session *self,
                KabarPop3Command *command,
                const char       *line)
{
  const char *text;

  if ((command->flags & KABAR_POP3_COMMAND_CONVERSATION) &&
      (text = after_word (line, "+")) != NULL)
    {
      if (tracing ())
        g_debug ("%s: S: %s", self->peer, line);
      command->continuation (self, command, text);
      return;
    }
  if ((text = after_word (line, "+OK")) != NULL)
    {
      if (tracing ())
        g_debug ("%s: S: %s", self->peer, line);
      command->text = g_strdup (text);
      if (command->flags & KABAR_POP3_COMMAND_MULTILINE)
        command->in_body = TRUE;
      else
        kabar_pop3_session_complete (self, NULL);
      return;
    }
  if ((text = after_word (line, "-ERR")) != NULL)
    {
      if (tracing ())
        g_debug ("%s: S: %s", self->peer, line);
      kabar_pop3_session_complete (self, kabar_pop3_session_refusal_error (self, command, text));
      return;
    }
  not_pop3 (self, line);
}

/* A line of a multi-line reply; FALSE when the reader is to stop. */
static gboolean
process_body_line (KabarPop3Session *self,
                   KabarPop3Command *command,
                   const char       *line,
                   gsize             length)
{
  if (length == 1 && line[0] == '.')
    {
      if (command->body_end == NULL || command->body_end (self, command))
        {
          kabar_pop3_session_complete (self, NULL);
          return TRUE;
        }
      self->reader_paused = TRUE;
      return FALSE;
    }
  /* RFC 1939 §3: a line that starts with "." was sent with one more. */
  if (length > 0 && line[0] == '.')
    {
      line++;
      length--;
    }
  if (command->body_line (self, command, line, length))
    return TRUE;
  self->reader_paused = TRUE;
  return FALSE;
}

/* FALSE when the reader is to stop. */
static gboolean
process_line (KabarPop3Session *self,
              GBytes           *bytes)
{
  KabarPop3Command *command = g_queue_peek_head (&self->in_flight);
  gsize length;
  const char *line = g_bytes_get_data (bytes, &length);

  if (command->in_body)
    return process_body_line (self, command, line, length);
  process_status (self, command, line);
  return TRUE;
}

static void
read_failed (KabarPop3Session *self,
             GError           *error)
{
  self->reading = FALSE;
  if (self->closed)
    {
      g_error_free (error);
      return;
    }
  shut_down (self, error);
}

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KabarPop3Session) self = user_data;
  g_autoptr(GBytes) line = NULL;
  GError *error = NULL;

  line = kabar_connection_read_line_finish (KABAR_CONNECTION (source), result, &error);
  if (line == NULL)
    {
      read_failed (self, error);
      return;
    }
  if (self->closed)
    {
      self->reading = FALSE;
      return;
    }
  if (!process_line (self, line))
    {
      self->reading = FALSE;
      return;
    }
  read_more (self);
}

/* The reader's loop; self->reading is TRUE while it or its read runs. */
static void
read_more (KabarPop3Session *self)
{
  while (!self->closed && !self->reader_paused && !g_queue_is_empty (&self->in_flight))
    {
      KabarPop3Command *command = g_queue_peek_head (&self->in_flight);
      g_autoptr(GBytes) line = NULL;
      GError *error = NULL;

      /* A message is tens of lines: lent, they are copied once, into it. */
      if (command->in_body)
        {
          gsize length;
          const char *lent = kabar_connection_peek_buffered_line (self->connection, &length, &error);

          if (lent != NULL)
            {
              kabar_connection_skip_buffered_line (self->connection);
              if (!process_body_line (self, command, lent, length))
                break;
              continue;
            }
        }
      else
        line = kabar_connection_read_buffered_line (self->connection, &error);
      if (error != NULL)
        {
          read_failed (self, error);
          return;
        }
      if (line == NULL)
        {
          kabar_connection_read_line_async (self->connection, self->cancellable, on_line_read,
                                            g_object_ref (self));
          return;
        }
      if (!process_line (self, line))
        break;
    }
  self->reading = FALSE;
}

static void
ensure_reading (KabarPop3Session *self)
{
  g_autoptr(KabarPop3Session) hold = NULL;

  if (self->reading || self->closed || self->reader_paused || g_queue_is_empty (&self->in_flight))
    return;
  hold = g_object_ref (self);
  self->reading = TRUE;
  read_more (self);
}

void
kabar_pop3_session_resume_reading (KabarPop3Session *self)
{
  self->reader_paused = FALSE;
  ensure_reading (self);
}

/* --- writing --------------------------------------------------------------- */

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KabarPop3Session) self = user_data;
  GError *error = NULL;

  self->writes_in_flight--;
  if (!kabar_connection_write_finish (KABAR_CONNECTION (source), result, &error))
    {
      if (self->closed)
        g_error_free (error);
      else
        shut_down (self, error);
      return;
    }
  if (self->writes_in_flight == 0 && self->drained != NULL)
    {
      void (*drained) (KabarPop3Session *, gpointer) = self->drained;

      self->drained = NULL;
      drained (self, self->drained_data);
    }
}

static void
wipe_buffer (gpointer data)
{
  kabar_pop3_wipe_string (data);
}

/* Takes text, a NUL-terminated string that may hold a secret. */
static void
write_text (KabarPop3Session *self,
            char             *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new_with_free_func (text, strlen (text), wipe_buffer, text);

  self->writes_in_flight++;
  kabar_connection_write_async (self->connection, bytes, self->cancellable, on_written, g_object_ref (self));
}

void
kabar_pop3_session_write_secret (KabarPop3Session *self,
                                 char             *line)
{
  char *text = g_strconcat (line, "\r\n", NULL);

  kabar_pop3_wipe_string (line);
  if (!self->closed)
    write_text (self, text);
  else
    kabar_pop3_wipe_string (text);
}

/* --- sending --------------------------------------------------------------- */

static gboolean
barrier_in_flight (KabarPop3Session *self)
{
  KabarPop3Command *last = g_queue_peek_tail (&self->in_flight);

  return last != NULL && (last->flags & KABAR_POP3_COMMAND_BARRIER);
}

static gboolean
may_send (KabarPop3Session *self,
          KabarPop3Command *command)
{
  if (g_queue_is_empty (&self->in_flight))
    return TRUE;
  if (barrier_in_flight (self) || (command->flags & KABAR_POP3_COMMAND_BARRIER))
    return FALSE;
  return kabar_pop3_session_has_capability (self, "PIPELINING");
}

/* Sends what may go now, all of it in one write. */
static void
pump (KabarPop3Session *self)
{
  GString *out = NULL;

  while (!self->closed && !g_queue_is_empty (&self->pending))
    {
      KabarPop3Command *command = g_queue_peek_head (&self->pending);
      g_autofree char *description = NULL;

      if (!may_send (self, command))
        break;
      g_queue_push_tail (&self->in_flight, g_queue_pop_head (&self->pending));
      if (tracing ())
        {
          description = describe (command);
          g_debug ("%s: C: %s", self->peer, description);
        }
      if (out == NULL)
        out = g_string_new (NULL);
      g_string_append (out, command->line);
      g_string_append (out, "\r\n");
    }
  if (out != NULL)
    write_text (self, g_string_free (out, FALSE));
  ensure_reading (self);
}

static gboolean
on_command_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  KabarPop3Command *command = user_data;
  KabarPop3Session *self = command->session;
  GList *link = g_queue_find (&self->pending, command);

  if (link != NULL)
    {
      g_queue_delete_link (&self->pending, link);
      finish_command (self, command, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  "The command to %s was cancelled", self->peer));
      return G_SOURCE_REMOVE;
    }
  shut_down (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                "A command to %s was cancelled on the wire, which ends the session",
                                self->peer));
  return G_SOURCE_REMOVE;
}

void
kabar_pop3_session_queue (KabarPop3Session *self,
                          KabarPop3Command *command,
                          GCancellable     *cancellable)
{
  command->session = self;
  if (self->closed)
    {
      finish_command (self, command, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                                  "The session with %s is closed", self->peer));
      return;
    }
  if (cancellable != NULL)
    {
      command->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (command->cancel_source, G_SOURCE_FUNC (on_command_cancelled), command, NULL);
      g_source_attach (command->cancel_source, self->context);
    }
  g_queue_push_tail (&self->pending, command);
}

void
kabar_pop3_session_pump (KabarPop3Session *self)
{
  g_autoptr(KabarPop3Session) hold = g_object_ref (self);

  pump (self);
}

void
kabar_pop3_session_submit (KabarPop3Session *self,
                           KabarPop3Command *command,
                           GCancellable     *cancellable)
{
  kabar_pop3_session_queue (self, command, cancellable);
  kabar_pop3_session_pump (self);
}

/* --- capabilities ---------------------------------------------------------- */

static gboolean
capa_line (KabarPop3Session *self,
           KabarPop3Command *command,
           const char       *data,
           gsize             length)
{
  GStrvBuilder *builder = command->data;
  g_autofree char *line = g_utf8_make_valid (data, length);
  gsize word = strcspn (line, " ");
  g_autofree char *upper = g_ascii_strup (line, word);
  g_autofree char *capability = g_strconcat (upper, line + word, NULL);

  if (*line != '\0')
    g_strv_builder_add (builder, capability);
  return TRUE;
}

static void
capa_done (KabarPop3Session *self,
           KabarPop3Command *command,
           GError           *error)
{
  /* RFC 2449: a server without CAPA says -ERR, and simply has none. */
  if (g_error_matches (error, KABAR_POP3_ERROR, KABAR_POP3_ERROR_COMMAND_REFUSED))
    {
      g_debug ("%s has no CAPA: %s", self->peer, error->message);
      g_clear_error (&error);
    }
  if (error != NULL)
    {
      g_task_return_error (command->task, error);
      return;
    }
  g_strfreev (self->capabilities);
  self->capabilities = g_strv_builder_end (command->data);
  g_task_return_boolean (command->task, TRUE);
}

void
kabar_pop3_session_read_capabilities (KabarPop3Session *self,
                                      GTask            *task)
{
  KabarPop3Command *command = kabar_pop3_command_new ("CAPA", KABAR_POP3_COMMAND_MULTILINE);

  command->task = task;
  command->data = g_strv_builder_new ();
  command->data_free = (GDestroyNotify) g_strv_builder_unref;
  command->body_line = capa_line;
  command->done = capa_done;
  kabar_pop3_session_submit (self, command, g_task_get_cancellable (task));
}

/* --- connecting ------------------------------------------------------------ */

typedef struct
{
  KabarPop3Session        *session;
  KabarSecurity            security;
  KabarCertificateProblem *problem;
} Connect;

static void
connect_free (Connect *connect)
{
  if (connect->session != NULL)
    kabar_pop3_session_close (connect->session);
  g_clear_object (&connect->session);
  g_clear_pointer (&connect->problem, kabar_certificate_problem_unref);
  g_free (connect);
}

static void read_capabilities (GTask *task);

static void
on_capabilities_after_tls (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *connect = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&connect->session), g_object_unref);
}

static void
on_tls_started (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *connect = g_task_get_task_data (task);
  KabarPop3Session *self = connect->session;
  GCancellable *cancellable;
  GError *error = NULL;

  if (!kabar_connection_start_tls_finish (KABAR_CONNECTION (source), result, &connect->problem, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* What the server said in plain text may have been changed on the way. */
  g_clear_pointer (&self->capabilities, g_strfreev);
  cancellable = g_task_get_cancellable (task);
  kabar_pop3_session_read_capabilities (self, g_task_new (self, cancellable, on_capabilities_after_tls,
                                                          g_steal_pointer (&task)));
}

static void
start_tls_now (KabarPop3Session *self,
               gpointer          data)
{
  GTask *task = data;

  kabar_connection_start_tls_async (self->connection, g_task_get_cancellable (task), on_tls_started, task);
}

static void
stls_done (KabarPop3Session *self,
           KabarPop3Command *command,
           GError           *error)
{
  GTask *task = g_steal_pointer (&command->task);

  if (error != NULL && error->domain == KABAR_POP3_ERROR)
    {
      g_task_return_new_error (task, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_FAILED,
                               "%s refused STLS: %s", self->peer, error->message);
      g_error_free (error);
      g_object_unref (task);
      return;
    }
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (self->writes_in_flight > 0)
    {
      self->drained = start_tls_now;
      self->drained_data = task;
      return;
    }
  start_tls_now (self, task);
}

/* Owns task. */
static void
start_tls (GTask *task)
{
  Connect *connect = g_task_get_task_data (task);
  KabarPop3Session *self = connect->session;
  KabarPop3Command *command;

  if (!kabar_pop3_session_has_capability (self, "STLS"))
    {
      g_task_return_new_error (task, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_NOT_OFFERED,
                               "%s does not offer STLS: refusing to go on in plain text", self->peer);
      g_object_unref (task);
      return;
    }
  command = kabar_pop3_command_new ("STLS", KABAR_POP3_COMMAND_BARRIER);
  command->task = task;
  command->done = stls_done;
  kabar_pop3_session_submit (self, command, NULL);
}

static void
on_capabilities_read (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *connect = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (connect->security == KABAR_SECURITY_STARTTLS)
    {
      start_tls (g_steal_pointer (&task));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&connect->session), g_object_unref);
}

/* Owns task. */
static void
read_capabilities (GTask *task)
{
  Connect *connect = g_task_get_task_data (task);
  KabarPop3Session *self = connect->session;

  kabar_pop3_session_read_capabilities (self, g_task_new (self, g_task_get_cancellable (task),
                                                          on_capabilities_read, task));
}

static void
greeting_done (KabarPop3Session *self,
               KabarPop3Command *command,
               GError           *error)
{
  GTask *task = g_steal_pointer (&command->task);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  read_capabilities (task);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Connect *connect = g_task_get_task_data (task);
  g_autoptr(KabarConnection) connection = NULL;
  KabarPop3Command *greeting;
  GError *error = NULL;

  connection = kabar_connection_connect_finish (result, &connect->problem, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  connect->session = session_new (connection);
  /* The greeting is the reply to no command: it waits in flight. */
  greeting = kabar_pop3_command_new (NULL, KABAR_POP3_COMMAND_BARRIER);
  greeting->session = connect->session;
  greeting->task = task;
  greeting->done = greeting_done;
  if (g_task_get_cancellable (task) != NULL)
    {
      greeting->cancel_source = g_cancellable_source_new (g_task_get_cancellable (task));
      g_source_set_callback (greeting->cancel_source, G_SOURCE_FUNC (on_command_cancelled), greeting, NULL);
      g_source_attach (greeting->cancel_source, connect->session->context);
    }
  g_queue_push_tail (&connect->session->in_flight, greeting);
  ensure_reading (connect->session);
}

void
kabar_pop3_session_connect_async (const char          *host,
                                  guint16              port,
                                  KabarSecurity        security,
                                  GTlsCertificate     *pinned_certificate,
                                  guint                timeout_seconds,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  Connect *connect;

  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_pop3_session_connect_async);
  connect = g_new0 (Connect, 1);
  connect->security = security;
  g_task_set_task_data (task, connect, (GDestroyNotify) connect_free);
  kabar_connection_connect_async (host, port, security, pinned_certificate, timeout_seconds, cancellable,
                                  on_connected, task);
}

KabarPop3Session *
kabar_pop3_session_connect_finish (GAsyncResult             *result,
                                   KabarCertificateProblem **problem,
                                   GError                  **error)
{
  Connect *connect;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kabar_pop3_session_connect_async, NULL);

  connect = g_task_get_task_data (G_TASK (result));
  if (problem != NULL)
    *problem = NULL;
  if (g_task_had_error (G_TASK (result)) && problem != NULL && connect->problem != NULL)
    *problem = kabar_certificate_problem_ref (connect->problem);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- accessors ------------------------------------------------------------- */

KabarConnection *
kabar_pop3_session_get_connection (KabarPop3Session *self)
{
  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), NULL);

  return self->connection;
}

const char * const *
kabar_pop3_session_get_capabilities (KabarPop3Session *self)
{
  static const char *const none[] = { NULL };

  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), NULL);

  return self->capabilities != NULL ? (const char * const *) self->capabilities : none;
}

gboolean
kabar_pop3_session_has_capability (KabarPop3Session *self,
                                   const char       *capability)
{
  gsize length;

  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (capability != NULL, FALSE);

  length = strlen (capability);
  for (guint i = 0; self->capabilities != NULL && self->capabilities[i] != NULL; i++)
    {
      const char *line = self->capabilities[i];

      if (g_ascii_strncasecmp (line, capability, length) == 0 && (line[length] == '\0' || line[length] == ' '))
        return TRUE;
    }
  return FALSE;
}

gboolean
kabar_pop3_session_is_authenticated (KabarPop3Session *self)
{
  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), FALSE);

  return self->authenticated;
}

gboolean
kabar_pop3_session_is_closed (KabarPop3Session *self)
{
  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), TRUE);

  return self->closed;
}

const char *
kabar_pop3_session_get_peer (KabarPop3Session *self)
{
  return self->peer;
}

void
kabar_pop3_session_set_authenticated (KabarPop3Session *self)
{
  self->authenticated = TRUE;
}
