/* kabar-imap-session.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session's core: the connection, one reader, one writer queue and the
 * dispatch between them and the commands.
 *
 * Reading. The connection hands out lines and counted bytes, the parser
 * wants a byte stream: the reader feeds it one line at a time (with its
 * LF), and when a line announces a literal that the parser now waits for,
 * exactly that many bytes, in chunks. Lines already buffered are taken
 * without a main loop iteration, so a FETCH of 100,000 messages costs
 * about one iteration per 64 KiB. The reader runs while a command is in
 * flight (or a response is half read): a read that waited with nothing
 * asked would end in the connection's timeout.
 *
 * Dispatch. The parser's responses are queued during a feed and handled
 * after it, so no command or caller code runs inside the parser. A tagged
 * reply completes the command with that tag. Untagged data goes to the
 * first command in flight that claims it (a FETCH claims its messages, a
 * LIST its folders), else it is unsolicited and becomes a signal.
 */

#include "config.h"

#include <string.h>

#include "kabar-imap-results-private.h"
#include "kabar-imap-session-private.h"
#include "kabar-net-error.h"

/* Literals are read and fed in pieces of this size: a streamed body never
 * sits whole in memory, and each piece is written out before the next is
 * read. */
#define LITERAL_CHUNK (256 * 1024)

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum
{
  SIGNAL_EXISTS,
  SIGNAL_EXPUNGED,
  SIGNAL_VANISHED,
  SIGNAL_FLAGS_CHANGED,
  SIGNAL_ALERT,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_ENUM_TYPE (KabarImapSessionState, kabar_imap_session_state,
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_SESSION_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_SESSION_STATE_NOT_AUTHENTICATED, "not-authenticated"),
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_SESSION_STATE_AUTHENTICATED, "authenticated"),
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_SESSION_STATE_SELECTED, "selected"),
                    G_DEFINE_ENUM_VALUE (KABAR_IMAP_SESSION_STATE_CLOSED, "closed"))

G_DEFINE_FINAL_TYPE (KabarImapSession, kabar_imap_session, G_TYPE_OBJECT)

/* What the parser delivered: a response, or the news that it dropped a
 * malformed one. */
typedef struct
{
  KabarImapResponse *response;
  GError            *malformed;
  char              *malformed_tag;  /* the first word of the dropped line */
} Arrival;

typedef struct
{
  GOutputStream    *output;
  GBytes           *bytes;
  KabarImapCommand *command;
} StreamWrite;

static void read_more      (KabarImapSession *self);
static void ensure_reading (KabarImapSession *self);
static void shut_down      (KabarImapSession *self,
                            GError           *command_error,
                            const GError     *signal_error,
                            gboolean          emit);

static gboolean
is_closed (KabarImapSession *self)
{
  return self->state == KABAR_IMAP_SESSION_STATE_CLOSED;
}

static void
arrival_free (Arrival *arrival)
{
  g_clear_pointer (&arrival->response, kabar_imap_response_unref);
  g_clear_error (&arrival->malformed);
  g_free (arrival->malformed_tag);
  g_free (arrival);
}

static void
stream_write_free (StreamWrite *write)
{
  g_object_unref (write->output);
  g_bytes_unref (write->bytes);
  kabar_imap_command_unref (write->command);
  g_free (write);
}

/* --- parser callbacks ------------------------------------------------------ */

static KabarImapCommand *
find_in_flight (KabarImapSession *self,
                const char       *tag)
{
  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    {
      KabarImapCommand *command = l->data;

      if (command->tag != NULL && strcmp (command->tag, tag) == 0)
        return command;
    }
  return NULL;
}

static void
on_parser_response (KabarImapParser   *parser,
                    KabarImapResponse *response,
                    gpointer           user_data)
{
  KabarImapSession *self = user_data;
  Arrival *arrival = g_new0 (Arrival, 1);
  KabarImapCommand *command;

  arrival->response = kabar_imap_response_ref (response);
  g_queue_push_tail (&self->arrived, arrival);
  if (kabar_imap_response_get_kind (response) != KABAR_IMAP_RESPONSE_TAGGED)
    return;
  /* After the reply to STARTTLS, the next bytes belong to TLS: not one
   * more may be read as IMAP. */
  command = find_in_flight (self, kabar_imap_response_get_tag (response));
  if (command != NULL && (command->flags & KABAR_IMAP_COMMAND_PAUSE_READER))
    {
      kabar_imap_parser_pause (parser);
      self->reader_paused = TRUE;
    }
}

static void
on_parser_malformed (KabarImapParser *parser,
                     const GError    *error,
                     gpointer         user_data)
{
  KabarImapSession *self = user_data;
  Arrival *arrival = g_new0 (Arrival, 1);
  gsize length = 0;

  arrival->malformed = g_error_copy (error);
  while (self->current_line != NULL && length < self->current_line_length &&
         self->current_line[length] != ' ')
    length++;
  if (length > 0)
    arrival->malformed_tag = g_strndup (self->current_line, length);
  g_queue_push_tail (&self->arrived, arrival);
}

/* The FETCH in flight that a streamed literal belongs to, and where its
 * data goes. */
static void
on_parser_literal_begin (KabarImapParser            *parser,
                         const KabarImapLiteralInfo *info,
                         gpointer                    user_data)
{
  KabarImapSession *self = user_data;

  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    {
      KabarImapCommand *command = l->data;
      GOutputStream *output = NULL;

      if (command->stream == NULL || !command->stream (self, command, info, &output))
        continue;
      self->stream_command = kabar_imap_command_ref (command);
      self->stream_output = output;
      return;
    }
}

static void
on_parser_literal_chunk (KabarImapParser            *parser,
                         const KabarImapLiteralInfo *info,
                         const guint8               *data,
                         gsize                       length,
                         gpointer                    user_data)
{
  KabarImapSession *self = user_data;
  StreamWrite *write;
  gsize feeding_size = 0;
  const guint8 *feeding = self->feeding != NULL ? g_bytes_get_data (self->feeding, &feeding_size) : NULL;

  if (self->stream_output == NULL || length == 0)
    return;
  write = g_new0 (StreamWrite, 1);
  write->output = g_object_ref (self->stream_output);
  write->command = kabar_imap_command_ref (self->stream_command);
  /* The chunk lies in the bytes just read: share them, don't copy. */
  if (feeding != NULL && data >= feeding && data + length <= feeding + feeding_size)
    write->bytes = g_bytes_new_from_bytes (self->feeding, (gsize) (data - feeding), length);
  else
    write->bytes = g_bytes_new (data, length);
  g_queue_push_tail (&self->stream_writes, write);
}

static void
on_parser_literal_end (KabarImapParser            *parser,
                       const KabarImapLiteralInfo *info,
                       gpointer                    user_data)
{
  KabarImapSession *self = user_data;

  g_clear_object (&self->stream_output);
  g_clear_pointer (&self->stream_command, kabar_imap_command_unref);
}

static const KabarImapParserCallbacks parser_callbacks = {
  .response = on_parser_response,
  .malformed = on_parser_malformed,
  .literal_begin = on_parser_literal_begin,
  .literal_chunk = on_parser_literal_chunk,
  .literal_end = on_parser_literal_end,
};

/* --- object ---------------------------------------------------------------- */

static void
kabar_imap_session_dispose (GObject *object)
{
  KabarImapSession *self = KABAR_IMAP_SESSION (object);

  /* Nothing is in flight (commands hold the session), so this only ends
   * the connection. */
  if (!is_closed (self) && self->connection != NULL)
    shut_down (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED, "The session was dropped"), NULL, FALSE);
  kabar_imap_session_idle_clear (self);
  g_clear_object (&self->connection);
  g_clear_object (&self->stream_output);
  g_clear_pointer (&self->stream_command, kabar_imap_command_unref);

  G_OBJECT_CLASS (kabar_imap_session_parent_class)->dispose (object);
}

static void
kabar_imap_session_finalize (GObject *object)
{
  KabarImapSession *self = KABAR_IMAP_SESSION (object);

  g_queue_clear_full (&self->arrived, (GDestroyNotify) arrival_free);
  g_queue_clear_full (&self->stream_writes, (GDestroyNotify) stream_write_free);
  g_clear_pointer (&self->parser, kabar_imap_parser_free);
  g_clear_pointer (&self->line, g_byte_array_unref);
  g_clear_pointer (&self->capabilities, g_strfreev);
  g_clear_pointer (&self->enabled, g_hash_table_unref);
  g_clear_error (&self->close_error);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->selected);
  g_free (self->peer);

  G_OBJECT_CLASS (kabar_imap_session_parent_class)->finalize (object);
}

static void
kabar_imap_session_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KabarImapSession *self = KABAR_IMAP_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_imap_session_class_init (KabarImapSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_imap_session_dispose;
  object_class->finalize = kabar_imap_session_finalize;
  object_class->get_property = kabar_imap_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, KABAR_TYPE_IMAP_SESSION_STATE,
                       KABAR_IMAP_SESSION_STATE_CONNECTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_EXISTS] =
    g_signal_new ("exists", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_EXPUNGED] =
    g_signal_new ("expunged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_VANISHED] =
    g_signal_new ("vanished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, KABAR_TYPE_IMAP_UID_SET | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_BOOLEAN);
  signals[SIGNAL_FLAGS_CHANGED] =
    g_signal_new ("flags-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, KABAR_TYPE_IMAP_MESSAGE);
  signals[SIGNAL_ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
kabar_imap_session_init (KabarImapSession *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->parser = kabar_imap_parser_new (&parser_callbacks, self);
  self->line = g_byte_array_new ();
  self->enabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->state = KABAR_IMAP_SESSION_STATE_CONNECTING;
  g_queue_init (&self->pending);
  g_queue_init (&self->in_flight);
  g_queue_init (&self->arrived);
  g_queue_init (&self->stream_writes);
}

static KabarImapSession *
session_new (KabarConnection *connection)
{
  KabarImapSession *self = g_object_new (KABAR_TYPE_IMAP_SESSION, NULL);
  const char *host = kabar_connection_get_host (connection);
  guint16 port = kabar_connection_get_port (connection);

  self->connection = g_object_ref (connection);
  self->peer = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, port)
                                          : g_strdup_printf ("%s:%u", host, port);
  return self;
}

/* --- state ----------------------------------------------------------------- */

void
kabar_imap_session_set_state (KabarImapSession      *self,
                              KabarImapSessionState  state)
{
  if (self->state == state || is_closed (self))
    return;
  self->state = state;
  if (state != KABAR_IMAP_SESSION_STATE_SELECTED)
    kabar_imap_session_set_selected (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
kabar_imap_session_set_selected (KabarImapSession *self,
                                 const char       *mailbox)
{
  g_free (self->selected);
  self->selected = g_strdup (mailbox);
}

void
kabar_imap_session_set_capabilities (KabarImapSession     *self,
                                     const KabarImapValue *list)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < kabar_imap_value_get_list_length (list); i++)
    {
      const char *word = kabar_imap_value_get_text (kabar_imap_value_get_list_item (list, i));

      g_autofree char *upper = word != NULL ? g_ascii_strup (word, -1) : NULL;

      if (upper != NULL)
        g_strv_builder_add (builder, upper);
    }
  g_strfreev (self->capabilities);
  self->capabilities = g_strv_builder_end (builder);
}

void
kabar_imap_session_forget_capabilities (KabarImapSession *self)
{
  g_clear_pointer (&self->capabilities, g_strfreev);
}

gboolean
kabar_imap_session_has_capabilities (KabarImapSession *self)
{
  return self->capabilities != NULL;
}

/* --- failing --------------------------------------------------------------- */

static void
fail_queue (GQueue       *queue,
            const GError *error)
{
  KabarImapCommand *command;

  while ((command = g_queue_pop_head (queue)) != NULL)
    {
      kabar_imap_command_return_error (command, g_error_copy (error));
      kabar_imap_command_unref (command);
    }
}

/* The end of the session, whatever ended it. The commands' callbacks may
 * run from here: everything is taken off the session first. */
static void
shut_down (KabarImapSession *self,
           GError           *command_error,
           const GError     *signal_error,
           gboolean          emit)
{
  g_autoptr(GError) error = command_error;
  g_autoptr(GTask) greeting = g_steal_pointer (&self->greeting);

  if (is_closed (self))
    return;
  g_debug ("IMAP session with %s ends: %s", self->peer, error->message);
  self->state = KABAR_IMAP_SESSION_STATE_CLOSED;
  if (signal_error != NULL)
    self->close_error = g_error_copy (signal_error);
  kabar_imap_session_set_selected (self, NULL);
  self->conversation = NULL;
  g_cancellable_cancel (self->cancellable);
  kabar_connection_close_async (self->connection, NULL, NULL, NULL);
  /* A STARTTLS waiting for its writes: the closed connection fails it. */
  if (self->drained != NULL)
    {
      void (*drained) (KabarImapSession *, gpointer) = self->drained;

      self->drained = NULL;
      drained (self, self->drained_data);
    }
  g_queue_clear_full (&self->stream_writes, (GDestroyNotify) stream_write_free);
  g_clear_object (&self->stream_output);
  g_clear_pointer (&self->stream_command, kabar_imap_command_unref);

  if (greeting != NULL)
    g_task_return_error (greeting, g_error_copy (error));
  fail_queue (&self->in_flight, error);
  fail_queue (&self->pending, error);
  if (!emit)
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0, signal_error);
}

void
kabar_imap_session_fail (KabarImapSession *self,
                         GError           *error)
{
  g_autoptr(GError) copy = g_error_copy (error);

  shut_down (self, error, copy, TRUE);
}

void
kabar_imap_session_finish_logout (KabarImapSession *self)
{
  shut_down (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                "The session with %s was logged out", self->peer), NULL, TRUE);
}

void
kabar_imap_session_close (KabarImapSession *self)
{
  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  shut_down (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                "The session with %s was closed", self->peer), NULL, TRUE);
}

/* --- writing --------------------------------------------------------------- */

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KabarImapSession) self = user_data;
  GError *error = NULL;

  self->writes_in_flight--;
  if (!kabar_connection_write_finish (KABAR_CONNECTION (source), result, &error))
    {
      kabar_imap_session_fail (self, error);
      return;
    }
  if (self->writes_in_flight == 0 && self->drained != NULL)
    {
      void (*drained) (KabarImapSession *, gpointer) = self->drained;

      self->drained = NULL;
      drained (self, self->drained_data);
    }
}

void
kabar_imap_session_write (KabarImapSession *self,
                          GBytes           *bytes)
{
  self->writes_in_flight++;
  kabar_connection_write_async (self->connection, bytes, self->cancellable, on_written,
                                g_object_ref (self));
}

/* Writes the command's segments up to one that waits for "+". */
static void
send_segments (KabarImapSession *self,
               KabarImapCommand *command)
{
  while (command->next_segment < command->segments->len)
    {
      KabarImapSegment *segment = g_ptr_array_index (command->segments, command->next_segment);

      if (command->next_segment++ == 0)
        {
          gsize size;
          const char *data = g_bytes_get_data (segment->bytes, &size);
          GString *line = g_string_sized_new (strlen (command->tag) + 1 + size);
          gsize length;

          g_string_append (line, command->tag);
          g_string_append_c (line, ' ');
          g_string_append_len (line, data, (gssize) size);
          length = line->len;
          g_bytes_unref (segment->bytes);
          segment->bytes = g_bytes_new_take (g_string_free (line, FALSE), length);
        }
      kabar_imap_session_write (self, segment->bytes);
      if (segment->wait)
        {
          self->conversation = command;
          return;
        }
    }
  command->sent = TRUE;
  if (command->flags & KABAR_IMAP_COMMAND_CONVERSATION)
    self->conversation = command;
}

static void
send_command (KabarImapSession *self,
              KabarImapCommand *command)
{
  g_autofree char *description = NULL;

  command->tag = g_strdup_printf ("a%u", ++self->next_tag);
  g_queue_push_tail (&self->in_flight, command);
  description = kabar_imap_command_describe (command);
  g_debug ("%s: %s", self->peer, description);
  send_segments (self, command);
}

static gboolean
barrier_in_flight (KabarImapSession *self)
{
  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    if (((KabarImapCommand *) l->data)->flags & KABAR_IMAP_COMMAND_BARRIER)
      return TRUE;
  return FALSE;
}

/* Sends what may go now; see the header for the rules. */
void
kabar_imap_session_pump (KabarImapSession *self)
{
  g_autoptr(KabarImapSession) hold = g_object_ref (self);

  while (!is_closed (self) && self->conversation == NULL && self->greeting == NULL)
    {
      KabarImapCommand *command = g_queue_peek_head (&self->pending);

      if (command == NULL)
        break;
      if (barrier_in_flight (self))
        break;
      if ((command->flags & KABAR_IMAP_COMMAND_BARRIER) && !g_queue_is_empty (&self->in_flight))
        break;
      send_command (self, g_queue_pop_head (&self->pending));
    }
  /* A command waits behind an IDLE: end it. */
  if (!g_queue_is_empty (&self->pending))
    kabar_imap_session_idle_interrupt (self);
  ensure_reading (self);
}

/* --- submitting ------------------------------------------------------------ */

static KabarImapLiteralMode
literal_mode (KabarImapSession *self)
{
  if (kabar_imap_session_has_capability (self, "LITERAL+"))
    return KABAR_IMAP_LITERAL_PLUS;
  if (kabar_imap_session_has_capability (self, "LITERAL-"))
    return KABAR_IMAP_LITERAL_MINUS;
  return KABAR_IMAP_LITERAL_SYNC;
}

KabarImapCommand *
kabar_imap_session_new_command (KabarImapSession      *self,
                                const char            *name,
                                KabarImapCommandFlags  flags)
{
  KabarImapCommand *command = kabar_imap_command_new (name, literal_mode (self));

  command->flags = flags;
  command->session = self;
  return command;
}

static gboolean
on_command_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  KabarImapCommand *command = user_data;
  KabarImapSession *self = command->session;

  if (g_queue_remove (&self->pending, command))
    {
      kabar_imap_command_return_error (command, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                             "%s was cancelled", command->name));
      kabar_imap_command_unref (command);
      return G_SOURCE_REMOVE;
    }
  /* On the wire already: the server will still answer, and the answer
   * is dropped. */
  if (command->cancelled != NULL)
    command->cancelled (self, command);
  kabar_imap_command_return_error (command, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                         "%s was cancelled", command->name));
  return G_SOURCE_REMOVE;
}

/* What ended the session, for the commands that come after. */
static GError *
closed_error (KabarImapSession *self)
{
  if (self->close_error != NULL)
    return g_error_copy (self->close_error);
  return g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED, "The session with %s is closed",
                      self->peer);
}

void
kabar_imap_session_submit (KabarImapSession    *self,
                           KabarImapCommand    *command,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data,
                           gpointer             source_tag)
{
  command->session = self;
  command->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (command->task, source_tag);
  if (command->done == NULL)
    command->done = kabar_imap_session_done_boolean;
  kabar_imap_command_end (command);
  if (is_closed (self))
    {
      kabar_imap_command_return_error (command, closed_error (self));
      kabar_imap_command_unref (command);
      return;
    }
  if (cancellable != NULL)
    {
      command->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (command->cancel_source, G_SOURCE_FUNC (on_command_cancelled), command, NULL);
      g_source_attach (command->cancel_source, self->context);
    }
  g_queue_push_tail (&self->pending, command);
  kabar_imap_session_pump (self);
}

void
kabar_imap_session_report_error (KabarImapSession    *self,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data,
                                 gpointer             source_tag,
                                 GError              *error)
{
  g_task_report_error (self, callback, user_data, source_tag, error);
}

GError *
kabar_imap_session_unsupported (KabarImapSession *self,
                                const char       *what,
                                const char       *capability)
{
  return g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_UNSUPPORTED,
                      "%s does not offer %s, which %s needs", self->peer, capability, what);
}

/* --- replies --------------------------------------------------------------- */

GError *
kabar_imap_session_reply_error (KabarImapSession  *self,
                                KabarImapCommand  *command,
                                KabarImapResponse *tagged)
{
  g_autofree char *text = g_utf8_make_valid (kabar_imap_response_get_text (tagged), -1);
  KabarImapError code = KABAR_IMAP_ERROR_NO;

  if (kabar_imap_response_get_status (tagged) == KABAR_IMAP_STATUS_BAD)
    return g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BAD, "%s rejected %s: %s",
                        self->peer, command->name, text);
  switch ((int) kabar_imap_response_get_code (tagged))
    {
    case KABAR_IMAP_CODE_NONEXISTENT:
    case KABAR_IMAP_CODE_TRYCREATE:
      code = KABAR_IMAP_ERROR_NONEXISTENT;
      break;
    case KABAR_IMAP_CODE_ALREADYEXISTS:
      code = KABAR_IMAP_ERROR_ALREADY_EXISTS;
      break;
    case KABAR_IMAP_CODE_OVERQUOTA:
      code = KABAR_IMAP_ERROR_OVER_QUOTA;
      break;
    default:
      break;
    }
  return g_error_new (KABAR_IMAP_ERROR, code, "%s refused %s: %s", self->peer, command->name, text);
}

void
kabar_imap_session_done_boolean (KabarImapSession  *self,
                                 KabarImapCommand  *command,
                                 KabarImapResponse *tagged)
{
  if (kabar_imap_response_get_status (tagged) == KABAR_IMAP_STATUS_OK)
    kabar_imap_command_return_boolean (command);
  else
    kabar_imap_command_return_error (command, kabar_imap_session_reply_error (self, command, tagged));
}

/* --- dispatch -------------------------------------------------------------- */

void
kabar_imap_session_emit_flags_changed (KabarImapSession  *self,
                                       KabarImapResponse *response)
{
  g_autoptr(KabarImapMessage) message = kabar_imap_message_new (response);

  g_signal_emit (self, signals[SIGNAL_FLAGS_CHANGED], 0, message);
}

static void
emit_unsolicited (KabarImapSession  *self,
                  KabarImapResponse *response)
{
  guint64 number = 0;
  gboolean earlier;
  g_autoptr(KabarImapUidSet) uids = NULL;

  kabar_imap_response_get_number (response, &number);
  switch ((int) kabar_imap_response_get_data_kind (response))
    {
    case KABAR_IMAP_DATA_EXISTS:
      g_signal_emit (self, signals[SIGNAL_EXISTS], 0, (guint) MIN (number, G_MAXUINT));
      break;
    case KABAR_IMAP_DATA_EXPUNGE:
      g_signal_emit (self, signals[SIGNAL_EXPUNGED], 0, (guint) MIN (number, G_MAXUINT));
      break;
    case KABAR_IMAP_DATA_VANISHED:
      if (kabar_imap_vanished_parse (response, &earlier, &uids))
        g_signal_emit (self, signals[SIGNAL_VANISHED], 0, uids, earlier);
      break;
    case KABAR_IMAP_DATA_FETCH:
      kabar_imap_session_emit_flags_changed (self, response);
      break;
    default:
      break;
    }
}

/* What every session keeps track of, whoever asked. */
static void
observe (KabarImapSession  *self,
         KabarImapResponse *response)
{
  const KabarImapValue *args = kabar_imap_response_get_args (response);

  switch ((int) kabar_imap_response_get_data_kind (response))
    {
    case KABAR_IMAP_DATA_CAPABILITY:
      kabar_imap_session_set_capabilities (self, args);
      break;
    case KABAR_IMAP_DATA_ENABLED:
      for (guint i = 0; i < kabar_imap_value_get_list_length (args); i++)
        {
          const char *name = kabar_imap_value_get_text (kabar_imap_value_get_list_item (args, i));

          if (name != NULL)
            g_hash_table_add (self->enabled, g_ascii_strup (name, -1));
        }
      break;
    default:
      break;
    }
  if ((kabar_imap_response_get_status (response) == KABAR_IMAP_STATUS_OK ||
       kabar_imap_response_get_status (response) == KABAR_IMAP_STATUS_PREAUTH) &&
      kabar_imap_response_get_code (response) == KABAR_IMAP_CODE_CAPABILITY)
    kabar_imap_session_set_capabilities (self, kabar_imap_response_get_code_args (response));
  if (kabar_imap_response_get_code (response) == KABAR_IMAP_CODE_ALERT)
    {
      g_autofree char *text = g_utf8_make_valid (kabar_imap_response_get_text (response), -1);

      g_signal_emit (self, signals[SIGNAL_ALERT], 0, text);
    }
}

static void
on_bye (KabarImapSession  *self,
        KabarImapResponse *response)
{
  g_autofree char *text = g_utf8_make_valid (kabar_imap_response_get_text (response), -1);

  /* LOGOUT's BYE is the expected one: its tagged OK follows. */
  if (self->logging_out)
    return;
  kabar_imap_session_fail (self, g_error_new (KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_BYE,
                                              "%s ended the session: %s", self->peer, text));
}

static void
on_greeting (KabarImapSession  *self,
             KabarImapResponse *response)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->greeting);
  g_autofree char *text = g_utf8_make_valid (kabar_imap_response_get_text (response), -1);

  switch ((int) kabar_imap_response_get_status (response))
    {
    case KABAR_IMAP_STATUS_OK:
      kabar_imap_session_set_state (self, KABAR_IMAP_SESSION_STATE_NOT_AUTHENTICATED);
      g_task_return_boolean (task, TRUE);
      break;
    case KABAR_IMAP_STATUS_PREAUTH:
      kabar_imap_session_set_state (self, KABAR_IMAP_SESSION_STATE_AUTHENTICATED);
      g_task_return_boolean (task, TRUE);
      break;
    default:
      g_task_return_new_error (task, KABAR_NET_ERROR, KABAR_NET_ERROR_PROTOCOL,
                               "%s did not greet as an IMAP server: %s", self->peer, text);
    }
}

static void
dispatch_untagged (KabarImapSession  *self,
                   KabarImapResponse *response)
{
  observe (self, response);
  if (kabar_imap_response_get_status (response) == KABAR_IMAP_STATUS_BYE)
    {
      on_bye (self, response);
      return;
    }
  if (self->greeting != NULL)
    {
      on_greeting (self, response);
      return;
    }
  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    {
      g_autoptr(KabarImapCommand) command = kabar_imap_command_ref (l->data);

      /* A handler may run the caller's code, which may end the session:
       * nothing of the list is touched after a claim. */
      if (command->untagged != NULL && command->untagged (self, command, response))
        return;
    }
  emit_unsolicited (self, response);
}

static void
dispatch_tagged (KabarImapSession  *self,
                 KabarImapResponse *response)
{
  g_autoptr(KabarImapCommand) command = find_in_flight (self, kabar_imap_response_get_tag (response));

  if (command == NULL)
    {
      g_debug ("%s: a reply to no command: %s", self->peer, kabar_imap_response_get_tag (response));
      return;
    }
  g_queue_remove (&self->in_flight, command);
  if (self->conversation == command)
    self->conversation = NULL;
  /* Capabilities that came before TLS are not to be trusted. */
  if (kabar_imap_response_get_status (response) == KABAR_IMAP_STATUS_OK &&
      kabar_imap_response_get_code (response) == KABAR_IMAP_CODE_CAPABILITY &&
      !(command->flags & KABAR_IMAP_COMMAND_PAUSE_READER))
    kabar_imap_session_set_capabilities (self, kabar_imap_response_get_code_args (response));
  g_debug ("%s: %s %s", self->peer, command->tag,
           kabar_imap_response_get_status (response) == KABAR_IMAP_STATUS_OK ? "OK" : "failed");
  command->done (self, command, response);
  kabar_imap_session_pump (self);
}

static void
dispatch_continuation (KabarImapSession  *self,
                       KabarImapResponse *response)
{
  g_autoptr(KabarImapCommand) command = NULL;

  if (self->conversation == NULL)
    {
      g_debug ("%s: a “+” that no command waits for", self->peer);
      return;
    }
  command = kabar_imap_command_ref (self->conversation);
  if (!command->sent)
    {
      self->conversation = NULL;
      send_segments (self, command);
      kabar_imap_session_pump (self);
      return;
    }
  if (command->continuation != NULL)
    command->continuation (self, command, response);
}

/* The parser dropped a response. If it was a command's tagged reply, that
 * command fails; the commands collecting data may have lost some. */
static void
dispatch_malformed (KabarImapSession *self,
                    Arrival          *arrival)
{
  KabarImapCommand *found = NULL;

  g_debug ("%s: %s", self->peer, arrival->malformed->message);
  if (arrival->malformed_tag != NULL)
    found = find_in_flight (self, arrival->malformed_tag);
  if (found != NULL)
    {
      /* The queue's reference is ours now. */
      g_autoptr(KabarImapCommand) command = found;

      g_queue_remove (&self->in_flight, command);
      if (self->conversation == command)
        self->conversation = NULL;
      kabar_imap_command_return_error (command, g_error_copy (arrival->malformed));
      kabar_imap_session_pump (self);
      return;
    }
  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    {
      KabarImapCommand *other = l->data;

      if (other->untagged != NULL)
        kabar_imap_command_take_error (other, g_error_copy (arrival->malformed));
    }
}

static void
dispatch (KabarImapSession *self,
          Arrival          *arrival)
{
  if (arrival->malformed != NULL)
    {
      dispatch_malformed (self, arrival);
      return;
    }
  switch (kabar_imap_response_get_kind (arrival->response))
    {
    case KABAR_IMAP_RESPONSE_TAGGED:
      dispatch_tagged (self, arrival->response);
      break;
    case KABAR_IMAP_RESPONSE_CONTINUATION:
      dispatch_continuation (self, arrival->response);
      break;
    case KABAR_IMAP_RESPONSE_UNTAGGED:
    default:
      dispatch_untagged (self, arrival->response);
      break;
    }
}

static void
dispatch_arrivals (KabarImapSession *self)
{
  Arrival *arrival;

  while ((arrival = g_queue_pop_head (&self->arrived)) != NULL)
    {
      if (!is_closed (self))
        dispatch (self, arrival);
      arrival_free (arrival);
    }
}

/* --- reading --------------------------------------------------------------- */

static gboolean
needs_reading (KabarImapSession *self)
{
  return self->greeting != NULL || !g_queue_is_empty (&self->in_flight);
}

/* FALSE when the parser gave up on the stream: the session ends then, as
 * nothing after the broken spot can be trusted to be where it seems. */
static gboolean
feed (KabarImapSession *self,
      const guint8     *data,
      gsize             length)
{
  GError *error = NULL;
  gsize consumed = 0;

  if (!kabar_imap_parser_feed_until_paused (self->parser, data, length, &consumed, &error))
    {
      kabar_imap_session_fail (self, error);
      return FALSE;
    }
  /* Lines are fed one at a time, and a pause comes only at a line's end. */
  g_assert (consumed == length);
  return TRUE;
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
process_line (KabarImapSession *self,
              GBytes           *line)
{
  gsize size;
  const char *data = g_bytes_get_data (line, &size);
  guint64 literal;
  gboolean ok;

  g_byte_array_set_size (self->line, 0);
  g_byte_array_append (self->line, (const guint8 *) data, (guint) size);
  g_byte_array_append (self->line, (const guint8 *) "\n", 1);
  self->current_line = data;
  self->current_line_length = size;
  ok = feed (self, self->line->data, self->line->len);
  self->current_line = NULL;
  if (!ok)
    return;
  /* Only if the parser now waits for it: "* OK text {5}" is text. */
  if (line_announces_literal (data, size, &literal) &&
      !kabar_imap_parser_is_between_responses (self->parser))
    self->literal_remaining = literal;
  dispatch_arrivals (self);
}

/* A server may close right after LOGOUT's BYE, without the tagged OK. */
static gboolean
logged_out (KabarImapSession *self,
            const GError     *error)
{
  KabarImapCommand *logout = NULL;

  if (!self->logging_out || !g_error_matches (error, KABAR_NET_ERROR, KABAR_NET_ERROR_CLOSED))
    return FALSE;
  for (GList *l = self->in_flight.head; l != NULL; l = l->next)
    if (strcmp (((KabarImapCommand *) l->data)->name, "LOGOUT") == 0)
      logout = l->data;
  if (logout == NULL)
    return FALSE;
  g_queue_remove (&self->in_flight, logout);
  kabar_imap_session_finish_logout (self);
  kabar_imap_command_return_boolean (logout);
  kabar_imap_command_unref (logout);
  return TRUE;
}

static void
read_failed (KabarImapSession *self,
             GError           *error)
{
  self->reading = FALSE;
  if (is_closed (self) || logged_out (self, error))
    {
      g_error_free (error);
      return;
    }
  kabar_imap_session_fail (self, error);
}

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KabarImapSession) self = user_data;
  g_autoptr(GBytes) line = NULL;
  GError *error = NULL;

  line = kabar_connection_read_line_finish (KABAR_CONNECTION (source), result, &error);
  if (line == NULL)
    {
      read_failed (self, error);
      return;
    }
  if (is_closed (self))
    {
      self->reading = FALSE;
      return;
    }
  process_line (self, line);
  read_more (self);
}

/* Feeds a piece of the literal being read to the parser; FALSE when that
 * failed the session. */
static gboolean
take_literal (KabarImapSession *self,
              GBytes           *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gboolean ok;

  self->literal_remaining -= size;
  self->feeding = bytes;
  ok = size == 0 || feed (self, data, size);
  self->feeding = NULL;
  if (ok)
    dispatch_arrivals (self);
  return ok;
}

static void
on_literal_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KabarImapSession) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = kabar_connection_read_bytes_finish (KABAR_CONNECTION (source), result, &error);
  if (bytes == NULL)
    {
      read_failed (self, error);
      return;
    }
  if (is_closed (self))
    {
      self->reading = FALSE;
      return;
    }
  if (take_literal (self, bytes))
    read_more (self);
}

static void
on_stream_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KabarImapSession) self = user_data;
  g_autoptr(GError) error = NULL;
  StreamWrite *write;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  if (is_closed (self))
    {
      self->reading = FALSE;
      return;
    }
  write = g_queue_pop_head (&self->stream_writes);
  if (error != NULL)
    {
      GOutputStream *failed = write->output;

      /* The rest of that literal is read and dropped. */
      kabar_imap_command_take_error (write->command,
                                     g_error_new (error->domain, error->code,
                                                  "Could not store a message body from %s: %s",
                                                  self->peer, error->message));
      for (GList *l = self->stream_writes.head; l != NULL;)
        {
          GList *next = l->next;

          if (((StreamWrite *) l->data)->output == failed)
            {
              stream_write_free (l->data);
              g_queue_delete_link (&self->stream_writes, l);
            }
          l = next;
        }
      if (self->stream_output == failed)
        g_clear_object (&self->stream_output);
    }
  stream_write_free (write);
  read_more (self);
}

static void
start_stream_write (KabarImapSession *self)
{
  StreamWrite *write = g_queue_peek_head (&self->stream_writes);
  gsize size;
  const guint8 *data = g_bytes_get_data (write->bytes, &size);

  g_output_stream_write_all_async (write->output, data, size, G_PRIORITY_DEFAULT, self->cancellable,
                                   on_stream_written, g_object_ref (self));
}

static void
read_line (KabarImapSession *self)
{
  guint timeout = kabar_connection_get_timeout (self->connection);
  guint idle_timeout = kabar_imap_session_idle_read_timeout (self);

  /* The server may be silent for as long as an IDLE lasts. */
  if (idle_timeout > 0)
    kabar_connection_set_timeout (self->connection, idle_timeout);
  kabar_connection_read_line_async (self->connection, self->cancellable, on_line_read,
                                    g_object_ref (self));
  if (idle_timeout > 0)
    kabar_connection_set_timeout (self->connection, timeout);
}

/* The reader's loop; self->reading is TRUE while it or one of its reads
 * runs. Buffered lines are handled here without waiting. */
static void
read_more (KabarImapSession *self)
{
  while (!is_closed (self))
    {
      g_autoptr(GBytes) line = NULL;
      GError *error = NULL;

      if (!g_queue_is_empty (&self->stream_writes))
        {
          start_stream_write (self);
          return;
        }
      if (self->reader_paused)
        break;
      if (self->literal_remaining > 0)
        {
          gsize piece = MIN (self->literal_remaining, LITERAL_CHUNK);
          g_autoptr(GBytes) buffered = kabar_connection_read_buffered_bytes (self->connection, piece);

          if (buffered == NULL)
            {
              kabar_connection_read_bytes_async (self->connection, piece, self->cancellable,
                                                 on_literal_read, g_object_ref (self));
              return;
            }
          if (!take_literal (self, buffered))
            return;
          continue;
        }
      if (!needs_reading (self) && kabar_imap_parser_is_between_responses (self->parser))
        break;
      line = kabar_connection_read_buffered_line (self->connection, &error);
      if (error != NULL)
        {
          read_failed (self, error);
          return;
        }
      if (line == NULL)
        {
          read_line (self);
          return;
        }
      process_line (self, line);
    }
  self->reading = FALSE;
}

static void
ensure_reading (KabarImapSession *self)
{
  g_autoptr(KabarImapSession) hold = NULL;

  if (self->reading || is_closed (self) || self->reader_paused || !needs_reading (self))
    return;
  hold = g_object_ref (self);
  self->reading = TRUE;
  read_more (self);
}

/* STARTTLS is over: read on, over TLS. */
static void
resume_reading (KabarImapSession *self)
{
  self->reader_paused = FALSE;
  ensure_reading (self);
}

/* --- connecting ------------------------------------------------------------ */

typedef struct
{
  KabarImapSession        *session;
  KabarSecurity            security;
  KabarCertificateProblem *problem;
  GSource                 *cancel_source;
} Connect;

static void
connect_free (Connect *connect)
{
  if (connect->cancel_source != NULL)
    {
      g_source_destroy (connect->cancel_source);
      g_source_unref (connect->cancel_source);
    }
  if (connect->session != NULL)
    kabar_imap_session_close (connect->session);
  g_clear_object (&connect->session);
  g_clear_pointer (&connect->problem, kabar_certificate_problem_unref);
  g_free (connect);
}

static void
connect_succeed (GTask *task)
{
  Connect *connect = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&connect->session), g_object_unref);
}

static void after_capabilities (GTask *task);

static void
on_capabilities_read (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_auto(GStrv) capabilities = kabar_imap_session_capability_finish (KABAR_IMAP_SESSION (source), result, &error);

  if (capabilities == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  after_capabilities (g_steal_pointer (&task));
}

static void
read_capabilities (GTask *task)
{
  Connect *connect = g_task_get_task_data (task);

  kabar_imap_session_capability_async (connect->session, g_task_get_cancellable (task),
                                       on_capabilities_read, task);
}

static void
on_tls_started (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *connect = g_task_get_task_data (task);
  GError *error = NULL;

  if (!kabar_connection_start_tls_finish (KABAR_CONNECTION (source), result, &connect->problem, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  resume_reading (connect->session);
  read_capabilities (g_steal_pointer (&task));
}

static void
start_tls_now (KabarImapSession *self,
               gpointer          data)
{
  GTask *task = data;

  kabar_connection_start_tls_async (self->connection, g_task_get_cancellable (task), on_tls_started, task);
}

static void
starttls_done (KabarImapSession  *self,
               KabarImapCommand  *command,
               KabarImapResponse *tagged)
{
  g_autofree char *text = g_utf8_make_valid (kabar_imap_response_get_text (tagged), -1);

  if (kabar_imap_response_get_status (tagged) == KABAR_IMAP_STATUS_OK)
    {
      kabar_imap_command_return_boolean (command);
      return;
    }
  kabar_imap_command_return_error (command, g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_FAILED,
                                                         "%s refused STARTTLS: %s", self->peer, text));
}

static void
on_starttls_reply (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KabarImapSession *self = KABAR_IMAP_SESSION (source);
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* What the server said in plain text may have been changed on the way. */
  kabar_imap_session_forget_capabilities (self);
  if (self->writes_in_flight > 0)
    {
      self->drained = start_tls_now;
      self->drained_data = task;
      return;
    }
  start_tls_now (self, task);
}

static void
start_tls (GTask *task)
{
  Connect *connect = g_task_get_task_data (task);
  KabarImapSession *self = connect->session;
  KabarImapCommand *command;

  /* PREAUTH before TLS would leave the session in plain text for good. */
  if (self->state != KABAR_IMAP_SESSION_STATE_NOT_AUTHENTICATED)
    {
      g_task_return_new_error (task, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_FAILED,
                               "%s signed us in before TLS (PREAUTH): refusing to go on in plain text",
                               self->peer);
      g_object_unref (task);
      return;
    }
  if (!kabar_imap_session_has_capability (self, "STARTTLS"))
    {
      g_task_return_new_error (task, KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_NOT_OFFERED,
                               "%s does not offer STARTTLS", self->peer);
      g_object_unref (task);
      return;
    }
  command = kabar_imap_session_new_command (self, "STARTTLS",
                                            KABAR_IMAP_COMMAND_BARRIER | KABAR_IMAP_COMMAND_PAUSE_READER);
  command->done = starttls_done;
  kabar_imap_session_submit (self, command, g_task_get_cancellable (task), on_starttls_reply, task, start_tls);
}

/* Owns task. */
static void
after_capabilities (GTask *task)
{
  Connect *connect = g_task_get_task_data (task);

  if (connect->security == KABAR_SECURITY_STARTTLS && !kabar_connection_is_tls (connect->session->connection))
    {
      start_tls (task);
      return;
    }
  connect_succeed (task);
  g_object_unref (task);
}

static void
on_greeting_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Connect *connect = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (kabar_imap_session_has_capabilities (connect->session))
    after_capabilities (task);
  else
    read_capabilities (task);
}

static gboolean
on_connect_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  Connect *connect = user_data;

  if (connect->session != NULL && connect->session->greeting != NULL)
    shut_down (connect->session, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Connecting was cancelled"),
               NULL, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Connect *connect = g_task_get_task_data (task);
  g_autoptr(KabarConnection) connection = NULL;
  GError *error = NULL;

  connection = kabar_connection_connect_finish (result, &connect->problem, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  connect->session = session_new (connection);
  connect->session->greeting = g_task_new (connect->session, g_task_get_cancellable (task),
                                           on_greeting_read, task);
  /* Commands stop on the cancellable themselves; the greeting is waited
   * for with none. */
  if (g_task_get_cancellable (task) != NULL)
    {
      connect->cancel_source = g_cancellable_source_new (g_task_get_cancellable (task));
      g_source_set_callback (connect->cancel_source, G_SOURCE_FUNC (on_connect_cancelled), connect, NULL);
      g_source_attach (connect->cancel_source, connect->session->context);
    }
  ensure_reading (connect->session);
}

void
kabar_imap_session_connect_async (const char          *host,
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
  g_task_set_source_tag (task, kabar_imap_session_connect_async);
  connect = g_new0 (Connect, 1);
  connect->security = security;
  g_task_set_task_data (task, connect, (GDestroyNotify) connect_free);
  kabar_connection_connect_async (host, port, security, pinned_certificate, timeout_seconds, cancellable,
                                  on_connected, task);
}

KabarImapSession *
kabar_imap_session_connect_finish (GAsyncResult             *result,
                                   KabarCertificateProblem **problem,
                                   GError                  **error)
{
  Connect *connect;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kabar_imap_session_connect_async, NULL);

  connect = g_task_get_task_data (G_TASK (result));
  if (problem != NULL)
    *problem = NULL;
  if (g_task_had_error (G_TASK (result)) && problem != NULL && connect->problem != NULL)
    *problem = kabar_certificate_problem_ref (connect->problem);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- accessors ------------------------------------------------------------- */

KabarImapSessionState
kabar_imap_session_get_state (KabarImapSession *self)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), KABAR_IMAP_SESSION_STATE_CLOSED);

  return self->state;
}

KabarConnection *
kabar_imap_session_get_connection (KabarImapSession *self)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), NULL);

  return self->connection;
}

const char * const *
kabar_imap_session_get_capabilities (KabarImapSession *self)
{
  static const char *const none[] = { NULL };

  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), NULL);

  return self->capabilities != NULL ? (const char * const *) self->capabilities : none;
}

gboolean
kabar_imap_session_has_capability (KabarImapSession *self,
                                   const char       *capability)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), FALSE);
  g_return_val_if_fail (capability != NULL, FALSE);

  for (guint i = 0; self->capabilities != NULL && self->capabilities[i] != NULL; i++)
    if (g_ascii_strcasecmp (self->capabilities[i], capability) == 0)
      return TRUE;
  return FALSE;
}

gboolean
kabar_imap_session_is_enabled (KabarImapSession *self,
                               const char       *extension)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), FALSE);
  g_return_val_if_fail (extension != NULL, FALSE);

  upper = g_ascii_strup (extension, -1);
  return g_hash_table_contains (self->enabled, upper);
}

const char *
kabar_imap_session_get_selected (KabarImapSession *self)
{
  g_return_val_if_fail (KABAR_IS_IMAP_SESSION (self), NULL);

  return self->selected;
}

void
kabar_imap_session_set_stream_threshold (KabarImapSession *self,
                                         guint64           threshold)
{
  g_return_if_fail (KABAR_IS_IMAP_SESSION (self));

  kabar_imap_parser_set_stream_threshold (self->parser, threshold);
}
