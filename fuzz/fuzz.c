/* SPDX-License-Identifier: ISC */
/*
 * Helpers for the fuzz targets (see fuzz.h): splitting an input into
 * parts, a private temporary directory for the targets that read files,
 * and the failure report.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "xmalloc.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

#define FUZZ_MAX_FILES	256

static char	*fuzz_dir;
static char	*fuzz_files[FUZZ_MAX_FILES];	/* made, in order */
static size_t	 fuzz_nfiles;

size_t
fuzz_split(const uint8_t *data, size_t size, int sep, struct fuzz_part *parts,
    size_t max)
{
	const char	*p = (const char *)data, *end = p + size, *q;
	size_t		 n = 0;

	while (n + 1 < max && size > 0 &&
	    (q = memchr(p, sep, (size_t)(end - p))) != NULL) {
		parts[n].p = p;
		parts[n++].len = (size_t)(q - p);
		p = q + 1;
	}
	parts[n].p = p;
	parts[n++].len = (size_t)(end - p);
	return n;
}

char *
fuzz_string(const char *p, size_t len)
{
	char	*s;

	s = xmalloc(len + 1);
	if (len > 0)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

void
fuzz_fail(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fprintf(stderr, "fuzz: oracle failed: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

/* Removes what fuzz_write made, newest first, so directories go last. */
static void
fuzz_cleanup(void)
{
	while (fuzz_nfiles > 0) {
		fuzz_nfiles--;
		if (unlink(fuzz_files[fuzz_nfiles]) == -1)
			(void)rmdir(fuzz_files[fuzz_nfiles]);
		free(fuzz_files[fuzz_nfiles]);
	}
	if (fuzz_dir != NULL)
		(void)rmdir(fuzz_dir);
}

const char *
fuzz_tmpdir(void)
{
	const char	*tmp;

	if (fuzz_dir != NULL)
		return fuzz_dir;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	fuzz_dir = xasprintf("%s/clotline-fuzz.XXXXXX", tmp);
	if (mkdtemp(fuzz_dir) == NULL) {
		fprintf(stderr, "fuzz: mkdtemp %s: %s\n", fuzz_dir,
		    strerror(errno));
		exit(1);
	}
	atexit(fuzz_cleanup);
	return fuzz_dir;
}

/* Remembers a path for fuzz_cleanup once; returns the kept copy. */
static const char *
fuzz_remember(const char *path)
{
	size_t	i;

	for (i = 0; i < fuzz_nfiles; i++)
		if (strcmp(fuzz_files[i], path) == 0)
			return fuzz_files[i];
	if (fuzz_nfiles == FUZZ_MAX_FILES) {
		fprintf(stderr, "fuzz: more than %d temporary files\n",
		    FUZZ_MAX_FILES);
		exit(1);
	}
	fuzz_files[fuzz_nfiles] = xstrdup(path);
	return fuzz_files[fuzz_nfiles++];
}

const char *
fuzz_write(const char *name, const void *data, size_t len)
{
	const char	*path, *slash;
	char		*tmp, *dir;
	FILE		*fp;

	/* Each directory on the way, made once. */
	for (slash = strchr(name, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		dir = xasprintf("%s/%.*s", fuzz_tmpdir(), (int)(slash - name),
		    name);
		if (mkdir(dir, 0700) == 0)
			(void)fuzz_remember(dir);
		free(dir);
	}
	tmp = xasprintf("%s/%s", fuzz_tmpdir(), name);
	path = fuzz_remember(tmp);
	free(tmp);
	if ((fp = fopen(path, "w")) == NULL ||
	    (len > 0 && fwrite(data, 1, len, fp) != len) || fclose(fp) != 0) {
		fprintf(stderr, "fuzz: cannot write %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	return path;
}

const char *
fuzz_srcdir(void)
{
	const char	*s;

	if ((s = getenv("CLOTLINE_SRCDIR")) != NULL && *s != '\0')
		return s;
	return FUZZ_SRCDIR;
}

int
fuzz_contains(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle)) != NULL;
}
