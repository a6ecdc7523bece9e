/* kabar-store-organizer.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Contacts, calendar and To Do of a Graph account (version-011.sql).
 */

#include "config.h"

#include "kabar-store-addresses.h"
#include "kabar-store-graph.h"
#include "kabar-store-organizer.h"
#include "kabar-store-private.h"

#define MAX_QUERY_WORDS 4

static void
bind_text (KabarStoreStatement *stmt,
           int                  index,
           const char          *text)
{
  sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

static gboolean
run_with_id (KabarStoreConnection  *connection,
             const char            *sql,
             const char            *id,
             GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
remove_ids (KabarStoreConnection  *connection,
            const char            *sql,
            GPtrArray             *ids,
            GError               **error)
{
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (!run_with_id (connection, sql, g_ptr_array_index (ids, i), error))
      return FALSE;
  return TRUE;
}

/* The ids sql selects (bound to scope when not NULL) that keep lacks: a
 * full sync did not see them. */
static gboolean
prune (KabarStoreConnection  *connection,
       const char            *select_sql,
       const char            *delete_sql,
       const char            *scope,
       GHashTable            *keep,
       GError               **error)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  gboolean has_row = FALSE;
  gboolean stepped;

  {
    g_autoptr(KabarStoreStatement) stmt = kabar_store_connection_prepare (connection, select_sql, error);

    if (stmt == NULL)
      return FALSE;
    if (scope != NULL)
      bind_text (stmt, 1, scope);
    while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
      {
        const char *id = (const char *) sqlite3_column_text (stmt, 0);

        if (keep == NULL || !g_hash_table_contains (keep, id))
          g_ptr_array_add (gone, g_strdup (id));
      }
    if (!stepped)
      return FALSE;
  }
  return remove_ids (connection, delete_sql, gone, error);
}

/* --- state ------------------------------------------------------------------------------ */

/* The organizer's links are the account's named values, beside the
 * mail's (kabar-store-graph.c). */

char *
kabar_store_organizer_get_state (KabarStore  *self,
                                 const char  *name,
                                 GError     **error)
{
  return kabar_store_graph_get_state (self, name, error);
}

gboolean
kabar_store_organizer_set_state (KabarStore  *self,
                                 const char  *name,
                                 const char  *value,
                                 GError     **error)
{
  return kabar_store_graph_set_state (self, name, value, error);
}

GStrv
kabar_store_organizer_list_states (KabarStore  *self,
                                   const char  *prefix,
                                   GError     **error)
{
  return kabar_store_graph_list_states (self, prefix, error);
}

/* --- contacts --------------------------------------------------------------------------- */

typedef struct
{
  const char *scope;
  GPtrArray *items;
  GArray *created;
  GPtrArray *removed;
  GHashTable *keep;
} Put;

static char *
join_lines (GStrv lines)
{
  return lines != NULL ? g_strjoinv ("\n", lines) : g_strdup ("");
}

static GStrv
split_lines (const char *text)
{
  if (text == NULL || *text == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (text, "\n", -1);
}

static gboolean
put_contact_words (KabarStoreConnection  *connection,
                   const KabarContact    *contact,
                   GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT OR IGNORE INTO organizer_contact_words (word, contact_id) "
                                    "VALUES (?1, ?2)",
                                    error);
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);

  if (stmt == NULL)
    return FALSE;
  kabar_store_address_words_add_name (words, contact->display_name);
  kabar_store_address_words_add_name (words, contact->company);
  for (guint i = 0; contact->addresses != NULL && contact->addresses[i] != NULL; i++)
    kabar_store_address_words_add_address (words, contact->addresses[i]);
  for (guint i = 0; i < words->len; i++)
    {
      bind_text (stmt, 1, g_ptr_array_index (words, i));
      bind_text (stmt, 2, contact->id);
      if (!kabar_store_statement_run (stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

static gboolean
put_contact (KabarStoreConnection  *connection,
             const char            *folder,
             const KabarContact    *contact,
             GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT OR REPLACE INTO organizer_contacts "
                                    "  (id, folder, display_name, company, job_title, addresses, phones) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                    error);
  g_autofree char *addresses = join_lines (contact->addresses);
  g_autofree char *phones = join_lines (contact->phones);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, contact->id);
  bind_text (stmt, 2, folder);
  bind_text (stmt, 3, contact->display_name != NULL ? contact->display_name : "");
  bind_text (stmt, 4, contact->company);
  bind_text (stmt, 5, contact->job_title);
  bind_text (stmt, 6, addresses);
  bind_text (stmt, 7, phones);
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  /* The replaced row's words went with it (ON DELETE CASCADE). */
  return put_contact_words (connection, contact, error);
}

static gboolean
write_contacts (KabarStoreConnection  *connection,
                gpointer               data,
                GError               **error)
{
  Put *put = data;

  for (guint i = 0; put->items != NULL && i < put->items->len; i++)
    if (!put_contact (connection, put->scope, g_ptr_array_index (put->items, i), error))
      return FALSE;
  return remove_ids (connection, "DELETE FROM organizer_contacts WHERE id = ?1", put->removed, error);
}

gboolean
kabar_store_organizer_put_contacts (KabarStore  *self,
                                    const char  *folder,
                                    GPtrArray   *contacts,
                                    GPtrArray   *removed_ids,
                                    GError     **error)
{
  Put put = { folder, contacts, NULL, removed_ids, NULL };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_contacts, &put, error))
    {
      g_prefix_error (error, "Could not store contacts: ");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_contacts_pruned (KabarStoreConnection  *connection,
                       gpointer               data,
                       GError               **error)
{
  Put *put = data;

  return prune (connection, "SELECT id FROM organizer_contacts WHERE folder = ?1",
                "DELETE FROM organizer_contacts WHERE id = ?1", put->scope, put->keep, error);
}

gboolean
kabar_store_organizer_prune_contacts (KabarStore  *self,
                                      const char  *folder,
                                      GHashTable  *keep_ids,
                                      GError     **error)
{
  Put put = { folder, NULL, NULL, NULL, keep_ids };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_contacts_pruned, &put, error);
}

typedef struct
{
  GPtrArray *words;
  GPtrArray *items;
  gint64 from;
  gint64 to;
  const char *id;
} Read;

/* Static: the connection keeps prepared statements by their text's address. */
#define CONTACT_COLUMNS "SELECT c.id, c.display_name, c.company, c.job_title, c.addresses, c.phones " \
  "FROM organizer_contacts AS c "
#define CONTACT_WORD(lower, upper) \
  "c.id IN (SELECT contact_id FROM organizer_contact_words WHERE word >= ?" #lower " AND word < ?" #upper ") "
#define CONTACT_ORDER "ORDER BY c.display_name COLLATE NOCASE, c.id"

static const char * const contact_sql[MAX_QUERY_WORDS + 1] = {
  CONTACT_COLUMNS CONTACT_ORDER,
  CONTACT_COLUMNS "WHERE " CONTACT_WORD (1, 2) CONTACT_ORDER,
  CONTACT_COLUMNS "WHERE " CONTACT_WORD (1, 2) "AND " CONTACT_WORD (3, 4) CONTACT_ORDER,
  CONTACT_COLUMNS "WHERE " CONTACT_WORD (1, 2) "AND " CONTACT_WORD (3, 4) "AND " CONTACT_WORD (5, 6)
    CONTACT_ORDER,
  CONTACT_COLUMNS "WHERE " CONTACT_WORD (1, 2) "AND " CONTACT_WORD (3, 4) "AND " CONTACT_WORD (5, 6)
    "AND " CONTACT_WORD (7, 8) CONTACT_ORDER,
};

static gpointer
contact_from_row (KabarStoreStatement *stmt)
{
  KabarContact *contact = g_new0 (KabarContact, 1);

  contact->id = kabar_store_column_dup (stmt, 0);
  contact->display_name = kabar_store_column_dup (stmt, 1);
  contact->company = kabar_store_column_dup (stmt, 2);
  contact->job_title = kabar_store_column_dup (stmt, 3);
  contact->addresses = split_lines ((const char *) sqlite3_column_text (stmt, 4));
  contact->phones = split_lines ((const char *) sqlite3_column_text (stmt, 5));
  return contact;
}

static gboolean
read_contacts (KabarStoreConnection  *connection,
               gpointer               data,
               GError               **error)
{
  Read *read = data;
  guint n_words = read->words != NULL ? read->words->len : 0;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, contact_sql[n_words], error);
  g_autoptr(GPtrArray) bounds = g_ptr_array_new_with_free_func (g_free);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_words; i++)
    {
      const char *word = g_ptr_array_index (read->words, i);
      char *bound = kabar_store_address_word_bound (word);

      g_ptr_array_add (bounds, bound);
      bind_text (stmt, 2 * i + 1, word);
      bind_text (stmt, 2 * i + 2, bound);
    }
  return kabar_store_statement_collect (stmt, contact_from_row, read->items, error);
}

GPtrArray *
kabar_store_organizer_list_contacts (KabarStore  *self,
                                     const char  *query,
                                     GError     **error)
{
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_contact_free);
  g_autoptr(GPtrArray) words = NULL;
  Read read = { NULL, contacts, 0, 0, NULL };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (query != NULL)
    {
      words = kabar_store_address_query_words (query);
      /* Only spaces: everyone. */
      read.words = words;
    }
  if (!kabar_store_read (self, read_contacts, &read, error))
    {
      g_prefix_error (error, "Could not read the contacts: ");
      return NULL;
    }
  return g_steal_pointer (&contacts);
}

/* --- calendar --------------------------------------------------------------------------- */

static gboolean
put_event (KabarStoreConnection  *connection,
           const KabarEvent      *event,
           GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT OR REPLACE INTO organizer_events "
                                    "  (id, subject, location, organizer, start, end, all_day, cancelled) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                    error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, event->id);
  bind_text (stmt, 2, event->subject != NULL ? event->subject : "");
  bind_text (stmt, 3, event->location);
  bind_text (stmt, 4, event->organizer);
  sqlite3_bind_int64 (stmt, 5, event->start);
  sqlite3_bind_int64 (stmt, 6, event->end);
  sqlite3_bind_int (stmt, 7, event->all_day);
  sqlite3_bind_int (stmt, 8, event->cancelled);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
write_events (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  Put *put = data;

  for (guint i = 0; put->items != NULL && i < put->items->len; i++)
    if (!put_event (connection, g_ptr_array_index (put->items, i), error))
      return FALSE;
  return remove_ids (connection, "DELETE FROM organizer_events WHERE id = ?1", put->removed, error);
}

gboolean
kabar_store_organizer_put_events (KabarStore  *self,
                                  GPtrArray   *events,
                                  GPtrArray   *removed_ids,
                                  GError     **error)
{
  Put put = { NULL, events, NULL, removed_ids, NULL };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_events, &put, error))
    {
      g_prefix_error (error, "Could not store events: ");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_events_pruned (KabarStoreConnection  *connection,
                     gpointer               data,
                     GError               **error)
{
  Put *put = data;

  return prune (connection, "SELECT id FROM organizer_events", "DELETE FROM organizer_events WHERE id = ?1",
                NULL, put->keep, error);
}

gboolean
kabar_store_organizer_prune_events (KabarStore  *self,
                                    GHashTable  *keep_ids,
                                    GError     **error)
{
  Put put = { NULL, NULL, NULL, NULL, keep_ids };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_events_pruned, &put, error);
}

static gpointer
event_from_row (KabarStoreStatement *stmt)
{
  KabarEvent *event = g_new0 (KabarEvent, 1);

  event->id = kabar_store_column_dup (stmt, 0);
  event->subject = kabar_store_column_dup (stmt, 1);
  event->location = kabar_store_column_dup (stmt, 2);
  event->organizer = kabar_store_column_dup (stmt, 3);
  event->start = sqlite3_column_int64 (stmt, 4);
  event->end = sqlite3_column_int64 (stmt, 5);
  event->all_day = sqlite3_column_int (stmt, 6) != 0;
  event->cancelled = sqlite3_column_int (stmt, 7) != 0;
  return event;
}

static gboolean
read_events (KabarStoreConnection  *connection,
             gpointer               data,
             GError               **error)
{
  Read *read = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT id, subject, location, organizer, start, end, all_day, cancelled "
                                    "FROM organizer_events WHERE end > ?1 AND start < ?2 "
                                    "ORDER BY start, end, subject, id",
                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, read->from);
  sqlite3_bind_int64 (stmt, 2, read->to);
  return kabar_store_statement_collect (stmt, event_from_row, read->items, error);
}

GPtrArray *
kabar_store_organizer_list_events (KabarStore  *self,
                                   gint64       from,
                                   gint64       to,
                                   GError     **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_event_free);
  Read read = { NULL, events, from, to, NULL };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  if (!kabar_store_read (self, read_events, &read, error))
    {
      g_prefix_error (error, "Could not read the calendar: ");
      return NULL;
    }
  return g_steal_pointer (&events);
}

/* --- task lists ------------------------------------------------------------------------- */

static gboolean
put_task_list (KabarStoreConnection  *connection,
               const KabarTaskList   *list,
               GError               **error)
{
  /* An upsert, never a REPLACE: that would take the list's tasks along. */
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO organizer_task_lists (id, name, is_default) "
                                    "VALUES (?1, ?2, ?3) ON CONFLICT (id) DO UPDATE SET "
                                    "  name = excluded.name, is_default = excluded.is_default",
                                    error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, list->id);
  bind_text (stmt, 2, list->name != NULL ? list->name : "");
  sqlite3_bind_int (stmt, 3, list->is_default);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
write_task_lists (KabarStoreConnection  *connection,
                  gpointer               data,
                  GError               **error)
{
  Put *put = data;

  for (guint i = 0; put->items != NULL && i < put->items->len; i++)
    if (!put_task_list (connection, g_ptr_array_index (put->items, i), error))
      return FALSE;
  return remove_ids (connection, "DELETE FROM organizer_task_lists WHERE id = ?1", put->removed, error);
}

gboolean
kabar_store_organizer_put_task_lists (KabarStore  *self,
                                      GPtrArray   *lists,
                                      GPtrArray   *removed_ids,
                                      GError     **error)
{
  Put put = { NULL, lists, NULL, removed_ids, NULL };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_task_lists, &put, error))
    {
      g_prefix_error (error, "Could not store task lists: ");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_task_lists_pruned (KabarStoreConnection  *connection,
                         gpointer               data,
                         GError               **error)
{
  Put *put = data;

  return prune (connection, "SELECT id FROM organizer_task_lists",
                "DELETE FROM organizer_task_lists WHERE id = ?1", NULL, put->keep, error);
}

gboolean
kabar_store_organizer_prune_task_lists (KabarStore  *self,
                                        GHashTable  *keep_ids,
                                        GError     **error)
{
  Put put = { NULL, NULL, NULL, NULL, keep_ids };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_task_lists_pruned, &put, error);
}

static gpointer
task_list_from_row (KabarStoreStatement *stmt)
{
  KabarTaskList *list = g_new0 (KabarTaskList, 1);

  list->id = kabar_store_column_dup (stmt, 0);
  list->name = kabar_store_column_dup (stmt, 1);
  list->is_default = sqlite3_column_int (stmt, 2) != 0;
  list->n_open = sqlite3_column_int (stmt, 3);
  return list;
}

GPtrArray *
kabar_store_organizer_list_task_lists (KabarStore  *self,
                                       GError     **error)
{
  GPtrArray *lists;

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  lists = kabar_store_read_rows (self,
                                 "SELECT l.id, l.name, l.is_default, "
                                 "  (SELECT count(*) FROM organizer_tasks AS t "
                                 "   WHERE t.list_id = l.id AND t.completed = 0) "
                                 "FROM organizer_task_lists AS l "
                                 "ORDER BY l.is_default DESC, l.name COLLATE NOCASE, l.id",
                                 task_list_from_row, (GDestroyNotify) kabar_task_list_free, error);
  if (lists == NULL)
    g_prefix_error (error, "Could not read the task lists: ");
  return lists;
}

/* --- tasks ------------------------------------------------------------------------------ */

enum
{
  PENDING_NONE,
  PENDING_ADD = KABAR_TASK_CHANGE_ADD,
  PENDING_STATUS = KABAR_TASK_CHANGE_STATUS,
};

#define TASK_COLUMNS "SELECT id, list_id, title, completed, important, due, completed_at, pending, " \
  "serial, tried_at FROM organizer_tasks "

static KabarTask *
task_from_row (KabarStoreStatement *stmt)
{
  KabarTask *task = g_new0 (KabarTask, 1);

  task->id = kabar_store_column_dup (stmt, 0);
  task->list_id = kabar_store_column_dup (stmt, 1);
  task->title = kabar_store_column_dup (stmt, 2);
  task->completed = sqlite3_column_int (stmt, 3) != 0;
  task->important = sqlite3_column_int (stmt, 4) != 0;
  task->due = sqlite3_column_int64 (stmt, 5);
  task->completed_at = sqlite3_column_int64 (stmt, 6);
  task->pending = sqlite3_column_int (stmt, 7) != PENDING_NONE;
  return task;
}

static gboolean
put_task (KabarStoreConnection  *connection,
          const char            *list_id,
          const KabarTask       *task,
          gint64                 created,
          GError               **error)
{
  /* The user's status not yet sent wins over the server's older one. */
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO organizer_tasks (id, list_id, title, completed, important, "
                                    "  due, completed_at, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                                    "ON CONFLICT (id) DO UPDATE SET list_id = excluded.list_id, "
                                    "  title = excluded.title, important = excluded.important, "
                                    "  due = excluded.due, created = excluded.created, "
                                    "  completed = CASE WHEN pending = 2 THEN completed ELSE excluded.completed END, "
                                    "  completed_at = CASE WHEN pending = 2 THEN completed_at "
                                    "    ELSE excluded.completed_at END",
                                    error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, task->id);
  bind_text (stmt, 2, list_id);
  bind_text (stmt, 3, task->title != NULL ? task->title : "");
  sqlite3_bind_int (stmt, 4, task->completed);
  sqlite3_bind_int (stmt, 5, task->important);
  sqlite3_bind_int64 (stmt, 6, task->due);
  sqlite3_bind_int64 (stmt, 7, task->completed_at);
  sqlite3_bind_int64 (stmt, 8, created);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
write_tasks (KabarStoreConnection  *connection,
             gpointer               data,
             GError               **error)
{
  Put *put = data;

  for (guint i = 0; put->items != NULL && i < put->items->len; i++)
    {
      gint64 created = put->created != NULL && i < put->created->len
                       ? g_array_index (put->created, gint64, i) : 0;

      if (!put_task (connection, put->scope, g_ptr_array_index (put->items, i), created, error))
        return FALSE;
    }
  return remove_ids (connection, "DELETE FROM organizer_tasks WHERE id = ?1", put->removed, error);
}

gboolean
kabar_store_organizer_put_tasks (KabarStore  *self,
                                 const char  *list_id,
                                 GPtrArray   *tasks,
                                 GArray      *created,
                                 GPtrArray   *removed_ids,
                                 GError     **error)
{
  Put put = { list_id, tasks, created, removed_ids, NULL };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (list_id != NULL, FALSE);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_tasks, &put, error))
    {
      g_prefix_error (error, "Could not store tasks: ");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_tasks_pruned (KabarStoreConnection  *connection,
                    gpointer               data,
                    GError               **error)
{
  Put *put = data;

  return prune (connection, "SELECT id FROM organizer_tasks WHERE list_id = ?1 AND pending != 1",
                "DELETE FROM organizer_tasks WHERE id = ?1", put->scope, put->keep, error);
}

gboolean
kabar_store_organizer_prune_tasks (KabarStore  *self,
                                   const char  *list_id,
                                   GHashTable  *keep_ids,
                                   GError     **error)
{
  Put put = { list_id, NULL, NULL, NULL, keep_ids };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_NORMAL, write_tasks_pruned, &put, error);
}

static gboolean
read_tasks (KabarStoreConnection  *connection,
            gpointer               data,
            GError               **error)
{
  Read *read = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    TASK_COLUMNS "WHERE list_id = ?1 ORDER BY completed, "
                                    "  CASE WHEN completed THEN completed_at ELSE created END DESC, "
                                    "  rowid DESC",
                                    error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, read->id);
  return kabar_store_statement_collect (stmt, (KabarStoreRowFunc) task_from_row, read->items, error);
}

GPtrArray *
kabar_store_organizer_list_tasks (KabarStore  *self,
                                  const char  *list_id,
                                  GError     **error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_task_free);
  Read read = { NULL, tasks, 0, 0, list_id };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);
  g_return_val_if_fail (list_id != NULL, NULL);

  if (!kabar_store_read (self, read_tasks, &read, error))
    {
      g_prefix_error (error, "Could not read the tasks: ");
      return NULL;
    }
  return g_steal_pointer (&tasks);
}

static gboolean
read_task (KabarStoreConnection  *connection,
           gpointer               data,
           GError               **error)
{
  Read *read = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection, TASK_COLUMNS "WHERE id = ?1", error);
  gboolean has_row = FALSE;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, read->id);
  if (!kabar_store_statement_step (stmt, &has_row, error))
    return FALSE;
  if (has_row)
    g_ptr_array_add (read->items, task_from_row (stmt));
  return TRUE;
}

KabarTask *
kabar_store_organizer_get_task (KabarStore  *self,
                                const char  *task_id,
                                GError     **error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) kabar_task_free);
  Read read = { NULL, tasks, 0, 0, task_id };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);
  g_return_val_if_fail (task_id != NULL, NULL);

  if (!kabar_store_read (self, read_task, &read, error))
    return NULL;
  if (tasks->len == 0)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND,
                   "The task %s is not in the store", task_id);
      return NULL;
    }
  return g_ptr_array_steal_index (tasks, 0);
}

/* --- the user's task changes -------------------------------------------------------------- */

typedef struct
{
  const char *id;
  const char *list_id;
  const char *title;
  gboolean completed;
  gboolean gone;
  gint64 now;
  gint64 serial;
  const KabarTask *server;
  KabarTask *result;
} Change;

static gboolean
not_found (KabarStoreConnection  *connection,
           const char            *what,
           const char            *id,
           GError               **error)
{
  if (kabar_store_connection_changes (connection) > 0)
    return TRUE;
  g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND, "The %s %s is not in the store",
               what, id);
  return FALSE;
}

static gboolean
write_task_completed (KabarStoreConnection  *connection,
                      gpointer               data,
                      GError               **error)
{
  Change *change = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE organizer_tasks SET completed = ?2, "
                                    "  completed_at = CASE WHEN ?2 THEN ?3 ELSE 0 END, "
                                    "  pending = CASE WHEN pending = 1 THEN 1 ELSE 2 END, "
                                    "  serial = serial + 1 "
                                    "WHERE id = ?1",
                                    error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, change->id);
  sqlite3_bind_int (stmt, 2, change->completed);
  sqlite3_bind_int64 (stmt, 3, change->now);
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  return not_found (connection, "task", change->id, error);
}

gboolean
kabar_store_organizer_set_task_completed (KabarStore  *self,
                                          const char  *task_id,
                                          gboolean     completed,
                                          gint64       now,
                                          GError     **error)
{
  Change change = { .id = task_id, .completed = completed, .now = now };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (task_id != NULL, FALSE);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, write_task_completed, &change, error))
    {
      g_prefix_error (error, "Could not mark the task %s: ", completed ? "done" : "not done");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_task_added (KabarStoreConnection  *connection,
                  gpointer               data,
                  GError               **error)
{
  Change *change = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "INSERT INTO organizer_tasks (id, list_id, title, completed, important, "
                                    "  due, completed_at, created, pending, serial) "
                                    "SELECT ?1, id, ?3, 0, 0, 0, 0, ?4, 1, 1 "
                                    "FROM organizer_task_lists WHERE id = ?2",
                                    error);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = g_strconcat ("local:", uuid, NULL);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, change->list_id);
  bind_text (stmt, 3, change->title);
  sqlite3_bind_int64 (stmt, 4, change->now);
  if (!kabar_store_statement_run (stmt, error))
    return FALSE;
  if (!not_found (connection, "task list", change->list_id, error))
    return FALSE;
  change->result = g_new0 (KabarTask, 1);
  change->result->id = g_steal_pointer (&id);
  change->result->list_id = g_strdup (change->list_id);
  change->result->title = g_strdup (change->title);
  change->result->pending = TRUE;
  return TRUE;
}

KabarTask *
kabar_store_organizer_add_task (KabarStore  *self,
                                const char  *list_id,
                                const char  *title,
                                gint64       now,
                                GError     **error)
{
  Change change = { .list_id = list_id, .title = title, .now = now };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);
  g_return_val_if_fail (list_id != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);

  if (!kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, write_task_added, &change, error))
    {
      g_prefix_error (error, "Could not add the task “%s”: ", title);
      return NULL;
    }
  return change.result;
}

void
kabar_task_change_free (KabarTaskChange *change)
{
  if (change == NULL)
    return;
  kabar_task_free (change->task);
  g_free (change);
}

static gpointer
task_change_from_row (KabarStoreStatement *stmt)
{
  KabarTaskChange *change = g_new0 (KabarTaskChange, 1);

  change->kind = sqlite3_column_int (stmt, 7);
  change->task = task_from_row (stmt);
  change->serial = sqlite3_column_int64 (stmt, 8);
  change->tried_at = sqlite3_column_int64 (stmt, 9);
  return change;
}

GPtrArray *
kabar_store_organizer_list_task_changes (KabarStore  *self,
                                         GError     **error)
{
  GPtrArray *changes;

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);

  changes = kabar_store_read_rows (self, TASK_COLUMNS "WHERE pending != 0 ORDER BY rowid",
                                   task_change_from_row, (GDestroyNotify) kabar_task_change_free, error);
  if (changes == NULL)
    g_prefix_error (error, "Could not read the task changes: ");
  return changes;
}

static gboolean
write_task_tried (KabarStoreConnection  *connection,
                  gpointer               data,
                  GError               **error)
{
  Change *change = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE organizer_tasks SET tried_at = ?2 WHERE id = ?1 AND tried_at = 0",
                                    error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, change->id);
  sqlite3_bind_int64 (stmt, 2, change->now);
  return kabar_store_statement_run (stmt, error);
}

gboolean
kabar_store_organizer_note_task_tried (KabarStore  *self,
                                       const char  *task_id,
                                       gint64       now,
                                       GError     **error)
{
  Change change = { .id = task_id, .now = now };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, write_task_tried, &change, error);
}

/* An add the server took: the row takes the server's id; a status the
 * user changed meanwhile stays to be sent. */
static gboolean
bind_added_task (KabarStoreConnection  *connection,
                 Change                *change,
                 GError               **error)
{
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "UPDATE organizer_tasks SET id = ?2, "
                                    "  pending = CASE WHEN serial = ?3 THEN 0 ELSE 2 END, tried_at = 0 "
                                    "WHERE id = ?1",
                                    error);

  /* A sync may have stored the server's copy already. */
  if (!run_with_id (connection, "DELETE FROM organizer_tasks WHERE id = ?1", change->server->id, error))
    return FALSE;
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, change->id);
  bind_text (stmt, 2, change->server->id);
  sqlite3_bind_int64 (stmt, 3, change->serial);
  return kabar_store_statement_run (stmt, error);
}

static gboolean
write_task_done (KabarStoreConnection  *connection,
                 gpointer               data,
                 GError               **error)
{
  Change *change = data;
  g_autoptr(KabarStoreStatement) stmt = NULL;

  if (change->server != NULL && g_strcmp0 (change->server->id, change->id) != 0)
    return bind_added_task (connection, change, error);
  stmt = kabar_store_connection_prepare (connection,
                                         "UPDATE organizer_tasks SET pending = 0, tried_at = 0 "
                                         "WHERE id = ?1 AND serial = ?2",
                                         error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, change->id);
  sqlite3_bind_int64 (stmt, 2, change->serial);
  return kabar_store_statement_run (stmt, error);
}

gboolean
kabar_store_organizer_task_change_done (KabarStore       *self,
                                        const char       *task_id,
                                        gint64            serial,
                                        const KabarTask  *server,
                                        GError          **error)
{
  Change change = { .id = task_id, .serial = serial, .server = server };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (task_id != NULL, FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, write_task_done, &change, error);
}

static gboolean
write_task_dropped (KabarStoreConnection  *connection,
                    gpointer               data,
                    GError               **error)
{
  Change *change = data;
  g_autoptr(KabarStoreStatement) stmt = NULL;

  if (change->gone)
    return run_with_id (connection, "DELETE FROM organizer_tasks WHERE id = ?1", change->id, error);
  if (!run_with_id (connection, "DELETE FROM organizer_tasks WHERE id = ?1 AND pending = 1", change->id,
                    error))
    return FALSE;
  stmt = kabar_store_connection_prepare (connection,
                                         "UPDATE organizer_tasks SET pending = 0, tried_at = 0, "
                                         "  completed = NOT completed, "
                                         "  completed_at = CASE WHEN completed THEN 0 ELSE created END "
                                         "WHERE id = ?1 AND pending = 2",
                                         error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, change->id);
  return kabar_store_statement_run (stmt, error);
}

gboolean
kabar_store_organizer_task_change_dropped (KabarStore  *self,
                                           const char  *task_id,
                                           gboolean     gone,
                                           GError     **error)
{
  Change change = { .id = task_id, .gone = gone };

  g_return_val_if_fail (KABAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (task_id != NULL, FALSE);

  return kabar_store_write (self, KABAR_STORE_DURABILITY_FULL, write_task_dropped, &change, error);
}
