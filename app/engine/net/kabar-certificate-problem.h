/* kabar-certificate-problem.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Why a server's certificate was refused: the certificate itself, what the
 * TLS library found wrong with it and the host it was meant to prove. A
 * connection that fails with KABAR_NET_ERROR_CERTIFICATE hands one out
 * (see kabar_connection_connect_finish()), so the UI can show the
 * certificate and let the user trust it for that host: the next connection
 * then gets it as its pinned certificate.
 *
 * Immutable and reference counted; safe to pass between threads. */
typedef struct _KabarCertificateProblem KabarCertificateProblem;

#define KABAR_TYPE_CERTIFICATE_PROBLEM (kabar_certificate_problem_get_type ())

GType                    kabar_certificate_problem_get_type              (void) G_GNUC_CONST;

KabarCertificateProblem *kabar_certificate_problem_new                   (const char               *host,
                                                                          guint16                   port,
                                                                          GTlsCertificate          *certificate,
                                                                          GTlsCertificateFlags      errors);
KabarCertificateProblem *kabar_certificate_problem_ref                   (KabarCertificateProblem  *self);
void                     kabar_certificate_problem_unref                 (KabarCertificateProblem  *self);

/* The server's own certificate (with its chain, as it sent it). */
GTlsCertificate         *kabar_certificate_problem_get_certificate       (KabarCertificateProblem  *self);
/* At least one flag is set. The TLS library stops at the first problem it
 * meets, so an unset flag does not prove that the certificate is fine in
 * that respect: never trust a certificate for the flags it lacks. */
GTlsCertificateFlags     kabar_certificate_problem_get_errors            (KabarCertificateProblem  *self);
/* The host name (or address) the user configured, which the certificate
 * was checked against. */
const char              *kabar_certificate_problem_get_host              (KabarCertificateProblem  *self);
guint16                  kabar_certificate_problem_get_port              (KabarCertificateProblem  *self);

/* For the certificate dialog. The names are RFC 4514 strings
 * ("CN=localhost"); the dates are UTC; any may be NULL when the TLS library
 * cannot tell. */
char                    *kabar_certificate_problem_dup_subject           (KabarCertificateProblem  *self);
char                    *kabar_certificate_problem_dup_issuer            (KabarCertificateProblem  *self);
GDateTime               *kabar_certificate_problem_dup_not_valid_before  (KabarCertificateProblem  *self);
GDateTime               *kabar_certificate_problem_dup_not_valid_after   (KabarCertificateProblem  *self);
/* SHA-256 of the certificate's DER encoding as 64 lowercase hex digits:
 * what a user compares with the fingerprint the provider publishes. */
char                    *kabar_certificate_problem_dup_fingerprint       (KabarCertificateProblem  *self);
/* One English sentence per problem found, the most serious first, e.g.
 * "It is not signed by a certificate authority this computer trusts." For
 * logs and details; the UI words its own translated text from the flags. */
GStrv                    kabar_certificate_problem_dup_descriptions      (KabarCertificateProblem  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarCertificateProblem, kabar_certificate_problem_unref)

G_END_DECLS
