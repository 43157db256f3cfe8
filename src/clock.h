/* SPDX-License-Identifier: ISC */
/*
 * The one wall clock the gateway's decisions read: when a message arrived,
 * when an outbox row is due or stale, when a reminder fires.  It is the
 * system clock unless a test build installs another source: the daemon
 * built for integration tests (tests/clotline-testclock, never installed)
 * reads the time from a file the test writes, so tests can move days
 * forward in moments.  The production binary contains no code that calls
 * clock_set_source, so it cannot be put on a fake clock by configuration
 * or environment.  Durations (timeouts, drains, rate limits) use the
 * monotonic clock and are not affected.
 */
#ifndef CLOTLINE_CLOCK_H
#define CLOTLINE_CLOCK_H

#include <stdint.h>

typedef int64_t	(*clock_source_fn)(void *arg);

/* Unix seconds now. */
int64_t	clock_now(void);
/* Replaces the source; NULL restores the system clock.  arg is borrowed. */
void	clock_set_source(clock_source_fn, void *arg);

#endif
