/* kabar-backoff.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kabar-backoff.h"

struct _KabarBackoff
{
  GRand *rand;
  guint  initial_ms;
  guint  max_ms;
  guint  failures;
};

static KabarBackoff *
backoff_new (GRand *rand)
{
  KabarBackoff *self = g_new0 (KabarBackoff, 1);

  self->rand = rand;
  self->initial_ms = KABAR_BACKOFF_DEFAULT_INITIAL_MS;
  self->max_ms = KABAR_BACKOFF_DEFAULT_MAX_MS;
  return self;
}

KabarBackoff *
kabar_backoff_new (void)
{
  return backoff_new (g_rand_new ());
}

KabarBackoff *
kabar_backoff_new_with_seed (guint32 seed)
{
  return backoff_new (g_rand_new_with_seed (seed));
}

void
kabar_backoff_free (KabarBackoff *self)
{
  if (self == NULL)
    return;
  g_rand_free (self->rand);
  g_free (self);
}

void
kabar_backoff_set_limits (KabarBackoff *self,
                          guint         initial_ms,
                          guint         max_ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (initial_ms > 0 && initial_ms <= max_ms);

  self->initial_ms = initial_ms;
  self->max_ms = max_ms;
  self->failures = 0;
}

guint
kabar_backoff_get_initial (KabarBackoff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->initial_ms;
}

guint
kabar_backoff_get_max (KabarBackoff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->max_ms;
}

guint
kabar_backoff_get_ceiling (KabarBackoff *self)
{
  guint64 ceiling;

  g_return_val_if_fail (self != NULL, 0);

  /* Past 2^32 the doubling would overflow; the cap is long reached. */
  if (self->failures >= 32)
    return self->max_ms;
  ceiling = (guint64) self->initial_ms << self->failures;
  return (guint) MIN (ceiling, (guint64) self->max_ms);
}

guint
kabar_backoff_next_delay (KabarBackoff *self)
{
  guint ceiling;

  g_return_val_if_fail (self != NULL, 0);

  ceiling = kabar_backoff_get_ceiling (self);
  if (self->failures < G_MAXUINT)
    self->failures++;
  /* Not g_rand_int_range: its gint32 would not hold a cap set above
   * 24 days. The ceiling itself is a fair draw, hence the + 1. */
  return (guint) g_rand_double_range (self->rand, 0, (double) ceiling + 1);
}

guint
kabar_backoff_get_failures (KabarBackoff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->failures;
}

void
kabar_backoff_reset (KabarBackoff *self)
{
  g_return_if_fail (self != NULL);

  self->failures = 0;
}
