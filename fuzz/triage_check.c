/* SPDX-License-Identifier: ISC */
/*
 * The triage oracles (see fuzz_triage.h): the plain rules, the comparison
 * of a conversation under fast and plain rules, and the white-box checks
 * of the literal prefilter and the ASCII patterns.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fuzz.h"
#include "fuzz_triage.h"
#include "triage_int.h"
#include "xmalloc.h"

#define FUZZ_TRIAGE_T0		INT64_C(1767225600)	/* 2026-01-01 UTC */
#define FUZZ_TRIAGE_GAP		600	/* seconds between messages */

/* The statements that end in a pattern, and the words before it. */
static const struct {
	const char	*kw;
	int		 words;
} fuzz_triage_kws[] = {
	{ "concept", 1 }, { "topic", 1 }, { "qualifier", 1 }, { "cue", 1 },
	{ "harmless", 0 }, { "answer", 1 }, { "activity", 1 },
	{ "detect", 0 },
};

/* Steps over blanks, then over one word if word; as the loader splits. */
static const char *
fuzz_triage_skip(const char *p, const char *eol, int word)
{
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	if (word)
		while (p < eol && *p != ' ' && *p != '\t')
			p++;
	return p;
}

char *
fuzz_triage_plain(const char *text, size_t len, size_t *outlen)
{
	const char	*p = text, *end = text + len, *eol, *w, *q;
	char		*out, *o;
	size_t		 i;
	int		 k;

	out = o = xmalloc(len + 4 * (len + 1) + 1);
	for (; p < end; p = eol) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		else
			eol++;
		w = fuzz_triage_skip(p, eol, 0);
		q = fuzz_triage_skip(w, eol, 1);
		for (i = 0; i < sizeof fuzz_triage_kws /
		    sizeof fuzz_triage_kws[0]; i++)
			if ((size_t)(q - w) == strlen(fuzz_triage_kws[i].kw) &&
			    memcmp(w, fuzz_triage_kws[i].kw, (size_t)(q - w)) == 0)
				break;
		if (i == sizeof fuzz_triage_kws / sizeof fuzz_triage_kws[0]) {
			memcpy(o, p, (size_t)(eol - p));
			o += eol - p;
			continue;
		}
		for (k = 0; k < fuzz_triage_kws[i].words; k++)
			q = fuzz_triage_skip(q, eol, 1);
		q = fuzz_triage_skip(q, eol, 0);
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, "\\Q\\E", 4);
		o += 4;
		memcpy(o, q, (size_t)(eol - q));
		o += eol - q;
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

struct triage_rules *
fuzz_triage_load(const char *dir)
{
	struct triage_rules	*tr;
	struct diag		 d;
	char			*path;

	path = xasprintf("%s/%s", fuzz_tmpdir(), dir);
	diag_init(&d);
	tr = triage_rules_load(path, &d);
	if ((tr == NULL) != (d.nerrors > 0))
		fuzz_fail("triage_rules_load: rules %p with %zu errors",
		    (void *)tr, d.nerrors);
	diag_clear(&d);
	free(path);
	return tr;
}

/*
 * The premise of the comparison: in plain rules no line has literals or an
 * ASCII pattern, and every set is searched through its alternation.
 */
static void
fuzz_triage_plain_set(const struct triage_set *ts)
{
	int	i;

	for (i = 0; i < ts->nline; i++)
		if (ts->line[i].mask != 0 || ts->line[i].ascii != NULL)
			fuzz_fail("a plain line has literals or an ASCII pattern");
	if (ts->nline > 0 && (ts->njoined == 0 || ts->unread != ts->nline))
		fuzz_fail("a plain set is not searched as one alternation");
}

void
fuzz_triage_is_plain(const struct triage_rules *tr)
{
	int	i;

	for (i = 0; i < tr->nconcepts; i++)
		fuzz_triage_plain_set(&tr->concepts[i].set);
	for (i = 0; i < CUE_COUNT; i++)
		fuzz_triage_plain_set(&tr->cues[i]);
	for (i = 0; i < tr->nlangs; i++)
		fuzz_triage_plain_set(&tr->langs[i].detect);
	fuzz_triage_plain_set(&tr->harmless);
	fuzz_triage_plain_set(&tr->yes);
	fuzz_triage_plain_set(&tr->no);
	for (i = 0; i < tr->nactivity; i++)
		if (tr->activity[i].line.mask != 0 ||
		    tr->activity[i].line.ascii != NULL)
			fuzz_fail("a plain activity line is filtered");
}

/* One line of a set on text: the prefilter and the ASCII pattern. */
static void
fuzz_triage_line(const struct triage_line *ln, const char *text, size_t len,
    const uint64_t *sat, int ascii, pcre2_match_data *md)
{
	PCRE2_SIZE	*ov = pcre2_get_ovector_pointer(md), s = 0, e = 0;
	int		 rc, arc;

	rc = pcre2_match(ln->re, (PCRE2_SPTR)text, len, 0, 0, md, NULL);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		return;		/* a limit: the engine counts it as a match */
	if (rc >= 0 && !triage_lit_may(sat, ln))
		fuzz_fail("the prefilter rules out a line that matches at %zu",
		    (size_t)ov[0]);
	if (!ascii || ln->ascii == NULL)
		return;
	if (rc >= 0) {
		s = ov[0];
		e = ov[1];
	}
	arc = pcre2_match(ln->ascii, (PCRE2_SPTR)text, len, 0, 0, md, NULL);
	if (arc < 0 && arc != PCRE2_ERROR_NOMATCH)
		return;
	if ((arc >= 0) != (rc >= 0) || (rc >= 0 && (ov[0] != s || ov[1] != e)))
		fuzz_fail("the ASCII pattern finds %d [%zu, %zu), the UTF one "
		    "%d [%zu, %zu)", arc, arc >= 0 ? (size_t)ov[0] : 0,
		    arc >= 0 ? (size_t)ov[1] : 0, rc, (size_t)s, (size_t)e);
}

static void
fuzz_triage_set(const struct triage_set *ts, const char *text, size_t len,
    const uint64_t *sat, int ascii, pcre2_match_data *md)
{
	int	i;

	for (i = 0; i < ts->nline; i++)
		fuzz_triage_line(&ts->line[i], text, len, sat, ascii, md);
}

void
fuzz_triage_lits(const struct triage_rules *tr, const char *text)
{
	pcre2_match_data	*md;
	uint64_t		*sat;
	size_t			 len = strlen(text), j;
	int			 i, ascii;

	if ((md = pcre2_match_data_create(16, NULL)) == NULL)
		abort();
	sat = xcalloc((size_t)tr->lits.nwords + 1, sizeof *sat);
	ascii = triage_lit_scan(&tr->lits, text, len, sat);
	for (j = 0; j < len && (unsigned char)text[j] < 0x80; j++)
		;
	if (ascii != (j == len))
		fuzz_fail("triage_lit_scan says ASCII is %d", ascii);
	for (i = 0; i < tr->nconcepts; i++)
		fuzz_triage_set(&tr->concepts[i].set, text, len, sat, ascii, md);
	for (i = 0; i < CUE_COUNT; i++)
		fuzz_triage_set(&tr->cues[i], text, len, sat, ascii, md);
	for (i = 0; i < tr->nlangs; i++)
		fuzz_triage_set(&tr->langs[i].detect, text, len, sat, ascii, md);
	fuzz_triage_set(&tr->harmless, text, len, sat, ascii, md);
	fuzz_triage_set(&tr->yes, text, len, sat, ascii, md);
	fuzz_triage_set(&tr->no, text, len, sat, ascii, md);
	for (i = 0; i < tr->nactivity; i++)
		fuzz_triage_line(&tr->activity[i].line, text, len, sat, ascii,
		    md);
	free(sat);
	pcre2_match_data_free(md);
}

static int
fuzz_triage_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* A result on its own: its levels, rule list and question. */
static void
fuzz_triage_sane(const struct triage_result *r, const struct triage_state *st,
    int64_t now)
{
	if (r->level < TRIAGE_ROUTINE || r->level > TRIAGE_EMERGENCY ||
	    r->own < TRIAGE_ROUTINE || r->own > r->level)
		fuzz_fail("levels: own %d, answer %d", (int)r->own,
		    (int)r->level);
	if (memchr(r->rules, '\0', sizeof r->rules) == NULL)
		fuzz_fail("rule list is not NUL-terminated");
	if (r->question != NULL && (r->level != TRIAGE_URGENT ||
	    !triage_question_pending(st, now)))
		fuzz_fail("question '%s' at level %s", r->question,
		    triage_level_name(r->level));
	if (r->answer == TRIAGE_ANSWER_YES && r->own != TRIAGE_EMERGENCY)
		fuzz_fail("a YES to the follow-up is not an emergency");
}

/* The state stored and read back must be the same state. */
static char *
fuzz_triage_stored(const struct triage_rules *tr, const struct triage_state *st)
{
	struct triage_state	 back;
	char			*s, *again;

	s = triage_state_format(tr, st);
	if (triage_state_parse(tr, s, &back) == -1)
		fuzz_fail("stored state '%s' does not parse", s);
	again = triage_state_format(tr, &back);
	if (strcmp(s, again) != 0)
		fuzz_fail("state '%s' reads back as '%s'", s, again);
	free(again);
	return s;
}

void
fuzz_triage_compare(const struct triage_rules *fast,
    const struct triage_rules *plain, const char *state, char *const *msgs,
    size_t n)
{
	struct triage_state	 sa, sb;
	struct triage_result	 ra, rb;
	const char		*la, *lb;
	char			*fa, *fb;
	int64_t			 now;
	size_t			 i;
	int			 pa, pb;

	pa = triage_state_parse(fast, state, &sa);
	pb = plain != NULL ? triage_state_parse(plain, state, &sb) : pa;
	if (pa != pb)
		fuzz_fail("the state parses %d with fast rules, %d plain", pa,
		    pb);
	for (i = 0; i < n; i++) {
		now = FUZZ_TRIAGE_T0 + (int64_t)i * FUZZ_TRIAGE_GAP;
		fuzz_triage_lits(fast, msgs[i]);
		triage_step(fast, &sa, msgs[i], now, &ra);
		fuzz_triage_sane(&ra, &sa, now);
		fa = fuzz_triage_stored(fast, &sa);
		if (plain == NULL) {
			free(fa);
			continue;
		}
		triage_step(plain, &sb, msgs[i], now, &rb);
		fb = fuzz_triage_stored(plain, &sb);
		if (ra.match_errors != 0 || rb.match_errors != 0) {
			free(fa);	/* unfinished searches differ; so may all after */
			free(fb);
			return;
		}
		la = triage_language(fast, msgs[i]);
		lb = triage_language(plain, msgs[i]);
		if (ra.level != rb.level || ra.own != rb.own ||
		    strcmp(ra.rules, rb.rules) != 0 ||
		    !fuzz_triage_streq(ra.reply, rb.reply) ||
		    !fuzz_triage_streq(ra.question, rb.question) ||
		    !fuzz_triage_streq(la, lb) ||
		    ra.answer != rb.answer ||
		    memcmp(&ra.activity, &rb.activity, sizeof ra.activity) != 0)
			fuzz_fail("message %zu: fast rules give %s [%s] %s, "
			    "plain %s [%s] %s; activity %d/%d/%d/%d and "
			    "%d/%d/%d/%d", i, triage_level_name(ra.level),
			    ra.rules, la != NULL ? la : "-",
			    triage_level_name(rb.level), rb.rules,
			    lb != NULL ? lb : "-",
			    ra.activity.present, ra.activity.minutes,
			    ra.activity.meters, ra.activity.steps,
			    rb.activity.present, rb.activity.minutes,
			    rb.activity.meters, rb.activity.steps);
		if (strcmp(fa, fb) != 0)
			fuzz_fail("message %zu: states differ: '%s' and '%s'",
			    i, fa, fb);
		free(fa);
		free(fb);
	}
}
