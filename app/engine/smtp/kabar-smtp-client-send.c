/* kabar-smtp-client-send.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending: the envelope (MAIL, RCPT, DATA), the message's bytes as SMTP
 * wants them, and the terminating "." with the server's verdict.
 */

#include "config.h"

#include <string.h>

#include "kabar-smtp-client-private.h"
#include "kabar-net-error.h"

/* The message goes out in pieces of this much input: a 20 MB attachment
 * is never copied whole, and a slow link holds at most one piece. */
#define DATA_CHUNK (256 * 1024)

/* --- the message's bytes --------------------------------------------------- */

/* Where the conversion stands between pieces. */
typedef struct
{
  gboolean at_line_start;
  gboolean after_cr;
} Stuffing;

static gsize
emit (GByteArray   *out,
      const guint8 *bytes,
      gsize         n)
{
  if (out != NULL)
    g_byte_array_append (out, bytes, (guint) n);
  return n;
}

/* One byte that is a line end, or a "." starting a line. */
static gsize
stuff_special (Stuffing   *state,
               guint8      c,
               GByteArray *out)
{
  if (c == '\r')
    {
      state->after_cr = TRUE;
      state->at_line_start = FALSE;
      return emit (out, (const guint8 *) "\r", 1);
    }
  if (c == '\n')
    {
      state->at_line_start = TRUE;
      return emit (out, (const guint8 *) "\r\n", 2);
    }
  state->at_line_start = FALSE;
  return emit (out, (const guint8 *) "..", 2);
}

/* Appends data to out (or only counts, when out is NULL) as SMTP carries
 * it: every line end CRLF (a bare LF or a bare CR too: servers that take
 * them as line ends differ on where a line ends, which is how SMTP
 * smuggling works), and a "." at the start of a line doubled (RFC 5321
 * §4.5.2). Returns the bytes written. */
static gsize
stuff (Stuffing     *state,
       const guint8 *data,
       gsize         length,
       GByteArray   *out)
{
  gsize total = 0;
  gsize i = 0;

  while (i < length)
    {
      gsize end;

      if (state->after_cr)
        {
          /* CRLF, or a bare CR made one. */
          state->after_cr = FALSE;
          state->at_line_start = TRUE;
          total += emit (out, (const guint8 *) "\n", 1);
          if (data[i] == '\n')
            {
              i++;
              continue;
            }
        }
      if (data[i] == '\r' || data[i] == '\n' || (state->at_line_start && data[i] == '.'))
        {
          total += stuff_special (state, data[i], out);
          i++;
          continue;
        }
      /* The rest of the line goes as it is: a byte at a time, this was
       * most of the cost of sending a large message. */
      for (end = i + 1; end < length && data[end] != '\r' && data[end] != '\n'; end++)
        ;
      total += emit (out, data + i, end - i);
      state->at_line_start = FALSE;
      i = end;
    }
  return total;
}

/* A pending CR at the very end becomes a CRLF. */
static gsize
stuff_end (Stuffing   *state,
           GByteArray *out)
{
  if (!state->after_cr)
    return 0;
  state->after_cr = FALSE;
  state->at_line_start = TRUE;
  if (out != NULL)
    g_byte_array_append (out, (const guint8 *) "\n", 1);
  return 1;
}

/* What the envelope must say about the message. */
typedef struct
{
  guint64  wire_size;    /* as sent, for SIZE */
  gboolean eight_bit;    /* any byte over 127 */
  gboolean utf8_header;  /* one of them in the header */
} Measure;

static void
measure (GBytes  *message,
         Measure *result)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (message, &length);
  Stuffing state = { TRUE, FALSE };
  gsize header_end = length;

  for (gsize i = 0; i + 1 < length; i++)
    if (data[i] == '\n' && (data[i + 1] == '\n' || (data[i + 1] == '\r' && i + 2 < length && data[i + 2] == '\n')))
      {
        header_end = i;
        break;
      }
  memset (result, 0, sizeof *result);
  for (gsize i = 0; i < length; i++)
    if (data[i] > 127)
      {
        result->eight_bit = TRUE;
        result->utf8_header = i < header_end;
        break;
      }
  for (gsize i = 0; !result->utf8_header && result->eight_bit && i < header_end; i++)
    result->utf8_header = data[i] > 127;
  result->wire_size = stuff (&state, data, length, NULL);
  result->wire_size += stuff_end (&state, NULL);
}

/* --- the envelope ---------------------------------------------------------- */

typedef struct
{
  GBytes    *message;
  GPtrArray *commands;     /* MAIL, RCPT..., DATA */
  GPtrArray *addresses;    /* the sender, then one a RCPT */
  GPtrArray *refusals;     /* KabarSmtpRefusal */
  GError    *sender_error;
  GError    *data_error;
  GError    *limit_error;  /* a RCPT refused for the account's limit */
  guint      written;      /* commands written */
  guint      answered;     /* replies read */
  gboolean   pipelined;
  gboolean   data_accepted;
  Stuffing   stuffing;
  gsize      offset;       /* of the message, written so far */
} Send;

static void
send_free (Send *send)
{
  g_bytes_unref (send->message);
  g_ptr_array_unref (send->commands);
  g_ptr_array_unref (send->addresses);
  g_ptr_array_unref (send->refusals);
  g_clear_error (&send->sender_error);
  g_clear_error (&send->data_error);
  g_clear_error (&send->limit_error);
  g_free (send);
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p > 127)
      return FALSE;
  return TRUE;
}

/* An address that would end the command line or its <> early is a
 * caller's mistake, and could smuggle commands. */
static gboolean
is_valid_address (const char *address)
{
  return strpbrk (address, "\r\n<> ") == NULL && g_utf8_validate (address, -1, NULL);
}

static char *
mail_command (KabarSmtpClient *self,
              const char      *from,
              const Measure   *measured,
              gboolean         smtputf8)
{
  GString *line = g_string_new (NULL);

  g_string_append_printf (line, "MAIL FROM:<%s>", from);
  if (kabar_smtp_client_has_capability (self, "SIZE"))
    g_string_append_printf (line, " SIZE=%" G_GUINT64_FORMAT, measured->wire_size);
  if (measured->eight_bit)
    g_string_append (line, " BODY=8BITMIME");
  if (smtputf8)
    g_string_append (line, " SMTPUTF8");
  return g_string_free (line, FALSE);
}

/* Refuses before anything is sent what the server cannot take. */
static GError *
check_message (KabarSmtpClient    *self,
               const Measure      *measured,
               gboolean            smtputf8)
{
  if (self->max_size > 0 && measured->wire_size > self->max_size)
    return g_error_new (KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_MESSAGE_TOO_LARGE,
                        "The message is %" G_GUINT64_FORMAT " bytes and %s takes at most %" G_GUINT64_FORMAT
                        " (SIZE): nothing was sent", measured->wire_size, self->peer, self->max_size);
  if (smtputf8 && !kabar_smtp_client_has_capability (self, "SMTPUTF8"))
    return g_error_new (KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_NEEDS_SMTPUTF8,
                        "The message has a non-ASCII address or header and %s does not offer SMTPUTF8: "
                        "nothing was sent", self->peer);
  if (measured->eight_bit && !kabar_smtp_client_has_capability (self, "8BITMIME"))
    return g_error_new (KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_NEEDS_8BITMIME,
                        "The message has 8-bit bytes and %s does not offer 8BITMIME: nothing was sent",
                        self->peer);
  return NULL;
}

static void write_commands (GTask *task);
static void write_data     (GTask *task);

static void
on_reset_after_failure (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  GError *error = g_object_steal_data (G_OBJECT (task), "failure");
  g_autoptr(KabarSmtpReply) reply = NULL;
  g_autoptr(GError) reset_error = NULL;

  reply = kabar_smtp_client_command_finish (self, result, &reset_error);
  if (reply == NULL)
    {
      /* The refusal is what the caller needs; the cut shows next time. */
      g_debug ("%s: RSET after a failed send: %s", self->peer, reset_error->message);
      kabar_smtp_client_drop (self);
    }
  kabar_smtp_client_return_error (self, task, error);
}

/* Owns task. The transaction is over on the server's side: RSET clears
 * what it kept (RFC 5321 §4.1.1.5), so the next send starts clean. */
static void
fail_transaction (KabarSmtpClient *self,
                  GTask           *task,
                  GError          *error)
{
  Send *send = g_task_get_task_data (task);

  if (send->data_accepted)
    {
      /* Only "." ends the data now, and it would send the message. */
      g_debug ("%s: closing inside DATA, so the message goes nowhere", self->peer);
      kabar_smtp_client_drop (self);
      kabar_smtp_client_return_error (self, task, error);
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "failure", error, (GDestroyNotify) g_error_free);
  kabar_smtp_client_command_async (self, "RSET", NULL, on_reset_after_failure, task);
}

/* The error that ends the envelope, if any, in the order that explains
 * the rest: a refused sender makes every RCPT fail too. */
static GError *
envelope_error (KabarSmtpClient *self,
                Send            *send)
{
  if (send->sender_error != NULL)
    return g_steal_pointer (&send->sender_error);
  if (send->limit_error != NULL)
    {
      kabar_smtp_error_set_refusals (send->limit_error, send->refusals);
      return g_steal_pointer (&send->limit_error);
    }
  if (send->refusals->len > 0)
    return kabar_smtp_error_new_refused (send->refusals, self->peer);
  if (send->data_error != NULL)
    return g_steal_pointer (&send->data_error);
  return NULL;
}

/* Records what one reply of the envelope says. */
static void
take_envelope_reply (KabarSmtpClient      *self,
                     Send                 *send,
                     const KabarSmtpReply *reply)
{
  guint index = send->answered++;
  guint last = send->commands->len - 1;

  if (index == 0 && reply->code / 100 != 2)
    {
      g_autofree char *subject = g_strdup_printf ("the sender %s", (const char *) send->addresses->pdata[0]);

      send->sender_error = kabar_smtp_client_reply_error (self, reply, KABAR_SMTP_STAGE_MAIL, subject);
    }
  else if (index > 0 && index < last && reply->code / 100 != 2 && send->sender_error == NULL)
    {
      const char *address = send->addresses->pdata[index];

      g_ptr_array_add (send->refusals, kabar_smtp_refusal_new (address, reply));
      if (send->limit_error == NULL && kabar_smtp_reply_says_sending_limit (reply))
        {
          g_autofree char *subject = g_strdup_printf ("the recipient %s", address);

          send->limit_error = kabar_smtp_client_reply_error (self, reply, KABAR_SMTP_STAGE_RCPT, subject);
        }
    }
  else if (index == last && reply->code == 354)
    send->data_accepted = TRUE;
  else if (index == last && send->sender_error == NULL && send->refusals->len == 0)
    send->data_error = kabar_smtp_client_reply_error (self, reply, KABAR_SMTP_STAGE_DATA, "the message");
}

/* Whether a command waits to be written: unpipelined, the next one goes
 * only while nothing stops the transaction. */
static gboolean
should_write_next (Send *send)
{
  guint last = send->commands->len - 1;

  if (send->written >= send->commands->len || send->sender_error != NULL)
    return FALSE;
  return send->written < last || send->refusals->len == 0;
}

static void
on_envelope_reply (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  Send *send = g_task_get_task_data (task);
  g_autoptr(KabarSmtpReply) reply = NULL;
  GError *error = NULL;

  reply = kabar_smtp_client_read_reply_finish (self, result, &error);
  if (reply == NULL)
    {
      kabar_smtp_client_return_error (self, task, error);
      return;
    }
  take_envelope_reply (self, send, reply);
  /* 421: the server is going away (RFC 5321 §3.8); no more replies come. */
  if (reply->code == 421)
    {
      kabar_smtp_client_drop (self);
      error = envelope_error (self, send);
      kabar_smtp_client_return_error (self, task, error != NULL ? error
                                      : kabar_smtp_client_reply_error (self, reply, KABAR_SMTP_STAGE_DATA, "the message"));
      return;
    }
  if (send->answered < send->written)
    {
      kabar_smtp_client_read_reply_async (self, g_task_get_cancellable (task), on_envelope_reply, task);
      return;
    }
  if (should_write_next (send))
    {
      write_commands (task);
      return;
    }
  error = envelope_error (self, send);
  if (error != NULL)
    {
      fail_transaction (self, task, error);
      return;
    }
  self->in_data = TRUE;
  write_data (task);
}

static void
on_commands_written (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  GError *error = NULL;

  if (!kabar_smtp_client_write_finish (self, result, &error))
    {
      kabar_smtp_client_return_error (self, task, error);
      return;
    }
  kabar_smtp_client_read_reply_async (self, g_task_get_cancellable (task), on_envelope_reply, task);
}

/* Owns task. Pipelined, every command goes in one write (RFC 2920 §3.1:
 * DATA last in the group); else the next one. */
static void
write_commands (GTask *task)
{
  KabarSmtpClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);
  g_autoptr(GString) batch = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;

  do
    {
      const char *command = send->commands->pdata[send->written++];

      g_debug ("%s: C: %s", self->peer, command);
      g_string_append (batch, command);
      g_string_append (batch, "\r\n");
    }
  while (send->pipelined && send->written < send->commands->len);
  bytes = g_bytes_new (batch->str, batch->len);
  kabar_smtp_client_write_async (self, bytes, NULL, g_task_get_cancellable (task), on_commands_written, task);
}

/* --- the data -------------------------------------------------------------- */

static void
on_data_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  GError *error = NULL;

  if (!kabar_smtp_client_write_finish (self, result, &error))
    {
      kabar_smtp_client_return_error (self, task, error);
      return;
    }
  write_data (task);
}

/* Owns task: the next piece, or done. */
static void
write_data (GTask *task)
{
  KabarSmtpClient *self = g_task_get_source_object (task);
  Send *send = g_task_get_task_data (task);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (send->message, &length);
  gsize piece = MIN (DATA_CHUNK, length - send->offset);
  g_autoptr(GBytes) bytes = NULL;
  GByteArray *out;

  if (piece == 0)
    {
      self->at_line_start = send->stuffing.at_line_start;
      kabar_smtp_client_return_boolean (self, task);
      return;
    }
  /* Each byte grows to at most two (".." or CRLF), plus a last LF. */
  out = g_byte_array_sized_new ((guint) (piece * 2 + 1));
  stuff (&send->stuffing, data + send->offset, piece, out);
  send->offset += piece;
  if (send->offset == length)
    stuff_end (&send->stuffing, out);
  bytes = g_byte_array_free_to_bytes (out);
  kabar_smtp_client_write_async (self, bytes, NULL, g_task_get_cancellable (task), on_data_written, task);
}

void
kabar_smtp_client_send_data_async (KabarSmtpClient     *self,
                                   const char          *from,
                                   const char * const  *recipients,
                                   GBytes              *message,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  Send *send;
  Measure measured;
  gboolean smtputf8;
  GError *error;

  g_return_if_fail (KABAR_IS_SMTP_CLIENT (self));
  g_return_if_fail (from != NULL && recipients != NULL && message != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_smtp_client_send_data_async);
  if (!kabar_smtp_client_begin (self, task))
    {
      g_object_unref (task);
      return;
    }
  self->delivery_state = KABAR_SMTP_DELIVERY_NOT_SENT;
  if (self->in_data)
    {
      kabar_smtp_client_refuse (self, task, g_error_new (G_IO_ERROR, G_IO_ERROR_BUSY,
                                                               "The last message to %s is not finished",
                                                               self->peer));
      return;
    }
  send = g_new0 (Send, 1);
  send->message = g_bytes_ref (message);
  send->commands = g_ptr_array_new_with_free_func (g_free);
  send->addresses = g_ptr_array_new_with_free_func (g_free);
  send->refusals = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_smtp_refusal_free);
  send->pipelined = kabar_smtp_client_has_capability (self, "PIPELINING");
  send->stuffing.at_line_start = TRUE;
  g_task_set_task_data (task, send, (GDestroyNotify) send_free);

  smtputf8 = !is_ascii (from);
  for (guint i = 0; recipients[i] != NULL; i++)
    smtputf8 = smtputf8 || !is_ascii (recipients[i]);
  if (recipients[0] == NULL || !is_valid_address (from) ||
      g_strv_contains (recipients, ""))
    {
      kabar_smtp_client_refuse (self, task, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                               "A message needs a sender and recipients "
                                                               "with valid addresses"));
      return;
    }
  for (guint i = 0; recipients[i] != NULL; i++)
    if (!is_valid_address (recipients[i]))
      {
        kabar_smtp_client_refuse (self, task, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                                 "“%s” is not a valid address", recipients[i]));
        return;
      }
  measure (message, &measured);
  smtputf8 = smtputf8 || measured.utf8_header;
  error = check_message (self, &measured, smtputf8);
  if (error != NULL)
    {
      kabar_smtp_client_return_error (self, task, error);
      return;
    }
  g_ptr_array_add (send->commands, mail_command (self, from, &measured, smtputf8));
  g_ptr_array_add (send->addresses, g_strdup (from));
  for (guint i = 0; recipients[i] != NULL; i++)
    {
      g_ptr_array_add (send->commands, g_strdup_printf ("RCPT TO:<%s>", recipients[i]));
      g_ptr_array_add (send->addresses, g_strdup (recipients[i]));
    }
  g_ptr_array_add (send->commands, g_strdup ("DATA"));
  write_commands (task);
}

gboolean
kabar_smtp_client_send_data_finish (KabarSmtpClient  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- the end of the data --------------------------------------------------- */

static void
on_final_reply (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  g_autoptr(KabarSmtpReply) reply = NULL;
  GError *error = NULL;

  reply = kabar_smtp_client_read_reply_finish (self, result, &error);
  if (reply == NULL)
    {
      kabar_smtp_client_return_error (self, task, error);
      return;
    }
  if (reply->code / 100 != 2)
    {
      /* A refusal is a verdict: the message was not taken. */
      self->delivery_state = KABAR_SMTP_DELIVERY_NOT_SENT;
      if (reply->code == 421)
        kabar_smtp_client_drop (self);
      kabar_smtp_client_return_error (self, task,
                                      kabar_smtp_client_reply_error (self, reply, KABAR_SMTP_STAGE_END, "the message"));
      return;
    }
  self->delivery_state = KABAR_SMTP_DELIVERY_SENT;
  kabar_smtp_client_return_boolean (self, task);
}

static void
on_terminator_written (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  GError *error = NULL;

  if (!kabar_smtp_client_write_finish (self, result, &error))
    {
      kabar_smtp_client_return_error (self, task, error);
      return;
    }
  kabar_smtp_client_read_reply_async (self, g_task_get_cancellable (task), on_final_reply, task);
}

void
kabar_smtp_client_finish_data_async (KabarSmtpClient     *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GBytes) terminator = NULL;
  GTask *task;

  g_return_if_fail (KABAR_IS_SMTP_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_smtp_client_finish_data_async);
  if (!kabar_smtp_client_begin (self, task))
    {
      g_object_unref (task);
      return;
    }
  if (!self->in_data)
    {
      kabar_smtp_client_refuse (self, task, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                               "No message to %s waits for its end", self->peer));
      return;
    }
  self->in_data = FALSE;
  /* From here the server may get the whole "." line even if the write or
   * the reply then fails: it may have taken the message. */
  self->delivery_state = KABAR_SMTP_DELIVERY_MAYBE_SENT;
  terminator = self->at_line_start ? g_bytes_new_static (".\r\n", 3) : g_bytes_new_static ("\r\n.\r\n", 5);
  kabar_smtp_client_write_async (self, terminator, ".", cancellable, on_terminator_written, task);
}

gboolean
kabar_smtp_client_finish_data_finish (KabarSmtpClient         *self,
                                      GAsyncResult            *result,
                                      KabarSmtpDeliveryState  *state,
                                      GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (state != NULL)
    *state = self->delivery_state;
  return g_task_propagate_boolean (G_TASK (result), error);
}
