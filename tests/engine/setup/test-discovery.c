/* test-discovery.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Finding a provider's settings, with every source served on this
 * machine: an https server on a random 127.x.y.z:443 for autoconfig (its
 * names given by the fake resolver, its certificate trusted through the
 * discovery's TLS database), an ISPDB on plain http 127.0.0.1, SRV and MX
 * records from the fake resolver, and greeting listeners for the guesses.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "kabar-discovery.h"
#include "kabar-fake-resolver.h"
#include "kabar-test-wait.h"

/* The names the https server's certificate is for. */
static const char * const https_names[] = {
  "autoconfig.example.test", "wellknown.test", "autoconfig.prio.test", "autoconfig.slow.test",
  "autoconfig.custom365.test", "autoconfig.cancel.test", NULL,
};

static GTlsCertificate *https_certificate;
static GTlsDatabase *https_trust;
static char *data_dir;

/* --- the servers ------------------------------------------------------------- */

typedef struct
{
  SoupServer *server;
  char       *address;        /* 127.x.y.z, for the https one */
  char       *base_url;       /* http://127.0.0.1:PORT/, for the ISPDB */
  GHashTable *files;          /* path -> file name in tests/data/autoconfig */
  GHashTable *queries;        /* path -> query of the last request */
  GPtrArray  *stalled;        /* messages never answered */
} WebServer;

static void
on_request (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  WebServer *web = user_data;
  const char *name = g_hash_table_lookup (web->files, path);
  GUri *uri = soup_server_message_get_uri (message);
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  gsize size;

  g_hash_table_insert (web->queries, g_strdup (path), g_strdup (g_uri_get_query (uri)));
  if (g_strcmp0 (name, "stall") == 0)
    {
      /* A server that takes the request and never answers. */
      soup_server_message_pause (message);
      g_ptr_array_add (web->stalled, g_object_ref (message));
      return;
    }
  if (name == NULL)
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  file = g_build_filename (data_dir, name, NULL);
  g_assert_true (g_file_get_contents (file, &contents, &size, NULL));
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/xml", SOUP_MEMORY_COPY, contents, size);
}

static WebServer *
web_server_new (void)
{
  WebServer *web = g_new0 (WebServer, 1);

  web->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  web->queries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  web->stalled = g_ptr_array_new_with_free_func (g_object_unref);
  return web;
}

static char *
random_loopback_address (void)
{
  return g_strdup_printf ("127.%d.%d.%d", g_random_int_range (10, 250),
                          g_random_int_range (0, 256), g_random_int_range (1, 255));
}

static WebServer *
https_server_new (void)
{
  WebServer *web = web_server_new ();

  web->server = soup_server_new ("tls-certificate", https_certificate, NULL);
  soup_server_add_handler (web->server, NULL, on_request, web, NULL);
  for (int attempt = 0; ; attempt++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocketAddress) address = NULL;

      g_free (web->address);
      web->address = random_loopback_address ();
      address = g_inet_socket_address_new_from_string (web->address, 443);
      if (soup_server_listen (web->server, address, SOUP_SERVER_LISTEN_HTTPS, &error))
        break;
      g_assert_cmpint (attempt, <, 20);
    }
  return web;
}

static WebServer *
ispdb_server_new (void)
{
  WebServer *web = web_server_new ();
  g_autoptr(GError) error = NULL;
  GSList *uris;

  web->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (web->server, NULL, on_request, web, NULL);
  g_assert_true (soup_server_listen_local (web->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (web->server);
  web->base_url = g_strdup_printf ("http://127.0.0.1:%d/v1.1/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return web;
}

static void
web_server_free (WebServer *web)
{
  /* Answer what stalled, so the server can let the messages go. */
  for (guint i = 0; i < web->stalled->len; i++)
    {
      soup_server_message_set_status (web->stalled->pdata[i], SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      soup_server_message_unpause (web->stalled->pdata[i]);
    }
  soup_server_disconnect (web->server);
  g_ptr_array_unref (web->stalled);
  g_object_unref (web->server);
  g_hash_table_unref (web->files);
  g_hash_table_unref (web->queries);
  g_free (web->address);
  g_free (web->base_url);
  g_free (web);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WebServer, web_server_free)

static void
serve (WebServer  *web,
       const char *path,
       const char *file)
{
  g_hash_table_insert (web->files, g_strdup (path), g_strdup (file));
}

/* Listeners for the guesses: on accept, a TLS handshake when asked, then
 * a greeting, then waiting for the client to go. */
typedef struct
{
  GSocketService *service;
  char           *greeting;
  gboolean        tls;
} Listener;

static gboolean
on_listener_run (GThreadedSocketService *service,
                 GSocketConnection      *connection,
                 GObject                *source_object,
                 gpointer                user_data)
{
  Listener *listener = user_data;
  g_autoptr(GIOStream) stream = g_object_ref (G_IO_STREAM (connection));
  char buffer[64];

  if (listener->tls)
    {
      g_autoptr(GIOStream) tls = g_tls_server_connection_new (stream, https_certificate, NULL);

      if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
        return TRUE;
      g_set_object (&stream, tls);
    }
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), listener->greeting,
                             strlen (listener->greeting), NULL, NULL, NULL);
  while (g_input_stream_read (g_io_stream_get_input_stream (stream), buffer, sizeof buffer,
                              NULL, NULL) > 0)
    ;
  return TRUE;
}

static Listener *
listener_new (const char *address,
              guint16     port,
              gboolean    tls,
              const char *greeting)
{
  Listener *listener = g_new0 (Listener, 1);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new_from_string (address, port);
  g_autoptr(GError) error = NULL;

  listener->greeting = g_strdup (greeting);
  listener->tls = tls;
  listener->service = g_threaded_socket_service_new (4);
  g_signal_connect (listener->service, "run", G_CALLBACK (on_listener_run), listener);
  g_socket_listener_add_address (G_SOCKET_LISTENER (listener->service), socket_address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_socket_service_start (listener->service);
  return listener;
}

static void
listener_free (Listener *listener)
{
  g_socket_service_stop (listener->service);
  g_socket_listener_close (G_SOCKET_LISTENER (listener->service));
  g_object_unref (listener->service);
  g_free (listener->greeting);
  g_free (listener);
}

/* --- running a discovery ----------------------------------------------------- */

typedef struct
{
  KabarFakeResolver *resolver;
  GResolver         *saved;
  WebServer         *https;
  WebServer         *ispdb;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->saved = g_resolver_get_default ();
  fixture->resolver = kabar_fake_resolver_new ();
  g_resolver_set_default (G_RESOLVER (fixture->resolver));
  fixture->https = https_server_new ();
  fixture->ispdb = ispdb_server_new ();
  for (guint i = 0; https_names[i] != NULL; i++)
    kabar_fake_resolver_add (fixture->resolver, https_names[i], fixture->https->address);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_resolver_set_default (fixture->saved);
  g_object_unref (fixture->saved);
  g_object_unref (fixture->resolver);
  web_server_free (fixture->https);
  web_server_free (fixture->ispdb);
}

typedef struct
{
  GArray *sources;
  GArray *states;
} Steps;

static void
on_step_changed (KabarDiscovery          *discovery,
                 KabarDiscoverySource     source,
                 KabarDiscoveryStepState  state,
                 Steps                   *steps)
{
  g_array_append_val (steps->sources, source);
  g_array_append_val (steps->states, state);
}

static KabarDiscovery *
discovery_new (Fixture    *fixture,
               const char *address)
{
  KabarDiscovery *discovery = kabar_discovery_new (address);

  kabar_discovery_set_tls_database (discovery, https_trust);
  kabar_discovery_set_ispdb_url (discovery, fixture->ispdb->base_url);
  kabar_discovery_set_timeout (discovery, 3000);
  return discovery;
}

/* Runs it, and checks that the signals told the same story as the
 * states: every source ends where get_step_state says. */
static KabarDiscoveryResult *
run (KabarDiscovery  *discovery,
     GCancellable    *cancellable,
     GError         **error)
{
  Steps steps = { g_array_new (FALSE, FALSE, sizeof (int)), g_array_new (FALSE, FALSE, sizeof (int)) };
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  KabarDiscoveryResult *found;
  gulong id;

  id = g_signal_connect (discovery, "step-changed", G_CALLBACK (on_step_changed), &steps);
  kabar_discovery_run_async (discovery, cancellable, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  found = kabar_discovery_run_finish (discovery, result, error);
  g_signal_handler_disconnect (discovery, id);

  for (int source = 0; source < KABAR_DISCOVERY_N_SOURCES; source++)
    {
      int last = KABAR_DISCOVERY_STEP_WAITING;

      for (guint i = 0; i < steps.sources->len; i++)
        if (g_array_index (steps.sources, int, i) == source)
          last = g_array_index (steps.states, int, i);
      g_assert_cmpint (last, ==, kabar_discovery_get_step_state (discovery, source));
    }
  g_array_unref (steps.sources);
  g_array_unref (steps.states);
  return found;
}

static void
assert_server (KabarServerSettings *server,
               const char          *host,
               guint16              port,
               KabarSecurity        security,
               const char          *user_name,
               KabarAuthMethod      auth)
{
  g_assert_nonnull (server);
  g_assert_cmpstr (server->host, ==, host);
  g_assert_cmpuint (server->port, ==, port);
  g_assert_cmpint (server->security, ==, security);
  g_assert_cmpstr (server->user_name, ==, user_name);
  g_assert_cmpint (server->auth, ==, auth);
}

static guint
count_foreign (KabarDiscoveryResult *result)
{
  return g_strv_length ((GStrv) kabar_discovery_result_get_foreign_hosts (result));
}

/* --- built-in ---------------------------------------------------------------- */

/* The consumer domains outlook.md names, in every spelling a user types. */
static const char * const outlook_addresses[] = {
  "someone@outlook.com", "someone@hotmail.com", "someone@live.com", "someone@msn.com",
  "someone@windowslive.com", "someone@livemail.tw", "someone@outlook.co.id",
  "someone@hotmail.co.in", "someone@live.in", "someone@outlook.in", "someone@hotmail.co.uk",
  "someone@outlook.de", "someone@live.com.au", "Someone@Outlook.COM", NULL,
};

static void
test_built_in_outlook (Fixture       *fixture,
                       gconstpointer  data)
{
  for (guint i = 0; outlook_addresses[i] != NULL; i++)
    {
      const char *address = outlook_addresses[i];
      g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, address);
      g_autoptr(KabarDiscoveryResult) result = NULL;
      g_autoptr(KabarAccount) account = kabar_account_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", address);
      g_assert_true (kabar_provider_is_microsoft_consumer_domain (strchr (address, '@') + 1));
      result = run (discovery, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (kabar_discovery_result_get_source (result), ==, KABAR_DISCOVERY_SOURCE_BUILT_IN);
      g_assert_cmpstr (kabar_discovery_result_get_provider_name (result), ==, "Outlook.com");
      g_assert_true (kabar_discovery_result_is_microsoft (result));
      g_assert_cmpstr (kabar_discovery_result_get_oauth2_tenant (result), ==, "consumers");
      g_assert_cmpuint (count_foreign (result), ==, 0);
      assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_IMAP),
                     "outlook.office365.com", 993, KABAR_SECURITY_IMPLICIT_TLS, address, KABAR_AUTH_OAUTH2);
      assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_POP3),
                     "outlook.office365.com", 995, KABAR_SECURITY_IMPLICIT_TLS, address, KABAR_AUTH_OAUTH2);
      assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_SMTP),
                     "smtp-mail.outlook.com", 587, KABAR_SECURITY_STARTTLS, address, KABAR_AUTH_OAUTH2);
      for (int source = KABAR_DISCOVERY_SOURCE_AUTOCONFIG; source < KABAR_DISCOVERY_N_SOURCES; source++)
        g_assert_cmpint (kabar_discovery_get_step_state (discovery, source), ==, KABAR_DISCOVERY_STEP_SKIPPED);

      kabar_account_set_address (account, address);
      g_assert_true (kabar_discovery_result_apply (result, account, KABAR_INCOMING_POP3));
      g_assert_cmpint (kabar_account_get_incoming_kind (account), ==, KABAR_INCOMING_POP3);
      g_assert_cmpstr (kabar_account_get_host (account, KABAR_SERVER_INCOMING), ==, "outlook.office365.com");
      g_assert_cmpuint (kabar_account_get_port (account, KABAR_SERVER_INCOMING), ==, 995);
      g_assert_cmpstr (kabar_account_get_host (account, KABAR_SERVER_OUTGOING), ==, "smtp-mail.outlook.com");
      g_assert_cmpint (kabar_account_get_auth_method (account), ==, KABAR_AUTH_OAUTH2);
      g_assert_cmpstr (kabar_account_get_oauth2_tenant (account), ==, "consumers");
      g_assert_true (kabar_account_get_server_files_sent (account));
      g_assert_false (kabar_discovery_result_apply (result, account, KABAR_INCOMING_GRAPH));
    }
  /* Not a single question went to the network. */
  g_assert_cmpuint (kabar_fake_resolver_count_lookups (fixture->resolver, "autoconfig.outlook.com"), ==, 0);
  g_assert_cmpuint (kabar_fake_resolver_count_lookups (fixture->resolver, "outlook.com"), ==, 0);
  g_assert_cmpuint (kabar_fake_resolver_count_lookups (fixture->resolver, "_imaps._tcp.outlook.com"), ==, 0);
  g_assert_cmpuint (g_hash_table_size (fixture->ispdb->queries), ==, 0);
}

static void
test_consumer_domains (void)
{
  const char * const others[] = { "example.com", "notoutlook.com", "outlook.example", "outlook",
                                  "mail.outlook.com", "office365.com", "", NULL };

  for (guint i = 0; outlook_addresses[i] != NULL; i++)
    g_assert_true (kabar_provider_is_microsoft_consumer_domain (strchr (outlook_addresses[i], '@') + 1));
  for (guint i = 0; others[i] != NULL; i++)
    g_assert_false (kabar_provider_is_microsoft_consumer_domain (others[i]));
}

/* --- autoconfig ---------------------------------------------------------------- */

static void
test_autoconfig (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "jo.doe+x@example.test");
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  serve (fixture->https, "/mail/config-v1.1.xml", "example.xml");
  result = run (discovery, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_discovery_result_get_source (result), ==, KABAR_DISCOVERY_SOURCE_AUTOCONFIG);
  g_assert_cmpstr (kabar_discovery_result_get_provider_name (result), ==, "Example Mail");
  g_assert_false (kabar_discovery_result_is_microsoft (result));
  g_assert_null (kabar_discovery_result_get_oauth2_tenant (result));
  assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_IMAP),
                 "imap.example.test", 993, KABAR_SECURITY_IMPLICIT_TLS, "jo.doe+x", KABAR_AUTH_PASSWORD);
  assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_SMTP),
                 "mail.provider.test", 465, KABAR_SECURITY_IMPLICIT_TLS, "jo.doe+x@example.test",
                 KABAR_AUTH_PASSWORD);
  /* The provider's own https file vouches for a host outside its domain. */
  g_assert_cmpuint (count_foreign (result), ==, 0);
  /* The address went along, as the format asks. */
  g_assert_cmpstr (g_hash_table_lookup (fixture->https->queries, "/mail/config-v1.1.xml"), ==,
                   "emailaddress=jo.doe%2Bx%40example.test");
}

static void
test_autoconfig_well_known (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "jo@wellknown.test");
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* No autoconfig.wellknown.test: the domain's own .well-known answers. */
  serve (fixture->https, "/.well-known/autoconfig/mail/config-v1.1.xml", "example.xml");
  result = run (discovery, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_discovery_result_get_source (result), ==, KABAR_DISCOVERY_SOURCE_AUTOCONFIG);
  g_assert_cmpuint (kabar_fake_resolver_count_lookups (fixture->resolver, "autoconfig.wellknown.test"), >, 0);
  g_assert_nonnull (g_hash_table_lookup (fixture->https->queries,
                                         "/.well-known/autoconfig/mail/config-v1.1.xml"));
}

/* A certificate the system does not trust: the file is not taken, and
 * nothing else vouches for this domain. */
static void
test_autoconfig_untrusted (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(KabarDiscovery) discovery = kabar_discovery_new ("jo@example.test");
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  serve (fixture->https, "/mail/config-v1.1.xml", "example.xml");
  kabar_discovery_set_timeout (discovery, 3000);
  result = run (discovery, NULL, &error);
  g_assert_error (error, KABAR_DISCOVERY_ERROR, KABAR_DISCOVERY_ERROR_NOT_FOUND);
  g_assert_null (result);
  g_assert_cmpint (kabar_discovery_get_step_state (discovery, KABAR_DISCOVERY_SOURCE_AUTOCONFIG), ==,
                   KABAR_DISCOVERY_STEP_NOT_FOUND);
  g_assert_cmpint (kabar_discovery_get_step_state (discovery, KABAR_DISCOVERY_SOURCE_ISPDB), ==,
                   KABAR_DISCOVERY_STEP_SKIPPED);
}

/* Outlook.com's real entry, served for a Microsoft 365 business domain. */
static void
test_autoconfig_microsoft_shape (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "boss@custom365.test");
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  serve (fixture->https, "/mail/config-v1.1.xml", "outlook.xml");
  result = run (discovery, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_discovery_result_get_source (result), ==, KABAR_DISCOVERY_SOURCE_AUTOCONFIG);
  g_assert_true (kabar_discovery_result_is_microsoft (result));
  g_assert_cmpstr (kabar_discovery_result_get_oauth2_tenant (result), ==, "common");
  g_assert_cmpuint (kabar_discovery_result_get_incoming (result)->len, ==, 2);
  assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_IMAP),
                 "outlook.office365.com", 993, KABAR_SECURITY_IMPLICIT_TLS, "boss@custom365.test",
                 KABAR_AUTH_OAUTH2);
  assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_SMTP),
                 "smtp.office365.com", 587, KABAR_SECURITY_STARTTLS, "boss@custom365.test",
                 KABAR_AUTH_OAUTH2);
}

/* --- ISPDB ------------------------------------------------------------------- */

static void
test_ispdb (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "jo@ispdb.test");
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  serve (fixture->ispdb, "/v1.1/ispdb.test", "example.xml");
  result = run (discovery, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_discovery_result_get_source (result), ==, KABAR_DISCOVERY_SOURCE_ISPDB);
  g_assert_cmpint (kabar_discovery_get_step_state (discovery, KABAR_DISCOVERY_SOURCE_AUTOCONFIG), ==,
                   KABAR_DISCOVERY_STEP_NOT_FOUND);
  assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_POP3),
                 "pop.ispdb.test", 995, KABAR_SECURITY_IMPLICIT_TLS, "jo@ispdb.test", KABAR_AUTH_PASSWORD);
  g_assert_cmpuint (count_foreign (result), ==, 0);
}

static void
test_ispdb_off (Fixture       *fixture,
                gconstpointer  data)
{
  const char *urls[] = { NULL, "", "http://ispdb.example.org/v1.1/" };

  serve (fixture->ispdb, "/v1.1/ispdb.test", "example.xml");
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "jo@ispdb.test");
      g_autoptr(GError) error = NULL;
      g_autoptr(KabarDiscoveryResult) result = NULL;

      kabar_discovery_set_ispdb_url (discovery, urls[i]);
      result = run (discovery, NULL, &error);
      g_assert_error (error, KABAR_DISCOVERY_ERROR, KABAR_DISCOVERY_ERROR_NOT_FOUND);
      /* Plain http to another machine is refused, not asked. */
      g_assert_cmpint (kabar_discovery_get_step_state (discovery, KABAR_DISCOVERY_SOURCE_ISPDB), ==,
                       i < 2 ? KABAR_DISCOVERY_STEP_SKIPPED : KABAR_DISCOVERY_STEP_NOT_FOUND);
    }
  g_assert_cmpuint (kabar_fake_resolver_count_lookups (fixture->resolver, "ispdb.example.org"), ==, 0);
}

/* --- SRV ----------------------------------------------------------------------- */

static void
test_srv (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "jo@srv.test");
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *foreign;

  /* Added backup first: the priority, not the order, decides. */
  kabar_fake_resolver_add_srv (fixture->resolver, "_imaps._tcp.srv.test", "backup.srv.test", 993, 20, 0);
  kabar_fake_resolver_add_srv (fixture->resolver, "_imaps._tcp.srv.test", "imap.srv.test.", 9993, 10, 0);
  kabar_fake_resolver_add_srv (fixture->resolver, "_imap._tcp.srv.test", ".", 0, 0, 0);
  kabar_fake_resolver_add_srv (fixture->resolver, "_pop3s._tcp.srv.test", "pop.hosting.test", 995, 0, 0);
  kabar_fake_resolver_add_srv (fixture->resolver, "_submission._tcp.srv.test", "smtp.srv.test", 587, 0, 0);
  result = run (discovery, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_discovery_result_get_source (result), ==, KABAR_DISCOVERY_SOURCE_SRV);
  assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_IMAP),
                 "imap.srv.test", 9993, KABAR_SECURITY_IMPLICIT_TLS, "jo@srv.test", KABAR_AUTH_PASSWORD);
  /* "." offers nothing: IMAP is the two imaps targets only. */
  g_assert_cmpuint (kabar_discovery_result_get_incoming (result)->len, ==, 3);
  assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_SMTP),
                 "smtp.srv.test", 587, KABAR_SECURITY_STARTTLS, "jo@srv.test", KABAR_AUTH_PASSWORD);
  /* DNS cannot vouch for a host elsewhere: the user confirms it. */
  foreign = kabar_discovery_result_get_foreign_hosts (result);
  g_assert_cmpuint (g_strv_length ((GStrv) foreign), ==, 1);
  g_assert_cmpstr (foreign[0], ==, "pop.hosting.test");
  /* Sources below the winner were stopped, not waited for. */
  g_assert_cmpint (kabar_discovery_get_step_state (discovery, KABAR_DISCOVERY_SOURCE_MX), !=,
                   KABAR_DISCOVERY_STEP_RUNNING);
}

/* Incoming without outgoing is not an answer. */
static void
test_srv_incomplete (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "jo@halfsrv.test");
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kabar_fake_resolver_add_srv (fixture->resolver, "_imaps._tcp.halfsrv.test", "imap.halfsrv.test", 993, 0, 0);
  kabar_fake_resolver_add_srv (fixture->resolver, "_submissions._tcp.halfsrv.test", ".", 0, 0, 0);
  result = run (discovery, NULL, &error);
  g_assert_error (error, KABAR_DISCOVERY_ERROR, KABAR_DISCOVERY_ERROR_NOT_FOUND);
  g_assert_cmpint (kabar_discovery_get_step_state (discovery, KABAR_DISCOVERY_SOURCE_SRV), ==,
                   KABAR_DISCOVERY_STEP_NOT_FOUND);
}

/* --- MX ------------------------------------------------------------------------ */

static void
test_mx (Fixture       *fixture,
         gconstpointer  data)
{
  struct { const char *address, *exchange, *name, *tenant, *smtp; } cases[] = {
    { "me@family.test", "family-test.olc.protection.outlook.com", "Outlook.com", "consumers",
      "smtp-mail.outlook.com" },
    { "me@business.test", "business-test.mail.protection.outlook.com", "Microsoft 365", "common",
      "smtp.office365.com" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, cases[i].address);
      g_autoptr(KabarDiscoveryResult) result = NULL;
      g_autoptr(GError) error = NULL;
      const char *domain = strchr (cases[i].address, '@') + 1;

      /* The preferred exchanger is unknown; the next one is Microsoft's. */
      kabar_fake_resolver_add_mx (fixture->resolver, domain, cases[i].exchange, 20);
      kabar_fake_resolver_add_mx (fixture->resolver, domain, "filter.spam.test", 10);
      result = run (discovery, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (kabar_discovery_result_get_source (result), ==, KABAR_DISCOVERY_SOURCE_MX);
      g_assert_cmpstr (kabar_discovery_result_get_provider_name (result), ==, cases[i].name);
      g_assert_true (kabar_discovery_result_is_microsoft (result));
      g_assert_cmpstr (kabar_discovery_result_get_oauth2_tenant (result), ==, cases[i].tenant);
      assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_IMAP),
                     "outlook.office365.com", 993, KABAR_SECURITY_IMPLICIT_TLS, cases[i].address,
                     KABAR_AUTH_OAUTH2);
      assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_SMTP),
                     cases[i].smtp, 587, KABAR_SECURITY_STARTTLS, cases[i].address, KABAR_AUTH_OAUTH2);
      g_assert_true (g_strv_contains (kabar_discovery_result_get_foreign_hosts (result),
                                      "outlook.office365.com"));
      g_assert_true (g_strv_contains (kabar_discovery_result_get_foreign_hosts (result), cases[i].smtp));
    }
}

/* --- guesses ------------------------------------------------------------------ */

static void
test_guess (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "jo@guess.test");
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = random_loopback_address ();
  g_autofree char *plain_address = random_loopback_address ();
  Listener *listeners[4];

  kabar_fake_resolver_add (fixture->resolver, "imap.guess.test", address);
  kabar_fake_resolver_add (fixture->resolver, "smtp.guess.test", address);
  kabar_fake_resolver_add (fixture->resolver, "mail.guess.test", plain_address);
  listeners[0] = listener_new (address, 993, TRUE, "* OK [CAPABILITY IMAP4rev1] ready\r\n");
  listeners[1] = listener_new (address, 143, FALSE, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
  listeners[2] = listener_new (address, 587, FALSE, "220 smtp.guess.test ESMTP\r\n");
  /* Speaks, but not IMAP: not taken. */
  listeners[3] = listener_new (plain_address, 993, TRUE, "HTTP/1.0 400 Bad Request\r\n");

  result = run (discovery, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_discovery_result_get_source (result), ==, KABAR_DISCOVERY_SOURCE_GUESS);
  g_assert_cmpuint (kabar_discovery_result_get_incoming (result)->len, ==, 2);
  assert_server (g_ptr_array_index (kabar_discovery_result_get_incoming (result), 0),
                 "imap.guess.test", 993, KABAR_SECURITY_IMPLICIT_TLS, "jo@guess.test", KABAR_AUTH_PASSWORD);
  assert_server (g_ptr_array_index (kabar_discovery_result_get_incoming (result), 1),
                 "imap.guess.test", 143, KABAR_SECURITY_STARTTLS, "jo@guess.test", KABAR_AUTH_PASSWORD);
  g_assert_cmpuint (kabar_discovery_result_get_outgoing (result)->len, ==, 1);
  assert_server (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_SMTP),
                 "smtp.guess.test", 587, KABAR_SECURITY_STARTTLS, "jo@guess.test", KABAR_AUTH_PASSWORD);
  g_assert_null (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_POP3));
  g_assert_cmpuint (count_foreign (result), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (listeners); i++)
    listener_free (listeners[i]);
}

/* --- priority, timeouts, cancellation ------------------------------------------ */

/* Every source has an answer: the most authoritative one wins. */
static void
test_priority (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "jo@prio.test");
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  serve (fixture->https, "/mail/config-v1.1.xml", "example.xml");
  serve (fixture->ispdb, "/v1.1/prio.test", "outlook.xml");
  kabar_fake_resolver_add_srv (fixture->resolver, "_imaps._tcp.prio.test", "srv.prio.test", 993, 0, 0);
  kabar_fake_resolver_add_srv (fixture->resolver, "_submissions._tcp.prio.test", "srv.prio.test", 465, 0, 0);
  kabar_fake_resolver_add_mx (fixture->resolver, "prio.test", "prio-test.mail.protection.outlook.com", 0);
  result = run (discovery, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_discovery_result_get_source (result), ==, KABAR_DISCOVERY_SOURCE_AUTOCONFIG);
  g_assert_cmpstr (kabar_discovery_result_get_best (result, KABAR_SERVER_KIND_IMAP)->host, ==,
                   "imap.example.test");
  /* The others answered too, or were stopped before they could; the
   * guesses have nothing to find here. */
  for (int source = KABAR_DISCOVERY_SOURCE_ISPDB; source < KABAR_DISCOVERY_N_SOURCES; source++)
    {
      KabarDiscoveryStepState state = kabar_discovery_get_step_state (discovery, source);

      g_test_message ("source %d: state %d", source, state);
      if (source == KABAR_DISCOVERY_SOURCE_GUESS)
        g_assert_true (state == KABAR_DISCOVERY_STEP_NOT_FOUND || state == KABAR_DISCOVERY_STEP_SKIPPED);
      else
        g_assert_true (state == KABAR_DISCOVERY_STEP_FOUND || state == KABAR_DISCOVERY_STEP_SKIPPED);
    }
}

/* SRV answers at once, but autoconfig's server never does: the SRV answer
 * waits for autoconfig's timeout, then wins. */
static void
test_slow_source_times_out (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "jo@slow.test");
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  serve (fixture->https, "/mail/config-v1.1.xml", "stall");
  kabar_fake_resolver_add_srv (fixture->resolver, "_imaps._tcp.slow.test", "imap.slow.test", 993, 0, 0);
  kabar_fake_resolver_add_srv (fixture->resolver, "_submissions._tcp.slow.test", "smtp.slow.test", 465, 0, 0);
  kabar_discovery_set_timeout (discovery, 1500);
  result = run (discovery, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kabar_discovery_result_get_source (result), ==, KABAR_DISCOVERY_SOURCE_SRV);
  g_assert_cmpint (kabar_discovery_get_step_state (discovery, KABAR_DISCOVERY_SOURCE_AUTOCONFIG), ==,
                   KABAR_DISCOVERY_STEP_TIMED_OUT);
  g_assert_cmpuint (fixture->https->stalled->len, ==, 1);
}

/* A DNS server that is down for this domain: every network source times
 * out and nothing is found. */
static void
test_silent_dns (Fixture       *fixture,
                 gconstpointer  data)
{
  const char * const names[] = {
    "autoconfig.silent.test", "silent.test", "_imaps._tcp.silent.test", "_imap._tcp.silent.test",
    "_pop3s._tcp.silent.test", "_pop3._tcp.silent.test", "_submissions._tcp.silent.test",
    "_submission._tcp.silent.test", "imap.silent.test", "mail.silent.test", "pop.silent.test",
    "smtp.silent.test",
  };
  g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "jo@silent.test");
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    kabar_fake_resolver_add_silent (fixture->resolver, names[i]);
  kabar_discovery_set_timeout (discovery, 1000);
  result = run (discovery, NULL, &error);
  g_assert_error (error, KABAR_DISCOVERY_ERROR, KABAR_DISCOVERY_ERROR_NOT_FOUND);
  g_assert_null (result);
  g_assert_cmpint (kabar_discovery_get_step_state (discovery, KABAR_DISCOVERY_SOURCE_BUILT_IN), ==,
                   KABAR_DISCOVERY_STEP_NOT_FOUND);
  g_assert_cmpint (kabar_discovery_get_step_state (discovery, KABAR_DISCOVERY_SOURCE_ISPDB), ==,
                   KABAR_DISCOVERY_STEP_NOT_FOUND);
  for (int source = KABAR_DISCOVERY_SOURCE_SRV; source < KABAR_DISCOVERY_N_SOURCES; source++)
    if (source != KABAR_DISCOVERY_SOURCE_GUESS)
      g_assert_cmpint (kabar_discovery_get_step_state (discovery, source), ==, KABAR_DISCOVERY_STEP_TIMED_OUT);
  g_assert_cmpint (kabar_discovery_get_step_state (discovery, KABAR_DISCOVERY_SOURCE_AUTOCONFIG), ==,
                   KABAR_DISCOVERY_STEP_TIMED_OUT);
  /* Each probe gives up on its own, before the source's time is out. */
  g_assert_cmpint (kabar_discovery_get_step_state (discovery, KABAR_DISCOVERY_SOURCE_GUESS), ==,
                   KABAR_DISCOVERY_STEP_NOT_FOUND);
}

static void
on_step_cancel (KabarDiscovery          *discovery,
                KabarDiscoverySource     source,
                KabarDiscoveryStepState  state,
                GCancellable            *cancellable)
{
  /* The first source done, with the others still asking: cancel then. */
  if (source == KABAR_DISCOVERY_SOURCE_ISPDB && state == KABAR_DISCOVERY_STEP_NOT_FOUND)
    g_cancellable_cancel (cancellable);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(KabarDiscovery) discovery = discovery_new (fixture, "jo@cancel.test");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(KabarDiscoveryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  serve (fixture->https, "/mail/config-v1.1.xml", "stall");
  kabar_fake_resolver_add_silent (fixture->resolver, "_imaps._tcp.cancel.test");
  kabar_fake_resolver_add_silent (fixture->resolver, "cancel.test");
  /* Long enough that only the cancel can end it. */
  kabar_discovery_set_timeout (discovery, 60000);
  g_signal_connect (discovery, "step-changed", G_CALLBACK (on_step_cancel), cancellable);
  result = run (discovery, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpuint (kabar_fake_resolver_count_lookups (fixture->resolver, "_imaps._tcp.cancel.test"), ==, 1);
}

/* --- main ---------------------------------------------------------------------- */

static char *
make_certificate (char **cert_path)
{
  g_autofree char *dir = g_dir_make_tmp ("kabar-discovery-XXXXXX", NULL);
  g_autofree char *key_path = g_build_filename (dir, "key.pem", NULL);
  g_autoptr(GString) names = g_string_new ("subjectAltName=");
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_nonnull (dir);
  *cert_path = g_build_filename (dir, "cert.pem", NULL);
  for (guint i = 0; https_names[i] != NULL; i++)
    g_string_append_printf (names, "%sDNS:%s", i > 0 ? "," : "", https_names[i]);
  {
    const char *argv[] = {
      "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-days", "2", "-subj", "/CN=Kabar discovery test", "-addext", names->str,
      "-keyout", key_path, "-out", *cert_path, NULL,
    };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  https_certificate = g_tls_certificate_new_from_files (*cert_path, key_path, &error);
  g_assert_no_error (error);
  https_trust = g_tls_file_database_new (*cert_path, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&dir);
}

static void
remove_certificate (const char *dir,
                    const char *cert_path)
{
  g_autofree char *key_path = g_build_filename (dir, "key.pem", NULL);

  g_unlink (cert_path);
  g_unlink (key_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cert_path = NULL;
  g_autofree char *dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  data_dir = g_test_build_filename (G_TEST_DIST, "data", "autoconfig", NULL);
  dir = make_certificate (&cert_path);

#define ADD(path, func) \
  g_test_add ("/discovery/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("built-in/outlook", test_built_in_outlook);
  g_test_add_func ("/discovery/built-in/consumer-domains", test_consumer_domains);
  ADD ("autoconfig/host", test_autoconfig);
  ADD ("autoconfig/well-known", test_autoconfig_well_known);
  ADD ("autoconfig/untrusted", test_autoconfig_untrusted);
  ADD ("autoconfig/microsoft-shape", test_autoconfig_microsoft_shape);
  ADD ("ispdb/found", test_ispdb);
  ADD ("ispdb/off", test_ispdb_off);
  ADD ("srv/found", test_srv);
  ADD ("srv/incomplete", test_srv_incomplete);
  ADD ("mx/microsoft", test_mx);
  ADD ("guess/probes", test_guess);
  ADD ("priority/most-authoritative", test_priority);
  ADD ("timeout/slow-server", test_slow_source_times_out);
  ADD ("timeout/silent-dns", test_silent_dns);
  ADD ("cancel", test_cancel);
#undef ADD

  status = g_test_run ();
  remove_certificate (dir, cert_path);
  g_clear_object (&https_certificate);
  g_clear_object (&https_trust);
  g_free (data_dir);
  return status;
}
