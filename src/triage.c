/*
 * The foundation triage engine (see triage.h).
 *
 * A rules file has one statement a line; '#' starts a comment line:
 *   concept ID PATTERN          a PCRE2 pattern (UTF-8, caseless)
 *   rule ID LEVEL CONCEPT[+CONCEPT...]
 * A rule fires when all its concepts match; the message's level is the
 * highest level of the rules that fired, routine when none did.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "triage.h"
#include "xmalloc.h"

#define TRIAGE_MAX_CONCEPTS	64	/* a rule's concepts are a 64-bit mask */
#define TRIAGE_MAX_LINE		4096

struct triage_concept {
	char		*id;
	pcre2_code	*re;
};

struct triage_rule {
	char			*id;
	enum triage_level	 level;
	uint64_t		 need;	/* concepts that must all match */
};

struct triage_rules {
	struct triage_concept	 concepts[TRIAGE_MAX_CONCEPTS];
	size_t			 nconcepts;
	struct triage_rule	*rules;
	size_t			 nrules;
};

static const char *triage_level_names[] = {
	[TRIAGE_ROUTINE] = "routine",
	[TRIAGE_ADVICE] = "advice",
	[TRIAGE_URGENT] = "urgent",
	[TRIAGE_EMERGENCY] = "emergency",
};

const char *
triage_level_name(enum triage_level level)
{
	return triage_level_names[level];
}

static int
triage_level_parse(const char *s, enum triage_level *out)
{
	int	i;

	for (i = TRIAGE_ROUTINE; i <= TRIAGE_EMERGENCY; i++) {
		if (strcmp(s, triage_level_names[i]) == 0) {
			*out = (enum triage_level)i;
			return 0;
		}
	}
	return -1;
}

static int
triage_find_concept(const struct triage_rules *tr, const char *id, size_t len)
{
	size_t	i;

	for (i = 0; i < tr->nconcepts; i++)
		if (strlen(tr->concepts[i].id) == len &&
		    strncmp(tr->concepts[i].id, id, len) == 0)
			return (int)i;
	return -1;
}

/* Splits off the next space-separated word of *p. */
static char *
triage_word(char **p)
{
	char	*w;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p == '\0')
		return NULL;
	w = *p;
	while (**p != '\0' && **p != ' ' && **p != '\t')
		(*p)++;
	if (**p != '\0')
		*(*p)++ = '\0';
	return w;
}

static void
triage_concept_line(struct triage_rules *tr, char *rest, const char *path,
    unsigned line, struct diag *d)
{
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 off;
	pcre2_code	*re;
	char		*id;
	int		 err;

	if ((id = triage_word(&rest)) == NULL) {
		diag_error(d, path, line, "concept needs an id and a pattern");
		return;
	}
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest == '\0') {
		diag_error(d, path, line, "concept '%s' has no pattern", id);
		return;
	}
	if (triage_find_concept(tr, id, strlen(id)) != -1) {
		diag_error(d, path, line, "concept '%s' is defined twice", id);
		return;
	}
	if (tr->nconcepts == TRIAGE_MAX_CONCEPTS) {
		diag_error(d, path, line, "more than %d concepts",
		    TRIAGE_MAX_CONCEPTS);
		return;
	}
	re = pcre2_compile((PCRE2_SPTR)rest, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS,
	    &err, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(err, msg, sizeof msg);
		diag_error(d, path, line, "concept '%s': bad pattern at offset "
		    "%zu: %s", id, (size_t)off, (const char *)msg);
		return;
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);	/* optional */
	tr->concepts[tr->nconcepts].id = xstrdup(id);
	tr->concepts[tr->nconcepts].re = re;
	tr->nconcepts++;
}

static void
triage_rule_line(struct triage_rules *tr, char *rest, const char *path,
    unsigned line, struct diag *d)
{
	struct triage_rule	 r;
	char			*id, *lvl, *need, *extra, *p;
	size_t			 len;
	int			 c;

	id = triage_word(&rest);
	lvl = triage_word(&rest);
	need = triage_word(&rest);
	extra = triage_word(&rest);
	if (id == NULL || lvl == NULL || need == NULL || extra != NULL) {
		diag_error(d, path, line,
		    "expected: rule ID LEVEL CONCEPT[+CONCEPT...]");
		return;
	}
	memset(&r, 0, sizeof r);
	if (triage_level_parse(lvl, &r.level) == -1) {
		diag_error(d, path, line, "rule '%s': unknown level '%s' "
		    "(routine, advice, urgent or emergency)", id, lvl);
		return;
	}
	for (p = need; *p != '\0'; p += len + (p[len] == '+')) {
		len = strcspn(p, "+");
		if ((c = triage_find_concept(tr, p, len)) == -1) {
			diag_error(d, path, line, "rule '%s': unknown concept "
			    "'%.*s' (define it above the rule)", id, (int)len, p);
			return;
		}
		r.need |= UINT64_C(1) << c;
	}
	r.id = xstrdup(id);
	tr->rules = xreallocarray(tr->rules, tr->nrules + 1, sizeof *tr->rules);
	tr->rules[tr->nrules++] = r;
}

static void
triage_load_file(struct triage_rules *tr, const char *path, struct diag *d)
{
	FILE		*fp;
	char		 buf[TRIAGE_MAX_LINE], *p, *kw;
	unsigned	 line = 0;
	size_t		 len;

	if ((fp = fopen(path, "r")) == NULL) {
		diag_error(d, path, 0, "cannot open: %s", strerror(errno));
		return;
	}
	while (fgets(buf, sizeof buf, fp) != NULL) {
		line++;
		len = strlen(buf);
		if (len > 0 && buf[len - 1] != '\n' && !feof(fp)) {
			diag_error(d, path, line, "line longer than %d bytes",
			    TRIAGE_MAX_LINE - 2);
			break;
		}
		while (len > 0 && isspace((unsigned char)buf[len - 1]))
			buf[--len] = '\0';
		p = buf;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		kw = triage_word(&p);
		if (strcmp(kw, "concept") == 0)
			triage_concept_line(tr, p, path, line, d);
		else if (strcmp(kw, "rule") == 0)
			triage_rule_line(tr, p, path, line, d);
		else
			diag_error(d, path, line, "unknown statement '%s' "
			    "(concept or rule)", kw);
	}
	fclose(fp);
}

static int
triage_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct triage_rules *
triage_rules_load(const char *dir, struct diag *d)
{
	struct triage_rules	*tr;
	DIR			*dp;
	struct dirent		*de;
	char			**names = NULL, *path;
	size_t			 nnames = 0, i, len, nerr = d->nerrors;

	tr = xcalloc(1, sizeof *tr);
	if ((dp = opendir(dir)) == NULL) {
		diag_error(d, dir, 0, "cannot open rules directory: %s",
		    strerror(errno));
		goto out;
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len > 6 && strcmp(de->d_name + len - 6, ".rules") == 0) {
			names = xreallocarray(names, nnames + 1, sizeof *names);
			names[nnames++] = xstrdup(de->d_name);
		}
	}
	closedir(dp);
	qsort(names, nnames, sizeof *names, triage_name_cmp);
	for (i = 0; i < nnames; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		triage_load_file(tr, path, d);
		free(path);
	}
	if (nnames > 0 && tr->nrules == 0 && d->nerrors == nerr)
		diag_error(d, dir, 0, "no rules defined");
	if (nnames == 0)
		diag_error(d, dir, 0, "no *.rules files");
out:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	if (d->nerrors != nerr) {
		triage_rules_free(tr);
		return NULL;
	}
	return tr;
}

void
triage_rules_free(struct triage_rules *tr)
{
	size_t	i;

	if (tr == NULL)
		return;
	for (i = 0; i < tr->nconcepts; i++) {
		free(tr->concepts[i].id);
		pcre2_code_free(tr->concepts[i].re);
	}
	for (i = 0; i < tr->nrules; i++)
		free(tr->rules[i].id);
	free(tr->rules);
	free(tr);
}

void
triage_classify(const struct triage_rules *tr, const char *text,
    struct triage_result *res)
{
	pcre2_match_data	*md;
	uint64_t		 seen = 0;
	size_t			 i, len = strlen(text), used = 0;
	int			 n;

	res->level = TRIAGE_ROUTINE;
	res->rules[0] = '\0';
	if ((md = pcre2_match_data_create(1, NULL)) == NULL)
		abort();
	res->match_errors = 0;
	for (i = 0; i < tr->nconcepts; i++) {
		n = pcre2_match(tr->concepts[i].re, (PCRE2_SPTR)text, len, 0,
		    0, md, NULL);
		if (n == PCRE2_ERROR_NOMATCH)
			continue;
		if (n < 0)	/* could not tell: assume the symptom is there */
			res->match_errors++;
		seen |= UINT64_C(1) << i;
	}
	pcre2_match_data_free(md);
	for (i = 0; i < tr->nrules; i++) {
		const struct triage_rule *r = &tr->rules[i];

		if ((seen & r->need) != r->need)
			continue;
		if (r->level > res->level)
			res->level = r->level;
		n = snprintf(res->rules + used, sizeof res->rules - used, "%s%s",
		    used > 0 ? "," : "", r->id);
		if (n > 0 && (size_t)n < sizeof res->rules - used)
			used += (size_t)n;
	}
}
