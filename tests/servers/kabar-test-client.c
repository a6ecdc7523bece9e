/* kabar-test-client.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kabar-test-client.h"

#include <string.h>

/* Long enough for a loaded CI machine, short enough that a server that
 * never answers fails the test well within meson's timeout. */
#define IO_TIMEOUT_SECONDS 20

struct _KabarTestClient
{
  GObject parent_instance;

  char *host;
  guint16 port;
  GTlsCertificate *trusted;
  GIOStream *stream;           /* the socket, or TLS on top of it */
  GDataInputStream *input;
  char *greeting;
  guint next_tag;
};

G_DEFINE_FINAL_TYPE (KabarTestClient, kabar_test_client, G_TYPE_OBJECT)

static void
kabar_test_client_finalize (GObject *object)
{
  KabarTestClient *self = KABAR_TEST_CLIENT (object);

  if (self->stream != NULL && !g_io_stream_is_closed (self->stream))
    g_io_stream_close (self->stream, NULL, NULL);
  g_clear_object (&self->input);
  g_clear_object (&self->stream);
  g_clear_object (&self->trusted);
  g_free (self->host);
  g_free (self->greeting);

  G_OBJECT_CLASS (kabar_test_client_parent_class)->finalize (object);
}

static void
kabar_test_client_class_init (KabarTestClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kabar_test_client_finalize;
}

static void
kabar_test_client_init (KabarTestClient *self)
{
  self->next_tag = 1;
}

static void
reset_input (KabarTestClient *self)
{
  g_clear_object (&self->input);
  self->input = g_data_input_stream_new (g_io_stream_get_input_stream (self->stream));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (self->input), FALSE);
  /* LF covers servers that send bare LF too; read_line strips the CR. */
  g_data_input_stream_set_newline_type (self->input, G_DATA_STREAM_NEWLINE_TYPE_LF);
}

static gboolean
on_accept_certificate (GTlsConnection       *connection,
                       GTlsCertificate      *peer_cert,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  KabarTestClient *self = user_data;

  /* A self-signed certificate is never valid for the system's trust store:
   * trust it because it is exactly the bed's, and nothing else. */
  return self->trusted != NULL && g_tls_certificate_is_same (peer_cert, self->trusted);
}

static gboolean
handshake (KabarTestClient  *self,
           GError          **error)
{
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GIOStream) tls = NULL;

  identity = g_network_address_new (self->host, self->port);
  tls = g_tls_client_connection_new (self->stream, identity, error);
  if (tls == NULL)
    return FALSE;
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_accept_certificate), self);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return FALSE;

  g_set_object (&self->stream, tls);
  reset_input (self);
  return TRUE;
}

static gboolean
fail_with_line (GError     **error,
                const char  *what,
                const char  *line)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: the server said \"%s\"", what, line);
  return FALSE;
}

static gboolean
is_smtp_continuation (const char *line)
{
  return strlen (line) >= 4 && g_ascii_isdigit (line[0]) && line[3] == '-';
}

static gboolean
read_greeting (KabarTestClient  *self,
               GError          **error)
{
  char *line = kabar_test_client_read_line (self, error);

  /* SMTP greetings may span lines ("220-"); IMAP and POP3 ones never start
   * with three digits. */
  while (line != NULL && is_smtp_continuation (line))
    {
      g_free (line);
      line = kabar_test_client_read_line (self, error);
    }
  self->greeting = line;
  return line != NULL;
}

gboolean
kabar_test_client_starttls (KabarTestClient          *self,
                            KabarTestClientSecurity   security,
                            GError                  **error)
{
  g_autofree char *line = NULL;
  g_auto(GStrv) reply = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  guint code = 0;

  g_return_val_if_fail (KABAR_IS_TEST_CLIENT (self), FALSE);

  switch (security)
    {
    case KABAR_TEST_CLIENT_STARTTLS_IMAP:
      lines = kabar_test_client_imap (self, error, "STARTTLS");
      if (lines == NULL)
        return FALSE;
      line = g_strdup (g_ptr_array_index (lines, lines->len - 1));
      if (strstr (line, " OK") == NULL)
        return fail_with_line (error, "IMAP STARTTLS refused", line);
      break;
    case KABAR_TEST_CLIENT_STARTTLS_POP3:
      if (!kabar_test_client_send_line (self, "STLS", error)
          || (line = kabar_test_client_read_line (self, error)) == NULL)
        return FALSE;
      if (!g_str_has_prefix (line, "+OK"))
        return fail_with_line (error, "POP3 STLS refused", line);
      break;
    case KABAR_TEST_CLIENT_STARTTLS_SMTP:
      if (!kabar_test_client_send_line (self, "STARTTLS", error)
          || (reply = kabar_test_client_read_smtp_reply (self, &code, error)) == NULL)
        return FALSE;
      if (code != 220)
        return fail_with_line (error, "SMTP STARTTLS refused", reply[0]);
      break;
    case KABAR_TEST_CLIENT_PLAIN:
    case KABAR_TEST_CLIENT_IMPLICIT_TLS:
    default:
      g_return_val_if_reached (FALSE);
    }

  /* Anything the server sent after its go-ahead would be read as if it had
   * come through TLS: a real client must refuse that, and so does this one. */
  if (g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (self->input)) > 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "The server sent data before the TLS handshake");
      return FALSE;
    }
  return handshake (self, error);
}

static gboolean
ehlo (KabarTestClient  *self,
      GError          **error)
{
  g_auto(GStrv) reply = NULL;
  guint code = 0;

  if (!kabar_test_client_send_line (self, "EHLO kabar-test-client.kabar.test", error))
    return FALSE;
  reply = kabar_test_client_read_smtp_reply (self, &code, error);
  if (reply == NULL)
    return FALSE;
  if (code != 250)
    return fail_with_line (error, "EHLO refused", reply[0]);
  return TRUE;
}

KabarTestClient *
kabar_test_client_connect (const char               *host,
                           guint16                   port,
                           KabarTestClientSecurity   security,
                           GTlsCertificate          *trusted,
                           GError                  **error)
{
  g_autoptr(KabarTestClient) self = NULL;
  g_autoptr(GSocketClient) socket_client = NULL;
  GSocketConnection *connection;

  g_return_val_if_fail (host != NULL, NULL);

  socket_client = g_socket_client_new ();
  /* Also applies to every later read and write on the socket. */
  g_socket_client_set_timeout (socket_client, IO_TIMEOUT_SECONDS);
  connection = g_socket_client_connect_to_host (socket_client, host, port, NULL, error);
  if (connection == NULL)
    return NULL;

  self = g_object_new (KABAR_TYPE_TEST_CLIENT, NULL);
  self->host = g_strdup (host);
  self->port = port;
  self->trusted = trusted != NULL ? g_object_ref (trusted) : NULL;
  self->stream = G_IO_STREAM (connection);
  reset_input (self);

  if (security == KABAR_TEST_CLIENT_IMPLICIT_TLS && !handshake (self, error))
    return NULL;
  if (!read_greeting (self, error))
    return NULL;
  if (security == KABAR_TEST_CLIENT_STARTTLS_SMTP && !ehlo (self, error))
    return NULL;
  if (security >= KABAR_TEST_CLIENT_STARTTLS_IMAP
      && !kabar_test_client_starttls (self, security, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
kabar_test_client_get_greeting (KabarTestClient *self)
{
  g_return_val_if_fail (KABAR_IS_TEST_CLIENT (self), NULL);
  return self->greeting;
}

gboolean
kabar_test_client_is_tls (KabarTestClient *self)
{
  g_return_val_if_fail (KABAR_IS_TEST_CLIENT (self), FALSE);
  return G_IS_TLS_CONNECTION (self->stream);
}

gboolean
kabar_test_client_send_data (KabarTestClient  *self,
                             const void       *data,
                             gsize             length,
                             GError          **error)
{
  GOutputStream *output;

  g_return_val_if_fail (KABAR_IS_TEST_CLIENT (self), FALSE);

  output = g_io_stream_get_output_stream (self->stream);
  return g_output_stream_write_all (output, data, length, NULL, NULL, error)
         && g_output_stream_flush (output, NULL, error);
}

gboolean
kabar_test_client_send_line (KabarTestClient  *self,
                             const char       *line,
                             GError          **error)
{
  g_autofree char *with_crlf = g_strconcat (line, "\r\n", NULL);

  return kabar_test_client_send_data (self, with_crlf, strlen (with_crlf), error);
}

gboolean
kabar_test_client_send_linef (KabarTestClient  *self,
                              GError          **error,
                              const char       *format,
                              ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  return kabar_test_client_send_line (self, line, error);
}

char *
kabar_test_client_read_line (KabarTestClient  *self,
                             GError          **error)
{
  GError *local_error = NULL;
  gsize length = 0;
  char *line;

  g_return_val_if_fail (KABAR_IS_TEST_CLIENT (self), NULL);

  line = g_data_input_stream_read_line (self->input, &length, NULL, &local_error);
  if (line == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                             "The server closed the connection");
      return NULL;
    }
  if (length > 0 && line[length - 1] == '\r')
    line[length - 1] = '\0';
  return line;
}

GPtrArray *
kabar_test_client_read_until (KabarTestClient  *self,
                              const char       *prefix,
                              GError          **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  for (;;)
    {
      char *line = kabar_test_client_read_line (self, error);

      if (line == NULL)
        return NULL;
      g_ptr_array_add (lines, line);
      if (g_str_has_prefix (line, prefix))
        return g_steal_pointer (&lines);
    }
}

GBytes *
kabar_test_client_read_bytes (KabarTestClient  *self,
                              gsize             length,
                              GError          **error)
{
  g_autofree guint8 *data = g_malloc (length + 1);
  gsize got = 0;

  g_return_val_if_fail (KABAR_IS_TEST_CLIENT (self), NULL);

  if (!g_input_stream_read_all (G_INPUT_STREAM (self->input), data, length, &got, NULL, error))
    return NULL;
  if (got < length)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                   "The server closed the connection after %" G_GSIZE_FORMAT
                   " of %" G_GSIZE_FORMAT " bytes", got, length);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

GStrv
kabar_test_client_read_smtp_reply (KabarTestClient  *self,
                                   guint            *code,
                                   GError          **error)
{
  g_autoptr(GStrvBuilder) texts = g_strv_builder_new ();

  for (;;)
    {
      g_autofree char *line = kabar_test_client_read_line (self, error);
      gboolean more;

      if (line == NULL)
        return NULL;
      if (strlen (line) < 3 || !g_ascii_isdigit (line[0])
          || !g_ascii_isdigit (line[1]) || !g_ascii_isdigit (line[2]))
        {
          fail_with_line (error, "Not an SMTP reply", line);
          return NULL;
        }
      more = line[3] == '-';
      g_strv_builder_add (texts, line[3] != '\0' ? line + 4 : "");
      if (!more)
        {
          if (code != NULL)
            *code = (guint) g_ascii_strtoull (line, NULL, 10);
          return g_strv_builder_end (texts);
        }
    }
}

GPtrArray *
kabar_test_client_imap (KabarTestClient  *self,
                        GError          **error,
                        const char       *format,
                        ...)
{
  g_autofree char *command = NULL;
  g_autofree char *tag = NULL;
  va_list args;

  g_return_val_if_fail (KABAR_IS_TEST_CLIENT (self), NULL);

  va_start (args, format);
  command = g_strdup_vprintf (format, args);
  va_end (args);

  tag = g_strdup_printf ("k%u ", self->next_tag++);
  if (!kabar_test_client_send_linef (self, error, "%s%s", tag, command))
    return NULL;
  return kabar_test_client_read_until (self, tag, error);
}

gboolean
kabar_test_client_close (KabarTestClient  *self,
                         GError          **error)
{
  g_return_val_if_fail (KABAR_IS_TEST_CLIENT (self), FALSE);
  return g_io_stream_close (self->stream, NULL, error);
}
