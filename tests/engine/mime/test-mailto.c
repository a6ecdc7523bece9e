/* test-mailto.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mailto: links (RFC 6068) as the composer opens them: the fields a link
 * may fill, decoded as UTF-8, and nothing a link must not set.
 */

#include "config.h"

#include <string.h>

#include "kabar-mailto.h"
#include "kabar-mime.h"

static KabarOutgoingMessage *
parse (const char *uri)
{
  g_autoptr(GError) error = NULL;
  KabarOutgoingMessage *message = kabar_mailto_parse (uri, &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);
  return message;
}

/* The field's mailboxes as "Name <address>" or "address", joined by ", ". */
static char *
addresses (KabarOutgoingMessage *message,
           KabarOutgoingField    field)
{
  InternetAddressList *list = kabar_outgoing_message_get_addresses (message, field);
  GString *out = g_string_new (NULL);

  for (int i = 0; i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);
      const char *name = internet_address_get_name (address);
      const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address));

      if (out->len > 0)
        g_string_append (out, ", ");
      if (name != NULL && *name != '\0')
        g_string_append_printf (out, "%s <%s>", name, addr);
      else
        g_string_append (out, addr);
    }
  return g_string_free (out, FALSE);
}

static void
assert_field (KabarOutgoingMessage *message,
              KabarOutgoingField    field,
              const char           *expected)
{
  g_autofree char *actual = addresses (message, field);

  g_assert_cmpstr (actual, ==, expected);
}

static void
test_rfc6068_fields (void)
{
  g_autoptr(KabarOutgoingMessage) message =
    parse ("mailto:a@x.test,b@y.test?cc=c@z.test&bcc=d@w.test&subject=Hi%20there"
           "&body=Line1%0D%0ALine2&in-reply-to=%3Cid%40x.test%3E");
  static const char * const references[] = { "id@x.test", NULL };

  assert_field (message, KABAR_OUTGOING_TO, "a@x.test, b@y.test");
  assert_field (message, KABAR_OUTGOING_CC, "c@z.test");
  assert_field (message, KABAR_OUTGOING_BCC, "d@w.test");
  assert_field (message, KABAR_OUTGOING_REPLY_TO, "");
  g_assert_cmpstr (kabar_outgoing_message_get_subject (message), ==, "Hi there");
  g_assert_cmpstr (kabar_outgoing_message_get_text (message), ==, "Line1\nLine2");
  g_assert_cmpstr (kabar_outgoing_message_get_in_reply_to (message), ==, "id@x.test");
  g_assert_true (g_strv_equal (kabar_outgoing_message_get_references (message), references));
  g_assert_null (kabar_outgoing_message_get_from_address (message));
}

static void
test_unicode (void)
{
  /* "Kabar baik ✓" and a Hindi line, percent-encoded UTF-8; a name with
   * its angle brackets encoded. */
  g_autoptr(KabarOutgoingMessage) message =
    parse ("mailto:%22Dewi%20Ayu%22%20%3Cdewi@kabar.test%3E"
           "?subject=Kabar%20baik%20%E2%9C%93"
           "&body=%E0%A4%A8%E0%A4%AE%E0%A4%B8%E0%A5%8D%E0%A4%A4%E0%A5%87%0D%0A%0D%0A%E0%A4%AC%E0%A5%88%E0%A4%A0%E0%A4%95");

  assert_field (message, KABAR_OUTGOING_TO, "Dewi Ayu <dewi@kabar.test>");
  g_assert_cmpstr (kabar_outgoing_message_get_subject (message), ==, "Kabar baik ✓");
  g_assert_cmpstr (kabar_outgoing_message_get_text (message), ==, "नमस्ते\n\nबैठक");
}

static void
test_several_to (void)
{
  g_autoptr(KabarOutgoingMessage) message =
    parse ("MAILTO:budi@kabar.test?to=rani@kabar.test&TO=joko@kabar.test,sari@kabar.test&Cc=a@kabar.test&cc=b@kabar.test");
  g_autoptr(KabarOutgoingMessage) only_fields = parse ("mailto:?to=rani@kabar.test&subject=x");

  assert_field (message, KABAR_OUTGOING_TO, "budi@kabar.test, rani@kabar.test, joko@kabar.test, sari@kabar.test");
  assert_field (message, KABAR_OUTGOING_CC, "a@kabar.test, b@kabar.test");
  assert_field (only_fields, KABAR_OUTGOING_TO, "rani@kabar.test");
}

static void
test_plus_and_ignored_fields (void)
{
  g_autoptr(KabarOutgoingMessage) message =
    parse ("mailto:budi+kabar@kabar.test?subject=1+1%3D2&body=a+b"
           "&from=evil@attacker.test&reply-to=evil@attacker.test&x-mailer=evil"
           "&content-type=text/html&keywords=x&sender=evil@attacker.test#fragment");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  assert_field (message, KABAR_OUTGOING_TO, "budi+kabar@kabar.test");
  g_assert_cmpstr (kabar_outgoing_message_get_subject (message), ==, "1+1=2");
  g_assert_cmpstr (kabar_outgoing_message_get_text (message), ==, "a+b");
  g_assert_null (kabar_outgoing_message_get_from_address (message));
  assert_field (message, KABAR_OUTGOING_REPLY_TO, "");

  /* The built message carries none of what the link tried to set. */
  kabar_outgoing_message_set_from (message, "Budi", "budi@kabar.test");
  bytes = kabar_outgoing_message_to_bytes (message, KABAR_OUTGOING_FORM_SEND, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_null (strstr (text, "attacker"));
  g_assert_null (strstr (text, "evil"));
  g_assert_null (strstr (text, "text/html"));
  g_assert_null (strstr (text, "fragment"));
}

static void
test_header_injection (void)
{
  /* A line break in a field is text, never a header of its own. */
  g_autoptr(KabarOutgoingMessage) message =
    parse ("mailto:budi@kabar.test?subject=Halo%0D%0ABcc:%20evil@attacker.test");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  kabar_outgoing_message_set_from (message, "Budi", "budi@kabar.test");
  bytes = kabar_outgoing_message_to_bytes (message, KABAR_OUTGOING_FORM_DRAFT, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_null (strstr (text, "\nBcc:"));
  assert_field (message, KABAR_OUTGOING_BCC, "");
}

static void
test_invalid_address_kept (void)
{
  /* The composer marks it; dropping it would lose what the link said. */
  g_autoptr(KabarOutgoingMessage) message = parse ("mailto:budi@kabar.test,not%20an%20address");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (internet_address_list_length (kabar_outgoing_message_get_addresses (message, KABAR_OUTGOING_TO)), ==, 2);
  kabar_outgoing_message_set_from (message, "Budi", "budi@kabar.test");
  g_assert_false (kabar_outgoing_message_validate (message, &error));
  g_assert_error (error, KABAR_OUTGOING_ERROR, KABAR_OUTGOING_ERROR_INVALID_ADDRESS);
}

static void
test_errors (void)
{
  static const char * const bad[] = {
    "http://kabar.test/",
    "mail:budi@kabar.test",
    "",
    "mailto:budi@kabar.test?subject=%FF%FE",
    "mailto:budi%00@kabar.test",
    "mailto:budi@kabar.test?body=%zz",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (kabar_mailto_parse (bad[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      /* The message names the link. */
      g_assert_nonnull (strstr (error->message, bad[i]));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  (void) kabar_mime_get_parser_options ();

  g_test_add_func ("/mime/mailto/rfc6068-fields", test_rfc6068_fields);
  g_test_add_func ("/mime/mailto/unicode", test_unicode);
  g_test_add_func ("/mime/mailto/several-to", test_several_to);
  g_test_add_func ("/mime/mailto/plus-and-ignored-fields", test_plus_and_ignored_fields);
  g_test_add_func ("/mime/mailto/header-injection", test_header_injection);
  g_test_add_func ("/mime/mailto/invalid-address-kept", test_invalid_address_kept);
  g_test_add_func ("/mime/mailto/errors", test_errors);

  return g_test_run ();
}
