/* kabar-pop3-session-commands.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The transaction state's commands: STAT, LIST, UIDL, RETR (into memory,
 * into a stream, and pipelined in batches), TOP, DELE, RSET, NOOP, QUIT.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kabar-pop3-session-private.h"

/* A streamed message is written out in pieces of about this size; the
 * reader waits while one is written. */
#define STREAM_CHUNK (64 * 1024)

/* RETRs a batch keeps on the wire with PIPELINING: enough that the server
 * always has the next one, few enough that a cut loses little. The
 * session's thread shares the machine with the store's: 64, a
 * millisecond of Dovecot's work on small messages, ran dry whenever the
 * session waited that long for a core, and the server sat idle (the POP
 * download bench took a seventh longer). */
#define BATCH_WINDOW 256

static GTask *
command_task (KabarPop3Session    *self,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static void
submit (KabarPop3Session *self,
        KabarPop3Command *command,
        GTask            *task)
{
  command->task = task;
  kabar_pop3_session_submit (self, command, g_task_get_cancellable (task));
}

/* A decimal number that fills the text up to its end or a space. */
static gboolean
parse_number (const char  *text,
              const char **end,
              guint64     *value)
{
  char *after = NULL;

  if (!g_ascii_isdigit (*text))
    return FALSE;
  *value = g_ascii_strtoull (text, &after, 10);
  if (after == text || (*after != '\0' && *after != ' '))
    return FALSE;
  *end = after;
  return TRUE;
}

static GError *
malformed (KabarPop3Session *self,
           const char       *what,
           const char       *data,
           gsize             length)
{
  g_autofree char *valid = g_utf8_make_valid (data, (gssize) length);

  return g_error_new (KABAR_POP3_ERROR, KABAR_POP3_ERROR_PROTOCOL,
                      "%s sent a %s line that is not POP3: “%s”", kabar_pop3_session_get_peer (self), what, valid);
}

/* --- commands without data --------------------------------------------------- */

static void
boolean_done (KabarPop3Session *self,
              KabarPop3Command *command,
              GError           *error)
{
  if (error != NULL)
    g_task_return_error (command->task, error);
  else
    g_task_return_boolean (command->task, TRUE);
}

static void
simple_command (KabarPop3Session    *self,
                const char          *line,
                KabarPop3Refusal     refusal,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  KabarPop3Command *command = kabar_pop3_command_new (line, 0);

  command->refusal = refusal;
  command->done = boolean_done;
  submit (self, command, command_task (self, cancellable, callback, user_data, source_tag));
}

void
kabar_pop3_session_dele_async (KabarPop3Session    *self,
                               guint                msgno,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *line = NULL;

  g_return_if_fail (KABAR_IS_POP3_SESSION (self));
  g_return_if_fail (msgno > 0);

  line = g_strdup_printf ("DELE %u", msgno);
  simple_command (self, line, KABAR_POP3_REFUSAL_MESSAGE, cancellable, callback, user_data,
                  kabar_pop3_session_dele_async);
}

void
kabar_pop3_session_rset_async (KabarPop3Session    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_POP3_SESSION (self));

  simple_command (self, "RSET", KABAR_POP3_REFUSAL_COMMAND, cancellable, callback, user_data,
                  kabar_pop3_session_rset_async);
}

void
kabar_pop3_session_noop_async (KabarPop3Session    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_POP3_SESSION (self));

  simple_command (self, "NOOP", KABAR_POP3_REFUSAL_COMMAND, cancellable, callback, user_data,
                  kabar_pop3_session_noop_async);
}

/* The server has removed the marked messages (or refused to) and closes
 * its end: so does the session. */
static void
quit_done (KabarPop3Session *self,
           KabarPop3Command *command,
           GError           *error)
{
  if (!kabar_pop3_session_is_closed (self))
    kabar_pop3_session_fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                                "The session with %s has ended with QUIT",
                                                kabar_pop3_session_get_peer (self)));
  boolean_done (self, command, error);
}

void
kabar_pop3_session_quit_async (KabarPop3Session    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  KabarPop3Command *command;

  g_return_if_fail (KABAR_IS_POP3_SESSION (self));

  command = kabar_pop3_command_new ("QUIT", KABAR_POP3_COMMAND_BARRIER);
  command->done = quit_done;
  submit (self, command, command_task (self, cancellable, callback, user_data, kabar_pop3_session_quit_async));
}

gboolean
kabar_pop3_session_command_finish (KabarPop3Session  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- STAT ------------------------------------------------------------------ */

typedef struct
{
  guint   count;
  guint64 size;
} Stat;

static void
stat_done (KabarPop3Session *self,
           KabarPop3Command *command,
           GError           *error)
{
  Stat *stat = g_new0 (Stat, 1);
  guint64 count = 0;
  const char *end = NULL;

  if (error == NULL &&
      !(parse_number (command->text, &end, &count) && *end == ' ' && parse_number (end + 1, &end, &stat->size) &&
        count <= G_MAXUINT))
    error = malformed (self, "STAT", command->text, strlen (command->text));
  if (error != NULL)
    {
      g_free (stat);
      g_task_return_error (command->task, error);
      return;
    }
  stat->count = (guint) count;
  g_task_return_pointer (command->task, stat, g_free);
}

void
kabar_pop3_session_stat_async (KabarPop3Session    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  KabarPop3Command *command;

  g_return_if_fail (KABAR_IS_POP3_SESSION (self));

  command = kabar_pop3_command_new ("STAT", 0);
  command->done = stat_done;
  submit (self, command, command_task (self, cancellable, callback, user_data, kabar_pop3_session_stat_async));
}

gboolean
kabar_pop3_session_stat_finish (KabarPop3Session  *self,
                                GAsyncResult      *result,
                                guint             *count,
                                guint64           *size,
                                GError           **error)
{
  g_autofree Stat *stat = NULL;

  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  stat = g_task_propagate_pointer (G_TASK (result), error);
  if (stat == NULL)
    return FALSE;
  if (count != NULL)
    *count = stat->count;
  if (size != NULL)
    *size = stat->size;
  return TRUE;
}

/* --- LIST and UIDL ------------------------------------------------------- */

static void
message_clear (gpointer data)
{
  KabarPop3Message *message = data;

  g_free (message->uidl);
}

static GArray *
message_array_new (void)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (KabarPop3Message));

  g_array_set_clear_func (array, message_clear);
  return array;
}

/* RFC 1939 §7: 1 to 70 characters from 0x21 to 0x7E. */
static gboolean
is_uidl (const char *text,
         gsize       length)
{
  if (length == 0 || length > 70)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (text[i] < 0x21 || text[i] > 0x7e)
      return FALSE;
  return TRUE;
}

/* "msgno size" or "msgno uid"; data is NUL-terminated. */
static gboolean
parse_listing (const char       *data,
               gsize             length,
               gboolean          uidl,
               KabarPop3Message *message)
{
  const char *end = NULL;
  guint64 msgno = 0;

  if (!parse_number (data, &end, &msgno) || *end != ' ' || msgno == 0 || msgno > G_MAXUINT)
    return FALSE;
  message->msgno = (guint) msgno;
  end++;
  if (uidl)
    {
      if (!is_uidl (end, length - (gsize) (end - data)))
        return FALSE;
      message->uidl = g_strndup (end, length - (gsize) (end - data));
      return TRUE;
    }
  /* Some servers add more after the size (RFC 1939 allows it). */
  return parse_number (end, &end, &message->size);
}

static gboolean
listing_line (KabarPop3Session *self,
              KabarPop3Command *command,
              const char       *data,
              gsize             length,
              gboolean          uidl)
{
  KabarPop3Message message = { 0, };
  /* The line is lent, and ends in its CR: a copy ends in the NUL that
   * the number parsing stops at; on the stack for a UIDL (70 bytes at
   * most), and for a LIST unless the server adds much after the size. */
  char stack[128];
  g_autofree char *heap = length < sizeof stack ? NULL : g_strndup (data, length);
  char *line = heap != NULL ? heap : stack;

  if (command->error != NULL)
    return TRUE;
  if (heap == NULL)
    {
      memcpy (stack, data, length);
      stack[length] = '\0';
    }
  if (!parse_listing (line, length, uidl, &message))
    {
      /* The rest is read to the "." so the session stays in step. */
      command->error = malformed (self, uidl ? "UIDL" : "LIST", data, length);
      return TRUE;
    }
  g_array_append_val ((GArray *) command->data, message);
  return TRUE;
}

static gboolean
list_line (KabarPop3Session *self,
           KabarPop3Command *command,
           const char       *data,
           gsize             length)
{
  return listing_line (self, command, data, length, FALSE);
}

static gboolean
uidl_line (KabarPop3Session *self,
           KabarPop3Command *command,
           const char       *data,
           gsize             length)
{
  return listing_line (self, command, data, length, TRUE);
}

static void
listing_done (KabarPop3Session *self,
              KabarPop3Command *command,
              GError           *error)
{
  if (error != NULL)
    g_task_return_error (command->task, error);
  else
    g_task_return_pointer (command->task, g_array_ref (command->data), (GDestroyNotify) g_array_unref);
}

static void
listing (KabarPop3Session    *self,
         const char          *line,
         gboolean             uidl,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data,
         gpointer             source_tag)
{
  KabarPop3Command *command = kabar_pop3_command_new (line, KABAR_POP3_COMMAND_MULTILINE);

  command->data = message_array_new ();
  command->data_free = (GDestroyNotify) g_array_unref;
  command->body_line = uidl ? uidl_line : list_line;
  command->done = listing_done;
  submit (self, command, command_task (self, cancellable, callback, user_data, source_tag));
}

void
kabar_pop3_session_list_async (KabarPop3Session    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_POP3_SESSION (self));

  listing (self, "LIST", FALSE, cancellable, callback, user_data, kabar_pop3_session_list_async);
}

void
kabar_pop3_session_uidl_async (KabarPop3Session    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (KABAR_IS_POP3_SESSION (self));

  listing (self, "UIDL", TRUE, cancellable, callback, user_data, kabar_pop3_session_uidl_async);
}

GArray *
kabar_pop3_session_list_finish (KabarPop3Session  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
uidl_one_done (KabarPop3Session *self,
               KabarPop3Command *command,
               GError           *error)
{
  KabarPop3Message message = { 0, };

  if (error == NULL && !parse_listing (command->text, strlen (command->text), TRUE, &message))
    error = malformed (self, "UIDL", command->text, strlen (command->text));
  if (error != NULL)
    {
      g_task_return_error (command->task, error);
      return;
    }
  g_task_return_pointer (command->task, message.uidl, g_free);
}

void
kabar_pop3_session_uidl_one_async (KabarPop3Session    *self,
                                   guint                msgno,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *line = NULL;
  KabarPop3Command *command;

  g_return_if_fail (KABAR_IS_POP3_SESSION (self));
  g_return_if_fail (msgno > 0);

  line = g_strdup_printf ("UIDL %u", msgno);
  command = kabar_pop3_command_new (line, 0);
  command->refusal = KABAR_POP3_REFUSAL_MESSAGE;
  command->done = uidl_one_done;
  submit (self, command, command_task (self, cancellable, callback, user_data, kabar_pop3_session_uidl_one_async));
}

char *
kabar_pop3_session_uidl_one_finish (KabarPop3Session  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- RETR and TOP into memory -------------------------------------------------- */

static gboolean
message_line (KabarPop3Session *self,
              KabarPop3Command *command,
              const char       *data,
              gsize             length)
{
  GByteArray *message = command->data;

  g_byte_array_append (message, (const guint8 *) data, (guint) length);
  g_byte_array_append (message, (const guint8 *) "\r\n", 2);
  return TRUE;
}

static GBytes *
take_message (KabarPop3Command *command)
{
  GByteArray *message = g_steal_pointer (&command->data);

  return g_byte_array_free_to_bytes (message);
}

static void
message_done (KabarPop3Session *self,
              KabarPop3Command *command,
              GError           *error)
{
  if (error != NULL)
    g_task_return_error (command->task, error);
  else
    g_task_return_pointer (command->task, take_message (command), (GDestroyNotify) g_bytes_unref);
}

static KabarPop3Command *
message_command (const char *line)
{
  KabarPop3Command *command = kabar_pop3_command_new (line, KABAR_POP3_COMMAND_MULTILINE);

  command->refusal = KABAR_POP3_REFUSAL_MESSAGE;
  command->data = g_byte_array_new ();
  command->data_free = (GDestroyNotify) g_byte_array_unref;
  command->body_line = message_line;
  return command;
}

void
kabar_pop3_session_retr_async (KabarPop3Session    *self,
                               guint                msgno,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *line = NULL;
  KabarPop3Command *command;

  g_return_if_fail (KABAR_IS_POP3_SESSION (self));
  g_return_if_fail (msgno > 0);

  line = g_strdup_printf ("RETR %u", msgno);
  command = message_command (line);
  command->done = message_done;
  submit (self, command, command_task (self, cancellable, callback, user_data, kabar_pop3_session_retr_async));
}

void
kabar_pop3_session_top_async (KabarPop3Session    *self,
                              guint                msgno,
                              guint                lines,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *line = NULL;
  KabarPop3Command *command;

  g_return_if_fail (KABAR_IS_POP3_SESSION (self));
  g_return_if_fail (msgno > 0);

  line = g_strdup_printf ("TOP %u %u", msgno, lines);
  command = message_command (line);
  command->done = message_done;
  submit (self, command, command_task (self, cancellable, callback, user_data, kabar_pop3_session_retr_async));
}

GBytes *
kabar_pop3_session_retr_finish (KabarPop3Session  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- RETR into a stream --------------------------------------------------- */

/* Shared by the command and its writes: a write may finish after the
 * session ended and freed the command. */
typedef struct
{
  KabarPop3Session *session;     /* weak: the command's */
  GOutputStream    *output;
  GCancellable     *cancellable;
  GByteArray       *chunk;
  guint64           written;
  GError           *write_error;
  gboolean          ended;       /* the "." came: complete after the write */
  gboolean          gone;        /* the command was freed */
} Stream;

static void
stream_clear (Stream *stream)
{
  g_clear_object (&stream->output);
  g_clear_object (&stream->cancellable);
  g_byte_array_unref (stream->chunk);
  g_clear_error (&stream->write_error);
}

static void
stream_release (gpointer data)
{
  Stream *stream = data;

  stream->gone = TRUE;
  g_rc_box_release_full (stream, (GDestroyNotify) stream_clear);
}

static void
on_chunk_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Stream *stream = user_data;
  g_autoptr(KabarPop3Session) session = NULL;
  gsize written = 0;
  GError *error = NULL;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error);
  if (stream->gone)
    {
      g_clear_error (&error);
      g_rc_box_release_full (stream, (GDestroyNotify) stream_clear);
      return;
    }
  session = g_object_ref (stream->session);
  stream->written += written;
  g_byte_array_set_size (stream->chunk, 0);
  /* The rest of the message is read and dropped. */
  if (error != NULL)
    stream->write_error = error;
  if (stream->ended)
    kabar_pop3_session_complete (session, NULL);
  kabar_pop3_session_resume_reading (session);
  g_rc_box_release_full (stream, (GDestroyNotify) stream_clear);
}

static void
write_chunk (Stream *stream)
{
  g_output_stream_write_all_async (stream->output, stream->chunk->data, stream->chunk->len, G_PRIORITY_DEFAULT,
                                   stream->cancellable, on_chunk_written, g_rc_box_acquire (stream));
}

static gboolean
stream_line (KabarPop3Session *self,
             KabarPop3Command *command,
             const char       *data,
             gsize             length)
{
  Stream *stream = command->data;

  if (stream->write_error != NULL)
    return TRUE;
  g_byte_array_append (stream->chunk, (const guint8 *) data, (guint) length);
  g_byte_array_append (stream->chunk, (const guint8 *) "\r\n", 2);
  if (stream->chunk->len < STREAM_CHUNK)
    return TRUE;
  write_chunk (stream);
  return FALSE;
}

static gboolean
stream_end (KabarPop3Session *self,
            KabarPop3Command *command)
{
  Stream *stream = command->data;

  if (stream->write_error != NULL || stream->chunk->len == 0)
    return TRUE;
  stream->ended = TRUE;
  write_chunk (stream);
  return FALSE;
}

static void
stream_done (KabarPop3Session *self,
             KabarPop3Command *command,
             GError           *error)
{
  Stream *stream = command->data;

  if (error == NULL && stream->write_error != NULL)
    error = g_steal_pointer (&stream->write_error);
  if (error != NULL)
    {
      g_task_return_error (command->task, error);
      return;
    }
  g_task_return_pointer (command->task, g_memdup2 (&stream->written, sizeof stream->written), g_free);
}

void
kabar_pop3_session_retr_to_stream_async (KabarPop3Session    *self,
                                         guint                msgno,
                                         GOutputStream       *output,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *line = NULL;
  KabarPop3Command *command;
  Stream *stream;

  g_return_if_fail (KABAR_IS_POP3_SESSION (self));
  g_return_if_fail (msgno > 0);
  g_return_if_fail (G_IS_OUTPUT_STREAM (output));

  line = g_strdup_printf ("RETR %u", msgno);
  command = kabar_pop3_command_new (line, KABAR_POP3_COMMAND_MULTILINE);
  command->refusal = KABAR_POP3_REFUSAL_MESSAGE;
  stream = g_rc_box_new0 (Stream);
  stream->session = self;
  stream->output = g_object_ref (output);
  stream->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  stream->chunk = g_byte_array_sized_new (STREAM_CHUNK + 1024);
  command->data = stream;
  command->data_free = stream_release;
  command->body_line = stream_line;
  command->body_end = stream_end;
  command->done = stream_done;
  submit (self, command, command_task (self, cancellable, callback, user_data,
                                       kabar_pop3_session_retr_to_stream_async));
}

gboolean
kabar_pop3_session_retr_to_stream_finish (KabarPop3Session  *self,
                                          GAsyncResult      *result,
                                          guint64           *size,
                                          GError           **error)
{
  g_autofree guint64 *written = NULL;

  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  written = g_task_propagate_pointer (G_TASK (result), error);
  if (written == NULL)
    return FALSE;
  if (size != NULL)
    *size = *written;
  return TRUE;
}

/* --- batches ----------------------------------------------------------------- */

typedef struct
{
  KabarPop3Session     *session;   /* weak: its commands keep the batch */
  guint                *msgnos;
  guint                 n;
  guint                 sent;
  guint                 delivered;
  KabarPop3MessageFunc  func;
  gpointer              func_data;
  GDestroyNotify        func_data_free;
  GTask                *task;      /* NULL once returned */
  GSource              *cancel_source;
} Batch;

static void
batch_clear (Batch *batch)
{
  if (batch->cancel_source != NULL)
    {
      g_source_destroy (batch->cancel_source);
      g_source_unref (batch->cancel_source);
    }
  g_free (batch->msgnos);
  if (batch->func_data_free != NULL)
    batch->func_data_free (batch->func_data);
  g_clear_object (&batch->task);
}

static void
batch_release (gpointer data)
{
  g_rc_box_release_full (data, (GDestroyNotify) batch_clear);
}

static void
batch_return (Batch  *batch,
              GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&batch->task);

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (batch->cancel_source != NULL)
    g_source_destroy (batch->cancel_source);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void batch_fill (Batch *batch);

static void
batch_message_done (KabarPop3Session *self,
                    KabarPop3Command *command,
                    GError           *error)
{
  Batch *batch = command->owner;
  g_autoptr(GBytes) message = NULL;
  guint msgno;

  if (batch->task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  /* What ends the session ends the batch; a refused message does not. */
  if (error != NULL && kabar_pop3_session_is_closed (self))
    {
      batch_return (batch, error);
      return;
    }
  msgno = batch->msgnos[batch->delivered++];
  if (error == NULL)
    message = take_message (command);
  batch->func (self, msgno, message, error, batch->func_data);
  g_clear_error (&error);
  if (batch->task == NULL)
    return;
  if (batch->delivered == batch->n)
    {
      batch_return (batch, NULL);
      return;
    }
  batch_fill (batch);
}

/* Keeps the window full, sending the refills together in one write once
 * it is half empty. */
static void
batch_fill (Batch *batch)
{
  KabarPop3Session *self = batch->session;
  guint window = kabar_pop3_session_has_capability (self, "PIPELINING") ? BATCH_WINDOW : 1;
  guint outstanding = batch->sent - batch->delivered;

  if (window > 1 && outstanding > window / 2)
    return;
  while (batch->sent < batch->n && batch->sent - batch->delivered < window)
    {
      g_autofree char *line = g_strdup_printf ("RETR %u", batch->msgnos[batch->sent++]);
      KabarPop3Command *command = message_command (line);

      command->owner = g_rc_box_acquire (batch);
      command->owner_free = batch_release;
      command->done = batch_message_done;
      kabar_pop3_session_queue (self, command, NULL);
    }
  kabar_pop3_session_pump (self);
}

static gboolean
on_batch_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  Batch *batch = user_data;

  kabar_pop3_session_fail (batch->session,
                           g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                        "Retrieving from %s was cancelled, which ends the session",
                                        kabar_pop3_session_get_peer (batch->session)));
  return G_SOURCE_REMOVE;
}

void
kabar_pop3_session_retrieve_async (KabarPop3Session     *self,
                                   const guint          *msgnos,
                                   guint                 n,
                                   KabarPop3MessageFunc  message_func,
                                   gpointer              func_data,
                                   GDestroyNotify        func_data_free,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  Batch *batch;

  g_return_if_fail (KABAR_IS_POP3_SESSION (self));
  g_return_if_fail (n == 0 || msgnos != NULL);
  g_return_if_fail (message_func != NULL);

  batch = g_rc_box_new0 (Batch);
  batch->session = self;
  batch->msgnos = g_memdup2 (msgnos, n * sizeof (guint));
  batch->n = n;
  batch->func = message_func;
  batch->func_data = func_data;
  batch->func_data_free = func_data_free;
  batch->task = command_task (self, cancellable, callback, user_data, kabar_pop3_session_retrieve_async);
  if (n == 0)
    batch_return (batch, NULL);
  else if (kabar_pop3_session_is_closed (self))
    batch_return (batch, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED, "The session with %s is closed",
                                      kabar_pop3_session_get_peer (self)));
  else
    {
      if (cancellable != NULL)
        {
          batch->cancel_source = g_cancellable_source_new (cancellable);
          g_source_set_callback (batch->cancel_source, G_SOURCE_FUNC (on_batch_cancelled), batch, NULL);
          g_source_attach (batch->cancel_source, g_main_context_get_thread_default ());
        }
      batch_fill (batch);
    }
  batch_release (batch);
}

gboolean
kabar_pop3_session_retrieve_finish (KabarPop3Session  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (KABAR_IS_POP3_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
