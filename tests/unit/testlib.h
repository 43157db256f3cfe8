/* SPDX-License-Identifier: ISC */
/*
 * Helpers shared by the unit tests: a scratch directory per test program and
 * a way to write small files into it.  cmocka's headers need these includes
 * first, in this order.
 */
#ifndef CLOTLINE_TESTLIB_H
#define CLOTLINE_TESTLIB_H

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "diag.h"

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "."
#endif

static char testlib_dir[] = "/tmp/clotline-test-XXXXXX";

static inline const char *
testlib_tmpdir(void)
{
	static int made;

	if (!made) {
		if (mkdtemp(testlib_dir) == NULL)
			abort();
		made = 1;
	}
	return testlib_dir;
}

/* Writes text to name in the scratch directory; returns the path (static). */
static inline const char *
testlib_write(const char *name, const char *text)
{
	static char	 path[1024];
	FILE		*fp;

	snprintf(path, sizeof path, "%s/%s", testlib_tmpdir(), name);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fputs(text, fp);
	fclose(fp);
	return path;
}

static inline void
testlib_cleanup(void)
{
	char	cmd[600];

	if (strcmp(testlib_dir + strlen(testlib_dir) - 6, "XXXXXX") != 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", testlib_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", testlib_dir);
	}
}

/* 1 if some diagnostic contains a and, unless b is NULL, b too. */
static inline int
has_diag(const struct diag *d, const char *a, const char *b)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->v[i].text, a) != NULL &&
		    (b == NULL || strstr(d->v[i].text, b) != NULL))
			return 1;
	return 0;
}

/* A minimal valid configuration using the source tree's prompts. */
#define TESTLIB_CONF							\
	"[server]\n"							\
	"listen = 127.0.0.1:0\n"					\
	"public_url = https://clinic.example.org\n"			\
	"prompts_dir = " TEST_SRCDIR "/prompts\n"			\
	"[storage]\n"							\
	"database = :memory:\n"						\
	"[provider]\n"							\
	"auth_token = test-token\n"					\
	"[clinic]\n"							\
	"name = Test Clinic\n"						\
	"phone = +441234567890\n"					\
	"emergency_number = 999\n"					\
	"on_call = +447700900123\n"

#endif
