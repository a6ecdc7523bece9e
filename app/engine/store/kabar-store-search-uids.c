/* kabar-store-search-uids.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server's search results mapped to the store's messages.
 */

#include "config.h"

#include "kabar-store-private.h"
#include "kabar-store-search-uids.h"

typedef struct
{
  gint64 folder_id;
  const char *uids_json;
  const char *exclude_json;
  guint limit;
  GArray *ids;
} UidSearch;

/* The lists go in as JSON arrays: one bound parameter whatever their
 * length (a common word can match a whole folder), where an IN list of
 * parameters would hit SQLite's limit of 32,766. json_each() is turned
 * into an ephemeral index once, so each row is one lookup. */
static gboolean
read_by_uids (KabarStoreConnection  *connection,
              gpointer               data,
              GError               **error)
{
  UidSearch *search = data;
  g_autoptr(KabarStoreStatement) stmt =
    kabar_store_connection_prepare (connection,
                                    "SELECT m.id FROM messages AS m "
                                    "WHERE m.folder_id = ?1 AND m.local_state != 1 AND m.uid > 0 "
                                    "  AND m.uid IN (SELECT value FROM json_each (?2)) "
                                    "  AND m.id NOT IN (SELECT value FROM json_each (?3)) "
                                    "ORDER BY m.date DESC, m.uid DESC LIMIT ?4",
                                    error);
  gboolean has_row = FALSE;
  gboolean stepped;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, search->folder_id);
  sqlite3_bind_text (stmt, 2, search->uids_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, search->exclude_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, search->limit);
  while ((stepped = kabar_store_statement_step (stmt, &has_row, error)) && has_row)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (search->ids, id);
    }
  return stepped;
}

static char *
uids_to_json (const guint32 *uids,
              gsize          n)
{
  GString *json = g_string_sized_new (n * 7 + 2);

  g_string_append_c (json, '[');
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (json, "%s%u", i > 0 ? "," : "", uids[i]);
  g_string_append_c (json, ']');
  return g_string_free (json, FALSE);
}

static char *
ids_to_json (const gint64 *ids,
             gsize         n)
{
  GString *json = g_string_sized_new (n * 8 + 2);

  g_string_append_c (json, '[');
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
  g_string_append_c (json, ']');
  return g_string_free (json, FALSE);
}

GArray *
kabar_store_search_by_uids (KabarStore     *self,
                            gint64          folder_id,
                            const guint32  *uids,
                            gsize           n_uids,
                            const gint64   *exclude_ids,
                            gsize           n_exclude,
                            guint           limit,
                            GError        **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *uids_json = NULL;
  g_autofree char *exclude_json = NULL;
  UidSearch search = { folder_id, NULL, NULL, limit, ids };

  g_return_val_if_fail (KABAR_IS_STORE (self), NULL);
  g_return_val_if_fail (uids != NULL || n_uids == 0, NULL);
  g_return_val_if_fail (exclude_ids != NULL || n_exclude == 0, NULL);

  if (n_uids == 0 || limit == 0)
    return g_steal_pointer (&ids);
  uids_json = uids_to_json (uids, n_uids);
  exclude_json = ids_to_json (exclude_ids, n_exclude);
  search.uids_json = uids_json;
  search.exclude_json = exclude_json;
  if (!kabar_store_read (self, read_by_uids, &search, error))
    return NULL;
  return g_steal_pointer (&ids);
}
