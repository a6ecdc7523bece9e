/* kabar-store-folder.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-store-folder.h"

G_DEFINE_BOXED_TYPE (KabarStoreFolder, kabar_store_folder,
                     kabar_store_folder_copy, kabar_store_folder_free)

KabarStoreFolder *
kabar_store_folder_copy (const KabarStoreFolder *self)
{
  KabarStoreFolder *copy = g_memdup2 (self, sizeof *self);

  copy->path = g_strdup (self->path);
  copy->name = g_strdup (self->name);
  copy->attributes = g_strdupv (self->attributes);
  return copy;
}

void
kabar_store_folder_free (KabarStoreFolder *self)
{
  if (self == NULL)
    return;

  g_free (self->path);
  g_free (self->name);
  g_strfreev (self->attributes);
  g_free (self);
}
