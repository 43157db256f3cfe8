/* SPDX-License-Identifier: ISC */
/*
 * What the fuzz targets in fuzz/ share.  Each target defines
 * LLVMFuzzerTestOneInput and is linked either with libFuzzer (clang, `make
 * fuzz`, fuzz/run.sh) or with fuzz/driver.c, which feeds it every kept input
 * once under `make check`.  A target checks an oracle, not only that the
 * code survives: a broken one calls fuzz_fail, which aborts, so libFuzzer
 * and the driver both report it as a crash with the input that caused it.
 */
#ifndef CLOTLINE_FUZZ_H
#define CLOTLINE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* One piece of the input, not NUL-terminated; points into the input. */
struct fuzz_part {
	const char	*p;
	size_t		 len;
};

/*
 * Splits data at each byte sep into at most max parts (the last takes the
 * rest, separators and all); returns how many.  Empty input is one empty
 * part.
 */
size_t		 fuzz_split(const uint8_t *data, size_t size, int sep,
		    struct fuzz_part *parts, size_t max);
/* A new NUL-terminated copy of p[0..len) (it may hold NULs); caller frees. */
char		*fuzz_string(const char *p, size_t len);
/* Reports a broken oracle on stderr and aborts. */
void		 fuzz_fail(const char *, ...)
		    __attribute__((noreturn, format(printf, 1, 2)));
/*
 * A private directory made on first use under TMPDIR, emptied of the files
 * fuzz_write made and removed at exit.  The string is static.
 */
const char	*fuzz_tmpdir(void);
/*
 * Writes data to name, a relative path under fuzz_tmpdir() whose
 * directories are made as needed, replacing it; returns the full path
 * (static, one per name).
 */
const char	*fuzz_write(const char *name, const void *data, size_t len);
/* The source tree (env CLOTLINE_SRCDIR or the build's own); static. */
const char	*fuzz_srcdir(void);
/* 1 if s[0..len) contains needle. */
int		 fuzz_contains(const char *s, size_t len, const char *needle);

#endif
