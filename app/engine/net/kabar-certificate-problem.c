/* kabar-certificate-problem.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-certificate-problem.h"

struct _KabarCertificateProblem
{
  char *host;
  guint16 port;
  GTlsCertificate *certificate;
  GTlsCertificateFlags errors;
};

static void
kabar_certificate_problem_clear (KabarCertificateProblem *self)
{
  g_free (self->host);
  g_object_unref (self->certificate);
}

G_DEFINE_BOXED_TYPE (KabarCertificateProblem, kabar_certificate_problem,
                     kabar_certificate_problem_ref, kabar_certificate_problem_unref)

KabarCertificateProblem *
kabar_certificate_problem_new (const char           *host,
                               guint16               port,
                               GTlsCertificate      *certificate,
                               GTlsCertificateFlags  errors)
{
  KabarCertificateProblem *self;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  self = g_atomic_rc_box_new0 (KabarCertificateProblem);
  self->host = g_strdup (host);
  self->port = port;
  self->certificate = g_object_ref (certificate);
  /* GLib promises a flag whenever verification fails; keep that promise
   * for callers even if a TLS backend breaks it. */
  self->errors = errors != 0 ? errors : G_TLS_CERTIFICATE_GENERIC_ERROR;
  return self;
}

KabarCertificateProblem *
kabar_certificate_problem_ref (KabarCertificateProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
kabar_certificate_problem_unref (KabarCertificateProblem *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) kabar_certificate_problem_clear);
}

GTlsCertificate *
kabar_certificate_problem_get_certificate (KabarCertificateProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->certificate;
}

GTlsCertificateFlags
kabar_certificate_problem_get_errors (KabarCertificateProblem *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->errors;
}

const char *
kabar_certificate_problem_get_host (KabarCertificateProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->host;
}

guint16
kabar_certificate_problem_get_port (KabarCertificateProblem *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

char *
kabar_certificate_problem_dup_subject (KabarCertificateProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_tls_certificate_get_subject_name (self->certificate);
}

char *
kabar_certificate_problem_dup_issuer (KabarCertificateProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_tls_certificate_get_issuer_name (self->certificate);
}

GDateTime *
kabar_certificate_problem_dup_not_valid_before (KabarCertificateProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_tls_certificate_get_not_valid_before (self->certificate);
}

GDateTime *
kabar_certificate_problem_dup_not_valid_after (KabarCertificateProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_tls_certificate_get_not_valid_after (self->certificate);
}

char *
kabar_certificate_problem_dup_fingerprint (KabarCertificateProblem *self)
{
  g_autoptr(GByteArray) der = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  g_object_get (self->certificate, "certificate", &der, NULL);
  g_return_val_if_fail (der != NULL, NULL);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

/* In the order a user should hear about them: a certificate nobody vouches
 * for matters more than its dates. */
static const struct
{
  GTlsCertificateFlags flag;
  const char *description;
} descriptions[] = {
  { G_TLS_CERTIFICATE_UNKNOWN_CA, "It is not signed by a certificate authority this computer trusts." },
  { G_TLS_CERTIFICATE_BAD_IDENTITY, "It was issued for a different host name." },
  { G_TLS_CERTIFICATE_REVOKED, "It has been revoked by its authority." },
  { G_TLS_CERTIFICATE_INSECURE, "It uses an insecure algorithm." },
  { G_TLS_CERTIFICATE_EXPIRED, "It has expired." },
  { G_TLS_CERTIFICATE_NOT_ACTIVATED, "It is not valid yet." },
  { G_TLS_CERTIFICATE_GENERIC_ERROR, "It is not valid." },
};

GStrv
kabar_certificate_problem_dup_descriptions (KabarCertificateProblem *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GTlsCertificateFlags described = 0;

  g_return_val_if_fail (self != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (descriptions); i++)
    if (self->errors & descriptions[i].flag)
      {
        g_strv_builder_add (builder, descriptions[i].description);
        described |= descriptions[i].flag;
      }
  /* A flag from a newer GLib still says something is wrong. */
  if ((self->errors & ~described) != 0 && !(described & G_TLS_CERTIFICATE_GENERIC_ERROR))
    g_strv_builder_add (builder, "It is not valid.");
  return g_strv_builder_end (builder);
}
