/* kabar-application.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-account-manager.h"
#include "kabar-mail-service.h"

G_BEGIN_DECLS

#define KABAR_TYPE_APPLICATION (kabar_application_get_type ())

G_DECLARE_FINAL_TYPE (KabarApplication, kabar_application, KABAR, APPLICATION, AdwApplication)

KabarApplication *kabar_application_new          (void);
/* A KabarMailService for each IMAP account, started when the accounts are
 * read at startup and stopped at shutdown; changes as accounts do. */
GListModel       *kabar_application_get_services (KabarApplication *self);

/* The accounts, as read from their files at startup. To change one,
 * save an edited copy (kabar_account_dup()): its service is replaced. */
KabarAccountManager *kabar_application_get_account_manager (KabarApplication *self);

/* The user trusts the certificate that the service's account refused
 * (kabar_mail_service_get_certificate_problem()) for the server it came
 * from: the account is saved with it pinned, and its service, which
 * reads its settings only when it starts, is replaced by a new one. */
void              kabar_application_trust_certificate_async  (KabarApplication    *self,
                                                              KabarMailService    *service,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean          kabar_application_trust_certificate_finish (KabarApplication    *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

G_END_DECLS
