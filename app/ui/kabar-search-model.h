/* kabar-search-model.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kabar-mail-service.h"
#include "kabar-message-item.h"

G_BEGIN_DECLS

/* The results of a search in one folder (or every folder of the account:
 * folder_id 0) as a GListModel of KabarMessageItem, for the message list
 * to show like a folder. Searching runs as the mail service's two stages
 * (kabar-mail-service.h): the local index's results show as soon as they
 * come, newest first; then the server's additions (mail whose body is not
 * downloaded) are appended after them, newest first among themselves.
 * Each stage gives at most KABAR_MAIL_SERVICE_SEARCH_LIMIT (500) messages,
 * so a common word in a folder of 100,000 stays fast: the model holds at
 * most twice that.
 *
 * A new query cancels the one running and empties the list; an empty
 * query (or only spaces) searches nothing. "searching" is TRUE from a
 * query until both stages are done. When the service says the folder
 * changed, the query runs again (a moment later, once a burst of changes
 * is over): items of messages still found stay the same objects, their
 * summaries updated ("notify::summary" of the item: a message read
 * elsewhere shows as read), and messages that went leave the list. */
#define KABAR_TYPE_SEARCH_MODEL (kabar_search_model_get_type ())

G_DECLARE_FINAL_TYPE (KabarSearchModel, kabar_search_model, KABAR, SEARCH_MODEL, GObject)

/* Starts searching at once, unless query is NULL or empty. */
KabarSearchModel *kabar_search_model_new           (KabarMailService *service,
                                                    gint64            folder_id,
                                                    const char       *query);
KabarMailService *kabar_search_model_get_service   (KabarSearchModel *self);
gint64            kabar_search_model_get_folder_id (KabarSearchModel *self);
/* "query" */
const char       *kabar_search_model_get_query     (KabarSearchModel *self);
void              kabar_search_model_set_query     (KabarSearchModel *self,
                                                    const char       *query);
/* "searching" */
gboolean          kabar_search_model_get_searching (KabarSearchModel *self);
/* "n-results": the number of items, as items-changed said last. */
guint             kabar_search_model_get_n_results (KabarSearchModel *self);

G_END_DECLS
