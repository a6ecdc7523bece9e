/* test-message-display-i18n.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The words the display model writes, in the reader's language: cases of
 * the corpus in tests/data/mime read under the LANGUAGE meson sets, with
 * this build's catalogues. The expected words are the catalogue's own, so
 * a test fails when the model writes English a catalogue translates.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "test-message-display-summary.h"

/* meson builds the catalogues in the installed layout, po/LL/LC_MESSAGES,
 * so the test reads this build's translations, not an installed copy. */
static void
bind_build_translations (void)
{
  const char *build_root = g_getenv ("KABAR_BUILD_ROOT");
  g_autofree char *localedir = NULL;

  g_assert_nonnull (build_root);
  localedir = g_build_filename (build_root, "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* The catalogue's translation of english, which must be another text: a
 * word left in English would pass every check below unnoticed. */
static const char *
translated (const char *english)
{
  const char *word = g_dgettext (GETTEXT_PACKAGE, english);

  g_assert_cmpstr (word, !=, english);
  return word;
}

static const char *
translated_in (const char *context,
               const char *english)
{
  const char *word = g_dpgettext2 (GETTEXT_PACKAGE, context, english);

  g_assert_cmpstr (word, !=, english);
  return word;
}

static KabarMessageDisplay *
display_case (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".eml", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("KABAR_SOURCE_ROOT"), "tests", "data", "mime", file, NULL);
  g_autofree char *raw = NULL;
  gsize length = 0;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  KabarMessageDisplay *display;

  g_assert_true (g_file_get_contents (path, &raw, &length, NULL));
  bytes = g_bytes_new (raw, length);
  display = kabar_message_display_new (bytes, KABAR_DISPLAY_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (display);
  return display;
}

/* The body's text as a reader sees it: the summary's "Text:" lines. */
static char *
body_text (KabarMessageDisplay *display)
{
  g_autofree char *summary = kabar_display_summary (display);
  const char *start = strstr (summary, "\nText:\n");
  const char *end = start != NULL ? strstr (start, "\nURLs:\n") : NULL;

  g_assert_nonnull (start);
  g_assert_nonnull (end);
  return g_strndup (start + strlen ("\nText:"), (gsize) (end - start - strlen ("\nText:") + 1));
}

static gboolean
has_line (const char *text,
          const char *line)
{
  g_autofree char *wanted = g_strdup_printf ("\n  %s\n", line);

  return strstr (text, wanted) != NULL;
}

/* line is in the body as one line of its own, and english is not. */
static void
assert_line (const char *text,
             const char *line,
             const char *english)
{
  if (!has_line (text, line))
    g_error ("the body has no line “%s”; it reads:%s", line, text);
  if (has_line (text, english))
    g_error ("the body still has the English line “%s”; it reads:%s", english, text);
}

/* "Label value" as one line, the label translated. */
static void
assert_labelled (const char *text,
                 const char *label,
                 const char *english_label,
                 const char *value)
{
  g_autofree char *line = g_strdup_printf ("%s %s", label, value);
  g_autofree char *english = g_strdup_printf ("%s %s", english_label, value);

  assert_line (text, line, english);
}

static void
test_delivery_report (void)
{
  g_autoptr(KabarMessageDisplay) display = display_case ("delivery-report-failed");
  g_autofree char *text = body_text (display);
  /* Indonesian says "Status:" too: the sentences after it differ. */
  const char *status = g_dgettext (GETTEXT_PACKAGE, "Status:");
  const char *permanent = translated ("A permanent failure: the message will not be delivered.");
  g_autofree char *no_address = g_strdup_printf ("%s 5.1.1: %s %s", status, permanent,
                                                 translated ("The address does not exist."));
  g_autofree char *full = g_strdup_printf ("%s 5.2.2: %s %s", status, permanent,
                                           translated ("The recipient's mailbox is full."));

  assert_labelled (text, translated ("Recipient:"), "Recipient:", "nobody@nowhere.kabar.test");
  /* The action is the server's own word. */
  assert_labelled (text, translated ("Action:"), "Action:", "failed");
  assert_line (text, translated ("The message could not be delivered to this recipient."),
               "The message could not be delivered to this recipient.");
  assert_line (text, no_address,
               "Status: 5.1.1: A permanent failure: the message will not be delivered. The address does not exist.");
  assert_line (text, full,
               "Status: 5.2.2: A permanent failure: the message will not be delivered. The recipient's mailbox is full.");
  /* The server's words stay as it wrote them. */
  assert_labelled (text, translated ("The server said:"), "The server said:", "552 5.2.2 Mailbox full");

  /* The returned message's header. */
  assert_labelled (text, translated_in ("message header", "From"), "From", "Dewi Ayu <dewi@kabar.test>");
  assert_labelled (text, translated_in ("message header", "To"), "To", "nobody@nowhere.kabar.test");
  assert_labelled (text, translated_in ("message header", "Date"), "Date", "2026-11-21 08:00 +0700");
  assert_labelled (text, translated_in ("message header", "Subject"), "Subject", "Quarterly numbers");
}

static void
test_calendar_invitation (void)
{
  g_autoptr(KabarMessageDisplay) display = display_case ("calendar-invite");
  g_autofree char *text = body_text (display);
  GPtrArray *attachments = kabar_message_display_get_attachments (display);
  KabarDisplayAttachment *attachment;

  assert_line (text, translated ("An invitation to an event."), "An invitation to an event.");
  assert_line (text, translated_in ("calendar event", "Event"), "Event");
  assert_line (text, translated_in ("calendar event", "Starts"), "Starts");
  assert_line (text, translated_in ("calendar event", "Ends"), "Ends");
  assert_line (text, translated_in ("calendar event", "Where"), "Where");
  assert_line (text, translated_in ("calendar event", "Organizer"), "Organizer");
  /* What the sender wrote is not translated. */
  g_assert_true (has_line (text, "Room 4, Jalan Sabang 12"));

  /* The calendar has no file name of its own: it is saved under Kabar's. */
  g_assert_cmpuint (attachments->len, ==, 1);
  attachment = g_ptr_array_index (attachments, 0);
  g_assert_cmpstr (attachment->file_name, ==, translated ("invitation.ics"));
}

static void
test_folded_quote (void)
{
  g_autoptr(KabarMessageDisplay) display = display_case ("plain-long-quote");
  g_autofree char *text = body_text (display);
  const char *format = g_dngettext (GETTEXT_PACKAGE, "%u quoted line", "%u quoted lines", 15);
  g_autofree char *line = NULL;

  g_assert_cmpstr (format, !=, "%u quoted lines");
  line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u quoted line", "%u quoted lines", 15), 15);
  assert_line (text, line, "15 quoted lines");
}

static void
test_security_note (void)
{
  g_autoptr(KabarMessageDisplay) display = display_case ("encrypted-smime");
  g_autofree char *text = body_text (display);
  const char *english = "This message is encrypted. Kabar cannot decrypt it, so its content cannot be shown.";

  assert_line (text, translated (english), english);
}

static void
test_errors (void)
{
  g_autoptr(KabarMessageDisplay) display = display_case ("calendar-invite");
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autofree char *expected = NULL;
  KabarMessageDisplay *none;

  none = kabar_message_display_new (empty, KABAR_DISPLAY_FLAGS_NONE, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, KABAR_DISPLAY_ERROR, KABAR_DISPLAY_ERROR_NOT_A_MESSAGE);
  g_assert_cmpstr (error->message, ==, translated ("The message could not be read: it is empty"));
  g_clear_error (&error);

  data = kabar_message_display_dup_attachment_data (display, 5, &error);
  g_assert_null (data);
  g_assert_error (error, KABAR_DISPLAY_ERROR, KABAR_DISPLAY_ERROR_NO_SUCH_ATTACHMENT);
  expected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The message has no attachment number %u: it has %u",
                                           "The message has no attachment number %u: it has %u", 1), 6, 1);
  g_assert_false (g_str_has_prefix (expected, "The message"));
  g_assert_cmpstr (error->message, ==, expected);
}

int
main (int    argc,
      char **argv)
{
  const char *language = g_getenv ("LANGUAGE");

  /* The language comes from the environment, as for a user: meson sets
   * LANG, LC_ALL and LANGUAGE for each run. */
  setlocale (LC_ALL, "");
  g_setenv ("TZ", "UTC", TRUE);
  bind_build_translations ();
  g_test_init (&argc, &argv, NULL);
  if (language == NULL || *language == '\0')
    g_error ("LANGUAGE is not set: this test checks a translation");

  g_test_add_func ("/message-display/i18n/delivery-report", test_delivery_report);
  g_test_add_func ("/message-display/i18n/calendar-invitation", test_calendar_invitation);
  g_test_add_func ("/message-display/i18n/folded-quote", test_folded_quote);
  g_test_add_func ("/message-display/i18n/security-note", test_security_note);
  g_test_add_func ("/message-display/i18n/errors", test_errors);
  return g_test_run ();
}
