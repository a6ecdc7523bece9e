/* kabar-certificate-dialog.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kabar-certificate-problem.h"

G_BEGIN_DECLS

/* A server's certificate that is not trusted, shown so the user can
 * decide: who it was issued to and by, when it is valid, its SHA-256
 * fingerprint and, in words, what is wrong with it. An AdwMessageDialog,
 * modal to parent (may be NULL), not yet shown, whose responses are
 * "close", "retry" ("Try Again", only with_retry) and "trust" ("Trust for
 * This Server"): the caller connects to "response" and does the trusting
 * (pins kabar_certificate_problem_get_certificate() for the server). */
GtkWidget *kabar_certificate_dialog_new (GtkWindow               *parent,
                                         KabarCertificateProblem *problem,
                                         gboolean                 with_retry);

G_END_DECLS
