/* kabar-discovery-guess.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The last resort: the host names providers usually give their servers,
 * probed by connecting and reading the greeting. Only protected ports are
 * tried: implicit TLS, then STARTTLS, never plain text.
 */

#include "config.h"

#include <string.h>

#include "kabar-discovery-private.h"

/* Enough for any greeting's first line to show what speaks. */
#define GREETING_MAX 512
/* A server that exists answers a probe within this even when far away. */
#define PROBE_TIMEOUT_MAX_MS 5000

typedef struct
{
  KabarServerKind  kind;
  const char      *prefix;
  guint16          port;
  KabarSecurity    security;
} Guess;

/* In order of preference within a kind. */
static const Guess guesses[] = {
  { KABAR_SERVER_KIND_IMAP, "imap", 993, KABAR_SECURITY_IMPLICIT_TLS },
  { KABAR_SERVER_KIND_IMAP, "imap", 143, KABAR_SECURITY_STARTTLS },
  { KABAR_SERVER_KIND_IMAP, "mail", 993, KABAR_SECURITY_IMPLICIT_TLS },
  { KABAR_SERVER_KIND_IMAP, "mail", 143, KABAR_SECURITY_STARTTLS },
  { KABAR_SERVER_KIND_POP3, "pop", 995, KABAR_SECURITY_IMPLICIT_TLS },
  { KABAR_SERVER_KIND_POP3, "pop", 110, KABAR_SECURITY_STARTTLS },
  { KABAR_SERVER_KIND_POP3, "mail", 995, KABAR_SECURITY_IMPLICIT_TLS },
  { KABAR_SERVER_KIND_POP3, "mail", 110, KABAR_SECURITY_STARTTLS },
  { KABAR_SERVER_KIND_SMTP, "smtp", 465, KABAR_SECURITY_IMPLICIT_TLS },
  { KABAR_SERVER_KIND_SMTP, "smtp", 587, KABAR_SECURITY_STARTTLS },
  { KABAR_SERVER_KIND_SMTP, "mail", 465, KABAR_SECURITY_IMPLICIT_TLS },
  { KABAR_SERVER_KIND_SMTP, "mail", 587, KABAR_SECURITY_STARTTLS },
};

typedef struct
{
  KabarDiscovery    *self;
  const Guess       *guess;
  char              *host;
  GCancellable      *cancellable;
  gulong             cancelled_id;
  GSource           *timer;
  GSocketConnection *connection;
  GByteArray        *greeting;
  gboolean           done;
  gboolean           answered;
} Probe;

static void
probe_free (Probe *probe)
{
  g_free (probe->host);
  g_clear_object (&probe->cancellable);
  g_clear_object (&probe->connection);
  g_clear_pointer (&probe->greeting, g_byte_array_unref);
  g_free (probe);
}

static gboolean
is_greeting (KabarServerKind  kind,
             const char      *line)
{
  switch (kind)
    {
    case KABAR_SERVER_KIND_IMAP:
      return g_str_has_prefix (line, "* OK") || g_str_has_prefix (line, "* PREAUTH");
    case KABAR_SERVER_KIND_POP3:
      return g_str_has_prefix (line, "+OK");
    case KABAR_SERVER_KIND_SMTP:
      return g_str_has_prefix (line, "220 ") || g_str_has_prefix (line, "220-")
             || strcmp (line, "220") == 0;
    default:
      return FALSE;
    }
}

static void
guess_done (KabarDiscovery *self)
{
  g_autoptr(GPtrArray) incoming = kabar_discovery_servers_new ();
  g_autoptr(GPtrArray) outgoing = kabar_discovery_servers_new ();

  for (guint i = 0; i < self->probes->len; i++)
    {
      Probe *probe = self->probes->pdata[i];

      if (probe->answered)
        g_ptr_array_add (probe->guess->kind == KABAR_SERVER_KIND_SMTP ? outgoing : incoming,
                         kabar_server_settings_new (probe->guess->kind, probe->host,
                                                    probe->guess->port, probe->guess->security,
                                                    self->address, KABAR_AUTH_PASSWORD));
    }
  if (incoming->len == 0 || outgoing->len == 0)
    kabar_discovery_source_done (self, KABAR_DISCOVERY_SOURCE_GUESS, NULL);
  else
    kabar_discovery_source_done (self, KABAR_DISCOVERY_SOURCE_GUESS,
                                 kabar_discovery_result_new (KABAR_DISCOVERY_SOURCE_GUESS,
                                                             KABAR_PROVIDER_NONE, NULL,
                                                             self->domain, incoming, outgoing));
}

/* The probe's last step: whatever happened, it counts once. */
static void
probe_end (Probe    *probe,
           gboolean  answered)
{
  KabarDiscovery *self = probe->self;
  GCancellable *source_cancellable = self->cancellables[KABAR_DISCOVERY_SOURCE_GUESS];

  g_assert (!probe->done);
  probe->done = TRUE;
  probe->answered = answered;
  if (probe->timer != NULL)
    {
      g_source_destroy (probe->timer);
      g_clear_pointer (&probe->timer, g_source_unref);
    }
  g_cancellable_disconnect (source_cancellable, probe->cancelled_id);
  /* Nothing was sent: a socket's close needs no goodbye. */
  g_clear_object (&probe->connection);
  self->probes_remaining--;
  if (self->probes_remaining == 0 && !g_cancellable_is_cancelled (source_cancellable))
    guess_done (self);
  kabar_discovery_op_end (self);
}

static void
on_greeting_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *end;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      probe_end (probe, FALSE);
      return;
    }
  g_byte_array_append (probe->greeting, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  end = memchr (probe->greeting->data, '\n', probe->greeting->len);
  if (end == NULL && probe->greeting->len < GREETING_MAX)
    {
      g_input_stream_read_bytes_async (g_io_stream_get_input_stream (G_IO_STREAM (probe->connection)),
                                       GREETING_MAX - probe->greeting->len, G_PRIORITY_DEFAULT,
                                       probe->cancellable, on_greeting_read, probe);
      return;
    }
  {
    gsize length = end != NULL ? (gsize) (end - (const char *) probe->greeting->data)
                               : probe->greeting->len;
    g_autofree char *line = g_strndup ((const char *) probe->greeting->data, length);

    g_strchomp (line);
    g_debug ("discovery: %s:%u says %s", probe->host, probe->guess->port, line);
    probe_end (probe, is_greeting (probe->guess->kind, line));
  }
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;

  probe->connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result,
                                                              &error);
  if (probe->connection == NULL)
    {
      g_debug ("discovery: %s:%u: %s", probe->host, probe->guess->port, error->message);
      probe_end (probe, FALSE);
      return;
    }
  probe->greeting = g_byte_array_new ();
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (G_IO_STREAM (probe->connection)),
                                   GREETING_MAX, G_PRIORITY_DEFAULT, probe->cancellable,
                                   on_greeting_read, probe);
}

/* A probe sends nothing, no password least of all: whether the server's
 * certificate is to be trusted is the account check's question, asked
 * with the user. Here it only has to speak TLS. */
static gboolean
on_accept_certificate (GTlsConnection       *connection,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return TRUE;
}

static void
on_client_event (GSocketClient      *client,
                 GSocketClientEvent  event,
                 GSocketConnectable *connectable,
                 GIOStream          *connection,
                 gpointer            user_data)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_signal_connect (connection, "accept-certificate", G_CALLBACK (on_accept_certificate), NULL);
}

static gboolean
on_probe_timeout (gpointer user_data)
{
  Probe *probe = user_data;

  g_clear_pointer (&probe->timer, g_source_unref);
  g_cancellable_cancel (probe->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_source_cancelled (GCancellable *source_cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

static guint
probe_timeout_ms (KabarDiscovery *self)
{
  return MAX (MIN (self->timeout_ms / 2, PROBE_TIMEOUT_MAX_MS), 1);
}

static void
start_probe (KabarDiscovery *self,
             GSocketClient  *client,
             const Guess    *guess)
{
  Probe *probe = g_new0 (Probe, 1);

  probe->self = self;
  probe->guess = guess;
  probe->host = g_strdup_printf ("%s.%s", guess->prefix, self->domain);
  probe->cancellable = g_cancellable_new ();
  g_ptr_array_add (self->probes, probe);
  self->probes_remaining++;
  kabar_discovery_op_begin (self);

  probe->cancelled_id = g_cancellable_connect (self->cancellables[KABAR_DISCOVERY_SOURCE_GUESS],
                                               G_CALLBACK (on_source_cancelled),
                                               probe->cancellable, NULL);
  probe->timer = g_timeout_source_new (probe_timeout_ms (self));
  g_source_set_callback (probe->timer, on_probe_timeout, probe, NULL);
  g_source_attach (probe->timer, g_main_context_get_thread_default ());
  g_socket_client_connect_to_host_async (client, probe->host, guess->port, probe->cancellable,
                                         on_connected, probe);
}

void
kabar_discovery_start_guess (KabarDiscovery *self)
{
  g_autoptr(GSocketClient) tls_client = g_socket_client_new ();
  g_autoptr(GSocketClient) plain_client = g_socket_client_new ();

  g_socket_client_set_tls (tls_client, TRUE);
  g_signal_connect (tls_client, "event", G_CALLBACK (on_client_event), NULL);
  self->probes = g_ptr_array_new_with_free_func ((GDestroyNotify) probe_free);
  self->probes_remaining = 0;
  for (guint i = 0; i < G_N_ELEMENTS (guesses); i++)
    start_probe (self,
                 guesses[i].security == KABAR_SECURITY_IMPLICIT_TLS ? tls_client : plain_client,
                 &guesses[i]);
}
