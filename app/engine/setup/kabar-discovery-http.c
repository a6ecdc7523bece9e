/* kabar-discovery-http.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sources that fetch an autoconfig file: the provider's own (its
 * autoconfig host, then its .well-known) and the ISPDB.
 */

#include "config.h"

#include "kabar-autoconfig.h"
#include "kabar-discovery-private.h"

#define READ_CHUNK 16384

typedef struct
{
  KabarDiscovery       *self;
  KabarDiscoverySource  source;
  SoupMessage          *message;
  GInputStream         *stream;
  GByteArray           *body;
  char                 *url;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->message);
  g_clear_object (&fetch->stream);
  g_clear_pointer (&fetch->body, g_byte_array_unref);
  g_free (fetch->url);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

static SoupSession *
get_session (KabarDiscovery *self)
{
  if (self->session == NULL)
    {
      self->session = soup_session_new_with_options ("user-agent", "Kabar/" PACKAGE_VERSION,
                                                     "timeout", 0, "idle-timeout", 0, NULL);
      if (self->tls_database != NULL)
        soup_session_set_tls_database (self->session, self->tls_database);
    }
  return self->session;
}

static void fetch_next (KabarDiscovery *self, KabarDiscoverySource source);

/* This URL gave nothing usable: the source tries its next one, or is done. */
static void
fetch_failed (Fetch        *fetch,
              const GError *error)
{
  KabarDiscovery *self = fetch->self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || !kabar_discovery_source_running (self, fetch->source))
    return;
  g_debug ("discovery: %s: %s", fetch->url, error->message);
  if (fetch->source == KABAR_DISCOVERY_SOURCE_AUTOCONFIG && self->autoconfig_url == 0)
    {
      self->autoconfig_url++;
      fetch_next (self, fetch->source);
    }
  else
    kabar_discovery_source_done (self, fetch->source, NULL);
}

static void
fetch_parse (Fetch *fetch)
{
  KabarDiscovery *self = fetch->self;
  g_autoptr(KabarAutoconfig) config = NULL;
  g_autoptr(GError) error = NULL;

  config = kabar_autoconfig_parse ((const char *) fetch->body->data, fetch->body->len,
                                   self->address, &error);
  if (config == NULL)
    {
      fetch_failed (fetch, error);
      return;
    }
  kabar_discovery_source_done (self, fetch->source,
                               kabar_discovery_result_new (fetch->source, KABAR_PROVIDER_NONE,
                                                           kabar_autoconfig_get_display_name (config),
                                                           self->domain,
                                                           kabar_autoconfig_get_incoming (config),
                                                           kabar_autoconfig_get_outgoing (config)));
}

static void on_read (GObject *source, GAsyncResult *result, gpointer user_data);

static void
read_next (Fetch *fetch)
{
  kabar_discovery_op_begin (fetch->self);
  g_input_stream_read_bytes_async (fetch->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   fetch->self->cancellables[fetch->source], on_read, fetch);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  KabarDiscovery *self = fetch->self;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    fetch_failed (fetch, error);
  else if (g_bytes_get_size (bytes) == 0)
    fetch_parse (fetch);
  else if (fetch->body->len + g_bytes_get_size (bytes) > KABAR_AUTOCONFIG_MAX_SIZE)
    {
      /* Read no further than the limit, however much the server has. */
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "the file is bigger than %d bytes", KABAR_AUTOCONFIG_MAX_SIZE);
      fetch_failed (fetch, error);
    }
  else
    {
      g_byte_array_append (fetch->body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      read_next (g_steal_pointer (&fetch));
    }
  kabar_discovery_op_end (self);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  KabarDiscovery *self = fetch->self;
  g_autoptr(GError) error = NULL;
  guint status;

  fetch->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  status = soup_message_get_status (fetch->message);
  if (fetch->stream == NULL)
    fetch_failed (fetch, error);
  else if (status != SOUP_STATUS_OK)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%u %s", status,
                   soup_message_get_reason_phrase (fetch->message));
      fetch_failed (fetch, error);
    }
  else
    {
      fetch->body = g_byte_array_new ();
      read_next (g_steal_pointer (&fetch));
    }
  kabar_discovery_op_end (self);
}

static char *
dup_url (KabarDiscovery       *self,
         KabarDiscoverySource  source)
{
  g_autofree char *escaped = g_uri_escape_string (self->address, NULL, FALSE);

  if (source == KABAR_DISCOVERY_SOURCE_ISPDB)
    return g_strconcat (self->ispdb_url, self->domain, NULL);
  if (self->autoconfig_url == 0)
    return g_strdup_printf ("https://autoconfig.%s/mail/config-v1.1.xml?emailaddress=%s",
                            self->domain, escaped);
  return g_strdup_printf ("https://%s/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=%s",
                          self->domain, escaped);
}

static void
fetch_next (KabarDiscovery       *self,
            KabarDiscoverySource  source)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->self = self;
  fetch->source = source;
  fetch->url = dup_url (self, source);
  fetch->message = soup_message_new (SOUP_METHOD_GET, fetch->url);
  if (fetch->message == NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                             "not a URL");

      fetch_failed (fetch, error);
      fetch_free (fetch);
      return;
    }
  /* The file vouches for the hosts in it because of where it came from:
   * a redirect would make that somewhere else. */
  soup_message_add_flags (fetch->message, SOUP_MESSAGE_NO_REDIRECT);
  g_debug ("discovery: asking %s", fetch->url);
  kabar_discovery_op_begin (self);
  soup_session_send_async (get_session (self), fetch->message, G_PRIORITY_DEFAULT,
                           self->cancellables[source], on_sent, fetch);
}

void
kabar_discovery_start_autoconfig (KabarDiscovery *self)
{
  self->autoconfig_url = 0;
  fetch_next (self, KABAR_DISCOVERY_SOURCE_AUTOCONFIG);
}

/* https, or plain http to this machine only: the answer decides where the
 * user's password goes. */
static gboolean
is_allowed_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme, *host;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  return g_ascii_strcasecmp (scheme, "http") == 0
         && (g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0
             || g_ascii_strcasecmp (host, "localhost") == 0);
}

void
kabar_discovery_start_ispdb (KabarDiscovery *self)
{
  if (self->ispdb_url == NULL)
    {
      kabar_discovery_source_off (self, KABAR_DISCOVERY_SOURCE_ISPDB);
      return;
    }
  if (!is_allowed_url (self->ispdb_url))
    {
      g_message ("The ISPDB at %s is not asked: only https, or http on this machine, is allowed",
                 self->ispdb_url);
      kabar_discovery_source_done (self, KABAR_DISCOVERY_SOURCE_ISPDB, NULL);
      return;
    }
  fetch_next (self, KABAR_DISCOVERY_SOURCE_ISPDB);
}
