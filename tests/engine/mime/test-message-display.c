/* test-message-display.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The display model over the corpus in tests/data/mime: each NAME.eml is
 * read and written out as the reader would describe it, and compared
 * with NAME.expected. KABAR_UPDATE_EXPECTED=1 writes the expected files
 * instead; each must then be read and checked by a person.
 *
 * A case may carry a header "X-Kabar-Test: prefer-html language=ja" with
 * the model's options.
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "test-message-display-summary.h"

static char *
corpus_dir (void)
{
  const char *root = g_getenv ("KABAR_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "tests", "data", "mime", NULL);
}

/* The X-Kabar-Test header's value, read from the raw header block. */
static char *
test_options (const char *raw,
              gsize       length)
{
  const char *end = g_strstr_len (raw, (gssize) length, "\n\n");
  const char *at = g_strstr_len (raw, end != NULL ? end - raw : (gssize) length, "\nX-Kabar-Test:");
  const char *line_end;

  if (at == NULL)
    return g_strdup ("");
  at += strlen ("\nX-Kabar-Test:");
  line_end = strpbrk (at, "\r\n");
  return g_strstrip (g_strndup (at, line_end != NULL ? (gsize) (line_end - at) : strlen (at)));
}

static KabarMessageDisplay *
display_case (const char *eml_path)
{
  g_autofree char *raw = NULL;
  gsize length = 0;
  g_autofree char *options = NULL;
  g_auto(GStrv) words = NULL;
  KabarDisplayFlags flags = KABAR_DISPLAY_FLAGS_NONE;
  const char *language = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  KabarMessageDisplay *display;

  g_assert_true (g_file_get_contents (eml_path, &raw, &length, NULL));
  options = test_options (raw, length);
  words = g_strsplit (options, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (g_str_equal (words[i], "prefer-html"))
        flags |= KABAR_DISPLAY_PREFER_HTML;
      else if (g_str_has_prefix (words[i], "language="))
        language = words[i] + strlen ("language=");
    }
  bytes = g_bytes_new (raw, length);
  display = kabar_message_display_new (bytes, flags, language, &error);
  g_assert_no_error (error);
  g_assert_nonnull (display);
  return display;
}

static void
test_corpus_case (gconstpointer data)
{
  const char *name = data;
  g_autofree char *dir = corpus_dir ();
  g_autofree char *eml_name = g_strconcat (name, ".eml", NULL);
  g_autofree char *expected_name = g_strconcat (name, ".expected", NULL);
  g_autofree char *eml_path = g_build_filename (dir, eml_name, NULL);
  g_autofree char *expected_path = g_build_filename (dir, expected_name, NULL);
  g_autoptr(KabarMessageDisplay) display = display_case (eml_path);
  g_autofree char *summary = kabar_display_summary (display);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_utf8_validate (summary, -1, NULL));
  if (g_strcmp0 (g_getenv ("KABAR_UPDATE_EXPECTED"), "1") == 0)
    {
      g_assert_true (g_file_set_contents (expected_path, summary, -1, &error));
      g_assert_no_error (error);
      return;
    }
  if (!g_file_get_contents (expected_path, &expected, NULL, &error))
    g_error ("%s has no expected summary (%s); this is what the model gives:\n%s",
             eml_name, error->message, summary);
  g_assert_cmpstr (summary, ==, expected);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static GPtrArray *
corpus_names (void)
{
  g_autofree char *dir_path = corpus_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *file;

  g_assert_nonnull (dir);
  while ((file = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (file, ".eml"))
      g_ptr_array_add (names, g_strndup (file, strlen (file) - strlen (".eml")));
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* The corpus is the list of shapes: losing cases would pass
 * silently. */
static void
test_corpus_size (gconstpointer data)
{
  const GPtrArray *names = data;

  g_assert_cmpuint (names->len, >=, 40);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) names = NULL;

  /* The expected files are in English, whatever the machine's language:
   * the model's words are translated (test-message-display-i18n.c). */
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C");
  /* Calendar times are shown in the reader's zone. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  names = corpus_names ();
  g_test_add_data_func ("/message-display/corpus/size", names, test_corpus_size);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strconcat ("/message-display/corpus/", g_ptr_array_index (names, i), NULL);

      g_test_add_data_func (path, g_ptr_array_index (names, i), test_corpus_case);
    }
  return g_test_run ();
}
