/* test-backoff.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The delays between connection attempts: exponential, capped, jittered
 * over the whole range, and starting over after a success.
 */

#include "config.h"

#include "kabar-backoff.h"

#define DRAWS 2000

static void
test_defaults_are_one_second_and_five_minutes (void)
{
  g_autoptr(KabarBackoff) backoff = kabar_backoff_new ();

  g_assert_cmpuint (kabar_backoff_get_initial (backoff), ==, 1000);
  g_assert_cmpuint (kabar_backoff_get_max (backoff), ==, 5 * 60 * 1000);
  g_assert_cmpuint (kabar_backoff_get_ceiling (backoff), ==, 1000);
  g_assert_cmpuint (kabar_backoff_get_failures (backoff), ==, 0);
}

static void
test_delays_stay_within_the_doubling_ceiling (void)
{
  g_autoptr(KabarBackoff) backoff = kabar_backoff_new_with_seed (7);
  guint expected = 1000;

  for (guint i = 0; i < 12; i++)
    {
      guint ceiling = kabar_backoff_get_ceiling (backoff);
      guint delay;

      g_assert_cmpuint (ceiling, ==, MIN (expected, 5 * 60 * 1000));
      delay = kabar_backoff_next_delay (backoff);
      g_assert_cmpuint (delay, <=, ceiling);
      g_assert_cmpuint (kabar_backoff_get_failures (backoff), ==, i + 1);
      expected *= 2;
    }
}

/* The mean of the draws doubles with each failure until the cap. */
static void
test_delays_grow_by_a_factor_of_two (void)
{
  double means[6] = { 0 };

  for (guint run = 0; run < DRAWS; run++)
    {
      g_autoptr(KabarBackoff) backoff = kabar_backoff_new_with_seed (run);

      kabar_backoff_set_limits (backoff, 100, 1000000);
      for (guint i = 0; i < G_N_ELEMENTS (means); i++)
        means[i] += kabar_backoff_next_delay (backoff) / (double) DRAWS;
    }
  for (guint i = 0; i < G_N_ELEMENTS (means); i++)
    {
      double expected = 100 * (1 << i) / 2.0;

      g_test_message ("failure %u: mean %.1f ms, expected %.1f", i + 1, means[i], expected);
      g_assert_cmpfloat (means[i], >, expected * 0.9);
      g_assert_cmpfloat (means[i], <, expected * 1.1);
    }
}

static void
test_the_cap_holds_however_many_failures (void)
{
  g_autoptr(KabarBackoff) backoff = kabar_backoff_new_with_seed (11);
  guint largest = 0;

  kabar_backoff_set_limits (backoff, 1000, 4000);
  for (guint i = 0; i < 100; i++)
    {
      guint delay = kabar_backoff_next_delay (backoff);

      largest = MAX (largest, delay);
    }
  g_assert_cmpuint (kabar_backoff_get_ceiling (backoff), ==, 4000);
  g_assert_cmpuint (largest, <=, 4000);
  /* Doubling past 32 bits would wrap around to tiny delays. */
  for (guint i = 0; i < 100; i++)
    {
      g_assert_cmpuint (kabar_backoff_get_ceiling (backoff), ==, 4000);
      kabar_backoff_next_delay (backoff);
    }
  g_assert_cmpuint (kabar_backoff_get_failures (backoff), ==, 200);
}

static void
test_reset_starts_over_from_the_initial_delay (void)
{
  g_autoptr(KabarBackoff) backoff = kabar_backoff_new_with_seed (3);

  kabar_backoff_set_limits (backoff, 50, 60000);
  for (guint i = 0; i < 8; i++)
    kabar_backoff_next_delay (backoff);
  g_assert_cmpuint (kabar_backoff_get_ceiling (backoff), ==, 50 << 8);
  kabar_backoff_reset (backoff);
  g_assert_cmpuint (kabar_backoff_get_failures (backoff), ==, 0);
  g_assert_cmpuint (kabar_backoff_get_ceiling (backoff), ==, 50);
  for (guint i = 0; i < 100; i++)
    {
      g_assert_cmpuint (kabar_backoff_next_delay (backoff), <=, 50);
      kabar_backoff_reset (backoff);
    }
}

/* Full jitter: the draws cover the whole range evenly, from 0 to the
 * ceiling, so connections that failed together spread out. */
static void
test_jitter_spreads_over_the_whole_range (void)
{
  g_autoptr(KabarBackoff) backoff = kabar_backoff_new_with_seed (42);
  guint buckets[10] = { 0 };
  guint smallest = G_MAXUINT;
  guint largest = 0;

  kabar_backoff_set_limits (backoff, 10000, 10000);
  for (guint i = 0; i < DRAWS; i++)
    {
      guint delay = kabar_backoff_next_delay (backoff);

      smallest = MIN (smallest, delay);
      largest = MAX (largest, delay);
      buckets[MIN (delay / 1000, 9)]++;
    }
  g_test_message ("draws from %u to %u ms", smallest, largest);
  g_assert_cmpuint (smallest, <, 100);
  g_assert_cmpuint (largest, >, 9900);
  for (guint i = 0; i < G_N_ELEMENTS (buckets); i++)
    {
      g_test_message ("%u-%u s: %u", i, i + 1, buckets[i]);
      g_assert_cmpuint (buckets[i], >, DRAWS / 10 * 7 / 10);
      g_assert_cmpuint (buckets[i], <, DRAWS / 10 * 13 / 10);
    }
}

static void
test_the_same_seed_draws_the_same_delays (void)
{
  g_autoptr(KabarBackoff) one = kabar_backoff_new_with_seed (2026);
  g_autoptr(KabarBackoff) two = kabar_backoff_new_with_seed (2026);
  g_autoptr(KabarBackoff) other = kabar_backoff_new_with_seed (2027);
  guint differ = 0;

  for (guint i = 0; i < 10; i++)
    {
      guint delay = kabar_backoff_next_delay (one);

      g_assert_cmpuint (kabar_backoff_next_delay (two), ==, delay);
      if (kabar_backoff_next_delay (other) != delay)
        differ++;
    }
  g_assert_cmpuint (differ, >, 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/backoff/defaults-are-one-second-and-five-minutes",
                   test_defaults_are_one_second_and_five_minutes);
  g_test_add_func ("/sync/backoff/delays-stay-within-the-doubling-ceiling",
                   test_delays_stay_within_the_doubling_ceiling);
  g_test_add_func ("/sync/backoff/delays-grow-by-a-factor-of-two", test_delays_grow_by_a_factor_of_two);
  g_test_add_func ("/sync/backoff/the-cap-holds-however-many-failures", test_the_cap_holds_however_many_failures);
  g_test_add_func ("/sync/backoff/reset-starts-over-from-the-initial-delay",
                   test_reset_starts_over_from_the_initial_delay);
  g_test_add_func ("/sync/backoff/jitter-spreads-over-the-whole-range", test_jitter_spreads_over_the_whole_range);
  g_test_add_func ("/sync/backoff/the-same-seed-draws-the-same-delays", test_the_same_seed_draws_the_same_delays);

  return g_test_run ();
}
