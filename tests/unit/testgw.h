/* SPDX-License-Identifier: ISC */
/*
 * A gateway without HTTP for the webhook unit tests (test-sms, test-voice):
 * real settings (TESTLIB_CONF with the shipped prompts and rules), the
 * SQLite backend on :memory: and fresh metrics.  Include after testlib.h.
 */
#ifndef CLOTLINE_TESTGW_H
#define CLOTLINE_TESTGW_H

#include "metrics.h"
#include "settings.h"
#include "storage.h"

struct fixture {
	struct settings	*set;
	struct storage	*st;
	struct metrics	 m;
};

/* cmocka setup: *state becomes a fixture (-1 if it cannot be built). */
static inline int
testgw_setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);
	struct diag	 d;
	char		*err = NULL;

	diag_init(&d);
	fx->set = settings_load(testlib_write("gw.ini", TESTLIB_CONF), &d);
	diag_clear(&d);
	fx->st = storage_open("sqlite", ":memory:", NULL, &err);
	free(err);
	if (fx->set == NULL || fx->st == NULL)
		return -1;
	metrics_init(&fx->m, 0);
	*state = fx;
	return 0;
}

static inline int
testgw_teardown(void **state)
{
	struct fixture	*fx = *state;

	settings_free(fx->set);
	storage_close(fx->st);
	free(fx);
	return 0;
}

#endif
