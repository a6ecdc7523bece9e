/* bench-main-window.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 6's window benchmark: the real application and window on a
 * synced INBOX of 100,000 messages in the test bed's Dovecot. Not a test:
 * it prints figures and the issue's goals, met or not, and asserts no
 * time.
 *
 * The bed is filled (INBOX and a small "Other" folder) and synced once
 * into the account's store by a KabarMailService in a child process (not
 * timed), as after a first run of Kabar. Then, in this process:
 * - start: from creating the application (GTK is initialised before) to
 *   the end of the first frame (GdkFrameClock "after-paint") in which a
 *   message row is drawn bound to INBOX's newest message;
 * - folder switch: from selecting INBOX in the sidebar, "Other" shown, to
 *   the end of the first frame that draws INBOX's newest message, a few
 *   times;
 * - scrolling: INBOX from its top to its bottom at a steady pace (the
 *   list's adjustment moved on each frame by the time since the last one),
 *   with each frame's interval since the one before (what the eye sees as
 *   a stutter) and the work of the frame (from the frame clock's
 *   "before-paint" to "after-paint": layout, binding rows, drawing);
 *   longest and 99th percentile of each;
 * - search: the store's search of the folder (the service's local stage)
 *   to its results, and, through the search model shown in the message
 *   list, to the first frame that draws a result;
 * - peak RSS (VmHWM) of this process, which never held the sync.
 *
 * Xvfb has no GPU: GTK draws with cairo into shared memory, so frames
 * cost more than on a desktop with GL.
 *
 * Run as root (the bed's Dovecot) in a test session, which gives it the
 * display, the keyring and XDG folders of its own:
 *
 *   ninja -C _build tests/bench/bench-main-window
 *   KABAR_TEST_TMPDIR=/dev/shm tests/kabar-test-session --display \
 *     _build/tests/bench/bench-main-window [--count N] [--scroll-seconds S]
 *
 * --perf FILE records perf call graphs of the measured part (not the fill
 * and the sync): perf report -i FILE --no-children.
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kabar-account-item.h"
#include "kabar-account-manager.h"
#include "kabar-application.h"
#include "kabar-renderer.h"
#include "kabar-bed-account.h"
#include "kabar-folder-list.h"
#include "kabar-message-item.h"
#include "kabar-message-list.h"
#include "kabar-message-row.h"
#include "kabar-search-model.h"
#include "kabar-test-bed.h"
#include "kabar-window.h"

#define USER          "bench@" KABAR_TEST_BED_DOMAIN
#define PASSWORD      "Sandi-Bench-123"
#define OTHER_COUNT   50
#define SWITCHES      5
#define WAIT_SECONDS  600
#define LABEL_WIDTH   44

static guint count = 100000;
static double scroll_seconds = 20;
static gboolean no_conversations;
static char *perf_output;
static gboolean sync_only;

static KabarApplication *app;
static GtkWidget *window;

/* --- waiting and measuring ---------------------------------------------------------------- */

/* The main thread's CPU time, in microseconds: what a frame cost whatever
 * else the machine was running. */
static gint64
thread_cpu_time (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
wait_for (gboolean (*condition) (gpointer data),
          gpointer  data,
          const char *what)
{
  gint64 start = g_get_monotonic_time ();

  while (!condition (data))
    {
      if (seconds_since (start) > WAIT_SECONDS)
        g_error ("Gave up waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
}

static double
status_mib (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *key = g_strdup_printf ("\n%s:", field);
  const char *line;
  unsigned long kib = 0;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, key)) == NULL
      || sscanf (line + strlen (key), "%lu", &kib) != 1)
    return -1;
  return kib / 1024.0;
}

/* The kernel's high-water mark starts again from the current RSS. */
static void
reset_peak_rss (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean written = file != NULL && fputs ("5", file) >= 0;

  if (file == NULL || fclose (file) != 0 || !written)
    g_printerr ("Could not reset the peak RSS: it includes the sync\n");
}

/* Wall times mean little on a busy machine: say how busy. */
static void
print_load (const char *when)
{
  g_autofree char *load = NULL;

  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    g_print ("%-*s %s", LABEL_WIDTH, when, load);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Sorts values. */
static double
percentile (GArray *values,
            double  fraction)
{
  guint index;

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  index = MIN (values->len - 1, (guint) (fraction * values->len));
  return g_array_index (values, double, index);
}

static const char *
verdict (double value,
         double goal)
{
  return value < goal ? "met" : "NOT MET";
}

/* --- what the window shows ---------------------------------------------------------------- */

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

static GtkWidget *
find_widget (GType type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect (window, type, found);
  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

static KabarFolderList *
folder_list (void)
{
  GtkWidget *found = find_widget (KABAR_TYPE_FOLDER_LIST);

  return found != NULL ? KABAR_FOLDER_LIST (found) : NULL;
}

static KabarFolderItem *
folder_item (const char *path)
{
  KabarFolderList *list = folder_list ();
  GListModel *accounts = list != NULL ? kabar_folder_list_get_accounts (list) : NULL;

  for (guint i = 0; accounts != NULL && i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(KabarAccountItem) account = g_list_model_get_item (accounts, i);
      GListModel *folders = kabar_account_item_get_folders (account);

      for (guint j = 0; j < g_list_model_get_n_items (folders); j++)
        {
          g_autoptr(KabarFolderItem) folder = g_list_model_get_item (folders, j);

          if (g_strcmp0 (kabar_folder_item_get_folder (folder)->path, path) == 0)
            return folder;
        }
    }
  return NULL;
}

/* A message row drawn with this subject. */
static gboolean
row_shows (const char *subject)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  if (window == NULL)
    return FALSE;
  collect (window, KABAR_TYPE_MESSAGE_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      KabarMessageItem *item = kabar_message_row_get_item (g_ptr_array_index (rows, i));
      const KabarMessageSummary *summary = item != NULL ? kabar_message_item_get_summary (item) : NULL;

      /* A row out of sight may hold an item it does not show yet. */
      if (summary != NULL && g_strcmp0 (summary->subject, subject) == 0
          && kabar_message_row_get_shown (g_ptr_array_index (rows, i))
          && gtk_widget_is_drawable (g_ptr_array_index (rows, i)))
        return TRUE;
    }
  return FALSE;
}

/* --- painted frames ----------------------------------------------------------------------- */

/* The end of the first frame after start whose paint drew subject. */
typedef struct
{
  const char *subject;
  gint64      start;
  double      seconds;
  /* The first frame painted at all, and its end. */
  double      first_frame;
  gulong      handler;
  GdkFrameClock *clock;
} PaintWait;

static void
on_after_paint (GdkFrameClock *clock,
                PaintWait     *wait)
{
  if (wait->first_frame < 0)
    wait->first_frame = seconds_since (wait->start);
  if (wait->seconds >= 0 || !row_shows (wait->subject))
    return;
  wait->seconds = seconds_since (wait->start);
}

static gboolean
paint_done (gpointer data)
{
  PaintWait *wait = data;

  if (wait->clock == NULL && window != NULL && gtk_widget_get_realized (window))
    {
      wait->clock = gtk_widget_get_frame_clock (window);
      wait->handler = g_signal_connect (wait->clock, "after-paint", G_CALLBACK (on_after_paint), wait);
    }
  return wait->seconds >= 0;
}

static double
wait_for_paint_full (const char *subject,
                     gint64      start,
                     double     *first_frame)
{
  PaintWait wait = { subject, start, -1, -1, 0, NULL };

  wait_for (paint_done, &wait, subject);
  g_signal_handler_disconnect (wait.clock, wait.handler);
  if (first_frame != NULL)
    *first_frame = wait.first_frame;
  return wait.seconds;
}

static double
wait_for_paint (const char *subject,
                gint64      start)
{
  return wait_for_paint_full (subject, start, NULL);
}

/* --- the mailbox -------------------------------------------------------------------------- */

static KabarAccount *
set_up_mailbox (KabarTestBed *bed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarAccount) account = NULL;
  gint64 start = g_get_monotonic_time ();

  kabar_test_bed_add_user (bed, USER, PASSWORD);
  /* Postfix only for the account's outgoing server, which it must name. */
  if (!kabar_test_bed_start (bed, KABAR_TEST_BED_DOVECOT | KABAR_TEST_BED_POSTFIX, &error)
      || !kabar_test_bed_fill_folder (bed, USER, "INBOX", count, &error)
      || !kabar_test_bed_fill_folder (bed, USER, "Other", OTHER_COUNT, &error))
    g_error ("The bed: %s", error->message);
  account = kabar_bed_account_new ("Bench", USER, KABAR_TEST_BED_HOST,
                                   kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_IMAPS),
                                   kabar_test_bed_get_port (bed, KABAR_TEST_BED_PORT_SUBMISSION),
                                   kabar_test_bed_get_certificate (bed));
  if (!kabar_bed_account_save (account, PASSWORD, &error))
    g_error ("The account: %s", error->message);
  g_print ("%-*s %u + %u messages, %.1f s\n", LABEL_WIDTH, "fill (INBOX + Other)", count,
           OTHER_COUNT, seconds_since (start));
  return g_steal_pointer (&account);
}

typedef struct
{
  KabarMailService *service;
  gboolean          listed;
  guint             inbox;
  guint             other;
} SyncWait;

static void
on_folders_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SyncWait *wait = user_data;
  g_autoptr(GPtrArray) folders = kabar_mail_service_list_folders_finish (wait->service, result, NULL);

  for (guint i = 0; folders != NULL && i < folders->len; i++)
    {
      KabarStoreFolder *folder = g_ptr_array_index (folders, i);

      if (folder->sync.uidnext == 0)
        continue;
      if (g_strcmp0 (folder->path, "INBOX") == 0)
        wait->inbox = folder->total_count;
      else if (g_strcmp0 (folder->path, "Other") == 0)
        wait->other = folder->total_count;
    }
  wait->listed = TRUE;
}

static gboolean
store_synced (gpointer data)
{
  SyncWait *wait = data;

  if (wait->inbox == count && wait->other == OTHER_COUNT
      && kabar_mail_service_get_status (wait->service) == KABAR_MAIL_SERVICE_STATUS_ONLINE)
    return TRUE;
  if (kabar_mail_service_get_store (wait->service) != NULL && wait->listed)
    {
      wait->listed = FALSE;
      g_usleep (100 * 1000);
      kabar_mail_service_list_folders_async (wait->service, NULL, on_folders_listed, wait);
    }
  return FALSE;
}

/* As after a first run of Kabar: the store at its default place. Done in
 * a process of its own (sync_in_child()), as Kabar's next start is: the
 * memory the sync took is not the window's. */
static void
sync_store (KabarAccount *account)
{
  g_autofree char *path = kabar_mail_service_dup_default_store_path (account);
  g_autofree char *directory = g_path_get_dirname (path);
  SyncWait wait = { NULL, TRUE, 0, 0 };
  gint64 start = g_get_monotonic_time ();

  g_mkdir_with_parents (directory, 0700);
  wait.service = kabar_mail_service_new (account, path);
  kabar_mail_service_start (wait.service);
  wait_for (store_synced, &wait, "the first sync");
  kabar_mail_service_stop (wait.service);
  g_clear_object (&wait.service);
  g_print ("%-*s %.1f s (not a goal)\n", LABEL_WIDTH, "first sync into the store", seconds_since (start));
}

static void
on_accounts_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kabar_account_manager_load_finish (KABAR_ACCOUNT_MANAGER (source), result, &error))
    g_error ("The accounts: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* --sync-store: the child's part, on the account the parent saved. */
static void
sync_saved_account (void)
{
  g_autoptr(KabarAccountManager) manager = kabar_account_manager_new (NULL);
  g_autoptr(KabarAccount) account = NULL;
  gboolean loaded = FALSE;

  kabar_account_manager_load_async (manager, NULL, on_accounts_loaded, &loaded);
  wait_for (flag_set, &loaded, "the accounts");
  if (g_list_model_get_n_items (G_LIST_MODEL (manager)) != 1)
    g_error ("Expected the bench's account alone");
  account = g_list_model_get_item (G_LIST_MODEL (manager), 0);
  sync_store (account);
}

static void
sync_in_child (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *count_text = g_strdup_printf ("%u", count);
  const char *argv[] = { self, "--sync-store", "--count", count_text, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (self == NULL
      || !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("The sync: %s", error != NULL ? error->message : "no /proc/self/exe");
}

/* --- the measures ------------------------------------------------------------------------- */

static char *
newest_subject (void)
{
  return g_strdup_printf ("Message %u", count);
}

static gboolean
window_exists (gpointer data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  window = windows != NULL ? windows->data : NULL;
  return window != NULL;
}

static double
measure_start (double *first_frame)
{
  g_autofree char *subject = newest_subject ();
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  app = kabar_application_new ();
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("Registering the application: %s", error->message);
  g_application_activate (G_APPLICATION (app));
  wait_for (window_exists, NULL, "the window");
  return wait_for_paint_full (subject, start, first_frame);
}

static void
select_folder (const char *path)
{
  KabarFolderItem *folder = folder_item (path);

  if (folder == NULL || !kabar_folder_list_select_folder (folder_list (), folder))
    g_error ("Could not select %s", path);
}

static void
measure_switches (GArray *switches)
{
  g_autofree char *inbox_subject = newest_subject ();
  g_autofree char *other_subject = g_strdup_printf ("Message %u", OTHER_COUNT);

  for (guint i = 0; i < SWITCHES; i++)
    {
      double seconds;

      select_folder ("Other");
      wait_for_paint (other_subject, g_get_monotonic_time ());
      seconds = wait_for_paint (inbox_subject, (select_folder ("INBOX"), g_get_monotonic_time ()));
      g_array_append_val (switches, seconds);
    }
}

/* Scrolling: the adjustment moved on each frame, and each frame's
 * timings. */
typedef struct
{
  GtkAdjustment *adjustment;
  GdkFrameClock *clock;
  double         pixels_per_second;
  gint64         last_frame_time;
  gint64         last_paint_end;
  gint64         paint_start;
  gint64         paint_start_cpu;
  gint64         layout_start;
  gint64         draw_start;
  GArray        *intervals;   /* ms between the ends of consecutive frames */
  GArray        *work;        /* ms from before-paint to after-paint */
  GArray        *work_cpu;    /* the main thread's CPU ms in that time */
  GArray        *layout;      /* ms of the update and layout phases (the
                               * scroll, measuring, binding rows) */
  GArray        *draw;        /* ms of the paint phase (snapshot, rendering) */
  /* Rows in view at the end of each frame, and those of them that showed
   * their message (not a placeholder waiting for its page). */
  GtkWidget     *list_view;
  guint64        rows_in_view;
  guint64        rows_filled;
  guint          frames_filled;
  gboolean       done;
  guint          tick;
  double         stop_after;  /* seconds; 0: at the bottom */
  gint64         started;
  /* The main loop's longest wait to run a 5 ms timer: work outside the
   * frames (a page of rows arriving) as well as in them. */
  gint64         last_timer;
  double         longest_block;
} Scroll;

static char *newest_subject_text;

static gboolean
on_scroll_tick (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  Scroll *scroll = data;
  gint64 frame_time = gdk_frame_clock_get_frame_time (clock);
  double bottom = gtk_adjustment_get_upper (scroll->adjustment)
                  - gtk_adjustment_get_page_size (scroll->adjustment);
  double value = gtk_adjustment_get_value (scroll->adjustment);

  if (value >= bottom - 0.5
      || (scroll->stop_after > 0 && seconds_since (scroll->started) >= scroll->stop_after))
    {
      scroll->done = TRUE;
      scroll->tick = 0;
      return G_SOURCE_REMOVE;
    }
  if (scroll->last_frame_time != 0)
    value += scroll->pixels_per_second * (frame_time - scroll->last_frame_time) / G_USEC_PER_SEC;
  scroll->last_frame_time = frame_time;
  gtk_adjustment_set_value (scroll->adjustment, MIN (value, bottom));
  return G_SOURCE_CONTINUE;
}

static void
on_before_paint (GdkFrameClock *clock,
                 Scroll        *scroll)
{
  scroll->paint_start = g_get_monotonic_time ();
  scroll->paint_start_cpu = thread_cpu_time ();
  /* A frame may skip either phase. */
  scroll->layout_start = scroll->draw_start = 0;
}

static void
on_layout (GdkFrameClock *clock,
           Scroll        *scroll)
{
  scroll->layout_start = g_get_monotonic_time ();
}

static void
on_paint (GdkFrameClock *clock,
          Scroll        *scroll)
{
  scroll->draw_start = g_get_monotonic_time ();
}

/* What the user saw: the rows in view, and how many showed a message. */
static void
count_rows_in_view (Scroll *scroll)
{
  int height = gtk_widget_get_height (scroll->list_view);
  guint in_view = 0, filled = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (scroll->list_view); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      graphene_rect_t bounds;
      KabarMessageItem *item;

      /* The list view unmaps the rows it does not draw, and leaves them
       * where they were. */
      if (row == NULL || !KABAR_IS_MESSAGE_ROW (row) || !gtk_widget_is_drawable (row)
          || !gtk_widget_compute_bounds (child, scroll->list_view, &bounds)
          || bounds.origin.y + bounds.size.height <= 0 || bounds.origin.y >= height)
        continue;
      in_view++;
      item = kabar_message_row_get_item (KABAR_MESSAGE_ROW (row));
      if (item != NULL && kabar_message_item_get_summary (item) != NULL
          && kabar_message_row_get_shown (KABAR_MESSAGE_ROW (row)))
        filled++;

    }
  scroll->rows_in_view += in_view;
  scroll->rows_filled += filled;
  if (in_view > 0 && filled == in_view)
    scroll->frames_filled++;
}

static void
on_scroll_after_paint (GdkFrameClock *clock,
                       Scroll        *scroll)
{
  gint64 now = g_get_monotonic_time ();
  double work = (now - scroll->paint_start) / 1000.0;
  double work_cpu = (thread_cpu_time () - scroll->paint_start_cpu) / 1000.0;
  /* The marks are set by handlers that run after GTK's own: each is the
   * end of its phase. The update phase (the scroll's tick) counts with
   * the layout. */
  gint64 layout_end = scroll->layout_start != 0 ? scroll->layout_start : scroll->paint_start;
  double layout = (layout_end - scroll->paint_start) / 1000.0;
  double draw = scroll->draw_start != 0 ? (scroll->draw_start - layout_end) / 1000.0 : 0;

  g_array_append_val (scroll->layout, layout);
  g_array_append_val (scroll->draw, draw);

  if (scroll->last_paint_end != 0)
    {
      double interval = (now - scroll->last_paint_end) / 1000.0;

      g_array_append_val (scroll->intervals, interval);
    }
  g_array_append_val (scroll->work, work);
  g_array_append_val (scroll->work_cpu, work_cpu);
  count_rows_in_view (scroll);
  /* The count is the bench's own work, not the frame's. */
  scroll->last_paint_end = g_get_monotonic_time ();
}

static gboolean
on_block_timer (gpointer data)
{
  Scroll *scroll = data;
  gint64 now = g_get_monotonic_time ();

  if (scroll->last_timer != 0)
    scroll->longest_block = MAX (scroll->longest_block, (now - scroll->last_timer) / 1000.0 - 5);
  scroll->last_timer = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
scroll_done (gpointer data)
{
  return ((Scroll *) data)->done;
}

/* From the top, pixels_per_second for seconds, or to the bottom when
 * pixels_per_second is 0 (the whole estimated height in scroll_seconds). */
static void
measure_scroll (Scroll     *scroll,
                double      pixels_per_second,
                double      seconds,
                const char *label)
{
  GtkWidget *list = find_widget (KABAR_TYPE_MESSAGE_LIST);
  GtkWidget *scroller;
  g_autoptr(GPtrArray) scrollers = g_ptr_array_new ();
  gulong handlers[4];
  guint timer;
  gint64 start;

  if (list == NULL)
    g_error ("No message list");
  collect (list, GTK_TYPE_SCROLLED_WINDOW, scrollers);
  if (scrollers->len == 0)
    g_error ("No scrolled message list");
  scroller = g_ptr_array_index (scrollers, 0);
  scroll->adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  scroll->list_view = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  scroll->clock = gtk_widget_get_frame_clock (window);
  /* From the top, drawn: a frame is asked for, or none would come. */
  gtk_adjustment_set_value (scroll->adjustment, 0);
  gtk_widget_queue_draw (scroller);
  wait_for_paint (newest_subject_text, g_get_monotonic_time ());
  /* Steady: the estimate of the height grows as rows are measured; the
   * pace does not. */
  scroll->pixels_per_second = pixels_per_second > 0
                              ? pixels_per_second
                              : gtk_adjustment_get_upper (scroll->adjustment) / scroll_seconds;
  scroll->stop_after = pixels_per_second > 0 ? seconds : 0;
  scroll->intervals = g_array_new (FALSE, FALSE, sizeof (double));
  scroll->work = g_array_new (FALSE, FALSE, sizeof (double));
  scroll->work_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  scroll->layout = g_array_new (FALSE, FALSE, sizeof (double));
  scroll->draw = g_array_new (FALSE, FALSE, sizeof (double));
  handlers[0] = g_signal_connect (scroll->clock, "before-paint", G_CALLBACK (on_before_paint), scroll);
  handlers[1] = g_signal_connect (scroll->clock, "layout", G_CALLBACK (on_layout), scroll);
  handlers[2] = g_signal_connect (scroll->clock, "paint", G_CALLBACK (on_paint), scroll);
  handlers[3] = g_signal_connect (scroll->clock, "after-paint", G_CALLBACK (on_scroll_after_paint), scroll);
  start = g_get_monotonic_time ();
  scroll->started = start;
  scroll->tick = gtk_widget_add_tick_callback (scroller, on_scroll_tick, scroll, NULL);
  timer = g_timeout_add_full (G_PRIORITY_HIGH, 5, on_block_timer, scroll, NULL);
  wait_for (scroll_done, scroll, "the end of the scroll");
  g_source_remove (timer);
  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_handler_disconnect (scroll->clock, handlers[i]);
  g_print ("%-*s %.1f s, %.0f px/s, %u frames, to %.0f of %.0f px\n", LABEL_WIDTH, label,
           seconds_since (start), scroll->pixels_per_second, scroll->work->len,
           gtk_adjustment_get_value (scroll->adjustment),
           gtk_adjustment_get_upper (scroll->adjustment));
}

typedef struct
{
  GPtrArray *results;
  gboolean   done;
} SearchWait;

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SearchWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->results = kabar_mail_service_search_local_finish (KABAR_MAIL_SERVICE (source), result, &error);
  if (wait->results == NULL)
    g_error ("Search: %s", error->message);
  wait->done = TRUE;
}

static gboolean
search_done (gpointer data)
{
  return ((SearchWait *) data)->done;
}

/* The service's local stage, what the search model shows first. */
static double
measure_engine_search (KabarMailService *service,
                       gint64            folder_id,
                       const char       *query,
                       guint            *n_results)
{
  SearchWait wait = { NULL, FALSE };
  gint64 start = g_get_monotonic_time ();
  double seconds;

  kabar_mail_service_search_local_async (service, folder_id, query, NULL, on_searched, &wait);
  wait_for (search_done, &wait, "the search");
  seconds = seconds_since (start);
  *n_results = wait.results->len;
  g_ptr_array_unref (wait.results);
  return seconds;
}

/* Through the search model in the message list, to the painted result. */
static double
measure_shown_search (KabarMailService *service,
                      gint64            folder_id,
                      const char       *query,
                      const char       *subject)
{
  KabarMessageList *list = KABAR_MESSAGE_LIST (find_widget (KABAR_TYPE_MESSAGE_LIST));
  gint64 start = g_get_monotonic_time ();
  g_autoptr(KabarSearchModel) model = kabar_search_model_new (service, folder_id, query);
  double seconds;

  kabar_message_list_set_search_model (list, G_LIST_MODEL (model));
  seconds = wait_for_paint (subject, start);
  kabar_message_list_set_search_model (list, NULL);
  return seconds;
}

/* --- profiling ------------------------------------------------------------------------------ */

/* perf on this process from now on, not the fill and the sync before. */
static GPid
start_perf (void)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  const char *argv[] = { "perf", "record", "--quiet", "-F", "499", "--call-graph", "dwarf,16384",
                         "-p", pid, "-o", perf_output, NULL };
  g_autoptr(GError) error = NULL;
  GPid perf = 0;

  if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                      NULL, NULL, &perf, &error))
    g_error ("perf: %s", error->message);
  /* perf needs a moment to attach to the threads. */
  g_usleep (G_USEC_PER_SEC);
  return perf;
}

static void
stop_perf (GPid perf)
{
  int status = 0;

  kill (perf, SIGINT);
  waitpid (perf, &status, 0);
  g_spawn_close_pid (perf);
  g_print ("%-*s %s\n", LABEL_WIDTH, "perf data", perf_output);
}

/* --- the report ------------------------------------------------------------------------------- */

static void
print_figure (const char *label,
              double      value_ms,
              double      goal_ms)
{
  if (goal_ms > 0)
    g_print ("%-*s %8.1f ms   goal < %.0f ms: %s\n", LABEL_WIDTH, label, value_ms, goal_ms,
             verdict (value_ms, goal_ms));
  else
    g_print ("%-*s %8.1f ms\n", LABEL_WIDTH, label, value_ms);
}

static void
print_scroll (const char *what,
              Scroll     *scroll,
              double      goal_ms)
{
  g_autofree char *interval = g_strdup_printf ("%s: longest frame interval", what);
  g_autofree char *interval_99 = g_strdup_printf ("%s: 99th percentile interval", what);
  g_autofree char *work = g_strdup_printf ("%s: longest frame's work", what);
  g_autofree char *work_99 = g_strdup_printf ("%s: 99th percentile work", what);
  g_autofree char *cpu = g_strdup_printf ("%s: longest / 99th pc. frame's CPU", what);
  g_autofree char *split = g_strdup_printf ("%s: longest layout / paint", what);
  g_autofree char *block = g_strdup_printf ("%s: longest main-loop block", what);
  g_autofree char *filled = g_strdup_printf ("%s: rows in view showing a message", what);

  print_figure (interval, percentile (scroll->intervals, 1), goal_ms);
  print_figure (interval_99, percentile (scroll->intervals, 0.99), 0);
  print_figure (work, percentile (scroll->work, 1), goal_ms);
  print_figure (work_99, percentile (scroll->work, 0.99), 0);
  g_print ("%-*s %8.1f ms / %.1f ms\n", LABEL_WIDTH, cpu, percentile (scroll->work_cpu, 1),
           percentile (scroll->work_cpu, 0.99));

  g_print ("%-*s %8.1f ms / %.1f ms\n", LABEL_WIDTH, split, percentile (scroll->layout, 1),
           percentile (scroll->draw, 1));
  print_figure (block, scroll->longest_block, 0);
  g_print ("%-*s %7.1f %%   (frames with every row in view shown: %.1f %%)\n", LABEL_WIDTH,
           filled, scroll->rows_in_view > 0 ? 100.0 * scroll->rows_filled / scroll->rows_in_view : 0,
           scroll->work->len > 0 ? 100.0 * scroll->frames_filled / scroll->work->len : 0);
}

static void
scroll_clear (Scroll *scroll)
{
  g_clear_pointer (&scroll->intervals, g_array_unref);
  g_clear_pointer (&scroll->work, g_array_unref);
  g_clear_pointer (&scroll->work_cpu, g_array_unref);
  g_clear_pointer (&scroll->layout, g_array_unref);
  g_clear_pointer (&scroll->draw, g_array_unref);
}

static void
run (void)
{
  g_autoptr(KabarTestBed) bed = NULL;
  g_autoptr(KabarAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) switches = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *rare = g_strdup_printf ("Message %u", count * 7 / 9);
  Scroll reading = { 0 };
  Scroll whole = { 0 };
  KabarMailService *service;
  KabarFolderItem *inbox;
  double start_seconds, first_frame = -1, engine_rare, engine_common, shown_rare;
  double rss_synced, rss_started, rss;
  guint n_rare = 0, n_common = 0;
  GPid perf = 0;

  newest_subject_text = newest_subject ();
  bed = kabar_test_bed_new (&error);
  if (bed == NULL)
    g_error ("The bed: %s", error->message);
  print_load ("load average before");
  account = set_up_mailbox (bed);
  sync_in_child ();
  reset_peak_rss ();
  rss_synced = status_mib ("VmRSS");
  g_print ("%-*s %.1f MiB anonymous, %.1f MiB files, %.1f MiB shared memory\n", LABEL_WIDTH,
           "RSS before start", status_mib ("RssAnon"), status_mib ("RssFile"), status_mib ("RssShmem"));
  if (perf_output != NULL)
    perf = start_perf ();

  start_seconds = measure_start (&first_frame);
  rss_started = status_mib ("VmHWM");
  /* Xvfb has no GPU: GL is Mesa's llvmpipe, on the CPU. */
  g_print ("%-*s %s\n", LABEL_WIDTH, "GTK renderer",
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  measure_switches (switches);
  /* A reader's flick: a screenful about every tenth of a second. */
  measure_scroll (&reading, 5000, 5, "scroll at 5000 px/s for 5 s");
  measure_scroll (&whole, 0, 0, "scroll, top to bottom");
  select_folder ("INBOX");

  service = g_list_model_get_item (kabar_application_get_services (app), 0);
  g_object_unref (service);
  inbox = folder_item ("INBOX");
  engine_rare = measure_engine_search (service, kabar_folder_item_get_id (inbox), rare, &n_rare);
  engine_common = measure_engine_search (service, kabar_folder_item_get_id (inbox), "message",
                                         &n_common);
  shown_rare = measure_shown_search (service, kabar_folder_item_get_id (inbox), rare, rare);
  rss = status_mib ("VmHWM");
  g_print ("%-*s %.1f MiB anonymous, %.1f MiB files, %.1f MiB shared memory\n", LABEL_WIDTH,
           "RSS at the end", status_mib ("RssAnon"), status_mib ("RssFile"), status_mib ("RssShmem"));
  print_load ("load average after");
  if (perf != 0)
    stop_perf (perf);

  g_print ("\n");
  print_figure ("start to the window's first frame", first_frame * 1000, 0);
  print_figure ("start to a painted window with the list", start_seconds * 1000, 1000);
  {
    double min = percentile (switches, 0), median = percentile (switches, 0.5);
    double max = percentile (switches, 1);

    g_print ("%-*s %8.1f ms   (min %.1f, max %.1f of %u)   goal < 150 ms: %s\n", LABEL_WIDTH,
             "folder switch to INBOX, painted (median)", median * 1000, min * 1000, max * 1000,
             switches->len, verdict (max * 1000, 150));
  }
  print_scroll ("flick", &reading, 50);
  print_scroll ("top to bottom", &whole, 50);
  {
    g_autofree char *label = g_strdup_printf ("search \"%s\" (%u), the store's results", rare, n_rare);

    print_figure (label, engine_rare * 1000, 100);
  }
  {
    g_autofree char *label = g_strdup_printf ("search \"message\" (%u), the store's results", n_common);

    print_figure (label, engine_common * 1000, 100);
  }
  print_figure ("search, to the painted first result", shown_rare * 1000, 100);
  g_print ("%-*s %8.1f MiB  (before start %.1f, after start %.1f)   goal < 250 MB: %s\n",
           LABEL_WIDTH, "peak RSS (VmHWM)", rss, rss_synced, rss_started,
           verdict (rss * 1024 * 1024, 250e6));

  scroll_clear (&reading);
  scroll_clear (&whole);
  g_free (newest_subject_text);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  kabar_test_bed_stop (bed);
}

int
main (int   argc,
      char *argv[])
{
  int scroll_seconds_arg = 0;
  int count_arg = 0;
  GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT, &count_arg, "Messages in INBOX (100000)", "N" },
    { "scroll-seconds", 0, 0, G_OPTION_ARG_INT, &scroll_seconds_arg,
      "Seconds from top to bottom (20)", "S" },
    { "no-conversations", 0, 0, G_OPTION_ARG_NONE, &no_conversations,
      "Messages one by one, not grouped by conversation", NULL },
    { "sync-store", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &sync_only,
      "Only sync the saved account's store (the bench runs itself so)", NULL },
    { "perf", 0, 0, G_OPTION_ARG_FILENAME, &perf_output,
      "Record perf samples (call graphs) of the measured part into FILE", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- Kabar's main window benchmark");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (count_arg > 0)
    count = count_arg;
  if (scroll_seconds_arg > 0)
    scroll_seconds = scroll_seconds_arg;
  if (sync_only)
    {
      sync_saved_account ();
      return 0;
    }
  /* The build's schema, and settings that start from the defaults. */
  g_setenv ("GSETTINGS_SCHEMA_DIR", KABAR_BUILD_ROOT "/data", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  gtk_init ();
  /* As main.c does: the window as Kabar draws it here. */
  kabar_renderer_avoid_software_gl ();
  if (no_conversations)
    {
      g_autoptr(GSettings) settings = g_settings_new (KABAR_APPLICATION_ID);

      g_settings_set_boolean (settings, "conversations", FALSE);
    }
  run ();
  return 0;
}
