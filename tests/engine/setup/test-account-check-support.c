/* test-account-check-support.c
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-account-check-support.h"
#include "kabar-test-wait.h"

typedef struct
{
  KabarAccountCheckStep  step;
  KabarAccountCheckState state;
} Change;

typedef struct
{
  GThread *thread;
  GArray  *changes;
} Recorder;

static void
on_step_changed (KabarAccountCheck      *check,
                 KabarAccountCheckStep   step,
                 KabarAccountCheckState  state,
                 Recorder               *recorder)
{
  Change change = { step, state };

  /* The UI's thread is the one that asked. */
  g_assert_true (g_thread_self () == recorder->thread);
  g_assert_cmpint (kabar_account_check_get_state (check, step), ==, state);
  g_array_append_val (recorder->changes, change);
}

static char
letter (KabarAccountCheckState state)
{
  switch (state)
    {
    case KABAR_ACCOUNT_CHECK_PENDING:
      return '-';
    case KABAR_ACCOUNT_CHECK_RUNNING:
      return 'R';
    case KABAR_ACCOUNT_CHECK_PASSED:
      return 'P';
    case KABAR_ACCOUNT_CHECK_FAILED:
      return 'F';
    default:
      g_assert_not_reached ();
    }
}

static char *
dup_states (KabarAccountCheck *check)
{
  GString *states = g_string_new (NULL);

  for (guint step = 0; step < KABAR_ACCOUNT_CHECK_N_STEPS; step++)
    {
      if (step == KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT)
        g_string_append_c (states, ' ');
      g_string_append_c (states, letter (kabar_account_check_get_state (check, step)));
    }
  return g_string_free (states, FALSE);
}

void
kabar_account_check_test_assert_states (KabarAccountCheck *check,
                                        const char        *expected)
{
  g_autofree char *states = dup_states (check);

  g_assert_cmpstr (states, ==, expected);
}

/* A step is only touched once every step before it is done with: none
 * passes before it ran, none runs behind a failure. */
static void
assert_in_order (GArray *changes)
{
  for (guint i = 1; i < changes->len; i++)
    {
      Change *before = &g_array_index (changes, Change, i - 1);
      Change *change = &g_array_index (changes, Change, i);

      g_assert_cmpint (change->step, >=, before->step);
      g_assert_cmpint (before->state, !=, KABAR_ACCOUNT_CHECK_FAILED);
    }
}

KabarAccountCheck *
kabar_account_check_test_run (KabarAccount  *account,
                              const char    *secret,
                              guint          timeout_seconds,
                              GError       **error)
{
  KabarAccountCheck *check = kabar_account_check_new (account, secret);
  Recorder recorder = { g_thread_self (), g_array_new (FALSE, FALSE, sizeof (Change)) };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean passed;

  if (timeout_seconds > 0)
    kabar_account_check_set_timeout (check, timeout_seconds);
  g_signal_connect (check, "step-changed", G_CALLBACK (on_step_changed), &recorder);
  kabar_account_check_run_async (check, NULL, kabar_test_wait_done, &slot);
  kabar_account_check_test_assert_states (check, "R--- ---");

  result = kabar_test_wait (&slot);
  passed = kabar_account_check_run_finish (check, result, error);
  g_signal_handlers_disconnect_by_data (check, &recorder);
  assert_in_order (recorder.changes);
  if (passed)
    {
      g_assert_cmpint (kabar_account_check_get_failed_step (check), ==, KABAR_ACCOUNT_CHECK_N_STEPS);
      g_assert_null (kabar_account_check_get_certificate_problem (check));
    }
  g_array_unref (recorder.changes);
  return check;
}

void
kabar_account_check_test_assert_failed (KabarAccountCheck      *check,
                                        const GError           *error,
                                        KabarAccountCheckError  code,
                                        KabarAccountCheckStep   step,
                                        const char             *host,
                                        guint16                 port)
{
  g_autofree char *peer = g_strdup_printf ("%s:%u", host, port);

  g_assert_error (error, KABAR_ACCOUNT_CHECK_ERROR, (int) code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, peer));
  g_assert_cmpint (kabar_account_check_get_failed_step (check), ==, step);
  g_assert_cmpint (kabar_account_check_get_failed_role (check), ==,
                   step >= KABAR_ACCOUNT_CHECK_OUTGOING_CONNECT ? KABAR_SERVER_OUTGOING : KABAR_SERVER_INCOMING);
  g_assert_cmpint (kabar_account_check_get_state (check, step), ==, KABAR_ACCOUNT_CHECK_FAILED);
  if (code != KABAR_ACCOUNT_CHECK_ERROR_CERTIFICATE)
    g_assert_null (kabar_account_check_get_certificate_problem (check));
}
