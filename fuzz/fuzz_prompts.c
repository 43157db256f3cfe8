/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: prompt files (prompts.c), the clinic's editable replies.
 * The shipped English prompts are copied to a private directory; each
 * input's first byte picks one of them (or a new one, extra.txt) and the
 * rest replaces its file before the set is loaded, then the file is put
 * back.
 *
 * prompts_load must load the set exactly when the file follows the format
 * (at most 4096 bytes of UTF-8 without NUL; leading '#' lines are
 * comments; not empty once trailing white space is trimmed; every '{'
 * closed and naming {emergency_number}, {urgent_number}, {clinic_name},
 * {clinic_phone} or, in alert and delivery_failed, a placeholder filled
 * when sent; every "[[" closed by "]]" with no "[" between, the text
 * between kept only when each value in it is there, or brackets and all
 * when it holds one filled when sent; urgent and emergency replies give
 * {emergency_number}; a count's forms, {minutes|one:minute|other:minutes},
 * only on a placeholder filled when sent, "other" last, each other
 * category given a condition by en/plural.txt, which replaces it), and the
 * loaded text must be the file rendered by those rules, values never
 * expanded again.
 * prompts_expand of any text must keep UTF-8 valid.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fuzz.h"
#include "prompts.h"
#include "utf8.h"
#include "xmalloc.h"

static const char *const fuzz_prompts_names[] = {
	"emergency", "urgent", "urgent_leg", "alert", "delivery_failed",
	"routine", "advice_stairs", "extra",
};
#define FUZZ_PROMPTS_N	\
	(sizeof fuzz_prompts_names / sizeof fuzz_prompts_names[0])

static const struct prompt_vars fuzz_prompts_vars = {
	.emergency_number = "112",
	.urgent_number = NULL,		/* no such line: its sections go */
	.clinic_name = "St Mary's & {clinic_phone} Kl\xc3\xadnica",
	.clinic_phone = "+441234567890",
};

static char	*fuzz_prompts_orig[FUZZ_PROMPTS_N];
static size_t	 fuzz_prompts_origlen[FUZZ_PROMPTS_N];
static char	*fuzz_prompts_dir;
static char	*fuzz_prompts_one;	/* en/plural.txt's condition for one */

static void
fuzz_prompts_init(void)
{
	DIR		*dp;
	struct dirent	*de;
	FILE		*fp;
	char		*src, *path, *name, buf[8192];
	size_t		 len, i;

	src = xasprintf("%s/prompts/en", fuzz_srcdir());
	if ((dp = opendir(src)) == NULL) {
		fprintf(stderr, "fuzz_prompts: cannot open %s\n", src);
		exit(1);
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".txt") != 0)
			continue;
		path = xasprintf("%s/%s", src, de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			exit(1);
		len = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		name = xasprintf("prompts/en/%s", de->d_name);
		(void)fuzz_write(name, buf, len);
		if (strcmp(de->d_name, "plural.txt") == 0 &&
		    fuzz_prompts_one == NULL) {
			char	*rules = fuzz_string(buf, len), *one, *eol;

			if ((one = strstr(rules, "\none:")) != NULL) {
				one += 5;
				eol = one + strcspn(one, "\n");
				fuzz_prompts_one = xstrndup(one,
				    (size_t)(eol - one));
			}
			free(rules);
		}
		for (i = 0; i < FUZZ_PROMPTS_N; i++)
			if (strlen(fuzz_prompts_names[i]) + 4 ==
			    strlen(de->d_name) && strncmp(de->d_name,
			    fuzz_prompts_names[i], strlen(de->d_name) - 4) == 0) {
				fuzz_prompts_orig[i] = fuzz_string(buf, len);
				fuzz_prompts_origlen[i] = len;
			}
		free(name);
		free(path);
	}
	closedir(dp);
	free(src);
	fuzz_prompts_orig[FUZZ_PROMPTS_N - 1] = xstrdup("Extra text.\n");
	fuzz_prompts_origlen[FUZZ_PROMPTS_N - 1] = 12;
	(void)fuzz_write("prompts/en/extra.txt", "Extra text.\n", 12);
	if (fuzz_prompts_one == NULL) {
		fprintf(stderr, "fuzz_prompts: no rule for one in "
		    "en/plural.txt\n");
		exit(1);
	}
	for (i = 0; i < FUZZ_PROMPTS_N; i++)
		if (fuzz_prompts_orig[i] == NULL) {
			fprintf(stderr, "fuzz_prompts: no %s.txt\n",
			    fuzz_prompts_names[i]);
			exit(1);
		}
	fuzz_prompts_dir = xasprintf("%s/prompts", fuzz_tmpdir());
}

/* 1 if [s, s + k) is filled when prompt late (1 alert, 2 ...) is sent. */
static int
fuzz_prompts_late(int late, const char *s, size_t k)
{
	static const char *const runtime[2][8] = {
		{ "level", "id", "name", "phone", "concepts", "excerpt",
		    "answered", "minutes" },
		{ "phone", "reason", "code" },
	};
	size_t	i;

	for (i = 0; late && i < 8; i++)
		if (runtime[late - 1][i] != NULL &&
		    strlen(runtime[late - 1][i]) == k &&
		    strncmp(runtime[late - 1][i], s, k) == 0)
			return 1;
	return 0;
}

/*
 * A count's forms {NAME|CAT:TEXT|...|other:TEXT} at [open, close] into *o,
 * each category but other replaced by en/plural.txt's condition for it
 * (which has one only); -1 if the format refuses them.
 */
static int
fuzz_prompts_forms(const char *open, const char *bar, const char *close,
    int late, char **o)
{
	static const char *const cats[] = { "zero", "one", "two", "few",
	    "many", "other" };
	const char	*p, *colon;
	size_t		 i, n;
	int		 other = 0;

	if (!fuzz_prompts_late(late, open + 1, (size_t)(bar - open - 1)))
		return -1;
	memcpy(*o, open, (size_t)(bar + 1 - open));
	*o += bar + 1 - open;
	for (p = bar + 1; p <= close; p = bar + 1) {
		if (other)
			return -1;	/* "other" comes last */
		bar = memchr(p, '|', (size_t)(close - p));
		if (bar == NULL)
			bar = close;
		if ((colon = memchr(p, ':', (size_t)(bar - p))) == NULL)
			return -1;
		n = (size_t)(colon - p);
		for (i = 0; i < 6; i++)
			if (strlen(cats[i]) == n && strncmp(cats[i], p, n) == 0)
				break;
		if (i == 6)
			return -1;
		other = i == 5;
		if (i != 5 && i != 1)
			return -1;	/* no rule for it */
		if (i == 1) {
			memcpy(*o, fuzz_prompts_one, strlen(fuzz_prompts_one));
			*o += strlen(fuzz_prompts_one);
			memcpy(*o, colon, (size_t)(bar + 1 - colon));
			*o += bar + 1 - colon;
		} else {
			memcpy(*o, p, (size_t)(bar + 1 - p));
			*o += bar + 1 - p;
		}
	}
	return other ? 0 : -1;
}

/*
 * Renders [p, end) into *o: load-time placeholders filled, runtime ones of
 * the prompt kept (late: 0 none, 1 alert, 2 delivery_failed); counts the
 * empty values and the kept ones.  -1 for a placeholder it may not have.
 */
static int
fuzz_prompts_span(const char *p, const char *end, int late, char **o,
    int *empty, int *kept)
{
	const char	*open, *close, *val, *bar;
	size_t		 k;

	for (; (open = memchr(p, '{', (size_t)(end - p))) != NULL;
	    p = close + 1) {
		memcpy(*o, p, (size_t)(open - p));
		*o += open - p;
		if ((close = memchr(open, '}', (size_t)(end - open))) == NULL)
			return -1;
		k = (size_t)(close - open - 1);
		if ((bar = memchr(open, '|', k + 1)) != NULL) {
			if (fuzz_prompts_forms(open, bar, close, late, o) == -1)
				return -1;
			(*kept)++;
			continue;
		}
		val = NULL;
		if (k == 16 && strncmp(open + 1, "emergency_number", k) == 0)
			val = fuzz_prompts_vars.emergency_number;
		else if (k == 13 && strncmp(open + 1, "urgent_number", k) == 0)
			val = fuzz_prompts_vars.urgent_number;
		else if (k == 11 && strncmp(open + 1, "clinic_name", k) == 0)
			val = fuzz_prompts_vars.clinic_name;
		else if (k == 12 && strncmp(open + 1, "clinic_phone", k) == 0)
			val = fuzz_prompts_vars.clinic_phone;
		else {
			if (!fuzz_prompts_late(late, open + 1, k))
				return -1;
			memcpy(*o, open, k + 2);	/* kept for when it is sent */
			*o += k + 2;
			(*kept)++;
			continue;
		}
		if (val == NULL || *val == '\0')
			(*empty)++;
		if (val != NULL) {
			memcpy(*o, val, strlen(val));
			*o += strlen(val);
		}
	}
	memcpy(*o, p, (size_t)(end - p));
	*o += end - p;
	return 0;
}

/* The file rendered by the format's rules, or NULL if it breaks one. */
static char *
fuzz_prompts_render(const char *name, const char *file, size_t len)
{
	const char	*body, *p, *open, *close;
	char		*text, *out, *o, *sec, *so;
	size_t		 n;
	int		 late, empty, kept;	/* late: 0, 1 alert, 2 ... */

	if (len > 4096 || !utf8_valid(file, len))
		return NULL;
	for (body = file; *body == '#'; ) {
		body += strcspn(body, "\n");
		if (*body == '\n')
			body++;
	}
	n = strlen(body);
	while (n > 0 && isspace((unsigned char)body[n - 1]))
		n--;
	if (n == 0)
		return NULL;
	text = xstrndup(body, n);
	if ((strncmp(name, "urgent", 6) == 0 ||
	    strncmp(name, "emergency", 9) == 0) &&
	    strstr(text, "{emergency_number") == NULL) {
		free(text);
		return NULL;
	}
	late = strcmp(name, "alert") == 0 ? 1 :
	    strcmp(name, "delivery_failed") == 0 ? 2 : 0;
	out = o = xmalloc(n * 40 + 1);	/* a value is under 40 bytes */
	sec = xmalloc(n * 40 + 1);
	/* Text in [[ ]] stays only when every value in it is there. */
	for (p = text; (open = strstr(p, "[[")) != NULL; p = close + 2) {
		empty = kept = 0;
		if (fuzz_prompts_span(p, open, late, &o, &empty, &kept) == -1)
			goto bad;
		if ((close = strstr(open + 2, "]]")) == NULL ||
		    memchr(open + 2, '[', (size_t)(close - open - 2)) != NULL)
			goto bad;
		so = sec;
		empty = kept = 0;
		if (fuzz_prompts_span(open + 2, close, late, &so, &empty,
		    &kept) == -1)
			goto bad;
		if (kept > 0) {
			memcpy(o, "[[", 2);
			o += 2;
		}
		if (kept > 0 || empty == 0) {
			memcpy(o, sec, (size_t)(so - sec));
			o += so - sec;
		}
		if (kept > 0) {
			memcpy(o, "]]", 2);
			o += 2;
		}
	}
	empty = kept = 0;
	if (fuzz_prompts_span(p, p + strlen(p), late, &o, &empty, &kept) == -1)
		goto bad;
	*o = '\0';
	free(sec);
	free(text);
	return out;
bad:
	free(sec);
	free(text);
	free(out);
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "level", "phone", "excerpt" };
	static const char *const vals[] = { "emergency", "+44\xe2\x80\xa6",
	    "{phone} \xf0\x9f\x98\x80" };
	struct prompts	*ps;
	struct diag	 d;
	const char	*name, *got;
	char		*file, *want, *exp, *tname;
	size_t		 k;

	if (fuzz_prompts_dir == NULL)
		fuzz_prompts_init();
	if (size == 0)
		return 0;
	k = data[0] % FUZZ_PROMPTS_N;
	name = fuzz_prompts_names[k];
	tname = xasprintf("prompts/en/%s.txt", name);
	(void)fuzz_write(tname, data + 1, size - 1);
	file = fuzz_string((const char *)data + 1, size - 1);
	want = fuzz_prompts_render(name, file, size - 1);

	diag_init(&d);
	ps = prompts_load(fuzz_prompts_dir, "en", &fuzz_prompts_vars, &d);
	if ((ps == NULL) != (d.nerrors > 0))
		fuzz_fail("prompts_load: set %p with %zu errors", (void *)ps,
		    d.nerrors);
	if ((ps != NULL) != (want != NULL))
		fuzz_fail("%s.txt %s, but the format says it is %s", name,
		    ps != NULL ? "loads" : "does not load",
		    want != NULL ? "valid" : "not");
	if (ps != NULL) {
		got = prompts_lookup(ps, "en", name);
		if (got == NULL || strcmp(got, want) != 0)
			fuzz_fail("%s renders as \"%s\", expected \"%s\"", name,
			    got != NULL ? got : "(none)", want);
		exp = prompts_expand(got, keys, vals, 3);
		if (!utf8_valid(exp, strlen(exp)))
			fuzz_fail("prompts_expand made invalid UTF-8");
		free(exp);
	}
	prompts_free(ps);
	diag_clear(&d);
	free(want);
	free(file);
	(void)fuzz_write(tname, fuzz_prompts_orig[k], fuzz_prompts_origlen[k]);
	free(tname);
	return 0;
}
