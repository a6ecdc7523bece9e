/* test-account-check-support.h
 *
 * SPDX-FileCopyrightText: 2026 The Kabar developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kabar-account-check.h"

G_BEGIN_DECLS

/* Runs a check of account to its end on the thread-default main context,
 * as the assistant does, and returns it for its states (error set when it
 * failed). On the way it asserts what holds for every check: run_async
 * returns at once with only the first step under way, "step-changed" comes
 * on the calling thread, in the order of the steps, and says what
 * get_state() says. timeout_seconds 0 keeps the check's default. */
KabarAccountCheck *kabar_account_check_test_run           (KabarAccount       *account,
                                                           const char         *secret,
                                                           guint               timeout_seconds,
                                                           GError            **error);

/* What the user sees, one character a step in the order of
 * KabarAccountCheckStep, incoming and outgoing apart: '-' not run,
 * 'R' running, 'P' passed, 'F' failed; e.g. "PPF- ---". */
void               kabar_account_check_test_assert_states (KabarAccountCheck  *check,
                                                           const char         *expected);

/* A failed check: its error, the step and server that failed, and that the
 * message names host:port. */
void               kabar_account_check_test_assert_failed (KabarAccountCheck  *check,
                                                           const GError       *error,
                                                           KabarAccountCheckError code,
                                                           KabarAccountCheckStep step,
                                                           const char         *host,
                                                           guint16             port);

G_END_DECLS
