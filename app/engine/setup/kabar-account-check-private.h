/* kabar-account-check-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the check's parts share: the mail protocols' chains in
 * kabar-account-check.c, Microsoft Graph's in kabar-account-check-graph.c.
 * The task of a run is the check's: its source object is the check.
 */

#pragma once

#include "kabar-account-check.h"

G_BEGIN_DECLS

KabarAccount *kabar_account_check_get_account (KabarAccountCheck      *self);
/* Seconds a server may go without progress (set_timeout()). */
guint         kabar_account_check_get_timeout (KabarAccountCheck      *self);
void          kabar_account_check_set_step    (KabarAccountCheck      *self,
                                               KabarAccountCheckStep   step,
                                               KabarAccountCheckState  state);
/* Takes error and problem: the step fails with error's meaning for the
 * user (a cancel leaves it PENDING), and the task returns. */
void          kabar_account_check_fail        (GTask                   *task,
                                               KabarAccountCheckStep    step,
                                               GError                  *error,
                                               KabarCertificateProblem *problem);
/* The same, with a meaning the caller knows better than the error's
 * domain tells. */
void          kabar_account_check_fail_as     (GTask                   *task,
                                               KabarAccountCheckStep    step,
                                               KabarAccountCheckError   code,
                                               GError                  *error);
/* Takes error and problem: a connection failed, in the "connect" or the
 * "secure" step after it, as what failed says. */
void          kabar_account_check_fail_connect (GTask                   *task,
                                                KabarAccountCheckStep    connect,
                                                GError                  *error,
                                                KabarCertificateProblem *problem);

/* Takes task. The incoming steps of a Microsoft Graph account; the task
 * returns when they are done. */
void          kabar_account_check_graph       (GTask                   *task);

G_END_DECLS
