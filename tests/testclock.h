/* SPDX-License-Identifier: ISC */
/*
 * The integration tests' clock: compiled only into tests/clotline-testclock
 * (see clock.h and docs/reminders.md), never into the installed binary.
 */
#ifndef CLOTLINE_TESTCLOCK_H
#define CLOTLINE_TESTCLOCK_H

/*
 * Makes clock_now() read Unix seconds from the file named by the
 * environment variable CLOTLINE_TEST_CLOCK, read afresh on every call so a
 * test moves time by rewriting it.  Exits if the variable is unset or the
 * file unreadable: this binary must never run on the real clock unnoticed.
 */
void	testclock_install(void);

#endif
