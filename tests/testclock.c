/* SPDX-License-Identifier: ISC */
/*
 * The file-driven test clock (see testclock.h).  A file that cannot be read
 * for a moment (the test is rewriting it) keeps the last good value.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "log.h"
#include "testclock.h"

static const char	*testclock_path;
static int64_t		 testclock_last = -1;

static int64_t
testclock_read(void)
{
	FILE		*fp;
	char		 buf[32], *end;
	long long	 v;

	if ((fp = fopen(testclock_path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof buf, fp) == NULL) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || end == buf || (*end != '\n' && *end != '\0') || v < 0)
		return -1;
	return (int64_t)v;
}

static int64_t
testclock_now(void *arg)
{
	int64_t	v;

	if ((v = testclock_read()) >= 0)
		testclock_last = v;
	return testclock_last;
}

void
testclock_install(void)
{
	if ((testclock_path = getenv("CLOTLINE_TEST_CLOCK")) == NULL ||
	    *testclock_path == '\0')
		fatal("this is the test build of clotline: set CLOTLINE_TEST_CLOCK "
		    "to a file holding the time, or run src/clotline");
	if ((testclock_last = testclock_read()) < 0)
		fatal("CLOTLINE_TEST_CLOCK: %s does not hold Unix seconds",
		    testclock_path);
	clock_set_source(testclock_now, NULL);
	log_warn("TEST CLOCK: the time is read from %s (a test build; never "
	    "in production)", testclock_path);
}
