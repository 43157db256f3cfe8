/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: the triage engine with the shipped rules (prompts/rules)
 * on arbitrary conversations.  The input's first line is the stored
 * conversation state (triage_state_parse, malformed or not); the rest is
 * up to four messages separated by 0x1e, ten minutes apart, made valid
 * UTF-8 as the daemon does.
 *
 * Oracles (fuzz_triage.h): the same conversation under the plain rules
 * gives the same answers and states; every matching line passes the
 * prefilter and its ASCII pattern agrees; results keep their invariants;
 * states survive being stored; and the first message given raw, invalid
 * UTF-8 and all, triages as its sanitised text does.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "fuzz.h"
#include "fuzz_triage.h"
#include "triage.h"
#include "triage_reader.h"
#include "utf8.h"
#include "xmalloc.h"

#define FUZZ_TRIAGE_MSGS	4

static struct triage_rules	*fuzz_fast, *fuzz_plain;

/* Reads a whole file into a new buffer; exits if it cannot. */
static char *
fuzz_triage_read(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 n = 0, got;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "fuzz_triage: cannot open %s\n", path);
		exit(1);
	}
	do {
		buf = xreallocarray(buf, n + 4096, 1);
		got = fread(buf + n, 1, 4096, fp);
		n += got;
	} while (got == 4096);
	fclose(fp);
	*lenp = n;
	return buf;
}

/* The shipped rules, and a plain copy of each file under fuzz_tmpdir(). */
static void
fuzz_triage_init(void)
{
	struct diag	 d;
	DIR		*dp;
	struct dirent	*de;
	char		*dir, *path, *text, *plain, *name;
	size_t		 len, plen;

	dir = xasprintf("%s/prompts/rules", fuzz_srcdir());
	diag_init(&d);
	if ((fuzz_fast = triage_rules_load(dir, &d)) == NULL) {
		fprintf(stderr, "fuzz_triage: %s: %s\n", dir,
		    d.n > 0 ? d.v[0].text : "cannot load");
		exit(1);
	}
	diag_clear(&d);
	if ((dp = opendir(dir)) == NULL)
		exit(1);
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 7 ||
		    strcmp(de->d_name + len - 6, ".rules") != 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		text = fuzz_triage_read(path, &len);
		plain = fuzz_triage_plain(text, len, &plen);
		name = xasprintf("plain/%s", de->d_name);
		(void)fuzz_write(name, plain, plen);
		free(name);
		free(plain);
		free(text);
		free(path);
	}
	closedir(dp);
	/* The second reader reads the same either way: copied as it is. */
	path = xasprintf("%s/%s", dir, TRIAGE_READER_FILE);
	if (access(path, F_OK) == 0) {
		text = fuzz_triage_read(path, &len);
		(void)fuzz_write("plain/" TRIAGE_READER_FILE, text, len);
		free(text);
	}
	free(path);
	free(dir);
	if ((fuzz_plain = fuzz_triage_load("plain")) == NULL) {
		fprintf(stderr, "fuzz_triage: the plain rules do not load\n");
		exit(1);
	}
	fuzz_triage_is_plain(fuzz_plain);
}

/* The first message, raw: triage_step sanitises it the same way. */
static void
fuzz_triage_raw(const char *state, const struct fuzz_part *raw,
    const char *clean)
{
	struct triage_state	 sa, sb;
	struct triage_result	 ra, rb;
	char			*text, *fa, *fb;

	text = fuzz_string(raw->p, raw->len);
	(void)triage_state_parse(fuzz_fast, state, &sa);
	sb = sa;
	triage_step(fuzz_fast, &sa, text, 0, &ra);
	triage_step(fuzz_fast, &sb, clean, 0, &rb);
	fa = triage_state_format(fuzz_fast, &sa);
	fb = triage_state_format(fuzz_fast, &sb);
	/* Up to a NUL: the string ends there. */
	if (memchr(raw->p, '\0', raw->len) == NULL &&
	    (ra.level != rb.level || strcmp(ra.rules, rb.rules) != 0 ||
	    strcmp(fa, fb) != 0))
		fuzz_fail("raw text triages as %s [%s], sanitised as %s [%s]",
		    triage_level_name(ra.level), ra.rules,
		    triage_level_name(rb.level), rb.rules);
	free(fa);
	free(fb);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part	 line[2], part[FUZZ_TRIAGE_MSGS];
	char			*state, *msgs[FUZZ_TRIAGE_MSGS];
	size_t			 n, i;

	if (fuzz_fast == NULL)
		fuzz_triage_init();
	if (fuzz_split(data, size, '\n', line, 2) < 2)
		return 0;
	state = fuzz_string(line[0].p, line[0].len);
	n = fuzz_split((const uint8_t *)line[1].p, line[1].len, 0x1e, part,
	    FUZZ_TRIAGE_MSGS);
	for (i = 0; i < n; i++)
		msgs[i] = utf8_sanitize(part[i].p, part[i].len);
	fuzz_triage_compare(fuzz_fast, fuzz_plain, state, msgs, n);
	fuzz_triage_raw(state, &part[0], msgs[0]);
	for (i = 0; i < n; i++)
		free(msgs[i]);
	free(state);
	return 0;
}
