/* kabar-smtp-client.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client's core: replies, commands, connecting (greeting, EHLO,
 * STARTTLS), signing in, RSET and QUIT. Sending is in
 * kabar-smtp-client-send.c.
 *
 * SMTP is a dialogue: one reply a command, in order. The client writes,
 * then reads, one operation at a time; only the envelope of a send is
 * pipelined, and it reads its replies in the order it wrote the commands.
 */

#include "config.h"

#include <string.h>

#include "kabar-smtp-client-private.h"
#include "kabar-net-error.h"

/* RFC 5321 §4.5.3.1.5 allows reply lines of 512 octets; servers go past it
 * with long texts, never this far. */
#define MAX_REPLY_LINE (64 * 1024)
/* RFC 4954 §4: an AUTH line with its initial response stays within 512
 * octets, CRLF included; a longer one (a Microsoft token) goes after 334. */
#define MAX_AUTH_LINE 510

G_DEFINE_ENUM_TYPE (KabarSmtpDeliveryState, kabar_smtp_delivery_state,
                    G_DEFINE_ENUM_VALUE (KABAR_SMTP_DELIVERY_NOT_SENT, "not-sent"),
                    G_DEFINE_ENUM_VALUE (KABAR_SMTP_DELIVERY_MAYBE_SENT, "maybe-sent"),
                    G_DEFINE_ENUM_VALUE (KABAR_SMTP_DELIVERY_SENT, "sent"))

G_DEFINE_FINAL_TYPE (KabarSmtpClient, kabar_smtp_client, G_TYPE_OBJECT)

static void
kabar_smtp_client_dispose (GObject *object)
{
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (object);

  /* The connection closes itself in the background once dropped. */
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (kabar_smtp_client_parent_class)->dispose (object);
}

static void
kabar_smtp_client_finalize (GObject *object)
{
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (object);

  g_free (self->peer);
  g_free (self->helo_name);
  g_strfreev (self->capabilities);
  g_strfreev (self->mechanisms);

  G_OBJECT_CLASS (kabar_smtp_client_parent_class)->finalize (object);
}

static void
kabar_smtp_client_class_init (KabarSmtpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_smtp_client_dispose;
  object_class->finalize = kabar_smtp_client_finalize;
}

static void
kabar_smtp_client_init (KabarSmtpClient *self)
{
  self->capabilities = g_new0 (char *, 1);
  self->mechanisms = g_new0 (char *, 1);
  self->delivery_state = KABAR_SMTP_DELIVERY_NOT_SENT;
}

/* --- operations ------------------------------------------------------------ */

gboolean
kabar_smtp_client_begin (KabarSmtpClient *self,
                         GTask           *task)
{
  if (self->busy)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "Another SMTP command to %s is still running", self->peer);
      return FALSE;
    }
  if (kabar_connection_is_closed (self->connection))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "The connection to %s is closed", self->peer);
      return FALSE;
    }
  self->busy = TRUE;
  return TRUE;
}

void
kabar_smtp_client_return_boolean (KabarSmtpClient *self,
                                  GTask           *task)
{
  self->busy = FALSE;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
kabar_smtp_client_return_error (KabarSmtpClient *self,
                                GTask           *task,
                                GError          *error)
{
  self->busy = FALSE;
  /* Anything but the server's own refusal leaves the dialogue somewhere
   * unknown: a half-written command, an unread reply. */
  if (error->domain != KABAR_SMTP_ERROR || error->code == KABAR_SMTP_ERROR_PROTOCOL)
    kabar_smtp_client_drop (self);
  g_task_return_error (task, error);
  g_object_unref (task);
}

void
kabar_smtp_client_refuse (KabarSmtpClient *self,
                          GTask           *task,
                          GError          *error)
{
  self->busy = FALSE;
  g_task_return_error (task, error);
  g_object_unref (task);
}

void
kabar_smtp_client_drop (KabarSmtpClient *self)
{
  self->in_data = FALSE;
  if (!kabar_connection_is_closed (self->connection))
    kabar_connection_close_async (self->connection, NULL, NULL, NULL);
}

/* --- writing --------------------------------------------------------------- */

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!kabar_connection_write_finish (KABAR_CONNECTION (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
kabar_smtp_client_write_async (KabarSmtpClient     *self,
                               GBytes              *bytes,
                               const char          *log,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  if (log != NULL)
    g_debug ("%s: C: %s", self->peer, log);
  kabar_connection_write_async (self->connection, bytes, cancellable, on_written, task);
}

gboolean
kabar_smtp_client_write_finish (KabarSmtpClient  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- reading replies ------------------------------------------------------- */

typedef struct
{
  GPtrArray *lines;
  guint      code;
  gboolean   done;
} ReplyRead;

static void
reply_read_free (ReplyRead *read)
{
  g_ptr_array_unref (read->lines);
  g_free (read);
}

/* "5.7.139" at the start of text, its class matching the reply's
 * (RFC 2034 §4); NULL when there is none. */
static char *
parse_enhanced (const char *text,
                guint       code)
{
  const char *p = text;
  guint parts = 0;

  if (*p != '0' + (char) (code / 100))
    return NULL;
  p++;
  while (parts < 2)
    {
      guint digits = 0;

      if (*p++ != '.')
        return NULL;
      while (g_ascii_isdigit (*p) && digits < 3)
        p++, digits++;
      if (digits == 0)
        return NULL;
      parts++;
    }
  if (*p != '\0' && *p != ' ')
    return NULL;
  return g_strndup (text, (gsize) (p - text));
}

static KabarSmtpReply *
reply_new (ReplyRead *read)
{
  KabarSmtpReply *reply = g_new0 (KabarSmtpReply, 1);

  reply->code = read->code;
  g_ptr_array_add (read->lines, NULL);
  reply->lines = (GStrv) g_ptr_array_steal (read->lines, NULL);
  reply->enhanced = parse_enhanced (reply->lines[0], reply->code);
  return reply;
}

/* One line of a reply; read->done once it was the last. */
static gboolean
take_line (KabarSmtpClient  *self,
           ReplyRead        *read,
           GBytes           *bytes,
           GError          **error)
{
  gsize length = 0;
  const char *line = g_bytes_get_data (bytes, &length);
  guint code;

  g_debug ("%s: S: %s", self->peer, line);
  if (length < 3 || line[0] < '2' || line[0] > '5' || !g_ascii_isdigit (line[1]) ||
      !g_ascii_isdigit (line[2]) || (length > 3 && line[3] != ' ' && line[3] != '-') ||
      memchr (line, '\0', length) != NULL)
    {
      g_autofree char *valid = g_utf8_make_valid (line, (gssize) length);

      g_set_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_PROTOCOL,
                   "%s sent something that is not an SMTP reply: “%s”", self->peer, valid);
      return FALSE;
    }
  code = (guint) ((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
  if (read->lines->len > 0 && code != read->code)
    {
      g_set_error (error, KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_PROTOCOL,
                   "%s changed its reply code from %u to %u within one reply", self->peer, read->code, code);
      return FALSE;
    }
  read->code = code;
  g_ptr_array_add (read->lines, g_strdup (length > 4 ? line + 4 : ""));
  read->done = length == 3 || line[3] == ' ';
  return TRUE;
}

/* Owns task. */
static void
reply_taken (GTask  *task,
             GError *error)
{
  ReplyRead *read = g_task_get_task_data (task);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply_new (read), (GDestroyNotify) kabar_smtp_reply_free);
  g_object_unref (task);
}

static void read_next_line (GTask *task);

static void
on_reply_line (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = g_task_get_source_object (task);
  ReplyRead *read = g_task_get_task_data (task);
  g_autoptr(GBytes) line = NULL;
  GError *error = NULL;

  line = kabar_connection_read_line_finish (KABAR_CONNECTION (source), result, &error);
  if (line == NULL || !take_line (self, read, line, &error) || read->done)
    {
      reply_taken (task, error);
      return;
    }
  read_next_line (task);
}

/* Owns task. Lines already buffered are taken at once: a multi-line EHLO
 * or the replies of a pipelined envelope cost one main loop iteration. */
static void
read_next_line (GTask *task)
{
  KabarSmtpClient *self = g_task_get_source_object (task);
  ReplyRead *read = g_task_get_task_data (task);
  GError *error = NULL;

  for (;;)
    {
      g_autoptr(GBytes) line = kabar_connection_read_buffered_line (self->connection, &error);

      if (line == NULL && error == NULL)
        break;
      if (line == NULL || !take_line (self, read, line, &error) || read->done)
        {
          reply_taken (task, error);
          return;
        }
    }
  kabar_connection_read_line_async (self->connection, g_task_get_cancellable (task), on_reply_line, task);
}

void
kabar_smtp_client_read_reply_async (KabarSmtpClient     *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ReplyRead *read = g_new0 (ReplyRead, 1);

  read->lines = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, read, (GDestroyNotify) reply_read_free);
  read_next_line (task);
}

KabarSmtpReply *
kabar_smtp_client_read_reply_finish (KabarSmtpClient  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- commands -------------------------------------------------------------- */

static void
on_command_written (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  GError *error = NULL;

  if (!kabar_smtp_client_write_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  read_next_line (task);
}

/* Writes line (taken: it may be a secret, wiped once written) and reads
 * the reply; log is what g_debug shows. */
static void
command_take_async (KabarSmtpClient     *self,
                    char                *line,
                    const char          *log,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ReplyRead *read = g_new0 (ReplyRead, 1);
  gsize length = strlen (line);
  g_autoptr(GBytes) bytes = NULL;
  char *text = g_malloc (length + 3);

  memcpy (text, line, length);
  memcpy (text + length, "\r\n", 3);
  explicit_bzero (line, length);
  g_free (line);
  bytes = g_bytes_new_with_free_func (text, length + 2, (GDestroyNotify) g_free, text);
  read->lines = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, read, (GDestroyNotify) reply_read_free);
  kabar_smtp_client_write_async (self, bytes, log, cancellable, on_command_written, task);
}

void
kabar_smtp_client_command_async (KabarSmtpClient     *self,
                                 const char          *line,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  command_take_async (self, g_strdup (line), line, cancellable, callback, user_data);
}

KabarSmtpReply *
kabar_smtp_client_command_finish (KabarSmtpClient  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- what replies mean ----------------------------------------------------- */

static gboolean
enhanced_is (const KabarSmtpReply *reply,
             const char           *subject_detail)
{
  /* "X.3.4" matches 4.3.4 and 5.3.4. */
  return reply->enhanced != NULL && strlen (reply->enhanced) > 1 &&
         strcmp (reply->enhanced + 1, subject_detail + 1) == 0;
}

gboolean
kabar_smtp_reply_says_sending_limit (const KabarSmtpReply *reply)
{
  static const char *const words[] = {
    "submissionquotaexceeded", "quota exceeded", "limit exceeded", "sending limit",
    "rate limit", "daily limit", "limit reached", "too many messages", "sending quota",
  };
  g_autofree char *joined = NULL;
  g_autofree char *lower = NULL;

  /* Gmail's 5.4.5 daily limit, Microsoft's 5.1.90 recipient limit and its
   * 5.1.92 blocked sender, too many recipients (X.5.3). */
  if (g_strcmp0 (reply->enhanced, "5.4.5") == 0 || g_strcmp0 (reply->enhanced, "5.1.90") == 0 ||
      g_strcmp0 (reply->enhanced, "5.1.92") == 0 || enhanced_is (reply, "X.5.3"))
    return TRUE;
  /* A full mailbox is the recipient's quota, not ours. */
  if (enhanced_is (reply, "X.2.2"))
    return FALSE;
  joined = g_strjoinv (" ", reply->lines);
  lower = g_ascii_strdown (joined, -1);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (lower, words[i]) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
says_too_large (const KabarSmtpReply *reply)
{
  if (enhanced_is (reply, "X.3.4") || enhanced_is (reply, "X.2.3"))
    return TRUE;
  /* RFC 1870 §6.1: 552 is "exceeded storage allocation", the size. */
  return reply->code == 552 && reply->enhanced == NULL;
}

GError *
kabar_smtp_client_reply_error (KabarSmtpClient      *self,
                               const KabarSmtpReply *reply,
                               KabarSmtpStage        stage,
                               const char           *subject)
{
  g_autofree char *said = kabar_smtp_reply_to_string (reply);

  if (kabar_smtp_reply_says_sending_limit (reply))
    return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_SENDING_LIMIT, reply,
                                       "%s says the account's sending limit is reached: %s", self->peer, said);
  if (says_too_large (reply))
    return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_MESSAGE_TOO_LARGE, reply,
                                       "%s refused the message as too large: %s", self->peer, said);
  if (reply->code / 100 == 4)
    return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_TEMPORARY, reply,
                                       "%s cannot take %s now: %s", self->peer, subject, said);
  if (stage == KABAR_SMTP_STAGE_MAIL)
    return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_SENDER_REFUSED, reply,
                                       "%s refused %s: %s", self->peer, subject, said);
  if (reply->code / 100 == 5)
    return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_PERMANENT, reply,
                                       "%s refused %s: %s", self->peer, subject, said);
  return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_PROTOCOL, reply,
                                     "%s answered %s with an unexpected reply: %s", self->peer, subject, said);
}

/* An error for a reply that no step expects (a 2xx where a 3xx belongs). */
static GError *
unexpected_reply (KabarSmtpClient      *self,
                  const KabarSmtpReply *reply,
                  const char           *what)
{
  g_autofree char *said = kabar_smtp_reply_to_string (reply);

  if (reply->code / 100 == 4)
    return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_TEMPORARY, reply,
                                       "%s cannot take %s now: %s", self->peer, what, said);
  if (reply->code / 100 == 5)
    return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_PERMANENT, reply,
                                       "%s refused %s: %s", self->peer, what, said);
  return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_PROTOCOL, reply,
                                     "%s answered %s with an unexpected reply: %s", self->peer, what, said);
}

/* --- capabilities ---------------------------------------------------------- */

static void
forget_capabilities (KabarSmtpClient *self)
{
  g_strfreev (self->capabilities);
  g_strfreev (self->mechanisms);
  self->capabilities = g_new0 (char *, 1);
  self->mechanisms = g_new0 (char *, 1);
  self->max_size = 0;
}

static void
add_mechanisms (GStrvBuilder *builder,
                const char   *list)
{
  g_auto(GStrv) words = g_strsplit (list, " ", -1);

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      {
        g_autofree char *upper = g_ascii_strup (words[i], -1);

        g_strv_builder_add (builder, upper);
      }
}

/* EHLO's lines after the first, "KEYWORD params". Old servers also say
 * "AUTH=LOGIN PLAIN". */
static void
set_capabilities (KabarSmtpClient      *self,
                  const KabarSmtpReply *reply)
{
  g_autoptr(GStrvBuilder) capabilities = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) mechanisms = g_strv_builder_new ();

  forget_capabilities (self);
  for (guint i = 1; reply->lines[0] != NULL && reply->lines[i] != NULL; i++)
    {
      const char *line = reply->lines[i];
      gsize keyword_length = strcspn (line, " =");
      g_autofree char *keyword = g_ascii_strup (line, (gssize) keyword_length);
      const char *params = line + keyword_length + (line[keyword_length] != '\0' ? 1 : 0);

      g_autofree char *capability = g_strconcat (keyword, *params != '\0' ? " " : "", params, NULL);

      g_strv_builder_add (capabilities, capability);
      if (strcmp (keyword, "AUTH") == 0)
        add_mechanisms (mechanisms, params);
      else if (strcmp (keyword, "SIZE") == 0)
        self->max_size = g_ascii_strtoull (params, NULL, 10);
    }
  g_strfreev (self->capabilities);
  g_strfreev (self->mechanisms);
  self->capabilities = g_strv_builder_end (capabilities);
  self->mechanisms = g_strv_builder_end (mechanisms);
}

/* --- connecting ------------------------------------------------------------ */

typedef struct
{
  KabarSmtpClient         *client;
  KabarSecurity            security;
  KabarCertificateProblem *problem;
  gboolean                 helo;      /* EHLO was refused */
} Connect;

static void
connect_free (Connect *connect)
{
  g_clear_object (&connect->client);
  g_clear_pointer (&connect->problem, kabar_certificate_problem_unref);
  g_free (connect);
}

/* Owns task. */
static void
connect_fail (GTask  *task,
              GError *error)
{
  Connect *connect = g_task_get_task_data (task);

  if (connect->client != NULL)
    kabar_smtp_client_drop (connect->client);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void say_hello (GTask *task);

static void
on_tls_started (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Connect *connect = g_task_get_task_data (task);
  GError *error = NULL;

  if (!kabar_connection_start_tls_finish (KABAR_CONNECTION (source), result, &connect->problem, &error))
    {
      connect_fail (task, error);
      return;
    }
  /* RFC 3207 §4.2: what the server said in plain text may have been
   * changed on the way; ask again. */
  forget_capabilities (connect->client);
  say_hello (task);
}

static void
on_starttls_reply (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  g_autoptr(KabarSmtpReply) reply = NULL;
  g_autofree char *said = NULL;
  GError *error = NULL;

  reply = kabar_smtp_client_command_finish (self, result, &error);
  if (reply == NULL)
    {
      connect_fail (task, error);
      return;
    }
  if (reply->code != 220)
    {
      said = kabar_smtp_reply_to_string (reply);
      connect_fail (task, g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_FAILED,
                                       "%s refused STARTTLS: %s", self->peer, said));
      return;
    }
  kabar_connection_start_tls_async (self->connection, g_task_get_cancellable (task), on_tls_started, task);
}

/* Owns task. */
static void
after_hello (GTask *task)
{
  Connect *connect = g_task_get_task_data (task);
  KabarSmtpClient *self = connect->client;

  if (connect->security != KABAR_SECURITY_STARTTLS || kabar_connection_is_tls (self->connection))
    {
      g_task_return_pointer (task, g_steal_pointer (&connect->client), g_object_unref);
      g_object_unref (task);
      return;
    }
  if (!kabar_smtp_client_has_capability (self, "STARTTLS"))
    {
      connect_fail (task, g_error_new (KABAR_NET_ERROR, KABAR_NET_ERROR_STARTTLS_NOT_OFFERED,
                                       "%s does not offer STARTTLS: refusing to go on in plain text",
                                       self->peer));
      return;
    }
  kabar_smtp_client_command_async (self, "STARTTLS", g_task_get_cancellable (task), on_starttls_reply, task);
}

static void
on_hello_reply (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  Connect *connect = g_task_get_task_data (task);
  g_autoptr(KabarSmtpReply) reply = NULL;
  GError *error = NULL;

  reply = kabar_smtp_client_command_finish (self, result, &error);
  if (reply == NULL)
    {
      connect_fail (task, error);
      return;
    }
  /* RFC 5321 §3.2: a server that does not know EHLO says 500 or 502 (some
   * 504 or 550); HELO then, without extensions. */
  if (!connect->helo && (reply->code == 500 || reply->code == 502 || reply->code == 504 || reply->code == 550))
    {
      connect->helo = TRUE;
      say_hello (task);
      return;
    }
  if (reply->code != 250)
    {
      connect_fail (task, unexpected_reply (self, reply, connect->helo ? "HELO" : "EHLO"));
      return;
    }
  if (connect->helo)
    forget_capabilities (self);
  else
    set_capabilities (self, reply);
  after_hello (task);
}

/* Owns task. */
static void
say_hello (GTask *task)
{
  Connect *connect = g_task_get_task_data (task);
  KabarSmtpClient *self = connect->client;
  g_autofree char *line = g_strdup_printf ("%s %s", connect->helo ? "HELO" : "EHLO", self->helo_name);

  kabar_smtp_client_command_async (self, line, g_task_get_cancellable (task), on_hello_reply, task);
}

static void
on_greeting (GObject      *source,
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
      connect_fail (task, error);
      return;
    }
  if (reply->code != 220)
    {
      connect_fail (task, unexpected_reply (self, reply, "the connection"));
      return;
    }
  say_hello (task);
}

static KabarSmtpClient *
client_new (KabarConnection *connection,
            const char      *helo_name)
{
  KabarSmtpClient *self = g_object_new (KABAR_TYPE_SMTP_CLIENT, NULL);
  const char *host = kabar_connection_get_host (connection);
  guint16 port = kabar_connection_get_port (connection);

  self->connection = g_object_ref (connection);
  self->peer = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, port)
                                          : g_strdup_printf ("%s:%u", host, port);
  self->helo_name = g_strdup (helo_name != NULL ? helo_name : "localhost");
  kabar_connection_set_max_line_length (connection, MAX_REPLY_LINE);
  return self;
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
      connect_fail (task, error);
      return;
    }
  connect->client = client_new (connection, g_object_get_data (G_OBJECT (task), "helo-name"));
  kabar_smtp_client_read_reply_async (connect->client, g_task_get_cancellable (task), on_greeting, task);
}

void
kabar_smtp_client_connect_async (const char          *host,
                                 guint16              port,
                                 KabarSecurity        security,
                                 GTlsCertificate     *pinned_certificate,
                                 guint                timeout_seconds,
                                 const char          *helo_name,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  Connect *connect;

  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (helo_name == NULL || strpbrk (helo_name, " \r\n") == NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_smtp_client_connect_async);
  connect = g_new0 (Connect, 1);
  connect->security = security;
  g_task_set_task_data (task, connect, (GDestroyNotify) connect_free);
  g_object_set_data_full (G_OBJECT (task), "helo-name", g_strdup (helo_name), g_free);
  kabar_connection_connect_async (host, port, security, pinned_certificate, timeout_seconds, cancellable,
                                  on_connected, task);
}

KabarSmtpClient *
kabar_smtp_client_connect_finish (GAsyncResult             *result,
                                  KabarCertificateProblem **problem,
                                  GError                  **error)
{
  Connect *connect;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kabar_smtp_client_connect_async, NULL);

  connect = g_task_get_task_data (G_TASK (result));
  if (problem != NULL)
    *problem = NULL;
  if (g_task_had_error (G_TASK (result)) && problem != NULL && connect->problem != NULL)
    *problem = kabar_certificate_problem_ref (connect->problem);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- signing in ------------------------------------------------------------ */

typedef struct
{
  KabarSaslMechanism  mechanism;
  char               *user;
  char               *secret;
  guint               step;          /* the 334 prompts answered so far */
  gboolean            initial_sent;
  char               *token_status;  /* from an OAuth error challenge */
} Auth;

static void
wipe_string (char *text)
{
  if (text == NULL)
    return;
  explicit_bzero (text, strlen (text));
  g_free (text);
}

static void
auth_free (Auth *auth)
{
  g_free (auth->user);
  wipe_string (auth->secret);
  g_free (auth->token_status);
  g_free (auth);
}

static char *
initial_response (KabarSmtpClient *self,
                  Auth            *auth)
{
  return kabar_sasl_initial_response (auth->mechanism, auth->user, auth->secret,
                                      kabar_connection_get_host (self->connection),
                                      kabar_connection_get_port (self->connection));
}

/* Outlook.com: "535 5.7.139 Authentication unsuccessful, basic
 * authentication is disabled." The code alone also means other policies,
 * so the words decide. */
static gboolean
says_basic_auth_disabled (const KabarSmtpReply *reply)
{
  g_autofree char *joined = g_strjoinv (" ", reply->lines);
  g_autofree char *lower = g_ascii_strdown (joined, -1);

  return strstr (lower, "basic auth") != NULL &&
         (strstr (lower, "disabled") != NULL || strstr (lower, "blocked") != NULL);
}

static GError *
auth_error (KabarSmtpClient      *self,
            Auth                 *auth,
            const KabarSmtpReply *reply)
{
  g_autofree char *said = kabar_smtp_reply_to_string (reply);
  g_autofree char *status = auth->token_status != NULL
                            ? g_strdup_printf (" (the token's status: %s)", auth->token_status)
                            : g_strdup ("");

  if (says_basic_auth_disabled (reply))
    return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_BASIC_AUTH_DISABLED, reply,
                                       "%s does not accept passwords: %s", self->peer, said);
  if (reply->code / 100 == 4)
    return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_TEMPORARY, reply,
                                       "%s cannot check the sign-in now: %s", self->peer, said);
  /* 504: the mechanism we chose from its list is unknown after all. */
  if (reply->code == 504)
    return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_AUTHENTICATION_UNAVAILABLE, reply,
                                       "%s does not take %s: %s", self->peer,
                                       kabar_sasl_mechanism_to_string (auth->mechanism), said);
  return kabar_smtp_error_new_reply (KABAR_SMTP_ERROR_AUTHENTICATION_FAILED, reply,
                                     "%s refused the sign-in: %s%s", self->peer, said, status);
}

/* What answers the server's 334 prompt: a newly allocated line, a secret.
 * "*" ends an exchange the mechanism has no answer for (RFC 4954 §4). */
static char *
answer_prompt (KabarSmtpClient      *self,
               Auth                 *auth,
               const KabarSmtpReply *reply)
{
  char *answer = NULL;

  switch (auth->mechanism)
    {
    case KABAR_SASL_MECHANISM_LOGIN:
      if (auth->step < 2)
        answer = kabar_sasl_login_response (auth->step, auth->user, auth->secret);
      break;
    case KABAR_SASL_MECHANISM_PLAIN:
    case KABAR_SASL_MECHANISM_XOAUTH2:
    case KABAR_SASL_MECHANISM_OAUTHBEARER:
      if (!auth->initial_sent)
        {
          answer = initial_response (self, auth);
          auth->initial_sent = TRUE;
        }
      else if (auth->mechanism != KABAR_SASL_MECHANISM_PLAIN && auth->step < 2)
        {
          /* The token was refused: the JSON says why, and the server wants
           * an answer before its 535. */
          g_free (auth->token_status);
          answer = kabar_sasl_answer_oauth_challenge (auth->mechanism, reply->lines[0],
                                                      &auth->token_status);
        }
      break;
    case KABAR_SASL_MECHANISM_NONE:
    default:
      break;
    }
  auth->step++;
  return answer != NULL ? answer : g_strdup ("*");
}

static void
on_auth_reply (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  Auth *auth = g_task_get_task_data (task);
  g_autoptr(KabarSmtpReply) reply = NULL;
  GError *error = NULL;

  reply = kabar_smtp_client_command_finish (self, result, &error);
  if (reply == NULL)
    {
      kabar_smtp_client_return_error (self, task, error);
      return;
    }
  if (reply->code == 334)
    {
      command_take_async (self, answer_prompt (self, auth, reply), "(SASL response)",
                          g_task_get_cancellable (task), on_auth_reply, task);
      return;
    }
  if (reply->code != 235)
    {
      kabar_smtp_client_return_error (self, task, auth_error (self, auth, reply));
      return;
    }
  self->authenticated = TRUE;
  kabar_smtp_client_return_boolean (self, task);
}

static char *
auth_line (KabarSmtpClient *self,
           Auth            *auth)
{
  const char *name = kabar_sasl_mechanism_to_string (auth->mechanism);
  char *initial = initial_response (self, auth);
  char *line;

  if (initial == NULL || strlen ("AUTH ") + strlen (name) + 1 + strlen (initial) > MAX_AUTH_LINE)
    {
      wipe_string (initial);
      return g_strdup_printf ("AUTH %s", name);
    }
  /* RFC 4954 §4: an empty initial response is "=". */
  line = g_strdup_printf ("AUTH %s %s", name, *initial != '\0' ? initial : "=");
  wipe_string (initial);
  auth->initial_sent = TRUE;
  return line;
}

void
kabar_smtp_client_authenticate_async (KabarSmtpClient     *self,
                                      KabarSaslCredential  credential,
                                      const char          *user,
                                      const char          *secret,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;
  Auth *auth;
  g_autofree char *log = NULL;

  g_return_if_fail (KABAR_IS_SMTP_CLIENT (self));
  g_return_if_fail (user != NULL && secret != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_smtp_client_authenticate_async);
  if (!kabar_smtp_client_begin (self, task))
    {
      g_object_unref (task);
      return;
    }
  auth = g_new0 (Auth, 1);
  auth->mechanism = kabar_sasl_choose_mechanism ((const char * const *) self->mechanisms, credential);
  auth->user = g_strdup (user);
  auth->secret = g_strdup (secret);
  g_task_set_task_data (task, auth, (GDestroyNotify) auth_free);
  if (auth->mechanism == KABAR_SASL_MECHANISM_NONE)
    {
      g_autofree char *offered = g_strjoinv (" ", self->mechanisms);

      kabar_smtp_client_return_error (self, task,
                                      g_error_new (KABAR_SMTP_ERROR, KABAR_SMTP_ERROR_AUTHENTICATION_UNAVAILABLE,
                                                   "%s offers no way to sign in with %s (AUTH: %s)", self->peer,
                                                   credential == KABAR_SASL_CREDENTIAL_OAUTH2_TOKEN
                                                   ? "an OAuth2 token" : "a password",
                                                   *offered != '\0' ? offered : "not offered"));
      return;
    }
  log = g_strdup_printf ("AUTH %s (response not logged)", kabar_sasl_mechanism_to_string (auth->mechanism));
  command_take_async (self, auth_line (self, auth), log, cancellable, on_auth_reply, task);
}

gboolean
kabar_smtp_client_authenticate_finish (KabarSmtpClient  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- RSET and QUIT --------------------------------------------------------- */

static void
on_reset_reply (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  g_autoptr(KabarSmtpReply) reply = NULL;
  GError *error = NULL;

  reply = kabar_smtp_client_command_finish (self, result, &error);
  if (reply == NULL)
    kabar_smtp_client_return_error (self, task, error);
  else if (reply->code / 100 != 2)
    kabar_smtp_client_return_error (self, task, unexpected_reply (self, reply, "RSET"));
  else
    kabar_smtp_client_return_boolean (self, task);
}

void
kabar_smtp_client_reset_async (KabarSmtpClient     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (KABAR_IS_SMTP_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_smtp_client_reset_async);
  if (!kabar_smtp_client_begin (self, task))
    {
      g_object_unref (task);
      return;
    }
  if (self->in_data)
    {
      kabar_smtp_client_refuse (self, task,
                                g_error_new (G_IO_ERROR, G_IO_ERROR_BUSY,
                                                   "The message to %s is half sent: only its end or a "
                                                   "closed connection ends it", self->peer));
      return;
    }
  kabar_smtp_client_command_async (self, "RSET", cancellable, on_reset_reply, task);
}

gboolean
kabar_smtp_client_reset_finish (KabarSmtpClient  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_quit_closed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = g_task_get_source_object (task);

  kabar_connection_close_finish (KABAR_CONNECTION (source), result, NULL);
  kabar_smtp_client_return_boolean (self, task);
}

static void
on_quit_reply (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  KabarSmtpClient *self = KABAR_SMTP_CLIENT (source);
  g_autoptr(KabarSmtpReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* Whatever it says, or even a cut: we are leaving. */
  reply = kabar_smtp_client_command_finish (self, result, &error);
  if (reply == NULL)
    g_debug ("%s: no reply to QUIT: %s", self->peer, error->message);
  kabar_connection_close_async (self->connection, NULL, on_quit_closed, task);
}

void
kabar_smtp_client_quit_async (KabarSmtpClient     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (KABAR_IS_SMTP_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kabar_smtp_client_quit_async);
  if (!kabar_smtp_client_begin (self, task))
    {
      g_object_unref (task);
      return;
    }
  self->in_data = FALSE;
  kabar_smtp_client_command_async (self, "QUIT", cancellable, on_quit_reply, task);
}

gboolean
kabar_smtp_client_quit_finish (KabarSmtpClient  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- accessors ------------------------------------------------------------- */

const char * const *
kabar_smtp_client_get_capabilities (KabarSmtpClient *self)
{
  g_return_val_if_fail (KABAR_IS_SMTP_CLIENT (self), NULL);

  return (const char * const *) self->capabilities;
}

gboolean
kabar_smtp_client_has_capability (KabarSmtpClient *self,
                                  const char      *keyword)
{
  gsize length;

  g_return_val_if_fail (KABAR_IS_SMTP_CLIENT (self), FALSE);
  g_return_val_if_fail (keyword != NULL, FALSE);

  length = strlen (keyword);
  for (guint i = 0; self->capabilities[i] != NULL; i++)
    if (g_ascii_strncasecmp (self->capabilities[i], keyword, length) == 0 &&
        (self->capabilities[i][length] == '\0' || self->capabilities[i][length] == ' '))
      return TRUE;
  return FALSE;
}

const char * const *
kabar_smtp_client_get_auth_mechanisms (KabarSmtpClient *self)
{
  g_return_val_if_fail (KABAR_IS_SMTP_CLIENT (self), NULL);

  return (const char * const *) self->mechanisms;
}

guint64
kabar_smtp_client_get_max_size (KabarSmtpClient *self)
{
  g_return_val_if_fail (KABAR_IS_SMTP_CLIENT (self), 0);

  return self->max_size;
}

KabarConnection *
kabar_smtp_client_get_connection (KabarSmtpClient *self)
{
  g_return_val_if_fail (KABAR_IS_SMTP_CLIENT (self), NULL);

  return self->connection;
}

gboolean
kabar_smtp_client_is_authenticated (KabarSmtpClient *self)
{
  g_return_val_if_fail (KABAR_IS_SMTP_CLIENT (self), FALSE);

  return self->authenticated;
}

KabarSmtpDeliveryState
kabar_smtp_client_get_delivery_state (KabarSmtpClient *self)
{
  g_return_val_if_fail (KABAR_IS_SMTP_CLIENT (self), KABAR_SMTP_DELIVERY_NOT_SENT);

  return self->delivery_state;
}
