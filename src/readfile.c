/* SPDX-License-Identifier: ISC */
/*
 * Bounded reading of regular files (see readfile.h).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "readfile.h"

static int
readfile_stat_ok(const char *path, const struct stat *sb, size_t max,
    const char *what, struct diag *d)
{
	if (!S_ISREG(sb->st_mode)) {
		diag_error(d, path, 0, "the %s is not a regular file", what);
		return 0;
	}
	if ((unsigned long long)sb->st_size > max) {
		diag_error(d, path, 0, "the %s is larger than %zu bytes", what,
		    max);
		return 0;
	}
	return 1;
}

FILE *
readfile_open(const char *path, size_t max, const char *what, struct diag *d)
{
	struct stat	 sb;
	FILE		*fp;
	int		 fd;

	/* O_NONBLOCK: opening a FIFO would wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		diag_error(d, path, 0, "cannot open the %s: %s", what,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1) {
		diag_error(d, path, 0, "cannot read the %s: %s", what,
		    strerror(errno));
		close(fd);
		return NULL;
	}
	if (!readfile_stat_ok(path, &sb, max, what, d)) {
		close(fd);
		return NULL;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		diag_error(d, path, 0, "cannot read the %s: %s", what,
		    strerror(errno));
		close(fd);
		return NULL;
	}
	return fp;
}

int
readfile_check(const char *path, size_t max, const char *what, struct diag *d)
{
	struct stat	sb;

	if (stat(path, &sb) == -1) {
		diag_error(d, path, 0, "cannot open the %s: %s", what,
		    strerror(errno));
		return -1;
	}
	return readfile_stat_ok(path, &sb, max, what, d) ? 0 : -1;
}
