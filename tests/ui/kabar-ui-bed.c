/* kabar-ui-bed.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gmime/gmime.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kabar-bed-account.h"
#include "kabar-test-client.h"
#include "kabar-ui-bed.h"

KabarTestBed *
kabar_ui_bed_start (const char *first_user,
                    const char *first_password,
                    ...)
{
  g_autoptr(GError) error = NULL;
  KabarTestBed *bed = kabar_test_bed_new (&error);
  const char *user = first_user;
  const char *password = first_password;
  va_list args;

  g_assert_no_error (error);
  va_start (args, first_password);
  while (user != NULL)
    {
      kabar_test_bed_add_user (bed, user, password);
      user = va_arg (args, const char *);
      password = user != NULL ? va_arg (args, const char *) : NULL;
    }
  va_end (args);
  kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT | KABAR_TEST_BED_POSTFIX, &error);
  g_assert_no_error (error);
  return bed;
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

/* RFC 2047 for what is not ASCII. */
static char *
encode_word (const char *text)
{
  g_autofree char *base64 = NULL;

  if (is_ascii (text))
    return g_strdup (text);
  base64 = g_base64_encode ((const guchar *) text, strlen (text));
  return g_strdup_printf ("=?UTF-8?B?%s?=", base64);
}

/* "Name <address>" with the name encoded. */
static char *
encode_address (const char *address)
{
  const char *angle = strchr (address, '<');
  g_autofree char *name = NULL;
  g_autofree char *encoded = NULL;

  if (angle == NULL || angle == address)
    return g_strdup (address);
  name = g_strstrip (g_strndup (address, angle - address));
  encoded = encode_word (name);
  return g_strdup_printf ("%s %s", encoded, angle);
}

GBytes *
kabar_ui_bed_message_new_with_headers (const char *from,
                                       const char *to,
                                       const char *subject,
                                       const char *body,
                                       gint64      unix_time,
                                       const char *message_id,
                                       const char *headers)
{
  static guint counter;
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (unix_time);
  g_autofree char *date_text = g_mime_utils_header_format_date (date);
  g_autofree char *from_text = encode_address (from);
  g_autofree char *subject_text = encode_word (subject);
  g_autofree char *id = message_id != NULL
                        ? g_strdup (message_id)
                        : g_strdup_printf ("ui-%d-%u@kabar.test", (int) getpid (), ++counter);
  char *text = g_strdup_printf ("Date: %s\r\n"
                                "From: %s\r\n"
                                "To: %s\r\n"
                                "Subject: %s\r\n"
                                "Message-ID: <%s>\r\n"
                                "%s"
                                "MIME-Version: 1.0\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n"
                                "Content-Transfer-Encoding: 8bit\r\n"
                                "\r\n"
                                "%s\r\n",
                                date_text, from_text, to, subject_text, id, headers != NULL ? headers : "",
                                body);

  return g_bytes_new_take (text, strlen (text));
}

GBytes *
kabar_ui_bed_message_new (const char *from,
                          const char *to,
                          const char *subject,
                          const char *body,
                          gint64      unix_time,
                          const char *message_id)
{
  return kabar_ui_bed_message_new_with_headers (from, to, subject, body, unix_time, message_id, NULL);
}

KabarAccount *
kabar_ui_bed_account_new (KabarTestBed *bed,
                          const char   *display_name,
                          const char   *user)
{
  return kabar_bed_account_new (display_name, user, KABAR_TEST_BED_HOST,
                                kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                                kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_SUBMISSION),
                                kabar_test_bed_get_certificate (bed));
}

void
kabar_ui_bed_write_account (KabarTestBed *bed,
                            const char   *display_name,
                            const char   *user)
{
  g_autoptr(KabarAccount) account = kabar_ui_bed_account_new (bed, display_name, user);
  g_autoptr(GError) error = NULL;

  kabar_bed_account_save (account, kabar_test_bed_get_password (bed, user), &error);
  g_assert_no_error (error);
}

/* --- what the server holds ------------------------------------------------------------ */

/* Signed in as user. */
static KabarTestClient *
sign_in (KabarTestBed *bed,
         const char   *user)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarTestClient) imap = NULL;

  imap = kabar_test_client_connect (KABAR_TEST_BED_HOST, kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                                    KABAR_TEST_CLIENT_IMPLICIT_TLS, kabar_test_bed_get_certificate (bed), &error);
  g_assert_no_error (error);
  g_ptr_array_unref (kabar_test_client_imap (imap, &error, "LOGIN \"%s\" \"%s\"", user,
                                             kabar_test_bed_get_password (bed, user)));
  g_assert_no_error (error);
  return g_steal_pointer (&imap);
}

/* Signed in, the folder examined (read-only: looking changes no flag);
 * NULL when the folder does not exist. */
static KabarTestClient *
examine (KabarTestBed *bed,
         const char   *user,
         const char   *folder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarTestClient) imap = sign_in (bed, user);
  g_autoptr(GPtrArray) lines = NULL;
  const char *last;

  lines = kabar_test_client_imap (imap, &error, "EXAMINE \"%s\"", folder);
  g_assert_no_error (error);
  last = g_ptr_array_index (lines, lines->len - 1);
  if (strstr (last, " OK ") == NULL)
    {
      kabar_test_client_close (imap, NULL);
      return NULL;
    }
  return g_steal_pointer (&imap);
}

/* The UIDs matching criteria, in the server's order (ascending). */
static GArray *
search (KabarTestClient *imap,
        const char      *criteria)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = kabar_test_client_imap (imap, &error, "UID SEARCH %s", criteria);
  GArray *uids = g_array_new (FALSE, FALSE, sizeof (guint32));

  g_assert_no_error (error);
  g_assert_nonnull (strstr (g_ptr_array_index (lines, lines->len - 1), " OK "));
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      g_auto(GStrv) words = NULL;

      if (!g_str_has_prefix (line, "* SEARCH"))
        continue;
      words = g_strsplit (line + strlen ("* SEARCH"), " ", -1);
      for (guint j = 0; words[j] != NULL; j++)
        if (*words[j] != '\0')
          {
            guint32 uid = (guint32) g_ascii_strtoull (words[j], NULL, 10);

            g_array_append_val (uids, uid);
          }
    }
  return uids;
}

GArray *
kabar_ui_bed_server_uids (KabarTestBed *bed,
                          const char   *user,
                          const char   *folder,
                          const char   *criteria)
{
  g_autoptr(KabarTestClient) imap = examine (bed, user, folder);
  GArray *uids;

  if (imap == NULL)
    return g_array_new (FALSE, FALSE, sizeof (guint32));
  uids = search (imap, criteria);
  kabar_test_client_close (imap, NULL);
  return uids;
}

guint
kabar_ui_bed_server_count (KabarTestBed *bed,
                           const char   *user,
                           const char   *folder,
                           const char   *criteria)
{
  g_autoptr(GArray) uids = kabar_ui_bed_server_uids (bed, user, folder, criteria);

  return uids->len;
}

/* The mailbox's name in a LIST line (* LIST (\HasNoChildren) "/" Name, or
 * "Name"), or NULL for another line. */
static char *
listed_name (const char *line)
{
  const char *name = g_str_has_prefix (line, "* LIST ") ? strstr (line, ") \"/\" ") : NULL;

  if (name == NULL)
    return NULL;
  name += strlen (") \"/\" ");
  if (*name == '"')
    return g_strndup (name + 1, strlen (name) - 2);
  return g_strdup (name);
}

gboolean
kabar_ui_bed_server_has_folder (KabarTestBed *bed,
                                const char   *user,
                                const char   *folder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarTestClient) imap = sign_in (bed, user);
  g_autoptr(GPtrArray) lines = kabar_test_client_imap (imap, &error, "LIST \"\" \"*\"");
  gboolean found = FALSE;

  g_assert_no_error (error);
  for (guint i = 0; i < lines->len && !found; i++)
    {
      g_autofree char *name = listed_name (g_ptr_array_index (lines, i));

      found = g_strcmp0 (name, folder) == 0;
    }
  kabar_test_client_close (imap, NULL);
  return found;
}

/* The literal of "* n FETCH (UID u BODY[] {size}". */
static GBytes *
fetch (KabarTestClient *imap,
       guint32          uid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *line = NULL;
  const char *brace;

  kabar_test_client_send_linef (imap, &error, "f1 UID FETCH %u BODY.PEEK[]", uid);
  g_assert_no_error (error);
  line = kabar_test_client_read_line (imap, &error);
  g_assert_no_error (error);
  brace = strrchr (line, '{');
  g_assert_nonnull (brace);
  raw = kabar_test_client_read_bytes (imap, g_ascii_strtoull (brace + 1, NULL, 10), &error);
  g_assert_no_error (error);
  g_ptr_array_unref (kabar_test_client_read_until (imap, "f1 ", &error));
  g_assert_no_error (error);
  return g_steal_pointer (&raw);
}

GBytes *
kabar_ui_bed_fetch_message (KabarTestBed *bed,
                            const char   *user,
                            const char   *folder,
                            const char   *criteria)
{
  g_autoptr(KabarTestClient) imap = examine (bed, user, folder);
  g_autoptr(GArray) uids = NULL;
  GBytes *raw = NULL;

  if (imap == NULL)
    return NULL;
  uids = search (imap, criteria);
  if (uids->len > 0)
    raw = fetch (imap, g_array_index (uids, guint32, uids->len - 1));
  kabar_test_client_close (imap, NULL);
  return raw;
}

/* --- waiting ------------------------------------------------------------------------- */

static gboolean
on_pause_over (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the window work for a moment between two looks at the server. */
static void
let_window_work (guint ms)
{
  gboolean over = FALSE;

  g_timeout_add (ms, on_pause_over, &over);
  while (!over)
    g_main_context_iteration (NULL, TRUE);
}

void
kabar_ui_bed_wait_server_count (KabarTestBed *bed,
                                const char   *user,
                                const char   *folder,
                                const char   *criteria,
                                guint         expected,
                                guint         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint count;

  while ((count = kabar_ui_bed_server_count (bed, user, folder, criteria)) != expected)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s: %u messages match %s, not %u", folder, count, criteria, expected);
      let_window_work (100);
    }
}

GBytes *
kabar_ui_bed_wait_message (KabarTestBed *bed,
                           const char   *user,
                           const char   *folder,
                           const char   *criteria,
                           guint         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  GBytes *raw;

  while ((raw = kabar_ui_bed_fetch_message (bed, user, folder, criteria)) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s: no message matches %s", folder, criteria);
      let_window_work (100);
    }
  return raw;
}
