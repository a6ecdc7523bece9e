/* kabar-message-list-model.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows are an array as long as the folder: NULL for a row never asked
 * for, a placeholder item for one whose page is being read, the message's
 * item once read. Only the pointers are held for the whole folder.
 */

#include "config.h"

#include <string.h>

#include "kabar-message-list-model.h"

#define PAGE_SIZE  KABAR_MESSAGE_LIST_MODEL_PAGE_SIZE
/* Rows read from the store that the model keeps before it lets the pages
 * farthest from the view go. */
#define MAX_LOADED (PAGE_SIZE * 10)
/* A refresh reads the rows in view and this many more on each side, plus
 * what the count changed by, to find where the rows in view went. */
#define SLACK      50
/* A change of the count larger than this is read again from scratch. */
#define MAX_SHIFT  2000

struct _KabarMessageListModel
{
  GObject           parent_instance;

  KabarMailService *service;
  gint64            folder_id;
  KabarMessageSort  sort;
  gboolean          conversations;
  GCancellable     *cancellable;

  GPtrArray        *items;
  guint             n_loaded;
  /* When each page was last asked for (a tick of page_clock): the pages
   * asked for longest ago go first. */
  GArray           *page_stamps;
  guint32           page_clock;
  /* The row the user looks at, as the list last said, or else the last
   * row asked for. */
  guint             view_position;
  gboolean          has_view_position;
  guint             last_position;

  /* Pages being read (page index), in this generation: a refresh starts a
   * new one, and what older reads bring is dropped. */
  GHashTable       *pending_pages;
  guint             generation;
  guint             n_reads;
  gboolean          refreshing;
  gboolean          refresh_again;
};

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void kabar_message_list_model_list_model_init (GListModelInterface *iface);
static void set_count (KabarMessageListModel *self,
                       guint                  new_count);

G_DEFINE_FINAL_TYPE_WITH_CODE (KabarMessageListModel, kabar_message_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      kabar_message_list_model_list_model_init))

/* --- rows -------------------------------------------------------------------------- */

static gboolean
is_loaded (gpointer item)
{
  return item != NULL && kabar_message_item_get_summary (item) != NULL;
}

/* What a row stands for, across reads: a message, or a conversation,
 * whose newest message changes when one arrives. */
static gint64
summary_key (KabarMessageListModel     *self,
             const KabarMessageSummary *summary)
{
  return self->conversations ? summary->thread_id : summary->id;
}

static gint64
item_key (KabarMessageListModel *self,
          KabarMessageItem      *item)
{
  const KabarMessageSummary *summary = kabar_message_item_get_summary (item);

  return summary != NULL ? summary_key (self, summary) : 0;
}

static gint64
entry_key (KabarMessageListModel       *self,
           const KabarMessageListEntry *entry)
{
  return summary_key (self, entry->summary);
}

/* Replaces n_removed rows at position with n_added ones (added: items,
 * taken, or NULL for rows not read yet) and says so. */
static void
splice_rows (KabarMessageListModel *self,
             guint                  position,
             guint                  n_removed,
             KabarMessageItem     **added,
             guint                  n_added)
{
  guint old_len = self->items->len;
  guint tail = old_len - position - n_removed;
  gpointer *rows;

  g_assert (position + n_removed <= old_len);

  for (guint i = position; i < position + n_removed; i++)
    {
      gpointer item = g_ptr_array_index (self->items, i);

      if (is_loaded (item))
        self->n_loaded--;
      g_clear_object (&item);
    }

  if (n_added > n_removed)
    g_ptr_array_set_size (self->items, old_len + n_added - n_removed);
  rows = self->items->pdata;
  if (tail > 0)
    memmove (rows + position + n_added, rows + position + n_removed, tail * sizeof (gpointer));
  if (n_added < n_removed)
    g_ptr_array_set_size (self->items, old_len - (n_removed - n_added));
  rows = self->items->pdata;

  for (guint i = 0; i < n_added; i++)
    {
      rows[position + i] = added != NULL ? added[i] : NULL;
      if (is_loaded (rows[position + i]))
        self->n_loaded++;
    }

  /* Rows in view keep their place in the list, not their number. */
  if (self->has_view_position && position <= self->view_position)
    {
      if (self->view_position >= position + n_removed)
        self->view_position = self->view_position - n_removed + n_added;
      else
        self->view_position = position;
    }

  if (n_removed > 0 || n_added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, n_removed, n_added);
}

/* Forgets the rows read in [start, end), as if never asked for.
 * Placeholders stay: they hold nothing that could be out of date, and a
 * list view keeps the rows it bound to them (the rows in view, while a
 * fast scroll waits for their page). */
static void
drop_rows (KabarMessageListModel *self,
           guint                  start,
           guint                  end)
{
  guint first = G_MAXUINT;
  guint last = 0;

  end = MIN (end, self->items->len);
  for (guint i = start; i < end; i++)
    {
      gpointer item = g_ptr_array_index (self->items, i);

      if (!is_loaded (item))
        continue;
      self->n_loaded--;
      g_object_unref (item);
      g_ptr_array_index (self->items, i) = NULL;
      first = MIN (first, i);
      last = i;
    }
  if (first != G_MAXUINT)
    g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
}

/* --- reading --------------------------------------------------------------------------- */

static void
reads_started (KabarMessageListModel *self)
{
  if (self->n_reads++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
reads_done (KabarMessageListModel *self)
{
  g_assert (self->n_reads > 0);
  if (--self->n_reads == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

typedef struct
{
  /* Not a reference: the model cancels its reads when it goes, and a
   * cancelled read does not look at it. */
  KabarMessageListModel *self;
  guint                  generation;
  guint                  page;
  /* For a refresh's read of the rows in view. */
  guint                  new_count;
  guint                  run_start;
  guint                  run_end;
  guint                  fetch_start;
} Read;

static Read *
read_new (KabarMessageListModel *self)
{
  Read *read = g_new0 (Read, 1);

  read->self = self;
  read->generation = self->generation;
  reads_started (self);
  return read;
}

static void
read_free (Read *read)
{
  g_free (read);
}

static void
touch_page (KabarMessageListModel *self,
            guint                  page)
{
  if (page >= self->page_stamps->len)
    g_array_set_size (self->page_stamps, page + 1);
  g_array_index (self->page_stamps, guint32, page) = ++self->page_clock;
}

/* Lets the pages asked for longest ago go, down to a page below the
 * limit. Not those farthest from the view: a list view asks for rows
 * away from it too (the focused row), and would ask for them again at
 * once. */
static void
evict (KabarMessageListModel *self)
{
  guint n_pages = (self->items->len + PAGE_SIZE - 1) / PAGE_SIZE;
  g_autofree gboolean *loaded = NULL;

  if (self->n_loaded <= MAX_LOADED - PAGE_SIZE)
    return;
  if (self->page_stamps->len < n_pages)
    g_array_set_size (self->page_stamps, n_pages);
  /* One pass over the rows, not one a page let go: the folder may have
   * hundreds of thousands. */
  loaded = g_new0 (gboolean, n_pages);
  for (guint i = 0; i < self->items->len; i++)
    if (is_loaded (g_ptr_array_index (self->items, i)))
      loaded[i / PAGE_SIZE] = TRUE;
  while (self->n_loaded > MAX_LOADED - PAGE_SIZE)
    {
      guint oldest = G_MAXUINT;
      guint32 oldest_stamp = G_MAXUINT32;

      for (guint page = 0; page < n_pages; page++)
        {
          guint32 stamp = g_array_index (self->page_stamps, guint32, page);

          if (loaded[page] && stamp < oldest_stamp)
            {
              oldest = page;
              oldest_stamp = stamp;
            }
        }
      if (oldest == G_MAXUINT)
        break;
      drop_rows (self, oldest * PAGE_SIZE, (oldest + 1) * PAGE_SIZE);
      loaded[oldest] = FALSE;
      /* Dropped: asked for again, it is new. */
      g_array_index (self->page_stamps, guint32, oldest) = ++self->page_clock;
    }
}

static void
apply_page (KabarMessageListModel *self,
            guint                  offset,
            GPtrArray             *rows)
{
  guint run_start = 0;
  guint run_length = 0;

  for (guint i = 0; i < rows->len && offset + i < self->items->len; i++)
    {
      guint position = offset + i;
      const KabarMessageListEntry *row = g_ptr_array_index (rows, i);
      KabarMessageItem *current = g_ptr_array_index (self->items, position);

      /* A placeholder is filled in place: the row bound to it follows
       * its "notify::summary", where a new item would make the list view
       * build a new row widget. */
      if (current != NULL && (!is_loaded (current) || item_key (self, current) == entry_key (self, row)))
        {
          if (!is_loaded (current))
            self->n_loaded++;
          kabar_message_item_update_from_entry (current, row);
          continue;
        }
      if (is_loaded (current))
        self->n_loaded--;
      g_ptr_array_index (self->items, position) = kabar_message_item_new_from_entry (row);
      self->n_loaded++;
      /* A row nobody asked for needs no word: no one holds its item. */
      if (current == NULL)
        continue;
      g_object_unref (current);
      if (run_length > 0 && run_start + run_length == position)
        run_length++;
      else
        {
          if (run_length > 0)
            g_list_model_items_changed (G_LIST_MODEL (self), run_start, run_length, run_length);
          run_start = position;
          run_length = 1;
        }
    }
  if (run_length > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), run_start, run_length, run_length);
}

static void
on_page_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Read *read = user_data;
  KabarMessageListModel *self = read->self;
  g_autoptr(GError) error = NULL;
  guint n_rows = 0;
  g_autoptr(GPtrArray) rows = kabar_mail_service_list_entries_finish (KABAR_MAIL_SERVICE (source),
                                                                      result, &n_rows, &error);
  guint offset = read->page * PAGE_SIZE;
  guint expected;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      read_free (read);
      return;
    }
  reads_done (self);
  if (read->generation != self->generation)
    {
      /* A refresh started since: it reads what is in view again. */
      read_free (read);
      return;
    }
  if (rows == NULL)
    {
      /* The page stays pending, so it is not asked for in a loop; the
       * next refresh tries again. */
      g_warning ("Could not read messages %u to %u of a folder: %s",
                 offset, offset + PAGE_SIZE, error->message);
      read_free (read);
      return;
    }
  g_hash_table_remove (self->pending_pages, GUINT_TO_POINTER (read->page));
  read_free (read);

  /* With no row read yet there is no place to keep: the count read with
   * the page is the count. A new model learns it so, with its first page,
   * in one read. */
  if (self->n_loaded == 0 && n_rows != self->items->len)
    set_count (self, n_rows);
  apply_page (self, offset, rows);
  /* The count was wrong (changed since it was read): read it again. */
  expected = offset < self->items->len ? MIN (PAGE_SIZE, self->items->len - offset) : 0;
  if (rows->len != expected)
    kabar_message_list_model_refresh (self);
  evict (self);
}

static void
request_page (KabarMessageListModel *self,
              guint                  page)
{
  Read *read;

  if (g_hash_table_contains (self->pending_pages, GUINT_TO_POINTER (page)))
    return;
  g_hash_table_add (self->pending_pages, GUINT_TO_POINTER (page));
  read = read_new (self);
  read->page = page;
  kabar_mail_service_list_entries_async (self->service, self->folder_id, self->sort, self->conversations,
                                         page * PAGE_SIZE, PAGE_SIZE, self->cancellable, on_page_read, read);
}

/* --- refreshing ---------------------------------------------------------------------------- */

/* The loaded rows around the last one asked for: [*start, *end). */
static gboolean
find_run_in_view (KabarMessageListModel *self,
                  guint                 *start,
                  guint                 *end)
{
  guint len = self->items->len;
  guint here;

  if (len == 0)
    return FALSE;
  here = MIN (self->has_view_position ? self->view_position : self->last_position, len - 1);
  if (!is_loaded (g_ptr_array_index (self->items, here)))
    {
      guint distance;
      gboolean found = FALSE;

      for (distance = 1; distance < len && !found; distance++)
        {
          if (here + distance < len && is_loaded (g_ptr_array_index (self->items, here + distance)))
            {
              here += distance;
              found = TRUE;
            }
          else if (distance <= here && is_loaded (g_ptr_array_index (self->items, here - distance)))
            {
              here -= distance;
              found = TRUE;
            }
        }
      if (!found)
        return FALSE;
    }

  *start = here;
  while (*start > 0 && is_loaded (g_ptr_array_index (self->items, *start - 1)))
    (*start)--;
  *end = here + 1;
  while (*end < len && is_loaded (g_ptr_array_index (self->items, *end)))
    (*end)++;
  return TRUE;
}

static void
finish_refresh (KabarMessageListModel *self)
{
  self->refreshing = FALSE;
  /* Placeholders asked for during the refresh, or left by reads it
   * dropped. */
  for (guint i = 0; i < self->items->len; i++)
    {
      gpointer item = g_ptr_array_index (self->items, i);

      if (item != NULL && !is_loaded (item))
        request_page (self, i / PAGE_SIZE);
    }
  reads_done (self);
  if (self->refresh_again)
    kabar_message_list_model_refresh (self);
}

static void
start_over (KabarMessageListModel *self,
            guint                  new_count)
{
  splice_rows (self, 0, self->items->len, NULL, new_count);
}

/* Sets the count to new_count: the rows at the end are not read. */
static void
set_count (KabarMessageListModel *self,
           guint                  new_count)
{
  guint len = self->items->len;

  if (new_count > len)
    splice_rows (self, len, 0, NULL, new_count - len);
  else if (new_count < len)
    splice_rows (self, new_count, len - new_count, NULL, 0);
}

/* Says what happened to the rows in view as the insertions and removals
 * that turn the old rows [run_start, run_end) into the new rows, which
 * were read from fetch_start on: the rows in view keep their items, and a
 * list view its place. Rows elsewhere are forgotten, to be read again
 * when asked for. */
static void
apply_refresh (KabarMessageListModel *self,
               const Read            *read,
               GPtrArray             *rows)
{
  guint old_count = self->items->len;
  guint run_length = read->run_end - read->run_start;
  g_autoptr(GHashTable) row_index = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  gpointer found_index = NULL;
  guint first = 0;
  guint position;
  guint next;
  guint removed;
  gint64 shift;

  /* The keys live in keys, which does not move: it is sized first. */
  g_array_set_size (keys, rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      g_array_index (keys, gint64, i) = entry_key (self, g_ptr_array_index (rows, i));
      g_hash_table_insert (row_index, &g_array_index (keys, gint64, i), GUINT_TO_POINTER (i));
    }

  /* The first row in view that is still there says where they went. */
  while (first < run_length)
    {
      KabarMessageItem *item = g_ptr_array_index (self->items, read->run_start + first);
      gint64 id = item_key (self, item);

      if (g_hash_table_lookup_extended (row_index, &id, NULL, &found_index))
        break;
      first++;
    }
  if (first == run_length)
    {
      start_over (self, read->new_count);
      return;
    }

  drop_rows (self, 0, read->run_start);
  drop_rows (self, read->run_end, old_count);

  /* The rows in view before it are gone. */
  if (first > 0)
    splice_rows (self, read->run_start, first, NULL, 0);

  /* Rows came or went above: the found row moves from run_start to its
   * new place. New rows just above it are read already; the place of
   * others above does not matter, as none is loaded. */
  next = GPOINTER_TO_UINT (found_index);
  shift = (gint64) read->fetch_start + next - read->run_start;
  if (shift > 0)
    {
      for (guint i = read->run_start - read->fetch_start; i < next; i++)
        g_ptr_array_add (added, kabar_message_item_new_from_entry (g_ptr_array_index (rows, i)));
      splice_rows (self, read->run_start, 0, (KabarMessageItem **) added->pdata, added->len);
      g_ptr_array_set_size (added, 0);
    }
  else if (shift < 0)
    splice_rows (self, read->run_start + shift, -shift, NULL, 0);

  /* Walk the old rows and the new together. */
  position = read->fetch_start + next;
  removed = 0;
  for (guint left = run_length - first; left > 0;)
    {
      KabarMessageItem *item = g_ptr_array_index (self->items, position + removed);
      gint64 id = item_key (self, item);
      const KabarMessageListEntry *row = next < rows->len ? g_ptr_array_index (rows, next) : NULL;
      gpointer index;

      if (row != NULL && entry_key (self, row) == id)
        {
          splice_rows (self, position, removed, (KabarMessageItem **) added->pdata, added->len);
          position += added->len;
          removed = 0;
          g_ptr_array_set_size (added, 0);
          kabar_message_item_update_from_entry (item, row);
          position++;
          next++;
          left--;
        }
      else if (!g_hash_table_lookup_extended (row_index, &id, NULL, &index) ||
               GPOINTER_TO_UINT (index) < next)
        {
          /* Gone (or moved up, a date changed: it comes again there). */
          removed++;
          left--;
        }
      else
        {
          /* New here: the old row is further down. */
          g_ptr_array_add (added, kabar_message_item_new_from_entry (row));
          next++;
        }
    }
  /* Rows read after the last one in view, when that was the end: new at
   * the end. */
  if (read->run_end == old_count)
    for (; next < rows->len; next++)
      g_ptr_array_add (added, kabar_message_item_new_from_entry (g_ptr_array_index (rows, next)));
  splice_rows (self, position, removed, (KabarMessageItem **) added->pdata, added->len);

  /* Whatever else changed happened below, where nothing is loaded. */
  set_count (self, read->new_count);
}

static void
on_refresh_rows_read (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Read *read = user_data;
  KabarMessageListModel *self = read->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = kabar_mail_service_list_entries_finish (KABAR_MAIL_SERVICE (source),
                                                                      result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      read_free (read);
      return;
    }
  reads_done (self);
  if (rows == NULL)
    g_warning ("Could not read the messages of a folder again: %s", error->message);
  else
    {
      /* Reads of pages started before now count from the old rows. */
      self->generation++;
      g_hash_table_remove_all (self->pending_pages);
      apply_refresh (self, read, rows);
    }
  read_free (read);
  finish_refresh (self);
}

static void
on_refresh_count_read (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Read *read = user_data;
  KabarMessageListModel *self = read->self;
  g_autoptr(GError) error = NULL;
  guint new_count = 0;
  g_autoptr(GPtrArray) counted = kabar_mail_service_list_entries_finish (KABAR_MAIL_SERVICE (source),
                                                                         result, &new_count, &error);
  guint old_count;
  guint distance;
  guint above;
  guint below;
  guint fetch_end;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      read_free (read);
      return;
    }
  reads_done (self);
  /* A folder that is gone is empty. */
  if (g_error_matches (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_NOT_FOUND))
    new_count = 0;
  else if (counted == NULL)
    {
      g_warning ("Could not read the count of a folder: %s", error->message);
      read_free (read);
      finish_refresh (self);
      return;
    }

  old_count = self->items->len;
  distance = new_count > old_count ? new_count - old_count : old_count - new_count;
  if (!find_run_in_view (self, &read->run_start, &read->run_end) || distance > MAX_SHIFT)
    {
      self->generation++;
      g_hash_table_remove_all (self->pending_pages);
      if (distance > MAX_SHIFT)
        start_over (self, new_count);
      else
        {
          /* Nothing is loaded: new mail is most likely on top. */
          if (new_count > old_count)
            splice_rows (self, 0, 0, NULL, new_count - old_count);
          else
            splice_rows (self, 0, old_count - new_count, NULL, 0);
        }
      read_free (read);
      finish_refresh (self);
      return;
    }

  above = (old_count > new_count ? old_count - new_count : 0) + SLACK;
  below = (new_count > old_count ? new_count - old_count : 0) + SLACK;
  read->new_count = new_count;
  read->fetch_start = read->run_start > above ? read->run_start - above : 0;
  fetch_end = MIN (new_count, read->run_end + below);
  if (fetch_end <= read->fetch_start)
    {
      self->generation++;
      g_hash_table_remove_all (self->pending_pages);
      start_over (self, new_count);
      read_free (read);
      finish_refresh (self);
      return;
    }
  reads_started (self);
  kabar_mail_service_list_entries_async (self->service, self->folder_id, self->sort, self->conversations,
                                         read->fetch_start, fetch_end - read->fetch_start, self->cancellable,
                                         on_refresh_rows_read, read);
}

void
kabar_message_list_model_refresh (KabarMessageListModel *self)
{
  Read *read;

  g_return_if_fail (KABAR_IS_MESSAGE_LIST_MODEL (self));

  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }
  self->refreshing = TRUE;
  self->refresh_again = FALSE;
  /* The refresh itself counts as a read until it is done. */
  reads_started (self);
  read = read_new (self);
  /* The count alone, as the view counts it (conversations or messages). */
  kabar_mail_service_list_entries_async (self->service, self->folder_id, self->sort, self->conversations,
                                         0, 0, self->cancellable, on_refresh_count_read, read);
}

static void
on_folder_changed (KabarMailService      *service,
                   gint64                 folder_id,
                   KabarMessageListModel *self)
{
  if (folder_id == self->folder_id)
    kabar_message_list_model_refresh (self);
}

/* --- GListModel --------------------------------------------------------------------------- */

static GType
kabar_message_list_model_get_item_type (GListModel *model)
{
  return KABAR_TYPE_MESSAGE_ITEM;
}

static guint
kabar_message_list_model_get_n_items (GListModel *model)
{
  return KABAR_MESSAGE_LIST_MODEL (model)->items->len;
}

static gpointer
kabar_message_list_model_get_item (GListModel *model,
                                   guint       position)
{
  KabarMessageListModel *self = KABAR_MESSAGE_LIST_MODEL (model);
  KabarMessageItem *item;

  if (position >= self->items->len)
    return NULL;

  self->last_position = position;
  touch_page (self, position / PAGE_SIZE);
  item = g_ptr_array_index (self->items, position);
  if (item == NULL)
    {
      item = kabar_message_item_new (NULL);
      g_ptr_array_index (self->items, position) = item;
    }
  /* During a refresh the pages move: it asks for them when it is done. */
  if (!is_loaded (item) && !self->refreshing)
    request_page (self, position / PAGE_SIZE);
  return g_object_ref (item);
}

static void
kabar_message_list_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kabar_message_list_model_get_item_type;
  iface->get_n_items = kabar_message_list_model_get_n_items;
  iface->get_item = kabar_message_list_model_get_item;
}

/* --- the object --------------------------------------------------------------------------- */

KabarMessageListModel *
kabar_message_list_model_new (KabarMailService *service,
                              gint64            folder_id,
                              guint             n_messages)
{
  return kabar_message_list_model_new_full (service, folder_id, n_messages,
                                            KABAR_MESSAGE_SORT_DATE_NEWEST, FALSE);
}

KabarMessageListModel *
kabar_message_list_model_new_full (KabarMailService *service,
                                   gint64            folder_id,
                                   guint             n_messages,
                                   KabarMessageSort  sort,
                                   gboolean          conversations)
{
  KabarMessageListModel *self;

  g_return_val_if_fail (KABAR_IS_MAIL_SERVICE (service), NULL);

  self = g_object_new (KABAR_TYPE_MESSAGE_LIST_MODEL, NULL);
  self->service = g_object_ref (service);
  self->folder_id = folder_id;
  self->sort = sort;
  self->conversations = conversations;
  g_ptr_array_set_size (self->items, n_messages);
  g_signal_connect (service, "folder-changed", G_CALLBACK (on_folder_changed), self);
  /* The first page is read at once, before a view asks for it, so that it
   * is there for the view's first frame. Its read brings the count as
   * well: the folder's count of messages is only the most there can be
   * of conversations. */
  request_page (self, 0);
  return self;
}

KabarMessageSort
kabar_message_list_model_get_sort (KabarMessageListModel *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST_MODEL (self), KABAR_MESSAGE_SORT_DATE_NEWEST);
  return self->sort;
}

gboolean
kabar_message_list_model_get_conversations (KabarMessageListModel *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST_MODEL (self), FALSE);
  return self->conversations;
}

KabarMailService *
kabar_message_list_model_get_service (KabarMessageListModel *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST_MODEL (self), NULL);
  return self->service;
}

gint64
kabar_message_list_model_get_folder_id (KabarMessageListModel *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST_MODEL (self), 0);
  return self->folder_id;
}

void
kabar_message_list_model_set_view_position (KabarMessageListModel *self,
                                            guint                  position)
{
  g_return_if_fail (KABAR_IS_MESSAGE_LIST_MODEL (self));

  self->view_position = position;
  self->has_view_position = TRUE;
}

gboolean
kabar_message_list_model_get_loading (KabarMessageListModel *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST_MODEL (self), FALSE);
  return self->n_reads > 0;
}

guint
kabar_message_list_model_get_n_loaded (KabarMessageListModel *self)
{
  g_return_val_if_fail (KABAR_IS_MESSAGE_LIST_MODEL (self), 0);
  return self->n_loaded;
}

static void
kabar_message_list_model_dispose (GObject *object)
{
  KabarMessageListModel *self = KABAR_MESSAGE_LIST_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  G_OBJECT_CLASS (kabar_message_list_model_parent_class)->dispose (object);
}

static void
kabar_message_list_model_finalize (GObject *object)
{
  KabarMessageListModel *self = KABAR_MESSAGE_LIST_MODEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  for (guint i = 0; i < self->items->len; i++)
    g_clear_object (&g_ptr_array_index (self->items, i));
  g_ptr_array_unref (self->items);
  g_array_unref (self->page_stamps);
  g_hash_table_unref (self->pending_pages);
  G_OBJECT_CLASS (kabar_message_list_model_parent_class)->finalize (object);
}

static void
kabar_message_list_model_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  KabarMessageListModel *self = KABAR_MESSAGE_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, kabar_message_list_model_get_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kabar_message_list_model_class_init (KabarMessageListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kabar_message_list_model_dispose;
  object_class->finalize = kabar_message_list_model_finalize;
  object_class->get_property = kabar_message_list_model_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kabar_message_list_model_init (KabarMessageListModel *self)
{
  self->cancellable = g_cancellable_new ();
  /* No free function: NULL entries are rows not asked for, and
   * splice_rows() moves items around and releases them itself. */
  self->items = g_ptr_array_new ();
  self->pending_pages = g_hash_table_new (NULL, NULL);
  self->page_stamps = g_array_new (FALSE, TRUE, sizeof (guint32));
}
