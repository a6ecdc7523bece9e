/* bench-message-display.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How long the display model takes to make, from the raw message to the
 * HTML the view shows (remote content off): over the corpus of
 * tests/data/mime, a 1 MB newsletter and a 20 MB message with an
 * attachment, both generated here. Each message is made --runs times;
 * the median and worst time of each are printed, against the goal of a
 * typical message in under 20 ms. Not a test: it prints figures.
 *
 *   bench-message-display [--runs N] [--corpus DIR]
 */

#include "config.h"

#include <string.h>

#include "kabar-message-display.h"

#define GOAL_MS 20.0

static int runs = 15;
static char *corpus = NULL;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Milliseconds to make the model and its first document. */
static double
time_once (GBytes            *raw,
           KabarDisplayFlags  flags)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarMessageDisplay) display = kabar_message_display_new (raw, flags, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (kabar_message_display_get_html (display, FALSE));
  return (double) (g_get_monotonic_time () - start) / 1000.0;
}

typedef struct
{
  double median;
  double worst;
} Timing;

static Timing
time_message (GBytes            *raw,
              KabarDisplayFlags  flags)
{
  g_autofree double *times = g_new (double, runs);
  Timing timing;

  for (int i = 0; i < runs; i++)
    times[i] = time_once (raw, flags);
  qsort (times, (gsize) runs, sizeof (double), compare_doubles);
  timing.median = times[runs / 2];
  timing.worst = times[runs - 1];
  return timing;
}

/* A newsletter's HTML of about size bytes, with a plain text part. */
static GBytes *
make_newsletter (gsize size)
{
  GString *html = g_string_new ("<html><head><style>td{font-family:sans-serif} .p{color:#333}</style></head><body>");
  GString *text = g_string_new (NULL);
  GString *message = g_string_new (NULL);

  for (guint i = 0; html->len < size * 7 / 10; i++)
    {
      g_string_append_printf (html,
                              "<table width=\"600\"><tr><td style=\"padding:8px;background:url(https://img.kabar.test/bg%u.png)\">"
                              "<img src=\"https://img.kabar.test/item%u.jpg\" width=\"120\" alt=\"Item %u\">"
                              "<p class=\"p\">Berita nomor %u: rapat anggaran, laporan mingguan &amp; jadwal baru. "
                              "<a href=\"https://kabar.test/item/%u?utm_source=mail\">Baca selengkapnya</a></p>"
                              "</td></tr></table>\n", i, i, i, i, i);
      g_string_append_printf (text, "Berita nomor %u: rapat anggaran, laporan mingguan & jadwal baru.\n"
                              "Baca selengkapnya: https://kabar.test/item/%u\n\n", i, i);
    }
  g_string_append (html, "</body></html>\n");
  g_string_append (message, "From: Kabar <news@kabar.test>\nTo: dewi@kabar.test\n"
                            "Subject: Newsletter\nDate: Sun, 22 Nov 2026 08:00:00 +0700\nMIME-Version: 1.0\n"
                            "Content-Type: multipart/alternative; boundary=\"nl\"\n\n--nl\n"
                            "Content-Type: text/plain; charset=utf-8\n\n");
  g_string_append (message, text->str);
  g_string_append (message, "\n--nl\nContent-Type: text/html; charset=utf-8\n\n");
  g_string_append (message, html->str);
  g_string_append (message, "\n--nl--\n");
  g_string_free (html, TRUE);
  g_string_free (text, TRUE);
  return g_string_free_to_bytes (message);
}

/* A short text and an attachment of about size bytes, base64. */
static GBytes *
make_large (gsize size)
{
  GString *message = g_string_new ("From: Dewi <dewi@kabar.test>\nTo: budi@kabar.test\n"
                                   "Subject: Video of the launch\nDate: Sun, 22 Nov 2026 08:00:00 +0700\n"
                                   "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"big\"\n\n"
                                   "--big\nContent-Type: text/plain; charset=utf-8\n\nThe video is attached.\n"
                                   "--big\nContent-Type: video/mp4; name=\"launch.mp4\"\n"
                                   "Content-Disposition: attachment; filename=\"launch.mp4\"\n"
                                   "Content-Transfer-Encoding: base64\n\n");
  gsize binary = size * 3 / 4;
  g_autofree guint8 *data = g_malloc (binary);
  g_autofree char *encoded = NULL;
  GRand *rand = g_rand_new_with_seed (47);

  for (gsize i = 0; i < binary; i++)
    data[i] = (guint8) g_rand_int (rand);
  g_rand_free (rand);
  encoded = g_base64_encode (data, binary);
  for (gsize i = 0; encoded[i] != '\0'; i += 76)
    {
      g_string_append_len (message, encoded + i, (gssize) MIN (76, strlen (encoded + i)));
      g_string_append_c (message, '\n');
    }
  g_string_append (message, "--big--\n");
  return g_string_free_to_bytes (message);
}

static void
print_timing (const char *name,
              gsize       size,
              Timing      timing)
{
  g_print ("  %-36s %9" G_GSIZE_FORMAT " bytes  median %8.2f ms  worst %8.2f ms\n",
           name, size, timing.median, timing.worst);
}

static void
bench_corpus (void)
{
  g_autoptr(GDir) dir = g_dir_open (corpus, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) medians = g_array_new (FALSE, FALSE, sizeof (double));
  double worst = 0;
  const char *worst_name = "";
  const char *file;

  if (dir == NULL)
    g_error ("no corpus in %s: give --corpus DIR", corpus);
  while ((file = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (file, ".eml"))
      g_ptr_array_add (names, g_strdup (file));
  g_ptr_array_sort (names, compare_names);
  g_print ("The corpus (%u messages, %d runs each, HTML preferred):\n", names->len, runs);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (corpus, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;
      g_autoptr(GBytes) raw = NULL;
      Timing timing;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      raw = g_bytes_new_take (g_steal_pointer (&contents), length);
      timing = time_message (raw, KABAR_DISPLAY_PREFER_HTML);
      print_timing (g_ptr_array_index (names, i), length, timing);
      g_array_append_val (medians, timing.median);
      if (timing.worst > worst)
        {
          worst = timing.worst;
          worst_name = g_ptr_array_index (names, i);
        }
    }
  g_array_sort (medians, compare_doubles);
  g_print ("Corpus: median of the messages' medians %.2f ms, slowest median %.2f ms, worst run %.2f ms (%s)\n",
           g_array_index (medians, double, medians->len / 2),
           g_array_index (medians, double, medians->len - 1), worst, worst_name);
  g_print ("Goal: a typical message in under %.0f ms: %s\n", GOAL_MS,
           g_array_index (medians, double, medians->len / 2) < GOAL_MS ? "met" : "NOT met");
}

static void
bench_generated (void)
{
  g_autoptr(GBytes) newsletter = make_newsletter (1024 * 1024);
  g_autoptr(GBytes) large = make_large (20 * 1024 * 1024);

  g_print ("Generated:\n");
  print_timing ("1 MB newsletter, HTML preferred", g_bytes_get_size (newsletter),
                time_message (newsletter, KABAR_DISPLAY_PREFER_HTML));
  print_timing ("1 MB newsletter, plain text preferred", g_bytes_get_size (newsletter),
                time_message (newsletter, KABAR_DISPLAY_FLAGS_NONE));
  print_timing ("20 MB message (a base64 video)", g_bytes_get_size (large),
                time_message (large, KABAR_DISPLAY_FLAGS_NONE));
}

int
main (int    argc,
      char **argv)
{
  const GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Times each message is made (default 15)", "N" },
    { "corpus", 0, 0, G_OPTION_ARG_FILENAME, &corpus, "The corpus (default tests/data/mime)", "DIR" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the display model");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (runs < 1)
    runs = 1;
  if (corpus == NULL)
    corpus = g_build_filename (KABAR_SOURCE_DIR, "tests", "data", "mime", NULL);
  bench_corpus ();
  bench_generated ();
  g_free (corpus);
  return 0;
}
