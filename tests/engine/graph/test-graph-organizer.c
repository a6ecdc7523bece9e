/* test-graph-organizer.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Contacts, calendar and To Do of a Graph account synced from the loopback
 * Graph server (kabar_graph_sync_organizer()): the first sync and the
 * next ones (paging, @removed, another device's changes), a refused delta
 * token, the calendar's window, the user's task changes reaching the
 * server (across cut connections and 5xx too: nothing lost, nothing
 * added twice), and contacts offered by address completion.
 */

#include "config.h"

#include <string.h>

#include "kabar-graph-organizer.h"
#include "kabar-graph-server-organizer.h"
#include "kabar-graph-test.h"
#include "kabar-service-test.h"
#include "kabar-store-addresses.h"
#include "kabar-store-organizer.h"
#include "kabar-test-wait.h"

#define DAY (24 * 60 * 60)

typedef KabarGraphTestFixture Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  kabar_graph_test_fixture_set_up (fixture, data);
  /* Small pages: every delta below takes several. */
  kabar_graph_server_set_page_size (fixture->server, 2);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  kabar_graph_organizer_set_now_for_testing (0);
  kabar_graph_test_fixture_tear_down (fixture, data);
}

/* --- helpers ------------------------------------------------------------------------- */

static KabarOrganizerParts
sync_ok (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  KabarOrganizerParts changed = 0;

  g_assert_true (kabar_graph_sync_organizer (fixture->client, fixture->store, &changed, NULL, &error));
  g_assert_no_error (error);
  return changed;
}

static GError *
sync_fails (Fixture *fixture)
{
  GError *error = NULL;

  g_assert_false (kabar_graph_sync_organizer (fixture->client, fixture->store, NULL, NULL, &error));
  g_assert_nonnull (error);
  return error;
}

/* The contacts' names (and query's), as "A|B|C". */
static char *
contact_names (Fixture    *fixture,
               const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) contacts = kabar_store_organizer_list_contacts (fixture->store, query, &error);
  g_autoptr(GString) names = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < contacts->len; i++)
    {
      KabarContact *contact = g_ptr_array_index (contacts, i);

      g_string_append_printf (names, "%s%s", i > 0 ? "|" : "", contact->display_name);
    }
  return g_strdup (names->str);
}

static GPtrArray *
events (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = kabar_store_organizer_list_events (fixture->store, G_MININT64 / 2, G_MAXINT64 / 2, &error);

  g_assert_no_error (error);
  return list;
}

static char *
event_subjects (Fixture *fixture)
{
  g_autoptr(GPtrArray) list = events (fixture);
  g_autoptr(GString) subjects = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    g_string_append_printf (subjects, "%s%s", i > 0 ? "|" : "", ((KabarEvent *) g_ptr_array_index (list, i))->subject);
  return g_strdup (subjects->str);
}

static GPtrArray *
task_lists (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *lists = kabar_store_organizer_list_task_lists (fixture->store, &error);

  g_assert_no_error (error);
  return lists;
}

static GPtrArray *
tasks (Fixture    *fixture,
       const char *list_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = kabar_store_organizer_list_tasks (fixture->store, list_id, &error);

  g_assert_no_error (error);
  return list;
}

/* "title" for open tasks, "[x] title" for completed ones, "*" for a
 * pending change, in the store's order. */
static char *
task_titles (Fixture    *fixture,
             const char *list_id)
{
  g_autoptr(GPtrArray) list = tasks (fixture, list_id);
  g_autoptr(GString) titles = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    {
      KabarTask *task = g_ptr_array_index (list, i);

      g_string_append_printf (titles, "%s%s%s%s", i > 0 ? "|" : "", task->completed ? "[x] " : "",
                              task->title, task->pending ? "*" : "");
    }
  return g_strdup (titles->str);
}

static KabarTask *
find_task (Fixture    *fixture,
           const char *list_id,
           const char *title)
{
  g_autoptr(GPtrArray) list = tasks (fixture, list_id);

  for (guint i = 0; i < list->len; i++)
    {
      KabarTask *task = g_ptr_array_index (list, i);

      if (g_str_equal (task->title, title))
        return kabar_task_copy (task);
    }
  return NULL;
}

static const char *
server_status (Fixture    *fixture,
               const char *task_id)
{
  g_autoptr(JsonObject) task = kabar_graph_server_get_task (fixture->server, task_id);

  g_assert_nonnull (task);
  /* Interned: the object goes. */
  return g_intern_string (json_object_get_string_member (task, "status"));
}

/* Today 00:00 here. */
static gint64
local_midnight (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now), 0, 0, 0);

  return g_date_time_to_unix (midnight);
}

/* 00:00 UTC of the day time falls on in UTC. */
static gint64
utc_day (gint64 time)
{
  g_autoptr(GDateTime) date_time = g_date_time_new_from_unix_utc (time);
  g_autoptr(GDateTime) day = g_date_time_new_utc (g_date_time_get_year (date_time),
                                                  g_date_time_get_month (date_time),
                                                  g_date_time_get_day_of_month (date_time), 0, 0, 0);

  return g_date_time_to_unix (day);
}

/* --- contacts ------------------------------------------------------------------------ */

static void
test_contacts (Fixture       *fixture,
               gconstpointer  data)
{
  const char *budi_addresses[] = { "budi@example.org", "budi.santoso@kantor.example", NULL };
  const char *budi_phones[] = { "+62 21 555 0101", NULL };
  const char *citra_addresses[] = { "citra@example.org", NULL };
  const char *dewi_addresses[] = { "dewi@example.org", NULL };
  const char *eko_addresses[] = { "eko@kantor.example", NULL };
  const char *fitri_addresses[] = { "fitri@kantor.example", NULL };
  const char *gita_addresses[] = { "gita@example.org", NULL };
  g_autofree char *budi = NULL;
  g_autofree char *citra = NULL;
  g_autofree char *office = NULL;
  g_autofree char *eko = NULL;
  g_autofree char *names = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;
  KabarContact *contact;

  budi = kabar_graph_server_add_contact (fixture->server, NULL, "Budi Santoso", "Kantor Pos", budi_addresses,
                                         budi_phones);
  citra = kabar_graph_server_add_contact (fixture->server, NULL, "Citra Lestari", NULL, citra_addresses, NULL);
  g_free (kabar_graph_server_add_contact (fixture->server, NULL, "Dewi Anggraini", NULL, dewi_addresses, NULL));
  office = kabar_graph_server_add_contact_folder (fixture->server, "Kantor");
  eko = kabar_graph_server_add_contact (fixture->server, office, "Eko Prasetyo", NULL, eko_addresses, NULL);
  g_free (kabar_graph_server_add_contact (fixture->server, office, "Fitri Handayani", NULL, fitri_addresses, NULL));

  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_CONTACTS, !=, 0);
  names = contact_names (fixture, NULL);
  g_assert_cmpstr (names, ==, "Budi Santoso|Citra Lestari|Dewi Anggraini|Eko Prasetyo|Fitri Handayani");
  contacts = kabar_store_organizer_list_contacts (fixture->store, "budi", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (contacts->len, ==, 1);
  contact = g_ptr_array_index (contacts, 0);
  g_assert_cmpstr (contact->id, ==, budi);
  g_assert_cmpstr (contact->company, ==, "Kantor Pos");
  g_assert_cmpuint (g_strv_length (contact->addresses), ==, 2);
  g_assert_cmpstr (contact->addresses[1], ==, "budi.santoso@kantor.example");
  g_assert_cmpstr (contact->phones[0], ==, "+62 21 555 0101");
  g_clear_pointer (&names, g_free);
  /* By an address, by a company, every word. */
  names = contact_names (fixture, "fitri@kan");
  g_assert_cmpstr (names, ==, "Fitri Handayani");
  g_clear_pointer (&names, g_free);
  names = contact_names (fixture, "pos bud");
  g_assert_cmpstr (names, ==, "Budi Santoso");
  g_clear_pointer (&names, g_free);

  /* Nothing new: nothing changed. */
  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_CONTACTS, ==, 0);

  /* Another device: one renamed, one deleted, one added, in both folders. */
  g_assert_true (kabar_graph_server_rename_contact (fixture->server, citra, "Citra Wulandari"));
  g_assert_true (kabar_graph_server_remove_contact (fixture->server, eko));
  g_free (kabar_graph_server_add_contact (fixture->server, NULL, "Gita Permata", NULL, gita_addresses, NULL));
  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_CONTACTS, !=, 0);
  names = contact_names (fixture, NULL);
  g_assert_cmpstr (names, ==, "Budi Santoso|Citra Wulandari|Dewi Anggraini|Fitri Handayani|Gita Permata");
  g_clear_pointer (&names, g_free);
  /* The old name no longer finds her. */
  names = contact_names (fixture, "lestari");
  g_assert_cmpstr (names, ==, "");
  g_clear_pointer (&names, g_free);

  /* A folder gone takes its contacts. */
  g_assert_true (kabar_graph_server_remove_contact_folder (fixture->server, office));
  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_CONTACTS, !=, 0);
  names = contact_names (fixture, NULL);
  g_assert_cmpstr (names, ==, "Budi Santoso|Citra Wulandari|Dewi Anggraini|Gita Permata");
}

/* --- calendar ------------------------------------------------------------------------ */

static void
test_calendar (Fixture       *fixture,
               gconstpointer  data)
{
  gint64 midnight = local_midnight ();
  gint64 holiday = utc_day (midnight + 3 * DAY + DAY / 2);
  g_autofree char *meeting = NULL;
  g_autofree char *lunch = NULL;
  g_autofree char *subjects = NULL;
  g_autoptr(GPtrArray) list = NULL;
  KabarEvent *event;

  meeting = kabar_graph_server_add_event (fixture->server, "Rapat mingguan", "Ruang 3", "Budi Santoso",
                                          "budi@example.org", midnight + DAY + 9 * 3600,
                                          midnight + DAY + 10 * 3600, FALSE);
  lunch = kabar_graph_server_add_event (fixture->server, "Makan siang", NULL, NULL, NULL,
                                        midnight + 2 * DAY + 12 * 3600, midnight + 2 * DAY + 13 * 3600, FALSE);
  g_free (kabar_graph_server_add_event (fixture->server, "Libur", NULL, NULL, NULL, holiday, holiday + DAY, TRUE));
  /* Outside the window: yesterday, and in 40 days. */
  g_free (kabar_graph_server_add_event (fixture->server, "Kemarin", NULL, NULL, NULL, midnight - DAY,
                                        midnight - DAY + 3600, FALSE));
  g_free (kabar_graph_server_add_event (fixture->server, "Nanti", NULL, NULL, NULL, midnight + 40 * DAY,
                                        midnight + 40 * DAY + 3600, FALSE));

  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_CALENDAR, !=, 0);
  subjects = event_subjects (fixture);
  g_assert_cmpstr (subjects, ==, "Rapat mingguan|Makan siang|Libur");
  g_clear_pointer (&subjects, g_free);
  list = events (fixture);
  event = g_ptr_array_index (list, 0);
  g_assert_cmpstr (event->id, ==, meeting);
  g_assert_cmpint (event->start, ==, midnight + DAY + 9 * 3600);
  g_assert_cmpint (event->end, ==, midnight + DAY + 10 * 3600);
  g_assert_cmpstr (event->location, ==, "Ruang 3");
  g_assert_cmpstr (event->organizer, ==, "Budi Santoso");
  g_assert_false (event->all_day);
  event = g_ptr_array_index (list, 1);
  g_assert_null (event->location);
  g_assert_null (event->organizer);
  event = g_ptr_array_index (list, 2);
  g_assert_true (event->all_day);
  g_assert_cmpint (event->start, ==, holiday);
  g_assert_cmpint (event->end, ==, holiday + DAY);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_CALENDAR, ==, 0);

  /* Another device: one cancelled, one deleted, one added. */
  g_assert_true (kabar_graph_server_cancel_event (fixture->server, meeting));
  g_assert_true (kabar_graph_server_remove_event (fixture->server, lunch));
  g_free (kabar_graph_server_add_event (fixture->server, "Dokter gigi", "Klinik", NULL, NULL,
                                        midnight + 5 * DAY + 8 * 3600, midnight + 5 * DAY + 9 * 3600, FALSE));
  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_CALENDAR, !=, 0);
  subjects = event_subjects (fixture);
  g_assert_cmpstr (subjects, ==, "Rapat mingguan|Libur|Dokter gigi");
  g_clear_pointer (&subjects, g_free);
  list = events (fixture);
  g_assert_true (((KabarEvent *) g_ptr_array_index (list, 0))->cancelled);
  g_assert_false (((KabarEvent *) g_ptr_array_index (list, 1))->cancelled);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A month on, the window moved: what it left goes, what it reached comes. */
  kabar_graph_organizer_set_now_for_testing (g_get_real_time () / G_USEC_PER_SEC + 30 * DAY);
  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_CALENDAR, !=, 0);
  subjects = event_subjects (fixture);
  g_assert_cmpstr (subjects, ==, "Nanti");
}

/* --- To Do --------------------------------------------------------------------------- */

typedef struct
{
  char *tasks_list;
  char *shopping;
  char *water;
  char *report;
} TodoData;

static void
todo_data_clear (TodoData *todo)
{
  g_free (todo->tasks_list);
  g_free (todo->shopping);
  g_free (todo->water);
  g_free (todo->report);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TodoData, todo_data_clear)

static void
add_todo (Fixture  *fixture,
          TodoData *todo)
{
  gint64 due = utc_day (g_get_real_time () / G_USEC_PER_SEC + 2 * DAY);

  todo->shopping = kabar_graph_server_add_task_list (fixture->server, "Belanja", FALSE);
  todo->tasks_list = kabar_graph_server_add_task_list (fixture->server, "Tasks", TRUE);
  g_free (kabar_graph_server_add_task_list (fixture->server, "Arsip", FALSE));
  g_free (kabar_graph_server_add_task (fixture->server, todo->tasks_list, "Bayar listrik", TRUE, FALSE, 0));
  todo->report = kabar_graph_server_add_task (fixture->server, todo->tasks_list, "Tulis laporan", FALSE, TRUE, due);
  todo->water = kabar_graph_server_add_task (fixture->server, todo->tasks_list, "Bayar air", FALSE, FALSE, 0);
  g_free (kabar_graph_server_add_task (fixture->server, todo->tasks_list, "Telepon ibu", FALSE, FALSE, 0));
  g_free (kabar_graph_server_add_task (fixture->server, todo->shopping, "Beras", FALSE, FALSE, 0));
}

static void
test_tasks (Fixture       *fixture,
            gconstpointer  data)
{
  g_auto(TodoData) todo = { 0 };
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(KabarTask) report = NULL;
  g_autofree char *titles = NULL;
  KabarTaskList *list;

  add_todo (fixture, &todo);
  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_TASKS, !=, 0);
  lists = task_lists (fixture);
  g_assert_cmpuint (lists->len, ==, 3);
  list = g_ptr_array_index (lists, 0);
  g_assert_cmpstr (list->name, ==, "Tasks");
  g_assert_true (list->is_default);
  g_assert_cmpuint (list->n_open, ==, 3);
  g_assert_cmpstr (((KabarTaskList *) g_ptr_array_index (lists, 1))->name, ==, "Arsip");
  g_assert_cmpuint (((KabarTaskList *) g_ptr_array_index (lists, 2))->n_open, ==, 1);
  g_clear_pointer (&lists, g_ptr_array_unref);
  /* Open ones newest first, then the completed. */
  titles = task_titles (fixture, todo.tasks_list);
  g_assert_cmpstr (titles, ==, "Telepon ibu|Bayar air|Tulis laporan|[x] Bayar listrik");
  g_clear_pointer (&titles, g_free);
  report = find_task (fixture, todo.tasks_list, "Tulis laporan");
  g_assert_true (report->important);
  g_assert_cmpint (report->due, ==, utc_day (g_get_real_time () / G_USEC_PER_SEC + 2 * DAY));
  g_assert_cmpint (report->completed_at, ==, 0);

  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_TASKS, ==, 0);

  /* Another device: one done, one deleted, one added, a list gone. */
  g_assert_true (kabar_graph_server_set_task_completed (fixture->server, todo.report, TRUE));
  g_assert_true (kabar_graph_server_remove_task (fixture->server, todo.water));
  g_free (kabar_graph_server_add_task (fixture->server, todo.tasks_list, "Servis motor", FALSE, FALSE, 0));
  g_assert_true (kabar_graph_server_remove_task_list (fixture->server, todo.shopping));
  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_TASKS, !=, 0);
  titles = task_titles (fixture, todo.tasks_list);
  g_assert_cmpstr (titles, ==, "Servis motor|Telepon ibu|[x] Tulis laporan|[x] Bayar listrik");
  g_clear_pointer (&titles, g_free);
  lists = task_lists (fixture);
  g_assert_cmpuint (lists->len, ==, 2);
  g_assert_cmpuint (((KabarTaskList *) g_ptr_array_index (lists, 0))->n_open, ==, 2);
  titles = task_titles (fixture, todo.shopping);
  g_assert_cmpstr (titles, ==, "");
}

/* --- a refused delta token ---------------------------------------------------------------- */

static void
test_refused_tokens (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *budi_addresses[] = { "budi@example.org", NULL };
  const char *citra_addresses[] = { "citra@example.org", NULL };
  gint64 midnight = local_midnight ();
  g_auto(TodoData) todo = { 0 };
  g_autofree char *budi = NULL;
  g_autofree char *meeting = NULL;
  g_autofree char *text = NULL;
  guint deltas;

  budi = kabar_graph_server_add_contact (fixture->server, NULL, "Budi Santoso", NULL, budi_addresses, NULL);
  g_free (kabar_graph_server_add_contact (fixture->server, NULL, "Citra Lestari", NULL, citra_addresses, NULL));
  meeting = kabar_graph_server_add_event (fixture->server, "Rapat", NULL, NULL, NULL, midnight + DAY,
                                          midnight + DAY + 3600, FALSE);
  g_free (kabar_graph_server_add_event (fixture->server, "Makan", NULL, NULL, NULL, midnight + 2 * DAY,
                                        midnight + 2 * DAY + 3600, FALSE));
  add_todo (fixture, &todo);
  sync_ok (fixture);

  /* Changes the store has not seen, then the server forgets every token. */
  g_assert_true (kabar_graph_server_remove_contact (fixture->server, budi));
  g_assert_true (kabar_graph_server_remove_event (fixture->server, meeting));
  g_assert_true (kabar_graph_server_remove_task (fixture->server, todo.water));
  g_free (kabar_graph_server_add_task (fixture->server, todo.tasks_list, "Servis motor", FALSE, FALSE, 0));
  kabar_graph_server_refuse_delta_tokens (fixture->server);
  deltas = kabar_graph_server_count_requests (fixture->server, "GET", "/me/contacts/delta");

  g_assert_cmpuint (sync_ok (fixture), ==, KABAR_ORGANIZER_CONTACTS | KABAR_ORGANIZER_CALENDAR
                                             | KABAR_ORGANIZER_TASKS);
  /* The refused request, then the full round. */
  g_assert_cmpuint (kabar_graph_server_count_requests (fixture->server, "GET", "/me/contacts/delta"), ==,
                    deltas + 2);
  text = contact_names (fixture, NULL);
  g_assert_cmpstr (text, ==, "Citra Lestari");
  g_clear_pointer (&text, g_free);
  text = event_subjects (fixture);
  g_assert_cmpstr (text, ==, "Makan");
  g_clear_pointer (&text, g_free);
  text = task_titles (fixture, todo.tasks_list);
  g_assert_cmpstr (text, ==, "Servis motor|Telepon ibu|Tulis laporan|[x] Bayar listrik");
  g_clear_pointer (&text, g_free);
  text = task_titles (fixture, todo.shopping);
  g_assert_cmpstr (text, ==, "Beras");
  g_clear_pointer (&text, g_free);

  /* And the new tokens work. */
  g_assert_cmpuint (sync_ok (fixture), ==, 0);
}

/* --- the user's task changes -------------------------------------------------------------- */

static void
set_completed (Fixture    *fixture,
               const char *task_id,
               gboolean    completed)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kabar_store_organizer_set_task_completed (fixture->store, task_id, completed,
                                                           g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
}

static KabarTask *
add_task (Fixture    *fixture,
          const char *list_id,
          const char *title)
{
  g_autoptr(GError) error = NULL;
  KabarTask *task = kabar_store_organizer_add_task (fixture->store, list_id, title,
                                                    g_get_real_time () / G_USEC_PER_SEC, &error);

  g_assert_no_error (error);
  g_assert_nonnull (task);
  g_assert_true (task->pending);
  return task;
}

static void
test_task_changes (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(TodoData) todo = { 0 };
  g_autoptr(KabarTask) added = NULL;
  g_autoptr(KabarTask) stored = NULL;
  g_autofree char *titles = NULL;

  add_todo (fixture, &todo);
  sync_ok (fixture);

  /* In the store at once, pending; on the server after the sync. */
  set_completed (fixture, todo.water, TRUE);
  added = add_task (fixture, todo.shopping, "Gula");
  titles = task_titles (fixture, todo.tasks_list);
  g_assert_cmpstr (titles, ==, "Telepon ibu|Tulis laporan|[x] Bayar air*|[x] Bayar listrik");
  g_clear_pointer (&titles, g_free);
  titles = task_titles (fixture, todo.shopping);
  g_assert_cmpstr (titles, ==, "Gula*|Beras");
  g_clear_pointer (&titles, g_free);
  g_assert_cmpstr (server_status (fixture, todo.water), ==, "notStarted");

  g_assert_cmpuint (sync_ok (fixture) & KABAR_ORGANIZER_TASKS, !=, 0);
  g_assert_cmpstr (server_status (fixture, todo.water), ==, "completed");
  g_assert_cmpuint (kabar_graph_server_count_tasks_titled (fixture->server, todo.shopping, "Gula"), ==, 1);
  titles = task_titles (fixture, todo.tasks_list);
  g_assert_cmpstr (titles, ==, "Telepon ibu|Tulis laporan|[x] Bayar air|[x] Bayar listrik");
  g_clear_pointer (&titles, g_free);
  titles = task_titles (fixture, todo.shopping);
  g_assert_cmpstr (titles, ==, "Gula|Beras");
  g_clear_pointer (&titles, g_free);
  /* The local id became the server's. */
  stored = find_task (fixture, todo.shopping, "Gula");
  g_assert_cmpstr (stored->id, !=, added->id);
  g_assert_cmpstr (server_status (fixture, stored->id), ==, "notStarted");

  /* Back to open, and the new one done. */
  set_completed (fixture, todo.water, FALSE);
  set_completed (fixture, stored->id, TRUE);
  sync_ok (fixture);
  g_assert_cmpstr (server_status (fixture, todo.water), ==, "notStarted");
  g_assert_cmpstr (server_status (fixture, stored->id), ==, "completed");
  titles = task_titles (fixture, todo.shopping);
  g_assert_cmpstr (titles, ==, "Beras|[x] Gula");
  g_clear_pointer (&titles, g_free);
  g_assert_cmpuint (sync_ok (fixture), ==, 0);

  /* Added and done before the server heard of it: it arrives done. */
  g_clear_pointer (&added, kabar_task_free);
  g_clear_pointer (&stored, kabar_task_free);
  added = add_task (fixture, todo.shopping, "Kopi");
  set_completed (fixture, added->id, TRUE);
  sync_ok (fixture);
  stored = find_task (fixture, todo.shopping, "Kopi");
  g_assert_false (stored->pending);
  g_assert_cmpstr (server_status (fixture, stored->id), ==, "completed");
  g_assert_cmpuint (kabar_graph_server_count_tasks_titled (fixture->server, todo.shopping, "Kopi"), ==, 1);
}

/* A task added, then the server's answer lost (or the request never
 * made, or a 500): pending still; the next sync adds it exactly once. */
static void
test_add_fault (Fixture       *fixture,
                gconstpointer  data)
{
  KabarGraphFault fault = GPOINTER_TO_UINT (data) >> 1;
  gboolean after_change = GPOINTER_TO_UINT (data) & 1;
  g_auto(TodoData) todo = { 0 };
  g_autoptr(KabarTask) added = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *titles = NULL;

  add_todo (fixture, &todo);
  sync_ok (fixture);
  added = add_task (fixture, todo.tasks_list, "Perpanjang SIM");
  set_completed (fixture, todo.water, TRUE);
  kabar_graph_server_add_fault (fixture->server, "POST", "/me/todo/lists/", 1, fault, after_change);

  error = sync_fails (fixture);
  g_assert_cmpuint (kabar_graph_server_count_tasks_titled (fixture->server, todo.tasks_list, "Perpanjang SIM"), ==,
                    after_change ? 1 : 0);
  titles = task_titles (fixture, todo.tasks_list);
  /* The completion went before the add (the task is older). */
  g_assert_cmpstr (titles, ==, "Perpanjang SIM*|Telepon ibu|Tulis laporan|[x] Bayar air|[x] Bayar listrik");
  g_clear_pointer (&titles, g_free);

  sync_ok (fixture);
  g_assert_cmpuint (kabar_graph_server_count_tasks_titled (fixture->server, todo.tasks_list, "Perpanjang SIM"), ==, 1);
  g_assert_cmpstr (server_status (fixture, todo.water), ==, "completed");
  titles = task_titles (fixture, todo.tasks_list);
  g_assert_cmpstr (titles, ==, "Perpanjang SIM|Telepon ibu|Tulis laporan|[x] Bayar air|[x] Bayar listrik");
  g_clear_pointer (&titles, g_free);
  g_assert_cmpuint (sync_ok (fixture), ==, 0);
  titles = task_titles (fixture, todo.tasks_list);
  g_assert_cmpstr (titles, ==, "Perpanjang SIM|Telepon ibu|Tulis laporan|[x] Bayar air|[x] Bayar listrik");
}

/* A completion cut or refused with a 5xx: pending until it gets there. */
static void
test_status_fault (Fixture       *fixture,
                   gconstpointer  data)
{
  KabarGraphFault fault = GPOINTER_TO_UINT (data) >> 1;
  gboolean after_change = GPOINTER_TO_UINT (data) & 1;
  g_auto(TodoData) todo = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarTask) water = NULL;

  add_todo (fixture, &todo);
  sync_ok (fixture);
  set_completed (fixture, todo.water, TRUE);
  kabar_graph_server_add_fault (fixture->server, "PATCH", "/me/todo/lists/", 1, fault, after_change);

  error = sync_fails (fixture);
  g_assert_cmpstr (server_status (fixture, todo.water), ==, after_change ? "completed" : "notStarted");
  water = find_task (fixture, todo.tasks_list, "Bayar air");
  g_assert_true (water->completed);
  g_assert_true (water->pending);
  g_clear_pointer (&water, kabar_task_free);

  sync_ok (fixture);
  g_assert_cmpstr (server_status (fixture, todo.water), ==, "completed");
  water = find_task (fixture, todo.tasks_list, "Bayar air");
  g_assert_true (water->completed);
  g_assert_false (water->pending);
}

/* A change the server refuses for good, or of a task deleted meanwhile:
 * dropped, the store as the server is. */
static void
test_task_gone (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(TodoData) todo = { 0 };
  g_autofree char *titles = NULL;

  add_todo (fixture, &todo);
  sync_ok (fixture);
  set_completed (fixture, todo.water, TRUE);
  g_assert_true (kabar_graph_server_remove_task (fixture->server, todo.water));
  sync_ok (fixture);
  titles = task_titles (fixture, todo.tasks_list);
  g_assert_cmpstr (titles, ==, "Telepon ibu|Tulis laporan|[x] Bayar listrik");
}

/* --- address completion ------------------------------------------------------------------- */

static void
test_completion (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *budi_addresses[] = { "budi@example.org", "budi.santoso@kantor.example", NULL };
  const char *citra_addresses[] = { "citra@example.org", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  KabarAddressMatch *match;

  g_free (kabar_graph_server_add_contact (fixture->server, NULL, "Budi Santoso", "Kantor Pos", budi_addresses,
                                          NULL));
  g_free (kabar_graph_server_add_contact (fixture->server, NULL, "Citra Lestari", NULL, citra_addresses, NULL));
  sync_ok (fixture);

  /* By a word of the name, of the company, or the address's start. */
  matches = kabar_store_address_book_complete (fixture->store, "santo", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, 2);
  match = g_ptr_array_index (matches, 0);
  g_assert_cmpstr (match->name, ==, "Budi Santoso");
  g_assert_cmpstr (match->address, ==, "budi@example.org");
  g_assert_cmpstr (((KabarAddressMatch *) g_ptr_array_index (matches, 1))->address, ==,
                   "budi.santoso@kantor.example");
  g_clear_pointer (&matches, g_ptr_array_unref);
  matches = kabar_store_address_book_complete (fixture->store, "CIT", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, 1);
  g_assert_cmpstr (((KabarAddressMatch *) g_ptr_array_index (matches, 0))->name, ==, "Citra Lestari");
  g_clear_pointer (&matches, g_ptr_array_unref);
  matches = kabar_store_address_book_complete (fixture->store, "pos", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, 1);
  g_assert_cmpstr (((KabarAddressMatch *) g_ptr_array_index (matches, 0))->address, ==, "budi@example.org");
  g_clear_pointer (&matches, g_ptr_array_unref);
  matches = kabar_store_address_book_complete (fixture->store, "dewi", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, 0);
}

/* --- the service ---------------------------------------------------------------------------- */

typedef struct
{
  KabarOrganizerParts parts;
  /* Signals naming every part: the store opened, then the first sync. */
  guint               n_all;
} Changed;

static void
on_organizer_changed (KabarMailService *service,
                      guint             parts,
                      Changed          *changed)
{
  changed->parts |= parts;
  if (parts == (KABAR_ORGANIZER_CONTACTS | KABAR_ORGANIZER_CALENDAR | KABAR_ORGANIZER_TASKS))
    changed->n_all++;
}

typedef gboolean (*Condition) (Fixture *fixture, gpointer data);

/* Spins until condition holds; a service that gives up fails the test. */
static void
wait_for (Fixture          *fixture,
          KabarMailService *service,
          Condition         condition,
          gpointer          data)
{
  while (!condition (fixture, data))
    {
      const GError *error = kabar_mail_service_get_error (service);

      if (kabar_mail_service_get_status (service) == KABAR_MAIL_SERVICE_STATUS_ERROR)
        g_error ("The service failed: %s", error != NULL ? error->message : "(no error)");
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
all_parts_changed (Fixture  *fixture,
                   gpointer  data)
{
  Changed *changed = data;

  return changed->n_all >= 2;
}

typedef struct
{
  const char *id;
  const char *status;
} StatusWait;

static gboolean
server_has_status (Fixture  *fixture,
                   gpointer  data)
{
  StatusWait *wait = data;
  g_autoptr(JsonObject) task = kabar_graph_server_get_task (fixture->server, wait->id);

  return task != NULL && g_strcmp0 (json_object_get_string_member (task, "status"), wait->status) == 0;
}

typedef struct
{
  KabarMailService *service;
  const char       *list_id;
  const char       *titles;
} TitlesWait;

static char *
service_task_titles (KabarMailService *service,
                     const char       *list_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) titles = g_string_new (NULL);

  kabar_mail_service_list_tasks_async (service, list_id, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  list = kabar_mail_service_list_tasks_finish (service, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      KabarTask *task = g_ptr_array_index (list, i);

      g_string_append_printf (titles, "%s%s%s%s", i > 0 ? "|" : "", task->completed ? "[x] " : "",
                              task->title, task->pending ? "*" : "");
    }
  return g_strdup (titles->str);
}

static gboolean
service_shows (Fixture  *fixture,
               gpointer  data)
{
  TitlesWait *wait = data;
  g_autofree char *titles = service_task_titles (wait->service, wait->list_id);

  return g_str_equal (titles, wait->titles);
}

static GPtrArray *
list_finish (KabarMailService  *service,
             GAsyncResult     **slot,
             GPtrArray       *(*finish) (KabarMailService *, GAsyncResult *, GError **))
{
  g_autoptr(GAsyncResult) result = kabar_test_wait (slot);
  g_autoptr(GError) error = NULL;
  GPtrArray *list = finish (service, result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static void
test_service (Fixture       *fixture,
              gconstpointer  data)
{
  const char *budi_addresses[] = { "budi@example.org", NULL };
  gint64 midnight = local_midnight ();
  g_auto(TodoData) todo = { 0 };
  g_autofree char *directory = g_dir_make_tmp ("kabar-graph-organizer-service-XXXXXX", NULL);
  g_autoptr(KabarMailService) service = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarTask) added = NULL;
  GAsyncResult *slot = NULL;
  Changed changed = { 0 };
  StatusWait status_wait;
  TitlesWait titles_wait;

  g_free (kabar_graph_server_add_contact (fixture->server, NULL, "Budi Santoso", NULL, budi_addresses, NULL));
  g_free (kabar_graph_server_add_event (fixture->server, "Rapat", "Ruang 3", NULL, NULL, midnight + DAY,
                                        midnight + DAY + 3600, FALSE));
  add_todo (fixture, &todo);
  service = kabar_service_test_new_service (fixture->account, directory);
  g_assert_true (kabar_mail_service_has_organizer (service));
  g_signal_connect (service, "organizer-changed", G_CALLBACK (on_organizer_changed), &changed);
  kabar_mail_service_start (service);
  /* Once when the store opens (the views read it), once when the sync
   * brought each part. */
  wait_for (fixture, service, all_parts_changed, &changed);

  kabar_mail_service_list_contacts_async (service, "bud", NULL, kabar_test_wait_done, &slot);
  list = list_finish (service, &slot, kabar_mail_service_list_contacts_finish);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((KabarContact *) g_ptr_array_index (list, 0))->display_name, ==, "Budi Santoso");
  g_clear_pointer (&list, g_ptr_array_unref);
  kabar_mail_service_list_events_async (service, midnight, midnight + 14 * DAY, NULL, kabar_test_wait_done, &slot);
  list = list_finish (service, &slot, kabar_mail_service_list_events_finish);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((KabarEvent *) g_ptr_array_index (list, 0))->location, ==, "Ruang 3");
  g_clear_pointer (&list, g_ptr_array_unref);
  kabar_mail_service_list_events_async (service, midnight + 2 * DAY, midnight + 14 * DAY, NULL,
                                        kabar_test_wait_done, &slot);
  list = list_finish (service, &slot, kabar_mail_service_list_events_finish);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  kabar_mail_service_list_task_lists_async (service, NULL, kabar_test_wait_done, &slot);
  list = list_finish (service, &slot, kabar_mail_service_list_task_lists_finish);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (((KabarTaskList *) g_ptr_array_index (list, 0))->name, ==, "Tasks");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* The contact completes an address in the composer. */
  kabar_mail_service_complete_address_async (service, "santoso", 5, NULL, kabar_test_wait_done, &slot);
  list = list_finish (service, &slot, kabar_mail_service_complete_address_finish);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((KabarAddressMatch *) g_ptr_array_index (list, 0))->address, ==, "budi@example.org");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A task completed and one added: in the store at once, then on the
   * server, the store as the server. */
  changed.parts = 0;
  kabar_mail_service_set_task_completed_async (service, todo.water, TRUE, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  g_assert_true (kabar_mail_service_set_task_completed_finish (service, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (changed.parts, ==, KABAR_ORGANIZER_TASKS);
  kabar_mail_service_add_task_async (service, todo.tasks_list, "Perpanjang SIM", NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  added = kabar_mail_service_add_task_finish (service, result, &error);
  g_assert_no_error (error);
  g_assert_true (added->pending);
  g_assert_cmpstr (added->title, ==, "Perpanjang SIM");
  status_wait = (StatusWait) { todo.water, "completed" };
  wait_for (fixture, service, server_has_status, &status_wait);
  titles_wait = (TitlesWait) { service, todo.tasks_list,
                               "Perpanjang SIM|Telepon ibu|Tulis laporan|[x] Bayar air|[x] Bayar listrik" };
  wait_for (fixture, service, service_shows, &titles_wait);
  g_assert_cmpuint (kabar_graph_server_count_tasks_titled (fixture->server, todo.tasks_list, "Perpanjang SIM"), ==,
                    1);

  kabar_service_test_stop_service (&service);
  kabar_test_remove_directory (directory);
}

/* An IMAP account has none of this. */
static void
test_service_without (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(KabarAccount) account = kabar_account_new ();
  g_autoptr(KabarMailService) service = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  kabar_account_set_address (account, "budi@example.org");
  service = kabar_mail_service_new (account, "/nonexistent/store.db");
  g_assert_false (kabar_mail_service_has_organizer (service));
  kabar_mail_service_list_task_lists_async (service, NULL, kabar_test_wait_done, &slot);
  result = kabar_test_wait (&slot);
  list = kabar_mail_service_list_task_lists_finish (service, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_null (list);
}

/* --- main --------------------------------------------------------------------------------- */

static void
add (const char    *path,
     gconstpointer  data,
     void         (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, fixture_set_up, test, fixture_tear_down);
}

#define FAULT(fault, after_change) GUINT_TO_POINTER ((fault) << 1 | (after_change))

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  kabar_graph_test_init ();

  add ("/graph/organizer/contacts", NULL, test_contacts);
  add ("/graph/organizer/calendar", NULL, test_calendar);
  add ("/graph/organizer/tasks", NULL, test_tasks);
  add ("/graph/organizer/refused-tokens", NULL, test_refused_tokens);
  add ("/graph/organizer/task-changes", NULL, test_task_changes);
  add ("/graph/organizer/task-add/cut-after", FAULT (KABAR_GRAPH_FAULT_CUT, TRUE), test_add_fault);
  add ("/graph/organizer/task-add/cut-before", FAULT (KABAR_GRAPH_FAULT_CUT, FALSE), test_add_fault);
  add ("/graph/organizer/task-add/500", FAULT (KABAR_GRAPH_FAULT_500, FALSE), test_add_fault);
  add ("/graph/organizer/task-status/cut-after", FAULT (KABAR_GRAPH_FAULT_CUT, TRUE), test_status_fault);
  add ("/graph/organizer/task-status/cut-before", FAULT (KABAR_GRAPH_FAULT_CUT, FALSE), test_status_fault);
  add ("/graph/organizer/task-status/500", FAULT (KABAR_GRAPH_FAULT_500, FALSE), test_status_fault);
  add ("/graph/organizer/task-gone", NULL, test_task_gone);
  add ("/graph/organizer/completion", NULL, test_completion);
  add ("/graph/organizer/service", NULL, test_service);
  add ("/graph/organizer/service-without", NULL, test_service_without);

  status = g_test_run ();
  kabar_graph_test_shutdown ();
  return status;
}
