/* test-imap-uid-set.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * UID sets: what servers send (out of order, overlapping, "*") and what
 * commands get, and the COPYUID pairing.
 */

#include "config.h"

#include "kabar-imap-uid-map.h"
#include "kabar-imap-uid-set.h"

static char *
set_text (const KabarImapUidSet *set)
{
  return kabar_imap_uid_set_to_string (set);
}

static void
assert_parses_to (const char *text,
                  const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_parse (text, &error);
  g_autofree char *written = NULL;

  g_assert_no_error (error);
  written = set_text (set);
  g_assert_cmpstr (written, ==, expected);
}

static void
test_parse_sorts_and_merges (void)
{
  assert_parses_to ("1:5,7", "1:5,7");
  assert_parses_to ("7,1:5", "1:5,7");
  assert_parses_to ("5:1", "1:5");
  assert_parses_to ("3,1,2", "1:3");
  assert_parses_to ("1:4,3:9,11,10", "1:11");
  assert_parses_to ("9:*,2", "2,9:*");
  assert_parses_to ("4294967294", "4294967294");
}

static void
test_parse_refuses_what_is_not_a_set (void)
{
  const char *bad[] = { "", "0", "1:", ":3", "1,,2", "a", "1:5 ", "4294967296", "-1" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_parse (bad[i], &error);

      g_assert_null (set);
      g_assert_error (error, KABAR_IMAP_ERROR, KABAR_IMAP_ERROR_PARSE);
    }
}

static void
test_ascending_adds_stay_few_ranges (void)
{
  g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_new ();
  g_autofree char *text = NULL;

  for (guint32 uid = 1; uid <= 100000; uid++)
    if (uid % 1000 != 0)
      kabar_imap_uid_set_add (set, uid);
  g_assert_cmpuint (kabar_imap_uid_set_get_n_ranges (set), ==, 100);
  g_assert_cmpuint (kabar_imap_uid_set_get_count (set), ==, 99900);
  g_assert_true (kabar_imap_uid_set_contains (set, 999));
  g_assert_false (kabar_imap_uid_set_contains (set, 1000));
  g_assert_true (kabar_imap_uid_set_contains (set, 1001));
  g_assert_false (kabar_imap_uid_set_contains (set, 100000));
  kabar_imap_uid_set_add (set, 1000);
  g_assert_cmpuint (kabar_imap_uid_set_get_n_ranges (set), ==, 99);
  text = set_text (set);
  g_assert_true (g_str_has_prefix (text, "1:1999,2001:2999,"));
}

static void
test_out_of_order_adds_merge (void)
{
  g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_new ();
  g_autoptr(KabarImapUidSet) other = NULL;
  g_autoptr(GArray) uids = NULL;
  g_autofree char *text = NULL;

  kabar_imap_uid_set_add_range (set, 20, 30);
  kabar_imap_uid_set_add_range (set, 1, 3);
  kabar_imap_uid_set_add (set, 10);
  kabar_imap_uid_set_add_range (set, 4, 9);
  text = set_text (set);
  g_assert_cmpstr (text, ==, "1:10,20:30");
  kabar_imap_uid_set_add_range (set, 5, 25);
  g_clear_pointer (&text, g_free);
  text = set_text (set);
  g_assert_cmpstr (text, ==, "1:30");

  other = kabar_imap_uid_set_parse ("2,4:5", NULL);
  uids = kabar_imap_uid_set_to_array (other);
  g_assert_cmpuint (uids->len, ==, 3);
  g_assert_cmpuint (g_array_index (uids, guint32, 2), ==, 5);
  kabar_imap_uid_set_add_set (other, set);
  g_assert_true (kabar_imap_uid_set_equal (other, set));
}

static void
test_star_reaches_every_uid (void)
{
  g_autoptr(KabarImapUidSet) set = kabar_imap_uid_set_new_range (100, KABAR_IMAP_UID_STAR);
  g_autofree char *text = set_text (set);

  g_assert_cmpstr (text, ==, "100:*");
  g_assert_true (kabar_imap_uid_set_contains (set, G_MAXUINT32 - 1));
  g_assert_false (kabar_imap_uid_set_contains (set, 99));
  kabar_imap_uid_set_add_range (set, 50, 99);
  g_clear_pointer (&text, g_free);
  text = set_text (set);
  g_assert_cmpstr (text, ==, "50:*");
}

static void
test_uid_map_pairs_in_order (void)
{
  KabarImapUidMap map = { 7, g_array_new (FALSE, FALSE, sizeof (guint32)),
                          g_array_new (FALSE, FALSE, sizeof (guint32)) };
  guint32 source[] = { 3, 1, 2 };
  guint32 destination[] = { 10, 11, 12 };
  g_autoptr(KabarImapUidMap) copy = NULL;

  g_array_append_vals (map.source, source, 3);
  g_array_append_vals (map.destination, destination, 3);
  copy = kabar_imap_uid_map_copy (&map);
  g_assert_cmpuint (kabar_imap_uid_map_lookup (copy, 3), ==, 10);
  g_assert_cmpuint (kabar_imap_uid_map_lookup (copy, 2), ==, 12);
  g_assert_cmpuint (kabar_imap_uid_map_lookup (copy, 4), ==, 0);
  g_assert_cmpuint (copy->uidvalidity, ==, 7);
  g_array_unref (map.source);
  g_array_unref (map.destination);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/uid-set/parse-sorts-and-merges", test_parse_sorts_and_merges);
  g_test_add_func ("/imap/uid-set/parse-refuses-what-is-not-a-set", test_parse_refuses_what_is_not_a_set);
  g_test_add_func ("/imap/uid-set/ascending-adds-stay-few-ranges", test_ascending_adds_stay_few_ranges);
  g_test_add_func ("/imap/uid-set/out-of-order-adds-merge", test_out_of_order_adds_merge);
  g_test_add_func ("/imap/uid-set/star-reaches-every-uid", test_star_reaches_every_uid);
  g_test_add_func ("/imap/uid-set/uid-map-pairs-in-order", test_uid_map_pairs_in_order);

  return g_test_run ();
}
