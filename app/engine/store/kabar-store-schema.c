/* kabar-store-schema.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "kabar-store.h"
#include "kabar-store-private.h"
#include "kabar-store-resources.h"
#include "kabar-store-schema.h"

#define SQL_RESOURCE_FORMAT "/io/github/kabar/Kabar/store/sql/version-%03u.sql"

/* "KBAR", set by version-001.sql. */
#define KABAR_STORE_APPLICATION_ID 0x4b424152

/* The engine is a static library, where a resource's constructor can be
 * dropped by the linker: the getter is called directly instead of relying
 * on the global registration. */
static GBytes *
lookup_version_sql (guint    version,
                    GError **error)
{
  g_autofree char *path = g_strdup_printf (SQL_RESOURCE_FORMAT, version);

  return g_resource_lookup_data (kabar_store_get_resource (), path,
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

guint
kabar_store_schema_latest_version (void)
{
  guint version = 0;

  for (;;)
    {
      g_autofree char *path = g_strdup_printf (SQL_RESOURCE_FORMAT, version + 1);

      if (!g_resource_get_info (kabar_store_get_resource (), path,
                                G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL))
        return version;
      version++;
    }
}

gboolean
kabar_store_schema_check (KabarStoreConnection  *connection,
                          GError               **error)
{
  guint latest = kabar_store_schema_latest_version ();
  gint64 version, application_id;

  if (!kabar_store_connection_query_int (connection, "PRAGMA user_version", &version, error)
      || !kabar_store_connection_query_int (connection, "PRAGMA application_id",
                                            &application_id, error))
    return FALSE;

  if (version > latest)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_TOO_NEW,
                   "The store was written by a newer version of Kabar "
                   "(schema version %" G_GINT64_FORMAT ", this version knows up to %u)",
                   version, latest);
      return FALSE;
    }
  if (version > 0 && application_id != KABAR_STORE_APPLICATION_ID)
    {
      g_set_error (error, KABAR_STORE_ERROR, KABAR_STORE_ERROR_CORRUPT,
                   "This SQLite database is not a Kabar store (application id %" G_GINT64_FORMAT ")",
                   application_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_version (KabarStoreConnection  *connection,
               guint                  version,
               GError               **error)
{
  g_autoptr(GBytes) sql = lookup_version_sql (version, error);
  g_autofree char *text = NULL;
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", version);

  if (sql == NULL)
    return FALSE;
  text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
  return kabar_store_connection_exec (connection, text, error)
         && kabar_store_connection_exec (connection, set_version, error);
}

/* One step: the version is read inside the write transaction, so two
 * processes opening an old store at once do not both apply a file. */
static gboolean
upgrade_one_version (KabarStoreConnection  *connection,
                     guint                  latest,
                     gboolean              *done,
                     GError               **error)
{
  gint64 version;

  if (!kabar_store_connection_exec (connection, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!kabar_store_connection_query_int (connection, "PRAGMA user_version", &version, error))
    goto failed;

  *done = version >= latest;
  if (!*done && !apply_version (connection, (guint) version + 1, error))
    {
      g_prefix_error (error, "Upgrading the store to version %u: ", (guint) version + 1);
      goto failed;
    }
  if (!kabar_store_connection_exec (connection, "COMMIT", error))
    goto failed;
  return TRUE;

failed:
  kabar_store_connection_rollback (connection);
  return FALSE;
}

gboolean
kabar_store_schema_upgrade (KabarStoreConnection  *connection,
                            GError               **error)
{
  guint latest = kabar_store_schema_latest_version ();
  gboolean done = FALSE;

  while (!done)
    if (!upgrade_one_version (connection, latest, &done, error))
      return FALSE;
  return TRUE;
}
