/* test-discovery-autoconfig.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The autoconfig parser on the files of tests/data/autoconfig: Outlook.com's
 * real entry shape, a small provider, and files that are broken or
 * hostile.
 */

#include "config.h"

#include "kabar-autoconfig.h"

static KabarAutoconfig *
parse_file (const char  *name,
            const char  *address,
            GError     **error)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "autoconfig", name, NULL);
  g_autofree char *data = NULL;
  gsize size;

  g_assert_true (g_file_get_contents (path, &data, &size, NULL));
  return kabar_autoconfig_parse (data, size, address, error);
}

static void
assert_server (GPtrArray       *servers,
               guint            index,
               KabarServerKind  kind,
               const char      *host,
               guint16          port,
               KabarSecurity    security,
               const char      *user_name,
               KabarAuthMethod  auth)
{
  KabarServerSettings *server;

  g_assert_cmpuint (index, <, servers->len);
  server = servers->pdata[index];
  g_assert_cmpint (server->kind, ==, kind);
  g_assert_cmpstr (server->host, ==, host);
  g_assert_cmpuint (server->port, ==, port);
  g_assert_cmpint (server->security, ==, security);
  g_assert_cmpstr (server->user_name, ==, user_name);
  g_assert_cmpint (server->auth, ==, auth);
}

static void
test_outlook_shape (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarAutoconfig) config = parse_file ("outlook.xml", "someone@hotmail.co.uk", &error);
  const char * const *domains;

  g_assert_no_error (error);
  g_assert_cmpstr (kabar_autoconfig_get_display_name (config), ==, "Microsoft");
  domains = kabar_autoconfig_get_domains (config);
  g_assert_cmpuint (g_strv_length ((GStrv) domains), >, 90);
  g_assert_true (g_strv_contains (domains, "hotmail.co.uk"));

  /* The exchange entry is not IMAP or POP: left out. Microsoft refuses
   * passwords, so OAuth2 is chosen although both are listed. */
  g_assert_cmpuint (kabar_autoconfig_get_incoming (config)->len, ==, 2);
  assert_server (kabar_autoconfig_get_incoming (config), 0, KABAR_SERVER_KIND_IMAP,
                 "outlook.office365.com", 993, KABAR_SECURITY_IMPLICIT_TLS,
                 "someone@hotmail.co.uk", KABAR_AUTH_OAUTH2);
  assert_server (kabar_autoconfig_get_incoming (config), 1, KABAR_SERVER_KIND_POP3,
                 "outlook.office365.com", 995, KABAR_SECURITY_IMPLICIT_TLS,
                 "someone@hotmail.co.uk", KABAR_AUTH_OAUTH2);
  g_assert_cmpuint (kabar_autoconfig_get_outgoing (config)->len, ==, 1);
  assert_server (kabar_autoconfig_get_outgoing (config), 0, KABAR_SERVER_KIND_SMTP,
                 "smtp.office365.com", 587, KABAR_SECURITY_STARTTLS,
                 "someone@hotmail.co.uk", KABAR_AUTH_OAUTH2);
}

static void
test_small_provider (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarAutoconfig) config = parse_file ("example.xml", "jo.doe@example.test", &error);
  GPtrArray *incoming;

  g_assert_no_error (error);
  g_assert_cmpstr (kabar_autoconfig_get_display_name (config), ==, "Example Mail");
  g_assert_true (g_strv_contains (kabar_autoconfig_get_domains (config), "example.org"));

  /* TLS before the plain port the file lists first; GSSAPI is not Kabar's. */
  incoming = kabar_autoconfig_get_incoming (config);
  g_assert_cmpuint (incoming->len, ==, 3);
  assert_server (incoming, 0, KABAR_SERVER_KIND_IMAP, "imap.example.test", 993,
                 KABAR_SECURITY_IMPLICIT_TLS, "jo.doe", KABAR_AUTH_PASSWORD);
  assert_server (incoming, 1, KABAR_SERVER_KIND_POP3, "pop.example.test", 995,
                 KABAR_SECURITY_IMPLICIT_TLS, "jo.doe@example.test", KABAR_AUTH_PASSWORD);
  assert_server (incoming, 2, KABAR_SERVER_KIND_IMAP, "imap.example.test", 143,
                 KABAR_SECURITY_NONE, "jo.doe", KABAR_AUTH_PASSWORD);
  assert_server (kabar_autoconfig_get_outgoing (config), 0, KABAR_SERVER_KIND_SMTP,
                 "mail.provider.test", 465, KABAR_SECURITY_IMPLICIT_TLS,
                 "jo.doe@example.test", KABAR_AUTH_PASSWORD);
}

static void
test_broken (gconstpointer data)
{
  const char *name = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarAutoconfig) config = parse_file (name, "someone@broken.test", &error);

  g_assert_null (config);
  g_assert_error (error, KABAR_AUTOCONFIG_ERROR, KABAR_AUTOCONFIG_ERROR_INVALID);
  g_test_message ("%s: %s", name, error->message);
}

static void
test_no_usable_server (gconstpointer data)
{
  const char *name = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarAutoconfig) config = parse_file (name, "someone@broken.test", &error);

  g_assert_null (config);
  g_assert_error (error, KABAR_AUTOCONFIG_ERROR, KABAR_AUTOCONFIG_ERROR_NO_SERVERS);
}

static void
test_too_big (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "autoconfig", "example.xml", NULL);
  g_autofree char *data = NULL;
  g_autoptr(GString) big = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarAutoconfig) config = NULL;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  /* A good file made too big by a comment: the size alone refuses it. */
  big = g_string_new (data);
  g_string_append (big, "<!-- ");
  while (big->len <= KABAR_AUTOCONFIG_MAX_SIZE)
    g_string_append (big, "padding ");
  g_string_append (big, "-->\n");
  config = kabar_autoconfig_parse (big->str, big->len, "jo@example.test", &error);
  g_assert_null (config);
  g_assert_error (error, KABAR_AUTOCONFIG_ERROR, KABAR_AUTOCONFIG_ERROR_TOO_BIG);
}

static void
test_expand_user_name (void)
{
  g_autofree char *a = kabar_autoconfig_expand_user_name ("%EMAILLOCALPART%", "a.b@c.test");
  g_autofree char *b = kabar_autoconfig_expand_user_name ("%EMAILDOMAIN%\\%EMAILLOCALPART%", "a.b@c.test");
  g_autofree char *c = kabar_autoconfig_expand_user_name ("%EMAILADDRESS%", "a.b@c.test");
  g_autofree char *d = kabar_autoconfig_expand_user_name ("%UNKNOWN%", "a.b@c.test");

  g_assert_cmpstr (a, ==, "a.b");
  g_assert_cmpstr (b, ==, "c.test\\a.b");
  g_assert_cmpstr (c, ==, "a.b@c.test");
  g_assert_cmpstr (d, ==, "%UNKNOWN%");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/autoconfig/outlook-shape", test_outlook_shape);
  g_test_add_func ("/autoconfig/small-provider", test_small_provider);
  g_test_add_data_func ("/autoconfig/broken/not-xml", "not-xml.xml", test_broken);
  g_test_add_data_func ("/autoconfig/broken/truncated", "truncated.xml", test_broken);
  g_test_add_data_func ("/autoconfig/broken/wrong-root", "wrong-root.xml", test_broken);
  g_test_add_data_func ("/autoconfig/broken/entity-bomb", "entities.xml", test_broken);
  g_test_add_data_func ("/autoconfig/broken/external-entity", "external-entity.xml", test_broken);
  g_test_add_data_func ("/autoconfig/no-server/exchange-only", "exchange-only.xml", test_no_usable_server);
  g_test_add_data_func ("/autoconfig/no-server/bad-values", "bad-values.xml", test_no_usable_server);
  g_test_add_func ("/autoconfig/too-big", test_too_big);
  g_test_add_func ("/autoconfig/expand-user-name", test_expand_user_name);

  return g_test_run ();
}
