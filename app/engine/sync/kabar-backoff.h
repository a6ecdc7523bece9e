/* kabar-backoff.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long to wait before the next connection attempt after failures:
 * exponential back-off with full jitter. The n-th delay after a success
 * (n from 0) is drawn uniformly from [0, min (max, initial × 2^n)], so the
 * connections of one account (and of many clients after a server restart)
 * spread out instead of reconnecting in lock step, and a server that stays
 * down is asked at most once per max.
 *
 * Not thread-safe: one back-off belongs to one worker. Delays are in
 * milliseconds. */
typedef struct _KabarBackoff KabarBackoff;

#define KABAR_BACKOFF_DEFAULT_INITIAL_MS 1000
#define KABAR_BACKOFF_DEFAULT_MAX_MS     (5 * 60 * 1000)

/* The defaults above, with a random seed. */
KabarBackoff *kabar_backoff_new           (void);
/* The same draws for the same seed: for tests. */
KabarBackoff *kabar_backoff_new_with_seed (guint32       seed);
void          kabar_backoff_free          (KabarBackoff *self);

/* 0 < initial_ms <= max_ms. Starts over, as reset() does. */
void          kabar_backoff_set_limits    (KabarBackoff *self,
                                           guint         initial_ms,
                                           guint         max_ms);
guint         kabar_backoff_get_initial   (KabarBackoff *self);
guint         kabar_backoff_get_max       (KabarBackoff *self);

/* The delay before the next attempt; each call counts one more failure. */
guint         kabar_backoff_next_delay    (KabarBackoff *self);
/* The upper bound of the next draw. */
guint         kabar_backoff_get_ceiling   (KabarBackoff *self);
/* Failures counted since the last reset. */
guint         kabar_backoff_get_failures  (KabarBackoff *self);
/* After a success: the next delay is drawn from [0, initial] again. */
void          kabar_backoff_reset         (KabarBackoff *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KabarBackoff, kabar_backoff_free)

G_END_DECLS
