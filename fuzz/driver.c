/* SPDX-License-Identifier: ISC */
/*
 * A main for a fuzz target without libFuzzer, so `make check` (with any
 * compiler, sanitizers or not) replays its inputs: every file under
 * fuzz/regress/<target>/ (inputs that once broke the code) and
 * fuzz/corpus/<target>/ (the seeds), or the files and directories named on
 * the command line.  Each input goes to LLVMFuzzerTestOneInput once, in a
 * buffer of exactly its size as libFuzzer gives it, so a read past the end
 * is caught here too.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "xmalloc.h"

#ifndef FUZZ_TARGET
#error FUZZ_TARGET must name the target
#endif

static int
driver_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Feeds one file to the target; returns -1 if it cannot be read. */
static int
driver_file(const char *path)
{
	FILE		*fp;
	struct stat	 sb;
	uint8_t		*buf;
	size_t		 len;

	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &sb) == -1) {
		fprintf(stderr, "%s: %s: %s\n", FUZZ_TARGET, path,
		    strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	len = (size_t)sb.st_size;
	buf = xmalloc(len > 0 ? len : 1);
	if (len > 0 && fread(buf, 1, len, fp) != len) {
		fprintf(stderr, "%s: %s: short read\n", FUZZ_TARGET, path);
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	(void)LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

/*
 * Feeds every file of a directory (in name order, dot files skipped) or
 * the one file; returns how many, or -1 on an error.  A missing directory
 * counts none when optional.
 */
static int
driver_path(const char *path, int optional)
{
	DIR		*dp;
	struct dirent	*de;
	struct stat	 sb;
	char		**names = NULL, *p;
	size_t		 n = 0, i;
	int		 count = 0;

	if (stat(path, &sb) == -1) {
		if (optional && errno == ENOENT)
			return 0;
		fprintf(stderr, "%s: %s: %s\n", FUZZ_TARGET, path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return driver_file(path) == -1 ? -1 : 1;
	if ((dp = opendir(path)) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", FUZZ_TARGET, path,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (n > 0)
		qsort(names, n, sizeof *names, driver_name_cmp);
	for (i = 0; i < n; i++) {
		p = xasprintf("%s/%s", path, names[i]);
		if (count != -1 && driver_file(p) == 0)
			count++;
		else
			count = -1;
		free(p);
		free(names[i]);
	}
	free(names);
	return count;
}

int
main(int argc, char **argv)
{
	const char	*dirs[] = { "regress", "corpus" };
	char		*path;
	size_t		 i;
	int		 n, total = 0;

	if (argc > 1) {
		for (n = 1; n < argc; n++)
			if (driver_path(argv[n], 0) == -1)
				return 1;
		return 0;
	}
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		path = xasprintf("%s/fuzz/%s/%s", fuzz_srcdir(), dirs[i],
		    FUZZ_TARGET);
		n = driver_path(path, 1);
		free(path);
		if (n == -1)
			return 1;
		total += n;
	}
	if (total == 0) {	/* a wrong path must not pass as "nothing to do" */
		fprintf(stderr, "%s: no inputs under %s/fuzz/{regress,corpus}/%s\n",
		    FUZZ_TARGET, fuzz_srcdir(), FUZZ_TARGET);
		return 1;
	}
	printf("%s: %d inputs, no failure\n", FUZZ_TARGET, total);
	return 0;
}
