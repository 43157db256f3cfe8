/* SPDX-License-Identifier: ISC */
/*
 * The injectable wall clock (see clock.h).
 */
#include "config.h"

#include <stddef.h>
#include <time.h>

#include "clock.h"

static clock_source_fn	 clock_fn;
static void		*clock_arg;

int64_t
clock_now(void)
{
	if (clock_fn != NULL)
		return clock_fn(clock_arg);
	return (int64_t)time(NULL);
}

void
clock_set_source(clock_source_fn fn, void *arg)
{
	clock_fn = fn;
	clock_arg = arg;
}
